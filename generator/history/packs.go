package history

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// The walk reads the trees of every commit, and a portal's big folders have a version
// per commit: reading them through go-git cost more than everything else together. Its
// reads go through a buffered scanner one byte at a time, and a whole object is hashed
// again to be cached. Here trees are read straight from the pack files in memory: the
// object's offset from the index, its header, and the zlib stream inflated from a
// bytes.Reader. Anything else (loose objects, alternates, an index of another version,
// a pack too big to keep in memory) is read through go-git as before.
//
// A repository is untrusted input. Nothing is allocated at the size a header claims:
// buffers grow as the zlib stream really inflates, within maxInflateRatio of the
// compressed bytes, and an object must inflate to exactly its claimed size with its
// checksum intact, as Git requires. Every read of mapped memory runs with
// debug.SetPanicOnFault (guardFault), so a pack truncated under its mapping is an error.

// packsOff, set by tests, leaves every read to go-git (see objectStore).
var packsOff atomic.Bool

// pack is one pack file and its index (version 2), both in memory.
type pack struct {
	idx  []byte // the .idx file
	data []byte // the .pack file
	n    int    // objects

	revOnce sync.Once
	rev     []int32 // object positions in the index, by offset in the pack
	revOff  []int64 // their offsets
}

// Offsets in an index of version 2.
const (
	idxHeader = 8
	idxFanout = idxHeader + 256*4
)

// packs returns the repository's pack files that can be read in memory, opening them
// on first use.
func (r *repo) packs() []*pack {
	if r.dot.gone.Load() || packsOff.Load() {
		return nil // unmapped: go-git, whose storages are closed too, says so
	}
	r.packOnce.Do(func() {
		infos, err := r.dot.ReadDir("objects/pack")
		if err != nil {
			return // no packs, or none readable here: go-git will say
		}
		for _, fi := range infos {
			name, ok := strings.CutSuffix(fi.Name(), ".idx")
			if !ok || !strings.HasPrefix(name, "pack-") {
				continue
			}
			p, err := r.openPack("objects/pack/" + name)
			if err == nil && p != nil {
				r.packList = append(r.packList, p)
			}
		}
	})
	return r.packList
}

// openPack opens a pack and its index; nil when they are not both in memory or the
// index is not of version 2.
func (r *repo) openPack(base string) (*pack, error) {
	idx, ok, err := r.dot.bytes(base + ".idx")
	if err != nil || !ok {
		return nil, err
	}
	if len(idx) < idxFanout+40 || !bytes.Equal(idx[:idxHeader], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return nil, nil
	}
	n := int(binary.BigEndian.Uint32(idx[idxFanout-4:]))
	if n < 0 || len(idx) < idxFanout+n*28+40 {
		return nil, nil
	}
	data, ok, err := r.dot.bytes(base + ".pack")
	if err != nil || !ok {
		return nil, err
	}
	// The pack must be the one the index was made for, whole: its header counts the
	// index's objects and its trailing checksum is the one the index records. A pack
	// cut or replaced later, under its mapping, is caught by guardFault.
	if len(data) < 32 || string(data[:4]) != "PACK" || int(binary.BigEndian.Uint32(data[8:12])) != n ||
		!bytes.Equal(data[len(data)-20:], idx[len(idx)-40:len(idx)-20]) {
		return nil, nil
	}
	return &pack{idx: idx, data: data, n: n}, nil
}

// find returns the position of h in the index.
func (p *pack) find(h plumbing.Hash) (int, bool) {
	lo := 0
	if h[0] > 0 {
		lo = int(binary.BigEndian.Uint32(p.idx[idxHeader+4*(int(h[0])-1):]))
	}
	hi := int(binary.BigEndian.Uint32(p.idx[idxHeader+4*int(h[0]):]))
	if lo > hi || hi > p.n {
		return 0, false // a corrupt fan-out: let go-git say
	}
	hashes := p.idx[idxFanout:]
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := bytes.Compare(hashes[m*20:m*20+20], h[:]); {
		case c < 0:
			lo = m + 1
		case c > 0:
			hi = m
		default:
			return m, true
		}
	}
	return 0, false
}

// offset returns the offset in the pack of the object at position i of the index.
func (p *pack) offset(i int) (int64, bool) {
	offsets := idxFanout + p.n*24
	o := binary.BigEndian.Uint32(p.idx[offsets+4*i:])
	if o&0x80000000 == 0 {
		return int64(o), true
	}
	at := offsets + 4*p.n + 8*int(o&0x7fffffff)
	if at+8 > len(p.idx)-40 {
		return 0, false
	}
	off := binary.BigEndian.Uint64(p.idx[at:])
	return int64(off), off < uint64(len(p.data))
}

