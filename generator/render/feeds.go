package render

import (
	"bytes"
	"encoding/xml"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/site"
)

// feedSize is how many entries a feed carries, newest first.
const feedSize = 50

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang    string      `xml:"xml:lang,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Gen     string      `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
	// late are the entries' contents made when the feed is written (see entry.text).
	late []lateView
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Href string `xml:"href,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	ID       string     `xml:"id"`
	Title    string     `xml:"title"`
	Updated  string     `xml:"updated"`
	Link     atomLink   `xml:"link"`
	Author   atomAuthor `xml:"author"`
	Category []atomCat  `xml:"category,omitempty"`
	Summary  string     `xml:"summary,omitempty"`
	Content  atomText   `xml:"content"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

// entry is a feed entry before it is written.
type entry struct {
	id                                string // the entry's id, when its URL is not unique
	url, title, author, summary, html string
	// text, when set, is the item whose text (in the feed's language) is the entry's
	// content instead of html: made only for the entries the feed keeps, and when the
	// feed is written (a feed kept from the previous build never makes it).
	text *site.Item
	date time.Time
	tags []string
}

// feeds lists the Atom feeds: the site, each section, each body, each item (itemFeeds). The site's feed and
// the proposing body's carry each amendment, when proposed and when answered. Their entries are
// made when a feed is rendered, from the views as they are then (pspm serve patches the
// words of items into them).
func (r *renderer) feeds() []task {
	s := r.Site
	props := func() []entry {
		out := make([]entry, 0, len(s.Proposals))
		for _, p := range s.Proposals {
			out = append(out, r.proposalEntry(p))
		}
		return out
	}
	pracs := func() []entry {
		out := make([]entry, 0, len(s.Practices))
		for _, p := range s.Practices {
			out = append(out, r.practiceEntry(p))
		}
		return out
	}
	acts := func() []entry {
		out := make([]entry, 0, len(s.Actions)+len(s.Results))
		for _, a := range s.Actions {
			out = append(out, entry{url: a.URL(), title: codeTitle(a.Code, r.card(&a.Item).Title), author: r.bodyLink(a.OwnerBody, a.Owner).Title,
				summary: r.html[&a.Item].Summary, html: r.html[&a.Item].HTML, date: actionDate(a)})
		}
		for _, res := range s.Results {
			out = append(out, entry{url: res.URL(), title: r.card(&res.Item).Title, author: r.card(&res.Item).Body.Title,
				summary: r.html[&res.Item].Summary, html: r.html[&res.Item].HTML, date: resultDate(res)})
		}
		return out
	}
	out := []task{
		r.feed("/index.xml", "/", r.view.Title, func() []entry {
			return append(append(props(), pracs()...), r.amendmentEntries(s.Amendments)...)
		}),
		r.feed("/proposals/index.xml", "/proposals/", r.tr.T("proposals.title"), props),
		r.feed("/practices/index.xml", "/practices/", r.tr.T("practices.title"), pracs),
		r.feed("/plan/index.xml", "/plan/", r.view.Plan.Title, acts),
		r.feed("/monitoring/index.xml", "/monitoring/", r.tr.T("monitoring.title"), r.progressEntries),
	}
	for _, b := range s.Bodies {
		out = append(out, r.feedTitled(b.URL()+"index.xml", b.URL(), func() string { return b.Name }, func() []entry {
			var es []entry
			for _, p := range b.Proposals {
				es = append(es, r.proposalEntry(p))
			}
			for _, p := range b.Practices {
				es = append(es, r.practiceEntry(p))
			}
			for _, f := range b.Comments {
				if f.Hidden != nil {
					continue
				}
				url := f.ItemKey
				if f.On != nil {
					url = f.On.URL()
				}
				es = append(es, entry{url: url + "#" + f.ID(), title: f.Title, author: b.Name, summary: r.fb[f].Summary, html: r.fb[f].HTML, date: f.Date})
			}
			var own []*site.Amendment
			for _, a := range s.Amendments {
				if a.Voter == b.ID {
					own = append(own, a)
				}
			}
			return append(es, r.amendmentEntries(own)...)
		}, nil, true))
	}
	return append(out, r.itemFeeds()...)
}

func (r *renderer) proposalEntry(p *site.Proposal) entry {
	// The card's title, without making the card (the feeds are listed before the pages).
	return entry{url: p.URL(), title: r.title(&p.Item, p.Title), author: r.bodyLink(p.BodyItem, p.Body).Title, summary: r.html[&p.Item].Summary,
		text: &p.Item, date: later(p.Date, p.Answer.Date), tags: p.Tags}
}

func (r *renderer) practiceEntry(p *site.Practice) entry {
	return entry{url: p.URL(), title: r.title(&p.Item, p.Title), author: r.bodyLink(p.BodyItem, p.Body).Title, summary: r.html[&p.Item].Summary,
		text: &p.Item, date: p.Date, tags: p.Tags}
}

