package history

import (
	"bytes"
	"testing"

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
		got, err := patch(base, delta)
		if err != nil {
			return
		}
		if want, err := packfile.PatchDelta(base, delta); err == nil && !bytes.Equal(got, want) {
			t.Fatalf("patch = %q, go-git's PatchDelta = %q", got, want)
		}
	})
}
