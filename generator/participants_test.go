package generator_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
)

// communityPlan is the test plan with a consultation phase (2025-01-01 to 2025-06-30)
// that also opens proposals, feedback and supports to the community, with a threshold
// of two supports, and a later phase (2025-09-01 to 2025-12-31) for bodies only.
const communityPlan = `-- content/plan/_index.md --
---
title: Piano di prova
period: 2025-2027
owner: m_ef
phases:
  - name: Consultazione
    from: 2025-01-01
    to: 2025-06-30
    opens: [proposals, feedback, votes]
    community: [proposals, feedback, supports]
    threshold: 2
  - name: Attuazione
    from: 2025-09-01
    to: 2025-12-31
    opens: [votes]
---
Introduzione al piano.
-- content/bodies/m_ef.md --
---
name: Ministero dell'Economia e delle Finanze
kind: ministry
members:
  - name: Anna Rossi
    email: anna.rossi@mef.gov.it
    forge: AnnaRossi
---
`

// participantsOverlay registers Giulia (forge giulia-r), Eve (forge eve-x) and the
// association Legambiente Reggio (forge legambiente-re) under the registration policy,
// with a community proposal cp1 by Giulia.
func participantsOverlay(policy, registration string) string {
	return fmt.Sprintf(`-- pspm.yaml --
title: Prova
votes:
  policy: %s
participation:
  registration: %s
`, policy, registration) + communityPlan + `-- content/participants/giulia.md --
---
name: Giulia Neri
kind: citizen
municipality: Reggio Emilia
forge: giulia-r
---
Abito a Reggio Emilia.
-- content/participants/eve_x.md --
---
name: Eve
forge: eve-x
---
-- content/participants/legambiente_re.md --
---
name: Legambiente Reggio
kind: association
forge: legambiente-re
---
-- content/proposals/cp1/index.md --
---
title: Piste ciclabili verso le scuole
participant: giulia
date: 2025-01-10
---
Proponiamo piste ciclabili protette.
`
}

// communityRepo is a repository whose main branch holds the participants, committed by
// the maintainer on 2025-01-01.
func communityRepo(t *testing.T, policy, registration string) *gitRepo {
	t.Helper()
	return newGitRepo(t, policy, participantsOverlay(policy, registration))
}

// buildSite builds the repository and returns its model.
func (g *gitRepo) buildSite() *site.Site {
	g.t.Helper()
	_, res, _ := g.build()
	return res.Site
}

func supportOf(t *testing.T, s *site.Site, file string) *site.Support {
	t.Helper()
	for _, sp := range s.Supports {
		if sp.File == file {
			return sp
		}
	}
	t.Fatalf("no support %s in the model (have %d)", file, len(s.Supports))
	return nil
}

// landMR makes a merge request branch, commits the change as person, and merges it
// into main with a merge commit by the maintainer at date: as a forge's button does.
func (g *gitRepo) landMR(date, branch, person, msg string, files map[string]string) {
	g.t.Helper()
	g.run(date, "checkout", "-q", "-b", branch)
	for name, data := range files {
		if data == "" {
			data = "\n"
		}
		g.write(name, data)
	}
	g.commitAs(date, person, msg)
	g.run(date, "checkout", "-q", "main")
	g.runEnv(date, who(anna), "merge", "-q", "--no-ff", "-m", "Merge branch '"+branch+"' (!1)", branch)
}

const (
	giulia        = "Giulia Neri <giulia@example.org>"
	giuliaSupport = "content/proposals/cp1/supports/giulia.yaml"
	legaSupport   = "content/proposals/cp1/supports/legambiente_re.yaml"
	eveSupport    = "content/proposals/cp1/supports/eve_x.yaml"
)

