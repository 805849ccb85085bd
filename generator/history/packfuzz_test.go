package history

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// testdata/packs/small.pack is a pack made by git (git repack -a -d -f --depth=10) of
// five commits changing a few files: commits, trees and blobs, whole and as offset
// deltas, 2,484 bytes.

// FuzzPackReadersAgree damages a small real pack (the fuzzer's edits xor bytes of
// it; cut truncates it once it is mapped) and reads every object of its index with
// both object stores, the pack reader and go-git: each either reads the object whose
// hash it was asked for, the same type and bytes for both, or fails, both of them
// (but for the damage only the pack reader sees, see objectStore); neither panics,
// and neither allocates more than the pack can inflate to.
func FuzzPackReadersAgree(f *testing.F) {
	pack, err := os.ReadFile("testdata/packs/small.pack")
	if err != nil {
		f.Fatal(err)
	}
	idx, err := os.ReadFile("testdata/packs/small.idx")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := exec.LookPath("git"); err != nil {
		f.Skip("git not installed")
	}
	f.Add([]byte{}, uint32(0))
	f.Add([]byte{0x02, 0x94, 0x7f}, uint32(0)) // the header of a tree
	f.Add([]byte{0x00, 0x0c, 0x80}, uint32(0)) // the first commit's size
	f.Add([]byte{0x05, 0xc9, 0x10}, uint32(0)) // a delta's base offset
	f.Add([]byte{}, uint32(1500))
	f.Fuzz(func(t *testing.T, edits []byte, cut uint32) {
		data := bytes.Clone(pack)
		for i := 0; i+3 <= len(edits); i += 3 {
			data[int(binary.BigEndian.Uint16(edits[i:]))%len(data)] ^= edits[i+2]
		}
		dir := t.TempDir()
		for _, d := range []string{".git/objects/pack", ".git/refs/heads"} {
			if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		base := filepath.Join(dir, ".git/objects/pack/pack-b79380056057f2200a2330a099288b6c1fc573ba")
		_ = os.WriteFile(filepath.Join(dir, ".git/HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
		_ = os.WriteFile(base+".pack", data, 0o644)
		_ = os.WriteFile(base+".idx", idx, 0o644)
		r, err := open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer r.close()
		packs := packStore{newWalker(&plan{r: r}, r.st)}
		git := gitStore{r.storage()}
		defer git.st.(interface{ Close() error }).Close()

		n := int(binary.BigEndian.Uint32(idx[idxFanout-4:]))
		hashes := make([]plumbing.Hash, n)
		for i := range hashes {
			copy(hashes[i][:], idx[idxFanout+20*i:])
		}
		if cut > 0 && int(cut) < len(data) {
			// Cut the pack under its mapping, which both stores read.
			_ = r.packs()
			if err := os.Truncate(base+".pack", int64(cut)); err != nil {
				t.Fatal(err)
			}
		}
		grew := allocated(func() {
			for _, h := range hashes {
				tp, bp, ep := packs.Object(h, 64<<20)
				tg, bg, eg := git.Object(h, 64<<20)
				switch {
				case errors.Is(ep, errNotInPacks):
					// The walk reads it through go-git.
				case eg == nil && (errors.Is(ep, errInflate) || errors.Is(ep, zlib.ErrChecksum)):
					// The pack reader is as strict as Git, go-git less (see objectStore).
				case (ep == nil) != (eg == nil):
					t.Errorf("object %s: the pack reader says %v, go-git %v", h, ep, eg)
				case ep == nil && (tp != tg || !bytes.Equal(bp, bg)):
					t.Errorf("object %s: the pack reader reads a %s of %d bytes, go-git a %s of %d", h, tp, len(bp), tg, len(bg))
				}
			}
		})
		if grew > 32<<20 {
			t.Errorf("reading a %d-byte pack allocated %d bytes", len(data), grew)
		}
	})
}
