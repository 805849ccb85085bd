package generator_test

import (
	"bytes"
	"fmt"
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

	"github.com/pspm-dev/pspm/generator/synth"
)

// BenchmarkBuildVsHugo times pspm and Hugo followed by Pagefind side by side, in one run,
// on the same content: the synthetic site of `pspmsynth -proposals 10000 -reactions 100000
// -hugo` (PSPM_BENCH_VS_PROPOSALS changes the size, reactions ten per proposal), built in
// Italian only (the pages Hugo's twin makes), search included on both sides. Each round
// runs, one after the other:
//
//   - pspm cold: `pspm build -v` into an empty folder, with no search cache;
//   - Hugo: `hugo` into an empty folder, then `pagefind --site` on Hugo's output;
//   - pspm over its previous output: the same build again, still with no search cache,
//     into the folder the cold build filled (what a CI that keeps the output does).
//
// It reports the medians of PSPM_BENCH_ROUNDS rounds (3 by default) and the ratios of pspm's
// time to Hugo+Pagefind's, peak resident memory of each tool (from the kernel's rusage),
// and the load average before and after (the machine may be shared). Run it with
// -benchtime 1x. It needs hugo on the PATH and Pagefind (npm ci in .ci/bench), and skips
// without them; PSPM_BENCH_DIR (use a tmpfs such as /dev/shm/bench) keeps the site, its
// outputs and the pspm binary between runs, under vs-hugo-<n>/.
//
// PSPM_BENCH_VS_NATIONAL=1 builds the site of issue 20's national scale instead:
// `pspmsynth -proposals <n> -reactions <10n> -bodies 2000 -practices 2000 -actions 500
// -objectives 40 -goals 8 -tags 200 -hugo`, under vs-hugo-national-<n>/. Run it with
// PSPM_BENCH_VS_PROPOSALS=100000, PSPM_BENCH_ROUNDS=1 and PSPM_BENCH_DIR on a disk (the
// tools need more memory than a tmpfs would leave). PSPM_BENCH_VS_REPLACE=0 leaves out the
// build over the previous output; PSPM_BENCH_HUGO_MEMLIMIT sets Hugo's GOMEMLIMIT. Hugo or
// Pagefind failing (killed for want of memory, say) is reported with its time and peak,
// not as a failure of the benchmark; pspm failing is.
func BenchmarkBuildVsHugo(b *testing.B) {
	if testing.Short() {
		b.Skip("skipped in -short mode")
	}
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		b.Skip("hugo not found on the PATH (apt-get install hugo); benchmark skipped")
	}
	mod := moduleRoot(b)
	pagefind := filepath.Join(mod, ".ci", "bench", "node_modules", ".bin", "pagefind")
	if _, err := os.Stat(pagefind); err != nil {
		b.Skipf("pagefind not found at %s (npm ci in .ci/bench); benchmark skipped", pagefind)
	}
	n := envInt("PSPM_BENCH_VS_PROPOSALS", 10000)
	rounds := envInt("PSPM_BENCH_ROUNDS", 3)
	national := os.Getenv("PSPM_BENCH_VS_NATIONAL") == "1"
	replaceToo := os.Getenv("PSPM_BENCH_VS_REPLACE") != "0"
	var hugoEnv []string // Hugo's soft memory limit, when one is set
	if l := os.Getenv("PSPM_BENCH_HUGO_MEMLIMIT"); l != "" {
		hugoEnv = []string{"GOMEMLIMIT=" + l}
	}
	o := synth.Options{Proposals: n, Reactions: 10 * n, Practices: 200, Bodies: 200, Tags: 50, Goals: 5, Objectives: 20, Actions: 100, Seed: 1}
	name := fmt.Sprintf("vs-hugo-%d", n)
	if national {
		o.Practices, o.Bodies, o.Tags, o.Goals, o.Objectives, o.Actions = 2000, 2000, 200, 8, 40, 500
		name = fmt.Sprintf("vs-hugo-national-%d", n)
	}
	work := filepath.Join(benchRoot(b), name)
	site, hugoSite := vsHugoSite(b, work, o)
	pspm := filepath.Join(work, "pspm")
	if out, err := exec.Command("go", "build", "-C", mod, "-o", pspm, "./cmd/pspm").CombinedOutput(); err != nil {
		b.Fatalf("go build ./cmd/pspm: %v\n%s", err, out)
	}
	pspmOut, hugoOut := filepath.Join(work, "public-pspm"), filepath.Join(work, "public-hugo")

	var cold, replace, hugoRuns, pfRuns []toolRun
	var files int
	loadBefore := loadAvg()
	b.ResetTimer()
	for range b.N {
		for range rounds {
			clean(b, pspmOut, filepath.Join(site, ".pspm"))
			if national {
				warm(b, filepath.Join(site, "content"))
			}
			r := runTool(b, "", pspm, "build", "-s", site, "-d", pspmOut, "-v")
			cold = append(cold, r)
			if m := regexp.MustCompile(`built (\d+) files`).FindStringSubmatch(r.output); m != nil {
				files, _ = strconv.Atoi(m[1])
			}

			clean(b, hugoOut)
			if national {
				warm(b, filepath.Join(site, "content"))
			}
			h := runOther(b, hugoEnv, hugo, "-s", hugoSite, "-d", hugoOut, "--quiet")
			hugoRuns = append(hugoRuns, h)
			if h.err == nil {
				pfRuns = append(pfRuns, runOther(b, nil, pagefind, "--site", hugoOut, "--output-subdir", "pagefind"))
			}

			if replaceToo {
				clean(b, filepath.Join(site, ".pspm")) // the output stays: it is replaced
				replace = append(replace, runTool(b, "", pspm, "build", "-s", site, "-d", pspmOut, "-v"))
			}
		}
	}
	b.StopTimer()
	loadAfter := loadAvg()

	var rep strings.Builder
	fmt.Fprintf(&rep, "%d proposals, %d reactions, %d bodies, %d practices, Italian only, search on both sides; %d rounds, medians; load average %s before, %s after\n",
		n, o.Reactions, o.Bodies, o.Practices, rounds, loadBefore, loadAfter)
	if hugoEnv != nil {
		fmt.Fprintf(&rep, "Hugo run with %s\n", hugoEnv[0])
	}
	mc := medianRun(cold)
	b.ReportMetric(mc.wall.Seconds(), "pspm-cold-s")
	b.ReportMetric(float64(max(peakRSS(cold), peakRSS(replace)))/(1<<20), "pspm-peak-MiB")
	fmt.Fprintf(&rep, "pspm cold (empty output, no search cache): %s, peak %s (%d files) — runs %s\n", secs(mc.wall), mib(peakRSS(cold)), files, walls(cold))
	fmt.Fprintf(&rep, "  stages of the median run: %s\n", stages(mc.output))
	var mr toolRun
	if len(replace) > 0 {
		mr = medianRun(replace)
		b.ReportMetric(mr.wall.Seconds(), "pspm-replace-s")
		fmt.Fprintf(&rep, "pspm over its previous output (no search cache): %s, peak %s — runs %s\n", secs(mr.wall), mib(peakRSS(replace)), walls(replace))
		fmt.Fprintf(&rep, "  stages of the median run: %s\n", stages(mr.output))
	}
	if failed := failures(hugoRuns, pfRuns); failed != "" {
		if ok := succeeded(hugoRuns); len(ok) > 0 { // Pagefind failed: Hugo alone
			mh := medianRun(ok)
			b.ReportMetric(mh.wall.Seconds(), "hugo-s")
			b.ReportMetric(mc.wall.Seconds()/mh.wall.Seconds(), "ratio-cold-hugo-alone")
			fmt.Fprintf(&rep, "Hugo: %s, peak %s — runs %s\n", secs(mh.wall), mib(peakRSS(ok)), walls(ok))
			fmt.Fprintf(&rep, "ratio pspm cold / Hugo alone: %.2f×\n", mc.wall.Seconds()/mh.wall.Seconds())
		}
		fmt.Fprintf(&rep, "%s\n", failed)
		b.Log("\n" + rep.String())
		_ = os.WriteFile(filepath.Join(work, "report.txt"), []byte(rep.String()), 0o644)
		return
	}
	both := make([]toolRun, len(hugoRuns))
	for i := range hugoRuns {
		both[i] = toolRun{wall: hugoRuns[i].wall + pfRuns[i].wall, maxRSS: max(hugoRuns[i].maxRSS, pfRuns[i].maxRSS)}
	}
	mh, mp, mb := medianRun(hugoRuns), medianRun(pfRuns), medianRun(both)
	b.ReportMetric(mh.wall.Seconds(), "hugo-s")
	b.ReportMetric(mp.wall.Seconds(), "pagefind-s")
	b.ReportMetric(mb.wall.Seconds(), "hugo+pagefind-s")
	b.ReportMetric(mc.wall.Seconds()/mb.wall.Seconds(), "ratio-cold")
	b.ReportMetric(mc.wall.Seconds()/mh.wall.Seconds(), "ratio-cold-hugo-alone")
	fmt.Fprintf(&rep, "Hugo: %s, peak %s — runs %s\n", secs(mh.wall), mib(peakRSS(hugoRuns)), walls(hugoRuns))
	fmt.Fprintf(&rep, "Pagefind on Hugo's output: %s, peak %s — runs %s\n", secs(mp.wall), mib(peakRSS(pfRuns)), walls(pfRuns))
	fmt.Fprintf(&rep, "Hugo + Pagefind: %s — runs %s\n", secs(mb.wall), walls(both))
	target := "≤ 0.35×"
	if national {
		target = "≤ 0.5× Hugo"
	}
	fmt.Fprintf(&rep, "ratio pspm cold / (Hugo + Pagefind): %.2f×; pspm cold / Hugo alone: %.2f× (target %s)\n",
		mc.wall.Seconds()/mb.wall.Seconds(), mc.wall.Seconds()/mh.wall.Seconds(), target)
	if len(replace) > 0 {
		b.ReportMetric(mr.wall.Seconds()/mb.wall.Seconds(), "ratio-replace")
		fmt.Fprintf(&rep, "ratio pspm over the previous output / (Hugo + Pagefind): %.2f×\n", mr.wall.Seconds()/mb.wall.Seconds())
	}
	b.Log("\n" + rep.String())
	_ = os.WriteFile(filepath.Join(work, "report.txt"), []byte(rep.String()), 0o644)
}

