package history

import (
	"bytes"
	"errors"
	"fmt"
	"io"

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
}

var emptyTree = &tree{}

var hashLen = uint32(len(plumbing.ZeroHash))

// parseTree decodes a tree object's content: entries of "<octal mode> <name>\x00<hash>".
func parseTree(h plumbing.Hash, data []byte) (*tree, error) {
	t := &tree{data: data, slots: make([]slot, 0, len(data)/32+1)}
	for pos := uint32(0); int(pos) < len(data); {
		rest := data[pos:]
		sp := bytes.IndexByte(rest, ' ')
		if sp <= 0 {
			return nil, fmt.Errorf("history: malformed tree %s: bad mode", h)
		}
		var mode uint32
		for _, c := range rest[:sp] {
			if c < '0' || c > '7' || mode > 0o7777777 {
				return nil, fmt.Errorf("history: malformed tree %s: bad mode %q", h, rest[:sp])
			}
			mode = mode<<3 | uint32(c-'0')
		}
		nul := bytes.IndexByte(rest[sp+1:], 0)
		if nul <= 0 || len(rest) < sp+1+nul+1+int(hashLen) {
			return nil, fmt.Errorf("history: malformed tree %s: truncated entry", h)
		}
		name := pos + uint32(sp) + 1
		t.slots = append(t.slots, slot{start: pos, name: name, nlen: uint32(nul), mode: mode})
		pos = name + uint32(nul) + 1 + hashLen
	}
	t.size = len(data) + cap(t.slots)*16
	return t, nil
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
type treeCache struct {
	cur, old map[plumbing.Hash]*tree
	bytes    int
	limit    int
}

func newTreeCache(limit int) *treeCache {
	return &treeCache{cur: map[plumbing.Hash]*tree{}, limit: limit}
}

func (c *treeCache) get(h plumbing.Hash) *tree {
	if t, ok := c.cur[h]; ok {
		return t
	}
	if t, ok := c.old[h]; ok {
		c.put(h, t)
		return t
	}
	return nil
}

func (c *treeCache) put(h plumbing.Hash, t *tree) {
	if c.bytes+t.size > c.limit {
		c.old, c.cur, c.bytes = c.cur, make(map[plumbing.Hash]*tree, len(c.cur)), 0
	}
	c.cur[h] = t
	c.bytes += t.size
}

// tree returns the tree with hash h; the zero hash is the empty tree.
func (w *walker) tree(h plumbing.Hash) (*tree, error) {
	return w.treeAt(h, 0)
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
func (w *walker) treeAt(h plumbing.Hash, depth int) (*tree, error) {
	if h.IsZero() {
		return emptyTree, nil
	}
	if t := w.trees.get(h); t != nil {
		return t, nil
	}
	if depth > maxDeltaChain {
		return nil, fmt.Errorf("history: tree %s: delta chain longer than %d", h, maxDeltaChain)
	}
	obj, err := w.st.DeltaObject(plumbing.AnyObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// DeltaObject does not look in alternates (git clone --shared): the
		// ordinary path does.
		obj, err = w.st.EncodedObject(plumbing.AnyObject, h)
	}
	if err != nil {
		return nil, fmt.Errorf("history: reading tree %s: %w", h, err)
	}
	var data []byte
	if d, ok := obj.(plumbing.DeltaObject); ok {
		// Git only stores an object as a delta of one of the same type, so the base
		// of a tree is a tree.
		base, err := w.treeAt(d.BaseHash(), depth+1)
		if err != nil {
			return nil, err
		}
		delta, err := readAll(obj)
		if err != nil {
			return nil, fmt.Errorf("history: reading tree %s: %w", h, err)
		}
		if data, err = patch(base.data, delta); err != nil {
			return nil, fmt.Errorf("history: reading tree %s: %w", h, err)
		}
	} else {
		if obj.Type() != plumbing.TreeObject {
			return nil, fmt.Errorf("history: object %s is a %s, not a tree", h, obj.Type())
		}
		if data, err = readAll(obj); err != nil {
			return nil, fmt.Errorf("history: reading tree %s: %w", h, err)
		}
	}
	t, err := parseTree(h, data)
	if err != nil {
		return nil, err
	}
	w.stats.trees++
	w.trees.put(h, t)
	return t, nil
}

var errDelta = errors.New("malformed delta")

// patch applies a Git delta to base. It allocates the result once, at the size the
// delta announces when that is plausible (go-git's PatchDelta grows a buffer, which
// doubled the garbage of a walk), and checks every copy and insert against the bounds.
func patch(base, delta []byte) ([]byte, error) {
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
	out := make([]byte, 0, min(int(size), 2*len(base)+len(delta)+64))
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

// readAll reads an object's content, whose size is bounded by maxTreeSize.
func readAll(obj plumbing.EncodedObject) ([]byte, error) {
	size := obj.Size()
	if size < 0 || size > maxTreeSize {
		return nil, fmt.Errorf("size %d out of bounds", size)
	}
	data := make([]byte, size)
	rd, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	if _, err := io.ReadFull(rd, data); err != nil {
		return nil, err
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
// new content hash, the zero hash for a file that is gone. It descends only into
// folders whose hashes differ. A file whose mode alone changed is not reported: its
// content, the thing provenance is about, is the same.
func (w *walker) diff(old, new plumbing.Hash, base string, depth int, emit func(path string, blob plumbing.Hash)) error {
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
	tn, err := w.tree(new)
	if err != nil {
		return err
	}
	i, j := 0, 0
	for i < to.len() || j < tn.len() {
		var c int
		switch {
		case i == to.len():
			c = 1
		case j == tn.len():
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

// diffEntry reports the change from eo to en, two entries of the same name (either may
// be nil).
func (w *walker) diffEntry(eo, en *entry, base string, depth int, emit func(string, plumbing.Hash)) error {
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
	switch {
	case en != nil && en.isFile():
		emit(p, en.hash)
	case eo != nil && eo.isFile():
		emit(p, plumbing.ZeroHash)
	}
	if oldTree != newTree {
		return w.diff(oldTree, newTree, p+"/", depth+1, emit)
	}
	return nil
}
