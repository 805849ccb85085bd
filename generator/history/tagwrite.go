package history

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// NewTag is an annotated tag for CreateTag to write.
type NewTag struct {
	// Name is the tag's name without refs/tags/, e.g. "plan/2026.1".
	Name string
	// Commit is the commit it names, by full hash; "" names the commit HEAD points at.
	Commit string
	// Tagger is who makes the tag, and when.
	Tagger Person
	// Message is the tag's message; a final newline is added when missing, as Git does.
	Message string
	// Sign, when not nil, signs the tag: it receives the tag object without its
	// signature and returns an armored signature (OpenPGP or SSH, as git tag -s makes
	// them), which is appended to the object, where git tag -v looks for it.
	Sign func(payload []byte) (string, error)
	// Force replaces a tag of the same name; without it, an existing tag is an error.
	Force bool
}

// ErrTagExists is returned (wrapped) by CreateTag when the tag exists and Force is not set.
var ErrTagExists = errors.New("the tag exists")

// CreateTag writes the annotated tag t in the repository around dir, and returns the
// hash of the commit it names. It writes the tag object and the reference
// refs/tags/<name>, and nothing else: the work tree and the index are not touched.
func CreateTag(dir string, t NewTag) (string, error) {
	if !refName(t.Name) {
		return "", fmt.Errorf("history: tag name %q is not usable as a Git reference", t.Name)
	}
	st, closeFn, err := writableStorage(dir)
	if err != nil {
		return "", err
	}
	defer closeFn()
	target, err := commitOf(st, t.Commit)
	if err != nil {
		return "", err
	}
	ref := plumbing.NewTagReferenceName(t.Name)
	if _, err := st.Reference(ref); err == nil && !t.Force {
		return "", fmt.Errorf("history: tag %s: %w", t.Name, ErrTagExists)
	} else if err != nil && !errors.Is(err, plumbing.ErrReferenceNotFound) {
		return "", fmt.Errorf("history: reading tag %s: %w", t.Name, err)
	}
	msg := t.Message
	if msg != "" && !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	tag := &object.Tag{
		Name:       t.Name,
		Tagger:     object.Signature{Name: t.Tagger.Name, Email: t.Tagger.Email, When: t.Tagger.When},
		Message:    msg,
		TargetType: plumbing.CommitObject,
		Target:     target,
	}
	if t.Sign != nil {
		unsigned := &plumbing.MemoryObject{}
		if err := tag.EncodeWithoutSignature(unsigned); err != nil {
			return "", fmt.Errorf("history: encoding the tag: %w", err)
		}
		payload, err := readObject(unsigned)
		if err != nil {
			return "", err
		}
		sig, err := t.Sign(payload)
		if err != nil {
			return "", err
		}
		if !strings.HasSuffix(sig, "\n") {
			sig += "\n"
		}
		tag.PGPSignature = sig
	}
	obj := st.NewEncodedObject()
	if err := tag.Encode(obj); err != nil {
		return "", fmt.Errorf("history: encoding the tag: %w", err)
	}
	h, err := st.SetEncodedObject(obj)
	if err != nil {
		return "", fmt.Errorf("history: writing the tag object: %w", err)
	}
	if err := st.SetReference(plumbing.NewHashReference(ref, h)); err != nil {
		return "", fmt.Errorf("history: writing refs/tags/%s: %w", t.Name, err)
	}
	return target.String(), nil
}

// HeadCommit returns the hash of the commit HEAD points at in the repository around dir.
func HeadCommit(dir string) (string, error) {
	st, closeFn, err := writableStorage(dir)
	if err != nil {
		return "", err
	}
	defer closeFn()
	h, err := commitOf(st, "")
	return h.String(), err
}

