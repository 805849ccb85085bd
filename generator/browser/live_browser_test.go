package browser_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	keys "github.com/chromedp/chromedp/kb"

	"github.com/pspm-dev/pspm/generator/serve"
)

// liveCSP is the Content-Security-Policy of every response of the live site: the script's
// overlay must live with it, so it cannot use style attributes or <style> elements.
const liveCSP = "default-src 'self'; style-src 'self'; script-src 'self'"

// liveCSS is the stylesheet of the live site: a page with a fixed header above everything,
// and rules that would hide or spoil an overlay that took its looks from the page.
const liveCSS = `body { margin: 0; font: 18px/1.6 Georgia, serif; color: #222; background: #fff; }
header { position: fixed; top: 0; left: 0; right: 0; z-index: 99999; padding: 0.5rem 1rem; background: #036; }
header a { color: #fff; }
main { max-width: 40rem; margin: 0 auto; padding: 4rem 1rem; }
.tall { height: 6000px; }
body > div:last-child { display: none !important; }
[role="alertdialog"], [role="alertdialog"] * { visibility: hidden !important; color: #eee !important; font-size: 6px !important; }
button { opacity: 0.1; }
`

// evilMessage is a build error quoting a content file that holds markup.
const evilMessage = `unknown status "<img src=x onerror=alert(1)>" (want one of: open, accepted)`

// longPath is a problem's file with no place to break a line.
func longPath() string {
	return "content/proposals/" + strings.Repeat("a-very-long-name-without-spaces", 8) + "/index.md"
}

// liveSite is a tiny site served as `pspm serve` serves one, with live reload, and a
// Chromium.
type liveSite struct {
	*portal
	live   atomic.Pointer[serve.Live] // swapped for a new one when the test restarts the server
	gen    uint64
	hellos atomic.Int64 // hellos written to event streams: one a page that connected
}

// TestLiveReloadInHeadlessChromium drives the live reload script of `pspm serve` in a real
// headless Chromium, under the Content-Security-Policy of the site: a good build reloads
// the page where it was scrolled to, a failed one shows its problems over the page as text
// (never as markup), accessible and readable on a phone, and so does a page opened while
// the build is broken, until a good build reloads it. Nothing logs an error.
func TestLiveReloadInHeadlessChromium(t *testing.T) {
	s := startLive(t)
	desktop := viewports()[1]

	ctx, tr := s.open(t, desktop, "/")
	// The second tab loads its page while the build is broken, in its step.
	other, otherTr := s.newTab(t, desktop)
	steps := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"GoodBuildReloadsThePageAtItsScrollPosition", func(t *testing.T) { s.checkReload(t, ctx) }},
		{"FailedBuildShowsItsProblemsAsText", func(t *testing.T) { s.checkOverlay(t, ctx, tr) }},
		{"OverlayPassesAxe", func(t *testing.T) { s.checkAxe(t, ctx, wcag21AA) }},
		{"CloseButtonAndEscapeHideTheOverlayUntilTheNextFailure", func(t *testing.T) { s.checkClose(t, ctx) }},
		{"OverlayFitsA320PixelScreen", func(t *testing.T) { s.checkOverlayReflow(t, ctx) }},
		{"PageOpenedWhileTheBuildIsBrokenShowsTheProblems", func(t *testing.T) {
			s.load(t, other, "/other/")
			waitFor(t, other, `document.querySelector('[role=alertdialog]')`)
			if text := eval[string](t, other, `document.querySelector('[role=alertdialog]').textContent`); !strings.Contains(text, evilMessage) {
				t.Errorf("the overlay of a page opened while the build is broken says %q; want it to quote %q", text, evilMessage)
			}
		}},
		{"GoodBuildClearsTheOverlayByReloading", func(t *testing.T) { s.checkCleared(t, ctx, other) }},
		{"RestartedServerReloadsThePages", func(t *testing.T) { s.checkRestart(t, ctx, other) }},
	}
	for _, step := range steps {
		if !t.Run(step.name, step.run) {
			break // the next steps start from where this one should have left the pages
		}
	}

	t.Run("WithoutEventSourceTheScriptDoesNothing", func(t *testing.T) { s.checkNoEventSource(t) })
	t.Run("NothingLogsAnError", func(t *testing.T) {
		checkQuiet(t, tr)
		checkQuiet(t, otherTr)
	})
	t.Run("ChecksSeeACSPViolation", func(t *testing.T) { s.checkTheCSPCheckBites(t) })
}

