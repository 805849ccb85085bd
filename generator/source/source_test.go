package source

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

func TestReadFileNeverLeavesTheFolder(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "content"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "content/ok.md"), []byte("ok"), 0o644))
	must(os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "content/abs-link")))
	must(os.Symlink("../../"+filepath.Base(outside)+"/secret", filepath.Join(dir, "content/rel-link")))
	must(os.Symlink(outside, filepath.Join(dir, "content/dir-link")))
	must(os.Symlink("ok.md", filepath.Join(dir, "content/inside-link")))
	f, err := Open(dir)
	must(err)
	defer f.Close()
	if b, err := f.ReadFile("content/ok.md"); err != nil || string(b) != "ok" {
		t.Fatalf("ReadFile(content/ok.md) = %q, %v", b, err)
	}
	if b, err := f.ReadFile("content/inside-link"); err != nil || string(b) != "ok" {
		t.Errorf("a link that stays inside: %q, %v", b, err)
	}
	for _, name := range []string{"content/abs-link", "content/rel-link", "content/dir-link/secret", "../secret", "/etc/passwd"} {
		if b, err := f.ReadFile(name); err == nil {
			t.Errorf("ReadFile(%q) read %q from outside the folder", name, b)
		}
	}
}

func TestReadFileNoFollowRefusesEveryLink(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, ".git"), 0o755))
	must(os.MkdirAll(filepath.Join(dir, "content/practices/x"), 0o755))
	must(os.WriteFile(filepath.Join(dir, ".git/config"), []byte("token"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "content/practices/x/ok.csv"), []byte("a,b"), 0o644))
	must(os.Symlink("../../../.git/config", filepath.Join(dir, "content/practices/x/config")))
	must(os.Symlink("x", filepath.Join(dir, "content/practices/y")))
	f, err := Open(dir)
	must(err)
	defer f.Close()
	if b, err := f.ReadFileNoFollow("content/practices/x/ok.csv", 0); err != nil || string(b) != "a,b" {
		t.Fatalf("a plain file: %q, %v", b, err)
	}
	for _, name := range []string{"content/practices/x/config", "content/practices/y/ok.csv"} {
		b, err := f.ReadFileNoFollow(name, 0)
		if !errors.Is(err, ErrSymlink) {
			t.Errorf("ReadFileNoFollow(%q) = %q, %v; want ErrSymlink", name, b, err)
		}
	}
	// The same without openat2, as on other systems.
	slow := &FS{root: f.root, fsys: f.fsys}
	for _, name := range []string{"content/practices/x/config", "content/practices/y/ok.csv"} {
		if b, err := slow.ReadFileNoFollow(name, 0); !errors.Is(err, ErrSymlink) {
			t.Errorf("without openat2, ReadFileNoFollow(%q) = %q, %v; want ErrSymlink", name, b, err)
		}
	}
}

// TestReadFileReadsEverySize: a file is read whole, whatever its size against the read
// buffer (64 KiB, grown for larger files), many times in a row and at once; with a
// limit, a file over it is read up to a byte past it, and a file within it whole. What
// is returned is the file's size (a buffer grown as it reads would keep up to twice
// it). A folder read as a file is an error.
func TestReadFileReadsEverySize(t *testing.T) {
	dir := t.TempDir()
	sizes := []int{0, 1, 511, 512, 513, 64<<10 - 1, 64 << 10, 64<<10 + 1, 200 << 10, 3 << 20}
	want := map[string][]byte{}
	for _, n := range sizes {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + n)
		}
		name := filepath.Join("c", "f"+strconv.Itoa(n))
		if err := os.MkdirAll(filepath.Join(dir, "c"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		want[filepath.ToSlash(name)] = data
	}
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 3 {
				for name, data := range want {
					got, err := f.ReadFileNoFollow(name, 0)
					if err != nil || !bytes.Equal(got, data) {
						t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(data))
					}
					if cap(got) > len(got)+len(got)/8+8 { // the allocator's size classes, no more
						t.Errorf("%s: kept %d bytes for %d", name, cap(got), len(got))
					}
				}
			}
		})
	}
	wg.Wait()
	for name, data := range want {
		const limit = 1000
		got, err := f.ReadFileLimit(name, limit)
		switch {
		case err != nil:
			t.Errorf("%s with a limit: %v", name, err)
		case len(data) <= limit && !bytes.Equal(got, data):
			t.Errorf("%s with a limit: %d bytes, want all %d", name, len(got), len(data))
		case len(data) > limit && (len(got) <= limit || !bytes.Equal(got, data[:len(got)])):
			t.Errorf("%s with a limit: %d bytes, want the first bytes past %d", name, len(got), limit)
		}
	}
	if _, err := f.ReadFile("c"); err == nil {
		t.Error("a folder read as a file")
	}
}
