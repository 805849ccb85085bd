package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/serve"
)

// The demo's plan, as its repository tags and edits it in versionedDemo.
const (
	// progressed is the action whose progress goes 60 → 70 (plan/2025.2) → 75 (draft), and
	// whose text is reworded in plan/2025.2.
	progressed = "design-system-servizi"
	// restated changes status and progress in plan/2025.2, and its title gains accents.
	restated = "dataset-alto-valore"
	// moved goes from objective sicurezza-informatica to competenze-digitali in plan/2025.2.
	moved = "formazione-phishing"
	// removed is dropped in plan/2025.2: no proposal targets it or is taken up by it.
	removed = "ia-classificazione-documenti"
	// added is new in plan/2025.2.
	added = "accessibilita-app-io"
)

// TestPlanVersionPagesInHeadlessChromium drives a real headless Chromium over the pages of
// plan versions: the demo in a Git repository with two approved versions (tags plan/2025.1
// and plan/2025.2) and a draft. Every such page passes axe-core at a phone and a desktop
// viewport within the page budget and reflows at 320px; what changed is readable without
// colour and announced to screen readers; an action's progress chart has a name and a table.
func TestPlanVersionPagesInHeadlessChromium(t *testing.T) {
	// start skips as the theme's test does, and starts a Chromium that resolves no host
	// but loopback: it also builds and serves the demo, which this test leaves aside for
	// its own server on another port of 127.0.0.1.
	p := start(t)
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed; browser tests of plan versions skipped")
	}
	dir := versionedDemo(t)
	base := serveVersioned(t, dir)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	v := *p
	v.base, v.host = base, u.Host
	v.pages = []page{
		{"v-plan", "/plan/", "it", 200, 0},
		// The page of a version is its archive: every action as approved, its text in a
		// closed <details>. It may weigh twice a page read on a phone.
		{"v-plan-2025.1", "/plan/2025.1/", "it", 200, 2 * maxPageBytes},
		{"v-changes-2025.2", "/plan/2025.2/changes/", "it", 200, 0},
		{"v-changes-draft", "/plan/draft/changes/", "it", 200, 0},
		{"v-versions", "/plan/versions/", "it", 200, 0},
		{"v-monitoring", "/monitoring/", "it", 200, 0},
		// The versioned demo's monitoring (a year of progress, with its updates) is laid
		// out in parts: /monitoring/ is the index, each goal has its page.
		{"v-monitoring-part", "/monitoring/servizi-digitali/", "it", 200, 0},
		{"v-monitoring-part-en", "/en/monitoring/servizi-digitali/", "en", 200, 0},
		{"v-action", "/plan/actions/" + progressed + "/", "it", 200, 0},
	}
	t.Logf("screenshots in %s", v.shots)

	var mu sync.Mutex
	weights := map[string]int64{}
	t.Run("EveryVersionPagePassesAxeHeadingsHostsAndBudget", func(t *testing.T) {
		for _, pg := range v.pages {
			for _, vp := range viewports() {
				t.Run(pg.name+"/"+vp.name, func(t *testing.T) {
					t.Parallel()
					n := v.checkPage(t, pg, vp)
					mu.Lock()
					weights[pg.name] = max(weights[pg.name], n)
					mu.Unlock()
				})
			}
		}
	})
	var report strings.Builder
	for _, pg := range v.pages {
		if n, ok := weights[pg.name]; ok {
			fmt.Fprintf(&report, "\n  %-18s %5.1f KB  %s", pg.name, float64(n)/1024, pg.path)
		}
	}
	if report.Len() > 0 {
		t.Logf("page weight (bytes transferred, budget %d KB):%s", maxPageBytes/1024, report.String())
	}

	t.Run("NoHorizontalScrollAt320px", func(t *testing.T) {
		for _, pg := range v.pages {
			t.Run(pg.name, func(t *testing.T) {
				t.Parallel()
				v.checkReflow(t, pg)
			})
		}
	})
	t.Run("ChangesAreReadableWithoutColourAndAnnounced", func(t *testing.T) {
		for _, vp := range viewports() {
			t.Run(vp.name, func(t *testing.T) { v.checkChangeMarks(t, vp, v.page(t, "v-changes-2025.2")) })
		}
	})
	t.Run("ProgressChartHasANameAndATable", func(t *testing.T) {
		for _, vp := range viewports() {
			t.Run(vp.name, func(t *testing.T) { v.checkProgressChart(t, vp, v.page(t, "v-action")) })
		}
	})
}

