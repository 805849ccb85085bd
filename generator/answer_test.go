package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// The owner of an item answers an amendment in a file of its own,
// <item>/amendments/<body>-<slug>/answer.md: the proposer's file keeps one author body,
// so it still counts once answered, and its detached signature still matches.

const amendAnswer = "content/plan/actions/a1/amendments/c_h223-tempi/answer.md"

// answer is the answer of body to c_h223's amendment to a1, in state, with the text.
func answer(state, body, text string) string {
	return "---\nstate: " + state + "\ndate: 2025-02-03\nbody: " + body + "\n---\n" + text
}

func TestAnswerByANonMemberOfAnOwnerLeavesTheAmendmentOpen(t *testing.T) {
	g := proposed(t)
	// Marco writes m_ef's answer on a branch, and a hand-built merge lands it: no gate
	// stopped it.
	g.run("", "checkout", "-q", "-b", "risposta")
	g.write(amendAnswer, answer("accepted", "m_ef", "Accolto.\n"))
	branch := g.commitAll("2025-02-03T09:00:00Z", marco, "Accolto (da chi non può)")
	g.handMerge("2025-02-03T10:00:00Z", anna, "main", g.run("", "rev-parse", "main"), branch)
	g.write(amendVote, "vote: support\n")
	g.commitAll("2025-02-04T09:00:00Z", luca, "Voto dopo la risposta")
	votes, res, out := g.build()
	a := res.Site.Amendments[0]
	if a.State == "accepted" || a.Status == "accepted" || a.Answer.Text != "" {
		t.Errorf("an answer by a non-member answered the amendment: state %q, status %q, answer %q", a.State, a.Status, a.Answer.Text)
	}
	if !a.Counted {
		t.Errorf("the proposer's amendment does not count: %s: %s", a.Verdict.Reason, a.Detail)
	}
	ans := a.AnswerFile
	if ans == nil || ans.Counted || ans.Applied || ans.Verdict.Reason != "not-member" || !strings.Contains(ans.Detail, "commit "+branch[:10]) || !strings.Contains(ans.Detail, "who is not a member of m_ef") {
		t.Fatalf("the answer by a non-member: %+v", ans)
	}
	wantCounted(t, votes[amendVote], "author")
	if a.Tally.Support != 1 {
		t.Errorf("tally %+v, want the vote after the uncounted answer counted", a.Tally)
	}
	page := string(out.Files()["plan/actions/a1/index.html"])
	if !strings.Contains(page, "Accolto.") || !strings.Contains(page, "answer-not-counted") {
		t.Errorf("the item page does not show the answer as not counted")
	}
	if j := string(out.Files()["api/v1/amendments.json"]); !strings.Contains(j, `"answer_counted":false`) {
		t.Errorf("amendments.json does not say the answer does not count:\n%s", j)
	}
}

func TestOwnersAnswerFileAcceptsAnAmendmentThatStillCounts(t *testing.T) {
	g := proposed(t)
	g.write(amendVote, "vote: support\n")
	g.commitAll("2025-02-02T09:00:00Z", luca, "Voto prima della risposta")
	g.write(amendAnswer, answer("accepted", "m_ef", "Accolto.\n"))
	g.write(a1File, amendedA1)
	accepted := g.commitAll("2025-02-03T09:00:00Z", anna, "Accolto e applicato")
	late := "content/plan/actions/a1/amendments/c_h223-tempi/reactions/m_ef.yaml"
	g.write(late, "vote: oppose\n")
	g.commitAll("2025-02-03T18:00:00Z", anna, "Voto dopo la risposta")
	votes, res, out := g.build()
	a := res.Site.Amendments[0]
	if !a.Counted || a.Verification != "author" || a.Signer != "marco.bianchi@comune.re.it" {
		t.Errorf("the answered amendment: counted %v (%s: %s), verified %s by %s; want counted, by Marco", a.Counted, a.Verdict.Reason, a.Detail, a.Verification, a.Signer)
	}
	if a.State != "accepted" || a.Status != "accepted" || a.Answer.Text != "Accolto." || a.Answer.Date.Format("2006-01-02") != "2025-02-03" {
		t.Errorf("state %q, status %q, answer %+v; want accepted by the answer", a.State, a.Status, a.Answer)
	}
	if ans := a.AnswerFile; ans == nil || !ans.Counted || !ans.Applied || ans.Signer != "anna.rossi@mef.gov.it" || ans.Origin == nil || ans.Origin.Commit != accepted {
		t.Errorf("the answer: %+v", ans)
	}
	wantCounted(t, votes[amendVote], "author")
	// Votes close when the answer lands, not at the end of its day.
	wantNotCounted(t, votes[late], "closed")
	if d, _ := votes[late]["detail"].(string); !strings.Contains(d, "its answer landed on 2025-02-03T09:00:00Z") {
		t.Errorf("the late vote's detail: %s", d)
	}
	if j := string(out.Files()["api/v1/amendments.json"]); !strings.Contains(j, `"answer_counted":true`) || !strings.Contains(j, `"text":"Accolto.","body":"m_ef","counted":true`) {
		t.Errorf("amendments.json:\n%s", j)
	}
	if c := string(out.Files()["api/v1/amendments.csv"]); !strings.Contains(c, "answer_counted") || !strings.Contains(c, ";Accolto.;m_ef;true;") {
		t.Errorf("amendments.csv:\n%s", c)
	}
	tr, err := generator.Audit(res, amendAnswer)
	if err != nil || len(tr.Amendments) != 1 || tr.Amendments[0].Answer == nil || tr.Amendments[0].Answer.Commit != accepted {
		t.Fatalf("the audit of the answer's file: %v %+v", err, tr)
	}
	var text strings.Builder
	if err := tr.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if want := "Answer  2025-02-03  accepted by m_ef  counted  commit " + accepted[:10] + "  landed 2025-02-03T09:00:00Z"; !strings.Contains(text.String(), want) {
		t.Errorf("the audit does not say %q:\n%s", want, text.String())
	}
}

