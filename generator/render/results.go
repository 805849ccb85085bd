package render

import (
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// ResultView is the page of an expected result (/plan/results/<id>/).
type ResultView struct {
	ID, Title, Code, URL string
	Objective, Goal      Link
	Owners               []Link // the first leads
	HTML                 template.HTML
	Indicators           []ResultIndicatorView
	Contributions
}

// ResultRow is an expected result as the objective page and /monitoring/ list it: a
// link to its page and its indicators against this year's targets (without charts,
// which are on the result's page, to keep the lists within the page budget).
type ResultRow struct {
	Link
	Code       string
	Objective  Link // set on /monitoring/
	Indicators []ResultIndicatorView
}

// ResultTable is a table of expected results: Label is the id of the heading that
// names it; WithObjective adds a column for each result's objective.
type ResultTable struct {
	Label         string
	WithObjective bool
	Rows          []ResultRow
}

// ResultIndicatorView is an indicator of a result measured against the target of the
// year the site is built as of (site.Assess).
type ResultIndicatorView struct {
	Name, Unit   string
	Baseline     string
	BaselineDate time.Time // zero when not given
	Targets      []TargetView
	Values       []ValueView // by date
	Latest       string      // the latest value, "" when none
	LatestDate   time.Time
	Current      *TargetView // this year's target (see site.Assessment.Current); nil without targets
	Expected     string      // where the indicator should be at LatestDate; "" without a latest value or targets
	// Status is met, on-track, behind or no-data; "" without targets. StatusLabel says it
	// in the page's language; StatusClass is the class of an action status that looks
	// the same (status-done for met and on track, status-delayed for behind), so that the
	// default theme's style sheet needs no rule of its own.
	Status, StatusLabel, StatusClass string
	Decreasing                       bool // lower is better
	// Chart draws the values, the baseline and the targets (result pages only); the
	// page shows the same numbers in a table beside it.
	Chart template.HTML
}

// TargetView is one target: by the end of Year, or by Date (Year 0).
type TargetView struct {
	Year    int
	Date    time.Time // the deadline: Date, or 31 December of Year
	Value   string
	Current bool // this year's target
}

// resultPage renders the page of an expected result.
func (r *renderer) resultPage(res *site.Result) ([]byte, error) {
	v := &ResultView{ID: res.ID, Title: r.card(&res.Item).Title, Code: res.Code, URL: r.link(res.URL()), HTML: r.itemText(&res.Item),
		Contributions: r.contributions(&res.Item)}
	var goal, obj *site.Item
	if o := res.ObjectiveItem; o != nil {
		obj = &o.Item
		v.Objective = r.itemLink(obj)
		if o.GoalItem != nil {
			goal = &o.GoalItem.Item
			v.Goal = r.itemLink(goal)
		}
	}
	v.Owners = r.resultOwners(res)
	for i := range res.Indicators {
		v.Indicators = append(v.Indicators, r.resultIndicator(&res.Indicators[i], r.Site.Built, true))
	}
	return r.page("result", &Page{Title: v.Title, TextLang: r.textLang(&res.Item), Description: r.html[&res.Item].Summary, URL: v.URL, Result: v,
		Breadcrumbs: r.crumbs(&res.Item, goal, obj), History: r.historyView(&res.Item), Feed: r.follow(&res.Item), Follow: true})
}

// resultOwners links a result's owners, the lead first.
func (r *renderer) resultOwners(res *site.Result) []Link {
	var out []Link
	for _, id := range res.Owners {
		out = append(out, r.bodyLink(r.Site.ByBody[id], id))
	}
	return out
}

// resultTable lists results with their indicators against this year's targets, as of
// asOf; nil without results.
// link makes the link to an item from its title.
func (r *renderer) resultTable(label string, results []*site.Result, asOf time.Time, link func(it *site.Item, title string) Link, withObjective bool) *ResultTable {
	if len(results) == 0 {
		return nil
	}
	out := &ResultTable{Label: label, WithObjective: withObjective}
	for _, res := range results {
		row := ResultRow{Link: link(&res.Item, res.Title), Code: res.Code}
		if o := res.ObjectiveItem; withObjective && o != nil {
			row.Objective = link(&o.Item, o.Title)
		}
		for i := range res.Indicators {
			row.Indicators = append(row.Indicators, r.resultIndicator(&res.Indicators[i], asOf, false))
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// ResultSummary is how the indicators of the monitored plan's expected results stand
// against this year's targets, in all and objective by objective: /monitoring/ shows
// counts, so that it stays within the page budget at the size of a real plan; each
// objective's page has the indicators one by one.
type ResultSummary struct {
	Results, Indicators int
	ByStatus            []StatusCount // in the order of site.TargetStatuses, with indicators without targets left out
	Objectives          []ObjectiveResults
}

// ObjectiveResults counts the indicators of an objective's expected results by status.
type ObjectiveResults struct {
	Link           // to the objective's list of results
	Results  int   // how many results
	ByStatus []int // in the order of site.TargetStatuses
}

// monitorResults sums up the monitored plan's results for /monitoring/; nil without
// results.
func (r *renderer) monitorResults(m *site.Monitoring) *ResultSummary {
	if len(m.Plan.Results) == 0 {
		return nil
	}
	index := map[string]int{}
	for i, st := range site.TargetStatuses {
		index[st] = i
	}
	sum := &ResultSummary{Results: len(m.Plan.Results)}
	total := make([]int, len(site.TargetStatuses))
	for _, o := range m.Plan.Objectives {
		if len(o.Results) == 0 {
			continue
		}
		l := r.planItemLink(&o.Item, o.Title, m.Plan, m.Version)
		if l.URL != "" && r.Site.Objective(o.ID) != nil {
			l.URL += "#h-results"
		}
		or := ObjectiveResults{Link: l, Results: len(o.Results), ByStatus: make([]int, len(site.TargetStatuses))}
		for _, res := range o.Results {
			for i := range res.Indicators {
				sum.Indicators++
				if st := site.Assess(&res.Indicators[i], m.AsOf).Status; st != "" {
					or.ByStatus[index[st]]++
					total[index[st]]++
				}
			}
		}
		sum.Objectives = append(sum.Objectives, or)
	}
	for i, st := range site.TargetStatuses {
		sum.ByStatus = append(sum.ByStatus, StatusCount{Status: st, Label: r.tr.T("result.status." + st), Count: total[i]})
	}
	return sum
}

// resultIndicator measures in as of asOf; chart draws it too.
func (r *renderer) resultIndicator(in *site.Indicator, asOf time.Time, chart bool) ResultIndicatorView {
	a := site.Assess(in, asOf)
	v := ResultIndicatorView{Name: in.Name, Unit: in.Unit, Baseline: r.num(in.Baseline), BaselineDate: in.BaselineDate, Status: a.Status, Decreasing: a.Decreasing}
	if a.Status != "" {
		v.StatusLabel = r.tr.T("result.status." + a.Status)
	}
	switch a.Status {
	case site.TargetMet, site.TargetOnTrack:
		v.StatusClass = "status-" + site.StatusDone
	case site.TargetBehind:
		v.StatusClass = "status-" + site.StatusDelayed
	}
	for i := range in.Targets {
		t := &in.Targets[i]
		tv := TargetView{Year: t.Year, Date: t.Deadline(), Value: r.num(t.Value), Current: t == a.Current}
		v.Targets = append(v.Targets, tv)
		if tv.Current {
			c := tv
			v.Current = &c
		}
	}
	vals := append([]site.Value(nil), in.Values...)
	sort.SliceStable(vals, func(i, j int) bool { return vals[i].Date.Before(vals[j].Date) })
	for _, x := range vals {
		v.Values = append(v.Values, ValueView{Date: x.Date, Value: r.num(x.Value)})
	}
	if a.Latest != nil {
		v.Latest, v.LatestDate = r.num(a.Latest.Value), a.Latest.Date
		if a.Current != nil {
			v.Expected = r.num(math.Round(a.Expected*100) / 100)
		}
	}
	if chart {
		label := r.tr.T("result.chart", in.Name)
		if v.Current != nil {
			label += ". " + r.tr.T("result.chart.current", v.Current.Value, v.Latest, v.StatusLabel)
		}
		v.Chart = resultChart(in, vals, asOf, label)
	}
	return v
}

// resultChart draws an indicator of a result over time as an inline SVG: its values
// (line and dots), its targets (squares, joined from the baseline by a dashed line)
// and the date the site is as of (a vertical dashed line). It uses the classes of
// indicatorChart only, so that it adds nothing to the style sheet every page loads. Like indicatorChart it is an image
// with a label; the page carries the same numbers in a table beside it.
func resultChart(in *site.Indicator, vals []site.Value, asOf time.Time, label string) template.HTML {
	if len(vals) == 0 && len(in.Targets) == 0 {
		return ""
	}
	const w, h, pad = 320.0, 120.0, 8.0
	start := site.BaselineStart(in)
	t0, t1 := int64(math.MaxInt64), int64(math.MinInt64)
	lo, hi := in.Baseline, in.Baseline
	see := func(t time.Time, v float64) {
		if !t.IsZero() {
			t0, t1 = min(t0, t.Unix()), max(t1, t.Unix())
		}
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	see(start, in.Baseline)
	for _, t := range in.Targets {
		see(t.Deadline(), t.Value)
	}
	for _, v := range vals {
		see(v.Date, v.Value)
	}
	if t1 <= t0 {
		t0, t1 = t0-1, t0+1
	}
	if hi == lo {
		hi = lo + 1
	}
	x := func(t time.Time) float64 { return pad + (w-2*pad)*float64(t.Unix()-t0)/float64(t1-t0) }
	y := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = lo
		}
		return h - pad - (h-2*pad)*(v-lo)/(hi-lo)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart result-chart" viewBox="0 0 %g %g" role="img" aria-label="%s">`, w, h, template.HTMLEscapeString(label))
	fmt.Fprintf(&b, `<line class="baseline" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/>`, pad, w-pad, y(in.Baseline), y(in.Baseline))
	if d := asOf.Unix(); !asOf.IsZero() && d >= t0 && d <= t1 { // the date of the data
		fmt.Fprintf(&b, `<line class="baseline" x1="%.1f" x2="%.1f" y1="%g" y2="%g"/>`, x(asOf), x(asOf), pad, h-pad)
	}
	// Targets: dashed segments from the baseline from one to the next, and a square each.
	px, py := -1.0, 0.0
	if !start.IsZero() {
		px, py = x(start), y(in.Baseline)
	}
	for _, t := range in.Targets {
		tx, ty := x(t.Deadline()), y(t.Value)
		if px >= 0 {
			fmt.Fprintf(&b, `<line class="target" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, px, tx, py, ty)
		}
		px, py = tx, ty
	}
	for _, t := range in.Targets {
		fmt.Fprintf(&b, `<rect class="point" x="%.1f" y="%.1f" width="6" height="6"/>`, x(t.Deadline())-3, y(t.Value)-3)
	}
	if len(vals) > 0 {
		b.WriteString(`<polyline class="values" points="`)
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", x(v.Date), y(v.Value))
		}
		b.WriteString(`"/>`)
		for _, v := range vals {
			fmt.Fprintf(&b, `<circle class="point" cx="%.1f" cy="%.1f" r="3"/>`, x(v.Date), y(v.Value))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// resultJSON is an expected result in the plan's open data (under its objective).
type resultJSON struct {
	ID         string                `json:"id"`
	Title      string                `json:"title"`
	Code       string                `json:"code"`
	Owner      string                `json:"owner"`  // the lead, "" when none
	Owners     []string              `json:"owners"` // all, the lead first
	URL        string                `json:"url"`
	Indicators []resultIndicatorJSON `json:"indicators"`
}

type resultIndicatorJSON struct {
	Name         string       `json:"name"`
	Unit         string       `json:"unit"`
	Baseline     *float64     `json:"baseline"`      // null when not a finite number
	BaselineDate string       `json:"baseline_date"` // "" when not given
	Targets      []targetJSON `json:"targets"`
	Values       []valueJSON  `json:"values"`
	// Status is met, on-track, behind or no-data as of the date the site is built as of
	// (as_of), against Current, this year's target; "" without targets.
	Status  string      `json:"status"`
	AsOf    string      `json:"as_of"`
	Current *targetJSON `json:"current_target"`
}

type targetJSON struct {
	Year     int      `json:"year"`     // 0 for a target by date
	Date     string   `json:"date"`     // the date of a target by date, "" for one by year
	Deadline string   `json:"deadline"` // the date or 31 December of the year
	Value    *float64 `json:"value"`
}

type valueJSON struct {
	Date  string   `json:"date"`
	Value *float64 `json:"value"`
}

// finite is f, or nil (null in JSON, which has no NaN or infinities) when f is not finite.
func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func targetOf(t *site.Target) targetJSON {
	j := targetJSON{Year: t.Year, Deadline: isoDay(t.Deadline()), Value: finite(t.Value)}
	if t.Year == 0 {
		j.Date = isoDay(t.Date)
	}
	return j
}

// resultOpenData is res as open data, measured as of asOf; url links it.
func resultOpenData(res *site.Result, asOf time.Time, url string) resultJSON {
	j := resultJSON{ID: res.ID, Title: res.Title, Code: res.Code, Owner: res.Owner, Owners: nonNil(res.Owners), URL: url, Indicators: []resultIndicatorJSON{}}
	for i := range res.Indicators {
		in := &res.Indicators[i]
		a := site.Assess(in, asOf)
		ij := resultIndicatorJSON{Name: in.Name, Unit: in.Unit, Baseline: finite(in.Baseline), BaselineDate: isoDay(in.BaselineDate),
			Targets: []targetJSON{}, Values: []valueJSON{}, Status: a.Status, AsOf: isoDay(asOf)}
		for k := range in.Targets {
			ij.Targets = append(ij.Targets, targetOf(&in.Targets[k]))
		}
		if a.Current != nil {
			c := targetOf(a.Current)
			ij.Current = &c
		}
		for _, v := range in.Values {
			ij.Values = append(ij.Values, valueJSON{isoDay(v.Date), finite(v.Value)})
		}
		j.Indicators = append(j.Indicators, ij)
	}
	return j
}

// resultsCSV writes the rows of results.csv for the results of s, measured as of s.Built.
func resultsCSV(s *site.Site, w func(...string)) {
	asOf := isoDay(s.Built)
	for _, res := range s.Results {
		for i := range res.Indicators {
			in := &res.Indicators[i]
			st := site.Assess(in, s.Built).Status
			row := func(kind, year, date string, v float64, written bool) {
				value := ""
				if written {
					value = num(v)
				}
				w(res.ID, res.Code, res.Title, res.Objective, strings.Join(res.Owners, listSep), in.Name, in.Unit, num(in.Baseline), isoDay(in.BaselineDate),
					kind, year, date, value, st, asOf)
			}
			for _, t := range in.Targets {
				year := ""
				if t.Year != 0 {
					year = strconv.Itoa(t.Year)
				}
				row("target", year, isoDay(t.Deadline()), t.Value, true)
			}
			vals := append([]site.Value(nil), in.Values...)
			sort.SliceStable(vals, func(i, j int) bool { return vals[i].Date.Before(vals[j].Date) })
			for _, v := range vals {
				row("value", "", isoDay(v.Date), v.Value, true)
			}
			if len(in.Targets)+len(in.Values) == 0 {
				row("indicator", "", "", 0, false)
			}
		}
	}
}
