// Package output is the only part of pspm that writes to disk.
//
// A build never writes into the destination while it renders. It writes into a temporary
// folder beside the destination: the whole site when the destination is empty or missing,
// swapped in whole at the end (an atomic exchange on Linux); only the files whose bytes
// differ from the destination's when it holds the previous build's site. In that second
// case the commit moves the changed files in, one rename each, and removes the files the
// new site no longer has, under a journal that the next build finishes if this one is
// killed meanwhile. Either way a failed, killed or interrupted build leaves the previous
// output exactly as it was, and a reader never sees a torn file; replacing a large site
// after a small change costs what changed, not the size of the site. Every path is checked
// to stay inside the folder, and no path is written twice: a second file at a path would
// silently replace the first (an attachment called index.html replacing its item's page),
// so it is an error instead.
package output

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/internal/pathkey"
)

// Writer receives the files of a built site. Implementations are safe for concurrent use.
type Writer interface {
	// WriteFile writes data at name, a slash-separated path relative to the site root.
	WriteFile(name string, data []byte) error
}

// Streamer is a Writer that takes a file as it is made, without holding its bytes at once:
// a dataset of a large site is hundreds of megabytes.
type Streamer interface {
	Writer
	// WriteStream writes at name the bytes write writes to its io.Writer, under the rules
	// of WriteFile. An error of write is returned as it is.
	WriteStream(name string, write func(io.Writer) error) error
}

// Stream writes the file at name into w with write: as it is made when w is a Streamer,
// else made in memory and given to WriteFile.
func Stream(w Writer, name string, write func(io.Writer) error) error {
	if s, ok := w.(Streamer); ok {
		return s.WriteStream(name, write)
	}
	var b bytes.Buffer
	if err := write(&b); err != nil {
		return err
	}
	return w.WriteFile(name, b.Bytes())
}

// CheckPath reports whether name is a clean, relative, slash-separated path that stays
// inside its root: no "..", no leading slash, no backslash, no empty or dot element.
func CheckPath(name string) error {
	if name == "" || name == "." || strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || !fs.ValidPath(name) || !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("output path %q is not a clean relative path inside the destination", name)
	}
	return nil
}

// Dir writes a site into a temporary folder beside the destination and puts it in place on
// Commit. When the destination already holds a site (the previous build's), the temporary
// folder receives only the files whose bytes differ from the destination's: Commit then
// moves those few files in, one rename each, and removes the files the new site no longer
// has, so that replacing a site of 30,000 files after a small change costs milliseconds and
// leaves every unchanged file as it was (same inode, same modification time, which
// rsync-like uploads and caches rely on). Until Commit the destination is only read.
type Dir struct {
	dest string
	tmp  string
	// listed is closed once the previous site's files are listed (previousFiles), which
	// NewDir starts and the build does not wait for: prev and inPlace are read after it.
	listed  chan struct{}
	inPlace bool            // dest holds a previous site: tmp receives only what differs from it
	prev    map[string]bool // in place: the files of the previous site
	mu      sync.Mutex
	made    map[string]bool // folders created in tmp lately (at most madeUpTo)
	// written: the files already written (kept or staged), by their paths' keys: the
	// strings of 570,000 paths, held by a set of paths, were tens of MB of the heap at
	// the end of a large site's render, where a build's memory peaks.
	written map[pathkey.Key]struct{}
	staged  []string  // in place: the files written into tmp, to move into dest
	bufs    sync.Pool // of *[]byte, to compare files with the destination's
}

// tmpPrefix marks the temporary folders of builds, so that leftovers of killed builds can
// be recognised and removed.
func tmpPrefix(dest string) string { return "." + filepath.Base(dest) + ".tmp-" }

// journalName is the file beside dest that says a Commit in place is under way: the
// temporary folder whose files are being moved in and the files being removed. A build
// killed while committing leaves it, and the next NewDir finishes that Commit before
// anything else, so the destination is never left half old, half new.
func journalName(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".journal")
}

// journal is what journalName's file holds.
type journal struct {
	Staging string   `json:"staging"` // the temporary folder's base name
	Remove  []string `json:"remove"`  // files of dest that the new site no longer has
}

