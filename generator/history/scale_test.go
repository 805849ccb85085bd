package history

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// scaleRepo describes a portal-sized repository made with git fast-import: a first commit
// with the site configuration and every proposal, then one landing on main per reaction
// file, content/proposals/<id>/reactions/<voter>.yaml, the proposals sharded as a real
// portal's are. Every tenth landing is the merge of a side branch of one commit by a
// public body, as a merge request is; the others are direct commits. Branch "next" is
// main plus the merge of one more vote, written by a second fast-import as a fetch would
// bring it.
type scaleRepo struct {
	dir       string
	landings  int // first-parent commits after the first
	proposals int
}

// scaleVersion changes whenever the generated history would: a cached repository of
// another version is never reused.
const scaleVersion = 2

// scaleClock is the time of the first commit; each later commit is a minute later.
var scaleClock = time.Date(2024, 1, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))

// scaleRepository returns the repository for these sizes, generating it on the first
// use and keeping it under $PSPM_BENCH_DIR (or the system's temporary folder) for the
// next runs.
func scaleRepository(tb testing.TB, landings, proposals int) *scaleRepo {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("git not installed")
	}
	base := os.Getenv("PSPM_BENCH_DIR")
	if base == "" {
		base = os.TempDir()
	}
	s := &scaleRepo{landings: landings, proposals: proposals,
		dir: filepath.Join(base, fmt.Sprintf("pspm-history-scale-v%d-%d-%d", scaleVersion, landings, proposals))}
	if _, err := os.Stat(filepath.Join(s.dir, ".git", "pspm-complete")); err == nil {
		return s
	}
	start := time.Now()
	tmp, err := os.MkdirTemp(base, "pspm-history-scale-tmp-")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	s2 := *s
	s2.dir = tmp
	s2.generate(tb)
	if err := os.WriteFile(filepath.Join(tmp, ".git", "pspm-complete"), nil, 0o644); err != nil {
		tb.Fatal(err)
	}
	// Another run may have finished first: then its repository is as good as this one.
	if err := os.Rename(tmp, s.dir); err != nil {
		if _, serr := os.Stat(filepath.Join(s.dir, ".git", "pspm-complete")); serr != nil {
			tb.Fatal(err)
		}
	}
	tb.Logf("generated %d landings over %d proposals in %v (%s)", landings, proposals, time.Since(start).Round(time.Millisecond), s.dir)
	return s
}

func (s *scaleRepo) gitCmd(args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.dir, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C"}
	return cmd
}

