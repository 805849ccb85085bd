package site

import (
	"sort"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Lineage: an item of the plan that continues items of an earlier version (replaces:)
// keeps their history. Diff reports it as renumbered, merged or split; History follows
// it across every version.

// lineageSections are the sections whose items may declare replaces:, parents first:
// those of every kind of plan item.
var lineageSections = func() []Section {
	out := make([]Section, len(PlanKinds))
	for i, k := range PlanKinds {
		out[i] = k.Section
	}
	return out
}()

// ParentSection is the section of the parents of sec's items ("" for goals, and for a
// section that holds no plan items).
func ParentSection(sec Section) Section {
	if k := KindOf(sec); k != nil {
		return k.Parent
	}
	return ""
}

// ItemFacts is what the history of a plan item shows of it in one version.
type ItemFacts struct {
	Section  Section
	ID       string
	Code     string
	Title    string
	Due      time.Time // zero but for actions
	Status   string    // "" but for actions
	Owner    string    // the lead owner's body id of an action or a result; "" for goals and objectives
	Replaces []string
	Item     *Item
}

// Facts returns what a version of the plan (or the draft) says of its item sec/id.
func (s *Site) Facts(sec Section, id string) (ItemFacts, bool) {
	p := s.PlanItemOf(id)
	if p == nil || p.Base().Section != sec {
		return ItemFacts{}, false
	}
	return factsOf(p), true
}

// factsOf is what the history of an item shows of p: due date and status of an
// action, lead owner of an action or a result.
func factsOf(p PlanItem) ItemFacts {
	it := p.Base()
	f := ItemFacts{Section: it.Section, ID: it.ID, Code: p.OfficialCode(), Title: p.Heading(), Replaces: p.Predecessors(), Item: it}
	switch x := p.(type) {
	case *Action:
		f.Due, f.Status, f.Owner = x.Due, x.Status, x.Owner
	case *Result:
		f.Owner = x.Owner
	}
	return f
}

// sectionFacts returns the facts of every item of section sec, in plan order.
func (s *Site) sectionFacts(sec Section) []ItemFacts {
	k := KindOf(sec)
	if k == nil {
		return nil
	}
	items := k.Items(s)
	out := make([]ItemFacts, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, p := range items {
		if id := p.Base().ID; !seen[id] {
			seen[id] = true
			out = append(out, factsOf(p))
		}
	}
	return out
}

// HistoryEntry is one item of a version that the history of an item goes through.
type HistoryEntry struct {
	Version *Version // nil for the draft
	ItemFacts
	// Next is what became of it in the next version (the draft after the latest):
	// "" when it goes on under the same id, else Removed, Renumbered, Merged or Split,
	// with NextIDs the items it went to.
	Next    string
	NextIDs []string
}

// HistoryStep is the items of one version (or the draft) in an item's history: none
// when the item and what it continues were not in that version.
type HistoryStep struct {
	Version *Version // nil for the draft
	Items   []HistoryEntry
}

// Lineage indexes the readable versions of a plan and its draft for History: made once,
// then read by every item page.
type Lineage struct {
	s     *Site
	plans []*Version // oldest first; nil last: the draft
	// pos[k][sec][id] is 1 + the place of item id in plan k's section; by[k][sec][id]
	// the ids of plan k's items that replace id.
	pos []map[Section]map[string]int
	by  []map[Section]map[string][]string
}

// Lineage indexes the versions and the draft s for History.
func (s *Site) Lineage() *Lineage {
	l := &Lineage{s: s}
	for i := len(s.Versions) - 1; i >= 0; i-- {
		if s.Versions[i].Plan != nil {
			l.plans = append(l.plans, s.Versions[i])
		}
	}
	l.plans = append(l.plans, nil) // the draft
	for _, v := range l.plans {
		pos, by := map[Section]map[string]int{}, map[Section]map[string][]string{}
		for _, sec := range lineageSections {
			pos[sec], by[sec] = map[string]int{}, map[string][]string{}
			for i, f := range l.plan(v).sectionFacts(sec) {
				pos[sec][f.ID] = i + 1
				for _, r := range f.Replaces {
					by[sec][r] = append(by[sec][r], f.ID)
				}
			}
		}
		l.pos, l.by = append(l.pos, pos), append(l.by, by)
	}
	return l
}

func (l *Lineage) plan(v *Version) *Site {
	if v == nil {
		return l.s
	}
	return v.Plan
}

// History is Lineage().History: made once for one item.
func (s *Site) History(sec Section, id string) []HistoryStep { return s.Lineage().History(sec, id) }

// History follows the draft's item sec/id back through the readable versions, oldest
// first, then the draft: in each version, the items with its id or with an id that it
// or one of its predecessors replaces (replaces: chains, however many versions back),
// and what became of each in the next version.
func (l *Lineage) History(sec Section, id string) []HistoryStep {
	plans := l.plans
	steps := make([]HistoryStep, len(plans))
	ids := map[string]bool{id: true}
	var order []string // ids in the order they were met, for a stable result
	order = append(order, id)
	for k := len(plans) - 1; k >= 0; k-- {
		p := l.plan(plans[k])
		steps[k].Version = plans[k]
		for i := 0; i < len(order); i++ { // order grows as replaces are met
			f, ok := p.Facts(sec, order[i])
			if !ok {
				continue
			}
			steps[k].Items = append(steps[k].Items, HistoryEntry{Version: plans[k], ItemFacts: f})
			for _, r := range f.Replaces {
				if !ids[r] {
					ids[r] = true
					order = append(order, r)
				}
			}
		}
		sort.SliceStable(steps[k].Items, func(i, j int) bool { return steps[k].Items[i].ID < steps[k].Items[j].ID })
	}
	for k := 0; k+1 < len(steps); k++ {
		this, next := l.pos[k][sec], l.pos[k+1][sec]
		for i := range steps[k].Items {
			e := &steps[k].Items[i]
			var to []string // the items of the next plan that continue e, in plan order
			if next[e.ID] > 0 {
				to = append(to, e.ID)
			}
			for _, n := range l.by[k+1][sec][e.ID] {
				if n != e.ID {
					to = append(to, n)
				}
			}
			sort.SliceStable(to, func(i, j int) bool { return next[to[i]] < next[to[j]] })
			switch {
			case len(to) == 0:
				e.Next = Removed
			case len(to) > 1:
				e.Next = Split
			case to[0] == e.ID:
			default:
				e.Next = Renumbered
				n, _ := l.plan(steps[k+1].Version).Facts(sec, to[0])
				preds := 0
				for _, id := range append([]string{n.ID}, n.Replaces...) {
					if this[id] > 0 {
						preds++
					}
				}
				if preds > 1 {
					e.Next = Merged
				}
			}
			e.NextIDs = to
		}
	}
	return steps
}

// CheckReplaces checks the replaces: of the draft's plan items against the versions:
// an id that no version has in the item's section is a warning, with the closest id
// as a suggestion, and so is an item that replaces itself. Without a readable version
// there is nothing to check against. Another item of the draft may keep a replaced id:
// a split where one part keeps the old id.
func (s *Site) CheckReplaces() diag.List {
	var errs diag.List
	known := map[Section]map[string]bool{}
	readable := false
	for _, v := range s.Versions {
		if v.Plan == nil {
			continue
		}
		readable = true
		for _, sec := range lineageSections {
			if known[sec] == nil {
				known[sec] = map[string]bool{}
			}
			for _, f := range v.Plan.sectionFacts(sec) {
				known[sec][f.ID] = true
			}
		}
	}
	for _, sec := range lineageSections {
		for _, f := range s.sectionFacts(sec) {
			for i, r := range f.Replaces {
				switch {
				case r == f.ID:
					errs.Warn(listAt(f.Item, "replaces", i), "%s replaces itself: replaces: names the ids of items of an earlier version that this one continues under a new id; remove %q", f.ID, r)
				case readable && !known[sec][r]:
					errs.Warn(listAt(f.Item, "replaces", i), "replaces: %q is not an item of %s in any version of the plan: name the id the item had in an earlier version%s", r, sec, didYouMean(r, keys(known[sec])))
				}
			}
		}
	}
	return errs
}
