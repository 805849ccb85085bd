package generator_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// sshKey makes an ed25519 key with ssh-keygen in a temporary folder, and returns the
// private key's path and the public key's line.
func sshKey(t *testing.T, name string) (string, string) {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	p := filepath.Join(t.TempDir(), name)
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", p).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	pub, err := os.ReadFile(p + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return p, strings.TrimSpace(string(pub))
}

// signedRepo is a repository under policy signed where Marco (c_h223) and Luca (r_080)
// registered SSH keys, and so did Anna, the maintainer (m_ef, the plan owner), who
// signs what she lands (see land); p2 is a second proposal.
func signedRepo(t *testing.T) (g *gitRepo, marcoKey, lucaKey string) {
	t.Helper()
	marcoKey, marcoPub := sshKey(t, "marco")
	lucaKey, lucaPub := sshKey(t, "luca")
	annaKey, annaPub := sshKey(t, "anna")
	overlay := fmt.Sprintf(`-- content/bodies/m_ef.md --
---
name: Ministero dell'Economia e delle Finanze
kind: ministry
members:
  - name: Anna Rossi
    email: anna.rossi@mef.gov.it
    keys: [%q]
---
-- content/bodies/c_h223.md --
---
name: Comune di Reggio Emilia
kind: municipality
members:
  - name: Marco Bianchi
    email: marco.bianchi@comune.re.it
    keys: [%q]
---
-- content/bodies/r_080.md --
---
name: Regione Emilia-Romagna
kind: region
members:
  - name: Luca Verdi
    email: luca.verdi@regione.emilia-romagna.it
    keys: [%q]
---
-- content/proposals/p2/index.md --
---
title: Proposta due
body: c_h223
date: 2025-02-02
---
Testo.
`, annaPub, marcoPub, lucaPub)
	g = newGitRepo(t, "signed", overlay)
	g.ownerKey = annaKey
	return g, marcoKey, lucaKey
}

// land is the maintainer's signed commit on the main branch at date, which vouches for
// the landing time of what was committed directly before it: commits made straight on
// main carry a date their contributor wrote.
func (g *gitRepo) land(date string) string {
	g.t.Helper()
	if g.ownerKey == "" {
		g.t.Fatal("land: the maintainer has no key")
	}
	g.runEnv(date, who(anna), "-c", "gpg.format=ssh", "-c", "user.signingkey="+g.ownerKey, "commit", "-q", "--allow-empty", "-S", "-m", "Pubblicazione")
	return g.run(date, "rev-parse", "HEAD")
}

// signedCommit commits every change as author, signed by git with the SSH key.
func (g *gitRepo) signedCommit(date, author, key, msg string) string {
	g.t.Helper()
	g.run(date, "add", "-A")
	g.runEnv(date, who(author), "-c", "gpg.format=ssh", "-c", "user.signingkey="+key, "commit", "-q", "-S", "-m", msg)
	return g.run(date, "rev-parse", "HEAD")
}

// signFile makes the detached signature <file>.sig with ssh-keygen -Y sign -n pspm.
func (g *gitRepo) signFile(key, file string) {
	g.t.Helper()
	_ = os.Remove(g.path(file) + ".sig")
	if out, err := exec.Command("ssh-keygen", "-Y", "sign", "-n", "pspm", "-f", key, g.path(file)).CombinedOutput(); err != nil {
		g.t.Fatalf("ssh-keygen -Y sign: %v\n%s", err, out)
	}
}

func TestSSHSignedCommitByAMemberCounts(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	g.write(reggioVote, "vote: support\n")
	g.signedCommit("2025-02-03T09:00:00Z", marco, marcoKey, "Voto firmato")
	g.land("2025-02-03T09:00:00Z")
	v := g.vote(reggioVote)
	wantCounted(t, v, "signature")
	if s, _ := v["signer"].(string); !strings.HasPrefix(s, "SHA256:") {
		t.Errorf("signer %q: want the key's fingerprint", s)
	}
}

