package site

import (
	"math"
	"time"
)

// How an indicator with targets stands against this year's target (Assess).
const (
	TargetMet     = "met"      // the latest value reached the current or the final target
	TargetOnTrack = "on-track" // it reached where a straight line from the baseline to the current target is at its date
	TargetBehind  = "behind"   // it did not
	TargetNoData  = "no-data"  // nothing was measured yet
)

// TargetStatuses lists the statuses of Assess, best first.
var TargetStatuses = []string{TargetMet, TargetOnTrack, TargetBehind, TargetNoData}

// Assessment is an indicator measured against the target of the year of a date.
type Assessment struct {
	// Status is one of the Target statuses; "" when the indicator has no targets.
	Status string
	Latest *Value // the latest value by date (the last listed among equal dates), or nil
	// Current is the target that counts as of the date: the last one due in its year;
	// without one that year, the next one due; when all are past, the final one. Final
	// is the last target. Both nil without targets.
	Current, Final *Target
	// Expected is where the indicator should be at the latest value's date: the straight
	// line from the baseline (at its date) to Current (at its deadline), held at the
	// baseline before and at Current's value after. Set when Latest and Current are.
	Expected float64
	// Decreasing says that lower is better: the final target is below the baseline.
	Decreasing bool
}

// Assess measures in against its targets as of asOf, the date the site is built as of
// (never the wall clock, so that pages are the same for the same commit).
//
// The baseline stands at BaselineDate, or, when that is not set, on 1 January of the
// year of the first target. A value "reaches" a target when it is at least the target
// (at most, when the indicator is decreasing); the boundaries count: a value equal to
// the target is met, a value equal to Expected is on track.
func Assess(in *Indicator, asOf time.Time) Assessment {
	a := Assessment{}
	for i := range in.Values {
		if v := &in.Values[i]; a.Latest == nil || !v.Date.Before(a.Latest.Date) {
			a.Latest = v
		}
	}
	if len(in.Targets) == 0 {
		return a
	}
	a.Final = &in.Targets[len(in.Targets)-1]
	a.Current = currentTarget(in.Targets, asOf)
	a.Decreasing = a.Final.Value < in.Baseline
	if a.Latest == nil {
		a.Status = TargetNoData
		return a
	}
	reached := func(v, target float64) bool {
		if a.Decreasing {
			return v <= target
		}
		return v >= target
	}
	a.Expected = expected(in, a.Current, a.Latest.Date)
	switch v := a.Latest.Value; {
	case math.IsNaN(v):
		a.Status = TargetBehind
	case reached(v, a.Current.Value) || reached(v, a.Final.Value):
		a.Status = TargetMet
	case reached(v, a.Expected):
		a.Status = TargetOnTrack
	default:
		a.Status = TargetBehind
	}
	return a
}

// currentTarget is the target that counts as of asOf (see Assessment.Current). targets
// are in time order and not empty.
func currentTarget(targets []Target, asOf time.Time) *Target {
	year := asOf.UTC().Year()
	var cur *Target
	for i := range targets {
		if targets[i].Deadline().Year() == year {
			cur = &targets[i]
		}
	}
	if cur != nil {
		return cur
	}
	today := dayNumber(asOf)
	for i := range targets {
		if dayNumber(targets[i].Deadline()) >= today {
			return &targets[i]
		}
	}
	return &targets[len(targets)-1]
}

// BaselineStart is the day the baseline stands at: BaselineDate, or 1 January of the
// year of the first target (zero without either).
func BaselineStart(in *Indicator) time.Time {
	if !in.BaselineDate.IsZero() || len(in.Targets) == 0 {
		return in.BaselineDate
	}
	return time.Date(in.Targets[0].Deadline().Year(), time.January, 1, 0, 0, 0, 0, time.UTC)
}

// expected is where in should be at day d, on the straight line from its baseline to
// target t.
func expected(in *Indicator, t *Target, d time.Time) float64 {
	d0, d1, x := dayNumber(BaselineStart(in)), dayNumber(t.Deadline()), dayNumber(d)
	switch {
	case x >= d1 || d1 <= d0:
		return t.Value
	case x <= d0:
		return in.Baseline
	}
	return in.Baseline + (t.Value-in.Baseline)*float64(x-d0)/float64(d1-d0)
}
