package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// The open data under /api/v1/ is a public contract (README "Open data"): field names are snake_case, never renamed or removed; new fields may be added.

type answerJSON struct {
	Date string `json:"date"`
	Text string `json:"text"`
}

type votesJSON struct {
	Support int `json:"support"`
	Oppose  int `json:"oppose"`
	Abstain int `json:"abstain"`
}

type priorityJSON struct {
	Mean         float64 `json:"mean"`
	Count        int     `json:"count"`
	Distribution [5]int  `json:"distribution"` // how many bodies gave 1, 2, 3, 4, 5
}

type proposalJSON struct {
	ID        string       `json:"id"`
	URL       string       `json:"url"`
	Title     string       `json:"title"`
	Body      string       `json:"body"`
	Status    string       `json:"status"`
	Tags      []string     `json:"tags"`
	Targets   []string     `json:"targets"`
	Date      string       `json:"date"`
	Answer    *answerJSON  `json:"answer"`
	Votes     votesJSON    `json:"votes"`
	Priority  priorityJSON `json:"priority"`
	Authors   []string     `json:"authors"`
	TakenUpBy []string     `json:"taken_up_by"`
	Feedback  int          `json:"feedback"`
	Summary   string       `json:"summary"`
	Source    string       `json:"source,omitempty"` // the repository of the body's portal, for a proposal a source brought
	// Participant is the community's participant who proposes it ("" for a body's);
	// Supports the counted supports of the community, apart from Votes; Threshold,
	// ThresholdReached and AwaitingAnswer say whether it reached a phase's threshold.
	Participant      string `json:"participant"`
	Supports         int    `json:"supports"`
	Threshold        int    `json:"threshold"`
	ThresholdReached string `json:"threshold_reached"`
	AwaitingAnswer   bool   `json:"awaiting_answer"`
}

// participantJSON is a participant of the community: never any personal data beyond
// the handle, the name they chose, kind and municipality.
type participantJSON struct {
	Handle       string `json:"handle"`
	Name         string `json:"name"`
	Kind         string `json:"kind"`
	Municipality string `json:"municipality"`
	Registered   bool   `json:"registered"`
	Verification string `json:"verification"`
	URL          string `json:"url"`
}

// supportJSON is a support file, counted or not.
type supportJSON struct {
	Item         string `json:"item"`
	Participant  string `json:"participant"`
	Comment      string `json:"comment"`
	Counted      bool   `json:"counted"`
	Reason       string `json:"reason"`
	Commit       string `json:"commit"`
	Landed       string `json:"landed"`
	Verification string `json:"verification"`
	Phase        string `json:"phase"`
	File         string `json:"file"`
	Detail       string `json:"detail"`
	LandedCommit string `json:"landed_commit"`
	MergeRequest string `json:"merge_request"`
}

type voteJSON struct {
	Item         string `json:"item"`
	Voter        string `json:"voter"`
	Vote         string `json:"vote"`
	Priority     *int   `json:"priority"`
	Comment      string `json:"comment"`
	Counted      bool   `json:"counted"`
	Reason       string `json:"reason"`
	Commit       string `json:"commit"`
	Author       string `json:"author"` // the e-mail of the commit's author, with open_data.personal; else empty
	Landed       string `json:"landed"`
	Verification string `json:"verification"`
	File         string `json:"file"`
	Detail       string `json:"detail"`        // why it does not count, in a sentence; empty when counted
	Signer       string `json:"signer"`        // the key fingerprint (signature) that vouched for it, or the member's email (author) with open_data.personal
	AuthorName   string `json:"author_name"`   // of the commit
	LandedCommit string `json:"landed_commit"` // the first commit of the main branch that contained it
	MergeRequest string `json:"merge_request"` // the merge request that landed it, as the landing commit's message names it ("#12", "group/project!34"), or empty
	Signature    string `json:"signature"`     // the detached signature file beside it, or empty
	Member       string `json:"member"`        // the member who vouched for it, by name and role as the body declares them; empty when not counted
	// Hidden says a moderation hides it (its comment is then empty); Moderation is that
	// decision, or nil.
	Hidden     bool            `json:"hidden"`
	Moderation *moderationJSON `json:"moderation"`
}

// moderationJSON is the moderation decision that hides a contribution, on its row of
// the open data: the row stays, without the hidden words.
type moderationJSON struct {
	ID     string `json:"id"`
	Rule   string `json:"rule"`
	Date   string `json:"date"`
	Reason string `json:"reason"`
	URL    string `json:"url"`
}

// moderationOf is the open data of m, or nil.
func (r *renderer) moderationOf(m *site.Moderation) *moderationJSON {
	if m == nil {
		return nil
	}
	_, plain := r.Markdown.Plain([]byte(m.Text))
	return &moderationJSON{ID: m.ID, Rule: m.Rule, Date: isoDay(m.Date), Reason: strings.Join(strings.Fields(plain), " "), URL: r.Config.AbsURL(m.URL())}
}

// appendModerationCells appends the CSV cells of a row's moderation: hidden, moderation,
// moderation_rule, moderation_date, moderation_reason.
func appendModerationCells(row []string, m *moderationJSON) []string {
	if m == nil {
		return append(row, "false", "", "", "", "")
	}
	return append(row, "true", m.ID, m.Rule, m.Date, m.Reason)
}

