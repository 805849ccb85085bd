package generator

import (
	"bytes"
	"io/fs"
	"runtime"
	"runtime/debug"

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
// portal source read from its Git objects).
func loadContent(o Options, errs *diag.List) func(fs.FS, *config.Config) (*site.Site, diag.List) {
	if o.Dir == "" || o.nested {
		return content.Load
	}
	return func(fsys fs.FS, cfg *config.Config) (*site.Site, diag.List) {
		wi, err := history.ReadWorkIndex(o.Dir)
		if err != nil {
			return content.Load(fsys, cfg) // not a checkout, or an index this pspm cannot read
		}
		var st *content.Store
		old, err := readCache(o.Dir, ContentCache)
		if err == nil {
			st, _ = content.DecodeStore(old, cfg, cacheVersion())
		}
		if st != nil && committedCache(o.Dir) {
			// Its author's word on what the files say: read them.
			st, old = nil, nil
			errs.Warn(diag.Pos{File: ContentCache}, "the content cache is committed in the repository, so it is not used: anyone could have written it; every file is read instead (remove it from Git: git rm -r --cached .pspm)")
		}
		s, loadErrs, data, _ := content.LoadStored(fsys, cfg, cacheVersion(), st, wi.Blob)
		if data != nil {
			keepCache(o.Dir, ContentCache, data, old, "the next build reads every file again", errs)
		}
		return s, loadErrs
	}
}

// keepCache writes data to the cache file name of the site folder dir unless it holds
// that already (old), and warns, saying what the next build loses (lost), when it cannot.
func keepCache(dir, name string, data, old []byte, lost string, errs *diag.List) {
	if bytes.Equal(data, old) {
		return
	}
	err := output.WriteCache(dir, name, data)
	if err == nil {
		err = ignoreCache(dir)
	}
	if err != nil {
		errs.Warn(diag.Pos{File: name}, "cannot keep the cache %s (%v): %s", name, err, lost)
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
