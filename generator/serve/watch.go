package serve

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"
)

// WatchOptions says what to watch.
type WatchOptions struct {
	// Root is the site folder, absolute or relative.
	Root string
	// Paths are slash-separated and relative to Root: folders, watched with every folder
	// under them ("content", "layouts", "static", "i18n", "themes"), or single files
	// ("pspm.yaml"). A path that does not exist yet is fine: its creation is seen and it is
	// watched from then on.
	Paths []string
	// Git also watches the repository of Root (its HEAD, packed-refs and refs, following a
	// .git file of a worktree or submodule), so that a commit or a new tag is reported as
	// Batch.Git. Objects, the index and the logs are not watched: they change on every
	// `git add` and say nothing about history.
	Git bool
	// Debounce is the quiet time that ends a batch; 40ms when zero.
	Debounce time.Duration
	// Early, when set (shorter than Debounce), sends the changes as soon as Early passes
	// without an event, as a Batch marked Early, so that the receiver can start working
	// on them while the folder settles; once Debounce passes without an event, a Batch
	// that is not Early follows: the changes since, or none (an empty Batch that says
	// the changes received are settled). A receiver shows the result of its work only
	// after that Batch, so that a file caught in the middle of a save is never shown:
	// the result is the same as with Debounce alone, but the work began earlier.
	Early time.Duration
	// MaxDelay bounds how long after its first event a batch is sent even if events keep
	// coming; 400ms when zero (or ten times Debounce, if more).
	MaxDelay time.Duration
	// Poll is how often the folders are scanned when the system cannot watch them all
	// (too many folders for its limit); 1s when zero.
	Poll time.Duration
	// Logf, when set, receives messages for the terminal: the watch limit was reached,
	// events were lost, a folder could not be watched.
	Logf func(format string, args ...any)
}

// Batch is what changed during one burst of events.
type Batch struct {
	// Paths are slash-separated, relative to Root, sorted and without duplicates: every
	// file or folder created, written, removed or renamed under the watched Paths, with,
	// for a folder created with files in it, the folder and every file and folder found
	// in it. Hidden files and folders (".name") and editors' temporary, backup, swap and
	// lock files are left out, and so is a change of permissions or times alone.
	Paths []string
	// Git says that HEAD or a ref changed: a commit, a checkout, a new tag.
	Git bool
	// Full says that events may have been missed (the system's queue overflowed, or the
	// folders are polled): Paths may be incomplete and everything must be rebuilt.
	Full bool
	// Reason says why Full, in words for the terminal.
	Reason string
	// Early says that more changes may follow soon (see WatchOptions.Early): a Batch
	// that is not Early, perhaps with nothing else in it, will say when they settled.
	Early bool
}

// Watch watches o.Paths under o.Root and sends one Batch per burst of changes: events
// are collected until o.Debounce passes without one (or o.MaxDelay after the first),
// and a burst of nothing but editors' temporary files sends nothing. Folders created
// later are watched as they appear, and those removed stop being watched. When the
// system's limit of watches is reached, Watch says so through o.Logf and scans the
// folders every o.Poll instead, sending Full batches, so that the site never goes stale
// silently. Symbolic links are not followed.
//
// Watch returns an error only when o is wrong or Root is not a folder. It watches until
// ctx is done, then releases every watch of the system and closes the channel. The
// channel is not buffered, but events keep being collected while a batch waits to be
// received, and they are merged into it.
func Watch(ctx context.Context, o WatchOptions) (<-chan Batch, error) {
	w, err := newWatcher(o)
	if err != nil {
		return nil, err
	}
	return w.start(ctx), nil
}

// Defaults of WatchOptions.
const (
	defaultDebounce = 40 * time.Millisecond
	defaultMaxDelay = 400 * time.Millisecond
	defaultPoll     = time.Second
)

// Reasons of Full batches.
const (
	reasonOverflow = "too many changes at once: the system's queue of file events overflowed, some were lost"
	reasonPolling  = "the system's limit of watched folders is reached: changes are found by scanning the folders"
	reasonLost     = "the system stopped reporting file events: changes are found by scanning the folders"
)

