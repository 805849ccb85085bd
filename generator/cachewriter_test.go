package generator_test

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
)

// TestACacheWrittenInPiecesIsKeptAsAWholeOne: a cache written as it is made (the search
// bundle's) ends as the bytes written, is not rewritten when they are the previous
// cache's (the same file, untouched), is written from the first piece that differs, and
// leaves the previous cache in place when what was written is not whole.
func TestACacheWrittenInPiecesIsKeptAsAWholeOne(t *testing.T) {
	dir := t.TempDir()
	const name = ".pspm/cache/pieces.bin"
	full := filepath.Join(dir, filepath.FromSlash(name))
	read := func() string {
		t.Helper()
		b, err := os.ReadFile(full)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	keep := func(old string, whole bool, pieces ...string) {
		t.Helper()
		var prev []byte
		if old != "" {
			prev = []byte(old)
		}
		if errs := generator.KeepCacheInPieces(dir, name, prev, pieces, whole); len(errs) > 0 {
			t.Fatal(errs)
		}
	}
	keep("", true, "abc", "def")
	if got := read(); got != "abcdef" {
		t.Fatalf("kept %q, want abcdef", got)
	}
	before, err := os.Stat(full)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(full, old, old); err != nil {
		t.Fatal(err)
	}
	keep("abcdef", true, "ab", "cd", "ef")
	after, err := os.Stat(full)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || !after.ModTime().Equal(old) {
		t.Error("the same bytes were written again")
	}
	for _, c := range []struct {
		pieces []string
		want   string
	}{
		{[]string{"abc", "dXf"}, "abcdXf"},                   // differs in a piece
		{[]string{"abcdXf", "gh"}, "abcdXfgh"},               // longer
		{[]string{"abc"}, "abc"},                             // shorter
		{[]string{"", "abc", "", "dXfgh", "i"}, "abcdXfghi"}, // empty pieces
	} {
		keep(read(), true, c.pieces...)
		if got := read(); got != c.want {
			t.Errorf("pieces %q: kept %q, want %q", c.pieces, got, c.want)
		}
	}
	keep(read(), false, "zzz")
	if got := read(); got != "abcdXfghi" {
		t.Errorf("a cache not written whole replaced the previous one: %q", got)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(full), ".*tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestTheRecordKeepsItsFilesInBlocks: the files a build writes are recorded in blocks of
// a fixed size, never copied to grow, and given back in the order they were written.
func TestTheRecordKeepsItsFilesInBlocks(t *testing.T) {
	const n = 10000
	names, blocks := generator.RecordFiles(n)
	if len(names) != n {
		t.Fatalf("%d files given back, %d recorded", len(names), n)
	}
	for i, name := range names {
		if name != strconv.Itoa(i) {
			t.Fatalf("file %d given back as %s", i, name)
		}
	}
	if len(blocks) < 2 {
		t.Fatalf("%d blocks for %d files", len(blocks), n)
	}
	for i, b := range blocks {
		if b[1] != blocks[0][1] || (i < len(blocks)-1 && b[0] != b[1]) {
			t.Errorf("block %d holds %d of %d (the first's capacity %d): grown, or not filled", i, b[0], b[1], blocks[0][1])
		}
	}
}
