package render

import (
	"html/template"
	"regexp"
	"sort"
	"strings"
	"time"

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
	for _, g := range s.Goals {
		add(&g.Item)
	}
	for _, o := range s.Objectives {
		add(&o.Item)
	}
	for _, a := range s.Actions {
		add(&a.Item)
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
		for _, g := range v.Plan.Goals {
			need(r.textOf(&g.Item))
		}
		for _, o := range v.Plan.Objectives {
			need(r.textOf(&o.Item))
		}
		for _, a := range v.Plan.Actions {
			need(r.textOf(&a.Item))
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
	return it.Text
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
		Annotated: v.Annotated, Tagger: v.Tagger, Signed: v.Signed, Verified: v.Verified, Signer: v.Signer, Problem: v.SignatureProblem,
		Latest: v == r.Site.Latest, Readable: v.Plan != nil, Previous: nameOfVersion(v.Previous)}
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
	return vv
}

// prepareVersions makes the view of every version once, before the pages are
// rendered on every core: the workers only read them.
func (r *renderer) prepareVersions() {
	r.versions = make(map[*site.Version]*VersionView, len(r.Site.Versions))
	for _, v := range r.Site.Versions {
		r.versions[v] = r.versionView(v)
	}
}

func changeCounts(d *site.PlanDiff) ChangeCounts {
	if d == nil {
		return ChangeCounts{}
	}
	a, rm, mv, ch := d.Counts()
	return ChangeCounts{Added: a, Removed: rm, Moved: mv, Changed: ch, Incorporated: len(d.Incorporated)}
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
					iv := IndicatorView{Name: in.Name, Unit: in.Unit, Baseline: num(in.Baseline), Target: num(in.Target)}
					av.Indicators = append(av.Indicators, iv)
				}
				for _, id := range a.Proposals {
					av.Proposals = append(av.Proposals, r.proposalLink(id))
				}
				ov.Actions = append(ov.Actions, av)
			}
			gv.Objectives = append(gv.Objectives, ov)
		}
		out = append(out, gv)
	}
	return out
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
	add("changes", "/plan/draft/changes/", s.Built, func() ([]byte, error) { return r.changesPage(nil) })
	add("versions", "/plan/versions/", s.Built, r.versionsPage)
	for _, v := range s.Versions {
		if v.Plan == nil {
			continue
		}
		add("plan", "/plan/"+v.Name+"/", v.Date, func() ([]byte, error) { return r.planPage(v, "/plan/"+v.Name+"/") })
		add("changes", "/plan/"+v.Name+"/changes/", v.Date, func() ([]byte, error) { return r.changesPage(v) })
	}
	add("monitoring", "/monitoring/", s.Built, r.monitoringPage)
	return t
}

