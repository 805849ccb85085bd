package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// The community's pages: /participants/, every participant with their kind and
// whether they are registered, the community proposals that reached a threshold and
// wait for the plan owner's answer, and the "Take part" button that opens the forge's
// editor with a participant file prefilled; /participants/<handle>/, what a participant
// supported, commented and proposed. Supports are shown apart from the bodies' votes
// everywhere ("Bodies: 12 in favour · Community: 340 supports").

// ParticipantsView is the list of the community's participants.
type ParticipantsView struct {
	Participants []ParticipantCard
	// Awaiting are the community proposals that reached a threshold and have no
	// official answer yet, oldest first: the plan owner's list of what to answer.
	Awaiting []ThresholdCard
	// Join opens the forge's editor with content/participants/<handle>.md prefilled;
	// "" without a forge. Registration is participation.registration.
	Join         string
	ForgeKind    string
	Registration string
}

// ParticipantCard is one participant in a list.
type ParticipantCard struct {
	Handle, Name, Kind, Label, Municipality, URL string
	Registered                                   bool
	Supports, Comments, Proposals                int
}

// ThresholdCard is a community proposal that reached its phase's threshold.
type ThresholdCard struct {
	Title, URL string
	Supports   int
	Threshold  int
	Phase      string
	On         time.Time
	Text       string // "soglia raggiunta il …: attende una risposta ufficiale"
}

// ParticipantView is a participant's page.
type ParticipantView struct {
	ParticipantCard
	HTML          string // the presentation, rendered safe
	NotRegistered string // why the participant takes no part, "" when registered
	Verification  string // how their contributions are verified: votes.policy
	Supports      []SupportView
	Comments      []FeedbackView
	Proposals     []Link
}

// SupportView is one participant's support of an item.
type SupportView struct {
	Participant Link
	Item        Link
	Comment     string
	Counted     bool
	Reason      string
	ReasonLabel string
	Detail      template.HTML // why it does not count, in the page's language (see ReactionView)
	DetailLang  string
	Landed      time.Time
	Commit      string
}

// participantCard is the card of p.
func (r *renderer) participantCard(p *site.Participant) ParticipantCard {
	return ParticipantCard{Handle: p.ID, Name: p.Name, Kind: p.Kind, Label: r.tr.T("participant.kind." + p.Kind), Municipality: p.Municipality,
		URL: r.link(p.URL()), Registered: p.Registered, Supports: len(p.Supports), Comments: len(p.Comments), Proposals: len(p.Proposals)}
}

// participantLink links a participant's page, or names the handle when there is none.
func (r *renderer) participantLink(p *site.Participant, handle string) Link {
	if p == nil {
		return Link{Title: handle}
	}
	return Link{p.Name, r.link(p.URL())}
}

func (r *renderer) supportView(sp *site.Support, withItem bool) SupportView {
	v := SupportView{Participant: r.participantLink(sp.By, sp.Participant), Comment: sp.Comment, Counted: sp.Counted, Reason: sp.Reason}
	if !sp.Counted {
		v.ReasonLabel = r.tr.T("reason." + sp.Reason)
		v.Detail, v.DetailLang = r.verdictDetail(sp.Verdict)
	}
	if withItem && sp.On != nil {
		v.Item = r.itemLink(sp.On)
	}
	if o := sp.Origin; o != nil {
		v.Landed, v.Commit = o.Landed, o.Commit[:min(10, len(o.Commit))]
	}
	return v
}

// thresholdText says that a community proposal reached its threshold, in the page's
// language, "" when it did not or was answered since.
func (r *renderer) thresholdText(p *site.Proposal) string {
	t := p.Threshold
	if t == nil || t.Answered {
		return ""
	}
	return r.tr.T("participants.threshold", r.tr.Date(t.On))
}

// joinURL opens the forge's editor with a participant file to complete.
func (r *renderer) joinURL() string {
	f := r.Config.Forge
	if f.Kind == "" || f.URL == "" {
		return ""
	}
	content := "---\nname: " + r.tr.T("participants.join.name") + "\nkind: citizen\nmunicipality: \nforge: \n---\n" + r.tr.T("participants.join.text") + "\n"
	return editorURL(f.Kind, f.URL, f.Branch, "content/participants", "nome_utente.md", content)
}

func (r *renderer) participantsPage() ([]byte, error) {
	s := r.Site
	v := &ParticipantsView{Join: r.joinURL(), ForgeKind: r.Config.Forge.Kind, Registration: s.Registration}
	for _, p := range s.Participants {
		v.Participants = append(v.Participants, r.participantCard(p))
	}
	for _, p := range s.AwaitingAnswer {
		t := p.Threshold
		v.Awaiting = append(v.Awaiting, ThresholdCard{Title: r.title(&p.Item, p.Title), URL: r.link(p.URL()), Supports: t.Supports, Threshold: t.Threshold,
			Phase: t.Phase.Name, On: t.On, Text: r.thresholdText(p)})
	}
	return r.page("participants", &Page{Title: r.tr.T("participants.title"), URL: r.link("/" + string(site.Participants) + "/"), Participants: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}

func (r *renderer) participantPage(p *site.Participant) ([]byte, error) {
	v := &ParticipantView{ParticipantCard: r.participantCard(p), NotRegistered: p.NotRegistered, Verification: r.Config.Votes.Policy}
	v.HTML = p.Text()
	for _, sp := range p.Supports {
		v.Supports = append(v.Supports, r.supportView(sp, true))
	}
	for _, f := range p.Comments {
		v.Comments = append(v.Comments, r.feedbackView(f))
	}
	for _, pr := range p.Proposals {
		v.Proposals = append(v.Proposals, Link{r.title(&pr.Item, pr.Title), r.link(pr.URL())})
	}
	return r.page("participant", &Page{Title: p.Name, URL: r.link(p.URL()), Participant: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("participants.title"), r.link("/" + string(site.Participants) + "/")}}})
}

// participantPages are the community's pages, when the portal has a community: a
// registration policy other than closed, or participant files.
func (r *renderer) participantPages() []task {
	s := r.Site
	if !hasCommunity(s) {
		return nil
	}
	var t []task
	add := func(kind, url string, make func() ([]byte, error)) {
		t = append(t, task{kind: kind, path: indexFile(r.prefix + url), url: r.prefix + url, make: make})
	}
	add("participants", "/"+string(site.Participants)+"/", r.participantsPage)
	for _, p := range s.Participants {
		add("participant", p.URL(), func() ([]byte, error) { return r.participantPage(p) })
	}
	return t
}

// hasCommunity says whether the portal is open to a community: pages, menu and
// buttons for participants appear only then.
func hasCommunity(s *site.Site) bool {
	return len(s.Participants) > 0 || s.Registration != "" && s.Registration != site.RegistrationClosed
}

// supportsOf are the supports of an item, for its page, and the link that opens the
// forge's editor with a support file.
func (r *renderer) supportsOf(it *site.Item) (out []SupportView, add string) {
	if !site.Supportable(it.Section) || !hasCommunity(r.Site) {
		return nil, ""
	}
	for _, sp := range it.Supports {
		out = append(out, r.supportView(sp, false))
	}
	if f := r.Config.Forge; f.Kind != "" && f.URL != "" && it.From == nil {
		add = editorURL(f.Kind, f.URL, f.Branch, it.Dir+"/supports", "nome_utente.yaml", "item: "+it.Key()+"\nparticipant: nome_utente\n")
	}
	return out, add
}
