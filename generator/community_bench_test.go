package generator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/synth"
)

// BenchmarkBuildCommunity is the full build (load, model, trust, derive, render, write to
// disk) of a synthetic portal open to its community: 1,000 proposals (every tenth a
// community proposal) with 10,000 bodies' votes, and PSPM_BENCH_PARTICIPANTS participants
// (default 100,000), each with a page in both languages, whose PSPM_BENCH_SUPPORTS
// supports (default 100,000) are spread over the proposals. It reports the process's
// peak resident memory (the generation of the site included).
//
//	PSPM_BENCH_DIR=/dev/shm/bench go test ./generator -run '^$' -bench BuildCommunity -benchtime 1x -count 3
func BenchmarkBuildCommunity(b *testing.B) {
	participants, supports := envInt("PSPM_BENCH_PARTICIPANTS", 100_000), envInt("PSPM_BENCH_SUPPORTS", 100_000)
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	src := filepath.Join(root, fmt.Sprintf("community-%d-%d", participants, supports))
	if _, err := os.Stat(filepath.Join(src, "content")); err != nil {
		synthInto(b, src, synth.Options{Proposals: 1000, Practices: 200, Reactions: 10_000, Bodies: 200, Tags: 50, Seed: 1,
			Participants: participants, Supports: supports})
	}
	dest := filepath.Join(root, "public-community")
	files := buildTimes(b, src, dest, func(res *generator.Result) {
		if n := len(res.Site.Supports); n != supports {
			b.Fatalf("%d supports read, want %d", n, supports)
		}
	})
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(float64(maxRSS())/(1<<20), "peak-RSS-MB")
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
