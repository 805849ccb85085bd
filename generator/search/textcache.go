package search

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"slices"
	"sync"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/offheap"
)

// TextCache keeps the plain texts that Documents and ItemDocuments make of Markdown (the
// summary and text of each distinct Markdown, by its hash), so that a build converts only
// the texts that are new since the previous one: converting every proposal's Markdown
// again is most of the time of making the documents. The generator keeps it between
// builds in .pspm/cache/plain.bin (Encode, DecodeTextCache), and pspm serve in memory
// between rebuilds.
//
// A build calls Next first, then makes its documents through Plainer or Converter:
// what the build converts or takes is what Encode (or Spill) writes, and what the next
// build can take. It is safe for concurrent use.
type TextCache struct {
	mu        sync.Mutex
	prev      map[[32]byte]plainText // the texts of the previous build
	cur       map[[32]byte]plainText // those of this one (only their summaries when spilling)
	converted int
	spill     *spill
}

// spill is where a cache that does not keep its texts writes them (Spill).
type spill struct {
	open    func() (io.Writer, error)
	version string
	out     io.Writer     // what open made
	w       *bufio.Writer // to out and crc
	crc     hash.Hash32
	err     error
}

type plainText struct{ summary, text string }

// NewTextCache returns an empty cache.
func NewTextCache() *TextCache {
	return &TextCache{prev: map[[32]byte]plainText{}, cur: map[[32]byte]plainText{}}
}

// Next starts another build: the texts of the last become those it can take.
func (c *TextCache) Next() {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.spill != nil: // the texts went to the spill's file: none to take
		c.prev, c.cur, c.spill = map[[32]byte]plainText{}, map[[32]byte]plainText{}, nil
	case len(c.cur) > 0:
		c.prev, c.cur = c.cur, make(map[[32]byte]plainText, len(c.cur))
	}
	c.converted = 0
}

// Converted is the number of texts this build converted, not taken from the cache.
func (c *TextCache) Converted() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.converted
}

// Plainer returns plain through the cache: a Markdown converted by the previous build or
// by this one is not converted again (when spilling, one this build converted is,
// when met again).
func (c *TextCache) Plainer(plain Plainer) Plainer {
	return func(md []byte) (string, string) {
		key := sha256.Sum256(md)
		c.mu.Lock()
		t, ok := c.take(key)
		c.mu.Unlock()
		if ok {
			return t.summary, t.text
		}
		t.summary, t.text = plain(md)
		c.mu.Lock()
		c.keep(key, t)
		c.mu.Unlock()
		return t.summary, t.text
	}
}

// Converter converts through plain and the cache, as Plainer does, a batch at a time:
// the texts it keeps are written (Spill) in the batch's order.
func (c *TextCache) Converter(plain Plainer) Converter {
	return func(md []string) []Plain {
		keys := make([][32]byte, len(md))
		parallel.For(len(md), func(i int) { keys[i] = sha256.Sum256(bytesOf(md[i])) })
		out := make([]Plain, len(md))
		var missing []int
		c.mu.Lock()
		for i, k := range keys {
			if t, ok := c.take(k); ok {
				out[i] = Plain{t.summary, t.text}
			} else {
				missing = append(missing, i)
			}
		}
		c.mu.Unlock()
		parallel.For(len(missing), func(j int) {
			i := missing[j]
			out[i].Summary, out[i].Text = plain([]byte(md[i]))
		})
		c.mu.Lock()
		for _, i := range missing {
			c.keep(keys[i], plainText{out[i].Summary, out[i].Text})
		}
		c.mu.Unlock()
		return out
	}
}

// take is the text of key, converted by this build or the previous one; c.mu is held.
// A text of the previous build becomes one of this build's.
func (c *TextCache) take(key [32]byte) (plainText, bool) {
	if t, ok := c.cur[key]; ok && c.spill == nil {
		return t, true
	}
	t, ok := c.prev[key]
	if ok {
		c.add(key, t)
	}
	return t, ok
}

// keep adds a text this build converted; c.mu is held.
func (c *TextCache) keep(key [32]byte, t plainText) {
	if _, ok := c.cur[key]; !ok {
		c.converted++
		if c.spill != nil && c.spill.w == nil {
			c.openSpill() // the first text the previous build did not have
		}
	}
	c.add(key, t)
}

// add records the text t of key as this build's, once; c.mu is held.
func (c *TextCache) add(key [32]byte, t plainText) {
	if _, ok := c.cur[key]; ok {
		return
	}
	if c.spill == nil {
		c.cur[key] = t
		return
	}
	// The summaries are kept for the pages, to the end of a build: outside its heap.
	c.cur[key] = plainText{summary: offheap.Clone(t.summary)}
	c.spill.record(key, t)
}

// Spill makes the cache keep only the summaries of this build's texts and write the
// texts, as they come, to the writer open makes, in the format DecodeTextCache reads:
// a build's texts are then never all in memory. open is called once, at the first
// text the previous build did not have, or by Finish when this build has fewer texts
// than the previous one: a build that converts and drops nothing writes nothing, since
// the previous file holds its texts already. Call it after Next, before any text.
func (c *TextCache) Spill(version string, open func() (io.Writer, error)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spill = &spill{open: open, version: version}
}

