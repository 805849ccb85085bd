package search

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/pspm-dev/pspm/generator/internal/deflate"
	"github.com/pspm-dev/pspm/generator/offheap"
)

// The static search bundle: the index exported for the search client of readers'
// browsers (themes/default/static/js/search.js), which cannot run bleve. It is built
// so that a page that does not search loads none of it, and a query loads only the
// pieces its words need.
//
// Every file is under search/. meta.json is the entry point; every other file is
// compressed with raw DEFLATE (the browser's DecompressionStream("deflate-raw")) and
// fetched with ?v=<id> appended, id being a hash of all of them, so that a browser never
// mixes files of two builds. The same index gives the same bytes.
//
// meta.json, format version BundleVersion:
//
//	{"format": "pspm-search", "version": 1, "id": hex, "docs": N (documents in the index,
//	 bleve's DocCount, numbered 0…N-1 in the order of their IDs),
//	 "fields": ["title_it", "summary_it", "text_it", "title_en", …], "boosts": [3, 1.5, …],
//	 "langs": ["it", "en"] (field i is in language langs[i/3]),
//	 "analyzers": {"it": {"char_filters": […], "tokenizer": "unicode", "token_filters": […]}, …},
//	 "chunks": [the first term of each dictionary chunk], "records": docs per record file,
//	 "facets": ["type", "status", "body", "tags", "versions", "lang"], "types": Types,
//	 "syntax": [the field names a query in bleve's query string syntax may use]}
//
// Numbers are unsigned LEB128 varints ("uv") unless said otherwise; a string is uv(byte
// length) and its UTF-8 bytes.
//
// a.bin, the tables of the analyzers: uv(n) and n word break ranges (uv(first code point
// − previous first), class byte: see wbALetter…); uv(n) and n lower-case mappings
// (uv(code point − previous), signed zig-zag uv(lower − code point)); uv(n) and n ASCII
// foldings (uv(code point − previous), string); then the token maps stop_it, stop_en and
// articles_it, each uv(n) and n strings.
//
// d/<i>.bin, dictionary chunk i: the terms of every text field, sorted by their bytes,
// cut into chunks of about chunkSize bytes. uv(count), then per term: uv(bytes shared with
// the previous term of the chunk), string(the rest), a byte whose bit f says the term is
// in field f, uv(df) for each such field (bleve's document frequency), then for each
// language with such a field its postings: uv(2·length) and the postings inline, or
// uv(2·k+1) when they are in p/<k>.bin. The postings of a term in a language are, for
// each of its fields with the term in field order, df numbers of each column: the
// documents (uv(doc − previous doc − 1), the first previous being −1), the frequencies
// (uv(freq − 1)) and the lengths of the field in those documents (uv(length): the number
// of terms, whose float32(1/√length) is bleve's norm).
//
// p/<k>.bin, the postings of a term in a language too long to be inline, followed by
// the term's previews: uv(n), then n times uv(doc) and string(the document's record, as
// r/ holds it). The previews are the term's best documents, at most previewsPerTerm, by
// the score a one-word query for the term gives them in that language's fields (the sum
// over the fields of boost·idf²·√freq·norm, times the share of fields that match), best
// first. A one-word query's first page is nearly always among them, and a two-word one's
// mostly: the client shows those results without fetching their records, which would
// cost a request each.
//
// r/<k>.bin, the records shown for documents k·records … k·records+records−1: a JSON
// array of [id, url, title, summary, lang, type, status, body, kind, [versions], date
// (YYYY-MM-DD or ""), the body's name (or ""), the official code as written (or "")].
//
// c.bin, the codes of plan items, in the format of a facet file (below), the values
// being the codes in lower case (AnalyzerCode's terms): a query that may be a code
// (query.go) loads it to list the documents with that code first.
//
// f/<field>.bin, a facet (a keyword field: type, status, body, tags, versions, lang):
// uv(n) values, each string(value) and string(label: a body's name, or ""); then for each
// document uv(k) and its k values, uv(index of the value). A facet is a file of its own
// so that the client loads the long ones (bodies, tags) only when a reader looks at them.
//
// t.bin, the dates that order documents when the query has no words: for each document
// uv(0) when it has none, else uv(1 + zig-zag(Unix seconds)).
const BundleVersion = 3

