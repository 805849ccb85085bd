// Package render turns a derived site.Site into the files of the portal: HTML pages from
// the theme's html/template layouts, Atom feeds, the sitemap, the open data under /api/v1/
// (JSON and CSV, their DCAT-AP_IT catalogue and one archive of them all, described by the
// catalogue of datasets in datasets.go), the theme's static files (style sheets and
// scripts minified) and the items' attachments.
//
// Templates see views (views.go), never the model, so themes depend on a documented
// contract. Pages are rendered on every core; the output is the same bytes on every run,
// because every list is sorted and nothing reads the clock.
package render

import (
	"bytes"
	"cmp"
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"io"
	"io/fs"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/deflate"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/internal/pathkey"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
)

// Options is what a render needs.
type Options struct {
	Site     *site.Site
	Config   *config.Config
	Theme    *theme.Chain
	Source   fs.FS // the site's folder, where attachments are read
	Markdown *markdown.Renderer
	Version  string // pspm's version, in the generator meta tag
	// Sample renders only a few pages of each kind in each language, and no feeds, data or
	// files: enough to find errors in the site's templates, for `pspm check`.
	Sample bool
	// LazyTextsAbove is the number of proposals and practices above which a full build
	// makes the HTML of their texts when a page or feed shows them, instead of once for
	// all, and keeps it only for the item's page and feed in that language: it bounds
	// memory on large sites, and costs render time (each text is rendered once per
	// language and again for each feed of the site that lists it; see textMemo). 0 is
	// DefaultLazyTextsAbove; negative is always. (A smaller site's texts are also made
	// only for the pages and feeds rendered, once each, in a full build: see lazy.)
	LazyTextsAbove int
	// Pages, when set, is the page cache of the previous build: a page whose fingerprint
	// it knows, with its file unchanged in the destination, is kept and not rendered.
	Pages PageCache
	// Generator identifies the pspm that renders (the SHA-256 of its executable): part of
	// every page's fingerprint, so that another pspm never keeps a page of this one.
	// Without it Pages is not used.
	Generator []byte
	// Summary, when set, gives the summary of a Markdown text that the build has already
	// parsed (the search stage converts every text it indexes, and its summary is the
	// one Markdown.Render gives): ok is false for a text it has not seen. A text whose
	// summary is known is not parsed again unless a page that shows it is rendered.
	Summary func(markdown []byte) (summary string, ok bool) // must not keep or change markdown
	// InputCheck, when set, is given the input key of every page and feed that has one
	// (inputKey) with the fingerprint of its view, which is then made whether or not the
	// page is kept: for tests, which check that a page whose inputs did not change has
	// the same view.
	InputCheck func(path string, input, view Fingerprint)
	// Chunks, when set, holds the compressed chunks of the previous build's datasets:
	// the open data archive takes the chunks of a dataset that did not change instead of
	// compressing them again (deflate.Chunked), and Chunks keeps this build's for the next.
	// The archive is the same bytes with or without it.
	Chunks *deflate.ChunkCache
	// Begun, when set, is what Begin read for a Prepare with the same Config and Theme;
	// one Prepare uses it.
	Begun *Begun
}

// DefaultLazyTextsAbove is Options.LazyTextsAbove's default: a site of 20,000 proposals
// holds about 300 MB of their HTML; at 100,000 it held 1.5 GB, twice over.
const DefaultLazyTextsAbove = 20000

// renderer holds the state of the render of one language.
type renderer struct {
	Options
	lang      string // the page language
	prefix    string // the language's path prefix: "" for the first language, "/en" for English
	tr        translations
	tmpl      map[string]*template.Template // by page kind
	proseMemo proseMemo
	tmplKey   [32]byte // what tmpl depends on (templatesKey)
	html      map[*site.Item]markdown.Result
	anchored  map[*site.Item]markdown.Anchored // the first language's texts of the items whose paragraphs are commented (anchorable)
	texts     *textMemo                        // the lazy texts made and still to be shown, every language's; nil but in a full build that keeps pages, on a site that can hold them
	textKeys  sync.Map                         // *site.Item → the late key of its text in lang (textLateKey), in a build that keeps pages
	fallback  map[*site.Item]bool              // the item has no translation into lang: its text is in the default language
	plan      markdown.Result
	fb        map[*site.Feedback]markdown.Result
	ans       map[*site.Proposal]template.HTML
	vtext     map[string]markdown.Result     // the Markdown of the plan versions' texts, by text
	versions  map[*site.Version]*VersionView // views of the versions, made once
	layouts   map[*site.Version]*planLayout  // how each version's plan (nil: the draft) is laid out in pages, made once
	lineage   *site.Lineage                  // the index of the versions for the items' history, made once
	view      *SiteView
	cards     *cardSet
	cardMem   *offheap.Arena           // the HTML of the cards, let go of with the language (nil: on the heap)
	cardPack  *cardPacker              // on a large site, compresses the cards' HTML (nil: held as it is)
	cardErr   atomic.Pointer[error]    // the first error of the card template (cardFailed)
	votes     map[*site.Body]*voteRows // on the first language's renderer: see voteBytes
	votesOnce sync.Once
	rows      map[*site.Action]*ActionRow // the rows of the tables of actions, made once
	bufs      sync.Pool                   // of *bytes.Buffer, for pages
	all       []*renderer                 // every language's renderer, for the language switcher
	prefill   prefills                    // what the forge buttons prefill
	newLinks  *ForgeView                  // the forge links to propose a new proposal or practice
	memo      *Memo                       // what pspm serve keeps between builds, or nil
	verdicts  sync.Map                    // *site.Verdict -> *verdictText (verdictText)
	epoch     uint64                      // the memo's epoch of the language when Prepare began
	base      string                      // Config.BasePath(), which parses the base URL
	tagURLs   sync.Map                    // tag → the link to its page
	warns     diag.List                   // warnings found while listing the files (static files the minifier cannot read)

	// builtInTools says the paragraph-tools template is the built-in theme's, whose
	// output for a paragraph is the same around its id (stampTools); set once, by
	// toolsOnce.
	builtInTools bool
	toolsOnce    sync.Once
	progressIndex
	salt   Fingerprint // the part of every page's fingerprint common to the language (makeSalt)
	shared sharedViews // the digests of the cards and of the site-wide view, for the fingerprints
	// inputs are the items' input encodings, when pages have input keys (inputKey):
	// shared by the languages, or the language's own on a large site
	// (inputs.shareLanguages); global is the language's global key, made once.
	inputs *inputs
	// lastInputs: this renderer is the last to read inputs (the build's last language,
	// or any language when inputs are its own), which then lets go of an item's or a
	// list's encoding as soon as it has read it.
	lastInputs bool
	archiveMem *offheap.Arena // the compressed datasets until the archive is made (archiveTasks)
	out        *fileBufs      // where pages and feeds are made, in a build; nil in pspm serve
	bars       *interned      // the tallies' bars, shared by the languages, in a build
	globalOnce sync.Once
	global     Fingerprint
	globalOK   bool
	// links are the input encodings of the links to the entities items point to, in
	// this language, by entity (refLink): a body's votes point to 10,000 items, an item
	// to hundreds of bodies, and each link was made again for every row.
	linksMu sync.RWMutex
	links   map[unsafe.Pointer]memoLinkOf
}

