package history

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The source bombs: repositories a body could publish as a source to hurt the portals
// that follow it. Their cost is measured here (time, and the live heap at its peak),
// not asserted by timed tests:
//
//	go test ./generator/history -run '^$' -bench SourceBomb -benchtime 1x -count 3

// benchUpstream makes a repository with the git CLI in a temporary folder holding
// content/a.md, and returns its file:// URL and a function that runs fill in its work
// tree and commits.
func benchUpstream(b *testing.B) (url string, commit func(fill func(dir string))) {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git not installed")
	}
	dir, home := b.TempDir(), b.TempDir()
	b.Setenv("HOME", home)
	b.Setenv("XDG_CONFIG_HOME", home)
	b.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	git := func(args ...string) {
		b.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=a", "GIT_AUTHOR_EMAIL=a@example.org",
			"GIT_COMMITTER_NAME=a", "GIT_COMMITTER_EMAIL=a@example.org")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	git("init", "-q", "-b", "main")
	n := 0
	commit = func(fill func(dir string)) {
		n++
		name := filepath.Join(dir, "content", "file-"+strings.Repeat("x", n)+".md")
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(name, []byte("more\n"), 0o644); err != nil {
			b.Fatal(err)
		}
		if fill != nil {
			fill(dir)
		}
		git("add", "-A")
		git("commit", "-q", "-m", "More")
	}
	commit(nil)
	return fileURL(dir), commit
}

// fetchMeasured fetches, and reports the time and the peak of the live heap under the
// name given.
func fetchMeasured(b *testing.B, o FetchOptions, name string) Fetched {
	b.Helper()
	var f Fetched
	var err error
	start := time.Now()
	peak := peakHeap(func() { f, err = Fetch(context.Background(), o) })
	b.ReportMetric(time.Since(start).Seconds(), name+"-s")
	b.ReportMetric(float64(peak)/(1<<20), name+"-peak-heap-MB")
	b.Logf("%s: err %v; stale %v: %v", name, err, f.Stale, f.Err)
	return f
}

// BenchmarkSourceBombDeepFolder: a source fetched once, then updated to a commit that
// adds a folder 1,500 levels deep, then updated again by a commit that adds one small
// file: the cost that comes back at every build that finds the source moved. Under
// the default limits the deep folder is refused; DeepFolderAllowed raises
// limits.source_depth to let it in.
func BenchmarkSourceBombDeepFolder(b *testing.B) { deepFolder(b, SourceLimits{}) }

func BenchmarkSourceBombDeepFolderAllowed(b *testing.B) { deepFolder(b, SourceLimits{Depth: 2000}) }

func deepFolder(b *testing.B, lim SourceLimits) {
	for b.Loop() {
		b.StopTimer()
		u, commit := benchUpstream(b)
		dir := filepath.Join(b.TempDir(), "cache")
		if _, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Limits: lim}); err != nil {
			b.Fatal(err)
		}
		commit(func(dir string) {
			deep := filepath.Join(dir, strings.Repeat("d"+string(filepath.Separator), 1500))
			if err := os.MkdirAll(deep, 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(deep, "f.md"), []byte("deep\n"), 0o644); err != nil {
				b.Fatal(err)
			}
		})
		b.StartTimer()
		fetchMeasured(b, FetchOptions{URL: u, Dir: dir, Limits: lim}, "bomb-update")
		b.StopTimer()
		commit(nil)
		b.StartTimer()
		fetchMeasured(b, FetchOptions{URL: u, Dir: dir, Limits: lim}, "later-update")
	}
}

// BenchmarkSourceBombZeroBlob: a source holding a 200 MB file of zeros (a pack of
// about 200 KB), fetched the first time: refused under the default limits;
// ZeroBlobAllowed raises limits.source_object_size to let it in.
func BenchmarkSourceBombZeroBlob(b *testing.B) { zeroBlob(b, SourceLimits{}) }

func BenchmarkSourceBombZeroBlobAllowed(b *testing.B) {
	zeroBlob(b, SourceLimits{ObjectSize: 256 << 20})
}

func zeroBlob(b *testing.B, lim SourceLimits) {
	for b.Loop() {
		b.StopTimer()
		u, commit := benchUpstream(b)
		commit(func(dir string) {
			f, err := os.Create(filepath.Join(dir, "zeros.bin"))
			if err != nil {
				b.Fatal(err)
			}
			if err := f.Truncate(200 << 20); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		})
		dir := filepath.Join(b.TempDir(), "cache")
		b.StartTimer()
		fetchMeasured(b, FetchOptions{URL: u, Dir: dir, Limits: lim}, "clone")
	}
}
