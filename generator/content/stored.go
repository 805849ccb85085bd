package content

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"io/fs"
	"reflect"
	"sync/atomic"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
)

// Store is what a previous Load read, as stored between builds (the generator keeps it in
// .pspm/cache/content.bin): every file Git knew unchanged, with the hash of its Git blob
// and the structs it was read into. LoadStored takes from it the files whose blob is
// still the same, and reads only the others.
//
// A Store is only ever made by DecodeStore, which refuses a store of another pspm (the
// types' layout differs), of another configuration or that is corrupt; a nil *Store is
// an empty one. A Store is read-only: many builds may read it at once.
type Store struct {
	records map[string]storedRecord // by file
}

// storedRecord is one file's entry, as slices of the store's bytes.
type storedRecord struct {
	raw    []byte // the whole entry, copied as it is into the next store
	blob   string
	job    []byte // the job as encoded: a file read in another role is read again
	result []byte
}

// storedResult is a result in the codec's terms: the plan item's interface becomes one
// field of each concrete kind.
type storedResult struct {
	Goal      *site.Goal
	Objective *site.Objective
	Result    *site.Result
	Action    *site.Action
	Proposal  *site.Proposal
	Practice  *site.Practice
	Body      *site.Body
	Plan      *site.Plan
	Reaction  *site.Reaction
	Feedback  *site.Feedback
	Support   *site.Support
	Partic    *site.Participant
	Amend     *site.Amendment
	Answer    *site.AmendmentAnswer
	Trans     *site.Translation
	Sig       *site.Sig
	Mod       *site.Moderation
	Rules     *site.ModerationRules
	Refs      []markdown.Ref
	Errs      diag.List
	HalfRead  *storedResult
}

// storeMagic opens a content store; the version of its framing follows in the layout
// hash (codecVersion).
const storeMagic = "PSPMCNT\x01"

// layout is the hash of the layout of everything a store holds.
var layout = layoutHash(reflect.TypeFor[job](), reflect.TypeFor[storedResult]())

// configHash is the hash of the configuration files are read with and of the version of
// the pspm that reads them, or false when it cannot be encoded (then nothing is stored).
func configHash(cfg *config.Config, version string) ([32]byte, bool) {
	data, err := encodeValue(nil, cfg)
	if err != nil {
		return [32]byte{}, false
	}
	return sha256.Sum256(append(data, version...)), true
}

// DecodeStore reads a store written by LoadStored for the configuration cfg by the pspm
// of the given version (any string that tells builds of pspm apart: the same types may
// be read by other code). It returns an error, and no store, when data is corrupt or was
// written by another pspm or for another configuration: the caller then loads everything.
func DecodeStore(data []byte, cfg *config.Config, version string) (*Store, error) {
	h, ok := configHash(cfg, version)
	if !ok || len(data) < len(storeMagic)+64+4 || string(data[:len(storeMagic)]) != storeMagic {
		return nil, errCorrupt
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, errCorrupt
	}
	d := &decoder{data: body[len(storeMagic):]}
	if !bytes.Equal(d.data[:32], layout[:]) || !bytes.Equal(d.data[32:64], h[:]) {
		return nil, errCorrupt
	}
	d.data = d.data[64:]
	return decodeRecords(d)
}

// decodeRecords reads the entries of a store whose framing is checked.
func decodeRecords(d *decoder) (*Store, error) {
	n := d.length(4)
	st := &Store{records: make(map[string]storedRecord, n)}
	for range n {
		start := d.data
		file := d.str()
		r := storedRecord{blob: d.str(), job: d.bytes(), result: d.bytes()}
		if d.err != nil {
			return nil, d.err
		}
		r.raw = start[:len(start)-len(d.data)]
		if _, dup := st.records[file]; dup {
			return nil, errCorrupt
		}
		st.records[file] = r
	}
	if d.err != nil || len(d.data) != 0 {
		return nil, errCorrupt
	}
	return st, nil
}

// Len is the number of files in the store.
func (st *Store) Len() int {
	if st == nil {
		return 0
	}
	return len(st.records)
}

// LoadStored is Load through a store of a previous Load by the same version of pspm
// (see DecodeStore). known tells, for a file of the
// site (content/…), the hash of its Git blob when Git knows the file as it is on disk
// (the checkout's index says so: see history.WorkIndex), and false otherwise. A file known
// with the blob the store has, read in the same role, is taken from the store; any other
// is read. The site is the one Load would make (the same structs, errors and order).
//
// It also returns the store to keep for the next build: the files Git knows, as read now.
// data is nil when something read cannot be stored (nothing should be kept then).
func LoadStored(fsys fs.FS, cfg *config.Config, version string, st *Store, known func(file string) (blob string, ok bool)) (s *site.Site, errs diag.List, data []byte, stats LoadStats) {
	s, errs, sd, stats := LoadStoredAfter(fsys, cfg, version, func() (*Store, func(string) (string, bool), bool) { return st, known, true })
	return s, errs, sd.Bytes(), stats
}

