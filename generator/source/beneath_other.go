//go:build !linux

package source

import "io/fs"

// beneath is Linux only; elsewhere reads go through os.Root.
type beneath struct{}

func newBeneath(string) *beneath { return nil }

func (*beneath) readFile(string, int64) ([]byte, error, bool) { return nil, nil, false }

func (*beneath) readFileNoFollow(string, int64) ([]byte, error, bool) { return nil, nil, false }

func (*beneath) close() {}

func (*beneath) readDir(string) ([]fs.DirEntry, error, bool) { return nil, nil, false }
