// Package review checks a merge request as a forge's CI job would, before it lands: who
// made what it changes, under the trust model of the portal. Content checks are the build's; review adds the
// change rules of a participatory portal:
//
//   - a reaction or feedback file may only be added, changed or deleted by a member of
//     the body it speaks for;
//   - a proposal or a practice by members of its body or of the plan owner body;
//   - an action's or an expected result's file (its progress, status, indicators, text
//     and translations) by members of any of its owners, the lead and every co-owner as
//     the target lists them, or of the plan owner body; but adding or removing one and
//     changing its owners or its addressees only by members of the plan owner body;
//   - a moderation decision (content/moderation/**: hiding a contribution, or lifting
//     the decision by deleting its file) only by members of the plan owner body;
//   - a proposal's official fields (status, answer, and the answer of every
//     translation), the plan (content/plan/**), the bodies, and everything that is not
//     content (pspm.yaml, layouts, static, i18n, CI files) only by members of the plan
//     owner body; a body may also edit its own registration;
//   - an amendment to a plan item (<item>/amendments/<body>-<slug>.md) is added open by
//     a member of a body that does not own the item, while a phase opens amendments
//     (or feedback, when no phase names amendments); only its body edits what it
//     proposes, while it is open, and withdraws it; only the item's owners (or the plan
//     owner) answer it, in a file of their own, <body>-<slug>/answer.md, whose body: is
//     the answering owner body: accepting it in the merge request that applies its
//     title, text and fields to the item, or rejecting it, with a text; an answered
//     amendment is no longer edited nor withdrawn, a withdrawn one not answered; an
//     amendment and its answer are never deleted, but by the plan owner with the item;
//   - contributions only while a phase of the plan opens them, and a vote only on an
//     item or amendment that still takes votes (trust.Closed, trust.ClosedAmendment,
//     the build's rules): not on a withdrawn or answered proposal, a cancelled action,
//     nor an amendment no longer open.
//
// The request is judged by its net change (history.NetChange): the files whose version
// at its head differs from the merge base with the target, whatever merges its branch
// holds. A change made and undone within the request is no change. Each changed file
// is charged to the commits of the request that made its new version; a version that
// a merge brought from an old commit outside the request was made by nobody in it, and
// is refused with a message that says the history is the problem.
//
// Everything is judged under the rules of the base (the target branch), never the
// head's: its pspm.yaml (votes.policy), its bodies' members, forge accounts and keys,
// and its plan's phases. A merge request cannot switch the rules off, nor add its
// author to a body and use the membership at once.
//
// "Member" follows votes.policy: the commit's author email (author), or a signature by
// a member's registered key, on the commit or detached beside the file (signed). Both
// are what the build counts a vote by. An email is free text in a commit: with
// Options.Actor, the forge's authenticated user who opened the request must also be a
// member (members[].forge) of a body allowed to make each change. Under policy none
// without an actor, identity is not checked, and only the phase rules apply.
package review

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/trust"
)

// Options says what to review.
type Options struct {
	// Dir is the site folder, inside the Git work tree of the merge request's head.
	Dir string
	// Base and Head are revisions: the target branch (e.g. origin/main) and the merge
	// request's tip ("HEAD" when empty).
	Base, Head string
	// Site is the site as it will land: read from the work tree, already checked.
	Site *site.Site
	// Actor is the forge account that opened the merge request, as the forge
	// authenticated it (the CI job passes it); "" when unknown. When set, every change
	// must be allowed to a body the actor is a member of (members[].forge), whatever
	// the commits' emails say.
	Actor string
	// Now is when the merge request is judged, for the phase rules: the phases must be
	// open now, when it would land.
	Now time.Time
	// Spent is what the base's history withdrew (history.History.Spent): a vote or
	// comment of the head that the base withdrew, by its commit or its detached
	// signature, is a replay, refused as the build would not count it. Nil skips it.
	Spent *history.Spent
}

// Review returns the violations of the change rules by the merge request base..head,
// as errors at the files concerned, and warnings for what it cannot check.
func Review(o Options) (diag.List, error) {
	var errs diag.List
	if o.Head == "" {
		o.Head = "HEAD"
	}
	hopt := history.Options{Dir: o.Dir}
	net, err := history.NetChange(hopt, o.Base, o.Head)
	if err != nil {
		return nil, err
	}
	baseFS, baseCommit, err := history.Snapshot(hopt, o.Base)
	if err != nil {
		return nil, err
	}
	if c, ok := baseFS.(io.Closer); ok {
		defer c.Close() // unmap the base's packs now, not when the collector runs
	}
	// The base's own errors are not this merge request's.
	var ignore diag.List
	cfg := config.Load(baseFS, &ignore)
	base, _ := content.Load(baseFS, cfg)
	base.Resolve()
	landedAnswers(base)

	r := &reviewer{o: o, base: base, head: o.Site, policy: cfg.Votes.Policy, net: net, cfg: cfg, baseCommit: baseCommit.Hash}
	r.keys = trust.Keyrings(base, &ignore)
	r.owner = base.Plan.Owner
	if r.owner == "" {
		r.owner = o.Site.Plan.Owner
	}
	r.phases = base.Plan.Phases
	if base.Plan.Title == "" && len(r.phases) == 0 {
		r.phases = o.Site.Plan.Phases // a target with no plan yet: the request brings it
	}
	r.baseFS = baseFS
	if r.policy == trust.PolicyNone && o.Actor == "" {
		errs.Warn(diag.Pos{File: config.File}, "votes.policy is none on the target branch: who made each change is not checked, only when (set votes.policy: author or signed, or pass --actor)")
	}
	for _, f := range net.Files {
		r.file(f, &errs)
	}
	r.replays(&errs)
	errs.Sort()
	return errs, nil
}

