package history

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// synth writes a portal's history object by object, without a work tree or the git CLI:
// file i is content/proposals/p<i%500>/reactions/c_<i>.yaml, added by a commit of its
// own. Groups of ten: one commit on main, then a branch of nine commits by a public
// body, merged with a merge commit as merge requests are. Main does not move while a
// branch is open, so the tree after each commit follows from the one before and only
// the five trees on the changed path are written again.
//
// Objects go into a pack being built, as a clone has them, with the big proposals/
// tree stored as a delta of its previous version as git repack does; or, once the pack
// is written, into a storer as loose objects, as a fetch or a local commit leaves them.
type synth struct {
	tb        testing.TB
	st        storer.EncodedObjectStorer // when pack is nil
	pack      *packBuilder
	names     []string      // p0000, p0001, ...
	reactions [][]byte      // per proposal: the encoded entries of its reactions tree
	props     []byte        // the encoded proposals/ tree, rewritten in place
	index     plumbing.Hash // the blob of every proposal's index.md
	config    plumbing.Hash // pspm.yaml
	root      plumbing.Hash // the current root tree
	n         int           // files added so far
	clock     time.Time
	want      map[string]want // for each file, its expected provenance (commit, landed)
	pending   []string        // files added on the open branch, landed by the next merge
}

func newSynth(tb testing.TB, pack *packBuilder, proposals int) *synth {
	s := &synth{tb: tb, pack: pack, reactions: make([][]byte, proposals), want: map[string]want{},
		clock: time.Date(2024, 1, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))}
	s.index = s.write(plumbing.BlobObject, []byte("---\ntitle: Proposal\n---\nText.\n"), false)
	s.config = s.write(plumbing.BlobObject, []byte("title: Bench\n"), false)
	prop := s.write(plumbing.TreeObject, treeBytes(nil, "100644", "index.md", s.index), false)
	for p := range proposals {
		s.names = append(s.names, fmt.Sprintf("p%04d", p))
		s.props = treeBytes(s.props, "40000", s.names[p], prop)
	}
	s.root = s.rootTree()
	return s
}

// write stores an object; delta says it is the next version of the big tree.
func (s *synth) write(t plumbing.ObjectType, data []byte, delta bool) plumbing.Hash {
	if s.pack != nil {
		return s.pack.add(t, data, delta)
	}
	obj := s.st.NewEncodedObject()
	obj.SetType(t)
	obj.SetSize(int64(len(data)))
	w, err := obj.Writer()
	if err != nil {
		s.tb.Fatal(err)
	}
	if _, err := w.Write(data); err != nil {
		s.tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		s.tb.Fatal(err)
	}
	h, err := s.st.SetEncodedObject(obj)
	if err != nil {
		s.tb.Fatal(err)
	}
	return h
}

func treeBytes(b []byte, mode, name string, h plumbing.Hash) []byte {
	b = append(b, mode...)
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, 0)
	return append(b, h[:]...)
}

// rootTree writes the trees above the proposals' own.
func (s *synth) rootTree() plumbing.Hash {
	proposals := s.write(plumbing.TreeObject, bytes.Clone(s.props), true)
	content := s.write(plumbing.TreeObject, treeBytes(nil, "40000", "proposals", proposals), false)
	root := treeBytes(nil, "40000", "content", content)
	return s.write(plumbing.TreeObject, treeBytes(root, "100644", "pspm.yaml", s.config), false)
}

// add writes the next reaction file and the trees above it, and returns its path.
func (s *synth) add() string {
	i := s.n
	s.n++
	p := i % len(s.names)
	name := fmt.Sprintf("c_%05d.yaml", i)
	blob := s.write(plumbing.BlobObject, fmt.Appendf(nil, "vote: support\npriority: %d\n", i%5+1), false)
	s.reactions[p] = treeBytes(s.reactions[p], "100644", name, blob)
	reactions := s.write(plumbing.TreeObject, s.reactions[p], false)
	prop := s.write(plumbing.TreeObject,
		treeBytes(treeBytes(nil, "100644", "index.md", s.index), "40000", "reactions", reactions), false)
	// Every entry of proposals/ is "40000 pNNNN\x00" and a hash: 32 bytes.
	copy(s.props[p*32+12:], prop[:])
	s.root = s.rootTree()
	return "content/proposals/" + s.names[p] + "/reactions/" + name
}

