package markdown_test

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
)

func render(src string) markdown.Result { return markdown.New().Render([]byte(src)) }

// safe fails when html is not safe to publish.
func safe(t *testing.T, src, html string) {
	t.Helper()
	if p := unsafeHTML(html); len(p) > 0 {
		t.Errorf("%q renders to unsafe HTML:\n%s\nproblems: %q", src, html, p)
	}
}

func TestRawHTMLIsNeverPublished(t *testing.T) {
	for _, src := range []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"Text <img src=x onerror=alert(1)> text",
		"<iframe src=\"https://example.org\"></iframe>",
		"<svg onload=alert(1)><circle/></svg>",
		"<style>body{display:none}</style>",
		"<form action=/x><input name=q></form>",
		"<div>\n*Markdown* <b>bold</b>\n</div>",
		"a <b onclick=\"alert(1)\">b</b> c",
		"<!-- <script>alert(1)</script> -->",
		"<![CDATA[<script>alert(1)</script>]]>",
		"<?php echo 1; ?>",
		"| a | <b>b</b> |\n|---|---|\n| <script>x</script> | c |",
		"- [ ] <input type=text>",
		"<div>&lt;script&gt;alert(1)&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;</div>",
		"<div>\n<a href=\"javascript:alert(1)\">x</a>\n<img src=x onerror=alert(1)>\n</div>",
		"<pre>\n<script>alert(1)</script>\n\n</pre>",
		"<textarea>\n</textarea><script>alert(1)</script>",
		"<table><tr><td onclick=alert(1)>a</td></tr></table>",
		"<div\nonclick=alert(1)>x</div>",
		"<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
		"<svg><style><img src=x onerror=alert(1)></style></svg>",
	} {
		html := render(src).HTML
		safe(t, src, html)
		// A table's own scroll container is the one <div> the renderer writes.
		authored := strings.ReplaceAll(html, `<div class="table-wrap" tabindex="0" role="region" aria-labelledby="label-table">`, "")
		for _, tag := range []string{"<script", "<img", "<iframe", "<svg", "<style", "<form", "<input type=\"text", "<div", "<!--", "<?", "<!["} {
			if strings.Contains(authored, tag) {
				t.Errorf("%q: %s came through:\n%s", src, tag, html)
			}
		}
		if strings.Contains(html, "<p></p>") {
			t.Errorf("%q: an empty paragraph where the tags were:\n%s", src, html)
		}
		if (strings.HasPrefix(src, "<script>") || strings.HasPrefix(src, "<style>")) && strings.TrimSpace(html) != "" {
			t.Errorf("%q: the content of a script or style is shown:\n%s", src, html)
		}
		if strings.Contains(html, "<b") && !strings.Contains(html, "&lt;b") {
			t.Errorf("%q: a <b> tag came through:\n%s", src, html)
		}
	}
}

func TestHTMLInCodeIsEscapedText(t *testing.T) {
	html := render("`<script>x</script>`\n\n```html\n<b onclick=x>\n```\n").HTML
	for _, want := range []string{"<code>&lt;script&gt;x&lt;/script&gt;</code>", "&lt;b onclick=x&gt;"} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
	safe(t, "code", html)
}

var hrefRE = regexp.MustCompile(`href="([^"]*)"`)

func TestJavascriptLinksLoseTheirURL(t *testing.T) {
	for _, src := range []string{
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](&#x6A;avascript:alert(1))",
		"[x](javascript&colon;alert(1))",
		"[x](java&#x09;script:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](file:///etc/passwd)",
		"[x](data:text/html;base64,PHNjcmlwdD4=)",
		"[x](<javascript:alert(1)>)",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"[x][]\n\n[X]: JAVASCRIPT:alert(1) \"t\"",
		"<javascript:alert(1)>",
		"<JaVaScRiPt:alert(1)>",
		"<vbscript:msgbox(1)>",
	} {
		html := render(src).HTML
		safe(t, src, html)
		m := hrefRE.FindAllStringSubmatch(html, -1)
		if len(m) == 0 {
			t.Errorf("%q: the link is gone entirely:\n%s", src, html)
		}
		for _, h := range m {
			if h[1] != "" && !strings.HasPrefix(h[1], "java%09") {
				t.Errorf("%q: href %q kept", src, h[1])
			}
		}
	}
}