// replays refuses the contributions of the head that bring back a version the base
// withdrew, whatever commits or merges brought them: the same rule as the build's
// (trust), on the base's history.
func (r *reviewer) replays(errs *diag.List) {
	if r.o.Spent == nil {
		return
	}
	type old struct{ blob, sig string }
	was := map[string]old{}
	for _, rc := range r.base.Reactions {
		was[rc.File] = old{rc.Blob, sigBlob(rc.Sig())}
	}
	for _, fb := range r.base.Feedback {
		was[fb.File] = old{fb.Blob, sigBlob(fb.Sig)}
	}
	for _, sp := range r.base.Supports {
		was[sp.File] = old{sp.Blob, sigBlob(sp.Sig)}
	}
	for _, a := range r.base.Amendments {
		was[a.File] = old{a.Blob, sigBlob(a.Sig)}
		if ans := a.AnswerFile; ans != nil {
			was[ans.File] = old{ans.Blob, sigBlob(ans.Sig)}
		}
	}
	// What the request changes is its net change: a file the target changed (withdrew)
	// since a request behind it branched off is not brought back by it, and a three-way
	// merge keeps the target's version.
	changed := map[string]bool{}
	for _, f := range r.net.Files {
		changed[f.Path] = true
	}
	check := func(file, blob, what string, o *site.Origin, sg *site.Sig) {
		if w, ok := was[file]; ok && w.blob == blob && w.sig == sigBlob(sg) {
			return // not changed by the request
		}
		if !changed[file] && (sg == nil || !changed[sg.File]) {
			return // the target's change since the request branched off
		}
		at := diag.Pos{File: file, Line: 1, Col: 1}
		if o != nil {
			if rt := r.o.Spent.Commit(file, o.Commit); rt != nil {
				errs.Add(at, "the merge request brings back %s that the target branch withdrew: %s",
					what, trust.Replayed(withdrawal(rt), "commit "+short(o.Commit)+", which made this version,"))
			}
		}
		if sg != nil {
			if rt := r.o.Spent.Blob(sg.File, sg.Blob); rt != nil {
				errs.Add(diag.Pos{File: sg.File}, "the merge request brings back the signature of %s that the target branch withdrew: %s",
					what, trust.Replayed(withdrawal(rt), path.Base(sg.File)))
			}
		}
	}
	for _, rc := range r.head.Reactions {
		check(rc.File, rc.Blob, "a vote of "+rc.Voter(), rc.Origin, rc.Sig())
	}
	for _, fb := range r.head.Feedback {
		check(fb.File, fb.Blob, "a comment of "+fb.Voter, fb.Origin, fb.Sig)
	}
	for _, sp := range r.head.Supports {
		check(sp.File, sp.Blob, "a support of "+sp.Participant, sp.Origin, sp.Sig)
	}
	for _, a := range r.head.Amendments {
		check(a.File, a.Blob, "an amendment of "+a.Voter, a.Origin, a.Sig)
		if ans := a.AnswerFile; ans != nil {
			check(ans.File, ans.Blob, "the answer of "+ans.Body, ans.Origin, ans.Sig)
		}
	}
}

func sigBlob(sg *site.Sig) string {
	if sg == nil {
		return ""
	}
	return sg.Blob
}

func withdrawal(rt *history.Retirement) *site.Withdrawal {
	return &site.Withdrawal{Commit: rt.By, When: rt.When}
}

type reviewer struct {
	o          Options
	base, head *site.Site
	from       *site.Site // at the merge base; see fromSite
	baseCommit string
	cfg        *config.Config // the base's
	baseFS     fs.FS
	net        *history.Net
	policy     string
	keys       map[string][]*signature.Key
	owner      string
	phases     []site.Phase
}

// kind is what a changed file is, for the rules.
type kind struct {
	bodies   []string // who may change it (any of them)
	why      string   // what the file is, for the message
	opens    string   // what a phase must open for it to change now, "" for no phase rule
	item     *site.Item
	voter    string
	official bool // a proposal: its official fields are the owner's
	action   bool // a file of an action: its owners may change it, but not who owns it
	// key is what a vote is on, for the rule of closed items: the item's key, or the
	// amendment's for a vote on an amendment.
	key string
	// amendment is the file of an amendment (without .sig), whose rules depend on
	// what the request changes in it: see amendmentRules.
	amendment string
	// answer is the file of the amendment an answer.md (or its .sig) answers: see
	// answerRules.
	answer string
	// participant is the handle of the community's participant whose file it is (their
	// registration, support, comment or proposal): see participantRules. community is
	// what a phase must open to the community for it to change now ("" for none).
	participant string
	community   string
	// approval says the file is a participant's registration, whose approved: only the
	// plan owner's members set.
	approval bool
}

