package history

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/memory"
)

// A source's cache folder (FetchOptions.Dir) holds:
//
//	repo/.git    the clone: a bare repository (objects and references, no work tree)
//	source.json  what repo/ holds (fetchMeta), written last: a cache without it is not used
//	.clone-*     a clone in progress, moved to repo/ once complete and within limits
//
// Nothing is ever checked out: the build reads the source's files from Git's objects
// (ReadSource), so a symbolic link, a folder thousands of levels deep or a huge file in
// a source never reaches the disk. Keeping the clone one level down lets a fresh clone
// be made beside the old one and swapped in only when it is complete.
//
// Caches of earlier releases checked the source out into repo/; Fetch removes that
// work tree (cacheLayout) and keeps the history.
const (
	workDir    = "repo"
	metaFile   = "source.json"
	cloneTemp  = ".clone-"
	remoteName = "origin"

	// cacheLayout is the layout of the cache folder recorded in source.json: 2 is a
	// clone without work tree; 0 (absent) the checked-out clone of earlier releases.
	cacheLayout = 2

	defaultFetchTimeout = 5 * time.Minute
)

// FetchOptions says which repository to bring into a cache folder.
type FetchOptions struct {
	// URL is the repository: https://…, ssh://…, git@host:path, file://… or a local
	// path. Credentials in it are used, and never shown in errors.
	URL string
	// Ref is a branch or a tag name, looked up in that order; "" is the remote's
	// default branch (what its HEAD points to).
	Ref string
	// Dir is the cache folder of this source, e.g. <site>/.pspm/sources/<SourceName>;
	// it is created if missing. Fetch owns everything in it, and writes nothing outside.
	// One Fetch at a time per folder.
	Dir string
	// Offline forbids the network: Fetch uses what Dir holds.
	Offline bool
	// Timeout bounds the whole fetch; 0 means 5 minutes.
	Timeout time.Duration
	// Progress, when not nil, receives go-git's progress lines for a long fetch. Only
	// some transports send any.
	Progress io.Writer
	// Limits bound what a fetch may bring; a zero field takes its default. A fetch that
	// exceeds one is refused (a *LimitError) and the copy fetched before is kept.
	Limits SourceLimits
	// Shallow fetches only the commit Ref names, without its history (depth 1): for a
	// source whose files are read but whose history is not (publiccode, agid-plan). When
	// the ref moves, the copy is replaced by a shallow clone of the new commit, so that
	// the cache holds one commit's objects whatever the source's age; Rewritten is never
	// set, since there is no history to tell. A shallow copy is never used for a source
	// that is not shallow: it is cloned afresh, with its history.
	Shallow bool
}

// Fetched says what is in the cache after Fetch.
type Fetched struct {
	// Commit is the hash (hexadecimal) of the commit the ref points to in the cache.
	Commit string
	// Dir is the clone in the cache, FetchOptions.Dir/repo: a folder holding only .git,
	// the source's objects and references, nothing checked out. The build reads the
	// source's files with ReadSource(Dir, Commit, …) and its history with
	// Load(Options{Dir: Dir, Branch: "HEAD"}): HEAD is the fetched branch, or Commit
	// itself for a tag.
	Dir string
	// Stale says this is the copy of an earlier fetch: the fetch failed, or was not
	// tried (Offline).
	Stale bool
	// Fetched is when the cache was last brought up to date successfully.
	Fetched time.Time
	// Rewritten says the ref moved to a commit that does not descend from the one
	// cached before (a force push, or a tag moved to another line of history): the
	// cache was reset to it, and what was built from the old history may no longer hold.
	Rewritten bool
	// Err says, with Stale, why the source could not be fetched; nil when Offline.
	Err error
}