func TestUnsignedCommitWithAMembersEmailNotCountedUnderPolicySigned(t *testing.T) {
	g, _, _ := signedRepo(t)
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto con l'email di Marco, senza firma")
	wantNotCounted(t, g.vote(reggioVote), "unsigned")
}

func TestCommitSignedByAnotherBodysKeyNotCounted(t *testing.T) {
	g, _, lucaKey := signedRepo(t)
	g.write(reggioVote, "vote: support\n")
	g.signedCommit("2025-02-03T09:00:00Z", marco, lucaKey, "Firmato dalla Regione con l'email del Comune")
	wantNotCounted(t, g.vote(reggioVote), "not-member")
}

func TestDetachedSignatureCountsAfterASquashMerge(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	g.write(reggioVote, "vote: support\nitem: proposals/p1\nvoter: c_h223\ndate: 2025-02-03\n")
	g.signFile(marcoKey, reggioVote)
	// The forge squashes the merge request: the commit is its own, unsigned by Marco.
	g.commitAll("2025-02-03T09:00:00Z", forge, "Voto del Comune (#12)")
	g.land("2025-02-03T09:00:00Z")
	v := g.vote(reggioVote)
	wantCounted(t, v, "signature")
	if v["signature"] != reggioVote+".sig" {
		t.Errorf("signature %v", v["signature"])
	}
}

func TestDetachedSignatureMustNameItsItemAndVoter(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	g.write(reggioVote, "vote: support\n")
	g.signFile(marcoKey, reggioVote)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Voto (#12)")
	votes, _, out := g.build()
	v := votes[reggioVote]
	wantNotCounted(t, v, "bad-signature")
	if d, _ := v["detail"].(string); !strings.Contains(d, "item: proposals/p1") {
		t.Errorf("detail %q does not say which lines to add", d)
	}
	wantPageSays(t, out, "proposals/p1/index.html", "un file firmato deve dire a cosa si riferisce", "a signed file must say")
}

func TestSignatureCopiedToAnotherItemNotCounted(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	vote := "vote: support\nitem: proposals/p1\nvoter: c_h223\ndate: 2025-02-03\n"
	g.write(reggioVote, vote)
	g.signFile(marcoKey, reggioVote)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Voto del Comune (#12)")
	g.land("2025-02-03T09:00:00Z")
	sig := g.read(reggioVote + ".sig")

	// Copied as it is: the file names p1, not p2.
	copied := "content/proposals/p2/reactions/c_h223.yaml"
	g.write(copied, vote)
	g.write(copied+".sig", sig)
	g.commitAll("2025-02-04T09:00:00Z", eve, "Copia")
	wantNotCounted(t, g.vote(copied), "malformed")

	// Copied and edited to name p2: the signature no longer matches.
	g.write(copied, strings.Replace(vote, "proposals/p1", "proposals/p2", 1))
	g.commitAll("2025-02-05T09:00:00Z", eve, "Copia corretta")
	votes, _, out := g.build()
	wantNotCounted(t, votes[copied], "bad-signature")
	// Why it does not verify is the signature library's own words: kept, marked English,
	// inside a sentence of the page's language.
	wantPageSays(t, out, "proposals/p2/index.html", `la firma c_h223.yaml.sig non è valida: <span lang="en">`, "c_h223.yaml.sig does not verify")
	wantCounted(t, g.vote(reggioVote), "signature")
}

func TestWithdrawnSignedVoteCannotBeReplayed(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	vote := "vote: oppose\nitem: proposals/p1\nvoter: c_h223\ndate: 2025-02-03\n"
	g.write(reggioVote, vote)
	g.signFile(marcoKey, reggioVote)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Voto (#12)")
	g.land("2025-02-03T09:00:00Z")
	sig := g.read(reggioVote + ".sig")
	wantCounted(t, g.vote(reggioVote), "signature")

	g.remove(reggioVote)
	g.remove(reggioVote + ".sig")
	g.commitAll("2025-02-04T09:00:00Z", forge, "Ritiro del voto (#13)")

	g.write(reggioVote, vote)
	g.write(reggioVote+".sig", sig)
	g.commitAll("2025-02-05T09:00:00Z", eve, "Rimetto il voto ritirato")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "bad-signature")
	if d, _ := v["detail"].(string); !strings.Contains(d, "withdrawn") {
		t.Errorf("detail %q", d)
	}
}

// pgpEntity makes an OpenPGP key for Marco, created on 1 January 2024.
func pgpEntity(t *testing.T) (*openpgp.Entity, string) {
	t.Helper()
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }}
	e, err := openpgp.NewEntity("Marco Bianchi", "", "marco.bianchi@comune.re.it", cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return e, b.String()
}

// pgpCommit commits the index as author with an OpenPGP signature made by e, writing the
// commit object itself as git would (a gpgsig header over the rest of the commit).
func (g *gitRepo) pgpCommit(date, author string, e *openpgp.Entity, msg string) string {
	g.t.Helper()
	g.run(date, "add", "-A")
	tree := g.run(date, "write-tree")
	parent := g.run(date, "rev-parse", "HEAD")
	when, _ := time.Parse(time.RFC3339, date)
	stamp := fmt.Sprintf("%d +0000", when.Unix())
	payload := fmt.Sprintf("tree %s\nparent %s\nauthor %s %s\ncommitter %s %s\n\n%s\n", tree, parent, author, stamp, anna, stamp, msg)
	var sig bytes.Buffer
	cfg := &packet.Config{Time: func() time.Time { return when }}
	if err := openpgp.ArmoredDetachSign(&sig, e, strings.NewReader(payload), cfg); err != nil {
		g.t.Fatal(err)
	}
	header := "gpgsig " + strings.ReplaceAll(strings.TrimRight(sig.String(), "\n"), "\n", "\n ") + "\n"
	head, body, _ := strings.Cut(payload, "\n\n")
	object := head + "\n" + header + "\n" + body
	cmd := exec.Command("git", "hash-object", "-t", "commit", "-w", "--stdin")
	cmd.Dir = g.dir
	cmd.Stdin = strings.NewReader(object)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("hash-object: %v\n%s", err, out)
	}
	hash := strings.TrimSpace(string(out))
	g.run(date, "update-ref", "refs/heads/main", hash)
	return hash
}

