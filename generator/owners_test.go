package generator_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/synth"
)

// Owner lists and addressees of actions: how they are read, checked, shown and published.

// action1 is the minimal site's action a1 with the given front matter lines added.
func action1(extra string) string {
	return "-- content/plan/actions/a1.md --\n---\ntitle: Azione uno\nobjective: o1\n" + extra + "status: in-progress\nprogress: 40\n---\nTesto dell'azione.\n"
}

// regione is a third body of the minimal site: a region.
const regione = "-- content/bodies/r_080.md --\n---\nname: Regione Emilia-Romagna\nkind: region\n---\n"

// planActions reads the actions of plan.json by id.
func planActions(t *testing.T, b *sitetest.Build) map[string]map[string]any {
	t.Helper()
	var plan struct {
		Goals []struct {
			Objectives []struct {
				Actions []map[string]any `json:"actions"`
			} `json:"objectives"`
		} `json:"goals"`
	}
	if err := json.Unmarshal(b.Out.Files()["api/v1/plan.json"], &plan); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, g := range plan.Goals {
		for _, o := range g.Objectives {
			for _, a := range o.Actions {
				out[a["id"].(string)] = a
			}
		}
	}
	return out
}

func TestActionOwnerIsOneBodyOrAListWhoseFirstLeads(t *testing.T) {
	b := sitetest.Run(t, regione+action1("owner: [c_h223, m_ef, r_080]\naddressees: [municipality, r_080]\n")).OK()
	b.File("plan/actions/a1/index.html", "Responsabili",
		`<dd><a href="/bodies/c_h223/">Comune di Reggio Emilia</a> (capofila), <a href="/bodies/m_ef/">Ministero dell&#39;Economia e delle Finanze</a>, <a href="/bodies/r_080/">Regione Emilia-Romagna</a></dd>`,
		`<dt>Destinatari</dt><dd>tutti i comuni, <a href="/bodies/r_080/">Regione Emilia-Romagna</a></dd>`)
	b.File("bodies/c_h223/index.html", `id="h-owns"`, `href="/plan/actions/a1/"`, `! id="h-co-owns"`, `! id="h-addressed"`)
	b.File("bodies/m_ef/index.html", `id="h-co-owns"`, `href="/plan/actions/a1/"`, `! id="h-owns"`)
	b.File("bodies/r_080/index.html", `id="h-co-owns"`, `! id="h-addressed"`) // an owner is not also addressed
	a := planActions(t, b)["a1"]
	if a["owner"] != "c_h223" || fmt.Sprint(a["owners"]) != "[c_h223 m_ef r_080]" || fmt.Sprint(a["addressees"]) != "[municipality r_080]" {
		t.Errorf("plan.json: owner %v, owners %v, addressees %v", a["owner"], a["owners"], a["addressees"])
	}
	b.File("api/v1/plan.csv", ";owners;addressees\n", ";c_h223 | m_ef | r_080;municipality | r_080\n")
	b.File("api/v1/bodies.json", `"id":"c_h223"`, `"votes":0,"leads":1,"co_owns":0,"addressed":0,"leads_results":0,"co_owns_results":0}`, `"votes":1,"leads":0,"co_owns":1,"addressed":0,"leads_results":0,"co_owns_results":0}`)
	b.File("api/v1/bodies.csv", ";leads;co_owns;addressed;leads_results;co_owns_results\n")

	// One body, as before: a one-element list; none: the plan owner.
	b = sitetest.Run(t, action1("owner: c_h223\n")).OK()
	b.File("plan/actions/a1/index.html", "Responsabile<", "Comune di Reggio Emilia", "! (capofila)", "! Destinatari")
	if a := planActions(t, b)["a1"]; a["owner"] != "c_h223" || fmt.Sprint(a["owners"]) != "[c_h223]" || fmt.Sprint(a["addressees"]) != "[]" {
		t.Errorf("plan.json: owner %v, owners %v, addressees %v", a["owner"], a["owners"], a["addressees"])
	}
	b = sitetest.Run(t, "").OK()
	if a := planActions(t, b)["a1"]; a["owner"] != "m_ef" || fmt.Sprint(a["owners"]) != "[m_ef]" {
		t.Errorf("plan.json without owner: owner %v, owners %v", a["owner"], a["owners"])
	}
}