// fetchMeta is source.json: what the clone beside it holds, and for which source.
type fetchMeta struct {
	URL     string    `json:"url"`     // FetchOptions.URL without credentials
	Ref     string    `json:"ref"`     // FetchOptions.Ref as given
	Name    string    `json:"name"`    // the reference Ref resolved to, e.g. "refs/heads/main"
	Commit  string    `json:"commit"`  // Fetched.Commit
	Fetched time.Time `json:"fetched"` // Fetched.Fetched
	Layout  int       `json:"layout"`  // cacheLayout when written
	// Tip is the hash the reference named when fetched (for an annotated tag, the tag
	// object's): a remote that still names it has nothing new, and is not fetched from.
	Tip string `json:"tip,omitempty"`
	// Shallow says the clone holds only Commit, without its history (FetchOptions.Shallow).
	Shallow bool `json:"shallow,omitempty"`
}

// Fetch brings the repository at o.URL, ref o.Ref, into o.Dir: a clone without work
// tree the first time, then a fetch of that ref. It returns an error only when there is no usable copy at all (the first fetch
// failed, or Offline with an empty cache); any later failure gives the cached copy with
// Stale set and Err saying why, so that one source that cannot be reached never breaks
// a build.
//
// Only the one ref is fetched (with the tag object, for a tag), with its whole history:
// the build traces votes in a source to the source's own commits. With o.Shallow only
// its last commit is fetched, for a source whose history is not read. The remote's
// references are listed first: when the ref still names what the cache holds, nothing
// more is asked of the remote; otherwise only the objects the cache lacks are fetched
// (a shallow copy is cloned again at the new commit). A cache made for another URL or
// ref, or one that cannot be opened, is replaced by a fresh clone, made beside it and
// swapped in only once complete.
//
// Nothing is checked out, so a source is another body's data that never becomes files:
// nothing it commits (symbolic links included) makes Fetch write or remove anything
// outside the clone. What it brings is bounded by o.Limits: the pack received (its
// size, its object count, each object's size, read from the stream before go-git
// inflates the object) and the fetched commit's tree (depth and entries). A fetch
// over a limit leaves the cache as it was, and Fetch returns it as Stale with Err a
// *LimitError (or the error, if nothing was fetched before). The credentials of
// o.URL are used for the transfer and never written into the clone's configuration.
func Fetch(ctx context.Context, o FetchOptions) (Fetched, error) {
	if o.URL == "" || o.Dir == "" {
		return Fetched{}, errors.New("history: fetching a source needs its URL and a cache folder")
	}
	o.Limits = o.Limits.withDefaults()
	work := filepath.Join(o.Dir, workDir)
	migrate(o.Dir)
	before, _ := readMeta(o.Dir)
	if o.Offline {
		meta, err := cached(o)
		if err != nil {
			return Fetched{}, fmt.Errorf("history: offline: no copy of %s in %s (%v); run pspm build once without --offline to fetch it",
				describe(o), o.Dir, err)
		}
		return Fetched{Commit: meta.Commit, Dir: work, Stale: true, Fetched: meta.Fetched}, nil
	}

	timeout := o.Timeout
	if timeout <= 0 {
		timeout = defaultFetchTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	f, err := fetch(ctx, o, before)
	if err == nil {
		return f, nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("not done within %v: %w", timeout, err)
	}
	err = &fetchError{url: o.URL, ref: o.Ref, err: err}
	// Whether the old copy survived is decided by what is on disk now: a failed
	// update that had started replacing it has removed source.json first.
	meta, cerr := cached(o)
	if cerr != nil {
		return Fetched{}, err
	}
	return Fetched{Commit: meta.Commit, Dir: work, Stale: true, Fetched: meta.Fetched, Err: err}, nil
}

// fetch does Fetch's work online; before is what the cache said it held.
func fetch(ctx context.Context, o FetchOptions, before fetchMeta) (Fetched, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return Fetched{}, err
	}
	root, err := os.OpenRoot(o.Dir)
	if err != nil {
		return Fetched{}, err
	}
	defer root.Close()
	if err := removeLeftovers(root); err != nil {
		return Fetched{}, err
	}
	ref, err := resolveRef(ctx, o)
	if err != nil {
		return Fetched{}, err
	}
	name := ref.Name()
	// The commit cached before for this same source, for Rewritten.
	var old plumbing.Hash
	if before.URL == identity(o.URL) && before.Ref == o.Ref && !o.Shallow {
		old = plumbing.NewHash(before.Commit)
	}
	meta, err := cached(o)
	if err == nil && meta.Name == name.String() && meta.Shallow == o.Shallow {
		if meta.Tip == ref.Hash().String() { // nothing new upstream
			return finish(root, o, name, plumbing.NewHash(meta.Commit), ref.Hash(), false)
		}
		if o.Shallow {
			return cloneFresh(ctx, o, root, name, old)
		}
		f, uerr := update(ctx, o, root, name, old)
		if uerr == nil {
			return f, nil
		}
		var limit *LimitError
		if ctx.Err() != nil || errors.As(uerr, &limit) {
			return Fetched{}, uerr // the old copy stays
		}
		// The network answered, so the cache itself may be at fault: start over.
		f, cerr := cloneFresh(ctx, o, root, name, old)
		if cerr != nil {
			return Fetched{}, fmt.Errorf("%w (and cloning it afresh failed too: %v)", uerr, cerr)
		}
		return f, nil
	}
	return cloneFresh(ctx, o, root, name, old)
}

