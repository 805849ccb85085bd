package site

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/textdiff"
)

// Diff compares two versions of the plan: old (nil for none: everything is added) and
// new, each a *Site holding Plan and the items of every kind (PlanKinds), resolved and sorted in
// plan order. from and to are the version names recorded in the result. plain turns an
// item's Markdown into the text its reader sees (link text, not link syntax); nil
// compares the Markdown as written. Either way texts are compared block by block with
// white space collapsed, so re-wrapping a paragraph changes nothing.
//
// Items are matched by section and id, and through lineage: an item of new whose
// replaces: names ids of old items of its section continues them. An item of new that
// replaces exactly one old item, gone from new and replaced by no other, is Renumbered;
// one that replaces several is Merged (their items are not listed as removed); several
// that replace the same old item are Split. A lineage item is compared with the first
// item it replaces (its text with the texts of all of them). Other items only in new are
// Added, only in old Removed; one under another parent is Moved; one whose compared
// fields or text differ is Changed. An added or removed item is compared with an absent
// one: its Fields list the values it sets (the absent side is "") and its Text is the
// whole text, inserted or deleted, so that without lineage Diff(b, a) is Diff(a, b)
// mirrored. A change of order alone is not a change: the lists follow the new order.
//
// Indicators' measured values are monitoring data, not plan content, and are ignored.
// Diff is pure and deterministic: it reads nothing but its arguments.
func Diff(old, new *Site, from, to string, plain func(markdown string) string) *PlanDiff {
	if old == nil {
		old = &Site{}
	}
	if new == nil {
		new = &Site{}
	}
	d := &PlanDiff{From: from, To: to}
	d.Plan = fieldChanges(planFields(&old.Plan), planFields(&new.Plan))
	d.PlanText = textChanges(ReadableText(old.Plan.Text, plain), ReadableText(new.Plan.Text, plain))
	// The sections, parents first (PlanKinds): each names the list it fills, the
	// section of its items' parents (-1 for none) and how to describe an item.
	type section struct {
		sec      Section
		out      *[]ItemDiff
		parent   int
		old, new []diffEntry
		zero     diffEntry
	}
	var sections []section
	for _, k := range PlanKinds {
		s := section{sec: k.Section, out: k.changes(d), parent: -1, old: kindEntries(k, old), new: kindEntries(k, new), zero: k.entry(k.New(Item{}))}
		for i, p := range sections {
			if p.sec == k.Parent && k.Parent != "" {
				s.parent = i
			}
		}
		sections = append(sections, s)
	}
	oldTitles, newTitles := map[string]string{}, map[string]string{}
	for _, s := range sections {
		if s.parent >= 0 {
			p := sections[s.parent]
			placeUnder(s.old, p.old, false)
			placeUnder(s.new, p.new, false)
		} else {
			placeUnder(s.old, nil, true)
			placeUnder(s.new, nil, true)
		}
		for _, e := range s.old {
			oldTitles[string(s.sec)+"/"+e.id] = e.label()
		}
		for _, e := range s.new {
			newTitles[string(s.sec)+"/"+e.id] = e.label()
		}
		var parentSec Section
		if s.parent >= 0 {
			parentSec = sections[s.parent].sec
		}
		*s.out = diffSection(s.sec, s.old, s.new, s.zero, plain)
		for k := range *s.out {
			it := &(*s.out)[k]
			if it.FromParent != "" {
				it.FromParentTitle = oldTitles[string(parentSec)+"/"+it.FromParent]
			}
			if it.ToParent != "" {
				it.ToParentTitle = newTitles[string(parentSec)+"/"+it.ToParent]
			}
		}
	}
	d.Incorporated = incorporated(old.Actions, new.Actions)
	return d
}

// Lists returns the lists of changed items, parents first (the order of PlanKinds):
// goals, objectives, results, actions.
func (d *PlanDiff) Lists() [][]ItemDiff {
	if d == nil {
		return nil
	}
	out := make([][]ItemDiff, len(PlanKinds))
	for i, k := range PlanKinds {
		out[i] = *k.changes(d)
	}
	return out
}

