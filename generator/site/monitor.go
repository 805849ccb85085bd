package site

import (
	"math"
	"slices"
	"sort"
	"time"
)

// Monitor computes the monitoring of the approved plan as of asOf (the date of the commit
// being built, never the wall clock). approved is the latest readable version (nil: the
// draft itself is monitored); draft is the work tree's Site after Derive.
//
// The monitored plan is the approved one: its goals, objectives and actions, linked as
// approved. After approval, progress is reported in the draft, so each action's live
// state (status, progress, owner, indicators and their values, series) comes from the
// draft's action with the same id; an action removed from the draft keeps its approved
// state, and an action only in the draft is not monitored until a version approves it.
//
// Monitor reads approved.Plan and draft and changes neither: Monitoring.Plan is a new
// Site of copies, with its own roll-ups. A version whose plan could not be read
// (approved.Plan nil) cannot be monitored: the draft is, and Monitoring.Version is nil.
func Monitor(approved *Version, draft *Site, asOf time.Time) *Monitoring {
	m := &Monitoring{AsOf: asOf}
	src := draft
	if approved != nil && approved.Plan != nil {
		m.Version = approved
		src = approved.Plan
	}
	m.Plan = monitoredPlan(src, draft, asOf)

	today := dayNumber(asOf)
	for _, a := range m.Plan.Actions {
		if a.Due.IsZero() || a.Status == StatusDone || a.Status == StatusCancelled {
			continue
		}
		switch due := dayNumber(a.Due); {
		case due < today:
			m.Overdue = append(m.Overdue, a)
		case due <= today+DueSoonDays:
			m.DueSoon = append(m.DueSoon, a)
		}
	}
	// Earliest due first in both lists: the most overdue, the soonest due. The sort is
	// stable and the lists start in plan order, which breaks ties.
	byDue := func(as []*Action) {
		sort.SliceStable(as, func(i, j int) bool { return dayNumber(as[i].Due) < dayNumber(as[j].Due) })
	}
	byDue(m.Overdue)
	byDue(m.DueSoon)

	for _, a := range m.Plan.Actions {
		for i := range a.Indicators {
			m.Indicators = append(m.Indicators, indicatorStatus(a, &a.Indicators[i]))
		}
	}

	type keyed struct {
		Update
		rank, index int
	}
	var ups []keyed
	for r, a := range m.Plan.Actions {
		for i := range a.Series {
			u := keyed{Update: Update{Action: a, Point: a.Series[i]}, rank: r, index: i}
			if i > 0 {
				u.Prev = &a.Series[i-1]
			}
			ups = append(ups, u)
		}
	}
	// Newest first; at the same instant, plan order, and within one action the later
	// point of its series first.
	sort.Slice(ups, func(i, j int) bool {
		a, b := ups[i], ups[j]
		if !a.Point.Landed.Equal(b.Point.Landed) {
			return a.Point.Landed.After(b.Point.Landed)
		}
		if a.rank != b.rank {
			return a.rank < b.rank
		}
		return a.index > b.index
	})
	if len(ups) > 0 {
		m.Updates = make([]Update, len(ups))
		for i, u := range ups {
			m.Updates[i] = u.Update
		}
	}
	return m
}

