package generator_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
)

// A file with an error in what it says (an unknown status, a bad date) and an error in what
// it refers to (an unknown objective or body) reports both at once: the second one must not
// wait for the author to fix the first and push again.
func TestAFileWithTwoIndependentProblemsReportsBoth(t *testing.T) {
	cases := []struct {
		overlay string
		want    []string
	}{
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: nope\nstatus: bogus\ndue: 2025-13-45\n---\n", []string{
			`content/plan/actions/a2.md:3:12: unknown objective "nope"`,
			`content/plan/actions/a2.md:4:9: unknown status "bogus"`,
			`content/plan/actions/a2.md:5:6: "due": "2025-13-45" is not a valid date`,
		}},
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: o1\nstart: 2025-12-01\ndue: 2025-01-01\nprogress: 140\n---\n", []string{
			`content/plan/actions/a2.md:5:6: due date 2025-01-01 is before the start date 2025-12-01`,
			`content/plan/actions/a2.md:6:11: "progress": 140 is out of range`,
		}},
		{"-- content/proposals/p2/index.md --\n---\ntitle: T\nbody: nobody\ndate: 2025-02-31\n---\nx\n", []string{
			`content/proposals/p2/index.md:3:7: unknown body "nobody"`,
			`content/proposals/p2/index.md:4:7: "date": "2025-02-31" is not a valid date`,
		}},
		// A value that could not be read is one problem, not also a missing reference.
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: [o1, o2]\nstatus: bogus\n---\n", []string{
			`content/plan/actions/a2.md:3:12: "objective": want a single value, found a list`,
			`content/plan/actions/a2.md:4:9: unknown status "bogus"`,
		}},
	}
	for _, c := range cases {
		b := sitetest.Run(t, c.overlay).Failed()
		errs := b.Errors()
		if len(errs) != len(c.want) {
			t.Errorf("%q: want %d errors, got:\n%s", c.overlay, len(c.want), errs.Format())
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(errs[i].Error(), w) {
				t.Errorf("%q: error %d is %q, want %q…", c.overlay, i, errs[i].Error(), w)
			}
		}
	}
}

// The English plan pages show the untranslated plan in Italian: marked lang="it" (so that a
// screen reader reads it as Italian) and announced by a notice, as the items' pages are.
func TestEnglishPlanPagesMarkItalianTextAndSayItIsNotTranslated(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	for _, name := range []string{"en/plan/index.html", "en/plan/draft/index.html"} {
		b.File(name, `<html lang="en">`,
			"Parts of this page are not yet available in English: they are shown in Italian.",
			`<div class="prose" lang="it"><p>Introduzione al piano.</p>`,
			`<a href="/en/plan/goals/g1/" lang="it">Obiettivo uno</a>`,
			`<a href="/en/plan/objectives/o1/" lang="it">Obiettivo operativo uno</a>`,
			`<a href="/en/plan/actions/a1/" lang="it">Azione uno</a>`)
	}
	// The Italian pages are in their own language: no notice, no lang on the text.
	b.File("plan/index.html", "! not yet available", "! non sono ancora disponibili", `<div class="prose"><p>Introduzione al piano.</p>`, `<a href="/plan/actions/a1/">Azione uno</a>`)

	// Translated everywhere: no notice, no lang="it".
	tr := sitetest.Run(t, `
-- content/plan/_index.en.md --
---
title: Test plan
---
Plan introduction.
-- content/plan/goals/g1.en.md --
---
title: Goal one
---
-- content/plan/objectives/o1.en.md --
---
title: Objective one
---
-- content/plan/actions/a1.en.md --
---
title: Action one
---
`).OK()
	tr.File("en/plan/index.html", "! not yet available", `<div class="prose"><p>Plan introduction.</p>`, `<a href="/en/plan/actions/a1/">Action one</a>`, `<a href="/en/plan/goals/g1/">Goal one</a>`, `! lang="it">Obiettivo`, `! <div class="prose" lang="it">`)
}

