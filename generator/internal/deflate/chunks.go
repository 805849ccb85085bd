package deflate

import (
	"archive/zip"
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"slices"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/pspm-dev/pspm/generator/offheap"
)

// A dataset of the open data (votes.json: 60 MB at 10,000 proposals) changes by a few
// lines when a vote lands, and compressing it again for the archive was a second of a
// build after one vote. A Chunked writer compresses its data in chunks, each on its own
// (a fresh encoder, ended by a sync flush, so that it ends on a byte boundary and refers
// to nothing before it), the raw DEFLATE data of the whole being the chunks' one after
// the other and an empty final block. The chunks are cut where the data says, not where
// a count of bytes falls: after a line that ends past minChunk bytes of the chunk and
// whose CRC-32C is a multiple of cutEvery, or at maxChunk bytes. A line added or changed
// changes its chunk alone (and rarely the next): every other chunk is the same bytes as
// in the previous build, and a ChunkCache that holds them by their SHA-256 gives their
// compressed bytes without compressing them. The result is the same bytes with or
// without a cache, written in one call or a byte at a time; each chunk costs a few bytes
// of compression (its sync flush, and what it cannot refer to across its start).
const (
	minChunk = 512 << 10
	maxChunk = 4 << 20
	cutEvery = 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// finalBlock is an empty final block of fixed Huffman codes: it ends the DEFLATE data
// after the last chunk's sync flush.
var finalBlock = []byte{0x03, 0x00}

// Chunked compresses what is written to it into raw DEFLATE data written to its
// destination (see above). Close writes the end of the data; it does not close the
// destination. It is not for concurrent use.
type Chunked struct {
	dst   io.Writer
	cache *ChunkCache
	enc   *flate.Writer
	out   bytes.Buffer // one chunk compressed
	buf   []byte       // the chunk being cut
	line  int          // where the line being read starts in buf
	seen  int          // how far buf was looked at for line ends
	err   error
}

// NewChunked returns a Chunked writer to dst; cache, when not nil, gives the chunks it
// holds and takes those it did not.
func NewChunked(dst io.Writer, cache *ChunkCache) *Chunked {
	return &Chunked{dst: dst, cache: cache, buf: make([]byte, 0, minChunk+minChunk/2)}
}

// Write implements io.Writer.
func (c *Chunked) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n := len(p)
	for len(p) > 0 {
		k := min(len(p), maxChunk-len(c.buf))
		c.buf = append(c.buf, p[:k]...)
		p = p[k:]
		c.cut()
		if c.err != nil {
			return n - len(p), c.err
		}
	}
	return n, nil
}

// cut writes the chunks that buf holds whole, and keeps the rest.
func (c *Chunked) cut() {
	for c.err == nil {
		end := -1
		for c.seen < len(c.buf) {
			i := bytes.IndexByte(c.buf[c.seen:], '\n')
			if i < 0 {
				c.seen = len(c.buf)
				break
			}
			nl := c.seen + i
			c.seen = nl + 1
			line := c.buf[c.line:nl]
			c.line = c.seen
			if c.seen >= minChunk && crc32.Checksum(line, castagnoli)%cutEvery == 0 {
				end = c.seen
				break
			}
		}
		if end < 0 && len(c.buf) >= maxChunk {
			end = maxChunk
		}
		if end < 0 {
			return
		}
		c.chunk(c.buf[:end])
		rest := copy(c.buf, c.buf[end:])
		c.buf = c.buf[:rest]
		c.line = max(0, c.line-end)
		c.seen = max(0, c.seen-end)
	}
}

// chunk writes the compressed bytes of data, from the cache or compressed now.
func (c *Chunked) chunk(data []byte) {
	if len(data) == 0 {
		return
	}
	key := sha256.Sum256(data)
	if z, ok := c.cache.get(key); ok {
		_, c.err = c.dst.Write(z)
		return
	}
	c.out.Reset()
	if c.enc == nil {
		c.enc = newWriter(&c.out)
	} else {
		c.enc.Reset(&c.out)
	}
	if _, c.err = c.enc.Write(data); c.err != nil {
		return
	}
	if c.err = c.enc.Flush(); c.err != nil {
		return
	}
	c.cache.put(key, c.out.Bytes())
	_, c.err = c.dst.Write(c.out.Bytes())
}

// Close writes the last chunk and the end of the DEFLATE data.
func (c *Chunked) Close() error {
	if c.err != nil {
		return c.err
	}
	c.chunk(c.buf)
	c.buf = c.buf[:0]
	if c.err == nil {
		_, c.err = c.dst.Write(finalBlock)
	}
	if c.err == nil {
		c.err = errClosed
		return nil
	}
	return c.err
}

