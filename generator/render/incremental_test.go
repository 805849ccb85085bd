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

// TestSharedViewsAreFingerprintedByContent: with the digests of shared views (the cards
// and the site-wide view, encoded once per language), two list pages have the same
// fingerprint when their cards say the same, whatever card objects they point to, and
// different ones when any card, or the site-wide view, says something else; a lateView
// part counts by its key.
func TestSharedViewsAreFingerprintedByContent(t *testing.T) {
	card := func(title string) *Card {
		return &Card{Title: title, URL: "/proposals/" + title + "/", Tags: []Link{{"Cloud", "/tags/cloud/"}}}
	}
	site := func(title string) *SiteView { return &SiteView{Title: title, Menu: []Link{{"Home", "/"}}} }
	list := func(s *SiteView, cards ...*Card) *Page {
		return &Page{Site: s, Title: "Proposte", List: &ListView{Cards: cards}}
	}
	fp := func(p *Page) (Fingerprint, bool) {
		e := newEncoder()
		e.shared = &sharedViews{}
		ok := e.value(reflect.ValueOf(p), 0)
		return e.sum(), ok
	}
	shared := &sharedViews{}
	fpShared := func(p *Page) Fingerprint {
		e := newEncoder()
		e.shared = shared
		if !e.value(reflect.ValueOf(p), 0) {
			t.Fatal("a list page cannot be fingerprinted")
		}
		return e.sum()
	}
	s := site("Piano")
	a, b := card("a"), card("b")
	want, ok := fp(list(s, a, b))
	if !ok {
		t.Fatal("a list page cannot be fingerprinted")
	}
	if got, _ := fp(list(site("Piano"), card("a"), card("b"))); got != want {
		t.Error("the same cards in other objects: another fingerprint")
	}
	if got := fpShared(list(s, a, b)); got != want {
		t.Error("digests kept from one page to the next: another fingerprint")
	}
	for name, p := range map[string]*Page{
		"a card's title": list(s, a, card("c")),
		"a card's tag":   list(s, a, func() *Card { c := card("b"); c.Tags[0].Title = "Sanità"; return c }()),
		"order":          list(s, b, a),
		"one card less":  list(s, a),
		"no card":        list(s),
		"the site view":  list(site("Piano 2026"), a, b),
		"no site view":   list(nil, a, b),
	} {
		if got, _ := fp(p); got == want {
			t.Errorf("%s changed: the same fingerprint", name)
		}
		if got := fpShared(p); got == want {
			t.Errorf("%s changed, digests kept: the same fingerprint", name)
		}
	}
	withKey := func(key string) *Page {
		p := list(s, a, b)
		p.late = []lateView{{key: lateKey(func(e *encoder) { e.str(key) }), fill: func() {}}}
		return p
	}
	k1, ok := fp(withKey("text 1"))
	if !ok {
		t.Fatal("a page with a part made later cannot be fingerprinted")
	}
	if k2, _ := fp(withKey("text 2")); k1 == k2 {
		t.Error("two keys of a part made later: the same fingerprint")
	}
	if k1 == want {
		t.Error("a part made later does not count")
	}
}
