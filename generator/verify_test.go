package generator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/signature"
)

// publishedPortal is a repository with a signed version tag and a portal built from it
// into a folder, as a host would serve it, with its build record signed by Anna, the
// maintainer of the plan owner, whose key m_ef registers.
func publishedPortal(t *testing.T) (g *gitRepo, host string, marcoKey string) {
	t.Helper()
	g, marcoKey, _ = signedRepo(t)
	g.run("2025-01-02T10:00:00Z", "tag", "-a", "plan/2025.1", "-m", "Versione 2025.1")
	g.write("content/proposals/p1/feedback/c_h223-nota.md", "---\ntitle: Nota\ndate: 2025-02-11\n---\nUna nota.\n")
	g.commitAll("2025-02-11T10:00:00Z", marco, "Una nota")
	g.land("2025-02-11T11:00:00Z")
	host = filepath.Join(t.TempDir(), "public")
	buildInto(t, g, host, g.ownerKey)
	return g, host, marcoKey
}

// buildInto builds the repository's site into dest, signing the record with key ("" for
// none).
func buildInto(t *testing.T, g *gitRepo, dest, key string) *generator.Result {
	t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	o := generator.Options{Source: fsys, Dir: g.dir}
	if key != "" {
		if o.Signer, err = signature.NewSSHSigner(key, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	res, err := generator.BuildDir(o, dest)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	return res
}

// copyDir copies a published portal, to tamper with the copy.
func copyDir(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "host")
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return to
}

func edit(t *testing.T, dir, name string, change func(string) string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	after := change(string(data))
	if after == string(data) {
		t.Fatalf("the edit of %s changed nothing", name)
	}
	if err := os.WriteFile(p, []byte(after), 0o644); err != nil {
		t.Fatal(err)
	}
}

func verify(t *testing.T, target, repo string) *generator.VerifyReport {
	t.Helper()
	rep, err := generator.Verify(context.Background(), generator.VerifyOptions{Target: target, Repo: repo, Work: t.TempDir()})
	if err != nil {
		t.Fatalf("verify %s: %v", target, err)
	}
	return rep
}

// said joins the report's differences as pspm verify prints them.
func said(rep *generator.VerifyReport) string {
	var b strings.Builder
	for _, d := range rep.Differences {
		b.WriteString(d.Path + ": " + d.Kind + ": " + d.Says + "\n")
		for _, m := range d.Meaning {
			b.WriteString("    " + m + "\n")
		}
	}
	return b.String()
}

func TestVerifyPassesTheUntouchedPortalAndNamesItsSigner(t *testing.T) {
	g, host, _ := publishedPortal(t)
	// The repository moves on after the build: a commit and a version tag the build never
	// saw must not count against it.
	g.write("content/proposals/p2/feedback/c_h223-dopo.md", "---\ntitle: Dopo\ndate: 2025-03-01\n---\nDopo la pubblicazione.\n")
	g.commitAll("2025-03-01T10:00:00Z", marco, "Dopo")
	g.run("2025-03-02T10:00:00Z", "tag", "-a", "plan/2025.2", "-m", "Versione 2025.2")

	rep := verify(t, host, g.dir)
	if len(rep.Differences) != 0 {
		t.Fatalf("an untouched portal differs:\n%s", said(rep))
	}
	if rep.Files < 50 || !strings.Contains(rep.Signer, "Anna Rossi of m_ef") {
		t.Errorf("compared %d files, signer %q", rep.Files, rep.Signer)
	}
}

func TestVerifyNamesEachTamperingPrecisely(t *testing.T) {
	g, host, marcoKey := publishedPortal(t)
	var votes []map[string]any
	data, err := os.ReadFile(filepath.Join(host, "api/v1/votes.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &votes); err != nil || len(votes) == 0 {
		t.Fatalf("votes.json: %v (%d records)", err, len(votes))
	}
	voteFile := votes[0]["file"].(string)

	cases := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   []string // each must be in what verify says
	}{
		{"a tally edited in proposals.json", func(t *testing.T, dir string) {
			edit(t, dir, "api/v1/proposals.json", func(s string) string {
				i := strings.Index(s, `"id":"p1"`)
				return s[:i] + strings.Replace(s[i:], `"support":0,`, `"support":41,`, 1)
			})
		}, []string{`api/v1/proposals.json: changed`, `id "p1": votes.support is 41 on the host, 0 from the repository (a tally)`}},
		{"a vote's verdict edited in votes.json", func(t *testing.T, dir string) {
			edit(t, dir, "api/v1/votes.json", func(s string) string { return strings.Replace(s, `"counted":false`, `"counted":true`, 1) })
		}, []string{`api/v1/votes.json: changed`, `file "` + voteFile + `": counted is true on the host, false from the repository (a vote's verdict)`}},
		{"a page edited", func(t *testing.T, dir string) {
			edit(t, dir, "proposals/p1/index.html", func(s string) string { return strings.Replace(s, "Proposta uno", "Proposta truccata", 1) })
		}, []string{"proposals/p1/index.html: changed", "Proposta truccata"}},
		{"a file added", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "nuovo.html"), []byte("<p>aggiunto</p>"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"nuovo.html: added: on the host, not given by the repository"}},
		{"a file removed", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "proposals/p2/index.html")); err != nil {
				t.Fatal(err)
			}
		}, []string{"proposals/p2/index.html: missing: given by the repository, missing on the host"}},
		{"the build record edited", func(t *testing.T, dir string) {
			edit(t, dir, generator.RecordFile, func(s string) string {
				i := strings.Index(s, `{"path":"index.html"`)
				j := strings.Index(s[i:], `"sha256":"`) + i + len(`"sha256":"`)
				return s[:j] + "0000" + s[j+4:]
			})
		}, []string{"index.html: record: the build record gives SHA-256 0000", "api/v1/build.json.sig: signature: the build record's signature does not verify"}},
		{"the signature replaced", func(t *testing.T, dir string) {
			s, err := signature.NewSSHSigner(marcoKey, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			rec, err := os.ReadFile(filepath.Join(dir, generator.RecordFile))
			if err != nil {
				t.Fatal(err)
			}
			sig, err := s.SignIn(rec, g.commitTime(), signature.NamespacePSPM)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, generator.RecordSignatureFile), []byte(sig), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []string{"api/v1/build.json.sig: signature: the build record's signature does not verify with a key of a member of m_ef"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := copyDir(t, host)
			c.tamper(t, dir)
			rep := verify(t, dir, g.dir)
			got := said(rep)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("verify does not say %q; it says:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "\n") - strings.Count(got, "\n    "); n > len(c.want) {
				t.Errorf("one tampering, %d differences:\n%s", n, got)
			}
		})
	}
}

