package content

import (
	"io/fs"
	"path"
	"slices"
	"sync"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/site"
)

// PlanCache remembers the plan files parsed for earlier versions of the plan, by path
// and content: a version reads only the files it does not share with the versions read
// before it, since versions of a plan differ in a few actions. The zero value is
// ready; it is safe for concurrent use.
type PlanCache struct {
	mu sync.Mutex
	m  map[string]result // by path + "\x00" + blob hash
}

// LoadPlan reads only the plan of the site at the root of fsys, with the same rules as
// Load: content/plan/_index.md, the goals, objectives and actions, and their
// translations. Contributions and attachments are not read: a version of the plan is
// what was approved, not what was said about it. cache may be nil.
func LoadPlan(fsys fs.FS, cfg *config.Config, cache *PlanCache) (*site.Site, diag.List) {
	var errs diag.List
	var jobs []job
	for _, j := range walk(fsys, cfg, path.Join(Dir, "plan"), &errs) {
		if j.role == rolePlan || j.role == roleItem || j.role == roleTranslation {
			jobs = append(jobs, j)
		}
	}
	results := make([]result, len(jobs))
	parallel.For(len(jobs), func(i int) { results[i] = cache.read(fsys, cfg, jobs[i]) })

	s := &site.Site{}
	planSeen := false
	for i, j := range jobs {
		r := &results[i]
		errs.Append(r.errs)
		switch {
		case j.role == roleTranslation:
		case r.plan() != nil:
			s.Plan, planSeen = *r.plan(), true
		case r.planItem() != nil:
			site.KindOf(j.section).Add(s, r.planItem())
		}
	}
	if !planSeen {
		errs.Add(diag.Pos{File: path.Join(Dir, "plan/_index.md")}, "the plan is missing: there is no content/plan/_index.md")
	}
	errs.Append(s.Index())
	for i, j := range jobs {
		if j.role == roleTranslation && results[i].trans() != nil {
			attachTranslation(s, j, results[i].trans(), &errs)
		}
	}
	return s, errs
}

// read reads and parses one plan file, or hands out a copy of the result of an
// identical file read before. Every copy is a fresh struct, so that resolving one
// version never touches another; what the structs share (texts, indicator lists,
// positions) is never modified after loading.
func (c *PlanCache) read(fsys fs.FS, cfg *config.Config, j job) result {
	if c == nil {
		return read(fsys, cfg, j)
	}
	var r result
	data, ok := readText(fsys, cfg, j, &r.errs)
	if !ok {
		return r
	}
	key := j.file + "\x00" + blobHash(data)
	c.mu.Lock()
	cached, hit := c.m[key]
	c.mu.Unlock()
	if !hit {
		cached = parse(cfg, j, data)
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]result{}
		}
		c.m[key] = cached
		c.mu.Unlock()
	}
	return cached.clone()
}

// clone copies the structs a result points to. The copies share what no stage changes
// (texts, positions, front matter lists); the lists a stage appends to are clipped, so that
// an append makes a list of the copy's own.
func (r result) clone() result { return r.cloneInto(nil, nil) }

// cloneInto is clone, with the copies of a reaction and of a proposal made in rc and p
// when they are not nil (see cloneAll).
func (r result) cloneInto(rc *site.Reaction, p *site.Proposal) result {
	out := result{errs: r.errs}
	if r.plan() != nil {
		p := *r.plan()
		out.v = &p
	}
	if r.planItem() != nil {
		out.v = planItemOf{site.KindOf(r.planItem().Base().Section).Clone(r.planItem())}
	}
	if r.proposal() != nil {
		if p == nil {
			p = new(site.Proposal)
		}
		*p = *r.proposal()
		out.v = p
	}
	if r.practice() != nil {
		p := *r.practice()
		out.v = &p
	}
	if r.body() != nil {
		b := *r.body()
		out.v = &b
	}
	if r.reaction() != nil {
		if rc == nil {
			rc = new(site.Reaction)
		}
		*rc = *r.reaction()
		if x := r.reaction().Extra; x != nil { // the stages set its fields and append to its problems
			c := *x
			c.Problems = slices.Clip(c.Problems)
			rc.Extra = &c
		}
		out.v = rc
	}
	if r.feedback() != nil {
		f := *r.feedback()
		f.Problems = slices.Clip(f.Problems)
		out.v = &f
	}
	if r.support() != nil {
		sp := *r.support()
		sp.Problems = slices.Clip(sp.Problems)
		out.v = &sp
	}
	if r.partic() != nil {
		p := *r.partic()
		out.v = &p
	}
	if r.amend() != nil {
		a := *r.amend()
		a.Problems = slices.Clip(a.Problems)
		a.Fields = slices.Clone(a.Fields)
		out.v = &a
	}
	if r.trans() != nil {
		t := *r.trans()
		out.v = &t
	}
	if r.sig() != nil {
		sg := *r.sig()
		out.v = &sg
	}
	if r.mod() != nil {
		m := *r.mod()
		out.v = &m
	}
	if r.rules() != nil {
		m := *r.rules()
		out.v = &m
	}
	return out
}

// cloneAll clones src into dst (of the same length), on every core, but the results
// where skip is true (skip may be nil). The reactions and proposals, most of the files of
// a large site, are copied into one array of each kind instead of one allocation each:
// pspm serve clones them all on every rebuild.
func cloneAll(dst, src []result, skip []bool) {
	var nr, np int
	for i, r := range src {
		if skip != nil && skip[i] {
			continue
		}
		if r.reaction() != nil {
			nr++
		}
		if r.proposal() != nil {
			np++
		}
	}
	rcs, ps := make([]site.Reaction, nr), make([]site.Proposal, np)
	at := make([][2]int32, len(src)) // each result's place in rcs and ps, or -1
	nr, np = 0, 0
	for i, r := range src {
		at[i] = [2]int32{-1, -1}
		if skip != nil && skip[i] {
			continue
		}
		if r.reaction() != nil {
			at[i][0] = int32(nr)
			nr++
		}
		if r.proposal() != nil {
			at[i][1] = int32(np)
			np++
		}
	}
	parallel.For(len(src), func(i int) {
		if skip != nil && skip[i] {
			return
		}
		var rc *site.Reaction
		var p *site.Proposal
		if k := at[i][0]; k >= 0 {
			rc = &rcs[k]
		}
		if k := at[i][1]; k >= 0 {
			p = &ps[k]
		}
		dst[i] = src[i].cloneInto(rc, p)
	})
}
