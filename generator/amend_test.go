package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/site"
)

// amendmentA1 is an amendment of c_h223 to the action a1 of sitetest.Minimal, with a
// vote of m_ef on it.
const amendmentA1 = `
-- content/plan/actions/a1/amendments/c_h223-tempi.md --
---
title: Azione uno, in tempi certi
reason: I tempi attuali non bastano ai comuni.
date: 2025-02-20
fields:
  - name: due
    value: 2026-06-30
---
Testo proposto dell'azione.
-- content/plan/actions/a1/amendments/c_h223-tempi/reactions/m_ef.yaml --
vote: support
`

func TestAmendmentIsLoadedBesideASingleFileItemWithItsVotes(t *testing.T) {
	b := sitetest.Run(t, amendmentA1).OK()
	s := b.Result.Site
	if len(s.Amendments) != 1 {
		t.Fatalf("%d amendments, want 1", len(s.Amendments))
	}
	a := s.Amendments[0]
	if a.Voter != "c_h223" || a.Slug != "tempi" || a.ItemKey != "plan/actions/a1" || a.Key() != "plan/actions/a1/amendments/c_h223-tempi" {
		t.Errorf("amendment named %q %q on %q", a.Voter, a.Slug, a.ItemKey)
	}
	if a.On == nil || a.On.ID != "a1" || a.VoterBody == nil || a.VoterBody.ID != "c_h223" {
		t.Fatalf("not linked: on %v, body %v", a.On, a.VoterBody)
	}
	if a.Title != "Azione uno, in tempi certi" || strings.TrimSpace(a.Text) != "Testo proposto dell'azione." || len(a.Fields) != 1 || a.Fields[0].Value != "2026-06-30" {
		t.Errorf("proposal read as %q %q %+v", a.Title, a.Text, a.Fields)
	}
	if a.Status != site.AmendmentOpen || !a.Counted {
		t.Errorf("status %q, counted %v (%s: %s)", a.Status, a.Counted, a.Verdict.Reason, a.Detail)
	}
	if len(a.On.Amendments) != 1 || a.On.Amendments[0] != a {
		t.Errorf("the item lists %d amendments", len(a.On.Amendments))
	}
	if len(a.Reactions) != 1 || a.Reactions[0].Voter() != "m_ef" || a.Reactions[0].ItemKey() != a.Key() || a.Reactions[0].Amendment() != a {
		t.Fatalf("votes on the amendment: %+v", a.Reactions)
	}
	if a.Tally.Support != 1 {
		t.Errorf("tally %+v, want one support", a.Tally)
	}
	if len(a.On.Reactions) != 0 || a.On.Tally.Votes() != 0 {
		t.Errorf("the vote on the amendment is counted on the item: %d reactions, %+v", len(a.On.Reactions), a.On.Tally)
	}
	b.File("api/v1/amendments.json", `"id":"c_h223-tempi","key":"plan/actions/a1/amendments/c_h223-tempi","item":"plan/actions/a1"`,
		`"body":"c_h223"`, `"state":"open","status":"open","reason":"I tempi attuali non bastano ai comuni.","title":"Azione uno, in tempi certi"`,
		`"fields":[{"name":"due","value":"2026-06-30"}],"answer":null,"answer_counted":false,"votes":{"support":1,"oppose":0,"abstain":0},"counted":true,"reason_code":""`)
	b.File("api/v1/amendments.csv", "\uFEFFid;item;item_code;body;date;state;status;reason;title;fields;answer_date;answer_text;answer_body;answer_counted;support;oppose;abstain;counted;reason_code;commit;url;hidden;moderation;moderation_rule;moderation_date;moderation_reason\n",
		"c_h223-tempi;plan/actions/a1;;c_h223;2025-02-20;open;open;I tempi attuali non bastano ai comuni.;Azione uno, in tempi certi;due=2026-06-30;;;;;1;0;0;true;;;")
	b.File("api/v1/votes.json", `"item":"plan/actions/a1/amendments/c_h223-tempi","voter":"m_ef","vote":"support"`)
	found := false
	for _, r := range s.Reactions {
		found = found || r.ItemKey() == a.Key()
	}
	if !found {
		t.Errorf("the vote on the amendment is not in Site.Reactions")
	}
}

func TestAmendmentBesideABundleItem(t *testing.T) {
	b := sitetest.Run(t, `
-- content/plan/actions/a1.md --
DELETE
-- content/plan/actions/a1/index.md --
---
title: Azione uno
objective: o1
---
Testo.
`+amendmentA1).OK()
	if a := b.Result.Site.Amendments[0]; a.On == nil || !a.Counted {
		t.Fatalf("amendment of a bundle: on %v, %s", a.On, a.Detail)
	}
}

