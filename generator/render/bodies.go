package render

import (
	"bytes"
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"slices"
	"strconv"

	"github.com/pspm-dev/pspm/generator/internal/parallel"

	"github.com/pspm-dev/pspm/generator/site"
)

// A body's page lists the actions it leads, co-owns and is addressed, the expected
// results it leads or co-owns, the votes it cast and
// the comments it wrote: hundreds of rows for a body of AgID's size, and every action
// addressed to all bodies on every body's page. The rows are compact table rows, cut
// into pages by their estimated size (bodyRowBytes each) so that each page, with the
// theme's CSS and scripts, stays within the page budget: /bodies/<id>/, then
// /bodies/<id>/plan/2/, … The rows are worked out again when a page renders, from lists
// kept once in the model (by kind for the addressees), so that thousands of bodies cost
// no memory beyond the cut points.

const (
	// bodyRowBytes is about how many bytes of table rows a body's page holds: with the
	// page's frame and the theme's CSS and scripts, well within 60 KB.
	bodyRowBytes = 28 << 10
	// bodyCards is how many of its latest proposals, and of its practices, a body's
	// first page shows as cards; the lists of them all are linked.
	bodyCards = 5
	// cardBytes is about the most a card takes: a title, a summary of 50 words, ten tags
	// and a tally.
	cardBytes = 5 << 9
)

// The lists of a body's pages, in their order.
const (
	listOwns = iota
	listCoOwns
	listAddressed
	listResults
	listVotes
	listComments
	bodyListCount
)

var bodyListKeys = [bodyListCount]string{"owns", "co-owns", "addressed", "results", "votes", "comments"}

// bodyLists are the rows of a body's pages.
type bodyLists struct {
	actions  [3][]*site.Action // owns, co-owns, addressed
	results  []*site.Result    // those it leads, then those it co-owns
	leads    int               // how many of results it leads
	votes    []*site.Reaction
	comments []*site.Feedback
}

func (r *renderer) bodyLists(b *site.Body) *bodyLists {
	return &bodyLists{
		actions:  [3][]*site.Action{b.Actions, b.CoOwned, r.Site.AddressedTo(b)},
		results:  append(slices.Clip(b.Results), b.CoOwnedResults...),
		leads:    len(b.Results),
		votes:    b.Votes,
		comments: b.Comments,
	}
}

// lens are how many rows each list has.
func (l *bodyLists) lens() [bodyListCount]int {
	return [bodyListCount]int{len(l.actions[0]), len(l.actions[1]), len(l.actions[2]), len(l.results), len(l.votes), len(l.comments)}
}

// renderRows makes the row of every action of the plan once, rendered by the theme's
// "action-row" template, on every core.
func (r *renderer) renderRows() error {
	acts := r.Site.Actions
	r.rows = make(map[*site.Action]*ActionRow, len(acts))
	rows := make([]ActionRow, len(acts))
	for i, a := range acts {
		rows[i] = r.actionRow(a)
	}
	t := r.tmpl["body"]
	if t == nil || t.Lookup("action-row") == nil {
		for i, a := range acts {
			r.rows[a] = &rows[i]
		}
		return nil // a theme without the template renders its tables its own way
	}
	errs := make([]error, len(acts))
	parallel.For(len(acts), func(i int) {
		var b bytes.Buffer
		errs[i] = t.ExecuteTemplate(&b, "action-row", &rows[i])
		rows[i].HTML = template.HTML(b.String())
	})
	for i, a := range acts {
		if errs[i] != nil {
			return fmt.Errorf("template action-row: %w", errs[i])
		}
		r.rows[a] = &rows[i]
	}
	return nil
}

// actionRowSizes are the bytes of each action's row in a table, in the page language:
// its rendered row, or an estimate when the theme renders rows its own way.
func (r *renderer) actionRowSizes() map[*site.Action]int {
	out := make(map[*site.Action]int, len(r.rows))
	for a, row := range r.rows {
		n := len(row.HTML)
		if n == 0 {
			n = 300 + len(row.Code) + len(row.Title) + len(row.URL) + len(row.Objective) + len(row.Label)
			n += n / 8 // escaped characters
		}
		out[a] = n
	}
	return out
}