// Sizes of the bundle's pieces.
const (
	chunkSize       = 8 << 10 // bytes of a dictionary chunk before compression
	inlineMax       = 64      // postings of at most this many bytes stay in the dictionary
	recordsPerFile  = 2       // documents per record file
	previewsPerTerm = 50      // records of its best documents in a postings file
)

// BundleStats says what WriteBundle wrote.
type BundleStats struct {
	Files    int   // files written
	Bytes    int64 // their total size
	Terms    int   // distinct terms of the text fields
	Chunks   int   // dictionary chunks
	Postings int   // postings files
}

// bundleFacets are the keyword fields the client counts and filters by.
var bundleFacets = []string{FieldType, FieldStatus, FieldBody, FieldTags, FieldVersions, FieldLang}

// WriteBundle writes the static search bundle of the index x by calling emit with each
// file's path (under "search/") and bytes; meta.json comes last. data is emit's to keep.
func WriteBundle(x *Index, emit func(path string, data []byte) error) (BundleStats, error) {
	st, _, err := UpdateBundle(x, nil, "", emit)
	return st, err
}

// UpdateBundle is WriteBundle for an index whose bundle was written before, and kept in
// prev (nil when none): a file whose content is the one prev holds is not compressed
// again, which is most of the time of writing a bundle; and when the index holds the
// very documents prev was written from, by the same pspm (version, any string that tells
// builds of pspm apart), prev's files are emitted as they are, without reading the index.
// The files are the very bytes WriteBundle writes. It returns the bundle written, to keep
// for the next update.
func UpdateBundle(x *Index, prev *BundleCache, version string, emit func(path string, data []byte) error) (BundleStats, *BundleCache, error) {
	return updateBundle(x, prev, version, emit, nil)
}

// UpdateBundleTo is UpdateBundle writing the bundle to keep (as BundleCache.Encode
// encodes it) while its files are emitted, rather than holding them: the compressed
// files of a large site's bundle are hundreds of megabytes. What keep receives is a
// whole cache only when the bundle is written without error; keep's own errors are its
// writer's to tell, and stop the writes to it. With a nil keep nothing is kept.
func UpdateBundleTo(x *Index, prev *BundleCache, version string, emit func(path string, data []byte) error, keep io.Writer) (BundleStats, error) {
	if keep == nil {
		keep = io.Discard
	}
	st, _, err := updateBundle(x, prev, version, emit, keep)
	return st, err
}

// updateBundle is UpdateBundle, writing what it keeps to keep when it is not nil.
func updateBundle(x *Index, prev *BundleCache, version string, emit func(path string, data []byte) error, keep io.Writer) (BundleStats, *BundleCache, error) {
	if x == nil || x.idx == nil {
		return BundleStats{}, nil, errors.New("search: the index is closed")
	}
	list, err := x.idx.GetInternal(keyHashes)
	if err != nil {
		return BundleStats{}, nil, err
	}
	docs := sha256.Sum256(list)
	next := &BundleCache{version: version, files: map[string]cachedFile{}}
	if list != nil {
		next.docs = docs
	}
	if keep != nil {
		next.enc = newBundleEncoder(keep, next)
	}
	var st BundleStats
	if prev != nil && list != nil && prev.version == version && prev.docs == docs {
		st, err = prev.emit(emit, next)
	} else {
		st, err = x.writeBundle(prev, next, emit)
	}
	if err != nil {
		return st, nil, err
	}
	if next.enc != nil {
		next.enc.end()
	}
	return st, next, nil
}

// writeBundle writes the bundle of x into next, compressing only what prev does not hold.
func (x *Index) writeBundle(prev, next *BundleCache, emit func(path string, data []byte) error) (BundleStats, error) {
	w, err := x.newBundleWriter(prev, next, emit)
	if err != nil {
		return BundleStats{}, err
	}
	defer w.r.Close()
	if err := w.write(); err != nil {
		return w.stats, fmt.Errorf("search: writing the bundle: %w", err)
	}
	return w.stats, nil
}

