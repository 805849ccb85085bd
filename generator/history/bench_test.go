package history

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing/storer"
)

// peakHeap samples the live heap while f runs.
func peakHeap(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	<-stopped
	return peak.Load()
}

// BenchmarkLoad measures a cold Load of a generated portal history, the cache's
// encoding, an Update after one more commit, and, for scale, the git CLI doing
// comparable diffs. The number of file commits is 20,000 unless PSPM_HISTORY_COMMITS
// says otherwise, spread over 500 proposals unless PSPM_HISTORY_PROPOSALS does.
//
//	go test ./generator/history -run '^$' -bench Load -benchtime 1x -count 3
func BenchmarkLoad(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("PSPM_HISTORY_COMMITS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	s, tip := genRepo(b, dir, n)
	o := Options{Dir: dir}

	var cold *History
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		var peak uint64
		for b.Loop() {
			peak = peakHeap(func() {
				h, err := Load(o)
				if err != nil {
					b.Fatal(err)
				}
				cold = h
			})
		}
		b.ReportMetric(float64(cold.Walked), "first-parent")
		b.ReportMetric(float64(cold.stats.sideCommits), "side-commits")
		b.ReportMetric(float64(cold.stats.trees), "trees")
		b.ReportMetric(float64(len(cold.Files)), "files")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	})
	if cold == nil {
		b.Fatal("no cold load")
	}
	if len(cold.Files) != len(s.want) {
		b.Fatalf("%d files, want %d", len(cold.Files), len(s.want))
	}
	for path, w := range s.want {
		if p := cold.Files[path]; p == nil || p.Commit != w.commit || p.LandedCommit != w.landed {
			b.Fatalf("%s: %+v, want commit %.7s landed %.7s", path, p, w.commit, w.landed)
		}
	}
	// The same on one core, as the git CLI runs.
	b.Run("cold-1cpu", func(b *testing.B) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		for b.Loop() {
			if _, err := Load(o); err != nil {
				b.Fatal(err)
			}
		}
	})

	var cached []byte
	b.Run("encode", func(b *testing.B) {
		for b.Loop() {
			var err error
			if cached, err = cold.Encode(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(cached))/(1<<20), "MB")
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			if _, err := Decode(cached); err != nil {
				b.Fatal(err)
			}
		}
	})

	// One more commit, written as loose objects as a fetch or a local commit would.
	s.tb = b
	path := s.add()
	next := s.commit("maintainer", "One more vote\n", tip)
	setBranch(b, s.st.(storer.ReferenceStorer), next)
	checkUpdate := func(b *testing.B, h *History) {
		if h.Walked != 1 || len(h.Files) != len(s.want)+1 || h.Files[path].Commit != next.String() {
			b.Fatalf("Walked %d, %d files", h.Walked, len(h.Files))
		}
	}

	// Update alone, from a History in memory.
	b.Run("update", func(b *testing.B) {
		var h *History
		for b.Loop() {
			var err error
			if h, err = Update(o, cold); err != nil {
				b.Fatal(err)
			}
		}
		checkUpdate(b, h)
	})
	// What a build does with a cache: decode it, update, encode the result.
	b.Run("warm-build", func(b *testing.B) {
		var h *History
		for b.Loop() {
			prev, err := Decode(cached)
			if err != nil {
				b.Fatal(err)
			}
			if h, err = Update(o, prev); err != nil {
				b.Fatal(err)
			}
			if _, err := h.Encode(); err != nil {
				b.Fatal(err)
			}
		}
		checkUpdate(b, h)
	})

	if _, err := exec.LookPath("git"); err != nil {
		return
	}
	gitLog := func(args ...string) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command("git", append([]string{"log"}, args...)...)
				cmd.Dir = dir
				cmd.Stdout = io.Discard
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				cmd.Env = []string{"HOME=" + b.TempDir(), "PATH=" + os.Getenv("PATH"), "GIT_CONFIG_NOSYSTEM=1"}
				if err := cmd.Run(); err != nil {
					b.Fatalf("%v: %s", err, stderr.Bytes())
				}
			}
		}
	}
	// The diffs of the first-parent walk alone.
	b.Run("git-log-first-parent", gitLog("--first-parent", "-m", "--name-status", "--format=%H", "main"))
	// Every commit diffed with its first parent: the first-parent walk plus the
	// merged branches' commits, the work Load does to trace merges.
	b.Run("git-log-all", gitLog("--diff-merges=first-parent", "--name-status", "--format=%H", "main"))
}