// actionDate is the latest date an action reports: its latest indicator value, else its start.
func actionDate(a *site.Action) time.Time {
	d := a.Start
	for _, in := range a.Indicators {
		for _, v := range in.Values {
			d = later(d, v.Date)
		}
	}
	return d
}

// resultDate is when an expected result last changed as its file says: its latest
// measured value (zero without one).
func resultDate(res *site.Result) time.Time {
	var d time.Time
	for _, in := range res.Indicators {
		for _, v := range in.Values {
			d = later(d, v.Date)
		}
	}
	return d
}

// feed is the Atom feed at the site path file (in the page language) of the page at page.
func (r *renderer) feed(file, page, title string, entries func() []entry) task {
	return r.feedTitled(file, page, func() string { return title }, entries, nil, false)
}

// feedPath is the path of the feed file, a site path, in the language of prefix.
func feedPath(prefix, file string) string { return strings.TrimPrefix(prefix+file, "/") }

// feedTitled is feed, with a title made when the feed is rendered (pspm serve patches an
// item's title in place). own is the item whose feed it is, nil for the others.
//
// In a full build whose texts fit in memory (countsFeeds), a feed of the site chooses
// its entries now and counts their texts, so that the pages that make them keep them for
// it (textMemo); so does a body's feed (grouped) on a large site, rendered with its
// items' pages (groupsBodies). An item's own feed is counted with its pages (expectText),
// and lets go of the item's text even when its publication is no longer among the latest
// entries.
func (r *renderer) feedTitled(file, page string, titleOf func() string, entries func() []entry, own *site.Item, grouped bool) task {
	file = feedPath(r.prefix, file)
	page = r.prefix + page
	latest := func() []entry {
		es := entries()
		sort.SliceStable(es, func(i, j int) bool {
			if !es[i].date.Equal(es[j].date) {
				return es[i].date.After(es[j].date)
			}
			return es[i].url < es[j].url
		})
		return es[:min(feedSize, len(es))]
	}
	var early []entry
	chosen := false
	counts := r.countsFeeds() || grouped && r.groupsBodies() // the texts of the entries
	if counts && own == nil {
		early, chosen = latest(), true
		for _, e := range early {
			if e.text != nil {
				r.expectFeedText(e.text, grouped)
			}
		}
	}
	return task{path: file, make: func() ([]byte, error) {
		title := titleOf()
		es := early
		if !chosen {
			es = latest()
		}
		if own != nil && !slices.ContainsFunc(es, func(e entry) bool { return e.text == own }) {
			r.textDone(own)
		}
		f := atomFeed{Lang: r.lang, ID: r.Config.AbsURL(file), Title: title, Gen: r.view.Generator,
			Links: []atomLink{{Rel: "self", Href: r.Config.AbsURL(file), Type: "application/atom+xml"}, {Rel: "alternate", Href: r.Config.AbsURL(page), Type: "text/html"}}}
		var updated time.Time
		f.Entries = make([]atomEntry, 0, len(es))
		for _, e := range es {
			updated = later(updated, e.date)
			u := r.Config.AbsURL(r.prefix + e.url)
			id := u
			if e.id != "" {
				id = r.Config.AbsURL(r.prefix + e.id)
			}
			ae := atomEntry{ID: id, Title: e.title, Updated: atomTime(e.date),
				Link: atomLink{Rel: "alternate", Href: u}, Author: atomAuthor{e.author},
				Summary: e.summary, Content: atomText{Type: "html", Body: e.html}}
			for _, t := range e.tags {
				ae.Category = append(ae.Category, atomCat{t})
			}
			f.Entries = append(f.Entries, ae)
		}
		for i, e := range es {
			switch {
			case e.text == nil:
			case e.text == own || counts: // counted for the text: let it go once shown
				f.late = append(f.late, r.textLaterFor(e.text, true, e.text != own, func(html string) { f.Entries[i].Content.Body = html; r.textDone(e.text) })...)
			default: // a feed of a large site, not counted: neither kept for it nor let go of
				f.late = append(f.late, r.textLaterFor(e.text, false, true, func(html string) { f.Entries[i].Content.Body = html })...)
			}
		}
		f.Updated = atomTime(updated)
		write := func() ([]byte, error) {
			for _, l := range f.late {
				l.fill()
			}
			buf := r.out.get(f.size())
			b := bytes.NewBuffer(*buf)
			b.WriteString(xml.Header)
			f.write(b)
			b.WriteByte('\n')
			*buf = b.Bytes()
			return r.out.give(buf), nil
		}
		if r.deferring() {
			// The feed's bytes are f written: a feed whose f did not change is kept.
			return nil, r.deferMake(write, &f)
		}
		return write()
	}}
}

