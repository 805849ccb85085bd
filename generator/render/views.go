package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/site"
)

// The types in this file are the data contract of the theme's templates (documented in
// themes/default/README.md). Templates see these views, never the model.

// Page is what every template receives as its dot.
type Page struct {
	Site        *SiteView
	Kind        string // home, plan, versions, changes, monitoring, goal, objective, action, proposals, proposal, practices, practice, bodies, body, tags, tag, search, agid, agid-objective, moderation, moderated, 404
	Title       string
	Description string
	URL         string     // the link to the page, e.g. /en/proposals/x/
	Permalink   string     // the page's absolute URL when baseURL is absolute, else its path
	Path        string     // the page's path in every language, e.g. /proposals/x/
	Lang        string     // the page's language
	Languages   []LangLink // the same page in every language of the site (empty with one language)
	TextLang    string     // the language of the page's main text when it differs from Lang (an untranslated item)
	Breadcrumbs []Link     // from the home page to the parent of this page
	Feed        string     // the URL of this page's Atom feed, if any
	// later makes the parts of the view that are left out until the page is rendered
	// (see lateView): a page kept from the previous build never makes them.
	late []lateView
	// Follow says that Feed is the feed of the page's item alone (its changes, answers,
	// amendments, votes, comments and progress): the page offers to follow it.
	Follow bool
	// AsOf is the date the content is as of, in the page's words ("10 novembre 2026"), and
	// Today that day: only on the pages that measure the plan against the day (the home
	// page's timeline, the plan, monitoring, goals, objectives, actions and results, the
	// open data), empty on the others, whose bytes must not change with the day alone:
	// a merge request merged on a new day would otherwise make every page of the portal
	// again.
	AsOf  string
	Today time.Time

	Home      *HomeView
	Plan      *PlanView
	Goal      *GoalView
	Objective *ObjectiveView
	Action    *ActionView
	Result    *ResultView
	Proposal  *ProposalView
	Practice  *PracticeView
	Body      *BodyView
	List      *ListView
	Bodies    []BodyCard
	Tags      []TagCard
	Search    *SearchView

	Versions   *VersionsView
	Changes    *ChangesView
	Monitoring *MonitoringView
	AgID       *AgIDView // on agid and agid-objective pages
	// History is a plan item's history across the versions of the plan, on its page;
	// nil elsewhere and when no version is approved.
	History *HistoryView
	// OpenData is set on the open data page.
	OpenData *OpenDataView
	// Moderation is set on the moderation page; Hidden on the page of a proposal or
	// practice a moderation hides (the page shows only the notice).
	Moderation *ModerationView
	Hidden     *HiddenView
	// Foreign flags a proposal or practice written in a language the portal does not
	// publish (its lang: in the file), on its page.
	Foreign *ForeignView
	// Participants is set on /participants/, Participant on a participant's page.
	Participants *ParticipantsView
	Participant  *ParticipantView
}

// LangLink is a page in one language, for the language switcher and hreflang alternates.
type LangLink struct {
	Lang      string // it, en
	Name      string // the language's name in itself: Italiano, English
	URL       string
	Permalink string
	Current   bool
}

// SiteView is the portal as every page sees it.
type SiteView struct {
	Title       string
	TitleLang   string // the language of Title when it is not the page's (the plan's title, not translated)
	Description string
	Lang        string
	BaseURL     string
	Plan        PlanSummary
	Menu        []Link
	Labels      Labels
	Generator   string
	Logo        string // the link to the logo, or empty
	BrandCSS    string // the link to the stylesheet with the site's colours, or empty
	// OpenData is the link to the open data page; License the open data's licence
	// (Title its name, URL its text), shown in every page's footer.
	OpenData string
	License  Link
	// Moderation is the link to the moderation page (the rules and every decision),
	// or "" when the portal has neither.
	Moderation string
}