// monitoredPlan copies the plan of src (goals, objectives, actions, linked between the
// copies), takes each action's live state from live's action with the same id, and
// rolls progress up as Derive does. Either may be nil.
func monitoredPlan(src, live *Site, asOf time.Time) *Site {
	p := &Site{
		Built:     asOf,
		Items:     map[string]*Item{},
		planItems: map[string]*Item{},
		planByID:  map[string]PlanItem{},
	}
	if src == nil {
		p.Progress = rollUp(nil)
		return p
	}
	p.Plan = src.Plan

	goals := make(map[*Goal]*Goal, len(src.Goals))
	for _, g := range src.Goals {
		c := *g
		c.Objectives, c.Progress = nil, Progress{}
		goals[g] = &c
		p.Goals = append(p.Goals, &c)
		p.addPlanItem(&c)
	}
	objs := make(map[*Objective]*Objective, len(src.Objectives))
	for _, o := range src.Objectives {
		c := *o
		c.GoalItem, c.Results, c.Actions, c.Progress = goals[o.GoalItem], nil, nil, Progress{}
		if c.GoalItem != nil {
			c.GoalItem.Objectives = append(c.GoalItem.Objectives, &c)
		}
		objs[o] = &c
		p.Objectives = append(p.Objectives, &c)
		p.addPlanItem(&c)
	}
	for _, r := range src.Results {
		c := *r
		if live != nil {
			if d := live.Result(r.ID); d != nil {
				c.Owners, c.Owner, c.OwnerBodies, c.Indicators = d.Owners, d.Owner, d.OwnerBodies, d.Indicators
			}
		}
		c.Indicators = slices.Clone(c.Indicators)
		c.ObjectiveItem = objs[r.ObjectiveItem]
		if c.ObjectiveItem != nil {
			c.ObjectiveItem.Results = append(c.ObjectiveItem.Results, &c)
		}
		p.Results = append(p.Results, &c)
		p.addPlanItem(&c)
	}
	for _, a := range src.Actions {
		c := *a
		if live != nil {
			if d := live.Action(a.ID); d != nil {
				c.Status, c.Progress = d.Status, d.Progress
				c.Owner, c.OwnerBody, c.Owners, c.OwnerBodies = d.Owner, d.OwnerBody, d.Owners, d.OwnerBodies
				c.Indicators, c.Series = d.Indicators, d.Series
			}
		}
		// Own copies of the lists that Monitoring points into.
		c.Indicators, c.Series = slices.Clone(c.Indicators), slices.Clone(c.Series)
		c.ObjectiveItem = objs[a.ObjectiveItem]
		if c.ObjectiveItem != nil {
			c.ObjectiveItem.Actions = append(c.ObjectiveItem.Actions, &c)
		}
		p.Actions = append(p.Actions, &c)
		p.addPlanItem(&c)
	}

	p.rollUpPlan()
	return p
}

// addPlanItem adds a goal, objective or action of a monitored plan to its lookups.
func (s *Site) addPlanItem(p PlanItem) {
	it := p.Base()
	s.addItem(it)
	s.planItems[it.ID] = it
	s.planByID[it.ID] = p
}

// indicatorStatus measures in, an indicator of a, against its baseline and target.
func indicatorStatus(a *Action, in *Indicator) IndicatorStatus {
	st := IndicatorStatus{Action: a, Indicator: in, Achieved: -1}
	for i := range in.Values {
		if v := &in.Values[i]; st.Latest == nil || !v.Date.Before(st.Latest.Date) {
			st.Latest = v
		}
	}
	st.Achieved, _ = achieved(st.Latest, in)
	return st
}

// achieved is how far latest went from in's baseline to its target, as a rounded
// percentage, and whether that is a measure; -1 and false when there is no latest value,
// the target equals the baseline, or a number is not one (.nan).
func achieved(latest *Value, in *Indicator) (int, bool) {
	if latest == nil || in == nil || in.Target == in.Baseline {
		return -1, false
	}
	pct := math.Round(100 * (latest.Value - in.Baseline) / (in.Target - in.Baseline))
	switch {
	case math.IsNaN(pct):
		return -1, false
	case pct > maxAchieved:
		return maxAchieved, true
	case pct < -maxAchieved:
		return -maxAchieved, true
	}
	return int(pct), true
}

// maxAchieved bounds Achieved, so that an absurd value gives the same number on every
// architecture (converting a float beyond int's range does not).
const maxAchieved = 1_000_000

// Measured reports whether Achieved is a measure: there is a latest value and the target
// differs from the baseline. Achieved is -1 otherwise, a value it can also take as a real
// measure (a latest value just short of the baseline).
func (st IndicatorStatus) Measured() bool {
	_, ok := achieved(st.Latest, st.Indicator)
	return ok
}

// dayNumber is t's calendar day in UTC, as a count of days since the Unix epoch, so that
// dates are compared by day whatever their time of day or zone.
func dayNumber(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}