func (s *scaleRepo) git(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := s.gitCmd(args...).CombinedOutput(); err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// fastImport feeds the stream that write writes to git fast-import.
func (s *scaleRepo) fastImport(tb testing.TB, write func(w *bufio.Writer)) {
	tb.Helper()
	cmd := s.gitCmd("fast-import", "--quiet", "--done")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(in, 1<<20)
	write(w)
	w.WriteString("done\n")
	werr := w.Flush()
	in.Close()
	if err := cmd.Wait(); err != nil || werr != nil {
		tb.Fatalf("git fast-import: %v %v\n%s", err, werr, stderr.Bytes())
	}
}

func (s *scaleRepo) proposal(i int) string { return fmt.Sprintf("p%05d", i%s.proposals) }

func (s *scaleRepo) reaction(i int) string {
	return "content/proposals/" + s.proposal(i) + fmt.Sprintf("/reactions/c_%06d.yaml", i)
}

func (s *scaleRepo) generate(tb testing.TB) {
	s.git(tb, "init", "-q", "-b", "main", ".")
	commit := func(w *bufio.Writer, ref string, mark, n int, who, msg string) {
		when := scaleClock.Add(time.Duration(n) * time.Minute).Unix()
		fmt.Fprintf(w, "commit %s\nmark :%d\n", ref, mark)
		fmt.Fprintf(w, "author %s <%s@example.org> %d +0100\n", who, who, when)
		fmt.Fprintf(w, "committer maintainer <piano@mef.gov.it> %d +0100\n", when)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
	}
	data := func(w *bufio.Writer, b string) { fmt.Fprintf(w, "data %d\n%s\n", len(b), b) }
	s.fastImport(tb, func(w *bufio.Writer) {
		// Marks: 1 the first commit; then per landing i, 2i+2 its blob and 2i+3 its
		// commit; side commits are 1<<30 + i.
		commit(w, "refs/heads/main", 1, 0, "maintainer", "Site and proposals")
		w.WriteString("M 100644 inline pspm.yaml\n")
		data(w, "title: Scale\n")
		for p := range s.proposals {
			fmt.Fprintf(w, "M 100644 inline content/proposals/%s/index.md\n", s.proposal(p))
			data(w, fmt.Sprintf("---\ntitle: Proposal %d\nbody: c_%04d\n---\nText of proposal %d.\n", p, p%997, p))
		}
		n := 1
		for i := 1; i <= s.landings; i++ {
			fmt.Fprintf(w, "blob\nmark :%d\n", 2*i+2)
			data(w, fmt.Sprintf("vote: support\npriority: %d\n", i%5+1))
			path := s.reaction(i)
			if i%10 == 0 {
				side := 1<<30 + i
				commit(w, "refs/pspm/side", side, n, fmt.Sprintf("body%03d", i%97), fmt.Sprintf("Vote %d", i))
				fmt.Fprintf(w, "from :%d\nM 100644 :%d %s\n", 2*(i-1)+3, 2*i+2, path)
				n++
				commit(w, "refs/heads/main", 2*i+3, n, "maintainer", fmt.Sprintf("Merge branch 'vote-%d'", i))
				fmt.Fprintf(w, "merge :%d\nM 100644 :%d %s\n", side, 2*i+2, path)
			} else {
				commit(w, "refs/heads/main", 2*i+3, n, "maintainer", fmt.Sprintf("Vote %d", i))
				fmt.Fprintf(w, "M 100644 :%d %s\n", 2*i+2, path)
			}
			n++
		}
	})
	// One more merge request, a body's vote merged, in a pack of its own as a fetch
	// brings it.
	s.fastImport(tb, func(w *bufio.Writer) {
		n := s.landings + s.landings/10 + 1
		commit(w, "refs/pspm/side", 1, n, "body001", "One more vote")
		w.WriteString("from refs/heads/main^0\n")
		fmt.Fprintf(w, "M 100644 inline %s\n", s.reaction(s.landings+1))
		data(w, "vote: oppose\n")
		commit(w, "refs/heads/next", 2, n+1, "maintainer", "Merge branch 'one-more-vote'")
		w.WriteString("from refs/heads/main^0\nmerge :1\n")
		fmt.Fprintf(w, "M 100644 inline %s\n", s.reaction(s.landings+1))
		data(w, "vote: oppose\n")
	})
	s.git(tb, "update-ref", "-d", "refs/pspm/side")
}

// timeGit runs a git command in the repository, its output discarded, and returns how
// long it took.
func (s *scaleRepo) timeGit(tb testing.TB, args ...string) time.Duration {
	tb.Helper()
	cmd := s.gitCmd(args...)
	cmd.Stdout = io.Discard
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		tb.Fatalf("git %v: %v\n%s", args, err, stderr.Bytes())
	}
	return time.Since(start)
}

