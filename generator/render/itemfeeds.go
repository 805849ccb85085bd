package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// Every item a body may follow (goal, objective, expected result, action, proposal,
// practice) has its own Atom feed beside its page, <item>/index.xml, so that a body
// follows what it cares about without a server: the item's publication and every change
// of its file that landed (a status, an official answer, a new due date: the commit's
// message says which), the official answer to a proposal, the amendments proposed on it
// and their answers, the votes and comments on it and on its amendments, and an
// action's progress reports. Entries are dated by when they landed on the main branch,
// else by the date their file gives, never by the clock; a feed holds the latest
// feedSize entries.

// follow is the link to the feed of the item whose page is being made.
func (r *renderer) follow(it *site.Item) string {
	return r.link(it.URL() + "index.xml")
}

// itemFeeds lists the feed of every item that has a page. Only the feed's path is made
// now; the rest when the feed is (pspm serve lists every file after each edit).
func (r *renderer) itemFeeds() []task {
	s := r.Site
	var out []task
	add := func(it *site.Item, date time.Time, a *site.Action, p *site.Proposal) {
		out = append(out, task{path: feedPath(r.prefix, it.URL()+"index.xml"), make: func() ([]byte, error) {
			return r.itemFeed(it, date, a, p).make()
		}})
	}
	keyed := func(it *site.Item, root any) { r.keyed(&out[len(out)-1], "feed", it, root) }
	for _, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			it := p.Base()
			var act *site.Action
			if a := s.Action(it.ID); a != nil && &a.Item == it {
				act = a
			}
			add(it, time.Time{}, act, nil)
		}
	}
	for _, fp := range s.Federated {
		for _, g := range fp.Goals {
			add(&g.Item, time.Time{}, nil, nil)
		}
		for _, o := range fp.Objectives {
			add(&o.Item, time.Time{}, nil, nil)
		}
		for _, a := range fp.Actions {
			add(&a.Item, time.Time{}, nil, nil)
		}
	}
	for _, p := range s.Proposals {
		add(&p.Item, p.Date, nil, p)
		keyed(&p.Item, p)
	}
	for _, p := range s.Practices {
		add(&p.Item, p.Date, nil, nil)
		keyed(&p.Item, p)
	}
	return out
}

// itemFeed is the feed of item it: with a, the action's progress reports; with p, the
// official answer to the proposal.
func (r *renderer) itemFeed(it *site.Item, date time.Time, a *site.Action, p *site.Proposal) task {
	title := func() string {
		if c := r.card(it); c != nil {
			return codeTitle(c.Code, c.Title)
		}
		return it.ID
	}
	var extra func() []entry
	switch {
	case a != nil:
		extra = func() []entry { return r.actionProgress(a) }
	case p != nil:
		extra = func() []entry {
			if p.Answer.Date.IsZero() && p.Answer.Text == "" {
				return nil
			}
			label := r.tr.T("feed.item.answer")
			return []entry{{id: p.URL() + "#answer", url: p.URL(), title: r.card(&p.Item).Title + ": " + label, author: r.view.Plan.Owner.Title,
				summary: label, html: string(r.ans[p]), date: p.Answer.Date}}
		}
	}
	return r.feedTitled(it.URL()+"index.xml", it.URL(), func() string { return r.tr.T("feed.item.title", title()) }, func() []entry {
		es := r.itemEntries(it, title(), date)
		if extra == nil {
			return es
		}
		more := extra()
		// A progress report is also a change of the item's file: one entry says it.
		reported := map[string]bool{}
		for _, e := range more {
			if _, commit, ok := strings.Cut(e.id, "#progress-"); ok {
				reported[commit] = true
			}
		}
		kept := es[:0]
		for _, e := range es {
			if _, commit, ok := strings.Cut(e.id, "#change-"); !ok || !reported[commit] {
				kept = append(kept, e)
			}
		}
		return append(kept, more...)
	}, it, false)
}

