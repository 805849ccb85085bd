package history

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// Trees and deltas come from the repository, which anyone can push to: parsing them
// never panics, whatever the bytes.

func FuzzParseTree(f *testing.F) {
	var h plumbing.Hash
	f.Add(treeBytes(treeBytes(nil, "100644", "a.md", h), "40000", "b", h))
	f.Add([]byte("40000 x\x00short"))
	f.Add([]byte("99 x\x00aaaaaaaaaaaaaaaaaaaa"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := parseTree(h, data)
		if err != nil {
			return
		}
		n := 0
		for i := range tr.len() {
			e := tr.at(i)
			n += len(tr.raw(i))
			tr.find(string(e.name), e.isTree())
		}
		if n != len(data) {
			t.Fatalf("entries cover %d of %d bytes", n, len(data))
		}
		tr.find("missing", true)
	})
}

func FuzzPatch(f *testing.F) {
	base := bytes.Repeat([]byte("0123456789abcdef"), 40)
	target := append(append(bytes.Clone(base[:100]), "changed"...), base[110:]...)
	f.Add(base, packfile.DiffDelta(base, target))
	f.Add([]byte("x"), []byte{1, 2, 0x91, 0, 1})
	f.Add([]byte("x"), []byte{1, 3, 0x80})
	f.Fuzz(func(t *testing.T, base, delta []byte) {
		got, err := patch(base, delta, nil)
		if err != nil {
			return
		}
		if want, err := packfile.PatchDelta(base, delta); err == nil && !bytes.Equal(got, want) {
			t.Fatalf("patch = %q, go-git's PatchDelta = %q", got, want)
		}
	})
}

// A cache file is the user's to corrupt: decoding never panics, and whatever decodes
// encodes back to the same History.
func FuzzDecode(f *testing.F) {
	at := time.Date(2025, 3, 1, 10, 0, 0, 5, time.FixedZone("", 3600))
	c1, c2, side, blob := strings.Repeat("a", 40), strings.Repeat("b", 40), strings.Repeat("c", 40), strings.Repeat("d", 40)
	p := Person{Name: "Ufficio", Email: "piano@mef.gov.it", When: at}
	h := &History{
		Head: c2, Branch: "refs/heads/main", Time: at, Prefix: "content/",
		Commits: []Commit{
			{Hash: c2, Parents: []string{c1, side}, Author: p, Committer: p, Message: "Merge\n\nbody\n"},
			{Hash: c1, Author: p, Committer: p, Message: "First\n", Signed: true},
		},
		Files: map[string]*Provenance{
			"content/a.md": {Path: "content/a.md", Blob: blob, Commit: c1, Author: p, Committer: p, Message: "First", Signed: true, Landed: at, LandedCommit: c1},
			"content/b.md": {Path: "content/b.md", Blob: blob, Commit: side, Author: p, Committer: p, Message: "Side", Landed: at.Add(time.Hour), LandedCommit: c2},
		},
		Changes: map[string][]*Change{
			"content/a.md": {{Blob: blob, Commit: c1, Author: p, Committer: p, Message: "First", Signed: true, Landed: at, LandedCommit: c1}},
			"content/x.md": {{Commit: c2, Author: p, Committer: p, Message: "Merge", Landed: at, LandedCommit: c2, Deleted: true}},
		},
		Retired:    map[string][]Retirement{"content/v.yaml.sig": {{Blob: blob, Commit: side, By: c2, When: at}, {Blob: side, By: c1, When: at.Add(time.Minute)}}},
		Signatures: map[string]*Signature{c1: {Text: "-----BEGIN SSH SIGNATURE-----\n", Payload: "tree x\n"}},
	}
	b, err := h.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(b[:len(b)/2])
	f.Add([]byte(magic + "\x03"))
	// The base and a segment, as a warm build appends it: a new merge, a file changed
	// and one gone, a page and a vote's versions, a signature added and one dropped.
	seg := segmentSeed(f, b)
	f.Add(append(bytes.Clone(b), seg...))
	f.Add(append(append(bytes.Clone(b), seg...), seg...))
	f.Add(append(bytes.Clone(b), seg[:len(seg)-1]...))
	flipped := append(bytes.Clone(b), seg...)
	flipped[len(b)+len(seg)/2] ^= 4
	f.Add(flipped)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := Decode(b)
		if err != nil {
			return
		}
		again, err := h.Encode()
		if err != nil {
			t.Fatalf("a decoded History does not encode: %v", err)
		}
		h2, err := Decode(again)
		if err != nil {
			t.Fatalf("an encoded History does not decode: %v", err)
		}
		j1, _ := json.Marshal(h)
		j2, _ := json.Marshal(h2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("round trip changed the History:\n%s\n%s", j1, j2)
		}
	})
}

