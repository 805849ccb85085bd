package content

import (
	"testing"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/site"
)

// TestResultIsSmall: a site of 100,000 proposals holds a million results until it is
// assembled; each holds what its file is in one field.
func TestResultIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(result{}); n > 72 {
		t.Errorf("a result is %d bytes, want at most 72", n)
	}
}

// TestAStoredResultOfTwoKindsIsCorrupt: no file is two things at once, so a store that
// says one was is damaged, and the file is read again.
func TestAStoredResultOfTwoKindsIsCorrupt(t *testing.T) {
	both := &storedResult{Proposal: &site.Proposal{}, Reaction: &site.Reaction{}}
	if _, ok := fromStored(both); ok {
		t.Error("a stored proposal that is also a reaction is read")
	}
	plan := &storedResult{Goal: &site.Goal{}, Body: &site.Body{}}
	if _, ok := fromStored(plan); ok {
		t.Error("a stored goal that is also a body is read")
	}
	half := &storedResult{HalfRead: both}
	if _, ok := fromStored(half); ok {
		t.Error("a stored half-read file of two kinds is read")
	}
	one, ok := fromStored(&storedResult{Goal: &site.Goal{}})
	if !ok || one.planItem() == nil || one.proposal() != nil {
		t.Errorf("a stored goal reads as %#v (ok %v)", one.v, ok)
	}
}
