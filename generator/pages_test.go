package generator_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

func TestHomePageShowsPlanPhasesAndLatestItems(t *testing.T) {
	sitetest.Run(t, "").OK().File("index.html",
		`<html lang="it">`, "<title>Piano di prova</title>", "Piano di prova", "2025-2027",
		"Consultazione", "Proposta uno", "Pratica uno", `href="/plan/"`, `<a class="skip" href="#main">`,
		`<progress max="100" value="40">`)
}

func TestPlanPageNestsGoalsObjectivesActionsWithProgress(t *testing.T) {
	sitetest.Run(t, "").OK().File("plan/index.html",
		`<a href="/plan/goals/g1/">Obiettivo uno</a>`, `<a href="/plan/objectives/o1/">Obiettivo operativo uno</a>`,
		`<a href="/plan/actions/a1/">Azione uno</a>`, "OB.1.1", `value="40"`, "Introduzione al piano.")
}

func TestGoalObjectiveAndActionPages(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.File("plan/goals/g1/index.html", "Obiettivo uno", "Testo dell&#39;obiettivo.", `href="/plan/objectives/o1/"`)
	b.File("plan/objectives/o1/index.html", "Obiettivo operativo uno", `href="/plan/goals/g1/"`, `href="/plan/actions/a1/"`)
	b.File("plan/actions/a1/index.html", "Azione uno", "In corso", "Enti coinvolti", `<svg class="chart"`,
		`<time datetime="2025-06-01">1 giugno 2025</time>`, "Ministero dell&#39;Economia e delle Finanze", `href="/plan/objectives/o1/"`)
}

func TestProposalPageShowsStatusVotesFeedbackAndTargets(t *testing.T) {
	sitetest.Run(t, "").OK().File("proposals/p1/index.html",
		"Proposta uno", `class="badge status-open"`, "Comune di Reggio Emilia", "Marco Bianchi",
		`<h2 id="contesto">Contesto</h2>`, `href="/plan/actions/a1/"`, "1 favorevole<", "4/5",
		"Una domanda", `id="m_ef-domanda"`, "Quando partite?", `href="/tags/cloud/"`, `href="/tags/dati-aperti/"`,
		"non verificato", `<svg class="tally-bar"`)
}

func TestProposalAnswerAndTakenUpByAction(t *testing.T) {
	sitetest.Run(t, `
-- content/proposals/p1/index.md --
---
title: Proposta uno
body: c_h223
date: 2025-02-01
status: incorporated
answer:
  date: 2025-04-01
  text: La proposta è **recepita** nell'azione a1.
---
Testo.
-- content/plan/actions/a1.md --
---
title: Azione uno
objective: o1
proposals: [p1]
---
`).OK().File("proposals/p1/index.html", "Risposta ufficiale", "<strong>recepita</strong>", "1 aprile 2025",
		"Recepita nel piano", `href="/plan/actions/a1/"`).
		File("plan/actions/a1/index.html", "Proposte recepite", `href="/proposals/p1/"`)
}

func TestProposalListsByStatusAndBodyArePaginated(t *testing.T) {
	var more strings.Builder
	for i := 0; i < 45; i++ {
		id := "q" + string(rune('a'+i/26)) + string(rune('a'+i%26))
		more.WriteString("-- content/proposals/" + id + ".md --\n---\ntitle: Proposta " + id + "\nbody: m_ef\ndate: 2025-01-02\nstatus: under-review\nanswer: {date: 2025-02-01, text: In valutazione.}\n---\nTesto.\n")
	}
	b := sitetest.Run(t, more.String()).OK()
	b.File("proposals/index.html", `rel="next"`, `href="/proposals/page/2/"`, `href="/proposals/status/open/"`, `href="/proposals/body/c_h223/"`)
	b.File("proposals/page/3/index.html", `rel="prev"`, "Pagina 3 di 3", "! rel=\"next\"")
	b.File("proposals/status/under-review/index.html", "Proposte: In valutazione", `href="/proposals/status/under-review/page/2/"`)
	b.File("proposals/body/c_h223/index.html", "Proposte di Comune di Reggio Emilia", "Proposta uno")
	b.NoFile("proposals/page/4/index.html")
}

