package search_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/search"
)

func TestCodeQueryListsItsItemFirstInAnyCase(t *testing.T) {
	x := demoIdx(t)
	var first []string
	for _, q := range []string{"CAP3.MEF.LA04", "cap3.mef.la04", "Cap3.Mef.La04", "  CAP3.MEF.LA04 "} {
		res := find(t, x, search.Request{Q: q, Size: 100})
		if len(res.Hits) == 0 || res.Hits[0].ID != "plan/actions/soc-condiviso" || res.Hits[0].Code != "CAP3.MEF.LA04" {
			t.Fatalf("%q: want the action CAP3.MEF.LA04 first, got %v", q, ids(res)[:min(3, len(res.Hits))])
		}
		if first == nil {
			first = ids(res)
		} else if !slices.Equal(first, ids(res)) {
			t.Errorf("%q ranks otherwise than CAP3.MEF.LA04:\n  %v\n  %v", q, ids(res), first)
		}
	}
	// Its translation comes next, then what the words find.
	if len(first) < 2 || first[1] != "plan/actions/soc-condiviso/en" {
		t.Errorf("want the English text second: %v", first[:min(4, len(first))])
	}
}

func TestCodePrefixListsTheItemsWithThatCodeByCode(t *testing.T) {
	x := demoIdx(t)
	res := find(t, x, search.Request{Q: "cap3.mef", Size: 100, Lang: "it"})
	var codes []string
	for _, h := range res.Hits {
		if h.Code == "" || !strings.HasPrefix(h.Code, "CAP3.MEF.") {
			break
		}
		codes = append(codes, h.Code)
	}
	want := []string{"CAP3.MEF.LA01", "CAP3.MEF.LA02", "CAP3.MEF.LA03", "CAP3.MEF.LA04", "CAP3.MEF.LA05"}
	if !slices.Equal(codes, want) {
		t.Errorf("cap3.mef: want the actions of CAP3 first, by code: got %v (%v)", codes, ids(res))
	}
	// A filter applies to the items found by code too.
	res = find(t, x, search.Request{Q: "MEF.1", Type: "objective", Lang: "it", Size: 100})
	for i, want := range []string{"MEF.1.1", "MEF.1.2", "MEF.1.3"} {
		if i >= len(res.Hits) || res.Hits[i].Code != want {
			t.Fatalf("MEF.1 among objectives: want %s at %d: %v", want, i, ids(res))
		}
	}
	if res.Facets[search.FieldType][0].Value != "objective" || len(res.Facets[search.FieldType]) != 1 {
		t.Errorf("type facet %v", res.Facets[search.FieldType])
	}
}

func TestCodeResultsPageAsOneList(t *testing.T) {
	x := demoIdx(t)
	all := find(t, x, search.Request{Q: "CAP1.MEF", Size: 100})
	var paged []string
	for p := 1; p <= 30; p++ {
		res := find(t, x, search.Request{Q: "CAP1.MEF", Size: 3, Page: p})
		if res.Total != all.Total {
			t.Fatalf("page %d: total %d, want %d", p, res.Total, all.Total)
		}
		paged = append(paged, ids(res)...)
		if len(res.Hits) < 3 {
			break
		}
	}
	if !slices.Equal(paged, ids(all)[:min(len(paged), len(all.Hits))]) || len(paged) != min(all.Total, 90) {
		t.Errorf("pages of 3 differ from one page:\n  %v\n  %v", paged, ids(all))
	}
	var facet int
	for _, f := range all.Facets[search.FieldType] {
		facet += f.Count
	}
	if facet != all.Total {
		t.Errorf("the type facet counts %d documents, the result %d", facet, all.Total)
	}
}

func TestQuotedCodeIsSearchedAsWords(t *testing.T) {
	// A query with syntax is never taken for a code: "CAP3.MEF.LA04" in quotes is a
	// phrase, and the action's text does not hold its code.
	x := demoIdx(t)
	res := find(t, x, search.Request{Q: `"CAP3.MEF.LA04"`, Size: 5})
	if len(res.Hits) > 0 && res.Hits[0].ID == "plan/actions/soc-condiviso" {
		t.Errorf("a quoted code lists the item of the code first: %v", ids(res))
	}
}

