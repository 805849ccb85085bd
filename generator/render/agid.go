package render

import (
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/agid"
)

// AgIDView is the edition of AgID's three-year plan read from the agid-plan source: the
// /agid/ index (Chapters) and, on an AgID objective's page, that objective (Objective).
// Its texts are AgID's, in Italian: TextLang is "it" on pages in other languages.
type AgIDView struct {
	Title    string // the edition's title, e.g. "Piano Triennale … 2024-2026"
	Edition  string // the branch read, e.g. 2024-2026
	Source   *SourceView
	Index    string // the link to /agid/
	Chapters []AgIDChapterView
	// Objectives, Results and Actions count the edition's; Serving counts the objectives
	// that the portal's (and federated) objectives serve.
	Objectives, Results, Actions, Serving int
	Objective                             *AgIDObjectiveView
}

// AgIDChapterView is a chapter of the plan, on the index.
type AgIDChapterView struct {
	Number     int
	Title      string
	Objectives []AgIDObjectiveCard
}

// AgIDObjectiveCard is an AgID objective in the index: how much of it there is, and how
// much of this portal serves it.
type AgIDObjectiveCard struct {
	Code, Title, URL string
	Results, Actions int
	Objectives       int // this portal's and federated objectives that name it
	Items            int // their actions and contributing actions
}

// AgIDObjectiveView is the page of one AgID objective.
type AgIDObjectiveView struct {
	Code, Title  string
	Chapter      int
	ChapterTitle string
	Results      []AgIDResultView
	// Institutional are the lines of action of AgID and the other institutions, with
	// their owners; ForPA the lines for the public administrations, with their addressees.
	Institutional, ForPA []AgIDActionView
	// Objectives are the plan's objectives (this portal's, then federated ones) that
	// name it in agid; Serving are their actions, and federated actions contributing to
	// them, as rows; Practices the good practices that name it.
	Objectives []AgIDServingObjective
	Serving    []AgIDServingAction
	Practices  []Link
	Prev, Next *Link // the objectives before and after it in the edition
}

// AgIDServingObjective is an objective of a plan that serves an AgID objective.
type AgIDServingObjective struct {
	Link
	Code    string // its official code, or ""
	Body    string // the body whose plan it is, for a federated plan's; "" for this portal's
	Actions int
}

// AgIDServingAction is an action that serves an AgID objective, as a table row.
type AgIDServingAction struct {
	Title, URL string
	Code       string // its official code, or ""
	Objective  Link
	Owner      Link
	Status     string // its status code (planned, in-progress, done, delayed, cancelled)
	Label      string // the status in the page's language
	Progress   int
	Due        time.Time
}

// AgIDResultView is an expected result with its targets.
type AgIDResultView struct {
	Code, Title string
	Targets     []agid.Target
}

// AgIDActionView is a line of action of AgID's plan, as written.
type AgIDActionView struct {
	Code, Text, Deadline string
	Owners               string // as written, joined with ", "
	Addressees           string // for the PAs' lines: as written ("Le PAL")
	PA, Done             bool
	Result               string // the result it is listed under, or ""
}

// AgIDRef is an AgID code an objective names, with the reference's title and page when
// the reference has it.
type AgIDRef struct {
	Code, Title, URL string
}

// agidURL is the page of an AgID objective.
func agidURL(code string) string { return "/agid/" + code + "/" }

// agidRefs resolves codes against the reference edition, for an objective's page.
func (r *renderer) agidRefs(codes []string) []AgIDRef {
	var out []AgIDRef
	for _, c := range codes {
		ref := AgIDRef{Code: c}
		if r.Site.AgID == nil {
			out = append(out, ref)
			continue
		}
		if o := r.Site.AgID.Objective(c); o != nil {
			ref.Code, ref.Title, ref.URL = o.Code, o.Title, r.link(agidURL(o.Code))
		}
		out = append(out, ref)
	}
	return out
}

// agidLang is the lang attribute of AgID's texts on this language's pages: "" in Italian.
func (r *renderer) agidLang() string {
	if r.lang == "it" {
		return ""
	}
	return "it"
}

func (r *renderer) agidView() *AgIDView {
	p := r.Site.AgID
	v := &AgIDView{Title: p.Title, Edition: p.From.Ref, Index: r.link("/agid/"), Objectives: len(p.Objectives), Results: p.Results, Actions: p.Actions}
	v.Source = &SourceView{Kind: p.From.Kind, URL: p.From.URL, Ref: p.From.Ref, Commit: p.From.Commit, Short: p.From.Commit[:min(10, len(p.From.Commit))], Stale: p.From.Stale}
	if strings.HasPrefix(p.From.URL, "https://") || strings.HasPrefix(p.From.URL, "http://") {
		v.Source.Link = p.From.URL
	}
	if v.Title == "" {
		v.Title = r.tr.T("agid.title")
	}
	return v
}

