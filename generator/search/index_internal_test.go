package search

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

func someDocs(n int) []Document {
	docs := make([]Document, n)
	for i := range docs {
		docs[i] = Document{ID: fmt.Sprintf("proposals/p%03d", i), Type: "proposal", Lang: "it", Title: fmt.Sprintf("Proposta %d", i),
			Text: "Una proposta sui servizi digitali dei comuni.", URL: fmt.Sprintf("/proposals/p%03d/", i),
			Date: time.Date(2025, 1, 1+i%28, 0, 0, 0, 0, time.UTC), Tags: []string{"servizi"}}
	}
	return docs
}

// batchAndWait runs b and waits until it is on disk.
func batchAndWait(t *testing.T, x *Index, b *bleve.Batch) {
	t.Helper()
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := x.idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestAnotherMappingVersionRebuildsFromScratch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	docs := someDocs(30)
	x, _, err := Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	b := x.idx.NewBatch()
	b.SetInternal(keyVersion, []byte("1 0123"))
	batchAndWait(t, x, b)
	_ = x.Close()
	if r, err := Open(dir); err == nil {
		_ = r.Close()
		t.Error("Open accepts an index of another mapping")
	}
	x, st, err := Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if st.Rebuilt != "mapping changed" || st.Indexed != len(docs) || st.Documents != len(docs) {
		t.Errorf("stats %+v, want a rebuild because the mapping changed", st)
	}
}

func TestInterruptedBuildIsRebuilt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "search")
	docs := someDocs(30)
	x, _, err := Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	b := x.idx.NewBatch()
	b.DeleteInternal(keyHashes) // as a build does before changing the index
	batchAndWait(t, x, b)
	_ = x.Close()
	x, st, err := Build(dir, docs)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if st.Rebuilt == "" || st.Indexed != len(docs) {
		t.Errorf("stats %+v, want a rebuild", st)
	}
}

func TestHashesRoundTrip(t *testing.T) {
	docs := someDocs(3)
	var h []docHash
	for i := range docs {
		h = append(h, docHash{docs[i].ID, docs[i].hash(), -1})
	}
	got, err := decodeHashes(encodeHashes(h))
	if err != nil || len(got) != 3 || got[1] != h[1] {
		t.Errorf("decode(encode) = %v, %v", got, err)
	}
	if _, err := decodeHashes([]byte{200, 1, 'x'}); err == nil {
		t.Error("a damaged list decodes")
	}
}

func TestHashSeesEveryField(t *testing.T) {
	base := someDocs(1)[0]
	for name, change := range map[string]func(*Document){
		"title": func(d *Document) { d.Title += "x" }, "summary": func(d *Document) { d.Summary = "x" }, "text": func(d *Document) { d.Text += "x" },
		"status": func(d *Document) { d.Status = "open" }, "tags": func(d *Document) { d.Tags = []string{"a", "b"} },
		"tags split": func(d *Document) { d.Tags = []string{"ser", "vizi"} }, "versions": func(d *Document) { d.Versions = []string{"draft"} },
		"date": func(d *Document) { d.Date = d.Date.Add(time.Hour) }, "url": func(d *Document) { d.URL = "/x/" },
		"agid": func(d *Document) { d.AgID = []string{"OB.1"} }, "kind": func(d *Document) { d.Kind = "x" }, "body": func(d *Document) { d.Body = "x" },
		"lang": func(d *Document) { d.Lang = "en" }, "type": func(d *Document) { d.Type = "x" },
	} {
		d := base
		d.Tags = append([]string(nil), base.Tags...)
		change(&d)
		if d.hash() == base.hash() {
			t.Errorf("changing %s keeps the hash", name)
		}
	}
}

func TestUsesSyntax(t *testing.T) {
	for q, want := range map[string]bool{
		"servizi digitali": false, `"servizi digitali"`: true, "status:open": true, "title:rete": true, "ore 10:30": false,
		"colore:rosso": false, "+rete": true, "-rete comuni": true, "e-procurement": false, "rete~": true, "rete~2 comuni": true,
		"a ~ b": false, "tag:pnrr": true, "(status:open)": true, "co-progettazione": false,
	} {
		if got := usesSyntax(q); got != want {
			t.Errorf("usesSyntax(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestPrefixOf(t *testing.T) {
	for w, want := range map[string]string{"Digit": "digit", "dell'Univ": "univ", "Città,": "citta", "l’ac": "ac", "...": "", "E-gov": "e-gov"} {
		if got := prefixOf(w); got != want {
			t.Errorf("prefixOf(%q) = %q, want %q", w, got, want)
		}
	}
}
