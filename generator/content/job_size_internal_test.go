package content

import (
	"testing"
	"unsafe"
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
