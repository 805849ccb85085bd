// Package markdown renders contributed Markdown to HTML that is safe to publish, with
// goldmark configured once: GitHub Flavored Markdown (tables, strikethrough, autolinks,
// task lists), footnotes and heading anchors.
//
// Authors are untrusted. goldmark runs in its safe mode (javascript:, vbscript:, file:
// and non-image data: URLs are dropped) and raw HTML is never written: an HTML block
// becomes its text, escaped, without its tags, and inline tags are dropped (a <br> stays
// a line break). No attribute syntax is enabled (so no style or event handler can be
// written), table alignment becomes a class instead of an inline style, external links
// get rel="nofollow ugc noopener", external (http, https) images become links, so that no
// page makes a request to another site, and images of any other scheme become their
// text. A code block and a table may be wider than a phone: each scrolls on its own, takes
// the keyboard focus (so that it can be scrolled without a mouse) and is a region named by
// the element of the page whose id is LabelCode or LabelTable, which the theme writes in
// the page's language. Check bounds what a file may cost to render before it is rendered; Inspect warns
// about raw HTML blocks and lists the local files that links and images name.
package markdown

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/slug"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Renderer converts Markdown to HTML. It is safe for concurrent use.
type Renderer struct {
	md   goldmark.Markdown
	bufs sync.Pool
}

// Result is a rendered document.
type Result struct {
	HTML    string // safe HTML, ready to be placed in a page
	Summary string // the first paragraph as plain text, cut to about 50 words
}

// New returns a Renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignNone)),
			extension.Strikethrough,
			extension.Linkify,
			extension.TaskList,
			extension.NewFootnote(),
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(safety{}, 1000), util.Prioritized(anchors{}, 2000)),
		),
		goldmark.WithRendererOptions(
			renderer.WithNodeRenderers(util.Prioritized(imageRenderer{}, 100), util.Prioritized(rawHTMLRenderer{}, 100), util.Prioritized(scrollRenderer{}, 100), util.Prioritized(anchorRenderer{}, 100)),
		),
	)
	return &Renderer{md: md, bufs: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
}

// Render converts src. It never fails on any input: goldmark's errors can only come from
// the writer, which here is a buffer.
func (r *Renderer) Render(src []byte) Result { return r.render(src, true) }

// HTML is Render(src).HTML, without the summary: for a feed, which shows a text's HTML
// and has its summary already.
func (r *Renderer) HTML(src []byte) string { return r.render(src, false).HTML }

// AnchoredHTML is RenderAnchored(src).Result.HTML, made without the anchors and the
// summary (a third less work): for a feed that shows an anchored text without its
// anchors.
func (r *Renderer) AnchoredHTML(src []byte) string {
	return r.HTML(withoutNUL(src)) // as RenderAnchored does
}

// withoutNUL is src with every NUL replaced by U+FFFD, as CommonMark asks (the anchored
// renderings use NUL as their marker), or src itself when it has none: copying every
// text rendered was 2% of what a large site's render allocates.
func withoutNUL(src []byte) []byte {
	if bytes.IndexByte(src, 0) < 0 {
		return src
	}
	return bytes.ReplaceAll(src, []byte{0}, []byte("\uFFFD"))
}

// bufWriter is a bytes.Buffer as goldmark's util.BufWriter, which its renderer then
// writes into as it is, rather than through a bufio.Writer of 4 KB made for each text
// (1 GB of what the render of 100,000 proposals allocated).
type bufWriter struct{ *bytes.Buffer }

func (bufWriter) Buffered() int { return 0 }
func (bufWriter) Flush() error  { return nil }

var _ util.BufWriter = bufWriter{}

// render is Render, with the summary or without.
func (r *Renderer) render(src []byte, summarise bool) Result {
	buf := r.bufs.Get().(*bytes.Buffer)
	defer func() { buf.Reset(); r.bufs.Put(buf) }()
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	if err := r.md.Renderer().Render(bufWriter{buf}, src, doc); err != nil {
		return Result{}
	}
	out := Result{HTML: buf.String()}
	if summarise {
		out.Summary = summary(doc, src, 50)
	}
	return out
}

// Summary is Render(src).Summary without rendering the HTML: what the lists of a large
// site need of every text, while each text's HTML is made when its page is written.
func (r *Renderer) Summary(src []byte) string {
	ctx := parser.NewContext(parser.WithIDs(newIDs()))
	doc := r.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	return summary(doc, src, 50)
}

