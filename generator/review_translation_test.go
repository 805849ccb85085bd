package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// The official answer is the plan owner's in every language: a translation's answer is
// as official as the item's own.
func TestMergeRequestChangingATranslatedAnswerFailsUnlessByThePlanOwner(t *testing.T) {
	g := newGitRepo(t, "author", "")
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: accepted\nanswer:\n  date: 2025-03-01\n  text: Accolta.", 1))
	g.write("content/proposals/p1/index.en.md", "---\ntitle: Proposal one\nanswer:\n  text: Accepted.\n---\nText of the proposal.\n")
	g.commitAll("2025-03-01T09:00:00Z", anna, "Risposta, anche in inglese")
	tr := g.read("content/proposals/p1/index.en.md")

	// The proposing body rewrites the answer in English.
	g.run("", "checkout", "-q", "-b", "risposta-falsa")
	g.write("content/proposals/p1/index.en.md", strings.Replace(tr, "Accepted.", "Accepted, and funded in full.", 1))
	g.commitAll("2025-03-02T09:00:00Z", marco, "Translation fix")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/proposals/p1/index.en.md:1:1: commit")
	wantViolation(t, res, err, "the official status or answer of a proposal")

	// It may not delete the translated answer either.
	g.run("", "checkout", "-q", "main")
	g.run("", "checkout", "-q", "-b", "senza-risposta")
	g.write("content/proposals/p1/index.en.md", strings.Replace(tr, "answer:\n  text: Accepted.\n", "", 1))
	g.commitAll("2025-03-02T09:00:00Z", marco, "Drop the answer")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "the official status or answer of a proposal")

	// The proposing body may still translate its title and text.
	g.run("", "checkout", "-q", "main")
	g.run("", "checkout", "-q", "-b", "traduzione")
	g.write("content/proposals/p1/index.en.md", strings.Replace(strings.Replace(tr, "Proposal one", "Proposal number one", 1), "Text of the proposal.", "The text of the proposal.", 1))
	g.commitAll("2025-03-02T09:00:00Z", marco, "Better translation")
	res, err = g.checkMR(during)
	wantClean(t, res, err)

	// And the plan owner may change the translated answer.
	g.run("", "checkout", "-q", "main")
	g.run("", "checkout", "-q", "-b", "risposta-inglese")
	g.write("content/proposals/p1/index.en.md", strings.Replace(tr, "Accepted.", "Accepted, with changes.", 1))
	g.commitAll("2025-03-02T09:00:00Z", anna, "Translation of the answer")
	res, err = g.checkMR(during)
	wantClean(t, res, err)
}

func TestMergeRequestAddingATranslationWithAnAnswerFailsUnlessByThePlanOwner(t *testing.T) {
	g := newGitRepo(t, "author", "")
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: rejected\nanswer:\n  date: 2025-03-01\n  text: Respinta.", 1))
	g.commitAll("2025-03-01T09:00:00Z", anna, "Risposta")

	g.run("", "checkout", "-q", "-b", "traduzione")
	g.write("content/proposals/p1/index.en.md", "---\ntitle: Proposal one\nanswer:\n  text: Accepted and funded.\n---\nText.\n")
	g.commitAll("2025-03-02T09:00:00Z", marco, "Translation")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/proposals/p1/index.en.md:1:1: commit")
	wantViolation(t, res, err, "the official status or answer of a proposal")
}

// A translation cannot answer for the plan owner: an answer in a translation of an
// unanswered proposal is not shown, and the build says so.
func TestTranslatedAnswerWithoutAnOfficialAnswerIsNotShown(t *testing.T) {
	b := sitetest.Run(t, "-- content/proposals/p1/index.en.md --\n---\ntitle: Proposal one\nanswer:\n  text: Accepted and funded.\n---\nText.\n").OK()
	if w := b.Result.Diagnostics.Warnings().Format(); !strings.Contains(w, "content/proposals/p1/index.en.md:") || !strings.Contains(w, "the proposal has none") {
		t.Errorf("no warning at the translation:\n%s", w)
	}
	b.File("en/proposals/p1/index.html", "! Accepted and funded.")
}

// A translation in a language pspm.yaml does not list yet is not read, but it will be
// the day the language is added: its answer is the plan owner's already.
func TestAnswerInATranslationOfAnUnlistedLanguageIsThePlanOwners(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "tedesco")
	g.write("content/proposals/p1/index.de.md", "---\ntitle: Vorschlag eins\nanswer:\n  text: Angenommen und finanziert.\n---\nText.\n")
	g.commitAll("2025-03-02T09:00:00Z", marco, "Übersetzung")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/proposals/p1/index.de.md:1:1: commit")
	wantViolation(t, res, err, "the official status or answer of a proposal")

	// Without an answer, the proposing body may add it.
	g.write("content/proposals/p1/index.de.md", "---\ntitle: Vorschlag eins\n---\nText.\n")
	g.commitAll("2025-03-02T10:00:00Z", marco, "Ohne Antwort")
	res, err = g.checkMR(during)
	wantClean(t, res, err)
}
