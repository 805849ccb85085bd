package generator

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

// PageCache is where a build into a folder keeps, in the site folder, the fingerprint of
// every page it rendered (render.Fingerprint) with the file it wrote: the next build of
// the same destination keeps the pages whose fingerprint did not change, instead of
// rendering them again. It is a cache: deleting it only costs a full render.
const PageCache = ".pspm/cache/pages"

// pageCacheHeader opens the page cache; another first line (another format) makes the
// whole cache ignored.
const pageCacheHeader = "pspm page cache 1"

// pageEntry is what the page cache says of one page: the fingerprint it was rendered
// from, and the file written (its size, modification time and SHA-256).
type pageEntry struct {
	fp    render.Fingerprint
	size  int64
	mtime int64 // nanoseconds since 1970, as the destination's file system reported it
	sum   [sha256.Size]byte
}

// pageCacheFile is the decoded page cache: the destination it was written for and its
// pages by output path.
type pageCacheFile struct {
	dest  string
	pages map[string]pageEntry
}

// encode writes the cache: the header, the destination, then one line per page sorted by
// path: fingerprint, size, modification time, SHA-256, path.
func (c *pageCacheFile) encode() []byte {
	paths := make([]string, 0, len(c.pages))
	size := 0
	for p := range c.pages {
		paths = append(paths, p)
		size += len(p) + 2*len(render.Fingerprint{}) + 2*sha256.Size + 48
	}
	sort.Strings(paths)
	b := make([]byte, 0, len(pageCacheHeader)+len(c.dest)+16+size)
	b = append(b, pageCacheHeader+"\n"...)
	b = append(b, "dest "...)
	b = strconv.AppendQuote(b, c.dest)
	b = append(b, '\n')
	for _, p := range paths {
		e := c.pages[p]
		b = hex.AppendEncode(b, e.fp[:])
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.size, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.mtime, 10)
		b = append(b, ' ')
		b = hex.AppendEncode(b, e.sum[:])
		b = append(b, ' ')
		b = append(b, p...)
		b = append(b, '\n')
	}
	return b
}

// decodePageCache reads a page cache. Anything it does not expect (another format, a
// line cut short, a path that leaves the destination, a path twice) is an error: the
// cache is then ignored whole. Lines are read as bufio.ScanLines cuts them (a carriage
// return before the line feed is dropped); its fields are read in place, and only each
// path is copied: the 54,000 lines of a 10,000-proposal site were 0.1 s of every build
// when each line was split into strings first.
func decodePageCache(data []byte) (*pageCacheFile, error) {
	next := func() (line []byte, ok bool) {
		if len(data) == 0 {
			return nil, false
		}
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		return bytes.TrimSuffix(line, []byte{'\r'}), true
	}
	if l, ok := next(); !ok || string(l) != pageCacheHeader {
		return nil, errors.New("not a page cache of this pspm")
	}
	l, ok := next()
	if !ok {
		return nil, errors.New("no destination")
	}
	q, ok := bytes.CutPrefix(l, []byte("dest "))
	if !ok {
		return nil, errors.New("no destination")
	}
	dest, err := strconv.Unquote(string(q))
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	c := &pageCacheFile{dest: dest, pages: make(map[string]pageEntry, bytes.Count(data, []byte{'\n'})+1)}
	for line := 3; ; line++ {
		l, ok := next()
		if !ok {
			break
		}
		if len(l) > maxCacheLine {
			return nil, fmt.Errorf("line %d: too long", line)
		}
		var f [5][]byte
		n := 0
		for ; n < 4; n++ {
			i := bytes.IndexByte(l, ' ')
			if i < 0 {
				break
			}
			f[n], l = l[:i], l[i+1:]
		}
		if n != 4 {
			return nil, fmt.Errorf("line %d: want 5 fields", line)
		}
		f[4] = l
		var e pageEntry
		if err := unhex(e.fp[:], f[0]); err != nil {
			return nil, fmt.Errorf("line %d: fingerprint: %w", line, err)
		}
		if e.size, err = parseInt(f[1]); err != nil || e.size < 0 {
			return nil, fmt.Errorf("line %d: bad size", line)
		}
		if e.mtime, err = parseInt(f[2]); err != nil {
			return nil, fmt.Errorf("line %d: bad time", line)
		}
		if err := unhex(e.sum[:], f[3]); err != nil {
			return nil, fmt.Errorf("line %d: SHA-256: %w", line, err)
		}
		p := string(f[4])
		if err := output.CheckPath(p); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if _, dup := c.pages[p]; dup {
			return nil, fmt.Errorf("line %d: %s twice", line, p)
		}
		c.pages[p] = e
	}
	return c, nil
}