// A watcher is the state of one Watch. Everything but count is owned by the goroutine of
// loop once start returns.
type watcher struct {
	o     WatchOptions // with defaults
	root  string       // absolute, cleaned
	paths []string     // o.Paths, cleaned
	out   chan Batch

	fs *fsnotify.Watcher // nil when the system refused to make one
	// add adds one watch of the system on a folder; tests replace it to reach the limit.
	add func(dir string) error
	// injected receives errors as if fsnotify had reported them; tests use it, it is nil
	// otherwise.
	injected chan error

	dirs    map[string]bool // folders watched, absolute
	count   atomic.Int64    // len(dirs), for tests
	dotGit  string          // Root/.git
	gitDirs []string        // folders whose HEAD and packed-refs are watched
	refDirs []string        // folders where every change is a change of refs

	pending pendingChanges // collected, not yet quiet
	first   time.Time      // of the first event of pending (with Early: since the last settled batch)
	last    time.Time      // of the last event
	touched bool           // an event came during this turn of the loop
	// unsettled says that an Early batch was made and the one that settles it was not
	// (with WatchOptions.Early only).
	unsettled bool
	ready     pendingChanges // quiet, waiting to be received
	next      Batch          // ready, as sent
	hasNext   bool

	polling     bool
	limitLogged bool
	scanned     bool     // prev holds the scan that polling compares with
	prev        pollScan // last scan of polling
}

func newWatcher(o WatchOptions) (*watcher, error) {
	if o.Root == "" {
		return nil, errors.New("watch: WatchOptions.Root is empty (want the site folder)")
	}
	root, err := filepath.Abs(o.Root)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	info, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("watch: %s is not a folder (want the site folder)", root)
	}
	var paths []string
	for _, p := range o.Paths {
		c := path.Clean(p)
		if p == "" || path.IsAbs(c) || c == ".." || strings.HasPrefix(c, "../") || filepath.IsAbs(p) {
			return nil, fmt.Errorf("watch: path %q is not inside the site folder (want a slash-separated path relative to it, like \"content\")", p)
		}
		if !slices.Contains(paths, c) {
			paths = append(paths, c)
		}
	}
	if o.Debounce <= 0 {
		o.Debounce = defaultDebounce
	}
	if o.Early < 0 || o.Early >= o.Debounce {
		o.Early = 0
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = max(defaultMaxDelay, 10*o.Debounce)
	}
	if o.Poll <= 0 {
		o.Poll = defaultPoll
	}
	w := &watcher{
		o:      o,
		root:   root,
		paths:  paths,
		out:    make(chan Batch),
		dirs:   make(map[string]bool),
		dotGit: filepath.Join(root, ".git"),
	}
	fw, err := fsnotify.NewWatcher()
	switch {
	case err == nil:
		w.fs = fw
		w.add = fw.Add
	case isWatchLimit(err):
		w.hitLimit(root, err)
	default:
		return nil, fmt.Errorf("watch %s: %w", root, err)
	}
	return w, nil
}

// start adds the watches and starts the loop.
func (w *watcher) start(ctx context.Context) <-chan Batch {
	if !w.polling {
		w.addDir(w.root)
		for _, p := range w.paths {
			w.setup(p, false)
		}
		if w.o.Git {
			w.setupGit()
		}
	}
	if w.polling {
		// Scan now, so that what changes from here on is found.
		w.release()
		w.prev = w.scan()
		w.scanned = true
	}
	w.pending = pendingChanges{}
	go w.loop(ctx)
	return w.out
}

