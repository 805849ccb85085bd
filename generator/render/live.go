package render

import (
	"bytes"
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"hash/maphash"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
)

// Prepared is a site made ready to render one file at a time: what pspm serve keeps, so
// that a page is rendered when it is asked for, and an edit re-renders only the pages
// asked for after it instead of the whole site. Render gives the same bytes as the file
// of the same path written by Render.
//
// Render is safe for concurrent use; Patch is not, and must not run during a Render.
type Prepared struct {
	rs     []*renderer
	lists  [][]task // every language's files, then the sitemap
	tasks  map[string]taskAt
	paths  []string  // made and sorted by the first call of Paths
	sorted sync.Once // by Paths
}

// Memo remembers, across the Prepare calls of one pspm serve, the Markdown rendered by
// text and the cards rendered by content, so that preparing a site again after an edit
// renders only what the edit changed. It keeps only the texts the last Prepare used, and
// the cards the pages asked for since the Prepare before it, so that its size follows the
// site's. Use one Memo for one Prepare at a time.
type Memo struct {
	mu       sync.Mutex
	md       liveTexts[markdown.Result]
	an       liveTexts[markdown.Anchored] // the texts rendered with their paragraphs' anchors
	cards    map[cardKey]template.HTML
	cardsNew map[cardKey]template.HTML
	tmpl     map[string][32]byte  // the templatesKey of the cards kept, by language
	layouts  map[string]layoutSet // the templates of the last Prepare, by language
	made     int                  // the cards rendered since the last Prepare began (for tests)
	tallies  map[tallyKey]TallyView
	trSum    map[string]string // the strings of each language the cards and tallies quote
	// epochs counts, by language, the times its cards and tallies were forgotten (their
	// strings or templates changed). A renderer reads and keeps them only in the epoch of
	// its Prepare: a page of the last snapshot, rendered while the next Prepare runs,
	// must not leave a card of the old templates for the new ones.
	epochs map[string]uint64
	seeds  [2]maphash.Seed // of the two halves of a cardKey's hash
	bufs   sync.Pool       // of *[]byte, where a card's content is written to be hashed
}

type tallyKey struct {
	lang  string
	tally site.Tally
}

// tally returns the view of t in language lang, made by make the first time in the
// language's epoch.
func (m *Memo) tally(lang string, epoch uint64, t site.Tally, make func() TallyView) TallyView {
	k := tallyKey{lang, t}
	m.mu.Lock()
	v, ok := m.tallies[k]
	now := m.epochs[lang] == epoch
	m.mu.Unlock()
	if ok && now {
		return v
	}
	v = make()
	m.mu.Lock()
	if m.tallies == nil || len(m.tallies) > 1<<16 {
		m.tallies = map[tallyKey]TallyView{}
	}
	if m.epochs[lang] == epoch {
		m.tallies[k] = v
	}
	m.mu.Unlock()
	return v
}

// cardKey identifies a card by language, a 128-bit hash of its content but its summary,
// and where its summary's bytes are: a summary comes from the memo of rendered texts, the
// same string while its text is the same (see textID), and hashing every summary of the
// site took more time than the rest of the cards' content.
type cardKey struct {
	lang    string
	sum     [2]uint64
	summary textID
}

// translations forgets the cards and tallies of a language whose strings changed: they
// quote them.
func (m *Memo) translations(rs []*renderer) {
	m.mu.Lock() // pages of the last snapshot may be rendering
	defer m.mu.Unlock()
	if m.trSum == nil {
		m.trSum = map[string]string{}
	}
	for _, r := range rs {
		keys := make([]string, 0, len(r.tr.strings))
		for k := range r.tr.strings {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(k + "\x00" + r.tr.strings[k] + "\x00")
		}
		if sum := b.String(); m.trSum[r.lang] != sum {
			m.trSum[r.lang] = sum
			for k := range m.tallies {
				if k.lang == r.lang {
					delete(m.tallies, k)
				}
			}
			m.forgetCards(r.lang)
		}
	}
}

// cardTemplates forgets the cards of a language whose templates changed (or the strings
// or links they use: see templatesKey).
func (m *Memo) cardTemplates(rs []*renderer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.tmpl == nil {
		m.tmpl = map[string][32]byte{}
	}
	for _, r := range rs {
		if m.tmpl[r.lang] != r.tmplKey {
			m.tmpl[r.lang] = r.tmplKey
			m.forgetCards(r.lang)
		}
	}
}

