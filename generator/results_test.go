package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// resultSite adds to the minimal site an expected result under o1 with two indicators:
// one increasing and behind, one decreasing (lower is better) and on track, as of
// 2025-06-01 (the newest date in the content, so the site's date).
const resultSite = `
-- content/plan/results/r1/index.md --
---
title: Comuni con servizi su PDND
code: R.A.1.1.1
objective: o1
owner: [m_ef, c_h223]
order: 1
indicators:
  - name: Comuni con servizi su PDND
    unit: "%"
    baseline: 10
    baseline_date: 2024-12-31
    targets:
      - {year: 2025, value: 40}
      - {year: 2026, value: 60}
    values:
      - {date: 2025-06-01, value: 22}
  - name: Tempo medio di attesa
    unit: giorni
    baseline: 30
    targets:
      - {year: 2025, value: 10}
    values:
      - {date: 2025-05-01, value: 12}
---
Testo del risultato.
`

func TestResultHasAPageUnderItsObjectiveWithIndicatorsAgainstThisYearsTarget(t *testing.T) {
	b := sitetest.Run(t, resultSite).OK()
	b.File("plan/results/r1/index.html",
		"Comuni con servizi su PDND", `<span class="code">R.A.1.1.1</span>`,
		`<a href="/plan/objectives/o1/">Obiettivo operativo uno</a>`,
		`<a href="/bodies/m_ef/">Ministero dell&#39;Economia e delle Finanze</a>, <a href="/bodies/c_h223/">Comune di Reggio Emilia</a>`,
		`<svg class="chart result-chart"`, `role="img"`,
		`<span class="badge target-behind status-delayed">In ritardo</span>`,
		`<span class="badge target-on-track status-done">In linea</span>`,
		"valori più bassi sono migliori", "verticale: 1 giugno 2025, la data dei dati.",
		"Obiettivo dell&#39;anno 40 (2025)",
		`<caption id="cap-targets-0">Obiettivi per anno o per data</caption>`, `<caption id="cap-values-1">Valori misurati</caption>`,
		"Testo del risultato.")
	b.File("en/plan/results/r1/index.html", `<span class="badge target-behind status-delayed">Behind</span>`, "lower is better",
		`<h1><span class="code">R.A.1.1.1</span> <span lang="it">Comuni con servizi su PDND</span></h1>`, `<div class="prose" lang="it">`)
	b.File("plan/objectives/o1/index.html", `<h2 id="h-results">Risultati attesi</h2>`, `<a href="/plan/results/r1/">R.A.1.1.1 Comuni con servizi su PDND</a>`,
		`<span class="badge target-behind status-delayed">In ritardo</span>`, `rowspan="2"`, "! result-chart")
	// /monitoring/ counts the indicators by status, objective by objective (one behind,
	// one on track), and links each objective's list of results.
	b.File("monitoring/index.html", `<h2 id="h-mon-results">Risultati attesi</h2>`, "1 risultato atteso, 2 indicatori.",
		`<span class="badge target-on-track">In linea</span> 1</li>`, `<span class="badge target-behind">In ritardo</span> 1</li>`,
		`<tr><td><a href="/plan/objectives/o1/#h-results">Obiettivo operativo uno</a></td><td>1</td><td>0</td><td>1</td><td>1</td><td>0</td></tr>`)
	b.File("sitemap.xml", "/plan/results/r1/</loc>")
	b.File("plan/index.xml", "/plan/results/r1/", "<title>Comuni con servizi su PDND</title>")
}

func TestResultsAreInTheOpenDataWithTheirTargetsAndStatus(t *testing.T) {
	b := sitetest.Run(t, resultSite).OK()
	b.File("api/v1/plan/draft.json", `"results":[{"id":"r1","title":"Comuni con servizi su PDND","code":"R.A.1.1.1","owner":"m_ef","owners":["m_ef","c_h223"]`,
		`"targets":[{"year":2025,"date":"","deadline":"2025-12-31","value":40},{"year":2026,"date":"","deadline":"2026-12-31","value":60}]`,
		`"values":[{"date":"2025-06-01","value":22}],"status":"behind","as_of":"2025-06-01","current_target":{"year":2025,"date":"","deadline":"2025-12-31","value":40}`,
		`"status":"on-track"`)
	b.File("api/v1/results.csv",
		"\uFEFFresult;code;title;objective;owners;indicator;unit;baseline;baseline_date;row;year;date;value;status;as_of\n",
		"r1;R.A.1.1.1;Comuni con servizi su PDND;o1;m_ef | c_h223;Comuni con servizi su PDND;%;10;2024-12-31;target;2025;2025-12-31;40;behind;2025-06-01\n",
		"r1;R.A.1.1.1;Comuni con servizi su PDND;o1;m_ef | c_h223;Comuni con servizi su PDND;%;10;2024-12-31;value;;2025-06-01;22;behind;2025-06-01\n",
		"r1;R.A.1.1.1;Comuni con servizi su PDND;o1;m_ef | c_h223;Tempo medio di attesa;giorni;30;;target;2025;2025-12-31;10;on-track;2025-06-01\n")
}

