//go:build linux

package browser_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pspm-dev/pspm/generator/serve"
	"github.com/pspm-dev/pspm/generator/synth"
)

// BenchmarkSearchVsPagefind's site is generator/bench_test.go's largest, so that
// $PSPM_BENCH_DIR/site-10000-100000 serves both.
const (
	vsProposals = 10000
	vsReactions = 100000
	// hugoSeconds is Hugo 0.111's build of 10,000 pages of 400–800 words on a 2-core
	// machine, measured once on the project's machine: Hugo is not measured here.
	hugoSeconds = 11.8
	// anchorPagefindSeconds is Pagefind 1.6 on that Hugo output, measured the same way. Here Pagefind
	// indexes every page pspm writes, both languages and the lists: more than Hugo's.
	anchorPagefindSeconds = 25.0
	// pagefindResults is how many results' data a Pagefind query loads: the five its UI
	// shows first. pspm's client loads the records of its page of 10.
	pagefindResults = 5
)

// vsColdQueries are asked first, each in a fresh tab, by both clients. The words are
// from generator/synth/vocab.go: "digitale" is in 9,982 of the 10,000 proposals,
// "catasto" in 408.
var vsColdQueries = []struct {
	name, q  string
	anchorKB float64 // what such a query of Pagefind's fetched on Hugo's output, measured once
}{
	{"1word", "digitale", 282},
	{"rare", "catasto", 0},
	{"2word", "servizi digitali", 384},
}

// vsWarmQueries are new queries asked one after the other in the tab of the first
// one-word query.
var vsWarmQueries = []string{"anagrafe", "interoperabilità", "pagamenti", "sanitaria", "tributi",
	"sportello unico", "cloud", "formazione", "accessibilità", "piccoli comuni"}

// vsColdRuns is how many fresh tabs each first query is timed in (the median is kept).
const vsColdRuns = 3

// BenchmarkSearchVsPagefind measures pspm's static search and Pagefind side by side on
// the same output of a synthetic site of 10,000 proposals and 100,000 reactions:
//
//   - the build: `pspm build` (with its search bundle, cold: no search cache) as a
//     subprocess, then `pagefind --site OUT --output-subdir pagefind` on its output; wall
//     time, peak RSS, size of each one's index;
//   - the browser: both served by one loopback server that gzips text as static hosts do,
//     in headless Chromium with the cache disabled. In a fresh tab on /404.html, a first
//     query through each client's programming interface (pspm: load js/search.js, open
//     the bundle, search with the search page's facets, load the records of the 10
//     results; Pagefind: import pagefind.js, init, search, load the data of 5 results):
//     the bytes transferred from the query's start (counted by the server, because
//     Pagefind fetches from a web worker) and the time to results; then, in the same
//     tab, 10 new queries and 10 repetitions (medians). And pspm's search page
//     /search/?q=…, from navigation to the results drawn. The server adds
//     'wasm-unsafe-eval' to pspm's Content-Security-Policy: Pagefind needs it.
//
// It reports the figures as metrics and logs a side-by-side table with the targets. It
// needs Chromium, Pagefind (npm ci in .ci/bench) and PSPM_BENCH_DIR (use a tmpfs such as
// /dev/shm/bench): the site, its output and Pagefind's index stay there, under
// search-vs-pagefind/. Run it with -benchtime 1x: one run takes minutes.
func BenchmarkSearchVsPagefind(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	if _, err := os.Stat(chromium); err != nil {
		b.Skip("chromium not found at /usr/bin/chromium; benchmark skipped")
	}
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		b.Skip("set PSPM_BENCH_DIR (e.g. /dev/shm/bench) to compare pspm's search with Pagefind")
	}
	mod := moduleDir(b)
	pagefind := filepath.Join(mod, ".ci", "bench", "node_modules", ".bin", "pagefind")
	if _, err := os.Stat(pagefind); err != nil {
		b.Skipf("pagefind not found at %s (npm ci in .ci/bench); benchmark skipped", pagefind)
	}
	work := filepath.Join(root, "search-vs-pagefind")
	site := linkSite(b, vsSite(b, root), filepath.Join(work, "site"))
	pspm := filepath.Join(b.TempDir(), "pspm")
	if out, err := exec.Command("go", "build", "-C", mod, "-o", pspm, "./cmd/pspm").CombinedOutput(); err != nil {
		b.Fatalf("go build ./cmd/pspm: %v\n%s", err, out)
	}
	load := loadAverage()
	b.ResetTimer()
	var r vsReport
	for range b.N {
		r = measureVs(b, pspm, pagefind, site, filepath.Join(work, "public"))
	}
	b.StopTimer()
	r.load = [2]string{load, loadAverage()}
	r.report(b, filepath.Join(work, "report.txt"))
}

