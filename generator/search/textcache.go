package search

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"sync"
)

// TextCache keeps the plain texts that Documents and ItemDocuments make of Markdown (the
// summary and text of each distinct Markdown, by its hash), so that a build converts only
// the texts that are new since the previous one: converting every proposal's Markdown
// again is most of the time of making the documents. The generator keeps it between
// builds in .pspm/cache/plain.bin (Encode, DecodeTextCache), and pspm serve in memory
// between rebuilds.
//
// A build calls Next first, then makes its documents through Plainer: what the build
// converts or takes is what Encode writes, and what the next build can take. It is safe
// for concurrent use.
type TextCache struct {
	mu        sync.Mutex
	prev      map[[32]byte]plainText // the texts of the previous build
	cur       map[[32]byte]plainText // those of this one
	converted int
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
	if len(c.cur) > 0 {
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
// by this one is not converted again.
func (c *TextCache) Plainer(plain Plainer) Plainer {
	return func(md []byte) (string, string) {
		key := sha256.Sum256(md)
		c.mu.Lock()
		t, ok := c.cur[key]
		if !ok {
			if t, ok = c.prev[key]; ok {
				c.cur[key] = t
			}
		}
		c.mu.Unlock()
		if ok {
			return t.summary, t.text
		}
		t.summary, t.text = plain(md)
		c.mu.Lock()
		c.cur[key] = t
		c.converted++
		c.mu.Unlock()
		return t.summary, t.text
	}
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

// textCacheMagic opens plain.bin; the version of the conversion follows it.
const textCacheMagic = "PSPMTXT\x01"

var errTextCache = errors.New("search: corrupt text cache")

// Encode writes the texts of this build, for a pspm of the given version (see
// DecodeTextCache).
func (c *TextCache) Encode(version string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([][32]byte, 0, len(c.cur))
	size := len(textCacheMagic) + len(version) + 20
	for k, t := range c.cur {
		keys = append(keys, k)
		size += 32 + len(t.summary) + len(t.text) + 2*binary.MaxVarintLen32
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return cmp.Compare(string(a[:]), string(b[:])) })
	buf := make([]byte, 0, size)
	buf = append(buf, textCacheMagic...)
	buf = appendString(buf, version)
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	for _, k := range keys {
		t := c.cur[k]
		buf = append(buf, k[:]...)
		buf = appendString(buf, t.summary)
		buf = appendString(buf, t.text)
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
}

// DecodeTextCache reads what Encode wrote, as the texts of the previous build. A cache
// written by a pspm of another version (whose conversion may differ), or corrupt, is an
// error: the caller starts with an empty one.
func DecodeTextCache(data []byte, version string) (*TextCache, error) {
	if len(data) < len(textCacheMagic)+4 || string(data[:len(textCacheMagic)]) != textCacheMagic {
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
	n := r.uvarint()
	if n > uint64(len(r.data))/34 {
		return nil, errTextCache
	}
	c := NewTextCache()
	c.prev = make(map[[32]byte]plainText, n)
	for range n {
		var k [32]byte
		copy(k[:], r.bytes(32))
		t := plainText{r.string(), r.string()}
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
