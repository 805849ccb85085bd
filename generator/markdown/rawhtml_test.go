package markdown_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
	"golang.org/x/net/html"
)

// visibleWords parses rendered HTML as a browser does and returns the words a reader sees.
func visibleWords(t *testing.T, out string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(" " + n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Fields(b.String())
}

// realDocument has the shape of the long documents public bodies publish: sections of
// paragraphs, with a centred block of HTML in the middle that goes on, without a blank
// line, into Markdown text.
func realDocument(sections, paragraphs int) (src string, words int) {
	var b strings.Builder
	para := func(s, p int) {
		line := fmt.Sprintf("Paragrafo%d_%d del documento con testo ordinario e parole contate una per una.", s, p)
		b.WriteString(line + "\n\n")
		words += len(strings.Fields(line))
	}
	for s := 0; s < sections; s++ {
		b.WriteString(fmt.Sprintf("## Sezione%d\n\n", s))
		words++
		for p := 0; p < paragraphs; p++ {
			para(s, p)
		}
		if s == sections/2 {
			b.WriteString("<div align=\"center\">\n<img src=\"logo.png\" width=\"200\">\nPiano triennale\n**per** l'informatica &amp; la PA\n</div>\nTesto dopo il blocco\n- che CommonMark legge ancora come HTML\n\n")
			words += len(strings.Fields("Piano triennale **per** l'informatica & la PA Testo dopo il blocco - che CommonMark legge ancora come HTML"))
		}
	}
	return b.String(), words
}

func TestHTMLBlockInARealDocumentKeepsEveryWord(t *testing.T) {
	src, want := realDocument(30, 12)
	out := markdown.New().Render([]byte(src)).HTML
	safe(t, "real document", out)
	got := visibleWords(t, out)
	if len(got) != want {
		t.Errorf("the page shows %d words, the document has %d", len(got), want)
	}
	text := strings.Join(got, " ")
	for _, w := range []string{"Piano triennale **per** l'informatica & la PA", "Testo dopo il blocco - che CommonMark legge ancora come HTML", "Paragrafo29_11"} {
		if !strings.Contains(text, w) {
			t.Errorf("the page lacks %q", w)
		}
	}
	if strings.Contains(out, "<div") || strings.Contains(out, "<img") || strings.Contains(out, "<!--") {
		t.Errorf("markup of the HTML block came through:\n%s", out)
	}
}

func TestHTMLBlockTextIsEscapedNotMarkup(t *testing.T) {
	for src, want := range map[string]string{
		"<div>&lt;script&gt;alert(1)&lt;/script&gt;</div>":                "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n",
		"<p>&lt;img src=x onerror=alert(1)&gt;</p>":                       "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n",
		"<div>\n<a href=\"javascript:alert(1)\">clic</a>\n</div>":         "<p>clic</p>\n",
		"<div>uno<br>due<br/>tre</div>":                                   "<p>uno<br>\ndue<br>\ntre</p>\n",
		"<table><tr><td>a</td><td>b</td></tr></table>":                    "<p>a</p>\n<p>b</p>\n",
		"<div>prima<script>alert(1)</script><style>*{}</style>dopo</div>": "<p>prima dopo</p>\n",
		"<!-- una nota -->":                                               "",
		"<div><svg><text>x</text></svg>testo</div>":                       "<p>testo</p>\n",
		"<div title=\"a &quot;b&quot;\">c &amp; d</div>":                  "<p>c &amp; d</p>\n",
	} {
		out := markdown.New().Render([]byte(src)).HTML
		safe(t, src, out)
		if out != want {
			t.Errorf("%q renders as\n%q, want\n%q", src, out, want)
		}
	}
}

func TestInlineRawHTMLDropsTagsAndKeepsTheText(t *testing.T) {
	out := markdown.New().Render([]byte("a <sup>2</sup> b <span onclick=x>c</span><br>d <!-- nota --> *e*\n")).HTML
	if want := "<p>a 2 b c<br>d  <em>e</em></p>\n"; out != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestInspectWarnsAtEachRawHTMLBlock(t *testing.T) {
	src := "Testo.\n\n<div align=\"center\">\nx\n</div>\n\n- voce\n\n  <p>in una lista</p>\n\n```\n<div>in codice</div>\n```\n\n    <div>rientrato</div>\n\nFrase con <b>HTML</b> in linea.\n"
	var errs diag.List
	markdown.Inspect("f.md", 5, []byte(src), &errs)
	want := []string{
		"f.md:7:1: warning: raw HTML is not published: its tags are dropped and its text kept",
		"f.md:13:3: warning: raw HTML is not published",
	}
	if len(errs) != len(want) {
		t.Fatalf("want %d warnings, got:\n%s", len(want), errs.Format())
	}
	for i, w := range want {
		if !strings.HasPrefix(errs[i].Error(), w) {
			t.Errorf("warning %d = %q, want prefix %q", i, errs[i].Error(), w)
		}
	}
}

func TestInspectWarnsAboutTheFirstThreeHTMLBlocksAndCountsTheRest(t *testing.T) {
	src := strings.Repeat("<div>x</div>\n\n", 7)
	var errs diag.List
	markdown.Inspect("f.md", 1, []byte(src), &errs)
	if len(errs) != 3 {
		t.Fatalf("want 3 warnings, got:\n%s", errs.Format())
	}
	for i, line := range []int{1, 3, 5} {
		if errs[i].Pos.Line != line {
			t.Errorf("warning %d at line %d, want %d", i, errs[i].Pos.Line, line)
		}
	}
	if !strings.Contains(errs[2].Error(), "(and 4 more raw HTML blocks in this file)") {
		t.Errorf("the last warning does not count the rest: %s", errs[2])
	}
}

func TestInspectListsLocalLinksAndImagesAtTheirPositions(t *testing.T) {
	src := "Vedi [la scheda](scheda.pdf) e ![il *grafico*](grafici/g%201.png \"t\").\n" +
		"[esterno](https://example.org/a.pdf) [sito](/static/x.pdf) [qui](#sezione) [posta](mailto:a@b.it)\n" +
		"\n> [*citata*](nota.txt?v=2#p3)\n\n[rif]: allegato.csv\n\nUsa [rif] e `[codice](no.pdf)`.\n"
	var errs diag.List
	refs := markdown.Inspect("f.md", 10, []byte(src), &errs)
	var got []string
	for _, r := range refs {
		got = append(got, fmt.Sprintf("%d:%d %s %v", r.Pos.Line, r.Pos.Col, r.Path, r.Image))
	}
	want := []string{"10:6 scheda.pdf false", "10:32 grafici/g 1.png true", "13:3 nota.txt false", "17:5 allegato.csv false"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("refs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(errs) != 0 {
		t.Errorf("warnings without raw HTML:\n%s", errs.Format())
	}
}