// vsReport is what one run of BenchmarkSearchVsPagefind measured.
type vsReport struct {
	load                 [2]string // load averages before and after
	pages                int       // HTML pages Pagefind indexed
	pspmBuild, pfBuild   cmdRun
	pspmIndex, pspmWrite time.Duration // the build's search stages
	pspmSize, pfSize     folder
	cold                 map[string][2]coldQuery // by query name: pspm, Pagefind
	warm, again          [2][]float64            // ms of new and repeated queries in a warm tab
	warmBytes            [2]int64                // what the new queries transferred
	page                 []float64               // ms from navigation to results on /search/?q=…
	pageBytes            int64
}

// cmdRun is a finished command: its wall time and peak resident memory.
type cmdRun struct {
	wall   time.Duration
	maxRSS int64 // bytes
	output string
}

// folder is the weight of a folder.
type folder struct {
	bytes int64
	files int
}

// coldQuery is a first query in a fresh tab.
type coldQuery struct {
	ms    []float64 // one time per tab
	found int       // documents or pages found
	files []fetched // of the first tab
}

// fetched is a response as the server sent it.
type fetched struct {
	path          string // without the query
	total, header int64  // bytes transferred, of which headers
}

// measureVs builds the site with pspm, indexes it with Pagefind and times both clients.
func measureVs(b *testing.B, pspm, pagefind, site, out string) vsReport {
	var r vsReport
	// A cold build: the search cache of the previous run would make it incremental.
	if err := os.RemoveAll(filepath.Join(site, ".pspm")); err != nil {
		b.Fatal(err)
	}
	r.pspmBuild = measureRun(b, "", pspm, "build", "-s", site, "-d", out, "--base-url", "/", "-v")
	r.pspmIndex = stageTime(b, r.pspmBuild.output, "index")
	r.pspmWrite = stageTime(b, r.pspmBuild.output, "search bundle")
	r.pspmSize = folderSize(b, filepath.Join(out, "search"))

	r.pfBuild = measureRun(b, filepath.Dir(out), pagefind, "--site", out, "--output-subdir", "pagefind")
	if m := regexp.MustCompile(`Indexed (\d+) pages`).FindStringSubmatch(r.pfBuild.output); m != nil {
		r.pages, _ = strconv.Atoi(m[1])
	}
	r.pfSize = folderSize(b, filepath.Join(out, "pagefind"))
	r.measureClients(b, out)
	return r
}

// measureClients serves out and times both clients in Chromium.
func (r *vsReport) measureClients(b *testing.B, out string) {
	h, err := serve.Handler(out)
	if err != nil {
		b.Fatal(err)
	}
	host := &staticHost{h: h, gz: map[string][]byte{}}
	srv := httptest.NewServer(host)
	defer srv.Close()
	br := startChromium(b, srv.URL, host)
	defer br.close()

	// One query each, not timed: the server compresses each text file once, Chromium
	// starts its processes.
	br.cold(b, pspmClient, "comuni", false)
	br.cold(b, pagefindClient, "comuni", false)

	r.cold = map[string][2]coldQuery{}
	for i := range vsColdRuns {
		for _, q := range vsColdQueries {
			c := r.cold[q.name]
			for k, cl := range []client{pspmClient, pagefindClient} {
				warm := i == 0 && q.name == "1word"
				got := br.cold(b, cl, q.q, warm)
				c[k].ms = append(c[k].ms, got.ms)
				if i == 0 {
					c[k].found, c[k].files = got.found, got.files
				}
				if warm {
					r.warm[k], r.again[k], r.warmBytes[k] = got.warm, got.again, got.warmBytes
				}
			}
			r.cold[q.name] = c
		}
	}
	for range vsColdRuns {
		ms, n := br.searchPage(b, vsColdQueries[0].q)
		r.page = append(r.page, ms)
		r.pageBytes = n
	}
}

