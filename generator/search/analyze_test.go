package search

import (
	"bytes"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator/synth"
)

// analyzerPairs returns, by language, the mapping's analyzer and the fast one.
func analyzerPairs(t testing.TB) map[string][2]analysis.Analyzer {
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	fast := fastAnalyzers(m)
	out := map[string][2]analysis.Analyzer{}
	for _, lang := range Languages {
		if _, ok := fast[lang].(*fastAnalyzer); !ok {
			t.Fatalf("%s: no fast analyzer for %T", lang, fast[lang])
		}
		out[lang] = [2]analysis.Analyzer{m.AnalyzerNamed(AnalyzerOf(lang)), fast[lang]}
	}
	return out
}

func tokenString(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q@%d[%d:%d]%d%v ", t.Term, t.Position, t.Start, t.End, t.Type, t.KeyWord)
	}
	return b.String()
}

// sameTokens fails when the two analyzers disagree on text.
func sameTokens(t testing.TB, pair [2]analysis.Analyzer, text string) bool {
	t.Helper()
	want := tokenString(pair[0].Analyze([]byte(text)))
	got := tokenString(pair[1].Analyze([]byte(text)))
	if got != want {
		t.Errorf("%q:\nfast:  %s\nbleve: %s", text, got, want)
		return false
	}
	return true
}

var analyzerSeeds = []string{
	"", " ", "a", "_", "__", "1", "1_", "_1", "a_b", "a_.b", "a.b", "a..b", "a.b.", ".a", "a.1", "1.a", "1.2", "1,2", "1;2", "1:2", "a:b", "a;b", "a,b",
	"l'università", "l’università", "dell'Agenzia", "L'AGID", "un'entità", "'a'", "a'", "''", "a''b", "1'000", "1.000,50 €", "€1", "10:30", "e-mail",
	"co-progettazione", "www.example.org", "https://www.agid.gov.it/it/piattaforme?x=1&y=2", "anna.rossi@mef.gov.it", "PNRR-M1C1", "art. 18-bis",
	"Città, perché più è così", "naïve café façade", "straße", "æsir Œuvre", "ﬁne", "«citazione»", "“quote” ‘single’", "a—b – c", "x²", "½", "①",
	"日本語のテキスト", "カタカナ", "한국어", "עברית", "עב\"רית", "Ελληνικά", "русский", "a\u0301b", " \u0301b", "a\u200bb", "a\u200db", "🇮🇹 flag", "😀 emoji",
	"tab\there", "line\nbreak", "cr\r\nlf", "v\vf\f", "\xff\xfe bad", "a\xffb", "\u0085nel", "a\u2028b", "Ω", "ǅ", "İstanbul", "ΣΑΣ",
	"the boy's books", "O'Neil's", "IT'S", "running runs ran", "a_ _b", "_a_", "1__2", "a1b2", "2025-2027", "v1.2.3", "3.14.15", "x:y:z", "a:1",
}

func TestFastAnalyzerGivesBlevesTokens(t *testing.T) {
	pairs := analyzerPairs(t)
	var texts []string
	texts = append(texts, analyzerSeeds...)
	_ = fs.WalkDir(demo.Site(), ".", func(name string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".yaml")) {
			data, _ := fs.ReadFile(demo.Site(), name)
			texts = append(texts, string(data))
		}
		return nil
	})
	n := 0
	_ = synth.Generate(synth.Options{Proposals: 30, Practices: 10, Reactions: 10, Bodies: 5, Tags: 5, Seed: 7}, func(p string, data []byte) error {
		if strings.HasSuffix(p, ".md") && n < 60 {
			texts = append(texts, string(data))
			n++
		}
		return nil
	})
	for _, lang := range Languages {
		failed := 0
		for _, text := range texts {
			if !sameTokens(t, pairs[lang], text) {
				if failed++; failed > 5 {
					t.Fatalf("%s: too many differences", lang)
				}
			}
		}
	}
}

func FuzzFastAnalyzerGivesBlevesTokens(f *testing.F) {
	for _, s := range analyzerSeeds {
		f.Add(s)
	}
	pairs := analyzerPairs(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, lang := range Languages {
			sameTokens(t, pairs[lang], text)
		}
	})
}

