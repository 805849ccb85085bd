package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/serve"
	"github.com/pspm-dev/pspm/generator/synth"
)

// searchSite is the demo built with its static search bundle, served on loopback, with
// the bleve index the bundle was exported from.
type searchSite struct {
	*portal
	index *search.Index
	docs  []search.Document
}

// TestSearchInHeadlessChromium drives the static search client (js/search.js) in a real
// headless Chromium over the demo's bundle: its analyzers give bleve's terms for every word
// of the demo, its ranking is bleve's, and the search page is accessible and usable with
// the keyboard at a phone's and a desktop's size.
func TestSearchInHeadlessChromium(t *testing.T) {
	p := start(t)
	s := startSearch(t, p)

	t.Run("AnalyzersGiveBlevesTermsForEveryWordOfTheDemo", func(t *testing.T) { s.checkAnalyzers(t) })
	t.Run("RankingIsBlevesForTheSameQueries", func(t *testing.T) { s.checkRanking(t) })
	t.Run("APIModeShowsTheSameResults", func(t *testing.T) { s.checkAPIMode(t) })
	t.Run("RelevanceQueriesAgreeInBleveTheClientAndTheAPI", func(t *testing.T) { s.checkRelevance(t) })
	t.Run("SearchPagePassesAxeWithResults", func(t *testing.T) {
		for _, vp := range viewports() {
			t.Run(vp.name, func(t *testing.T) { s.checkSearchPage(t, vp) })
		}
	})
	t.Run("DarkModeContrastWithResults", func(t *testing.T) { s.checkDark(t) })
	t.Run("ResultsAreAnnouncedAndUsableWithTheKeyboard", func(t *testing.T) { s.checkKeyboard(t) })
	t.Run("EnglishPageSearchesBothLanguages", func(t *testing.T) { s.checkEnglish(t) })
	t.Run("CodeQueryShowsTheItemOfTheCodeFirstWithItsCode", func(t *testing.T) { s.checkCode(t) })
	t.Run("NoHorizontalScrollAt320px", func(t *testing.T) {
		s.checkReflow(t, page{"search-results", "/search/?q=servizi+digitali", "it", 200, 0})
		s.checkReflow(t, page{"home-search-box", "/", "it", 200, 0})
	})
	t.Run("WithoutJavaScriptThePageSaysWhereToFindThings", func(t *testing.T) { s.checkNoScript(t) })
	t.Run("PagesThatDoNotSearchLoadNoBundleFile", func(t *testing.T) { s.checkNoBundleLoaded(t) })
	t.Run("FirstQueryDownloads", func(t *testing.T) { s.reportDownloads(t) })
}