// memoLinkOf is the input encoding of the link to an entity of type t (refLink); ok is
// false when it has none.
type memoLinkOf struct {
	t  reflect.Type
	b  []byte
	ok bool
}

// Render writes the whole portal to w: every page in every language of the site (the
// first at the root, the others under /<lang>/), feeds, the sitemap, the open data, static
// files and attachments. Problems with the site's own templates or translations are
// returned as a diag.List; anything else is an internal error. A diag.List of warnings
// alone (a static file that cannot be minified) means the portal was written whole.
func Render(o Options, w output.Writer) error {
	var errs diag.List
	checkStatic(o, &errs)
	var rs []*renderer
	items := newInputs(o.Site)
	var files *fileBufs
	if reuseFileBuffers {
		files = &fileBufs{}
	}
	bars := &interned{}
	for i, lang := range o.Config.Languages {
		r := &renderer{Options: o, lang: lang, base: o.Config.BasePath(), out: files, bars: bars, cardMem: &offheap.Arena{}}
		if i > 0 {
			r.prefix = "/" + lang
		}
		r.bufs.New = func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }
		r.tr = loadTranslations(o.Theme, lang, &errs)
		r.tmpl = r.loadTemplates(&errs, nil)
		if !o.Sample {
			r.salt = r.makeSalt()
		}
		if r.deferring() {
			if items.shareLanguages {
				r.inputs, r.lastInputs = items, i == len(o.Config.Languages)-1
			} else {
				// Each language encodes what it reads, and lets go of it once read.
				r.inputs, r.lastInputs = newInputs(o.Site), true
			}
		}
		rs = append(rs, r)
	}
	if errs.HasErrors() {
		return errs
	}
	if !o.Sample {
		for _, r := range rs {
			r.foldTemplates()
		}
	}
	rs[0].warns.Append(errs.Warnings()) // strings not translated
	// One language after the other, so that only one language's views are in memory.
	var pages []sitemapEntry // every page of every language, for the sitemap
	var sitemap []task       // its files, made once every language is written
	claimed := newClaims()
	for i, r := range rs {
		tasks, err := r.prepare(rs, i)
		if err != nil {
			return err
		}
		if err := claim(claimed, tasks); err != nil {
			return err
		}
		if o.Sample {
			tasks = sample(tasks)
		}
		pages = appendPages(pages, tasks)
		if i == len(rs)-1 {
			// Every language's body pages are cut: the rows' measures (voteBytes) are
			// read no more (15 MB at 1,000,000 reactions). And every page is listed:
			// the sitemap's files are claimed now, and the claims let go of before the
			// last language renders (a path for every file of every language, 27 MB at
			// 100,000 proposals, held to the end before).
			rs[0].votes = nil
			if !o.Sample {
				sitemap = rs[0].sitemaps(pages)
				if err := claim(claimed, sitemap); err != nil {
					return err
				}
			}
			claimed = nil
		}
		// run lets go of each task once it is taken, and with it the views its functions
		// hold: nothing else may hold the list.
		tasks = pagesWithFeeds(tasks)
		if err := run(tasks, w, o.Pages, files); err != nil {
			return err
		}
		tasks = nil
		if afterLanguage != nil {
			afterLanguage(r)
		}
		r.cards, r.rows, r.vtext, r.versions, r.links = nil, nil, nil, nil, nil // done with this language: let the garbage collector have its views
		r.textKeys.Clear()
		// Its cards' HTML too: every page that showed one is written, and nothing else
		// holds one (a view holds its cards until its page is written; a language's
		// cards are never another's). At 100,000 proposals a language's cards are 165 MB.
		r.cardMem.Free()
		r.cardPack.close()
		r.cardPack = nil
		if i > 0 {
			r.html, r.ans = nil, nil
		}
	}
	if afterRender != nil {
		afterRender(rs, items, claimed)
	}
	if err := run(sitemap, w, nil, nil); err != nil {
		return err
	}
	if len(rs[0].warns) > 0 {
		return rs[0].warns // warnings only: the portal is written
	}
	return nil
}

