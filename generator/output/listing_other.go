//go:build !linux

package output

import (
	"io/fs"
	"path/filepath"
)

// listFiles lists the regular files under dest (slash paths relative to it); ok is false
// when dest cannot be read whole or holds anything but folders and regular files (a
// symbolic link, a device).
func listFiles(dest string) (map[string]bool, bool) {
	files := map[string]bool{}
	ok := true
	err := filepath.WalkDir(dest, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case de.IsDir():
			return nil
		case !de.Type().IsRegular():
			ok = false
			return fs.SkipAll
		}
		rel, err := filepath.Rel(dest, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = true
		return nil
	})
	if err != nil || !ok {
		return nil, false
	}
	return files, true
}