// Counts returns how many plan items were added, removed, moved and
// changed.
func (d *PlanDiff) Counts() (added, removed, moved, changed int) {
	c := d.KindCounts()
	return c[Added], c[Removed], c[Moved], c[Changed]
}

// KindCounts returns how many items changed in each way, by Kind: every kind is present.
// A renumbered, merged or split item counts once, as the item of the new version.
func (d *PlanDiff) KindCounts() map[string]int {
	c := map[string]int{}
	for _, k := range ChangeKinds {
		c[k] = 0
	}
	for _, list := range d.Lists() {
		for _, it := range list {
			c[it.Kind]++
		}
	}
	return c
}

// diffField is a compared field and its value as the front matter writes it.
type diffField struct{ name, value string }

// diffEntry is what Diff compares of a goal, objective or action.
type diffEntry struct {
	id, code, title, parent string
	goal                    string // the goal it sits under (itself for a goal)
	replaces                []string
	fields                  []diffField // in the section's fixed order
	indicators              []Indicator
	text                    string
}

// label names an item for a reader: its code and title, or its title.
func (e *diffEntry) label() string {
	if e.code != "" {
		return e.code + " " + e.title
	}
	return e.title
}

func planFields(p *Plan) []diffField {
	return []diffField{{"title", p.Title}, {"period", p.Period}, {"owner", p.Owner}}
}

func goalEntry(g *Goal) diffEntry {
	return diffEntry{id: g.ID, code: g.Code, title: g.Title, text: g.Text(), replaces: g.Replaces, fields: []diffField{
		{"code", g.Code},
		{"title", g.Title},
	}}
}

func objectiveEntry(o *Objective) diffEntry {
	return diffEntry{id: o.ID, code: o.Code, title: o.Title, parent: o.Goal, text: o.Text(), replaces: o.Replaces, fields: []diffField{
		{"code", o.Code},
		{"title", o.Title},
		{"goal", o.Goal},
		{"agid", strings.Join(o.AgID, ", ")},
	}}
}

// resultEntry describes an expected result: its indicators' baselines and targets are
// plan content, their measured values monitoring data.
func resultEntry(r *Result) diffEntry {
	return diffEntry{id: r.ID, code: r.Code, title: r.Title, parent: r.Objective, text: r.Text(), replaces: r.Replaces, indicators: r.Indicators, fields: []diffField{
		{"code", r.Code},
		{"title", r.Title},
		{"objective", r.Objective},
		{"owner", strings.Join(r.Owners, ", ")},
	}}
}

func actionEntry(a *Action) diffEntry {
	return diffEntry{id: a.ID, code: a.Code, title: a.Title, parent: a.Objective, text: a.Text(), replaces: a.Replaces, indicators: a.Indicators, fields: []diffField{
		{"code", a.Code},
		{"title", a.Title},
		{"objective", a.Objective},
		{"owner", ownersField(a)},
		{"addressees", strings.Join(a.Addressees, ", ")},
		{"status", a.Status},
		{"progress", strconv.Itoa(a.Progress)},
		{"start", frontMatterDate(a.Start)},
		{"due", frontMatterDate(a.Due)},
		{"proposals", strings.Join(a.Proposals, ", ")},
		{"contributes_to", strings.Join(a.ContributesTo, ", ")},
	}}
}

// kindEntries describes the items of kind k of s in their order.
func kindEntries(k *Kind, s *Site) []diffEntry {
	return entries(k.Items(s), k.entry)
}

// entries describes items in their order, skipping a repeated id (Index reports it).
func entries[T any](items []T, entry func(T) diffEntry) []diffEntry {
	out := make([]diffEntry, 0, len(items))
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		e := entry(it)
		if !seen[e.id] {
			seen[e.id] = true
			out = append(out, e)
		}
	}
	return out
}

