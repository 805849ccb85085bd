package output

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// walkedFiles is what filepath.WalkDir finds under dest: the regular files, and false
// when anything else but a folder is there.
func walkedFiles(t *testing.T, dest string) (map[string]bool, bool) {
	t.Helper()
	files, ok := map[string]bool{}, true
	err := filepath.WalkDir(dest, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			return nil
		}
		if !de.Type().IsRegular() {
			ok = false
			return fs.SkipAll
		}
		rel, _ := filepath.Rel(dest, p)
		files[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil || !ok {
		return nil, false
	}
	return files, true
}

// TestListFilesFindsWhatAWalkFinds: the listing of a previous site finds the files a
// walk finds, in folders of every depth, with many entries, hidden ones and names of any
// bytes, and refuses what a walk refuses: a symbolic link (to a file or a folder), a
// named pipe, a destination that is a link or is missing.
func TestListFilesFindsWhatAWalkFinds(t *testing.T) {
	dest := t.TempDir()
	write := func(name string) {
		full := filepath.Join(dest, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html")
	write(".hidden")
	write("a/b/c/d/e/index.html")
	write("a-b/x")
	write("perché/è.html")
	for i := range 3000 { // more entries than one read of the folder returns
		write("proposals/" + string(rune('a'+i%26)) + "-" + strconv.Itoa(i) + "/index.html")
	}
	if err := os.MkdirAll(filepath.Join(dest, "empty/deeper"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, ok := listFiles(dest)
	want, wantOK := walkedFiles(t, dest)
	if !ok || !wantOK || !maps.Equal(got, want) {
		t.Fatalf("listed %d files (%v), a walk finds %d (%v)", len(got), ok, len(want), wantOK)
	}
	if got, ok := previousFiles(dest); !ok || len(got) != len(want) {
		t.Fatalf("previousFiles: %d files, %v", len(got), ok)
	}

	refused := func(what string, make func(dir string) string) {
		t.Helper()
		dir := t.TempDir()
		write := filepath.Join(dir, "a", "index.html")
		if err := os.MkdirAll(filepath.Dir(write), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(write, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		at := make(dir)
		if _, ok := listFiles(at); ok {
			t.Errorf("%s: listed", what)
		}
		if _, ok := walkedFiles(t, at); ok {
			t.Errorf("%s: a walk accepts it: the test is wrong", what)
		}
	}
	refused("a link to a file", func(dir string) string {
		must(t, os.Symlink(filepath.Join(dir, "a", "index.html"), filepath.Join(dir, "a", "link.html")))
		return dir
	})
	refused("a link to a folder", func(dir string) string {
		must(t, os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "b")))
		return dir
	})
	refused("a named pipe", func(dir string) string {
		must(t, syscall.Mkfifo(filepath.Join(dir, "a", "pipe"), 0o644))
		return dir
	})
	refused("a destination that is a link", func(dir string) string {
		link := filepath.Join(t.TempDir(), "public")
		must(t, os.Symlink(dir, link))
		return link
	})
	if _, ok := listFiles(filepath.Join(dest, "missing")); ok {
		t.Error("a missing destination is listed")
	}
	if _, ok := previousFiles(filepath.Join(dest, "empty")); ok {
		t.Error("an empty destination is a previous site")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