// claimant is what made a file, for the message of a clash: never the task itself, whose
// make function holds a language's views, which must be let go once the language is
// rendered.
type claimant struct{ kind, url, src string }

// claims are the output paths taken so far, each with what takes it: a build holds one
// for every file of every language (570,000 at 100,000 proposals), so a path keeps one
// byte, the index of its page kind, and only an attachment its source. A path is held by
// its key, not its string: the paths' strings were tens of MB of the heap at the end of a
// large site's render, where a build's memory peaks.
type claims struct {
	paths map[pathkey.Key]uint8 // path's key → 1 + the index of its page's kind in kinds; 0: another file
	kinds []string              // the page kinds met
	srcs  map[string]string     // path → the attachment published there
	index map[string]uint8      // kind → 1 + its index in kinds
}

func newClaims() *claims {
	return &claims{paths: map[pathkey.Key]uint8{}, srcs: map[string]string{}, index: map[string]uint8{}}
}

// of is what takes path, which claimed holds.
func (c *claims) of(path string) claimant {
	if src, ok := c.srcs[path]; ok {
		return claimant{src: src}
	}
	k := c.paths[pathkey.Of(path)]
	if k == 0 {
		return claimant{}
	}
	// A page's site path is its file's without index.html (a page elsewhere, 404.html,
	// is named by its file).
	return claimant{kind: c.kinds[k-1], url: "/" + strings.TrimSuffix(path, "index.html")}
}

// claim records the output paths of tasks in claimed, and refuses a path that two files
// would take: one would silently replace the other. When an attachment is one of the two,
// the error is the content's, at the attachment; otherwise it is an internal error that
// names both producers.
func claim(claimed *claims, tasks []task) error {
	for i := range tasks {
		t := &tasks[i]
		key := pathkey.Of(t.path)
		if _, dup := claimed.paths[key]; dup {
			return clash(t.path, claimed.of(t.path), claimant{kind: t.kind, url: t.url, src: t.src})
		}
		k := uint8(0)
		switch {
		case t.src != "":
			claimed.srcs[t.path] = t.src
		case t.kind != "":
			if k = claimed.index[t.kind]; k == 0 {
				if len(claimed.kinds) == 255 {
					return fmt.Errorf("internal error: more than 255 page kinds")
				}
				claimed.kinds = append(claimed.kinds, t.kind)
				k = uint8(len(claimed.kinds))
				claimed.index[t.kind] = k
			}
		}
		claimed.paths[key] = k
	}
	return nil
}

// clash is the error of two files, prev then this, at the same path.
func clash(path string, prev, this claimant) error {
	if at := cmp.Or(this.src, prev.src); at != "" {
		other := prev
		if at == prev.src {
			other = this
		}
		var errs diag.List
		errs.Add(diag.Pos{File: at}, "this file would be published at /%s, which %s takes: rename it", path, other.producer())
		return errs
	}
	return fmt.Errorf("internal error: two files at %s: %s and %s", path, prev.producer(), this.producer())
}

// producer says what makes a file, for messages.
func (t claimant) producer() string {
	switch {
	case t.src != "":
		return "the attachment " + t.src
	case t.kind != "":
		return "the " + t.kind + " page " + t.url
	}
	return "a generated file"
}

// prepare makes the views of language i of rs and lists its files: its pages and feeds,
// and for the first language the open data, the static files and the attachments.
func (r *renderer) prepare(rs []*renderer, i int) ([]task, error) {
	r.prepareTexts(rs, i)
	return r.prepareViews(i)
}

// prepareTexts renders the Markdown of language i of rs; a language after the first
// takes the first's renderings of the texts it does not translate.
func (r *renderer) prepareTexts(rs []*renderer, i int) {
	r.all = rs
	if i == 0 {
		r.renderMarkdown()
	} else {
		r.translateMarkdown(rs[0])
	}
}

// prepareViews makes the views of language i once its texts are prepared, and lists its
// files. It reads the other languages' renderers only for their names, so the languages
// may be prepared at the same time.
func (r *renderer) prepareViews(i int) ([]task, error) {
	r.renderVersionTexts()
	r.view = r.siteView()
	r.cards = r.allCards() // before the versions: the plan links the proposals of its actions by title
	if r.memo == nil && len(r.cards.srcs) > packCardsAbove {
		r.cardPack = &cardPacker{}
	}
	r.prepareVersions()
	r.prefill = r.makePrefills()
	r.newLinks = r.forgeNew()
	if err := r.renderRows(); err != nil {
		return nil, err
	}
	tasks := append(r.pages(), r.feeds()...)
	if i == 0 {
		data := r.openData()
		if r.Site.AgID != nil {
			data = append(data, jsonTask("api/v1/agid.json", func() any { return r.agidJSON() }))
		}
		data = append(data, r.versionData()...)
		archive := r.archiveTasks(data)
		// The datasets first, on every core: each is written as it is made, in little
		// memory, and one core making the last of them after the pages (one at a time, as
		// they were when each was held whole) was the last second of a 10,000-proposal
		// build. The archive, which copies their compressed entries, after the pages, when
		// the datasets are made (one still being made is waited for, archived.mu).
		tasks = append(append(data, tasks...), archive...)
		tasks = append(tasks, r.files()...)
	}
	return tasks, nil
}

