package site

import (
	"strings"

	"github.com/pspm-dev/pspm/generator/diag"
)

// A plan item's code is its official code, as the plan's owner publishes it: "OB.1.1"
// for an objective of AgID's three-year plan, "CAP1.PA.LA07" for a line of action. It is
// optional; when present it is shown beside the title, exported in the open data and
// searched exactly. Codes are unique among the plan's items of every kind, within the
// work tree and within each approved version, and compare without case: a reader types
// them in any case.

// MaxCode is the longest code, in bytes (the front matter's max:"40").
const MaxCode = 40

// CodeKey is the form of a code that uniqueness and search compare: lower case. A code
// has ASCII characters only (see codeRune), so lower-casing ASCII is enough.
func CodeKey(code string) string { return strings.ToLower(code) }

// codeRune reports whether a code may have c: an ASCII letter or digit, '.', '-', '_'
// or '/'.
func codeRune(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/'
}

// coded is a plan item and its code, for checkCodes.
type coded struct {
	item *Item
	code string
}

// codedItems lists the plan items that may have a code, in plan order, kind by kind
// (PlanKinds).
func (s *Site) codedItems() []coded {
	var out []coded
	for _, k := range PlanKinds {
		for _, p := range k.Items(s) {
			out = append(out, coded{p.Base(), p.OfficialCode()})
		}
	}
	return out
}

// checkCodes reports, at their code, the items whose code has a character a code
// cannot have, and every item whose code (without case) an item before it already has,
// naming that item's file.
func checkCodes(errs *diag.List, items []coded) {
	seen := map[string]*Item{}
	for _, c := range items {
		if c.code == "" {
			continue
		}
		if i := strings.IndexFunc(c.code, func(r rune) bool { return !codeRune(r) }); i >= 0 {
			r := []rune(c.code[i:])[0]
			errs.Add(c.item.at("code"), "code %q has %q, which a code cannot have: a code has letters A-Z and a-z, digits and . - _ / only (e.g. CAP1.PA.LA07); write it without spaces or accents", c.code, string(r))
			continue
		}
		k := CodeKey(c.code)
		if prev := seen[k]; prev != nil {
			errs.Add(c.item.at("code"), "code %q is already the code of %s (%s): codes are unique among the plan's %s, whatever their case; change one of them", c.code, prev.Key(), prev.File, planKindsWords())
			continue
		}
		seen[k] = c.item
	}
}

// CodeOf is the code of it when it is a plan item of s (of any kind), else "".
func (s *Site) CodeOf(it *Item) string {
	if p := s.planByID[it.ID]; p != nil && p.Base() == it {
		return p.OfficialCode()
	}
	return ""
}
