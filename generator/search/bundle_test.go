package search_test

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/synth"
)

// bundleFiles writes the bundle of x into a map.
func bundleFiles(t testing.TB, x *search.Index) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	var order []string
	st, err := search.WriteBundle(x, func(p string, data []byte) error {
		if _, dup := files[p]; dup {
			return fmt.Errorf("%s written twice", p)
		}
		files[p] = data
		order = append(order, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if order[len(order)-1] != "search/meta.json" {
		t.Errorf("meta.json is written before %s", order[len(order)-1])
	}
	if st.Files != len(files) {
		t.Errorf("stats count %d files, %d written", st.Files, len(files))
	}
	return files
}

// bundle is a Go reader of the bundle's format (see bundle.go), as the client reads it.
type bundle struct {
	files map[string][]byte
	meta  struct {
		Format    string                    `json:"format"`
		Version   int                       `json:"version"`
		ID        string                    `json:"id"`
		Docs      int                       `json:"docs"`
		Fields    []string                  `json:"fields"`
		Boosts    []float64                 `json:"boosts"`
		Langs     []string                  `json:"langs"`
		Analyzers map[string]map[string]any `json:"analyzers"`
		Chunks    []string                  `json:"chunks"`
		Records   int                       `json:"records"`
		Facets    []string                  `json:"facets"`
		Types     []string                  `json:"types"`
	}
	fetched  map[string]bool      // files read, for the size of a query
	previews map[string][]preview // by term and language ("term/l"), from postings files
}

// preview is a document's record carried by a postings file.
type preview struct {
	doc int
	row []byte
}

func readBundle(t testing.TB, files map[string][]byte) *bundle {
	t.Helper()
	b := &bundle{files: files, fetched: map[string]bool{}, previews: map[string][]preview{}}
	if err := json.Unmarshal(files["search/meta.json"], &b.meta); err != nil {
		t.Fatal(err)
	}
	if b.meta.Format != "pspm-search" || b.meta.Version != search.BundleVersion {
		t.Fatalf("meta: format %q version %d", b.meta.Format, b.meta.Version)
	}
	return b
}

// file returns the decompressed file.
func (b *bundle) file(name string) ([]byte, error) {
	data, ok := b.files["search/"+name]
	if !ok {
		return nil, fmt.Errorf("no file search/%s", name)
	}
	b.fetched[name] = true
	return io.ReadAll(flate.NewReader(bytes.NewReader(data)))
}

// reader reads varints and strings.
type reader struct {
	data []byte
	err  error
}

func (r *reader) uv() uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		if r.err == nil {
			r.err = errors.New("bad varint")
		}
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if uint64(len(r.data)) < n {
		if r.err == nil {
			r.err = errors.New("truncated")
		}
		return nil
	}
	out := r.data[:n]
	r.data = r.data[n:]
	return out
}

func (r *reader) str() string { return string(r.bytes(r.uv())) }

// entry is a term of the dictionary.
type entry struct {
	term  string
	df    map[int]int // by field
	block map[int][]byte
	file  map[int]int // by language: the postings file, when not inline
}

type bposting struct{ doc, freq, length int }

// chunk reads dictionary chunk i.
func (b *bundle) chunk(i int) ([]entry, error) {
	data, err := b.file("d/" + strconv.Itoa(i) + ".bin")
	if err != nil {
		return nil, err
	}
	r := &reader{data: data}
	n := r.uv()
	var out []entry
	prev := ""
	for k := uint64(0); k < n && r.err == nil; k++ {
		shared := r.uv()
		term := prev[:shared] + r.str()
		mask := r.bytes(1)
		if r.err != nil {
			break
		}
		e := entry{term: term, df: map[int]int{}, block: map[int][]byte{}, file: map[int]int{}}
		for f := range b.meta.Fields {
			if mask[0]&(1<<f) != 0 {
				e.df[f] = int(r.uv())
			}
		}
		for l := range b.meta.Langs {
			if len(b.fieldsOf(e, l)) == 0 {
				continue
			}
			loc := r.uv()
			if loc&1 == 0 {
				e.block[l] = r.bytes(loc >> 1)
			} else {
				e.file[l] = int(loc >> 1)
			}
		}
		out = append(out, e)
		prev = term
	}
	if r.err != nil || len(r.data) != 0 {
		return nil, fmt.Errorf("chunk %d: %v, %d bytes left", i, r.err, len(r.data))
	}
	return out, nil
}

// fieldsOf are the fields of language l that have the term.
func (b *bundle) fieldsOf(e entry, l int) []int {
	per := len(b.meta.Fields) / len(b.meta.Langs)
	var out []int
	for f := l * per; f < (l+1)*per; f++ {
		if _, ok := e.df[f]; ok {
			out = append(out, f)
		}
	}
	return out
}

// postings reads the postings of a term in the fields of language l, by field.
func (b *bundle) postings(e entry, l int) (map[int][]bposting, error) {
	fields := b.fieldsOf(e, l)
	if len(fields) == 0 {
		return nil, nil
	}
	block, ok := e.block[l]
	if !ok {
		var err error
		if block, err = b.file("p/" + strconv.Itoa(e.file[l]) + ".bin"); err != nil {
			return nil, err
		}
	}
	out := map[int][]bposting{}
	br := &reader{data: block}
	for _, f := range fields {
		ps := make([]bposting, e.df[f])
		doc := -1
		for i := range ps {
			doc += 1 + int(br.uv())
			ps[i].doc = doc
		}
		for i := range ps {
			ps[i].freq = 1 + int(br.uv())
		}
		for i := range ps {
			ps[i].length = int(br.uv())
		}
		out[f] = ps
	}
	if !ok {
		var pv []preview
		for n := br.uv(); n > 0 && br.err == nil; n-- {
			pv = append(pv, preview{int(br.uv()), br.bytes(br.uv())})
		}
		b.previews[e.term+"/"+strconv.Itoa(l)] = pv
	}
	if br.err != nil || len(br.data) != 0 {
		return nil, fmt.Errorf("term %q: bad postings (%v, %d bytes left)", e.term, br.err, len(br.data))
	}
	return out, nil
}

// allPostings reads the postings of a term in every field.
func (b *bundle) allPostings(e entry) (map[int][]bposting, error) {
	out := map[int][]bposting{}
	for l := range b.meta.Langs {
		ps, err := b.postings(e, l)
		if err != nil {
			return nil, err
		}
		for f, p := range ps {
			out[f] = p
		}
	}
	return out, nil
}

// chunkOf is the chunk that holds term, if any.
func (b *bundle) chunkOf(term string) int {
	return sort.Search(len(b.meta.Chunks), func(i int) bool { return b.meta.Chunks[i] > term }) - 1
}

// lookup returns the entries of the terms, and of the terms starting with prefix when
// it is not "", reading only the chunks that hold them.
func (b *bundle) lookup(terms []string, prefix string) (map[string]entry, error) {
	out := map[string]entry{}
	want := map[int]bool{}
	for _, t := range terms {
		if c := b.chunkOf(t); c >= 0 {
			want[c] = true
		}
	}
	if prefix != "" {
		c := max(b.chunkOf(prefix), 0)
		for ; c < len(b.meta.Chunks) && (c == max(b.chunkOf(prefix), 0) || strings.HasPrefix(b.meta.Chunks[c], prefix)); c++ {
			want[c] = true
		}
	}
	for c := range want {
		es, err := b.chunk(c)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if slices.Contains(terms, e.term) || prefix != "" && strings.HasPrefix(e.term, prefix) {
				out[e.term] = e
			}
		}
	}
	return out, nil
}

