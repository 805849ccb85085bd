package history

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Snapshot returns the site folder (o.Dir, relative to the root of its repository: the
// whole site, pspm.yaml and content/ and layouts/ alike) as it is in revision rev, read
// from Git's objects without a checkout: the work tree is never touched. rev is
// anything go-git's ResolveRevision takes: a branch, a tag, a full or abbreviated
// hash, "HEAD~2", "origin/main". The commit it names is returned too; for an
// annotated tag, the tagged commit. o.Branch and o.Prefix are not used.
//
// The file system is read-only and safe for concurrent use; it implements
// fs.ReadFileFS, fs.ReadDirFS and fs.StatFS, and ReadFileLimit. Only regular files
// and folders are in it: symbolic links and submodules are absent, never followed,
// so a snapshot cannot reach outside the revision. It implements io.Closer: Close
// releases its pack files' mappings and open files at once, after the reads under
// way, and every later read fails with fs.ErrClosed. A snapshot never closed releases
// them only when the garbage collector finds it unreachable; close it.
func Snapshot(o Options, rev string) (fs.FS, *Commit, error) {
	r, err := openLimited(o)
	if err != nil {
		return nil, nil, err
	}
	w := newWalker(&plan{r: r}, r.st)
	c, err := w.revision(rev)
	if err != nil {
		r.close()
		return nil, nil, err
	}
	root := c.tree
	if r.site != "" {
		if root, err = w.subtree(c.tree, strings.Split(strings.TrimSuffix(r.site, "/"), "/")); err != nil {
			r.close()
			return nil, nil, err
		}
		if root.IsZero() {
			r.close()
			return nil, nil, fmt.Errorf("history: revision %q (%.12s) has no folder %s: %w", rev, c.hash, r.site, fs.ErrNotExist)
		}
	}
	pool := &readers{r: r, free: make(chan *walker, min(runtime.GOMAXPROCS(0), maxReaders))}
	pool.free <- w
	pool.all = append(pool.all, r.st)
	pool.opened = 1
	s := &snapshot{pool: pool, root: root, time: c.committer.When}
	// Should the caller not close it, the storages' open files and the mappings are
	// released once nobody can read the snapshot any more.
	runtime.AddCleanup(s, func(p *readers) { p.close() }, pool)
	commit := c.public()
	return s, &commit, nil
}

// revision resolves rev to a commit.
func (w *walker) revision(rev string) (c *commitInfo, err error) {
	repo, err := git.Open(fastStorage{w.st, w}, nil)
	if err != nil {
		return nil, fmt.Errorf("history: opening the repository: %w", err)
	}
	defer func() {
		// go-git parses rev; whatever it is, it must not bring the build down.
		if v := recover(); v != nil {
			c, err = nil, fmt.Errorf("history: unknown revision %q: %v", rev, v)
		}
	}()
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("history: unknown revision %q: %w", rev, err)
	}
	return w.commit(*h)
}

// fastStorage is a storage whose commits and tags are read straight from the packs in
// memory when they are stored whole there: go-git indexes a whole pack by offset the
// first time it reads an object from it, a quarter of a second on a big portal.
type fastStorage struct {
	*filesystem.Storage
	w *walker
}

// EncodedObject reads an object, a commit or tag from the packs in memory if it can.
func (s fastStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	if t == plumbing.CommitObject || t == plumbing.TagObject || t == plumbing.AnyObject {
		raw, ok, err := s.w.readPacked(h, maxCommitSize, -1)
		if err != nil {
			return nil, err
		}
		kinds := map[int]plumbing.ObjectType{packCommit: plumbing.CommitObject, packTag: plumbing.TagObject}
		if kind, whole := kinds[raw.kind]; ok && whole {
			if t != plumbing.AnyObject && t != kind {
				return nil, plumbing.ErrObjectNotFound
			}
			obj := &plumbing.MemoryObject{}
			obj.SetType(kind)
			_, _ = obj.Write(raw.data) // a MemoryObject's Write does not fail
			return obj, nil
		}
	}
	return s.Storage.EncodedObject(t, h)
}