// Parsing a tree from another version of it gives what parsing it whole gives, whatever
// the edit between them, valid or not.
func FuzzParseTreeFrom(f *testing.F) {
	f.Add(uint16(200), uint16(100), uint8(33), []byte("40000 pX\x00aaaaaaaaaaaaaaaaaaaa"))
	f.Add(uint16(80), uint16(3000), uint8(0), []byte("x"))
	f.Add(uint16(64), uint16(0), uint8(200), []byte(""))
	f.Add(uint16(300), uint16(9000), uint8(5), []byte("100644 a b\x00"))
	f.Fuzz(func(t *testing.T, n, at uint16, del uint8, ins []byte) {
		var h plumbing.Hash
		var old []byte
		for i := range int(n%400) + minDerive {
			h[0], h[19] = byte(i), byte(i>>8)
			old = treeBytes(old, "40000", fmt.Sprintf("p%05d", i*7), h)
		}
		pos := int(at) % (len(old) + 1)
		end := min(pos+int(del), len(old))
		data := append(append(append([]byte{}, old[:pos]...), ins...), old[end:]...)
		ref, err := parseTree(h, old)
		if err != nil {
			t.Fatal(err)
		}
		want, werr := parseTree(h, data)
		got, gerr := parseTreeFrom(h, data, ref, h, nil)
		if (werr != nil) != (gerr != nil) {
			t.Fatalf("parseTree: %v; parseTreeFrom: %v", werr, gerr)
		}
		if werr != nil {
			return
		}
		if !slices.Equal(got.slots, want.slots) {
			t.Fatalf("parseTreeFrom differs from parseTree")
		}
		i, j, iEnd, jEnd := changedEntries(ref, h, got)
		if i != j {
			t.Fatalf("%d entries before the changes in old, %d in new", i, j)
		}
		for k := range i {
			if !bytes.Equal(ref.raw(k), got.raw(k)) {
				t.Fatalf("entry %d before the changes differs", k)
			}
		}
		for k := 0; iEnd+k < ref.len(); k++ {
			if !bytes.Equal(ref.raw(iEnd+k), got.raw(jEnd+k)) {
				t.Fatalf("entry %d after the changes differs", iEnd+k)
			}
		}
		if ref.len()-iEnd != got.len()-jEnd {
			t.Fatalf("%d entries after the changes in old, %d in new", ref.len()-iEnd, got.len()-jEnd)
		}
		// The same without the derivation, from the bytes alone.
		i2, j2, iEnd2, jEnd2 := changedEntries(ref, plumbing.ZeroHash, want)
		if i2 != j2 || ref.len()-iEnd2 != want.len()-jEnd2 {
			t.Fatalf("changedEntries from bytes: %d %d %d %d", i2, j2, iEnd2, jEnd2)
		}
		for k := range i2 {
			if !bytes.Equal(ref.raw(k), want.raw(k)) {
				t.Fatalf("entry %d before the changes differs", k)
			}
		}
		for k := 0; iEnd2+k < ref.len(); k++ {
			if !bytes.Equal(ref.raw(iEnd2+k), want.raw(jEnd2+k)) {
				t.Fatalf("entry %d after the changes differs", iEnd2+k)
			}
		}
	})
}

