package search_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
)

// amendedSite is sitetest.Minimal with an amendment to its action a1 whose reason has a
// word that no other text of the site has.
func amendedSite(t *testing.T) (*site.Site, []search.Document) {
	t.Helper()
	res, err := generator.Inspect(generator.Options{Source: sitetest.Site(sitetest.Minimal, "")})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Site
	a1 := &s.Action("a1").Item
	a := &site.Amendment{Reason: "Le zanzariere dei comuni vanno censite.", Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Title: "Azione uno estesa",
		Text: "Un testo **nuovo** per l'azione.", Voter: "c_h223", Slug: "censimento", ItemKey: a1.Key(), On: a1, State: site.AmendmentOpen, Status: site.AmendmentOpen}
	a1.Amendments = append(a1.Amendments, a)
	s.Amendments = append(s.Amendments, a)
	return s, search.Documents(s, res.Config.Languages, markdown.New().Plain)
}

func TestAmendmentIsFoundByAWordOfItsReasonInTheIndexAndTheStaticBundle(t *testing.T) {
	_, docs := amendedSite(t)
	const id = "plan/actions/a1/amendments/c_h223-censimento"
	i := slices.IndexFunc(docs, func(d search.Document) bool { return d.ID == id })
	if i < 0 {
		t.Fatalf("no document %s", id)
	}
	d := docs[i]
	if d.Type != "amendment" || d.Title != "Azione uno — emendamento di Comune di Reggio Emilia" || d.URL != "/plan/actions/a1/#amendment-c_h223-censimento" ||
		d.Body != "c_h223" || d.Status != site.AmendmentOpen || d.Lang != "it" {
		t.Errorf("the amendment's document: %+v", d)
	}
	if d.Text != "Le zanzariere dei comuni vanno censite.\nAzione uno estesa\nUn testo nuovo per l'azione." {
		t.Errorf("its text %q: want the reason, then the proposed title and text without Markdown", d.Text)
	}

	x := memIndex(t, docs)
	res := find(t, x, search.Request{Q: "zanzariera"})
	if got := ids(res); !slices.Equal(got, []string{id}) {
		t.Errorf("bleve finds %v, want the amendment alone", got)
	}
	if n := facetCount(find(t, x, search.Request{Q: "azione"}), search.FieldType, "amendment"); n != 1 {
		t.Errorf("the type facet counts %d amendments, want 1", n)
	}

	// The static bundle, as the readers' browsers search it.
	b := readBundle(t, bundleFiles(t, x))
	m, err := search.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	var terms []string
	for _, tok := range m.AnalyzerNamed(search.AnalyzerOf("it")).Analyze([]byte("zanzariera")) {
		terms = append(terms, string(tok.Term))
	}
	es, err := b.lookup(terms, "")
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(docs)
	slices.SortFunc(sorted, func(a, b search.Document) int { return strings.Compare(a.ID, b.ID) })
	want := slices.IndexFunc(sorted, func(d search.Document) bool { return d.ID == id })
	var found []int
	for _, e := range es {
		ps, err := b.allPostings(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ps {
			for _, p := range l {
				found = append(found, p.doc)
			}
		}
	}
	slices.Sort(found)
	if found = slices.Compact(found); !slices.Equal(found, []int{want}) {
		t.Errorf("the bundle finds documents %v for %v, want [%d], the amendment", found, terms, want)
	}
	rec, err := b.record(want)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Type != "amendment" || rec.URL != d.URL || rec.Title != d.Title {
		t.Errorf("the bundle's record: %+v", rec)
	}
	if !slices.Contains(b.meta.Types, "amendment") {
		t.Errorf("the bundle's types %v lack amendment", b.meta.Types)
	}
}
