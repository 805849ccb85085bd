package history

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// objectStore reads whole Git objects by hash. Two stores implement it: packStore,
// the pack reader of packs.go over the pack files in memory, and gitStore, go-git's
// storage. The walk reads through the first and falls back to the second (see
// readPacked), and packsOff makes it read through the second alone, so every
// history algorithm runs on either: the tests check that both give the same history,
// and FuzzPackReadersAgree that both read the same objects from damaged packs.
type objectStore interface {
	// Object returns the type and content of object h, deltas resolved. An object of
	// more than limit bytes is an error, as is one stored damaged; one the store does
	// not hold is plumbing.ErrObjectNotFound, or errNotInPacks for the pack reader
	// when the object is to be read through go-git.
	Object(h plumbing.Hash, limit int) (plumbing.ObjectType, []byte, error)
}

// errNotInPacks says the pack reader leaves an object to go-git: it is not in a pack
// in memory, or its pack or index is not one the reader reads.
var errNotInPacks = errors.New("not in a pack in memory")

// packStore reads objects with the pack reader of a walker.
type packStore struct{ w *walker }

var packTypes = [...]plumbing.ObjectType{packCommit: plumbing.CommitObject, packTree: plumbing.TreeObject,
	packBlob: plumbing.BlobObject, packTag: plumbing.TagObject}

func (s packStore) Object(h plumbing.Hash, limit int) (plumbing.ObjectType, []byte, error) {
	return s.w.packObject(h, limit, 0)
}

// packObject reads object h from the packs in memory, resolving deltas.
func (w *walker) packObject(h plumbing.Hash, limit, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > maxDeltaChain {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: delta chain longer than %d", h, maxDeltaChain)
	}
	raw, ok, err := w.readPacked(h, limit, -1)
	switch {
	case err != nil:
		return plumbing.InvalidObject, nil, err
	case !ok:
		return plumbing.InvalidObject, nil, errNotInPacks
	case raw.kind != packOFSDelta:
		return packTypes[raw.kind], raw.data, nil
	}
	target, ok := deltaSize(raw.data)
	if !ok || target > limit {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: delta of a wrong or too large size", h)
	}
	// The base may be bigger than the object made from it.
	typ, base, err := w.packObject(raw.base, maxTreeSize, depth+1)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	data, err := patch(base, raw.data, nil)
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, err)
	}
	return typ, data, nil
}

// gitStore reads objects through go-git's storage.
type gitStore struct{ st storer.EncodedObjectStorer }

func (s gitStore) Object(h plumbing.Hash, limit int) (typ plumbing.ObjectType, data []byte, err error) {
	// A damaged repository must not bring the build down, whatever go-git does with it.
	defer func() {
		if v := recover(); v != nil {
			typ, data, err = plumbing.InvalidObject, nil, fmt.Errorf("object %s: go-git: %v", h, v)
		}
	}()
	obj, err := s.st.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	size := obj.Size()
	if size < 0 || size > int64(limit) || size > math.MaxInt32 {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: size %d out of bounds", h, size)
	}
	rd, err := obj.Reader()
	if err != nil {
		return plumbing.InvalidObject, nil, err
	}
	defer rd.Close()
	// Read as it comes, not at the size claimed: at most one byte more than it says.
	data, err = io.ReadAll(io.LimitReader(rd, size+1))
	if err != nil {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, err)
	}
	if int64(len(data)) != size {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w", h, errInflate)
	}
	return obj.Type(), data, nil
}
