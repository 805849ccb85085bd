package site

import (
	"testing"
	"time"
)

// plan builds a resolved and derived site with goals g1 (objectives o1, o2) and g2
// (objective o3), and the given actions. Every call makes new items, so that an approved
// plan and a draft share nothing.
func plan(t *testing.T, acts ...*Action) *Site {
	t.Helper()
	goal := func(id string, order int) *Goal {
		return &Goal{Item: Item{ID: id, Section: Goals}, Title: "Goal " + id, Order: order}
	}
	obj := func(id, goal string, order int) *Objective {
		return &Objective{Item: Item{ID: id, Section: Objectives}, Title: "Objective " + id, Goal: goal, Order: order}
	}
	s := &Site{
		Plan:       Plan{Title: "The plan", Period: "2025-2027"},
		Goals:      []*Goal{goal("g2", 2), goal("g1", 1)},
		Objectives: []*Objective{obj("o3", "g2", 1), obj("o2", "g1", 2), obj("o1", "g1", 1)},
		Actions:    acts,
	}
	if errs := s.Index(); errs.HasErrors() {
		t.Fatal(errs)
	}
	if errs := s.Resolve(); errs.HasErrors() {
		t.Fatal(errs)
	}
	s.Derive()
	return s
}

// act makes an action; order is its order under its objective.
func act(id, objective string, order int, status string, progress int) *Action {
	return &Action{Item: Item{ID: id, Section: Actions}, Title: "Action " + id, Objective: objective,
		Order: order, Status: status, Progress: progress}
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ids(as []*Action) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

func equal[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s = %v, want %v", what, got, want)
			return
		}
	}
}

var asOf = date("2025-06-10").Add(15 * time.Hour)

func TestMonitorWithoutVersionMonitorsDraft(t *testing.T) {
	draft := plan(t,
		act("a1", "o1", 1, StatusInProgress, 40),
		act("a2", "o3", 1, StatusDone, 100))
	m := Monitor(nil, draft, asOf)
	if m.Version != nil {
		t.Errorf("Version = %v, want nil", m.Version)
	}
	if !m.AsOf.Equal(asOf) || !m.Plan.Built.Equal(asOf) {
		t.Errorf("AsOf = %v, Plan.Built = %v, want %v", m.AsOf, m.Plan.Built, asOf)
	}
	if m.Plan.Plan.Title != "The plan" || m.Plan.Plan.Period != "2025-2027" {
		t.Errorf("Plan.Plan = %+v, want the draft's", m.Plan.Plan)
	}
	equal(t, "actions", ids(m.Plan.Actions), []string{"a1", "a2"})
	for _, a := range m.Plan.Actions {
		if a == draft.Action(a.ID) {
			t.Errorf("action %s is the draft's own, want a copy", a.ID)
		}
	}
	if got, want := m.Plan.Progress.Percent, draft.Progress.Percent; got != want || got != 70 {
		t.Errorf("plan progress = %d, want the draft's %d (70)", got, want)
	}
}

func TestMonitorVersionWithoutPlanMonitorsDraft(t *testing.T) {
	draft := plan(t, act("a1", "o1", 1, StatusInProgress, 40))
	m := Monitor(&Version{Name: "2025.1"}, draft, asOf)
	if m.Version != nil {
		t.Errorf("Version = %v, want nil: a version that cannot be read is not monitored", m.Version)
	}
	equal(t, "actions", ids(m.Plan.Actions), []string{"a1"})
}

