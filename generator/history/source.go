package history

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Left is an entry of a source's tree that ReadSource leaves out, with why.
type Left struct {
	// Path is the entry's slash path relative to the folder read.
	Path string
	// Why says what it is and that it is not read, e.g. "a symbolic link is never
	// followed".
	Why string
}

// ReadSource returns the folder sub (a slash path, "" for the root) of the commit
// fetched into the clone dir (Fetched.Dir and Fetched.Commit), read from Git's objects:
// nothing is checked out, so nothing a source commits can lead outside it. Only its
// regular files and folders are in the file system; what it leaves out is listed:
// symbolic links (never followed, whatever they point to), submodules, and names that
// cannot be paths.
//
// The tree is walked first, within lim.Depth and lim.Entries: a tree over them is an
// error (a *LimitError), and nothing is read. A file whose size (read from its
// object's header, before anything is inflated) is over lim.FileSize cannot be read
// whole: ReadFile and Read fail, and ReadFileLimit reads only its first bytes.
func ReadSource(dir, commit, sub string, lim SourceLimits) (fs.FS, []Left, error) {
	lim = lim.withDefaults()
	r, st, err := openReader(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("history: opening the source's clone: %w", err)
	}
	defer st.Close()
	c, err := r.CommitObject(plumbing.NewHash(commit))
	if err != nil {
		return nil, nil, fmt.Errorf("history: reading the source's commit %.12s: %w", commit, err)
	}
	root := c.TreeHash
	sub = strings.Trim(path.Clean("/"+filepath.ToSlash(sub)), "/")
	if sub != "" {
		t, err := r.TreeObject(root)
		if err != nil {
			return nil, nil, fmt.Errorf("history: reading the source's tree: %w", err)
		}
		e, err := t.FindEntry(sub)
		if err != nil || e.Mode != filemode.Dir {
			return nil, nil, fmt.Errorf("history: the source's commit %.12s has no folder %s: %w", commit, sub, fs.ErrNotExist)
		}
		root = e.Hash
	}
	var left []Left
	err = walkSource(r, root, lim, func(p string, mode filemode.FileMode) {
		switch mode {
		case filemode.Symlink:
			left = append(left, Left{p, "a symbolic link is never followed: it is left out; commit the file itself"})
		case filemode.Submodule:
			left = append(left, Left{p, "a submodule is not read: it is left out; commit its files in the source itself"})
		case filemode.Dir, filemode.Regular, filemode.Executable, filemode.Deprecated:
		default:
			left = append(left, Left{p, fmt.Sprintf("an entry of mode %o is not a file: it is left out", uint32(mode))})
		}
	})
	if err != nil {
		return nil, nil, err
	}
	snap, _, err := Snapshot(Options{Dir: dir}, commit)
	if err != nil {
		return nil, nil, err
	}
	return &sourceFS{snap: snap, root: sub, maxFile: lim.FileSize}, left, nil
}

// checkTree walks the tree of commit within lim, as ReadSource will: a fetched commit
// over them is not swapped in.
func checkTree(r *git.Repository, commit plumbing.Hash, lim SourceLimits) error {
	c, err := r.CommitObject(commit)
	if err != nil {
		return err
	}
	return walkSource(r, c.TreeHash, lim, func(string, filemode.FileMode) {})
}

