package output

import (
	"bytes"
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// exchange swaps two paths atomically (renameat2 with RENAME_EXCHANGE).
func exchange(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}

// inPlaceSupported says whether a build over a previous site writes only the files that
// changed. Linux file systems tell names apart by case, so a file kept in place is never
// another new file's name folded.
const inPlaceSupported = true

// openNoFollow opens a file for reading, refusing a symbolic link.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|unix.O_NOFOLLOW, 0)
}

// writeNew creates the file full, which must not exist (O_EXCL), with the bytes data.
// It writes through the descriptor itself: an os.File of a regular file costs a few
// more system calls (its flags, the poller that refuses it), once per file of a site.
func writeNew(full string, data []byte) error {
	var fd int
	var err error
	for {
		fd, err = unix.Open(full, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o644)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return &fs.PathError{Op: "open", Path: full, Err: err}
	}
	for len(data) > 0 {
		n, err := unix.Write(fd, data)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			_ = unix.Close(fd)
			return &fs.PathError{Op: "write", Path: full, Err: err}
		}
		data = data[n:]
	}
	if err := unix.Close(fd); err != nil {
		return &fs.PathError{Op: "close", Path: full, Err: err}
	}
	return nil
}

// sameBytes reports whether full is a regular file (not a symbolic link) holding
// exactly data, reading it through its descriptor into buf and stopping at the first
// difference; ok is true, as it always is here, when it could tell.
func sameBytes(full string, data, buf []byte) (same, ok bool) {
	var fd int
	var err error
	for {
		fd, err = unix.Open(full, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return false, true
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != int64(len(data)) {
		return false, true
	}
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil || n > len(data) || !bytes.Equal(buf[:n], data[:n]) {
			return false, true
		}
		if n == 0 { // the end of the file: all of data was there, and nothing more
			return len(data) == 0, true
		}
		data = data[n:]
	}
}