func TestMonitorApprovedPlanWithLiveState(t *testing.T) {
	approved := plan(t,
		act("a1", "o1", 1, StatusPlanned, 0),
		act("a2", "o1", 2, StatusInProgress, 30),
		act("a3", "o3", 1, StatusPlanned, 10))
	approved.Action("a1").Indicators = []Indicator{{Name: "sites", Baseline: 0, Target: 10}}
	draftA1 := act("a1", "o3", 1, StatusInProgress, 80) // moved and retitled in the draft
	draftA1.Title = "Retitled"
	draftA1.Indicators = []Indicator{{Name: "sites", Baseline: 0, Target: 10, Values: []Value{{Date: date("2025-05-01"), Value: 4}}}}
	draftA1.Series = []ProgressPoint{{Landed: date("2025-03-01"), Progress: 20}, {Landed: date("2025-05-01"), Progress: 80}}
	draftA4 := act("a4", "o1", 3, StatusInProgress, 50) // not approved yet
	draftA4.Series = []ProgressPoint{{Landed: date("2025-06-01"), Progress: 50}}
	draft := plan(t, draftA1, act("a3", "o3", 1, StatusDone, 100), draftA4) // a2 removed
	v := &Version{Name: "2025.1", Plan: approved}

	m := Monitor(v, draft, asOf)

	if m.Version != v {
		t.Errorf("Version = %v, want the approved one", m.Version)
	}
	equal(t, "actions", ids(m.Plan.Actions), []string{"a1", "a2", "a3"})
	if m.Plan.Action("a4") != nil {
		t.Error("a4, only in the draft, is monitored")
	}
	a1 := m.Plan.Action("a1")
	if a1.Title != "Action a1" || a1.ObjectiveItem != m.Plan.Objective("o1") {
		t.Errorf("a1: title %q under %v, want the approved title under the monitored o1", a1.Title, a1.ObjectiveItem)
	}
	if a1.Status != StatusInProgress || a1.Progress != 80 || len(a1.Series) != 2 || len(a1.Indicators[0].Values) != 1 {
		t.Errorf("a1: %s %d%%, series %v, indicators %v; want the draft's live state", a1.Status, a1.Progress, a1.Series, a1.Indicators)
	}
	if a2 := m.Plan.Action("a2"); a2.Status != StatusInProgress || a2.Progress != 30 {
		t.Errorf("a2, removed from the draft: %s %d%%, want as approved", a2.Status, a2.Progress)
	}

	// The copies link to one another, not to the approved plan.
	o1, g1 := m.Plan.Objective("o1"), m.Plan.Goal("g1")
	if o1 == approved.Objective("o1") || g1 == approved.Goal("g1") {
		t.Fatal("objective or goal is the approved plan's own, want a copy")
	}
	if o1.GoalItem != g1 || len(g1.Objectives) != 2 || g1.Objectives[0] != o1 {
		t.Errorf("o1 under %v, g1 objectives %v; want linked copies", o1.GoalItem, g1.Objectives)
	}
	equal(t, "o1 actions", ids(o1.Actions), []string{"a1", "a2"})
	if m.Plan.PlanItem("a1") != &a1.Item || m.Plan.Items["plan/actions/a1"] != &a1.Item {
		t.Error("the monitored plan's lookups do not find its own a1")
	}

	// Roll-ups: o1 = (80+30)/2 = 55, o2 empty, g1 = 55, g2 = o3 = 100, plan = (80+30+100)/3 = 70.
	for _, c := range []struct {
		what      string
		got, want int
	}{
		{"o1", o1.Progress.Percent, 55},
		{"o2", m.Plan.Objective("o2").Progress.Percent, 0},
		{"g1", g1.Progress.Percent, 55},
		{"g2", m.Plan.Goal("g2").Progress.Percent, 100},
		{"plan", m.Plan.Progress.Percent, 70},
		{"plan actions", m.Plan.Progress.Actions, 3},
		{"plan in progress", m.Plan.Progress.ByStatus[StatusInProgress], 2},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.what, c.got, c.want)
		}
	}

	// Only monitored actions feed the updates and indicators.
	if len(m.Updates) != 2 || m.Updates[0].Action != a1 {
		t.Errorf("updates = %v, want a1's two points", m.Updates)
	}
	if len(m.Indicators) != 1 || m.Indicators[0].Achieved != 40 {
		t.Errorf("indicators = %+v, want a1's sites at 40%%", m.Indicators)
	}

	// The inputs are as they were.
	if a := approved.Action("a1"); a.Progress != 0 || a.Status != StatusPlanned || len(a.Indicators[0].Values) != 0 {
		t.Errorf("approved a1 changed: %s %d%% %v", a.Status, a.Progress, a.Indicators)
	}
	if o := approved.Objective("o1"); len(o.Actions) != 2 || o.Progress.Percent != 15 {
		t.Errorf("approved o1 changed: actions %v, progress %d", ids(o.Actions), o.Progress.Percent)
	}
	if approved.Progress.Percent != 13 || draft.Progress.Percent != 77 {
		t.Errorf("plan progress changed: approved %d, draft %d; want 13 and 77", approved.Progress.Percent, draft.Progress.Percent)
	}
	if o := draft.Objective("o3"); len(o.Actions) != 2 {
		t.Errorf("draft o3 changed: actions %v", ids(o.Actions))
	}
}

