package render

import (
	"html/template"
	"time"
)

// Views of plan versions, their changes and the monitoring of the plan: part of the data
// contract of themes (themes/default/README.md).

// VersionView is an approved version of the plan, or the draft.
type VersionView struct {
	Name       string // e.g. 2025.1; "draft" for the work tree
	Tag        string // e.g. plan/2025.1; "" for the draft
	Draft      bool
	Date       time.Time // the approval date (the tag's); zero for the draft
	Commit     string    // short hash
	CommitURL  string    // the commit on the forge, or ""
	Note       template.HTML
	Annotated  bool
	Tagger     string
	Signed     bool
	Verified   bool
	Signer     string // who signed it, when Verified
	Problem    string // why a signed version is not verified
	Latest     bool   // the latest approved version
	Readable   bool   // its plan could be read (else it has no pages, and Problems says why)
	Problems   []string
	URL        string // its page, or "" when not Readable
	ChangesURL string // what changed since the previous version, or ""
	DataURL    string // its plan as open data
	Counts     Counts // goals, objectives and actions it holds
	Changes    ChangeCounts
	Previous   string // the previous version's name, "" for the first
}

// ChangeCounts sums up what changed between two versions.
type ChangeCounts struct {
	Added, Removed, Moved, Changed, Incorporated int
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
	Actions                []PlanAction
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
	Groups []ChangeGroup // goals, objectives, actions
	// Incorporated are the proposals that the new version takes up, which the previous
	// one did not: what happened to a body's proposal.
	Incorporated []IncorporatedView
}

// ChangeGroup is the changes of one level of the plan.
type ChangeGroup struct {
	Section string // goals, objectives, actions
	Title   string // the level's label (pspm.yaml plan.labels)
	Items   []ItemChangeView
}

// ItemChangeView is one goal, objective or action that changed.
type ItemChangeView struct {
	Kind      string // added, removed, moved, changed
	KindLabel string // Kind in the page's language
	ID        string
	Title     string
	Code      string // the item's official code (in the new version; in the old one when removed), or ""
	URL       string // the item's page in the draft, or ""
	From, To  Link   // the parent before and after (moved, added, removed)
	Fields    []FieldView
	Text      template.HTML // the text with <del> and <ins> around the words removed and added, or ""
}

// FieldView is one field that changed.
type FieldView struct {
	Name     string // in the page's language
	Old, New string
}

// IncorporatedView is a proposal a version takes up.
type IncorporatedView struct {
	Proposal Link
	Body     Link
	Status   string
	Label    string
	Actions  []Link // the actions of the version that take it up
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
	Updates    []MonitorUpdate // the latest progress updates, newest first
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
