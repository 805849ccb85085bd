package generator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/synth"
)

// benchSites caches generated sites by size across benchmark runs of one process.
var benchSites sync.Map

// BenchmarkBuild's sites and outputs go to PSPM_BENCH_DIR when it is set (use a tmpfs such
// as /dev/shm to measure pspm rather than the disk), else to temporary folders.

// syntheticSite writes a synthetic site of n proposals and k reactions (200 practices, 200
// bodies, 50 tags) into a temporary folder, once per process, and returns its folder.
// PSPM_BENCH_DIR keeps the generated sites across runs.
func syntheticSite(b *testing.B, n, k int) string {
	key := strconv.Itoa(n) + "/" + strconv.Itoa(k)
	if dir, ok := benchSites.Load(key); ok {
		return dir.(string)
	}
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	dir := filepath.Join(root, fmt.Sprintf("site-%d-%d", n, k))
	if _, err := os.Stat(filepath.Join(dir, "content")); err != nil {
		err := synth.Generate(synth.Options{Proposals: n, Practices: 200, Reactions: k, Bodies: 200, Tags: 50, Seed: 1}, func(p string, data []byte) error {
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			return os.WriteFile(full, data, 0o644)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	benchSites.Store(key, dir)
	return dir
}

// BenchmarkBuild is the full build (load, model, derive, render, write to disk) of
// synthetic sites with proposals of 400-800 words of Italian prose.
func BenchmarkBuild(b *testing.B) {
	for _, size := range []struct{ proposals, reactions int }{{1000, 10000}, {10000, 100000}} {
		b.Run(fmt.Sprintf("proposals=%d/reactions=%d", size.proposals, size.reactions), func(b *testing.B) {
			src := syntheticSite(b, size.proposals, size.reactions)
			dest := filepath.Join(b.TempDir(), "public")
			if root := os.Getenv("PSPM_BENCH_DIR"); root != "" { // e.g. a tmpfs, to measure pspm and not the disk
				dest = filepath.Join(root, fmt.Sprintf("public-%d", size.proposals))
			}
			fsys, err := generator.OpenSource(src)
			if err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			var files int
			for i := 0; i < b.N; i++ {
				res, err := generator.BuildDir(generator.Options{Source: fsys}, dest)
				if err != nil {
					b.Fatal(err)
				}
				files = res.Files
			}
			b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			b.ReportMetric(float64(size.proposals)*float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
		})
	}
}
