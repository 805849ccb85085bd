package search

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/site"
)

// Draft is the name, in Document.Versions, of the plan of the work tree.
const Draft = "draft"

// Plainer turns a Markdown text into its summary and its plain text, as
// markdown.Renderer.Plain does. It is called from several goroutines at once.
type Plainer func(markdown []byte) (summary, text string)

// Plain is a Markdown text's summary and plain text.
type Plain struct{ Summary, Text string }

// Converter converts distinct Markdown texts: out[i] is md[i]'s Plain.
type Converter func(md []string) (out []Plain)

// Converter converts through p, on every core.
func (p Plainer) Converter() Converter {
	return func(md []string) []Plain {
		out := make([]Plain, len(md))
		parallel.For(len(md), func(i int) { out[i].Summary, out[i].Text = p([]byte(md[i])) })
		return out
	}
}

// Documents lists what the index holds for s, in a fixed order: goals, objectives and
// actions (those of the work tree, then the other texts they had in approved versions),
// proposals, practices, bodies, participants, feedback, amendments; each item followed by its
// translations.
// langs are the site's languages, the first the default one (its pages have no prefix);
// languages the index has no analyzer for are left out. plain converts the Markdown;
// each distinct text is converted once, on every core.
//
// A plan item of the work tree is one document whose Versions are "draft" and every
// approved version whose plan has the item as it is (same title, official code, text,
// status, owner, AgID codes and translations). The texts an item had in other versions are one
// document each, whatever the number of versions that share it: its ID is
// "<section>/<id>@<v>", v the newest of them, and its URL the item's anchor in that
// version's plan (/plan/<v>/#action-<id>).
func Documents(s *site.Site, langs []string, plain Plainer) []Document {
	var out []Document
	_ = EachDocument(s, langs, plain.Converter(), 0, func(docs []Document) error {
		out = docs
		return nil
	})
	return out
}

// DocumentBatch is how many documents EachDocument makes at a time in a build: enough
// for the conversions and the index to keep every core busy, few enough that a batch is
// a few megabytes.
const DocumentBatch = 4 * BatchSize

// EachDocument makes the documents of Documents, in the same order, batch by batch, so
// that a build never holds them all: fn gets every batch in turn, each of at least n
// documents but the last (an item and its translations are never split; n = 0 makes
// one batch), with their texts converted through convert. The first error fn returns
// stops the documents and is returned.
func EachDocument(s *site.Site, langs []string, convert Converter, n int, fn func([]Document) error) error {
	b := &docBuilder{langs: supported(langs), convert: convert, n: n, emit: fn}
	if len(b.langs) == 0 {
		return nil
	}
	b.plan(s)
	for _, fp := range s.Federated { // other bodies' plans: as they are, with no versions
		for _, g := range fp.Goals {
			d := b.item(&g.Item, "goal", g.Title, g.URL(), g.Text(), "")
			d.Body, d.Code = fp.Body.ID, g.Code
		}
		for _, o := range fp.Objectives {
			d := b.item(&o.Item, "objective", o.Title, o.URL(), o.Text(), "")
			d.Body, d.AgID, d.Code = fp.Body.ID, o.AgID, o.Code
		}
		for _, a := range fp.Actions {
			d := b.item(&a.Item, "action", a.Title, a.URL(), a.Text(), "")
			d.Body, d.Status, d.Code = fp.Body.ID, a.Status, a.Code
		}
		b.next()
	}
	b.agid(s.AgID)
	b.next()
	// A text in a language the portal does not publish (Item.Foreign) is left out: the
	// analysers are the portal's languages', whose stemmers would mangle its words.
	for _, p := range s.Proposals {
		if p.Foreign == "" {
			b.proposal(p)
			b.next()
		}
	}
	for _, p := range s.Practices {
		if p.Foreign == "" {
			b.practice(p)
			b.next()
		}
	}
	for _, o := range s.Bodies {
		d := b.item(&o.Item, "body", o.Name, o.URL(), o.Text(), "")
		d.Body, d.Kind = o.ID, o.Kind
		b.translations(&o.Item, d, o.URL(), nil)
		b.next()
	}
	for _, p := range s.Participants { // the community's participants, by name, kind and municipality
		d := b.item(&p.Item, "participant", p.Name, p.URL(), strings.TrimSpace(p.Municipality+"\n\n"+p.Text()), "")
		d.Body, d.Kind = p.ID, p.Kind
		b.next()
	}
	for _, f := range s.Feedback {
		if f.On == nil || len(f.Problems) > 0 || f.Hidden != nil || f.Foreign != "" {
			continue // unreadable, on nothing, or hidden by moderation: the page shows no text to find
		}
		b.add(Document{ID: f.ItemKey + "#" + f.ID(), Type: "feedback", Lang: b.langs[0], Title: f.Title,
			Body: f.Voter, Kind: f.Kind, Date: f.Date, URL: "/" + f.ItemKey + "/#" + f.ID()}, f.Text, "")
		b.next()
	}
	for _, a := range s.Amendments {
		b.amendment(s, a)
		b.next()
	}
	b.flush()
	return b.err
}