// maxReaders bounds the storages a snapshot opens to read at once, one per processor:
// a go-git storage is not safe for concurrent use, and each keeps its own indexes and
// caches.
const maxReaders = 8

// readers is a snapshot's pool of storages, each with the caches of a walker.
// Each walker taken (get) holds life for reading until it is put back; close waits for
// them.
type readers struct {
	r      *repo
	free   chan *walker
	life   sync.RWMutex
	mu     sync.Mutex
	opened int
	all    []*filesystem.Storage
	done   bool
}

func (p *readers) get() *walker {
	p.life.RLock()
	select {
	case w := <-p.free:
		return w
	default:
	}
	p.mu.Lock()
	if p.opened < cap(p.free) {
		p.opened++
		st := p.r.storage()
		p.all = append(p.all, st)
		p.mu.Unlock()
		return newWalker(&plan{r: p.r}, st)
	}
	p.mu.Unlock()
	return <-p.free
}

func (p *readers) put(w *walker) {
	p.free <- w
	p.life.RUnlock()
}

// close closes the storages and unmaps the pack files, once the reads under way are
// over; reads after it fail with fs.ErrClosed. It may be called more than once.
func (p *readers) close() {
	p.life.Lock()
	defer p.life.Unlock()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done {
		return
	}
	p.done = true
	for _, st := range p.all {
		_ = st.Close()
	}
	p.all = nil
	p.r.dot.close()
}

// snapshot is the file system Snapshot returns.
type snapshot struct {
	pool *readers
	root plumbing.Hash // the site folder's tree
	time time.Time     // every file's modification time: the commit's
}

// Close releases the snapshot's mappings and files; see Snapshot.
func (s *snapshot) Close() error {
	s.pool.close()
	return nil
}

// node is a file or folder found in a snapshot.
type node struct {
	name string // base name; "." for the root
	hash plumbing.Hash
	mode uint32
}

func (n *node) isDir() bool { return n.mode&modeType == modeTree }

// visible says an entry is in the file system: a regular file or a folder whose name
// can be opened. Symbolic links and submodules are not, nor names that are not valid
// path elements (Git refuses them; a crafted tree may still hold them).
func visible(name []byte, mode uint32) bool {
	switch mode & modeType {
	case modeTree, modeRegular:
	default:
		return false
	}
	s := string(name)
	return s != "" && s != "." && s != ".." && !strings.Contains(s, "/")
}

const modeRegular = 0o100000

// lookup finds the file or folder at name, a valid fs path.
func (s *snapshot) lookup(w *walker, op, name string) (node, error) {
	if name == "." {
		return node{name: ".", hash: s.root, mode: modeTree}, nil
	}
	h := s.root
	for name != "" {
		elem, rest, more := strings.Cut(name, "/")
		name = rest
		t, err := w.tree(h)
		if err != nil {
			return node{}, &fs.PathError{Op: op, Path: name, Err: err}
		}
		e, ok := t.search(elem, true)
		if !ok && !more {
			e, ok = t.search(elem, false)
		}
		if !ok || !visible(e.name, e.mode) || (more && !e.isTree()) {
			return node{}, fs.ErrNotExist
		}
		if !more {
			return node{name: elem, hash: e.hash, mode: e.mode}, nil
		}
		h = e.hash
	}
	return node{}, fs.ErrNotExist
}