// commitTime is the committer time of HEAD.
func (g *gitRepo) commitTime() time.Time {
	g.t.Helper()
	at, err := time.Parse(time.RFC3339, g.run("", "log", "-1", "--format=%cI"))
	if err != nil {
		g.t.Fatal(err)
	}
	return at
}

func TestVerifyOverHTTP(t *testing.T) {
	g, host, _ := publishedPortal(t)
	// A static host: a file at its path, a folder's index.html at the folder's address,
	// no listings.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		data, err := os.ReadFile(filepath.Join(host, filepath.FromSlash(name)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
	}))
	defer srv.Close()
	if rep := verify(t, srv.URL, g.dir); len(rep.Differences) != 0 || rep.Signer == "" {
		t.Fatalf("over HTTP, the untouched portal differs (signer %q):\n%s", rep.Signer, said(rep))
	}
	edit(t, host, "api/v1/votes.json", func(s string) string { return strings.Replace(s, `"counted":false`, `"counted":true`, 1) })
	if err := os.Remove(filepath.Join(host, "proposals/p2/index.html")); err != nil {
		t.Fatal(err)
	}
	got := said(verify(t, srv.URL+"/", g.dir))
	for _, w := range []string{"api/v1/votes.json: changed", "(a vote's verdict)", "proposals/p2/index.html: missing"} {
		if !strings.Contains(got, w) {
			t.Errorf("over HTTP, verify does not say %q; it says:\n%s", w, got)
		}
	}
}

