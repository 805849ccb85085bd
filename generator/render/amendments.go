package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/archetype"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/textdiff"
)

// The amendments of a plan item on its page (the section headed id="h-amendments"), the forge
// link that proposes one, and their feed entries.

// AmendmentView is a change to a plan item proposed by a body that does not own it, on
// the item's page: part of the data contract of themes (themes/default/README.md).
type AmendmentView struct {
	ID     string // <body>-<slug>, the file name without .md
	Anchor string // amendment-<ID>, its id on the page
	Body   Link   // the proposing body
	Date   time.Time
	Status string // open, accepted, rejected, withdrawn, superseded
	Label  string // Status in the page's language
	Reason string
	// Counted is false when the amendment does not speak for its body (see ReasonLabel
	// and Detail); Unreadable when its file could not be read: only why is shown.
	Counted     bool
	ReasonLabel string
	Detail      template.HTML
	DetailLang  string // the language of Detail when it is not the page's
	Unreadable  bool
	// Full is false for the amendments past the first MaxAmendments of the page: they
	// are listed with their body, date and status only, within the page budget.
	Full bool
	// Fields are the proposed title and field values against the item's current ones:
	// the title word by word (FieldView.Diff), the others as before and after. Text is
	// the proposed text against the current text, as the changes pages show it ("" when
	// the amendment keeps the text). TextLang is the language of those texts when it is
	// not the page's. NoChange says the proposal is the same as the item now.
	Fields   []FieldView
	Text     template.HTML
	TextLang string
	NoChange bool
	// Applied says the amendment was accepted: Fields and Text are then what it proposed,
	// applied to the item, not a comparison with the current text (which is that text).
	Applied bool
	// Superseded is the change of the item that landed after the amendment, when Status
	// is superseded: the comparison is with the text it made.
	Superseded *ChangeView
	Tally      TallyView
	// Reactions are the votes on it, by voter: the first MaxAmendmentVotes; MoreVotes
	// counts the others (Tally counts them all, the open data lists them).
	Reactions  []ReactionView
	MoreVotes  int
	HasOrigins bool
	Answer     *AnswerView // the owners' answer, or nil
	// Support and Oppose open the forge's editor with a vote on the amendment, on open
	// amendments of a site with a forge; "" otherwise.
	Support, Oppose string
	Folder          string // the folder of the votes on it in the repository
	// Hidden is the moderation that hides it (none of its words then), or nil.
	Hidden *HiddenView
}

// Bounds of the amendments on an item's page, which must stay within the page budget
// whatever bodies propose: at most MaxAmendments in full, open ones first, as long as
// those shown weigh less than amendmentsWeight together (the first is always shown in
// full); the others are listed by body, date and status, and are in full in the open
// data. Each shows at most MaxAmendmentVotes votes.
const (
	MaxAmendments     = 10
	MaxAmendmentVotes = 20
	amendmentsWeight  = 24 << 10
)

// amendmentViews are the views of the amendments of it, in the model's order (by date).
func (r *renderer) amendmentViews(it *site.Item) []AmendmentView {
	if len(it.Amendments) == 0 {
		return nil
	}
	p := r.planItemOf(it)
	if p == nil {
		return nil
	}
	out := make([]AmendmentView, len(it.Amendments))
	left, full := amendmentsWeight, 0
	// The open amendments, which bodies can still vote on, have the first claim on the
	// room; the page lists them all in the model's order.
	for _, open := range []bool{true, false} {
		for i, a := range it.Amendments {
			if (amendmentStatus(a) == site.AmendmentOpen) != open {
				continue
			}
			v := r.amendmentView(p, a, full < MaxAmendments && left > 0)
			if v.Full {
				if w := v.weight(); full == 0 || w <= left {
					left -= w
					full++
				} else {
					v = r.amendmentView(p, a, false)
				}
			}
			out[i] = v
		}
	}
	return out
}

