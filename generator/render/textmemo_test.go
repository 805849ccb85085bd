package render

import (
	"errors"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
)

// TestTextMemoKeepsATextUntilItsLastPage: in a build that keeps pages, the rendering of
// a proposal's text is made once for the pages and feeds that show it — its page and its
// own feed in every language that does not translate it, and the feeds of the site that
// list it — and let go after the last of them; a translation is kept for its language's
// page and feed only; a text asked for after its pages and feeds are done is made again
// and not kept.
func TestTextMemoKeepsATextUntilItsLastPage(t *testing.T) {
	cfg := &config.Config{Languages: []string{"it", "en", "de"}}
	s := &site.Site{}
	own := withText(&site.Item{ID: "own", Section: site.Proposals}, "Testo.")
	half := withText(&site.Item{ID: "half", Section: site.Proposals,
		Translations: map[string]*site.Translation{"en": {Title: "T", Text: "Text."}}}, "Testo.")
	commented := withText(&site.Item{ID: "commented", Section: site.Proposals, Feedback: []*site.Feedback{{}}}, "Testo.")
	texts := &textMemo{}
	rs := make([]*renderer, len(cfg.Languages))
	for i, lang := range cfg.Languages {
		rs[i] = &renderer{Options: Options{Site: s, Config: cfg}, lang: lang, texts: texts, salt: Fingerprint{1}}
	}
	for _, r := range rs {
		for _, it := range []*site.Item{own, half, commented} {
			r.expectText(it)
		}
	}
	rs[0].expectFeedText(own, false) // the Italian feed of the proposals lists it
	renders := map[textMemoKey]int{}
	show := func(r *renderer, it *site.Item) { // a page or feed
		key := r.lazyKey(it)
		r.lazyText(key, func() markdown.Anchored { renders[key]++; return markdown.Anchored{} })
		r.textDone(it)
	}
	held := func(key textMemoKey) bool {
		_, ok := texts.m.Load(key)
		return ok
	}
	ownKey, halfKey, enKey := textMemoKey{it: own}, textMemoKey{it: half}, textMemoKey{half, "en"}
	if held(textMemoKey{it: commented}) {
		t.Fatal("the text of a proposal with comments, made before any page, is in the memo")
	}

	for _, it := range []*site.Item{own, half} { // the Italian pages and own feeds
		show(rs[0], it)
		show(rs[0], it)
	}
	if !held(ownKey) || !held(halfKey) {
		t.Fatalf("after the Italian pages and feeds: own text held %v, half-translated %v; want both, for the other languages", held(ownKey), held(halfKey))
	}
	show(rs[0], own)                             // the feed of the proposals
	for _, it := range []*site.Item{own, half} { // the English ones
		show(rs[1], it)
		show(rs[1], it)
	}
	if !held(ownKey) || !held(halfKey) {
		t.Fatalf("after the English pages and feeds: own text held %v, half-translated %v; want both, for German", held(ownKey), held(halfKey))
	}
	if held(enKey) {
		t.Error("the English translation is kept after its page and feed")
	}
	for _, it := range []*site.Item{own, half} { // the German ones
		show(rs[2], it)
		show(rs[2], it)
	}
	if held(ownKey) || held(halfKey) {
		t.Errorf("after the last pages and feeds: own text held %v, half-translated %v; want neither", held(ownKey), held(halfKey))
	}
	for key, want := range map[textMemoKey]int{ownKey: 1, halfKey: 1, enKey: 1} {
		if got := renders[key]; got != want {
			t.Errorf("the text %s/%q was made %d times, want %d", key.it.ID, key.lang, got, want)
		}
	}

	// A feed asking afterwards gets it made again, and it stays out of the memo.
	show(rs[0], own)
	if held(ownKey) || renders[ownKey] != 2 {
		t.Errorf("a text asked for after its pages: held %v, made %d times; want not held, made twice", held(ownKey), renders[ownKey])
	}
}