// amendmentTitles name an amendment's document in the index's languages: the amended
// item's title, then the proposing body's name.
var amendmentTitles = map[string]string{"it": "%s — emendamento di %s", "en": "%s — amendment by %s"}

// amendment adds the document of an amendment, in the site's default language (it is
// written against the item's text as written): titled by its item and body, found by its
// reason and by the title and text it proposes, and linking to its anchor on the
// item's page. An unreadable one, or one on nothing, has no text to find.
func (b *docBuilder) amendment(s *site.Site, a *site.Amendment) {
	if a.On == nil || len(a.Problems) > 0 || a.Hidden != nil || a.Foreign != "" {
		return
	}
	item := planTitle(s, a.On)
	body := a.Voter
	if o := s.ByBody[a.Voter]; o != nil {
		body = o.Name
	}
	status := a.Status
	if status == "" {
		status = cmp.Or(a.State, site.AmendmentOpen)
	}
	proposed := strings.TrimSpace(a.Title + "\n\n" + a.Text)
	b.add(Document{ID: a.Key(), Type: "amendment", Lang: b.langs[0], Title: fmt.Sprintf(amendmentTitles[b.langs[0]], item, body),
		Status: status, Body: a.Voter, Date: a.Date, URL: a.URL()}, a.Reason, proposed)
}

// planTitle is the title of the plan item whose common part is it, of this portal or of
// another body's (a source's), or its id.
func planTitle(s *site.Site, it *site.Item) string {
	if p := s.PlanItemOf(it.ID); p != nil && p.Base() == it {
		return p.Heading()
	}
	for _, fp := range s.Federated {
		for _, g := range fp.Goals {
			if &g.Item == it {
				return g.Title
			}
		}
		for _, o := range fp.Objectives {
			if &o.Item == it {
				return o.Title
			}
		}
		for _, a := range fp.Actions {
			if &a.Item == it {
				return a.Title
			}
		}
	}
	return it.ID
}

// agid adds a document per objective of AgID's plan, the reference (nil without one):
// found by its code, its title, and the codes and words of its results and lines of
// action. Its text is Italian: the document is in Italian when the site has it.
func (b *docBuilder) agid(p *site.AgIDPlan) {
	if p == nil {
		return
	}
	lang, prefix := b.langs[0], ""
	if i := slices.Index(b.langs, "it"); i > 0 {
		lang, prefix = "it", "/it"
	}
	for _, o := range p.Objectives {
		var text strings.Builder
		for _, r := range o.Results {
			text.WriteString(r.Code + " " + r.Title + "\n\n")
		}
		for _, a := range o.Actions {
			text.WriteString(a.Code + " " + a.Text + "\n\n")
		}
		b.add(Document{ID: "agid/" + o.Code, Type: "agid", Lang: lang, Title: o.Title, Code: o.Code, URL: prefix + "/agid/" + o.Code + "/"}, text.String(), "")
	}
}

// ItemDocuments are the documents of some proposals and practices of s, as Documents
// makes them: for pspm serve, which reindexes only the items whose words an edit changed.
func ItemDocuments(s *site.Site, langs []string, plain Plainer, items []*site.Item) []Document {
	b := &docBuilder{langs: supported(langs), convert: plain.Converter()}
	if len(b.langs) == 0 {
		return nil
	}
	for _, it := range items {
		switch it.Section {
		case site.Proposals:
			if p := s.Proposal(it.ID); p != nil {
				b.proposal(p)
			}
		case site.Practices:
			if p := s.Practice(it.ID); p != nil {
				b.practice(p)
			}
		}
	}
	b.convertTexts()
	return b.docs
}