func TestUnknownOrRepeatedOwnerIsAnErrorAtItsPlace(t *testing.T) {
	sitetest.Run(t, action1("owner: [m_ef, c_h224]\n")).Failed().
		Diag(`content/plan/actions/a1.md:4:15: unknown body "c_h224" as owner; did you mean "c_h223"?`)
	sitetest.Run(t, action1("owner:\n  - c_h223\n  - m_ef\n  - c_h223\n")).Failed().
		Diag(`content/plan/actions/a1.md:7:5: owner: "c_h223" is listed twice; list each body once (the first leads the action, the others co-own it)`)
}

func TestAddresseesNameBodiesKindsOrAll(t *testing.T) {
	// By id: that body only.
	b := sitetest.Run(t, regione+action1("addressees: [c_h223]\n")).OK()
	b.File("bodies/c_h223/index.html", `id="h-addressed"`, `href="/plan/actions/a1/"`)
	b.File("bodies/r_080/index.html", `! href="/plan/actions/a1/"`)
	// By kind: every body of the kind.
	b = sitetest.Run(t, regione+action1("addressees: [region]\n")).OK()
	b.File("bodies/r_080/index.html", `id="h-addressed"`, `href="/plan/actions/a1/"`)
	b.File("bodies/c_h223/index.html", `! href="/plan/actions/a1/"`)
	b.File("plan/actions/a1/index.html", "<dd>tutte le regioni</dd>")
	// All: every body but its owner (m_ef, the plan owner), which has it as its own.
	b = sitetest.Run(t, regione+action1("addressees: all\n")).OK()
	b.File("bodies/r_080/index.html", `id="h-addressed"`, `href="/plan/actions/a1/"`)
	b.File("bodies/c_h223/index.html", `id="h-addressed"`, `href="/plan/actions/a1/"`)
	b.File("bodies/m_ef/index.html", `id="h-owns"`, `! id="h-addressed"`)
	b.File("plan/actions/a1/index.html", "<dd>tutti gli enti</dd>")
}

func TestUnknownAddresseeIsAnErrorWithTheNearestIdOrKind(t *testing.T) {
	sitetest.Run(t, action1("addressees: [region, municipalty]\n")).Failed().
		Diag(`content/plan/actions/a1.md:4:22: unknown addressee "municipalty"; did you mean "municipality"? (want a body id, a kind of body: ministry, region,`)
	sitetest.Run(t, action1("addressees: [c_h233]\n")).Failed().
		Diag(`unknown addressee "c_h233"; did you mean "c_h223"?`)
	sitetest.Run(t, action1("addressees: [region, region]\n")).OK().
		Diag(`content/plan/actions/a1.md:4:22: warning: addressees: "region" is listed twice`)
}

