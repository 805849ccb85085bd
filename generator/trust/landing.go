package trust

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
)

// A vote is timed by when it landed on the main branch: the committer time of the
// first first-parent commit that holds it. That time is only the maintainers' when they
// made that commit; a fast-forward merge puts the contributor's own commit on the
// branch, with the date the contributor wrote. So a landing time is trusted when its
// commit was committed by the maintainers, the members of the plan owner body: under
// policy signed, the commit is signed by one of their registered keys; under author and
// none, its committer e-mail is one of theirs. Landing times are also made to never go
// back along the chain: a landing is never earlier than the one before it.
//
// A vote whose landing commit is not trusted is timed by the next trusted commit of the
// chain at or after it, later than it claims, never earlier; when there is none, its
// time is unverifiable: flagged, and under policy signed not counted.

// timing is when a contribution counts as landed.
type timing struct {
	at     time.Time     // the landing time used by the rules
	commit string        // the commit whose time it is
	note   site.Sentence // why at is not the landing commit's own time, for the detail
	// unverifiable says that no commit of the maintainers vouches for at.
	unverifiable bool
}

// clock decides landing times from the first-parent chain (site.Site.Landings).
type clock struct {
	chain   []*site.Landing
	pos     map[string]int
	clamped []time.Time
	trusted func(*site.Landing) bool
	next    map[int]int // the next trusted commit at or after a landing, -1 for none
	// timed are the timings of the landings met, by their place in chain: every
	// contribution that landed through one commit (a merge request's votes) has the same,
	// note included, made once.
	mu    sync.Mutex
	timed map[int]timing
	// retimedAs are the retimed copies of the origins retimed made.
	retimedAs map[*site.Origin]*site.Origin
}

// newClock prepares the chain of s. Without a chain (a site outside Git), times are
// taken as the history gives them.
func newClock(s *site.Site, o Options, keys map[string][]*signature.Key, errs *diag.List) *clock {
	k := &clock{chain: s.Landings, pos: make(map[string]int, len(s.Landings)), clamped: make([]time.Time, len(s.Landings)), next: map[int]int{}}
	for i, l := range s.Landings {
		k.pos[l.Commit] = i
		k.clamped[i] = l.Committed
		if i > 0 && k.clamped[i-1].After(l.Committed) {
			k.clamped[i] = k.clamped[i-1]
		}
	}
	owner := s.Plan.OwnerBody
	if o.Policy == PolicySigned {
		var ring []*signature.Key
		if owner != nil {
			ring = slices.Clone(keys[owner.ID])
		}
		for i, text := range o.ForgeKeys {
			key, err := signature.ParseKey(text)
			if err != nil {
				errs.Add(diag.Pos{File: config.File}, "forge.keys[%d]: %v", i, err)
				continue
			}
			ring = append(ring, key)
		}
		if len(ring) == 0 && len(s.Landings) > 0 && owner != nil {
			errs.Warn(owner.Pos, "votes.policy is signed, but no member of the plan owner %s has a key: no landing time can be verified, and votes landed by fast-forward do not count; add the maintainers' keys (members[].keys) and sign merge commits", owner.ID)
		}
		k.trusted = func(l *site.Landing) bool {
			if l.Signature == "" || len(ring) == 0 {
				return false
			}
			_, err := signature.Verify([]byte(l.Signature), []byte(l.Payload), signature.NamespaceGit, ring, l.Committed)
			return err == nil
		}
		return k
	}
	k.trusted = func(l *site.Landing) bool {
		if owner != nil && owner.Member(l.CommitterEmail) != nil {
			return true
		}
		return slices.ContainsFunc(o.ForgeCommitters, func(e string) bool { return strings.EqualFold(e, l.CommitterEmail) })
	}
	return k
}

