package offheap

import (
	"sync"
	"unsafe"
)

// arenaChunk is the memory an Arena maps at a time: the pages it does not write are
// never given memory by the system.
const arenaChunk = 8 << 20

// An Arena holds copies outside the heap that are let go of all at once (Free): what a
// build needs for one stage and never after it, such as the HTML of one language's
// cards, which every list of that language shows. Its copies go to the heap when copies
// do (see Enable), and Free then leaves them to the collector.
//
// After Free, every string the Arena gave is invalid: reading one is a fault that ends
// the process. Free an Arena only when nothing can reach what it gave.
type Arena struct {
	mu     sync.Mutex
	chunks [][]byte // the mappings, to give back
	free   []byte   // what is left of the last chunk
	held   int64
}

// String is a copy of b as a string, in the arena. A nil Arena copies to the heap.
func (a *Arena) String(b []byte) string {
	if p := a.take(len(b)); p != nil {
		copy(p, b)
		return unsafe.String(&p[0], len(p))
	}
	return string(b)
}

// Bytes is a copy of b in the arena, with a capacity of its length; b itself when
// copies go to the heap (or with a nil Arena). Like the strings, invalid after Free.
func (a *Arena) Bytes(b []byte) []byte {
	if p := a.take(len(b)); p != nil {
		copy(p, b)
		return p[:len(b):len(b)]
	}
	return b
}

// Held is how many bytes the arena's copies hold outside the heap.
func (a *Arena) Held() int64 {
	if a == nil {
		return 0
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.held
}

// take is n bytes of the arena, or nil when copies go to the heap.
func (a *Arena) take(n int) []byte {
	if a == nil || n == 0 || !enabled.Load() {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.free) < n {
		size := arenaChunk
		if n > size/4 { // a mapping of its own, rather than the end of a chunk left empty
			size = (n + pageSize - 1) &^ (pageSize - 1)
		}
		c := mapChunk(size)
		if c == nil {
			return nil
		}
		a.chunks = append(a.chunks, c)
		if size != arenaChunk {
			a.held += int64(n)
			grow(int64(n))
			return c[:n:n]
		}
		a.free = c
	}
	p := a.free[:n:n]
	a.free = a.free[n:]
	a.held += int64(n)
	grow(int64(n))
	return p
}

// Free gives the arena's memory back to the system. The arena may be used again, with
// memory of its own.
func (a *Arena) Free() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.chunks {
		unmapChunk(c)
	}
	held.Add(-a.held)
	a.chunks, a.free, a.held = nil, nil, 0
}
