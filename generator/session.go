package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/minify"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
)

// Session builds one site again and again, for pspm serve: after an edit it reads only
// the files that changed, and renders a page only when it is asked for, from the model
// of the last good build. Three kinds of rebuild, from the cheapest:
//
//   - words: the edited files are proposals, practices or translations whose words
//     changed (title, text, authors) and nothing that places them in the site (status,
//     body, tags, dates, targets…), and that read without a problem before and after.
//     The new words are patched into the model in place, under a lock that no page
//     render holds, and only those items' Markdown and cards are made again.
//   - static: only files of static/ that the site already has changed. The pages stay.
//   - model: anything else. The model is made again by every stage of Build, from the
//     files read before (only the changed ones are read again, and the content folder
//     is walked again only when a file appeared or vanished), then the views.
//
// Every rebuild makes a new Snapshot, which pspm serve swaps in whole. A rebuild with
// content errors leaves the last good Snapshot current; files saved again as they were
// leave it current too.
//
// Rebuild is called by one goroutine at a time; Snapshot.File by any number.
type Session struct {
	o     Options
	md    *markdown.Renderer
	texts *search.TextCache // the plain texts of the search documents, between updates of the index
	cache content.Cache
	memo  render.Memo
	lock  sync.RWMutex // held for reading while a file renders, for writing while words are patched in
	cur   *Snapshot
	gen   uint64

	// The search index for pspm serve's API, brought up to date after each rebuild in
	// the background (the API answers from the index as it is meanwhile).
	index   atomic.Pointer[search.Index]
	indexer *indexer
}

// Change is what changed in the site folder since the last rebuild, as pspm serve's
// watcher tells it.
type Change struct {
	Paths []string // slash-separated, relative to the site folder
	Git   bool     // the Git refs moved: a commit or a tag (history and versions)
	All   bool     // anything may have changed
}

// Snapshot is one good build of the site. Its files are rendered when first asked for,
// and kept.
type Snapshot struct {
	Gen    uint64 // 1 for the first build, then one more for each rebuild
	Result *Result
	// Kind is the kind of rebuild that made it: "words", "static" or "model".
	Kind string
	// Took is how long the rebuild took, its files not rendered.
	Took time.Duration
	// Items are the keys of the items whose words a "words" rebuild patched.
	Items []string

	pages *render.Prepared
	lock  *sync.RWMutex
	files sync.Map // path → []byte
	count *int64
}

// NewSession makes a session for the site of o; the first Rebuild builds it.
func NewSession(o Options) *Session {
	texts := textCache(o.Dir) // the plain texts the last build kept, if any
	return &Session{o: o, md: markdown.New(), texts: texts}
}

// Current is the last good build, or nil before the first.
func (ss *Session) Current() *Snapshot { return ss.cur }

// File returns the file at path (slash-separated, without a leading slash, as the output
// folder would hold it: "index.html", "proposals/x/index.html", "css/site.css"), rendering
// it the first time. ok is false when the site has no such file.
func (sn *Snapshot) File(p string) (data []byte, ok bool, err error) {
	if v, hit := sn.files.Load(p); hit {
		return v.([]byte), true, nil
	}
	if !sn.pages.Has(p) {
		return nil, false, nil
	}
	sn.lock.RLock()
	data, err = sn.pages.Render(p)
	sn.lock.RUnlock()
	if err != nil {
		return nil, true, err
	}
	v, _ := sn.files.LoadOrStore(p, data)
	return v.([]byte), true, nil
}

// Paths lists every file of the build, sorted.
func (sn *Snapshot) Paths() []string { return sn.pages.Paths() }

