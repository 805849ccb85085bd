package demo

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"
)

// participant is a participant of the community, as its file and the story know it.
type participant struct {
	handle, name, forge string
	file                string
	data                []byte
	// person is who makes the participant's commits: the display name, and the private
	// commit address the forge gives the account (the portal publishes neither the
	// address nor any other contact data; the trust model checks the forge account at
	// merge, not the address).
	person     member
	registered time.Time // the day the registration's merge request lands
	approved   time.Time // the day MEF's maintainer approves it; zero while pending
}

// registrations are the days the participants' registrations land: the files say when
// they were approved (approved:), not when they were asked for.
var registrations = map[string]time.Time{
	"luca_marchetti":       day(2026, 6, 9),
	"chiara_ferretti":      day(2026, 7, 1),
	"reggio_digitale":      day(2026, 7, 2),
	"itc_tricolore":        day(2026, 7, 7),
	"officine_dati":        day(2026, 7, 8),
	"comitato_santa_croce": day(2026, 11, 23), // not approved yet when the story ends
}

// earlySupport is a support that lands before any phase opens supports to the community
// (the participant, approved in June 2026, supports an action before the mid-term review
// opens on 1 July): merged, shown, not counted (outside-window).
const earlySupport = "content/plan/actions/open-data-bilancio/supports/luca_marchetti.yaml"

var earlySupportDay = day(2026, 6, 22)

// rulesAt is when MEF's maintainer publishes the rules of participation
// (content/moderation/_index.md), before the first registration.
var rulesAt = rome(2026, 6, 3, 11, 0)

func (s *story) readParticipants() error {
	for p, data := range s.final {
		h, ok := strings.CutPrefix(p, "content/participants/")
		if !ok || strings.Contains(h, "/") || !strings.HasSuffix(h, ".md") || strings.Count(h, ".") != 1 {
			continue
		}
		h = strings.TrimSuffix(h, ".md")
		fm := frontMatter(data)
		pa := &participant{handle: h, name: fm["name"], forge: fm["forge"], file: p, data: data, registered: registrations[h]}
		if pa.name == "" || pa.forge == "" {
			return fmt.Errorf("demo: %s: a participant of the demo needs a name and a forge account", p)
		}
		pa.person = member{pa.name, pa.forge + "@users.noreply.gitlab.com"}
		if pa.registered.IsZero() {
			return fmt.Errorf("demo: %s: no registration day in the story (registrations)", p)
		}
		if v := fm["approved"]; v != "" {
			if pa.approved, ok = parseDay(v); !ok || !pa.approved.After(pa.registered) {
				return fmt.Errorf("demo: %s: approved %q, want a day after its registration (%s)", p, v, pa.registered.Format(time.DateOnly))
			}
		}
		s.participants[h] = pa
	}
	for h := range registrations {
		if s.participants[h] == nil {
			return fmt.Errorf("demo: participant %s registers in the story but has no file content/participants/%s.md", h, h)
		}
	}
	return nil
}

// tellParticipants tells each registration, a merge request by the participant that
// adds the file without approved:, and MEF's maintainer's approvals, one commit a day,
// that add it.
func (s *story) tellParticipants() {
	approvals := map[string][]*participant{}
	for _, h := range slices.Sorted(maps.Keys(s.participants)) {
		pa := s.participants[h]
		s.mr(pa.person, at(pa.registered, 9, 20+hash(h)%30), at(pa.registered, 16, 30), "iscrizione-"+h,
			"Iscrizione di "+pa.name+" come partecipante", map[string][]byte{pa.file: unapproved(pa.data)})
		if !pa.approved.IsZero() {
			d := pa.approved.Format(time.DateOnly)
			approvals[d] = append(approvals[d], pa)
		}
	}
	for _, d := range slices.Sorted(maps.Keys(approvals)) {
		files := map[string][]byte{}
		var handles []string
		for _, pa := range approvals[d] {
			files[pa.file] = pa.data
			handles = append(handles, pa.handle)
		}
		when, _ := parseDay(d)
		s.add(step{at: at(when, 12, 0), by: maintainer, title: "Iscrizioni approvate: " + strings.Join(handles, ", "), files: files})
	}
}

// unapproved is a participant's file as the participant wrote it: without approved:,
// which only the plan owner's maintainers set.
func unapproved(data []byte) []byte {
	var out []string
	for line := range strings.SplitSeq(string(data), "\n") {
		if !strings.HasPrefix(line, "approved:") {
			out = append(out, line)
		}
	}
	return []byte(strings.Join(out, "\n"))
}

// authorOf is who writes a proposal: its participant, or a member of its body.
func (s *story) authorOf(pr *proposal, id string) member {
	if pa := s.participants[pr.participant]; pa != nil {
		return pa.person
	}
	return s.memberOf(pr.body, id, pr.authors...)
}