// client is the JavaScript of one search client: first runs a first query QUERY
// (replaced by a string literal) and resolves to {ms, found, shown}, leaving
// window.benchSearch(q) to run the next ones.
type client struct {
	name, first string
}

var pspmClient = client{"pspm", `(async () => {
	const t0 = performance.now();
	await new Promise((ok, ko) => {
		const s = document.createElement('script');
		s.src = '/js/search.js';
		s.onload = ok;
		s.onerror = () => ko(new Error('loading /js/search.js'));
		document.head.append(s);
	});
	const b = new pspmSearch.Bundle('/search/');
	await b.open();
	const e = new pspmSearch.Engine(b), facets = ['type', 'status', 'versions']; // the search page's
	const r = await e.search({q: QUERY, facets});
	const ms = performance.now() - t0;
	window.benchSearch = q => e.search({q, facets});
	return {ms, found: r.total, shown: r.hits.length};
})()`}

var pagefindClient = client{"Pagefind", `(async () => {
	const t0 = performance.now();
	const pf = await import('/pagefind/pagefind.js');
	await pf.init();
	const r = await pf.search(QUERY);
	const data = await Promise.all(r.results.slice(0, ` + strconv.Itoa(pagefindResults) + `).map(x => x.data()));
	const ms = performance.now() - t0;
	window.benchSearch = async q => {
		const r = await pf.search(q);
		await Promise.all(r.results.slice(0, ` + strconv.Itoa(pagefindResults) + `).map(x => x.data()));
	};
	return {ms, found: r.results.length, shown: data.length};
})()`}

// chromiumVs is a headless Chromium kept off the network, and the server it may talk to.
type chromiumVs struct {
	base    string
	host    *staticHost
	browser context.Context
	close   func()
}

func startChromium(b *testing.B, base string, host *staticHost) *chromiumVs {
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	opts := chromiumOptions(u.Hostname())
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(browser); err != nil {
		cancelBrowser()
		cancelAlloc()
		b.Fatalf("starting %s: %v", chromium, err)
	}
	return &chromiumVs{base: base, host: host, browser: browser, close: func() { cancelBrowser(); cancelAlloc() }}
}

// netLog is what a tab's page asked of the network, and the errors it logged. (Bytes
// are counted by the server: Pagefind fetches from a web worker, which the page's
// network events do not see.)
type netLog struct {
	mu      sync.Mutex
	urls    map[network.RequestID]string
	done    map[network.RequestID]bool
	failed  []string
	console []string
}

func newNetLog() *netLog {
	l := &netLog{}
	l.reset()
	return l
}

func (l *netLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.urls, l.done = map[network.RequestID]string{}, map[network.RequestID]bool{}
}

// listen runs in the tab's event loop: it only takes notes.
func (l *netLog) listen(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFinished:
		l.done[ev.RequestID] = true
	case *network.EventLoadingFailed:
		l.done[ev.RequestID] = true
		l.failed = append(l.failed, l.urls[ev.RequestID]+": "+ev.ErrorText)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			l.console = append(l.console, fmt.Sprintf("%s (%s)", ev.Entry.Text, ev.Entry.URL))
		}
	case *runtime.EventExceptionThrown:
		l.console = append(l.console, "exception: "+ev.ExceptionDetails.Text)
	}
}

// settle waits until every request seen has finished.
func (l *netLog) settle() {
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		l.mu.Lock()
		idle := len(l.done) == len(l.urls)
		l.mu.Unlock()
		if idle {
			return
		}
	}
}