func TestFoldIsASCIIFolding(t *testing.T) {
	m, _ := NewMapping()
	a := m.AnalyzerNamed(AnalyzerIT).(*analysis.DefaultAnalyzer)
	for _, s := range analyzerSeeds {
		if got, want := fold([]byte(s)), a.CharFilters[0].Filter([]byte(s)); !bytes.Equal(got, want) {
			t.Errorf("fold(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestFastDocumentsAreMappedDocuments checks that the documents Build indexes are what
// bleve's mapping makes of them, field by field, analysed the same.
func TestFastDocumentsAreMappedDocuments(t *testing.T) {
	m, err := NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	fast := fastAnalyzers(m)
	docs := someDocs(3)
	docs = append(docs, Document{ID: "plan/actions/x/en", Type: "action", Lang: "en", Title: "The city's services", Summary: "Running services.",
		Text: "Running services in the city — naïve façade, 2025.", Status: "in-progress", Body: "m_ef", Versions: []string{"draft", "2025.1"},
		AgID: []string{"OB.1.1", "OB.1.2"}, URL: "/en/plan/actions/x/"})
	docs = append(docs, Document{ID: "bodies/m_ef", Type: "body", Lang: "it", Title: "Ministero dell'Economia", Kind: "ministry", Body: "m_ef", URL: "/bodies/m_ef/"})
	for _, d := range docs {
		want := document.NewDocument(d.ID)
		if err := m.MapDocument(want, d.fields()); err != nil {
			t.Fatal(err)
		}
		got, err := d.bleveDocument(m, fast)
		if err != nil {
			t.Fatal(err)
		}
		if len(want.CompositeFields) != 0 || len(got.CompositeFields) != 0 {
			t.Errorf("%s: composite fields (_all): %d, %d", d.ID, len(want.CompositeFields), len(got.CompositeFields))
		}
		describe := func(doc *document.Document) map[string]string {
			out := map[string]string{}
			for _, f := range doc.Fields {
				f.Analyze()
				key := fmt.Sprintf("%s%v", f.Name(), f.ArrayPositions())
				out[key] = fmt.Sprintf("options=%v value=%q length=%d plain=%d freqs=%s", f.Options(), f.Value(), f.AnalyzedLength(),
					f.NumPlainTextBytes(), freqString(f.AnalyzedTokenFrequencies()))
			}
			return out
		}
		w, g := describe(want), describe(got)
		for k, v := range w {
			if g[k] != v {
				t.Errorf("%s: field %s:\nfast:    %s\nmapping: %s", d.ID, k, g[k], v)
			}
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				t.Errorf("%s: field %s is not in the mapped document", d.ID, k)
			}
		}
	}
}

func freqString(tf index.TokenFrequencies) string {
	var keys []string
	for k := range tf {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		f := tf[k]
		fmt.Fprintf(&b, "%q:%d", k, f.Frequency())
		for _, l := range f.Locations {
			fmt.Fprintf(&b, "(%s %d %d %d %v)", l.Field, l.Start, l.End, l.Position, l.ArrayPositions)
		}
		b.WriteByte(' ')
	}
	return b.String()
}

// TestPooledAnalysesAreWhatBlevesFieldsGive: the text fields Build indexes analyse
// their text into token arrays that the next field reuses. Over texts of every kind
// (more tokens than the arrays' first guess among them, a long one before a short one),
// analysed again and again on four goroutines at once, each field's length and token
// frequencies are those of bleve's own text field with the same analyzer.
func TestPooledAnalysesAreWhatBlevesFieldsGive(t *testing.T) {
	pairs := analyzerPairs(t)
	texts := append([]string(nil), analyzerSeeds...)
	texts = append(texts, strings.Repeat("a b 1 ", 3000), "x", strings.Repeat("città perché l'università ", 500), "y z")
	_ = synth.Generate(synth.Options{Proposals: 20, Practices: 5, Reactions: 5, Bodies: 5, Tags: 5, Seed: 3}, func(p string, data []byte) error {
		if strings.HasSuffix(p, ".md") {
			texts = append(texts, string(data))
		}
		return nil
	})
	opts := index.IndexField | index.IncludeTermVectors
	describe := func(f document.Field) string {
		f.Analyze()
		return fmt.Sprintf("length=%d freqs=%s", f.AnalyzedLength(), freqString(f.AnalyzedTokenFrequencies()))
	}
	for _, lang := range Languages {
		fast := pairs[lang][1].(*fastAnalyzer)
		want := make([]string, len(texts))
		for i, text := range texts {
			want[i] = describe(document.NewTextFieldCustom("text", nil, []byte(text), opts, fast))
		}
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for round := range 3 {
					for k := range texts {
						i := (k*(g+1) + round) % len(texts)
						if got := describe(&textField{name: "text", value: []byte(texts[i]), options: opts, analyzer: fast}); got != want[i] {
							t.Errorf("%s: text %d (%.40q): pooled %.200s\nbleve's: %.200s", lang, i, texts[i], got, want[i])
							return
						}
					}
				}
			})
		}
		wg.Wait()
	}
}