// TestPagesWithFeedsPutsAFeedAfterItsPage: an item's feed is made just after its page, no
// task is lost or repeated, and the others keep their order.
func TestPagesWithFeedsPutsAFeedAfterItsPage(t *testing.T) {
	var tasks []task
	for _, p := range []string{"index.html", "proposals/a/index.html", "proposals/b/index.html", "proposals/index.html",
		"index.xml", "proposals/b/index.xml", "proposals/a/index.xml", "tags/x/index.xml", "api/v1/votes.json"} {
		kind := ""
		if strings.HasSuffix(p, ".html") {
			kind = "page"
		}
		tasks = append(tasks, task{path: p, kind: kind})
	}
	var got []string
	for _, t := range pagesWithFeeds(tasks) {
		got = append(got, t.path)
	}
	want := []string{"index.html", "index.xml", "proposals/a/index.html", "proposals/a/index.xml", "proposals/b/index.html", "proposals/b/index.xml",
		"proposals/index.html", "tags/x/index.xml", "api/v1/votes.json"}
	if !slices.Equal(got, want) {
		t.Errorf("order\n got %q\nwant %q", got, want)
	}
}

// TestRunGivesAPageAndItsFeedToOneWorker: the worker that takes an item's page makes its
// feed right after it, while the other workers go on with the next tasks; a feed taken
// by another worker would wait for the input encoding its page is making. The page here
// waits until the task after the feed has started: only another worker can start it.
func TestRunGivesAPageAndItsFeedToOneWorker(t *testing.T) {
	defer runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0)))
	runtime.GOMAXPROCS(max(2, runtime.GOMAXPROCS(0)))
	var (
		mu    sync.Mutex
		order []string
	)
	note := func(s string) {
		mu.Lock()
		order = append(order, s)
		mu.Unlock()
	}
	nextStarted := make(chan struct{})
	tasks := pagesWithFeeds([]task{
		{kind: "page", path: "proposals/a/index.html", make: func() ([]byte, error) {
			select {
			case <-nextStarted:
			case <-time.After(10 * time.Second):
				note("the next task never started")
			}
			note("page done")
			return []byte("page"), nil
		}},
		{path: "proposals/a/index.xml", make: func() ([]byte, error) { note("feed"); return []byte("feed"), nil }},
		{kind: "page", path: "proposals/b/index.html", make: func() ([]byte, error) {
			note("next")
			close(nextStarted)
			return []byte("next"), nil
		}},
	})
	w := output.NewMem()
	if err := run(tasks, w, nil, nil); err != nil {
		t.Fatal(err)
	}
	if want := []string{"next", "page done", "feed"}; !slices.Equal(order, want) {
		t.Errorf("order of the tasks: %q, want %q", order, want)
	}
	for _, p := range []string{"proposals/a/index.html", "proposals/a/index.xml", "proposals/b/index.html"} {
		if _, ok := w.Files()[p]; !ok {
			t.Errorf("%s not written", p)
		}
	}
}

// TestTextMemoOnALargeSite: on a site too large to keep its texts for long (lazyTexts),
// each language counts only its own page and feed of an item: the text is made once per
// language, let go of after the two, and the feeds of the site do not count it.
func TestTextMemoOnALargeSite(t *testing.T) {
	cfg := &config.Config{Languages: []string{"it", "en"}}
	s := &site.Site{}
	own := withText(&site.Item{ID: "own", Section: site.Proposals}, "Testo.")
	texts := &textMemo{}
	rs := make([]*renderer, len(cfg.Languages))
	for i, lang := range cfg.Languages {
		rs[i] = &renderer{Options: Options{Site: s, Config: cfg, LazyTextsAbove: -1}, lang: lang, texts: texts, salt: Fingerprint{1}}
	}
	renders := 0
	show := func(r *renderer) {
		r.lazyText(r.lazyKey(own), func() markdown.Anchored { renders++; return markdown.Anchored{} })
		r.textDone(own)
	}
	held := func() bool { _, ok := texts.m.Load(textMemoKey{it: own}); return ok }
	if rs[0].countsFeeds() {
		t.Error("the feeds of a large site count the texts they show")
	}
	rs[0].expectText(own)
	rs[0].expectFeedText(own, false)
	show(rs[0])
	if !held() {
		t.Fatal("the text is let go of after its page, before its feed")
	}
	show(rs[0])
	if held() || renders != 1 {
		t.Fatalf("after the Italian page and feed: held %v, made %d times; want let go of, made once", held(), renders)
	}
	rs[1].expectText(own)
	show(rs[1])
	show(rs[1])
	if held() || renders != 2 {
		t.Errorf("after the English page and feed: held %v, made %d times; want let go of, made twice in all", held(), renders)
	}
}