// update fetches the ref into the cached clone and moves HEAD to its commit.
func update(ctx context.Context, o FetchOptions, root *os.Root, name plumbing.ReferenceName, old plumbing.Hash) (Fetched, error) {
	work := filepath.Join(o.Dir, workDir)
	r, err := openClone(work, o.Limits)
	if err != nil {
		return Fetched{}, err
	}
	local := localName(name)
	err = r.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remoteName,
		RemoteURL:  o.URL,
		RefSpecs:   []config.RefSpec{config.RefSpec("+" + name.String() + ":" + local.String())},
		Tags:       git.NoTags,
		Force:      true,
		Progress:   o.Progress,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		// A pack refused half way leaves a temporary file behind; the references
		// and HEAD were not touched.
		removeTempPacks(work)
		return Fetched{}, err
	}
	commit, tip, err := peel(r, local)
	if err != nil {
		return Fetched{}, err
	}
	if commit != old {
		if err := checkTree(r, commit, o.Limits); err != nil {
			return Fetched{}, err // HEAD still names the copy fetched before
		}
	}
	rewritten, err := isRewrite(r, old, commit)
	if err != nil {
		return Fetched{}, err
	}
	if commit != old {
		// From here the old copy is being replaced: without source.json it is no
		// longer offered as a stale copy, should this fail or be interrupted.
		if err := root.Remove(metaFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Fetched{}, err
		}
		if err := setHead(r, name, commit); err != nil {
			return Fetched{}, err
		}
	}
	return finish(root, o, name, commit, tip, rewritten)
}

