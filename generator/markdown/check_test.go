package markdown_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
)

var strict = markdown.Limits{TableCells: 2000, Nesting: 20}

func check(src string, firstLine int) diag.List {
	var errs diag.List
	markdown.Check("f.md", firstLine, []byte(src), strict, &errs)
	return errs
}

// table is a GFM table with cols columns, declared by its header, and rows one-cell rows
// that the renderer pads to cols cells.
func table(cols, rows int) string {
	return "|" + strings.Repeat("a|", cols) + "\n|" + strings.Repeat("-|", cols) + "\n" + strings.Repeat("|x\n", rows)
}

// nestedList is a list nested depth levels deep by indentation, with prefix before
// every line.
func nestedList(prefix string, depth int) string {
	var b strings.Builder
	for i := 0; i < depth; i++ {
		b.WriteString(prefix + strings.Repeat("  ", i) + "- x\n")
	}
	return b.String()
}

func TestCheckAcceptsOrdinaryDocuments(t *testing.T) {
	src := `# Proposta

Testo con *enfasi*, [link](https://example.org) e ` + "`codice`" + `.

| Voce | Costo |
|:-----|------:|
| A    | 10    |
| B    | 20    |

- uno
  - due
    1. tre
       > citazione

` + "```markdown\n" + table(3, 3) + "```\n" + `
Fine.
`
	if errs := check(src, 1); len(errs) > 0 {
		t.Errorf("an ordinary document is refused:\n%s", errs.Format())
	}
}

func TestCheckRefusesTablesPaddedToAWideHeader(t *testing.T) {
	errs := check("Intro\n\n"+table(2000, 3), 10)
	want := "f.md:13:1: tables are too large: more than 2000 cells in this file (columns × rows, every row is padded to the header's columns); split the table or link a CSV attachment"
	if len(errs) != 1 || errs[0].Error() != want {
		t.Errorf("diagnostics:\n%s\nwant %s", errs.Format(), want)
	}
}

func TestCheckCountsCellsOverEveryTable(t *testing.T) {
	one := table(10, 48) // 500 cells
	if errs := check(strings.Repeat(one+"\n", 4), 1); len(errs) > 0 {
		t.Errorf("2000 cells refused:\n%s", errs.Format())
	}
	if errs := check(strings.Repeat(one+"\n", 5), 1); len(errs) != 1 {
		t.Errorf("2500 cells in five tables: %d diagnostics, want 1\n%s", len(errs), errs.Format())
	}
}

func TestCheckCountsTablesInQuotesListsAndWithoutOuterPipes(t *testing.T) {
	for name, src := range map[string]string{
		"quote":      "> " + strings.ReplaceAll(table(100, 30), "\n", "\n> "),
		"list":       "- item\n\n  " + strings.ReplaceAll(table(100, 30), "\n", "\n  "),
		"no pipes":   "a" + strings.Repeat(" | a", 99) + "\n---" + strings.Repeat(" | ---", 99) + "\n" + strings.Repeat("x\n", 30),
		"after text": "Una riga di testo\n" + table(100, 30),
		"CRLF":       strings.ReplaceAll(table(100, 30), "\n", "\r\n"),
	} {
		if errs := check(src, 1); len(errs) != 1 {
			t.Errorf("%s: %d diagnostics, want 1\n%s", name, len(errs), errs.Format())
		}
	}
}

func TestCheckRefusesDeepNesting(t *testing.T) {
	cases := []struct {
		name, src string
		line      int
	}{
		{"indented list", nestedList("", 25), 25},
		{"markers on one line", "Testo\n" + strings.Repeat("- ", 21) + "x\n", 2},
		{"quotes", strings.Repeat(">", 21) + " x\n", 1},
		{"quotes with spaces", strings.Repeat("> ", 21) + "x\n", 1},
		{"ordered", strings.Repeat("1. ", 21) + "x\n", 1},
		{"ordered by indentation", func() string {
			var b strings.Builder
			for i := 0; i < 21; i++ {
				b.WriteString(strings.Repeat("   ", i) + "1) x\n")
			}
			return b.String()
		}(), 21},
		{"tabs", func() string {
			var b strings.Builder
			for i := 0; i < 21; i++ {
				b.WriteString(strings.Repeat("\t", i) + "* x\n")
			}
			return b.String()
		}(), 21},
	}
	for _, c := range cases {
		errs := check(c.src, 1)
		if len(errs) != 1 || !strings.Contains(errs[0].Msg, "levels deep (at most 20); flatten the structure") || errs[0].Pos.Line != c.line {
			t.Errorf("%s: diagnostics:\n%s\nwant one about nesting at line %d, the deepest", c.name, errs.Format(), c.line)
		}
	}
	if errs := check(nestedList("", 20), 1); len(errs) > 0 {
		t.Errorf("20 levels refused:\n%s", errs.Format())
	}
}