// newBundleWriter is a writer of the bundle of x into next, emitting with emit, on a
// reader of the index its caller closes (w.r).
func (x *Index) newBundleWriter(prev, next *BundleCache, emit func(string, []byte) error) (*bundleWriter, error) {
	adv, err := x.bleveIndex().Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	m, ok := x.bleveIndex().Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		_ = r.Close()
		return nil, errors.New("search: the index has no mapping of pspm's")
	}
	return &bundleWriter{r: r, m: m, emit: emit, hash: sha256.New(), prev: prev, next: next}, nil
}

type bundleWriter struct {
	r          index.IndexReader
	m          *mapping.IndexMappingImpl
	emit       func(string, []byte) error
	hash       hash.Hash
	files      []*bundleFile    // queued and not yet emitted, in order
	queued     int              // the bytes of files, before compression
	jobs       chan *bundleFile // to the compressors
	err        error            // the first error of a file compressed or emitted
	stats      BundleStats
	ids        []string          // external IDs, sorted: the document numbers
	num        map[string]uint32 // document number by internal ID
	fields     []string          // the text fields, language by language
	langs      []string
	chunks     []string // the first term of each chunk
	rows       [][]byte // the record of each document, JSON, in rowMem
	rowMem     *offheap.Arena
	prev, next *BundleCache // the bundle written before (or nil), and this one
	// Scratch of previews, by document number.
	score   []float64
	hits    []uint8
	touched []uint32
}

// file queues data to be compressed and emitted as search/<name>: the compressors start
// on it at once, on every core, while the rest of the bundle is made (on one core, for
// the dictionary). data must not change after. The files compressed by then are emitted,
// in the order they were queued: a file's bytes are held only until it is emitted (a
// bundle held whole until its last file was compressed was 190 MB at 100,000 proposals).
func (w *bundleWriter) file(name string, data []byte) {
	f := &bundleFile{name: name, data: data, size: len(data), done: make(chan struct{})}
	w.files = append(w.files, f)
	w.queued += f.size
	w.jobs <- f
	w.emitDone(maxQueuedFiles)
}

// maxQueuedFiles is how many of the bundle's files may wait to be emitted, and
// maxQueuedBytes how many bytes they may make before compression: past either, file
// waits for the first to be compressed, so that a compressor the scheduler keeps off a
// core cannot let the whole bundle pile up behind its file. The postings of a common
// term at 100,000 proposals are a megabyte: 128 of them were 80 MB waiting.
const maxQueuedFiles = 128

var maxQueuedBytes = 16 << 20 // a variable for the tests

// bundleFile is a file of the bundle: its data, their hash, and once compressed (done
// is closed), what is emitted; data is let go of then.
type bundleFile struct {
	name string
	data []byte
	size int // of data, counted in bundleWriter.queued until the file is emitted
	sum  [32]byte
	out  []byte
	err  error
	done chan struct{}
}

// compress compresses f with the worker's encoder, or takes what the previous bundle
// compressed from the same data.
func (w *bundleWriter) compress(f *bundleFile, enc *deflate.Encoder) {
	defer close(f.done)
	f.sum = sha256.Sum256(f.data)
	if c, ok := w.prev.file(f.name); ok && c.sum == f.sum {
		f.out = c.data
	} else {
		f.out, f.err = enc.Compress(f.data)
	}
	f.data = nil
}

// startCompressors starts the compression workers, one per core; the function it
// returns stops them once they have compressed every file queued.
func (w *bundleWriter) startCompressors() (stop func()) {
	w.jobs = make(chan *bundleFile, 64)
	var workers sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		workers.Add(1)
		go func() {
			defer workers.Done()
			var enc deflate.Encoder
			for f := range w.jobs {
				w.compress(f, &enc)
			}
		}()
	}
	return func() {
		close(w.jobs)
		workers.Wait()
	}
}

// flush waits for the queued files to be compressed and emits them in order.
func (w *bundleWriter) flush() error {
	w.emitDone(0)
	return w.err
}