func TestMonitorRollUpExcludesCancelled(t *testing.T) {
	approved := plan(t,
		act("a1", "o1", 1, StatusDone, 100),
		act("a2", "o1", 2, StatusInProgress, 50),
		act("a3", "o1", 3, StatusInProgress, 20))
	draft := plan(t,
		act("a1", "o1", 1, StatusDone, 100),
		act("a2", "o1", 2, StatusInProgress, 50),
		act("a3", "o1", 3, StatusCancelled, 20)) // cancelled after approval
	m := Monitor(&Version{Plan: approved}, draft, asOf)
	p := m.Plan.Objective("o1").Progress
	if p.Percent != 75 || p.Actions != 3 || p.ByStatus[StatusCancelled] != 1 || p.ByStatus[StatusDone] != 1 {
		t.Errorf("o1 progress = %+v, want 75%% of 3 actions, one cancelled, one done", p)
	}
	if m.Plan.Goal("g1").Progress.Percent != 75 || m.Plan.Progress.Percent != 75 {
		t.Errorf("g1 %d%%, plan %d%%; want 75%%", m.Plan.Goal("g1").Progress.Percent, m.Plan.Progress.Percent)
	}
}

func TestMonitorOverdueAndDueSoonBoundaries(t *testing.T) {
	due := func(a *Action, day string) *Action {
		a.Due = date(day)
		return a
	}
	draft := plan(t,
		due(act("yesterday", "o1", 1, StatusInProgress, 10), "2025-06-09"),
		due(act("today", "o1", 2, StatusPlanned, 0), "2025-06-10"),
		due(act("in30", "o1", 3, StatusDelayed, 0), "2025-07-10"),
		due(act("in31", "o1", 4, StatusPlanned, 0), "2025-07-11"),
		due(act("longago", "o2", 1, StatusDelayed, 0), "2025-05-01"),
		due(act("longago-too", "o2", 2, StatusPlanned, 0), "2025-05-01"),
		due(act("done", "o2", 3, StatusDone, 100), "2025-05-01"),
		due(act("cancelled", "o2", 4, StatusCancelled, 0), "2025-06-11"),
		act("undated", "o3", 1, StatusPlanned, 0),
		due(act("tomorrow", "o3", 2, StatusInProgress, 0), "2025-06-11"))

	m := Monitor(nil, draft, asOf)
	equal(t, "overdue", ids(m.Overdue), []string{"longago", "longago-too", "yesterday"})
	equal(t, "due soon", ids(m.DueSoon), []string{"today", "tomorrow", "in30"})

	// Days are UTC days: late on 10 June west of Greenwich is already 11 June.
	west := time.Date(2025, 6, 10, 23, 30, 0, 0, time.FixedZone("-02", -2*3600))
	m = Monitor(nil, draft, west)
	equal(t, "overdue late on 10 June at -02:00", ids(m.Overdue), []string{"longago", "longago-too", "yesterday", "today"})
	equal(t, "due soon late on 10 June at -02:00", ids(m.DueSoon), []string{"tomorrow", "in30", "in31"})
}

