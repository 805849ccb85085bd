package generator

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/pspm-dev/pspm/generator/site"
)

// Trail is the audit trail of one item, as `pspm audit ITEM` prints it and as the item's
// page shows it: every reaction file with its verdict and the commit that cast it, the
// community's supports likewise (apart from the votes), every change to the item's text,
// its feedback thread, and its amendments with the votes on each.
type Trail struct {
	Item   string `json:"item"` // "<section>/<id>"
	Title  string `json:"title"`
	File   string `json:"file"`
	Policy string `json:"policy"` // votes.policy
	// Hidden is the moderation that hides the item (a proposal or practice), or nil.
	Hidden *TrailModeration `json:"hidden,omitempty"`
	Tally  TrailTally       `json:"tally"`
	Votes  []TrailVote      `json:"votes"`
	// Backing counts the counted supports of the community's participants, and Supports
	// are every support file in the item's folder with its verdict; never in Votes.
	Backing  int             `json:"backing,omitempty"`
	Supports []TrailSupport  `json:"supports,omitempty"`
	History  []TrailChange   `json:"history"`
	Feedback []TrailFeedback `json:"feedback"`
	// Amendments are the changes bodies proposed to the item (plan items only), oldest
	// first, each with the votes on it.
	Amendments []TrailAmendment `json:"amendments"`
}

// TrailAmendment is one amendment, its verdict and the votes on it.
type TrailAmendment struct {
	ID      string `json:"id"` // <body>-<slug>
	Key     string `json:"key"`
	Body    string `json:"body"`
	Date    string `json:"date"`
	Status  string `json:"status"` // open, accepted, rejected, withdrawn, superseded
	Counted bool   `json:"counted"`
	Reason  string `json:"reason,omitempty"` // why it does not count
	Detail  string `json:"detail,omitempty"`
	Commit  string `json:"commit,omitempty"`
	Author  string `json:"author,omitempty"`
	Landed  string `json:"landed,omitempty"`
	// SupersededBy is the commit that changed the item under an open amendment.
	SupersededBy string      `json:"superseded_by,omitempty"`
	Tally        TrailTally  `json:"tally"`
	Votes        []TrailVote `json:"votes"`
	// Answer is the owner's answer file (answer.md) and its verdict, when there is one.
	Answer *TrailAnswer `json:"answer,omitempty"`
}

// TrailAnswer is an item owner's answer to an amendment and its verdict: Counted says
// that it answered the amendment (it counts, and its body owns the item).
type TrailAnswer struct {
	File         string `json:"file"`
	Body         string `json:"body"`
	State        string `json:"state"` // accepted or rejected, as the file says
	Date         string `json:"date,omitempty"`
	Counted      bool   `json:"counted"`
	Reason       string `json:"reason,omitempty"`
	Detail       string `json:"detail,omitempty"`
	Verification string `json:"verification,omitempty"`
	Signer       string `json:"signer,omitempty"`
	Commit       string `json:"commit,omitempty"`
	Author       string `json:"author,omitempty"`
	Landed       string `json:"landed,omitempty"`
}

// TrailTally counts the counted reactions.
type TrailTally struct {
	Support      int     `json:"support"`
	Oppose       int     `json:"oppose"`
	Abstain      int     `json:"abstain"`
	PriorityMean float64 `json:"priority_mean"`
	Priorities   int     `json:"priorities"`
	Distribution [5]int  `json:"distribution"`
}

// TrailVote is one reaction file and its verdict.
type TrailVote struct {
	Voter    string `json:"voter"`
	Vote     string `json:"vote"`
	Priority int    `json:"priority,omitempty"`
	TrailVerdict
}

// TrailSupport is one support file of a participant of the community and its verdict.
type TrailSupport struct {
	Participant string `json:"participant"`
	TrailVerdict
}

