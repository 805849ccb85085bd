package synth

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// write emits the whole site of edition e.
func (p *RealPlan) write(e *rpEdition, emit func(string, []byte) error) error {
	g := p.g
	g.emitf = emit
	steps := []func(*rpEdition) error{p.writeConfig, p.writePlanIndex, p.writeGoals, p.writeObjectives, p.writeResults, p.writeActions, p.writeBodies, p.writeProposals}
	for _, step := range steps {
		if err := step(e); err != nil {
			return err
		}
	}
	return nil
}

func (p *RealPlan) writeConfig(*rpEdition) error {
	g := p.g
	g.buf.Reset()
	g.str("title", "Piano triennale per l'informatica nella Pubblica Amministrazione")
	g.str("description", "Corpus con la forma del Piano triennale di AgID, generato da pspmsynth -editions con il seme "+strconv.FormatInt(p.o.Seed, 10)+".")
	g.str("baseURL", "https://example.org/piano-triennale/")
	g.flow("languages", []string{"it", "en"})
	g.raw("paginate", "20")
	g.buf.WriteString("forge:\n")
	g.raw("  kind", "gitlab")
	g.str("  url", "https://gitlab.example.org/agid/piano-triennale")
	g.raw("  branch", "main")
	g.buf.WriteString("votes:\n")
	g.raw("  policy", "none")
	return g.emit("pspm.yaml")
}

func (p *RealPlan) writePlanIndex(e *rpEdition) error {
	g := p.g
	period := strconv.Itoa(e.year) + "-" + strconv.Itoa(e.year+2)
	g.frontMatter()
	g.str("title", "Piano triennale per l'informatica nella Pubblica Amministrazione "+period)
	g.str("period", period)
	g.raw("owner", "agid")
	g.buf.WriteString("phases:\n")
	g.str("  - name", "Consultazione pubblica")
	g.raw("    from", strconv.Itoa(e.year)+"-03-01")
	g.raw("    to", strconv.Itoa(e.year)+"-12-31")
	g.flow("    opens", []string{"proposals", "feedback", "votes", "priorities"})
	g.str("  - name", "Aggiornamento del piano")
	g.raw("    from", strconv.Itoa(e.year+1)+"-01-01")
	g.raw("    to", strconv.Itoa(e.year+1)+"-02-28")
	g.flow("    opens", nil)
	g.endFrontMatter()
	g.buf.WriteString("Il Piano triennale per l'informatica nella Pubblica Amministrazione " + period +
		" guida la trasformazione digitale del Paese: definisce gli obiettivi, i risultati attesi e le linee di azione delle amministrazioni centrali e locali.\n")
	return g.emit("content/plan/_index.md")
}

// item writes the keys every plan item has, after the title.
func (p *RealPlan) item(it *rpItem) {
	g := p.g
	g.str("title", it.title)
	g.str("code", it.code)
	if len(it.replaces) > 0 {
		g.flow("replaces", it.replaces)
	}
}

// body ends the front matter and writes its paragraphs wrapped at its width.
func (p *RealPlan) body(it *rpItem) {
	g := p.g
	g.endFrontMatter()
	for k, para := range it.paras {
		if k > 0 {
			g.buf.WriteByte('\n')
		}
		g.buf.WriteString(wrapText(para, it.wrap))
		g.buf.WriteByte('\n')
	}
}