// TestAFeedOfALargeSiteKeepsNoText: on a large site the feeds of the site (a body's, a
// tag's) are not counted for the texts they show. One made before the item's page makes
// the text for itself, leaves nothing in the memo and takes nothing from the page's count;
// the page then makes it for itself and its own feed, and one made after the page, while
// the text is held for the own feed, takes it from the memo.
func TestAFeedOfALargeSiteKeepsNoText(t *testing.T) {
	cfg := &config.Config{Languages: []string{"it"}}
	s := &site.Site{}
	own := withText(&site.Item{ID: "own", Section: site.Proposals}, "Testo.")
	texts := &textMemo{}
	r := &renderer{Options: Options{Site: s, Config: cfg, LazyTextsAbove: -1}, lang: "it", texts: texts, salt: Fingerprint{1}}
	r.html = map[*site.Item]markdown.Result{own: {Summary: "Testo."}}
	renders := 0
	r.Markdown = markdown.New()
	key := textMemoKey{it: own}
	made := func() bool {
		v, ok := texts.m.Load(key)
		return ok && v.(*memoText).made.Load()
	}
	held := func() bool { _, ok := texts.m.Load(key); return ok }
	r.expectText(own)
	siteFeed := func() string {
		return r.peekText(key, func() markdown.Anchored {
			renders++
			return markdown.Anchored{Result: markdown.Result{HTML: "<p>Testo.</p>"}}
		}).Result.HTML
	}
	if got := siteFeed(); got != "<p>Testo.</p>" || renders != 1 || made() || !held() {
		t.Fatalf("a feed of the site before the page: %q, made %d times, kept %v, counted %v; want made for it, not kept, still counted", got, renders, made(), held())
	}
	show := func() { // the page, then the own feed
		r.lazyText(key, func() markdown.Anchored {
			renders++
			return markdown.Anchored{Result: markdown.Result{HTML: "<p>Testo.</p>"}}
		})
		r.textDone(own)
	}
	show()
	if !made() || renders != 2 {
		t.Fatalf("after the page: kept %v, made %d times; want kept for the own feed, made twice", made(), renders)
	}
	if siteFeed(); renders != 2 {
		t.Errorf("a feed of the site after the page made the text again (%d times)", renders)
	}
	show()
	if held() || renders != 2 {
		t.Errorf("after the own feed: held %v, made %d times; want let go of, made twice", held(), renders)
	}
	// Through the feed's own path: renderedFor, not counted, with nothing in the memo.
	if out := r.renderedFor(own, false); out.HTML != "<p>Testo.</p>\n" || held() {
		t.Errorf("renderedFor(not counted) = %q, held %v", out.HTML, held())
	}
}

