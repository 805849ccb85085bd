package meta_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
)

const md = "content/proposals/x/index.md"

func split(src string) (meta.Document, diag.List) {
	var errs diag.List
	d := meta.Split(md, []byte(src), &errs)
	return d, errs
}

// key returns the value node of key in the front matter, or fails.
func key(t *testing.T, d meta.Document, name string) (line, col int) {
	t.Helper()
	if d.Meta == nil {
		t.Fatalf("no front matter")
	}
	for i := 0; i+1 < len(d.Meta.Content); i += 2 {
		if d.Meta.Content[i].Value == name {
			v := d.Meta.Content[i+1]
			return v.Line, v.Column
		}
	}
	t.Fatalf("no key %q in the front matter", name)
	return 0, 0
}

func TestSplitGivesFileLinesToFrontMatterAndBody(t *testing.T) {
	d, errs := split("---\ntitle: T\ndate: 2025-01-01\n---\nFirst line of text.\n---\nnot front matter\n")
	if len(errs) > 0 {
		t.Fatal(messages(errs))
	}
	if d.MetaLine != 2 || d.BodyLine != 5 {
		t.Errorf("MetaLine %d, BodyLine %d; want 2 and 5", d.MetaLine, d.BodyLine)
	}
	if got, want := string(d.Body), "First line of text.\n---\nnot front matter\n"; got != want {
		t.Errorf("Body = %q, want %q", got, want)
	}
	if l, c := key(t, d, "date"); l != 3 || c != 7 {
		t.Errorf("date at %d:%d, want 3:7", l, c)
	}
}

func TestSplitSkipsBlankLinesBeforeTheFirstDashes(t *testing.T) {
	d, errs := split("\n  \n\t\n---\ntitle: T\n---\nText\n")
	if len(errs) > 0 {
		t.Fatal(messages(errs))
	}
	if d.MetaLine != 5 || d.BodyLine != 7 || string(d.Body) != "Text\n" {
		t.Errorf("MetaLine %d, BodyLine %d, Body %q; want 5, 7, \"Text\\n\"", d.MetaLine, d.BodyLine, d.Body)
	}
	if l, c := key(t, d, "title"); l != 5 || c != 8 {
		t.Errorf("title at %d:%d, want 5:8", l, c)
	}
}

func TestSplitReadsCRLFFiles(t *testing.T) {
	d, errs := split("---\r\ntitle: T\r\ntags:\r\n  - a\r\n  - b\r\n---\r\nText\r\n")
	if len(errs) > 0 {
		t.Fatal(messages(errs))
	}
	if d.MetaLine != 2 || d.BodyLine != 7 || string(d.Body) != "Text\r\n" {
		t.Errorf("MetaLine %d, BodyLine %d, Body %q", d.MetaLine, d.BodyLine, d.Body)
	}
	if l, c := key(t, d, "title"); l != 2 || c != 8 {
		t.Errorf("title at %d:%d, want 2:8", l, c)
	}
	var got doc
	meta.Decode(md, d.Meta, &got, &errs)
	if got.Title != "T" || strings.Join(got.Tags, ",") != "a,b" {
		t.Errorf("CRLF values: title %q tags %q (no stray \\r)", got.Title, got.Tags)
	}
	if p := got.At["tags.1"]; p.Line != 5 || p.Col != 5 {
		t.Errorf("tags.1 at %v, want line 5 col 5", p)
	}
}

func TestSplitEmptyFrontMatterIsNotAnError(t *testing.T) {
	d, errs := split("---\n---\nText\n")
	if len(errs) > 0 || d.Meta == nil {
		t.Fatalf("Meta %v, errors:\n%s", d.Meta, messages(errs))
	}
	if len(d.Meta.Content) != 0 || d.BodyLine != 3 || string(d.Body) != "Text\n" {
		t.Errorf("keys %d, BodyLine %d, Body %q", len(d.Meta.Content)/2, d.BodyLine, d.Body)
	}
	var got doc
	meta.Decode(md, d.Meta, &got, &errs)
	if !has(errs, md+`:…`) || !strings.Contains(messages(errs), `missing required key "title"`) {
		t.Errorf("want missing title, got:\n%s", messages(errs))
	}
}

// An empty front matter after blank lines is placed at line 1, a blank line, instead of
// in the front matter: the "missing required key" error then points at the wrong line.
func TestEmptyFrontMatterIsPositionedInTheFile(t *testing.T) {
	d, errs := split("\n\n---\n---\nText\n")
	if d.Meta == nil {
		t.Fatal(messages(errs))
	}
	if d.Meta.Line < d.MetaLine-1 || d.Meta.Line >= d.BodyLine {
		t.Errorf("empty front matter placed at line %d; its --- lines are %d and %d", d.Meta.Line, d.MetaLine-1, d.BodyLine-1)
	}
	var got doc
	meta.Decode(md, d.Meta, &got, &errs)
	for _, e := range errs {
		if e.Pos.Line < 3 {
			t.Errorf("%v: points at a blank line before the front matter", e)
		}
	}
}