func TestPracticeCatalogueByKindWithAttachment(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.File("practices/index.html", "Pratica uno", `href="/practices/kind/software/"`, `href="/practices/body/c_h223/"`)
	b.File("practices/kind/software/index.html", "Buone pratiche: Software", "Pratica uno")
	b.File("practices/pr1/index.html", "Pratica uno", `href="https://example.org/code"`, `href="/practices/pr1/scheda.csv"`, "(8 B)")
	b.File("practices/pr1/scheda.csv", "a,b\n1,2\n")
}

func TestBodyPagesListTheirContributions(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.File("bodies/index.html", `href="/bodies/c_h223/"`, "Comune", "<code>m_ef</code>")
	b.File("bodies/c_h223/index.html", "Comune di Reggio Emilia", "Proposta uno", "Pratica uno")
	b.File("bodies/m_ef/index.html", "Voti espressi", `href="/proposals/p1/"`, "Favorevole", "Una domanda", "Azione uno")
	b.File("bodies/m_ef/index.xml", "<title>Una domanda</title>")
}

func TestTagPagesGroupProposalsAndPracticesCaseInsensitively(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.File("tags/index.html", `href="/tags/cloud/"`, `href="/tags/dati-aperti/"`)
	b.File("tags/cloud/index.html", "Proposta uno", "Pratica uno")
}

func TestNotFoundPageFeedsAndSitemap(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nbaseURL: https://example.org/pspm/\n").OK()
	b.File("404.html", "Pagina non trovata", `href="/pspm/plan/"`)
	b.File("index.xml", `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="it">`, "<title>Proposta uno</title>",
		`href="https://example.org/pspm/proposals/p1/"`, "<updated>2025-03-01T00:00:00Z</updated>")
	b.File("proposals/index.xml", "Proposta uno", "! Pratica uno")
	b.File("practices/index.xml", "Pratica uno")
	b.File("plan/index.xml", "Azione uno")
	b.File("sitemap.xml", "<loc>https://example.org/pspm/proposals/p1/</loc>", "<loc>https://example.org/pspm/</loc>", "! 404")
	b.File("proposals/p1/index.html", `href="/pspm/css/pspm.css"`, `<link rel="canonical" href="https://example.org/pspm/proposals/p1/">`)
}

func TestOpenDataFollowsTheContract(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	var props []map[string]any
	if err := json.Unmarshal(b.Out.Files()["api/v1/proposals.json"], &props); err != nil {
		t.Fatal(err)
	}
	if len(props) != 1 {
		t.Fatalf("proposals.json has %d records, want 1", len(props))
	}
	for _, k := range []string{"id", "url", "title", "body", "status", "tags", "targets", "date", "answer", "votes"} {
		if _, ok := props[0][k]; !ok {
			t.Errorf("proposals.json lacks %q", k)
		}
	}
	if v := props[0]["votes"].(map[string]any); v["support"] != float64(1) || v["oppose"] != float64(0) {
		t.Errorf("votes = %v, want support 1, oppose 0", v)
	}
	var votes []map[string]any
	if err := json.Unmarshal(b.Out.Files()["api/v1/votes.json"], &votes); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"item": "proposals/p1", "voter": "m_ef", "vote": "support", "priority": float64(4), "counted": true, "reason": "", "verification": "none"}
	for k, v := range want {
		if votes[0][k] != v {
			t.Errorf("votes.json[0].%s = %v, want %v", k, votes[0][k], v)
		}
	}
	for _, k := range []string{"commit", "author", "landed"} {
		if _, ok := votes[0][k]; !ok {
			t.Errorf("votes.json lacks %q", k)
		}
	}
	var plan map[string]any
	if err := json.Unmarshal(b.Out.Files()["api/v1/plan.json"], &plan); err != nil {
		t.Fatal(err)
	}
	act := plan["goals"].([]any)[0].(map[string]any)["objectives"].([]any)[0].(map[string]any)["actions"].([]any)[0].(map[string]any)
	for k, v := range map[string]any{"id": "a1", "status": "in-progress", "progress": float64(40), "owner": "m_ef", "due": "2025-12-31"} {
		if act[k] != v {
			t.Errorf("plan.json action.%s = %v, want %v", k, act[k], v)
		}
	}
	b.File("api/v1/proposals.csv", "\uFEFFid;url;title;body;status;tags;targets;date", "p1;/proposals/p1/;Proposta uno;c_h223;open;Cloud | dati aperti;a1;2025-02-01")
	b.File("api/v1/votes.csv", "proposals/p1;m_ef;support;4")
	b.File("api/v1/bodies.json", `"id":"c_h223"`, `"kind":"municipality"`)
	b.File("api/v1/practices.json", `"kind":"software"`, `"source":""`)
	b.File("api/v1/feedback.json", `"voter":"m_ef"`, `"kind":"question"`)
	b.File("api/v1/versions.json", "[]")
	b.File("api/v1/plan.csv", "g1;Obiettivo uno;o1;Obiettivo operativo uno;OB.1.1;a1;Azione uno;in-progress;40;m_ef")
}

