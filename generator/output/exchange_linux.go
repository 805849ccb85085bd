package output

import (
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