// size is about the size of the feed written: its texts, a quarter more for the escaping
// of their markup, and the elements around them (so that a feed is written into a buffer
// grown once: the contents of the entries are texts of several kilobytes).
func (f *atomFeed) size() int {
	n := 1024 + len(f.Title) + len(f.ID)
	for _, e := range f.Entries {
		n += 512 + len(e.ID) + len(e.Title) + len(e.Link.Href) + len(e.Author.Name) + len(e.Summary) + len(e.Content.Body)
		n += (len(e.Content.Body) + len(e.Summary) + len(e.Title)) / 4
		for _, c := range e.Category {
			n += 32 + len(c.Term)
		}
	}
	return n
}

// write writes the feed as encoding/xml's Encoder indented by two spaces writes it, the
// same bytes (escaping included: every text is escaped as xml.EscapeText does, xmlText), without its
// reflection: an item's feed is written for every item of the site.
func (f *atomFeed) write(b *bytes.Buffer) {
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="`)
	xmlText(b, f.Lang)
	b.WriteString(`">`)
	xmlElem(b, "\n  ", "id", f.ID)
	xmlElem(b, "\n  ", "title", f.Title)
	xmlElem(b, "\n  ", "updated", f.Updated)
	for _, l := range f.Links {
		l.write(b, "\n  ")
	}
	xmlElem(b, "\n  ", "generator", f.Gen)
	for _, e := range f.Entries {
		b.WriteString("\n  <entry>")
		xmlElem(b, "\n    ", "id", e.ID)
		xmlElem(b, "\n    ", "title", e.Title)
		xmlElem(b, "\n    ", "updated", e.Updated)
		e.Link.write(b, "\n    ")
		b.WriteString("\n    <author>")
		xmlElem(b, "\n      ", "name", e.Author.Name)
		b.WriteString("\n    </author>")
		for _, c := range e.Category {
			b.WriteString("\n    <category term=\"")
			xmlText(b, c.Term)
			b.WriteString(`"></category>`)
		}
		if e.Summary != "" {
			xmlElem(b, "\n    ", "summary", e.Summary)
		}
		b.WriteString("\n    <content type=\"")
		xmlText(b, e.Content.Type)
		b.WriteString(`">`)
		xmlText(b, e.Content.Body)
		b.WriteString("</content>")
		b.WriteString("\n  </entry>")
	}
	b.WriteString("\n</feed>")
}

// write writes the link as encoding/xml does, after indent.
func (l atomLink) write(b *bytes.Buffer, indent string) {
	b.WriteString(indent)
	b.WriteString("<link")
	if l.Rel != "" {
		b.WriteString(` rel="`)
		xmlText(b, l.Rel)
		b.WriteByte('"')
	}
	b.WriteString(` href="`)
	xmlText(b, l.Href)
	b.WriteByte('"')
	if l.Type != "" {
		b.WriteString(` type="`)
		xmlText(b, l.Type)
		b.WriteByte('"')
	}
	b.WriteString("></link>")
}

// xmlElem writes <name>text</name> after indent.
func xmlElem(b *bytes.Buffer, indent, name, text string) {
	b.WriteString(indent)
	b.WriteByte('<')
	b.WriteString(name)
	b.WriteByte('>')
	xmlText(b, text)
	b.WriteString("</")
	b.WriteString(name)
	b.WriteByte('>')
}

// xmlText writes s escaped as encoding/xml's EscapeText escapes text and attribute
// values (the same bytes, without copying s to bytes first: feeds carry whole texts):
// the five markup characters, tab, newline and carriage return as references, and a rune
// XML does not allow, or a byte that is not UTF-8, as U+FFFD.
func xmlText(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\'' && c != '&' && c != '<' && c != '>' {
			i++ // most of a text: nothing to escape
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch r {
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\t':
			esc = "&#x9;"
		case '\n':
			esc = "&#xA;"
		case '\r':
			esc = "&#xD;"
		default:
			if xmlChar(r) && (r != utf8.RuneError || width > 1) {
				i += width
				continue
			}
			esc = "\uFFFD"
		}
		b.WriteString(s[last:i])
		b.WriteString(esc)
		i += width
		last = i
	}
	b.WriteString(s[last:])
}

// xmlChar says whether r is a character XML 1.0 allows.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func atomTime(t time.Time) string {
	if t.IsZero() {
		t = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.UTC().Format(time.RFC3339)
}

type urlset struct {
	XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []smURL  `xml:"url"`
}

// sitemapIndex is sitemap.xml when the pages are in several files.
type sitemapIndex struct {
	XMLName  xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemapindex"`
	Sitemaps []smURL  `xml:"sitemap"`
}

type smURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// sitemapEntry is what the sitemap keeps of a page: its site path and date. A build
// keeps one for every page of every language until the sitemap is made, and a task (the
// page's path, kind, functions…) was three times its size: 60 MB at 100,000 proposals.
type sitemapEntry struct {
	url  string
	date time.Time
}