// classify tells who may change the file at p.
func (r *reviewer) classify(p string) kind {
	owner := []string{r.owner}
	rel, ok := strings.CutPrefix(p, content.Dir+"/")
	if !ok {
		if strings.HasPrefix(p, "../") {
			return kind{bodies: owner, why: "a file of the repository beside the portal's folder"}
		}
		return kind{bodies: owner, why: "a file of the portal's configuration or theme"}
	}
	parts := strings.Split(rel, "/")
	var sec site.Section
	for _, s := range site.Sections {
		if strings.HasPrefix(rel, string(s)+"/") {
			sec = s
			parts = strings.Split(strings.TrimPrefix(rel, string(s)+"/"), "/")
		}
	}
	if sec == "" {
		if h, ok := strings.CutPrefix(rel, string(site.Participants)+"/"); ok && !strings.Contains(h, "/") {
			h = strings.TrimSuffix(h, ".md")
			return kind{bodies: owner, why: "the registration of participant " + h, participant: h, approval: true}
		}
		if strings.HasPrefix(rel, "moderation/") {
			// Hiding a contribution, and lifting the decision (deleting the file), is
			// the plan owner's alone: its members are the portal's maintainers.
			return kind{bodies: owner, why: "a moderation decision (content/moderation/)"}
		}
		return kind{bodies: owner, why: "the plan"}
	}
	id := strings.TrimSuffix(parts[0], ".md")
	if i := strings.IndexByte(id, '.'); i > 0 { // a translation, <id>.<lang>.md
		id = id[:i]
	}
	key := string(sec) + "/" + id
	if len(parts) >= 3 && parts[1] == "supports" {
		h := site.CanonicalVoter(parts[len(parts)-1])
		return kind{bodies: owner, why: "a support of " + h, participant: h, community: "supports", item: r.item(key), key: key}
	}
	if len(parts) >= 3 && parts[1] == "feedback" {
		if h, _, _ := strings.Cut(parts[len(parts)-1], "-"); r.isParticipant(site.CanonicalVoter(h)) {
			h = site.CanonicalVoter(h)
			return kind{bodies: owner, why: "a comment of participant " + h, participant: h, community: "feedback", item: r.item(key), key: key}
		}
	}
	if len(parts) >= 3 && parts[1] == "reactions" {
		voter := site.CanonicalVoter(parts[len(parts)-1])
		return kind{bodies: []string{voter}, voter: voter, why: "a vote of " + voter, opens: "votes", item: r.item(key), key: key}
	}
	if len(parts) >= 3 && parts[1] == "amendments" {
		rest := parts[2:]
		if len(rest) >= 3 && rest[1] == "reactions" {
			voter := site.CanonicalVoter(rest[len(rest)-1])
			return kind{bodies: []string{voter}, voter: voter, why: "a vote of " + voter + " on an amendment", opens: "votes", item: r.item(key), key: key + "/amendments/" + rest[0]}
		}
		voter, _, _ := strings.Cut(rest[0], "-")
		voter = site.CanonicalVoter(voter)
		if len(rest) == 2 && strings.TrimSuffix(rest[1], ".sig") == site.AnswerName {
			return kind{bodies: owner, why: "the answer to an amendment of " + voter, item: r.item(key),
				answer: path.Dir(p) + ".md"}
		}
		return kind{bodies: []string{voter}, voter: voter, why: "an amendment of " + voter, item: r.item(key), amendment: strings.TrimSuffix(p, ".sig")}
	}
	if len(parts) >= 3 && parts[1] == "feedback" {
		voter, _, _ := strings.Cut(parts[len(parts)-1], "-")
		voter = site.CanonicalVoter(voter)
		return kind{bodies: []string{voter}, voter: voter, why: "a comment of " + voter, opens: "feedback", item: r.item(key)}
	}
	switch sec {
	case site.Proposals, site.Practices:
		if h := r.proposalParticipant(sec, id); h != "" {
			k := kind{bodies: owner, why: "a proposal of participant " + h, participant: h, item: r.item(key), key: key, official: true}
			if r.base.Proposal(id) == nil {
				k.community = "proposals"
			}
			return k
		}
		k := kind{bodies: owner, why: "a " + strings.TrimSuffix(string(sec), "s"), item: r.item(key), official: sec == site.Proposals}
		for _, s := range []*site.Site{r.base, r.head} {
			if b := authorBody(s, sec, id); b != "" && !slices.Contains(k.bodies, b) {
				k.bodies = append(k.bodies, b)
			}
		}
		if sec == site.Proposals && r.base.Proposal(id) == nil {
			k.opens = "proposals"
		}
		return k
	case site.Actions, site.Results:
		// An action's (or a result's) owners (the lead and every co-owner, as the target lists them)
		// report its progress and keep its text; what the plan decides (whether it
		// exists, who owns it, whom it is addressed to) is the plan owner's: see file.
		why := "an action of the plan"
		if sec == site.Results {
			why = "an expected result of the plan"
		}
		k := kind{bodies: owner, why: why, item: r.item(key), action: true}
		for _, b := range ownersOf(r.base, sec, id) {
			if !slices.Contains(k.bodies, b) {
				k.bodies = append(k.bodies, b)
			}
		}
		return k
	case site.Bodies:
		k := kind{bodies: owner, why: "the registration of a body"}
		if r.base.ByBody[id] != nil {
			k.bodies = append(k.bodies, id)
		}
		return k
	}
	return kind{bodies: owner, why: "the plan"}
}