// diffSection compares the items of one section; zero describes an absent item.
func diffSection(sec Section, old, new []diffEntry, zero diffEntry, plain func(string) string) []ItemDiff {
	oldByID := make(map[string]*diffEntry, len(old))
	for i := range old {
		oldByID[old[i].id] = &old[i]
	}
	newByID := make(map[string]*diffEntry, len(new))
	for i := range new {
		newByID[new[i].id] = &new[i]
	}
	// Lineage: the old items each new item continues, and the new items that continue
	// each old one.
	preds := map[string][]string{}
	succs := map[string][]string{}
	for _, n := range new {
		for _, id := range n.replaces {
			if oldByID[id] == nil || id == n.id || slices.Contains(preds[n.id], id) {
				continue
			}
			preds[n.id] = append(preds[n.id], id)
			succs[id] = append(succs[id], n.id)
		}
	}
	var oldIDs []string
	for _, e := range old {
		if newByID[e.id] == nil && len(succs[e.id]) > 0 {
			continue // listed with the items that continue it
		}
		oldIDs = append(oldIDs, e.id)
	}
	var out []ItemDiff
	for _, id := range readingOrder(oldIDs, entryIDs(new)) {
		n := newByID[id]
		if n != nil && len(preds[id]) > 0 {
			out = append(out, lineageItem(sec, n, oldByID, newByID, preds, succs, plain))
			continue
		}
		if d, ok := diffItem(sec, oldByID[id], n, &zero, plain); ok {
			out = append(out, d)
		}
	}
	return out
}

// lineageItem compares n, which replaces old items, with them.
func lineageItem(sec Section, n *diffEntry, oldByID, newByID map[string]*diffEntry, preds, succs map[string][]string, plain func(string) string) ItemDiff {
	from := preds[n.id]
	if oldByID[n.id] != nil { // items merged into one that keeps its id
		from = append([]string{n.id}, from...)
	}
	d := ItemDiff{Section: sec, ID: n.id, Title: n.title, Goal: n.goal, FromIDs: from}
	for _, id := range from {
		if newByID[id] != nil && !slices.Contains(d.ToIDs, id) {
			d.ToIDs = append(d.ToIDs, id)
		}
		for _, s := range succs[id] {
			if !slices.Contains(d.ToIDs, s) {
				d.ToIDs = append(d.ToIDs, s)
			}
		}
	}
	split := false
	for _, id := range from {
		if len(succs[id]) > 1 || (newByID[id] != nil && id != n.id) {
			split = true
		}
	}
	switch {
	case len(from) > 1:
		d.Kind = Merged
	case split:
		d.Kind = Split
	default:
		d.Kind = Renumbered
	}
	first := oldByID[from[0]]
	d.Fields = fieldChanges(first.fields, n.fields)
	d.Fields = append(d.Fields, indicatorChanges(first.indicators, n.indicators)...)
	var texts []string
	for _, id := range from {
		if t := ReadableText(oldByID[id].text, plain); t != "" {
			texts = append(texts, t)
		}
	}
	d.Text = textChanges(strings.Join(texts, "\n\n"), ReadableText(n.text, plain))
	if first.parent != n.parent {
		d.FromParent, d.ToParent = first.parent, n.parent
	}
	return d
}

// placeUnder sets the goal of each entry: its own id for goals (top), else the goal of
// its parent among parents.
func placeUnder(es, parents []diffEntry, top bool) {
	byID := make(map[string]string, len(parents))
	for _, p := range parents {
		byID[p.id] = p.goal
	}
	for i := range es {
		if top {
			es[i].goal = es[i].id
		} else {
			es[i].goal = byID[es[i].parent]
		}
	}
}

func entryIDs(es []diffEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	return out
}

