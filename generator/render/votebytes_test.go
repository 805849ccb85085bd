package render_test

import (
	"os"
	"slices"
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/synth"
)

// TestVotesMeasuredInOnePassCutTheSamePages: the bytes of the bodies' votes are measured
// once, in one pass over the site's reactions; the pages of every body begin where
// measuring each body's votes one by one puts them, in every language, on a site whose
// bodies' votes fill several pages.
func TestVotesMeasuredInOnePassCutTheSamePages(t *testing.T) {
	dir := t.TempDir()
	err := synth.Generate(synth.Options{Proposals: 600, Practices: 10, Reactions: 3000, Bodies: 6, Tags: 12, Goals: 2, Objectives: 4, Actions: 12, Seed: 7, FeedbackPerProposal: 1},
		synth.WriteTo(dir))
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	res, chain := inspect(t, fsys)
	p, err := render.Prepare(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	split := 0
	for i := range res.Config.Languages {
		pass, oneByOne, measured := render.BodySplits(p, i)
		if measured < 4 {
			t.Errorf("language %d: the pass measured the votes of %d bodies", i, measured)
		}
		for id, starts := range oneByOne {
			if !slices.Equal(pass[id], starts) {
				t.Errorf("language %d, body %s: pages begin at %v, measured one by one at %v", i, id, pass[id], starts)
			}
			if len(starts) > 2 {
				split++
			}
		}
	}
	if split == 0 {
		t.Fatal("no body has more than two pages: the test cuts nothing")
	}
}
