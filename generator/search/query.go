package search

import (
	"errors"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// How a query is scored. The static search client in readers' browsers ranks with the
// same formulas, from the statistics in the bundle, so both give the same order.
//
// A query Q without syntax (see usesSyntax) is split at white space into words w1…wn.
// Each word is analysed with the analyzer of each language (AnalyzerOf): its terms t
// in language L make the clauses term(t, F_L, Boosts[F]) for F in title, summary, text.
// The last word, when it has 2 runes or more, also makes the clauses prefix(p, F_L,
// Boosts[F]) for both languages, where p is the word folded to ASCII, lower-cased, after
// its last apostrophe and trimmed of what is neither letter nor digit (prefixOf). A word
// with no clause (a stop word in both languages) is dropped. Then
//
//	query = OR(word_1, …, word_n)        word_i = OR(its clauses)
//
// bleve's default model (tf-idf, as Lucene's classic similarity) scores a document d:
//
//	score(d)         = coord · Σ score(matching child)       for an OR node
//	coord            = matching children / all children       (children that can match
//	                   no document count too: a term absent from the index, a prefix
//	                   with no term)
//	score(term t, F) = sqrt(tf) · norm · idf · queryWeight
//	  tf             = occurrences of t in field F of d
//	  norm           = float32(1 / sqrt(number of terms of F in d, stop words removed))
//	  idf            = 1 + ln(N / (df + 1)), N the documents in the index, df those
//	                   with t in F
//	  queryWeight    = boost · idf · queryNorm
//	  queryNorm      = 1 / sqrt(Σ over every term searched (boost · idf)²)
//	prefix(p, F)     = OR over the terms of F that start with p, each scored as
//	                   term(t, F) with the prefix's boost (its own coord: matching
//	                   terms / terms with the prefix); when no term of F starts with
//	                   p, bleve searches p itself as a term (absent: it counts in
//	                   queryNorm with df = 0, and matches nothing)
//
// A query that may be an official code (codeKey: one word of letters, digits and . - _ /,
// with a digit or one of . _ /) first lists the documents whose code is the query,
// without case, then those whose code starts with it (2 characters or more), whether or
// not their text matches: by code, then score, then ID. The other results follow,
// ranked as above. A document listed for its code and not for its words scores 0.
//
// Every term searched counts in queryNorm, the terms of prefixes included; queryNorm is
// the same for every document, so it changes scores, not their order. Filters (type,
// status, body, tag, version, lang) select documents and never change scores. Ties are
// broken by ID. With no words, documents are listed newest first (by date, undated
// last, then by ID).
//
// A query with syntax is bleve's query string syntax ("phrases", field:value, +must,
// -must-not, word~fuzziness, word^boost, wildcards, /regexps/), where a word with no
// field searches title, summary and text in both languages with the Boosts (the boost
// written is multiplied by the field's), and field names are those of the index with
// these aliases: title, summary, text (both languages), tag, version. A phrase is a
// phrase in titles and summaries; the text keeps no positions (see NewMapping), so
// there a phrase finds texts that have all its words, anywhere (a match query with the
// operator "and"). Its scores follow the same model, over the query tree bleve builds.

// Request is a search.
type Request struct {
	Q       string // the words, or a query in bleve's query string syntax
	Type    string // filters: a document type (see Types)
	Status  string
	Body    string // a body id
	Tag     string
	Version string // a plan version, or "draft"
	Lang    string
	Page    int // from 1; 0 is 1
	Size    int // hits per page; 0 is DefaultSize, at most MaxSize
}

// Page sizes.
const (
	DefaultSize = 10
	MaxSize     = 100
	maxFrom     = 10000 // deeper pages are refused
	maxQuery    = 1000  // bytes of a query
)

// Result is a page of hits and the facets of the whole result.
type Result struct {
	Total int   `json:"total"`
	Page  int   `json:"page"`
	Size  int   `json:"size"`
	Hits  []Hit `json:"hits"`
	// Facets count the documents of the result by type, status, body, tags and
	// versions (FacetFields); types in the order of Types, the others by count, then
	// value.
	Facets map[string][]FacetValue `json:"facets"`
	Took   time.Duration           `json:"took_ns"`
}

// FacetFields are the fields Result.Facets counts.
var FacetFields = []string{FieldType, FieldStatus, FieldBody, FieldTags, FieldVersions}

// FacetValue is how many documents of a result have a value.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Hit is one document found.
type Hit struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Lang  string `json:"lang"`
	Title string `json:"title"`
	// TitleHTML and Highlight are the title and the summary as HTML: escaped text with
	// the words that match the query in <mark>. They are safe to put in a page.
	TitleHTML string    `json:"title_html"`
	URL       string    `json:"url"` // the page's site path, e.g. /proposals/x/
	Summary   string    `json:"summary"`
	Highlight string    `json:"highlight"`
	Score     float64   `json:"score"`
	Status    string    `json:"status,omitempty"`
	Body      string    `json:"body,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	Code      string    `json:"code,omitempty"` // a plan item's official code, as written
	Versions  []string  `json:"versions,omitempty"`
	Date      time.Time `json:"date,omitzero"`
}

// QueryError is a request that cannot be answered as written: the user's mistake, to be
// shown to them (an HTTP 400), never an internal failure.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

func queryErrorf(format string, args ...any) error {
	return &QueryError{Msg: fmt.Sprintf(format, args...)}
}

// textFields are the text fields a word searches, in both languages.
var textFields = []string{FieldTitle, FieldSummary, FieldText}

// storedFields are the fields a hit shows.
var storedFields = []string{FieldType, FieldLang, FieldStatus, FieldBody, FieldKind, FieldCode, FieldVersions, FieldDate, "url",
	Field(FieldTitle, "it"), Field(FieldTitle, "en"), Field(FieldSummary, "it"), Field(FieldSummary, "en")}

// Search runs r. Its errors are *QueryError when r is at fault.
func (x *Index) Search(r Request) (*Result, error) {
	if x == nil || x.idx == nil {
		return nil, errors.New("search: the index is closed")
	}
	page, size := max(r.Page, 1), r.Size
	if size <= 0 {
		size = DefaultSize
	}
	size = min(size, MaxSize)
	if page-1 > maxFrom/size {
		return nil, queryErrorf("page %d is too far: at most %d results can be paged through", page, maxFrom)
	}
	from := (page - 1) * size
	q := strings.TrimSpace(r.Q)
	if len(q) > maxQuery {
		return nil, queryErrorf("the query is too long (%d bytes; at most %d)", len(q), maxQuery)
	}
	if !utf8.ValidString(q) {
		return nil, queryErrorf("the query is not valid UTF-8")
	}
	var text query.Query
	switch {
	case q == "":
	case usesSyntax(q):
		parsed, err := query.NewQueryStringQuery(q).Parse()
		if err != nil {
			return nil, queryErrorf("cannot read the query %q: %v", q, firstLine(err.Error()))
		}
		if text, err = x.rewrite(parsed); err != nil {
			return nil, err
		}
		if v, ok := text.(query.ValidatableQuery); ok {
			if err := v.Validate(); err != nil {
				return nil, queryErrorf("cannot read the query %q: %v", q, err)
			}
		}
	default:
		text = x.words(q)
	}

	var filters []query.Query
	for _, f := range []struct{ field, value string }{
		{FieldType, r.Type}, {FieldStatus, r.Status}, {FieldBody, r.Body}, {FieldTags, r.Tag}, {FieldVersions, r.Version}, {FieldLang, r.Lang},
	} {
		if f.value != "" {
			t := query.NewTermQuery(f.value)
			t.SetField(f.field)
			filters = append(filters, t)
		}
	}
	if key := codeKey(q); key != "" && text != nil && !usesSyntax(q) {
		return x.searchCode(key, text, filters, from, size)
	}
	var top query.Query
	switch {
	case text == nil && len(filters) == 0:
		top = query.NewMatchAllQuery()
	case text == nil:
		top = query.NewConjunctionQuery(filters)
	default:
		b := query.NewBooleanQuery([]query.Query{text}, nil, nil)
		if len(filters) > 0 {
			b.AddFilter(query.NewConjunctionQuery(filters))
		}
		top = b
	}

	req := bleve.NewSearchRequestOptions(top, size, from, false)
	req.Fields = storedFields
	req.IncludeLocations = text != nil
	if text == nil {
		req.SortByCustom(bsearch.SortOrder{
			&bsearch.SortField{Field: FieldDate, Type: bsearch.SortFieldAsDate, Desc: true, Missing: bsearch.SortFieldMissingLast},
			&bsearch.SortDocID{},
		})
	} else {
		req.SortBy([]string{"-_score", "_id"})
	}
	for _, f := range FacetFields {
		req.AddFacet(f, bleve.NewFacetRequest(f, 1000))
	}
	res, err := x.idx.Search(req)
	if err != nil {
		// A query bleve refuses while searching (a regexp too complex, a prefix
		// matching too many terms) is the user's to change.
		return nil, queryErrorf("cannot run the query %q: %v", q, err)
	}
	out := &Result{Total: int(res.Total), Page: page, Size: size, Hits: []Hit{}, Facets: map[string][]FacetValue{}, Took: res.Took}
	for _, h := range res.Hits {
		hit := x.hit(h)
		if text == nil {
			hit.Score = 0 // listed by date: no score
		}
		out.Hits = append(out.Hits, hit)
	}
	for _, f := range FacetFields {
		out.Facets[f] = facetValues(f, res.Facets[f])
	}
	return out, nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// syntaxRE finds what makes a query use the query string syntax: a quote, a known
// field before a colon, a word starting with + or -, a word ending in ~ or ~N.
var syntaxRE = regexp.MustCompile(`"|(?:^|\s)[+-]\S|\S~\d*(?:\s|$)|(?:^|[\s(+-])(?:` + strings.Join(fieldNames(), "|") + `):`)

// usesSyntax reports whether q is written in bleve's query string syntax rather than as
// plain words: it has a double quote, a field name the index knows followed by a colon
// (status:open), a word starting with + or -, or a word ending in ~ or ~N (fuzzy).
func usesSyntax(q string) bool { return syntaxRE.MatchString(q) }

// fieldAliases map the field names a query may use to the fields of the index.
var fieldAliases = map[string][]string{
	"title":       {Field(FieldTitle, "it"), Field(FieldTitle, "en")},
	"summary":     {Field(FieldSummary, "it"), Field(FieldSummary, "en")},
	"text":        {Field(FieldText, "it"), Field(FieldText, "en")},
	"tag":         {FieldTags},
	"version":     {FieldVersions},
	FieldType:     {FieldType},
	FieldLang:     {FieldLang},
	FieldStatus:   {FieldStatus},
	FieldBody:     {FieldBody},
	FieldTags:     {FieldTags},
	FieldAgID:     {FieldAgID},
	FieldKind:     {FieldKind},
	FieldVersions: {FieldVersions},
	FieldDate:     {FieldDate},
	"title_it":    {"title_it"},
	"title_en":    {"title_en"},
	"summary_it":  {"summary_it"},
	"summary_en":  {"summary_en"},
	"text_it":     {"text_it"},
	"text_en":     {"text_en"},
}

func fieldNames() []string {
	var out []string
	for k := range fieldAliases {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// anyField are the fields, with their boosts, that a word with no field searches.
func anyField() (fields []string, boosts []float64) {
	for _, lang := range Languages {
		for _, f := range textFields {
			fields = append(fields, Field(f, lang))
			boosts = append(boosts, Boosts[f])
		}
	}
	return fields, boosts
}

// boostOf is a query's boost, 1 when it has none.
func boostOf(b *query.Boost) float64 { return b.Value() }

// rewrite points the query string's leaves at the index's fields: a leaf with no field
// becomes an OR of copies over title, summary and text in both languages, boosted; an
// alias becomes its fields. A number with no field searches no numeric field.
func (x *Index) rewrite(q query.Query) (query.Query, error) {
	// expand returns the fields (and boost factors) a leaf's field stands for.
	expand := func(field string) ([]string, []float64, error) {
		if field == "" {
			f, b := anyField()
			return f, b, nil
		}
		fields, ok := fieldAliases[field]
		if !ok {
			return nil, nil, queryErrorf("unknown field %q (want one of: %s)", field, strings.Join(fieldNames(), ", "))
		}
		boosts := make([]float64, len(fields))
		for i, f := range fields {
			boosts[i] = 1
			if strings.Contains(f, "_") {
				boosts[i] = Boosts[f[:strings.IndexByte(f, '_')]]
			}
		}
		return fields, boosts, nil
	}
	// each makes one copy of a leaf per field, set by set.
	each := func(field string, boost *query.Boost, set func(field string, boost float64) query.Query) (query.Query, error) {
		fields, boosts, err := expand(field)
		if err != nil {
			return nil, err
		}
		if len(fields) == 1 {
			return set(fields[0], boostOf(boost)*boosts[0]), nil
		}
		qs := make([]query.Query, len(fields))
		for i, f := range fields {
			qs[i] = set(f, boostOf(boost)*boosts[i])
		}
		d := query.NewDisjunctionQuery(qs)
		d.SetMin(1)
		return d, nil
	}
	list := func(qs []query.Query) ([]query.Query, error) {
		var out []query.Query
		for _, c := range qs {
			r, err := x.rewrite(c)
			if err != nil {
				return nil, err
			}
			if r != nil {
				out = append(out, r)
			}
		}
		return out, nil
	}
	switch q := q.(type) {
	case *query.BooleanQuery:
		for _, part := range []*query.Query{&q.Must, &q.Should, &q.MustNot} {
			if *part == nil {
				continue
			}
			r, err := x.rewrite(*part)
			if err != nil {
				return nil, err
			}
			if r == nil {
				r = query.NewMatchNoneQuery()
			}
			*part = r
		}
		return q, nil
	case *query.ConjunctionQuery:
		out, err := list(q.Conjuncts)
		q.Conjuncts = out
		return q, err
	case *query.DisjunctionQuery:
		out, err := list(q.Disjuncts)
		if err != nil {
			return nil, err
		}
		if len(out) == 1 && q.Min <= 1 && q.BoostVal == nil {
			return out[0], nil
		}
		q.Disjuncts = out
		return q, nil
	case *query.MatchQuery:
		return each(q.FieldVal, q.BoostVal, func(f string, b float64) query.Query {
			c := *q
			c.FieldVal = f
			c.SetBoost(b)
			return &c
		})
	case *query.MatchPhraseQuery:
		m := x.idx.Mapping()
		return each(q.FieldVal, q.BoostVal, func(f string, b float64) query.Query {
			if fm, ok := m.(interface {
				FieldMappingForPath(string) mapping.FieldMapping
			}); ok {
				if t := fm.FieldMappingForPath(f); t.Type == "text" && !t.IncludeTermVectors {
					// No positions to check the words' order: all of them, anywhere.
					and := query.NewMatchQuery(q.MatchPhrase)
					and.SetOperator(query.MatchQueryOperatorAnd)
					and.SetField(f)
					and.SetBoost(b)
					return and
				}
			}
			c := *q
			c.FieldVal = f
			c.SetBoost(b)
			return &c
		})
	case *query.WildcardQuery:
		q.Wildcard = foldLower(q.Wildcard)
		return each(q.FieldVal, q.BoostVal, func(f string, b float64) query.Query {
			c := *q
			c.FieldVal = f
			c.SetBoost(b)
			return &c
		})
	case *query.RegexpQuery:
		return each(q.FieldVal, q.BoostVal, func(f string, b float64) query.Query {
			c := *q
			c.FieldVal = f
			c.SetBoost(b)
			return &c
		})
	case *query.NumericRangeQuery:
		if q.FieldVal == "" {
			return nil, nil // a bare number: its MatchQuery twin searches the text
		}
		return nil, queryErrorf("field %s: no field of the index is a number", q.FieldVal)
	case *query.DateRangeStringQuery:
		if q.FieldVal != FieldDate {
			return nil, queryErrorf("field %s: only %s is a date", q.FieldVal, FieldDate)
		}
		return q, nil
	}
	return q, nil
}

// words is the query of plain words: see the scoring comment above.
func (x *Index) words(q string) query.Query {
	m := x.idx.Mapping()
	words := strings.Fields(q)
	var clauses []query.Query
	for i, w := range words {
		var word []query.Query
		for _, lang := range Languages {
			terms := analyze(m.AnalyzerNamed(AnalyzerOf(lang)), w)
			for _, f := range textFields {
				for _, t := range terms {
					tq := query.NewTermQuery(t)
					tq.SetField(Field(f, lang))
					tq.SetBoost(Boosts[f])
					word = append(word, tq)
				}
			}
		}
		if i == len(words)-1 {
			if p := prefixOf(w); utf8.RuneCountInString(p) >= 2 {
				for _, lang := range Languages {
					for _, f := range textFields {
						pq := query.NewPrefixQuery(p)
						pq.SetField(Field(f, lang))
						pq.SetBoost(Boosts[f])
						word = append(word, pq)
					}
				}
			}
		}
		if len(word) == 0 {
			continue
		}
		d := query.NewDisjunctionQuery(word)
		d.SetMin(1)
		clauses = append(clauses, d)
	}
	if len(clauses) == 0 {
		return query.NewMatchNoneQuery()
	}
	d := query.NewDisjunctionQuery(clauses)
	d.SetMin(1)
	return d
}

// analyze returns the distinct terms of text, in order.
func analyze(a analysis.Analyzer, text string) []string {
	if a == nil {
		return nil
	}
	var out []string
	for _, t := range a.Analyze([]byte(text)) {
		if s := string(t.Term); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// foldLower folds s to ASCII and lower-cases it, as both analyzers do first.
func foldLower(s string) string {
	return strings.ToLower(string(fold([]byte(s))))
}

// prefixOf is what the last word of a query searches as a prefix: folded, lower case,
// after its last apostrophe (l'uni -> uni), trimmed of what is neither a letter nor a
// digit.
func prefixOf(w string) string {
	p := foldLower(w)
	if i := strings.LastIndexByte(p, '\''); i >= 0 {
		p = p[i+1:]
	}
	return strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// hit turns a bleve hit into a Hit.
func (x *Index) hit(h *bsearch.DocumentMatch) Hit {
	str := func(name string) string {
		s, _ := h.Fields[name].(string)
		return s
	}
	out := Hit{ID: h.ID, Type: str(FieldType), Lang: str(FieldLang), URL: str("url"), Score: h.Score,
		Status: str(FieldStatus), Body: str(FieldBody), Kind: str(FieldKind), Code: str(FieldCode)}
	switch v := h.Fields[FieldVersions].(type) {
	case string:
		out.Versions = []string{v}
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok {
				out.Versions = append(out.Versions, s)
			}
		}
	}
	if d := str(FieldDate); d != "" {
		if t, err := time.Parse(time.RFC3339Nano, d); err == nil {
			out.Date = t.UTC()
		}
	}
	lang := out.Lang
	out.Title, out.Summary = str(Field(FieldTitle, lang)), str(Field(FieldSummary, lang))
	a := x.idx.Mapping().AnalyzerNamed(AnalyzerOf(lang))
	out.TitleHTML = mark(out.Title, h.Locations[Field(FieldTitle, lang)], a)
	out.Highlight = mark(out.Summary, h.Locations[Field(FieldSummary, lang)], a)
	return out
}

// tokenizer splits text into words, keeping their offsets in the original text.
var tokenizer = unicodetok.NewUnicodeTokenizer()

// mark escapes text for HTML and puts <mark> around each word whose terms (by the
// analyzer a, word by word) include one of the terms matched. Words are marked whole,
// in the text as written: the analyzers fold accents before splitting, so their offsets
// are not the text's.
func mark(text string, matched bsearch.TermLocationMap, a analysis.Analyzer) string {
	if len(matched) == 0 || a == nil {
		return html.EscapeString(text)
	}
	var b strings.Builder
	src := []byte(text)
	at := 0
	for _, tok := range tokenizer.Tokenize(src) {
		hit := false
		for _, t := range a.Analyze(src[tok.Start:tok.End]) {
			if _, ok := matched[string(t.Term)]; ok {
				hit = true
				break
			}
		}
		if !hit {
			continue
		}
		b.WriteString(html.EscapeString(text[at:tok.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[tok.Start:tok.End]))
		b.WriteString("</mark>")
		at = tok.End
	}
	b.WriteString(html.EscapeString(text[at:]))
	return b.String()
}

// facetValues lists a facet's values with a count, in the order Result.Facets says.
func facetValues(field string, f *bsearch.FacetResult) []FacetValue {
	out := []FacetValue{}
	if f == nil || f.Terms == nil {
		return out
	}
	for _, t := range f.Terms.Terms() {
		if t.Count > 0 {
			out = append(out, FacetValue{t.Term, t.Count})
		}
	}
	slices.SortFunc(out, func(a, b FacetValue) int {
		if field == FieldType {
			return typeRank(a.Value) - typeRank(b.Value)
		}
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return out
}

func typeRank(t string) int {
	if i := slices.Index(Types, t); i >= 0 {
		return i
	}
	return len(Types)
}
