package site

import (
	"testing"
	"time"
)

func day0(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAssessAgainstThisYearsTarget(t *testing.T) {
	year := func(y int, v float64) Target { return Target{Year: y, Value: v} }
	date := func(d string, v float64) Target { return Target{Date: day0(d), Value: v} }
	val := func(d string, v float64) Value { return Value{Date: day0(d), Value: v} }
	// From 2025-01-01 to 2025-12-31 is 364 days; 2025-07-02 is day 182: halfway.
	up := func(vals ...Value) *Indicator {
		return &Indicator{Baseline: 10, BaselineDate: day0("2025-01-01"), Targets: []Target{year(2025, 110), year(2026, 200)}, Values: vals}
	}
	down := func(vals ...Value) *Indicator { // lower is better: 100 down to 0 in 2025
		return &Indicator{Baseline: 100, Targets: []Target{year(2025, 0)}, Values: vals}
	}
	asOf := day0("2025-07-02")
	cases := []struct {
		name     string
		in       *Indicator
		asOf     time.Time
		status   string
		current  float64
		expected float64
	}{
		{"no values is no data", up(), asOf, TargetNoData, 110, 0},
		{"exactly on the line is on track", up(val("2025-07-02", 60)), asOf, TargetOnTrack, 110, 60},
		{"just under the line is behind", up(val("2025-07-02", 59.99)), asOf, TargetBehind, 110, 60},
		{"this year's target reached is met", up(val("2025-07-02", 110)), asOf, TargetMet, 110, 60},
		{"the final target reached is met", up(val("2025-07-02", 200)), asOf, TargetMet, 110, 60},
		{"the latest value counts, not the best", up(val("2025-03-01", 150), val("2025-07-02", 20)), asOf, TargetBehind, 110, 60},
		{"a value before the baseline date expects the baseline", up(val("2024-06-01", 10)), asOf, TargetOnTrack, 110, 10},
		{"a value after this year's deadline expects its target", up(val("2026-02-01", 109)), day0("2025-12-31"), TargetBehind, 110, 110},
		// Lower is better: the baseline stands on 1 January of the first target's year.
		{"decreasing: on the line is on track", down(val("2025-07-02", 50)), asOf, TargetOnTrack, 0, 50},
		{"decreasing: above the line is behind", down(val("2025-07-02", 50.01)), asOf, TargetBehind, 0, 50},
		{"decreasing: below the line is on track", down(val("2025-07-02", 40)), asOf, TargetOnTrack, 0, 50},
		{"decreasing: the target reached is met", down(val("2025-07-02", 0)), asOf, TargetMet, 0, 50},
		{"decreasing: beyond the target is met", down(val("2025-07-02", -1)), asOf, TargetMet, 0, 50},
	}
	for _, c := range cases {
		a := Assess(c.in, c.asOf)
		if a.Status != c.status || a.Current == nil || a.Current.Value != c.current || a.Latest != nil && a.Expected != c.expected {
			cur := -1.0
			if a.Current != nil {
				cur = a.Current.Value
			}
			t.Errorf("%s: status %q, current %v, expected %v; want %q, %v, %v", c.name, a.Status, cur, a.Expected, c.status, c.current, c.expected)
		}
	}

	// Which target is this year's.
	targets := []Target{year(2024, 1), date("2025-06-30", 2), year(2025, 3), year(2027, 4)}
	for _, c := range []struct {
		asOf string
		want float64
	}{
		{"2024-02-01", 1}, // the year's target
		{"2025-01-10", 3}, // the last of the year's two targets, a date and a year
		{"2025-09-01", 3},
		{"2026-05-01", 4}, // no target in 2026: the next one
		{"2030-01-01", 4}, // all past: the final one
		{"2020-01-01", 1}, // all ahead: the next one
	} {
		a := Assess(&Indicator{Targets: targets}, day0(c.asOf))
		if a.Current == nil || a.Current.Value != c.want || a.Final.Value != 4 {
			t.Errorf("as of %s: current %+v, want the target of value %v", c.asOf, a.Current, c.want)
		}
	}

	// Without targets there is no status; the latest value is the last listed among equal dates.
	in := &Indicator{Values: []Value{val("2025-01-01", 1), val("2025-01-01", 2)}}
	if a := Assess(in, asOf); a.Status != "" || a.Latest == nil || a.Latest.Value != 2 {
		t.Errorf("without targets: %+v", a)
	}
}

// resultPlan is plan (monitor_test.go) with expected results.
func resultPlan(t *testing.T, results ...*Result) *Site {
	t.Helper()
	s := plan(t)
	s.Results = results
	if errs := s.Index(); errs.HasErrors() {
		t.Fatal(errs)
	}
	for _, o := range s.Objectives { // plan resolved them once already
		o.Results = nil
	}
	if errs := s.Resolve(); errs.HasErrors() {
		t.Fatal(errs)
	}
	s.Derive()
	return s
}

func result(id, objective string, order int, values ...Value) *Result {
	return &Result{Item: Item{ID: id, Section: Results}, Title: "Result " + id, Objective: objective, Order: order,
		Indicators: []Indicator{{Name: "I", Baseline: 0, Targets: []Target{{Year: 2025, Value: 10}}, Values: values}}}
}

// Monitoring follows the approved plan's results, each with the values the work tree
// reports; a result only in the draft waits for a version to approve it.
func TestMonitorTakesApprovedResultsWithTheirLiveValues(t *testing.T) {
	approved := &Version{Name: "2025.1", Plan: resultPlan(t,
		result("r2", "o3", 1), result("r1", "o1", 1, Value{Date: day0("2025-03-01"), Value: 2}))}
	draft := resultPlan(t,
		result("r1", "o1", 1, Value{Date: day0("2025-03-01"), Value: 2}, Value{Date: day0("2025-06-01"), Value: 9}),
		result("r3", "o1", 2))
	m := Monitor(approved, draft, asOf)
	var got []string
	for _, r := range m.Plan.Results {
		got = append(got, r.ID)
	}
	equal(t, "monitored results", got, []string{"r1", "r2"})
	r1 := m.Plan.Result("r1")
	if r1 == nil || len(r1.Indicators[0].Values) != 2 || r1.ObjectiveItem == nil || r1.ObjectiveItem == draft.Objective("o1") ||
		len(r1.ObjectiveItem.Results) != 1 || r1.ObjectiveItem.Results[0] != r1 {
		t.Fatalf("r1 is not the approved result with the draft's values, under the monitored objective: %+v", r1)
	}
	if st := Assess(&r1.Indicators[0], m.AsOf).Status; st != TargetOnTrack {
		t.Errorf("r1 is %s as of %s, want on track (9 by June, 10 by December)", st, m.AsOf)
	}
	if approved.Plan.Result("r1").ObjectiveItem.Results[0] != approved.Plan.Result("r1") || len(draft.Objective("o1").Results) != 2 {
		t.Errorf("Monitor changed the plans it read")
	}
}

// Every row of PlanKinds can hold, list, add, link and unlink its items: what the
// stages that walk the table call.
func TestPlanKindsAreFullyDeclared(t *testing.T) {
	for i, k := range PlanKinds {
		if k.New == nil || k.Clone == nil || k.Items == nil || k.set == nil || k.add == nil {
			t.Errorf("kind %d (%s) lacks a function", i, k.Section)
		}
		if (k.Parent == "") != (k.link == nil) || (k.Parent == "") != (k.unlink == nil) || (k.Parent == "") != (k.ParentKey == "") {
			t.Errorf("%s: a parent needs its key, link and unlink, and only a parent", k.Name)
		}
		p := k.New(Item{ID: "x", Section: k.Section})
		if p.Base().Section != k.Section || KindOf(k.Section) != k {
			t.Errorf("%s: New makes an item of section %s", k.Name, p.Base().Section)
		}
		s := &Site{}
		k.Add(s, p)
		if got := k.Items(s); len(got) != 1 || got[0] != p {
			t.Errorf("%s: Add then Items gives %v", k.Name, got)
		}
		if c := k.Clone(p); c == p || c.Base().ID != "x" {
			t.Errorf("%s: Clone is not a copy", k.Name)
		}
	}
}
