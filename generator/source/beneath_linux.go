package source

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// beneath reads files with openat2(RESOLVE_BENEATH) relative to a folder descriptor.
type beneath struct{ fd int }

func newBeneath(dir string) *beneath {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	b := &beneath{fd: fd}
	if _, _, ok := b.readFile(".", 0); !ok { // probe: openat2 may be missing or filtered
		b.close()
		return nil
	}
	return b
}

// readFile reads name; ok is false when openat2 itself is unavailable, so the caller
// falls back to os.Root.
func (b *beneath) readFile(name string, limit int64) (data []byte, err error, ok bool) {
	return b.read(name, limit, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_MAGICLINKS)
}

// readFileNoFollow reads name as readFile does, but the kernel refuses any symbolic link
// on the way (RESOLVE_NO_SYMLINKS).
func (b *beneath) readFileNoFollow(name string, limit int64) (data []byte, err error, ok bool) {
	return b.read(name, limit, unix.RESOLVE_BENEATH|unix.RESOLVE_NO_SYMLINKS)
}

func (b *beneath) read(name string, limit int64, resolve uint64) (data []byte, err error, ok bool) {
	var fd int
	for {
		fd, err = unix.Openat2(b.fd, name, &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
			Resolve: resolve,
		})
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) && name == "." {
		return nil, nil, false
	}
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			err = fs.ErrNotExist
		} else if errors.Is(err, unix.EXDEV) {
			err = errors.New("path escapes from the source folder")
		} else if errors.Is(err, unix.ELOOP) && resolve&unix.RESOLVE_NO_SYMLINKS != 0 {
			err = ErrSymlink
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}, true
	}
	// The descriptor is read and closed directly rather than through an os.File, which
	// asks for its flags (one more system call) and sets a finalizer: a site's content is
	// a hundred thousand small files.
	defer unix.Close(fd)
	if name == "." {
		return nil, nil, true
	}
	bp := readBufs.Get().(*[]byte)
	buf := (*bp)[:0]
	defer func() {
		if cap(buf) <= maxPooledRead {
			*bp = buf[:0]
			readBufs.Put(bp)
		}
	}()
	for {
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}, true
		}
		if n == 0 { // the end of the file
			return bytes.Clone(buf), nil, true
		}
		buf = buf[:len(buf)+n]
		if limit > 0 && int64(len(buf)) > limit {
			return bytes.Clone(buf), nil, true // the caller sees it is over its limit
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// readBufs are the buffers files are read into, then copied out of at their size: a
// file's bytes are kept (the parsed content points into them), and a buffer grown as it
// reads would keep up to twice their size.
var readBufs = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

// maxPooledRead is the largest buffer given back to readBufs.
const maxPooledRead = 1 << 20

func (b *beneath) readDir(name string) (entries []fs.DirEntry, err error, ok bool) {
	fd, err := unix.Openat2(b.fd, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	})
	if errors.Is(err, unix.ENOSYS) {
		return nil, nil, false
	}
	if err != nil {
		if errors.Is(err, unix.ENOENT) {
			err = fs.ErrNotExist
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}, true
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	entries, err = f.ReadDir(-1)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}, true
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil, true
}

func (b *beneath) close() { _ = unix.Close(b.fd) }
