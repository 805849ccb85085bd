package history

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func rangeOf(t *testing.T, dir, base, head string) []RangeCommit {
	t.Helper()
	cs, err := Range(Options{Dir: dir}, base, head)
	if err != nil {
		t.Fatalf("Range(%s, %s): %v", base, head, err)
	}
	return cs
}

func hashes(cs []RangeCommit) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Hash)
	}
	return out
}

func paths(fcs []FileChange) string {
	var out []string
	for _, fc := range fcs {
		out = append(out, fc.Path)
	}
	return strings.Join(out, " ")
}

// blobOf returns the hash of a file in a revision, "" when absent.
func blobOf(r *testRepo, rev, path string) string {
	out, err := r.command(maintainer, maintainer, day(0), day(0), "rev-parse", "-q", "--verify", rev+":"+path).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// A merge request's commits are those of its branch and not of main, oldest first,
// each with the site's files it changed, relative to the site folder.
func TestRangeListsTheBranchCommitsWithTheirFiles(t *testing.T) {
	r := newTestRepo(t)
	r.write("README.md", "x\n")
	r.write("site/pspm.yaml", "title: x\n")
	r.write("site/content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Site")
	r.git("checkout", "-q", "-b", "feature")
	r.write("site/content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	r.write("README.md", "outside the site\n")
	f1 := r.commit(contributor, day(2), "Vote")
	r.write("site/content/proposals/p/index.md", "# P, amended\n")
	r.remove("site/content/proposals/p/reactions/c_h223.yaml")
	f2 := r.commit(contributor, day(3), "Amend, withdraw")
	r.git("checkout", "-q", "main")
	r.write("site/pspm.yaml", "title: y\n")
	r.commit(maintainer, day(4), "Main moves on")

	cs := rangeOf(t, filepath.Join(r.dir, "site"), "main", "feature")
	if !slices.Equal(hashes(cs), []string{f1, f2}) {
		t.Fatalf("Range = %.7q, want %.7q", hashes(cs), []string{f1, f2})
	}
	if cs[0].Author.Email != contributor.email || cs[0].Message != "Vote\n" || len(cs[0].Parents) != 1 || cs[0].Signature != nil {
		t.Errorf("first commit = %+v", cs[0].Commit)
	}
	vote := "content/proposals/p/reactions/c_h223.yaml"
	if want := []FileChange{{vote, "", blobOf(r, f1, "site/"+vote)}}; !slices.Equal(cs[0].Files, want) {
		t.Errorf("first commit's files = %+v, want %+v (README.md is outside the site)", cs[0].Files, want)
	}
	page := "content/proposals/p/index.md"
	want := []FileChange{
		{page, blobOf(r, f1, "site/"+page), blobOf(r, f2, "site/"+page)},
		{vote, blobOf(r, f1, "site/"+vote), ""},
	}
	if !slices.Equal(cs[1].Files, want) {
		t.Errorf("second commit's files = %+v, want %+v", cs[1].Files, want)
	}

	// A detached checkout of the branch, as CI makes.
	r.git("checkout", "-q", "--detach", "feature")
	if got := hashes(rangeOf(t, r.dir, "main", "HEAD")); !slices.Equal(got, []string{f1, f2}) {
		t.Errorf("detached HEAD: %.7q", got)
	}
	// Once merged, nothing is left to check.
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(5), "feature")
	if cs := rangeOf(t, r.dir, "main", "feature"); len(cs) != 0 {
		t.Errorf("after the merge: %.7q, want none", hashes(cs))
	}
	if _, err := Range(Options{Dir: r.dir}, "main", "no-such-branch"); err == nil || !strings.Contains(err.Error(), `"no-such-branch"`) {
		t.Errorf("unknown head: %v", err)
	}
	if _, err := Range(Options{Dir: r.dir}, "nope", "main"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown base: %v", err)
	}
}

// Main merged into the branch brings main's changes, credited to main's commits: the
// merge shows only what it changed by itself, a resolved conflict or an evil change.
func TestRangeMergeShowsOnlyItsOwnChanges(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/plan/_index.md", "a\nb\nc\n")
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Plan")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/plan/_index.md", "a\nB\nc\n")
	f1 := r.commit(region, day(2), "Edit the plan")
	r.git("checkout", "-q", "main")
	r.write("content/plan/_index.md", "a\nbb\nc\n")
	r.write("content/proposals/q/index.md", "# Q\n")
	r.commit(maintainer, day(3), "Main edits")
	// Main merged into the branch: a conflict resolved, and a file slipped in.
	r.git("checkout", "-q", "feature")
	if r.command(region, region, day(4), day(4), "merge", "main").Run() == nil {
		t.Fatal("the merge did not conflict")
	}
	r.write("content/plan/_index.md", "a\nB and bb\nc\n")
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	m := r.commit(region, day(4), "Merge main")
	// A clean merge of main: nothing of its own.
	r.git("checkout", "-q", "main")
	r.write("content/proposals/z/index.md", "# Z\n")
	r.commit(maintainer, day(5), "Z")
	r.git("checkout", "-q", "feature")
	r.merge(region, day(6), "main")
	clean := r.git("rev-parse", "HEAD")

	cs := rangeOf(t, r.dir, "main", "feature")
	if !slices.Equal(hashes(cs), []string{f1, m, clean}) {
		t.Fatalf("Range = %.7q, want %.7q", hashes(cs), []string{f1, m, clean})
	}
	if got := paths(cs[1].Files); got != "content/plan/_index.md content/proposals/p/reactions/r_emiro.yaml" {
		t.Errorf("the resolving merge changed %q, want the resolution and the evil file", got)
	}
	plan := cs[1].Files[0]
	if plan.Old != blobOf(r, f1, "content/plan/_index.md") || plan.New != blobOf(r, m, "content/plan/_index.md") {
		t.Errorf("resolution = %+v, want Old from the first parent", plan)
	}
	if len(cs[2].Files) != 0 {
		t.Errorf("the clean merge changed %q, want nothing", paths(cs[2].Files))
	}
}