// emitDone emits the queued files in order, hashing them for meta.json's id, up to the
// first not yet compressed, waiting for each while more than keep are queued (or more
// than maxQueuedBytes). After an error (kept in w.err) nothing more is emitted.
func (w *bundleWriter) emitDone(keep int) {
	for len(w.files) > 0 && w.err == nil {
		f := w.files[0]
		if len(w.files) > keep || w.queued > maxQueuedBytes {
			<-f.done
		} else {
			select {
			case <-f.done:
			default:
				return
			}
		}
		w.files[0] = nil
		w.files = w.files[1:]
		w.queued -= f.size
		if f.err != nil {
			w.err = f.err
			return
		}
		w.next.add(f.name, cachedFile{f.sum, f.out})
		w.hash.Write([]byte(f.name))
		w.hash.Write(f.out)
		w.stats.Files++
		w.stats.Bytes += int64(len(f.out))
		w.err = w.emit("search/"+f.name, f.out)
	}
}

func (w *bundleWriter) write() error {
	defer w.startCompressors()()
	// The records are copied into the postings files' previews until the last is made,
	// and let go of then: at 100,000 proposals they are 60 MB.
	w.rowMem = &offheap.Arena{}
	defer func() { w.rows = nil; w.rowMem.Free() }()
	for _, lang := range Languages {
		for _, f := range textFields {
			w.fields = append(w.fields, Field(f, lang))
		}
		w.langs = append(w.langs, lang)
	}
	if len(w.fields) > 8 {
		return fmt.Errorf("%d text fields: the bundle's format has room for 8", len(w.fields))
	}
	if err := w.documents(); err != nil {
		return err
	}
	a, err := analysisTablesOnce()
	if err != nil {
		return err
	}
	w.file("a.bin", a)
	if err := w.records(); err != nil {
		return err
	}
	if err := w.dictionary(); err != nil {
		return err
	}
	if err := w.facets(); err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	return w.meta()
}

// documents numbers the documents in the order of their IDs.
func (w *bundleWriter) documents() error {
	dr, err := w.r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer dr.Close()
	byExt := map[string]string{}
	for {
		id, err := dr.Next()
		if err != nil {
			return err
		}
		if id == nil {
			break
		}
		ext, err := w.r.ExternalID(id)
		if err != nil {
			return err
		}
		byExt[ext] = string(id)
		w.ids = append(w.ids, ext)
	}
	n, err := w.r.DocCount()
	if err != nil {
		return err
	}
	if uint64(len(w.ids)) != n {
		return fmt.Errorf("the index counts %d documents and lists %d", n, len(w.ids))
	}
	slices.Sort(w.ids)
	w.num = make(map[string]uint32, len(w.ids))
	for i, ext := range w.ids {
		w.num[byExt[ext]] = uint32(i)
	}
	return nil
}

// posting is a term's occurrence in a document's field.
type posting struct{ doc, freq, length uint32 }

// termEntry is a term of the dictionary, while it is written.
type termEntry struct {
	term     string
	df       [8]uint32 // by field
	postings [8][]byte // encoded, by field
	mask     byte      // fields with the term
}

// fieldTerms walks the terms of a text field in the order of their bytes.
type fieldTerms struct {
	field string
	dict  index.FieldDict
	term  string // the current term
	done  bool   // no term left
}

// next moves to the field's next term, and refuses a dictionary out of order: the
// dictionary's chunks are written as the fields' terms are merged.
func (t *fieldTerms) next() error {
	de, err := t.dict.Next()
	if err != nil {
		return err
	}
	if de == nil {
		t.done = true
		return nil
	}
	if de.Term <= t.term && t.term != "" {
		return fmt.Errorf("the terms of %s are not in order: %q after %q", t.field, de.Term, t.term)
	}
	t.term = de.Term
	return nil
}

