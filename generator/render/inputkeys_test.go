package render

import (
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/site"
)

// An item's input encoding is the same every time for the same model, with or without
// the votes' memo (a site of more than memoVotesUpTo reactions encodes each vote where it
// is met), changes with a vote's value, and names the voter's body among the entities
// to link rather than encoding it.
func TestInputEncodingsWithAndWithoutVoteMemo(t *testing.T) {
	body := &site.Body{Item: site.Item{ID: "c_h223"}, Name: "Comune di Reggio Emilia"}
	p := &site.Proposal{Item: site.Item{ID: "p1", Section: site.Proposals}, Title: "Proposta"}
	p.SetText("Testo.")
	rc := &site.Reaction{VoterBody: body, On: &p.Item, Verdict: &site.Verdict{Counted: true}}
	rc.SetVote("support")
	rc.SetNames("c_h223", "")
	p.Reactions = []*site.Reaction{rc}
	encode := func(memo bool) *encodedInput {
		in := newInputs(nil)
		in.votes = memo
		e := in.encoded(inputID{"item", unsafe.Pointer(&p.Item), 0}, &p.Item, false, reflect.ValueOf(p).Elem(), in.voteMemo())
		if !e.ok {
			t.Fatalf("memo %v: no encoding", memo)
		}
		return e
	}
	for _, memo := range []bool{false, true} {
		a, b := encode(memo), encode(memo)
		if a.sum != b.sum {
			t.Errorf("memo %v: two encodings of the same item differ", memo)
		}
		if !slices.Contains(a.refs, any(body)) {
			t.Errorf("memo %v: the voter's body is not among the entities to link: %v", memo, a.refs)
		}
		body.Name = "Comune di Reggio nell'Emilia"
		if encode(memo).sum != a.sum {
			t.Errorf("memo %v: the body's name is in the item's encoding (it is a link, made per language)", memo)
		}
		body.Name = "Comune di Reggio Emilia"
		rc.SetVote("oppose")
		if encode(memo).sum == a.sum {
			t.Errorf("memo %v: a vote changed and the item's encoding did not", memo)
		}
		rc.SetVote("support")
	}
	if encode(false).sum == encode(true).sum {
		t.Error("the encodings with and without the memo are the same bytes: the test does not tell them apart")
	}
}
