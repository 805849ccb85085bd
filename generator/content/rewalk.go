package content

import (
	"cmp"
	"errors"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/site"
)

// rewalk walks the content folder again after the files changed are changed (files or
// folders created, removed or renamed), reading again only the folders on the way to
// them and the folders under them: any other folder keeps the jobs and the problems the
// last walk found in it. What it finds is what a whole walk finds
// (TestRewalkFindsWhatAWalkFinds).
//
// It returns the files the last walk listed that are gone.
func (c *Cache) rewalk(fsys fs.FS, cfg *config.Config, changed map[string]bool) (gone []string) {
	if gone, ok := c.rewalkFolders(fsys, cfg, changed); ok {
		return gone
	}
	old, oldErrs := c.jobs, c.walkErr
	kept := map[string]bool{} // the folders whose jobs are kept
	cur := 0
	var dropped []string          // files of the last walk not kept
	var reused [][2]int           // the ranges of the new jobs that were kept
	onTheWay := map[string]bool{} // the changed paths and the folders they are in
	for p := range changed {
		for d := p; d != "." && d != "/" && d != ""; d = path.Dir(d) {
			onTheWay[d] = true
		}
	}
	flagged := map[string]bool{} // the files and folders the last walk reported
	for _, e := range oldErrs {
		flagged[e.Pos.File] = true
	}
	reuse := func(dir string, jobs *[]job) bool {
		if onTheWay[dir] {
			return false // a change is in it
		}
		if flagged[dir] {
			return false // the last walk may have left it out (its name clashed, it could not be read)
		}
		for d := path.Dir(dir); d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if changed[d] {
				return false // it is in a folder created, removed or renamed
			}
		}
		// Jobs are in the order of the walk, and so are the folders kept: skip what
		// comes before dir, then take what is in it.
		in := dir + "/"
		for cur < len(old) && walkOrder(old[cur].file, dir) < 0 && !strings.HasPrefix(old[cur].file, in) {
			dropped = append(dropped, old[cur].file)
			cur++
		}
		start, from := len(*jobs), cur
		for cur < len(old) && strings.HasPrefix(old[cur].file, in) {
			cur++
		}
		*jobs = append(*jobs, old[from:cur]...)
		reused = append(reused, [2]int{start, len(*jobs)})
		kept[dir] = true
		return true
	}
	var errs diag.List
	c.jobs = walkPruned(fsys, cfg, Dir, &errs, reuse, len(old))
	for _, e := range oldErrs {
		for d := e.Pos.File; d != "." && d != "/" && d != ""; d = path.Dir(d) {
			if kept[d] {
				errs = append(errs, e)
				break
			}
		}
	}
	c.walkErr = errs
	for ; cur < len(old); cur++ {
		dropped = append(dropped, old[cur].file)
	}
	found := map[string]bool{} // the files found in the folders walked
	next := 0
	for _, r := range reused {
		for ; next < r[0]; next++ {
			found[c.jobs[next].file] = true
		}
		next = r[1]
	}
	for ; next < len(c.jobs); next++ {
		found[c.jobs[next].file] = true
	}
	for _, f := range dropped {
		if !found[f] {
			gone = append(gone, f)
		}
	}
	return gone
}

// walkOrder compares two paths in the order fs.WalkDir visits them: by their names,
// folder by folder (a folder's files before those of a folder whose name extends its
// own: "a/x" before "a-b/x").
func walkOrder(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x == '/' {
			return -1
		}
		if y == '/' {
			return 1
		}
		if x < y {
			return -1
		}
		return 1
	}
	return len(a) - len(b)
}

// folderRewalkMax is how many files a folder may hold for rewalkFolders to walk it again
// whole; rewalk walks a larger one keeping its subfolders' files without listing them.
const folderRewalkMax = 2000

