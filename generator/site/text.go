package site

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/klauspost/compress/zstd"

	"github.com/pspm-dev/pspm/generator/offheap"
)

// An item's Markdown text is the largest thing the model holds: 450 MB at 100,000
// proposals of 400-800 words, from the load to the last page. A large site's load keeps
// each proposal's and practice's text compressed (PackText), which holds it in 46% of
// its bytes, and Text gives it back whole each time it is asked for (about 7 µs for a
// text of 4.5 KB). In pspm build (FileTexts) the compressed texts go to a temporary
// file rather than memory: the 210 MB of those 100,000 proposals were nearly half of
// what the build held outside the heap, from the load to the last page, and the system
// keeps the file's pages in its cache while it has room, outside the process. Nothing
// outside this file sees the difference, but the input keys and the content cache: the
// packing of a text follows from the site's size alone, so the same content always gives
// the same bytes.

// heldText is how an item holds its Markdown text.
type heldText struct {
	// s is the Markdown (textPlain), its zstd compression (textPacked), or where that
	// is in the texts' file (textFiled: a fileRef).
	s   string
	how TextForm
}

// TextForm says how an item holds its text: HeldText.
type TextForm uint8

const (
	TextPlain  TextForm = iota // as it is
	TextPacked                 // compressed, in memory
	TextFiled                  // compressed, in the texts' file
)

// Text is the item's Markdown text.
func (it *Item) Text() string {
	switch it.text.how {
	case TextPacked:
		return unpack(it.text.s)
	case TextFiled:
		z, put := readFiled(it.text.s)
		defer put()
		return unpack(z)
	}
	return it.text.s
}

// AppendText appends the item's Markdown text to b: for a reader that is done with it
// before b is reused, without the string Text makes.
func (it *Item) AppendText(b []byte) []byte {
	switch it.text.how {
	case TextPacked:
		return unpackTo(b, it.text.s)
	case TextFiled:
		z, put := readFiled(it.text.s)
		defer put()
		return unpackTo(b, z)
	}
	return append(b, it.text.s...)
}

// SetText makes s the item's Markdown text, held as it is.
func (it *Item) SetText(s string) { it.text = heldText{s: s} }

// PackText makes md the item's Markdown text, held compressed: in the texts' file when
// FileTexts was called and the file takes it, else outside the heap (when the process
// holds bytes there: see package offheap); md is copied, and may be reused.
func (it *Item) PackText(md []byte) {
	if len(md) < minPacked {
		it.text = heldText{s: offheap.String(md)}
		return
	}
	it.text = packed(packer().EncodeAll(md, make([]byte, 0, len(md)/2)))
}

// packed is the held form of a compressed text z: filed when the texts' file takes it.
func packed(z []byte) heldText {
	if ref, ok := texts.put(z); ok {
		return heldText{s: ref, how: TextFiled}
	}
	return heldText{s: offheap.String(z), how: TextPacked}
}

// CopyText makes from's text the item's, held as from holds it.
func (it *Item) CopyText(from *Item) { it.text = from.text }

// HeldText is the text as the item holds it, which an input key of the text encodes
// without decompressing it: the Markdown (TextPlain), its compression (TextPacked), or
// the SHA-256 of its compression (TextFiled). The same text held the same way always
// gives the same bytes.
func (it *Item) HeldText() (held string, form TextForm) {
	if it.text.how == TextFiled {
		return it.text.s[refSum:], TextFiled
	}
	return it.text.s, it.text.how
}

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
	z := it.text.s
	switch it.text.how {
	case TextPlain:
		return true
	case TextFiled:
		var put func()
		z, put = readFiled(z)
		defer put()
	}
	packer()
	_, err := decoder.DecodeAll(unsafe.Slice(unsafe.StringData(z), len(z)), nil)
	return err == nil
}

// unpack gives back the text PackText compressed into z.
func unpack(z string) string {
	// out is this call's alone.
	out := unpackTo(nil, z)
	if len(out) == 0 {
		return ""
	}
	return unsafe.String(&out[0], len(out))
}

// unpackTo appends to b the text PackText compressed into z.
func unpackTo(b []byte, z string) []byte {
	packer()
	// DecodeAll reads z without keeping or changing it.
	out, err := decoder.DecodeAll(unsafe.Slice(unsafe.StringData(z), len(z)), b)
	if err != nil {
		// The bytes were made by PackText in this process, or read back from a content
		// cache that checked they decompress (TextUnpacks).
		panic("site: a packed text does not decompress: " + err.Error())
	}
	return out
}

