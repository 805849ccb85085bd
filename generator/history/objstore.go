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
	// Object returns the type and content of object h, deltas resolved, checked
	// against h. An object of more than limit bytes is an error, as is one stored
	// damaged; one the store does not hold is plumbing.ErrObjectNotFound, or
	// errNotInPacks for the pack reader when the object is to be read through go-git.
	//
	// The pack reader is as strict as Git: a zlib stream must end where its header
	// says, its checksum intact (errInflate, zlib.ErrChecksum). go-git reads what
	// inflates and skips the checksum: where only those are damaged, it reads an
	// object that the pack reader refuses.
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
	typ, data, err := s.w.packObject(h, limit, 0)
	if err == nil {
		err = checkHash(h, typ, data)
	}
	return typ, data, err
}

// errWrongHash is an object whose content does not hash to the name it is read by.
var errWrongHash = errors.New("content does not match its hash (corrupt object)")

func checkHash(h plumbing.Hash, typ plumbing.ObjectType, data []byte) error {
	if got := plumbing.ComputeHash(typ, data); got != h {
		return fmt.Errorf("object %s: %w: it hashes to %s", h, errWrongHash, got)
	}
	return nil
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

func (s gitStore) Object(h plumbing.Hash, limit int) (plumbing.ObjectType, []byte, error) {
	return s.object(h, limit, 0)
}

func (s gitStore) object(h plumbing.Hash, limit, depth int) (typ plumbing.ObjectType, data []byte, err error) {
	if depth > maxDeltaChain {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: delta chain longer than %d", h, maxDeltaChain)
	}
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
	if !obj.Type().Valid() || obj.Type() == plumbing.OFSDeltaObject || obj.Type() == plumbing.REFDeltaObject {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: of type %s", h, obj.Type())
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
	// go-git takes an object's size from what inflates, not from its header in the
	// pack: a header that says another size is a corrupt pack here, as for the pack
	// reader.
	if claimed, err := s.st.EncodedObjectSize(h); err != nil || claimed != size {
		return plumbing.InvalidObject, nil, fmt.Errorf("object %s: %w: %d bytes claimed, %d inflated (%v)", h, errInflate, claimed, size, err)
	}
	// Nor does it judge a delta's base by its header: an object made from a damaged
	// base is damaged.
	if ds, ok := s.st.(storer.DeltaObjectStorer); ok {
		if d, err := ds.DeltaObject(plumbing.AnyObject, h); err == nil {
			if d, ok := d.(plumbing.DeltaObject); ok {
				if _, _, err := s.object(d.BaseHash(), maxTreeSize, depth+1); err != nil {
					return plumbing.InvalidObject, nil, err
				}
			}
		}
	}
	if err := checkHash(h, obj.Type(), data); err != nil {
		return plumbing.InvalidObject, nil, err
	}
	return obj.Type(), data, nil
}