func (b *docBuilder) proposal(p *site.Proposal) {
	d := b.item(&p.Item, "proposal", p.Title, p.URL(), p.Text(), p.Answer.Text)
	d.Status, d.Body, d.Tags, d.Date = p.Status, cmp.Or(p.Body, p.Participant), p.Tags, p.Date
	b.translations(&p.Item, d, p.URL(), func(tr *site.Translation) string { return tr.Answer.Text })
}

func (b *docBuilder) practice(p *site.Practice) {
	d := b.item(&p.Item, "practice", p.Title, p.URL(), p.Text(), "")
	d.Body, d.Kind, d.Tags, d.AgID, d.Date = p.Body, p.Kind, p.Tags, p.AgID, p.Date
	b.translations(&p.Item, d, p.URL(), nil)
}

// supported keeps the languages the index analyses, in order; the default language
// stays first when it is one of them.
func supported(langs []string) []string {
	var out []string
	for _, l := range langs {
		if slices.Contains(Languages, l) && !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// docBuilder collects documents and the Markdown each one's text comes from. With emit,
// it hands them out in batches of n or more (next, flush).
type docBuilder struct {
	langs   []string
	docs    []Document
	md      []source // md[i] is the Markdown of docs[i]
	convert Converter
	n       int
	emit    func([]Document) error
	err     error // the first error of emit
}

// next hands out the documents made so far when they are n or more: called between
// items, never while a document is still being filled in.
func (b *docBuilder) next() {
	if b.n > 0 && len(b.docs) >= b.n {
		b.flush()
	}
}

// flush converts the documents' texts, hands them out and starts a new batch. After an
// error of emit, the documents are dropped unconverted.
func (b *docBuilder) flush() {
	if b.err == nil && len(b.docs) > 0 {
		b.convertTexts()
		b.err = b.emit(b.docs)
	}
	b.docs, b.md = nil, nil
}

// source is a document's Markdown: its summary and text come from main, extra (a
// proposal's answer) is appended to the text.
type source struct{ main, extra string }

func (b *docBuilder) add(d Document, main, extra string) *Document {
	b.docs = append(b.docs, d)
	b.md = append(b.md, source{main, extra})
	return &b.docs[len(b.docs)-1]
}

// item adds the document of an item in the default language. The pointer it returns is
// valid until the next add.
func (b *docBuilder) item(it *site.Item, typ, title, url, text, extra string) *Document {
	return b.add(Document{ID: it.Key(), Type: typ, Lang: b.langs[0], Title: title, URL: url}, text, extra)
}

// translations adds one document per translation of it, sharing d's keywords. answer,
// when not nil, gives the translated text appended to the translation's.
func (b *docBuilder) translations(it *site.Item, d *Document, url string, answer func(*site.Translation) string) {
	orig := *d
	for _, lang := range b.langs[1:] {
		tr := it.Translations[lang]
		if tr == nil {
			continue
		}
		t := orig
		t.ID, t.Lang, t.Title, t.URL = orig.ID+"/"+lang, lang, tr.Title, "/"+lang+url
		if t.Title == "" {
			t.Title = orig.Title
		}
		extra := ""
		if answer != nil {
			extra = answer(tr)
		}
		b.add(t, tr.Text, extra)
	}
}

// planItem is a goal, an objective or an action as the index sees it.
type planItem struct {
	item   *site.Item
	title  string
	status string
	owner  string
	agid   []string
	code   string
}

// typ is the document type of the item: its kind's name (site.PlanKinds).
func (p planItem) typ() string { return site.KindOf(p.item.Section).Name }

// same reports whether two texts of a plan item make the same documents.
func (p planItem) same(q planItem, langs []string) bool {
	if p.title != q.title || p.item.Text() != q.item.Text() || p.status != q.status || p.owner != q.owner || p.code != q.code || !slices.Equal(p.agid, q.agid) {
		return false
	}
	for _, l := range langs[1:] {
		a, b := p.item.Translations[l], q.item.Translations[l]
		if (a == nil) != (b == nil) || a != nil && (a.Title != b.Title || a.Text != b.Text) {
			return false
		}
	}
	return true
}

// planItems lists the items of s by kind, in the order of site.PlanKinds.
func planItems(s *site.Site) [][]planItem {
	out := make([][]planItem, len(site.PlanKinds))
	for i, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			pi := planItem{item: p.Base(), title: p.Heading(), code: p.OfficialCode()}
			switch p := p.(type) {
			case *site.Objective:
				pi.agid = p.AgID
			case *site.Result:
				pi.owner = p.Owner
			case *site.Action:
				pi.status, pi.owner = p.Status, p.Owner
			}
			out[i] = append(out[i], pi)
		}
	}
	return out
}

