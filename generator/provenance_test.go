package generator_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/output"
)

// git runs the git command in dir with a fixed identity, dates and no global config.
func git(t *testing.T, dir, date string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
		"GIT_COMMITTER_NAME=Maintainer MEF", "GIT_COMMITTER_EMAIL=maint@mef.gov.it")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func buildVotes(t *testing.T, dir string) (map[string]map[string]any, string) {
	t.Helper()
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	var votes []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/votes.json"], &votes); err != nil {
		t.Fatal(err)
	}
	byVoter := map[string]map[string]any{}
	for _, v := range votes {
		byVoter[v["voter"].(string)] = v
	}
	return byVoter, string(out.Files()["proposals/p1/index.html"]) + string(out.Files()["index.html"])
}

func TestVotesCarryTheCommitThatCastThemAndWhenTheyLanded(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := writeSite(t, "")
	git(t, dir, "2025-01-01T10:00:00Z", "init", "-q", "-b", "main")
	git(t, dir, "2025-01-01T10:00:00Z", "add", "-A")
	git(t, dir, "2025-01-01T10:00:00Z", "-c", "user.name=Anna Rossi", "-c", "user.email=anna.rossi@mef.gov.it", "commit", "-q", "-m", "Plan and first vote")

	// Reggio Emilia votes on a branch on 3 February; MEF merges it on 10 February.
	git(t, dir, "2025-02-03T09:00:00Z", "checkout", "-q", "-b", "voto-reggio")
	if err := os.WriteFile(filepath.Join(dir, "content/proposals/p1/reactions/c_h223.yaml"), []byte("vote: oppose\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "2025-02-03T09:00:00Z", "add", "-A")
	git(t, dir, "2025-02-03T09:00:00Z", "-c", "user.name=Marco Bianchi", "-c", "user.email=marco.bianchi@comune.re.it", "commit", "-q", "-m", "Voto del Comune")
	branchCommit := git(t, dir, "2025-02-03T09:00:00Z", "rev-parse", "HEAD")
	git(t, dir, "2025-02-10T12:00:00Z", "checkout", "-q", "main")
	git(t, dir, "2025-02-10T12:00:00Z", "-c", "user.name=Anna Rossi", "-c", "user.email=anna.rossi@mef.gov.it", "merge", "-q", "--no-ff", "-m", "Merge voto-reggio", "voto-reggio")

	votes, page := buildVotes(t, dir)
	c := votes["c_h223"]
	if c["commit"] != branchCommit || c["author_name"] != "Marco Bianchi" || c["landed"] != "2025-02-10T12:00:00Z" {
		t.Errorf("c_h223's vote: commit %v, author %v, landed %v; want %s, Marco Bianchi, 2025-02-10T12:00:00Z (the merge)", c["commit"], c["author_name"], c["landed"], branchCommit)
	}
	if m := votes["m_ef"]; m["author_name"] != "Anna Rossi" || m["landed"] != "2025-01-01T10:00:00Z" {
		t.Errorf("m_ef's vote: author %v, landed %v", m["author_name"], m["landed"])
	}
	if !strings.Contains(page, "10 febbraio 2025") || !strings.Contains(page, "<code>"+branchCommit[:10]+"</code>") {
		t.Errorf("the proposal page does not show when and by which commit the vote landed")
	}
	if !strings.Contains(page, "dati aggiornati al 10 febbraio 2025") {
		t.Errorf("the site is not as of the tip's commit time (2025-02-10)")
	}

	// A vote edited in the work tree but not committed has no provenance.
	if err := os.WriteFile(filepath.Join(dir, "content/proposals/p1/reactions/c_h223.yaml"), []byte("vote: support\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	votes, _ = buildVotes(t, dir)
	if c := votes["c_h223"]; c["commit"] != "" || c["landed"] != "" {
		t.Errorf("an uncommitted edit was credited to commit %v landed %v", c["commit"], c["landed"])
	}
}

func TestSiteOutsideGitStillBuildsWithVotesUnverified(t *testing.T) {
	dir := writeSite(t, "")
	votes, _ := buildVotes(t, dir)
	if v := votes["m_ef"]; v["commit"] != "" || v["verification"] != "none" || v["counted"] != true {
		t.Errorf("vote outside Git: %v", v)
	}
}

// TestHistoryIsReadBesideTheLoad: without a history cache, the whole Git history is
// walked while the content is loaded, and a build waits for it whichever way it ends: one
// whose content has errors returns with the history cache written whole, nothing half
// written beside it.
func TestHistoryIsReadBesideTheLoad(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	g.write("content/proposals/broken/index.md", "---\ntitle: [\n---\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Voto")
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	generator.SlowHistoryRead(t, 300*time.Millisecond) // the content's errors are known long before
	res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir}, output.NewMem())
	if err == nil || !res.Diagnostics.HasErrors() {
		t.Fatalf("a build of broken content succeeded: %v", err)
	}
	h, err := history.Decode([]byte(g.read(generator.HistoryCache)))
	if err != nil || h.Files[reggioVote] == nil {
		t.Fatalf("the history cache is not there whole when the build returns: %v", err)
	}
	left, _ := filepath.Glob(g.path(".pspm/cache/.*.tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left beside the caches: %v", left)
	}
}
