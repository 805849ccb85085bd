// Package site is pspm's model of a portal: the plan, proposals, practices, bodies and
// the contributions on them, as plain data with no I/O.
//
// The content package fills a Site from files; Resolve links its references and reports the
// dangling ones; Derive computes, once, everything the pages need (tallies, progress
// roll-ups, lists by body, status and tag). After Derive a Site is read-only: renderers
// and indexers share it across goroutines without locks.
package site

import (
	"io/fs"
	"sort"
	"strings"
	"time"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Section names the kind of an item. Its value is also the item's folder under content/
// and its URL path: the item proposals/x lives in content/proposals/x and is published at
// /proposals/x/.
type Section string

// The sections of a portal.
const (
	Goals      Section = "plan/goals"
	Objectives Section = "plan/objectives"
	Results    Section = "plan/results"
	Actions    Section = "plan/actions"
	Proposals  Section = "proposals"
	Practices  Section = "practices"
	Bodies     Section = "bodies"
)

// Sections lists every section, in the order the plan and the portal present them.
var Sections = []Section{Goals, Objectives, Results, Actions, Proposals, Practices, Bodies}

// Item is what every page-worthy entry shares: where it comes from and what was
// contributed on it.
type Item struct {
	ID      string
	Section Section
	File    string // the Markdown file, e.g. content/proposals/x/index.md
	Dir     string // the folder of its contributions, e.g. content/proposals/x
	// text is the Markdown body (Text), as it is, compressed, or in the texts' file
	// (PackText).
	text     heldText
	TextLine int // the file line where the text starts

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`

	Reactions   []*Reaction   // sorted by voter
	Supports    []*Support    // sorted by participant
	Feedback    []*Feedback   // sorted by date, then file
	Amendments  []*Amendment  // plan items only: sorted by date, then file
	Attachments []*Attachment // sorted by name
	Tally       Tally
	// Backing is the number of counted supports of the community's participants: kept
	// apart from Tally, the bodies' votes.
	Backing      int
	Translations map[string]*Translation // by language, from <id>.<lang>.md or index.<lang>.md
	// History is every change to the item's file (and its translations) that landed on
	// the main branch, oldest first (not its Amendments, which bodies propose). Empty without Git.
	History []*Change

	// Namespace is "" for the portal's own items, and "bodies/<body>/" for those another
	// body's portal (a source) brought in: it comes before the key and the URL, so that
	// the ids of two portals never meet. From is that source (or the repository a
	// publiccode.yml was read from).
	Namespace string
	From      *Source

	// Hidden is the moderation that hides the item (a proposal or practice), or nil: its
	// page stays, with the notice instead of its text (see Site.Moderate).
	Hidden *Moderation `yaml:"-"`
	// Foreign is the language the text is written in (BCP 47), as the file declares it
	// with lang:, when it is not one of the portal's languages; "" otherwise (see
	// Site.CheckLanguages).
	Foreign string `yaml:"-"`

	// url is URL() as made when the item joined Site.Items from the strings at madeOf:
	// Key and URL return it (or a part of it) without making a string, for as long as
	// Namespace, Section and ID are those strings; the views ask for them several times
	// per item and list.
	url    string
	madeOf [3]stringAt
}

// stringAt is where a string's bytes are, and how many: a string that is still there is
// the same, without reading its bytes.
type stringAt struct {
	p *byte
	n int
}

func at(s string) stringAt { return stringAt{unsafe.StringData(s), len(s)} }

// Change is one version of an item's file that landed on the main branch.
type Change struct {
	File         string
	Commit       string
	AuthorName   string
	AuthorEmail  string
	Authored     time.Time
	Message      string // the first line of the commit message
	Landed       time.Time
	LandedCommit string
	Deleted      bool // the file was removed (a translation dropped, or the item moved)
}

// Translation is an item's text in another language. What it does not translate (status,
// dates, references) is the item's own.
type Translation struct {
	Title  string            `yaml:"title" meta:"required"`
	Answer TranslationAnswer `yaml:"answer"`
	// Phases are the names of the plan's phases in the language, in the order of
	// content/plan/_index.md (a translation of the plan only; "" keeps a name as it is).
	Phases []string `yaml:"phases"`

	File     string
	Text     string
	TextLine int
	Pos      diag.Pos `yaml:"-"`
}

// TranslationAnswer translates the official answer to a proposal.
type TranslationAnswer struct {
	Text string `yaml:"text"`
}

// Key is the item's stable name across the portal and its open data: "<section>/<id>".
func (it *Item) Key() string {
	if u, ok := it.madeURL(); ok {
		return u[1 : len(u)-1]
	}
	return it.Namespace + string(it.Section) + "/" + it.ID
}

// URL is the item's page path, e.g. /proposals/x/.
func (it *Item) URL() string {
	if u, ok := it.madeURL(); ok {
		return u
	}
	return "/" + it.Namespace + string(it.Section) + "/" + it.ID + "/"
}

// makeURL makes the URL that Key and URL return from then on.
func (it *Item) makeURL() {
	it.url = "/" + it.Namespace + string(it.Section) + "/" + it.ID + "/"
	it.madeOf = [3]stringAt{at(it.Namespace), at(string(it.Section)), at(it.ID)}
}

// madeURL returns the URL makeURL made, when it is still the item's: when Namespace,
// Section and ID are the strings it was made from (the same bytes at the same place; a
// copy of the item shares them), which is cheaper to tell than reading them.
func (it *Item) madeURL() (string, bool) {
	same := func(s string, a stringAt) bool { return len(s) == a.n && (a.n == 0 || unsafe.StringData(s) == a.p) }
	m := &it.madeOf
	return it.url, it.url != "" && same(it.ID, m[2]) && same(it.Namespace, m[0]) && same(string(it.Section), m[1])
}

// URLLen is len(it.URL()), without making the URL: the pages cut in parts size their
// rows by it, for every row of every list.
func (it *Item) URLLen() int { return len(it.Namespace) + len(it.Section) + len(it.ID) + 3 }

// at returns the position of the value of key, or of the item when the key is absent.
func (it *Item) at(key string) diag.Pos {
	if p, ok := it.At[key]; ok {
		return p
	}
	if it.Pos.File != "" {
		return it.Pos
	}
	return diag.Pos{File: it.File, Line: 1, Col: 1}
}

// Attachment is a file published beside an item's page.
type Attachment struct {
	Name string // the file name, safe as a URL path element
	File string // its path in the source
	Size int64
	// FS is the file system File is read from when it is not the site's folder: the
	// commit of a portal source, read from its Git objects. Nil for the site's own.
	FS fs.FS `json:"-"`
}

// Plan is content/plan/_index.md.
type Plan struct {
	Title  string  `yaml:"title" meta:"required"`
	Period string  `yaml:"period"`
	Owner  string  `yaml:"owner" meta:"required"`
	Phases []Phase `yaml:"phases"`

	File     string
	Text     string
	TextLine int
	Pos      diag.Pos            `yaml:"-"`
	At       map[string]diag.Pos `yaml:"-"`

	OwnerBody    *Body                   `yaml:"-"`
	Translations map[string]*Translation `yaml:"-"`
}

// Phase is a window of the participation timeline and what it opens.
type Phase struct {
	Name  string    `yaml:"name" meta:"required"`
	From  time.Time `yaml:"from" meta:"required"`
	To    time.Time `yaml:"to" meta:"required"`
	Opens []string  `yaml:"opens" enum:"proposals|feedback|votes|priorities|amendments"`
	// Community is what the phase opens to the community's participants (content/
	// participants/): proposals, feedback, supports. Opens stays what it opens to bodies.
	Community []string `yaml:"community" enum:"proposals|feedback|supports"`
	// Scope limits the community part of the phase to these items ("objectives/ob-1",
	// "plan/actions/a1", "proposals/x") or sections ("proposals", "plan/actions"); empty
	// is every item.
	Scope []string `yaml:"scope"`
	// Threshold is how many counted supports a community proposal needs, landed within
	// the phase, to be marked for an official answer; 0 is no threshold.
	Threshold int `yaml:"threshold" range:"0,100000000"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

// Opening reports whether the phase opens what (proposals, feedback, votes, priorities
// or amendments).
func (p *Phase) Opening(what string) bool {
	for _, o := range p.Opens {
		if o == what {
			return true
		}
	}
	return false
}

// Goal is a level-1 item of the plan.
type Goal struct {
	Item
	Title string `yaml:"title" meta:"required"`
	Code  string `yaml:"code" max:"40"` // the official code, e.g. "OB.1": see CheckCode
	// Replaces are the ids of items of the same section in an earlier version of the plan
	// that this item continues: one id when it renumbers or renames it, several when it
	// merges them; the same id in several items splits it (see Diff).
	Replaces []string `yaml:"replaces"`
	Order    int      `yaml:"order" range:"0,1000000"`

	Objectives []*Objective `yaml:"-"`
	Progress   Progress     `yaml:"-"`
}

// Objective is a level-2 item of the plan.
type Objective struct {
	Item
	Title    string   `yaml:"title" meta:"required"`
	Code     string   `yaml:"code" max:"40"` // the official code, e.g. "OB.1.1": see CheckCode
	Replaces []string `yaml:"replaces"`
	Goal     string   `yaml:"goal" meta:"required"`
	AgID     []string `yaml:"agid"`
	Order    int      `yaml:"order" range:"0,1000000"`

	GoalItem *Goal     `yaml:"-"`
	Results  []*Result `yaml:"-"` // its expected results, in plan order
	Actions  []*Action `yaml:"-"`
	Progress Progress  `yaml:"-"`
	// Contributing are the actions of other bodies' plans (sources) that say they
	// contribute to this objective (contributes_to), by body then id.
	Contributing []*Action `yaml:"-"`
}

// Action statuses.
const (
	StatusPlanned    = "planned"
	StatusInProgress = "in-progress"
	StatusDone       = "done"
	StatusDelayed    = "delayed"
	StatusCancelled  = "cancelled"
)

// ActionStatuses lists the statuses of an action in their natural order.
var ActionStatuses = []string{StatusPlanned, StatusInProgress, StatusDone, StatusDelayed, StatusCancelled}

// Action is a level-3 item of the plan: something a body does, measured by indicators.
type Action struct {
	Item
	Title     string   `yaml:"title" meta:"required"`
	Code      string   `yaml:"code" max:"40"` // the official code, e.g. "CAP1.PA.LA07": see CheckCode
	Replaces  []string `yaml:"replaces"`
	Objective string   `yaml:"objective" meta:"required"`
	// Owners are the bodies that carry the action out, as `owner:` lists them (one id or
	// a list): the first leads, the others co-own it. Resolve sets the plan owner when
	// the file names none, and Owner to the lead, Owners[0] ("" when none), so that what
	// reads Owner means the lead.
	Owners []string `yaml:"owner"`
	Owner  string   `yaml:"-"`
	// Addressees are whom the action is addressed to (it asks them to act): body ids,
	// body kinds (BodyKinds) or AddressAll, as `addressees:` lists them.
	Addressees    []string    `yaml:"addressees"`
	Status        string      `yaml:"status" enum:"planned|in-progress|done|delayed|cancelled"`
	Progress      int         `yaml:"progress" range:"0,100"`
	Start         time.Time   `yaml:"start"`
	Due           time.Time   `yaml:"due"`
	Indicators    []Indicator `yaml:"indicators"`
	Proposals     []string    `yaml:"proposals"`
	ContributesTo []string    `yaml:"contributes_to"`
	Order         int         `yaml:"order" range:"0,1000000"`

	ObjectiveItem *Objective `yaml:"-"`
	OwnerBody     *Body      `yaml:"-"` // the lead's body, OwnerBodies[0], or nil
	// OwnerBodies are the bodies of Owners that this portal declares, in their order.
	OwnerBodies []*Body `yaml:"-"`
	// AddresseeBodies are the bodies Addressees names by id; AddresseeKinds the kinds it
	// names (and AddressAll), in their order. Site.AddressedTo turns both into the
	// actions addressed to one body.
	AddresseeBodies []*Body  `yaml:"-"`
	AddresseeKinds  []string `yaml:"-"`
	// place is the action's place in Site.Actions, set by Derive: the order of the
	// lists merged by Site.AddressedTo.
	place         int
	ProposalItems []*Proposal `yaml:"-"`
	// Series is the action's progress over time, oldest first: one point per commit of
	// the main branch that changed its progress, status or an indicator value. Empty
	// without Git.
	Series []ProgressPoint `yaml:"-"`
}

// Result is an expected result of the plan, under an objective: what the objective
// should have achieved, measured by indicators with a target per year (or per date).
type Result struct {
	Item
	Title      string      `yaml:"title" meta:"required"`
	Code       string      `yaml:"code" max:"40"`
	Replaces   []string    `yaml:"replaces"`
	Objective  string      `yaml:"objective" meta:"required"`
	Owners     []string    `yaml:"owner"`
	Owner      string      `yaml:"-"` // the lead owner, Owners[0]; "" when none
	Order      int         `yaml:"order" range:"0,1000000"`
	Indicators []Indicator `yaml:"indicators"`

	ObjectiveItem *Objective `yaml:"-"`
	OwnerBodies   []*Body    `yaml:"-"` // the owners that are bodies of the portal, in order
}

// Indicator measures an action or a result.
type Indicator struct {
	Name         string    `yaml:"name" meta:"required"`
	Unit         string    `yaml:"unit"`
	Baseline     float64   `yaml:"baseline"`
	BaselineDate time.Time `yaml:"baseline_date"`
	Target       float64   `yaml:"target"`
	// Targets are the values to reach by a year or a date, in time order (see
	// Target.Deadline); Resolve checks them.
	Targets []Target `yaml:"targets"`
	Values  []Value  `yaml:"values"`

	Pos diag.Pos `yaml:"-"`
}

// Target is the value an indicator should reach by the end of a year (Year) or by a date
// (Date): exactly one of them is set.
type Target struct {
	Year  int       `yaml:"year" range:"1900,2200"`
	Date  time.Time `yaml:"date"`
	Value float64   `yaml:"value"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"` // where year and date are written
}

// Deadline is the day the target is due: its date, or 31 December of its year.
func (t Target) Deadline() time.Time {
	if t.Year != 0 {
		return time.Date(t.Year, time.December, 31, 0, 0, 0, 0, time.UTC)
	}
	return t.Date
}

// Value is one dated measurement of an indicator.
type Value struct {
	Date  time.Time `yaml:"date" meta:"required"`
	Value float64   `yaml:"value"`

	Pos diag.Pos `yaml:"-"`
}

// Proposal statuses.
const (
	ProposalOpen         = "open"
	ProposalUnderReview  = "under-review"
	ProposalAccepted     = "accepted"
	ProposalRejected     = "rejected"
	ProposalIncorporated = "incorporated"
	ProposalWithdrawn    = "withdrawn"
)

// ProposalStatuses lists the statuses of a proposal in the order of its life.
var ProposalStatuses = []string{ProposalOpen, ProposalUnderReview, ProposalAccepted, ProposalRejected, ProposalIncorporated, ProposalWithdrawn}

// Proposal is a public body's proposal on the plan.
type Proposal struct {
	Item
	Title string `yaml:"title" meta:"required"`
	// Body is the body that proposes it; Participant, instead, the community's
	// participant (exactly one of the two).
	Body        string    `yaml:"body"`
	Participant string    `yaml:"participant" max:"40"`
	Authors     []string  `yaml:"authors"`
	Date        time.Time `yaml:"date" meta:"required"`
	Targets     []string  `yaml:"targets"`
	Tags        []string  `yaml:"tags"`
	Status      string    `yaml:"status" enum:"open|under-review|accepted|rejected|incorporated|withdrawn"`
	Answer      Answer    `yaml:"answer"`
	Lang        string    `yaml:"lang" max:"35"` // the language it is written in (BCP 47), when it says

	BodyItem    *Body   `yaml:"-"`
	TargetItems []*Item `yaml:"-"`
	// ParticipantItem is the participant who proposes it, when Participant is set.
	ParticipantItem *Participant `yaml:"-"`
	// Threshold is set by Derive when the proposal's counted supports within a phase
	// reached that phase's threshold; nil otherwise.
	Threshold *ThresholdReached `yaml:"-"`
	// PastTargets are targets that the work tree's plan no longer has but an approved
	// version had (an action removed since): the proposal stays about them.
	PastTargets []PastTarget `yaml:"-"`
	// unknownTargets are targets not in the work tree's plan, checked against the
	// versions by CheckTargets.
	unknownTargets []int
	TakenUpBy      []*Action `yaml:"-"` // actions that list this proposal
}

// PastTarget is a target of a proposal found in an approved version of the plan only.
type PastTarget struct {
	ID      string
	Title   string
	Section Section
	Version *Version // the latest version that has it
}

// Answer is the plan owner's official answer to a proposal.
type Answer struct {
	Date time.Time `yaml:"date"`
	Text string    `yaml:"text"`
}

// Practice kinds.
var PracticeKinds = []string{"strategic-plan", "methodology", "experience", "software", "guideline"}

// Practice is a good practice shared by a body.
type Practice struct {
	Item
	Title string    `yaml:"title" meta:"required"`
	Body  string    `yaml:"body" meta:"required"`
	Kind  string    `yaml:"kind" meta:"required" enum:"strategic-plan|methodology|experience|software|guideline"`
	Tags  []string  `yaml:"tags"`
	AgID  []string  `yaml:"agid"`
	Links []Link    `yaml:"links"`
	Date  time.Time `yaml:"date"`
	Lang  string    `yaml:"lang" max:"35"` // the language it is written in (BCP 47), when it says

	BodyItem *Body `yaml:"-"`
}

// FederatedPlan is the plan of another body's portal, brought in by a source: its items
// are under bodies/<body>/plan/, as its portal derived them.
type FederatedPlan struct {
	Body       *Body // this portal's body the source speaks for
	From       *Source
	Plan       Plan
	Goals      []*Goal
	Objectives []*Objective
	Actions    []*Action
	Progress   Progress
	// Contributing are its actions that contribute to this portal's objectives, and
	// Contribution their progress rolled up.
	Contributing []*Action
	Contribution Progress
}

// URL is the page of the plan.
func (f *FederatedPlan) URL() string { return "/" + string(Bodies) + "/" + f.Body.ID + "/plan/" }

// Source is a repository of another body that the build fetched content from.
type Source struct {
	Kind           string // "portal" or "publiccode", as in pspm.yaml
	URL, Ref, Path string
	Body           string    // the body it speaks for
	Commit         string    // the commit read
	Fetched        time.Time // when the copy read was fetched
	Stale          bool      // it could not be fetched this time: the copy is older
	File           string    // the file read, for messages: sources/<name>/publiccode.yml
}

// Link is a titled external link.
type Link struct {
	Title string `yaml:"title" meta:"required"`
	URL   string `yaml:"url" meta:"required"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

// AddressAll is the addressee that names every body.
const AddressAll = "all"

// BodyKinds lists the kinds of public body.
var BodyKinds = []string{"ministry", "region", "province", "metropolitan-city", "municipality", "agency", "university", "health-authority", "other"}

// Body is a public body, identified by its IPA code.
type Body struct {
	Item
	Name    string   `yaml:"name" meta:"required"`
	Kind    string   `yaml:"kind" enum:"ministry|region|province|metropolitan-city|municipality|agency|university|health-authority|other"`
	Website string   `yaml:"website"`
	Members []Member `yaml:"members"`

	Proposals []*Proposal `yaml:"-"`
	Practices []*Practice `yaml:"-"`
	Actions   []*Action   `yaml:"-"` // actions it leads (the first of their owners)
	// CoOwned are the actions it owns but does not lead; Addressed those addressed to it
	// by its id. The actions addressed to it by its kind or to all bodies are kept once,
	// by kind, in the Site: Site.AddressedTo lists them all.
	CoOwned   []*Action `yaml:"-"`
	Addressed []*Action `yaml:"-"`
	// Results are the expected results it leads (the first of their owners), and
	// CoOwnedResults those it owns but does not lead, in plan order.
	Results        []*Result   `yaml:"-"`
	CoOwnedResults []*Result   `yaml:"-"`
	Votes          []*Reaction `yaml:"-"` // reactions it cast, by item
	Comments       []*Feedback `yaml:"-"` // feedback it wrote, by date
}

// Member returns the member of b whose email is email, compared without case (email
// domains and, in practice, local parts are case-insensitive), or nil.
func (b *Body) Member(email string) *Member {
	for i := range b.Members {
		if strings.EqualFold(b.Members[i].Email, email) {
			return &b.Members[i]
		}
	}
	return nil
}

// ForgeMember returns the member of b whose forge account is account, compared
// without case (GitHub, GitLab and Gitea user names are case-insensitive), or nil.
func (b *Body) ForgeMember(account string) *Member {
	account = strings.TrimPrefix(account, "@")
	if account == "" {
		return nil
	}
	for i := range b.Members {
		if strings.EqualFold(b.Members[i].Forge, account) {
			return &b.Members[i]
		}
	}
	return nil
}

// Member is a person who may act for a body. The portal shows a member by Name and
// Role (Shown), never by Email: the address only matches commits to the member, and
// reaches the open data only when open_data.personal opts in.
type Member struct {
	Name string `yaml:"name"`
	// Role is the member's office as the body declares it ("Responsabile per la
	// transizione al digitale"): a body may list a member by role alone, without a name.
	Role  string   `yaml:"role" max:"200"`
	Email string   `yaml:"email" meta:"required"`
	Keys  []string `yaml:"keys"`
	// Forge is the member's account on the portal's forge (a GitHub, GitLab or Gitea
	// user name, without "@"): the identity the forge authenticates, which
	// `pspm check --base --actor` compares with the account that opened a merge request.
	Forge string `yaml:"forge"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

// Shown is how the portal names the member: "Name, Role", or whichever of the two the
// body declared.
func (m *Member) Shown() string {
	switch {
	case m.Name != "" && m.Role != "":
		return m.Name + ", " + m.Role
	case m.Name != "":
		return m.Name
	}
	return m.Role
}

// FeedbackKinds lists the kinds of feedback.
var FeedbackKinds = []string{"comment", "question", "objection", "support"}

// Feedback is a comment by a body on an item.
type Feedback struct {
	Title string    `yaml:"title" meta:"required"`
	Date  time.Time `yaml:"date" meta:"required"`
	Kind  string    `yaml:"kind" enum:"comment|question|objection|support"`
	// ForItem and ForBody, when present, must name the item and the body; a detached
	// signature binds them as for reactions.
	ForItem string `yaml:"item" max:"300"`
	ForBody string `yaml:"body" max:"64"`
	// ReplyTo makes the feedback a reply: the ID (file name without .md) of another
	// feedback of the same item. Paragraph anchors it to a paragraph of the item's text,
	// by the paragraph's anchor (p-<hash>, see the markdown package).
	ReplyTo   string `yaml:"reply_to" max:"200"`
	Paragraph string `yaml:"paragraph" max:"64"`

	Voter    string // the body that speaks, from the file name
	Slug     string // the rest of the file name
	ItemKey  string // the item it is on, "<section>/<id>"
	File     string
	Text     string
	TextLine int
	Pos      diag.Pos            `yaml:"-"`
	At       map[string]diag.Pos `yaml:"-"`

	Blob     string    `yaml:"-"`
	Raw      []byte    `yaml:"-"`
	Sig      *Sig      `yaml:"-"`
	Origin   *Origin   `yaml:"-"`
	Problems diag.List `yaml:"-"` // as for Reaction
	Verdict  `yaml:"-"`

	VoterBody *Body `yaml:"-"`
	// VoterParticipant is the community's participant who wrote it, when Voter is a
	// participant's handle rather than a body id.
	VoterParticipant *Participant `yaml:"-"`
	On               *Item        `yaml:"-"`
	// Parent is the feedback ReplyTo names, once Resolve found it on the same item and
	// outside any cycle; nil for a comment on the item itself. Replies are the feedback
	// whose Parent it is, by date then file (Derive).
	Parent  *Feedback   `yaml:"-"`
	Replies []*Feedback `yaml:"-"`
	// Moved is, for a comment whose paragraph is no longer in its item's text, the
	// paragraph it was about, from the item's file as it was when the comment landed
	// (nil without Git, or when that text is not in the history).
	Moved *ParagraphMove `yaml:"-"`

	// Hidden is the moderation that hides it, or nil (see Site.Moderate).
	Hidden *Moderation `yaml:"-"`
	// Lang is the language it is written in (BCP 47), when it says; Foreign is Lang
	// when it is not one of the portal's languages.
	Lang    string `yaml:"lang" max:"35"`
	Foreign string `yaml:"-"`
}

// ParagraphMove is where the paragraph a comment is anchored to went: Old is its text
// (normalised) when the comment landed, To the anchor of the paragraph of the current
// text it became, "" when no paragraph is like it (it was removed).
type ParagraphMove struct {
	Old string
	To  string
}

// ID names the feedback within its item: the file name without extension.
func (f *Feedback) ID() string { return f.Voter + "-" + f.Slug }

// Votes.
const (
	VoteSupport = "support"
	VoteOppose  = "oppose"
	VoteAbstain = "abstain"
)

// Reaction is one body's vote and priority on one item.
//
// A site may hold a million reactions from its load to its last page, so a reaction
// holds in itself only what every reaction has and every build reads (the vote, the
// voter, the item, the file, the commit and the verdict): 128 bytes. What few carry (a
// comment, the optional item, voter and date of the file, a detached signature and the
// bytes it signs, the file's problems, the amendment voted on, a moderation) is in
// Extra, nil for the others: 288 bytes each before, 160 MB more of a million. Read those
// with the methods of the same names, which give the zero value when Extra is nil; set
// them through Own.
type Reaction struct {
	// Reactions are the most numerous files of a site: they keep no per-key positions,
	// since every rule about their values is checked while they are decoded.
	File string

	// Blob is the Git blob hash of the file as read, so that its Origin is only credited
	// when the file is exactly the committed version.
	Blob string
	// Origin is the commit that cast the vote as it stands, when the site is read from Git.
	Origin *Origin

	// Verdict of the trust model (who may vote for a body, and how that is shown), set
	// by the trust stage. A counted reaction may count only in part: CountVote and
	// CountPriority say which of its vote and priority landed in a phase that opened them
	// (Detail says why not).
	//
	// A million reactions have a few hundred distinct verdicts, so the trust stage makes
	// the reactions whose verdicts are equal share one (InternVerdict): a verdict is
	// never changed through a reaction, only replaced (r.Verdict = &v). It is never nil:
	// a reaction is made with Unjudged, the empty verdict they all share until judged.
	*Verdict

	VoterBody *Body
	On        *Item

	// Extra is what few reactions carry, or nil.
	Extra *ReactionExtra

	// The voter and the item key (Voter, ItemKey, set by SetNames) are where they are in
	// File, content/<section>/<id>/reactions/<voter>.yaml: File[voterAt:voterEnd] and
	// File[keyAt:keyEnd]; an end of 0 says that Extra holds the name (a file elsewhere,
	// an item key a federated portal's namespace prefixes, a path past 255 bytes).
	voterAt, voterEnd, keyAt, keyEnd uint8

	CountVote     bool
	CountPriority bool
	vote          voteCode // the vote (Vote, SetVote)
	// Priority, 1 to 5 (0: none), checked as it is decoded. The names' places, the two
	// flags, the vote and the priority take 8 bytes, and a reaction 80 rather than 128
	// (48 MB of a million, held from the load to the end of the build).
	Priority int8
}

// voteCode is a reaction's vote in a byte: one of the three votes, none, or another
// word (in Extra).
type voteCode uint8

const (
	voteNone voteCode = iota
	voteSupport
	voteOppose
	voteAbstain
	voteOther // Extra.OtherVote
)

// Vote is the reaction's vote: VoteSupport, VoteOppose, VoteAbstain, or "" (a priority
// alone, or a vote not read).
func (r *Reaction) Vote() string {
	switch r.vote {
	case voteSupport:
		return VoteSupport
	case voteOppose:
		return VoteOppose
	case voteAbstain:
		return VoteAbstain
	case voteOther:
		return r.extra().OtherVote
	}
	return ""
}

// SetVote sets the reaction's vote.
func (r *Reaction) SetVote(v string) {
	if r.Extra != nil {
		r.Extra.OtherVote = ""
	}
	switch v {
	case "":
		r.vote = voteNone
	case VoteSupport:
		r.vote = voteSupport
	case VoteOppose:
		r.vote = voteOppose
	case VoteAbstain:
		r.vote = voteAbstain
	default:
		r.vote = voteOther
		r.Own().OtherVote = v
	}
}

// Voter is the voter the file is named after: its name without .yaml (canonical or not:
// see Reason).
func (r *Reaction) Voter() string {
	if r.voterEnd > 0 {
		return r.File[r.voterAt:r.voterEnd]
	}
	return r.extra().Voter
}

// ItemKey is the key of the item (or amendment) the reaction is on.
func (r *Reaction) ItemKey() string {
	if r.keyEnd > 0 {
		return r.File[r.keyAt:r.keyEnd]
	}
	return r.extra().ItemKey
}

// SetNames sets the reaction's voter and item key, once File is set: where File holds
// them they are parts of it, otherwise Extra holds them.
func (r *Reaction) SetNames(voter, itemKey string) {
	r.voterAt, r.voterEnd, r.keyAt, r.keyEnd = 0, 0, 0, 0
	if r.Extra != nil {
		r.Extra.Voter, r.Extra.ItemKey = "", ""
	}
	if at, ok := partOf(r.File, voter, true); ok {
		r.voterAt, r.voterEnd = at, at+uint8(len(voter))
	} else if voter != "" {
		r.Own().Voter = voter
	}
	if at, ok := partOf(r.File, itemKey, false); ok {
		r.keyAt, r.keyEnd = at, at+uint8(len(itemKey))
	} else if itemKey != "" {
		r.Own().ItemKey = itemKey
	}
}

// partOf is where s is in file (its last place, or its first), when it is there, not
// empty, and ends within 255 bytes.
func partOf(file, s string, last bool) (uint8, bool) {
	if s == "" {
		return 0, false
	}
	i := strings.Index(file, s)
	if last {
		i = strings.LastIndex(file, s)
	}
	if i < 0 || i+len(s) > 255 {
		return 0, false
	}
	return uint8(i), true
}

// ReactionExtra is the part of a reaction that few reactions have (see Reaction).
type ReactionExtra struct {
	// Voter, ItemKey and OtherVote are the reaction's when its File does not hold them
	// (Reaction.SetNames), or its vote is another word (Reaction.SetVote).
	Voter, ItemKey, OtherVote string

	Comment string
	// ForItem and ForVoter are optional in the file; when present they must name the item and
	// the voter the file is for. A detached signature (<voter>.yaml.sig) signs the file's
	// bytes, so only a file that names its item and voter binds the signature to them: a
	// signature copied to another item then no longer matches.
	ForItem  string
	ForVoter string
	Date     time.Time

	// Raw is the file's bytes, which a detached signature signs: kept only for a file
	// that has one.
	Raw []byte
	// Sig is the detached signature beside the file, or nil.
	Sig *Sig
	// Problems are what is wrong with the file itself (malformed, misnamed, unknown voter
	// or item). A build keeps and shows the reaction as not counted and reports them as
	// warnings; `pspm check` reports them as errors, so they never reach the main branch.
	Problems diag.List

	// Amendment is the amendment the vote is on, when it is one: ItemKey is then the
	// amendment's Key and On the item it amends. Such a vote is in the amendment's
	// Reactions and Tally, never in the item's.
	Amendment *Amendment
	// Hidden is the moderation that hides it, or nil: it is kept, never counted.
	Hidden *Moderation
}

// ReactionFile is what a reaction file (<voter>.yaml) says, as it is decoded; the load
// moves it into a Reaction.
type ReactionFile struct {
	Vote     string    `yaml:"vote" enum:"support|oppose|abstain"`
	Priority int       `yaml:"priority" range:"1,5"`
	Comment  string    `yaml:"comment" max:"500"`
	ForItem  string    `yaml:"item" max:"300"`
	ForVoter string    `yaml:"voter" max:"64"`
	Date     time.Time `yaml:"date"`
}

// noExtra is what a reaction without Extra reads.
var noExtra ReactionExtra

// extra is r's Extra, or an empty one to read.
func (r *Reaction) extra() *ReactionExtra {
	if r.Extra != nil {
		return r.Extra
	}
	return &noExtra
}

// Own is r's Extra, made when r has none, to set.
func (r *Reaction) Own() *ReactionExtra {
	if r.Extra == nil {
		r.Extra = new(ReactionExtra)
	}
	return r.Extra
}

// Comment is the comment of the file, or "".
func (r *Reaction) Comment() string { return r.extra().Comment }

// ForItem is the item the file names, or "".
func (r *Reaction) ForItem() string { return r.extra().ForItem }

// ForVoter is the voter the file names, or "".
func (r *Reaction) ForVoter() string { return r.extra().ForVoter }

// Date is the date the file gives, or the zero time.
func (r *Reaction) Date() time.Time { return r.extra().Date }

// Raw is the file's bytes when a detached signature signs them, or nil.
func (r *Reaction) Raw() []byte { return r.extra().Raw }

// Sig is the detached signature beside the file, or nil.
func (r *Reaction) Sig() *Sig { return r.extra().Sig }

// Problems are what is wrong with the file itself.
func (r *Reaction) Problems() diag.List { return r.extra().Problems }

// Amendment is the amendment the vote is on, or nil.
func (r *Reaction) Amendment() *Amendment { return r.extra().Amendment }

// Hidden is the moderation that hides it, or nil.
func (r *Reaction) Hidden() *Moderation { return r.extra().Hidden }

// SetFile moves what the file f says into r: the vote and priority, and the rest into
// Extra when there is any.
func (r *Reaction) SetFile(f ReactionFile) {
	r.SetVote(f.Vote)
	r.Priority = int8(f.Priority) // 1 to 5: checked as it is decoded
	if f.Comment != "" || f.ForItem != "" || f.ForVoter != "" || !f.Date.IsZero() {
		x := r.Own()
		x.Comment, x.ForItem, x.ForVoter, x.Date = f.Comment, f.ForItem, f.ForVoter, f.Date
	}
}

// Sig is a detached signature file beside a contribution: <file>.sig.
type Sig struct {
	File string
	Data []byte
	Blob string // the Git blob hash of Data
	// Spent says that this very signature was on the main branch at this path before and
	// was withdrawn or replaced: re-adding it replays a vote the voter took back.
	// Withdrawn says when and by which commit.
	Spent     bool
	Withdrawn *Withdrawal
}

// Withdrawal is when the main branch took a version of a contribution back: the
// first-parent commit that deleted or replaced it, and its time.
type Withdrawal struct {
	Commit string
	When   time.Time
}

// Landing is one commit of the main branch's first-parent chain: the facts that say
// whether its committer time, the landing time of what it brought, can be trusted
// (trust decides, by membership): who committed it, with what signature, and whether
// it is a merge.
type Landing struct {
	Commit         string
	Committed      time.Time
	CommitterName  string
	CommitterEmail string
	Merge          bool
	// Signature and Payload are the commit's signature and the bytes it signs, when it
	// is signed and its signature was kept (see history.History.Signatures).
	Signature string
	Payload   string
}

// Unjudged is the verdict of every reaction not yet judged, shared by them all: a
// reaction's verdict is replaced, never changed through it (Reaction.Verdict), so one
// empty verdict serves a million reactions from the load to the trust stage, where each
// made its own held 112 MB at 1,000,000 reactions. UnjudgedIntact says that none
// changed it.
var Unjudged = &Verdict{}

// UnjudgedIntact reports whether Unjudged is still the empty verdict.
func UnjudgedIntact() bool {
	v := Unjudged
	return !v.Counted && v.Reason == "" && v.Detail == "" && v.Verification == "" && v.Signer == "" && v.Member == "" && v.Sentences == nil
}

// Verdict says whether a contribution counts, and why not. Reactions and feedback share
// the rules: who may speak for a body, and when.
type Verdict struct {
	Counted bool
	// Reason is one of the Reason constants when the contribution does not count.
	Reason string
	// Detail explains Reason in a sentence (English), for the audit trail and open data.
	Detail string
	// Verification says how the voter's identity was established: VerifiedAuthor,
	// VerifiedSignature, or VerifiedNone when it was not (policy none, or not counted).
	Verification string
	// Signer is who vouched for the contribution: the member's email (policy author)
	// or the fingerprint of the key that signed it (policy signed). An email is
	// personal data: pages never show it, the open data only with open_data.personal.
	Signer string
	// Member is the member who vouched for it, as the body declares them (Member.Shown):
	// what the portal shows of who cast a counted contribution.
	Member string
	// Sentences are Detail as data, one per sentence Detail joins with "; ": pages write
	// each in their language (verdict.<Key> in the language files) and fall back to
	// Detail when a sentence has no key or no translation. A problem's message written
	// by a parser is a sentence (verdict.problem) whose parameter is Technical.
	Sentences []Sentence
}

// Sentence is one sentence of a Verdict's Detail: the key of its translation, its
// parameters in the order of the sentence, and the sentence in English.
type Sentence struct {
	Key     string
	Params  []Param
	English string
}

// Param is a parameter of a Sentence: a text (a commit, a file, a body, an email), a
// moment written the page's way, or a word the page translates by Label (a key of the
// language files, such as amendment.status.accepted).
type Param struct {
	Text  string
	Time  time.Time
	Clock bool // Time with its time of day (UTC), not only its day
	Label string
	// Technical: Text is a parser's or a library's message, the same in every language
	// (pages mark it as English).
	Technical bool
}

// Reasons a contribution does not count. They are stable codes, used in the open data
// and translated on the pages.
const (
	ReasonMalformed     = "malformed"      // the file cannot be read as a reaction, or its name is not <voter id>.yaml
	ReasonDuplicate     = "duplicate"      // another file of the same voter on the same item is the canonical one
	ReasonUnknownVoter  = "unknown-voter"  // no registered body has the voter id
	ReasonUnknownItem   = "unknown-item"   // the item does not exist or takes no votes
	ReasonClosed        = "closed"         // the item no longer accepts votes (withdrawn, cancelled, or answered before the vote landed)
	ReasonUnverified    = "unverified"     // the policy needs Git to verify it, and the file is not committed as it is
	ReasonNotMember     = "not-member"     // the commit's author, or the signing key, is not a member of the voter body
	ReasonUnsigned      = "unsigned"       // policy signed: neither the commit nor a detached signature signs it
	ReasonBadSignature  = "bad-signature"  // a signature that does not verify, or does not bind this voter, item and vote
	ReasonOutsideWindow = "outside-window" // it landed outside every phase that opens it
	// ReasonModerated (moderation.go): the maintainers hid it with a moderation file.

	// ReasonUnverifiedLanding: policy signed, and no commit of the main branch signed by
	// the maintainers vouches for when it landed (a fast-forward of the contributor's own
	// commit, whose date the contributor wrote, and nothing signed since).
	ReasonUnverifiedLanding = "unverified-landing"
	// ReasonUnregistered: a participant of the community who is not registered under
	// participation.registration (closed, or not yet approved).
	ReasonUnregistered = "unregistered"
)

// Reasons lists the reason codes, in the order the trust model checks them.
var Reasons = []string{ReasonMalformed, ReasonDuplicate, ReasonUnknownVoter, ReasonUnknownItem, ReasonClosed,
	ReasonUnverified, ReasonNotMember, ReasonUnsigned, ReasonBadSignature, ReasonUnverifiedLanding, ReasonOutsideWindow, ReasonModerated, ReasonUnregistered}

// How a counted contribution was verified.
const (
	VerifiedAuthor    = "author"
	VerifiedSignature = "signature"
	VerifiedNone      = "none"
	// VerifiedForge: a participant's contribution under policy author, whose identity
	// is the forge account the gate checked when its merge request landed.
	VerifiedForge = "forge"
)

// Origin is where a contributed file comes from in Git: the commit that last changed it,
// and when that change landed on the main branch (the committer time of the first
// first-parent commit of the branch that contains it, which the maintainers control).
// Landed and LandedCommit are, from the history, the first commit of the main branch
// that held the file and its committer time; the trust stage gives the file a copy that
// says the time the rules use, and the commit that vouches for it, when the landing
// commit was not the maintainers' (a fast-forward of the contributor's own commit).
//
// The files a commit changed that landed together share one origin (a million votes of
// one commit were a quarter of a gigabyte of equal origins): an origin is never changed
// once made, only replaced.
type Origin struct {
	Commit       string
	AuthorName   string
	AuthorEmail  string
	Authored     time.Time
	Committed    time.Time
	Landed       time.Time
	LandedCommit string
	Message      string // the first line of the commit message
	// MergeRequest is the merge request LandedCommit's message says it landed ("#12",
	// "group/project!34"), or "": what the forge wrote, for the audit trail.
	MergeRequest string
	Signed       bool // the commit carries a signature (see Signature)
	// Signature and Payload are the commit's signature and the bytes it signs, when it
	// is signed: the trust stage verifies them.
	Signature string
	Payload   string
	// Replayed says that Commit had made this very version at this path before, and
	// the main branch withdrew it: the commit was merged back in (a replay), and its
	// signature and authorship no longer vouch for the file.
	Replayed *Withdrawal
}

// Tally counts the counted reactions on an item.
type Tally struct {
	Support, Oppose, Abstain int
	Priority                 Priority
}

// Votes is the number of counted votes.
func (t Tally) Votes() int { return t.Support + t.Oppose + t.Abstain }

// Priority summarises the priorities given to an item.
type Priority struct {
	Count        int
	Mean         float64 // 0 when Count is 0
	Distribution [5]int  // how many gave 1, 2, 3, 4, 5
}

// Progress is a roll-up of actions' progress.
type Progress struct {
	Percent  int            // the mean progress of the actions that are not cancelled
	Actions  int            // how many actions, cancelled included
	ByStatus map[string]int // actions by status
}

// Site is a whole portal.
type Site struct {
	Plan       Plan
	Goals      []*Goal      // by order, then id
	Objectives []*Objective // by goal, order, then id
	Results    []*Result    // by objective, order, then id
	Actions    []*Action    // by objective, order, then id
	Proposals  []*Proposal  // newest first, then id
	Practices  []*Practice  // newest first, then id
	Bodies     []*Body      // by id
	Feedback   []*Feedback  // by date, then file
	Reactions  []*Reaction  // by item, then voter
	Amendments []*Amendment // by date, then file
	// Participants are the community's participants (content/participants/), by handle;
	// Supports their supports, by item then participant. Registration is
	// participation.registration of pspm.yaml: RegistrationClosed, Open or Approved.
	Participants  []*Participant
	Supports      []*Support
	Registration  string
	ByParticipant map[string]*Participant
	// AwaitingAnswer are the community proposals that reached a threshold and have no
	// official answer yet, oldest crossing first (Derive).
	AwaitingAnswer []*Proposal

	// Indexes, filled by Resolve and Derive.
	Items    map[string]*Item // by key "<section>/<id>"
	Tags     []*Tag           // by slug
	Progress Progress         // of the whole plan
	// Priorities are the actions that bodies gave a counted priority, highest mean first.
	Priorities []*Action
	Built      time.Time // the date the site is as of: the tip's commit time, else the newest date in its content
	// Landings is the main branch's first-parent chain, oldest first, when the site is
	// read from Git: the trust stage decides from it which landing times maintainers
	// vouch for.
	Landings []*Landing

	// Versions are the approved versions of the plan, newest first (empty without Git or
	// tags); Latest is the newest that could be read, or nil. DraftChanges is what the
	// work tree changes in the plan since Latest (since an empty plan when there is
	// none). Monitoring is the approved plan being carried out.
	Versions []*Version
	Latest   *Version
	// Federated are the plans of other bodies' portals that sources brought in, by body.
	Federated []*FederatedPlan
	// Sources are the repositories of pspm.yaml's sources that were read, in its order.
	Sources []*Source
	// AgID is the edition of AgID's three-year plan a source of kind agid-plan brought,
	// the reference of the objectives' agid codes; nil without one.
	AgID         *AgIDPlan
	DraftChanges *PlanDiff
	Monitoring   *Monitoring
	ByBody       map[string]*Body
	// ByAddressee are the actions addressed to a body kind, or to AddressAll, in plan
	// order: kept by kind, not copied onto each body of the kind.
	ByAddressee map[string][]*Action
	propByID    map[string]*Proposal
	pracByID    map[string]*Practice
	// Moderations are the files of content/moderation/, by id; ModerationRules its
	// _index.md, or nil. HiddenProposals and HiddenPractices are the proposals and
	// practices a moderation hides: out of Proposals and Practices, and of every list,
	// but their pages stay (with the notice).
	Moderations     []*Moderation
	ModerationRules *ModerationRules
	HiddenProposals []*Proposal
	HiddenPractices []*Practice
	hidden          map[string]*Moderation // applied moderations by Path
	planItems       map[string]*Item       // plan items of every kind by id
	planByID        map[string]PlanItem    // the same, as themselves
	amendByKey      map[string]*Amendment
}

// Tag is a keyword and what carries it.
type Tag struct {
	Name      string // as first written
	Slug      string // URL-safe
	Proposals []*Proposal
	Practices []*Practice
}

// Goal returns the goal with the given id, or nil.
func (s *Site) Goal(id string) *Goal { g, _ := s.planByID[id].(*Goal); return g }

// Objective returns the objective with the given id, or nil.
func (s *Site) Objective(id string) *Objective {
	o, _ := s.planByID[id].(*Objective)
	return o
}

// Result returns the expected result with the given id, or nil.
func (s *Site) Result(id string) *Result { r, _ := s.planByID[id].(*Result); return r }

// Action returns the action with the given id, or nil.
func (s *Site) Action(id string) *Action { a, _ := s.planByID[id].(*Action); return a }

// Proposal returns the proposal with the given id, or nil.
func (s *Site) Proposal(id string) *Proposal { return s.propByID[id] }

// Practice returns the practice with the given id, or nil.
func (s *Site) Practice(id string) *Practice { return s.pracByID[id] }

// PlanItem returns the plan item (of any kind) with the given id, or nil.
func (s *Site) PlanItem(id string) *Item { return s.planItems[id] }

// PlanItemOf returns the plan item (of any kind) with the given id, or nil.
func (s *Site) PlanItemOf(id string) PlanItem { return s.planByID[id] }

// idsOf lists the ids of the site's items of kind k, sorted, for did-you-mean.
func (s *Site) idsOf(k *Kind) []string {
	var out []string
	for id, p := range s.planByID {
		if p.Base().Section == k.Section {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

// addItem adds it to Items under its key, once its Namespace, Section and ID are final.
func (s *Site) addItem(it *Item) {
	it.makeURL()
	s.Items[it.Key()] = it
}
