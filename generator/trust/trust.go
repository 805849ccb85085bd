// Package trust applies the trust model of a portal: it decides, for every vote
// (reaction file), comment (feedback file) and amendment of a site, whether it counts,
// and says why when it does not. Amendments are judged as comments, in a phase that
// opens amendments (or feedback, when no phase names them); an owner's answer to an
// amendment (answer.md) as a comment of the body it names, at any time, and only a
// counted answer of an owner of the item accepts or rejects the amendment; votes on an
// amendment as votes on a proposal, closed once the amendment is no longer open (from
// its answer's landing). A contribution counts when its file is well formed and named after a
// registered body, its item exists and is open, the body it speaks for vouches for it
// under the site's policy, and it landed on the main branch inside a phase that opens it.
// A moderation file (content/moderation/) is judged as a comment of the plan owner body,
// at any time: it applies only when a member of the owner body vouches for it.
//
// Policies (votes.policy in pspm.yaml):
//   - none: identity is not verified; every well-formed contribution on time counts,
//     marked unverified.
//   - author: the commit that last changed the file was authored by a member of the body
//     (by email, as written in content/bodies/<id>.md).
//   - signed: the file is signed by a key registered for a member of the body: the commit
//     that last changed it carries a valid OpenPGP or SSH signature, or a detached SSH
//     signature <file>.sig (ssh-keygen -Y sign -n pspm) signs the file's bytes, and the
//     file names its item and voter, so that the signature cannot be moved to another
//     item or voter. A signature that was withdrawn from the branch before is spent.
//
// Spent stays spent: a version of a contribution that the main branch withdrew never
// counts again by the same consent, neither by its detached signature nor by the
// commit that made it, whatever merge brings it back (site.Origin.Replayed, site.Sig.Spent).
// A contribution is timed by a landing the maintainers made (see clock): the
// contributor's own date, brought by a fast-forward, does not count.
//
// Judge works on the model only: provenance comes from the history stage (Origin, Sig),
// signatures are checked by package signature. It is deterministic: time is always a
// time from Git, never the clock.
package trust

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
)

// Policies.
const (
	PolicyNone   = "none"
	PolicyAuthor = "author"
	PolicySigned = "signed"
)

// Options says how to judge.
type Options struct {
	// Policy is votes.policy: PolicyNone, PolicyAuthor or PolicySigned.
	Policy string
	// FromGit says that the site was read from a Git repository, so a contribution
	// without an Origin is one that is not committed as it is.
	FromGit bool
	// ForgeKeys and ForgeCommitters (forge.keys, forge.committers) are trusted, besides
	// the plan owner's members, to have made a landing commit: the forge's signing keys
	// (policy signed) and committer e-mails (author and none).
	ForgeKeys, ForgeCommitters []string
}