func TestResultMistakesAreReportedAtTheirPosition(t *testing.T) {
	cases := []struct{ overlay, want string }{
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o2\n---\n",
			`content/plan/results/r2.md:3:12: unknown objective "o2"; did you mean "o1"?`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\n---\n",
			`content/plan/results/r2.md:2:1: missing required key "objective"`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nowner: [m_ef, m_eff]\n---\n",
			`content/plan/results/r2.md:4:15: unknown body "m_eff" as owner; did you mean "m_ef"?`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: N\n    targets:\n      - {year: 2025, date: 2025-06-30, value: 1}\n---\n",
			`content/plan/results/r2.md:7:9: indicators[0].targets[0] has both a year (2025) and a date (2025-06-30): keep one`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: N\n    targets:\n      - {value: 1}\n---\n",
			`content/plan/results/r2.md:7:9: indicators[0].targets[0]: a target needs a year`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: N\n    targets:\n      - {year: 2025, value: 1}\n      - {date: 2025-12-31, value: 2}\n---\n",
			`content/plan/results/r2.md:8:9: indicators[0].targets[1] is due 2025-12-31, as targets[0] is`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: N\n    targets:\n      - {year: 2026, value: 1}\n      - {year: 2025, value: 2}\n---\n",
			`content/plan/results/r2.md:8:9: indicators[0].targets[1] (2025) comes after targets[0] (2026): list targets in time order`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: N\n    targets:\n      - {year: 1800, value: 1}\n---\n",
			`content/plan/results/r2.md:7:16: "indicators[0].targets[0].year": 1800 is out of range`},
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: N\n    values:\n      - {value: 1}\n---\n",
			`content/plan/results/r2.md:7:9: missing required key "indicators[0].values[0].date"`},
		// Actions take yearly targets too, checked the same way.
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: o1\nindicators:\n  - name: N\n    target: 5\n    targets:\n      - {year: 2026, value: 1}\n      - {year: 2026, value: 2}\n---\n",
			`content/plan/actions/a2.md:9:9: indicators[0].targets[1] is due 2026`},
		// A result's code is unique among the codes of every kind of plan item.
		{"-- content/plan/results/r2.md --\n---\ntitle: R\nobjective: o1\ncode: ob.1\n---\n-- content/plan/objectives/o2.md --\n---\ntitle: O\ngoal: g1\ncode: OB.1\n---\n",
			`content/plan/results/r2.md:4:7: code "ob.1" is already the code of plan/objectives/o2 (content/plan/objectives/o2.md): codes are unique among the plan's goals, objectives, results and actions`},
		// A result's id is a plan id: it cannot be an action's.
		{"-- content/plan/results/a1.md --\n---\ntitle: R\nobjective: o1\n---\n",
			`plan ids must be unique across goals, objectives, results and actions`},
	}
	for _, c := range cases {
		b := sitetest.Run(t, c.overlay).Failed()
		if strings.Contains(c.overlay, "1800") && len(b.Errors()) != 1 {
			t.Errorf("a year out of range is one problem, not also a missing year; got:\n%s", b.Errors().Format())
		}
		found := false
		for _, e := range b.Errors() {
			found = found || strings.Contains(e.Error(), c.want)
		}
		if !found {
			t.Errorf("%q: no error contains %q; got:\n%s", c.overlay, c.want, b.Errors().Format())
		}
	}
}

// TestBodyPageListsTheResultsItLeadsAndCoOwns: a body's page has a table of the
// expected results it leads and co-owns, each linked, with its objective, its
// indicators against this year's target and its role; the list of its lists counts
// them, and the open data too.
func TestBodyPageListsTheResultsItLeadsAndCoOwns(t *testing.T) {
	b := sitetest.Run(t, resultSite+`
-- content/plan/results/r2.md --
---
title: Enti con pagamenti digitali
code: R.A.1.1.2
objective: o1
owner: [c_h223, m_ef]
order: 2
---
`).OK()
	row := func(lang, code, id, title, status, role string) string {
		return `<tr><td><span class="code">` + code + `</span></td><td><a href="/` + lang + `plan/results/` + id + `/">` + title + `</a></td><td>` +
			map[string]string{"": "Obiettivo operativo uno", "en/": "Obiettivo operativo uno"}[lang] + `</td><td data-value="` + status + `</td><td>` + role + `</td></tr>`
	}
	b.File("bodies/c_h223/index.html", `<h2 id="h-results">Risultati attesi</h2>`, `<a href="/bodies/c_h223/#h-results">Risultati attesi</a> (2)`,
		row("", "R.A.1.1.2", "r2", "Enti con pagamenti digitali", `4">–`, "capofila"),
		row("", "R.A.1.1.1", "r1", "Comuni con servizi su PDND", `1"><span class="badge target-on-track">In linea</span> 1 <span class="badge target-behind">In ritardo</span> 1`, "corresponsabile"),
		"/js/sort.js", "/css/tables.css")
	b.File("bodies/m_ef/index.html", `<a href="/bodies/m_ef/#h-results">Risultati attesi</a> (2)`,
		row("", "R.A.1.1.1", "r1", "Comuni con servizi su PDND", `1"><span class="badge target-on-track">In linea</span> 1 <span class="badge target-behind">In ritardo</span> 1`, "capofila"),
		row("", "R.A.1.1.2", "r2", "Enti con pagamenti digitali", `4">–`, "corresponsabile"))
	b.File("en/bodies/c_h223/index.html", `<h2 id="h-results">Expected results</h2>`, `<th scope="col" data-sort="text">Role</th>`,
		row("en/", "R.A.1.1.1", "r1", "Comuni con servizi su PDND", `1"><span class="badge target-on-track">On track</span> 1 <span class="badge target-behind">Behind</span> 1`, "co-owner"))
	b.File("api/v1/bodies.json", `"addressed":0,"leads_results":1,"co_owns_results":1}`)
	b.File("api/v1/bodies.csv", ";leads_results;co_owns_results\n")
}
