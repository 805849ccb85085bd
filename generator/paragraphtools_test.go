package generator_test

import (
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/themes"
)

// paragraphsOverlay is a site whose texts have anchored paragraphs: one proposal of
// several paragraphs, one commented on its second paragraph, one whose folder is named
// like the ids the paragraph tools are made with, and a practice.
func paragraphsOverlay(forge string) string {
	text := "Primo paragrafo.\n\nSecondo paragrafo, con un [collegamento](https://example.org/).\n\n- una voce\n- un'altra voce\n\n## Titolo\n\nUltimo paragrafo.\n"
	prop := func(dir, title string) string {
		return "-- content/proposals/" + dir + "/index.md --\n---\ntitle: " + title + "\nbody: c_h223\ndate: 2025-02-01\nstatus: open\n---\n" + text
	}
	return "-- pspm.yaml --\ntitle: Prova\n" + forge +
		prop("p2", "Proposta due") + prop("p3", "Proposta tre") + prop("p-stmpstmp", "Proposta quattro") + prop("p-tmsptmsp", "Proposta cinque") +
		"-- content/proposals/p3/feedback/c_h223-par.md --\n---\ntitle: Sul secondo\ndate: 2025-02-11\nparagraph: " +
		markdown.AnchorOf("Secondo paragrafo, con un collegamento.") + "\n---\nBene.\n" +
		"-- content/practices/pr2/index.md --\n---\ntitle: Pratica due\nbody: c_h223\ndate: 2025-02-01\nkind: experience\n---\n" + text
}

// TestParagraphToolsMadeOnceAreThoseOfEachParagraph: with the built-in paragraph-tools
// template, an item's paragraphs share one execution of it; every page is the same
// byte for byte as with the same template given by the site, which is executed for
// each paragraph. With a forge (its comment links hold the item's folder), without, and
// with a translation of the tools' label that holds the ids the stamp is made with.
func TestParagraphToolsMadeOnceAreThoseOfEachParagraph(t *testing.T) {
	widgets, err := fs.ReadFile(themes.Default(), "layouts/partials/widgets.html")
	if err != nil {
		t.Fatal(err)
	}
	// The site's own string for the paragraph link holds both stand-in ids, in the
	// text and in an attribute of the tools.
	label := "-- i18n/it.yaml --\nthread.paragraph_link: \"Collegamento p-stmpstmp o p-tmsptmsp\"\n"
	for _, forge := range []string{"forge: {kind: github, url: https://github.com/ente/portale}\n", "forge: {kind: gitlab, url: https://gitlab.example.org/ente/portale}\n", "", label} {
		overlay := paragraphsOverlay(forge)
		builtIn := sitetest.Run(t, overlay).OK().Out.Files()
		own := sitetest.Run(t, overlay+"-- layouts/partials/widgets.html --\n"+string(widgets)).OK().Out.Files()
		var pages []string
		for name := range builtIn {
			if strings.HasSuffix(name, ".html") {
				pages = append(pages, name)
			}
		}
		sort.Strings(pages)
		if forge == label && !strings.Contains(string(builtIn["proposals/p2/index.html"]), "Collegamento p-stmpstmp o p-tmsptmsp") {
			t.Errorf("the site's string for the paragraph link is not on the page")
		}
		tools := 0
		for _, name := range pages {
			if string(builtIn[name]) != string(own[name]) {
				t.Errorf("%q: %s differs from the page of the same template executed for each paragraph", forge, name)
			}
			tools += strings.Count(string(builtIn[name]), `<span class="paragraph-tools">`)
		}
		if tools < 5*6 {
			t.Errorf("%q: %d paragraph tools in all, want at least 6 in each of the 5 texts", forge, tools)
		}
		if page := string(builtIn["proposals/p-stmpstmp/index.html"]); strings.HasPrefix(forge, "forge") && !strings.Contains(page, "proposals/p-stmpstmp/feedback") {
			t.Errorf("%q: the comment links of proposals/p-stmpstmp lack its folder", forge)
		}
	}
}

// TestASitesParagraphToolsAreExecutedForEachParagraph: a site's own paragraph-tools
// template (here in a partial read after the built-in widgets.html, so that it replaces
// the built-in one) may write anything of the id (here something for one paragraph only); each paragraph
// gets its own.
func TestASitesParagraphToolsAreExecutedForEachParagraph(t *testing.T) {
	first := markdown.AnchorOf("Primo paragrafo.")
	overlay := paragraphsOverlay("forge: {kind: github, url: https://github.com/ente/portale}\n") +
		"-- layouts/partials/zz-tools.html --\n{{define \"paragraph-tools\"}}<span class=\"own-tools\">{{.ID}}|{{if eq .ID \"" + first + "\"}}the first{{end}}</span>{{end}}\n"
	page := string(sitetest.Run(t, overlay).OK().Out.Files()["proposals/p2/index.html"])
	for _, want := range []string{`<span class="own-tools">` + first + "|the first</span>", `<span class="own-tools">` + markdown.AnchorOf("Ultimo paragrafo.") + "|</span>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}
