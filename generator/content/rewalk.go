package content

import (
	"io/fs"
	"path"
	"strings"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
)

// rewalk walks the content folder again after the files changed are changed (files or
// folders created, removed or renamed), reading again only the folders on the way to
// them and the folders under them: any other folder keeps the jobs and the problems the
// last walk found in it. What it finds is what a whole walk finds
// (TestRewalkFindsWhatAWalkFinds).
//
// It returns the files the last walk listed that are gone.
func (c *Cache) rewalk(fsys fs.FS, cfg *config.Config, changed map[string]bool) (gone []string) {
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
