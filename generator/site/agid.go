package site

import (
	"strconv"
	"strings"

	"github.com/pspm-dev/pspm/generator/agid"
	"github.com/pspm-dev/pspm/generator/diag"
)

// AgIDPlan is the edition of AgID's three-year plan that a source of kind agid-plan
// brought: a read-only reference, not items of this portal. The objectives' agid codes
// are checked against it, and each of its objectives has a page listing what serves it.
type AgIDPlan struct {
	*agid.Plan
	From *Source // the repository and branch (the edition) read
	// Serving are, by AgID objective code, the plan items that contribute to it; filled by
	// LinkAgID.
	Serving map[string]*AgIDServing
}

// AgIDServing is what serves one objective of AgID's plan.
type AgIDServing struct {
	// Objectives are this portal's objectives whose agid names it, then those of the
	// federated plans (other bodies' portals), by body.
	Objectives []*Objective
	// Actions are the actions of those objectives, and the actions of federated plans that
	// contribute (contributes_to) to this portal's objectives among them: each once, in the
	// order of Objectives.
	Actions []*Action
	// Practices are the good practices whose agid names it.
	Practices []*Practice

	has map[*Action]bool
}

// LinkAgID checks every agid code of this portal's objectives and practices against the
// reference edition (s.AgID): a code it does not have is a warning at the value, with the
// closest codes it has, or the objective a result or line of action code belongs to. It
// then fills s.AgID.Serving, with the federated plans' objectives and actions too (their
// unknown codes are their portal's to fix, and are skipped). It runs once the federated
// plans are in; without a reference it does nothing.
func (s *Site) LinkAgID() diag.List {
	p := s.AgID
	if p == nil {
		return nil
	}
	var errs diag.List
	p.Serving = map[string]*AgIDServing{}
	serving := func(code string) *AgIDServing {
		sv := p.Serving[code]
		if sv == nil {
			sv = &AgIDServing{has: map[*Action]bool{}}
			p.Serving[code] = sv
		}
		return sv
	}
	codes := func(it *Item, list []string, warn bool) []string {
		var out []string
		for i, c := range list {
			o := p.Objective(c)
			if o == nil {
				if warn {
					errs.Warn(listAt(it, "agid", i), "agid: %q is not an objective of AgID's plan %s%s", c, p.edition(), p.hint(c))
				}
				continue
			}
			if !contains(out, o.Code) {
				out = append(out, o.Code)
			}
		}
		return out
	}
	addActions := func(sv *AgIDServing, acts ...[]*Action) {
		for _, list := range acts {
			for _, a := range list {
				if !sv.has[a] {
					sv.has[a] = true
					sv.Actions = append(sv.Actions, a)
				}
			}
		}
	}
	for _, o := range s.Objectives {
		for _, code := range codes(&o.Item, o.AgID, o.Namespace == "") {
			sv := serving(code)
			sv.Objectives = append(sv.Objectives, o)
			addActions(sv, o.Actions, o.Contributing)
		}
	}
	for _, fp := range s.Federated {
		for _, o := range fp.Objectives {
			for _, code := range codes(&o.Item, o.AgID, false) {
				sv := serving(code)
				sv.Objectives = append(sv.Objectives, o)
				addActions(sv, o.Actions)
			}
		}
	}
	for _, pr := range s.Practices {
		for _, code := range codes(&pr.Item, pr.AgID, pr.Namespace == "" && pr.From == nil) {
			sv := serving(code)
			sv.Practices = append(sv.Practices, pr)
		}
	}
	return errs
}

// edition names the edition in messages: its title or branch.
func (p *AgIDPlan) edition() string {
	if p.From != nil && p.From.Ref != "" {
		return p.From.Ref
	}
	if p.Title != "" {
		return strconv.Quote(p.Title)
	}
	return "(the agid-plan source)"
}

// hint says what an unknown code may have meant.
func (p *AgIDPlan) hint(code string) string {
	if of := p.Of(code); of != "" {
		return "; it is an expected result or a line of action of " + of + ": name the objective, " + of
	}
	if cs := p.Closest(code, 3); len(cs) > 0 {
		return "; did you mean " + `"` + strings.Join(cs, `" or "`) + `"?`
	}
	return "; its objectives are listed at /agid/"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
