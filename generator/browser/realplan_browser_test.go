package browser_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/serve"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/synth"
)

// TestRealPlanPagesInHeadlessChromium builds the real-plan corpus (three editions of
// AgID's plan tagged in Git, about 300 actions each, renumbered between editions, with
// expected results, co-owners and addressees) with its AgID reference, and drives a real
// headless Chromium over the pages that only a plan of that size and shape has: every
// part of the changes of the most changed edition and its summary, every part of the
// monitoring, every page of the busiest body's tables, expected results, the history of
// renumbered, merged and split actions, AgID's index and objectives, and the plan's
// goal parts. Each passes axe-core (WCAG 2.1 AA), heading order, no request leaving
// the site and the page budget at a phone's width; the summaries and first parts at a
// desktop's too.
func TestRealPlanPagesInHeadlessChromium(t *testing.T) {
	axe := needChromiumAxeAndGit(t)

	plan := synth.NewRealPlan(synth.RealPlanOptions{Seed: 1})
	ref := t.TempDir()
	writeFiles(t, ref, plan.AgIDReference())
	gitCommitAll(t, ref, "Piano triennale 2024-2026")
	dir := t.TempDir()
	err := synth.RealPlanRepository(synth.RealPlanOptions{Seed: 1}, synth.WriteTo(dir))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "pspm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg = append(cfg, "\nsources:\n  - url: file://"+filepath.ToSlash(ref)+"\n    kind: agid-plan\n"...)
	if err := os.WriteFile(filepath.Join(dir, "pspm.yaml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("the real-plan corpus does not build: %v\n%s", err, res.Diagnostics.Format())
	}
	if res.Site.AgID == nil || len(res.Site.Versions) != 3 {
		t.Fatalf("the corpus has %d versions and reference %v:\n%s", len(res.Site.Versions), res.Site.AgID != nil, res.Diagnostics.Format())
	}

	// The corpus is published under a path, as on a forge's pages: served there.
	base, err := url.Parse(res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	prefix := strings.TrimSuffix(base.Path, "/")
	pages, desktop := realPlanPages(t, res.Site, out, prefix)
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", http.StripPrefix(prefix, h))
	p := servePortal(t, mux, axe)
	t.Logf("%d pages at a phone's width, %d of them at a desktop's too", len(pages), len(desktop))
	vps := viewports()
	for _, pg := range pages {
		for _, vp := range vps {
			if !vp.mobile && !desktop[pg.path] {
				continue
			}
			t.Run(pg.name+"/"+vp.name, func(t *testing.T) { p.checkPage(t, pg, vp) })
		}
	}

	// What the pages are for shows where a reader looks for it.
	ctx, _, _ := p.tab(t, vps[0], prefix+"/plan/2024/changes/")
	if text := eval[string](t, ctx, `document.body.innerText`); !strings.Contains(strings.ToLower(text), "rinumerat") {
		t.Error("the summary of the changes of 2024 does not say that actions were renumbered")
	}
}

// realPlanPages lists the pages TestRealPlanPagesInHeadlessChromium drives, from the
// build's output and model: every page under the folders that split a large list into
// parts, and samples of the pages of each item that shows the plan's new shape. desktop
// names those checked at a desktop's width too.
func realPlanPages(t *testing.T, s *site.Site, out, prefix string) ([]page, map[string]bool) {
	t.Helper()
	var pages []page
	desktop := map[string]bool{}
	seen := map[string]bool{}
	add := func(name, path string, wide bool) {
		if seen[path] {
			return
		}
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(strings.Trim(path, "/")), "index.html")); err != nil {
			t.Errorf("the build has no page %s", path)
			return
		}
		seen[path] = true
		lang := "it"
		if strings.HasPrefix(path, "/en/") {
			lang = "en"
		}
		pages = append(pages, page{name: name, path: prefix + path, lang: lang, status: 200})
		if wide {
			desktop[prefix+path] = true
		}
	}
	// every page under a folder: its index first, checked at both widths
	under := func(name, folder string, limit int) {
		var paths []string
		root := filepath.Join(out, filepath.FromSlash(strings.Trim(folder, "/")))
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == "index.html" {
				rel, _ := filepath.Rel(out, filepath.Dir(p))
				paths = append(paths, "/"+filepath.ToSlash(rel)+"/")
			}
			return nil
		})
		sort.Strings(paths)
		if len(paths) < 2 {
			t.Errorf("%s has %d pages: the corpus should need parts there", folder, len(paths))
		}
		for i, path := range paths[:min(limit, len(paths))] {
			add(strings.TrimSuffix(name+"-"+strings.ReplaceAll(strings.TrimPrefix(path, folder), "/", "-"), "-"), path, i < 2)
		}
	}
	under("changes-2024", "/plan/2024/changes/", 1000)
	under("monitoring", "/monitoring/", 1000)
	under("body-agid", "/bodies/agid/", 1000)
	under("plan-2024", "/plan/2024/", 6)
	under("agid", "/agid/", 6)
	add("en-changes-2024", "/en/plan/2024/changes/", true)
	add("en-agid-largest", "/en/agid/OB.1.1/", true)
	add("agid-largest", "/agid/OB.1.1/", true)
	add("plan", "/plan/", true)

	for i, r := range s.Results[:min(3, len(s.Results))] {
		add("result-"+r.ID, r.URL(), i == 0)
	}
	// actions whose history is long: renumbered, merged from several, split
	var renumbered, merged []*site.Action
	for _, a := range s.Actions {
		switch {
		case len(a.Replaces) == 1:
			renumbered = append(renumbered, a)
		case len(a.Replaces) > 1:
			merged = append(merged, a)
		}
	}
	if len(renumbered) == 0 || len(merged) == 0 {
		t.Errorf("the draft has %d renumbered and %d merged actions", len(renumbered), len(merged))
	}
	for i, a := range slices.Concat(renumbered[:min(2, len(renumbered))], merged[:min(2, len(merged))]) {
		add("history-"+a.ID, a.URL(), i == 0)
	}
	return pages, desktop
}

// writeFiles writes files (slash-separated paths) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// gitCommitAll makes dir a repository with one commit of everything in it.
func gitCommitAll(t *testing.T, dir, message string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", message}} {
		cmd := exec.Command("git", append([]string{"-c", "user.name=AgID", "-c", "user.email=piano@agid.example.org", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// needChromiumAxeAndGit skips the test without Chromium, axe-core or git (or in -short
// mode), and returns axe-core's script.
func needChromiumAxeAndGit(t *testing.T) []byte {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skip("chromium not found at /usr/bin/chromium (apt-get install chromium); browser tests skipped")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	axe, err := os.ReadFile(filepath.Join(moduleRoot(t), ".ci", "browser", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Skipf("axe-core not found (npm ci in .ci/browser); browser tests skipped")
	}
	return axe
}

// servePortal serves h on loopback and starts a Chromium that reaches nothing else: the
// portal the checks drive, its screenshots in the system's temporary folder.
func servePortal(t *testing.T, h http.Handler, axe []byte) *portal {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(u.Hostname())...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatal(err)
	}
	shots := filepath.Join(os.TempDir(), "pspm-screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return &portal{base: srv.URL, host: u.Host, browser: browser, axeJS: string(axe), shots: shots}
}