// hashAt returns the hash of the object at offset off of the pack.
// The index is sorted by offset on the first call: a radix sort, as offsets are
// integers, takes milliseconds where a comparison sort of a big pack took tens of
// them, and an Update, which reads a handful of objects, pays it.
func (p *pack) hashAt(off int64) (plumbing.Hash, bool) {
	p.revOnce.Do(func() {
		// Sorted as offset<<24 | position, one integer each; a pack of more than 16
		// million objects or a terabyte is sorted the slow way.
		p.rev = make([]int32, p.n)
		p.revOff = make([]int64, p.n)
		keys := make([]uint64, p.n)
		fast := p.n < 1<<24
		for i := range keys {
			off, _ := p.offset(i)
			p.revOff[i] = off
			fast = fast && off < 1<<40
			keys[i] = uint64(off)<<24 | uint64(i)
		}
		if fast {
			radixSort(keys, 24, 64)
			for i, k := range keys {
				p.rev[i] = int32(k & (1<<24 - 1))
				p.revOff[i] = int64(k >> 24)
			}
			return
		}
		offs := p.revOff
		for i := range p.rev {
			p.rev[i] = int32(i)
		}
		slices.SortFunc(p.rev, func(a, b int32) int { return cmp.Compare(offs[a], offs[b]) })
		p.revOff = make([]int64, p.n)
		for i, pos := range p.rev {
			p.revOff[i] = offs[pos]
		}
	})
	i, ok := slices.BinarySearch(p.revOff, off)
	if !ok {
		return plumbing.ZeroHash, false
	}
	var h plumbing.Hash
	at := idxFanout + 20*int(p.rev[i])
	copy(h[:], p.idx[at:at+20])
	return h, true
}

// radixSort sorts keys by their bits [from, to), a byte at a time.
func radixSort(keys []uint64, from, to int) {
	if len(keys) == 0 {
		return
	}
	out := keys
	tmp := make([]uint64, len(keys))
	for shift := from; shift < to; shift += 8 {
		var count [257]int
		for _, k := range keys {
			count[(k>>shift)&0xff+1]++
		}
		if count[(keys[0]>>shift)&0xff+1] == len(keys) {
			continue // every key has the same byte here
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, k := range keys {
			b := (k >> shift) & 0xff
			tmp[count[b]] = k
			count[b]++
		}
		keys, tmp = tmp, keys
	}
	copy(out, keys) // a no-op when the last pass wrote into out
}

// Pack object types.
const (
	packCommit   = 1
	packTree     = 2
	packBlob     = 3
	packTag      = 4
	packOFSDelta = 6
	packREFDelta = 7
)

var errPackObject = errors.New("malformed pack object")

// rawObject is an object as a pack stores it: whole, or a delta of a base.
type rawObject struct {
	kind int // packCommit ... packBlob, or packOFSDelta for any delta
	data []byte
	size int64         // the object's size, which data may be cut short of
	base plumbing.Hash // for a delta
}

// inflater inflates zlib streams from memory, reusing its buffers.
type inflater struct {
	src bytes.Reader
	zr  io.ReadCloser
	one [1]byte
}

// maxInflateRatio bounds what a zlib stream inflates to per compressed byte: deflate
// makes at most 258 bytes of a 2-bit code, about 1032 per byte. A header that claims
// more than the bytes after it can inflate to is corrupt, and refused before anything
// is allocated.
const maxInflateRatio = 1032

// eagerInflate is the largest buffer allocated at the size a header claims before
// inflating; a bigger object's buffer grows as its stream really inflates, so that a
// header lying about the size costs no more memory than the stream holds.
const eagerInflate = 1 << 20

// errInflate is a zlib stream that does not inflate to the size its header says.
var errInflate = errors.New("object does not inflate to the size its header says (corrupt pack)")

// inflate inflates the first want bytes of the zlib stream at the start of src, whose
// header says it holds size bytes (want <= size), into dst when it is big enough (dst
// may be nil). When want is size, the stream must end there, its checksum intact.
func (z *inflater) inflate(src []byte, size, want int, dst []byte) ([]byte, error) {
	if uint64(want) > uint64(len(src))*maxInflateRatio+64 {
		return nil, fmt.Errorf("%w: %d bytes claimed from at most %d compressed bytes", errInflate, want, len(src))
	}
	z.src.Reset(src)
	if z.zr == nil {
		zr, err := zlib.NewReader(&z.src)
		if err != nil {
			return nil, err
		}
		z.zr = zr
	} else if err := z.zr.(zlib.Resetter).Reset(&z.src, nil); err != nil {
		return nil, err
	}
	var out []byte
	switch {
	case cap(dst) >= want:
		out = dst[:want]
	case want <= eagerInflate:
		out = make([]byte, want)
	default:
		out = make([]byte, eagerInflate)
	}
	n := 0
	for {
		m, err := io.ReadFull(z.zr, out[n:])
		n += m
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: %d bytes claimed, %d inflated", errInflate, size, n)
		}
		if err != nil {
			return nil, err
		}
		if n == want {
			break
		}
		// Grow as the stream proves it holds more.
		bigger := make([]byte, min(want, 2*len(out)))
		copy(bigger, out)
		out = bigger
	}
	if want == size {
		if m, err := io.ReadFull(z.zr, z.one[:]); m > 0 {
			return nil, fmt.Errorf("%w: more than the %d bytes claimed", errInflate, size)
		} else if err != io.EOF {
			return nil, fmt.Errorf("inflating: %w", err)
		}
	}
	return out, nil
}