// forgetCards forgets the cards of language lang, and begins its next epoch.
func (m *Memo) forgetCards(lang string) {
	for _, cards := range []map[cardKey]template.HTML{m.cards, m.cardsNew} {
		for k := range cards {
			if k.lang == lang {
				delete(cards, k)
			}
		}
	}
	if m.epochs == nil {
		m.epochs = map[string]uint64{}
	}
	m.epochs[lang]++
}

// epoch is the epoch of language lang.
func (m *Memo) epoch(lang string) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.epochs[lang]
}

// templatesOf returns the templates of language lang that the last Prepare kept, when
// they were made from what key says.
func (m *Memo) templatesOf(lang string, key [32]byte) map[string]*template.Template {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.layouts[lang]; ok && t.key == key {
		return t.tmpl
	}
	return nil
}

// keepTemplates keeps the templates of language lang for the next Prepare: html/template
// runs a template on any number of goroutines, and its functions (funcs) read nothing
// that a rebuild changes.
func (m *Memo) keepTemplates(lang string, key [32]byte, tmpl map[string]*template.Template) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.layouts == nil {
		m.layouts = map[string]layoutSet{}
	}
	m.layouts[lang] = layoutSet{key, tmpl}
}

// layoutSet is the templates of a language, and what they were made from.
type layoutSet struct {
	key  [32]byte
	tmpl map[string]*template.Template
}

// start begins a Prepare: the texts it does not use are forgotten when it ends, and the
// cards that no page asked for between this Prepare and the next one (cards are made
// when a page asks for them).
func (m *Memo) start() {
	m.mu.Lock() // pages of the last snapshot may be rendering
	defer m.mu.Unlock()
	if m.seeds == [2]maphash.Seed{} {
		m.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	}
	m.md.start()
	m.an.start()
	if m.cardsNew != nil {
		m.cards = m.cardsNew
	}
	m.cardsNew = make(map[cardKey]template.HTML, len(m.cards))
	m.made = 0
}

// end forgets what the last Prepare did not use.
func (m *Memo) end() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.md.end()
	m.an.end()
}

func (m *Memo) markdown(md *markdown.Renderer, text string) markdown.Result {
	return memoized(&m.mu, &m.md, text, func() markdown.Result { return md.Render([]byte(text)) })
}

// anchored is markdown for a text rendered with its paragraphs' anchors.
func (m *Memo) anchored(md *markdown.Renderer, text string) markdown.Anchored {
	return memoized(&m.mu, &m.an, text, func() markdown.Anchored { return md.RenderAnchored([]byte(text)) })
}

// markdownAll is markdown for many texts at once, into out (out[i] of texts[i]).
func (m *Memo) markdownAll(md *markdown.Renderer, texts []string, out []markdown.Result) {
	memoizedAll(&m.mu, &m.md, texts, out, func(text string) markdown.Result { return md.Render([]byte(text)) })
}

// anchoredAll is anchored for many texts at once, into out.
func (m *Memo) anchoredAll(md *markdown.Renderer, texts []string, out []markdown.Anchored) {
	memoizedAll(&m.mu, &m.an, texts, out, func(text string) markdown.Anchored { return md.RenderAnchored([]byte(text)) })
}

// liveTexts is what the Prepare calls made of texts. A text of a file that did not change
// is the very same string from one rebuild to the next (the content cache shares it), so
// it is found by where its bytes are (textID) without hashing it: thousands of texts of
// kilobytes each on every rebuild. A text with the same words in a new string (its file
// read again, or everything read again) is found by its content (byText).
type liveTexts[T any] struct {
	last, next map[textID]textEntry[T] // of the last Prepare, and of this one while it runs
	byText     map[string]T            // every text made, until pruned (end)
	made       int                     // texts made since the last start (for tests)
}

type textEntry[T any] struct {
	text string
	res  T
}

// textID is where a string's bytes are. Two strings with the same textID have the same
// bytes: a string's bytes never change, and the pointer keeps them from being freed (and
// their place reused) while a map holds it.
type textID struct {
	p *byte
	n int
}

func idOf(s string) textID { return textID{unsafe.StringData(s), len(s)} }

func (t *liveTexts[T]) start() {
	t.next = make(map[textID]textEntry[T], len(t.last))
	t.made = 0
	if t.byText == nil {
		t.byText = map[string]T{}
	}
}

