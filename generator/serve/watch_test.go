package serve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchWait is how long a test waits for a batch that must come; it is never reached
// unless the test fails.
const watchWait = 5 * time.Second

// watchQuiet is how long a test waits to be sure that no batch comes.
const watchQuiet = 300 * time.Millisecond

// A watchRig runs Watch on a folder of real files for one test.
type watchRig struct {
	t    *testing.T
	root string
	w    *watcher
	out  <-chan Batch

	mu   sync.Mutex
	logs []string
}

// newWatchRig writes files (slash-separated name → content) under root and starts
// watching it; before, if not nil, changes the watcher before it starts. When the test
// ends, the rig checks that the channel closed and that the watches were released.
func newWatchRig(t *testing.T, root string, files map[string]string, o WatchOptions, before func(*watcher)) *watchRig {
	t.Helper()
	r := &watchRig{t: t, root: root}
	for name, body := range files {
		r.write(name, body)
	}
	o.Root = root
	o.Logf = func(format string, args ...any) {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.logs = append(r.logs, fmt.Sprintf(format, args...))
	}
	w, err := newWatcher(o)
	if err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(w)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.w, r.out = w, w.start(ctx)
	t.Cleanup(func() {
		cancel()
		timeout := time.After(watchWait)
		for {
			select {
			case _, ok := <-r.out:
				if ok {
					continue
				}
				if err := w.fs.Add(root); !errors.Is(err, fsnotify.ErrClosed) {
					t.Errorf("after the context is done, the fsnotify watcher is still open (Add: %v)", err)
				}
				return
			case <-timeout:
				t.Errorf("the channel is not closed %v after the context is done", watchWait)
				return
			}
		}
	})
	return r
}

func (r *watchRig) path(name string) string {
	return filepath.Join(r.root, filepath.FromSlash(name))
}