// vsHugoSite writes, once, the synthetic portal of o in Italian only and its Hugo twin
// under work, and returns both folders.
func vsHugoSite(b *testing.B, work string, o synth.Options) (site, hugoSite string) {
	site, hugoSite = filepath.Join(work, "site"), filepath.Join(work, "hugo")
	if _, err := os.Stat(filepath.Join(hugoSite, "hugo.yaml")); err == nil {
		return site, hugoSite
	}
	_ = os.RemoveAll(work)
	emitter := func(root string) func(string, []byte) error {
		return func(p string, data []byte) error {
			full := filepath.Join(root, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				return err
			}
			if p == "pspm.yaml" { // Italian only: the pages Hugo's twin makes
				data = regexp.MustCompile(`(?m)^languages: .*$`).ReplaceAll(data, []byte("languages: [it]"))
			}
			return os.WriteFile(full, data, 0o644)
		}
	}
	if err := synth.Generate(o, emitter(site)); err != nil {
		b.Fatal(err)
	}
	if err := synth.GenerateHugo(filepath.Join(site, "content"), emitter(hugoSite)); err != nil {
		b.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(site, "pspm.yaml")); !bytes.Contains(data, []byte("languages: [it]\n")) {
		b.Fatalf("pspm.yaml of the synthetic site does not say Italian only:\n%s", data)
	}
	return site, hugoSite
}

