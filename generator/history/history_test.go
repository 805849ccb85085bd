package history

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests build real repositories with the git CLI, with every name, email and date
// fixed and HOME pointing to an empty folder, so no configuration of the machine leaks in.

type who struct{ name, email string }

var (
	maintainer  = who{"Ufficio Piano MEF", "piano@mef.gov.it"}
	contributor = who{"Comune di Reggio Emilia", "ced@comune.re.it"}
	region      = who{"Regione Emilia-Romagna", "pianificazione@regione.emilia-romagna.it"}
)

// day is a fixed moment, n days after 1 March 2025, 10:00 CET.
func day(n int) time.Time {
	return time.Date(2025, 3, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600)).AddDate(0, 0, n)
}

type testRepo struct {
	t    *testing.T
	dir  string
	home string
}

func newTestRepo(t *testing.T) *testRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	r := &testRepo{t: t, dir: t.TempDir(), home: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

// run runs git in the repository as author and committer, at the given times.
func (r *testRepo) run(author, committer who, authored, committed time.Time, args ...string) string {
	r.t.Helper()
	out, err := r.command(author, committer, authored, committed, args...).CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *testRepo) command(author, committer who, authored, committed time.Time, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + r.home,
		"GIT_CONFIG_NOSYSTEM=1",
		"LC_ALL=C",
		"GIT_AUTHOR_NAME=" + author.name,
		"GIT_AUTHOR_EMAIL=" + author.email,
		"GIT_AUTHOR_DATE=" + authored.Format(time.RFC3339),
		"GIT_COMMITTER_NAME=" + committer.name,
		"GIT_COMMITTER_EMAIL=" + committer.email,
		"GIT_COMMITTER_DATE=" + committed.Format(time.RFC3339),
	}
	return cmd
}

// git runs a command that makes no commit.
func (r *testRepo) git(args ...string) string {
	r.t.Helper()
	return r.run(maintainer, maintainer, day(0), day(0), args...)
}

func (r *testRepo) write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *testRepo) remove(path string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.dir, filepath.FromSlash(path))); err != nil {
		r.t.Fatal(err)
	}
}

// commit commits everything in the work tree and returns the new commit's hash.
func (r *testRepo) commit(by who, at time.Time, msg string) string {
	r.t.Helper()
	return r.commitAs(by, at, by, at, msg)
}

