package history

import (
	"encoding/json"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
)

// format is the version of the encoding; Decode refuses any other, so a cache written
// by an older pspm is read again from Git instead of being misread.
const format = 1

type encoded struct {
	Format  int      `json:"format"`
	History *History `json:"history"`
}

// Encode returns h as bytes for the caller to keep (under .pspm/cache/), so that the
// next build can Decode it and Update instead of walking the whole history again. The
// bytes are deterministic: the same History gives the same bytes.
func (h *History) Encode() ([]byte, error) {
	return json.Marshal(encoded{Format: format, History: h})
}

// Decode reads bytes made by Encode. Any error means the cache is unusable, and the
// caller should Load instead.
func Decode(b []byte) (*History, error) {
	var e encoded
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, fmt.Errorf("history: decoding the cache: %w", err)
	}
	if e.Format != format || e.History == nil {
		return nil, fmt.Errorf("history: cache format %d, want %d", e.Format, format)
	}
	h := e.History
	if h.Files == nil {
		h.Files = map[string]*Provenance{}
	}
	for path, p := range h.Files {
		if p == nil || p.Path != path {
			return nil, fmt.Errorf("history: cache entry %q is inconsistent", path)
		}
	}
	return h, nil
}

// Matches reports whether content is the version of the file that p describes, so a
// file edited in the work tree but not committed is not credited to the commit that
// last changed it.
func (p *Provenance) Matches(content []byte) bool {
	return plumbing.ComputeHash(plumbing.BlobObject, content).String() == p.Blob
}
