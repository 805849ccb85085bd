//go:build !linux

package output

import (
	"errors"
	"os"
)

// exchange is not available on this system; Commit falls back to two renames.
func exchange(a, b string) error { return errors.New("atomic exchange not supported") }

// inPlaceSupported is false where file systems may fold the case of names (macOS,
// Windows): a kept file and a new one could be the same file there, so every build
// writes a whole new folder.
const inPlaceSupported = false

// openNoFollow is not used where inPlaceSupported is false.
func openNoFollow(name string) (*os.File, error) { return os.Open(name) }

// writeNew creates the file full, which must not exist (O_EXCL), with the bytes data.
func writeNew(full string, data []byte) error {
	f, err := os.OpenFile(full, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// sameBytes cannot tell here (ok is false): Dir.sameAs reads the file through os.File.
func sameBytes(full string, data, buf []byte) (same, ok bool) { return false, false }
