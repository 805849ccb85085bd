package render

import (
	"bytes"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"slices"
	"strings"

	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
)

// ThreadLevels is how many levels of a conversation an item's page nests: comments on
// the item, and three levels of replies. A deeper reply is shown at the last level,
// after the reply it answers, and says which one it answers (FeedbackView.InReplyTo).
const ThreadLevels = 4

// maxParagraphTools is how many paragraphs of a text get a link and a comment button:
// each costs a forge link of a few hundred bytes, and a text of thousands of one-word
// paragraphs must not make a page of megabytes. Later paragraphs keep their anchors, and
// the comments about them.
const maxParagraphTools = 200

// ParagraphRef is what a comment anchored to a paragraph of its item's text
// (paragraph:) says about it.
type ParagraphRef struct {
	ID  string // the anchor, p-<hash>
	URL string // the paragraph on the item's page, or "" when it is no longer in the text
	// Changed says the paragraph changed after the comment: its anchor is no longer in
	// the text. URL is then the paragraph it became (by the rule of generator's
	// anchor stage), "" when none is like it; Old is the text the comment was about, when
	// the history has it, and Diff the change from Old to the paragraph it became.
	Changed bool
	Old     string
	Diff    template.HTML
}

// ParagraphTools is what the theme's "paragraph-tools" template writes at the end of an
// anchored paragraph: its link, the forge link to comment it, and how many comments it has.
type ParagraphTools struct {
	ID       string
	URL      string // #p-…
	Comment  string // the forge editor with paragraph: prefilled, or ""
	Comments int
}

// ParagraphComments are the comments the theme's "paragraph-comments" template lists
// after an anchored paragraph: each links to the comment in the list of the page.
type ParagraphComments struct {
	ID       string
	Comments []FeedbackView
}

// anchorable tells whether readers comment on the paragraphs of an item's text: plan
// items and proposals.
func anchorable(it *site.Item) bool {
	switch it.Section {
	case site.Goals, site.Objectives, site.Results, site.Actions, site.Proposals:
		return true
	}
	return false
}

// anchoredHere returns the anchored rendering of the item's text when this page shows
// the text the anchors are of: the item's own (the first language's).
func (r *renderer) anchoredHere(it *site.Item) (markdown.Anchored, bool) {
	if r.lang != r.Config.Languages[0] && !r.fallback[it] {
		// A translation: its page shows no anchors, and the first language's text is
		// not rendered to learn it (on a large site, that is a whole rendering).
		return markdown.Anchored{}, false
	}
	return r.anchoredOf(it)
}

// itemText is the item's text as its page shows it: with its paragraphs' anchors, their
// links and the comments anchored to each, where readers comment on them.
func (r *renderer) itemText(it *site.Item) template.HTML {
	a, ok := r.anchoredHere(it)
	if !ok {
		return htmlOf(r.rendered(it).HTML)
	}
	t := r.tmpl["home"]
	if t == nil || t.Lookup("paragraph-tools") == nil {
		return htmlOf(a.HTML) // a theme without the templates shows the anchors only
	}
	beside := map[string][]FeedbackView{}
	for _, f := range it.Feedback {
		if id := r.besideParagraph(f); id != "" {
			beside[id] = append(beside[id], r.feedbackView(f))
		}
	}
	forge := r.forge(it)
	var buf bytes.Buffer // one for every paragraph's tools
	var stamp toolsStamp // the tools of the paragraphs nobody commented, made once
	var b strings.Builder
	// The text and a stamp's tools for each paragraph (750 bytes with a forge): a
	// builder grown from a guess was made two or three times over, and the texts of a
	// large site's pages were a twentieth of all a build allocated.
	tools := 300
	if len(a.Paragraphs) > 0 && stamp.ready(r, &buf, t, it, forge != nil) {
		tools = stamp.size(len(a.Paragraphs[0].ID))
	}
	b.Grow(len(a.HTML) + tools*min(len(a.Paragraphs), maxParagraphTools) + 1024)
	at := 0
	for i, p := range a.Paragraphs {
		if p.End < at || p.After < p.End {
			continue // cannot happen: offsets are in order
		}
		b.WriteString(a.HTML[at:p.End])
		switch {
		case i >= maxParagraphTools:
		case len(beside[p.ID]) == 0 && stampable(p.ID) && stamp.ready(r, &buf, t, it, forge != nil):
			stamp.writeTo(&b, p.ID)
		default:
			tools := ParagraphTools{ID: p.ID, URL: "#" + p.ID, Comments: len(beside[p.ID])}
			if forge != nil {
				tools.Comment = r.paragraphURL(it, p.ID)
			}
			r.execInto(&b, &buf, t, "paragraph-tools", tools)
		}
		b.WriteString(a.HTML[p.End:p.After])
		if c := beside[p.ID]; len(c) > 0 && t.Lookup("paragraph-comments") != nil {
			r.execInto(&b, &buf, t, "paragraph-comments", ParagraphComments{ID: p.ID, Comments: c})
		}
		at = p.After
	}
	b.WriteString(a.HTML[at:])
	return htmlOf(b.String())
}

