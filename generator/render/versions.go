package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
)

// The plan's versions (/plan/, /plan/<version>/, /plan/draft/, their changes, the list
// of versions) and its monitoring (/monitoring/).

// renderVersionTexts renders, once, the Markdown of every version's plan that the draft
// does not share: versions of a plan differ in a few texts, so most come from r.html.
func (r *renderer) renderVersionTexts() {
	r.vtext = map[string]markdown.Result{}
	add := func(it *site.Item) {
		if res, ok := r.html[it]; ok && !r.fallback[it] {
			r.vtext[r.textOf(it)] = res
		}
	}
	s := r.Site
	for _, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			add(p.Base())
		}
	}
	var todo []string
	seen := map[string]bool{}
	need := func(t string) {
		if _, ok := r.vtext[t]; !ok && !seen[t] {
			seen[t] = true
			todo = append(todo, t)
		}
	}
	for _, v := range s.Versions {
		if v.Plan == nil {
			continue
		}
		need(r.planText(&v.Plan.Plan))
		for _, k := range site.PlanKinds {
			for _, p := range k.Items(v.Plan) {
				need(r.textOf(p.Base()))
			}
		}
	}
	sort.Strings(todo)
	out := make([]markdown.Result, len(todo))
	parallel.For(len(todo), func(i int) { out[i] = r.markdown(todo[i]) })
	for i, t := range todo {
		r.vtext[t] = out[i]
	}
}

// textOf is an item's text in the page language: its translation's, or its own.
func (r *renderer) textOf(it *site.Item) string {
	if tr := it.Translations[r.lang]; tr != nil && r.prefix != "" {
		return tr.Text
	}
	return it.Text()
}

func (r *renderer) planText(p *site.Plan) string {
	if tr := p.Translations[r.lang]; tr != nil && r.prefix != "" {
		return tr.Text
	}
	return p.Text
}

// langOf is the language of an item's text on this page, "" when it is the page's.
func (r *renderer) langOf(it *site.Item) string {
	if r.prefix != "" && it.Translations[r.lang] == nil {
		return r.Config.Languages[0]
	}
	return ""
}

// versionView describes a version; v nil is the draft.
func (r *renderer) versionView(v *site.Version) *VersionView {
	if v == nil {
		s := r.Site
		return &VersionView{Name: "draft", Draft: true, Readable: true, URL: r.link("/plan/draft/"), ChangesURL: r.link("/plan/draft/changes/"),
			DataURL: r.asset("/api/v1/plan/draft.json"), Counts: Counts{Goals: len(s.Goals), Objectives: len(s.Objectives), Actions: len(s.Actions)},
			Changes: changeCounts(s.DraftChanges), Previous: nameOfVersion(s.Latest)}
	}
	if vv := r.versions[v]; vv != nil { // made before the pages are rendered, read by every worker
		return vv
	}
	vv := &VersionView{Name: v.Name, Tag: v.Tag, Date: v.Date, Commit: v.Commit[:min(10, len(v.Commit))], CommitURL: r.commitURL(v.Commit),
		Annotated: v.Annotated, Tagger: withoutEmails(v.Tagger), Signed: v.Signed, Verified: v.Verified, Signer: withoutEmails(v.Signer),
		Latest: v == r.Site.Latest, Readable: v.Plan != nil, Previous: nameOfVersion(v.Previous)}
	var said []site.Sentence // none for a version read from versions.json
	if v.SignatureSaid.Key != "" {
		said = []site.Sentence{v.SignatureSaid}
	}
	vv.Problem, vv.ProblemLang = r.sentences(v.SignatureProblem, said)
	if v.Note != "" {
		vv.Note = template.HTML(r.markdown(v.Note).HTML)
	}
	for _, e := range v.Problems {
		vv.Problems = append(vv.Problems, e.Error())
	}
	if v.Plan != nil {
		vv.URL = r.link("/plan/" + v.Name + "/")
		vv.ChangesURL = r.link("/plan/" + v.Name + "/changes/")
		vv.DataURL = r.asset("/api/v1/plan/" + v.Name + ".json")
		vv.Counts = Counts{Goals: len(v.Plan.Goals), Objectives: len(v.Plan.Objectives), Actions: len(v.Plan.Actions)}
		vv.Changes = changeCounts(v.Changes)
	}
	if v.Tag != "" {
		git := "git show --no-patch " + v.Tag
		if v.Signed {
			git = "git verify-tag -v " + v.Tag
		}
		vv.Check = &CheckView{Folder: "content/plan/", Commit: vv.Commit, CommitURL: vv.CommitURL, Data: vv.DataURL, Git: git, Verify: r.verifyCommand()}
	}
	return vv
}

// prepareVersions makes the view of every version once, before the pages are
// rendered on every core: the workers only read them.
func (r *renderer) prepareVersions() {
	r.versions = make(map[*site.Version]*VersionView, len(r.Site.Versions))
	for _, v := range r.Site.Versions {
		r.versions[v] = r.versionView(v)
	}
	r.lineage = r.Site.Lineage()
	r.layouts = map[*site.Version]*planLayout{nil: r.planLayout(nil)}
	for _, v := range r.Site.Versions {
		if v.Plan != nil {
			r.layouts[v] = r.planLayout(v)
		}
	}
}

// planBudget is how many bytes of goals, objectives and actions (their estimated HTML)
// one page of a plan holds: with the page's frame and styles it stays under the page
// budget (60 KB transferred).
const planBudget = 36 << 10

// planLayout is how a plan's page is laid out: its whole tree on the page, or, when
// the tree is too large, an index of the goals on the page and each goal's objectives
// and actions on parts of their own (several pages for a large goal).
type planLayout struct {
	url   string // the page: /plan/<version>/ or /plan/draft/
	tree  []PlanGoal
	parts []*planPart          // nil when the tree fits on the page
	where map[string]*planPart // the part of each anchor (goal-, objective-, action-<id>)
}

// planPart is one page of a plan's tree: some objectives and actions of one goal.
type planPart struct {
	goal        int // its index in the tree
	page, pages int
	url         string
	tree        PlanGoal
	size        int
}