// find runs lookup with a reader of the pool, and wraps its errors.
func (s *snapshot) find(op, name string) (node, *walker, error) {
	if !fs.ValidPath(name) {
		return node{}, nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	w := s.pool.get()
	n, err := s.lookup(w, op, name)
	if err != nil {
		s.pool.put(w)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = name
			return node{}, nil, pe
		}
		return node{}, nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return n, w, nil
}

var errIsDir = errors.New("is a directory")

// read reads a file's content, at most limit bytes when limit >= 0.
func (s *snapshot) read(op, name string, limit int64) ([]byte, error) {
	n, w, err := s.find(op, name)
	if err != nil {
		return nil, err
	}
	defer s.pool.put(w)
	if n.isDir() {
		return nil, &fs.PathError{Op: op, Path: name, Err: errIsDir}
	}
	b, err := w.readBlob(n.hash, limit)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return b, nil
}

// readBlob reads a blob, at most limit bytes when limit >= 0: straight from a pack in
// memory when it is stored whole there, as most small files are, else through go-git.
func (w *walker) readBlob(h plumbing.Hash, limit int64) ([]byte, error) {
	packLimit, trunc := maxBlobSize, -1
	if limit >= 0 {
		packLimit, trunc = math.MaxInt, int(min(limit, maxBlobSize))
	}
	raw, ok, err := w.readPacked(h, packLimit, trunc)
	switch {
	case err != nil:
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	case ok && raw.kind == packBlob:
		return raw.data, nil
	case ok && raw.kind != packOFSDelta:
		return nil, fmt.Errorf("object %s is not a blob", h)
	}
	obj, err := w.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	want := obj.Size()
	if limit >= 0 && want > limit {
		want = limit
	}
	b, err := readClaimed(obj, want, w.objectLimit(maxBlobSize))
	if err != nil {
		return nil, fmt.Errorf("reading blob %s: %w", h, err)
	}
	return b, nil
}

// blobSize returns the size of a blob without reading it.
func (w *walker) blobSize(h plumbing.Hash) (int64, error) {
	if size, ok := w.packedSize(h); ok {
		return size, nil
	}
	size, err := w.st.EncodedObjectSize(h)
	if err != nil {
		return 0, fmt.Errorf("reading blob %s: %w", h, err)
	}
	return size, nil
}

// maxBlobSize bounds a file read whole: a repository may hold anything.
const maxBlobSize = 1<<31 - 1

// Open opens the file or folder at name.
func (s *snapshot) Open(name string) (fs.File, error) {
	n, w, err := s.find("open", name)
	if err != nil {
		return nil, err
	}
	s.pool.put(w)
	return &file{s: s, path: name, n: n}, nil
}

// ReadFile returns the content of the file at name.
func (s *snapshot) ReadFile(name string) ([]byte, error) {
	return s.read("read", name, -1)
}

// ReadFileLimit returns the content of the file at name, or its first limit+1 bytes
// when it is longer than limit, so that a caller can refuse a file too big without
// reading it whole.
func (s *snapshot) ReadFileLimit(name string, limit int64) ([]byte, error) {
	if limit >= maxBlobSize {
		return s.read("read", name, -1)
	}
	return s.read("read", name, max(limit, 0)+1)
}

// Stat describes the file or folder at name.
func (s *snapshot) Stat(name string) (fs.FileInfo, error) {
	n, w, err := s.find("stat", name)
	if err != nil {
		return nil, err
	}
	defer s.pool.put(w)
	fi, err := s.info(w, n)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return fi, nil
}

// ReadDir lists the folder at name, sorted by name.
func (s *snapshot) ReadDir(name string) ([]fs.DirEntry, error) {
	n, w, err := s.find("readdir", name)
	if err != nil {
		return nil, err
	}
	defer s.pool.put(w)
	if !n.isDir() {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
	}
	list, err := s.list(w, n)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return list, nil
}

func (s *snapshot) list(w *walker, n node) ([]fs.DirEntry, error) {
	t, err := w.tree(n.hash)
	if err != nil {
		return nil, err
	}
	list := make([]fs.DirEntry, 0, t.len())
	for i := range t.len() {
		e := t.at(i)
		if visible(e.name, e.mode) {
			list = append(list, &dirEntry{s: s, n: node{name: string(e.name), hash: e.hash, mode: e.mode}})
		}
	}
	// Git sorts a folder as if its name ended in "/"; fs sorts by name.
	slices.SortFunc(list, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return list, nil
}

func (s *snapshot) info(w *walker, n node) (*fileInfo, error) {
	fi := &fileInfo{name: n.name, time: s.time, mode: 0o644}
	switch {
	case n.isDir():
		fi.mode = fs.ModeDir | 0o755
	default:
		if n.mode&0o111 != 0 {
			fi.mode = 0o755
		}
		size, err := w.blobSize(n.hash)
		if err != nil {
			return nil, err
		}
		fi.size = size
	}
	return fi, nil
}

// fileInfo describes a file or folder of a snapshot.
type fileInfo struct {
	name string
	size int64
	mode fs.FileMode
	time time.Time
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.time }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { return nil }

type dirEntry struct {
	s *snapshot
	n node
}

func (d *dirEntry) Name() string { return d.n.name }
func (d *dirEntry) IsDir() bool  { return d.n.isDir() }
func (d *dirEntry) Type() fs.FileMode {
	if d.n.isDir() {
		return fs.ModeDir
	}
	return 0
}

func (d *dirEntry) Info() (fs.FileInfo, error) {
	w := d.s.pool.get()
	defer d.s.pool.put(w)
	return d.s.info(w, d.n)
}

func (d *dirEntry) String() string { return fs.FormatDirEntry(d) }

// file is an open file or folder of a snapshot. A file's content is read at the first
// Read; a folder's entries at the first ReadDir.
type file struct {
	s       *snapshot
	path    string
	n       node
	content []byte
	off     int
	read    bool
	entries []fs.DirEntry
	listed  bool
	closed  bool
}

func (f *file) Stat() (fs.FileInfo, error) {
	if f.closed {
		return nil, &fs.PathError{Op: "stat", Path: f.path, Err: fs.ErrClosed}
	}
	w := f.s.pool.get()
	defer f.s.pool.put(w)
	fi, err := f.s.info(w, f.n)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: f.path, Err: err}
	}
	return fi, nil
}

