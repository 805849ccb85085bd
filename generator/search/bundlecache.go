package search

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
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
}

// add keeps a file emitted.
func (c *BundleCache) add(name string, f cachedFile) {
	c.order = append(c.order, name)
	c.files[name] = f
}

// emit emits the files of c again, as UpdateBundle emitted them.
func (c *BundleCache) emit(emit func(string, []byte) error) (BundleStats, *BundleCache, error) {
	var st BundleStats
	for _, name := range c.order {
		f := c.files[name]
		st.Files++
		st.Bytes += int64(len(f.data))
		if err := emit("search/"+name, f.data); err != nil {
			return st, nil, err
		}
	}
	return st, c, nil
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
// version follow: another compressor may write other bytes.
const bundleCacheMagic = "PSPMBDL\x01"

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
	buf := make([]byte, 0, size)
	buf = append(buf, bundleCacheMagic...)
	buf = appendString(buf, bundleCacheVersion())
	buf = appendString(buf, c.version)
	buf = append(buf, c.docs[:]...)
	buf = binary.AppendUvarint(buf, uint64(len(c.order)))
	for _, name := range c.order {
		f := c.files[name]
		buf = appendString(buf, name)
		buf = append(buf, f.sum[:]...)
		buf = binary.AppendUvarint(buf, uint64(len(f.data)))
		buf = append(buf, f.data...)
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf))
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
	n := r.uvarint()
	if r.err != nil || n > uint64(len(r.data))/34 {
		return nil, errBundleCache
	}
	c.files = make(map[string]cachedFile, n)
	c.order = make([]string, 0, n)
	for range n {
		name := r.string()
		var f cachedFile
		copy(f.sum[:], r.bytes(32))
		f.data = r.bytes(r.uvarint())
		if _, dup := c.files[name]; dup || r.err != nil {
			return nil, errBundleCache
		}
		c.add(name, f)
	}
	if len(r.data) != 0 {
		return nil, errBundleCache
	}
	return c, nil
}
