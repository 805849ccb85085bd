package synth

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/history"
)

// The real plan is a corpus shaped like AgID's Piano triennale per l'informatica nella
// PA as it really is: three editions (2022-2024, 2024-2026, 2025-2027) of 7 or 8
// chapters (goals), 21 to 25 objectives with AgID's codes (OB.x.y), expected results
// (R.A.x.y.z) whose indicators have a baseline and a target per year, and about 280
// lines of action (CAPx.LAyy, then CAPx.PA.LAyy) each, with a deadline, a status, one
// or several owners (agid, or agid and dtd) and categories of addressees (municipality,
// region, all). Between the first two editions the chapters are reorganised and every
// action is renumbered, some merged, split, moved, retitled, re-wrapped or rewritten,
// and objective codes are reused with new meanings, so that about 420 items change;
// between the last two, fewer. Every renumbered, merged or split item says which items
// of the previous edition it continues (replaces). After the last edition the draft
// reports progress and carries proposals and votes of the bodies.
//
// The corpus uses the whole content format of issue 16 (code, replaces, owner lists,
// addressees, results with yearly targets), so a pspm that does not read those yet
// warns about them; RealPlanOptions.LeadOwnerOnly and NoResults make it readable by such
// a pspm without errors.

// RealPlanEditions is the number of approved editions of the real plan, each tagged.
const RealPlanEditions = 3

// RealPlanOptions selects a real-plan corpus. The zero value is the full corpus.
type RealPlanOptions struct {
	// Seed selects the corpus: the same options give the same bytes (and, through
	// RealPlanRepository, the same commit hashes).
	Seed int64
	// LeadOwnerOnly writes an action's or result's owners as its lead owner alone
	// (owner: agid), for a pspm that reads one owner only.
	LeadOwnerOnly bool
	// NoResults leaves out the expected results (content/plan/results/).
	NoResults bool
}

// Real-plan streams, after Generate's.
const (
	streamRealPlan = iota + 100
	streamRealText
)

// RealPlan is a generated real-plan corpus: three editions and a draft, computed
// once, written file by file by Edition and Draft.
type RealPlan struct {
	o        RealPlanOptions
	g        *generator // prose and randomness
	editions []*rpEdition
	draft    *rpEdition
	bodies   []rpBody
	themes   []rpTheme
}

type rpBody struct{ id, name, kind, website string }

// rpTheme is what an objective is about, across editions: its title and text.
type rpTheme struct {
	title string
	paras []string
}

type rpItem struct {
	id, code, title string
	paras           []string
	wrap            int // the width the body's lines are wrapped at; 0 for none
	replaces        []string
	order           int
}

type rpGoal struct {
	rpItem
}

type rpObjective struct {
	rpItem
	goal  string
	theme int
}

type rpTarget struct {
	year  int
	date  string
	value int
}

type rpValue struct {
	date  string
	value int
}

type rpIndicator struct {
	name, unit   string
	baseline     int
	baselineDate string
	target       int // actions' single target; 0 for none
	targets      []rpTarget
	values       []rpValue
}

type rpResult struct {
	rpItem
	objective  string
	theme, pos int
	owners     []string
	indicators []rpIndicator
}

type rpAction struct {
	rpItem
	theme              int
	owners, addressees []string
	status             string
	progress           int
	start, due         string
	indicators         []rpIndicator
}

// rpEdition is one edition of the plan.
type rpEdition struct {
	year       int // first year of the period
	date       time.Time
	goals      []*rpGoal
	objectives []*rpObjective
	results    []*rpResult
	actions    []*rpAction
	proposals  bool // the draft's proposals and votes
	// chapterOf gives the chapter (1-based) of a theme in this edition; 0 when absent.
	chapterOf map[int]int
	posOf     map[int]int
}

