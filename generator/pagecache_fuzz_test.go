package generator

import (
	"bytes"
	"testing"
)

// FuzzPageCacheDecode: the page cache is read from the site folder, where anything may
// have written it. Decoding never panics; what it accepts holds only paths inside the
// destination, and encodes back to a cache that decodes to the same pages.
func FuzzPageCacheDecode(f *testing.F) {
	good := &pageCacheFile{dest: "/srv/public", pages: map[string]pageEntry{
		"index.html":                     {size: 12, mtime: 1733300000000000000},
		"proposals/p1/index.html":        {size: 0, mtime: -1},
		"en/tags/dati aperti/index.html": {size: 7},
	}}
	f.Add(good.encode())
	f.Add([]byte(pageCacheHeader + "\ndest \"x\"\nnonsense\n"))
	f.Add([]byte(pageCacheHeader + "\ndest \"x\"\n" + "00 1 2 00 ../etc/passwd\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodePageCache(data)
		if err != nil {
			return
		}
		again, err := decodePageCache(c.encode())
		if err != nil {
			t.Fatalf("an accepted cache does not decode once encoded: %v", err)
		}
		if !bytes.Equal(again.encode(), c.encode()) || again.dest != c.dest || len(again.pages) != len(c.pages) {
			t.Fatal("the cache changed through encoding")
		}
	})
}