// loop turns events into batches until ctx is done, then polls when the system cannot
// watch everything.
func (w *watcher) loop(ctx context.Context) {
	defer close(w.out)
	defer w.release()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.fs != nil {
		events, errs = w.fs.Events, w.fs.Errors
	}
	for !w.polling {
		var out chan<- Batch
		if w.hasNext {
			out = w.out
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				w.lost()
				continue
			}
			w.handle(ev)
		case err, ok := <-errs:
			if !ok {
				w.lost()
				continue
			}
			w.handleError(err)
		case err := <-w.injected:
			w.handleError(err)
		case <-timer.C:
			if w.o.Early == 0 {
				w.first = time.Time{}
				w.flush()
			} else if d, again := w.early(); again {
				timer.Reset(d)
			}
		case out <- w.next:
			w.sent()
		}
		if w.touched {
			w.touched = false
			d := w.o.Debounce
			if w.o.Early > 0 {
				d = w.o.Early
			}
			if left := w.o.MaxDelay - time.Since(w.first); left < d {
				d = max(left, 0)
			}
			timer.Reset(d)
		}
	}
	if !w.scanned {
		w.release()
		w.prev = w.scan()
		w.scanned = true
		w.pending.setFull(reasonPolling)
		w.flush()
	}
	w.poll(ctx)
}

// poll scans the folders every o.Poll and sends a Full batch when they changed.
func (w *watcher) poll(ctx context.Context) {
	tick := time.NewTicker(w.o.Poll)
	defer tick.Stop()
	for {
		var out chan<- Batch
		if w.hasNext {
			out = w.out
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			cur := w.scan()
			paths, git := w.prev.diff(cur)
			w.prev = cur
			if len(paths) > 0 || git {
				for _, p := range paths {
					w.pending.addPath(p)
				}
				w.pending.git = w.pending.git || git
				w.pending.setFull(reasonPolling)
				w.flush()
			}
		case out <- w.next:
			w.sent()
		}
	}
}

// lost handles the end of fsnotify's channels, which only a closed watcher should see.
func (w *watcher) lost() {
	w.logf("watch: %s; pspm now looks for changes every %v", reasonLost, w.o.Poll)
	w.release()
	w.polling = true
	w.prev = w.scan()
	w.scanned = true
	w.pending.setFull(reasonLost)
	w.flush()
}

// release closes the watcher of the system, which drops all its watches.
func (w *watcher) release() {
	if w.fs != nil {
		_ = w.fs.Close()
	}
	clear(w.dirs)
	w.count.Store(0)
}

// flush moves the pending changes to the batch waiting to be received, if there is
// anything to tell.
func (w *watcher) flush() {
	c := w.pending
	w.pending = pendingChanges{}
	if c.empty() {
		return
	}
	w.ready.merge(c)
	w.ready.early = false
	w.next = w.ready.batch()
	w.hasNext = true
}

// early handles the end of a quiet time with WatchOptions.Early: changes collected are
// sent as an Early batch, and the settled batch follows once Debounce passes without an
// event (or MaxDelay after the first event since the last settled batch). It returns how
// long to wait for the next step, if there is one.
func (w *watcher) early() (time.Duration, bool) {
	maxed := time.Since(w.first) >= w.o.MaxDelay
	if !w.pending.empty() && !maxed {
		w.flush()
		w.ready.early = true
		w.next.Early = true
		w.unsettled = true
	} else if !w.pending.empty() {
		w.flush() // events keep coming: what is there is sent as settled, as without Early
		w.unsettled = false
		w.first = time.Time{}
		return 0, false
	}
	if !w.unsettled {
		w.first = time.Time{} // nothing but noise since the last settled batch
		return 0, false
	}
	left := w.o.Debounce - time.Since(w.last)
	if byMax := w.o.MaxDelay - time.Since(w.first); byMax < left {
		left = byMax
	}
	if left > 0 {
		return left, true
	}
	// Settled: the batch waiting is no longer Early, or an empty one says so.
	w.ready.early = false
	w.next = w.ready.batch()
	w.hasNext = true
	w.unsettled = false
	w.first = time.Time{}
	return 0, false
}

// sent forgets the batch just received.
func (w *watcher) sent() {
	w.ready = pendingChanges{}
	w.next = Batch{}
	w.hasNext = false
}

// touch says that a relevant event came: it starts or extends the debounce.
func (w *watcher) touch() {
	w.last = time.Now()
	if w.first.IsZero() {
		w.first = w.last
	}
	w.touched = true
}

