package deflate

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"testing"
)

// chunked compresses data through a Chunked writer with cache, in writes of the sizes
// sizes gives (one write when nil).
func chunked(t testing.TB, data []byte, cache *ChunkCache, sizes func() int) []byte {
	t.Helper()
	var out bytes.Buffer
	c := NewChunked(&out, cache)
	for rest := data; len(rest) > 0; {
		n := len(rest)
		if sizes != nil {
			n = min(n, max(1, sizes()))
		}
		if k, err := c.Write(rest[:n]); err != nil || k != n {
			t.Fatalf("Write: %d of %d, %v", k, n, err)
		}
		rest = rest[n:]
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func inflate(t testing.TB, z []byte) []byte {
	t.Helper()
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(z)))
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	return got
}

// bigSample is sample sixteen times over (6 MB), a dataset of a dozen chunks.
func bigSample() []byte { return bytes.Repeat(sample(), 16) }

func TestChunkedIsTheSameBytesHoweverItIsWritten(t *testing.T) {
	data := bigSample()
	whole := chunked(t, data, nil, nil)
	if got := inflate(t, whole); !bytes.Equal(got, data) {
		t.Fatalf("inflated %d bytes, want the %d written", len(got), len(data))
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for name, sizes := range map[string]func() int{
		"a byte at a time": func() int { return 1 },
		"random writes":    func() int { return rng.IntN(3000) },
		"large writes":     func() int { return 100000 + rng.IntN(300000) },
	} {
		if got := chunked(t, data, nil, sizes); !bytes.Equal(got, whole) {
			t.Errorf("%s: %d bytes, not the %d of one write", name, len(got), len(whole))
		}
	}
	// The chunks cost little: within 3% of the whole compressed at once.
	var enc Encoder
	one, err := enc.Compress(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) > len(one)*103/100 {
		t.Errorf("chunked: %d bytes, compressed at once: %d", len(whole), len(one))
	}
}

func TestChunkCacheGivesTheChunksThatDidNotChange(t *testing.T) {
	data := bigSample()
	first := NewChunkCache()
	want := chunked(t, data, first, nil)
	hits, chunks := first.Stats()
	if hits != 0 || chunks < 10 {
		t.Fatalf("first build: %d hits, %d chunks; want none and at least 10", hits, chunks)
	}
	// A line added in the middle and one changed near the end.
	lines := bytes.SplitAfter(data, []byte("\n"))
	mid, late := len(lines)/2, len(lines)*9/10
	lines[late] = []byte(`{"id":"p-99999","title":"cambiata","votes":1,"status":"open"},` + "\n")
	edited := bytes.Join(append(lines[:mid:mid], append([][]byte{[]byte(`{"id":"nuova"},` + "\n")}, lines[mid:]...)...), nil)

	next, err := DecodeChunkCache(first.Encode())
	if err != nil {
		t.Fatal(err)
	}
	got := chunked(t, edited, next, nil)
	if fresh := chunked(t, edited, nil, nil); !bytes.Equal(got, fresh) {
		t.Fatal("the bytes made through the cache are not those made without it")
	}
	if !bytes.Equal(inflate(t, got), edited) {
		t.Fatal("does not inflate to the edited data")
	}
	hits, misses := next.Stats()
	if misses > 4 || hits < chunks-4 {
		t.Errorf("after two edits: %d chunks taken from the cache, %d compressed (of %d)", hits, misses, chunks)
	}
	// What the second build used is what it keeps: the same data again compresses nothing.
	third, err := DecodeChunkCache(next.Encode())
	if err != nil {
		t.Fatal(err)
	}
	chunked(t, edited, third, nil)
	if _, misses := third.Stats(); misses != 0 {
		t.Errorf("the same data a third time compressed %d chunks", misses)
	}
	if bytes.Equal(got, want) {
		t.Error("the edited data compressed to the same bytes")
	}
}

func TestChunkedCutsLinesLongerThanAChunk(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 3*maxChunk+123)
	for i := range data {
		data[i] = "abcdefgh"[rng.IntN(8)] // no line ends
	}
	cache := NewChunkCache()
	z := chunked(t, data, cache, func() int { return rng.IntN(70000) })
	if !bytes.Equal(inflate(t, z), data) {
		t.Fatal("does not inflate to the data")
	}
	if _, misses := cache.Stats(); misses != 4 {
		t.Errorf("%d chunks, want 4 (three of %d bytes and the rest)", misses, maxChunk)
	}
	data[len(data)-1] = 'z'
	next, _ := DecodeChunkCache(cache.Encode())
	chunked(t, data, next, nil)
	if hits, misses := next.Stats(); hits != 3 || misses != 1 {
		t.Errorf("after the last byte changed: %d chunks from the cache, %d compressed; want 3 and 1", hits, misses)
	}
}