// NewDir prepares a build of the destination folder dest: it finishes a Commit that a
// killed build left half done, removes the leftovers of builds that were killed before
// committing, and creates the temporary folder beside dest.
func NewDir(dest string) (*Dir, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	if err := recoverCommit(dest); err != nil {
		return nil, err
	}
	if old, _ := filepath.Glob(filepath.Join(parent, tmpPrefix(dest)+"*")); len(old) > 0 {
		for _, o := range old {
			_ = os.RemoveAll(o)
		}
	}
	tmp, err := os.MkdirTemp(parent, tmpPrefix(dest))
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	d := &Dir{dest: dest, tmp: tmp, made: map[string]bool{".": true}, written: map[pathkey.Key]struct{}{}, listed: make(chan struct{})}
	// Listing a large previous site (34,000 folders for 10,000 proposals in two languages)
	// takes a third of a second that the build's first stages need not wait for.
	go func() {
		defer close(d.listed)
		if inPlaceSupported {
			d.prev, d.inPlace = previousFiles(dest)
		}
	}()
	d.bufs.New = func() any { b := make([]byte, 64<<10); return &b }
	return d, nil
}

// previous reports whether the build writes in place over a previous site, and that
// site's files; it waits for them to be listed.
func (d *Dir) previous() (files map[string]bool, inPlace bool) {
	<-d.listed
	return d.prev, d.inPlace
}

// previousFiles lists the files of the site in dest, and reports whether a build may
// write over it in place: dest is a folder holding files, folders and nothing else. A
// symbolic link (which a reader of dest would follow somewhere else) or any other special
// file makes the build write a whole new folder and swap it in, as for an empty dest.
func previousFiles(dest string) (map[string]bool, bool) {
	files, ok := listFiles(dest)
	if !ok || len(files) == 0 {
		return nil, false
	}
	return files, true
}

// Temp returns the temporary folder being written.
func (d *Dir) Temp() string { return d.tmp }

// WriteFile writes a file into the temporary folder, or, when the destination already has
// a file of the same bytes at name, keeps that one and writes nothing. Writing a name twice
// is an error, as for Mem: the second file would replace the first.
func (d *Dir) WriteFile(name string, data []byte) error {
	if err := d.claim(name); err != nil {
		return err
	}
	if prev, inPlace := d.previous(); inPlace && prev[name] && d.sameAsDest(name, data) {
		return nil
	}
	full, err := d.folderOf(name)
	if err != nil {
		return err
	}
	if err := writeNew(full, data); err != nil {
		return d.createError(name, err)
	}
	d.stage(name)
	return nil
}

// WriteStream writes the file at name as write makes it, through a buffer. When the
// destination already has a file of the same bytes at name, the file written is removed
// and the destination's is kept, as WriteFile keeps it.
func (d *Dir) WriteStream(name string, write func(io.Writer) error) error {
	if err := d.claim(name); err != nil {
		return err
	}
	f, err := d.create(name)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if prev, inPlace := d.previous(); inPlace && prev[name] {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			f.Close()
			return err
		}
		if d.sameFileAsDest(name, f) {
			if err := f.Close(); err != nil {
				return err
			}
			return os.Remove(filepath.Join(d.tmp, filepath.FromSlash(name)))
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	d.stage(name)
	return nil
}

// claim checks name and records it as written: a second write is an error.
func (d *Dir) claim(name string) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k := pathkey.Of(name)
	if _, dup := d.written[k]; dup {
		return fmt.Errorf("output path %q written twice", name)
	}
	d.written[k] = struct{}{}
	return nil
}

// create creates the file at name in the temporary folder, with its folders.
func (d *Dir) create(name string) (*os.File, error) {
	full, err := d.folderOf(name)
	if err != nil {
		return nil, err
	}
	// O_EXCL: the file system refuses a second file too, whatever the case folding of
	// the destination's file system makes of two names.
	f, err := os.OpenFile(full, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, d.createError(name, err)
	}
	return f, nil
}

// folderOf makes the folders of name in the temporary folder, and returns the file's
// path there.
func (d *Dir) folderOf(name string) (string, error) {
	dir := path.Dir(name)
	d.mu.Lock()
	made := d.made[dir]
	d.mu.Unlock()
	if !made {
		if err := os.MkdirAll(filepath.Join(d.tmp, filepath.FromSlash(dir)), 0o755); err != nil {
			return "", err
		}
		d.mu.Lock()
		if len(d.made) >= madeUpTo {
			// A site of 100,000 proposals writes into 285,000 folders, and a map of all
			// of them was 11 MB held to the build's end. The files of a folder are
			// written close together: forgetting the older costs a Stat each, at most.
			d.made = make(map[string]bool, madeUpTo)
		}
		d.made[dir] = true
		d.mu.Unlock()
	}
	return filepath.Join(d.tmp, filepath.FromSlash(name)), nil
}

