package search_test

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
)

// batches gives docs to a BuildEach in batches of n.
func batches(docs []search.Document, n int) func(func([]search.Document) error) error {
	return func(batch func([]search.Document) error) error {
		for d := range slices.Chunk(docs, n) {
			if err := batch(slices.Clone(d)); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestEachDocumentMakesTheDocumentsInBatches: the batches of EachDocument, one after the
// other, are the documents of Documents; each but the last holds at least n documents
// and at most n plus one item's; an item is never apart from its translations; an error
// of fn stops the documents and is returned.
func TestEachDocumentMakesTheDocumentsInBatches(t *testing.T) {
	s, want := demoDocs(t)
	res, _ := demoOnce()
	langs := res.Config.Languages
	md := markdown.New()
	for _, n := range []int{1, 7, 50} {
		var got []search.Document
		var sizes []int
		err := search.EachDocument(s, langs, search.Plainer(md.Plain).Converter(), n, func(docs []search.Document) error {
			sizes = append(sizes, len(docs))
			got = append(got, docs...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("n=%d: the batches are not the documents", n)
		}
		if len(sizes) < len(want)/(n+len(langs)+20) {
			t.Errorf("n=%d: %d batches for %d documents", n, len(sizes), len(want))
		}
		for i, size := range sizes[:len(sizes)-1] {
			if size < n {
				t.Errorf("n=%d: batch %d holds %d documents", n, i, size)
			}
		}
		// A translation ("<id>/<lang>") is in its item's batch.
		at := 0
		for _, size := range sizes {
			batch := got[at : at+size]
			at += size
			for _, d := range batch {
				if d.Lang == langs[0] || !strings.HasSuffix(d.ID, "/"+d.Lang) {
					continue
				}
				item := strings.TrimSuffix(d.ID, "/"+d.Lang)
				if !slices.ContainsFunc(batch, func(o search.Document) bool { return o.ID == item }) && slices.ContainsFunc(want, func(o search.Document) bool { return o.ID == item }) {
					t.Errorf("n=%d: %s is not in the batch of %s", n, d.ID, item)
				}
			}
		}
	}

	stop := errors.New("full")
	calls := 0
	err := search.EachDocument(s, langs, search.Plainer(md.Plain).Converter(), 5, func([]search.Document) error {
		calls++
		return stop
	})
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("after an error: %v, fn called %d times", err, calls)
	}
}

// TestBuildEachIsBuild: an index built and updated batch by batch holds what Build
// makes of the same documents; the documents a batch does not change are not indexed
// again, those no batch has are deleted, and two documents with one ID in different
// batches are refused.
func TestBuildEachIsBuild(t *testing.T) {
	_, docs := demoDocs(t)
	whole := memIndex(t, docs)
	dir := filepath.Join(t.TempDir(), "search")
	x, st, err := search.BuildEach(dir, batches(docs, 9))
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed != len(docs) || st.Documents != len(docs) {
		t.Errorf("batches of 9: %+v", st)
	}
	for _, q := range []string{"servizi digitali", "interoperabilità", "cloud"} {
		r := search.Request{Q: q, Size: 50}
		if got, want := ids(find(t, x, r)), ids(find(t, whole, r)); !slices.Equal(got, want) {
			t.Errorf("%q: built in batches %v, whole %v", q, got, want)
		}
	}
	_ = x.Close()

	changed := slices.Clone(docs)
	changed[len(changed)-2].Text += " zanzibar"
	changed = slices.Delete(changed, 4, 5)
	x, st, err = search.BuildEach(dir, batches(changed, 9))
	if err != nil {
		t.Fatal(err)
	}
	if st.Indexed != 1 || st.Deleted != 1 || st.Documents != len(docs)-1 {
		t.Errorf("one changed, one removed, in batches: %+v", st)
	}
	if got := ids(find(t, x, search.Request{Q: "zanzibar"})); !slices.Equal(got, []string{changed[len(changed)-2].ID}) {
		t.Errorf("zanzibar finds %v", got)
	}
	_ = x.Close()

	twice := append(slices.Clone(docs[:10]), docs[0])
	if x, _, err := search.BuildEach(dir, batches(twice, 4)); err == nil || !strings.Contains(err.Error(), docs[0].ID) {
		_ = x.Close()
		t.Errorf("one ID in two batches: %v", err)
	}
	// Whatever the refused build left (an index without its list, which the next build
	// rebuilds, or the one before it), the next build makes the documents' index.
	x, st, err = search.BuildEach(dir, batches(docs, 9))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if st.Documents != len(docs) || st.Indexed < 2 {
		t.Errorf("after a refused build: %+v", st)
	}
	r := search.Request{Q: "servizi digitali", Size: 50}
	if got, want := ids(find(t, x, r)), ids(find(t, whole, r)); !slices.Equal(got, want) {
		t.Errorf("after a refused build: %v, want %v", got, want)
	}
	if got := ids(find(t, x, search.Request{Q: "zanzibar"})); len(got) != 0 {
		t.Errorf("zanzibar still finds %v", got)
	}

	stop := errors.New("no more")
	if _, _, err := search.BuildEach("", func(func([]search.Document) error) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("an error of the documents: %v", err)
	}
}

// spillTo makes a spilling text cache write to buf, counting the files it opens.
func spillTo(c *search.TextCache, buf *bytes.Buffer, opened *int) {
	c.Spill("v1", func() (io.Writer, error) {
		*opened++
		buf.Reset()
		return buf, nil
	})
}

// TestSpilledTextCacheIsTheEncodedOne: a text cache that spills keeps no text but the
// summaries, and its file is read as the cache Encode writes: the next build takes every
// text from it. A build that converts and drops nothing writes no file; one that drops a
// text or converts a new one writes a whole file again.
func TestSpilledTextCacheIsTheEncodedOne(t *testing.T) {
	s, want := demoDocs(t)
	res, _ := demoOnce()
	langs := res.Config.Languages
	md := markdown.New()
	var calls atomic.Int64
	plain := func(b []byte) (string, string) { calls.Add(1); return md.Plain(b) }
	docs := func(c *search.TextCache) []search.Document {
		var out []search.Document
		if err := search.EachDocument(s, langs, c.Converter(plain), 10, func(d []search.Document) error {
			out = append(out, d...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}

	var file bytes.Buffer
	opened := 0
	c := search.NewTextCache()
	c.Next()
	spillTo(c, &file, &opened)
	if got := docs(c); !reflect.DeepEqual(got, want) {
		t.Fatal("the documents through a spilling cache differ")
	}
	if wrote, err := c.Finish(); !wrote || err != nil || opened != 1 {
		t.Fatalf("first build: wrote %v, %v, %d files opened", wrote, err, opened)
	}
	all := c.Converted()
	if all == 0 || calls.Load() < int64(all) {
		// More calls than texts: a Markdown met again in a later batch is converted again.
		t.Errorf("converted %d, plain called %d times", all, calls.Load())
	}
	if n := len(c.Summaries()); n != all {
		t.Errorf("%d summaries kept for %d texts", n, all)
	}
	enc := search.NewTextCache()
	enc.Next()
	docs(enc)
	fromEncode, err := search.DecodeTextCache(enc.Encode("v1"), "v1")
	if err != nil {
		t.Fatal(err)
	}
	fromSpill, err := search.DecodeTextCache(file.Bytes(), "v1")
	if err != nil {
		t.Fatalf("the spilled file is not a text cache: %v", err)
	}
	fromEncode.Next()
	fromSpill.Next()
	// Both hold the same texts: each encodes to the same bytes once it has taken them all.
	docs(fromEncode)
	calls.Store(0)
	spillTo(fromSpill, &file, &opened)
	if got := docs(fromSpill); !reflect.DeepEqual(got, want) || calls.Load() != 0 {
		t.Fatalf("documents through the spilled file differ, or %d texts converted", calls.Load())
	}
	if wrote, err := fromSpill.Finish(); wrote || err != nil || opened != 1 {
		t.Errorf("nothing changed: wrote %v, %v, %d files opened", wrote, err, opened)
	}

	// One text changes: the file is written again, whole.
	p := s.Proposals[0]
	before := p.Text()
	p.SetText(p.Text() + "\n\nUna frase nuova, *in corsivo*.\n")
	defer func() { p.SetText(before) }()
	c, err = search.DecodeTextCache(fromEncode.Encode("v1"), "v1")
	if err != nil {
		t.Fatal(err)
	}
	c.Next()
	spillTo(c, &file, &opened)
	calls.Store(0)
	docs(c)
	if wrote, err := c.Finish(); !wrote || err != nil || opened != 2 || calls.Load() != 1 || c.Converted() != 1 {
		t.Errorf("one text changed: wrote %v, %v, %d files opened, %d converted", wrote, err, opened, calls.Load())
	}
	next, err := search.DecodeTextCache(file.Bytes(), "v1")
	if err != nil {
		t.Fatal(err)
	}
	next.Next()
	calls.Store(0)
	if got := search.Documents(s, langs, next.Plainer(plain)); calls.Load() != 0 || !reflect.DeepEqual(got, search.Documents(s, langs, md.Plain)) {
		t.Errorf("after the change the file converts %d texts again, or its documents differ", calls.Load())
	}

	// A proposal goes: the file is written without its texts.
	p.SetText(before)
	c, _ = search.DecodeTextCache(fromEncode.Encode("v1"), "v1")
	c.Next()
	spillTo(c, &file, &opened)
	proposals := s.Proposals
	s.Proposals = proposals[1:]
	calls.Store(0)
	docs(c)
	s.Proposals = proposals
	if wrote, err := c.Finish(); !wrote || err != nil || opened != 3 || calls.Load() != 0 {
		t.Errorf("one proposal dropped: wrote %v, %v, %d files opened, %d converted", wrote, err, opened, calls.Load())
	}
	fewer, err := search.DecodeTextCache(file.Bytes(), "v1")
	if err != nil {
		t.Fatal(err)
	}
	fewer.Next()
	calls.Store(0)
	docs(fewer)
	if n := calls.Load(); n == 0 || n > 1+int64(len(langs))*2 {
		t.Errorf("with the proposal back, %d texts converted, want its own", calls.Load())
	}
}