// LoadStoredAfter is LoadStored with the store and known given by ready, which is called
// once the content folder is walked, so that the caller can read them (the previous
// store, the checkout's index) while it is: a build after one vote walks 110,000 files.
// When ready's keep is false nothing is stored (data is nil) and every file is read, as
// Load reads it. The store to keep is given in pieces (StoreData), most of them the
// previous store's bytes, to be written as they are rather than copied into one buffer
// first (95 MB at 10,000 proposals, at every build).
func LoadStoredAfter(fsys fs.FS, cfg *config.Config, version string, ready func() (st *Store, known func(file string) (blob string, ok bool), keep bool)) (s *site.Site, errs diag.List, data *StoreData, stats LoadStats) {
	jobs := walk(fsys, cfg, Dir, &errs)
	st, known, keep := ready()
	if !keep {
		st, known = nil, func(string) (string, bool) { return "", false }
	}
	results := make([]resultSlot, len(jobs))
	entries := make([][]byte, len(jobs))
	var reads atomic.Int64
	var unstorable atomic.Bool
	parallel.For(len(jobs), func(i int) {
		j := jobs[i]
		blob, ok := known(j.file)
		jb, err := encodeValue(nil, &j)
		if err != nil {
			unstorable.Store(true)
			ok = false
		}
		if ok && st != nil {
			if r, found := st.records[j.file]; found && r.blob == blob && bytes.Equal(r.job, jb) {
				if res, err := decodeResult(r.result); err == nil {
					results[i], entries[i] = slotOf(res), r.raw
					return
				}
			}
		}
		res := read(fsys, cfg, j)
		reads.Add(1)
		if ok {
			// Encoded now: assembling the site links the structs to one another.
			e, err := encodeEntry(j.file, blob, jb, &res)
			if err != nil {
				unstorable.Store(true)
			}
			entries[i] = e
		}
		results[i] = slotOf(res)
	})
	if h, ok := configHash(cfg, version); ok && keep && !unstorable.Load() {
		data = newStoreData(h, entries)
	}
	s = assemble(jobs, results, &errs)
	s.Registration = cfg.Participation.Registration
	return s, errs, data, LoadStats{Walked: true, Read: int(reads.Load()), Files: len(jobs)}
}

// StoreData is a store to keep, in the pieces it is written in: a head, then the
// entries of the files in order (most of them slices of the previous store), then the
// checksum of all that.
type StoreData struct {
	head    []byte
	entries [][]byte
}

func newStoreData(cfgHash [32]byte, entries [][]byte) *StoreData {
	n := 0
	for _, e := range entries {
		if e != nil {
			n++
		}
	}
	head := make([]byte, 0, len(storeMagic)+64+binary.MaxVarintLen64)
	head = append(head, storeMagic...)
	head = append(head, layout[:]...)
	head = append(head, cfgHash[:]...)
	head = binary.AppendUvarint(head, uint64(n))
	return &StoreData{head: head, entries: entries}
}

// pieces calls f with each piece of the store but its checksum, in order, until f
// returns false.
func (d *StoreData) pieces(f func([]byte) bool) {
	if !f(d.head) {
		return
	}
	for _, e := range d.entries {
		if len(e) > 0 && !f(e) {
			return
		}
	}
}

// Len is the size of the store in bytes.
func (d *StoreData) Len() int {
	n := 4
	d.pieces(func(p []byte) bool { n += len(p); return true })
	return n
}

// WriteTo writes the store to w.
func (d *StoreData) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	var n int64
	var crc uint32
	var err error
	d.pieces(func(p []byte) bool {
		crc = crc32.Update(crc, crc32.IEEETable, p)
		var m int
		m, err = bw.Write(p)
		n += int64(m)
		return err == nil
	})
	if err != nil {
		return n, err
	}
	m, err := bw.Write(binary.LittleEndian.AppendUint32(nil, crc))
	n += int64(m)
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}

// Equal reports whether the store is the bytes b.
func (d *StoreData) Equal(b []byte) bool {
	if d == nil || len(b) != d.Len() {
		return false
	}
	same, rest := true, b
	d.pieces(func(p []byte) bool {
		same = bytes.Equal(p, rest[:len(p)])
		rest = rest[len(p):]
		return same
	})
	return same && bytes.Equal(rest, binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(b[:len(b)-4])))
}

