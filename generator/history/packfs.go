package history

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-billy/v5"
)

// maxMemoryPack is the largest pack file read into memory where it cannot be mapped;
// larger ones are read from disk as usual. A portal's whole history packs into tens
// or hundreds of megabytes.
const maxMemoryPack = 256 << 20

// packFS is the Git folder with its pack files and their indexes mapped into memory
// (or read, where mapping is not available) once, and shared by every storage opened
// on it and by the pack reader. go-git reads each object with a seek and a fresh
// buffered read of the pack; from memory those are copies instead of system calls,
// which were a sixth of the time of a walk.
type packFS struct {
	billy.Filesystem
	objects string // the folder holding objects/, on the operating system's file system
	mu      sync.Mutex
	files   map[string][]byte
	unmaps  []func()
	closed  bool
	gone    atomic.Bool // closed, for readers that take no lock
}

func newPackFS(fs billy.Filesystem, objects string) *packFS {
	return &packFS{Filesystem: fs, objects: objects, files: map[string][]byte{}}
}

// inMemory says which files are kept in memory.
func inMemory(name string) bool {
	return strings.HasSuffix(name, ".pack") || strings.HasSuffix(name, ".idx")
}

// bytes returns the content of a pack or index file, mapping or reading it on first
// use; ok is false when it is to be read from disk.
func (fs *packFS) bytes(name string) (data []byte, ok bool, err error) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if data, ok := fs.files[name]; ok {
		return data, true, nil
	}
	if fs.closed {
		return nil, false, errClosed
	}
	// Pack files live under objects/, which is where the repository's common folder
	// says, even in a linked work tree: mapped from there.
	if rest, ok := strings.CutPrefix(name, "objects/"); ok && fs.objects != "" {
		if f, err := os.Open(filepath.Join(fs.objects, "objects", filepath.FromSlash(rest))); err == nil {
			fi, err := f.Stat()
			if err == nil {
				if data, unmap, ok := mapFile(f.Fd(), fi.Size()); ok {
					f.Close()
					fs.files[name] = data
					fs.unmaps = append(fs.unmaps, unmap)
					return data, true, nil
				}
			}
			f.Close()
		}
	}
	f, err := fs.Filesystem.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	fi, err := fs.Filesystem.Stat(name)
	if err != nil {
		return nil, false, err
	}
	if fi.Size() > maxMemoryPack {
		return nil, false, nil
	}
	data = make([]byte, fi.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, false, err
	}
	fs.files[name] = data
	return data, true, nil
}

var errClosed = fmt.Errorf("history: repository closed: %w", fs.ErrClosed)

// Open opens a file; a pack file or index is served from memory.
func (fs *packFS) Open(name string) (billy.File, error) {
	if !inMemory(name) {
		return fs.Filesystem.Open(name)
	}
	data, ok, err := fs.bytes(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		return fs.Filesystem.Open(name) // read from disk, as go-git does
	}
	return &memFile{Reader: bytes.NewReader(data), name: name, fs: fs}, nil
}

// close unmaps the files. Nothing may read them after: every storage opened on fs is
// closed first, and nothing read from them keeps a reference into them (objects are
// inflated into memory of their own).
func (fs *packFS) close() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, unmap := range fs.unmaps {
		unmap()
	}
	fs.unmaps, fs.files, fs.closed = nil, map[string][]byte{}, true
	fs.gone.Store(true)
}

var errReadOnly = errors.New("history: pack files are read-only")

// memFile is a read-only billy.File over bytes, mapped memory perhaps: its reads
// turn a fault on that memory into an error (see guardFault).
type memFile struct {
	*bytes.Reader
	name string
	fs   *packFS
}

func (f *memFile) Read(p []byte) (n int, err error) {
	if f.fs.gone.Load() {
		return 0, errClosed
	}
	defer guardFault(debug.SetPanicOnFault(true), &err)
	return f.Reader.Read(p)
}

func (f *memFile) ReadAt(p []byte, off int64) (n int, err error) {
	if f.fs.gone.Load() {
		return 0, errClosed
	}
	defer guardFault(debug.SetPanicOnFault(true), &err)
	return f.Reader.ReadAt(p, off)
}

func (f *memFile) ReadByte() (b byte, err error) {
	if f.fs.gone.Load() {
		return 0, errClosed
	}
	defer guardFault(debug.SetPanicOnFault(true), &err)
	return f.Reader.ReadByte()
}

func (f *memFile) WriteTo(w io.Writer) (n int64, err error) {
	if f.fs.gone.Load() {
		return 0, errClosed
	}
	defer guardFault(debug.SetPanicOnFault(true), &err)
	return f.Reader.WriteTo(w)
}

// guardFault, deferred right after debug.SetPanicOnFault(true) as
//
//	defer guardFault(debug.SetPanicOnFault(true), &err)
//
// restores the goroutine's previous setting and turns a fault on memory (a pack file
// truncated or replaced under its mapping: SIGBUS) into an error, where the process
// would otherwise die. Any other panic goes on.
func guardFault(old bool, err *error) {
	debug.SetPanicOnFault(old)
	if v := recover(); v != nil {
		if f, ok := v.(interface{ Addr() uintptr }); ok {
			*err = fmt.Errorf("%w: %v", errPackChanged, f)
			return
		}
		panic(v)
	}
}

// errPackChanged is a fault reading a mapped pack file.
var errPackChanged = errors.New("history: pack file changed while reading (another process rewrote or truncated it; build again)")

func (f *memFile) Name() string              { return f.name }
func (f *memFile) Write([]byte) (int, error) { return 0, errReadOnly }
func (f *memFile) Close() error              { return nil }
func (f *memFile) Lock() error               { return nil }
func (f *memFile) Unlock() error             { return nil }
func (f *memFile) Truncate(size int64) error { return errReadOnly }