// cloneFresh clones the ref into a new folder in the cache (only its last commit when
// o.Shallow), checks that it is within the limits, and only then replaces the cached
// clone with it.
func cloneFresh(ctx context.Context, o FetchOptions, root *os.Root, name plumbing.ReferenceName, old plumbing.Hash) (Fetched, error) {
	tmp, err := os.MkdirTemp(o.Dir, cloneTemp+"*")
	if err != nil {
		return Fetched{}, err
	}
	tmpName := filepath.Base(tmp)
	defer root.RemoveAll(tmpName) // nothing left once renamed

	st := newLimitedStorage(filepath.Join(tmp, gitFolder), o.Limits)
	defer st.Close()
	depth := 0
	if o.Shallow {
		depth = 1
	}
	r, err := git.CloneContext(ctx, st, nil, &git.CloneOptions{
		URL:           o.URL,
		RemoteName:    remoteName,
		ReferenceName: name,
		SingleBranch:  true,
		NoCheckout:    true,
		Depth:         depth,
		Tags:          git.NoTags,
		Progress:      o.Progress,
	})
	if err != nil {
		return Fetched{}, err
	}
	// The remote's URL is kept without its credentials: every fetch passes the URL
	// with them, and nothing on disk needs to hold them.
	cfg, err := r.Config()
	if err != nil {
		return Fetched{}, err
	}
	if rc := cfg.Remotes[remoteName]; rc != nil {
		rc.URLs = []string{identity(o.URL)}
	}
	if err := r.SetConfig(cfg); err != nil {
		return Fetched{}, err
	}
	commit, tip, err := peel(r, localName(name))
	if err != nil {
		return Fetched{}, err
	}
	if err := checkTree(r, commit, o.Limits); err != nil {
		return Fetched{}, err
	}
	rewritten, err := isRewrite(r, old, commit)
	if err != nil {
		return Fetched{}, err
	}
	if err := setHead(r, name, commit); err != nil {
		return Fetched{}, err
	}
	if err := st.Close(); err != nil {
		return Fetched{}, err
	}
	if err := root.Remove(metaFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Fetched{}, err
	}
	if err := root.RemoveAll(workDir); err != nil {
		return Fetched{}, err
	}
	if err := root.Rename(tmpName, workDir); err != nil {
		return Fetched{}, err
	}
	return finish(root, o, name, commit, tip, rewritten)
}

// finish records what the cache now holds (commit, which the reference name named as
// tip), and says it.
func finish(root *os.Root, o FetchOptions, name plumbing.ReferenceName, commit, tip plumbing.Hash, rewritten bool) (Fetched, error) {
	now := time.Now().UTC().Round(0)
	meta := fetchMeta{URL: identity(o.URL), Ref: o.Ref, Name: name.String(), Commit: commit.String(), Fetched: now, Layout: cacheLayout,
		Tip: tip.String(), Shallow: o.Shallow}
	if err := writeMeta(root, meta); err != nil {
		return Fetched{}, err
	}
	return Fetched{Commit: meta.Commit, Dir: filepath.Join(o.Dir, workDir), Fetched: now, Rewritten: rewritten}, nil
}

// writeMeta writes source.json, whole or not at all.
func writeMeta(root *os.Root, meta fetchMeta) error {
	b, err := json.MarshalIndent(meta, "", "\t")
	if err != nil {
		return err
	}
	if err := root.WriteFile(metaFile+".tmp", append(b, '\n'), 0o644); err != nil {
		return err
	}
	return root.Rename(metaFile+".tmp", metaFile)
}

// migrate turns the cache of an earlier release, a clone checked out in repo/, into
// this layout: the work tree is removed (without following any link in it), the
// history kept. A cache that cannot be converted loses its source.json, so that the
// next online fetch clones the source afresh.
func migrate(dir string) {
	meta, err := readMeta(dir)
	if err != nil || meta.Layout >= cacheLayout {
		return
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return
	}
	defer root.Close()
	err = func() error {
		entries, err := fs.ReadDir(root.FS(), workDir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if e.Name() == gitFolder {
				continue
			}
			if err := root.RemoveAll(filepath.Join(workDir, e.Name())); err != nil {
				return err
			}
		}
		if err := root.Remove(filepath.Join(workDir, gitFolder, "index")); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		// Its configuration named the source's URL with its credentials.
		r, err := openClone(filepath.Join(dir, workDir), SourceLimits{})
		if err != nil {
			return err
		}
		cfg, err := r.Config()
		if err != nil {
			return err
		}
		if rc := cfg.Remotes[remoteName]; rc != nil {
			rc.URLs = []string{meta.URL}
			if err := r.SetConfig(cfg); err != nil {
				return err
			}
		}
		meta.Layout = cacheLayout
		return writeMeta(root, meta)
	}()
	if err != nil {
		_ = root.Remove(metaFile)
	}
}