// TestAFeedOfALargeSiteShowsThePagesHTML: a feed of a large site makes a text's HTML
// without its anchors or summary (renderedFor, not counted); it must be the HTML the
// item's page and own feed show (counted), for an anchored text with a NUL (which
// anchoring replaces), a translated one and one without anchors.
func TestAFeedOfALargeSiteShowsThePagesHTML(t *testing.T) {
	cfg := &config.Config{Languages: []string{"it", "en"}}
	s := &site.Site{}
	text := "Primo *paragrafo*\x00 con [un link](https://example.org/a\x00b).\n\n- voce uno\n- voce due\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
	prop := withText(&site.Item{ID: "p", Section: site.Proposals}, text)
	prac := withText(&site.Item{ID: "q", Section: site.Practices}, text)
	tr := withText(&site.Item{ID: "t", Section: site.Proposals, Translations: map[string]*site.Translation{"en": {Text: "Some *text*\x00.\n"}}}, "Testo.")
	for _, lang := range []string{"it", "en"} {
		r := &renderer{Options: Options{Site: s, Config: cfg, LazyTextsAbove: -1, Markdown: markdown.New()}, lang: lang, texts: &textMemo{}}
		r.html = map[*site.Item]markdown.Result{prop: {Summary: "s"}, prac: {Summary: "s"}, tr: {Summary: "s"}}
		for _, it := range []*site.Item{prop, prac, tr} {
			feed := r.renderedFor(it, false)
			page := r.renderedFor(it, true)
			if feed.HTML != page.HTML || feed.HTML == "" {
				t.Errorf("%s in %s: a feed of the site shows %q, the page %q", it.ID, lang, feed.HTML, page.HTML)
			}
			if feed.Summary != "s" {
				t.Errorf("%s in %s: summary %q, want the build's", it.ID, lang, feed.Summary)
			}
		}
	}
}

// withText sets it's text and returns it.
func withText(it *site.Item, text string) *site.Item {
	it.SetText(text)
	return it
}

// TestATranslationsPageRendersNoAnchoredText: the page of a translated item in its
// translation's language shows no paragraph anchors, so it does not render the first
// language's text to find them (on a large site, a whole rendering of the text for
// nothing); the first language's page, and another language's page that shows the
// untranslated text, do.
func TestATranslationsPageRendersNoAnchoredText(t *testing.T) {
	cfg := &config.Config{Languages: []string{"it", "en"}}
	s := &site.Site{}
	it := withText(&site.Item{ID: "tradotta", Section: site.Proposals,
		Translations: map[string]*site.Translation{"en": {Title: "T", Text: "Text."}}}, "Primo paragrafo.\n\nSecondo paragrafo.")
	untranslated := withText(&site.Item{ID: "solo", Section: site.Proposals}, "Solo in italiano.")
	texts := &textMemo{}
	var made int
	textMade = func() { made++ }
	defer func() { textMade = nil }()
	r := func(lang string) *renderer {
		return &renderer{Options: Options{Site: s, Config: cfg, LazyTextsAbove: -1, Markdown: markdown.New()}, lang: lang, texts: texts,
			salt: Fingerprint{1}, fallback: map[*site.Item]bool{untranslated: true}}
	}
	it0, en := r("it"), r("en")
	if !it0.lazy(it) {
		t.Fatal("the item's text is not lazy: the test shows nothing")
	}
	if a, ok := en.anchoredHere(it); ok || len(a.Paragraphs) != 0 || made != 0 {
		t.Errorf("English page of a translated item: anchors %v (%d paragraphs), %d texts rendered; want none, none", ok, len(a.Paragraphs), made)
	}
	if a, ok := it0.anchoredHere(it); !ok || len(a.Paragraphs) != 2 || made != 1 {
		t.Errorf("Italian page: anchors %v (%d paragraphs), %d texts rendered; want 2 paragraphs, one rendering", ok, len(a.Paragraphs), made)
	}
	if a, ok := en.anchoredHere(untranslated); !ok || len(a.Paragraphs) != 1 || made != 2 {
		t.Errorf("English page of an untranslated item: anchors %v (%d paragraphs), %d texts rendered; want 1 paragraph, two renderings in all", ok, len(a.Paragraphs), made)
	}
}

