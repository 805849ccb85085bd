package search

import (
	"fmt"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"
)

// Analyzers of the text fields, by language. Italian is bleve's "it" analyzer (unicode
// words, lower case, elision of l', dell'..., Italian stop words, the light stemmer);
// English is bleve's "en" analyzer. Both fold accents to ASCII first (asciifolding char
// filter), so that "citta" matches "città": the Italian light stemmer folds accents only
// in words of 6 letters or more, and leaves "città" as it is. Stop words written with an
// accent (più, perché) are then no longer stop words: a few more terms, no harm. The
// static search client in the browser reproduces both, token for token (bundle tests
// check it).
const (
	AnalyzerIT = "pspm_it"
	AnalyzerEN = "pspm_en"
	// AnalyzerCode makes a plan item's code one term, lower case: CAP1.PA.LA07 is
	// cap1.pa.la07, whatever the case a reader types it in.
	AnalyzerCode = "pspm_code"
)

// AnalyzerOf is the analyzer of a language's text fields.
func AnalyzerOf(lang string) string {
	if lang == "en" {
		return AnalyzerEN
	}
	return AnalyzerIT
}

// Field is the name of a text field in a language: title_it, text_en.
func Field(name, lang string) string { return name + "_" + lang }

// NewMapping is the index mapping: every field explicit, nothing dynamic, no _all field
// (it would index everything twice).
func NewMapping() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := m.AddCustomAnalyzer(AnalyzerIT, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{lowercase.Name, it.ElisionName, it.StopName, it.LightStemmerName},
	}); err != nil {
		return nil, err
	}
	if err := m.AddCustomAnalyzer(AnalyzerEN, map[string]any{
		"type":          custom.Name,
		"char_filters":  []any{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []any{en.PossessiveName, lowercase.Name, en.StopName, porter.Name},
	}); err != nil {
		return nil, err
	}

	if err := m.AddCustomAnalyzer(AnalyzerCode, map[string]any{
		"type":          custom.Name,
		"tokenizer":     single.Name,
		"token_filters": []any{lowercase.Name},
	}); err != nil {
		return nil, err
	}

	doc := mapping.NewDocumentStaticMapping()
	kw := func(name string, store bool) {
		f := mapping.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = true // facets
		doc.AddFieldMappingsAt(name, f)
	}
	for _, name := range []string{FieldType, FieldLang, FieldStatus, FieldBody, FieldTags, FieldAgID, FieldKind, FieldVersions} {
		kw(name, true)
	}
	code := mapping.NewKeywordFieldMapping()
	code.Analyzer = AnalyzerCode
	code.Store = true
	code.IncludeInAll = false
	code.IncludeTermVectors = false
	code.DocValues = false
	doc.AddFieldMappingsAt(FieldCode, code)
	date := mapping.NewDateTimeFieldMapping()
	date.Store = true
	date.IncludeInAll = false
	doc.AddFieldMappingsAt(FieldDate, date)
	url := mapping.NewTextFieldMapping()
	url.Index = false
	url.Store = true
	url.IncludeInAll = false
	url.IncludeTermVectors = false
	url.DocValues = false
	doc.AddFieldMappingsAt("url", url)
	for _, lang := range Languages {
		for _, name := range []string{FieldTitle, FieldSummary, FieldText} {
			f := mapping.NewTextFieldMapping()
			f.Analyzer = AnalyzerOf(lang)
			f.IncludeInAll = false
			f.DocValues = false
			// Titles and summaries are stored with their term vectors, to be shown with
			// the matched words highlighted; the text is only searched. Term vectors on
			// the text would cost 60% more indexing time, 50% more memory and twice the
			// disk (10,000 proposals: 7.2 s of CPU instead of 4.5, 57 MB instead of 26):
			// without them, a phrase finds its words anywhere in the text (see query.go).
			f.Store = name != FieldText
			f.IncludeTermVectors = name != FieldText
			doc.AddFieldMappingsAt(Field(name, lang), f)
		}
	}
	// Without this, bleve still adds an empty _all field to every document, and
	// composing it costs a tenth of the indexing time.
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	m.DefaultAnalyzer = AnalyzerIT
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false
	return m, nil
}

