package render

import (
	"strconv"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// The monitoring of the plan (/monitoring/). A large plan's monitoring is laid out as
// its plan pages are: /monitoring/ keeps the plan-wide summary and an index of the
// goals, and each goal's part, /monitoring/<goal-id>/ (then /2/, /3/… for a large
// goal), has its objectives and actions, and the rows of the overdue, due-soon and
// indicator tables of those actions: every action is on exactly one part.

// monitorBudget is how many bytes of tables and lists (their estimated HTML) one
// monitoring page holds: with the page's frame and styles it stays under the page
// budget (60 KB transferred).
const monitorBudget = 40 << 10

// monitorIndexUpdates is how many of the latest progress updates the index of a
// monitoring laid out in parts lists; the Atom feed has more.
const monitorIndexUpdates = 20

// monitorLayout is the monitoring's view, and its parts when it does not fit on one
// page.
type monitorLayout struct {
	view  *MonitoringView
	parts []*monitorPart // nil when everything fits on /monitoring/
	// rest are the rows of actions in no part (under no goal): the index lists them.
	rest monitorRows
}

// monitorRows are the rows of the action tables on one page.
type monitorRows struct {
	overdue, dueSoon []MonitorAction
	indicators       []MonitorIndicator
}

// monitorPart is one page of the monitoring: some objectives and actions of one goal.
type monitorPart struct {
	goal        int // its index in view.Goals
	page, pages int
	url         string
	tree        MonitorGoal
	rows        monitorRows
	size        int
}

// monitorLayout makes the monitoring's view and lays it out.
func (r *renderer) monitorLayout() *monitorLayout {
	m := r.Site.Monitoring
	mv := &MonitoringView{AsOf: m.AsOf, Progress: m.Plan.Progress.Percent, Actions: m.Plan.Progress.Actions}
	l := &monitorLayout{view: mv}
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
	// The rows of each action in the tables, for laying them out with it.
	rows := map[*site.Action]*monitorRows{}
	rowsOf := func(a *site.Action) *monitorRows {
		if rows[a] == nil {
			rows[a] = &monitorRows{}
		}
		return rows[a]
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }
	for _, a := range m.Overdue {
		ma := monAction(a)
		ma.Days = int(day(m.AsOf).Sub(day(a.Due)).Hours() / 24)
		mv.Overdue = append(mv.Overdue, ma)
		rowsOf(a).overdue = append(rowsOf(a).overdue, ma)
	}
	for _, a := range m.DueSoon {
		ma := monAction(a)
		ma.Days = int(day(a.Due).Sub(day(m.AsOf)).Hours() / 24)
		mv.DueSoon = append(mv.DueSoon, ma)
		rowsOf(a).dueSoon = append(rowsOf(a).dueSoon, ma)
	}
	for _, is := range m.Indicators {
		iv := MonitorIndicator{Action: actionLink(is.Action), Name: is.Indicator.Name, Unit: is.Indicator.Unit, Baseline: r.num(is.Indicator.Baseline),
			Target: r.num(is.Indicator.Target), Achieved: is.Achieved, Measured: is.Measured()}
		if is.Latest != nil {
			iv.Latest, iv.LatestDate = r.num(is.Latest.Value), is.Latest.Date
		}
		mv.Indicators = append(mv.Indicators, iv)
		rowsOf(is.Action).indicators = append(rowsOf(is.Action).indicators, iv)
	}
	// The goals' trees, laid out in parts as they go.
	total := 0
	placed := map[*site.Action]bool{}
	for gi, g := range m.Plan.Goals {
		gv := MonitorGoal{Link: r.planItemLink(&g.Item, g.Title, m.Plan, m.Version), Progress: g.Progress.Percent, Actions: g.Progress.Actions, ByStatus: r.statusCounts(g.Progress)}
		head := gv
		total += 600 + len(gv.Title)
		parts := []*monitorPart{{goal: gi, tree: head, size: 600 + len(gv.Title)}}
		for _, o := range g.Objectives {
			ov := MonitorObjective{Link: r.planItemLink(&o.Item, o.Title, m.Plan, m.Version), Progress: o.Progress.Percent}
			oh := ov
			cur := parts[len(parts)-1]
			cur.tree.Objectives = append(cur.tree.Objectives, oh)
			cur.size += 600 + 2*len(ov.Title)
			total += 600 + 2*len(ov.Title)
			for _, a := range o.Actions {
				ma := monAction(a)
				ov.Actions = append(ov.Actions, ma)
				size := 170 + monitorLinkSize(ma.Link) + len(ma.Sparkline)
				var ar monitorRows
				if rw := rows[a]; rw != nil && !placed[a] {
					ar = *rw
					placed[a] = true
				}
				for _, x := range append(ar.overdue, ar.dueSoon...) {
					size += 220 + monitorLinkSize(x.Link) + len(x.Owner.Title)
				}
				for _, x := range ar.indicators {
					size += 200 + monitorLinkSize(x.Action) + len(x.Name) + len(x.Unit)
				}
				total += size
				last := &cur.tree.Objectives[len(cur.tree.Objectives)-1]
				if cur.size+size > monitorBudget && len(last.Actions) > 0 {
					cur = &monitorPart{goal: gi, tree: head, size: 600 + len(gv.Title) + 600 + 2*len(ov.Title)}
					cur.tree.Objectives = []MonitorObjective{oh}
					parts = append(parts, cur)
					last = &cur.tree.Objectives[0]
				}
				last.Actions = append(last.Actions, ma)
				cur.rows.overdue = append(cur.rows.overdue, ar.overdue...)
				cur.rows.dueSoon = append(cur.rows.dueSoon, ar.dueSoon...)
				cur.rows.indicators = append(cur.rows.indicators, ar.indicators...)
				cur.size += size
			}
			gv.Objectives = append(gv.Objectives, ov)
		}
		mv.Goals = append(mv.Goals, gv)
		for i, pt := range parts {
			pt.page, pt.pages = i+1, len(parts)
			pt.url = "/monitoring/" + g.ID + "/"
			if pt.page > 1 {
				pt.url += strconv.Itoa(pt.page) + "/"
			}
			l.parts = append(l.parts, pt)
		}
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
	mv.Results = r.monitorResults(m)
	for _, u := range m.Updates[:min(feedSize, len(m.Updates))] {
		mv.Updates = append(mv.Updates, r.updateView(u, actionLink(u.Action)))
	}
	// What only /monitoring/ shows counts too when deciding whether it all fits there.
	for _, mb := range mv.Bodies {
		total += 600 + monitorLinkSize(mb.Body) + monitorLinkSize(mb.Plan)
		for _, a := range mb.Actions {
			total += 250 + monitorLinkSize(a.Link)
		}
	}
	if mv.Results != nil {
		total += 2000
		for _, o := range mv.Results.Objectives {
			total += 300 + monitorLinkSize(o.Link)
		}
	}
	for _, u := range mv.Updates {
		total += 180 + monitorLinkSize(u.Action) + len(u.Author) + len(u.CommitURL)
	}
	if total <= monitorBudget {
		l.parts = nil
		return l
	}
	// Rows of actions under no goal stay on the index, in their order.
	for _, a := range m.Overdue {
		if !placed[a] {
			l.rest.overdue = append(l.rest.overdue, rows[a].overdue...)
			placed[a] = true
		}
	}
	for _, a := range m.DueSoon {
		if !placed[a] {
			l.rest.dueSoon = append(l.rest.dueSoon, rows[a].dueSoon...)
			placed[a] = true
		}
	}
	for _, is := range m.Indicators {
		if !placed[is.Action] {
			l.rest.indicators = append(l.rest.indicators, rows[is.Action].indicators...)
			placed[is.Action] = true
		}
	}
	return l
}

// monitorLinkSize estimates the bytes of a link: its title (escaped), its URL and tags.
func monitorLinkSize(l Link) int { return 20 + len(l.Title) + len(l.Title)/8 + len(l.URL) }

// monitoringPage shows the approved plan being carried out: the whole monitoring, or
// the index of a monitoring laid out in parts (part nil), or one part.
func (r *renderer) monitoringPage(l *monitorLayout, part *monitorPart) ([]byte, error) {
	full := l.view
	title := r.tr.T("monitoring.title")
	crumbs := []Link{{r.tr.T("menu.home"), r.link("/")}}
	page := func(url string, mv *MonitoringView) ([]byte, error) {
		return r.page("monitoring", &Page{Title: title, URL: r.link(url), Monitoring: mv, Feed: r.link("/monitoring/index.xml"), Breadcrumbs: crumbs})
	}
	if l.parts == nil {
		return page("/monitoring/", full)
	}
	if part == nil {
		mv := *full
		mv.Goals, mv.Overdue, mv.DueSoon, mv.Indicators = nil, l.rest.overdue, l.rest.dueSoon, l.rest.indicators
		mv.OverdueCount, mv.DueSoonCount = len(full.Overdue), len(full.DueSoon)
		mv.Updates = full.Updates[:min(monitorIndexUpdates, len(full.Updates))]
		for _, pt := range l.parts {
			g := full.Goals[pt.goal]
			if pt.page == 1 {
				mv.Index = append(mv.Index, MonitorIndexRow{Goal: Link{g.Title, r.link(pt.url)}, Progress: g.Progress, Actions: g.Actions})
			}
			row := &mv.Index[len(mv.Index)-1]
			row.Overdue += len(pt.rows.overdue)
			row.DueSoon += len(pt.rows.dueSoon)
			if pt.pages > 1 {
				row.Pages = append(row.Pages, PageLink{Number: pt.page, URL: r.link(pt.url)})
			}
		}
		return page("/monitoring/", &mv)
	}
	g := full.Goals[part.goal]
	mv := &MonitoringView{AsOf: full.AsOf, Version: full.Version, Progress: g.Progress, Actions: g.Actions, ByStatus: g.ByStatus,
		Goals: []MonitorGoal{part.tree}, Overdue: part.rows.overdue, DueSoon: part.rows.dueSoon, Indicators: part.rows.indicators}
	mv.OverdueCount, mv.DueSoonCount = len(mv.Overdue), len(mv.DueSoon)
	mv.Part = &PlanPartView{Goal: g.Link, Page: part.page, Pages: part.pages, PlanURL: r.link("/monitoring/")}
	mv.Pager = Pager{Page: part.page, Pages: part.pages}
	for _, q := range l.parts {
		if q.goal != part.goal {
			continue
		}
		mv.Pager.Numbers = append(mv.Pager.Numbers, PageLink{Number: q.page, URL: r.link(q.url), Current: q == part})
		switch q.page {
		case part.page - 1:
			mv.Pager.Prev = r.link(q.url)
		case part.page + 1:
			mv.Pager.Next = r.link(q.url)
		}
	}
	crumbs = append(crumbs, Link{title, r.link("/monitoring/")})
	title = r.tr.T("changes.part.title", title, g.Title)
	if part.pages > 1 {
		title = r.tr.T("changes.part.page", title, part.page, part.pages)
	}
	return page(part.url, mv)
}