// madeUpTo is how many folders a Dir remembers having made (folderOf). A variable for
// tests.
var madeUpTo = 4096

// createError is the error of creating the file at name: a file already there is a
// second name for it, in the file system's eyes.
func (d *Dir) createError(name string, err error) error {
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("output path %q written twice (another name that this file system takes for the same)", name)
	}
	return err
}

// stage records a file written in place, for Commit to move in.
func (d *Dir) stage(name string) {
	if _, inPlace := d.previous(); inPlace {
		d.mu.Lock()
		d.staged = append(d.staged, name)
		d.mu.Unlock()
	}
}

// Keeper is a Writer that can keep the file the destination already has at a path,
// instead of receiving its bytes again: a build that knows the file is what it would
// write (the page cache says so) saves rendering it.
type Keeper interface {
	Writer
	// Keep keeps the destination's file at name as the new site's file, as if WriteFile
	// had written its very bytes, and reports whether it could: only a destination that
	// holds a previous site (the build writes in place) and has a file at name can.
	Keep(name string) (bool, error)
}

// Keep keeps the destination's file at name in the new site: Commit leaves it as it is.
// It reports false, and keeps nothing, when the destination holds no previous site or
// no file at name; the caller then writes the file. Keeping a name already written is
// an error, as writing it twice is.
func (d *Dir) Keep(name string) (bool, error) {
	if err := CheckPath(name); err != nil {
		return false, err
	}
	if prev, inPlace := d.previous(); !inPlace || !prev[name] {
		return false, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k := pathkey.Of(name)
	if _, dup := d.written[k]; dup {
		return false, fmt.Errorf("output path %q written twice", name)
	}
	d.written[k] = struct{}{}
	return true, nil
}

// sameAsDest reports whether the destination has a regular file at name with exactly the
// bytes data. It reads the file in chunks and stops at the first difference; a file of
// another size is not read at all.
func (d *Dir) sameAsDest(name string, data []byte) bool {
	bp := d.bufs.Get().(*[]byte)
	defer d.bufs.Put(bp)
	same, ok := sameBytes(filepath.Join(d.dest, filepath.FromSlash(name)), data, *bp)
	if !ok {
		return d.sameAs(name, int64(len(data)), bytes.NewReader(data))
	}
	return same
}

// sameFileAsDest is sameAsDest for the bytes of f, read from its current offset to its end.
func (d *Dir) sameFileAsDest(name string, f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return false
	}
	return d.sameAs(name, fi.Size()-pos, f)
}

// sameAs reports whether the destination has a regular file at name of size bytes, the
// bytes data reads.
func (d *Dir) sameAs(name string, size int64, data io.Reader) bool {
	f, err := openNoFollow(filepath.Join(d.dest, filepath.FromSlash(name)))
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return false
	}
	bp := d.bufs.Get().(*[]byte)
	defer d.bufs.Put(bp)
	half := len(*bp) / 2
	buf, want := (*bp)[:half], (*bp)[half:]
	for rest := size; rest > 0; {
		k := int(min(int64(half), rest))
		n, err := io.ReadFull(f, buf[:k])
		if err != nil {
			return false
		}
		if _, err := io.ReadFull(data, want[:n]); err != nil || !bytes.Equal(buf[:n], want[:n]) {
			return false
		}
		rest -= int64(n)
	}
	// Nothing more: the file did not grow since Stat.
	n, _ := f.Read(buf[:1])
	return n == 0
}

// Commit puts the new site in place of the destination and removes the previous one. A
// destination that held no site gets the temporary folder, renamed (or exchanged
// atomically where the system allows it). One that held a site gets the files that
// changed, each moved in by a rename (a reader sees a file's old bytes or its new ones,
// never a torn file), and loses the files the new site does not have; a journal beside it
// lets the next build finish this if the process is killed meanwhile.
func (d *Dir) Commit() error {
	if _, inPlace := d.previous(); inPlace {
		return d.commitInPlace()
	}
	if _, err := os.Lstat(d.dest); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(d.tmp, d.dest)
	}
	if err := exchange(d.tmp, d.dest); err != nil {
		// No atomic exchange here: move the old site aside, then the new one in.
		old := d.tmp + ".old"
		if err := os.Rename(d.dest, old); err != nil {
			return fmt.Errorf("cannot replace %s: %w", d.dest, err)
		}
		if err := os.Rename(d.tmp, d.dest); err != nil {
			_ = os.Rename(old, d.dest)
			return fmt.Errorf("cannot replace %s: %w", d.dest, err)
		}
		return removeAll(old)
	}
	// After the exchange the temporary path holds the previous site.
	return removeAll(d.tmp)
}

