package generator

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/output"
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

// TestPageCacheLinesAreTheFormatOfEarlierBuilds: a cache written by an earlier pspm of
// the same format (one line per page: fingerprint and SHA-256 in lowercase hex, size,
// modification time, path; sorted by path) is read, and written back byte for byte.
func TestPageCacheLinesAreTheFormatOfEarlierBuilds(t *testing.T) {
	var fp [32]byte
	var sum [32]byte
	for i := range fp {
		fp[i], sum[i] = byte(i), byte(0xff-i)
	}
	c := &pageCacheFile{dest: "/srv/pub \"lic\"", pages: map[string]pageEntry{
		"z/index.html":     {fp: fp, size: 1234, mtime: 1733300000123456789, sum: sum},
		"a b/feed.xml":     {size: 0, mtime: -5},
		"proposals/p1.csv": {fp: sum, size: 9, mtime: 0, sum: fp},
	}}
	want := pageCacheHeader + "\n" + `dest "/srv/pub \"lic\""` + "\n" +
		"0000000000000000000000000000000000000000000000000000000000000000 0 -5 0000000000000000000000000000000000000000000000000000000000000000 a b/feed.xml\n" +
		"fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0 9 0 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f proposals/p1.csv\n" +
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 1234 1733300000123456789 fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0 z/index.html\n"
	if got := string(c.encode()); got != want {
		t.Fatalf("encoded:\n%s\nwant:\n%s", got, want)
	}
	back, err := decodePageCache([]byte(want))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.pages) != 3 || back.pages["z/index.html"] != c.pages["z/index.html"] || back.dest != c.dest {
		t.Fatalf("decoded %+v", back)
	}
}

// FuzzPageCacheDecodeAsLines: the cache is read in place, field by field; what it
// accepts, and what it makes of it, is what reading it line by line with bufio.Scanner
// and splitting each line into strings made of it (the reader of earlier releases,
// kept here as the reference).
func FuzzPageCacheDecodeAsLines(f *testing.F) {
	good := &pageCacheFile{dest: "/srv/public", pages: map[string]pageEntry{
		"index.html":              {size: 12, mtime: 1733300000000000000},
		"proposals/p1/index.html": {size: 0, mtime: -1},
		"en/tags/a b/index.html":  {size: 7},
	}}
	f.Add(good.encode())
	f.Add(bytes.ReplaceAll(good.encode(), []byte("\n"), []byte("\r\n")))
	f.Add(bytes.TrimSuffix(good.encode(), []byte("\n")))
	f.Add(append(good.encode(), '\n'))
	f.Add(bytes.Replace(good.encode(), []byte(" 12 "), []byte(" +12 "), 1))
	f.Add(bytes.Replace(good.encode(), []byte(" 12 "), []byte(" 1_2 "), 1))
	f.Add(bytes.Replace(good.encode(), []byte("00000000"), []byte("0000000A"), 1))
	f.Add([]byte(pageCacheHeader + "\ndest \"x\"\n" + "00 1 2 00 ../etc/passwd\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gerr := decodePageCache(data)
		want, werr := decodePageCacheAsLines(data)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("read in place: %v; line by line: %v", gerr, werr)
		}
		if gerr == nil && (got.dest != want.dest || !maps.Equal(got.pages, want.pages)) {
			t.Fatal("the two readers disagree on what the cache holds")
		}
	})
}

func decodePageCacheAsLines(data []byte) (*pageCacheFile, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxCacheLine)
	if !sc.Scan() || sc.Text() != pageCacheHeader {
		return nil, errors.New("not a page cache of this pspm")
	}
	if !sc.Scan() {
		return nil, errors.New("no destination")
	}
	q, ok := strings.CutPrefix(sc.Text(), "dest ")
	if !ok {
		return nil, errors.New("no destination")
	}
	dest, err := strconv.Unquote(q)
	if err != nil {
		return nil, err
	}
	c := &pageCacheFile{dest: dest, pages: map[string]pageEntry{}}
	unhexString := func(dst []byte, s string) error {
		if len(s) != 2*len(dst) || strings.ToLower(s) != s {
			return errors.New("want lower-case hexadecimal")
		}
		_, err := hex.Decode(dst, []byte(s))
		return err
	}
	for sc.Scan() {
		f := strings.SplitN(sc.Text(), " ", 5)
		if len(f) != 5 {
			return nil, errors.New("want 5 fields")
		}
		var e pageEntry
		if err := unhexString(e.fp[:], f[0]); err != nil {
			return nil, err
		}
		if e.size, err = strconv.ParseInt(f[1], 10, 64); err != nil || e.size < 0 {
			return nil, errors.New("bad size")
		}
		if e.mtime, err = strconv.ParseInt(f[2], 10, 64); err != nil {
			return nil, errors.New("bad time")
		}
		if err := unhexString(e.sum[:], f[3]); err != nil {
			return nil, err
		}
		if err := output.CheckPath(f[4]); err != nil {
			return nil, err
		}
		if _, dup := c.pages[f[4]]; dup {
			return nil, errors.New("twice")
		}
		c.pages[f[4]] = e
	}
	return c, sc.Err()
}

// TestPageCacheRefusesALineTooLong: a line longer than maxCacheLine (what bufio.Scanner
// refused when it read the cache) makes the whole cache ignored, as any other damage.
func TestPageCacheRefusesALineTooLong(t *testing.T) {
	good := &pageCacheFile{dest: "/srv/public", pages: map[string]pageEntry{"index.html": {size: 1}}}
	long := append(good.encode(), bytes.Repeat([]byte("a"), maxCacheLine+1)...)
	if _, err := decodePageCache(long); err == nil {
		t.Fatal("a cache with a line longer than the limit was read")
	}
	if _, err := decodePageCache(good.encode()); err != nil {
		t.Fatalf("the same cache without the long line: %v", err)
	}
}