// planLayout lays out the page of version v (nil: the draft). A version's page carries
// each action's approved text; the draft's links the actions' pages.
func (r *renderer) planLayout(v *site.Version) *planLayout {
	p, l := r.Site, &planLayout{url: "/plan/draft/"}
	if v != nil {
		p, l.url = v.Plan, "/plan/"+v.Name+"/"
	}
	l.tree = r.planTree(p)
	full := v != nil
	total := 0
	for gi, g := range l.tree {
		head := g
		head.Objectives = nil
		parts := []*planPart{{goal: gi, tree: head, size: 800 + len(g.Title)}}
		for _, o := range g.Objectives {
			oh := o
			oh.Actions, oh.Results = nil, nil
			cur := parts[len(parts)-1]
			cur.tree.Objectives = append(cur.tree.Objectives, oh)
			cur.size += 600 + len(o.Title)
			// The objective's results open its first part.
			rsize := 0
			for _, res := range o.Results {
				rsize += 400 + len(res.Title) + len(res.Owner.Title)
				for _, in := range res.Indicators {
					rsize += 150 + len(in.Name) + len(in.Target)
				}
				if full {
					rsize += len(res.HTML)
				}
			}
			if cur.size+rsize > planBudget && len(cur.tree.Objectives) > 1 {
				cur.tree.Objectives = cur.tree.Objectives[:len(cur.tree.Objectives)-1]
				cur = &planPart{goal: gi, tree: head, size: 800 + len(g.Title) + 600 + len(o.Title)}
				cur.tree.Objectives = []PlanObjective{oh}
				parts = append(parts, cur)
			}
			cur.tree.Objectives[len(cur.tree.Objectives)-1].Results = o.Results
			cur.size += rsize
			total += rsize
			for _, a := range o.Actions {
				size := 500 + len(a.Title) + len(a.Owner.Title)
				if full {
					size += len(a.HTML) + 200*len(a.Indicators) + 150*len(a.Proposals)
				}
				total += size
				if cur.size+size > planBudget && len(cur.tree.Objectives[len(cur.tree.Objectives)-1].Actions) > 0 {
					cur = &planPart{goal: gi, tree: head, size: 800 + len(g.Title)}
					cur.tree.Objectives = []PlanObjective{oh}
					parts = append(parts, cur)
				}
				last := &cur.tree.Objectives[len(cur.tree.Objectives)-1]
				last.Actions = append(last.Actions, a)
				cur.size += size
			}
		}
		for i, pt := range parts {
			pt.page, pt.pages = i+1, len(parts)
			pt.url = l.url + "goals/" + g.ID + "/"
			if pt.page > 1 {
				pt.url += strconv.Itoa(pt.page) + "/"
			}
			l.parts = append(l.parts, pt)
		}
	}
	if total <= planBudget {
		l.parts = nil
		return l
	}
	l.where = map[string]*planPart{}
	for _, pt := range l.parts {
		if pt.page == 1 {
			l.where[pt.tree.Anchor] = pt
		}
		for _, o := range pt.tree.Objectives {
			if _, ok := l.where[o.Anchor]; !ok {
				l.where[o.Anchor] = pt
			}
			for _, res := range o.Results {
				l.where[res.Anchor] = pt
			}
			for _, a := range o.Actions {
				l.where[a.Anchor] = pt
			}
		}
	}
	return l
}

// anchorURL links an item's place on the page of version v (nil: the draft's page).
func (r *renderer) anchorURL(v *site.Version, it *site.Item) string {
	path, a := r.anchorPath(v, it)
	return r.link(path) + "#" + a
}

// anchorPath is the site path of the page of version v (nil: the draft) that has the
// item, the part of the plan that holds it when the plan is laid out in parts, and the
// item's anchor there.
func (r *renderer) anchorPath(v *site.Version, it *site.Item) (path, anchor string) {
	a := anchorOf(it)
	if l := r.layouts[v]; l != nil {
		if pt := l.where[a]; pt != nil {
			return pt.url, a
		}
		return l.url, a
	}
	if v == nil {
		return "/plan/draft/", a
	}
	return "/plan/" + v.Name + "/", a
}

// version returns the version named name, or nil.
func (r *renderer) version(name string) *site.Version {
	for _, v := range r.Site.Versions {
		if v.Name == name {
			return v
		}
	}
	return nil
}

// planIndex is the index of a plan laid out in parts: a row per goal.
func (r *renderer) planIndex(l *planLayout) []PlanIndexRow {
	var out []PlanIndexRow
	for _, pt := range l.parts {
		g := l.tree[pt.goal]
		if pt.page == 1 {
			row := PlanIndexRow{Goal: Link{codeTitle(g.Code, g.Title), r.link(pt.url)}, Lang: g.Lang, Progress: g.Progress, Objectives: len(g.Objectives)}
			for _, o := range g.Objectives {
				row.Actions += len(o.Actions)
			}
			out = append(out, row)
		}
		if pt.pages > 1 {
			row := &out[len(out)-1]
			row.Pages = append(row.Pages, PageLink{Number: pt.page, URL: r.link(pt.url)})
		}
	}
	return out
}

func changeCounts(d *site.PlanDiff) ChangeCounts {
	if d == nil {
		return ChangeCounts{}
	}
	c := d.KindCounts()
	return ChangeCounts{Added: c[site.Added], Removed: c[site.Removed], Renumbered: c[site.Renumbered], Merged: c[site.Merged], Split: c[site.Split],
		Moved: c[site.Moved], Changed: c[site.Changed], Incorporated: len(d.Incorporated), Lineage: c[site.Renumbered] + c[site.Merged] + c[site.Split]}
}

