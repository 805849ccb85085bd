package generator

import (
	"bytes"
	"io/fs"

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
			st, _ = content.DecodeStore(old, cfg)
		}
		if st != nil && committedCache(o.Dir) {
			// Its author's word on what the files say: read them.
			st, old = nil, nil
			errs.Warn(diag.Pos{File: ContentCache}, "the content cache is committed in the repository, so it is not used: anyone could have written it; every file is read instead (remove it from Git: git rm -r --cached .pspm)")
		}
		s, loadErrs, data, _ := content.LoadStored(fsys, cfg, st, wi.Blob)
		if data != nil && !bytes.Equal(data, old) {
			err := output.WriteCache(o.Dir, ContentCache, data)
			if err == nil {
				err = ignoreCache(o.Dir)
			}
			if err != nil {
				errs.Warn(diag.Pos{File: ContentCache}, "cannot keep the content cache (%v): the next build reads every file again", err)
			}
		}
		return s, loadErrs
	}
}
