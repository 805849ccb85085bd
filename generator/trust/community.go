package trust

import (
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
)

// The community's contributions (supports, and feedback written by a participant) are
// judged by the same rules as the bodies' votes, with the participant in place of the
// body:
//
//   - the participant is registered under participation.registration (open, or approved
//     by the plan owner's maintainers); an unregistered one's contributions are kept and
//     shown, not counted (ReasonUnregistered);
//   - identity, by votes.policy: none counts it unverified; author cannot compare a
//     commit's e-mail, since a participant has none: the identity is the forge account
//     that opened the merge request, which the gate (pspm check --base --actor) compared
//     with the participant's forge: field before it landed. The verdict says so
//     (VerifiedForge). A contribution whose landing commit is not a merge (pushed or
//     fast-forwarded, so no merge request the gate checked brought it) still counts,
//     and its verdict says that its forge account was not checked at merge; signed:
//     a key of the participant's keys: signs the commit that last changed the file, or a
//     detached signature <file>.sig beside a file that names its item and participant;
//   - it landed inside a phase whose community: opens it (supports, feedback), and
//     whose scope: includes the item; a plan without phases opens everything;
//   - spent stays spent, as for votes: a withdrawn version never counts again by its
//     old commit or signature.

// communityKeys parses the keys of every participant, by handle. A key that cannot be
// parsed is an error in the participant's file.
func communityKeys(s *site.Site, errs *diag.List) map[string][]*signature.Key {
	out := map[string][]*signature.Key{}
	for _, p := range s.Participants {
		for i, text := range p.Keys {
			key, err := signature.ParseKey(text)
			if err != nil {
				pos, ok := p.At["keys"]
				if !ok {
					pos = p.Pos
				}
				errs.Add(pos, "keys[%d]: %v", i, err)
				continue
			}
			out[p.ID] = append(out[p.ID], key)
		}
	}
	return out
}

// communityContribution is what the rules need of a participant's contribution.
type communityContribution struct {
	reason, detail string
	file           string
	item           *site.Item
	itemKey        string
	by             *site.Participant
	handle         string
	origin         *site.Origin
	sig            *site.Sig
	raw            []byte
	forItem, forBy string
	byKey          string // the key naming the participant in the file
	what           string // supports or feedback
	timing         timing
	support        bool // a support: closed items take no more
}

// judgeCommunity sets the verdicts of the supports and of the feedback written by
// participants.
func (j *judge) judgeCommunity(clock *clock, errs *diag.List) {
	keys := communityKeys(j.s, errs)
	merges := map[string]bool{}
	for _, l := range j.s.Landings {
		if l.Merge {
			merges[l.Commit] = true
		}
	}
	for _, sp := range j.s.Supports {
		clock.prepare(sp.Origin)
	}
	for _, sp := range j.s.Supports {
		t := clock.time(sp.Origin)
		var ph *site.Phase
		sp.Verdict, ph = j.communityVerdict(communityContribution{
			reason: sp.Reason, detail: sp.Detail, file: sp.File, item: sp.On, itemKey: sp.ItemKey,
			by: sp.By, handle: sp.Participant, origin: sp.Origin, sig: sp.Sig, raw: sp.Raw,
			forItem: sp.ForItem, forBy: sp.ForParticipant, byKey: "participant",
			what: "supports", timing: t, support: true,
		}, keys, merges)
		sp.Phase = ph
		sp.Origin = clock.retimed(sp.Origin, t)
	}
	for _, f := range j.s.Feedback {
		if f.VoterParticipant == nil {
			continue
		}
		t := clock.time(f.Origin)
		f.Verdict, _ = j.communityVerdict(communityContribution{
			reason: f.Reason, detail: f.Detail, file: f.File, item: f.On, itemKey: f.ItemKey,
			by: f.VoterParticipant, handle: f.Voter, origin: f.Origin, sig: f.Sig, raw: f.Raw,
			forItem: f.ForItem, forBy: f.ForBody, byKey: "body",
			what: "feedback", timing: t,
		}, keys, merges)
		f.Origin = clock.retimed(f.Origin, t)
	}
}

