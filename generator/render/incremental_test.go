package render

import (
	"reflect"
	"testing"
	"time"
)

// fingerprint encodes v as deferMake does.
func fingerprint(v any) (Fingerprint, bool) {
	e := newEncoder()
	ok := e.value(reflect.ValueOf(v), 0)
	return e.sum(), ok
}

// TestFingerprintsTellViewsApart: two views that differ in any field a template could
// show have different fingerprints, the same view has the same one however its maps were
// filled, and a view holding a function, which the encoder cannot see into, is refused
// (its page is then rendered every time).
func TestFingerprintsTellViewsApart(t *testing.T) {
	day := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	base := func() *Page {
		return &Page{Title: "Proposta", URL: "/proposals/x/", Breadcrumbs: []Link{{"Home", "/"}},
			Proposal: &ProposalView{}, Languages: []LangLink{{Lang: "it", Current: true}}}
	}
	same, ok := fingerprint(base())
	if !ok {
		t.Fatal("a page view cannot be fingerprinted")
	}
	if again, _ := fingerprint(base()); again != same {
		t.Error("the same view has two fingerprints")
	}
	for name, change := range map[string]func(*Page){
		"title":        func(p *Page) { p.Title = "Proposta!" },
		"crumb":        func(p *Page) { p.Breadcrumbs[0].URL = "/it/" },
		"no crumbs":    func(p *Page) { p.Breadcrumbs = nil },
		"empty crumbs": func(p *Page) { p.Breadcrumbs = []Link{} },
		"language":     func(p *Page) { p.Languages[0].Current = false },
		"nil view":     func(p *Page) { p.Proposal = nil },
		"split text":   func(p *Page) { p.Title, p.Description = "Propo", "sta" },
	} {
		p := base()
		change(p)
		if fp, _ := fingerprint(p); fp == same {
			t.Errorf("%s: the fingerprint did not change", name)
		}
	}
	a, b := map[string]int{}, map[string]int{}
	for i, k := range []string{"uno", "due", "tre", "quattro"} {
		a[k] = i
	}
	for _, k := range []string{"quattro", "tre", "due", "uno"} {
		b[k] = len(a) - 1 - map[string]int{"quattro": 0, "tre": 1, "due": 2, "uno": 3}[k]
	}
	fa, _ := fingerprint(a)
	fb, _ := fingerprint(b)
	if !reflect.DeepEqual(a, b) || fa != fb {
		t.Errorf("the same map filled in another order has another fingerprint (%v, %v)", a, b)
	}
	t1, _ := fingerprint(struct{ T time.Time }{day})
	t2, _ := fingerprint(struct{ T time.Time }{day.In(time.FixedZone("CET", 3600))})
	if t1 == t2 {
		t.Error("the same instant in another zone (another day on the page) has the same fingerprint")
	}
	if _, ok := fingerprint(struct{ F func() }{func() {}}); ok {
		t.Error("a view holding a function was fingerprinted")
	}
}
