package synth

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The writers below produce YAML by hand, a key per line: the content format
// is a small, fixed subset and encoding it directly keeps Generate fast and
// its output byte-stable. A key may carry its own indentation ("  - name").

// frontMatter starts a Markdown file.
func (g *generator) frontMatter() {
	g.buf.Reset()
	g.buf.WriteString("---\n")
}

// endFrontMatter closes the front matter; the body follows after a blank line.
func (g *generator) endFrontMatter() { g.buf.WriteString("---\n\n") }

// str writes a string value, quoted when a plain scalar would not read back
// as the same string.
func (g *generator) str(key, val string) { g.raw(key, scalar(val)) }

// raw writes a value that is already valid YAML: a number, a date, a keyword.
func (g *generator) raw(key, val string) {
	g.buf.WriteString(key)
	g.buf.WriteString(": ")
	g.buf.WriteString(val)
	g.buf.WriteByte('\n')
}

// flow writes a list of strings in flow style: key: [a, b].
func (g *generator) flow(key string, vals []string) {
	g.buf.WriteString(key)
	g.buf.WriteString(": [")
	for i, v := range vals {
		if i > 0 {
			g.buf.WriteString(", ")
		}
		g.buf.WriteString(scalar(v))
	}
	g.buf.WriteString("]\n")
}

// literal writes Markdown text as a literal block scalar, indented by indent.
func (g *generator) literal(key, indent, text string) {
	g.buf.WriteString(key)
	g.buf.WriteString(": |\n")
	for line := range strings.Lines(text) {
		if line != "\n" {
			g.buf.WriteString(indent)
		}
		g.buf.WriteString(line)
	}
	if !strings.HasSuffix(text, "\n") {
		g.buf.WriteByte('\n')
	}
}

// scalar is s as a YAML scalar: plain if it starts with a letter and holds
// nothing YAML would read otherwise (": ", " #", flow punctuation, a 1.1
// boolean or null), double-quoted otherwise.
func scalar(s string) string {
	if plain(s) {
		return s
	}
	return strconv.Quote(s)
}

func plain(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(r) {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "n", "yes", "no", "on", "off", "true", "false", "null":
		return false
	}
	return !strings.HasSuffix(s, ":") && !strings.HasSuffix(s, " ") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") &&
		!strings.ContainsAny(s, ",[]{}\"\n\t\\")
}
