package search_test

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
)

var demoOnce = sync.OnceValues(func() (*generator.Result, error) {
	return generator.Inspect(generator.Options{Source: demo.Site()})
})

// demoDocs are the documents of the demo portal.
func demoDocs(t testing.TB) (*site.Site, []search.Document) {
	t.Helper()
	res, err := demoOnce()
	if err != nil {
		t.Fatalf("the demo does not load: %v", err)
	}
	return res.Site, search.Documents(res.Site, res.Config.Languages, markdown.New().Plain)
}

// memIndex builds docs in memory.
func memIndex(t testing.TB, docs []search.Document) *search.Index {
	t.Helper()
	x, _, err := search.Build("", docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

var demoIndexOnce sync.Once
var demoIndex *search.Index

func demoIdx(t *testing.T) *search.Index {
	t.Helper()
	_, docs := demoDocs(t)
	demoIndexOnce.Do(func() {
		x, _, err := search.Build("", docs)
		if err != nil {
			t.Fatal(err)
		}
		demoIndex = x
	})
	if demoIndex == nil {
		t.Fatal("no demo index")
	}
	return demoIndex
}

func find(t *testing.T, x *search.Index, r search.Request) *search.Result {
	t.Helper()
	res, err := x.Search(r)
	if err != nil {
		t.Fatalf("%+v: %v", r, err)
	}
	return res
}

func ids(res *search.Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestDocumentsOfTheDemoCoverEveryItemAndTranslation(t *testing.T) {
	s, docs := demoDocs(t)
	count := map[string]int{}
	byID := map[string]search.Document{}
	for _, d := range docs {
		if _, dup := byID[d.ID]; dup {
			t.Errorf("two documents %s", d.ID)
		}
		byID[d.ID] = d
		if d.Lang == "it" {
			count[d.Type]++
		}
		if d.Title == "" || d.URL == "" || !strings.HasPrefix(d.URL, "/") {
			t.Errorf("%s: title %q, url %q", d.ID, d.Title, d.URL)
		}
	}
	feedback := 0
	for _, f := range s.Feedback {
		if f.On != nil && len(f.Problems) == 0 && f.Hidden == nil { // a moderated comment is not searchable
			feedback++
		}
	}
	want := map[string]int{"goal": len(s.Goals), "objective": len(s.Objectives), "result": len(s.Results), "action": len(s.Actions), "proposal": len(s.Proposals),
		"practice": len(s.Practices), "body": len(s.Bodies), "feedback": feedback}
	amendments := 0
	for _, a := range s.Amendments {
		if a.On != nil && len(a.Problems) == 0 {
			amendments++
		}
	}
	if amendments > 0 {
		want["amendment"] = amendments
	}
	if len(s.Participants) > 0 {
		want["participant"] = len(s.Participants)
	}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("documents by type = %v, want %v", count, want)
	}
	translated := 0
	for _, a := range s.Actions {
		tr := a.Translations["en"]
		if tr == nil {
			continue
		}
		translated++
		d, ok := byID[a.Key()+"/en"]
		if !ok {
			t.Errorf("no English document of %s", a.Key())
			continue
		}
		if d.Lang != "en" || d.URL != "/en"+a.URL() || d.Title != tr.Title || d.Status != a.Status || d.Type != "action" {
			t.Errorf("English document of %s: %+v", a.Key(), d)
		}
		if !slices.Equal(d.Versions, []string{search.Draft}) {
			t.Errorf("%s: versions %v, want [draft]", d.ID, d.Versions)
		}
	}
	if translated == 0 {
		t.Fatal("the demo has no translated action")
	}
	p := s.Proposals[0]
	d := byID[p.Key()]
	if d.Status != p.Status || d.Body != p.Body || !slices.Equal(d.Tags, p.Tags) || !d.Date.Equal(p.Date) || d.URL != p.URL() || d.Summary == "" || d.Text == "" {
		t.Errorf("document of %s: %+v", p.Key(), d)
	}
	if strings.ContainsAny(d.Text, "*[]#") {
		t.Errorf("%s: the text keeps Markdown: %q", d.ID, d.Text)
	}
	for _, f := range s.Feedback {
		if f.On == nil || len(f.Problems) > 0 {
			continue
		}
		d := byID[f.ItemKey+"#"+f.ID()]
		if d.Type != "feedback" || d.URL != "/"+f.ItemKey+"/#"+f.ID() || d.Body != f.Voter || d.Kind != f.Kind {
			t.Errorf("document of feedback %s: %+v", f.File, d)
		}
		break
	}
	_, again := demoDocs(t)
	if !reflect.DeepEqual(docs, again) {
		t.Error("Documents is not deterministic")
	}
}

func TestItalianStemmingFindsOtherFormsOfAWord(t *testing.T) {
	x := demoIdx(t)
	// dichiarazioni-accessibilita has "progetto" and never "progetti".
	res := find(t, x, search.Request{Q: "progetti", Size: 100})
	if !slices.Contains(ids(res), "plan/actions/dichiarazioni-accessibilita") {
		t.Errorf("progetti does not find plan/actions/dichiarazioni-accessibilita: %v", ids(res))
	}
}

func TestAccentsAreFolded(t *testing.T) {
	x := demoIdx(t)
	for _, q := range []string{"citta", "città", "CITTÀ"} {
		res := find(t, x, search.Request{Q: q, Size: 100})
		if !slices.Contains(ids(res), "plan/actions/open-data-bilancio") {
			t.Errorf("%s does not find plan/actions/open-data-bilancio (città): %v", q, ids(res))
		}
	}
}

func TestLastWordIsAPrefix(t *testing.T) {
	x := demoIdx(t)
	res := find(t, x, search.Request{Q: "digit", Size: 100})
	if res.Total == 0 {
		t.Fatal("digit finds nothing")
	}
	h := res.Hits[0]
	if !strings.Contains(strings.ToLower(h.TitleHTML+h.Highlight), "<mark>digit") {
		t.Errorf("the first hit has no word starting with digit marked: %q / %q", h.TitleHTML, h.Highlight)
	}
	// One letter is no prefix: "d" alone is a word, matching only the term "d".
	if res := find(t, x, search.Request{Q: "d"}); res.Total >= find(t, x, search.Request{Q: "di"}).Total && res.Total > 0 {
		t.Errorf("a one-letter query is searched as a prefix: %d hits", res.Total)
	}
	// Only the last word is a prefix. (In English, the Porter stemmer makes "digital"
	// "digit": English documents are left out.)
	if res := find(t, x, search.Request{Q: "digit servizi", Lang: "it", Size: 100}); slices.ContainsFunc(res.Hits, func(h search.Hit) bool {
		return strings.Contains(h.Highlight, "<mark>digital") && !strings.Contains(strings.ToLower(h.Highlight+h.TitleHTML), "<mark>serviz")
	}) {
		t.Error("a word before the last is searched as a prefix")
	}
}

func TestEnglishTranslationsAreFoundByEnglishStems(t *testing.T) {
	x := demoIdx(t)
	// "centre" is stemmed "centr"; "centres" too, by the Porter stemmer.
	res := find(t, x, search.Request{Q: "operations centres", Lang: "en"})
	if !slices.Contains(ids(res), "plan/actions/soc-condiviso/en") {
		t.Errorf("English stems do not find plan/actions/soc-condiviso/en: %v", ids(res))
	}
	for _, h := range res.Hits {
		if h.Lang != "en" || !strings.HasPrefix(h.URL, "/en/") {
			t.Errorf("the lang filter let %s (%s, %s) through", h.ID, h.Lang, h.URL)
		}
	}
}

func TestMoreWordsMatchedRankHigher(t *testing.T) {
	docs := []search.Document{
		{ID: "proposals/a", Type: "proposal", Lang: "it", Title: "Rete regionale", Text: "Una rete per i comuni.", URL: "/proposals/a/"},
		{ID: "proposals/b", Type: "proposal", Lang: "it", Title: "Sicurezza", Text: "Una rete regionale di sicurezza informatica per i comuni.", URL: "/proposals/b/"},
		{ID: "proposals/c", Type: "proposal", Lang: "it", Title: "Altro", Text: "Niente di pertinente qui.", URL: "/proposals/c/"},
	}
	x := memIndex(t, docs)
	res := find(t, x, search.Request{Q: "sicurezza informatica comuni"})
	if got := ids(res); !slices.Equal(got, []string{"proposals/b", "proposals/a"}) {
		t.Errorf("hits = %v, want [proposals/b proposals/a]", got)
	}
	// A title match outweighs a text match.
	res = find(t, x, search.Request{Q: "regionale"})
	if got := ids(res); len(got) != 2 || got[0] != "proposals/a" {
		t.Errorf("hits = %v, want proposals/a (title) first", got)
	}
}

func TestFacetsCountTheWholeResult(t *testing.T) {
	s, docs := demoDocs(t)
	x := demoIdx(t)
	res := find(t, x, search.Request{Size: 1})
	if res.Total != len(docs) {
		t.Errorf("an empty query lists %d documents, want all %d", res.Total, len(docs))
	}
	types := map[string]int{}
	status := map[string]int{}
	for _, d := range docs {
		types[d.Type]++
		if d.Status != "" {
			status[d.Status]++
		}
	}
	var gotTypes []string
	for _, v := range res.Facets[search.FieldType] {
		gotTypes = append(gotTypes, v.Value)
		if v.Count != types[v.Value] {
			t.Errorf("type %s: count %d, want %d", v.Value, v.Count, types[v.Value])
		}
	}
	var wantTypes []string
	for _, ty := range search.Types {
		if types[ty] > 0 {
			wantTypes = append(wantTypes, ty)
		}
	}
	if !slices.Equal(gotTypes, wantTypes) {
		t.Errorf("type facet lists %v, want %v", gotTypes, wantTypes)
	}
	for _, v := range res.Facets[search.FieldStatus] {
		if v.Count != status[v.Value] {
			t.Errorf("status %s: count %d, want %d", v.Value, v.Count, status[v.Value])
		}
	}
	if len(res.Facets[search.FieldStatus]) != len(status) {
		t.Errorf("status facet %v, want %v", res.Facets[search.FieldStatus], status)
	}
	tag := s.Proposals[0].Tags[0]
	n := 0
	for _, d := range docs {
		if slices.Contains(d.Tags, tag) {
			n++
		}
	}
	if c := facetCount(res, search.FieldTags, tag); c != n {
		t.Errorf("tag %s: count %d, want %d", tag, c, n)
	}
	if c := facetCount(res, search.FieldVersions, search.Draft); c != types["goal"]+types["objective"]+types["result"]+types["action"] {
		t.Errorf("versions draft: count %d, want every plan item", c)
	}
	// Facets follow the query.
	res = find(t, x, search.Request{Q: "digitale", Type: "proposal"})
	if len(res.Facets[search.FieldType]) != 1 || res.Facets[search.FieldType][0] != (search.FacetValue{Value: "proposal", Count: res.Total}) {
		t.Errorf("type facet of a filtered result: %v (total %d)", res.Facets[search.FieldType], res.Total)
	}
}

func facetCount(res *search.Result, field, value string) int {
	for _, v := range res.Facets[field] {
		if v.Value == value {
			return v.Count
		}
	}
	return 0
}

func TestFiltersSelectWithoutChangingScores(t *testing.T) {
	s, _ := demoDocs(t)
	x := demoIdx(t)
	all := find(t, x, search.Request{Q: "servizi digitali", Size: 100})
	score := map[string]float64{}
	for _, h := range all.Hits {
		score[h.ID] = h.Score
	}
	p := s.Proposals[0]
	for _, r := range []search.Request{
		{Q: "servizi digitali", Type: "proposal", Size: 100},
		{Q: "servizi digitali", Status: p.Status, Size: 100},
		{Q: "servizi digitali", Body: p.Body, Size: 100},
		{Q: "servizi digitali", Tag: p.Tags[0], Size: 100},
		{Q: "servizi digitali", Version: search.Draft, Size: 100},
	} {
		res := find(t, x, r)
		if res.Total == 0 {
			t.Errorf("%+v finds nothing", r)
		}
		for _, h := range res.Hits {
			ok := (r.Type == "" || h.Type == r.Type) && (r.Status == "" || h.Status == r.Status) && (r.Body == "" || h.Body == r.Body) &&
				(r.Version == "" || slices.Contains(h.Versions, r.Version))
			if !ok {
				t.Errorf("%+v lets %s through (%s, %s, %s, %v)", r, h.ID, h.Type, h.Status, h.Body, h.Versions)
			}
			if s, found := score[h.ID]; found && s != h.Score {
				t.Errorf("%+v: %s scores %v, %v without the filter", r, h.ID, h.Score, s)
			}
		}
	}
	// An empty query with a filter lists by date, newest first.
	res := find(t, x, search.Request{Type: "proposal", Lang: "it", Size: 100})
	if res.Total != len(s.Proposals) {
		t.Errorf("type=proposal lists %d, want %d", res.Total, len(s.Proposals))
	}
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Date.After(res.Hits[i-1].Date) {
			t.Errorf("not by date: %s (%v) after %s (%v)", res.Hits[i].ID, res.Hits[i].Date, res.Hits[i-1].ID, res.Hits[i-1].Date)
		}
	}
}

func TestPagesSplitTheResult(t *testing.T) {
	x := demoIdx(t)
	all := find(t, x, search.Request{Q: "digitale", Size: 30})
	p1 := find(t, x, search.Request{Q: "digitale", Size: 10, Page: 1})
	p2 := find(t, x, search.Request{Q: "digitale", Size: 10, Page: 2})
	if got := append(ids(p1), ids(p2)...); !slices.Equal(got, ids(all)[:20]) {
		t.Errorf("pages 1 and 2 = %v, want %v", got, ids(all)[:20])
	}
	if p2.Total != all.Total || p2.Page != 2 {
		t.Errorf("page 2: total %d page %d", p2.Total, p2.Page)
	}
}

func TestHighlightsAreEscapedAndMarkWholeWords(t *testing.T) {
	docs := []search.Document{{ID: "proposals/x", Type: "proposal", Lang: "it", Title: "La città <b>digitale</b>",
		Summary: "Per l'università & la città: servizi digitali.", Text: "Per l'università & la città: servizi digitali.", URL: "/proposals/x/"}}
	x := memIndex(t, docs)
	res := find(t, x, search.Request{Q: "citta universita digitale"})
	if res.Total != 1 {
		t.Fatalf("total %d", res.Total)
	}
	h := res.Hits[0]
	if want := "La <mark>città</mark> &lt;b&gt;<mark>digitale</mark>&lt;/b&gt;"; h.TitleHTML != want {
		t.Errorf("title = %q, want %q", h.TitleHTML, want)
	}
	if want := "Per <mark>l&#39;università</mark> &amp; la <mark>città</mark>: servizi <mark>digitali</mark>."; h.Highlight != want {
		t.Errorf("highlight = %q, want %q", h.Highlight, want)
	}
}

func TestQueryStringSyntax(t *testing.T) {
	docs := []search.Document{
		{ID: "proposals/a", Type: "proposal", Lang: "it", Status: "open", Title: "Rete regionale", Text: "Una rete di sicurezza per i comuni.", URL: "/proposals/a/"},
		{ID: "proposals/b", Type: "proposal", Lang: "it", Status: "accepted", Title: "Sicurezza", Text: "La sicurezza della rete regionale.", URL: "/proposals/b/"},
		{ID: "practices/c", Type: "practice", Lang: "it", Title: "Comuni", Text: "Una rete per i piccoli comuni.", URL: "/practices/c/"},
	}
	x := memIndex(t, docs)
	for _, c := range []struct {
		q    string
		want []string
	}{
		{`"rete regionale"`, []string{"proposals/a", "proposals/b"}}, // a by its title, b by its text
		// In titles a phrase keeps its order; in the text, which keeps no positions,
		// its words are searched anywhere.
		{`"regionale rete"`, []string{"proposals/b"}},
		{`title:"rete regionale"`, []string{"proposals/a"}},
		{`title:"regionale rete"`, nil},
		{`title:"rete la regionale"`, nil}, // la is a stop word: the phrase keeps its place
		{`rete -sicurezza`, []string{"practices/c"}},
		{`+comuni +sicurezza`, []string{"proposals/a"}},
		{`status:accepted`, []string{"proposals/b"}},
		{`+type:practice rete`, []string{"practices/c"}},
		{`type:practice rete`, []string{"practices/c", "proposals/a", "proposals/b"}},
		{`title:comuni`, []string{"practices/c"}},
		{`sicurezzza~1`, []string{"proposals/b", "proposals/a"}},
	} {
		res := find(t, x, search.Request{Q: c.q})
		got := ids(res)
		slices.Sort(got)
		want := slices.Clone(c.want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s finds %v, want %v", c.q, got, want)
		}
	}
}

func TestBadQueriesAreTheUsersErrors(t *testing.T) {
	x := demoIdx(t)
	for _, q := range []string{`"unclosed`, `+nofield:x`, `colour:red "x"`, `status:`, strings.Repeat("parola ", 200), "\xff\xfe"} {
		_, err := x.Search(search.Request{Q: q})
		var qe *search.QueryError
		if err == nil || !errors.As(err, &qe) {
			t.Errorf("%q: err = %v, want a QueryError", q, err)
		}
	}
	if _, err := x.Search(search.Request{Q: "x", Page: math.MaxInt}); err == nil {
		t.Error("a page too far is answered")
	}
	// Whatever is typed, plain words never fail.
	for _, q := range []string{"a:b", "(", ")", "*", "?", "~", "^", "/", "\\", "x^", "--", "++", "'", "l'", "&&", "||", "!"} {
		if _, err := x.Search(search.Request{Q: q}); err != nil {
			var qe *search.QueryError
			if !errors.As(err, &qe) {
				t.Errorf("%q: internal error %v", q, err)
			}
		}
	}
}

func TestIndexOnDiskIsReusedAndUpdated(t *testing.T) {
	_, docs := demoDocs(t)
	dir := filepath.Join(t.TempDir(), "search")
	x, st, err := search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed != len(docs) || st.Documents != len(docs) || st.Rebuilt != "no index" {
		t.Errorf("first build: %+v", st)
	}
	want := ids(find(t, x, search.Request{Q: "servizi digitali", Size: 20}))
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	x, st, err = search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed != 0 || st.Deleted != 0 || st.Rebuilt != "" || st.Documents != len(docs) {
		t.Errorf("same documents: %+v, want nothing done", st)
	}
	if got := ids(find(t, x, search.Request{Q: "servizi digitali", Size: 20})); !slices.Equal(got, want) {
		t.Errorf("reused index answers %v, want %v", got, want)
	}
	_ = x.Close()

	changed := slices.Clone(docs)
	changed[3].Text += " zanzibar"
	changed = slices.Delete(changed, 5, 6)
	x, st, err = search.Build(dir, changed)
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed != 1 || st.Deleted != 1 || st.Rebuilt != "" || st.Documents != len(docs)-1 {
		t.Errorf("one changed, one removed: %+v", st)
	}
	if got := ids(find(t, x, search.Request{Q: "zanzibar"})); !slices.Equal(got, []string{changed[3].ID}) {
		t.Errorf("zanzibar finds %v, want %s", got, changed[3].ID)
	}
	if res := find(t, x, search.Request{Q: fmt.Sprintf("%q", docs[5].Title)}); slices.Contains(ids(res), docs[5].ID) {
		t.Errorf("the removed %s is still found", docs[5].ID)
	}
	_ = x.Close()

	// Open reads what the build wrote.
	r, err := search.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(find(t, r, search.Request{Q: "zanzibar"})); !slices.Equal(got, []string{changed[3].ID}) {
		t.Errorf("opened index: zanzibar finds %v", got)
	}
	_ = r.Close()
}

func TestOpenWithoutIndex(t *testing.T) {
	_, err := search.Open(filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, search.ErrNoIndex) {
		t.Errorf("err = %v, want ErrNoIndex", err)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	_, docs := demoDocs(t)
	docs = docs[:50]
	for _, c := range []struct {
		name   string
		damage func(dir string) error
	}{
		{"meta", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{not json"), 0o644)
		}},
		{"bolt", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "store", "root.bolt"), []byte("garbage"), 0o644)
		}},
		{"segments", func(dir string) error {
			zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			if len(zaps) == 0 {
				return fmt.Errorf("no segment")
			}
			for _, z := range zaps {
				if err := os.WriteFile(z, []byte("garbage garbage garbage"), 0o644); err != nil {
					return err
				}
			}
			return nil
		}},
		{"segments-gone", func(dir string) error {
			zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
			for _, z := range zaps {
				if err := os.Remove(z); err != nil {
					return err
				}
			}
			return nil
		}},
		{"empty", func(dir string) error {
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			return os.MkdirAll(filepath.Join(dir, "store"), 0o755)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "search")
			x, _, err := search.Build(dir, docs)
			if err != nil {
				t.Fatal(err)
			}
			_ = x.Close()
			if err := c.damage(dir); err != nil {
				t.Fatal(err)
			}
			if r, err := search.Open(dir); err == nil {
				// A damage Open cannot see must still answer.
				_, _ = r.Search(search.Request{Q: "digitale"})
				_ = r.Close()
			}
			x, st, err := search.Build(dir, docs)
			if err != nil {
				t.Fatalf("Build on a damaged index: %v", err)
			}
			defer x.Close()
			if st.Rebuilt == "" || st.Indexed != len(docs) || st.Documents != len(docs) {
				t.Errorf("stats %+v, want a rebuild of %d documents with its reason", st, len(docs))
			}
		})
	}
}