// communityVerdict judges one contribution of a participant, and returns the phase it
// landed in.
func (j *judge) communityVerdict(c communityContribution, keys map[string][]*signature.Key, merges map[string]bool) (site.Verdict, *site.Phase) {
	if c.reason != "" {
		return site.Verdict{Reason: c.reason, Detail: c.detail, Verification: site.VerifiedNone}, nil
	}
	if c.by == nil {
		return notCountedSaid(site.ReasonUnknownVoter, "community.unknown", "unknown participant %q", c.handle), nil
	}
	if !c.by.Registered {
		return notRegistered(c.handle, c.by.NotRegistered), nil
	}
	if a := c.by.Approved; j.s.Registration == site.RegistrationApproved && c.origin != nil && !c.timing.at.IsZero() && c.timing.at.Before(a) {
		return notCountedSaid(site.ReasonUnregistered, "community.before-approval", "it landed on %s, before %s was approved on %s: a participant's contributions count from their approval",
			moment(c.timing.at), c.handle, day(a)), nil
	}
	if c.forItem != "" && c.forItem != c.itemKey {
		return notCountedSaid(site.ReasonMalformed, "community.wrong-item", "the file says item: %s, but it is in the folder of %s", c.forItem, c.itemKey), nil
	}
	if c.forBy != "" && c.forBy != c.handle {
		return notCountedSaid(site.ReasonMalformed, "wrong-voter", "the file says %s: %s, but it is named after %s", c.byKey, c.forBy, c.handle), nil
	}
	if c.support {
		if why := closed(j.s, c.item, c.timing.at); why.English != "" {
			return verdictOf(site.ReasonClosed, why), nil
		}
	}
	v := j.communityIdentity(c, keys, merges)
	if v.Reason != "" {
		return v, nil
	}
	if c.origin == nil {
		v.Counted = true
		return v, nil
	}
	if c.timing.unverifiable && j.o.Policy == PolicySigned {
		return verdictOf(site.ReasonUnverifiedLanding, c.timing.note), nil
	}
	var ph *site.Phase
	if phases := j.s.Plan.Phases; len(phases) > 0 {
		ph = CommunityOpen(phases, c.what, c.itemKey, c.timing.at)
		if ph == nil {
			return verdictOf(site.ReasonOutsideWindow, say("outside-window.community", "it landed on %s (commit %s), when no phase of the plan opened %s to the community on %s (community: and scope: of the phases in content/plan/_index.md)",
				moment(c.timing.at), short(c.timing.commit), label{Key: "verdict.open." + c.what, English: c.what}, c.itemKey), c.timing.note), nil
		}
	}
	v.Counted = true
	notes := slices.Clone(v.Sentences)
	if len(notes) == 0 && v.Detail != "" {
		notes = append(notes, site.Sentence{English: v.Detail})
	}
	notes = append(notes, c.timing.note)
	v.Detail, v.Sentences = joinSentences(notes)
	return v, ph
}

// communityIdentity applies votes.policy to a participant's contribution.
func (j *judge) communityIdentity(c communityContribution, keys map[string][]*signature.Key, merges map[string]bool) site.Verdict {
	switch j.o.Policy {
	case PolicyAuthor, PolicySigned:
		if c.origin == nil {
			if j.o.FromGit {
				return notCountedSaid(site.ReasonUnverified, "community.uncommitted", "the file is not committed on the main branch as it is (added or edited since): who sent it cannot be verified")
			}
			return notCountedSaid(site.ReasonUnverified, "community.no-git", "the site is not read from a Git repository: votes.policy %s needs the history to verify who sent it", j.o.Policy)
		}
	}
	switch j.o.Policy {
	case PolicyAuthor:
		o := c.origin
		if o.Replayed != nil {
			return verdictOf(site.ReasonUnverified, replayed(o.Replayed, "replayed.commit", "commit "+short(o.Commit)+" made this version before, and it", short(o.Commit)))
		}
		v := site.Verdict{Verification: site.VerifiedForge, Signer: c.by.Forge, Member: c.by.Name}
		var said site.Sentence
		switch checked := merges[o.LandedCommit]; {
		case c.by.Forge == "" && checked:
			said = say("community.owner-checked", "identity: forge account of the plan owner's maintainers (the participant names no forge account), checked at merge (commit %s)", short(o.LandedCommit))
		case c.by.Forge == "":
			said = say("community.owner-unchecked", "identity: forge account of the plan owner's maintainers (the participant names no forge account), not checked at merge: commit %s that landed it is not the merge of a merge request", short(o.LandedCommit))
		case checked:
			said = say("community.forge-checked", "identity: forge account %s, checked at merge (commit %s)", c.by.Forge, short(o.LandedCommit))
		default:
			said = say("community.forge-unchecked", "identity: forge account %s, not checked at merge: commit %s that landed it is not the merge of a merge request", c.by.Forge, short(o.LandedCommit))
		}
		v.Detail, v.Sentences = joinSentences([]site.Sentence{said})
		return v
	case PolicySigned:
		return j.communitySignature(c, keys[c.handle])
	}
	return site.Verdict{Verification: site.VerifiedNone}
}