func (s *synth) commit(author string, msg string, parents ...plumbing.Hash) plumbing.Hash {
	s.clock = s.clock.Add(time.Minute)
	sig := object.Signature{Name: author, Email: author + "@example.org", When: s.clock}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg, TreeHash: s.root, ParentHashes: parents}
	obj := &plumbing.MemoryObject{}
	if err := c.Encode(obj); err != nil {
		s.tb.Fatal(err)
	}
	r, _ := obj.Reader()
	data := make([]byte, obj.Size())
	if _, err := r.Read(data); err != nil {
		s.tb.Fatal(err)
	}
	return s.write(plumbing.CommitObject, data, false)
}

// history adds file commits on top of tip (zero for a new history) until there are n
// files, and returns the new tip.
func (s *synth) history(tip plumbing.Hash, n int) plumbing.Hash {
	if tip.IsZero() {
		tip = s.commit("maintainer", "Proposals\n")
		for _, name := range s.names {
			s.want["content/proposals/"+name+"/index.md"] = want{commit: tip.String(), landed: tip.String()}
		}
	}
	for s.n < n {
		path := s.add()
		tip = s.commit("maintainer", fmt.Sprintf("Vote %d\n", s.n), tip)
		s.want[path] = want{commit: tip.String(), landed: tip.String()}
		if s.n >= n {
			break
		}
		side := tip
		body := fmt.Sprintf("body%03d", s.n%97)
		for k := 0; k < 9 && s.n < n; k++ {
			path := s.add()
			side = s.commit(body, fmt.Sprintf("Vote %d\n", s.n), side)
			s.want[path] = want{commit: side.String()}
			s.pending = append(s.pending, path)
		}
		tip = s.commit("maintainer", "Merge branch 'votes'\n", tip, side)
		for _, path := range s.pending {
			w := s.want[path]
			w.landed = tip.String()
			s.want[path] = w
		}
		s.pending = s.pending[:0]
	}
	return tip
}

// packBuilder writes a pack and its index: each object zlib-compressed after its
// header; the big tree as an offset delta of its previous version, in chains of at most
// 50 as git's own packs.
type packBuilder struct {
	buf   bytes.Buffer
	zw    *zlib.Writer
	idx   idxfile.Writer
	n     uint32
	seen  map[plumbing.Hash]bool // a pack holds each object once
	prev  []byte                 // the big tree's previous version
	off   int64                  // and its offset in the pack
	depth int
}

