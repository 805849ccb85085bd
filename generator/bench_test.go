package generator_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/synth"
)

// benchSites caches generated sites by size across benchmark runs of one process.
var benchSites sync.Map

// benchTemp is the folder of the sites benchSites caches when PSPM_BENCH_DIR is not set:
// made once per process and removed by TestMain, since a b.TempDir() is removed at the end
// of the run that made it, and -count 3 runs a benchmark three times.
var benchTemp struct {
	once sync.Once
	dir  string
	err  error
}

// benchRoot is the folder where benchmarks keep what they make once per process:
// $PSPM_BENCH_DIR when set (use a tmpfs such as /dev/shm, to measure pspm and not the
// disk), else benchTemp.
func benchRoot(b *testing.B) string {
	if root := os.Getenv("PSPM_BENCH_DIR"); root != "" {
		return root
	}
	benchTemp.once.Do(func() { benchTemp.dir, benchTemp.err = os.MkdirTemp("", "pspm-bench-") })
	if benchTemp.err != nil {
		b.Fatal(benchTemp.err)
	}
	return benchTemp.dir
}

// TestMain removes the folder of the sites the benchmarks cached (benchTemp).
func TestMain(m *testing.M) {
	code := m.Run()
	// Every reaction shares one empty verdict until it is judged: a stage that changed it
	// through a reaction, rather than replacing the reaction's verdict, would have changed
	// every unjudged reaction of every site this package built.
	if !site.UnjudgedIntact() {
		fmt.Fprintf(os.Stderr, "the verdict unjudged reactions share was changed: %+v\n", *site.Unjudged)
		code = 1
	}
	if benchTemp.dir != "" {
		_ = os.RemoveAll(benchTemp.dir)
	}
	os.Exit(code)
}

// BenchmarkBuild's sites and outputs go to PSPM_BENCH_DIR when it is set (use a tmpfs such
// as /dev/shm to measure pspm rather than the disk), else to temporary folders.

// syntheticSite is sitetest.Synthetic, once per process.
func syntheticSite(b *testing.B, n, k int) string {
	key := strconv.Itoa(n) + "/" + strconv.Itoa(k)
	if dir, ok := benchSites.Load(key); ok {
		return dir.(string)
	}
	dir := sitetest.SyntheticIn(b, benchRoot(b), n, k)
	benchSites.Store(key, dir)
	return dir
}

