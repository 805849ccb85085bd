package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A cache file is the magic, the format, then records: a base, the whole History as
// Encode writes it, followed by segments, each what one build's Advance changed, as
// EncodeNext writes it. A warm build reads the whole file but writes only its segment:
// at a million commits the base is a hundred megabytes, a build's segment a few hundred
// bytes. After MaxSegments segments the next build writes the whole History again.
//
// A record is its kind (1 byte: recordBase or recordSegment), the length of its payload
// (4 bytes little-endian), the payload, and the CRC-32C of all that (4 bytes
// little-endian). A file that ends inside a record (a build killed while appending) or
// whose record fails its checksum is refused whole: the caller reads the history again
// from Git, never from a part of the file.
//
// Layout of a segment's payload (integers are varints, a hash is 20 bytes; strings are
// written whole, with their length, there being few):
//
//	commits: count (first, so that Decode sizes the chain before reading the base)
//	header:  head, branch, time, site, prefix, shallow
//	chain:   the new first-parent commits, newest first: hash, parents (count, hashes),
//	         author, committer (name, email, time), message, signed
//	files:   count, then per path changed, sorted: path, present, and when present
//	         blob, commit, author, committer, first line of the message, signed,
//	         landed commit, landed time
//	changes: count, then per path, sorted: path, count, then per version appended:
//	         flags (deleted, has blob), blob, commit, author, committer, message,
//	         signed, landed commit, landed time
//	retired: count, then per path, sorted: path, count, then per version appended:
//	         blob, has commit, commit, by, when
//	signatures: count, then per commit changed, sorted: hash, present, text, payload

// Record kinds.
const (
	recordBase    = 'B'
	recordSegment = 'S'
)

// MaxSegments is how many segments a cache holds after its base: rather than a
// segment more, EncodeNext writes the whole History again (the file's compaction).
// Decoding reads every segment after the base, so this bounds what a warm build reads
// beyond the base.
const MaxSegments = 64

// segmentRoom is how many new commits a decoded History takes without copying its
// chain: Decode leaves that room before Commits, where Advance puts the new ones.
const segmentRoom = 256

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// recordHead is the size of a record's kind and length; recordTail of its checksum.
const recordHead, recordTail = 5, 4

// beginRecord starts a record of the kind in b; endRecord ends the one started at start.
func beginRecord(b []byte, kind byte) ([]byte, int) {
	return append(b, kind, 0, 0, 0, 0), len(b)
}

func endRecord(b []byte, start int) ([]byte, error) {
	n := len(b) - start - recordHead
	if n > math.MaxUint32 {
		return nil, errors.New("history: encoding the cache: a record of over 4 GiB")
	}
	binary.LittleEndian.PutUint32(b[start+1:], uint32(n))
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b[start:], crcTable)), nil
}

// cacheState is how a History stands with the cache file it was decoded from.
type cacheState struct {
	// based says the History was decoded from a cache, so that EncodeNext can extend
	// it; segments is how many segments that cache holds after its base.
	based    bool
	segments int
	// index is the positions, from the oldest, of the oldest len(index) commits of
	// Commits, ordered by their hashes: the base's index (see cache.go).
	index []uint32
	// chain is the array that holds Commits at its end, with room before it.
	chain []Commit
	// signed counts the signed commits of Commits, when counted.
	signed  int
	counted bool
	// delta is what Advance changed since the History was decoded or last encoded.
	delta *delta
}

// delta is what one or more Advance calls changed in a History.
type delta struct {
	commits int             // new commits: the first ones of Commits
	files   map[string]bool // paths whose provenance changed or went
	changes map[string]int  // paths whose list of Changes grew: its length before
	retired map[string]int  // and those of Retired
	sigs    map[string]bool // signatures added, changed or dropped
}

// record notes in d what applying o to h changes, and says whether it replaces a
// version made by a signed commit.
func (d *delta) record(h *History, o op) bool {
	if _, ok := d.changes[o.path]; !ok && tracked(o.path) {
		d.changes[o.path] = len(h.Changes[o.path])
	}
	if _, ok := d.retired[o.path]; !ok && contribution(o.path) {
		d.retired[o.path] = len(h.Retired[o.path])
	}
	d.files[o.path] = true
	old := h.Files[o.path]
	return old != nil && old.Signed
}

