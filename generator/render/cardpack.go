package render

import (
	"encoding/binary"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/klauspost/compress/zstd"
)

// On a large site a language's cards' HTML is held compressed until the language is
// written, and each list that shows a card decompresses it: at 100,000 proposals a
// language's cards are 165 MB, held outside the heap to its last page. The cards of a
// theme are the same markup around other words, so the first cards rendered are the
// dictionary of the others: with the first 16 of them, zstd keeps a card of 1.7 KB in
// about 16% of its bytes, and gives it back in about 10 µs.

// packCardsAbove is the number of cards above which a build holds a language's cards
// compressed; pspm serve, which keeps them between builds, never does.
var packCardsAbove = 20000

// dictCards is how many of the first cards rendered make the dictionary (at most
// maxDict bytes of them); they are held as they are.
const (
	dictCards = 16
	maxDict   = 256 << 10
)

// maxCard bounds what one card decompresses to.
const maxCard = 64 << 20

// cardPacker compresses the cards of one language.
type cardPacker struct {
	mu    sync.Mutex
	dict  []byte // the first cards, until the dictionary is made
	cards int    // how many cards dict holds
	enc   *zstd.Encoder
	dec   *zstd.Decoder
	ready atomic.Bool // enc and dec are made
	err   atomic.Pointer[error]
}

// pack is h compressed, and true; or false while the dictionary is being made of the
// first cards (h is then held as it is), or when the compressor could not be made.
func (p *cardPacker) pack(h []byte) ([]byte, bool) {
	if len(h) > maxCard { // held as it is: unpack would refuse it
		return nil, false
	}
	if !p.ready.Load() && !p.learn(h) {
		return nil, false
	}
	if p.enc == nil {
		return nil, false
	}
	z := binary.AppendUvarint(make([]byte, 0, len(h)/4), uint64(len(h)))
	return p.enc.EncodeAll(h, z), true
}

// learn adds h to the dictionary while it is being made, and reports whether the
// compressor is ready (h is not in the dictionary then).
func (p *cardPacker) learn(h []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ready.Load() {
		return true
	}
	p.dict = append(p.dict, h...)
	if p.cards++; p.cards < dictCards && len(p.dict) < maxDict {
		return false
	}
	n := runtime.GOMAXPROCS(0)
	// A window of 128 KiB rather than the level's 4 MiB: a card is a few kilobytes, and
	// each of the n encoders holds a window's history (16 MB in all with the default).
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(n),
		zstd.WithWindowSize(128<<10), zstd.WithEncoderCRC(false), zstd.WithLowerEncoderMem(true),
		zstd.WithEncoderDictRaw(1, p.dict))
	if err == nil {
		p.dec, err = zstd.NewReader(nil, zstd.WithDecoderConcurrency(n), zstd.IgnoreChecksum(true),
			zstd.WithDecoderMaxMemory(maxCard), zstd.WithDecoderDictRaw(1, p.dict))
	}
	if err == nil {
		p.enc = enc
	} // else the cards stay as they are: compressing them saves memory, nothing more
	p.dict = nil
	p.ready.Store(true)
	return false
}

// unpack is the card that pack compressed into z (its length, then the frame), made
// in one allocation of its size: every list that shows the card decompresses it. An
// error is kept, for the render to fail with (failed), and gives an empty card.
func (p *cardPacker) unpack(z string) string {
	zb := unsafe.Slice(unsafe.StringData(z), len(z))
	n, k := binary.Uvarint(zb)
	var b []byte
	var err error
	if k <= 0 || n > maxCard {
		err = errors.New("no length")
	} else {
		b, err = p.dec.DecodeAll(zb[k:], make([]byte, 0, n))
	}
	if err == nil && uint64(len(b)) != n {
		err = errors.New("not the length it was")
	}
	if err != nil {
		err = errors.Join(errors.New("internal error: a card held compressed cannot be read back"), err)
		p.err.CompareAndSwap(nil, &err)
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b)) // b is this card's, and never written again
}

// failed is the first error of unpack, if any.
func (p *cardPacker) failed() error {
	if p == nil {
		return nil
	}
	if err := p.err.Load(); err != nil {
		return *err
	}
	return nil
}

// close lets go of the compressor.
func (p *cardPacker) close() {
	if p == nil {
		return
	}
	if p.enc != nil {
		p.enc.Close()
		p.dec.Close()
	}
}
