package site

import (
	"sort"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Federate brings into s the proposals and practices of f, another body's portal (a
// source), as those of the body it speaks for. f has been resolved, judged against its
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
		errs.Add(diag.Pos{}, "no body %q in this portal: declare it in content/bodies/%s.md", body, body)
		return errs
	}
	ns := string(Bodies) + "/" + body + "/"
	claims := func(it *Item, who string) bool {
		if who == body {
			return true
		}
		errs.Warn(it.at("body"), "%s says it is by %q, but this source speaks for %q: it is not shown (a body publishes only its own items)", it.Key(), who, body)
		return false
	}
	adopt := func(it *Item) {
		for _, r := range it.Reactions {
			r.ItemKey = ns + r.ItemKey
			s.Reactions = append(s.Reactions, r)
		}
		for _, fb := range it.Feedback {
			fb.ItemKey = ns + fb.ItemKey
			s.Feedback = append(s.Feedback, fb)
		}
		it.Namespace, it.From = ns, from
		s.Items[it.Key()] = it
	}
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
	sort.SliceStable(s.Proposals, func(i, j int) bool {
		return newerItem(s.Proposals[i].Date, s.Proposals[j].Date, &s.Proposals[i].Item, &s.Proposals[j].Item)
	})
	sort.SliceStable(s.Practices, func(i, j int) bool {
		return newerItem(s.Practices[i].Date, s.Practices[j].Date, &s.Practices[i].Item, &s.Practices[j].Item)
	})
	sort.SliceStable(s.Reactions, func(i, j int) bool {
		a, c := s.Reactions[i], s.Reactions[j]
		if a.ItemKey != c.ItemKey {
			return a.ItemKey < c.ItemKey
		}
		return a.Voter < c.Voter
	})
	sort.SliceStable(s.Feedback, func(i, j int) bool {
		a, c := s.Feedback[i], s.Feedback[j]
		if !a.Date.Equal(c.Date) {
			return a.Date.Before(c.Date)
		}
		return a.ItemKey+"/"+a.File < c.ItemKey+"/"+c.File
	})
	s.Tags = collectTags(s)
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