// ownersOf lists the owners of the plan item sec/id of s, the lead first (for an
// action, the plan owner when its file names none); none when s has no such item.
func ownersOf(s *site.Site, sec site.Section, id string) []string {
	switch sec {
	case site.Actions:
		if a := s.Action(id); a != nil {
			return a.Owners
		}
	case site.Results:
		if r := s.Result(id); r != nil {
			return r.Owners
		}
	}
	return nil
}

// owned is what the plan owner decides of an owned plan item read from a file: whom it
// is owned by and addressed to.
type owned struct{ owners, addressees []string }

// ownedAt is the action or result of s whose file is p, or nil.
func ownedAt(s *site.Site, p string) *owned {
	for _, a := range s.Actions {
		if a.File == p {
			return &owned{a.Owners, a.Addressees}
		}
	}
	for _, r := range s.Results {
		if r.File == p {
			return &owned{r.Owners, nil}
		}
	}
	return nil
}

func (r *reviewer) item(key string) *site.Item {
	if it := r.head.Items[key]; it != nil {
		return it
	}
	return r.base.Items[key]
}

func authorBody(s *site.Site, sec site.Section, id string) string {
	if sec == site.Proposals {
		if p := s.Proposal(id); p != nil {
			return p.Body
		}
	} else if p := s.Practice(id); p != nil {
		return p.Body
	}
	return ""
}

// file applies the rules to one file the merge request changes.
func (r *reviewer) file(f history.NetFile, errs *diag.List) {
	k := r.classify(f.Path)
	at := diag.Pos{File: f.Path, Line: 1, Col: 1}
	if f.New == "" {
		at = diag.Pos{File: f.Path}
	}
	verb := "changed"
	switch {
	case f.Old == "":
		verb = "added"
	case f.New == "":
		verb = "deleted"
	}
	who := "this merge request"
	if len(f.Made) > 0 {
		who = r.commit(f.Made[0])
	}

	if k.participant != "" {
		r.participantRules(f, &k, at, who, verb, errs)
		return
	}
	if k.opens != "" && len(r.phases) > 0 {
		opens := []string{k.opens}
		if k.voter != "" && k.opens == "votes" {
			opens = r.reactionOpens(f.Path)
		}
		for _, what := range opens {
			if trust.Open(r.phases, what, r.o.Now) == nil {
				errs.Add(at, "%s %s %s, but no phase of the plan opens %s now (%s): it would not count; see the phases in content/plan/_index.md",
					who, verb, k.why, what, r.o.Now.UTC().Format(time.DateOnly))
				break
			}
		}
	}
	if k.voter != "" && k.opens == "votes" && f.New != "" && k.item != nil {
		// The build's own rule, on the item as the target has it and as it will land:
		// a vote that lands now on a closed item (or amendment) is shown as not counted.
		for _, s := range []*site.Site{r.base, r.head} {
			if why := trust.ClosedKey(s, k.key, r.o.Now); why != "" {
				errs.Add(at, "%s %s %s on %s, but it would never count: %s (judged at %s); a closed item takes no more votes: leave this file out of the merge request",
					who, verb, k.why, k.key, strings.Replace(why, "the vote landed on", "it would land on", 1), r.o.Now.UTC().Format(time.RFC3339))
				break
			}
		}
	}
	if k.amendment != "" && !r.amendmentRules(f, &k, at, who, verb, errs) {
		return
	}
	if k.answer != "" && !r.answerRules(f, &k, at, who, verb, errs) {
		return
	}
	if r.policy == trust.PolicyNone && r.o.Actor == "" {
		return
	}
	bodies := k.bodies
	if k.official && r.officialChanged(f.Path) {
		bodies = []string{r.owner}
		k.why = "the official status or answer of a proposal"
	}
	if k.action {
		if why := r.planDecision(f, k.why); why != "" {
			bodies = []string{r.owner}
			k.why = why
		}
	}
	if len(f.Brought) > 0 {
		b := f.Brought[0]
		errs.Add(at, "this merge request %s %s, but no commit of it made the change: commit %s takes this file's version from its parent %s, an older commit already in the history of %s, so the change would be credited to that old commit; the history is the problem: rebase the request on %s without merging old commits (git rebase %s), or make the change in a commit of your own",
			verb, k.why, short(r.net.Commits[b.By].Hash), short(b.From), r.o.Base, r.o.Base, r.o.Base)
		return
	}
	if len(f.Made) == 0 { // cannot happen: a version at head that no commit made came from outside
		errs.Add(at, "this merge request %s %s, but no commit of it made the change: rebase the request on %s", verb, k.why, r.o.Base)
		return
	}
	if r.o.Actor != "" && !r.actorIsMember(bodies) {
		errs.Add(at, "this merge request %s %s, but the forge account %s that opened it is not a member of %s; only members of %s may (forge accounts are listed as members[].forge in content/bodies/<id>.md, as on the target branch)",
			verb, k.why, r.o.Actor, strings.Join(bodies, " or "), strings.Join(bodies, " or "))
		return
	}
	if r.o.Actor != "" && k.voter != "" && r.policy != trust.PolicySigned && !r.actorIsMember([]string{r.owner}) {
		// Landed by fast-forward, a commit keeps its committer and date; a committer
		// claiming to be the maintainers would have its own date trusted as the time
		// the vote landed.
		for _, i := range f.Made {
			if c := &r.net.Commits[i]; r.maintainer(c.Committer.Email) {
				errs.Add(at, "%s %s %s, but it says it was committed by %s <%s>, whose commits time votes as the maintainers', while the forge account %s that opened the request is not a member of %s: commit it again as yourself (git commit --amend --reset-author, with your own user.email)",
					r.commit(i), verb, k.why, c.Committer.Name, c.Committer.Email, r.o.Actor, r.owner)
			}
		}
	}
	if r.policy == trust.PolicyNone {
		return
	}
	for _, i := range f.Made {
		c := &r.net.Commits[i]
		if ok, how := r.vouched(c, f.Path, bodies); !ok {
			errs.Add(at, "%s %s %s, but %s; only members of %s may (members and keys are listed in content/bodies/<id>.md, as on the target branch)",
				r.commit(i), verb, k.why, how, strings.Join(bodies, " or "))
		}
	}
}