// AnchoredSummary is RenderAnchored(src).Summary without rendering the HTML.
func (r *Renderer) AnchoredSummary(src []byte) string {
	return r.Summary(withoutNUL(src))
}

// safety is the AST transformer that turns alignment into classes and marks links.
type safety struct{}

func (safety) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	prev := 1            // the page's own <h1>
	var empty []ast.Node // paragraphs of inline tags only, which publish nothing
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Paragraph:
			if onlyTags(n, reader.Source()) {
				empty = append(empty, n)
			}
		case *ast.Heading:
			// The page has its <h1>; a contribution's headings go below it and never skip a
			// level, so screen-reader users can navigate by headings.
			n.Level = min(max(n.Level, 2), prev+1)
			prev = n.Level
		case *east.TableCell:
			if n.Alignment != east.AlignNone {
				n.SetAttributeString("class", []byte("align-"+n.Alignment.String()))
			}
		case *ast.Link:
			if external(util.URLEscape(n.Destination, true)) { // as the renderer will write it
				n.SetAttributeString("rel", []byte("nofollow ugc noopener"))
			}
		case *ast.AutoLink:
			if n.AutoLinkType == ast.AutoLinkURL {
				n.SetAttributeString("rel", []byte("nofollow ugc noopener"))
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range empty {
		n.Parent().RemoveChild(n.Parent(), n)
	}
}

// onlyTags reports whether a paragraph holds only inline raw HTML other than <br> and
// spaces: its tags are dropped, so it would be an empty paragraph.
func onlyTags(p *ast.Paragraph, source []byte) bool {
	if p.FirstChild() == nil {
		return false
	}
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.RawHTML:
			if brTag.Match(c.Segments.Value(source)) {
				return false
			}
		case *ast.Text:
			if len(bytes.TrimSpace(c.Segment.Value(source))) > 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// external reports whether a URL leaves the site.
func external(dest []byte) bool {
	d := strings.ToLower(strings.TrimSpace(string(dest)))
	return strings.HasPrefix(d, "http:") || strings.HasPrefix(d, "https:") || strings.HasPrefix(d, "//")
}

// How an image is rendered, by its URL.
const (
	imageLocal    = iota // an <img>: a file of the site, or a PNG, GIF, JPEG or WebP data: URL
	imageExternal        // a link: an image on another site, over http or https
	imageOmitted         // its text only: any other scheme (ftp:, gopher:, javascript:…)
)

// imageKind says how the image at dest, as it will be written, is rendered. An image
// comes from the site itself (a relative URL or an absolute path), from http or https
// (shown as a link), or from a data: URL of a raster format; nothing else is requested.
func imageKind(dest []byte) int {
	switch scheme := urlScheme(dest); {
	case external(dest):
		return imageExternal
	case scheme == "" && !html.IsDangerousURL(dest):
		return imageLocal
	case scheme == "data" && !html.IsDangerousURL(dest):
		return imageLocal
	}
	return imageOmitted
}

// urlScheme returns the scheme of a URL in lower case, or "" for a relative URL.
func urlScheme(u []byte) string {
	for i, c := range u {
		switch {
		case c == ':' && i > 0:
			return strings.ToLower(string(u[:i]))
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return ""
		}
	}
	return ""
}

// imageRenderer renders an external image as a link to it, so that reading a page never
// makes a request to another site (no tracking pixels in proposals). Local images, such as
// a practice's attachments, are rendered as images; images of any other scheme (ftp:,
// gopher:, mailto:…) as their text.
type imageRenderer struct{}

func (imageRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, renderImage)
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	alt := plainText(n, source)
	// Check the URL as it will be written: with its entities and backslash escapes
	// resolved, as goldmark's own link renderer does.
	dest := util.URLEscape(n.Destination, true)
	kind := imageKind(dest)
	if kind == imageLocal {
		_, _ = w.WriteString(`<img src="`)
		_, _ = w.Write(util.EscapeHTML(dest))
		_, _ = w.WriteString(`" alt="`)
		_, _ = w.Write(util.EscapeHTML(alt))
		_ = w.WriteByte('"')
		if n.Title != nil {
			_, _ = w.WriteString(` title="`)
			_, _ = w.Write(util.EscapeHTML(n.Title))
			_ = w.WriteByte('"')
		}
		_, _ = w.WriteString(` loading="lazy">`)
		return ast.WalkSkipChildren, nil
	}
	label := alt
	if len(label) == 0 {
		label = []byte("immagine")
	}
	if kind == imageOmitted {
		_, _ = w.WriteString(`<span class="image-omitted">`)
		_, _ = w.Write(util.EscapeHTML(label))
		_, _ = w.WriteString(`</span>`)
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<a class="external-image" rel="nofollow ugc noopener" href="`)
	_, _ = w.Write(util.EscapeHTML(dest))
	_, _ = w.WriteString(`">`)
	_, _ = w.Write(util.EscapeHTML(label))
	_, _ = w.WriteString(`</a>`)
	return ast.WalkSkipChildren, nil
}

// plainText gathers the text under n.
func plainText(n ast.Node, source []byte) []byte {
	var b bytes.Buffer
	// A block's text is at most as long as its lines (escapes and entities only shrink
	// as they resolve): a buffer grown word by word was allocated twice over.
	if n.Type() == ast.TypeBlock {
		if lines := n.Lines(); lines.Len() > 0 {
			b.Grow(max(0, lines.At(lines.Len()-1).Stop-lines.At(0).Start) + lines.Len())
		}
	}
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		return inlineText(&b, c, source), nil
	})
	return b.Bytes()
}