// diffSignatures notes the signatures that differ between before and after.
func (d *delta) diffSignatures(before, after map[string]*Signature) {
	for k, s := range before {
		if t := after[k]; t == nil || *t != *s {
			d.sigs[k] = true
		}
	}
	for k := range after {
		if before[k] == nil {
			d.sigs[k] = true
		}
	}
}

// signMore adds to h.Signatures those of the signed commits that made the versions d
// records. It is all sign would change when no version that needed a signature went
// and no commit of the chain is signed.
func (h *History) signMore(w *walker, read map[string]*commitInfo, d *delta) error {
	add := func(hash string) error {
		if _, ok := h.Signatures[hash]; ok {
			return nil
		}
		if err := h.need(w, nil, read, hash); err != nil {
			return err
		}
		if _, ok := h.Signatures[hash]; ok {
			d.sigs[hash] = true
		}
		return nil
	}
	for path := range d.files {
		if p := h.Files[path]; p != nil && p.Signed {
			if err := add(p.Commit); err != nil {
				return err
			}
		}
	}
	for path, n := range d.changes {
		for _, c := range h.Changes[path][min(n, len(h.Changes[path])):] {
			if c.Signed {
				if err := add(c.Commit); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// countSigned counts the signed commits of the chain, once.
func (h *History) countSigned() {
	if h.cache.counted {
		return
	}
	h.cache.signed = 0
	for i := range h.Commits {
		if h.Commits[i].Signed {
			h.cache.signed++
		}
	}
	h.cache.counted = true
}

// prepend puts cs, newer commits newest first, before h.Commits: in the room Decode
// left before them when there is enough, so that a chain of a million commits is not
// copied for one more.
func (h *History) prepend(cs []Commit) {
	all, n := h.cache.chain, len(h.Commits)
	aliased := len(all) >= n && (n == 0 || &all[len(all)-1] == &h.Commits[n-1])
	if off := len(all) - n; aliased && off >= len(cs) {
		copy(all[off-len(cs):], cs)
		h.Commits = all[off-len(cs):]
		return
	}
	all = make([]Commit, segmentRoom+len(cs)+n)
	copy(all[segmentRoom:], cs)
	copy(all[segmentRoom+len(cs):], h.Commits)
	h.cache.chain, h.Commits = all, all[segmentRoom:]
}

// appendIndex writes the index of the chain commits: their positions from the oldest,
// ordered by hash.
func appendIndex(b []byte, commits []Commit) []byte {
	n := len(commits)
	type key struct {
		prefix uint64 // the hash's first 8 bytes, to compare most pairs without the rest
		pos    uint32
	}
	keys := make([]key, n)
	for i := range keys {
		hash := commits[n-1-i].Hash
		v, _ := strconv.ParseUint(hash[:min(16, len(hash))], 16, 64)
		keys[i] = key{v, uint32(i)}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.prefix != b.prefix {
			if a.prefix < b.prefix {
				return -1
			}
			return 1
		}
		return strings.Compare(commits[n-1-int(a.pos)].Hash, commits[n-1-int(b.pos)].Hash)
	})
	b = binary.AppendUvarint(b, uint64(n))
	for _, k := range keys {
		b = binary.LittleEndian.AppendUint32(b, k.pos)
	}
	return b
}

// index32 reads the index of a chain of n commits.
func (d *decoder) index32(n int) []uint32 {
	if d.count(4) != n || d.err != nil {
		d.fail()
		return nil
	}
	raw := d.bytes(4 * n)
	if d.err != nil {
		return nil
	}
	idx := make([]uint32, n)
	for i := range idx {
		v := binary.LittleEndian.Uint32(raw[4*i:])
		if v >= uint32(n) {
			d.fail()
			return nil
		}
		idx[i] = v
	}
	return idx
}

// findIndexed returns the position from the oldest of the commit hash among the oldest
// len(index) commits of chain (newest first), whose index is index.
func findIndexed(chain []Commit, index []uint32, hash string) (int, bool) {
	n := len(chain)
	if len(index) > n {
		return 0, false
	}
	i, found := slices.BinarySearchFunc(index, hash, func(p uint32, t string) int {
		return strings.Compare(chain[n-1-int(p)].Hash, t)
	})
	if !found {
		return 0, false
	}
	return int(index[i]), true
}

// Decode reads bytes made by Encode, and the segments EncodeNext appended to them. Any
// error means the cache is unusable, and the caller should Load instead.
func Decode(b []byte) (*History, error) {
	rest, ok := bytes.CutPrefix(b, []byte(magic))
	if !ok {
		return nil, errors.New("history: decoding the cache: not a pspm history")
	}
	f, n := binary.Uvarint(rest)
	if n <= 0 || f != format {
		return nil, fmt.Errorf("history: cache format %d, want %d", f, format)
	}
	rest = rest[n:]
	var records [][]byte
	for len(rest) > 0 {
		if len(rest) < recordHead+recordTail {
			return nil, errors.New("history: decoding the cache: it ends inside a record (a build stopped while writing it)")
		}
		size := binary.LittleEndian.Uint32(rest[1:])
		if uint64(size) > uint64(len(rest)-recordHead-recordTail) {
			return nil, errors.New("history: decoding the cache: it ends inside a record (a build stopped while writing it)")
		}
		end := recordHead + int(size)
		if crc32.Checksum(rest[:end], crcTable) != binary.LittleEndian.Uint32(rest[end:]) {
			return nil, fmt.Errorf("history: decoding the cache: record %d fails its checksum", len(records)+1)
		}
		want := byte(recordSegment)
		if len(records) == 0 {
			want = recordBase
		}
		if rest[0] != want {
			return nil, fmt.Errorf("history: decoding the cache: record %d is of kind %q", len(records)+1, rest[0])
		}
		records = append(records, rest[recordHead:end])
		rest = rest[end+recordTail:]
	}
	if len(records) == 0 {
		return nil, errors.New("history: decoding the cache: no history in it")
	}
	extra := segmentRoom
	for _, r := range records[1:] {
		c, n := binary.Uvarint(r)
		if n <= 0 || c > uint64(len(r)/20) {
			return nil, errors.New("history: decoding the cache: a corrupt segment")
		}
		extra += int(c)
	}
	h, err := decodeBase(records[0], extra)
	if err != nil {
		return nil, err
	}
	h.countSigned()
	for i, r := range records[1:] {
		if err := h.applySegment(r); err != nil {
			return nil, fmt.Errorf("history: decoding segment %d of the cache: %w", i+1, err)
		}
	}
	h.cache.based, h.cache.segments = true, len(records)-1
	return h, nil
}

// EncodeNext returns what to write to the cache after Advance. When h was decoded from
// the cache and advanced in place, it is a segment of what changed, to append to the
// bytes h was decoded from (whole is false). Otherwise, and when the cache holds
// MaxSegments segments already, it is Encode's bytes, to replace the file with (whole
// is true). Either way h then stands with the cache as written.
func (h *History) EncodeNext() (b []byte, whole bool, err error) {
	d := h.cache.delta
	if !h.cache.based || d == nil || h.cache.segments >= MaxSegments {
		if b, err = h.Encode(); err != nil {
			return nil, true, err
		}
		// The index Encode wrote is not kept: a later Advance in this process finds
		// the chain's commits by a set of them.
		h.cache.based, h.cache.segments, h.cache.index, h.cache.delta = true, 0, nil, nil
		return b, true, nil
	}
	if b, err = h.encodeSegment(d); err != nil {
		return nil, false, err
	}
	h.cache.segments++
	h.cache.delta = nil
	return b, false, nil
}

// textPerson writes a person without the table of strings.
func textPerson(b []byte, p Person) []byte {
	b = appendText(b, p.Name)
	b = appendText(b, p.Email)
	return appendTime(b, p.When)
}

func (d *decoder) textPerson() Person {
	return Person{Name: d.text(), Email: d.text(), When: d.time()}
}

func (h *History) encodeSegment(d *delta) (b []byte, err error) {
	if d.commits > len(h.Commits) {
		return nil, errors.New("history: encoding a segment: the chain is shorter than the commits added")
	}
	fail := func(what string, err error) ([]byte, error) {
		return nil, fmt.Errorf("history: encoding a segment: %s: %w", what, err)
	}
	b, start := beginRecord(nil, recordSegment)
	b = binary.AppendUvarint(b, uint64(d.commits))
	if b, err = appendHash(b, h.Head); err != nil {
		return fail("the head", err)
	}
	b = appendText(b, h.Branch)
	b = appendTime(b, h.Time)
	b = appendText(b, h.Site)
	b = appendText(b, h.Prefix)
	b = appendBool(b, h.Shallow)
	for _, c := range h.Commits[:d.commits] {
		if b, err = appendHash(b, c.Hash); err != nil {
			return fail("a commit", err)
		}
		b = binary.AppendUvarint(b, uint64(len(c.Parents)))
		for _, p := range c.Parents {
			if b, err = appendHash(b, p); err != nil {
				return fail("commit "+c.Hash, err)
			}
		}
		b = textPerson(b, c.Author)
		b = textPerson(b, c.Committer)
		b = appendText(b, c.Message)
		b = appendBool(b, c.Signed)
	}

	paths := slices.Sorted(maps.Keys(d.files))
	b = binary.AppendUvarint(b, uint64(len(paths)))
	for _, path := range paths {
		b = appendText(b, path)
		p := h.Files[path]
		b = appendBool(b, p != nil)
		if p == nil {
			continue
		}
		b, err = appendVersion(b, p.Blob, p.Commit, p.Author, p.Committer, p.Message, p.Signed, p.LandedCommit, p.Landed)
		if err != nil {
			return fail(path, err)
		}
	}

	grown := grownLists(h.Changes, d.changes)
	b = binary.AppendUvarint(b, uint64(len(grown)))
	for _, path := range grown {
		list := h.Changes[path][d.changes[path]:]
		b = appendText(b, path)
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, c := range list {
			var flags byte
			if c.Deleted {
				flags |= 1
			}
			if c.Blob != "" {
				flags |= 2
			}
			b = append(b, flags)
			blob := c.Blob
			if blob == "" {
				blob = strings.Repeat("0", 40) // not read back: flags say there is none
			}
			if b, err = appendVersion(b, blob, c.Commit, c.Author, c.Committer, c.Message, c.Signed, c.LandedCommit, c.Landed); err != nil {
				return fail("the changes of "+path, err)
			}
		}
	}

	grown = grownLists(h.Retired, d.retired)
	b = binary.AppendUvarint(b, uint64(len(grown)))
	for _, path := range grown {
		list := h.Retired[path][d.retired[path]:]
		b = appendText(b, path)
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, r := range list {
			if b, err = appendHash(b, r.Blob); err != nil {
				return fail("the retired versions of "+path, err)
			}
			b = appendBool(b, r.Commit != "")
			if r.Commit != "" {
				if b, err = appendHash(b, r.Commit); err != nil {
					return fail("the retired versions of "+path, err)
				}
			}
			if b, err = appendHash(b, r.By); err != nil {
				return fail("the retired versions of "+path, err)
			}
			b = appendTime(b, r.When)
		}
	}

	hashes := slices.Sorted(maps.Keys(d.sigs))
	b = binary.AppendUvarint(b, uint64(len(hashes)))
	for _, hash := range hashes {
		if b, err = appendHash(b, hash); err != nil {
			return fail("a signature", err)
		}
		s := h.Signatures[hash]
		b = appendBool(b, s != nil)
		if s != nil {
			b = appendText(b, s.Text)
			b = appendText(b, s.Payload)
		}
	}
	return endRecord(b, start)
}

// appendVersion writes what a segment says of a version of a file.
func appendVersion(b []byte, blob, commit string, author, committer Person, msg string, signed bool, landedCommit string, landed time.Time) (_ []byte, err error) {
	if b, err = appendHash(b, blob); err != nil {
		return nil, err
	}
	if b, err = appendHash(b, commit); err != nil {
		return nil, err
	}
	b = textPerson(b, author)
	b = textPerson(b, committer)
	b = appendText(b, msg)
	b = appendBool(b, signed)
	if b, err = appendHash(b, landedCommit); err != nil {
		return nil, err
	}
	return appendTime(b, landed), nil
}

// applySegment makes the changes a segment records to h.
func (h *History) applySegment(b []byte) error {
	d := &decoder{b: b, zones: map[int64]*time.Location{}}
	commits := make([]Commit, d.count(20))
	h.Head, h.Branch, h.Time, h.Site, h.Prefix, h.Shallow = d.hash(), d.text(), d.time(), d.text(), d.text(), d.bool()
	for i := range commits {
		c := &commits[i]
		c.Hash = d.hash()
		if np := d.count(20); np > 0 {
			c.Parents = make([]string, np)
			for j := range c.Parents {
				c.Parents[j] = d.hash()
			}
		}
		c.Author, c.Committer, c.Message, c.Signed = d.textPerson(), d.textPerson(), d.text(), d.bool()
		if c.Signed {
			h.cache.signed++
		}
	}
	if d.err != nil {
		return d.err
	}
	h.prepend(commits)

	if h.Files == nil {
		h.Files = map[string]*Provenance{}
	}
	for range d.count(2) {
		path := d.text()
		if !d.bool() {
			delete(h.Files, path)
			continue
		}
		p := &Provenance{Path: path, Blob: d.hash(), Commit: d.hash(), Author: d.textPerson(), Committer: d.textPerson(),
			Message: d.text(), Signed: d.bool(), LandedCommit: d.hash(), Landed: d.time()}
		if d.err != nil {
			return d.err
		}
		h.Files[path] = p
	}

	for range d.count(2) {
		path := d.text()
		n := d.count(1)
		for range n {
			flags := d.bytes(1)
			if len(flags) == 0 || flags[0] > 3 {
				d.fail()
				return d.err
			}
			c := &Change{Blob: d.hash(), Commit: d.hash(), Author: d.textPerson(), Committer: d.textPerson(),
				Message: d.text(), Signed: d.bool(), LandedCommit: d.hash(), Landed: d.time(), Deleted: flags[0]&1 != 0}
			if flags[0]&2 == 0 {
				c.Blob = ""
			}
			if d.err != nil {
				return d.err
			}
			if h.Changes == nil {
				h.Changes = map[string][]*Change{}
			}
			h.Changes[path] = append(h.Changes[path], c)
		}
	}

	for range d.count(2) {
		path := d.text()
		for range d.count(22) {
			r := Retirement{Blob: d.hash()}
			if d.bool() {
				r.Commit = d.hash()
			}
			r.By, r.When = d.hash(), d.time()
			if d.err != nil {
				return d.err
			}
			if h.Retired == nil {
				h.Retired = map[string][]Retirement{}
			}
			h.Retired[path] = append(h.Retired[path], r)
		}
	}

	for range d.count(21) {
		hash := d.hash()
		if !d.bool() {
			delete(h.Signatures, hash)
			continue
		}
		s := &Signature{Text: d.text(), Payload: d.text()}
		if d.err != nil {
			return d.err
		}
		if h.Signatures == nil {
			h.Signatures = map[string]*Signature{}
		}
		h.Signatures[hash] = s
	}
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%d bytes too many", len(d.b))
	}
	return nil
}

// grownLists returns, sorted, the paths whose list in now is longer than the length was
// recorded for it.
func grownLists[T any](now map[string][]T, was map[string]int) []string {
	var grown []string
	for path, n := range was {
		if len(now[path]) > n {
			grown = append(grown, path)
		}
	}
	slices.Sort(grown)
	return grown
}