// itemEntries are the entries every item's feed has: its publication and the changes
// of its file, the votes and comments on it, its amendments and the votes on them.
// date is the date the item's file gives, when it gives one.
func (r *renderer) itemEntries(it *site.Item, title string, date time.Time) []entry {
	esc := template.HTMLEscapeString
	url := it.URL()
	author := ""
	if c := r.card(it); c != nil {
		author = c.Body.Title
	}
	published := entry{id: url + "#published", url: url, title: title, author: author, summary: r.html[it].Summary, text: it, date: date}
	out := []entry{published}
	seen := map[string]bool{} // a commit that changed the item and its translations is one entry
	for i, c := range it.History {
		if seen[c.Commit] {
			continue
		}
		seen[c.Commit] = true
		if i == 0 {
			// The first change published the item: it dates the publication.
			out[0].date = c.Landed
			continue
		}
		msg := withoutEmails(c.Message)
		text := r.tr.T("feed.item.change", msg)
		out = append(out, entry{id: url + "#change-" + c.Commit, url: url, title: title + ": " + text, author: withoutEmails(c.AuthorName),
			summary: text, html: "<p>" + esc(text) + "</p>", date: c.Landed})
	}
	out = append(out, r.voteEntries(url, title, it.Reactions)...)
	for _, f := range it.Feedback {
		if f.Hidden != nil {
			continue // the page shows the notice; a feed never carries hidden words
		}
		d := f.Date
		if f.Origin != nil {
			d = f.Origin.Landed
		}
		body := r.bodyLink(f.VoterBody, f.Voter).Title
		if f.VoterParticipant != nil {
			body = f.VoterParticipant.Name
		}
		what := r.tr.T("feed.item.feedback", body, f.Title)
		if p := f.Parent; p != nil {
			what = r.tr.T("feed.item.reply", body, f.Title, p.Title)
		}
		out = append(out, entry{id: url + "#" + f.ID(), url: url + "#" + f.ID(), title: title + ": " + what, author: body,
			summary: r.fb[f].Summary, html: r.fb[f].HTML, date: d})
	}
	out = append(out, r.amendmentEntries(it.Amendments)...)
	for _, a := range it.Amendments {
		out = append(out, r.voteEntries(a.URL(), r.amendmentTitle(a), a.Reactions)...)
	}
	if hasCommunity(r.Site) {
		out = append(out, r.supportEntries(url, title, it.Supports)...)
		if p := r.Site.Proposal(it.ID); it.Section == site.Proposals && p != nil && &p.Item == it && p.Threshold != nil {
			text := r.tr.T("participants.threshold", r.tr.Date(p.Threshold.On))
			if p.Threshold.Answered {
				text = r.tr.T("feed.item.threshold", r.tr.Date(p.Threshold.On))
			}
			out = append(out, entry{id: url + "#threshold", url: url, title: title + ": " + text, author: author,
				summary: text, html: "<p>" + esc(text) + "</p>", date: p.Threshold.On})
		}
	}
	return out
}

// supportEntries are the entries of the community's supports of an item, apart from the
// bodies' votes: who supported it, counted or why not, dated by when it landed.
func (r *renderer) supportEntries(url, title string, supports []*site.Support) []entry {
	esc := template.HTMLEscapeString
	var out []entry
	for _, sp := range supports {
		d := sp.Date
		if sp.Origin != nil {
			d = sp.Origin.Landed
		}
		who := r.participantLink(sp.By, sp.Participant).Title
		text := r.tr.T("feed.item.support", who)
		detail := ""
		if !sp.Counted {
			detail = "<p>" + esc(r.tr.T("feed.item.not_counted", r.tr.T("reason."+sp.Reason))) + "</p>"
		}
		out = append(out, entry{id: url + "#support-" + path.Base(sp.File), url: url, title: title + ": " + text, author: who,
			summary: text, html: "<p>" + esc(text) + "</p>" + detail, date: d})
	}
	return out
}

// voteEntries are the entries of the votes on an item (or an amendment, at url): who
// voted what, counted or why not, dated by when the vote landed (or the date its file
// gives). The voter is the body; the member who cast it is named as the body declares
// them, never by address.
func (r *renderer) voteEntries(url, title string, votes []*site.Reaction) []entry {
	esc := template.HTMLEscapeString
	out := make([]entry, 0, len(votes))
	for _, rc := range votes {
		if rc.Hidden() != nil {
			continue
		}
		d := rc.Date()
		if rc.Origin != nil {
			d = rc.Origin.Landed
		}
		body := r.bodyLink(rc.VoterBody, rc.Voter()).Title
		what := ""
		if rc.Vote() != "" {
			what = r.tr.T("vote." + rc.Vote())
		} else {
			what = r.tr.T("feed.item.priority", rc.Priority)
		}
		text := r.tr.T("feed.item.vote", body, what)
		t := r.verdictText(rc.Verdict)
		reason, by := t.reason, t.verifiedBy
		detail := by
		if !rc.Counted {
			detail = r.tr.T("feed.item.not_counted", reason)
		}
		out = append(out, entry{id: url + "#vote-" + path.Base(rc.File), url: url, title: title + ": " + text, author: body,
			summary: text, html: "<p>" + esc(text) + "</p><p>" + esc(detail) + "</p>", date: d})
	}
	return out
}

// actionProgress are the progress reports of an action in the monitoring of the approved
// plan, as the monitoring feed has them.
func (r *renderer) actionProgress(a *site.Action) []entry {
	m := r.Site.Monitoring
	if m == nil {
		return nil
	}
	r.progressOnce.Do(func() {
		r.progressOf = map[string][]int{}
		for i, u := range m.Updates {
			r.progressOf[u.Action.ID] = append(r.progressOf[u.Action.ID], i)
		}
	})
	var out []entry
	for _, i := range r.progressOf[a.ID] {
		u := m.Updates[i]
		v := r.updateView(u, Link{})
		text := r.tr.T("feed.progress", v.To, v.Label)
		if v.From >= 0 {
			text = r.tr.T("feed.progress.from", v.From, v.To, v.Label)
		}
		out = append(out, entry{id: a.URL() + "#progress-" + u.Point.Commit, url: a.URL(), title: codeTitle(a.Code, r.title(&a.Item, a.Title)) + ": " + text,
			author: withoutEmails(u.Point.Author), summary: text, html: template.HTMLEscapeString(text), date: u.Point.Landed})
	}
	return out
}

// progressIndex is, made once per language, the indexes of each action's updates in
// the monitoring, by action id.
type progressIndex struct {
	progressOnce sync.Once
	progressOf   map[string][]int
}
