package output

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
)

// build writes files into dest through a Dir and commits.
func build(t *testing.T, dest string, files map[string]string) {
	t.Helper()
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for n, c := range files {
		if err := d.WriteFile(n, []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
}

// tree reads every file under dir.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// inode identifies the file at p, and its modification time.
func inode(t *testing.T, p string) (uint64, int64) {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Ino, fi.ModTime().UnixNano()
}

func sameTree(t *testing.T, got, want map[string]string) {
	t.Helper()
	var names []string
	for n := range want {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := want[n]; !ok {
			t.Errorf("%s is in the destination and not in the new site", n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		if got[n] != want[n] {
			t.Errorf("%s = %q, want %q", n, got[n], want[n])
		}
	}
}

func onlyDestBeside(t *testing.T, dest string) {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the destination: %v, want only %s", names, filepath.Base(dest))
	}
}

func TestRebuildOverPreviousSiteRewritesOnlyTheChangedFiles(t *testing.T) {
	if !inPlaceSupported {
		t.Skip("every build writes a whole new folder on this system")
	}
	dest := filepath.Join(t.TempDir(), "public")
	first := map[string]string{"index.html": "home", "proposals/a/index.html": "a", "proposals/b/index.html": "b", "gone/index.html": "gone", "gone/deep/x.csv": "x"}
	build(t, dest, first)
	keptIno, keptTime := inode(t, filepath.Join(dest, "proposals/a/index.html"))
	changedIno, _ := inode(t, filepath.Join(dest, "proposals/b/index.html"))

	second := map[string]string{"index.html": "home", "proposals/a/index.html": "a", "proposals/b/index.html": "b, edited", "proposals/c/index.html": "c"}
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for n, c := range second {
		if err := d.WriteFile(n, []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	// Before the commit the temporary folder holds only what changed or is new.
	sameTree(t, tree(t, d.Temp()), map[string]string{"proposals/b/index.html": "b, edited", "proposals/c/index.html": "c"})
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, tree(t, dest), second)
	if ino, mt := inode(t, filepath.Join(dest, "proposals/a/index.html")); ino != keptIno || mt != keptTime {
		t.Errorf("an unchanged file was rewritten (inode %d→%d, mtime %d→%d)", keptIno, ino, keptTime, mt)
	}
	if ino, _ := inode(t, filepath.Join(dest, "proposals/b/index.html")); ino == changedIno {
		t.Errorf("a changed file kept its inode: it was written in place, not renamed in")
	}
	if _, err := os.Stat(filepath.Join(dest, "gone")); !os.IsNotExist(err) {
		t.Errorf("the folder of a removed page is still there")
	}
	onlyDestBeside(t, dest)
}

func TestAbortedRebuildLeavesThePreviousSiteExactlyAsItWas(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	first := map[string]string{"index.html": "home", "proposals/a/index.html": "a"}
	build(t, dest, first)
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	_ = d.WriteFile("index.html", []byte("new home"))
	_ = d.WriteFile("proposals/z/index.html", []byte("z"))
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, tree(t, dest), first)
	onlyDestBeside(t, dest)
}

func TestCommitKilledHalfwayIsFinishedByTheNextBuild(t *testing.T) {
	if !inPlaceSupported {
		t.Skip("every build writes a whole new folder on this system")
	}
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"})
	second := map[string]string{"index.html": "home 2", "a/index.html": "a", "c/index.html": "c"}
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for n, c := range second {
		if err := d.WriteFile(n, []byte(c)); err != nil {
			t.Fatal(err)
		}
	}
	// The commit is decided (the journal is written), one file is moved in, and the
	// process dies.
	if err := writeJournal(dest, journal{Staging: filepath.Base(d.Temp()), Remove: []string{"b/index.html"}}); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(d.Temp(), "index.html"), filepath.Join(dest, "index.html")); err != nil {
		t.Fatal(err)
	}
	next, err := NewDir(dest) // the next build finishes the commit first
	if err != nil {
		t.Fatal(err)
	}
	defer next.Abort()
	sameTree(t, tree(t, dest), second)
	if _, err := os.Stat(journalName(dest)); !os.IsNotExist(err) {
		t.Errorf("the journal is still there")
	}
	if _, err := os.Stat(d.Temp()); !os.IsNotExist(err) {
		t.Errorf("the killed build's temporary folder is still there")
	}
}

func TestRebuildWhereFilesBecomeFoldersAndFoldersFiles(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	build(t, dest, map[string]string{"index.html": "home", "x": "a file", "y/index.html": "in a folder"})
	second := map[string]string{"index.html": "home", "x/index.html": "now a folder", "y": "now a file"}
	build(t, dest, second)
	sameTree(t, tree(t, dest), second)
	onlyDestBeside(t, dest)
}

func TestPreviousSiteWithASymbolicLinkIsReplacedWhole(t *testing.T) {
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	build(t, dest, map[string]string{"index.html": "home", "a/index.html": "a"})
	outside := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.MkdirAll(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "index.html"), []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dest, "b")); err != nil {
		t.Fatal(err)
	}
	second := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	build(t, dest, second)
	if fi, err := os.Lstat(filepath.Join(dest, "b")); err != nil || fi.Mode()&os.ModeSymlink != 0 {
		t.Fatalf("b is still a symbolic link (or missing: %v)", err)
	}
	sameTree(t, tree(t, dest), second)
	if b, _ := os.ReadFile(filepath.Join(outside, "index.html")); string(b) != "b" {
		t.Errorf("a file outside the destination was touched")
	}
}

