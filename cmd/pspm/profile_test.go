package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildWritesProfiles: pspm build --cpuprofile and --memprofile each write a profile
// that go tool pprof reads (a gzipped protocol buffer), and --trace an execution trace
// that go tool trace reads, beside the portal; an unwritable path fails the build before
// it starts, leaving no output.
func TestBuildWritesProfiles(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir}, &out, &errb); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errb.String())
	}
	magic := map[string]string{"--cpuprofile": "\x1f\x8b", "--memprofile": "\x1f\x8b", "--trace": "go 1."}
	for _, flag := range []string{"--cpuprofile", "--memprofile", "--trace"} {
		prof := filepath.Join(t.TempDir(), "build.prof")
		dest := filepath.Join(t.TempDir(), "public")
		if code := run([]string{"build", "-s", dir, "-d", dest, flag, prof}, &out, &errb); code != 0 {
			t.Fatalf("build %s: exit %d: %s", flag, code, errb.String())
		}
		data, err := os.ReadFile(prof)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte(magic[flag])) || len(data) < 1000 {
			t.Errorf("%s: %d bytes starting % x, want a file starting %q", flag, len(data), data[:min(len(data), 8)], magic[flag])
		}
		if _, err := os.Stat(filepath.Join(dest, "index.html")); err != nil {
			t.Errorf("build with %s wrote no portal: %v", flag, err)
		}
		dest2 := filepath.Join(t.TempDir(), "public")
		errb.Reset()
		if code := run([]string{"build", "-s", dir, "-d", dest2, flag, filepath.Join(dir, "no", "such", "folder", "p")}, &out, &errb); code == 0 {
			t.Errorf("build with an unwritable %s: exit 0", flag)
		}
		if _, err := os.Stat(dest2); !os.IsNotExist(err) {
			t.Errorf("build with an unwritable %s wrote %s: %v", flag, dest2, err)
		}
	}
}

// TestBuildVerboseReportsStagesAndMemory: pspm build -v prints the time of each stage and
// the build's memory: its largest live heap and what it held outside the heap.
func TestBuildVerboseReportsStagesAndMemory(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir}, &out, &errb); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errb.String())
	}
	errb.Reset()
	if code := run([]string{"build", "-v", "-s", dir, "-d", filepath.Join(t.TempDir(), "public")}, &out, &errb); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"  load ", "  render ", "  memory: largest live heap "} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("build -v printed no %q:\n%s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), "largest live heap 0 MB") {
		t.Errorf("build -v reported no live heap:\n%s", errb.String())
	}
}
