package generator_test

import (
	"fmt"
	"html"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/synth"
)

// realPlanOptions are the corpus's options: the whole corpus.
func realPlanOptions() synth.RealPlanOptions {
	return synth.RealPlanOptions{Seed: 1}
}

// writeRealPlan writes the real-plan corpus's repository into dir.
func writeRealPlan(tb testing.TB, dir string) {
	tb.Helper()
	err := synth.RealPlanRepository(realPlanOptions(), synth.WriteTo(dir))
	if err != nil {
		tb.Fatal(err)
	}
}

// withAgIDReference gives the corpus in dir its AgID reference: an edition of AgID's plan
// of the real size in a repository of its own, read by an agid-plan source, that has
// every AgID code the corpus's objectives name.
func withAgIDReference(tb testing.TB, dir string) {
	tb.Helper()
	// beside dir, so that it lives as long as the corpus (benchmarks keep it across runs)
	repo := filepath.Join(filepath.Dir(dir), filepath.Base(dir)+"-agid")
	if err := os.RemoveAll(repo); err != nil {
		tb.Fatal(err)
	}
	sourceRepoIn(tb, repo, synth.NewRealPlan(realPlanOptions()).AgIDReference())
	cfg, err := os.ReadFile(filepath.Join(dir, "pspm.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	write(tb, dir, "pspm.yaml", string(cfg)+"\nsources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    kind: agid-plan\n")
}

// checkRealPlanDiagnostics fails on any diagnostic: the real-plan corpus is written in the
// whole content format and should build without an error or a warning.
func checkRealPlanDiagnostics(tb testing.TB, ds diag.List) {
	tb.Helper()
	if len(ds) > 0 {
		lines := strings.Split(strings.TrimSpace(ds.Format()), "\n")
		tb.Fatalf("the real-plan corpus gives %d diagnostics, and should give none:\n%s", len(ds), strings.Join(lines[:min(len(lines), 30)], "\n"))
	}
}

// buildRealPlan builds the real-plan corpus with its AgID reference into memory, and
// fails on any diagnostic.
func buildRealPlan(t *testing.T) (*generator.Result, *output.Mem) {
	t.Helper()
	dir := t.TempDir()
	writeRealPlan(t, dir)
	withAgIDReference(t, dir)
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("the real-plan corpus does not build: %v\n%s", err, res.Diagnostics.Format())
	}
	checkRealPlanDiagnostics(t, res.Diagnostics)
	return res, out
}

// TestRealPlanEveryLinkResolves follows every link of every page of the real-plan
// corpus's build that stays on the site: the file it names is in the output, and the
// element its fragment names is on that page. Plans laid out in parts move items off
// the page of their version; a link to "/plan/<version>/#action-x" would then land on
// the version's index and not on the action.
func TestRealPlanEveryLinkResolves(t *testing.T) {
	res, out := buildRealPlan(t)
	files := out.Files()
	base, err := url.Parse(res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	root := strings.TrimSuffix(base.Path, "/") + "/"
	ids := map[string]map[string]bool{} // the ids of each page, read once
	idsOf := func(name string) map[string]bool {
		if m, ok := ids[name]; ok {
			return m
		}
		m := map[string]bool{}
		for _, x := range idRE.FindAllSubmatch(files[name], -1) {
			m[html.UnescapeString(string(x[1]))] = true
		}
		ids[name] = m
		return m
	}
	links, broken := 0, map[string][]string{}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pageURL := base.ResolveReference(&url.URL{Path: root + name})
		for _, x := range hrefRE.FindAllSubmatch(files[name], -1) {
			u, err := pageURL.Parse(html.UnescapeString(string(x[1])))
			if err != nil {
				broken[name] = append(broken[name], string(x[1])+": "+err.Error())
				continue
			}
			if u.Scheme != "http" && u.Scheme != "https" || u.Host != base.Host || !strings.HasPrefix(u.Path, root) {
				continue // another site, mailto:, or the forge
			}
			links++
			target := strings.TrimPrefix(u.Path, root)
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			if _, ok := files[target]; !ok {
				broken[name] = append(broken[name], string(x[1])+": no such file in the output")
				continue
			}
			if u.Fragment != "" && strings.HasSuffix(target, ".html") && !idsOf(target)[u.Fragment] {
				broken[name] = append(broken[name], string(x[1])+": no element with that id on "+target)
			}
		}
	}
	t.Logf("%d links followed", links)
	n := 0
	for _, name := range slices.Sorted(maps.Keys(broken)) {
		for _, b := range broken[name] {
			if n++; n <= 30 {
				t.Errorf("%s links %s", name, b)
			}
		}
	}
	if n > 30 {
		t.Errorf("and %d more broken links", n-30)
	}
}

var (
	hrefRE = regexp.MustCompile(`\bhref="([^"]*)"`)
	idRE   = regexp.MustCompile(`\bid="([^"]*)"`)
)

// TestRealPlanEveryPageWithinBudget builds the real-plan corpus (three editions tagged in
// Git, about 300 actions each, and a draft with proposals and votes) with the whole
// pipeline, and weighs every HTML page of the output as the browser tests count the bytes
// a page transfers: the page, and the style sheets, scripts, images and icon it links.
// No page may weigh more than maxPageWeight; the heaviest are listed either way.
func TestRealPlanEveryPageWithinBudget(t *testing.T) {
	res, out := buildRealPlan(t)

	var names []string
	for _, v := range res.Site.Versions {
		if v.Plan == nil {
			t.Errorf("version %s is listed without its plan", v.Name)
		}
		names = append(names, v.Name)
	}
	if !slices.Equal(names, []string{"2025", "2024", "2022"}) {
		t.Errorf("versions %v, want 2025, 2024, 2022", names)
	}

	weights, err := pageWeights(out.Files(), res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	if len(weights) < 900 {
		t.Fatalf("only %d HTML pages in the build", len(weights))
	}
	var report strings.Builder
	for i, w := range weights[:min(20, len(weights))] {
		fmt.Fprintf(&report, "\n  %2d. %7.1f KB  %s", i+1, float64(w.bytes)/1024, w.page)
	}
	t.Logf("%d pages; the heaviest (HTML + linked CSS, scripts, images; budget %d KB):%s", len(weights), maxPageWeight/1024, report.String())

	over := overBudget(weights)
	if len(over) == 0 {
		return
	}
	var list strings.Builder
	for _, w := range over {
		fmt.Fprintf(&list, "\n  %7.1f KB  %s (HTML %.1f KB)", float64(w.bytes)/1024, w.page, float64(w.html)/1024)
	}
	msg := fmt.Sprintf("%d of %d pages are over the budget of %d KB:%s", len(over), len(weights), maxPageWeight/1024, list.String())
	t.Error(msg)
}

// maxPageWeight is the budget of one page, as generator/browser's maxPageBytes: HTML, CSS,
// scripts and images.
const maxPageWeight = 60 << 10

// pageBudgets are the pages allowed more than maxPageWeight, by path in the output, with
// the reason. The browser tests allow no page more; keep this empty unless README
// documents the exception.
var pageBudgets = map[string]int64{}

// weighedPage is what one page weighs.
type weighedPage struct {
	page        string // its file in the output, e.g. "plan/2024/changes/index.html"
	html, bytes int64  // the HTML alone, and with what it links
}

func overBudget(weights []weighedPage) []weighedPage {
	var over []weighedPage
	for _, w := range weights {
		budget := int64(maxPageWeight)
		if b, ok := pageBudgets[w.page]; ok {
			budget = b
		}
		if w.bytes > budget {
			over = append(over, w)
		}
	}
	return over
}

// assetRE finds the elements that make a browser load something when it opens a page:
// style sheets, scripts, images and the icon. Alternate links (feeds, translations) and
// the canonical link are not loaded.
var (
	assetRE = regexp.MustCompile(`<(?:link|script|img)\b[^>]*>`)
	attrRE  = regexp.MustCompile(`\b(rel|href|src)="([^"]*)"`)
)

// pageWeights weighs every HTML file of a build's output, heaviest first: its bytes and
// those of each distinct file of the site it loads (a file linked twice is transferred
// once). A linked file missing from the output is an error.
func pageWeights(files map[string][]byte, baseURL string) ([]weighedPage, error) {
	base, err := url.Parse(baseURL)
	if err != nil {
		return nil, err
	}
	root := strings.TrimSuffix(base.Path, "/") + "/"
	var out []weighedPage
	for name, data := range files {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		pageURL := base.ResolveReference(&url.URL{Path: root + name})
		w := weighedPage{page: name, html: int64(len(data)), bytes: int64(len(data))}
		seen := map[string]bool{}
		for _, tag := range assetRE.FindAll(data, -1) {
			attrs := map[string]string{}
			for _, m := range attrRE.FindAllSubmatch(tag, -1) {
				attrs[string(m[1])] = string(m[2])
			}
			ref := attrs["src"]
			if strings.HasPrefix(string(tag), "<link") {
				if rel := attrs["rel"]; rel != "stylesheet" && rel != "icon" {
					continue
				}
				ref = attrs["href"]
			}
			if ref == "" || strings.HasPrefix(ref, "data:") {
				continue
			}
			u, err := pageURL.Parse(ref)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: %v", name, ref, err)
			}
			if u.Host != base.Host || !strings.HasPrefix(u.Path, root) {
				return nil, fmt.Errorf("%s loads %s, outside the site", name, ref)
			}
			file := strings.TrimPrefix(u.Path, root)
			if seen[file] {
				continue
			}
			seen[file] = true
			asset, ok := files[file]
			if !ok {
				return nil, fmt.Errorf("%s loads %s, which is not in the output", name, ref)
			}
			w.bytes += int64(len(asset))
		}
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].bytes != out[j].bytes {
			return out[i].bytes > out[j].bytes
		}
		return out[i].page < out[j].page
	})
	return out, nil
}