// check fails the benchmark on a failed request or an error the page logged: the
// figures of a broken client mean nothing.
func (l *netLog) check(b *testing.B, what string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.failed {
		b.Errorf("%s: a request failed: %s", what, f)
	}
	for _, c := range l.console {
		b.Errorf("%s: the page logged an error: %s", what, c)
	}
}

// tab opens a tab in a new browser context, with the cache disabled, at path.
func (c *chromiumVs) tab(b *testing.B, path string, before ...chromedp.Action[chromedp.Void]) (context.Context, *netLog, func()) {
	l := newNetLog()
	ctx, cancel := chromedp.NewContext(c.browser, chromedp.WithNewBrowserContext(), chromedp.WithListener(l.listen))
	ctx, cancelTimeout := context.WithTimeout(ctx, 2*time.Minute)
	closeTab := func() { cancelTimeout(); cancel() }
	steps := append([]chromedp.Action[chromedp.Void]{
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		}),
	}, before...)
	steps = append(steps, chromedp.Navigate(c.base+path))
	if err := chromedp.Do(ctx, steps...); err != nil {
		closeTab()
		b.Fatalf("loading %s: %v", path, err)
	}
	l.settle()
	return ctx, l, closeTab
}

// evalB evaluates a JavaScript expression in the tab, awaiting a promise, and decodes its value.
func evalB[T any](b *testing.B, ctx context.Context, expr string) T {
	b.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// coldRun is a first query in a fresh tab, and when asked the queries after it.
type coldRun struct {
	ms           float64
	found, shown int
	files        []fetched
	warm, again  []float64
	warmBytes    int64
}

// cold opens a fresh tab on a page without search, runs a first query q with the client
// and measures what it transferred; with warm, it then times new queries and the same
// query again in that tab.
func (c *chromiumVs) cold(b *testing.B, cl client, q string, warm bool) coldRun {
	ctx, l, closeTab := c.tab(b, "/404.html")
	defer closeTab()
	l.check(b, cl.name+" on /404.html")
	l.reset()
	mark := c.host.mark()
	type first struct {
		MS           float64 `json:"ms"`
		Found, Shown int
	}
	f := evalB[first](b, ctx, strings.ReplaceAll(cl.first, "QUERY", jsString(q)))
	l.settle()
	l.check(b, fmt.Sprintf("%s %q", cl.name, q))
	r := coldRun{ms: f.MS, found: f.Found, shown: f.Shown, files: searchFiles(c.host.since(mark))}
	if r.found == 0 || r.shown == 0 {
		b.Errorf("%s finds %d and shows %d results for %q", cl.name, r.found, r.shown, q)
	}
	if !warm {
		return r
	}
	times := func(qs []string) []float64 {
		return evalB[[]float64](b, ctx, `(async () => {
			const out = [];
			for (const q of `+jsStrings(qs)+`) {
				const t0 = performance.now();
				await benchSearch(q);
				out.push(performance.now() - t0);
			}
			return out;
		})()`)
	}
	mark = c.host.mark()
	r.warm = times(vsWarmQueries)
	r.warmBytes, _ = total(searchFiles(c.host.since(mark)))
	r.again = times(slices.Repeat([]string{q}, 10))
	l.check(b, cl.name+" warm")
	return r
}

// searchPage opens pspm's search page on q in a fresh tab and returns the time from the
// navigation's start to the first results in the page, and what the client and the
// bundle transferred.
func (c *chromiumVs) searchPage(b *testing.B, q string) (float64, int64) {
	watch := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `
			new MutationObserver((_, o) => {
				const h = document.getElementById('search-hits');
				if (h && h.children.length > 0) { window.benchShown = performance.now(); o.disconnect(); }
			}).observe(document, {subtree: true, childList: true});`})
		return err
	})
	mark := c.host.mark()
	ctx, l, closeTab := c.tab(b, "/search/?q="+url.QueryEscape(q), watch)
	defer closeTab()
	ms := evalB[float64](b, ctx, `(async () => {
		for (let i = 0; i < 600 && window.benchShown === undefined; i++) await new Promise(r => setTimeout(r, 50));
		return window.benchShown ?? -1;
	})()`)
	if ms < 0 {
		b.Fatalf("the search page never shows results for %q", q)
	}
	l.settle()
	l.check(b, "the search page")
	n, _ := total(searchFiles(c.host.since(mark)))
	return ms, n
}

