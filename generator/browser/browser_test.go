package browser_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/serve"
	"github.com/pspm-dev/pspm/generator/site"
)

const (
	chromium = "/usr/bin/chromium"
	// maxPageBytes is the budget of one page: HTML, CSS, scripts and images, as transferred.
	maxPageBytes = 60 << 10
	// forgeConfig is the demo's pspm.yaml: the demo has none, and the forge turns on the
	// Vote / Comment / Propose a change buttons and, with the registration of the
	// community's participants (as the demo's pspm.yaml sets it), Take part.
	forgeConfig = "forge: {kind: github, url: \"https://github.com/mef/piano-strategico\"}\nparticipation: {registration: approved}\n"
	// wcag21AA is what axe-core checks: WCAG 2.0 and 2.1, levels A and AA.
	wcag21AA = `{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}`
	// contrastOnly runs axe-core's colour contrast rule alone.
	contrastOnly = `{runOnly: {type: 'rule', values: ['color-contrast']}}`
)

// page is one type of page of the demo portal.
type page struct {
	name   string // for reports and screenshot files, e.g. "proposal" or "en-home"
	path   string // e.g. "/proposals/bilanci-comunali-aperti/"
	lang   string // the <html lang> it must have
	status int    // the HTTP status it is served with
	budget int64  // its weight budget when it is not maxPageBytes
}

// viewport is a window size the pages are checked at.
type viewport struct {
	name          string
	width, height int64
	mobile        bool
}

func viewports() []viewport {
	return []viewport{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}}
}

// portal is the demo, built with a forge and served on loopback, and a running Chromium.
type portal struct {
	base    string          // the server's URL, http://127.0.0.1:port
	host    string          // its host:port: the only host a page may talk to
	browser context.Context // a chromedp context: chromedp.NewContext(browser) opens a tab
	axeJS   string          // the source of axe.min.js
	shots   string          // the folder of the screenshots
	pages   []page
}

// TestThemeInHeadlessChromium drives a real headless Chromium over every type of page of
// the demo portal. See the subtests for what it checks.
func TestThemeInHeadlessChromium(t *testing.T) {
	p := start(t)
	t.Logf("screenshots in %s", p.shots)

	t.Run("ChecksCatchASpoiledPage", func(t *testing.T) { p.checkTheChecksBite(t) })

	var mu sync.Mutex
	weights := map[string]int64{}
	t.Run("EveryPageTypePassesAxeHeadingsHostsAndBudget", func(t *testing.T) {
		for _, pg := range p.pages {
			for _, vp := range viewports() {
				t.Run(pg.name+"/"+vp.name, func(t *testing.T) {
					t.Parallel()
					n := p.checkPage(t, pg, vp)
					mu.Lock()
					weights[pg.name] = max(weights[pg.name], n)
					mu.Unlock()
				})
			}
		}
	})
	var report strings.Builder
	for _, pg := range p.pages {
		if n, ok := weights[pg.name]; ok {
			fmt.Fprintf(&report, "\n  %-16s %5.1f KB  %s", pg.name, float64(n)/1024, pg.path)
		}
	}
	if report.Len() > 0 {
		t.Logf("page weight (bytes transferred, budget %d KB):%s", maxPageBytes/1024, report.String())
	}

	t.Run("TabReachesSkipLinkBrandAndMenuInOrder", func(t *testing.T) { p.checkHomeTabOrder(t) })
	t.Run("SkipLinkMovesFocusToMain", func(t *testing.T) { p.checkSkipLink(t) })
	t.Run("ForgeButtonsAreReachableByTabWithVisibleFocus", func(t *testing.T) { p.checkForgeButtons(t) })
	t.Run("ForgeButtonsTakeTheReadersDate", func(t *testing.T) { p.checkForgeDate(t) })
	if slices.ContainsFunc(p.pages, func(pg page) bool { return pg.name == "participants" }) {
		t.Run("TakePartButtonIsReachableByTabWithVisibleFocus", func(t *testing.T) { p.checkTakePartButton(t) })
	}
	t.Run("NoHorizontalScrollAt320px", func(t *testing.T) {
		names := []string{"home", "proposal", "action"}
		if slices.ContainsFunc(p.pages, func(pg page) bool { return pg.name == "amended" }) {
			names = append(names, "amended") // word diffs and their tables
		}
		if slices.ContainsFunc(p.pages, func(pg page) bool { return pg.name == "thread" }) {
			names = append(names, "thread") // nested replies
		}
		for _, name := range names {
			t.Run(name, func(t *testing.T) { p.checkReflow(t, p.page(t, name)) })
		}
	})
	t.Run("PracticeFiltersWorkWithJavaScriptAndLoadDataOnlyWhenUsed", func(t *testing.T) { p.checkQuickFilter(t) })
	t.Run("BodyTablesSortFromTheKeyboard", func(t *testing.T) { p.checkSortableTable(t) })
	t.Run("DarkModeContrast", func(t *testing.T) {
		for _, name := range []string{"home", "proposal"} {
			t.Run(name, func(t *testing.T) { p.checkDarkContrast(t, p.page(t, name)) })
		}
	})
}

