package site_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/pspm-dev/pspm/generator/site"
)

// ownersSite is a plan owned by m_ef with bodies of three kinds and the actions given,
// resolved and derived.
func ownersSite(t *testing.T, acts ...*site.Action) *site.Site {
	t.Helper()
	s := &site.Site{Plan: site.Plan{Title: "Piano", Owner: "m_ef"}}
	for _, b := range []struct{ id, kind string }{{"m_ef", "ministry"}, {"c_h223", "municipality"}, {"c_f205", "municipality"}, {"r_080", "region"}} {
		s.Bodies = append(s.Bodies, &site.Body{Item: site.Item{ID: b.id, Section: site.Bodies}, Name: b.id, Kind: b.kind})
	}
	s.Goals = []*site.Goal{{Item: site.Item{ID: "g", Section: site.Goals}, Title: "G"}}
	s.Objectives = []*site.Objective{{Item: site.Item{ID: "o", Section: site.Objectives}, Title: "O", Goal: "g"}}
	for i, a := range acts {
		a.Item = site.Item{ID: "a" + strconv.Itoa(i), Section: site.Actions}
		a.Title, a.Objective, a.Order = "Azione", "o", len(acts)-i // plan order is the reverse of file order
		s.Actions = append(s.Actions, a)
	}
	if errs := s.Index(); len(errs) > 0 {
		t.Fatal(errs.Format())
	}
	if errs := s.Resolve(); errs.HasErrors() {
		t.Fatal(errs.Format())
	}
	s.Derive()
	return s
}

func actionIDs(acts []*site.Action) []string {
	var out []string
	for _, a := range acts {
		out = append(out, a.ID)
	}
	return out
}

func TestBodyListsSplitLeadCoOwnedAndAddressed(t *testing.T) {
	s := ownersSite(t,
		&site.Action{Owners: []string{"c_h223", "r_080"}},                              // a0
		&site.Action{Addressees: []string{"municipality"}},                             // a1
		&site.Action{Addressees: []string{site.AddressAll, "c_h223", "municipality"}},  // a2: three ways, listed once
		&site.Action{Owners: []string{"r_080"}, Addressees: []string{site.AddressAll}}, // a3: not addressed to its owner
		&site.Action{Addressees: []string{"c_f205"}},                                   // a4
	)
	b := func(id string) *site.Body { return s.ByBody[id] }
	for _, tc := range []struct {
		name string
		got  []*site.Action
		want []string
	}{
		{"c_h223 leads", b("c_h223").Actions, []string{"a0"}},
		{"r_080 co-owns", b("r_080").CoOwned, []string{"a0"}},
		{"r_080 leads", b("r_080").Actions, []string{"a3"}},
		{"m_ef leads (plan owner by default)", b("m_ef").Actions, []string{"a4", "a2", "a1"}},
		{"c_h223 is addressed", s.AddressedTo(b("c_h223")), []string{"a3", "a2", "a1"}},
		{"c_f205 is addressed", s.AddressedTo(b("c_f205")), []string{"a4", "a3", "a2", "a1"}},
		{"r_080 is addressed", s.AddressedTo(b("r_080")), []string{"a2"}},
		{"m_ef is addressed (all, less what it owns)", s.AddressedTo(b("m_ef")), []string{"a3"}},
		{"by id", b("c_h223").Addressed, []string{"a2"}},
		{"all, stored once", s.ByAddressee[site.AddressAll], []string{"a3", "a2"}},
	} {
		if got := actionIDs(tc.got); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
	if a := s.Action("a0"); a.Owner != "c_h223" || a.OwnerBody != b("c_h223") || len(a.OwnerBodies) != 2 {
		t.Errorf("a0: lead %q (%v), %d owner bodies", a.Owner, a.OwnerBody, len(a.OwnerBodies))
	}
	if a := s.Action("a1"); !slices.Equal(a.Owners, []string{"m_ef"}) || a.Owner != "m_ef" {
		t.Errorf("a1 without owner: owners %v, lead %q; want the plan owner", a.Owners, a.Owner)
	}
}

func TestAddressedToAllCostsNoCopyPerBody(t *testing.T) {
	acts := make([]*site.Action, 50)
	for i := range acts {
		acts[i] = &site.Action{Addressees: []string{site.AddressAll}}
	}
	s := ownersSite(t, acts...)
	for _, b := range s.Bodies {
		if len(b.Addressed) != 0 {
			t.Errorf("%s keeps %d actions addressed to all; they are kept once, by kind", b.ID, len(b.Addressed))
		}
	}
	if n := len(s.AddressedTo(s.ByBody["c_h223"])); n != 50 {
		t.Errorf("c_h223 is addressed %d actions, want 50", n)
	}
}

// TestBodyResultsSplitLeadAndCoOwned: a body's expected results are those whose first
// owner it is, and those it co-owns, each once, in plan order; an owner that is no body
// of the portal lists nothing.
func TestBodyResultsSplitLeadAndCoOwned(t *testing.T) {
	s := &site.Site{Plan: site.Plan{Title: "Piano", Owner: "m_ef"}}
	for _, id := range []string{"m_ef", "c_h223", "r_080"} {
		s.Bodies = append(s.Bodies, &site.Body{Item: site.Item{ID: id, Section: site.Bodies}, Name: id, Kind: "other"})
	}
	s.Goals = []*site.Goal{{Item: site.Item{ID: "g", Section: site.Goals}, Title: "G"}}
	s.Objectives = []*site.Objective{{Item: site.Item{ID: "o", Section: site.Objectives}, Title: "O", Goal: "g"}}
	for i, owners := range [][]string{
		{"c_h223", "r_080"},           // r0
		{"r_080", "c_h223", "c_h223"}, // r1: listed twice, co-owned once
		{"altro", "c_h223"},           // r2: led by no body of the portal
		{"m_ef"},                      // r3
	} {
		s.Results = append(s.Results, &site.Result{Item: site.Item{ID: "r" + strconv.Itoa(i), Section: site.Results},
			Title: "Risultato", Objective: "o", Owners: owners, Order: 4 - i}) // plan order is the reverse of file order
	}
	if errs := s.Index(); len(errs) > 0 {
		t.Fatal(errs.Format())
	}
	s.Resolve() // the unknown owner is an error, and the rest resolves
	s.Derive()
	ids := func(rs []*site.Result) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	b := func(id string) *site.Body { return s.ByBody[id] }
	for _, tc := range []struct {
		name      string
		got, want []string
	}{
		{"c_h223 leads", ids(b("c_h223").Results), []string{"r0"}},
		{"c_h223 co-owns", ids(b("c_h223").CoOwnedResults), []string{"r2", "r1"}},
		{"r_080 leads", ids(b("r_080").Results), []string{"r1"}},
		{"r_080 co-owns", ids(b("r_080").CoOwnedResults), []string{"r0"}},
		{"m_ef leads", ids(b("m_ef").Results), []string{"r3"}},
		{"m_ef co-owns", ids(b("m_ef").CoOwnedResults), nil},
	} {
		if !slices.Equal(tc.got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	s.Derive() // again: nothing listed twice
	if got := ids(b("c_h223").CoOwnedResults); !slices.Equal(got, []string{"r2", "r1"}) {
		t.Errorf("after a second Derive, c_h223 co-owns %v", got)
	}
}