// walkSource visits every entry under the tree root, depth first, as slash paths,
// refusing a tree deeper than lim.Depth or with more than lim.Entries entries (each
// path counted: a tree is walked each time it is named).
func walkSource(r *git.Repository, root plumbing.Hash, lim SourceLimits, visit func(p string, mode filemode.FileMode)) error {
	entries := 0
	trees := map[plumbing.Hash]*object.Tree{} // a tree named many times is read once
	var walk func(h plumbing.Hash, dir string, depth int) error
	walk = func(h plumbing.Hash, dir string, depth int) error {
		t := trees[h]
		if t == nil {
			var err error
			if t, err = r.TreeObject(h); err != nil {
				return fmt.Errorf("history: reading the source's tree %s: %w", h, err)
			}
			trees[h] = t
		}
		for _, e := range t.Entries {
			entries++
			if entries > lim.Entries {
				return &LimitError{Limit: "source_entries", Max: int64(lim.Entries), What: "the source's tree has more files and folders"}
			}
			p := e.Name
			if dir != "" {
				p = dir + "/" + e.Name
			}
			if e.Name == "" || e.Name == "." || e.Name == ".." || strings.Contains(e.Name, "/") {
				visit(p, 0) // not a path: left out
				continue
			}
			visit(p, e.Mode)
			if e.Mode != filemode.Dir {
				continue
			}
			if depth+1 > lim.Depth {
				return &LimitError{Limit: "source_depth", Max: int64(lim.Depth), What: fmt.Sprintf("the folder %s is deeper", shorten(p))}
			}
			if err := walk(e.Hash, p, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(root, "", 0)
}

// shorten cuts a long path in the middle, for messages.
func shorten(p string) string {
	if len(p) <= 80 {
		return p
	}
	return p[:38] + "…" + p[len(p)-38:]
}

// sourceFS is the file system ReadSource returns: the snapshot of the commit, rooted at
// the folder read, refusing to read whole a file over maxFile.
type sourceFS struct {
	snap    fs.FS
	root    string
	maxFile int64
}

func (s *sourceFS) full(op, name string) (string, error) {
	if !fs.ValidPath(name) {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	if s.root == "" {
		return name, nil
	}
	if name == "." {
		return s.root, nil
	}
	return s.root + "/" + name, nil
}

// fits says whether the file at full (a snapshot path) can be read whole; folders can.
func (s *sourceFS) fits(op, name, full string) error {
	fi, err := fs.Stat(s.snap, full)
	if err != nil {
		return rename(err, name)
	}
	if !fi.IsDir() && fi.Size() > s.maxFile {
		return &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("%w: the file is %d bytes, over the limit of %d bytes for a file of a source", errTooBig, fi.Size(), s.maxFile)}
	}
	return nil
}

var errTooBig = errors.New("file too big")

// rename puts name back in a path error about the snapshot's full path.
func rename(err error, name string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: name, Err: pe.Err}
	}
	return err
}

func (s *sourceFS) Open(name string) (fs.File, error) {
	full, err := s.full("open", name)
	if err != nil {
		return nil, err
	}
	if err := s.fits("open", name, full); err != nil {
		return nil, err
	}
	f, err := s.snap.Open(full)
	return f, rename(err, name)
}

func (s *sourceFS) ReadFile(name string) ([]byte, error) {
	full, err := s.full("read", name)
	if err != nil {
		return nil, err
	}
	if err := s.fits("read", name, full); err != nil {
		return nil, err
	}
	b, err := fs.ReadFile(s.snap, full)
	return b, rename(err, name)
}

// ReadFileLimit reads the file at name, or its first limit+1 bytes when it is longer.
func (s *sourceFS) ReadFileLimit(name string, limit int64) ([]byte, error) {
	full, err := s.full("read", name)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > s.maxFile {
		limit = s.maxFile
	}
	b, err := s.snap.(interface {
		ReadFileLimit(string, int64) ([]byte, error)
	}).ReadFileLimit(full, limit)
	return b, rename(err, name)
}

func (s *sourceFS) ReadDir(name string) ([]fs.DirEntry, error) {
	full, err := s.full("readdir", name)
	if err != nil {
		return nil, err
	}
	l, err := fs.ReadDir(s.snap, full)
	return l, rename(err, name)
}

func (s *sourceFS) Stat(name string) (fs.FileInfo, error) {
	full, err := s.full("stat", name)
	if err != nil {
		return nil, err
	}
	fi, err := fs.Stat(s.snap, full)
	return fi, rename(err, name)
}