// Judge sets the Verdict of every reaction and feedback of s, and returns the problems
// of the registered keys (a key that cannot be parsed is an error in the body's file).
// It runs after the history stage has attached origins and before Derive counts.
func Judge(s *site.Site, o Options) diag.List {
	var errs diag.List
	keys, owners := keyrings(s, &errs)
	j := &judge{s: s, o: o, keys: keys, owners: owners}
	clock := newClock(s, o, keys, &errs)
	for _, r := range s.Reactions {
		clock.prepare(r.Origin)
	}
	for _, f := range s.Feedback {
		clock.prepare(f.Origin)
	}
	for _, a := range s.Amendments {
		clock.prepare(a.Origin)
		if a.AnswerFile != nil {
			clock.prepare(a.AnswerFile.Origin)
		}
	}
	// An amendment's landing time, as the rules use it, decides whether it was
	// superseded, and its owner's counted answer whether it is accepted or rejected and
	// when the votes on it close (ClosedAmendment): set them first.
	amended := make([]timing, len(s.Amendments))
	for i, a := range s.Amendments {
		amended[i] = clock.time(a.Origin)
		a.Origin = clock.retimed(a.Origin, amended[i])
		if ans := a.AnswerFile; ans != nil {
			at := clock.time(ans.Origin)
			ans.Verdict = j.answerVerdict(a, ans, at)
			ans.Origin = clock.retimed(ans.Origin, at)
			a.ApplyAnswer()
		}
		a.DeriveStatus()
	}
	// Verdicts are independent, and a signature check costs tens of microseconds: judge
	// on every core.
	var verdicts site.Verdicts // a few hundred distinct ones for a million reactions: shared
	parallel.For(len(s.Reactions), func(i int) {
		r := s.Reactions[i]
		v, open := j.verdict(contribution{
			reason: r.Reason, detail: r.Detail, sentences: r.Sentences, file: r.File, item: r.On, itemKey: r.ItemKey(),
			voter: r.Voter(), body: r.VoterBody, origin: r.Origin, sig: r.Sig(), raw: r.Raw(),
			forItem: r.ForItem(), forVoter: r.ForVoter(), voterKey: "voter",
			opens: opens(r), vote: true, timing: clock.time(r.Origin), amendment: r.Amendment(),
		})
		r.Verdict = verdicts.Of(v)
		r.Origin = clock.retimed(r.Origin, clock.time(r.Origin))
		r.CountVote = r.Counted && r.Vote() != "" && slices.Contains(open, "votes")
		r.CountPriority = r.Counted && r.Priority != 0 && slices.Contains(open, "priorities")
	})
	for _, f := range s.Feedback {
		if f.VoterParticipant != nil {
			continue // a participant's: judgeCommunity
		}
		f.Verdict, _ = j.verdict(contribution{
			reason: f.Reason, detail: f.Detail, sentences: f.Sentences, file: f.File, item: f.On, itemKey: f.ItemKey,
			voter: f.Voter, body: f.VoterBody, origin: f.Origin, sig: f.Sig, raw: f.Raw,
			forItem: f.ForItem, forVoter: f.ForBody, voterKey: "body",
			opens: []string{"feedback"}, timing: clock.time(f.Origin),
		})
		f.Origin = clock.retimed(f.Origin, clock.time(f.Origin))
	}
	j.judgeCommunity(clock, &errs)
	for _, m := range s.Moderations {
		m.Verdict = j.moderationVerdict(m)
	}
	what := AmendmentsOpen(s.Plan.Phases)
	for i, a := range s.Amendments {
		a.Verdict, _ = j.verdict(contribution{
			reason: a.Verdict.Reason, detail: a.Detail, sentences: a.Sentences, file: a.File, item: a.On, itemKey: a.ItemKey,
			voter: a.Voter, body: a.VoterBody, origin: a.Origin, sig: a.Sig, raw: a.Raw,
			forItem: a.ForItem, forVoter: a.ForBody, voterKey: "body",
			opens: []string{what}, timing: amended[i],
		})
	}
	return errs
}

// answerVerdict judges the owner's answer to the amendment a as a comment of the
// answering body, under the policy, at any time: an owner answers whether or not a
// phase is open.
func (j *judge) answerVerdict(a *site.Amendment, ans *site.AmendmentAnswer, t timing) site.Verdict {
	c := contribution{
		reason: ans.Verdict.Reason, detail: ans.Detail, sentences: ans.Sentences, file: ans.File, item: a.On, itemKey: a.Key(),
		voter: ans.Body, body: ans.AnswerBody, origin: ans.Origin, sig: ans.Sig, raw: ans.Raw,
		forItem: ans.ForItem, forVoter: ans.Body, voterKey: "body", timing: t,
	}
	if c.reason == "" && ans.Problems.HasErrors() {
		c.reason, c.detail = site.ReasonMalformed, ans.Problems.Errors()[0].Msg
		c.sentences = []site.Sentence{site.ProblemSentence(c.detail)}
	}
	v := j.identity(c)
	if v.Reason != "" {
		return v
	}
	if c.origin != nil && t.unverifiable && j.o.Policy == PolicySigned {
		return verdictOf(site.ReasonUnverifiedLanding, t.note)
	}
	v.Counted = true
	if c.origin != nil {
		v.Detail, v.Sentences = joinSentences([]site.Sentence{t.note})
	}
	return v
}