// end keeps what this Prepare used for the next one, and forgets the older texts of
// byText once they are as many as those used (a text edited a thousand times).
func (t *liveTexts[T]) end() {
	t.last, t.next = t.next, nil
	if len(t.byText) > 2*len(t.last)+256 {
		t.byText = make(map[string]T, len(t.last))
		for _, e := range t.last {
			t.byText[e.text] = e.res
		}
	}
}

// memoized returns what this Prepare or the last one made of text, or makes it; while a
// Prepare runs (t.next is not nil) it keeps it for the next one. The maps are read under
// mu, and make runs outside it.
func memoized[T any](mu *sync.Mutex, t *liveTexts[T], text string, make func() T) T {
	id := idOf(text)
	mu.Lock()
	e, ok := t.last[id]
	if !ok {
		e, ok = t.next[id]
	}
	if !ok {
		e.text = text
		e.res, ok = t.byText[text]
	}
	mu.Unlock()
	if !ok {
		e = textEntry[T]{text, make()}
	}
	mu.Lock()
	if t.next != nil {
		t.next[id] = e
		if !ok {
			t.byText[text] = e.res
			t.made++
		}
	}
	mu.Unlock()
	return e.res
}

// memoizedAll is memoized for every text of texts, into out: the texts the memo has are
// looked up under one lock, those it lacks are made on every core, and all are recorded
// under one lock. A rebuild of pspm serve looks up every text of the site (10,000 at
// 10,000 proposals), nearly all of them unchanged: locking for each, from every core at
// once, took most of the 11 ms that cost.
func memoizedAll[T any](mu *sync.Mutex, t *liveTexts[T], texts []string, out []T, make func(string) T) {
	ids := slices.Grow([]textID(nil), len(texts))
	var missing []int // of texts
	mu.Lock()
	for i, text := range texts {
		id := idOf(text)
		ids = append(ids, id)
		e, ok := t.last[id]
		if !ok {
			e, ok = t.next[id]
		}
		if !ok {
			e.res, ok = t.byText[text]
		}
		if ok {
			out[i] = e.res
		} else {
			missing = append(missing, i)
		}
	}
	mu.Unlock()
	first := map[string]int{} // of the missing texts, the first of the same words
	var unique []int
	for _, i := range missing {
		if _, dup := first[texts[i]]; !dup {
			first[texts[i]] = i
			unique = append(unique, i)
		}
	}
	parallel.For(len(unique), func(k int) {
		out[unique[k]] = make(texts[unique[k]])
	})
	for _, i := range missing {
		out[i] = out[first[texts[i]]]
	}
	mu.Lock()
	defer mu.Unlock()
	if t.next == nil {
		return
	}
	for i, text := range texts {
		t.next[ids[i]] = textEntry[T]{text, out[i]}
	}
	for _, i := range unique {
		t.byText[texts[i]] = out[i]
		t.made++
	}
}

// card renders c with the card template t of language lang, or returns the HTML it gave
// for a card with the same content in the language's epoch (cardTemplates forgets the
// cards of a template that changed).
func (m *Memo) card(lang string, epoch uint64, t *template.Template, c *Card) (template.HTML, error) {
	buf, _ := m.bufs.Get().(*[]byte)
	if buf == nil {
		buf = new([]byte)
	}
	content := appendCardContent((*buf)[:0], c, false)
	k := cardKey{lang, [2]uint64{maphash.Bytes(m.seeds[0], content), maphash.Bytes(m.seeds[1], content)}, idOf(c.Summary)}
	*buf = content
	m.bufs.Put(buf)
	m.mu.Lock()
	now := m.epochs[lang] == epoch
	h, ok := m.cards[k]
	if !ok {
		h, ok = m.cardsNew[k]
	}
	ok = ok && now
	m.mu.Unlock()
	if !ok {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, "card", c); err != nil {
			return "", err
		}
		h = template.HTML(b.String())
	}
	m.mu.Lock()
	if !ok {
		m.made++
	}
	if m.cardsNew != nil && m.epochs[lang] == epoch {
		m.cardsNew[k] = h
	}
	m.mu.Unlock()
	return h, nil
}

// cardContent is what a card renders from, as a string: every field of the card but
// HTML and what the rest of it determines (the tally's charts). TestCardContentCoversCard
// checks that a change of any other field changes it.
func cardContent(c *Card) string { return string(appendCardContent(nil, c, true)) }

