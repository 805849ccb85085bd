package render

import (
	"sync"
	"unsafe"
)

// fileBufs are the buffers a build's pages and feeds are made in (Render): run gives a
// file's buffer back once the file is written, since a Writer keeps nothing of the bytes
// it is given, and the next file is made in it. A page made afresh each time was a
// tenth of what a build allocated. pspm serve, which keeps the files it renders, has
// none (a nil *fileBufs makes every file in bytes of its own).
type fileBufs struct {
	pool  sync.Pool // of *[]byte
	owned sync.Map  // the first byte of a file handed out → its *[]byte
}

// reuseFileBuffers turns fileBufs on in Render (off only in tests, for the bytes of a
// build that makes every file afresh).
var reuseFileBuffers = true

// maxFileBuf is the largest buffer kept for the next file.
const maxFileBuf = 4 << 20

// get returns an empty buffer of at least size bytes, to make a file in and hand out
// with give.
func (p *fileBufs) get(size int) *[]byte {
	if p == nil {
		b := make([]byte, 0, size)
		return &b
	}
	b, _ := p.pool.Get().(*[]byte)
	if b == nil || cap(*b) < size {
		nb := make([]byte, 0, max(size, 16<<10))
		return &nb
	}
	*b = (*b)[:0]
	return b
}

// give hands out the file made in b, *b: done gives b back once it is written.
func (p *fileBufs) give(b *[]byte) []byte {
	data := *b
	if p != nil && len(data) > 0 {
		p.owned.Store(unsafe.SliceData(data), b)
	}
	return data
}

// copyOf is a copy of data in a buffer of p, handed out.
func (p *fileBufs) copyOf(data []byte) []byte {
	b := p.get(len(data))
	*b = append(*b, data...)
	return p.give(b)
}

// done says that data, as a file was written, is no longer read: when p handed it out,
// its buffer serves the next file. Bytes p did not hand out are left alone.
func (p *fileBufs) done(data []byte) {
	if p == nil || len(data) == 0 {
		return
	}
	v, ok := p.owned.LoadAndDelete(unsafe.SliceData(data))
	if !ok {
		return
	}
	if b := v.(*[]byte); cap(*b) <= maxFileBuf {
		p.pool.Put(b)
	}
}
