//go:build unix

package generator_test

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
)

// BenchmarkStagesBeforeRender measures the stages before render (load, search index,
// search bundle, and those between them) of a synthetic portal committed in Git: cold (no
// cache) and after one merged change of each kind, with the caches of the previous build
// (.pspm/cache). The size is PSPM_BENCH_PRE_PROPOSALS (default 1,000; reactions ten
// times as many), in a Git repository made once under PSPM_BENCH_DIR. Each run of a
// change commits one more change (untimed) and builds.
//
//	PSPM_BENCH_DIR=/dev/shm/pre-bench PSPM_BENCH_PRE_PROPOSALS=10000 go test ./generator -run '^$' -bench StagesBeforeRender -benchtime 1x -count 5
func BenchmarkStagesBeforeRender(b *testing.B) {
	dir, fsys, n := stagesSource(b)
	build := func(b *testing.B) *generator.Result {
		res, err := generator.BuildBeforeRender(generator.Options{Source: fsys, Dir: dir})
		if err != nil {
			b.Fatalf("%v\n%s", err, res.Diagnostics.Errors().Format())
		}
		return res
	}
	git := func(b *testing.B, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=Anna Rossi", "GIT_AUTHOR_EMAIL=anna.rossi@mef.gov.it",
			"GIT_COMMITTER_NAME=Anna Rossi", "GIT_COMMITTER_EMAIL=anna.rossi@mef.gov.it")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	bodies, err := os.ReadDir(filepath.Join(dir, "content/bodies"))
	if err != nil {
		b.Fatal(err)
	}
	// Each run changes another proposal, and makes another change than any run before
	// it in the same repository (a change already committed would be nothing to commit).
	round := int(time.Now().Unix() % 1e6 * 100)
	proposal := func() string {
		return filepath.Join(dir, "content/proposals", fmt.Sprintf("proposta-%05d", 1+(round*37)%n))
	}
	edit := func(b *testing.B, re *regexp.Regexp, repl string) {
		p := filepath.Join(proposal(), "index.md")
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, re.ReplaceAll(data, []byte(repl)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	changes := []struct {
		name string
		do   func(b *testing.B)
	}{
		{"vote", func(b *testing.B) {
			for _, body := range bodies {
				p := filepath.Join(proposal(), "reactions", strings.TrimSuffix(body.Name(), ".md")+".yaml")
				if _, err := os.Stat(p); err != nil {
					os.MkdirAll(filepath.Dir(p), 0o755)
					if err := os.WriteFile(p, []byte("vote: support\n"), 0o644); err != nil {
						b.Fatal(err)
					}
					return
				}
			}
		}},
		{"proposal", func(b *testing.B) {
			p := filepath.Join(dir, "content/proposals", fmt.Sprintf("nuova-%d", round), "index.md")
			os.MkdirAll(filepath.Dir(p), 0o755)
			text := fmt.Sprintf("---\ntitle: Una proposta nuova %d\nbody: %s\ndate: 2025-10-05\ntags: [partecipazione]\nstatus: open\n---\nServizi digitali per i comuni delle aree interne, numero %d.\n",
				round, strings.TrimSuffix(bodies[round%len(bodies)].Name(), ".md"), round)
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				b.Fatal(err)
			}
		}},
		{"answer", func(b *testing.B) {
			edit(b, regexp.MustCompile(`(?m)^status: .*\n(answer:\n(  .*\n)*)?`), fmt.Sprintf("status: accepted\nanswer:\n  date: 2025-11-10\n  text: Accolta, risposta %d.\n", round))
		}},
		{"tag", func(b *testing.B) {
			edit(b, regexp.MustCompile(`(?m)^tags: .*$`), fmt.Sprintf("tags: [partecipazione, etichetta-%d]", round))
		}},
	}
	report := func(b *testing.B, timings [][]generator.Timing) {
		for _, stage := range []string{"load", "index", "search bundle"} {
			var ds []float64
			for _, ts := range timings {
				for _, t := range ts {
					if t.Stage == stage {
						ds = append(ds, t.Duration.Seconds())
					}
				}
			}
			if len(ds) > 0 {
				slices.Sort(ds)
				b.ReportMetric(ds[len(ds)/2], strings.ReplaceAll(stage, " ", "-")+"-s")
			}
		}
	}
	b.Run("cold", func(b *testing.B) {
		var timings [][]generator.Timing
		var cpu time.Duration
		for range b.N {
			b.StopTimer()
			if err := os.RemoveAll(filepath.Join(dir, ".pspm/cache")); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := cpuTime()
			timings = append(timings, build(b).Timings)
			cpu += cpuTime() - start
		}
		report(b, timings)
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	})
	for _, c := range changes {
		b.Run("after-"+c.name, func(b *testing.B) {
			b.StopTimer()
			build(b) // the caches of the previous build
			var timings [][]generator.Timing
			var cpu time.Duration
			for range b.N {
				round++
				c.do(b)
				time.Sleep(20 * time.Millisecond) // the files changed before the index is written
				git(b, "add", "-A")
				git(b, "commit", "-q", "-m", c.name)
				time.Sleep(20 * time.Millisecond)
				b.StartTimer()
				start := cpuTime()
				timings = append(timings, build(b).Timings)
				cpu += cpuTime() - start
				b.StopTimer()
			}
			report(b, timings)
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}

// stagesRepo is the synthetic site of n proposals and 10n reactions committed in a Git
// repository of its own, made once under the benchmarks' folder.
func stagesRepo(b *testing.B, n int) string {
	src := syntheticSite(b, n, 10*n)
	dir := filepath.Join(benchRoot(b), fmt.Sprintf("pre-stages-%d", n))
	if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	for _, args := range [][]string{
		{"cp", "-a", src, dir},
		{"git", "-C", dir, "init", "-q", "-b", "main"},
		{"git", "-C", dir, "add", "-A"},
		{"git", "-C", dir, "-c", "user.name=Anna Rossi", "-c", "user.email=anna.rossi@mef.gov.it", "commit", "-q", "-m", "Il portale"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// BenchmarkLoadStored is the load stage of the same portal through its content cache
// when nothing changed: reading Git's index, decoding the cache, walking the content and
// taking every file from the cache.
//
//	PSPM_BENCH_DIR=/dev/shm/pre-bench PSPM_BENCH_PRE_PROPOSALS=10000 go test ./generator -run '^$' -bench LoadStored -benchtime 1x -count 5
func BenchmarkLoadStored(b *testing.B) {
	dir, fsys, _ := stagesSource(b)
	if _, err := generator.BuildBeforeRender(generator.Options{Source: fsys, Dir: dir}); err != nil {
		b.Fatal(err)
	}
	var errs diag.List
	cfg := config.Load(fsys, &errs)
	b.ResetTimer()
	cpu := cpuTime()
	for range b.N {
		wi, err := history.ReadWorkIndex(dir)
		if err != nil {
			b.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(dir, generator.ContentCache))
		if err != nil {
			b.Fatal(err)
		}
		st, err := content.DecodeStore(data, cfg, generator.CacheVersion())
		if err != nil {
			b.Fatal(err)
		}
		_, _, _, stats := content.LoadStored(fsys, cfg, generator.CacheVersion(), st, wi.Blob)
		if stats.Read != 0 {
			b.Fatalf("read %d of %d files", stats.Read, stats.Files)
		}
		b.ReportMetric(float64(stats.Files), "files")
	}
	b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the processor time this process has used (user and system), which a
// machine shared with other work changes less than the time elapsed.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stagesSource is the benchmarks' repository (PSPM_BENCH_PRE_PROPOSALS proposals, 1,000
// unless set), its files and its number of proposals.
func stagesSource(b *testing.B) (string, fs.FS, int) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("PSPM_BENCH_PRE_PROPOSALS")); err == nil && v > 0 {
		n = v
	}
	dir := stagesRepo(b, n)
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		b.Fatal(err)
	}
	return dir, fsys, n
}
