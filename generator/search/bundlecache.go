package search

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"runtime"
	"strconv"

	"github.com/pspm-dev/pspm/generator/internal/deflate"
)

// BundleCache is a bundle as written (UpdateBundle): each compressed file by name, with
// the hash of what it compresses. The generator keeps it between builds in
// .pspm/cache/bundle.bin, so that a build after a few changes compresses only the files
// they changed.
type BundleCache struct {
	version string   // of the pspm that wrote it (see UpdateBundle)
	docs    [32]byte // the hash of the index's list of documents and their hashes; zero when unknown
	order   []string // the files, in the order they were emitted (meta.json last)
	files   map[string]cachedFile
	// enc, when set, receives each file added, which the cache then does not hold
	// (UpdateBundleTo): a bundle's compressed files were 120-190 MB at 100,000 proposals,
	// held until the last was made, and as much again to encode them.
	enc *bundleEncoder
}

// add keeps a file emitted, or encodes it when the cache is written as it is made.
func (c *BundleCache) add(name string, f cachedFile) {
	if c.enc != nil {
		c.enc.file(name, f)
		return
	}
	c.order = append(c.order, name)
	c.files[name] = f
}

// bundleEncoder writes a bundle cache as its files come: the header, the files, and on
// end the terminator and the checksum of all that.
type bundleEncoder struct {
	w   io.Writer
	crc hash.Hash32
	buf []byte
	err error
}

// newBundleEncoder writes the header of the cache of c to w.
func newBundleEncoder(w io.Writer, c *BundleCache) *bundleEncoder {
	e := &bundleEncoder{w: w, crc: crc32.NewIEEE()}
	e.buf = append(e.buf, bundleCacheMagic...)
	e.buf = appendString(e.buf, bundleCacheVersion())
	e.buf = appendString(e.buf, c.version)
	e.buf = append(e.buf, c.docs[:]...)
	e.put(nil)
	return e
}

// put writes what buf holds, then p.
func (e *bundleEncoder) put(p []byte) {
	if e.w == io.Discard {
		e.buf = e.buf[:0]
		return
	}
	for _, b := range [][]byte{e.buf, p} {
		if e.err == nil && len(b) > 0 {
			e.crc.Write(b)
			_, e.err = e.w.Write(b)
		}
	}
	e.buf = e.buf[:0]
}

func (e *bundleEncoder) file(name string, f cachedFile) {
	if name == "" { // the terminator
		e.err = errors.New("search: a bundle file without a name")
	}
	e.buf = appendString(e.buf, name)
	e.buf = append(e.buf, f.sum[:]...)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(f.data)))
	e.put(f.data)
}

// end writes the terminator and the checksum, and says whether all was written.
func (e *bundleEncoder) end() error {
	e.buf = appendString(e.buf, "")
	e.put(nil)
	if e.err == nil {
		_, e.err = e.w.Write(binary.LittleEndian.AppendUint32(nil, e.crc.Sum32()))
	}
	return e.err
}

// emit emits the files of c again, as UpdateBundle emitted them, and adds them to next.
func (c *BundleCache) emit(emit func(string, []byte) error, next *BundleCache) (BundleStats, error) {
	var st BundleStats
	for _, name := range c.order {
		f := c.files[name]
		st.Files++
		st.Bytes += int64(len(f.data))
		if err := emit("search/"+name, f.data); err != nil {
			return st, err
		}
		next.add(name, f)
	}
	return st, nil
}

type cachedFile struct {
	sum  [32]byte // SHA-256 of the file before compression
	data []byte   // compressed, as emitted
}

// file is the cached file name; a nil cache has none.
func (c *BundleCache) file(name string) (cachedFile, bool) {
	if c == nil {
		return cachedFile{}, false
	}
	f, ok := c.files[name]
	return f, ok
}

// bundleCacheMagic opens bundle.bin; the bundle's format version, the compressor and Go's
// version follow: another compressor may write other bytes. Then the version of pspm and
// the documents' hash, each file (its name, the SHA-256 of its bytes, its compressed
// bytes), an empty name, and the CRC-32 of all before it.
const bundleCacheMagic = "PSPMBDL\x02"

var errBundleCache = errors.New("search: corrupt bundle cache")

func bundleCacheVersion() string {
	return strconv.Itoa(BundleVersion) + " " + deflate.Name() + " " + runtime.Version()
}

// Encode writes the cache.
func (c *BundleCache) Encode() []byte {
	size := len(bundleCacheMagic) + 128 + len(c.version)
	for name, f := range c.files {
		size += len(name) + 32 + len(f.data) + 2*binary.MaxVarintLen32
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	e := newBundleEncoder(buf, c)
	for _, name := range c.order {
		e.file(name, c.files[name])
	}
	e.end() // a bytes.Buffer takes all
	return buf.Bytes()
}

// DecodeBundleCache reads what Encode wrote. A cache of another bundle format or
// compressor, or corrupt, is an error: the caller compresses every file.
func DecodeBundleCache(data []byte) (*BundleCache, error) {
	if len(data) < len(bundleCacheMagic)+4 || string(data[:len(bundleCacheMagic)]) != bundleCacheMagic {
		return nil, errBundleCache
	}
	body := data[:len(data)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, errBundleCache
	}
	r := cacheReader{data: body[len(bundleCacheMagic):]}
	if r.string() != bundleCacheVersion() || r.err != nil {
		return nil, errBundleCache
	}
	c := &BundleCache{version: r.string()}
	copy(c.docs[:], r.bytes(32))
	c.files = map[string]cachedFile{}
	for r.err == nil {
		name := r.string()
		if name == "" {
			break
		}
		var f cachedFile
		copy(f.sum[:], r.bytes(32))
		f.data = r.bytes(r.uvarint())
		if _, dup := c.files[name]; dup || r.err != nil {
			return nil, errBundleCache
		}
		c.add(name, f)
	}
	if r.err != nil || len(r.data) != 0 {
		return nil, errBundleCache
	}
	return c, nil
}