// prepare finds, before the verdicts run in parallel, the next trusted commit of the
// landing of o.
func (k *clock) prepare(o *site.Origin) {
	if o == nil {
		return
	}
	i, ok := k.pos[o.LandedCommit]
	if !ok {
		return
	}
	if _, done := k.next[i]; done {
		return
	}
	j := i
	for ; j < len(k.chain); j++ {
		if n, done := k.next[j]; done {
			j = n
			break
		}
		if k.trusted(k.chain[j]) {
			break
		}
	}
	if j >= len(k.chain) {
		j = -1
	}
	// Every landing passed on the way has the same next trusted commit.
	for m := i; m < len(k.chain) && (j < 0 || m <= j); m++ {
		if _, done := k.next[m]; done {
			break
		}
		k.next[m] = j
	}
}

// time is when the contribution of origin o counts as landed. prepare(o) ran before. Safe
// for concurrent use once every prepare ran.
func (k *clock) time(o *site.Origin) timing {
	if o == nil {
		return timing{}
	}
	i, ok := k.pos[o.LandedCommit]
	if !ok {
		return timing{at: o.Landed, commit: o.LandedCommit}
	}
	k.mu.Lock()
	t, done := k.timed[i]
	k.mu.Unlock()
	if done {
		return t
	}
	t = k.timing(i)
	k.mu.Lock()
	if k.timed == nil {
		k.timed = map[int]timing{}
	}
	k.timed[i] = t
	k.mu.Unlock()
	return t
}

// retimed is the origin o saying when the contribution counts as landed, and by which
// commit, where the landing commit's own time is not the maintainers' (see clock): the
// pages, the audit and the open data show the time the rules used. The files a commit
// landed share their origin, so o is never changed: its retimed copy is made once, and
// shared in turn. Safe for concurrent use.
func (k *clock) retimed(o *site.Origin, t timing) *site.Origin {
	if o == nil || t.at.IsZero() {
		return o
	}
	at := t.at.UTC()
	if o.Landed.Equal(at) && o.Landed.Location() == time.UTC && o.LandedCommit == t.commit {
		return o
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if c := k.retimedAs[o]; c != nil {
		return c
	}
	c := *o
	c.Landed, c.LandedCommit = at, t.commit
	if k.retimedAs == nil {
		k.retimedAs = map[*site.Origin]*site.Origin{}
	}
	k.retimedAs[o] = &c
	return &c
}

// timing is when what landed through the commit at place i of the chain counts as landed.
func (k *clock) timing(i int) timing {
	l := k.chain[i]
	t := timing{at: l.Committed, commit: l.Commit}
	switch j := k.next[i]; {
	case j == i:
		t.at = k.clamped[i]
		if t.at.After(l.Committed) {
			t.note = say("timed.earlier", "timed at %s: its landing commit %s says %s, earlier than a commit before it on the main branch",
				moment(t.at), short(l.Commit), moment(l.Committed))
		}
	case j > i:
		n := k.chain[j]
		t.at, t.commit = k.clamped[j], n.Commit
		t.note = say("timed.maintainers", "timed at %s, by commit %s of the maintainers: its landing commit %s (%s, committed by %s) was not made by the maintainers, so the date it says (%s) is the contributor's",
			moment(t.at), short(n.Commit), short(l.Commit), how(l), l.CommitterEmail, moment(l.Committed))
	default:
		t.at = k.clamped[i]
		t.unverifiable = true
		t.note = say("timed.unverifiable", "its landing time cannot be verified: its landing commit %s (%s, committed by %s) was not made by the maintainers, so the date it says (%s) is the contributor's, and no commit of theirs landed since; merge requests with merge commits, or sign a commit on the main branch",
			short(l.Commit), how(l), l.CommitterEmail, moment(l.Committed))
	}
	return t
}

func how(l *site.Landing) label {
	if l.Merge {
		return label{Key: "verdict.how.merge", English: "a merge"}
	}
	return label{Key: "verdict.how.direct", English: "a fast-forward or a direct commit"}
}