func TestLinkTitlesCannotBreakOutOfTheAttribute(t *testing.T) {
	for _, src := range []string{
		`[x](/a "t\"itle' onmouseover=alert(1) x=\"")`,
		`[x](/a (t" onclick="alert(1)))`,
		`[x](/a "&quot; onclick=&quot;alert(1)")`,
		"[x][r]\n\n[r]: /a \"\\\" onclick=alert(1)\"",
	} {
		safe(t, src, render(src).HTML)
	}
}

func TestExternalLinksAreMarkedNofollow(t *testing.T) {
	html := render("[a](https://example.org) [b](HTTP://example.org) [c](//example.org) [d](/local) [e](#top) www.example.org <https://example.org/x> <a@b.example>").HTML
	want := []string{
		`<a href="https://example.org" rel="nofollow ugc noopener">a</a>`,
		`<a href="HTTP://example.org" rel="nofollow ugc noopener">b</a>`,
		`<a href="//example.org" rel="nofollow ugc noopener">c</a>`,
		`<a href="/local">d</a>`,
		`<a href="#top">e</a>`,
		`<a href="http://www.example.org" rel="nofollow ugc noopener">www.example.org</a>`,
		`<a href="https://example.org/x" rel="nofollow ugc noopener">https://example.org/x</a>`,
		`<a href="mailto:a@b.example">a@b.example</a>`,
	}
	for _, w := range want {
		if !strings.Contains(html, w) {
			t.Errorf("missing %s in:\n%s", w, html)
		}
	}
}

// The destination is checked before its entities and backslash escapes are resolved, so
// a link to another site written with an entity loses its rel.
func TestExternalLinkWrittenWithEntitiesIsMarkedNofollow(t *testing.T) {
	for _, src := range []string{"[x](&#104;ttps://example.org)", "[x](\\/\\/example.org)", "[x][r]\n\n[r]: &#x68;ttp://example.org"} {
		html := render(src).HTML
		if !strings.Contains(html, `rel="nofollow ugc noopener"`) {
			t.Errorf("%q: external link without rel:\n%s", src, html)
		}
	}
}

func TestExternalImageBecomesALink(t *testing.T) {
	cases := []struct{ src, want string }{
		{"![Logo](https://example.org/logo.png)", `<a class="external-image" rel="nofollow ugc noopener" href="https://example.org/logo.png">Logo</a>`},
		{"![](http://example.org/p.png)", `<a class="external-image" rel="nofollow ugc noopener" href="http://example.org/p.png">immagine</a>`},
		{"![x](//example.org/p.png)", `<a class="external-image" rel="nofollow ugc noopener" href="//example.org/p.png">x</a>`},
		{"![x](HTTPS://example.org/p.png)", `href="HTTPS://example.org/p.png">x</a>`},
		{"![x](< https://example.org/p.png>)", ``}, // a leading space: a relative URL, not another site
		{"![x][r]\n\n[r]: https://example.org/p.png \"T\"", `href="https://example.org/p.png">x</a>`},
		{"![*bold* `code`](https://example.org/p.png)", `>bold code</a>`},
	}
	for _, c := range cases {
		html := render(c.src).HTML
		safe(t, c.src, html)
		if !strings.Contains(html, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.src, html, c.want)
		}
	}
}