// record is a document as its record file shows it.
type record struct {
	ID, URL, Title, Summary, Lang, Type, Status, Body, Kind string
	Versions                                                []string
	Date, BodyName                                          string
}

func (b *bundle) record(doc int) (record, error) {
	row, err := b.row(doc)
	if err != nil {
		return record{}, err
	}
	var rec record
	for i, p := range []any{&rec.ID, &rec.URL, &rec.Title, &rec.Summary, &rec.Lang, &rec.Type, &rec.Status, &rec.Body, &rec.Kind, &rec.Versions, &rec.Date, &rec.BodyName} {
		if err := json.Unmarshal(row[i], p); err != nil {
			return record{}, err
		}
	}
	return rec, nil
}

// row is the JSON of a document's record.
func (b *bundle) row(doc int) ([]json.RawMessage, error) {
	data, err := b.file("r/" + strconv.Itoa(doc/b.meta.Records) + ".bin")
	if err != nil {
		return nil, err
	}
	var rows [][]json.RawMessage
	if err := json.Unmarshal(data, &rows); err != nil {
		return nil, err
	}
	return rows[doc%b.meta.Records], nil
}

// facetsOf reads the facets: for each, its values and labels, and the values of each
// document.
func (b *bundle) facetsOf(names ...string) (map[string][]string, map[string]map[string]string, map[string][][]string, error) {
	values := map[string][]string{}
	labels := map[string]map[string]string{}
	docs := map[string][][]string{}
	for _, name := range names {
		data, err := b.file("f/" + name + ".bin")
		if err != nil {
			return nil, nil, nil, err
		}
		r := &reader{data: data}
		labels[name] = map[string]string{}
		k := int(r.uv())
		for range k {
			v := r.str()
			values[name] = append(values[name], v)
			if l := r.str(); l != "" {
				labels[name][v] = l
			}
		}
		per := make([][]string, b.meta.Docs)
		for d := range per {
			k := int(r.uv())
			for range k {
				per[d] = append(per[d], values[name][r.uv()])
			}
		}
		docs[name] = per
		if r.err != nil || len(r.data) != 0 {
			return nil, nil, nil, fmt.Errorf("f/%s.bin: %v, %d bytes left", name, r.err, len(r.data))
		}
	}
	return values, labels, docs, nil
}