func scaleSize(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkPortalScale measures, in one run on one repository of a portal's size, what
// the issue asks of the history: a cold Load against `git log --first-parent -m
// --name-status` on the same repository (the target: within twice its time), and a warm
// build (Decode of the cache, Advance after one more merge, EncodeNext of the segment
// to append; the target: under a second), each with its peak heap, and the compaction
// that one build in MaxSegments+1 does instead of appending (Encode of the whole). The repository has 100,000 landings over 10,000
// proposals unless PSPM_SCALE_LANDINGS and PSPM_SCALE_PROPOSALS say otherwise; it is
// generated once (minutes; at 500,000 landings over 1,000 proposals, half an hour on a
// busy machine) and kept, see scaleRepository. PSPM_SCALE_GIT=0 leaves git log out.
//
//	go test ./generator/history -run '^$' -bench PortalScale -benchtime 1x -count 3 -timeout 1h
func BenchmarkPortalScale(b *testing.B) {
	s := scaleRepository(b, scaleSize("PSPM_SCALE_LANDINGS", 100000), scaleSize("PSPM_SCALE_PROPOSALS", 10000))
	main, next := Options{Dir: s.dir}, Options{Dir: s.dir, Branch: "next"}
	// The cache of the last cold walk, for PSPM_SCALE_WARM_ONLY=1: the warm build alone,
	// without the minutes of a cold walk at a million commits.
	coldCache := filepath.Join(s.dir, ".git", fmt.Sprintf("pspm-bench-cold-cache-v%d", format))
	for b.Loop() {
		if os.Getenv("PSPM_SCALE_WARM_ONLY") == "1" {
			cached, err := os.ReadFile(coldCache)
			if err != nil {
				b.Fatalf("PSPM_SCALE_WARM_ONLY needs a cold run first: %v", err)
			}
			s.warm(b, next, cached)
			continue
		}
		runtime.GC()
		var cold *History
		var coldTime time.Duration
		coldPeak := peakHeap(func() {
			start := time.Now()
			h, err := Load(main)
			if err != nil {
				b.Fatal(err)
			}
			coldTime, cold = time.Since(start), h
		})
		if want := s.landings + s.proposals; len(cold.Files) != want || cold.Walked != s.landings+1 {
			b.Fatalf("cold Load: %d files, %d commits walked; want %d, %d", len(cold.Files), cold.Walked, want, s.landings+1)
		}
		var gitTime time.Duration
		if os.Getenv("PSPM_SCALE_GIT") != "0" { // 0: leave out the git CLI's walk, minutes at a million commits
			gitTime = s.timeGit(b, "log", "--first-parent", "-m", "--name-status", "--format=%H", "main")
		}

		cached, err := cold.Encode()
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(coldCache, cached, 0o644); err != nil {
			b.Fatal(err)
		}
		cold = nil
		b.ReportMetric(coldTime.Seconds(), "cold-s")
		if gitTime > 0 {
			b.ReportMetric(gitTime.Seconds(), "git-log-s")
			b.ReportMetric(coldTime.Seconds()/gitTime.Seconds(), "cold/git")
		}
		b.ReportMetric(float64(coldPeak)/(1<<20), "cold-peak-MB")
		s.warm(b, next, cached)
	}
}

// warm measures a warm build from the cache of a cold walk: Decode, Advance to next
// (one more merge), EncodeNext (the segment appended), with the peak heap; then the
// compaction, Encode of the whole History.
func (s *scaleRepo) warm(b *testing.B, next Options, cached []byte) {
	runtime.GC()
	var decodeTime, advanceTime, encodeTime time.Duration
	var warm *History
	var seg []byte
	var whole bool
	var warmCPU time.Duration
	warmPeak := peakHeap(func() {
		cpu := cpuTime()
		defer func() { warmCPU = cpuTime() - cpu }()
		start := time.Now()
		prev, err := Decode(cached)
		if err != nil {
			b.Fatal(err)
		}
		decodeTime = time.Since(start)
		start = time.Now()
		if warm, err = prev.Advance(next); err != nil {
			b.Fatal(err)
		}
		if warm != prev {
			b.Fatal("Advance read the whole history again")
		}
		advanceTime = time.Since(start)
		start = time.Now()
		if seg, whole, err = warm.EncodeNext(); err != nil {
			b.Fatal(err)
		}
		encodeTime = time.Since(start)
	})
	if warm.Walked != 1 || warm.Files[s.reaction(s.landings+1)] == nil || whole {
		b.Fatalf("warm Advance walked %d commits; whole cache %v", warm.Walked, whole)
	}
	start := time.Now()
	all, err := warm.Encode()
	if err != nil {
		b.Fatal(err)
	}
	compactTime := time.Since(start)

	b.ReportMetric(float64(decodeTime+advanceTime+encodeTime)/1e6, "warm-ms")
	b.ReportMetric(float64(warmCPU)/1e6, "warm-cpu-ms")
	b.ReportMetric(float64(decodeTime)/1e6, "decode-ms")
	b.ReportMetric(float64(advanceTime)/1e6, "advance-ms")
	b.ReportMetric(float64(encodeTime)/1e6, "segment-ms")
	b.ReportMetric(float64(len(seg)), "segment-B")
	b.ReportMetric(float64(compactTime)/1e6, "compact-ms")
	b.ReportMetric(float64(warmPeak)/(1<<20), "warm-peak-MB")
	b.ReportMetric(float64(len(all))/(1<<20), "cache-MB")
	b.ReportMetric(float64(maxRSS())/(1<<20), "max-RSS-MB")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkSnapshotScale reads every file of the site at the tip of the portal-sized
// repository through Snapshot, as the loader does to build a past version, with as
// many readers at once as processors.
//
//	go test ./generator/history -run '^$' -bench SnapshotScale -benchtime 1x -count 3
func BenchmarkSnapshotScale(b *testing.B) {
	s := scaleRepository(b, scaleSize("PSPM_SCALE_LANDINGS", 100000), scaleSize("PSPM_SCALE_PROPOSALS", 10000))
	for b.Loop() {
		fsys, _, err := Snapshot(Options{Dir: s.dir}, "main")
		if err != nil {
			b.Fatal(err)
		}
		var names []string
		if err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, path)
			}
			return err
		}); err != nil {
			b.Fatal(err)
		}
		var bytes atomic.Int64
		var wg sync.WaitGroup
		work := make(chan string, 1024)
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for name := range work {
					data, err := fsys.(fs.ReadFileFS).ReadFile(name)
					if err != nil {
						b.Error(err)
					}
					bytes.Add(int64(len(data)))
				}
			})
		}
		for _, name := range names {
			work <- name
		}
		close(work)
		wg.Wait()
		if want := s.landings + s.proposals + 1; len(names) != want {
			b.Fatalf("%d files, want %d", len(names), want)
		}
		b.ReportMetric(float64(len(names)), "files")
		b.ReportMetric(float64(bytes.Load())/(1<<20), "MB")
	}
}
