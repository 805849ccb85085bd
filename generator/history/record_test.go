package history

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// payloadOf returns the commit object as git prints it, without its gpgsig header: the
// bytes its signature signs.
func payloadOf(r *testRepo, hash string) string {
	var out []string
	inSig := false
	for _, line := range strings.SplitAfter(r.gitRaw("cat-file", "commit", hash), "\n") {
		switch {
		case strings.HasPrefix(line, "gpgsig "):
			inSig = true
			continue
		case inSig && strings.HasPrefix(line, " "):
			continue
		}
		inSig = false
		out = append(out, line)
	}
	return strings.Join(out, "")
}

// gitRaw runs git and returns its output untrimmed.
func (r *testRepo) gitRaw(args ...string) string {
	r.t.Helper()
	out, err := r.command(maintainer, maintainer, day(0), day(0), args...).Output()
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// sshKey makes an SSH signing key in the repository's home and returns its path.
func sshKey(t *testing.T, r *testRepo) string {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	key := filepath.Join(r.home, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", key).CombinedOutput(); err != nil {
		t.Skipf("ssh-keygen: %v %s", err, out)
	}
	return key
}

// commitSigned commits everything, signed with the SSH key.
func (r *testRepo) commitSigned(by who, at int, key, msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.run(by, by, day(at), day(at), "-c", "gpg.format=ssh", "-c", "user.signingkey="+key,
		"commit", "-q", "-S", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// The signature of the commit behind a vote comes with the exact bytes it signs, so
// that ssh-keygen (or any verifier) accepts it without reading Git.
func TestSignaturePayloadVerifiesWithSSHKeygen(t *testing.T) {
	r := newTestRepo(t)
	key := sshKey(t, r)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	signed := r.commitSigned(region, 2, key, "Vote\n\nWith a body.")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.commit(contributor, day(3), "Unsigned vote")

	h := load(t, Options{Dir: r.dir})
	if len(h.Signatures) != 1 {
		t.Fatalf("Signatures has %d entries, want only the signed commit's", len(h.Signatures))
	}
	s := h.Signatures[signed]
	if s == nil {
		t.Fatalf("no signature for %.7s", signed)
	}
	if !strings.HasPrefix(s.Text, "-----BEGIN SSH SIGNATURE-----") {
		t.Errorf("Text = %q, want an armored SSH signature", s.Text)
	}
	if want := payloadOf(r, signed); s.Payload != want {
		t.Errorf("Payload =\n%q\nwant\n%q", s.Payload, want)
	}

	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	allowed := filepath.Join(r.home, "allowed_signers")
	sig := filepath.Join(r.home, "commit.sig")
	if err := os.WriteFile(allowed, append([]byte("region@example.org "), pub...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sig, []byte(s.Text), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", "region@example.org", "-n", "git", "-s", sig)
	cmd.Stdin = strings.NewReader(s.Payload)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("ssh-keygen -Y verify: %v\n%s", err, out)
	}
}

// An OpenPGP signature's payload verifies with gpg.
func TestSignaturePayloadVerifiesWithGPG(t *testing.T) {
	r := newTestRepo(t)
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg not installed")
	}
	gnupg, err := os.MkdirTemp("", "gpg") // short: gpg-agent's socket path is bounded
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(gnupg)
	gpg := func(stdin string, args ...string) ([]byte, error) {
		cmd := exec.Command("gpg", append([]string{"--batch", "--homedir", gnupg}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		return cmd.CombinedOutput()
	}
	defer exec.Command("gpgconf", "--homedir", gnupg, "--kill", "gpg-agent").Run()
	if out, err := gpg("", "--passphrase", "", "--pinentry-mode", "loopback",
		"--quick-gen-key", "Region <pianificazione@regione.emilia-romagna.it>", "ed25519", "sign", "never"); err != nil {
		t.Skipf("gpg cannot make a key here: %v\n%s", err, out)
	}
	r.write("content/plan/_index.md", "# Plan\n")
	r.git("add", "-A")
	cmd := r.command(region, region, day(1), day(1), "-c", "gpg.program=gpg", "-c", "user.signingkey=pianificazione@regione.emilia-romagna.it",
		"commit", "-q", "-S", "-m", "Plan")
	cmd.Env = append(cmd.Env, "GNUPGHOME="+gnupg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("git cannot sign with gpg here: %v\n%s", err, out)
	}
	c := r.git("rev-parse", "HEAD")

	h := load(t, Options{Dir: r.dir})
	s := h.Signatures[c]
	if s == nil || !strings.HasPrefix(s.Text, "-----BEGIN PGP SIGNATURE-----") {
		t.Fatalf("Signatures[%.7s] = %+v, want an OpenPGP signature", c, s)
	}
	sig := filepath.Join(gnupg, "commit.asc")
	if err := os.WriteFile(sig, []byte(s.Text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := gpg(s.Payload, "--verify", sig, "-"); err != nil {
		t.Errorf("gpg --verify: %v\n%s", err, out)
	}
	if out, err := gpg(s.Payload+"x", "--verify", sig, "-"); err == nil {
		t.Errorf("gpg accepts a changed payload:\n%s", out)
	}
}

// Signatures follow the files: a commit no longer behind any file or change is dropped
// from them by Update, as by Load.
func TestSignatureOfReplacedVersionIsDropped(t *testing.T) {
	r := newTestRepo(t)
	key := sshKey(t, r)
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	signed := r.commitSigned(region, 1, key, "Vote")
	prev := load(t, Options{Dir: r.dir})
	if prev.Signatures[signed] == nil {
		t.Fatal("no signature for the signed vote")
	}
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: oppose\n")
	r.commit(region, day(2), "Change the vote, unsigned")

	h, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Signatures) != 0 {
		t.Errorf("Signatures = %v, want none: no file comes from the signed commit", h.Signatures)
	}
	if prev.Signatures[signed] == nil {
		t.Error("Update modified prev")
	}
	sameHistory(t, h, load(t, Options{Dir: r.dir}))
}

// A signed commit on a merged branch keeps its signature: the merge that lands it is
// not the commit that made the vote.
func TestSignatureOfMergedBranchCommitIsKept(t *testing.T) {
	r := newTestRepo(t)
	key := sshKey(t, r)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	signed := r.commitSigned(region, 2, key, "Vote")
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(3), "feature")

	h := load(t, Options{Dir: r.dir})
	p := h.Files["content/proposals/p/reactions/r_emiro.yaml"]
	if p.Commit != signed || !p.Signed {
		t.Fatalf("provenance %+v, want the signed branch commit", p)
	}
	if s := h.Signatures[signed]; s == nil || s.Payload != payloadOf(r, signed) {
		t.Errorf("Signatures[%.7s] = %+v", signed, s)
	}
}

// A vote's version and its detached signature that were replaced or deleted on main
// are spent, once, whatever happens at that path later.
func TestReplacedAndDeletedSignaturesAreRetired(t *testing.T) {
	r := newTestRepo(t)
	const sig = "content/proposals/p/reactions/r_emiro.yaml.sig"
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	r.write(sig, "signature A\n")
	v1 := r.commit(region, day(1), "Vote")
	a := r.git("rev-parse", "HEAD:"+sig)
	prev := load(t, Options{Dir: r.dir})
	if len(prev.Retired) != 0 {
		t.Fatalf("Retired = %v before anything was replaced", prev.Retired)
	}

	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: oppose\n")
	r.write(sig, "signature B\n")
	v2 := r.commit(region, day(2), "Change the vote")
	b := r.git("rev-parse", "HEAD:"+sig)
	r.remove(sig)
	r.remove("content/proposals/p/reactions/r_emiro.yaml")
	v3 := r.commit(region, day(3), "Withdraw")
	// The old vote and its signature, added back by anyone: a replay.
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	r.write(sig, "signature A\n")
	replay := r.commit(contributor, day(4), "Replay")
	r.remove(sig)
	r.commit(maintainer, day(5), "Remove the replay")
	// A feedback file's signature, replaced in a merged branch: only the version that
	// was on main is spent, not the branch's own intermediate one.
	const fsig = "content/proposals/p/feedback/r_emiro-dubbi.md.sig"
	r.write(fsig, "feedback signature 1\n")
	r.commit(region, day(6), "Feedback")
	f1 := r.git("rev-parse", "HEAD:"+fsig)
	r.git("checkout", "-q", "-b", "feature")
	r.write(fsig, "feedback signature 2\n")
	r.commit(region, day(7), "Resign")
	r.write(fsig, "feedback signature 3\n")
	r.commit(region, day(8), "Resign again")
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(9), "feature")

	h := load(t, Options{Dir: r.dir})
	// A, B, then A again as the replay made it: each (blob, commit) once.
	if got := blobsOf(h.Retired[sig]); !slices.Equal(got, []string{a, b, a}) {
		t.Errorf("Retired[%s] = %q, want [A B A] = %q", sig, got, []string{a, b, a})
	}
	if got := blobsOf(h.Retired[fsig]); !slices.Equal(got, []string{f1}) {
		t.Errorf("Retired[%s] = %q, want only the version main held, %q", fsig, got, f1)
	}
	// The vote itself: both versions main held, each with the commit that made it and
	// the one that withdrew it.
	const vote = "content/proposals/p/reactions/r_emiro.yaml"
	if got := h.Retired[vote]; len(got) != 2 || got[0].Commit != v1 || got[0].By != v2 || got[1].Commit != v2 || got[1].By != v3 {
		t.Errorf("Retired[%s] = %+v, want the versions made by %.7s and %.7s", vote, got, v1, v2)
	}
	if len(h.Retired) != 3 {
		t.Errorf("Retired = %v, want only the vote and the two signature paths", h.Retired)
	}
	if got := h.Retired[sig]; len(got) == 3 && got[2].Commit != replay {
		t.Errorf("the replayed signature is credited to %.7s, want the replay %.7s", got[2].Commit, replay)
	}

	u, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, u, h)
	if len(prev.Retired) != 0 {
		t.Error("Update modified prev")
	}
}

// A proposal page keeps every version that landed, each credited like a file's
// provenance; a contribution's Markdown (feedback) is not a page.
func TestChangesListEveryLandedVersionOfAPage(t *testing.T) {
	r := newTestRepo(t)
	const page = "content/proposals/p/index.md"
	r.write(page, "# P\n")
	r.write("content/proposals/p/feedback/c_h223-dubbi.md", "Dubbi\n")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	r.write("content/proposals/p/reactions/notes.md", "x\n")
	r.write("content/plan/attachment.pdf", "%PDF\n")
	c1 := r.commit(maintainer, day(1), "Proposal\n\nBody.")
	prev := load(t, Options{Dir: r.dir})

	r.write(page, "# P, amended\n")
	c2 := r.commitAs(contributor, day(2), maintainer, day(3), "Amend")
	// An amendment in a merge request: made by the branch commit, landed by the merge.
	r.git("checkout", "-q", "-b", "feature")
	r.write(page, "# P, amended twice\n")
	f := r.commit(region, day(4), "Amend again")
	r.write("content/proposals/p/notes/x.md", "x\n")
	r.commit(region, day(5), "Notes")
	r.git("checkout", "-q", "main")
	m := r.merge(maintainer, day(6), "feature")

	h := load(t, Options{Dir: r.dir})
	if got := slices.Sorted(mapKeys(h.Changes)); !slices.Equal(got, []string{page, "content/proposals/p/notes/x.md"}) {
		t.Fatalf("Changes has %q, want only the pages", got)
	}
	list := h.Changes[page]
	if len(list) != 3 {
		t.Fatalf("%d changes, want 3: %+v", len(list), list)
	}
	wants := []struct {
		commit, landed string
		author         who
		msg            string
		content        string
	}{
		{c1, c1, maintainer, "Proposal", "# P\n"},
		{c2, c2, contributor, "Amend", "# P, amended\n"},
		{f, m, region, "Amend again", "# P, amended twice\n"},
	}
	for i, w := range wants {
		c := list[i]
		if c.Commit != w.commit || c.LandedCommit != w.landed || c.Author.Email != w.author.email ||
			c.Message != w.msg || c.Deleted {
			t.Errorf("change %d = %+v, want commit %.7s landed %.7s by %s", i, c, w.commit, w.landed, w.author.email)
		}
		p := &Provenance{Blob: c.Blob}
		if !p.Matches([]byte(w.content)) {
			t.Errorf("change %d: Blob %s is not %q", i, c.Blob, w.content)
		}
	}
	if !list[1].Landed.Equal(day(3)) || !list[2].Landed.Equal(day(6)) {
		t.Errorf("Landed = %v, %v; want the committer times of the landings", list[1].Landed, list[2].Landed)
	}
	if last := list[2]; last.Commit != h.Files[page].Commit || last.Blob != h.Files[page].Blob {
		t.Error("the last change is not the tip's provenance")
	}

	u, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, u, h)
	if len(prev.Changes[page]) != 1 {
		t.Error("Update modified prev")
	}
}

// A deleted or renamed page keeps its history, ending with its deletion, credited to
// the commit that deleted it even in a merged branch.
func TestDeletedPageKeepsItsChanges(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/old/index.md", "# Old\n")
	r.write("content/proposals/gone/index.md", "# Gone\n")
	r.write("content/proposals/kept/index.md", "# Kept\n")
	r.commit(maintainer, day(1), "Proposals")
	r.git("mv", "content/proposals/old", "content/proposals/new")
	mv := r.commit(maintainer, day(2), "Rename")
	r.git("checkout", "-q", "-b", "feature")
	r.git("rm", "-q", "-r", "content/proposals/gone")
	del := r.commit(region, day(3), "Withdraw the proposal")
	r.git("checkout", "-q", "main")
	r.write("content/proposals/kept/index.md", "# Kept, edited\n")
	r.commit(maintainer, day(4), "Edit")
	m := r.merge(maintainer, day(5), "feature")

	h := load(t, Options{Dir: r.dir})
	old := h.Changes["content/proposals/old/index.md"]
	if len(old) != 2 || !old[1].Deleted || old[1].Blob != "" || old[1].Commit != mv {
		t.Errorf("old: %+v, want its version then its deletion by the rename", old)
	}
	if n := h.Changes["content/proposals/new/index.md"]; len(n) != 1 || n[0].Commit != mv || n[0].Blob != old[0].Blob {
		t.Errorf("new: %+v, want one version made by the rename", n)
	}
	gone := h.Changes["content/proposals/gone/index.md"]
	if len(gone) != 2 || !gone[1].Deleted || gone[1].Commit != del || gone[1].LandedCommit != m || gone[1].Author.Email != region.email {
		t.Errorf("gone: %+v, want its deletion made by %.7s and landed by %.7s", gone, del, m)
	}
	if _, ok := h.Files["content/proposals/gone/index.md"]; ok {
		t.Error("a deleted page is still in Files")
	}
	// Re-added, the page's list goes on.
	r.write("content/proposals/gone/index.md", "# Back\n")
	back := r.commit(maintainer, day(6), "Back")
	u, err := Update(Options{Dir: r.dir}, h)
	if err != nil {
		t.Fatal(err)
	}
	if g := u.Changes["content/proposals/gone/index.md"]; len(g) != 3 || g[2].Commit != back || g[2].Deleted {
		t.Errorf("after re-adding: %+v", g)
	}
	sameHistory(t, u, load(t, Options{Dir: r.dir}))
}

// A merge that deletes a page none of its branches deleted (an evil merge) is the
// merge's own change.
func TestDeletionByTheMergeItselfIsTheMerges(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/q/index.md", "# Q\n")
	r.commit(region, day(2), "Q")
	r.git("checkout", "-q", "main")
	r.run(maintainer, maintainer, day(3), day(3), "merge", "-q", "--no-ff", "--no-commit", "feature")
	r.git("rm", "-q", "content/proposals/p/index.md")
	m := r.commit(maintainer, day(3), "Merge, and drop P")

	h := load(t, Options{Dir: r.dir})
	p := h.Changes["content/proposals/p/index.md"]
	if len(p) != 2 || !p[1].Deleted || p[1].Commit != m || p[1].LandedCommit != m {
		t.Errorf("p: %+v, want its deletion by the merge %.7s", p, m)
	}
}

func TestEncodeDecodeKeepsChangesRetiredAndSignatures(t *testing.T) {
	r := newTestRepo(t)
	key := sshKey(t, r)
	r.write("content/proposals/p/index.md", "# P\n")
	r.write("content/proposals/p/reactions/r_emiro.yaml.sig", "A\n")
	r.commitSigned(region, 1, key, "P")
	r.write("content/proposals/p/reactions/r_emiro.yaml.sig", "B\n")
	r.git("rm", "-q", "content/proposals/p/index.md")
	r.commit(maintainer, day(2), "Drop P")
	h := load(t, Options{Dir: r.dir})
	if len(h.Changes) != 1 || len(h.Retired) != 1 || len(h.Signatures) != 1 {
		t.Fatalf("Changes %d, Retired %d, Signatures %d; want one of each", len(h.Changes), len(h.Retired), len(h.Signatures))
	}
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, d, h) // which compares them as JSON too
	if !bytes.Equal(mustEncode(t, d), b) {
		t.Error("Encode(Decode(b)) != b")
	}
}

func mustEncode(t *testing.T, h *History) []byte {
	t.Helper()
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func blobsOf(list []Retirement) []string {
	var out []string
	for _, r := range list {
		out = append(out, r.Blob)
	}
	return out
}

// Who landed a version is a fact the trust model needs: the signature of the commit
// that landed it, and of the signed commits soon after on the branch (one of them may
// be the maintainers' when the landing was a contributor's own commit, fast-forwarded),
// is kept, by Update as by Load.
func TestSignaturesOfLandingCommitsAndTheirFollowersAreKept(t *testing.T) {
	r := newTestRepo(t)
	key := sshKey(t, r)
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	cast := r.commit(region, day(1), "Vote, fast-forwarded")
	prev := load(t, Options{Dir: r.dir})
	r.write("content/proposals/p/index.md", "# P\n")
	sealed := r.commitSigned(maintainer, 2, key, "Seal")

	h := load(t, Options{Dir: r.dir})
	if h.Signatures[sealed] == nil {
		t.Errorf("no signature kept for %.7s, the signed commit after the landing of the vote", sealed)
	}
	u, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, u, h)

	// Any revision can be read, as the merge-request check reads its target.
	at := load(t, Options{Dir: r.dir, Revision: cast})
	if at.Head != cast || at.Files["content/proposals/p/reactions/r_emiro.yaml"] == nil || at.Files["content/proposals/p/index.md"] != nil {
		t.Errorf("history at %.7s: head %.7s, files %v", cast, at.Head, at.Files)
	}
}