func TestSupportsOfParticipantsNotCountedWhileRegistrationIsClosed(t *testing.T) {
	g := communityRepo(t, "none", "closed")
	g.landMR("2025-02-01T10:00:00Z", "sostegno", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	_, res, _ := g.build()
	sp := supportOf(t, res.Site, giuliaSupport)
	if sp.Counted || sp.Reason != site.ReasonUnregistered {
		t.Errorf("support counted %v, reason %q (%s); want not counted: unregistered", sp.Counted, sp.Reason, sp.Detail)
	}
	if !strings.Contains(res.Diagnostics.Format(), "content/participants/giulia.md:1:1: warning: participation.registration is closed") {
		t.Errorf("no warning about closed registration:\n%s", res.Diagnostics.Format())
	}
}

func TestSupportOfARegisteredParticipantCountsUnderOpenRegistration(t *testing.T) {
	g := communityRepo(t, "none", "open")
	g.landMR("2025-02-01T10:00:00Z", "sostegno", giulia, "Sostegno", map[string]string{giuliaSupport: "comment: Utile per i bambini\n"})
	s := g.buildSite()
	sp := supportOf(t, s, giuliaSupport)
	if !sp.Counted || sp.Verification != site.VerifiedNone || sp.Phase == nil || sp.Phase.Name != "Consultazione" {
		t.Errorf("support counted %v (%s: %s), verification %q; want counted unverified in Consultazione", sp.Counted, sp.Reason, sp.Detail, sp.Verification)
	}
	p := s.Proposal("cp1")
	if p.Backing != 1 || p.Tally.Votes() != 0 {
		t.Errorf("cp1: %d supports and %d votes; want 1 support, kept apart from 0 votes", p.Backing, p.Tally.Votes())
	}
}

func TestSupportUnderPolicyAuthorSaysItsForgeAccountWasCheckedAtMerge(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.landMR("2025-02-01T10:00:00Z", "sostegno", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	// Pushed straight onto main, not through a merge request.
	g.write(legaSupport, "\n")
	g.commitAll("2025-02-02T10:00:00Z", anna, "Sostegno caricato a mano")
	s := g.buildSite()
	sp := supportOf(t, s, giuliaSupport)
	if !sp.Counted || sp.Verification != site.VerifiedForge || !strings.Contains(sp.Detail, "forge account giulia-r, checked at merge") {
		t.Errorf("support counted %v (%s), verification %q, detail %q; want counted, forge account checked at merge", sp.Counted, sp.Reason, sp.Verification, sp.Detail)
	}
	pushed := supportOf(t, s, legaSupport)
	if !pushed.Counted || !strings.Contains(pushed.Detail, "not checked at merge") {
		t.Errorf("pushed support counted %v, detail %q; want counted, saying its forge account was not checked at merge", pushed.Counted, pushed.Detail)
	}
}

func TestSupportLandedOutsideItsPhaseNotCounted(t *testing.T) {
	g := communityRepo(t, "none", "open")
	// The second phase opens votes to bodies, not supports to the community.
	g.landMR("2025-09-15T10:00:00Z", "tardi", giulia, "Sostegno tardivo", map[string]string{giuliaSupport: ""})
	sp := supportOf(t, g.buildSite(), giuliaSupport)
	if sp.Counted || sp.Reason != site.ReasonOutsideWindow {
		t.Errorf("support counted %v, reason %q (%s); want outside-window", sp.Counted, sp.Reason, sp.Detail)
	}
}

func TestSupportOutsideThePhasesScopeNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", strings.Replace(participantsOverlay("none", "open"), "    threshold: 2\n", "    threshold: 2\n    scope: [plan/actions]\n", 1))
	g.landMR("2025-02-01T10:00:00Z", "sostegno", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	sp := supportOf(t, g.buildSite(), giuliaSupport)
	if sp.Counted || sp.Reason != site.ReasonOutsideWindow {
		t.Errorf("support of a proposal, in a phase scoped to actions: counted %v, reason %q; want outside-window", sp.Counted, sp.Reason)
	}
}

func TestCommunityProposalReachingTheThresholdWaitsForAnAnswer(t *testing.T) {
	g := communityRepo(t, "none", "open")
	g.landMR("2025-02-01T10:00:00Z", "s1", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	g.landMR("2025-02-05T10:00:00Z", "s2", giulia, "Sostegno", map[string]string{legaSupport: ""})
	_, res, out := g.build()
	p := res.Site.Proposal("cp1")
	if p.Threshold == nil || p.Threshold.On.Format("2006-01-02") != "2025-02-05" || p.Threshold.Answered {
		t.Fatalf("cp1 threshold %+v; want reached on 2025-02-05, unanswered", p.Threshold)
	}
	if len(res.Site.AwaitingAnswer) != 1 {
		t.Errorf("%d proposals await an answer; want cp1", len(res.Site.AwaitingAnswer))
	}
	if !strings.Contains(res.Diagnostics.Format(), "content/proposals/cp1/index.md:2:8: warning: threshold reached on 2025-02-05") {
		t.Errorf("no warning for the owner:\n%s", res.Diagnostics.Format())
	}
	for _, page := range []string{"proposals/cp1/index.html", "participants/index.html"} {
		if !strings.Contains(string(out.Files()[page]), "soglia raggiunta il") {
			t.Errorf("%s does not say the threshold was reached", page)
		}
	}
	feed := string(out.Files()["proposals/cp1/index.xml"])
	for _, want := range []string{"sostegno della comunità: Giulia Neri", "sostegno della comunità: Legambiente Reggio", "soglia raggiunta il"} {
		if !strings.Contains(feed, want) {
			t.Errorf("the proposal's feed does not say %q", want)
		}
	}
}

func TestSupportsLandedAfterThePhaseDoNotReachItsThreshold(t *testing.T) {
	g := communityRepo(t, "none", "open")
	g.landMR("2025-02-01T10:00:00Z", "s1", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	g.landMR("2025-07-05T10:00:00Z", "s2", giulia, "Sostegno", map[string]string{legaSupport: ""})
	s := g.buildSite()
	if p := s.Proposal("cp1"); p.Threshold != nil {
		t.Errorf("cp1 reached the threshold %+v with a support landed after the phase", p.Threshold)
	}
}

func TestSupportForgedWithAnotherParticipantsIdentityRefusedByTheGate(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.run("", "checkout", "-q", "-b", "falso")
	g.write(giuliaSupport, "\n")
	g.commitAs("2025-02-03T09:00:00Z", eve, "Sostegno a nome di Giulia")
	res, err := g.checkAs("eve-x", during)
	wantViolation(t, res, err, giuliaSupport+":1:1: this merge request added a support of giulia, but the forge account eve-x that opened it may not")
	res, err = g.checkAs("giulia-r", during)
	wantClean(t, res, err)
}

func TestDeletingAnotherParticipantsSupportRefusedByTheGate(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.landMR("2025-02-01T10:00:00Z", "s1", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	g.run("", "checkout", "-q", "-b", "ritiro")
	g.remove(giuliaSupport)
	g.commitAs("2025-02-03T09:00:00Z", eve, "Ritiro il sostegno di Giulia")
	res, err := g.checkAs("eve-x", during)
	wantViolation(t, res, err, "deleted a support of giulia, but the forge account eve-x")
	res, err = g.checkAs("giulia-r", during)
	wantClean(t, res, err)
}

func TestRegistrationApprovedByAParticipantRefusedByTheGate(t *testing.T) {
	g := communityRepo(t, "author", "approved")
	s := g.buildSite()
	if p := s.Participant("giulia"); p.Registered {
		t.Fatalf("giulia registered before approval under registration: approved")
	}
	g.run("", "checkout", "-q", "-b", "approvo")
	g.write("content/participants/giulia.md", strings.Replace(g.read("content/participants/giulia.md"), "forge: giulia-r\n", "forge: giulia-r\napproved: 2025-02-01\n", 1))
	g.commitAs("2025-02-03T09:00:00Z", giulia, "Mi approvo da sola")
	res, err := g.checkAs("giulia-r", during)
	wantViolation(t, res, err, "approved: in the registration of participant giulia")
	res, err = g.checkAs("AnnaRossi", during)
	wantClean(t, res, err)
}

func TestRegistrationByTheParticipantPassesTheGate(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.run("", "checkout", "-q", "-b", "iscrizione")
	g.write("content/participants/mario_b.md", "---\nname: Mario B.\nkind: citizen\nforge: mario-b\n---\n")
	g.commitAs("2025-02-03T09:00:00Z", "Mario <mario@example.org>", "Mi iscrivo")
	res, err := g.checkAs("mario-b", during)
	wantClean(t, res, err)
	res, err = g.checkAs("eve-x", during)
	wantViolation(t, res, err, "the registration of participant mario_b, but the forge account eve-x")
}

func TestSupportSignedWithAnotherParticipantsKeyNotCounted(t *testing.T) {
	eveKey, evePub := sshKey(t, "eve")
	_, giuliaPub := sshKey(t, "giulia")
	annaKey, annaPub := sshKey(t, "anna")
	overlay := participantsOverlay("signed", "open")
	overlay = strings.Replace(overlay, "forge: giulia-r\n", fmt.Sprintf("forge: giulia-r\nkeys: [%q]\n", giuliaPub), 1)
	overlay = strings.Replace(overlay, "forge: eve-x\n", fmt.Sprintf("forge: eve-x\nkeys: [%q]\n", evePub), 1)
	overlay = strings.Replace(overlay, "    forge: AnnaRossi\n", fmt.Sprintf("    forge: AnnaRossi\n    keys: [%q]\n", annaPub), 1)
	g := newGitRepo(t, "signed", overlay)
	g.ownerKey = annaKey
	// Eve signs a support in Giulia's name, with her own key, detached and on the commit.
	g.run("", "checkout", "-q", "-b", "falso")
	g.write(giuliaSupport, "item: proposals/cp1\nparticipant: giulia\n")
	g.signFile(eveKey, giuliaSupport)
	g.signedCommit("2025-02-03T09:00:00Z", eve, eveKey, "Sostegno falso")
	res, err := g.checkAs("", during)
	wantViolation(t, res, err, "signed by no key of participant giulia")
	g.mergeSigned("2025-02-03T10:00:00Z", "falso")
	sp := supportOf(t, g.buildSite(), giuliaSupport)
	if sp.Counted || sp.Reason != site.ReasonNotMember {
		t.Errorf("support signed with Eve's key in Giulia's name: counted %v, reason %q (%s); want not counted", sp.Counted, sp.Reason, sp.Detail)
	}
	// Eve's own support, signed with her key, counts.
	g.run("", "checkout", "-q", "-b", "suo")
	g.write(eveSupport, "item: proposals/cp1\nparticipant: eve_x\n")
	g.signFile(eveKey, eveSupport)
	g.signedCommit("2025-02-04T09:00:00Z", eve, eveKey, "Sostegno di Eve")
	g.mergeSigned("2025-02-04T10:00:00Z", "suo")
	if sp := supportOf(t, g.buildSite(), eveSupport); !sp.Counted || sp.Verification != site.VerifiedSignature {
		t.Errorf("Eve's own signed support: counted %v (%s: %s); want counted by signature", sp.Counted, sp.Reason, sp.Detail)
	}
}

func TestParticipantFileRules(t *testing.T) {
	for _, tc := range []struct{ name, overlay, want string }{
		{"e-mail", "-- content/participants/anna_b.md --\n---\nname: Anna B\nemail: anna@example.org\n---\n",
			"content/participants/anna_b.md:3:1: email: no personal contact data on the portal: remove it"},
		{"phone", "-- content/participants/anna_b.md --\n---\nname: Anna B\nphone: \"0522 456789\"\n---\n",
			"content/participants/anna_b.md:3:1: phone: no personal contact data on the portal"},
		{"handle with a dash", "-- content/participants/anna-b.md --\n---\nname: Anna B\n---\n",
			`content/participants/anna-b.md: invalid handle "anna-b": a handle is 3 to 40 lower-case letters, digits and '_', without '-' (rename to "anna_b")`},
		{"handle too short", "-- content/participants/ab.md --\n---\nname: Anna B\n---\n", `invalid handle "ab"`},
		{"handle of a body", "-- content/participants/c_h223.md --\n---\nname: Finto Comune\n---\n",
			`content/participants/c_h223.md:2:7: the handle "c_h223" is the id of a body`},
		{"kind", "-- content/participants/anna_b.md --\n---\nname: Anna B\nkind: person\n---\n",
			`content/participants/anna_b.md:3:7: `},
		{"no name", "-- content/participants/anna_b.md --\n---\nkind: citizen\n---\n", `missing required key "name"`},
		{"proposal by both", "-- content/participants/anna_b.md --\n---\nname: Anna B\n---\n-- content/proposals/cp9/index.md --\n---\ntitle: X\nbody: c_h223\nparticipant: anna_b\ndate: 2025-01-02\n---\n",
			"content/proposals/cp9/index.md:4:14: a proposal is made by a body (body:) or by a participant"},
		{"phase scope", strings.Replace(communityPlan, "    threshold: 2\n", "    threshold: 2\n    scope: [objectives/nope]\n", 1), `scope[0] "objectives/nope" names no item or section`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sitetest.Check(t, "-- pspm.yaml --\nparticipation:\n  registration: open\n"+tc.overlay).Failed().Diag(tc.want)
		})
	}
}

func TestMisnamedSupportIsKeptAndNotCounted(t *testing.T) {
	b := sitetest.Run(t, "-- pspm.yaml --\nparticipation:\n  registration: open\n"+communityPlan+
		"-- content/participants/giulia.md --\n---\nname: Giulia\n---\n-- content/proposals/p1/supports/Giulia-N.yml --\nx\n").OK()
	var found bool
	for _, sp := range b.Result.Site.Supports {
		if sp.File == "content/proposals/p1/supports/Giulia-N.yml" {
			found = true
			if sp.Counted || sp.Reason != site.ReasonMalformed {
				t.Errorf("misnamed support: counted %v, reason %q", sp.Counted, sp.Reason)
			}
		}
	}
	if !found {
		t.Fatal("the misnamed support was dropped")
	}
}

func TestVotesAndSupportsAreTalliedApartInPagesAndOpenData(t *testing.T) {
	g := communityRepo(t, "none", "open")
	g.landMR("2025-02-01T10:00:00Z", "s1", giulia, "Sostegno", map[string]string{giuliaSupport: "comment: Sì\n"})
	g.landMR("2025-02-02T10:00:00Z", "v1", marco, "Voto", map[string]string{"content/proposals/cp1/reactions/c_h223.yaml": "vote: support\n"})
	votes, _, out := g.build()
	if len(votes) == 0 || votes[giuliaSupport] != nil {
		t.Errorf("votes.json holds the community's support, or nothing: %d records", len(votes))
	}
	var supports []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/supports.json"], &supports); err != nil {
		t.Fatal(err)
	}
	if len(supports) != 1 || supports[0]["participant"] != "giulia" || supports[0]["counted"] != true || supports[0]["phase"] != "Consultazione" {
		t.Errorf("supports.json = %v; want Giulia's counted support in Consultazione", supports)
	}
	var proposals []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/proposals.json"], &proposals); err != nil {
		t.Fatal(err)
	}
	for _, p := range proposals {
		if p["id"] == "cp1" {
			if p["supports"] != 1.0 || p["votes"].(map[string]any)["support"] != 1.0 || p["participant"] != "giulia" {
				t.Errorf("proposals.json cp1: supports %v, votes %v, participant %v; want 1 support and 1 vote apart", p["supports"], p["votes"], p["participant"])
			}
		}
	}
	page := string(out.Files()["proposals/cp1/index.html"])
	if !strings.Contains(page, "Voti degli enti: 1 · Sostegni della comunità: 1") {
		t.Errorf("the proposal's page does not keep votes and supports apart")
	}
	var parts []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/participants.json"], &parts); err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		for k := range p {
			if k == "forge" || k == "keys" || k == "email" {
				t.Errorf("participants.json publishes %q", k)
			}
		}
	}
	if len(parts) != 3 {
		t.Errorf("participants.json has %d participants; want 3", len(parts))
	}
}

