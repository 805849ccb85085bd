package site

// PlanItem is a goal, objective, result or action: an item of the plan, which the stages
// handle alike through its Kind (PlanKinds).
type PlanItem interface {
	Base() *Item      // the item's common part
	Heading() string  // its title as written
	ParentID() string // the id of its parent, as written ("" for a goal)
	Ordinal() int     // its order: key
	// OfficialCode is its official code (code: key), "" when none.
	OfficialCode() string
	// ParentItem is its parent, linked by Resolve, or nil.
	ParentItem() PlanItem
	// Predecessors are the ids its replaces: names (items of an earlier version).
	Predecessors() []string
}

// Kind declares a kind of plan item once: where its files live, how it is named, what its
// parent is, and how the Site holds it. The loader, Resolve, Derive, the renderer, the
// search documents and the open data walk PlanKinds, so that adding a kind is a row here,
// its type in model.go and its templates, not an arm in every stage.
type Kind struct {
	Section Section
	// Name is the singular word for the kind: the name of its page template
	// (layouts/<name>.html), its cards' kind, its search documents' type (and the i18n
	// key search.type.<name>) and its anchors on a version's page (<name>-<id>).
	Name string
	// Plural names its list in the open data (plan.json) and in messages.
	Plural string
	// Parent is the section of its parent, "" for the top level; ParentKey is the front
	// matter key that names the parent (required when Parent is set).
	Parent    Section
	ParentKey string

	// New returns a new item of the kind around it, for the front matter to be decoded
	// into.
	New func(it Item) PlanItem
	// Items lists the site's items of the kind, in the site's order.
	Items func(s *Site) []PlanItem
	// Clone returns a shallow copy of p, an item of the kind.
	Clone func(p PlanItem) PlanItem
	// set replaces the site's list with items (all of the kind); add appends one.
	set func(s *Site, items []PlanItem)
	add func(s *Site, p PlanItem)
	// link makes child (of this kind) a child of parent (of the kind Parent): its parent
	// pointer and the parent's list of children. unlink empties parent's list of children
	// of this kind, so that they can be linked again in order.
	link   func(child, parent PlanItem)
	unlink func(parent PlanItem)
	// entry describes an item of the kind for Diff; changes is its list in a PlanDiff.
	entry   func(p PlanItem) diffEntry
	changes func(d *PlanDiff) *[]ItemDiff
}

// PlanKinds are the kinds of plan item, parents before their children.
var PlanKinds = []*Kind{
	{
		Section: Goals, Name: "goal", Plural: "goals",
		New:     func(it Item) PlanItem { return &Goal{Item: it} },
		entry:   func(p PlanItem) diffEntry { return goalEntry(p.(*Goal)) },
		changes: func(d *PlanDiff) *[]ItemDiff { return &d.Goals },
		Clone:   clone[Goal],
		Items:   func(s *Site) []PlanItem { return items(s.Goals) },
		set:     func(s *Site, l []PlanItem) { s.Goals = typed[*Goal](l) },
		add:     func(s *Site, p PlanItem) { s.Goals = append(s.Goals, p.(*Goal)) },
	},
	{
		Section: Objectives, Name: "objective", Plural: "objectives", Parent: Goals, ParentKey: "goal",
		New:     func(it Item) PlanItem { return &Objective{Item: it} },
		entry:   func(p PlanItem) diffEntry { return objectiveEntry(p.(*Objective)) },
		changes: func(d *PlanDiff) *[]ItemDiff { return &d.Objectives },
		Clone:   clone[Objective],
		Items:   func(s *Site) []PlanItem { return items(s.Objectives) },
		set:     func(s *Site, l []PlanItem) { s.Objectives = typed[*Objective](l) },
		add:     func(s *Site, p PlanItem) { s.Objectives = append(s.Objectives, p.(*Objective)) },
		link: func(c, p PlanItem) {
			o, g := c.(*Objective), p.(*Goal)
			o.GoalItem = g
			g.Objectives = append(g.Objectives, o)
		},
		unlink: func(p PlanItem) { g := p.(*Goal); g.Objectives = g.Objectives[:0] },
	},
	{
		Section: Results, Name: "result", Plural: "results", Parent: Objectives, ParentKey: "objective",
		New:     func(it Item) PlanItem { return &Result{Item: it} },
		entry:   func(p PlanItem) diffEntry { return resultEntry(p.(*Result)) },
		changes: func(d *PlanDiff) *[]ItemDiff { return &d.Results },
		Clone:   clone[Result],
		Items:   func(s *Site) []PlanItem { return items(s.Results) },
		set:     func(s *Site, l []PlanItem) { s.Results = typed[*Result](l) },
		add:     func(s *Site, p PlanItem) { s.Results = append(s.Results, p.(*Result)) },
		link: func(c, p PlanItem) {
			r, o := c.(*Result), p.(*Objective)
			r.ObjectiveItem = o
			o.Results = append(o.Results, r)
		},
		unlink: func(p PlanItem) { o := p.(*Objective); o.Results = o.Results[:0] },
	},
	{
		Section: Actions, Name: "action", Plural: "actions", Parent: Objectives, ParentKey: "objective",
		New:     func(it Item) PlanItem { return &Action{Item: it} },
		entry:   func(p PlanItem) diffEntry { return actionEntry(p.(*Action)) },
		changes: func(d *PlanDiff) *[]ItemDiff { return &d.Actions },
		Clone:   clone[Action],
		Items:   func(s *Site) []PlanItem { return items(s.Actions) },
		set:     func(s *Site, l []PlanItem) { s.Actions = typed[*Action](l) },
		add:     func(s *Site, p PlanItem) { s.Actions = append(s.Actions, p.(*Action)) },
		link: func(c, p PlanItem) {
			a, o := c.(*Action), p.(*Objective)
			a.ObjectiveItem = o
			o.Actions = append(o.Actions, a)
		},
		unlink: func(p PlanItem) { o := p.(*Objective); o.Actions = o.Actions[:0] },
	},
}