func TestAnswerByABodyThatDoesNotOwnTheItemDoesNotAnswer(t *testing.T) {
	g := proposed(t)
	g.write(amendAnswer, answer("rejected", "r_080", "No.\n"))
	g.commitAll("2025-02-03T09:00:00Z", luca, "Respinto da chi non è proprietario")
	_, res, _ := g.build()
	a := res.Site.Amendments[0]
	if a.State != "open" || a.AnswerFile.Counted || !strings.Contains(a.AnswerFile.Detail, "r_080 does not own plan/actions/a1: only its owners (m_ef) answer its amendments") {
		t.Errorf("state %q; answer counted %v: %s", a.State, a.AnswerFile.Counted, a.AnswerFile.Detail)
	}
	if !strings.Contains(res.Diagnostics.Format(), amendAnswer+":4:7: warning: r_080 does not own plan/actions/a1") {
		t.Errorf("the build does not warn at the answer's body:\n%s", res.Diagnostics.Format())
	}
}

func TestProposerCannotWriteTheAnswerInItsOwnFile(t *testing.T) {
	g := proposed(t)
	g.write(amendFile, amendment("accepted", "answer: {date: 2025-02-03, text: Accolto.}\n"))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Mi accolgo")
	_, res, _ := g.build()
	a := res.Site.Amendments[0]
	if a.Counted || a.Verdict.Reason != "malformed" || a.State == "accepted" {
		t.Errorf("a proposer's file that says accepted: counted %v, %s, state %q", a.Counted, a.Verdict.Reason, a.State)
	}
	d := res.Diagnostics.Format()
	for _, want := range []string{
		amendFile + ":8:8: warning: state: accepted is not written in the amendment, which is the proposing body's file (it says open or withdrawn): the item's owner answers in " + amendAnswer,
		amendFile + ":9:9: warning: answer: is not written in the amendment",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("the build does not say %q:\n%s", want, d)
		}
	}
}

// TestSignedAmendmentStillCountsOnceAnsweredByTheOwner: under policy signed, the
// proposer's detached signature still matches its file once the owner answered, in a
// file of its own signed with the owner's key.
func TestSignedAmendmentStillCountsOnceAnsweredByTheOwner(t *testing.T) {
	g, marcoKey, lucaKey := signedRepo(t)
	g.write(amendFile, "---\ntitle: Un titolo più chiaro\nreason: Più chiaro.\ndate: 2025-02-01\nitem: plan/actions/a1\nbody: c_h223\n---\n")
	g.signFile(marcoKey, amendFile)
	g.commitAll("2025-02-02T09:00:00Z", forge, "Emendamento (#12)")
	g.land("2025-02-02T09:00:00Z")

	g.write(amendAnswer, "---\nstate: rejected\ndate: 2025-02-03\nbody: m_ef\nitem: plan/actions/a1/amendments/c_h223-tempi\n---\nIl titolo resta.\n")
	g.signFile(g.ownerKey, amendAnswer)
	g.commitAll("2025-02-03T09:00:00Z", forge, "Risposta (#13)")
	g.land("2025-02-03T09:00:00Z")
	_, res, _ := g.build()
	a := res.Site.Amendments[0]
	if !a.Counted || a.Verification != "signature" {
		t.Errorf("the signed amendment, answered: counted %v, %s: %s", a.Counted, a.Verdict.Reason, a.Detail)
	}
	if a.State != "rejected" || !a.AnswerFile.Counted || a.AnswerFile.Verification != "signature" {
		t.Errorf("state %q, answer counted %v (%s: %s)", a.State, a.AnswerFile.Counted, a.AnswerFile.Verdict.Reason, a.AnswerFile.Detail)
	}

	// The same answer signed by another body's member is not the owner's.
	g.signFile(lucaKey, amendAnswer)
	g.commitAll("2025-02-04T09:00:00Z", forge, "Firma altrui (#14)")
	g.land("2025-02-04T09:00:00Z")
	_, res, _ = g.build()
	if a := res.Site.Amendments[0]; a.State != "open" || a.AnswerFile.Counted {
		t.Errorf("an answer signed by a non-owner: state %q, answer counted %v", a.State, a.AnswerFile.Counted)
	}
}