// maxCacheLine is the longest line a page cache may hold (the limit bufio.Scanner put on
// it when it read the cache).
const maxCacheLine = 1 << 20

// parseInt is strconv.ParseInt(string(b), 10, 64), without making the string.
func parseInt(b []byte) (int64, error) {
	if len(b) == 0 {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseInt(unsafe.String(&b[0], len(b)), 10, 64)
}

// unhex decodes s, which must be exactly len(dst) bytes in lower-case hexadecimal.
func unhex(dst []byte, s []byte) error {
	if len(s) != 2*len(dst) {
		return errors.New("want lower-case hexadecimal")
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return errors.New("want lower-case hexadecimal")
		}
	}
	_, err := hex.Decode(dst, s)
	return err
}

// pageKeeper is the render's page cache (render.PageCache) for a build into the folder
// dest: it keeps the previous build's file of a page whose fingerprint did not change,
// when the file is still as that build wrote it, and records every page's fingerprint
// for the next build.
type pageKeeper struct {
	dir  string // the site folder, where the cache is
	dest string // the destination, absolute
	prev *pageCacheFile
	// sameDest: the cache was written for dest, whose files' size and modification time
	// then tell an unchanged file; otherwise every kept file is read and hashed.
	sameDest bool
	rec      *recorder
	mu       sync.Mutex
	// fps: this build's pages and their fingerprints, in the order they were met, in a
	// record log (past spillAbove pages, in a temporary file); save makes the map once
	// the pages are written. A map grown as the pages came held 70 MB at the end of the
	// render of 100,000 proposals' 516,000 pages and feeds, when the build's live heap is
	// at its largest.
	fps      recordLog[pageFP]
	kept     atomic.Int64
	rendered atomic.Int64
}

// pageFP is a page met by the render, and its fingerprint.
type pageFP struct {
	name string
	fp   render.Fingerprint
	// mtime: a kept page's file, as Keep found it in the destination (its size and
	// SHA-256 are the cache's); a kept file is not touched again, so save takes it from
	// here instead of asking the file system for each again. 0 for a page rendered.
	mtime int64
}

// putPageFP appends p's encoding to b.
func putPageFP(b []byte, p *pageFP) []byte {
	b = putString(b, p.name)
	b = append(b, p.fp[:]...)
	return binary.AppendVarint(b, p.mtime)
}

// getPageFP reads a page putPageFP wrote.
func getPageFP(r *bufio.Reader) (p pageFP, err error) {
	if p.name, err = getString(r); err != nil {
		return p, err
	}
	if _, err = io.ReadFull(r, p.fp[:]); err != nil {
		return p, err
	}
	p.mtime, err = binary.ReadVarint(r)
	return p, err
}

// close lets go of the pages met and of the files recorded, and of their temporary files.
func (k *pageKeeper) close() {
	k.mu.Lock()
	k.fps.close()
	k.mu.Unlock()
	if k.rec != nil {
		k.rec.close()
	}
}

// readPageCacheAside starts reading the page cache of the site folder dir, on the side:
// the function returned waits for it, and gives nil for a cache that is absent or cannot
// be read.
func readPageCacheAside(dir string) func() *pageCacheFile {
	var c *pageCacheFile
	done := make(chan struct{})
	go func() {
		defer close(done)
		if data, err := readCache(dir, PageCache); err == nil {
			c, _ = decodePageCache(data)
		}
	}()
	return func() *pageCacheFile {
		<-done
		return c
	}
}

// newPageKeeper is the page cache of the site folder dir for a build into dest: prev is
// the cache as read (readPageCacheAside), nil when it is absent or cannot be read. One
// committed in the repository is ignored with a warning: it would be its committer's
// word on what the pages hold.
func newPageKeeper(dir, dest string, prev *pageCacheFile, errs *diag.List) *pageKeeper {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil
	}
	k := &pageKeeper{dir: dir, dest: abs, prev: prev}
	k.fps.put, k.fps.get = putPageFP, getPageFP
	if k.prev != nil && committedCache(dir) {
		k.prev = nil
		errs.Warn(diag.Pos{File: PageCache}, "the page cache is committed in the repository, so it is not used: anyone could have written it; every page is rendered instead (remove it from Git: git rm -r --cached .pspm)")
	}
	k.sameDest = k.prev != nil && k.prev.dest == abs
	return k
}