// start builds and serves the demo and starts Chromium, or skips the test when Chromium or
// axe-core is missing.
func start(t *testing.T) *portal {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("chromium not found at /usr/bin/chromium (apt-get install chromium); browser tests skipped")
	}
	axePath := filepath.Join(moduleRoot(t), ".ci", "browser", "node_modules", "axe-core", "axe.min.js")
	axe, err := os.ReadFile(axePath)
	if err != nil {
		t.Skipf("axe-core not found at %s (npm ci in .ci/browser); browser tests skipped", axePath)
	}

	src := writeDemo(t)
	fsys, err := generator.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.BuildDir(generator.Options{Source: fsys}, out)
	if err != nil {
		if res != nil {
			t.Fatalf("the demo does not build: %v\n%s", err, res.Diagnostics.Format())
		}
		t.Fatalf("the demo does not build: %v", err)
	}
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // on loopback
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}

	shots := os.Getenv("PSPM_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "pspm-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// Every flag keeps Chromium off the network: only the test server's address resolves,
	// and anything else goes to a proxy on a closed port (loopback is never proxied).
	opts := chromiumOptions(u.Hostname())
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}

	return &portal{
		base:    srv.URL,
		host:    u.Host,
		browser: browser,
		axeJS:   string(axe),
		shots:   shots,
		pages:   pagesOf(t, res),
	}
}

// chromiumOptions are the flags of every Chromium the tests start: headless, and off the
// network: only host resolves, and anything else goes to a proxy on a closed port
// (loopback is never proxied).
func chromiumOptions(host string) []chromedp.ExecAllocatorOption {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.Flag("force-color-profile", "srgb"),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE "+host),
		chromedp.Flag("proxy-server", "http://127.0.0.1:9"),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	return opts
}

// moduleRoot walks up from the test's folder to the folder of go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