// versionedDemo writes the demo (writeDemo: with a forge, so that commits have links) into
// a Git repository and takes its plan through two approved versions and a draft:
//
//	plan/2025.1  the demo as it is
//	plan/2025.2  progressed 60 → 70% and reworded; restated delayed → in progress, 40 → 55%,
//	             retitled with accents; moved to another objective; removed dropped; added new
//	draft        progressed 70 → 75%
//
// It returns the repository's folder.
func versionedDemo(t *testing.T) string {
	t.Helper()
	r := &planRepo{t: t, dir: writeDemo(t), home: t.TempDir()}
	r.git("", "init", "-q", "-b", "main")
	r.commit("2025-06-30T09:00:00Z", "Il piano strategico 2025-2027")
	r.tag("2025-07-01T10:00:00Z", "plan/2025.1", "Prima versione approvata\n\nApprovata dal comitato di indirizzo.")

	act := func(id string) string { return "content/plan/actions/" + id + ".md" }
	r.edit(act(progressed), "progress: 60\n", "progress: 70\n")
	r.edit(act(progressed), "Il punteggio di\nsoddisfazione è in crescita ma ancora distante dall'obiettivo",
		"Il punteggio di\nsoddisfazione è cresciuto ed è più vicino all'obiettivo, già raggiunto")
	r.edit(act(restated), "status: delayed\nprogress: 40\n", "status: in-progress\nprogress: 55\n")
	r.edit(act(restated), `title: "Dataset di elevato valore accessibili tramite API"`,
		`title: "Dataset di elevato valore accessibili tramite API, più facili da riusare e già documentati"`)
	r.edit(act(moved), "objective: sicurezza-informatica\n", "objective: competenze-digitali\n")
	r.remove(act(removed))
	r.write(act(added), `---
title: "Accessibilità delle funzioni del Ministero sull'app IO"
objective: servizi-accessibili
owner: m_ef
status: in-progress
progress: 10
start: 2025-10-01
due: 2026-06-30
order: 4
---

Le funzioni del Ministero sull'app IO sono verificate con le persone che usano tecnologie
assistive, perché ogni avviso sia leggibile e ogni pagamento si possa completare anche
senza vedere lo schermo.
`)
	r.commit("2025-11-28T09:00:00Z", "Revisione di fine anno del piano")
	r.tag("2025-12-01T10:00:00Z", "plan/2025.2", "Seconda versione approvata\n\nAggiorna l'avanzamento, sposta la formazione sulla sicurezza tra le competenze digitali e chiude la sperimentazione di intelligenza artificiale.")

	r.edit(act(progressed), "progress: 70\n", "progress: 75\n")
	r.commit("2026-01-15T09:00:00Z", "Avanzamento del design system")
	return r.dir
}

// serveVersioned builds the site in dir with its Git history (so with its versions) and
// serves the output on loopback, as start serves the demo; it returns the server's URL.
func serveVersioned(t *testing.T, dir string) string {
	t.Helper()
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		if res != nil {
			t.Fatalf("the versioned demo does not build: %v\n%s", err, res.Diagnostics.Format())
		}
		t.Fatalf("the versioned demo does not build: %v", err)
	}
	checkVersionedOutput(t, res, out)
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // on loopback
	t.Cleanup(srv.Close)
	return srv.URL
}

// checkVersionedOutput makes sure the build has what the browser checks are about: two
// readable versions, the latest being 2025.2, and the edits of versionedDemo in the pages.
// Without it a build that ignored the tags would pass the browser checks on draft pages.
func checkVersionedOutput(t *testing.T, res *generator.Result, out string) {
	t.Helper()
	var names []string
	for _, v := range res.Site.Versions {
		if v.Plan == nil {
			t.Errorf("version %s cannot be read: %v", v.Name, v.Problems)
		}
		names = append(names, v.Name)
	}
	if got := strings.Join(names, " "); got != "2025.2 2025.1" || res.Site.Latest == nil || res.Site.Latest.Name != "2025.2" {
		t.Fatalf("versions %q; want 2025.2 (the latest) and 2025.1\n%s", got, res.Diagnostics.Format())
	}
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	changes := read("plan/2025.2/changes/index.html")
	for _, want := range []string{
		`id="added-` + added + `"`, `id="removed-` + removed + `"`, `id="moved-` + moved + `"`,
		`id="changed-` + progressed + `"`, `id="changed-` + restated + `"`,
		`<del><span class="visually-hidden">[rimosso:] </span>`, `<ins><span class="visually-hidden">[aggiunto:] </span>`, "più",
	} {
		if !strings.Contains(changes, want) {
			t.Errorf("/plan/2025.2/changes/ lacks %s", want)
		}
	}
	if draft := read("plan/draft/changes/index.html"); !strings.Contains(draft, `id="changed-`+progressed+`"`) {
		t.Errorf("/plan/draft/changes/ does not show the progress of %s changed since 2025.2", progressed)
	}
	action := read("plan/actions/" + progressed + "/index.html")
	for _, want := range []string{"<td>60%</td>", "<td>70%</td>", "<td>75%</td>", `href="https://github.com/mef/piano-strategico/commit/`} {
		if !strings.Contains(action, want) {
			t.Errorf("the progress table of %s lacks %s", progressed, want)
		}
	}
}

