package markdown_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
)

// pathological are the inputs that cost the most to render per byte, and whether Check
// (with the default limits) is meant to refuse them before rendering.
var pathological = []struct {
	name string
	src  string
}{
	{"ordinary-4KB", strings.Repeat("Un paragrafo con [un link](/x), *enfasi*, `codice` e www.example.org.\n\n- uno\n- due\n\n", 45)},
	{"nested-list-1000", nestedList("", 1000)},                                                                  // 1 MB; Check refuses it
	{"nested-list-in-quote-1000", nestedList("> ", 1000)},                                                       // 1 MB; Check lets it through
	{"table-2000-columns-11KB", table(2000, (11000-8002)/3)},                                                    // renders to 20 MB; Check refuses it
	{"brackets-50000", strings.Repeat("[", 50000)},                                                              // Check lets it through
	{"stars-50000", strings.Repeat("*", 50000)},                                                                 // Check lets it through
	{"link-openers-64KB", strings.Repeat("[](", (64<<10)/3)},                                                    // quadratic; Check lets it through
	{"emphasis-mix-64KB", strings.Repeat("*a_", (64<<10)/3)},                                                    // quadratic; Check lets it through
	{"reference-expansion-40KB", "[a]: /" + strings.Repeat("u", 10000) + "\n\n" + strings.Repeat("[a]", 10000)}, // renders to 50 MB
}

// BenchmarkRenderPathological measures the worst inputs known; compare with
// ordinary-4KB. Run with -benchtime=1x: some take seconds.
func BenchmarkRenderPathological(b *testing.B) {
	r := markdown.New()
	for _, p := range pathological {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.src)))
			src := []byte(p.src)
			var out int
			for b.Loop() {
				out = len(r.Render(src).HTML)
			}
			b.ReportMetric(float64(out)/float64(len(src)), "out/in")
		})
	}
}

// BenchmarkCheck shows that Check costs little on the same inputs.
func BenchmarkCheck(b *testing.B) {
	lim := markdown.Limits{TableCells: 10000, Nesting: 32}
	for _, p := range pathological {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(p.src)))
			src := []byte(p.src)
			var refused bool
			for b.Loop() {
				var errs diag.List
				markdown.Check("f.md", 1, src, lim, &errs)
				refused = errs.HasErrors()
			}
			if refused {
				b.ReportMetric(1, "refused")
			} else {
				b.ReportMetric(0, "refused")
			}
		})
	}
}

// BenchmarkDuplicateHeadings renders 20,000 headings with the same text (140 KB), each
// of which needs an anchor of its own: the cost must grow linearly with the headings.
func BenchmarkDuplicateHeadings(b *testing.B) {
	src := []byte(strings.Repeat("# same\n", 20000))
	r := markdown.New()
	b.SetBytes(int64(len(src)))
	var out string
	for b.Loop() {
		out = r.Render(src).HTML
	}
	if !strings.Contains(out, `id="same-19999"`) {
		b.Fatalf("the last heading has no anchor of its own: %.200q", out[max(0, len(out)-200):])
	}
}

// BenchmarkRealDocument renders a long document of the shape public bodies publish (an
// HTML block in the middle) and inspects it as content loading does: Inspect parses
// without rendering, so it costs less than Render.
func BenchmarkRealDocument(b *testing.B) {
	s, _ := realDocument(60, 12)
	src := []byte(s)
	r := markdown.New()
	b.Run("render", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			_ = r.Render(src)
		}
	})
	b.Run("inspect", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		for b.Loop() {
			var errs diag.List
			markdown.Inspect("f.md", 1, src, &errs)
		}
	})
}

// BenchmarkRenderAnchored compares rendering with paragraph anchors (item pages of plan
// items and proposals) with plain rendering, on an ordinary text and on a text of one-word
// paragraphs, the most anchors per byte.
func BenchmarkRenderAnchored(b *testing.B) {
	r := markdown.New()
	for _, p := range []struct{ name, src string }{
		{"ordinary-4KB", pathological[0].src},
		{"one-word-paragraphs-64KB", strings.Repeat("parola\n\n", (64<<10)/8)},
	} {
		src := []byte(p.src)
		b.Run(p.name+"/plain", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				r.Render(src)
			}
		})
		b.Run(p.name+"/anchored", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			var out int
			for b.Loop() {
				out = len(r.RenderAnchored(src).HTML)
			}
			b.ReportMetric(float64(out)/float64(len(src)), "out/in")
		})
	}
}