// OpenDataView is the open data page: every dataset of the catalogue with its files and
// fields, the licence, the archive and the DCAT-AP_IT catalogue.
type OpenDataView struct {
	License   Link
	LicenseID string
	Archive   string // the link to the archive of every dataset
	Catalog   string // the link to catalog.rdf, or "" when baseURL is not absolute
	Datasets  []DatasetView
}

// DatasetView is one dataset on the open data page. ID is its anchor, the dataset's URI
// in the catalogue.
type DatasetView struct {
	ID          string
	Title       string
	Description string
	Files       []Link // the JSON and the CSV file
	Fields      []DataFieldView
}

// DataFieldView is a field of a dataset: its name, its type and what it holds, translated.
type DataFieldView struct{ Name, Type, Meaning string }

// Labels name the three levels of the plan.
type Labels struct{ Goals, Objectives, Actions string }

// PlanSummary is the plan at a glance.
type PlanSummary struct {
	Title     string
	TitleLang string // the language of Title when it is not the page's (not translated)
	Period    string
	Owner     Link
	Phases    []PhaseView
	Current   *PhaseView // the phase that holds the build date, if any
	TodayAt   int        // the index of the first phase that starts after the date the portal is as of (len(Phases) when none)
}

// PhaseView is a window of the participation timeline.
type PhaseView struct {
	Name     string
	From, To time.Time
	Opens    []string
	State    string // past, current, future: relative to the build date
}

// Link is a titled URL.
type Link struct {
	Title string
	URL   string
}

// TallyView is a vote count ready to draw.
type TallyView struct {
	Support, Oppose, Abstain, Total   int
	SupportPct, OpposePct, AbstainPct int    // shares of Total, summing to 100 when Total > 0
	PriorityMean                      string // "3.4", or "" when nobody gave a priority
	PriorityCount                     int
	Distribution                      [5]int
	// Ready-made sentences in the page's language.
	SupportText, OpposeText, AbstainText string        // "9 favorevoli"
	PriorityText                         string        // "priorità media 4.2 su 5 (6 enti)", or ""
	Bar                                  template.HTML // the votes as an SVG bar with a label
	PriorityBar                          template.HTML // the distribution of priorities as an SVG chart with a label, or ""
}

// Card is an item in a list.
type Card struct {
	Kind     string // proposal, practice, goal, objective, action
	Title    string
	Code     string // a plan item's official code, or ""
	URL      string
	Status   string // a proposal's or an action's status; a practice's kind
	Label    string // Status in the page's language
	Body     Link   // the proposing or sharing body, or an action's owner
	Date     time.Time
	Summary  string
	Tags     []Link // at most 10; the item's page has them all
	MoreTags int    // how many tags the card leaves out
	Tally    TallyView
	Progress int
	// Supports are the counted supports of the community's participants, kept apart
	// from Tally (the bodies' votes); Threshold says that a community proposal reached
	// its phase's threshold and waits for an official answer ("" otherwise).
	Supports  int
	Threshold string
	// html is the card rendered by the theme's "card" template (HTML), compressed by
	// pack when set; later, when set, renders it the first time a page asks for it.
	html  template.HTML
	pack  *cardPacker
	later *cardLater
}

// HTML is this card rendered once by the theme's "card" template, so that lists that
// show the same item (all, by status, by body, by tag, home) do not render it again. A
// build that fingerprints its pages renders it the first time a page that shows it is
// rendered: one that keeps the lists never renders their cards.
func (c *Card) HTML() template.HTML {
	if l := c.later; l != nil {
		l.once.Do(func() { l.r.cardHTML(c) })
	}
	if c.pack != nil {
		return template.HTML(c.pack.unpack(string(c.html)))
	}
	return c.html
}

// cardLater renders a card's HTML when it is first asked for.
type cardLater struct {
	once sync.Once
	r    *renderer
}

