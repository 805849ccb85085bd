package generator

import (
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/deflate"
)

// ChunkCache is where a build keeps, in the site folder, the compressed chunks of the
// open data's datasets (deflate.ChunkCache): the next build compresses for the archive
// only the chunks of a dataset that changed (after one vote, the chunk of votes.json,
// votes.csv, proposals.json and proposals.csv that holds it). Deleting it only costs compressing every dataset again; the
// archive is the same bytes either way.
const ChunkCache = ".pspm/cache/chunks.bin"

// chunkCache reads the chunk cache of the site folder dir, and returns it with the
// bytes it was read from. One that is absent, unreadable or of another pspm gives an
// empty cache; one committed in the repository is ignored with a warning: a chunk is
// taken as the compression of the bytes its key names, so it would be its committer's
// word on what the archive holds.
func chunkCache(dir string, errs *diag.List) (*deflate.ChunkCache, []byte) {
	old, err := readCache(dir, ChunkCache)
	if err != nil {
		return deflate.NewChunkCache(), nil
	}
	c, err := deflate.DecodeChunkCache(old)
	if err != nil {
		return deflate.NewChunkCache(), old
	}
	if committedCache(dir) {
		errs.Warn(diag.Pos{File: ChunkCache}, "the chunk cache is committed in the repository, so it is not used: anyone could have written it; every dataset is compressed again (remove it from Git: git rm -r --cached .pspm)")
		return deflate.NewChunkCache(), old
	}
	return c, old
}