// moderationVerdict judges a moderation file as a comment of the plan owner body, at
// any time: it applies (Counted) only when a member of the owner body vouches for it
// under the policy (policy author: the commit that last changed it was authored by a
// member; signed: signed by a member's key). Under policy none every moderation on the
// main branch applies: the merge-request gate alone keeps others out.
func (j *judge) moderationVerdict(m *site.Moderation) site.Verdict {
	owner := j.s.Plan.OwnerBody
	if owner == nil {
		return notCountedSaid(site.ReasonUnknownVoter, "no-owner-moderation", "the plan has no owner body: only its members may moderate")
	}
	v := j.identity(contribution{
		file: m.File, itemKey: site.ModerationDir, voter: owner.ID, body: owner, origin: m.Origin, raw: m.Raw, voterKey: "body",
	})
	if v.Reason != "" {
		return v
	}
	v.Counted = true
	return v
}

// AmendmentsOpen is what a phase must open for an amendment to count: "amendments" when
// a phase of the plan names them, else "feedback": a plan whose phases predate
// amendments takes them whenever it takes comments.
func AmendmentsOpen(phases []site.Phase) string {
	for i := range phases {
		if phases[i].Opening("amendments") {
			return "amendments"
		}
	}
	return "feedback"
}

// opens lists what a reaction needs open: votes for a vote, priorities for a priority.
func opens(r *site.Reaction) []string {
	var o []string
	if r.Vote() != "" {
		o = append(o, "votes")
	}
	if r.Priority != 0 {
		o = append(o, "priorities")
	}
	return o
}

// Keyrings parses the keys registered for the members of every body, by body id. A key
// that cannot be parsed is reported at its position in the body's file.
func Keyrings(s *site.Site, errs *diag.List) map[string][]*signature.Key {
	out, _ := keyrings(s, errs)
	return out
}

// keyrings is Keyrings, and the member each key is registered for.
func keyrings(s *site.Site, errs *diag.List) (map[string][]*signature.Key, map[*signature.Key]*site.Member) {
	out := map[string][]*signature.Key{}
	owner := map[*signature.Key]*site.Member{}
	for _, b := range s.Bodies {
		for i, m := range b.Members {
			for k, text := range m.Keys {
				key, err := signature.ParseKey(text)
				if err != nil {
					pos, ok := m.At["keys"]
					if !ok {
						pos = b.Pos
					}
					errs.Add(pos, "members[%d].keys[%d]: %v", i, k, err)
					continue
				}
				out[b.ID] = append(out[b.ID], key)
				owner[key] = &b.Members[i]
			}
		}
	}
	return out, owner
}

type judge struct {
	s    *site.Site
	o    Options
	keys map[string][]*signature.Key
	// owners is the member each key is registered for, whom a verdict names.
	owners map[*signature.Key]*site.Member
}

// contribution is what the rules need of a reaction or a feedback file.
type contribution struct {
	reason, detail    string // a flaw found while reading and resolving
	file              string
	item              *site.Item
	itemKey           string
	voter             string
	body              *site.Body
	origin            *site.Origin
	sig               *site.Sig
	raw               []byte
	sentences         []site.Sentence // detail as sentences (site.Say), when reason is set
	forItem, forVoter string          // what the file says it is for
	voterKey          string          // the key naming the voter in the file: voter or body
	opens             []string
	vote              bool // a reaction (closed items take no more votes)
	timing            timing
	amendment         *site.Amendment // the amendment a vote is on, if any
}

// verdict judges one contribution, and says which of the things it carries (c.opens)
// were open when it landed: a vote may count while its priority, landed outside any
// phase that opens priorities, does not.
func (j *judge) verdict(c contribution) (site.Verdict, []string) {
	v := j.identity(c)
	if v.Reason != "" {
		return v, nil
	}
	if c.origin == nil { // not timed: policy none on a site outside Git, or not committed
		v.Counted = true
		return v, c.opens
	}
	if c.timing.unverifiable && j.o.Policy == PolicySigned {
		return verdictOf(site.ReasonUnverifiedLanding, c.timing.note), nil
	}
	open, closed := j.window(c)
	if len(open) == 0 {
		return verdictOf(site.ReasonOutsideWindow, say("outside-window", "it landed on %s (commit %s), when no phase of the plan opened %s (phases are in content/plan/_index.md)",
			moment(c.timing.at), short(c.timing.commit), opensLabel(closed, " or ")), c.timing.note), nil
	}
	v.Counted = true
	var notes []site.Sentence
	if len(closed) > 0 {
		notes = append(notes, say("partly-open", "only its %s counts: it landed on %s, when no phase of the plan opened %s",
			opensLabel(open, " and "), day(c.timing.at.UTC()), opensLabel(closed, " or ")))
	}
	notes = append(notes, c.timing.note)
	v.Detail, v.Sentences = joinSentences(notes)
	return v, open
}