// planRepo is a site's Git repository made with the git CLI: fixed dates and identities,
// and no configuration but the repository's.
type planRepo struct {
	t    *testing.T
	dir  string
	home string
}

// git runs git in the repository with author and committer Giulia Ferraresi (of the plan's
// owner, m_ef) at date (or at the first commit's date when date is ""), and returns its
// output.
func (r *planRepo) git(date string, args ...string) string {
	r.t.Helper()
	if date == "" {
		date = "2025-06-30T09:00:00Z"
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "HOME="+r.home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
		"GIT_AUTHOR_NAME=Giulia Ferraresi", "GIT_AUTHOR_EMAIL=giulia.ferraresi@mef.gov.it",
		"GIT_COMMITTER_NAME=Giulia Ferraresi", "GIT_COMMITTER_EMAIL=giulia.ferraresi@mef.gov.it")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *planRepo) path(name string) string { return filepath.Join(r.dir, filepath.FromSlash(name)) }

func (r *planRepo) write(name, data string) {
	r.t.Helper()
	if err := os.WriteFile(r.path(name), []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// edit replaces old with new in the file, once; it fails when the file lacks old, so that a
// change to the demo shows here rather than as a version without the edit.
func (r *planRepo) edit(name, old, new string) {
	r.t.Helper()
	b, err := os.ReadFile(r.path(name))
	if err != nil {
		r.t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		r.t.Fatalf("%s no longer has %q: update versionedDemo to the demo", name, old)
	}
	r.write(name, strings.Replace(string(b), old, new, 1))
}

func (r *planRepo) remove(name string) {
	r.t.Helper()
	if err := os.Remove(r.path(name)); err != nil {
		r.t.Fatal(err)
	}
}

// commit commits every change at date.
func (r *planRepo) commit(date, msg string) {
	r.t.Helper()
	r.git(date, "add", "-A")
	r.git(date, "commit", "-q", "-m", msg)
}

// tag makes an annotated tag of HEAD at date, with the release note msg.
func (r *planRepo) tag(date, name, msg string) {
	r.t.Helper()
	r.git(date, "tag", "-a", "-m", msg, name, "HEAD")
}

// checkChangeMarks: on a page of changes, every <del> is struck through and every <ins>
// underlined, so that what changed does not depend on colour (WCAG 1.4.1), and a screen
// reader announces a removed or added word by its visually hidden label, [rimosso:] or
// [aggiunto:], since it does not announce <del> and <ins> by themselves.
func (p *portal) checkChangeMarks(t *testing.T, vp viewport, pg page) {
	ctx, _, _ := p.tab(t, vp, pg.path)
	type marks struct {
		Del, Ins, TextDel, TextIns int
		Plain                      []string // marks without their line
		Shown                      []string // hidden labels that take room on screen
	}
	m := eval[marks](t, ctx, `(() => {
		const m = {Del: 0, Ins: 0, TextDel: 0, TextIns: 0, Plain: [], Shown: []};
		for (const e of document.querySelectorAll('main del, main ins')) {
			const del = e.tagName === 'DEL', line = getComputedStyle(e).textDecorationLine;
			del ? m.Del++ : m.Ins++;
			if (!line.split(' ').includes(del ? 'line-through' : 'underline')) {
				m.Plain.push(`+describeJS+`(e) + ' text-decoration-line: ' + line);
			}
			if (!e.closest('.text-diff')) continue;
			del ? m.TextDel++ : m.TextIns++;
			const label = e.querySelector('.visually-hidden'), r = label && label.getBoundingClientRect();
			if (r && (r.width > 1 || r.height > 1)) m.Shown.push(`+describeJS+`(label) + ' ' + r.width + 'x' + r.height);
		}
		return m;
	})()`)
	if m.Del == 0 || m.Ins == 0 || m.TextDel == 0 || m.TextIns == 0 {
		t.Fatalf("%s has %d <del> and %d <ins>, of which %d and %d in a text diff; want some of each", pg.path, m.Del, m.Ins, m.TextDel, m.TextIns)
	}
	for _, e := range m.Plain {
		t.Errorf("a change is marked by colour only: %s", e)
	}
	for _, e := range m.Shown {
		t.Errorf("a label for screen readers shows on screen: %s", e)
	}
	for _, c := range []struct{ selector, label string }{
		{".text-diff del", "[rimosso:]"},
		{".text-diff ins", "[aggiunto:]"},
	} {
		role, text := axText(t, ctx, c.selector)
		if !strings.HasPrefix(text, c.label+" ") || len(text) <= len(c.label)+1 {
			t.Errorf("a screen reader reads the first %s (role %s) as %q; want %q and the words", c.selector, role, text, c.label+" …")
		}
	}
	p.shot(t, ctx, pg.name+"-marks-"+vp.name, false)
}

// checkProgressChart: on an action's page the progress chart is an image with a name, and
// a table gives its points as text, one row a point.
func (p *portal) checkProgressChart(t *testing.T, vp viewport, pg page) {
	ctx, _, _ := p.tab(t, vp, pg.path)
	const chart = "figure.progress-chart svg"
	if attr := eval[string](t, ctx, `(document.querySelector('`+chart+`') || {getAttribute: () => 'no chart'}).getAttribute('role') || ''`); attr != "img" {
		t.Errorf(`the progress chart has role=%q; want role="img"`, attr)
	}
	role, name := axName(t, ctx, chart)
	if role != "image" && role != "img" {
		t.Errorf("the progress chart has the role %q in the accessibility tree; want image", role)
	}
	if strings.TrimSpace(name) == "" {
		t.Error("the progress chart has no accessible name")
	} else {
		t.Logf("the progress chart is announced as %q", name)
	}
	type table struct {
		Rows    []string
		Headers int
		Found   bool // the chart's figure has a table
	}
	tb := eval[table](t, ctx, `(() => {
		const tb = document.querySelector('figure.progress-chart table');
		if (!tb) return {Rows: [], Headers: 0, Found: false};
		return {Rows: [...tb.querySelectorAll('tbody tr')].map(r => r.cells[1].textContent.trim()),
			Headers: tb.querySelectorAll('thead th[scope=col]').length, Found: true};
	})()`)
	if !tb.Found {
		t.Fatal("the progress chart has no table of its points")
	}
	if got := strings.Join(tb.Rows, " "); got != "60% 70% 75%" {
		t.Errorf("the table of the progress chart has the points %q; want 60%% 70%% 75%%", got)
	}
	if tb.Headers == 0 {
		t.Error("the table of the progress chart has no column headers")
	}
	p.shot(t, ctx, pg.name+"-chart-"+vp.name, false)
}

// axNode is the node of the accessibility tree of the first element matching selector.
func axNode(t *testing.T, ctx context.Context, selector string) *accessibility.Node {
	t.Helper()
	obj, err := chromedp.Run(ctx, chromedp.Evaluate[*runtime.RemoteObject](`document.querySelector(`+jsString(selector)+`)`))
	if err != nil {
		t.Fatalf("finding %s: %v", selector, err)
	}
	if obj == nil || obj.ObjectID == "" {
		t.Fatalf("the page has no %s", selector)
	}
	if _, err := chromedp.Call(ctx, accessibility.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enabling the accessibility domain: %v", err)
	}
	no := false
	res, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{ObjectID: obj.ObjectID, FetchRelatives: &no})
	if err != nil || len(res.Nodes) == 0 {
		t.Fatalf("the accessibility node of %s: %v", selector, err)
	}
	return res.Nodes[0]
}

// axName returns the role and the accessible name of the first element matching selector,
// as the browser computes them for assistive technologies.
func axName(t *testing.T, ctx context.Context, selector string) (role, name string) {
	t.Helper()
	n := axNode(t, ctx, selector)
	return axString(n.Role), axString(n.Name)
}

// axText returns the role of the first element matching selector and the text a screen
// reader reads in it: its text runs in the accessibility tree, in order and separated by a
// space, less those hidden from assistive technologies.
func axText(t *testing.T, ctx context.Context, selector string) (role, text string) {
	t.Helper()
	n := axNode(t, ctx, selector)
	var runs []string
	var walk func(n *accessibility.Node)
	walk = func(n *accessibility.Node) {
		if axString(n.Role) == "StaticText" {
			if s := strings.TrimSpace(axString(n.Name)); s != "" && !n.Ignored {
				runs = append(runs, s)
			}
			return
		}
		res, err := chromedp.Call(ctx, accessibility.GetChildAXNodes, accessibility.GetChildAXNodesParams{ID: n.NodeID})
		if err != nil {
			t.Fatalf("the accessibility tree under %s: %v", selector, err)
		}
		// The answer also lists the children of ignored children (a plain <span>), which the
		// walk reaches through them.
		for _, c := range res.Nodes {
			if c.ParentID == n.NodeID {
				walk(c)
			}
		}
	}
	walk(n)
	return axString(n.Role), strings.Join(runs, " ")
}

// axString is the string of an accessibility value, or "".
func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal(v.Value, &s); err != nil {
		return string(v.Value)
	}
	return s
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