func (r *testRepo) commitAs(author who, authored time.Time, committer who, committed time.Time, msg string) string {
	r.t.Helper()
	r.git("add", "-A")
	r.run(author, committer, authored, committed, "commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

// merge merges branch into the current branch with a merge commit.
func (r *testRepo) merge(by who, at time.Time, branch string) string {
	r.t.Helper()
	r.run(by, by, at, at, "merge", "-q", "--no-ff", "-m", "Merge branch '"+branch+"'", branch)
	return r.git("rev-parse", "HEAD")
}

func load(t *testing.T, o Options) *History {
	t.Helper()
	h, err := Load(o)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return h
}

// want is what a test expects of one file's provenance.
type want struct {
	commit string
	author who
	landed string // commit that landed it
	at     time.Time
}

func check(t *testing.T, h *History, path string, w want) {
	t.Helper()
	p := h.Files[path]
	if p == nil {
		t.Fatalf("%s: no provenance; have %v", path, slices.Sorted(mapKeys(h.Files)))
	}
	if p.Path != path {
		t.Errorf("%s: Path = %q", path, p.Path)
	}
	if p.Commit != w.commit {
		t.Errorf("%s: Commit = %.7s (%q), want %.7s", path, p.Commit, p.Message, w.commit)
	}
	if p.Author.Name != w.author.name || p.Author.Email != w.author.email {
		t.Errorf("%s: Author = %s <%s>, want %s <%s>", path, p.Author.Name, p.Author.Email, w.author.name, w.author.email)
	}
	if p.LandedCommit != w.landed {
		t.Errorf("%s: LandedCommit = %.7s, want %.7s", path, p.LandedCommit, w.landed)
	}
	if !p.Landed.Equal(w.at) {
		t.Errorf("%s: Landed = %v, want %v", path, p.Landed, w.at)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func checkPaths(t *testing.T, h *History, paths ...string) {
	t.Helper()
	got := slices.Sorted(mapKeys(h.Files))
	slices.Sort(paths)
	if !slices.Equal(got, paths) {
		t.Errorf("Files = %q, want %q", got, paths)
	}
}

func TestDirectCommitsLandWhenCommitted(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/telemedicina/index.md", "# Telemedicina\n")
	c1 := r.commit(maintainer, day(1), "Add the telemedicine proposal\n\nLonger text.")
	r.write("content/proposals/telemedicina/reactions/m_ef.yaml", "vote: support\n")
	c2 := r.commitAs(contributor, day(2), maintainer, day(3), "Vote")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/telemedicina/index.md", want{c1, maintainer, c1, day(1)})
	check(t, h, "content/proposals/telemedicina/reactions/m_ef.yaml", want{c2, contributor, c2, day(3)})
	p := h.Files["content/proposals/telemedicina/index.md"]
	if p.Message != "Add the telemedicine proposal" {
		t.Errorf("Message = %q, want the first line", p.Message)
	}
	if p.Signed {
		t.Error("an unsigned commit reads as signed")
	}
	if h.Head != c2 || !h.Time.Equal(day(3)) || h.Branch != "refs/heads/main" {
		t.Errorf("Head, Time, Branch = %.7s, %v, %s", h.Head, h.Time, h.Branch)
	}
	if len(h.Commits) != 2 || h.Commits[0].Hash != c2 || h.Commits[1].Hash != c1 {
		t.Errorf("Commits = %v, want c2, c1", h.Commits)
	}
	if h.Commits[1].Message != "Add the telemedicine proposal\n\nLonger text.\n" {
		t.Errorf("Commits[1].Message = %q, want the whole message", h.Commits[1].Message)
	}
	if h.Walked != 2 {
		t.Errorf("Walked = %d, want 2", h.Walked)
	}
}

// A merge request's changes were authored days before the merge: the vote is the
// contributor's, and it landed when the maintainer merged it.
func TestMergeCreditsBranchCommitAndLandsAtMerge(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	base := r.commit(maintainer, day(1), "Proposal")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	f1 := r.commit(contributor, day(2), "Vote against")
	r.write("content/proposals/p/feedback/c_h223-dubbi.md", "Dubbi\n")
	f2 := r.commit(contributor, day(3), "Comment")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	f3 := r.commit(contributor, day(4), "Change my vote")
	r.git("checkout", "-q", "main")
	r.write("content/plan/_index.md", "# Plan\n")
	m1 := r.commit(maintainer, day(5), "Plan")
	m := r.merge(maintainer, day(9), "feature")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/p/index.md", want{base, maintainer, base, day(1)})
	check(t, h, "content/plan/_index.md", want{m1, maintainer, m1, day(5)})
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{f3, contributor, m, day(9)})
	check(t, h, "content/proposals/p/feedback/c_h223-dubbi.md", want{f2, contributor, m, day(9)})
	_ = f1
	if h.Walked != 3 {
		t.Errorf("Walked = %d first-parent commits, want 3", h.Walked)
	}
	if h.Files["content/proposals/p/reactions/c_h223.yaml"].Message != "Change my vote" {
		t.Error("Message is not the changing commit's")
	}
}

func TestSquashMergeIsItsOwnCommit(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Proposal")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.commit(contributor, day(2), "Vote")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	r.commit(contributor, day(3), "Change vote")
	r.git("checkout", "-q", "main")
	r.run(maintainer, maintainer, day(6), day(6), "merge", "-q", "--squash", "feature")
	// Forges keep the contributor as author of the squashed commit.
	sq := r.commitAs(contributor, day(3), maintainer, day(6), "Vote (#12)")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{sq, contributor, sq, day(6)})
}

func TestRebaseMergeLandsEachCommit(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Proposal")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.commit(contributor, day(2), "Vote")
	r.write("content/proposals/p/feedback/c_h223-x.md", "x\n")
	r.commit(contributor, day(3), "Comment")
	r.git("checkout", "-q", "main")
	r.write("content/plan/_index.md", "# Plan\n")
	r.commit(maintainer, day(4), "Plan")
	// The forge replays the branch on main: new commits, same authors, new committer
	// times (each a second apart, as a rebase made in one go would be).
	r.git("checkout", "-q", "feature")
	r.run(maintainer, maintainer, day(7), day(7), "rebase", "-q", "--committer-date-is-author-date", "main")
	r.git("checkout", "-q", "main")
	r.git("merge", "-q", "--ff-only", "feature")
	c2 := r.git("rev-parse", "HEAD")
	c1 := r.git("rev-parse", "HEAD~1")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{c1, contributor, c1, day(2)})
	check(t, h, "content/proposals/p/feedback/c_h223-x.md", want{c2, contributor, c2, day(3)})
}

func TestEditOnMainAfterLandingWins(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Proposal")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.commit(contributor, day(2), "Vote")
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(3), "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	e := r.commit(maintainer, day(5), "Fix a vote by hand")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{e, maintainer, e, day(5)})
}

func TestDeletedFileIsGone(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	r.write("content/proposals/q/index.md", "# Q\n")
	r.write("content/proposals/q/reactions/m_ef.yaml", "vote: support\n")
	r.commit(maintainer, day(1), "Proposals and votes")
	// Withdrawn directly on main.
	r.remove("content/proposals/p/reactions/c_h223.yaml")
	r.commit(maintainer, day(2), "Withdraw")
	// Withdrawn in a merged branch, together with a whole folder.
	r.git("checkout", "-q", "-b", "feature")
	r.remove("content/proposals/p/reactions/r_emiro.yaml")
	r.git("rm", "-q", "-r", "content/proposals/q")
	r.commit(region, day(3), "Withdraw and drop q")
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(4), "feature")

	h := load(t, Options{Dir: r.dir})
	checkPaths(t, h, "content/proposals/p/index.md")
}