func TestRadixSortSortsByTheBitsAsked(t *testing.T) {
	for _, n := range []int{0, 1, 2, 1000, 70000} {
		keys := make([]uint64, n)
		x := uint64(88172645463325252)
		for i := range keys {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			keys[i] = x>>24<<24 | uint64(i)
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		radixSort(keys, 24, 64)
		if !slices.Equal(keys, want) {
			t.Errorf("%d keys: not sorted", n)
		}
	}
}

// segmentSeed returns a segment that follows the cache b, made as Advance and
// EncodeNext make one.
func segmentSeed(f *testing.F, b []byte) []byte {
	h, err := Decode(b)
	if err != nil {
		f.Fatal(err)
	}
	at := h.Time.Add(time.Hour)
	c3, blob := strings.Repeat("e", 40), strings.Repeat("f", 40)
	p := Person{Name: "Regione", Email: "piano@regione.it", When: at}
	h.prepend([]Commit{{Hash: c3, Parents: []string{h.Head, c3}, Author: p, Committer: p, Message: "Merge again\n", Signed: true}})
	h.Head, h.Time = c3, at
	h.Files["content/c.yaml"] = &Provenance{Path: "content/c.yaml", Blob: blob, Commit: c3, Author: p, Committer: p, Message: "Merge again", Signed: true, Landed: at, LandedCommit: c3}
	delete(h.Files, "content/b.md")
	h.Changes["content/a.md"] = append(h.Changes["content/a.md"], &Change{Commit: c3, Author: p, Committer: p, Message: "Merge again", Landed: at, LandedCommit: c3, Deleted: true})
	h.Retired["content/v.yaml.sig"] = append(h.Retired["content/v.yaml.sig"], Retirement{Blob: c3, By: c3, When: at})
	h.Signatures[c3] = &Signature{Text: "-----BEGIN PGP SIGNATURE-----\n", Payload: "tree y\n"}
	delete(h.Signatures, strings.Repeat("a", 40))
	h.cache.delta = &delta{commits: 1,
		files:   map[string]bool{"content/c.yaml": true, "content/b.md": true},
		changes: map[string]int{"content/a.md": 1},
		retired: map[string]int{"content/v.yaml.sig": 2},
		sigs:    map[string]bool{c3: true, strings.Repeat("a", 40): true}}
	seg, whole, err := h.EncodeNext()
	if err != nil || whole {
		f.Fatalf("EncodeNext: whole %v, %v", whole, err)
	}
	if d, err := Decode(append(bytes.Clone(b), seg...)); err != nil || d.Files["content/c.yaml"] == nil || d.Head != c3 {
		f.Fatalf("the seed's segment does not decode: %v", err)
	}
	return seg
}

// A segment's checksum keeps most of a fuzzer's changes from reaching its parser: the
// payload is fuzzed here, after a base, checksum aside. Whatever it holds, applying it
// never panics, and what it makes encodes and decodes back the same.
func FuzzApplySegment(f *testing.F) {
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	c1, blob := strings.Repeat("a", 40), strings.Repeat("d", 40)
	p := Person{Name: "Ufficio", Email: "piano@mef.gov.it", When: at}
	h := &History{Head: c1, Branch: "refs/heads/main", Time: at, Prefix: "content/",
		Commits:    []Commit{{Hash: c1, Author: p, Committer: p, Message: "First\n"}},
		Files:      map[string]*Provenance{"content/a.md": {Path: "content/a.md", Blob: blob, Commit: c1, Author: p, Committer: p, Message: "First", Landed: at, LandedCommit: c1}},
		Changes:    map[string][]*Change{"content/a.md": {{Blob: blob, Commit: c1, Author: p, Committer: p, Message: "First", Landed: at, LandedCommit: c1}}},
		Retired:    map[string][]Retirement{"content/v.yaml.sig": {{Blob: blob, By: c1, When: at}}},
		Signatures: map[string]*Signature{c1: {Text: "sig", Payload: "tree x\n"}},
	}
	base, err := h.Encode()
	if err != nil {
		f.Fatal(err)
	}
	seg := segmentSeed(f, base)
	f.Add(seg[recordHead : len(seg)-recordTail])
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, payload []byte) {
		rec, start := beginRecord(bytes.Clone(base), recordSegment)
		rec = append(rec, payload...)
		rec, err := endRecord(rec, start)
		if err != nil {
			return
		}
		d, err := Decode(rec)
		if err != nil {
			return
		}
		again, err := d.Encode()
		if err != nil {
			t.Fatalf("a decoded History does not encode: %v", err)
		}
		d2, err := Decode(again)
		if err != nil {
			t.Fatalf("an encoded History does not decode: %v", err)
		}
		j1, _ := json.Marshal(d)
		j2, _ := json.Marshal(d2)
		if !bytes.Equal(j1, j2) {
			t.Fatalf("round trip changed the History:\n%s\n%s", j1, j2)
		}
	})
}