// An approved version's archive in English is marked the same way.
func TestEnglishPlanVersionPageMarksItalianText(t *testing.T) {
	g := versionedRepo(t)
	_, _, out := g.build()
	p := page(t, out, "en/plan/2.0/index.html")
	for _, want := range []string{"Parts of this page are not yet available in English: they are shown in Italian.", `lang="it">Azione tre</a>`} {
		if !strings.Contains(p, want) {
			t.Errorf("/en/plan/2.0/ lacks %q", want)
		}
	}
}

// buildWithSources builds the demo with the given publiccode.yml files as sources of
// c_h223, one repository each, and returns the warnings and each source's file:// URL.
func buildWithSources(t *testing.T, files ...string) (diag.List, []string, map[string][]byte) {
	t.Helper()
	cfg := "sources:\n"
	var urls []string
	for _, f := range files {
		url := "file://" + filepath.ToSlash(sourceRepo(t, map[string]string{"publiccode.yml": f}))
		urls = append(urls, url)
		cfg += "  - url: " + url + "\n    body: c_h223\n    kind: publiccode\n"
	}
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", cfg)
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	return res.Diagnostics.Warnings(), urls, out.Files()
}

// A warning about a source's publiccode.yml names the source (its address and the file in
// it), not only the copy under .pspm/sources/; the same problem in two sources is two
// warnings, one naming each.
func TestPublicCodeWarningsNameTheirSourceAndAreNotMergedAcrossSources(t *testing.T) {
	pc := publicCodeYML + "bogusKey: 1\n"
	warnings, urls, _ := buildWithSources(t, pc, strings.Replace(pc, "Segnalazioni Cittadine", "Segnalazioni Due", 1))
	for _, url := range urls {
		want := "in the source " + url + ", publiccode.yml: unknown key \"bogusKey\" ignored"
		n := 0
		for _, w := range warnings {
			if strings.Contains(w.Error(), want) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d warnings %q…, want 1; warnings:\n%s", n, want, warnings.Format())
		}
	}
}

// Two publiccode sources of one body have two filters on /practices/ with different labels
// and addresses made from their repositories: the same whatever the practices' dates.
func TestPracticeFiltersOfTwoSourcesOfOneBodyAreDistinctAndStable(t *testing.T) {
	one := publicCodeYML
	two := strings.NewReplacer("Segnalazioni Cittadine", "Protocollo Aperto", `"2026-03-02"`, `"2026-05-02"`).Replace(publicCodeYML)
	for _, order := range [][]string{{one, two}, {two, one}} {
		_, urls, files := buildWithSources(t, order...)
		list := string(files["practices/index.html"])
		for i, url := range urls {
			repo := url[strings.LastIndex(url, "/")+1:]
			key := "c_h223-publiccode-" + repo
			if !strings.Contains(list, `href="/practices/source/`+key+`/"`) {
				t.Errorf("/practices/ has no filter /practices/source/%s/:\n%s", key, list)
			}
			if !strings.Contains(list, "(publiccode.yml) – "+repo+" <") {
				t.Errorf("the filter of source %d is not labelled with its repository %q", i, repo)
			}
			page := string(files["practices/source/"+key+"/index.html"])
			name := []string{"Segnalazioni Cittadine", "Protocollo Aperto"}[i]
			if order[0] == two {
				name = []string{"Protocollo Aperto", "Segnalazioni Cittadine"}[i]
			}
			if !strings.Contains(page, name) {
				t.Errorf("/practices/source/%s/ does not list %s", key, name)
			}
		}
	}
}

// The search script picks the singular of a count of one from the strings the page gives it.
func TestSearchPageGivesTheScriptItsSingularForms(t *testing.T) {
	sitetest.Run(t, "").OK().File("search/index.html", "more.one", "Altro %d")
}

// A real action title with a colon and a space in it, unquoted, is reported at that colon's
// line and column in the file, with the quoted line to write instead.
func TestAColonInATitleIsReportedAtItsColumnWithTheQuotedFix(t *testing.T) {
	sitetest.Run(t, "-- content/plan/actions/cap3-32.md --\n---\nobjective: o1\ntitle: CAP3.32: Definizione delle linee guida\n---\n").Failed().
		Diag(`content/plan/actions/cap3-32.md:3:15: invalid YAML: mapping values are not allowed in this context; a colon followed by a space starts a new key, so put the value in quotes: title: "CAP3.32: Definizione delle linee guida"`)
}
