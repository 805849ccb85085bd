package render

import (
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// progressChart draws an action's progress (0–100 %) over time as a step line from the
// first point to asOf, each point marked; label is the accessible name (already
// translated). Returns "" with no points.
//
// Progress holds from one reported point to the next, so the line steps rather than
// slopes, and runs on to asOf: the state the action is in as of the build. The chart is
// an image with a label, drawn in currentColor unless the theme styles .chart (as for
// indicatorChart); the shape of the line and the marks carry the meaning, never a
// colour. As with indicatorChart, the page should give the same numbers as text for
// readers who cannot see it.
func progressChart(points []site.ProgressPoint, asOf time.Time, label string, tr translations) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h = 320.0, 120.0
	const left, right, top, bottom = 30.0, w - 8, 8.0, h - 20 // the plot area
	s := newProgressSteps(points, asOf, left, right, bottom, top)

	var b strings.Builder
	progressSVGOpen(&b, fmt.Sprintf(`class="chart progress-chart" viewBox="0 0 %g %g"`, w, h), label)
	text := func(x, y float64, anchor, txt string) {
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" font-size="9" text-anchor="%s" dominant-baseline="middle" fill="currentColor">%s</text>`, x, y, anchor, txt)
	}
	for _, pct := range []int{0, 50, 100} {
		y := s.y(pct)
		fmt.Fprintf(&b, `<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f" stroke="currentColor" stroke-opacity="0.25" stroke-width="0.5"/>`, left, right, y, y)
		text(left-4, y, "end", template.HTMLEscapeString(tr.Percent(pct)))
	}
	// The dates in the language's words, as on the rest of the page.
	if from, to := template.HTMLEscapeString(tr.Date(s.points[0].Landed.UTC())), template.HTMLEscapeString(tr.Date(s.end.UTC())); from == to {
		text((left+right)/2, h-8, "middle", from)
	} else {
		text(left, h-8, "start", from)
		text(right, h-8, "end", to)
	}
	s.polyline(&b, 2)
	for _, p := range s.points {
		fmt.Fprintf(&b, `<circle class="point" cx="%.1f" cy="%.1f" r="3" fill="currentColor"><title>%s: %s</title></circle>`,
			s.x(p.Landed), s.y(p.Progress), template.HTMLEscapeString(tr.Date(p.Landed.UTC())), template.HTMLEscapeString(tr.Percent(clampProgress(p.Progress))))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// progressSparkline is progressChart in small (80×20), for a row of a table: the step
// line and a mark on the latest point, without axes. Returns "" with no points.
func progressSparkline(points []site.ProgressPoint, asOf time.Time, label string) template.HTML {
	if len(points) == 0 {
		return ""
	}
	const w, h, pad = 80.0, 20.0, 2.0
	s := newProgressSteps(points, asOf, pad, w-pad, h-pad, pad)

	var b strings.Builder
	progressSVGOpen(&b, fmt.Sprintf(`class="sparkline progress-sparkline" viewBox="0 0 %g %g" width="%g" height="%g"`, w, h, w, h), label)
	s.polyline(&b, 1.5)
	last := s.points[len(s.points)-1]
	fmt.Fprintf(&b, `<circle class="point" cx="%.1f" cy="%.1f" r="2" fill="currentColor"/>`, s.x(last.Landed), s.y(last.Progress))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// progressSVGOpen writes the opening of an accessible chart: an image whose name is
// label, given both as aria-label and as <title> (which also shows on hover). attrs are
// trusted.
func progressSVGOpen(b *strings.Builder, attrs, label string) {
	l := template.HTMLEscapeString(label)
	fmt.Fprintf(b, `<svg %s role="img" aria-label="%s"><title>%s</title>`, attrs, l, l)
}

// progressSteps places progress points on a plot area: time from the first point to
// asOf (or to the last point when asOf is before it) left to right, 0–100 % bottom to
// top.
type progressSteps struct {
	points         []site.ProgressPoint // by date, oldest first
	end            time.Time            // the right edge
	x0, x1, y0, y1 float64              // y0 is 0 %, y1 100 %
}

func newProgressSteps(points []site.ProgressPoint, asOf time.Time, x0, x1, y0, y1 float64) *progressSteps {
	// The series is oldest first; sorting a copy (stably) keeps the line going forward in
	// time even when commit clocks disagree.
	pts := slices.Clone(points)
	slices.SortStableFunc(pts, func(a, b site.ProgressPoint) int { return a.Landed.Compare(b.Landed) })
	end := pts[len(pts)-1].Landed
	if asOf.After(end) {
		end = asOf
	}
	return &progressSteps{points: pts, end: end, x0: x0, x1: x1, y0: y0, y1: y1}
}

// x is the abscissa of t; all points stand in the middle when they share one instant and
// asOf is not later.
func (s *progressSteps) x(t time.Time) float64 {
	t0, t1 := s.points[0].Landed.Unix(), s.end.Unix()
	if t1 <= t0 {
		return (s.x0 + s.x1) / 2
	}
	return s.x0 + (s.x1-s.x0)*float64(t.Unix()-t0)/float64(t1-t0)
}

func (s *progressSteps) y(progress int) float64 {
	return s.y0 + (s.y1-s.y0)*float64(clampProgress(progress))/100
}

// polyline writes the step line: level from each point to the next, then up or down to
// it, and level from the last point to the right edge.
func (s *progressSteps) polyline(b *strings.Builder, width float64) {
	fmt.Fprintf(b, `<polyline class="values" fill="none" stroke="currentColor" stroke-width="%g" points="`, width)
	for i, p := range s.points {
		if i > 0 {
			fmt.Fprintf(b, "%.1f,%.1f ", s.x(p.Landed), s.y(s.points[i-1].Progress))
		}
		fmt.Fprintf(b, "%.1f,%.1f ", s.x(p.Landed), s.y(p.Progress))
	}
	fmt.Fprintf(b, `%.1f,%.1f"/>`, s.x(s.end), s.y(s.points[len(s.points)-1].Progress))
}

func clampProgress(p int) int { return min(max(p, 0), 100) }