func TestMonitorIndicatorAchieved(t *testing.T) {
	a := act("a1", "o1", 1, StatusInProgress, 0)
	a.Indicators = []Indicator{
		{Name: "rising", Baseline: 10, Target: 20, Values: []Value{
			{Date: date("2025-01-01"), Value: 12}, {Date: date("2025-03-01"), Value: 15}, {Date: date("2025-02-01"), Value: 19}}},
		{Name: "falling", Baseline: 100, Target: 50, Values: []Value{{Date: date("2025-01-01"), Value: 80}}},
		{Name: "worse", Baseline: 100, Target: 50, Values: []Value{{Date: date("2025-01-01"), Value: 110}}},
		{Name: "beyond", Baseline: 0, Target: 8, Values: []Value{{Date: date("2025-01-01"), Value: 10}}},
		{Name: "flat", Baseline: 5, Target: 5, Values: []Value{{Date: date("2025-01-01"), Value: 7}}},
		{Name: "unmeasured", Baseline: 0, Target: 10},
		{Name: "same-day", Baseline: 0, Target: 10, Values: []Value{
			{Date: date("2025-04-01"), Value: 3}, {Date: date("2025-04-01"), Value: 6}, {Date: date("2025-01-01"), Value: 9}}},
		{Name: "just-short", Baseline: 100, Target: 200, Values: []Value{{Date: date("2025-01-01"), Value: 99.5}}},
	}
	m := Monitor(nil, plan(t, a), asOf)
	if len(m.Indicators) != len(a.Indicators) {
		t.Fatalf("%d indicators, want %d", len(m.Indicators), len(a.Indicators))
	}
	want := []struct {
		latest   float64 // -1: none
		achieved int
		measured bool
	}{
		{15, 50, true},   // the latest by date, not the last written
		{80, 40, true},   // target below baseline: going down is progress
		{110, -20, true}, // moving away from the target
		{10, 125, true},
		{7, -1, false}, // target equals baseline
		{-1, -1, false},
		{6, 60, true}, // two values on the latest date: the last written
		{99.5, -1, true},
	}
	mon := m.Plan.Action("a1")
	for i, st := range m.Indicators {
		w := want[i]
		name := st.Indicator.Name
		if st.Action != mon || st.Indicator != &mon.Indicators[i] {
			t.Errorf("%s: does not point into the monitored plan", name)
		}
		switch {
		case w.latest < 0 && st.Latest != nil:
			t.Errorf("%s: latest = %v, want none", name, st.Latest.Value)
		case w.latest >= 0 && (st.Latest == nil || st.Latest.Value != w.latest):
			t.Errorf("%s: latest = %v, want %v", name, st.Latest, w.latest)
		}
		if st.Achieved != w.achieved || st.Measured() != w.measured {
			t.Errorf("%s: achieved %d (measured %v), want %d (%v)", name, st.Achieved, st.Measured(), w.achieved, w.measured)
		}
	}
}

func TestMonitorUpdatesNewestFirst(t *testing.T) {
	pt := func(day string, progress int) ProgressPoint {
		return ProgressPoint{Landed: date(day), Commit: day, Progress: progress}
	}
	a1 := act("a1", "o3", 1, StatusInProgress, 60) // o3 is under g2: last in plan order
	a1.Series = []ProgressPoint{pt("2025-01-01", 10), pt("2025-03-01", 60)}
	a2 := act("a2", "o1", 1, StatusInProgress, 40)
	a2.Series = []ProgressPoint{pt("2025-02-01", 20), pt("2025-03-01", 30), pt("2025-03-01", 40)}
	m := Monitor(nil, plan(t, a1, a2), asOf)

	type up struct {
		action, commit string
		progress, prev int // prev -1: none
	}
	var got []up
	for _, u := range m.Updates {
		prev := -1
		if u.Prev != nil {
			prev = u.Prev.Progress
		}
		got = append(got, up{u.Action.ID, u.Point.Commit, u.Point.Progress, prev})
	}
	equal(t, "updates", got, []up{
		{"a2", "2025-03-01", 40, 30}, // same instant: plan order, then the later point first
		{"a2", "2025-03-01", 30, 20},
		{"a1", "2025-03-01", 60, 10},
		{"a2", "2025-02-01", 20, -1},
		{"a1", "2025-01-01", 10, -1},
	})
	for _, u := range m.Updates {
		if u.Action != m.Plan.Action(u.Action.ID) {
			t.Errorf("update of %s does not point into the monitored plan", u.Action.ID)
		}
	}
}

func TestMonitorNothingToMonitor(t *testing.T) {
	m := Monitor(nil, nil, asOf)
	if m.Plan == nil || len(m.Plan.Actions) != 0 || m.Plan.Action("a1") != nil || m.Updates != nil || m.Indicators != nil {
		t.Errorf("Monitor(nil, nil) = %+v, want an empty plan", m)
	}
}
