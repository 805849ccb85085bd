package search_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/synth"
)

// benchDocs caches the documents of synthetic sites by size across benchmark runs.
var benchDocs sync.Map

// syntheticDocs returns the documents of a synthetic site of n proposals (200
// practices, 200 bodies, 50 tags, 10 reactions per proposal), the site written once
// under PSPM_BENCH_DIR (as generator's BenchmarkBuild does; use a tmpfs such as
// /dev/shm/bench) or a temporary folder.
func syntheticDocs(b *testing.B, n int) []search.Document {
	if d, ok := benchDocs.Load(n); ok {
		return d.([]search.Document)
	}
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	dir := filepath.Join(root, fmt.Sprintf("site-%d-%d", n, 10*n))
	if _, err := os.Stat(filepath.Join(dir, "content")); err != nil {
		err := synth.Generate(synth.Options{Proposals: n, Practices: 200, Reactions: 10 * n, Bodies: 200, Tags: 50, Seed: 1}, func(p string, data []byte) error {
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
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		b.Fatal(err)
	}
	res, err := generator.Inspect(generator.Options{Source: fsys})
	if err != nil {
		b.Fatal(err)
	}
	docs := search.Documents(res.Site, res.Config.Languages, markdown.New().Plain)
	benchDocs.Store(n, docs)
	return docs
}

// cpuTime is the CPU time the process used so far, user and system.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// peakHeap samples the live heap every 10 ms until stop is called, which returns the
// highest sample.
func peakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	read := func() {
		metrics.Read(sample)
		peak = max(peak, sample[0].Value.Uint64())
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		read()
		return peak
	}
}

// BenchmarkDocuments turns a synthetic site's model into documents (Markdown to plain
// text on every core).
func BenchmarkDocuments(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("proposals=%d", n), func(b *testing.B) {
			root := os.Getenv("PSPM_BENCH_DIR")
			if root == "" {
				root = b.TempDir()
			}
			syntheticDocs(b, n) // writes the site
			fsys, err := generator.OpenSource(filepath.Join(root, fmt.Sprintf("site-%d-%d", n, 10*n)))
			if err != nil {
				b.Fatal(err)
			}
			res, err := generator.Inspect(generator.Options{Source: fsys})
			if err != nil {
				b.Fatal(err)
			}
			md := markdown.New()
			b.ResetTimer()
			for range b.N {
				search.Documents(res.Site, res.Config.Languages, md.Plain)
			}
		})
	}
}

// BenchmarkIndex builds the index of a synthetic site from scratch, in memory and on
// disk (under PSPM_BENCH_DIR when set), then again on disk with nothing changed, and
// with 1% of the documents changed. It reports the peak live heap during the build.
func BenchmarkIndex(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		for _, where := range []string{"memory", "disk", "disk-unchanged", "disk-1%-changed"} {
			b.Run(fmt.Sprintf("proposals=%d/%s", n, where), func(b *testing.B) {
				docs := syntheticDocs(b, n)
				root := os.Getenv("PSPM_BENCH_DIR")
				if root == "" {
					root = b.TempDir()
				}
				dir := ""
				if where != "memory" {
					dir = filepath.Join(root, fmt.Sprintf("index-%d", n))
					_ = os.RemoveAll(dir)
				}
				changed := docs
				if where == "disk-unchanged" || where == "disk-1%-changed" {
					x, _, err := search.Build(dir, docs)
					if err != nil {
						b.Fatal(err)
					}
					_ = x.Close()
				}
				if where == "disk-1%-changed" {
					changed = append([]search.Document(nil), docs...)
					for i := 0; i < len(changed); i += 100 {
						changed[i].Text += " modifica"
					}
				}
				runtime.GC()
				b.ResetTimer()
				var peak uint64
				var st search.Stats
				cpu0 := cpuTime()
				for i := range b.N {
					if where == "disk" {
						b.StopTimer()
						_ = os.RemoveAll(dir)
						b.StartTimer()
					}
					in := docs
					if where == "disk-1%-changed" && i%2 == 0 {
						in = changed
					}
					stop := peakHeap()
					x, s, err := search.Build(dir, in)
					if err != nil {
						b.Fatal(err)
					}
					peak = max(peak, stop())
					st = s
					b.StopTimer()
					_ = x.Close()
					b.StartTimer()
				}
				b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
				b.ReportMetric(float64(st.Indexed), "indexed")
				b.ReportMetric(float64(len(docs)), "docs")
			})
		}
	}
}

// BenchmarkSearch runs queries on the index of a synthetic site of 10,000 proposals:
// plain words, a two-letter prefix (the costliest: every term starting with it), a
// phrase, filters alone.
func BenchmarkSearch(b *testing.B) {
	docs := syntheticDocs(b, 10000)
	x, _, err := search.Build("", docs)
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	for _, r := range []search.Request{
		{Q: "servizi digitali"},
		{Q: "interoperabilità dei dati pubblici"},
		{Q: "co"},
		{Q: `"servizi digitali" +comuni`},
		{Type: "proposal", Status: "open"},
	} {
		b.Run(fmt.Sprintf("%q", r.Q+" "+r.Type+" "+r.Status), func(b *testing.B) {
			for range b.N {
				if _, err := x.Search(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
