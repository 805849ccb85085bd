package generator_test

import (
	"testing"
)

// The files a commit changed that landed together share one origin, which no file
// changes: a merge request of a thousand votes, or a repository whose million votes came
// in one commit, holds one. Each vote still has its own commit, landing and merge
// request in the open data.
func TestVotesOfOneCommitShareTheirOrigin(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write("content/proposals/p1/reactions/c_h223.yaml", "vote: support\n")
	g.write("content/practices/pr1/reactions/c_h223.yaml", "vote: oppose\n")
	g.write("content/plan/actions/a1/reactions/c_h223.yaml", "vote: abstain\n")
	both := g.commitAll("2025-02-01T10:00:00Z", marco, "Voti del Comune")
	g.write("content/practices/pr1/reactions/r_080.yaml", "vote: support\n")
	other := g.commitAll("2025-02-02T10:00:00Z", luca, "Voto della Regione")
	votes, res, _ := g.build()
	byFile := map[string]int{}
	for i, r := range res.Site.Reactions {
		byFile[r.File] = i
	}
	rc := func(file string) int {
		i, ok := byFile[file]
		if !ok {
			t.Fatalf("no reaction %s", file)
		}
		return i
	}
	a, b, c := res.Site.Reactions[rc("content/proposals/p1/reactions/c_h223.yaml")], res.Site.Reactions[rc("content/practices/pr1/reactions/c_h223.yaml")], res.Site.Reactions[rc("content/plan/actions/a1/reactions/c_h223.yaml")]
	r := res.Site.Reactions[rc("content/practices/pr1/reactions/r_080.yaml")]
	first := res.Site.Reactions[rc("content/proposals/p1/reactions/m_ef.yaml")]
	if a.Origin == nil || a.Origin != b.Origin || b.Origin != c.Origin {
		t.Errorf("the votes of one commit have origins %p, %p, %p: want one", a.Origin, b.Origin, c.Origin)
	}
	if a.Origin.Commit != both || r.Origin == nil || r.Origin.Commit != other || r.Origin == a.Origin || first.Origin == nil || first.Origin == a.Origin {
		t.Errorf("the votes of other commits share the origin of %s", both)
	}
	for file, commit := range map[string]string{"content/practices/pr1/reactions/c_h223.yaml": both, "content/plan/actions/a1/reactions/c_h223.yaml": both, "content/practices/pr1/reactions/r_080.yaml": other} {
		if v := votes[file]; v["commit"] != commit || v["counted"] != true {
			t.Errorf("%s in votes.json: %v, want commit %s, counted", file, v, commit)
		}
	}
	if v := votes["content/practices/pr1/reactions/r_080.yaml"]; v["landed"] != "2025-02-02T10:00:00Z" || v["author_name"] != "Luca Verdi" {
		t.Errorf("the other commit's vote: %v", v)
	}
}

// Two votes a contributor fast-forwarded in one commit, dated by them inside the phase,
// share their origin, and the trust stage retimes both by the maintainers' next commit
// (after the phase): each gets the retimed copy, and the origin the history made is left
// as it was, for the other files that read it.
func TestVotesOfOneFastForwardedCommitAreRetimedTogether(t *testing.T) {
	g := newGitRepo(t, "author", "")
	a, b := "content/proposals/p1/reactions/c_h223.yaml", "content/practices/pr1/reactions/c_h223.yaml"
	g.run("", "checkout", "-q", "-b", "tardi")
	g.write(a, "vote: support\n")
	g.write(b, "vote: oppose\n")
	theirs := g.commitAsContributor("2025-06-15T09:00:00Z", marco, "Voti (datati prima della chiusura)")
	g.run("2025-07-10T09:00:00Z", "checkout", "-q", "main")
	g.run("2025-07-10T09:00:00Z", "merge", "-q", "--ff-only", "tardi")
	closing := g.commitAll("2025-07-11T09:00:00Z", anna, "Chiusura della consultazione")
	votes, res, _ := g.build()
	for _, file := range []string{a, b} {
		v := votes[file]
		wantNotCounted(t, v, "outside-window")
		if v["commit"] != theirs || v["landed_commit"] != closing || v["landed"] != "2025-07-11T09:00:00Z" {
			t.Errorf("%s: commit %v landed by %v at %v; want %s landed by %s at 2025-07-11T09:00:00Z", file, v["commit"], v["landed_commit"], v["landed"], theirs, closing)
		}
	}
	var origins []any
	for _, r := range res.Site.Reactions {
		if r.File == a || r.File == b {
			if r.Origin == nil || r.Origin.LandedCommit != closing {
				t.Fatalf("%s: origin %+v", r.File, r.Origin)
			}
			origins = append(origins, r.Origin)
		}
	}
	if len(origins) != 2 || origins[0] != origins[1] {
		t.Errorf("the two votes' retimed origins are not one: %v", origins)
	}
}
