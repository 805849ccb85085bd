package generator

import (
	"github.com/pspm-dev/pspm/generator/diag"
	"strconv"
	"time"

	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

// BuildBeforeRender runs Build's stages up to the search bundle and stops before the
// pages: the part of a build that the caches of load and search make incremental.
func BuildBeforeRender(o Options) (*Result, error) {
	o.beforeRender = true
	return Build(o, output.Discard{})
}

// CacheVersion is what tells this pspm's caches from another's.
var CacheVersion = cacheVersion

// SetBundleBesideUpTo sets how many proposals and practices a site may have for its search
// bundle to be exported while the pages render, until the test ends.
func SetBundleBesideUpTo(t interface{ Cleanup(func()) }, n int) {
	old := bundleBesideUpTo
	bundleBesideUpTo = n
	t.Cleanup(func() { bundleBesideUpTo = old })
}

// BuildDirCheckingInputs is BuildDir that also gives check, for every page and feed with
// an input key, that key and the fingerprint of the page's view.
func BuildDirCheckingInputs(o Options, dest string, check func(path string, input, view render.Fingerprint)) (*Result, error) {
	o.inputCheck = check
	return BuildDir(o, dest)
}

// PageCacheFiles is what the page cache of the site folder dir says of each file:
// its size and modification time (nanoseconds), by output path.
func PageCacheFiles(dir string) (map[string][2]int64, error) {
	data, err := readCache(dir, PageCache)
	if err != nil {
		return nil, err
	}
	c, err := decodePageCache(data)
	if err != nil {
		return nil, err
	}
	out := map[string][2]int64{}
	for name, e := range c.pages {
		out[name] = [2]int64{e.size, e.mtime}
	}
	return out, nil
}

// SlowContentCacheWrite makes the content cache's write wait d first, until the test ends.
func SlowContentCacheWrite(t interface{ Cleanup(func()) }, d time.Duration) {
	old := beforeContentCacheWrite
	beforeContentCacheWrite = func() { time.Sleep(d) }
	t.Cleanup(func() { beforeContentCacheWrite = old })
}

// SlowHistoryRead makes the history read beside the load wait d first, until the test ends.
func SlowHistoryRead(t interface{ Cleanup(func()) }, d time.Duration) {
	old := beforeHistoryRead
	beforeHistoryRead = func() { time.Sleep(d) }
	t.Cleanup(func() { beforeHistoryRead = old })
}

// KeepCacheInPieces keeps the cache name of dir, whose previous bytes are old, by
// writing pieces to the writer that keeps a cache as it is made; whole says the pieces
// are the whole cache. It returns the warnings.
func KeepCacheInPieces(dir, name string, old []byte, pieces []string, whole bool) diag.List {
	var errs diag.List
	w := &cacheWriter{dir: dir, name: name, old: old}
	for _, p := range pieces {
		if _, err := w.Write([]byte(p)); err != nil {
			break
		}
	}
	w.finish(whole, "lost", &errs)
	return errs
}

// RecordFiles records n files named by their number through a recorder writing to
// memory, with records past spill in memory written to a temporary file (0: the default),
// and returns the entries it gives back, in order, each of its blocks in memory's length
// and capacity, and how many records went to the file.
func RecordFiles(n, spill int) (entries []RecordEntry, blocks [][2]int, spilled int) {
	if spill > 0 {
		defer func(was int) { spillAbove = was }(spillAbove)
		spillAbove = spill
	}
	r := &recorder{w: output.NewMem()}
	defer r.close()
	for i := range n {
		if err := r.WriteFile(strconv.Itoa(i), []byte(strconv.Itoa(i%1000))); err != nil {
			panic(err)
		}
	}
	files, err := r.files()
	if err != nil {
		panic(err)
	}
	for _, f := range files {
		entries = append(entries, f.entry())
	}
	for _, b := range r.log.blocks {
		blocks = append(blocks, [2]int{len(b), cap(b)})
	}
	return entries, blocks, r.log.spilled
}

// SpillRecordsAbove sets how many records a record log keeps in memory, and how many a
// block holds, until the function it returns sets them back.
func SpillRecordsAbove(n, block int) (restore func()) {
	was, wasBlock := spillAbove, recordBlock
	spillAbove, recordBlock = n, block
	return func() { spillAbove, recordBlock = was, wasBlock }
}

// RecordSpills is how many times record logs wrote their blocks to a temporary file.
func RecordSpills() int64 { return spills.Load() }
