// Package offheap copies immutable bytes outside the Go heap, for a process that keeps
// them until it exits: `pspm build` holds every text of the portal from its load to its
// last page. The collector neither scans nor counts memory it did not allocate, and the
// build's soft memory limit follows twice the live heap (package memlimit), so a byte
// held on the heap costs about three at the peak (the byte, and the room the limit
// leaves above it) where a byte held here costs one.
//
// Nothing copied here is ever freed: Enable it only in a process that builds once and
// exits. Until Enable is called (tests, pspm serve, which rebuilds and must let go of
// what it no longer shows) String copies to the heap, and Clone and Bytes return their
// argument. Memory is taken from the system in chunks of 32 MiB; a copy over 64 KiB has
// its own mapping. Copies are immutable: nothing may write to the bytes Bytes returns.
package offheap

import (
	"bytes"
	"sync"
	"sync/atomic"
	"unsafe"
)

const (
	chunkSize = 32 << 20
	maxSize   = 64 << 10 // larger copies have a mapping of their own
	pageSize  = 64 << 10 // a multiple of every system's page size
)

var (
	enabled atomic.Bool
	mu      sync.Mutex
	free    []byte // what is left of the current chunk
	held    atomic.Int64
	peak    atomic.Int64
)

// Enable makes every later copy go outside the heap, when the system gives memory that
// way (it does on Unix systems).
func Enable() { enabled.Store(mapping) }

// Disable makes later copies go to the heap again. What was copied outside it stays
// there, valid, until the process exits.
func Disable() { enabled.Store(false) }

// Held is how many bytes the copies outside the heap hold.
func Held() int64 { return held.Load() }

// Peak is the most bytes the copies outside the heap held at once.
func Peak() int64 { return peak.Load() }

// grow counts n more bytes held.
func grow(n int64) {
	now := held.Add(n)
	for {
		was := peak.Load()
		if now <= was || peak.CompareAndSwap(was, now) {
			return
		}
	}
}

// String is a copy of b as a string.
func String(b []byte) string {
	if p := take(len(b)); p != nil {
		copy(p, b)
		return unsafe.String(&p[0], len(p))
	}
	return string(b)
}

// Bytes is b copied outside the heap, with a capacity of its length (appending to it
// copies it to the heap), or b itself when copies go to the heap.
func Bytes(b []byte) []byte {
	if p := take(len(b)); p != nil {
		copy(p, b)
		return p
	}
	return b
}

// Copy is a copy of b: outside the heap, or on it when copies go to the heap.
func Copy(b []byte) []byte {
	if p := take(len(b)); p != nil {
		copy(p, b)
		return p
	}
	return bytes.Clone(b)
}

// Clone is s copied outside the heap, or s itself when copies go to the heap.
func Clone(s string) string {
	if p := take(len(s)); p != nil {
		copy(p, s)
		return unsafe.String(&p[0], len(p))
	}
	return s
}

// take is n bytes outside the heap, or nil when copies go to the heap (not enabled, an
// empty text, or no memory mapped).
func take(n int) []byte {
	if n == 0 || !enabled.Load() {
		return nil
	}
	if n > maxSize { // a mapping of its own, rather than the end of a chunk left empty
		p := mapChunk((n + pageSize - 1) &^ (pageSize - 1))
		if p == nil {
			return nil
		}
		grow(int64(n))
		return p[:n:n]
	}
	mu.Lock()
	defer mu.Unlock()
	if len(free) < n {
		c := mapChunk(chunkSize)
		if c == nil {
			return nil
		}
		free = c
	}
	p := free[:n:n]
	free = free[n:]
	grow(int64(n))
	return p
}