// markdown renders a Markdown text, or takes it from the memo of pspm serve.
func (r *renderer) markdown(text string) markdown.Result {
	if r.memo != nil {
		return r.memo.markdown(r.Markdown, text)
	}
	return r.Markdown.Render([]byte(text))
}

// anchoredText renders a Markdown text with its paragraphs' anchors, or takes it from
// the memo of pspm serve.
func (r *renderer) anchoredText(text string) markdown.Anchored {
	if r.memo != nil {
		return r.memo.anchored(r.Markdown, text)
	}
	return r.Markdown.RenderAnchored([]byte(text))
}

// task produces one output file.
type task struct {
	kind string // the page kind, for pages
	path string // output path, slash-separated
	url  string // the page's site path for the sitemap, "" for files that are not pages
	src  string // for attachments: the file in the site's folder it is copied from
	date time.Time
	make func() ([]byte, error)
	// input, when set, is the input key of the page or feed (inputKey): with a page
	// cache, a page whose input key it knows is kept without making its view.
	input func() (Fingerprint, bool)
	// stream, when set, writes the same bytes as make as it makes them: the build writes
	// the file to the output as it goes (streamTask).
	stream func(io.Writer) error
	// feedNext says that the next task is this page's own feed, which run gives to the
	// same worker right after it (pagesWithFeeds).
	feedNext bool
}

// pagesWithFeeds orders the tasks so that the feed of a page (X/index.xml) is made just
// after the page (X/index.html), by the same worker (feedNext): an item's page and its own
// feed show its text and read its input encoding, which are then made once and let go of
// at once (textMemo), and never waited for by another worker. The order of the others is
// kept.
func pagesWithFeeds(tasks []task) []task {
	feeds := map[string]int{} // a folder → the index of its feed
	for i, t := range tasks {
		if dir, ok := strings.CutSuffix(t.path, "index.xml"); ok {
			feeds[dir] = i
		}
	}
	moved := make([]bool, len(tasks))
	out := make([]task, 0, len(tasks))
	for i, t := range tasks {
		if moved[i] {
			continue
		}
		out = append(out, t)
		if dir, ok := strings.CutSuffix(t.path, "index.html"); ok && t.kind != "" {
			if j, ok := feeds[dir]; ok && j > i {
				out[len(out)-1].feedNext = true
				out = append(out, tasks[j])
				moved[j] = true
			}
		}
	}
	return out
}

// inFlight counts the bytes of the files made and not yet written, and holds back the
// workers while they are more than maxInFlight: a disk slower than the render would
// otherwise let 64 files wait, and a large site's feeds are hundreds of kilobytes each
// (at 100,000 proposals, 27 MB of them when the live heap was at its largest).
type inFlight struct {
	mu   sync.Mutex
	cond sync.Cond
	n    int
}

// maxInFlight is how many bytes of files run lets wait for the writers.
const maxInFlight = 8 << 20

// add waits until n more bytes fit (a file larger than maxInFlight waits for none), and
// counts them.
func (p *inFlight) add(n int) {
	p.mu.Lock()
	if p.cond.L == nil {
		p.cond.L = &p.mu
	}
	for p.n > 0 && p.n+n > maxInFlight {
		p.cond.Wait()
	}
	p.n += n
	p.mu.Unlock()
}

// done counts n bytes written.
func (p *inFlight) done(n int) {
	p.mu.Lock()
	p.n -= n
	if p.cond.L != nil {
		p.cond.Broadcast()
	}
	p.mu.Unlock()
}

// afterRender, when set (by tests), is given the renderers, the input encodings and the
// claims (nil once let go of) once every language is rendered.
var afterRender func([]*renderer, *inputs, *claims)

// afterLanguage, when set (by tests), is given each renderer once its pages are written.
var afterLanguage func(*renderer)

// shrinkTasksPast is how many tasks run takes before it moves the rest of a list to a
// smaller one (once half of the list is taken), and lets go of the larger.
var shrinkTasksPast = 4096

// sample keeps the first three pages of each kind.
func sample(tasks []task) []task {
	seen := map[string]int{}
	var out []task
	for _, t := range tasks {
		if t.kind != "" && seen[t.kind] < 3 {
			seen[t.kind]++
			out = append(out, t)
		}
	}
	return out
}

// run executes the tasks on every core and writes their files; it stops at the first
// error. Writing is handed to goroutines of its own, so that the render workers never wait
// on the file system's system calls. A page that pages keeps is neither rendered nor
// written. Each task is cleared from tasks when a worker takes it, so that what its
// functions hold (a language's views, its cards) can be collected as the pages are made
// rather than after the last, and the list itself shrinks as it is taken
// (shrinkTasksPast): the caller must not use tasks afterwards, nor hold it while run
// goes.
func run(tasks []task, w output.Writer, pages PageCache, bufs *fileBufs) error {
	type file struct {
		path string
		data []byte
	}
	var (
		mu       sync.Mutex
		next     int
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	files := make(chan file, 64)
	var pending inFlight
	var writers sync.WaitGroup
	for range 8 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for f := range files {
				if err := w.WriteFile(f.path, f.data); err != nil {
					fail(fmt.Errorf("%s: %w", f.path, err))
				}
				bufs.done(f.data)
				pending.done(len(f.data))
			}
		}()
	}
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for {
				mu.Lock()
				if firstErr != nil || next >= len(tasks) {
					mu.Unlock()
					return
				}
				// A page and its own feed, taken together: the feed would otherwise
				// wait on another worker for the input encoding the page is making.
				var taken [2]task
				unit := taken[:copy(taken[:], tasks[next:next+1])]
				if unit[0].feedNext && next+1 < len(tasks) {
					unit = taken[:copy(taken[:], tasks[next:next+2])]
				}
				clear(tasks[next : next+len(unit)])
				next += len(unit)
				if next >= shrinkTasksPast && 2*next >= len(tasks) {
					// Half of the list is taken: the rest moves to a list of its own, and
					// the array goes. A language's list at 100,000 proposals is about 30 MB,
					// held to its last task, when the build's live heap is at its largest.
					tasks, next = slices.Clone(tasks[next:]), 0
				}
				mu.Unlock()
				for _, t := range unit {
					if t.stream != nil {
						if err := output.Stream(w, t.path, t.stream); err != nil {
							fail(fmt.Errorf("%s: %w", t.path, err))
							return
						}
						continue
					}
					data, kept, err := makePage(t, pages)
					if err != nil {
						fail(fmt.Errorf("%s: %w", t.path, err))
						return
					}
					if !kept {
						pending.add(len(data))
						files <- file{t.path, data}
					}
				}
			}
		}()
	}
	workers.Wait()
	close(files)
	writers.Wait()
	return firstErr
}