func TestOpenPGPSignedCommitCounts(t *testing.T) {
	e, pub := pgpEntity(t)
	overlay := fmt.Sprintf("-- content/bodies/c_h223.md --\n---\nname: Comune di Reggio Emilia\nkind: municipality\nmembers:\n  - name: Marco Bianchi\n    email: marco.bianchi@comune.re.it\n    keys:\n      - |\n%s\n---\n",
		indent(pub, "        "))
	annaKey, annaPub := sshKey(t, "anna")
	overlay += fmt.Sprintf("-- content/bodies/m_ef.md --\n---\nname: MEF\nkind: ministry\nmembers:\n  - name: Anna Rossi\n    email: anna.rossi@mef.gov.it\n    keys: [%q]\n---\n", annaPub)
	g := newGitRepo(t, "signed", overlay)
	g.ownerKey = annaKey
	g.write(reggioVote, "vote: support\n")
	commit := g.pgpCommit("2025-02-03T09:00:00Z", marco, e, "Voto firmato con OpenPGP")
	g.land("2025-02-03T09:00:00Z")
	v := g.vote(reggioVote)
	wantCounted(t, v, "signature")
	if v["commit"] != commit {
		t.Errorf("commit %v, want %s", v["commit"], commit)
	}
	// The same signature over another commit's content does not verify.
	other, _ := pgpEntity(t)
	g.write(reggioVote, "vote: oppose\n")
	g.pgpCommit("2025-02-04T09:00:00Z", marco, other, "Firmato con una chiave non registrata")
	g.land("2025-02-04T09:00:00Z")
	wantNotCounted(t, g.vote(reggioVote), "not-member")
}

func indent(s, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString(prefix + line)
		}
	}
	return b.String()
}