func TestCommentOfAParticipantIsJudgedByTheCommunityPhase(t *testing.T) {
	g := communityRepo(t, "none", "open")
	comment := "content/proposals/p1/feedback/giulia-domanda.md"
	g.landMR("2025-02-01T10:00:00Z", "c1", giulia, "Commento", map[string]string{comment: "---\ntitle: Una domanda\ndate: 2025-02-01\n---\nQuando?\n"})
	late := "content/proposals/p1/feedback/giulia-tardi.md"
	g.landMR("2025-09-10T10:00:00Z", "c2", giulia, "Commento", map[string]string{late: "---\ntitle: Tardi\ndate: 2025-09-10\n---\nTardi.\n"})
	s := g.buildSite()
	for _, f := range s.Feedback {
		switch f.File {
		case comment:
			if !f.Counted || f.VoterParticipant == nil {
				t.Errorf("a participant's comment in a phase open to the community: counted %v (%s: %s)", f.Counted, f.Reason, f.Detail)
			}
		case late:
			if f.Counted || f.Reason != site.ReasonOutsideWindow {
				t.Errorf("a participant's comment in a phase closed to the community: counted %v, reason %q", f.Counted, f.Reason)
			}
		}
	}
	if p := s.Participant("giulia"); len(p.Comments) != 2 {
		t.Errorf("giulia's page lists %d comments; want 2", len(p.Comments))
	}
}