// writeDemo writes the embedded demo and a pspm.yaml with a forge into a folder.
func writeDemo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := fs.WalkDir(demo.Site(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demo.Site(), name)
		if err != nil {
			return err
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pspm.yaml"), []byte(forgeConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// pagesOf picks one page of every type from the demo, choosing the richest item of each
// kind (a proposal with an answer and the most votes, a practice with an attachment, an
// action with the most indicators), so that the test sees every part of every template.
func pagesOf(t *testing.T, res *generator.Result) []page {
	t.Helper()
	s := res.Site
	// richest returns the index of the item with the highest score; a score below zero
	// means the item does not qualify.
	richest := func(what string, n int, score func(i int) int) int {
		best := 0
		for i := 1; i < n; i++ {
			if score(i) > score(best) {
				best = i
			}
		}
		if n == 0 || score(best) < 0 {
			t.Fatalf("the demo has no %s", what)
		}
		return best
	}
	prop := s.Proposals[richest("proposal with an answer and votes", len(s.Proposals), func(i int) int {
		p := s.Proposals[i]
		if p.Answer.Text == "" || len(p.Reactions) == 0 {
			return -1
		}
		return len(p.Reactions) + len(p.Feedback)
	})]
	prac := s.Practices[richest("practice with an attachment", len(s.Practices), func(i int) int {
		p := s.Practices[i]
		if len(p.Attachments) == 0 {
			return -1
		}
		return len(p.Reactions) + len(p.Feedback) + len(p.Links)
	})]
	act := s.Actions[richest("action", len(s.Actions), func(i int) int {
		a := s.Actions[i]
		return 100*len(a.Indicators) + len(a.Reactions) + len(a.Feedback)
	})]
	body := s.Bodies[richest("body", len(s.Bodies), func(i int) int {
		b := s.Bodies[i]
		return len(b.Proposals) + len(b.Practices) + len(b.Actions) + len(b.Votes) + len(b.Comments)
	})]
	tag := s.Tags[richest("tag", len(s.Tags), func(i int) int { return len(s.Tags[i].Proposals) + len(s.Tags[i].Practices) })]
	if len(s.Goals) == 0 || len(s.Objectives) == 0 || len(s.Results) == 0 {
		t.Fatal("the demo has no goal, no objective or no expected result")
	}
	result := s.Results[richest("result", len(s.Results), func(i int) int { return len(s.Results[i].Indicators) })]
	withResults := s.Objectives[richest("objective", len(s.Objectives), func(i int) int { return len(s.Objectives[i].Results) })]

	pages := []page{
		{"home", "/", "it", 200, 0},
		{"plan", "/plan/", "it", 200, 0},
		{"plan-draft", "/plan/draft/", "it", 200, 0},
		{"plan-draft-changes", "/plan/draft/changes/", "it", 200, 0},
		{"versions", "/plan/versions/", "it", 200, 0},
		{"monitoring", "/monitoring/", "it", 200, 0},
		{"goal", "/plan/goals/" + s.Goals[0].ID + "/", "it", 200, 0},
		{"objective", "/plan/objectives/" + s.Objectives[0].ID + "/", "it", 200, 0},
		{"action", "/plan/actions/" + act.ID + "/", "it", 200, 0},
		{"result", "/plan/results/" + result.ID + "/", "it", 200, 0},
		{"objective-results", "/plan/objectives/" + withResults.ID + "/", "it", 200, 0},
		{"proposals", "/proposals/", "it", 200, 0},
	}
	if len(s.Proposals) > res.Config.Paginate {
		pages = append(pages, page{"proposals-p2", "/proposals/page/2/", "it", 200, 0})
	}
	// The plan item with the most amendments, when the demo has any: their diffs, votes
	// and buttons.
	var amended *site.Item
	for _, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			if it := p.Base(); len(it.Amendments) > 0 && (amended == nil || len(it.Amendments) > len(amended.Amendments)) {
				amended = it
			}
		}
	}
	if amended != nil {
		pages = append(pages, page{"amended", amended.URL(), "it", 200, 0})
	}
	// A conversation: the first proposal with a reply nested under a comment, and a
	// comment beside a paragraph.
	for _, p := range s.Proposals {
		if slices.ContainsFunc(p.Feedback, func(f *site.Feedback) bool { return f.Parent != nil }) {
			pages = append(pages, page{"thread", p.URL(), "it", 200, 0})
			break
		}
	}
	// The community, when the demo has one: the participants with the Take part button,
	// the richest participant's page, a community proposal with its supports, and the
	// moderation decisions.
	if len(s.Participants) > 0 {
		who := s.Participants[richest("participant", len(s.Participants), func(i int) int {
			q := s.Participants[i]
			return len(q.Supports) + len(q.Comments) + 2*len(q.Proposals)
		})]
		pages = append(pages, page{"participants", "/participants/", "it", 200, 0}, page{"participant", who.URL(), "it", 200, 0})
		for _, p := range s.Proposals {
			if p.ParticipantItem != nil && len(p.Supports) > 0 {
				pages = append(pages, page{"community-proposal", p.URL(), "it", 200, 0})
				break
			}
		}
	}
	if len(s.Moderations) > 0 {
		pages = append(pages, page{"moderation", "/moderation/", "it", 200, 0})
	}
	return append(pages,
		page{"proposal", "/proposals/" + prop.ID + "/", "it", 200, 0},
		page{"practices", "/practices/", "it", 200, 0},
		page{"practices-kind", "/practices/kind/" + prac.Kind + "/", "it", 200, 0},
		page{"practice", "/practices/" + prac.ID + "/", "it", 200, 0},
		page{"bodies", "/bodies/", "it", 200, 0},
		page{"body", "/bodies/" + body.ID + "/", "it", 200, 0},
		page{"tags", "/tags/", "it", 200, 0},
		page{"tag", "/tags/" + tag.Slug + "/", "it", 200, 0},
		page{"opendata", "/open-data/", "it", 200, 0},
		page{"404", "/no-such-page/at-any-depth/", "it", 404, 0},
		page{"en-home", "/en/", "en", 200, 0},
		page{"en-proposal", "/en/proposals/" + prop.ID + "/", "en", 200, 0},
	)
}

// page returns the page type called name.
func (p *portal) page(t *testing.T, name string) page {
	t.Helper()
	for _, pg := range p.pages {
		if pg.name == name {
			return pg
		}
	}
	t.Fatalf("no page type %q", name)
	return page{}
}

// traffic is what a tab asked of the network.
type traffic struct {
	mu       sync.Mutex
	urls     map[network.RequestID]string
	done     map[network.RequestID]bool
	bytes    map[string]int64 // by URL
	failed   []string
	consoled []string // errors the page logged: CSP violations, failed loads, exceptions
}

func newTraffic() *traffic {
	return &traffic{urls: map[network.RequestID]string{}, done: map[network.RequestID]bool{}, bytes: map[string]int64{}}
}

// listen records the events of a tab; it runs in the tab's loop, so it only takes notes.
func (tr *traffic) listen(ev any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		tr.urls[ev.RequestID] = ev.Request.URL
	case *network.EventLoadingFinished:
		tr.done[ev.RequestID] = true
		tr.bytes[tr.urls[ev.RequestID]] += int64(ev.EncodedDataLength)
	case *network.EventLoadingFailed:
		tr.done[ev.RequestID] = true
		tr.failed = append(tr.failed, tr.urls[ev.RequestID]+": "+ev.ErrorText)
	case *log.EventEntryAdded:
		if ev.Entry.Level == log.EntryLevelError {
			tr.consoled = append(tr.consoled, fmt.Sprintf("%s (%s)", ev.Entry.Text, ev.Entry.URL))
		}
	case *runtime.EventExceptionThrown:
		tr.consoled = append(tr.consoled, "exception: "+ev.ExceptionDetails.Text)
	}
}

// idle says whether every request seen has finished.
func (tr *traffic) idle() bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return len(tr.done) == len(tr.urls)
}

