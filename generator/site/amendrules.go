package site

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// AmendableFields lists the front-matter fields an amendment may propose new values for,
// for items of section sec: the scalar fields of the kind that are not structural
// (owner, addressees, code, replaces, order, the parent) nor the title, which has its own
// key. Only actions have such fields; goals, objectives and results are amended by their
// title and text.
func AmendableFields(sec Section) []string {
	if sec == Actions {
		return []string{"status", "progress", "start", "due"}
	}
	return nil
}

// CheckAmendedValue says what is wrong with value as the field name of an item of
// section sec, "" when it is a value the field takes: a status word, a progress from 0
// to 100, a date YYYY-MM-DD.
func CheckAmendedValue(sec Section, name, value string) string {
	if sec != Actions {
		return ""
	}
	switch name {
	case "status":
		if !slices.Contains(ActionStatuses, value) {
			return fmt.Sprintf("status %q is not a status of an action (want one of: %s)", value, strings.Join(ActionStatuses, ", "))
		}
	case "progress":
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 || n > 100 {
			return fmt.Sprintf("progress %q is not a percentage: want a whole number from 0 to 100", value)
		}
	case "start", "due":
		if _, err := time.Parse(time.DateOnly, value); err != nil {
			return fmt.Sprintf("%s %q is not a date: want YYYY-MM-DD, e.g. 2027-06-30", name, value)
		}
	}
	return ""
}

// AmendedValue is the current value of the amendable field name of p, written as an
// amendment writes it ("in-progress", "40", "2027-06-30"; "" for a date not set), and
// whether p has such a field. It is what an amendment's proposed value is compared with:
// the word diff on the item's page, and the check that an accepted amendment was applied.
func AmendedValue(p PlanItem, name string) (string, bool) {
	a, ok := p.(*Action)
	if !ok {
		return "", false
	}
	switch name {
	case "status":
		st := a.Status
		if st == "" {
			st = StatusPlanned
		}
		return st, true
	case "progress":
		return strconv.Itoa(a.Progress), true
	case "start":
		return dateValue(a.Start), true
	case "due":
		return dateValue(a.Due), true
	}
	return "", false
}

func dateValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// normalValue is a proposed value as AmendedValue writes it: a date without its time,
// a number without leading zeros.
func normalValue(name, value string) string {
	value = strings.TrimSpace(value)
	switch name {
	case "progress":
		if n, err := strconv.Atoi(value); err == nil {
			return strconv.Itoa(n)
		}
	case "start", "due":
		if t, err := time.Parse(time.DateOnly, value); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return value
}

// Unapplied lists what of the amendment p does not carry, one phrase each ("the title",
// "the text", "due (2027-06-30, not 2027-03-31)"); none when p has the proposed title,
// Markdown text (compared without leading and trailing space) and field values. The
// merge request that accepts an amendment must leave the item so.
func (a *Amendment) Unapplied(p PlanItem) []string {
	var out []string
	if a.Title != "" && strings.TrimSpace(a.Title) != strings.TrimSpace(p.Heading()) {
		out = append(out, fmt.Sprintf("the title (%q, not %q)", a.Title, p.Heading()))
	}
	if strings.TrimSpace(a.Text) != "" && strings.TrimSpace(a.Text) != strings.TrimSpace(p.Base().Text()) {
		out = append(out, "the text (the Markdown after the front matter)")
	}
	for _, f := range a.Fields {
		cur, ok := AmendedValue(p, f.Name)
		if want := normalValue(f.Name, f.Value); !ok || cur != want {
			out = append(out, fmt.Sprintf("%s (%q, not %q)", f.Name, want, cur))
		}
	}
	return out
}

// Changes reports whether the amendment proposes anything: a title, a text or a field.
func (a *Amendment) Changes() bool {
	return strings.TrimSpace(a.Title) != "" || strings.TrimSpace(a.Text) != "" || len(a.Fields) > 0
}

// Owners lists the bodies that own the plan item it, who edit it directly and answer its
// amendments: an action's or a result's owners, and the plan owner, who decides the
// whole plan (and owns its goals and objectives). Nil for an item that is not of the plan.
func (s *Site) Owners(it *Item) []string {
	if it == nil || KindOf(it.Section) == nil {
		return nil
	}
	var out []string
	switch p := s.planByID[it.ID].(type) {
	case *Action:
		out = append(out, p.Owners...)
	case *Result:
		out = append(out, p.Owners...)
	}
	if s.Plan.Owner != "" && !slices.Contains(out, s.Plan.Owner) {
		out = append(out, s.Plan.Owner)
	}
	return out
}

// Amendment returns the amendment whose Key is key, or nil. It is set by Resolve.
func (s *Site) Amendment(key string) *Amendment { return s.amendByKey[key] }

// resolveAmendments links every amendment to its item and body, and records in its
// Problems what makes it unfit: an unknown item or body, an item that is not of the plan,
// a body that owns the item, nothing proposed, a field the item's kind does not amend or
// a value the field does not take, a rejection without an answer. The trust stage turns
// Problems into the reason shown; nothing is dropped.
func (s *Site) resolveAmendments(sd said) {
	s.amendByKey = make(map[string]*Amendment, len(s.Amendments))
	for _, a := range s.Amendments {
		at := diag.Pos{File: a.File, Line: 1, Col: 1}
		read := !a.Problems.HasErrors() // read as written: what it proposes can be judged
		if a.State == "" {
			a.State = AmendmentOpen
		}
		a.Status = a.State
		a.On = nil
		it := s.Items[a.ItemKey]
		switch {
		case it == nil:
			sd.add(&a.Problems, at, unknownItem(a.ItemKey))
		case KindOf(it.Section) == nil:
			sd.add(&a.Problems, at, Say("amendment-not-plan", "amendments are for plan items (%s): a %s is changed by the body that wrote it; write a comment instead, in %s/feedback/%s.md", Technical(planKindsWords()), Word{Key: "verdict.item." + string(it.Section), English: strings.TrimSuffix(string(it.Section), "s")}, it.Dir, a.ID()))
		default:
			a.On = it
		}
		if b := s.ByBody[a.Voter]; b != nil {
			a.VoterBody = b
		} else if a.Voter != "" {
			sd.add(&a.Problems, at, Say("unknown-body.amendment", "unknown body %q: amendment files are named <body id>-<slug>.md, and the body must be declared in content/bodies/%s", a.Voter, Technical(didYouMean(a.Voter, keys(s.ByBody)))))
		}
		if a.On != nil && a.VoterBody != nil && slices.Contains(s.Owners(a.On), a.Voter) {
			sd.add(&a.Problems, at, Say("amendment-owner", "%s owns %s: its owners change the item directly, in %s, instead of proposing an amendment to it", a.Voter, a.ItemKey, a.On.File))
		}
		if a.On != nil {
			s.checkAmendedFields(a, sd)
		}
		if read && !a.Changes() {
			sd.add(&a.Problems, at, Say("amendment-empty", "the amendment proposes nothing: write the proposed text after the front matter, a title:, or fields: with new values"))
		}
		if e := a.Problems.Errors(); len(e) > 0 {
			// Amendment.Reason is the reason of the proposal: the verdict's is Verdict.Reason.
			a.Verdict.Reason, a.Detail = ReasonMalformed, e[0].Msg
			a.Sentences = sd.of(a.Detail)
			switch {
			case a.On == nil:
				a.Verdict.Reason = ReasonUnknownItem
			case a.VoterBody == nil:
				a.Verdict.Reason = ReasonUnknownVoter
			}
		}
		if _, dup := s.amendByKey[a.Key()]; !dup {
			s.amendByKey[a.Key()] = a
		}
		if a.AnswerFile != nil {
			s.resolveAnswer(a, a.AnswerFile, sd)
		}
	}
}

// resolveAnswer links the owner's answer ans to a to its body, and records in its
// Problems what keeps it from answering: an unknown body, a body that does not own the
// item, a rejection without a text, an amendment its body withdrew. Such an answer is
// shown as not counted, and the amendment stays open.
func (s *Site) resolveAnswer(a *Amendment, ans *AmendmentAnswer, sd said) {
	at := diag.Pos{File: ans.File, Line: 1, Col: 1}
	pos := func(key string) diag.Pos {
		if p, ok := ans.At[key]; ok {
			return p
		}
		return at
	}
	ans.Of, ans.AnswerBody, ans.Applied = a, nil, false
	read := !ans.Problems.HasErrors()
	if b := s.ByBody[ans.Body]; b != nil {
		ans.AnswerBody = b
	} else if ans.Body != "" {
		sd.add(&ans.Problems, pos("body"), Say("unknown-body.answer", "unknown body %q: body: names the owner body that answers, declared in content/bodies/%s", ans.Body, Technical(didYouMean(ans.Body, keys(s.ByBody)))))
	}
	if owners := s.Owners(a.On); a.On != nil && ans.AnswerBody != nil && !slices.Contains(owners, ans.Body) {
		sd.add(&ans.Problems, pos("body"), Say("answer-not-owner", "%s does not own %s: only its owners (%s) answer its amendments; body: names the owner body that answers", ans.Body, a.ItemKey, strings.Join(owners, ", ")))
	}
	if read && ans.State == AmendmentRejected && strings.TrimSpace(ans.Text) == "" {
		sd.add(&ans.Problems, pos("state"), Say("answer-rejected-empty", "state is rejected but there is no answer: write after the front matter why the amendment is rejected"))
	}
	if a.State == AmendmentWithdrawn {
		sd.add(&ans.Problems, at, Say("answer-withdrawn", "%s withdrew the amendment (state: withdrawn in %s): a withdrawn amendment is not answered, and an answered one is not withdrawn; remove this answer, or set state: open there again", a.Voter, a.File))
	}
	ans.Verdict = Verdict{}
	if e := ans.Problems.Errors(); len(e) > 0 {
		ans.Verdict.Reason, ans.Detail = ReasonMalformed, e[0].Msg
		ans.Sentences = sd.of(ans.Detail)
		if ans.AnswerBody == nil && ans.Body != "" {
			ans.Verdict.Reason = ReasonUnknownVoter
		}
	}
}

// ApplyAnswer sets the amendment's State and Answer from its answer file when that
// answer counts (its Verdict, set by the trust stage) and is of an owner of the item:
// Applied says so. An answer that does not count leaves the amendment as its body wrote
// it: open, or withdrawn.
func (a *Amendment) ApplyAnswer() {
	ans := a.AnswerFile
	if ans == nil {
		return
	}
	ans.Applied = false
	if !ans.Counted || ans.Problems.HasErrors() || a.State == AmendmentWithdrawn {
		return
	}
	a.State = ans.State
	a.Answer = Answer{Date: ans.Date, Text: strings.TrimSpace(ans.Text)}
	ans.Applied = true
}

// checkAmendedFields records the fields of a that the item's kind does not amend, those
// proposed twice, and the values a field does not take.
func (s *Site) checkAmendedFields(a *Amendment, sd said) {
	allowed := AmendableFields(a.On.Section)
	k := KindOf(a.On.Section)
	seen := map[string]bool{}
	for _, f := range a.Fields {
		at := f.Pos
		if at.File == "" {
			at = diag.Pos{File: a.File, Line: 1, Col: 1}
		}
		switch {
		case len(allowed) == 0:
			sd.add(&a.Problems, at, Say("fields.none", "fields: %s are amended by their title and text only; remove fields: and propose the text after the front matter", Word{Key: k.Plural + ".title", English: k.Plural}))
			return
		case f.Name == "title":
			sd.add(&a.Problems, at, Say("fields.title", "fields: the title is proposed with title: at the top of the front matter, not as a field"))
		case !slices.Contains(allowed, f.Name):
			sd.add(&a.Problems, at, Say("fields.unknown", "fields: %q cannot be amended%s (an amendment to an %s may propose: %s; who owns it and where it sits in the plan are the plan owner's to decide)", f.Name, Technical(didYouMean(f.Name, allowed)), Word{Key: "search.type." + k.Name, English: k.Name}, strings.Join(allowed, ", ")))
		case seen[f.Name]:
			sd.add(&a.Problems, at, Say("fields.twice", "fields: %q is proposed twice; keep one", f.Name))
		default:
			seen[f.Name] = true
			if msg := CheckAmendedValue(a.On.Section, f.Name, strings.TrimSpace(f.Value)); msg != "" {
				a.Problems.Add(at, "fields: %s", msg)
			}
		}
	}
}

// DeriveStatus sets the amendment's Status: its State, or superseded for an open
// amendment whose item's file changed in a commit that landed after the amendment did
// (SupersededBy is that change). Without Git history (no Origin, no Item.History)
// nothing is superseded. The trust stage runs it, to close the votes on an amendment
// no longer open; Derive runs it again, to the same result.
func (a *Amendment) DeriveStatus() {
	a.Status, a.SupersededBy = a.State, nil
	if a.Status == "" {
		a.Status = AmendmentOpen
	}
	if a.Status != AmendmentOpen || a.On == nil || a.Origin == nil || a.Origin.Landed.IsZero() {
		return
	}
	for _, c := range a.On.History {
		if c.File == a.On.File && c.Landed.After(a.Origin.Landed) {
			a.Status, a.SupersededBy = AmendmentSuperseded, c
			return
		}
	}
}

// deriveAmendments orders the amendments, derives their status, and attaches each to
// its item; the votes on them are attached by Derive with the other reactions.
func (s *Site) deriveAmendments() {
	sort.SliceStable(s.Amendments, func(i, j int) bool {
		a, b := s.Amendments[i], s.Amendments[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.Before(b.Date)
		}
		return a.File < b.File
	})
	for _, a := range s.Amendments {
		a.DeriveStatus()
		a.Reactions, a.Tally = nil, Tally{}
		if a.On != nil {
			a.On.Amendments = append(a.On.Amendments, a)
		}
	}
}
