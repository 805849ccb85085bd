package history

import (
	"container/heap"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Net is the net change of a merge request, for `pspm check --base`: what landing it
// would change in the site folder, whatever merges its branch holds, and which of its
// commits made each change.
type Net struct {
	// From is the commit the change is measured from: the merge base of base and head
	// (base itself when head contains it, the branch point of a request that is behind
	// its target), or base when there is no single merge base. What the target branch
	// changed since From is not the request's doing, and a three-way merge keeps it.
	From string
	// Commits are the commits of the request, as Range returns them (without Files).
	Commits []RangeCommit
	// Files are the files of the repository (the site folder and beside it) whose
	// version at head differs from the version at From, sorted by path.
	Files []NetFile
}

// NetFile is one file the request changes, and who made the change.
type NetFile struct {
	// Path is relative to the site folder, as in FileChange; a file of the repository
	// outside it is reached through "..", like "../.github/workflows/pspm.yml".
	Path string
	// Old and New are the blob hashes at Net.From and at head, "" when absent.
	Old, New string
	// Made lists the commits of the request that made the new version (or the
	// deletion), as indexes into Net.Commits: their tree has it at Path, and none of
	// their parents has. A merge that only carries the version from one parent did not
	// make it.
	Made []int
	// Brought lists the commits of the request that took the new version (or the
	// deletion) from a parent outside the request: a commit already in the history of
	// the target, older than the point the request starts from, merged back in. Nobody
	// in the request made that change; a build would credit it to the old commit.
	Brought []Brought
}

// Brought is a commit of a request that carries a file's version from an older commit
// outside the request.
type Brought struct {
	By   int    // the commit of the request, an index into Net.Commits
	From string // the parent outside the request that had the version
}

// NetChange returns the net change of the merge request of head into base (revisions
// as Snapshot takes them) in the site folder: every file whose version at head differs
// from the one at the merge base of base and head, with the commits of base..head that
// made it and those that brought it from outside the request. A file changed and
// changed back within the request is not in it.
//
// Unlike Range, which credits a merge only with what differs from every parent, this
// judges the result: a merge whose other parent is an old commit, putting back a file
// the target has since deleted or deleting one the target has since added, shows up
// here as a file the request changes that none of its commits made (NetFile.Brought).
func NetChange(o Options, base, head string) (*Net, error) {
	sp, err := openSpan(o, base, head)
	if err != nil {
		return nil, err
	}
	defer sp.r.close()
	w, b, h, site := sp.w, sp.base, sp.head, sp.site
	cs, err := w.notReachable(b, sp.commits)
	if err != nil {
		return nil, err
	}
	net := &Net{From: b.hash.String(), Commits: make([]RangeCommit, len(cs))}
	in := make(map[plumbing.Hash]int, len(cs))
	for i, c := range cs {
		sig, err := signatureOf(c)
		if err != nil {
			return nil, err
		}
		net.Commits[i] = RangeCommit{Commit: c.public(), Signature: sig}
		in[c.hash] = i
	}
	if len(cs) == 0 {
		return net, nil // head is in base already: nothing lands
	}
	from, err := w.mergeBase(b, cs, in)
	if err != nil {
		return nil, err
	}
	net.From = from.hash.String()

	// The whole repository is compared, not only the site folder: a file beside the
	// site (a CI file at the repository's root, say) is the request's change too. Its
	// path is given relative to the site folder, "../.github/…".
	type changed struct {
		f    NetFile
		repo string // the path in the repository
	}
	var found []changed
	err = w.diff(from.tree, h.tree, "", 0, func(path string, old, new plumbing.Hash) {
		f := NetFile{Path: sitePath(path, sp.r.site, len(site))}
		if !old.IsZero() {
			f.Old = old.String()
		}
		if !new.IsZero() {
			f.New = new.String()
		}
		found = append(found, changed{f, path})
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(found, func(a, b changed) int { return strings.Compare(a.f.Path, b.f.Path) })

	// The tree of every commit of the range and of its parents, once.
	roots := map[plumbing.Hash]plumbing.Hash{}
	rootOf := func(h plumbing.Hash) (plumbing.Hash, error) {
		if t, ok := roots[h]; ok {
			return t, nil
		}
		c, err := w.commit(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		roots[h] = c.tree
		return c.tree, nil
	}
	files := make([]NetFile, len(found))
	for fi := range found {
		f, repoPath := &found[fi].f, found[fi].repo
		want := plumbing.NewHash(f.New)
		if f.New == "" {
			want = plumbing.ZeroHash
		}
		for i, c := range cs {
			root, err := rootOf(c.hash)
			if err != nil {
				return nil, err
			}
			has, err := w.blobAt(root, repoPath)
			if err != nil {
				return nil, err
			}
			if has != want {
				continue
			}
			made := true
			for _, p := range c.parents {
				proot, err := rootOf(p)
				if err != nil {
					return nil, err
				}
				was, err := w.blobAt(proot, repoPath)
				if err != nil {
					return nil, err
				}
				if was != want {
					continue
				}
				made = false
				if _, ok := in[p]; !ok {
					f.Brought = append(f.Brought, Brought{By: i, From: p.String()})
				}
			}
			if made {
				f.Made = append(f.Made, i)
			}
		}
		files[fi] = *f
	}
	net.Files = files
	return net, nil
}

// sitePath turns the path p of a file in the repository into a path relative to the
// site folder prefix ("" or a slash path ending in "/", depth components deep): inside
// it, p without prefix; beside it, through "..".
func sitePath(p, prefix string, depth int) string {
	if rest, ok := strings.CutPrefix(p, prefix); ok {
		return rest
	}
	return strings.Repeat("../", depth) + p
}

// notReachable returns the commits of cs that base does not reach, in their order.
// between stops its walk on committer times, which a commit of the target's history can
// fake (a contributor's commit that landed by fast-forward): an old commit it took for
// one of the request's would vouch for what a merge of it brings. This walks the whole
// history of base, every parent, times ignored: reading each commit once, no trees.
func (w *walker) notReachable(base *commitInfo, cs []*commitInfo) ([]*commitInfo, error) {
	if len(cs) == 0 {
		return cs, nil
	}
	in := make(map[plumbing.Hash]bool, len(cs))
	for _, c := range cs {
		in[c.hash] = true
	}
	seen := map[plumbing.Hash]bool{base.hash: true}
	stack := []*commitInfo{base}
	var reached map[plumbing.Hash]bool
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if in[c.hash] {
			if reached == nil {
				reached = map[plumbing.Hash]bool{}
			}
			reached[c.hash] = true
		}
		if w.r.shallow[c.hash] {
			continue
		}
		for _, ph := range c.parents {
			if seen[ph] {
				continue
			}
			seen[ph] = true
			p, err := w.commit(ph)
			if err != nil {
				return nil, err
			}
			stack = append(stack, p)
		}
	}
	if reached == nil {
		return cs, nil
	}
	out := cs[:0:0]
	for _, c := range cs {
		if !reached[c.hash] {
			out = append(out, c)
		}
	}
	return out, nil
}

// blobAt returns the blob at the slash path p under the tree root, or the zero hash
// when there is no file there.
func (w *walker) blobAt(root plumbing.Hash, p string) (plumbing.Hash, error) {
	dir, name := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, name = p[:i], p[i+1:]
	}
	t := root
	if dir != "" {
		var err error
		if t, err = w.subtree(root, strings.Split(dir, "/")); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	if t.IsZero() {
		return plumbing.ZeroHash, nil
	}
	tr, err := w.tree(t)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	e, ok := tr.search(name, false)
	if !ok || !e.isFile() {
		return plumbing.ZeroHash, nil
	}
	return e.hash, nil
}

// mergeBase returns the merge base of base and the request whose commits are cs (in
// is their index by hash): base when the request contains it; the only commit outside
// the request that a commit of it has as parent; otherwise, of those parents, the one
// every other is an ancestor of. With no single merge base (criss-cross merges), it
// returns base, so that everything that differs from the target is judged.
func (w *walker) mergeBase(base *commitInfo, cs []*commitInfo, in map[plumbing.Hash]int) (*commitInfo, error) {
	var edge []plumbing.Hash // parents outside the request, each once
	for _, c := range cs {
		for _, p := range c.parents {
			if _, ok := in[p]; !ok && !slices.Contains(edge, p) {
				edge = append(edge, p)
			}
		}
	}
	switch {
	case slices.Contains(edge, base.hash):
		return base, nil
	case len(edge) == 1:
		return w.commit(edge[0])
	case len(edge) == 0 || len(edge) > 64:
		return base, nil
	}
	// Walk down from every edge commit at once, newest first, each commit carrying the
	// set of edge commits it descends from, until all edge commits but one are found
	// below another: that one is the merge base. A commit's set may grow after it was
	// walked (committer times can lie): it is walked again, so the answer does not
	// depend on the times, only how soon it comes.
	self := map[plumbing.Hash]uint64{}
	reach := map[plumbing.Hash]uint64{}
	q := &timeQueue{}
	for i, e := range edge {
		c, err := w.commit(e)
		if err != nil {
			return nil, err
		}
		self[e] = 1 << i
		reach[e] |= 1 << i
		heap.Push(q, c)
	}
	below := uint64(0) // edge commits found below another
	all := uint64(1)<<len(edge) - 1
	for q.Len() > 0 {
		c := heap.Pop(q).(*commitInfo)
		m := reach[c.hash]
		if w.r.shallow[c.hash] {
			continue
		}
		for _, ph := range c.parents {
			if reach[ph]|m == reach[ph] {
				continue
			}
			reach[ph] |= m
			if s, ok := self[ph]; ok && reach[ph]&^s != 0 {
				below |= s
				if n := all &^ below; n&(n-1) == 0 {
					for i, e := range edge {
						if n == 1<<i {
							return w.commit(e)
						}
					}
					return base, nil
				}
			}
			p, err := w.commit(ph)
			if err != nil {
				return nil, err
			}
			heap.Push(q, p)
		}
	}
	return base, nil
}