// amendmentProblem checks the site with an amendment file at path, and wants its
// amendment not counted with a detail containing want, and `pspm check` to fail on it.
func amendmentProblem(t *testing.T, path, file, want string) {
	t.Helper()
	b := sitetest.Run(t, "-- "+path+" --\n"+file).OK()
	var a *site.Amendment
	for _, x := range b.Result.Site.Amendments {
		if x.File == path {
			a = x
		}
	}
	if a == nil {
		t.Fatalf("%s was dropped: an amendment is always kept", path)
	}
	if a.Counted || !strings.Contains(a.Detail, want) {
		t.Errorf("%s: counted %v, reason %q, detail %q; want not counted saying %q", path, a.Counted, a.Reason, a.Detail, want)
	}
	c := sitetest.Check(t, "-- "+path+" --\n"+file)
	if c.Err == nil || !strings.Contains(c.Result.Diagnostics.Errors().Format(), want) {
		t.Errorf("pspm check does not refuse it saying %q:\n%s", want, c.Result.Diagnostics.Format())
	}
}

func TestAmendmentProblemsAreShownNotDropped(t *testing.T) {
	const ok = "---\nreason: Perché.\ndate: 2025-02-20\ntitle: Nuovo titolo\n---\n"
	amendmentProblem(t, "content/plan/actions/a1/amendments/C_H223-Tempi.md", ok, "an amendment file is named <body id>-<slug>.md")
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h999-tempi.md", ok, `unknown body "c_h999"`)
	amendmentProblem(t, "content/plan/actions/a1/amendments/m_ef-tempi.md", ok, "m_ef owns plan/actions/a1: its owners change the item directly")
	amendmentProblem(t, "content/proposals/p1/amendments/c_h223-tempi.md", ok, "amendments are for plan items")
	amendmentProblem(t, "content/plan/actions/zz/amendments/c_h223-tempi.md", ok, `unknown item "plan/actions/zz"`)
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\n---\n", "proposes nothing")
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n  - {name: dua, value: 2026-01-01}\n---\n", `"dua" cannot be amended; did you mean "due"?`)
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n  - {name: owner, value: c_h223}\n---\n", `"owner" cannot be amended`)
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n  - {name: due, value: presto}\n---\n", `due "presto" is not a date`)
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n  - {name: progress, value: 140}\n---\n", `progress "140" is not a percentage`)
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n  - {name: status, value: finished}\n---\n", `status "finished" is not a status`)
	amendmentProblem(t, "content/plan/goals/g1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n  - {name: order, value: 2}\n---\n", "goals are amended by their title and text only")
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\ntitle: T\nstate: rejected\n---\n", "state: rejected is not written in the amendment, which is the proposing body's file (it says open or withdrawn): the item's owner answers in content/plan/actions/a1/amendments/c_h223-tempi/answer.md")
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\nreason: Perché.\ndate: 2025-02-20\ntitle: T\nanswer: {date: 2025-02-21, text: No.}\n---\n", "answer: is not written in the amendment")
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", "---\ndate: 2025-02-20\ntitle: T\n---\n", "reason")
	many := "---\nreason: Perché.\ndate: 2025-02-20\nfields:\n" + strings.Repeat("  - {name: due, value: 2026-01-01}\n", 101) + "---\n"
	amendmentProblem(t, "content/plan/actions/a1/amendments/c_h223-tempi.md", many, "fields has 101 entries, more than the 100 allowed (limits.lists in pspm.yaml)")
}

func TestMisplacedFileInAmendmentsFolderIsAnError(t *testing.T) {
	b := sitetest.Run(t, amendmentA1+`
-- content/plan/actions/a1/amendments/c_h223-tempi/note.txt --
x
`)
	if b.Err == nil || !strings.Contains(b.Result.Diagnostics.Format(), "misplaced") {
		t.Fatalf("a stray file in amendments/ is not reported:\n%s", b.Result.Diagnostics.Format())
	}
}

func TestPriorityOnAnAmendmentIsNotCounted(t *testing.T) {
	b := sitetest.Run(t, amendmentA1+`
-- content/plan/actions/a1/amendments/c_h223-tempi/reactions/c_h223.yaml --
vote: support
priority: 3
`).OK()
	a := b.Result.Site.Amendments[0]
	for _, r := range a.Reactions {
		if r.Voter() == "c_h223" && (r.Counted || !strings.Contains(r.Detail, "not priorities")) {
			t.Errorf("a priority on an amendment: counted %v, %q", r.Counted, r.Detail)
		}
	}
}

func TestVoteOnAWithdrawnAmendmentIsClosed(t *testing.T) {
	b := sitetest.Run(t, amendmentA1+`
-- content/plan/actions/a1/amendments/c_h223-tempi.md --
---
title: Azione uno, in tempi certi
reason: I tempi attuali non bastano ai comuni.
date: 2025-02-20
state: withdrawn
---
`).OK()
	a := b.Result.Site.Amendments[0]
	if a.Status != site.AmendmentWithdrawn || len(a.Reactions) != 1 || a.Reactions[0].Reason != site.ReasonClosed || a.Tally.Votes() != 0 {
		t.Fatalf("status %q, votes %+v", a.Status, a.Reactions)
	}
}

func TestPhaseOpeningAmendmentsIsAccepted(t *testing.T) {
	sitetest.Run(t, amendmentA1+`
-- content/plan/_index.md --
---
title: Piano di prova
owner: m_ef
phases:
  - name: Emendamenti
    from: 2025-01-01
    to: 2025-06-30
    opens: [amendments, votes]
---
`).OK()
}