// renderMarkdown renders every Markdown text of the site once, on every core.
func (r *renderer) renderMarkdown() {
	s := r.Site
	var items []*site.Item
	for _, it := range s.Items {
		items = append(items, it)
	}
	results := make([]markdown.Result, len(items))
	anchoredResults := make([]markdown.Anchored, len(items))
	fbs := s.Feedback
	fbResults := make([]markdown.Result, len(fbs))
	var props []*site.Proposal
	for _, p := range s.Proposals {
		if p.Answer.Text != "" {
			props = append(props, p)
		}
	}
	ansResults := make([]markdown.Result, len(props))
	n := len(items) + len(fbs) + len(props)
	if r.memo != nil { // pspm serve: no text is lazy, and nearly all are in the memo
		var an, plain []int // of items, fbs and props in a row (as parallel.For's i below)
		var anTexts, texts []string
		for i, it := range items {
			if anchorable(it) {
				an, anTexts = append(an, i), append(anTexts, it.Text())
			} else {
				plain, texts = append(plain, i), append(texts, it.Text())
			}
		}
		for j, f := range fbs {
			plain, texts = append(plain, len(items)+j), append(texts, f.Text)
		}
		for j, p := range props {
			plain, texts = append(plain, len(items)+len(fbs)+j), append(texts, p.Answer.Text)
		}
		anOut, out := make([]markdown.Anchored, len(an)), make([]markdown.Result, len(plain))
		r.memo.anchoredAll(r.Markdown, anTexts, anOut)
		r.memo.markdownAll(r.Markdown, texts, out)
		for k, i := range an {
			anchoredResults[i], results[i] = anOut[k], anOut[k].Result
		}
		for k, i := range plain {
			switch {
			case i < len(items):
				results[i] = out[k]
			case i < len(items)+len(fbs):
				fbResults[i-len(items)] = out[k]
			default:
				ansResults[i-len(items)-len(fbs)] = out[k]
			}
		}
		n = 0
	}
	parallel.For(n, func(i int) {
		switch {
		case i < len(items) && r.lazy(items[i]):
			results[i].Summary = r.summary(items[i].Text(), anchorable(items[i]))
		case i < len(items) && anchorable(items[i]):
			// One rendering gives the text with its paragraphs' anchors and without (and
			// pspm serve's memo keeps one).
			anchoredResults[i] = r.anchoredText(items[i].Text())
			results[i] = anchoredResults[i].Result
		case i < len(items):
			results[i] = r.markdown(items[i].Text())
		case i < len(items)+len(fbs):
			j := i - len(items)
			fbResults[j] = r.markdown(fbs[j].Text)
		default:
			j := i - len(items) - len(fbs)
			ansResults[j] = r.markdown(props[j].Answer.Text)
		}
	})
	r.html = make(map[*site.Item]markdown.Result, len(items))
	r.anchored = make(map[*site.Item]markdown.Anchored)
	for i, it := range items {
		r.html[it] = results[i]
		if anchorable(it) && !r.lazy(it) {
			r.anchored[it] = anchoredResults[i]
		}
	}
	r.fb = make(map[*site.Feedback]markdown.Result, len(fbs))
	for i, f := range fbs {
		r.fb[f] = fbResults[i]
	}
	r.ans = make(map[*site.Proposal]template.HTML, len(props))
	for i, p := range props {
		r.ans[p] = template.HTML(ansResults[i].HTML)
	}
	r.plan = r.markdown(s.Plan.Text)
	if r.deferring() { // the only builds with lazy texts to keep
		r.texts = &textMemo{}
	}
}

// lazy tells whether the HTML of an item's text is made when a page or feed that shows
// it is rendered, rather than for all of them before any page: for proposals and
// practices, which grow with the site, when no comment is anchored to them (the pages of
// comments read their paragraphs), in a full build (not pspm serve's), on a large site
// (lazyTexts) or when the build keeps the pages of the previous one (deferring), where
// most pages, and so most texts, are not rendered at all. The lists keep only their
// summaries. A rendering is kept only until the pages and feeds counted for it have
// shown it (textMemo): a site of 100,000 proposals held 1.5 GB of their HTML, twice
// over, until the last page was written, when every text was made before the pages.
func (r *renderer) lazy(it *site.Item) bool {
	return r.memo == nil && (r.lazyTexts() || r.deferring()) && (it.Section == site.Proposals || it.Section == site.Practices) && len(it.Feedback) == 0
}