func TestRenameIsDeleteAndAdd(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/practices/old.md", "# Practice\n")
	r.commit(maintainer, day(1), "Practice")
	r.git("mv", "content/practices/old.md", "content/practices/new.md")
	mv := r.commit(region, day(2), "Rename")

	h := load(t, Options{Dir: r.dir})
	checkPaths(t, h, "content/practices/new.md")
	check(t, h, "content/practices/new.md", want{mv, region, mv, day(2)})
}

func TestNestedFolders(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/plan/goals/g1.md", "# G1\n")
	r.write("content/practices/open-data/attachments/deep/er/guida.pdf", "%PDF\n")
	c := r.commit(maintainer, day(1), "Plan")
	r.write("content/plan/goals/g1.md", "# Goal 1\n")
	g := r.commit(maintainer, day(2), "Retitle")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/practices/open-data/attachments/deep/er/guida.pdf", want{c, maintainer, c, day(1)})
	check(t, h, "content/plan/goals/g1.md", want{g, maintainer, g, day(2)})
}

func TestPathsOutsidePrefixIgnored(t *testing.T) {
	r := newTestRepo(t)
	r.write("pspm.yaml", "title: x\n")
	r.write("README.md", "x\n")
	r.write("content.md", "x\n")
	r.write("contents/a.md", "x\n")
	r.write("layouts/content/page.html", "x\n")
	r.write("content/a.md", "x\n")
	r.commit(maintainer, day(1), "Site")
	r.write("pspm.yaml", "title: y\n")
	r.commit(maintainer, day(2), "Retitle")

	h := load(t, Options{Dir: r.dir})
	checkPaths(t, h, "content/a.md")
	if h.Prefix != "content/" || h.Site != "" {
		t.Errorf("Prefix, Site = %q, %q", h.Prefix, h.Site)
	}
	// A narrower prefix, given explicitly.
	r.write("content/proposals/p/index.md", "x\n")
	r.commit(maintainer, day(3), "P")
	h = load(t, Options{Dir: r.dir, Prefix: "content/proposals"})
	checkPaths(t, h, "content/proposals/p/index.md")
}