// TestRunShrinksItsListAsItGoes: past shrinkTasksPast tasks taken, run moves the rest of
// the list to a smaller one as it goes; every task is still made once, in order within a
// worker, each page with its own feed, whatever the point where the list moves.
func TestRunShrinksItsListAsItGoes(t *testing.T) {
	defer func(n int) { shrinkTasksPast = n }(shrinkTasksPast)
	for _, past := range []int{1, 2, 7, 100} {
		shrinkTasksPast = past
		var (
			mu      sync.Mutex
			made    = map[string]int{}
			pending = map[string]bool{} // the folders whose page is made
		)
		var list []task
		for i := range 500 {
			dir := "proposals/p" + strconv.Itoa(i) + "/"
			page, feed := dir+"index.html", dir+"index.xml"
			list = append(list, task{kind: "page", path: page, make: func() ([]byte, error) {
				mu.Lock()
				made[page]++
				pending[dir] = true
				mu.Unlock()
				return []byte(page), nil
			}}, task{path: feed, make: func() ([]byte, error) {
				mu.Lock()
				defer mu.Unlock()
				made[feed]++
				if !pending[dir] {
					return nil, errors.New("the feed " + feed + " was made before its page")
				}
				return []byte(feed), nil
			}})
		}
		for i := range 333 {
			p := "bodies/b" + strconv.Itoa(i) + ".json"
			list = append(list, task{path: p, make: func() ([]byte, error) {
				mu.Lock()
				made[p]++
				mu.Unlock()
				return []byte(p), nil
			}})
		}
		tasks := pagesWithFeeds(list)
		want := len(tasks)
		w := output.NewMem()
		if err := run(tasks, w, nil, nil); err != nil {
			t.Fatalf("shrinking past %d: %v", past, err)
		}
		files := w.Files()
		if len(files) != want || len(made) != want {
			t.Errorf("shrinking past %d: %d files written, %d made, want %d", past, len(files), len(made), want)
		}
		for p, n := range made {
			if n != 1 {
				t.Errorf("shrinking past %d: %s made %d times", past, p, n)
			}
			if string(files[p]) != p {
				t.Errorf("shrinking past %d: %s holds %q", past, p, files[p])
			}
		}
	}
}

// TestRunHoldsBackWhenTheWritersLag: with writers slower than the render, the files made
// and not yet written stay within maxInFlight bytes (and the one each worker has just
// made), instead of filling the writers' queue of 64: large files made 8 MB at a time.
func TestRunHoldsBackWhenTheWritersLag(t *testing.T) {
	const size = 1 << 20
	var outstanding, most atomic.Int64
	var tasks []task
	for i := range 40 {
		tasks = append(tasks, task{path: "feeds/" + strconv.Itoa(i) + ".xml", make: func() ([]byte, error) {
			now := outstanding.Add(1)
			for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
			}
			return make([]byte, size), nil
		}})
	}
	w := &slowWriter{Mem: output.NewMem(), written: &outstanding}
	if err := run(tasks, w, nil, nil); err != nil {
		t.Fatal(err)
	}
	if n := len(w.Files()); n != len(tasks) {
		t.Fatalf("%d files written, want %d", n, len(tasks))
	}
	limit := int64(maxInFlight/size + runtime.GOMAXPROCS(0))
	if limit >= 64 {
		t.Fatalf("a limit of %d files of 1 MB: the writers' queue alone would keep to it", limit)
	}
	if most.Load() > limit {
		t.Errorf("%d files of 1 MB made and not yet written at once, want at most %d", most.Load(), limit)
	}
}

// slowWriter writes into memory, a few milliseconds a file, and counts each file written
// off written.
type slowWriter struct {
	*output.Mem
	written *atomic.Int64
}

func (w *slowWriter) WriteFile(name string, data []byte) error {
	time.Sleep(5 * time.Millisecond)
	w.written.Add(-1)
	return w.Mem.WriteFile(name, data)
}