// removeLeftovers removes what an interrupted Fetch left in the cache folder.
func removeLeftovers(root *os.Root) error {
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), cloneTemp) || e.Name() == metaFile+".tmp" {
			if err := root.RemoveAll(e.Name()); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolveRef asks the remote which reference o.Ref names, and what it names: the
// branch, else the tag of that name, or for "" the branch its HEAD points to.
func resolveRef(ctx context.Context, o FetchOptions) (*plumbing.Reference, error) {
	remote := git.NewRemote(memory.NewStorage(), &config.RemoteConfig{Name: remoteName, URLs: []string{o.URL}})
	refs, err := remote.ListContext(ctx, &git.ListOptions{PeelingOption: git.IgnorePeeled})
	if err != nil {
		return nil, err
	}
	have := make(map[plumbing.ReferenceName]*plumbing.Reference, len(refs))
	var branches []string
	for _, ref := range refs {
		have[ref.Name()] = ref
		if ref.Name().IsBranch() {
			branches = append(branches, ref.Name().Short())
		}
	}
	if o.Ref == "" {
		head := have[plumbing.HEAD]
		if head != nil && head.Type() == plumbing.SymbolicReference && head.Target().IsBranch() && have[head.Target()] != nil {
			return have[head.Target()], nil
		}
		return nil, errors.New("the repository does not say which branch is its default (HEAD); set the source's ref to a branch or a tag")
	}
	for _, name := range []plumbing.ReferenceName{plumbing.NewBranchReferenceName(o.Ref), plumbing.NewTagReferenceName(o.Ref)} {
		if err := name.Validate(); err != nil {
			return nil, fmt.Errorf("ref %q is not a valid branch or tag name", o.Ref)
		}
		if ref := have[name]; ref != nil {
			return ref, nil
		}
	}
	slices.Sort(branches)
	const shown = 10
	list := strings.Join(branches[:min(len(branches), shown)], ", ")
	if len(branches) > shown {
		list += fmt.Sprintf(" and %d more", len(branches)-shown)
	}
	return nil, fmt.Errorf("no branch or tag %q (branches: %s); fix the source's ref", o.Ref, list)
}

// localName is where the clone keeps the fetched reference name: a branch as a
// remote-tracking branch, a tag as itself.
func localName(name plumbing.ReferenceName) plumbing.ReferenceName {
	if name.IsBranch() {
		return plumbing.NewRemoteReferenceName(remoteName, name.Short())
	}
	return name
}

// peel returns the commit that the reference name finally names, through annotated
// tags (of tags), and what it names itself (the tip: the commit, or the tag object).
func peel(r *git.Repository, name plumbing.ReferenceName) (commit, tip plumbing.Hash, err error) {
	ref, err := r.Reference(name, true)
	if err != nil {
		return plumbing.ZeroHash, plumbing.ZeroHash, fmt.Errorf("reading %s: %w", name, err)
	}
	tip = ref.Hash()
	h := tip
	for range 10 {
		tag, err := r.TagObject(h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			break // not a tag object
		}
		if err != nil {
			return plumbing.ZeroHash, plumbing.ZeroHash, fmt.Errorf("reading %s: %w", name, err)
		}
		if tag.TargetType != plumbing.TagObject && tag.TargetType != plumbing.CommitObject {
			return plumbing.ZeroHash, plumbing.ZeroHash, fmt.Errorf("%s names a %s, not a commit", name, tag.TargetType)
		}
		h = tag.Target
	}
	if _, err := r.CommitObject(h); err != nil {
		return plumbing.ZeroHash, plumbing.ZeroHash, fmt.Errorf("%s does not name a commit: %w", name, err)
	}
	return h, tip, nil
}

// isRewrite says whether commit fails to descend from old, the commit cached before
// (none when zero): a force push. A commit no longer in the repository, after a fresh
// clone, counts as not an ancestor.
func isRewrite(r *git.Repository, old, commit plumbing.Hash) (bool, error) {
	if old.IsZero() || old == commit {
		return false, nil
	}
	oc, err := r.CommitObject(old)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	nc, err := r.CommitObject(commit)
	if err != nil {
		return false, err
	}
	ok, err := oc.IsAncestor(nc)
	if err != nil {
		return false, fmt.Errorf("telling whether %s descends from %s: %w", commit, old, err)
	}
	return !ok, nil
}

// setHead points HEAD at the fetched branch, itself at commit, or HEAD at commit for a
// tag: what Load(Options{Branch: "HEAD"}) reads. Nothing is checked out.
func setHead(r *git.Repository, name plumbing.ReferenceName, commit plumbing.Hash) error {
	if name.IsBranch() {
		if err := r.Storer.SetReference(plumbing.NewHashReference(name, commit)); err != nil {
			return err
		}
		return r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, name))
	}
	return r.Storer.SetReference(plumbing.NewHashReference(plumbing.HEAD, commit))
}