func (r *renderer) agidCrumbs() []Link {
	return []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.plan"), r.link("/plan/")}}
}

// agidPages are /agid/ and a page per AgID objective, when there is a reference.
func (r *renderer) agidPages() []task {
	p := r.Site.AgID
	if p == nil {
		return nil
	}
	var t []task
	add := func(kind, url string, make func() ([]byte, error)) {
		t = append(t, task{kind: kind, path: indexFile(r.prefix + url), url: r.prefix + url, make: make})
	}
	add("agid", "/agid/", r.agidIndexPage)
	for i, o := range p.Objectives {
		add("agid-objective", agidURL(o.Code), func() ([]byte, error) { return r.agidObjectivePage(i) })
	}
	return t
}

func (r *renderer) agidIndexPage() ([]byte, error) {
	p := r.Site.AgID
	v := r.agidView()
	for _, c := range p.Chapters {
		cv := AgIDChapterView{Number: c.Number, Title: c.Title}
		for _, o := range c.Objectives {
			card := AgIDObjectiveCard{Code: o.Code, Title: o.Title, URL: r.link(agidURL(o.Code)), Results: len(o.Results), Actions: len(o.Actions)}
			if sv := p.Serving[o.Code]; sv != nil {
				card.Objectives, card.Items = len(sv.Objectives), len(sv.Actions)
				if card.Objectives > 0 {
					v.Serving++
				}
			}
			cv.Objectives = append(cv.Objectives, card)
		}
		v.Chapters = append(v.Chapters, cv)
	}
	return r.page("agid", &Page{Title: v.Title, TextLang: "it", Description: r.tr.T("agid.intro"), URL: r.link("/agid/"), AgID: v, Breadcrumbs: r.agidCrumbs()})
}

func (r *renderer) agidObjectivePage(i int) ([]byte, error) {
	p := r.Site.AgID
	o := p.Objectives[i]
	v := r.agidView()
	ov := &AgIDObjectiveView{Code: o.Code, Title: o.Title, Chapter: o.Chapter}
	for _, c := range p.Chapters {
		if c.Number == o.Chapter {
			ov.ChapterTitle = c.Title
		}
	}
	if i > 0 {
		prev := p.Objectives[i-1]
		ov.Prev = &Link{prev.Code + " " + prev.Title, r.link(agidURL(prev.Code))}
	}
	if i+1 < len(p.Objectives) {
		next := p.Objectives[i+1]
		ov.Next = &Link{next.Code + " " + next.Title, r.link(agidURL(next.Code))}
	}
	for _, res := range o.Results {
		ov.Results = append(ov.Results, AgIDResultView{Code: res.Code, Title: res.Title, Targets: res.Targets})
	}
	for _, a := range o.Actions {
		av := AgIDActionView{Code: a.Code, Text: a.Text, Deadline: a.Deadline, Owners: strings.Join(a.Owners, ", "), Addressees: a.Addressees, PA: a.PA, Done: a.Done, Result: a.Result}
		if a.PA {
			ov.ForPA = append(ov.ForPA, av)
		} else {
			ov.Institutional = append(ov.Institutional, av)
		}
	}
	if sv := p.Serving[o.Code]; sv != nil {
		for _, so := range sv.Objectives {
			row := AgIDServingObjective{Link: r.itemLink(&so.Item), Code: so.Code, Actions: len(so.Actions)}
			if fp := r.federatedOf(&so.Item); fp != nil {
				row.Body = fp.Body.Name
			}
			ov.Objectives = append(ov.Objectives, row)
		}
		for _, a := range sv.Actions {
			row := AgIDServingAction{Title: r.title(&a.Item, a.Title), URL: r.link(a.URL()), Code: a.Code, Owner: r.bodyLink(a.OwnerBody, a.Owner), Status: a.Status, Label: r.tr.T("status." + a.Status), Progress: a.Progress, Due: a.Due}
			if a.ObjectiveItem != nil {
				row.Objective = r.itemLink(&a.ObjectiveItem.Item)
			}
			ov.Serving = append(ov.Serving, row)
		}
		for _, pr := range sv.Practices {
			ov.Practices = append(ov.Practices, r.itemLink(&pr.Item))
		}
	}
	v.Objective = ov
	crumbs := append(r.agidCrumbs(), Link{r.tr.T("menu.agid"), r.link("/agid/")})
	return r.page("agid-objective", &Page{Title: o.Code + " " + o.Title, TextLang: "it", Description: o.Title, URL: r.link(agidURL(o.Code)), AgID: v, Breadcrumbs: crumbs})
}