// FuzzCodeQueriesListCodedItemsFirst: whatever a reader types, the search answers or says
// what is wrong with the query; when the query may be a code, the items with that code,
// then those with a code starting with it, come before any other.
func FuzzCodeQueriesListCodedItemsFirst(f *testing.F) {
	docs := []search.Document{
		{ID: "plan/actions/a", Type: "action", Lang: "it", Title: "Servizi digitali", Text: "Servizi CAP1.PA.LA07 digitali.", Code: "CAP1.PA.LA07", URL: "/a/"},
		{ID: "plan/actions/b", Type: "action", Lang: "it", Title: "Rete dei comuni", Text: "La rete.", Code: "CAP1.PA.LA08", URL: "/b/"},
		{ID: "plan/objectives/c", Type: "objective", Lang: "it", Title: "Obiettivo", Text: "Cap1 e la rete.", Code: "OB.1.1", URL: "/c/"},
		{ID: "proposals/d", Type: "proposal", Lang: "it", Title: "CAP1.PA.LA07 proposta", Text: "Sulla linea CAP1.PA.LA07.", URL: "/d/"},
	}
	x := memIndex(f, docs)
	for _, q := range []string{"CAP1.PA.LA07", "cap1.pa", "ob.1", "OB.1.1", "c", "1", "cap1.pa.la0", "rete", `"CAP1"`, "a/b", "..", "-", "CAP1.PA.LA07 rete"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		res, err := x.Search(search.Request{Q: q, Size: 100})
		if err != nil {
			var qe *search.QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		key := strings.ToLower(strings.TrimSpace(q))
		tier := func(h search.Hit) int {
			c := strings.ToLower(h.Code)
			switch {
			case c != "" && c == key:
				return 0
			case c != "" && len(key) >= 2 && strings.HasPrefix(c, key):
				return 1
			}
			return 2
		}
		for i := 1; i < len(res.Hits); i++ {
			if a, b := tier(res.Hits[i-1]), tier(res.Hits[i]); a > b && strings.ContainsAny(key, "0123456789._/") && !strings.ContainsAny(key, " \"+-:~") {
				t.Errorf("%q: %s (code %q) before %s (code %q)", q, res.Hits[i-1].ID, res.Hits[i-1].Code, res.Hits[i].ID, res.Hits[i].Code)
			}
		}
	})
}

func TestBundleCarriesTheCodesOfPlanItems(t *testing.T) {
	x := memIndex(t, []search.Document{
		{ID: "plan/actions/a", Type: "action", Lang: "it", Title: "Azione", Code: "CAP1.PA.LA07", URL: "/a/"},
		{ID: "plan/actions/a/en", Type: "action", Lang: "en", Title: "Action", Code: "CAP1.PA.LA07", URL: "/en/a/"},
		{ID: "plan/objectives/o", Type: "objective", Lang: "it", Title: "Obiettivo", Code: "OB.1.1", URL: "/o/"},
		{ID: "proposals/p", Type: "proposal", Lang: "it", Title: "Proposta", URL: "/p/"},
	})
	b := readBundle(t, bundleFiles(t, x))
	data, err := b.file("c.bin")
	if err != nil {
		t.Fatal(err)
	}
	// The facet format: the codes in lower case, then each document's.
	r := &reader{data: data}
	var values []string
	for range int(r.uv()) {
		values = append(values, r.str())
		if l := r.str(); l != "" {
			t.Errorf("a code has the label %q", l)
		}
	}
	if !slices.Equal(values, []string{"cap1.pa.la07", "ob.1.1"}) {
		t.Errorf("codes %v", values)
	}
	var per []string
	for range b.meta.Docs {
		k, code := int(r.uv()), ""
		for range k {
			code = values[r.uv()]
		}
		per = append(per, code)
	}
	if want := []string{"cap1.pa.la07", "cap1.pa.la07", "ob.1.1", ""}; !slices.Equal(per, want) || r.err != nil || len(r.data) != 0 {
		t.Errorf("codes by document %v, want %v (%v, %d bytes left)", per, want, r.err, len(r.data))
	}
	// A record shows the code as written.
	row, err := b.row(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(row) != 13 || string(row[12]) != `"CAP1.PA.LA07"` {
		t.Errorf("record 0: %s", row)
	}
}

// An expected result's code finds it first, as any plan item's.
func TestCodeOfAResultListsItFirst(t *testing.T) {
	x := demoIdx(t)
	res := find(t, x, search.Request{Q: "r.mef.1.2.2", Size: 10})
	if len(res.Hits) == 0 || res.Hits[0].ID != "plan/results/credenziali-dismesse" || res.Hits[0].Code != "R.MEF.1.2.2" || res.Hits[0].Type != "result" {
		t.Fatalf("want the result R.MEF.1.2.2 first, got %v", ids(res)[:min(3, len(res.Hits))])
	}
}