// TrailVerdict is what the trail says of a vote's or a support's file: whether it counts
// and why, how it was verified, and the commit that cast it.
type TrailVerdict struct {
	Counted      bool   `json:"counted"`
	Reason       string `json:"reason,omitempty"`
	Detail       string `json:"detail,omitempty"`
	Verification string `json:"verification"`
	Signer       string `json:"signer,omitempty"`
	File         string `json:"file"`
	Signature    string `json:"signature,omitempty"`
	Commit       string `json:"commit,omitempty"`
	Author       string `json:"author,omitempty"`
	Landed       string `json:"landed,omitempty"`
	LandedCommit string `json:"landed_commit,omitempty"`
	// MergeRequest is the merge request that landed it, as the landing commit's message
	// names it ("#12", "group/project!34"); empty when it names none.
	MergeRequest string `json:"merge_request,omitempty"`
	// Hidden says a moderation hides it (it is kept here, never counted), and Moderation
	// is that decision.
	Hidden     bool             `json:"hidden,omitempty"`
	Moderation *TrailModeration `json:"moderation,omitempty"`
}

// trailVerdict is the TrailVerdict of a file with verdict v, its detached signature,
// origin and moderation.
func trailVerdict(v site.Verdict, file string, sig *site.Sig, o *site.Origin, hidden *site.Moderation) TrailVerdict {
	t := TrailVerdict{Counted: v.Counted, Reason: v.Reason, Detail: v.Detail, Verification: v.Verification, Signer: v.Signer,
		File: file, Hidden: hidden != nil, Moderation: trailModeration(hidden)}
	if sig != nil {
		t.Signature = sig.File
	}
	if o != nil {
		t.Commit, t.Author, t.Landed, t.LandedCommit = o.Commit, person(o.AuthorName, o.AuthorEmail), stamp(o.Landed), o.LandedCommit
		t.MergeRequest = o.MergeRequest
	}
	return t
}

// TrailModeration is the moderation decision that hides a contribution: its file's id,
// the rule broken, the date and the reason (never the hidden words).
type TrailModeration struct {
	ID     string `json:"id"`
	File   string `json:"file"`
	Rule   string `json:"rule"`
	Date   string `json:"date"`
	Reason string `json:"reason"`
}

func trailModeration(m *site.Moderation) *TrailModeration {
	if m == nil {
		return nil
	}
	return &TrailModeration{ID: m.ID, File: m.File, Rule: m.Rule, Date: m.Date.Format(time.DateOnly), Reason: strings.TrimSpace(m.Text)}
}

// TrailChange is one change to the item's text that landed.
type TrailChange struct {
	Landed  string `json:"landed"`
	Commit  string `json:"commit"`
	Author  string `json:"author"`
	Message string `json:"message"`
	File    string `json:"file"`
	Deleted bool   `json:"deleted,omitempty"`
}

// TrailFeedback is one comment and its verdict.
type TrailFeedback struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Kind    string `json:"kind"`
	Date    string `json:"date"`
	Counted bool   `json:"counted"`
	Reason  string `json:"reason,omitempty"`
	Detail  string `json:"detail,omitempty"`
	Commit  string `json:"commit,omitempty"`
	Author  string `json:"author,omitempty"`
	// ReplyTo is the feedback it answers, Paragraph the anchor it is about, as written.
	ReplyTo   string `json:"reply_to,omitempty"`
	Paragraph string `json:"paragraph,omitempty"`
	// Hidden and Moderation as for TrailVote: the title is then empty.
	Hidden     bool             `json:"hidden,omitempty"`
	Moderation *TrailModeration `json:"moderation,omitempty"`
}

