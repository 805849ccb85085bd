package content

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/site"
)

// FuzzModeration feeds arbitrary moderation files to the loader and to
// Site.ResolveModeration and Site.Moderate, on a site with a proposal, a comment and a
// vote. It must not panic; every diagnostic points into the file; a moderation that
// resolves without error names a path under content/ that is not a moderation, and
// applied it hides only what is at that path or in that folder, clearing its words.
// Seeds are in testdata/fuzz/FuzzModeration.
func FuzzModeration(f *testing.F) {
	f.Add([]byte("---\ntarget: proposals/p1/feedback/c_h223-x.md\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n"))
	f.Add([]byte("---\ntarget: proposals/p1\nscope: thread\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n"))
	f.Add([]byte("---\ntarget: ../../etc/passwd\nrule: R1\ndate: 2025-03-01\n---\nx\n"))
	f.Add([]byte("---\ntarget: content/moderation/a.md\nrule: R1\ndate: 2025-03-01\n---\nx\n"))
	f.Add([]byte("---\ntarget: proposals/./p1/\nrule: \"\"\ndate: 2025-03-01\n---\n"))
	cfg := config.Default()
	j := job{role: roleModeration, file: "content/moderation/m.md", id: "m"}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := parse(cfg, j, data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range r.errs {
			if e.Pos.File != j.file || e.Pos.Line > lines+1 {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		m := r.mod()
		if m == nil {
			if r.errs.HasErrors() {
				return
			}
			t.Fatalf("no moderation and no error")
		}
		p := &site.Proposal{Item: site.Item{ID: "p1", Section: site.Proposals, File: "content/proposals/p1/index.md", Dir: "content/proposals/p1"}, Title: "SEGRETO", Body: "c_h223", Date: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)}
		p.SetText("SEGRETO")
		fb := &site.Feedback{Title: "SEGRETO", Text: "SEGRETO", Voter: "c_h223", Slug: "x", ItemKey: "proposals/p1", File: "content/proposals/p1/feedback/c_h223-x.md"}
		rc := &site.Reaction{Extra: &site.ReactionExtra{Comment: "SEGRETO"}, File: "content/plan/actions/a1/reactions/c_h223.yaml", Verdict: &site.Verdict{}}
		rc.SetVote("support")
		rc.SetNames("c_h223", "plan/actions/a1")
		s := &site.Site{Proposals: []*site.Proposal{p}, Feedback: []*site.Feedback{fb}, Reactions: []*site.Reaction{rc}, Moderations: []*site.Moderation{m}}
		s.Index()
		errs := s.ResolveModeration()
		for _, e := range errs {
			if e.Pos.File != j.file || e.Pos.Line < 1 || e.Pos.Line > lines+1 {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		if errs.HasErrors() || r.errs.HasErrors() {
			return
		}
		if !strings.HasPrefix(m.Path, "content/") || strings.HasPrefix(m.Path, "content/moderation") || strings.Contains(m.Path, "..") {
			t.Fatalf("target %q resolved to %q", m.Target, m.Path)
		}
		m.Counted = true
		s.Moderate()
		under := func(file string) bool { return file == m.Path || strings.HasPrefix(file, m.Path+"/") }
		if (fb.Hidden != nil) != under(fb.File) && m.Scope != site.ModerateThread {
			t.Errorf("comment hidden %v for path %q", fb.Hidden != nil, m.Path)
		}
		if (rc.Hidden() != nil) != under(rc.File) {
			t.Errorf("vote hidden %v for path %q", rc.Hidden() != nil, m.Path)
		}
		if fb.Hidden != nil && (fb.Text != "" || fb.Title != "" || fb.Counted) {
			t.Errorf("a hidden comment keeps its words or counts")
		}
		if rc.Hidden() != nil && (rc.Comment() != "" || rc.Counted || rc.Reason != site.ReasonModerated) {
			t.Errorf("a hidden vote keeps its comment or counts")
		}
		if p.Hidden != nil && (p.Text() != "" || p.Title != "" || len(s.Proposals) != 0 || len(s.HiddenProposals) != 1) {
			t.Errorf("a hidden proposal keeps its words or stays in the lists")
		}
	})
}
