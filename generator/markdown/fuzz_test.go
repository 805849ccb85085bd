package markdown_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
)

// maxFuzzInput caps what the fuzz targets render: the quadratic corners of inline
// parsing (see BenchmarkRenderPathological) would otherwise make single inputs take
// seconds and starve the fuzzer.
const maxFuzzInput = 64 << 10

// generous are limits that let through every ordinary document.
var generous = markdown.Limits{TableCells: 10000, Nesting: 32}

// FuzzRender renders arbitrary Markdown that Check accepts and parses the result as a
// browser would: it must not panic, and no script, frame, plugin, form, style, SVG or
// MathML, event handler, inline style, dangerous URL or image from another site may come
// out of it. Seeds (the usual XSS payloads) are in testdata/fuzz/FuzzRender.
func FuzzRender(f *testing.F) {
	f.Add([]byte("# Titolo\n\nTesto con [un link](https://example.org) e ![un'immagine](grafico.png).\n"))
	f.Add([]byte("<script>alert(1)</script>"))
	f.Add([]byte("<div align=\"center\">\n<img src=x onerror=alert(1)>\n**testo** &lt;script&gt;\n</div>\ndopo\n"))
	f.Add([]byte("[x](javascript:alert(1))"))
	f.Add([]byte("![x](ftp://example.org/a.png) ![y](GOPHER://h/1) ![z](mailto:a@b) ![w](ht+tp:x)"))
	f.Add([]byte(strings.Repeat("# same\n", 50) + "# same-1\n## same 1\n"))
	f.Add([]byte("```go\" tabindex=\"-1\" onfocus=\"alert(1)\nx\n```\n\n| a | <b tabindex=1>b</b> |\n|--|--|\n| `|` | [x](#label-code) |\n\n## label code\n"))
	r := markdown.New()
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzInput {
			return
		}
		var errs diag.List
		markdown.Check("f.md", 1, src, generous, &errs)
		if errs.HasErrors() {
			return
		}
		res := r.Render(src)
		if problems := unsafeHTML(res.HTML); len(problems) > 0 {
			t.Fatalf("unsafe HTML from %q:\n%s\nproblems: %q", src, res.HTML, problems)
		}
		if utf8.Valid(src) && !utf8.ValidString(res.Summary) {
			t.Errorf("the summary of valid UTF-8 is not valid UTF-8: %q", res.Summary)
		}
	})
}

// FuzzCheck runs Check on arbitrary Markdown: it must not panic, must point into the
// document, and must bound what rendering costs: whatever it accepts with the limits
// below renders to at most 200 times its size plus 10 KiB. Seeds are in
// testdata/fuzz/FuzzCheck.
func FuzzCheck(f *testing.F) {
	f.Add([]byte("| a | b |\n|---|---|\n| 1 | 2 |\n"), uint8(1))
	f.Add([]byte("- a\n  - b\n    - c\n"), uint8(7))
	f.Add([]byte("![x](ftp://example.org/a.png) ![y](gopher://h/1)\n"), uint8(2))
	r := markdown.New()
	lim := markdown.Limits{TableCells: 2000, Nesting: 20}
	f.Fuzz(func(t *testing.T, src []byte, first uint8) {
		if len(src) > maxFuzzInput {
			return
		}
		firstLine := 1 + int(first)
		var errs diag.List
		markdown.Check("f.md", firstLine, src, lim, &errs)
		markdown.CheckImages("f.md", firstLine, src, &errs)
		last := firstLine + bytes.Count(src, []byte("\n"))
		lines := bytes.Split(src, []byte("\n"))
		for _, e := range errs {
			if e.Pos.File != "f.md" || e.Pos.Line < firstLine || e.Pos.Line > last || e.Pos.Col < 1 || e.Pos.Col > len(lines[e.Pos.Line-firstLine])+1 {
				t.Errorf("diagnostic outside the document's lines %d..%d: %v", firstLine, last, e)
			}
		}
		if n := len(errs.Errors()); n > 2 {
			t.Errorf("%d errors: Check reports each limit once\n%s", n, errs.Format())
		}
		if n := len(errs.Warnings()); n > 1 {
			t.Errorf("%d warnings: Check warns about images once per file\n%s", n, errs.Format())
		}
		if errs.HasErrors() {
			return
		}
		var inspected diag.List
		refs := markdown.Inspect("f.md", firstLine, src, &inspected)
		var at []diag.Pos
		for _, e := range inspected {
			at = append(at, e.Pos)
		}
		for _, ref := range refs {
			at = append(at, ref.Pos)
		}
		for _, p := range at {
			if p.File != "f.md" || p.Line < firstLine || p.Line > last || p.Col < 1 || p.Col > len(lines[p.Line-firstLine])+1 {
				t.Errorf("Inspect points outside the document's lines %d..%d: %v", firstLine, last, p)
			}
		}
		if n := len(inspected.Warnings()); n > 3 {
			t.Errorf("%d raw HTML warnings: Inspect warns about three blocks at most\n%s", n, inspected.Format())
		}
		out := len(r.Render(src).HTML)
		if bound := 200*len(src) + 10<<10; out > bound {
			t.Errorf("Check accepted %d bytes that render to %d bytes (%.0fx, bound %d): %.200q", len(src), out, float64(out)/float64(len(src)), bound, src)
		}
	})
}

