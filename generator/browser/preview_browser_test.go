package browser_test

import (
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/serve"
)

// TestPreviewInHeadlessChromium runs pspm serve's preview, with its real watcher, on a
// copy of the demo, and an author's page in Chromium: saving the proposal reloads the page
// with the new words where it was scrolled to; breaking the file shows the error over the
// page, which keeps the last good build; fixing it clears the error.
func TestPreviewInHeadlessChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("chromium not found at /usr/bin/chromium (apt-get install chromium); browser tests skipped")
	}
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- serve.Preview(ctx, serve.PreviewOptions{Source: src, Dir: dir, BaseURL: "http://127.0.0.1/", BasePath: "/",
			Addr: "127.0.0.1:0", Out: io.Discard, Ready: func(a string) { ready <- a }})
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	var base string
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		t.Fatalf("preview: %v", err)
	}
	u, _ := url.Parse(base)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(u.Hostname())...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	tr := newTraffic()
	tab, cancelTab := chromedp.NewContext(browser, chromedp.WithListener(tr.listen))
	t.Cleanup(cancelTab)
	tab, cancelTimeout := context.WithTimeout(tab, 2*time.Minute)
	t.Cleanup(cancelTimeout)
	// Every document counts the hellos of its event stream: a page listens for rebuilds
	// once it had one.
	countHellos := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: `(() => {
			const ES = window.EventSource;
			window.EventSource = function (u, o) {
				const es = new ES(u, o);
				es.addEventListener('hello', () => { window.pspmHellos = (window.pspmHellos || 0) + 1; });
				return es;
			};
			window.EventSource.prototype = ES.prototype;
		})()`})
		return err
	})
	if err := chromedp.Do(tab, countHellos, chromedp.EmulateViewport(390, 800), chromedp.Navigate(base+"/proposals/catasto-api-comuni/")); err != nil {
		t.Fatal(err)
	}
	waitAcrossLoads(t, tab, `window.pspmHellos >= 1`)

	file := filepath.Join(dir, "content/proposals/catasto-api-comuni/index.md")
	orig, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	y := eval[float64](t, tab, `(() => { history.scrollRestoration = 'manual'; window.pspmTestMark = 1; window.scrollTo(0, 900); return window.scrollY; })()`)
	if y < 800 {
		t.Fatalf("the page scrolls to %v", y)
	}
	edited := strings.Replace(string(orig), "## Contesto", "## Contesto\n\nUna frase scritta nel test del browser.", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	waitAcrossLoads(t, tab, reloaded+` && document.body.innerText.includes('Una frase scritta nel test del browser.')`)
	waitAcrossLoads(t, tab, `Math.abs(window.scrollY - 900) < 5 && window.pspmHellos >= 1`)

	// A broken file: the overlay says where, the page keeps the last good build.
	eval[bool](t, tab, `(() => { window.pspmTestMark = 2; return true; })()`)
	if err := os.WriteFile(file, []byte("---\ntitle: [unclosed\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitAcrossLoads(t, tab, `(() => { const d = document.querySelector('[role=alertdialog]');
		return d && d.innerText.includes('content/proposals/catasto-api-comuni/index.md:3:1: invalid YAML'); })()`)
	if !eval[bool](t, tab, `window.pspmTestMark === 2 && document.body.innerText.includes('Una frase scritta nel test del browser.')`) {
		t.Error("the page did not keep the last good build under the overlay")
	}
	// Fixed: the page reloads, without the overlay.
	if err := os.WriteFile(file, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	waitAcrossLoads(t, tab, `window.pspmTestMark === undefined && document.readyState === 'complete' && !document.querySelector('[role=alertdialog]') && !document.body.innerText.includes('Una frase scritta')`)
	checkQuiet(t, tr)
}
