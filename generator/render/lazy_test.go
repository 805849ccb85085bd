package render_test

import (
	"bytes"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

// TestLazyTextsWriteTheSameBytes: a large site makes each proposal's and practice's HTML
// when its page or feed is written (Options.LazyTextsAbove); the demo rendered that way
// must be byte for byte the demo rendered with every text made once.
func TestLazyTextsWriteTheSameBytes(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	build := func(lazyAbove int) map[string][]byte {
		out := output.NewMem()
		if err := render.Render(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test", LazyTextsAbove: lazyAbove}, out); err != nil {
			t.Fatal(err)
		}
		return out.Files()
	}
	once, lazy := build(0), build(-1)
	if len(once) != len(lazy) || len(once) < 500 {
		t.Fatalf("%d files made once, %d lazily", len(once), len(lazy))
	}
	bad := 0
	for name, data := range once {
		if !bytes.Equal(data, lazy[name]) {
			t.Errorf("%s differs when texts are made lazily", name)
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}

// TestABodysFeedTakesItsTextsFromItsPages: on a large site the pages of a body's
// proposals and practices are rendered just before the body's pages and feed, which
// takes their texts from the text memo instead of making them again, as it did when it
// was rendered after every proposal's page. Same bytes either way.
func TestABodysFeedTakesItsTextsFromItsPages(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	build := func(grouped bool) (map[string][]byte, int64) {
		made, undo := render.CountTextsMade(grouped)
		defer undo()
		out := output.NewMem()
		// A page cache that keeps nothing: a first build that keeps its pages, the builds
		// with a text memo.
		o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test", LazyTextsAbove: -1,
			Pages: keepNone{}, Generator: []byte("test")}
		if err := render.Render(o, out); err != nil {
			t.Fatal(err)
		}
		return out.Files(), made()
	}
	grouped, madeGrouped := build(true)
	apart, madeApart := build(false)
	if len(grouped) != len(apart) {
		t.Fatalf("%d files grouped, %d apart", len(grouped), len(apart))
	}
	for name, data := range apart {
		if !bytes.Equal(data, grouped[name]) {
			t.Errorf("%s differs when a body's pages are grouped", name)
		}
	}
	// Every body's feed shows the texts of all its proposals and practices (the demo's
	// bodies have fewer than a feed's 50 entries) but those with comments, which are
	// made once for the whole build.
	var shown int64
	for _, b := range res.Site.Bodies {
		if len(b.Proposals)+len(b.Practices) > 50 {
			t.Fatalf("body %s has more items than a feed shows", b.ID)
		}
		for _, p := range b.Proposals {
			if p.BodyItem == b && len(p.Feedback) == 0 {
				shown++
			}
		}
		for _, p := range b.Practices {
			if p.BodyItem == b && len(p.Feedback) == 0 {
				shown++
			}
		}
	}
	shown *= int64(len(res.Config.Languages))
	if shown < 10 {
		t.Fatalf("the bodies' feeds of the demo show %d texts in all", shown)
	}
	// Two workers may overlap a feed with the last pages before it: a few texts found in
	// the memo either way.
	if saved := madeApart - madeGrouped; saved < shown-4 {
		t.Errorf("texts made: %d grouped, %d apart; grouping should spare the %d that the bodies' feeds show", madeGrouped, madeApart, shown)
	}
}

// keepNone is a page cache with no page of a previous build.
type keepNone struct{}

func (keepNone) Keep(string, render.Fingerprint) bool { return false }

// TestTheLastLanguageLetsGoOfTheInputs: the items' and the bodies' votes' input
// encodings are shared by the languages, and the last language lets go of each once it
// has read it, instead of holding them all to the render's end, as it does of the
// measures of the bodies' votes once its body pages are cut, and of the paths claimed
// once its files and the sitemap's are claimed; the pages are the same
// bytes as a render that keeps none (a page cache of its own keys, from the same
// encodings, says the same).
func TestTheLastLanguageLetsGoOfTheInputs(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	if len(res.Config.Languages) < 2 {
		t.Fatalf("the demo has %d languages: the test needs two", len(res.Config.Languages))
	}
	left, undo := render.InputsLeft()
	defer undo()
	out := output.NewMem()
	o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test",
		Pages: keepNone{}, Generator: []byte("test")}
	if err := render.Render(o, out); err != nil {
		t.Fatal(err)
	}
	if n := left(); n["item"] != 0 || n["body votes"] != 0 || n["vote rows"] != 0 || n["claims"] != 0 {
		t.Errorf("held after the last language: %v; want no item's input, no body's votes', no bodies' vote rows and no claims", n)
	}
	if _, ok := out.Files()["sitemap.xml"]; !ok {
		t.Error("no sitemap.xml")
	}
	// The same bytes as a render without a page cache (no input keys at all).
	plain := output.NewMem()
	o.Pages = nil
	if err := render.Render(o, plain); err != nil {
		t.Fatal(err)
	}
	a, b := out.Files(), plain.Files()
	if len(a) != len(b) || len(a) < 500 {
		t.Fatalf("%d files with input keys, %d without", len(a), len(b))
	}
	for name, data := range b {
		if !bytes.Equal(data, a[name]) {
			t.Errorf("%s differs with input keys", name)
		}
	}
}

// TestALargeSitesLanguagesEncodeTheirOwnInputs: on a site past shareInputsUpTo each
// language encodes the inputs it reads and lets go of each once read, so that the first
// language holds none for the last (70 MB at 100,000 proposals); a smaller site's
// languages share them, the first holding them for the last. Both render the bytes of a
// render without input keys.
func TestALargeSitesLanguagesEncodeTheirOwnInputs(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	if len(res.Config.Languages) < 2 {
		t.Fatalf("the demo has %d languages: the test needs two", len(res.Config.Languages))
	}
	o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test",
		Generator: []byte("test")}
	plain := output.NewMem()
	if err := render.Render(o, plain); err != nil {
		t.Fatal(err)
	}
	o.Pages = keepNone{}
	for _, large := range []bool{false, true} {
		if large {
			defer render.ShareInputsUpTo(0)()
		}
		held, undo := render.InputsHeldAfterEachLanguage()
		out := output.NewMem()
		if err := render.Render(o, out); err != nil {
			t.Fatal(err)
		}
		counts, shared := held()
		undo()
		if len(counts) != len(res.Config.Languages) {
			t.Fatalf("large %v: %d languages reported, want %d", large, len(counts), len(res.Config.Languages))
		}
		for i, n := range counts {
			if shared[i] == large {
				t.Errorf("large %v: language %d shares its inputs: %v", large, i, shared[i])
			}
			last := i == len(counts)-1
			if (large || last) && (n["item"] != 0 || n["body votes"] != 0) {
				t.Errorf("large %v: language %d holds %v once written; want no item's and no body's votes' input", large, i, n)
			}
			if !large && !last && (n["item"] == 0 || n["body votes"] == 0) {
				t.Errorf("large %v: language %d holds %v for the next; want the items' and the bodies' votes' inputs", large, i, n)
			}
		}
		a, b := out.Files(), plain.Files()
		if len(a) != len(b) || len(a) < 500 {
			t.Fatalf("large %v: %d files with input keys, %d without", large, len(a), len(b))
		}
		for name, data := range b {
			if !bytes.Equal(data, a[name]) {
				t.Errorf("large %v: %s differs with input keys", large, name)
			}
		}
	}
}