// Audit returns the trail of the item named by key in a site read by Inspect or Build.
// key is "<section>/<id>" (e.g. proposals/telemedicina), the item's URL path, its file,
// or a bare id when only one item has it; an amendment's key or file names its item.
func Audit(res *Result, key string) (*Trail, error) {
	s := res.Site
	it, err := findItem(s, key)
	if err != nil {
		return nil, err
	}
	t := &Trail{Item: it.Key(), Title: itemTitle(s, it), File: it.File, Policy: res.Config.Votes.Policy, Hidden: trailModeration(it.Hidden),
		Votes: []TrailVote{}, History: []TrailChange{}, Feedback: []TrailFeedback{}, Amendments: []TrailAmendment{}}
	t.Tally = TrailTally{Support: it.Tally.Support, Oppose: it.Tally.Oppose, Abstain: it.Tally.Abstain,
		PriorityMean: float64(int(it.Tally.Priority.Mean*100+0.5)) / 100, Priorities: it.Tally.Priority.Count, Distribution: it.Tally.Priority.Distribution}
	for _, r := range s.Reactions { // every file in the item's folder, the unknown item's too
		if r.ItemKey() == it.Key() {
			t.Votes = append(t.Votes, trailVote(r))
		}
	}
	t.Backing = it.Backing
	for _, sp := range s.Supports { // every file in the item's supports folder
		if sp.ItemKey != it.Key() {
			continue
		}
		t.Supports = append(t.Supports, TrailSupport{Participant: sp.Participant, TrailVerdict: trailVerdict(sp.Verdict, sp.File, sp.Sig, sp.Origin, sp.Hidden)})
	}
	for _, c := range it.History {
		t.History = append(t.History, TrailChange{Landed: stamp(c.Landed), Commit: c.Commit, Author: person(c.AuthorName, c.AuthorEmail),
			Message: c.Message, File: c.File, Deleted: c.Deleted})
	}
	for _, f := range s.Feedback {
		if f.ItemKey != it.Key() {
			continue
		}
		fb := TrailFeedback{ID: f.ID(), Title: f.Title, Kind: f.Kind, Counted: f.Counted, Reason: f.Reason, Detail: f.Detail, ReplyTo: f.ReplyTo, Paragraph: f.Paragraph,
			Hidden: f.Hidden != nil, Moderation: trailModeration(f.Hidden)}
		if !f.Date.IsZero() {
			fb.Date = f.Date.Format(time.DateOnly)
		}
		if o := f.Origin; o != nil {
			fb.Commit, fb.Author = o.Commit, person(o.AuthorName, o.AuthorEmail)
		}
		t.Feedback = append(t.Feedback, fb)
	}
	for _, a := range s.Amendments { // every file in the item's amendments folder
		if a.ItemKey != it.Key() {
			continue
		}
		ta := TrailAmendment{ID: a.ID(), Key: a.Key(), Body: a.Voter, Status: a.Status, Counted: a.Counted, Reason: a.Verdict.Reason, Detail: a.Detail,
			Tally: TrailTally{Support: a.Tally.Support, Oppose: a.Tally.Oppose, Abstain: a.Tally.Abstain}, Votes: []TrailVote{}}
		if !a.Date.IsZero() {
			ta.Date = a.Date.Format(time.DateOnly)
		}
		if o := a.Origin; o != nil {
			ta.Commit, ta.Author, ta.Landed = o.Commit, person(o.AuthorName, o.AuthorEmail), stamp(o.Landed)
		}
		if c := a.SupersededBy; c != nil {
			ta.SupersededBy = c.Commit
		}
		if ans := a.AnswerFile; ans != nil {
			ta.Answer = &TrailAnswer{File: ans.File, Body: ans.Body, State: ans.State, Counted: ans.Applied, Reason: ans.Verdict.Reason, Detail: ans.Detail,
				Verification: ans.Verification, Signer: ans.Signer}
			if !ans.Date.IsZero() {
				ta.Answer.Date = ans.Date.Format(time.DateOnly)
			}
			if o := ans.Origin; o != nil {
				ta.Answer.Commit, ta.Answer.Author, ta.Answer.Landed = o.Commit, person(o.AuthorName, o.AuthorEmail), stamp(o.Landed)
			}
		}
		for _, r := range s.Reactions {
			if r.ItemKey() == a.Key() {
				ta.Votes = append(ta.Votes, trailVote(r))
			}
		}
		t.Amendments = append(t.Amendments, ta)
	}
	return t, nil
}

// trailVote is a reaction file and its verdict, for the trail.
func trailVote(r *site.Reaction) TrailVote {
	return TrailVote{Voter: r.Voter(), Vote: r.Vote(), Priority: int(r.Priority), TrailVerdict: trailVerdict(*r.Verdict, r.File, r.Sig(), r.Origin, r.Hidden())}
}

