package history

import (
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// ReadBlobs returns the contents of the blobs whose hashes (40 hexadecimal digits, as
// in Change.Blob) are given, read from the repository around o.Dir, keyed by the hashes
// as given. It serves charting a file over time: every past version of hundreds of
// files, read at once by a few readers of the repository, with no checkout.
//
// Each blob may be at most limit bytes (a negative limit sets none). A hash that is not
// in the repository is absent from the map, not an error: a shallow clone lacks old
// versions, and the caller shows what there is. A blob that cannot be read (larger
// than limit, corrupt, or a hash that names a tree, commit or tag) is absent too, and
// makes an error that names it; the map still holds every other blob, so a caller can
// warn and go on. The error wraps the first such problem in the order of hashes and
// counts the others. A string that is not a hash is an error with no map.
func ReadBlobs(o Options, hashes []string, limit int64) (map[string][]byte, error) {
	keys := make([]string, 0, len(hashes))
	want := make([]plumbing.Hash, 0, len(hashes))
	seen := make(map[string]bool, len(hashes))
	for _, s := range hashes {
		if seen[s] {
			continue
		}
		seen[s] = true
		b, err := hex.DecodeString(s)
		var h plumbing.Hash
		if err != nil || len(b) != len(h) {
			return nil, fmt.Errorf("history: %q is not a blob hash (want 40 hexadecimal digits)", s)
		}
		copy(h[:], b)
		keys = append(keys, s)
		want = append(want, h)
	}
	r, err := openLimited(o)
	if err != nil {
		return nil, err
	}
	if len(want) == 0 {
		r.close()
		return map[string][]byte{}, nil
	}
	pool := &readers{r: r, free: make(chan *walker, min(runtime.GOMAXPROCS(0), maxReaders))}
	pool.free <- newWalker(&plan{r: r}, r.st)
	pool.all = append(pool.all, r.st)
	pool.opened = 1
	defer pool.close()

	contents := make([][]byte, len(want))
	errs := make([]error, len(want))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(cap(pool.free), len(want)) {
		wg.Go(func() {
			w := pool.get()
			defer pool.put(w)
			for {
				i := int(next.Add(1) - 1)
				if i >= len(want) {
					return
				}
				contents[i], errs[i] = w.readBlobLimit(want[i], limit)
			}
		})
	}
	wg.Wait()
	out := make(map[string][]byte, len(want))
	var first error
	failed := 0
	for i, b := range contents {
		switch {
		case errs[i] != nil:
			if failed++; first == nil {
				first = errs[i]
			}
		case b != nil:
			out[keys[i]] = b
		}
	}
	if failed > 1 {
		return out, fmt.Errorf("%w (and %d more blobs that cannot be read)", first, failed-1)
	}
	return out, first
}

// readBlobLimit reads blob h, refusing one of more than limit bytes (none when limit is
// negative). It returns nil and no error when the repository does not hold h.
func (w *walker) readBlobLimit(h plumbing.Hash, limit int64) ([]byte, error) {
	read := int64(-1)
	if limit >= 0 && limit < maxBlobSize {
		read = limit + 1 // one byte more tells a blob too big without reading it whole
	}
	b, err := w.readBlob(h, read)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// go-git says the same of an object of another type.
		if w.st.HasEncodedObject(h) == nil {
			return nil, fmt.Errorf("history: object %s is not a blob", h)
		}
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if read >= 0 && int64(len(b)) > limit {
		if size, err := w.blobSize(h); err == nil {
			return nil, fmt.Errorf("history: blob %s is %d bytes, more than the limit of %d", h, size, limit)
		}
		return nil, fmt.Errorf("history: blob %s is more than the limit of %d bytes", h, limit)
	}
	if b == nil {
		b = []byte{} // present, and empty
	}
	return b, nil
}
