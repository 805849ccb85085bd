package content

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/site"
)

// FuzzAmendment feeds readAmendment arbitrary amendment files. It must not panic; it
// always returns the amendment (nothing a body sent is lost), named by its path; every
// diagnostic points into the file; a file with errors keeps nothing it proposes (no
// title, text, fields, state or answer), and what a file without errors proposes keeps
// within its limits. Seeds are in testdata/fuzz/FuzzAmendment.
func FuzzAmendment(f *testing.F) {
	f.Add([]byte("---\ntitle: Nuovo titolo\nreason: Perché.\ndate: 2026-11-20\nfields:\n  - name: due\n    value: 2027-06-30\nstate: open\n---\nTesto proposto.\n"))
	f.Add([]byte("---\nreason: x\ndate: 2026-11-20\nstate: rejected\nanswer: {date: 2026-12-01, text: No.}\n---\n"))
	f.Add([]byte("---\nfields: due\n---\n"))
	f.Add([]byte("---\nfields:\n  - [a, b]\nstate: maybe\n---\n"))
	cfg := config.Default()
	j := job{role: roleAmendment, file: "content/plan/actions/a1/amendments/c_h223-tempi.md", section: site.Actions, id: "a1", name: "c_h223-tempi"}
	f.Fuzz(func(t *testing.T, data []byte) {
		a := readAmendment(cfg, j, "plan/actions/a1", data, nil)
		if a == nil {
			t.Fatal("no amendment returned")
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range a.Problems {
			if e.Pos.File != j.file || e.Pos.Line < 0 || e.Pos.Line > lines {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		if a.Voter != "c_h223" || a.Slug != "tempi" || a.ItemKey != "plan/actions/a1" || a.File != j.file || a.Key() != "plan/actions/a1/amendments/c_h223-tempi" {
			t.Errorf("named %q %q %q %q: not taken from the path", a.Voter, a.Slug, a.ItemKey, a.File)
		}
		if !bytes.Equal(a.Raw, data) {
			t.Errorf("the file's bytes are not kept for its signature")
		}
		if a.Problems.HasErrors() {
			if a.Title != "" || a.Text != "" || len(a.Fields) > 0 || a.State != "" || a.Answer.Text != "" || a.Reason != "" {
				t.Errorf("a file with errors keeps what it proposes: %q %q %+v %q\n%s", a.Title, a.Text, a.Fields, a.State, a.Problems.Format())
			}
			return
		}
		switch a.State { // the proposer's file: the owner answers in answer.md
		case "", site.AmendmentOpen, site.AmendmentWithdrawn:
		default:
			t.Errorf("state %q read without an error", a.State)
		}
		if a.Answer.Text != "" || !a.Answer.Date.IsZero() {
			t.Errorf("an answer read in the proposer's file without an error")
		}
		if utf8.RuneCountInString(a.Reason) > 2000 || strings.TrimSpace(a.Reason) == "" && a.Date.IsZero() {
			t.Errorf("reason %d characters, date %v: the limits and required keys are not enforced", utf8.RuneCountInString(a.Reason), a.Date)
		}
		if len(a.Fields) > cfg.Limits.Lists {
			t.Errorf("%d fields kept, over limits.lists", len(a.Fields))
		}
		for _, fd := range a.Fields {
			if fd.Name == "" || utf8.RuneCountInString(fd.Name) > 64 || utf8.RuneCountInString(fd.Value) > 2000 {
				t.Errorf("field %q = %d characters", fd.Name, utf8.RuneCountInString(fd.Value))
			}
		}
		if a.Counted || a.VoterBody != nil || a.On != nil || a.Origin != nil || a.Status != "" {
			t.Errorf("the file set a field that only later stages may set")
		}
	})
}

// FuzzAmendmentAnswer feeds readAnswer arbitrary answer files. It must not panic; it
// always returns the answer, named by its path; every diagnostic points into the file; a
// file with errors keeps no state, text or binding; a file without errors says accepted
// or rejected, a date and a body within their limits.
func FuzzAmendmentAnswer(f *testing.F) {
	f.Add([]byte("---\nstate: accepted\ndate: 2026-11-20\nbody: m_ef\n---\nAccolto.\n"))
	f.Add([]byte("---\nstate: rejected\ndate: 2026-11-20\nbody: m_ef\nitem: plan/actions/a1/amendments/c_h223-tempi\n---\n"))
	f.Add([]byte("---\nstate: open\nbody: [a, b]\n---\n"))
	f.Add([]byte("---\nstate: accepted\n---\n"))
	cfg := config.Default()
	j := job{role: roleAnswer, file: "content/plan/actions/a1/amendments/c_h223-tempi/answer.md", section: site.Actions, id: "a1", name: "c_h223-tempi"}
	f.Fuzz(func(t *testing.T, data []byte) {
		ans := readAnswer(cfg, j, data, nil)
		if ans == nil {
			t.Fatal("no answer returned")
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range ans.Problems {
			if e.Pos.File != j.file || e.Pos.Line < 0 || e.Pos.Line > lines {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		if ans.File != j.file || !bytes.Equal(ans.Raw, data) {
			t.Errorf("the file's name or bytes are not kept")
		}
		if ans.Problems.HasErrors() {
			if ans.State != "" || ans.Text != "" || ans.ForItem != "" {
				t.Errorf("a file with errors keeps what it says: %q %q %q\n%s", ans.State, ans.Text, ans.ForItem, ans.Problems.Format())
			}
			return
		}
		if ans.State != site.AmendmentAccepted && ans.State != site.AmendmentRejected || ans.Date.IsZero() || ans.Body == "" || utf8.RuneCountInString(ans.Body) > 64 {
			t.Errorf("read without an error: state %q, date %v, body %q", ans.State, ans.Date, ans.Body)
		}
		if ans.Counted || ans.Applied || ans.AnswerBody != nil || ans.Of != nil || ans.Origin != nil {
			t.Errorf("the file set a field that only later stages may set")
		}
	})
}