// dictionary writes the dictionary chunks and the postings files. The text fields'
// terms are merged as their dictionaries list them, and each term's postings are read,
// written and let go of before the next term's: holding every term's postings until all
// were read was 150 MB at 100,000 proposals.
func (w *bundleWriter) dictionary() error {
	fields := make([]*fieldTerms, len(w.fields))
	defer func() {
		for _, ft := range fields {
			if ft != nil {
				ft.dict.Close()
			}
		}
	}()
	for f, field := range w.fields {
		dict, err := w.r.FieldDict(field)
		if err != nil {
			return err
		}
		fields[f] = &fieldTerms{field: field, dict: dict}
		if err := fields[f].next(); err != nil {
			return err
		}
	}
	var chunk, entry bytes.Buffer
	count := 0
	prev := ""
	flush := func() {
		if count == 0 {
			return
		}
		var out bytes.Buffer
		putUvarint(&out, uint64(count))
		out.Write(chunk.Bytes())
		w.file("d/"+strconv.Itoa(len(w.chunks)-1)+".bin", out.Bytes())
		w.stats.Chunks++
		chunk.Reset()
		count = 0
	}
	per := len(textFields)
	var ps []posting
	for {
		term, any := "", false
		for _, ft := range fields {
			if !ft.done && (!any || ft.term < term) {
				term, any = ft.term, true
			}
		}
		if !any {
			break
		}
		e := termEntry{term: term}
		for f, ft := range fields {
			if ft.done || ft.term != term {
				continue
			}
			var err error
			if ps, err = w.postings(ft.field, term, ps[:0]); err != nil {
				return err
			}
			if len(ps) > 0 {
				e.mask |= 1 << f
				e.df[f] = uint32(len(ps))
				e.postings[f] = encodePostings(ps)
			}
			if err := ft.next(); err != nil {
				return err
			}
		}
		if e.mask == 0 {
			continue
		}
		w.stats.Terms++
		if count == 0 {
			w.chunks = append(w.chunks, e.term)
			prev = ""
		}
		entry.Reset()
		shared := commonPrefix(prev, e.term)
		putUvarint(&entry, uint64(shared))
		putString(&entry, e.term[shared:])
		entry.WriteByte(e.mask)
		for f := range w.fields {
			if e.mask&(1<<f) != 0 {
				putUvarint(&entry, uint64(e.df[f]))
			}
		}
		for l := range w.langs {
			var block []byte
			for f := l * per; f < (l+1)*per; f++ {
				block = append(block, e.postings[f]...)
			}
			if len(block) == 0 {
				continue
			}
			if len(block) <= inlineMax {
				putUvarint(&entry, uint64(2*len(block)))
				entry.Write(block)
				continue
			}
			k := w.stats.Postings
			w.file("p/"+strconv.Itoa(k)+".bin", w.previews(&e, l, block))
			w.stats.Postings++
			putUvarint(&entry, uint64(2*k+1))
		}
		chunk.Write(entry.Bytes())
		count++
		prev = e.term
		if chunk.Len() >= chunkSize {
			flush()
		}
	}
	flush()
	return nil
}

// postings appends to ps the postings of term in field.
func (w *bundleWriter) postings(field, term string, ps []posting) ([]posting, error) {
	tfr, err := w.r.TermFieldReader(context.Background(), []byte(term), field, true, true, false)
	if err != nil {
		return ps, err
	}
	ps, err = w.readPostings(tfr, field, term, ps)
	if cerr := tfr.Close(); err == nil {
		err = cerr
	}
	return ps, err
}

// readPostings appends to ps what tfr reads of term in field.
func (w *bundleWriter) readPostings(tfr index.TermFieldReader, field, term string, ps []posting) ([]posting, error) {
	var tfd index.TermFieldDoc
	for {
		d, err := tfr.Next(&tfd)
		if err != nil {
			return ps, err
		}
		if d == nil {
			break
		}
		n, ok := w.num[string(d.ID)]
		if !ok {
			return ps, fmt.Errorf("term %q of %s: a document the index does not list", term, field)
		}
		length, err := lengthOfNorm(d.Norm)
		if err != nil {
			return ps, fmt.Errorf("term %q of %s: %w", term, field, err)
		}
		ps = append(ps, posting{n, uint32(d.Freq), length})
	}
	if df := tfr.Count(); df != uint64(len(ps)) {
		return ps, fmt.Errorf("term %q of %s: bleve counts %d documents and lists %d", term, field, df, len(ps))
	}
	return ps, nil
}

