package demo

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// planEvent is a commit of MEF on the plan: a version, a monitoring report, or a change
// of an item's text.
type planEvent struct {
	at        time.Time
	title     string
	tag, note string
	signed    bool
	// report, when not zero, makes the event a monitoring report: indicator values
	// measured by that day are published, and progress moves on.
	report time.Time
	// amendment marks the change an accepted amendment brings: with the amendments, its
	// merge request lands it.
	amendment bool
}

// override is a text of a plan file as it was until a plan event changed it into its
// final text.
type override struct {
	path     string
	until    time.Time
	now, was string
}

// planStates says what each file of the plan held at any time of the story.
type planStates struct {
	final        map[string][]byte
	files        []string             // the plan's files, without contributions
	created      map[string]time.Time // action id -> when an answer brought it
	fromProposal map[string][]string  // proposal id -> the actions made of it
	events       []planEvent
	reports      []planEvent // the events that are reports, in order
	overrides    []override
}

// The plan's versions and reports.
var (
	version1   = rome(2025, 7, 4, 11, 0)
	version2   = rome(2026, 1, 20, 11, 0)
	accepted   = rome(2026, 11, 20, 15, 0) // the accepted amendment lands
	version3   = rome(2026, 11, 24, 11, 0)
	finalCheck = rome(2026, 11, 4, 11, 0)
)

func planEvents() []planEvent {
	report := func(y int, m time.Month, d int) time.Time { return day(y, m, d) }
	return []planEvent{
		{at: version1, title: "Versione 2025.1 del piano, approvata dopo la consultazione e la prioritizzazione", report: report(2025, 6, 30),
			tag: "plan/2025.1", note: "Versione 2025.1\n\nPrima versione approvata del piano, dopo la consultazione pubblica e la\nprioritizzazione. Le proposte recepite entrano nelle azioni con le risposte.\n"},
		{at: rome(2025, 11, 5, 11, 0), title: "Monitoraggio al 31 ottobre 2025: avanzamento e indicatori", report: report(2025, 10, 31)},
		{at: version2, title: "Versione 2026.1 del piano: azioni dalle proposte recepite, monitoraggio al 31 dicembre 2025", report: report(2025, 12, 31),
			tag: "plan/2026.1", signed: true, note: "Versione 2026.1\n\nAggiornamento annuale: entrano le azioni nate dalle proposte recepite;\nla migrazione degli applicativi al PSN ha una nuova scadenza.\n"},
		{at: rome(2026, 4, 8, 11, 0), title: "Monitoraggio al 31 marzo 2026", report: report(2026, 3, 31)},
		{at: rome(2026, 7, 7, 11, 0), title: "Monitoraggio al 30 giugno 2026", report: report(2026, 6, 30)},
		{at: rome(2026, 10, 6, 11, 0), title: "Monitoraggio al 30 settembre 2026", report: report(2026, 9, 30)},
		{at: finalCheck, title: "Monitoraggio al 31 ottobre 2026", report: storyEnd},
		{at: accepted, title: "Azione design-system-servizi: scadenza spostata a marzo 2027", amendment: true},
		{at: version3, title: "Versione 2026.2 del piano, dopo la revisione intermedia",
			tag: "plan/2026.2", note: "Versione 2026.2\n\nVersione della revisione intermedia: monitoraggio al 31 ottobre 2026 e\nnuova scadenza del design system, come proposto dal Comune di Reggio Emilia.\n"},
	}
}

// planOverrides are the texts the plan's first versions held.
func planOverrides() []override {
	return []override{
		{path: "content/plan/actions/cruscotto-spesa-pnrr.md", until: version2, now: "due: 2027-03-31\n", was: "due: 2026-12-31\n"},
		{path: "content/plan/actions/cruscotto-spesa-pnrr.md", until: version2,
			now: "è online da marzo 2026. Nel 2027 saranno aggiunti\ni dati di aziende sanitarie e scuole.\n",
			was: "sarà online entro marzo 2026; i dati di aziende sanitarie e\nscuole seguiranno entro la fine del 2026.\n"},
		{path: "content/plan/actions/migrazione-psn-applicativi.md", until: version2, now: "due: 2026-12-31\n", was: "due: 2026-06-30\n"},
		{path: "content/plan/actions/migrazione-psn-applicativi.md", until: version2,
			now: "La migrazione dei sistemi contabili\nprincipali è stata pianificata fuori",
			was: "La migrazione dei sistemi contabili\nprincipali sarà pianificata fuori"},
		{path: "content/plan/actions/design-system-servizi.md", until: accepted, now: "due: 2027-03-31\n", was: "due: 2026-12-31\n"},
	}
}

var (
	proposalsRE = regexp.MustCompile(`(?m)^proposals: \[([^\]]*)\]$`)
	valueRE     = regexp.MustCompile(`^\s+- \{date: (\d{4}-\d\d-\d\d),`)
)