// appendPages appends the entries of the pages among tasks (those with a url) to list.
func appendPages(list []sitemapEntry, tasks []task) []sitemapEntry {
	for i := range tasks {
		if t := &tasks[i]; t.url != "" {
			list = append(list, sitemapEntry{t.url, t.date})
		}
	}
	return list
}

// SitemapLimit is how many addresses one sitemap file lists at most: the sitemaps.org
// protocol's 50,000 (search engines ignore a larger file). A portal with more pages has
// them in files of at most that many, sitemap-1.xml, sitemap-2.xml…, which sitemap.xml
// indexes. A variable for tests.
var SitemapLimit = 50000

// sitemaps lists every HTML page of the portal, in sitemap.xml or, past SitemapLimit
// pages, in the files sitemap.xml indexes (SitemapLimit), in the order of their
// addresses.
func (r *renderer) sitemaps(pages []sitemapEntry) []task {
	// The addresses are listed when a file is made (pspm serve may never be asked for
	// one): the entries do not change.
	if len(pages) <= SitemapLimit {
		return []task{{path: "sitemap.xml", make: func() ([]byte, error) {
			urls := make([]smURL, 0, len(pages))
			for _, p := range pages {
				urls = append(urls, r.sitemapURL(p))
			}
			sort.Slice(urls, func(i, j int) bool { return urls[i].Loc < urls[j].Loc })
			return sitemapXML(urlset{URLs: urls})
		}}}
	}
	// An address is the base URL, a slash, then the page's path without its own first
	// slash (Config.AbsURL): in the order of those paths. Sorted once, by the first
	// file made.
	sorted := sync.OnceFunc(func() {
		sort.Slice(pages, func(i, j int) bool {
			return strings.TrimPrefix(pages[i].url, "/") < strings.TrimPrefix(pages[j].url, "/")
		})
	})
	n := (len(pages) + SitemapLimit - 1) / SitemapLimit
	part := func(i int) []sitemapEntry { return pages[i*SitemapLimit : min((i+1)*SitemapLimit, len(pages))] }
	name := func(i int) string { return "sitemap-" + strconv.Itoa(i+1) + ".xml" }
	tasks := []task{{path: "sitemap.xml", make: func() ([]byte, error) {
		sorted()
		idx := sitemapIndex{Sitemaps: make([]smURL, 0, n)}
		for i := range n {
			var last time.Time
			for _, p := range part(i) {
				if p.date.After(last) {
					last = p.date
				}
			}
			u := smURL{Loc: r.Config.AbsURL(name(i))}
			if !last.IsZero() {
				u.LastMod = last.Format("2006-01-02")
			}
			idx.Sitemaps = append(idx.Sitemaps, u)
		}
		return sitemapXML(idx)
	}}}
	for i := range n {
		tasks = append(tasks, task{path: name(i), make: func() ([]byte, error) {
			sorted()
			urls := make([]smURL, 0, len(part(i)))
			for _, p := range part(i) {
				urls = append(urls, r.sitemapURL(p))
			}
			return sitemapXML(urlset{URLs: urls})
		}})
	}
	return tasks
}

// sitemapURL is a page's entry in a sitemap.
func (r *renderer) sitemapURL(p sitemapEntry) smURL {
	u := smURL{Loc: r.Config.AbsURL(p.url)}
	if !p.date.IsZero() {
		u.LastMod = p.date.Format("2006-01-02")
	}
	return u
}

// sitemapXML is a sitemap file (a urlset or a sitemapIndex), indented.
func sitemapXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// progressEntries are the monitoring feed's entries: every change of an action's
// progress or status, from the commits that reported it.
func (r *renderer) progressEntries() []entry {
	m := r.Site.Monitoring
	if m == nil {
		return nil
	}
	out := make([]entry, 0, min(len(m.Updates), feedSize))
	for _, u := range m.Updates[:min(len(m.Updates), feedSize)] {
		a := u.Action
		url := a.URL()
		if r.Site.Action(a.ID) == nil && m.Version != nil {
			url = "/plan/" + m.Version.Name + "/#action-" + a.ID
		}
		title := codeTitle(a.Code, r.title(&a.Item, a.Title))
		v := r.updateView(u, Link{})
		text := r.tr.T("feed.progress", v.To, v.Label)
		if v.From >= 0 {
			text = r.tr.T("feed.progress.from", v.From, v.To, v.Label)
		}
		out = append(out, entry{id: "/monitoring/#" + a.ID + "-" + u.Point.Commit, url: url, title: title + ": " + text, author: withoutEmails(u.Point.Author),
			summary: text, html: template.HTMLEscapeString(text), date: u.Point.Landed})
	}
	return out
}
