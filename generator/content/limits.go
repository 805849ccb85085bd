package content

import (
	"strconv"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/site"
)

// checkLists reports each list of a file's front matter that is longer than pspm.yaml
// allows, at its first entry over the limit. Pages list what items list (a proposal's
// targets, an action's indicators and their values, a body's members), and every tag is a
// page of its own that lists its items with all their tags: bounded lists keep what a
// file can make the build write in proportion to its size.
func checkLists(cfg *config.Config, r *result) {
	lim := cfg.Limits
	errs := &r.errs
	// strs checks a list of strings, whose entries' positions are in at ("key.N").
	strs := func(it *site.Item, key string, n, max int, limit, fix string) {
		if n > max {
			overLimit(errs, listPos(it.At, key, max, it), key, n, max, limit, fix)
		}
	}
	list := func(it *site.Item, key string, n int, fix string) {
		strs(it, key, n, lim.Lists, "lists", fix)
	}
	tags := func(it *site.Item, n int) {
		strs(it, "tags", n, lim.Tags, "tags", "keep the few tags that say what it is about: each tag is a page that lists every item with it")
	}
	// structs checks a list of mappings, each with its own position.
	structs := func(key string, positions []diag.Pos, max int, limit, fix string, whole diag.Pos) {
		if len(positions) > max {
			at := positions[max]
			if at.File == "" {
				at = whole
			}
			overLimit(errs, at, key, len(positions), max, limit, fix)
		}
	}
	// indicators checks a plan item's indicators, their targets and their values.
	indicators := func(it *site.Item, ins []site.Indicator, fix string) {
		var pos []diag.Pos
		for _, in := range ins {
			pos = append(pos, in.Pos)
		}
		structs("indicators", pos, lim.Lists, "lists", fix, itemPos(it, "indicators"))
		for i, in := range ins {
			var vp, tp []diag.Pos
			for _, v := range in.Values {
				vp = append(vp, v.Pos)
			}
			for _, t := range in.Targets {
				tp = append(tp, t.Pos)
			}
			structs("indicators["+strconv.Itoa(i)+"].values", vp, lim.IndicatorValues, "indicator_values", "keep fewer, less frequent measurements (e.g. one a month)", in.Pos)
			structs("indicators["+strconv.Itoa(i)+"].targets", tp, lim.Lists, "lists", "keep one target a year", in.Pos)
		}
	}
	switch p := r.planItem().(type) {
	case *site.Objective:
		o := p
		list(&o.Item, "agid", len(o.AgID), "keep the AgID codes this objective answers most directly")
	case *site.Action:
		a := p
		list(&a.Item, "proposals", len(a.Proposals), "link the proposals from their own targets instead, or split the action")
		list(&a.Item, "contributes_to", len(a.ContributesTo), "keep the objectives it contributes to most")
		list(&a.Item, "owner", len(a.Owners), "keep the bodies that carry the action out, and name the others in addressees or in its text")
		list(&a.Item, "addressees", len(a.Addressees), "name a kind of body (municipality, region, …) or all instead of each body")
		indicators(&a.Item, a.Indicators, "keep the indicators that measure the action, or split it")
	case *site.Result:
		list(&p.Item, "owner", len(p.Owners), "name the bodies that answer for it, the lead first; the others may be addressees")
		list(&p.Item, "replaces", len(p.Replaces), "keep the items of the earlier version it continues")
		indicators(&p.Item, p.Indicators, "keep the indicators that measure the result, or split it")
	}
	switch {
	case r.proposal() != nil:
		p := r.proposal()
		list(&p.Item, "targets", len(p.Targets), "target the objective or goal above the actions instead of each action")
		list(&p.Item, "authors", len(p.Authors), "name the authors' office or group instead")
		tags(&p.Item, len(p.Tags))
	case r.practice() != nil:
		p := r.practice()
		list(&p.Item, "agid", len(p.AgID), "keep the AgID codes the practice answers most directly")
		tags(&p.Item, len(p.Tags))
		var pos []diag.Pos
		for _, l := range p.Links {
			pos = append(pos, l.Pos)
		}
		structs("links", pos, lim.Lists, "lists", "link one page that lists the rest", itemPos(&p.Item, "links"))
	case r.body() != nil:
		b := r.body()
		var pos []diag.Pos
		for _, m := range b.Members {
			pos = append(pos, m.Pos)
		}
		structs("members", pos, lim.Lists, "lists", "list the people who act for the body in the portal, or raise the limit", itemPos(&b.Item, "members"))
		for i, m := range b.Members {
			if len(m.Keys) > lim.Lists {
				key := "members[" + strconv.Itoa(i) + "].keys"
				overLimit(errs, listPos(m.At, "keys", lim.Lists, &b.Item), key, len(m.Keys), lim.Lists, "lists", "keep the keys in use and remove the retired ones")
			}
		}
	case r.partic() != nil:
		p := r.partic()
		list(&p.Item, "keys", len(p.Keys), "keep the keys in use and remove the retired ones")
	case r.plan() != nil:
		p := r.plan()
		var pos []diag.Pos
		for _, ph := range p.Phases {
			pos = append(pos, ph.Pos)
		}
		at := p.Pos
		if q, ok := p.At["phases"]; ok {
			at = q
		}
		if at.File == "" {
			at = diag.Pos{File: p.File, Line: 1, Col: 1}
		}
		structs("phases", pos, lim.Lists, "lists", "merge phases that open the same things", at)
		for i, ph := range p.Phases {
			if len(ph.Scope) > lim.Lists {
				where := ph.At["scope"]
				if where.File == "" {
					where = at
				}
				overLimit(errs, where, "phases["+strconv.Itoa(i)+"].scope", len(ph.Scope), lim.Lists, "lists", "name sections (plan/actions, proposals) rather than every item")
			}
		}
	}
}

// overLimit reports a list over its limit.
func overLimit(errs *diag.List, at diag.Pos, key string, n, max int, limit, fix string) {
	errs.Add(at, "%s has %d entries, more than the %d allowed (limits.%s in pspm.yaml): %s", key, n, max, limit, fix)
}

// listPos is the position of entry i of the list key, from an At map, or else of the key,
// or else of the item.
func listPos(at map[string]diag.Pos, key string, i int, it *site.Item) diag.Pos {
	if p, ok := at[key+"."+strconv.Itoa(i)]; ok {
		return p
	}
	if p, ok := at[key]; ok {
		return p
	}
	return itemPos(it, "")
}

// itemPos is the position of key in an item's front matter, or of the item.
func itemPos(it *site.Item, key string) diag.Pos {
	if p, ok := it.At[key]; ok && key != "" {
		return p
	}
	if it.Pos.File != "" {
		return it.Pos
	}
	return diag.Pos{File: it.File, Line: 1, Col: 1}
}