func TestParticipantsAndCommunityProposalsAreFoundBySearch(t *testing.T) {
	b := sitetest.Run(t, participantsOverlay("none", "open")).OK()
	docs := search.Documents(b.Result.Site, b.Result.Config.Languages, markdown.New().Plain)
	idx, _, err := search.Build("", docs)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	for _, tc := range []struct{ q, typ, url string }{
		{"Legambiente", "participant", "/participants/legambiente_re/"},
		{"ciclabili", "proposal", "/proposals/cp1/"},
	} {
		res, err := idx.Search(search.Request{Q: tc.q, Lang: "it"})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, h := range res.Hits {
			found = found || h.Type == tc.typ && h.URL == tc.url
		}
		if !found {
			t.Errorf("%q: no %s hit at %s in %+v", tc.q, tc.typ, tc.url, res.Hits)
		}
	}
}

func TestMergeRequestCannotHandABodysProposalToAParticipant(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.run("", "checkout", "-q", "-b", "mia")
	p := "content/proposals/p1/index.md"
	g.write(p, strings.Replace(g.read(p), "body: c_h223\n", "participant: eve_x\n", 1))
	g.commitAs("2025-02-03T09:00:00Z", eve, "La proposta del Comune diventa mia")
	res, err := g.checkAs("eve-x", during)
	wantViolation(t, res, err, "content/proposals/p1/index.md:1:1: this merge request changed a proposal, but the forge account eve-x that opened it is not a member of m_ef or c_h223")
}