// Rebuild builds the site again after ch (anything, for the first build). It returns
// the new Snapshot, now current; with content errors, the Result with the diagnostics
// and an error wrapping ErrContent, and the current Snapshot stays.
//
// Paths of content/ that neither are there nor were in the last build (an editor's
// temporary file, created and renamed away) are no change: when nothing else changed,
// Rebuild returns the current Snapshot as it is.
func (ss *Session) Rebuild(ch Change) (*Snapshot, *Result, error) {
	start := time.Now()
	if ss.indexer != nil {
		ss.indexer.rebuild(true)
		defer ss.indexer.rebuild(false)
	}
	prev := ss.cur
	if ss.cur != nil && !ch.All {
		ch.Paths = slices.DeleteFunc(slices.Clone(ch.Paths), func(p string) bool {
			if !strings.HasPrefix(p, content.Dir+"/") {
				return false
			}
			_, err := fs.Stat(ss.o.Source, p)
			return errors.Is(err, fs.ErrNotExist) && !ss.cache.Known(p)
		})
		if len(ch.Paths) == 0 && !ch.Git {
			return ss.cur, ss.cur.Result, nil
		}
	}
	if ss.cur != nil && !ch.All && !ch.Git && len(ch.Paths) > 0 {
		if sn := ss.static(ch); sn != nil {
			sn.Took = time.Since(start)
			return sn, sn.Result, nil
		}
		if sn := ss.words(ch); sn != nil {
			if sn != prev {
				sn.Took = time.Since(start)
			}
			return sn, sn.Result, nil
		}
	}
	sn, res, err := ss.model(ch)
	if sn != nil {
		sn.Took = time.Since(start)
	}
	// The next model rebuild takes clones of the files that did not change: they are made
	// now, while the browser reloads and the author reads.
	ss.cache.Prepare()
	return sn, res, err
}

// next makes the snapshot that follows the current one, with the same pages.
func (ss *Session) next(kind string, res *Result, pages *render.Prepared) *Snapshot {
	ss.gen++
	sn := &Snapshot{Gen: ss.gen, Result: res, Kind: kind, pages: pages, lock: &ss.lock}
	ss.cur = sn
	return sn
}

// static handles a change of files the site's static/ folder already had. A style sheet
// or script that the minifier cannot read now, or could not read before, takes a model
// rebuild instead, which says so in the diagnostics (or no longer says so).
func (ss *Session) static(ch Change) *Snapshot {
	for _, p := range ch.Paths {
		rel, ok := strings.CutPrefix(p, "static/")
		if !ok || !ss.cur.pages.Has(rel) {
			return nil
		}
		if minify.Minifies(rel) {
			data, err := fs.ReadFile(ss.o.Source, p)
			if err != nil {
				return nil
			}
			if _, err := minify.File(rel, data); err != nil {
				return nil
			}
			for _, d := range ss.cur.Result.Diagnostics {
				if d.Pos.File == p {
					return nil
				}
			}
		}
	}
	return ss.next("static", ss.cur.Result, ss.cur.pages)
}

// wordsOf compares two parses of an item's file: true when they differ only in their
// words (and the positions of what follows them), as the words rebuild requires.
func wordsOnly(before, after content.ParsedItem) bool {
	switch {
	case before.Proposal != nil && after.Proposal != nil:
		b, a := *before.Proposal, *after.Proposal
		a.Title, a.TextLine, a.Authors, a.Pos, a.At = b.Title, b.TextLine, b.Authors, b.Pos, b.At
		a.CopyText(&b.Item)
		return reflect.DeepEqual(a, b)
	case before.Practice != nil && after.Practice != nil:
		b, a := *before.Practice, *after.Practice
		a.Title, a.TextLine, a.Pos, a.At = b.Title, b.TextLine, b.Pos, b.At
		a.CopyText(&b.Item)
		a.Links = slicesWithPositions(a.Links, b.Links)
		return reflect.DeepEqual(a, b)
	case before.Translation != nil && after.Translation != nil:
		b, a := *before.Translation, *after.Translation
		a.Title, a.Text, a.TextLine, a.Pos = b.Title, b.Text, b.TextLine, b.Pos
		return reflect.DeepEqual(a, b)
	}
	return false
}

// slicesWithPositions returns the links a with the positions of b, when they have as
// many: links move with the lines above them.
func slicesWithPositions(a, b []site.Link) []site.Link {
	if len(a) != len(b) {
		return a
	}
	out := make([]site.Link, len(a))
	for i := range a {
		out[i] = a[i]
		out[i].Pos, out[i].At = b[i].Pos, b[i].At
	}
	return out
}