// TestKeepLeavesThePreviousFile: a file kept is the destination's own, left as it was
// (even when it holds other bytes than the build would write: the caller knows it is
// current); a file not kept goes; keeping needs a previous site with the file, and a
// path is kept or written once.
func TestKeepLeavesThePreviousFile(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Keep("a.html"); ok || err != nil {
		t.Fatalf("kept a file of an empty destination: %v %v", ok, err)
	}
	_ = d.Abort()
	build(t, dest, map[string]string{"a.html": "A", "b/c.html": "C", "old.html": "O"})
	d, err = NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := d.Keep("a.html"); !ok || err != nil {
		t.Fatalf("Keep a.html: %v %v", ok, err)
	}
	if ok, _ := d.Keep("missing.html"); ok {
		t.Error("kept a file the destination does not have")
	}
	if _, err := d.Keep("a.html"); err == nil {
		t.Error("a.html kept twice")
	}
	if err := d.WriteFile("a.html", []byte("A2")); err == nil {
		t.Error("a.html kept then written")
	}
	if ok, err := d.Keep("b/c.html"); !ok || err != nil {
		t.Fatalf("Keep b/c.html: %v %v", ok, err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	got := tree(t, dest)
	if len(got) != 2 || got["a.html"] != "A" || got["b/c.html"] != "C" {
		t.Errorf("after the commit: %v", got)
	}
}

// TestStreamedFilesAreKeptOrReplacedAsWrittenOnes: a file written as it is made
// (WriteStream) is written whole into a new site, and over a previous site it is kept
// when its bytes are the destination's (compared in chunks, so a difference in the last
// byte of a large file counts) and replaced otherwise, as WriteFile does.
func TestStreamedFilesAreKeptOrReplacedAsWrittenOnes(t *testing.T) {
	if !inPlaceSupported {
		t.Skip("every build writes a whole new folder on this system")
	}
	big := strings.Repeat("0123456789abcdef", 20<<10) // 320 KB: several chunks of the comparison
	lastByte := big[:len(big)-1] + "!"
	stream := func(content string) func(io.Writer) error {
		return func(w io.Writer) error {
			for rest := content; rest != ""; { // in pieces, as a dataset is written
				n := min(len(rest), 1000)
				if _, err := io.WriteString(w, rest[:n]); err != nil {
					return err
				}
				rest = rest[n:]
			}
			return nil
		}
	}
	write := func(dest string, files map[string]string) *Dir {
		t.Helper()
		d, err := NewDir(dest)
		if err != nil {
			t.Fatal(err)
		}
		for n, c := range files {
			if err := Stream(d, n, stream(c)); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	dest := filepath.Join(t.TempDir(), "public")
	first := map[string]string{"api/v1/votes.json": big, "api/v1/votes.csv": big, "api/v1/plan.json": "plan", "api/v1/empty.json": ""}
	d := write(dest, first)
	sameTree(t, tree(t, d.Temp()), first)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, tree(t, dest), first)
	keptIno, keptTime := inode(t, filepath.Join(dest, "api/v1/votes.json"))
	changedIno, _ := inode(t, filepath.Join(dest, "api/v1/votes.csv"))

	second := map[string]string{"api/v1/votes.json": big, "api/v1/votes.csv": lastByte, "api/v1/plan.json": "plan, longer", "api/v1/empty.json": "", "api/v1/new.json": "new"}
	d = write(dest, second)
	sameTree(t, tree(t, d.Temp()), map[string]string{"api/v1/votes.csv": lastByte, "api/v1/plan.json": "plan, longer", "api/v1/new.json": "new"})
	if err := Stream(d, "api/v1/new.json", stream("again")); err == nil || !strings.Contains(err.Error(), "written twice") {
		t.Errorf("a second stream at one path: %v, want an error", err)
	}
	failed := errors.New("the dataset failed")
	if err := Stream(d, "api/v1/failed.json", func(io.Writer) error { return failed }); !errors.Is(err, failed) {
		t.Errorf("a stream that fails: %v, want its error", err)
	}
	if err := Stream(d, "../outside.json", stream("x")); err == nil {
		t.Errorf("a stream outside the folder was accepted")
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, tree(t, dest), first) // an aborted build leaves the previous site

	d = write(dest, second)
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	sameTree(t, tree(t, dest), second)
	if ino, mt := inode(t, filepath.Join(dest, "api/v1/votes.json")); ino != keptIno || mt != keptTime {
		t.Errorf("an unchanged streamed file was rewritten (inode %d→%d, mtime %d→%d)", keptIno, ino, keptTime, mt)
	}
	if ino, _ := inode(t, filepath.Join(dest, "api/v1/votes.csv")); ino == changedIno {
		t.Errorf("a streamed file changed in its last byte kept its inode")
	}
	onlyDestBeside(t, dest)
}