func TestCSVCellsCannotBecomeSpreadsheetFormulas(t *testing.T) {
	sitetest.Run(t, `
-- content/proposals/p1/index.md --
---
title: "=HYPERLINK(\"http://evil\")"
body: c_h223
date: 2025-02-01
---
`).OK().File("api/v1/proposals.csv", `'=HYPERLINK`, `! ;=HYPERLINK`)
}

func TestSiteOverridesOneTemplateAndOneString(t *testing.T) {
	sitetest.Run(t, `
-- layouts/partials/footer.html --
{{define "footer"}}<footer>Piè di pagina del sito</footer>{{end}}
-- i18n/it.yaml --
menu.proposals: Idee
-- static/css/extra.css --
body { margin: 0; }
`).OK().File("index.html", "Piè di pagina del sito", ">Idee</a>", "! Pubblicato con").File("css/extra.css", "body{margin:0}").File("css/pspm.css", ":root")
}

func TestBrokenSiteTemplateIsAPositionedError(t *testing.T) {
	sitetest.Run(t, "-- layouts/home.html --\n{{define \"main\"}}\n{{.Nope\n{{end}}\n").Failed().Diag("layouts/home.html:3")
}

func TestHomeTimelineMarksTodayByTheContentDateNotTheClock(t *testing.T) {
	// The newest date in the minimal site is 2025-06-01, inside the only phase.
	sitetest.Run(t, "").OK().File("index.html", `aria-current="step"`, "Oggi: dati al 1 giugno 2025")
	// With phases all in the future, today stands before the first of them.
	sitetest.Run(t, `
-- content/plan/_index.md --
---
title: Piano di prova
owner: m_ef
phases:
  - {name: Futura, from: 2030-01-01, to: 2030-12-31}
---
`).OK().File("index.html", `<li class="today">Oggi: dati al 1 giugno 2025</li>
  <li class="phase phase-future"`, `! aria-current="step"`)
}

func TestLookupGoesSiteThenNamedThemeThenBuiltIn(t *testing.T) {
	b := sitetest.Run(t, `
-- pspm.yaml --
theme: themes/comune
-- themes/comune/layouts/partials/footer.html --
{{define "footer"}}<footer>Piè di pagina del tema del Comune</footer>{{end}}
-- themes/comune/layouts/partials/header.html --
{{define "header"}}<header>Testata del tema</header>{{end}}
-- themes/comune/i18n/it.yaml --
menu.plan: Il piano del Comune
-- layouts/partials/header.html --
{{define "header"}}<header>Testata del sito</header>{{end}}
`).OK()
	// The site's header wins over the theme's; the theme's footer over the built-in one;
	// everything else is the built-in theme's.
	b.File("index.html", "Testata del sito", "! Testata del tema", "Piè di pagina del tema del Comune", `class="skip"`)
	sitetest.Run(t, "-- pspm.yaml --\ntheme: themes/missing\n").Failed().Diag(`theme "themes/missing": no such folder in the site`)
}

func TestPracticesCatalogueHasInstantFiltersThatNeedNoInlineScript(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.File("practices/index.html", `<div id="quick-filter" class="quick-filter" hidden data-data="/api/v1/practices.json" data-prefix="/practices/"`,
		`<option value="software">Software</option>`, `<option value="c_h223">Comune di Reggio Emilia</option>`,
		`<script src="/js/filter.js" defer></script>`, "! <script>")
	b.File("en/practices/index.html", `data-prefix="/en/practices/"`, "Search by word or topic")
	b.File("practices/kind/software/index.html", "! quick-filter")
	b.File("js/filter.js", ".dataset.data)") // published minified: local names are shortened
}

