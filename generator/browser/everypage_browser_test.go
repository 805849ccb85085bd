package browser_test

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/pspm-dev/pspm/generator/serve"
)

// TestEveryDemoPagePassesAxeAndReflowsAt320px opens every HTML page of the demo as
// `pspm serve --demo` builds it from its Git history, in both languages — every item of
// every kind, every amendment state, every proposal status, every version and its changes,
// every body with its tables, the practices with code blocks, search, the lists and their
// pages; not a sample — at 320 CSS pixels (a phone, or 1280 pixels at 400% zoom). Each page
// must pass axe-core's WCAG 2.0 and 2.1 A and AA rules, and must not scroll sideways (WCAG
// 1.4.10): only a code block or a table may, on its own, and then it takes the keyboard
// focus (axe's scrollable-region-focusable) and, like every region that takes the focus,
// has a name, in the page's language for code blocks. Feeds and open data are not pages and are not
// opened. One tab walks every page in order, so the run is deterministic and costs one
// page load each; the failures are reported by rule, with the pages that break it.
func TestEveryDemoPagePassesAxeAndReflowsAt320px(t *testing.T) {
	axe := needChromiumAxeAndGit(t)
	out := buildDemoHistory(t)
	paths := htmlPages(t, out)
	for _, want := range []string{"/", "/en/", "/plan/versions/", "/search/", "/en/monitoring/",
		// The community: its participants, a proposal of theirs past its threshold, the
		// moderation decisions.
		"/participants/", "/participants/chiara_ferretti/", "/participants/comitato_santa_croce/", "/en/participants/itc_tricolore/",
		"/proposals/facilitazione-biblioteche/", "/en/proposals/facilitazione-biblioteche/", "/moderation/", "/en/moderation/"} {
		if !slices.Contains(paths, want) {
			t.Fatalf("the demo has no page %s among its %d pages", want, len(paths))
		}
	}
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	p := servePortal(t, h, axe)
	ctx, cancel := chromedp.NewContext(p.browser)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 640)); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}

	type widths struct {
		Scroll, Client int
		Wide           []string
	}
	var (
		broken    = map[string][]string{} // by axe rule: "page: elements"
		help      = map[string]string{}
		wide      []string
		regions   int // code blocks and tables that scroll on their own, seen
		unnamed   []string
		codeNames = map[bool]map[string]bool{false: {}, true: {}} // by English page
		start     = time.Now()
	)
	for _, path := range paths {
		resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.base+path))
		if err != nil {
			t.Fatalf("loading %s: %v", path, err)
		}
		if resp.Status != 200 {
			t.Errorf("%s: status %d", path, resp.Status)
			continue
		}
		vs, _ := p.axe(t, ctx, wcag21AA)
		for _, v := range vs {
			help[v.ID] = fmt.Sprintf("(%s) %s\n    %s", v.Impact, v.Help, v.URL)
			var targets []string
			for _, n := range v.Nodes[:min(3, len(v.Nodes))] {
				targets = append(targets, strings.Join(n.Target, " "))
			}
			broken[v.ID] = append(broken[v.ID], fmt.Sprintf("%s: %d elements, e.g. %s", path, len(v.Nodes), strings.Join(targets, ", ")))
		}
		w := eval[widths](t, ctx, reflowJS)
		if w.Scroll > w.Client+1 {
			wide = append(wide, fmt.Sprintf("%s is %dpx wide:\n    %s", path, w.Scroll, strings.Join(w.Wide, "\n    ")))
		}
		regions += eval[int](t, ctx, `[...document.querySelectorAll('.table-wrap, pre')].filter(e => e.scrollWidth > e.clientWidth).length`)
		// A region that takes the focus is announced by its name: one that has none, or
		// names an element the page lacks, is heard as a bare "region".
		for _, r := range eval[[]region](t, ctx, regionsJS) {
			if r.Name == "" {
				unnamed = append(unnamed, path+": "+r.Desc)
			}
			if r.Code {
				codeNames[strings.HasPrefix(path, "/en/")][r.Name] = true
			}
		}
	}
	for _, u := range unnamed[:min(10, len(unnamed))] {
		t.Errorf("a focusable region has no name: %s", u)
	}
	// Code blocks are named in the page's language, whatever the language of their text.
	if it, en := codeNames[false], codeNames[true]; len(it) != 1 || !it["Codice"] || len(en) != 1 || !en["Code"] {
		t.Errorf("code blocks are named %v on Italian pages and %v on English ones, want Codice and Code", it, en)
	}
	t.Logf("%d pages checked in %s; %d code blocks and tables scroll on their own at 320px", len(paths), time.Since(start).Round(time.Second), regions)
	if regions == 0 {
		t.Error("no code block or table is wider than 320px: the check of scrolling regions is blind")
	}
	rules := make([]string, 0, len(broken))
	for id := range broken {
		rules = append(rules, id)
	}
	sort.Strings(rules)
	for _, id := range rules {
		pages := broken[id]
		more := ""
		if len(pages) > 10 {
			more = fmt.Sprintf("\n  … and %d more pages", len(pages)-10)
		}
		t.Errorf("axe %s %s\n  on %d pages:\n  %s%s", id, help[id], len(pages), strings.Join(pages[:min(10, len(pages))], "\n  "), more)
	}
	for _, w := range wide[:min(10, len(wide))] {
		t.Errorf("at 320px %s", w)
	}
	if len(wide) > 10 {
		t.Errorf("… and %d more pages scroll sideways at 320px", len(wide)-10)
	}
}

// region is an element with role="region" and its accessible name as a screen reader
// computes it from aria-labelledby or aria-label; Code says whether it is a code block.
type region struct {
	Desc string `json:"desc"`
	Name string `json:"name"`
	Code bool   `json:"code"`
}

// regionsJS lists the page's regions that take the keyboard focus.
const regionsJS = `[...document.querySelectorAll('[role=region][tabindex="0"]')].map(e => ({
	desc: ` + describeJS + `(e),
	name: (e.getAttribute('aria-labelledby') ?
		e.getAttribute('aria-labelledby').split(/\s+/).map(id => (document.getElementById(id) || {}).textContent || '').join(' ') :
		e.getAttribute('aria-label') || '').trim(),
	code: e.tagName === 'PRE'}))`

// htmlPages lists the site path of every HTML page under out, sorted: a folder's
// index.html as the folder, with a slash at the end. The 404 page is checked by the
// theme's test, where it is served with its status.
func htmlPages(t *testing.T, out string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(d.Name(), ".html") {
			return err
		}
		rel, err := filepath.Rel(out, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == "404.html":
		case d.Name() == "index.html":
			paths = append(paths, "/"+strings.TrimSuffix(rel, "index.html"))
		default:
			paths = append(paths, "/"+rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatalf("no HTML page under %s", out)
	}
	sort.Strings(paths)
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
	return paths
}
