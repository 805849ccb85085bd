package memlimit

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/offheap"
)

// TestSoftMemoryLimitFollowsTheLiveHeap: the limit starts at the floor and rises to
// twice the live heap when the live heap outgrows half of it.
func TestSoftMemoryLimitFollowsTheLiveHeap(t *testing.T) {
	const floor = 8 << 20
	softFor(t, floor)
	if got := debug.SetMemoryLimit(-1); got != floor {
		t.Fatalf("limit %d, want the floor %d", got, floor)
	}
	if got := debug.SetGCPercent(100); got != GCPercent {
		t.Errorf("GOGC %d under the limit, want %d", got, GCPercent)
	}
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		runtime.GC()
		if got := debug.SetMemoryLimit(-1); got >= 2*64<<20 {
			runtime.KeepAlive(live)
			return
		}
	}
	t.Fatalf("with 64 MiB live the limit stays at %d", debug.SetMemoryLimit(-1))
}

// TestSoftMemoryLimitLeavesGOMEMLIMIT: a limit the user set is kept.
func TestSoftMemoryLimitLeavesGOMEMLIMIT(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "3GiB")
	before := debug.SetMemoryLimit(-1)
	defer Soft(8 << 20)()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("limit %d, want %d unchanged", got, before)
	}
}

// TestSoftMemoryLimitLeavesGOGC: a GOGC the user set is kept.
func TestSoftMemoryLimitLeavesGOGC(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "150")
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	defer debug.SetGCPercent(debug.SetGCPercent(150))
	defer Soft(8 << 20)()
	if got := debug.SetGCPercent(150); got != 150 {
		t.Fatalf("GOGC %d, want the user's 150", got)
	}
}

// TestWhatIsHeldOutsideTheHeapCountsAgainstTheFloor: bytes copied outside the heap lower
// the limit the heap keeps under while the floor holds, never under a quarter of it.
func TestWhatIsHeldOutsideTheHeapCountsAgainstTheFloor(t *testing.T) {
	offheap.Enable()
	defer offheap.Disable()
	const floor = 1 << 30 // far above this test's live heap
	softFor(t, floor)
	held := offheap.Held()
	text := make([]byte, 48<<10)
	for range 64 << 20 / len(text) { // 64 MiB outside the heap
		_ = offheap.String(text)
	}
	want := int64(floor - uint64(offheap.Held()))
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if debug.SetMemoryLimit(-1) == want {
			break
		}
	}
	if got := debug.SetMemoryLimit(-1); got != want {
		t.Fatalf("with %d bytes outside the heap the limit is %d, want %d", offheap.Held()-held, got, want)
	}
	if got := under(floor, floor); got != floor/4 {
		t.Errorf("holding the floor outside the heap leaves %d to the heap, want a quarter of the floor", got)
	}
}

// softFor runs Soft(floor) with neither GOMEMLIMIT nor GOGC set, until the test ends, and
// then gives the process its collector's settings back.
func softFor(t *testing.T, floor uint64) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("GOGC", "")
	gogc := debug.SetGCPercent(-1)
	debug.SetGCPercent(gogc)
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { // after the watch has stopped
		debug.SetGCPercent(gogc)
		debug.SetMemoryLimit(before)
	})
	t.Cleanup(Soft(floor))
}

// TestLargestLiveFollowsTheLiveHeap: LargestLive reports a live heap that holds what the
// process keeps, and never less than it reported before.
func TestLargestLiveFollowsTheLiveHeap(t *testing.T) {
	keep := make([][]byte, 0, 64)
	for range 64 {
		keep = append(keep, make([]byte, 1<<20)) // 64 MiB, reachable
	}
	runtime.GC()
	got := LargestLive()
	if got < 64<<20 {
		t.Fatalf("LargestLive = %d bytes with 64 MiB reachable", got)
	}
	runtime.KeepAlive(keep)
	runtime.GC()
	if later := LargestLive(); later < got {
		t.Errorf("LargestLive went down from %d to %d", got, later)
	}
}

// TestSoftMemoryLimitComesDownWithTheLiveHeap: once a stage lets go of what it held, the
// limit follows the live heap of the last collections down again, so that a stage that
// held much for a while does not leave its room to the stages after it.
func TestSoftMemoryLimitComesDownWithTheLiveHeap(t *testing.T) {
	const floor = 8 << 20
	softFor(t, floor)
	held := make([][]byte, 64)
	for i := range held {
		held[i] = make([]byte, 1<<20)
	}
	waitLimit(t, "with 64 MiB live", func(l int64) bool { return l >= 2*64<<20 })
	runtime.KeepAlive(held)
	held = nil
	waitLimit(t, "once the 64 MiB are let go of", func(l int64) bool { return l < 64<<20 })
}

// waitLimit collects until the soft limit satisfies ok, or fails after 5 seconds.
func waitLimit(t *testing.T, when string, ok func(limit int64) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		runtime.GC()
		if ok(debug.SetMemoryLimit(-1)) {
			return
		}
	}
	t.Fatalf("%s the limit stays at %d", when, debug.SetMemoryLimit(-1))
}

func TestWindowKeepsTheLastCollections(t *testing.T) {
	var w window
	if w.largest() != 0 {
		t.Fatal("an empty window holds a live heap")
	}
	w.see(1, 100)
	w.see(1, 300) // the same collection, read again
	if got := w.largest(); got != 300 {
		t.Fatalf("largest %d after one collection read twice, want 300", got)
	}
	for c := uint64(2); c < 2+Recent-1; c++ {
		w.see(c, 10)
	}
	if got := w.largest(); got != 300 {
		t.Fatalf("largest %d with the 300 among the last %d, want 300", got, Recent)
	}
	w.see(2+Recent, 20)
	if got := w.largest(); got != 20 {
		t.Fatalf("largest %d once the 300 is older than the last %d collections, want 20", got, Recent)
	}
}
