package generator_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
)

// releaseRepo is newGitRepo with Anna as the repository's Git user, and no global Git
// configuration: what pspm release reads to name the tagger.
func releaseRepo(t *testing.T, overlay string) *gitRepo {
	t.Helper()
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("XDG_CONFIG_HOME", "")
	g := newGitRepo(t, "none", overlay)
	t.Setenv("HOME", g.home)
	g.run("", "config", "user.name", "Anna Rossi")
	g.run("", "config", "user.email", "anna.rossi@mef.gov.it")
	return g
}

// release runs pspm release in g with the options o (Source, Dir and Now filled in).
func (g *gitRepo) release(o generator.ReleaseOptions) (*generator.ReleaseResult, error) {
	g.t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	o.Source, o.Dir = fsys, g.dir
	if o.Now.IsZero() {
		o.Now = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	}
	return generator.Release(o)
}

// buildDir builds g into dest, as pspm build does, failing the test on errors.
func (g *gitRepo) buildDir(dest string) {
	g.t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest); err != nil {
		g.t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
}

func (g *gitRepo) noTag(name string) {
	g.t.Helper()
	if out := g.run("", "tag", "-l", name); out != "" {
		g.t.Errorf("tag %s was made", name)
	}
}

func TestReleaseCreatesAnAnnotatedTagThatGitReads(t *testing.T) {
	g := releaseRepo(t, "")
	head := g.run("", "rev-parse", "HEAD")
	res, err := g.release(generator.ReleaseOptions{Version: "2025.1", Note: "Prima versione approvata\n\nDal comitato."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) > 0 {
		t.Errorf("warnings: %v", res.Warnings)
	}
	if res.Tag != "plan/2025.1" || res.Commit != head {
		t.Errorf("release made %s on %s; want plan/2025.1 on %s", res.Tag, res.Commit, head)
	}
	if kind := g.run("", "cat-file", "-t", "plan/2025.1"); kind != "tag" {
		t.Fatalf("plan/2025.1 is a %s object; want an annotated tag", kind)
	}
	obj := g.run("", "cat-file", "-p", "plan/2025.1")
	for _, want := range []string{"object " + head, "type commit", "tag plan/2025.1",
		fmt.Sprintf("tagger Anna Rossi <anna.rossi@mef.gov.it> %d +0000", res.Date.Unix()), "\n\nPrima versione approvata\n\nDal comitato."} {
		if !strings.Contains(obj, want) {
			t.Errorf("the tag object lacks %q:\n%s", want, obj)
		}
	}
	g.run("", "fsck", "--strict", "--no-dangling")
	if got := g.run("", "describe", "--tags", "--exact-match", "HEAD"); got != "plan/2025.1" {
		t.Errorf("git describe: %q", got)
	}

	_, _, out := g.build()
	vs := versionsJSON(t, out)
	if len(vs) != 1 || vs[0]["version"] != "2025.1" || vs[0]["note"] != "Prima versione approvata\n\nDal comitato." ||
		vs[0]["tagger"] != "Anna Rossi" || vs[0]["date"] != "2025-03-01T12:00:00Z" || vs[0]["annotated"] != true {
		t.Errorf("versions.json after the release: %v", vs)
	}
}

func TestReleaseRefusesAWorkTreeThatIsNotCommitted(t *testing.T) {
	for name, change := range map[string]func(g *gitRepo){
		"modified": func(g *gitRepo) {
			g.write("content/plan/actions/a1.md", g.read("content/plan/actions/a1.md")+"\nAltro testo.\n")
		},
		"untracked": func(g *gitRepo) { g.write("content/proposals/nuova/index.md", "---\ntitle: Nuova\nbody: m_ef\n---\n") },
		"staged": func(g *gitRepo) {
			g.write("pspm.yaml", g.read("pspm.yaml")+"# una nota\n")
			g.run("", "add", "pspm.yaml")
		},
		"deleted": func(g *gitRepo) { g.remove("content/plan/actions/a1.md") },
	} {
		t.Run(name, func(t *testing.T) {
			g := releaseRepo(t, "")
			change(g)
			_, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x"})
			if !errors.Is(err, generator.ErrRefused) || !strings.Contains(err.Error(), "commit the changes first") {
				t.Fatalf("release of a %s work tree: %v; want a refusal that says to commit first", name, err)
			}
			g.noTag("plan/1.0")
		})
	}
}

func TestReleaseIgnoresFilesOutsideTheSite(t *testing.T) {
	g := releaseRepo(t, "")
	g.write("notes.txt", "appunti\n")
	g.write(".pspm/cache/x", "cache\n")
	g.write("content/plan/actions/.a1.md.swp", "editor\n") // the loader leaves it out too
	if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x"}); err != nil {
		t.Fatalf("release with files the build does not read changed: %v", err)
	}
}

func TestReleaseOutsideAGitRepositoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	for name, f := range sitetest.Site(sitetest.Minimal, "") {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, _ := generator.OpenSource(dir)
	_, err := generator.Release(generator.ReleaseOptions{Source: fsys, Dir: dir, Version: "1.0", Note: "x", Now: time.Now()})
	if !errors.Is(err, generator.ErrRefused) || !strings.Contains(err.Error(), "git init") {
		t.Errorf("release outside a repository: %v; want a refusal that says to make one", err)
	}
}

func TestReleaseRefusesAnExistingTag(t *testing.T) {
	g := releaseRepo(t, "")
	g.tag("2025-01-15T12:00:00Z", "plan/Prima", "HEAD", "Prima", "")
	commit := g.run("", "rev-parse", "HEAD")
	g.write("content/plan/actions/a1.md", g.read("content/plan/actions/a1.md")+"\nRivista.\n")
	g.commitAll("2025-02-01T10:00:00Z", anna, "Revisione")
	// A name that differs only by case gives the same web address.
	for _, name := range []string{"Prima", "prima"} {
		_, err := g.release(generator.ReleaseOptions{Version: name, Note: "di nuovo"})
		if !errors.Is(err, generator.ErrRefused) {
			t.Fatalf("release %s over an existing tag: %v; want a refusal", name, err)
		}
		for _, want := range []string{"tag plan/Prima exists", "Anna Rossi <anna.rossi@mef.gov.it>", "2025-01-15T12:00:00Z", commit[:12]} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("the refusal does not name %q: %v", want, err)
			}
		}
	}
	g.noTag("plan/prima")
	if got := g.run("", "rev-parse", "plan/Prima^{commit}"); got != commit {
		t.Errorf("the existing tag moved to %s", got)
	}
}

func TestReleaseRefusesANamePublishedBefore(t *testing.T) {
	g := releaseRepo(t, "")
	if _, err := g.release(generator.ReleaseOptions{Version: "Uno", Note: "Prima"}); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	g.buildDir(dest)
	published := filepath.Join(dest, "api", "v1", "versions.json")

	// The tag is deleted here (a maintainer's mistake, or a clone without tags): the
	// name stays taken, since the live portal published it.
	g.run("", "tag", "-d", "plan/Uno")
	for _, name := range []string{"Uno", "uno"} {
		_, err := g.release(generator.ReleaseOptions{Version: name, Note: "Altra", Published: published})
		if !errors.Is(err, generator.ErrRefused) || !strings.Contains(err.Error(), "version Uno was already published") || !strings.Contains(err.Error(), "--restore") {
			t.Errorf("release %s of a published name: %v; want a refusal naming the published version and --restore", name, err)
		}
		g.noTag("plan/" + name)
	}
	// Every check of a build runs: while a published tag is gone, no version is released.
	if _, err := g.release(generator.ReleaseOptions{Version: "Due", Note: "Altra", Published: published}); !errors.Is(err, generator.ErrContent) {
		t.Errorf("release while a published tag is gone: %v; want the build's error", err)
	}
	if _, err := g.release(generator.ReleaseOptions{Version: "Uno", Restore: true, Published: published}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.release(generator.ReleaseOptions{Version: "Due", Note: "Altra", Published: published}); err != nil {
		t.Errorf("release of a new name: %v", err)
	}
}

func TestReleaseRefusesAFailingCheck(t *testing.T) {
	g := releaseRepo(t, "")
	g.write("content/plan/actions/a9.md", "---\ntitle: Azione nove\nobjective: nessuno\n---\n")
	g.commitAll("2025-02-01T10:00:00Z", anna, "Un'azione senza obiettivo")
	res, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x"})
	if !errors.Is(err, generator.ErrContent) {
		t.Fatalf("release of a commit with errors: %v; want content errors", err)
	}
	if res == nil || res.Check == nil || !strings.Contains(res.Check.Diagnostics.Format(), "content/plan/actions/a9.md:") {
		t.Errorf("the errors do not name the file")
	}
	g.noTag("plan/1.0")
}

func TestReleaseRefusesANoteThatWouldBeReadAsSomethingElse(t *testing.T) {
	g := releaseRepo(t, "")
	for _, note := range []string{
		"Versione\n\n-----BEGIN PGP SIGNATURE-----\nfinta\n-----END PGP SIGNATURE-----",
		"Versione\n\nPublished: 2020-01-01T00:00:00Z",
	} {
		if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: note}); !errors.Is(err, generator.ErrRefused) {
			t.Errorf("note %q: %v; want a refusal", note, err)
		}
		g.noTag("plan/1.0")
	}
}

