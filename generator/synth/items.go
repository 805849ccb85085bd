package synth

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// config writes pspm.yaml.
func (g *generator) config() error {
	g.buf.Reset()
	g.str("title", siteTitle)
	g.str("description", "Portale sintetico per i benchmark di pspm, generato da pspmsynth con il seme "+strconv.FormatInt(g.o.Seed, 10)+".")
	g.str("baseURL", siteBaseURL)
	g.flow("languages", []string{"it", "en"})
	g.raw("paginate", "20")
	g.buf.WriteString("forge:\n")
	g.raw("  kind", "gitlab")
	g.str("  url", "https://gitlab.example.org/mef/piano")
	g.raw("  branch", "main")
	g.buf.WriteString("votes:\n")
	g.raw("  policy", "none")
	if g.o.Participants > 0 {
		g.buf.WriteString("participation:\n")
		g.raw("  registration", "open")
	}
	return g.emit("pspm.yaml")
}

// planIndex writes content/plan/_index.md: one long consultation in 2025,
// open to everything, so that every generated contribution is in time.
func (g *generator) planIndex() error {
	g.reseed(streamPlan, 0)
	g.frontMatter()
	g.str("title", siteTitle)
	g.str("period", "2025-2027")
	g.raw("owner", ownerID)
	g.buf.WriteString("phases:\n")
	g.str("  - name", "Consultazione pubblica")
	g.raw("    from", "2025-01-01")
	g.raw("    to", "2025-12-31")
	g.flow("    opens", []string{"proposals", "feedback", "votes", "priorities"})
	if g.o.Participants > 0 {
		g.flow("    community", []string{"proposals", "feedback", "supports"})
		g.raw("    threshold", "50")
	}
	g.str("  - name", "Approvazione del piano")
	g.raw("    from", "2026-01-01")
	g.raw("    to", "2026-03-31")
	g.flow("    opens", nil)
	g.endFrontMatter()
	g.doc.reset()
	g.doc.block("Il piano definisce gli obiettivi strategici, gli obiettivi operativi e le azioni con cui le amministrazioni partecipanti accompagnano la trasformazione digitale nel triennio 2025-2027.")
	g.para(g.v.context)
	g.doc.block("## Come partecipare")
	g.para(g.v.proposal)
	g.fill(150, 300)
	g.writeDoc()
	return g.emit("content/plan/_index.md")
}