// tab opens a tab at the viewport, recording its traffic, and loads path in it.
func (p *portal) tab(t *testing.T, vp viewport, path string, before ...chromedp.Action[chromedp.Void]) (context.Context, *traffic, *network.Response) {
	t.Helper()
	tr := newTraffic()
	ctx, cancel := chromedp.NewContext(p.browser, chromedp.WithListener(tr.listen))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	opts := []chromedp.EmulateViewportOption{}
	if vp.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	steps := append([]chromedp.Action[chromedp.Void]{
		chromedp.EmulateViewport(vp.width, vp.height, opts...),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		}),
	}, before...)
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	// Wait until the page's requests have all finished (the favicon may come after load).
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		time.Sleep(150 * time.Millisecond)
		if tr.idle() {
			break
		}
	}
	return ctx, tr, resp
}

// shot saves a PNG screenshot of the tab, of the whole page or of the viewport only, as
// name.png in the screenshot folder.
func (p *portal) shot(t *testing.T, ctx context.Context, name string, whole bool) {
	t.Helper()
	act := chromedp.CaptureScreenshot()
	if whole {
		act = chromedp.FullScreenshot(100)
	}
	png, err := chromedp.Run(ctx, act)
	if err == nil {
		err = os.WriteFile(filepath.Join(p.shots, name+".png"), png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// eval evaluates a JavaScript expression in the tab and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %.80q: %v", expr, err)
	}
	return v
}

// violation is one axe-core rule that failed, with the elements that fail it.
type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	URL    string `json:"helpUrl"`
	Nodes  []struct {
		Target  []string `json:"target"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// axe runs axe-core on the page with the options (a JavaScript object); it returns the
// rules that failed and, described, those it could not decide (to review by hand).
func (p *portal) axe(t *testing.T, ctx context.Context, options string) ([]violation, []string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](p.axeJS)); err != nil {
		t.Fatalf("injecting axe-core: %v", err)
	}
	type result struct {
		Violations []violation `json:"violations"`
		Incomplete []string    `json:"incomplete"`
	}
	r := eval[result](t, ctx, `axe.run(document, `+options+`).then(r => ({
		violations: r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.flat().map(String), summary: n.failureSummary || ''}))})),
		incomplete: r.incomplete.map(v => v.id + ' on ' + v.nodes.length + ' elements, e.g. ' + v.nodes[0].target.flat().join(' ') +
			' (' + [...v.nodes[0].any, ...v.nodes[0].all, ...v.nodes[0].none].map(c => c.message).join('; ') + ')')}))`)
	return r.Violations, r.Incomplete
}

// checkAxe runs axe-core and fails the test on any violation, with the rule, its impact,
// its help and the elements that fail it.
func (p *portal) checkAxe(t *testing.T, ctx context.Context, options string) {
	t.Helper()
	vs, incomplete := p.axe(t, ctx, options)
	for _, v := range vs {
		var b strings.Builder
		fmt.Fprintf(&b, "axe %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.URL)
		for i, n := range v.Nodes {
			if i == 8 {
				fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
				break
			}
			fmt.Fprintf(&b, "\n    %s\n      %s", strings.Join(n.Target, " "), strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		t.Error(b.String())
	}
	if len(incomplete) > 0 {
		t.Logf("axe-core could not decide, to review by hand: %s", strings.Join(incomplete, ", "))
	}
}

// checkTheChecksBite spoils a page on purpose, to prove that the checks are not blind: axe-core
// must report an image without a text alternative and pale text, and the network log must
// see a request to another host, which must fail without leaving the machine.
func (p *portal) checkTheChecksBite(t *testing.T) {
	bypassCSP := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.SetBypassCSP, cdppage.SetBypassCSPParams{Enabled: true})
		return err
	})
	ctx, tr, _ := p.tab(t, viewports()[1], "/", bypassCSP)
	const foreign = "http://tracker.example.org/pixel.png"
	eval[chromedp.Void](t, ctx, `(() => {
		const m = document.querySelector('main'), img = document.createElement('img'), p = document.createElement('p');
		img.src = '`+foreign+`';
		p.textContent = 'Testo troppo chiaro';
		p.style.color = '#bbbbbb';
		m.prepend(img, p);
	})()`)
	vs, _ := p.axe(t, ctx, wcag21AA)
	found := map[string]bool{}
	for _, v := range vs {
		found[v.ID] = true
	}
	for _, id := range []string{"image-alt", "color-contrast"} {
		if !found[id] {
			t.Errorf("axe-core does not report %s on a page spoiled with it; it reports %v", id, found)
		}
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && !tr.idle(); {
		time.Sleep(100 * time.Millisecond)
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	seen := false
	for _, u := range tr.urls {
		if u == foreign {
			seen = true
			if p.ownURL(u) {
				t.Errorf("%s passes for a request to the test server", u)
			}
		}
	}
	if !seen {
		t.Errorf("the network log missed the request to %s; it has %v", foreign, tr.urls)
	}
	failed := false
	for _, f := range tr.failed {
		failed = failed || strings.HasPrefix(f, foreign)
	}
	if !failed {
		t.Errorf("the request to %s did not fail: the browser can reach the network", foreign)
	}
}

// checkPage loads one page at one viewport and checks it; it returns the bytes it transferred.
func (p *portal) checkPage(t *testing.T, pg page, vp viewport) int64 {
	ctx, tr, resp := p.tab(t, vp, pg.path)
	if int(resp.Status) != pg.status {
		t.Errorf("%s is served with status %d, want %d", pg.path, resp.Status, pg.status)
	}

	p.shot(t, ctx, pg.name+"-"+vp.name, true) // before axe-core touches the page

	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != pg.lang {
		t.Errorf(`<html lang=%q>, want %q`, lang, pg.lang)
	}
	checkHeadings(t, eval[[]heading](t, ctx, `[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => ({level: +h.tagName[1], text: h.textContent.trim().replace(/\s+/g, ' ').slice(0, 60)}))`))

	p.checkAxe(t, ctx, wcag21AA)

	tr.mu.Lock()
	defer tr.mu.Unlock()
	var total int64
	var parts []string
	for u, n := range tr.bytes {
		total += n
		parts = append(parts, fmt.Sprintf("%s %d", strings.TrimPrefix(u, p.base), n))
	}
	sort.Strings(parts)
	budget := int64(maxPageBytes)
	if pg.budget > 0 {
		budget = pg.budget
	}
	if total > budget {
		t.Errorf("the page transferred %d bytes, over the budget of %d: %s", total, budget, strings.Join(parts, ", "))
	}
	for _, u := range tr.urls {
		if !p.ownURL(u) {
			t.Errorf("the page made a request to another host: %s", u)
		}
	}
	for _, f := range tr.failed {
		t.Errorf("a request failed: %s", f)
	}
	for _, c := range tr.consoled {
		if pg.status == 404 && strings.Contains(c, "404") && strings.Contains(c, pg.path) {
			continue // the 404 page's own status
		}
		t.Errorf("the page logged an error: %s", c)
	}
	return total
}

// ownURL says whether a request goes to the test server (or needs no network at all).
func (p *portal) ownURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "about":
		return true
	case "http", "https":
		return u.Host == p.host
	}
	return false
}

// heading is an h1-h6 of a page.
type heading struct {
	Level int    `json:"level"`
	Text  string `json:"text"`
}

// checkHeadings wants exactly one h1, first, and no level skipped on the way down.
func checkHeadings(t *testing.T, hs []heading) {
	t.Helper()
	h1 := 0
	prev := 0
	for _, h := range hs {
		if h.Level == 1 {
			h1++
		}
		if h.Level > prev+1 {
			t.Errorf("heading levels skip from h%d to h%d at <h%d>%s</h%d>", prev, h.Level, h.Level, h.Text, h.Level)
		}
		prev = h.Level
	}
	if h1 != 1 {
		t.Errorf("the page has %d <h1>, want exactly one", h1)
	}
}

// focused describes the focused element as the test reads it.
type focused struct {
	Desc      string  `json:"desc"`      // tag.class[href] "text"
	Outline   string  `json:"outline"`   // the computed outline style
	Width     float64 `json:"width"`     // the computed outline width, in px
	Contrast  float64 `json:"contrast"`  // of the outline colour against the background behind it
	InView    bool    `json:"inView"`    // whether its box is within the viewport
	IsVisible bool    `json:"isVisible"` // whether it matches :focus-visible
}

// describeJS is a JavaScript function that describes an element as focused.Desc does.
const describeJS = `(e => e ? (e.tagName.toLowerCase() + (e.getAttribute('class') ? '.' + e.getAttribute('class').trim().split(/\s+/).join('.') : '') +
	(e.id ? '#' + e.id : '') + (e.getAttribute('href') ? '[' + e.getAttribute('href') + ']' : '') +
	' "' + e.textContent.trim().replace(/\s+/g, ' ').slice(0, 40) + '"') : 'nothing')`

// focusedJS describes document.activeElement: what it is and how its focus is drawn. The
// contrast is the outline's against the first opaque background of an ancestor (the
// outline is drawn outside the element, with an offset).
const focusedJS = `(() => {
	const e = document.activeElement, s = getComputedStyle(e);
	const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
	const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	let bg = 'rgb(255, 255, 255)';
	for (let a = e.parentElement; a; a = a.parentElement) {
		const c = getComputedStyle(a).backgroundColor, v = rgb(c);
		if (v.length === 3 || (v.length === 4 && v[3] > 0)) { bg = c; break; }
	}
	const l1 = lum(s.outlineColor), l2 = lum(bg), r = e.getBoundingClientRect();
	return {desc: ` + describeJS + `(e), outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0,
		contrast: (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05),
		inView: r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight,
		isVisible: e.matches(':focus-visible')};
})()`

// focusEmulation makes the page believe it has the focus, as a foreground tab does, so that
// keyboard focus and :focus-visible behave as for a user.
func focusEmulation() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
}

// tab presses Tab and describes what gets the focus.
func pressTab(t *testing.T, ctx context.Context) focused {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
		t.Fatalf("pressing Tab: %v", err)
	}
	return eval[focused](t, ctx, focusedJS)
}

// checkFocusVisible wants a visible focus indicator: an outline, at least 2px wide, with a
// contrast of at least 3:1 (WCAG 2.1 1.4.11 and 2.4.7), on an element on screen.
func checkFocusVisible(t *testing.T, f focused) {
	t.Helper()
	if f.Outline == "none" || f.Width < 2 || !f.IsVisible {
		t.Errorf("%s has no visible keyboard focus: outline %s %.0fpx, :focus-visible %v", f.Desc, f.Outline, f.Width, f.IsVisible)
	} else if f.Contrast < 3 {
		t.Errorf("%s has a focus outline with a contrast of %.2f:1 against its background, want at least 3:1", f.Desc, f.Contrast)
	}
	if !f.InView {
		t.Errorf("%s is focused but not within the viewport", f.Desc)
	}
}

// checkHomeTabOrder: on the home page, Tab goes to the skip link, then the brand, then the
// links of the main menu in order, each with a visible focus.
func (p *portal) checkHomeTabOrder(t *testing.T) {
	for _, vp := range viewports() {
		t.Run(vp.name, func(t *testing.T) { p.checkTabOrder(t, vp) })
	}
}

func (p *portal) checkTabOrder(t *testing.T, vp viewport) {
	ctx, _, _ := p.tab(t, vp, p.page(t, "home").path, focusEmulation())
	want := []string{
		eval[string](t, ctx, describeJS+`(document.querySelector('a.skip'))`),
		eval[string](t, ctx, describeJS+`(document.querySelector('header a.brand'))`),
	}
	want = append(want, eval[[]string](t, ctx, `[...document.querySelectorAll('header nav .menu a')].map(`+describeJS+`)`)...)
	if len(want) < 5 {
		t.Fatalf("the home page has a menu of %d links, want several: %q", len(want)-2, want)
	}
	for i, w := range want {
		f := pressTab(t, ctx)
		if f.Desc != w {
			t.Fatalf("Tab %d focuses %s, want %s", i+1, f.Desc, w)
		}
		checkFocusVisible(t, f)
		if i == 0 {
			p.shot(t, ctx, "home-focus-skip-"+vp.name, false)
		}
	}
}

// checkSkipLink: activating the skip link with the keyboard moves the focus to main.
func (p *portal) checkSkipLink(t *testing.T) {
	for _, vp := range viewports() {
		t.Run(vp.name, func(t *testing.T) {
			ctx, _, _ := p.tab(t, vp, p.page(t, "home").path, focusEmulation())
			if f := pressTab(t, ctx); !strings.HasPrefix(f.Desc, "a.skip") {
				t.Fatalf("the first Tab focuses %s, want the skip link", f.Desc)
			}
			if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
				t.Fatal(err)
			}
			if got := eval[string](t, ctx, describeJS+`(document.activeElement)`); !strings.HasPrefix(got, "main#main") {
				t.Errorf("after Enter on the skip link the focus is on %s, want main#main", got)
			}
			// The next Tab goes on from main, into its content, and not back to the header.
			if f := pressTab(t, ctx); !eval[bool](t, ctx, `document.querySelector('main').contains(document.activeElement)`) {
				t.Errorf("the Tab after the skip link focuses %s, outside main", f.Desc)
			}
		})
	}
}

// checkForgeButtons: on a proposal of a site with a forge, Tab reaches the Vote, Comment and
// Propose a change buttons, each with a visible focus.
func (p *portal) checkForgeButtons(t *testing.T) {
	for _, pg := range []page{p.page(t, "proposal"), p.page(t, "en-proposal")} {
		for _, vp := range viewports() {
			t.Run(pg.name+"/"+vp.name, func(t *testing.T) {
				ctx, _, _ := p.tab(t, vp, pg.path, focusEmulation())
				buttons := eval[[]string](t, ctx, `[...document.querySelectorAll('.take-part .actions-bar a')].map(`+describeJS+`)`)
				if len(buttons) != 3 {
					t.Fatalf("the proposal has %d forge buttons, want 3 (Vote, Comment, Propose a change): %q", len(buttons), buttons)
				}
				seen := map[string]bool{}
				var path []string
				for i := 0; i < 300 && len(seen) < len(buttons); i++ {
					f := pressTab(t, ctx)
					path = append(path, f.Desc)
					for _, b := range buttons {
						if f.Desc == b && !seen[b] {
							seen[b] = true
							checkFocusVisible(t, f)
							if len(seen) == 1 {
								p.shot(t, ctx, pg.name+"-focus-vote-"+vp.name, false)
							}
						}
					}
				}
				for _, b := range buttons {
					if !seen[b] {
						t.Errorf("Tab never reaches %s; it went through:\n  %s", b, strings.Join(path, "\n  "))
					}
				}
			})
		}
	}
}

// checkForgeDate: the forge buttons' prefilled files have the placeholder date in the
// page, and the reader's date once a button is followed (forge.js); the link is
// followed nowhere here (the test cancels the click after the script's listener).
func (p *portal) checkForgeDate(t *testing.T) {
	for _, name := range []string{"proposal", "en-proposal"} {
		pg := p.page(t, name)
		t.Run(name, func(t *testing.T) {
			ctx, _, _ := p.tab(t, viewports()[0], pg.path)
			got := eval[[]string](t, ctx, `(() => {
				const a = [...document.querySelectorAll('.take-part .actions-bar a')][1];
				const before = a.href;
				document.addEventListener('click', e => e.preventDefault(), {once: true});
				a.click();
				const other = document.createElement('a');
				other.href = 'https://example.org/AAAA-MM-GG?date=AAAA-MM-GG';
				other.textContent = 'x';
				document.querySelector('main').appendChild(other);
				document.addEventListener('click', e => e.preventDefault(), {once: true});
				other.click();
				const d = new Date();
				const today = d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');
				return [before, a.href, today, other.href];
			})()`)
			before, after, today := got[0], got[1], got[2]
			if got[3] != "https://example.org/AAAA-MM-GG?date=AAAA-MM-GG" {
				t.Errorf("a link that is not a forge button's file changed: %s", got[3])
			}
			if !strings.Contains(before, "AAAA-MM-GG") {
				t.Fatalf("the comment button's file has no placeholder date before it is followed: %s", before)
			}
			if strings.Contains(after, "AAAA-MM-GG") || !strings.Contains(after, "date%3A+"+today) {
				t.Errorf("followed, the comment button's file does not have the reader's date %s: %s", today, after)
			}
		})
	}
}

// checkTakePartButton: on the participants' page of a site with a forge and open
// registrations, Tab reaches the Take part (Partecipa) button, with a visible focus.
func (p *portal) checkTakePartButton(t *testing.T) {
	pg := p.page(t, "participants")
	for _, vp := range viewports() {
		t.Run(vp.name, func(t *testing.T) {
			ctx, _, _ := p.tab(t, vp, pg.path, focusEmulation())
			buttons := eval[[]string](t, ctx, `[...document.querySelectorAll('main .actions-bar a.button')].map(`+describeJS+`)`)
			if len(buttons) != 1 {
				t.Fatalf("the participants' page has %d buttons, want 1 (Partecipa): %q", len(buttons), buttons)
			}
			var path []string
			for i := 0; i < 300; i++ {
				f := pressTab(t, ctx)
				path = append(path, f.Desc)
				if f.Desc == buttons[0] {
					checkFocusVisible(t, f)
					p.shot(t, ctx, "participants-focus-take-part-"+vp.name, false)
					return
				}
			}
			t.Errorf("Tab never reaches %s; it went through:\n  %s", buttons[0], strings.Join(path, "\n  "))
		})
	}
}

// checkReflow: at 320 CSS pixels (1280 at 400% zoom) the page scrolls only vertically.
func (p *portal) checkReflow(t *testing.T, pg page) {
	ctx, _, _ := p.tab(t, viewport{"320", 320, 640, false}, pg.path)
	type widths struct {
		Scroll, Client int
		Wide           []string
	}
	w := eval[widths](t, ctx, reflowJS)
	if w.Scroll > w.Client+1 {
		t.Errorf("at 320px the page is %dpx wide, more than its %dpx viewport; too wide:\n  %s", w.Scroll, w.Client, strings.Join(w.Wide, "\n  "))
	}
	p.shot(t, ctx, pg.name+"-320", true)
}

// reflowJS measures how wide the page is against its viewport, and lists the elements
// (up to ten) that stick out; code blocks and tables scroll on their own and do not count.
const reflowJS = `(() => {
	const d = document.documentElement, wide = [];
	for (const e of document.querySelectorAll('body *')) {
		if (e.closest('.table-wrap, pre')) continue; // they scroll on their own
		const r = e.getBoundingClientRect(), right = Math.max(r.right, r.left + e.scrollWidth);
		if (right > d.clientWidth + 1) wide.push(` + describeJS + `(e) + ' ' + Math.round(right) + 'px');
	}
	return {Scroll: d.scrollWidth, Client: d.clientWidth, Wide: wide.slice(0, 10)};
})()`

// checkDarkContrast: with prefers-color-scheme: dark, text meets the AA contrast ratios.
func (p *portal) checkDarkContrast(t *testing.T, pg page) {
	dark := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
		})
		return err
	})
	for _, vp := range viewports() {
		t.Run(vp.name, func(t *testing.T) {
			ctx, _, _ := p.tab(t, vp, pg.path, dark)
			if !eval[bool](t, ctx, `matchMedia('(prefers-color-scheme: dark)').matches`) {
				t.Fatal("the dark colour scheme is not emulated")
			}
			p.shot(t, ctx, pg.name+"-dark-"+vp.name, true)
			p.checkAxe(t, ctx, contrastOnly)
		})
	}
}

// checkQuickFilter: on the practices catalogue the script shows the filter form, fetches
// the open data only when a filter is first used, and lists exactly the practices of the
// chosen kind, hiding the pre-rendered list.
func (p *portal) checkQuickFilter(t *testing.T) {
	ctx, tr, _ := p.tab(t, viewports()[1], "/practices/")
	if eval[bool](t, ctx, `document.getElementById('quick-filter').hidden`) {
		t.Fatal("the filter form stayed hidden: js/filter.js did not run")
	}
	fetched := func() bool {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		for _, u := range tr.urls {
			if strings.HasSuffix(u, "/api/v1/practices.json") {
				return true
			}
		}
		return false
	}
	if fetched() {
		t.Error("the practices data was fetched before any filter was used")
	}
	type result struct {
		Shown, Software  int
		Status           string
		OriginalsVisible bool
	}
	r := eval[result](t, ctx, `(async () => {
		const k = document.getElementById('qf-kind');
		k.value = 'software';
		k.dispatchEvent(new Event('change'));
		for (let i = 0; i < 50 && !document.getElementById('qf-status').textContent; i++) await new Promise(r => setTimeout(r, 100));
		const data = await (await fetch('/api/v1/practices.json')).json();
		return {
			Shown: document.querySelectorAll('#qf-results li').length,
			Software: data.filter(p => p.kind === 'software').length,
			Status: document.getElementById('qf-status').textContent,
			OriginalsVisible: [...document.querySelectorAll('.list-results')].some(e => !e.hidden),
		};
	})()`)
	if r.Software == 0 || r.Shown != r.Software {
		t.Errorf("filtering by kind software shows %d practices, want the %d of that kind", r.Shown, r.Software)
	}
	if !strings.Contains(r.Status, strconv.Itoa(r.Shown)) {
		t.Errorf("the live status %q does not announce %d results", r.Status, r.Shown)
	}
	if r.OriginalsVisible {
		t.Error("the pre-rendered list stays visible under the filtered results")
	}
	if !fetched() {
		t.Error("the practices data was never fetched")
	}
	p.shot(t, ctx, "practices-filtered", true)
}

// checkSortableTable: on the page of the plan owner, which leads most actions, the
// headers of its table of actions are buttons; Enter on the due date's sorts the rows by
// it, again the other way, a third time back in plan order, and aria-sort says which.
func (p *portal) checkSortableTable(t *testing.T) {
	ctx, _, _ := p.tab(t, viewports()[1], "/bodies/m_ef/")
	const table = `document.querySelector('table.sortable')`
	rows := func() []string {
		return eval[[]string](t, ctx, `[...`+table+`.tBodies[0].rows].map(r => r.cells[4].dataset.value + ' ' + r.cells[1].textContent.trim())`)
	}
	plan := rows()
	if len(plan) < 5 {
		t.Fatalf("the plan owner's table has %d rows; want a real table", len(plan))
	}
	if n := eval[int](t, ctx, `[...`+table+`.tHead.rows[0].cells].filter(th => th.querySelector('button.sort')).length`); n != 5 {
		t.Fatalf("%d of the table's headers are sort buttons, want 5", n)
	}
	eval[bool](t, ctx, table+`.tHead.rows[0].cells[4].querySelector('button').focus() || true`)
	for _, want := range []string{"ascending", "descending", "none"} {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
			t.Fatal(err)
		}
		got := rows()
		state := eval[string](t, ctx, table+`.tHead.rows[0].cells[4].getAttribute('aria-sort') || 'none'`)
		if state != want {
			t.Errorf("after Enter, aria-sort is %q, want %q", state, want)
		}
		switch want {
		case "ascending", "descending":
			var dated []string
			for _, r := range got {
				if !strings.HasPrefix(r, " ") { // undated rows go last either way
					dated = append(dated, r[:10])
				}
			}
			sorted := slices.IsSorted(dated)
			if want == "descending" {
				slices.Reverse(dated)
				sorted = slices.IsSorted(dated)
			}
			if !sorted {
				t.Errorf("sorted %s by due date, the rows are %q", want, got)
			}
		case "none":
			if !slices.Equal(got, plan) {
				t.Errorf("the third Enter does not bring back plan order: %q, want %q", got, plan)
			}
		}
	}
	// The table of the expected results it leads or co-owns sorts too: by how their
	// indicators stand, the least favourable first.
	const results = `document.querySelector('#h-results').parentElement.querySelector('table.sortable')`
	if n := eval[int](t, ctx, `[...`+results+`.tHead.rows[0].cells].filter(th => th.querySelector('button.sort')).length`); n != 5 {
		t.Fatalf("%d of the headers of the table of results are sort buttons, want 5", n)
	}
	eval[bool](t, ctx, results+`.tHead.rows[0].cells[3].querySelector('button').focus() || true`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	ranks := eval[[]string](t, ctx, `[...`+results+`.tBodies[0].rows].map(r => r.cells[3].dataset.value)`)
	if len(ranks) < 2 || !slices.IsSorted(ranks) {
		t.Errorf("the plan owner's results sorted by status: ranks %q, want two or more in order", ranks)
	}
}