// findItem resolves the names a user may give an item.
func findItem(s *site.Site, key string) (*site.Item, error) {
	k := strings.TrimSpace(key)
	k = strings.TrimPrefix(k, "content/")
	k = strings.TrimSuffix(strings.TrimSuffix(k, "/index.md"), ".md")
	k = strings.Trim(k, "/")
	if item, _, ok := strings.Cut(k, "/amendments/"); ok { // an amendment's key or file: its item's trail
		k = item
	}
	if it := s.Items[k]; it != nil {
		return it, nil
	}
	var found []*site.Item
	for _, it := range s.Items {
		if it.ID == k {
			found = append(found, it)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return nil, fmt.Errorf("no item %q: name it as <section>/<id>, e.g. proposals/telemedicina or plan/actions/anpr", key)
	}
	var keys []string
	for _, it := range found {
		keys = append(keys, it.Key())
	}
	sort.Strings(keys)
	return nil, fmt.Errorf("%q names several items (%s): give the section too", key, strings.Join(keys, ", "))
}

func itemTitle(s *site.Site, it *site.Item) string {
	switch it.Section {
	case site.Proposals:
		return s.Proposal(it.ID).Title
	case site.Practices:
		return s.Practice(it.ID).Title
	}
	if site.KindOf(it.Section) != nil {
		if p := s.PlanItemOf(it.ID); p != nil {
			return p.Heading()
		}
	}
	for _, b := range s.Bodies {
		if &b.Item == it {
			return b.Name
		}
	}
	return it.ID
}

func person(name, email string) string {
	if email == "" {
		return name
	}
	return name + " <" + email + ">"
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// WriteJSON writes the trail as indented JSON.
func (t *Trail) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(t)
}

// WriteText writes the trail for a terminal. Everything that comes from the repository
// (names, messages) is printed with control characters escaped, so a crafted file name
// or commit message cannot drive the terminal.
func (t *Trail) WriteText(w io.Writer) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	p("%s — %s\n", t.Item, clean(t.Title))
	p("  file: %s · votes.policy: %s\n", clean(t.File), t.Policy)
	if m := t.Hidden; m != nil {
		p("  hidden by moderation %s (%s) on %s, rule: %s: %s\n", clean(m.ID), clean(m.File), m.Date, clean(m.Rule), clean(m.Reason))
	}
	p("  counted: %d support, %d oppose, %d abstain", t.Tally.Support, t.Tally.Oppose, t.Tally.Abstain)
	if t.Tally.Priorities > 0 {
		d := t.Tally.Distribution
		p("; priority %.2f of 5 from %d bodies (1:%d 2:%d 3:%d 4:%d 5:%d)", t.Tally.PriorityMean, t.Tally.Priorities, d[0], d[1], d[2], d[3], d[4])
	}
	p("\n\nVotes (%d reaction files)\n", len(t.Votes))
	if err := writeVotes(w, t.Votes, "  "); err != nil {
		return err
	}
	if len(t.Supports) > 0 {
		p("\nCommunity supports (%d support files, %d counted)\n", len(t.Supports), t.Backing)
		if err := writeSupports(w, t.Supports, "  "); err != nil {
			return err
		}
	}
	p("\nHistory (%d changes)\n", len(t.History))
	for _, c := range t.History {
		del := ""
		if c.Deleted {
			del = " (removed)"
		}
		p("  %s  %s  %s  %s%s  [%s]\n", c.Landed, short(c.Commit), clean(c.Author), clean(c.Message), del, clean(c.File))
	}
	p("\nFeedback (%d)\n", len(t.Feedback))
	for _, f := range t.Feedback {
		state := "counted"
		if !f.Counted {
			state = "not counted: " + f.Reason
		}
		about := ""
		if f.ReplyTo != "" {
			about += "  reply to " + clean(f.ReplyTo)
		}
		if f.Paragraph != "" {
			about += "  on paragraph " + clean(f.Paragraph)
		}
		p("  %s  %s  %q  %s%s\n", dash(f.Date), clean(f.ID), clean(f.Title), state, about)
	}
	if len(t.Amendments) == 0 {
		return nil
	}
	p("\nAmendments (%d)\n", len(t.Amendments))
	for _, a := range t.Amendments {
		state := "counted"
		if !a.Counted {
			state = "not counted: " + a.Reason
		}
		p("  %s  %s  %s  %s  commit %s  landed %s  [%d support, %d oppose, %d abstain]\n", dash(a.Date), clean(a.ID), a.Status, state,
			dash(short(a.Commit)), dash(a.Landed), a.Tally.Support, a.Tally.Oppose, a.Tally.Abstain)
		if !a.Counted {
			p("    %s\n", clean(a.Detail))
		}
		if a.SupersededBy != "" {
			p("    superseded: the item changed in commit %s after it landed\n", short(a.SupersededBy))
		}
		if ans := a.Answer; ans != nil {
			state := "counted"
			if !ans.Counted {
				state = "not counted: " + ans.Reason
			}
			p("    Answer  %s  %s by %s  %s  commit %s  landed %s  %s\n", dash(ans.Date), clean(ans.State), clean(ans.Body), state, dash(short(ans.Commit)), dash(ans.Landed), clean(ans.Author))
			if !ans.Counted && ans.Detail != "" {
				p("      %s\n", clean(ans.Detail))
			}
		}
		p("    Votes (%d reaction files)\n", len(a.Votes))
		if err := writeVotes(w, a.Votes, "    "); err != nil {
			return err
		}
	}
	return nil
}