// handle handles one event of fsnotify.
func (w *watcher) handle(ev fsnotify.Event) {
	if ev.Op&^fsnotify.Chmod == 0 {
		// Permissions or times only: Linux sends it when a link is removed, macOS when
		// Spotlight indexes; the content is the same.
		return
	}
	name := filepath.Clean(ev.Name)
	created := ev.Has(fsnotify.Create)
	if (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) && w.dirs[name] {
		w.drop(name)
		if name == w.root {
			w.logf("watch: the site folder %s was removed or renamed; restart pspm serve", w.root)
		}
	}
	if w.o.Git && w.handleGit(name, created) {
		return
	}
	rel, ok := w.rel(name)
	if !ok || rel == "." {
		return
	}
	report, noise, above := w.classify(rel)
	if !report && !noise && !above {
		return
	}
	w.touch()
	if report {
		w.pending.addPath(rel)
	}
	if !created || (!report && !above) {
		return
	}
	info, err := os.Lstat(name)
	if err != nil || !info.IsDir() {
		return
	}
	if w.dirs[name] {
		// A folder renamed over an empty one: the old watch is stale.
		w.drop(name)
	}
	if report {
		w.addTree(name, true)
		return
	}
	if w.addDir(name) {
		for _, p := range w.paths {
			if strings.HasPrefix(p, rel+"/") {
				w.setup(p, true)
			}
		}
	}
}

// handleGit handles an event about the repository, and reports whether it was one.
func (w *watcher) handleGit(name string, created bool) bool {
	if name == w.dotGit && created {
		// git init, or a .git file written.
		w.setupGit()
		w.touch()
		w.pending.git = true
		return true
	}
	for _, r := range w.refDirs {
		if name == r || strings.HasPrefix(name, r+string(filepath.Separator)) {
			if strings.HasSuffix(name, ".lock") {
				return true // a ref being written: its rename follows
			}
			w.touch()
			w.pending.git = true
			if created && isRealDir(name) {
				w.addTree(name, false)
			}
			return true
		}
	}
	parent, base := filepath.Split(name)
	parent = filepath.Clean(parent)
	for _, g := range w.gitDirs {
		if name == g {
			return true
		}
		if parent == g {
			if base == "HEAD" || base == "packed-refs" {
				w.touch()
				w.pending.git = true
			}
			return true
		}
	}
	return false
}

// handleError handles an error of fsnotify.
func (w *watcher) handleError(err error) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		w.logf("watch: %s; rebuilding everything", reasonOverflow)
		w.pending.setFull(reasonOverflow)
		w.rescan()
		w.touch()
		return
	}
	w.logf("watch: %v", err)
}

// classify says how rel, relative to Root, stands to the watched paths: its changes are
// reported, or it is inside one but editor noise, or it is a folder on the way to one.
func (w *watcher) classify(rel string) (report, noise, above bool) {
	for _, p := range w.paths {
		tail, in := withinPath(rel, p)
		switch {
		case in && noisyPath(tail):
			noise = true
		case in:
			report = true
		case rel == "." || strings.HasPrefix(p, rel+"/"):
			above = true
		}
	}
	return report, noise, above
}

// withinPath reports whether rel is p or inside it, and what follows p.
func withinPath(rel, p string) (tail string, ok bool) {
	switch {
	case p == ".":
		if rel == "." {
			return "", true
		}
		return rel, true
	case rel == p:
		return "", true
	case strings.HasPrefix(rel, p+"/"):
		return rel[len(p)+1:], true
	}
	return "", false
}