// words handles edits of the words of proposals, practices and translations; nil when
// the change is anything else.
func (ss *Session) words(ch Change) *Snapshot {
	type edit struct {
		file  string
		after content.ParsedItem
	}
	var edits []edit
	fsys := ss.o.Source
	same := true
	for _, p := range ch.Paths {
		if !strings.HasPrefix(p, content.Dir+"/") {
			return nil
		}
		before, after, ok := ss.cache.Reread(fsys, p)
		if !ok || !wordsOnly(before, after) {
			return nil
		}
		same = same && reflect.DeepEqual(before, after)
		edits = append(edits, edit{p, after})
	}
	if same {
		return ss.cur // saved again as it was: nothing to rebuild, no page to reload
	}
	s := ss.cur.Result.Site
	// Find every live item first: the model is patched only if all are found.
	type patch struct {
		it    *site.Item
		apply func()
	}
	var patches []patch
	for _, e := range edits {
		switch {
		case e.after.Proposal != nil:
			a := e.after.Proposal
			p := s.Proposal(a.ID)
			if p == nil || p.File != e.file || p.Hidden != nil || commentsParagraphs(&p.Item) {
				return nil // a hidden one's words never reach the model; where its comments' paragraphs went is the model's to say again
			}
			patches = append(patches, patch{&p.Item, func() {
				p.Title, p.TextLine, p.Authors, p.Pos, p.At = a.Title, a.TextLine, a.Authors, a.Pos, a.At
				p.CopyText(&a.Item)
			}})
		case e.after.Practice != nil:
			a := e.after.Practice
			p := s.Practice(a.ID)
			if p == nil || p.File != e.file || p.Hidden != nil {
				return nil
			}
			patches = append(patches, patch{&p.Item, func() {
				p.Title, p.TextLine, p.Pos, p.At, p.Links = a.Title, a.TextLine, a.Pos, a.At, a.Links
				p.CopyText(&a.Item)
			}})
		case e.after.Translation != nil:
			it, lang := translated(s, e.file)
			if it == nil || (it.Section != site.Proposals && it.Section != site.Practices) || it.Hidden != nil {
				return nil
			}
			tr := *e.after.Translation
			patches = append(patches, patch{it, func() { it.Translations[lang] = &tr }})
		default:
			return nil
		}
	}
	items := make([]*site.Item, 0, len(patches))
	ss.lock.Lock()
	for _, p := range patches {
		p.apply()
		items = append(items, p.it)
	}
	err := ss.cur.pages.Patch(items)
	ss.lock.Unlock()
	if err != nil {
		// Nothing is half-done that a model rebuild does not make again.
		return nil
	}
	keys := make([]string, len(items))
	for i, it := range items {
		keys[i] = it.Key()
	}
	sn := ss.next("words", ss.cur.Result, ss.cur.pages)
	sn.Items = keys
	langs := sn.Result.Config.Languages
	ss.reindex(func() []search.Document { return search.ItemDocuments(s, langs, ss.texts.Plainer(ss.md.Plain), items) }, true)
	return sn
}

// translated finds the item and the language of the translation file f.
func translated(s *site.Site, f string) (*site.Item, string) {
	for _, it := range s.Items {
		for lang, tr := range it.Translations {
			if tr.File == f {
				return it, lang
			}
		}
	}
	return nil, ""
}

