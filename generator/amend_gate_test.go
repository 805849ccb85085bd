package generator_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
)

// The rules of amendments at `pspm check --base`: a body proposes a change to an item it
// does not own; only it edits or withdraws it; only the item's owners answer it, in
// <body>-<slug>/answer.md: accepting it by applying it in the same merge request, or
// rejecting it, with a text; nothing is deleted.

const (
	amendFile = "content/plan/actions/a1/amendments/c_h223-tempi.md"
	amendVote = "content/plan/actions/a1/amendments/c_h223-tempi/reactions/r_080.yaml"
	a1File    = "content/plan/actions/a1.md"
)

// amendment is c_h223's amendment to a1 (owned by the plan owner, m_ef), in state with
// the extra lines of front matter.
func amendment(state, extra string) string {
	return "---\ntitle: Azione uno, in tempi certi\nreason: I tempi attuali non bastano ai comuni.\ndate: 2025-02-01\n" +
		"fields:\n  - name: due\n    value: 2026-06-30\nstate: " + state + "\n" + extra + "---\nTesto proposto dell'azione.\n"
}

// amendedA1 is a1 as the amendment proposes it.
const amendedA1 = `---
title: Azione uno, in tempi certi
objective: o1
status: in-progress
progress: 40
start: 2025-01-01
due: 2026-06-30
---
Testo proposto dell'azione.
`

// request commits files (a name, then its data, for each) on a new branch, by author at
// date with msg, and checks the merge request of the branch at now.
func (g *gitRepo) request(branch string, now time.Time, date, author, msg string, files ...string) (*generator.Result, error) {
	g.run("", "checkout", "-q", "-b", branch)
	for i := 0; i+1 < len(files); i += 2 {
		g.write(files[i], files[i+1])
	}
	g.commitAll(date, author, msg)
	return g.checkMR(now)
}

// recommit makes the request's last commit again, by author at date with msg, and checks
// the request during the phase: the same change by someone else.
func (g *gitRepo) recommit(date, author, msg string) (*generator.Result, error) {
	g.run("", "reset", "-q", "--soft", "HEAD~1")
	g.commitAll(date, author, msg)
	return g.checkMR(during)
}

// proposed is a repository whose main branch holds c_h223's open amendment to a1,
// proposed by Marco on 2025-02-01.
func proposed(t *testing.T) *gitRepo {
	g := newGitRepo(t, "author", "")
	g.write(amendFile, amendment("open", ""))
	g.commitAll("2025-02-01T10:00:00Z", marco, "Emendamento del Comune")
	return g
}

func TestGateLetsABodyProposeAnAmendmentToAnItemItDoesNotOwn(t *testing.T) {
	g := newGitRepo(t, "author", "")
	res, err := g.request("emendamento", during, "2025-02-03T09:00:00Z", marco, "Emendamento", amendFile, amendment("open", ""))
	wantClean(t, res, err)
}

func TestGateRefusesAnAmendmentByTheItemsOwner(t *testing.T) {
	g := newGitRepo(t, "author", "")
	res, err := g.request("emendamento", during, "2025-02-03T09:00:00Z", anna, "Emendamento del proprietario", "content/plan/actions/a1/amendments/m_ef-tempi.md", amendment("open", ""))
	// The check of the site as it would land refuses it first, saying why.
	wantViolation(t, res, err, "m_ef owns plan/actions/a1: its owners change the item directly, in content/plan/actions/a1.md")
}

func TestGateRefusesAnAmendmentByANonMember(t *testing.T) {
	g := newGitRepo(t, "author", "")
	res, err := g.request("emendamento", during, "2025-02-03T09:00:00Z", eve, "Emendamento", amendFile, amendment("open", ""))
	wantViolation(t, res, err, amendFile+":1:1: commit ")
	wantViolation(t, res, err, "added an amendment of c_h223, but eve@example.org is not the email of a member of c_h223")
}

