package generator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/markdown"
)

// reply is a feedback file of body on proposal p1 answering to (reply_to), dated day.
func reply(body, slug, to, day string) string {
	rt := ""
	if to != "" {
		rt = "reply_to: " + to + "\n"
	}
	return "-- content/proposals/p1/feedback/" + body + "-" + slug + ".md --\n---\ntitle: Titolo " + slug + "\ndate: " + day + "\n" + rt + "---\nTesto di " + slug + ".\n"
}

func TestRepliesNestUnderTheirCommentUpToTheDepthLimit(t *testing.T) {
	overlay := "-- pspm.yaml --\ntitle: Prova\nforge: {kind: github, url: https://github.com/ente/portale}\n" +
		reply("c_h223", "r1", "m_ef-domanda", "2025-02-11") +
		reply("m_ef", "r2", "c_h223-r1", "2025-02-12") +
		reply("c_h223", "r3", "m_ef-r2", "2025-02-13") +
		reply("m_ef", "r4", "c_h223-r3", "2025-02-14") +
		reply("c_h223", "r5", "m_ef-r4", "2025-02-15")
	b := sitetest.Run(t, overlay).OK()
	page := string(b.Out.Files()["proposals/p1/index.html"])
	// Levels: the comment (h3), r1 (h4), r2 (h5), r3 (h6, the last level), and r4, r5
	// shown flat beside r3, each saying what it answers.
	for _, want := range []string{
		`<h3>Una domanda</h3>`, `<h4>Titolo r1</h4>`, `<h5>Titolo r2</h5>`, `<h6>Titolo r3</h6>`, `<h6>Titolo r4</h6>`, `<h6>Titolo r5</h6>`,
		`aria-label="Risposte a «Una domanda»"`,
		`In risposta a <a href="#c_h223-r3">Titolo r3</a>`, `In risposta a <a href="#m_ef-r4">Titolo r4</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, `In risposta a <a href="#m_ef-r2">`) {
		t.Errorf("a reply within the depth limit says what it answers, though it is nested under it")
	}
	// Nesting: r1 sits inside the comment's article, before it closes.
	q, r1 := strings.Index(page, `id="m_ef-domanda"`), strings.Index(page, `id="c_h223-r1"`)
	if q < 0 || r1 < q || strings.Contains(page[q:r1], "</article>") {
		t.Errorf("r1 is not nested in the comment it answers")
	}
	// A reply button per comment, with reply_to prefilled.
	if !strings.Contains(page, "reply_to%3A&#43;c_h223-r3") {
		t.Errorf("no reply button prefilled with reply_to: c_h223-r3")
	}
	if feed := string(b.Out.Files()["proposals/p1/index.xml"]); !strings.Contains(feed, "risposta di Comune di Reggio Emilia: Titolo r5 (a «Titolo r4»)") {
		t.Errorf("the item's feed does not show r5 as a reply")
	}
	var fb []map[string]any
	if err := json.Unmarshal(b.Out.Files()["api/v1/feedback.json"], &fb); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fb {
		if f["id"] == "m_ef-r4" {
			found = true
			if f["reply_to"] != "c_h223-r3" || f["counted"] != true {
				t.Errorf("feedback.json: %v", f)
			}
		}
	}
	if !found {
		t.Errorf("m_ef-r4 not in feedback.json")
	}
	if csv := string(b.Out.Files()["api/v1/feedback.csv"]); !strings.Contains(csv, "reply_to;paragraph") || !strings.Contains(csv, ";c_h223-r3;") {
		t.Errorf("feedback.csv lacks reply_to:\n%s", csv)
	}
}

func TestReplyToProblemsArePointedOutAndTheReplyStandsAlone(t *testing.T) {
	overlay := reply("c_h223", "se", "c_h223-se", "2025-02-11") +
		reply("c_h223", "a", "m_ef-b", "2025-02-12") +
		reply("m_ef", "b", "c_h223-a", "2025-02-13") +
		reply("c_h223", "refuso", "m_ef-domandaa", "2025-02-14") +
		reply("c_h223", "altrove", "m_ef-x", "2025-02-14") +
		"-- content/proposals/p2/index.md --\n---\ntitle: Proposta due\nbody: m_ef\ndate: 2025-02-01\nstatus: open\n---\nTesto.\n" +
		"-- content/proposals/p2/feedback/m_ef-x.md --\n---\ntitle: Altro\ndate: 2025-02-10\n---\nAltro.\n"
	c := sitetest.Check(t, overlay)
	for _, want := range []string{
		`content/proposals/p1/feedback/c_h223-se.md:4:11: reply_to "c_h223-se" names this feedback itself`,
		`content/proposals/p1/feedback/c_h223-a.md:4:11: reply_to makes a cycle (c_h223-a → m_ef-b → c_h223-a)`,
		`content/proposals/p1/feedback/m_ef-b.md:4:11: reply_to makes a cycle`,
		`reply_to "m_ef-domandaa": no feedback of that name on proposals/p1 (want the file name of one of its feedback files, without .md); did you mean "m_ef-domanda"?`,
		`reply_to "m_ef-x" is a feedback of proposals/p2, not of proposals/p1`,
	} {
		c.Diag(want)
	}
	b := sitetest.Run(t, overlay).OK()
	page := string(b.Out.Files()["proposals/p1/index.html"])
	// A cycle's replies are not published as they were meant: each is listed on the item,
	// with why.
	for _, id := range []string{"c_h223-a", "m_ef-b"} {
		i := strings.Index(page, `<article class="comment comment-unreadable" id="`+id+`">`)
		if i < 0 || !strings.Contains(page[i:], "reply_to makes a cycle") {
			t.Errorf("%s is not listed on the item with its problem", id)
		}
	}
}

func TestATranslatedPageLinksAnchoredCommentsToTheParagraphInTheFirstLanguage(t *testing.T) {
	anchor := markdown.AnchorOf("Testo della proposta.")
	overlay := "-- pspm.yaml --\ntitle: Prova\nlanguages: [it, en]\nforge: {kind: github, url: https://github.com/ente/portale}\n" +
		"-- content/proposals/p1/index.en.md --\n---\ntitle: Proposal one\n---\nThe proposal's text.\n" +
		"-- content/proposals/p1/feedback/c_h223-par.md --\n---\ntitle: Sul testo\ndate: 2025-02-11\nparagraph: " + anchor + "\n---\nBene.\n"
	b := sitetest.Run(t, overlay).OK()
	it := string(b.Out.Files()["proposals/p1/index.html"])
	en := string(b.Out.Files()["en/proposals/p1/index.html"])
	if !strings.Contains(it, `<p id="`+anchor+`">Testo della proposta.<span class="paragraph-tools">`) ||
		!strings.Contains(it, `<a class="paragraph-comment" href="https://github.com/ente/portale/new/main/content/proposals/p1/feedback?filename=codice_ente-paragrafo.md&amp;value=---%0Aparagraph%3A&#43;`+anchor) {
		t.Errorf("the Italian page lacks the paragraph's anchor, link or comment button")
	}
	if !strings.Contains(it, `<li><a href="#c_h223-par">Sul testo</a>`) {
		t.Errorf("the comment is not listed beside its paragraph")
	}
	if strings.Contains(en, `id="p-`) || !strings.Contains(en, `<a href="/proposals/p1/#`+anchor+`">On a paragraph of the text</a>`) {
		t.Errorf("the English page has anchors on the translation, or does not link the paragraph in Italian")
	}
}

func TestAProposalOfThousandsOfParagraphsGetsBoundedParagraphTools(t *testing.T) {
	text := strings.Repeat("parola\n\n", 5000)
	overlay := "-- pspm.yaml --\ntitle: Prova\nforge: {kind: github, url: https://github.com/ente/portale}\n" +
		"-- content/proposals/p2/index.md --\n---\ntitle: Lunga\nbody: c_h223\ndate: 2025-02-01\nstatus: open\n---\n" + text
	b := sitetest.Run(t, overlay).OK()
	page := b.Out.Files()["proposals/p2/index.html"]
	if n := strings.Count(string(page), `class="paragraph-comment"`); n != 200 {
		t.Errorf("%d comment buttons, want 200", n)
	}
	if n := strings.Count(string(page), `id="p-`); n != 5000 {
		t.Errorf("%d anchors, want 5000", n)
	}
	if len(page) > 1<<20 {
		t.Errorf("the page is %d bytes", len(page))
	}
}
