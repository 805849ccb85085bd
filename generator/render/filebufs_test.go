package render_test

import (
	"bytes"
	"crypto/sha256"
	"runtime"
	"sync"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

// TestFilesMadeInReusedBuffersAreWrittenWhole: a build makes its pages and feeds in
// buffers that the next files reuse once written. Written through a writer that takes
// its time over each file and checks that the bytes it was given did not change
// meanwhile, the demo (in every kind of build: texts made once or lazily, with a page
// cache) gives the bytes of a build that makes every file afresh.
func TestFilesMadeInReusedBuffersAreWrittenWhole(t *testing.T) {
	fsys := demo.Site()
	res, chain := inspect(t, fsys)
	for _, lazy := range []int{0, -1} {
		build := func(reuse bool) map[string][]byte {
			defer render.ReuseFileBuffers(reuse)()
			out := &slowChecking{t: t, w: output.NewMem()}
			o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test",
				LazyTextsAbove: lazy, Pages: keepNone{}, Generator: []byte("test")}
			if err := render.Render(o, out); err != nil {
				t.Fatal(err)
			}
			return out.w.Files()
		}
		afresh, reused := build(false), build(true)
		if len(afresh) != len(reused) || len(afresh) < 500 {
			t.Fatalf("%d files made afresh, %d in reused buffers", len(afresh), len(reused))
		}
		for name, data := range afresh {
			if !bytes.Equal(data, reused[name]) {
				t.Fatalf("%s differs when made in a reused buffer", name)
			}
		}
	}
}

// slowChecking writes to w, slowly, and fails when the bytes of a file change while it
// writes them.
type slowChecking struct {
	t  *testing.T
	w  *output.Mem
	mu sync.Mutex
}

func (s *slowChecking) WriteFile(name string, data []byte) error {
	before := sha256.Sum256(data)
	for range 20 {
		runtime.Gosched()
	}
	if err := s.w.WriteFile(name, data); err != nil {
		return err
	}
	if sha256.Sum256(data) != before {
		s.t.Errorf("%s changed while it was written", name)
	}
	return nil
}