// amendmentRules applies the rules of an amendment to a change of its file (or of its
// detached signature), and sets who may make it in k.bodies: the proposing body adds it
// (open, while a phase opens amendments, on an item it does not own), edits what it
// proposes while it is open, and withdraws it; the item's owners (and the plan owner)
// accept it, applying its text to the item in the same request, or reject it with an
// answer. An amendment is never deleted. It reports false when the change is refused
// whoever made it, so that nothing more is said about it.
func (r *reviewer) amendmentRules(f history.NetFile, k *kind, at diag.Pos, who, verb string, errs *diag.List) bool {
	sig := strings.HasSuffix(f.Path, ".sig")
	head, from := amendmentAt(r.head, k.amendment), amendmentAt(r.fromSite(), k.amendment)
	if f.New == "" && !sig && r.removedWithItem(k.amendment) {
		k.bodies = []string{r.owner} // removing an item is the plan owner's, and its amendments go with it
		k.why += " (on an item the request removes)"
		return true
	}
	if f.New == "" && !sig {
		errs.Add(at, "%s deleted %s: an amendment is never deleted, so that nothing said is lost; set state: withdrawn instead (the body that proposed it), or answer it (the item's owners)", who, k.why)
		return false
	}
	if head == nil {
		return true // unreadable: the build's check reports it
	}
	proposer := head.Voter
	if sig && from != nil {
		k.bodies = []string{proposer} // its body signs what it proposed
		return true
	}
	var owners []string
	for _, s := range []*site.Site{r.base, r.head} {
		if o := s.Owners(s.Items[head.ItemKey]); len(o) > 0 {
			owners = o // the target's, when it has the item
			break
		}
	}
	if from == nil {
		k.bodies = []string{proposer}
		if len(r.phases) > 0 {
			k.opens = trust.AmendmentsOpen(r.phases)
			if trust.Open(r.phases, k.opens, r.o.Now) == nil {
				errs.Add(at, "%s added %s, but no phase of the plan opens %s now (%s): it would not count; see the phases in content/plan/_index.md",
					who, k.why, k.opens, r.o.Now.UTC().Format(time.DateOnly))
			}
		}
		if slices.Contains(owners, proposer) {
			errs.Add(at, "%s added %s to %s, but %s owns the item: its owners change it directly (edit %s), they do not propose amendments to it",
				who, k.why, head.ItemKey, proposer, itemFile(r.head, head.ItemKey))
		}
		if written(head) != site.AmendmentOpen {
			errs.Add(at, "%s added %s with state: %s: an amendment is proposed open (leave state out); accepting or rejecting it is for the item's owners, later, in %s", who, k.why, written(head), site.AnswerPath(head.File))
		}
		return true
	}
	edited := proposalChanged(from, head)
	if (edited || written(from) != written(head)) && answered(from) {
		errs.Add(at, "%s changed %s, but its owners answered it (%s): an answered amendment is no longer edited nor withdrawn; propose a new amendment instead", who, k.why, from.AnswerFile.File)
		return false
	}
	if edited {
		if written(from) != site.AmendmentOpen {
			errs.Add(at, "%s changed what %s proposes, but it is %s: an amendment is edited only while it is open", who, k.why, written(from))
		}
	}
	if written(from) != written(head) && written(head) == site.AmendmentWithdrawn {
		k.why = "the withdrawal of " + k.why
	}
	if a := r.head.Amendment(head.Key()); a != nil && a.AnswerFile != nil && r.changed(a.AnswerFile.File) {
		errs.Add(at, "%s changes %s (its body's to do) in the merge request that answers it (the item's owners', in %s): an amendment is answered as it was proposed; make them separate merge requests", who, k.why, a.AnswerFile.File)
		return false
	}
	k.bodies = []string{proposer}
	return true
}