// TestAddressedBodysVotesCountAsAnyBodys: being addressed by an action gives a body no
// other weight: its vote and priority count as those of a body it is not addressed to.
func TestAddressedBodysVotesCountAsAnyBodys(t *testing.T) {
	votes := "-- content/plan/actions/a1/reactions/c_h223.yaml --\nvote: oppose\npriority: 5\n" +
		"-- content/plan/actions/a1/reactions/r_080.yaml --\nvote: support\npriority: 3\n"
	tally := func(addressees string) (map[string]any, []any) {
		b := sitetest.Run(t, regione+votes+action1(addressees)).OK()
		var vs []map[string]any
		if err := json.Unmarshal(b.Out.Files()["api/v1/votes.json"], &vs); err != nil {
			t.Fatal(err)
		}
		var counted []any
		for _, v := range vs {
			if strings.HasPrefix(v["item"].(string), "plan/actions/a1") {
				counted = append(counted, v["voter"], v["counted"], v["reason"])
			}
		}
		return planActions(t, b)["a1"]["priority"].(map[string]any), counted
	}
	for _, addressees := range []string{"addressees: [c_h223]\n", "addressees: [municipality]\n", "addressees: [all]\n", "addressees: [c_h223, r_080]\n"} {
		got, gotVotes := tally(addressees)
		want, wantVotes := tally("")
		if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotVotes) != fmt.Sprint(wantVotes) {
			t.Errorf("with %q: priority %v, votes %v; without addressees: %v, %v", addressees, got, gotVotes, want, wantVotes)
		}
		if got["count"] != float64(2) {
			t.Errorf("with %q: %v priorities counted, want 2", addressees, got["count"])
		}
	}
}

// bigBodySite is the minimal site where c_h223 leads n actions with long, AgID-like
// titles and codes, co-owns some and is addressed the rest through all, in two languages,
// and votes on the first votes of them, and comments on a fifth as many.
func bigBodySite(n, votes int) string {
	var b strings.Builder
	b.WriteString("-- pspm.yaml --\nlanguages: [it, en]\n")
	for i := range n {
		owner := "c_h223"
		switch i % 10 {
		case 7:
			owner = "[m_ef, c_h223]"
		case 8:
			owner = "m_ef\naddressees: [all]"
		}
		fmt.Fprintf(&b, "-- content/plan/actions/cap%d-la%03d.md --\n---\ntitle: \"Le PA aggiornano i propri sistemi per l'adozione della piattaforma nazionale, con l'obiettivo %d e le relative scadenze\"\ncode: CAP%d.PA.LA%03d\nobjective: o1\nowner: %s\ndue: 2026-%02d-28\nstatus: %s\n---\n",
			i%7+1, i, i, i%7+1, i, owner, i%12+1, []string{"planned", "in-progress", "done", "delayed"}[i%4])
		if i < votes {
			fmt.Fprintf(&b, "-- content/plan/actions/cap%d-la%03d/reactions/c_h223.yaml --\nvote: support\npriority: %d\n", i%7+1, i, i%5+1)
		}
		if i < votes/5 {
			fmt.Fprintf(&b, "-- content/plan/actions/cap%d-la%03d/feedback/c_h223-tempi.md --\n---\ntitle: Tempi di attuazione della linea %d\ndate: 2025-03-01\n---\nQuando?\n", i%7+1, i, i)
		}
	}
	return b.String()
}

// bodyPageWeight sums an HTML page and the stylesheets, scripts and icons it links from
// the site, as a browser would transfer them.
func bodyPageWeight(t *testing.T, files map[string][]byte, name string) int {
	t.Helper()
	html := files[name]
	n := len(html)
	for _, m := range regexp.MustCompile(`(?:<link rel="(?:stylesheet|icon)" href|<script src)="/([^"]+)"`).FindAllSubmatch(html, -1) {
		asset, ok := files[string(m[1])]
		if !ok {
			t.Errorf("%s links /%s, which the build did not write", name, m[1])
		}
		n += len(asset)
	}
	return n
}

