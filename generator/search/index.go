package search

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
)

// CacheDir is where a build keeps the site's index, under the site's folder: the next
// build reindexes only the documents that changed, and `pspm search` reads it.
const CacheDir = ".pspm/cache/search"

// BatchSize is how many documents go to the index at once. Fewer, bigger batches make
// fewer segments to merge, and more memory holds their analysis: with 10,000 proposals,
// batches of 1,000 index 5% faster and take 100 MB more.
const BatchSize = 500

// Index is a bleve index of Documents. It is safe for concurrent searches; Close it
// when done. Within this package (the bundle exporter), idx is the bleve index.
type Index struct {
	idx bleve.Index
	dir string // "" in memory
}

// Stats says what a Build did.
type Stats struct {
	Documents int // documents in the index
	Indexed   int // documents (re)indexed
	Deleted   int // documents removed
	// Rebuilt says why the index was built from scratch ("no index", "mapping changed",
	// "unreadable index: …"); it is empty when the index on disk was brought up to date,
	// and "in memory" for an index with no folder.
	Rebuilt string
	// Fallback is set when the index folder could not be used (another pspm holds it)
	// and the index was built in memory instead: why.
	Fallback string
	Took     time.Duration
}

// Internal keys of the index.
var (
	// keyVersion holds MappingVersion and a hash of the mapping: an index written with
	// another one is rebuilt.
	keyVersion = []byte("pspm:mapping")
	// keyHashes holds the ID and content hash of every document, sorted by ID: what a
	// build compares with its documents to reindex only those that changed. It is
	// removed while a build changes the index and written back last, so an interrupted
	// build leaves an index that the next one rebuilds.
	keyHashes = []byte("pspm:docs")
)

// ErrNoIndex is returned by Open when dir holds no index, or one written by another
// version of pspm: build the site (or the index) first.
var ErrNoIndex = errors.New("no search index")

// lockTimeout is how long opening an index folder waits for another process that holds
// it before giving up.
const lockTimeout = "2s"

// persistTimeout bounds the wait for bleve to write an index to disk (a full disk makes
// it retry forever).
const persistTimeout = 2 * time.Minute

// Open opens, for searching, the index that a build wrote in dir. It fails with an error
// wrapping ErrNoIndex when there is none or when it was written with another mapping.
// It never writes to dir.
func Open(dir string) (*Index, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		return nil, fmt.Errorf("%w in %s", ErrNoIndex, dir)
	}
	idx, err := openIndex(dir, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	x := &Index{idx: idx, dir: dir}
	if why := x.stale(); why != "" {
		_ = x.Close()
		return nil, fmt.Errorf("%w in %s: %s", ErrNoIndex, dir, why)
	}
	return x, nil
}

// Build makes the index of docs in dir, or in memory when dir is "". An index already in
// dir, written with the same mapping, is brought up to date: only the documents whose
// content changed are reindexed, and those no longer in docs removed; building again
// with the same documents changes nothing. Any other index in dir (another mapping, an
// unreadable or half-written one) is removed and rebuilt, and Stats.Rebuilt says why. A
// folder that holds other files than an index is never removed: Build fails.
//
// docs must have distinct IDs.
func Build(dir string, docs []Document) (*Index, Stats, error) {
	return BuildEach(dir, func(batch func([]Document) error) error { return batch(docs) })
}

// BuildEach is Build for documents made batch by batch, so that they are never all in
// memory at once: each calls batch with every batch of the documents in turn (see
// EachDocument), and returns the first error batch returns. Each batch is hashed and
// what changed in it is indexed before the next is made; the documents that are gone,
// and two documents with one ID (an error), are known after the last. each may be called
// twice, when the index in dir cannot be opened and Build starts it again.
func BuildEach(dir string, each func(batch func([]Document) error) error) (*Index, Stats, error) {
	start := time.Now()
	x, st, err := build(dir, each)
	if err != nil {
		return nil, st, err
	}
	st.Took = time.Since(start)
	if n, err := x.idx.DocCount(); err == nil {
		st.Documents = int(n)
	}
	return x, st, nil
}