// lengthOfNorm recovers the length of a field from bleve's norm, float32(1/√length).
func lengthOfNorm(norm float64) (uint32, error) {
	if norm <= 0 || norm > 1 {
		return 0, fmt.Errorf("norm %v out of range", norm)
	}
	l := math.Round(1 / (norm * norm))
	for _, c := range []float64{l, l - 1, l + 1} {
		if c >= 1 && c < 1<<32 && float64(float32(1/math.Sqrt(c))) == norm {
			return uint32(c), nil
		}
	}
	return 0, fmt.Errorf("norm %v is not float32(1/√length) of a length: the client could not score as bleve does", norm)
}

// previews appends to the postings block of e in language l the records of its best
// documents: see the format of p/<k>.bin.
func (w *bundleWriter) previews(e *termEntry, l int, block []byte) []byte {
	per := len(textFields)
	n := float64(len(w.ids))
	if len(w.score) < len(w.ids) {
		w.score, w.hits = make([]float64, len(w.ids)), make([]uint8, len(w.ids))
	}
	touched := w.touched[:0]
	for f := l * per; f < (l+1)*per; f++ {
		if e.df[f] == 0 {
			continue
		}
		boost := Boosts[textFields[f%per]]
		idf := 1 + math.Log(n/float64(e.df[f]+1))
		for _, p := range decodePostings(e.postings[f], int(e.df[f])) {
			norm := float64(float32(1 / math.Sqrt(float64(p.length))))
			if w.hits[p.doc] == 0 {
				touched = append(touched, p.doc)
			}
			w.score[p.doc] += boost * idf * idf * math.Sqrt(float64(p.freq)) * norm
			w.hits[p.doc]++
		}
	}
	// The best previewsPerTerm, best first, ties by document: kept sorted as they come.
	type scored struct {
		doc   uint32
		score float64
	}
	before := func(a, b scored) bool { return a.score > b.score || a.score == b.score && a.doc < b.doc }
	best := make([]scored, 0, previewsPerTerm+1)
	for _, d := range touched {
		c := scored{d, w.score[d] * float64(w.hits[d]) / float64(per)}
		w.score[d], w.hits[d] = 0, 0
		if len(best) == previewsPerTerm && !before(c, best[len(best)-1]) {
			continue
		}
		i := sort.Search(len(best), func(i int) bool { return before(c, best[i]) })
		best = slices.Insert(best, i, c)
		if len(best) > previewsPerTerm {
			best = best[:previewsPerTerm]
		}
	}
	w.touched = touched
	out := bytes.NewBuffer(slices.Clip(block))
	putUvarint(out, uint64(len(best)))
	for _, c := range best {
		putUvarint(out, uint64(c.doc))
		putUvarint(out, uint64(len(w.rows[c.doc])))
		out.Write(w.rows[c.doc])
	}
	return out.Bytes()
}

// decodePostings reads back a postings list of df documents that encodePostings wrote.
func decodePostings(b []byte, df int) []posting {
	ps := make([]posting, df)
	col := func(set func(i int, v uint32)) {
		for i := range ps {
			v, n := binary.Uvarint(b)
			b = b[n:]
			set(i, uint32(v))
		}
	}
	doc := uint32(0)
	col(func(i int, v uint32) {
		if i == 0 {
			doc = v
		} else {
			doc += v + 1
		}
		ps[i].doc = doc
	})
	col(func(i int, v uint32) { ps[i].freq = v + 1 })
	col(func(i int, v uint32) { ps[i].length = v })
	return ps
}

// encodePostings writes the three columns of a postings list, sorted by document.
func encodePostings(ps []posting) []byte {
	slices.SortFunc(ps, func(a, b posting) int { return int(a.doc) - int(b.doc) })
	var b bytes.Buffer
	prev := int64(-1)
	for _, p := range ps {
		putUvarint(&b, uint64(int64(p.doc)-prev-1))
		prev = int64(p.doc)
	}
	for _, p := range ps {
		putUvarint(&b, uint64(p.freq-1))
	}
	for _, p := range ps {
		putUvarint(&b, uint64(p.length))
	}
	return b.Bytes()
}