// HasCommit says whether the repository around dir holds the commit hash.
func HasCommit(dir, hash string) (bool, error) {
	st, closeFn, err := writableStorage(dir)
	if err != nil {
		return false, err
	}
	defer closeFn()
	if _, err := commitOf(st, hash); err != nil {
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// commitOf resolves hash ("" for HEAD) to a commit of st.
func commitOf(st *filesystem.Storage, hash string) (plumbing.Hash, error) {
	var h plumbing.Hash
	if hash == "" {
		ref, err := storer.ResolveReference(st, plumbing.HEAD)
		if err != nil {
			return h, fmt.Errorf("history: HEAD names no commit (make a first commit): %w", err)
		}
		h = ref.Hash()
	} else {
		if len(hash) != 40 || !plumbing.IsHash(hash) {
			return h, fmt.Errorf("history: %q is not a full commit hash", hash)
		}
		h = plumbing.NewHash(hash)
	}
	if _, err := object.GetCommit(st, h); err != nil {
		return h, fmt.Errorf("history: commit %s: %w", h, err)
	}
	return h, nil
}

// writableStorage opens a plain go-git storage on the repository around dir, for the
// few writes pspm makes (tags). The read paths use open, which maps the packs.
func writableStorage(dir string) (*filesystem.Storage, func(), error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, nil, fmt.Errorf("history: %w", err)
	}
	root, dot, _, err := findDotGit(abs)
	if err != nil {
		return nil, nil, err
	}
	st := filesystem.NewStorageWithOptions(dot, cache.NewObjectLRUDefault(),
		filesystem.Options{KeepDescriptors: true, AlternatesFS: osfs.New(filepath.VolumeName(root) + string(filepath.Separator))})
	return st, func() { _ = st.Close() }, nil
}

func readObject(o plumbing.EncodedObject) ([]byte, error) {
	rd, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// GitConfig is what pspm reads of Git's configuration to make a tag as git tag would.
type GitConfig struct {
	UserName, UserEmail string
	// SigningKey is user.signingKey: a key file (SSH), or a key id (OpenPGP).
	SigningKey string
	// Format is gpg.format: "openpgp" (the default), "ssh" or "x509".
	Format string
	// TagSign is tag.gpgSign: every annotated tag is signed.
	TagSign bool
}

// ReadGitConfig reads the configuration of the repository around dir, then the global
// one (GIT_CONFIG_GLOBAL, else $XDG_CONFIG_HOME/git/config, ~/.gitconfig,
// ~/.config/git/config); the repository's values win. include.path is not followed.
func ReadGitConfig(dir string) (GitConfig, error) {
	var c GitConfig
	abs, err := filepath.Abs(dir)
	if err != nil {
		return c, fmt.Errorf("history: %w", err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return c, fmt.Errorf("history: %w", err)
	}
	_, _, common, err := findDotGit(abs)
	if err != nil {
		return c, err
	}
	files := []string{filepath.Join(common, "config")}
	if g, ok := os.LookupEnv("GIT_CONFIG_GLOBAL"); ok {
		files = append(files, g)
	} else {
		if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
			files = append(files, filepath.Join(x, "git", "config"))
		}
		if home, err := os.UserHomeDir(); err == nil {
			files = append(files, filepath.Join(home, ".gitconfig"), filepath.Join(home, ".config", "git", "config"))
		}
	}
	set := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	var tagSign string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && len(b) == 0) {
			continue
		}
		if err != nil {
			return c, fmt.Errorf("history: reading %s: %w", f, err)
		}
		cfg := gitconfig.New()
		if err := gitconfig.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
			return c, fmt.Errorf("history: reading %s: %w", f, err)
		}
		set(&c.UserName, cfg.Section("user").Option("name"))
		set(&c.UserEmail, cfg.Section("user").Option("email"))
		set(&c.SigningKey, cfg.Section("user").Option("signingkey"))
		set(&c.Format, cfg.Section("gpg").Option("format"))
		set(&tagSign, cfg.Section("tag").Option("gpgsign"))
	}
	switch strings.ToLower(tagSign) {
	case "true", "yes", "on", "1":
		c.TagSign = true
	}
	if c.Format == "" {
		c.Format = "openpgp"
	}
	return c, nil
}

