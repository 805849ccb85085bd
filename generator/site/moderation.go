package site

import (
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Moderation is a decision of the portal's maintainers to hide a contribution:
// content/moderation/<id>.md. Its front matter names the target (a path under content/),
// the scope, the rule broken and the date; its Markdown body states the reason.
//
// Nothing is deleted: the hidden file stays in Git and on the audit trail (its row, with
// the moderation's id, rule, date and reason), but its words never reach a page, a feed,
// the search index or the open data, and it is never counted. Lifting a moderation is
// deleting its file; the history of content/moderation/ keeps both the decision and
// its lifting.
type Moderation struct {
	// Target is the path of what is hidden, under content/ (the "content/" prefix is
	// optional): a feedback, reaction, support or amendment file, a proposal's or a
	// practice's folder, or a participant's file.
	Target string `yaml:"target" meta:"required" max:"300"`
	// Scope is ModerateItem (the default: the target, and for a folder everything in
	// it), ModerateThread (a feedback and every reply below it) or ModerateParticipant
	// (everything the participant wrote).
	Scope string    `yaml:"scope" enum:"item|thread|participant"`
	Rule  string    `yaml:"rule" meta:"required" max:"200"`
	Date  time.Time `yaml:"date" meta:"required"`

	ID       string // the file name without .md
	File     string
	Text     string // the reason, Markdown
	TextLine int
	Pos      diag.Pos            `yaml:"-"`
	At       map[string]diag.Pos `yaml:"-"`

	// Path is Target as a path of the site's folder (content/...), without a trailing
	// slash, and for a proposal or practice its folder (not its index.md); set by
	// ResolveModeration.
	Path string `yaml:"-"`

	Blob   string  `yaml:"-"`
	Raw    []byte  `yaml:"-"`
	Origin *Origin `yaml:"-"`
	// Verdict says whether the moderation applies: Counted when the plan owner's member
	// made it, under votes.policy (the trust stage judges it as a comment of the plan
	// owner body, at any time). A moderation that does not apply hides nothing.
	Verdict `yaml:"-"`
	// Hidden counts what it hid, set by Moderate.
	Hidden int `yaml:"-"`
}

// Scopes of a moderation.
const (
	ModerateItem        = "item"
	ModerateThread      = "thread"
	ModerateParticipant = "participant"
)

// ModerationDir is the folder of moderation files.
const ModerationDir = "content/moderation"

// ReasonModerated: the maintainers hid the contribution with a moderation file.
const ReasonModerated = "moderated"

// URL is the moderation's anchor on the moderation page.
func (m *Moderation) URL() string { return "/moderation/#" + m.ID }

// ModerationRules is content/moderation/_index.md: the portal's rules, stated in its
// Markdown body, shown on the moderation page.
type ModerationRules struct {
	Title    string `yaml:"title" max:"300"`
	File     string
	Text     string
	TextLine int
	Pos      diag.Pos            `yaml:"-"`
	At       map[string]diag.Pos `yaml:"-"`
}

func (m *Moderation) at(key string) diag.Pos {
	if p, ok := m.At[key]; ok {
		return p
	}
	if m.Pos.File != "" {
		return m.Pos
	}
	return diag.Pos{File: m.File, Line: 1, Col: 1}
}

var (
	participantPathRE = regexp.MustCompile(`^content/participants/[a-z0-9_]{3,40}\.md$`)
	supportPathRE     = regexp.MustCompile(`/supports/[a-z0-9_]{3,40}\.yaml$`)
)

// ResolveModeration checks every moderation file: its target must be a contribution of
// the site, under content/, and not a moderation; its reason must be written. It sets
// each moderation's Path. It runs after Resolve.
func (s *Site) ResolveModeration() diag.List {
	var errs diag.List
	if len(s.Moderations) == 0 {
		return nil
	}
	targets := s.moderationTargets()
	sort.Slice(s.Moderations, func(i, j int) bool { return s.Moderations[i].ID < s.Moderations[j].ID })
	for _, m := range s.Moderations {
		if m.Scope == "" {
			m.Scope = ModerateItem
		}
		if strings.TrimSpace(m.Text) == "" {
			at := diag.Pos{File: m.File, Line: max(m.TextLine, 1), Col: 1}
			errs.Add(at, "the reason is missing: write, below the front matter, why the contribution is hidden (readers see it in its place)")
		}
		if strings.TrimSpace(m.Rule) == "" && m.At["rule"] != (diag.Pos{}) {
			errs.Add(m.at("rule"), "rule is empty: name the rule broken (its id or a short text)")
		}
		p, msg := moderationPath(m.Target)
		if msg != "" {
			errs.Add(m.at("target"), "%s", msg)
			continue
		}
		m.Path = p
		switch {
		case m.Scope == ModerateParticipant && !participantPathRE.MatchString(p):
			errs.Add(m.at("scope"), "scope: participant needs a participant file as target (participants/<handle>.md), not %s", m.Target)
		case m.Scope == ModerateThread && targets[p] != "feedback":
			errs.Add(m.at("scope"), "scope: thread needs a feedback file as target (<item>/feedback/<author>-<slug>.md), not %s", m.Target)
		case targets[p] != "":
		case participantPathRE.MatchString(p), supportPathRE.MatchString(p) && s.Items[itemKeyOfPath(p)] != nil:
			// Participants and supports are moderated by their path; whether the file
			// exists is the participants' part to say (Site.HiddenBy).
		default:
			// A warning, not an error: the contribution may have been withdrawn (its file
			// deleted) after it was hidden, which must not stop the portal nor its body's
			// merge request; the moderation then hides nothing.
			errs.Warn(m.at("target"), "unknown target %q: no contribution of the site is at content/%s%s, so the moderation hides nothing (a target is the path of a feedback, reaction, support or amendment file, or of a proposal's or practice's folder); fix the path, or delete this file if the contribution was withdrawn",
				m.Target, strings.TrimPrefix(p, "content/"), suggestTarget(p, targets))
		}
	}
	return errs
}

// moderationPath turns a target as written into a path of the site's folder, or says
// why it cannot be one.
func moderationPath(target string) (string, string) {
	t := strings.TrimSpace(target)
	if t == "" {
		return "", "target is empty: write the path of the hidden contribution under content/, e.g. proposals/x/feedback/comune_x-commento.md"
	}
	if strings.HasPrefix(t, "/") || strings.Contains(t, `\`) || strings.Contains(t, "://") || strings.ContainsRune(t, 0) {
		return "", "target " + quote(t) + " is outside content/: write a path under content/, e.g. proposals/x/feedback/comune_x-commento.md"
	}
	t = strings.TrimPrefix(t, "content/")
	c := path.Clean(t)
	if c == "." || c == ".." || strings.HasPrefix(c, "../") || c != strings.TrimSuffix(t, "/") {
		return "", "target " + quote(t) + " is outside content/ or not a plain path: write a path under content/ without . or .. (e.g. proposals/x/feedback/comune_x-commento.md)"
	}
	if c == "moderation" || strings.HasPrefix(c, "moderation/") {
		return "", "target " + quote(t) + " is a moderation: a moderation cannot be moderated; to lift one, delete its file"
	}
	c = strings.TrimSuffix(c, "/index.md")
	return "content/" + c, ""
}

func quote(s string) string { return `"` + s + `"` }

// itemKeyOfPath is the key of the item whose folder holds p (content/<section>/<id>/...),
// or "".
func itemKeyOfPath(p string) string {
	rel := strings.TrimPrefix(p, "content/")
	for _, sec := range Sections {
		if rest, ok := strings.CutPrefix(rel, string(sec)+"/"); ok {
			id, _, _ := strings.Cut(rest, "/")
			return string(sec) + "/" + strings.TrimSuffix(id, ".md")
		}
	}
	return ""
}

// moderationTargets lists what a moderation may hide, by path, with its kind.
func (s *Site) moderationTargets() map[string]string {
	t := make(map[string]string, len(s.Feedback)+len(s.Reactions)+len(s.Amendments)+len(s.Proposals)+len(s.Practices))
	for _, f := range s.Feedback {
		t[f.File] = "feedback"
	}
	for _, r := range s.Reactions {
		t[r.File] = "reaction"
	}
	for _, a := range s.Amendments {
		t[a.File] = "amendment"
	}
	for _, p := range s.Proposals {
		t[p.Dir] = "proposal"
	}
	for _, p := range s.Practices {
		t[p.Dir] = "practice"
		t[p.File] = "practice"
	}
	return t
}

// suggestTarget is "; did you mean ...?" for the target closest to p in its folder
// (comparing with every path of a large site would cost too much).
func suggestTarget(p string, targets map[string]string) string {
	dir := path.Dir(p)
	var near []string
	for t := range targets {
		if path.Dir(t) == dir && len(t) < 400 {
			near = append(near, strings.TrimPrefix(t, "content/"))
		}
	}
	sort.Strings(near)
	if len(near) > 2000 {
		near = near[:2000]
	}
	if s := diag.Suggest(strings.TrimPrefix(p, "content/"), near); s != "" {
		return "; did you mean " + quote(s) + "?"
	}
	return ""
}

// HiddenBy returns the applied moderation that hides the file (a path of the site's
// folder, content/...), by its own path or a folder above it, or nil.
func (s *Site) HiddenBy(file string) *Moderation {
	if len(s.hidden) == 0 {
		return nil
	}
	for p := file; strings.HasPrefix(p, "content/"); p = path.Dir(p) {
		if m := s.hidden[p]; m != nil {
			return m
		}
	}
	return nil
}

// Moderate applies every moderation the trust stage let count (Verdict.Counted): what
// they hide is marked Hidden, its words are cleared from the model (so that no page,
// feed, index or dataset can show them), it no longer counts (ReasonModerated), and a
// hidden proposal or practice leaves the site's lists (Site.HiddenProposals and
// HiddenPractices keep it, for its page, which shows the notice). It runs after the
// trust stage and before Derive.
func (s *Site) Moderate() {
	s.hidden = map[string]*Moderation{}
	var threads []*Moderation
	participants := map[string]*Moderation{}
	for _, m := range s.Moderations {
		if !m.Counted || m.Path == "" {
			continue
		}
		if s.hidden[m.Path] == nil { // sorted by id: the first decision names it
			s.hidden[m.Path] = m
		}
		switch m.Scope {
		case ModerateThread:
			threads = append(threads, m)
		case ModerateParticipant:
			h := strings.TrimSuffix(path.Base(m.Path), ".md")
			if participants[h] == nil {
				participants[h] = m
			}
		}
	}
	if len(s.hidden) == 0 {
		return
	}
	byFile := make(map[string]*Feedback, len(s.Feedback))
	for _, f := range s.Feedback {
		byFile[f.File] = f
	}
	thread := map[*Feedback]*Moderation{}
	for _, m := range threads {
		root := byFile[m.Path]
		if root == nil {
			continue
		}
		todo := []*Feedback{root}
		for len(todo) > 0 {
			f := todo[0]
			todo = todo[1:]
			if thread[f] != nil {
				continue
			}
			thread[f] = m
			todo = append(todo, f.Replies...)
		}
	}
	of := func(file, voter string) *Moderation {
		if m := s.HiddenBy(file); m != nil {
			return m
		}
		return participants[voter]
	}
	for _, f := range s.Feedback {
		m := thread[f]
		if m == nil {
			m = of(f.File, f.Voter)
		}
		if m != nil {
			f.Hidden, f.Title, f.Text, f.Raw = m, "", "", nil
			f.Verdict = moderated(f.Verdict, m)
			m.Hidden++
		}
	}
	for _, r := range s.Reactions {
		if m := of(r.File, r.Voter()); m != nil {
			x := r.Own()
			x.Hidden, x.Comment, x.Raw = m, "", nil
			v := moderated(*r.Verdict, m)
			r.Verdict = &v
			r.CountVote, r.CountPriority = false, false
			m.Hidden++
		}
	}
	for _, a := range s.Amendments {
		if m := of(a.File, a.Voter); m != nil {
			a.Hidden, a.Title, a.Reason, a.Text, a.Fields, a.Raw, a.Answer.Text = m, "", "", "", nil, nil, ""
			a.Verdict = moderated(a.Verdict, m)
			if ans := a.AnswerFile; ans != nil {
				ans.Text, ans.Raw = "", nil
			}
			m.Hidden++
		}
	}
	for _, sp := range s.Supports {
		if m := of(sp.File, sp.Participant); m != nil {
			sp.Hidden, sp.Comment, sp.Raw = m, "", nil
			sp.Verdict = moderated(sp.Verdict, m)
			m.Hidden++
		}
	}
	for _, p := range s.Participants { // their presentation; their name stays, as a body's does
		if m := of(p.File, p.ID); m != nil {
			p.Hidden = m
			p.SetText("")
			m.Hidden++
		}
	}
	hideItem := func(it *Item) *Moderation {
		m := s.HiddenBy(it.File)
		if m == nil {
			return nil
		}
		it.Hidden, it.Translations, it.Attachments, it.History = m, nil, nil, nil
		it.SetText("")
		m.Hidden++
		return m
	}
	proposals := s.Proposals[:0:0]
	for _, p := range s.Proposals {
		if hideItem(&p.Item) != nil {
			p.Title, p.Authors, p.Tags, p.Answer.Text = "", nil, nil, ""
			s.HiddenProposals = append(s.HiddenProposals, p)
			continue
		}
		proposals = append(proposals, p)
	}
	s.Proposals = proposals
	practices := s.Practices[:0:0]
	for _, p := range s.Practices {
		if hideItem(&p.Item) != nil {
			p.Title, p.Tags, p.Links, p.AgID = "", nil, nil, nil
			s.HiddenPractices = append(s.HiddenPractices, p)
			continue
		}
		practices = append(practices, p)
	}
	s.Practices = practices
	if len(s.HiddenProposals)+len(s.HiddenPractices) == 0 {
		return
	}
	// Resolve listed them by body and by the actions that take them up.
	for _, b := range s.Bodies {
		b.Proposals = visible(b.Proposals, func(p *Proposal) bool { return p.Hidden == nil })
		b.Practices = visible(b.Practices, func(p *Practice) bool { return p.Hidden == nil })
	}
	for _, a := range s.Actions {
		a.ProposalItems = visible(a.ProposalItems, func(p *Proposal) bool { return p.Hidden == nil })
	}
}

func visible[T any](list []*T, keep func(*T) bool) []*T {
	out := list[:0:0]
	for _, v := range list {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}

// moderated is the verdict of a hidden contribution: not counted, reason moderated, the
// rest of the verdict (who vouched for it) kept for the audit trail.
func moderated(v Verdict, m *Moderation) Verdict {
	v.Counted = false
	v.Reason = ReasonModerated
	v.Detail = "hidden by moderation " + m.ID + " on " + m.Date.UTC().Format(time.DateOnly) + " (rule: " + m.Rule + ")"
	v.Sentences = []Sentence{{Key: "moderated", Params: []Param{{Text: m.ID}, {Time: m.Date}, {Text: m.Rule}}, English: v.Detail}}
	return v
}
