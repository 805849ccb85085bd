// Package output is the only part of pspm that writes to disk.
//
// A build writes into a fresh temporary folder beside the destination and, when every file
// is written, swaps it in whole (an atomic exchange on Linux), so a failed, killed or
// interrupted build leaves the previous output exactly as it was and no reader ever sees a
// half-built site. Every path is checked to stay inside the folder, and no path is written
// twice: a second file at a path would silently replace the first (an attachment called
// index.html replacing its item's page), so it is an error instead.
package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
)

// Writer receives the files of a built site. Implementations are safe for concurrent use.
type Writer interface {
	// WriteFile writes data at name, a slash-separated path relative to the site root.
	WriteFile(name string, data []byte) error
}

// CheckPath reports whether name is a clean, relative, slash-separated path that stays
// inside its root: no "..", no leading slash, no backslash, no empty or dot element.
func CheckPath(name string) error {
	if name == "" || name == "." || strings.ContainsAny(name, "\\\x00") || path.IsAbs(name) || !fs.ValidPath(name) || !filepath.IsLocal(filepath.FromSlash(name)) {
		return fmt.Errorf("output path %q is not a clean relative path inside the destination", name)
	}
	return nil
}

// Dir writes a site into a temporary folder and swaps it with the destination on Commit.
type Dir struct {
	dest    string
	tmp     string
	mu      sync.Mutex
	made    map[string]bool // folders already created
	written map[string]bool // files already written
}

// tmpPrefix marks the temporary folders of builds, so that leftovers of killed builds can
// be recognised and removed.
func tmpPrefix(dest string) string { return "." + filepath.Base(dest) + ".tmp-" }

// NewDir prepares a build of the destination folder dest: it creates the temporary folder
// beside it (and removes the leftovers of builds that were killed).
func NewDir(dest string) (*Dir, error) {
	dest, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
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
	return &Dir{dest: dest, tmp: tmp, made: map[string]bool{".": true}, written: map[string]bool{}}, nil
}

// Temp returns the temporary folder being written.
func (d *Dir) Temp() string { return d.tmp }

// WriteFile writes a file into the temporary folder. Writing a name twice is an error, as
// for Mem: the second file would replace the first.
func (d *Dir) WriteFile(name string, data []byte) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	dir := path.Dir(name)
	d.mu.Lock()
	if d.written[name] {
		d.mu.Unlock()
		return fmt.Errorf("output path %q written twice", name)
	}
	d.written[name] = true
	made := d.made[dir]
	d.mu.Unlock()
	if !made {
		if err := os.MkdirAll(filepath.Join(d.tmp, filepath.FromSlash(dir)), 0o755); err != nil {
			return err
		}
		d.mu.Lock()
		d.made[dir] = true
		d.mu.Unlock()
	}
	// O_EXCL: the file system refuses a second file too, whatever the case folding of
	// the destination's file system makes of two names.
	f, err := os.OpenFile(filepath.Join(d.tmp, filepath.FromSlash(name)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("output path %q written twice (another name that this file system takes for the same)", name)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Commit puts the new site in place of the destination, atomically where the system allows
// it, and removes the previous one.
func (d *Dir) Commit() error {
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
func (d *Dir) Abort() error { return os.RemoveAll(d.tmp) }

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
	if err := CheckPath(name); err != nil {
		return err
	}
	full := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(full), "."+filepath.Base(full)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, full); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