// toolRun is a finished command: its wall time, peak resident memory and output, and
// how it failed (runOther).
type toolRun struct {
	wall   time.Duration
	maxRSS int64 // bytes
	output string
	err    error
}

// runOther is runTool for another tool than pspm, with env added to its environment,
// whose failure is measured, not fatal.
func runOther(b *testing.B, env []string, name string, args ...string) toolRun {
	b.Helper()
	return measure(b, false, env, "", name, args...)
}

// succeeded are the runs that did not fail.
func succeeded(runs []toolRun) []toolRun {
	var out []toolRun
	for _, r := range runs {
		if r.err == nil {
			out = append(out, r)
		}
	}
	return out
}

// failures says how the runs of the other tools that failed ended, or "" when none did.
func failures(runs ...[]toolRun) string {
	var out []string
	for _, rs := range runs {
		for _, r := range rs {
			if r.err != nil {
				out = append(out, fmt.Sprintf("failed: %v after %s, peak %s; no ratio (output: %.300s)", r.err, secs(r.wall), mib(r.maxRSS), strings.TrimSpace(r.output)))
			}
		}
	}
	return strings.Join(out, "\n")
}

// runTool runs a command and measures it; the benchmark fails with the command.
func runTool(b *testing.B, dir, name string, args ...string) toolRun {
	b.Helper()
	return measure(b, true, nil, dir, name, args...)
}

