package history

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"
)

// Trees are read straight from their encoded bytes rather than through object.Tree:
// a diff only compares names and hashes, so a tree is its bytes plus the offsets of
// its entries, with no string per name and no map per tree, and an unchanged entry is
// recognised by comparing its bytes. This matters because a portal has a few big
// folders (proposals/, bodies/) whose tree is rewritten by nearly every commit, and
// a walk reads every version of them.

// Git file modes, as found in tree entries.
const (
	modeType    = 0o170000
	modeTree    = 0o040000
	modeGitlink = 0o160000 // a submodule: not a file of this repository
)

// maxTreeSize bounds the size of one tree object (a tree of 1 GiB would name tens of
// millions of files): a corrupt or hostile size never becomes an allocation.
const maxTreeSize = 1 << 30

// maxDepth bounds how deep the diff descends, so a hostile repository cannot exhaust
// the stack.
const maxDepth = 1000

var errTooDeep = errors.New("history: folders nested more than 1000 deep")

// entry is one entry of a tree, as the walk looks at it.
type entry struct {
	name []byte // points into the tree's data
	mode uint32
	hash plumbing.Hash
}

func (e *entry) isTree() bool    { return e.mode&modeType == modeTree }
func (e *entry) isGitlink() bool { return e.mode&modeType == modeGitlink }

// isFile says the entry is a file's content: a regular file, an executable or a
// symbolic link.
func (e *entry) isFile() bool { return !e.isTree() && !e.isGitlink() }

// A slot locates an entry in a tree's data. It holds no pointers, so a tree of
// thousands of entries is one allocation the garbage collector never scans.
type slot struct {
	start uint32 // where the entry begins
	name  uint32 // where its name begins
	nlen  uint32
	mode  uint32
}

type tree struct {
	data  []byte // the encoded tree; a delta's base
	slots []slot
	size  int // bytes held, for the cache's budget
	// from is set when the tree was parsed from ref, another version of the same
	// folder: entries [0, lo) and [hi, len) are ref's entries [0, lo) and [refHi, len),
	// byte for byte, so a diff with ref need only look at the rest.
	from *derivation
}

// derivation says which entries a tree shares with the tree it was parsed from.
type derivation struct {
	ref       plumbing.Hash
	lo        int
	hi, refHi int
}

var emptyTree = &tree{}

var hashLen = uint32(len(plumbing.ZeroHash))

// parseTree decodes a tree object's content: entries of "<octal mode> <name>\x00<hash>".
func parseTree(h plumbing.Hash, data []byte) (*tree, error) {
	return parseTreeFrom(h, data, nil, plumbing.ZeroHash, nil)
}

// parseWhole is parseTree, with the slots from c (which may be nil).
func parseWhole(h plumbing.Hash, data []byte, c *treeCache) (*tree, error) {
	if len(data) > maxTreeSize {
		return nil, fmt.Errorf("history: tree %s: size %d out of bounds", h, len(data))
	}
	t := &tree{data: data, slots: c.slots(0, len(data)/32+1)}
	for pos := uint32(0); int(pos) < len(data); {
		s, err := parseEntry(h, data, pos)
		if err != nil {
			return nil, err
		}
		t.slots = append(t.slots, s)
		pos = s.end()
	}
	t.size = len(data) + cap(t.slots)*16
	return t, nil
}

// parseEntry decodes the entry of a tree's data that starts at pos.
func parseEntry(h plumbing.Hash, data []byte, pos uint32) (slot, error) {
	rest := data[pos:]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return slot{}, fmt.Errorf("history: malformed tree %s: bad mode", h)
	}
	var mode uint32
	for _, c := range rest[:sp] {
		if c < '0' || c > '7' || mode > 0o7777777 {
			return slot{}, fmt.Errorf("history: malformed tree %s: bad mode %q", h, rest[:sp])
		}
		mode = mode<<3 | uint32(c-'0')
	}
	nul := bytes.IndexByte(rest[sp+1:], 0)
	if nul <= 0 || len(rest) < sp+1+nul+1+int(hashLen) {
		return slot{}, fmt.Errorf("history: malformed tree %s: truncated entry", h)
	}
	return slot{start: pos, name: pos + uint32(sp) + 1, nlen: uint32(nul), mode: mode}, nil
}