// answerProblem checks the site of amendmentA1 with its owner's answer file, and wants
// the answer not counted with a detail containing want, the amendment still open, and
// `pspm check` to fail on it.
func answerProblem(t *testing.T, extra, file, want string) {
	t.Helper()
	const path = "content/plan/actions/a1/amendments/c_h223-tempi/answer.md"
	b := sitetest.Run(t, amendmentA1+extra+"-- "+path+" --\n"+file).OK()
	a := b.Result.Site.Amendments[0]
	if a.AnswerFile == nil {
		t.Fatalf("%s was dropped: an answer is always kept", path)
	}
	if ans := a.AnswerFile; ans.Counted || ans.Applied || !strings.Contains(ans.Detail, want) || a.State == "accepted" || a.State == "rejected" {
		t.Errorf("answer counted %v, detail %q, amendment %s; want not counted saying %q, the amendment not answered", ans.Counted, ans.Detail, a.State, want)
	}
	c := sitetest.Check(t, amendmentA1+extra+"-- "+path+" --\n"+file)
	if c.Err == nil || !strings.Contains(c.Result.Diagnostics.Errors().Format(), want) {
		t.Errorf("pspm check does not refuse it saying %q:\n%s", want, c.Result.Diagnostics.Format())
	}
}

func TestAnswerProblemsAreShownNotDropped(t *testing.T) {
	answerProblem(t, "", "---\nstate: rejected\ndate: 2025-03-01\nbody: m_ef\n---\n", "state is rejected but there is no answer: write after the front matter why")
	answerProblem(t, "", "---\nstate: accepted\ndate: 2025-03-01\nbody: m_eff\n---\n", `unknown body "m_eff"`)
	answerProblem(t, "", "---\nstate: accepted\ndate: 2025-03-01\nbody: c_h223\n---\n", "c_h223 does not own plan/actions/a1: only its owners (m_ef) answer its amendments")
	answerProblem(t, "", "---\nstate: accepted\ndate: 2025-03-01\n---\n", "body")
	answerProblem(t, "", "---\nstate: withdrawn\ndate: 2025-03-01\nbody: m_ef\n---\nNo.\n", "withdrawn")
	withdrawn := strings.Replace(amendmentA1, "date: 2025-02-20\n", "date: 2025-02-20\nstate: withdrawn\n", 1)
	b := sitetest.Run(t, withdrawn+"-- content/plan/actions/a1/amendments/c_h223-tempi/answer.md --\n---\nstate: rejected\ndate: 2025-03-01\nbody: m_ef\n---\nNo.\n").OK()
	if a := b.Result.Site.Amendments[0]; a.State != "withdrawn" || a.AnswerFile.Counted || !strings.Contains(a.AnswerFile.Detail, "c_h223 withdrew the amendment") {
		t.Errorf("an answer to a withdrawn amendment: state %q, answer counted %v: %s", a.State, a.AnswerFile.Counted, a.AnswerFile.Detail)
	}
}

func TestAnswerToAnAmendmentThatDoesNotExistIsAnError(t *testing.T) {
	b := sitetest.Run(t, "-- content/plan/actions/a1/amendments/c_h223-tempi/answer.md --\n---\nstate: rejected\ndate: 2025-03-01\nbody: m_ef\n---\nNo.\n")
	if b.Err == nil || !strings.Contains(b.Result.Diagnostics.Format(), "an answer to an amendment that does not exist: there is no content/plan/actions/a1/amendments/c_h223-tempi.md") {
		t.Errorf("an answer to nothing:\n%s", b.Result.Diagnostics.Format())
	}
}

func TestAnswerTranslationIsReportedAsMisplaced(t *testing.T) {
	b := sitetest.Run(t, amendmentA1+"-- content/plan/actions/a1/amendments/c_h223-tempi/answer.en.md --\n---\nstate: rejected\ndate: 2025-03-01\nbody: m_ef\n---\nNo.\n")
	if b.Err == nil || !strings.Contains(b.Result.Diagnostics.Format(), "content/plan/actions/a1/amendments/c_h223-tempi/answer.en.md: misplaced") {
		t.Errorf("a translated answer is not reported:\n%s", b.Result.Diagnostics.Format())
	}
}