func TestBundleIsDeterministic(t *testing.T) {
	_, docs := demoDocs(t)
	a := bundleFiles(t, memIndex(t, docs))
	// Another index of the same documents, given in another order.
	rev := slices.Clone(docs)
	slices.Reverse(rev)
	b := bundleFiles(t, memIndex(t, rev))
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Errorf("%s differs between two bundles of the same documents", p)
		}
	}
}

// TestBundleRoundTrip reads the whole bundle of the demo back and compares it with the
// documents and with the index: every posting of every term of every text field, with
// its frequency and norm, every record, every facet value.
func TestBundleRoundTrip(t *testing.T) {
	_, docs := demoDocs(t)
	x := memIndex(t, docs)
	b := readBundle(t, bundleFiles(t, x))
	if b.meta.Docs != len(docs) {
		t.Fatalf("meta counts %d documents, want %d", b.meta.Docs, len(docs))
	}
	sorted := slices.Clone(docs)
	slices.SortFunc(sorted, func(a, b search.Document) int { return strings.Compare(a.ID, b.ID) })
	num := map[string]int{}
	for i, d := range sorted {
		num[d.ID] = i
	}

	// The dictionary: sorted, in chunks starting where meta says, every term once.
	var all []entry
	for i := range b.meta.Chunks {
		es, err := b.chunk(i)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 || es[0].term != b.meta.Chunks[i] {
			t.Fatalf("chunk %d does not start with %q", i, b.meta.Chunks[i])
		}
		all = append(all, es...)
	}
	if !slices.IsSortedFunc(all, func(a, b entry) int { return strings.Compare(a.term, b.term) }) {
		t.Error("the dictionary is not sorted")
	}
	// Every posting agrees with the index, as the search API sees it: rebuild each
	// document's terms by field and compare with the analyzers' output.
	m, err := search.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	type key struct {
		doc   int
		field int
	}
	got := map[key]map[string]int{}
	lengths := map[key]int{}
	for _, e := range all {
		eps, err := b.allPostings(e)
		if err != nil {
			t.Fatal(err)
		}
		for f, ps := range eps {
			if len(ps) != e.df[f] {
				t.Fatalf("%q in %s: df %d, %d postings", e.term, b.meta.Fields[f], e.df[f], len(ps))
			}
			for _, p := range ps {
				k := key{p.doc, f}
				if got[k] == nil {
					got[k] = map[string]int{}
				}
				got[k][e.term] = p.freq
				if l, ok := lengths[k]; ok && l != p.length {
					t.Fatalf("document %d, %s: lengths %d and %d", p.doc, b.meta.Fields[f], l, p.length)
				}
				lengths[k] = p.length
			}
		}
	}
	checked := 0
	for i, d := range sorted {
		for f, field := range b.meta.Fields {
			lang := b.meta.Langs[f/3]
			if d.Lang != lang {
				if len(got[key{i, f}]) > 0 {
					t.Errorf("%s (%s) has terms in %s", d.ID, d.Lang, field)
				}
				continue
			}
			text := map[string]string{"title": d.Title, "summary": d.Summary, "text": d.Text}[strings.TrimSuffix(field, "_"+lang)]
			want := map[string]int{}
			n := 0
			for _, tok := range m.AnalyzerNamed(search.AnalyzerOf(lang)).Analyze([]byte(text)) {
				want[string(tok.Term)]++
				n++
			}
			if len(want) == 0 {
				want = nil
			}
			if fmt.Sprint(got[key{i, f}]) != fmt.Sprint(want) {
				t.Errorf("%s, %s: the bundle has terms %v, the analyzer gives %v", d.ID, field, got[key{i, f}], want)
			}
			if n > 0 && lengths[key{i, f}] != n {
				t.Errorf("%s, %s: length %d, want %d", d.ID, field, lengths[key{i, f}], n)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("nothing checked")
	}

	// Records.
	s, _ := demoDocs(t)
	bodyNames := map[string]string{}
	for _, b := range s.Bodies {
		bodyNames[b.ID] = b.Name
	}
	for i, d := range sorted {
		rec, err := b.record(i)
		if err != nil {
			t.Fatal(err)
		}
		date := ""
		if !d.Date.IsZero() {
			date = d.Date.UTC().Format("2006-01-02")
		}
		vs := slices.Sorted(slices.Values(d.Versions))
		if vs == nil {
			vs = []string{}
		}
		want := record{d.ID, d.URL, d.Title, d.Summary, d.Lang, d.Type, d.Status, d.Body, d.Kind, vs, date, bodyNames[d.Body]}
		if fmt.Sprint(rec) != fmt.Sprint(want) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, rec, want)
		}
	}

	// Facets.
	_, labels, facets, err := b.facetsOf(b.meta.Facets...)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range sorted {
		one := func(s string) []string {
			if s == "" {
				return nil
			}
			return []string{s}
		}
		want := map[string][]string{"type": one(d.Type), "status": one(d.Status), "body": one(d.Body),
			"tags": slices.Compact(slices.Sorted(slices.Values(d.Tags))), "versions": slices.Sorted(slices.Values(d.Versions)), "lang": one(d.Lang)}
		for name, w := range want {
			g := slices.Clone(facets[name][i])
			slices.Sort(g)
			if !slices.Equal(g, w) {
				t.Errorf("%s: facet %s = %v, want %v", d.ID, name, g, w)
			}
		}
	}
	for _, body := range s.Bodies {
		if labels["body"][body.ID] != "" && labels["body"][body.ID] != body.Name {
			t.Errorf("body %s is labelled %q, want %q", body.ID, labels["body"][body.ID], body.Name)
		}
	}
	if len(labels["body"]) == 0 {
		t.Error("no body has a label")
	}
}