// end is where the entry ends: its hash's end.
func (s *slot) end() uint32 { return s.name + s.nlen + 1 + hashLen }

// minDerive is the fewest entries for which parsing a tree from another version of it
// beats parsing it whole.
const minDerive = 64

// parseTreeFrom decodes a tree like parseTree, given ref, a tree read before that is
// likely another version of the same folder (its delta base, or the same folder in the
// parent commit). A portal's big folders (proposals/, bodies/) change by an entry or
// two per commit, and a walk reads every version of them: only the bytes that differ
// from ref are parsed, the entries before and after them are ref's, moved.
//
// The result is exactly parseTree's: ref's entries are only taken where the bytes are
// equal, and an entry only parsed from a position where an entry starts.
//
// Slots come from c, which may be nil.
func parseTreeFrom(h plumbing.Hash, data []byte, ref *tree, refHash plumbing.Hash, c *treeCache) (*tree, error) {
	if ref == nil || ref.len() < minDerive || len(data) > maxTreeSize {
		return parseWhole(h, data, c)
	}
	n := ref.len()
	p := commonPrefix(ref.data, data)
	s := commonSuffix(ref.data, data, min(len(ref.data), len(data))-p)
	// Entries wholly in the common prefix are the same, at the same places.
	lo, _ := slices.BinarySearchFunc(ref.slots, uint32(p), func(s slot, p uint32) int {
		return cmp.Compare(s.end(), p+1) // the first entry ending after p
	})
	t := &tree{data: data, slots: c.slots(lo, n+n/8+8)}
	copy(t.slots, ref.slots[:lo])
	pos := uint32(0)
	if lo > 0 {
		pos = ref.slots[lo-1].end()
	}
	// Entries of ref wholly in the common suffix are the same, moved by d: parse until
	// an entry starts where one of them does, moved.
	d := len(data) - len(ref.data)
	suffix := len(ref.data) - s
	j, _ := slices.BinarySearchFunc(ref.slots, uint32(suffix), func(s slot, p uint32) int {
		return cmp.Compare(s.start, p)
	})
	for int(pos) < len(data) {
		for j < n && int(ref.slots[j].start)+d < int(pos) {
			j++
		}
		if j < n && int(ref.slots[j].start)+d == int(pos) {
			t.from = &derivation{ref: refHash, lo: lo, hi: len(t.slots), refHi: j}
			for _, s := range ref.slots[j:] {
				s.start = uint32(int(s.start) + d)
				s.name = uint32(int(s.name) + d)
				t.slots = append(t.slots, s)
			}
			break
		}
		e, err := parseEntry(h, data, pos)
		if err != nil {
			return nil, err
		}
		t.slots = append(t.slots, e)
		pos = e.end()
	}
	if t.from == nil {
		t.from = &derivation{ref: refHash, lo: lo, hi: len(t.slots), refHi: n}
	}
	t.size = len(data) + cap(t.slots)*16
	return t, nil
}

// prefixChunk is how many bytes commonPrefix and commonSuffix compare at once.
const prefixChunk = 512