func TestSiteInSubfolder(t *testing.T) {
	r := newTestRepo(t)
	r.write("go.mod", "module x\n")
	r.write("content/elsewhere.md", "x\n") // the repository's content/, not the site's
	r.write("site/pspm.yaml", "title: x\n")
	r.write("site/content/proposals/p/index.md", "# P\n")
	c := r.commit(maintainer, day(1), "Site")

	site := filepath.Join(r.dir, "site")
	h := load(t, Options{Dir: site})
	checkPaths(t, h, "content/proposals/p/index.md")
	check(t, h, "content/proposals/p/index.md", want{c, maintainer, c, day(1)})
	if h.Site != "site/" || h.Prefix != "site/content/" {
		t.Errorf("Site, Prefix = %q, %q", h.Site, h.Prefix)
	}
	// From deeper inside the site, through a symbolic link to it.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(site, link); err != nil {
		t.Skip(err)
	}
	h = load(t, Options{Dir: link})
	checkPaths(t, h, "content/proposals/p/index.md")

	if _, err := Load(Options{Dir: site, Prefix: "content/"}); err == nil {
		t.Error("a prefix outside the site folder is accepted")
	}
}

func TestNotARepository(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(Options{Dir: dir}); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("err = %v, want ErrNotRepository", err)
	}
	if _, err := Update(Options{Dir: dir}, &History{}); !errors.Is(err, ErrNotRepository) {
		t.Fatalf("Update: err = %v, want ErrNotRepository", err)
	}
}

func TestUnknownBranchNamesTheBranches(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "x\n")
	r.commit(maintainer, day(1), "A")
	r.git("branch", "feature/votes")
	_, err := Load(Options{Dir: r.dir, Branch: "trunk"})
	var be *BranchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BranchError", err)
	}
	if !slices.Equal(be.Have, []string{"feature/votes", "main"}) {
		t.Errorf("Have = %q", be.Have)
	}
	for _, s := range []string{`"trunk"`, "feature/votes, main", "forge.branch"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %s", err, s)
		}
	}
	// The default is main, never HEAD's branch.
	r.git("branch", "-m", "main", "trunk")
	if _, err := Load(Options{Dir: r.dir}); !errors.As(err, &be) {
		t.Errorf("with no main: err = %v, want a *BranchError", err)
	}
	for _, b := range []string{"refs/heads/trunk", "HEAD"} {
		if h, err := Load(Options{Dir: r.dir, Branch: b}); err != nil || len(h.Files) != 1 {
			t.Errorf("Branch %q: %v", b, err)
		}
	}
}

func TestEmptyRepositoryHasNoBranches(t *testing.T) {
	r := newTestRepo(t)
	_, err := Load(Options{Dir: r.dir})
	var be *BranchError
	if !errors.As(err, &be) || len(be.Have) != 0 {
		t.Fatalf("err = %v, want a *BranchError with no branches", err)
	}
}

