package history

import (
	"cmp"
	"container/heap"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// RangeCommit is one commit of a merge request, with what a check needs to judge it.
type RangeCommit struct {
	Commit
	// Signature is the commit's signature and the bytes it signs; nil when unsigned.
	Signature *Signature
	// Files are the files of the site folder this commit changed, sorted by path; see
	// Range for what a merge commit changed.
	Files []FileChange
}

// FileChange is one file changed by a commit.
type FileChange struct {
	// Path is relative to the site folder, like "pspm.yaml" or
	// "content/proposals/x/index.md".
	Path string
	// Old and New are the blob hashes before and after the commit, "" when the file is
	// absent. For a merge, Old is the version in its first parent.
	Old, New string
}

// Range returns the commits reachable from head and not from base, as `git log
// base..head` lists them, oldest first, every commit after its parents: the commits a
// merge request of head into base would bring, for `pspm check --base`. base and head
// are revisions as Snapshot takes them; head may be "HEAD" in a detached checkout.
//
// Each commit comes with the files of the site folder it changed. For a commit with one
// parent, that is its diff with the parent. For a merge, such as the base branch merged
// into the request, only the files whose version differs from the version in every
// parent: conflict resolutions and changes the merge made by itself, because every
// other change is the work of the commit that made it, which is in the range or in
// base already.
//
// In a shallow clone whose cut hides where head and base meet, Range fails and says to
// fetch more history, rather than list commits that may already be in base.
// o.Branch and o.Prefix are not used.
func Range(o Options, base, head string) ([]RangeCommit, error) {
	sp, err := openSpan(o, base, head)
	if err != nil {
		return nil, err
	}
	defer sp.r.close()
	w, cs, site := sp.w, sp.commits, sp.site
	out := make([]RangeCommit, len(cs))
	for i, c := range cs {
		files, err := w.changed(c, site)
		if err != nil {
			return nil, err
		}
		sig, err := signatureOf(c)
		if err != nil {
			return nil, err
		}
		out[i] = RangeCommit{Commit: c.public(), Signature: sig, Files: files}
	}
	return out, nil
}

// span is a merge request of head into base, opened for reading: the commits reachable
// from head and not from base, as between finds them, oldest first.
type span struct {
	r          *repo
	w          *walker
	base, head *commitInfo
	commits    []*commitInfo
	site       []string // the site folder's path components in the repository
}

// openSpan opens the repository of o and finds the commits of base..head; the caller
// closes sp.r.
func openSpan(o Options, base, head string) (sp *span, err error) {
	r, err := openLimited(o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	sp = &span{r: r, w: newWalker(&plan{r: r}, r.st)}
	if sp.base, err = sp.w.revision(base); err != nil {
		return nil, err
	}
	if sp.head, err = sp.w.revision(head); err != nil {
		return nil, err
	}
	if sp.commits, err = sp.w.between(sp.base, sp.head); err != nil {
		return nil, fmt.Errorf("history: %s..%s: %w", base, head, err)
	}
	if r.site != "" {
		sp.site = strings.Split(strings.TrimSuffix(r.site, "/"), "/")
	}
	return sp, nil
}

// rangeSlop is how many commits the walk of between goes on after it could stop, in
// case committer times are out of order, as Git's own walk does.
const rangeSlop = 5

// between returns the commits reachable from head and not from base, oldest first in
// topological order. Both sides are walked at once, newest first by committer time;
// what base reaches is marked uninteresting, and so are its parents, including those
// already reached from head. The walk stops once every commit waiting is
// uninteresting and older than every interesting one found: with committer times that
// grow from parent to child, none of those can lead back to an interesting commit.
func (w *walker) between(base, head *commitInfo) ([]*commitInfo, error) {
	type node struct {
		c       *commitInfo
		boring  bool // reachable from base
		done    bool // taken from the queue, its parents reached
		inQueue bool
	}
	nodes := map[plumbing.Hash]*node{}
	q := &timeQueue{}
	waiting := 0 // interesting commits in the queue
	var found []*node
	stale := false // an interesting commit found became uninteresting
	add := func(c *commitInfo, boring bool) {
		n := &node{c: c, boring: boring, inQueue: true}
		nodes[c.hash] = n
		heap.Push(q, c)
		if !boring {
			waiting++
		}
	}
	// markBoring marks n and everything already reached below it as reachable from base.
	markBoring := func(n *node) {
		stack := []*node{n}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n.boring {
				continue
			}
			n.boring = true
			if n.inQueue {
				waiting--
			}
			stale = stale || n.done
			if !n.done || w.r.shallow[n.c.hash] {
				continue // its parents are marked when it is taken from the queue
			}
			for _, p := range n.c.parents {
				if pn := nodes[p]; pn != nil {
					stack = append(stack, pn)
				}
			}
		}
	}
	add(head, false)
	if n := nodes[base.hash]; n != nil {
		markBoring(n)
	} else {
		add(base, true)
	}

	// first is the oldest committer time of the interesting commits found.
	var first time.Time
	some := false
	slop := rangeSlop
	for q.Len() > 0 {
		if stale {
			some, stale = false, false
			for _, f := range found {
				if !f.boring && (!some || f.c.committer.When.Before(first)) {
					first, some = f.c.committer.When, true
				}
			}
		}
		// Every commit waiting is uninteresting, and older than every interesting one.
		if waiting == 0 && (!some || q.items[0].committer.When.Before(first)) {
			if slop--; slop < 0 {
				break
			}
		}
		c := heap.Pop(q).(*commitInfo)
		n := nodes[c.hash]
		n.inQueue, n.done = false, true
		if !n.boring {
			waiting--
			found = append(found, n)
			if !some || c.committer.When.Before(first) {
				first, some = c.committer.When, true
			}
		}
		if w.r.shallow[c.hash] {
			if !n.boring {
				return nil, fmt.Errorf("the history is cut at %.12s (a shallow clone): fetch the whole history, e.g. actions/checkout with fetch-depth: 0", c.hash)
			}
			continue
		}
		for _, ph := range c.parents {
			if pn := nodes[ph]; pn != nil {
				if n.boring {
					markBoring(pn)
				}
				continue
			}
			p, err := w.commit(ph)
			if err != nil {
				return nil, err
			}
			add(p, n.boring)
		}
	}

	// Oldest first, parents before children; among commits ready at once, the one
	// committed first, then by hash, so the order does not depend on the walk.
	in := map[plumbing.Hash]int{} // parents in the range, not yet placed
	children := map[plumbing.Hash][]*commitInfo{}
	var ready []*commitInfo
	for _, f := range found {
		if f.boring {
			continue
		}
		k := 0
		for _, p := range f.c.parents {
			if pn := nodes[p]; pn != nil && pn.done && !pn.boring {
				k++
				children[p] = append(children[p], f.c)
			}
		}
		in[f.c.hash] = k
		if k == 0 {
			ready = append(ready, f.c)
		}
	}
	older := func(a, b *commitInfo) int {
		if c := a.committer.When.Compare(b.committer.When); c != 0 {
			return c
		}
		return slices.Compare(a.hash[:], b.hash[:])
	}
	var out []*commitInfo
	for len(ready) > 0 {
		i := 0
		for j := range ready {
			if older(ready[j], ready[i]) < 0 {
				i = j
			}
		}
		c := ready[i]
		ready = slices.Delete(ready, i, i+1)
		out = append(out, c)
		for _, ch := range children[c.hash] {
			if in[ch.hash]--; in[ch.hash] == 0 {
				ready = append(ready, ch)
			}
		}
	}
	return out, nil
}

// timeQueue hands out commits newest first by committer time.
type timeQueue struct{ items []*commitInfo }

func (q *timeQueue) Len() int { return len(q.items) }
func (q *timeQueue) Less(i, j int) bool {
	return q.items[i].committer.When.After(q.items[j].committer.When)
}
func (q *timeQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *timeQueue) Push(x any)    { q.items = append(q.items, x.(*commitInfo)) }
func (q *timeQueue) Pop() any {
	c := q.items[len(q.items)-1]
	q.items = q.items[:len(q.items)-1]
	return c
}

// changed returns the files of the site folder (at the path components site) that c
// changed: its diff with its parent, or for a merge the files that differ from every
// parent.
func (w *walker) changed(c *commitInfo, site []string) ([]FileChange, error) {
	now, err := w.subtree(c.tree, site)
	if err != nil {
		return nil, err
	}
	diff := func(parent plumbing.Hash) (map[string]FileChange, error) {
		var was plumbing.Hash
		if !parent.IsZero() {
			p, err := w.commit(parent)
			if err != nil {
				return nil, err
			}
			if was, err = w.subtree(p.tree, site); err != nil {
				return nil, err
			}
		}
		m := map[string]FileChange{}
		err := w.diff(was, now, "", 0, func(path string, old, new plumbing.Hash) {
			fc := FileChange{Path: path}
			if !old.IsZero() {
				fc.Old = old.String()
			}
			if !new.IsZero() {
				fc.New = new.String()
			}
			m[path] = fc
		})
		return m, err
	}
	var first plumbing.Hash
	if len(c.parents) > 0 {
		first = c.parents[0]
	}
	files, err := diff(first)
	if err != nil {
		return nil, err
	}
	for _, p := range c.parents[min(1, len(c.parents)):] {
		if len(files) == 0 {
			break
		}
		other, err := diff(p)
		if err != nil {
			return nil, err
		}
		for path := range files {
			if _, ok := other[path]; !ok {
				delete(files, path)
			}
		}
	}
	out := make([]FileChange, 0, len(files))
	for _, fc := range files {
		out = append(out, fc)
	}
	slices.SortFunc(out, func(a, b FileChange) int { return cmp.Compare(a.Path, b.Path) })
	return out, nil
}
