package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runMain(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code := Main(args, &out, &out)
	return code, out.String()
}

func write(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tiny returns the flags of a tiny portal followed by more.
func tiny(more ...string) []string {
	return append([]string{"-proposals", "5", "-practices", "2", "-reactions", "20", "-bodies", "5", "-tags", "3"}, more...)
}

func TestWritesPortalAndHugoTwin(t *testing.T) {
	dir := t.TempDir()
	site, twin := filepath.Join(dir, "site"), filepath.Join(dir, "hugo")
	code, out := runMain(t, tiny("-out", site, "-hugo", twin)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	for _, p := range []string{
		"site/pspm.yaml", "site/content/plan/_index.md", "site/content/proposals/proposta-00005/index.md",
		"hugo/hugo.yaml", "hugo/layouts/_default/single.html",
	} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	entries, _ := os.ReadDir(site)
	if len(entries) != 2 {
		t.Errorf("%s holds %d entries, want pspm.yaml and content only (no temporary folder left)", site, len(entries))
	}
	cfg, _ := os.ReadFile(filepath.Join(twin, "hugo.yaml"))
	abs, _ := filepath.Abs(filepath.Join(site, "content"))
	if !strings.Contains(string(cfg), abs) {
		t.Errorf("hugo.yaml does not point at %s:\n%s", abs, cfg)
	}
}

func TestRefusesNonEmptyFolderWithoutForce(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "README"), "mine")
	if code, out := runMain(t, tiny("-out", dir)...); code != 1 || !strings.Contains(out, "not empty") {
		t.Fatalf("exit %d: %s; want 1 and a not-empty error", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
		t.Fatal("wrote content/ without -force")
	}
}

func TestForceReplacesOnlyWhatItOwns(t *testing.T) {
	dir := t.TempDir()
	if code, out := runMain(t, tiny("-out", dir)...); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	stale := filepath.Join(dir, "content", "proposals", "stale", "index.md")
	write(t, stale, "old")
	keep := filepath.Join(dir, "README")
	write(t, keep, "mine")
	if code, out := runMain(t, tiny("-out", dir, "-force")...); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("a file from the previous portal survived -force")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("-force removed a file pspmsynth does not own")
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"-proposals", "x", "-out", t.TempDir()}, {"-out", t.TempDir(), "extra"}} {
		if code, out := runMain(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, out)
		}
	}
}

func TestTooManyReactionsFails(t *testing.T) {
	code, out := runMain(t, "-out", t.TempDir(), "-proposals", "1", "-actions", "1", "-bodies", "2", "-reactions", "5")
	if code != 1 || !strings.Contains(out, "reactions do not fit") {
		t.Fatalf("exit %d: %s", code, out)
	}
}

func TestEditionsWritesTheRealPlanRepositoryTheSameTwice(t *testing.T) {
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, dir := range []string{a, b} {
		if code, out := runMain(t, "-editions", "3", "-out", dir); code != 0 || !strings.Contains(out, "3 editions") {
			t.Fatalf("exit %d: %s", code, out)
		}
	}
	for _, p := range []string{".git/refs/tags/plan/2022", ".git/refs/tags/plan/2024", ".git/refs/tags/plan/2025", ".git/refs/heads/main"} {
		x, err := os.ReadFile(filepath.Join(a, p))
		if err != nil {
			t.Fatal(err)
		}
		if y, _ := os.ReadFile(filepath.Join(b, p)); !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same flags: %s and %s", p, x, y)
		}
	}
	if _, err := os.Stat(filepath.Join(a, "content/plan/results")); err != nil {
		t.Error("no results in the full corpus")
	}
	entries, _ := os.ReadDir(a)
	if len(entries) != 3 {
		t.Errorf("%s holds %d entries, want .git, pspm.yaml and content only", a, len(entries))
	}
}

func TestEditionsFlags(t *testing.T) {
	dir := t.TempDir()
	if code, out := runMain(t, "-editions", "3", "-lead-owner-only", "-no-results", "-out", dir); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "content/plan/results")); err == nil {
		t.Error("-no-results wrote results")
	}
	if code, out := runMain(t, "-editions", "3", "-out", dir); code != 1 || !strings.Contains(out, "not empty") {
		t.Errorf("exit %d: %s; want 1 and a not-empty error", code, out)
	}
	for _, args := range [][]string{{"-editions", "2", "-out", t.TempDir()}, {"-editions", "3", "-hugo", t.TempDir(), "-out", t.TempDir()}} {
		if code, out := runMain(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, out)
		}
	}
}
