package generator_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/memlimit"
	"github.com/pspm-dev/pspm/generator/synth"
)

// BenchmarkIncremental measures a build over the previous build's output and caches
// (PageCache among them) after one small change, against a cold build (an empty
// destination, no cache), on a Git repository of the synthetic portal of pspmsynth (by default
// 1,000 proposals and 10,000 reactions; PSPM_BENCH_INCR_PROPOSALS=10000 for the size of
// the README, with ten reactions a proposal). Each run builds cold, then commits and
// builds in turn a vote, another vote merged the next day (as most merge requests land
// on another day than the one before: only the pages that show the date the portal is as
// of change with the day), a new proposal, an answer, a change of a proposal's status, an
// action's progress report and a tag change, the others a minute apart, each with the caches of the build before (.pspm/cache: the page cache and those of the stages before
// render); the cold build has none. The collector is set as pspm build sets it
// (memlimit.Soft). It reports the cold build's seconds and each change's build as a percentage of it, and in seconds. The repository and
// outputs go to /dev/shm/incr-<proposals> when /dev/shm exists.
func BenchmarkIncremental(b *testing.B) {
	n := 1000
	if s := os.Getenv("PSPM_BENCH_INCR_PROPOSALS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	root := filepath.Join(b.TempDir(), "incr")
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		root = fmt.Sprintf("/dev/shm/incr-%d", n)
	}
	src := filepath.Join(root, "site")
	git := func(date string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = src
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date,
			"GIT_AUTHOR_NAME=Anna Rossi", "GIT_AUTHOR_EMAIL=anna.rossi@mef.gov.it", "GIT_COMMITTER_NAME=Anna Rossi", "GIT_COMMITTER_EMAIL=anna.rossi@mef.gov.it")
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// Every commit of the benchmark is on 2025-06-02, a minute after the last.
	clock := time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)
	commit := func(msg string) {
		clock = clock.Add(time.Minute)
		date := clock.Format(time.RFC3339)
		git(date, "add", "-A")
		git(date, "commit", "-q", "--allow-empty", "-m", msg)
	}
	if _, err := os.Stat(filepath.Join(src, ".git")); err != nil {
		_ = os.RemoveAll(root)
		synthInto(b, src, synth.Options{Proposals: n, Practices: 200, Reactions: 10 * n, Bodies: 200, Tags: 50, Goals: 5, Objectives: 20, Actions: 100, Seed: 1})
		git("", "init", "-q", "-b", "main")
		commit("Il portale")
	} else if out := git("", "log", "-1", "--format=%cI"); out != "" {
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(out)); err == nil {
			clock = t.UTC()
		}
	}
	fsys, err := generator.OpenSource(src)
	if err != nil {
		b.Fatal(err)
	}
	// The collector as pspm build sets it: the builds measured are the command's. The
	// benchmarks after this one get the collector as they found it.
	gcPercent := debug.SetGCPercent(100)
	debug.SetGCPercent(gcPercent)
	memLimit := debug.SetMemoryLimit(-1)
	stop := memlimit.Soft(memlimit.Floor)
	defer func() {
		stop()
		debug.SetGCPercent(gcPercent)
		debug.SetMemoryLimit(memLimit)
	}()
	dest := filepath.Join(root, "public")
	build := func() (time.Duration, *generator.Result) {
		start := time.Now()
		res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: src}, dest)
		if err != nil {
			b.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
		}
		return time.Since(start), res
	}
	proposals, err := os.ReadDir(filepath.Join(src, "content", "proposals"))
	if err != nil {
		b.Fatal(err)
	}
	sort.Slice(proposals, func(i, j int) bool { return proposals[i].Name() < proposals[j].Name() })
	edit := func(file string, change func(string) string) {
		full := filepath.Join(src, filepath.FromSlash(file))
		data, err := os.ReadFile(full)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(change(string(data))), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_ = os.RemoveAll(dest)
		_ = os.RemoveAll(filepath.Join(src, ".pspm", "cache")) // every cache: the cold build of every stage
		b.StartTimer()
		cold, res := build()
		b.ReportMetric(cold.Seconds(), "cold-s")
		b.ReportMetric(float64(res.Rendered), "pages")
		// A run of -count picks the next proposals, so that every run changes something.
		run := int(clock.Sub(time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)) / time.Minute)
		pick := func(k int) string { return proposals[(run*7+k)%len(proposals)].Name() }
		// toggle sets the front matter's key of file to one, or to other when it is one.
		toggle := func(file, key, one, other string) {
			edit(file, func(s string) string {
				i := strings.Index(s, "\n"+key+": ")
				if i < 0 {
					b.Fatalf("%s has no %s", file, key)
				}
				j := i + 1 + strings.IndexByte(s[i+1:], '\n')
				v := one
				if s[i:j] == "\n"+key+": "+one {
					v = other
				}
				return s[:i] + "\n" + key + ": " + v + s[j:]
			})
		}
		vote := func(k int) func() {
			return func() {
				file := filepath.Join(src, "content", "proposals", pick(k), "reactions", "m_ef.yaml")
				vote := "vote: support\n"
				if data, err := os.ReadFile(file); err == nil && string(data) == vote {
					vote = "vote: oppose\n"
				}
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(vote), 0o644); err != nil {
					b.Fatal(err)
				}
			}
		}
		steps := []struct {
			name string
			do   func()
			// nextDay: merged the day after the previous step, as most merge requests
			// are (the other steps are a minute apart).
			nextDay bool
		}{
			{"vote", vote(0), false},
			{"vote-next-day", vote(3), true},
			{"proposal", func() {
				dir := filepath.Join(src, "content", "proposals", fmt.Sprintf("nuova-%d", run))
				if err := os.MkdirAll(dir, 0o755); err != nil {
					b.Fatal(err)
				}
				text := "---\ntitle: Una proposta nuova\nbody: m_ef\ndate: 2025-06-02\ntags: [imprese]\nstatus: open\n---\nIl testo della proposta nuova.\n"
				if err := os.WriteFile(filepath.Join(dir, "index.md"), []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
			}, false},
			{"answer", func() {
				// The first proposal from pick(1) on that has no answer yet.
				for k := 1; k < len(proposals); k++ {
					file := "content/proposals/" + pick(k) + "/index.md"
					data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(file)))
					if err != nil || strings.Contains(string(data), "\nanswer:") {
						continue
					}
					edit(file, func(s string) string {
						return strings.Replace(s, "\nstatus: ", "\nanswer: {date: 2025-06-02, text: Ci stiamo lavorando.}\nstatus: ", 1)
					})
					return
				}
			}, false},
			{"status", func() {
				// MEF accepts a proposal, or takes it back under review.
				toggle("content/proposals/"+pick(5)+"/index.md", "status", "accepted", "under-review")
			}, false},
			{"progress", func() {
				// MEF reports an action's progress: the first action, from 0 to 100 or back,
				// which moves the plan's progress by a point (a hundred actions).
				actions, err := filepath.Glob(filepath.Join(src, "content", "plan", "actions", "*.md"))
				if err != nil || len(actions) == 0 {
					b.Fatalf("no action to report on (%v)", err)
				}
				sort.Strings(actions)
				file, _ := filepath.Rel(src, actions[0])
				toggle(filepath.ToSlash(file), "progress", "100", "0")
			}, false},
			{"tag", func() {
				edit("content/proposals/"+pick(2)+"/index.md", func(s string) string {
					return strings.Replace(s, "\ntags: [", "\ntags: [tag-"+strconv.Itoa(run)+", ", 1)
				})
			}, false},
		}
		for _, s := range steps {
			b.StopTimer()
			s.do()
			if s.nextDay {
				clock = clock.Add(24 * time.Hour)
			}
			commit(s.name)
			b.StartTimer()
			d, res := build()
			b.ReportMetric(100*d.Seconds()/cold.Seconds(), s.name+"-%")
			// The seconds too: a cold build slower than the others (the first after the
			// repository is made) lowers every percentage of its run.
			b.ReportMetric(d.Seconds(), s.name+"-s")
			b.ReportMetric(float64(res.Rendered), s.name+"-rendered")
		}
	}
}
