package sitetest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pspm-dev/pspm/generator/synth"
)

// Synthetic returns the folder of a synthetic site of n proposals and k reactions (200
// practices, 200 bodies, 50 tags, seed 1), written once: under $PSPM_BENCH_DIR when set
// (use a tmpfs such as /dev/shm, to measure pspm and not the disk), where it is kept
// across runs, else in a temporary folder of tb.
func Synthetic(tb testing.TB, n, k int) string {
	tb.Helper()
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = tb.TempDir()
	}
	return SyntheticIn(tb, root, n, k)
}

// SyntheticIn is Synthetic written under root, and kept there: a benchmark that caches
// the site for its next runs passes a folder that outlives each run.
func SyntheticIn(tb testing.TB, root string, n, k int) string {
	tb.Helper()
	dir := filepath.Join(root, fmt.Sprintf("site-%d-%d", n, k))
	if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
		return dir
	}
	err := synth.Generate(synth.Options{Proposals: n, Practices: 200, Reactions: k, Bodies: 200, Tags: 50, Seed: 1}, synth.WriteTo(dir))
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}
