package generator_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
)

// amendmentsOfA1 are amendments of c_h223 and r_080 to the action a1 of sitetest.Minimal
// in each state a file can write, besides amendmentA1 (open, with a vote of m_ef).
const amendmentsOfA1 = amendmentA1 + `
-- content/bodies/r_080.md --
---
name: Regione Emilia-Romagna
kind: region
members:
  - name: Luca Verdi
    email: luca.verdi@regione.emilia-romagna.it
---
-- content/plan/actions/a1/amendments/r_080-titolo.md --
---
title: Azione uno per le regioni
reason: Le regioni coordinano i comuni.
date: 2025-02-21
---
-- content/plan/actions/a1/amendments/r_080-titolo/answer.md --
---
state: rejected
date: 2025-03-10
body: m_ef
---
Il coordinamento resta al **Ministero**.
-- content/plan/actions/a1/amendments/r_080-ritiro.md --
---
reason: Ci abbiamo ripensato.
date: 2025-02-22
state: withdrawn
fields:
  - name: progress
    value: 60
---
-- content/plan/actions/a1/amendments/c_h223-chiarezza.md --
---
reason: Un testo più chiaro.
date: 2025-01-15
---
Testo dell'azione.
-- content/plan/actions/a1/amendments/c_h223-chiarezza/answer.md --
---
state: accepted
date: 2025-02-01
body: m_ef
---
Accolto e applicato.
`

func TestItemPageShowsAmendmentsFromContentFilesInEveryState(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nforge: {kind: gitlab, url: \"https://gitlab.example.org/mef/piano\"}\n"+amendmentsOfA1).OK()
	page := "plan/actions/a1/index.html"
	b.File(page,
		`<h2 id="h-amendments">Emendamenti</h2>`,
		// open, with m_ef's vote and the buttons that vote on it
		`id="amendment-c_h223-tempi"`, `<span class="badge status-open">Aperto</span>`, "I tempi attuali non bastano ai comuni.",
		`Azione uno<ins><span class="visually-hidden">[aggiunto:] </span>, in tempi certi</ins>`,
		`<del>31 dicembre 2025</del>`, `<ins>30 giugno 2026</ins>`,
		`Testo <ins><span class="visually-hidden">[aggiunto:] </span>proposto </ins>dell&#39;azione.`,
		`<a href="/bodies/m_ef/">Ministero dell&#39;Economia e delle Finanze</a></td>`, "1 favorevole",
		`href="https://gitlab.example.org/mef/piano/-/new/main/content/plan/actions/a1/amendments/c_h223-tempi/reactions?content=vote%3A&#43;oppose%0A&amp;file_name=codice_ente.yaml"`,
		// rejected, with the answer
		`id="amendment-r_080-titolo"`, `<span class="badge status-rejected">Respinto</span>`, "Risposta dei titolari", "<strong>Ministero</strong>", `<time datetime="2025-03-10">10 marzo 2025</time>`,
		// withdrawn: a field as before and after
		`id="amendment-r_080-ritiro"`, `<span class="badge status-withdrawn">Ritirato</span>`, `<td><del>40%</del></td><td><ins>60%</ins></td>`,
		// accepted: what it applied
		`id="amendment-c_h223-chiarezza"`, `<span class="badge status-accepted">Accolto</span>`, "i titolari hanno applicato alla voce il testo proposto",
		// the forge's editor for a new one
		`href="https://gitlab.example.org/mef/piano/-/new/main/content/plan/actions/a1/amendments?content=---%0Atitle%3A&#43;%22Azione&#43;uno%22`)
	// The votes on the amendment are not the item's.
	b.File(page, `<h2 id="h-reactions">Voti e priorità</h2>
  <p>Nessun voto finora.</p>`)
	b.File("index.xml", "<title>Azione uno — emendamento di Comune di Reggio Emilia</title>", "<title>Azione uno — emendamento di Regione Emilia-Romagna: Respinto</title>")
	b.File("search/meta.json", `"amendment"`)
	// The search page's client names the type and the status amendments add.
	b.File("search/index.html", "&#34;type.amendment&#34;:&#34;Emendamento&#34;", "&#34;status.superseded&#34;:&#34;Superato&#34;")
	b.File("en/search/index.html", "&#34;type.amendment&#34;:&#34;Amendment&#34;")
}

