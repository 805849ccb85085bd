package history

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// format is the version of the encoding; Decode refuses any other, so a cache written
// by an older pspm is read again from Git instead of being misread.
const format = 6 // 5: a base record and appended segments (segment.go), the chain's index kept; 6: the sizes of the base's sections

// magic starts every encoded History.
const magic = "pspm history\x00"

// The encoding is binary, because a portal's cache holds a hundred thousand files and
// as many commits, and a warm build reads and writes it whole: as JSON that took most
// of a warm build. What many entries share is written once and referred to by index:
// names and emails in a table of strings; the commit that made a version and
// the commit that landed it as references to the first-parent chain, which already
// holds their author, committer, message and time. Entries are written in sorted order
// and the tables in order of first use, so the same History gives the same bytes.
//
// The file is the magic, the format, then records (segment.go): a base, which holds the
// whole History as below, followed by the segments that later builds appended.
//
// Layout of the base (integers are varints, a hash is 20 bytes):
//
//	strings: count, each length, then all their bytes (any other string is its
//	         length and bytes: messages and paths are not worth a place here)
//	sizes:   the bytes of header and chain, of makers and of files, so that a
//	         decoder reads the files on one core while it reads the chain on another
//	header:  head, branch, time, site, prefix, shallow
//	chain:   count, then per commit: hash, parents (chain index+1, or 0 and a hash),
//	         author, committer, message, signed
//	makers:  count, then per commit that made a version: chain index+1 when it says
//	         what that chain commit says, or 0 and hash, author, committer, first line
//	         of the message, signed
//	files:   count, then per file by path: path (the length shared with the previous
//	         path, then the rest), blob, maker, landing (chain index+1 when Landed is
//	         that commit's committer time, or 0 and a hash and a time)
//	changes: count, then per path by path: path, count, then per version: flags
//	         (deleted, has blob), blob, maker, landing
//	retired: count, then per path by path: path, count, then per version: blob,
//	         maker (1 and a hash, or 0 when unknown), landing of the withdrawal
//	signatures: count, then per commit by hash: hash, text, payload
//	index:   count (that of the chain), then per chain commit in the order of their
//	         hashes, its position from the oldest, 4 bytes little-endian: an update
//	         finds an old commit of the chain by a binary search instead of a set
//	         of every commit made at each build

