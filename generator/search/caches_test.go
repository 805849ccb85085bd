package search_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"reflect"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
)

// TestTextCacheConvertsOnlyNewTexts: through a text cache kept from the previous build
// (encoded and decoded), the documents are the same, and only the texts that changed are
// converted; a cache of another version converts everything.
func TestTextCacheConvertsOnlyNewTexts(t *testing.T) {
	s, want := demoDocs(t)
	langs := []string{"it", "en"}
	var calls atomic.Int64
	md := markdown.New()
	plain := func(b []byte) (string, string) { calls.Add(1); return md.Plain(b) }

	c := search.NewTextCache()
	c.Next()
	if got := search.Documents(s, langs, c.Plainer(plain)); !reflect.DeepEqual(got, want) {
		t.Fatal("documents through an empty cache differ")
	}
	all := c.Converted()
	if all == 0 || int(calls.Load()) != all {
		t.Fatalf("converted %d, plain called %d times", all, calls.Load())
	}
	c, err := search.DecodeTextCache(c.Encode("v1"), "v1")
	if err != nil {
		t.Fatal(err)
	}

	// One proposal's text changes.
	p := s.Proposals[0]
	before := p.Text()
	p.SetText(p.Text() + "\n\nUna frase nuova, *in corsivo*.\n")
	defer func() { p.SetText(before) }()
	calls.Store(0)
	c.Next()
	got := search.Documents(s, langs, c.Plainer(plain))
	if c.Converted() != 1 || calls.Load() != 1 {
		t.Errorf("converted %d texts (plain called %d times), want 1", c.Converted(), calls.Load())
	}
	if !reflect.DeepEqual(got, search.Documents(s, langs, md.Plain)) {
		t.Error("documents through the cache differ from those made without it")
	}
	if _, err := search.DecodeTextCache(c.Encode("v1"), "v2"); err == nil {
		t.Error("a text cache of another version was accepted")
	}
}