// A merge whose result is neither side's version (a resolved conflict) was made by
// the merge's author.
func TestConflictResolutionIsTheMergesChange(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/plan/_index.md", "a\nb\nc\n")
	r.commit(maintainer, day(1), "Plan")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/plan/_index.md", "a\nB\nc\n")
	r.commit(region, day(2), "Edit")
	r.git("checkout", "-q", "main")
	r.write("content/plan/_index.md", "a\nbb\nc\n")
	r.commit(maintainer, day(3), "Edit")
	if r.command(maintainer, maintainer, day(4), day(4), "merge", "feature").Run() == nil {
		t.Fatal("the merge did not conflict")
	}
	r.write("content/plan/_index.md", "a\nB and bb\nc\n")
	m := r.commit(maintainer, day(4), "Merge feature")
	r.git("rev-parse", "-q", "--verify", m+"^2") // it is a merge

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/plan/_index.md", want{m, maintainer, m, day(4)})
}

// A merge that brings back a version main had changed since the branch forked: the
// trace reaches main's own history, and the merge is credited.
func TestMergeRestoringOldVersionIsTheMergesChange(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/plan/_index.md", "v1\n")
	r.commit(maintainer, day(1), "Plan v1")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/index.md", "# P\n")
	f := r.commit(region, day(2), "P")
	r.git("checkout", "-q", "main")
	r.write("content/plan/_index.md", "v2\n")
	r.commit(maintainer, day(3), "Plan v2")
	r.run(maintainer, maintainer, day(4), day(4), "merge", "-q", "--no-ff", "--no-commit", "feature")
	r.write("content/plan/_index.md", "v1\n")
	m := r.commit(maintainer, day(4), "Merge, back to v1")
	r.git("rev-parse", "-q", "--verify", m+"^2")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/plan/_index.md", want{m, maintainer, m, day(4)})
	check(t, h, "content/proposals/p/index.md", want{f, region, m, day(4)})
}

// A branch that merged main into itself is traced through its own merge to the
// contributor's commit; what it took from main keeps main's provenance.
func TestBranchThatMergedMainIsTraced(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	f1 := r.commit(contributor, day(2), "Vote")
	r.git("checkout", "-q", "main")
	r.write("content/proposals/q/index.md", "# Q\n")
	q := r.commit(maintainer, day(3), "Q")
	r.git("checkout", "-q", "feature")
	r.merge(contributor, day(4), "main")
	r.write("content/proposals/q/reactions/c_h223.yaml", "vote: oppose\n")
	f2 := r.commit(contributor, day(5), "Vote on q")
	r.git("checkout", "-q", "main")
	m := r.merge(maintainer, day(6), "feature")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{f1, contributor, m, day(6)})
	check(t, h, "content/proposals/q/reactions/c_h223.yaml", want{f2, contributor, m, day(6)})
	check(t, h, "content/proposals/q/index.md", want{q, maintainer, q, day(3)})
}

// Two branches merged at once (an octopus merge): each file is credited to its branch.
func TestOctopusMerge(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.git("checkout", "-q", "-b", "a")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	a := r.commit(contributor, day(2), "Vote")
	r.git("checkout", "-q", "-b", "b", "main")
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	b := r.commit(region, day(3), "Vote")
	r.git("checkout", "-q", "main")
	r.run(maintainer, maintainer, day(4), day(4), "merge", "-q", "--no-ff", "-m", "Octopus", "a", "b")
	m := r.git("rev-parse", "HEAD")

	h := load(t, Options{Dir: r.dir})
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{a, contributor, m, day(4)})
	check(t, h, "content/proposals/p/reactions/r_emiro.yaml", want{b, region, m, day(4)})
}