// TestNormIsFloat32OfTheLength checks the assumption the client scores with: bleve's
// norm of a field is float32(1/√(number of terms)).
// TestPostingsFilesCarryTheBestRecords checks the previews of every postings file: the
// records of the term's best documents for a one-word query in that language, best first,
// each the same as its record file holds.
func TestPostingsFilesCarryTheBestRecords(t *testing.T) {
	_, docs := demoDocs(t)
	b := readBundle(t, bundleFiles(t, memIndex(t, docs)))
	per := len(b.meta.Fields) / len(b.meta.Langs)
	files, cut := 0, 0
	for i := range b.meta.Chunks {
		es, err := b.chunk(i)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			for l, k := range e.file {
				ps, err := b.postings(e, l)
				if err != nil {
					t.Fatal(err)
				}
				score, hits := map[int]float64{}, map[int]int{}
				for f := l * per; f < (l+1)*per; f++ {
					idf := 1 + math.Log(float64(b.meta.Docs)/float64(e.df[f]+1))
					for _, p := range ps[f] {
						norm := float64(float32(1 / math.Sqrt(float64(p.length))))
						score[p.doc] += b.meta.Boosts[f] * idf * idf * math.Sqrt(float64(p.freq)) * norm
						hits[p.doc]++
					}
				}
				var want []int
				for d := range score {
					want = append(want, d)
				}
				s := func(d int) float64 { return score[d] * float64(hits[d]) / float64(per) }
				slices.SortFunc(want, func(x, y int) int {
					if s(x) != s(y) {
						if s(x) > s(y) {
							return -1
						}
						return 1
					}
					return x - y
				})
				if len(want) > search.PreviewsPerTerm {
					want, cut = want[:search.PreviewsPerTerm], cut+1
				}
				pv := b.previews[e.term+"/"+strconv.Itoa(l)]
				var got []int
				for _, p := range pv {
					got = append(got, p.doc)
					var fields []json.RawMessage
					if err := json.Unmarshal(p.row, &fields); err != nil {
						t.Fatalf("p/%d.bin: preview of %d: %v", k, p.doc, err)
					}
					row, err := b.row(p.doc)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(fields, row) {
						t.Errorf("p/%d.bin: the preview of document %d is %s, its record %s", k, p.doc, p.row, row)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%q in %s: previews of %v, want %v", e.term, b.meta.Langs[l], got, want)
				}
				files++
			}
		}
	}
	if files == 0 || cut == 0 {
		t.Fatalf("%d postings files, %d with more than %d documents: nothing checked", files, cut, search.PreviewsPerTerm)
	}
}