func TestParticipantsProposalAndCommentByThemselvesPassTheGate(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.run("", "checkout", "-q", "-b", "contributi")
	g.write("content/proposals/cp2/index.md", "---\ntitle: Orti urbani\nparticipant: legambiente_re\ndate: 2025-02-03\n---\nOrti nei quartieri.\n")
	g.write("content/proposals/p1/feedback/legambiente_re-domanda.md", "---\ntitle: Una domanda\ndate: 2025-02-03\n---\nCon quali fondi?\n")
	g.commitAs("2025-02-03T09:00:00Z", "Legambiente <info@legambiente.example>", "Proposta e commento")
	res, err := g.checkAs("legambiente-re", during)
	wantClean(t, res, err)
	res, err = g.checkAs("eve-x", during)
	wantViolation(t, res, err, "a proposal of participant legambiente_re, but the forge account eve-x")
	wantViolation(t, res, err, "a comment of participant legambiente_re, but the forge account eve-x")
	// Outside the phase that opens them to the community.
	late := time.Date(2025, 9, 10, 12, 0, 0, 0, time.UTC)
	res, err = g.checkAs("legambiente-re", late)
	wantViolation(t, res, err, "but no phase of the plan opens proposals to the community now (2025-09-10)")
}

func TestSupportLandedBeforeTheParticipantsApprovalNotCounted(t *testing.T) {
	g := communityRepo(t, "none", "approved")
	g.landMR("2025-02-01T10:00:00Z", "s1", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	g.write("content/participants/giulia.md", strings.Replace(g.read("content/participants/giulia.md"), "forge: giulia-r\n", "forge: giulia-r\napproved: 2025-02-10\n", 1))
	g.commitAll("2025-02-10T10:00:00Z", anna, "Approvo Giulia")
	g.landMR("2025-02-11T10:00:00Z", "s2", giulia, "Sostegno", map[string]string{"content/proposals/p1/supports/giulia.yaml": ""})
	s := g.buildSite()
	if sp := supportOf(t, s, giuliaSupport); sp.Counted || sp.Reason != site.ReasonUnregistered {
		t.Errorf("support landed before the approval: counted %v, reason %q (%s)", sp.Counted, sp.Reason, sp.Detail)
	}
	if sp := supportOf(t, s, "content/proposals/p1/supports/giulia.yaml"); !sp.Counted {
		t.Errorf("support landed after the approval: not counted (%s: %s)", sp.Reason, sp.Detail)
	}
}

func TestParticipantsPagesOfferTakePartAndListWhatAwaitsAnAnswer(t *testing.T) {
	overlay := strings.Replace(participantsOverlay("none", "approved"), "participation:\n", "forge:\n  kind: gitlab\n  url: https://gitlab.example.org/re/portale\nparticipation:\n", 1)
	b := sitetest.Run(t, overlay).OK()
	b.File("participants/index.html",
		`>Partecipa</a>`,
		`https://gitlab.example.org/re/portale/-/new/main/content/participants?`,
		"file_name=nome_utente.md",
		"Giulia Neri", "Legambiente Reggio", "Associazione",
		"approvate dai gestori del portale",
		"! giulia-r", // the forge account is the gate's, not the page's
	)
	b.File("en/participants/index.html", `>Take part</a>`)
	b.File("participants/giulia/index.html", "Giulia Neri", "Non iscritto", "Piste ciclabili verso le scuole", "! giulia-r")
	b.File("proposals/cp1/index.html", "Sostegni della comunità", "content/proposals/cp1/supports?", ">Sostieni</a>", `href="/participants/giulia/"`)
	b.File("index.html", `href="/participants/">Partecipanti</a>`)
}

func TestAPortalClosedToTheCommunityHasNoParticipantsPages(t *testing.T) {
	b := sitetest.Run(t, "").OK()
	b.NoFile("participants/index.html")
	b.File("index.html", "! /participants/")
	b.File("proposals/p1/index.html", "! Sostegni della comunità")
}

// TestSessionServesTheCommunityAsAFullBuildWould: the live preview reads participants
// and supports through its cache as a build does (registration included), before and
// after a support is added and a participant's file is edited.
func TestSessionServesTheCommunityAsAFullBuildWould(t *testing.T) {
	dir := demoOnDisk(t)
	cfg, _ := os.ReadFile(filepath.Join(dir, "pspm.yaml")) // the demo may have none
	write(t, dir, "pspm.yaml", string(cfg)+"\nparticipation:\n  registration: open\n")
	write(t, dir, "content/participants/giulia.md", "---\nname: Giulia Neri\nforge: giulia-r\n---\nCiao.\n")
	prop := "content/proposals/catasto-api-comuni/supports/giulia.yaml"
	write(t, dir, prop, "comment: Sì\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: dir})
	sn, res, err := ss.Rebuild(generator.Change{All: true})
	if err != nil {
		t.Fatalf("first build: %v\n%s", err, res.Diagnostics.Format())
	}
	if p := res.Site.Participant("giulia"); p == nil || !p.Registered {
		t.Fatalf("giulia is not registered in the session")
	}
	sameAsFullBuild(t, dir, sn)
	write(t, dir, "content/participants/giulia.md", "---\nname: Giulia N.\nkind: association\nforge: giulia-r\n---\nCiao.\n")
	write(t, dir, "content/proposals/catasto-api-comuni/supports/giulia.yaml", "comment: Sì, davvero\n")
	sn, res, err = ss.Rebuild(generator.Change{Paths: []string{"content/participants/giulia.md", prop}})
	if err != nil {
		t.Fatalf("rebuild: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsFullBuild(t, dir, sn)
}

func TestSupportOfAnUnknownParticipantRefusedByTheGate(t *testing.T) {
	g := communityRepo(t, "author", "open")
	g.run("", "checkout", "-q", "-b", "nessuno")
	g.write("content/proposals/cp1/supports/nessuno.yaml", "\n")
	g.commitAs("2025-02-03T09:00:00Z", eve, "Sostegno di nessuno")
	res, err := g.checkAs("AnnaRossi", during)
	wantViolation(t, res, err, `content/proposals/cp1/supports/nessuno.yaml:1:1: unknown participant "nessuno"`)
}

func TestGateWarnsAboutASupportOfAParticipantNotYetApproved(t *testing.T) {
	g := communityRepo(t, "author", "approved")
	g.run("", "checkout", "-q", "-b", "presto")
	g.write(giuliaSupport, "\n")
	g.commitAs("2025-02-03T09:00:00Z", giulia, "Sostegno prima dell'approvazione")
	res, err := g.checkAs("giulia-r", during)
	wantClean(t, res, err)
	if !strings.Contains(res.Diagnostics.Format(), "giulia is not registered (not yet approved") {
		t.Errorf("no warning that the support would not count yet:\n%s", res.Diagnostics.Format())
	}
}

func TestCommunityListsAreBoundedByLimitsLists(t *testing.T) {
	keys := strings.Repeat("  - ssh-ed25519 AAAA\n", 3)
	scope := strings.Repeat("      - proposals\n", 3)
	cfg := "-- pspm.yaml --\nparticipation:\n  registration: open\nlimits:\n  lists: 2\n"
	sitetest.Check(t, cfg+"-- content/participants/anna_b.md --\n---\nname: Anna B\nkeys:\n"+keys+"---\n").Failed().Diag("keys has 3 entries, more than the 2 allowed (limits.lists in pspm.yaml)")
	plan := strings.Replace(communityPlan, "    threshold: 2\n", "    threshold: 2\n    scope:\n"+scope, 1)
	sitetest.Check(t, cfg+plan).Failed().Diag("phases[0].scope has 3 entries, more than the 2 allowed")
}

func TestModeratedSupportIsKeptAndNotCounted(t *testing.T) {
	g := communityRepo(t, "none", "open")
	g.landMR("2025-02-01T10:00:00Z", "s1", giulia, "Sostegno", map[string]string{giuliaSupport: "comment: parole offensive\n", legaSupport: ""})
	g.write("content/moderation/m1-sostegno.md", moderation(strings.TrimPrefix(giuliaSupport, "content/"), ""))
	g.commitAll("2025-02-02T10:00:00Z", anna, "Moderazione")
	_, res, out := g.build()
	sp := supportOf(t, res.Site, giuliaSupport)
	if sp.Counted || sp.Reason != site.ReasonModerated || sp.Hidden == nil || sp.Comment != "" {
		t.Errorf("moderated support: counted %v, reason %q, hidden %v, comment %q", sp.Counted, sp.Reason, sp.Hidden != nil, sp.Comment)
	}
	if p := res.Site.Proposal("cp1"); p.Backing != 1 {
		t.Errorf("cp1 has %d counted supports; want 1 (the moderated one left out)", p.Backing)
	}
	if strings.Contains(string(out.Files()["api/v1/supports.json"]), "parole offensive") {
		t.Error("supports.json shows the moderated comment")
	}
}

// The community's verdicts are said in the page's language, as bodies' votes are: a
// support of a participant not registered, and one landed when no phase opened supports.
func TestCommunityVerdictsAreSaidInThePagesLanguage(t *testing.T) {
	closed := communityRepo(t, "none", "closed")
	closed.landMR("2025-02-01T10:00:00Z", "sostegno", giulia, "Sostegno", map[string]string{giuliaSupport: ""})
	_, _, out := closed.build()
	page := string(out.Files()["proposals/cp1/index.html"])
	if !strings.Contains(page, "giulia non è un partecipante registrato: su questo portale le iscrizioni sono chiuse") || strings.Contains(page, "is not a registered participant") {
		t.Errorf("the Italian page of cp1 does not say in Italian why giulia's support does not count:\n%s", excerpt(page, "giulia"))
	}
	late := communityRepo(t, "none", "open")
	late.landMR("2025-09-15T10:00:00Z", "tardi", giulia, "Sostegno tardivo", map[string]string{giuliaSupport: ""})
	_, _, out = late.build()
	page = string(out.Files()["proposals/cp1/index.html"])
	if !strings.Contains(page, "quando nessuna fase del piano apriva sostegni alla comunità su proposals/cp1") || strings.Contains(page, "to the community on") {
		t.Errorf("the Italian page of cp1 does not say in Italian that the support landed outside a phase:\n%s", excerpt(page, "giulia"))
	}
}

// excerpt is the part of page around the first occurrence of s, for a failure message.
func excerpt(page, s string) string {
	i := strings.Index(page, s)
	if i < 0 {
		return "(" + s + " is not on the page)"
	}
	return page[max(0, i-200):min(len(page), i+600)]
}