// planItemOf is the plan item whose common part is it: of this portal, or of the plan of
// another body's portal (a source, whose amendments come with its items); nil for
// proposals and practices.
func (r *renderer) planItemOf(it *site.Item) site.PlanItem {
	if p := r.Site.PlanItemOf(it.ID); p != nil && p.Base() == it {
		return p
	}
	for _, fp := range r.Site.Federated {
		for _, g := range fp.Goals {
			if &g.Item == it {
				return g
			}
		}
		for _, o := range fp.Objectives {
			if &o.Item == it {
				return o
			}
		}
		for _, a := range fp.Actions {
			if &a.Item == it {
				return a
			}
		}
	}
	return nil
}

// weight estimates the bytes an amendment shown in full adds to the page.
func (v *AmendmentView) weight() int {
	n := 1500 + len(v.Reason) + len(v.Text)
	for _, rc := range v.Reactions {
		n += 300 + len(rc.Voter.Title) + len(rc.Voter.URL) + len(rc.Comment) + len(rc.ReasonLabel) + len(rc.Detail) + len(rc.VerifiedBy) + len(rc.Author) + len(rc.CommitURL)
	}
	for _, f := range v.Fields {
		n += 200 + len(f.Diff) + len(f.Old) + len(f.New)
	}
	if v.Answer != nil {
		n += 200 + len(v.Answer.HTML) + len(v.Answer.Detail)
	}
	return n
}

// amendmentStatus is the amendment's status: the derived one, else the state written.
func amendmentStatus(a *site.Amendment) string {
	if a.Status != "" {
		return a.Status
	}
	if a.State != "" {
		return a.State
	}
	return site.AmendmentOpen
}

func (r *renderer) amendmentView(p site.PlanItem, a *site.Amendment, full bool) AmendmentView {
	it := p.Base()
	status := amendmentStatus(a)
	v := AmendmentView{ID: a.ID(), Anchor: "amendment-" + a.ID(), Body: r.bodyLink(a.VoterBody, a.Voter), Date: a.Date,
		Status: status, Label: r.tr.T("amendment.status." + status), Reason: a.Reason, Counted: a.Counted,
		Unreadable: len(a.Problems) > 0, Full: full, Folder: it.Dir + "/amendments/" + a.ID() + "/reactions"}
	v.Detail, v.DetailLang = r.verdictDetail(a.Verdict)
	if !a.Counted {
		v.ReasonLabel, _ = r.verdictLabels(a.Verdict)
	}
	if a.Hidden != nil {
		v.Hidden, v.Reason = r.hiddenView(a.Hidden), ""
		return v
	}
	if v.Unreadable || !full {
		return v
	}
	if r.prefix != "" && r.Config.Languages[0] != r.lang {
		v.TextLang = r.Config.Languages[0] // amendments change the text as written
	}
	v.Applied = status == site.AmendmentAccepted
	if a.Title != "" {
		f := FieldView{Name: r.tr.T("changes.field.title"), Old: p.Heading(), New: a.Title, Lang: v.TextLang}
		switch {
		case v.Applied:
			f.Old = ""
		case a.Title != p.Heading():
			f.Diff = textDiffHTML(wordOps(p.Heading(), a.Title), r.tr, false)
		}
		if v.Applied || f.Old != f.New {
			v.Fields = append(v.Fields, f)
		}
	}
	for _, af := range a.Fields {
		old, _ := site.AmendedValue(p, af.Name)
		if !v.Applied && old == af.Value {
			continue
		}
		if v.Applied {
			old = ""
		}
		v.Fields = append(v.Fields, r.fieldView(site.FieldChange{Field: af.Name, Old: old, New: af.Value}, site.ItemDiff{}))
	}
	if a.Text != "" {
		proposed := site.ReadableText(a.Text, r.plain)
		current := site.ReadableText(it.Text(), r.plain)
		switch {
		case v.Applied:
			shown := cutAfter(proposed, maxDiffText)
			if shown != proposed {
				shown += " […]"
			}
			v.Text = template.HTML(template.HTMLEscapeString(shown))
		case proposed != current:
			v.Text = textDiffHTML(wordOps(current, proposed), r.tr, false)
		}
	}
	v.NoChange = len(v.Fields) == 0 && v.Text == ""
	if c := a.SupersededBy; c != nil && status == site.AmendmentSuperseded {
		v.Superseded = &ChangeView{Landed: c.Landed, Author: withoutEmails(c.AuthorName), Message: withoutEmails(c.Message), Commit: c.Commit[:min(10, len(c.Commit))], CommitURL: r.itemCommitURL(it, c.Commit)}
	}
	v.Tally = r.tally(a.Tally)
	for _, rc := range a.Reactions[:min(len(a.Reactions), MaxAmendmentVotes)] {
		v.Reactions = append(v.Reactions, r.reactionView(rc))
		v.HasOrigins = v.HasOrigins || rc.Origin != nil
	}
	v.MoreVotes = len(a.Reactions) - len(v.Reactions)
	if ans := a.AnswerFile; ans != nil {
		v.Answer = &AnswerView{Date: ans.Date, HTML: template.HTML(r.markdown(ans.Text).HTML), Lang: v.TextLang, NotCounted: !ans.Applied}
		if ans.AnswerBody != nil || ans.Body != "" {
			v.Answer.By = r.bodyLink(ans.AnswerBody, ans.Body)
		}
		if !ans.Applied {
			v.Answer.ReasonLabel, _ = r.verdictLabels(ans.Verdict)
			v.Answer.Detail, v.Answer.DetailLang = r.verdictDetail(ans.Verdict)
		}
	} else if a.Answer.Text != "" || !a.Answer.Date.IsZero() {
		v.Answer = &AnswerView{Date: a.Answer.Date, HTML: template.HTML(r.markdown(a.Answer.Text).HTML), Lang: v.TextLang}
	}
	if f := r.Config.Forge; status == site.AmendmentOpen && f.Kind != "" && f.URL != "" && it.From == nil {
		v.Support = editorURL(f.Kind, f.URL, f.Branch, v.Folder, placeholder+".yaml", r.prefill.support)
		v.Oppose = editorURL(f.Kind, f.URL, f.Branch, v.Folder, placeholder+".yaml", r.prefill.oppose)
	}
	return v
}

