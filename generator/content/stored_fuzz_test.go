package content

import (
	"encoding/binary"
	"hash/crc32"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
)

// FuzzContentCache feeds DecodeStore arbitrary stores, and the same bytes again framed
// as a store of the right layout and configuration with a correct checksum (which the
// fuzzer would hardly find), so that the entries' decoder sees them too. Nothing may
// panic, and what does not decode is refused whole. Seeds are in
// testdata/fuzz/FuzzContentCache.
func FuzzContentCache(f *testing.F) {
	cfg := config.Default()
	fsys := fstest.MapFS{
		"content/plan/_index.md":                     {Data: []byte("---\ntitle: P\nowner: m_ef\n---\nIl piano.\n")},
		"content/plan/actions/a1.md":                 {Data: []byte("---\ntitle: A\nobjective: o1\ndue: 2026-01-01\n---\n[x](nope.md)\n")},
		"content/proposals/p1/index.md":              {Data: []byte("---\ntitle: P1\nbody: c_h223\ndate: 2025-01-02T10:00:00+01:00\ntags: [a]\n---\nTesto.\n")},
		"content/proposals/p1/reactions/c_h223.yaml": {Data: []byte("vote: support\n")},
		"content/proposals/p1/reactions/c_h224.yaml": {Data: []byte("vote: maybe\n")},
	}
	known := func(file string) (string, bool) { return file, true }
	_, _, data, _ := LoadStored(fsys, cfg, "test", nil, known)
	if data == nil {
		f.Fatal("nothing stored")
	}
	f.Add(data)
	f.Add(data[len(storeMagic)+64 : len(data)-4])
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, d := range [][]byte{data, frame(cfg, data)} {
			st, err := DecodeStore(d, cfg, "test")
			if err != nil {
				if st != nil {
					t.Fatal("a store with an error")
				}
				continue
			}
			for _, r := range st.records {
				_, _ = decodeResult(r.result)
			}
			_, _, _, _ = LoadStored(fsys, cfg, "test", st, known)
		}
	})
}

// frame makes entries a store of the right layout and configuration for cfg.
func frame(cfg *config.Config, entries []byte) []byte {
	h, _ := configHash(cfg, "test")
	buf := append([]byte(storeMagic), layout[:]...)
	buf = append(buf, h[:]...)
	buf = append(buf, entries...)
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
}

// TestStoreOfAnotherLayoutIsIgnored: a store whose types' layout hash is not this pspm's
// (written by another version) is refused, even with a correct checksum.
func TestStoreOfAnotherLayoutIsIgnored(t *testing.T) {
	cfg := config.Default()
	fsys := fstest.MapFS{"content/plan/_index.md": {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")}}
	_, _, data, _ := LoadStored(fsys, cfg, "test", nil, func(string) (string, bool) { return "b", true })
	if _, err := DecodeStore(data, cfg, "test"); err != nil {
		t.Fatal(err)
	}
	other := append([]byte{}, data[:len(data)-4]...)
	other[len(storeMagic)] ^= 1
	other = binary.LittleEndian.AppendUint32(other, crc32.ChecksumIEEE(other))
	if _, err := DecodeStore(other, cfg, "test"); err == nil {
		t.Error("a store of another layout was accepted")
	}
}