// changed tells whether the request changes the file p.
func (r *reviewer) changed(p string) bool {
	for _, f := range r.net.Files {
		if f.Path == p {
			return true
		}
	}
	return false
}

// answerRules applies the rules of an owner's answer to an amendment (k.answer) to a
// change of its answer.md (or of its detached signature), and sets who may make it in
// k.bodies: the owner body the answer names, which must own the item (or be the plan
// owner). An answer is added to an amendment that is there and not withdrawn; accepting
// needs the item to carry what the amendment proposes in the same request; rejecting
// needs a text; the state of an answer is final, and an answer is never deleted, but by
// the plan owner with its item. It reports false when the change is refused whoever
// made it.
func (r *reviewer) answerRules(f history.NetFile, k *kind, at diag.Pos, who, verb string, errs *diag.List) bool {
	sig := strings.HasSuffix(f.Path, ".sig")
	var owners []string
	for _, s := range []*site.Site{r.base, r.head} {
		if k.item != nil {
			if o := s.Owners(s.Items[k.item.Key()]); len(o) > 0 {
				owners = o // the target's, when it has the item
				break
			}
		}
	}
	if !slices.Contains(owners, r.owner) {
		owners = append(owners, r.owner)
	}
	k.bodies = owners
	if f.New == "" && !sig && r.removedWithItem(k.answer) {
		k.bodies = []string{r.owner}
		k.why += " (on an item the request removes)"
		return true
	}
	if f.New == "" && !sig {
		errs.Add(at, "%s deleted %s: an answer is never deleted, so that nothing decided is lost", who, k.why)
		return false
	}
	amend, from := amendmentAt(r.head, k.answer), amendmentAt(r.fromSite(), k.answer)
	if amend == nil || amend.AnswerFile == nil {
		return true // unreadable, or an answer to nothing: the build's check reports it
	}
	ans := amend.AnswerFile
	if slices.Contains(owners, ans.Body) {
		k.bodies = []string{ans.Body}
	} else {
		errs.Add(at, "%s %s, which says body: %s, but %s does not own %s: only its owners (%s) answer its amendments",
			who, k.why, ans.Body, ans.Body, amend.ItemKey, strings.Join(owners, ", "))
		return false
	}
	if sig {
		return true
	}
	if from == nil {
		errs.Add(at, "%s answers an amendment that the request itself adds: an amendment is answered once it landed, in a merge request of its own", who)
		return false
	}
	if written(from) == site.AmendmentWithdrawn || written(amend) == site.AmendmentWithdrawn {
		errs.Add(at, "%s answers an amendment that %s withdrew: a withdrawn amendment is not answered; remove %s", who, amend.Voter, f.Path)
		return false
	}
	if prev := from.AnswerFile; prev != nil && !prev.Problems.HasErrors() && prev.State != ans.State {
		errs.Add(at, "%s changes the answer to an amendment of %s from %s to %s: an answer is final; propose a new amendment instead", who, amend.Voter, prev.State, ans.State)
		return false
	}
	switch ans.State {
	case site.AmendmentAccepted:
		k.why = "the acceptance of an amendment of " + amend.Voter + " (the item's owners')"
		id := amend.ItemKey[strings.LastIndexByte(amend.ItemKey, '/')+1:]
		if p := r.head.PlanItemOf(id); p != nil && p.Base().Key() == amend.ItemKey {
			if miss := from.Unapplied(p); len(miss) > 0 {
				errs.Add(at, "%s accepts an amendment of %s, but the item does not carry what it proposes: %s; accepting an amendment applies it: change %s to the proposed text in the same merge request",
					who, amend.Voter, strings.Join(miss, ", "), p.Base().File)
			}
		}
	case site.AmendmentRejected:
		k.why = "the rejection of an amendment of " + amend.Voter + " (the item's owners')"
	}
	return true
}

// removedWithItem tells whether the item of the amendment file p is gone at the head:
// the plan owner removes an item with its amendments.
func (r *reviewer) removedWithItem(p string) bool {
	rel := strings.TrimPrefix(p, content.Dir+"/")
	key, _, ok := strings.Cut(rel, "/amendments/")
	return ok && r.head.Items[key] == nil && r.base.Items[key] != nil
}

// amendmentAt is the amendment of s whose file is p, or nil.
func amendmentAt(s *site.Site, p string) *site.Amendment {
	for _, a := range s.Amendments {
		if a.File == p {
			return a
		}
	}
	return nil
}