// communitySignature applies policy signed with the participant's keys.
func (j *judge) communitySignature(c communityContribution, keys []*signature.Key) site.Verdict {
	var detached site.Verdict
	if c.sig != nil {
		switch {
		case c.sig.Spent && c.sig.Withdrawn != nil:
			detached = verdictOf(site.ReasonBadSignature, replayed(c.sig.Withdrawn, "replayed.file", baseName(c.sig.File), baseName(c.sig.File)))
		case c.sig.Spent:
			detached = notCountedSaid(site.ReasonBadSignature, "community.withdrawn-signature", "%s was withdrawn from this item before: sign the file anew", baseName(c.sig.File))
		case c.forItem == "" || c.forBy == "":
			detached = notCountedSaid(site.ReasonBadSignature, "community.signed-unbound", "a signed file must say what it is for: add the lines \"item: %s\" and \"%s: %s\", then sign it again", c.itemKey, c.byKey, c.handle)
		default:
			key, err := signature.Verify(c.sig.Data, c.raw, signature.NamespacePSPM, keys, c.origin.Landed)
			switch {
			case err == nil:
				return site.Verdict{Verification: site.VerifiedSignature, Signer: key.Fingerprint, Member: c.by.Name}
			case errors.Is(err, signature.ErrUnknownKey):
				detached = notCountedSaid(site.ReasonNotMember, "community.not-key-sig", "%s is made with a key that is not one of %s's keys (listed in %s)", baseName(c.sig.File), c.handle, c.by.File)
			default:
				detached = notCountedSaid(site.ReasonBadSignature, "community.bad-signature", "%s does not verify: %s", baseName(c.sig.File), technical(err.Error()))
			}
		}
	}
	return commitSigned(c.origin, keys, c.sig != nil, detached, signer{
		by: func(key *signature.Key) site.Verdict {
			return site.Verdict{Verification: site.VerifiedSignature, Signer: key.Fingerprint, Member: c.by.Name}
		},
		notKey: func(o *site.Origin) site.Verdict {
			return notCountedSaid(site.ReasonNotMember, "community.not-key-commit", "commit %s is signed by a key that is not one of %s's keys (listed in %s)", short(o.Commit), c.handle, c.by.File)
		},
		unsigned: func(o *site.Origin) site.Verdict {
			return notCountedSaid(site.ReasonUnsigned, "community.unsigned", "neither commit %s nor a detached signature (%s.sig, made with ssh-keygen -Y sign -n pspm) signs the file with a key of %s", short(o.Commit), baseName(c.file), c.handle)
		},
	})
}

// CommunityOpen returns the first phase that opens what (proposals, feedback, supports)
// to the community on the item whose key is key ("" for a new proposal) at time t, or
// nil.
func CommunityOpen(phases []site.Phase, what, key string, t time.Time) *site.Phase {
	for i := range phases {
		p := &phases[i]
		if p.CommunityOpen(what, key) && !t.Before(p.From) && t.Before(endOfDay(p.To)) {
			return p
		}
	}
	return nil
}

// notRegistered is the verdict of a contribution of a participant the portal has not
// registered: why is the participant's NotRegistered, said by its own sentence.
func notRegistered(handle, why string) site.Verdict {
	key := "community.unregistered.closed"
	if strings.HasPrefix(why, "not yet approved") {
		key = "community.unregistered.pending"
	}
	ss := say(key, "%s is not a registered participant", handle)
	ss.English += ": " + why
	return verdictOf(site.ReasonUnregistered, ss)
}
