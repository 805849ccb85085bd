package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"time"
)

// Views of plan versions, their changes and the monitoring of the plan: part of the data
// contract of themes (themes/default/README.md).

// VersionView is an approved version of the plan, or the draft.
type VersionView struct {
	Name        string // e.g. 2025.1; "draft" for the work tree
	Tag         string // e.g. plan/2025.1; "" for the draft
	Draft       bool
	Date        time.Time // the approval date (the tag's); zero for the draft
	Commit      string    // short hash
	CommitURL   string    // the commit on the forge, or ""
	Note        template.HTML
	Annotated   bool
	Tagger      string
	Signed      bool
	Verified    bool
	Signer      string        // who signed it, when Verified
	Problem     template.HTML // why a signed version is not verified, in the page's language when it can
	ProblemLang string        // the language of Problem when it is not the page's
	Latest      bool          // the latest approved version
	Readable    bool          // its plan could be read (else it has no pages, and Problems says why)
	Problems    []string
	URL         string // its page, or "" when not Readable
	ChangesURL  string // what changed since the previous version, or ""
	DataURL     string // its plan as open data
	Counts      Counts // goals, objectives and actions it holds
	Changes     ChangeCounts
	Previous    string     // the previous version's name, "" for the first
	Check       *CheckView // how to check the version without trusting the portal
}

// ChangeCounts sums up what changed between two versions.
type ChangeCounts struct {
	Added, Removed, Renumbered, Merged, Split, Moved, Changed, Incorporated int
	Lineage                                                                 int // Renumbered + Merged + Split
}

// PlanGoal is a goal in the tree of a plan version (or the draft).
type PlanGoal struct {
	ID, Title  string
	Code       string // the official code, or ""
	URL        string // the goal's page when it exists in the draft, else ""
	Anchor     string // its id on the version page
	HTML       template.HTML
	Lang       string // the language of HTML when it differs from the page's
	Progress   int
	Objectives []PlanObjective
}

// PlanObjective is an objective in the tree of a plan version.
type PlanObjective struct {
	ID, Title, URL, Anchor string
	Code                   string // the official code, or ""
	AgID                   []string
	HTML                   template.HTML
	Lang                   string
	Progress               int
	Results                []PlanResult
	Actions                []PlanAction
}

// PlanResult is an expected result in the tree of a plan version, under its objective,
// with its indicators' baselines and targets as approved.
type PlanResult struct {
	ID, Title, URL, Anchor string
	Code                   string // the official code, or ""
	HTML                   template.HTML
	Lang                   string
	Owner                  Link // the lead owner
	Indicators             []IndicatorView
}

// PlanAction is an action in the tree of a plan version, with what was approved.
type PlanAction struct {
	ID, Title, URL, Anchor string
	Code                   string // the official code, or ""
	HTML                   template.HTML
	Lang                   string
	Summary                string
	Owner                  Link
	Status, Label          string
	Progress               int
	Start, Due             time.Time
	Indicators             []IndicatorView
	Proposals              []Link
}

// ChangesView is what changed between two versions of the plan.
type ChangesView struct {
	From   *VersionView // nil for the first version
	To     *VersionView
	Counts ChangeCounts
	Empty  bool
	Plan   []FieldView   // the plan's title, period, owner
	Intro  template.HTML // the word-level changes of the plan's introduction, or ""
	Groups []ChangeGroup // goals, objectives, actions: all of them when they fit on the summary page, else those of Part
	// Kinds are the kinds of change, in the order of Summary's counts.
	Kinds []KindLabel
	// Summary counts the changed items of each goal by kind (in the order of Kinds);
	// Total those of the whole plan. Empty on a part.
	Summary []ChangeSummaryRow
	Total   ChangeSummaryRow
	// Parts says the items are on pages of their own, one per goal (Summary links
	// them), not on the summary page.
	Parts      bool
	Part       *ChangePart // on the page of one goal's changes, which; nil on the summary
	Pager      Pager       // the pages of Part's goal
	SummaryURL string      // the summary page of these changes
	// Untranslated is the language the changed texts are in when it is not the page's
	// (they are compared as written), for the notice; "" otherwise.
	Untranslated string
	// Incorporated are the proposals that the new version takes up, which the previous
	// one did not: what happened to a body's proposal.
	Incorporated []IncorporatedView
}

// KindLabel is a kind of change and its name in the page language.
type KindLabel struct{ Kind, Label string }

// ChangeSummaryRow counts the changed items of one goal (or of the plan).
type ChangeSummaryRow struct {
	Goal   Link       // the goal's page (or its name only)
	Part   string     // where its changed items are: its part (its first page), or "" when they are on the summary page
	Pages  []PageLink // every page of its part, when it has several
	Counts []int      // by kind, in the order of ChangesView.Kinds
	Total  int
}

// ChangePart is a page of the changes of one goal.
type ChangePart struct {
	Goal        Link
	Page, Pages int
}

// ChangeGroup is the changes of one level of the plan.
type ChangeGroup struct {
	Section string // goals, objectives, actions
	Title   string // the level's label (pspm.yaml plan.labels)
	Items   []ItemChangeView
}

