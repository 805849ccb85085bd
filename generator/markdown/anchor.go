package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Paragraph is a block of a text that comments can be anchored to: a paragraph, or the
// text of an item of a tight list. Its ID is "p-" and the first 8 hexadecimal digits of
// the SHA-256 of its normalised text (its words as a reader sees them, separated by one
// space), so it stays the same when other paragraphs change; the second and later
// paragraphs with the same text get "-2", "-3"… in the order of the text.
type Paragraph struct {
	ID   string
	Text string // the normalised text
	// End and After are byte offsets in Anchored.HTML: End is where the block's own text
	// ends, inside its element (a place for a link to the paragraph); After is past the
	// element (a place for what is said about it), or, in a list item, past its text.
	End, After int
}

// Anchored is a text rendered with its paragraphs' anchors: Result is the same HTML as
// Render gives, HTML has an id on every paragraph (and on each item of a tight list).
type Anchored struct {
	Result
	HTML       string
	Paragraphs []Paragraph // in the order of the text
}

// AnchorOf is the anchor of a paragraph with the normalised text t (before any "-2"
// suffix): what Paragraph.ID is for the first paragraph with that text.
func AnchorOf(t string) string {
	sum := sha256.Sum256([]byte(t))
	return "p-" + hex.EncodeToString(sum[:4])
}

// normalise is the text a paragraph's anchor hashes: its words, separated by one space
// (strings.Join(strings.Fields(string(b)), " "), without the list of words: every
// paragraph of every text is normalised when it is rendered).
func normalise(b []byte) string {
	var out strings.Builder
	out.Grow(len(b))
	word := false // the last rune written belongs to a word that may go on
	for i := 0; i < len(b); {
		size, space := 1, false
		if c := b[i]; c < utf8.RuneSelf {
			space = c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
		} else {
			var r rune
			r, size = utf8.DecodeRune(b[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space:
			word = false
		case !word && out.Len() > 0:
			out.WriteByte(' ')
			fallthrough
		default:
			word = true
			out.Write(b[i : i+size])
		}
		i += size
	}
	return out.String()
}

// anchorsKey marks, in a parser context, a parse whose paragraphs get anchors; its value
// is the *[]Paragraph the transformer fills.
var anchorsKey = parser.NewContextKey()

// Attributes the transformer sets on anchored nodes for the node renderers; an author
// cannot write them (no attribute syntax is enabled), and no renderer writes them out.
var (
	attrIndex = []byte("pspm-anchor") // the paragraph's index in the list, on the node that ends it
	attrID    = []byte("pspm-id")     // the anchor, on the element that carries it
)

// anchors is the AST transformer that names paragraphs, when the context asks for it.
type anchors struct{}

func (anchors) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	list, _ := pc.Get(anchorsKey).(*[]Paragraph)
	if list == nil {
		return
	}
	src := reader.Source()
	taken := map[string]bool{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); entering && ok {
			if id, ok := h.AttributeString("id"); ok {
				if b, ok := id.([]byte); ok {
					taken[string(b)] = true
				}
			}
		}
		return ast.WalkContinue, nil
	})
	seen := map[string]int{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var carrier ast.Node
		switch n.Kind() {
		case ast.KindParagraph:
			carrier = n
		case ast.KindTextBlock:
			if li, ok := n.Parent().(*ast.ListItem); ok && li.FirstChild() == n {
				carrier = li
			}
		}
		if carrier == nil {
			return ast.WalkContinue, nil
		}
		t := normalise(plainText(n, src))
		base := AnchorOf(t)
		id := base
		for k := seen[base]; ; {
			k++
			if k > 1 {
				id = base + "-" + strconv.Itoa(k)
			}
			if !taken[id] {
				seen[base] = k
				break
			}
		}
		taken[id] = true
		carrier.SetAttribute(attrID, []byte(id))
		n.SetAttribute(attrIndex, len(*list))
		*list = append(*list, Paragraph{ID: id, Text: t})
		return ast.WalkSkipChildren, nil
	})
}

// Markers the node renderers write around what only the anchored HTML keeps, and where
// a paragraph ends; a NUL never reaches the output otherwise (RenderAnchored replaces
// the source's with U+FFFD, as CommonMark asks).
const (
	markOpen   = '\x00'
	markIDFrom = 'i' // the id attribute starts
	markIDTo   = 'j' // and ends
	markEnd    = 'e' // the paragraph's text ends: <index>
	markAfter  = 'a' // past the paragraph: <index>
)