// summary is the summary of a Markdown text (anchored: of the text as RenderAnchored
// reads it), from Options.Summary when the build has it, else parsed.
func (r *renderer) summary(text string, anchored bool) string {
	if r.Summary != nil && (!anchored || strings.IndexByte(text, 0) < 0) {
		// The text's bytes as they are, not a copy: Summary only hashes them (a copy of
		// every text of the site was a twentieth of what a build after one vote allocated).
		if s, ok := r.Summary(unsafe.Slice(unsafe.StringData(text), len(text))); ok {
			return s
		}
	}
	if anchored {
		return r.Markdown.AnchoredSummary([]byte(text))
	}
	return r.Markdown.Summary([]byte(text))
}

// textMemo keeps the rendering of a lazy item's text, once made, for the other pages and
// feeds that show it, and only until the last of them is rendered: the item's page and
// its own feed in each language (its translation's rendering, or its own where the
// language does not translate it), and, on a site whose texts fit in memory, the feeds
// of the site that list it. expectText and expectFeedText count them before any page is
// rendered, textDone lets go of the text once each has, and pagesWithFeeds renders an
// item's feed just after its page. A text no page or feed waits for any longer is made
// for whatever asks for it and not kept: a site of 10,000 proposals in one language held
// 200 MB of HTML, most of it read twice and early, until its last page was written.
//
// On a large site (lazyTexts) each language counts only its own page and feed: keeping
// a text for the next language, or for the feeds of the site (rendered after every page,
// and which list most items between them), would hold most texts at once, which lazy
// texts are there to avoid. A text is then made once per language, and again (its HTML
// only) for each feed of the site that lists it, but its body's: the pages of a body's
// proposals and practices are rendered just before the body's pages and feed, which
// counts them (groupsBodies).
type textMemo struct{ m sync.Map } // textMemoKey → *memoText

// textMemoKey is an item's own text (lang "") or its translation into lang.
type textMemoKey struct {
	it   *site.Item
	lang string
}

type memoText struct {
	once sync.Once
	a    markdown.Anchored
	made atomic.Bool  // a is made
	left atomic.Int32 // the pages still to show it
}

// lazyText is render's rendering of the text key names, made once while pages wait for it.
func (r *renderer) lazyText(key textMemoKey, render func() markdown.Anchored) markdown.Anchored {
	if r.texts == nil {
		return makeText(render)
	}
	v, ok := r.texts.m.Load(key)
	if !ok {
		return makeText(render)
	}
	m := v.(*memoText)
	m.once.Do(func() { m.a = makeText(render); m.made.Store(true) })
	return m.a
}

// textMade, when set (by tests), is called each time a lazy text is made.
var textMade func()

// makeText makes a lazy text with render.
func makeText(render func() markdown.Anchored) markdown.Anchored {
	if textMade != nil {
		textMade()
	}
	return render()
}

// peekText is lazyText for a page or feed that is not counted for the text (a feed of a
// large site): the memo's rendering when one is made, else render's, which the memo does
// not keep. Kept, it would wait for the item's page: the feeds of the bodies and tags,
// each made just after its page, made the texts of their latest proposals long before
// those proposals' pages, and a site of 100,000 proposals held 600 MB of them.
func (r *renderer) peekText(key textMemoKey, render func() markdown.Anchored) markdown.Anchored {
	if r.texts != nil {
		if v, ok := r.texts.m.Load(key); ok && v.(*memoText).made.Load() {
			return v.(*memoText).a
		}
	}
	return makeText(render)
}

// lazyKey names the rendering of a lazy item's text that a page in the page language
// shows: its translation's, or its own.
func (r *renderer) lazyKey(it *site.Item) textMemoKey {
	return lazyKeyIn(it, r.lang, r.Config.Languages[0])
}

// lazyKeyIn is lazyKey in the language lang of a site whose first language is first.
func lazyKeyIn(it *site.Item, lang, first string) textMemoKey {
	if it.Translations[lang] != nil && lang != first {
		return textMemoKey{it, lang}
	}
	return textMemoKey{it: it}
}

// expectText counts the pages and feeds that will show the rendering of the item's text:
// its page and its own feed (the translation's rendering in a language that translates
// it, its own otherwise). On a site whose texts fit in memory the first language counts
// them for every language (the languages are rendered one after the other; the count is
// taken before the first); on a large one each language counts its own.
func (r *renderer) expectText(it *site.Item) {
	if r.texts == nil || !r.lazy(it) {
		return
	}
	if r.lazyTexts() {
		r.texts.expect(r.lazyKey(it), 2)
		return
	}
	if r.lang != r.Config.Languages[0] {
		return
	}
	for _, lang := range r.Config.Languages {
		r.texts.expect(lazyKeyIn(it, lang, r.Config.Languages[0]), 2)
	}
}

// countsFeeds says whether the feeds of the site count the texts they will show
// (expectFeedText): only on a site whose texts fit in memory.
func (r *renderer) countsFeeds() bool { return r.texts != nil && !r.lazyTexts() }

// expectFeedText counts a feed of the site (not the item's own) that will show the item's
// text: on a site whose texts fit in memory (countsFeeds), or a body's feed (grouped)
// rendered with its items' pages (groupsBodies).
func (r *renderer) expectFeedText(it *site.Item, grouped bool) {
	if (r.countsFeeds() || grouped && r.groupsBodies()) && r.lazy(it) {
		r.texts.expect(r.lazyKey(it), 1)
	}
}