func (f *file) Read(b []byte) (int, error) {
	switch {
	case f.closed:
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: fs.ErrClosed}
	case f.n.isDir():
		return 0, &fs.PathError{Op: "read", Path: f.path, Err: errIsDir}
	}
	if !f.read {
		w := f.s.pool.get()
		content, err := w.readBlob(f.n.hash, -1)
		f.s.pool.put(w)
		if err != nil {
			return 0, &fs.PathError{Op: "read", Path: f.path, Err: err}
		}
		f.content, f.read = content, true
	}
	if f.off >= len(f.content) {
		return 0, io.EOF
	}
	n := copy(b, f.content[f.off:])
	f.off += n
	return n, nil
}

// ReadDir lists the folder as fs.ReadDirFile says: all entries when n <= 0, else at
// most n at a time and io.EOF at the end.
func (f *file) ReadDir(n int) ([]fs.DirEntry, error) {
	if f.closed {
		return nil, &fs.PathError{Op: "readdir", Path: f.path, Err: fs.ErrClosed}
	}
	if !f.n.isDir() {
		return nil, &fs.PathError{Op: "readdir", Path: f.path, Err: errors.New("not a directory")}
	}
	if !f.listed {
		w := f.s.pool.get()
		list, err := f.s.list(w, f.n)
		f.s.pool.put(w)
		if err != nil {
			return nil, &fs.PathError{Op: "readdir", Path: f.path, Err: err}
		}
		f.entries, f.listed = list, true
	}
	if n <= 0 {
		list := f.entries
		f.entries = nil
		return list, nil
	}
	if len(f.entries) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(f.entries))
	list := f.entries[:n:n]
	f.entries = f.entries[n:]
	return list, nil
}

func (f *file) Close() error {
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.path, Err: fs.ErrClosed}
	}
	f.closed = true
	return nil
}