// measure runs a command, with env added to its environment, and measures it; fatal says
// whether its failure fails the benchmark, or is kept in the run.
func measure(b *testing.B, fatal bool, env []string, dir, name string, args ...string) toolRun {
	b.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	r := toolRun{wall: time.Since(start), output: out.String(), err: err}
	if err != nil && fatal {
		b.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, r.output)
	}
	// The peak of the process and of the children it waited for (Pagefind's npm wrapper
	// waits for its binary), in KiB on Linux.
	if cmd.ProcessState == nil {
		return r
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10
	}
	return r
}

// medianRun is the run of median wall time (the upper one of an even count).
func medianRun(runs []toolRun) toolRun {
	s := slices.Clone(runs)
	slices.SortFunc(s, func(a, b toolRun) int { return int(a.wall - b.wall) })
	return s[len(s)/2]
}

// peakRSS is the highest peak of runs.
func peakRSS(runs []toolRun) int64 {
	var m int64
	for _, r := range runs {
		m = max(m, r.maxRSS)
	}
	return m
}

func walls(runs []toolRun) string {
	var parts []string
	for _, r := range runs {
		parts = append(parts, secs(r.wall))
	}
	return strings.Join(parts, ", ")
}

func secs(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func mib(n int64) string          { return fmt.Sprintf("%d MiB", n>>20) }

// stages reads the stages of `pspm build -v` that take time.
func stages(output string) string {
	var parts []string
	for _, m := range regexp.MustCompile(`(?m)^\s+(load|index|search bundle|render|write)\s+(\S+)( \(beside \w+\))?\s*$`).FindAllStringSubmatch(output, -1) {
		d, err := time.ParseDuration(m[2])
		if err == nil {
			parts = append(parts, fmt.Sprintf("%s %.2f%s", m[1], d.Seconds(), m[3]))
		}
	}
	return strings.Join(parts, ", ")
}

// warm reads every file under dir, so that each tool finds the content in the page
// cache: at national scale the tool run before (Hugo takes 20 GB) pushes the million files
// out of it, and the next one would be timed reading the disk.
func warm(b *testing.B, dir string) {
	b.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		_, err = os.ReadFile(p)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// clean removes folders, so that a run starts cold.
func clean(b *testing.B, dirs ...string) {
	b.Helper()
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			b.Fatal(err)
		}
	}
}

// moduleRoot is the folder of go.mod above the test's folder.
func moduleRoot(b *testing.B) string {
	dir, err := os.Getwd()
	if err != nil {
		b.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			b.Fatal("go.mod not found above the test's folder")
		}
		dir = parent
	}
}

func loadAvg() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