func TestBodyPageTablesArePaginatedWithinTheBudget(t *testing.T) {
	const n = 300
	b := sitetest.Run(t, bigBodySite(n, 150)).OK()
	files := b.Out.Files()
	for _, lang := range []string{"", "en/"} {
		body := lang + "bodies/c_h223/"
		seen := map[string]int{}
		pages, votes, tables := 0, 0, 0
		for p := 1; ; p++ {
			name := body + "index.html"
			if p > 1 {
				name = fmt.Sprintf("%splan/%d/index.html", body, p)
			}
			html, ok := files[name]
			if !ok {
				break
			}
			pages++
			w := bodyPageWeight(t, files, name)
			t.Logf("%s: %d bytes with its CSS and scripts", name, w)
			if w > 60<<10 {
				t.Errorf("%s weighs %d bytes with its CSS and scripts, over the 60 KB budget", name, w)
			}
			for _, table := range regexp.MustCompile(`(?s)<table class="sortable">.*?</table>`).FindAll(html, -1) {
				for _, m := range regexp.MustCompile(`<td><a href="/(?:en/)?plan/actions/([^/]+)/">`).FindAllSubmatch(table, -1) {
					seen[string(m[1])]++
				}
			}
			votes += strings.Count(string(html), `<td><a href="/`+lang+`plan/actions/`) - strings.Count(string(html), `<tr><td><span class="code">CAP`)
			s := string(html)
			wants := []string{`<nav class="pager" aria-label=`}
			if strings.Contains(s, `<table class="sortable">`) {
				tables++
				wants = append(wants, `<th scope="col" data-sort="text">`, `<th scope="col" data-sort="value">`, "/js/sort.js", "/css/tables.css", `<span class="code">CAP`)
			}
			for _, want := range wants {
				if !strings.Contains(s, want) {
					t.Errorf("%s has no %s", name, want)
				}
			}
		}
		if votes != 150+2*30 { // each vote once, each comment twice (its item and itself)
			t.Errorf("%s: %d links to actions in the tables of votes and comments, want %d", body, votes, 150+2*30)
		}
		if tables < 3 {
			t.Errorf("%s: %d pages with tables of actions for %d actions; want them cut into pages", body, tables, n)
		}
		if len(seen) != n { // every action once (a1 is the plan owner's, and addressed to nobody)
			for i := range n {
				id := fmt.Sprintf("cap%d-la%03d", i%7+1, i)
				if seen[id] != 1 {
					t.Errorf("%s: action %s is listed %d times, want once", body, id, seen[id])
				}
			}
		}
		for id, k := range seen {
			if k != 1 {
				t.Errorf("%s: action %s is listed %d times over the pages, want once", body, id, k)
			}
		}
	}
	// The first page says where each list starts; later pages continue the tables.
	b.File("bodies/c_h223/index.html", "Azioni di cui è capofila</a> (240)", "Azioni di cui è corresponsabile</a> (30)", "Azioni rivolte all&#39;ente</a> (30)",
		`href="/bodies/c_h223/plan/2/"`, `rel="next"`)
	b.File("bodies/c_h223/plan/2/index.html", "(segue)", `rel="prev"`, "Comune di Reggio Emilia – pagina 2 di")
	b.File("en/bodies/c_h223/plan/2/index.html", "(continued)", "Actions it leads", `href="/en/bodies/c_h223/"`)
	b.File("sitemap.xml", "/bodies/c_h223/plan/2/")
	b.File("bodies/m_ef/index.html", "Azioni di cui è capofila</a> (61)", "Azioni di cui è corresponsabile (0)")
}

func TestBodyPageShowsTheLatestProposalsAndLinksThemAll(t *testing.T) {
	var b strings.Builder
	for i := range 12 {
		fmt.Fprintf(&b, "-- content/proposals/q%02d/index.md --\n---\ntitle: Proposta numero %d\nbody: c_h223\ndate: 2025-02-%02d\n---\nTesto.\n", i, i, i+1)
	}
	sitetest.Run(t, b.String()).OK().File("bodies/c_h223/index.html",
		"Proposta numero 11", "Proposta numero 7", "! Proposta numero 6<", `<a href="/proposals/body/c_h223/">Tutte le 13 proposte dell&#39;ente</a>`)
}

