package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/synth"
)

// BenchmarkNationalScale runs `pspm build` (the command, with its memory limit) on
// synthetic portals of national size, both languages and search included, each into an
// empty folder with a cold search index, and reports for each size its time, its peak
// resident memory (VmHWM, reset before each build) and the files written.
//
// The sizes are PSPM_SCALE_PROPOSALS (default "10000,100000"); each size has ten
// reactions per proposal, and the rest of issue 20's portal: 2,000 bodies, 2,000
// practices, 500 actions, 40 objectives, 8 goals, 200 tags. The sites and outputs go to
// PSPM_BENCH_DIR (a tmpfs such as /dev/shm measures pspm rather than the disk; the
// 100,000-proposal site takes about 5 GB and its output 13 GB), else to a temporary folder.
// It is skipped unless PSPM_BENCH_DIR is set or the -bench pattern names it: a build of
// 100,000 proposals takes minutes. Run it under a memory cap on a shared machine:
//
//	PSPM_BENCH_DIR=/dev/shm/bench systemd-run --scope -p MemoryMax=6G \
//	    go test ./cmd/pspm -run '^$' -bench NationalScale -benchtime 1x -count 3
func BenchmarkNationalScale(b *testing.B) {
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" && !strings.Contains(flag.Lookup("test.bench").Value.String(), "NationalScale") {
		b.Skip("a national-scale build takes minutes: set PSPM_BENCH_DIR or name the benchmark in -bench")
	}
	if root == "" {
		root = b.TempDir()
	}
	sizes := "10000,100000"
	if s := os.Getenv("PSPM_SCALE_PROPOSALS"); s != "" {
		sizes = s
	}
	for _, f := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("PSPM_SCALE_PROPOSALS: %q is not a number of proposals", f)
		}
		b.Run(fmt.Sprintf("proposals=%d", n), func(b *testing.B) {
			src := nationalSite(b, root, n)
			dest := filepath.Join(root, fmt.Sprintf("national-%d-public", n))
			var files int
			var peak int64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				for _, dir := range []string{dest, filepath.Join(src, ".pspm")} { // an empty folder, a cold index
					if err := os.RemoveAll(dir); err != nil {
						b.Fatal(err)
					}
				}
				debug.FreeOSMemory()
				resetPeakRSS(b)
				b.StartTimer()
				var stdout, stderr bytes.Buffer
				if code := run([]string{"build", "-s", src, "-d", dest}, &stdout, &stderr); code != 0 {
					b.Fatalf("pspm build: exit %d\n%s", code, stderr.Bytes())
				}
				b.StopTimer()
				peak = max(peak, peakRSS(b))
				m := builtRE.FindSubmatch(stdout.Bytes())
				if m == nil {
					b.Fatalf("pspm build said: %s", stdout.Bytes())
				}
				files, _ = strconv.Atoi(string(m[1]))
				b.StartTimer()
			}
			b.StopTimer()
			b.ReportMetric(float64(peak)/(1<<20), "peak-RSS-MB")
			b.ReportMetric(float64(files), "files")
			b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			if os.Getenv("PSPM_BENCH_KEEP") == "" {
				_ = os.RemoveAll(dest)
			}
		})
	}
}

var builtRE = regexp.MustCompile(`built (\d+) files`)

// nationalSite writes, once, the synthetic portal of n proposals under root.
func nationalSite(b *testing.B, root string, n int) string {
	dir := filepath.Join(root, fmt.Sprintf("national-%d", n))
	if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
		return dir
	}
	o := synth.Options{Proposals: n, Reactions: 10 * n, Bodies: 2000, Practices: 2000, Actions: 500, Objectives: 40, Goals: 8, Tags: 200, Seed: 1}
	if err := synth.GenerateDir(dir, o); err != nil {
		_ = os.RemoveAll(dir)
		b.Fatal(err)
	}
	return dir
}

// resetPeakRSS resets the process's peak resident memory (Linux: clear_refs 5), so that
// each build's peak is its own.
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak resident memory (%v): the peaks reported include earlier builds'", err)
	}
}

// peakRSS is the process's peak resident memory in bytes (VmHWM).
func peakRSS(b *testing.B) int64 {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	b.Skip("no VmHWM in /proc/self/status")
	return 0
}