// rel returns name relative to Root, slash-separated.
func (w *watcher) rel(name string) (string, bool) {
	if name == w.root {
		return ".", true
	}
	prefix := w.root
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	r, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// setup watches the folders on the way from Root to the watched path p and, if p is a
// folder, every folder in it. With collect, every file and folder of p goes into the
// pending batch.
func (w *watcher) setup(p string, collect bool) {
	if p == "." {
		w.addTree(w.root, collect)
		return
	}
	dir := w.root
	parts := strings.Split(p, "/")
	for i, part := range parts {
		name := filepath.Join(dir, part)
		info, err := os.Lstat(name)
		if err != nil {
			return // created later: its parent is watched
		}
		if i == len(parts)-1 {
			switch {
			case info.IsDir():
				w.addTree(name, collect)
			case collect:
				w.pending.addPath(p)
			case info.Mode()&fs.ModeSymlink != 0 && linksToDir(name):
				w.logf("watch: %s is a symbolic link to a folder; pspm does not follow links, so changes in it are not seen", p)
			}
			return
		}
		if !info.IsDir() {
			return
		}
		if !w.dirs[name] && !w.addDir(name) {
			return
		}
		dir = name
	}
}

// addTree watches dir and every folder in it but editors' and symbolic links; with
// collect, every file and folder found goes into the pending batch, since files may have
// been written before the watch was added.
func (w *watcher) addTree(dir string, collect bool) {
	_ = filepath.WalkDir(dir, func(name string, d fs.DirEntry, err error) error {
		if w.polling {
			return filepath.SkipAll
		}
		if err != nil {
			return nil // removed meanwhile: its removal is an event of its own
		}
		if name != dir && isNoise(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if collect {
			if rel, ok := w.rel(name); ok {
				w.pending.addPath(rel)
			}
		}
		if d.IsDir() && !w.addDir(name) {
			return filepath.SkipDir
		}
		return nil
	})
}

// addDir adds a watch on the folder dir, and reports whether it did.
func (w *watcher) addDir(dir string) bool {
	if w.polling {
		return false
	}
	err := w.add(dir)
	switch {
	case err == nil:
		if !w.dirs[dir] {
			w.dirs[dir] = true
			w.count.Store(int64(len(w.dirs)))
		}
		return true
	case isWatchLimit(err):
		w.hitLimit(dir, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		// Gone before it could be watched: its removal is an event of its own.
	default:
		w.logf("watch: cannot watch %s: %v; changes in it will not be seen", w.display(dir), err)
	}
	return false
}

// drop stops watching dir and every folder under it.
func (w *watcher) drop(dir string) {
	prefix := dir + string(filepath.Separator)
	for d := range w.dirs {
		if d == dir || strings.HasPrefix(d, prefix) {
			delete(w.dirs, d)
			if w.fs != nil {
				// The system drops the watch of a removed folder itself; fsnotify then
				// says it has none.
				_ = w.fs.Remove(d)
			}
		}
	}
	w.count.Store(int64(len(w.dirs)))
}

// rescan watches again every folder there is, after events were lost.
func (w *watcher) rescan() {
	old := w.dirs
	w.dirs = make(map[string]bool, len(old))
	w.addDir(w.root)
	for _, p := range w.paths {
		w.setup(p, false)
	}
	if w.o.Git {
		w.setupGit()
	}
	if w.polling {
		return
	}
	for d := range old {
		if !w.dirs[d] {
			_ = w.fs.Remove(d)
		}
	}
	w.count.Store(int64(len(w.dirs)))
}

// setupGit watches the repository's folders that hold HEAD, packed-refs and refs.
func (w *watcher) setupGit() {
	w.gitDirs, w.refDirs = nil, nil
	dirs, err := gitFolders(w.root)
	if err != nil {
		w.logf("watch: not watching Git: %v; commits are seen only when pspm serve restarts", err)
		return
	}
	for _, g := range dirs {
		if !w.addDir(g) {
			continue
		}
		w.gitDirs = append(w.gitDirs, g)
		for _, sub := range []string{"refs", "reftable"} {
			r := filepath.Join(g, sub)
			w.refDirs = append(w.refDirs, r)
			if isRealDir(r) {
				w.addTree(r, false)
			}
		}
	}
}

// gitFolders returns the folders of the repository of root that hold HEAD and refs: .git,
// or the folder a .git file points to and its common folder (worktrees), or nothing when
// there is no repository.
func gitFolders(root string) ([]string, error) {
	dot := filepath.Join(root, ".git")
	info, err := os.Stat(dot)
	if err != nil {
		return nil, nil
	}
	if info.IsDir() {
		// Maybe still being made by git init: HEAD and refs are watched as they appear.
		return withCommon(dot), nil
	}
	// A worktree or a submodule: "gitdir: <folder>".
	data, err := os.ReadFile(dot)
	if err != nil {
		return nil, err
	}
	dir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
	dir = strings.TrimSpace(dir)
	if !ok || dir == "" || strings.Contains(dir, "\n") {
		return nil, fmt.Errorf(`%s is a file but not "gitdir: <folder>"`, dot)
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	dir = filepath.Clean(dir)
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		return nil, fmt.Errorf("%s points to %s, which has no HEAD, so it is not a Git folder", dot, dir)
	}
	return withCommon(dir), nil
}

// withCommon returns the Git folder dir and, for a worktree, the folder it shares with the
// main one, where the branches are.
func withCommon(dir string) []string {
	dirs := []string{dir}
	if data, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil {
		common := strings.TrimSpace(string(data))
		if !filepath.IsAbs(common) {
			common = filepath.Join(dir, common)
		}
		if common = filepath.Clean(common); common != dir && isRealDir(common) {
			dirs = append(dirs, common)
		}
	}
	return dirs
}

// hitLimit switches to polling, saying why once.
func (w *watcher) hitLimit(dir string, err error) {
	w.polling = true
	if w.limitLogged {
		return
	}
	w.limitLogged = true
	w.logf("%s", limitMessage(w.display(dir), err, w.o.Poll))
}

// isWatchLimit reports whether err says that the system cannot watch more.
func isWatchLimit(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// limitMessage says which limit of the system err reached and how to raise it.
func limitMessage(dir string, err error, poll time.Duration) string {
	var limit, raise string
	switch {
	case errors.Is(err, syscall.ENOSPC):
		limit = "the limit of watched folders (fs.inotify.max_user_watches" + sysctlValue("/proc/sys/fs/inotify/max_user_watches") + ")"
		raise = "raise it with `sudo sysctl fs.inotify.max_user_watches=524288` (and add the line fs.inotify.max_user_watches=524288 to /etc/sysctl.conf to keep it after a restart)"
	case runtime.GOOS == "linux" && errors.Is(err, syscall.EMFILE):
		limit = "the limit of file watchers per user (fs.inotify.max_user_instances" + sysctlValue("/proc/sys/fs/inotify/max_user_instances") + ")"
		raise = "close other programs that watch files, or raise it with `sudo sysctl fs.inotify.max_user_instances=1024`"
	case errors.Is(err, syscall.ENFILE):
		limit = "the system's limit of open files"
		raise = "close other programs, or raise the limit (on Linux: `sudo sysctl fs.file-max=2097152`)"
	default:
		limit = "the limit of open files"
		raise = "raise it with `ulimit -n 10240` in the shell that runs pspm serve"
	}
	return fmt.Sprintf("watch: cannot watch %s: %s is reached (%v). pspm now scans the site for changes every %v, which is slower and rebuilds everything; to watch again, %s and restart pspm serve.",
		dir, limit, err, poll, raise)
}

// sysctlValue returns " = value" of the setting in file, or nothing when it cannot be read.
func sysctlValue(file string) string {
	data, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	return " = " + strings.TrimSpace(string(data))
}

// display returns dir relative to Root for messages, or as it is outside.
func (w *watcher) display(dir string) string {
	if rel, ok := w.rel(dir); ok && rel != "." {
		return rel
	}
	return dir
}

func (w *watcher) logf(format string, args ...any) {
	if w.o.Logf != nil {
		w.o.Logf(format, args...)
	}
}

// linksToDir reports whether name is, or links to, a folder.
func linksToDir(name string) bool {
	info, err := os.Stat(name)
	return err == nil && info.IsDir()
}

// isRealDir reports whether name is a folder, not a link to one.
func isRealDir(name string) bool {
	info, err := os.Lstat(name)
	return err == nil && info.IsDir()
}

// isNoise reports whether a file named name is an editor's or the system's, not the
// author's: hidden files, backups, swap, lock and autosave files, temporary files of
// atomic saves, vim's probe.
func isNoise(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~") || name == "4913" {
		return true
	}
	if len(name) > 1 && strings.HasPrefix(name, "#") && strings.HasSuffix(name, "#") {
		return true // emacs' autosave
	}
	for _, s := range []string{".swp", ".swx", ".swo", ".tmp", "___jb_tmp___", "___jb_old___"} {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	// file.tmp123, but not layout.tmpl.
	if i := strings.LastIndex(name, ".tmp"); i > 0 {
		digits := name[i+len(".tmp"):]
		return strings.Trim(digits, "0123456789") == ""
	}
	return false
}

// noisyPath reports whether any element of the slash-separated rel is noise.
func noisyPath(rel string) bool {
	for el := range strings.SplitSeq(rel, "/") {
		if el != "" && isNoise(el) {
			return true
		}
	}
	return false
}

// pendingChanges accumulate into a Batch.
type pendingChanges struct {
	paths   map[string]bool
	git     bool
	full    bool
	reasons []string
	early   bool
}

func (c *pendingChanges) empty() bool { return len(c.paths) == 0 && !c.git && !c.full }

func (c *pendingChanges) addPath(p string) {
	if c.paths == nil {
		c.paths = make(map[string]bool)
	}
	c.paths[p] = true
}

func (c *pendingChanges) setFull(reason string) {
	c.full = true
	if !slices.Contains(c.reasons, reason) {
		c.reasons = append(c.reasons, reason)
	}
}

func (c *pendingChanges) merge(d pendingChanges) {
	for p := range d.paths {
		c.addPath(p)
	}
	c.git = c.git || d.git
	for _, r := range d.reasons {
		c.setFull(r)
	}
}

func (c pendingChanges) batch() Batch {
	b := Batch{Git: c.git, Full: c.full, Reason: strings.Join(c.reasons, "; "), Early: c.early}
	for p := range c.paths {
		b.Paths = append(b.Paths, p)
	}
	slices.Sort(b.Paths)
	return b
}

// A pollScan is what a scan of polling found.
type pollScan struct {
	site map[string]fileStamp // by path relative to Root
	git  map[string]fileStamp // by absolute path
}

// A fileStamp tells whether a file changed between two scans.
type fileStamp struct {
	size  int64
	mtime int64
	mode  fs.FileMode
}

// scan walks the watched paths, and the repository's HEAD and refs.
func (w *watcher) scan() pollScan {
	s := pollScan{site: make(map[string]fileStamp), git: make(map[string]fileStamp)}
	for _, p := range w.paths {
		start := filepath.Join(w.root, filepath.FromSlash(p))
		_ = filepath.WalkDir(start, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if name != start && isNoise(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if rel, ok := w.rel(name); ok {
				if st, ok := fileStampOf(d); ok {
					s.site[rel] = st
				}
			}
			return nil
		})
	}
	if !w.o.Git {
		return s
	}
	dirs, _ := gitFolders(w.root)
	for _, g := range dirs {
		for _, f := range []string{"HEAD", "packed-refs"} {
			if info, err := os.Stat(filepath.Join(g, f)); err == nil {
				s.git[filepath.Join(g, f)] = fileStamp{info.Size(), info.ModTime().UnixNano(), info.Mode()}
			}
		}
		for _, sub := range []string{"refs", "reftable"} {
			_ = filepath.WalkDir(filepath.Join(g, sub), func(name string, d fs.DirEntry, err error) error {
				if err != nil || strings.HasSuffix(name, ".lock") {
					return nil
				}
				if st, ok := fileStampOf(d); ok {
					s.git[name] = st
				}
				return nil
			})
		}
	}
	return s
}

// fileStampOf returns the stamp of a file; a folder's is its kind only, since its time
// changes with any file in it, noise included.
func fileStampOf(d fs.DirEntry) (fileStamp, bool) {
	if d.IsDir() {
		return fileStamp{mode: fs.ModeDir}, true
	}
	info, err := d.Info()
	if err != nil {
		return fileStamp{}, false
	}
	return fileStamp{info.Size(), info.ModTime().UnixNano(), info.Mode()}, true
}

// diff returns the paths that differ from s to t, and whether the refs did.
func (s pollScan) diff(t pollScan) (paths []string, git bool) {
	for p, st := range t.site {
		if old, ok := s.site[p]; !ok || old != st {
			paths = append(paths, p)
		}
	}
	for p := range s.site {
		if _, ok := t.site[p]; !ok {
			paths = append(paths, p)
		}
	}
	return paths, !maps.Equal(s.git, t.git)
}
