package history

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
)

// warmBuild does what a build does with the cache file: decode it, advance to the tip,
// and append the segment (or rewrite the file when EncodeNext says whole). It returns
// the new file, the History and whether the file was rewritten.
func warmBuild(t *testing.T, o Options, file []byte) ([]byte, *History, bool) {
	t.Helper()
	prev, err := Decode(file)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	h, err := prev.Advance(o)
	if err != nil {
		t.Fatalf("Advance: %v", err)
	}
	b, whole, err := h.EncodeNext()
	if err != nil {
		t.Fatalf("EncodeNext: %v", err)
	}
	if whole {
		return b, h, true
	}
	return append(bytes.Clone(file), b...), h, false
}

func encode(t *testing.T, h *History) []byte {
	t.Helper()
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A warm build appends a segment to the cache; decoding the file gives what a cold
// Load gives, as does the History the build advanced.
func TestWarmBuildAppendsSegmentDecodingAsLoad(t *testing.T) {
	r := newTestRepo(t)
	o := Options{Dir: r.dir}
	r.write("content/proposals/p/index.md", "# P\n")
	r.write("content/proposals/p/reactions/m_ef.yaml", "vote: support\n")
	r.commit(maintainer, day(1), "P")
	file := encode(t, load(t, o))

	steps := []func(){
		func() { // a vote through a merge request
			r.git("checkout", "-q", "-b", "vote")
			r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
			r.commit(contributor, day(2), "Vote")
			r.git("checkout", "-q", "main")
			r.merge(maintainer, day(3), "vote")
		},
		func() { // a vote changed (the old version retired), a page amended
			r.write("content/proposals/p/reactions/m_ef.yaml", "vote: abstain\n")
			r.write("content/proposals/p/index.md", "# P, amended\n")
			r.commit(maintainer, day(4), "Amend")
		},
		func() { // a vote withdrawn, a page deleted
			r.remove("content/proposals/p/reactions/c_h223.yaml")
			r.write("content/proposals/q/index.md", "# Q\n")
			r.commit(region, day(5), "Withdraw, Q")
			r.remove("content/proposals/q/index.md")
			r.commit(region, day(6), "No Q")
		},
		func() {}, // nothing new
	}
	for i, step := range steps {
		step()
		next, h, whole := warmBuild(t, o, file)
		if whole {
			t.Fatalf("step %d: the cache was rewritten, not appended to", i+1)
		}
		if !bytes.HasPrefix(next, file) {
			t.Fatalf("step %d: the new cache does not start with the old one", i+1)
		}
		cold := load(t, o)
		sameHistory(t, h, cold)
		d, err := Decode(next)
		if err != nil {
			t.Fatalf("step %d: Decode: %v", i+1, err)
		}
		sameHistory(t, d, cold)
		if d.cache.segments != i+1 {
			t.Errorf("step %d: %d segments", i+1, d.cache.segments)
		}
		file = next
	}
}

// After MaxSegments segments, the next warm build writes the whole History again, and
// the one after appends to that.
func TestCacheCompactsAfterMaxSegments(t *testing.T) {
	r := newTestRepo(t)
	o := Options{Dir: r.dir}
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(0), "P")
	file := encode(t, load(t, o))
	for i := range MaxSegments + 2 {
		r.write("content/proposals/p/reactions/c_"+string(rune('a'+i%26))+string(rune('a'+i/26))+".yaml", "vote: support\n")
		r.commit(contributor, day(i+1), "Vote")
		next, h, whole := warmBuild(t, o, file)
		if want := i == MaxSegments; whole != want {
			t.Fatalf("build %d: whole = %v, want %v", i+1, whole, want)
		}
		if whole && !bytes.Equal(next, encode(t, load(t, o))) {
			t.Fatalf("build %d: the compacted cache is not what a cold Load encodes", i+1)
		}
		if h.Walked != 1 {
			t.Fatalf("build %d: walked %d commits", i+1, h.Walked)
		}
		file = next
	}
	d, err := Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	if d.cache.segments != 1 {
		t.Errorf("%d segments after compaction and one build, want 1", d.cache.segments)
	}
	sameHistory(t, d, load(t, o))
}