func build(dir string, each func(func([]Document) error) error) (*Index, Stats, error) {
	// scratch indexes every document into a new index in dir ("" for memory).
	scratch := func(dir, why string) (*Index, Stats, error) {
		x, err := create(dir)
		if err != nil {
			return nil, Stats{}, err
		}
		n, _, err := x.indexEach(each, nil)
		if err != nil {
			_ = x.Close()
			return nil, Stats{}, err
		}
		return x, Stats{Indexed: n, Rebuilt: why}, nil
	}
	if dir == "" {
		return scratch("", "in memory")
	}
	x, why, err := openForUpdate(dir)
	switch {
	case errors.Is(err, errBusy):
		x, st, err := scratch("", "in memory")
		st.Fallback = dir + " is in use by another pspm"
		return x, st, err
	case err != nil:
		return nil, Stats{}, err
	case x == nil:
		return scratch(dir, why)
	}
	old, err := x.hashes()
	if err != nil || old == nil {
		// A build was interrupted, or the list is unreadable: start again.
		_ = x.Close()
		if err := removeIndex(dir); err != nil {
			return nil, Stats{}, err
		}
		return scratch(dir, "an earlier build was interrupted")
	}
	n, deleted, err := x.indexEach(each, old)
	if err != nil {
		_ = x.Close()
		return nil, Stats{}, err
	}
	return x, Stats{Indexed: n, Deleted: deleted}, nil
}

// pipelined calls use with each batch that each makes, while each makes the next one
// (converting its texts) on another goroutine. It returns the first error of either;
// after an error of use, each is stopped at its next batch.
func pipelined(each func(func([]Document) error) error, use func([]Document) error) error {
	batches := make(chan []Document) // each waits until use takes its batch, so at most three are held
	stop := make(chan struct{})
	made := make(chan error, 1)
	go func() {
		made <- each(func(docs []Document) error {
			select {
			case batches <- docs:
				return nil
			case <-stop:
				return errStopped
			}
		})
		close(batches)
	}()
	var err error
	for docs := range batches {
		if err == nil {
			if err = use(docs); err != nil {
				close(stop)
			}
		}
	}
	if eachErr := <-made; err == nil && !errors.Is(eachErr, errStopped) {
		err = eachErr
	}
	return err
}

// errStopped stops the documents of pipelined after an error of their use.
var errStopped = errors.New("search: stopped")

