package generator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// The attacks of issue 15 on `pspm check --base`: hand-built merges, a policy switch,
// forged emails; and what must keep passing.

const mefVote = "content/proposals/p1/reactions/m_ef.yaml"

// forgeAccounts lists forge accounts for Marco (c_h223) and Anna (m_ef) on the target.
const forgeAccounts = `-- content/bodies/c_h223.md --
---
name: Comune di Reggio Emilia
kind: municipality
members:
  - name: Marco Bianchi
    email: marco.bianchi@comune.re.it
    forge: marco-bianchi
---
-- content/bodies/m_ef.md --
---
name: Ministero dell'Economia e delle Finanze
kind: ministry
members:
  - name: Anna Rossi
    email: anna.rossi@mef.gov.it
    forge: AnnaRossi
---
`

// checkAs checks the merge request of the current branch into main, opened by the
// forge account actor ("" for none).
func (g *gitRepo) checkAs(actor string, now time.Time) (*generator.Result, error) {
	g.t.Helper()
	fsys, _ := openSource(g.t, g.dir)
	return generator.CheckChanges(generator.Options{Source: fsys, Dir: g.dir, Actor: actor}, "main", "HEAD", now)
}

// mergeOld commits the index as a merge of HEAD and other, made with git commit-tree
// as an attacker would (no merge machinery), by author, and moves the branch to it.
func (g *gitRepo) mergeOld(date, author, other, msg string) string {
	g.t.Helper()
	g.run(date, "add", "-A")
	tree := g.run(date, "write-tree")
	c := g.runEnv(date, who(author), "commit-tree", tree, "-p", "HEAD", "-p", other, "-m", msg)
	g.run(date, "reset", "-q", c)
	return c
}

// oldMain is a main branch whose first commit has no vote by m_ef, and whose second
// adds it; it returns the first commit.
func oldMain(t *testing.T, policy, overlay string) (*gitRepo, string) {
	g := newGitRepo(t, policy, "-- "+mefVote+" --\nDELETE\n"+overlay)
	old := g.run("", "rev-parse", "HEAD")
	g.write(mefVote, "vote: support\npriority: 4\n")
	g.commitAll("2025-01-10T10:00:00Z", anna, "Il voto del MEF")
	return g, old
}

func TestHandBuiltMergeCannotDeleteAnotherBodysVote(t *testing.T) {
	g, old := oldMain(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	// The merge takes the old commit's side for the MEF's vote: it has none.
	g.remove(mefVote)
	g.mergeOld("2025-02-03T10:00:00Z", marco, old, "Merge")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, mefVote+": this merge request deleted a vote of m_ef, but no commit of it made the change")
	wantViolation(t, res, err, "rebase the request on main without merging old commits")
	if strings.Contains(res.Diagnostics.Errors().Format(), reggioVote) {
		t.Errorf("Marco's own vote was refused:\n%s", res.Diagnostics.Format())
	}
}

func TestHandBuiltMergeCannotRestoreAWithdrawnVote(t *testing.T) {
	g := newGitRepo(t, "author", "")
	cast := g.run("", "rev-parse", "HEAD")
	g.remove(mefVote)
	g.commitAll("2025-02-01T10:00:00Z", anna, "Il MEF ritira il voto")
	for _, by := range []string{marco, anna} { // not even a member of m_ef may bring it back so
		g.run("", "checkout", "-q", "main")
		g.run("", "checkout", "-q", "-B", "ritorno")
		g.run("", "checkout", cast, "--", mefVote)
		g.mergeOld("2025-02-03T10:00:00Z", by, cast, "Merge")
		res, err := g.checkMR(during)
		wantViolation(t, res, err, mefVote+":1:1: this merge request added a vote of m_ef, but no commit of it made the change: commit")
	}
}

func TestMergeRequestCannotSwitchThePolicyOff(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "nessuna-regola")
	g.write("pspm.yaml", strings.Replace(g.read("pspm.yaml"), "policy: author", "policy: none", 1))
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Niente controlli")
	res, err := g.checkMR(during)
	// The switch itself is the plan owner's, and the vote is judged under the target's
	// policy, author.
	wantViolation(t, res, err, "pspm.yaml:1:1: commit")
	wantViolation(t, res, err, "changed a file of the portal's configuration or theme, but eve@example.org is not the email of a member of m_ef")
	wantViolation(t, res, err, reggioVote+":1:1: commit")
	if w := res.Diagnostics.Warnings().Format(); strings.Contains(w, "votes.policy is none") {
		t.Errorf("the check took the request's policy:\n%s", w)
	}
}

