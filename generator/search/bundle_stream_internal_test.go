package search

import (
	"crypto/sha256"
	"path/filepath"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/internal/deflate"
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

// TestBundleFilesWaitPastTheirBytes: past maxQueuedBytes of files waiting to be
// compressed and emitted, file waits for the first of them, however few they are.
func TestBundleFilesWaitPastTheirBytes(t *testing.T) {
	was := maxQueuedBytes
	maxQueuedBytes = 1000
	t.Cleanup(func() { maxQueuedBytes = was })
	var emitted []string
	w := &bundleWriter{emit: func(name string, _ []byte) error { emitted = append(emitted, name); return nil }, hash: sha256.New(), next: &BundleCache{files: map[string]cachedFile{}}, jobs: make(chan *bundleFile, 8)}
	w.file("1", make([]byte, 600)) // 600 bytes wait: file returns
	second := make(chan struct{})
	go func() {
		w.file("2", make([]byte, 600)) // 1,200 bytes would wait: file waits for the first
		close(second)
	}()
	first := <-w.jobs
	select {
	case <-second:
		t.Fatal("a file was queued past the bytes that may wait")
	case <-time.After(100 * time.Millisecond):
	}
	var enc deflate.Encoder
	w.compress(first, &enc)
	<-second
	if len(emitted) != 1 || emitted[0] != "search/1" || w.queued != 600 {
		t.Errorf("emitted %v, %d bytes waiting: want the first emitted and the second waiting", emitted, w.queued)
	}
	w.compress(<-w.jobs, &enc)
	if err := w.flush(); err != nil || len(emitted) != 2 || w.queued != 0 {
		t.Errorf("emitted %v, %d bytes waiting (%v)", emitted, w.queued, err)
	}
}
