package search_test

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"

	"github.com/pspm-dev/pspm/generator/search"
)

// RelevanceCase is a query on the demo with what a reader expects to find (testdata/
// relevance.json): the browser tests run the same cases against the static bundle and
// the API.
type RelevanceCase struct {
	Why      string   `json:"why"`
	Q        string   `json:"q"`
	Type     string   `json:"type"`
	Status   string   `json:"status"`
	Top      int      `json:"top"`
	Want     []string `json:"want"`       // each of them among the first Top results
	SameAs   []string `json:"same_as"`    // queries that give the same results
	AllType  string   `json:"all_type"`   // every result has this type
	AllState string   `json:"all_status"` // every result has this status
	MinTotal int      `json:"min_total"`
}

// Request is the case's search request.
func (c RelevanceCase) Request() search.Request {
	return search.Request{Q: c.Q, Type: c.Type, Status: c.Status, Size: 100}
}

// CheckRelevance says what is wrong with the results of the case, or "".
func CheckRelevance(c RelevanceCase, r *search.Result, same func(q string) []string) string {
	ids := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		ids[i] = h.ID
	}
	for _, w := range c.Want {
		if i := slices.Index(ids, w); i < 0 || i >= c.Top {
			return fmt.Sprintf("%q: %s is not among the first %d: %v", c.Q, w, c.Top, ids[:min(len(ids), c.Top+2)])
		}
	}
	for _, q := range c.SameAs {
		if got := same(q); !slices.Equal(got, ids) {
			return fmt.Sprintf("%q and %q differ:\n  %v\n  %v", c.Q, q, ids, got)
		}
	}
	if c.MinTotal > 0 && r.Total < c.MinTotal {
		return fmt.Sprintf("%q: %d results, want at least %d", c.Q, r.Total, c.MinTotal)
	}
	for _, h := range r.Hits {
		if c.AllType != "" && h.Type != c.AllType || c.AllState != "" && h.Status != c.AllState {
			return fmt.Sprintf("%q: %s is a %s, %s", c.Q, h.ID, h.Type, h.Status)
		}
	}
	if c.AllType != "" && (len(r.Facets[search.FieldType]) != 1 || r.Facets[search.FieldType][0].Value != c.AllType) {
		return fmt.Sprintf("%q: type facet %v", c.Q, r.Facets[search.FieldType])
	}
	return ""
}

// RelevanceCases reads testdata/relevance.json.
func RelevanceCases(t testing.TB, path string) []RelevanceCase {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cs []RelevanceCase
	if err := json.Unmarshal(data, &cs); err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestRelevanceOnTheDemo(t *testing.T) {
	x := demoIdx(t)
	for _, c := range RelevanceCases(t, "testdata/relevance.json") {
		r, err := x.Search(c.Request())
		if err != nil {
			t.Fatalf("%q: %v", c.Q, err)
		}
		same := func(q string) []string {
			rr, err := x.Search(search.Request{Q: q, Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, h := range rr.Hits {
				ids = append(ids, h.ID)
			}
			return ids
		}
		if msg := CheckRelevance(c, r, same); msg != "" {
			t.Errorf("%s\n%s", c.Why, msg)
		}
	}
}
