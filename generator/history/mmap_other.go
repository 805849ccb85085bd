//go:build !unix

package history

// mapFile is not available here: pack files are read into memory or through go-git.
func mapFile(fd uintptr, size int64) (data []byte, unmap func(), ok bool) {
	return nil, nil, false
}
