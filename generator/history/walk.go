package history

import (
	"container/heap"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Load reads the history of the branch named in o and returns the provenance of every
// file under the prefix at its tip. It walks the first-parent chain once, from the root
// to the tip. It returns ErrNotRepository when o.Dir is not inside a Git work tree and
// a *BranchError when the branch does not exist.
func Load(o Options) (*History, error) {
	return Update(o, nil)
}

// Update brings prev, a History of the same repository and prefix (typically decoded
// from a cache), up to the current tip of the branch. When prev.Head is on the
// first-parent chain of the tip, only the commits that landed after it are walked;
// otherwise the history was rewritten (a force push), the whole chain is walked again
// and the result has Rewritten set. A nil prev, or one made for another prefix or from
// a shallow clone, gives the same result as Load. prev is not modified.
func Update(o Options, prev *History) (*History, error) {
	r, err := openRepo(o)
	if err != nil {
		return nil, err
	}
	defer r.close()
	return run(r, prev, false)
}

// Advance is Update that brings h itself up to the tip, walking only the commits that
// landed since h.Head: it returns h, changed, and remembers what changed for EncodeNext,
// which then writes only that. Where Update would read the whole history again (a
// rewritten history, another prefix, a shallow clone), Advance returns a new History,
// as Update does, and leaves h as it was. h must not be in use elsewhere while it runs,
// and after an error it may be partly advanced: it is then to be dropped.
func (h *History) Advance(o Options) (*History, error) {
	r, err := openRepo(o)
	if err != nil {
		return nil, err
	}
	defer r.close()
	return run(r, h, true)
}

// commitInfo is what the walk needs of a commit.
type commitInfo struct {
	hash      plumbing.Hash
	tree      plumbing.Hash
	parents   []plumbing.Hash
	author    Person
	committer Person
	message   string
	signed    bool
	raw       *object.Commit // for a signed commit only: its signature and payload
}

// public returns what the API says of a commit.
func (c *commitInfo) public() Commit {
	var parents []string
	if len(c.parents) > 0 {
		parents = make([]string, len(c.parents))
		for i, p := range c.parents {
			parents[i] = p.String()
		}
	}
	return Commit{Hash: c.hash.String(), Parents: parents, Author: c.author,
		Committer: c.committer, Message: c.message, Signed: c.signed}
}

// An op is one file's change landed by a first-parent commit.
type op struct {
	path      string
	old, blob plumbing.Hash // the versions before and after; zero when absent
	// changer made the new version, or the deletion; nil when it is unknown because
	// a shallow clone cut the file's history off.
	changer *commitInfo
	landed  *commitInfo // the first-parent commit
}

// plan is what every walker of one Load or Update shares, read-only.
type plan struct {
	r      *repo
	prefix []string // the prefix's components, from the root
	base   string   // the prefix relative to the site folder
	// chain gives commits of the first-parent chain their position, 0 for the oldest
	// one known; the older ones, when a cache kept their index, are found in indexed
	// instead (see position). Tracing a merge stops at these commits: what they hold
	// had already landed.
	chain   map[plumbing.Hash]int
	indexed []Commit                      // the chain before the walk, newest first
	index   []uint32                      // its oldest commits' positions, by hash (cacheState.index)
	known   map[plumbing.Hash]*commitInfo // commits read before the walkers started
}

// position returns the position of a commit on the first-parent chain, from the oldest.
func (p *plan) position(h plumbing.Hash) (int, bool) {
	if i, ok := p.chain[h]; ok {
		return i, true
	}
	if len(p.index) == 0 {
		return 0, false
	}
	return findIndexed(p.indexed, p.index, h.String())
}

// walker diffs first-parent commits and traces merges. Several may run at once on
// separate parts of the chain, each with its own storage and caches.
type walker struct {
	*plan
	st      *filesystem.Storage
	trees   *treeCache
	commits map[plumbing.Hash]*commitInfo
	shallow bool // a shallow boundary hid some history
	stats   walkStats
	inflater
}

func newWalker(p *plan, st *filesystem.Storage) *walker {
	return &walker{plan: p, st: st, trees: newTreeCache(16<<20, 16<<20), commits: map[plumbing.Hash]*commitInfo{}}
}

// minSegment is the fewest first-parent commits worth a walker of their own: each
// opens the repository's indexes again and starts with cold caches.
const minSegment = 256

// maxWalkers bounds the walkers running at once, each holding caches of its own.
const maxWalkers = 4

// run walks the chain from prev.Head (or from the root) to the tip. With inPlace and a
// prev whose head is on the chain, the walk's changes are made to prev itself, and
// recorded in prev.cache.delta; otherwise prev is not modified.
func run(r *repo, prev *History, inPlace bool) (*History, error) {
	p := &plan{r: r, chain: map[plumbing.Hash]int{}, base: strings.TrimPrefix(r.prefix, r.site)}
	if r.prefix != "" {
		p.prefix = strings.Split(strings.TrimSuffix(r.prefix, "/"), "/")
	}
	w := newWalker(p, r.st)

	var stop plumbing.Hash
	usable := prev != nil && prev.Site == r.site && prev.Prefix == r.prefix && !prev.Shallow
	if usable {
		stop = plumbing.NewHash(prev.Head)
	}
	// The new part of the chain, newest first.
	fresh, found, err := w.collect(r.tip, stop)
	if err != nil {
		return nil, err
	}
	tip, err := w.commit(r.tip)
	if err != nil {
		return nil, err
	}
	inPlace = inPlace && found
	var h *History
	var d *delta
	var older []Commit
	switch {
	case inPlace:
		h, older = prev, prev.Commits
		if h.Files == nil {
			h.Files = map[string]*Provenance{}
		}
		if h.cache.delta == nil {
			h.cache.delta = &delta{files: map[string]bool{}, changes: map[string]int{}, retired: map[string]int{}, sigs: map[string]bool{}}
		}
		d = h.cache.delta
	case found:
		h = &History{Files: maps.Clone(prev.Files)}
		if h.Files == nil {
			h.Files = map[string]*Provenance{}
		}
		// Lists are appended to: clipped, so that an append never writes into prev's.
		if len(prev.Changes) > 0 {
			h.Changes = make(map[string][]*Change, len(prev.Changes))
			for path, list := range prev.Changes {
				h.Changes[path] = slices.Clip(list)
			}
		}
		if len(prev.Retired) > 0 {
			h.Retired = make(map[string][]Retirement, len(prev.Retired))
			for path, list := range prev.Retired {
				h.Retired[path] = slices.Clip(list)
			}
		}
		older = prev.Commits
	default:
		h = &History{Files: map[string]*Provenance{}, Rewritten: usable}
	}
	h.Branch, h.Site, h.Prefix = r.branch, r.site, r.prefix
	if found {
		// The older commits' positions: from the index the cache kept, when it did, and
		// the few commits after those from a set; otherwise a set of them all.
		idx := prev.cache.index
		if len(idx) > len(older) {
			idx = nil
		}
		recent := older[:len(older)-len(idx)]
		p.chain = make(map[plumbing.Hash]int, len(recent)+len(fresh))
		for i, c := range recent {
			p.chain[plumbing.NewHash(c.Hash)] = len(older) - 1 - i
		}
		p.indexed, p.index = older, idx
	}
	for i, c := range fresh {
		p.chain[c.hash] = len(older) + len(fresh) - 1 - i
	}
	p.known, w.commits = w.commits, map[plumbing.Hash]*commitInfo{}

	oldest := slices.Clone(fresh)
	slices.Reverse(oldest)
	ops, shallow, stats, err := land(w, oldest)
	if err != nil {
		return nil, err
	}
	signed := map[string]*commitInfo{}
	resign := false // a signed version was replaced: its signature may no longer be needed
	for _, list := range ops {
		for _, o := range list {
			if d != nil {
				resign = d.record(h, o) || resign
			}
			h.apply(o)
			if o.changer != nil && o.changer.signed {
				signed[o.changer.hash.String()] = o.changer
			}
		}
	}
	h.Head = tip.hash.String()
	h.Time = tip.committer.When
	h.Walked = len(fresh)
	h.Shallow = shallow
	h.stats = stats
	news := make([]Commit, len(fresh))
	for i, c := range fresh {
		news[i] = c.public()
	}
	if inPlace {
		h.Rewritten = false
		h.countSigned()
		for _, c := range news {
			if c.Signed {
				h.cache.signed++
			}
		}
		h.prepend(news)
		d.commits += len(news)
	} else {
		h.Commits = append(news, older...)
	}

	if inPlace && !resign && h.cache.signed == 0 {
		// Nothing that needed a signature went: those of the new versions are added.
		return h, h.signMore(w, signed, d)
	}
	var prevSigs map[string]*Signature
	if found {
		prevSigs = prev.Signatures
	}
	if err := h.sign(w, prevSigs, signed); err != nil {
		return nil, err
	}
	if d != nil {
		d.diffSignatures(prevSigs, h.Signatures)
	}
	return h, nil
}

// land diffs the first-parent commits cs, oldest first, and returns the changes each
// made. A long chain is cut into segments walked at once by separate walkers; the
// changes are the same, and are applied in order by the caller.
func land(w *walker, cs []*commitInfo) (ops [][]op, shallow bool, stats walkStats, err error) {
	n := min(runtime.GOMAXPROCS(0), maxWalkers, len(cs)/minSegment)
	if n <= 1 {
		ops, err = w.landAll(cs)
		return ops, w.shallow, w.stats, err
	}
	ops = make([][]op, len(cs))
	walkers := make([]*walker, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		lo, hi := i*len(cs)/n, (i+1)*len(cs)/n
		ww := w
		if i > 0 {
			st := w.r.storage()
			defer st.Close()
			ww = newWalker(w.plan, st)
		}
		walkers[i] = ww
		wg.Go(func() {
			part, err := ww.landAll(cs[lo:hi])
			copy(ops[lo:hi], part)
			errs[i] = err
		})
	}
	wg.Wait()
	for i, ww := range walkers {
		if errs[i] != nil {
			return nil, false, stats, errs[i]
		}
		shallow = shallow || ww.shallow
		stats.sideCommits += ww.stats.sideCommits
		stats.trees += ww.stats.trees
	}
	return ops, shallow, stats, nil
}

func (w *walker) landAll(cs []*commitInfo) ([][]op, error) {
	out := make([][]op, len(cs))
	// Between two commits, the walk holds no tree: the memory of those pushed out of
	// the cache can be reused.
	w.trees.recycle = true
	defer func() { w.trees.recycle = false; w.trees.evicted = nil }()
	for i, c := range cs {
		ops, err := w.land(c)
		if err != nil {
			return nil, err
		}
		out[i] = ops
		w.trees.reuse()
	}
	return out, nil
}

// commit reads and remembers a commit.
func (w *walker) commit(h plumbing.Hash) (*commitInfo, error) {
	if c, ok := w.known[h]; ok {
		return c, nil
	}
	if c, ok := w.commits[h]; ok {
		return c, nil
	}
	var obj plumbing.EncodedObject
	// Straight from a pack in memory when it is stored whole there, as commits are.
	raw, ok, err := w.readPacked(h, maxCommitSize, -1)
	if err != nil {
		return nil, fmt.Errorf("history: reading commit %s: %w", h, err)
	}
	if ok && raw.kind == packCommit {
		mo := &plumbing.MemoryObject{}
		mo.SetType(plumbing.CommitObject)
		_, _ = mo.Write(raw.data) // a MemoryObject's Write does not fail
		obj = mo
	} else if obj, err = w.st.EncodedObject(plumbing.CommitObject, h); err != nil {
		return nil, fmt.Errorf("history: reading commit %s: %w", h, err)
	}
	oc, err := object.DecodeCommit(w.st, obj)
	if err != nil {
		return nil, fmt.Errorf("history: reading commit %s: %w", h, err)
	}
	c := &commitInfo{
		hash:      h,
		tree:      oc.TreeHash,
		parents:   oc.ParentHashes,
		author:    Person{Name: oc.Author.Name, Email: oc.Author.Email, When: oc.Author.When},
		committer: Person{Name: oc.Committer.Name, Email: oc.Committer.Email, When: oc.Committer.When},
		message:   oc.Message,
		signed:    oc.PGPSignature != "",
	}
	if c.signed {
		c.raw = oc
	}
	w.commits[h] = c
	return c, nil
}

// maxCommitSize bounds the size of a commit object read (a commit is its headers and
// message: kilobytes).
const maxCommitSize = 64 << 20

// collect follows first parents from tip until stop (not included) or the root, and
// returns the commits newest first, and whether stop was reached.
func (w *walker) collect(tip, stop plumbing.Hash) ([]*commitInfo, bool, error) {
	var out []*commitInfo
	seen := map[plumbing.Hash]bool{}
	for h := tip; ; {
		if h == stop && !stop.IsZero() {
			return out, true, nil
		}
		if seen[h] { // impossible in Git, but never loop on a broken store
			return nil, false, fmt.Errorf("history: commit %s is its own ancestor", h)
		}
		seen[h] = true
		c, err := w.commit(h)
		if err != nil {
			return nil, false, err
		}
		out = append(out, c)
		if len(c.parents) == 0 || w.r.shallow[h] { // a root, or its parents cut off
			return out, false, nil
		}
		h = c.parents[0]
	}
}

// prefixTree returns the hash of the prefix folder in the commit's tree, zero when
// absent.
func (w *walker) prefixTree(c *commitInfo) (plumbing.Hash, error) {
	if c == nil {
		return plumbing.ZeroHash, nil
	}
	return w.subtree(c.tree, w.prefix)
}

// land returns the changes c made to its first parent: each changed file's new
// version landed at c.
func (w *walker) land(c *commitInfo) ([]op, error) {
	// A shallow clone cuts the history at some commits: their parents are missing.
	cut := w.r.shallow[c.hash]
	var parent *commitInfo
	if len(c.parents) > 0 && !cut {
		p, err := w.commit(c.parents[0])
		if err != nil {
			return nil, err
		}
		parent = p
	}
	oldH, err := w.prefixTree(parent)
	if err != nil {
		return nil, err
	}
	newH, err := w.prefixTree(c)
	if err != nil {
		return nil, err
	}
	var ops []op
	var merged []*target
	err = w.diff(oldH, newH, w.base, 0, func(path string, old, blob plumbing.Hash) {
		switch {
		case cut:
			// A shallow boundary: the file may be far older than c.
			ops = append(ops, op{path: path, old: old, landed: c})
			w.shallow = true
		case len(c.parents) > 1 && (!blob.IsZero() || tracked(path)):
			// Who made a deletion only matters for a page whose changes are kept.
			merged = append(merged, &target{path: path, old: old, blob: blob})
		default:
			ops = append(ops, op{path, old, blob, c, c})
		}
	})
	if err != nil {
		return nil, err
	}
	if len(merged) > 0 {
		return w.trace(c, merged, ops)
	}
	return ops, nil
}

// A target is a file version brought by a merge, whose author is being looked for.
type target struct {
	path  string        // relative to the site folder
	parts []string      // components from the repository root
	old   plumbing.Hash // the version at the merge's first parent
	blob  plumbing.Hash // the version the merge landed; zero for a deletion
}

// trace finds, for each file version a merge m landed, the commit that made it, and
// appends the result to ops. Starting from m's merged parents, it follows the parent
// that already holds the same version, and stops at the commit whose parents all hold
// another one. Every commit on the way is compared with its parents only along the
// paths still traced, descending only into folders whose hashes differ. A trace ends
// where it reaches the first-parent chain (the version had landed before and main
// changed it since: the merge brought it back) or a shallow boundary (unknown: the
// file is left out). Each file follows one line of ancestry, so the work is bounded
// by the files times the length of the merged branch.
func (w *walker) trace(m *commitInfo, ts []*target, ops []op) ([]op, error) {
	for _, t := range ts {
		t.parts = strings.Split(w.r.site+t.path, "/")
	}
	landedAt, _ := w.position(m.hash)
	credit := func(ts []*target, changer *commitInfo) {
		for _, t := range ts {
			ops = append(ops, op{t.path, t.old, t.blob, changer, m})
		}
	}

	q := &commitQueue{pending: map[plumbing.Hash][]*target{}}
	// At the merge itself only the merged parents are candidates: the first parent
	// holds another version, or the file would not have changed.
	rest, err := w.follow(m, m.parents[1:], ts, q)
	if err != nil {
		return nil, err
	}
	credit(rest, m) // made by the merge itself
	for q.Len() > 0 {
		c := heap.Pop(q).(*commitInfo)
		ts := q.pending[c.hash]
		delete(q.pending, c.hash)
		if i, ok := w.position(c.hash); ok && i < landedAt {
			credit(ts, m)
			continue
		}
		w.stats.sideCommits++
		if w.r.shallow[c.hash] {
			w.shallow = true
			for _, t := range ts {
				ops = append(ops, op{path: t.path, old: t.old, landed: m})
			}
			continue
		}
		rest, err := w.follow(c, c.parents, ts, q)
		if err != nil {
			return nil, err
		}
		credit(rest, c)
	}
	return ops, nil
}

// follow hands each target on to the first of parents that holds the same version,
// queueing that parent, and returns the targets no parent holds: c made them.
func (w *walker) follow(c *commitInfo, parents []plumbing.Hash, ts []*target, q *commitQueue) ([]*target, error) {
	sortTargets(ts)
	for _, ph := range parents {
		if len(ts) == 0 {
			break
		}
		p, err := w.commit(ph)
		if err != nil {
			return nil, err
		}
		var rest []*target
		err = w.same(c.tree, p.tree, 0, ts, func(t *target, same bool) {
			if same {
				q.add(p, t)
			} else {
				rest = append(rest, t)
			}
		})
		if err != nil {
			return nil, err
		}
		ts = rest
	}
	return ts, nil
}

// same tells, for each target (sorted by sortTargets, all sharing their first depth
// components), whether tree b holds the target's version at its path: the same
// content, or no file there for a deletion. Tree a is known to hold it: where a
// folder's hash is the same in a and b, everything under it is the same, and b's
// subtrees are not read. Either hash may be zero, a folder that is absent.
func (w *walker) same(a, b plumbing.Hash, depth int, ts []*target, fn func(*target, bool)) error {
	if a == b {
		for _, t := range ts {
			fn(t, true)
		}
		return nil
	}
	if b.IsZero() || depth > maxDepth {
		for _, t := range ts {
			fn(t, b.IsZero() && t.blob.IsZero())
		}
		return nil
	}
	ta, err := w.tree(a)
	if err != nil {
		return err
	}
	tb, err := w.tree(b)
	if err != nil {
		return err
	}
	for len(ts) > 0 {
		name := ts[0].parts[depth]
		n := 1
		for n < len(ts) && ts[n].parts[depth] == name {
			n++
		}
		group := ts[:n]
		ts = ts[n:]
		// Leaves first: a path cannot be both a file and a folder in tree a, but a
		// target list is data, and data is never trusted to be consistent.
		var deeper []*target
		for _, t := range group {
			if len(t.parts) == depth+1 {
				var have plumbing.Hash
				if e, ok := tb.search(name, false); ok && e.isFile() {
					have = e.hash
				}
				fn(t, have == t.blob)
			} else {
				deeper = append(deeper, t)
			}
		}
		if len(deeper) == 0 {
			continue
		}
		var da, db plumbing.Hash
		if e, ok := ta.search(name, true); ok {
			da = e.hash
		}
		if e, ok := tb.search(name, true); ok {
			db = e.hash
		}
		if err := w.same(da, db, depth+1, deeper, fn); err != nil {
			return err
		}
	}
	return nil
}

// sortTargets orders targets by their path components, so that those sharing a folder
// are next to each other at every depth.
func sortTargets(ts []*target) {
	slices.SortFunc(ts, func(a, b *target) int { return slices.Compare(a.parts, b.parts) })
}

// commitQueue hands out commits newest first (by committer time), each with the targets
// waiting at it, so that targets from several children meet before their commit is
// examined. Clock skew only costs a second visit, never a wrong answer.
type commitQueue struct {
	items   []*commitInfo
	pending map[plumbing.Hash][]*target
}

func (q *commitQueue) add(c *commitInfo, t *target) {
	if _, ok := q.pending[c.hash]; !ok {
		heap.Push(q, c)
	}
	q.pending[c.hash] = append(q.pending[c.hash], t)
}

func (q *commitQueue) Len() int { return len(q.items) }
func (q *commitQueue) Less(i, j int) bool {
	return q.items[i].committer.When.After(q.items[j].committer.When)
}
func (q *commitQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *commitQueue) Push(x any)    { q.items = append(q.items, x.(*commitInfo)) }
func (q *commitQueue) Pop() any {
	c := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return c
}