// openClone opens the clone at dir (its Git folder dir/.git), with the fetch limits on
// the packs fetched into it. A symbolic link in place of the clone is refused, not
// followed.
func openClone(dir string, lim SourceLimits) (*git.Repository, error) {
	for _, d := range []string{dir, filepath.Join(dir, gitFolder)} {
		fi, err := os.Lstat(d)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			return nil, fmt.Errorf("%s is not a folder", d)
		}
	}
	return git.Open(newLimitedStorage(filepath.Join(dir, gitFolder), lim.withDefaults()), nil)
}

// readMeta reads source.json in dir.
func readMeta(dir string) (fetchMeta, error) {
	var meta fetchMeta
	b, err := os.ReadFile(filepath.Join(dir, metaFile))
	if err != nil {
		return meta, err
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return fetchMeta{}, fmt.Errorf("%s: %w", metaFile, err)
	}
	return meta, nil
}

// cached returns what the cache holds if it is a usable copy of o's source: made for
// the same URL and ref, and a clone that opens with HEAD at the recorded commit.
// Otherwise it says why not.
func cached(o FetchOptions) (fetchMeta, error) {
	meta, err := readMeta(o.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fetchMeta{}, errors.New("nothing fetched yet")
	}
	if err != nil {
		return fetchMeta{}, err
	}
	if meta.URL != identity(o.URL) || meta.Ref != o.Ref {
		return fetchMeta{}, fmt.Errorf("it holds %s instead", describe(FetchOptions{URL: meta.URL, Ref: meta.Ref}))
	}
	if meta.Layout < cacheLayout {
		return fetchMeta{}, errors.New("it was made by an earlier release and could not be converted")
	}
	if meta.Shallow && !o.Shallow {
		return fetchMeta{}, errors.New("it holds only the source's last commit, without the history this source needs")
	}
	r, err := openClone(filepath.Join(o.Dir, workDir), o.Limits)
	if err != nil {
		return fetchMeta{}, fmt.Errorf("the clone cannot be opened: %w", err)
	}
	head, err := r.Head()
	if err != nil {
		return fetchMeta{}, fmt.Errorf("the clone cannot be read: %w", err)
	}
	if head.Hash().String() != meta.Commit {
		return fetchMeta{}, errors.New("the clone was left half updated")
	}
	if _, err := r.CommitObject(head.Hash()); err != nil {
		return fetchMeta{}, fmt.Errorf("the clone cannot be read: %w", err)
	}
	return meta, nil
}

// fetchError is why a source could not be fetched, naming it without the credentials
// its URL may carry.
type fetchError struct {
	url, ref string // FetchOptions.URL and Ref
	err      error
}