// itemTextLater sets *dst to the item's text as itemText makes it: when the page is
// rendered (the part of the view it returns), for an item no comment is anchored to,
// whose text is then made from what its key holds (the Markdown it is rendered from,
// and where the page shows its paragraphs' tools, whether the forge takes comments, the
// item's folder and the prefilled comment; the layouts, strings, configuration and pspm
// itself are in every fingerprint); at once otherwise, or without a page cache.
func (r *renderer) itemTextLater(it *site.Item, dst *template.HTML) []lateView {
	if len(it.Feedback) > 0 || !r.deferring() {
		*dst = r.itemText(it)
		return nil
	}
	key := lateKey(func(e *encoder) {
		e.str("item text 2")
		r.textKey(e, it)
		if r.showsAnchors(it) {
			e.tag(1)
			if r.forge(it) != nil {
				e.tag(1)
			} else {
				e.tag(0)
			}
			e.str(it.Dir)
			e.str(r.prefill.comment)
		} else {
			e.tag(0)
		}
	})
	return []lateView{{key: key, fill: func() { *dst = r.itemText(it); r.textDone(it) }}}
}

// showsAnchors says whether the page of the item, in the page language, shows the text
// its paragraphs' anchors are of (anchoredHere), without rendering it.
func (r *renderer) showsAnchors(it *site.Item) bool {
	return anchorable(it) && (r.lang == r.Config.Languages[0] || r.fallback[it])
}

// textKey encodes what the rendering of the item's text in the page language
// (rendered) is made from: the Markdown of its translation or its own, and whether it is
// rendered with its paragraphs' anchors (the HTML is the same; the way to it is not).
func (r *renderer) textKey(e *encoder, it *site.Item) {
	if tr := it.Translations[r.lang]; tr != nil && r.lang != r.Config.Languages[0] {
		e.tag(1)
		e.str(tr.Text)
	} else {
		held, form := it.HeldText()
		switch form {
		case site.TextPacked:
			e.tag(2) // compressed: the same text always gives the same bytes
		case site.TextFiled:
			e.tag(3) // the SHA-256 of the compressed text
		default:
			e.tag(0)
		}
		e.str(held)
	}
	if anchorable(it) {
		e.tag(1)
	} else {
		e.tag(0)
	}
}

// textLater gives set the HTML of the item's text in the page language (rendered):
// when the page or feed is rendered, its key holding the Markdown it is made from
// (textKey), when the build keeps pages; at once otherwise. It returns the late part
// of the view, or nil.
func (r *renderer) textLater(it *site.Item, set func(html string)) []lateView {
	return r.textLaterFor(it, true, false, set)
}

// textLaterFor is textLater for a page or feed that is counted for the text in the
// memo, or not (renderedFor); shared says that other views show the text too (a list's
// feed), whose key is then made once for all (textLateKey).
func (r *renderer) textLaterFor(it *site.Item, counted, shared bool, set func(html string)) []lateView {
	if !r.deferring() {
		set(r.renderedFor(it, counted).HTML)
		return nil
	}
	return []lateView{{key: r.textLateKey(it, shared), fill: func() { set(r.renderedFor(it, counted).HTML) }}}
}

// textLateKey is the key of the late view of the item's text in the page language. The
// key of a text shared by the lists' feeds (a body's, a tag's, a section's), which show
// the same texts again and again, is made once per build and language; the others (an
// item's page and its own feed) are made where they are asked for, and not kept. A site
// too large to hold its texts (lazyTexts) does not hold their keys either: at 100,000
// proposals they were about 25 MB more of the largest live heap (1,173-1,184 MB against
// 1,151 MB), to save a tenth of a second of a five-minute build.
func (r *renderer) textLateKey(it *site.Item, shared bool) string {
	shared = shared && !r.lazyTexts()
	if shared {
		if k, ok := r.textKeys.Load(it); ok {
			return k.(string)
		}
	}
	key := lateKey(func(e *encoder) {
		e.str("text 1")
		r.textKey(e, it)
	})
	if shared {
		r.textKeys.Store(it, key)
	}
	return key
}