func TestSplitReportsMissingAndForeignFrontMatter(t *testing.T) {
	cases := []struct{ src, want string }{
		{"", md + ":1:1: missing front matter…"},
		{"\n\n", md + ":1:1: missing front matter…"},
		{"Just text\n---\n", md + ":1:1: missing front matter…"},
		{"\n\ntitle: T\n---\n", md + ":3:1: missing front matter…"},
		{"---\ntitle: T\n\nText without the closing line\n", md + ":1:1: the front matter is not closed: add a line --- after the last key (did you forget the closing ---?)"},
		{"\n---\ntitle: T\n", md + ":2:1: the front matter is not closed…"},
		{"---", md + ":1:1: the front matter is not closed…"},
		{"+++\ntitle = \"T\"\n+++\n", md + ":1:1: TOML front matter is not supported; write the keys as YAML between two --- lines"},
		{"\n---toml\ntitle = \"T\"\n---\n", md + ":2:1: TOML front matter is not supported…"},
		{";;;\n{\"title\": \"T\"}\n;;;\n", md + ":1:1: JSON front matter is not supported…"},
		{"{\n\"title\": \"T\"\n}\n", md + ":1:1: JSON front matter is not supported…"},
		{"---json\n{}\n---\n", md + ":1:1: JSON front matter is not supported…"},
	}
	for _, c := range cases {
		d, errs := split(c.src)
		if d.Meta != nil || !has(errs, c.want) {
			t.Errorf("%q: Meta %v, diagnostics:\n%s\nwant %s", c.src, d.Meta != nil, messages(errs), c.want)
		}
		if string(d.Body) != c.src {
			t.Errorf("%q: on error Body is %q, want the whole file", c.src, d.Body)
		}
	}
}

func TestSplitRefusesWhatIsNotText(t *testing.T) {
	cases := []struct{ src, want string }{
		{"\xef\xbb\xbf---\ntitle: T\n---\n", md + ":1:1: the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"},
		{"---\ntitle: a\x00b\n---\n", md + ":2:9: NUL byte…"},
		{"---\ntitle: città \xe9\n---\n", md + ":2:14: invalid UTF-8; save the file with UTF-8 encoding"},
		{"---\ntitle: T\n---\n\xff", md + ":4:1: invalid UTF-8…"},
	}
	for _, c := range cases {
		d, errs := split(c.src)
		if d.Meta != nil || !has(errs, c.want) {
			t.Errorf("%q: Meta %v, diagnostics:\n%s\nwant %s", c.src, d.Meta != nil, messages(errs), c.want)
		}
	}
}

func TestSplitReportsYAMLErrorsAtTheirFileLine(t *testing.T) {
	d, errs := split("\n---\ntitle: T\nauthors: \"unclosed\n---\nText\n")
	if d.Meta != nil || !has(errs, md+":4:1: invalid YAML: found unexpected end of stream") {
		t.Errorf("diagnostics:\n%s", messages(errs))
	}
	if d.BodyLine != 6 || string(d.Body) != "Text\n" {
		t.Errorf("after a YAML error BodyLine %d Body %q: the body must still be usable", d.BodyLine, d.Body)
	}
}

func TestSplitBodyLineWhenTheFileEndsAtTheClosingLine(t *testing.T) {
	d, errs := split("---\ntitle: T\n---")
	if len(errs) > 0 || d.Meta == nil {
		t.Fatal(messages(errs))
	}
	if len(d.Body) != 0 || d.BodyLine != 4 {
		t.Errorf("Body %q, BodyLine %d; want empty at line 4", d.Body, d.BodyLine)
	}
}

func TestSplitRefusesAnchorsInFrontMatter(t *testing.T) {
	_, errs := split("---\ntitle: &t T\nbody: *t\n---\n")
	if !has(errs, md+":2:8: YAML anchors and aliases (&, *, <<) are not allowed; write the value out in full") {
		t.Errorf("diagnostics:\n%s", messages(errs))
	}
}

// adrg/frontmatter ends the front matter at the first line that is --- once trimmed, so an
// indented --- inside a block scalar silently cuts the front matter there: the rest of the
// value and every later key become body text, with no error.
func TestIndentedDashesInAValueDoNotSilentlyEndTheFrontMatter(t *testing.T) {
	d, errs := split("---\ntitle: T\nanswer:\n  text: |\n    Prima parte\n    ---\n    Seconda parte\n  date: 2025-01-01\n---\nBody\n")
	if len(errs) == 0 && (string(d.Body) != "Body\n" || d.BodyLine != 10) {
		t.Errorf("no error, and the front matter ends at line %d: the body is %q", d.BodyLine-1, d.Body)
	}
}