// TestUpdateBundleIsTheColdBundle: a bundle updated from the one kept of another index
// (the documents before a change) is the bundle written from nothing, byte for byte, and
// keeps the files that did not change as they were.
func TestUpdateBundleIsTheColdBundle(t *testing.T) {
	_, docs := demoDocs(t)
	collect := func(x *search.Index, prev *search.BundleCache) (map[string][]byte, *search.BundleCache) {
		files := map[string][]byte{}
		_, next, err := search.UpdateBundle(x, prev, "v1", func(p string, data []byte) error { files[p] = data; return nil })
		if err != nil {
			t.Fatal(err)
		}
		return files, next
	}
	before, kept := collect(memIndex(t, docs), nil)
	kept, err := search.DecodeBundleCache(kept.Encode())
	if err != nil {
		t.Fatal(err)
	}
	next := slices.Clone(docs)
	next[len(next)/2].Title += " con un titolo nuovo"
	x := memIndex(t, next)
	got, kept := collect(x, kept)
	want := bundleFiles(t, x)
	// The same documents again: the kept files, as they were, without reading the index.
	var again map[string][]byte
	again, _ = collect(x, kept)
	var st search.BundleStats
	st, _, _ = search.UpdateBundle(x, kept, "v1", func(string, []byte) error { return nil })
	if st.Terms != 0 || len(again) != len(want) {
		t.Errorf("the bundle of the same documents was made again (%d terms read)", st.Terms)
	}
	for p, data := range want {
		if !bytes.Equal(again[p], data) {
			t.Errorf("%s kept differs from the cold bundle's", p)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%d files, the cold bundle has %d", len(got), len(want))
	}
	same := 0
	for p, data := range want {
		if !bytes.Equal(got[p], data) {
			t.Errorf("%s differs from the cold bundle's", p)
		}
		if bytes.Equal(before[p], data) {
			same++
		}
	}
	if same == 0 || same == len(want) {
		t.Errorf("%d of %d files unchanged: the change is not a small one", same, len(want))
	}
}

// TestUpdateBundleToWritesTheCacheAsItGoes: the cache UpdateBundleTo writes while it
// emits the files is the one UpdateBundle returns, encoded, whether the bundle is made
// or taken whole from the previous cache; a later update from it is the cold bundle; and
// a writer that fails part way stops being written to without failing the bundle.
func TestUpdateBundleToWritesTheCacheAsItGoes(t *testing.T) {
	_, docs := demoDocs(t)
	x := memIndex(t, docs)
	_, held, err := search.UpdateBundle(x, nil, "v1", func(string, []byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	want := held.Encode()
	for _, prev := range []*search.BundleCache{nil, held} {
		var kept bytes.Buffer
		files := map[string][]byte{}
		if _, err := search.UpdateBundleTo(x, prev, "v1", func(p string, data []byte) error { files[p] = data; return nil }, &kept); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(kept.Bytes(), want) {
			t.Fatalf("with previous cache %v: the cache written as the files went (%d bytes) is not the one held and encoded (%d bytes)", prev != nil, kept.Len(), len(want))
		}
		if len(files) != len(bundleFiles(t, x)) {
			t.Errorf("%d files emitted, the bundle has %d", len(files), len(bundleFiles(t, x)))
		}
	}
	c, err := search.DecodeBundleCache(want)
	if err != nil {
		t.Fatal(err)
	}
	next := slices.Clone(docs)
	next[0].Title += " con un titolo nuovo"
	y := memIndex(t, next)
	got := map[string][]byte{}
	if _, err := search.UpdateBundleTo(y, c, "v1", func(p string, data []byte) error { got[p] = data; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	cold := bundleFiles(t, y)
	if len(got) != len(cold) {
		t.Fatalf("%d files, the cold bundle has %d", len(got), len(cold))
	}
	for p, data := range cold {
		if !bytes.Equal(got[p], data) {
			t.Errorf("%s differs from the cold bundle's", p)
		}
	}
	broken := &failingWriter{after: len(want) / 2}
	n := 0
	if _, err := search.UpdateBundleTo(y, nil, "v1", func(string, []byte) error { n++; return nil }, broken); err != nil {
		t.Fatalf("a cache that cannot be written failed the bundle: %v", err)
	}
	if n != len(cold) || broken.failed == 0 || broken.calls != broken.failed {
		t.Errorf("%d files emitted of %d; the cache was written %d times after it failed", n, len(cold), broken.calls-broken.failed)
	}
}

// failingWriter takes after bytes, then fails every write.
type failingWriter struct {
	after, n      int
	calls, failed int
}

func (w *failingWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.n+len(p) > w.after {
		if w.failed == 0 {
			w.failed = w.calls
		}
		return 0, errors.New("disk full")
	}
	w.n += len(p)
	return len(p), nil
}

// FuzzSearchCaches feeds the decoders of the text and bundle caches arbitrary bytes, and
// the same with a correct checksum: they must never panic, and what they refuse is
// refused whole.
func FuzzSearchCaches(f *testing.F) {
	c := search.NewTextCache()
	c.Next()
	c.Plainer(func([]byte) (string, string) { return "s", "t" })([]byte("# x"))
	f.Add(c.Encode("v"))
	x, _, _ := search.Build("", []search.Document{{ID: "proposals/a", Type: "proposal", Lang: "it", Title: "rete", URL: "/a/"}})
	_, b, _ := search.UpdateBundle(x, nil, "v1", func(string, []byte) error { return nil })
	x.Close()
	f.Add(b.Encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		fixed := binary.LittleEndian.AppendUint32(slices.Clip(data), crc32.ChecksumIEEE(data))
		for _, d := range [][]byte{data, fixed} {
			if c, err := search.DecodeTextCache(d, "v"); err == nil {
				c.Next()
				c.Plainer(func([]byte) (string, string) { return "", "" })([]byte("# x"))
				_ = c.Encode("v")
			} else if c != nil {
				t.Fatal("a text cache with an error")
			}
			if b, err := search.DecodeBundleCache(d); err == nil {
				_ = b.Encode()
			} else if b != nil {
				t.Fatal("a bundle cache with an error")
			}
		}
	})
}