// expect counts n more pages or feeds that will show the text key names.
func (m *textMemo) expect(key textMemoKey, n int32) {
	v, _ := m.m.LoadOrStore(key, &memoText{})
	v.(*memoText).left.Add(n)
}

// textDone says the item's page in the page language has taken its text: the last of
// them lets it go.
func (r *renderer) textDone(it *site.Item) {
	if r.texts == nil {
		return
	}
	key := r.lazyKey(it)
	if v, ok := r.texts.m.Load(key); ok && v.(*memoText).left.Add(-1) == 0 {
		r.texts.m.Delete(key)
	}
}

// lazyTexts says the site is large enough for lazy texts (Options.LazyTextsAbove).
func (r *renderer) lazyTexts() bool {
	above := r.LazyTextsAbove
	if above == 0 {
		above = DefaultLazyTextsAbove
	}
	return len(r.Site.Proposals)+len(r.Site.Practices) > above
}

// rendered is the rendering of an item's text in the page language, as r.html holds it
// for the items that are not lazy.
func (r *renderer) rendered(it *site.Item) markdown.Result { return r.renderedFor(it, true) }

// renderedFor is rendered for a page or feed that is counted for the text in the memo
// (expectText, expectFeedText), or not (peekText).
func (r *renderer) renderedFor(it *site.Item, counted bool) markdown.Result {
	res, ok := r.html[it]
	if !ok || !r.lazy(it) {
		return res
	}
	var out markdown.Result
	switch key := r.lazyKey(it); {
	case !counted:
		// Nothing keeps this rendering and only its HTML is read (a feed of a large site):
		// it is made without the anchors and the summary, the same HTML for a third less
		// work, or taken from the memo when a page made it already.
		out = r.peekText(key, func() markdown.Anchored {
			var html string
			switch {
			case key.lang != "":
				html = r.Markdown.HTML([]byte(it.Translations[r.lang].Text))
			case anchorable(it):
				html = onText(it, r.Markdown.AnchoredHTML)
			default:
				html = onText(it, r.Markdown.HTML)
			}
			return markdown.Anchored{Result: markdown.Result{HTML: html}}
		}).Result
	case key.lang != "":
		out = r.lazyText(key, func() markdown.Anchored {
			return markdown.Anchored{Result: r.Markdown.Render([]byte(it.Translations[r.lang].Text))}
		}).Result
	case anchorable(it):
		out = r.lazyText(textMemoKey{it: it}, func() markdown.Anchored { return onText(it, r.Markdown.RenderAnchored) }).Result
	default:
		out = r.lazyText(textMemoKey{it: it}, func() markdown.Anchored {
			return markdown.Anchored{Result: onText(it, r.Markdown.Render)}
		}).Result
	}
	out.Summary = res.Summary
	return out
}

// anchoredLazy is the anchored rendering of a lazy item's text (in the first language).
func (r *renderer) anchoredLazy(it *site.Item) markdown.Anchored {
	return r.lazyText(textMemoKey{it: it}, func() markdown.Anchored { return onText(it, r.Markdown.RenderAnchored) })
}

// onText is f of the item's Markdown, in a buffer of textBufs that f must not keep
// (the renderings copy what they make): the text unpacked into a string, then copied for
// goldmark, were two copies of each text each time a page rendered it, 3% of what the
// render of 100,000 proposals allocated.
func onText[T any](it *site.Item, f func([]byte) T) T {
	bp, _ := textBufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b := it.AppendText((*bp)[:0])
	defer func() {
		if cap(b) <= maxTextBuf { // a rare long text's buffer is let go of
			*bp = b[:0]
			textBufs.Put(bp)
		}
	}()
	return f(b)
}

// textBufs are the buffers onText reads texts into, at most maxTextBuf long.
var textBufs sync.Pool

const maxTextBuf = 256 << 10

// anchoredOf is the anchored rendering of the item's text (in the first language), made
// again for a lazy item.
func (r *renderer) anchoredOf(it *site.Item) (markdown.Anchored, bool) {
	if a, ok := r.anchored[it]; ok || !anchorable(it) || !r.lazy(it) {
		return a, ok
	}
	return r.anchoredLazy(it), true
}

// translateMarkdown reuses the default language's rendering for every text that has no
// translation into r.lang, and renders the translations.
func (r *renderer) translateMarkdown(def *renderer) {
	r.html = make(map[*site.Item]markdown.Result, len(def.html))
	r.fallback = map[*site.Item]bool{}
	var todo []*site.Item
	for it, res := range def.html {
		if it.Translations[r.lang] != nil {
			todo = append(todo, it)
		} else {
			r.html[it] = res
			r.fallback[it] = true
		}
	}
	results := make([]markdown.Result, len(todo))
	parallel.For(len(todo), func(i int) {
		if text := todo[i].Translations[r.lang].Text; r.lazy(todo[i]) {
			results[i].Summary = r.summary(text, false)
		} else {
			results[i] = r.markdown(text)
		}
	})
	for i, it := range todo {
		r.html[it] = results[i]
	}
	r.fb = def.fb
	r.anchored = def.anchored
	r.texts = def.texts
	r.ans = make(map[*site.Proposal]template.HTML, len(def.ans))
	for p, h := range def.ans {
		if tr := p.Translations[r.lang]; tr != nil && tr.Answer.Text != "" {
			h = template.HTML(r.markdown(tr.Answer.Text).HTML)
		}
		r.ans[p] = h
	}
	r.plan = def.plan
	if tr := r.Site.Plan.Translations[r.lang]; tr != nil {
		r.plan = r.markdown(tr.Text)
	}
}