func TestPageWeightCountsWhatTheBrowserLoadsOnce(t *testing.T) {
	files := map[string][]byte{
		"a/index.html": []byte(`<html><head><link rel="stylesheet" href="/site/css/x.css"><link rel="canonical" href="https://example.org/site/a/">` +
			`<link rel="alternate" hreflang="en" href="/site/en/a/"><link rel="icon" href="../favicon.svg"></head>` +
			`<body><img src="/site/img/logo.svg" alt=""><img src="/site/img/logo.svg" alt=""><script src="/site/js/s.js" defer></script></body></html>`),
		"css/x.css":    make([]byte, 1000),
		"favicon.svg":  make([]byte, 100),
		"img/logo.svg": make([]byte, 10),
		"js/s.js":      make([]byte, 60<<10),
		"en/a.xml":     make([]byte, 1<<20),
	}
	ws, err := pageWeights(files, "https://example.org/site/")
	if err != nil {
		t.Fatal(err)
	}
	want := int64(len(files["a/index.html"])) + 1000 + 100 + 10 + 60<<10
	if len(ws) != 1 || ws[0].bytes != want {
		t.Fatalf("weights %+v, want one page of %d bytes", ws, want)
	}
	if over := overBudget(ws); len(over) != 1 {
		t.Errorf("a page of %d bytes is not over the budget of %d", want, maxPageWeight)
	}

	files["a/index.html"] = append(files["a/index.html"], `<script src="/site/js/missing.js"></script>`...)
	if _, err := pageWeights(files, "https://example.org/site/"); err == nil || !strings.Contains(err.Error(), "missing.js") {
		t.Errorf("a page loading a missing file: %v", err)
	}
	files["a/index.html"] = []byte(`<script src="https://cdn.example.com/x.js"></script>`)
	if _, err := pageWeights(files, "https://example.org/site/"); err == nil {
		t.Error("a page loading a script from another host is not reported")
	}
}