// writeVotes writes a table of votes, each line indented by indent, and why each vote
// not counted does not count.
func writeVotes(w io.Writer, votes []TrailVote, indent string) error {
	p := func(format string, args ...any) { fmt.Fprintf(w, format, args...) }
	if len(votes) > 0 {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, indent+"VOTER\tVOTE\tPRIORITY\tCOUNTED\tVERIFIED BY / REASON\tCOMMIT\tLANDED\tMERGE REQUEST\tAUTHOR")
		for _, v := range votes {
			counted, why := "yes", v.Verification
			if v.Signer != "" {
				why += " " + v.Signer
			}
			if !v.Counted {
				counted, why = "no", v.Reason
			}
			prio := "-"
			if v.Priority > 0 {
				prio = strconv.Itoa(v.Priority)
			}
			fmt.Fprintf(tw, indent+"%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", clean(v.Voter), dash(v.Vote), prio, counted, clean(why), dash(short(v.Commit)), dash(v.Landed), dash(clean(v.MergeRequest)), dash(clean(v.Author)))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, v := range votes {
			if !v.Counted {
				p("%s%s: %s\n", indent, clean(v.File), clean(v.Detail))
			}
		}
	}
	return nil
}

// writeSupports writes a table of the community's supports, as writeVotes does votes.
func writeSupports(w io.Writer, supports []TrailSupport, indent string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, indent+"PARTICIPANT\tCOUNTED\tVERIFIED BY / REASON\tCOMMIT\tLANDED\tMERGE REQUEST\tAUTHOR")
	for _, sp := range supports {
		counted, why := "yes", sp.Verification
		if sp.Signer != "" {
			why += " " + sp.Signer
		}
		if !sp.Counted {
			counted, why = "no", sp.Reason
		}
		fmt.Fprintf(tw, indent+"%s\t%s\t%s\t%s\t%s\t%s\t%s\n", clean(sp.Participant), counted, clean(why), dash(short(sp.Commit)), dash(sp.Landed), dash(clean(sp.MergeRequest)), dash(clean(sp.Author)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, sp := range supports {
		if !sp.Counted {
			fmt.Fprintf(w, "%s%s: %s\n", indent, clean(sp.File), clean(sp.Detail))
		}
	}
	return nil
}

func short(hash string) string { return hash[:min(10, len(hash))] }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clean escapes control and other non-printing characters.
func clean(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			q := strconv.QuoteToGraphic(s)
			return q[1 : len(q)-1]
		}
	}
	return s
}