func TestChunkedOfNothingIsAnEmptyStream(t *testing.T) {
	z := chunked(t, nil, nil, nil)
	if got := inflate(t, z); len(got) != 0 {
		t.Fatalf("inflated %q", got)
	}
}

func TestZipChunkedEntriesAreReadable(t *testing.T) {
	data := bigSample()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	ZipChunked(z, NewChunkCache())
	w, err := z.CreateHeader(&zip.FileHeader{Name: "votes.json", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	r, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r) // checks the CRC-32 too
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes (%v), want the %d written", len(got), err, len(data))
	}
}

func TestDecodeChunkCacheRefusesWhatItDidNotWrite(t *testing.T) {
	c := NewChunkCache()
	chunked(t, bigSample(), c, nil)
	data := c.Encode()
	if _, err := DecodeChunkCache(data); err != nil {
		t.Fatalf("its own encoding: %v", err)
	}
	flipped := bytes.Clone(data)
	flipped[len(flipped)/2] ^= 1
	other := bytes.Replace(bytes.Clone(data[:len(data)-4]), []byte("level 8"), []byte("level 9"), 1)
	other = append(other, 0, 0, 0, 0)
	for name, bad := range map[string][]byte{
		"empty":           nil,
		"truncated":       data[:len(data)/2],
		"a byte changed":  flipped,
		"another encoder": other,
		"another format":  append([]byte("PSPMZCH\x02"), data[8:]...),
	} {
		if _, err := DecodeChunkCache(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

// FuzzChunked: whatever the data and however it is written, the chunks inflate back to
// it and are the bytes of one write; through a cache of the same data, every chunk is
// taken and the bytes are the same.
func FuzzChunked(f *testing.F) {
	f.Add([]byte("riga uno\nriga due\n"), uint16(7), uint16(3))
	f.Add([]byte("\n\n\n"), uint16(1), uint16(1))
	f.Add([]byte("senza fine riga"), uint16(1000), uint16(5000))
	f.Fuzz(func(t *testing.T, unit []byte, repeat, step uint16) {
		if len(unit) == 0 || len(unit) > 4096 {
			return
		}
		data := bytes.Repeat(unit, 1+int(repeat)%(600000/len(unit)))
		whole := chunked(t, data, nil, nil)
		if !bytes.Equal(inflate(t, whole), data) {
			t.Fatal("does not inflate to the data")
		}
		cache := NewChunkCache()
		if got := chunked(t, data, cache, func() int { return 1 + int(step) }); !bytes.Equal(got, whole) {
			t.Fatal("written in steps: other bytes")
		}
		next, err := DecodeChunkCache(cache.Encode())
		if err != nil {
			t.Fatal(err)
		}
		if got := chunked(t, data, next, nil); !bytes.Equal(got, whole) {
			t.Fatal("through the cache: other bytes")
		}
		if _, misses := next.Stats(); misses != 0 {
			t.Fatalf("through the cache of the same data: %d chunks compressed", misses)
		}
	})
}

// FuzzDecodeChunkCache: a cache file is read before the build knows whether it was
// committed (then it is not used), so any bytes must decode or be refused, never crash;
// what decodes encodes back to a cache that decodes to the same chunks.
func FuzzDecodeChunkCache(f *testing.F) {
	c := NewChunkCache()
	chunked(f, bytes.Repeat([]byte("riga di prova\n"), 60000), c, nil)
	f.Add(c.Encode())
	f.Add(NewChunkCache().Encode())
	f.Add([]byte(chunkCacheMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeChunkCache(data)
		if err != nil {
			// The same bytes with a checksum that holds: past the check, into the parse.
			if len(data) >= 4 {
				data = binary.LittleEndian.AppendUint32(bytes.Clone(data[:len(data)-4]), crc32.ChecksumIEEE(data[:len(data)-4]))
			}
			if c, err = DecodeChunkCache(data); err != nil {
				return
			}
		}
		for k, z := range c.prev {
			c.cur[k] = z
		}
		again, err := DecodeChunkCache(c.Encode())
		if err != nil {
			t.Fatalf("the encoding of a decoded cache does not decode: %v", err)
		}
		if len(again.prev) != len(c.prev) {
			t.Fatalf("%d chunks, then %d", len(c.prev), len(again.prev))
		}
		for k, z := range c.prev {
			if !bytes.Equal(again.prev[k], z) {
				t.Fatalf("chunk %x changed", k[:4])
			}
		}
	})
}
