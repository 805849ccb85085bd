//go:build unix

package history

import "golang.org/x/sys/unix"

// mapFile maps a file read-only into memory, as Git maps its pack files: the pages are
// the system's file cache, shared and read on demand, not a copy on the heap. ok is
// false when the file cannot be mapped; the caller then reads it another way. The
// mapping lasts until unmap is called (packFS.close): nothing releases it otherwise.
func mapFile(fd uintptr, size int64) (data []byte, unmap func(), ok bool) {
	if size <= 0 || size != int64(int(size)) {
		return nil, nil, false
	}
	data, err := unix.Mmap(int(fd), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = unix.Munmap(data) }, true
}
