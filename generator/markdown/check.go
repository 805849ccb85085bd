package markdown

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Limits bound what one document may cost to render.
type Limits struct {
	TableCells int // rows × columns over all tables of the document
	Nesting    int // depth of nested lists and block quotes
}

// inlineCost bounds the sum, over the paragraphs of a document, of the square of their
// inlineOpeners: goldmark's inline parser is quadratic in link openers and mismatched
// emphasis delimiters (256 KB of "[](" or "*a_" in one paragraph take 45 s).
// 30,000,000 is about 0.2 s of rendering; ordinary paragraphs have a few dozen.
const inlineCost = 30_000_000

// inlineOpeners counts what the inline parser may try to match in line: links (a ]( after
// a [) and runs of * or _.
func inlineOpeners(line []byte) int {
	n := min(bytes.Count(line, []byte("[")), bytes.Count(line, []byte("](")))
	for i, c := range line {
		if (c == '*' || c == '_') && (i == 0 || line[i-1] != c) {
			n++
		}
	}
	return n
}

// Check reports, before rendering, Markdown that would blow up when rendered: GFM tables
// whose header declares many columns are padded to that width on every row (an 11 KB table
// can render to 40 MB), a link reference definition is copied into every link that uses
// it, long paragraphs of link openers or emphasis delimiters cost quadratic time, and
// deeply nested lists and quotes cost time at every level. It reads the text line by line,
// without parsing, so that it costs little on any input. firstLine is the file line where
// src starts.
func Check(file string, firstLine int, src []byte, lim Limits, errs *diag.List) {
	cells := 0
	cols := 0 // columns of the table being read, 0 outside tables
	fence := []byte(nil)
	deepest, deepestLine := 0, 0
	reported := false
	cost, openers := 0, 0                       // inline cost of the paragraphs before, [*_ of this one
	size, defStart, defColon := 0, false, false // of this paragraph: bytes, maybe a definition
	def, defLine := 0, 0                        // the largest paragraph that may define a link
	costLine := 0
	for i, line := range bytes.Split(src, []byte("\n")) {
		ln := firstLine + i
		inner, depth := strip(line)
		// Tables, paragraphs and definitions are counted in code blocks too: a line that only
		// looks like a fence (in an HTML block or a link title, indented code, a fence whose
		// quote or list item ends) would otherwise hide what follows it.
		switch {
		case cols > 0 && len(bytes.TrimSpace(inner)) > 0:
			cells += cols
		case isDelimiterRow(inner):
			cols = bytes.Count(bytes.Trim(bytes.TrimSpace(inner), "|"), []byte("|")) + 1
			cells += 2 * cols // the header and the delimiter row
		default:
			cols = 0
		}
		if cells > lim.TableCells && !reported {
			errs.Add(diag.Pos{File: file, Line: ln, Col: 1}, "tables are too large: more than %d cells in this file (columns × rows, every row is padded to the header's columns); split the table or link a CSV attachment", lim.TableCells)
			reported = true
		}
		if len(bytes.TrimSpace(inner)) == 0 { // a paragraph ends
			cost += openers * openers
			if defStart && defColon && size > def {
				def, defLine = size, ln-1
			}
			openers, size, defStart, defColon = 0, 0, false, false
		} else {
			openers += inlineOpeners(inner)
			size += len(line) + 1
			defStart = defStart || bytes.HasPrefix(bytes.TrimLeft(inner, " "), []byte("["))
			defColon = defColon || bytes.Contains(inner, []byte("]:"))
			if costLine == 0 && cost+openers*openers > inlineCost {
				costLine = ln
			}
		}
		if fence != nil {
			if bytes.HasPrefix(bytes.TrimLeft(inner, " "), fence) {
				fence = nil
			}
			continue
		}
		if t := bytes.TrimLeft(inner, " "); bytes.HasPrefix(t, []byte("```")) || bytes.HasPrefix(t, []byte("~~~")) {
			fence = t[:3]
			continue
		}
		if depth > deepest {
			deepest, deepestLine = depth, ln
		}
	}
	if defStart && defColon && size > def {
		def, defLine = size, firstLine+bytes.Count(src, []byte("\n"))
	}
	if costLine > 0 {
		errs.Add(diag.Pos{File: file, Line: costLine, Col: 1}, "too many links and emphasis marks ([, *, _) in one paragraph to render in reasonable time; split the paragraph with blank lines or put code between backticks")
	}
	// Every ] may close a link that copies the largest definition.
	if uses := bytes.Count(src, []byte("]")); def > 0 && uses*def > 100*len(src) {
		errs.Add(diag.Pos{File: file, Line: defLine, Col: 1}, "link references would copy %d bytes into %d links; write long addresses inline or shorten them", def, uses)
	}
	if deepest > lim.Nesting {
		errs.Add(diag.Pos{File: file, Line: deepestLine, Col: 1}, "lists or quotes are nested %d levels deep (at most %d); flatten the structure", deepest, lim.Nesting)
	}
}

