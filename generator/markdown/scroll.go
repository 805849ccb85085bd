package markdown

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// The ids of the elements that name code blocks and tables for assistive technology. The
// page that shows rendered Markdown writes them, with text in its own language, so that one
// rendering serves every language; a heading never takes them.
const (
	LabelCode  = "label-code"
	LabelTable = "label-table"
)

// scrollRenderer writes code blocks and tables as regions that scroll on their own, take
// the keyboard focus and have a name (WCAG 2.1.1 and 1.4.10: a phone user can scroll them
// with the keyboard, and the page never scrolls sideways). The attributes are pspm's own:
// nothing an author writes reaches them, except a code block's language, escaped, in the
// class of its <code>, as goldmark writes it.
type scrollRenderer struct{}

func (scrollRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindCodeBlock, renderCode)
	reg.Register(ast.KindFencedCodeBlock, renderCode)
	reg.Register(east.KindTable, renderTable)
}

func renderCode(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<pre tabindex="0" role="region" aria-labelledby="` + LabelCode + `"><code`)
	if n, ok := node.(*ast.FencedCodeBlock); ok {
		if lang := n.Language(source); lang != nil {
			_, _ = w.WriteString(` class="language-`)
			html.DefaultWriter.Write(w, lang)
			_ = w.WriteByte('"')
		}
	}
	_ = w.WriteByte('>')
	lines := node.Lines()
	for i := range lines.Len() {
		line := lines.At(i)
		html.DefaultWriter.RawWrite(w, line.Value(source))
	}
	return ast.WalkContinue, nil
}

func renderTable(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</table></div>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="` + LabelTable + `"><table`)
	if node.Attributes() != nil {
		html.RenderAttributes(w, node, extension.TableAttributeFilter)
	}
	_, _ = w.WriteString(">\n")
	return ast.WalkContinue, nil
}
