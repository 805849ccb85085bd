// Package search is pspm's search: a bleve index of the model (not of the HTML), the
// static search bundle exported from it for readers' browsers, and queries for `pspm
// serve` and `pspm search`. bleve is imported only here; the package hands out pspm types.
//
// A Document is one thing a reader finds: a plan item (in each version that has it as it
// is), a proposal, a practice, a body, a comment, an amendment (linking to its anchor on
// its item's page). Its title, summary and text are analysed with the Italian or the
// English analyzer by its language; its type, status, body, tags, AgID codes, kind,
// versions and language are keywords, for facets and filters. A plan
// item's official code is one lower-case term of its own: a query that is a code, or the
// start of one, lists the items with that code first (see query.go).
package search

import (
	"time"
)

// MappingVersion changes whenever the mapping, the analyzers or the documents change in
// a way that makes an index written before unusable: an index of another version is
// rebuilt from scratch.
const MappingVersion = 3

// Languages are the languages the index analyses, each with its analyzer.
var Languages = []string{"it", "en"}

// Field names of the index. Text fields carry the language as a suffix
// (title_it, title_en...): each language has its own analyzer.
const (
	FieldType     = "type"     // goal, objective, result, action, proposal, practice, body, feedback, amendment, agid
	FieldLang     = "lang"     // the language of the document's text
	FieldStatus   = "status"   // a proposal's or an action's status
	FieldBody     = "body"     // the body the item is by (proposing, sharing, owning, commenting)
	FieldTags     = "tags"     // tags, as written
	FieldAgID     = "agid"     // AgID three-year plan codes
	FieldCode     = "code"     // a plan item's official code: one term, lower case (AnalyzerCode); stored as written
	FieldKind     = "kind"     // a practice's, body's or comment's kind
	FieldVersions = "versions" // the plan versions that hold a plan item as it is: "draft", "2025.1"...
	FieldDate     = "date"     // the item's date, when it has one
	FieldTitle    = "title"    // + "_" + lang
	FieldSummary  = "summary"  // + "_" + lang
	FieldText     = "text"     // + "_" + lang
)

// Boosts weigh a match by field: a word in the title counts more than one in the text.
var Boosts = map[string]float64{FieldTitle: 3, FieldSummary: 1.5, FieldText: 1}

// Types of document, in the order facets list them.
var Types = []string{"action", "result", "objective", "goal", "proposal", "practice", "body", "feedback", "amendment", "agid", "participant"}

// Document is one searchable thing.
type Document struct {
	// ID is unique in the index and stable across builds: "<section>/<id>" for the
	// work tree's items, "<section>/<id>@<version>" for another text of the same plan
	// item in other versions (the newest that has it), "<item key>#<feedback id>" for
	// a comment, the amendment's key (site.Amendment.Key) for an amendment, with
	// "/<lang>" appended for a translation.
	ID       string
	Type     string
	Lang     string
	Title    string
	Summary  string // plain text, a few sentences: shown under the result and highlighted
	Text     string // plain text of the whole body
	Status   string
	Body     string // a body id
	Tags     []string
	AgID     []string
	Code     string // a plan item's official code, as written ("CAP1.PA.LA07"), or ""
	Kind     string
	Versions []string // plan items only
	Date     time.Time
	URL      string // the page's site path in the document's language, e.g. /en/proposals/x/
}