func writeMark(w util.BufWriter, kind byte, index int) {
	_ = w.WriteByte(markOpen)
	_ = w.WriteByte(kind)
	if index >= 0 {
		_, _ = w.WriteString(strconv.Itoa(index))
	}
	_ = w.WriteByte(markOpen)
}

// writeID writes the carrier's anchor as an id attribute, between markers.
func writeID(w util.BufWriter, n ast.Node) {
	v, ok := n.Attribute(attrID)
	if !ok {
		return
	}
	id, _ := v.([]byte)
	writeMark(w, markIDFrom, -1)
	_, _ = w.WriteString(` id="`)
	_, _ = w.Write(util.EscapeHTML(id))
	_ = w.WriteByte('"')
	writeMark(w, markIDTo, -1)
}

func indexOf(n ast.Node) int {
	if v, ok := n.Attribute(attrIndex); ok {
		if i, ok := v.(int); ok {
			return i
		}
	}
	return -1
}

// anchorRenderer writes paragraphs, text blocks and list items as goldmark does, with
// the anchors and markers of an anchored parse.
type anchorRenderer struct{}

func (anchorRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindParagraph, renderParagraph)
	reg.Register(ast.KindTextBlock, renderTextBlock)
	reg.Register(ast.KindListItem, renderListItem)
}

func renderParagraph(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	i := indexOf(n)
	if entering {
		_, _ = w.WriteString("<p")
		writeID(w, n)
		_ = w.WriteByte('>')
		return ast.WalkContinue, nil
	}
	if i >= 0 {
		writeMark(w, markEnd, i)
	}
	_, _ = w.WriteString("</p>\n")
	if i >= 0 {
		writeMark(w, markAfter, i)
	}
	return ast.WalkContinue, nil
}

func renderTextBlock(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		return ast.WalkContinue, nil
	}
	if i := indexOf(n); i >= 0 {
		writeMark(w, markEnd, i)
		writeMark(w, markAfter, i)
	}
	if n.NextSibling() != nil && n.FirstChild() != nil {
		_ = w.WriteByte('\n')
	}
	return ast.WalkContinue, nil
}

func renderListItem(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</li>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<li")
	writeID(w, n)
	_ = w.WriteByte('>')
	if fc := n.FirstChild(); fc != nil {
		if _, ok := fc.(*ast.TextBlock); !ok {
			_ = w.WriteByte('\n')
		}
	}
	return ast.WalkContinue, nil
}

// RenderAnchored renders src as Render does, and also with its paragraphs' anchors: for
// the texts of plan items and proposals, whose paragraphs readers comment on.
func (r *Renderer) RenderAnchored(src []byte) Anchored {
	src = withoutNUL(src)
	var list []Paragraph
	buf := r.bufs.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); r.bufs.Put(buf) }()
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	ctx.Set(anchorsKey, &list)
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	if err := r.md.Renderer().Render(bufWriter{buf}, src, doc); err != nil {
		return Anchored{}
	}
	out := Anchored{Paragraphs: list}
	out.Summary = summary(doc, src, 50)
	var plain, anchored strings.Builder
	b := buf.Bytes()
	plain.Grow(len(b))
	anchored.Grow(len(b) + 16*len(list))
	inID := false
	for len(b) > 0 {
		i := bytes.IndexByte(b, markOpen)
		if i < 0 {
			i = len(b)
		}
		if !inID {
			plain.Write(b[:i])
		}
		anchored.Write(b[:i])
		b = b[i:]
		if len(b) == 0 {
			break
		}
		j := bytes.IndexByte(b[1:], markOpen)
		if j < 1 {
			break // cannot happen: every marker is closed
		}
		mark := b[1 : 1+j]
		b = b[j+2:]
		switch mark[0] {
		case markIDFrom:
			inID = true
		case markIDTo:
			inID = false
		case markEnd, markAfter:
			k, err := strconv.Atoi(string(mark[1:]))
			if err != nil || k < 0 || k >= len(list) {
				continue
			}
			if mark[0] == markEnd {
				out.Paragraphs[k].End = anchored.Len()
			} else {
				out.Paragraphs[k].After = anchored.Len()
			}
		}
	}
	out.Result.HTML = plain.String()
	out.HTML = anchored.String()
	return out
}

// Paragraphs lists the anchored paragraphs of src without rendering it (no offsets):
// the paragraphs of an older version of a text, to find where a comment's paragraph went.
func (r *Renderer) Paragraphs(src []byte) []Paragraph {
	src = withoutNUL(src)
	var list []Paragraph
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	ctx.Set(anchorsKey, &list)
	r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	return list
}
