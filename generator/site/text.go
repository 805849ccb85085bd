package site

import (
	"runtime"
	"sync"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/pspm-dev/pspm/generator/offheap"
)

// An item's Markdown text is the largest thing the model holds: 450 MB at 100,000
// proposals of 400-800 words, from the load to the last page. A large site's load keeps
// each proposal's and practice's text compressed (PackText), which holds it in 46% of
// its bytes, and Text gives it back whole each time it is asked for (about 7 µs for a
// text of 4.5 KB). Nothing outside this file sees the difference, but the input keys
// and the content cache, which hold the field as it is: the packing of a text follows
// from the site's size alone, so the same content always gives the same bytes.

// Text is the item's Markdown text.
func (it *Item) Text() string {
	if !it.packed {
		return it.text
	}
	return unpack(it.text)
}

// SetText makes s the item's Markdown text, held as it is.
func (it *Item) SetText(s string) { it.text, it.packed = s, false }

// PackText makes md the item's Markdown text, held compressed outside the heap (when
// the process holds bytes there: see package offheap) and copied: md may be reused.
func (it *Item) PackText(md []byte) {
	if len(md) < minPacked {
		it.text, it.packed = offheap.String(md), false
		return
	}
	z := packer().EncodeAll(md, make([]byte, 0, len(md)/2))
	it.text, it.packed = offheap.String(z), true
}

// CopyText makes from's text the item's, held as from holds it.
func (it *Item) CopyText(from *Item) { it.text, it.packed = from.text, from.packed }

// HeldText is the text as the item holds it, and whether that is compressed: what an
// input key of the text encodes without decompressing it (the same text, packed or not,
// always gives the same bytes).
func (it *Item) HeldText() (held string, packed bool) { return it.text, it.packed }

// minPacked is the shortest text PackText compresses: a shorter one gains little, and
// asking whether a text is empty then never decompresses it.
const minPacked = 256

// maxUnpacked bounds what one packed text may decompress to: a content file is at most
// limits.file_size, which is at most 1 GiB.
const maxUnpacked = 1 << 30

var (
	packerOnce sync.Once
	encoder    *zstd.Encoder
	decoder    *zstd.Decoder
)

// packer is the compressor, made once: zstd at its fastest level, which keeps Italian
// prose in 46% of its bytes at 160 MB/s and gives it back at 590 MB/s (a text of 4.5 KB
// each time; deflate's fastest level keeps 46% too, three times slower). EncodeAll and
// DecodeAll may be called from many goroutines at once.
func packer() *zstd.Encoder {
	packerOnce.Do(func() {
		n := runtime.GOMAXPROCS(0)
		var err error
		encoder, err = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(n), zstd.WithEncoderCRC(false), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic("site: zstd encoder: " + err.Error())
		}
		// The bound keeps a forged frame from asking for more than a text can be.
		decoder, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(n), zstd.IgnoreChecksum(true), zstd.WithDecoderMaxMemory(maxUnpacked))
		if err != nil {
			panic("site: zstd decoder: " + err.Error())
		}
	})
	return encoder
}

// TextUnpacks says whether the item's text is held as it is, or compressed and
// decompresses: false only for a text read back from a damaged or forged cache.
func (it *Item) TextUnpacks() bool {
	if !it.packed {
		return true
	}
	packer()
	_, err := decoder.DecodeAll(unsafe.Slice(unsafe.StringData(it.text), len(it.text)), nil)
	return err == nil
}

// unpack gives back the text PackText compressed into z.
func unpack(z string) string {
	packer()
	// DecodeAll reads z without keeping or changing it, and out is this call's alone.
	out, err := decoder.DecodeAll(unsafe.Slice(unsafe.StringData(z), len(z)), nil)
	if err != nil {
		// The bytes were made by PackText in this process, or read back from a content
		// cache that checked they decompress (TextUnpacks).
		panic("site: a packed text does not decompress: " + err.Error())
	}
	if len(out) == 0 {
		return ""
	}
	return unsafe.String(&out[0], len(out))
}