// identity applies every rule but the phase window: the file, the item, and who vouches
// for it under the policy.
func (j *judge) identity(c contribution) site.Verdict {
	if c.reason != "" {
		return site.Verdict{Reason: c.reason, Detail: c.detail, Sentences: c.sentences, Verification: site.VerifiedNone}
	}
	if c.forItem != "" && c.forItem != c.itemKey {
		return notCountedSaid(site.ReasonMalformed, "wrong-item", "the file says item: %s, but it is in the folder of %s: a vote is cast on the item whose folder holds it", c.forItem, c.itemKey)
	}
	if c.forVoter != "" && c.forVoter != c.voter {
		return notCountedSaid(site.ReasonMalformed, "wrong-voter", "the file says %s: %s, but it is named after %s", c.voterKey, c.forVoter, c.voter)
	}
	if c.vote {
		if v, closed := j.closed(c); closed {
			return v
		}
	}
	var v site.Verdict
	switch j.o.Policy {
	case PolicyAuthor, PolicySigned:
		if c.origin == nil {
			if j.o.FromGit {
				return notCountedSaid(site.ReasonUnverified, "uncommitted", "the file is not committed on the main branch as it is (added or edited since): its author cannot be verified")
			}
			return notCountedSaid(site.ReasonUnverified, "no-git", "the site is not read from a Git repository: votes.policy %s needs the history to verify who cast it", j.o.Policy)
		}
		if j.o.Policy == PolicyAuthor {
			v = j.byAuthor(c)
		} else {
			v = j.bySignature(c)
		}
		return v
	}
	return site.Verdict{Verification: site.VerifiedNone}
}

// closed tells whether the item no longer takes the vote: see Closed.
func (j *judge) closed(c contribution) (site.Verdict, bool) {
	var at time.Time
	if c.origin != nil {
		at = c.timing.at
	}
	var why site.Sentence
	if c.amendment != nil {
		why = closedAmendment(c.amendment, at)
	} else {
		why = closed(j.s, c.item, at)
	}
	if why.English != "" {
		return verdictOf(site.ReasonClosed, why), true
	}
	return site.Verdict{}, false
}

// Closed says why the item of s no longer takes a vote (or a priority) landed at at,
// "" when it does: a withdrawn proposal, a cancelled action, or a proposal answered
// before the day the vote landed. A zero at (a vote not timed by Git) is never after
// an answer. It is the rule the build counts votes by, and the one the merge-request
// check refuses a vote by before it lands.
func Closed(s *site.Site, item *site.Item, at time.Time) string { return closed(s, item, at).English }

// closed is Closed as a sentence pages translate.
func closed(s *site.Site, item *site.Item, at time.Time) site.Sentence {
	if item == nil {
		return site.Sentence{}
	}
	switch item.Section {
	case site.Proposals:
		p := s.Proposal(item.ID)
		if p == nil {
			return site.Sentence{}
		}
		if p.Status == site.ProposalWithdrawn {
			return say("closed.withdrawn", "the proposal was withdrawn: it takes no votes")
		}
		if !p.Answer.Date.IsZero() && !at.IsZero() && !at.Before(endOfDay(p.Answer.Date)) {
			return say("closed.answered", "the vote landed on %s, after the proposal was answered on %s", moment(at), day(p.Answer.Date))
		}
	case site.Actions:
		if a := s.Action(item.ID); a != nil && a.Status == site.StatusCancelled {
			return say("closed.cancelled", "the action was cancelled: it takes no votes or priorities")
		}
	}
	return site.Sentence{}
}

