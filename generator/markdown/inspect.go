package markdown

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Ref is a link or an image whose URL is a relative path, such as an attachment's name.
type Ref struct {
	Pos   diag.Pos
	Path  string // the URL's path, without its query and fragment, percent-decoded
	Image bool
}

// htmlWarnings is how many raw HTML blocks of one file are warned about one by one.
const htmlWarnings = 3

var inspectParser = sync.OnceValue(func() parser.Parser { return New().md.Parser() })

// Inspect parses src as Render does and warns at each raw HTML block (at most the first
// three, the last saying how many more there are): its tags are not published, only its
// text. It returns the links and images whose URL is a relative path (no scheme, no
// leading / or #), for the caller to check against the files it publishes. Call it on
// text that Check accepted: it parses, and parsing is what Check bounds. firstLine is
// the file line where src starts.
func Inspect(file string, firstLine int, src []byte, errs *diag.List) []Ref {
	if !bytes.ContainsAny(src, "<]") { // no HTML, no link, no image: nothing to parse for
		return nil
	}
	doc := inspectParser().Parse(text.NewReader(src), parser.WithContext(parser.NewContext(parser.WithIDs(newIDs()))))
	lines := lineStarts(src)
	pos := func(off int) diag.Pos {
		i := sort.Search(len(lines), func(i int) bool { return lines[i] > off }) - 1
		return diag.Pos{File: file, Line: firstLine + i, Col: off - lines[i] + 1}
	}
	var blocks []int
	var refs []Ref
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			if n.Lines().Len() > 0 {
				off := n.Lines().At(0).Start
				for off < len(src) && (src[off] == ' ' || src[off] == '\t') {
					off++
				}
				blocks = append(blocks, off)
			}
			return ast.WalkSkipChildren, nil
		case *ast.Link:
			if p, ok := localPath(n.Destination); ok {
				refs = append(refs, Ref{Pos: pos(labelStart(n, src, '[')), Path: p})
			}
		case *ast.Image:
			if p, ok := localPath(n.Destination); ok {
				refs = append(refs, Ref{Pos: pos(labelStart(n, src, '!')), Path: p, Image: true})
			}
		}
		return ast.WalkContinue, nil
	})
	for i, off := range blocks {
		if i == htmlWarnings {
			break
		}
		more := ""
		if i == htmlWarnings-1 && len(blocks) > htmlWarnings {
			more = fmt.Sprintf(" (and %d more raw HTML blocks in this file)", len(blocks)-htmlWarnings)
		}
		errs.Warn(pos(off), "raw HTML is not published: its tags are dropped and its text kept as plain paragraphs%s; write it in Markdown (a centred logo or title: an image and a heading; a table: a Markdown table)", more)
	}
	return refs
}

// lineStarts returns the offset at which each line of src starts.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// labelStart finds where a link or an image starts in src: at the [ (or, for an image,
// the ! before it) that opens the label before its first text. A link without text is
// placed at the start of its paragraph's line.
func labelStart(n ast.Node, src []byte, mark byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off < 0 {
		for p := n.Parent(); p != nil; p = p.Parent() {
			if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
				return p.Lines().At(0).Start
			}
		}
		return 0
	}
	for i := off - 1; i >= 0 && i >= off-16; i-- {
		if src[i] == '[' {
			if mark == '!' && i > 0 && src[i-1] == '!' {
				return i - 1
			}
			return i
		}
	}
	return off
}

// localPath returns the path of a URL that names a file of the site relative to the
// page: no scheme, not a path from the site's root, not only a fragment or a query.
func localPath(dest []byte) (string, bool) {
	d := strings.TrimSpace(string(dest))
	if d == "" || urlScheme([]byte(d)) != "" || strings.HasPrefix(d, "/") || strings.HasPrefix(d, "\\") || strings.HasPrefix(d, "#") || strings.HasPrefix(d, "?") {
		return "", false
	}
	if i := strings.IndexAny(d, "?#"); i >= 0 {
		d = d[:i]
	}
	if p, err := url.PathUnescape(d); err == nil {
		d = p
	}
	if bytes.ContainsAny([]byte(d), "\x00") {
		return "", false
	}
	return d, true
}