func TestAFolderWithOtherFilesIsNeverRemoved(t *testing.T) {
	dir := t.TempDir()
	precious := filepath.Join(dir, "thesis.odt")
	if err := os.WriteFile(precious, []byte("years of work"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, docs := demoDocs(t)
	if x, _, err := search.Build(dir, docs[:5]); err == nil {
		_ = x.Close()
		t.Error("Build used a folder that is not an index")
	}
	if _, err := os.Stat(precious); err != nil {
		t.Errorf("the folder's file is gone: %v", err)
	}
}

func TestIndexInUseFallsBackToMemory(t *testing.T) {
	_, docs := demoDocs(t)
	docs = docs[:20]
	dir := filepath.Join(t.TempDir(), "search")
	x, _, err := search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	y, st, err := search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer y.Close()
	if st.Fallback == "" || st.Documents != len(docs) {
		t.Errorf("stats %+v, want a fallback in memory", st)
	}
}

func TestPlanItemsAreOneDocumentPerDistinctText(t *testing.T) {
	action := func(id, title, text, status string, en string) *site.Action {
		a := &site.Action{Item: site.Item{ID: id, Section: site.Actions}, Title: title, Status: status, Owner: "m_ef"}
		a.SetText(text)
		if en != "" {
			a.Translations = map[string]*site.Translation{"en": {Title: en, Text: "In English."}}
		}
		return a
	}
	s := &site.Site{
		Actions: []*site.Action{action("a1", "Azione uno", "Testo.", "done", "Action one"), action("a2", "Azione due", "Testo nuovo.", "planned", "")},
		Versions: []*site.Version{
			{Name: "2025.2", Plan: &site.Site{Actions: []*site.Action{
				action("a1", "Azione uno", "Testo.", "done", "Action one"),
				action("a2", "Azione due", "Testo vecchio.", "planned", ""),
				action("a3", "Azione tre", "Tolta.", "planned", ""),
			}}},
			{Name: "2025.1-broken"}, // unreadable: no plan
			{Name: "2025.1", Plan: &site.Site{Actions: []*site.Action{
				action("a1", "Azione uno", "Testo.", "in-progress", "Action one"), // another status
				action("a2", "Azione due", "Testo vecchio.", "planned", ""),
				action("a3", "Azione tre", "Tolta.", "planned", ""),
			}}},
		},
	}
	plain := func(md []byte) (string, string) { return string(md), string(md) }
	docs := search.Documents(s, []string{"it", "en"}, plain)
	type doc struct {
		id, url, status string
		versions        []string
	}
	var got []doc
	for _, d := range docs {
		got = append(got, doc{d.ID, d.URL, d.Status, d.Versions})
	}
	want := []doc{
		{"plan/actions/a1", "/plan/actions/a1/", "done", []string{"draft", "2025.2"}},
		{"plan/actions/a1/en", "/en/plan/actions/a1/", "done", []string{"draft", "2025.2"}},
		{"plan/actions/a2", "/plan/actions/a2/", "planned", []string{"draft"}},
		{"plan/actions/a2@2025.2", "/plan/2025.2/#action-a2", "planned", []string{"2025.2", "2025.1"}},
		{"plan/actions/a3@2025.2", "/plan/2025.2/#action-a3", "planned", []string{"2025.2", "2025.1"}},
		{"plan/actions/a1@2025.1", "/plan/2025.1/#action-a1", "in-progress", []string{"2025.1"}},
		{"plan/actions/a1@2025.1/en", "/en/plan/2025.1/#action-a1", "in-progress", []string{"2025.1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("documents:\n%v\nwant\n%v", got, want)
	}
	if d := docs[3]; d.Text != "Testo vecchio." || d.Title != "Azione due" || d.Type != "action" || d.Body != "m_ef" {
		t.Errorf("the document of a2 in 2025.2: %+v", d)
	}

	x := memIndex(t, docs)
	res := find(t, x, search.Request{Q: "vecchio", Version: "2025.1"})
	if !slices.Equal(ids(res), []string{"plan/actions/a2@2025.2"}) {
		t.Errorf("vecchio in 2025.1 finds %v", ids(res))
	}
	res = find(t, x, search.Request{Q: "azione", Version: search.Draft, Lang: "it"})
	if got := ids(res); len(got) != 2 {
		t.Errorf("azione in the draft finds %v", got)
	}
}

// TestAnIndexEmptiedAndFilledAgainFindsItsDocuments: every document removed (pspm serve
// after every proposal was deleted, or a build of a portal with none), then the same
// documents back: they are indexed again and found, by Update as by Build, and a build
// of nothing over an empty index does not take it for an interrupted one.
func TestAnIndexEmptiedAndFilledAgainFindsItsDocuments(t *testing.T) {
	_, docs := demoDocs(t)
	docs = docs[:40]
	dir := filepath.Join(t.TempDir(), "search")
	x, _, err := search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	want := ids(find(t, x, search.Request{Q: "servizi digitali", Size: 20}))
	if len(want) == 0 {
		t.Fatal("the documents find nothing: the test cannot tell")
	}
	if _, err := x.Update(nil); err != nil {
		t.Fatal(err)
	}
	if got := ids(find(t, x, search.Request{Q: "servizi digitali", Size: 20})); len(got) != 0 {
		t.Fatalf("every document removed, the index still finds %v", got)
	}
	st, err := x.Update(docs)
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed != len(docs) {
		t.Errorf("the documents back: %d indexed, want %d", st.Indexed, len(docs))
	}
	if got := ids(find(t, x, search.Request{Q: "servizi digitali", Size: 20})); !slices.Equal(got, want) {
		t.Errorf("Update: the documents back find %v, want %v", got, want)
	}
	_ = x.Close()

	x, _, err = search.Build(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = x.Close()
	x, st, err = search.Build(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rebuilt != "" {
		t.Errorf("a build of nothing over an empty index rebuilt it: %q", st.Rebuilt)
	}
	_ = x.Close()
	x, _, err = search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(find(t, x, search.Request{Q: "servizi digitali", Size: 20})); !slices.Equal(got, want) {
		t.Errorf("Build: the documents back find %v, want %v", got, want)
	}
	_ = x.Close()
}
