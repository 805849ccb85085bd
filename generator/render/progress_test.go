package render

import (
	"encoding/xml"
	"errors"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// svgElem is an element of a chart as an XML reader sees it.
type svgElem struct {
	name  string
	attrs map[string]string
	text  string // the character data directly inside it
	depth int    // 0 for the root
}

// readSVG reads chart to its end with an XML decoder, failing the test if it is not
// well-formed, and returns its elements in document order.
func readSVG(t *testing.T, chart template.HTML) []*svgElem {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(chart)))
	var all, open []*svgElem
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, chart)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &svgElem{name: tok.Name.Local, attrs: map[string]string{}, depth: len(open)}
			for _, a := range tok.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			all, open = append(all, e), append(open, e)
		case xml.EndElement:
			open = open[:len(open)-1]
		case xml.CharData:
			if len(open) > 0 {
				open[len(open)-1].text += string(tok)
			}
		}
	}
	if len(open) != 0 || len(all) == 0 || all[0].name != "svg" {
		t.Fatalf("want one <svg> element, closed:\n%s", chart)
	}
	return all
}

func landed(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func points(dayProgress ...any) []site.ProgressPoint {
	var out []site.ProgressPoint
	for i := 0; i < len(dayProgress); i += 2 {
		out = append(out, site.ProgressPoint{Landed: landed(dayProgress[i].(string)), Progress: dayProgress[i+1].(int)})
	}
	return out
}

// The shapes of series that a chart must draw.
var progressCases = []struct {
	name   string
	points []site.ProgressPoint
	asOf   time.Time
}{
	{"one point", points("2025-01-01", 40), landed("2025-06-01")},
	{"one point as of its own date", points("2025-01-01", 40), landed("2025-01-01")},
	{"points on the same day", points("2025-01-01", 10, "2025-01-01", 30, "2025-02-01", 50), landed("2025-06-01")},
	{"all points at one instant", points("2025-01-01", 10, "2025-01-01", 30), landed("2025-01-01")},
	{"as of before the last point", points("2025-01-01", 10, "2025-03-01", 60), landed("2025-02-01")},
	{"progress going down", points("2025-01-01", 80, "2025-02-01", 20, "2025-03-01", 0), landed("2025-06-01")},
	{"progress out of range", points("2025-01-01", -5, "2025-02-01", 150), landed("2025-06-01")},
	{"no as of", points("2025-01-01", 10, "2025-02-01", 20), time.Time{}},
	{"out of order", points("2025-03-01", 60, "2025-01-01", 10), landed("2025-06-01")},
}

var progressDrawers = []struct {
	name string
	draw func([]site.ProgressPoint, time.Time, string) template.HTML
}{
	{"progressChart", func(ps []site.ProgressPoint, asOf time.Time, label string) template.HTML {
		return progressChart(ps, asOf, label, newTranslations("en", nil))
	}},
	{"progressSparkline", progressSparkline},
}

func TestProgressChartsNeedPoints(t *testing.T) {
	for _, d := range progressDrawers {
		if got := d.draw(nil, landed("2025-06-01"), "label"); got != "" {
			t.Errorf("%s(nil) = %q, want \"\"", d.name, got)
		}
	}
}

func TestProgressChartsAreWellFormedAccessibleImages(t *testing.T) {
	const label = `Progress of "A" & <script>alert('x')</script>`
	for _, d := range progressDrawers {
		for _, c := range progressCases {
			chart := d.draw(c.points, c.asOf, label)
			svg := readSVG(t, chart)
			root := svg[0]
			if root.attrs["role"] != "img" || root.attrs["aria-label"] != label {
				t.Errorf("%s, %s: role %q, aria-label %q; want an image named by the label", d.name, c.name, root.attrs["role"], root.attrs["aria-label"])
			}
			if len(svg) < 2 || svg[1].name != "title" || svg[1].depth != 1 || svg[1].text != label {
				t.Errorf("%s, %s: want <title> with the label first", d.name, c.name)
			}
			if s := string(chart); strings.Contains(s, "<script") || !strings.Contains(s, "&lt;script&gt;") {
				t.Errorf("%s, %s: the label is not escaped:\n%s", d.name, c.name, s)
			}
			for _, bad := range []string{"NaN", "Inf", "style="} {
				if strings.Contains(string(chart), bad) {
					t.Errorf("%s, %s: output holds %q:\n%s", d.name, c.name, bad, chart)
				}
			}
		}
	}
}

func TestProgressChartsAreDeterministic(t *testing.T) {
	for _, d := range progressDrawers {
		for _, c := range progressCases {
			a, b := d.draw(c.points, c.asOf, "label"), d.draw(c.points, c.asOf, "label")
			if a != b {
				t.Errorf("%s, %s: two calls differ:\n%s\n%s", d.name, c.name, a, b)
			}
		}
	}
}

func TestProgressChartDoesNotReorderItsInput(t *testing.T) {
	ps := points("2025-03-01", 60, "2025-01-01", 10)
	progressChart(ps, landed("2025-06-01"), "label", newTranslations("en", nil))
	if !ps[0].Landed.Equal(landed("2025-03-01")) {
		t.Error("progressChart sorted the caller's series")
	}
}

// The step line's geometry: plot area x 30–312, y 100 (0 %) to 8 (100 %).
func TestProgressChartDrawsSteps(t *testing.T) {
	for _, c := range []struct {
		name   string
		points []site.ProgressPoint
		asOf   time.Time
		line   string
		marks  int
	}{
		{"level until the next point, then up, then on to as of",
			points("2025-01-01", 20, "2025-01-11", 60), landed("2025-01-21"),
			"30.0,81.6 171.0,81.6 171.0,44.8 312.0,44.8", 2},
		{"down",
			points("2025-01-01", 100, "2025-01-11", 50), landed("2025-01-21"),
			"30.0,8.0 171.0,8.0 171.0,54.0 312.0,54.0", 2},
		{"one point runs on to as of",
			points("2025-01-01", 50), landed("2025-01-21"),
			"30.0,54.0 312.0,54.0", 1},
		{"one point as of its date stands in the middle",
			points("2025-01-01", 50), landed("2025-01-01"),
			"171.0,54.0 171.0,54.0", 1},
		{"as of before the last point ends at the last point",
			points("2025-01-01", 0, "2025-01-11", 100), landed("2025-01-05"),
			"30.0,100.0 312.0,100.0 312.0,8.0 312.0,8.0", 2},
		{"a later report on the same instant is a vertical step",
			points("2025-01-01", 10, "2025-01-01", 30, "2025-01-11", 30), landed("2025-01-11"),
			"30.0,90.8 30.0,90.8 30.0,72.4 312.0,72.4 312.0,72.4 312.0,72.4", 3},
		{"out of range progress is clamped",
			points("2025-01-01", -5, "2025-01-11", 150), landed("2025-01-11"),
			"30.0,100.0 312.0,100.0 312.0,8.0 312.0,8.0", 2},
	} {
		var line string
		marks := 0
		for _, e := range readSVG(t, progressChart(c.points, c.asOf, "label", newTranslations("en", nil))) {
			switch {
			case e.name == "polyline":
				line = e.attrs["points"]
			case e.name == "circle" && e.attrs["class"] == "point":
				marks++
			}
		}
		if line != c.line || marks != c.marks {
			t.Errorf("%s: line %q with %d marks, want %q with %d", c.name, line, marks, c.line, c.marks)
		}
	}
}

func TestProgressChartTellsDatesAndValuesWithoutColour(t *testing.T) {
	svg := readSVG(t, progressChart(points("2025-01-01", 20, "2025-01-11", 60), landed("2025-01-21"), "label", newTranslations("en", nil)))
	var texts, titles []string
	for _, e := range svg {
		switch e.name {
		case "text":
			texts = append(texts, e.text)
		case "title":
			titles = append(titles, e.text)
		}
	}
	if got, want := strings.Join(texts, " "), "0% 50% 100% 1 month.1 2025 21 month.1 2025"; got != want {
		t.Errorf("axis labels %q, want %q", got, want)
	}
	if got, want := strings.Join(titles, " | "), "label | 1 month.1 2025: 20% | 11 month.1 2025: 60%"; got != want {
		t.Errorf("titles %q, want %q", got, want)
	}
}

func TestProgressSparklineIsSmallWithTheLatestPointMarked(t *testing.T) {
	svg := readSVG(t, progressSparkline(points("2025-01-01", 20, "2025-01-11", 60), landed("2025-01-21"), "label"))
	root := svg[0]
	if root.attrs["width"] != "80" || root.attrs["height"] != "20" || root.attrs["viewBox"] != "0 0 80 20" {
		t.Errorf("sparkline size: %v, want 80×20", root.attrs)
	}
	var marks []string
	for _, e := range svg {
		if e.name == "circle" {
			marks = append(marks, e.attrs["cx"]+","+e.attrs["cy"])
		}
		if e.name == "text" {
			t.Errorf("sparkline has text %q, want none", e.text)
		}
	}
	// x 2–78 over 20 days: the last point, on day 10, is at 40; 60 % of 2–18 from the bottom is 8.4.
	if len(marks) != 1 || marks[0] != "40.0,8.4" {
		t.Errorf("marks %v, want one at the latest point (40.0,8.4)", marks)
	}
}
