package site

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Participants is the section of the community's participants: content/participants/
// <handle>.md, published at /participants/<handle>/. It is not one of Sections: a
// participant is no item of the plan or of the bodies' contributions.
const Participants Section = "participants"

// Registration policies (participation.registration in pspm.yaml).
const (
	RegistrationClosed   = "closed"   // participant files take no part
	RegistrationOpen     = "open"     // every participant file on the main branch is registered
	RegistrationApproved = "approved" // registered once the plan owner's maintainers set approved:
)

// ParticipantKinds lists the kinds of participant.
var ParticipantKinds = []string{"citizen", "association", "company", "school", "university", "other"}

// HandleRE is what a participant's handle may be: lower-case letters, digits and '_', 3
// to 40 characters; no '-', so that <handle>-<slug>.md splits as for bodies.
var HandleRE = regexp.MustCompile(`^[a-z0-9_]{3,40}$`)

// Participant is a person or organisation of the community, registered by a merge
// request that adds content/participants/<handle>.md. It holds no personal contact
// data: no e-mail, no phone (the loader refuses them).
type Participant struct {
	Item
	Name         string    `yaml:"name" meta:"required" max:"200"`
	Kind         string    `yaml:"kind" enum:"citizen|association|company|school|university|other"`
	Municipality string    `yaml:"municipality" max:"200"`
	Forge        string    `yaml:"forge" max:"100"`
	Keys         []string  `yaml:"keys"`
	Approved     time.Time `yaml:"approved"`

	// Registered says the participant takes part under the site's registration policy;
	// NotRegistered says why not (English), when it does not.
	Registered    bool   `yaml:"-"`
	NotRegistered string `yaml:"-"`

	Supports  []*Support  `yaml:"-"` // by item
	Comments  []*Feedback `yaml:"-"` // by date
	Proposals []*Proposal `yaml:"-"` // newest first
}

// Support is one participant's support of one item: <item folder>/supports/<handle>.yaml.
// An empty file is a support; deleting it withdraws it. Supports are kept apart from the
// bodies' votes everywhere: in the model, on pages and in the open data.
type Support struct {
	ForItem        string    `yaml:"item" max:"300"`
	ForParticipant string    `yaml:"participant" max:"40"`
	Date           time.Time `yaml:"date"`
	Comment        string    `yaml:"comment" max:"500"`

	Participant string // the file name without .yaml
	ItemKey     string
	File        string

	Blob     string    `yaml:"-"`
	Raw      []byte    `yaml:"-"`
	Sig      *Sig      `yaml:"-"`
	Origin   *Origin   `yaml:"-"`
	Problems diag.List `yaml:"-"`
	Verdict  `yaml:"-"`
	// Hidden is the moderation that hides it, or nil: it is kept, never counted.
	Hidden *Moderation `yaml:"-"`
	// Phase is the phase of the plan whose community part the support landed in, when
	// it counts and the plan has phases.
	Phase *Phase `yaml:"-"`

	By *Participant `yaml:"-"`
	On *Item        `yaml:"-"`
}

// ThresholdReached is when a community proposal's counted supports within a phase
// reached the phase's threshold: it then waits for an official answer.
type ThresholdReached struct {
	Phase     *Phase
	Threshold int
	Supports  int       // counted supports that landed within the phase
	On        time.Time // when the support that reached it landed
	Answered  bool      // the proposal has an official answer since
}

// Supportable says whether items of the section take supports: proposals, practices,
// goals, objectives and actions.
func Supportable(sec Section) bool {
	switch sec {
	case Proposals, Practices, Goals, Objectives, Actions:
		return true
	}
	return false
}

// Participant returns the participant with the given handle, or nil.
func (s *Site) Participant(handle string) *Participant { return s.ByParticipant[handle] }

// CommunityOpen says whether the phase opens what (proposals, feedback, supports) to
// participants on the item whose key is key ("" for a new proposal: the proposals
// section).
func (p *Phase) CommunityOpen(what, key string) bool {
	if !slices.Contains(p.Community, what) {
		return false
	}
	if len(p.Scope) == 0 {
		return true
	}
	if key == "" {
		key = string(Proposals) + "/"
	}
	for _, sc := range p.Scope {
		sc = strings.Trim(sc, "/")
		full := sc
		if strings.HasPrefix(sc, "goals/") || strings.HasPrefix(sc, "objectives/") || strings.HasPrefix(sc, "results/") || strings.HasPrefix(sc, "actions/") ||
			sc == "goals" || sc == "objectives" || sc == "results" || sc == "actions" {
			full = "plan/" + sc
		}
		if key == full || strings.HasPrefix(key, full+"/") {
			return true
		}
	}
	return false
}