// planTree is the tree of goals, objectives and actions of p (a version's plan, or the
// draft when p is the site itself), in the page language.
func (r *renderer) planTree(p *site.Site) []PlanGoal {
	draft := r.Site
	live := p == draft
	link := func(it *site.Item) string {
		if d := draft.Items[it.Key()]; d != nil {
			return r.link(d.URL())
		}
		return ""
	}
	html := func(it *site.Item) template.HTML {
		if live {
			return htmlOf(r.html[it].HTML)
		}
		// The text sits under an action (h4) of the version's page.
		return htmlOf(demoteHeadings(r.vtext[r.textOf(it)].HTML))
	}
	var out []PlanGoal
	for _, g := range p.Goals {
		gv := PlanGoal{ID: g.ID, Title: r.title(&g.Item, g.Title), Code: g.Code, URL: link(&g.Item), Anchor: "goal-" + g.ID, HTML: html(&g.Item),
			Lang: r.langOf(&g.Item), Progress: g.Progress.Percent}
		for _, o := range g.Objectives {
			ov := PlanObjective{ID: o.ID, Title: r.title(&o.Item, o.Title), Code: o.Code, URL: link(&o.Item), Anchor: "objective-" + o.ID, AgID: o.AgID,
				HTML: html(&o.Item), Lang: r.langOf(&o.Item), Progress: o.Progress.Percent}
			for _, a := range o.Actions {
				av := PlanAction{ID: a.ID, Title: r.title(&a.Item, a.Title), Code: a.Code, URL: link(&a.Item), Anchor: "action-" + a.ID, HTML: html(&a.Item),
					Lang: r.langOf(&a.Item), Owner: r.bodyLink(draft.ByBody[a.Owner], a.Owner), Status: a.Status, Label: r.tr.T("status." + a.Status),
					Progress: a.Progress, Start: a.Start, Due: a.Due}
				if live {
					av.Summary = r.html[&a.Item].Summary
				} else {
					av.Summary = r.vtext[r.textOf(&a.Item)].Summary
				}
				for _, in := range a.Indicators {
					iv := IndicatorView{Name: in.Name, Unit: in.Unit, Baseline: r.num(in.Baseline), Target: r.num(in.Target)}
					av.Indicators = append(av.Indicators, iv)
				}
				for _, id := range a.Proposals {
					av.Proposals = append(av.Proposals, r.proposalLink(id))
				}
				ov.Actions = append(ov.Actions, av)
			}
			for _, res := range o.Results {
				rv := PlanResult{ID: res.ID, Title: r.title(&res.Item, res.Title), Code: res.Code, URL: link(&res.Item), Anchor: anchorOf(&res.Item),
					HTML: html(&res.Item), Lang: r.langOf(&res.Item)}
				if res.Owner != "" {
					rv.Owner = r.bodyLink(draft.ByBody[res.Owner], res.Owner)
				}
				for _, in := range res.Indicators {
					rv.Indicators = append(rv.Indicators, IndicatorView{Name: in.Name, Unit: in.Unit, Baseline: r.num(in.Baseline), Target: r.targetsText(in)})
				}
				ov.Results = append(ov.Results, rv)
			}
			gv.Objectives = append(gv.Objectives, ov)
		}
		out = append(out, gv)
	}
	return out
}

// targetsText writes an indicator's targets as a version's page lists them: "20 (2024),
// 40 (30 giugno 2026)", or its single target.
func (r *renderer) targetsText(in site.Indicator) string {
	if len(in.Targets) == 0 {
		return r.num(in.Target)
	}
	var parts []string
	for _, t := range in.Targets {
		when := strconv.Itoa(t.Year)
		if t.Year == 0 {
			when = r.formatDate(t.Date)
		}
		parts = append(parts, r.num(t.Value)+" ("+when+")")
	}
	return strings.Join(parts, ", ")
}

// proposalLink links a proposal by id, or names it when the work tree no longer has it.
func (r *renderer) proposalLink(id string) Link {
	if p := r.Site.Proposal(id); p != nil {
		return r.itemLink(&p.Item)
	}
	return Link{Title: id}
}

// versionPages lists the pages of the plan's versions and of its monitoring.
func (r *renderer) versionPages() []task {
	s := r.Site
	var t []task
	add := func(kind, url string, date time.Time, make func() ([]byte, error)) {
		t = append(t, task{kind: kind, path: indexFile(r.prefix + url), url: r.prefix + url, date: date, make: make})
	}
	add("plan", "/plan/", s.Built, func() ([]byte, error) { return r.planPage(s.Latest, "/plan/") })
	add("plan", "/plan/draft/", s.Built, func() ([]byte, error) { return r.planPage(nil, "/plan/draft/") })
	for _, pt := range r.layouts[nil].parts {
		add("plan", pt.url, s.Built, func() ([]byte, error) { return r.planPartPage(nil, pt) })
	}
	t = append(t, r.changesPages(nil, s.Built)...)
	add("versions", "/plan/versions/", s.Built, r.versionsPage)
	for _, v := range s.Versions {
		if v.Plan == nil {
			continue
		}
		add("plan", "/plan/"+v.Name+"/", v.Date, func() ([]byte, error) { return r.planPage(v, "/plan/"+v.Name+"/") })
		for _, pt := range r.layouts[v].parts {
			add("plan", pt.url, v.Date, func() ([]byte, error) { return r.planPartPage(v, pt) })
		}
		t = append(t, r.changesPages(v, v.Date)...)
	}
	ml := r.monitorLayout()
	add("monitoring", "/monitoring/", s.Built, func() ([]byte, error) { return r.monitoringPage(ml, nil) })
	for _, pt := range ml.parts {
		add("monitoring", pt.url, s.Built, func() ([]byte, error) { return r.monitoringPage(ml, pt) })
	}
	return t
}

// planPage shows a version of the plan (v nil: the draft) at url: its whole tree, or
// the index of its goals when the tree is laid out in parts.
func (r *renderer) planPage(v *site.Version, url string) ([]byte, error) {
	return r.planView(v, url, nil)
}

// planPartPage shows one part of the tree of version v (nil: the draft).
func (r *renderer) planPartPage(v *site.Version, pt *planPart) ([]byte, error) {
	return r.planView(v, pt.url, pt)
}