// AppendBinary appends the text as the content cache keeps it: a byte of its form, then
// the Markdown or its compression (a filed text is kept compressed, as read back from
// the texts' file; the next build files it again).
func (h *heldText) AppendBinary(b []byte) ([]byte, error) {
	switch h.how {
	case TextPlain, TextPacked:
		return append(append(b, byte(h.how)), h.s...), nil
	case TextFiled:
		z, put := readFiled(h.s)
		defer put()
		return append(append(b, byte(TextPacked)), z...), nil
	}
	return b, fmt.Errorf("site: a text held in form %d", h.how)
}

// UnmarshalBinary reads back what AppendBinary wrote, copying it: a compressed text goes
// to the texts' file as PackText's would. Whether it decompresses is TextUnpacks's to
// tell.
func (h *heldText) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		return errors.New("site: a held text without its form")
	}
	switch TextForm(b[0]) {
	case TextPlain:
		*h = heldText{s: offheap.String(b[1:])}
	case TextPacked:
		*h = packed(b[1:])
	default:
		return fmt.Errorf("site: a held text in form %d", b[0])
	}
	return nil
}

// FileTexts(true) makes the texts PackText compresses from now on go to a temporary
// file (in os.TempDir, removed at once, so that nothing is left behind), for a process
// that builds once: the file is never shortened. When the file cannot be made or
// written, the texts are held in memory as before. FileTexts(false) holds the later
// ones in memory again; those filed stay readable.
func FileTexts(on bool) { texts.on.Store(on) }

// texts is the process's texts' file.
var texts textFile

// textFile holds compressed texts one after the other in an unlinked temporary file.
type textFile struct {
	on     atomic.Bool
	mu     sync.Mutex
	f      *os.File
	size   int64 // bytes reserved
	failed bool  // the file could not be made
}

// A fileRef is where a filed text is: its offset and length in the file (8 and 4
// bytes), then the SHA-256 of its bytes.
const (
	refSum = 12
	refLen = refSum + sha256.Size
)

// put writes z at the end of the file and gives its reference, or false when texts are
// not filed, or the file could not be made or written.
func (t *textFile) put(z []byte) (string, bool) {
	if !t.on.Load() || len(z) > 1<<31 {
		return "", false
	}
	t.mu.Lock()
	if t.f == nil && !t.failed {
		f, err := os.CreateTemp("", "pspm-texts-*")
		if err == nil {
			err = os.Remove(f.Name())
			if err != nil {
				_ = f.Close()
			}
		}
		t.f, t.failed = f, err != nil
		if err != nil {
			t.f = nil
		}
	}
	f, off := t.f, t.size
	if f != nil {
		t.size += int64(len(z))
	}
	t.mu.Unlock()
	if f == nil {
		return "", false
	}
	if _, err := f.WriteAt(z, off); err != nil {
		return "", false // the reserved bytes stay unused; the text is held in memory
	}
	var ref [refLen]byte
	binary.LittleEndian.PutUint64(ref[:], uint64(off))
	binary.LittleEndian.PutUint32(ref[8:], uint32(len(z)))
	sum := sha256.Sum256(z)
	copy(ref[refSum:], sum[:])
	return offheap.String(ref[:]), true
}

// readBufs are the buffers filed texts are read into, each as long as the longest read.
var readBufs sync.Pool

// readFiled reads back the compressed text that ref refers to, into a buffer that is
// the caller's until it calls put. A read that fails is a fault of the machine (the file
// is this process's own, and was written whole): it panics.
func readFiled(ref string) (z string, put func()) {
	off := int64(binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(ref), refLen)))
	n := int(binary.LittleEndian.Uint32(unsafe.Slice(unsafe.StringData(ref[8:]), 4)))
	bp, _ := readBufs.Get().(*[]byte)
	if bp == nil || cap(*bp) < n {
		b := make([]byte, n)
		bp = &b
	}
	b := (*bp)[:n]
	if _, err := texts.f.ReadAt(b, off); err != nil {
		panic("site: reading back a text from the texts' temporary file: " + err.Error())
	}
	return unsafe.String(unsafe.SliceData(b), n), func() { readBufs.Put(bp) }
}