// appendCardContent appends cardContent(c) to b, without the summary unless summary:
// the memo hashes it for every card a page asks for, without making a string of it.
func appendCardContent(b []byte, c *Card, summary bool) []byte {
	str := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	num := func(n int) {
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, ',')
	}
	str(c.Kind)
	str(c.Title)
	str(c.Code)
	str(c.URL)
	str(c.Status)
	str(c.Label)
	str(c.Body.Title)
	str(c.Body.URL)
	var date [64]byte
	b = strconv.AppendInt(b, int64(len(c.Date.AppendFormat(date[:0], time.RFC3339Nano))), 10)
	b = append(b, ':')
	b = c.Date.AppendFormat(b, time.RFC3339Nano)
	if summary {
		str(c.Summary)
	}
	num(len(c.Tags))
	for _, t := range c.Tags {
		str(t.Title)
		str(t.URL)
	}
	num(c.MoreTags)
	t := c.Tally
	for _, n := range [...]int{t.Support, t.Oppose, t.Abstain, t.Total, t.SupportPct, t.OpposePct, t.AbstainPct, t.PriorityCount} {
		num(n)
	}
	for _, n := range t.Distribution {
		num(n)
	}
	str(t.PriorityMean)
	str(t.SupportText)
	str(t.OpposeText)
	str(t.AbstainText)
	str(t.PriorityText)
	num(c.Progress)
	num(c.Supports)
	str(c.Threshold)
	return b
}

// Prepare makes the views of every language of the site and lists every file the
// portal has, without rendering any page. memo may be nil. Problems with the site's own
// templates or translations are returned as a diag.List.
func Prepare(o Options, memo *Memo) (*Prepared, error) {
	b := o.Begun
	if b == nil || b.config != o.Config || b.theme != o.Theme || b.used.Swap(true) {
		b = Begin(o, memo)
		b.used.Store(true)
	}
	rs, errs := b.wait()
	for _, r := range rs {
		r.Options, r.memo = o, memo
	}
	if errs.HasErrors() {
		return nil, errs
	}
	rs[0].warns.Append(errs.Warnings()) // strings not translated
	if memo != nil {
		memo.start()
		defer memo.end()
		memo.translations(rs)
		memo.cardTemplates(rs)
		for _, r := range rs {
			r.epoch = memo.epoch(r.lang)
		}
	}
	p := &Prepared{rs: rs}
	// The votes are measured for the bodies' pages of every language while the texts
	// are prepared.
	go rs[0].measureVotes()
	// The texts of the first language first (the others take its renderings of what they
	// do not translate), then every language's views at once.
	for i, r := range rs {
		r.prepareTexts(rs, i)
	}
	tasks := make([][]task, len(rs))
	failed := make([]error, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tasks[i], failed[i] = r.prepareViews(i)
		}()
	}
	wg.Wait()
	n := 1
	for i := range rs {
		if failed[i] != nil {
			return nil, failed[i]
		}
		n += len(tasks[i])
	}
	var pages []sitemapEntry
	for _, list := range tasks {
		pages = appendPages(pages, list)
	}
	sitemaps := rs[0].sitemaps(pages)
	n += len(sitemaps) - 1
	p.lists = append(tasks, sitemaps)
	p.tasks = make(map[string]taskAt, n)
	for l, list := range p.lists {
		for i := range list {
			t := &list[i]
			if at, dup := p.tasks[t.path]; dup { // as claim does
				prev := p.task(at)
				return nil, clash(t.path, claimant{kind: prev.kind, url: prev.url, src: prev.src}, claimant{kind: t.kind, url: t.url, src: t.src})
			}
			p.tasks[t.path] = taskAt{int32(l), int32(i)}
		}
	}
	return p, nil
}

// taskAt is where a task is in Prepared.lists.
type taskAt struct{ list, i int32 }

func (p *Prepared) task(at taskAt) *task { return &p.lists[at.list][at.i] }

// Begun is what Prepare needs that does not depend on the site's content: the strings
// and templates of every language, read from the theme. See Begin.
type Begun struct {
	config *config.Config
	theme  *theme.Chain
	rs     []*renderer
	errs   diag.List   // once wait returned
	langs  []diag.List // the problems of each language
	done   sync.WaitGroup
	once   sync.Once
	used   atomic.Bool // by a Prepare
}