// readingOrder returns the distinct keys of old and new in the order a reader of the
// new version expects: new's order, with each key found only in old placed right after
// the key that preceded it in old (in their old order when several follow the same
// key), or first when nothing preceded it.
func readingOrder(old, new []string) []string {
	pos := make(map[string]int, len(new)) // 1 + index in new
	for i, k := range new {
		pos[k] = i + 1
	}
	after := make([][]string, len(new)+1) // keys only in old, by the position they follow
	anchor := 0
	for _, k := range old {
		if p := pos[k]; p > 0 {
			anchor = p
		} else {
			after[anchor] = append(after[anchor], k)
		}
	}
	out := make([]string, 0, len(new)+len(old))
	out = append(out, after[0]...)
	for i, k := range new {
		out = append(out, k)
		out = append(out, after[i+1]...)
	}
	return out
}

// diffItem compares an item in two versions; o or n is nil when the item is absent
// there. It reports false when nothing changed.
func diffItem(sec Section, o, n, zero *diffEntry, plain func(string) string) (ItemDiff, bool) {
	d := ItemDiff{Section: sec}
	switch {
	case o == nil:
		d.Kind, d.ID, d.Title, d.ToParent, d.Goal = Added, n.id, n.title, n.parent, n.goal
		d.Fields = setFields(zero.fields, n.fields, false)
		d.Fields = append(d.Fields, indicatorChanges(nil, n.indicators)...)
		d.Text = textChanges("", ReadableText(n.text, plain))
		return d, true
	case n == nil:
		d.Kind, d.ID, d.Title, d.FromParent, d.Goal = Removed, o.id, o.title, o.parent, o.goal
		d.Fields = setFields(zero.fields, o.fields, true)
		d.Fields = append(d.Fields, indicatorChanges(o.indicators, nil)...)
		d.Text = textChanges(ReadableText(o.text, plain), "")
		return d, true
	}
	d.ID, d.Title, d.Goal = n.id, n.title, n.goal
	d.Fields = fieldChanges(o.fields, n.fields)
	d.Fields = append(d.Fields, indicatorChanges(o.indicators, n.indicators)...)
	if o.text != n.text { // the same Markdown reads the same
		d.Text = textChanges(ReadableText(o.text, plain), ReadableText(n.text, plain))
	}
	switch {
	case o.parent != n.parent:
		d.Kind, d.FromParent, d.ToParent = Moved, o.parent, n.parent
	case len(d.Fields) > 0 || d.Text != nil:
		d.Kind = Changed
	default:
		return ItemDiff{}, false
	}
	return d, true
}

// ReadableText is the text of an item's Markdown as Diff compares it: what plain makes
// of it (the Markdown itself when plain is nil), one paragraph per block, blocks apart
// by a blank line, white space inside a block collapsed to one space.
func ReadableText(markdown string, plain func(string) string) string {
	if markdown == "" {
		return ""
	}
	if plain != nil {
		markdown = plain(markdown)
	}
	var blocks []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			blocks = append(blocks, strings.Join(cur, " "))
			cur = cur[:0]
		}
	}
	for line := range strings.Lines(markdown) {
		words := strings.Fields(line)
		switch {
		case len(words) == 0:
			flush()
		case plain != nil: // one block per line
			cur = append(cur, words...)
			flush()
		default:
			cur = append(cur, words...)
		}
	}
	flush()
	return strings.Join(blocks, "\n\n")
}

// fieldChanges compares two lists of the same fields, in their order.
func fieldChanges(old, new []diffField) []FieldChange {
	var out []FieldChange
	for i := range new {
		if old[i].value != new[i].value {
			c := FieldChange{Field: new[i].name, Old: old[i].value, New: new[i].value}
			if c.Field == "title" && c.Old != "" && c.New != "" {
				c.Words = textChanges(c.Old, c.New)
			}
			out = append(out, c)
		}
	}
	return out
}

// setFields lists the fields whose value is not that of an absent item, as added (from
// "") or, when removed, as removed (to "").
func setFields(zero, fields []diffField, removed bool) []FieldChange {
	var out []FieldChange
	for i, f := range fields {
		if f.value == zero[i].value {
			continue
		}
		c := FieldChange{Field: f.name, New: f.value}
		if removed {
			c.Old, c.New = f.value, ""
		}
		out = append(out, c)
	}
	return out
}

