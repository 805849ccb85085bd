package content

import (
	"testing"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
)

// A site of 100,000 proposals lists a million files before it reads them, and holds the
// list until it is assembled: a job keeps what few files have (what is wrong with their
// names) apart, and stays at 88 bytes.
func TestJobIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(job{}); n > 88 {
		t.Errorf("a job is %d bytes, more than 88: put what few files have in jobIssue, and the small fields together", n)
	}
	var a job
	a.setProblem("misnamed")
	b := a
	b.setRefuse("a symbolic link")
	if a.refuse() != "" || b.problem() != "misnamed" || b.refuse() != "a symbolic link" {
		t.Errorf("a job's issue changed through a copy: %+v, %+v", a.issue, b.issue)
	}
}

// The results of a million files are held from their reading to the site's assembly: a
// slot holds what the file is, and the whole result only when it says more (links to
// check, errors, a half-read file).
func TestResultSlotHoldsTheWholeResult(t *testing.T) {
	if n := unsafe.Sizeof(resultSlot{}); n > 24 {
		t.Errorf("a result slot is %d bytes, more than 24", n)
	}
	plain := result{v: &site.Reaction{File: "content/proposals/p/reactions/m_ef.yaml"}}
	if s := slotOf(plain); s.rest != nil || s.result().reaction() != plain.reaction() {
		t.Errorf("a result that is only its value: slot %+v", s)
	}
	var errs diag.List
	errs.Add(diag.Pos{File: "content/proposals/p/index.md", Line: 3, Col: 1}, "unknown status")
	half := &result{v: &site.Proposal{}}
	for _, r := range []result{
		{v: &site.Proposal{}, refs: []markdown.Ref{{Path: "a.pdf"}}},
		{errs: errs, halfRead: half},
	} {
		got := slotOf(r).result()
		if got.v != r.v || len(got.refs) != len(r.refs) || len(got.errs) != len(r.errs) || got.halfRead != r.halfRead {
			t.Errorf("a result with more than its value: %+v became %+v", r, got)
		}
	}
}
