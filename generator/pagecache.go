package generator

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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
// cache is then ignored whole.
func decodePageCache(data []byte) (*pageCacheFile, error) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	if !sc.Scan() || sc.Text() != pageCacheHeader {
		return nil, errors.New("not a page cache of this pspm")
	}
	if !sc.Scan() {
		return nil, errors.New("no destination")
	}
	q, ok := strings.CutPrefix(sc.Text(), "dest ")
	if !ok {
		return nil, errors.New("no destination")
	}
	dest, err := strconv.Unquote(q)
	if err != nil {
		return nil, fmt.Errorf("destination: %w", err)
	}
	c := &pageCacheFile{dest: dest, pages: map[string]pageEntry{}}
	for line := 3; sc.Scan(); line++ {
		f := strings.SplitN(sc.Text(), " ", 5)
		if len(f) != 5 {
			return nil, fmt.Errorf("line %d: want 5 fields", line)
		}
		var e pageEntry
		if err := unhex(e.fp[:], f[0]); err != nil {
			return nil, fmt.Errorf("line %d: fingerprint: %w", line, err)
		}
		if e.size, err = strconv.ParseInt(f[1], 10, 64); err != nil || e.size < 0 {
			return nil, fmt.Errorf("line %d: bad size", line)
		}
		if e.mtime, err = strconv.ParseInt(f[2], 10, 64); err != nil {
			return nil, fmt.Errorf("line %d: bad time", line)
		}
		if err := unhex(e.sum[:], f[3]); err != nil {
			return nil, fmt.Errorf("line %d: SHA-256: %w", line, err)
		}
		p := f[4]
		if err := output.CheckPath(p); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if _, dup := c.pages[p]; dup {
			return nil, fmt.Errorf("line %d: %s twice", line, p)
		}
		c.pages[p] = e
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

// unhex decodes s, which must be exactly len(dst) bytes in lower-case hexadecimal.
func unhex(dst []byte, s string) error {
	if len(s) != 2*len(dst) || strings.ToLower(s) != s {
		return errors.New("want lower-case hexadecimal")
	}
	_, err := hex.Decode(dst, []byte(s))
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
	// fps: this build's pages and their fingerprints, in the order they were met, in
	// blocks of fpBlock; save makes the map once the pages are written. A map grown as
	// the pages came held 70 MB at the end of the render of 100,000 proposals' 516,000
	// pages and feeds, when the build's live heap is at its largest.
	fps [][]pageFP
	// seen: the kept pages, as Keep found their files in the destination (size and
	// modification time); a kept file is not touched again, so save takes them from here
	// instead of asking the file system for each again.
	seen     map[string]pageEntry
	kept     atomic.Int64
	rendered atomic.Int64
}

// pageFP is a page met by the render, and its fingerprint.
type pageFP struct {
	name string
	fp   render.Fingerprint
}

// fpBlock is how many pages a block of pageKeeper.fps holds (a block is 192 KiB).
const fpBlock = 4096

// newPageKeeper reads the page cache of the site folder dir for a build into dest. A
// cache that is absent or cannot be read is ignored; one committed in the repository is
// ignored with a warning: it would be its committer's word on what the pages hold.
func newPageKeeper(dir, dest string, errs *diag.List) *pageKeeper {
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil
	}
	k := &pageKeeper{dir: dir, dest: abs, seen: map[string]pageEntry{}}
	if data, err := readCache(dir, PageCache); err == nil {
		k.prev, _ = decodePageCache(data)
	}
	if k.prev != nil && committedCache(dir) {
		k.prev = nil
		errs.Warn(diag.Pos{File: PageCache}, "the page cache is committed in the repository, so it is not used: anyone could have written it; every page is rendered instead (remove it from Git: git rm -r --cached .pspm)")
	}
	k.sameDest = k.prev != nil && k.prev.dest == abs
	return k
}

// Keep implements render.PageCache.
func (k *pageKeeper) Keep(name string, fp render.Fingerprint) bool {
	if fp != (render.Fingerprint{}) {
		k.mu.Lock()
		if n := len(k.fps); n == 0 || len(k.fps[n-1]) == fpBlock {
			k.fps = append(k.fps, make([]pageFP, 0, fpBlock))
		}
		last := &k.fps[len(k.fps)-1]
		*last = append(*last, pageFP{name, fp})
		k.mu.Unlock()
	}
	if k.keep(name, fp) {
		k.kept.Add(1)
		return true
	}
	k.rendered.Add(1)
	return false
}

func (k *pageKeeper) keep(name string, fp render.Fingerprint) bool {
	if k.prev == nil || fp == (render.Fingerprint{}) {
		return false
	}
	e, ok := k.prev.pages[name]
	if !ok || e.fp != fp {
		return false
	}
	mtime, ok := k.unchanged(name, e)
	if !ok {
		return false
	}
	if ok, err := k.rec.Keep(name, e.size, e.sum); !ok || err != nil {
		return false
	}
	e.mtime = mtime
	k.mu.Lock()
	k.seen[name] = e
	k.mu.Unlock()
	return true
}

// unchanged reports whether the destination's file at name is the one the cache
// describes: a regular file of its size and, when the cache was written for this
// destination, of its modification time; otherwise (or when the time differs) one whose
// bytes have its SHA-256. mtime is the file's modification time, as it was found.
func (k *pageKeeper) unchanged(name string, e pageEntry) (mtime int64, ok bool) {
	full := filepath.Join(k.dest, filepath.FromSlash(name))
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
	n := 0
	for _, b := range k.fps {
		n += len(b)
	}
	fps := make(map[string]render.Fingerprint, n)
	for _, b := range k.fps {
		for _, p := range b {
			fps[p.name] = p.fp // a page met twice (it cannot be: its path is claimed once) would keep its last
		}
	}
	k.fps = nil
	c := &pageCacheFile{dest: k.dest, pages: make(map[string]pageEntry, n)}
	k.rec.mu.Lock()
	files := k.rec.files
	k.rec.mu.Unlock()
	for _, f := range files {
		fp, ok := fps[f.path]
		if !ok {
			continue
		}
		e := pageEntry{fp: fp, size: f.size, sum: f.sum}
		if was, kept := k.seen[f.path]; kept && was.fp == fp && was.size == e.size && was.sum == e.sum {
			c.pages[f.path] = was
			continue
		}
		fi, err := os.Lstat(filepath.Join(k.dest, filepath.FromSlash(f.path)))
		if err != nil || fi.Size() != e.size {
			continue
		}
		e.mtime = fi.ModTime().UnixNano()
		c.pages[f.path] = e
	}
	err := output.WriteCache(k.dir, PageCache, c.encode())
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
