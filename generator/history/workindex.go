package history

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// WorkIndex is what a checkout's Git index (.git/index) says of the files of its work
// tree: for each file, the blob Git holds for it and the file's state (size, times,
// inode, owner) when Git last saw it. A file whose state on disk is still that one has
// the blob's content, the test `git status` makes before it hashes anything; so a build
// knows which files are what they were at the last build without reading them.
//
// It reads the index file itself (versions 2 to 4); an index it cannot read (split,
// SHA-256, damaged) is an error, and the caller reads every file.
type WorkIndex struct {
	root    string // the work tree on disk
	site    string // the site folder relative to root, "" or ending in "/"
	entries map[string]indexEntry
	// stamp is the index file's modification time: a file changed in the same instant
	// as the index was written may differ from what it says (Git's "racily clean").
	stamp stamp
}

// stamp is a file's state as the index keeps it (each field cut to 32 bits, as Git does).
type stamp struct {
	ctime, ctimeNsec, mtime, mtimeNsec uint32
	ino, mode, uid, gid, size          uint32 // not the device, which Git does not compare either
}

type indexEntry struct {
	st   stamp
	blob [20]byte
	ok   bool // a plain entry of a regular file: not a conflict, not skipped, not intended
}

// ErrIndexUnsupported is returned for an index this reader does not understand: split
// indexes and SHA-256 repositories.
var ErrIndexUnsupported = errors.New("history: unsupported Git index")

// ReadWorkIndex reads the index of the checkout holding the folder dir (the site folder:
// paths are relative to it).
func ReadWorkIndex(dir string) (*WorkIndex, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	root, dot, _, err := findDotGit(abs)
	if err != nil {
		return nil, err
	}
	site, err := filepath.Rel(root, abs)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	site = filepath.ToSlash(site) + "/"
	if site == "./" {
		site = ""
	}
	if cfg, err := dot.Open("config"); err == nil {
		b, _ := io.ReadAll(io.LimitReader(cfg, 1<<20))
		cfg.Close()
		if strings.Contains(strings.ToLower(string(b)), "sha256") {
			return nil, ErrIndexUnsupported
		}
	}
	f, err := dot.Open("index")
	if err != nil {
		return nil, fmt.Errorf("history: reading the index: %w", err)
	}
	data, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("history: reading the index: %w", err)
	}
	w := &WorkIndex{root: root, site: site}
	if w.stamp, err = lstamp(filepath.Join(dot.Root(), "index")); err != nil {
		return nil, fmt.Errorf("history: reading the index: %w", err)
	}
	if w.entries, err = parseIndex(data, site); err != nil {
		return nil, err
	}
	return w, nil
}

var errIndexCorrupt = errors.New("history: corrupt Git index")

