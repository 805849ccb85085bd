package render_test

import (
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/theme"
)

// TestPreparingAgainRendersNoCardTwice: pspm serve prepares the site again after each
// edit, with new templates each time; its memo gives back every card whose content did
// not change, in every language, however many times it is prepared.
func TestPreparingAgainRendersNoCardTwice(t *testing.T) {
	fsys := demo.Site()
	res, err := generator.Inspect(generator.Options{Source: fsys})
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if len(res.Config.Languages) < 2 {
		t.Fatalf("the demo has %d languages, want 2", len(res.Config.Languages))
	}
	var memo render.Memo
	md := markdown.New()
	for i := range 3 {
		chain, err := theme.New(fsys, res.Config.Theme)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := render.Prepare(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: md, Version: "test"}, &memo); err != nil {
			t.Fatal(err)
		}
		made := render.CardsMade(&memo)
		switch {
		case i == 0 && made < 50:
			t.Fatalf("the first Prepare rendered %d cards", made)
		case i > 0 && made != 0:
			t.Errorf("Prepare %d rendered %d cards again", i+1, made)
		}
	}
}