// The chapters: a goal's id never changes, its code and title do.
var (
	rpGoalIDs = []string{"servizi", "dati", "piattaforme", "infrastrutture", "interoperabilita", "sicurezza", "governance", "procurement"}
	// rpTitles1 and rpTitles2 are the goals' titles in the first edition and the next.
	rpTitles1 = map[string]string{
		"servizi": "Servizi", "dati": "Dati", "piattaforme": "Piattaforme", "infrastrutture": "Infrastrutture",
		"interoperabilita": "Interoperabilità", "sicurezza": "Sicurezza informatica", "governance": "Governare la trasformazione digitale",
	}
	rpTitles2 = map[string]string{
		"governance": "Organizzazione e gestione del cambiamento", "procurement": "Il procurement per la trasformazione digitale",
		"servizi": "Servizi", "piattaforme": "Piattaforme", "dati": "Dati e intelligenza artificiale", "infrastrutture": "Infrastrutture",
		"sicurezza": "Sicurezza informatica", "interoperabilita": "Interoperabilità e modelli di integrazione",
	}
	// rpChapters1 and rpChapters2 are the chapters' order: rpChapters2[k] is chapter k+1.
	rpChapters1 = []string{"servizi", "dati", "piattaforme", "infrastrutture", "interoperabilita", "sicurezza", "governance"}
	rpChapters2 = []string{"governance", "procurement", "servizi", "piattaforme", "dati", "infrastrutture", "sicurezza", "interoperabilita"}
	// rpOwners are the bodies that own a chapter's central lines of action, the
	// usual lead first.
	rpOwners = map[string][]string{
		"servizi": {"agid", "dtd"}, "dati": {"agid", "istat"}, "piattaforme": {"dtd", "agid"}, "infrastrutture": {"agid", "dtd", "acn"},
		"interoperabilita": {"agid"}, "sicurezza": {"acn", "agid"}, "governance": {"agid", "dtd", "m_ef"}, "procurement": {"consip", "agid"},
	}
	rpAddressees = [][]string{{"all"}, {"municipality"}, {"region"}, {"municipality", "region"}, {"ministry", "agency"},
		{"municipality", "metropolitan-city"}, {"health-authority", "region"}, {"university"}, {"all"}, {"municipality"}}
)

// Themes: 0-20 are the first edition's objectives, chapter t/3+1, position t%3+1.
// The second edition drops theme 14 (interoperability's third objective), gives the
// new procurement chapter themes 21-23 and interoperability theme 24; the third adds
// theme 25 to the data chapter.
const rpThemes = 26

// NewRealPlan computes the corpus of o.
func NewRealPlan(o RealPlanOptions) *RealPlan {
	p := &RealPlan{o: o, g: newGenerator(Options{Seed: o.Seed, Bodies: 1}, nil)}
	g := p.g
	g.reseed(streamRealPlan, 0)
	p.makeBodies()
	for range rpThemes {
		p.themes = append(p.themes, rpTheme{title: g.pick(g.v.objectiveVerbs) + " " + g.pick(g.v.topics), paras: p.paras(2, 3)})
	}
	e1 := p.first()
	e2 := p.next(e1, 2024, time.Date(2024, 2, 12, 11, 0, 0, 0, time.UTC), true)
	e3 := p.next(e2, 2025, time.Date(2025, 2, 20, 11, 0, 0, 0, time.UTC), false)
	p.editions = []*rpEdition{e1, e2, e3}
	p.draft = p.progress(e3)
	return p
}