// rewalkFolders is rewalk for changes inside small folders the last walk listed: a vote,
// a comment, a signature added to or removed from an item's folder. Each such folder (the
// nearest one above a change that is still there and held files) is walked again alone,
// and what it holds now, and its problems, replace what the last walk found in it: the
// folders above it, with their thousands of siblings, are not listed again. A folder that
// appeared in, or vanished from, a large folder (a new proposal, a proposal removed) is
// walked alone too, once its name is checked as the walk of the large folder would check
// it: the large folder's names are listed to find a clash by case or accents, but its
// subfolders are not walked. ok is false, and the cache unchanged, when a change is in a
// large folder otherwise, at the top of the content, or where the last walk reported a
// problem with a folder on the way or with a name in the large folder.
func (c *Cache) rewalkFolders(fsys fs.FS, cfg *config.Config, changed map[string]bool) (gone []string, ok bool) {
	limit := folderRewalkMax
	if c.folderLimit != 0 {
		limit = c.folderLimit
	}
	if limit < 0 {
		return nil, false
	}
	// The folder of each change: the nearest one above it that is still a folder (not a
	// link) and held files; or, when that one is large, its subfolder on the way to the
	// change, new or gone (a child).
	folders := map[string]bool{}
	children := map[string]bool{}
	for p := range changed {
		f := path.Dir(p)
		for f != Dir && f != "." && f != "/" {
			if fi, err := fs.Lstat(fsys, f); err == nil && fi.IsDir() && c.holds(f) {
				break
			}
			f = path.Dir(f)
		}
		if f == Dir || f == "." || f == "/" {
			return nil, false
		}
		if c.holdsMore(f, limit) && p != f {
			x := f + "/" + strings.SplitN(strings.TrimPrefix(p, f+"/"), "/", 2)[0]
			if !children[x] && !c.newOrGone(fsys, f, x) {
				return nil, false
			}
			children[x] = true
			continue
		}
		folders[f] = true
	}
	// Only the outermost: a folder inside another is walked with it.
	var outer []string
	for f := range folders {
		inside := false
		for d := path.Dir(f); d != Dir && d != "." && d != "/"; d = path.Dir(d) {
			inside = inside || folders[d]
		}
		if !inside {
			outer = append(outer, f)
		}
	}
	// A problem the last walk reported with a folder on the way may have left files out.
	for _, e := range c.walkErr {
		for _, f := range outer {
			if e.Pos.File == f || strings.HasPrefix(f, e.Pos.File+"/") {
				return nil, false
			}
		}
	}
	type span struct {
		dir      string
		from, to int // the folder's jobs in c.jobs
		w        *walker
	}
	spans := make([]span, 0, len(outer)+len(children))
	for x := range children {
		for d := path.Dir(x); d != Dir && d != "." && d != "/"; d = path.Dir(d) {
			if folders[d] || children[d] {
				return nil, false // inside a folder walked again: not worth the care
			}
		}
		from, to := c.span(x)
		w := &walker{fsys: fsys, cfg: cfg, root: Dir, skip: x}
		if fi, err := fs.Lstat(fsys, x); err == nil && fi.IsDir() {
			w.walk(x)
			for _, e := range w.errs {
				if e.Pos.File == x {
					return nil, false
				}
			}
			markSigned(w.jobs)
		}
		spans = append(spans, span{x, from, to, w})
		outer = append(outer, x)
		c.childWalks++
	}
	for _, f := range outer[:len(outer)-len(children)] {
		from, to := c.span(f)
		if from == to || to-from > limit || (from > 0 && strings.HasPrefix(c.jobs[from-1].file, f+"/")) {
			return nil, false
		}
		w := &walker{fsys: fsys, cfg: cfg, root: Dir, skip: f}
		w.walk(f)
		for _, e := range w.errs {
			if e.Pos.File == f {
				return nil, false // the folder itself could not be read: let rewalk report it
			}
		}
		markSigned(w.jobs)
		spans = append(spans, span{f, from, to, w})
	}
	// In the order of the walk: new folders at the same place in the order of their names.
	slices.SortFunc(spans, func(a, b span) int { return cmp.Or(a.from-b.from, walkOrder(a.dir, b.dir)) })
	jobs := make([]job, 0, len(c.jobs)+8)
	at := 0
	for _, sp := range spans {
		jobs = append(jobs, c.jobs[at:sp.from]...)
		now := map[string]bool{}
		for _, j := range sp.w.jobs {
			now[j.file] = true
		}
		for _, j := range c.jobs[sp.from:sp.to] {
			if !now[j.file] {
				gone = append(gone, j.file)
			}
		}
		jobs = append(jobs, sp.w.jobs...)
		at = sp.to
	}
	c.jobs = append(jobs, c.jobs[at:]...)
	errs := slices.DeleteFunc(slices.Clone(c.walkErr), func(e *diag.Error) bool {
		for _, f := range outer {
			if strings.HasPrefix(e.Pos.File, f+"/") {
				return true
			}
		}
		return false
	})
	for _, sp := range spans {
		errs = append(errs, sp.w.errs...)
	}
	c.walkErr = errs
	return gone, true
}

// newOrGone reports whether x, a folder in the large folder f, may be walked again alone:
// the last walk listed nothing under it and it is a folder now whose name the walk of f
// takes as it is (not hidden, a safe name, no other name in f the same but for case or
// accents), or it is gone; and the last walk reported no problem with a name in f (a
// clash it settled may be settled otherwise now).
func (c *Cache) newOrGone(fsys fs.FS, f, x string) bool {
	for _, e := range c.walkErr {
		if path.Dir(e.Pos.File) == f || strings.HasPrefix(x, e.Pos.File+"/") {
			return false
		}
	}
	fi, err := fs.Lstat(fsys, x)
	if errors.Is(err, fs.ErrNotExist) {
		return true // gone: its files, if the last walk listed any, are dropped
	}
	if err != nil || !fi.IsDir() || c.holds(x) {
		return false
	}
	name := path.Base(x)
	if strings.HasPrefix(name, ".") || !fileRE.MatchString(name) {
		return false
	}
	entries, err := fs.ReadDir(fsys, f)
	if err != nil {
		return false
	}
	folded := site.Fold(name)
	for _, e := range entries {
		if n := e.Name(); n != name && !strings.HasPrefix(n, ".") && site.Fold(n) == folded {
			return false
		}
	}
	return true
}

// holdsMore reports whether the last walk listed more than n files under the folder f,
// without counting them all.
func (c *Cache) holdsMore(f string, n int) bool {
	in := f + "/"
	from := sort.Search(len(c.jobs), func(i int) bool {
		return strings.HasPrefix(c.jobs[i].file, in) || walkOrder(c.jobs[i].file, f) > 0
	})
	return from+n < len(c.jobs) && strings.HasPrefix(c.jobs[from+n].file, in)
}

// holds reports whether the last walk listed a file under the folder f.
func (c *Cache) holds(f string) bool {
	from, to := c.span(f)
	return from < to
}

// span returns the range of c.jobs under the folder f: a folder's files are together in
// the order of the walk.
func (c *Cache) span(f string) (from, to int) {
	in := f + "/"
	from = sort.Search(len(c.jobs), func(i int) bool {
		return strings.HasPrefix(c.jobs[i].file, in) || walkOrder(c.jobs[i].file, f) > 0
	})
	to = from
	for to < len(c.jobs) && strings.HasPrefix(c.jobs[to].file, in) {
		to++
	}
	return from, to
}