// ClosedKey is Closed for the item or the amendment whose key is key (an amendment's
// Key, plan/actions/x/amendments/<body>-<slug>, for a vote on it): "" when it takes the
// vote, or when s has no such item.
func ClosedKey(s *site.Site, key string, at time.Time) string {
	if a := s.Amendment(key); a != nil {
		return ClosedAmendment(a, at)
	}
	return Closed(s, s.Items[key], at)
}

// ClosedAmendment says why the amendment a no longer takes a vote landed at at, "" when
// it does: an amendment is voted on while it is open. A withdrawn one takes no votes; an
// accepted or rejected one none that landed with or after its owner's answer
// (a.AnswerFile's Origin), or, when the answer's landing is not known, after its
// answer's day; a superseded one none that landed after its item changed. A zero at (a
// vote not timed by Git) is closed only by a withdrawal, as for proposals.
func ClosedAmendment(a *site.Amendment, at time.Time) string {
	return closedAmendment(a, at).English
}

// closedAmendment is ClosedAmendment as a sentence pages translate.
func closedAmendment(a *site.Amendment, at time.Time) site.Sentence {
	state := a.State
	if a.Status == site.AmendmentSuperseded {
		state = a.Status
	}
	switch state {
	case site.AmendmentWithdrawn:
		return say("closed.amendment.withdrawn", "the amendment was withdrawn: it takes no votes")
	case site.AmendmentAccepted, site.AmendmentRejected:
		if at.IsZero() {
			return site.Sentence{}
		}
		stateLabel := label{Key: "verdict.state." + state, English: state}
		switch ans := a.AnswerFile; {
		case ans != nil && ans.Origin != nil && !ans.Origin.Landed.IsZero():
			if !at.Before(ans.Origin.Landed) {
				return say("closed.amendment.answer-landed", "the vote landed on %s, after the amendment was %s (its answer landed on %s, commit %s)", moment(at), stateLabel,
					moment(ans.Origin.Landed), short(ans.Origin.LandedCommit))
			}
		case !a.Answer.Date.IsZero():
			if !at.Before(endOfDay(a.Answer.Date)) {
				return say("closed.amendment.answered", "the vote landed on %s, after the amendment was %s on %s", moment(at), stateLabel, day(a.Answer.Date))
			}
		case a.Origin == nil || !at.Before(a.Origin.Landed):
			return say("closed.amendment.answered-undated", "the vote landed on %s, after the amendment was %s", moment(at), stateLabel)
		}
	case site.AmendmentSuperseded:
		if c := a.SupersededBy; c != nil && !at.IsZero() && !at.Before(c.Landed) {
			return say("closed.amendment.superseded", "the vote landed on %s, after the item changed (commit %s, %s) under the amendment: it is superseded", moment(at), short(c.Commit), day(c.Landed.UTC()))
		}
	}
	return site.Sentence{}
}

// byAuthor applies policy author: the commit's author email is a member's.
func (j *judge) byAuthor(c contribution) site.Verdict {
	o := c.origin
	if o.Replayed != nil {
		return verdictOf(site.ReasonUnverified, replayed(o.Replayed, "replayed.commit", "commit "+short(o.Commit)+" made this version before, and it", short(o.Commit)))
	}
	if m := c.body.Member(o.AuthorEmail); m != nil {
		return site.Verdict{Verification: site.VerifiedAuthor, Signer: m.Email, Member: m.Shown()}
	}
	return notCountedSaid(site.ReasonNotMember, "not-member", "commit %s, the last change to the file, was authored by %s <%s>, who is not a member of %s (members are listed in %s)",
		short(o.Commit), o.AuthorName, o.AuthorEmail, c.voter, c.body.File)
}