// itemFile is the file of the item of s whose key is key, or the key.
func itemFile(s *site.Site, key string) string {
	if it := s.Items[key]; it != nil {
		return it.File
	}
	return key
}

// proposalChanged tells whether b proposes something else than a: another title, text,
// fields, reason or date, or names another item or body.
func proposalChanged(a, b *site.Amendment) bool {
	if a.Title != b.Title || strings.TrimSpace(a.Text) != strings.TrimSpace(b.Text) || a.Reason != b.Reason || !a.Date.Equal(b.Date) ||
		a.ForItem != b.ForItem || a.ForBody != b.ForBody || len(a.Fields) != len(b.Fields) {
		return true
	}
	for i := range a.Fields {
		if a.Fields[i].Name != b.Fields[i].Name || a.Fields[i].Value != b.Fields[i].Value {
			return true
		}
	}
	return false
}

// commit names the i-th commit of the request in a message.
func (r *reviewer) commit(i int) string {
	c := &r.net.Commits[i]
	return fmt.Sprintf("commit %s (%s <%s>)", short(c.Hash), c.Author.Name, c.Author.Email)
}

// maintainer tells whether a commit by the committer email would be trusted, on the
// target, to have landed a vote at the time it says: a member of the plan owner body, or
// the forge itself (forge.committers).
func (r *reviewer) maintainer(email string) bool {
	if b := r.base.ByBody[r.owner]; b != nil && b.Member(email) != nil {
		return true
	}
	return slices.ContainsFunc(r.cfg.Forge.Committers, func(c string) bool { return strings.EqualFold(c, email) })
}

// actorIsMember tells whether the request's actor is a member of one of bodies, by
// forge account, on the target branch.
func (r *reviewer) actorIsMember(bodies []string) bool {
	for _, id := range bodies {
		if b := r.base.ByBody[id]; b != nil && b.ForgeMember(r.o.Actor) != nil {
			return true
		}
	}
	return false
}

// fromSite is the site at the merge base of the request, read once: the base itself
// unless the request is behind its target. When it cannot be read, the base: stricter.
func (r *reviewer) fromSite() *site.Site {
	if r.from != nil {
		return r.from
	}
	r.from = r.base
	if r.net.From == r.baseCommit {
		return r.from
	}
	fsys, _, err := history.Snapshot(history.Options{Dir: r.o.Dir}, r.net.From)
	if err != nil {
		return r.from
	}
	s, _ := content.Load(fsys, r.cfg)
	s.Resolve()
	landedAnswers(s)
	r.from = s
	return s
}

// landedAnswers answers the amendments of s, a site on the target branch read without
// judging it, by their owners' answers that have no problem: the gate let them land, as
// the build counts them.
func landedAnswers(s *site.Site) {
	for _, a := range s.Amendments {
		if ans := a.AnswerFile; ans != nil && !ans.Problems.HasErrors() && ans.AnswerBody != nil && a.On != nil {
			ans.Counted = true
			a.ApplyAnswer()
			a.DeriveStatus()
		}
	}
}

// written is the state the proposing body wrote in its amendment's file, open or
// withdrawn, whatever its owner's answer made of it.
func written(a *site.Amendment) string {
	if a.AnswerFile != nil && a.AnswerFile.Applied || a.State == "" {
		return site.AmendmentOpen
	}
	return a.State
}

// answered tells whether the amendment a has an answer of its owners that answers it.
func answered(a *site.Amendment) bool { return a != nil && a.AnswerFile != nil && a.AnswerFile.Applied }

// reactionOpens is what a changed reaction needs open: votes, priorities, or both.
func (r *reviewer) reactionOpens(p string) []string {
	for _, rc := range r.head.Reactions {
		if rc.File == p {
			var o []string
			if rc.Vote() != "" {
				o = append(o, "votes")
			}
			if rc.Priority != 0 {
				o = append(o, "priorities")
			}
			if len(o) > 0 {
				return o
			}
		}
	}
	return []string{"votes"}
}

// officialChanged tells whether the proposal in file p has another status or answer at
// the head than where the request starts from (the merge base): an answer the target
// gave since is not the request's change, and a three-way merge keeps it. For a
// translation (index.<lang>.md, <id>.<lang>.md) it is the answer in that language,
// which is as official as the item's own: added, changed or removed. Deleting the
// proposal's own file is not an official change: the rules of the proposal itself apply.
func (r *reviewer) officialChanged(p string) bool {
	for _, hp := range r.head.Proposals {
		if hp.File != p {
			continue
		}
		bp := r.fromSite().Proposal(hp.ID)
		if bp == nil {
			return hp.Status != "" && hp.Status != site.ProposalOpen || hp.Answer.Text != "" || !hp.Answer.Date.IsZero()
		}
		return bp.Status != hp.Status || !reflect.DeepEqual(bp.Answer, hp.Answer)
	}
	if translated(r.head, p) || translated(r.fromSite(), p) {
		return translatedAnswer(r.fromSite(), p) != translatedAnswer(r.head, p)
	}
	// A file of the proposal that is read as a translation on neither side (in a
	// language pspm.yaml does not list yet, say) is read once that language is: an
	// answer written in it is the owner's all the same.
	return unreadAnswer(filepath.Join(r.o.Dir, filepath.FromSlash(p)))
}

