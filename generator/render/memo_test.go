package render_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
)

// TestPreparingAgainRendersNoCardTwice: pspm serve prepares the site again after each
// edit, with new templates each time, and renders the pages asked for; its memo gives
// back every card whose content did not change, in every language, however many times
// it is prepared.
func TestPreparingAgainRendersNoCardTwice(t *testing.T) {
	fsys := demo.Site()
	res, _ := inspect(t, fsys)
	if len(res.Config.Languages) < 2 {
		t.Fatalf("the demo has %d languages, want 2", len(res.Config.Languages))
	}
	var memo render.Memo
	md := markdown.New()
	var p *render.Prepared
	for i := range 4 {
		again, chain := inspect(t, fsys)
		if i == 3 {
			res = again // the content read again: the same texts in new strings
		}
		var err error
		if p, err = render.Prepare(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: md, Version: "test"}, &memo); err != nil {
			t.Fatal(err)
		}
		texts := render.TextsMade(&memo)
		// Cards are made when a page asks for them: every page is asked for.
		for _, path := range p.Paths() {
			if _, err := p.Render(path); err != nil {
				t.Fatal(err)
			}
		}
		made := render.CardsMade(&memo)
		switch {
		case i == 0 && (made < 50 || texts < 50):
			t.Fatalf("the first Prepare rendered %d cards and %d texts", made, texts)
		case i > 0 && (made != 0 || texts != 0):
			t.Errorf("Prepare %d rendered %d cards and %d texts again", i+1, made, texts)
		}
	}
	list, err := p.Render("proposals/index.html")
	if err != nil {
		t.Fatal(err)
	}

	// A proposal whose text changed shows its new summary on its card, and only its card
	// and text are rendered again.
	var it *site.Item
	for _, pr := range res.Site.Proposals {
		if bytes.Contains(list, []byte(pr.URL())) && pr.Translations == nil {
			it = &pr.Item
			break
		}
	}
	if it == nil {
		t.Fatal("no proposal of the list without translations")
	}
	it.SetText("Un riassunto nuovo di zecca per la scheda.\n\n" + it.Text())
	_, chain := inspect(t, fsys)
	if p, err = render.Prepare(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: md, Version: "test"}, &memo); err != nil {
		t.Fatal(err)
	}
	if list, err = p.Render("proposals/index.html"); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(list, []byte("Un riassunto nuovo di zecca per la scheda.")) {
		t.Error("the list shows the card of the old summary")
	}
	for _, path := range p.Paths() {
		if _, err := p.Render(path); err != nil {
			t.Fatal(err)
		}
	}
	if made, texts := render.CardsMade(&memo), render.TextsMade(&memo); made == 0 || made > 4 || texts == 0 || texts > 4 {
		t.Errorf("one text changed: %d cards and %d texts rendered again", made, texts)
	}
}

// TestPreparingAgainKeepsTheTemplates: pspm serve prepares the site again after each
// edit; the templates of a language are parsed again only when what they are made from
// changed (a layout, a string of the language), and kept otherwise.
func TestPreparingAgainKeepsTheTemplates(t *testing.T) {
	dir, prepare := preparer(t)
	first := prepare()
	if _, err := first.Render("index.html"); err != nil { // templates that ran are kept too
		t.Fatal(err)
	}
	second := prepare()
	for i := range 2 {
		if render.TemplateOf(second, i, "proposal") != render.TemplateOf(first, i, "proposal") {
			t.Errorf("language %d: the templates were parsed again, though nothing changed", i)
		}
	}
	page, err := second.Render("index.html")
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := first.Render("index.html"); !bytes.Equal(page, want) {
		t.Error("the kept templates render another home page")
	}

	// A string of the first language: its templates are made again, not the other's.
	add := func(rel, text string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(filepath.Join(dir, rel), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.WriteString(text); err != nil {
			t.Fatal(err)
		}
	}
	add("i18n/it.yaml", "\nzz.test: \"una stringa nuova\"\n")
	third := prepare()
	if render.TemplateOf(third, 0, "proposal") == render.TemplateOf(second, 0, "proposal") {
		t.Error("a new string of the language: its templates were kept")
	}
	if render.TemplateOf(third, 1, "proposal") != render.TemplateOf(second, 1, "proposal") {
		t.Error("a new string of another language: the templates were made again")
	}

	// A layout: every language's.
	add("layouts/partials/zz-test.html", "{{define \"zz-test\"}}x{{end}}\n")
	fourth := prepare()
	for i := range 2 {
		if render.TemplateOf(fourth, i, "proposal") == render.TemplateOf(third, i, "proposal") {
			t.Errorf("language %d: a new layout, and the templates were kept", i)
		}
	}
}

// TestAnOldSnapshotLeavesNoCardForTheNext: pspm serve renders the pages of its last
// snapshot while it prepares the next one. A card an old page renders with the old card
// template, once a Prepare with a new card template began, is not kept for the new one:
// its pages show the new template's cards.
func TestAnOldSnapshotLeavesNoCardForTheNext(t *testing.T) {
	dir, prepare := preparer(t)
	old := prepare()
	card, err := fs.ReadFile(os.DirFS("../../themes/default"), "layouts/partials/card.html")
	if err != nil {
		t.Fatal(err)
	}
	const mark = "zz-card-of-the-new-template"
	newCard := bytes.Replace(card, []byte(`<article class="card card-{{.Kind}}">`), []byte(`<article class="card card-{{.Kind}} `+mark+`">`), 1)
	if bytes.Equal(newCard, card) {
		t.Fatal("the default card template changed: update this test")
	}
	if err := os.MkdirAll(filepath.Join(dir, "layouts", "partials"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "layouts", "partials", "card.html"), newCard, 0o644); err != nil {
		t.Fatal(err)
	}
	next := prepare()
	for _, path := range []string{"proposals/index.html", "en/proposals/index.html"} {
		page, err := old.Render(path)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(page, []byte(mark)) {
			t.Fatalf("%s: the old snapshot renders the new card template", path)
		}
		if page, err = next.Render(path); err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(page, []byte(mark)); n == 0 || n != bytes.Count(page, []byte(`<article class="card `)) {
			t.Errorf("%s: %d of %d cards of the new template", path, n, bytes.Count(page, []byte(`<article class="card `)))
		}
	}
}

// preparer copies the demo into a folder, and returns it and a function that prepares it
// as it is then, with one memo for all its calls, as pspm serve does after each edit.
func preparer(t *testing.T) (string, func() *render.Prepared) {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	var memo render.Memo
	md := markdown.New()
	return dir, func() *render.Prepared {
		t.Helper()
		res, chain := inspect(t, fsys)
		p, err := render.Prepare(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: md, Version: "test"}, &memo)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
}

// inspect makes the model of the site fsys, and its theme.
func inspect(t *testing.T, fsys fs.FS) (*generator.Result, *theme.Chain) {
	t.Helper()
	res, err := generator.Inspect(generator.Options{Source: fsys})
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	chain, err := theme.New(fsys, res.Config.Theme)
	if err != nil {
		t.Fatal(err)
	}
	return res, chain
}