// startSearch builds the demo, writes its search bundle into the output (when the build
// did not), serves it with a search API under /api/search for the API mode, and returns
// the site with Chromium from p.
func startSearch(t *testing.T, p *portal) *searchSite {
	t.Helper()
	src := writeDemo(t)
	fsys, err := generator.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.BuildDir(generator.Options{Source: fsys}, out)
	if err != nil {
		t.Fatalf("the demo does not build: %v", err)
	}
	docs := search.Documents(res.Site, res.Config.Languages, markdown.New().Plain)
	x, _, err := search.Build("", docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if _, err := os.Stat(filepath.Join(out, "search", "meta.json")); err != nil {
		_, err := search.WriteBundle(x, func(name string, data []byte) error {
			full := filepath.Join(out, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			return os.WriteFile(full, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	site, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/api/search", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var page int
		fmt.Sscan(q.Get("page"), &page)
		res, err := x.Search(search.Request{Q: q.Get("q"), Type: q.Get("type"), Status: q.Get("status"), Body: q.Get("body"),
			Tag: q.Get("tag"), Version: q.Get("version"), Lang: q.Get("lang"), Page: page})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(res)
	})
	// /api-mode/… serves the site's pages with the meta tag that `pspm serve` adds.
	mux.HandleFunc("/api-mode/", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/api-mode/")
		data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name), "index.html"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		html := strings.Replace(string(data), "</head>", `<meta name="pspm-search-api" content="/api/search">`+"\n</head>", 1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(html))
	})
	mux.Handle("/", site)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	v := *p
	v.base, v.host = srv.URL, u.Host
	return &searchSite{portal: &v, index: x, docs: docs}
}

// openBundle is JavaScript that opens the bundle in a page, as the client does.
const openBundle = `const b = new pspmSearch.Bundle('/search/'); await b.open();`

// checkAnalyzers analyses every word of the demo's documents, and random strings of
// characters of every word break class, with bleve's analyzers (the mapping's) and with
// the client's in Chromium: the terms must be the same.
func (s *searchSite) checkAnalyzers(t *testing.T) {
	seen := map[string]bool{}
	var words []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, d := range s.docs {
		for _, text := range []string{d.Title, d.Summary, d.Text} {
			for _, w := range strings.Fields(text) {
				add(w)
			}
		}
	}
	for _, w := range []string{"James's", "Città", "CITTÀ", "perché", "dell’amministrazione", "l'unione", "ΟΔΟΣ", "Ⱥbcd", "ǅungla",
		"relational", "hopping", "generalization", "e-mail", "3.14", "1,000", "a.b.c", "naïve", "Straße", "œuvre", "İstanbul",
		"שלום\"ם", "日本語のテキスト", "한국어", "ｆｕｌｌｗｉｄｔｈ", "x\u0301y", "a\u00adb", "don’t", "Ⅻ", "①②", "ﬁnance", "😀emoji"} {
		add(w)
	}
	// Random strings of characters of every kind.
	pool := []rune("aàzZ'’.:,;_-\"0159 \n\tא'ב한글カタカナ漢字ひらがな\u0301\u00ad\u200dÆßĲŒΣσς€½²Ⅻ🇮🇹😀ǅİ")
	rnd := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		rs := make([]rune, 1+rnd.IntN(10))
		for i := range rs {
			rs[i] = pool[rnd.IntN(len(pool))]
		}
		add(string(rs))
	}
	m, err := search.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	input, err := json.Marshal(words)
	if err != nil {
		t.Fatal(err)
	}
	ctx, _, _ := s.tab(t, viewports()[1], "/search/")
	got := eval[map[string][][]string](t, ctx, `(async () => {`+openBundle+`
		const words = `+string(input)+`, out = {};
		for (const lang of b.meta.langs) out[lang] = words.map(w => b.analyzers[lang].terms(w));
		return out;
	})()`)
	bad := 0
	for _, lang := range search.Languages {
		a := m.AnalyzerNamed(search.AnalyzerOf(lang))
		if len(got[lang]) != len(words) {
			t.Fatalf("%s: %d results for %d words", lang, len(got[lang]), len(words))
		}
		for i, w := range words {
			want := []string{}
			for _, tok := range a.Analyze([]byte(w)) {
				want = append(want, string(tok.Term))
			}
			g := got[lang][i]
			if g == nil {
				g = []string{}
			}
			if !slices.Equal(g, want) {
				if bad++; bad <= 20 {
					t.Errorf("%s %+q: the client gives %+q, bleve %+q", lang, w, g, want)
				}
			}
		}
	}
	t.Logf("%d words (%d of the demo) analysed in both languages; %d differ", len(words), len(words)-3000, bad)
}

// hit is a result as the client gives it.
type hit struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
}

// clientResult is a page of results as the client gives it.
type clientResult struct {
	Total  int                            `json:"total"`
	Hits   []hit                          `json:"hits"`
	Facets map[string][]search.FacetValue `json:"facets"`
}

