package search

import (
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestScoresFollowTheDocumentedModel recomputes, with the formulas of query.go's
// comment, the score of every hit of plain-word queries from the documents themselves,
// and compares them with bleve's: the static search client relies on those formulas.
func TestScoresFollowTheDocumentedModel(t *testing.T) {
	docs := []Document{
		{ID: "proposals/a", Type: "proposal", Lang: "it", Title: "Rete regionale dei comuni", Summary: "Una rete per i comuni.",
			Text: "Una rete per i comuni. La rete collega i servizi digitali dei comuni e delle province.", URL: "/a/"},
		{ID: "proposals/b", Type: "proposal", Lang: "it", Title: "Sicurezza digitale", Summary: "La sicurezza dei servizi.",
			Text: "La sicurezza dei servizi digitali, della rete e dei dati. Digitalizzazione dei processi.", URL: "/b/"},
		{ID: "proposals/c", Type: "proposal", Lang: "it", Title: "Comuni e città", Summary: "Servizi per le città.",
			Text: "Servizi per le città e per i comuni: sportelli, pagamenti, identità digitale.", URL: "/c/"},
		{ID: "proposals/a/en", Type: "proposal", Lang: "en", Title: "Regional network of municipalities", Summary: "A network for municipalities.",
			Text: "A network for municipalities. The network links the digital services of municipalities.", URL: "/en/a/"},
		{ID: "practices/d", Type: "practice", Lang: "it", Title: "Riuso", Text: "Il riuso del software tra enti.", URL: "/d/"},
	}
	x, _, err := Build("", docs)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	m := x.idx.Mapping()

	// The statistics of the index, from the documents.
	type fieldStats struct {
		tf     map[string]int
		length int
	}
	per := map[string]map[string]fieldStats{} // doc -> field -> stats
	df := map[string]map[string]int{}         // field -> term -> documents
	for _, d := range docs {
		per[d.ID] = map[string]fieldStats{}
		a := m.AnalyzerNamed(AnalyzerOf(d.Lang))
		for _, f := range []struct{ name, value string }{{FieldTitle, d.Title}, {FieldSummary, d.Summary}, {FieldText, d.Text}} {
			field := Field(f.name, d.Lang)
			tokens := a.Analyze([]byte(f.value))
			fs := fieldStats{tf: map[string]int{}, length: len(tokens)}
			for _, tok := range tokens {
				fs.tf[string(tok.Term)]++
			}
			per[d.ID][field] = fs
			if df[field] == nil {
				df[field] = map[string]int{}
			}
			for term := range fs.tf {
				df[field][term]++
			}
		}
	}
	n := float64(len(docs))
	idf := func(field, term string) float64 { return 1 + math.Log(n/float64(df[field][term]+1)) }

	type clause struct {
		field, boostOf string
		terms          []string // one for a term, the expansions for a prefix
		prefix         bool
	}
	for _, q := range []string{"rete comuni", "servizi digit", "sicurezza", "network municip", "comuni di", "citta", "zz rete"} {
		// The clauses of the query, as query.go's comment says.
		words := strings.Fields(q)
		var query [][]clause
		for i, w := range words {
			var cs []clause
			for _, lang := range Languages {
				terms := analyze(m.AnalyzerNamed(AnalyzerOf(lang)), w)
				for _, f := range textFields {
					for _, term := range terms {
						cs = append(cs, clause{field: Field(f, lang), boostOf: f, terms: []string{term}})
					}
				}
			}
			if p := prefixOf(w); i == len(words)-1 && utf8.RuneCountInString(p) >= 2 {
				for _, lang := range Languages {
					for _, f := range textFields {
						field := Field(f, lang)
						var exp []string
						for term := range df[field] {
							if strings.HasPrefix(term, p) {
								exp = append(exp, term)
							}
						}
						slices.Sort(exp)
						if len(exp) == 0 {
							exp = []string{p} // bleve searches the prefix as a term
						}
						cs = append(cs, clause{field: field, boostOf: f, terms: exp, prefix: true})
					}
				}
			}
			if len(cs) > 0 {
				query = append(query, cs)
			}
		}
		sum := 0.0
		for _, cs := range query {
			for _, c := range cs {
				for _, term := range c.terms {
					w := Boosts[c.boostOf] * idf(c.field, term)
					sum += w * w
				}
			}
		}
		qn := 1 / math.Sqrt(sum)
		termScore := func(doc, field, boostOf, term string) (float64, bool) {
			fs := per[doc][field]
			tf := fs.tf[term]
			if tf == 0 {
				return 0, false
			}
			norm := float64(float32(1 / math.Sqrt(float64(fs.length))))
			i := idf(field, term)
			return math.Sqrt(float64(tf)) * norm * i * (Boosts[boostOf] * i * qn), true
		}
		want := map[string]float64{}
		for _, d := range docs {
			total, matchedWords := 0.0, 0
			for _, cs := range query {
				ws, matched := 0.0, 0
				for _, c := range cs {
					s, hits := 0.0, 0
					for _, term := range c.terms {
						if v, ok := termScore(d.ID, c.field, c.boostOf, term); ok {
							s += v
							hits++
						}
					}
					if hits == 0 {
						continue
					}
					if c.prefix {
						s *= float64(hits) / float64(len(c.terms))
					}
					ws += s
					matched++
				}
				if matched > 0 {
					total += ws * float64(matched) / float64(len(cs))
					matchedWords++
				}
			}
			if matchedWords > 0 {
				want[d.ID] = total * float64(matchedWords) / float64(len(query))
			}
		}

		res, err := x.Search(Request{Q: q, Size: 100})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]float64{}
		for _, h := range res.Hits {
			got[h.ID] = h.Score
		}
		if len(got) != len(want) {
			t.Errorf("%q: hits %v, want %v", q, got, want)
		}
		for id, w := range want {
			if g, ok := got[id]; !ok || math.Abs(g-w) > 1e-9*math.Max(1, w) {
				t.Errorf("%q: %s scores %v, the model says %v", q, id, g, w)
			}
		}
	}
}
