package generator_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

// sourceRepo makes a Git repository in a temporary folder with the files given, in one
// commit, and returns its folder.
func sourceRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "publiccode.yml")
	return dir
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Comune di Reggio Emilia", "-c", "user.email=it@comune.re.it", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

const publicCodeYML = `publiccodeYmlVersion: "0.4"
name: Segnalazioni Cittadine
url: "https://example.org/comune-re/segnalazioni.git"
landingURL: "https://example.org/comune-re/segnalazioni"
releaseDate: "2026-03-02"
softwareVersion: "2.1.0"
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [city-management, it-service-management]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Ufficio Innovazione
      email: innovazione@comune.re.it
description:
  it:
    shortDescription: Le segnalazioni dei cittadini, dalla app alla squadra di intervento.
    longDescription: >
      Un sistema per ricevere, smistare e chiudere le segnalazioni dei cittadini su strade,
      verde e illuminazione, con lo stato visibile a chi le ha inviate.
    features:
      - segnalazioni con foto e posizione
      - smistamento agli uffici
it:
  countryExtensionVersion: "1.0"
  riuso:
    codiceIPA: c_h223
`

// TestPublicCodeSourceBecomesAPractice: a repository listed in sources: with kind
// publiccode is fetched, and its software appears as a practice of the body, with where it
// comes from, in the pages and the open data; unreachable, the last copy is used and marked
// stale; offline, the copy is used; a portal source is not read yet, and says so.
func TestPublicCodeSourceBecomesAPractice(t *testing.T) {
	repo := sourceRepo(t, map[string]string{"publiccode.yml": publicCodeYML, "README.md": "# Segnalazioni\n"})
	commit := gitIn(t, repo, "rev-parse", "HEAD")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    body: c_h223\n    kind: publiccode\n  - url: https://example.org/comune-re/portale.git\n    body: c_h223\n")
	build := func(offline bool) (*generator.Result, map[string][]byte) {
		t.Helper()
		src, err := generator.OpenSource(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := output.NewMem()
		res, err := generator.Build(generator.Options{Source: src, Dir: dir, Offline: offline}, out)
		if err != nil {
			t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
		}
		return res, out.Files()
	}
	res, files := build(false)
	page := string(files["practices/segnalazioni-cittadine/index.html"])
	for _, want := range []string{"Segnalazioni Cittadine", "EUPL-1.2", "publiccode.yml", commit[:10], "segnalazioni con foto e posizione"} {
		if !strings.Contains(page, want) {
			t.Errorf("the practice page does not show %q", want)
		}
	}
	if strings.Contains(page, "notice") {
		t.Error("a fresh source is marked stale")
	}
	var practices []map[string]any
	if err := json.Unmarshal(files["api/v1/practices.json"], &practices); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range practices {
		if p["id"] == "segnalazioni-cittadine" {
			found = true
			if p["kind"] != "software" || p["body"] != "c_h223" || p["source"] != "file://"+filepath.ToSlash(repo) {
				t.Errorf("practices.json: %v", p)
			}
		}
	}
	if !found {
		t.Error("practices.json does not list the software")
	}
	if d := res.Diagnostics.Format(); !strings.Contains(d, "pspm.yaml") || !strings.Contains(d, "kind: portal") {
		t.Errorf("the portal source is not reported as not read:\n%s", d)
	}

	// The repository goes away: the copy is used, marked stale, with a warning.
	if err := os.RemoveAll(repo); err != nil {
		t.Fatal(err)
	}
	res, files = build(false)
	if d := res.Diagnostics.Format(); !strings.Contains(d, "cannot be fetched") || !strings.Contains(d, commit[:10]) {
		t.Errorf("an unreachable source is not reported:\n%s", d)
	}
	page = string(files["practices/segnalazioni-cittadine/index.html"])
	if !strings.Contains(page, "Segnalazioni Cittadine") || !strings.Contains(page, "notice") {
		t.Error("the stale copy is not used, or not marked")
	}

	// Offline: the copy, without a word about the network.
	res, files = build(true)
	if _, ok := files["practices/segnalazioni-cittadine/index.html"]; !ok {
		t.Error("offline, the cached source is not used")
	}
	if strings.Contains(res.Diagnostics.Format(), "cannot be fetched") {
		t.Errorf("offline, the build complains about the network:\n%s", res.Diagnostics.Format())
	}
}

// TestSourcesAreChecked: bad entries of sources: are reported where they are.
func TestSourcesAreChecked(t *testing.T) {
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: ftp://example.org/x\n    body: c_h223\n    kind: publiccode\n  - url: https://example.org/x.git\n    body: Comune\n    kind: publiccode\n  - url: https://example.org/y.git\n    path: ../up\n    body: c_h223\n    kind: publiccode\n  - url: https://example.org/z.git\n    body: c_h223\n    kind: other\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := generator.Check(generator.Options{Source: src, Dir: dir})
	if err == nil {
		t.Fatal("bad sources are accepted")
	}
	d := res.Diagnostics.Format()
	for _, want := range []string{"pspm.yaml:2:", "sources[0].url", "pspm.yaml:6:", "sources[1].body", "pspm.yaml:9:", "sources[2].path", "kind"} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
}