func TestReleaseRefusesATaggerGitDoesNotKnow(t *testing.T) {
	g := releaseRepo(t, "")
	g.run("", "config", "--unset", "user.email")
	_, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x"})
	if !errors.Is(err, generator.ErrRefused) || !strings.Contains(err.Error(), "git config user.email") {
		t.Fatalf("release without user.email: %v", err)
	}
	g.noTag("plan/1.0")
	// The global configuration counts, as for git tag.
	global := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(global, []byte("[user]\n\temail = anna@example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x"}); err != nil {
		t.Fatalf("release with user.email in the global configuration: %v", err)
	}
	if obj := g.run("", "cat-file", "-p", "plan/1.0"); !strings.Contains(obj, "tagger Anna Rossi <anna@example.org>") {
		t.Errorf("tagger:\n%s", obj)
	}
}

// ownerWithKey is an overlay where Anna, of the plan owner m_ef, registered key.
func ownerWithKey(key string) string {
	return fmt.Sprintf("-- content/bodies/m_ef.md --\n---\nname: Ministero dell'Economia e delle Finanze\nkind: ministry\nmembers:\n  - name: Anna Rossi\n    email: anna.rossi@mef.gov.it\n    keys: [%q]\n---\n", key)
}

func TestSSHSignedReleaseVerifiesWithGitAndOnTheVersionPage(t *testing.T) {
	key, pub := sshKey(t, "anna")
	g := releaseRepo(t, ownerWithKey(pub))
	g.run("", "config", "gpg.format", "ssh")
	g.run("", "config", "user.signingKey", key+".pub")
	g.run("", "config", "tag.gpgSign", "true")
	res, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "Firmata"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.SignedBy, "SSH key SHA256:") || len(res.Warnings) > 0 {
		t.Errorf("signed by %q, warnings %v", res.SignedBy, res.Warnings)
	}
	allowed := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(allowed, []byte("anna.rossi@mef.gov.it "+pub+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := g.run("", "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile="+allowed, "tag", "-v", "plan/1.0")
	if !strings.Contains(out, `Good "git" signature for anna.rossi@mef.gov.it`) {
		t.Errorf("git tag -v:\n%s", out)
	}

	_, _, built := g.build()
	vs := versionsJSON(t, built)
	if len(vs) != 1 || vs[0]["signed"] != true || vs[0]["verified"] != true || !strings.HasPrefix(vs[0]["signer"].(string), "Anna Rossi (SHA256:") {
		t.Errorf("versions.json: %v", vs)
	}
	if p := page(t, built, "plan/1.0/index.html"); !strings.Contains(p, `verified">firmata e verificata`) {
		t.Errorf("the version page does not show the version as signed and verified")
	}
	if p := page(t, built, "plan/versions/index.html"); !strings.Contains(p, "Anna Rossi (SHA256:") || strings.Contains(p, "anna.rossi@") {
		t.Errorf("the list of versions does not name the signer by name and key, without an address")
	}
}

func TestSignedReleaseWarnsOfAKeyNotRegistered(t *testing.T) {
	key, _ := sshKey(t, "altra")
	g := releaseRepo(t, "")
	g.run("", "config", "gpg.format", "ssh")
	res, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x", Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "not registered for a member of m_ef") {
		t.Errorf("warnings: %v", res.Warnings)
	}
	// The list of versions says why in the page's language.
	_, _, built := g.build()
	if p := page(t, built, "plan/versions/index.html"); !strings.Contains(p, "firmata con una chiave che non è registrata per un membro di m_ef") || strings.Contains(p, "signed by a key") {
		t.Errorf("the Italian list of versions does not say in Italian why the signature is not verified")
	}
	if p := page(t, built, "en/plan/versions/index.html"); !strings.Contains(p, "signed by a key that is not registered for a member of m_ef") {
		t.Errorf("the English list of versions does not say why the signature is not verified")
	}
}