// maxDiffRun is the longest run of words removed or added that an amendment's diff
// shows whole: longer ones are cut, so that an item's page stays within its budget
// whatever the amendments propose; the file has the text in full.
const maxDiffRun = 1500

// maxDiffText is about the most text of the changes an amendment's diff shows: the runs
// past it are left out, with a mark that says so.
const maxDiffText = 4 * maxDiffRun

// wordOps is the word-level diff of two texts as the changes pages show it, with the
// removed and added runs cut after maxDiffRun bytes, and the runs after about
// maxDiffText bytes of removed and added text left out.
func wordOps(old, new string) []site.TextOp {
	ops := textdiff.Words(old, new)
	out := make([]site.TextOp, 0, len(ops))
	shown := 0
	for _, op := range ops {
		t := op.Text
		if op.Kind != textdiff.Equal {
			if shown > maxDiffText {
				out = append(out, site.TextOp{Op: int(textdiff.Equal), Text: " […]"})
				break
			}
			if len(t) > maxDiffRun {
				t = cutAfter(t, maxDiffRun) + " […]"
			}
			shown += len(t)
		}
		out = append(out, site.TextOp{Op: int(op.Kind), Text: t})
	}
	return out
}

// plain is what a reader reads of a Markdown text, as the changes pages compare it.
func (r *renderer) plain(src string) string {
	_, t := r.Markdown.Plain([]byte(src))
	return t
}

// maxPrefillURL is the longest forge link the "propose a change" button makes: GitHub
// refuses longer addresses (about 8 KB), and other forges and browsers are no kinder.
const maxPrefillURL = 7500