// Encode returns h as bytes for the caller to keep (under .pspm/cache/), so that the
// next build can Decode it and Update instead of walking the whole history again. The
// bytes are deterministic: the same History gives the same bytes. It fails on a History
// that Load could not have made, such as a hash that is not one.
func (h *History) Encode() ([]byte, error) {
	e := &encoder{strs: make(map[string]int, len(h.Commits)+64), chain: make(map[string]int, len(h.Commits)),
		makers: map[string]int{}, head: make([]byte, 0, 64+len(h.Commits)*72), more: map[string][]int{},
		made: make([]maker, 0, len(h.Commits)+len(h.Commits)/4), byChain: make([]int32, len(h.Commits)), body: make([]byte, 0, 64+len(h.Files)*48+len(h.Commits)*64)}
	for i, c := range h.Commits {
		if _, ok := e.chain[c.Hash]; !ok {
			e.chain[c.Hash] = i
		}
		e.byChain[i] = -1
	}
	if err := e.history(h); err != nil {
		return nil, err
	}
	e.body = appendIndex(e.body, h.Commits)
	out := make([]byte, 0, len(magic)+32+len(e.strList)*4+e.strBytes+len(e.head)+binary.MaxVarintLen64+len(e.makerBody)+len(e.body))
	out = append(out, magic...)
	out = binary.AppendUvarint(out, format)
	out, start := beginRecord(out, recordBase)
	out = binary.AppendUvarint(out, uint64(len(e.strList)))
	for _, s := range e.strList {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.strList {
		out = append(out, s...)
	}
	// The body refers to makers, which are only all known at its end.
	nmakers := binary.AppendUvarint(nil, uint64(e.nmakers))
	out = binary.AppendUvarint(out, uint64(len(e.head)))
	out = binary.AppendUvarint(out, uint64(len(nmakers)+len(e.makerBody)))
	out = binary.AppendUvarint(out, uint64(e.filesEnd))
	out = append(out, e.head...)
	out = append(out, nmakers...)
	out = append(out, e.makerBody...)
	out = append(out, e.body...)
	return endRecord(out, start)
}

type encoder struct {
	strs      map[string]int
	strList   []string
	strBytes  int
	chain     map[string]int // first-parent commits by hash
	commits   []Commit
	byChain   []int32          // by chain commit: the index in made of its first maker, or -1
	makers    map[string]int   // by other commit: the same
	more      map[string][]int // and of others, rare: entries that disagree on a commit
	made      []maker
	nmakers   int
	head      []byte // header and chain
	makerBody []byte
	body      []byte // files and the rest
	filesEnd  int    // where the files end in body
}

func (e *encoder) str(b []byte, s string) []byte {
	i, ok := e.strs[s]
	if !ok {
		i = len(e.strList)
		e.strs[s] = i
		e.strList = append(e.strList, s)
		e.strBytes += len(s)
	}
	return binary.AppendUvarint(b, uint64(i))
}

func appendTime(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	b = binary.AppendVarint(b, t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(off))
}

func (e *encoder) person(b []byte, p Person) []byte {
	b = e.str(b, p.Name)
	b = e.str(b, p.Email)
	return appendTime(b, p.When)
}

var errNotHash = errors.New("not a Git hash")

// appendHash writes a hash given as 40 lower-case hexadecimal digits.
func appendHash(b []byte, s string) ([]byte, error) {
	if len(s) != 2*len(plumbing.ZeroHash) {
		return nil, fmt.Errorf("%q: %w", s, errNotHash)
	}
	for i := 0; i < len(s); i += 2 {
		hi, lo := unhex(s[i]), unhex(s[i+1])
		if hi > 15 || lo > 15 {
			return nil, fmt.Errorf("%q: %w", s, errNotHash)
		}
		b = append(b, hi<<4|lo)
	}
	return b, nil
}

// unhex returns the value of a lower-case hexadecimal digit, or 255.
func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return 255
}