func (g *generator) goals() error {
	v := g.v
	for i := range g.o.Goals {
		g.reseed(streamGoal, i)
		g.frontMatter()
		t := v.goalTitles[i%len(v.goalTitles)]
		if i >= len(v.goalTitles) {
			t += " (" + strconv.Itoa(i/len(v.goalTitles)+1) + ")"
		}
		g.str("title", t)
		g.raw("order", strconv.Itoa(i+1))
		g.endFrontMatter()
		g.planBody()
		if err := g.emit("content/plan/goals/" + g.goalID(i) + ".md"); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) objectives() error {
	v := g.v
	for i := range g.o.Objectives {
		g.reseed(streamObjective, i)
		g.frontMatter()
		g.str("title", g.pick(v.objectiveVerbs)+" "+g.pick(v.topics))
		g.raw("goal", g.goalID(i%g.o.Goals))
		g.flow("agid", g.agid(1+g.r.IntN(2)))
		g.raw("order", strconv.Itoa(i/g.o.Goals+1))
		g.endFrontMatter()
		g.planBody()
		if err := g.emit("content/plan/objectives/" + g.objectiveID(i) + ".md"); err != nil {
			return err
		}
	}
	return nil
}

// actions writes the actions and their reactions, in the folder <id>/ beside
// <id>.md.
func (g *generator) actions() error {
	v := g.v
	for i := range g.o.Actions {
		g.reseed(streamAction, i)
		g.frontMatter()
		g.str("title", g.pick(v.actionVerbs)+" "+g.pick(v.objects))
		g.raw("objective", g.objectiveID(i%g.o.Objectives))
		if g.r.IntN(5) < 2 {
			g.raw("owner", g.bodyID(g.skewed(g.o.Bodies)))
		}
		status := g.pick(v.actionStatuses)
		g.raw("status", status)
		progress := 0
		switch status {
		case "in-progress":
			progress = 10 + g.r.IntN(81)
		case "done":
			progress = 100
		case "delayed":
			progress = 5 + g.r.IntN(56)
		case "cancelled":
			progress = g.r.IntN(41)
		}
		g.raw("progress", strconv.Itoa(progress))
		start := g.r.IntN(200)
		g.raw("start", day(start))
		g.raw("due", strconv.Itoa(2026+g.r.IntN(2))+day(g.r.IntN(365))[4:])
		g.buf.WriteString("indicators:\n")
		for _, k := range g.distinct(len(v.indicators), 1+g.r.IntN(2), g.r.IntN) {
			ind := v.indicators[k]
			base := g.r.IntN(50)
			g.str("  - name", ind[0])
			g.str("    unit", ind[1])
			g.raw("    baseline", strconv.Itoa(base))
			g.raw("    target", strconv.Itoa(base+20+g.r.IntN(80)))
			g.buf.WriteString("    values:\n")
			for q := range 1 + progress/34 {
				g.raw("      - date", day(start+45*(q+1)))
				g.raw("        value", strconv.Itoa(base+(q+1)*(1+g.r.IntN(10))))
			}
		}
		g.flow("proposals", g.takenUp())
		g.raw("order", strconv.Itoa(i/g.o.Objectives+1))
		g.endFrontMatter()
		g.planBody()
		id := g.actionID(i)
		if err := g.emit("content/plan/actions/" + id + ".md"); err != nil {
			return err
		}
		if err := g.reactions("content/plan/actions/"+id, int(g.actionReactions[i]), true); err != nil {
			return err
		}
	}
	return nil
}

// takenUp is up to two accepted or incorporated proposals an action takes up.
func (g *generator) takenUp() []string {
	g.strs = g.strs[:0]
	if g.o.Proposals == 0 {
		return g.strs
	}
	want := g.r.IntN(3)
	for try := 0; try < 8 && len(g.strs) < want; try++ {
		i := g.r.IntN(g.o.Proposals)
		if s := g.proposalStatus(i); s != "accepted" && s != "incorporated" {
			continue
		}
		if id := g.proposalID(i); !slices.Contains(g.strs, id) {
			g.strs = append(g.strs, id)
		}
	}
	return g.strs
}

// agid is n codes of AgID's three-year plan objectives, like OB.1.2.
func (g *generator) agid(n int) []string {
	g.strs = g.strs[:0]
	for len(g.strs) < n {
		c := "OB." + strconv.Itoa(1+g.r.IntN(7)) + "." + strconv.Itoa(1+g.r.IntN(4))
		if !slices.Contains(g.strs, c) {
			g.strs = append(g.strs, c)
		}
	}
	return g.strs
}

// planBody writes a short body for a goal, objective or action.
func (g *generator) planBody() {
	g.doc.reset()
	g.para(g.v.context)
	g.para(g.v.proposal)
	g.fill(60, 150)
	g.writeDoc()
}

func (g *generator) bodies() error {
	for i := range g.o.Bodies {
		g.reseed(streamBody, i)
		g.frontMatter()
		name := g.bodyName(i)
		g.str("name", name)
		g.raw("kind", g.v.bodyKinds[g.bodyKind(i)])
		domain := g.domain(i)
		g.str("website", "https://"+domain+"/")
		g.buf.WriteString("members:\n")
		for _, m := range g.members(i) {
			g.str("  - name", m[0]+" "+m[1])
			g.str("    email", slug(m[0], 1)+"."+strings.ReplaceAll(slug(m[1], 3), "-", "")+"@"+domain)
		}
		g.endFrontMatter()
		g.buf.WriteString(name + " partecipa al piano con proposte, commenti e voti. " + g.sentence(nil) + "\n")
		if err := g.emit("content/bodies/" + g.bodyID(i) + ".md"); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) proposals() error {
	o := g.o
	for i := range o.Proposals {
		g.reseed(streamProposal, i)
		id := g.proposalID(i)
		folder := "content/proposals/" + id
		title := g.title()
		body := g.skewed(o.Bodies)
		date := 14 + g.r.IntN(320)
		status := g.proposalStatus(i)

		g.frontMatter()
		g.str("title", title)
		if g.o.Participants > 0 && i%10 == 0 {
			g.raw("participant", g.participantID(i%g.o.Participants))
		} else {
			g.raw("body", g.bodyID(body))
		}
		g.strs = g.strs[:0]
		members := g.members(body)
		for _, k := range g.distinct(len(members), 1+g.r.IntN(2), g.r.IntN) {
			g.strs = append(g.strs, members[k][0]+" "+members[k][1])
		}
		g.flow("authors", g.strs)
		g.raw("date", day(date))
		g.strs = g.strs[:0]
		for n := 1 + g.r.IntN(3); len(g.strs) < n; {
			var t string
			switch x := g.r.IntN(20); {
			case x < 3:
				t = g.goalID(g.r.IntN(o.Goals))
			case x < 13:
				t = g.objectiveID(g.r.IntN(o.Objectives))
			default:
				t = g.actionID(g.r.IntN(o.Actions))
			}
			if !slices.Contains(g.strs, t) {
				g.strs = append(g.strs, t)
			}
		}
		g.flow("targets", g.strs)
		g.tags(1 + g.r.IntN(3))
		g.raw("status", status)
		if status != "open" {
			g.answer(status, date)
		}
		g.endFrontMatter()
		g.proposalBody()
		g.writeDoc()
		if err := g.emit(folder + "/index.md"); err != nil {
			return err
		}
		for j := range o.FeedbackPerProposal {
			if err := g.feedback(folder, j, date); err != nil {
				return err
			}
		}
		if err := g.reactions(folder, int(g.proposalReactions[i]), false); err != nil {
			return err
		}
		if err := g.supports(folder, i); err != nil {
			return err
		}
	}
	return nil
}

// participants writes content/participants/<handle>.md for every participant.
func (g *generator) participants() error {
	kinds := []string{"citizen", "citizen", "citizen", "association", "company", "school", "university", "other"}
	for i := range g.o.Participants {
		g.frontMatter()
		g.str("name", "Partecipante "+strconv.Itoa(i+1))
		g.raw("kind", kinds[i%len(kinds)])
		g.str("municipality", "Reggio Emilia")
		g.raw("forge", "utente-"+strconv.Itoa(i+1))
		g.endFrontMatter()
		if err := g.emit("content/participants/" + g.participantID(i) + ".md"); err != nil {
			return err
		}
	}
	return nil
}

// supports writes the support files of proposal i: Supports spread evenly over the
// proposals, by distinct participants.
func (g *generator) supports(folder string, i int) error {
	o := g.o
	if o.Supports == 0 {
		return nil
	}
	n := o.Supports / o.Proposals
	if i < o.Supports%o.Proposals {
		n++
	}
	for j := range n {
		g.buf.Reset()
		if j%4 == 0 {
			g.str("comment", "Sostengo questa proposta.")
		}
		if err := g.emit(folder + "/supports/" + g.participantID((j+i*7919)%o.Participants) + ".yaml"); err != nil {
			return err
		}
	}
	return nil
}

// participantID is the handle of participant i.
func (g *generator) participantID(i int) string {
	return "p" + fmt.Sprintf("%0*d", width(g.o.Participants, 6), i+1)
}

// tags writes up to n distinct tags, popular ones more often.
func (g *generator) tags(n int) {
	if g.o.Tags == 0 {
		return
	}
	g.strs = g.strs[:0]
	for _, k := range g.distinct(g.o.Tags, n, g.skewed) {
		g.strs = append(g.strs, g.tag(k))
	}
	g.flow("tags", g.strs)
}

// answer writes the plan owner's answer, a few weeks after the proposal.
func (g *generator) answer(status string, date int) {
	var texts []string
	for _, a := range g.v.answers {
		if a[0] == status {
			texts = append(texts, a[1])
		}
	}
	text := strings.ReplaceAll(g.pick(texts), "{action}", g.actionID(g.r.IntN(g.o.Actions)))
	if g.r.IntN(2) == 0 {
		text += "\n\n" + g.sentence(g.v.proposal)
	}
	g.buf.WriteString("answer:\n")
	g.raw("  date", day(date+7+g.r.IntN(50)))
	g.literal("  text", "    ", text)
}

// proposalBody lays out a proposal like the real ones (context, proposal,
// expected benefits; a list, sometimes a table and a link) and grows it to
// 400-800 words.
func (g *generator) proposalBody() {
	v := g.v
	d := &g.doc
	d.reset()
	d.block("## Contesto")
	g.para(v.context)
	if g.r.IntN(5) < 3 {
		g.para(v.context)
	}
	d.block("## Proposta")
	g.para(v.proposal)
	d.block(g.list(3 + g.r.IntN(4)))
	if g.r.IntN(4) == 0 {
		d.block(g.table())
	}
	g.para(v.proposal)
	if g.r.IntN(10) < 3 {
		d.block("## Tempi e risorse")
		g.para(v.proposal)
	}
	d.block("## Benefici attesi")
	g.para(v.benefits)
	if g.r.IntN(2) == 0 {
		d.block(g.link())
	}
	g.fill(400, 800)
}

// feedback writes comment j on a proposal, by a random body, after its date.
func (g *generator) feedback(folder string, j, date int) error {
	v := g.v
	voter := g.r.IntN(g.o.Bodies)
	ft := v.feedbackTitles[g.r.IntN(len(v.feedbackTitles))]
	g.frontMatter()
	g.str("title", ft[1])
	g.raw("date", day(date+1+g.r.IntN(30)))
	g.raw("kind", ft[0])
	g.endFrontMatter()
	g.doc.reset()
	pool := v.proposal
	if ft[0] == "support" {
		pool = v.benefits
	}
	g.para(pool)
	g.fill(40, 120)
	g.writeDoc()
	return g.emit(folder + "/feedback/" + g.bodyID(voter) + "-" + slug(ft[1], 4) + "-" + strconv.Itoa(j+1) + ".md")
}

func (g *generator) practices() error {
	v := g.v
	o := g.o
	for i := range o.Practices {
		g.reseed(streamPractice, i)
		id := g.practiceID(i)
		folder := "content/practices/" + id
		kind := v.practiceKinds[i%len(v.practiceKinds)]
		body := g.skewed(o.Bodies)
		topic := g.pick(v.topics)
		var title string
		switch kind {
		case "strategic-plan":
			title = g.bodyName(body) + ": piano triennale per la transizione digitale"
		case "methodology":
			title = "Un metodo per " + topic
		case "experience":
			title = "Come abbiamo migliorato " + topic + " a " + g.place(body)
		case "software":
			title = g.pick(v.software) + ": software aperto per " + topic
		default:
			title = "Linee guida per " + topic
		}
		g.frontMatter()
		g.str("title", capitalize(title))
		g.raw("body", g.bodyID(body))
		g.raw("kind", kind)
		g.tags(g.r.IntN(4))
		g.flow("agid", g.agid(g.r.IntN(3)))
		if n := g.r.IntN(3); n > 0 {
			g.buf.WriteString("links:\n")
			for _, k := range g.distinct(len(v.links), n, g.r.IntN) {
				g.str("  - title", v.links[k][0])
				g.str("    url", v.links[k][1])
			}
		}
		g.raw("date", day(g.r.IntN(365)))
		g.endFrontMatter()
		d := &g.doc
		d.reset()
		d.block("## Descrizione")
		g.para(v.context)
		d.block("## Risultati")
		g.para(v.benefits)
		if g.r.IntN(2) == 0 {
			d.block(g.list(3))
		}
		d.block("## Come riusarla")
		g.para(v.proposal)
		g.fill(150, 400)
		g.writeDoc()
		if err := g.emit(folder + "/index.md"); err != nil {
			return err
		}
		if i%4 == 0 {
			if err := g.attachment(folder); err != nil {
				return err
			}
		}
	}
	return nil
}

// attachment writes a small CSV beside a practice, as real practices attach
// their data.
func (g *generator) attachment(folder string) error {
	g.buf.Reset()
	g.buf.WriteString("indicatore,unita,valore\n")
	for _, k := range g.distinct(len(g.v.indicators), 4, g.r.IntN) {
		ind := g.v.indicators[k]
		g.buf.WriteString(ind[0] + "," + ind[1] + "," + strconv.Itoa(g.r.IntN(500)) + "\n")
	}
	return g.emit(folder + "/indicatori.csv")
}
