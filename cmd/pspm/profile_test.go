package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildWritesCPUProfile: pspm build --cpuprofile writes a profile that go tool pprof
// reads (a gzipped protocol buffer), and an unwritable path fails the build before it
// starts, leaving no output.
func TestBuildWritesCPUProfile(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir}, &out, &errb); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errb.String())
	}
	prof := filepath.Join(t.TempDir(), "build.prof")
	dest := filepath.Join(t.TempDir(), "public")
	if code := run([]string{"build", "-s", dir, "-d", dest, "--cpuprofile", prof}, &out, &errb); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Errorf("profile of %d bytes does not start as gzip: % x", len(data), data[:min(len(data), 4)])
	}
	dest2 := filepath.Join(t.TempDir(), "public")
	errb.Reset()
	if code := run([]string{"build", "-s", dir, "-d", dest2, "--cpuprofile", filepath.Join(dir, "no", "such", "folder", "p")}, &out, &errb); code == 0 {
		t.Errorf("build with an unwritable profile: exit 0")
	}
	if _, err := os.Stat(dest2); !os.IsNotExist(err) {
		t.Errorf("build with an unwritable profile wrote %s: %v", dest2, err)
	}
}

// TestBuildWritesMemProfile: pspm build --memprofile writes a profile of the build's
// allocations that go tool pprof reads (a gzipped protocol buffer), and an unwritable path
// fails the build before it starts, leaving no output.
func TestBuildWritesMemProfile(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir}, &out, &errb); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errb.String())
	}
	prof := filepath.Join(t.TempDir(), "mem.prof")
	dest := filepath.Join(t.TempDir(), "public")
	if code := run([]string{"build", "-s", dir, "-d", dest, "--memprofile", prof}, &out, &errb); code != 0 {
		t.Fatalf("build: exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Errorf("profile of %d bytes does not start as gzip: % x", len(data), data[:min(len(data), 4)])
	}
	if _, err := os.Stat(filepath.Join(dest, "index.html")); err != nil {
		t.Errorf("build with --memprofile wrote no portal: %v", err)
	}
	dest2 := filepath.Join(t.TempDir(), "public")
	errb.Reset()
	if code := run([]string{"build", "-s", dir, "-d", dest2, "--memprofile", filepath.Join(dir, "no", "such", "folder", "p")}, &out, &errb); code == 0 {
		t.Errorf("build with an unwritable profile: exit 0")
	}
	if _, err := os.Stat(dest2); !os.IsNotExist(err) {
		t.Errorf("build with an unwritable profile wrote %s: %v", dest2, err)
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