// record is what a result shows of a document.
type record struct {
	id, url, title, summary, lang, typ, status, body, kind, code string
	versions                                                     []string
	date                                                         time.Time
}

// stored reads a document's stored fields.
func (w *bundleWriter) stored(id string) (record, error) {
	rec := record{id: id}
	doc, err := w.r.Document(id)
	if err != nil || doc == nil {
		return rec, fmt.Errorf("document %s: %v", id, err)
	}
	texts := map[string]string{}
	doc.VisitFields(func(f index.Field) {
		name := f.Name()
		switch name {
		case FieldVersions:
			rec.versions = append(rec.versions, string(f.Value()))
		case FieldDate:
			if d, ok := f.(interface {
				DateTime() (time.Time, string, error)
			}); ok {
				if t, _, err := d.DateTime(); err == nil {
					rec.date = t
				}
			}
		default:
			texts[name] = string(f.Value())
		}
	})
	rec.url, rec.lang, rec.typ = texts["url"], texts[FieldLang], texts[FieldType]
	rec.status, rec.body, rec.kind, rec.code = texts[FieldStatus], texts[FieldBody], texts[FieldKind], texts[FieldCode]
	rec.title, rec.summary = texts[Field(FieldTitle, rec.lang)], texts[Field(FieldSummary, rec.lang)]
	slices.Sort(rec.versions)
	return rec, nil
}

// records writes the record files and the dates.
func (w *bundleWriter) records() error {
	bodies, _, err := w.keywordValues(FieldBody)
	if err != nil {
		return err
	}
	names := w.bodyNames(bodies)
	var dates bytes.Buffer
	var group [][]byte
	flush := func(k int) {
		if len(group) == 0 {
			return
		}
		data := append([]byte{'['}, bytes.Join(group, []byte{','})...)
		group = group[:0]
		w.file("r/"+strconv.Itoa(k)+".bin", append(data, ']'))
	}
	w.rows = make([][]byte, len(w.ids))
	for i, id := range w.ids {
		rec, err := w.stored(id)
		if err != nil {
			return err
		}
		date := ""
		if !rec.date.IsZero() {
			date = rec.date.UTC().Format("2006-01-02")
			s := rec.date.Unix()
			putUvarint(&dates, 1+uint64(s<<1^s>>63))
		} else {
			putUvarint(&dates, 0)
		}
		versions := rec.versions
		if versions == nil {
			versions = []string{}
		}
		row, err := json.Marshal([]any{rec.id, rec.url, rec.title, rec.summary, rec.lang, rec.typ, rec.status, rec.body, rec.kind, versions, date, names[rec.body], rec.code})
		if err != nil {
			return err
		}
		w.rows[i] = w.rowMem.Bytes(row)
		group = append(group, row)
		if len(group) == recordsPerFile {
			flush(i / recordsPerFile)
		}
	}
	flush(len(w.ids) / recordsPerFile)
	w.file("t.bin", dates.Bytes())
	return nil
}

// facets writes f/<field>.bin from the postings of the keyword fields.
func (w *bundleWriter) facets() error {
	for _, field := range append(slices.Clip(bundleFacets), FieldCode) {
		values, docs, err := w.keywordValues(field)
		if err != nil {
			return err
		}
		labels := map[string]string{}
		if field == FieldBody {
			labels = w.bodyNames(values)
		}
		var b bytes.Buffer
		putUvarint(&b, uint64(len(values)))
		for _, v := range values {
			putString(&b, v)
			putString(&b, labels[v])
		}
		for _, vs := range docs {
			putUvarint(&b, uint64(len(vs)))
			for _, v := range vs {
				putUvarint(&b, uint64(v))
			}
		}
		name := "f/" + field + ".bin"
		if field == FieldCode {
			name = "c.bin"
		}
		w.file(name, b.Bytes())
	}
	return nil
}

