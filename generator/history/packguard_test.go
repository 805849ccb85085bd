package history

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// packObject is an object to write into a hand-made pack: its type, the size its
// header claims, and the content deflated after the header.
type packEntry struct {
	kind    int
	claimed int
	content []byte
	hash    plumbing.Hash // the hash the index gives it
	base    plumbing.Hash // for a reference delta
}

// gitHash is the Git hash of an object of the given type and content.
func gitHash(kind int, content []byte) plumbing.Hash {
	return plumbing.ComputeHash(packTypes[kind], content)
}

// writePack writes a pack and its index (version 2) of the entries into the
// repository at dir, as git index-pack would, headers lying as they are told to.
func writePack(t testing.TB, dir string, entries []packEntry) string {
	t.Helper()
	var pack bytes.Buffer
	pack.WriteString("PACK")
	_ = binary.Write(&pack, binary.BigEndian, [2]uint32{2, uint32(len(entries))})
	type idxEntry struct {
		hash plumbing.Hash
		crc  uint32
		off  uint32
	}
	var idx []idxEntry
	for _, e := range entries {
		off := pack.Len()
		var obj bytes.Buffer
		size := uint64(e.claimed)
		c := byte(e.kind<<4) | byte(size&0x0f)
		size >>= 4
		for size > 0 {
			obj.WriteByte(c | 0x80)
			c = byte(size & 0x7f)
			size >>= 7
		}
		obj.WriteByte(c)
		if e.kind == packREFDelta {
			obj.Write(e.base[:])
		}
		zw, _ := zlib.NewWriterLevel(&obj, zlib.BestCompression)
		_, _ = zw.Write(e.content)
		_ = zw.Close()
		idx = append(idx, idxEntry{e.hash, crc32.ChecksumIEEE(obj.Bytes()), uint32(off)})
		pack.Write(obj.Bytes())
	}
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])
	slices.SortFunc(idx, func(a, b idxEntry) int { return bytes.Compare(a.hash[:], b.hash[:]) })
	var ix bytes.Buffer
	ix.Write([]byte{0xff, 't', 'O', 'c', 0, 0, 0, 2})
	for b := range 256 {
		n := 0
		for _, e := range idx {
			if int(e.hash[0]) <= b {
				n++
			}
		}
		_ = binary.Write(&ix, binary.BigEndian, uint32(n))
	}
	for _, e := range idx {
		ix.Write(e.hash[:])
	}
	for _, e := range idx {
		_ = binary.Write(&ix, binary.BigEndian, e.crc)
	}
	for _, e := range idx {
		_ = binary.Write(&ix, binary.BigEndian, e.off)
	}
	ix.Write(sum[:])
	isum := sha1.Sum(ix.Bytes())
	ix.Write(isum[:])
	base := filepath.Join(dir, ".git", "objects", "pack", fmt.Sprintf("pack-%x", sum))
	if err := os.WriteFile(base+".pack", pack.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".idx", ix.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return base + ".pack"
}

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// bombRepo makes a repository whose main branch is one commit whose tree, stored in
// 27 bytes, claims to be 1 GiB.
func bombRepo(t *testing.T) (dir string, tree plumbing.Hash) {
	r := newTestRepo(t)
	content := []byte("100644 a\x00" + strings.Repeat("\x01", 20))
	tree = gitHash(packTree, content)
	commit := []byte(fmt.Sprintf("tree %s\nauthor A <a@b> 1700000000 +0000\ncommitter A <a@b> 1700000000 +0000\n\nBomb\n", tree))
	ch := gitHash(packCommit, commit)
	writePack(t, r.dir, []packEntry{
		{kind: packCommit, claimed: len(commit), content: commit, hash: ch},
		{kind: packTree, claimed: 1 << 30, content: content, hash: tree},
	})
	if err := os.WriteFile(filepath.Join(r.dir, ".git", "refs", "heads", "main"), []byte(ch.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return r.dir, tree
}

func TestPackedTreeClaimingAGibibyteIsAnErrorWithoutAllocatingIt(t *testing.T) {
	dir, tree := bombRepo(t)
	pack, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack"))
	fi, _ := os.Stat(pack[0])
	t.Logf("pack of %d bytes", fi.Size())
	var err error
	grew := allocated(func() { _, err = Load(Options{Dir: dir}) })
	if err == nil || !errors.Is(err, errInflate) {
		t.Errorf("Load: got %v, want the tree refused as corrupt", err)
	}
	if grew > 8<<20 {
		t.Errorf("Load allocated %d bytes for a tree claiming 1 GiB in a %d-byte pack", grew, fi.Size())
	}
	r, err := open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	w := newWalker(&plan{r: r}, r.st)
	grew = allocated(func() { _, _, err = packStore{w}.Object(tree, maxTreeSize) })
	t.Logf("the pack reader allocated %d bytes", grew)
	if !errors.Is(err, errInflate) || grew > 1<<20 {
		t.Errorf("pack reader: got %v after allocating %d bytes, want the tree refused as corrupt with less than 1 MiB", err, grew)
	}
	grew = allocated(func() { _, _, err = gitStore{r.st}.Object(tree, maxTreeSize) })
	t.Logf("go-git allocated %d bytes", grew)
	if !errors.Is(err, errInflate) || grew > 1<<20 {
		t.Errorf("go-git: got %v after allocating %d bytes, want the tree refused as corrupt with less than 1 MiB", err, grew)
	}
}

func TestPackedTreeDeltaAnnouncingAGibibyteIsAnErrorWithoutAllocatingIt(t *testing.T) {
	r := newTestRepo(t)
	base := []byte("100644 a\x00" + strings.Repeat("\x01", 20))
	bh := gitHash(packTree, base)
	// The delta: the base's size, a target of 1 GiB, then 4 bytes inserted.
	delta := []byte{byte(len(base)), 0x80, 0x80, 0x80, 0x80, 0x04, 4, 'a', 'b', 'c', 'd'}
	th := plumbing.NewHash(strings.Repeat("ab", 20))
	commit := []byte(fmt.Sprintf("tree %s\nauthor A <a@b> 1700000000 +0000\ncommitter A <a@b> 1700000000 +0000\n\nBomb\n", th))
	ch := gitHash(packCommit, commit)
	writePack(t, r.dir, []packEntry{
		{kind: packCommit, claimed: len(commit), content: commit, hash: ch},
		{kind: packTree, claimed: len(base), content: base, hash: bh},
		{kind: packREFDelta, claimed: len(delta), content: delta, hash: th, base: bh},
	})
	if err := os.WriteFile(filepath.Join(r.dir, ".git", "refs", "heads", "main"), []byte(ch.String()+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	grew := allocated(func() { _, err = Load(Options{Dir: r.dir}) })
	if err == nil {
		t.Error("Load read a tree made by a delta announcing 1 GiB and making 4 bytes")
	}
	if grew > 8<<20 {
		t.Errorf("Load allocated %d bytes for a delta announcing 1 GiB", grew)
	}
}

// A pack truncated after it was mapped (git gc, a disk full, another process) makes
// the reads that reach past its new end fail: the process must not die of SIGBUS.
func TestPackTruncatedUnderItsMappingIsAnErrorNotACrash(t *testing.T) {
	t.Run("pack reader", func(t *testing.T) { readTruncatedPack(t) })
	t.Run("go-git", func(t *testing.T) {
		// go-git reads the same mapping, through packFS.
		packsOff.Store(true)
		defer packsOff.Store(false)
		readTruncatedPack(t)
	})
}

func readTruncatedPack(t *testing.T) {
	r := newTestRepo(t)
	for i := range 40 {
		// Incompressible files spread the pack over many pages.
		r.write(fmt.Sprintf("content/f%02d.md", i), fmt.Sprintf("%x\n", sha1Chain(i, 600)))
	}
	r.commit(maintainer, day(0), "Files")
	r.git("repack", "-q", "-a", "-d")
	fsys, _, err := Snapshot(Options{Dir: r.dir}, "main")
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.(interface{ Close() error }).Close()
	if _, err := fs.ReadFile(fsys, "content/f00.md"); err != nil {
		t.Fatal(err)
	}
	packs, _ := filepath.Glob(filepath.Join(r.dir, ".git/objects/pack/*.pack"))
	if len(packs) != 1 {
		t.Fatalf("want one pack, have %v", packs)
	}
	if err := os.Truncate(packs[0], 12); err != nil {
		t.Fatal(err)
	}
	faults := 0
	for i := 1; i < 40; i++ {
		_, err := fs.ReadFile(fsys, fmt.Sprintf("content/f%02d.md", i))
		if err != nil {
			if !errors.Is(err, errPackChanged) && !strings.Contains(err.Error(), "pack") {
				t.Errorf("f%02d: got %v, want an error saying the pack changed", i, err)
			}
			faults++
		}
	}
	if faults == 0 {
		t.Fatal("every read succeeded from a truncated pack")
	}
}

// sha1Chain returns n bytes that do not compress, the same for the same seed.
func sha1Chain(seed, n int) []byte {
	var out []byte
	h := sha1.Sum([]byte(fmt.Sprint(seed)))
	for len(out) < n {
		out = append(out, h[:]...)
		h = sha1.Sum(h[:])
	}
	return out[:n]
}

// mappings counts the memory mappings of files under dir.
func mappings(t *testing.T, dir string) int {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip("no /proc/self/maps here")
	}
	return strings.Count(string(b), dir)
}

func TestClosingASnapshotUnmapsItsPacks(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	r.commit(maintainer, day(0), "A")
	r.git("repack", "-q", "-a", "-d")
	packDir, err := filepath.EvalSymlinks(filepath.Join(r.dir, ".git", "objects", "pack"))
	if err != nil {
		t.Fatal(err)
	}
	before := mappings(t, packDir)
	fsys, _, err := Snapshot(Options{Dir: r.dir}, "main")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(fsys, "content/a.md"); err != nil {
		t.Fatal(err)
	}
	if n := mappings(t, packDir); n <= before {
		t.Fatalf("%d mappings of the pack folder while reading, want more than %d", n, before)
	}
	if err := fsys.(interface{ Close() error }).Close(); err != nil {
		t.Fatal(err)
	}
	if n := mappings(t, packDir); n != before {
		t.Errorf("%d mappings of the pack folder after Close, want %d", n, before)
	}
	if _, err := fs.ReadFile(fsys, "pspm.yaml"); !errors.Is(err, fs.ErrClosed) && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("reading after Close: got %v, want fs.ErrClosed", err)
	}
	if _, err := fs.ReadFile(fsys, "content/a.md"); err != nil && !errors.Is(err, fs.ErrClosed) {
		t.Errorf("reading after Close: got %v, want the content or fs.ErrClosed", err)
	}
	// Load, Range and ReadBlobs release theirs before they return.
	if _, err := Load(Options{Dir: r.dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := Range(Options{Dir: r.dir}, "main", "main"); err != nil {
		t.Fatal(err)
	}
	if n := mappings(t, packDir); n != before {
		t.Errorf("%d mappings of the pack folder after Load and Range, want %d", n, before)
	}
}

// Every history algorithm runs on either object store: the walk, Range and Snapshot
// of a packed repository read through go-git alone (packsOff) give what they give
// through the pack reader.
func TestPackedHistoryIsTheSameThroughGoGit(t *testing.T) {
	r := busyRepo(t)
	r.git("repack", "-q", "-a", "-d", "-f", "--depth=5", "--window=20")
	o := Options{Dir: r.dir}
	packed := load(t, o)
	packedRange := rangeOf(t, r.dir, "main~12", "main")
	packedFiles := snapshotFiles(t, r.dir, "main~3")

	packsOff.Store(true)
	defer packsOff.Store(false)
	sameHistory(t, load(t, o), packed)
	if got := rangeOf(t, r.dir, "main~12", "main"); !sameJSON(got, packedRange) {
		t.Error("Range differs through go-git")
	}
	if got := snapshotFiles(t, r.dir, "main~3"); !sameJSON(got, packedFiles) {
		t.Error("Snapshot differs through go-git")
	}
}

func TestMaxObjectSizeRefusesBiggerObjects(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/small.md", "small\n")
	r.write("content/big.md", strings.Repeat("big\n", 5000))
	r.commit(maintainer, day(0), "Files")
	for _, packed := range []bool{false, true} {
		if packed {
			r.git("repack", "-q", "-a", "-d")
		}
		o := Options{Dir: r.dir, MaxObjectSize: 10_000}
		fsys, _, err := Snapshot(o, "main")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fs.ReadFile(fsys, "content/small.md"); err != nil {
			t.Errorf("packed %v: small file: %v", packed, err)
		}
		if _, err := fs.ReadFile(fsys, "content/big.md"); err == nil || !strings.Contains(err.Error(), "10000") {
			t.Errorf("packed %v: a 20,000-byte file under MaxObjectSize 10,000: got %v, want an error naming the limit", packed, err)
		}
		// ReadFileLimit still says how a file compares with a lower limit.
		if b, err := fsys.(interface {
			ReadFileLimit(string, int64) ([]byte, error)
		}).ReadFileLimit("content/big.md", 100); err != nil || len(b) != 101 {
			t.Errorf("packed %v: ReadFileLimit: %d bytes, %v; want 101 bytes", packed, len(b), err)
		}
		fsys.(interface{ Close() error }).Close()
		if _, err := Load(Options{Dir: r.dir, MaxObjectSize: 20}); err == nil {
			t.Errorf("packed %v: Load read trees of more than 20 bytes under MaxObjectSize 20", packed)
		}
		if _, err := Load(o); err != nil {
			t.Errorf("packed %v: Load: %v", packed, err)
		}
	}
}