// ListView is a paginated list of cards.
type ListView struct {
	Forge   *ForgeView // on proposals and practices lists: links to propose a new one
	Heading string
	Intro   string
	Cards   []*Card
	Filters []Filter // other lists of the same section (by status, kind, body)
	// Counts says that the filters have their counts: on the first page of a list only.
	Counts bool
	Pager  Pager
}

// Filter is a link to a narrower list, with how many items it holds.
type Filter struct {
	Group  string // status, kind, body
	Key    string // the status, kind or body id it keeps
	Title  string
	URL    string
	Count  int
	Active bool
}

// Pager links the pages of a long list.
type Pager struct {
	Page, Pages int
	Prev, Next  string
	First, Last string
	Numbers     []PageLink
}

// PageLink is one entry of a pager.
type PageLink struct {
	Number  int
	URL     string
	Current bool
}

// HomeView is the home page.
type HomeView struct {
	Intro template.HTML
	// Progress is the plan's progress (0-100) over its Actions: on the home page only,
	// since every progress report changes it, and with it every page that showed it.
	Progress, Actions int
	Open              []PhaseView // phases open now, with what they open
	Next              *PhaseView  // the next phase, if none is open
	MostSupported     []*Card
	LatestProps       []*Card
	LatestPractice    []*Card
	Counts            Counts
}

// Counts sums up the portal.
type Counts struct{ Goals, Objectives, Actions, Proposals, Practices, Bodies, Reactions, Feedback int }

// PlanView is a version of the plan (/plan/, /plan/<version>/) or the draft
// (/plan/draft/): its tree of goals, objectives and actions.
type PlanView struct {
	// Heading is the page's title as HTML, the plan's title marked with its language
	// when it is not translated into the page's.
	Heading   template.HTML
	Intro     template.HTML
	IntroLang string // the language of Intro when it differs from the page's (an untranslated plan)
	// Untranslated is the language shown for the parts of the page that have no translation
	// into the page's language (the plan's text, goals, objectives, actions), or "".
	Untranslated string
	Progress     int
	ByStatus     []StatusCount
	Tree         []PlanGoal
	// Version is what the page shows: an approved version, or the draft (Version.Draft).
	Version *VersionView
	// Latest is the latest approved version, nil when none is; VersionsURL lists them all.
	Latest      *VersionView
	VersionsURL string
	DraftURL    string
	// Full says the page is a version's archive (/plan/<version>/): each action carries its
	// text, indicators and proposals as approved. /plan/ and the draft link the actions'
	// pages instead.
	Full bool
	// DraftChanges sums up what the draft changes since Latest (on the draft's page).
	DraftChanges ChangeCounts
	// Priorities ranks the actions bodies gave a counted priority: highest mean first
	// (on /plan/ and the draft's page).
	Priorities []PriorityRank
	// Index lists the goals, each linked to the pages of its objectives and actions,
	// when the plan is too large for one page (Tree is then empty); Part says which
	// goal, and which of its pages, a page of such a plan shows (Tree holds it), with
	// Pager linking that goal's pages.
	Index []PlanIndexRow
	Part  *PlanPartView
	Pager Pager
}

// PlanIndexRow is a goal in the index of a plan laid out in parts.
type PlanIndexRow struct {
	Goal                Link // its first page
	Lang                string
	Progress            int
	Objectives, Actions int
	Pages               []PageLink // all its pages, when it has several
}

// PlanPartView is the goal a page of a plan laid out in parts shows.
type PlanPartView struct {
	Goal        Link
	Page, Pages int
	PlanURL     string // the plan's page, with the index
}

// PriorityRank is one action in the ranking by mean priority.
type PriorityRank struct {
	Rank   int
	Action Link
	Mean   string // e.g. "4.3"
	Count  int    // how many bodies gave a priority
	// Distribution is how many bodies gave 1, 2, 3, 4 and 5.
	Distribution [5]int
	Text         string        // the mean and count in the page's language
	Bar          template.HTML // the distribution as an accessible inline chart
}

