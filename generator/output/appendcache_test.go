package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

const cacheName = ".pspm/cache/history.json"

func writeTestCache(t *testing.T, dir string, data []byte) {
	t.Helper()
	if err := WriteCache(dir, cacheName, data); err != nil {
		t.Fatal(err)
	}
}

func readTestCache(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(cacheName)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wholeCalls returns a whole function that counts its calls.
func wholeCalls(data string, n *int) func() ([]byte, error) {
	return func() ([]byte, error) { *n++; return []byte(data), nil }
}

func TestAppendCacheExtendsTheFileRead(t *testing.T) {
	dir := t.TempDir()
	read := bytes.Repeat([]byte("base "), 40000) // over twice the bytes compared at each end
	writeTestCache(t, dir, read)
	var calls int
	if err := AppendCache(dir, cacheName, read, []byte("segment"), wholeCalls("whole", &calls)); err != nil {
		t.Fatal(err)
	}
	if got := readTestCache(t, dir); calls != 0 || !bytes.Equal(got, append(bytes.Clone(read), "segment"...)) {
		t.Errorf("whole called %d times; the file ends %q", calls, got[max(0, len(got)-20):])
	}
}

// A file that another build changed since it was read is never extended: it is
// replaced whole.
func TestAppendCacheRewritesAFileChangedSinceRead(t *testing.T) {
	for name, now := range map[string]string{
		"rewritten":    "bace",      // same size, other bytes
		"extended":     "base+more", // another build appended first
		"shortened":    "bas",
		"gone":         "",
		"not a file":   "/",
		"nothing read": "base",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			read := []byte("base")
			switch now {
			case "":
			case "/":
				if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(cacheName)), 0o755); err != nil {
					t.Fatal(err)
				}
			default:
				writeTestCache(t, dir, []byte(now))
			}
			if name == "nothing read" {
				read = nil
			}
			var calls int
			err := AppendCache(dir, cacheName, read, []byte("segment"), wholeCalls("whole", &calls))
			if now == "/" {
				if err == nil {
					t.Error("a folder at the cache's path was replaced")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := readTestCache(t, dir); calls != 1 || string(got) != "whole" {
				t.Errorf("whole called %d times; the file is %q", calls, got)
			}
		})
	}
}

// A symbolic link at the cache's path that leads outside the folder is not followed.
func TestAppendCacheStaysInsideTheFolder(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "victim")
	if err := os.WriteFile(target, []byte("base"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, filepath.FromSlash(cacheName))
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Skip(err)
	}
	var calls int
	if err := AppendCache(dir, cacheName, []byte("base"), []byte("segment"), wholeCalls("whole", &calls)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "base" {
		t.Errorf("the file outside the folder became %q", b)
	}
	if got := readTestCache(t, dir); string(got) != "whole" {
		t.Errorf("the cache is %q", got)
	}
	if err := AppendCache(dir, "../x", nil, nil, wholeCalls("", &calls)); err == nil {
		t.Error("a path leaving the folder was accepted")
	}
	failing := func() ([]byte, error) { return nil, errors.New("no") }
	if err := AppendCache(dir, cacheName, []byte("nope"), nil, failing); err == nil {
		t.Error("whole's error was dropped")
	}
}
