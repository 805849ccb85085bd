package render

import (
	"sync"
	"testing"
	"unsafe"

	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
)

// TestInternedKeepsOneCopyOfEachBar: equal bars, from any goroutine, come back as one
// copy; a different one as its own, equal to it; the empty bar stays empty, and pspm
// serve's nil *interned returns what it is given.
func TestInternedKeepsOneCopyOfEachBar(t *testing.T) {
	var in interned
	bar := func(n string) template.HTML { return template.HTML(`<svg aria-label="` + n + ` voti"></svg>`) }
	first := in.of(bar("3"))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if got := in.of(bar("3")); unsafe.StringData(string(got)) != unsafe.StringData(string(first)) {
				t.Error("an equal bar was kept twice")
			}
		})
	}
	wg.Wait()
	other := in.of(bar("4"))
	if other != bar("4") || unsafe.StringData(string(other)) == unsafe.StringData(string(first)) {
		t.Errorf("another bar: %q", other)
	}
	if in.of("") != "" || len(in.m) != 2 {
		t.Errorf("%d bars kept, want 2", len(in.m))
	}
	var none *interned
	if h := bar("5"); none.of(h) != h {
		t.Error("pspm serve's bars changed")
	}
}