// BenchmarkBuild is the full build (load, model, derive, render, write to disk) of
// synthetic sites with proposals of 400-800 words of Italian prose.
func BenchmarkBuild(b *testing.B) {
	for _, size := range []struct{ proposals, reactions int }{{100, 1000}, {1000, 10000}, {10000, 100000}} {
		b.Run(fmt.Sprintf("proposals=%d/reactions=%d", size.proposals, size.reactions), func(b *testing.B) {
			src := syntheticSite(b, size.proposals, size.reactions)
			dest := filepath.Join(b.TempDir(), "public")
			if root := os.Getenv("PSPM_BENCH_DIR"); root != "" { // e.g. a tmpfs, to measure pspm and not the disk
				dest = filepath.Join(root, fmt.Sprintf("public-%d", size.proposals))
			}
			files := buildTimes(b, src, dest, nil)
			b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			b.ReportMetric(float64(size.proposals)*float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
		})
	}
}

// versionedSite makes, once per process, a Git repository of a synthetic portal whose
// plan of 500 actions went through 20 tagged versions (plan/1 … plan/20), each editing the
// progress and text of 25 actions, moving 2 to another objective, adding 3 and removing
// 2 added before, and then a draft commit; and a clone of it that keeps only the last tag. It returns
// both folders.
func versionedSite(b *testing.B) (all, one string) {
	if dirs, ok := benchSites.Load("versions"); ok {
		d := dirs.([2]string)
		return d[0], d[1]
	}
	root := benchRoot(b)
	all, one = filepath.Join(root, "versions-20"), filepath.Join(root, "versions-1")
	if _, err := os.Stat(filepath.Join(one, ".git")); err == nil {
		benchSites.Store("versions", [2]string{all, one})
		return all, one
	}
	_ = os.RemoveAll(all)
	_ = os.RemoveAll(one)
	git := func(dir, date string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
			"GIT_AUTHOR_NAME=Anna Rossi", "GIT_AUTHOR_EMAIL=anna.rossi@mef.gov.it", "GIT_COMMITTER_NAME=Anna Rossi", "GIT_COMMITTER_EMAIL=anna.rossi@mef.gov.it")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	synthInto(b, all, synth.Options{Proposals: 500, Practices: 20, Reactions: 2000, Bodies: 50, Tags: 20, Goals: 5, Objectives: 50, Actions: 500, Seed: 1})
	actions := filepath.Join(all, "content/plan/actions")
	git(all, "", "init", "-q", "-b", "main")
	next := 500
	for v := 1; v <= 21; v++ {
		date := fmt.Sprintf("2025-%02d-%02dT10:00:00Z", 1+v/2, 1+(v%2)*14)
		if v > 1 {
			entries, err := os.ReadDir(actions)
			if err != nil {
				b.Fatal(err)
			}
			var files []string
			for _, e := range entries {
				if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
					files = append(files, filepath.Join(actions, e.Name()))
				}
			}
			for k := range 25 { // progress and text of 25 actions
				f := files[(v*37+k*19)%len(files)]
				data, _ := os.ReadFile(f)
				s := progressRE.ReplaceAllString(string(data), fmt.Sprintf("progress: %d", (v*3+k)%101))
				s += fmt.Sprintf("\nAggiornamento della versione %d: il testo dell'azione è stato rivisto.\n", v)
				_ = os.WriteFile(f, []byte(s), 0o644)
			}
			for k := range 2 { // two move to another objective
				f := files[(v*53+k*7+3)%len(files)]
				data, _ := os.ReadFile(f)
				_ = os.WriteFile(f, objectiveRE.ReplaceAll(data, []byte(fmt.Sprintf("objective: oo-%03d", 1+(v*7+k)%50))), 0o644)
			}
			for k := range 2 { // two added by earlier versions are removed (no proposal targets them)
				_ = os.Remove(filepath.Join(actions, fmt.Sprintf("az-%d.md", 501+2*(v-2)+k)))
			}
			for range 3 { // three are added
				next++
				_ = os.WriteFile(filepath.Join(actions, fmt.Sprintf("az-%d.md", next)),
					[]byte(fmt.Sprintf("---\ntitle: Azione nuova %d\nobjective: oo-%03d\nstatus: planned\n---\nUna nuova azione della versione %d.\n", next, 1+next%50, v)), 0o644)
			}
		}
		git(all, date, "add", "-A")
		git(all, date, "commit", "-q", "-m", fmt.Sprintf("Versione %d", v))
		if v <= 20 {
			git(all, date, "tag", "-a", "-m", fmt.Sprintf("Versione %d approvata", v), fmt.Sprintf("plan/%d", v))
		}
	}
	git(all, "", "gc", "-q")
	git(root, "", "clone", "-q", "--no-local", all, one)
	for v := 1; v < 20; v++ {
		git(one, "", "tag", "-d", fmt.Sprintf("plan/%d", v))
	}
	benchSites.Store("versions", [2]string{all, one})
	return all, one
}

var (
	progressRE  = regexp.MustCompile(`(?m)^progress: \d+`)
	objectiveRE = regexp.MustCompile(`(?m)^objective: \S+`)
)

// BenchmarkVersions builds a portal whose plan of 500 actions has 20 approved versions
// and a draft, against the same portal with one version: pages, open data and diffs of
// every version, the monitoring, rendered in memory. The history cache is warm.
func BenchmarkVersions(b *testing.B) {
	all, one := versionedSite(b)
	for _, c := range []struct {
		name string
		dir  string
	}{{"versions=1", one}, {"versions=20", all}} {
		b.Run(c.name, func(b *testing.B) {
			fsys, err := generator.OpenSource(c.dir)
			if err != nil {
				b.Fatal(err)
			}
			o := generator.Options{Source: fsys, Dir: c.dir}
			if res, err := generator.Build(o, output.Discard{}); err != nil { // warms the history cache
				b.Fatalf("%v\n%s", err, res.Diagnostics.Format())
			}
			b.ResetTimer()
			for range b.N {
				if _, err := generator.Build(o, output.Discard{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// buildTimes builds the site in the folder src into dest b.N times, timing only the
// builds, calls check (when not nil) on each result, and returns the files written.
func buildTimes(b *testing.B, src, dest string, check func(*generator.Result)) int {
	b.Helper()
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
		if check != nil {
			check(res)
		}
	}
	return files
}