func TestOpenPGPSignedReleaseVerifiesWithGit(t *testing.T) {
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg not installed")
	}
	pub, keyFile := annaPGPKey(t)
	g := releaseRepo(t, ownerWithKey(pub))
	if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x", Sign: true}); !errors.Is(err, generator.ErrRefused) || !strings.Contains(err.Error(), "gpg --armor --export-secret-keys") {
		t.Errorf("OpenPGP signing without a key file: %v; want a refusal that says how to export the key", err)
	}
	if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "Firmata con OpenPGP", Key: keyFile}); err != nil {
		t.Fatal(err)
	}
	gnupg := t.TempDir()
	env := []string{"GNUPGHOME=" + gnupg}
	imp := exec.Command("gpg", "--batch", "--import")
	imp.Env, imp.Stdin = append(os.Environ(), env...), strings.NewReader(pub)
	if out, err := imp.CombinedOutput(); err != nil {
		t.Fatalf("gpg --import: %v\n%s", err, out)
	}
	if out := g.runEnv("", env, "tag", "-v", "plan/1.0"); !strings.Contains(out, "Good signature from \"Anna Rossi <anna.rossi@mef.gov.it>\"") {
		t.Errorf("git tag -v:\n%s", out)
	}
	_, _, built := g.build()
	if vs := versionsJSON(t, built); vs[0]["verified"] != true {
		t.Errorf("versions.json: %v", vs)
	}
}