// toolsStamp is the output of the paragraph-tools template for one item's paragraphs
// that have no comments, split where the paragraph's id goes.
type toolsStamp struct {
	parts []string // nil: the template is executed for each paragraph
	tried bool
}

// ready makes the stamp of the item the first time it is asked for (stampTools), and
// says whether there is one.
func (s *toolsStamp) ready(r *renderer, buf *bytes.Buffer, t *template.Template, it *site.Item, forge bool) bool {
	if !s.tried {
		s.tried, s.parts = true, r.stampTools(buf, t, it, forge)
	}
	return s.parts != nil
}

// size is the length of the tools of a paragraph whose id has n bytes.
func (s *toolsStamp) size(n int) int {
	size := n * (len(s.parts) - 1)
	for _, part := range s.parts {
		size += len(part)
	}
	return size
}

// writeTo writes the tools of the paragraph id.
func (s *toolsStamp) writeTo(b *strings.Builder, id string) {
	for i, part := range s.parts {
		if i > 0 {
			b.WriteString(id)
		}
		b.WriteString(part)
	}
}

// stampIDs stand for a paragraph's id in stampTools: of the letters, digits and hyphens
// of real ids (p-<8 hexadecimal digits>), which no escaping changes, and of the same
// length, but never real ones (s, t, m are not hexadecimal digits).
var stampIDs = [2]string{"p-stmpstmp", "p-tmsptmsp"}

// stampable says whether id is written as it is wherever a template writes it: in text,
// attributes and URLs alike.
func stampable(id string) bool {
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return id != ""
}

// stampTools executes the paragraph-tools template for the item once, for a paragraph
// without comments, and returns its output split where the paragraph's id goes; nil when
// the template must be executed for every paragraph. Executing it for each of a text's
// paragraphs took about 4% of a cold build. The stamp is used only with the built-in
// template, which writes the id only in its link and in the forge link (where a
// stampable id is written as it is), and only when two different ids give the same parts
// (an item's folder, also in the forge link, might hold one of them).
func (r *renderer) stampTools(buf *bytes.Buffer, t *template.Template, it *site.Item, forge bool) []string {
	if !r.toolsAreBuiltIn(t) {
		return nil
	}
	var parts [2][]string
	for k, id := range stampIDs {
		tools := ParagraphTools{ID: id, URL: "#" + id}
		if forge {
			tools.Comment = r.paragraphURL(it, id)
		}
		buf.Reset()
		if err := t.ExecuteTemplate(buf, "paragraph-tools", tools); err != nil {
			return nil
		}
		parts[k] = strings.Split(buf.String(), id)
	}
	if len(parts[0]) < 2 || !slices.Equal(parts[0], parts[1]) {
		return nil
	}
	return parts[0]
}

// toolsAreBuiltIn says whether t's paragraph-tools is defined by the built-in theme's
// file (no site or theme file of the same name, and no later definition, replaces it).
func (r *renderer) toolsAreBuiltIn(t *template.Template) bool {
	r.toolsOnce.Do(func() {
		pt := t.Lookup("paragraph-tools")
		if pt == nil || pt.Tree == nil || r.Theme == nil {
			return
		}
		_, layer, err := r.Theme.ReadFile(pt.Tree.ParseName)
		r.builtInTools = err == nil && layer == theme.BuiltIn
	})
	return r.builtInTools
}

// execInto writes the theme's template name, through buf (reused from call to call); a
// template that fails writes nothing (the page's own templates report the theme's errors).
func (r *renderer) execInto(b *strings.Builder, buf *bytes.Buffer, t *template.Template, name string, data any) {
	buf.Reset()
	if err := t.ExecuteTemplate(buf, name, data); err == nil {
		b.Write(buf.Bytes())
	}
}