// searchFiles keeps the files of the search clients: pspm's script and bundle,
// Pagefind's folder; not the pages, their styles or their icons.
func searchFiles(files []fetched) []fetched {
	return slices.DeleteFunc(files, func(f fetched) bool {
		return f.path != "/js/search.js" && (!strings.HasPrefix(f.path, "/search/") || f.path == "/search/") && !strings.HasPrefix(f.path, "/pagefind/")
	})
}

// staticHost serves a site as static hosts do: text gzipped when the browser accepts it
// (files that are compressed already, pspm's bundle and Pagefind's index, are sent as
// they are), each file compressed once.
type staticHost struct {
	h   http.Handler
	mu  sync.Mutex
	gz  map[string][]byte // compressed bodies by path
	log []fetched         // every response, in the order they were sent
}

// mark is where the log is now, for since.
func (s *staticHost) mark() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.log)
}

// since lists the responses sent after the mark, by path.
func (s *staticHost) since(mark int) []fetched {
	s.mu.Lock()
	out := slices.Clone(s.log[mark:])
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b fetched) int { return strings.Compare(a.path, b.path) })
	return out
}

func (s *staticHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	hdr := w.Header()
	for k, v := range rec.Header() {
		hdr[k] = v
	}
	// Pagefind compiles WebAssembly, which a page may do only with 'wasm-unsafe-eval':
	// pspm's own policy does not grant it (pspm's client needs no WebAssembly).
	if csp := hdr.Get("Content-Security-Policy"); csp != "" {
		hdr.Set("Content-Security-Policy", strings.Replace(csp, "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1))
	}
	body := rec.Body.Bytes()
	if rec.Code == http.StatusOK && textType(hdr.Get("Content-Type")) && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		s.mu.Lock()
		z, ok := s.gz[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			_, _ = zw.Write(body)
			_ = zw.Close()
			z = buf.Bytes()
			s.mu.Lock()
			s.gz[r.URL.Path] = z
			s.mu.Unlock()
		}
		body = z
		hdr.Set("Content-Encoding", "gzip")
		hdr.Add("Vary", "Accept-Encoding")
		hdr.Del("Accept-Ranges")
		hdr.Set("Content-Length", strconv.Itoa(len(z)))
	}
	// What goes on the wire: the status line, the headers (net/http adds Date) and the body.
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\nDate: %s\r\n", rec.Code, http.StatusText(rec.Code), time.Now().UTC().Format(http.TimeFormat))
	_ = hdr.Write(&head)
	head.WriteString("\r\n")
	w.WriteHeader(rec.Code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	s.mu.Lock()
	s.log = append(s.log, fetched{path: r.URL.Path, total: int64(head.Len() + len(body)), header: int64(head.Len())})
	s.mu.Unlock()
}

// textType says whether a static host compresses a response of that type.
func textType(ct string) bool {
	ct, _, _ = strings.Cut(ct, ";")
	return strings.HasPrefix(ct, "text/") || strings.HasSuffix(ct, "javascript") || strings.HasSuffix(ct, "json") ||
		strings.HasSuffix(ct, "xml") || ct == "image/svg+xml" || ct == "application/wasm"
}

// measureRun runs a command in dir and measures it; it fails the benchmark if the
// command fails.
func measureRun(b *testing.B, dir, name string, args ...string) cmdRun {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := cmdRun{wall: time.Since(start), output: out.String()}
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, r.output)
	}
	// The peak of the process and of the children it waited for (Pagefind's npm wrapper
	// waits for its binary), in KB on Linux.
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10
	}
	return r
}

// stageTime reads a stage's time from the output of `pspm build -v`.
func stageTime(b *testing.B, output, stage string) time.Duration {
	m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(stage) + `\s+(\S+)( \(beside \w+\))?\s*$`).FindStringSubmatch(output)
	if m == nil {
		b.Fatalf("pspm build -v prints no %q stage:\n%s", stage, output)
	}
	d, err := time.ParseDuration(m[1])
	if err != nil {
		b.Fatalf("stage %s: %v", stage, err)
	}
	return d
}