func (p *RealPlan) makeBodies() {
	v := p.g.v
	p.bodies = []rpBody{
		{"agid", "Agenzia per l'Italia Digitale", "agency", "https://www.agid.gov.it/"},
		{"dtd", "Dipartimento per la trasformazione digitale", "other", "https://innovazione.gov.it/"},
		{"m_ef", "Ministero dell'Economia e delle Finanze", "ministry", "https://www.mef.gov.it/"},
		{"acn", "Agenzia per la cybersicurezza nazionale", "agency", "https://www.acn.gov.it/"},
		{"istat", "Istituto nazionale di statistica", "other", "https://www.istat.it/"},
		{"consip", "Consip", "other", "https://www.consip.it/"},
		{"m_it", "Ministero dell'Interno", "ministry", "https://www.interno.gov.it/"},
	}
	for i, r := range v.regions {
		id := "r_" + strings.ReplaceAll(slug(r, 4), "-", "_")
		p.bodies = append(p.bodies, rpBody{id, "Regione " + r, "region", "https://www.regione" + strconv.Itoa(i+1) + ".example.org/"})
	}
	for i, t := range v.towns {
		id := fmt.Sprintf("c_%c%03d", 'a'+i%20, 100+i*37%900)
		p.bodies = append(p.bodies, rpBody{id, "Comune di " + t, "municipality", "https://comune-" + slug(t, 3) + ".example.org/"})
	}
	p.bodies = append(p.bodies,
		rpBody{"cm_rm", "Città metropolitana di Roma Capitale", "metropolitan-city", "https://www.cittametropolitanaroma.example.org/"},
		rpBody{"uni_bo", "Università di Bologna", "university", "https://www.unibo.example.org/"},
		rpBody{"asl_to3", "ASL Torino 3", "health-authority", "https://www.aslto3.example.org/"},
	)
}

// paras is between least and most paragraphs of prose with emphasis and links.
func (p *RealPlan) paras(least, most int) []string {
	g := p.g
	v := g.v
	n := least + g.r.IntN(most-least+1)
	out := make([]string, 0, n)
	pools := [][]string{v.context, v.proposal, v.benefits}
	for k := range n {
		var b strings.Builder
		for s := range 2 + g.r.IntN(3) {
			if s > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(g.sentence(pools[k%len(pools)]))
		}
		switch g.r.IntN(5) {
		case 0, 1:
			b.WriteString(" L'intervento prevede in particolare **" + g.pick(v.bullets) + "**.")
		case 2:
			b.WriteString(" " + g.link())
		case 3:
			l := v.links[g.r.IntN(len(v.links))]
			b.WriteString(" Il quadro di riferimento resta il documento _" + l[0] + "_.")
		}
		out = append(out, b.String())
	}
	return out
}

// actionTitle is a long title as AgID writes its lines of action.
func (p *RealPlan) actionTitle() string {
	g := p.g
	v := g.v
	verb := v.verbs[g.r.IntN(len(v.verbs))]
	t := capitalize(g.pick(v.plurals)) + " " + verb[1] + " " + g.pick(v.objects)
	if g.r.IntN(3) > 0 {
		t += " " + g.pick(v.complements)
	}
	return g.number(t)
}

// date is a day of year y: d from 0 (January 1st) to 364.
func date(y, d int) string { return strconv.Itoa(y) + day(d)[4:] }

func (p *RealPlan) indicator(from int, single bool) rpIndicator {
	g := p.g
	ind := g.v.indicators[g.r.IntN(len(g.v.indicators))]
	base := g.r.IntN(40)
	in := rpIndicator{name: ind[0], unit: ind[1], baseline: base, baselineDate: date(from-1, 364)}
	step := 5 + g.r.IntN(15)
	if single {
		in.target = base + 3*step
		if g.r.IntN(10) == 0 {
			in.targets = []rpTarget{{year: from + 1, value: base + step}, {year: from + 2, value: base + 3*step}}
		}
	} else {
		for y := range 3 {
			in.targets = append(in.targets, rpTarget{year: from + y, value: base + (y+1)*step})
		}
		if g.r.IntN(4) == 0 {
			in.targets[1] = rpTarget{date: date(from+1, 180), value: in.targets[1].value}
		}
	}
	return in
}

// measure adds a value of every indicator at date d, growing by about the yearly step.
func (p *RealPlan) measure(ins []rpIndicator, d string) {
	for k := range ins {
		in := &ins[k]
		last := in.baseline
		if n := len(in.values); n > 0 {
			last = in.values[n-1].value
		}
		in.values = append(in.values, rpValue{date: d, value: last + 1 + p.g.r.IntN(12)})
	}
}