var errClosed = errors.New("deflate: write after Close")

// ZipChunked makes z compress its Deflate entries with Chunked writers through cache (nil:
// none), which give the same bytes whether the cache holds their chunks or not.
func ZipChunked(z *zip.Writer, cache *ChunkCache) {
	z.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return NewChunked(w, cache), nil
	})
}

// ChunkCache holds compressed chunks by the SHA-256 of their bytes: those of the
// previous build, which this one takes from, and those this one wrote, which Encode
// keeps for the next. It stops taking new chunks past maxCacheBytes of them, so that a
// national site's open data (gigabytes of datasets) does not hold its compressed chunks
// twice in memory: the chunks past the cap are compressed by every build. Safe for
// concurrent use; a nil cache holds nothing.
type ChunkCache struct {
	mu     sync.Mutex
	prev   map[[32]byte][]byte
	cur    map[[32]byte][]byte
	size   int
	hits   int
	misses int
}

// maxCacheBytes is how many compressed bytes a ChunkCache keeps for the next build.
const maxCacheBytes = 64 << 20

// NewChunkCache returns an empty cache.
func NewChunkCache() *ChunkCache {
	return &ChunkCache{prev: map[[32]byte][]byte{}, cur: map[[32]byte][]byte{}}
}

func (c *ChunkCache) get(key [32]byte) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if z, ok := c.cur[key]; ok {
		return z, true // a chunk this build met already
	}
	z, ok := c.prev[key]
	if !ok {
		c.misses++
		return nil, false
	}
	c.hits++
	if c.size+len(z) <= maxCacheBytes {
		c.cur[key] = z
		c.size += len(z)
	}
	return z, true
}

func (c *ChunkCache) put(key [32]byte, z []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.cur[key]; !ok && c.size+len(z) <= maxCacheBytes {
		c.cur[key] = offheap.Copy(z) // kept until the cache is written, at the end of a build
		c.size += len(z)
	}
}

// Stats are how many distinct chunks were taken from the previous build's and how many
// were compressed.
func (c *ChunkCache) Stats() (hits, misses int) {
	if c == nil {
		return 0, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// chunkCacheMagic opens an encoded cache; the encoder's name (Name) follows it.
const chunkCacheMagic = "PSPMZCH\x01"

var errChunkCache = errors.New("deflate: corrupt chunk cache")

// Encode writes the chunks this build wrote or took, for DecodeChunkCache.
func (c *ChunkCache) Encode() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	keys := make([][32]byte, 0, len(c.cur))
	for k := range c.cur {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return cmp.Compare(string(a[:]), string(b[:])) })
	name := Name()
	buf := make([]byte, 0, len(chunkCacheMagic)+len(name)+16+c.size+len(keys)*(32+binary.MaxVarintLen32))
	buf = append(buf, chunkCacheMagic...)
	buf = binary.AppendUvarint(buf, uint64(len(name)))
	buf = append(buf, name...)
	buf = binary.AppendUvarint(buf, uint64(len(keys)))
	for _, k := range keys {
		buf = append(buf, k[:]...)
		buf = binary.AppendUvarint(buf, uint64(len(c.cur[k])))
		buf = append(buf, c.cur[k]...)
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
}

// DecodeChunkCache reads what Encode wrote, as the chunks of the previous build; the
// chunks are not copied out of data. A cache written by another encoder (another
// version or level: other bytes for the same chunk), or corrupt, is an error: the
// caller starts with an empty one. A chunk is trusted to be the compression of the
// bytes its key names: the cache must be one that pspm wrote, never one from the
// repository.
func DecodeChunkCache(data []byte) (*ChunkCache, error) {
	if len(data) < len(chunkCacheMagic)+4 || string(data[:len(chunkCacheMagic)]) != chunkCacheMagic {
		return nil, errChunkCache
	}
	body := data[:len(data)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, errChunkCache
	}
	b := body[len(chunkCacheMagic):]
	next := func() ([]byte, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return nil, false
		}
		v := b[k : k+int(n)]
		b = b[k+int(n):]
		return v, true
	}
	name, ok := next()
	if !ok || string(name) != Name() {
		return nil, errChunkCache
	}
	count, k := binary.Uvarint(b)
	if k <= 0 || count > uint64(len(b)/33) {
		return nil, errChunkCache
	}
	b = b[k:]
	c := NewChunkCache()
	for range count {
		if len(b) < 32 {
			return nil, errChunkCache
		}
		key := [32]byte(b[:32])
		b = b[32:]
		z, ok := next()
		if !ok {
			return nil, errChunkCache
		}
		c.prev[key] = z
	}
	if len(b) != 0 {
		return nil, errChunkCache
	}
	return c, nil
}