func TestGateRefusesAnAmendmentProposedAlreadyAnswered(t *testing.T) {
	g := newGitRepo(t, "author", "")
	res, err := g.request("emendamento", during, "2025-02-03T09:00:00Z", marco, "Emendamento accolto da sé", amendFile, amendment("accepted", "answer: {date: 2025-02-03, text: Sì.}\n"))
	wantViolation(t, res, err, amendFile+":8:8: state: accepted is not written in the amendment, which is the proposing body's file (it says open or withdrawn): the item's owner answers in "+amendAnswer)

	// Nor with its answer beside it, whoever writes it.
	g.write(amendFile, amendment("open", ""))
	g.write(amendAnswer, answer("accepted", "m_ef", "Sì.\n"))
	g.commitAll("2025-02-03T10:00:00Z", anna, "E la risposta")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "answers an amendment that the request itself adds")
}

func TestGateRefusesAnAmendmentOutsideEveryPhase(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "emendamento")
	g.write(amendFile, amendment("open", ""))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Emendamento")
	res, err := g.checkMR(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	wantViolation(t, res, err, "added an amendment of c_h223, but no phase of the plan opens feedback now (2025-09-01)")
}

func TestGateRefusesAnotherBodyEditingAnAmendment(t *testing.T) {
	g := proposed(t)
	res, err := g.request("modifica", during, "2025-02-03T09:00:00Z", luca, "Cambio l'emendamento altrui", amendFile, strings.Replace(amendment("open", ""), "2026-06-30", "2028-01-01", 1))
	wantViolation(t, res, err, "changed an amendment of c_h223, but luca.verdi@regione.emilia-romagna.it is not the email of a member of c_h223")

	// Its own body may.
	res, err = g.recommit("2025-02-03T09:00:00Z", marco, "Correggo l'emendamento")
	wantClean(t, res, err)
}

func TestGateLetsTheProposerWithdrawButNotTheOwner(t *testing.T) {
	g := proposed(t)
	res, err := g.request("ritiro", during, "2025-02-03T09:00:00Z", marco, "Ritiro", amendFile, amendment("withdrawn", ""))
	wantClean(t, res, err)

	res, err = g.recommit("2025-02-03T09:00:00Z", anna, "Ritiro altrui")
	wantViolation(t, res, err, "the withdrawal of an amendment of c_h223, but anna.rossi@mef.gov.it is not the email of a member of c_h223")
}

func TestGateRefusesAProposerAcceptingItsOwnAmendment(t *testing.T) {
	g := proposed(t)
	res, err := g.request("accolgo", during, "2025-02-03T09:00:00Z", marco, "Mi accolgo da solo", amendAnswer, answer("accepted", "m_ef", "Accolto.\n"), a1File, amendedA1)
	wantViolation(t, res, err, amendAnswer+":1:1: commit ")
	wantViolation(t, res, err, "the acceptance of an amendment of c_h223 (the item's owners'), but marco.bianchi@comune.re.it is not the email of a member of m_ef")
	wantViolation(t, res, err, a1File+":1:1: commit ")

	// Nor in its own name: c_h223 does not own a1.
	g.write(amendAnswer, answer("accepted", "c_h223", "Accolto.\n"))
	g.commitAll("2025-02-03T10:00:00Z", marco, "Mi accolgo a nome mio")
	res, err = g.checkMR(during)
	// The check of the site as it would land refuses it first, saying why.
	wantViolation(t, res, err, amendAnswer+":4:7: c_h223 does not own plan/actions/a1: only its owners (m_ef) answer its amendments")
}

func TestGateRefusesTheProposerWritingTheAnswerInItsOwnFile(t *testing.T) {
	g := proposed(t)
	res, err := g.request("accolgo", during, "2025-02-03T09:00:00Z", anna, "Accolto alla vecchia maniera", amendFile, amendment("accepted", "answer: {date: 2025-02-03, text: Accolto.}\n"), a1File, amendedA1)
	wantViolation(t, res, err, "the item's owner answers in "+amendAnswer)
}

func TestGateRefusesAcceptingAnAmendmentWithoutApplyingIt(t *testing.T) {
	g := proposed(t)
	res, err := g.request("accolgo", during, "2025-02-03T09:00:00Z", anna, "Accolto", amendAnswer, answer("accepted", "m_ef", "Accolto.\n"))
	wantViolation(t, res, err, "accepts an amendment of c_h223, but the item does not carry what it proposes: the title")
	wantViolation(t, res, err, `due ("2026-06-30", not "2025-12-31")`)
	wantViolation(t, res, err, "change content/plan/actions/a1.md to the proposed text in the same merge request")
}