// KindOf returns the plan kind of section sec, or nil when sec holds no plan items.
func KindOf(sec Section) *Kind {
	for _, k := range PlanKinds {
		if k.Section == sec {
			return k
		}
	}
	return nil
}

// Add appends p, an item of kind k, to the site's list of that kind (the loader's
// assembly; Index then indexes it).
func (k *Kind) Add(s *Site, p PlanItem) { k.add(s, p) }

func clone[T any, P interface {
	*T
	PlanItem
}](p PlanItem) PlanItem {
	c := *p.(P)
	return P(&c)
}

func items[T PlanItem](l []T) []PlanItem {
	out := make([]PlanItem, len(l))
	for i, x := range l {
		out[i] = x
	}
	return out
}

func typed[T PlanItem](l []PlanItem) []T {
	if len(l) == 0 {
		return nil
	}
	out := make([]T, len(l))
	for i, x := range l {
		out[i] = x.(T)
	}
	return out
}

// Base returns the item itself: what every kind of item shares.
func (it *Item) Base() *Item { return it }

// Heading is the goal's title.
func (g *Goal) Heading() string { return g.Title }

// ParentID is "": goals are the top level.
func (g *Goal) ParentID() string { return "" }

// Ordinal is the goal's order.
func (g *Goal) Ordinal() int { return g.Order }

// OfficialCode is the goal's code.
func (g *Goal) OfficialCode() string { return g.Code }

// ParentItem is nil: goals are the top level.
func (g *Goal) ParentItem() PlanItem { return nil }

// Heading is the objective's title.
func (o *Objective) Heading() string { return o.Title }

// ParentID is the objective's goal.
func (o *Objective) ParentID() string { return o.Goal }

// Ordinal is the objective's order.
func (o *Objective) Ordinal() int { return o.Order }

// OfficialCode is the objective's code.
func (o *Objective) OfficialCode() string { return o.Code }

// ParentItem is the objective's goal, or nil.
func (o *Objective) ParentItem() PlanItem {
	if o.GoalItem == nil {
		return nil
	}
	return o.GoalItem
}

// Heading is the result's title.
func (r *Result) Heading() string { return r.Title }

// ParentID is the result's objective.
func (r *Result) ParentID() string { return r.Objective }

// Ordinal is the result's order.
func (r *Result) Ordinal() int { return r.Order }

// OfficialCode is the result's code.
func (r *Result) OfficialCode() string { return r.Code }

// ParentItem is the result's objective, or nil.
func (r *Result) ParentItem() PlanItem {
	if r.ObjectiveItem == nil {
		return nil
	}
	return r.ObjectiveItem
}

// Heading is the action's title.
func (a *Action) Heading() string { return a.Title }

// ParentID is the action's objective.
func (a *Action) ParentID() string { return a.Objective }

// Ordinal is the action's order.
func (a *Action) Ordinal() int { return a.Order }

// OfficialCode is the action's code.
func (a *Action) OfficialCode() string { return a.Code }

// ParentItem is the action's objective, or nil.
func (a *Action) ParentItem() PlanItem {
	if a.ObjectiveItem == nil {
		return nil
	}
	return a.ObjectiveItem
}

// Predecessors are the ids the goal replaces.
func (g *Goal) Predecessors() []string { return g.Replaces }

// Predecessors are the ids the objective replaces.
func (o *Objective) Predecessors() []string { return o.Replaces }

// Predecessors are the ids the result replaces.
func (r *Result) Predecessors() []string { return r.Replaces }

// Predecessors are the ids the action replaces.
func (a *Action) Predecessors() []string { return a.Replaces }
