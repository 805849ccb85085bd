package generator_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
)

// gitRepo is a portal's content repository made in a temporary folder with the git CLI:
// real commits, authors, dates, merges and signatures.
type gitRepo struct {
	t    testing.TB
	dir  string
	home string
	// ownerKey is the private key of Anna, the maintainer, when the plan owner's
	// members registered keys (policy signed): see land.
	ownerKey string
}

// Identities used by the tests. Anna is a member of the plan owner m_ef, Marco of the
// Comune di Reggio Emilia (c_h223), Luca of the Regione Emilia-Romagna (r_080); Eve of no
// body.
const (
	anna  = "Anna Rossi <anna.rossi@mef.gov.it>"
	marco = "Marco Bianchi <marco.bianchi@comune.re.it>"
	luca  = "Luca Verdi <luca.verdi@regione.emilia-romagna.it>"
	eve   = "Eve <eve@example.org>"
	forge = "GitHub <noreply@github.com>"
)

// newGitRepo writes the minimal site with overlay and votes.policy, and commits it on main
// as Anna on 2025-01-01, inside the consultation phase (2025-01-01 to 2025-06-30, which
// opens proposals, feedback and votes).
func newGitRepo(t testing.TB, policy, overlay string) *gitRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	g := &gitRepo{t: t, dir: t.TempDir(), home: t.TempDir()}
	base := "-- pspm.yaml --\ntitle: Prova\nvotes:\n  policy: " + policy + "\n" +
		"-- content/bodies/r_080.md --\n---\nname: Regione Emilia-Romagna\nkind: region\nmembers:\n  - name: Luca Verdi\n    email: luca.verdi@regione.emilia-romagna.it\n---\n"
	for name, f := range sitetest.Site(sitetest.Minimal, base+overlay) {
		g.write(name, string(f.Data))
	}
	g.run("", "init", "-q", "-b", "main")
	g.commitAll("2025-01-01T10:00:00Z", anna, "Il piano e il primo voto")
	return g
}

func (g *gitRepo) path(name string) string { return filepath.Join(g.dir, filepath.FromSlash(name)) }

func (g *gitRepo) write(name, data string) {
	g.t.Helper()
	p := g.path(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gitRepo) read(name string) string {
	g.t.Helper()
	b, err := os.ReadFile(g.path(name))
	if err != nil {
		g.t.Fatal(err)
	}
	return string(b)
}

func (g *gitRepo) remove(name string) {
	g.t.Helper()
	if err := os.Remove(g.path(name)); err != nil {
		g.t.Fatal(err)
	}
}

// run runs git with dates fixed at date, the maintainer Anna as committer unless the
// arguments say otherwise, and no configuration but the repository's.
func (g *gitRepo) run(date string, args ...string) string {
	g.t.Helper()
	return g.runEnv(date, nil, args...)
}

func (g *gitRepo) runEnv(date string, env []string, args ...string) string {
	g.t.Helper()
	if date == "" {
		date = "2025-01-01T10:00:00Z"
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "HOME="+g.home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
		"GIT_AUTHOR_NAME=Anna Rossi", "GIT_AUTHOR_EMAIL=anna.rossi@mef.gov.it",
		"GIT_COMMITTER_NAME=Anna Rossi", "GIT_COMMITTER_EMAIL=anna.rossi@mef.gov.it")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// who splits "Name <email>" into the environment of a commit's author.
func who(person string) []string {
	name, email, _ := strings.Cut(person, " <")
	return []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + strings.TrimSuffix(email, ">")}
}

// commitAll commits every change as author, and returns the commit's hash.
func (g *gitRepo) commitAll(date, author, msg string, extra ...string) string {
	g.t.Helper()
	g.run(date, "add", "-A")
	g.runEnv(date, who(author), append([]string{"commit", "-q", "--allow-empty", "-m", msg}, extra...)...)
	return g.run(date, "rev-parse", "HEAD")
}

// build builds the repository's site into memory, and returns the reaction records of
// votes.json by file, and the output.
func (g *gitRepo) build() (map[string]map[string]any, *generator.Result, *output.Mem) {
	g.t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir}, out)
	if err != nil {
		g.t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	var votes []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/votes.json"], &votes); err != nil {
		g.t.Fatal(err)
	}
	byFile := map[string]map[string]any{}
	for _, v := range votes {
		byFile[v["file"].(string)] = v
	}
	return byFile, res, out
}

// vote returns the record of one reaction file after a build, failing when it is absent.
func (g *gitRepo) vote(file string) map[string]any {
	g.t.Helper()
	votes, _, _ := g.build()
	v := votes[file]
	if v == nil {
		g.t.Fatalf("no record of %s in votes.json (have %d records)", file, len(votes))
	}
	return v
}

// wantCounted fails unless the record is counted with the verification.
func wantCounted(t *testing.T, v map[string]any, verification string) {
	t.Helper()
	if v["counted"] != true || v["verification"] != verification {
		t.Errorf("%v: counted %v (%v: %v), verification %v; want counted, verification %s", v["file"], v["counted"], v["reason"], v["detail"], v["verification"], verification)
	}
}

// wantNotCounted fails unless the record is not counted for the reason.
func wantNotCounted(t *testing.T, v map[string]any, reason string) {
	t.Helper()
	if v["counted"] != false || v["reason"] != reason {
		t.Errorf("%v: counted %v, reason %v (%v); want not counted: %s", v["file"], v["counted"], v["reason"], v["detail"], reason)
	}
}

func openSource(t testing.TB, dir string) (fs.FS, error) {
	t.Helper()
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fsys, nil
}

func checkSite(fsys fs.FS, dir string) (*generator.Result, error) {
	return generator.Check(generator.Options{Source: fsys, Dir: dir})
}

func readFile(dir, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
}