func TestGateLetsTheOwnerAcceptAnAmendmentByApplyingIt(t *testing.T) {
	g := proposed(t)
	res, err := g.request("accolgo", during, "2025-02-03T09:00:00Z", anna, "Accolto e applicato", amendAnswer, answer("accepted", "m_ef", "Accolto.\n"), a1File, amendedA1)
	wantClean(t, res, err)
}

func TestGateRefusesTheOwnerChangingAnAmendmentItAccepts(t *testing.T) {
	g := proposed(t)
	res, err := g.request("accolgo", during, "2025-02-03T09:00:00Z", anna, "Accolto, ma a modo mio", amendFile, strings.Replace(amendment("open", ""), "2026-06-30", "2025-12-31", 1), amendAnswer, answer("accepted", "m_ef", "Accolto.\n"))
	wantViolation(t, res, err, "changes an amendment of c_h223 (its body's to do) in the merge request that answers it (the item's owners', in "+amendAnswer+")")
}

func TestGateRefusesARejectionWithoutAnAnswer(t *testing.T) {
	g := proposed(t)
	res, err := g.request("respingo", during, "2025-02-03T09:00:00Z", anna, "Respinto", amendAnswer, answer("rejected", "m_ef", ""))
	wantViolation(t, res, err, amendAnswer+":2:8: state is rejected but there is no answer: write after the front matter why the amendment is rejected")

	g.write(amendAnswer, answer("rejected", "m_ef", "Non ci sono le risorse.\n"))
	g.commitAll("2025-02-03T09:00:00Z", anna, "Respinto, con risposta")
	res, err = g.checkMR(during)
	wantClean(t, res, err)
}

func TestGateRefusesDeletingAnAmendment(t *testing.T) {
	for _, by := range []string{anna, marco} {
		g := proposed(t)
		g.run("", "checkout", "-q", "-b", "cancello")
		g.remove(amendFile)
		g.commitAll("2025-02-03T09:00:00Z", by, "Via l'emendamento")
		res, err := g.checkMR(during)
		wantViolation(t, res, err, "deleted an amendment of c_h223: an amendment is never deleted")
	}
}

func TestGateRefusesAVoteOnARejectedAmendment(t *testing.T) {
	g := proposed(t)
	g.write(amendAnswer, strings.Replace(answer("rejected", "m_ef", "Non ci sono le risorse.\n"), "2025-02-03", "2025-02-10", 1))
	g.commitAll("2025-02-10T10:00:00Z", anna, "Respinto")
	res, err := g.request("voto", during, "2025-02-20T09:00:00Z", luca, "Voto della Regione", amendVote, "vote: support\n")
	wantViolation(t, res, err, amendVote+":1:1: commit ")
	wantViolation(t, res, err, "added a vote of r_080 on an amendment on plan/actions/a1/amendments/c_h223-tempi, but it would never count: it would land on 2025-03-01T12:00:00Z, after the amendment was rejected on 2025-02-10")
}

func TestGateLetsAVoteOnAnOpenAmendment(t *testing.T) {
	g := proposed(t)
	res, err := g.request("voto", during, "2025-02-20T09:00:00Z", luca, "Voto della Regione", amendVote, "vote: support\n")
	wantClean(t, res, err)

	// Not in the name of another body.
	res, err = g.recommit("2025-02-20T09:00:00Z", marco, "Voto altrui")
	wantViolation(t, res, err, "added a vote of r_080 on an amendment, but marco.bianchi@comune.re.it is not the email of a member of r_080")
}