func TestForgedEmailPassesWithoutActorButNotWithIt(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts)
	g.run("", "checkout", "-q", "-b", "falso")
	g.write(reggioVote, "vote: oppose\n")
	// Eve commits with Marco's address: Git does not authenticate it.
	g.commitAs("2025-02-03T09:00:00Z", marco, "Voto falso")
	res, err := g.checkAs("", during)
	wantClean(t, res, err) // what policy author alone can tell

	res, err = g.checkAs("eve", during)
	wantViolation(t, res, err, reggioVote+":1:1: this merge request added a vote of c_h223, but the forge account eve that opened it is not a member of c_h223")

	// Marco's own account passes, whatever the case of the name.
	res, err = g.checkAs("Marco-Bianchi", during)
	wantClean(t, res, err)

	// A member of another body does not.
	res, err = g.checkAs("AnnaRossi", during)
	wantViolation(t, res, err, "the forge account AnnaRossi that opened it is not a member of c_h223")
}

func TestActorMustBeAPlanOwnerMemberForOwnerFiles(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts)
	g.run("", "checkout", "-q", "-b", "tema")
	g.write("pspm.yaml", g.read("pspm.yaml")+"description: Nuova\n")
	g.commitAll("2025-02-03T09:00:00Z", anna, "Descrizione")
	res, err := g.checkAs("marco-bianchi", during)
	wantViolation(t, res, err, "pspm.yaml:1:1: this merge request changed a file of the portal's configuration or theme, but the forge account marco-bianchi that opened it is not a member of m_ef")
	res, err = g.checkAs("annarossi", during)
	wantClean(t, res, err)
}

func TestActorIsCheckedEvenUnderPolicyNone(t *testing.T) {
	g := newGitRepo(t, "none", forgeAccounts)
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAs("2025-02-03T09:00:00Z", eve, "Voto")
	res, err := g.checkAs("eve", during)
	wantViolation(t, res, err, "the forge account eve that opened it is not a member of c_h223")
	res, err = g.checkAs("marco-bianchi", during)
	wantClean(t, res, err)
}

func TestChangeMadeAndUndoneWithinTheRequestIsNotCharged(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	before := g.read(mefVote)
	g.write(mefVote, "vote: oppose\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Oops, the wrong file")
	g.write(mefVote, before)
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:05:00Z", marco, "Voto del Comune")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestMergeRequestBehindItsTargetIsNotChargedWithTheTargetsLaterChanges(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	// The plan owner changes the plan and withdraws its vote on main after the branch
	// point; the request is not rebased.
	g.run("", "checkout", "-q", "main")
	g.write("content/plan/actions/a1.md", strings.Replace(g.read("content/plan/actions/a1.md"), "progress: 40", "progress: 50", 1))
	g.remove(mefVote)
	g.commitAll("2025-02-04T09:00:00Z", anna, "Avanzamento")
	g.run("", "checkout", "-q", "voto")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestOwnRegistrationIsJudgedUnderTheTargetsRules(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts)
	g.run("", "checkout", "-q", "-b", "iscrizione")
	b := g.read("content/bodies/c_h223.md")
	g.write("content/bodies/c_h223.md", strings.Replace(b, "members:\n", "members:\n  - name: Giulia Neri\n    email: giulia.neri@comune.re.it\n    forge: giulia-neri\n", 1))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Una collega")
	// A body may edit its own registration...
	res, err := g.checkAs("marco-bianchi", during)
	wantClean(t, res, err)
	// ...but not by the account it is adding.
	res, err = g.checkAs("giulia-neri", during)
	wantViolation(t, res, err, "content/bodies/c_h223.md:1:1: this merge request changed the registration of a body, but the forge account giulia-neri")
}

func TestVotesRecordTheMergeRequestThatLandedThem(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	g.run("", "checkout", "-q", "main")
	g.run("2025-02-04T09:00:00Z", "merge", "-q", "--no-ff", "-m", "Merge branch 'voto' into 'main'\n\nVoto del Comune\n\nSee merge request pa/portale!34", "voto")
	votes, res, out := g.build()
	if page := string(out.Files()["proposals/p1/index.html"]); !strings.Contains(page, "Git non autentica") {
		t.Errorf("the proposal's page does not say the author's email is not authenticated")
	}
	if got := votes[reggioVote]["merge_request"]; got != "pa/portale!34" {
		t.Errorf("merge_request of %s = %v, want pa/portale!34", reggioVote, got)
	}
	if got := votes[mefVote]["merge_request"]; got != "" {
		t.Errorf("merge_request of a vote committed on main = %v, want empty", got)
	}
	tr, err := generator.Audit(res, "proposals/p1")
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	if err := tr.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "pa/portale!34") || !strings.Contains(text.String(), "MERGE REQUEST") {
		t.Errorf("the audit does not name the merge request:\n%s", text.String())
	}
}

