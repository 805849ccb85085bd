package site

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// A site holds every reaction from its load to its last page: a million of them at
// national scale. What few reactions carry is in Extra, its voter and item key are where
// they are in its file's path, its vote a byte: a reaction stays in the allocator's
// 80-byte class.
func TestReactionIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(Reaction{}); n > 80 {
		t.Errorf("a Reaction is %d bytes, more than 80: put what few reactions carry in ReactionExtra, and the small fields together", n)
	}
}

// The voter and the item key are parts of the file's path where it holds them, and
// apart (in Extra) where it does not: a misplaced file, a federated item's key, a path
// past 255 bytes. A vote that is not one of the three words is kept as it is.
func TestReactionNamesAndVote(t *testing.T) {
	long := "content/proposals/" + strings.Repeat("x", 250) + "/reactions/m_ef.yaml"
	for _, c := range []struct {
		file, voter, key string
		apart            bool
	}{
		{"content/proposals/p1/reactions/c_h223.yaml", "c_h223", "proposals/p1", false},
		{"content/proposals/p1/reactions/old/C-H223.yml", "C-H223.yml", "proposals/p1", false},
		{"content/proposals/p1/reactions/x.yaml", "c_h223", "proposals/p1", true},
		{"content/proposals/p1/reactions/c_h223.yaml", "c_h223", "regione-x:proposals/p1", true},
		{long, "m_ef", "proposals/" + strings.Repeat("x", 250), true},
		{"", "", "", false},
	} {
		r := &Reaction{File: c.file}
		r.SetNames(c.voter, c.key)
		if r.Voter() != c.voter || r.ItemKey() != c.key || (r.Extra != nil) != c.apart {
			t.Errorf("%s: voter %q, key %q, Extra %+v; want %q, %q, apart %v", c.file, r.Voter(), r.ItemKey(), r.Extra, c.voter, c.key, c.apart)
		}
		r.SetNames("b_1", "practices/q")
		if r.Voter() != "b_1" || r.ItemKey() != "practices/q" {
			t.Errorf("%s: named again: %q, %q", c.file, r.Voter(), r.ItemKey())
		}
	}
	var r Reaction
	for _, v := range []string{VoteSupport, VoteOppose, VoteAbstain, "", "forse", VoteSupport} {
		r.SetVote(v)
		if r.Vote() != v {
			t.Errorf("vote %q read as %q", v, r.Vote())
		}
	}
}

func TestReactionExtraOnlyWhenTheFileSaysMore(t *testing.T) {
	var r Reaction
	r.SetFile(ReactionFile{Vote: VoteSupport, Priority: 3})
	if r.Extra != nil || r.Vote() != VoteSupport || r.Priority != 3 {
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