// Changed lists the files under the given paths (slash-separated, relative to the site
// folder dir: "content", "pspm.yaml") whose content on disk is not what the commit HEAD
// records: modified, added (untracked, ignored or not) or deleted. It reads the disk
// and HEAD's tree only, not Git's index: a file staged but not committed is changed.
// A path for which ignore (when not nil) returns true is left out on both sides, and so
// is a folder's content.
func Changed(dir string, paths []string, ignore func(path string) bool) ([]string, error) {
	if ignore == nil {
		ignore = func(string) bool { return false }
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if abs, err = filepath.EvalSymlinks(abs); err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	root, _, _, err := findDotGit(abs)
	if err != nil {
		return nil, err
	}
	site, err := filepath.Rel(root, abs)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	site = filepath.ToSlash(site)
	st, closeFn, err := writableStorage(abs)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	h, err := commitOf(st, "")
	if err != nil {
		return nil, err
	}
	c, err := object.GetCommit(st, h)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	committed := map[string]plumbing.Hash{} // path relative to the site -> blob
	for _, p := range paths {
		full := path.Join(site, p)
		e, err := tree.FindEntry(full)
		if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("history: %s: %w", full, err)
		}
		if e.Mode != filemode.Dir {
			committed[p] = e.Hash
			continue
		}
		sub, err := tree.Tree(full)
		if err != nil {
			return nil, fmt.Errorf("history: %s: %w", full, err)
		}
		err = sub.Files().ForEach(func(f *object.File) error {
			rel := path.Join(p, f.Name)
			for d := rel; d != p && d != "."; d = path.Dir(d) {
				if ignore(d) {
					return nil
				}
			}
			committed[rel] = f.Hash
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("history: %s: %w", full, err)
		}
	}
	var changed []string
	seen := map[string]bool{}
	for _, p := range paths {
		start := filepath.Join(abs, filepath.FromSlash(p))
		err := filepath.WalkDir(start, func(name string, d fs.DirEntry, err error) error {
			if errors.Is(err, fs.ErrNotExist) && name == start {
				return nil
			}
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(abs, name)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if d.Name() == ".git" || (name != start && ignore(rel)) {
					return filepath.SkipDir
				}
				return nil
			}
			if ignore(rel) {
				return nil
			}
			var data []byte
			if d.Type()&fs.ModeSymlink != 0 {
				target, err := os.Readlink(name)
				if err != nil {
					return err
				}
				data = []byte(target)
			} else if d.Type().IsRegular() {
				if data, err = os.ReadFile(name); err != nil {
					return err
				}
			}
			seen[rel] = true
			if want, ok := committed[rel]; !ok || plumbing.ComputeHash(plumbing.BlobObject, data) != want {
				changed = append(changed, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("history: reading the work tree: %w", err)
		}
	}
	for p := range committed {
		if !seen[p] {
			changed = append(changed, p)
		}
	}
	slices.Sort(changed)
	return changed, nil
}

// OnBranch says whether commit (a full hash) is the tip of branch, or one of its
// ancestors, in the repository around dir. A branch that does not exist holds nothing.
func OnBranch(dir, branch, commit string) (bool, error) {
	st, closeFn, err := writableStorage(dir)
	if err != nil {
		return false, err
	}
	defer closeFn()
	ref, err := storer.ResolveReference(st, plumbing.NewBranchReferenceName(branch))
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("history: reading branch %s: %w", branch, err)
	}
	if ref.Hash().String() == commit {
		return true, nil
	}
	c, err := commitOf(st, commit)
	if err != nil {
		return false, err
	}
	from, err := object.GetCommit(st, c)
	if err != nil {
		return false, fmt.Errorf("history: %w", err)
	}
	tip, err := object.GetCommit(st, ref.Hash())
	if err != nil {
		return false, fmt.Errorf("history: %w", err)
	}
	ok, err := from.IsAncestor(tip)
	if err != nil {
		return false, fmt.Errorf("history: walking %s: %w", branch, err)
	}
	return ok, nil
}
