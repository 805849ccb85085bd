package site

import (
	"reflect"
	"testing"
	"time"
	"unsafe"
)

// A site holds every reaction from its load to its last page: a million of them at
// national scale. What few reactions carry is in Extra, so that a reaction stays in the
// allocator's 128-byte class.
func TestReactionIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(Reaction{}); n > 128 {
		t.Errorf("a Reaction is %d bytes, more than 128: put what few reactions carry in ReactionExtra, and the small fields together", n)
	}
}

func TestReactionExtraOnlyWhenTheFileSaysMore(t *testing.T) {
	var r Reaction
	r.SetFile(ReactionFile{Vote: VoteSupport, Priority: 3})
	if r.Extra != nil || r.Vote != VoteSupport || r.Priority != 3 {
		t.Fatalf("a vote and a priority: %+v, Extra %+v", r, r.Extra)
	}
	if r.Comment() != "" || r.Sig() != nil || r.Hidden() != nil || len(r.Problems()) != 0 || !r.Date().IsZero() {
		t.Errorf("a reaction without Extra reads what it does not have")
	}
	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	r.SetFile(ReactionFile{Vote: VoteOppose, Comment: "No.", ForItem: "proposals/p1", ForVoter: "m_ef", Date: day})
	if r.Extra == nil || r.Comment() != "No." || r.ForItem() != "proposals/p1" || r.ForVoter() != "m_ef" || !r.Date().Equal(day) {
		t.Errorf("what the file says beyond its vote: %+v", r.Extra)
	}
	var other Reaction
	other.Own().Comment = "mine"
	if !reflect.DeepEqual(noExtra, ReactionExtra{}) || r.Comment() != "No." {
		t.Errorf("Own wrote into another reaction's Extra or the shared empty one")
	}
}