func TestNormIsFloat32OfTheLength(t *testing.T) {
	docs := []search.Document{{ID: "proposals/a", Type: "proposal", Lang: "it", Title: "rete regionale sicura", Text: strings.Repeat("parola ", 1234), URL: "/proposals/a/"}}
	x := memIndex(t, docs)
	b := readBundle(t, bundleFiles(t, x))
	es, err := b.lookup([]string{"parol", "regional"}, "")
	if err != nil {
		t.Fatal(err)
	}
	text, err := b.allPostings(es["parol"])
	if err != nil {
		t.Fatal(err)
	}
	title, err := b.allPostings(es["regional"])
	if err != nil {
		t.Fatal(err)
	}
	if p := text[2]; len(p) != 1 || p[0].freq != 1234 || p[0].length != 1234 {
		t.Errorf("parola: %+v", p)
	}
	if p := title[0]; len(p) != 1 || p[0].freq != 1 || p[0].length != 3 {
		t.Errorf("regionale: %+v", p)
	}
	if float64(float32(1/math.Sqrt(1234))) == 1/math.Sqrt(1234) {
		t.Error("float32 and float64 agree on 1/√1234: the check is blind")
	}
}

// querySize is what the client downloads for a query: the files it reads, as the Go
// reader reads them following the client's plan.
func querySize(t testing.TB, b *bundle, x *search.Index, q string) (int, []string) {
	t.Helper()
	b.fetched, b.previews = map[string]bool{}, map[string][]preview{}
	m, err := search.NewMapping()
	if err != nil {
		t.Fatal(err)
	}
	words := strings.Fields(q)
	var terms []string
	for _, w := range words {
		for _, lang := range b.meta.Langs {
			for _, tok := range m.AnalyzerNamed(search.AnalyzerOf(lang)).Analyze([]byte(w)) {
				terms = append(terms, string(tok.Term))
			}
		}
	}
	prefix := search.PrefixOf(words[len(words)-1])
	if len([]rune(prefix)) < 2 {
		prefix = ""
	}
	es, err := b.lookup(terms, prefix)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if _, err := b.allPostings(e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.file("a.bin"); err != nil {
		t.Fatal(err)
	}
	// The short facets; bodies and tags load when a reader opens them.
	if _, _, _, err := b.facetsOf("type", "status", "versions"); err != nil {
		t.Fatal(err)
	}
	res, err := x.Search(search.Request{Q: q})
	if err != nil {
		t.Fatal(err)
	}
	ids := slices.Clone(b.idsOnce(t))
	previewed := map[int]bool{} // records the postings files carried
	for _, pv := range b.previews {
		for _, p := range pv {
			previewed[p.doc] = true
		}
	}
	for _, h := range res.Hits {
		i, _ := slices.BinarySearch(ids, h.ID)
		if previewed[i] {
			continue
		}
		if _, err := b.record(i); err != nil {
			t.Fatal(err)
		}
	}
	total := len(b.files["search/meta.json"])
	var names []string
	for f := range b.fetched {
		total += len(b.files["search/"+f])
		names = append(names, fmt.Sprintf("%s:%.1f", f, float64(len(b.files["search/"+f]))/1024))
	}
	slices.Sort(names)
	return total, names
}

// idsOnce lists the IDs of the documents, in their numbers' order, from the records.
func (b *bundle) idsOnce(t testing.TB) []string {
	var ids []string
	for k := 0; k*b.meta.Records < b.meta.Docs; k++ {
		data, err := io.ReadAll(flate.NewReader(bytes.NewReader(b.files["search/r/"+strconv.Itoa(k)+".bin"])))
		if err != nil {
			t.Fatal(err)
		}
		var rows [][]json.RawMessage
		if err := json.Unmarshal(data, &rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			var id string
			_ = json.Unmarshal(r[0], &id)
			ids = append(ids, id)
		}
	}
	return ids
}

func reportSizes(t *testing.T, files map[string][]byte, b *bundle, x *search.Index, queries []string) {
	var total int
	kinds := map[string][2]int{}
	for p, data := range files {
		total += len(data)
		k := strings.SplitN(strings.TrimPrefix(p, "search/"), "/", 2)[0]
		if !strings.Contains(strings.TrimPrefix(p, "search/"), "/") {
			k = strings.TrimPrefix(p, "search/")
		}
		v := kinds[k]
		kinds[k] = [2]int{v[0] + 1, v[1] + len(data)}
	}
	var lines []string
	for k, v := range kinds {
		lines = append(lines, fmt.Sprintf("  %-10s %6d files %9.1f KB", k, v[0], float64(v[1])/1024))
	}
	slices.Sort(lines)
	t.Logf("bundle: %d documents, %d files, %.1f KB, %d chunks\n%s", b.meta.Docs, len(files), float64(total)/1024, len(b.meta.Chunks), strings.Join(lines, "\n"))
	for _, q := range queries {
		n, names := querySize(t, b, x, q)
		t.Logf("query %-28q downloads %6.1f KB of data in %d files (without the script): %s", q, float64(n)/1024, len(names)+1, strings.Join(names, " "))
	}
}

func TestBundleSizesOfTheDemo(t *testing.T) {
	_, docs := demoDocs(t)
	x := memIndex(t, docs)
	files := bundleFiles(t, x)
	reportSizes(t, files, readBundle(t, files), x, []string{"digitale", "servizi digitali", "sanità", "interoperabilità dati", "cloud", "dig"})
}

// TestBundleSizesOfASyntheticSite reports the bundle of a synthetic site of
// $PSPM_BUNDLE_SYNTH proposals (e.g. 10000; skipped when unset).
func TestBundleSizesOfASyntheticSite(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("PSPM_BUNDLE_SYNTH"))
	if n == 0 {
		t.Skip("set PSPM_BUNDLE_SYNTH=10000 to measure the bundle of a synthetic site")
	}
	dir := t.TempDir()
	err := synth.Generate(synth.Options{Proposals: n, Practices: 200, Reactions: 10 * n, Bodies: 200, Tags: 50, Seed: 1}, synth.WriteTo(dir))
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := generator.Inspect(generator.Options{Source: fsys})
	if err != nil {
		t.Fatal(err)
	}
	docs := search.Documents(res.Site, res.Config.Languages, markdown.New().Plain)
	x := memIndex(t, docs)
	start := time.Now()
	files := bundleFiles(t, x)
	t.Logf("WriteBundle took %v", time.Since(start))
	reportSizes(t, files, readBundle(t, files), x, []string{"digitale", "servizi digitali", "interoperabilità", "sanità territoriale", "cloud", "anagrafe", "dig"})
}

// BenchmarkWriteBundle exports the bundle of a synthetic site of 1,000 proposals.
func BenchmarkWriteBundle(b *testing.B) {
	x, _, err := search.Build("", syntheticDocs(b, 1000))
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	b.ResetTimer()
	for b.Loop() {
		var n int64
		if _, err := search.WriteBundle(x, func(_ string, data []byte) error { n += int64(len(data)); return nil }); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "bundle-bytes")
	}
}