// StatusCount is how many items have a status.
type StatusCount struct {
	Status string
	Label  string
	Count  int
}

// GoalView is a goal with its objectives.
type GoalView struct {
	ID, Title, URL string
	Code           string // the official code, or ""
	HTML           template.HTML
	Progress       int
	Objectives     []ObjectiveView
	Contributions
}

// ObjectiveView is an objective with its actions.
type ObjectiveView struct {
	ID, Title, URL string
	Code           string // the official code, or ""
	Goal           Link
	AgID           []string
	// AgIDRefs are the AgID codes with the reference edition's title and page (empty
	// Title and URL for a code the reference does not have, or without a reference), and
	// AgIDLang the lang attribute of those titles ("it" on pages in other languages).
	AgIDRefs []AgIDRef
	AgIDLang string
	HTML     template.HTML
	Progress int
	// Results are its expected results, their indicators against this year's targets.
	Results *ResultTable
	Actions []*Card
	// Contributing are the actions of other bodies' plans (sources) that contribute to
	// the objective, with their progress.
	Contributing []*Card
	Contributions
}

// ActionView is an action page.
type ActionView struct {
	ID, Title, URL string
	Code           string // the official code, or ""
	Objective      Link
	Goal           Link
	Owner          Link // the lead
	// Owners are every owner, the lead first; Addressees whom it is addressed to: bodies
	// linked, kinds of body in words ("tutti i comuni").
	Owners        []Link
	Addressees    []Link
	Status        string
	Label         string
	Progress      int
	Start, Due    time.Time
	HTML          template.HTML
	Indicators    []IndicatorView
	Proposals     []Link
	ContributesTo []string
	// Contributes links the objectives of this portal that an action of another body's
	// plan contributes to.
	Contributes []Link
	// ProgressChart draws the action's progress over time (one point per commit that
	// changed it), Series is the same as a table; both empty without Git.
	ProgressChart template.HTML
	Series        []PointView
	Contributions
}

// IndicatorView is an indicator with its measurements.
type IndicatorView struct {
	Name, Unit       string
	Baseline, Target string
	Values           []ValueView
	Latest           string // the last value, or "" when there is none
	Chart            template.HTML
}

// ValueView is one measurement.
type ValueView struct {
	Date  time.Time
	Value string
}

// Contributions are what bodies contributed on an item.
type Contributions struct {
	Tally       TallyView
	Reactions   []ReactionView
	Feedback    []FeedbackView
	Attachments []AttachmentView
	// Amendments are the changes bodies that do not own a plan item proposed to it
	// (amendments.go), by date; empty on other items.
	Amendments []AmendmentView
	Key        string     // "<section>/<id>", as in the open data
	Folder     string     // the item's contribution folder in the repository
	Forge      *ForgeView // buttons that open the forge's web editor; nil without a forge
	HasOrigins bool       // the reactions carry their commit and landing time (the site is read from Git)
	// Community says the item takes the community's supports on this portal; Supports
	// are they, apart from Reactions, Backing how many count, and AddSupport opens the
	// forge's editor with a support file ("" without a forge).
	Community  bool
	Supports   []SupportView
	Backing    int
	AddSupport string
	// Check tells a reader how to check the tally without trusting the portal; nil when
	// the item has no votes.
	Check *CheckView
	// SupportsCheck is Check for the community's supports.
	SupportsCheck *CheckView
}

// CheckView is the "verify this" section of a tally or a version: what the figure is
// computed from, the commit, and the commands that check it.
type CheckView struct {
	Supports   bool   // the tally is of the community's supports, not of bodies' votes
	Folder     string // the folder of the files the tally counts
	Counted    int
	NotCounted int
	Commit     string // short hash: the commit that landed the latest vote, or the version's
	CommitURL  string
	Data       string // the open data that lists every vote
	Git        string // the Git command that shows where each file comes from
	Verify     string // the pspm verify command for the whole portal
}