// Error names the source and says what went wrong, hiding the URL's credential also
// where go-git's message quotes the URL.
func (e *fetchError) Error() string {
	msg := e.err.Error()
	if s := secret(e.url); s != "" {
		u, _ := parseURL(e.url)
		msg = strings.NewReplacer(e.url, redact(e.url), u.User.String()+"@", "***@").Replace(msg)
		if len(s) >= 8 { // long enough not to be mistaken for other words
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return fmt.Sprintf("history: fetching %s: %s", describe(FetchOptions{URL: e.url, Ref: e.ref}), msg)
}

func (e *fetchError) Unwrap() error { return e.err }

// describe names a source in messages: its URL, without credentials, and ref.
func describe(o FetchOptions) string {
	if o.Ref == "" {
		return redact(o.URL) + " (default branch)"
	}
	return fmt.Sprintf("%s (ref %q)", redact(o.URL), o.Ref)
}

// parseURL parses a URL with a scheme; ok is false for git@host:path and paths.
func parseURL(s string) (*url.URL, bool) {
	if !strings.Contains(s, "://") {
		return nil, false
	}
	u, err := url.Parse(s)
	return u, err == nil
}

// secret returns the credential a URL carries: the password, or for HTTP the user
// name alone, which forges accept as a token. "" when none.
func secret(s string) string {
	u, ok := parseURL(s)
	if !ok || u.User == nil {
		return ""
	}
	if p, set := u.User.Password(); set {
		return p
	}
	if u.Scheme == "http" || u.Scheme == "https" {
		return u.User.Username()
	}
	return ""
}

// redact returns the URL with its credential, if any, replaced by "***".
func redact(s string) string {
	u, ok := parseURL(s)
	if !ok || secret(s) == "" {
		return s
	}
	if _, set := u.User.Password(); set {
		u.User = url.UserPassword(u.User.Username(), "***")
	} else {
		u.User = url.User("***")
	}
	return u.String()
}

// identity is what tells one source's repository from another's: the URL without
// user information, so that a new token does not make a new cache.
func identity(s string) string {
	if u, ok := parseURL(s); ok {
		u.User = nil
		return u.String()
	}
	if at := strings.Index(s, "@"); at >= 0 && isSCP(s) {
		return s[at+1:]
	}
	return s
}

// isSCP says s is Git's scp-like form, [user@]host:path.
func isSCP(s string) bool {
	colon := strings.Index(s, ":")
	slash := strings.Index(s, "/")
	return colon > 0 && (slash < 0 || colon < slash) && !strings.Contains(s, "://") &&
		!(colon == 1 && len(s) > 2 && (s[2] == '\\' || s[2] == '/')) // a Windows drive
}

// maxSourceName bounds SourceName's length.
const maxSourceName = 80

// SourceName returns a folder name for the cache of the source at url, ref ref: the
// repository's host and path and the ref, in lower-case letters, digits and hyphens,
// followed by a short hash of url and ref (credentials aside) that tells apart sources
// whose readable parts read alike. It is at most 80 characters, and the same for the
// same source on every machine, so that a cache survives between builds and a person
// can tell which source a folder holds.
func SourceName(rawURL, ref string) string {
	sum := sha256.Sum256([]byte(identity(rawURL) + "\x00" + ref))
	hash := hex.EncodeToString(sum[:6])

	where := identity(rawURL)
	if u, ok := parseURL(rawURL); ok {
		where = u.Host + u.Path
	}
	where = strings.TrimSuffix(strings.TrimRight(where, "/"), ".git")
	slug := slugify(where)
	if r := slugify(ref); r != "" {
		slug = strings.Trim(slug+"-"+r, "-")
	}
	// Keep the end, which names the repository, rather than the host.
	if max := maxSourceName - 1 - len(hash); len(slug) > max {
		slug = strings.TrimLeft(slug[len(slug)-max:], "-")
	}
	if slug == "" {
		return hash
	}
	return slug + "-" + hash
}

// slugify lower-cases s and joins its runs of ASCII letters and digits with hyphens.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(c)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
