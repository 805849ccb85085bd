//go:build unix

package offheap

import "syscall"

const mapping = true

// mapChunk maps n bytes of anonymous memory, or returns nil.
func mapChunk(n int) []byte {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

// unmapChunk gives back a chunk mapChunk mapped.
func unmapChunk(b []byte) { _ = syscall.Munmap(b) }
