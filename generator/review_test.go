package generator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
)

// during is a time inside the consultation phase of the test plan.
var during = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// checkMR checks the merge request of the current branch into main at now.
func (g *gitRepo) checkMR(now time.Time) (*generator.Result, error) {
	g.t.Helper()
	fsys, _ := openSource(g.t, g.dir)
	return generator.CheckChanges(generator.Options{Source: fsys, Dir: g.dir}, "main", "HEAD", now)
}

// wantViolation fails unless the check failed with an error containing want.
func wantViolation(t *testing.T, res *generator.Result, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the check passed; want a violation %q\n%s", want, res.Diagnostics.Format())
	}
	if !strings.Contains(res.Diagnostics.Errors().Format(), want) {
		t.Errorf("no error contains %q; got:\n%s", want, res.Diagnostics.Format())
	}
}

func wantClean(t *testing.T, res *generator.Result, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("the check failed: %v\n%s", err, res.Diagnostics.Format())
	}
}

func TestMergeRequestVoteByAMemberPasses(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestMergeRequestVoteByANonMemberFails(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-02-03T09:00:00Z", luca, "La Regione vota per il Comune")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/proposals/p1/reactions/c_h223.yaml:1:1: commit")
	wantViolation(t, res, err, "luca.verdi@regione.emilia-romagna.it is not the email of a member of c_h223")
}

func TestMergeRequestDeletingAnotherBodysVoteFails(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "ritiro")
	g.remove("content/proposals/p1/reactions/m_ef.yaml")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Tolgo il voto del MEF")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/proposals/p1/reactions/m_ef.yaml: commit")
	wantViolation(t, res, err, "deleted a vote of m_ef")
}

func TestMergeRequestChangingTheOfficialStatusFailsUnlessByThePlanOwner(t *testing.T) {
	g := newGitRepo(t, "author", "")
	p := g.read("content/proposals/p1/index.md")
	g.run("", "checkout", "-q", "-b", "stato")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: accepted", 1))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Mi accolgo da solo")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "the official status or answer of a proposal")

	// The proposing body may still amend its text.
	g.run("", "checkout", "-q", "main")
	g.run("", "checkout", "-q", "-b", "testo")
	g.write("content/proposals/p1/index.md", p+"\nUn paragrafo in più.\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Emendamento")
	res, err = g.checkMR(during)
	wantClean(t, res, err)

	// And the plan owner may answer.
	g.run("", "checkout", "-q", "main")
	g.run("", "checkout", "-q", "-b", "risposta")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: accepted\nanswer:\n  date: 2025-03-01\n  text: Accolta.", 1))
	g.commitAll("2025-03-01T09:00:00Z", anna, "Risposta")
	res, err = g.checkMR(during)
	wantClean(t, res, err)
}

func TestMergeRequestChangingThePlanFailsUnlessByThePlanOwner(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "piano")
	g.write("content/plan/actions/a1.md", strings.Replace(g.read("content/plan/actions/a1.md"), "progress: 40", "progress: 90", 1))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Avanti tutta")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/plan/actions/a1.md:1:1: commit")
}

func TestMergeRequestCannotRegisterItsAuthorAndVoteAtOnce(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "intruso")
	b := g.read("content/bodies/c_h223.md")
	g.write("content/bodies/c_h223.md", strings.Replace(b, "members:\n", "members:\n  - name: Eve\n    email: eve@example.org\n", 1))
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Mi iscrivo e voto")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/bodies/c_h223.md:1:1: commit")
	wantViolation(t, res, err, "content/proposals/p1/reactions/c_h223.yaml:1:1: commit")
}

func TestMergeRequestVoteOutsideAnOpenPhaseFails(t *testing.T) {
	g := newGitRepo(t, "none", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-07-03T09:00:00Z", marco, "Voto tardivo")
	res, err := g.checkMR(time.Date(2025, 7, 3, 9, 0, 0, 0, time.UTC))
	wantViolation(t, res, err, "no phase of the plan opens votes now (2025-07-03)")
	// Under policy none nobody's identity is checked, and the check says so.
	if !strings.Contains(res.Diagnostics.Warnings().Format(), "votes.policy is none") {
		t.Errorf("no warning that identity is not checked:\n%s", res.Diagnostics.Format())
	}
}

func TestMergeRequestWithMainMergedIntoItIsChargedOnlyWithItsOwnChanges(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	// Meanwhile the plan owner changes the plan on main...
	g.run("", "checkout", "-q", "main")
	g.write("content/plan/actions/a1.md", strings.Replace(g.read("content/plan/actions/a1.md"), "progress: 40", "progress: 50", 1))
	g.commitAll("2025-02-04T09:00:00Z", anna, "Avanzamento")
	// ...and Marco merges main into his branch.
	g.run("", "checkout", "-q", "voto")
	g.runEnv("2025-02-05T09:00:00Z", who(marco), "merge", "-q", "--no-ff", "-m", "Merge main", "main")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestMergeRequestWithADetachedSignaturePassesUnderPolicySigned(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\nitem: proposals/p1\nvoter: c_h223\ndate: 2025-02-03\n")
	g.signFile(marcoKey, reggioVote)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Voto del Comune")
	res, err := g.checkMR(during)
	wantClean(t, res, err)

	// With Marco's email but no signature: refused.
	g.run("", "checkout", "-q", "main")
	g.run("", "checkout", "-q", "-b", "altro")
	g.write(reggioVote, "vote: oppose\nitem: proposals/p1\nvoter: c_h223\ndate: 2025-02-03\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto non firmato")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "it is not signed")
}

func TestMergeRequestCheckReadsVotesFromTheHeadWithoutALocalMainBranch(t *testing.T) {
	// A CI checkout of a merge request: a detached head and the target as a remote branch.
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	g.run("", "update-ref", "refs/remotes/origin/main", "main")
	g.run("", "checkout", "-q", "--detach")
	g.run("", "branch", "-q", "-D", "main", "voto")
	fsys, _ := openSource(t, g.dir)
	res, err := generator.CheckChanges(generator.Options{Source: fsys, Dir: g.dir}, "origin/main", "", during)
	wantClean(t, res, err)
	if w := res.Diagnostics.Warnings().Format(); strings.Contains(w, "unverified") {
		t.Errorf("the check could not read the votes' history:\n%s", w)
	}
	for _, r := range res.Site.Reactions {
		if r.Origin == nil {
			t.Errorf("%s has no origin", r.File)
		}
	}
}