// bigHistory makes, without Git, a History shaped as a big portal's: n first-parent
// commits, every tenth a merge of a one-commit branch, each landing one file.
func bigHistory(n int) *History {
	at := time.Date(2024, 1, 1, 9, 0, 0, 0, time.FixedZone("", 3600))
	hash := func(i int) string { return fmt.Sprintf("%040x", uint64(i)*0x9e3779b97f4a7c15) }
	person := func(name string, i int) Person {
		return Person{Name: name, Email: name + "@example.org", When: at.Add(time.Duration(i) * time.Minute)}
	}
	h := &History{Head: hash(n), Branch: "refs/heads/main", Time: at, Prefix: "content/",
		Files: make(map[string]*Provenance, n), Changes: map[string][]*Change{}}
	for i := n; i >= 1; i-- {
		c := Commit{Hash: hash(i), Author: person("maintainer", i), Committer: person("maintainer", i),
			Message: fmt.Sprintf("Vote %d\n", i)}
		if i > 1 {
			c.Parents = []string{hash(i - 1)}
		}
		path := fmt.Sprintf("content/proposals/p%05d/reactions/c_%06d.yaml", i%10000, i)
		p := &Provenance{Path: path, Blob: hash(-i), Commit: c.Hash, Author: c.Author, Committer: c.Committer,
			Message: firstLine(c.Message), Landed: c.Committer.When, LandedCommit: c.Hash}
		if i%10 == 0 {
			side := hash(n + i)
			c.Parents = append(c.Parents, side)
			p.Commit, p.Author = side, person(fmt.Sprintf("body%03d", i%97), i)
			p.Message = fmt.Sprintf("Vote %d", i)
		}
		h.Commits = append(h.Commits, c)
		h.Files[path] = p
		if i%10 == 1 {
			page := fmt.Sprintf("content/proposals/p%05d/index.md", i%10000)
			h.Changes[page] = append(h.Changes[page], &Change{Blob: hash(-i - n), Commit: c.Hash, Author: c.Author,
				Committer: c.Committer, Message: firstLine(c.Message), Landed: c.Committer.When, LandedCommit: c.Hash})
		}
	}
	return h
}

// The cache of a big portal is read and written at every warm build: 100,000 commits
// and files, unless PSPM_HISTORY_CACHE_COMMITS says otherwise.
//
//	PSPM_HISTORY_CACHE_COMMITS=1000000 go test ./generator/history -run '^$' -bench EncodeDecode -benchtime 3x
func BenchmarkEncodeDecode(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("PSPM_HISTORY_CACHE_COMMITS")); err == nil && v > 0 {
		n = v
	}
	h := bigHistory(n)
	data, err := h.Encode()
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Encode(); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(data))/(1<<20), "MB")
	})
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		for b.Loop() {
			if _, err := Decode(data); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
	})
	// The same cache after MaxSegments warm builds of one landing each, the most a
	// build reads before the cache is written whole again.
	full := bytes.Clone(data)
	d, err := Decode(data)
	if err != nil {
		b.Fatal(err)
	}
	for i := range MaxSegments {
		k := n + 1 + i
		c := Commit{Hash: fmt.Sprintf("%040x", uint64(k)*0x9e3779b97f4a7c15), Parents: []string{d.Head}, Author: d.Commits[0].Author,
			Committer: d.Commits[0].Committer, Message: fmt.Sprintf("Vote %d\n", k)}
		path := fmt.Sprintf("content/proposals/p%05d/reactions/c_%06d.yaml", k%10000, k)
		d.prepend([]Commit{c})
		d.Head = c.Hash
		d.Files[path] = &Provenance{Path: path, Blob: c.Hash, Commit: c.Hash, Author: c.Author, Committer: c.Committer,
			Message: firstLine(c.Message), Landed: c.Committer.When, LandedCommit: c.Hash}
		d.cache.delta = &delta{commits: 1, files: map[string]bool{path: true}}
		seg, whole, err := d.EncodeNext()
		if err != nil || whole {
			b.Fatalf("segment %d: whole %v, %v", i+1, whole, err)
		}
		full = append(full, seg...)
	}
	b.Run("decode-64-segments", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			if _, err := Decode(full); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(b.N), "cpu-ms/op")
		b.ReportMetric(float64(len(full)-len(data))/MaxSegments, "B/segment")
	})
}
