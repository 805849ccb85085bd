package demo

import (
	"encoding/json"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
)

// The community's part of the story, as the tests name it.
const (
	communityProposal = "facilitazione-biblioteche"
	moderatedComment  = "content/plan/actions/pagopa-comuni-piccoli/feedback/luca_marchetti-solo-chiacchiere.md"
	communityReply    = "content/plan/actions/pagopa-comuni-piccoli/feedback/reggio_digitale-gestionale-scuole.md"
	// hiddenWords are words of the moderated comment: no output may show them.
	hiddenWords = "perditempo che giocano a fare gli esperti"
)

// buildDemoSite writes the demo repository and builds it with its history.
func buildDemoSite(t *testing.T) (string, *generator.Result, map[string][]byte) {
	t.Helper()
	needGit(t)
	dir := t.TempDir()
	writeTo(t, dir, withAmendments)
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	return dir, res, out.Files()
}

func TestDemoCommunityRegistersByMergeRequestsApprovedByMEFsMaintainer(t *testing.T) {
	dir, res, files := buildDemoSite(t)
	s := res.Site
	if len(s.Participants) < 4 || len(s.Participants) > 6 {
		t.Fatalf("%d participants; want 4 to 6", len(s.Participants))
	}
	kinds := map[string]bool{}
	for _, p := range s.Participants {
		kinds[p.Kind] = true
		pending := p.ID == "comitato_santa_croce"
		if p.Registered == pending {
			t.Errorf("%s: registered %v (%s); want every participant approved but the pending one", p.ID, p.Registered, p.NotRegistered)
		}
		// The participant's own merge request adds the file; MEF's maintainer approves it.
		log := git(t, dir, "log", "--no-merges", "--reverse", "--format=%an <%ae>", "--", p.File)
		want := p.Name + " <" + p.Forge + "@users.noreply.gitlab.com>\n"
		if !pending {
			want += maintainer.name + " <" + maintainer.email + ">\n"
		}
		if log != want {
			t.Errorf("%s is written by:\n%swant:\n%s", p.File, log, want)
		}
	}
	for _, k := range []string{"citizen", "association", "school", "company"} {
		if !kinds[k] {
			t.Errorf("no participant of kind %s", k)
		}
	}
	if s.Registration != site.RegistrationApproved {
		t.Errorf("registration %q", s.Registration)
	}
	// A participant's presentation keeps its line breaks without an inline style, which
	// a strict Content-Security-Policy (style-src 'self') blocks.
	if page := string(files["participants/chiara_ferretti/index.html"]); !strings.Contains(page, "Lavoro in una biblioteca di quartiere") {
		t.Errorf("the participant's page lacks the presentation")
	}
	for name, data := range files {
		if strings.HasSuffix(name, ".html") && strings.Contains(string(data), " style=") {
			t.Errorf("%s has an inline style", name)
		}
	}
}

// support is a row of supports.json.
type support struct {
	Item, Participant, Reason, Detail, Verification string
	Counted                                         bool
	MergeRequest                                    string `json:"merge_request"`
}