// title is an item's title in the page language: its translation's, or its own.
func (r *renderer) title(it *site.Item, own string) string {
	if tr := it.Translations[r.lang]; tr != nil && tr.Title != "" {
		return tr.Title
	}
	return own
}

// textLang is the language of an item's text on this page.
func (r *renderer) textLang(it *site.Item) string {
	if r.fallback[it] {
		return r.Config.Languages[0]
	}
	return r.lang
}

// renderCard executes the card template t on c, or takes the card from the memo of
// pspm serve. On a large site the HTML is compressed by the packer returned.
func (r *renderer) renderCard(t *template.Template, c *Card) (template.HTML, *cardPacker, error) {
	if r.memo != nil {
		h, err := r.memo.card(r.lang, r.epoch, t, c)
		return h, nil, err
	}
	var b bytes.Buffer
	err := t.ExecuteTemplate(&b, "card", c)
	if r.cardPack != nil && err == nil {
		if z, ok := r.cardPack.pack(b.Bytes()); ok {
			return template.HTML(r.cardMem.String(z)), r.cardPack, nil
		}
	}
	return template.HTML(r.cardMem.String(b.Bytes())), nil, err
}

// link turns a site path (/proposals/x/) into the link to that page in the page
// language, under the base path: /pspm/en/proposals/x/.
func (r *renderer) link(p string) string { return linkIn(r.base, r.prefix, p) }

// linkIn is link for the base path base and the language prefix prefix.
func linkIn(base, prefix, p string) string {
	return base + strings.TrimPrefix(prefix+p, "/")
}

// asset turns a site path into a link that is the same in every language: static files,
// attachments, open data.
func (r *renderer) asset(p string) string { return assetIn(r.base, p) }

// assetIn is asset under the base path base.
func assetIn(base, p string) string { return base + strings.TrimPrefix(p, "/") }

// page renders the template of kind with p as its data. It fills a copy of p: a page of
// pspm serve renders again after each rebuild, from the same Page, on any goroutine.
// movedField says how to fix a layout written for a pspm whose every page could show
// the date the portal is as of (.Site.Built, .Site.Plan.Today) or the plan's progress
// (.Site.Plan.Progress, .Site.Plan.Actions), or nothing.
func movedField(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "can't evaluate field Built in type *render.SiteView"),
		strings.Contains(msg, "can't evaluate field Today in type render.PlanSummary"):
		return "; the date the portal is as of is now the page's .AsOf (in words) and .Today (the day), on the home, plan, monitoring, goal, objective, result, action and open data pages only: write {{with .AsOf}}…{{end}} (a page that showed it everywhere would change with every day)"
	case strings.Contains(msg, "can't evaluate field Progress in type render.PlanSummary"),
		strings.Contains(msg, "can't evaluate field Actions in type render.PlanSummary"):
		return "; the plan's progress is now .Home.Progress and .Home.Actions, on the home page (the monitoring page has its own): every progress report would change a page that showed it everywhere"
	}
	return ""
}

// datedKinds are the kinds of page that show the date the portal is as of (Page.AsOf).
// None of them has an input key: each is fingerprinted from its view, which holds the
// date.
var datedKinds = map[string]bool{"home": true, "plan": true, "monitoring": true, "goal": true, "objective": true,
	"action": true, "result": true, "opendata": true}

func (r *renderer) page(kind string, in *Page) ([]byte, error) {
	cp := *in
	p := &cp
	if p.TextLang == r.lang {
		p.TextLang = ""
	}
	t := r.tmpl[kind]
	if t == nil {
		return nil, fmt.Errorf("no template for %s pages", kind)
	}
	p.Site = r.view
	p.Kind = kind
	p.Lang = r.lang
	if datedKinds[kind] && !r.Site.Built.IsZero() {
		// The day alone: the hour of the last commit would make these pages differ from
		// the previous build's after every commit.
		p.Today = r.Site.Built.Truncate(24 * time.Hour)
		p.AsOf = r.formatDate(r.Site.Built)
	}
	if p.Permalink == "" {
		p.Permalink = r.Config.AbsURL(strings.TrimPrefix(p.URL, r.base))
	}
	if p.Path == "" {
		rel := strings.TrimPrefix(p.URL, r.base)
		if r.prefix != "" {
			rel = strings.TrimPrefix(rel, r.prefix[1:])
		}
		p.Path = "/" + strings.TrimPrefix(rel, "/")
	}
	if len(r.all) > 1 {
		for _, o := range r.all {
			p.Languages = append(p.Languages, LangLink{Lang: o.lang, Name: o.tr.T("lang.name"), URL: o.link(p.Path),
				Permalink: r.Config.AbsURL(strings.TrimPrefix(o.prefix+p.Path, "/")), Current: o == r})
		}
	}
	exec := func() ([]byte, error) {
		for _, l := range p.late {
			l.fill()
		}
		b := r.bufs.Get().(*bytes.Buffer)
		defer func() { b.Reset(); r.bufs.Put(b) }()
		if err := t.ExecuteTemplate(b, "base", p); err != nil {
			return nil, fmt.Errorf("template %s: %w%s", kind, err, movedField(err))
		}
		if err := r.cardFailed(); err != nil {
			return nil, err
		}
		// A copy, in a buffer of the build's files (given back once written): the
		// buffer the template ran into, grown once, serves the next page.
		return r.out.copyOf(b.Bytes()), nil
	}
	if r.deferring() {
		return nil, r.deferMake(exec, p)
	}
	return exec()
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}