// agidJSON is api/v1/agid.json: the reference edition as read, and what serves each
// objective.
type agidJSON struct {
	Title    string            `json:"title"`
	Source   agidSourceJSON    `json:"source"`
	Chapters []agidChapterJSON `json:"chapters"`
}

type agidSourceJSON struct {
	URL    string `json:"url"`
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
	Stale  bool   `json:"stale"`
}

type agidChapterJSON struct {
	Number     int                 `json:"number"`
	Title      string              `json:"title"`
	Objectives []agidObjectiveJSON `json:"objectives"`
}

type agidObjectiveJSON struct {
	Code    string           `json:"code"`
	Title   string           `json:"title"`
	URL     string           `json:"url"`
	Results []agidResultJSON `json:"results"`
	Actions []agidActionJSON `json:"actions"`
	Serving agidServingJSON  `json:"serving"`
}

type agidResultJSON struct {
	Code    string           `json:"code"`
	Title   string           `json:"title"`
	Targets []agidTargetJSON `json:"targets"`
}

type agidTargetJSON struct {
	Label    string `json:"label"`
	Year     int    `json:"year"`
	Baseline bool   `json:"baseline"`
	Text     string `json:"text"`
}

type agidActionJSON struct {
	Code       string   `json:"code"`
	Text       string   `json:"text"`
	Deadline   string   `json:"deadline"`
	Year       int      `json:"year"`
	Month      int      `json:"month"`
	Since      bool     `json:"since"`
	Owners     []string `json:"owners"`
	Addressees string   `json:"addressees"`
	Kinds      []string `json:"kinds"`
	PA         bool     `json:"pa"`
	Done       bool     `json:"done"`
	Result     string   `json:"result"`
}

type agidServingJSON struct {
	Objectives []string `json:"objectives"`
	Actions    []string `json:"actions"`
	Practices  []string `json:"practices"`
}

func (r *renderer) agidJSON() agidJSON {
	p := r.Site.AgID
	out := agidJSON{Title: p.Title, Chapters: []agidChapterJSON{},
		Source: agidSourceJSON{URL: p.From.URL, Ref: p.From.Ref, Commit: p.From.Commit, Stale: p.From.Stale}}
	for _, c := range p.Chapters {
		cj := agidChapterJSON{Number: c.Number, Title: c.Title, Objectives: []agidObjectiveJSON{}}
		for _, o := range c.Objectives {
			oj := agidObjectiveJSON{Code: o.Code, Title: o.Title, URL: r.Config.AbsURL(agidURL(o.Code)), Results: []agidResultJSON{}, Actions: []agidActionJSON{},
				Serving: agidServingJSON{Objectives: []string{}, Actions: []string{}, Practices: []string{}}}
			for _, res := range o.Results {
				rj := agidResultJSON{Code: res.Code, Title: res.Title, Targets: []agidTargetJSON{}}
				for _, t := range res.Targets {
					rj.Targets = append(rj.Targets, agidTargetJSON{t.Label, t.Year, t.Baseline, t.Text})
				}
				oj.Results = append(oj.Results, rj)
			}
			for _, a := range o.Actions {
				oj.Actions = append(oj.Actions, agidActionJSON{Code: a.Code, Text: a.Text, Deadline: a.Deadline, Year: a.Year, Month: a.Month, Since: a.Since,
					Owners: nonNil(a.Owners), Addressees: a.Addressees, Kinds: nonNil(a.Kinds), PA: a.PA, Done: a.Done, Result: a.Result})
			}
			if sv := p.Serving[o.Code]; sv != nil {
				for _, so := range sv.Objectives {
					oj.Serving.Objectives = append(oj.Serving.Objectives, so.Key())
				}
				for _, a := range sv.Actions {
					oj.Serving.Actions = append(oj.Serving.Actions, a.Key())
				}
				for _, pr := range sv.Practices {
					oj.Serving.Practices = append(oj.Serving.Practices, pr.Key())
				}
			}
			cj.Objectives = append(cj.Objectives, oj)
		}
		out.Chapters = append(out.Chapters, cj)
	}
	return out
}
