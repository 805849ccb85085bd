// Package memlimit sets the collector of a pspm process (a build, pspm serve): a soft
// memory limit that follows the live heap, and GOGC under it.
package memlimit

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"

	"github.com/pspm-dev/pspm/generator/offheap"
)

// Floor is the heap a build keeps under while the site's live data is under half
// of it: a site of 10,000 proposals and 100,000 reactions builds in about 890 MB instead
// of 1.1 GB, for about 6% more time. 800 MiB rather than 850: that site's build over its
// previous output peaked at up to 1,010 MiB with 850, and at 824-845 MiB with 800, in
// the same time (alternated builds).
const Floor = 800 << 20

// GCPercent is the collector's GOGC while the soft memory limit holds: the heap may grow
// to five times the live heap before a collection, up to the limit, instead of twice.
// It counts only where the live heap is under a fifth of the limit: a build whose live
// heap is larger meets the limit first (a full build of 10,000 proposals meets the floor,
// and peaks at 946-965 MB with 400 as with 200). A build after one vote on that site,
// whose live heap is about 200 MB, collects when its heap reaches the floor rather than
// 600 MB: 3.0 s instead of 3.25 s (alternated builds), 850-870 MB at its peak instead of
// 770-840. 200 had done the same for a full build (7% less CPU than Go's 100).
const GCPercent = 400

// Soft sets Go's soft memory limit to floor (Floor for builds), then to twice the live
// heap of the last collections (Recent of them) whenever that is more, so that a bigger
// site gets what Go's default (GOGC=100) would give it and never a collector running
// without a pause. Below the limit the collector runs at GCPercent, unless GOGC is set.
// With GOMEMLIMIT set, it does nothing: the user chose. stop ends the watch.
//
// The limit follows the recent live heap rather than the largest ever: a stage that
// holds much for a while (the load's parsed files, the search bundle's export) would
// otherwise leave its room to every stage after it (at 100,000 proposals the load's end
// holds 933 MB, the index 500-580 MB, the render 800 MB rising to 1,150 MB at its end).
//
// What the process holds outside the heap (package offheap) counts against the floor,
// not against twice the live heap: the floor bounds the whole process, and bytes the
// collector never scans need no room to be collected in.
func Soft(floor uint64) (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(GCPercent)
	}
	limit := floor
	debug.SetMemoryLimit(int64(limit))
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var w window
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			cycles, live, ok := observe()
			if !ok {
				return
			}
			w.see(cycles, live)
			if next := max(2*w.largest(), under(floor, uint64(offheap.Held()))); next != limit {
				limit = next
				debug.SetMemoryLimit(int64(limit))
			}
		}
	}()
	return func() { close(done) }
}

// Recent is how many of the last collections the limit follows the live heap of.
const Recent = 4

// window holds the live heap at the end of the last Recent collections seen.
type window struct {
	cycle uint64 // the collection the latest live heap is of
	live  [Recent]uint64
	n     int // collections seen
}

// see notes the live heap after collection cycle; a cycle already seen updates its
// value (the watch reads every 20 ms, and a cycle may end between two reads).
func (w *window) see(cycle, live uint64) {
	if w.n > 0 && cycle == w.cycle {
		w.live[(w.n-1)%Recent] = live
		return
	}
	w.cycle = cycle
	w.live[w.n%Recent] = live
	w.n++
}

// largest is the largest live heap of the window.
func (w *window) largest() uint64 {
	m := uint64(0)
	for _, v := range w.live[:min(w.n, Recent)] {
		m = max(m, v)
	}
	return m
}

// largest is the largest live heap observed.
var largest atomic.Uint64

// observe reads the live heap (what the collector found reachable at the end of its last
// cycle) and how many cycles have ended, and keeps the live heap when it is the largest
// yet.
func observe() (cycles, live uint64, ok bool) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 || sample[1].Value.Kind() != metrics.KindUint64 {
		return 0, 0, false
	}
	live, cycles = sample[0].Value.Uint64(), sample[1].Value.Uint64()
	for {
		was := largest.Load()
		if live <= was || largest.CompareAndSwap(was, live) {
			return cycles, live, true
		}
	}
}

// LargestLive is the largest live heap of the process: the largest that Soft's watch saw
// (every 20 ms), or the live heap now if larger; 0 before the collector's first cycle.
func LargestLive() uint64 {
	observe()
	return largest.Load()
}

// under is the floor left to the heap when held bytes are outside it: never under a
// quarter of the floor, so that a process holding more outside than its floor still
// collects with some room.
func under(floor, held uint64) uint64 {
	if held > floor-floor/4 {
		return floor / 4
	}
	return floor - held
}
