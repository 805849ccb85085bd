package serve_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/memlimit"
	"github.com/pspm-dev/pspm/generator/serve"
)

// benchPreview runs Preview on a fresh copy of the synthetic site of 10,000 proposals
// and 100,000 reactions (sitetest.Synthetic), and returns its folder and address.
func benchPreview(b *testing.B) (dir, base string, rebuilds *atomic.Int64, stop func()) {
	b.Helper()
	src := sitetest.Synthetic(b, 10000, 100000)
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	dir = filepath.Join(root, "serve-10000")
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		b.Fatal(err)
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		b.Fatal(err)
	}
	// The collector as pspm serve sets it.
	unlimit := memlimit.Soft(memlimit.Floor)
	first := make(chan struct{})
	stages := os.Getenv("PSPM_PREVIEW_STAGES") != "" // log each rebuild's stages
	rebuilds = &atomic.Int64{}
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	start := time.Now()
	go func() {
		done <- serve.Preview(ctx, serve.PreviewOptions{Source: fsys, Dir: dir, BaseURL: "http://127.0.0.1/", BasePath: "/",
			Addr: "127.0.0.1:0", Out: io.Discard, Ready: func(a string) { ready <- a },
			Rebuilt: func(sn *generator.Snapshot, _ *generator.Result, err error) {
				if err != nil {
					b.Errorf("rebuild: %v", err)
				}
				if stages && sn != nil {
					var st []string
					for _, t := range sn.Result.Timings {
						st = append(st, fmt.Sprintf("%s %v", t.Stage, t.Duration.Round(time.Millisecond)))
					}
					b.Logf("rebuild %d (%s) in %v: %s", sn.Gen, sn.Kind, sn.Took.Round(time.Millisecond), strings.Join(st, ", "))
				}
				if rebuilds.Add(1) == 1 {
					close(first)
				}
			}})
	}()
	select {
	case a := <-ready:
		base = "http://" + a
	case err := <-done:
		b.Fatalf("preview: %v", err)
	}
	<-first
	b.Logf("first build and search index: %v", time.Since(start).Round(time.Millisecond))
	return dir, base, rebuilds, func() {
		cancel()
		<-done
		unlimit()
		_ = os.RemoveAll(dir)
	}
}

// editor saves one proposal again and again, as an author would, each time with a new
// sentence, and knows how to tell that the served page shows it.
type editor struct {
	dir, rel, page string
	orig           string
	n              int
}

func newEditor(b *testing.B, dir string, k int) *editor {
	name := fmt.Sprintf("proposta-%05d", k)
	rel := "content/proposals/" + name + "/index.md"
	data, err := os.ReadFile(filepath.Join(dir, rel))
	if err != nil {
		b.Fatal(err)
	}
	return &editor{dir: dir, rel: rel, page: "/proposals/" + name + "/", orig: string(data)}
}

// save writes the next version and returns the sentence the page must show. The kind
// of edit says what else the version changes: "text" nothing (a words rebuild); "tags"
// the proposal's tags (one more each time), which moves it in the lists; "status" its
// status, from open to under-review and back (both model rebuilds).
func (e *editor) save(b *testing.B, kind string) string {
	e.n++
	mark := "Frase numero " + strconv.Itoa(e.n) + " del benchmark."
	i := strings.Index(e.orig[4:], "\n---\n") + 4 + 5 // after the front matter
	front := e.orig[:i]
	switch kind {
	case "tags":
		front = strings.Replace(front, "\ntags: [", "\ntags: [bench-"+strconv.Itoa(e.n)+", ", 1)
	case "status":
		if !strings.Contains(front, "\nstatus: open\n") {
			b.Fatalf("%s is not open", e.rel)
		}
		if e.n%2 == 1 {
			front = strings.Replace(front, "\nstatus: open\n", "\nstatus: under-review\n", 1)
		}
	}
	text := front + "\n" + mark + "\n" + e.orig[i:]
	if err := os.WriteFile(filepath.Join(e.dir, e.rel), []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	return mark
}

// waitServed polls the page until it shows mark; it returns when it did.
func waitServed(b *testing.B, c *http.Client, url, mark string) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if bytes.Contains(body, []byte(mark)) {
			return
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatalf("%s never showed %q", url, mark)
}

func heapMB() (heap, rss float64) {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	heap = float64(m.HeapInuse) / (1 << 20)
	if data, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseFloat(f[1], 64)
				rss = kb / 1024
			}
		}
	}
	return heap, rss
}

func pct(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// waitGone polls the page until it is not found any more.
func waitGone(b *testing.B, c *http.Client, url string) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			return
		}
		time.Sleep(time.Millisecond)
	}
	b.Fatalf("%s was never gone", url)
}