// titleBytes is what the title of the item a vote or comment is on counts for in its row
// (see rowSize).
const titleBytes = 150

// rowSize estimates the bytes of row i of list k. The title of the item a vote or a
// comment is on counts for titleBytes, not its length: pspm serve patches a proposal's
// new title in without cutting the pages again, and the pages must stay those a build
// makes.
func (r *renderer) rowSize(l *bodyLists, sizes map[*site.Action]int, k, i int) int {
	switch k {
	case listResults:
		return resultRowBytes(r.bodyResultRow(l.results[i], i < l.leads))
	case listVotes:
		return voteRowBytes(l.votes[i])
	case listComments:
		f := l.comments[i]
		n := 250 + len(f.Title) + len(f.ID())
		if f.On != nil {
			n += titleBytes + 2*f.On.URLLen()
		}
		return n + n/8
	}
	if n, ok := sizes[l.actions[k][i]]; ok {
		return n
	}
	return 600
}

// voteRowBytes is rowSize of the row of a vote: the same in every language.
func voteRowBytes(rc *site.Reaction) int {
	n := 300 + len(rc.Detail) + len(rc.File)
	if rc.On != nil {
		n += titleBytes + rc.On.URLLen()
	}
	return n + n/8
}

// voteRows are the bodies' votes (as Body.Votes lists them) and the bytes of each one's
// row (voteRowBytes).
type voteRows struct {
	votes []*site.Reaction
	bytes []int32
}

// voteBytes is voteRowBytes of each of b's votes, in the order of b.Votes, or nil. They
// are made once for every language, in one pass over the site's reactions in the order
// they lie in memory: measuring each body's votes in turn jumped across the whole array,
// a cache miss for each of the 100,000 votes of a large site, in each language.
func (r *renderer) voteBytes(b *site.Body) []int32 {
	first := r.all[0]
	first.measureVotes()
	if v := first.votes[b]; v != nil && slices.Equal(v.votes, b.Votes) {
		return v.bytes
	}
	return nil // the votes are not those: measured one by one
}

// measureVotes makes the voteRows of every body, once, on the first language's
// renderer (voteBytes).
func (r *renderer) measureVotes() {
	r.votesOnce.Do(func() {
		r.votes = map[*site.Body]*voteRows{}
		for _, rc := range r.Site.Reactions {
			if rc.VoterBody == nil || rc.Amendment() != nil { // as Derive lists Body.Votes
				continue
			}
			v := r.votes[rc.VoterBody]
			if v == nil {
				v = &voteRows{}
				r.votes[rc.VoterBody] = v
			}
			v.votes = append(v.votes, rc)
			v.bytes = append(v.bytes, int32(voteRowBytes(rc)))
		}
	})
}

// bodySplit cuts the rows of a body's lists into pages: the first row of each page, as
// a place in all the lists one after the other. The first page holds fewer rows, as it
// also has the body's description and cards: each card counts for cardBytes, not its
// size, so that editing a proposal's words (which pspm serve patches in without cutting
// the pages again) never moves a row to another page.
//
// votes are the bytes of the votes' rows when known (voteBytes), or nil.
func (r *renderer) bodySplit(b *site.Body, l *bodyLists, sizes map[*site.Action]int, votes []int32) []int {
	cards := min(bodyCards, len(b.Proposals)) + min(bodyCards, len(b.Practices))
	budget := max(bodyRowBytes-len(r.html[&b.Item].HTML)-cards*cardBytes, 4<<10)
	starts := []int{0}
	used, rows, at := 0, 0, 0
	for k, n := range l.lens() {
		for i := range n {
			var sz int
			if k == listVotes && votes != nil {
				sz = int(votes[i])
			} else {
				sz = r.rowSize(l, sizes, k, i)
			}
			if rows > 0 && used+sz > budget {
				starts = append(starts, at)
				used, rows, budget = 0, 0, bodyRowBytes
			}
			used += sz
			rows++
			at++
		}
	}
	return starts
}