// strip removes the block-quote and list markers that open a line and returns what is left
// and an estimate of the nesting depth they open: one level per marker, and one per two
// columns of indentation before the first marker.
func strip(line []byte) ([]byte, int) {
	depth, indent := 0, 0
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		if line[i] == '\t' {
			indent += 4
		} else {
			indent++
		}
		i++
	}
	for i < len(line) {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			// Indentation after a marker nests lists inside a quote or item, as indentation
			// before it does; the one space that may follow > is not indentation.
			if c == '\t' {
				indent += 4
			} else if line[i-1] != '>' {
				indent++
			}
			i++
		case c == '>':
			depth++
			i++
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			depth++
			i += 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				depth++
				i = j + 2
				continue
			}
			return line[i:], depth + indent/2
		default:
			return line[i:], depth + indent/2
		}
	}
	return nil, depth + indent/2
}

// isDelimiterRow reports whether line is a GFM table delimiter row such as |---|:--:|.
func isDelimiterRow(line []byte) bool {
	t := bytes.TrimSpace(line)
	if len(t) == 0 || bytes.IndexByte(t, '-') < 0 {
		return false
	}
	pipes := false
	for _, c := range t {
		switch c {
		case '|':
			pipes = true
		case '-', ':', ' ', '\t':
		default:
			return false
		}
	}
	return pipes || bytes.Count(t, []byte("-")) > 0 && bytes.IndexByte(t, ':') >= 0
}

// rasterData is what follows "data:" in the data: URLs of images that are shown.
var rasterData = regexp.MustCompile(`^(?i)image/(png|gif|jpeg|webp)[;,]`)

// inlineImage matches the start of an inline image whose URL has a scheme: ![alt](scheme:
var inlineImage = regexp.MustCompile(`!\[[^\]\n]*\]\([ \t]*<?([A-Za-z][A-Za-z0-9+.-]*):`)

// CheckImages warns, once per file at the first of them, about inline images that will
// not be shown: an image comes from the site itself, from http or https (shown as a link),
// or from a data: URL of a PNG, GIF, JPEG or WebP; any other scheme (ftp:, gopher:…) is
// rendered as its text. It reads lines, without parsing: reference images and images in
// code are not told apart, and the renderer decides in the end. firstLine is the file
// line where src starts.
func CheckImages(file string, firstLine int, src []byte, errs *diag.List) {
	if !bytes.Contains(src, []byte("![")) {
		return
	}
	first, n := diag.Pos{}, 0
	scheme := ""
	for i, line := range bytes.Split(src, []byte("\n")) {
		for _, m := range inlineImage.FindAllSubmatchIndex(line, -1) {
			s := strings.ToLower(string(line[m[2]:m[3]]))
			if s == "http" || s == "https" || s == "data" && rasterData.Match(line[m[3]+1:]) {
				continue
			}
			if n == 0 {
				first, scheme = diag.Pos{File: file, Line: firstLine + i, Col: m[0] + 1}, s
			}
			n++
		}
	}
	if n == 0 {
		return
	}
	more := ""
	if n > 1 {
		more = fmt.Sprintf(" (and %d more images in this file)", n-1)
	}
	errs.Warn(first, "an image from a %s: URL is not shown, only its text%s; images come from the site (attach the file beside the item and write its name) or from an http or https address (shown as a link)", scheme, more)
}