// Keep implements render.PageCache.
func (k *pageKeeper) Keep(name string, fp render.Fingerprint) bool {
	mtime, kept := k.keep(name, fp)
	if fp != (render.Fingerprint{}) {
		if !kept {
			mtime = 0
		}
		k.mu.Lock()
		k.fps.add(pageFP{name, fp, mtime})
		k.mu.Unlock()
	}
	if kept {
		k.kept.Add(1)
		return true
	}
	k.rendered.Add(1)
	return false
}

// keep keeps the previous build's file of the page at name when its fingerprint is fp,
// and says what modification time it found it with.
func (k *pageKeeper) keep(name string, fp render.Fingerprint) (mtime int64, kept bool) {
	if k.prev == nil || fp == (render.Fingerprint{}) {
		return 0, false
	}
	e, ok := k.prev.pages[name]
	if !ok || e.fp != fp {
		return 0, false
	}
	mtime, ok = k.unchanged(name, e)
	if !ok {
		return 0, false
	}
	if ok, err := k.rec.Keep(name, e.size, e.sum); !ok || err != nil {
		return 0, false
	}
	return mtime, true
}

// unchanged reports whether the destination's file at name is the one the cache
// describes: a regular file of its size and, when the cache was written for this
// destination, of its modification time; otherwise (or when the time differs) one whose
// bytes have its SHA-256. mtime is the file's modification time, as it was found.
func (k *pageKeeper) unchanged(name string, e pageEntry) (mtime int64, ok bool) {
	full := k.dest + string(filepath.Separator) + filepath.FromSlash(name) // name is a clean path the render made (the output checks it)
	fi, err := os.Lstat(full)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != e.size {
		return 0, false
	}
	mtime = fi.ModTime().UnixNano()
	if k.sameDest && mtime == e.mtime {
		return mtime, true
	}
	f, err := os.Open(full)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return 0, false
	}
	return mtime, bytes.Equal(h.Sum(nil), e.sum[:])
}

// save writes the page cache of the build just committed: every page fingerprinted,
// with its file as it now is in the destination (a kept file as Keep found it, since
// the build did not touch it: after one vote, asking again for the 54,000 files of the
// 10,000-proposal site was most of the write stage).
func (k *pageKeeper) save(errs *diag.List) {
	k.mu.Lock()
	n := k.fps.len()
	fps := make(map[string]pageFP, n)
	err := k.fps.each(func(p *pageFP) {
		fps[p.name] = *p // a page met twice (it cannot be: its path is claimed once) would keep its last
	})
	k.fps.close()
	k.mu.Unlock()
	var files []recorded
	if err == nil {
		files, err = k.rec.files()
	}
	k.rec.close()
	if err != nil {
		errs.Warn(diag.Pos{File: PageCache}, "cannot keep the page cache (%v): the next build renders every page", err)
		return
	}
	c := &pageCacheFile{dest: k.dest, pages: make(map[string]pageEntry, n)}
	for _, f := range files {
		p, ok := fps[f.path]
		if !ok {
			continue
		}
		e := pageEntry{fp: p.fp, size: f.size, sum: f.sum}
		if p.mtime != 0 { // kept: recorded with the cache's size and SHA-256
			e.mtime = p.mtime
			c.pages[f.path] = e
			continue
		}
		fi, err := os.Lstat(filepath.Join(k.dest, filepath.FromSlash(f.path)))
		if err != nil || fi.Size() != e.size {
			continue
		}
		e.mtime = fi.ModTime().UnixNano()
		c.pages[f.path] = e
	}
	err = output.WriteCache(k.dir, PageCache, c.encode())
	if err == nil {
		err = ignoreCache(k.dir)
	}
	if err != nil {
		errs.Warn(diag.Pos{File: PageCache}, "cannot keep the page cache (%v): the next build renders every page", err)
	}
}

// generatorSum is the SHA-256 of the running pspm's executable, or nil when it cannot
// be read (the page cache is then not used).
func generatorSum() []byte {
	exe, err := os.Executable()
	if err != nil {
		return nil
	}
	f, err := os.Open(exe)
	if err != nil {
		return nil
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil
	}
	return h.Sum(nil)
}
