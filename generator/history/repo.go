package history

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// repo is an open repository and what Options resolved to.
type repo struct {
	dot     *packFS             // the Git folder, to open more storages on
	root    billy.Filesystem    // the file system's root, where alternates are found
	st      *filesystem.Storage // the storage refs and the chain are read with
	site    string              // site folder relative to the root, "" or ending in "/"
	prefix  string              // repository folder whose files count, ending in "/"
	branch  string              // full reference name read
	tip     plumbing.Hash       // tip of the branch
	shallow map[plumbing.Hash]bool

	packOnce sync.Once
	packList []*pack // see packs

	maxObject int64 // Options.MaxObjectSize; 0 for the built-in bounds
}

// openRepo finds the repository around o.Dir, opens it and resolves the branch.
// The caller closes it.
func openRepo(o Options) (*repo, error) {
	r, err := openLimited(o)
	if err != nil {
		return nil, err
	}
	r.prefix = r.site + "content/"
	if o.Prefix != "" {
		prefix := path.Clean(filepath.ToSlash(o.Prefix)) + "/"
		if prefix == "./" {
			prefix = ""
		}
		if path.IsAbs(prefix) || strings.HasPrefix(prefix, "../") || !strings.HasPrefix(prefix, r.site) {
			r.close()
			return nil, fmt.Errorf("history: prefix %q is not inside the site folder %q of the repository", o.Prefix, r.site)
		}
		r.prefix = prefix
	}
	if o.Revision != "" {
		c, err := newWalker(&plan{r: r}, r.st).revision(o.Revision)
		if err != nil {
			r.close()
			return nil, err
		}
		r.branch, r.tip = o.Revision, c.hash
		return r, nil
	}
	if err := r.resolve(o.Branch); err != nil {
		r.close()
		return nil, err
	}
	return r, nil
}

// openLimited is open, with the bound of o.MaxObjectSize on the objects read.
func openLimited(o Options) (*repo, error) {
	r, err := open(o.Dir)
	if err != nil {
		return nil, err
	}
	if o.MaxObjectSize < 0 {
		r.close()
		return nil, fmt.Errorf("history: MaxObjectSize %d is negative", o.MaxObjectSize)
	}
	r.maxObject = o.MaxObjectSize
	return r, nil
}

// open finds the repository around dir and opens it, with no branch resolved.
// The caller closes it.
func open(dir string) (*repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	// Git itself works on the real path: a site reached through a symbolic link
	// still belongs to the repository around its target.
	dir, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	root, dot, common, err := findDotGit(dir)
	if err != nil {
		return nil, err
	}
	site, err := filepath.Rel(root, dir)
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	site = filepath.ToSlash(site)
	if site == "." {
		site = ""
	} else {
		site += "/"
	}

	r := &repo{dot: newPackFS(dot, common), site: site,
		root: osfs.New(filepath.VolumeName(root) + string(filepath.Separator))}
	r.st = r.storage()
	shallow, err := r.st.Shallow()
	if err != nil {
		r.close()
		return nil, fmt.Errorf("history: reading the shallow list: %w", err)
	}
	if len(shallow) > 0 {
		r.shallow = make(map[plumbing.Hash]bool, len(shallow))
		for _, h := range shallow {
			r.shallow[h] = true
		}
	}
	return r, nil
}

// storage opens a storage on the repository. Each walker has its own: a go-git storage
// is not safe for concurrent use. A walk takes a second or two and only reads, so
// the list of loose objects is read once (ExclusiveAccess) instead of trying to open
// a file for each object read.
//
// Alternates (objects/info/alternates, written by git clone --shared) name other
// object folders by absolute path, which go-git resolves inside the Git folder unless
// it is given the file system root to resolve them on.
func (r *repo) storage() *filesystem.Storage {
	return filesystem.NewStorageWithOptions(r.dot, cache.NewObjectLRUDefault(),
		filesystem.Options{KeepDescriptors: true, ExclusiveAccess: true, AlternatesFS: r.root})
}

// close closes the repository. Every other storage opened on it must be closed first.
func (r *repo) close() {
	_ = r.st.Close() // read-only: nothing to lose
	r.dot.close()
}

// findDotGit walks up from dir to the folder holding .git, as Git does, and returns
// that folder and the repository's Git folder, following a "gitdir:" file and a linked
// work tree's commondir, and the folder that holds its objects.
func findDotGit(dir string) (root string, dot billy.Filesystem, common string, err error) {
	root = dir
	var fi fs.FileInfo
	for {
		fi, err = os.Stat(filepath.Join(root, ".git"))
		if err == nil {
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", nil, "", fmt.Errorf("history: %w", err)
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", nil, "", ErrNotRepository
		}
		root = parent
	}
	gitDir := filepath.Join(root, ".git")
	if !fi.IsDir() {
		b, err := os.ReadFile(gitDir)
		if err != nil {
			return "", nil, "", fmt.Errorf("history: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		target, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
		if !ok {
			return "", nil, "", fmt.Errorf("history: %s is neither a folder nor a \"gitdir:\" file", gitDir)
		}
		target = strings.TrimSpace(target)
		if !filepath.IsAbs(target) {
			target = filepath.Join(root, target)
		}
		gitDir = target
	}
	if fi, err := os.Stat(gitDir); err != nil || !fi.IsDir() {
		return "", nil, "", fmt.Errorf("history: %s: Git folder not found", gitDir)
	}
	dot = osfs.New(gitDir)
	common = gitDir
	// A linked work tree (git worktree add) keeps HEAD and its index apart, and objects
	// and branches in the common folder named by "commondir".
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		common = strings.TrimSpace(string(b))
		if !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
		dot = dotgit.NewRepositoryFilesystem(dot, osfs.New(common))
	}
	return root, dot, common, nil
}

// resolve finds the tip of the branch.
func (r *repo) resolve(branch string) error {
	if branch == "" {
		branch = "main"
	}
	name := plumbing.ReferenceName(branch)
	if branch != "HEAD" && !strings.HasPrefix(branch, "refs/") {
		name = plumbing.NewBranchReferenceName(branch)
	}
	ref, err := storer.ResolveReference(r.st, name)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		have, lerr := r.branches()
		if lerr != nil {
			return fmt.Errorf("history: branch %q not found, and listing branches failed: %w", branch, lerr)
		}
		return &BranchError{Branch: branch, Have: have}
	}
	if err != nil {
		return fmt.Errorf("history: reading branch %q: %w", branch, err)
	}
	r.branch = name.String()
	r.tip = ref.Hash()
	return nil
}

// branches lists the local branches by short name, then remote-tracking ones by full
// name, each group sorted.
func (r *repo) branches() ([]string, error) {
	iter, err := r.st.IterReferences()
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var local, remote []string
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		switch n := ref.Name(); {
		case n.IsBranch():
			local = append(local, n.Short())
		case n.IsRemote() && !strings.HasSuffix(n.String(), "/HEAD"):
			remote = append(remote, n.String())
		}
		return nil
	})
	slices.Sort(local)
	slices.Sort(remote)
	return append(local, remote...), err
}