// wrapText breaks s into lines of at most width bytes between words; 0 keeps one line.
func wrapText(s string, width int) string {
	if width <= 0 {
		return s
	}
	var b strings.Builder
	n := 0
	for k, w := range strings.Fields(s) {
		if k > 0 {
			if n+1+len(w) > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}

func (p *RealPlan) writeGoals(e *rpEdition) error {
	g := p.g
	for _, gl := range e.goals {
		g.frontMatter()
		p.item(&gl.rpItem)
		g.raw("order", strconv.Itoa(gl.order))
		p.body(&gl.rpItem)
		if err := g.emit("content/plan/goals/" + gl.id + ".md"); err != nil {
			return err
		}
	}
	return nil
}

func (p *RealPlan) writeObjectives(e *rpEdition) error {
	g := p.g
	for _, o := range e.objectives {
		g.frontMatter()
		p.item(&o.rpItem)
		g.raw("goal", o.goal)
		g.flow("agid", []string{o.code})
		g.raw("order", strconv.Itoa(o.order))
		p.body(&o.rpItem)
		if err := g.emit("content/plan/objectives/" + o.id + ".md"); err != nil {
			return err
		}
	}
	return nil
}

// owners writes owner: one body, or a list whose first leads.
func (p *RealPlan) owners(owners []string) {
	g := p.g
	switch {
	case len(owners) == 0:
	case len(owners) == 1 || p.o.LeadOwnerOnly:
		g.raw("owner", owners[0])
	default:
		g.flow("owner", owners)
	}
}

func (p *RealPlan) indicators(ins []rpIndicator) {
	g := p.g
	if len(ins) == 0 {
		return
	}
	g.buf.WriteString("indicators:\n")
	for _, in := range ins {
		g.str("  - name", in.name)
		g.str("    unit", in.unit)
		g.raw("    baseline", strconv.Itoa(in.baseline))
		if in.target != 0 {
			g.raw("    target", strconv.Itoa(in.target))
		} else {
			g.raw("    baseline_date", in.baselineDate)
		}
		if len(in.targets) > 0 {
			g.buf.WriteString("    targets:\n")
			for _, t := range in.targets {
				if t.year != 0 {
					fmt.Fprintf(&g.buf, "      - {year: %d, value: %d}\n", t.year, t.value)
				} else {
					fmt.Fprintf(&g.buf, "      - {date: %s, value: %d}\n", t.date, t.value)
				}
			}
		}
		if len(in.values) > 0 {
			g.buf.WriteString("    values:\n")
			for _, v := range in.values {
				fmt.Fprintf(&g.buf, "      - {date: %s, value: %d}\n", v.date, v.value)
			}
		}
	}
}

func (p *RealPlan) writeResults(e *rpEdition) error {
	if p.o.NoResults {
		return nil
	}
	g := p.g
	for _, r := range e.results {
		g.frontMatter()
		p.item(&r.rpItem)
		g.raw("objective", r.objective)
		p.owners(r.owners)
		g.raw("order", strconv.Itoa(r.order))
		p.indicators(r.indicators)
		p.body(&r.rpItem)
		if err := g.emit("content/plan/results/" + r.id + ".md"); err != nil {
			return err
		}
	}
	return nil
}

func (p *RealPlan) writeActions(e *rpEdition) error {
	g := p.g
	for _, a := range e.actions {
		g.frontMatter()
		p.item(&a.rpItem)
		g.raw("objective", e.objective(a.theme).id)
		p.owners(a.owners)
		if len(a.addressees) > 0 {
			g.flow("addressees", a.addressees)
		}
		g.raw("status", a.status)
		g.raw("progress", strconv.Itoa(a.progress))
		g.raw("start", a.start)
		g.raw("due", a.due)
		p.indicators(a.indicators)
		g.raw("order", strconv.Itoa(a.order))
		p.body(&a.rpItem)
		if err := g.emit("content/plan/actions/" + a.id + ".md"); err != nil {
			return err
		}
	}
	if !e.proposals {
		return nil
	}
	// Priorities of the bodies on a few actions.
	g.reseed(streamRealText, 1)
	for k, a := range e.actions {
		if k%9 != 0 {
			continue
		}
		for _, b := range p.voters(1 + g.r.IntN(4)) {
			g.buf.Reset()
			g.raw("priority", strconv.Itoa(1+g.r.IntN(5)))
			if err := g.emit("content/plan/actions/" + a.id + "/reactions/" + b + ".yaml"); err != nil {
				return err
			}
		}
	}
	return nil
}

// voters are n distinct bodies other than the plan's owners, drawn from g.r.
func (p *RealPlan) voters(n int) []string {
	g := p.g
	var out []string
	for len(out) < n {
		b := p.bodies[7+g.r.IntN(len(p.bodies)-7)].id
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

func (p *RealPlan) writeBodies(*rpEdition) error {
	g := p.g
	for _, b := range p.bodies {
		g.frontMatter()
		g.str("name", b.name)
		g.raw("kind", b.kind)
		g.str("website", b.website)
		g.endFrontMatter()
		g.buf.WriteString(b.name + " partecipa al Piano triennale per l'informatica nella Pubblica Amministrazione.\n")
		if err := g.emit("content/bodies/" + b.id + ".md"); err != nil {
			return err
		}
	}
	return nil
}

// writeProposals writes the draft's proposals of the bodies on its actions and
// objectives, and their votes.
func (p *RealPlan) writeProposals(e *rpEdition) error {
	if !e.proposals {
		return nil
	}
	g := p.g
	g.reseed(streamRealText, 2)
	statuses := []string{"open", "open", "under-review", "accepted", "rejected"}
	for i := range 40 {
		id := fmt.Sprintf("proposta-%02d", i+1)
		status := statuses[g.r.IntN(len(statuses))]
		when := 60 + g.r.IntN(200)
		g.frontMatter()
		g.str("title", g.title())
		g.raw("body", p.voters(1)[0])
		g.raw("date", day(when))
		a := e.actions[g.r.IntN(len(e.actions))]
		targets := []string{a.id}
		if g.r.IntN(3) == 0 {
			targets = append(targets, e.objectives[g.r.IntN(len(e.objectives))].id)
		}
		g.flow("targets", targets)
		g.flow("tags", []string{g.pick(g.v.tags)})
		g.raw("status", status)
		if status != "open" {
			g.buf.WriteString("answer:\n")
			g.raw("  date", day(when+20))
			g.literal("  text", "    ", "La proposta è stata esaminata dalla redazione del Piano. "+g.sentence(g.v.proposal))
		}
		g.endFrontMatter()
		g.proposalBody()
		g.writeDoc()
		folder := "content/proposals/" + id
		if err := g.emit(folder + "/index.md"); err != nil {
			return err
		}
		for _, b := range p.voters(g.r.IntN(9)) {
			g.buf.Reset()
			g.raw("vote", g.v.votes[[...]int{0, 0, 0, 0, 0, 0, 1, 1, 2, 2}[g.r.IntN(10)]])
			if err := g.emit(folder + "/reactions/" + b + ".yaml"); err != nil {
				return err
			}
		}
	}
	return nil
}