func TestAmendmentSupersededByAChangeOfTheItemSaysWhenAndDiffsTheCurrentText(t *testing.T) {
	g := newGitRepo(t, "author", "-- pspm.yaml --\nforge: {kind: github, url: \"https://github.com/mef/piano\"}\n")
	g.write("content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: I tempi non bastano.\ndate: 2025-02-20\n---\nTesto dell'azione, in tempi certi.\n")
	g.commitAll("2025-02-20T09:00:00Z", marco, "Emendamento del Comune")
	a1 := g.read("content/plan/actions/a1.md")
	g.write("content/plan/actions/a1.md", strings.Replace(a1, "Testo dell'azione.", "Testo riscritto dell'azione.", 1))
	change := g.commitAll("2025-03-05T09:00:00Z", anna, "Il MEF riscrive a1")

	_, res, out := g.build()
	a := res.Site.Amendments[0]
	if a.Status != site.AmendmentSuperseded || a.SupersededBy == nil || a.SupersededBy.Commit != change {
		t.Fatalf("status %q, superseded by %+v; want superseded by %s", a.Status, a.SupersededBy, change)
	}
	b := &sitetest.Build{T: t, Result: res, Out: out}
	b.File("plan/actions/a1/index.html",
		`<span class="badge status-superseded">Superato</span>`,
		"La voce è cambiata il 5 marzo 2025, dopo questa proposta",
		`href="https://github.com/mef/piano/commit/`+change+`"><code>`+change[:10]+`</code></a> · Anna Rossi`,
		// against the current text, not the one the amendment answered
		`Testo <del><span class="visually-hidden">[rimosso:] </span>riscritto </del>dell&#39;azione<ins><span class="visually-hidden">[aggiunto:] </span>, in tempi certi</ins>.`,
		// closed: no buttons to vote on it
		"! amendments/c_h223-tempi/reactions?")
	b.File("en/plan/actions/a1/index.html", "The item changed on 5 March 2025")
}

// TestManyLongAmendmentsKeepTheItemPageWithinBudget proposes 25 amendments to one
// action, each rewriting its whole text at length with a long reason and 40 votes, the
// first three withdrawn: the page lists them all by their anchors, shows an open one in
// full first, and stays within the page budget.
func TestManyLongAmendmentsKeepTheItemPageWithinBudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("-- pspm.yaml --\nforge: {kind: github, url: \"https://github.com/mef/piano\"}\n")
	for i := range 25 {
		slug := fmt.Sprintf("c_h223-proposta%02d", i)
		state := "open"
		if i < 3 {
			state = "withdrawn"
		}
		fmt.Fprintf(&b, "-- content/plan/actions/a1/amendments/%s.md --\n---\ntitle: %s\nreason: %s\ndate: 2025-02-%02d\nstate: %s\n---\n", slug,
			strings.Repeat("Titolo lungo ", 20), strings.Repeat("Una ragione lunga. ", 100), 1+i%28, state)
		for p := range 12 {
			fmt.Fprintf(&b, "%s\n\n", strings.Repeat(fmt.Sprintf("Paragrafo %d di una riscrittura %d dell'azione, parola %d. ", p, i, p), 8))
		}
		for v := range 40 {
			fmt.Fprintf(&b, "-- content/plan/actions/a1/amendments/%s/reactions/c_x%03d.yaml --\nvote: support\ncomment: %s\n", slug, v, strings.Repeat("commento ", 20))
		}
	}
	res := sitetest.Run(t, b.String()).OK()
	page := "plan/actions/a1/index.html"
	html := string(res.Out.Files()[page])
	for i := range 25 {
		if id := fmt.Sprintf(`id="amendment-c_h223-proposta%02d"`, i); !strings.Contains(html, id) {
			t.Errorf("the page has no %s", id)
		}
	}
	ws, err := pageWeights(res.Out.Files(), res.Result.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range ws {
		if w.page == page || w.page == "en/"+page {
			t.Logf("%s weighs %.1f KB (HTML %.1f KB)", w.page, float64(w.bytes)/1024, float64(w.html)/1024)
			if w.bytes > maxPageWeight {
				t.Errorf("%s weighs %d bytes, over the budget of %d", w.page, w.bytes, maxPageWeight)
			}
		}
	}
	res.File(page, "E altri 20 voti, contati nel totale", "Altri emendamenti", "[…]",
		`<article class="amendment amendment-open" id="amendment-c_h223-proposta03">`, `<li id="amendment-c_h223-proposta00">`)
}