// TestSourceActionIsPublishedWhenTheSourcesBodyLeadsIt: a body's portal speaks for that
// body alone: its action is shown when the body leads it, co-owners named; an action the
// body only co-owns is refused and reported; and a co-owner the source names does not
// get the action on its page here.
func TestSourceActionIsPublishedWhenTheSourcesBodyLeadsIt(t *testing.T) {
	src := sourceRepo(t, map[string]string{
		"content/plan/_index.md":                "---\ntitle: Piano locale\nowner: c_h223\n---\n",
		"content/bodies/c_h223.md":              "---\nname: Comune di Reggio Emilia\nkind: municipality\n---\n",
		"content/bodies/m_ef.md":                "---\nname: MEF\nkind: ministry\n---\n",
		"content/plan/goals/g.md":               "---\ntitle: Servizi\n---\n",
		"content/plan/objectives/o.md":          "---\ntitle: Pagamenti\ngoal: g\n---\n",
		"content/plan/actions/guidata.md":       "---\ntitle: Guidata dal comune\nobjective: o\nowner: [c_h223, m_ef]\naddressees: [all]\n---\n",
		"content/plan/actions/in-appoggio.md":   "---\ntitle: Guidata dal ministero\nobjective: o\nowner: [m_ef, c_h223]\n---\n",
		"content/plan/actions/del-comune.md":    "---\ntitle: Del comune soltanto\nobjective: o\n---\n",
		"content/plan/actions/altra-regione.md": "---\ntitle: Rivolta alle regioni\nobjective: o\naddressees: [region]\n---\n",
	})
	dir := t.TempDir()
	for name, f := range sitetest.Site(sitetest.Minimal, regione+"-- pspm.yaml --\nsources:\n  - url: file://"+filepath.ToSlash(src)+"\n    body: c_h223\n") {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	files := out.Files()
	led := string(files["bodies/c_h223/plan/actions/guidata/index.html"])
	for _, want := range []string{"Guidata dal comune", "(capofila)", "Ministero dell&#39;Economia e delle Finanze", "tutti gli enti"} {
		if !strings.Contains(led, want) {
			t.Errorf("the led source action's page does not show %q", want)
		}
	}
	if _, ok := files["bodies/c_h223/plan/actions/in-appoggio/index.html"]; ok {
		t.Error("an action the source's body only co-owns is published")
	}
	if d := res.Diagnostics.Format(); !strings.Contains(d, `plan/actions/in-appoggio says it is led by "m_ef", but this source speaks for "c_h223": it is not shown`) {
		t.Errorf("the action led by another body is not reported:\n%s", d)
	}
	for _, page := range []string{"bodies/m_ef/index.html", "bodies/r_080/index.html"} {
		if s := string(files[page]); strings.Contains(s, "/bodies/c_h223/plan/actions/") {
			t.Errorf("%s lists an action of the source's plan, which speaks for c_h223 only", page)
		}
	}
}

// TestRealPlanOwnerListsAndAddresseesRead builds the real-plan corpus with its owner
// lists (agid and dtd) and addressees: none is refused, and the bodies' pages list what
// each leads, co-owns and is addressed within the page budget.
func TestRealPlanOwnerListsAndAddresseesRead(t *testing.T) {
	dir := t.TempDir()
	opts := realPlanOptions()
	opts.LeadOwnerOnly = false
	err := synth.RealPlanRepository(opts, synth.WriteTo(dir))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("the real-plan corpus with owner lists does not build: %v\n%s", err, res.Diagnostics.Format())
	}
	for _, d := range res.Diagnostics {
		if s := d.Error(); strings.Contains(s, "owner") || strings.Contains(s, "addressee") {
			t.Errorf("diagnostic about owners or addressees: %s", s)
		}
	}
	s := res.Site
	coOwned, addressed := 0, 0
	for _, a := range s.Actions {
		if len(a.Owners) > 1 {
			coOwned++
		}
		if len(a.Addressees) > 0 {
			addressed++
		}
	}
	if coOwned == 0 || addressed == 0 {
		t.Fatalf("the corpus's draft has %d co-owned actions and %d with addressees; want some of each", coOwned, addressed)
	}
	weights, err := pageWeights(out.Files(), res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	bodyPages := 0
	for _, w := range weights {
		if !strings.HasPrefix(w.page, "bodies/") && !strings.HasPrefix(w.page, "en/bodies/") {
			continue
		}
		bodyPages++
		if w.bytes > 60<<10 {
			t.Errorf("%s weighs %d bytes with what it links, over the 60 KB budget", w.page, w.bytes)
		}
	}
	if bodyPages <= 2*len(s.Bodies) {
		t.Errorf("%d pages under /bodies/ for %d bodies: the tables are not continued on further pages", bodyPages, len(s.Bodies))
	}
	if dtd := s.ByBody["dtd"]; dtd == nil || len(dtd.CoOwned) == 0 {
		t.Errorf("dtd co-owns no action of the corpus")
	}
}

// bigResults are n expected results with long, AgID-like titles and codes and three
// indicators each: c_h223 leads two in three and co-owns the rest.
func bigResults(n int) string {
	var b strings.Builder
	for i := range n {
		owner := "c_h223"
		if i%3 == 2 {
			owner = "[m_ef, c_h223]"
		}
		fmt.Fprintf(&b, "-- content/plan/results/ra%03d.md --\n---\ntitle: \"Incremento del numero di amministrazioni che adottano la piattaforma nazionale per il risultato %d\"\ncode: R.A.%d.PA.%03d\nobjective: o1\nowner: %s\nindicators:\n", i, i, i%7+1, i, owner)
		for k := range 3 {
			fmt.Fprintf(&b, "  - name: Indicatore %d\n    baseline: 10\n    baseline_date: 2024-12-31\n    targets:\n      - {year: 2025, value: %d}\n    values:\n      - {date: 2025-05-01, value: %d}\n", k, 40+k, 10+i%50)
		}
		b.WriteString("---\n")
	}
	return b.String()
}

func TestBodyPageWithResultsAndActionsStaysWithinTheBudget(t *testing.T) {
	const nActions, nResults = 300, 200
	b := sitetest.Run(t, bigBodySite(nActions, 0)+bigResults(nResults)).OK()
	files := b.Out.Files()
	for _, lang := range []string{"", "en/"} {
		body := lang + "bodies/c_h223/"
		actions, results := map[string]int{}, map[string]int{}
		for p := 1; ; p++ {
			name := body + "index.html"
			if p > 1 {
				name = fmt.Sprintf("%splan/%d/index.html", body, p)
			}
			html, ok := files[name]
			if !ok {
				break
			}
			if w := bodyPageWeight(t, files, name); w > 60<<10 {
				t.Errorf("%s weighs %d bytes with its CSS and scripts, over the 60 KB budget", name, w)
			}
			for _, table := range regexp.MustCompile(`(?s)<table class="sortable">.*?</table>`).FindAll(html, -1) {
				for _, m := range regexp.MustCompile(`<td><a href="/(?:en/)?plan/(actions|results)/([^/]+)/">`).FindAllSubmatch(table, -1) {
					if string(m[1]) == "actions" {
						actions[string(m[2])]++
					} else {
						results[string(m[2])]++
					}
				}
			}
		}
		if len(actions) != nActions || len(results) != nResults {
			t.Errorf("%s: %d actions and %d results over its pages, want %d and %d", body, len(actions), len(results), nActions, nResults)
		}
		for id, k := range actions {
			if k != 1 {
				t.Errorf("%s: action %s is listed %d times over the pages, want once", body, id, k)
			}
		}
		for id, k := range results {
			if k != 1 {
				t.Errorf("%s: result %s is listed %d times over the pages, want once", body, id, k)
			}
		}
	}
	b.File("bodies/c_h223/index.html", `Risultati attesi</a> (200)`)
	b.File("api/v1/bodies.json", `"leads_results":134,"co_owns_results":66}`)
}