// Bytes is the store as one slice; nil for a nil StoreData.
func (d *StoreData) Bytes() []byte {
	if d == nil {
		return nil
	}
	var b bytes.Buffer
	b.Grow(d.Len())
	_, _ = d.WriteTo(&b)
	return b.Bytes()
}

func encodeEntry(file, blob string, jb []byte, r *result) ([]byte, error) {
	e := &encoder{}
	e.str(file)
	e.str(blob)
	e.uvarint(uint64(len(jb)))
	e.buf = append(e.buf, jb...)
	sr := toStored(r)
	if r.planItem() != nil && sr.Goal == nil && sr.Objective == nil && sr.Result == nil && sr.Action == nil {
		return nil, errUnknownKind
	}
	res, err := encodeValue(nil, sr)
	e.uvarint(uint64(len(res)))
	e.buf = append(e.buf, res...)
	return e.buf, err
}

var errUnknownKind = errors.New("content cache: a plan item of an unknown kind")

func decodeResult(data []byte) (result, error) {
	var sr storedResult
	d := &decoder{data: data}
	funcsOf(reflect.TypeFor[storedResult]()).dec(d, reflect.ValueOf(&sr).Elem(), 0)
	if d.err == nil && len(d.data) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return result{}, d.err
	}
	r, ok := fromStored(&sr)
	if !ok || !textsUnpack(&r) {
		return result{}, errCorrupt
	}
	return r, nil
}

// textsUnpack says whether every compressed text of r's items decompresses (a store's
// checksum tells a damaged file, not one written to deceive): a text that did not would
// fail the pages that show it. A store whose text does not is read as corrupt, and the
// file is read again.
func textsUnpack(r *result) bool {
	var it *site.Item // a result holds one item at most
	switch {
	case r.proposal() != nil:
		it = &r.proposal().Item
	case r.practice() != nil:
		it = &r.practice().Item
	case r.body() != nil:
		it = &r.body().Item
	case r.partic() != nil:
		it = &r.partic().Item
	case r.planItem() != nil:
		it = r.planItem().Base()
	}
	if it != nil && !it.TextUnpacks() {
		return false
	}
	return r.halfRead == nil || textsUnpack(r.halfRead)
}

func toStored(r *result) *storedResult {
	if r == nil {
		return nil
	}
	sr := &storedResult{Proposal: r.proposal(), Practice: r.practice(), Body: r.body(), Plan: r.plan(), Reaction: r.reaction(),
		Feedback: r.feedback(), Support: r.support(), Partic: r.partic(), Amend: r.amend(), Answer: r.answer(), Trans: r.trans(),
		Sig: r.sig(), Mod: r.mod(), Rules: r.rules(), Refs: r.refs, Errs: r.errs, HalfRead: toStored(r.halfRead)}
	switch it := r.planItem().(type) {
	case *site.Goal:
		sr.Goal = it
	case *site.Objective:
		sr.Objective = it
	case *site.Result:
		sr.Result = it
	case *site.Action:
		sr.Action = it
	}
	return sr
}

// fromStored is the result sr stores; ok is false when sr says a file was two things at
// once, which no file read is: a damaged store, read as corrupt.
func fromStored(sr *storedResult) (r result, ok bool) {
	r = result{refs: sr.Refs, errs: sr.Errs}
	kinds := 0
	put := func(v any, set bool) {
		if set {
			r.v = v
			kinds++
		}
	}
	put(sr.Proposal, sr.Proposal != nil)
	put(sr.Practice, sr.Practice != nil)
	put(sr.Body, sr.Body != nil)
	put(sr.Plan, sr.Plan != nil)
	put(sr.Reaction, sr.Reaction != nil)
	put(sr.Feedback, sr.Feedback != nil)
	put(sr.Support, sr.Support != nil)
	put(sr.Partic, sr.Partic != nil)
	put(sr.Amend, sr.Amend != nil)
	put(sr.Answer, sr.Answer != nil)
	put(sr.Trans, sr.Trans != nil)
	put(sr.Sig, sr.Sig != nil)
	put(sr.Mod, sr.Mod != nil)
	put(sr.Rules, sr.Rules != nil)
	put(planItemOf{sr.Goal}, sr.Goal != nil)
	put(planItemOf{sr.Objective}, sr.Objective != nil)
	put(planItemOf{sr.Result}, sr.Result != nil)
	put(planItemOf{sr.Action}, sr.Action != nil)
	if kinds > 1 {
		return result{}, false
	}
	if sr.HalfRead != nil {
		h, ok := fromStored(sr.HalfRead)
		if !ok {
			return result{}, false
		}
		r.halfRead = &h
	}
	return r, true
}