func TestVerifyCannotCheckAnotherPSPMOrAMissingCommit(t *testing.T) {
	g, host, _ := publishedPortal(t)
	other := copyDir(t, host)
	edit(t, other, generator.RecordFile, func(s string) string {
		return strings.Replace(s, `"version": "`+generator.Version+`"`, `"version": "9.9.9"`, 1)
	})
	_, err := generator.Verify(context.Background(), generator.VerifyOptions{Target: other, Repo: g.dir, Work: t.TempDir()})
	if !errors.Is(err, generator.ErrCannotVerify) || !strings.Contains(err.Error(), "pspm 9.9.9") || !strings.Contains(err.Error(), "go install github.com/pspm-dev/pspm/cmd/pspm@v9.9.9") {
		t.Errorf("another pspm: %v", err)
	}
	// A repository that does not hold the commit (another repository, or history
	// rewritten since).
	elsewhere := newGitRepo(t, "author", "")
	_, err = generator.Verify(context.Background(), generator.VerifyOptions{Target: host, Repo: elsewhere.dir, Work: t.TempDir()})
	if !errors.Is(err, generator.ErrCannotVerify) || !strings.Contains(err.Error(), "not in the repository") {
		t.Errorf("a repository without the commit: %v", err)
	}
	if _, err := generator.Verify(context.Background(), generator.VerifyOptions{Target: t.TempDir(), Repo: g.dir}); !errors.Is(err, generator.ErrCannotVerify) || !strings.Contains(err.Error(), "no build record") {
		t.Errorf("a folder without a record: %v", err)
	}
}