// FuzzRenderAnchored renders arbitrary Markdown with paragraph anchors: the plain HTML
// must be Render's and AnchoredHTML's (and HTML's must be Render's), the anchored HTML as
// safe, without markers, with every anchor once and well formed, and offsets inside it in
// order.
func FuzzRenderAnchored(f *testing.F) {
	f.Add([]byte("Uno.\n\nDue.\n\nUno.\n\n- a\n- b\n\n  c\n"))
	f.Add([]byte("a\x00e0\x00 b\n\n```\n\x00i\x00\n```\n"))
	f.Add([]byte("# p-00000000\n\n> citazione\n\n1. x\n   - y\n"))
	f.Add([]byte("[a](x\x00y) <http://a\x00b>\n"))
	r := markdown.New()
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzInput {
			return
		}
		var errs diag.List
		markdown.Check("f.md", 1, src, generous, &errs)
		if errs.HasErrors() {
			return
		}
		a := r.RenderAnchored(src)
		if !bytes.ContainsRune(src, 0) && a.Result.HTML != r.Render(src).HTML {
			t.Fatalf("plain HTML of %q differs from Render's", src)
		}
		if h := r.AnchoredHTML(src); h != a.Result.HTML {
			t.Fatalf("AnchoredHTML of %q is %q, RenderAnchored's plain HTML %q", src, h, a.Result.HTML)
		}
		if h := r.HTML(src); h != r.Render(src).HTML {
			t.Fatalf("HTML of %q is %q, Render's %q", src, h, r.Render(src).HTML)
		}
		if problems := unsafeHTML(a.HTML); len(problems) > 0 {
			t.Fatalf("unsafe anchored HTML from %q:\n%s\nproblems: %q", src, a.HTML, problems)
		}
		if strings.ContainsRune(a.HTML, 0) {
			t.Fatalf("a marker is left in %q", a.HTML)
		}
		seen := map[string]bool{}
		for _, p := range a.Paragraphs {
			if seen[p.ID] || !strings.HasPrefix(p.ID, "p-") || strings.Count(a.HTML, ` id="`+p.ID+`"`) != 1 {
				t.Fatalf("anchor %s repeated or missing in %q", p.ID, a.HTML)
			}
			seen[p.ID] = true
			if p.End < 0 || p.End > p.After || p.After > len(a.HTML) {
				t.Fatalf("offsets %d, %d out of %d", p.End, p.After, len(a.HTML))
			}
		}
	})
}

// FuzzSummariesAgree: a text's summary is the same whichever way it is made: Render,
// Summary and Plain (whose summary the search stage keeps, and the pages take instead of
// parsing the text again), and, for a text without NUL bytes, RenderAnchored and
// AnchoredSummary.
func FuzzSummariesAgree(f *testing.F) {
	f.Add([]byte("Primo paragrafo con [un link][r] e *enfasi*.\n\n[r]: https://example.org\n"))
	f.Add([]byte("# Titolo\n\n- voce\n\n" + strings.Repeat("parola ", 80) + "\n"))
	f.Add([]byte("<p>html</p>\n\ntesto `codice` ![img](a.png)\n"))
	f.Add([]byte("a\x00b\n\nc"))
	r := markdown.New()
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzInput {
			return
		}
		want := r.Render(src).Summary
		plain, _ := r.Plain(src)
		for name, got := range map[string]string{"Summary": r.Summary(src), "Plain": plain} {
			if got != want {
				t.Fatalf("%s(%q) summary %q, Render's %q", name, src, got, want)
			}
		}
		anchored := r.RenderAnchored(src).Summary
		if got := r.AnchoredSummary(src); got != anchored {
			t.Fatalf("AnchoredSummary(%q) = %q, RenderAnchored's %q", src, got, anchored)
		}
		if !bytes.Contains(src, []byte{0}) && anchored != want {
			t.Fatalf("RenderAnchored(%q) summary %q, Render's %q", src, anchored, want)
		}
	})
}
