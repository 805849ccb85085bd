package review

import (
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/trust"
)

// The community's files follow their own rules (participantRules):
//
//   - a participant's files, content/participants/<handle>.md and the supports,
//     comments and proposals written under the handle, are added, changed or deleted
//     only by the participant, that is the forge account in the participant's forge:
//     field (the target's, or the file's own when the request registers them), or by
//     the plan owner's members; nobody else, not another participant;
//   - approved: in a participant's file is set, changed or removed only by the plan
//     owner's members;
//   - a support, a participant's comment or a new community proposal only while a
//     phase's community: opens it, on an item its scope: includes.
//
// A participant has no e-mail: with --actor the gate compares the forge account that
// opened the request; without it, policy signed checks the participant's keys (the
// commit's signature or a detached one), and policy author only lets the plan owner's
// members through, since a commit's e-mail says nothing of a participant.

// isParticipant tells whether h is a participant's handle (and not a body's id) on the
// target or at the head.
func (r *reviewer) isParticipant(h string) bool {
	if h == "" || r.base.ByBody[h] != nil || r.head.ByBody[h] != nil {
		return false
	}
	return r.base.ByParticipant[h] != nil || r.head.ByParticipant[h] != nil
}

// proposalParticipant is the participant who makes the proposal sec/id: the target's
// word when the target has it (a request cannot hand a body's proposal to a participant),
// else the head's; "" for a body's proposal and for practices.
func (r *reviewer) proposalParticipant(sec site.Section, id string) string {
	if sec != site.Proposals {
		return ""
	}
	if p := r.base.Proposal(id); p != nil {
		return p.Participant
	}
	if p := r.head.Proposal(id); p != nil {
		return p.Participant
	}
	return ""
}

// participantOf is the participant h as the target declares them, else as the head does
// (a request that registers them).
func (r *reviewer) participantOf(h string) *site.Participant {
	if p := r.base.ByParticipant[h]; p != nil {
		return p
	}
	return r.head.ByParticipant[h]
}

// participantRules applies the community's rules to a change of a participant's file.
func (r *reviewer) participantRules(f history.NetFile, k *kind, at diag.Pos, who, verb string, errs *diag.List) {
	if k.community != "" && len(r.phases) > 0 && f.New != "" {
		if trust.CommunityOpen(r.phases, k.community, k.key, r.o.Now) == nil {
			errs.Add(at, "%s %s %s, but no phase of the plan opens %s to the community now (%s) on %s: it would not count; see community: and scope: of the phases in content/plan/_index.md",
				who, verb, k.why, k.community, r.o.Now.UTC().Format(time.DateOnly), orSection(k.key))
		}
	}
	if k.community == "supports" && f.New != "" && k.item != nil {
		for _, s := range []*site.Site{r.base, r.head} {
			if why := trust.ClosedKey(s, k.key, r.o.Now); why != "" {
				errs.Add(at, "%s %s %s on %s, but it would never count: %s; leave this file out of the merge request", who, verb, k.why, k.key, strings.Replace(why, "the vote landed on", "it would land on", 1))
				break
			}
		}
	}
	if k.community != "" && f.New != "" {
		switch hp := r.head.ByParticipant[k.participant]; {
		case hp == nil:
			errs.Add(at, "%s %s %s, but there is no participant %s: register first (content/participants/%s.md, pspm new participant)", who, verb, k.why, k.participant, k.participant)
		case !hp.Registered:
			errs.Warn(at, "%s %s %s, but %s is not registered (%s): it would not count until they are", who, verb, k.why, k.participant, hp.NotRegistered)
		}
	}
	if len(f.Brought) > 0 {
		errs.Add(at, "this merge request %s %s, but no commit of it made the change: a merge brought an older commit's version; rebase the request on %s", verb, k.why, r.o.Base)
		return
	}
	ownerOnly := false
	what := k.why
	if k.approval && r.approvalChanged(f.Path) {
		ownerOnly = true
		what = "approved: in the registration of participant " + k.participant + " (the plan owner's maintainers approve registrations)"
	}
	if k.official && r.officialChanged(f.Path) {
		ownerOnly = true
		what = "the official status or answer of a proposal"
	}
	p := r.participantOf(k.participant)
	account := ""
	if p != nil && !ownerOnly {
		account = strings.TrimPrefix(p.Forge, "@")
	}
	if r.o.Actor != "" {
		if r.actorIsMember([]string{r.owner}) {
			return
		}
		if account != "" && strings.EqualFold(strings.TrimPrefix(r.o.Actor, "@"), account) {
			return
		}
		allowed := "the members of " + r.owner
		if account != "" {
			allowed = "the participant's forge account " + account + " (forge: in content/participants/" + k.participant + ".md) or " + allowed
		}
		errs.Add(at, "this merge request %s %s, but the forge account %s that opened it may not: only %s may (nobody changes another participant's files)",
			verb, what, r.o.Actor, allowed)
		return
	}
	switch r.policy {
	case trust.PolicyNone:
		return
	case trust.PolicyAuthor:
		for _, i := range f.Made {
			c := &r.net.Commits[i]
			if b := r.base.ByBody[r.owner]; b != nil && b.Member(c.Author.Email) != nil {
				continue
			}
			errs.Add(at, "%s %s %s, but a participant has no e-mail to compare with the commit's: the gate checks a participant by the forge account that opened the request (pspm check --base --actor ACCOUNT), or a member of %s makes the change", r.commit(i), verb, what, r.owner)
		}
	case trust.PolicySigned:
		var keys []*signature.Key
		if !ownerOnly && p != nil {
			for _, text := range p.Keys {
				if key, err := signature.ParseKey(text); err == nil {
					keys = append(keys, key)
				}
			}
		}
		keys = append(keys, r.keys[r.owner]...)
		for _, i := range f.Made {
			c := &r.net.Commits[i]
			if c.Signature != nil {
				if _, err := signature.Verify([]byte(c.Signature.Text), []byte(c.Signature.Payload), signature.NamespaceGit, keys, c.Committer.When); err == nil {
					continue
				}
			}
			if !ownerOnly && r.detachedSupport(f.Path, keys) {
				continue
			}
			errs.Add(at, "%s %s %s, but it is signed by no key of participant %s nor of a member of %s (sign the commit, or the file with ssh-keygen -Y sign -n pspm)", r.commit(i), verb, what, k.participant, r.owner)
		}
	}
}

// detachedSupport tells whether the head's support at p (or the support p signs) has a
// valid detached signature by one of keys that binds its item and participant.
func (r *reviewer) detachedSupport(p string, keys []*signature.Key) bool {
	file := strings.TrimSuffix(p, ".sig")
	for _, sp := range r.head.Supports {
		if sp.File == file && sp.Sig != nil && sp.ForItem == sp.ItemKey && sp.ForParticipant == sp.Participant {
			_, err := signature.Verify(sp.Sig.Data, sp.Raw, signature.NamespacePSPM, keys, r.o.Now)
			return err == nil
		}
	}
	return false
}

// approvalChanged tells whether the request sets, changes or removes approved: in the
// participant's file p (from the merge base to the head).
func (r *reviewer) approvalChanged(p string) bool {
	var before, after time.Time
	for _, q := range r.fromSite().Participants {
		if q.File == p {
			before = q.Approved
		}
	}
	for _, q := range r.head.Participants {
		if q.File == p {
			after = q.Approved
		}
	}
	return !before.Equal(after)
}

func orSection(key string) string {
	if key == "" {
		return "proposals"
	}
	return key
}
