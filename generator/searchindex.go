package generator

import (
	"path/filepath"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
)

// searchIndex indexes the model with bleve: in the site folder's search cache
// (search.CacheDir) when the site is on disk, so that the next build reindexes only what
// changed and `pspm search` and `pspm serve` read it; in memory otherwise. A cache that
// cannot be written is a warning: the build goes on with an index in memory.
//
// bleve writes its index folder itself: it is the one writer to disk besides
// generator/output, inside the cache folder that the output package keeps out of Git.
func searchIndex(dir string, cfg *config.Config, s *site.Site, plain search.Plainer, errs *diag.List) (*search.Index, search.Stats) {
	docs := search.Documents(s, cfg.Languages, plain)
	path := ""
	if dir != "" {
		path = filepath.Join(dir, filepath.FromSlash(search.CacheDir))
		if err := ignoreCache(dir); err != nil {
			path = "" // a folder where the cache cannot be written: keep the index in memory
		}
	}
	idx, stats, err := search.Build(path, docs)
	if err != nil && path != "" {
		errs.Warn(diag.Pos{File: search.CacheDir}, "the search index cannot be kept in the cache (%v): it is built in memory, and pspm search will build it again", err)
		idx, stats, err = search.Build("", docs)
	}
	if err != nil {
		errs.Add(diag.Pos{File: config.File}, "cannot build the search index: %v", err)
		return nil, stats
	}
	return idx, stats
}
