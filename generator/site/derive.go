package site

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Derive computes, once, the data that pages and open data read: contributions attached
// to their items, vote tallies, progress rolled up from actions to objectives, goals and the
// plan, lists by body and tag, and a deterministic order for everything. It runs after
// Resolve and changes nothing else; afterwards the Site is read-only.
func (s *Site) Derive() {
	// The reactions are sorted, then the tags collected, on another core while the rest
	// is derived: neither reads what the other steps write (pspm serve derives the model
	// again at each edit).
	var reactions sync.WaitGroup
	reactions.Go(func() {
		slices.SortFunc(s.Reactions, func(a, b *Reaction) int {
			return cmp.Or(strings.Compare(a.ItemKey(), b.ItemKey()), strings.Compare(a.Voter(), b.Voter()))
		})
	})
	sortPlan(s)
	slices.SortStableFunc(s.Proposals, func(a, b *Proposal) int { return newerFirst(a.Date, b.Date, a.ID, b.ID) })
	slices.SortStableFunc(s.Practices, func(a, b *Practice) int { return newerFirst(a.Date, b.Date, a.ID, b.ID) })
	tags := make(chan []*Tag, 1)
	go func() { tags <- collectTags(s) }()
	sort.Slice(s.Bodies, func(i, j int) bool { return s.Bodies[i].ID < s.Bodies[j].ID })
	sort.SliceStable(s.Feedback, func(i, j int) bool {
		a, b := s.Feedback[i], s.Feedback[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.File < b.File
	})
	reactions.Wait()

	for _, f := range s.Feedback {
		if f.On != nil {
			f.On.Feedback = append(f.On.Feedback, f)
		}
		if f.VoterBody != nil {
			f.VoterBody.Comments = append(f.VoterBody.Comments, f)
		}
	}
	s.deriveThreads()
	s.deriveAmendments()
	for _, r := range s.Reactions {
		if a := r.Amendment(); a != nil {
			// A vote on an amendment is the amendment's: not the item's, nor in the
			// list of the body's votes on items.
			a.Reactions = append(a.Reactions, r)
			if r.Counted {
				a.Tally.add(r)
			}
			continue
		}
		if r.On != nil {
			r.On.Reactions = append(r.On.Reactions, r)
			if r.Counted {
				r.On.Tally.add(r)
			}
		}
		if r.VoterBody != nil {
			r.VoterBody.Votes = append(r.VoterBody.Votes, r)
		}
	}
	s.deriveParticipants()
	for _, it := range s.Items {
		it.Tally.Priority.finish()
	}
	s.Priorities = rankPriorities(s.Actions)

	s.rollUpPlan()

	s.Tags = <-tags
	if s.Built.IsZero() { // the history stage sets it to the tip's commit time when there is one
		s.Built = newestDate(s)
	}
}

// DeriveVersion orders a version of the plan read from a tag and rolls its progress up,
// as it was approved. It runs after ResolveVersion.
func (s *Site) DeriveVersion() {
	sortPlan(s)
	s.rollUpPlan()
}

// rollUpPlan rolls the actions' progress up to objectives, goals and the whole plan.
func (s *Site) rollUpPlan() {
	for _, o := range s.Objectives {
		o.Progress = rollUp(o.Actions)
	}
	for _, g := range s.Goals {
		var acts []*Action
		for _, o := range g.Objectives {
			acts = append(acts, o.Actions...)
		}
		g.Progress = rollUp(acts)
	}
	s.Progress = rollUp(s.Actions)
}

// rankPriorities orders the actions that bodies gave a priority: highest mean first,
// then the most priorities, then plan order.
func rankPriorities(acts []*Action) []*Action {
	var out []*Action
	for _, a := range acts {
		if a.Tally.Priority.Count > 0 {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Tally.Priority, out[j].Tally.Priority
		if a.Mean != b.Mean {
			return a.Mean > b.Mean
		}
		return a.Count > b.Count
	})
	return out
}

func (t *Tally) add(r *Reaction) {
	vote := r.Vote()
	if !r.CountVote {
		vote = ""
	}
	switch vote {
	case VoteSupport:
		t.Support++
	case VoteOppose:
		t.Oppose++
	case VoteAbstain:
		t.Abstain++
	}
	if r.CountPriority && r.Priority >= 1 && r.Priority <= 5 {
		t.Priority.Count++
		t.Priority.Distribution[r.Priority-1]++
	}
}

func (p *Priority) finish() {
	if p.Count == 0 {
		return
	}
	sum := 0
	for i, n := range p.Distribution {
		sum += (i + 1) * n
	}
	p.Mean = float64(sum) / float64(p.Count)
}

// rollUp averages the progress of the actions that are not cancelled, each weighing the
// same, and counts actions by status.
func rollUp(acts []*Action) Progress {
	p := Progress{Actions: len(acts), ByStatus: map[string]int{}}
	sum, n := 0, 0
	for _, a := range acts {
		p.ByStatus[a.Status]++
		if a.Status != StatusCancelled {
			sum += a.Progress
			n++
		}
	}
	if n > 0 {
		p.Percent = (sum + n/2) / n
	}
	return p
}

// sortPlan puts every kind's items in plan order (by their parent's rank, then order,
// then id; parents before children, as PlanKinds lists them), and their parents' lists
// of children in the same order.
func sortPlan(s *Site) {
	rankOf := map[PlanItem]int{}
	for _, k := range PlanKinds {
		l := k.Items(s)
		sort.SliceStable(l, func(i, j int) bool {
			a, b := l[i], l[j]
			if ra, rb := planRank(rankOf, a.ParentItem()), planRank(rankOf, b.ParentItem()); ra != rb {
				return ra < rb
			}
			if a.Ordinal() != b.Ordinal() {
				return a.Ordinal() < b.Ordinal()
			}
			return a.Base().ID < b.Base().ID
		})
		k.set(s, l)
		for i, p := range l {
			rankOf[p] = i
		}
	}
	// The children lists were filled in file order by Resolve; put them in plan order.
	for _, k := range PlanKinds {
		if k.Parent == "" {
			continue
		}
		for _, p := range KindOf(k.Parent).Items(s) {
			k.unlink(p)
		}
		for _, c := range k.Items(s) {
			if p := c.ParentItem(); p != nil {
				k.link(c, p)
			}
		}
	}
	for _, b := range s.Bodies {
		b.Actions, b.CoOwned, b.Addressed = b.Actions[:0], b.CoOwned[:0], b.Addressed[:0]
		b.Results, b.CoOwnedResults = nil, nil
	}
	for _, r := range s.Results {
		// The lead is the first owner when it is a body of the portal; a body listed
		// twice is listed once.
		var lead *Body
		if len(r.OwnerBodies) > 0 && r.OwnerBodies[0].ID == r.Owners[0] {
			lead = r.OwnerBodies[0]
		}
		if lead != nil {
			lead.Results = append(lead.Results, r)
		}
		for i, b := range r.OwnerBodies {
			if b != lead && !slices.Contains(r.OwnerBodies[:i], b) {
				b.CoOwnedResults = append(b.CoOwnedResults, r)
			}
		}
	}
	s.ByAddressee = map[string][]*Action{}
	for i, a := range s.Actions {
		a.place = i
		if a.OwnerBody != nil {
			a.OwnerBody.Actions = append(a.OwnerBody.Actions, a)
		}
		for _, b := range a.OwnerBodies {
			if b != a.OwnerBody {
				b.CoOwned = append(b.CoOwned, a)
			}
		}
		for _, b := range a.AddresseeBodies {
			b.Addressed = append(b.Addressed, a)
		}
		for _, k := range a.AddresseeKinds {
			s.ByAddressee[k] = append(s.ByAddressee[k], a)
		}
	}
	for _, b := range s.Bodies {
		sort.SliceStable(b.Proposals, func(i, j int) bool {
			return newer(b.Proposals[i].Date, b.Proposals[j].Date, b.Proposals[i].ID, b.Proposals[j].ID)
		})
		sort.SliceStable(b.Practices, func(i, j int) bool {
			return newer(b.Practices[i].Date, b.Practices[j].Date, b.Practices[i].ID, b.Practices[j].ID)
		})
	}
	for _, p := range s.Proposals {
		sort.SliceStable(p.TakenUpBy, func(i, j int) bool { return p.TakenUpBy[i].ID < p.TakenUpBy[j].ID })
	}
}

// planRank is p's rank in its kind's list, and a parentless item's rank after every
// other.
func planRank(m map[PlanItem]int, p PlanItem) int {
	if p == nil {
		return len(m)
	}
	return rank(m, p)
}

func rank[K comparable](m map[K]int, k K) int {
	if r, ok := m[k]; ok {
		return r
	}
	return len(m)
}

func newer(a, b time.Time, ida, idb string) bool {
	if !a.Equal(b) {
		return a.After(b)
	}
	return ida < idb
}

// newerFirst is newer as a comparison for slices.SortStableFunc, which sorts without
// reflection: 10,000 proposals on each rebuild of pspm serve.
func newerFirst(a, b time.Time, ida, idb string) int {
	if c := b.Compare(a); c != 0 {
		return c
	}
	return strings.Compare(ida, idb)
}

func collectTags(s *Site) []*Tag {
	bySlug := map[string]*Tag{}
	byName := map[string]*Tag{} // a name is the same tag each time: its slug is made once
	get := func(name string) *Tag {
		if t := byName[name]; t != nil {
			return t
		}
		sl := Slug(name)
		t := bySlug[sl]
		if t == nil {
			t = &Tag{Name: strings.TrimSpace(name), Slug: sl}
			bySlug[sl] = t
		}
		byName[name] = t
		return t
	}
	for _, p := range s.Proposals {
		for _, name := range p.Tags {
			t := get(name)
			t.Proposals = append(t.Proposals, p)
		}
	}
	for _, p := range s.Practices {
		for _, name := range p.Tags {
			t := get(name)
			t.Practices = append(t.Practices, p)
		}
	}
	out := make([]*Tag, 0, len(bySlug))
	for _, t := range bySlug {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out
}

// newestDate is the date the site is "as of" when nothing better is known: the latest date
// written in its content. Pages use it instead of the wall clock, so output is reproducible.
func newestDate(s *Site) time.Time {
	var t time.Time
	later := func(d time.Time) {
		if d.After(t) {
			t = d
		}
	}
	for _, p := range s.Proposals {
		later(p.Date)
		later(p.Answer.Date)
	}
	for _, p := range s.Practices {
		later(p.Date)
	}
	for _, f := range s.Feedback {
		later(f.Date)
	}
	for _, a := range s.Actions {
		for _, in := range a.Indicators {
			for _, v := range in.Values {
				later(v.Date)
			}
		}
	}
	for _, r := range s.Results {
		for _, in := range r.Indicators {
			for _, v := range in.Values {
				later(v.Date)
			}
		}
	}
	return t
}