// indicatorChanges compares indicators by name (the n-th of a repeated name with the
// n-th), in reading order: one change for an indicator added or removed, with a summary
// of it, and one for each of unit, baseline and target that differs in a kept one.
func indicatorChanges(old, new []Indicator) []FieldChange {
	if len(old) == 0 && len(new) == 0 {
		return nil
	}
	oldKeys, oldByKey := indicatorKeys(old)
	newKeys, newByKey := indicatorKeys(new)
	var out []FieldChange
	for _, k := range readingOrder(oldKeys, newKeys) {
		o, n := oldByKey[k], newByKey[k]
		switch {
		case o == nil:
			out = append(out, FieldChange{Field: "indicator:" + n.Name, New: indicatorSummary(n), Indicator: n})
		case n == nil:
			out = append(out, FieldChange{Field: "indicator:" + o.Name, Old: indicatorSummary(o), Indicator: o})
		default:
			out = append(out, fieldChanges(indicatorFields(o), indicatorFields(n))...)
		}
	}
	return out
}

// indicatorKeys names each indicator by its name and how many before it share it.
func indicatorKeys(ins []Indicator) ([]string, map[string]*Indicator) {
	keys := make([]string, len(ins))
	byKey := make(map[string]*Indicator, len(ins))
	count := map[string]int{}
	for i := range ins {
		name := ins[i].Name
		keys[i] = name + "\x00" + strconv.Itoa(count[name])
		count[name]++
		byKey[keys[i]] = &ins[i]
	}
	return keys, byKey
}

func indicatorFields(in *Indicator) []diffField {
	p := "indicator:" + in.Name + "."
	return []diffField{
		{p + "unit", in.Unit},
		{p + "baseline", formatNumber(in.Baseline)},
		{p + "target", formatNumber(in.Target)},
		{p + "targets", formatTargets(in.Targets)},
	}
}

// formatTargets writes an indicator's targets: "2024: 20; 2025: 40; 2026-06-30: 60",
// "" when it has none.
func formatTargets(ts []Target) string {
	var parts []string
	for _, t := range ts {
		when := frontMatterDate(t.Date)
		if t.Year != 0 {
			when = strconv.Itoa(t.Year)
		}
		parts = append(parts, when+": "+formatNumber(t.Value))
	}
	return strings.Join(parts, "; ")
}

// indicatorSummary describes an indicator in a few words: "unit %, baseline 10,
// target 80" (without the unit when it has none).
func indicatorSummary(in *Indicator) string {
	s := "baseline " + formatNumber(in.Baseline)
	if in.Target != 0 || len(in.Targets) == 0 {
		s += ", target " + formatNumber(in.Target)
	}
	if len(in.Targets) > 0 {
		s += ", targets " + formatTargets(in.Targets)
	}
	if in.Unit != "" {
		s = "unit " + in.Unit + ", " + s
	}
	return s
}

// textChanges returns the word-level diff of two texts, nil when they are equal.
func textChanges(old, new string) []TextOp {
	if old == new {
		return nil
	}
	ops := textdiff.Words(old, new)
	out := make([]TextOp, len(ops))
	for i, op := range ops {
		out[i] = TextOp{Op: int(op.Kind), Text: op.Text}
	}
	return out
}

// incorporated returns, sorted, the proposals that actions of new take up and no action
// of old did.
func incorporated(old, new []*Action) []string {
	before := map[string]bool{}
	for _, a := range old {
		for _, p := range a.Proposals {
			before[p] = true
		}
	}
	var out []string
	for _, a := range new {
		for _, p := range a.Proposals {
			if !before[p] {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// frontMatterDate writes a date as the front matter does, "" when unset.
func frontMatterDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// ownersField is an action's owners as its file lists them, the lead first; the lead
// alone for an action made without the list.
func ownersField(a *Action) string {
	if len(a.Owners) == 0 {
		return a.Owner
	}
	return strings.Join(a.Owners, ", ")
}
