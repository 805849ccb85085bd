package render

import (
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"strings"

	"github.com/pspm-dev/pspm/generator/site"
)

// htmlOf marks the output of the markdown package as safe HTML: that package is the one
// place where contributed Markdown becomes HTML, and it guarantees the result is safe.
func htmlOf(s string) template.HTML { return template.HTML(s) }

// indicatorChart draws an indicator's values over time as an inline SVG line chart, with
// dashed lines for the baseline and the target. It is an image with a label; the page
// carries the same numbers in a table for readers who cannot see it.
func indicatorChart(baseline, target float64, vals []site.Value, label string) template.HTML {
	if len(vals) == 0 {
		return ""
	}
	const w, h, pad = 320.0, 120.0, 8.0
	lo, hi := min(baseline, target), max(baseline, target)
	for _, v := range vals {
		lo, hi = min(lo, v.Value), max(hi, v.Value)
	}
	if hi == lo {
		hi = lo + 1
	}
	t0, t1 := vals[0].Date.Unix(), vals[len(vals)-1].Date.Unix()
	x := func(i int) float64 {
		if t1 == t0 {
			return w / 2
		}
		return pad + (w-2*pad)*float64(vals[i].Date.Unix()-t0)/float64(t1-t0)
	}
	y := func(v float64) float64 { return h - pad - (h-2*pad)*(v-lo)/(hi-lo) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<line class="baseline" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/>`, pad, w-pad, y(baseline), y(baseline))
	fmt.Fprintf(&b, `<line class="target" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/>`, pad, w-pad, y(target), y(target))
	b.WriteString(`<polyline class="values" points="`)
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", x(i), y(v.Value))
	}
	b.WriteString(`"/>`)
	for i, v := range vals {
		fmt.Fprintf(&b, `<circle class="point" cx="%.1f" cy="%.1f" r="3"/>`, x(i), y(v.Value))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