// model makes the model and the views again.
func (ss *Session) model(ch Change) (*Snapshot, *Result, error) {
	o := ss.o
	if ss.cur != nil {
		o.Offline = true // sources were fetched by the first build: an edit never waits on the network
	}
	res := &Result{}
	var errs diag.List
	clock := time.Now()
	stage := func(name string) {
		now := time.Now()
		res.Timings = append(res.Timings, Timing{Stage: name, Duration: now.Sub(clock)})
		clock = now
	}
	fail := func(err error) (*Snapshot, *Result, error) {
		errs.Sort()
		res.Diagnostics = errs
		if err == nil {
			err = fmt.Errorf("%w: %s", ErrContent, errs.Errors())
		}
		return nil, res, err
	}
	// The theme's strings and templates do not depend on the content: they are read on
	// the other core while the model is made.
	var (
		chain    *theme.Chain
		themeErr error
		begun    *render.Begun
	)
	load := func(fsys fs.FS, cfg *config.Config) (*site.Site, diag.List) {
		if chain, themeErr = theme.New(o.Source, cfg.Theme); themeErr == nil {
			begun = render.Begin(render.Options{Config: cfg, Theme: chain, Source: o.Source, Markdown: ss.md, Version: Version}, &ss.memo)
		}
		s, errs, _ := content.LoadCached(fsys, cfg, &ss.cache, content.Change{Paths: ch.Paths, All: ch.All || ss.cur == nil})
		return s, errs
	}
	s, cfg := buildModel(o, load, res, &errs, stage)
	if s == nil || errs.HasErrors() {
		return fail(nil)
	}
	if themeErr != nil {
		errs.Add(diag.Pos{File: config.File}, "%v", themeErr)
		return fail(nil)
	}
	pages, err := render.Prepare(render.Options{Site: s, Config: cfg, Theme: chain, Source: o.Source, Markdown: ss.md, Version: Version, Begun: begun}, &ss.memo)
	var dl diag.List
	if errors.As(err, &dl) {
		errs.Append(dl)
		return fail(nil)
	}
	if err != nil {
		return fail(err)
	}
	errs.Append(pages.Warnings())
	stage("views")
	// The templates run on a few pages of each kind, as pspm check does: an error in the
	// site's own layouts shows now, not when a reader opens the page. Only when something
	// besides content changed, or on the first build.
	if ss.cur == nil || ch.All || !onlyContent(ch.Paths) {
		for _, p := range pages.Sample() {
			if _, err := pages.Render(p); err != nil {
				errs.Add(diag.Pos{File: "layouts"}, "%v", err)
				return fail(nil)
			}
		}
		stage("sample")
	}
	errs.Sort()
	res.Diagnostics = errs
	res.Files = pages.Len()
	sn := ss.next("model", res, pages)
	ss.reindex(func() []search.Document {
		ss.texts.Next() // every document again: the texts of the last full update are the ones to take
		return search.Documents(s, cfg.Languages, ss.texts.Plainer(ss.md.Plain))
	}, false)
	return sn, res, nil
}

// onlyContent reports whether every path is under content/.
func onlyContent(paths []string) bool {
	for _, p := range paths {
		if !strings.HasPrefix(p, content.Dir+"/") {
			return false
		}
	}
	return true
}

// reindex brings the search index up to date in the background: docs makes the
// documents (all of them, or with partial those of the items changed), reading the
// model under the session's read lock. Updates run one after the other; a full one
// replaces those still waiting.
func (ss *Session) reindex(docs func() []search.Document, partial bool) {
	if ss.indexer == nil {
		return // no index: pspm serve opens it with OpenIndex
	}
	ss.indexer.add(func() {
		x := ss.index.Load()
		if x == nil {
			return
		}
		if !partial {
			// Let the pages the author looks at render first, and the author's next saves
			// rebuild: a full update takes both cores a while, so it waits until no
			// rebuild has run for fullIndexDelay, and gives way to a newer one.
			if !ss.indexer.quiet(fullIndexDelay) {
				return
			}
		}
		ss.lock.RLock()
		d := docs()
		ss.lock.RUnlock()
		if partial {
			_, _ = x.Replace(d)
		} else {
			_, _ = x.Update(d)
		}
	}, !partial)
}

// fullIndexDelay is how long a full update of the search index waits after the last
// rebuild.
const fullIndexDelay = 300 * time.Millisecond