// bleveDocument is d as bleve indexes it: what m.MapDocument makes of d.fields(), with
// the text fields analysed by the fast analyzers (by language) rather than the
// mapping's. Tests check that both give the same fields, analysed the same.
func (d *Document) bleveDocument(m *mapping.IndexMappingImpl, analyzers map[string]analysis.Analyzer) (*document.Document, error) {
	doc := document.NewDocument(d.ID)
	if err := m.MapDocument(doc, d.keywordFields()); err != nil {
		return nil, err
	}
	a := analyzers[d.Lang]
	if a == nil {
		return nil, fmt.Errorf("no analyzer for language %q", d.Lang)
	}
	for _, f := range []struct{ name, value string }{{FieldTitle, d.Title}, {FieldSummary, d.Summary}, {FieldText, d.Text}} {
		name := Field(f.name, d.Lang)
		fm := m.FieldMappingForPath(name)
		if fm.Type != "text" {
			return nil, fmt.Errorf("no text field %s in the mapping", name)
		}
		if fa, ok := a.(*fastAnalyzer); ok {
			doc.AddField(&textField{name: name, value: []byte(f.value), options: fm.Options(), analyzer: fa})
		} else {
			doc.AddField(document.NewTextFieldCustom(name, nil, []byte(f.value), fm.Options(), a))
		}
	}
	return doc, nil
}

// textField is bleve's text field (document.TextField, with no array positions) for a
// fastAnalyzer: its Analyze counts the tokens' frequencies as bleve's does, then gives
// their arrays back for the next field, since nothing reads the tokens after that.
type textField struct {
	name        string
	value       []byte
	options     index.FieldIndexingOptions
	analyzer    *fastAnalyzer
	length      int
	frequencies index.TokenFrequencies
	size        int
}

func (t *textField) Name() string                                     { return t.name }
func (t *textField) ArrayPositions() []uint64                         { return nil }
func (t *textField) Options() index.FieldIndexingOptions              { return t.options }
func (t *textField) Value() []byte                                    { return t.value }
func (t *textField) Text() string                                     { return string(t.value) }
func (t *textField) NumPlainTextBytes() uint64                        { return uint64(len(t.value)) }
func (t *textField) EncodedFieldType() byte                           { return 't' }
func (t *textField) AnalyzedLength() int                              { return t.length }
func (t *textField) AnalyzedTokenFrequencies() index.TokenFrequencies { return t.frequencies }

// Size is about what the field holds, for bleve's memory statistics (Scorch.MemoryUsed,
// which nothing of a build reads): counted as the field is analysed, since counting it
// as bleve's field does walks every term's every location, for every document indexed.
func (t *textField) Size() int { return t.size }

// Analyze is document.TextField's: the analyzer never changes its input (it folds a
// copy), so a stored field needs no copy of it either.
func (t *textField) Analyze() {
	buf := tokenBufs.Get().(*tokenBuf)
	tokens := t.analyzer.analyze(t.value, buf)
	t.length = len(tokens)
	t.frequencies = analysis.TokenFrequency(tokens, nil, t.options)
	buf.release()
	// The field, its name and text; each term's entry (a pointer, its TokenFreq, the
	// term's bytes in the text); each location.
	t.size = int(unsafe.Sizeof(*t)) + len(t.name) + len(t.value) +
		len(t.frequencies)*int(unsafe.Sizeof(index.TokenFreq{})+8) + t.length*int(unsafe.Sizeof(index.TokenLocation{})+8)
}

// fields turns a document into what bleve indexes.
func (d *Document) fields() map[string]any {
	f := d.keywordFields()
	f[Field(FieldTitle, d.Lang)] = d.Title
	f[Field(FieldSummary, d.Lang)] = d.Summary
	f[Field(FieldText, d.Lang)] = d.Text
	return f
}

// keywordFields are the fields of d that are not text.
func (d *Document) keywordFields() map[string]any {
	f := map[string]any{
		FieldType: d.Type,
		FieldLang: d.Lang,
		"url":     d.URL,
	}
	set := func(k, v string) {
		if v != "" {
			f[k] = v
		}
	}
	set(FieldStatus, d.Status)
	set(FieldBody, d.Body)
	set(FieldKind, d.Kind)
	set(FieldCode, d.Code)
	if len(d.Tags) > 0 {
		f[FieldTags] = d.Tags
	}
	if len(d.AgID) > 0 {
		f[FieldAgID] = d.AgID
	}
	if len(d.Versions) > 0 {
		f[FieldVersions] = d.Versions
	}
	if !d.Date.IsZero() {
		f[FieldDate] = d.Date
	}
	return f
}