func folderSize(b *testing.B, dir string) folder {
	var s folder
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		s.bytes += fi.Size()
		s.files++
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// vsSite returns the folder of the synthetic site under root, generating it when it is
// not there, as generator/bench_test.go's syntheticSite does.
func vsSite(b *testing.B, root string) string {
	dir := filepath.Join(root, fmt.Sprintf("site-%d-%d", vsProposals, vsReactions))
	if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
		return dir
	}
	err := synth.Generate(synth.Options{Proposals: vsProposals, Practices: 200, Reactions: vsReactions, Bodies: 200, Tags: 50, Seed: 1}, func(p string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	})
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// linkSite makes dest a copy of the site src made of hard links (copies across file
// systems), without src's .pspm folder: the builds write their search cache into the
// copy, not into a site that other benchmarks share. An existing copy is kept.
func linkSite(b *testing.B, src, dest string) string {
	if _, err := os.Stat(filepath.Join(dest, "content")); err == nil {
		return dest
	}
	tmp := dest + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		b.Fatal(err)
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() && d.Name() == ".pspm" {
			return filepath.SkipDir
		}
		to := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if os.Link(p, to) == nil {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, 0o644)
	})
	if err == nil {
		err = os.Rename(tmp, dest)
	}
	if err != nil {
		b.Fatal(err)
	}
	return dest
}

// moduleDir walks up from the test's folder to the folder of go.mod.
func moduleDir(b *testing.B) string {
	dir, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			b.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// jsStrings quotes ss as a JavaScript array of strings.
func jsStrings(ss []string) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, jsString(s))
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// kindOf names what a fetched file is to its client.
func kindOf(p string) string {
	base := path.Base(p)
	switch {
	case p == "/js/search.js", p == "/pagefind/pagefind.js", p == "/pagefind/pagefind-worker.js":
		return "client script"
	case p == "/search/meta.json", strings.HasSuffix(p, ".pf_meta"):
		return "meta"
	case p == "/pagefind/pagefind-entry.json":
		return "entry"
	case strings.HasPrefix(base, "wasm."):
		return "wasm"
	case p == "/search/a.bin":
		return "analyzers"
	case strings.HasPrefix(p, "/search/d/"), strings.HasPrefix(p, "/pagefind/index/"):
		return "dictionary/index chunks"
	case strings.HasPrefix(p, "/search/p/"):
		return "postings"
	case strings.HasPrefix(p, "/search/r/"), strings.HasPrefix(p, "/pagefind/fragment/"):
		return "result data"
	case strings.HasPrefix(p, "/search/f/"):
		return "facets"
	case p == "/search/t.bin":
		return "dates"
	}
	return "other"
}

// summary is the files of a query grouped by kind: "kind n files x KB".
func summary(files []fetched) string {
	type agg struct {
		n     int
		bytes int64
	}
	by := map[string]*agg{}
	var kinds []string
	for _, f := range files {
		k := kindOf(f.path)
		if by[k] == nil {
			by[k] = &agg{}
			kinds = append(kinds, k)
		}
		by[k].n++
		by[k].bytes += f.total
	}
	slices.Sort(kinds)
	var parts []string
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%s %d×%.1f KB", k, by[k].n, kb(by[k].bytes)))
	}
	return strings.Join(parts, ", ")
}

func total(files []fetched) (n int64, headers int64) {
	for _, f := range files {
		n += f.total
		headers += f.header
	}
	return n, headers
}

func kb(n int64) float64 { return float64(n) / 1024 }

func mb(n int64) float64 { return float64(n) / (1 << 20) }

func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "MISSED"
}