func TestDemoCommunityProposalReachesItsThresholdAndASupportBeforeThePhaseIsNotCounted(t *testing.T) {
	_, res, files := buildDemoSite(t)
	p := res.Site.Proposal(communityProposal)
	if p == nil || p.ParticipantItem == nil || p.Threshold == nil || p.Threshold.Answered || p.Threshold.On.Format(time.DateOnly) != "2026-09-27" {
		t.Fatalf("%s: %+v; want a community proposal that reached its threshold on 2026-09-27, unanswered", communityProposal, p)
	}
	if len(res.Site.AwaitingAnswer) != 1 {
		t.Errorf("%d proposals await an answer; want %s", len(res.Site.AwaitingAnswer), communityProposal)
	}
	for page, wants := range map[string][]string{
		"proposals/" + communityProposal + "/index.html": {"soglia raggiunta il 27 settembre 2026: attende una risposta ufficiale", "Sostegni della comunità: 4", `href="/participants/chiara_ferretti/"`},
		"participants/index.html":                        {"Da rispondere", "Punti di facilitazione digitale nelle biblioteche di quartiere", "Istituto tecnico economico «Città del Tricolore»", "Officine Dati s.r.l."},
		"plan/actions/pagopa-comuni-piccoli/index.html":  {"Sostegni della comunità", "Chiara Ferretti"},
		"proposals/spesa-digitale-scuole/index.html":     {"Sostegni della comunità"},
		"en/participants/index.html":                     {"How to take part", "Awaiting an answer"},
	} {
		for _, want := range wants {
			if !strings.Contains(string(files[page]), want) {
				t.Errorf("%s lacks %q", page, want)
			}
		}
	}
	var supports []support
	if err := json.Unmarshal(files["api/v1/supports.json"], &supports); err != nil {
		t.Fatal(err)
	}
	early, plan := 0, 0
	for _, sp := range supports {
		if !strings.HasPrefix(sp.MergeRequest, project+"!") {
			t.Errorf("a support landed by no merge request: %+v", sp)
		}
		if strings.HasPrefix(sp.Item, "plan/") {
			plan++
		}
		if "content/"+sp.Item+"/supports/"+sp.Participant+".yaml" == earlySupport {
			early++
			if sp.Counted || sp.Reason != site.ReasonOutsideWindow || !strings.Contains(sp.Detail, "2026-06-22") {
				t.Errorf("the support landed before the phase: %+v; want not counted, outside-window, on 2026-06-22", sp)
			}
			continue
		}
		if !sp.Counted || sp.Verification != site.VerifiedForge || !strings.Contains(sp.Detail, "checked at merge") {
			t.Errorf("a support: %+v; want counted, its forge account checked at merge", sp)
		}
	}
	if early != 1 || plan < 2 || len(supports) < 6 {
		t.Errorf("%d supports, %d on plan items, %d landed early", len(supports), plan, early)
	}
	if votes := string(files["api/v1/votes.json"]); strings.Contains(votes, `"voter":"chiara_ferretti"`) || strings.Contains(votes, "/supports/") {
		t.Errorf("votes.json holds the community's supports")
	}
	// pspm audit lists the supports apart from the votes, the early one with its reason.
	trail, err := generator.Audit(res, strings.TrimPrefix(path.Dir(path.Dir(earlySupport)), "content/"))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	if err := trail.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Votes (0 reaction files)",
		"Community supports (2 support files, 1 counted)",
		"luca_marchetti  no       outside-window",
		earlySupport + ": it landed on 2026-06-22",
		project + "!",
	} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("pspm audit lacks %q:\n%s", want, text.String())
		}
	}
}

func TestDemoParticipantRepliesToABodysCommentAndAnOffensiveReplyIsHidden(t *testing.T) {
	_, res, files := buildDemoSite(t)
	var reply, hidden *site.Feedback
	for _, f := range res.Site.Feedback {
		switch f.File {
		case communityReply:
			reply = f
		case moderatedComment:
			hidden = f
		}
	}
	if reply == nil || !reply.Counted || reply.VoterParticipant == nil || reply.ReplyTo != "p_re-avanzamento-reggio" {
		t.Fatalf("the association's reply: %+v; want counted, a participant's, replying to Provincia di Reggio Emilia's comment", reply)
	}
	if hidden == nil || hidden.Counted || hidden.Hidden == nil || hidden.Hidden.Rule != "R2 Rispetto delle persone" {
		t.Fatalf("the offensive reply: %+v; want hidden by moderation (R2), not counted", hidden)
	}
	page := string(files["plan/actions/pagopa-comuni-piccoli/index.html"])
	for _, want := range []string{"Gli stessi problemi agli sportelli dei centri sociali", "Contenuto nascosto dalla moderazione", `href="/moderation/#commento-offensivo-pagopa"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the action's page lacks %q", want)
		}
	}
	mod := string(files["moderation/index.html"])
	for _, want := range []string{"R2 Rispetto delle persone", "Regole della partecipazione", "insulta i volontari"} {
		if !strings.Contains(mod, want) {
			t.Errorf("/moderation/ lacks %q", want)
		}
	}
	for name, data := range files {
		if strings.Contains(string(data), hiddenWords) {
			t.Errorf("%s shows the hidden comment's words", name)
		}
		// The participants' commits carry their forge's private addresses: never published.
		if strings.Contains(string(data), "@users.noreply.gitlab.com") {
			t.Errorf("%s shows a participant's commit address", name)
		}
	}
}