// write writes the file name (slash-separated, relative to the root), making its folders.
func (r *watchRig) write(name, body string) {
	r.t.Helper()
	if err := os.MkdirAll(filepath.Dir(r.path(name)), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(r.path(name), []byte(body), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *watchRig) rename(from, to string) {
	r.t.Helper()
	if err := os.Rename(r.path(from), r.path(to)); err != nil {
		r.t.Fatal(err)
	}
}

func (r *watchRig) remove(name string) {
	r.t.Helper()
	if err := os.RemoveAll(r.path(name)); err != nil {
		r.t.Fatal(err)
	}
}

// next returns the next batch.
func (r *watchRig) next() Batch {
	r.t.Helper()
	select {
	case b, ok := <-r.out:
		if !ok {
			r.t.Fatal("the channel closed while the test runs")
		}
		checkWatchBatch(r.t, b, r.w.o.Early > 0)
		return b
	case <-time.After(watchWait):
		r.t.Fatalf("no batch in %v", watchWait)
	}
	return Batch{}
}

// until returns the batches that come until every path of want has been seen.
func (r *watchRig) until(want ...string) []Batch {
	r.t.Helper()
	seen := map[string]bool{}
	var batches []Batch
	timeout := time.After(watchWait)
	for slices.ContainsFunc(want, func(p string) bool { return !seen[p] }) {
		select {
		case b, ok := <-r.out:
			if !ok {
				r.t.Fatal("the channel closed while the test runs")
			}
			checkWatchBatch(r.t, b, r.w.o.Early > 0)
			batches = append(batches, b)
			for _, p := range b.Paths {
				seen[p] = true
			}
		case <-timeout:
			var missing []string
			for _, p := range want {
				if !seen[p] {
					missing = append(missing, p)
				}
			}
			r.t.Fatalf("after %v, still not reported: %q (batches: %+v)", watchWait, missing, batches)
		}
	}
	return batches
}

// quiet checks that no batch comes for a while.
func (r *watchRig) quiet() {
	r.t.Helper()
	select {
	case b := <-r.out:
		r.t.Fatalf("unexpected batch %+v", b)
	case <-time.After(watchQuiet):
	}
}

// logged returns the messages given to Logf that contain s.
func (r *watchRig) logged(s string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var found []string
	for _, l := range r.logs {
		if strings.Contains(l, s) {
			found = append(found, l)
		}
	}
	return found
}

// checkWatchBatch checks what every batch must be: sorted paths without duplicates or
// editors' files, and something to tell (but for the batch that settles the Early ones,
// with early).
func checkWatchBatch(t *testing.T, b Batch, early bool) {
	t.Helper()
	if !slices.IsSorted(b.Paths) || len(slices.Compact(slices.Clone(b.Paths))) != len(b.Paths) {
		t.Errorf("paths not sorted or duplicated: %q", b.Paths)
	}
	for _, p := range b.Paths {
		if noisyPath(p) || filepath.IsAbs(p) || strings.Contains(p, `\`) {
			t.Errorf("batch has %q, which is an editor's file or not a relative slash-separated path", p)
		}
	}
	if len(b.Paths) == 0 && !b.Git && !b.Full && (b.Early || !early) {
		t.Errorf("empty batch sent")
	}
	if b.Early && !early {
		t.Errorf("Early batch sent without WatchOptions.Early")
	}
	if b.Full != (b.Reason != "") {
		t.Errorf("Full is %v but Reason is %q", b.Full, b.Reason)
	}
}

var watchSiteFiles = map[string]string{
	"content/post.md":       "# Post\n",
	"content/docs/guide.md": "# Guide\n",
	"pspm.yaml":             "title: Site\n",
}

var watchSitePaths = []string{"content", "layouts", "static", "i18n", "themes", "pspm.yaml"}

func TestWatchReportsAWrittenFile(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	r.write("content/docs/guide.md", "# Guide, revised\n")
	if b := r.next(); !slices.Equal(b.Paths, []string{"content/docs/guide.md"}) || b.Git || b.Full {
		t.Fatalf("got %+v, want the guide only", b)
	}
	r.write("pspm.yaml", "title: Other\n")
	if b := r.next(); !slices.Equal(b.Paths, []string{"pspm.yaml"}) {
		t.Fatalf("got %+v, want pspm.yaml", b)
	}
}

// With Early, the changes come as soon as the files are quiet for Early, and a batch that
// is not Early follows once they were quiet for Debounce: empty when the Early ones were
// received, holding the changes when they were not, and after every change of the save.
func TestWatchEarlySendsTheChangesThenSaysTheySettled(t *testing.T) {
	t.Parallel()
	const debounce = 400 * time.Millisecond
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths, Early: 20 * time.Millisecond, Debounce: debounce}, nil)

	// Received at once: Early, then the empty batch that settles it.
	r.write("content/post.md", "# Post, saved\n")
	start := time.Now()
	if b := r.next(); !slices.Equal(b.Paths, []string{"content/post.md"}) || !b.Early {
		t.Fatalf("got %+v, want the post, Early", b)
	}
	if b := r.next(); len(b.Paths) != 0 || b.Early || b.Git || b.Full {
		t.Fatalf("got %+v, want an empty batch that is not Early", b)
	} else if since := time.Since(start); since < debounce-50*time.Millisecond {
		t.Errorf("settled %v after the write, before the quiet time of %v", since, debounce)
	}
	r.quiet()

	// Not received until after the quiet time: one batch, not Early.
	r.write("content/post.md", "# Post, saved again\n")
	time.Sleep(2 * debounce)
	if b := r.next(); !slices.Equal(b.Paths, []string{"content/post.md"}) || b.Early {
		t.Fatalf("got %+v, want the post, not Early", b)
	}
	r.quiet()

	// A second file written while the first is Early: it is told before the batch
	// that settles both.
	r.write("content/post.md", "# Post, third\n")
	if b := r.next(); !slices.Equal(b.Paths, []string{"content/post.md"}) || !b.Early {
		t.Fatalf("got %+v, want the post, Early", b)
	}
	time.Sleep(debounce / 4)
	r.write("content/docs/guide.md", "# Guide, revised\n")
	var seen []string
	for {
		b := r.next()
		seen = append(seen, b.Paths...)
		// A machine that stalled past the quiet time may settle the post first: the
		// guide must still come, and be settled.
		if !b.Early && slices.Contains(seen, "content/docs/guide.md") {
			break
		}
	}
	if !slices.Equal(seen, []string{"content/docs/guide.md"}) {
		t.Errorf("after the post's Early batch: %q, want the guide, then settled", seen)
	}
	r.quiet()

	// Editors' files alone: nothing, not even a settled batch.
	r.write("content/.post.md.swp", "vim swap")
	r.quiet()
}

// With Early, a folder written without a pause longer than Early for longer than
// MaxDelay is settled within MaxDelay, as without Early.
func TestWatchEarlySettlesWithinMaxDelay(t *testing.T) {
	t.Parallel()
	const maxDelay = 300 * time.Millisecond
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths, Early: 100 * time.Millisecond, Debounce: 200 * time.Millisecond, MaxDelay: maxDelay}, nil)
	stop := time.Now().Add(5 * maxDelay)
	go func() {
		for i := 0; time.Now().Before(stop); i++ {
			_ = os.WriteFile(r.path("content/post.md"), []byte(strconv.Itoa(i)), 0o644)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	b := r.next()
	for b.Early {
		b = r.next()
	}
	if time.Now().After(stop) {
		t.Errorf("no settled batch while the writes went on for %v (MaxDelay %v)", 5*maxDelay, maxDelay)
	}
	time.Sleep(time.Until(stop) + 50*time.Millisecond)
	for b = r.next(); b.Early; b = r.next() {
	}
	r.quiet()
}

func TestWatchIgnoresWhatIsNotWatched(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	r.write("public/index.html", "built")
	r.write("README.md", "readme")
	r.write("content/.post.md.swp", "vim swap")
	r.write("content/#post.md#", "emacs autosave")
	r.write("content/.DS_Store", "finder")
	if err := os.Chmod(r.path("content/post.md"), 0o600); err != nil {
		t.Fatal(err)
	}
	r.quiet()
	r.write("content/post.md", "# Post, saved\n")
	if b := r.next(); !slices.Equal(b.Paths, []string{"content/post.md"}) {
		t.Fatalf("got %+v, want the post only", b)
	}
}

// TestWatchGivesOneBatchPerEditorSave replays what editors do on disk when they save,
// and expects one batch naming the file saved and nothing else.
func TestWatchGivesOneBatchPerEditorSave(t *testing.T) {
	t.Parallel()
	saves := []struct {
		editor string
		save   func(r *watchRig, name, body string)
	}{
		{"truncate and write in pieces", func(r *watchRig, name, body string) {
			f, err := os.OpenFile(r.path(name), os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				r.t.Fatal(err)
			}
			for piece := range strings.SplitSeq(body, " ") {
				if _, err := f.WriteString(piece + " "); err != nil {
					r.t.Fatal(err)
				}
			}
			if err := f.Close(); err != nil {
				r.t.Fatal(err)
			}
		}},
		{"vim", func(r *watchRig, name, body string) {
			// The probe for whether files can be made, the backup by renaming, the new file,
			// the backup removed.
			r.write(filepath.ToSlash(filepath.Join(filepath.Dir(name), "4913")), "")
			r.remove(filepath.ToSlash(filepath.Join(filepath.Dir(name), "4913")))
			r.rename(name, name+"~")
			r.write(name, body)
			r.remove(name + "~")
		}},
		{"hidden temporary file renamed over", func(r *watchRig, name, body string) {
			tmp := filepath.ToSlash(filepath.Join(filepath.Dir(name), "."+filepath.Base(name)+".tmp123"))
			r.write(tmp, body)
			r.rename(tmp, name)
		}},
		{"temporary file renamed over", func(r *watchRig, name, body string) {
			r.write(name+".tmp", body)
			r.rename(name+".tmp", name)
		}},
		{"JetBrains safe write", func(r *watchRig, name, body string) {
			r.write(name+"___jb_tmp___", body)
			r.rename(name, name+"___jb_old___")
			r.rename(name+"___jb_tmp___", name)
			r.remove(name + "___jb_old___")
		}},
		{"emacs", func(r *watchRig, name, body string) {
			lock := filepath.ToSlash(filepath.Join(filepath.Dir(name), ".#"+filepath.Base(name)))
			if err := os.Symlink("author@host.1234:1700000000", r.path(lock)); err != nil {
				r.t.Fatal(err)
			}
			autosave := filepath.ToSlash(filepath.Join(filepath.Dir(name), "#"+filepath.Base(name)+"#"))
			r.write(autosave, body)
			r.rename(name, name+"~")
			r.write(name, body)
			r.remove(autosave)
			r.remove(lock)
		}},
	}
	// A longer quiet time than the default, so that a busy machine running the tests in
	// parallel does not split one save.
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths, Debounce: 150 * time.Millisecond, MaxDelay: 2 * time.Second}, nil)
	for i, s := range saves {
		s.save(r, "content/docs/guide.md", fmt.Sprintf("# Guide %d with several words\n", i))
		if b := r.next(); !slices.Equal(b.Paths, []string{"content/docs/guide.md"}) || b.Full || b.Git {
			t.Fatalf("%s: got %+v, want one batch with the guide only", s.editor, b)
		}
		r.quiet()
		if body, err := os.ReadFile(r.path("content/docs/guide.md")); err != nil || !strings.HasPrefix(string(body), fmt.Sprintf("# Guide %d", i)) {
			t.Fatalf("%s: the replay did not save the file: %q, %v", s.editor, body, err)
		}
	}
}

func TestWatchRenameOfADotfileReportsTheTarget(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	r.write("content/.draft", "# New\n")
	r.rename("content/.draft", "content/new.md")
	if b := r.next(); !slices.Equal(b.Paths, []string{"content/new.md"}) {
		t.Fatalf("got %+v, want content/new.md", b)
	}
}

func TestWatchBurstOfWritesGivesFewBatches(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	var want []string
	for i := range 50 {
		want = append(want, fmt.Sprintf("static/img/%02d.txt", i))
	}
	r.write("static/img/00.txt", "")
	for round := range 10 {
		for _, name := range want {
			r.write(name, strings.Repeat("x", round+1))
		}
	}
	batches := r.until(want...)
	// What is still on the way.
	for more := true; more; {
		select {
		case b := <-r.out:
			batches = append(batches, b)
		case <-time.After(watchQuiet):
			more = false
		}
	}
	t.Logf("500 writes gave %d batches", len(batches))
	if len(batches) > 10 {
		t.Fatalf("500 writes gave %d batches, want a few", len(batches))
	}
}

func TestWatchSeesFilesOfFoldersMadeQuickly(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	want := []string{
		"content/a", "content/a/b", "content/a/b/c",
		"content/a/1.md", "content/a/b/2.md", "content/a/b/c/3.md", "content/a/b/c/d/e/4.md",
	}
	done := make(chan error, 1)
	go func() {
		// No sleeps: the files are written before the watcher can watch their folders.
		err := os.MkdirAll(r.path("content/a/b/c/d/e"), 0o755)
		for _, name := range want[3:] {
			err = errors.Join(err, os.WriteFile(r.path(name), []byte(name), 0o644))
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r.until(want...)
	r.write("content/a/b/c/d/e/later.md", "later")
	r.until("content/a/b/c/d/e/later.md")
}

func TestWatchSeesAFolderRenamedIntoPlace(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(outside, "i18n", "fr"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "i18n", "fr", "fr.yaml"), []byte("hello: bonjour"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(outside, "i18n"), r.path("i18n")); err != nil {
		t.Fatal(err)
	}
	r.until("i18n", "i18n/fr", "i18n/fr/fr.yaml")
	r.write("i18n/fr/fr.yaml", "hello: salut")
	r.until("i18n/fr/fr.yaml")
}

func TestWatchFollowsAFolderRenamedInside(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, nil)
	start := r.w.count.Load()
	r.rename("content/docs", "content/manual")
	r.until("content/docs", "content/manual", "content/manual/guide.md")
	r.write("content/manual/guide.md", "# Manual\n")
	r.until("content/manual/guide.md")
	r.write("content/docs/new.md", "# Docs again\n")
	r.until("content/docs", "content/docs/new.md")
	if got := r.w.count.Load(); got != start+1 {
		t.Fatalf("%d watches, want %d", got, start+1)
	}
}

func TestWatchSeesWatchedPathsCreatedLater(t *testing.T) {
	t.Parallel()
	files := map[string]string{"content/post.md": "# Post\n"}
	r := newWatchRig(t, t.TempDir(), files, WatchOptions{Paths: []string{"content", "layouts", "config/site/pspm.yaml"}}, nil)
	r.write("layouts/partials/head.html", "<title>")
	r.until("layouts", "layouts/partials", "layouts/partials/head.html")
	r.write("layouts/partials/head.html", "<title>x")
	r.until("layouts/partials/head.html")
	r.write("config/site/pspm.yaml", "title: x")
	r.until("config/site/pspm.yaml")
	r.write("config/site/other.yaml", "not watched")
	r.write("config/site/pspm.yaml", "title: y")
	if b := r.next(); !slices.Equal(b.Paths, []string{"config/site/pspm.yaml"}) {
		t.Fatalf("got %+v, want config/site/pspm.yaml only", b)
	}
}

func TestWatchDropsTheWatchesOfRemovedFolders(t *testing.T) {
	t.Parallel()
	files := map[string]string{"content/old/x.md": "x", "content/old/sub/y.md": "y", "content/post.md": "p"}
	r := newWatchRig(t, t.TempDir(), files, WatchOptions{Paths: []string{"content"}}, nil)
	start := r.w.count.Load()
	if start != 4 || len(r.w.fs.WatchList()) != 4 {
		t.Fatalf("%d watches (fsnotify: %q), want 4: the root, content, old, sub", start, r.w.fs.WatchList())
	}
	r.remove("content/old")
	r.until("content/old")
	if got := r.w.count.Load(); got != 2 {
		t.Fatalf("%d watches after the folder is removed, want 2", got)
	}
	if got := r.w.fs.WatchList(); len(got) != 2 {
		t.Fatalf("fsnotify watches %q after the folder is removed, want the root and content", got)
	}
}

func TestWatchCountStaysFlatAcrossCreateAndRemove(t *testing.T) {
	t.Parallel()
	var added atomic.Int64
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, func(w *watcher) {
		add := w.add
		w.add = func(dir string) error {
			err := add(dir)
			if err == nil && strings.Contains(dir, "cycle") {
				added.Add(1)
			}
			return err
		}
	})
	start, startOS := r.w.count.Load(), len(r.w.fs.WatchList())
	for i := range 1000 {
		if err := os.MkdirAll(r.path("content/cycle/sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(r.path("content/cycle/sub/x.md"), []byte{byte(i)}, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(r.path("content/cycle")); err != nil {
			t.Fatal(err)
		}
	}
	// Events come in order: once the last file is reported, every cycle was handled.
	r.write("content/last.md", "last")
	r.until("content/last.md")
	if got, gotOS := r.w.count.Load(), len(r.w.fs.WatchList()); got != start || gotOS != startOS {
		t.Fatalf("after 1000 cycles, %d watches (fsnotify: %d), want %d (fsnotify: %d)", got, gotOS, start, startOS)
	}
	if added.Load() == 0 {
		t.Fatal("the folders of the cycles were never watched, so the test proves nothing")
	}
	t.Logf("%d watches added and dropped; overflows: %d", added.Load(), len(r.logged("overflow")))
}

func TestWatchDoesNotFollowSymbolicLinks(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "content"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "content", "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "themes")); err != nil {
		t.Fatal(err)
	}
	r := newWatchRig(t, root, nil, WatchOptions{Paths: []string{"content", "themes"}}, nil)
	if got := r.w.count.Load(); got != 2 {
		t.Fatalf("%d watches, want 2: the root and content", got)
	}
	if len(r.logged("themes is a symbolic link")) != 1 {
		t.Errorf("no message about themes being a link: %q", r.logged(""))
	}
	if err := os.WriteFile(filepath.Join(outside, "x.md"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r.quiet()
}

func TestWatchOverflowSendsAFullBatchAndWatchesNewFolders(t *testing.T) {
	t.Parallel()
	var skip atomic.Bool
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths}, func(w *watcher) {
		w.injected = make(chan error)
		add := w.add
		w.add = func(dir string) error {
			if skip.Load() && filepath.Base(dir) == "late" {
				return nil // as if its events were lost
			}
			return add(dir)
		}
	})
	skip.Store(true)
	r.write("content/late/first.md", "first")
	r.until("content/late")
	skip.Store(false)

	r.w.injected <- errors.New("something odd")
	r.w.injected <- fsnotify.ErrEventOverflow
	b := r.next()
	if !b.Full || !strings.Contains(b.Reason, "overflow") {
		t.Fatalf("got %+v, want a Full batch saying overflow", b)
	}
	if len(r.logged("something odd")) != 1 || len(r.logged("overflow")) != 1 {
		t.Errorf("logs %q, want the error and the overflow", r.logged(""))
	}
	r.write("content/late/second.md", "second")
	r.until("content/late/second.md")
}

func TestWatchLimitAtStartSwitchesToPolling(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths, Poll: 50 * time.Millisecond}, func(w *watcher) {
		w.add = func(string) error { return syscall.ENOSPC }
	})
	msgs := r.logged("max_user_watches")
	if len(msgs) != 1 || !strings.Contains(msgs[0], "sudo sysctl fs.inotify.max_user_watches=524288") || !strings.Contains(msgs[0], "50ms") {
		t.Fatalf("logs %q, want one message saying the limit and how to raise it", r.logged(""))
	}
	if got := r.w.count.Load(); got != 0 {
		t.Fatalf("%d watches in polling mode, want 0", got)
	}
	r.write("content/.post.md.swp", "swap")
	r.quiet()
	r.write("content/new.md", "# New\n")
	b := r.next()
	if !b.Full || b.Reason == "" || !slices.Contains(b.Paths, "content/new.md") {
		t.Fatalf("got %+v, want a Full batch with content/new.md", b)
	}
	r.remove("content/docs")
	if b := r.next(); !b.Full || !slices.Contains(b.Paths, "content/docs/guide.md") {
		t.Fatalf("got %+v, want a Full batch with the removed guide", b)
	}
}

func TestWatchLimitLaterSwitchesToPolling(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths, Poll: 50 * time.Millisecond}, func(w *watcher) {
		add := w.add
		w.add = func(dir string) error {
			if filepath.Base(dir) == "deep" {
				return syscall.ENOSPC
			}
			return add(dir)
		}
	})
	if err := os.MkdirAll(r.path("content/deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if b := r.next(); !b.Full || !strings.Contains(b.Reason, "limit") {
		t.Fatalf("got %+v, want a Full batch saying the limit is reached", b)
	}
	if len(r.logged("max_user_watches")) != 1 {
		t.Fatalf("logs %q, want one message about the limit", r.logged(""))
	}
	r.write("content/deep/x.md", "x")
	if b := r.next(); !b.Full || !slices.Contains(b.Paths, "content/deep/x.md") {
		t.Fatalf("got %+v, want a Full batch with content/deep/x.md", b)
	}
}

// watchGit runs the real git in dir, with no configuration but the test's.
func watchGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command("git", append([]string{
		"-c", "user.name=Ada", "-c", "user.email=ada@example.org", "-c", "init.defaultBranch=main",
		"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "gc.auto=0", "-c", "maintenance.auto=false",
	}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func TestWatchGitReportsCommitsAndTagsNotAdds(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for name, body := range watchSiteFiles {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	watchGit(t, root, "init", "-q")
	watchGit(t, root, "add", ".")
	watchGit(t, root, "commit", "-q", "-m", "first")
	r := newWatchRig(t, root, nil, WatchOptions{Paths: watchSitePaths, Git: true, Debounce: 100 * time.Millisecond}, nil)

	r.write("notes.txt", "not part of the site")
	watchGit(t, root, "add", "notes.txt")
	r.quiet()

	watchGit(t, root, "commit", "-q", "-m", "second")
	if b := r.next(); !b.Git || len(b.Paths) != 0 || b.Full {
		t.Fatalf("after a commit, got %+v, want Git only", b)
	}
	r.quiet()

	watchGit(t, root, "tag", "v1")
	if b := r.next(); !b.Git || len(b.Paths) != 0 {
		t.Fatalf("after a tag, got %+v, want Git only", b)
	}
	watchGit(t, root, "pack-refs", "--all")
	if b := r.next(); !b.Git {
		t.Fatalf("after pack-refs, got %+v, want Git", b)
	}
	watchGit(t, root, "checkout", "-q", "-b", "topic/one")
	if b := r.next(); !b.Git {
		t.Fatalf("after a checkout, got %+v, want Git", b)
	}
	r.write("content/post.md", "# Post, revised\n")
	watchGit(t, root, "commit", "-q", "-a", "-m", "third")
	var post, git bool
	for !post || !git {
		b := r.next()
		post = post || slices.Contains(b.Paths, "content/post.md")
		git = git || b.Git
	}
}

func TestWatchGitSeesARepositoryMadeLater(t *testing.T) {
	t.Parallel()
	r := newWatchRig(t, t.TempDir(), watchSiteFiles, WatchOptions{Paths: watchSitePaths, Git: true}, nil)
	watchGit(t, r.root, "init", "-q")
	if b := r.next(); !b.Git {
		t.Fatalf("after git init, got %+v, want Git", b)
	}
	watchGit(t, r.root, "commit", "-q", "--allow-empty", "-m", "first")
	if b := r.next(); !b.Git {
		t.Fatalf("after the first commit, got %+v, want Git", b)
	}
	watchGit(t, r.root, "tag", "v1")
	if b := r.next(); !b.Git {
		t.Fatalf("after a tag, got %+v, want Git", b)
	}
}

func TestWatchGitFollowsAWorktree(t *testing.T) {
	t.Parallel()
	main, wt := t.TempDir(), filepath.Join(t.TempDir(), "wt")
	if err := os.WriteFile(filepath.Join(main, "pspm.yaml"), []byte("title: x"), 0o644); err != nil {
		t.Fatal(err)
	}
	watchGit(t, main, "init", "-q")
	watchGit(t, main, "add", ".")
	watchGit(t, main, "commit", "-q", "-m", "first")
	watchGit(t, main, "worktree", "add", "-q", "-b", "feature", wt)
	if info, err := os.Lstat(filepath.Join(wt, ".git")); err != nil || info.IsDir() {
		t.Fatalf("the worktree's .git is not a file: %v", err)
	}
	r := newWatchRig(t, wt, nil, WatchOptions{Paths: []string{"content", "pspm.yaml"}, Git: true}, nil)
	watchGit(t, wt, "commit", "-q", "--allow-empty", "-m", "in the worktree")
	if b := r.next(); !b.Git {
		t.Fatalf("after a commit in the worktree, got %+v, want Git", b)
	}
	watchGit(t, main, "tag", "v1")
	if b := r.next(); !b.Git {
		t.Fatalf("after a tag in the main worktree, got %+v, want Git", b)
	}
}

func TestWatchGitFileThatPointsNowhereIsLogged(t *testing.T) {
	t.Parallel()
	files := map[string]string{".git": "gitdir: ../nowhere\n", "content/post.md": "p"}
	r := newWatchRig(t, t.TempDir(), files, WatchOptions{Paths: []string{"content"}, Git: true}, nil)
	if len(r.logged("not watching Git")) != 1 {
		t.Fatalf("logs %q, want one saying Git is not watched", r.logged(""))
	}
	r.write("content/post.md", "p2")
	r.until("content/post.md")
}

func TestWatchStopsWhenTheContextIsDone(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out, err := Watch(ctx, WatchOptions{Root: root, Paths: []string{"content"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "content"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cancel()
	timeout := time.After(watchWait)
	for {
		select {
		case _, ok := <-out:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the channel is not closed after the context is done")
		}
	}
}

func TestWatchRejectsBadOptions(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, o := range []WatchOptions{
		{Root: ""},
		{Root: filepath.Join(root, "missing")},
		{Root: root, Paths: []string{"../outside"}},
		{Root: root, Paths: []string{"/etc"}},
		{Root: root, Paths: []string{""}},
	} {
		if _, err := Watch(t.Context(), o); err == nil {
			t.Errorf("Watch(%+v) did not fail", o)
		}
	}
}

func TestWatchNoise(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"post.md": false, "layout.tmpl": false, "4913.md": false, "a#b#": false, "#": false,
		".post.md.swp": true, "post.md~": true, "4913": true, "#post.md#": true, ".#post.md": true,
		"post.md.tmp": true, "post.md.tmp123": true, ".post.md.tmp123": true, "x.swx": true,
		"post.md___jb_tmp___": true, "post.md___jb_old___": true, ".DS_Store": true,
	} {
		if got := isNoise(name); got != want {
			t.Errorf("isNoise(%q) = %v, want %v", name, got, want)
		}
	}
}