// ItemChangeView is one goal, objective or action that changed.
type ItemChangeView struct {
	Kind      string // added, removed, renumbered, merged, split, moved, changed
	KindLabel string // Kind in the page's language
	ID        string
	Title     string
	Code      string // the item's official code (in the new version; in the old one when removed), or ""
	Goal      string // the id of the goal it sits under
	URL       string // the item's page in the draft, or ""
	From, To  Link   // the parent before and after (moved, added, removed; lineage kinds when it changed), by code and title
	// FromItems are the items of the old version it continues (renumbered, merged,
	// split), by code, title and id; ToItems, for split, every part of the split.
	FromItems, ToItems []Link
	Lang               string        // the language of Title when it differs from the page's
	TextLang           string        // the language of Text, TitleDiff and the fields' values when it differs from the page's: changes are those of the texts as written
	TitleDiff          template.HTML // a changed title, word by word, or ""
	Fields             []FieldView
	Text               template.HTML // the text a reader sees, with <del> and <ins> around the words removed and added, long unchanged stretches cut; or ""
}

// FieldView is one field that changed.
type FieldView struct {
	Name     string // in the page's language
	Old, New string
	Diff     template.HTML // a changed title word by word, or ""
	Lang     string        // the language of the values when it differs from the page's
}

// IncorporatedView is a proposal a version takes up.
type IncorporatedView struct {
	Proposal Link
	Body     Link
	Status   string
	Label    string
	Actions  []Link // the actions of the version that take it up
}

// HistoryView is a plan item's history across the versions of the plan (the section
// id="history" of its page): oldest version first, the draft last.
type HistoryView struct {
	Rows []HistoryRow
}

// HistoryRow is the item, or one item it continues, in one version.
type HistoryRow struct {
	Version    string // the version's name, or "the draft"
	VersionURL string
	Draft      bool
	Absent     bool   // neither the item nor any item it continues is in this version
	ID, Code   string // the item's id and code in that version
	Title      string
	URL        string // its place on the version's page ("" in the draft: this page)
	Current    bool   // the row of the page's own item in the draft
	Due        time.Time
	Status     string
	Label      string // Status in the page's language
	Owner      Link   // the lead owner
	Next       string // what became of it in the next version ("renumbered as CAP1.PA.LA07 in 2025.1"), "" when it goes on under its id
}

// VersionsView lists the versions of the plan.
type VersionsView struct {
	Draft    *VersionView
	Versions []*VersionView // newest first
}

// MonitoringView is the approved plan being carried out.
type MonitoringView struct {
	// Bodies roll up, body by body, the actions of other bodies' plans (sources) that
	// contribute to this plan's objectives.
	Bodies     []MonitorBody
	AsOf       time.Time
	Version    *VersionView // the version monitored; nil when none is approved yet
	Progress   int
	Actions    int
	ByStatus   []StatusCount
	Goals      []MonitorGoal
	Overdue    []MonitorAction
	DueSoon    []MonitorAction
	Indicators []MonitorIndicator
	// Results sums up how the indicators of the monitored plan's expected results stand
	// against this year's targets; nil without results.
	Results *ResultSummary
	Updates []MonitorUpdate // the latest progress updates, newest first

	// A large plan's monitoring is laid out in parts. On /monitoring/, Index is a row
	// per goal (linking its part), and Goals is empty; on a part, Part names its goal,
	// and Goals, Overdue, DueSoon and Indicators are those of the part's actions. Both
	// are nil when everything fits on /monitoring/.
	Index                      []MonitorIndexRow
	Part                       *PlanPartView
	Pager                      Pager
	OverdueCount, DueSoonCount int // of the whole plan on the index, of the part on a part
}

// MonitorIndexRow is a goal in the index of a monitoring laid out in parts.
type MonitorIndexRow struct {
	Goal              Link // to its (first) part
	Progress, Actions int
	Overdue, DueSoon  int
	Pages             []PageLink // its parts, when more than one
}

// MonitorGoal is a goal's progress, with its objectives.
type MonitorGoal struct {
	Link
	Progress   int
	Actions    int
	ByStatus   []StatusCount
	Objectives []MonitorObjective
}

// MonitorObjective is an objective's progress, with its actions.
type MonitorObjective struct {
	Link
	Progress int
	Actions  []MonitorAction
}

// MonitorAction is an action's state.
type MonitorAction struct {
	Link
	Owner         Link
	Status, Label string
	Progress      int
	Due           time.Time
	Days          int           // days overdue (Overdue) or left (DueSoon)
	Sparkline     template.HTML // its progress over time, or ""
}

// MonitorIndicator is an indicator against its baseline and target.
type MonitorIndicator struct {
	Action                   Link
	Name, Unit               string
	Baseline, Target, Latest string // Latest is "" when nothing was measured
	LatestDate               time.Time
	Achieved                 int  // percent of the way from baseline to target, when Measured
	Measured                 bool // there is a latest value and the target differs from the baseline
}

// MonitorUpdate is one change of an action's progress.
type MonitorUpdate struct {
	Action            Link
	Date              time.Time
	From, To          int // progress before and after (From is -1 for the first point)
	Status, Label     string
	Author            string
	Commit, CommitURL string
}

// PointView is one point of an action's progress over time (the table beside its chart).
type PointView struct {
	Date      time.Time
	Progress  int
	Status    string
	Label     string
	Author    string
	Commit    string
	CommitURL string
}

// MonitorBody is what one body's plan (a source) contributes to this plan: its actions
// that name an objective of it, their mean progress, and counts by status.
type MonitorBody struct {
	Body     Link
	Plan     Link
	Progress int
	Actions  []MonitorAction
	ByStatus []StatusCount
}