// resolveParticipants applies the participants' rules: handles, kinds, a handle that is
// a body's id, and registration under the policy.
func (s *Site) resolveParticipants(errs *diag.List) {
	if s.Registration == "" {
		s.Registration = RegistrationClosed
	}
	for _, p := range s.Participants {
		if p.Kind == "" {
			p.Kind = ParticipantKinds[0]
		}
		if b := s.ByBody[p.ID]; b != nil {
			errs.Add(p.at("name"), "the handle %q is the id of a body (%s): a participant's handle must not be a body id, so that a contribution's file name says who speaks; rename this file", p.ID, b.File)
		}
		if p.Forge != "" && !forgeAccount(p.Forge) {
			errs.Add(p.at("forge"), "forge %q is not a forge account name (want the user name as the forge shows it, such as marco-bianchi: letters, digits, '-', '_' and '.', without '@' or an address)", p.Forge)
		}
		if strings.Contains(p.Name, "@") {
			errs.Add(p.at("name"), "name %q contains '@': the name is published on the portal, and no e-mail address may be; write the name only", p.Name)
		}
		switch s.Registration {
		case RegistrationOpen:
			p.Registered = true
		case RegistrationApproved:
			if p.Approved.IsZero() {
				p.NotRegistered = "not yet approved: under participation.registration: approved, a maintainer of the plan owner sets approved: in the participant's file"
			} else {
				p.Registered = true
			}
		default:
			p.NotRegistered = "registration is closed on this portal (participation.registration in pspm.yaml)"
			errs.Warn(diag.Pos{File: p.File, Line: 1, Col: 1}, "participation.registration is closed in pspm.yaml: this participant takes no part (set it to open or approved to register participants)")
		}
	}
	for _, ph := range s.Plan.Phases {
		for i, sc := range ph.Scope {
			if !s.scopeKnown(sc) {
				at := ph.At["scope"]
				if at.File == "" {
					at = ph.Pos
				}
				errs.Add(at, "scope[%d] %q names no item or section: want a section (proposals, practices, plan/actions) or an item key such as objectives/ob-1 or proposals/x", i, sc)
			}
		}
		if ph.Threshold > 0 && !slices.Contains(ph.Community, "supports") {
			errs.Warn(ph.At["threshold"], "threshold %d, but the phase does not open supports to the community (community: [supports]): no proposal can reach it", ph.Threshold)
		}
	}
}

// scopeKnown says whether a scope entry names a section or an item of s.
func (s *Site) scopeKnown(sc string) bool {
	sc = strings.Trim(sc, "/")
	switch sc {
	case "proposals", "practices", "plan", "goals", "objectives", "results", "actions",
		"plan/goals", "plan/objectives", "plan/results", "plan/actions":
		return true
	}
	if s.Items[sc] != nil || s.Items["plan/"+sc] != nil {
		return true
	}
	return false
}

// resolveSupports links every support to its item and participant, and records what
// makes it unfit to count whoever cast it.
func (s *Site) resolveSupports() {
	sort.SliceStable(s.Supports, func(i, j int) bool {
		if s.Supports[i].ItemKey != s.Supports[j].ItemKey {
			return s.Supports[i].ItemKey < s.Supports[j].ItemKey
		}
		return s.Supports[i].File < s.Supports[j].File
	})
	canonical := map[string]bool{}
	for _, sp := range s.Supports {
		if path.Base(sp.File) == sp.Participant+".yaml" && len(sp.Problems) == 0 {
			canonical[sp.ItemKey+"/"+sp.Participant] = true
		}
	}
	for _, sp := range s.Supports {
		at := diag.Pos{File: sp.File, Line: 1, Col: 1}
		reason := ""
		if len(sp.Problems) > 0 {
			reason = ReasonMalformed
			if v := CanonicalVoter(path.Base(sp.File)); path.Base(sp.File) != v+".yaml" && canonical[sp.ItemKey+"/"+v] {
				sp.Problems.Add(at, "%s.yaml holds the support of %q on this item: remove this file", v, v)
				reason = ReasonDuplicate
			}
		}
		sp.On = s.Items[sp.ItemKey]
		if sp.On != nil && !Supportable(sp.On.Section) {
			sp.On = nil
		}
		if sp.On == nil {
			sp.Problems.Add(at, "%s (supports are taken by proposals, practices, goals, objectives and actions)", unknownItem(sp.ItemKey).English)
			if reason == "" {
				reason = ReasonUnknownItem
			}
		}
		if p := s.ByParticipant[sp.Participant]; p != nil {
			sp.By = p
		} else if reason == "" {
			sp.Problems.Add(at, "unknown participant %q: a support file is named after a participant's handle, declared in content/participants/%s.md", sp.Participant, sp.Participant)
			reason = ReasonUnknownVoter
		}
		if reason != "" {
			sp.Reason, sp.Detail = reason, sp.Problems[0].Msg
			if reason == ReasonDuplicate {
				sp.Detail = sp.Problems[len(sp.Problems)-1].Msg
			}
		}
	}
}