// planDecision says what the plan owner alone decides in a change to a file of an
// action, "" when the action's owners may make it: adding or removing an action,
// changing its owners (the list, the lead, its order) or its addressees. They are
// compared as resolved, where the request starts from (the merge base) and at its head:
// an action with no owner: is the plan owner's either way.
func (r *reviewer) planDecision(f history.NetFile, what string) string {
	head, from := ownedAt(r.head, f.Path), ownedAt(r.fromSite(), f.Path)
	switch {
	case head == nil && from == nil:
		return "" // a translation or an attachment of the item
	case from == nil:
		return what + " (adding one is the plan owner's)"
	case head == nil:
		return what + " (removing one is the plan owner's)"
	case !slices.Equal(head.owners, from.owners):
		return "the owners of " + what + " (who leads and co-owns it is the plan owner's to decide)"
	case !slices.Equal(head.addressees, from.addressees):
		return "the addressees of " + what + " (whom it is addressed to is the plan owner's to decide)"
	}
	return ""
}

// translated tells whether s reads the file p as a translation of a proposal.
func translated(s *site.Site, p string) bool {
	for _, pr := range s.Proposals {
		for _, tr := range pr.Translations {
			if tr.File == p {
				return true
			}
		}
	}
	return false
}

// unreadAnswer tells whether the Markdown file at name has an answer key in its front
// matter, read line by line without the YAML decoder: the file may be one the loader
// does not read.
func unreadAnswer(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for i := 0; sc.Scan(); i++ {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case i == 0 && line != "---":
			return false
		case i > 0 && line == "---":
			return false
		case strings.HasPrefix(line, "answer:") || strings.HasPrefix(line, "answer :") || strings.HasPrefix(line, "\"answer\"") || strings.HasPrefix(line, "'answer'"):
			return true
		}
	}
	return false
}

// translatedAnswer is the answer that the translation in file p gives in s, "" when
// there is none.
func translatedAnswer(s *site.Site, p string) string {
	for _, pr := range s.Proposals {
		for _, tr := range pr.Translations {
			if tr.File == p {
				return tr.Answer.Text
			}
		}
	}
	return ""
}

// vouched tells whether a member of one of bodies made the change, under the policy,
// and if not, says what is wrong.
func (r *reviewer) vouched(c *history.RangeCommit, path string, bodies []string) (bool, string) {
	switch r.policy {
	case trust.PolicyAuthor:
		for _, id := range bodies {
			if b := r.base.ByBody[id]; b != nil && b.Member(c.Author.Email) != nil {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%s is not the email of a member of %s", c.Author.Email, strings.Join(bodies, " or "))
	case trust.PolicySigned:
		var keys []*signature.Key
		for _, id := range bodies {
			keys = append(keys, r.keys[id]...)
		}
		if c.Signature != nil {
			if _, err := signature.Verify([]byte(c.Signature.Text), []byte(c.Signature.Payload), signature.NamespaceGit, keys, c.Committer.When); err == nil {
				return true, ""
			}
		}
		if r.detached(path, keys) {
			return true, ""
		}
		if c.Signature == nil {
			return false, "it is not signed (sign the commit with a registered key, or add a detached signature <file>.sig made with ssh-keygen -Y sign -n pspm)"
		}
		return false, "its signature is not made with a key registered for a member"
	}
	return true, ""
}

// detached tells whether the head's contribution at p (or the file p signs, for a .sig)
// carries a valid detached signature by one of keys that binds its item and voter.
func (r *reviewer) detached(p string, keys []*signature.Key) bool {
	file := strings.TrimSuffix(p, ".sig")
	for _, rc := range r.head.Reactions {
		if rc.File == file && rc.Sig() != nil && rc.ForItem() == rc.ItemKey() && rc.ForVoter() == rc.Voter() {
			_, err := signature.Verify(rc.Sig().Data, rc.Raw(), signature.NamespacePSPM, keys, r.o.Now)
			return err == nil
		}
	}
	for _, fb := range r.head.Feedback {
		if fb.File == file && fb.Sig != nil && fb.ForItem == fb.ItemKey && fb.ForBody == fb.Voter {
			_, err := signature.Verify(fb.Sig.Data, fb.Raw, signature.NamespacePSPM, keys, r.o.Now)
			return err == nil
		}
	}
	for _, a := range r.head.Amendments {
		if a.File == file && a.Sig != nil && a.ForItem == a.ItemKey && a.ForBody == a.Voter {
			_, err := signature.Verify(a.Sig.Data, a.Raw, signature.NamespacePSPM, keys, r.o.Now)
			return err == nil
		}
		if ans := a.AnswerFile; ans != nil && ans.File == file && ans.Sig != nil && ans.ForItem == a.Key() {
			_, err := signature.Verify(ans.Sig.Data, ans.Raw, signature.NamespacePSPM, keys, r.o.Now)
			return err == nil
		}
	}
	return false
}

func short(h string) string { return h[:min(10, len(h))] }
