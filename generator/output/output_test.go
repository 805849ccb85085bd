package output

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckPathRefusesEscapes(t *testing.T) {
	for _, bad := range []string{"", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", `a\b`, "a\x00b", ".", "a/"} {
		if CheckPath(bad) == nil {
			t.Errorf("CheckPath(%q) accepted a path that is not clean and inside", bad)
		}
	}
	for _, good := range []string{"index.html", "a/b/index.html", "proposals/x/scheda.csv", ".well-known/x"} {
		if err := CheckPath(good); err != nil {
			t.Errorf("CheckPath(%q) = %v", good, err)
		}
	}
}

func TestCommitSwapsTheWholeFolder(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	write := func(files map[string]string) {
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
	write(map[string]string{"index.html": "one", "old/page.html": "old"})
	write(map[string]string{"index.html": "two", "new/page.html": "new"})
	if b, _ := os.ReadFile(filepath.Join(dest, "index.html")); string(b) != "two" {
		t.Errorf("index.html = %q, want two", b)
	}
	if _, err := os.Stat(filepath.Join(dest, "old/page.html")); !os.IsNotExist(err) {
		t.Errorf("a file of the previous build survived the swap")
	}
	entries, _ := os.ReadDir(filepath.Dir(dest))
	if len(entries) != 1 {
		t.Errorf("the parent folder holds %d entries after the swap, want only public", len(entries))
	}
}

func TestAbortLeavesThePreviousOutputUntouched(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "public")
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dest, "index.html"), []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("index.html", []byte("half")); err != nil {
		t.Fatal(err)
	}
	if err := d.Abort(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "index.html")); string(b) != "previous" {
		t.Errorf("index.html = %q after an aborted build, want previous", b)
	}
	if _, err := os.Stat(d.Temp()); !os.IsNotExist(err) {
		t.Errorf("the temporary folder was not removed")
	}
}

func TestWriteFileRefusesPathsOutsideTheFolder(t *testing.T) {
	dir := t.TempDir()
	d, err := NewDir(filepath.Join(dir, "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if err := d.WriteFile("../escape.html", []byte("x")); err == nil {
		t.Fatal("wrote outside the destination")
	}
	if _, err := os.Stat(filepath.Join(dir, "escape.html")); !os.IsNotExist(err) {
		t.Fatal("a file escaped the destination")
	}
}

func TestMemRefusesTwoFilesAtOnePath(t *testing.T) {
	m := NewMem()
	if err := m.WriteFile("a.html", nil); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteFile("a.html", nil); err == nil {
		t.Fatal("two writes to one path were accepted")
	}
}

func TestCreateFileNeverOverwritesUnlessAsked(t *testing.T) {
	dir := t.TempDir()
	if _, err := CreateFile(dir, "content/x.yaml", []byte("a"), false); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateFile(dir, "content/x.yaml", []byte("b"), false); err == nil {
		t.Fatal("overwrote an existing file")
	}
	if _, err := CreateFile(dir, "content/x.yaml", []byte("c"), true); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "content/x.yaml")); string(b) != "c" {
		t.Fatalf("content = %q, want c", b)
	}
}

func TestDirRefusesToWriteAPathTwice(t *testing.T) {
	d, err := NewDir(filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Abort()
	if err := d.WriteFile("practices/x/index.html", []byte("the page")); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("practices/x/index.html", []byte("an attachment")); err == nil {
		t.Fatal("a second file at the same path was written")
	}
	b, err := os.ReadFile(filepath.Join(d.Temp(), "practices/x/index.html"))
	if err != nil || string(b) != "the page" {
		t.Errorf("the first file became %q, %v", b, err)
	}
}

func TestMemRefusesToWriteAPathTwice(t *testing.T) {
	m := NewMem()
	if err := m.WriteFile("a/index.html", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteFile("a/index.html", []byte("two")); err == nil || string(m.Files()["a/index.html"]) != "one" {
		t.Errorf("second write: %v; file %q", err, m.Files()["a/index.html"])
	}
}

// TestDirForgetsOldFoldersAndStillWritesIntoThem: a Dir remembers the folders it made
// only lately (madeUpTo); a file in a folder it forgot, or in one below it, is still
// written, and every file is where it belongs after the commit.
func TestDirForgetsOldFoldersAndStillWritesIntoThem(t *testing.T) {
	defer func(n int) { madeUpTo = n }(madeUpTo)
	madeUpTo = 3
	dest := filepath.Join(t.TempDir(), "public")
	d, err := NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for i := range 10 {
		names = append(names, fmt.Sprintf("proposals/p%d/index.html", i))
	}
	// Back to the first folders once they are forgotten, and below them.
	names = append(names, "proposals/p0/index.xml", "proposals/p1/a/b/index.html", "proposals/p9/index.xml")
	for _, n := range names {
		if err := d.WriteFile(n, []byte(n)); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
	}
	if len(d.made) > madeUpTo {
		t.Errorf("the Dir remembers %d folders, more than %d", len(d.made), madeUpTo)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if b, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(n))); err != nil || string(b) != n {
			t.Errorf("%s: %q, %v", n, b, err)
		}
	}
}