// amendURL is the forge link that proposes an amendment to the plan item p: the web
// editor creating content/plan/<kind>/<id>/amendments/<body>-modifica.md, with the
// current title and text as the starting proposal. When the text would make the link
// too long, the file says where the current text is instead.
func (r *renderer) amendURL(p site.PlanItem) string {
	f := r.Config.Forge
	it := p.Base()
	if f.Kind == "" || f.URL == "" || it.File == "" || it.From != nil {
		return ""
	}
	dir := it.Dir + "/amendments"
	name := placeholder + "-" + r.tr.T("forge.amend_slug") + ".md"
	text := strings.TrimSpace(it.Text())
	u := editorURL(f.Kind, f.URL, f.Branch, dir, name, r.amendmentPrefill(it, p.Heading(), text))
	if len(u) > maxPrefillURL {
		u = editorURL(f.Kind, f.URL, f.Branch, dir, name, r.amendmentPrefill(it, p.Heading(), r.tr.T("forge.amend_pointer", it.File)))
	}
	return u
}

// amendmentPrefill is the file "propose a change" starts from: the theme's amendment
// archetype with the date the pages are as of, a reason to write, and the title and text.
func (r *renderer) amendmentPrefill(it *site.Item, title, text string) string {
	data, err := archetype.Prefill(r.Theme, archetype.Request{Kind: "amendment", Item: it.Key(),
		Title: title, Reason: r.tr.T("forge.amend_reason"), Text: text})
	if err != nil {
		return ""
	}
	return string(data)
}

// amendmentEntries are the feed entries of the site's amendments: one when each was
// proposed, and one when its state changed: answered by the owners (dated by the
// answer, else by the commit that landed it), withdrawn by its body (dated by that
// commit; without Git there is no such date and no entry), or superseded by a change of
// the item.
func (r *renderer) amendmentEntries(as []*site.Amendment) []entry {
	var out []entry
	esc := template.HTMLEscapeString
	for _, a := range as {
		if a.On == nil || len(a.Problems) > 0 || a.Hidden != nil {
			continue
		}
		title := r.amendmentTitle(a)
		body := r.bodyLink(a.VoterBody, a.Voter).Title
		out = append(out, entry{id: a.URL(), url: a.URL(), title: title, author: body, summary: a.Reason,
			html: "<p>" + esc(a.Reason) + "</p>", date: a.Date})
		status := amendmentStatus(a)
		label := r.tr.T("amendment.status." + status)
		e := entry{id: a.URL() + "-" + status, url: a.URL(), title: title + ": " + label, summary: label, html: "<p>" + esc(label) + "</p>"}
		landed := time.Time{}
		if a.Origin != nil {
			landed = a.Origin.Landed
		}
		switch status {
		case site.AmendmentAccepted, site.AmendmentRejected:
			e.date = a.Answer.Date
			if e.date.IsZero() {
				e.date = landed
			}
			if a.Answer.Text != "" {
				e.html += r.markdown(a.Answer.Text).HTML
			}
			e.author = r.view.Plan.Owner.Title
			if ans := a.AnswerFile; ans != nil && ans.Applied {
				e.author = r.bodyLink(ans.AnswerBody, ans.Body).Title
				if ans.Origin != nil && e.date.IsZero() {
					e.date = ans.Origin.Landed
				}
			}
		case site.AmendmentWithdrawn:
			e.date, e.author = landed, body
		case site.AmendmentSuperseded:
			if c := a.SupersededBy; c != nil {
				e.date, e.author = c.Landed, withoutEmails(c.AuthorName)
				e.html += "<p>" + esc(r.tr.T("amendment.superseded", r.formatDate(c.Landed))) + "</p>"
			}
		}
		if !e.date.IsZero() {
			out = append(out, e)
		}
	}
	return out
}

// amendmentTitle names an amendment in feeds: the item's title and the proposing body.
func (r *renderer) amendmentTitle(a *site.Amendment) string {
	title := a.On.ID
	if c := r.card(a.On); c != nil {
		title = codeTitle(c.Code, c.Title)
	}
	return r.tr.T("amendment.of", title, r.bodyLink(a.VoterBody, a.Voter).Title)
}