// commonPrefix returns the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i+prefixChunk <= n && bytes.Equal(a[i:i+prefixChunk], b[i:i+prefixChunk]) {
		i += prefixChunk
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix returns the length of the longest common suffix of a and b, at most max.
func commonSuffix(a, b []byte, max int) int {
	i := 0
	for i+prefixChunk <= max && bytes.Equal(a[len(a)-i-prefixChunk:len(a)-i], b[len(b)-i-prefixChunk:len(b)-i]) {
		i += prefixChunk
	}
	for i < max && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

func (t *tree) len() int { return len(t.slots) }

// at returns entry i.
func (t *tree) at(i int) entry {
	s := &t.slots[i]
	e := entry{name: t.data[s.name : s.name+s.nlen : s.name+s.nlen], mode: s.mode}
	copy(e.hash[:], t.data[s.name+s.nlen+1:])
	return e
}

// raw returns entry i as encoded: equal bytes are an unchanged entry.
func (t *tree) raw(i int) []byte {
	s := &t.slots[i]
	return t.data[s.start : s.name+s.nlen+1+hashLen]
}

func (t *tree) name(i int) []byte {
	s := &t.slots[i]
	return t.data[s.name : s.name+s.nlen]
}

func (t *tree) isTree(i int) bool { return t.slots[i].mode&modeType == modeTree }

// compareNames orders tree entries as Git does: by name, a folder's name being
// compared as if it ended in "/".
func compareNames(a []byte, aTree bool, b []byte, bTree bool) int {
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	var ca, cb byte
	if len(a) > n {
		ca = a[n]
	} else if aTree {
		ca = '/'
	}
	if len(b) > n {
		cb = b[n]
	} else if bTree {
		cb = '/'
	}
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

// find returns the entry named name, preferring a folder when dir is set. Git keeps
// entries sorted, so this is a binary search; a tree that is not sorted is corrupt and
// may answer "not found", never worse.
func (t *tree) find(name string, dir bool) (entry, bool) {
	if e, ok := t.search(name, dir); ok {
		return e, true
	}
	return t.search(name, !dir)
}

// search returns the entry named name that is a folder or not, as dir says.
func (t *tree) search(name string, dir bool) (entry, bool) {
	key := []byte(name) // does not escape: no allocation
	lo, hi := 0, len(t.slots)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compareNames(t.name(m), t.isTree(m), key, dir) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.slots) && string(t.name(lo)) == name && t.isTree(lo) == dir {
		return t.at(lo), true
	}
	return entry{}, false
}

// treeCache keeps recently read trees, in two generations: a tree used in the current
// generation survives the next rotation. Consecutive commits share most of their
// trees, so this keeps what the walk is about to need without an LRU's bookkeeping.
//
// Big trees (a portal's proposals/ folder, a new version at every commit) are kept
// apart from small ones: they would push the small ones out within a few commits, and
// a small folder's next version, many commits later, is stored as a delta of the
// version before, which would then have to be rebuilt from its own base, and so on.
//
// The memory of big trees pushed out is reused for the next ones when the walk says
// that nothing refers to them any more (see reuse): a walk reads a new version of the
// big folders at every commit, gigabytes over a long history, and allocating them
// anew had the garbage collector run all the time.
type treeCache struct {
	small, big generation
	recycle    bool    // collect big trees pushed out, for reuse
	evicted    []*tree // pushed out since the last reuse
	freeData   [][]byte
	freeSlots  [][]slot
}

type generation struct {
	cur, old map[plumbing.Hash]*tree
	bytes    int
	limit    int
}

// bigTree is the size from which a tree is big.
const bigTree = 16 << 10

// maxFree bounds the buffers kept for reuse: as many as a generation of big trees
// pushed out holds, about.
const maxFree = 64

func newTreeCache(small, big int) *treeCache {
	return &treeCache{
		small: generation{cur: map[plumbing.Hash]*tree{}, limit: small},
		big:   generation{cur: map[plumbing.Hash]*tree{}, limit: big},
	}
}

// get returns a cached tree; one of the old generation moves to the current one.
func (c *treeCache) get(h plumbing.Hash) *tree {
	if t, ok := c.small.cur[h]; ok {
		return t
	}
	if t, ok := c.small.old[h]; ok {
		c.small.put(h, t)
		return t
	}
	if t, ok := c.big.cur[h]; ok {
		return t
	}
	if t, ok := c.big.old[h]; ok {
		if dropped := c.big.put(h, t); dropped != nil {
			c.drop(dropped)
		}
		return t
	}
	return nil
}

func (c *treeCache) put(h plumbing.Hash, t *tree) {
	if len(t.data) < bigTree {
		c.small.put(h, t)
		return
	}
	if dropped := c.big.put(h, t); dropped != nil {
		c.drop(dropped)
	}
}

// drop collects the trees of a generation pushed out that are not kept.
func (c *treeCache) drop(dropped map[plumbing.Hash]*tree) {
	if !c.recycle {
		return
	}
	for h, t := range dropped {
		if c.big.cur[h] != t && c.big.old[h] != t {
			c.evicted = append(c.evicted, t)
		}
	}
}

// put adds a tree, and returns the generation pushed out if it did.
func (g *generation) put(h plumbing.Hash, t *tree) (dropped map[plumbing.Hash]*tree) {
	if g.bytes+t.size > g.limit {
		dropped = g.old
		g.old, g.cur, g.bytes = g.cur, make(map[plumbing.Hash]*tree, len(g.cur)), 0
	}
	g.cur[h] = t
	g.bytes += t.size
	return dropped
}

// reuse makes the memory of the big trees pushed out available to the next ones. The
// walk calls it where it holds no tree: between two commits.
func (c *treeCache) reuse() {
	for _, t := range c.evicted {
		if len(c.freeData) < maxFree {
			c.freeData = append(c.freeData, t.data[:0])
		}
		if len(c.freeSlots) < maxFree {
			c.freeSlots = append(c.freeSlots, t.slots[:0])
		}
		t.data, t.slots = nil, nil // would fail loudly, never silently, if still used
	}
	clear(c.evicted)
	c.evicted = c.evicted[:0]
}

// data returns an empty buffer for a tree's data of n bytes: one reused, or a new one
// with room for the folder to grow a little; nil for a small tree, for the caller to
// allocate.
func (c *treeCache) data(n int) []byte {
	if c == nil || n < bigTree || n > maxTreeSize {
		return nil
	}
	for i, b := range c.freeData {
		if cap(b) >= n {
			c.freeData = slices.Delete(c.freeData, i, i+1)
			return b
		}
	}
	return make([]byte, 0, n+n/32)
}

// slots returns a slice of n slots, of capacity at least want, reused when possible;
// c may be nil.
func (c *treeCache) slots(n, want int) []slot {
	if c != nil && want*16 >= bigTree {
		for i, s := range c.freeSlots {
			if cap(s) >= want {
				c.freeSlots = slices.Delete(c.freeSlots, i, i+1)
				return s[:n]
			}
		}
	}
	return make([]slot, n, want)
}

// tree returns the tree with hash h; the zero hash is the empty tree.
func (w *walker) tree(h plumbing.Hash) (*tree, error) {
	return w.treeAt(h, 0, nil, plumbing.ZeroHash)
}

// treeLike returns the tree with hash h, which is likely another version of hint.
func (w *walker) treeLike(h plumbing.Hash, hint *tree, hintHash plumbing.Hash) (*tree, error) {
	return w.treeAt(h, 0, hint, hintHash)
}

// maxDeltaChain bounds the chain of deltas followed to rebuild one object (Git
// writes chains of at most 50 by default, 4095 at most).
const maxDeltaChain = 10000

// treeAt reads a tree, rebuilding it from its delta base when the pack stores it as one.
//
// It asks the storage for the delta itself rather than the whole object, and applies
// it to the base found in this cache. The storage's own path (EncodedObject) keeps
// every object it rebuilds in its cache, and keys it by its hash, which it computes
// from the content: a SHA-1 with collision detection over every version of every big
// tree, the largest single cost of a walk. Deltas come with their hash.
//
// A tree stored whole is parsed from hint, when given; one stored as a delta, from its
// base (see parseTreeFrom).
func (w *walker) treeAt(h plumbing.Hash, depth int, hint *tree, hintHash plumbing.Hash) (*tree, error) {
	if h.IsZero() {
		return emptyTree, nil
	}
	if t := w.trees.get(h); t != nil {
		return t, nil
	}
	if depth > maxDeltaChain {
		return nil, fmt.Errorf("history: tree %s: delta chain longer than %d", h, maxDeltaChain)
	}
	raw, ok, err := w.readPacked(h, maxTreeSize, -1)
	if err != nil {
		return nil, fmt.Errorf("history: reading tree %s: %w", h, err)
	}
	var data []byte
	switch {
	case !ok:
		if data, hint, hintHash, err = w.treeFromStorage(h, depth, hint, hintHash); err != nil {
			return nil, err
		}
	case raw.kind == packTree:
		data = raw.data
	case raw.kind == packOFSDelta:
		base, err := w.treeAt(raw.base, depth+1, hint, hintHash)
		if err != nil {
			return nil, err
		}
		hint, hintHash = base, raw.base
		if data, err = patch(base.data, raw.data, w.trees.data(deltaBuffer(base.data, raw.data))); err != nil {
			return nil, fmt.Errorf("history: reading tree %s: %w", h, err)
		}
	default:
		return nil, fmt.Errorf("history: object %s is not a tree", h)
	}
	t, err := parseTreeFrom(h, data, hint, hintHash, w.trees)
	if err != nil {
		return nil, err
	}
	w.stats.trees++
	w.trees.put(h, t)
	return t, nil
}

// treeFromStorage reads a tree's content through go-git, for a tree that is not in a
// pack in memory; it returns the tree to parse it from, its delta base if it has one.
func (w *walker) treeFromStorage(h plumbing.Hash, depth int, hint *tree, hintHash plumbing.Hash) ([]byte, *tree, plumbing.Hash, error) {
	obj, err := w.st.DeltaObject(plumbing.AnyObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// DeltaObject does not look in alternates (git clone --shared): the
		// ordinary path does.
		obj, err = w.st.EncodedObject(plumbing.AnyObject, h)
	}
	fail := func(err error) ([]byte, *tree, plumbing.Hash, error) {
		return nil, nil, plumbing.ZeroHash, fmt.Errorf("history: reading tree %s: %w", h, err)
	}
	if err != nil {
		return fail(err)
	}
	if d, ok := obj.(plumbing.DeltaObject); ok {
		// Git only stores an object as a delta of one of the same type, so the base
		// of a tree is a tree.
		base, err := w.treeAt(d.BaseHash(), depth+1, hint, hintHash)
		if err != nil {
			return nil, nil, plumbing.ZeroHash, err
		}
		delta, err := readClaimed(obj, obj.Size(), w.objectLimit(maxTreeSize))
		if err != nil {
			return fail(err)
		}
		data, err := patch(base.data, delta, w.trees.data(deltaBuffer(base.data, delta)))
		if err != nil {
			return fail(err)
		}
		return data, base, d.BaseHash(), nil
	}
	if obj.Type() != plumbing.TreeObject {
		return nil, nil, plumbing.ZeroHash, fmt.Errorf("history: object %s is a %s, not a tree", h, obj.Type())
	}
	data, err := readClaimed(obj, obj.Size(), w.objectLimit(maxTreeSize))
	if err != nil {
		return fail(err)
	}
	return data, hint, hintHash, nil
}

var errDelta = errors.New("malformed delta")

// deltaSize returns the size of what a delta makes, as it announces it after the size
// of its base; ok is false when it cannot be read.
func deltaSize(delta []byte) (size int, ok bool) {
	var n uint64
	for range 2 {
		n = 0
		for shift := 0; ; shift += 7 {
			if len(delta) == 0 || shift > 63 {
				return 0, false
			}
			c := delta[0]
			delta = delta[1:]
			n |= uint64(c&0x7f) << shift
			if c&0x80 == 0 {
				break
			}
		}
	}
	if n > maxTreeSize {
		return 0, false
	}
	return int(n), true
}

// deltaBuffer is the buffer to patch base with delta into: the size the delta
// announces, but no more than it can plausibly make (see patch), as a hostile delta may
// announce any size.
func deltaBuffer(base, delta []byte) int {
	n, _ := deltaSize(delta)
	return min(n, 2*len(base)+len(delta)+64)
}

// patch applies a Git delta to base. It allocates the result once, at the size the
// delta announces when that is plausible (go-git's PatchDelta grows a buffer, which
// doubled the garbage of a walk), and checks every copy and insert against the bounds.
//
// The result is written into dst when it is big enough (dst may be nil).
func patch(base, delta, dst []byte) ([]byte, error) {
	varint := func() (uint64, bool) {
		var n uint64
		for shift := 0; len(delta) > 0 && shift < 64; shift += 7 {
			c := delta[0]
			delta = delta[1:]
			n |= uint64(c&0x7f) << shift
			if c&0x80 == 0 {
				return n, true
			}
		}
		return 0, false
	}
	srcSize, ok := varint()
	if !ok || srcSize != uint64(len(base)) {
		return nil, errDelta
	}
	size, ok := varint()
	if !ok || size > maxTreeSize {
		return nil, errDelta
	}
	// A hostile delta may announce any size: allocate what the delta can plausibly
	// make, and let append grow past it if it really does.
	out := dst[:0]
	if uint64(cap(dst)) < size {
		out = make([]byte, 0, min(int(size), 2*len(base)+len(delta)+64))
	}
	for len(delta) > 0 {
		cmd := delta[0]
		delta = delta[1:]
		switch {
		case cmd&0x80 != 0: // copy from base: offset and size, in the bytes flagged
			var off, n uint64
			for i := range 7 {
				if cmd&(1<<i) == 0 {
					continue
				}
				if len(delta) == 0 {
					return nil, errDelta
				}
				if i < 4 {
					off |= uint64(delta[0]) << (8 * i)
				} else {
					n |= uint64(delta[0]) << (8 * (i - 4))
				}
				delta = delta[1:]
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > uint64(len(base)) || uint64(len(out))+n > size {
				return nil, errDelta
			}
			out = append(out, base[off:off+n]...)
		case cmd != 0: // insert the next cmd bytes
			n := int(cmd)
			if n > len(delta) || uint64(len(out)+n) > size {
				return nil, errDelta
			}
			out = append(out, delta[:n]...)
			delta = delta[n:]
		default:
			return nil, errDelta
		}
	}
	if uint64(len(out)) != size {
		return nil, errDelta
	}
	return out, nil
}

// readClaimed reads the first want bytes of obj (all of it when want is its size),
// refusing an object claiming more than limit bytes, and one that does not hold the
// bytes it claims.
func readClaimed(obj plumbing.EncodedObject, want, limit int64) ([]byte, error) {
	size := obj.Size()
	if size < 0 || want > size {
		return nil, fmt.Errorf("size %d out of bounds", size)
	}
	if size > limit && want == size {
		return nil, fmt.Errorf("size %d out of bounds (at most %d)", size, limit)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	data := make([]byte, 0, min(want, eagerInflate))
	for int64(len(data)) < want {
		if len(data) == cap(data) {
			data = slices.Grow(data, int(min(want-int64(len(data)), int64(len(data))+512)))
		}
		n, err := rd.Read(data[len(data):min(int64(cap(data)), want)])
		data = data[:len(data)+n]
		if err == io.EOF && int64(len(data)) < want {
			return nil, fmt.Errorf("%w: %d bytes claimed, %d read", errInflate, size, len(data))
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
	}
	return data, nil
}

// subtree returns the hash of the folder at the given path components under the tree
// root, or the zero hash when there is no such folder.
func (w *walker) subtree(root plumbing.Hash, parts []string) (plumbing.Hash, error) {
	h := root
	for _, p := range parts {
		if h.IsZero() {
			break
		}
		t, err := w.tree(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		e, ok := t.search(p, true)
		if !ok {
			return plumbing.ZeroHash, nil
		}
		h = e.hash
	}
	return h, nil
}

// diff reports every file that differs between the trees old and new (either may be
// the zero hash, the empty tree), calling emit with the file's path under base and its
// old and new content hashes, the zero hash for a file that is absent. It descends
// only into folders whose hashes differ. A file whose mode alone changed is not
// reported: its content, the thing provenance is about, is the same.
func (w *walker) diff(old, new plumbing.Hash, base string, depth int, emit func(path string, old, new plumbing.Hash)) error {
	if old == new {
		return nil
	}
	if depth > maxDepth {
		return errTooDeep
	}
	to, err := w.tree(old)
	if err != nil {
		return err
	}
	tn, err := w.treeLike(new, to, old)
	if err != nil {
		return err
	}
	i, j, iEnd, jEnd := changedEntries(to, old, tn)
	for i < iEnd || j < jEnd {
		var c int
		switch {
		case i == iEnd:
			c = 1
		case j == jEnd:
			c = -1
		case bytes.Equal(to.raw(i), tn.raw(j)):
			// The same name, mode and content: most entries of a big folder.
			i++
			j++
			continue
		default:
			c = compareNames(to.name(i), to.isTree(i), tn.name(j), tn.isTree(j))
		}
		var eo, en *entry
		switch {
		case c < 0:
			e := to.at(i)
			eo = &e
			i++
		case c > 0:
			e := tn.at(j)
			en = &e
			j++
		default:
			a, b := to.at(i), tn.at(j)
			eo, en = &a, &b
			i++
			j++
			if eo.hash == en.hash && eo.mode&modeType == en.mode&modeType {
				continue
			}
		}
		if err := w.diffEntry(eo, en, base, depth, emit); err != nil {
			return err
		}
	}
	return nil
}

// changedEntries returns the ranges of entries [i, iEnd) of old and [j, jEnd) of new
// outside which the two trees are the same, byte for byte: in a big folder, the few
// entries a commit changed.
func changedEntries(old *tree, oldHash plumbing.Hash, new *tree) (i, j, iEnd, jEnd int) {
	iEnd, jEnd = old.len(), new.len()
	if f := new.from; f != nil && f.ref == oldHash && !oldHash.IsZero() {
		return f.lo, f.lo, f.refHi, f.hi
	}
	if old.len() < minDerive || new.len() < minDerive {
		return 0, 0, iEnd, jEnd
	}
	p := commonPrefix(old.data, new.data)
	i, _ = slices.BinarySearchFunc(old.slots, uint32(p), func(s slot, p uint32) int {
		return cmp.Compare(s.end(), p+1)
	})
	j = i
	s := commonSuffix(old.data, new.data, min(len(old.data), len(new.data))-p)
	d := len(new.data) - len(old.data)
	k, _ := slices.BinarySearchFunc(old.slots, uint32(len(old.data)-s), func(s slot, p uint32) int {
		return cmp.Compare(s.start, p)
	})
	// The first entry of old in the common suffix that starts where an entry of new
	// does, moved: from there on, both are the same.
	for tries := 0; k < iEnd && tries < 8; k, tries = k+1, tries+1 {
		at := uint32(int(old.slots[k].start) + d)
		if m, ok := slices.BinarySearchFunc(new.slots, at, func(s slot, p uint32) int {
			return cmp.Compare(s.start, p)
		}); ok && m >= j && k >= i {
			return i, j, k, m
		}
	}
	return i, j, iEnd, jEnd
}

// diffEntry reports the change from eo to en, two entries of the same name (either may
// be nil).
func (w *walker) diffEntry(eo, en *entry, base string, depth int, emit func(string, plumbing.Hash, plumbing.Hash)) error {
	var name []byte
	if eo != nil {
		name = eo.name
	} else {
		name = en.name
	}
	p := base + string(name)
	var oldTree, newTree plumbing.Hash
	if eo != nil && eo.isTree() {
		oldTree = eo.hash
	}
	if en != nil && en.isTree() {
		newTree = en.hash
	}
	var oldBlob, newBlob plumbing.Hash
	if eo != nil && eo.isFile() {
		oldBlob = eo.hash
	}
	if en != nil && en.isFile() {
		newBlob = en.hash
	}
	if oldBlob != newBlob {
		emit(p, oldBlob, newBlob)
	}
	if oldTree != newTree {
		return w.diff(oldTree, newTree, p+"/", depth+1, emit)
	}
	return nil
}
