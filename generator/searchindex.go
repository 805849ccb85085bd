package generator

import (
	"io"
	"path/filepath"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
)

// searchIndex indexes the model with bleve, and returns the text cache it made the
// documents' plain texts through: texts (pspm serve's, kept between rebuilds) or, when it
// is nil, the text cache of the previous build. It keeps the index of the previous
// build: in the site folder's search cache
// (search.CacheDir) when the site is on disk, so that the next build reindexes only what
// changed and `pspm search` and `pspm serve` read it; in memory otherwise. A cache that
// cannot be written is a warning: the build goes on with an index in memory.
//
// The documents are made, converted and indexed a batch at a time (search.EachDocument),
// and a build's plain texts go to the text cache's file as they are converted rather
// than being kept (search.TextCache.Spill): a build never holds every document, nor
// every plain text.
//
// bleve writes its index folder itself: it is the one writer to disk besides
// generator/output, inside the cache folder that the output package keeps out of Git.
func searchIndex(dir string, cfg *config.Config, s *site.Site, md *markdown.Renderer, texts *search.TextCache, errs *diag.List) (*search.Index, search.Stats, *search.TextCache) {
	serve := texts != nil
	if !serve {
		texts = textCache(dir)
	}
	texts.Next()
	var spilled *output.CacheFile
	if dir != "" && !serve {
		texts.Spill(cacheVersion(), func() (io.Writer, error) {
			f, err := output.CreateCache(dir, TextCache)
			if err != nil {
				return nil, err
			}
			spilled = f
			return f, nil
		})
	}
	each := func(batch func([]search.Document) error) error {
		return search.EachDocument(s, cfg.Languages, texts.Converter(md.Plain), search.DocumentBatch, batch)
	}
	path := ""
	if dir != "" {
		path = filepath.Join(dir, filepath.FromSlash(search.CacheDir))
		if err := ignoreCache(dir); err != nil {
			path = "" // a folder where the cache cannot be written: keep the index in memory
		} else if committedCache(dir) {
			// The index decides what a build reindexes (a document whose stored hash is the
			// new one's is taken as it is), so one that a merge request committed would
			// be its author's word on the search bundle.
			errs.Warn(diag.Pos{File: search.CacheDir}, "the search index is committed in the repository, so it is not used: anyone could have written it; the index is built in memory instead (remove it from Git: git rm -r --cached .pspm)")
			path = ""
		}
	}
	idx, stats, err := search.BuildEach(path, each)
	if err != nil && path != "" {
		errs.Warn(diag.Pos{File: search.CacheDir}, "the search index cannot be kept in the cache (%v): it is built in memory, and pspm search will build it again", err)
		idx, stats, err = search.BuildEach("", each)
	}
	switch {
	case serve && dir != "":
		keepCache(dir, TextCache, texts.Encode(cacheVersion()), nil, "the next build converts every text again", errs)
	case dir != "" && err != nil:
		// The documents were not all made: the texts written so far would replace the
		// previous cache with part of it. The previous one stays.
		if spilled != nil {
			spilled.Abort()
		}
	case dir != "":
		keepTexts(dir, texts, spilled, errs)
	}
	if err != nil {
		errs.Add(diag.Pos{File: config.File}, "cannot build the search index: %v", err)
		return nil, stats, texts
	}
	return idx, stats, texts
}

// keepTexts puts the text cache file that texts spilled to (f, nil when it wrote none)
// in place of the previous one, or leaves the previous one, which holds this build's
// texts already, when it wrote none.
func keepTexts(dir string, texts *search.TextCache, f *output.CacheFile, errs *diag.List) {
	wrote, err := texts.Finish()
	switch {
	case f == nil && err == nil:
		return
	case err == nil && wrote:
		if err = f.Commit(); err == nil {
			err = ignoreCache(dir)
		}
	case f != nil:
		f.Abort()
	}
	if err != nil {
		errs.Warn(diag.Pos{File: TextCache}, "cannot keep the cache %s (%v): the next build converts every text again", TextCache, err)
	}
}

// TextCache and BundleCache are where the search stages keep, in the site folder, the
// plain texts of the search documents (search.TextCache: the next build converts only the
// new Markdown) and the compressed search bundle (search.BundleCache: the next build
// compresses only the files that changed). Like the other caches, they are used only when
// pspm wrote them beside the checkout, never when committed.
const (
	TextCache   = ".pspm/cache/plain.bin"
	BundleCache = ".pspm/cache/bundle.bin"
)

// textCache is the text cache of the site folder dir ("" for none), empty when there is
// none or it cannot be used.
func textCache(dir string) *search.TextCache {
	if dir == "" {
		return search.NewTextCache()
	}
	data, err := readCache(dir, TextCache)
	if err != nil {
		return search.NewTextCache()
	}
	c, err := search.DecodeTextCache(data, cacheVersion())
	if err != nil || committedCache(dir) {
		return search.NewTextCache()
	}
	return c
}

// writeBundle writes the search bundle of idx through emit, compressing only the files
// that changed since the bundle kept in the site folder dir ("" for none), and keeps the
// new one there, written as its files are emitted.
func writeBundle(dir string, idx *search.Index, emit func(string, []byte) error, errs *diag.List) error {
	var prev *search.BundleCache
	var old []byte
	if dir != "" {
		if data, err := readCache(dir, BundleCache); err == nil {
			if c, err := search.DecodeBundleCache(data); err == nil && !committedCache(dir) {
				prev, old = c, data
			}
		}
	}
	if dir == "" {
		_, err := search.UpdateBundleTo(idx, prev, cacheVersion(), emit, nil)
		return err
	}
	keep := &cacheWriter{dir: dir, name: BundleCache, old: old}
	_, err := search.UpdateBundleTo(idx, prev, cacheVersion(), emit, keep)
	keep.finish(err == nil, "the next build compresses the whole bundle again", errs)
	return err
}
