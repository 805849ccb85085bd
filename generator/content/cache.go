package content

import (
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/site"
)

// Cache keeps what a Load walked and read, for pspm serve, whose watcher says which files
// changed: a later LoadCached reads again only those, and walks again only the folders
// where a file appeared, vanished or changed kind. Every Load hands out fresh structs, so
// that resolving and deriving one Site never touches another, nor the cache.
//
// A Cache is used by one goroutine at a time (Prepare's clones are made on goroutines of
// their own, from what nothing changes, and handed over once made). The zero value is
// ready.
type Cache struct {
	cfg     *config.Config // the configuration the cache was filled with
	jobs    []job          // the last walk, in its order
	walkErr diag.List      // what the last walk reported
	results map[string]result
	reread  map[string]bool // files Reread read since the last LoadCached

	folderLimit int // rewalkFolders' largest folder, when not 0 (tests; -1: never)
	childWalks  int // folders walked alone in a large folder by rewalkFolders (tests)

	// Clones made ahead (Prepare): src is what the last LoadCached handed out clones of,
	// which nothing changes; spare, once ready is closed, their clones.
	src   []result
	spare *spare
	ready chan struct{} // nil when no clone was asked for since the last LoadCached
}

// spare is a clone of every result of Cache.src, in its order, made ahead of the next
// LoadCached.
type spare struct{ clones []result }

// Prepare clones, on the other cores, every file the last LoadCached handed out, so that
// the next LoadCached takes the clones of those that have not changed instead of making
// them then: pspm serve calls it once a rebuild is published, and the clones are made
// while the author is reading or typing. Each clone is handed out once; a LoadCached
// that comes before they are made waits for them.
func (c *Cache) Prepare() {
	if c.ready != nil || c.src == nil {
		return
	}
	src := c.src
	ready := make(chan struct{})
	c.ready = ready
	go func() {
		defer close(ready)
		sp := &spare{clones: make([]result, len(src))}
		cloneAll(sp.clones, src, nil)
		c.spare = sp
	}()
}

// takeSpare waits for the clones Prepare asked for, and returns them (nil when none).
func (c *Cache) takeSpare() *spare {
	if c.ready == nil {
		return nil
	}
	<-c.ready
	sp := c.spare
	c.ready, c.spare = nil, nil
	return sp
}

// Change says what changed since the last LoadCached, as pspm serve's watcher tells it.
type Change struct {
	// Paths are slash-separated paths relative to the site folder (content/…) that were
	// created, written, removed or renamed. Paths outside content/ are ignored.
	Paths []string
	// All says that anything may have changed: everything is walked and read again.
	All bool
}

// LoadStats says what a LoadCached did.
type LoadStats struct {
	Walked bool // the content folder was walked again
	Read   int  // files read and parsed
	Files  int  // files in the site
	Cloned int  // files whose structs were copied during the load, not ahead (Prepare)
}

// LoadCached is Load for a site that changed only as ch says since the last call with the
// same cache. With another configuration, or ch.All, it is Load.
func LoadCached(fsys fs.FS, cfg *config.Config, c *Cache, ch Change) (*site.Site, diag.List, LoadStats) {
	var st LoadStats
	sp := c.takeSpare()
	changed := map[string]bool{}
	for _, p := range ch.Paths {
		if p == Dir || strings.HasPrefix(p, Dir+"/") {
			changed[p] = true
		}
	}
	// The files of the last load, in its order, and what it handed out clones of: the
	// results of the files not changed since are found there by place, not by name.
	oldJobs, src := c.jobs, c.src
	if ch.All || c.results == nil || !reflect.DeepEqual(c.cfg, cfg) {
		c.results, c.cfg = map[string]result{}, cfg
		st.Walked = true
		c.walkErr = nil
		c.jobs = walk(fsys, cfg, Dir, &c.walkErr)
		oldJobs, src, sp = nil, nil, nil
	} else if !c.sameFiles(fsys, changed) {
		st.Walked = true
		for _, f := range c.rewalk(fsys, cfg, changed) {
			delete(c.results, f)
		}
	}
	jobs := c.jobs
	if len(src) != len(oldJobs) {
		oldJobs, src, sp = nil, nil, nil
	}
	// prev[i] is the place in src of the file jobs[i], -1 for a file new or changed
	// since; same says every file is in its place (nothing walked again).
	prev, same := placesIn(jobs, oldJobs, !st.Walked)
	isChanged, isReread := changedFunc(changed), changedFunc(c.reread)
	c.reread = nil
	fresh := make([]bool, len(jobs)) // read now
	again := make([]bool, len(jobs)) // not as the last load handed it out
	results := src                   // in place when every file is in its place
	if !same {
		results = make([]result, len(jobs))
	}
	for i, j := range jobs {
		switch k := prev[i]; {
		case isChanged(j.file):
			fresh[i] = true
		case k >= 0 && !isReread(j.file):
			if !same {
				results[i] = src[k]
			}
		default: // new to this load's places, or read again by Reread
			if r, ok := c.results[j.file]; ok {
				results[i], again[i] = r, true
			} else {
				fresh[i] = true
			}
		}
		// A file read before its signature appeared was read without keeping its bytes:
		// read it again.
		if !fresh[i] && j.signed && !results[i].keptBytes() {
			fresh[i] = true
		}
		if fresh[i] {
			again[i] = true
			st.Read++
		}
	}
	parallel.For(len(jobs), func(i int) {
		if fresh[i] {
			results[i] = read(fsys, cfg, jobs[i])
		}
	})
	for i, j := range jobs {
		if fresh[i] {
			c.results[j.file] = results[i]
		}
	}
	// Every Load hands out fresh structs: the clones made ahead of the files that did not
	// change (Prepare), and new ones of the others.
	clones := make([]result, len(jobs))
	var made []bool
	if sp != nil {
		made = make([]bool, len(jobs))
		if same {
			clones = sp.clones
		}
		for i, k := range prev {
			if k >= 0 && !again[i] {
				if !same {
					clones[i] = sp.clones[k]
				}
				made[i] = true
			}
		}
	}
	cloneAll(clones, results, made)
	st.Cloned = len(jobs)
	for _, m := range made {
		if m {
			st.Cloned--
		}
	}
	c.src = results
	st.Files = len(jobs)
	errs := slices.Clone(c.walkErr)
	slots := make([]resultSlot, len(clones))
	for i, r := range clones {
		slots[i] = slotOf(r)
	}
	s := assemble(jobs, slots, &errs)
	s.Registration = cfg.Participation.Registration
	return s, errs, st
}