type actionJSON struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	Code      string       `json:"code"` // the official code, or ""
	Status    string       `json:"status"`
	Progress  int          `json:"progress"`
	Owner     string       `json:"owner"` // the lead
	Start     string       `json:"start"`
	Due       string       `json:"due"`
	Priority  priorityJSON `json:"priority"`
	Rank      int          `json:"rank"` // in the ranking by mean priority, from 1; 0 without priorities
	URL       string       `json:"url"`
	Proposals []string     `json:"proposals"`
	// Owners are every owner, the lead first; Addressees whom it is addressed to (body
	// ids, kinds of body, all), as its file lists them.
	Owners     []string `json:"owners"`
	Addressees []string `json:"addressees"`
}

type objectiveJSON struct {
	ID       string       `json:"id"`
	Title    string       `json:"title"`
	Code     string       `json:"code"`
	AgID     []string     `json:"agid"`
	Progress int          `json:"progress"`
	URL      string       `json:"url"`
	Results  []resultJSON `json:"results"` // its expected results, in plan order
	Actions  []actionJSON `json:"actions"`
}

type goalJSON struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Code       string          `json:"code"`
	Progress   int             `json:"progress"`
	URL        string          `json:"url"`
	Objectives []objectiveJSON `json:"objectives"`
}

type planJSON struct {
	Version  string     `json:"version"`
	Title    string     `json:"title"`
	Period   string     `json:"period"`
	Owner    string     `json:"owner"`
	Progress int        `json:"progress"`
	Goals    []goalJSON `json:"goals"`
}

type practiceJSON struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	Kind        string    `json:"kind"`
	Tags        []string  `json:"tags"`
	AgID        []string  `json:"agid"`
	Date        string    `json:"date"`
	Links       []string  `json:"links"`
	Votes       votesJSON `json:"votes"`
	Attachments []string  `json:"attachments"`
	Source      string    `json:"source"`
}

