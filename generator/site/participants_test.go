package site_test

import (
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

func TestCommunityScopeNamesItemsAndSections(t *testing.T) {
	ph := site.Phase{Community: []string{"supports", "proposals"}, Scope: []string{"objectives/ob-1", "plan/actions", "proposals/x"}}
	for _, tc := range []struct {
		what, key string
		want      bool
	}{
		{"supports", "plan/objectives/ob-1", true},
		{"supports", "plan/objectives/ob-12", false},
		{"supports", "plan/actions/a1", true},
		{"supports", "proposals/x", true},
		{"supports", "proposals/y", false},
		{"feedback", "proposals/x", false}, // not opened to the community
		{"proposals", "", false},           // a new proposal: the scope names no proposals section
	} {
		if got := ph.CommunityOpen(tc.what, tc.key); got != tc.want {
			t.Errorf("CommunityOpen(%q, %q) = %v, want %v", tc.what, tc.key, got, tc.want)
		}
	}
	all := site.Phase{Community: []string{"proposals"}}
	if !all.CommunityOpen("proposals", "") {
		t.Error("a phase without scope does not open new proposals")
	}
	sec := site.Phase{Community: []string{"proposals"}, Scope: []string{"proposals"}}
	if !sec.CommunityOpen("proposals", "") {
		t.Error("a phase scoped to proposals does not open new proposals")
	}
}

func TestThresholdCountsOnlySupportsLandedWithinThePhase(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	phases := []site.Phase{
		{Name: "A", From: day("2025-01-01"), To: day("2025-01-31"), Threshold: 2},
		{Name: "B", From: day("2025-03-01"), To: day("2025-03-31"), Threshold: 3},
	}
	landed := func(on string, counted bool) *site.Support {
		return &site.Support{Verdict: site.Verdict{Counted: counted}, Origin: &site.Origin{Landed: day(on).Add(10 * time.Hour)}}
	}
	p := &site.Proposal{Participant: "giulia", ParticipantItem: &site.Participant{Registered: true}}
	p.Supports = []*site.Support{landed("2025-01-10", true), landed("2025-02-10", true), landed("2025-01-31", false), landed("2025-03-02", true), landed("2025-03-03", true)}
	if th := site.ThresholdOf(phases, p); th != nil {
		t.Fatalf("reached %+v: one counted support in A, two in B, none enough", th)
	}
	p.Supports = append(p.Supports, landed("2025-03-20", true))
	th := site.ThresholdOf(phases, p)
	if th == nil || th.Phase.Name != "B" || th.Supports != 3 || !th.On.Equal(day("2025-03-20").Add(10*time.Hour)) {
		t.Fatalf("got %+v; want B reached on 2025-03-20 with 3 supports", th)
	}
	p.Answer = site.Answer{Date: day("2025-04-01"), Text: "Risposta."}
	if th := site.ThresholdOf(phases, p); th == nil || !th.Answered {
		t.Errorf("an answered proposal still waits: %+v", th)
	}
	p.ParticipantItem.Registered = false
	if th := site.ThresholdOf(phases, p); th != nil {
		t.Errorf("an unregistered participant's proposal reached %+v", th)
	}
	p.ParticipantItem.Registered, p.Participant = true, ""
	if th := site.ThresholdOf(phases, p); th != nil {
		t.Errorf("a body's proposal reached %+v", th)
	}
}