func TestTheBuildRecordListsEveryFileAndIsTheSameOnEveryBuild(t *testing.T) {
	g, host, _ := publishedPortal(t)
	first, err := os.ReadFile(filepath.Join(host, generator.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	// Again, with the history and search caches of the first build, into another folder.
	again := filepath.Join(t.TempDir(), "again")
	buildInto(t, g, again, g.ownerKey)
	second, err := os.ReadFile(filepath.Join(again, generator.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("two builds of one commit give two build records")
	}
	rec, err := generator.ReadRecord(first)
	if err != nil {
		t.Fatal(err)
	}
	head := g.run("", "rev-parse", "HEAD")
	if rec.Commit != head || rec.Tree != g.run("", "rev-parse", "HEAD^{tree}") || rec.History == nil || rec.History.Head != head {
		t.Errorf("record names commit %s tree %s, want HEAD %s", rec.Commit, rec.Tree, head)
	}
	if len(rec.Tags) != 1 || rec.Tags[0].Name != "plan/2025.1" {
		t.Errorf("tags %v", rec.Tags)
	}
	listed := map[string]bool{}
	for _, f := range rec.Files {
		listed[f.Path] = true
	}
	n := 0
	_ = filepath.WalkDir(host, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(host, p)
		rel = filepath.ToSlash(rel)
		if rel == generator.RecordFile || rel == generator.RecordSignatureFile {
			return nil
		}
		n++
		if !listed[rel] {
			t.Errorf("%s is not in the build record", rel)
		}
		return nil
	})
	if n != len(rec.Files) {
		t.Errorf("%d files on disk, %d in the record", n, len(rec.Files))
	}
}

// The record's SSH signature is checked with OpenSSH alone, as the README tells auditors.
func TestTheBuildRecordsSignatureVerifiesWithSSHKeygen(t *testing.T) {
	g, host, _ := publishedPortal(t)
	pub, err := os.ReadFile(g.ownerKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	signers := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(signers, []byte("anna.rossi@mef.gov.it "+string(pub)), 0o644); err != nil {
		t.Fatal(err)
	}
	check := func(record string) error {
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", signers, "-I", "anna.rossi@mef.gov.it", "-n", "pspm", "-s", filepath.Join(host, generator.RecordSignatureFile))
		f, err := os.Open(record)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		cmd.Stdin = f
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := check(filepath.Join(host, generator.RecordFile)); err != nil {
		t.Fatalf("ssh-keygen -Y verify: %v", err)
	}
	edit(t, host, generator.RecordFile, func(s string) string { return strings.Replace(s, `"format": 1`, `"format": 1 `, 1) })
	if err := check(filepath.Join(host, generator.RecordFile)); err == nil {
		t.Fatal("ssh-keygen verifies an edited record")
	}
}

// A record that names a branch outside refs/heads cannot make verify write outside its
// clone.
func TestVerifyRefusesARecordWhoseBranchLeavesTheClone(t *testing.T) {
	g, host, _ := publishedPortal(t)
	edit(t, host, generator.RecordFile, func(s string) string {
		return strings.Replace(s, `"branch": "main"`, `"branch": "../../../../escaped"`, 1)
	})
	work := t.TempDir()
	_, err := generator.Verify(context.Background(), generator.VerifyOptions{Target: host, Repo: g.dir, Work: work})
	if !errors.Is(err, generator.ErrCannotVerify) || !strings.Contains(err.Error(), "not a valid branch name") {
		t.Fatalf("verify: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(work), "escaped")); err == nil {
		t.Fatal("verify wrote outside its work folder")
	}
}

// A source read by the build is read again at the recorded commit, however far its
// repository moved since.
func TestVerifyReadsEachSourceAtTheCommitTheBuildRead(t *testing.T) {
	src := sourceRepo(t, map[string]string{"publiccode.yml": publicCodeYML})
	g := newGitRepo(t, "author", "")
	g.write("pspm.yaml", g.read("pspm.yaml")+"sources:\n  - url: file://"+filepath.ToSlash(src)+"\n    body: c_h223\n    kind: publiccode\n")
	g.commitAll("2025-01-02T10:00:00Z", anna, "Le fonti")
	host := filepath.Join(t.TempDir(), "public")
	buildInto(t, g, host, "")

	if err := os.WriteFile(filepath.Join(src, "publiccode.yml"), []byte(strings.Replace(publicCodeYML, `softwareVersion: "2.1.0"`, `softwareVersion: "3.0.0"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, src, "commit", "-q", "-am", "3.0.0")
	if rep := verify(t, host, g.dir); len(rep.Differences) != 0 {
		t.Fatalf("the source moved on, and verify read it as it is now:\n%s", said(rep))
	}
	rec, err := os.ReadFile(filepath.Join(host, generator.RecordFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(rec), `"kind": "publiccode"`) {
		t.Errorf("the record does not list the source:\n%.600s", rec)
	}
}

// An OpenPGP-signed record: pspm verify names the signer, and gpg --verify agrees.
func TestAnOpenPGPSignedRecordVerifiesWithPSPMAndGPG(t *testing.T) {
	pub, keyFile := annaPGPKey(t)
	g := newGitRepo(t, "author", ownerWithKey(pub))
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := signature.NewOpenPGPSigner(keyFile, nil)
	if err != nil {
		t.Fatal(err)
	}
	host := filepath.Join(t.TempDir(), "public")
	if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir, Signer: signer}, host); err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	rep := verify(t, host, g.dir)
	if len(rep.Differences) != 0 || !strings.HasPrefix(rep.Signer, "Anna Rossi of m_ef") {
		t.Fatalf("signer %q, differences:\n%s", rep.Signer, said(rep))
	}
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg not installed")
	}
	env := append(os.Environ(), "GNUPGHOME="+t.TempDir())
	imp := exec.Command("gpg", "--batch", "--import")
	imp.Env, imp.Stdin = env, strings.NewReader(pub)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("gpg --import: %v\n%s", err, out)
	}
	ver := exec.Command("gpg", "--batch", "--verify", filepath.Join(host, generator.RecordSignatureFile), filepath.Join(host, generator.RecordFile))
	ver.Env = env
	if out, err := ver.CombinedOutput(); err != nil || !strings.Contains(string(out), `Good signature from "Anna Rossi <anna.rossi@mef.gov.it>"`) {
		t.Errorf("gpg --verify: %v\n%s", err, out)
	}
}

// A record signed with a key the plan owner's members do not register: the build says so,
// and pspm verify does not accept the signature.
func TestARecordSignedWithAnUnregisteredKeyIsSaidAtBuildAndAtVerify(t *testing.T) {
	g, _, marcoKey := publishedPortal(t)
	host := filepath.Join(t.TempDir(), "public")
	res := buildInto(t, g, host, marcoKey)
	s, err := signature.NewSSHSigner(marcoKey, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := generator.UnregisteredSigner(res, s); !strings.Contains(w, "not registered for a member of m_ef") {
		t.Errorf("build warning: %q", w)
	}
	anna, err := signature.NewSSHSigner(g.ownerKey, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if w := generator.UnregisteredSigner(res, anna); w != "" {
		t.Errorf("Anna's registered key: %q", w)
	}
	if got := said(verify(t, host, g.dir)); !strings.Contains(got, "signature: the build record's signature does not verify") {
		t.Errorf("verify says:\n%s", got)
	}
}