func (r *renderer) planView(v *site.Version, url string, part *planPart) ([]byte, error) {
	s := r.Site
	p := s
	if v != nil {
		p = v.Plan
	}
	l := r.layouts[v]
	tree := l.tree
	pv := &PlanView{Progress: p.Progress.Percent, Version: r.versionView(v), VersionsURL: r.link("/plan/versions/"), DraftURL: r.link("/plan/draft/")}
	switch {
	case part != nil:
		tree = []PlanGoal{part.tree}
		pv.Part = &PlanPartView{Goal: Link{codeTitle(part.tree.Code, part.tree.Title), part.tree.URL}, Page: part.page, Pages: part.pages, PlanURL: r.link(l.url)}
		pv.Pager = Pager{Page: part.page, Pages: part.pages}
		for _, q := range l.parts {
			if q.goal != part.goal {
				continue
			}
			pv.Pager.Numbers = append(pv.Pager.Numbers, PageLink{Number: q.page, URL: r.link(q.url), Current: q == part})
			switch q.page {
			case part.page - 1:
				pv.Pager.Prev = r.link(q.url)
			case part.page + 1:
				pv.Pager.Next = r.link(q.url)
			}
		}
		pv.Tree = tree
	case l.parts != nil:
		pv.Index = r.planIndex(l)
	default:
		pv.Tree = tree
	}
	if s.Latest != nil {
		pv.Latest = r.versionView(s.Latest)
	}
	pv.Full = v != nil && url != "/plan/"
	if v == nil {
		pv.Intro = htmlOf(r.plan.HTML)
		pv.DraftChanges = changeCounts(s.DraftChanges)
	} else {
		pv.Intro = htmlOf(r.vtext[r.planText(&p.Plan)].HTML)
	}
	for _, st := range site.ActionStatuses {
		pv.ByStatus = append(pv.ByStatus, StatusCount{st, r.tr.T("status." + st), p.Progress.ByStatus[st]})
	}
	if part == nil && (url == "/plan/" || v == nil) {
		for i, a := range s.Priorities {
			tl := r.tally(a.Tally)
			pv.Priorities = append(pv.Priorities, PriorityRank{Rank: i + 1, Action: r.itemLink(&a.Item), Mean: tl.PriorityMean, Count: tl.PriorityCount,
				Distribution: tl.Distribution, Text: tl.PriorityText, Bar: priorityBar(a.Tally.Priority, r.tr)})
		}
	}
	title := p.Plan.Title
	// heading is title as HTML, the plan's title marked with its language when it is not
	// translated into the page's.
	heading := template.HTML(template.HTMLEscapeString(title))
	if tr := p.Plan.Translations[r.lang]; tr != nil && tr.Title != "" && r.prefix != "" {
		title = tr.Title
		heading = template.HTML(template.HTMLEscapeString(title))
	} else if r.prefix != "" {
		heading = template.HTML(`<span lang="`+template.HTMLEscapeString(r.Config.Languages[0])+`">`) + heading + "</span>"
	}
	// On a page in another language, what has no translation is shown in the default
	// language, marked with lang and announced by a notice, as on the items' pages.
	if r.prefix != "" {
		def := r.Config.Languages[0]
		if p.Plan.Translations[r.lang] == nil {
			pv.IntroLang, pv.Untranslated = def, def
		}
		for _, g := range tree {
			if g.Lang != "" {
				pv.Untranslated = def
			}
			for _, o := range g.Objectives {
				if o.Lang != "" {
					pv.Untranslated = def
				}
				for _, a := range o.Actions {
					if a.Lang != "" {
						pv.Untranslated = def
					}
				}
				for _, res := range o.Results {
					if res.Lang != "" {
						pv.Untranslated = def
					}
				}
			}
		}
		if pv.Untranslated == r.lang {
			pv.IntroLang, pv.Untranslated = "", ""
		}
	}
	crumbs := []Link{{r.tr.T("menu.home"), r.link("/")}}
	switch {
	case url == "/plan/":
	case v == nil:
		crumbs = append(crumbs, Link{r.tr.T("menu.plan"), r.link("/plan/")})
		title = r.tr.T("plan.draft.title", title)
		heading = r.tr.HTML("plan.draft.title", heading)
	default:
		crumbs = append(crumbs, Link{r.tr.T("menu.plan"), r.link("/plan/")}, Link{r.tr.T("versions.title"), r.link("/plan/versions/")})
		title = r.tr.T("plan.version.title", title, v.Name)
		heading = r.tr.HTML("plan.version.title", heading, template.HTMLEscapeString(v.Name))
	}
	if part != nil {
		crumbs = append(crumbs, Link{title, r.link(l.url)})
		title = r.tr.T("changes.part.title", title, codeTitle(part.tree.Code, part.tree.Title))
		heading = r.tr.HTML("changes.part.title", heading, template.HTMLEscapeString(codeTitle(part.tree.Code, part.tree.Title)))
		if part.pages > 1 {
			title = r.tr.T("changes.part.page", title, part.page, part.pages)
			heading = r.tr.HTML("changes.part.page", heading, part.page, part.pages)
		}
	}
	pv.Heading = heading
	return r.page("plan", &Page{Title: title, URL: r.link(url), Plan: pv, Feed: r.link("/plan/index.xml"), Breadcrumbs: crumbs})
}

