package history

import (
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Tag is a tag of the repository, as the plan versions need it: what it names, who
// made it, and its signature with the exact bytes that signature signs, so that a
// verifier that does not read Git can check it.
type Tag struct {
	// Name is the tag's name without refs/tags/, e.g. "plan/2025.1".
	Name string
	// Ref is the hash the reference points at: the tag object for an annotated tag,
	// the tagged object itself for a lightweight one.
	Ref string
	// Commit is the commit the tag finally names, peeled through tags of tags; ""
	// when it names a tree or a blob instead.
	Commit string
	// CommitTime is Commit's committer time; zero when Commit is "".
	CommitTime time.Time
	// Annotated says that Ref is a tag object (git tag -a, -s or -m). Tagger,
	// Message, Signature and Payload are those of that object, the outer one for a
	// tag of a tag; all empty for a lightweight tag.
	Annotated bool
	Tagger    Person
	// Message is the tag's whole message, without the signature block.
	Message string
	// Signature is the armored signature at the end of the tag object: OpenPGP
	// ("-----BEGIN PGP SIGNATURE-----"), SSH ("-----BEGIN SSH SIGNATURE-----", from
	// git tag -s with gpg.format=ssh; verify it in the "git" namespace) or X.509; ""
	// when the tag is not signed. It says nothing about whether it is valid.
	Signature string
	// Payload is the bytes Signature signs, exactly as Git signed them: the tag
	// object without its signature. "" when the tag is not signed.
	Payload string
}

// TagError says that one tag could not be read: the object it names is missing, is
// not what the tag says it is, or cannot be decoded. Tags leaves that tag out and
// returns the others.
type TagError struct {
	Name string // the tag, without refs/tags/
	Err  error
}

// Error names the tag and says what is wrong with it.
func (e *TagError) Error() string {
	return fmt.Sprintf("history: tag %q: %s", e.Name, strings.TrimPrefix(e.Err.Error(), "history: "))
}

func (e *TagError) Unwrap() error { return e.Err }

// Tags lists the tags whose names (without refs/tags/) match pattern, in path.Match
// syntax ("plan/*" matches "plan/2025.1" but neither "plan/a/b" nor "release/1"), sorted
// by name; "" matches every tag. Tags in packed-refs and loose ones alike are listed.
// The repository is the one around o.Dir; o.Branch and o.Prefix are not used.
//
// A tag that cannot be read (an object missing or corrupt: see TagError) does not hide
// the others: they are returned with an error that joins one *TagError per tag left
// out, in name order, so a caller can warn about those and go on (errors.As finds the
// first). Any other error (ErrNotRepository, a malformed pattern, unreadable
// references) comes with no tags.
func Tags(o Options, pattern string) ([]Tag, error) {
	if pattern != "" {
		if _, err := path.Match(pattern, ""); err != nil {
			return nil, fmt.Errorf("history: tag pattern %q: %w (see the syntax of Go's path.Match, e.g. \"plan/*\")", pattern, err)
		}
	}
	r, err := openLimited(o)
	if err != nil {
		return nil, err
	}
	defer r.close()
	refs, err := r.tagRefs(pattern)
	if err != nil {
		return nil, err
	}
	w := newWalker(&plan{r: r}, r.st)
	tags := make([]Tag, 0, len(refs))
	var errs []error
	for _, ref := range refs {
		name := ref.Name().Short()
		t, err := w.tag(ref)
		if err != nil {
			errs = append(errs, &TagError{Name: name, Err: err})
			continue
		}
		t.Name = name
		tags = append(tags, t)
	}
	return tags, errors.Join(errs...)
}

// tagRefs returns the references under refs/tags/ whose short names match pattern,
// sorted by name.
func (r *repo) tagRefs(pattern string) ([]*plumbing.Reference, error) {
	iter, err := r.st.IterReferences()
	if err != nil {
		return nil, fmt.Errorf("history: reading the tags: %w", err)
	}
	defer iter.Close()
	var refs []*plumbing.Reference
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		if !ref.Name().IsTag() {
			return nil
		}
		if pattern != "" {
			if ok, _ := path.Match(pattern, ref.Name().Short()); !ok {
				return nil
			}
		}
		refs = append(refs, ref)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("history: reading the tags: %w", err)
	}
	slices.SortFunc(refs, func(a, b *plumbing.Reference) int { return strings.Compare(a.Name().String(), b.Name().String()) })
	// A reference is listed once, but loose and packed-refs are two lists: never trust
	// a store to be consistent.
	refs = slices.CompactFunc(refs, func(a, b *plumbing.Reference) bool { return a.Name() == b.Name() })
	return refs, nil
}