// plan adds the plan's goals, objectives and actions: the work tree's, then the other
// texts of the approved versions, newest version first, each in its plan's order.
func (b *docBuilder) plan(s *site.Site) {
	work := planItems(s)
	type version struct {
		name  string
		items [][]planItem
	}
	var versions []version
	for _, v := range s.Versions {
		if v.Plan != nil {
			versions = append(versions, version{v.Name, planItems(v.Plan)})
		}
	}
	for sec := range work {
		byID := make(map[string]planItem, len(work[sec]))
		for _, p := range work[sec] {
			byID[p.item.ID] = p
		}
		// The documents of the work tree come first; their Versions grow as versions
		// that share their text are found.
		index := map[string]int{} // document index by work tree item id
		for _, p := range work[sec] {
			index[p.item.ID] = b.planDoc(p, p.item.Key(), p.item.URL(), Draft)
		}
		type group struct {
			doc  int
			item planItem
		}
		others := map[string][]group{} // by item id, the texts already seen in newer versions
		for _, v := range versions {
			for _, p := range v.items[sec] {
				id := p.item.ID
				if w, ok := byID[id]; ok && w.same(p, b.langs) {
					b.addVersion(index[id], v.name)
					continue
				}
				found := false
				for _, g := range others[id] {
					if g.item.same(p, b.langs) {
						b.addVersion(g.doc, v.name)
						found = true
						break
					}
				}
				if !found {
					url := "/plan/" + v.name + "/#" + anchorOf(p.item)
					others[id] = append(others[id], group{b.planDoc(p, p.item.Key()+"@"+v.name, url, v.name), p})
				}
			}
		}
	}
}

// planDoc adds the documents of a plan item (its translations too) in version v, and
// returns the index of the first.
func (b *docBuilder) planDoc(p planItem, id, url, v string) int {
	i := len(b.docs)
	d := b.add(Document{ID: id, Type: p.typ(), Lang: b.langs[0], Title: p.title, URL: url, Status: p.status, Body: p.owner,
		AgID: p.agid, Code: p.code, Versions: []string{v}}, p.item.Text(), "")
	orig := *d
	for _, lang := range b.langs[1:] {
		tr := p.item.Translations[lang]
		if tr == nil {
			continue
		}
		t := orig
		t.ID, t.Lang, t.Title, t.URL = id+"/"+lang, lang, tr.Title, "/"+lang+url
		t.Versions = []string{v}
		if t.Title == "" {
			t.Title = orig.Title
		}
		b.add(t, tr.Text, "")
	}
	return i
}

// addVersion adds version v to the documents of the plan item whose first document is
// docs[i]: that one and its translations that follow.
func (b *docBuilder) addVersion(i int, v string) {
	base := b.docs[i].ID
	for j := i; j < len(b.docs) && (j == i || strings.HasPrefix(b.docs[j].ID, base+"/")); j++ {
		b.docs[j].Versions = append(b.docs[j].Versions, v)
	}
}

// anchorOf is a plan item's anchor in its plan's page (as the render package writes it).
func anchorOf(it *site.Item) string { return site.KindOf(it.Section).Name + "-" + it.ID }

// convertTexts fills every document's summary and text, converting each distinct
// Markdown once.
func (b *docBuilder) convertTexts() {
	seen := map[string]int{}
	var texts []string
	for _, m := range b.md {
		for _, t := range []string{m.main, m.extra} {
			if _, ok := seen[t]; !ok && t != "" {
				seen[t] = len(texts)
				texts = append(texts, t)
			}
		}
	}
	out := b.convert(texts)
	for i, m := range b.md {
		d := &b.docs[i]
		if m.main != "" {
			r := out[seen[m.main]]
			d.Summary, d.Text = r.Summary, r.Text
		}
		if m.extra != "" {
			if extra := out[seen[m.extra]].Text; extra != "" {
				if d.Text != "" {
					d.Text = d.Text + "\n" + extra // one string, not two
				} else {
					d.Text = extra
				}
			}
		}
	}
}