func newPackBuilder() *packBuilder {
	p := &packBuilder{seen: map[plumbing.Hash]bool{}}
	p.buf.Write([]byte{'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 0}) // count set by finish
	p.zw, _ = zlib.NewWriterLevel(nil, zlib.BestSpeed)
	p.idx.OnHeader(0)
	return p
}

func (p *packBuilder) add(t plumbing.ObjectType, data []byte, delta bool) plumbing.Hash {
	sum := sha1.New()
	fmt.Fprintf(sum, "%s %d\x00", t, len(data))
	sum.Write(data)
	var h plumbing.Hash
	sum.Sum(h[:0])
	if p.seen[h] {
		return h
	}
	p.seen[h] = true
	off := int64(p.buf.Len())
	p.n++
	body := data
	if delta && p.prev != nil && p.depth < 50 {
		body = packfile.DiffDelta(p.prev, data)
		p.header(plumbing.OFSDeltaObject, len(body))
		// The distance back to the base, in Git's offset encoding.
		d := off - p.off
		enc := []byte{byte(d & 0x7f)}
		for d >>= 7; d > 0; d >>= 7 {
			d--
			enc = append([]byte{byte(0x80 | d&0x7f)}, enc...)
		}
		p.buf.Write(enc)
		p.depth++
	} else {
		p.header(t, len(body))
		if delta {
			p.depth = 0
		}
	}
	if delta {
		p.prev, p.off = data, off
	}
	p.zw.Reset(&p.buf)
	p.zw.Write(body)
	p.zw.Close()
	p.idx.Add(h, uint64(off), crc32.ChecksumIEEE(p.buf.Bytes()[off:]))
	return h
}

func (p *packBuilder) header(t plumbing.ObjectType, size int) {
	b := byte(t)<<4 | byte(size&0x0f)
	for size >>= 4; size > 0; size >>= 7 {
		p.buf.WriteByte(b | 0x80)
		b = byte(size & 0x7f)
	}
	p.buf.WriteByte(b)
}

// finish writes the pack and its index into the Git folder.
func (p *packBuilder) finish(gitDir string) error {
	b := p.buf.Bytes()
	binary.BigEndian.PutUint32(b[8:12], p.n)
	var sum plumbing.Hash
	s := sha1.Sum(b)
	copy(sum[:], s[:])
	base := filepath.Join(gitDir, "objects", "pack", "pack-"+sum.String())
	if err := os.WriteFile(base+".pack", append(b, sum[:]...), 0o444); err != nil {
		return err
	}
	if err := p.idx.OnFooter(sum); err != nil {
		return err
	}
	idx, err := p.idx.Index()
	if err != nil {
		return err
	}
	f, err := os.Create(base + ".idx")
	if err != nil {
		return err
	}
	if _, err := idxfile.NewEncoder(f).Encode(idx); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// genRepo makes a repository of n file commits in dir, packed as a clone's would be,
// and returns the generator, to add more commits or read what it expects, and the tip.
func genRepo(tb testing.TB, dir string, n int) (*synth, plumbing.Hash) {
	start := time.Now()
	pack := newPackBuilder()
	proposals := 500
	if v, err := strconv.Atoi(os.Getenv("PSPM_HISTORY_PROPOSALS")); err == nil && v > 0 && v <= 10000 {
		proposals = v
	}
	s := newSynth(tb, pack, proposals)
	tip := s.history(plumbing.ZeroHash, n)
	r, err := git.PlainInit(dir, false)
	if err != nil {
		tb.Fatal(err)
	}
	if err := pack.finish(filepath.Join(dir, ".git")); err != nil {
		tb.Fatal(err)
	}
	setBranch(tb, r.Storer, tip)
	s.pack = nil
	s.st = r.Storer
	tb.Logf("generated %d commits (%d objects, pack %.1f MB) in %v",
		n, pack.n, float64(pack.buf.Len())/(1<<20), time.Since(start))
	return s, tip
}

func setBranch(tb testing.TB, st storer.ReferenceStorer, tip plumbing.Hash) {
	if err := st.SetReference(plumbing.NewHashReference("refs/heads/main", tip)); err != nil {
		tb.Fatal(err)
	}
	if err := st.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, "refs/heads/main")); err != nil {
		tb.Fatal(err)
	}
}

// A long generated history, walked by several walkers at once, gives every file the
// commit that added it and the commit that landed it, as the generator recorded them.
func TestLongHistoryCreditsEveryFile(t *testing.T) {
	n := 2600 // 520 first-parent commits: two segments
	if v, err := strconv.Atoi(os.Getenv("PSPM_HISTORY_COMMITS")); err == nil && v > 0 {
		n = v
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	dir := t.TempDir()
	s, tip := genRepo(t, dir, n)
	h := load(t, Options{Dir: dir})
	if h.Head != tip.String() || len(h.Files) != len(s.want) {
		t.Fatalf("Head %.7s, %d files; want %.7s, %d", h.Head, len(h.Files), tip, len(s.want))
	}
	bad := 0
	for path, w := range s.want {
		p := h.Files[path]
		if p == nil || p.Commit != w.commit || p.LandedCommit != w.landed {
			if bad++; bad <= 5 {
				t.Errorf("%s: got %+v, want commit %.7s landed %.7s", path, p, w.commit, w.landed)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d files wrong", bad, len(s.want))
	}

	// The same with the pack rebuilt by git, whose deltas go the other way.
	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	r := &testRepo{t: t, dir: dir, home: t.TempDir()}
	r.git("repack", "-adfq")
	sameHistory(t, load(t, Options{Dir: dir}), h)

	// One more commit, as loose objects, is one more commit walked.
	path := s.add()
	next := s.commit("maintainer", "Vote\n", tip)
	setBranch(t, s.st.(storer.ReferenceStorer), next)
	u, err := Update(Options{Dir: dir}, h)
	if err != nil {
		t.Fatal(err)
	}
	if u.Walked != 1 || u.Files[path] == nil || u.Files[path].Commit != next.String() {
		t.Errorf("Update: Walked %d, %s: %+v", u.Walked, path, u.Files[path])
	}
}