// A cache cut inside its last segment (a build killed while appending), or whose
// segment fails its checksum, is refused whole; so is a cache whose head the branch no
// longer holds (a force push): the history is read again, never half-trusted.
func TestTornOrForkedCacheRefused(t *testing.T) {
	r := newTestRepo(t)
	o := Options{Dir: r.dir}
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	base := encode(t, load(t, o))
	r.write("content/proposals/p/reactions/m_ef.yaml", "vote: support\n")
	r.commit(maintainer, day(2), "Vote")
	file, _, _ := warmBuild(t, o, base)

	for n := len(base) + 1; n < len(file); n++ {
		if _, err := Decode(file[:n]); err == nil {
			t.Fatalf("a cache cut at %d of %d bytes decoded", n, len(file))
		}
	}
	for i := len(base); i < len(file); i++ {
		bad := bytes.Clone(file)
		bad[i] ^= 0x10
		if _, err := Decode(bad); err == nil {
			t.Fatalf("a cache with byte %d of %d changed decoded", i, len(file))
		}
	}
	bad := bytes.Clone(base)
	bad[len(bad)/2] ^= 1
	if _, err := Decode(bad); err == nil {
		t.Fatal("a base with a byte changed decoded")
	}

	// The cached head is no longer an ancestor of the tip.
	r.git("reset", "-q", "--hard", "HEAD~1")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.commit(contributor, day(3), "Another vote")
	prev, err := Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	h, err := prev.Advance(o)
	if err != nil {
		t.Fatal(err)
	}
	if h == prev || !h.Rewritten || h.Walked != 2 {
		t.Errorf("forked history: same History %v, Rewritten %v, Walked %d", h == prev, h.Rewritten, h.Walked)
	}
	if _, ok := prev.Files["content/proposals/p/reactions/m_ef.yaml"]; !ok || prev.cache.delta != nil {
		t.Error("Advance changed the History of a forked cache")
	}
	b, whole, err := h.EncodeNext()
	if err != nil || !whole {
		t.Fatalf("EncodeNext after a fork: whole %v, %v", whole, err)
	}
	if !bytes.Equal(b, encode(t, load(t, o))) {
		t.Error("the cache rewritten after a fork is not what a cold Load encodes")
	}
}

// A merge landed after the cached head that brings back a version an old commit of the
// chain made is the merge's change: the trace stops at that old commit, found through
// the index the cache keeps, not through a set of every commit.
func TestAdvanceFindsOldChainCommitsThroughIndex(t *testing.T) {
	r := newTestRepo(t)
	o := Options{Dir: r.dir}
	r.write("content/plan/_index.md", "v1\n")
	r.commit(maintainer, day(1), "Plan v1")
	r.git("checkout", "-q", "-b", "feature")
	r.write("content/proposals/p/index.md", "# P\n")
	f := r.commit(region, day(2), "P")
	r.git("checkout", "-q", "main")
	r.write("content/plan/_index.md", "v2\n")
	r.commit(maintainer, day(3), "Plan v2")
	for i := range 5 {
		r.write("content/proposals/q/index.md", "# Q "+string(rune('0'+i))+"\n")
		r.commit(maintainer, day(3+i), "Q")
	}
	file := encode(t, load(t, o))
	d, err := Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.cache.index) != len(d.Commits) || len(d.Commits) != 7 {
		t.Fatalf("the decoded index covers %d of %d commits", len(d.cache.index), len(d.Commits))
	}
	for i, c := range d.Commits {
		if pos, ok := findIndexed(d.Commits, d.cache.index, c.Hash); !ok || pos != len(d.Commits)-1-i {
			t.Errorf("commit %d: index says %d, %v", i, pos, ok)
		}
	}
	if _, ok := findIndexed(d.Commits, d.cache.index, f); ok {
		t.Error("the index finds a commit of another branch")
	}

	r.write("content/proposals/q/index.md", "# Q again\n")
	r.commit(maintainer, day(9), "Q again")
	file, _, _ = warmBuild(t, o, file) // one segment: its commit is found without the index

	r.run(maintainer, maintainer, day(10), day(10), "merge", "-q", "--no-ff", "--no-commit", "feature")
	r.write("content/plan/_index.md", "v1\n")
	m := r.commit(maintainer, day(10), "Merge, back to v1")
	file, h, _ := warmBuild(t, o, file)
	check(t, h, "content/plan/_index.md", want{m, maintainer, m, day(10)})
	check(t, h, "content/proposals/p/index.md", want{f, region, m, day(10)})
	sameHistory(t, h, load(t, o))
	d, err = Decode(file)
	if err != nil {
		t.Fatal(err)
	}
	sameHistory(t, d, load(t, o))
}