// bySignature applies policy signed: a detached signature beside the file, or the
// signature of the commit that last changed it, by a key of a member of the body.
func (j *judge) bySignature(c contribution) site.Verdict {
	keys := j.keys[c.voter]
	var detached site.Verdict
	if c.sig != nil {
		detached = j.detached(c, keys)
		if detached.Reason == "" {
			return detached
		}
	}
	return commitSigned(c.origin, keys, c.sig != nil, detached, signer{
		by: j.signedBy,
		notKey: func(o *site.Origin) site.Verdict {
			return notCountedSaid(site.ReasonNotMember, "not-member-key", "commit %s is signed by a key that is not registered for a member of %s (keys are listed in %s)", short(o.Commit), c.voter, c.body.File)
		},
		unsigned: func(o *site.Origin) site.Verdict {
			return notCountedSaid(site.ReasonUnsigned, "unsigned", "neither commit %s nor a detached signature (%s.sig, made with ssh-keygen -Y sign -n pspm) signs the file", short(o.Commit), baseName(c.file))
		},
	})
}

// signer says, for commitSigned, what a verified key makes of a contribution, and
// what it is when the commit is signed by a key not the voter's, or not signed at all.
type signer struct {
	by       func(*signature.Key) site.Verdict
	notKey   func(*site.Origin) site.Verdict
	unsigned func(*site.Origin) site.Verdict
}

// commitSigned finishes policy signed once a detached signature, if the contribution
// has one (hasSig), was judged as detached: a replayed commit, then the signature of
// the commit that last changed the file by one of keys, then the detached verdict.
func commitSigned(o *site.Origin, keys []*signature.Key, hasSig bool, detached site.Verdict, s signer) site.Verdict {
	if o.Replayed != nil {
		if hasSig {
			return detached
		}
		return verdictOf(site.ReasonBadSignature, replayed(o.Replayed, "replayed.commit-signature", "the signature of commit "+short(o.Commit)+" vouched for this version before, and it", short(o.Commit)))
	}
	if o.Signature != "" {
		key, err := signature.Verify([]byte(o.Signature), []byte(o.Payload), signature.NamespaceGit, keys, o.Committed)
		if err == nil {
			return s.by(key)
		}
		if !hasSig {
			if errors.Is(err, signature.ErrUnknownKey) {
				return s.notKey(o)
			}
			return notCountedSaid(site.ReasonBadSignature, "bad-commit-signature", "the signature of commit %s does not verify: %s", short(o.Commit), technical(err.Error()))
		}
	}
	if hasSig {
		return detached
	}
	return s.unsigned(o)
}

// signedBy is the verdict of a contribution signed with key.
func (j *judge) signedBy(key *signature.Key) site.Verdict {
	v := site.Verdict{Verification: site.VerifiedSignature, Signer: key.Fingerprint}
	if m := j.owners[key]; m != nil {
		v.Member = m.Shown()
	}
	return v
}

// detached checks the signature file beside a contribution.
func (j *judge) detached(c contribution, keys []*signature.Key) site.Verdict {
	if c.sig.Spent {
		if w := c.sig.Withdrawn; w != nil {
			return verdictOf(site.ReasonBadSignature, replayed(w, "replayed.file", baseName(c.sig.File), baseName(c.sig.File)))
		}
		return notCountedSaid(site.ReasonBadSignature, "withdrawn-signature", "%s was withdrawn from this item before: a withdrawn vote cannot be cast again with its old signature; sign the file anew", baseName(c.sig.File))
	}
	if c.forItem == "" || c.forVoter == "" {
		return notCountedSaid(site.ReasonBadSignature, "signed-unbound", "a signed file must say what it is for, so that its signature cannot be copied to another item or voter: add the lines \"item: %s\" and \"%s: %s\", then sign it again", c.itemKey, c.voterKey, c.voter)
	}
	key, err := signature.Verify(c.sig.Data, c.raw, signature.NamespacePSPM, keys, c.origin.Landed)
	switch {
	case err == nil:
		return j.signedBy(key)
	case errors.Is(err, signature.ErrUnknownKey):
		return notCountedSaid(site.ReasonNotMember, "not-member-sig", "%s is made with a key that is not registered for a member of %s (keys are listed in %s)", baseName(c.sig.File), c.voter, c.body.File)
	}
	return notCountedSaid(site.ReasonBadSignature, "bad-signature", "%s does not verify: %s (sign the file with: ssh-keygen -Y sign -n pspm -f KEY %s)", baseName(c.sig.File), technical(err.Error()), baseName(c.file))
}