func TestAmendmentIsSupersededWhenItsItemChangesAfterIt(t *testing.T) {
	g := proposed(t)
	g.write(amendVote, "vote: support\n")
	g.commitAll("2025-02-02T10:00:00Z", luca, "Voto prima")
	a1 := g.read(a1File)
	g.write(a1File, strings.Replace(a1, "progress: 40", "progress: 60", 1))
	changed := g.commitAll("2025-02-05T10:00:00Z", anna, "Avanzamento")
	g.write("content/plan/actions/a1/amendments/c_h223-tempi/reactions/m_ef.yaml", "vote: oppose\n")
	g.commitAll("2025-02-06T10:00:00Z", anna, "Voto dopo")
	votes, res, _ := g.build()
	a := res.Site.Amendments[0]
	if a.Status != "superseded" || a.SupersededBy == nil || a.SupersededBy.Commit != changed {
		t.Fatalf("status %q, superseded by %+v; want superseded by %s", a.Status, a.SupersededBy, changed)
	}
	if !a.Counted {
		t.Errorf("the amendment itself does not count: %s", a.Detail)
	}
	wantCounted(t, votes[amendVote], "author")
	wantNotCounted(t, votes["content/plan/actions/a1/amendments/c_h223-tempi/reactions/m_ef.yaml"], "closed")
	if a.Tally.Support != 1 || a.Tally.Oppose != 0 {
		t.Errorf("tally %+v", a.Tally)
	}
	if votes[amendVote]["item"] != "plan/actions/a1/amendments/c_h223-tempi" {
		t.Errorf("votes.json gives the vote on the amendment the item %v", votes[amendVote]["item"])
	}

	if tr, err := generator.Audit(res, amendFile); err != nil || tr.Item != "plan/actions/a1" {
		t.Errorf("the audit of an amendment's file is not its item's: %v", err)
	}
	tr, err := generator.Audit(res, "plan/actions/a1")
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Votes) != 0 || len(tr.Amendments) != 1 || len(tr.Amendments[0].Votes) != 2 || tr.Amendments[0].SupersededBy != changed {
		t.Fatalf("audit of a1: %d votes on the item, amendments %+v", len(tr.Votes), tr.Amendments)
	}
	var text strings.Builder
	if err := tr.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Amendments (1)", "c_h223-tempi  superseded  counted", "superseded: the item changed in commit " + changed[:10],
		"    Votes (2 reaction files)", "    r_080  support", "    m_ef   oppose", "reactions/m_ef.yaml: the vote landed on 2025-02-06T10:00:00Z, after the item changed"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("the audit does not say %q:\n%s", want, text.String())
		}
	}
}

func TestAmendmentIsNotSupersededByItsOwnAcceptance(t *testing.T) {
	g := proposed(t)
	g.write(amendAnswer, answer("accepted", "m_ef", "Accolto.\n"))
	g.write(a1File, amendedA1)
	g.commitAll("2025-02-03T09:00:00Z", anna, "Accolto e applicato")
	g.write(amendVote, "vote: support\n")
	g.commitAll("2025-02-20T09:00:00Z", luca, "Voto tardivo")
	votes, res, _ := g.build()
	if a := res.Site.Amendments[0]; a.Status != "accepted" {
		t.Errorf("status %q, want accepted", a.Status)
	}
	wantNotCounted(t, votes[amendVote], "closed")
}

// amendmentPhases is a plan whose consultation opens comments and votes, and a later
// phase amendments.
const amendmentPhases = `-- content/plan/_index.md --
---
title: Piano di prova
owner: m_ef
phases:
  - name: Consultazione
    from: 2025-01-01
    to: 2025-06-30
    opens: [proposals, feedback, votes]
  - name: Emendamenti
    from: 2025-07-01
    to: 2025-09-30
    opens: [amendments, votes]
---
`

func TestPhaseThatNamesAmendmentsIsTheOnlyOneThatOpensThem(t *testing.T) {
	g := newGitRepo(t, "author", amendmentPhases)
	g.run("", "checkout", "-q", "-b", "emendamento")
	g.write(amendFile, amendment("open", ""))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Emendamento")
	res, err := g.checkMR(during) // feedback is open, amendments are not
	wantViolation(t, res, err, "added an amendment of c_h223, but no phase of the plan opens amendments now (2025-03-01)")
	res, err = g.checkMR(time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC))
	wantClean(t, res, err)

	// Landed during the consultation, it is shown, not counted.
	g.run("", "checkout", "-q", "main")
	g.run("2025-03-01T10:00:00Z", "merge", "-q", "--no-ff", "-m", "Merge", "emendamento")
	_, b, _ := g.build()
	if a := b.Site.Amendments[0]; a.Counted || a.Verdict.Reason != "outside-window" || !strings.Contains(a.Detail, "no phase of the plan opened amendments") {
		t.Errorf("an amendment landed outside the phase of amendments: counted %v, %s: %s", a.Counted, a.Verdict.Reason, a.Detail)
	}
}