// besideParagraph is the anchor of the paragraph a comment is shown beside on this
// page: its own, or the one its paragraph became; "" when none.
func (r *renderer) besideParagraph(f *site.Feedback) string {
	if f.Paragraph == "" || f.On == nil {
		return ""
	}
	a, ok := r.anchoredHere(f.On)
	if !ok {
		return ""
	}
	for _, p := range a.Paragraphs {
		if p.ID == f.Paragraph {
			return p.ID
		}
	}
	if m := f.Moved; m != nil {
		return m.To
	}
	return ""
}

// paragraphRef is what a comment's view says of its paragraph.
func (r *renderer) paragraphRef(f *site.Feedback) *ParagraphRef {
	if f.Paragraph == "" || f.On == nil {
		return nil
	}
	ref := &ParagraphRef{ID: f.Paragraph}
	page := r.link(f.On.URL())
	if _, ok := r.anchoredHere(f.On); !ok {
		// A translation has other paragraphs: the anchors are on the first language's page.
		page = r.base + strings.TrimPrefix(f.On.URL(), "/")
	}
	if a, ok := r.anchoredOf(f.On); ok {
		for _, p := range a.Paragraphs {
			if p.ID == f.Paragraph {
				ref.URL = page + "#" + p.ID
				return ref
			}
		}
	}
	ref.Changed = true
	if m := f.Moved; m != nil {
		ref.Old = m.Old
		if m.To != "" {
			ref.URL = page + "#" + m.To
			if now := r.paragraphText(f.On, m.To); now != "" {
				ref.Diff = textDiffHTML(wordOps(m.Old, now), r.tr, true)
			}
		}
	}
	return ref
}

// paragraphText is the normalised text of the paragraph id of the item's text.
func (r *renderer) paragraphText(it *site.Item, id string) string {
	a, _ := r.anchoredOf(it)
	for _, p := range a.Paragraphs {
		if p.ID == id {
			return p.Text
		}
	}
	return ""
}

// threadViews are an item's comments as conversations: the comments on the item, each
// with its replies nested up to ThreadLevels levels; a deeper reply is listed at the
// last level after the one it answers, with InReplyTo.
func (r *renderer) threadViews(it *site.Item) []FeedbackView {
	var out []FeedbackView
	for _, f := range it.Feedback {
		if f.Parent == nil || f.Parent.On != f.On {
			out = append(out, r.threadView(f, 1))
		}
	}
	return out
}

func (r *renderer) threadView(f *site.Feedback, level int) FeedbackView {
	v := r.feedbackView(f)
	v.Level = level
	if level < ThreadLevels {
		for _, c := range f.Replies {
			v.Replies = append(v.Replies, r.threadView(c, level+1))
		}
		return v
	}
	// At the last level, every reply below is listed flat, in the order of the
	// conversation, each saying what it answers.
	var walk func(p *site.Feedback)
	walk = func(p *site.Feedback) {
		for _, c := range p.Replies {
			cv := r.feedbackView(c)
			cv.Level = level
			cv.InReplyTo = &Link{Title: p.Title, URL: "#" + p.ID()}
			v.Replies = append(v.Replies, cv)
			walk(c)
		}
	}
	walk(f)
	return v
}

// replyURL is the forge link that answers the feedback f: a comment of the same item
// with reply_to: prefilled.
func (r *renderer) replyURL(f *site.Feedback) string {
	fv := r.Config.Forge
	if f.On == nil || fv.Kind == "" || fv.URL == "" || f.On.From != nil && f.On.From.Kind == "portal" || f.On.Dir == "" {
		return ""
	}
	content := withFrontKey(r.prefill.comment, "reply_to", f.ID())
	return editorURL(fv.Kind, fv.URL, fv.Branch, f.On.Dir+"/feedback", placeholder+"-"+r.tr.T("thread.reply_slug")+".md", content)
}

// paragraphURL is the forge link that comments the paragraph id of the item's text.
func (r *renderer) paragraphURL(it *site.Item, id string) string {
	fv := r.Config.Forge
	content := withFrontKey(r.prefill.comment, "paragraph", id)
	return editorURL(fv.Kind, fv.URL, fv.Branch, it.Dir+"/feedback", placeholder+"-"+r.tr.T("thread.paragraph_slug")+".md", content)
}

// withFrontKey adds "key: value" as the first key of the front matter of a prefilled
// file (the theme's archetype), whatever else the archetype writes.
func withFrontKey(file, key, value string) string {
	rest, ok := strings.CutPrefix(file, "---\n")
	if !ok {
		return file
	}
	return "---\n" + key + ": " + value + "\n" + rest
}