func newPlanStates(final map[string][]byte, s *story) (*planStates, error) {
	p := &planStates{final: final, created: map[string]time.Time{}, fromProposal: map[string][]string{}, events: planEvents(), overrides: planOverrides()}
	for _, e := range p.events {
		if !e.report.IsZero() {
			p.reports = append(p.reports, e)
		}
	}
	for f := range final {
		if !strings.HasPrefix(f, "content/plan/") || strings.Contains(f, "/reactions/") || strings.Contains(f, "/feedback/") || strings.Contains(f, "/amendments/") || strings.Contains(f, "/supports/") {
			continue
		}
		p.files = append(p.files, f)
		id, ok := actionID(f)
		if !ok || strings.Contains(f, ".en.") {
			continue
		}
		m := proposalsRE.FindStringSubmatch(string(final[f]))
		if m == nil {
			continue
		}
		for pid := range strings.SplitSeq(m[1], ",") {
			pid = strings.TrimSpace(pid)
			pr := s.proposals[pid]
			if pr == nil || pr.answered.IsZero() || pr.status != "incorporated" && pr.status != "accepted" {
				continue
			}
			when := at(pr.answered, 12, 0)
			if c, ok := p.created[id]; !ok || when.Before(c) {
				p.created[id] = when
			}
			p.fromProposal[pid] = append(p.fromProposal[pid], id)
		}
	}
	slices.Sort(p.files)
	for _, o := range p.overrides {
		if !strings.Contains(string(final[o.path]), o.now) {
			return nil, fmt.Errorf("demo: %s does not hold %q: the story's earlier text of it no longer applies", o.path, o.now)
		}
	}
	return p, nil
}

// actionID returns the id of the action a file of the plan belongs to.
func actionID(f string) (string, bool) {
	rest, ok := strings.CutPrefix(f, "content/plan/actions/")
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(rest, "/")
	id, _, _ = strings.Cut(id, ".")
	return id, true
}

// apply brings the plan's files in tree to their state at t.
func (p *planStates) apply(tree map[string][]byte, t time.Time) {
	for _, f := range p.files {
		if data := p.state(f, t); data != nil {
			tree[f] = data
		} else {
			delete(tree, f)
		}
	}
}

// itemFiles returns the files of action id at t.
func (p *planStates) itemFiles(id string, t time.Time) map[string][]byte {
	out := map[string][]byte{}
	for _, f := range p.files {
		if a, ok := actionID(f); ok && a == id {
			if data := p.state(f, t); data != nil {
				out[f] = data
			}
		}
	}
	return out
}

// state is file f at t, nil when it did not exist yet.
func (p *planStates) state(f string, t time.Time) []byte {
	if id, ok := actionID(f); ok {
		if c, ok := p.created[id]; ok && t.Before(c) {
			return nil
		}
	}
	data := p.final[f]
	done := 0
	for _, r := range p.reports {
		if !t.Before(r.at) {
			done++
		}
	}
	if done < len(p.reports) {
		var ref time.Time
		if done > 0 {
			ref = p.reports[done-1].report
		}
		data = early(data, float64(done)/float64(len(p.reports)), ref)
	}
	for _, o := range p.overrides {
		if o.path == f && t.Before(o.until) {
			data = []byte(strings.Replace(string(data), o.now, o.was, 1))
		}
	}
	return data
}

// early is a plan file as an earlier report had it: a share of its progress, the
// indicator values measured by ref, and the status that goes with them.
func early(data []byte, share float64, ref time.Time) []byte {
	fm, rest, ok := splitFront(data)
	if !ok {
		return data
	}
	lines := strings.Split(strings.TrimSuffix(fm, "\n"), "\n")
	progress, status := -1, ""
	for _, l := range lines {
		if v, ok := strings.CutPrefix(l, "progress: "); ok {
			progress, _ = strconv.Atoi(v)
		}
		if v, ok := strings.CutPrefix(l, "status: "); ok {
			status = v
		}
	}
	p := progress
	if progress > 0 {
		p = min(int(math.Round(float64(progress)*share/5))*5, progress)
	}
	var out []string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "progress: ") && progress >= 0:
			l = "progress: " + strconv.Itoa(p)
		case strings.HasPrefix(l, "status: ") && progress >= 0:
			l = "status: " + earlyStatus(status, p, share)
		}
		if m := valueRE.FindStringSubmatch(l); m != nil {
			if d, ok := parseDay(m[1]); !ok || ref.IsZero() || d.After(ref) {
				continue
			}
		}
		out = append(out, l)
	}
	// A list of values left empty is written empty, not null.
	for i, l := range out {
		if strings.HasSuffix(l, "values:") && (i+1 == len(out) || !strings.HasPrefix(strings.TrimLeft(out[i+1], " "), "- ") || indent(out[i+1]) <= indent(l)) {
			out[i] = l + " []"
		}
	}
	return []byte("---\n" + strings.Join(out, "\n") + "\n---\n" + rest)
}

func indent(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

// earlyStatus is the status of an action at an earlier report, from its final status.
func earlyStatus(final string, progress int, share float64) string {
	switch final {
	case "planned":
		return final
	case "delayed":
		if share >= 0.7 {
			return final
		}
	}
	if progress == 0 {
		return "planned"
	}
	return "in-progress"
}