func TestPlanOwnerRemovesAnItemWithItsAmendments(t *testing.T) {
	g := proposed(t)
	g.write("content/proposals/p1/index.md", strings.Replace(g.read("content/proposals/p1/index.md"), "targets: [a1]\n", "", 1))
	g.commitAll("2025-02-02T09:00:00Z", anna, "La proposta non riguarda più a1")
	g.run("", "checkout", "-q", "-b", "via")
	g.remove(a1File)
	g.remove(amendFile)
	g.commitAll("2025-02-03T09:00:00Z", marco, "Via l'azione")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "deleted an amendment of c_h223 (on an item the request removes), but marco.bianchi@comune.re.it is not the email of a member of m_ef")

	res, err = g.recommit("2025-02-03T09:00:00Z", anna, "Via l'azione")
	wantClean(t, res, err)
}

// TestSignedAmendmentAndVoteOnItCountAfterASquashMerge: under policy signed, an amendment
// and a vote on it, each signed with a detached signature that names what it is for,
// count whatever commit lands them; the signature of an amendment moved to another item
// does not.
func TestSignedAmendmentAndVoteOnItCountAfterASquashMerge(t *testing.T) {
	g, marcoKey, lucaKey := signedRepo(t)
	g.write(amendFile, "---\ntitle: Un titolo più chiaro\nreason: Più chiaro.\ndate: 2025-02-01\nitem: plan/actions/a1\nbody: c_h223\n---\n")
	g.signFile(marcoKey, amendFile)
	g.write(amendVote, "vote: support\nitem: plan/actions/a1/amendments/c_h223-tempi\nvoter: r_080\ndate: 2025-02-03\n")
	g.signFile(lucaKey, amendVote)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Emendamento e voto (#12)")
	g.land("2025-02-03T09:00:00Z")
	votes, res, out := g.build()
	a := res.Site.Amendments[0]
	if !a.Counted || a.Verification != "signature" {
		t.Errorf("signed amendment: counted %v, %s: %s", a.Counted, a.Verdict.Reason, a.Detail)
	}
	wantCounted(t, votes[amendVote], "signature")
	if j := string(out.Files()["api/v1/amendments.json"]); !strings.Contains(j, `"counted":true,"reason_code":""`) || !strings.Contains(j, `"verification":"signature"`) {
		t.Errorf("amendments.json:\n%s", out.Files()["api/v1/amendments.json"])
	}

	// The same signed file and signature on another item name the wrong item.
	g.write("content/plan/goals/g1/amendments/c_h223-tempi.md", g.read(amendFile))
	g.write("content/plan/goals/g1/amendments/c_h223-tempi.md.sig", g.read(amendFile+".sig"))
	g.commitAll("2025-02-04T09:00:00Z", forge, "Copia (#13)")
	g.land("2025-02-04T09:00:00Z")
	_, res, _ = g.build()
	for _, a := range res.Site.Amendments {
		if a.ItemKey == "plan/goals/g1" && (a.Counted || !strings.Contains(a.Detail, "the file says item: plan/actions/a1")) {
			t.Errorf("a signature copied to another item: counted %v, %s", a.Counted, a.Detail)
		}
	}
}

func TestGateLetsASignedAmendmentInFromTheForgesEditor(t *testing.T) {
	g, marcoKey, lucaKey := signedRepo(t)
	g.run("", "checkout", "-q", "-b", "emendamento")
	g.write(amendFile, "---\ntitle: Un titolo più chiaro\nreason: Più chiaro.\ndate: 2025-02-01\nitem: plan/actions/a1\nbody: c_h223\n---\n")
	g.signFile(marcoKey, amendFile)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Emendamento")
	res, err := g.checkMR(during)
	wantClean(t, res, err)

	// Signed by another body's key, it is refused.
	g.signFile(lucaKey, amendFile)
	g.commitAll("2025-02-03T10:00:00Z", forge, "Firma sbagliata")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "added an amendment of c_h223, but it is not signed")
}