// readPacked reads object h from the packs in memory; ok is false when it is not in
// them (or they cannot be read here), and the caller asks go-git. An object larger than
// limit is an error. Only the first trunc bytes are inflated when trunc >= 0, of a
// whole object or of a delta.
func (w *walker) readPacked(h plumbing.Hash, limit, trunc int) (obj rawObject, ok bool, err error) {
	defer guardFault(debug.SetPanicOnFault(true), &err)
	for _, p := range w.r.packs() {
		i, found := p.find(h)
		if !found {
			continue
		}
		off, valid := p.offset(i)
		if !valid {
			return rawObject{}, false, nil
		}
		obj, err := w.readAt(p, off, limit, trunc)
		if err != nil {
			return rawObject{}, false, fmt.Errorf("object %s: %w", h, err)
		}
		return obj, true, nil
	}
	return rawObject{}, false, nil
}

// packedSize returns the size of object h from its header in a pack in memory (for a
// delta, from the start of the delta); ok is false when it cannot tell.
func (w *walker) packedSize(h plumbing.Hash) (size int64, ok bool) {
	var err error
	defer func() {
		if err != nil {
			size, ok = 0, false
		}
	}()
	defer guardFault(debug.SetPanicOnFault(true), &err)
	for _, p := range w.r.packs() {
		i, found := p.find(h)
		if !found {
			continue
		}
		off, valid := p.offset(i)
		if !valid {
			return 0, false
		}
		// The first bytes of a delta say the sizes of its base and of its result.
		obj, err := w.readAt(p, off, math.MaxInt, 32)
		switch {
		case err != nil:
			return 0, false
		case obj.kind != packOFSDelta:
			return obj.size, true
		}
		n, ok := deltaSize(obj.data)
		return int64(n), ok
	}
	return 0, false
}

// tooBigError is an object bigger than Options.MaxObjectSize.
type tooBigError struct{ size, max int64 }

func (e *tooBigError) Error() string {
	return fmt.Sprintf("%d bytes, more than the limit of %d on an object (MaxObjectSize)", e.size, e.max)
}

// objectLimit is limit, lowered to Options.MaxObjectSize when that is set.
func (w *walker) objectLimit(limit int64) int64 {
	if max := w.r.maxObject; max > 0 && max < limit {
		return max
	}
	return limit
}

// readAt reads the object at offset off of pack p.
func (w *walker) readAt(p *pack, off int64, limit, trunc int) (rawObject, error) {
	if off < 12 || off >= int64(len(p.data)) {
		return rawObject{}, errPackObject
	}
	b := p.data[off:]
	c := b[0]
	kind := int(c>>4) & 7
	size := uint64(c & 0x0f)
	pos := 1
	for shift := 4; c&0x80 != 0; shift += 7 {
		if pos >= len(b) || shift > 56 {
			return rawObject{}, errPackObject
		}
		c = b[pos]
		pos++
		size |= uint64(c&0x7f) << shift
	}
	if size > uint64(limit) {
		return rawObject{}, fmt.Errorf("size %d out of bounds", size)
	}
	if max := w.r.maxObject; max > 0 && size > uint64(max) && (trunc < 0 || int64(trunc) > max) {
		return rawObject{}, &tooBigError{size: int64(size), max: max}
	}
	obj := rawObject{kind: kind, size: int64(size)}
	want := size
	if trunc >= 0 && uint64(trunc) < size {
		want = uint64(trunc)
	}
	switch kind {
	case packCommit, packTree, packBlob, packTag:
	case packOFSDelta:
		if pos >= len(b) {
			return rawObject{}, errPackObject
		}
		c = b[pos]
		pos++
		back := uint64(c & 0x7f)
		for c&0x80 != 0 {
			if pos >= len(b) || back > 1<<56 {
				return rawObject{}, errPackObject
			}
			c = b[pos]
			pos++
			back = (back+1)<<7 | uint64(c&0x7f)
		}
		if back == 0 || back > uint64(off) {
			return rawObject{}, errPackObject
		}
		base, ok := p.hashAt(off - int64(back))
		if !ok {
			return rawObject{}, errPackObject
		}
		obj.base = base
	case packREFDelta:
		if pos+20 > len(b) {
			return rawObject{}, errPackObject
		}
		copy(obj.base[:], b[pos:pos+20])
		pos += 20
		obj.kind = packOFSDelta
	default:
		return rawObject{}, errPackObject
	}
	var dst []byte
	if kind == packTree && want <= eagerInflate {
		dst = w.trees.data(int(want))
	}
	data, err := w.inflater.inflate(b[pos:], int(size), int(want), dst)
	if err != nil {
		return rawObject{}, err
	}
	obj.data = data
	return obj, nil
}