// indexEach indexes the documents each gives, batch by batch: all of them when old is
// nil (a new index), otherwise those whose ID is not in old (the list of the index,
// sorted by ID) or whose hash differs, and then deletes the IDs of old that no batch
// had. It writes the new list last, and nothing at all when nothing changed. It
// returns how many documents it indexed and deleted.
func (x *Index) indexEach(each func(func([]Document) error) error, old []docHash) (indexed, deleted int, err error) {
	var (
		w   *indexer
		all []docHash
	)
	err = pipelined(each, func(docs []Document) error {
		hashes := hashOf(docs)
		which := make([]int, 0, len(docs))
		for i, h := range hashes {
			if old != nil {
				if j, ok := slices.BinarySearchFunc(old, h.id, func(d docHash, id string) int { return strings.Compare(d.id, id) }); ok && old[j].sum == h.sum {
					continue
				}
			}
			which = append(which, i)
		}
		for _, h := range hashes {
			all = append(all, docHash{id: h.id, sum: h.sum, doc: -1})
		}
		if len(which) == 0 {
			return nil
		}
		if w == nil {
			var err error
			if w, err = x.startIndexing(old != nil); err != nil {
				return err
			}
		}
		n, err := w.add(docs, which)
		indexed += n
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	slices.SortFunc(all, func(a, b docHash) int { return strings.Compare(a.id, b.id) })
	for i := 1; i < len(all); i++ {
		if all[i].id == all[i-1].id {
			return 0, 0, fmt.Errorf("search: two documents with ID %q", all[i].id)
		}
	}
	var gone []string
	if old != nil {
		_, gone = diff(old, all)
		if w == nil && len(gone) == 0 {
			return 0, 0, nil // the index is the documents' already
		}
	}
	if w == nil {
		if w, err = x.startIndexing(old != nil); err != nil {
			return 0, 0, err
		}
	}
	if err := w.finish(gone, encodeHashes(all)); err != nil {
		return 0, 0, err
	}
	return indexed, len(gone), nil
}

// Update brings the open index x up to date with docs, every document of the site, as
// Build does an index on disk: only the documents whose content changed are indexed
// again, and the ones no longer in docs removed. pspm serve calls it after a rebuild.
func (x *Index) Update(docs []Document) (Stats, error) {
	start := time.Now()
	hashes, err := hashesOf(docs)
	if err != nil {
		return Stats{}, err
	}
	old, err := x.hashes()
	if err != nil {
		return Stats{}, err
	}
	changed, deleted := diff(old, hashes)
	if len(changed) == 0 && len(deleted) == 0 {
		return Stats{Took: time.Since(start)}, nil
	}
	n, err := x.index(docs, changed, deleted, encodeHashes(hashes))
	return Stats{Indexed: n, Deleted: len(deleted), Took: time.Since(start)}, err
}

// Replace indexes docs again, in place of the documents of the same IDs (or as new
// ones), leaving every other document as it is: pspm serve calls it after an edit of a
// few items' words.
func (x *Index) Replace(docs []Document) (Stats, error) {
	start := time.Now()
	hashes, err := hashesOf(docs)
	if err != nil {
		return Stats{}, err
	}
	old, err := x.hashes()
	if err != nil {
		return Stats{}, err
	}
	merged := make([]docHash, 0, len(old)+len(hashes))
	i := 0
	for _, h := range hashes {
		for i < len(old) && old[i].id < h.id {
			merged = append(merged, old[i])
			i++
		}
		if i < len(old) && old[i].id == h.id {
			i++
		}
		merged = append(merged, h)
	}
	merged = append(merged, old[i:]...)
	n, err := x.index(docs, allOf(hashes), nil, encodeHashes(merged))
	return Stats{Indexed: n, Took: time.Since(start)}, err
}

// hashOf hashes docs, on every core, in their order.
func hashOf(docs []Document) []docHash {
	hashes := make([]docHash, len(docs))
	parallel.For(len(docs), func(i int) { hashes[i] = docHash{docs[i].ID, docs[i].hash(), i} })
	return hashes
}

// hashesOf hashes docs, sorted by ID, and refuses two documents with one ID.
func hashesOf(docs []Document) ([]docHash, error) {
	hashes := hashOf(docs)
	slices.SortFunc(hashes, func(a, b docHash) int { return strings.Compare(a.id, b.id) })
	for i := 1; i < len(hashes); i++ {
		if hashes[i].id == hashes[i-1].id {
			return nil, fmt.Errorf("search: two documents with ID %q", hashes[i].id)
		}
	}
	return hashes, nil
}

// docHash is a document's ID, content hash and position in the documents.
type docHash struct {
	id  string
	sum [16]byte
	doc int // -1 when read from the index
}

func allOf(h []docHash) []int {
	out := make([]int, len(h))
	for i, d := range h {
		out[i] = d.doc
	}
	slices.Sort(out)
	return out
}

// diff compares the hashes in the index with the new ones, both sorted by ID: the
// documents to index (new or changed, as positions in the documents) and the IDs to
// delete.
func diff(old, cur []docHash) (changed []int, deleted []string) {
	i, j := 0, 0
	for i < len(old) || j < len(cur) {
		switch {
		case j == len(cur) || i < len(old) && old[i].id < cur[j].id:
			deleted = append(deleted, old[i].id)
			i++
		case i == len(old) || cur[j].id < old[i].id:
			changed = append(changed, cur[j].doc)
			j++
		default:
			if old[i].sum != cur[j].sum {
				changed = append(changed, cur[j].doc)
			}
			i++
			j++
		}
	}
	slices.Sort(changed)
	return changed, deleted
}

// encodeHashes writes hashes as (uvarint length, ID, 16-byte hash)*. An empty list is
// one byte, emptyHashes: a list that is there (finish stores it in place of the previous
// one), which bleve would not keep as an empty value.
func encodeHashes(h []docHash) []byte {
	if len(h) == 0 {
		return []byte{emptyHashes}
	}
	var b bytes.Buffer
	var n [binary.MaxVarintLen64]byte
	for _, d := range h {
		b.Write(n[:binary.PutUvarint(n[:], uint64(len(d.id)))])
		b.WriteString(d.id)
		b.Write(d.sum[:])
	}
	return b.Bytes()
}

// emptyHashes is the list of no document: a length of more than the bytes that follow
// in any other list.
const emptyHashes = 0xff

func decodeHashes(data []byte) ([]docHash, error) {
	if len(data) == 1 && data[0] == emptyHashes {
		return []docHash{}, nil
	}
	var out []docHash
	for len(data) > 0 {
		n, k := binary.Uvarint(data)
		if k <= 0 || uint64(len(data)-k) < n+16 {
			return nil, errors.New("damaged list of documents")
		}
		d := docHash{id: string(data[k : k+int(n)]), doc: -1}
		copy(d.sum[:], data[k+int(n):])
		out = append(out, d)
		data = data[k+int(n)+16:]
	}
	if !slices.IsSortedFunc(out, func(a, b docHash) int { return strings.Compare(a.id, b.id) }) {
		return nil, errors.New("damaged list of documents")
	}
	return out, nil
}

// hashes reads the list of documents and their hashes; nil when there is none.
func (x *Index) hashes() ([]docHash, error) {
	data, err := x.idx.GetInternal(keyHashes)
	if err != nil || data == nil {
		return nil, err
	}
	h, err := decodeHashes(data)
	if h == nil && err == nil {
		h = []docHash{}
	}
	return h, err
}

// hash is a digest of everything the index holds of d.
func (d *Document) hash() [16]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	str := func(s string) {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.Write(bytesOf(s))
	}
	list := func(l []string) {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(l)))])
		for _, s := range l {
			str(s)
		}
	}
	for _, s := range []string{d.ID, d.Type, d.Lang, d.Title, d.Summary, d.Text, d.Status, d.Body, d.Kind, d.URL} {
		str(s)
	}
	list(d.Tags)
	list(d.AgID)
	list(d.Versions)
	if !d.Date.IsZero() {
		str(d.Date.UTC().Format(time.RFC3339Nano))
	}
	var out [16]byte
	copy(out[:], h.Sum(nil))
	return out
}