// A signed commit in the range comes with its signature and payload.
func TestRangeCarriesSignatures(t *testing.T) {
	r := newTestRepo(t)
	key := sshKey(t, r)
	r.write("content/a.md", "a\n")
	r.commit(maintainer, day(1), "A")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/reactions/r_emiro.yaml", "vote: support\n")
	signed := r.commitSigned(region, 2, key, "Signed vote")
	cs := rangeOf(t, r.dir, "main", "feature")
	if len(cs) != 1 || cs[0].Signature == nil || !cs[0].Signed {
		t.Fatalf("Range = %+v, want the signed commit with its signature", cs)
	}
	if cs[0].Signature.Payload != payloadOf(r, signed) || !strings.Contains(cs[0].Signature.Text, "SSH SIGNATURE") {
		t.Errorf("Signature = %+v", cs[0].Signature)
	}
}

// Committer times out of order (a contributor's clock) change neither which commits are
// in the range nor that parents come first.
func TestRangeWithSkewedClocks(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	r.commit(maintainer, day(10), "A")
	r.write("content/b.md", "b\n")
	r.commit(maintainer, day(11), "B")
	r.git("checkout", "-q", "-b", "feature")
	var want []string
	for i := range 4 {
		r.write(fmt.Sprintf("content/proposals/p/reactions/v%d.yaml", i), "vote: support\n")
		// Each commit claims to be older than the one before, and than main.
		want = append(want, r.commitAs(contributor, day(-i), contributor, day(-i), fmt.Sprint("Vote ", i)))
	}
	r.git("checkout", "-q", "main")
	for i := range 3 {
		r.write(fmt.Sprintf("content/m%d.md", i), "m\n")
		r.commit(maintainer, day(12+i), "Main")
	}
	if got := hashes(rangeOf(t, r.dir, "main", "feature")); !slices.Equal(got, want) {
		t.Errorf("Range = %.7q, want %.7q", got, want)
	}
}

// In a shallow clone that hides where the branch leaves main, Range says so instead of
// listing main's history as the request's.
func TestRangeInShallowCloneAsksForHistory(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	r.commit(maintainer, day(1), "A")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/b.md", "b\n")
	r.commit(region, day(2), "B")
	r.write("content/c.md", "c\n")
	r.commit(region, day(3), "C")
	r.git("checkout", "-q", "main")
	clone := filepath.Join(t.TempDir(), "clone")
	r.git("clone", "-q", "--depth", "1", "--no-single-branch", "file://"+r.dir, clone)
	_, err := Range(Options{Dir: clone}, "origin/main", "origin/feature")
	if err == nil || !strings.Contains(err.Error(), "fetch-depth") {
		t.Errorf("err = %v, want advice to fetch the whole history", err)
	}
}