// keywordValues lists the values of a keyword field, sorted, and the values of each
// document, as indexes in that list.
func (w *bundleWriter) keywordValues(field string) ([]string, [][]uint32, error) {
	dict, err := w.r.FieldDict(field)
	if err != nil {
		return nil, nil, err
	}
	var values []string
	for {
		de, err := dict.Next()
		if err != nil {
			dict.Close()
			return nil, nil, err
		}
		if de == nil {
			break
		}
		values = append(values, de.Term)
	}
	if err := dict.Close(); err != nil {
		return nil, nil, err
	}
	sort.Strings(values)
	docs := make([][]uint32, len(w.ids))
	var tfd index.TermFieldDoc
	for v, t := range values {
		tfr, err := w.r.TermFieldReader(context.Background(), []byte(t), field, false, false, false)
		if err != nil {
			return nil, nil, err
		}
		for {
			d, err := tfr.Next(&tfd)
			if err != nil {
				tfr.Close()
				return nil, nil, err
			}
			if d == nil {
				break
			}
			if n, ok := w.num[string(d.ID)]; ok {
				docs[n] = append(docs[n], uint32(v))
			}
		}
		if err := tfr.Close(); err != nil {
			return nil, nil, err
		}
	}
	// An index brought up to date keeps in its dictionary, until its segments merge, the
	// values only deleted documents had: drop them, so that the bundle is the one of an
	// index built anew.
	used := make([]bool, len(values))
	for _, vs := range docs {
		for _, v := range vs {
			used[v] = true
		}
	}
	if slices.Contains(used, false) {
		renum := make([]uint32, len(values))
		kept := values[:0]
		for v, t := range values {
			if used[v] {
				renum[v] = uint32(len(kept))
				kept = append(kept, t)
			}
		}
		for _, vs := range docs {
			for i, v := range vs {
				vs[i] = renum[v]
			}
		}
		values = kept
	}
	return values, docs, nil
}

// bodyNames are the names of the bodies among values: the titles of their documents
// ("bodies/<id>", in the default language).
func (w *bundleWriter) bodyNames(values []string) map[string]string {
	out := map[string]string{}
	for _, v := range values {
		if _, ok := slices.BinarySearch(w.ids, "bodies/"+v); !ok {
			continue
		}
		if rec, err := w.stored("bodies/" + v); err == nil && rec.typ == "body" {
			out[v] = rec.title
		}
	}
	return out
}

// meta writes meta.json, last: its id is the hash of everything before.
func (w *bundleWriter) meta() error {
	analyzers := map[string]any{}
	for _, lang := range w.langs {
		a := w.m.CustomAnalysis.Analyzers[AnalyzerOf(lang)]
		if a == nil {
			return fmt.Errorf("no analyzer for %s", lang)
		}
		analyzers[lang] = map[string]any{"char_filters": a["char_filters"], "tokenizer": a["tokenizer"], "token_filters": a["token_filters"]}
	}
	boosts := make([]float64, len(w.fields))
	for i := range w.fields {
		boosts[i] = Boosts[textFields[i%len(textFields)]]
	}
	sum := w.hash.Sum(nil)
	meta := map[string]any{
		"format":    "pspm-search",
		"version":   BundleVersion,
		"id":        hex.EncodeToString(sum[:8]),
		"docs":      len(w.ids),
		"fields":    w.fields,
		"boosts":    boosts,
		"langs":     w.langs,
		"analyzers": analyzers,
		"chunks":    w.chunks,
		"records":   recordsPerFile,
		"facets":    bundleFacets,
		"types":     Types,
		"syntax":    fieldNames(),
	}
	data, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	w.stats.Files++
	w.stats.Bytes += int64(len(data))
	w.next.add("meta.json", cachedFile{sha256.Sum256(data), data})
	return w.emit("search/meta.json", data)
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

func putUvarint(b *bytes.Buffer, v uint64) {
	var n [binary.MaxVarintLen64]byte
	b.Write(n[:binary.PutUvarint(n[:], v)])
}

func putString(b *bytes.Buffer, s string) {
	putUvarint(b, uint64(len(s)))
	b.WriteString(s)
}