// versionStamp identifies the mapping an index is written with.
func versionStamp() (string, error) {
	m, err := NewMapping()
	if err != nil {
		return "", err
	}
	data, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(MappingVersion) + " " + fmt.Sprintf("%x", sha256.Sum256(data)), nil
}

// stale says why the index cannot be used as it is, or "".
func (x *Index) stale() string {
	want, err := versionStamp()
	if err != nil {
		return err.Error()
	}
	got, err := x.idx.GetInternal(keyVersion)
	switch {
	case err != nil:
		return "unreadable index: " + err.Error()
	case got == nil:
		return "no mapping version"
	case string(got) != want:
		return "mapping changed"
	}
	return ""
}

// errBusy is returned when another process holds the index folder.
var errBusy = errors.New("index folder in use")

// openForUpdate opens the index in dir for a build. It returns nil and why when the index
// must be built from scratch (after removing whatever was in dir), errBusy when another
// process holds it.
func openForUpdate(dir string) (*Index, string, error) {
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err != nil {
		if err := removeIndex(dir); err != nil {
			return nil, "", err
		}
		return nil, "no index", nil
	}
	idx, err := openIndex(dir, false)
	if err != nil {
		if isTimeout(err) {
			return nil, "", errBusy
		}
		if err := removeIndex(dir); err != nil {
			return nil, "", err
		}
		return nil, "unreadable index: " + err.Error(), nil
	}
	x := &Index{idx: idx, dir: dir}
	if why := x.stale(); why != "" {
		_ = x.Close()
		if err := removeIndex(dir); err != nil {
			return nil, "", err
		}
		return nil, why, nil
	}
	return x, "", nil
}

// isTimeout reports whether err is bbolt's timeout waiting for the lock of root.bolt.
func isTimeout(err error) bool {
	return err != nil && strings.Contains(err.Error(), "timeout")
}

// openIndex opens the index in dir, turning a panic of a damaged index into an error.
func openIndex(dir string, readOnly bool) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			if idx != nil {
				_ = idx.Close()
			}
			idx, err = nil, fmt.Errorf("damaged index: %v", r)
		}
	}()
	cfg := map[string]any{"bolt_timeout": lockTimeout}
	if readOnly {
		cfg["read_only"] = true
	} else {
		cfg["unsafe_batch"] = true // Build waits for the last batch to be persisted
	}
	idx, err = bleve.OpenUsing(dir, cfg)
	if err != nil {
		return nil, err
	}
	// Read something of every segment: a damaged one fails (or panics) here.
	if _, err = idx.DocCount(); err != nil {
		_ = idx.Close()
		return nil, err
	}
	if _, err = idx.GetInternal(keyVersion); err != nil {
		_ = idx.Close()
		return nil, err
	}
	return idx, nil
}

// indexFiles are the names bleve writes at the top of an index folder.
var indexFiles = []string{"index_meta.json", "store"}

// removeIndex removes the index folder dir, and nothing else: it fails when dir holds
// files that bleve does not write.
func removeIndex(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !slices.Contains(indexFiles, e.Name()) {
			return fmt.Errorf("search: %s holds %s, which is not part of a search index: not removing it", dir, e.Name())
		}
	}
	return os.RemoveAll(dir)
}

