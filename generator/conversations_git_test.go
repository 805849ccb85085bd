package generator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
)

// The text of action a1 before and after Anna edits its second paragraph and removes its
// third.
const (
	para1    = "Il primo paragrafo resta come era."
	para2    = "Il secondo paragrafo fissa la scadenza a giugno per tutti i comuni."
	para2Now = "Il secondo paragrafo fissa la scadenza a dicembre per tutti i comuni."
	para3    = "Il terzo paragrafo parla di un fondo che sparirà."
)

func actionText(paras ...string) string {
	return "---\ntitle: Azione uno\nobjective: o1\nstatus: in-progress\nprogress: 40\nstart: 2025-01-01\ndue: 2025-12-31\n---\n" + strings.Join(paras, "\n\n") + "\n"
}

func anchoredComment(title, day, paragraph string) string {
	return "---\ntitle: " + title + "\ndate: " + day + "\nparagraph: " + paragraph + "\n---\nUn commento.\n"
}

func TestAnchoredCommentsFollowTheirParagraphAcrossEditsInGit(t *testing.T) {
	g := newGitRepo(t, "author", "-- content/plan/actions/a1.md --\n"+actionText(para1, para2, para3))
	a1, a2, a3 := markdown.AnchorOf(para1), markdown.AnchorOf(para2), markdown.AnchorOf(para3)
	g.write("content/plan/actions/a1/feedback/c_h223-primo.md", anchoredComment("Sul primo", "2025-02-01", a1))
	g.write("content/plan/actions/a1/feedback/c_h223-secondo.md", anchoredComment("Sul secondo", "2025-02-01", a2))
	g.write("content/plan/actions/a1/feedback/c_h223-terzo.md", anchoredComment("Sul terzo", "2025-02-01", a3))
	g.commitAll("2025-02-01T10:00:00Z", marco, "Commenti del Comune sui paragrafi")
	// Anna edits the second paragraph and removes the third: the first keeps its anchor.
	g.write("content/plan/actions/a1.md", actionText(para1, para2Now))
	g.commitAll("2025-03-01T10:00:00Z", anna, "La scadenza passa a dicembre")

	_, _, out := g.build()
	page := string(out.Files()["plan/actions/a1/index.html"])
	now2 := markdown.AnchorOf(para2Now)
	for _, want := range []string{
		`<p id="` + a1 + `">` + para1,
		`<p id="` + now2 + `">` + para2Now,
		// the comment on the untouched paragraph, beside it, not marked
		`<aside class="paragraph-comments" aria-label="Commenti su questo paragrafo"><ul>
  <li><a href="#c_h223-primo">Sul primo</a>`,
		// the comment on the edited paragraph, beside the paragraph it became, marked
		`<li><a href="#c_h223-secondo">Sul secondo</a> <span class="small">· Comune di Reggio Emilia · <time datetime="2025-02-01">1 febbraio 2025</time> · <strong>il paragrafo è cambiato dopo questo commento</strong>`,
		`<a href="/plan/actions/a1/#` + now2 + `">Sul paragrafo del testo</a> · <strong>il paragrafo è cambiato dopo questo commento</strong>`,
		`giugno</del>`, `dicembre</ins>`,
		// the comment on the removed paragraph, in the list only, with its old words
		`Sul paragrafo del testo · <strong>il paragrafo non è più nel testo</strong>`,
		`<blockquote>` + para3 + `</blockquote>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if i := strings.Index(page, `<li><a href="#c_h223-primo">`); i < 0 || strings.Contains(page[i:i+strings.Index(page[i:], "</li>")], "cambiato") {
		t.Errorf("the comment on the paragraph nobody edited is marked as changed")
	}
	second := strings.Index(page, `<p id="`+now2+`">`)
	aside := strings.Index(page, `<a href="#c_h223-secondo">`)
	if second < 0 || aside < second {
		t.Errorf("the comment on the edited paragraph is not after the paragraph it became")
	}
	if strings.Count(page, `<a href="#c_h223-terzo">`) != 0 {
		t.Errorf("the comment on the removed paragraph is shown beside a paragraph")
	}
	var fb []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/feedback.json"], &fb); err != nil {
		t.Fatal(err)
	}
	for _, f := range fb {
		if f["id"] == "c_h223-secondo" && f["paragraph"] != a2 {
			t.Errorf("feedback.json paragraph %v, want the anchor as written, %s", f["paragraph"], a2)
		}
	}
	// The same commit gives the same bytes.
	_, _, again := g.build()
	if string(again.Files()["plan/actions/a1/index.html"]) != page {
		t.Errorf("a second build of the same commit gives another page")
	}
}

func TestConversationInGitNestsRepliesAndTheGateRefusesACycle(t *testing.T) {
	g := newGitRepo(t, "author", "")
	dir := "content/proposals/p1/feedback/"
	g.write(dir+"c_h223-r1.md", "---\ntitle: Prima risposta\ndate: 2025-02-11\nreply_to: m_ef-domanda\n---\nA settembre.\n")
	g.commitAll("2025-02-11T10:00:00Z", marco, "Risposta del Comune")
	g.write(dir+"m_ef-r2.md", "---\ntitle: Seconda\ndate: 2025-02-12\nreply_to: c_h223-r1\n---\nBene.\n")
	g.commitAll("2025-02-12T10:00:00Z", anna, "Risposta del MEF")
	g.write(dir+"c_h223-r3.md", "---\ntitle: Terza\ndate: 2025-02-13\nreply_to: m_ef-r2\n---\nGrazie.\n")
	g.commitAll("2025-02-13T10:00:00Z", marco, "Ancora il Comune")
	g.write(dir+"m_ef-r4.md", "---\ntitle: Quarta\ndate: 2025-02-14\nreply_to: c_h223-r3\n---\nPrego.\n")
	g.commitAll("2025-02-14T10:00:00Z", anna, "Ancora il MEF")
	// Eve, of no body, writes a reply in the Comune's name: shown in the thread, not counted.
	g.write(dir+"c_h223-falsa.md", "---\ntitle: Falsa\ndate: 2025-02-15\nreply_to: m_ef-r4\n---\nNo.\n")
	g.commitAll("2025-02-15T10:00:00Z", eve, "Una risposta a nome di altri")

	_, res, out := g.build()
	trail, err := generator.Audit(res, "proposals/p1")
	if err != nil {
		t.Fatal(err)
	}
	replies := 0
	for _, f := range trail.Feedback {
		if f.ReplyTo != "" {
			replies++
		}
	}
	if replies != 5 {
		t.Errorf("the audit trail shows %d replies, want 5", replies)
	}
	page := string(out.Files()["proposals/p1/index.html"])
	for _, want := range []string{`<h4>Prima risposta</h4>`, `<h5>Seconda</h5>`, `<h6>Terza</h6>`, `<h6>Quarta</h6>`,
		`In risposta a <a href="#c_h223-r3">Terza</a>`, `<article class="comment comment-comment not-counted reply" id="c_h223-falsa">`,
		`In risposta a <a href="#m_ef-r4">Quarta</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	var fb []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/feedback.json"], &fb); err != nil {
		t.Fatal(err)
	}
	for _, f := range fb {
		switch f["id"] {
		case "m_ef-r4":
			if f["counted"] != true || f["reply_to"] != "c_h223-r3" {
				t.Errorf("m_ef-r4: %v", f)
			}
		case "c_h223-falsa":
			if f["counted"] != false || f["reason"] != "not-member" {
				t.Errorf("c_h223-falsa: %v", f)
			}
		}
	}

	// A merge request that turns the conversation into a cycle is refused by the gate.
	g.write(dir+"c_h223-r1.md", "---\ntitle: Prima risposta\ndate: 2025-02-11\nreply_to: m_ef-r2\n---\nA settembre.\n")
	g.commitAll("2025-02-16T10:00:00Z", marco, "Un ciclo")
	fsys, _ := openSource(t, g.dir)
	res, err = checkSite(fsys, g.dir)
	if err == nil {
		t.Fatalf("pspm check accepted a cycle of replies")
	}
	if msg := res.Diagnostics.Format(); !strings.Contains(msg, "content/proposals/p1/feedback/c_h223-r1.md:4:11: reply_to makes a cycle (c_h223-r1 → m_ef-r2 → c_h223-r1)") {
		t.Errorf("the gate's message:\n%s", msg)
	}
}

