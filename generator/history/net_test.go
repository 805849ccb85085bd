package history

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func netOf(t *testing.T, dir, base, head string) *Net {
	t.Helper()
	n, err := NetChange(Options{Dir: dir}, base, head)
	if err != nil {
		t.Fatalf("NetChange(%s, %s): %v", base, head, err)
	}
	return n
}

func netFile(n *Net, path string) *NetFile {
	for i := range n.Files {
		if n.Files[i].Path == path {
			return &n.Files[i]
		}
	}
	return nil
}

// handMerge makes a merge commit of the current HEAD and other with the tree of tree,
// with git commit-tree, as an attacker would, and moves the current branch to it.
func (r *testRepo) handMerge(by who, n int, tree, other, msg string) string {
	r.t.Helper()
	c := r.run(by, by, day(n), day(n), "commit-tree", tree+"^{tree}", "-p", "HEAD", "-p", other, "-m", msg)
	r.git("reset", "-q", "--hard", c)
	return c
}

const vote = "content/proposals/p/reactions/m_ef.yaml"

// A merge whose second parent is an old commit, from before the plan owner voted,
// deletes the vote; the merge is the only commit of the request, and it only carries
// the old commit's state: the change is brought, not made.
func TestNetChangeSeesADeletionBroughtByAMergeOfAnOldCommit(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/proposals/p/index.md", "# P\n")
	old := r.commit(maintainer, day(1), "Proposal")
	r.write("site/"+vote, "vote: support\n")
	r.commit(maintainer, day(2), "Vote")
	r.git("checkout", "-q", "-b", "attack")
	r.write("site/content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	mine := r.commit(contributor, day(3), "My vote")
	r.git("rm", "-q", "site/"+vote)
	r.run(contributor, contributor, day(3), day(3), "commit", "-q", "-m", "tmp")
	tree := r.git("rev-parse", "HEAD")
	r.git("reset", "-q", "--hard", mine)
	m := r.handMerge(contributor, 4, tree, old, "Merge")

	n := netOf(t, filepath.Join(r.dir, "site"), "main", "attack")
	f := netFile(n, vote)
	if f == nil || f.New != "" || len(f.Made) != 0 || len(f.Brought) != 1 || n.Commits[f.Brought[0].By].Hash != m || f.Brought[0].From != old {
		t.Fatalf("the deleted vote = %+v, want brought by the merge %.7s from %.7s (files %+v)", f, m, old, n.Files)
	}
	if g := netFile(n, "content/proposals/p/reactions/c_h223.yaml"); g == nil || len(g.Made) != 1 || n.Commits[g.Made[0]].Hash != mine || len(g.Brought) != 0 {
		t.Errorf("the request's own vote = %+v, want made by %.7s", g, mine)
	}
}

// A vote withdrawn on main comes back through a merge of the commit that cast it.
func TestNetChangeSeesAWithdrawnVoteBroughtBack(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/proposals/p/index.md", "# P\n")
	r.write("site/"+vote, "vote: support\n")
	cast := r.commit(maintainer, day(1), "Vote")
	r.remove("site/" + vote)
	r.commit(maintainer, day(2), "Withdraw")
	r.git("checkout", "-q", "-b", "attack")
	r.handMerge(contributor, 3, cast, cast, "Merge")
	n := netOf(t, filepath.Join(r.dir, "site"), "main", "attack")
	f := netFile(n, vote)
	if f == nil || f.New == "" || len(f.Made) != 0 || len(f.Brought) != 1 || f.Brought[0].From != cast {
		t.Fatalf("the restored vote = %+v, want brought from %.7s", f, cast)
	}
}

// A request behind its target is measured from its branch point: what main changed
// since is not the request's change, and neither is what it merged from main.
func TestNetChangeOfARequestBehindItsTargetIsMeasuredFromTheBranchPoint(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Proposal")
	r.git("checkout", "-q", "-b", "req")
	r.write("site/content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	mine := r.commit(contributor, day(2), "My vote")
	r.git("checkout", "-q", "main")
	r.write("site/content/proposals/p/index.md", "# P, v2\n")
	r.commit(maintainer, day(3), "Amend")
	r.git("checkout", "-q", "req")
	r.merge(contributor, day(4), "main")
	r.git("checkout", "-q", "main")
	r.write("site/content/proposals/p/index.md", "# P, v3\n")
	r.write("site/"+vote, "vote: support\n")
	r.commit(maintainer, day(5), "Amend again, vote")

	n := netOf(t, filepath.Join(r.dir, "site"), "main", "req")
	var got []string
	for _, f := range n.Files {
		got = append(got, f.Path)
	}
	if !slices.Equal(got, []string{"content/proposals/p/reactions/c_h223.yaml"}) {
		t.Fatalf("net change = %q, want only the request's vote", got)
	}
	if f := n.Files[0]; len(f.Made) != 1 || n.Commits[f.Made[0]].Hash != mine {
		t.Errorf("made by %v, want %.7s", f.Made, mine)
	}
}

// A file changed and changed back within the request is no change at all.
func TestNetChangeLeavesOutAChangeUndoneWithinTheRequest(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/"+vote, "vote: support\n")
	r.commit(maintainer, day(1), "Vote")
	r.git("checkout", "-q", "-b", "req")
	r.write("site/"+vote, "vote: oppose\n")
	r.commit(contributor, day(2), "Change it")
	r.write("site/"+vote, "vote: support\n")
	r.commit(contributor, day(3), "Change it back")
	n := netOf(t, filepath.Join(r.dir, "site"), "main", "req")
	if len(n.Files) != 0 || len(n.Commits) != 2 {
		t.Errorf("net change = %+v over %d commits, want nothing over 2", n.Files, len(n.Commits))
	}
}

// Commits of main whose committer times lie (contributors' commits that landed by
// fast-forward, dated 1990) must not make an old commit look like one of the request's:
// a merge of the old root commit, from before the vote, brings the vote's deletion.
func TestNetChangeIsNotFooledByBackdatedCommitsOnTheTarget(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/proposals/p/index.md", "# P\n")
	root := r.commit(maintainer, day(1), "Proposal")
	r.write("site/"+vote, "vote: support\n")
	r.commit(maintainer, day(2), "Vote")
	old := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 8 {
		r.write("site/content/proposals/p/note.md", strings.Repeat("x", i+1)+"\n")
		r.commitAs(contributor, old, contributor, old, "Backdated")
	}
	r.write("site/content/proposals/p/index.md", "# P, v2\n")
	r.commit(maintainer, day(10), "Amend")
	r.git("checkout", "-q", "-b", "attack")
	r.git("rm", "-q", "site/"+vote)
	r.run(contributor, contributor, day(11), day(11), "commit", "-q", "-m", "tmp")
	tree := r.git("rev-parse", "HEAD")
	r.git("reset", "-q", "--hard", "HEAD~1")
	r.handMerge(contributor, 11, tree, root, "Merge")

	n := netOf(t, filepath.Join(r.dir, "site"), "main", "attack")
	if len(n.Commits) != 1 {
		t.Errorf("the request has %d commits, want only the merge: %v", len(n.Commits), n.Commits)
	}
	f := netFile(n, vote)
	if f == nil || len(f.Made) != 0 || len(f.Brought) != 1 || f.Brought[0].From != root {
		t.Fatalf("the deleted vote = %+v, want brought from the root %.7s", f, root)
	}
}

// A file beside the site folder (a CI file at the repository's root) is part of the
// request's change, named through "..", and so is a file inside it.
func TestNetChangeSeesFilesBesideTheSiteFolder(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/proposals/p/index.md", "# P\n")
	r.write(".github/workflows/pspm.yml", "on: pull_request\n")
	r.commit(maintainer, day(1), "Portal")
	r.git("checkout", "-q", "-b", "ci")
	r.write(".github/workflows/pspm.yml", "on: push\n")
	r.write("site/content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	c := r.commit(contributor, day(2), "No more checks")

	n := netOf(t, filepath.Join(r.dir, "site"), "main", "ci")
	var paths []string
	for _, f := range n.Files {
		paths = append(paths, f.Path)
		if len(f.Made) != 1 || n.Commits[f.Made[0]].Hash != c {
			t.Errorf("%s: made by %v, want the request's commit", f.Path, f.Made)
		}
	}
	want := []string{"../.github/workflows/pspm.yml", "content/proposals/p/reactions/c_h223.yaml"}
	if !slices.Equal(paths, want) {
		t.Errorf("net change %q, want %q", paths, want)
	}
}
