package generator_test

import (
	"crypto/sha256"
	"encoding/hex"
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
// a fixed size, never copied to grow, and given back in the order they were written, with
// their sizes and sums; past a number of files in memory, the older blocks go to a
// temporary file, and come back the same.
func TestTheRecordKeepsItsFilesInBlocks(t *testing.T) {
	for _, c := range []struct {
		n, spill int
		spilled  bool
	}{{10000, 0, false}, {30000, 8192, true}, {8192, 8192, false}, {8193, 8192, true}, {12289, 8192, true}} {
		entries, blocks, spilled := generator.RecordFiles(c.n, c.spill)
		if len(entries) != c.n {
			t.Fatalf("%+v: %d files given back, %d recorded", c, len(entries), c.n)
		}
		for i, e := range entries {
			data := []byte(strconv.Itoa(i % 1000))
			sum := sha256.Sum256(data)
			if e.Path != strconv.Itoa(i) || e.Size != int64(len(data)) || e.SHA256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("%+v: file %d given back as %+v", c, i, e)
			}
		}
		if len(blocks) < 1 || !c.spilled && len(blocks) < c.n/4096 {
			t.Fatalf("%+v: %d blocks for %d files", c, len(blocks), c.n)
		}
		for i, b := range blocks {
			if b[1] != blocks[0][1] || (i < len(blocks)-1 && b[0] != b[1]) {
				t.Errorf("%+v: block %d holds %d of %d (the first's capacity %d): grown, or not filled", c, i, b[0], b[1], blocks[0][1])
			}
		}
		switch {
		case c.spilled && (spilled == 0 || len(blocks)*4096 > c.spill+4096):
			t.Errorf("%+v: %d files in the temporary file, %d blocks in memory", c, spilled, len(blocks))
		case !c.spilled && spilled > 0:
			t.Errorf("%+v: %d files in a temporary file, under the bound", c, spilled)
		}
	}
}

// TestRecordsSpilledToATemporaryFileGiveTheSameBuild: a build whose records of the files
// written and of the pages' fingerprints go to temporary files past a few in memory, as a
// large site's do, gives the cold build's bytes, its build record included; the page cache
// it saves from them keeps most pages of the build after a vote; and no temporary file is
// left.
func TestRecordsSpilledToATemporaryFileGiveTheSameBuild(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	g := newGitRepo(t, "author", "")
	dest := filepath.Join(t.TempDir(), "public")
	spilled := func() *generator.Result {
		defer generator.SpillRecordsAbove(16, 8)()
		before := generator.RecordSpills()
		res := g.incrBuild(dest)
		if generator.RecordSpills() == before {
			t.Fatal("no record written to a temporary file")
		}
		return res
	}
	cold := g.coldFiles()
	spilled()
	sameAsCold(t, "first build", dest, cold)

	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-01-01T15:00:00Z", marco, "vote")
	cold = g.coldFiles()
	res := spilled()
	sameAsCold(t, "vote", dest, cold)
	if res.Kept == 0 || res.Kept < res.Rendered {
		t.Errorf("vote: %d pages rendered, %d kept; want most kept", res.Rendered, res.Kept)
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) > 0 {
		t.Errorf("temporary files left: %v %v", left, err)
	}
}