// report logs the side-by-side table, writes it to file too (when not ""), and
// reports the figures as metrics. Without -v, go test shows the first 10 lines of a
// benchmark's log: the main figures come first, the details after.
func (r *vsReport) report(b *testing.B, file string) {
	var t strings.Builder
	row := func(what, pspm, pf, target string) {
		fmt.Fprintf(&t, "\n  %-38s %-26s %-26s %s", what, pspm, pf, target)
	}
	pspmS, pfS := r.pspmBuild.wall.Seconds(), r.pfBuild.wall.Seconds()
	fmt.Fprintf(&t, "pspm's search and Pagefind 1.6.0: %d proposals, %d reactions, %d HTML pages; load average %s before, %s after (2 cores)",
		vsProposals, vsReactions, r.pages, r.load[0], r.load[1])
	row("", "pspm", "Pagefind", "target for pspm")
	budget := 0.4 * (hugoSeconds + pfS)
	row("build, wall (pspm: site + search)", fmt.Sprintf("%.1f s", pspmS), fmt.Sprintf("%.1f s", pfS),
		fmt.Sprintf("≤ 0.4×(Hugo %.1f s + Pagefind) = %.1f s: %s", hugoSeconds, budget, verdict(pspmS <= budget)))
	row("build, peak RSS", fmt.Sprintf("%.0f MB", mb(r.pspmBuild.maxRSS)), fmt.Sprintf("%.0f MB", mb(r.pfBuild.maxRSS)),
		"< 1024 MB: "+verdict(r.pspmBuild.maxRSS < 1<<30))
	row("index on disk", fmt.Sprintf("%.1f MB, %d files", mb(r.pspmSize.bytes), r.pspmSize.files),
		fmt.Sprintf("%.1f MB, %d files", mb(r.pfSize.bytes), r.pfSize.files), "")
	var firstMax [2]float64
	bytesOf := map[string][2]int64{}
	for _, q := range vsColdQueries {
		c := r.cold[q.name]
		var n [2]int64
		for k := range c {
			n[k], _ = total(c[k].files)
			firstMax[k] = max(firstMax[k], median(c[k].ms))
		}
		bytesOf[q.name] = n
		row(fmt.Sprintf("first %q", q.q),
			fmt.Sprintf("%.1f KB %d files %.0f ms", kb(n[0]), len(c[0].files), median(c[0].ms)),
			fmt.Sprintf("%.1f KB %d files %.0f ms", kb(n[1]), len(c[1].files), median(c[1].ms)),
			fmt.Sprintf("≤ ⅓ of the bytes: %s (%.0f%%); < 300 ms: %s", verdict(3*n[0] <= n[1]), 100*float64(n[0])/float64(max(n[1], 1)),
				verdict(median(c[0].ms) < 300)))
		b.ReportMetric(kb(n[0]), "pspm-"+q.name+"-KB")
		b.ReportMetric(kb(n[1]), "pagefind-"+q.name+"-KB")
		b.ReportMetric(median(c[0].ms), "pspm-"+q.name+"-ms")
		b.ReportMetric(median(c[1].ms), "pagefind-"+q.name+"-ms")
	}
	row("new query, warm tab (median of 10)", fmt.Sprintf("%.1f ms", median(r.warm[0])), fmt.Sprintf("%.1f ms", median(r.warm[1])),
		"< 20 ms: "+verdict(median(r.warm[0]) < 20))
	row("same query again (median of 10)", fmt.Sprintf("%.1f ms", median(r.again[0])), fmt.Sprintf("%.1f ms", median(r.again[1])),
		"< 20 ms: "+verdict(median(r.again[0]) < 20))

	// The details.
	anchor := 0.4 * (hugoSeconds + anchorPagefindSeconds)
	row("build vs Pagefind (measured once)", fmt.Sprintf("%.1f s", pspmS), fmt.Sprintf("%.1f s (Hugo's output)", anchorPagefindSeconds),
		fmt.Sprintf("≤ 0.4×(%.1f s + %.1f s) = %.1f s: %s", hugoSeconds, anchorPagefindSeconds, anchor, verdict(pspmS <= anchor)))
	for _, q := range vsColdQueries {
		if q.anchorKB > 0 {
			n := kb(bytesOf[q.name][0])
			row(fmt.Sprintf("%q vs Pagefind (measured once)", q.q), fmt.Sprintf("%.1f KB", n), fmt.Sprintf("%.0f KB (Hugo's output)", q.anchorKB),
				fmt.Sprintf("≤ ⅓: %s (%.0f%%)", verdict(3*n <= q.anchorKB), 100*n/q.anchorKB))
		}
	}
	row("build: of which search", fmt.Sprintf("index %.1f s, bundle %.1f s", r.pspmIndex.Seconds(), r.pspmWrite.Seconds()), "", "")
	row("10 new queries: slowest; bytes", fmt.Sprintf("%.1f ms; %.1f KB", slices.Max(r.warm[0]), kb(r.warmBytes[0])),
		fmt.Sprintf("%.1f ms; %.1f KB", slices.Max(r.warm[1]), kb(r.warmBytes[1])), "")
	row(fmt.Sprintf("search page ?q=%s, drawn", vsColdQueries[0].q), fmt.Sprintf("%.0f ms (%.1f KB)", median(r.page), kb(r.pageBytes)), "",
		"from navigation start; script + bundle bytes")
	for _, q := range vsColdQueries {
		c := r.cold[q.name]
		var hdr [2]int64
		for k := range c {
			_, hdr[k] = total(c[k].files)
		}
		row(fmt.Sprintf("%q: headers; found", q.q), fmt.Sprintf("%.1f KB; %d", kb(hdr[0]), c[0].found),
			fmt.Sprintf("%.1f KB; %d", kb(hdr[1]), c[1].found), "")
	}
	fmt.Fprintf(&t, "\n  Times: medians of %d fresh tabs (cache disabled), from the query's start to the results' data. Bytes: as sent (headers + gzip or raw body), HTTP/1.1.", vsColdRuns)
	fmt.Fprintf(&t, "\n  Pagefind loads the data of %d results; pspm the records of its page of 10 and the facets its search page counts (type, status, versions).", pagefindResults)
	fmt.Fprintf(&t, "\n  Pagefind on Hugo's 10,000 pages (measured once): build 25 s, 3.2 GB, 48 MB; first query 282 KB (1 word), 384 KB (2 words), 1.2 s; repeated 150–175 ms.")
	for _, q := range vsColdQueries {
		c := r.cold[q.name]
		fmt.Fprintf(&t, "\n\n  first %q\n    pspm:     %s\n    Pagefind: %s", q.q, summary(c[0].files), summary(c[1].files))
		for k, name := range []string{"pspm", "Pagefind"} {
			fmt.Fprintf(&t, "\n    %s, file by file:", name)
			for _, f := range c[k].files {
				fmt.Fprintf(&t, "\n      %-44s %7.1f KB (headers %.1f)", f.path, kb(f.total), kb(f.header))
			}
		}
	}
	b.Log(t.String())
	if file != "" {
		if err := os.WriteFile(file, []byte(t.String()+"\n"), 0o644); err != nil {
			b.Error(err)
		}
	}

	b.ReportMetric(pspmS, "pspm-build-s")
	b.ReportMetric(mb(r.pspmBuild.maxRSS), "pspm-build-MB")
	b.ReportMetric(r.pspmIndex.Seconds()+r.pspmWrite.Seconds(), "pspm-search-s")
	b.ReportMetric(mb(r.pspmSize.bytes), "pspm-index-MB")
	b.ReportMetric(pfS, "pagefind-build-s")
	b.ReportMetric(mb(r.pfBuild.maxRSS), "pagefind-build-MB")
	b.ReportMetric(mb(r.pfSize.bytes), "pagefind-index-MB")
	b.ReportMetric(firstMax[0], "pspm-first-ms")
	b.ReportMetric(firstMax[1], "pagefind-first-ms")
	b.ReportMetric(median(r.warm[0]), "pspm-warm-ms")
	b.ReportMetric(median(r.warm[1]), "pagefind-warm-ms")
	b.ReportMetric(median(r.again[0]), "pspm-again-ms")
	b.ReportMetric(median(r.again[1]), "pagefind-again-ms")
	b.ReportMetric(median(r.page), "pspm-page-ms")
}