// bodyPageURL is the site path of page n of a body's lists.
func bodyPageURL(b *site.Body, n int) string {
	if n == 1 {
		return b.URL()
	}
	return b.URL() + "plan/" + strconv.Itoa(n) + "/"
}

// bodyPages lists the pages of a body: /bodies/<id>/ and its continuations.
func (r *renderer) bodyPages(b *site.Body, sizes map[*site.Action]int) []task {
	l := r.bodyLists(b)
	starts := r.bodySplit(b, l, sizes, r.voteBytes(b))
	total := 0
	for _, n := range l.lens() {
		total += n
	}
	var out []task
	for n := range starts {
		lo, hi := starts[n], total
		if n+1 < len(starts) {
			hi = starts[n+1]
		}
		url := r.prefix + bodyPageURL(b, n+1)
		out = append(out, task{kind: "body", path: indexFile(url), url: url, make: func() ([]byte, error) {
			return r.bodyPage(b, sizes, n+1, len(starts), lo, hi, starts)
		}})
	}
	return out
}

// bodyPage renders page n of pages of a body, with the rows lo to hi of its lists.
func (r *renderer) bodyPage(b *site.Body, sizes map[*site.Action]int, n, pages, lo, hi int, starts []int) ([]byte, error) {
	l := r.bodyLists(b)
	v := &BodyView{ID: b.ID, Name: b.Name, Kind: b.Kind, Label: r.tr.T("bodykind." + b.Kind), Website: b.Website, Page: n,
		ProposalCount: len(b.Proposals), PracticeCount: len(b.Practices)}
	if n == 1 {
		v.HTML = htmlOf(r.html[&b.Item].HTML)
		for _, m := range b.Members {
			v.Members = append(v.Members, m.Name)
		}
		for _, p := range b.Proposals[:min(bodyCards, len(b.Proposals))] {
			v.Proposals = append(v.Proposals, r.card(&p.Item))
		}
		for _, p := range b.Practices[:min(bodyCards, len(b.Practices))] {
			v.Practices = append(v.Practices, r.card(&p.Item))
		}
		if len(b.Proposals) > 0 && r.Site.ByBody[b.ID] == b {
			v.ProposalsURL = r.link("/proposals/body/" + b.ID + "/")
		}
		if len(b.Practices) > 0 && r.Site.ByBody[b.ID] == b {
			v.PracticesURL = r.link("/practices/body/" + b.ID + "/")
		}
	}
	pageURL := func(i int) string { return r.link(bodyPageURL(b, i)) }
	v.Pager = Pager{Page: n, Pages: pages, First: pageURL(1), Last: pageURL(pages)}
	if n > 1 {
		v.Pager.Prev = pageURL(n - 1)
	}
	if n < pages {
		v.Pager.Next = pageURL(n + 1)
	}
	for i := max(1, n-3); i <= min(pages, n+3); i++ {
		v.Pager.Numbers = append(v.Pager.Numbers, PageLink{Number: i, URL: pageURL(i), Current: i == n})
	}

	lens := l.lens()
	var late []lateView
	at := 0 // the place of the first row of list k among all the rows
	for k, count := range lens {
		key := bodyListKeys[k]
		sec := SectionLink{Key: key, Title: r.tr.T("body." + key), Count: count}
		if count > 0 {
			page, _ := slices.BinarySearch(starts, at+1) // the page whose range holds row at
			sec.URL = pageURL(page) + "#h-" + key
		}
		v.Sections = append(v.Sections, sec)
		from, to := max(lo, at)-at, min(hi, at+count)-at // the rows of list k on this page
		if from < to {
			switch k {
			case listResults:
				t := &BodyResultTable{Heading: sec.Title, Total: count, Continued: from > 0}
				for i := from; i < to; i++ {
					t.Rows = append(t.Rows, r.bodyResultRow(l.results[i], i < l.leads))
				}
				v.Results = t
			case listVotes:
				// Made when the page is rendered: the rows of a body's votes (each vote's
				// verdict in sentences) were most of what a build that keeps the page did.
				votes := l.votes[from:to]
				fill := func() {
					v.Votes = make([]ReactionView, 0, len(votes))
					for _, rc := range votes {
						vv := r.reactionView(rc)
						if rc.On != nil {
							vv.On = r.itemLink(rc.On)
						}
						v.Votes = append(v.Votes, vv)
					}
				}
				if lv, ok := inputLater(r, "body votes", votes, fill); ok {
					late = append(late, lv)
				} else {
					fill()
				}
			case listComments:
				for _, f := range l.comments[from:to] {
					fv := r.feedbackView(f)
					fv.HTML = "" // the table links the comment on its item's page
					if f.On != nil {
						fv.On = r.itemLink(f.On)
					}
					v.Feedback = append(v.Feedback, fv)
				}
			default:
				t := ActionTable{Key: key, Heading: sec.Title, Total: count, Continued: from > 0}
				t.Rows = make([]ActionRow, 0, to-from)
				for _, a := range l.actions[k][from:to] {
					if row := r.rows[a]; row != nil {
						t.Rows = append(t.Rows, *row)
					} else {
						t.Rows = append(t.Rows, r.actionRow(a))
					}
				}
				v.Tables = append(v.Tables, t)
			}
		}
		at += count
	}
	title := b.Name
	if n > 1 {
		title = r.tr.T("pager.title", b.Name, n, pages)
	}
	return r.page("body", &Page{Title: title, Description: r.html[&b.Item].Summary, URL: pageURL(n), Body: v,
		Feed:        r.link(b.URL() + "index.xml"),
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.bodies"), r.link("/bodies/")}}, late: late})
}

// actionRow is an action as a row of a compact table.
func (r *renderer) actionRow(a *site.Action) ActionRow {
	row := ActionRow{Code: a.Code, Title: r.title(&a.Item, a.Title), URL: r.link(a.URL()), Status: a.Status,
		Label: r.tr.T("status." + a.Status), StatusRank: slices.Index(site.ActionStatuses, a.Status), Due: a.Due}
	if o := a.ObjectiveItem; o != nil {
		row.Objective = r.title(&o.Item, o.Title)
	}
	return row
}

// bodyResultRow is an expected result as a row of a body's table: its indicators
// against this year's targets, as its page shows them, counted by status.
func (r *renderer) bodyResultRow(res *site.Result, lead bool) BodyResultRow {
	row := BodyResultRow{Code: res.Code, Title: r.title(&res.Item, res.Title), URL: r.link(res.URL()), Lead: lead,
		StatusRank: len(site.TargetStatuses)}
	if o := res.ObjectiveItem; o != nil {
		row.Objective = r.title(&o.Item, o.Title)
	}
	row.Role = r.tr.T("body.result_co_owner")
	if lead {
		row.Role = r.tr.T("action.lead")
	}
	counts := make([]int, len(site.TargetStatuses))
	for i := range res.Indicators {
		st := site.Assess(&res.Indicators[i], r.Site.Built).Status
		if k := slices.Index(site.TargetStatuses, st); k >= 0 {
			counts[k]++
			row.StatusRank = min(row.StatusRank, len(site.TargetStatuses)-1-k) // the least favourable sorts first
		}
	}
	for k, n := range counts {
		if n > 0 {
			st := site.TargetStatuses[k]
			row.Statuses = append(row.Statuses, StatusCount{Status: st, Label: r.tr.T("result.status." + st), Count: n})
		}
	}
	return row
}

// resultRowBytes is about the most bytes the default theme's row of row takes.
func resultRowBytes(row BodyResultRow) int {
	n := 250 + len(template.HTMLEscapeString(row.Code)) + len(template.HTMLEscapeString(row.Title)) + len(row.URL) +
		len(template.HTMLEscapeString(row.Objective)) + len(template.HTMLEscapeString(row.Role))
	for _, st := range row.Statuses {
		n += 60 + len(st.Status) + len(template.HTMLEscapeString(st.Label))
	}
	return n
}
