package site

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/textdiff"
)

// Diff compares two versions of the plan: old (nil for none: everything is added) and
// new, each a *Site holding Plan, Goals, Objectives and Actions, resolved and sorted in
// plan order. from and to are the version names recorded in the result.
//
// Items are matched by section and id. An item only in new is Added, only in old
// Removed; one under another parent is Moved; one whose compared fields or text differ
// is Changed. An added or removed item is compared with an absent one: its Fields list
// the values it sets (the absent side is "") and its Text is the whole text, inserted or
// deleted, so that Diff(b, a) is Diff(a, b) mirrored.
//
// Indicators' measured values are monitoring data, not plan content, and are ignored.
// Diff is pure and deterministic: it reads nothing but its arguments.
func Diff(old, new *Site, from, to string) *PlanDiff {
	if old == nil {
		old = &Site{}
	}
	if new == nil {
		new = &Site{}
	}
	d := &PlanDiff{From: from, To: to}
	d.Plan = fieldChanges(planFields(&old.Plan), planFields(&new.Plan))
	d.PlanText = textChanges(old.Plan.Text, new.Plan.Text)
	d.Goals = diffSection(Goals, entries(old.Goals, goalEntry), entries(new.Goals, goalEntry), goalEntry(&Goal{}))
	d.Objectives = diffSection(Objectives, entries(old.Objectives, objectiveEntry), entries(new.Objectives, objectiveEntry), objectiveEntry(&Objective{}))
	d.Actions = diffSection(Actions, entries(old.Actions, actionEntry), entries(new.Actions, actionEntry), actionEntry(&Action{}))
	d.Incorporated = incorporated(old.Actions, new.Actions)
	return d
}

// Counts returns how many goals, objectives and actions were added, removed, moved and
// changed.
func (d *PlanDiff) Counts() (added, removed, moved, changed int) {
	if d == nil {
		return
	}
	for _, list := range [][]ItemDiff{d.Goals, d.Objectives, d.Actions} {
		for _, it := range list {
			switch it.Kind {
			case Added:
				added++
			case Removed:
				removed++
			case Moved:
				moved++
			case Changed:
				changed++
			}
		}
	}
	return
}

// diffField is a compared field and its value as the front matter writes it.
type diffField struct{ name, value string }

// diffEntry is what Diff compares of a goal, objective or action.
type diffEntry struct {
	id, title, parent string
	fields            []diffField // in the section's fixed order
	indicators        []Indicator
	text              string
}

func planFields(p *Plan) []diffField {
	return []diffField{{"title", p.Title}, {"period", p.Period}, {"owner", p.Owner}}
}

func goalEntry(g *Goal) diffEntry {
	return diffEntry{id: g.ID, title: g.Title, text: g.Text, fields: []diffField{
		{"title", g.Title},
		{"order", strconv.Itoa(g.Order)},
	}}
}

func objectiveEntry(o *Objective) diffEntry {
	return diffEntry{id: o.ID, title: o.Title, parent: o.Goal, text: o.Text, fields: []diffField{
		{"title", o.Title},
		{"goal", o.Goal},
		{"agid", strings.Join(o.AgID, ", ")},
		{"order", strconv.Itoa(o.Order)},
	}}
}

func actionEntry(a *Action) diffEntry {
	return diffEntry{id: a.ID, title: a.Title, parent: a.Objective, text: a.Text, indicators: a.Indicators, fields: []diffField{
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
		{"order", strconv.Itoa(a.Order)},
	}}
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
func diffSection(sec Section, old, new []diffEntry, zero diffEntry) []ItemDiff {
	oldByID := make(map[string]*diffEntry, len(old))
	for i := range old {
		oldByID[old[i].id] = &old[i]
	}
	newByID := make(map[string]*diffEntry, len(new))
	for i := range new {
		newByID[new[i].id] = &new[i]
	}
	var out []ItemDiff
	for _, id := range readingOrder(entryIDs(old), entryIDs(new)) {
		if d, ok := diffItem(sec, oldByID[id], newByID[id], &zero); ok {
			out = append(out, d)
		}
	}
	return out
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
func diffItem(sec Section, o, n, zero *diffEntry) (ItemDiff, bool) {
	d := ItemDiff{Section: sec}
	switch {
	case o == nil:
		d.Kind, d.ID, d.Title, d.ToParent = Added, n.id, n.title, n.parent
		d.Fields = setFields(zero.fields, n.fields, false)
		d.Fields = append(d.Fields, indicatorChanges(nil, n.indicators)...)
		d.Text = textChanges("", n.text)
		return d, true
	case n == nil:
		d.Kind, d.ID, d.Title, d.FromParent = Removed, o.id, o.title, o.parent
		d.Fields = setFields(zero.fields, o.fields, true)
		d.Fields = append(d.Fields, indicatorChanges(o.indicators, nil)...)
		d.Text = textChanges(o.text, "")
		return d, true
	}
	d.ID, d.Title = n.id, n.title
	d.Fields = fieldChanges(o.fields, n.fields)
	d.Fields = append(d.Fields, indicatorChanges(o.indicators, n.indicators)...)
	d.Text = textChanges(o.text, n.text)
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

// fieldChanges compares two lists of the same fields, in their order.
func fieldChanges(old, new []diffField) []FieldChange {
	var out []FieldChange
	for i := range new {
		if old[i].value != new[i].value {
			out = append(out, FieldChange{Field: new[i].name, Old: old[i].value, New: new[i].value})
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
			out = append(out, FieldChange{Field: "indicator:" + n.Name, New: indicatorSummary(n)})
		case n == nil:
			out = append(out, FieldChange{Field: "indicator:" + o.Name, Old: indicatorSummary(o)})
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
	}
}

// indicatorSummary describes an indicator in a few words: "unit %, baseline 10,
// target 80" (without the unit when it has none).
func indicatorSummary(in *Indicator) string {
	s := "baseline " + formatNumber(in.Baseline) + ", target " + formatNumber(in.Target)
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