// appendText writes a string that is not worth a place in the table of strings, such
// as a commit message.
func appendText(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendPath writes a path of a sorted list as the length it shares with the previous
// one and the rest.
func appendPath(b []byte, prev, path string) []byte {
	n := 0
	for n < len(prev) && n < len(path) && prev[n] == path[n] {
		n++
	}
	b = binary.AppendUvarint(b, uint64(n))
	b = binary.AppendUvarint(b, uint64(len(path)-n))
	return append(b, path[n:]...)
}

func (e *encoder) history(h *History) (err error) {
	b := e.head
	if b, err = appendHash(b, h.Head); err != nil {
		return fmt.Errorf("history: encoding the head: %w", err)
	}
	b = e.str(b, h.Branch)
	b = appendTime(b, h.Time)
	b = e.str(b, h.Site)
	b = e.str(b, h.Prefix)
	b = appendBool(b, h.Shallow)

	b = binary.AppendUvarint(b, uint64(len(h.Commits)))
	for i, c := range h.Commits {
		if b, err = appendHash(b, c.Hash); err != nil {
			return fmt.Errorf("history: encoding commit %.12s: %w", c.Hash, err)
		}
		b = binary.AppendUvarint(b, uint64(len(c.Parents)))
		for j, p := range c.Parents {
			if j == 0 && i+1 < len(h.Commits) && h.Commits[i+1].Hash == p {
				b = binary.AppendUvarint(b, uint64(i+2)) // the usual first parent: the next one
				continue
			}
			if i, ok := e.chain[p]; ok {
				b = binary.AppendUvarint(b, uint64(i+1))
				continue
			}
			b = append(b, 0)
			if b, err = appendHash(b, p); err != nil {
				return fmt.Errorf("history: encoding commit %.12s: %w", c.Hash, err)
			}
		}
		b = e.person(b, c.Author)
		b = e.person(b, c.Committer)
		b = appendText(b, c.Message)
		b = appendBool(b, c.Signed)
	}
	e.head = b
	e.commits = h.Commits

	b = e.body
	type file struct {
		path string
		p    *Provenance
	}
	files := make([]file, 0, len(h.Files))
	for path, p := range h.Files {
		files = append(files, file{path, p})
	}
	slices.SortFunc(files, func(a, b file) int { return strings.Compare(a.path, b.path) })
	b = binary.AppendUvarint(b, uint64(len(files)))
	prev := ""
	for _, f := range files {
		path, p := f.path, f.p
		if p == nil {
			return fmt.Errorf("history: encoding %s: no provenance", path)
		}
		b = appendPath(b, prev, path)
		prev = path
		if b, err = appendHash(b, p.Blob); err != nil {
			return fmt.Errorf("history: encoding %s: %w", path, err)
		}
		li := e.index(p.LandedCommit)
		ci := li
		if p.Commit != p.LandedCommit {
			ci = e.index(p.Commit)
		}
		if b, err = e.maker(b, p.Commit, ci, p.Author, p.Committer, p.Message, p.Signed); err != nil {
			return fmt.Errorf("history: encoding %s: %w", path, err)
		}
		if b, err = e.landing(b, p.LandedCommit, li, p.Landed); err != nil {
			return fmt.Errorf("history: encoding %s: %w", path, err)
		}
	}

	e.filesEnd = len(b)

	paths := slices.Sorted(maps.Keys(h.Changes))
	b = binary.AppendUvarint(b, uint64(len(paths)))
	prev = ""
	for _, path := range paths {
		list := h.Changes[path]
		b = appendPath(b, prev, path)
		prev = path
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, c := range list {
			if c == nil {
				return fmt.Errorf("history: encoding the changes of %s: a nil change", path)
			}
			var flags byte
			if c.Deleted {
				flags |= 1
			}
			if c.Blob != "" {
				flags |= 2
			}
			b = append(b, flags)
			if c.Blob != "" {
				if b, err = appendHash(b, c.Blob); err != nil {
					return fmt.Errorf("history: encoding the changes of %s: %w", path, err)
				}
			}
			if b, err = e.maker(b, c.Commit, e.index(c.Commit), c.Author, c.Committer, c.Message, c.Signed); err != nil {
				return fmt.Errorf("history: encoding the changes of %s: %w", path, err)
			}
			if b, err = e.landing(b, c.LandedCommit, e.index(c.LandedCommit), c.Landed); err != nil {
				return fmt.Errorf("history: encoding the changes of %s: %w", path, err)
			}
		}
	}

	paths = slices.Sorted(maps.Keys(h.Retired))
	b = binary.AppendUvarint(b, uint64(len(paths)))
	prev = ""
	for _, path := range paths {
		list := h.Retired[path]
		b = appendPath(b, prev, path)
		prev = path
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, r := range list {
			if b, err = appendHash(b, r.Blob); err != nil {
				return fmt.Errorf("history: encoding the retired versions of %s: %w", path, err)
			}
			b = appendBool(b, r.Commit != "")
			if r.Commit != "" {
				if b, err = appendHash(b, r.Commit); err != nil {
					return fmt.Errorf("history: encoding the retired versions of %s: %w", path, err)
				}
			}
			if b, err = e.landing(b, r.By, e.index(r.By), r.When); err != nil {
				return fmt.Errorf("history: encoding the retired versions of %s: %w", path, err)
			}
		}
	}

	hashes := slices.Sorted(maps.Keys(h.Signatures))
	b = binary.AppendUvarint(b, uint64(len(hashes)))
	for _, hash := range hashes {
		s := h.Signatures[hash]
		if s == nil {
			return fmt.Errorf("history: encoding the signature of %.12s: a nil signature", hash)
		}
		if b, err = appendHash(b, hash); err != nil {
			return fmt.Errorf("history: encoding a signature: %w", err)
		}
		b = appendText(b, s.Text)
		b = appendText(b, s.Payload)
	}
	e.body = b
	return nil
}

// sameTime says two times are the same instant in the same zone offset, which is all
// the encoding keeps of a time.
func sameTime(a, b time.Time) bool {
	_, oa := a.Zone()
	_, ob := b.Zone()
	return a.Equal(b) && oa == ob
}

func samePerson(a, b Person) bool {
	return a.Name == b.Name && a.Email == b.Email && sameTime(a.When, b.When)
}

// maker writes a reference to what an entry says of the commit that made its version.
// It is commit i of the chain, -1 when not in it.
func (e *encoder) maker(b []byte, commit string, ci int, author, committer Person, msg string, signed bool) ([]byte, error) {
	same := func(k int) bool {
		m := &e.made[k]
		return samePerson(m.author, author) && samePerson(m.committer, committer) && m.message == msg && m.signed == signed
	}
	i := -1
	var k int
	var ok bool
	if ci >= 0 {
		k, ok = int(e.byChain[ci]), e.byChain[ci] >= 0
	} else {
		k, ok = e.makers[commit]
	}
	if ok {
		if same(k) {
			i = k
		} else {
			for _, k := range e.more[commit] {
				if same(k) {
					i = k
					break
				}
			}
		}
	}
	if i < 0 {
		i = e.nmakers
		e.nmakers++
		switch {
		case ok:
			e.more[commit] = append(e.more[commit], i)
		case ci >= 0:
			e.byChain[ci] = int32(i)
		default:
			e.makers[commit] = i
		}
		e.made = append(e.made, maker{commit, author, committer, msg, signed})
		m := e.makerBody
		if ci >= 0 && e.derived(ci, author, committer, msg, signed) {
			m = binary.AppendUvarint(m, uint64(ci+1))
		} else {
			m = append(m, 0)
			var err error
			if m, err = appendHash(m, commit); err != nil {
				return nil, err
			}
			m = e.person(m, author)
			m = e.person(m, committer)
			m = appendText(m, msg)
			m = appendBool(m, signed)
		}
		e.makerBody = m
	}
	return binary.AppendUvarint(b, uint64(i)), nil
}

// index returns the position of a commit in the chain, -1 when not in it.
func (e *encoder) index(commit string) int {
	if i, ok := e.chain[commit]; ok {
		return i
	}
	return -1
}

// derived says that chain commit i says all this of itself.
func (e *encoder) derived(i int, author, committer Person, msg string, signed bool) bool {
	c := &e.commits[i]
	return samePerson(c.Author, author) && samePerson(c.Committer, committer) &&
		firstLine(c.Message) == msg && c.Signed == signed
}

// landing writes a reference to the landing of a version: commit, which is chain commit
// i (-1 when not in the chain), at time landed.
func (e *encoder) landing(b []byte, commit string, i int, landed time.Time) ([]byte, error) {
	if i >= 0 && sameTime(e.commits[i].Committer.When, landed) {
		return binary.AppendUvarint(b, uint64(i+1)), nil
	}
	b = append(b, 0)
	b, err := appendHash(b, commit)
	if err != nil {
		return nil, err
	}
	return appendTime(b, landed), nil
}

// decodeBase reads the base record of a cache, with room for extra commits before
// the chain in the same array (those the segments after it add).
func decodeBase(b []byte, extra int) (*History, error) {
	d := &decoder{b: b, zones: map[int64]*time.Location{}, room: extra}
	h := d.history()
	if d.err == nil {
		h.cache.index = d.index32(len(h.Commits))
	}
	if d.err != nil {
		return nil, fmt.Errorf("history: decoding the cache: %w", d.err)
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("history: decoding the cache: %d bytes too many", len(d.b))
	}
	return h, nil
}

var errCorrupt = errors.New("corrupt cache")

// decoder reads what encoder wrote. The first error sticks: every read after it
// returns a zero value, and a count is never trusted beyond the bytes left.
type decoder struct {
	b      []byte
	err    error
	strs   []string
	chain  []Commit
	makers []maker
	zones  map[int64]*time.Location
	room   int      // commits to leave room for before the chain (History.cache.chain)
	pool   []string // see parents
	// arena holds the bytes of the hashes, paths and messages decoded, many strings to
	// a buffer: a cache of a million files would otherwise be millions of small
	// allocations, which the decoding and the collector then spend most of their time on.
	arena strings.Builder
}

// arenaChunk is the size of the buffers of decoder.arena.
const arenaChunk = 256 << 10

// intern returns the bytes of a followed by b as a string kept in the arena.
func (d *decoder) intern(a string, b []byte) string {
	n := len(a) + len(b)
	if n > arenaChunk/8 {
		return a + string(b)
	}
	if d.arena.Cap()-d.arena.Len() < n {
		d.arena = strings.Builder{} // strings already returned keep the old buffer
		d.arena.Grow(arenaChunk)
	}
	d.arena.WriteString(a)
	d.arena.Write(b)
	all := d.arena.String()
	return all[len(all)-n:]
}

// maker is what entries say of the commit that made their version.
type maker struct {
	commit            string
	author, committer Person
	message           string
	signed            bool
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errCorrupt
	}
	d.b = nil
}

