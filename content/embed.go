// Package demo embeds the demo portal in content/ (MEF's strategic plan 2025-2027, its
// bodies, proposals, practices, feedback and votes, the community's participants and
// supports, and the moderation decisions) into the pspm binary, so that `pspm serve`
// shows a working portal from any folder. The participants take part under
// participation.registration: approved, which the demo's pspm.yaml (generator/demo) sets.
package demo

import (
	"embed"
	"errors"
	"io"
	"io/fs"
	"strings"
	"time"
)

//go:embed all:plan all:proposals all:practices all:bodies all:participants all:moderation
var files embed.FS

// Site returns the demo as a site folder: its files are under content/, as in a real site.
func Site() fs.FS { return prefixed{prefix: "content", fsys: files} }

// prefixed shows fsys under the folder prefix.
type prefixed struct {
	prefix string
	fsys   fs.FS
}

func (p prefixed) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	switch {
	case name == ".":
		return &rootDir{name: p.prefix}, nil
	case name == p.prefix:
		return p.fsys.Open(".")
	case strings.HasPrefix(name, p.prefix+"/"):
		return p.fsys.Open(name[len(p.prefix)+1:])
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// rootDir is the top folder, holding only the prefix folder.
type rootDir struct {
	name string
	done bool
}

func (d *rootDir) Stat() (fs.FileInfo, error) { return dirInfo("."), nil }
func (d *rootDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: errors.New("is a directory")}
}
func (d *rootDir) Close() error { return nil }
func (d *rootDir) ReadDir(n int) ([]fs.DirEntry, error) {
	if d.done {
		if n > 0 {
			return nil, io.EOF
		}
		return nil, nil
	}
	d.done = true
	return []fs.DirEntry{fs.FileInfoToDirEntry(dirInfo(d.name))}, nil
}

// dirInfo describes a folder.
type dirInfo string

func (d dirInfo) Name() string       { return string(d) }
func (d dirInfo) Size() int64        { return 0 }
func (d dirInfo) Mode() fs.FileMode  { return fs.ModeDir | 0o555 }
func (d dirInfo) ModTime() time.Time { return time.Time{} }
func (d dirInfo) IsDir() bool        { return true }
func (d dirInfo) Sys() any           { return nil }