// openSpill opens the spill's writer and writes to it the texts this build took from the
// previous one so far; c.mu is held.
func (c *TextCache) openSpill() {
	sp := c.spill
	w, err := sp.open()
	if err != nil {
		sp.err = err
		w = io.Discard
	}
	sp.out, sp.crc = w, crc32.NewIEEE()
	sp.w = bufio.NewWriterSize(io.MultiWriter(w, sp.crc), 256<<10)
	sp.w.WriteString(textCacheMagic)
	sp.w.Write(appendString(nil, sp.version))
	keys := make([][32]byte, 0, len(c.cur))
	for k := range c.cur {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return cmp.Compare(string(a[:]), string(b[:])) })
	for _, k := range keys {
		sp.record(k, c.prev[k])
	}
}

// record writes one text.
func (sp *spill) record(key [32]byte, t plainText) {
	if sp.w == nil {
		return // not open: the previous build's file holds it
	}
	sp.w.WriteByte(1)
	sp.w.Write(key[:])
	sp.w.Write(appendString(appendString(nil, t.summary), t.text))
}

// Finish ends what Spill writes. It reports whether it wrote a file, which the caller
// then keeps in place of the previous one, and the first error of the writer.
func (c *TextCache) Finish() (wrote bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	sp := c.spill
	if sp == nil {
		return false, nil
	}
	if sp.w == nil && len(c.cur) != len(c.prev) {
		c.openSpill() // texts were dropped: the previous file holds too many
	}
	if sp.w == nil {
		return false, nil
	}
	sp.w.WriteByte(0)
	if err := sp.w.Flush(); err != nil && sp.err == nil {
		sp.err = err
	}
	if _, err := sp.out.Write(binary.LittleEndian.AppendUint32(nil, sp.crc.Sum32())); err != nil && sp.err == nil {
		sp.err = err
	}
	return sp.err == nil, sp.err
}

// Summaries are the summaries of the Markdown texts a build converted or took through a
// TextCache's Plainer, without their plain texts.
type Summaries map[[32]byte]string

// Summaries returns the summaries of the texts this build converted or took (through
// Plainer, since Next), as Plainer's function gave them.
func (c *TextCache) Summaries() Summaries {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(Summaries, len(c.cur))
	for k, t := range c.cur {
		out[k] = t.summary
	}
	return out
}

// Summary is the summary of a Markdown text; ok is false for a text s does not hold.
func (s Summaries) Summary(md []byte) (summary string, ok bool) {
	summary, ok = s[sha256.Sum256(md)]
	return summary, ok
}

// textCacheMagic opens plain.bin; the version of the conversion follows it, then each
// text (1, its key, its summary and its text), then 0 and the CRC-32 of all before it.
const textCacheMagic = "PSPMTXT\x02"

var errTextCache = errors.New("search: corrupt text cache")

// Encode writes the texts of this build, for a pspm of the given version (see
// DecodeTextCache). A cache that spills (Spill) holds no texts to encode.
func (c *TextCache) Encode(version string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([][32]byte, 0, len(c.cur))
	size := len(textCacheMagic) + len(version) + 20
	for k, t := range c.cur {
		keys = append(keys, k)
		size += 33 + len(t.summary) + len(t.text) + 2*binary.MaxVarintLen32
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return cmp.Compare(string(a[:]), string(b[:])) })
	buf := make([]byte, 0, size)
	buf = append(buf, textCacheMagic...)
	buf = appendString(buf, version)
	for _, k := range keys {
		t := c.cur[k]
		buf = append(buf, 1)
		buf = append(buf, k[:]...)
		buf = appendString(buf, t.summary)
		buf = appendString(buf, t.text)
	}
	buf = append(buf, 0)
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
}

// DecodeTextCache reads what Encode or Spill wrote, as the texts of the previous build.
// A cache written by a pspm of another version (whose conversion may differ), or
// corrupt, is an error: the caller starts with an empty one.
func DecodeTextCache(data []byte, version string) (*TextCache, error) {
	if len(data) < len(textCacheMagic)+5 || string(data[:len(textCacheMagic)]) != textCacheMagic {
		return nil, errTextCache
	}
	body := data[:len(data)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, errTextCache
	}
	r := cacheReader{data: body[len(textCacheMagic):]}
	if r.string() != version || r.err != nil {
		return nil, errTextCache
	}
	c := NewTextCache()
	for {
		more := r.bytes(1)
		if r.err != nil || more[0] > 1 {
			return nil, errTextCache
		}
		if more[0] == 0 {
			break
		}
		var k [32]byte
		copy(k[:], r.bytes(32))
		// Outside the heap in a build: the previous build's texts are all held until
		// this one has taken or dropped them (half a gigabyte at 100,000 proposals).
		t := plainText{offheap.String(r.bytes(r.uvarint())), offheap.String(r.bytes(r.uvarint()))}
		if r.err != nil {
			return nil, errTextCache
		}
		c.prev[k] = t
	}
	if len(r.data) != 0 {
		return nil, errTextCache
	}
	return c, nil
}

func appendString(buf []byte, s string) []byte {
	buf = binary.AppendUvarint(buf, uint64(len(s)))
	return append(buf, s...)
}

// cacheReader reads the caches' bytes, remembering the first error.
type cacheReader struct {
	data []byte
	err  error
}

func (r *cacheReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	x, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.err = errTextCache
		return 0
	}
	r.data = r.data[n:]
	return x
}

func (r *cacheReader) bytes(n uint64) []byte {
	if r.err != nil || n > uint64(len(r.data)) {
		r.err = errTextCache
		return nil
	}
	b := r.data[:n:n]
	r.data = r.data[n:]
	return b
}

func (r *cacheReader) string() string { return string(r.bytes(r.uvarint())) }

// bytesOf is the bytes of s, not a copy, for a function that only reads them (a hash):
// copying every text of the site to hash it was a tenth of what the index stage of a
// build after one vote allocated. Nothing may write to them.
func bytesOf(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
