package source

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"sort"

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
	fd, err := unix.Openat2(b.fd, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC,
		Resolve: resolve,
	})
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
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	if name == "." {
		return nil, nil, true
	}
	data = make([]byte, 0, 512)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil, true
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}, true
		}
		if limit > 0 && int64(len(data)) > limit {
			return data, nil, true // the caller sees it is over its limit
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

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
