package output

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
)

// sameCheck is how many bytes at each end of a cache file AppendCache compares with
// what was read, besides its size.
const sameCheck = 64 << 10

// AppendCache extends the cache file name under dir (a slash path such as
// .pspm/cache/history.json), whose whole contents a build read as read, with tail: an
// append-only cache costs a warm build what it adds, not the size of the file. It only
// ever extends the file that was read: when the file is no longer that (another build
// rewrote or extended it meanwhile, by its size and its first and last 64 KiB, or it is
// gone), it is replaced with whole() instead, as WriteCache replaces it. The file is
// opened through os.OpenRoot, so neither name nor a symbolic link can take the write
// outside dir. A build killed while appending leaves a torn tail: the cache's format
// must tell (the history cache's records are checksummed).
func AppendCache(dir, name string, read, tail []byte, whole func() ([]byte, error)) error {
	if err := CheckPath(name); err != nil {
		return err
	}
	if len(read) > 0 {
		appended, err := appendRead(dir, name, read, tail)
		if appended || err != nil {
			return err
		}
	}
	data, err := whole()
	if err != nil {
		return err
	}
	return WriteCache(dir, name, data)
}

// appendRead appends tail to the file when it is still what was read, and says whether
// it did.
func appendRead(dir, name string, read, tail []byte) (bool, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return false, nil
	}
	defer root.Close()
	f, err := root.OpenFile(filepath.FromSlash(name), os.O_RDWR, 0)
	if err != nil {
		return false, nil
	}
	if !same(f, read) {
		f.Close()
		return false, nil
	}
	if _, err := f.WriteAt(tail, int64(len(read))); err != nil {
		f.Close()
		return true, err
	}
	return true, f.Close()
}

// same tells whether the regular file f is, by its size and both ends, what was read.
func same(f *os.File, read []byte) bool {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(read)) {
		return false
	}
	n := min(len(read), sameCheck)
	buf := make([]byte, n)
	if _, err := io.ReadFull(io.NewSectionReader(f, 0, int64(n)), buf); err != nil || !bytes.Equal(buf, read[:n]) {
		return false
	}
	off := int64(len(read) - n)
	if _, err := io.ReadFull(io.NewSectionReader(f, off, int64(n)), buf); err != nil || !bytes.Equal(buf, read[off:]) {
		return false
	}
	return true
}