// window splits what the contribution carries into what a phase opened when it landed,
// and what none did. A plan without phases opens everything at any time.
func (j *judge) window(c contribution) (open, closed []string) {
	phases := j.s.Plan.Phases
	for _, what := range c.opens {
		if len(phases) == 0 || Open(phases, what, c.timing.at) != nil {
			open = append(open, what)
		} else {
			closed = append(closed, what)
		}
	}
	return open, closed
}

// Open returns the first phase that opens what (proposals, feedback, votes or
// priorities) at time t, or nil. A phase runs from the start of its from day to the end
// of its to day (UTC, when written as dates).
func Open(phases []site.Phase, what string, t time.Time) *site.Phase {
	for i := range phases {
		p := &phases[i]
		if p.Opening(what) && !t.Before(p.From) && t.Before(endOfDay(p.To)) {
			return p
		}
	}
	return nil
}

// endOfDay is the first instant after the day of t, when t is a date (midnight); any
// other time is taken as it is, as an exact end.
func endOfDay(t time.Time) time.Time {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 && t.Nanosecond() == 0 {
		return t.AddDate(0, 0, 1)
	}
	return t
}

// Replayed says that what (a signature, or a commit) had vouched for a version that the
// main branch withdrew (w): the detail of the verdict, and of the merge-request check.
func Replayed(w *site.Withdrawal, what string) string {
	return fmt.Sprintf("replayed: %s was withdrawn on %s by commit %s; a withdrawn vote cannot be cast again with its old signature or commit: sign again",
		what, w.When.UTC().Format(time.DateOnly), short(w.Commit))
}

// replayed is Replayed as a sentence of a verdict: english is what Replayed says was
// replayed; key (verdict.<key>) is the language files' sentence, whose parameters are
// name (the commit or file replayed), the day it was withdrawn and the withdrawing commit.
func replayed(w *site.Withdrawal, key, english, name string) site.Sentence {
	return site.Sentence{Key: key, English: Replayed(w, english),
		Params: []site.Param{{Text: name}, {Time: w.When.UTC()}, {Text: short(w.Commit)}}}
}

func short(hash string) string { return hash[:min(10, len(hash))] }

func baseName(file string) string {
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		return file[i+1:]
	}
	return file
}

// TagVerdict says whether a plan version's tag is signed by a member of the plan owner
// body with a key registered in the body's file.
type TagVerdict struct {
	Verified bool
	Signer   string // "Name, Role (fingerprint)" of the member whose key signed it, as the body declares them (never an e-mail)
	Problem  string // why a signed tag is not verified
	// Said is Problem as a sentence pages write in their language (verdict.<key>).
	Said site.Sentence
}

// tagProblem is the verdict of a tag that is not verified, for the reason s says.
func tagProblem(s site.Sentence) TagVerdict { return TagVerdict{Problem: s.English, Said: s} }

// VerifyTag checks the signature of a tag (sig over payload, OpenPGP or SSH in the "git"
// namespace, made at the time at) against the keys of the members of the plan owner body
// of s. Keys that cannot be parsed are skipped: Keyrings reports them.
func VerifyTag(s *site.Site, sig, payload string, at time.Time) TagVerdict {
	owner := s.Plan.OwnerBody
	if owner == nil {
		return tagProblem(say("tag.no-owner", "the plan has no owner body whose members could sign it"))
	}
	var keys []*signature.Key
	member := map[*signature.Key]*site.Member{}
	for i := range owner.Members {
		m := &owner.Members[i]
		for _, text := range m.Keys {
			if k, err := signature.ParseKey(text); err == nil {
				keys = append(keys, k)
				member[k] = m
			}
		}
	}
	key, err := signature.Verify([]byte(sig), []byte(payload), signature.NamespaceGit, keys, at)
	switch {
	case err == nil:
		m := member[key]
		return TagVerdict{Verified: true, Signer: m.Shown() + " (" + key.Fingerprint + ")"}
	case errors.Is(err, signature.ErrUnknownKey):
		return tagProblem(say("tag.not-member-key", "signed by a key that is not registered for a member of %s (keys are listed in %s)", owner.ID, owner.File))
	}
	return tagProblem(say("tag.bad-signature", "the signature does not verify: %s", technical(err.Error())))
}