// parseIndex reads the entries of an index under the folder prefix, by path relative to
// it.
func parseIndex(data []byte, prefix string) (map[string]indexEntry, error) {
	if len(data) < 12+20 || string(data[:4]) != "DIRC" {
		return nil, errIndexCorrupt
	}
	body, sum := data[:len(data)-20], data[len(data)-20:]
	if h := sha1.Sum(body); !bytes.Equal(h[:], sum) && !bytes.Equal(sum, make([]byte, 20)) { // index.skipHash writes zeros
		return nil, errIndexCorrupt
	}
	version := binary.BigEndian.Uint32(data[4:])
	if version < 2 || version > 4 {
		return nil, ErrIndexUnsupported
	}
	n := binary.BigEndian.Uint32(data[8:])
	if uint64(n) > uint64(len(body))/62 {
		return nil, errIndexCorrupt
	}
	entries := make(map[string]indexEntry, n)
	p := body[12:]
	var name []byte // the previous entry's path (version 4 compresses against it)
	for range n {
		if len(p) < 62 {
			return nil, errIndexCorrupt
		}
		var e indexEntry
		u := func(i int) uint32 { return binary.BigEndian.Uint32(p[i*4:]) }
		e.st = stamp{ctime: u(0), ctimeNsec: u(1), mtime: u(2), mtimeNsec: u(3), ino: u(5), mode: u(6), uid: u(7), gid: u(8), size: u(9)}
		copy(e.blob[:], p[40:60])
		flags := binary.BigEndian.Uint16(p[60:])
		head := 62
		var ext uint16
		if flags&0x4000 != 0 {
			if version < 3 || len(p) < 64 {
				return nil, errIndexCorrupt
			}
			ext = binary.BigEndian.Uint16(p[62:])
			head = 64
		}
		rest := p[head:]
		if version == 4 {
			strip, k := offsetVarint(rest)
			if k == 0 || strip > uint64(len(name)) {
				return nil, errIndexCorrupt
			}
			rest = rest[k:]
			end := bytes.IndexByte(rest, 0)
			if end < 0 {
				return nil, errIndexCorrupt
			}
			name = append(name[:len(name)-int(strip)], rest[:end]...)
			p = rest[end+1:]
		} else {
			end := bytes.IndexByte(rest, 0)
			if end < 0 {
				return nil, errIndexCorrupt
			}
			name = append(name[:0], rest[:end]...)
			size := (head + end + 8) &^ 7 // NUL-padded to a multiple of 8
			if size > len(p) {
				return nil, errIndexCorrupt
			}
			p = p[size:]
		}
		path, ok := strings.CutPrefix(string(name), prefix)
		if !ok {
			continue
		}
		stage := flags >> 12 & 3
		typ := e.st.mode >> 12
		e.ok = stage == 0 && ext&0x6000 == 0 && typ == 0o10 // neither skip-worktree nor intent-to-add; a regular file
		if _, seen := entries[path]; seen {
			e.ok = false // a conflict's stages
		}
		entries[path] = e
	}
	for len(p) >= 8 { // extensions
		sig, size := string(p[:4]), binary.BigEndian.Uint32(p[4:])
		if sig == "link" {
			return nil, ErrIndexUnsupported // a split index: the entries are elsewhere too
		}
		if uint64(size) > uint64(len(p)-8) {
			return nil, errIndexCorrupt
		}
		p = p[8+size:]
	}
	return entries, nil
}

// offsetVarint reads the variable-length number of Git's index version 4 (not
// encoding/binary's: each continuation adds one).
func offsetVarint(b []byte) (uint64, int) {
	var v uint64
	for i, c := range b {
		if i == 0 {
			v = uint64(c & 127)
		} else {
			v = (v+1)<<7 | uint64(c&127)
		}
		if c&128 == 0 {
			return v, i + 1
		}
		if i >= 9 {
			return 0, 0
		}
	}
	return 0, 0
}

// Len is the number of files of the site folder the index lists.
func (w *WorkIndex) Len() int { return len(w.entries) }

// Blob returns the hash of the Git blob of file (a slash path relative to the site
// folder) when the index says the file on disk holds it: a regular file of the index
// whose state is the one the index recorded, changed before the index was written. ok is
// false for any other (modified, new, removed, in conflict, or too recent to tell).
func (w *WorkIndex) Blob(file string) (blob string, ok bool) {
	e, found := w.entries[file]
	if !found || !e.ok {
		return "", false
	}
	// file is one of the index's paths (found above): slash-separated, relative, without
	// "." or ".." (Git refuses them), so it is joined without being cleaned again.
	st, err := lstamp(w.root + string(filepath.Separator) + filepath.FromSlash(w.site+file))
	if err != nil || st != e.st || st.mode>>12 != 0o10 {
		return "", false
	}
	if st.mtime > w.stamp.mtime || st.mtime == w.stamp.mtime && st.mtimeNsec >= w.stamp.mtimeNsec {
		return "", false // racily clean: the file may have changed after Git looked
	}
	return hex.EncodeToString(e.blob[:]), true
}