// renderImage checks the raw destination, then writes it with its entities and backslash
// escapes resolved: an image from another site, or a javascript: URL, gets through.
func TestImageDestinationIsCheckedAsWritten(t *testing.T) {
	for _, src := range []string{
		"![x](&#104;ttps://tracker.example/p.png)",
		"![x](\\/\\/tracker.example/p.png)",
		"![x][r]\n\n[r]: &#x68;ttps://tracker.example/p.png",
		"![x](&#106;avascript:alert(1))",
		"![x](data&#58;text/html,x)",
	} {
		safe(t, src, render(src).HTML)
	}
}

func TestLocalImageIsAnImage(t *testing.T) {
	cases := []struct{ src, want string }{
		{`![Grafico "2025"](allegati/grafico.png "Titolo <b>")`, `<img src="allegati/grafico.png" alt="Grafico &quot;2025&quot;" title="Titolo &lt;b&gt;" loading="lazy">`},
		{"![](/img/a b.png)", "![](/img/a b.png)"}, // a space ends the destination: not an image
		{"![x](<a b.png>)", `<img src="a%20b.png" alt="x" loading="lazy">`},
		{"![x](data:image/png;base64,AAAA)", `<img src="data:image/png;base64,AAAA" alt="x" loading="lazy">`},
	}
	for _, c := range cases {
		html := render(c.src).HTML
		safe(t, c.src, html)
		if !strings.Contains(html, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.src, html, c.want)
		}
	}
}

func TestDangerousImageIsOmitted(t *testing.T) {
	cases := []struct{ src, want string }{
		{"![x](javascript:alert(1))", `<span class="image-omitted">x</span>`},
		{"![](data:text/html,<b>)", `<span class="image-omitted">immagine</span>`},
		{"![svg](data:image/svg+xml;base64,PHN2Zz4=)", `<span class="image-omitted">svg</span>`},
		{"![<b>x</b>](vbscript:x)", `<span class="image-omitted">x</span>`},
	}
	for _, c := range cases {
		html := render(c.src).HTML
		safe(t, c.src, html)
		if !strings.Contains(html, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.src, html, c.want)
		}
	}
}

// An image is requested only from the site itself or a raster data: URL; http and https
// images become links; any other scheme becomes its text, never an <img> or a link.
func TestImageOfAnotherSchemeIsItsText(t *testing.T) {
	cases := []struct{ src, want string }{
		{"![x](ftp://example.org/a.png)", `<span class="image-omitted">x</span>`},
		{"![](FTP://example.org/a.png)", `<span class="image-omitted">immagine</span>`},
		{"![x](gopher://example.org/1)", `<span class="image-omitted">x</span>`},
		{"![x](mailto:a@example.org)", `<span class="image-omitted">x</span>`},
		{"![x](ht+tp:example.org)", `<span class="image-omitted">x</span>`},
		{"![x][r]\n\n[r]: ftp://example.org/a.png", `<span class="image-omitted">x</span>`},
		{"![x](&#102;tp://example.org/a.png)", `<span class="image-omitted">x</span>`},
		{"![x](a:b.png)", `<span class="image-omitted">x</span>`},
		{"![x](./a:b.png)", `<img src="./a:b.png" alt="x" loading="lazy">`},
		{"![x](/img/a.png)", `<img src="/img/a.png" alt="x" loading="lazy">`},
		{"![x](data:image/webp;base64,AAAA)", `<img src="data:image/webp;base64,AAAA" alt="x" loading="lazy">`},
	}
	for _, c := range cases {
		html := render(c.src).HTML
		safe(t, c.src, html)
		if !strings.Contains(html, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.src, html, c.want)
		}
		if strings.Contains(c.want, "omitted") && (strings.Contains(html, "<img") || strings.Contains(html, "href=")) {
			t.Errorf("%q: an image of another scheme is requested or linked:\n%s", c.src, html)
		}
	}
}