// checkRanking runs the same queries with bleve (the search API) and with the client on
// the bundle: the same total, the same top 10 in the same order, scores within 1e-6, the
// same facets.
func (s *searchSite) checkRanking(t *testing.T) {
	reqs := []search.Request{
		{Q: "digitale"}, {Q: "servizi digitali"}, {Q: "sanità"}, {Q: "sanita territoriale"}, {Q: "interoperabilità dati"},
		{Q: "cloud"}, {Q: "dig"}, {Q: "città"}, {Q: "la"}, {Q: "della rete"}, {Q: "comuni piccoli"},
		{Q: "open data bilancio"}, {Q: "security operations centres"}, {Q: "pagamenti pagoPA"}, {Q: "identità digitale spid"},
		{Q: "accessibilità"}, {Q: "l'amministrazione"}, {Q: "formazione competenze digitali"}, {Q: "ap"}, {Q: "xyzzy"},
		{Q: "progetti"}, {Q: "Scuola"}, {Q: "digital services"},
		{Q: "servizi", Type: "proposal"}, {Q: "dati", Status: "accepted"}, {Q: "comuni", Tag: "piccoli-comuni"},
		{Q: "servizi", Page: 2}, {Q: "rete", Lang: "en"}, {Q: "piano", Version: "draft"},
		{Type: "proposal"}, {Body: "m_ef", Page: 2},
		// Official codes: the item of the code first, then those of codes that start with
		// the query, then what the words find.
		{Q: "CAP3.MEF.LA04"}, {Q: "cap3.mef.la04"}, {Q: "cap1.mef"}, {Q: "MEF.2", Type: "objective"}, {Q: "CAP2.MEF", Page: 2},
	}
	input, err := json.Marshal(reqs)
	if err != nil {
		t.Fatal(err)
	}
	ctx, _, _ := s.tab(t, viewports()[1], "/search/")
	type run struct {
		Results            []clientResult
		Previews           int
		PreviewsDiffer     []int
		PreviewsNotInFiles []int
	}
	res := eval[run](t, ctx, `(async () => {`+openBundle+`
		const e = new pspmSearch.Engine(b), out = [];
		for (const r of `+string(input)+`) {
			out.push(await e.search({q: r.Q, type: r.Type, status: r.Status, body: r.Body, tag: r.Tag, version: r.Version, lang: r.Lang, page: r.Page}));
		}
		// The records the postings files carried are those of the record files.
		const docs = [...b.previews.keys()], differ = [], missing = [];
		for (const d of docs) {
			const shown = JSON.stringify(await b.record(d));
			b.previews.delete(d);
			const rec = await b.record(d).catch(() => null);
			if (rec === null) missing.push(d); else if (JSON.stringify(rec) !== shown) differ.push(d);
		}
		return {Results: out, Previews: docs.length, PreviewsDiffer: differ, PreviewsNotInFiles: missing};
	})()`)
	if res.Previews == 0 || len(res.PreviewsDiffer) > 0 || len(res.PreviewsNotInFiles) > 0 {
		t.Errorf("%d records from postings files: %v differ from their record files, %v are not in them", res.Previews, res.PreviewsDiffer, res.PreviewsNotInFiles)
	}
	got := res.Results
	for i, r := range reqs {
		want, err := s.index.Search(r)
		if err != nil {
			t.Fatal(err)
		}
		g := got[i]
		if g.Total != want.Total {
			t.Errorf("%+v: the client finds %d documents, bleve %d", r, g.Total, want.Total)
		}
		var gotIDs, wantIDs []string
		for _, h := range g.Hits {
			gotIDs = append(gotIDs, h.ID)
		}
		for _, h := range want.Hits {
			wantIDs = append(wantIDs, h.ID)
		}
		if !slices.Equal(gotIDs, wantIDs) {
			t.Errorf("%+v: the client ranks\n  %v\nbleve\n  %v", r, gotIDs, wantIDs)
			continue
		}
		for j, h := range want.Hits {
			if r.Q != "" && math.Abs(g.Hits[j].Score-h.Score) > 1e-6*math.Abs(h.Score) {
				t.Errorf("%+v: %s scores %.12g in the client, %.12g in bleve", r, h.ID, g.Hits[j].Score, h.Score)
			}
		}
		for _, f := range search.FacetFields {
			gf := g.Facets[f]
			if gf == nil {
				gf = []search.FacetValue{}
			}
			if fmt.Sprint(gf) != fmt.Sprint(want.Facets[f]) {
				t.Errorf("%+v: facet %s is %v in the client, %v in bleve", r, f, gf, want.Facets[f])
			}
		}
	}
	t.Logf("%d requests ranked alike; %d results' records came with the postings", len(reqs), res.Previews)
}

// waitResults waits for the search page to show a result, and returns its status.
func waitResults(t *testing.T, ctx context.Context, after string) string {
	t.Helper()
	return eval[string](t, ctx, `(async () => {
		const st = document.getElementById('search-status');
		for (let i = 0; i < 100; i++) {
			const s = st.textContent;
			if (s && s !== `+jsString(after)+` && !/…/.test(s)) return s;
			await new Promise(r => setTimeout(r, 50));
		}
		return st.textContent;
	})()`)
}