// first is the 2022-2024 edition.
func (p *RealPlan) first() *rpEdition {
	g := p.g
	e := &rpEdition{year: 2022, date: time.Date(2022, 12, 15, 11, 0, 0, 0, time.UTC), chapterOf: map[int]int{}, posOf: map[int]int{}}
	for c, id := range rpChapters1 {
		e.goals = append(e.goals, &rpGoal{rpItem{id: id, code: "CAP" + strconv.Itoa(c+1), title: rpTitles1[id], paras: p.paras(1, 2), order: c + 1}})
	}
	for t := range 21 {
		e.chapterOf[t], e.posOf[t] = t/3+1, t%3+1
	}
	p.layoutObjectives(e, nil)
	p.layoutResults(e, nil)
	// 280 lines of action, 9 to 18 per objective.
	counts := make([]int, 21)
	total := 0
	for t := range counts {
		counts[t] = 9 + g.r.IntN(10)
		total += counts[t]
	}
	for total != 280 {
		t := g.r.IntN(len(counts))
		switch {
		case total < 280 && counts[t] < 18:
			counts[t]++
			total++
		case total > 280 && counts[t] > 9:
			counts[t]--
			total--
		}
	}
	n := map[int]int{}
	for t := range 21 {
		for range counts[t] {
			c := e.chapterOf[t]
			n[c]++
			a := p.newAction(e, t)
			a.id, a.code = fmt.Sprintf("cap%d-la%02d", c, n[c]), fmt.Sprintf("CAP%d.LA%02d", c, n[c])
			e.actions = append(e.actions, a)
		}
	}
	p.orderActions(e)
	return e
}

func (p *RealPlan) newAction(e *rpEdition, t int) *rpAction {
	g := p.g
	a := &rpAction{rpItem: rpItem{title: p.actionTitle(), paras: p.paras(1, 3), wrap: []int{0, 72, 80}[g.r.IntN(3)]}, theme: t}
	chapter := p.chapterID(e, t)
	if g.r.IntN(2) == 0 {
		own := rpOwners[chapter]
		a.owners = []string{own[0]}
		if len(own) > 1 && g.r.IntN(3) == 0 {
			a.owners = append(a.owners, own[1+g.r.IntN(len(own)-1)])
		}
		if g.r.IntN(4) == 0 {
			a.addressees = []string{"all"}
		}
	} else {
		a.addressees = slices.Clone(rpAddressees[g.r.IntN(len(rpAddressees))])
		if g.r.IntN(8) == 0 {
			a.addressees = append(a.addressees, p.bodies[7+g.r.IntN(20)].id)
		}
	}
	p.schedule(e, a, true)
	if g.r.IntN(10) < 3 {
		a.indicators = []rpIndicator{p.indicator(e.year, true)}
	}
	return a
}

// schedule gives a its dates, status and progress in edition e.
func (p *RealPlan) schedule(e *rpEdition, a *rpAction, dates bool) {
	g := p.g
	if dates {
		sy := e.year + g.r.IntN(2)
		a.start = date(sy, g.r.IntN(200))
		a.due = date(sy+g.r.IntN(2), 200+g.r.IntN(165))
	}
	switch x := g.r.IntN(10); {
	case x < 3:
		a.status, a.progress = "planned", 0
	case x < 7:
		a.status, a.progress = "in-progress", 10+g.r.IntN(81)
	case x < 9:
		a.status, a.progress = "done", 100
	default:
		a.status, a.progress = "delayed", 5+g.r.IntN(50)
	}
	if len(a.indicators) > 0 && a.progress > 0 {
		p.measure(a.indicators, date(e.year, g.r.IntN(40)))
	}
}

func (p *RealPlan) chapterID(e *rpEdition, t int) string {
	if len(e.goals) == 7 {
		return rpChapters1[e.chapterOf[t]-1]
	}
	return rpChapters2[e.chapterOf[t]-1]
}