// newVoters lists the bodies that have not reacted to the proposal folder rel.
func newVoters(b *testing.B, dir, rel string) []string {
	bodies, err := os.ReadDir(filepath.Join(dir, "content/bodies"))
	if err != nil {
		b.Fatal(err)
	}
	var out []string
	for _, e := range bodies {
		id := strings.TrimSuffix(e.Name(), ".md")
		if _, err := os.Stat(filepath.Join(dir, rel, "reactions", id+".yaml")); os.IsNotExist(err) {
			out = append(out, id)
		}
	}
	return out
}

// times are the times from saves to pages served, and the CPU time the process used
// meanwhile (on every core: the rebuild, the pages asked for, the search index's update
// in the background), in ms.
type times struct{ wall, cpu []float64 }

// start begins a measure; the function it returns ends it.
func (t *times) start() (stop func()) {
	t0, c0 := time.Now(), cpuTime()
	return func() {
		t.wall = append(t.wall, float64(time.Since(t0).Microseconds())/1000)
		t.cpu = append(t.cpu, float64((cpuTime()-c0).Microseconds())/1000)
	}
}

// measured reports the median, p90 and max of the times, and the median CPU time.
func measured(b *testing.B, t *times) {
	b.ReportMetric(pct(t.wall, 0.5), "save-to-served-ms-median")
	b.ReportMetric(pct(t.wall, 0.9), "save-to-served-ms-p90")
	b.ReportMetric(slices.Max(t.wall), "save-to-served-ms-max")
	b.ReportMetric(pct(t.cpu, 0.5), "cpu-ms-median")
}

