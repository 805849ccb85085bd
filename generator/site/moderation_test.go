package site

import (
	"testing"
	"time"
)

// moderatedThreadSite is a proposal with a comment, two replies below it (one nested) and a
// comment beside them, the participant handle anna_r's vote, and a moderation of m.
func moderatedThreadSite(m *Moderation) (*Site, map[string]*Feedback, *Reaction) {
	dir := "content/proposals/p1/feedback/"
	fb := map[string]*Feedback{}
	for _, id := range []string{"c_h223-radice", "r_080-risposta", "m_ef-risposta2", "anna_r-accanto"} {
		voter, slug, _ := cut(id)
		fb[id] = &Feedback{Title: "T " + id, Text: "X " + id, Voter: voter, Slug: slug, ItemKey: "proposals/p1", File: dir + id + ".md"}
	}
	replies := map[*Feedback][]*Feedback{fb["c_h223-radice"]: {fb["r_080-risposta"]}, fb["r_080-risposta"]: {fb["m_ef-risposta2"]}}
	rc := &Reaction{Extra: &ReactionExtra{Comment: "C"}, File: "content/proposals/p1/reactions/anna_r.yaml", Verdict: &Verdict{Counted: true}}
	rc.SetVote(VoteSupport)
	rc.SetNames("anna_r", "proposals/p1")
	rc.CountVote = true
	p := &Proposal{Item: Item{ID: "p1", Section: Proposals, File: "content/proposals/p1/index.md", Dir: "content/proposals/p1"}, Title: "P", Date: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
	s := &Site{Proposals: []*Proposal{p}, Reactions: []*Reaction{rc}, Moderations: []*Moderation{m}}
	for _, id := range []string{"c_h223-radice", "r_080-risposta", "m_ef-risposta2", "anna_r-accanto"} {
		s.Feedback = append(s.Feedback, fb[id])
	}
	for f, rs := range replies {
		f.Replies = rs
	}
	s.Index()
	return s, fb, rc
}

func cut(id string) (string, string, bool) {
	for i := range id {
		if id[i] == '-' {
			return id[:i], id[i+1:], true
		}
	}
	return id, "", false
}

func TestModerationOfAThreadHidesEveryReplyBelowItOnly(t *testing.T) {
	m := &Moderation{ID: "m1", File: "content/moderation/m1.md", Target: "proposals/p1/feedback/c_h223-radice.md", Scope: ModerateThread, Rule: "R1", Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Text: "Motivo."}
	s, fb, _ := moderatedThreadSite(m)
	if errs := s.ResolveModeration(); len(errs) > 0 {
		t.Fatal(errs.Format())
	}
	m.Counted = true
	s.Moderate()
	for id, hidden := range map[string]bool{"c_h223-radice": true, "r_080-risposta": true, "m_ef-risposta2": true, "anna_r-accanto": false} {
		f := fb[id]
		if (f.Hidden != nil) != hidden {
			t.Errorf("%s hidden = %v, want %v", id, f.Hidden != nil, hidden)
		}
		if hidden && (f.Text != "" || f.Title != "" || f.Reason != ReasonModerated) {
			t.Errorf("%s keeps its words or is not marked moderated", id)
		}
	}
	if m.Hidden != 3 {
		t.Errorf("the moderation counts %d hidden contributions, want 3", m.Hidden)
	}
}

func TestModerationOfAParticipantHidesEverythingTheyWrote(t *testing.T) {
	m := &Moderation{ID: "m1", File: "content/moderation/m1.md", Target: "participants/anna_r.md", Scope: ModerateParticipant, Rule: "R1", Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Text: "Motivo."}
	s, fb, rc := moderatedThreadSite(m)
	if errs := s.ResolveModeration(); len(errs) > 0 {
		t.Fatal(errs.Format())
	}
	m.Counted = true
	s.Moderate()
	if fb["anna_r-accanto"].Hidden == nil || rc.Hidden() == nil || rc.CountVote || rc.Comment() != "" {
		t.Errorf("the participant's comment and vote are not hidden: %v %v", fb["anna_r-accanto"].Hidden, rc.Hidden())
	}
	if fb["c_h223-radice"].Hidden != nil {
		t.Errorf("a body's comment is hidden by a participant's moderation")
	}
	if s.HiddenBy("content/participants/anna_r.md") != m || s.HiddenBy("content/participants/anna_rx.md") != nil {
		t.Errorf("HiddenBy does not tell the participant's file")
	}
}

func TestModerationNotAppliedHidesNothing(t *testing.T) {
	m := &Moderation{ID: "m1", File: "content/moderation/m1.md", Target: "proposals/p1", Rule: "R1", Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Text: "Motivo."}
	s, fb, rc := moderatedThreadSite(m)
	if errs := s.ResolveModeration(); len(errs) > 0 {
		t.Fatal(errs.Format())
	}
	s.Moderate() // m.Counted is false: a member of the owner did not make it
	if len(s.Proposals) != 1 || fb["c_h223-radice"].Hidden != nil || rc.Hidden() != nil || !rc.Counted {
		t.Errorf("a moderation that does not apply hid something")
	}
}
