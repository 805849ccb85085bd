package generator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/output"
)

// lineageRepo is a repository whose plan went through three tagged versions, as AgID's
// plan does between editions:
//
//	plan/2024  la01 (CAP1.LA01, due 2024-12-31), la02, la03
//	plan/2025  la01 renumbered as pa-la07 (CAP1.PA.LA07, due 2025-06-30);
//	           la02 and la03 merged into la23
//	plan/2026  la23 split into la23a and la23b
//
// and the draft rewords pa-la07's title.
func lineageRepo(t *testing.T) *gitRepo {
	t.Helper()
	g := newGitRepo(t, "none", "")
	action := func(id, code, title, due, status, extra string) {
		g.write("content/plan/actions/"+id+".md", "---\ntitle: "+title+"\ncode: "+code+"\nobjective: o1\nowner: m_ef\nstatus: "+status+
			"\ndue: "+due+"\n"+extra+"---\nLe amministrazioni [migrano](https://example.org/a) i servizi.\n")
	}
	action("la01", "CAP1.LA01", "Migrare i servizi", "2024-12-31", "planned", "")
	action("la02", "CAP1.LA02", "Pagamenti con pagoPA", "2024-12-31", "planned", "")
	action("la03", "CAP1.LA03", "Notifiche con IO", "2024-12-31", "planned", "")
	g.commitAll("2024-01-10T09:00:00Z", anna, "Edizione 2024")
	g.tag("2024-01-15T12:00:00Z", "plan/2024", "HEAD", "Edizione 2024", "")

	g.remove("content/plan/actions/la01.md")
	action("pa-la07", "CAP1.PA.LA07", "Migrare i servizi", "2025-06-30", "in-progress", "replaces: [la01]\n")
	g.remove("content/plan/actions/la02.md")
	g.remove("content/plan/actions/la03.md")
	action("la23", "CAP1.PA.LA23", "Pagamenti e notifiche", "2025-12-31", "planned", "replaces: [la02, la03]\n")
	g.commitAll("2025-01-10T09:00:00Z", anna, "Edizione 2025")
	g.tag("2025-01-15T12:00:00Z", "plan/2025", "HEAD", "Edizione 2025", "")

	g.remove("content/plan/actions/la23.md")
	action("la23a", "CAP1.PA.LA23", "Pagamenti con pagoPA", "2026-06-30", "planned", "replaces: [la23]\n")
	action("la23b", "CAP1.PA.LA24", "Notifiche con IO", "2026-06-30", "planned", "replaces: [la23]\n")
	g.commitAll("2026-01-10T09:00:00Z", anna, "Edizione 2026")
	g.tag("2026-01-15T12:00:00Z", "plan/2026", "HEAD", "Edizione 2026", "")

	action("pa-la07", "CAP1.PA.LA07", "Migrare i servizi al cloud", "2025-06-30", "in-progress", "replaces: [la01]\n")
	g.commitAll("2026-02-01T09:00:00Z", anna, "Bozza")
	return g
}

// historyOf returns the section id="history" of a page, failing when it has none.
func historyOf(t *testing.T, out *output.Mem, name string) string {
	t.Helper()
	p := page(t, out, name)
	i := strings.Index(p, `<section id="history"`)
	if i < 0 {
		t.Fatalf("%s has no history section", name)
	}
	j := strings.Index(p[i:], "</section>")
	return p[i : i+j]
}

func TestRenumberedActionShowsItsHistoryAcrossVersions(t *testing.T) {
	_, _, out := lineageRepo(t).build()
	h := historyOf(t, out, "plan/actions/pa-la07/index.html")
	for _, want := range []string{
		`<a href="/plan/2024/">2024</a>`, "CAP1.LA01", "rinumerata come CAP1.PA.LA07 nella versione 2025",
		`<a href="/plan/2026/">2026</a>`, "CAP1.PA.LA07", "31 dicembre 2024", "30 giugno 2025",
		"Migrare i servizi al cloud", `aria-current="true"`, "Ministero dell&#39;Economia e delle Finanze",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("history of pa-la07 lacks %q:\n%s", want, h)
		}
	}
	if strings.Contains(h, "la02") {
		t.Errorf("history of pa-la07 shows an item it does not continue:\n%s", h)
	}
}