// TestOnlyThePagesThatMeasureThePlanShowTheDateThePortalIsAsOf: the date the portal is as
// of is on the home page, the plan's pages and the open data, not on a proposal's page, a
// list or a body's page, whose bytes must not change with the day alone; the forge's
// buttons prefill the placeholder date, which the forge script fills in and the help
// explains, never the day the portal was built.
func TestOnlyThePagesThatMeasureThePlanShowTheDateThePortalIsAsOf(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nforge: {kind: gitlab, url: \"https://gitlab.example.org/mef/piano\"}\n").OK()
	asOf := "dati aggiornati al 1 giugno 2025"
	for _, page := range []string{"index.html", "plan/index.html", "plan/actions/a1/index.html", "monitoring/index.html", "open-data/index.html"} {
		b.File(page, asOf)
	}
	for _, page := range []string{"proposals/p1/index.html", "proposals/index.html", "practices/pr1/index.html", "bodies/m_ef/index.html", "tags/index.html"} {
		b.File(page, "! "+asOf, "! 2025-06-01")
	}
	b.File("proposals/p1/index.html", "date%3A&#43;AAAA-MM-GG", "js/forge.js", "AAAA-MM-GG, scrivete quella di oggi")
	b.File("proposals/index.html", "date%3A&#43;AAAA-MM-GG", "js/forge.js")
	b.File("js/forge.js", `"date%3A+AAAA-MM-GG"`, "auxclick")
}

// TestALayoutThatShowsTheOldBuildDateSaysWhatTookItsPlace: a site's layout written when
// every page could show the date (.Site.Built, .Site.Plan.Today) or the plan's progress
// (.Site.Plan.Progress) fails at its line, saying what took their place.
func TestALayoutThatShowsTheOldBuildDateSaysWhatTookItsPlace(t *testing.T) {
	for use, hint := range map[string]string{
		"{{with .Site.Built}} · {{.}}{{end}}":   "the page's .AsOf (in words) and .Today (the day)",
		"{{$p := .Site.Plan}}{{date $p.Today}}": "the page's .AsOf (in words) and .Today (the day)",
		"{{$p := .Site.Plan}}{{$p.Progress}} %": "now .Home.Progress and .Home.Actions",
	} {
		b := sitetest.Run(t, "-- layouts/partials/footer.html --\n{{define \"footer\" -}}\n<footer>"+use+"</footer>\n{{- end}}\n")
		if b.Err == nil {
			t.Fatalf("%s: the build succeeded", use)
		}
		for _, want := range []string{"layouts/partials/footer.html:2:", hint} {
			if !strings.Contains(b.Err.Error(), want) {
				t.Errorf("%s: the error does not say %q: %v", use, want, b.Err)
			}
		}
	}
}

// TestOnlyAListsFirstPageCountsItsFilters: the filters of a list have their counts on its
// first page only, so that a new proposal or a change of status does not change every
// page of every list; the later pages keep the filters' links.
func TestOnlyAListsFirstPageCountsItsFilters(t *testing.T) {
	var b strings.Builder
	b.WriteString("-- pspm.yaml --\npaginate: 2\n")
	for i := 2; i <= 5; i++ {
		fmt.Fprintf(&b, "-- content/proposals/p%d/index.md --\n---\ntitle: Proposta %d\nbody: c_h223\ndate: 2025-02-0%d\nstatus: accepted\n---\nTesto.\n", i, i, i)
	}
	sitetest.Run(t, b.String()).OK().
		File("proposals/index.html", `href="/proposals/status/accepted/" class="filter filter-status">Accolta <span class="count">4</span></a>`, `<span class="count">1</span>`).
		File("proposals/page/2/index.html", `href="/proposals/status/accepted/" class="filter filter-status">Accolta</a>`, `! class="count"`).
		File("proposals/status/accepted/index.html", `class="count"`).
		File("proposals/status/accepted/page/2/index.html", `! class="count"`, `aria-current="page">Accolta</a>`)
}
