package render_test

import (
	"bytes"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

// TestLazyTextsWriteTheSameBytes: a large site makes each proposal's and practice's HTML
// when its page or feed is written (Options.LazyTextsAbove); the demo rendered that way
// must be byte for byte the demo rendered with every text made once.
func TestLazyTextsWriteTheSameBytes(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	build := func(lazyAbove int) map[string][]byte {
		out := output.NewMem()
		if err := render.Render(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test", LazyTextsAbove: lazyAbove}, out); err != nil {
			t.Fatal(err)
		}
		return out.Files()
	}
	once, lazy := build(0), build(-1)
	if len(once) != len(lazy) || len(once) < 500 {
		t.Fatalf("%d files made once, %d lazily", len(once), len(lazy))
	}
	bad := 0
	for name, data := range once {
		if !bytes.Equal(data, lazy[name]) {
			t.Errorf("%s differs when texts are made lazily", name)
			if bad++; bad > 10 {
				t.FailNow()
			}
		}
	}
}