func TestMemberForgeAccountIsValidated(t *testing.T) {
	res, err := generator.Check(generator.Options{Source: sitetest.Site(sitetest.Minimal, `-- content/bodies/c_h223.md --
---
name: Comune di Reggio Emilia
members:
  - name: Marco Bianchi
    email: marco.bianchi@comune.re.it
    forge: "@marco bianchi"
  - name: Giulia Neri
    email: giulia.neri@comune.re.it
    forge: Giulia-Neri
  - name: Giulia Neri (bis)
    email: giulia.bis@comune.re.it
    forge: giulia-neri
---
`)})
	if err == nil {
		t.Fatalf("the check passed with bad forge accounts")
	}
	got := res.Diagnostics.Errors().Format()
	for _, want := range []string{
		`content/bodies/c_h223.md:6:12: members[0].forge "@marco bianchi" is not a forge account name`,
		`content/bodies/c_h223.md:12:12: members[2].forge "giulia-neri" is listed twice`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("no error %q; got:\n%s", want, got)
		}
	}
}

func TestAmendmentBehindTheOwnersAnswerIsNotChargedWithTheAnswer(t *testing.T) {
	g := newGitRepo(t, "author", "")
	p := g.read("content/proposals/p1/index.md")
	g.run("", "checkout", "-q", "-b", "testo")
	g.write("content/proposals/p1/index.md", p+"\nUn paragrafo in più.\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Emendamento")
	// The plan owner answers on main after the branch point; the request is not rebased,
	// and a three-way merge keeps both.
	g.run("", "checkout", "-q", "main")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: accepted", 1))
	g.commitAll("2025-02-04T09:00:00Z", anna, "Risposta")
	g.run("", "checkout", "-q", "testo")
	res, err := g.checkMR(during)
	wantClean(t, res, err)

	// Changing the status in the request itself is still the owner's.
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: rejected", 1)+"\nUn paragrafo in più.\n")
	g.commitAll("2025-02-05T09:00:00Z", marco, "Mi rifiuto da solo")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "the official status or answer of a proposal")
}

// TestVoteCommittedInTheMaintainersNameIsRefusedWithActor: landed by fast-forward, a
// commit keeps the committer and date it says, and a committer who is a maintainer
// times the vote. A member of a body who commits a vote in Anna's name (the plan
// owner's maintainer), dated inside the phase, is refused when the forge says the
// request is his; Anna's own request, or his vote committed as himself, passes.
func TestVoteCommittedInTheMaintainersNameIsRefusedWithActor(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts)
	g.run("", "checkout", "-q", "-b", "retrodatato")
	g.write(reggioVote, "vote: oppose\n")
	g.run("2025-02-03T09:00:00Z", "add", "-A")
	// run commits as Anna unless told otherwise: the author is Marco, the committer Anna.
	g.runEnv("2025-02-03T09:00:00Z", who(marco), "commit", "-q", "-m", "Voto")
	res, err := g.checkAs("marco-bianchi", during)
	wantViolation(t, res, err, reggioVote+":1:1: commit ")
	wantViolation(t, res, err, "says it was committed by Anna Rossi <anna.rossi@mef.gov.it>, whose commits time votes as the maintainers', while the forge account marco-bianchi")

	// Committed as himself, the same vote passes.
	g.run("", "reset", "-q", "--soft", "HEAD~1")
	g.commitAs("2025-02-03T09:00:00Z", marco, "Voto")
	res, err = g.checkAs("marco-bianchi", during)
	wantClean(t, res, err)
}

// commitAs commits every change as person, author and committer both, as a contributor
// commits on a branch of their own, and returns the commit's hash.
func (g *gitRepo) commitAs(date, person, msg string) string {
	g.t.Helper()
	name, email, _ := strings.Cut(person, " <")
	g.run(date, "add", "-A")
	g.runEnv(date, append(who(person), "GIT_COMMITTER_NAME="+name, "GIT_COMMITTER_EMAIL="+strings.TrimSuffix(email, ">")),
		"commit", "-q", "--allow-empty", "-m", msg)
	return g.run(date, "rev-parse", "HEAD")
}
