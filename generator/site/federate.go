package site

import (
	"sort"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Federate brings into s the plan, proposals and practices of f, another body's portal (a
// source), as those of the body it speaks for (and the body itself, from f, when s does
// not declare it). f has been resolved, judged against its
// own history and members, and derived, on its own; s has been derived. The items get
// the namespace "bodies/<body>/" and from as their source, so that their ids never meet
// this portal's or another source's. An item that claims another body is refused and
// reported. Votes and comments on the items keep the verdicts f's own trust model gave
// them. Targets name items of f's plan, which this portal does not show: they are kept
// as ids, not links. s's lists stay in order.
func (s *Site) Federate(f *Site, body string, from *Source) diag.List {
	var errs diag.List
	b := s.ByBody[body]
	if b == nil {
		// This portal does not declare the body: the source's own file for it does.
		if b = f.ByBody[body]; b == nil {
			errs.Add(diag.Pos{}, "no body %q in this portal nor in the source: declare it in content/bodies/%s.md", body, body)
			return errs
		}
		b.From = from
		b.Proposals, b.Practices, b.Actions, b.Votes, b.Comments = nil, nil, nil, nil, nil
		b.CoOwned, b.Addressed, b.Results, b.CoOwnedResults = nil, nil, nil, nil
		s.Bodies = append(s.Bodies, b)
		sort.Slice(s.Bodies, func(i, j int) bool { return s.Bodies[i].ID < s.Bodies[j].ID })
		s.ByBody[body] = b
		s.addItem(&b.Item)
	}
	ns := string(Bodies) + "/" + body + "/"
	var refused []*Item // items that say they are another body's
	claims := func(it *Item, who string) bool {
		if who == body {
			return true
		}
		refused = append(refused, it)
		return false
	}
	reportRefused := func() {
		switch n := len(refused); {
		case n == 1:
			errs.Warn(refused[0].at("body"), "%s says it is by another body than %q, which this source speaks for: it is not shown (a body publishes only its own items)", refused[0].Key(), body)
		case n > 1: // a central portal as a source holds every body's proposals: one warning
			names := []string{}
			for _, it := range refused[:min(n, 3)] {
				names = append(names, it.Key())
			}
			errs.Warn(refused[0].at("body"), "%d items say they are by other bodies than %q, which this source speaks for: they are not shown (a body publishes only its own items): %s…", n, body, strings.Join(names, ", "))
		}
	}
	adopt := func(it *Item) { s.adopt(it, ns, from) }
	for _, p := range f.Proposals {
		if !claims(&p.Item, p.Body) {
			continue
		}
		adopt(&p.Item)
		p.BodyItem, p.TargetItems, p.PastTargets, p.TakenUpBy = b, nil, nil, nil
		s.Proposals = append(s.Proposals, p)
		b.Proposals = append(b.Proposals, p)
	}
	for _, p := range f.Practices {
		if !claims(&p.Item, p.Body) {
			continue
		}
		adopt(&p.Item)
		p.BodyItem = b
		s.Practices = append(s.Practices, p)
		b.Practices = append(b.Practices, p)
	}
	s.federatePlan(f, b, ns, from, &errs)
	sort.SliceStable(s.Proposals, func(i, j int) bool {
		return newerItem(s.Proposals[i].Date, s.Proposals[j].Date, &s.Proposals[i].Item, &s.Proposals[j].Item)
	})
	sort.SliceStable(s.Practices, func(i, j int) bool {
		return newerItem(s.Practices[i].Date, s.Practices[j].Date, &s.Practices[i].Item, &s.Practices[j].Item)
	})
	sort.SliceStable(s.Reactions, func(i, j int) bool {
		a, c := s.Reactions[i], s.Reactions[j]
		if a.ItemKey() != c.ItemKey() {
			return a.ItemKey() < c.ItemKey()
		}
		return a.Voter() < c.Voter()
	})
	sort.SliceStable(s.Feedback, func(i, j int) bool {
		a, c := s.Feedback[i], s.Feedback[j]
		if !a.Date.Equal(c.Date) {
			return a.Date.Before(c.Date)
		}
		return a.ItemKey+"/"+a.File < c.ItemKey+"/"+c.File
	})
	sort.SliceStable(s.Amendments, func(i, j int) bool {
		a, c := s.Amendments[i], s.Amendments[j]
		if !a.Date.Equal(c.Date) {
			return a.Date.Before(c.Date)
		}
		return a.Key() < c.Key()
	})
	s.Tags = collectTags(s)
	reportRefused()
	return errs
}

// newerItem orders items newest first, then by key: newer, for lists where two portals'
// items may share an id.
func newerItem(a, b time.Time, ia, ib *Item) bool {
	if !a.Equal(b) {
		return a.After(b)
	}
	return ia.Key() < ib.Key()
}

// federatePlan brings in f's plan, when its owner is the body: its goals, objectives and
// the actions the body leads (the first of their owners), under ns, and the actions'
// contributions to this portal's objectives. An action the source's body only co-owns
// is another body's to publish.
func (s *Site) federatePlan(f *Site, b *Body, ns string, from *Source, errs *diag.List) {
	if len(f.Goals)+len(f.Objectives)+len(f.Actions) == 0 {
		return
	}
	if f.Plan.Owner != b.ID {
		errs.Warn(diag.Pos{File: f.Plan.File, Line: 1, Col: 1}, "the plan of this source is owned by %q, but the source speaks for %q: its plan is not shown", f.Plan.Owner, b.ID)
		return
	}
	fp := &FederatedPlan{Body: b, From: from, Plan: f.Plan, Progress: f.Progress}
	adopt := func(it *Item) { s.adopt(it, ns, from) }
	for _, g := range f.Goals {
		adopt(&g.Item)
		fp.Goals = append(fp.Goals, g)
	}
	for _, o := range f.Objectives {
		adopt(&o.Item)
		fp.Objectives = append(fp.Objectives, o)
		o.Actions = slicesDeleteFunc(o.Actions, func(a *Action) bool { return a.Owner != b.ID })
	}
	for _, a := range f.Actions {
		if a.Owner != b.ID {
			errs.Warn(a.at("owner"), "%s says it is led by %q, but this source speaks for %q: it is not shown (a body publishes only the actions it leads: list it first in owner)", a.Key(), a.Owner, b.ID)
			continue
		}
		adopt(&a.Item)
		// Its lead is the body; its co-owners and addressees are named as the source
		// says, but the source speaks for one body only: the action is not put on the
		// pages of the other bodies of this portal, nor counted as theirs.
		a.OwnerBody, a.ProposalItems = b, nil
		a.OwnerBodies = append([]*Body{b}, slicesDeleteFunc(a.OwnerBodies, func(o *Body) bool { return o.ID == b.ID })...)
		fp.Actions = append(fp.Actions, a)
		contributes := false
		for i, id := range a.ContributesTo {
			o := s.Objective(id)
			if o == nil {
				errs.Warn(listAt(&a.Item, "contributes_to", i), "contributes_to: this portal's plan has no objective %q%s", id, didYouMean(id, s.idsOf(KindOf(Objectives))))
				continue
			}
			o.Contributing = append(o.Contributing, a)
			contributes = true
		}
		if contributes {
			fp.Contributing = append(fp.Contributing, a)
		}
	}
	fp.Contribution = rollUp(fp.Contributing)
	s.Federated = append(s.Federated, fp)
	sort.SliceStable(s.Federated, func(i, j int) bool { return s.Federated[i].Body.ID < s.Federated[j].Body.ID })
	for _, o := range s.Objectives {
		sort.SliceStable(o.Contributing, func(i, j int) bool { return o.Contributing[i].Key() < o.Contributing[j].Key() })
	}
}

func slicesDeleteFunc[T any](in []T, del func(T) bool) []T {
	out := in[:0:0]
	for _, x := range in {
		if !del(x) {
			out = append(out, x)
		}
	}
	return out
}

// adopt makes it an item of s under the namespace ns, from a source, with its votes,
// comments and amendments (and the votes on them).
func (s *Site) adopt(it *Item, ns string, from *Source) {
	for _, r := range it.Reactions {
		r.SetNames(r.Voter(), ns+r.ItemKey())
		s.Reactions = append(s.Reactions, r)
	}
	for _, fb := range it.Feedback {
		fb.ItemKey = ns + fb.ItemKey
		s.Feedback = append(s.Feedback, fb)
	}
	for _, a := range it.Amendments {
		a.ItemKey = ns + a.ItemKey
		s.Amendments = append(s.Amendments, a)
		for _, r := range a.Reactions {
			r.SetNames(r.Voter(), ns+r.ItemKey())
			s.Reactions = append(s.Reactions, r)
		}
		if s.amendByKey != nil {
			s.amendByKey[a.Key()] = a
		}
	}
	it.Namespace, it.From = ns, from
	s.addItem(it)
}