// communityDay checks that a participant's contribution c (what: proposals, feedback,
// supports) landing on d counts: the participant was approved before, and a phase opens
// it to the community on its item.
func (s *story) communityDay(c contribution, what string, d time.Time) error {
	pa := s.participants[c.body]
	if pa == nil || pa.approved.IsZero() || !d.After(pa.approved) {
		return fmt.Errorf("demo: %s lands on %s, not after its participant %s was approved", c.path, d.Format(time.DateOnly), c.body)
	}
	for _, ph := range s.phases {
		if ph.communityOpen(what, c.item) && !d.Before(ph.from) && !d.After(ph.to) {
			return nil
		}
	}
	return fmt.Errorf("demo: %s lands on %s, when no phase opens %s to the community on %s", c.path, d.Format(time.DateOnly), what, c.item)
}

// tellSupports tells each support in a merge request of its participant, landing inside
// a phase that opens supports to the community on its item (earlySupport before any).
func (s *story) tellSupports(supports []contribution) error {
	for _, c := range supports {
		pa := s.participants[c.body]
		if pa == nil {
			return fmt.Errorf("demo: %s: participant %q has no file", c.path, c.body)
		}
		var d time.Time
		if c.path == earlySupport {
			d = earlySupportDay
			if s.communityDay(c, "supports", d) == nil || pa.approved.IsZero() || !d.After(pa.approved) {
				return fmt.Errorf("demo: %s must land after %s's approval and outside every phase opening supports", c.path, c.body)
			}
		} else {
			var err error
			if d, err = s.supportDay(c, pa); err != nil {
				return err
			}
		}
		s.mr(pa.person, at(d, 9, hash(c.path)%50), at(d, 17, 40), "sostegno-"+path.Base(c.item),
			"Sostegno di "+pa.name+" a "+c.item, map[string][]byte{c.path: c.data})
	}
	return nil
}

// supportDay chooses the day a support lands: after its item landed and its participant
// was approved, inside a phase that opens supports to the community on the item, before
// its proposal stopped taking them, spread over up to three weeks.
func (s *story) supportDay(c contribution, pa *participant) (time.Time, error) {
	created, _ := s.itemCreated(c.item)
	lo := maxDay(day(created.Year(), created.Month(), created.Day()+1), pa.approved.AddDate(0, 0, 1))
	hi := storyEnd
	if id, ok := strings.CutPrefix(c.item, "proposals/"); ok {
		if pr := s.proposals[id]; pr != nil && !pr.closedAt.IsZero() {
			hi = pr.closedAt.AddDate(0, 0, -1)
		}
	}
	for _, ph := range s.phases {
		if !ph.communityOpen("supports", c.item) {
			continue
		}
		from, to := maxDay(lo, ph.from), minDay(hi, ph.to)
		if from.After(to) {
			continue
		}
		span := int(to.Sub(from).Hours()/24) + 1
		d := from.AddDate(0, 0, hash(c.path)%min(span, 21))
		return day(d.Year(), d.Month(), d.Day()), nil
	}
	return time.Time{}, fmt.Errorf("demo: %s: no day between %s and %s opens supports to the community", c.path, lo.Format(time.DateOnly), hi.Format(time.DateOnly))
}

// tellModeration tells the rules of participation and each moderation decision, as
// commits of MEF's maintainer (a decision applies only when a member of the plan owner
// made it), the day after the contribution it hides landed at the latest.
func (s *story) tellModeration() error {
	for _, p := range slices.Sorted(maps.Keys(s.final)) {
		id, ok := strings.CutPrefix(p, "content/moderation/")
		if !ok {
			continue
		}
		data := s.final[p]
		if id == "_index.md" || strings.HasPrefix(id, "_index.") {
			s.add(step{at: rulesAt, by: maintainer, title: "Regole della partecipazione della comunità", files: map[string][]byte{p: data}})
			continue
		}
		fm := frontMatter(data)
		d, ok := parseDay(fm["date"])
		target := "content/" + strings.TrimPrefix(fm["target"], "content/")
		if !ok || s.final[target] == nil {
			return fmt.Errorf("demo: %s: no date, or target %s is not in the demo", p, target)
		}
		if td, ok := parseDay(frontMatter(s.final[target])["date"]); !ok || !d.After(td) {
			return fmt.Errorf("demo: %s is dated %s, not after %s", p, fm["date"], target)
		}
		s.add(step{at: at(d, 12, 0), by: maintainer, title: "Moderazione: nascosto " + strings.TrimPrefix(target, "content/") + " (" + fm["rule"] + ")", files: map[string][]byte{p: data}})
	}
	return nil
}