// startLive serves the live site and starts Chromium, or skips the test as start does.
func startLive(t *testing.T) *liveSite {
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

	s := &liveSite{}
	s.live.Store(serve.NewLive())
	srv := httptest.NewServer(s.handler()) // on loopback
	t.Cleanup(srv.Close)
	t.Cleanup(func() { s.live.Load().Close() }) // before srv.Close, which waits for the streams to end
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

	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(u.Hostname())...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	s.portal = &portal{base: srv.URL, host: u.Host, browser: browser, axeJS: string(axe), shots: shots}
	return s
}

// handler serves the live site: two long pages with the live script, their stylesheet and
// Live's handler, every response with liveCSP. It counts the hellos Live writes, so that
// the test publishes a build only to pages that are listening.
func (s *liveSite) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(serve.LivePrefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.live.Load().Handler().ServeHTTP(&helloCounter{w, &s.hellos}, r)
	}))
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		fmt.Fprint(w, liveCSS)
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	for path, title := range map[string]string{"/": "A long page", "/other/": "Another long page"} {
		mux.HandleFunc("GET "+path+"{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			_, _ = w.Write(serve.Inject([]byte(livePage(title))))
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", liveCSP)
		mux.ServeHTTP(w, r)
	})
}

// livePage is a page of the live site, taller than any screen.
func livePage(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header><a href="/">Home</a> <a href="/other/">Other</a></header>
<main>
<h1>%[1]s</h1>
`, title)
	for i := range 20 {
		fmt.Fprintf(&b, "<p>Paragraph %d of a page long enough to scroll: the author scrolls down to the part being edited, saves, and wants to stay there.</p>\n", i+1)
	}
	b.WriteString("<div class=\"tall\"></div>\n<p>The end.</p>\n</main>\n</body>\n</html>\n")
	return b.String()
}

// helloCounter counts the hellos written through it.
type helloCounter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (h *helloCounter) Write(b []byte) (int, error) {
	n, err := h.ResponseWriter.Write(b)
	if bytes.Contains(b, []byte("event: hello\n")) {
		h.n.Add(1)
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the server's ResponseWriter, to flush and to
// set deadlines.
func (h *helloCounter) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// open opens a tab at the viewport and loads path in it, as newTab and load do.
func (s *liveSite) open(t *testing.T, vp viewport, path string) (context.Context, *traffic) {
	t.Helper()
	ctx, tr := s.newTab(t, vp)
	s.load(t, ctx, path)
	return ctx, tr
}

// newTab opens a tab at the viewport, recording its traffic; it lives as long as t.
func (s *liveSite) newTab(t *testing.T, vp viewport) (context.Context, *traffic) {
	t.Helper()
	tr := newTraffic()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithListener(tr.listen))
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelTimeout)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp.width, vp.height)); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return ctx, tr
}

// load loads path in the tab and waits until the page listens for builds.
func (s *liveSite) load(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	hellos := s.hellos.Load()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(s.base+path))
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("%s is served with status %d", path, resp.Status)
	}
	s.waitHellos(t, hellos+1)
}

// publish publishes the next build, good when problems is empty.
func (s *liveSite) publish(problems ...serve.Problem) {
	s.gen++
	s.live.Load().Publish(s.gen, problems)
}

// waitHellos waits until n hellos were written in all.
func (s *liveSite) waitHellos(t *testing.T, n int64) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); s.hellos.Load() < n; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d pages connected to the event stream, want %d", s.hellos.Load(), n)
		}
	}
}

// waitAcrossLoads waits until the JavaScript condition holds, asking again and again from
// Go: unlike waitFor, it outlives the page it starts on, for a condition about a reload.
func waitAcrossLoads(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	expr := `(() => { try { return !!(` + cond + `); } catch (e) { return false; } })()`
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		c, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(c, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", cond)
}

// reloaded is a condition that holds once the page that set window.pspmTestMark has been
// replaced by a new one, loaded.
const reloaded = `window.pspmTestMark === undefined && document.readyState === 'complete'`

// checkReload: the page scrolled to 1500px reloads after a good build and comes back to
// 1500px. The browser's own scroll restoration is off, so that the script has to do it.
func (s *liveSite) checkReload(t *testing.T, ctx context.Context) {
	y := eval[float64](t, ctx, `(() => {
		history.scrollRestoration = 'manual';
		window.pspmTestMark = 1;
		window.scrollTo(0, 1500);
		return window.scrollY;
	})()`)
	if y != 1500 {
		t.Fatalf("the page scrolls to %vpx, want 1500px: is it long enough?", y)
	}
	hellos := s.hellos.Load()
	s.publish()
	waitAcrossLoads(t, ctx, reloaded)
	s.waitHellos(t, hellos+1)
	if nav := eval[string](t, ctx, `performance.getEntriesByType('navigation')[0].type`); nav != "reload" {
		t.Errorf("the page was replaced by a navigation of type %q, want reload", nav)
	}
	waitAcrossLoads(t, ctx, `Math.abs(window.scrollY - 1500) <= 2`) // restored on load
	if left := eval[[]string](t, ctx, `Object.keys(sessionStorage).filter(k => k.startsWith('pspm-live'))`); len(left) > 0 {
		t.Errorf("after the reload the page keeps %q in sessionStorage", left)
	}
}

// overlay is what the test reads of the overlay.
type overlay struct {
	Found, Visible, OnTop bool
	Label, Modal, Text    string
	Lines                 []string // the text of its <code> elements: one a problem
	FontSize              float64  // of a problem, in px
	Images, Overlays      int      // <img> elements in the page, role=alertdialog elements
	Mark                  int      // window.pspmTestMark: 0 when the page was reloaded
}

// readOverlay describes the overlay: Visible when it is displayed with a size, OnTop when
// it is what the user sees at its top, over the page's fixed header.
const readOverlay = `(() => {
	const o = document.querySelector('[role=alertdialog]');
	const d = {Found: !!o, Images: document.querySelectorAll('img').length, Mark: window.pspmTestMark || 0,
		Overlays: document.querySelectorAll('[role=alertdialog]').length};
	if (!o) return d;
	const r = o.getBoundingClientRect(), st = getComputedStyle(o), code = o.querySelector('code');
	const label = document.getElementById(o.getAttribute('aria-labelledby'));
	return Object.assign(d, {
		Visible: r.width > 0 && r.height > 0 && st.display !== 'none' && st.visibility === 'visible' && st.opacity === '1',
		OnTop: o.contains(document.elementFromPoint(r.left + r.width / 2, r.top + 10)),
		Label: label ? label.textContent : '', Modal: o.getAttribute('aria-modal') || '', Text: o.textContent,
		Lines: [...o.querySelectorAll('code')].map(c => c.textContent),
		FontSize: code ? parseFloat(getComputedStyle(code).fontSize) : 0,
	});
})()`

// checkOverlay: after a failed build the page is kept and shows an alert dialog over its
// fixed header, in spite of the page's CSS, with one line a problem, file:line:col:
// message, and the markup of a message as text: no <img> is made, nothing is fetched.
func (s *liveSite) checkOverlay(t *testing.T, ctx context.Context, tr *traffic) {
	eval[chromedp.Void](t, ctx, `window.pspmTestMark = 2`)
	s.publish(
		serve.Problem{File: "content/proposals/x/index.md", Line: 3, Col: 7, Message: evilMessage},
		serve.Problem{File: longPath(), Line: 12, Message: "missing title"},
		serve.Problem{File: "pspm.yaml", Message: "no description", Warning: true},
	)
	waitFor(t, ctx, `document.querySelector('[role=alertdialog]')`)
	o := eval[overlay](t, ctx, readOverlay)
	want := []string{
		"content/proposals/x/index.md:3:7: " + evilMessage,
		longPath() + ":12: missing title",
		"pspm.yaml: warning: no description",
	}
	if strings.Join(o.Lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("the overlay lists\n  %s\nwant\n  %s", strings.Join(o.Lines, "\n  "), strings.Join(want, "\n  "))
	}
	if o.Images != 0 {
		t.Errorf("the page has %d <img> elements: the message was read as HTML", o.Images)
	}
	if !o.Visible || !o.OnTop {
		t.Errorf("the overlay is not seen: visible %v, on top of the page %v", o.Visible, o.OnTop)
	}
	if o.FontSize < 12 {
		t.Errorf("the problems are written in %vpx: the page's CSS reaches the overlay", o.FontSize)
	}
	if o.Label != "The site could not be rebuilt" || o.Modal != "false" {
		t.Errorf("the alert dialog is labelled %q with aria-modal=%q; want \"The site could not be rebuilt\" and false", o.Label, o.Modal)
	}
	if o.Mark != 2 {
		t.Error("the page reloaded after a failed build; want it kept")
	}
	s.shot(t, ctx, "live-overlay-desktop", false)

	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, u := range tr.urls {
		if strings.HasSuffix(u, "/x") {
			t.Errorf("the page fetched %s: the message was read as HTML", u)
		}
	}
}

// checkClose: the close button and Escape hide the overlay; the next failed build shows
// it again, its problems replacing the old ones.
func (s *liveSite) checkClose(t *testing.T, ctx context.Context) {
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("[role=alertdialog] button"))); err != nil {
		t.Fatalf("clicking the close button: %v", err)
	}
	if eval[bool](t, ctx, `!!document.querySelector('[role=alertdialog]')`) {
		t.Error("the overlay stays after a click on its close button")
	}
	s.publish(serve.Problem{File: "content/proposals/x/index.md", Line: 3, Col: 7, Message: evilMessage},
		serve.Problem{File: longPath(), Message: "missing title"})
	waitFor(t, ctx, `document.querySelector('[role=alertdialog]')`)
	if o := eval[overlay](t, ctx, readOverlay); o.Overlays != 1 || len(o.Lines) != 2 {
		t.Errorf("after the next failed build the page has %d overlays listing %q; want one with the 2 new problems", o.Overlays, o.Lines)
	}
	eval[chromedp.Void](t, ctx, `document.querySelector('[role=alertdialog] button').focus()`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(keys.Escape)); err != nil {
		t.Fatal(err)
	}
	if eval[bool](t, ctx, `!!document.querySelector('[role=alertdialog]')`) {
		t.Error("the overlay stays after Escape")
	}
	s.publish(serve.Problem{File: "content/proposals/x/index.md", Line: 3, Col: 7, Message: evilMessage},
		serve.Problem{File: longPath(), Line: 12, Message: "missing title"},
		serve.Problem{File: "pspm.yaml", Message: "no description", Warning: true})
	waitFor(t, ctx, `document.querySelector('[role=alertdialog]')`)
}

// checkOverlayReflow: at 320 CSS pixels the overlay, with a file name that has no place to
// break, fits the screen's width and height, and the page does not scroll sideways.
func (s *liveSite) checkOverlayReflow(t *testing.T, ctx context.Context) {
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 640)); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
			t.Fatal(err)
		}
	}()
	type fit struct {
		Scroll, Client                     int
		Left, Right, Bottom, Width, Height float64
		Wide                               []string
	}
	f := eval[fit](t, ctx, `(() => {
		const d = document.documentElement, o = document.querySelector('[role=alertdialog]'), r = o.getBoundingClientRect();
		const wide = [...o.querySelectorAll('*')].filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > innerWidth + 1)
			.map(e => e.tagName.toLowerCase() + ' ' + e.scrollWidth + '/' + e.clientWidth);
		return {Scroll: d.scrollWidth, Client: d.clientWidth, Left: r.left, Right: r.right, Bottom: r.bottom,
			Width: innerWidth, Height: innerHeight, Wide: wide};
	})()`)
	if f.Scroll > f.Client+1 {
		t.Errorf("at 320px the page is %dpx wide, more than its %dpx viewport", f.Scroll, f.Client)
	}
	if f.Left < 0 || f.Right > f.Width+1 || f.Bottom > f.Height+1 {
		t.Errorf("at 320px the overlay spans %v–%vpx across and ends at %vpx down, out of the %vx%v screen", f.Left, f.Right, f.Bottom, f.Width, f.Height)
	}
	for _, w := range f.Wide {
		t.Errorf("at 320px an element of the overlay is too wide: %s", w)
	}
	s.shot(t, ctx, "live-overlay-320", false)
}

// checkCleared: a good build reloads both pages, which show no overlay.
func (s *liveSite) checkCleared(t *testing.T, pages ...context.Context) {
	for _, ctx := range pages {
		eval[chromedp.Void](t, ctx, `window.pspmTestMark = 3`)
	}
	hellos := s.hellos.Load()
	s.publish()
	for _, ctx := range pages {
		waitAcrossLoads(t, ctx, reloaded)
	}
	s.waitHellos(t, hellos+int64(len(pages)))
	for i, ctx := range pages {
		if o := eval[overlay](t, ctx, readOverlay); o.Found {
			t.Errorf("page %d shows the overlay after a good build: %q", i+1, o.Text)
		}
	}
}

// checkRestart: when the server restarts, its Live starts again at generation 0; the pages
// reconnect, and the hello's generation, not the one of their previous hello, tells them
// that they may have missed a build: they reload.
func (s *liveSite) checkRestart(t *testing.T, pages ...context.Context) {
	for _, ctx := range pages {
		eval[chromedp.Void](t, ctx, `window.pspmTestMark = 4`)
	}
	hellos := s.hellos.Load()
	old := s.live.Swap(serve.NewLive())
	old.Close() // as Shutdown does: the streams end, the browsers reconnect
	for _, ctx := range pages {
		waitAcrossLoads(t, ctx, reloaded)
	}
	// One hello on reconnecting, one from the reloaded page.
	s.waitHellos(t, hellos+2*int64(len(pages)))
	for i, ctx := range pages {
		if o := eval[overlay](t, ctx, readOverlay); o.Found {
			t.Errorf("page %d shows the overlay after the restart: %q", i+1, o.Text)
		}
	}
}

// checkNoEventSource: in a browser without EventSource the script loads and does nothing,
// without an error.
func (s *liveSite) checkNoEventSource(t *testing.T) {
	ctx, tr := s.newTab(t, viewports()[1])
	noEventSource := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: "delete window.EventSource;"})
		return err
	})
	if err := chromedp.Do(ctx, noEventSource, chromedp.Navigate(s.base+"/other/")); err != nil {
		t.Fatalf("loading /other/: %v", err)
	}
	hellos := s.hellos.Load()
	waitFor(t, ctx, `document.readyState === 'complete' && typeof EventSource === 'undefined' &&
		performance.getEntriesByType('resource').some(e => e.name.endsWith('`+serve.LivePrefix+`live.js'))`)
	time.Sleep(200 * time.Millisecond) // time for an error to be logged
	if n := s.hellos.Load() - hellos; n != 0 {
		t.Errorf("a page without EventSource opened %d event streams", n)
	}
	checkQuiet(t, tr)
}

// checkQuiet wants no error logged by the pages of the tab, CSP violations included, and no
// failed request but the event streams that a reload cancels.
func checkQuiet(t *testing.T, tr *traffic) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, c := range tr.consoled {
		t.Errorf("the page logged an error: %s", c)
	}
	for _, f := range tr.failed {
		if !strings.Contains(f, serve.LivePrefix+"events") {
			t.Errorf("a request failed: %s", f)
		}
	}
}

// checkTheCSPCheckBites breaks the site's Content-Security-Policy on purpose, as an overlay
// styled with a style attribute would: the tab's log must catch it, or checkQuiet proves
// nothing.
func (s *liveSite) checkTheCSPCheckBites(t *testing.T) {
	ctx, tr := s.open(t, viewports()[1], "/other/")
	eval[chromedp.Void](t, ctx, `document.body.setAttribute('style', 'color: #222')`)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		tr.mu.Lock()
		logged := strings.Join(tr.consoled, "\n")
		tr.mu.Unlock()
		if strings.Contains(logged, "Content Security Policy") {
			return
		}
	}
	t.Error("a style attribute set against the Content-Security-Policy was not seen in the tab's log")
}
