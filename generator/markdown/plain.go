package markdown

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Plain returns what a reader of src's page reads, without markup: its text, one line per
// block (paragraph, heading, list item, table cell, line of code), and its summary, the
// same as Render's. Raw HTML gives its text without its tags, as the page shows it; links give their
// text, images their alternative text. It is what the search index analyses, and costs a
// parse of src, not a rendering.
func (r *Renderer) Plain(src []byte) (summaryText, plain string) {
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	buf := r.bufs.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); r.bufs.Put(buf) }()
	blockText(buf, doc, src)
	return summary(doc, src, 50), string(bytes.TrimSpace(buf.Bytes()))
}

// blockText writes the text under n, a newline between blocks.
func blockText(b *bytes.Buffer, n ast.Node, source []byte) {
	newline := func() {
		if b.Len() > 0 && b.Bytes()[b.Len()-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if c.Type() == ast.TypeBlock {
			newline()
		}
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.HTMLBlock:
			for _, para := range htmlBlockText(c, source) {
				newline()
				b.WriteString(strings.Join(para, "\n"))
			}
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			lines := c.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				b.Write(bytes.TrimRight(seg.Value(source), "\r\n"))
				b.WriteByte('\n')
			}
			return ast.WalkSkipChildren, nil
		}
		return inlineText(b, c, source), nil
	})
}