// shownIDs are the links of the results on the page.
const shownLinks = `[...document.querySelectorAll('#search-hits h3 a')].map(a => a.getAttribute('href'))`

// checkAPIMode: a page with <meta name="pspm-search-api"> asks the API, and shows the same
// results as the bundle.
func (s *searchSite) checkAPIMode(t *testing.T) {
	ctx, tr, _ := s.tab(t, viewports()[1], "/api-mode/search/?q=servizi+digitali")
	status := waitResults(t, ctx, "")
	api := eval[[]string](t, ctx, shownLinks)
	marks := eval[int](t, ctx, `document.querySelectorAll('#search-hits mark').length`)
	ctx2, _, _ := s.tab(t, viewports()[1], "/search/?q=servizi+digitali")
	status2 := waitResults(t, ctx2, "")
	bundle := eval[[]string](t, ctx2, shownLinks)
	if status != status2 || !slices.Equal(api, bundle) || len(api) == 0 {
		t.Errorf("the API shows %q %v, the bundle %q %v", status, api, status2, bundle)
	}
	if marks == 0 {
		t.Error("the API's highlights show no <mark>")
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	asked := false
	for _, u := range tr.urls {
		asked = asked || strings.Contains(u, "/api/search?")
		if strings.Contains(u, "/search/d/") || strings.Contains(u, "/search/p/") {
			t.Errorf("in API mode the page loads %s", u)
		}
	}
	if !asked {
		t.Error("the page never asked the API")
	}
}

// checkSearchPage: with results and every facet open, the search page passes axe-core.
func (s *searchSite) checkSearchPage(t *testing.T, vp viewport) {
	ctx, tr, _ := s.tab(t, vp, "/search/?q=servizi+digitali")
	status := waitResults(t, ctx, "")
	want, err := s.index.Search(search.Request{Q: "servizi digitali"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(status, fmt.Sprintf("%d risultati", want.Total)) {
		t.Errorf("the status says %q, want %d risultati", status, want.Total)
	}
	// Open the bodies and the tags.
	eval[chromedp.Void](t, ctx, `(async () => {
		for (const d of document.querySelectorAll('details.facet:not([open])')) d.open = true;
		for (let i = 0; i < 100 && document.querySelectorAll('details.facet ul').length < document.querySelectorAll('details.facet').length; i++)
			await new Promise(r => setTimeout(r, 50));
	})()`)
	if n := eval[int](t, ctx, `document.querySelectorAll('details[data-facet="body"] li').length`); n == 0 {
		t.Error("opening the bodies shows none: " + eval[string](t, ctx, `document.getElementById('search-facets').innerHTML`))
	}
	checkHeadings(t, eval[[]heading](t, ctx, `[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.offsetParent !== null || h.classList.contains('visually-hidden')).map(h => ({level: +h.tagName[1], text: h.textContent.trim().slice(0, 60)}))`))
	s.shot(t, ctx, "search-"+vp.name, true)
	s.checkAxe(t, ctx, wcag21AA)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, c := range tr.consoled {
		t.Errorf("the page logged an error: %s", c)
	}
	for _, f := range tr.failed {
		t.Errorf("a request failed: %s", f)
	}
}

// checkDark: in the dark colour scheme, the results (marked words, badges, facets) keep
// their contrast.
func (s *searchSite) checkDark(t *testing.T) {
	dark := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	})
	for _, vp := range viewports() {
		t.Run(vp.name, func(t *testing.T) {
			ctx, _, _ := s.tab(t, vp, "/search/?q=servizi+digitali&status=in-progress", dark)
			waitResults(t, ctx, "")
			s.shot(t, ctx, "search-dark-"+vp.name, true)
			s.checkAxe(t, ctx, contrastOnly)
		})
	}
}

// checkEnglish: the English search page speaks English and finds documents of both
// languages, each marked with its language.
func (s *searchSite) checkEnglish(t *testing.T) {
	ctx, _, _ := s.tab(t, viewports()[1], "/en/search/?q=digital+services")
	status := waitResults(t, ctx, "")
	want, err := s.index.Search(search.Request{Q: "digital services"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(status, fmt.Sprintf("%d results for", want.Total)) {
		t.Errorf("the English status says %q, want %d results", status, want.Total)
	}
	type shown struct{ Href, Lang string }
	hits := eval[[]shown](t, ctx, `[...document.querySelectorAll('#search-hits > li')].map(li => ({Href: li.querySelector('a').getAttribute('href'), Lang: li.getAttribute('lang') || ''}))`)
	for i, h := range want.Hits {
		if i >= len(hits) {
			break
		}
		wantLang := ""
		if h.Lang != "en" {
			wantLang = h.Lang
		}
		if hits[i].Href != h.URL || hits[i].Lang != wantLang {
			t.Errorf("hit %d: %+v, want %s in lang %q", i, hits[i], h.URL, wantLang)
		}
	}
	s.checkAxe(t, ctx, wcag21AA)
}

// checkCode: a reader types an official code in lower case; the item of the code comes
// first, its code shown before its title, and the page passes axe with it.
func (s *searchSite) checkCode(t *testing.T) {
	ctx, _, _ := s.tab(t, viewports()[0], "/search/?q=cap3.mef.la04")
	waitResults(t, ctx, "")
	type shown struct{ Href, Code, Title string }
	hits := eval[[]shown](t, ctx, `[...document.querySelectorAll('#search-hits > li')].map(li => ({Href: li.querySelector('a').getAttribute('href'),
		Code: (li.querySelector('h3 .code') || {}).textContent || '', Title: li.querySelector('h3').textContent}))`)
	if len(hits) == 0 || hits[0].Href != "/plan/actions/soc-condiviso/" || hits[0].Code != "CAP3.MEF.LA04" || !strings.HasPrefix(hits[0].Title, "CAP3.MEF.LA04 ") {
		t.Errorf("cap3.mef.la04: want the action CAP3.MEF.LA04 first, with its code: %+v", hits[:min(2, len(hits))])
	}
	s.checkAxe(t, ctx, wcag21AA)
}

// checkKeyboard: from the header's search box of another page, with the keyboard only:
// type words, submit, hear the count, reach the first result, filter by a facet, go
// back.
func (s *searchSite) checkKeyboard(t *testing.T) {
	ctx, _, _ := s.tab(t, viewports()[1], "/proposals/", focusEmulation())
	// Tab to the header's search box.
	found := false
	for range 40 {
		if f := pressTab(t, ctx); strings.HasPrefix(f.Desc, "input#site-search-q") {
			checkFocusVisible(t, f)
			found = true
			break
		}
	}
	if !found {
		t.Fatal("Tab never reaches the search box of the header")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("servizi digitali\r")); err != nil {
		t.Fatal(err)
	}
	waitNavigation(t, ctx, "/search/")
	status := waitResults(t, ctx, "")
	if got := eval[string](t, ctx, `new URLSearchParams(location.search).get('q')`); got != "servizi digitali" {
		t.Errorf("the search page has q=%q", got)
	}
	if !strings.Contains(status, "risultati") {
		t.Fatalf("the status says %q", status)
	}
	if role := eval[string](t, ctx, `document.getElementById('search-status').getAttribute('role')`); role != "status" {
		t.Errorf("the status has role %q", role)
	}
	// Type in the page's box: the results follow, the URL too.
	eval[chromedp.Void](t, ctx, `document.getElementById('search-q').focus()`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" cloud")); err != nil {
		t.Fatal(err)
	}
	status = waitResults(t, ctx, status)
	if got := eval[string](t, ctx, `new URLSearchParams(location.search).get('q')`); got != "servizi digitali cloud" {
		t.Errorf("after typing, the URL has q=%q (status %q)", got, status)
	}
	// Tab reaches the first result, then the facets.
	first := eval[string](t, ctx, `document.querySelector('#search-hits a').getAttribute('href')`)
	reached := false
	var facet focused
	for range 60 {
		f := pressTab(t, ctx)
		if strings.Contains(f.Desc, "["+first+"]") {
			checkFocusVisible(t, f)
			reached = true
		}
		if reached && strings.Contains(f.Desc, "type=") {
			facet = f
			break
		}
	}
	if !reached || facet.Desc == "" {
		t.Fatalf("Tab does not reach the first result (%s) and then a facet (%v)", first, facet.Desc)
	}
	checkFocusVisible(t, facet)
	before := eval[int](t, ctx, `document.querySelectorAll('#search-hits li').length`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	status2 := waitResults(t, ctx, status)
	typ := eval[string](t, ctx, `new URLSearchParams(location.search).get('type') || ''`)
	if typ == "" {
		t.Fatalf("Enter on a facet does not filter: %s", eval[string](t, ctx, `location.href`))
	}
	want, err := s.index.Search(search.Request{Q: "servizi digitali cloud", Type: typ})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(status2, fmt.Sprint(want.Total)+" ") && !(want.Total == 1 && strings.HasPrefix(status2, "1 risultato")) {
		t.Errorf("filtered by %s the status says %q, want %d results", typ, status2, want.Total)
	}
	if active := eval[string](t, ctx, `document.activeElement.getAttribute('aria-current') || ''`); active != "true" {
		t.Errorf("after filtering the focus is on %s, not on the active filter", eval[string](t, ctx, describeJS+`(document.activeElement)`))
	}
	s.shot(t, ctx, "search-filtered", false)
	// Back: the filter goes, the results come back.
	eval[chromedp.Void](t, ctx, `history.back()`)
	waitFor(t, ctx, `!new URLSearchParams(location.search).get('type')`)
	waitFor(t, ctx, `document.querySelectorAll('#search-hits li').length === `+fmt.Sprint(before))
}

// waitNavigation waits until the tab shows path.
func waitNavigation(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === 'complete' ? location.pathname : ''`))
		if err == nil && got == path {
			return
		}
	}
	t.Fatalf("the tab never shows %s", path)
}

// waitFor waits until the JavaScript condition holds.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	ok := eval[bool](t, ctx, `(async () => {
		for (let i = 0; i < 100; i++) {
			try { if (`+cond+`) return true; } catch (e) {}
			await new Promise(r => setTimeout(r, 50));
		}
		return false;
	})()`)
	if !ok {
		t.Fatalf("timed out waiting for %s", cond)
	}
}

// checkNoScript: without JavaScript, or in a browser the client cannot run in (no
// DecompressionStream), the search page lists where to find things.
func (s *searchSite) checkNoScript(t *testing.T) {
	noJS := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	oldBrowser := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: "delete window.DecompressionStream;"})
		return err
	})
	type view struct {
		Fallback, App bool
		Links         []string
	}
	for _, c := range []struct {
		name string
		how  chromedp.Action[chromedp.Void]
	}{{"nojs", noJS}, {"old-browser", oldBrowser}} {
		t.Run(c.name, func(t *testing.T) {
			ctx, _, _ := s.tab(t, viewports()[0], "/search/?q=servizi", c.how)
			v := eval[view](t, ctx, `({Fallback: !document.getElementById('search-fallback').hidden && document.getElementById('search-fallback').offsetHeight > 0,
				App: document.getElementById('search-app').offsetHeight > 0,
				Links: [...document.querySelectorAll('#search-fallback a')].map(a => a.getAttribute('href'))})`)
			if !v.Fallback || v.App {
				t.Errorf("fallback shown %v, app shown %v", v.Fallback, v.App)
			}
			for _, want := range []string{"/proposals/", "/practices/", "/tags/", "/sitemap.xml"} {
				if !slices.Contains(v.Links, want) {
					t.Errorf("the page does not link %s: %v", want, v.Links)
				}
			}
			s.shot(t, ctx, "search-"+c.name, true)
			if c.name != "nojs" { // axe-core needs scripts
				s.checkAxe(t, ctx, wcag21AA)
			}
		})
	}
}

// checkNoBundleLoaded: pages that do not search, the search page before a query
// included, load nothing of the bundle; and no page but the search page loads the script.
func (s *searchSite) checkNoBundleLoaded(t *testing.T) {
	for _, path := range []string{"/", "/proposals/", "/en/", "/search/", "/en/search/"} {
		_, tr, _ := s.tab(t, viewports()[0], path)
		tr.mu.Lock()
		for _, u := range tr.urls {
			if strings.Contains(u, "/search/") && !strings.HasSuffix(u, path) {
				t.Errorf("%s loads %s", path, u)
			}
			if strings.HasSuffix(u, "/js/search.js") && !strings.HasSuffix(path, "/search/") {
				t.Errorf("%s loads the search script", path)
			}
		}
		tr.mu.Unlock()
	}
}

// reportDownloads logs what a first query and a second one download, and how long they
// take, on the demo.
func (s *searchSite) reportDownloads(t *testing.T) {
	for _, q := range []string{"digitale", "servizi digitali"} {
		ctx, tr, _ := s.tab(t, viewports()[0], "/search/?q="+url.QueryEscape(q))
		waitResults(t, ctx, "")
		time.Sleep(200 * time.Millisecond)
		tr.mu.Lock()
		var total int64
		var parts []string
		for u, n := range tr.bytes {
			if strings.Contains(u, "/search/") && !strings.Contains(u, "/search/?") || strings.HasSuffix(u, "/js/search.js") {
				total += n
				parts = append(parts, fmt.Sprintf("%s %d", strings.TrimPrefix(u, s.base), n))
			}
		}
		tr.mu.Unlock()
		sort.Strings(parts)
		type timing struct{ First, Again float64 }
		// A first query in a new bundle (its files in the browser's cache, as a reader's
		// second visit), then the same query again.
		tm := eval[timing](t, ctx, `(async () => {
			let t0 = performance.now();
			`+openBundle+`
			const e = new pspmSearch.Engine(b), q = `+jsString(q)+`;
			await e.search({q}); const first = performance.now() - t0;
			t0 = performance.now(); await e.search({q}); return {First: first, Again: performance.now() - t0};
		})()`)
		t.Logf("%q: the script and the bundle transfer %.1f KB (%d files): %s; the query in a new bundle takes %.1f ms, again %.1f ms",
			q, float64(total)/1024, len(parts), strings.Join(parts, ", "), tm.First, tm.Again)
	}
}

// TestSearchOnASyntheticSiteInHeadlessChromium measures the static search on a synthetic
// site of $PSPM_SEARCH_SYNTH proposals (e.g. 10000; skipped when unset): what a first
// query of one and of two words transfers, how long queries take, and that the client
// still ranks as bleve does.
func TestSearchOnASyntheticSiteInHeadlessChromium(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PSPM_SEARCH_SYNTH"))
	if n == 0 {
		t.Skip("set PSPM_SEARCH_SYNTH=10000 to measure the search of a synthetic site")
	}
	p := start(t)
	dir := t.TempDir()
	err := synth.Generate(synth.Options{Proposals: n, Practices: 200, Reactions: 10 * n, Bodies: 200, Tags: 50, Seed: 1}, func(name string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.BuildDir(generator.Options{Source: fsys, BaseURL: "/"}, out) // served at the root
	if err != nil {
		t.Fatal(err)
	}
	docs := search.Documents(res.Site, res.Config.Languages, markdown.New().Plain)
	x, _, err := search.Build("", docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if _, err := os.Stat(filepath.Join(out, "search", "meta.json")); err != nil {
		if _, err := search.WriteBundle(x, func(name string, data []byte) error {
			full := filepath.Join(out, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			return os.WriteFile(full, data, 0o644)
		}); err != nil {
			t.Fatal(err)
		}
	}
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	v := *p
	v.base, v.host = srv.URL, u.Host
	s := &searchSite{portal: &v, index: x, docs: docs}
	t.Logf("%d documents", len(docs))
	s.reportDownloads(t)
	for _, q := range []string{"digitale", "servizi digitali", "sanità territoriale", "dig"} {
		ctx, _, _ := s.tab(t, viewports()[1], "/search/")
		got := eval[clientResult](t, ctx, `(async () => {`+openBundle+` return await new pspmSearch.Engine(b).search({q: `+jsString(q)+`}); })()`)
		want, err := x.Search(search.Request{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		var g, w []string
		for i, h := range want.Hits {
			w = append(w, h.ID)
			if i < len(got.Hits) {
				g = append(g, got.Hits[i].ID)
				if math.Abs(got.Hits[i].Score-h.Score) > 1e-6*h.Score {
					t.Errorf("%q: %s scores %g in the client, %g in bleve", q, h.ID, got.Hits[i].Score, h.Score)
				}
			}
		}
		if got.Total != want.Total || !slices.Equal(g, w) {
			t.Errorf("%q: the client finds %d, ranks %v; bleve %d, %v", q, got.Total, g, want.Total, w)
		}
	}
}