// versionsPage lists every version, and the draft.
func (r *renderer) versionsPage() ([]byte, error) {
	vv := &VersionsView{Draft: r.versionView(nil)}
	for _, v := range r.Site.Versions {
		vv.Versions = append(vv.Versions, r.versionView(v))
	}
	return r.page("versions", &Page{Title: r.tr.T("versions.title"), URL: r.link("/plan/versions/"), Versions: vv,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.plan"), r.link("/plan/")}}})
}

// changesBudget is how many bytes of changed items (their estimated HTML) one changes
// page holds: with the page's frame, styles and scripts it stays under the page
// budget (60 KB transferred).
const changesBudget = 40 << 10

// changesSet is what changed in one version (nil: the draft), laid out in pages: the
// summary at url, and the items of each goal on parts, unless they all fit on the
// summary page.
type changesSet struct {
	v         *site.Version
	d         *site.PlanDiff
	prev      *site.Version
	url       string // /plan/<version>/changes/
	old, new_ *site.Site
	parts     []*changePart
	inline    bool // every item fits on the summary page
}

// changePart is one page of changed items: the items of one goal, or a page of them.
type changePart struct {
	goal        string // the goal's id
	goalTitle   Link   // its title (code and title), linked to its page in the draft
	page, pages int
	url         string
	items       []ItemChangeView
	sections    []site.Section // the section of each item
	size        int
}

func (p *changePart) path(base string, page int) string {
	u := base + p.goal + "/"
	if page > 1 {
		u += strconv.Itoa(page) + "/"
	}
	return u
}

// changesOf lays out the changes of version v (nil: the draft since the latest).
func (r *renderer) changesOf(v *site.Version) *changesSet {
	s := r.Site
	cs := &changesSet{v: v, d: s.DraftChanges, prev: s.Latest, url: "/plan/draft/changes/", new_: s}
	if v != nil {
		cs.d, cs.prev, cs.url, cs.new_ = v.Changes, v.Previous, "/plan/"+v.Name+"/changes/", v.Plan
	}
	if cs.prev != nil {
		cs.old = cs.prev.Plan
	}
	if cs.d == nil {
		cs.inline = true
		return cs
	}
	// The items of each goal, goals in the order first met (the new plan's order,
	// removed goals where they were).
	byGoal := map[string][]*changePart{}
	var goals []string
	total := 0
	for _, list := range cs.d.Lists() {
		for _, it := range list {
			iv := r.itemChangeView(it, cs)
			if cs.prev == nil { // the first version: everything is new, its page shows it in full
				iv.Fields, iv.Text = nil, ""
			}
			size := iv.size()
			total += size
			ps := byGoal[it.Goal]
			if ps == nil {
				goals = append(goals, it.Goal)
				ps = []*changePart{{goal: it.Goal, goalTitle: r.goalOfChange(it.Goal, cs.old, cs.new_)}}
			}
			last := ps[len(ps)-1]
			if last.size > 0 && last.size+size > changesBudget {
				last = &changePart{goal: it.Goal, goalTitle: last.goalTitle}
				ps = append(ps, last)
			}
			last.items = append(last.items, iv)
			last.sections = append(last.sections, it.Section)
			last.size += size
			byGoal[it.Goal] = ps
		}
	}
	cs.inline = total <= changesBudget
	for _, g := range goals {
		ps := byGoal[g]
		for i, p := range ps {
			p.page, p.pages = i+1, len(ps)
			if p.goal == "" {
				p.goal = "-"
			}
			p.url = p.path(cs.url, p.page)
			cs.parts = append(cs.parts, p)
		}
	}
	return cs
}

// goalOfChange names goal id as the new plan has it (as the old one had it when
// removed).
func (r *renderer) goalOfChange(id string, old, new *site.Site) Link {
	if id == "" {
		return Link{Title: r.tr.T("changes.no_goal")}
	}
	for _, p := range []*site.Site{new, old} {
		if p == nil {
			continue
		}
		if f, ok := p.Facts(site.Goals, id); ok {
			l := Link{Title: codeTitle(f.Code, r.title(f.Item, f.Title))}
			if d := r.Site.Items[f.Item.Key()]; d != nil {
				l.URL = r.link(d.URL())
			}
			return l
		}
	}
	return Link{Title: id}
}

// size estimates the bytes of HTML the view of a changed item takes.
func (v *ItemChangeView) size() int {
	n := 600 + 2*len(v.Title) + len(v.Text) + len(v.TitleDiff)
	for _, f := range v.Fields {
		n += 250 + len(f.Name) + len(f.Old) + len(f.New) + len(f.Diff)
	}
	for _, l := range append(v.FromItems, v.ToItems...) {
		n += 120 + len(l.Title) + len(l.URL)
	}
	return n
}

// changesPages lists the changes pages of version v (nil: the draft): the summary and
// its parts.
func (r *renderer) changesPages(v *site.Version, date time.Time) []task {
	cs := r.changesOf(v)
	var t []task
	add := func(url string, make func() ([]byte, error)) {
		t = append(t, task{kind: "changes", path: indexFile(r.prefix + url), url: r.prefix + url, date: date, make: make})
	}
	add(cs.url, func() ([]byte, error) { return r.changesPage(cs, nil) })
	if !cs.inline {
		for _, p := range cs.parts {
			add(p.url, func() ([]byte, error) { return r.changesPage(cs, p) })
		}
	}
	return t
}

// changesPage shows what a version changed since the version before it: the summary,
// with the changed items when they fit (part nil), or one part of the items.
func (r *renderer) changesPage(cs *changesSet, part *changePart) ([]byte, error) {
	s, d, v, prev := r.Site, cs.d, cs.v, cs.prev
	cv := &ChangesView{To: r.versionView(v), Counts: changeCounts(d), Empty: d.Empty(), SummaryURL: r.link(cs.url)}
	if r.prefix != "" && !cv.Empty && r.Config.Languages[0] != r.lang {
		// Changes are those of the texts as written, in the default language.
		cv.Untranslated = r.Config.Languages[0]
	}
	if prev != nil {
		cv.From = r.versionView(prev)
	}
	for _, k := range site.ChangeKinds {
		cv.Kinds = append(cv.Kinds, KindLabel{Kind: k, Label: r.tr.T("changes.kind." + k)})
	}
	title := r.tr.T("changes.title.draft")
	if v != nil {
		title = r.tr.T("changes.title", v.Name)
	}
	crumbs := []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.plan"), r.link("/plan/")}, {r.tr.T("versions.title"), r.link("/plan/versions/")}}
	groups := func(items []ItemChangeView, sections []site.Section) []ChangeGroup {
		var out []ChangeGroup
		for _, k := range site.PlanKinds {
			grp := ChangeGroup{Section: k.Plural, Title: r.kindTitle(k)}
			for i, it := range items {
				if sections[i] == k.Section {
					grp.Items = append(grp.Items, it)
				}
			}
			if len(grp.Items) > 0 {
				out = append(out, grp)
			}
		}
		return out
	}
	if part != nil {
		cv.Part = &ChangePart{Goal: part.goalTitle, Page: part.page, Pages: part.pages}
		cv.Pager = Pager{Page: part.page, Pages: part.pages}
		if part.page > 1 {
			cv.Pager.Prev = r.link(part.path(cs.url, part.page-1))
		}
		if part.page < part.pages {
			cv.Pager.Next = r.link(part.path(cs.url, part.page+1))
		}
		for i := 1; i <= part.pages; i++ {
			cv.Pager.Numbers = append(cv.Pager.Numbers, PageLink{Number: i, URL: r.link(part.path(cs.url, i)), Current: i == part.page})
		}
		cv.Groups = groups(part.items, part.sections)
		crumbs = append(crumbs, Link{title, r.link(cs.url)})
		title = r.tr.T("changes.part.title", title, part.goalTitle.Title)
		if part.pages > 1 {
			title = r.tr.T("changes.part.page", title, part.page, part.pages)
		}
		return r.page("changes", &Page{Title: title, URL: r.link(part.url), Changes: cv, Breadcrumbs: crumbs})
	}
	if d != nil {
		cv.Summary, cv.Total = r.changeSummary(cs)
		cv.Parts = !cs.inline
		if cs.inline {
			var items []ItemChangeView
			var secs []site.Section
			for _, p := range cs.parts {
				items = append(items, p.items...)
				secs = append(secs, p.sections...)
			}
			cv.Groups = groups(items, secs)
		}
		for _, f := range d.Plan {
			cv.Plan = append(cv.Plan, r.fieldView(f, site.ItemDiff{}))
		}
		cv.Intro = textDiffHTML(d.PlanText, r.tr, false)
		for _, id := range d.Incorporated {
			iv := IncorporatedView{Proposal: r.proposalLink(id)}
			if p := s.Proposal(id); p != nil {
				iv.Body = r.bodyLink(p.BodyItem, p.Body)
				iv.Status, iv.Label = p.Status, r.tr.T("status."+p.Status)
			}
			for _, a := range cs.new_.Actions {
				for _, pid := range a.Proposals {
					if pid == id {
						iv.Actions = append(iv.Actions, r.planItemLink(&a.Item, a.Title, cs.new_, v))
					}
				}
			}
			cv.Incorporated = append(cv.Incorporated, iv)
		}
	}
	return r.page("changes", &Page{Title: title, URL: r.link(cs.url), Changes: cv, Breadcrumbs: crumbs})
}

// kindTitle names the items of kind k in the page language: the plan's labels for
// goals, objectives and actions, the theme's words for the other kinds.
func (r *renderer) kindTitle(k *site.Kind) string {
	labels := r.view.Labels
	switch k.Section {
	case site.Goals:
		return labels.Goals
	case site.Objectives:
		return labels.Objectives
	case site.Actions:
		return labels.Actions
	}
	return r.tr.T(k.Plural + ".title")
}

// changeSummary counts the changes of each goal by kind, and of the whole plan.
func (r *renderer) changeSummary(cs *changesSet) ([]ChangeSummaryRow, ChangeSummaryRow) {
	kinds := site.ChangeKinds
	index := map[string]int{}
	for i, k := range kinds {
		index[k] = i
	}
	total := ChangeSummaryRow{Goal: Link{Title: r.tr.T("changes.total")}, Counts: make([]int, len(kinds))}
	var rows []ChangeSummaryRow
	at := map[string]int{}
	for _, list := range cs.d.Lists() {
		for _, it := range list {
			i, ok := at[it.Goal]
			if !ok {
				i = len(rows)
				at[it.Goal] = i
				rows = append(rows, ChangeSummaryRow{Goal: r.goalOfChange(it.Goal, cs.old, cs.new_), Counts: make([]int, len(kinds))})
				if !cs.inline {
					for _, p := range cs.parts {
						if p.goal == it.Goal || (it.Goal == "" && p.goal == "-") {
							if p.page == 1 {
								rows[i].Part = r.link(p.url)
							}
							if p.pages > 1 {
								rows[i].Pages = append(rows[i].Pages, PageLink{Number: p.page, URL: r.link(p.url)})
							}
						}
					}
				}
			}
			rows[i].Counts[index[it.Kind]]++
			rows[i].Total++
			total.Counts[index[it.Kind]]++
			total.Total++
		}
	}
	return rows, total
}

// historyView is the history of a plan item of this portal across the versions of the
// plan, or nil when there is no readable version (or the item is another portal's).
func (r *renderer) historyView(it *site.Item) *HistoryView {
	if it.Namespace != "" || r.Site.Latest == nil {
		return nil
	}
	steps := r.lineage.History(it.Section, it.ID)
	name := func(v *site.Version) (string, string) {
		if v == nil {
			return r.tr.T("versions.draft"), r.link("/plan/draft/")
		}
		return v.Name, r.link("/plan/" + v.Name + "/")
	}
	hv := &HistoryView{}
	for k, st := range steps {
		vname, vurl := name(st.Version)
		if len(st.Items) == 0 {
			hv.Rows = append(hv.Rows, HistoryRow{Version: vname, VersionURL: vurl, Draft: st.Version == nil, Absent: true})
			continue
		}
		for _, e := range st.Items {
			row := HistoryRow{Version: vname, VersionURL: vurl, Draft: st.Version == nil, ID: e.ID, Code: e.Code, Title: r.title(e.Item, e.Title),
				Due: e.Due, Status: e.Status, Current: st.Version == nil && e.ID == it.ID}
			if e.Status != "" {
				row.Label = r.tr.T("status." + e.Status)
			}
			if e.Owner != "" {
				row.Owner = r.bodyLink(r.Site.ByBody[e.Owner], e.Owner)
			}
			if st.Version != nil {
				row.URL = r.anchorURL(st.Version, e.Item)
			}
			if e.Next != "" && k+1 < len(steps) {
				next := steps[k+1]
				nname, _ := name(next.Version)
				np := r.Site
				if next.Version != nil {
					np = next.Version.Plan
				}
				var to []string
				for _, id := range e.NextIDs {
					if n, ok := np.Facts(it.Section, id); ok && n.Code != "" {
						id = n.Code
					}
					to = append(to, id)
				}
				key := "lineage.next." + e.Next
				if next.Version == nil {
					key += ".draft"
				}
				switch {
				case e.Next == site.Removed && next.Version == nil:
					row.Next = r.tr.T(key)
				case e.Next == site.Removed:
					row.Next = r.tr.T(key, nname)
				case next.Version == nil:
					row.Next = r.tr.T(key, strings.Join(to, ", "))
				default:
					row.Next = r.tr.T(key, strings.Join(to, ", "), nname)
				}
			}
			hv.Rows = append(hv.Rows, row)
		}
	}
	return hv
}

// planItemLink links an item of plan p: to its page in the draft, or to its place on the
// page of version v.
func (r *renderer) planItemLink(it *site.Item, title string, p *site.Site, v *site.Version) Link {
	title = r.title(it, title)
	if p != nil {
		title = codeTitle(p.CodeOf(it), title)
	}
	if d := r.Site.Items[it.Key()]; d != nil {
		return Link{title, r.link(d.URL())}
	}
	if v != nil && p != nil {
		return Link{title, r.anchorURL(v, it)}
	}
	return Link{Title: title}
}

// anchorOf is the anchor of a plan item on a version's page: <kind>-<id>.
func anchorOf(it *site.Item) string {
	if k := site.KindOf(it.Section); k != nil {
		return k.Name + "-" + it.ID
	}
	return "action-" + it.ID
}

func (r *renderer) itemChangeView(d site.ItemDiff, cs *changesSet) ItemChangeView {
	oldPlan, newPlan := cs.old, cs.new_
	// placeOf links an item of the old (or new) version: its page in the draft, else its
	// place on that version's page.
	placeOf := func(old bool, it *site.Item) string {
		if dr := r.Site.Items[it.Key()]; dr != nil {
			return r.link(dr.URL())
		}
		switch {
		case old && cs.prev != nil:
			return r.anchorURL(cs.prev, it)
		case !old && cs.v != nil:
			return r.anchorURL(cs.v, it)
		}
		return ""
	}
	v := ItemChangeView{Kind: d.Kind, KindLabel: r.tr.T("changes.kind." + d.Kind), ID: d.ID, Title: d.Title, Goal: d.Goal,
		Text: textDiffHTML(d.Text, r.tr, d.Kind == site.Added || d.Kind == site.Removed)}
	if r.prefix != "" && r.Config.Languages[0] != r.lang {
		v.TextLang = r.Config.Languages[0]
	}
	in := newPlan
	if d.Kind == site.Removed {
		in = oldPlan
	}
	if in != nil {
		if f, ok := in.Facts(d.Section, d.ID); ok {
			v.Title, v.Code, v.Lang = r.title(f.Item, d.Title), f.Code, r.langOf(f.Item)
			v.URL = placeOf(d.Kind == site.Removed, f.Item)
		}
	}
	v.From = Link{Title: d.FromParentTitle}
	if v.From.Title == "" {
		v.From.Title = d.FromParent
	}
	v.To = Link{Title: d.ToParentTitle}
	if v.To.Title == "" {
		v.To.Title = d.ToParent
	}
	parentSec := site.ParentSection(d.Section)
	if it := r.Site.Items[string(parentSec)+"/"+d.ToParent]; it != nil && d.ToParent != "" {
		v.To.URL = r.link(it.URL())
	}
	if it := r.Site.Items[string(parentSec)+"/"+d.FromParent]; it != nil && d.FromParent != "" {
		v.From.URL = r.link(it.URL())
	}
	items := func(p *site.Site, old bool, ids []string) []Link {
		var out []Link
		for _, id := range ids {
			l := Link{Title: id}
			if p != nil {
				if f, ok := p.Facts(d.Section, id); ok {
					l.Title = codeTitle(f.Code, r.title(f.Item, f.Title)) + " (" + id + ")"
					l.URL = placeOf(old, f.Item)
				}
			}
			out = append(out, l)
		}
		return out
	}
	v.FromItems = items(oldPlan, true, d.FromIDs)
	if d.Kind == site.Split {
		v.ToItems = items(newPlan, false, d.ToIDs)
	}
	for _, f := range d.Fields {
		fv := r.fieldView(f, d)
		if f.Field == "title" || f.Field == "goal" || f.Field == "objective" { // texts as written
			fv.Lang = v.TextLang
		}
		if f.Field == "title" && f.Words != nil {
			v.TitleDiff = fv.Diff
		}
		v.Fields = append(v.Fields, fv)
	}
	return v
}

// fieldView names a changed field in the page language, with its values as the pages
// write them: dates in words, parents by code and title (those of d), statuses in the
// page language.
func (r *renderer) fieldView(f site.FieldChange, d site.ItemDiff) FieldView {
	name := f.Field
	if ind, ok := strings.CutPrefix(f.Field, "indicator:"); ok {
		if n, attr, ok := strings.Cut(ind, "."); ok && (attr == "unit" || attr == "baseline" || attr == "target" || attr == "targets") {
			name = r.tr.T("changes.field.indicator."+attr, n)
		} else {
			name = r.tr.T("changes.field.indicator", ind)
		}
	} else {
		name = r.tr.T("changes.field." + f.Field)
	}
	before, after := f.Old, f.New
	switch f.Field {
	case "status": // a code: shown in the page language
		if before != "" {
			before = r.tr.T("status." + before)
		}
		if after != "" {
			after = r.tr.T("status." + after)
		}
	case "start", "due":
		before, after = r.frontMatterDate(before), r.frontMatterDate(after)
	case "progress":
		before, after = r.percentField(before), r.percentField(after)
	case "owner": // bodies: by their names
		before, after = r.bodyNames(before), r.bodyNames(after)
	case "goal", "objective":
		if before != "" && before == d.FromParent && d.FromParentTitle != "" {
			before = d.FromParentTitle
		}
		if after != "" && after == d.ToParent && d.ToParentTitle != "" {
			after = d.ToParentTitle
		}
	}
	if ind, ok := strings.CutPrefix(f.Field, "indicator:"); ok {
		_, attr, _ := strings.Cut(ind, ".")
		switch {
		case f.Indicator != nil: // added or removed
			if before != "" {
				before = r.indicatorSummary(f.Indicator)
			}
			if after != "" {
				after = r.indicatorSummary(f.Indicator)
			}
		case attr == "baseline" || attr == "target":
			before, after = r.numberField(before), r.numberField(after)
		case attr == "targets":
			before, after = r.targetsField(before), r.targetsField(after)
		}
	}
	fv := FieldView{Name: name, Old: before, New: after}
	if f.Words != nil {
		fv.Diff = textDiffHTML(f.Words, r.tr, false)
	}
	return fv
}

// bodyNames writes a comma-separated list of body ids with the names of the bodies of
// the portal.
func (r *renderer) bodyNames(ids string) string {
	if ids == "" {
		return ""
	}
	parts := strings.Split(ids, ", ")
	for i, id := range parts {
		if b := r.Site.ByBody[id]; b != nil {
			parts[i] = b.Name
		}
	}
	return strings.Join(parts, ", ")
}

// percentField writes a progress field ("45") as the pages do ("45%", "45 %" in German).
func (r *renderer) percentField(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil {
		return s
	}
	return r.tr.Percent(n)
}

// numberField writes a number of the front matter ("500000") as the pages do
// ("500.000").
func (r *renderer) numberField(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return r.num(f)
}

// targetsField writes an indicator's targets as the model lists them ("2024: 20;
// 2026-06-30: 60") with the pages' dates and numbers ("2024: 20; 30 giugno 2026: 60").
func (r *renderer) targetsField(s string) string {
	if s == "" {
		return ""
	}
	parts := strings.Split(s, "; ")
	for i, p := range parts {
		if when, v, ok := strings.Cut(p, ": "); ok {
			parts[i] = r.frontMatterDate(when) + ": " + r.numberField(v)
		}
	}
	return strings.Join(parts, "; ")
}

// indicatorSummary describes an indicator added or removed in the page's language.
func (r *renderer) indicatorSummary(in *site.Indicator) string {
	s := r.tr.T("changes.indicator.baseline", r.num(in.Baseline))
	if in.Target != 0 || len(in.Targets) == 0 {
		s += ", " + r.tr.T("changes.indicator.target", r.num(in.Target))
	}
	if len(in.Targets) > 0 {
		var parts []string
		for _, t := range in.Targets {
			when := strconv.Itoa(t.Year)
			if t.Year == 0 {
				when = r.formatDate(t.Date)
			}
			parts = append(parts, when+": "+r.num(t.Value))
		}
		s += ", " + r.tr.T("changes.indicator.targets", strings.Join(parts, "; "))
	}
	if in.Unit != "" {
		s = r.tr.T("changes.indicator.unit", in.Unit) + ", " + s
	}
	return s
}

// frontMatterDate writes a YYYY-MM-DD date as the pages do ("10 novembre 2026").
func (r *renderer) frontMatterDate(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return r.formatDate(t)
}

// Lengths of the text kept by textDiffHTML: around each change, and of a whole text
// added or removed.
const (
	diffContext = 160
	diffWhole   = 700
)

// textDiffHTML writes a word-level diff as HTML: removed words in <del>, added ones in
// <ins>, each opened by words that a screen reader reads and that stay when colour and
// styles are gone. Long unchanged stretches are cut to the words around the changes;
// with whole (an item added or removed), its text is cut after diffWhole characters:
// the item's page and the open data have it in full. "" when there is no diff.
func textDiffHTML(ops []site.TextOp, tr translations, whole bool) template.HTML {
	if ops == nil {
		return ""
	}
	var b strings.Builder
	cut := ` <span class="small">[…]</span> `
	for i, op := range ops {
		t := op.Text
		switch {
		case whole && len(t) > diffWhole:
			t = cutAfter(t, diffWhole)
		case op.Op == site.TextEqual && len(t) > 2*diffContext+40:
			head, tail := "", ""
			if i > 0 {
				head = cutAfter(t, diffContext)
			}
			if i < len(ops)-1 {
				tail = cutBefore(t, diffContext)
			}
			b.WriteString(template.HTMLEscapeString(head) + cut + template.HTMLEscapeString(tail))
			continue
		}
		text := template.HTMLEscapeString(t)
		if t != op.Text {
			text += cut
		}
		switch op.Op {
		case site.TextInsert:
			b.WriteString(`<ins><span class="visually-hidden">` + template.HTMLEscapeString(tr.T("changes.added_text")) + ` </span>` + text + `</ins>`)
		case site.TextDelete:
			b.WriteString(`<del><span class="visually-hidden">` + template.HTMLEscapeString(tr.T("changes.removed_text")) + ` </span>` + text + `</del>`)
		default:
			b.WriteString(text)
		}
	}
	return template.HTML(b.String())
}

// cutAfter keeps about the first n bytes of s, ending at a space.
func cutAfter(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if i := strings.LastIndexAny(s[:n], " \n"); i > n/2 {
		return s[:i]
	}
	for n < len(s) && !utf8.RuneStart(s[n]) {
		n++
	}
	return s[:n]
}

// cutBefore keeps about the last n bytes of s, starting after a space.
func cutBefore(s string, n int) string {
	if len(s) <= n {
		return s
	}
	k := len(s) - n
	if i := strings.IndexAny(s[k:], " \n"); i >= 0 && i < n/2 {
		return s[k+i+1:]
	}
	for k < len(s) && !utf8.RuneStart(s[k]) {
		k++
	}
	return s[k:]
}

func (r *renderer) updateView(u site.Update, action Link) MonitorUpdate {
	v := MonitorUpdate{Action: action, Date: u.Point.Landed, From: -1, To: u.Point.Progress, Status: u.Point.Status,
		Label: r.tr.T("status." + u.Point.Status), Author: u.Point.Author, Commit: u.Point.Commit[:min(10, len(u.Point.Commit))], CommitURL: r.commitURL(u.Point.Commit)}
	if u.Prev != nil {
		v.From = u.Prev.Progress
	}
	return v
}

func (r *renderer) statusCounts(p site.Progress) []StatusCount {
	var out []StatusCount
	for _, st := range site.ActionStatuses {
		out = append(out, StatusCount{st, r.tr.T("status." + st), p.ByStatus[st]})
	}
	return out
}

// pointViews is the table beside an action's progress chart.
func (r *renderer) pointViews(ps []site.ProgressPoint) []PointView {
	out := make([]PointView, 0, len(ps))
	for _, p := range ps {
		out = append(out, PointView{Date: p.Landed, Progress: p.Progress, Status: p.Status, Label: r.tr.T("status." + p.Status), Author: p.Author,
			Commit: p.Commit[:min(10, len(p.Commit))], CommitURL: r.commitURL(p.Commit)})
	}
	return out
}

var headingRE = regexp.MustCompile(`<(/?)h([2-6])(?: id="[^"]*")?>`)

// demoteHeadings moves the headings of a rendered text (h2 and below, as the Markdown
// renderer makes them) under an h4, keeping their order without skipping a level, and
// drops their ids, which would repeat on a page that shows many texts.
func demoteHeadings(html string) string {
	return headingRE.ReplaceAllStringFunc(html, func(tag string) string {
		m := headingRE.FindStringSubmatch(tag)
		level := min(int(m[2][0]-'0')+3, 6)
		return "<" + m[1] + "h" + string(rune('0'+level)) + ">"
	})
}