func TestTheGateRefusesACommentOnAParagraphTheTextNeverHad(t *testing.T) {
	g := newGitRepo(t, "author", "-- content/plan/actions/a1.md --\n"+actionText(para1, para2))
	g.write("content/plan/actions/a1/feedback/c_h223-inventato.md", anchoredComment("Su nulla", "2025-02-01", "p-00000000"))
	g.commitAll("2025-02-01T10:00:00Z", marco, "Un'ancora inventata")
	fsys, _ := openSource(t, g.dir)
	res, err := checkSite(fsys, g.dir)
	if err == nil {
		t.Fatalf("pspm check accepted an anchor the text never had")
	}
	if msg := res.Diagnostics.Format(); !strings.Contains(msg, `content/plan/actions/a1/feedback/c_h223-inventato.md:4:12: paragraph "p-00000000" is not a paragraph of the text of plan/actions/a1 (at commit `) {
		t.Errorf("the gate's message:\n%s", msg)
	}
	// A comment on a paragraph that was there when it landed is never refused later.
	g.write("content/plan/actions/a1/feedback/c_h223-inventato.md", anchoredComment("Sul secondo", "2025-02-01", markdown.AnchorOf(para2)))
	g.commitAll("2025-02-02T10:00:00Z", marco, "L'ancora giusta")
	g.write("content/plan/actions/a1.md", actionText(para1))
	g.commitAll("2025-03-01T10:00:00Z", anna, "Via il secondo paragrafo")
	fsys, _ = openSource(t, g.dir)
	if res, err := checkSite(fsys, g.dir); err != nil {
		t.Fatalf("check: %v\n%s", err, res.Diagnostics.Format())
	}
}
