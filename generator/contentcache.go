package generator

import (
	"bytes"
	"io"
	"io/fs"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
)

// ContentCache is where the load stage keeps what it read between builds, in the site
// folder: every content file that Git's index knows as it is on disk, by its blob, with
// the structs it was read into (content.Store). The next build reads only the files
// whose blob changed or that Git does not know (new, modified and not added); a cache of
// another pspm or configuration is ignored. It is a cache: deleting it only costs reading
// every file.
const ContentCache = ".pspm/cache/content.bin"

// loadContent is the load stage for o: content.Load through the content cache when the
// site is a Git checkout on disk, and content.Load alone otherwise (a site in memory, a
// portal source read from its Git objects). The checkout's index and the previous cache
// are read while the content folder is walked, and the new cache is written while the
// build goes on: saved waits for it (Build calls it before it returns) and reports what
// it could not keep in errs.
func loadContent(o Options, errs *diag.List) (load func(fs.FS, *config.Config) (*site.Site, diag.List), saved func()) {
	if o.Dir == "" || o.nested {
		return content.Load, func() {}
	}
	var done chan struct{} // made when the load starts, closed once the cache is written
	var warns diag.List
	saved = sync.OnceFunc(func() {
		if done != nil {
			<-done
			errs.Append(warns)
		}
	})
	return func(fsys fs.FS, cfg *config.Config) (*site.Site, diag.List) {
		done = make(chan struct{})
		type prepared struct {
			wi        *history.WorkIndex
			st        *content.Store
			old       []byte
			wiErr     error
			committed bool
		}
		prep := make(chan prepared, 1)
		go func() {
			var p prepared
			if p.wi, p.wiErr = history.ReadWorkIndex(o.Dir); p.wiErr == nil {
				if old, err := readCache(o.Dir, ContentCache); err == nil {
					p.old = old
					p.st, _ = content.DecodeStore(old, cfg, cacheVersion())
				}
				if p.st != nil && committedCache(o.Dir) {
					// Its author's word on what the files say: read them.
					p.st, p.old, p.committed = nil, nil, true
				}
			}
			prep <- p
		}()
		var p prepared
		s, loadErrs, data, _ := content.LoadStoredAfter(fsys, cfg, cacheVersion(), func() (*content.Store, func(string) (string, bool), bool) {
			p = <-prep
			if p.wiErr != nil { // not a checkout, or an index this pspm cannot read: Load alone
				return nil, nil, false
			}
			return p.st, p.wi.Blob, true
		})
		if p.committed {
			errs.Warn(diag.Pos{File: ContentCache}, "the content cache is committed in the repository, so it is not used: anyone could have written it; every file is read instead (remove it from Git: git rm -r --cached .pspm)")
		}
		if data == nil {
			close(done)
			return s, loadErrs
		}
		go func() {
			defer close(done)
			beforeContentCacheWrite()
			keepCacheFrom(o.Dir, ContentCache, data, p.old, "the next build reads every file again", &warns)
		}()
		return s, loadErrs
	}, saved
}

// beforeContentCacheWrite runs before the content cache is written (tests slow it down).
var beforeContentCacheWrite = func() {}

// keepCache writes data to the cache file name of the site folder dir unless it holds
// that already (old), and warns, saying what the next build loses (lost), when it cannot.
func keepCache(dir, name string, data, old []byte, lost string, errs *diag.List) {
	keepCacheFrom(dir, name, cacheBytes(data), old, lost, errs)
}

// cacheData is a cache to keep, whole (cacheBytes) or in pieces (content.StoreData).
type cacheData interface {
	Equal(old []byte) bool
	WriteTo(w io.Writer) (int64, error)
}

// cacheBytes is a cache held whole.
type cacheBytes []byte

func (b cacheBytes) Equal(old []byte) bool { return bytes.Equal(b, old) }

func (b cacheBytes) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(b)
	return int64(n), err
}

// keepCacheFrom is keepCache for data given as a cacheData.
func keepCacheFrom(dir, name string, data cacheData, old []byte, lost string, errs *diag.List) {
	if data.Equal(old) {
		return
	}
	f, err := output.CreateCache(dir, name)
	if err == nil {
		if _, err = data.WriteTo(f); err != nil {
			f.Abort()
		} else {
			err = f.Commit()
		}
	}
	if err == nil {
		err = ignoreCache(dir)
	}
	if err != nil {
		errs.Warn(diag.Pos{File: name}, "cannot keep the cache %s (%v): %s", name, err, lost)
	}
}

// cacheWriter keeps a cache written in pieces as it is made, as keepCacheFrom keeps
// one made first: nothing is written while the pieces are the old cache's bytes, and the
// cache file is started at the first piece that differs (with the old bytes before it),
// so that a build that makes the same cache again writes nothing.
type cacheWriter struct {
	dir, name string
	old       []byte
	same      int // the bytes written so far, all the old cache's (no file yet)
	f         *output.CacheFile
	err       error
}

func (c *cacheWriter) Write(p []byte) (int, error) {
	if c.err == nil && c.f == nil {
		if c.same+len(p) <= len(c.old) && bytes.Equal(c.old[c.same:c.same+len(p)], p) {
			c.same += len(p)
			return len(p), nil
		}
		c.start()
	}
	if c.err == nil {
		_, c.err = c.f.Write(p)
	}
	if c.err != nil {
		return 0, c.err
	}
	return len(p), nil
}

// start creates the cache file, with the old bytes written so far.
func (c *cacheWriter) start() {
	if c.f, c.err = output.CreateCache(c.dir, c.name); c.err == nil {
		_, c.err = c.f.Write(c.old[:c.same])
	}
}

// finish puts the cache written in place when whole (the old one stays when it is not,
// or when it holds the same bytes), and warns that it could not be kept, saying what
// the next build loses.
func (c *cacheWriter) finish(whole bool, lost string, errs *diag.List) {
	if !whole {
		if c.f != nil {
			c.f.Abort()
		}
		return
	}
	if c.err == nil && c.f == nil {
		if c.same == len(c.old) {
			return
		}
		c.start()
	}
	if c.err == nil {
		c.err = c.f.Commit()
	} else if c.f != nil {
		c.f.Abort()
	}
	if c.err == nil {
		c.err = ignoreCache(c.dir)
	}
	if c.err != nil {
		errs.Warn(diag.Pos{File: c.name}, "cannot keep the cache %s (%v): %s", c.name, c.err, lost)
	}
}

// cacheVersion tells this build of pspm from any other, for the caches whose content
// depends on pspm's code and not only on its types: its version, Go's, and the commit it
// was built from when the binary records it (a modified checkout is another).
func cacheVersion() string {
	id := Version + " " + runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" || s.Key == "vcs.time" || s.Key == "vcs.modified" {
				id += " " + s.Value
			}
		}
	}
	return id
}
