package site

import (
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// States of an amendment. Open, accepted, rejected and withdrawn are written in the
// file; superseded is never written: the build derives it for an open amendment whose
// item changed after the amendment landed.
const (
	AmendmentOpen       = "open"
	AmendmentAccepted   = "accepted"
	AmendmentRejected   = "rejected"
	AmendmentWithdrawn  = "withdrawn"
	AmendmentSuperseded = "superseded"
)

// AmendmentStates are the states, in the order pages list them.
var AmendmentStates = []string{AmendmentOpen, AmendmentAccepted, AmendmentRejected, AmendmentWithdrawn, AmendmentSuperseded}

// Amendment is a change to a plan item proposed by a body that does not own it:
// content/<section>/<item>/amendments/<body>-<slug>.md, whose front matter holds the
// proposed title and fields and the reason, and whose Markdown body is the proposed
// new text of the item (empty: the text is kept). Bodies vote on it with reaction files
// in content/<section>/<item>/amendments/<body>-<slug>/reactions/<voter>.yaml. Only the
// item's owners accept it (applying its text to the item in the same merge request) or
// reject it (with an answer); only the proposing body withdraws it.
type Amendment struct {
	// Title is the proposed new title; "" keeps the item's title.
	Title string `yaml:"title" max:"300"`
	// Reason says why the change is proposed. It shadows the embedded Verdict's
	// Reason: the code of a verdict that does not count is a.Verdict.Reason.
	Reason string    `yaml:"reason" meta:"required" max:"2000"`
	Date   time.Time `yaml:"date" meta:"required"`
	// Fields are the proposed new values of other front-matter fields of the item, each
	// a scalar written as text (e.g. due: 2027-06-30).
	Fields []AmendedField `yaml:"fields"`
	// State is written open (also when absent) or withdrawn by the proposing body; the
	// build sets it to accepted or rejected from a counted answer of the item's owner
	// (AnswerFile), whose date and text it copies to Answer. The proposer's file may not
	// say accepted or rejected, nor hold an answer: those keys are read only to say so.
	State  string `yaml:"state" enum:"open|accepted|rejected|withdrawn"`
	Answer Answer `yaml:"answer"`
	// ForItem and ForBody, when present, must name the item and the body; a detached
	// signature binds them as for reactions.
	ForItem string `yaml:"item" max:"300"`
	ForBody string `yaml:"body" max:"64"`
	// Lang is the language it is written in (BCP 47), when it says; Foreign is Lang
	// when it is not one of the portal's languages.
	Lang    string `yaml:"lang" max:"35"`
	Foreign string `yaml:"-"`
	// Hidden is the moderation that hides it, or nil: it is kept, never counted.
	Hidden *Moderation `yaml:"-"`

	Voter    string // the proposing body, from the file name
	Slug     string // the rest of the file name
	ItemKey  string // the item it amends, "<section>/<id>"
	File     string
	Text     string // the proposed Markdown body; "" keeps the item's text
	TextLine int
	Pos      diag.Pos            `yaml:"-"`
	At       map[string]diag.Pos `yaml:"-"`

	Blob     string    `yaml:"-"`
	Raw      []byte    `yaml:"-"`
	Sig      *Sig      `yaml:"-"`
	Origin   *Origin   `yaml:"-"`
	Problems diag.List `yaml:"-"` // as for Reaction: shown as not counted, never lost
	Verdict  `yaml:"-"`

	VoterBody *Body `yaml:"-"`
	On        *Item `yaml:"-"`
	// Reactions are the bodies' votes on the amendment, by voter; Tally counts those
	// that count.
	Reactions []*Reaction `yaml:"-"`
	Tally     Tally       `yaml:"-"`
	// Status is State, or AmendmentSuperseded for an open amendment whose item changed
	// after it landed; SupersededBy is that change of the item.
	Status       string  `yaml:"-"`
	SupersededBy *Change `yaml:"-"`

	// AnswerFile is the owner's answer, <item>/amendments/<body>-<slug>/answer.md, or nil.
	// It is a file of its own, with one author body, judged by the trust stage as a
	// comment of the answering body: only a counted answer of an owner of the item
	// changes State.
	AnswerFile *AmendmentAnswer `yaml:"-"`
}

// AmendmentAnswer is the answer of an item's owner to an amendment:
// content/<section>/<item>/amendments/<body>-<slug>/answer.md. Its front matter says
// the state (accepted or rejected), the date and the answering body; its Markdown body
// is the answer's text, required when rejected.
type AmendmentAnswer struct {
	State string    `yaml:"state" meta:"required" enum:"accepted|rejected"`
	Date  time.Time `yaml:"date" meta:"required"`
	// Body is the answering body: an owner of the item, or the plan owner.
	Body string `yaml:"body" meta:"required" max:"64"`
	// ForItem, when present, must be the amendment's Key; a detached signature
	// (answer.md.sig) needs it, so that it cannot be moved to another amendment.
	ForItem string `yaml:"item" max:"300"`

	File     string
	Text     string // the answer, Markdown
	TextLine int
	Pos      diag.Pos            `yaml:"-"`
	At       map[string]diag.Pos `yaml:"-"`

	Blob     string    `yaml:"-"`
	Raw      []byte    `yaml:"-"`
	Sig      *Sig      `yaml:"-"`
	Origin   *Origin   `yaml:"-"`
	Problems diag.List `yaml:"-"` // shown as not counted, never lost
	Verdict  `yaml:"-"`

	AnswerBody *Body      `yaml:"-"`
	Of         *Amendment `yaml:"-"`
	// Applied says that the answer counts and is of an owner of the item: it set the
	// amendment's State and Answer. Set by the trust stage.
	Applied bool `yaml:"-"`
}

// AnswerName is the name of the owner's answer file in an amendment's folder.
const AnswerName = "answer.md"

// AnswerPath is the file of the owner's answer to the amendment in file (its
// <item>/amendments/<body>-<slug>.md).
func AnswerPath(file string) string { return strings.TrimSuffix(file, ".md") + "/" + AnswerName }

// AmendedField is one proposed field value of an amendment.
type AmendedField struct {
	Name  string `yaml:"name" meta:"required" max:"64"`
	Value string `yaml:"value" max:"2000"`

	Pos diag.Pos `yaml:"-"`
}

// ID names the amendment within its item: the file name without extension.
func (a *Amendment) ID() string { return a.Voter + "-" + a.Slug }

// Key names the amendment within the site, "<section>/<item>/amendments/<id>"; it is
// the ItemKey of the reactions on it.
func (a *Amendment) Key() string { return a.ItemKey + "/amendments/" + a.ID() }

// URL is the amendment's anchor on its item's page.
func (a *Amendment) URL() string { return "/" + a.ItemKey + "/#amendment-" + a.ID() }