func TestSplitActionShowsTheMergeAndTheSplitItComesFrom(t *testing.T) {
	_, _, out := lineageRepo(t).build()
	h := historyOf(t, out, "plan/actions/la23b/index.html")
	for _, want := range []string{
		"CAP1.LA02", "CAP1.LA03", "unita in CAP1.PA.LA23 nella versione 2025",
		"divisa in CAP1.PA.LA23, CAP1.PA.LA24 nella versione 2026",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("history of la23b lacks %q:\n%s", want, h)
		}
	}
	// An action new in the draft has no history before it: each version says so.
	if h := historyOf(t, out, "plan/actions/la23a/index.html"); !strings.Contains(h, "CAP1.PA.LA23") {
		t.Errorf("history of la23a lacks the item it splits:\n%s", h)
	}
}

func TestChangesSayRenumberedMergedAndSplitNotRemovedAndAdded(t *testing.T) {
	_, _, out := lineageRepo(t).build()
	type change struct {
		ID      string   `json:"id"`
		Change  string   `json:"change"`
		FromIDs []string `json:"from_ids"`
		ToIDs   []string `json:"to_ids"`
	}
	read := func(version string) map[string]change {
		var c struct {
			Actions []change       `json:"actions"`
			Counts  map[string]int `json:"counts"`
		}
		if err := json.Unmarshal(out.Files()["api/v1/plan/"+version+"/changes.json"], &c); err != nil {
			t.Fatal(err)
		}
		m := map[string]change{}
		for _, a := range c.Actions {
			m[a.ID] = a
		}
		if c.Counts["removed"] != 0 || c.Counts["added"] != 0 {
			t.Errorf("%s: counts %v; want nothing added or removed", version, c.Counts)
		}
		return m
	}
	c25 := read("2025")
	if got := c25["pa-la07"]; got.Change != "renumbered" || strings.Join(got.FromIDs, " ") != "la01" {
		t.Errorf("2025: pa-la07 is %+v; want renumbered from la01", got)
	}
	if got := c25["la23"]; got.Change != "merged" || strings.Join(got.FromIDs, " ") != "la02 la03" {
		t.Errorf("2025: la23 is %+v; want merged from la02 and la03", got)
	}
	if len(c25) != 2 {
		t.Errorf("2025: changes %v; want only pa-la07 and la23", c25)
	}
	c26 := read("2026")
	for _, id := range []string{"la23a", "la23b"} {
		if got := c26[id]; got.Change != "split" || strings.Join(got.ToIDs, " ") != "la23a la23b" {
			t.Errorf("2026: %s is %+v; want split from la23 into la23a and la23b", id, got)
		}
	}
	html := page(t, out, "plan/2025/changes/index.html")
	for _, want := range []string{"rinumerato", "unito", "Prima era:", `<a href="/plan/2024/#action-la01">CAP1.LA01 Migrare i servizi (la01)</a>`, "Unisce:"} {
		if !strings.Contains(html, want) {
			t.Errorf("/plan/2025/changes/ lacks %q", want)
		}
	}
	if strings.Contains(html, `class="change change-removed"`) {
		t.Errorf("/plan/2025/changes/ lists a removed item")
	}
	// In English, the texts compared are the Italian ones: marked, and announced.
	en := page(t, out, "en/plan/2025/changes/index.html")
	for _, want := range []string{`class="notice"`, `<a href="/en/plan/actions/pa-la07/" lang="it">Migrare i servizi</a>`, `class="text-diff" lang="it"`, "renumbered"} {
		if !strings.Contains(en, want) {
			t.Errorf("/en/plan/2025/changes/ lacks %q", want)
		}
	}
}