func TestTableAlignmentIsAClassNotAStyle(t *testing.T) {
	html := render("| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n").HTML
	for _, want := range []string{`<th class="align-left">a</th>`, `<th class="align-center">b</th>`, `<th class="align-right">c</th>`, "<th>d</th>", `<td class="align-right">3</td>`, "<td>4</td>"} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
	if strings.Contains(html, "style=") || strings.Contains(html, "align=") {
		t.Errorf("inline alignment in:\n%s", html)
	}
	safe(t, "table", html)
}

var idRE = regexp.MustCompile(`<h[1-6] id="([^"]*)"`)

func TestHeadingIDsAreASCIIAndAvoidLandmarkIDs(t *testing.T) {
	src := "# Main\n## main\n## Città metropolitana\n## ☃ ★\n## Footnotes\n## Top\n## Search\n## Main\n## Section\n## " + strings.Repeat("lungo ", 40) + "\n# {#x onclick=y}\n"
	html := render(src).HTML
	var ids []string
	for _, m := range idRE.FindAllStringSubmatch(html, -1) {
		ids = append(ids, m[1])
	}
	landmarks := map[string]bool{"main": true, "content": true, "top": true, "menu": true, "nav": true, "search": true, "header": true, "footer": true, "footnotes": true, "lang": true, "skip": true}
	seen := map[string]bool{}
	for _, id := range ids {
		if landmarks[id] {
			t.Errorf("heading id %q is a landmark of the theme", id)
		}
		if seen[id] {
			t.Errorf("heading id %q used twice", id)
		}
		seen[id] = true
		if !regexp.MustCompile(`^[a-z0-9_-]{1,110}$`).MatchString(id) {
			t.Errorf("heading id %q is not short lower-case ASCII", id)
		}
	}
	for _, want := range []string{"main-1", "main-2", "citta-metropolitana", "footnotes-1", "section", "section-1", "x-onclick-y"} {
		if !seen[want] {
			t.Errorf("no heading id %q among %q", want, ids)
		}
	}
	if len(ids) != 11 {
		t.Errorf("%d heading ids, want 11: %q", len(ids), ids)
	}
	if again := render(src).HTML; again != html {
		t.Errorf("ids depend on an earlier render:\n%s\n%s", html, again)
	}
}

// A heading whose text looks like a numbered anchor ("same 1") must not take, or be
// given, the anchor of a repeated heading: every id stays unique, in document order.
func TestRepeatedHeadingIDsStayUniqueWhenATextLooksLikeASuffix(t *testing.T) {
	src := "## same\n## same\n## same 1\n## same-1\n## same\n## same 2\n## same\n## same-1-1\n"
	var ids []string
	for _, m := range idRE.FindAllStringSubmatch(render(src).HTML, -1) {
		ids = append(ids, m[1])
	}
	want := []string{"same", "same-1", "same-1-1", "same-1-2", "same-2", "same-2-1", "same-3", "same-1-1-1"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Errorf("ids %q, want %q", ids, want)
	}
}

// Anchors of repeated headings cost linear work: twice the headings, about twice the
// allocations (trying "same-1", "same-2"… from 1 for every heading made them quadratic).
// Allocations are counted, not time: BenchmarkDuplicateHeadings has the time.
func TestDuplicateHeadingsCostLinearWork(t *testing.T) {
	r := markdown.New()
	allocs := func(n int) float64 {
		src := []byte(strings.Repeat("# same\n", n))
		return testing.AllocsPerRun(1, func() { r.Render(src) })
	}
	small, large := allocs(2000), allocs(8000)
	if ratio := large / small; ratio > 4.5 {
		t.Errorf("4× the headings cost %.1f× the allocations (%.0f, then %.0f): anchors are not linear", ratio, small, large)
	}
}