// maxTagChain bounds the tags of tags followed to reach the tagged object. Git makes
// such chains only when asked to tag a tag; a cycle is impossible with sound hashes,
// but the store is never trusted not to hold one.
const maxTagChain = 64

// tag reads the tag that ref names, peeling it down to a commit.
func (w *walker) tag(ref *plumbing.Reference) (Tag, error) {
	if ref.Type() == plumbing.SymbolicReference {
		resolved, err := storer.ResolveReference(w.st, ref.Name())
		if err != nil {
			return Tag{}, fmt.Errorf("resolving %s: %w", ref.Target(), err)
		}
		ref = resolved
	}
	h := ref.Hash()
	t := Tag{Ref: h.String()}
	want := plumbing.AnyObject // what the object that points at h says it is
	for depth := 0; ; depth++ {
		if depth > maxTagChain {
			return Tag{}, fmt.Errorf("more than %d tags of tags before a commit", maxTagChain)
		}
		kind, err := w.kind(h)
		if err != nil {
			return Tag{}, err
		}
		if want != plumbing.AnyObject && kind != want {
			return Tag{}, fmt.Errorf("the tag object names %s as a %s, but it is a %s", h, want, kind)
		}
		switch kind {
		case plumbing.TagObject:
			obj, err := fastStorage{w.st, w}.EncodedObject(plumbing.TagObject, h)
			if err != nil {
				return Tag{}, fmt.Errorf("reading tag object %s: %w", h, err)
			}
			ot, payload, err := decodeTag(obj)
			if err != nil {
				return Tag{}, fmt.Errorf("tag object %s: %w", h, err)
			}
			if depth == 0 {
				t.Annotated = true
				t.Tagger = Person{Name: ot.Tagger.Name, Email: ot.Tagger.Email, When: ot.Tagger.When}
				t.Message, t.Signature, t.Payload = ot.Message, ot.PGPSignature, payload
			}
			h, want = ot.Target, ot.TargetType
		case plumbing.CommitObject:
			c, err := w.commit(h)
			if err != nil {
				return Tag{}, err
			}
			t.Commit, t.CommitTime = c.hash.String(), c.committer.When
			return t, nil
		default: // a tree or a blob: the caller says what it makes of it
			return t, nil
		}
	}
}

// decodeTag decodes a tag object, and returns the bytes its signature signs, "" when it
// is not signed.
//
// go-git (v5.19) takes the last line of the message that starts an armored OpenPGP,
// SSH or X.509 signature block as the start of the signature, as Git does
// (parse_signed_buffer), and its EncodeWithoutSignature gives the object cut there,
// byte for byte, less any gpgsig header as Git's remove_signature. TestSSHSignedTag
// and TestOpenPGPSignedTag check both against real verifiers.
func decodeTag(obj plumbing.EncodedObject) (*object.Tag, string, error) {
	t := &object.Tag{}
	if err := t.Decode(obj); err != nil {
		return nil, "", err
	}
	if t.PGPSignature == "" {
		return t, "", nil
	}
	signed := &plumbing.MemoryObject{}
	if err := t.EncodeWithoutSignature(signed); err != nil {
		return nil, "", fmt.Errorf("cutting off the signature: %w", err)
	}
	rd, err := signed.Reader()
	if err != nil {
		return nil, "", err
	}
	payload, err := io.ReadAll(rd)
	if err != nil {
		return nil, "", err
	}
	return t, string(payload), nil
}

// kind returns the type of object h, without inflating it when a pack in memory holds
// it whole.
func (w *walker) kind(h plumbing.Hash) (plumbing.ObjectType, error) {
	raw, ok, err := w.readPacked(h, math.MaxInt, 0)
	if err != nil {
		return plumbing.InvalidObject, err
	}
	if ok {
		switch raw.kind {
		case packCommit:
			return plumbing.CommitObject, nil
		case packTree:
			return plumbing.TreeObject, nil
		case packBlob:
			return plumbing.BlobObject, nil
		case packTag:
			return plumbing.TagObject, nil
		}
		// A delta takes its base's type: go-git rebuilds it.
	}
	obj, err := w.st.EncodedObject(plumbing.AnyObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return plumbing.InvalidObject, fmt.Errorf("object %s is missing from the repository (fetch it with git fetch --tags): %w", h, err)
	}
	if err != nil {
		return plumbing.InvalidObject, fmt.Errorf("reading object %s: %w", h, err)
	}
	return obj.Type(), nil
}
