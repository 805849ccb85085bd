package markdown_test

import (
	"strings"
	"testing"
)

// A code block or a table wider than a phone scrolls on its own; a keyboard user can only
// scroll it when it takes the focus, and a screen-reader user hears what it is when it
// does. Every one is therefore a focusable region named by the page's own label, in the
// page's language (the theme writes the elements label-code and label-table).
func TestCodeBlocksAreFocusableNamedRegions(t *testing.T) {
	for _, src := range []string{
		"```go\nfunc main() { println(\"una riga molto lunga che non entra in un telefono\") }\n```\n",
		"    indented code\n",
		"~~~\n<b onclick=x>\n~~~\n",
	} {
		html := render(src).HTML
		safe(t, src, html)
		if !strings.HasPrefix(html, `<pre tabindex="0" role="region" aria-labelledby="label-code"><code`) {
			t.Errorf("%q: the code block is not a focusable named region:\n%s", src, html)
		}
		if strings.Count(html, "<pre") != 1 || !strings.HasSuffix(html, "</code></pre>\n") {
			t.Errorf("%q: the code block is not closed once:\n%s", src, html)
		}
	}
	html := render("```go\nx := 1 < 2\n```\n").HTML
	if !strings.Contains(html, `<code class="language-go">x := 1 &lt; 2`) {
		t.Errorf("the fenced code block lost its language class or its escaping:\n%s", html)
	}
	// The info string is the author's: it can name a language, never add an attribute.
	html = render("```go\" onfocus=\"alert(1)\n1\n```\n").HTML
	safe(t, "info string", html)
	if strings.Contains(html, `" onfocus`) {
		t.Errorf("the info string wrote an attribute:\n%s", html)
	}
}

func TestTablesAreWrappedInFocusableNamedRegions(t *testing.T) {
	src := "| a | b |\n|:--|--:|\n| 1 | 2 |\n"
	html := render(src).HTML
	safe(t, src, html)
	const open = `<div class="table-wrap" tabindex="0" role="region" aria-labelledby="label-table"><table>`
	if !strings.HasPrefix(html, open) || !strings.HasSuffix(html, "</table></div>\n") {
		t.Errorf("the table is not in a focusable named region:\n%s", html)
	}
	if !strings.Contains(html, `<th class="align-left">a</th>`) || !strings.Contains(html, `<td class="align-right">2</td>`) {
		t.Errorf("the table lost its cells or their alignment:\n%s", html)
	}
}

// The labels' ids are the theme's: a heading never takes them.
func TestHeadingsNeverTakeTheLabelsIDs(t *testing.T) {
	html := render("## Label code\n\n## Label table\n").HTML
	for _, id := range []string{`id="label-code"`, `id="label-table"`} {
		if strings.Contains(html, id) {
			t.Errorf("a heading took %s:\n%s", id, html)
		}
	}
}
