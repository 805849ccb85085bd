package generator_test

import (
	"strings"
	"testing"
	"time"
)

// The attacks of issue 17 on `pspm check --base`: a vote or a comment that would land
// and never count must be refused before it lands, saying why.

// answered answers p1 on main (accepted on 2025-02-10) as Anna, the plan owner.
func answered(g *gitRepo, status string) {
	g.t.Helper()
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: "+status+"\nanswer:\n  date: 2025-02-10\n  text: Risposta.", 1))
	g.commitAll("2025-02-10T10:00:00Z", anna, "Risposta")
}

func TestGateRefusesAVoteOnAnAnsweredProposal(t *testing.T) {
	g := newGitRepo(t, "author", "")
	answered(g, "accepted")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Voto del Comune")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, reggioVote+":1:1: commit ")
	wantViolation(t, res, err, "added a vote of c_h223 on proposals/p1, but it would never count: it would land on 2025-03-01T12:00:00Z, after the proposal was answered on 2025-02-10")
}

func TestGateRefusesAVoteOnAWithdrawnProposal(t *testing.T) {
	g := newGitRepo(t, "author", "")
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: withdrawn", 1))
	g.commitAll("2025-02-10T10:00:00Z", anna, "Ritirata")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Voto del Comune")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "the proposal was withdrawn: it takes no votes")
}

func TestGateLetsAVoteBeWithdrawnFromAnAnsweredProposal(t *testing.T) {
	g := newGitRepo(t, "author", "")
	answered(g, "rejected")
	g.run("", "checkout", "-q", "-b", "ritiro")
	g.remove(mefVote)
	g.commitAll("2025-02-20T09:00:00Z", anna, "Il MEF ritira il voto")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestGateRefusesAVoteOutsideEveryPhase(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Voto del Comune")
	res, err := g.checkMR(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	wantViolation(t, res, err, "but no phase of the plan opens votes now (2025-09-01)")
}

func TestGateRefusesAVoteByAnUnknownBody(t *testing.T) {
	for _, policy := range []string{"author", "none"} {
		g := newGitRepo(t, policy, "")
		g.run("", "checkout", "-q", "-b", "voto")
		g.write("content/proposals/p1/reactions/c_h224.yaml", "vote: support\n")
		g.commitAll("2025-02-20T09:00:00Z", marco, "Voto")
		res, err := g.checkMR(during)
		wantViolation(t, res, err, `content/proposals/p1/reactions/c_h224.yaml:1:1: unknown voter "c_h224": a reaction file is named after a registered body id; did you mean "c_h223"?`)
	}
}

func TestGateRefusesACommentByAnUnknownBody(t *testing.T) {
	g := newGitRepo(t, "none", "")
	g.run("", "checkout", "-q", "-b", "commento")
	f := "content/proposals/p1/feedback/c_h224-tempi.md"
	g.write(f, "---\ntitle: Tempi\ndate: 2025-02-20\n---\nTroppo lunghi.\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Commento")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, f+`:1:1: unknown body "c_h224": feedback files are named <body id>-<slug>.md, and the body must be declared in content/bodies/; did you mean "c_h223"?`)
}

func TestGateRefusesASecondVoteOfTheSameBodyOnTheSameItem(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "doppio")
	g.write(reggioVote, "vote: support\n")
	g.write("content/proposals/p1/reactions/c_h223.yml", "vote: support\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Due voti")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/proposals/p1/reactions/c_h223.yml:1:1: c_h223.yaml holds the vote of \"c_h223\" on this item: remove this file")
}

func TestGateRefusesAVoteOnACancelledAction(t *testing.T) {
	g := newGitRepo(t, "author", "")
	a := g.read("content/plan/actions/a1.md")
	g.write("content/plan/actions/a1.md", strings.Replace(a, "status: in-progress", "status: cancelled", 1))
	g.commitAll("2025-02-10T10:00:00Z", anna, "Annullata")
	g.run("", "checkout", "-q", "-b", "voto")
	f := "content/plan/actions/a1/reactions/c_h223.yaml"
	g.write(f, "priority: 5\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Priorità")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, f+":1:1: commit ")
	wantViolation(t, res, err, "the action was cancelled: it takes no votes or priorities")
}

// TestGateAndBuildAgreeOnWhenAnAnswerClosesTheVote: the gate judges by the build's own
// rule, so a vote it lets through on the day of the answer counts once merged that day,
// and one it refuses the day after would not have counted.
func TestGateAndBuildAgreeOnWhenAnAnswerClosesTheVote(t *testing.T) {
	for _, tc := range []struct {
		day     string
		refused bool
	}{{"2025-02-10T15:00:00Z", false}, {"2025-02-11T09:00:00Z", true}} {
		g := newGitRepo(t, "author", "")
		answered(g, "accepted")
		g.run("", "checkout", "-q", "-b", "voto")
		g.write(reggioVote, "vote: support\n")
		g.commitAll(tc.day, marco, "Voto del Comune")
		now, _ := time.Parse(time.RFC3339, tc.day)
		res, err := g.checkMR(now)
		if tc.refused {
			wantViolation(t, res, err, "after the proposal was answered on 2025-02-10")
		} else {
			wantClean(t, res, err)
		}
		g.run("", "checkout", "-q", "main")
		g.run(tc.day, "merge", "-q", "--no-ff", "-m", "Merge branch 'voto'", "voto")
		v := g.vote(reggioVote)
		if tc.refused {
			wantNotCounted(t, v, "closed")
		} else {
			wantCounted(t, v, "author")
		}
	}
}

func TestGateRefusesAVoteOnAnItemThatDoesNotExist(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	f := "content/proposals/p2/reactions/c_h223.yaml"
	g.write(f, "vote: support\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Voto")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, f+`:1:1: unknown item "proposals/p2": there is no content/proposals/p2/index.md or content/proposals/p2.md`)
}