func TestSummaryIsFirstParagraphCut(t *testing.T) {
	words := make([]string, 60)
	for i := range words {
		words[i] = "w" + string(rune('a'+i%26))
	}
	long := strings.Join(words, " ")
	cases := []struct{ src, want string }{
		{"", ""},
		{"# Only a heading\n\n- a list\n", ""},
		{"# Title\n\nFirst *para*graph with [a link](/x) and `code`.\n\nSecond.", "First paragraph with a link and code."},
		{"Soft\nline  \nbreaks\\\nhere", "Soft line breaks here"},
		{"<b></b>\n\nReal text.", "Real text."},
		{long, strings.Join(words[:50], " ") + " …"},
		{strings.Join(words[:50], " "), strings.Join(words[:50], " ")},
		{"> quoted\n\nplain", "plain"},
		{"![alt text](a.png) caption", "alt text caption"},
	}
	for _, c := range cases {
		if got := render(c.src).Summary; got != c.want {
			t.Errorf("summary of %.40q = %q, want %q", c.src, got, c.want)
		}
	}
}

// The summary is plain text that templates escape; it is built from the source bytes,
// so entities and backslash escapes come out as written, and linkified URLs are dropped.
func TestSummaryIsTheTextAReaderSees(t *testing.T) {
	cases := []struct{ src, want string }{
		{"Costi &gt; ricavi &amp; altro", "Costi > ricavi & altro"},
		{`Prezzo \*scontato\* del 10%`, "Prezzo *scontato* del 10%"},
		{"Vedi https://example.org/x per dettagli.", "Vedi https://example.org/x per dettagli."},
		{"Scrivi a info@example.org.", "Scrivi a info@example.org."},
	}
	for _, c := range cases {
		if got := render(c.src).Summary; got != c.want {
			t.Errorf("summary of %q = %q, want %q", c.src, got, c.want)
		}
	}
}

func TestTaskListCheckboxesAreDisabled(t *testing.T) {
	html := render("- [ ] da fare\n- [x] fatto\n").HTML
	if strings.Count(html, `disabled="" type="checkbox"`) != 2 || !strings.Contains(html, `<input checked="" disabled=""`) {
		t.Errorf("task list:\n%s", html)
	}
	safe(t, "tasks", html)
}

func TestFootnotesLinkBothWays(t *testing.T) {
	html := render("Testo[^1].\n\n[^1]: Nota con [link](javascript:alert(1)).\n").HTML
	for _, want := range []string{`<sup id="fnref:1"><a href="#fn:1"`, `<li id="fn:1">`, `href="#fnref:1"`, `<a href="">link</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("missing %s in:\n%s", want, html)
		}
	}
	safe(t, "footnote", html)
}

func TestRenderIsSafeForConcurrentUse(t *testing.T) {
	r := markdown.New()
	docs := []string{"# A\n\n# A\n\nText *x*.", "| a |\n|---|\n| b |", "- [ ] x\n\n[^1]\n\n[^1]: n", "![x](https://example.org/p.png)"}
	want := make([]string, len(docs))
	for i, d := range docs {
		want[i] = markdown.New().Render([]byte(d)).HTML
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				k := (g + i) % len(docs)
				if got := r.Render([]byte(docs[k])).HTML; got != want[k] {
					t.Errorf("concurrent render of %q:\n%s\nwant\n%s", docs[k], got, want[k])
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestRenderSurvivesBinaryInput(t *testing.T) {
	for _, src := range []string{"\x00\x00\x00", "\xff\xfe# a\x00", "\ufeff# BOM", "a\r\rb\r", strings.Repeat("\x00[", 1000)} {
		safe(t, src, render(src).HTML)
	}
}

func TestHeadingsGoBelowThePageTitleAndNeverSkipALevel(t *testing.T) {
	got := markdown.New().Render([]byte("# Uno\n\n#### Due\n\n## Tre\n\n###### Quattro\n")).HTML
	for _, want := range []string{`<h2 id="uno">Uno</h2>`, `<h3 id="due">Due</h3>`, `<h2 id="tre">Tre</h2>`, `<h3 id="quattro">Quattro</h3>`} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in:\n%s", want, got)
		}
	}
}