// Begin reads, on goroutines of its own (one for each language), the strings and
// templates that Prepare with the same Config and Theme will use (o.Site is not
// read): pspm serve begins while it reads the content again. With memo (the one Prepare
// will use), a language's templates are those of the last Prepare when nothing they are
// made from changed. Set Options.Begun to the result.
func Begin(o Options, memo *Memo) *Begun {
	b := &Begun{config: o.Config, theme: o.Theme, langs: make([]diag.List, len(o.Config.Languages))}
	o.Site, o.Begun = nil, nil
	checkStatic(o, &b.errs)
	for i, lang := range o.Config.Languages {
		r := &renderer{Options: o, lang: lang, base: o.Config.BasePath()}
		if i > 0 {
			r.prefix = "/" + lang
		}
		r.bufs.New = func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }
		b.rs = append(b.rs, r)
		b.done.Add(1)
		go func() {
			defer b.done.Done()
			r.tr = loadTranslations(o.Theme, lang, &b.langs[i])
			r.tmpl = r.loadTemplates(&b.langs[i], memo)
		}()
	}
	return b
}

// wait returns the renderers once their strings and templates are read, and the
// problems found, in the order of the languages.
func (b *Begun) wait() ([]*renderer, diag.List) {
	b.done.Wait()
	b.once.Do(func() {
		for _, l := range b.langs {
			b.errs.Append(l)
		}
	})
	return b.rs, b.errs
}

// Warnings are the warnings found while listing the files: a static style sheet or script
// that the minifier cannot read, published as it is.
func (p *Prepared) Warnings() diag.List { return p.rs[0].warns }

// Paths lists the path of every file of the portal, sorted (the first call sorts them).
func (p *Prepared) Paths() []string {
	p.sorted.Do(func() {
		p.paths = make([]string, 0, len(p.tasks))
		for path := range p.tasks {
			p.paths = append(p.paths, path)
		}
		sort.Strings(p.paths)
	})
	return p.paths
}

// Len is the number of files of the portal.
func (p *Prepared) Len() int { return len(p.tasks) }

// Has reports whether the portal has a file at path.
func (p *Prepared) Has(path string) bool {
	_, ok := p.tasks[path]
	return ok
}

// Render renders the file at path (as Paths lists it).
func (p *Prepared) Render(path string) ([]byte, error) {
	at, ok := p.tasks[path]
	if !ok {
		return nil, fmt.Errorf("no file %s", path)
	}
	data, err := p.task(at).make()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// Sample lists the first few pages of each kind, in every language: what `pspm check`
// renders to find errors in the site's templates.
func (p *Prepared) Sample() []string {
	first := map[string][]string{} // by kind, in the order of the files
	for _, list := range p.lists {
		for _, t := range list {
			if t.kind != "" && len(first[t.kind]) < 3 {
				first[t.kind] = append(first[t.kind], t.path)
			}
		}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(first)) {
		out = append(out, first[k]...)
	}
	return out
}

// Patch takes into account that the words of items (their titles, texts, and their
// translations') changed in place, nothing else: their Markdown and cards are made again
// in every language, and the views that quote them.
func (p *Prepared) Patch(items []*site.Item) error {
	for i, r := range p.rs {
		for _, it := range items {
			if i == 0 {
				if anchorable(it) {
					a := r.anchoredText(it.Text())
					r.anchored[it] = a // the map every language shares
					r.html[it] = a.Result
				} else {
					r.html[it] = r.markdown(it.Text())
				}
			} else if tr := it.Translations[r.lang]; tr != nil {
				r.html[it] = r.markdown(tr.Text)
				delete(r.fallback, it)
			} else {
				r.html[it] = p.rs[0].html[it]
				r.fallback[it] = true
			}
		}
	}
	for _, r := range p.rs {
		for _, it := range items {
			i, ok := r.cards.at[it]
			if !ok || r.Site.Items[it.Key()] == nil {
				continue
			}
			if it.Section != site.Proposals && it.Section != site.Practices {
				return fmt.Errorf("patch: %s is not a proposal or practice", it.Key())
			}
			// A card not made yet is made from the new words when a page asks for it; one
			// made is made again where it is, for the views that point to it.
			if sl := &r.cards.slots[i]; sl.card != nil {
				*sl.card = *r.cardOf(r.cards.srcs[i])
			}
		}
		if err := r.cardFailed(); err != nil {
			return err
		}
		r.view = r.siteView()
		r.prepareVersions()
		r.prefill = r.makePrefills()
	}
	return nil
}
