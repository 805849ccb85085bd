package source

import (
	"errors"
	"os"
	"path/filepath"
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