// planPage shows a version of the plan (v nil: the draft) at url.
func (r *renderer) planPage(v *site.Version, url string) ([]byte, error) {
	s := r.Site
	p := s
	if v != nil {
		p = v.Plan
	}
	pv := &PlanView{Progress: p.Progress.Percent, Tree: r.planTree(p), Version: r.versionView(v), VersionsURL: r.link("/plan/versions/"), DraftURL: r.link("/plan/draft/")}
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
	if url == "/plan/" || v == nil {
		for i, a := range s.Priorities {
			tl := r.tally(a.Tally)
			pv.Priorities = append(pv.Priorities, PriorityRank{Rank: i + 1, Action: r.itemLink(&a.Item), Mean: tl.PriorityMean, Count: tl.PriorityCount,
				Distribution: tl.Distribution, Text: tl.PriorityText, Bar: priorityBar(a.Tally.Priority, r.tr)})
		}
	}
	title := p.Plan.Title
	if tr := p.Plan.Translations[r.lang]; tr != nil && tr.Title != "" && r.prefix != "" {
		title = tr.Title
	}
	// On a page in another language, what has no translation is shown in the default
	// language, marked with lang and announced by a notice, as on the items' pages.
	if r.prefix != "" {
		def := r.Config.Languages[0]
		if p.Plan.Translations[r.lang] == nil {
			pv.IntroLang, pv.Untranslated = def, def
		}
		for _, g := range pv.Tree {
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
	default:
		crumbs = append(crumbs, Link{r.tr.T("menu.plan"), r.link("/plan/")}, Link{r.tr.T("versions.title"), r.link("/plan/versions/")})
		title = r.tr.T("plan.version.title", title, v.Name)
	}
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

// changesPage shows what version v (nil: the draft) changed since the version before it.
func (r *renderer) changesPage(v *site.Version) ([]byte, error) {
	s := r.Site
	d, prev, url := s.DraftChanges, s.Latest, "/plan/draft/changes/"
	if v != nil {
		d, prev, url = v.Changes, v.Previous, "/plan/"+v.Name+"/changes/"
	}
	cv := &ChangesView{To: r.versionView(v), Counts: changeCounts(d), Empty: d.Empty()}
	if prev != nil {
		cv.From = r.versionView(prev)
	}
	var newPlan, oldPlan *site.Site = s, nil
	if v != nil {
		newPlan = v.Plan
	}
	if prev != nil {
		oldPlan = prev.Plan
	}
	if d != nil {
		for _, f := range d.Plan {
			cv.Plan = append(cv.Plan, r.fieldView(f))
		}
		cv.Intro = textDiffHTML(d.PlanText, r.tr)
		labels := r.view.Labels
		for _, g := range []struct {
			section string
			title   string
			items   []site.ItemDiff
		}{{"goals", labels.Goals, d.Goals}, {"objectives", labels.Objectives, d.Objectives}, {"actions", labels.Actions, d.Actions}} {
			if len(g.items) == 0 {
				continue
			}
			grp := ChangeGroup{Section: g.section, Title: g.title}
			for _, it := range g.items {
				iv := r.itemChangeView(it, oldPlan, newPlan)
				if prev == nil { // the first version: everything is new, its page shows it in full
					iv.Fields, iv.Text = nil, ""
				}
				grp.Items = append(grp.Items, iv)
			}
			cv.Groups = append(cv.Groups, grp)
		}
		for _, id := range d.Incorporated {
			iv := IncorporatedView{Proposal: r.proposalLink(id)}
			if p := s.Proposal(id); p != nil {
				iv.Body = r.bodyLink(p.BodyItem, p.Body)
				iv.Status, iv.Label = p.Status, r.tr.T("status."+p.Status)
			}
			for _, a := range newPlan.Actions {
				for _, pid := range a.Proposals {
					if pid == id {
						iv.Actions = append(iv.Actions, r.planItemLink(&a.Item, a.Title, newPlan, v))
					}
				}
			}
			cv.Incorporated = append(cv.Incorporated, iv)
		}
	}
	title := r.tr.T("changes.title.draft")
	if v != nil {
		title = r.tr.T("changes.title", v.Name)
	}
	crumbs := []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.plan"), r.link("/plan/")}, {r.tr.T("versions.title"), r.link("/plan/versions/")}}
	return r.page("changes", &Page{Title: title, URL: r.link(url), Changes: cv, Breadcrumbs: crumbs})
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
		return Link{title, r.link("/plan/"+v.Name+"/") + "#" + anchorOf(it)}
	}
	return Link{Title: title}
}

func anchorOf(it *site.Item) string {
	switch it.Section {
	case site.Goals:
		return "goal-" + it.ID
	case site.Objectives:
		return "objective-" + it.ID
	}
	return "action-" + it.ID
}

func (r *renderer) itemChangeView(d site.ItemDiff, oldPlan, newPlan *site.Site) ItemChangeView {
	v := ItemChangeView{Kind: d.Kind, KindLabel: r.tr.T("changes.kind." + d.Kind), ID: d.ID, Title: d.Title, Text: textDiffHTML(d.Text, r.tr)}
	in := newPlan
	if d.Kind == site.Removed {
		in = oldPlan
	}
	if in != nil {
		if it := in.Items[string(d.Section)+"/"+d.ID]; it != nil {
			v.Title = r.title(it, d.Title)
			v.Code = in.CodeOf(it)
		}
	}
	if it := r.Site.Items[string(d.Section)+"/"+d.ID]; it != nil {
		v.URL = r.link(it.URL())
	}
	parent := func(p *site.Site, id string) Link {
		if id == "" {
			return Link{}
		}
		if p != nil {
			if it := p.PlanItem(id); it != nil {
				l := Link{Title: id}
				switch {
				case it.Section == site.Goals && p.Goal(id) != nil:
					l.Title = r.title(it, p.Goal(id).Title)
				case it.Section == site.Objectives && p.Objective(id) != nil:
					l.Title = r.title(it, p.Objective(id).Title)
				}
				l.Title = codeTitle(p.CodeOf(it), l.Title)
				if dr := r.Site.Items[it.Key()]; dr != nil {
					l.URL = r.link(dr.URL())
				}
				return l
			}
		}
		return Link{Title: id}
	}
	v.From, v.To = parent(oldPlan, d.FromParent), parent(newPlan, d.ToParent)
	for _, f := range d.Fields {
		v.Fields = append(v.Fields, r.fieldView(f))
	}
	return v
}

// fieldView names a changed field in the page language.
func (r *renderer) fieldView(f site.FieldChange) FieldView {
	name := f.Field
	if ind, ok := strings.CutPrefix(f.Field, "indicator:"); ok {
		if n, attr, ok := strings.Cut(ind, "."); ok && (attr == "unit" || attr == "baseline" || attr == "target") {
			name = r.tr.T("changes.field.indicator."+attr, n)
		} else {
			name = r.tr.T("changes.field.indicator", ind)
		}
	} else {
		name = r.tr.T("changes.field." + f.Field)
	}
	before, after := f.Old, f.New
	if f.Field == "status" { // a code: shown in the page language
		if before != "" {
			before = r.tr.T("status." + before)
		}
		if after != "" {
			after = r.tr.T("status." + after)
		}
	}
	return FieldView{Name: name, Old: before, New: after}
}

// textDiffHTML writes a word-level diff as HTML: removed words in <del>, added ones in
// <ins>, each opened by words that a screen reader reads and that stay when colour and
// styles are gone. "" when there is no diff.
func textDiffHTML(ops []site.TextOp, tr translations) template.HTML {
	if ops == nil {
		return ""
	}
	var b strings.Builder
	for _, op := range ops {
		text := template.HTMLEscapeString(op.Text)
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

// monitoringPage shows the approved plan being carried out.
func (r *renderer) monitoringPage() ([]byte, error) {
	m := r.Site.Monitoring
	mv := &MonitoringView{AsOf: m.AsOf, Progress: m.Plan.Progress.Percent, Actions: m.Plan.Progress.Actions}
	if m.Version != nil {
		mv.Version = r.versionView(m.Version)
	}
	mv.ByStatus = r.statusCounts(m.Plan.Progress)
	actionLink := func(a *site.Action) Link {
		return r.planItemLink(&a.Item, a.Title, m.Plan, m.Version)
	}
	monAction := func(a *site.Action) MonitorAction {
		l := actionLink(a)
		ma := MonitorAction{Link: l, Owner: r.bodyLink(r.Site.ByBody[a.Owner], a.Owner), Status: a.Status, Label: r.tr.T("status." + a.Status),
			Progress: a.Progress, Due: a.Due}
		if len(a.Series) > 1 { // one point is no trend: the progress column says it
			ma.Sparkline = progressSparkline(a.Series, m.AsOf, r.tr.T("monitoring.sparkline", l.Title))
		}
		return ma
	}
	for _, g := range m.Plan.Goals {
		gv := MonitorGoal{Link: r.planItemLink(&g.Item, g.Title, m.Plan, m.Version), Progress: g.Progress.Percent, Actions: g.Progress.Actions, ByStatus: r.statusCounts(g.Progress)}
		for _, o := range g.Objectives {
			ov := MonitorObjective{Link: r.planItemLink(&o.Item, o.Title, m.Plan, m.Version), Progress: o.Progress.Percent}
			for _, a := range o.Actions {
				ov.Actions = append(ov.Actions, monAction(a))
			}
			gv.Objectives = append(gv.Objectives, ov)
		}
		mv.Goals = append(mv.Goals, gv)
	}
	for _, fp := range r.Site.Federated {
		if len(fp.Contributing) == 0 {
			continue
		}
		mb := MonitorBody{Body: r.bodyLink(fp.Body, fp.Body.ID), Plan: Link{fp.Plan.Title, r.link(fp.URL())}, Progress: fp.Contribution.Percent, ByStatus: r.statusCounts(fp.Contribution)}
		for _, a := range fp.Contributing {
			mb.Actions = append(mb.Actions, MonitorAction{Link: r.itemLink(&a.Item), Owner: mb.Body, Status: a.Status, Label: r.tr.T("status." + a.Status), Progress: a.Progress, Due: a.Due})
		}
		mv.Bodies = append(mv.Bodies, mb)
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	for _, a := range m.Overdue {
		ma := monAction(a)
		ma.Days = int(day(m.AsOf).Sub(day(a.Due)).Hours() / 24)
		mv.Overdue = append(mv.Overdue, ma)
	}
	for _, a := range m.DueSoon {
		ma := monAction(a)
		ma.Days = int(day(a.Due).Sub(day(m.AsOf)).Hours() / 24)
		mv.DueSoon = append(mv.DueSoon, ma)
	}
	for _, is := range m.Indicators {
		iv := MonitorIndicator{Action: actionLink(is.Action), Name: is.Indicator.Name, Unit: is.Indicator.Unit, Baseline: num(is.Indicator.Baseline),
			Target: num(is.Indicator.Target), Achieved: is.Achieved, Measured: is.Measured()}
		if is.Latest != nil {
			iv.Latest, iv.LatestDate = num(is.Latest.Value), is.Latest.Date
		}
		mv.Indicators = append(mv.Indicators, iv)
	}
	for _, u := range m.Updates[:min(feedSize, len(m.Updates))] {
		mv.Updates = append(mv.Updates, r.updateView(u, actionLink(u.Action)))
	}
	return r.page("monitoring", &Page{Title: r.tr.T("monitoring.title"), URL: r.link("/monitoring/"), Monitoring: mv, Feed: r.link("/monitoring/index.xml"),
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
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