// deriveParticipants fills the participants' lists, the items' supports and backing,
// and the thresholds reached by community proposals.
func (s *Site) deriveParticipants() {
	for _, p := range s.Participants {
		p.Supports, p.Comments, p.Proposals = nil, nil, nil
	}
	for _, sp := range s.Supports {
		if sp.On != nil {
			sp.On.Supports = append(sp.On.Supports, sp)
			if sp.Counted {
				sp.On.Backing++
			}
		}
		if sp.By != nil {
			sp.By.Supports = append(sp.By.Supports, sp)
		}
	}
	for _, f := range s.Feedback {
		if f.VoterParticipant != nil {
			f.VoterParticipant.Comments = append(f.VoterParticipant.Comments, f)
		}
	}
	s.AwaitingAnswer = nil
	for _, p := range s.Proposals {
		if p.ParticipantItem != nil {
			p.ParticipantItem.Proposals = append(p.ParticipantItem.Proposals, p)
		}
		p.Threshold = ThresholdOf(s.Plan.Phases, p)
		if p.Threshold != nil && !p.Threshold.Answered {
			s.AwaitingAnswer = append(s.AwaitingAnswer, p)
		}
	}
	sort.SliceStable(s.AwaitingAnswer, func(i, j int) bool {
		return s.AwaitingAnswer[i].Threshold.On.Before(s.AwaitingAnswer[j].Threshold.On)
	})
}

// ThresholdOf is the first threshold (in landing order) that the community proposal p
// reached with the counted supports that landed within a phase that sets one, or nil.
// A support counts towards a phase's threshold only when it landed inside that phase:
// supports landed after it do not make it reach it.
func ThresholdOf(phases []Phase, p *Proposal) *ThresholdReached {
	if p.Participant == "" || p.ParticipantItem == nil || !p.ParticipantItem.Registered {
		return nil
	}
	var best *ThresholdReached
	for i := range phases {
		ph := &phases[i]
		if ph.Threshold <= 0 {
			continue
		}
		var times []time.Time
		for _, sp := range p.Supports {
			if !sp.Counted {
				continue
			}
			at := landedAt(sp)
			if at.IsZero() || at.Before(ph.From) || !at.Before(phaseEnd(ph.To)) {
				continue
			}
			times = append(times, at)
		}
		if len(times) < ph.Threshold {
			continue
		}
		sort.Slice(times, func(a, b int) bool { return times[a].Before(times[b]) })
		t := &ThresholdReached{Phase: ph, Threshold: ph.Threshold, Supports: len(times), On: times[ph.Threshold-1]}
		if best == nil || t.On.Before(best.On) {
			best = t
		}
	}
	if best != nil {
		best.Answered = p.Answer.Text != "" || (p.Status != ProposalOpen && p.Status != "")
	}
	return best
}

func landedAt(sp *Support) time.Time {
	if sp.Origin != nil {
		return sp.Origin.Landed
	}
	return time.Time{}
}

// phaseEnd is the first instant after a phase's last day (see trust.Open).
func phaseEnd(t time.Time) time.Time {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.AddDate(0, 0, 1)
	}
	return t
}

// CheckThresholds warns, for the plan owner, about each community proposal that
// reached its phase's threshold and waits for an official answer.
func (s *Site) CheckThresholds() diag.List {
	var errs diag.List
	for _, p := range s.AwaitingAnswer {
		t := p.Threshold
		errs.Warn(p.at("title"), "%s", fmt.Sprintf("threshold reached on %s: %d supports within phase %q (threshold %d); the proposal waits for an official answer (answer: {date, text} by the plan owner)",
			t.On.UTC().Format(time.DateOnly), t.Supports, t.Phase.Name, t.Threshold))
	}
	return errs
}