// The signature of a signed commit that makes a new version is kept in the segment,
// with its payload, as a cold Load keeps it.
func TestSignedCommitSignatureKeptInSegment(t *testing.T) {
	r := newTestRepo(t)
	o := Options{Dir: r.dir}
	key := sshKey(t, r)
	r.write("content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "P")
	file := encode(t, load(t, o))

	r.git("checkout", "-q", "-b", "vote")
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: support\n")
	s := r.commitSigned(region, 2, key, "Signed vote")
	r.git("checkout", "-q", "main")
	r.merge(maintainer, day(3), "vote")
	next, h, whole := warmBuild(t, o, file)
	if whole {
		t.Fatal("the cache was rewritten")
	}
	cold := load(t, o)
	if cold.Signatures[s] == nil {
		t.Fatal("a cold Load kept no signature for the signed vote")
	}
	sameHistory(t, h, cold)
	d, err := Decode(next)
	if err != nil {
		t.Fatal(err)
	}
	if sg := d.Signatures[s]; sg == nil || *sg != *cold.Signatures[s] {
		t.Fatalf("decoded signature %+v, want %+v", sg, cold.Signatures[s])
	}
	sameHistory(t, d, cold)

	// The signed vote replaced by an unsigned one: its signature goes, in the next
	// segment too.
	r.write("content/proposals/p/reactions/c_h223.yaml", "vote: oppose\n")
	r.commit(region, day(4), "Unsigned vote")
	next, h, _ = warmBuild(t, o, next)
	cold = load(t, o)
	sameHistory(t, h, cold)
	if d, err = Decode(next); err != nil {
		t.Fatal(err)
	}
	sameHistory(t, d, cold)
}

// TestDecodeChecksSectionSizes changes each of the sizes the base gives of its sections
// (header and chain, makers, files: the files are read on another core from where the
// size says they start) by one byte either way: every such base is refused as corrupt,
// while the base as written decodes to the History encoded.
func TestDecodeChecksSectionSizes(t *testing.T) {
	h := bigHistory(300)
	data, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	want, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	payload := data[len(magic)+1+recordHead : len(data)-recordTail]
	got, err := decodeBase(payload, segmentRoom)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Files) != len(h.Files) || len(got.Commits) != len(h.Commits) || !reflect.DeepEqual(got.Files, want.Files) || !reflect.DeepEqual(got.Commits, want.Commits) {
		t.Fatalf("the base alone decodes to %d files and %d commits, want %d and %d, equal to Decode's", len(got.Files), len(got.Commits), len(h.Files), len(h.Commits))
	}
	// Where the sizes are: after the table of strings.
	d := &decoder{b: payload}
	total := 0
	for range d.count(1) {
		total += d.count(1)
	}
	d.bytes(total)
	at := len(payload) - len(d.b)
	var sizes [3]uint64
	for i := range sizes {
		sizes[i] = d.uint()
	}
	if d.err != nil || sizes[0] == 0 || sizes[1] == 0 || sizes[2] == 0 {
		t.Fatalf("sizes %v: %v", sizes, d.err)
	}
	rest := d.b
	for i := range sizes {
		for _, delta := range []int64{-1, 1} {
			s := sizes
			s[i] = uint64(int64(s[i]) + delta)
			b := bytes.Clone(payload[:at])
			for _, v := range s {
				b = binary.AppendUvarint(b, v)
			}
			b = append(b, rest...)
			if _, err := decodeBase(b, segmentRoom); err == nil {
				t.Errorf("size %d changed by %+d: decoded", i, delta)
			}
		}
	}
}