// BenchmarkPreview measures pspm serve on the synthetic site of 10,000 proposals and
// 100,000 reactions: the time from saving a file to the page that shows it being served
// (through the real watcher and HTTP), for each kind of edit (a proposal's text, its
// tags, its status; a new proposal, a new vote, a proposal removed), the memory after
// 1,000 saves, and 200 connections for 30 s while the author saves every second.
// PSPM_PREVIEW_ONLY=edits, memory or load runs only those parts (comma-separated);
// PSPM_PREVIEW_CPUPROFILE=file profiles them, without the first build;
// PSPM_PREVIEW_STAGES=1 logs the stages of each rebuild; PSPM_PREVIEW_PAUSE=1s waits that
// long before each save of the edits.
//
//	PSPM_BENCH_DIR=/dev/shm/bench go test ./generator/serve -run '^$' -bench Preview -benchtime 1x -v
func BenchmarkPreview(b *testing.B) {
	only := map[string]bool{}
	for _, p := range strings.Split(os.Getenv("PSPM_PREVIEW_ONLY"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			only[p] = true
		}
	}
	part := func(name string) bool { return len(only) == 0 || only[name] }
	dir, base, rebuilds, stop := benchPreview(b)
	defer stop()
	c := &http.Client{Timeout: 30 * time.Second}
	if f := os.Getenv("PSPM_PREVIEW_CPUPROFILE"); f != "" {
		// The rebuilds only, not the first build.
		out, err := os.Create(f)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.StartCPUProfile(out); err != nil {
			b.Fatal(err)
		}
		defer func() { pprof.StopCPUProfile(); out.Close() }()
	}

	// With PSPM_PREVIEW_PAUSE, each save waits that long after the last was served, as
	// an author reads the page before the next edit: the work a rebuild leaves to do in
	// the background (the search index, the copies made ahead, the collector) is then
	// not counted in the next save's time.
	var pause time.Duration
	if v := os.Getenv("PSPM_PREVIEW_PAUSE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("PSPM_PREVIEW_PAUSE: %v", err)
		}
		pause = d
	}
	edit := func(kind string, k, n int) func(b *testing.B) {
		return func(b *testing.B) {
			ed := newEditor(b, dir, k)
			var ms times
			for range n {
				time.Sleep(pause)
				mark := ed.save(b, kind)
				stop := ms.start()
				waitServed(b, c, base+ed.page, mark)
				stop()
			}
			measured(b, &ms)
		}
	}
	const added = 10
	if part("edits") {
		b.Run("edit", edit("text", 17, 40))
		b.Run("edit-tags", edit("tags", 17, 10))
		b.Run("edit-status", edit("status", 12, 10))
		b.Run("new-proposal", func(b *testing.B) {
			model, err := os.ReadFile(filepath.Join(dir, "content/proposals/proposta-00019/index.md"))
			if err != nil {
				b.Fatal(err)
			}
			var ms times
			for n := range added {
				time.Sleep(pause)
				name := "bench-new-" + strconv.Itoa(n)
				mark := "Frase della proposta nuova " + strconv.Itoa(n) + "."
				text := strings.Replace(string(model), "\n---\n", "\n---\n\n"+mark+"\n", 1)
				if err := os.MkdirAll(filepath.Join(dir, "content/proposals", name), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "content/proposals", name, "index.md"), []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				stop := ms.start()
				waitServed(b, c, base+"/proposals/"+name+"/", mark)
				stop()
			}
			measured(b, &ms)
		})
		b.Run("vote", func(b *testing.B) {
			const rel = "content/proposals/proposta-00013"
			voters := newVoters(b, dir, rel)
			var ms times
			for n := range min(10, len(voters)) {
				time.Sleep(pause)
				mark := "Voto numero " + strconv.Itoa(n) + " del benchmark."
				if err := os.MkdirAll(filepath.Join(dir, rel, "reactions"), 0o755); err != nil {
					b.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, rel, "reactions", voters[n]+".yaml"), []byte("vote: support\ncomment: "+mark+"\n"), 0o644); err != nil {
					b.Fatal(err)
				}
				stop := ms.start()
				waitServed(b, c, base+"/proposals/proposta-00013/", mark)
				stop()
			}
			measured(b, &ms)
		})
		b.Run("removal", func(b *testing.B) {
			var ms times
			for n := range added {
				time.Sleep(pause)
				name := "bench-new-" + strconv.Itoa(n)
				if _, err := os.Stat(filepath.Join(dir, "content/proposals", name)); err != nil {
					b.Skip("run with new-proposal first")
				}
				if err := os.RemoveAll(filepath.Join(dir, "content/proposals", name)); err != nil {
					b.Fatal(err)
				}
				stop := ms.start()
				waitGone(b, c, base+"/proposals/"+name+"/")
				stop()
			}
			measured(b, &ms)
		})
		heap, rss := heapMB()
		b.Logf("after the edits: heap in use %.1f MB, RSS %.1f MB", heap, rss)
	}
	if !part("memory") && !part("load") {
		return
	}

	if part("memory") {
		b.Run("memory", func(b *testing.B) {
			ed := newEditor(b, dir, 23)
			for range 20 { // warm up
				waitServed(b, c, base+ed.page, ed.save(b, "text"))
			}
			heap0, rss0 := heapMB()
			for range 1000 {
				waitServed(b, c, base+ed.page, ed.save(b, "text"))
			}
			heap1, rss1 := heapMB()
			b.ReportMetric(heap0, "heap-MB-after-20")
			b.ReportMetric(heap1, "heap-MB-after-1020")
			b.ReportMetric(rss0, "rss-MB-after-20")
			b.ReportMetric(rss1, "rss-MB-after-1020")
		})
	}
	load := func(kind string) func(b *testing.B) {
		return func(b *testing.B) {
			ed := newEditor(b, dir, 31)
			before := rebuilds.Load()
			paths := []string{"/", ed.page, "/proposals/", "/proposals/page/7/", "/proposals/proposta-00100/", "/proposals/proposta-05000/",
				"/bodies/", "/tags/", "/plan/", "/practices/", "/css/pspm.css", "/api/v1/bodies.json", "/proposals/status/open/", "/en/proposals/proposta-00200/"}
			const conns = 200
			duration := 30 * time.Second
			if s := os.Getenv("PSPM_LOAD_SECONDS"); s != "" {
				n, _ := strconv.Atoi(s)
				duration = time.Duration(n) * time.Second
			}
			var (
				mu       sync.Mutex
				lat      []float64
				requests atomic.Int64
				errs     atomic.Int64
				partial  atomic.Int64
			)
			end := time.Now().Add(duration)
			var wg sync.WaitGroup
			for i := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					tr := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1, DialContext: (&net.Dialer{}).DialContext}
					cl := &http.Client{Transport: tr, Timeout: 30 * time.Second}
					defer tr.CloseIdleConnections()
					var mine []float64
					for k := i; time.Now().Before(end); k++ {
						p := paths[k%len(paths)]
						t0 := time.Now()
						resp, err := cl.Get(base + p)
						if err != nil {
							errs.Add(1)
							continue
						}
						body, err := io.ReadAll(resp.Body)
						resp.Body.Close()
						mine = append(mine, float64(time.Since(t0).Microseconds())/1000)
						requests.Add(1)
						if err != nil || resp.StatusCode != http.StatusOK {
							errs.Add(1)
							continue
						}
						if strings.HasSuffix(p, "/") && !bytes.HasSuffix(bytes.TrimSpace(body), []byte("</html>")) {
							partial.Add(1)
						}
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				}()
			}
			saves := 0
			for time.Now().Before(end) {
				ed.save(b, kind)
				saves++
				time.Sleep(time.Second)
			}
			wg.Wait()
			b.ReportMetric(float64(requests.Load())/duration.Seconds(), "req/s")
			b.ReportMetric(pct(lat, 0.5), "latency-ms-p50")
			b.ReportMetric(pct(lat, 0.99), "latency-ms-p99")
			b.ReportMetric(float64(errs.Load()), "errors")
			b.ReportMetric(float64(partial.Load()), "partial-pages")
			b.ReportMetric(float64(saves), "saves")
			b.ReportMetric(float64(rebuilds.Load()-before), "rebuilds")
		}
	}
	if part("load") {
		b.Run("load", load("text"))
		b.Run("load-tags", load("tags"))
	}
}