func TestUpdateWalksOnlyNewCommits(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.write("content/proposals/p/reactions/m_ef.yaml", "vote: support\n")
	r.commit(maintainer, day(2), "Vote")
	prev := load(t, Options{Dir: r.dir})

	same, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if same.Walked != 0 || same.Rewritten || same.Head != prev.Head {
		t.Errorf("no new commit: Walked %d, Rewritten %v", same.Walked, same.Rewritten)
	}

	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.remove("content/proposals/p/reactions/m_ef.yaml")
	c := r.commit(contributor, day(3), "Vote, withdraw")
	h, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if h.Walked != 1 || h.Rewritten {
		t.Errorf("Walked %d, Rewritten %v; want 1, false", h.Walked, h.Rewritten)
	}
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{c, contributor, c, day(3)})
	checkPaths(t, h, "content/proposals/p/index.md", "content/proposals/p/reactions/c_h223.yaml")
	if _, ok := prev.Files["content/proposals/p/reactions/m_ef.yaml"]; !ok {
		t.Error("Update modified prev")
	}
	sameHistory(t, h, load(t, Options{Dir: r.dir}))
}

// A merge landed after the cached head is traced into its branch like in a full walk,
// the branch's older commits included.
func TestUpdateTracesNewMerge(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	f := r.commit(contributor, day(2), "Vote")
	r.git("checkout", "-q", "main")
	r.write("content/proposals/q/index.md", "# Q\n")
	r.commit(maintainer, day(3), "Q")
	prev := load(t, Options{Dir: r.dir})
	m := r.merge(maintainer, day(4), "feature")

	h, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if h.Walked != 1 {
		t.Errorf("Walked = %d, want 1", h.Walked)
	}
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{f, contributor, m, day(4)})
	sameHistory(t, h, load(t, Options{Dir: r.dir}))
}

func TestUpdateAfterForcePushRewrites(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.write("content/proposals/p/reactions/m_ef.yaml", "vote: support\n")
	r.commit(maintainer, day(2), "Vote")
	prev := load(t, Options{Dir: r.dir})

	r.git("reset", "-q", "--hard", "HEAD~1")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	c := r.commit(contributor, day(3), "Another vote")
	h, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Rewritten || h.Walked != 2 {
		t.Errorf("Rewritten %v, Walked %d; want true, 2", h.Rewritten, h.Walked)
	}
	checkPaths(t, h, "content/proposals/p/index.md", "content/proposals/p/reactions/c_h223.yaml")
	check(t, h, "content/proposals/p/reactions/c_h223.yaml", want{c, contributor, c, day(3)})
	sameHistory(t, h, load(t, Options{Dir: r.dir}))
}

// A cache made for another prefix is not reused, and that is no rewrite.
func TestUpdateWithOtherPrefixLoads(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.write("content/plan/_index.md", "# Plan\n")
	r.commit(maintainer, day(1), "P")
	prev := load(t, Options{Dir: r.dir, Prefix: "content/plan/"})
	h, err := Update(Options{Dir: r.dir}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if h.Rewritten || h.Walked != 1 {
		t.Errorf("Rewritten %v, Walked %d", h.Rewritten, h.Walked)
	}
	checkPaths(t, h, "content/proposals/p/index.md", "content/plan/_index.md")
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	r.commit(contributor, day(2), "Vote")
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(3), "feature")
	h := load(t, Options{Dir: r.dir})

	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	d, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, d, h)
	b2, err := d.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(b2) != string(b) {
		t.Error("Encode(Decode(b)) != b")
	}
	// The decoded history is a good starting point for Update.
	r.write("content/proposals/p/reactions/m_ef.yaml", "vote: support\n")
	r.commit(maintainer, day(4), "Vote")
	u, err := Update(Options{Dir: r.dir}, d)
	if err != nil {
		t.Fatal(err)
	}
	if u.Walked != 1 {
		t.Errorf("Walked = %d, want 1", u.Walked)
	}
	sameHistory(t, u, load(t, Options{Dir: r.dir}))

	for _, bad := range []string{"", "{}", `{"format":99,"history":{}}`, `{"format":1}`,
		`{"format":1,"history":{"files":{"a":{"path":"b"}}}}`, `{"format":1,"history":{"files":{"a":null}}}`} {
		if _, err := Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%s) succeeded", bad)
		}
	}
}

