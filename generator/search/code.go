package search

import (
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/pspm-dev/pspm/generator/site"
)

// codeKey is the code a query may be, as the index holds codes (lower case), or "" when
// the query cannot be one: a code is one word of ASCII letters, digits and . - _ /, and
// a query is taken for one when it has a digit or one of . _ / (so that ordinary words
// never cost the static client the code table). The static client applies the same rule.
func codeKey(q string) string {
	if q == "" || len(q) > site.MaxCode {
		return ""
	}
	marked := false
	for _, c := range q {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-':
		case c >= '0' && c <= '9', c == '.', c == '_', c == '/':
			marked = true
		default:
			return ""
		}
	}
	if !marked {
		return ""
	}
	return strings.ToLower(q)
}

// codeTier is how a document's code matches key: 0 the same code, 1 a code that starts
// with key (of 2 characters or more), -1 neither.
func codeTier(code, key string) int {
	code = strings.ToLower(code)
	switch {
	case code == "":
		return -1
	case code == key:
		return 0
	case len(key) >= 2 && strings.HasPrefix(code, key):
		return 1
	}
	return -1
}

// coded is a document found for its code.
type coded struct {
	hit  Hit
	tier int
	key  string // its code, lower case
}

// searchCode answers a query that may be a code (key): the documents with that code, or
// a code that starts with it, come first, by tier, code, score and ID; then the others
// that the words (text) find, as Search ranks them. Both parts obey the filters.
func (x *Index) searchCode(key string, text query.Query, filters []query.Query, from, size int) (*Result, error) {
	exact := query.NewTermQuery(key)
	exact.SetField(FieldCode)
	codeQ := query.Query(exact)
	if len(key) >= 2 {
		prefix := query.NewPrefixQuery(key)
		prefix.SetField(FieldCode)
		codeQ = query.NewDisjunctionQuery([]query.Query{exact, prefix})
	}
	filtered := func(q query.Query, mustNot []query.Query, extra ...query.Query) query.Query {
		b := query.NewBooleanQuery([]query.Query{q}, nil, mustNot)
		if fs := append(slices.Clip(filters), extra...); len(fs) > 0 {
			b.AddFilter(query.NewConjunctionQuery(fs))
		}
		return b
	}
	run := func(q query.Query, size, from int, locations bool) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(q, size, from, false)
		req.Fields = storedFields
		req.IncludeLocations = locations
		req.SortBy([]string{"-_score", "_id"})
		for _, f := range FacetFields {
			req.AddFacet(f, bleve.NewFacetRequest(f, 1000))
		}
		res, err := x.idx.Search(req)
		if err != nil {
			return nil, queryErrorf("cannot run the query %q: %v", key, err)
		}
		return res, nil
	}

	// The documents of the code, and the score their words give them.
	byCode, err := run(filtered(codeQ, nil), maxFrom, 0, false)
	if err != nil {
		return nil, err
	}
	var list []coded
	var ids []string
	for _, h := range byCode.Hits {
		hit := x.hit(h)
		hit.Score = 0
		c := coded{hit: hit, tier: codeTier(hit.Code, key), key: strings.ToLower(hit.Code)}
		if c.tier < 0 {
			continue
		}
		list = append(list, c)
		ids = append(ids, h.ID)
	}
	if len(ids) > 0 {
		scored, err := run(filtered(text, nil, query.NewDocIDQuery(ids)), len(ids), 0, true)
		if err != nil {
			return nil, err
		}
		byID := map[string]*bsearch.DocumentMatch{}
		for _, h := range scored.Hits {
			byID[h.ID] = h
		}
		for i := range list {
			if h := byID[list[i].hit.ID]; h != nil {
				list[i].hit = x.hit(h)
			}
		}
	}
	slices.SortFunc(list, func(a, b coded) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		if c := strings.Compare(a.key, b.key); c != 0 {
			return c
		}
		if a.hit.Score != b.hit.Score {
			if a.hit.Score > b.hit.Score {
				return -1
			}
			return 1
		}
		return strings.Compare(a.hit.ID, b.hit.ID)
	})

	// The others, after them.
	var mustNot []query.Query
	if len(ids) > 0 {
		mustNot = []query.Query{query.NewDocIDQuery(ids)}
	}
	rest, restSize := max(0, from-len(list)), size
	out := &Result{Page: from/size + 1, Size: size, Hits: []Hit{}, Facets: map[string][]FacetValue{}}
	for i := from; i < len(list) && len(out.Hits) < size; i++ {
		out.Hits = append(out.Hits, list[i].hit)
		restSize--
	}
	others, err := run(filtered(text, mustNot), restSize, rest, true)
	if err != nil {
		return nil, err
	}
	for _, h := range others.Hits {
		out.Hits = append(out.Hits, x.hit(h))
	}
	out.Total = len(list) + int(others.Total)
	out.Took = byCode.Took + others.Took
	for _, f := range FacetFields {
		out.Facets[f] = facetValues(f, mergeFacets(byCode.Facets[f], others.Facets[f]))
	}
	return out, nil
}

// mergeFacets adds the counts of two facets of disjoint results.
func mergeFacets(a, b *bsearch.FacetResult) *bsearch.FacetResult {
	counts := map[string]int{}
	for _, f := range []*bsearch.FacetResult{a, b} {
		if f == nil || f.Terms == nil {
			continue
		}
		for _, t := range f.Terms.Terms() {
			counts[t.Term] += t.Count
		}
	}
	out := &bsearch.FacetResult{Terms: &bsearch.TermFacets{}}
	for _, t := range slices.Sorted(func(yield func(string) bool) {
		for k := range counts {
			if !yield(k) {
				return
			}
		}
	}) {
		out.Terms.Add(&bsearch.TermFacet{Term: t, Count: counts[t]})
	}
	return out
}