// commitInPlace lists the previous site's files that the new site does not have, writes
// the journal, then applies it.
func (d *Dir) commitInPlace() error {
	j := journal{Staging: filepath.Base(d.tmp)}
	prev, _ := d.previous()
	for name := range prev {
		if _, ok := d.written[pathkey.Of(name)]; !ok {
			j.Remove = append(j.Remove, name)
		}
	}
	sort.Strings(j.Remove)
	if err := writeJournal(d.dest, j); err != nil {
		return err
	}
	return applyJournal(d.dest, j)
}

// writeJournal writes j beside dest, atomically: from then on the commit is decided.
func writeJournal(dest string, j journal) error {
	data, err := json.Marshal(j)
	if err != nil {
		return err
	}
	if err := WriteCache(filepath.Dir(dest), filepath.Base(journalName(dest)), data); err != nil {
		return fmt.Errorf("cannot write the journal of %s: %w", dest, err)
	}
	return nil
}

// applyJournal removes the files j lists from dest, then moves every file of its staging
// folder into dest, then removes the journal and the staging folder. Each step can be done
// again after an interruption with the same result.
func applyJournal(dest string, j journal) error {
	tmp := filepath.Join(filepath.Dir(dest), j.Staging)
	emptied := map[string]bool{}
	for _, rel := range j.Remove {
		if CheckPath(rel) != nil {
			continue
		}
		if err := os.Remove(filepath.Join(dest, filepath.FromSlash(rel))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot remove a file of the previous site: %w", err)
		}
		for dir := path.Dir(rel); dir != "."; dir = path.Dir(dir) {
			emptied[dir] = true
		}
	}
	// Folders left empty go, deepest first (a folder whose files all went may be a file's
	// place in the new site).
	dirs := make([]string, 0, len(emptied))
	for dir := range emptied {
		dirs = append(dirs, dir)
	}
	sort.Slice(dirs, func(a, b int) bool { return len(dirs[a]) > len(dirs[b]) })
	for _, dir := range dirs {
		_ = os.Remove(filepath.Join(dest, filepath.FromSlash(dir))) // fails when not empty: kept
	}
	err := filepath.WalkDir(tmp, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == tmp {
				return fs.SkipAll // already applied
			}
			return err
		}
		rel, err := filepath.Rel(tmp, p)
		if err != nil || rel == "." {
			return err
		}
		target := filepath.Join(dest, rel)
		if de.IsDir() {
			if fi, err := os.Lstat(target); err == nil && !fi.IsDir() {
				_ = os.Remove(target) // a file of the previous site where a folder goes
			}
			if err := os.Mkdir(target, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			return nil
		}
		if err := os.Rename(p, target); err != nil {
			// A folder of the previous site where a file goes.
			if rmErr := os.RemoveAll(target); rmErr != nil {
				return err
			}
			return os.Rename(p, target)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cannot move the new files into %s: %w", dest, err)
	}
	if err := os.Remove(journalName(dest)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.RemoveAll(tmp)
}

// recoverCommit finishes the Commit in place that a killed build left half done, if any.
func recoverCommit(dest string) error {
	data, err := os.ReadFile(journalName(dest))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var j journal
	if err := json.Unmarshal(data, &j); err != nil || !strings.HasPrefix(j.Staging, tmpPrefix(dest)) || filepath.Base(j.Staging) != j.Staging {
		// Not a journal this package wrote: leave dest as it is.
		return os.Remove(journalName(dest))
	}
	return applyJournal(dest, j)
}

// removeAll removes a folder tree, unlinking files on several goroutines: file systems
// answer many unlinks at once much faster than one after another, and removing the
// previous site is part of every build.
func removeAll(dir string) error {
	var files, dirs []string
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if de.IsDir() {
			dirs = append(dirs, p)
		} else {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return os.RemoveAll(dir)
	}
	var wg sync.WaitGroup
	next := make(chan string, 256)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				_ = os.Remove(f)
			}
		}()
	}
	for _, f := range files {
		next <- f
	}
	close(next)
	wg.Wait()
	for i := len(dirs) - 1; i >= 0; i-- { // children before parents
		_ = os.Remove(dirs[i])
	}
	return os.RemoveAll(dir) // whatever is left, if anything
}