func TestMatchesTellsCommittedContent(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "committed\n")
	r.commit(maintainer, day(1), "A")
	p := load(t, Options{Dir: r.dir}).Files["content/a.md"]
	if !p.Matches([]byte("committed\n")) || p.Matches([]byte("edited\n")) {
		t.Error("Matches does not tell the committed version from an edit")
	}
}

// In a shallow clone, files whose history is cut off are left out, not credited to the
// commit at the cut.
func TestShallowCloneLeavesOutCutHistory(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	r.commit(maintainer, day(1), "A")
	r.write("content/b.md", "b\n")
	r.commit(maintainer, day(2), "B")
	r.write("content/c.md", "c\n")
	c := r.commit(region, day(3), "C")
	clone := filepath.Join(t.TempDir(), "clone")
	r.git("clone", "-q", "--depth", "2", "--branch", "main", "file://"+r.dir, clone)

	h := load(t, Options{Dir: clone})
	if !h.Shallow {
		t.Error("Shallow not set")
	}
	checkPaths(t, h, "content/c.md")
	check(t, h, "content/c.md", want{c, region, c, day(3)})
	// A cache from a shallow clone is not trusted for Update.
	u, err := Update(Options{Dir: clone}, h)
	if err != nil || u.Walked != 2 {
		t.Errorf("Update of a shallow history: Walked %d, %v; want a full walk", u.Walked, err)
	}
}

func TestLinkedWorktree(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	c := r.commit(maintainer, day(1), "A")
	wt := filepath.Join(t.TempDir(), "wt")
	r.git("worktree", "add", "-q", "-b", "draft", wt)
	h := load(t, Options{Dir: wt})
	check(t, h, "content/a.md", want{c, maintainer, c, day(1)})
}

// A clone sharing the objects of another (git clone --shared, as CI caches do) reads
// them through objects/info/alternates.
func TestSharedCloneReadsAlternates(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	c := r.commit(maintainer, day(1), "A")
	r.git("gc", "-q")
	clone := filepath.Join(t.TempDir(), "clone")
	r.git("clone", "-q", "--shared", r.dir, clone)
	if _, err := os.Stat(filepath.Join(clone, ".git", "objects", "info", "alternates")); err != nil {
		t.Fatal(err)
	}
	h := load(t, Options{Dir: clone})
	check(t, h, "content/a.md", want{c, maintainer, c, day(1)})
}

func TestSignedCommitIsMarked(t *testing.T) {
	r := newTestRepo(t)
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed")
	}
	key := filepath.Join(r.home, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "x", "-f", key).CombinedOutput(); err != nil {
		t.Skipf("ssh-keygen: %v %s", err, out)
	}
	r.write("content/a.md", "a\n")
	r.git("add", "-A")
	r.run(region, region, day(1), day(1), "-c", "gpg.format=ssh", "-c", "user.signingkey="+key,
		"commit", "-q", "-S", "-m", "Signed")
	r.write("content/b.md", "b\n")
	r.commit(region, day(2), "Unsigned")

	h := load(t, Options{Dir: r.dir})
	if !h.Files["content/a.md"].Signed || !h.Commits[1].Signed {
		t.Error("an SSH-signed commit reads as unsigned")
	}
	if h.Files["content/b.md"].Signed {
		t.Error("an unsigned commit reads as signed")
	}
}

// sameHistory compares two histories through their encodings (which is how they are
// compared in use: a cache either gives the same site or it does not), and as JSON,
// which does not depend on the encoding being right.
func sameHistory(t *testing.T, got, want *History) {
	t.Helper()
	g, err := got.Encode()
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.Encode()
	if err != nil {
		t.Fatal(err)
	}
	gj, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	wj, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(gj) != string(wj) {
		t.Errorf("histories differ:\n got  %s\n want %s", gj, wj)
	} else if string(g) != string(w) {
		t.Errorf("histories are the same but their encodings differ")
	}
}