// layoutObjectives writes e's objectives from its themes' places; an objective whose
// code changed since prev replaces its old id.
func (p *RealPlan) layoutObjectives(e, prev *rpEdition) {
	g := p.g
	for _, t := range slices.Sorted(maps.Keys(e.chapterOf)) {
		c, n := e.chapterOf[t], e.posOf[t]
		o := &rpObjective{rpItem: rpItem{id: fmt.Sprintf("ob-%d-%d", c, n), code: fmt.Sprintf("OB.%d.%d", c, n), order: n, wrap: 80}, goal: p.chapterID(e, t), theme: t}
		th := &p.themes[t]
		if prev != nil && prev.chapterOf[t] != 0 {
			old := prev.objective(t)
			o.title, o.paras, o.wrap = old.title, old.paras, old.wrap
			o.replaces = old.replaces
			if old.id != o.id {
				o.replaces = []string{old.id}
			}
			if g.r.IntN(4) == 0 { // reworded
				o.title = g.pick(g.v.objectiveVerbs) + " " + g.pick(g.v.topics)
			}
			if g.r.IntN(3) == 0 {
				o.paras = append(slices.Clone(o.paras), p.paras(1, 1)...)
			}
		} else {
			o.title, o.paras = th.title, th.paras
		}
		e.objectives = append(e.objectives, o)
	}
	slices.SortFunc(e.objectives, func(a, b *rpObjective) int {
		return cmpInts(e.chapterOf[a.theme], e.chapterOf[b.theme], e.posOf[a.theme], e.posOf[b.theme])
	})
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func cmpInts(a1, b1, a2, b2 int) int {
	if a1 != b1 {
		return a1 - b1
	}
	return a2 - b2
}

func (e *rpEdition) objective(t int) *rpObjective {
	for _, o := range e.objectives {
		if o.theme == t {
			return o
		}
	}
	return nil
}

// layoutResults gives every objective of e one or two results, carried over (with new
// values and targets) from prev where the objective was there.
func (p *RealPlan) layoutResults(e, prev *rpEdition) {
	g := p.g
	for _, o := range e.objectives {
		c, n := e.chapterOf[o.theme], e.posOf[o.theme]
		var olds []*rpResult
		if prev != nil {
			for _, r := range prev.results {
				if r.theme == o.theme {
					olds = append(olds, r)
				}
			}
		}
		count := 1 + g.r.IntN(2)
		if len(olds) > 0 {
			count = len(olds)
		}
		for k := range count {
			r := &rpResult{rpItem: rpItem{id: fmt.Sprintf("r-a-%d-%d-%d", c, n, k+1), code: fmt.Sprintf("R.A.%d.%d.%d", c, n, k+1), order: k + 1, wrap: 80},
				objective: o.id, theme: o.theme, pos: k}
			if k < len(olds) {
				old := olds[k]
				r.title, r.paras, r.owners, r.replaces = old.title, old.paras, old.owners, old.replaces
				if old.id != r.id {
					r.replaces = []string{old.id}
				}
				for _, in := range old.indicators {
					ni := in
					ni.values = slices.Clone(in.values)
					ni.baselineDate = date(e.year-1, 364)
					if len(ni.values) > 0 {
						ni.baseline = ni.values[len(ni.values)-1].value
					}
					ni.targets = nil
					step := 5 + g.r.IntN(15)
					for y := range 3 {
						ni.targets = append(ni.targets, rpTarget{year: e.year + y, value: ni.baseline + (y+1)*step})
					}
					r.indicators = append(r.indicators, ni)
				}
			} else {
				r.title = g.pick([]string{"Incremento", "Crescita", "Aumento"}) + " " + g.pick([]string{"del numero di", "della quota di", "della diffusione di"}) + " " + lowerFirst(g.pick(g.v.topics))
				r.paras = p.paras(1, 1)
				r.owners = []string{rpOwners[o.goal][0]}
				for range 1 + g.r.IntN(2) {
					r.indicators = append(r.indicators, p.indicator(e.year, false))
				}
			}
			p.measure(r.indicators, date(e.year, 20+g.r.IntN(20)))
			e.results = append(e.results, r)
		}
	}
}

// orderActions sorts e's actions by chapter, objective and order, and numbers their
// order within each objective.
func (p *RealPlan) orderActions(e *rpEdition) {
	slices.SortStableFunc(e.actions, func(a, b *rpAction) int {
		return cmpInts(e.chapterOf[a.theme], e.chapterOf[b.theme], e.posOf[a.theme], e.posOf[b.theme])
	})
	n := map[int]int{}
	for _, a := range e.actions {
		n[a.theme]++
		a.order = n[a.theme]
	}
}

// next is the edition after prev. reorganise renumbers every action in chapters of
// the second edition's layout (the 2024-2026 edition); otherwise a few actions are
// renumbered and the rest keep their codes.
func (p *RealPlan) next(prev *rpEdition, year int, when time.Time, reorganise bool) *rpEdition {
	g := p.g
	e := &rpEdition{year: year, date: when, chapterOf: map[int]int{}, posOf: map[int]int{}}
	for c, id := range rpChapters2 {
		old := prev.goal(id)
		gl := &rpGoal{rpItem{id: id, code: "CAP" + strconv.Itoa(c+1), title: rpTitles2[id], order: c + 1}}
		if old != nil {
			gl.paras, gl.wrap = old.paras, old.wrap
			if g.r.IntN(2) == 0 {
				gl.paras = append(slices.Clone(gl.paras), p.paras(1, 1)...)
			}
		} else {
			gl.paras = p.paras(1, 2)
		}
		e.goals = append(e.goals, gl)
	}
	if reorganise {
		for t := range 21 {
			if t == 14 {
				continue
			}
			c := slices.Index(rpChapters2, rpChapters1[t/3]) + 1
			e.chapterOf[t], e.posOf[t] = c, t%3+1
		}
		for t := 21; t < 24; t++ {
			e.chapterOf[t], e.posOf[t] = 2, t-20
		}
		e.chapterOf[24], e.posOf[24] = 8, 3
	} else {
		maps.Copy(e.chapterOf, prev.chapterOf)
		maps.Copy(e.posOf, prev.posOf)
		e.chapterOf[25], e.posOf[25] = 5, 4
	}
	p.layoutObjectives(e, prev)
	p.layoutResults(e, prev)

	themes := slices.Sorted(maps.Keys(e.chapterOf))
	rates := [...]int{15, 21, 25, 33, 33} // removed, merged, split, moved, renumbered (cumulative %)
	if !reorganise {
		rates = [...]int{5, 8, 10, 15, 22}
	}
	lastFresh := map[int]*rpAction{} // per objective, the last action with a new number, which a merge may join
	var fresh []*rpAction            // actions that need a new number
	for _, old := range prev.actions {
		a := p.carry(e, old, reorganise)
		if e.chapterOf[a.theme] == 0 { // its objective is gone: to the chapter's new one, or dropped
			if g.r.IntN(2) == 0 {
				continue
			}
			a.theme = 24
		}
		switch x := g.r.IntN(100); {
		case x < rates[0]:
			continue
		case x < rates[1]:
			if into := lastFresh[a.theme]; into != nil && len(into.replaces) == 1 {
				into.replaces = append(into.replaces, old.id)
				into.paras = append(into.paras, a.paras...)
				continue
			}
			a.id = "" // a merge takes a new number
		case x < rates[2]:
			b := p.carry(e, old, reorganise)
			b.theme = a.theme
			b.title = p.actionTitle()
			b.paras = p.paras(1, 2)
			b.replaces = []string{old.id}
			a.replaces = []string{old.id}
			fresh = append(fresh, b)
			a.id = ""
		case x < rates[3]:
			a.theme = themes[g.r.IntN(len(themes))]
			if e.chapterOf[a.theme] != e.chapterOf[old.theme] {
				a.id = "" // to another chapter: a new number
			}
		case x < rates[4]:
			a.id = ""
		}
		if reorganise {
			a.id = ""
		}
		if a.id == "" {
			fresh = append(fresh, a)
			lastFresh[a.theme] = a
		} else {
			a.replaces = old.replaces // as the planner left it: the same id continues itself
			e.actions = append(e.actions, a)
		}
	}
	// New objectives get their lines of action; a few more are added anywhere.
	for _, t := range themes {
		if prev.chapterOf[t] == 0 {
			for range 8 {
				fresh = append(fresh, p.newAction(e, t))
			}
		}
	}
	added := 4
	if reorganise {
		added = 45
	}
	for range added {
		fresh = append(fresh, p.newAction(e, themes[g.r.IntN(len(themes))]))
	}
	// Renumbering: in the reorganised edition, every action by chapter in a new order;
	// otherwise the fresh ones after the chapter's highest number.
	if reorganise {
		g.r.Shuffle(len(fresh), func(i, j int) { fresh[i], fresh[j] = fresh[j], fresh[i] })
	}
	last := map[int]int{}
	for _, a := range e.actions {
		c := e.chapterOf[a.theme]
		_, num, _ := strings.Cut(a.id, "-la")
		k, _ := strconv.Atoi(num)
		last[c] = max(last[c], k)
	}
	for _, a := range fresh {
		c := e.chapterOf[a.theme]
		last[c]++
		a.id, a.code = fmt.Sprintf("cap%d-pa-la%02d", c, last[c]), fmt.Sprintf("CAP%d.PA.LA%02d", c, last[c])
		e.actions = append(e.actions, a)
	}
	p.orderActions(e)
	if !reorganise { // some objectives list their actions in another order, and nothing else
		for _, t := range themes[:6] {
			var in []*rpAction
			for _, a := range e.actions {
				if a.theme == t {
					in = append(in, a)
				}
			}
			for k, a := range in {
				a.order = len(in) - k
			}
		}
	}
	return e
}

func (e *rpEdition) goal(id string) *rpGoal {
	for _, gl := range e.goals {
		if gl.id == id {
			return gl
		}
	}
	return nil
}

// carry is old in edition e: the same line of action (replacing old when its id
// changes), edited as editions edit: retitled, re-wrapped, rewritten, rescheduled.
func (p *RealPlan) carry(e *rpEdition, old *rpAction, reorganise bool) *rpAction {
	g := p.g
	a := *old
	a.replaces = []string{old.id}
	a.paras = slices.Clone(old.paras)
	a.owners = slices.Clone(old.owners)
	a.addressees = slices.Clone(old.addressees)
	a.indicators = slices.Clone(old.indicators)
	for k := range a.indicators {
		a.indicators[k].values = slices.Clone(a.indicators[k].values)
	}
	scale := 1
	if !reorganise {
		scale = 3
	}
	if g.r.IntN(7*scale) == 0 {
		a.title = p.actionTitle()
	} else if g.r.IntN(8*scale) == 0 {
		a.title += " " + g.pick(g.v.complements)
	}
	if g.r.IntN(5*scale) == 0 {
		a.wrap = []int{0, 72, 80, 100}[g.r.IntN(4)]
		if a.wrap == old.wrap {
			a.wrap += 8
		}
	}
	if g.r.IntN(5*scale) == 0 {
		k := g.r.IntN(len(a.paras))
		a.paras[k] = a.paras[k] + " " + g.sentence(g.v.proposal)
	}
	if g.r.IntN(20) == 0 && e.chapterOf[a.theme] != 0 {
		own := rpOwners[p.chapterID(e, a.theme)]
		a.owners = []string{own[g.r.IntN(len(own))]}
	}
	if a.status != "done" && g.r.IntN(3*scale) < 2 {
		p.schedule(e, &a, g.r.IntN(3) == 0)
	}
	return &a
}

// progress is the draft after the last edition: progress reported on a third of the
// actions and new measurements of the results, and the bodies' proposals and votes.
func (p *RealPlan) progress(last *rpEdition) *rpEdition {
	g := p.g
	d := *last
	d.date = time.Date(2025, 10, 15, 11, 0, 0, 0, time.UTC)
	d.proposals = true
	d.actions = nil
	for _, old := range last.actions {
		a := *old
		if a.status != "done" && g.r.IntN(3) == 0 {
			a.progress = min(100, a.progress+5+g.r.IntN(30))
			a.status = "in-progress"
			if a.progress == 100 {
				a.status = "done"
			}
		}
		d.actions = append(d.actions, &a)
	}
	d.results = nil
	for _, old := range last.results {
		r := *old
		r.indicators = slices.Clone(old.indicators)
		for k := range r.indicators {
			r.indicators[k].values = slices.Clone(r.indicators[k].values)
		}
		p.measure(r.indicators, "2025-06-30")
		d.results = append(d.results, &r)
	}
	d.objectives = nil
	for _, old := range last.objectives {
		o := *old
		d.objectives = append(d.objectives, &o)
	}
	return &d
}

// Edition writes the files of edition k (0 to RealPlanEditions-1): the whole site as
// its commit has it, by calling emit once per file in a deterministic order. data is
// only valid until emit returns.
func (p *RealPlan) Edition(k int, emit func(path string, data []byte) error) error {
	if k < 0 || k >= len(p.editions) {
		return fmt.Errorf("synth: edition %d does not exist (want 0 to %d)", k, len(p.editions)-1)
	}
	return p.write(p.editions[k], emit)
}

// Draft writes the files of the work tree after the last edition: its progress, and
// the bodies' proposals and votes.
func (p *RealPlan) Draft(emit func(path string, data []byte) error) error {
	return p.write(p.draft, emit)
}

// Tag is the tag of edition k and its message, e.g. "plan/2024".
func (p *RealPlan) Tag(k int) (name, message string) {
	e := p.editions[k]
	return "plan/" + strconv.Itoa(e.year), fmt.Sprintf("Piano triennale %d-%d\n\nEdizione approvata il %s.\n", e.year, e.year+2, e.date.Format("2006-01-02"))
}

// RealPlanRepository writes the corpus of o as a Git repository: a commit and an
// annotated tag (plan/2022, plan/2024, plan/2025) per edition, then a commit of the
// draft, and the draft as the work tree. Paths are slash-separated, relative to the
// repository's root; the dates are fixed, so the same options give the same bytes
// and commit hashes.
func RealPlanRepository(o RealPlanOptions, emit func(path string, data []byte) error) error {
	p := NewRealPlan(o)
	var commits []history.NewCommit
	collect := func(write func(func(string, []byte) error) error) (map[string][]byte, error) {
		files := map[string][]byte{}
		err := write(func(path string, data []byte) error {
			files[path] = bytes.Clone(data)
			return nil
		})
		return files, err
	}
	editor := history.Person{Name: "Redazione del Piano triennale", Email: "piano.triennale@agid.example.org"}
	for k, e := range p.editions {
		files, err := collect(func(emit func(string, []byte) error) error { return p.Edition(k, emit) })
		if err != nil {
			return err
		}
		tag, msg := p.Tag(k)
		editor.When = e.date
		commits = append(commits, history.NewCommit{Files: files, Author: editor, Message: fmt.Sprintf("Piano triennale %d-%d\n", e.year, e.year+2), Tag: tag, TagMessage: msg})
	}
	files, err := collect(p.Draft)
	if err != nil {
		return err
	}
	editor.When = p.draft.date
	commits = append(commits, history.NewCommit{Files: files, Author: editor, Message: "Monitoraggio 2025, proposte e voti degli enti\n"})
	if err := history.EncodeRepository("main", commits, emit); err != nil {
		return err
	}
	for _, path := range slices.Sorted(maps.Keys(files)) {
		if err := emit(path, files[path]); err != nil {
			return err
		}
	}
	return nil
}