// Abort removes the temporary folder; the destination is untouched.
func (d *Dir) Abort() error {
	<-d.listed // the listing reads dest: done before the caller may touch it
	return os.RemoveAll(d.tmp)
}

// Mem keeps a built site in memory, for tests and for checks that publish nothing.
type Mem struct {
	mu    sync.Mutex
	files map[string][]byte
}

// NewMem returns an empty in-memory site.
func NewMem() *Mem { return &Mem{files: map[string][]byte{}} }

// WriteFile stores a copy of data at name. Writing a name twice is an error: two pages of a
// site must never claim the same path.
func (m *Mem) WriteFile(name string, data []byte) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.files[name]; dup {
		return fmt.Errorf("output path %q written twice", name)
	}
	m.files[name] = append([]byte(nil), data...)
	return nil
}

// Files returns the site's files by path. The map is the Mem's own: do not change it.
func (m *Mem) Files() map[string][]byte { return m.files }

// Names returns the paths of the site's files, sorted.
func (m *Mem) Names() []string {
	out := make([]string, 0, len(m.files))
	for n := range m.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Discard counts files and throws them away, for checks. It keeps no list of paths: the
// render refuses a path claimed twice before any file reaches a writer.
type Discard struct{}

// WriteFile checks the path and drops the data.
func (Discard) WriteFile(name string, _ []byte) error { return CheckPath(name) }

// WriteStream checks the path and makes the file, without keeping it.
func (Discard) WriteStream(name string, write func(io.Writer) error) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	return write(io.Discard)
}

// CreateFile writes a new file at dir/name, refusing to overwrite an existing one unless
// replace is set. It is how `pspm new` adds files to a site.
func CreateFile(dir, name string, data []byte, replace bool) (string, error) {
	if err := CheckPath(name); err != nil {
		return "", err
	}
	full := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return "", err
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if replace {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(full, flags, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return "", fmt.Errorf("%s already exists", full)
		}
		return "", err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	return full, f.Close()
}

// WriteCache replaces the file name under dir (a cache, such as .pspm/cache/history.json)
// with data, atomically: it writes a temporary file beside it and renames it, so that a
// build killed while writing leaves the previous cache or the new one, never a torn file.
func WriteCache(dir, name string, data []byte) error {
	f, err := CreateCache(dir, name)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// CacheFile is a cache being written in pieces, as WriteCache writes it whole: into a
// temporary file beside name, which Commit renames to name and Abort removes.
type CacheFile struct {
	f         *os.File
	tmp, full string
	done      bool // committed or aborted: what follows does nothing
}

// CreateCache starts writing the cache file name under dir.
func CreateCache(dir, name string) (*CacheFile, error) {
	if err := CheckPath(name); err != nil {
		return nil, err
	}
	full := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, err
	}
	staleTemps(full)
	f, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return nil, err
	}
	return &CacheFile{f: f, tmp: f.Name(), full: full}, nil
}

// Write writes to the temporary file.
func (c *CacheFile) Write(p []byte) (int, error) { return c.f.Write(p) }

// Commit closes the temporary file and puts it in the cache's place. After Commit or
// Abort, it does nothing and says so.
func (c *CacheFile) Commit() error {
	if c.done {
		return errCacheFileDone
	}
	c.done = true
	if err := c.f.Close(); err != nil {
		os.Remove(c.tmp)
		return err
	}
	if err := os.Rename(c.tmp, c.full); err != nil {
		os.Remove(c.tmp)
		return err
	}
	return nil
}

// Abort closes and removes the temporary file: the previous cache stays. After Commit or
// Abort, it does nothing.
func (c *CacheFile) Abort() {
	if c.done {
		return
	}
	c.done = true
	c.f.Close()
	os.Remove(c.tmp)
}

var errCacheFileDone = errors.New("the cache file was committed or aborted already")

// staleTemps removes the temporary files of the cache at full that no build has written
// to for an hour: a build that was killed while it wrote one (the search texts of a large
// portal are hundreds of megabytes) leaves it behind, and the next would leave another.
// A build writing one now touches it as it goes.
func staleTemps(full string) {
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*"))
	for _, m := range matches {
		if fi, err := os.Lstat(m); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > time.Hour {
			os.Remove(m)
		}
	}
}
