package history

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// CloneSpec says how to rebuild, in a fresh clone, the repository a portal was built
// from: the commit whose files were built, the branch whose history judged the votes
// and its tip, and the version tags the build read (every other tag is left out, so a
// tag made later does not show).
type CloneSpec struct {
	URL    string // the repository: a folder, file://, https://, ssh://
	Dir    string // where to clone; created, must not exist or be empty
	Commit string // checked out, detached
	Branch string // the branch (short name, e.g. "main") set to Head
	Head   string
	Tags   map[string]string // tag name (e.g. "plan/2025.1") -> the commit it names
}

// ErrMissing wraps a commit or a tag that the repository no longer has as recorded.
var ErrMissing = errors.New("not in the repository")

// CloneAt clones spec.URL into spec.Dir with its whole history, points spec.Branch at
// spec.Head, keeps only the tags of spec.Tags (each must name its recorded commit), and
// checks spec.Commit out.
func CloneAt(ctx context.Context, spec CloneSpec) error {
	if err := os.MkdirAll(spec.Dir, 0o755); err != nil {
		return err
	}
	repo, err := git.PlainCloneContext(ctx, spec.Dir, false, &git.CloneOptions{URL: spec.URL, NoCheckout: true, Tags: git.AllTags})
	if err != nil {
		return fmt.Errorf("cloning %s: %w", redact(spec.URL), err)
	}
	need := func(what, h string) (plumbing.Hash, error) {
		hash := plumbing.NewHash(h)
		if len(h) != 40 || hash.String() != strings.ToLower(h) {
			return plumbing.ZeroHash, fmt.Errorf("%s %q is not a commit hash", what, h)
		}
		if _, err := repo.CommitObject(hash); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("%s %.12s: %w", what, h, ErrMissing)
		}
		return hash, nil
	}
	commit, err := need("commit", spec.Commit)
	if err != nil {
		return err
	}
	if spec.Branch != "" {
		if err := plumbing.NewBranchReferenceName(spec.Branch).Validate(); err != nil || strings.Contains(spec.Branch, "..") {
			return fmt.Errorf("branch %q is not a valid branch name", spec.Branch)
		}
		head, err := need("the tip of "+spec.Branch, spec.Head)
		if err != nil {
			return err
		}
		if err := repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName(spec.Branch), head)); err != nil {
			return err
		}
	}
	refs, err := repo.Tags()
	if err != nil {
		return err
	}
	found := map[string]bool{}
	var drop []plumbing.ReferenceName
	err = refs.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().Short()
		want, ok := spec.Tags[name]
		if !ok {
			drop = append(drop, ref.Name())
			return nil
		}
		c := ref.Hash()
		if t, err := repo.TagObject(c); err == nil {
			cm, err := t.Commit()
			if err != nil {
				return fmt.Errorf("tag %s: %w", name, err)
			}
			c = cm.Hash
		} else if !errors.Is(err, plumbing.ErrObjectNotFound) {
			return err
		}
		if c.String() != want {
			return fmt.Errorf("tag %s names commit %.12s, the build read it at %.12s: %w", name, c, want, ErrMissing)
		}
		found[name] = true
		return nil
	})
	if err != nil {
		return err
	}
	for name := range spec.Tags {
		if !found[name] {
			return fmt.Errorf("tag %s: %w", name, ErrMissing)
		}
	}
	for _, n := range drop {
		if err := repo.Storer.RemoveReference(n); err != nil {
			return err
		}
	}
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	if err := wt.Checkout(&git.CheckoutOptions{Hash: commit, Force: true}); err != nil {
		return fmt.Errorf("checking out %.12s: %w", commit, err)
	}
	return nil
}
