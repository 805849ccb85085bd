package site

import (
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Version is an approved version of the plan: a Git tag matching plan.tags. Its plan is read from the tag's tree, never from the work tree, so it stays as it
// was approved.
type Version struct {
	Name      string    // the rest of the tag after the pattern's prefix, e.g. "2025.1"; also its URL path element
	Tag       string    // the tag, e.g. "plan/2025.1"
	Date      time.Time // the annotated tag's date; a lightweight tag's commit date
	Commit    string    // the commit the tag points at
	Note      string    // the tag's message: the release note (empty for a lightweight tag)
	Annotated bool      // an annotated tag (a lightweight one has no date, author or note of its own)
	Tagger    string    // who made the annotated tag, as written in it
	// Signed says the tag carries a signature; Verified that it verifies with the key of
	// a member of the plan owner body, whose email or key fingerprint is Signer.
	// SignatureProblem says, when Signed and not Verified, why not (in English), and
	// SignatureSaid says it as a sentence pages write in their language.
	Signed           bool
	Verified         bool
	Signer           string
	SignatureProblem string
	SignatureSaid    Sentence

	// Plan is the plan as approved: Plan, Goals, Objectives and Actions, resolved and
	// derived (progress roll-ups as approved). Nil when its files cannot be read: then
	// Problems says why, and the version is listed but has no pages.
	Plan     *Site
	Problems diag.List

	// Previous is the version before this one that could be read, or nil; Changes is
	// what changed since it (against an empty plan for the first version).
	Previous *Version
	Changes  *PlanDiff
}

// PlanDiff is what changed in the plan between two versions (the page
// /plan/<version>/changes/). Lists follow the new plan's order; removed items come
// where they were in the old one.
type PlanDiff struct {
	From, To string // version names; From is "" for the first version, To is "draft" for the work tree

	Plan       []FieldChange // the plan's own fields: title, period, owner
	PlanText   []TextOp      // word-level changes of the plan's introduction; nil when unchanged
	Goals      []ItemDiff
	Objectives []ItemDiff
	Results    []ItemDiff
	Actions    []ItemDiff

	// Incorporated lists, sorted, the ids of the proposals that the new version's
	// actions take up (their proposals:) and that no action of the old version did.
	Incorporated []string
}

// Empty reports whether nothing changed.
func (d *PlanDiff) Empty() bool {
	return d == nil || len(d.Plan) == 0 && d.PlanText == nil && len(d.Goals) == 0 &&
		len(d.Objectives) == 0 && len(d.Results) == 0 && len(d.Actions) == 0 && len(d.Incorporated) == 0
}

// How an item changed between two versions.
const (
	Added   = "added"
	Removed = "removed"
	Moved   = "moved"   // now under another parent (an objective under another goal, an action under another objective); may also have field and text changes
	Changed = "changed" // same parent; fields or text changed
	// An item that continues items of the old version (its replaces:): Renumbered
	// continues exactly one, which no other item continues; Merged continues several;
	// Split is one of several items that continue the same one. Each may also be
	// under another parent (FromParent, ToParent) and have field and text changes.
	Renumbered = "renumbered"
	Merged     = "merged"
	Split      = "split"
)

// ChangeKinds lists the kinds of change in the order the changes pages count them.
var ChangeKinds = []string{Added, Removed, Renumbered, Merged, Split, Moved, Changed}

// ItemDiff is one goal, objective or action that differs between two versions.
type ItemDiff struct {
	Section Section
	ID      string
	Kind    string // Added, Removed, Renumbered, Merged, Split, Moved or Changed
	Title   string // the title in the new version (in the old one when Removed)
	// Goal is the id of the goal the item sits under (its own for a goal), in the new
	// version (in the old one when Removed): the changes pages are split by it.
	Goal string
	// FromIDs are, for Renumbered, Merged and Split, the ids of the old items it
	// continues (its own first when it keeps an old id); ToIDs the ids of every new
	// item that continues them (itself included): the other parts of a split.
	FromIDs, ToIDs []string
	// FromParent and ToParent are the ids of the parent (goal of an objective,
	// objective of an action) before and after; set when Moved, and on Added
	// (ToParent) and Removed (FromParent) items.
	FromParent, ToParent string
	// FromParentTitle and ToParentTitle name those parents for a reader: code and
	// title in their version.
	FromParentTitle, ToParentTitle string
	// Fields are the changed fields in a fixed order per section (see Diff), and Text
	// the word-level diff of the Markdown text, nil when the text is the same. An Added
	// or Removed item is compared with an absent one: Fields list the values it sets,
	// from or to "", and Text is its whole text inserted or deleted (nil when empty).
	Fields []FieldChange
	Text   []TextOp
}

// FieldChange is one field whose value differs. Values are written as in the front
// matter: dates YYYY-MM-DD, lists comma-separated, an absent value "".
type FieldChange struct {
	Field    string // code, title, owner, status, progress, start, due, goal, objective, agid, proposals, contributes_to, indicator:<name>.<unit|baseline|target>, indicator:<name> (added or removed)
	Old, New string
	// Words is the word-level diff of Old and New for a changed title (both set).
	Words []TextOp
	// Indicator is the indicator added or removed, for a field indicator:<name>, so that
	// pages describe it in their language; Old and New describe it in English.
	Indicator *Indicator
}

// Text diff operations.
const (
	TextEqual  = 0
	TextInsert = 1
	TextDelete = -1
)

// TextOp is a run of words that is the same in both texts, inserted or deleted.
// Concatenating the Equal and Delete runs gives the old text; Equal and Insert, the new.
type TextOp struct {
	Op   int // TextEqual, TextInsert or TextDelete
	Text string
}

// ProgressPoint is an action's state as one commit left it: a point of its progress over
// time (monitoring). Only commits that changed its progress, status or an indicator
// value are points.
type ProgressPoint struct {
	Landed       time.Time // when the commit landed on the main branch
	Commit       string    // the commit that made the change
	LandedCommit string
	Author       string
	Progress     int
	Status       string
	// Values holds, for each indicator of the action in this version of the file (by
	// its position in Action.Indicators when the names match, else absent), its latest
	// value by date. Indicators without values are absent.
	Values map[string]float64
}

// Monitoring is the approved plan being carried out (/monitoring/), as of a date: the
// commit being built, never the wall clock.
type Monitoring struct {
	AsOf time.Time
	// Version is the approved version monitored; nil when no version exists yet, and the
	// draft is monitored.
	Version *Version
	// Plan is the approved plan with each action's live state (status, progress,
	// indicators, series) taken from the work tree where the action still exists there.
	Plan *Site
	// Overdue are the actions due before AsOf that are neither done nor cancelled, most
	// overdue first; DueSoon those due within DueSoonDays after AsOf, soonest first.
	Overdue, DueSoon []*Action
	// Indicators are every indicator of the monitored actions, in plan order.
	Indicators []IndicatorStatus
	// Updates are the progress points of every monitored action, newest first: the
	// monitoring feed.
	Updates []Update
}

// DueSoonDays is how far ahead "due soon" looks.
const DueSoonDays = 30

// IndicatorStatus is an indicator measured against its baseline and target.
type IndicatorStatus struct {
	Action    *Action
	Indicator *Indicator
	Latest    *Value // the latest value by date, nil when none was measured
	// Achieved is how far the latest value went from the baseline to the target, as a
	// percentage (may be below 0 or above 100); -1 when there is no latest value or the
	// target equals the baseline.
	Achieved int
}

// Update is one progress point of one action, for the monitoring feed.
type Update struct {
	Action *Action
	Point  ProgressPoint
	Prev   *ProgressPoint // the point before, nil for the first
}