// twoVersions is a repository with version 1 (tagged 2025-01-15) and version 2 (tagged
// 2025-03-15), each made by pspm release, then a draft change.
func twoVersions(t *testing.T) *gitRepo {
	t.Helper()
	g := releaseRepo(t, "")
	if _, err := g.release(generator.ReleaseOptions{Version: "1", Note: "Prima versione", Now: time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	g.write("content/plan/actions/a1.md", strings.Replace(g.read("content/plan/actions/a1.md"), "Testo dell'azione.", "Testo rivisto dell'azione.", 1))
	g.commitAll("2025-03-10T09:00:00Z", anna, "Versione 2")
	if _, err := g.release(generator.ReleaseOptions{Version: "2", Note: "Seconda versione", Now: time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	g.write("content/plan/actions/a1.md", g.read("content/plan/actions/a1.md")+"\nBozza.\n")
	g.commitAll("2025-04-01T09:00:00Z", anna, "Bozza")
	return g
}

// files reads every file under dir.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRestoringAMovedTagGivesBackTheSamePages(t *testing.T) {
	g := twoVersions(t)
	dest := filepath.Join(t.TempDir(), "public")
	g.buildDir(dest)
	published := files(t, dest)
	list := filepath.Join(dest, "api", "v1", "versions.json")

	// Someone re-makes plan/1 on another commit, today; git gc packs the references.
	g.run("2025-06-01T09:00:00Z", "tag", "-f", "-a", "-m", "Riscritta", "plan/1", "HEAD")
	g.run("", "pack-refs", "--all")
	fsys, _ := generator.OpenSource(g.dir)
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest)
	if !errors.Is(err, generator.ErrContent) {
		t.Fatalf("build after moving plan/1: %v; want content errors", err)
	}
	fix := "run: pspm release 1 --restore --published " + list + " (then git push -f origin plan/1)"
	if !strings.Contains(res.Diagnostics.Format(), fix) {
		t.Fatalf("the moved-tag error does not name the fix %q:\n%s", fix, res.Diagnostics.Format())
	}

	// The fix the message names, then the same build.
	r, err := g.release(generator.ReleaseOptions{Version: "1", Restore: true, Published: list, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if r.Replaced != g.run("", "rev-parse", "HEAD") || r.Date.Format(time.RFC3339) != "2025-01-15T12:00:00Z" {
		t.Errorf("restore: replaced %s, dated %s", r.Replaced, r.Date)
	}
	g.buildDir(dest)
	again := files(t, dest)
	for name, data := range published {
		if again[name] != data {
			t.Errorf("%s differs after the restore", name)
		}
	}
	for name := range again {
		if _, ok := published[name]; !ok {
			t.Errorf("%s is new after the restore", name)
		}
	}

	// Restoring again finds nothing to do.
	if r, err := g.release(generator.ReleaseOptions{Version: "1", Restore: true, Published: list}); err != nil || !r.Unchanged {
		t.Errorf("second restore: %v, unchanged %v", err, r != nil && r.Unchanged)
	}
}

func TestRestoringADeletedTagGivesBackTheSamePages(t *testing.T) {
	g := twoVersions(t)
	dest := filepath.Join(t.TempDir(), "public")
	g.buildDir(dest)
	published := files(t, dest)
	list := filepath.Join(dest, "api", "v1", "versions.json")

	g.run("", "tag", "-d", "plan/2")
	fsys, _ := generator.OpenSource(g.dir)
	res, _ := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest)
	if fix := "run: pspm release 2 --restore --published " + list + " (then git push -f origin plan/2)"; !strings.Contains(res.Diagnostics.Format(), fix) {
		t.Fatalf("the gone-tag error does not name the fix %q:\n%s", fix, res.Diagnostics.Format())
	}
	if _, err := g.release(generator.ReleaseOptions{Version: "2", Restore: true, Published: list}); err != nil {
		t.Fatal(err)
	}
	g.buildDir(dest)
	again := files(t, dest)
	if len(again) != len(published) {
		t.Errorf("%d files after the restore; %d before", len(again), len(published))
	}
	for name, data := range published {
		if again[name] != data {
			t.Errorf("%s differs after the restore", name)
		}
	}
}

func TestRemadeTagKeepsItsPlace(t *testing.T) {
	g := twoVersions(t)
	dest := filepath.Join(t.TempDir(), "public")
	g.buildDir(dest)
	list := filepath.Join(dest, "api", "v1", "versions.json")
	wantOrder := func(out *output.Mem, how string) {
		t.Helper()
		vs := versionsJSON(t, out)
		if len(vs) != 2 || vs[0]["version"] != "2" || vs[0]["latest"] != true || vs[0]["previous"] != "1" || vs[1]["date"] != "2025-01-15T12:00:00Z" {
			t.Errorf("%s: versions.json: %v; want 2 latest, compared with 1, dated 2025-01-15", how, vs)
		}
		if p := page(t, out, "plan/2/changes/index.html"); !strings.Contains(p, "Modifiche dalla versione 1 a") || !strings.Contains(p, "rivisto") {
			t.Errorf("%s: version 2's changes page does not show what changed since 1", how)
		}
	}

	// Re-made by hand on the same commit, later: the published date holds.
	g.run("2025-07-01T09:00:00Z", "tag", "-f", "-a", "-m", "Prima versione", "plan/1", "plan/1^{commit}")
	fsys, _ := generator.OpenSource(g.dir)
	out := output.NewMem()
	if res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir, Previous: os.DirFS(dest)}, out); err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	wantOrder(out, "re-made by hand, with the published list")

	// Moved, then restored by pspm release --restore, and built without the published
	// list (a fresh CI runner): the date written in the tag holds.
	g.run("2025-07-01T09:00:00Z", "tag", "-f", "-a", "-m", "Riscritta", "plan/1", "HEAD")
	if _, err := g.release(generator.ReleaseOptions{Version: "1", Restore: true, Published: list, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	_, _, out = g.build()
	wantOrder(out, "restored, built without the published list")
	if obj := g.run("", "cat-file", "-p", "plan/1"); !strings.Contains(obj, "\n\nPrima versione\n\nPublished: 2025-01-15T12:00:00Z") {
		t.Errorf("the restored tag's message:\n%s", obj)
	}

	// The restored tag re-made by hand later with its message (to sign it, say): the
	// trailer keeps the date, and the note is read without it.
	g.run("2025-08-01T09:00:00Z", "tag", "-f", "-a", "-m", "Prima versione\n\nPublished: 2025-01-15T12:00:00Z", "plan/1", "plan/1^{commit}")
	_, _, out = g.build()
	wantOrder(out, "re-made with the trailer, built without the published list")
	if vs := versionsJSON(t, out); vs[1]["note"] != "Prima versione" {
		t.Errorf("the note of a tag with the trailer: %q", vs[1]["note"])
	}
}

func TestReleaseFromALinkedWorkTreeTagsTheRepository(t *testing.T) {
	g := releaseRepo(t, "")
	wt := filepath.Join(t.TempDir(), "wt")
	g.run("", "worktree", "add", "-q", "-b", "rilascio", wt)
	linked := &gitRepo{t: t, dir: wt, home: g.home}
	linked.write("content/plan/actions/a1.md", linked.read("content/plan/actions/a1.md")+"\nNel ramo.\n")
	head := linked.commitAll("2025-02-01T10:00:00Z", anna, "Sul ramo rilascio")
	r, err := linked.release(generator.ReleaseOptions{Version: "1.0", Note: "Dal ramo"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "is not on the branch main") {
		t.Errorf("a release off the main branch: warnings %v", r.Warnings)
	}
	if r.Commit != head {
		t.Errorf("tagged %s; want the linked work tree's HEAD %s", r.Commit, head)
	}
	if got := g.run("", "rev-parse", "plan/1.0^{commit}"); got != head {
		t.Errorf("the main work tree sees plan/1.0 at %s; want %s", got, head)
	}
}

func TestSSHReleaseSignsWithTheKeyInSSHAgent(t *testing.T) {
	for _, tool := range []string{"ssh-agent", "ssh-add"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	key, pub := sshKey(t, "anna")
	sock := filepath.Join(t.TempDir(), "agent.sock")
	agent := exec.Command("ssh-agent", "-D", "-a", sock)
	if err := agent.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = agent.Process.Kill(); _ = agent.Wait() })
	for i := 0; i < 100; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	add := exec.Command("ssh-add", "-q", key)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}
	// Only the public key is where user.signingKey says: the private key is in the agent.
	pubFile := filepath.Join(t.TempDir(), "anna.pub")
	if err := os.WriteFile(pubFile, []byte(pub+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g := releaseRepo(t, ownerWithKey(pub))
	g.run("", "config", "gpg.format", "ssh")
	g.run("", "config", "user.signingKey", pubFile)
	if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "x", Sign: true}); !errors.Is(err, generator.ErrRefused) || !strings.Contains(err.Error(), "ssh-agent") {
		t.Errorf("signing without the private key nor an agent: %v; want a refusal that names ssh-agent", err)
	}
	if _, err := g.release(generator.ReleaseOptions{Version: "1.0", Note: "Firmata", Sign: true, AgentSocket: sock}); err != nil {
		t.Fatal(err)
	}
	allowed := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(allowed, []byte("anna.rossi@mef.gov.it "+pub+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.run("", "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile="+allowed, "tag", "-v", "plan/1.0")
	_, _, built := g.build()
	if vs := versionsJSON(t, built); vs[0]["verified"] != true {
		t.Errorf("versions.json: %v", vs)
	}
}

// annaPGPKey makes an OpenPGP key for Anna, the maintainer, created on 1 January 2024:
// its armored public key, and its armored secret key in a file.
func annaPGPKey(t *testing.T) (pub, keyFile string) {
	t.Helper()
	e, err := openpgp.NewEntity("Anna Rossi", "", "anna.rossi@mef.gov.it", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	armored := func(kind string, write func(w *bytes.Buffer) error) string {
		var b, body bytes.Buffer
		if err := write(&body); err != nil {
			t.Fatal(err)
		}
		w, _ := armor.Encode(&b, kind, nil)
		_, _ = w.Write(body.Bytes())
		_ = w.Close()
		return b.String()
	}
	pub = armored(openpgp.PublicKeyType, func(w *bytes.Buffer) error { return e.Serialize(w) })
	keyFile = filepath.Join(t.TempDir(), "anna.asc")
	if err := os.WriteFile(keyFile, []byte(armored(openpgp.PrivateKeyType, func(w *bytes.Buffer) error { return e.SerializePrivate(w, nil) })), 0o600); err != nil {
		t.Fatal(err)
	}
	return pub, keyFile
}