// TestTheArchiveLetsGoOfTheCompressedDatasets: in a build the datasets are compressed
// once, as their tasks write them, and held outside the heap until the archive copies
// them: then they are let go of (they were held to the process's end, 55 MB at
// 1,000,000 reactions). The archive and the datasets are the same bytes as when nothing
// is held outside the heap.
func TestTheArchiveLetsGoOfTheCompressedDatasets(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	build := func() map[string][]byte {
		out := output.NewMem()
		o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test",
			Pages: keepNone{}, Generator: []byte("test")}
		if err := render.Render(o, out); err != nil {
			t.Fatal(err)
		}
		return out.Files()
	}
	want := build()
	left, undo := render.InputsLeft()
	defer undo()
	offheap.Enable()
	defer offheap.Disable()
	before := offheap.Held()
	got := build()
	held := offheap.Held() - before
	archive := got["api/v1/open-data.zip"]
	if len(archive) < 10<<10 {
		t.Fatalf("the demo's archive is %d bytes: the test tells nothing", len(archive))
	}
	if n := left()["archive bytes"]; n != 0 {
		t.Errorf("%d bytes of compressed datasets held outside the heap after the render (%d in all), for an archive of %d", n, held, len(archive))
	}
	for name, data := range want {
		if !bytes.Equal(data, got[name]) {
			t.Errorf("%s differs when the compressed datasets are held outside the heap", name)
		}
	}
}

// TestALargeSitesCardsAreHeldCompressed: past packCardsAbove cards, a language's cards
// are held compressed (all but the first, which make the dictionary of the others) and
// every page shows them as they are: the same bytes as a render that holds them whole.
func TestALargeSitesCardsAreHeldCompressed(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test",
		Generator: []byte("test")}
	for _, pages := range []render.PageCache{nil, keepNone{}} {
		o.Pages = pages
		plain := output.NewMem()
		whole, undo := render.PackCardsAbove(1 << 30)
		if err := render.Render(o, plain); err != nil {
			t.Fatal(err)
		}
		for _, c := range whole() {
			if c[1] != 0 {
				t.Fatalf("cards held compressed on a small site: %v", whole())
			}
		}
		undo()
		packed, undo := render.PackCardsAbove(0)
		out := output.NewMem()
		err := render.Render(o, out)
		counts := packed()
		undo()
		if err != nil {
			t.Fatal(err)
		}
		if len(counts) != len(res.Config.Languages) {
			t.Fatalf("%d languages reported, want %d", len(counts), len(res.Config.Languages))
		}
		for i, c := range counts {
			if c[0] < 40 || c[1] < c[0]-16 {
				t.Errorf("language %d: %d of %d cards held compressed: want all but the 16 of the dictionary, of at least 40", i, c[1], c[0])
			}
		}
		a, b := out.Files(), plain.Files()
		if len(a) != len(b) || len(a) < 500 {
			t.Fatalf("%d files with the cards compressed, %d without", len(a), len(b))
		}
		for name, data := range b {
			if !bytes.Equal(data, a[name]) {
				t.Errorf("%s differs with the cards compressed", name)
			}
		}
	}
}