// ReactionView is one body's vote on an item.
type ReactionView struct {
	Voter        Link
	Vote         string
	VoteLabel    string // Vote in the page's language, "" when there is no vote
	Priority     int
	Comment      string
	Counted      bool
	Reason       string        // a reason code (see the open data), "" when counted
	ReasonLabel  string        // Reason in the page's language
	Detail       template.HTML // why, in a sentence in the page's language when it has one, "" when counted
	DetailLang   string        // the language of Detail when it is not the page's ("en": not translated)
	Verification string        // author, signature or none
	VerifiedBy   string        // in the page's language: who vouched for the vote, "" when nobody did
	File         string        // the reaction file in the repository
	Author       string        // the author of the commit that cast it, "" without Git
	Landed       time.Time     // when the vote landed on the main branch; zero without Git
	Commit       string        // the short hash of the commit that cast it, or ""
	CommitURL    string        // the commit on the forge, or ""
	Hidden       *HiddenView   // the moderation that hides it (no Comment then), or nil
	On           Link          // on its voter's page (VoteView), the item voted on; empty on the item's page
}

// FeedbackView is a comment. A comment that does not count (its author does not speak
// for the body, or it came outside a phase open to feedback) is still shown, marked.
type FeedbackView struct {
	Counted     bool
	ReasonLabel string // why it does not count, in the page's language
	Detail      template.HTML
	DetailLang  string // the language of Detail when it is not the page's
	Unreadable  bool   // the file could not be read: only its reason is shown
	ID          string
	Title       string
	Kind        string
	Label       string // Kind in the page's language
	Body        Link
	Date        time.Time
	HTML        template.HTML
	On          Link // the item it is on (on body pages)
	// Level is the comment's level in its conversation on the item's page: 1 on the
	// item, 2 to ThreadLevels for replies (0 on pages that list comments apart). Replies
	// are the replies it nests; InReplyTo, on a reply shown flat (below ThreadLevels,
	// or apart from its conversation), is the comment it answers.
	Level     int
	Replies   []FeedbackView
	InReplyTo *Link
	// Reply is the forge link that answers it (reply_to prefilled), "" without a forge.
	Reply string
	// Paragraph is the paragraph of the item's text it is about, or nil.
	Paragraph *ParagraphRef
	// Hidden is the moderation that hides it (no Title nor HTML then), or nil; Foreign
	// flags a comment written in a language the portal does not publish.
	Hidden  *HiddenView
	Foreign *ForeignView
}

// AttachmentView is a file published beside an item.
type AttachmentView struct {
	Name string
	URL  string
	Size string // human readable, e.g. 12.3 KiB
}

// ProposalView is a proposal page.
type ProposalView struct {
	Card
	Authors   []string
	Targets   []Link
	Answer    *AnswerView
	HTML      template.HTML
	TakenUpBy []Link
	// IncorporatedIn lists the versions of the plan that took the proposal up.
	IncorporatedIn []IncorporatedIn
	Contributions
	// History lists the changes to the proposal's text that landed on the main branch,
	// oldest first: its amendments. Empty without Git.
	History []ChangeView
	// Source, when set, is the portal of another body the proposal comes from.
	Source *SourceView
}

// ChangeView is one change to an item's file.
type ChangeView struct {
	Landed    time.Time
	Author    string
	Message   string
	File      string // the file changed, when the item has several (translations)
	Commit    string // short hash
	CommitURL string
	Deleted   bool
}

// AnswerView is the official answer to a proposal.
type AnswerView struct {
	Date time.Time
	HTML template.HTML
	By   Link
	Lang string // the language of the text when it differs from the page's (not yet translated)
	// NotCounted says that the answer (an amendment's answer.md) does not count: it
	// does not answer the amendment, which stays open; ReasonLabel and Detail say why.
	NotCounted  bool
	ReasonLabel string
	Detail      template.HTML
	DetailLang  string // the language of Detail when it is not the page's
}