func TestReplacesNamingNoEarlierItemIsWarnedWithASuggestion(t *testing.T) {
	g := lineageRepo(t)
	g.write("content/plan/actions/pa-la08.md", "---\ntitle: Nuova\nobjective: o1\nreplaces: [la0l, pa-la08]\n---\n")
	g.commitAll("2026-02-02T09:00:00Z", anna, "Un errore")
	_, res, _ := g.build()
	d := res.Diagnostics.Format()
	for _, want := range []string{
		`content/plan/actions/pa-la08.md:4:12: warning: replaces: "la0l" is not an item of plan/actions in any version of the plan: name the id the item had in an earlier version; did you mean "la01"?`,
		`content/plan/actions/pa-la08.md:4:18: warning: pa-la08 replaces itself`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
}

func TestHistorySaysWhatTheDraftDidToAnApprovedItem(t *testing.T) {
	g := lineageRepo(t)
	g.remove("content/plan/actions/la23a.md")
	g.write("content/plan/actions/la23c.md", "---\ntitle: Pagamenti con pagoPA\ncode: CAP1.PA.LA25\nobjective: o1\nreplaces: [la23a]\n---\n")
	g.commitAll("2026-02-02T09:00:00Z", anna, "Rinumerata nella bozza")
	_, _, out := g.build()
	h := historyOf(t, out, "plan/actions/la23c/index.html")
	if !strings.Contains(h, "rinumerata come CAP1.PA.LA25 nella bozza") || strings.Contains(h, "EXTRA") {
		t.Errorf("history of la23c does not say la23a was renumbered in the draft:\n%s", h)
	}
	if d := page(t, out, "plan/draft/changes/index.html"); !strings.Contains(d, "rinumerato") {
		t.Errorf("the draft's changes do not say la23a was renumbered")
	}
}

// A result renumbered between two editions, as AgID renumbers its expected results:
// the changes say renumbered, link where it was on the old version's page (an anchor
// that page has), and the result's page has its history.
func TestRenumberedResultShowsRenumberedAndItsHistory(t *testing.T) {
	g := newGitRepo(t, "none", "")
	result := func(id, code, title, extra string) {
		g.write("content/plan/results/"+id+".md", "---\ntitle: "+title+"\ncode: "+code+"\nobjective: o1\nowner: m_ef\n"+extra+
			"indicators:\n  - name: Comuni su PDND\n    unit: \"%\"\n    baseline: 10\n    targets:\n      - {year: 2024, value: 20}\n      - {year: 2025, value: 40}\n---\nPiù comuni sulla piattaforma.\n")
	}
	result("r-a-1-1-1", "R.A.1.1.1", "Comuni sulla piattaforma dati", "")
	g.commitAll("2024-01-10T09:00:00Z", anna, "Edizione 2024")
	g.tag("2024-01-15T12:00:00Z", "plan/2024", "HEAD", "Edizione 2024", "")
	g.remove("content/plan/results/r-a-1-1-1.md")
	result("r-a-1-2-1", "R.A.1.2.1", "Comuni sulla piattaforma dati", "replaces: [r-a-1-1-1]\n")
	g.commitAll("2025-01-10T09:00:00Z", anna, "Edizione 2025")
	g.tag("2025-01-15T12:00:00Z", "plan/2025", "HEAD", "Edizione 2025", "")
	_, _, out := g.build()

	var c struct {
		Results []struct {
			ID      string   `json:"id"`
			Change  string   `json:"change"`
			FromIDs []string `json:"from_ids"`
		} `json:"results"`
		Counts map[string]int `json:"counts"`
	}
	if err := json.Unmarshal(out.Files()["api/v1/plan/2025/changes.json"], &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Results) != 1 || c.Results[0].ID != "r-a-1-2-1" || c.Results[0].Change != "renumbered" || strings.Join(c.Results[0].FromIDs, " ") != "r-a-1-1-1" {
		t.Errorf("changes.json of 2025 has results %+v; want r-a-1-2-1 renumbered from r-a-1-1-1", c.Results)
	}
	if c.Counts["removed"] != 0 || c.Counts["added"] != 0 || c.Counts["renumbered"] != 1 {
		t.Errorf("counts %v; want one renumbered, nothing added or removed", c.Counts)
	}
	html := page(t, out, "plan/2025/changes/index.html")
	for _, want := range []string{"Risultati attesi", "rinumerato", `<a href="/plan/2024/#result-r-a-1-1-1">R.A.1.1.1 Comuni sulla piattaforma dati (r-a-1-1-1)</a>`} {
		if !strings.Contains(html, want) {
			t.Errorf("/plan/2025/changes/ lacks %q", want)
		}
	}
	if old := page(t, out, "plan/2024/index.html"); !strings.Contains(old, `id="result-r-a-1-1-1"`) {
		t.Errorf("/plan/2024/ has no anchor result-r-a-1-1-1 for the links to the result as it was")
	}
	if cur := page(t, out, "plan/2025/index.html"); !strings.Contains(cur, `<a href="/plan/results/r-a-1-2-1/">Comuni sulla piattaforma dati</a>`) {
		t.Errorf("/plan/2025/ does not list the result under its objective")
	}
	h := historyOf(t, out, "plan/results/r-a-1-2-1/index.html")
	for _, want := range []string{`<a href="/plan/2024/">2024</a>`, "R.A.1.1.1", "R.A.1.2.1", "nella versione 2025", `aria-current="true"`} {
		if !strings.Contains(h, want) {
			t.Errorf("history of r-a-1-2-1 lacks %q:\n%s", want, h)
		}
	}
}