type bodyJSON struct {
	ID        string `json:"id"`
	URL       string `json:"url"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Website   string `json:"website"`
	Proposals int    `json:"proposals"`
	Practices int    `json:"practices"`
	Votes     int    `json:"votes"`
	// Leads, CoOwns and Addressed count the actions of the plan it leads, co-owns, and
	// that are addressed to it (by its id, its kind or all, less those it owns).
	Leads     int `json:"leads"`
	CoOwns    int `json:"co_owns"`
	Addressed int `json:"addressed"`
	// LeadsResults and CoOwnsResults count the expected results it leads and co-owns.
	LeadsResults  int `json:"leads_results"`
	CoOwnsResults int `json:"co_owns_results"`
}

type feedbackJSON struct {
	Item         string          `json:"item"`
	ID           string          `json:"id"`
	Voter        string          `json:"voter"`
	Title        string          `json:"title"`
	Kind         string          `json:"kind"`
	Date         string          `json:"date"`
	URL          string          `json:"url"`
	Counted      bool            `json:"counted"` // it speaks for the body under the site's policy
	Reason       string          `json:"reason"`
	Detail       string          `json:"detail"`
	Verification string          `json:"verification"`
	Commit       string          `json:"commit"`
	Author       string          `json:"author"` // the e-mail of the commit's author, with open_data.personal; else empty
	Landed       string          `json:"landed"`
	File         string          `json:"file"`
	ReplyTo      string          `json:"reply_to"`  // the id of the feedback of the same item it answers, "" for a comment on the item
	Paragraph    string          `json:"paragraph"` // the anchor of the paragraph of the item's text it is about, or ""
	Hidden       bool            `json:"hidden"`    // a moderation hides it: its title is then empty
	Moderation   *moderationJSON `json:"moderation"`
}

// amendmentJSON is an amendment as open data. Reason is why the change is proposed;
// ReasonCode why the amendment does not count (as reason in votes.json).
type amendmentJSON struct {
	ID       string        `json:"id"`
	Key      string        `json:"key"`
	Item     string        `json:"item"`
	ItemCode string        `json:"item_code"`
	Body     string        `json:"body"`
	URL      string        `json:"url"`
	Date     string        `json:"date"`
	State    string        `json:"state"`
	Status   string        `json:"status"`
	Reason   string        `json:"reason"`
	Title    string        `json:"title"`
	Text     string        `json:"text"`
	Fields   []amendedJSON `json:"fields"`
	// Answer is the owner's answer file, counted or not; AnswerCounted says whether it
	// answered the amendment (it counts, and its body owns the item).
	Answer        *amendAnswerJSON `json:"answer"`
	AnswerCounted bool             `json:"answer_counted"`
	Votes         votesJSON        `json:"votes"`
	Counted       bool             `json:"counted"`
	ReasonCode    string           `json:"reason_code"`
	Detail        string           `json:"detail"`
	Verification  string           `json:"verification"`
	Commit        string           `json:"commit"`
	Author        string           `json:"author"`
	Landed        string           `json:"landed"`
	SupersededBy  string           `json:"superseded_by"`
	File          string           `json:"file"`
	// Hidden says a moderation hides it (reason, title, text, fields and answer are then
	// empty); Moderation is that decision.
	Hidden     bool            `json:"hidden"`
	Moderation *moderationJSON `json:"moderation"`
}

// amendAnswerJSON is the owner's answer to an amendment, from its answer.md.
type amendAnswerJSON struct {
	State        string `json:"state"`
	Date         string `json:"date"`
	Text         string `json:"text"`
	Body         string `json:"body"`
	Counted      bool   `json:"counted"`
	ReasonCode   string `json:"reason_code"`
	Detail       string `json:"detail"`
	Verification string `json:"verification"`
	Commit       string `json:"commit"`
	Author       string `json:"author"` // the e-mail of the commit's author, with open_data.personal; else empty
	Landed       string `json:"landed"`
	File         string `json:"file"`
}

type amendedJSON struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// amendmentsJSON lists the amendments, oldest first, counted or not.
func (r *renderer) amendmentsJSON() []amendmentJSON {
	s := r.Site
	out := make([]amendmentJSON, 0, len(s.Amendments))
	for _, a := range s.Amendments {
		j := amendmentJSON{ID: a.ID(), Key: a.Key(), Item: a.ItemKey, Body: a.Voter, URL: r.Config.AbsURL(a.URL()), Date: isoDay(a.Date),
			State: a.State, Status: a.Status, Reason: a.Reason, Title: a.Title, Text: a.Text, Fields: []amendedJSON{},
			Votes: votesJSON{a.Tally.Support, a.Tally.Oppose, a.Tally.Abstain}, Counted: a.Counted, ReasonCode: a.Verdict.Reason,
			Detail: r.prose(a.Detail), Verification: a.Verification, File: a.File, Hidden: a.Hidden != nil, Moderation: r.moderationOf(a.Hidden)}
		if a.On != nil {
			if p := s.PlanItemOf(a.On.ID); p != nil {
				j.ItemCode = p.OfficialCode()
			}
		}
		for _, f := range a.Fields {
			j.Fields = append(j.Fields, amendedJSON{f.Name, f.Value})
		}
		if ans := a.AnswerFile; ans != nil {
			j.Answer = &amendAnswerJSON{State: ans.State, Date: isoDay(ans.Date), Text: strings.TrimSpace(ans.Text), Body: ans.Body, Counted: ans.Applied,
				ReasonCode: ans.Verdict.Reason, Detail: r.prose(ans.Detail), Verification: ans.Verification, File: ans.File}
			if o := ans.Origin; o != nil {
				j.Answer.Commit, j.Answer.Author, j.Answer.Landed = o.Commit, r.personal(o.AuthorEmail), o.Landed.UTC().Format(time.RFC3339)
			}
			j.AnswerCounted = ans.Applied
		}
		if o := a.Origin; o != nil {
			j.Commit, j.Author, j.Landed = o.Commit, r.personal(o.AuthorEmail), o.Landed.UTC().Format(time.RFC3339)
		}
		if c := a.SupersededBy; c != nil {
			j.SupersededBy = c.Commit
		}
		out = append(out, j)
	}
	return out
}

func isoDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

// nonNil keeps empty lists as [] rather than null in JSON.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func prio(p site.Priority) priorityJSON {
	return priorityJSON{Mean: float64(int(p.Mean*100+0.5)) / 100, Count: p.Count, Distribution: p.Distribution}
}

// openData lists the files under /api/v1/.
func (r *renderer) openData() []task {
	s, abs := r.Site, r.Config.AbsURL
	return []task{
		jsonTask("api/v1/proposals.json", func() any {
			out := make([]proposalJSON, 0, len(s.Proposals))
			for _, p := range s.Proposals {
				j := proposalJSON{ID: p.ID, URL: abs(p.URL()), Title: p.Title, Body: p.Body, Status: p.Status, Tags: nonNil(p.Tags),
					Targets: nonNil(p.Targets), Date: isoDay(p.Date), Votes: votesJSON{p.Tally.Support, p.Tally.Oppose, p.Tally.Abstain},
					Priority: prio(p.Tally.Priority), Authors: nonNil(p.Authors), TakenUpBy: []string{}, Feedback: len(p.Feedback),
					Summary: r.html[&p.Item].Summary, Participant: p.Participant, Supports: p.Backing}
				if t := p.Threshold; t != nil {
					j.Threshold, j.ThresholdReached, j.AwaitingAnswer = t.Threshold, isoDay(t.On), !t.Answered
				}
				if p.From != nil {
					j.Source = p.From.URL
				}
				if p.Answer.Text != "" {
					j.Answer = &answerJSON{isoDay(p.Answer.Date), p.Answer.Text}
				}
				for _, a := range p.TakenUpBy {
					j.TakenUpBy = append(j.TakenUpBy, a.ID)
				}
				out = append(out, j)
			}
			return out
		}),
		streamTask("api/v1/votes.json", func(w io.Writer) error {
			return jsonRows(w, len(s.Reactions), func(b []byte, i int) ([]byte, error) {
				v := r.voteOf(s.Reactions[i])
				return appendVoteJSON(b, &v), nil
			})
		}),
		jsonTask("api/v1/participants.json", func() any { return r.participantsJSON() }),
		jsonTask("api/v1/supports.json", func() any { return r.supportsJSON() }),
		csvTask("api/v1/participants.csv", csvColumns("participants.csv"), func(w func(...string)) {
			for _, p := range r.participantsJSON() {
				w(p.Handle, p.Name, p.Kind, p.Municipality, strconv.FormatBool(p.Registered), p.Verification, p.URL)
			}
		}),
		csvTask("api/v1/supports.csv", csvColumns("supports.csv"), func(w func(...string)) {
			for _, v := range r.supportsJSON() {
				w(v.Item, v.Participant, v.Comment, strconv.FormatBool(v.Counted), v.Reason, v.Commit, v.Landed, v.Verification, v.Phase, v.File, v.Detail, v.LandedCommit, v.MergeRequest)
			}
		}),
		jsonTask("api/v1/sources.json", func() any { return r.sourcesJSON() }),
		jsonTask("api/v1/practices.json", func() any {
			out := make([]practiceJSON, 0, len(s.Practices))
			for _, p := range s.Practices {
				j := practiceJSON{ID: p.ID, URL: abs(p.URL()), Title: p.Title, Body: p.Body, Kind: p.Kind, Tags: nonNil(p.Tags),
					AgID: nonNil(p.AgID), Date: isoDay(p.Date), Links: []string{}, Attachments: []string{},
					Votes: votesJSON{p.Tally.Support, p.Tally.Oppose, p.Tally.Abstain}}
				for _, l := range p.Links {
					j.Links = append(j.Links, l.URL)
				}
				for _, a := range p.Attachments {
					j.Attachments = append(j.Attachments, abs(p.URL()+a.Name))
				}
				if p.From != nil {
					j.Source = p.From.URL
				}
				out = append(out, j)
			}
			return out
		}),
		jsonTask("api/v1/bodies.json", func() any {
			out := make([]bodyJSON, 0, len(s.Bodies))
			for _, b := range s.Bodies {
				out = append(out, bodyJSON{ID: b.ID, URL: abs(b.URL()), Name: b.Name, Kind: b.Kind, Website: b.Website,
					Proposals: len(b.Proposals), Practices: len(b.Practices), Votes: len(b.Votes),
					Leads: len(b.Actions), CoOwns: len(b.CoOwned), Addressed: len(s.AddressedTo(b)),
					LeadsResults: len(b.Results), CoOwnsResults: len(b.CoOwnedResults)})
			}
			return out
		}),
		jsonTask("api/v1/feedback.json", func() any {
			out := make([]feedbackJSON, 0, len(s.Feedback))
			for _, f := range s.Feedback {
				j := feedbackJSON{Item: f.ItemKey, ID: f.ID(), Voter: f.Voter, Title: f.Title, Kind: f.Kind,
					Date: isoDay(f.Date), URL: abs("/" + f.ItemKey + "/#" + f.ID()), Counted: f.Counted, Reason: f.Reason,
					Detail: r.prose(f.Detail), Verification: f.Verification, File: f.File, ReplyTo: f.ReplyTo, Paragraph: f.Paragraph,
					Hidden: f.Hidden != nil, Moderation: r.moderationOf(f.Hidden)}
				if o := f.Origin; o != nil {
					j.Commit, j.Author, j.Landed = o.Commit, r.personal(o.AuthorEmail), o.Landed.UTC().Format(time.RFC3339)
				}
				out = append(out, j)
			}
			return out
		}),
		csvTask("api/v1/proposals.csv", csvColumns("proposals.csv"), func(w func(...string)) {
			for _, p := range s.Proposals {
				pr := prio(p.Tally.Priority)
				var takenUp []string
				for _, a := range p.TakenUpBy {
					takenUp = append(takenUp, a.ID)
				}
				src := ""
				if p.From != nil {
					src = p.From.URL
				}
				th, thOn, awaiting := thresholdCols(p)
				w(p.ID, abs(p.URL()), p.Title, p.Body, p.Status, strings.Join(p.Tags, listSep), strings.Join(p.Targets, listSep), isoDay(p.Date),
					isoDay(p.Answer.Date), p.Answer.Text, itoa(p.Tally.Support), itoa(p.Tally.Oppose), itoa(p.Tally.Abstain),
					strconv.FormatFloat(pr.Mean, 'f', -1, 64), itoa(pr.Count), strings.Join(p.Authors, listSep), strings.Join(takenUp, listSep),
					itoa(len(p.Feedback)), r.html[&p.Item].Summary, src, p.Participant, itoa(p.Backing), th, thOn, awaiting)
			}
		}),
		csvTask("api/v1/votes.csv", csvColumns("votes.csv"), func(w func(...string)) {
			// One row's cells, made again for each vote: a million rows' slices were
			// half a gigabyte of garbage, most of it allocated while the collector marked,
			// which then counted it as live.
			var row []string
			for _, rc := range s.Reactions {
				v := r.voteOf(rc)
				p := ""
				if v.Priority != nil {
					p = itoa(*v.Priority)
				}
				row = append(row[:0], v.Item, v.Voter, v.Vote, p, v.Comment, strconv.FormatBool(v.Counted), v.Reason, v.Commit, v.Author, v.Landed, v.Verification, v.File, v.Detail, v.Signer, v.LandedCommit, v.MergeRequest, v.Member)
				row = appendModerationCells(row, v.Moderation)
				w(row...)
			}
		}),
		csvTask("api/v1/plan.csv", csvColumns("plan.csv"), func(w func(...string)) {
			for _, a := range s.Actions {
				var g, gt, gc, o, ot, oc, agid string
				if ob := a.ObjectiveItem; ob != nil {
					o, ot, oc, agid = ob.ID, ob.Title, ob.Code, strings.Join(ob.AgID, listSep)
					if ob.GoalItem != nil {
						g, gt, gc = ob.GoalItem.ID, ob.GoalItem.Title, ob.GoalItem.Code
					}
				}
				pr := prio(a.Tally.Priority)
				w(g, gt, o, ot, agid, a.ID, a.Title, a.Status, itoa(a.Progress), a.Owner, isoDay(a.Start), isoDay(a.Due),
					strconv.FormatFloat(pr.Mean, 'f', -1, 64), itoa(pr.Count), a.Code, oc, gc, strings.Join(a.Owners, listSep), strings.Join(a.Addressees, listSep))
			}
		}),
		csvTask("api/v1/results.csv", csvColumns("results.csv"), func(w func(...string)) { resultsCSV(s, w) }),
		csvTask("api/v1/practices.csv", csvColumns("practices.csv"), func(w func(...string)) {
			for _, p := range s.Practices {
				src := ""
				if p.From != nil {
					src = p.From.URL
				}
				w(p.ID, abs(p.URL()), p.Title, p.Body, p.Kind, strings.Join(p.Tags, listSep), strings.Join(p.AgID, listSep), isoDay(p.Date), src)
			}
		}),
		csvTask("api/v1/bodies.csv", csvColumns("bodies.csv"), func(w func(...string)) {
			for _, b := range s.Bodies {
				w(b.ID, abs(b.URL()), b.Name, b.Kind, b.Website, itoa(len(b.Proposals)), itoa(len(b.Practices)), itoa(len(b.Votes)),
					itoa(len(b.Actions)), itoa(len(b.CoOwned)), itoa(len(s.AddressedTo(b))), itoa(len(b.Results)), itoa(len(b.CoOwnedResults)))
			}
		}),
		jsonTask("api/v1/amendments.json", func() any { return r.amendmentsJSON() }),
		csvTask("api/v1/amendments.csv", csvColumns("amendments.csv"), func(w func(...string)) {
			for _, a := range r.amendmentsJSON() {
				fields := make([]string, len(a.Fields))
				for i, f := range a.Fields {
					fields[i] = f.Name + "=" + f.Value
				}
				var ad, at, ab, ac string
				if a.Answer != nil {
					ad, at, ab, ac = a.Answer.Date, a.Answer.Text, a.Answer.Body, strconv.FormatBool(a.AnswerCounted)
				}
				w(appendModerationCells([]string{a.ID, a.Item, a.ItemCode, a.Body, a.Date, a.State, a.Status, a.Reason, a.Title, strings.Join(fields, listSep), ad, at, ab, ac,
					itoa(a.Votes.Support), itoa(a.Votes.Oppose), itoa(a.Votes.Abstain), strconv.FormatBool(a.Counted), a.ReasonCode, a.Commit, a.URL}, a.Moderation)...)
			}
		}),
		csvTask("api/v1/feedback.csv", csvColumns("feedback.csv"), func(w func(...string)) {
			for _, f := range s.Feedback {
				w(appendModerationCells([]string{f.ItemKey, f.ID(), f.Voter, f.Title, f.Kind, isoDay(f.Date), abs("/" + f.ItemKey + "/#" + f.ID()), f.ReplyTo, f.Paragraph}, r.moderationOf(f.Hidden))...)
			}
		}),
	}
}

// thresholdCols are the threshold, threshold_reached and awaiting_answer cells of a
// proposal's CSV row.
func thresholdCols(p *site.Proposal) (string, string, string) {
	if t := p.Threshold; t != nil {
		return itoa(t.Threshold), isoDay(t.On), strconv.FormatBool(!t.Answered)
	}
	return "0", "", "false"
}

func (r *renderer) participantsJSON() []participantJSON {
	out := make([]participantJSON, 0, len(r.Site.Participants))
	verification := site.VerifiedNone
	switch r.Config.Votes.Policy {
	case "author":
		verification = site.VerifiedForge
	case "signed":
		verification = site.VerifiedSignature
	}
	for _, p := range r.Site.Participants {
		out = append(out, participantJSON{Handle: p.ID, Name: p.Name, Kind: p.Kind, Municipality: p.Municipality, Registered: p.Registered,
			Verification: verification, URL: r.Config.AbsURL(p.URL())})
	}
	return out
}

func (r *renderer) supportsJSON() []supportJSON {
	out := make([]supportJSON, 0, len(r.Site.Supports))
	for _, sp := range r.Site.Supports {
		v := supportJSON{Item: sp.ItemKey, Participant: sp.Participant, Comment: sp.Comment, Counted: sp.Counted, Reason: sp.Reason,
			Verification: sp.Verification, File: sp.File, Detail: r.prose(sp.Detail)}
		if sp.Phase != nil {
			v.Phase = sp.Phase.Name
		}
		if o := sp.Origin; o != nil {
			v.Commit, v.LandedCommit, v.MergeRequest = o.Commit, o.LandedCommit, o.MergeRequest
			v.Landed = o.Landed.UTC().Format(time.RFC3339)
		}
		out = append(out, v)
	}
	return out
}

// voteOf is a reaction as a record of votes.json and votes.csv. The datasets make the
// records one at a time, as they write them: at a million votes the records all at once
// were 290 MB.
func (r *renderer) voteOf(rc *site.Reaction) voteJSON {
	v := voteJSON{Item: rc.ItemKey(), Voter: rc.Voter(), Vote: rc.Vote(), Comment: rc.Comment(), Counted: rc.Counted, Reason: rc.Reason,
		Verification: rc.Verification, File: rc.File, Detail: r.prose(rc.Detail), Signer: rc.Signer, Member: rc.Verdict.Member,
		Hidden: rc.Hidden() != nil, Moderation: r.moderationOf(rc.Hidden())}
	if rc.Verification == site.VerifiedAuthor {
		v.Signer = r.personal(rc.Signer)
	}
	if rc.Sig() != nil {
		v.Signature = rc.Sig().File
	}
	if rc.Priority > 0 {
		p := int(rc.Priority)
		v.Priority = &p
	}
	if o := rc.Origin; o != nil {
		v.Commit, v.Author, v.AuthorName, v.LandedCommit = o.Commit, r.personal(o.AuthorEmail), r.prose(o.AuthorName), o.LandedCommit
		v.MergeRequest = o.MergeRequest
		v.Landed = o.Landed.UTC().Format(time.RFC3339)
	}
	return v
}

// planJSON is a plan as open data: a version's (version is its name), or the draft's
// ("draft"). Priorities are the counted priorities of the work tree's actions of the
// same id, since bodies vote on the living plan. URLs are of the draft's pages, or of
// the item's place on the version's page when the draft no longer has it.
func (r *renderer) planJSON(p *site.Site, version string) planJSON {
	s, abs := r.Site, r.Config.AbsURL
	rank := map[string]int{}
	for i, a := range s.Priorities {
		rank[a.ID] = i + 1
	}
	url := func(it *site.Item) string {
		if d := s.Items[it.Key()]; d != nil {
			return abs(d.URL())
		}
		path, a := r.anchorPath(r.version(version), it)
		return abs(path) + "#" + a
	}
	out := planJSON{Version: version, Title: p.Plan.Title, Period: p.Plan.Period, Owner: p.Plan.Owner, Progress: p.Progress.Percent, Goals: []goalJSON{}}
	for _, g := range p.Goals {
		gj := goalJSON{ID: g.ID, Title: g.Title, Code: g.Code, Progress: g.Progress.Percent, URL: url(&g.Item), Objectives: []objectiveJSON{}}
		for _, o := range g.Objectives {
			oj := objectiveJSON{ID: o.ID, Title: o.Title, Code: o.Code, AgID: nonNil(o.AgID), Progress: o.Progress.Percent, URL: url(&o.Item), Results: []resultJSON{}, Actions: []actionJSON{}}
			for _, res := range o.Results {
				oj.Results = append(oj.Results, resultOpenData(res, s.Built, url(&res.Item)))
			}
			for _, a := range o.Actions {
				var pr site.Priority
				if d := s.Action(a.ID); d != nil {
					pr = d.Tally.Priority
				}
				oj.Actions = append(oj.Actions, actionJSON{ID: a.ID, Title: a.Title, Code: a.Code, Status: a.Status, Progress: a.Progress, Owner: a.Owner,
					Start: isoDay(a.Start), Due: isoDay(a.Due), Priority: prio(pr), Rank: rank[a.ID], URL: url(&a.Item), Proposals: nonNil(a.Proposals),
					Owners: nonNil(a.Owners), Addressees: nonNil(a.Addressees)})
			}
			gj.Objectives = append(gj.Objectives, oj)
		}
		out.Goals = append(out.Goals, gj)
	}
	return out
}

type versionJSON struct {
	Version     string `json:"version"`
	Tag         string `json:"tag"`
	Date        string `json:"date"` // RFC 3339
	Commit      string `json:"commit"`
	Verified    bool   `json:"verified"`
	URL         string `json:"url"` // "" when the version cannot be read
	Note        string `json:"note"`
	Annotated   bool   `json:"annotated"`
	Signed      bool   `json:"signed"`
	Signer      string `json:"signer"`
	Tagger      string `json:"tagger"` // who made the tag; pspm release --restore makes it again with this name
	Latest      bool   `json:"latest"`
	Readable    bool   `json:"readable"`
	Previous    string `json:"previous"`
	ChangesURL  string `json:"changes_url"`
	DataURL     string `json:"data_url"`
	ChangesData string `json:"changes_data_url"`
}

type changesJSON struct {
	From         string           `json:"from"` // "" for the first version
	To           string           `json:"to"`   // a version, or "draft"
	Plan         []fieldJSON      `json:"plan"`
	PlanText     []textOpJSON     `json:"plan_text"`
	Goals        []itemChangeJSON `json:"goals"`
	Objectives   []itemChangeJSON `json:"objectives"`
	Results      []itemChangeJSON `json:"results"`
	Actions      []itemChangeJSON `json:"actions"`
	Incorporated []string         `json:"incorporated"`
	// Counts are how many items changed in each way (every kind present), as the
	// changes page sums them up.
	Counts map[string]int `json:"counts"`
}

type itemChangeJSON struct {
	ID              string       `json:"id"`
	Change          string       `json:"change"` // added, removed, renumbered, merged, split, moved, changed
	Title           string       `json:"title"`
	Goal            string       `json:"goal"`     // the goal it sits under (its own id for a goal)
	FromIDs         []string     `json:"from_ids"` // renumbered, merged, split: the old items it continues
	ToIDs           []string     `json:"to_ids"`   // renumbered, merged, split: every new item that continues them
	FromParent      string       `json:"from_parent"`
	ToParent        string       `json:"to_parent"`
	FromParentTitle string       `json:"from_parent_title"`
	ToParentTitle   string       `json:"to_parent_title"`
	Fields          []fieldJSON  `json:"fields"`
	Text            []textOpJSON `json:"text"` // the text a reader sees, word by word; empty when the same
}

type fieldJSON struct {
	Field string       `json:"field"`
	Old   string       `json:"old"`
	New   string       `json:"new"`
	Words []textOpJSON `json:"words,omitempty"` // a changed title, word by word
}

type textOpJSON struct {
	Op   string `json:"op"` // equal, insert, delete
	Text string `json:"text"`
}

func diffJSON(d *site.PlanDiff) changesJSON {
	text := func(ops []site.TextOp) []textOpJSON {
		out := make([]textOpJSON, 0, len(ops))
		for _, op := range ops {
			name := "equal"
			switch op.Op {
			case site.TextInsert:
				name = "insert"
			case site.TextDelete:
				name = "delete"
			}
			out = append(out, textOpJSON{name, op.Text})
		}
		return out
	}
	fields := func(fs []site.FieldChange) []fieldJSON {
		out := make([]fieldJSON, 0, len(fs))
		for _, f := range fs {
			j := fieldJSON{Field: f.Field, Old: f.Old, New: f.New}
			if f.Words != nil {
				j.Words = text(f.Words)
			}
			out = append(out, j)
		}
		return out
	}
	items := func(ds []site.ItemDiff) []itemChangeJSON {
		out := make([]itemChangeJSON, 0, len(ds))
		for _, it := range ds {
			out = append(out, itemChangeJSON{ID: it.ID, Change: it.Kind, Title: it.Title, Goal: it.Goal, FromIDs: nonNil(it.FromIDs), ToIDs: nonNil(it.ToIDs),
				FromParent: it.FromParent, ToParent: it.ToParent, FromParentTitle: it.FromParentTitle, ToParentTitle: it.ToParentTitle,
				Fields: fields(it.Fields), Text: text(it.Text)})
		}
		return out
	}
	return changesJSON{From: d.From, To: d.To, Plan: fields(d.Plan), PlanText: text(d.PlanText), Goals: items(d.Goals),
		Objectives: items(d.Objectives), Results: items(d.Results), Actions: items(d.Actions), Incorporated: nonNil(d.Incorporated), Counts: d.KindCounts()}
}

// versionData lists the open data of the plan's versions: versions.json, each version's
// plan and changes, the draft's, and plan.json, the plan that /plan/ shows.
func (r *renderer) versionData() []task {
	s, abs := r.Site, r.Config.AbsURL
	shown, name := s, "draft"
	if s.Latest != nil {
		shown, name = s.Latest.Plan, s.Latest.Name
	}
	t := []task{
		jsonTask("api/v1/plan.json", func() any { return r.planJSON(shown, name) }),
		jsonTask("api/v1/plan/draft.json", func() any { return r.planJSON(s, "draft") }),
		jsonTask("api/v1/plan/draft/changes.json", func() any { return diffJSON(s.DraftChanges) }),
		jsonTask(PublishedVersionsFile, func() any {
			out := make([]versionJSON, 0, len(s.Versions))
			for _, v := range s.Versions {
				j := versionJSON{Version: v.Name, Tag: v.Tag, Date: v.Date.UTC().Format(time.RFC3339), Commit: v.Commit, Verified: v.Verified,
					Note: v.Note, Annotated: v.Annotated, Signed: v.Signed, Signer: r.prose(v.Signer), Tagger: r.prose(v.Tagger), Latest: v == s.Latest, Readable: v.Plan != nil,
					Previous: nameOfVersion(v.Previous)}
				if v.Plan != nil {
					j.URL, j.ChangesURL = abs("/plan/"+v.Name+"/"), abs("/plan/"+v.Name+"/changes/")
					j.DataURL, j.ChangesData = abs("/api/v1/plan/"+v.Name+".json"), abs("/api/v1/plan/"+v.Name+"/changes.json")
				}
				out = append(out, j)
			}
			return out
		}),
	}
	for _, v := range s.Versions {
		if v.Plan == nil {
			continue
		}
		t = append(t,
			jsonTask("api/v1/plan/"+v.Name+".json", func() any { return r.planJSON(v.Plan, v.Name) }),
			jsonTask("api/v1/plan/"+v.Name+"/changes.json", func() any { return diffJSON(v.Changes) }))
	}
	return t
}

// PublishedVersionsFile is the list of versions in the output: the next build of the
// same output checks that none of them changed.
const PublishedVersionsFile = "api/v1/versions.json"

func nameOfVersion(v *site.Version) string {
	if v == nil {
		return ""
	}
	return v.Name
}

// jsonTask writes a JSON array with one element per line, so that the files diff well
// between two builds and stream well into analysts' tools.
func jsonTask(path string, value func() any) task {
	return streamTask(path, func(w io.Writer) error { return jsonLines(w, value()) })
}

// streamTask is the task of a file that stream writes as it makes it: the build writes it
// to the output as it goes (output.Streamer), without its bytes in memory at once;
// everything else takes the bytes from make.
func streamTask(path string, stream func(io.Writer) error) task {
	return task{path: path, stream: stream, make: streamed(stream)}
}

// streamed makes in memory the file stream writes.
func streamed(stream func(io.Writer) error) func() ([]byte, error) {
	return func() ([]byte, error) {
		var b bytes.Buffer
		err := stream(&b)
		return b.Bytes(), err
	}
}

// jsonLines writes json.Marshal(v) with a newline, and an array one element per line (see
// jsonEach).
func jsonLines(w io.Writer, v any) error {
	rv := reflect.ValueOf(v)
	switch {
	case !rv.IsValid() || (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Map || rv.Kind() == reflect.Slice || rv.Kind() == reflect.Interface) && rv.IsNil():
		_, err := io.WriteString(w, "[]\n") // null: an empty list
		return err
	case rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array || rv.Type().Elem().Kind() == reflect.Uint8 ||
		rv.Type().Implements(reflect.TypeFor[json.Marshaler]()):
		data, err := json.Marshal(v) // not an array: written as it is
		if err == nil {
			_, err = w.Write(append(data, '\n'))
		}
		return err
	}
	return jsonEach(w, rv.Len(), func(i int) any { return rv.Index(i).Interface() })
}

// jsonEach writes the JSON array of the n elements elem makes, one per line, as
// json.Marshal of the whole array would write them but for the newlines. Each element is
// made when it is written: votes.json of a million votes is 400 MB, and its records as a
// slice were 290 MB more.
func jsonEach(w io.Writer, n int, elem func(i int) any) error {
	return jsonRows(w, n, func(b []byte, i int) ([]byte, error) {
		e, err := json.Marshal(elem(i))
		return append(b, e...), err
	})
}

// jsonRows is jsonEach where row appends the JSON of element i to b.
func jsonRows(w io.Writer, n int, row func(b []byte, i int) ([]byte, error)) error {
	var line []byte
	for i := range n {
		line = append(line[:0], ",\n"...)
		if i == 0 {
			line[0] = '['
		}
		var err error
		if line, err = row(line, i); err != nil {
			return err
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	end := "\n]\n"
	if n == 0 {
		end = "[]\n"
	}
	_, err := io.WriteString(w, end)
	return err
}

// csvTask writes a CSV file with a header row, for a spreadsheet set to Italian to open
// by double-click: UTF-8 with a byte-order mark (the spreadsheet's sign that the file is
// UTF-8), cells separated by ";" (the list separator of Italian spreadsheets, where ","
// is the decimal comma) and quoted as RFC 4180 requires. Text cells that a spreadsheet
// would run as a formula (starting with =, +, -, @, tab or carriage return) are prefixed
// with a quote. A row with another number of cells than the header is an internal error.
func csvTask(path string, header []string, rows func(w func(...string))) task {
	return streamTask(path, func(to io.Writer) error {
		_, _ = io.WriteString(to, csvBOM)
		w := csv.NewWriter(to)
		w.Comma = csvSeparator
		_ = w.Write(header)
		var err error
		rows(func(cells ...string) {
			if len(cells) != len(header) && err == nil {
				err = fmt.Errorf("internal error: a row of %d cells under a header of %d", len(cells), len(header))
			}
			for i, c := range cells {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					if _, numErr := strconv.ParseFloat(c, 64); numErr != nil {
						cells[i] = "'" + c
					}
				}
			}
			if e := w.Write(cells); e != nil && err == nil {
				err = e
			}
		})
		w.Flush()
		if err == nil {
			err = w.Error()
		}
		return err
	})
}

// csvSeparator separates the cells of the CSV files; csvBOM starts them.
const (
	csvSeparator = ';'
	csvBOM       = "\uFEFF"
)

func itoa(i int) string { return strconv.Itoa(i) }

// sourceJSON is a repository of another body that the portal brought content from.
type sourceJSON struct {
	Body      string           `json:"body"`
	Kind      string           `json:"kind"`
	URL       string           `json:"url"`
	Ref       string           `json:"ref"`
	Commit    string           `json:"commit"`
	Stale     bool             `json:"stale"`
	Proposals []string         `json:"proposals"`
	Practices []string         `json:"practices"`
	Plan      *federatedPlanJS `json:"plan,omitempty"`
}

type federatedPlanJS struct {
	URL      string                `json:"url"`
	Title    string                `json:"title"`
	Progress int                   `json:"progress"`
	Actions  []federatedActionJSON `json:"actions"`
}

type federatedActionJSON struct {
	ID            string   `json:"id"`
	URL           string   `json:"url"`
	Title         string   `json:"title"`
	Status        string   `json:"status"`
	Progress      int      `json:"progress"`
	Due           string   `json:"due"`
	ContributesTo []string `json:"contributes_to"`
}

// sourcesJSON lists the sources the build read, by body then URL, with what each brought.
func (r *renderer) sourcesJSON() []sourceJSON {
	s, abs := r.Site, r.Config.AbsURL
	byFrom := map[*site.Source]*sourceJSON{}
	var order []*site.Source
	get := func(src *site.Source) *sourceJSON {
		if j := byFrom[src]; j != nil {
			return j
		}
		j := &sourceJSON{Body: src.Body, Kind: src.Kind, URL: src.URL, Ref: src.Ref, Commit: src.Commit, Stale: src.Stale, Proposals: []string{}, Practices: []string{}}
		byFrom[src] = j
		order = append(order, src)
		return j
	}
	for _, p := range s.Proposals {
		if p.From != nil {
			j := get(p.From)
			j.Proposals = append(j.Proposals, abs(p.URL()))
		}
	}
	for _, p := range s.Practices {
		if p.From != nil {
			j := get(p.From)
			j.Practices = append(j.Practices, abs(p.URL()))
		}
	}
	for _, fp := range s.Federated {
		pj := &federatedPlanJS{URL: abs(fp.URL()), Title: fp.Plan.Title, Progress: fp.Progress.Percent, Actions: []federatedActionJSON{}}
		for _, a := range fp.Actions {
			pj.Actions = append(pj.Actions, federatedActionJSON{ID: a.ID, URL: abs(a.URL()), Title: a.Title, Status: a.Status, Progress: a.Progress,
				Due: isoDay(a.Due), ContributesTo: nonNil(a.ContributesTo)})
		}
		get(fp.From).Plan = pj
	}
	if s.AgID != nil {
		get(s.AgID.From) // the agid-plan source: its edition is agid.json
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].Body != order[j].Body {
			return order[i].Body < order[j].Body
		}
		return order[i].URL < order[j].URL
	})
	out := make([]sourceJSON, 0, len(order))
	for _, src := range order {
		out = append(out, *byFrom[src])
	}
	return out
}
