package markdown

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
	nethtml "golang.org/x/net/html"
)

// rawHTMLRenderer publishes the text of raw HTML, never its markup. CommonMark reads an
// HTML block up to the next blank line (or its closing tag), lines of Markdown included,
// so dropping the block would drop the text an author wrote inside and after a
// <div align="center">. The block's tags are dropped and its text is kept, escaped, as
// plain paragraphs; inline raw HTML (a <sup> in a sentence) is dropped, the text between
// its tags being Markdown already. A <br> stays a line break.
type rawHTMLRenderer struct{}

func (rawHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindRawHTML, renderRawHTML)
}

func renderHTMLBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	for _, para := range htmlBlockText(node.(*ast.HTMLBlock), source) {
		_, _ = w.WriteString("<p>")
		for i, line := range para {
			if i > 0 {
				_, _ = w.WriteString("<br>\n")
			}
			_, _ = w.WriteString(nethtml.EscapeString(line))
		}
		_, _ = w.WriteString("</p>\n")
	}
	return ast.WalkSkipChildren, nil
}

// brTag is an inline line break written in HTML.
var brTag = regexp.MustCompile(`(?i)^<br\s*/?>$`)

func renderRawHTML(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.RawHTML)
	if n.Segments.Len() == 1 && brTag.Match(n.Segments.Value(source)) {
		_, _ = w.WriteString("<br>")
	}
	return ast.WalkSkipChildren, nil
}

// htmlBlockText returns the text of an HTML block as a reader would see it: paragraphs,
// each a list of lines (split at <br>), each with its spaces collapsed. Block elements
// (div, p, h1, li, td…) end a paragraph; the content of script, style and other elements
// that show no text is dropped, and so are comments.
func htmlBlockText(n *ast.HTMLBlock, source []byte) [][]string {
	var raw bytes.Buffer
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		raw.Write(seg.Value(source))
	}
	if n.HasClosure() {
		raw.Write(n.ClosureLine.Value(source))
	}
	return htmlText(raw.Bytes())
}

// inlineElements do not end a paragraph of an HTML block's text.
var inlineElements = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true,
	"data": true, "dfn": true, "em": true, "font": true, "i": true, "img": true, "kbd": true,
	"label": true, "mark": true, "picture": true, "q": true, "s": true, "samp": true,
	"small": true, "source": true, "span": true, "strike": true, "strong": true, "sub": true,
	"sup": true, "time": true, "tt": true, "u": true, "var": true, "wbr": true, "ins": true,
	"del": true, "big": true, "nobr": true,
}

// hiddenElements have content that is not text a reader sees.
var hiddenElements = map[string]bool{
	"script": true, "style": true, "template": true, "iframe": true, "noembed": true,
	"noframes": true, "object": true, "svg": true, "math": true, "head": true, "title": true,
	"textarea": true, "select": true,
}

// htmlText tokenizes raw HTML, as a browser would, and keeps its text.
func htmlText(raw []byte) [][]string {
	var (
		paras  [][]string
		para   []string
		line   strings.Builder
		hidden int
	)
	endLine := func() {
		s := strings.Join(strings.Fields(line.String()), " ")
		line.Reset()
		if s != "" {
			para = append(para, s)
		}
	}
	endPara := func() {
		endLine()
		if len(para) > 0 {
			paras = append(paras, para)
		}
		para = nil
	}
	z := nethtml.NewTokenizer(bytes.NewReader(raw))
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			endPara()
			return paras
		case nethtml.TextToken:
			if hidden == 0 {
				line.WriteByte(' ')
				line.Write(z.Text())
				line.WriteByte(' ')
			}
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			tag := string(name)
			switch {
			case hiddenElements[tag]:
				if tt == nethtml.StartTagToken {
					hidden++
				} else if tt == nethtml.EndTagToken && hidden > 0 {
					hidden--
				}
			case hidden > 0:
			case tag == "br":
				endLine()
			case !inlineElements[tag]:
				endPara()
			}
		}
	}
}