// PracticeView is a practice page.
type PracticeView struct {
	Card
	AgID []string
	// AgIDRefs and AgIDLang are as on ObjectiveView: the codes with the reference's
	// titles and pages.
	AgIDRefs []AgIDRef
	AgIDLang string
	Links    []Link
	HTML     template.HTML
	// Source, when set, is the repository the practice was read from (another body's
	// portal, or software described by its publiccode.yml), not a file of this portal.
	Source *SourceView
	Contributions
}

// SourceView is the repository an item comes from when it is not this portal's.
type SourceView struct {
	Kind   string // "portal" (another body's portal) or "publiccode"
	Body   string // the name of the body it speaks for
	URL    string // the repository, as pspm.yaml gives it (without credentials)
	Link   string // a web address for it, or "" when it has none (ssh, file)
	Ref    string // the branch or tag read ("" for the default branch)
	Commit string // the commit read, in full
	Short  string // its first 10 characters
	Stale  bool   // it could not be fetched by this build: an earlier copy was read
}

// BodyView is a body page.
//
// Its lists of actions, votes and comments are compact tables, continued on further pages
// (/bodies/<id>/plan/2/, …) when they do not fit the page budget: each page holds the
// rows of one stretch of them, in this order. Its proposals and practices are a few
// cards, the latest, with a link to their full lists.
type BodyView struct {
	ID, Name, Kind, Website string
	Label                   string // Kind in the page's language
	HTML                    template.HTML
	Members                 []string
	Proposals               []*Card // the latest MaxCards
	Practices               []*Card // the latest MaxCards
	// ProposalCount and PracticeCount are how many it has; ProposalsURL and
	// PracticesURL link the lists of them all.
	ProposalCount, PracticeCount int
	ProposalsURL, PracticesURL   string
	// Tables are the tables of actions with rows on this page: what it leads ("owns"),
	// co-owns ("co-owns") and what is addressed to it ("addressed").
	Tables []ActionTable
	// Results is the table of the expected results it leads or co-owns with rows on
	// this page ("results"), nil when none.
	Results  *BodyResultTable
	Votes    []VoteView     // the votes it cast listed on this page
	Feedback []FeedbackView // the comments it wrote listed on this page
	// Sections says, on every page, how many rows each list has and where it starts.
	Sections []SectionLink
	// Page is the number of this page of the body's lists, 1 for /bodies/<id>/; Pager
	// links them all.
	Page  int
	Pager Pager
}

// ActionTable is a compact table of actions: in plan order, sortable by its columns.
type ActionTable struct {
	Key       string // owns, co-owns, addressed
	Heading   string // in the page's language
	Total     int    // rows in the whole table, on every page
	Continued bool   // the table began on an earlier page
	Rows      []ActionRow
}

// ActionRow is an action in a compact table.
type ActionRow struct {
	Code, Title, URL string
	Objective        string // the title of its objective
	Status, Label    string // its status, and the status in the page's language
	StatusRank       int    // the place of Status in the statuses' natural order, for sorting
	Due              time.Time
	// HTML is this row rendered once by the theme's "action-row" template: the same
	// action is a row on the pages of many bodies.
	HTML template.HTML
}

// BodyResultTable is the compact table of the expected results a body leads, then
// those it co-owns, each in plan order, sortable by its columns.
type BodyResultTable struct {
	Heading   string // in the page's language
	Total     int    // rows in the whole table, on every page
	Continued bool   // the table began on an earlier page
	Rows      []BodyResultRow
}

