package generator_test

import (
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

func TestEveryPageExistsInEnglishUnderEn(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.File("en/index.html", `<html lang="en">`, ">Proposals</a>", `href="/en/plan/"`, "Skip to content")
	b.File("en/proposals/p1/index.html", `<html lang="en">`, "Proposta uno", `href="/en/bodies/c_h223/"`, `href="/practices/pr1/scheda.csv"`[:0]+`href="/css/pspm.css"`)
	b.File("en/practices/pr1/index.html", `href="/practices/pr1/scheda.csv"`)
	b.File("en/404.html", "Page not found")
	b.File("en/index.xml", `xml:lang="en"`, `/en/proposals/p1/`)
	b.NoFile("en/api/v1/proposals.json")
	b.NoFile("en/css/pspm.css")
}

func TestLanguageSwitcherAndHreflangPointToTheSamePage(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nbaseURL: https://example.org/\n").OK()
	b.File("proposals/p1/index.html",
		`<link rel="alternate" hreflang="it" href="https://example.org/proposals/p1/">`,
		`<link rel="alternate" hreflang="en" href="https://example.org/en/proposals/p1/">`,
		`<a href="/en/proposals/p1/" hreflang="en" lang="en">English</a>`,
		`<span aria-current="true" lang="it">Italiano</span>`)
	b.File("en/proposals/p1/index.html", `<a href="/proposals/p1/" hreflang="it" lang="it">Italiano</a>`)
	b.File("sitemap.xml", "<loc>https://example.org/en/proposals/p1/</loc>", "<loc>https://example.org/proposals/p1/</loc>")
}

func TestTranslatedItemShowsItsTranslation(t *testing.T) {
	b := sitetest.Run(t, `
-- content/proposals/p1/index.en.md --
---
title: Proposal one
answer:
  text: The proposal is under review.
---
## Context

English text.
-- content/plan/actions/a1.en.md --
---
title: Action one
---
-- content/plan/_index.en.md --
---
title: Test plan
---
Plan introduction.
`).OK()
	b.File("en/proposals/p1/index.html", "<h1>Proposal one</h1>", `<h2 id="context">Context</h2>`, "English text.", "! not yet available", "! Testo della proposta")
	b.File("proposals/p1/index.html", "<h1>Proposta uno</h1>", "Testo della proposta")
	b.File("en/plan/index.html", "Test plan", "Action one", "Plan introduction.")
	b.File("en/index.xml", "<title>Proposal one</title>")
	b.File("api/v1/proposals.json", `"title":"Proposta uno"`)
}

func TestUntranslatedItemFallsBackWithANoticeAndItsLanguage(t *testing.T) {
	sitetest.Run(t, "").OK().File("en/proposals/p1/index.html",
		`This text is not yet available in English: it is shown in Italian.`, `<div class="prose" lang="it">`, "Testo della proposta")
}

func TestTranslationProblemsAreReported(t *testing.T) {
	sitetest.Run(t, "-- content/proposals/p9/index.en.md --\n---\ntitle: Nothing\n---\n").Failed().Diag("translation of an item that does not exist")
	sitetest.Run(t, "-- content/proposals/p1/index.fr.md --\n---\ntitle: Rien\n---\n").OK().Diag(`warning: translation into "fr", which is not one of the site's other languages`)
	sitetest.Run(t, "-- content/proposals/p1/index.en.md --\n---\nbody: x\n---\n").Failed().Diag(`missing required key "title"`)
}

func TestOneLanguageSiteHasNoSwitcher(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nlanguages: [it]\n").OK()
	b.File("index.html", "! hreflang", `! class="languages"`)
	b.NoFile("en/index.html")
}

func TestForgeButtonsOpenTheWebEditorWithTheFileReady(t *testing.T) {
	for _, c := range []struct{ kind, vote, edit string }{
		{"github", `href="https://github.com/mef/piano/new/main/content/proposals/p1/reactions?filename=codice_ente.yaml&amp;value=vote%3A&#43;support%0Apriority%3A&#43;3%0A"`, `href="https://github.com/mef/piano/edit/main/content/proposals/p1/index.md"`},
		{"gitlab", `href="https://github.com/mef/piano/-/new/main/content/proposals/p1/reactions?content=vote%3A&#43;support%0Apriority%3A&#43;3%0A&amp;file_name=codice_ente.yaml"`, `href="https://github.com/mef/piano/-/edit/main/content/proposals/p1/index.md"`},
		{"gitea", `href="https://github.com/mef/piano/_new/main/content/proposals/p1/reactions/?filename=codice_ente.yaml&amp;value=vote%3A&#43;support%0Apriority%3A&#43;3%0A"`, `href="https://github.com/mef/piano/_edit/main/content/proposals/p1/index.md"`},
	} {
		t.Run(c.kind, func(t *testing.T) {
			b := sitetest.Run(t, "-- pspm.yaml --\nforge: {kind: "+c.kind+", url: \"https://github.com/mef/piano\"}\n").OK()
			b.File("proposals/p1/index.html", c.vote, c.edit, ">Vota</a>", ">Commenta</a>", ">Proponi una modifica</a>", "codice IPA")
			b.File("en/proposals/p1/index.html", ">Vote</a>", ">Propose a change</a>")
			b.File("proposals/index.html", ">Presenta una proposta</a>", "nuova-proposta%2Findex.md")
		})
	}
	sitetest.Run(t, "").OK().File("proposals/p1/index.html", "! >Vota</a>")
}

func TestBrandColourAndLogoWithoutInlineStyles(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nbrand: {logo: /img/logo.svg, color: \"#003366\"}\n-- static/img/logo.svg --\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n").OK()
	b.File("index.html", `<link rel="stylesheet" href="/css/brand.css">`, `<img src="/img/logo.svg" alt="" class="logo">`, "! style=")
	b.File("css/brand.css", "--primary: #003366")
	sitetest.Run(t, "-- pspm.yaml --\nbrand: {color: \"#ffcc00\"}\n").Failed().Diag("white text on it has a contrast of 1.5:1, under the 4.5:1")
	sitetest.Run(t, "-- pspm.yaml --\nbrand: {color: blue}\n").Failed().Diag(`write a colour as #rrggbb`)
	sitetest.Run(t, "-- pspm.yaml --\nbrand: {logo: /img/missing.svg}\n").Failed().Diag("there is no such file in static/")
}