// indexer runs the updates of the search index one after the other, on a goroutine of
// its own.
type indexer struct {
	mu         sync.Mutex
	jobs       []indexJob
	full       int       // full updates queued
	rebuilding bool      // a rebuild is running
	last       time.Time // when the last rebuild began or ended
	wake       chan struct{}
	stop       chan struct{}
	done       chan struct{}
}

func newIndexer() *indexer {
	ix := &indexer{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}), last: time.Now()}
	go func() {
		defer close(ix.done)
		for {
			select {
			case <-ix.stop:
				return
			case <-ix.wake:
			}
			for {
				select {
				case <-ix.stop:
					return
				default:
				}
				ix.mu.Lock()
				if len(ix.jobs) == 0 {
					ix.mu.Unlock()
					break
				}
				job := ix.jobs[0]
				ix.jobs = ix.jobs[1:]
				ix.mu.Unlock()
				job.run()
			}
		}
	}()
	return ix
}

// indexJob is an update of the index; a full one brings every document up to date.
type indexJob struct {
	run  func()
	full bool
}

// add queues job; with full, in place of every job still waiting (a full update that is
// waiting for quiet gives way to it).
func (ix *indexer) add(job func(), full bool) {
	ix.mu.Lock()
	if full {
		ix.jobs = ix.jobs[:0]
		ix.full = 0
	}
	j := indexJob{full: full}
	j.run = func() {
		if full {
			ix.mu.Lock()
			ix.full--
			ix.mu.Unlock()
		}
		job()
	}
	if full {
		ix.full++
	}
	ix.jobs = append(ix.jobs, j)
	ix.mu.Unlock()
	select {
	case ix.wake <- struct{}{}:
	default:
	}
}

// rebuild tells the indexer that a rebuild begins (true) or ends (false).
func (ix *indexer) rebuild(running bool) {
	ix.mu.Lock()
	ix.rebuilding, ix.last = running, time.Now()
	ix.mu.Unlock()
}

// quiet waits until no rebuild has run for d. It returns false when the indexer stops,
// or when a newer full update was queued meanwhile, which makes the waiting one useless.
func (ix *indexer) quiet(d time.Duration) bool {
	for {
		ix.mu.Lock()
		wait := d - time.Since(ix.last)
		if ix.rebuilding {
			wait = d
		}
		newer := ix.full > 0
		ix.mu.Unlock()
		if newer {
			return false
		}
		if wait <= 0 {
			return true
		}
		select {
		case <-time.After(min(wait, d)):
		case <-ix.stop:
			return false
		}
	}
}

// close waits for the job running, and drops the others.
func (ix *indexer) close() {
	close(ix.stop)
	<-ix.done
}

// Idle waits until the search index has taken every rebuild so far into account, for
// tests and benchmarks.
func (ss *Session) Idle() {
	if ss.indexer == nil {
		return
	}
	done := make(chan struct{})
	ss.indexer.add(func() { close(done) }, false)
	<-done
}

// OpenIndex builds or opens the search index of the current build (in the site folder's
// cache when there is one, else in memory) and keeps it up to date after each rebuild,
// in the background. The function it returns answers queries from it.
func (ss *Session) OpenIndex() (func(search.Request) (*search.Result, error), error) {
	sn := ss.cur
	if sn == nil {
		return nil, errors.New("no build yet")
	}
	var errs diag.List
	ss.lock.RLock()
	x, _, _ := searchIndex(ss.o.Dir, sn.Result.Config, sn.Result.Site, ss.md, ss.texts, &errs)
	ss.lock.RUnlock()
	if x == nil {
		return nil, fmt.Errorf("the search index: %s", errs.Errors())
	}
	ss.index.Store(x)
	ss.indexer = newIndexer()
	return func(r search.Request) (*search.Result, error) {
		x := ss.index.Load()
		if x == nil {
			return nil, errors.New("the search index is closed")
		}
		return x.Search(r)
	}, nil
}

// Close stops the updates of the search index and closes it.
func (ss *Session) Close() error {
	if ss.indexer != nil {
		ss.indexer.close()
		ss.indexer = nil
	}
	x := ss.index.Swap(nil)
	return x.Close()
}