func TestGateChecksTheForgeAccountOfWhoAnswersAnAmendment(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts)
	g.write(amendFile, amendment("open", ""))
	g.commitAll("2025-02-01T10:00:00Z", marco, "Emendamento del Comune")
	g.run("", "checkout", "-q", "-b", "respingo")
	g.write(amendAnswer, answer("rejected", "m_ef", "Non ci sono le risorse.\n"))
	g.commitAs("2025-02-03T09:00:00Z", anna, "Respinto")
	res, err := g.checkAs("marco-bianchi", during) // Anna's email, Marco's account
	wantViolation(t, res, err, "the rejection of an amendment of c_h223 (the item's owners'), but the forge account marco-bianchi that opened it is not a member of m_ef")
	res, err = g.checkAs("AnnaRossi", during)
	wantClean(t, res, err)
}

// rejectedAmendment is proposed(t) with m_ef's answer rejecting the amendment on main.
func rejectedAmendment(t *testing.T) *gitRepo {
	g := proposed(t)
	g.write(amendAnswer, answer("rejected", "m_ef", "Non ci sono le risorse.\n"))
	g.commitAll("2025-02-03T09:00:00Z", anna, "Respinto")
	return g
}

func TestGateRefusesWithdrawingOrEditingAnAnsweredAmendment(t *testing.T) {
	g := rejectedAmendment(t)
	res, err := g.request("ritiro", during, "2025-02-04T09:00:00Z", marco, "Ritiro dopo la risposta", amendFile, amendment("withdrawn", ""))
	wantViolation(t, res, err, amendAnswer+":1:1: c_h223 withdrew the amendment (state: withdrawn in "+amendFile+"): a withdrawn amendment is not answered, and an answered one is not withdrawn")

	g.write(amendFile, strings.Replace(amendment("open", ""), "2026-06-30", "2027-01-01", 1))
	g.commitAll("2025-02-04T10:00:00Z", marco, "Modifica dopo la risposta")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "changed an amendment of c_h223, but its owners answered it ("+amendAnswer+"): an answered amendment is no longer edited nor withdrawn")
}

func TestGateRefusesAnsweringAWithdrawnAmendment(t *testing.T) {
	g := proposed(t)
	g.write(amendFile, amendment("withdrawn", ""))
	g.commitAll("2025-02-02T09:00:00Z", marco, "Ritiro")
	res, err := g.request("respingo", during, "2025-02-03T09:00:00Z", anna, "Respinto", amendAnswer, answer("rejected", "m_ef", "Non ci sono le risorse.\n"))
	wantViolation(t, res, err, "c_h223 withdrew the amendment (state: withdrawn in "+amendFile+"): a withdrawn amendment is not answered")
}

func TestGateRefusesDeletingOrTurningAnAnswer(t *testing.T) {
	g := rejectedAmendment(t)
	g.run("", "checkout", "-q", "-b", "cancello")
	g.remove(amendAnswer)
	g.commitAll("2025-02-04T09:00:00Z", anna, "Via la risposta")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "deleted the answer to an amendment of c_h223: an answer is never deleted")

	g.write(amendAnswer, answer("accepted", "m_ef", "Ci abbiamo ripensato.\n"))
	g.write(a1File, amendedA1)
	g.commitAll("2025-02-04T10:00:00Z", anna, "Accolto dopo averlo respinto")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "changes the answer to an amendment of c_h223 from rejected to accepted: an answer is final")
}

func TestGateLetsTheOwnerSignAnAnswerFromTheForgesEditor(t *testing.T) {
	g, marcoKey, lucaKey := signedRepo(t)
	g.write(amendFile, "---\ntitle: Un titolo più chiaro\nreason: Più chiaro.\ndate: 2025-02-01\nitem: plan/actions/a1\nbody: c_h223\n---\n")
	g.signFile(marcoKey, amendFile)
	g.commitAll("2025-02-02T09:00:00Z", forge, "Emendamento (#12)")
	g.land("2025-02-02T09:00:00Z")
	g.run("", "checkout", "-q", "-b", "risposta")
	g.write(amendAnswer, "---\nstate: rejected\ndate: 2025-02-03\nbody: m_ef\nitem: plan/actions/a1/amendments/c_h223-tempi\n---\nIl titolo resta.\n")
	g.signFile(g.ownerKey, amendAnswer)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Risposta")
	res, err := g.checkMR(during)
	wantClean(t, res, err)

	g.signFile(lucaKey, amendAnswer)
	g.commitAll("2025-02-03T10:00:00Z", forge, "Firma altrui")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "the rejection of an amendment of c_h223 (the item's owners'), but it is not signed")
}