// placesIn returns, for each job, its place in old (both in the order of the walk), or
// -1; same says every job is in its place, which the caller knows when nothing was walked
// again (then prev is only checked).
func placesIn(jobs, old []job, unwalked bool) (prev []int, same bool) {
	prev = make([]int, len(jobs))
	if unwalked && len(jobs) == len(old) {
		for i := range prev {
			prev[i] = i
		}
		return prev, true
	}
	k := 0
	for i, j := range jobs {
		prev[i] = -1
		for k < len(old) && old[k].file != j.file && walkOrder(old[k].file, j.file) < 0 {
			k++ // gone
		}
		if k < len(old) && old[k].file == j.file {
			prev[i] = k
			k++
		}
	}
	return prev, false
}

// changedFunc returns a test of whether a file is one of changed, without hashing its
// name when they are few: it runs for every file of the site.
func changedFunc(changed map[string]bool) func(string) bool {
	if len(changed) > 8 {
		return func(f string) bool { return changed[f] }
	}
	few := slices.Collect(maps.Keys(changed))
	return func(f string) bool {
		for _, p := range few {
			if len(p) == len(f) && p == f {
				return true
			}
		}
		return false
	}
}

// sameFiles reports whether the last walk still lists the content: every changed path
// is a file it listed that is still a regular file (an edit, not a creation, removal or
// rename).
func (c *Cache) sameFiles(fsys fs.FS, changed map[string]bool) bool {
	if len(changed) == 0 {
		return true
	}
	listed := map[string]bool{}
	isChanged := changedFunc(changed)
	for _, j := range c.jobs {
		if isChanged(j.file) {
			listed[j.file] = true
		}
	}
	for p := range changed {
		if !listed[p] {
			return false
		}
		fi, err := fs.Lstat(fsys, p)
		if err != nil || !fi.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// Known reports whether the last walk listed the file p, or files under the folder p.
func (c *Cache) Known(p string) bool {
	for _, j := range c.jobs {
		if j.file == p || strings.HasPrefix(j.file, p+"/") {
			return true
		}
	}
	return false
}

// Reread reads the file p again when the last walk listed it as a proposal, a practice or
// a translation, and returns what it was and what it is now, as parsed; the cache keeps
// the new one. pspm serve uses it to tell an edit of an item's words from one of its
// place in the site. ok is false, and the cache unchanged, when p is no such file, is not
// a regular file any more, or was or is read with any problem.
func (c *Cache) Reread(fsys fs.FS, p string) (before, after ParsedItem, ok bool) {
	old, found := c.results[p]
	if !found || len(old.errs) > 0 {
		return ParsedItem{}, ParsedItem{}, false
	}
	var j *job
	for i := range c.jobs {
		if c.jobs[i].file == p {
			j = &c.jobs[i]
			break
		}
	}
	if j == nil || (j.role != roleItem && j.role != roleTranslation) {
		return ParsedItem{}, ParsedItem{}, false
	}
	if fi, err := fs.Lstat(fsys, p); err != nil || !fi.Mode().IsRegular() {
		return ParsedItem{}, ParsedItem{}, false
	}
	r := read(fsys, c.cfg, *j)
	before, after = parsedOf(old), parsedOf(r)
	if len(r.errs) > 0 || before == (ParsedItem{}) || after == (ParsedItem{}) {
		return ParsedItem{}, ParsedItem{}, false
	}
	c.results[p] = r
	if c.reread == nil {
		c.reread = map[string]bool{}
	}
	c.reread[p] = true
	return before, after, true
}

func parsedOf(r result) ParsedItem {
	switch {
	case r.proposal() != nil:
		return ParsedItem{Proposal: r.proposal()}
	case r.practice() != nil:
		return ParsedItem{Practice: r.practice()}
	case r.trans() != nil:
		return ParsedItem{Translation: r.trans()}
	}
	return ParsedItem{}
}

// ParsedItem is a file as parsed: one of its fields is set. The structs are the cache's:
// never change them.
type ParsedItem struct {
	Proposal    *site.Proposal
	Practice    *site.Practice
	Translation *site.Translation
}

// keptBytes tells whether a contribution read into r kept its bytes (Raw), which only
// a signed one does; anything else has nothing to keep.
func (r result) keptBytes() bool {
	switch {
	case r.reaction() != nil:
		return r.reaction().Raw() != nil
	case r.feedback() != nil:
		return r.feedback().Raw != nil
	case r.support() != nil:
		return r.support().Raw != nil
	}
	return true
}
