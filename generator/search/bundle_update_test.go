package search_test

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pspm-dev/pspm/generator/search"
)

// TestUpdatedIndexBundleIsTheColdBundle: an index on disk brought up to date (a document
// removed, one whose tags, status and body changed, one added) gives the very bundle of
// an index built anew from the same documents, though bleve keeps in its dictionaries the
// keyword values that only the removed versions had.
func TestUpdatedIndexBundleIsTheColdBundle(t *testing.T) {
	_, docs := demoDocs(t)
	p := slices.IndexFunc(docs, func(d search.Document) bool { return d.Type == "proposal" })
	docs[p].Tags = append(slices.Clone(docs[p].Tags), "solo-qui") // a value no other document has
	dir := filepath.Join(t.TempDir(), "search")
	x, _, err := search.Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	x.Close()

	next := slices.Clone(docs)
	removed := next[0]
	next = next[1:]
	p-- // docs[0] is gone
	next[p].Tags = []string{"un-tag-nuovo"}
	next[p].Status = "accepted"
	next[p].Body = "un_ente_nuovo"
	added := removed
	added.ID += "-bis"
	next = append(next, added)

	x, st, err := search.Build(dir, next)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if st.Rebuilt != "" || st.Indexed != 2 || st.Deleted != 1 {
		t.Fatalf("not an update: %+v", st)
	}
	got, want := bundleFiles(t, x), bundleFiles(t, memIndex(t, next))
	for p, data := range want {
		if !bytes.Equal(got[p], data) {
			t.Errorf("%s differs from the cold bundle's", p)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, the cold bundle has %d", len(got), len(want))
	}
}
