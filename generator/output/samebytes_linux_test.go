package output

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSameBytesTellsEveryDifference: a file is the same as the bytes a build made only
// when it is a regular file with exactly those bytes, however many reads of the buffer
// that takes; a symbolic link to the same bytes, a folder, a shorter or a longer file
// and one byte changed anywhere are not.
func TestSameBytesTellsEveryDifference(t *testing.T) {
	dir := t.TempDir()
	data := []byte(strings.Repeat("0123456789abcdef", 1000)) // 16,000 bytes
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	same := write("same", data)
	if err := os.Symlink(same, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	for _, size := range []int{1, 7, 4096, 64 << 10} {
		buf := make([]byte, size)
		check := func(what, full string, b []byte, want bool) {
			t.Helper()
			got, ok := sameBytes(full, b, buf)
			if !ok || got != want {
				t.Errorf("buffer of %d, %s: same %v (ok %v), want %v", size, what, got, ok, want)
			}
		}
		check("the same bytes", same, data, true)
		check("empty file, no bytes", write("empty", nil), nil, true)
		check("empty file, some bytes", filepath.Join(dir, "empty"), data[:1], false)
		check("a link to the same bytes", filepath.Join(dir, "link"), data, false)
		check("a folder", dir, nil, false)
		check("no file", filepath.Join(dir, "none"), data, false)
		check("a shorter file", write("short", data[:len(data)-1]), data, false)
		check("a longer file", write("long", append(append([]byte(nil), data...), 'x')), data, false)
		for _, at := range []int{0, 1, size - 1, size, len(data) / 2, len(data) - 1} {
			if at < 0 || at >= len(data) {
				continue
			}
			other := append([]byte(nil), data...)
			other[at] ^= 1
			check("one byte changed", write("changed", other), data, false)
		}
	}
}
