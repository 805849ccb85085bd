package generator

import (
	"testing"
	"time"
)

// TestIndexerWaitsForQuiet: a full update of pspm serve's search index (a job that
// waits for quiet, as reindex's do) waits while a rebuild runs and until none has run
// for the delay, and gives way to a newer full update, not to a partial one.
func TestIndexerWaitsForQuiet(t *testing.T) {
	ix := newIndexer()
	defer ix.close()
	const d = 20 * time.Millisecond
	got := make(chan bool, 1)
	started := make(chan struct{}, 1)
	waiting := func() { started <- struct{}{}; got <- ix.quiet(d) }
	result := func() bool {
		select {
		case ok := <-got:
			return ok
		case <-time.After(10 * time.Second):
			t.Fatal("quiet never returned")
			return false
		}
	}

	ix.rebuild(true)
	ix.add(waiting, true)
	<-started
	select {
	case ok := <-got:
		t.Fatalf("quiet returned %v while a rebuild runs", ok)
	case <-time.After(10 * d):
	}
	ix.rebuild(false)
	if ok := result(); !ok {
		t.Fatal("quiet gave up after the rebuild ended, with no newer update")
	}

	// A newer full update queued while one waits: the waiting one is useless.
	ix.rebuild(true)
	ix.add(waiting, true)
	<-started
	ran := make(chan struct{})
	ix.add(func() { close(ran) }, true)
	if ok := result(); ok {
		t.Fatal("a waiting full update did not give way to a newer one")
	}
	ix.rebuild(false)
	<-ran

	// A partial update queued meanwhile does not make a full one useless.
	ix.rebuild(true)
	ix.add(waiting, true)
	<-started
	ix.add(func() {}, false)
	ix.rebuild(false)
	if ok := result(); !ok {
		t.Fatal("a waiting full update gave way to a partial one")
	}
}