func TestCheckReportsEachLimitOnce(t *testing.T) {
	errs := check(table(2000, 100)+"\n"+table(2000, 100)+"\n"+strings.Repeat("> ", 30)+"x\n"+strings.Repeat("> ", 40)+"x\n", 1)
	if len(errs) != 2 {
		t.Fatalf("%d diagnostics, want one per limit:\n%s", len(errs), errs.Format())
	}
	if !strings.Contains(errs[1].Msg, "nested 40 levels") {
		t.Errorf("the deepest nesting is not the one reported: %v", errs[1])
	}
}

// A fence only opens a code block where CommonMark says so. Check takes for a fence a
// line that is not one (indented code, a backtick in a backtick fence's info string) or
// a fence whose block ends with its list item or quote, and skips what follows: a table
// after it is never counted, however large.
func TestCheckSeesTablesAfterLinesThatOnlyLookLikeFences(t *testing.T) {
	big := table(500, 400) // 200,000 cells
	for name, src := range map[string]string{
		"indented code":           "    ```\n\n" + big,
		"backtick in info string": "```a`b\n" + big,
		"fence in a quote":        "> ```\n" + big,
		"fence in a list item":    "- ```\n" + big,
	} {
		errs := check(src, 1)
		if !errs.HasErrors() {
			html := render(src).HTML
			t.Errorf("%s: accepted, and renders %d bytes to %d", name, len(src), len(html))
		}
	}
}

// Indentation after a quote marker nests lists inside the quote as deeply as indentation
// at the start of a line, but Check counts only the latter.
func TestCheckSeesNestingInsideQuotes(t *testing.T) {
	src := nestedList("> ", 60)
	if errs := check(src, 1); !errs.HasErrors() {
		t.Errorf("a list nested 60 levels in a quote is accepted (it renders %d <ul>)", strings.Count(render(src).HTML, "<ul>"))
	}
}

// A link reference definition is copied into every link that uses it: 8 KB of Markdown
// renders to 2 MB, 1 MiB (the default file size limit) to gigabytes.
func TestCheckBoundsReferenceLinkExpansion(t *testing.T) {
	for _, def := range []string{"[a]: /" + strings.Repeat("u", 2000), "[a]: / \"" + strings.Repeat("t", 2000) + "\"", "> [a]:\n> /" + strings.Repeat("u", 2000)} {
		src := def + "\n\n" + strings.Repeat("[a]", 2000)
		if errs := check(src, 1); !errs.HasErrors() {
			t.Errorf("accepted %d bytes that render to %d bytes", len(src), len(render(src).HTML))
		}
	}
}

// goldmark's inline parser is quadratic in the unmatched link openers and mismatched
// emphasis delimiters of one paragraph: 256 KB of "[](" take 45 s, a file at the default
// 1 MiB limit about 12 minutes (see BenchmarkRenderPathological). Check reads the file
// line by line and should refuse such a paragraph; this test does not render it.
func TestCheckBoundsQuadraticInlineParsing(t *testing.T) {
	for _, unit := range []string{"[](", "[a](", "![](", "*a_"} {
		src := strings.Repeat(unit, (1<<20)/len(unit))
		if errs := check(src, 1); !errs.HasErrors() {
			t.Errorf("a 1 MiB paragraph of %q is accepted", unit)
		}
	}
	ordinary := strings.Repeat("Un paragrafo con [un link](/x), *enfasi* e snake_case_words.\n\n", 10000)
	if errs := check(ordinary, 1); errs.HasErrors() {
		t.Errorf("an ordinary long document is refused:\n%s", errs.Format())
	}
}

func TestCheckSurvivesAnyBytes(t *testing.T) {
	for _, src := range []string{"", "\n", "\x00", "\xff\xfe|", "|\n|-|\n", strings.Repeat("1234567890. ", 100), strings.Repeat("\t", 1000) + "-", "```", "~~~\n" + table(3000, 3)} {
		errs := check(src, 1)
		for _, e := range errs {
			if e.Pos.Line < 1 || e.Pos.File != "f.md" {
				t.Errorf("%q: %v", src, e)
			}
		}
	}
}

// Check warns, at the first of them, about images that will be shown as their text only,
// and says how many more there are; http, https and raster data: images are fine.
func TestCheckWarnsAtAnImageOfAnotherScheme(t *testing.T) {
	src := "Testo.\n\n![ok](https://example.org/a.png) ![ok](data:image/png;base64,AA) ![ok](a.png)\n  Vedi ![schema](ftp://example.org/a.png) e ![g](Gopher://x).\n"
	var errs diag.List
	markdown.CheckImages("f.md", 5, []byte(src), &errs)
	if errs.HasErrors() || len(errs) != 1 {
		t.Fatalf("want one warning, got:\n%s", errs.Format())
	}
	e := errs[0]
	if e.Pos.Line != 8 || e.Pos.Col != 8 || !strings.Contains(e.Msg, "ftp:") || !strings.Contains(e.Msg, "and 1 more") || !strings.Contains(e.Msg, "attach the file") {
		t.Errorf("got %v", e)
	}
	errs = nil
	markdown.CheckImages("f.md", 1, []byte("![svg](data:image/svg+xml;base64,PHN2Zz4=)\n"), &errs)
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "data:") {
		t.Errorf("an SVG data: image: got %s", errs.Format())
	}
}
