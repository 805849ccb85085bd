// Package source opens a site's folder as an fs.FS that never leaves it.
//
// Reading goes through os.Root, which refuses any path or symbolic link that resolves
// outside the folder. ReadFileNoFollow, which the content loader uses, goes further and
// follows no symbolic link at all, even one that stays inside: a link in content/ to
// ../.git/config stays inside the folder, and must not be published either. On Linux, ReadFile takes a faster road with the same guarantee:
// one openat2 call with RESOLVE_BENEATH, where the kernel refuses to leave the folder,
// instead of os.Root's walk of one openat per path element. A build reads over 100,000
// small files, so this matters.
package source

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
)

// FS is a site folder.
type FS struct {
	root *os.Root
	fsys fs.FS
	fast *beneath // nil where openat2 is not available
}

// Open opens the folder dir.
func Open(dir string) (*FS, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &FS{root: root, fsys: root.FS(), fast: newBeneath(dir)}, nil
}

// Open implements fs.FS.
func (f *FS) Open(name string) (fs.File, error) { return f.fsys.Open(name) }

// Stat implements fs.StatFS.
func (f *FS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(f.fsys, name) }

// ReadDir implements fs.ReadDirFS.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if f.fast != nil && fs.ValidPath(name) {
		if entries, err, ok := f.fast.readDir(name); ok {
			for i, e := range entries {
				entries[i] = entry{DirEntry: e, fs: f, path: path.Join(name, e.Name())}
			}
			return entries, err
		}
	}
	return fs.ReadDir(f.fsys, name)
}

// ReadFile implements fs.ReadFileFS.
func (f *FS) ReadFile(name string) ([]byte, error) { return f.ReadFileLimit(name, 0) }

// ReadFileLimit reads the file name, but stops after limit+1 bytes when limit > 0, so that
// a huge file costs nothing to refuse: a result longer than limit means the file is too
// large.
func (f *FS) ReadFileLimit(name string, limit int64) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	if f.fast != nil {
		if data, err, ok := f.fast.readFile(name, limit); ok {
			return data, err
		}
	}
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var r io.Reader = file
	if limit > 0 {
		r = io.LimitReader(file, limit+1)
	}
	return io.ReadAll(r)
}

// ReadFileNoFollow reads the file name as ReadFileLimit does, but refuses to follow any
// symbolic link on the way, in the folders of name as in its last element: such a path is
// an error wrapping ErrSymlink.
func (f *FS) ReadFileNoFollow(name string, limit int64) ([]byte, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	if f.fast != nil {
		if data, err, ok := f.fast.readFileNoFollow(name, limit); ok {
			return data, err
		}
	}
	// Without openat2: look at every element first. A link put in place between this look
	// and the read below still cannot leave the folder (os.Root refuses that).
	for p := name; p != "."; p = path.Dir(p) {
		fi, err := f.root.Lstat(p)
		if err != nil {
			return nil, err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return nil, &fs.PathError{Op: "open", Path: name, Err: ErrSymlink}
		}
	}
	return f.ReadFileLimit(name, limit)
}

// ErrSymlink is the error of ReadFileNoFollow for a path through a symbolic link.
var ErrSymlink = errors.New("a symbolic link, which is not followed")

// Lstat implements fs.ReadLinkFS: it describes a symbolic link itself.
func (f *FS) Lstat(name string) (fs.FileInfo, error) { return f.root.Lstat(name) }

// ReadLink implements fs.ReadLinkFS.
func (f *FS) ReadLink(name string) (string, error) { return f.root.Readlink(name) }

// entry is a directory entry whose Info is read through the root, relative to the folder.
type entry struct {
	fs.DirEntry
	fs   *FS
	path string
}

func (e entry) Info() (fs.FileInfo, error) { return e.fs.root.Lstat(e.path) }

// Close releases the folder.
func (f *FS) Close() error {
	if f.fast != nil {
		f.fast.close()
	}
	return f.root.Close()
}