// TestAmendmentTextsCannotInjectMarkup proposes a title, reason, text and answer full of
// markup: the item's page, its feed and its search document show them as text.
func TestAmendmentTextsCannotInjectMarkup(t *testing.T) {
	b := sitetest.Run(t, `
-- content/plan/actions/a1/amendments/c_h223-attacco.md --
---
title: "Azione</td><script>alert(1)</script>"
reason: "<img src=x onerror=alert(2)> perché sì"
date: 2025-02-20
---
Testo <script>alert(4)</script> e <iframe src="https://example.org"></iframe>.
-- content/plan/actions/a1/amendments/c_h223-attacco/answer.md --
---
state: rejected
date: 2025-03-01
body: m_ef
---
No. <script>alert(3)</script>
`).OK()
	for _, name := range []string{"plan/actions/a1/index.html", "en/plan/actions/a1/index.html"} {
		b.File(name, `id="amendment-c_h223-attacco"`, "! <script>alert", "! <img src=x", "! <iframe", "&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt; perché sì")
	}
	b.File("index.xml", "! <script>", "&lt;img src=x onerror=alert(2)&gt;")
}

// TestProposeAChangePrefillCannotBeTurnedIntoAnotherFrontMatter gives an action a title
// that would close the front matter and set the amendment's state if it were written as
// it is: the prefilled file quotes it.
func TestProposeAChangePrefillCannotBeTurnedIntoAnotherFrontMatter(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nforge: {kind: github, url: \"https://github.com/mef/piano\"}\n"+
		"-- content/plan/actions/a1.md --\n---\ntitle: \"Azione\\n---\\nstate: accepted\"\nobjective: o1\n---\nTesto.\n").OK()
	b.File("plan/actions/a1/index.html", "value=---%0Atitle%3A&#43;%22Azione%5Cn---%5Cnstate%3A&#43;accepted%22%0Areason%3A", "! %0Astate%3A&#43;accepted")
}

// TestEveryPlanKindShowsItsAmendments amends a goal, an objective and an expected result
// (a bundle): each page shows its amendment's diff.
func TestEveryPlanKindShowsItsAmendments(t *testing.T) {
	b := sitetest.Run(t, `
-- content/plan/results/r1/index.md --
---
title: Risultato uno
objective: o1
---
Il risultato atteso.
-- content/plan/goals/g1/amendments/c_h223-obiettivo.md --
---
title: Obiettivo uno, più ampio
reason: Più ampio.
date: 2025-02-20
---
-- content/plan/objectives/o1/amendments/c_h223-operativo.md --
---
reason: Un testo.
date: 2025-02-20
---
Un testo per l'obiettivo operativo.
-- content/plan/results/r1/amendments/c_h223-risultato.md --
---
reason: Più misurabile.
date: 2025-02-20
---
Il risultato atteso, misurabile.
`).OK()
	b.File("plan/goals/g1/index.html", `id="amendment-c_h223-obiettivo"`, `Obiettivo uno<ins><span class="visually-hidden">[aggiunto:] </span>, più ampio</ins>`)
	b.File("plan/objectives/o1/index.html", `id="amendment-c_h223-operativo"`, `<ins><span class="visually-hidden">[aggiunto:] </span>Un testo per l&#39;obiettivo operativo.</ins>`)
	b.File("plan/results/r1/index.html", `id="amendment-c_h223-risultato"`, `Il risultato atteso<ins><span class="visually-hidden">[aggiunto:] </span>, misurabile</ins>.`)
}

// TestFederatedItemShowsTheAmendmentsOfItsPortal takes a municipality's portal as a
// source whose action has an amendment: the action's page here shows it, linked at its
// anchor, without buttons (the amendment is voted on in that portal's repository).
func TestFederatedItemShowsTheAmendmentsOfItsPortal(t *testing.T) {
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	write(t, re, "content/plan/actions/pagopa-tributi/amendments/m_ef-tempi.md", "---\nreason: Tempi più brevi.\ndate: 2026-10-05\ntitle: Tributi locali con pagoPA entro il 2027\n---\n")
	gitIn(t, re, "add", ".")
	gitIn(t, re, "-c", "user.name=Anna Rossi", "-c", "user.email=anna.rossi@c_h223.example.it", "commit", "-q", "-m", "un emendamento")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "forge: {kind: github, url: \"https://github.com/mef/piano\"}\nsources:\n  - url: file://"+filepath.ToSlash(re)+"\n    body: c_h223\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	b := &sitetest.Build{T: t, Result: res, Out: out}
	b.File("bodies/c_h223/plan/actions/pagopa-tributi/index.html", `id="amendment-m_ef-tempi"`, "Tempi più brevi.",
		`Tributi locali con pagoPA <del><span class="visually-hidden">[rimosso:] </span>a Reggio Emilia</del><ins><span class="visually-hidden">[aggiunto:] </span>entro il 2027</ins>`, "! amendments/m_ef-tempi/reactions?")
}
