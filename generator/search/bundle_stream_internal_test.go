package search

import (
	"path/filepath"
	"testing"
)

// The bundle's files are emitted as they are made and compressed, in order, rather than
// held until the last one is: however the compressors are scheduled, no more than
// maxQueuedFiles wait behind the first. The second bundle of the same index takes each file's
// compressed bytes from the first, so that no file is slow to compress and the order of
// the first emit does not wait on one.
func TestBundleFilesAreEmittedAsTheyAreMade(t *testing.T) {
	x, _, err := Build(filepath.Join(t.TempDir(), "search"), someDocs(600))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	_, prev, err := UpdateBundle(x, nil, "v", func(string, []byte) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	next := &BundleCache{version: "v", files: map[string]cachedFile{}}
	var w *bundleWriter
	emitted, firstQueued := 0, 0
	names := map[string]bool{}
	w, err = x.newBundleWriter(prev, next, func(name string, data []byte) error {
		emitted++
		if emitted == 1 {
			firstQueued = len(w.files) + 1 // the file emitted has left the queue
		}
		if names[name] {
			t.Errorf("%s emitted twice", name)
		}
		names[name] = true
		if c, ok := prev.file(name[len("search/"):]); !ok || string(c.data) != string(data) {
			t.Errorf("%s: not the bytes of the same bundle written before", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer w.r.Close()
	if err := w.write(); err != nil {
		t.Fatal(err)
	}
	if emitted != len(prev.order) || len(w.files) != 0 || len(next.order) != emitted {
		t.Fatalf("%d files emitted, %d cached, %d left queued; the bundle has %d", emitted, len(next.order), len(w.files), len(prev.order))
	}
	if emitted < 2*maxQueuedFiles || firstQueued > maxQueuedFiles+1 {
		t.Errorf("the first of %d files was emitted once %d were made: want it emitted before %d more wait behind it", emitted, firstQueued, maxQueuedFiles)
	}
}