// create makes an empty index in dir, or in memory when dir is "".
func create(dir string) (*Index, error) {
	m, err := NewMapping()
	if err != nil {
		return nil, err
	}
	var cfg map[string]any
	if dir != "" {
		if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
			return nil, err
		}
		cfg = map[string]any{"unsafe_batch": true, "bolt_timeout": lockTimeout}
	}
	idx, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, cfg)
	if err != nil {
		return nil, err
	}
	return &Index{idx: idx, dir: dir}, nil
}

// index indexes docs[i] for every i in which (sorted), deletes the IDs deleted, and
// then stores the mapping stamp and, when not nil, the list of hashes. It returns how
// many documents it indexed.
func (x *Index) index(docs []Document, which []int, deleted []string, hashes []byte) (int, error) {
	w, err := x.startIndexing(hashes != nil && (len(which) > 0 || len(deleted) > 0))
	if err != nil {
		return 0, err
	}
	n, err := w.add(docs, which)
	if err != nil {
		return 0, err
	}
	return n, w.finish(deleted, hashes)
}

// indexer writes documents to an index: add as many times as needed, then finish.
type indexer struct {
	x         *Index
	m         *mapping.IndexMappingImpl
	analyzers map[string]analysis.Analyzer
	stamp     string
}

// startIndexing starts changing x. With unlist, the list of hashes is removed first:
// until finish writes the new one, the index does not say what it holds, so that an
// interrupted build leaves one the next build rebuilds.
func (x *Index) startIndexing(unlist bool) (*indexer, error) {
	stamp, err := versionStamp()
	if err != nil {
		return nil, err
	}
	if unlist {
		b := x.idx.NewBatch()
		b.DeleteInternal(keyHashes)
		if err := x.idx.Batch(b); err != nil {
			return nil, err
		}
	}
	m, ok := x.idx.Mapping().(*mapping.IndexMappingImpl)
	if !ok {
		return nil, fmt.Errorf("search: unexpected mapping %T", x.idx.Mapping())
	}
	return &indexer{x: x, m: m, analyzers: fastAnalyzers(m), stamp: stamp}, nil
}

// add indexes docs[i] for every i in which (sorted), in batches of BatchSize made on
// two goroutines: while bleve builds the segment of one, the next is mapped and
// analysed. It returns how many documents it indexed.
func (w *indexer) add(docs []Document, which []int) (int, error) {
	x, m, analyzers := w.x, w.m, w.analyzers
	batches := (len(which) + BatchSize - 1) / BatchSize
	workers := min(max(runtime.GOMAXPROCS(0), 1), 2, max(batches, 1))
	var (
		mu    sync.Mutex
		next  int
		first error
		wg    sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				stop := first != nil
				mu.Unlock()
				if stop || k >= batches {
					return
				}
				b := x.idx.NewBatch()
				for _, i := range which[k*BatchSize : min((k+1)*BatchSize, len(which))] {
					doc, err := docs[i].bleveDocument(m, analyzers)
					if err == nil {
						err = b.IndexAdvanced(doc)
					}
					if err != nil {
						fail(fmt.Errorf("search: document %s: %w", docs[i].ID, err))
						return
					}
				}
				if err := x.idx.Batch(b); err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return 0, first
	}
	return len(which), nil
}

// finish deletes the IDs deleted, then stores the mapping stamp and, when not nil, the
// list of hashes, and waits until everything is persisted.
func (w *indexer) finish(deleted []string, hashes []byte) error {
	x := w.x
	b := x.idx.NewBatch()
	for _, id := range deleted {
		b.Delete(id)
	}
	b.SetInternal(keyVersion, []byte(w.stamp))
	if hashes != nil {
		b.SetInternal(keyHashes, hashes)
	}
	done := make(chan error, 1)
	if x.dir != "" {
		b.SetPersistedCallback(func(err error) { done <- err })
	} else {
		done <- nil
	}
	if err := x.idx.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-time.After(persistTimeout):
		return fmt.Errorf("search: the index in %s was not written after %v", x.dir, persistTimeout)
	}
}

// Close closes the index.
func (x *Index) Close() error {
	if x == nil || x.idx == nil {
		return nil
	}
	err := x.idx.Close()
	x.idx = nil
	return err
}

// bleveIndex is the bleve index, for the bundle exporter of this package.
func (x *Index) bleveIndex() bleve.Index { return x.idx }