// inlineText writes the text of an inline node as a reader sees it, and says how the
// walk goes on: text with its escapes and entities resolved (as the HTML renderer reads
// it), a link's label, a code span's content.
func inlineText(b *bytes.Buffer, n ast.Node, source []byte) ast.WalkStatus {
	switch c := n.(type) {
	case *ast.Text:
		v := c.Segment.Value(source)
		if !c.IsRaw() {
			v = util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
		}
		b.Write(v)
		if c.SoftLineBreak() || c.HardLineBreak() {
			b.WriteByte(' ')
		}
	case *ast.String:
		b.Write(c.Value)
	case *ast.AutoLink:
		b.Write(c.Label(source))
	case *ast.CodeSpan:
		for t := c.FirstChild(); t != nil; t = t.NextSibling() {
			if s, ok := t.(*ast.Text); ok {
				// A line ending inside a code span reads as a space (CommonMark 6.1).
				b.Write(bytes.Map(func(r rune) rune {
					if r == '\n' || r == '\r' {
						return ' '
					}
					return r
				}, s.Segment.Value(source)))
			}
		}
		return ast.WalkSkipChildren
	}
	return ast.WalkContinue
}

// summary is the text of the first paragraph, cut at a word boundary after n words.
func summary(doc ast.Node, source []byte, n int) string {
	for c := doc.FirstChild(); c != nil; c = c.NextSibling() {
		if c.Kind() != ast.KindParagraph {
			continue
		}
		if w := firstWords(plainText(c, source), n); w != "" {
			return w
		}
	}
	return ""
}

// firstWords is the first n words of text (split as strings.Fields splits them) joined
// by one space, then " …" when there are more; made without the list of every word and
// a string of the whole text, which were 3% of what a large site's render allocates.
func firstWords(text []byte, n int) string {
	var b strings.Builder
	words, inWord := 0, false
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
		}
		if unicode.IsSpace(r) {
			inWord = false
		} else {
			if !inWord {
				if words == n {
					b.WriteString(" …")
					return b.String()
				}
				if words > 0 {
					b.WriteByte(' ')
				} else {
					b.Grow(min(len(text)-i, 8*n+16))
				}
				words++
				inWord = true
			}
			b.Write(text[i : i+size])
		}
		i += size
	}
	return b.String()
}

// ids generates heading anchors: lower case, accents removed ("Città" becomes "citta"),
// unique in the page, and never one of the ids the theme uses for its own landmarks.
// A repeated heading gets the first free "<base>-<n>"; next remembers, per base, the n to
// try first, so that n headings with the same text cost linear time, not quadratic.
type ids struct {
	used map[string]bool
	next map[string]int
}

func newIDs() *ids {
	used := map[string]bool{}
	for _, r := range []string{"main", "content", "top", "menu", "nav", "search", "header", "footer", "footnotes", "lang", "skip", LabelCode, LabelTable} {
		used[r] = true
	}
	return &ids{used: used, next: map[string]int{}}
}

func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	base := slug.Make(string(value))
	if base == "" || !utf8.ValidString(base) {
		base = "section"
	}
	id := base
	if s.used[id] {
		// Each base's counter only grows, and skips only ids already used: every id is
		// skipped at most once over the whole document.
		i := max(s.next[base], 1)
		for id = base + "-" + strconv.Itoa(i); s.used[id]; id = base + "-" + strconv.Itoa(i) {
			i++
		}
		s.next[base] = i + 1
	}
	s.used[id] = true
	return []byte(id)
}

func (s *ids) Put(value []byte) { s.used[string(value)] = true }