// BodyResultRow is an expected result in a body's table.
type BodyResultRow struct {
	Code, Title, URL string
	Objective        string // the title of its objective
	// Statuses count its indicators by how they stand against this year's target
	// (site.Assess), in the order of site.TargetStatuses, leaving out those with no
	// count; StatusRank sorts the least favourable first, and those without targets
	// last.
	Statuses   []StatusCount
	StatusRank int
	Lead       bool   // the body leads it; else it co-owns it
	Role       string // lead or co-owner, in the page's language
}

// SectionLink is a list of a body's page, how many rows it has, and where it starts.
type SectionLink struct {
	Key, Title string
	Count      int
	URL        string // the page and the anchor where it starts; "" when it is empty
}

// VoteView is a vote listed on its voter's page, On the item voted on. It is a
// ReactionView, not a struct embedding one: a template reaches a field promoted from an
// embedded struct through reflect's search of the embedded fields, which allocates, and
// a body's page reads a dozen fields of each of its votes.
type VoteView = ReactionView

// BodyCard is a body in the list of bodies.
type BodyCard struct {
	ID, Name, Kind, URL         string
	Label                       string // Kind in the page's language
	Proposals, Practices, Votes int
}

// TagCard is a tag in the list of tags.
type TagCard struct {
	Name, URL string
	Count     int
}

func (r *renderer) tally(t site.Tally) TallyView {
	if r.memo != nil {
		return r.memo.tally(r.lang, r.epoch, t, func() TallyView { return r.makeTally(t) })
	}
	return r.makeTally(t)
}

func (r *renderer) makeTally(t site.Tally) TallyView {
	v := TallyView{Support: t.Support, Oppose: t.Oppose, Abstain: t.Abstain, Total: t.Votes(),
		PriorityCount: t.Priority.Count, Distribution: t.Priority.Distribution}
	if v.Total > 0 {
		// Largest-remainder rounding, so the three shares always add up to 100.
		v.SupportPct, v.OpposePct, v.AbstainPct = shares(v.Support, v.Oppose, v.Abstain)
	}
	if t.Priority.Count > 0 {
		v.PriorityMean = r.tr.OneDecimal(t.Priority.Mean)
		v.PriorityText = r.tr.T("priority.mean", v.PriorityMean, v.PriorityCount)
	}
	v.SupportText = r.tr.T("vote.support.n", v.Support)
	v.OpposeText = r.tr.T("vote.oppose.n", v.Oppose)
	v.AbstainText = r.tr.T("vote.abstain.n", v.Abstain)
	v.Bar = r.bars.of(tallyBar(v, r.tr))
	v.PriorityBar = r.bars.of(priorityBar(t.Priority, r.tr))
	return v
}

// interned keeps one copy of each distinct HTML it is given, outside the heap in a build:
// the bars of a million tallies are a few thousand distinct ones. The nil *interned (pspm
// serve) keeps nothing and returns what it is given.
type interned struct {
	mu sync.Mutex
	m  map[string]template.HTML
}

// of is the kept copy of h.
func (in *interned) of(h template.HTML) template.HTML {
	if in == nil || h == "" {
		return h
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	kept, ok := in.m[string(h)]
	if !ok {
		if in.m == nil {
			in.m = map[string]template.HTML{}
		}
		kept = template.HTML(offheap.Clone(string(h)))
		in.m[string(kept)] = kept
	}
	return kept
}

func shares(a, b, c int) (int, int, int) {
	total := a + b + c
	vals := [3]int{a, b, c}
	var pct [3]int
	var rem [3]int
	sum := 0
	for i, v := range vals {
		pct[i] = v * 100 / total
		rem[i] = v * 100 % total
		sum += pct[i]
	}
	for sum < 100 {
		best := 0
		for i := 1; i < 3; i++ {
			if rem[i] > rem[best] {
				best = i
			}
		}
		pct[best]++
		rem[best] = -1
		sum++
	}
	return pct[0], pct[1], pct[2]
}

// IncorporatedIn is a version of the plan that took a proposal up.
type IncorporatedIn struct {
	Version string
	Date    time.Time
	URL     string // what the version changed
}