func (d *decoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a number of items, each taking at least min bytes.
func (d *decoder) count(min int) int {
	n := d.uint()
	if n > uint64(len(d.b)/min) {
		d.fail()
		return 0
	}
	return int(n)
}

// index reads an index below n.
func (d *decoder) index(n int) int {
	i := d.uint()
	if i >= uint64(n) {
		d.fail()
		return 0
	}
	return int(i)
}

func (d *decoder) bytes(n int) []byte {
	if n < 0 || n > len(d.b) {
		d.fail()
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) bool() bool {
	v := d.bytes(1)
	if len(v) == 0 || v[0] > 1 {
		d.fail()
		return false
	}
	return v[0] == 1
}

func (d *decoder) hash() string {
	var buf [2 * len(plumbing.ZeroHash)]byte
	raw := d.bytes(len(plumbing.ZeroHash))
	if len(raw) != len(plumbing.ZeroHash) {
		return ""
	}
	hex.Encode(buf[:], raw)
	return d.intern("", buf[:])
}

func (d *decoder) text() string {
	return d.intern("", d.bytes(d.count(1)))
}

func (d *decoder) str() string {
	i := d.index(len(d.strs))
	if d.err != nil {
		return ""
	}
	return d.strs[i]
}

var noMaker maker

func (d *decoder) maker() *maker {
	i := d.index(len(d.makers))
	if d.err != nil {
		return &noMaker
	}
	return &d.makers[i]
}

func (d *decoder) time() time.Time {
	sec, nsec, off := d.int(), d.uint(), d.int()
	if nsec >= 1e9 || off <= -1<<20 || off >= 1<<20 {
		d.fail()
		return time.Time{}
	}
	t := time.Unix(sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	loc := d.zones[off]
	if loc == nil {
		loc = time.FixedZone("", int(off))
		d.zones[off] = loc
	}
	return t.In(loc)
}

func (d *decoder) person() Person {
	return Person{Name: d.str(), Email: d.str(), When: d.time()}
}

// sortedPath reads the path after prev in a list of paths sorted and unique, as
// appendPath writes them (first: the first of the list). It shares exactly the bytes
// it says with prev, so the byte after them alone tells that it sorts after prev.
func (d *decoder) sortedPath(prev string, first bool) string {
	shared := d.uint()
	if shared > uint64(len(prev)) || first && shared != 0 {
		d.fail()
		return ""
	}
	rest := d.bytes(d.count(1))
	if !first && (len(rest) == 0 || shared < uint64(len(prev)) && rest[0] <= prev[shared]) {
		d.fail()
		return ""
	}
	return d.intern(prev[:shared], rest)
}

// parents returns room for n parent hashes, taken from shared buffers: a chain of a
// million commits would otherwise be a million small allocations.
func (d *decoder) parents(n int) []string {
	if cap(d.pool)-len(d.pool) < n {
		d.pool = make([]string, 0, max(4096, n))
	}
	k := len(d.pool)
	d.pool = d.pool[:k+n]
	return d.pool[k : k+n : k+n]
}

// landing returns the hash and time a landing reference names.
func (d *decoder) landing() (string, time.Time) {
	i := d.index(len(d.chain) + 1)
	if i > 0 {
		c := &d.chain[i-1]
		return c.Hash, c.Committer.When
	}
	return d.hash(), d.time()
}

func (d *decoder) history() *History {
	n := d.count(1)
	lens := make([]int, n)
	total := 0
	for i := range lens {
		lens[i] = d.count(1)
		total += lens[i]
	}
	strs := string(d.bytes(total))
	if d.err != nil {
		return nil
	}
	d.strs = make([]string, n)
	for i, l := range lens {
		d.strs[i], strs = strs[:l], strs[l:]
	}

	// The files are read on another core while this one reads the chain and the makers
	// they refer to; the references are resolved once both are done.
	headLen, makersLen, filesLen := d.uint(), d.uint(), d.uint()
	if d.err != nil || headLen > uint64(len(d.b)) || makersLen > uint64(len(d.b))-headLen || filesLen > uint64(len(d.b))-headLen-makersLen {
		d.fail()
		return nil
	}
	at := int(headLen + makersLen)
	fd := &decoder{b: d.b[at : at+int(filesLen)], strs: d.strs, zones: map[int64]*time.Location{}}
	rest := d.b[at+int(filesLen):]
	d.b = d.b[:at]
	h := &History{}
	var files *fileRefs
	done := make(chan struct{})
	go func() {
		defer close(done)
		files = fd.files()
	}()
	d.chainAndMakers(h, int(headLen))
	<-done
	if fd.err != nil || len(fd.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return nil
	}
	h.Files = files.m
	if !files.resolve(d.chain, d.makers) {
		d.fail()
		return nil
	}
	d.b = rest

	if n := d.count(1); n > 0 {
		h.Changes = make(map[string][]*Change, n)
		prev := ""
		for i := range n {
			path := d.sortedPath(prev, i == 0)
			prev = path
			list := make([]*Change, d.count(1))
			changes := make([]Change, len(list))
			for j := range list {
				c := &changes[j]
				flags := d.bytes(1)
				if len(flags) == 0 || flags[0] > 3 {
					d.fail()
					return nil
				}
				c.Deleted = flags[0]&1 != 0
				if flags[0]&2 != 0 {
					c.Blob = d.hash()
				}
				m := d.maker()
				c.Commit, c.Author, c.Committer, c.Message, c.Signed = m.commit, m.author, m.committer, m.message, m.signed
				c.LandedCommit, c.Landed = d.landing()
				list[j] = c
			}
			if d.err != nil {
				return nil
			}
			h.Changes[path] = list
		}
	}

	if n := d.count(1); n > 0 {
		h.Retired = make(map[string][]Retirement, n)
		prev := ""
		for i := range n {
			path := d.sortedPath(prev, i == 0)
			prev = path
			list := make([]Retirement, d.count(22))
			for j := range list {
				r := &list[j]
				r.Blob = d.hash()
				if d.bool() {
					r.Commit = d.hash()
				}
				r.By, r.When = d.landing()
			}
			if d.err != nil {
				return nil
			}
			h.Retired[path] = list
		}
	}

	if n := d.count(22); n > 0 {
		h.Signatures = make(map[string]*Signature, n)
		prev := ""
		for i := range n {
			hash := d.hash()
			if prev >= hash && i > 0 {
				d.fail()
			}
			prev = hash
			text, payload := d.text(), d.text()
			if d.err != nil {
				return nil
			}
			h.Signatures[hash] = &Signature{Text: text, Payload: payload}
		}
	}
	if d.err != nil {
		return nil
	}
	return h
}

// chainAndMakers reads the header and the chain (the first headLen bytes) into h, then
// the makers.
func (d *decoder) chainAndMakers(h *History, headLen int) {
	makers := d.b[headLen:]
	d.b = d.b[:headLen]
	h.Head, h.Branch, h.Time, h.Site, h.Prefix, h.Shallow = d.hash(), d.str(), d.time(), d.str(), d.str(), d.bool()

	n := d.count(20)
	all := make([]Commit, d.room+n)
	d.chain = all[d.room:]
	h.Commits = d.chain
	h.cache.chain = all
	// Parents refer to later commits: hashes first, then the rest.
	type parentRef struct{ commit, parent, chain int }
	var refs []parentRef
	for i := range d.chain {
		c := &d.chain[i]
		c.Hash = d.hash()
		np := d.count(1)
		if np > 0 {
			c.Parents = d.parents(np)
		}
		for j := range np {
			if k := d.index(len(d.chain) + 1); k > 0 {
				refs = append(refs, parentRef{i, j, k - 1})
			} else {
				c.Parents[j] = d.hash()
			}
		}
		c.Author, c.Committer, c.Message, c.Signed = d.person(), d.person(), d.text(), d.bool()
		if c.Signed {
			h.cache.signed++
		}
	}
	h.cache.counted = true
	if d.err != nil || len(d.b) != 0 {
		d.fail()
		return
	}
	for _, r := range refs {
		d.chain[r.commit].Parents[r.parent] = d.chain[r.chain].Hash
	}

	d.b = makers
	d.makers = make([]maker, d.count(1))
	for i := range d.makers {
		m := &d.makers[i]
		if k := d.index(len(d.chain) + 1); k > 0 {
			c := &d.chain[k-1]
			*m = maker{c.Hash, c.Author, c.Committer, firstLine(c.Message), c.Signed}
		} else {
			*m = maker{d.hash(), d.person(), d.person(), d.text(), d.bool()}
		}
	}
	if d.err != nil || len(d.b) != 0 {
		d.fail()
	}
}

// fileRefs is the files section read without the chain and the makers: each file's
// maker and landing as the indexes the section gives, resolved by resolve.
type fileRefs struct {
	provs   []Provenance
	m       map[string]*Provenance
	maker   []uint64 // index in the makers
	landing []uint64 // chain index+1, or 0 when the file's own hash and time were read
}

// files reads the files section: paths, blobs and the references to resolve.
func (d *decoder) files() *fileRefs {
	nf := d.count(1)
	f := &fileRefs{provs: make([]Provenance, nf), maker: make([]uint64, nf), landing: make([]uint64, nf)}
	prev := ""
	for i := range f.provs {
		p := &f.provs[i]
		p.Path = d.sortedPath(prev, i == 0)
		prev = p.Path
		p.Blob = d.hash()
		f.maker[i] = d.uint()
		if f.landing[i] = d.uint(); f.landing[i] == 0 {
			p.LandedCommit, p.Landed = d.hash(), d.time()
		}
		if d.err != nil {
			return nil
		}
	}
	f.m = make(map[string]*Provenance, nf)
	for i := range f.provs {
		f.m[f.provs[i].Path] = &f.provs[i]
	}
	return f
}

// resolve fills in each file's maker and landing from chain and makers, half of the
// files on another core; false when an index is out of range.
func (f *fileRefs) resolve(chain []Commit, makers []maker) bool {
	part := func(lo, hi int) bool {
		for i := lo; i < hi; i++ {
			p, mi, li := &f.provs[i], f.maker[i], f.landing[i]
			if mi >= uint64(len(makers)) || li > uint64(len(chain)) {
				return false
			}
			m := &makers[mi]
			p.Commit, p.Author, p.Committer, p.Message, p.Signed = m.commit, m.author, m.committer, m.message, m.signed
			if li > 0 {
				c := &chain[li-1]
				p.LandedCommit, p.Landed = c.Hash, c.Committer.When
			}
		}
		return true
	}
	half := len(f.provs) / 2
	var ok2 bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		ok2 = part(half, len(f.provs))
	}()
	ok1 := part(0, half)
	<-done
	return ok1 && ok2
}

// Matches reports whether content is the version of the file that p describes, so a
// file edited in the work tree but not committed is not credited to the commit that
// last changed it.
func (p *Provenance) Matches(content []byte) bool {
	return plumbing.ComputeHash(plumbing.BlobObject, content).String() == p.Blob
}
