package render_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/site"
)

// renderWith builds the model of sitetest.Minimal with overlay, lets edit change it, and
// renders it: the pages of amendments made by hand, whatever the loader reads.
func renderWith(t *testing.T, overlay string, edit func(s *site.Site)) map[string][]byte {
	t.Helper()
	fsys := sitetest.Site(sitetest.Minimal, overlay)
	res, chain := inspect(t, fsys)
	edit(res.Site)
	out := output.NewMem()
	if err := render.Render(render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test"}, out); err != nil {
		t.Fatal(err)
	}
	return out.Files()
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// amend adds an amendment by body to the plan item it, as the loader and the trust stage
// leave it.
func amend(s *site.Site, it *site.Item, body, slug string, a site.Amendment) *site.Amendment {
	a.Voter, a.Slug, a.ItemKey, a.On, a.VoterBody = body, slug, it.Key(), it, s.ByBody[body]
	a.File = it.Dir + "/amendments/" + body + "-" + slug + ".md"
	if a.Reason == "" {
		a.Reason = "Una ragione."
	}
	if a.Status == "" {
		a.Status = a.State
	}
	a.Counted = a.Verdict.Reason == ""
	it.Amendments = append(it.Amendments, &a)
	s.Amendments = append(s.Amendments, &a)
	return &a
}

func contains(t *testing.T, files map[string][]byte, name string, checks ...string) {
	t.Helper()
	data, ok := files[name]
	if !ok {
		t.Fatalf("no %s in the output", name)
	}
	s := string(data)
	for _, c := range checks {
		if neg, ok := strings.CutPrefix(c, "! "); ok {
			if strings.Contains(s, neg) {
				t.Errorf("%s contains %q, which it must not", name, neg)
			}
		} else if !strings.Contains(s, c) {
			t.Errorf("%s does not contain %q", name, c)
		}
	}
}

// section is the amendment with the anchor id on the page, up to the next one.
func section(t *testing.T, files map[string][]byte, name, id string) string {
	t.Helper()
	s := string(files[name])
	i := strings.Index(s, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("%s has no element with id %q", name, id)
	}
	s = s[i:]
	if j := strings.Index(s[1:], `<article class="amendment`); j >= 0 {
		s = s[:j+1]
	}
	return s
}

// fiveAmendments adds to the action a1 an amendment in each state, as the loader and
// the trust stage leave them: open (with votes), rejected, accepted, withdrawn (not
// counted) and superseded.
func fiveAmendments(s *site.Site) {
	a1 := &s.Action("a1").Item
	open := amend(s, a1, "c_h223", "tempi", site.Amendment{Title: "Azione uno estesa", Reason: "Servono più comuni coinvolti.", Date: day("2025-03-01"),
		Fields: []site.AmendedField{{Name: "due", Value: "2026-06-30"}}, Text: "Testo dell'azione, estesa a tutti i comuni.\n"})
	vote := func(r *site.Reaction, voter, v string) *site.Reaction {
		r.SetNames(voter, "")
		r.SetVote(v)
		return r
	}
	open.Reactions = []*site.Reaction{vote(&site.Reaction{VoterBody: s.ByBody["c_h223"], Verdict: &site.Verdict{Counted: true}}, "c_h223", site.VoteSupport),
		vote(&site.Reaction{Verdict: &site.Verdict{Reason: site.ReasonUnknownVoter, Detail: "no body x_y"}}, "x_y", site.VoteOppose)}
	open.Tally = site.Tally{Support: 1}
	amend(s, a1, "c_h223", "respinta", site.Amendment{State: site.AmendmentRejected, Reason: "Un altro titolo.", Date: day("2025-03-02"), Title: "Azione diversa",
		Answer: site.Answer{Date: day("2025-04-01"), Text: "Il titolo resta: *coerente* con il piano."}})
	amend(s, a1, "c_h223", "accolta", site.Amendment{State: site.AmendmentAccepted, Reason: "Testo più chiaro.", Date: day("2025-01-10"),
		Text: "Testo dell'azione.\n", Answer: site.Answer{Date: day("2025-02-01"), Text: "Accolta."}})
	amend(s, a1, "c_h223", "ritirata", site.Amendment{State: site.AmendmentWithdrawn, Reason: "Ci abbiamo ripensato.", Date: day("2025-03-03"), Title: "Azione ritirata",
		Verdict: site.Verdict{Reason: site.ReasonNotMember, Detail: "the author is not a member of c_h223"}, Origin: &site.Origin{Landed: day("2025-03-04")}})
	sup := amend(s, a1, "c_h223", "superata", site.Amendment{State: site.AmendmentOpen, Status: site.AmendmentSuperseded, Reason: "Prima del cambiamento.", Date: day("2025-02-15"),
		Text: "Un testo tutto nuovo.\n"})
	sup.SupersededBy = &site.Change{File: a1.File, Commit: "0123456789abcdef", AuthorName: "Anna Rossi", Landed: day("2025-03-20")}
}

func TestItemPageShowsEachAmendmentAsAWordDiffAgainstTheCurrentText(t *testing.T) {
	files := renderWith(t, "-- pspm.yaml --\nforge: {kind: github, url: \"https://github.com/mef/piano\"}\n", fiveAmendments)
	page := "plan/actions/a1/index.html"
	contains(t, files, page, `<section class="amendments" aria-labelledby="h-amendments">`, `<h2 id="h-amendments">Emendamenti</h2>`)

	open := section(t, files, page, "amendment-c_h223-tempi")
	for _, want := range []string{`<h3>Emendamento di Comune di Reggio Emilia</h3>`, `<span class="badge status-open">Aperto</span>`, `<time datetime="2025-03-01">1 marzo 2025</time>`,
		"Servono più comuni coinvolti.", "Confronto con il testo attuale", `<a href="/bodies/c_h223/">Comune di Reggio Emilia</a>`,
		// the title word by word, the due date as before and after, the text word by word
		`<ins><span class="visually-hidden">[aggiunto:] </span>`, `estesa`,
		`<del>31 dicembre 2025</del>`, `<ins>30 giugno 2026</ins>`,
		`Testo dell&#39;azione<ins>`, `tutti i comuni`,
		// its votes, with their verdicts
		`<span class="not-counted">No: ente non registrato</span>`, "no body x_y", "1 favorevole",
		// the buttons that vote on it
		`href="https://github.com/mef/piano/new/main/content/plan/actions/a1/amendments/c_h223-tempi/reactions?filename=codice_ente.yaml&amp;value=vote%3A&#43;support%0A"`,
		`href="https://github.com/mef/piano/new/main/content/plan/actions/a1/amendments/c_h223-tempi/reactions?filename=codice_ente.yaml&amp;value=vote%3A&#43;oppose%0A"`,
	} {
		if !strings.Contains(open, want) {
			t.Errorf("the open amendment does not contain %q:\n%s", want, open)
		}
	}

	rejected := section(t, files, page, "amendment-c_h223-respinta")
	for _, want := range []string{`<span class="badge status-rejected">Respinto</span>`, "Risposta dei titolari", `<em>coerente</em>`, `<time datetime="2025-04-01">`, "<del>", "<ins>"} {
		if !strings.Contains(rejected, want) {
			t.Errorf("the rejected amendment does not contain %q:\n%s", want, rejected)
		}
	}
	if strings.Contains(rejected, "codice_ente.yaml") {
		t.Error("a rejected amendment offers to vote on it")
	}

	accepted := section(t, files, page, "amendment-c_h223-accolta")
	for _, want := range []string{`<span class="badge status-accepted">Accolto</span>`, "i titolari hanno applicato alla voce il testo proposto", "Testo dell&#39;azione."} {
		if !strings.Contains(accepted, want) {
			t.Errorf("the accepted amendment does not contain %q:\n%s", want, accepted)
		}
	}

	withdrawn := section(t, files, page, "amendment-c_h223-ritirata")
	for _, want := range []string{`<span class="badge status-withdrawn">Ritirato</span>`, "Questo emendamento non parla a nome dell&#39;ente", "the author is not a member of c_h223"} {
		if !strings.Contains(withdrawn, want) {
			t.Errorf("the withdrawn amendment does not contain %q:\n%s", want, withdrawn)
		}
	}

	contains(t, files, page, `<article class="amendment amendment-withdrawn not-counted" id="amendment-c_h223-ritirata">`)

	superseded := section(t, files, page, "amendment-c_h223-superata")
	for _, want := range []string{`<span class="badge status-superseded">Superato</span>`, "La voce è cambiata il 20 marzo 2025", `href="https://github.com/mef/piano/commit/0123456789abcdef"`, "<code>0123456789</code>", "<ins>", "Un testo tutto nuovo"} {
		if !strings.Contains(superseded, want) {
			t.Errorf("the superseded amendment does not contain %q:\n%s", want, superseded)
		}
	}

	contains(t, files, "en/plan/actions/a1/index.html", `<h2 id="h-amendments">Amendments</h2>`, `<span class="badge status-superseded">Superseded</span>`, "The item changed on 20 March 2025",
		`<div class="text-diff" lang="it">`)
}

func TestProposeAChangeOpensAnAmendmentForNonOwnersAndTheEditForOwners(t *testing.T) {
	const result = "-- content/plan/results/r1/index.md --\n---\ntitle: Risultato uno\nobjective: o1\n---\nIl risultato.\n"
	const file = "---%0Atitle%3A&#43;%22Azione&#43;uno%22%0Areason%3A&#43;%22Spiegate&#43;perch%C3%A9&#43;proponete&#43;la&#43;modifica%22%0Adate%3A&#43;AAAA-MM-GG%0A"
	const text = "%0A---%0ATesto&#43;dell%27azione.%0A"
	for _, c := range []struct{ kind, amend, end, edit string }{
		{"github", `href="https://github.com/mef/piano/new/main/content/plan/actions/a1/amendments?filename=codice_ente-modifica.md&amp;value=` + file, text + `">Proponi una modifica</a>`,
			`href="https://github.com/mef/piano/edit/main/content/plan/actions/a1.md"`},
		{"gitlab", `href="https://github.com/mef/piano/-/new/main/content/plan/actions/a1/amendments?content=` + file, text + `&amp;file_name=codice_ente-modifica.md">Proponi una modifica</a>`,
			`href="https://github.com/mef/piano/-/edit/main/content/plan/actions/a1.md"`},
		{"gitea", `href="https://github.com/mef/piano/_new/main/content/plan/actions/a1/amendments/?filename=codice_ente-modifica.md&amp;value=` + file, text + `">Proponi una modifica</a>`,
			`href="https://github.com/mef/piano/_edit/main/content/plan/actions/a1.md"`},
	} {
		t.Run(c.kind, func(t *testing.T) {
			files := renderWith(t, "-- pspm.yaml --\nforge: {kind: "+c.kind+", url: \"https://github.com/mef/piano\"}\n"+result, func(*site.Site) {})
			contains(t, files, "plan/actions/a1/index.html", c.amend, c.end, c.edit+`>Modifica (titolari)</a>`, "«Proponi una modifica» apre un emendamento")
			contains(t, files, "en/plan/actions/a1/index.html", ">Propose a change</a>", ">Edit (owners)</a>", "codice_ente-change.md")
			// Every plan kind, a bundle too: the amendments folder sits beside index.md.
			contains(t, files, "plan/goals/g1/index.html", "content/plan/goals/g1/amendments", "codice_ente-modifica.md", ">Modifica (titolari)</a>")
			contains(t, files, "plan/objectives/o1/index.html", "content/plan/objectives/o1/amendments", ">Modifica (titolari)</a>")
			contains(t, files, "plan/results/r1/index.html", "content/plan/results/r1/amendments", "%0AIl&#43;risultato.%0A", "content/plan/results/r1/index.md\">Modifica (titolari)</a>")
			// A proposal is not amended: its edit stays the proposing body's change.
			contains(t, files, "proposals/p1/index.html", ">Proponi una modifica</a>", "! amendments", "! Modifica (titolari)")
		})
	}
}

func TestProposeAChangeOfALongTextPointsToTheFileWithinTheForgesURLLimit(t *testing.T) {
	long := strings.Repeat("Una frase lunga dell'azione, con parole accentate: città, perché, attività. ", 200)
	files := renderWith(t, "-- pspm.yaml --\nforge: {kind: github, url: \"https://github.com/mef/piano\"}\n-- content/plan/actions/a1.md --\n---\ntitle: Azione uno\nobjective: o1\n---\n"+long+"\n", func(*site.Site) {})
	page := string(files["plan/actions/a1/index.html"])
	i := strings.Index(page, "/amendments?")
	if i < 0 {
		t.Fatal("no propose-a-change link")
	}
	link := page[strings.LastIndex(page[:i], `href="`)+len(`href="`):]
	link = link[:strings.IndexByte(link, '"')]
	if len(link) > 8000 {
		t.Errorf("the link is %d bytes, over GitHub's limit", len(link))
	}
	for _, want := range []string{"title%3A&#43;%22Azione&#43;uno%22", "content%2Fplan%2Factions%2Fa1.md"} {
		if !strings.Contains(link, want) {
			t.Errorf("the link does not contain %q: %s", want, link)
		}
	}
}

func TestFeedsCarryEachAmendmentWhenProposedAndWhenItsStateChanged(t *testing.T) {
	files := renderWith(t, "", fiveAmendments)
	contains(t, files, "index.xml",
		"<title>Azione uno — emendamento di Comune di Reggio Emilia</title>",
		`<link rel="alternate" href="/plan/actions/a1/#amendment-c_h223-tempi"></link>`,
		"<summary>Servono più comuni coinvolti.</summary>",
		"<title>Azione uno — emendamento di Comune di Reggio Emilia: Respinto</title>",
		"<id>/plan/actions/a1/#amendment-c_h223-respinta-rejected</id>",
		"<updated>2025-04-01T00:00:00Z</updated>",
		"<title>Azione uno — emendamento di Comune di Reggio Emilia: Accolto</title>",
		// withdrawn when the commit that withdrew it landed, superseded when the item changed
		"<title>Azione uno — emendamento di Comune di Reggio Emilia: Ritirato</title>", "<updated>2025-03-04T00:00:00Z</updated>",
		"<title>Azione uno — emendamento di Comune di Reggio Emilia: Superato</title>", "<updated>2025-03-20T00:00:00Z</updated>", "<name>Anna Rossi</name>")
	contains(t, files, "en/index.xml", "<title>Azione uno — amendment by Comune di Reggio Emilia: Rejected</title>")
	contains(t, files, "bodies/c_h223/index.xml", "<title>Azione uno — emendamento di Comune di Reggio Emilia</title>")
	contains(t, files, "bodies/m_ef/index.xml", "! emendamento")
}
