package generator_test

import (
	"regexp"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// wideBlocks is a proposal with a code block and a table wider than a phone.
const wideBlocks = `
-- content/proposals/p1/index.md --
---
title: Proposta uno
body: c_h223
date: 2025-02-01
targets: [a1]
status: open
---
Il comando:

    pspm build --source /percorso/molto/lungo/del/repository/del/piano --destination /pubblico

| Ente | Comuni coinvolti | Comuni completati (ottobre 2026) | Note molto lunghe che non entrano |
|---|--:|--:|---|
| Piacenza | 26 | 20 | nessuna |
`

// A keyboard user scrolls a wide code block or table only if it takes the focus, and a
// screen-reader user hears what it is: each is a region named in the page's language.
func TestCodeBlocksAndTablesAreFocusableRegionsNamedInThePageLanguage(t *testing.T) {
	b := sitetest.Run(t, wideBlocks).OK()
	b.File("proposals/p1/index.html",
		`<pre tabindex="0" role="region" aria-labelledby="label-code"><code>pspm build`,
		`<div class="table-wrap" tabindex="0" role="region" aria-labelledby="label-table"><table>`,
		`<span id="label-code">Codice</span>`, `<span id="label-table">Tabella</span>`)
	b.File("en/proposals/p1/index.html",
		`<pre tabindex="0" role="region" aria-labelledby="label-code">`,
		`<span id="label-code">Code</span>`, `<span id="label-table">Table</span>`)
}

var tableWrapRE = regexp.MustCompile(`<div class="table-wrap"[^>]*>`)
var namedRegionRE = regexp.MustCompile(`^<div class="table-wrap" tabindex="0" role="region" aria-(labelledby|label)="[^"]+">$`)

// The theme's tables scroll on their own at a phone's width: every scroll container takes
// the focus and has a name, on every page that has one.
func TestEveryThemeTableScrollsAsAFocusableNamedRegion(t *testing.T) {
	b := sitetest.Run(t, wideBlocks).OK()
	seen := 0
	files := b.Out.Files()
	for _, name := range b.Out.Names() {
		for _, wrap := range tableWrapRE.FindAll(files[name], -1) {
			seen++
			if !namedRegionRE.Match(wrap) {
				t.Errorf("%s: a table scrolls without taking the focus or without a name: %s", name, wrap)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no table in the site: the test is blind")
	}
}
