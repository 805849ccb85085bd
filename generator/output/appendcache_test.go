package output

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
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

// TestCacheFileCommitsOnceAndClearsWhatKilledBuildsLeft: a cache file is committed or
// aborted once (what follows does nothing, and never removes another writer's file);
// creating one removes the temporary files of the same cache that nobody wrote to for an
// hour (a killed build's), and leaves a recent one (a build writing it now).
func TestCacheFileCommitsOnceAndClearsWhatKilledBuildsLeft(t *testing.T) {
	dir := t.TempDir()
	c, err := CreateCache(dir, cacheName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Write([]byte("uno")); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := c.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	c.Abort() // after Commit: nothing
	full := filepath.Join(dir, filepath.FromSlash(cacheName))
	if data, err := os.ReadFile(full); err != nil || string(data) != "uno" {
		t.Fatalf("the committed cache: %q, %v", data, err)
	}

	old := filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+".tmp-killed")
	recent := filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+".tmp-writing")
	other := filepath.Join(filepath.Dir(full), ".other.bin.tmp-killed")
	for _, f := range []string{old, recent, other} {
		if err := os.WriteFile(f, []byte("a part"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hours := time.Now().Add(-2 * time.Hour)
	for _, f := range []string{old, other} {
		if err := os.Chtimes(f, hours, hours); err != nil {
			t.Fatal(err)
		}
	}
	c, err = CreateCache(dir, cacheName)
	if err != nil {
		t.Fatal(err)
	}
	c.Abort()
	c.Abort()
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("a killed build's temporary file is still there (%v)", err)
	}
	for _, f := range []string{recent, other} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s was removed: %v", filepath.Base(f), err)
		}
	}
	if data, err := os.ReadFile(full); err != nil || string(data) != "uno" {
		t.Errorf("an aborted cache file changed the cache: %q, %v", data, err)
	}
}
