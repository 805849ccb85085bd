package render

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

func (r *renderer) siteView() *SiteView {
	s, c := r.Site, r.Config
	title, titleLang := c.Title, ""
	if title == "" {
		title = s.Plan.Title
		if tr := s.Plan.Translations[r.lang]; tr != nil && tr.Title != "" {
			title = tr.Title
		} else if title != "" && r.lang != c.Languages[0] {
			titleLang = c.Languages[0] // the plan's title, not translated into the page's language
		}
	}
	if title == "" {
		title = "pspm"
	}
	v := &SiteView{
		Title:       title,
		TitleLang:   titleLang,
		Description: c.Description,
		Lang:        r.lang,
		BaseURL:     c.BaseURL,
		Labels:      Labels{c.Plan.Labels.Goals, c.Plan.Labels.Objectives, c.Plan.Labels.Actions},
		Generator:   "pspm " + r.Version,
	}
	if c.Brand.Logo != "" {
		v.Logo = r.asset(c.Brand.Logo)
	}
	if c.Brand.Color != "" {
		v.BrandCSS = r.asset("/css/brand.css")
	}
	planTitle, planLang := s.Plan.Title, ""
	if tr := s.Plan.Translations[r.lang]; tr != nil && tr.Title != "" {
		planTitle = tr.Title
	} else if r.lang != c.Languages[0] {
		planLang = c.Languages[0]
	}
	v.Plan = PlanSummary{Title: planTitle, TitleLang: planLang, Period: s.Plan.Period}
	if b := s.Plan.OwnerBody; b != nil {
		v.Plan.Owner = Link{b.Name, r.link(b.URL())}
	}
	var phaseNames []string // the phases' names in the page's language
	if tr := s.Plan.Translations[r.lang]; tr != nil {
		phaseNames = tr.Phases
	}
	for i, ph := range s.Plan.Phases {
		pv := PhaseView{Name: ph.Name, From: ph.From, To: ph.To, Opens: ph.Opens, State: phaseState(ph, s.Built)}
		if i < len(phaseNames) && phaseNames[i] != "" {
			pv.Name = phaseNames[i]
		}
		v.Plan.Phases = append(v.Plan.Phases, pv)
	}
	v.Plan.TodayAt = len(v.Plan.Phases)
	for i := range v.Plan.Phases {
		if v.Plan.Phases[i].State == "current" && v.Plan.Current == nil {
			v.Plan.Current = &v.Plan.Phases[i]
		}
		if v.Plan.Phases[i].State == "future" && v.Plan.TodayAt == len(v.Plan.Phases) {
			v.Plan.TodayAt = i
		}
	}
	v.Menu = []Link{
		{r.tr.T("menu.plan"), r.link("/plan/")},
		{r.tr.T("menu.monitoring"), r.link("/monitoring/")},
		{r.tr.T("menu.proposals"), r.link("/proposals/")},
		{r.tr.T("menu.practices"), r.link("/practices/")},
		{r.tr.T("menu.bodies"), r.link("/bodies/")},
		{r.tr.T("menu.tags"), r.link("/tags/")},
	}
	if hasCommunity(s) {
		v.Menu = append(v.Menu[:5:5], append([]Link{{r.tr.T("menu.participants"), r.link("/" + string(site.Participants) + "/")}}, v.Menu[5:]...)...)
	}
	v.OpenData = r.link(openDataPath)
	if len(r.Site.Moderations) > 0 || r.Site.ModerationRules != nil {
		v.Moderation = r.link("/moderation/")
	}
	v.License = Link{c.License.Name, c.License.URL}
	if s.AgID != nil { // AgID's plan, the reference of the objectives' agid codes
		v.Menu = append(v.Menu[:2:2], append([]Link{{r.tr.T("menu.agid"), r.link("/agid/")}}, v.Menu[2:]...)...)
	}
	return v
}

// phaseState places a phase relative to the build date: past, current or future.
func phaseState(ph site.Phase, now time.Time) string {
	switch {
	case now.IsZero():
		return "future"
	case now.Before(ph.From):
		return "future"
	case now.After(ph.To.Add(24*time.Hour - time.Nanosecond)):
		return "past"
	}
	return "current"
}

// cardSet makes the card of an item (a proposal, practice or plan item, the portal's own
// or a federated one) the first time a view asks for it, in its renderer's language: pspm
// serve lists every page again after each edit but renders only the few a browser asks
// for, and a build makes each card once however many lists show it.
type cardSet struct {
	at    map[*site.Item]int32 // an item's slot
	srcs  []cardSource         // what each slot's card is made of
	slots []cardSlot
}

// cardSource is the item a card is made of: a proposal, a practice, or a plan item of
// a kind.
type cardSource struct {
	prop *site.Proposal
	prac *site.Practice
	kind *site.Kind
	plan site.PlanItem
}

// cardSlot is where one item's card is made, once, and its input digest (listKey).
type cardSlot struct {
	once sync.Once
	card *Card

	inputOnce sync.Once
	input     Fingerprint
	inputOK   bool
}

// allCards lists every item that has a card, without making any.
func (r *renderer) allCards() *cardSet {
	s := r.Site
	n := len(s.Proposals) + len(s.Practices) + len(s.Goals) + len(s.Objectives) + len(s.Results) + len(s.Actions)
	cs := &cardSet{at: make(map[*site.Item]int32, n), srcs: make([]cardSource, 0, n)}
	add := func(it *site.Item, src cardSource) {
		if i, dup := cs.at[it]; dup {
			cs.srcs[i] = src
			return
		}
		cs.at[it] = int32(len(cs.srcs))
		cs.srcs = append(cs.srcs, src)
	}
	for _, p := range s.Proposals {
		add(&p.Item, cardSource{prop: p})
	}
	for _, p := range s.Practices {
		add(&p.Item, cardSource{prac: p})
	}
	for _, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			add(p.Base(), cardSource{kind: k, plan: p})
		}
	}
	for _, fp := range s.Federated {
		for _, g := range fp.Goals {
			add(&g.Item, cardSource{kind: site.KindOf(site.Goals), plan: g})
		}
		for _, o := range fp.Objectives {
			add(&o.Item, cardSource{kind: site.KindOf(site.Objectives), plan: o})
		}
		for _, a := range fp.Actions {
			add(&a.Item, cardSource{kind: site.KindOf(site.Actions), plan: a})
		}
	}
	cs.slots = make([]cardSlot, len(cs.srcs))
	return cs
}

// card is the card of it in the page language, rendered by the theme's "card" template
// when it has one, or nil when it has no card. Safe for concurrent use. A card the
// template fails on has no HTML, and every page rendered after that fails (cardFailed).
func (r *renderer) card(it *site.Item) *Card {
	i, ok := r.cards.at[it]
	if !ok {
		return nil
	}
	sl := &r.cards.slots[i]
	sl.once.Do(func() { sl.card = r.cardOf(r.cards.srcs[i]) })
	return sl.card
}

// cardOf makes the card of src with its HTML or, in a build that fingerprints its pages
// before rendering them, with what makes its HTML when a page asks for it.
func (r *renderer) cardOf(src cardSource) *Card {
	c := r.makeCard(src)
	if r.deferring() {
		c.later = &cardLater{r: r}
	} else {
		r.cardHTML(c)
	}
	return c
}

// cardHTML renders the HTML of the card c by the theme's "card" template, when it has one.
func (r *renderer) cardHTML(c *Card) {
	if t := r.tmpl["home"]; t != nil && t.Lookup("card") != nil { // a theme without a card template renders its lists its own way
		cp := *c
		cp.later = nil // a card template that shows .HTML sees it empty, and does not wait for itself
		h, pack, err := r.renderCard(t, &cp)
		if err != nil {
			r.cardErr.CompareAndSwap(nil, &err)
		}
		c.html, c.pack = h, pack
	}
}

// cardCopy is a copy of the card of it, with its HTML, for a view that embeds it.
func (r *renderer) cardCopy(it *site.Item) Card {
	c := r.card(it)
	c.HTML() // made before the copy, which has nothing left to make
	cp := *c
	cp.later = nil
	return cp
}

// makeCard makes the card of src, without its HTML.
func (r *renderer) makeCard(src cardSource) *Card {
	var c *Card
	switch {
	case src.prop != nil:
		c = r.proposalCard(src.prop)
	case src.prac != nil:
		c = r.practiceCard(src.prac)
	default:
		c = r.planCard(src.kind, src.plan)
	}
	return c
}

// cardFailed is the first error of the card template, if any.
func (r *renderer) cardFailed() error {
	if err := r.cardErr.Load(); err != nil {
		return fmt.Errorf("template card: %w", *err)
	}
	return r.cardPack.failed()
}

// planCard is the card of a plan item of kind k: what every kind shows, and its own fields.
func (r *renderer) planCard(k *site.Kind, p site.PlanItem) *Card {
	it := p.Base()
	code, title := r.headingOf(cardSource{kind: k, plan: p})
	c := &Card{Kind: k.Name, Title: title, Code: code, URL: r.link(it.URL()), Summary: r.html[it].Summary, Tally: r.tally(it.Tally)}
	switch p := p.(type) {
	case *site.Goal:
		c.Progress = p.Progress.Percent
	case *site.Objective:
		c.Progress = p.Progress.Percent
	case *site.Result:
		if len(p.Owners) > 0 {
			c.Body = r.bodyLink(r.Site.ByBody[p.Owner], p.Owner)
		}
	case *site.Action:
		c.Status, c.Label, c.Body, c.Date, c.Progress = p.Status, r.tr.T("status."+p.Status), r.bodyLink(p.OwnerBody, p.Owner), p.Due, p.Progress
	}
	return c
}

func (r *renderer) proposalCard(p *site.Proposal) *Card {
	by := r.bodyLink(p.BodyItem, p.Body)
	if p.Participant != "" {
		by = r.participantLink(p.ParticipantItem, p.Participant)
	}
	_, title := r.headingOf(cardSource{prop: p})
	return &Card{Kind: "proposal", Title: title, URL: r.link(p.URL()), Status: p.Status, Label: r.tr.T("status." + p.Status),
		Body: by, Date: p.Date, Summary: r.html[&p.Item].Summary,
		Tags: r.cardTagLinks(p.Tags), MoreTags: max(0, len(p.Tags)-cardTags), Tally: r.tally(p.Tally),
		Supports: p.Backing, Threshold: r.thresholdText(p)}
}

func (r *renderer) practiceCard(p *site.Practice) *Card {
	_, title := r.headingOf(cardSource{prac: p})
	return &Card{Kind: "practice", Title: title, URL: r.link(p.URL()), Status: p.Kind, Label: r.tr.T("kind." + p.Kind),
		Body: r.bodyLink(p.BodyItem, p.Body), Date: p.Date, Summary: r.html[&p.Item].Summary,
		Tags: r.cardTagLinks(p.Tags), MoreTags: max(0, len(p.Tags)-cardTags), Tally: r.tally(p.Tally)}
}

func (r *renderer) bodyLink(b *site.Body, id string) Link {
	if b == nil {
		return Link{Title: id}
	}
	if r.Site.ByBody[b.ID] != b { // a body of another portal, which this one has no page for
		return Link{Title: b.Name}
	}
	return Link{b.Name, r.link(b.URL())}
}

// cardTags is how many tags a card shows: a card is repeated on the page of each of its
// tags, so the tags it shows must not grow with the item's tags (its page shows them all).
const cardTags = 10

// cardTagLinks links the first cardTags tags, for a card.
func (r *renderer) cardTagLinks(tags []string) []Link {
	return r.tagLinks(tags[:min(len(tags), cardTags)])
}

func (r *renderer) tagLinks(tags []string) []Link {
	out := make([]Link, len(tags))
	for i, t := range tags {
		out[i] = Link{t, r.tagLink(t)}
	}
	return out
}

// tagLink is the link to the page of tag t, made once per tag: thousands of cards
// share a few tags.
func (r *renderer) tagLink(t string) string {
	if l, ok := r.tagURLs.Load(t); ok {
		return l.(string)
	}
	l := r.link("/tags/" + site.Slug(t) + "/")
	r.tagURLs.Store(t, l)
	return l
}

// codeTitle is a plan item's title as a link names it: its official code, when it has
// one, before its title.
func codeTitle(code, title string) string {
	if code == "" {
		return title
	}
	return code + " " + title
}

// itemLink links an item by its card's code and title, without making its card (a
// body's page links every proposal it voted on).
func (r *renderer) itemLink(it *site.Item) Link {
	i, ok := r.cards.at[it]
	if !ok {
		return Link{it.ID, r.link(it.URL())}
	}
	return Link{codeTitle(r.headingOf(r.cards.srcs[i])), r.link(it.URL())}
}

// headingOf is the code (a plan item's official code, or "") and the title in the page
// language that the card of src shows, and a link to its item.
func (r *renderer) headingOf(src cardSource) (code, title string) {
	switch {
	case src.prop != nil:
		return "", r.title(&src.prop.Item, src.prop.Title)
	case src.prac != nil:
		return "", r.title(&src.prac.Item, src.prac.Title)
	}
	return src.plan.OfficialCode(), r.title(src.plan.Base(), src.plan.Heading())
}

// pages lists every HTML page of the portal.
func (r *renderer) pages() []task {
	s := r.Site
	// Room for the pages and the feeds (about one per item, and the lists' pages), which
	// prepareViews appends: 32,000 tasks at 10,000 proposals, listed after each edit.
	items := len(s.Proposals) + len(s.Practices) + len(s.Goals) + len(s.Objectives) + len(s.Results) + len(s.Actions)
	t := make([]task, 0, 2*items+4*items/max(1, r.Config.Paginate)+len(s.Bodies)+len(s.Tags)+256)
	add := func(kind, url string, date time.Time, make func() ([]byte, error)) {
		url = r.prefix + url
		t = append(t, task{kind: kind, path: indexFile(url), url: url, date: date, make: make})
	}
	add("home", "/", s.Built, r.homePage)
	t = append(t, r.versionPages()...)
	for _, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			add(k.Name, p.Base().URL(), time.Time{}, func() ([]byte, error) { return r.planItemPage(p) })
		}
	}
	for _, fp := range s.Federated {
		add("federated-plan", fp.URL(), time.Time{}, func() ([]byte, error) { return r.federatedPlanPage(fp) })
		for _, g := range fp.Goals {
			add("goal", g.URL(), time.Time{}, func() ([]byte, error) { return r.goalPage(g) })
		}
		for _, o := range fp.Objectives {
			add("objective", o.URL(), time.Time{}, func() ([]byte, error) { return r.objectivePage(o) })
		}
		for _, a := range fp.Actions {
			add("action", a.URL(), time.Time{}, func() ([]byte, error) { return r.actionPage(a) })
		}
	}
	keyed := func(it *site.Item, root any) { r.keyed(&t[len(t)-1], "page", it, root) }
	addProposal := func(p *site.Proposal) {
		r.expectText(&p.Item)
		add("proposal", p.URL(), later(p.Date, p.Answer.Date), func() ([]byte, error) { return r.proposalPage(p) })
		keyed(&p.Item, p)
	}
	addPractice := func(p *site.Practice) {
		r.expectText(&p.Item)
		add("practice", p.URL(), p.Date, func() ([]byte, error) { return r.practicePage(p) })
		keyed(&p.Item, p)
	}
	// On a large site each body's proposals and practices are rendered just before the
	// body's pages and feed (bodyGroups), the others where a smaller site lists them.
	var grouped *bodyGroups
	if r.groupsBodies() {
		grouped = newBodyGroups(s)
	} else {
		for _, p := range s.Proposals {
			addProposal(p)
		}
		for _, p := range s.Practices {
			addPractice(p)
		}
	}
	for _, p := range s.HiddenProposals {
		add("moderated", p.URL(), p.Hidden.Date, func() ([]byte, error) { return r.hiddenItemPage(&p.Item, "menu.proposals", "/proposals/") })
	}
	for _, p := range s.HiddenPractices {
		add("moderated", p.URL(), p.Hidden.Date, func() ([]byte, error) { return r.hiddenItemPage(&p.Item, "menu.practices", "/practices/") })
	}
	if len(s.Moderations) > 0 || s.ModerationRules != nil {
		add("moderation", "/moderation/", time.Time{}, r.moderationPage)
	}
	add("bodies", "/bodies/", time.Time{}, r.bodiesPage)
	t = append(t, r.participantPages()...)
	sizes := r.actionRowSizes()
	for _, b := range s.Bodies {
		if grouped != nil {
			grouped.each(b, addProposal, addPractice)
		}
		t = append(t, r.bodyPages(b, sizes)...)
	}
	if grouped != nil {
		grouped.rest(s, addProposal, addPractice)
	}
	add("tags", "/tags/", time.Time{}, r.tagsPage)
	t = append(t, r.agidPages()...)
	add("search", "/search/", time.Time{}, r.searchPage)
	add("opendata", openDataPath, s.Built, r.openDataPage)
	t = append(t, r.listPages()...)
	t = append(t, task{kind: "404", path: strings.TrimPrefix(r.prefix+"/404.html", "/"), make: func() ([]byte, error) {
		return r.page("404", &Page{Title: r.tr.T("404.title"), URL: r.link("/404.html")})
	}})
	return t
}

// indexFile is the file that serves a pretty URL: /a/b/ -> a/b/index.html.
func indexFile(url string) string {
	if c := path.Clean(url); len(url) == len(c)+1 && url[len(url)-1] == '/' && url[:len(c)] == c && c != "/" {
		return url[1:] + "index.html" // clean already: one string, not Join's two
	}
	return path.Join(url[1:], "index.html")
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// listPages paginates the lists of proposals and practices, by status, kind, body and tag.
func (r *renderer) listPages() []task {
	s := r.Site
	var out []task
	propItems := func(ps []*site.Proposal) []*site.Item {
		c := make([]*site.Item, len(ps))
		for i, p := range ps {
			c[i] = &p.Item
		}
		return c
	}
	pracItems := func(ps []*site.Practice) []*site.Item {
		c := make([]*site.Item, len(ps))
		for i, p := range ps {
			c[i] = &p.Item
		}
		return c
	}

	// Proposals: all, by status, by body.
	var propFilters []Filter
	byStatus := map[string][]*site.Proposal{}
	for _, p := range s.Proposals {
		byStatus[p.Status] = append(byStatus[p.Status], p)
	}
	for _, st := range site.ProposalStatuses {
		if n := len(byStatus[st]); n > 0 {
			propFilters = append(propFilters, Filter{Group: "status", Key: st, Title: r.tr.T("status." + st), URL: r.link("/proposals/status/" + st + "/"), Count: n})
		}
	}
	var propBodies []*site.Body
	for _, b := range s.Bodies {
		if len(b.Proposals) > 0 {
			propBodies = append(propBodies, b)
			propFilters = append(propFilters, Filter{Group: "body", Key: b.ID, Title: b.Name, URL: r.link("/proposals/body/" + b.ID + "/"), Count: len(b.Proposals)})
		}
	}
	crumbs := []Link{{r.tr.T("menu.home"), r.link("/")}}
	propCrumbs := append(crumbs, Link{r.tr.T("menu.proposals"), r.link("/proposals/")})
	out = append(out, r.paginate("proposals", "/proposals/", r.tr.T("proposals.title"), r.tr.T("proposals.intro"), crumbs, propItems(s.Proposals), propFilters, "/proposals/index.xml")...)
	for _, st := range site.ProposalStatuses {
		if ps := byStatus[st]; len(ps) > 0 {
			url := "/proposals/status/" + st + "/"
			out = append(out, r.paginate("proposals", url, r.tr.T("proposals.by_status", r.tr.T("status."+st)), "", propCrumbs, propItems(ps), active(propFilters, r.link(url)), "")...)
		}
	}
	for _, b := range propBodies {
		url := "/proposals/body/" + b.ID + "/"
		out = append(out, r.paginate("proposals", url, r.tr.T("proposals.by_body", b.Name), "", propCrumbs, propItems(b.Proposals), active(propFilters, r.link(url)), "")...)
	}

	// Practices: all, by kind, by body.
	var pracFilters []Filter
	byKind := map[string][]*site.Practice{}
	for _, p := range s.Practices {
		byKind[p.Kind] = append(byKind[p.Kind], p)
	}
	for _, k := range site.PracticeKinds {
		if n := len(byKind[k]); n > 0 {
			pracFilters = append(pracFilters, Filter{Group: "kind", Key: k, Title: r.tr.T("kind." + k), URL: r.link("/practices/kind/" + k + "/"), Count: n})
		}
	}
	var pracBodies []*site.Body
	for _, b := range s.Bodies {
		if len(b.Practices) > 0 {
			pracBodies = append(pracBodies, b)
			pracFilters = append(pracFilters, Filter{Group: "body", Key: b.ID, Title: b.Name, URL: r.link("/practices/body/" + b.ID + "/"), Count: len(b.Practices)})
		}
	}
	// By source, when sources brought practices: this portal's own, then each source's.
	// A source's filter is /practices/source/<body>-<kind>/; when a body has several
	// sources of a kind, each is told by its repository (…/<body>-<kind>-<repository>/, and
	// its name in the label), so that the address and the label depend on pspm.yaml only,
	// never on the order or dates of the practices.
	type origin struct {
		key, title, label string
		from              *site.Source
		ps                []*site.Practice
	}
	var origins []*origin
	bySource := map[*site.Source]*origin{}
	own := &origin{key: "local", title: r.tr.T("practices.source.local")}
	for _, p := range s.Practices {
		o := own
		if p.From != nil {
			if o = bySource[p.From]; o == nil {
				name := p.From.Body
				if b := s.ByBody[p.From.Body]; b != nil {
					name = b.Name
				}
				o = &origin{key: site.Slug(p.From.Body + " " + p.From.Kind), title: r.tr.T("practices.source."+p.From.Kind, name), label: repoLabel(p.From), from: p.From}
				bySource[p.From] = o
				origins = append(origins, o)
			}
		}
		o.ps = append(o.ps, p)
	}
	same := map[string]int{}
	for _, o := range origins {
		same[o.key]++
	}
	for _, o := range origins {
		if same[o.key] > 1 {
			o.key += "-" + site.Slug(o.label)
			o.title += " – " + o.label
		}
	}
	sort.SliceStable(origins, func(i, j int) bool { return origins[i].key < origins[j].key })
	for i := 1; i < len(origins); i++ { // one repository name on two hosts: the address tells them apart
		if a, b := origins[i-1], origins[i]; a.key == b.key {
			a.key += "-" + shortHash(a.from.URL+"\x00"+a.from.Ref+"\x00"+a.from.Path)
			b.key += "-" + shortHash(b.from.URL+"\x00"+b.from.Ref+"\x00"+b.from.Path)
			a.title, b.title = a.title+" ("+a.from.URL+")", b.title+" ("+b.from.URL+")"
		}
	}
	if len(origins) > 0 {
		if len(own.ps) > 0 {
			origins = append([]*origin{own}, origins...)
		}
		for _, o := range origins {
			pracFilters = append(pracFilters, Filter{Group: "source", Key: o.key, Title: o.title, URL: r.link("/practices/source/" + o.key + "/"), Count: len(o.ps)})
		}
	}
	pracCrumbs := append(crumbs[:1:1], Link{r.tr.T("menu.practices"), r.link("/practices/")})
	out = append(out, r.paginate("practices", "/practices/", r.tr.T("practices.title"), r.tr.T("practices.intro"), crumbs, pracItems(s.Practices), pracFilters, "/practices/index.xml")...)
	for _, o := range origins {
		url := "/practices/source/" + o.key + "/"
		out = append(out, r.paginate("practices", url, o.title, "", pracCrumbs, pracItems(o.ps), active(pracFilters, r.link(url)), "")...)
	}
	for _, k := range site.PracticeKinds {
		if ps := byKind[k]; len(ps) > 0 {
			url := "/practices/kind/" + k + "/"
			out = append(out, r.paginate("practices", url, r.tr.T("practices.by_kind", r.tr.T("kind."+k)), "", pracCrumbs, pracItems(ps), active(pracFilters, r.link(url)), "")...)
		}
	}
	for _, b := range pracBodies {
		url := "/practices/body/" + b.ID + "/"
		out = append(out, r.paginate("practices", url, r.tr.T("practices.by_body", b.Name), "", pracCrumbs, pracItems(b.Practices), active(pracFilters, r.link(url)), "")...)
	}

	// Tags.
	tagCrumbs := append(crumbs[:1:1], Link{r.tr.T("menu.tags"), r.link("/tags/")})
	for _, tg := range s.Tags {
		items := append(propItems(tg.Proposals), pracItems(tg.Practices)...)
		out = append(out, r.paginate("tag", "/tags/"+tg.Slug+"/", r.tr.T("tags.one", tg.Name), "", tagCrumbs, items, nil, "")...)
	}
	return out
}

// active marks the filter whose URL is url, for a list narrowed to one status, kind, body
// or source. Of the bodies it keeps only the active one: the whole list of bodies is on
// the first page of the main list, once, since a list page per body that listed every body
// would make the portal grow with the square of the bodies.
func active(filters []Filter, url string) []Filter {
	// Sized to what it keeps: every list page holds its own filters until it is rendered,
	// and room for each body's filter on each page grew with pages times bodies.
	n := 0
	for _, f := range filters {
		if f.Group != "body" || f.URL == url {
			n++
		}
	}
	out := make([]Filter, 0, n)
	for _, f := range filters {
		f.Active = f.URL == url
		if f.Group == "body" && !f.Active {
			continue
		}
		out = append(out, f)
	}
	return out
}

// paginate splits the cards of items into pages of Config.Paginate: base, base/page/2/, …
func (r *renderer) paginate(kind, base, heading, intro string, crumbs []Link, items []*site.Item, filters []Filter, feed string) []task {
	per := r.Config.Paginate
	pages := max(1, (len(items)+per-1)/per)
	pageURL := func(n int) string {
		if n == 1 {
			return base
		}
		return base + "page/" + strconv.Itoa(n) + "/"
	}
	out := make([]task, 0, pages)
	// Only the addresses are made now; each page's view, and its cards, when the page is
	// (pspm serve lists every page on each rebuild and renders the few it is asked for).
	// view is page n's view; without its cards (bare) for its input key (listKey), which
	// holds the input keys of the cards' items instead.
	view := func(n int, bare bool) *Page {
		lo, hi := (n-1)*per, min(n*per, len(items))
		var cards []*Card
		if !bare {
			cards = make([]*Card, hi-lo)
			for i, it := range items[lo:hi] {
				cards[i] = r.card(it)
			}
		}
		pager := Pager{Page: n, Pages: pages, First: r.link(pageURL(1)), Last: r.link(pageURL(pages))}
		if n > 1 {
			pager.Prev = r.link(pageURL(n - 1))
		}
		if n < pages {
			pager.Next = r.link(pageURL(n + 1))
		}
		for i := max(1, n-3); i <= min(pages, n+3); i++ {
			pager.Numbers = append(pager.Numbers, PageLink{Number: i, URL: r.link(pageURL(i)), Current: i == n})
		}
		title := heading
		if n > 1 {
			title = r.tr.T("pager.title", heading, n, pages)
		}
		fs := filters
		if n > 1 {
			// The long list of bodies only on the first page, to keep pages light, and
			// the counts too: every new proposal or change of status changes them, and
			// with them every page of every list, though no card moved on most.
			fs = nil
			for _, f := range filters {
				if f.Group != "body" {
					f.Count = 0
					fs = append(fs, f)
				}
			}
		}
		p := &Page{Title: title, URL: r.link(pageURL(n)), Breadcrumbs: crumbs,
			List: &ListView{Heading: heading, Intro: intro, Cards: cards, Filters: fs, Counts: n == 1, Pager: pager}}
		if kind != "tag" && n == 1 {
			p.List.Forge = r.newLinks
		}
		if feed != "" {
			p.Feed = r.link(feed)
		}
		return p
	}
	for n := 1; n <= pages; n++ {
		url := r.prefix + pageURL(n)
		t := task{kind: kind, path: indexFile(url), url: url, make: func() ([]byte, error) { return r.page(kind, view(n, false)) }}
		lo, hi := (n-1)*per, min(n*per, len(items))
		r.listKeyed(&t, kind, func() *Page { return view(n, true) }, items[lo:hi])
		out = append(out, t)
	}
	return out
}

func (r *renderer) homePage() ([]byte, error) {
	s := r.Site
	h := &HomeView{Intro: "", Progress: s.Progress.Percent, Actions: s.Progress.Actions, Counts: Counts{len(s.Goals), len(s.Objectives), len(s.Actions), len(s.Proposals), len(s.Practices), len(s.Bodies), len(s.Reactions), len(s.Feedback)}}
	for _, ph := range r.view.Plan.Phases {
		switch {
		case ph.State == "current":
			h.Open = append(h.Open, ph)
		case ph.State == "future" && h.Next == nil:
			ph := ph
			h.Next = &ph
		}
	}
	supported := append([]*site.Proposal(nil), s.Proposals...)
	sort.SliceStable(supported, func(i, j int) bool {
		a, b := supported[i].Tally, supported[j].Tally
		if a.Support != b.Support {
			return a.Support > b.Support
		}
		return a.Oppose < b.Oppose
	})
	for _, p := range supported[:min(5, len(supported))] {
		if p.Tally.Support > 0 {
			h.MostSupported = append(h.MostSupported, r.card(&p.Item))
		}
	}
	for _, p := range s.Proposals[:min(5, len(s.Proposals))] {
		h.LatestProps = append(h.LatestProps, r.card(&p.Item))
	}
	for _, p := range s.Practices[:min(5, len(s.Practices))] {
		h.LatestPractice = append(h.LatestPractice, r.card(&p.Item))
	}
	h.Intro = htmlOf(r.plan.HTML)
	return r.page("home", &Page{Title: r.view.Title, Description: r.view.Description, URL: r.link("/"), Home: h, Feed: r.link("/index.xml")})
}

func (r *renderer) goalView(g *site.Goal) GoalView {
	v := GoalView{ID: g.ID, Title: r.card(&g.Item).Title, Code: g.Code, URL: r.link(g.URL()), HTML: r.itemText(&g.Item), Progress: g.Progress.Percent, Contributions: r.contributions(&g.Item)}
	for _, o := range g.Objectives {
		v.Objectives = append(v.Objectives, r.objectiveView(o))
	}
	return v
}

func (r *renderer) objectiveView(o *site.Objective) ObjectiveView {
	v := ObjectiveView{ID: o.ID, Title: r.card(&o.Item).Title, Code: o.Code, URL: r.link(o.URL()), AgID: o.AgID, AgIDRefs: r.agidRefs(o.AgID), AgIDLang: r.agidLang(), HTML: r.itemText(&o.Item), Progress: o.Progress.Percent, Contributions: r.contributions(&o.Item)}
	if o.GoalItem != nil {
		v.Goal = r.itemLink(&o.GoalItem.Item)
	}
	v.Results = r.resultTable("h-results", o.Results, r.Site.Built, func(it *site.Item, _ string) Link { return r.itemLink(it) }, false)
	for _, a := range o.Actions {
		v.Actions = append(v.Actions, r.card(&a.Item))
	}
	for _, a := range o.Contributing {
		v.Contributing = append(v.Contributing, r.card(&a.Item))
	}
	return v
}

func (r *renderer) planCrumbs(parents ...*site.Item) []Link {
	out := []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.plan"), r.link("/plan/")}}
	return r.crumbsUnder(out, parents...)
}

// federatedCrumbs lead to an item of the plan of another body's portal, through the
// body's page and its plan.
func (r *renderer) federatedCrumbs(fp *site.FederatedPlan, parents ...*site.Item) []Link {
	out := []Link{{r.tr.T("menu.home"), r.link("/")}, r.bodyLink(fp.Body, fp.Body.ID), {fp.Plan.Title, r.link(fp.URL())}}
	return r.crumbsUnder(out, parents...)
}

func (r *renderer) crumbsUnder(out []Link, parents ...*site.Item) []Link {
	for _, p := range parents {
		if p != nil {
			out = append(out, r.itemLink(p))
		}
	}
	return out
}

// planItemPage renders the page of a plan item with its kind's template.
func (r *renderer) planItemPage(p site.PlanItem) ([]byte, error) {
	switch p := p.(type) {
	case *site.Goal:
		return r.goalPage(p)
	case *site.Objective:
		return r.objectivePage(p)
	case *site.Result:
		return r.resultPage(p)
	case *site.Action:
		return r.actionPage(p)
	}
	return nil, nil
}

func (r *renderer) goalPage(g *site.Goal) ([]byte, error) {
	v := r.goalView(g)
	return r.page("goal", &Page{Title: v.Title, TextLang: r.textLang(&g.Item), Description: r.html[&g.Item].Summary, URL: v.URL, Goal: &v, Breadcrumbs: r.crumbs(&g.Item), History: r.historyView(&g.Item),
		Feed: r.follow(&g.Item), Follow: true})
}

func (r *renderer) objectivePage(o *site.Objective) ([]byte, error) {
	v := r.objectiveView(o)
	var goal *site.Item
	if o.GoalItem != nil {
		goal = &o.GoalItem.Item
	}
	return r.page("objective", &Page{Title: v.Title, TextLang: r.textLang(&o.Item), Description: r.html[&o.Item].Summary, URL: v.URL, Objective: &v, Breadcrumbs: r.crumbs(&o.Item, goal), History: r.historyView(&o.Item),
		Feed: r.follow(&o.Item), Follow: true})
}

func (r *renderer) actionPage(a *site.Action) ([]byte, error) {
	v := &ActionView{ID: a.ID, Title: r.card(&a.Item).Title, Code: a.Code, URL: r.link(a.URL()), Owner: r.bodyLink(a.OwnerBody, a.Owner), Status: a.Status, Label: r.tr.T("status." + a.Status),
		Progress: a.Progress, Start: a.Start, Due: a.Due, HTML: r.itemText(&a.Item), ContributesTo: a.ContributesTo,
		Contributions: r.contributions(&a.Item)}
	v.Owners, v.Addressees = r.ownerLinks(a), r.addresseeLinks(a)
	var goal, obj *site.Item
	if o := a.ObjectiveItem; o != nil {
		obj = &o.Item
		v.Objective = r.itemLink(obj)
		if o.GoalItem != nil {
			goal = &o.GoalItem.Item
			v.Goal = r.itemLink(goal)
		}
	}
	for _, in := range a.Indicators {
		v.Indicators = append(v.Indicators, r.indicatorView(in))
	}
	for _, p := range a.ProposalItems {
		v.Proposals = append(v.Proposals, r.itemLink(&p.Item))
	}
	for _, id := range a.ContributesTo {
		l := Link{Title: id} // an objective this portal does not show: its id
		if a.From != nil {   // an action of another body's plan: it contributes to this portal's objectives
			if o := r.Site.Objective(id); o != nil {
				l = r.itemLink(&o.Item)
			}
		} else { // an action of this portal (a local body's): the central plan is a source
			for _, fp := range r.Site.Federated {
				for _, o := range fp.Objectives {
					if o.ID == id {
						l = r.itemLink(&o.Item)
					}
				}
			}
		}
		v.Contributes = append(v.Contributes, l)
	}
	if len(a.Series) > 0 {
		// Up to the day of the last commit (as Page.Today): its hour would change the chart
		// at every commit.
		v.ProgressChart = progressChart(a.Series, r.Site.Built.Truncate(24*time.Hour), r.tr.T("action.progress_chart", v.Title), r.tr)
		v.Series = r.pointViews(a.Series)
	}
	return r.page("action", &Page{Title: v.Title, TextLang: r.textLang(&a.Item), Description: r.html[&a.Item].Summary, URL: v.URL, Action: v, Breadcrumbs: r.crumbs(&a.Item, goal, obj), History: r.historyView(&a.Item),
		Feed: r.follow(&a.Item), Follow: true})
}

func (r *renderer) proposalPage(p *site.Proposal) ([]byte, error) {
	v := &ProposalView{Card: r.cardCopy(&p.Item), Authors: p.Authors, Contributions: r.contributions(&p.Item)}
	late := r.itemTextLater(&p.Item, &v.HTML)
	v.Tags, v.MoreTags = r.tagLinks(p.Tags), 0 // the card shows some, the page all
	for _, t := range p.TargetItems {
		v.Targets = append(v.Targets, r.itemLink(t))
	}
	for _, t := range p.PastTargets {
		it := t.Version.Plan.PlanItem(t.ID)
		v.Targets = append(v.Targets, Link{r.title(it, t.Title) + " " + r.tr.T("proposal.past_target", t.Version.Name), r.anchorURL(t.Version, it)})
	}
	if p.Answer.Text != "" {
		v.Answer = &AnswerView{Date: p.Answer.Date, HTML: r.ans[p], By: r.view.Plan.Owner}
		if tr := p.Translations[r.lang]; r.prefix != "" && (tr == nil || tr.Answer.Text == "") {
			v.Answer.Lang = r.Config.Languages[0]
		}
	}
	for _, a := range p.TakenUpBy {
		v.TakenUpBy = append(v.TakenUpBy, r.itemLink(&a.Item))
	}
	for _, ver := range r.Site.Versions {
		if p.From == nil && ver.Changes != nil && slices.Contains(ver.Changes.Incorporated, p.ID) {
			vv := r.versionView(ver)
			v.IncorporatedIn = append(v.IncorporatedIn, IncorporatedIn{Version: vv.Name, Date: vv.Date, URL: vv.ChangesURL})
		}
	}
	v.Source = r.sourceView(&p.Item)
	for _, c := range p.History {
		cv := ChangeView{Landed: c.Landed, Author: withoutEmails(c.AuthorName), Message: withoutEmails(c.Message), Commit: c.Commit[:min(10, len(c.Commit))], CommitURL: r.itemCommitURL(&p.Item, c.Commit), Deleted: c.Deleted}
		if c.File != p.File {
			cv.File = c.File
		}
		v.History = append(v.History, cv)
	}
	return r.page("proposal", &Page{Title: v.Title, TextLang: r.textLang(&p.Item), Foreign: r.foreignView(p.Foreign), Description: r.html[&p.Item].Summary, URL: v.URL, Proposal: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.proposals"), r.link("/proposals/")}}, Feed: r.follow(&p.Item), Follow: true, late: late})
}

func (r *renderer) practicePage(p *site.Practice) ([]byte, error) {
	v := &PracticeView{Card: r.cardCopy(&p.Item), AgID: p.AgID, AgIDRefs: r.agidRefs(p.AgID), AgIDLang: r.agidLang(), Contributions: r.contributions(&p.Item)}
	late := r.textLater(&p.Item, func(html string) { v.HTML = htmlOf(html); r.textDone(&p.Item) })
	v.Tags, v.MoreTags = r.tagLinks(p.Tags), 0
	for _, l := range p.Links {
		v.Links = append(v.Links, Link{l.Title, l.URL})
	}
	v.Source = r.sourceView(&p.Item)
	return r.page("practice", &Page{Title: v.Title, TextLang: r.textLang(&p.Item), Foreign: r.foreignView(p.Foreign), Description: r.html[&p.Item].Summary, URL: v.URL, Practice: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T("menu.practices"), r.link("/practices/")}}, Feed: r.follow(&p.Item), Follow: true, late: late})
}

func (r *renderer) bodiesPage() ([]byte, error) {
	var cards []BodyCard
	for _, b := range r.Site.Bodies {
		cards = append(cards, BodyCard{ID: b.ID, Name: b.Name, Kind: b.Kind, Label: r.tr.T("bodykind." + b.Kind), URL: r.link(b.URL()), Proposals: len(b.Proposals), Practices: len(b.Practices), Votes: len(b.Votes)})
	}
	sort.SliceStable(cards, func(i, j int) bool { return cards[i].Name < cards[j].Name })
	return r.page("bodies", &Page{Title: r.tr.T("bodies.title"), URL: r.link("/bodies/"), Bodies: cards,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}

func (r *renderer) tagsPage() ([]byte, error) {
	var tags []TagCard
	for _, t := range r.Site.Tags {
		tags = append(tags, TagCard{Name: t.Name, URL: r.link("/tags/" + t.Slug + "/"), Count: len(t.Proposals) + len(t.Practices)})
	}
	return r.page("tags", &Page{Title: r.tr.T("tags.title"), URL: r.link("/tags/"), Tags: tags,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}

func (r *renderer) contributions(it *site.Item) Contributions {
	c := Contributions{Tally: r.tally(it.Tally), Key: it.Key(), Folder: it.Dir, Forge: r.forge(it)}
	if len(it.Reactions) > 0 {
		c.Reactions = make([]ReactionView, 0, len(it.Reactions)) // views of about 300 bytes: no list grown by doubling
	}
	for _, rc := range it.Reactions {
		c.Reactions = append(c.Reactions, r.reactionView(rc))
		c.HasOrigins = c.HasOrigins || rc.Origin != nil
	}
	c.Feedback = r.threadViews(it)
	c.Amendments = r.amendmentViews(it)
	c.Supports, c.AddSupport = r.supportsOf(it)
	c.Community, c.Backing = site.Supportable(it.Section) && hasCommunity(r.Site), it.Backing
	for _, a := range it.Attachments {
		c.Attachments = append(c.Attachments, AttachmentView{Name: a.Name, URL: r.asset(it.URL() + a.Name), Size: humanSize(a.Size)})
	}
	c.Check = r.tallyCheck(it)
	if c.Community {
		c.SupportsCheck = r.supportsCheck(it)
	}
	return c
}

// tallyCheck says how to check an item's tally of bodies' votes: the reaction files it
// counts, the commit that landed the latest of them (from the history), the Git command
// that shows who committed each, and the command that rebuilds the whole portal.
func (r *renderer) tallyCheck(it *site.Item) *CheckView {
	counted := make([]bool, len(it.Reactions))
	origins := make([]*site.Origin, len(it.Reactions))
	for i, rc := range it.Reactions {
		counted[i], origins[i] = rc.Counted, rc.Origin
	}
	return r.filesCheck(it, "reactions", "/api/v1/votes.json", counted, origins)
}

// supportsCheck is tallyCheck for the community's supports.
func (r *renderer) supportsCheck(it *site.Item) *CheckView {
	counted := make([]bool, len(it.Supports))
	origins := make([]*site.Origin, len(it.Supports))
	for i, sp := range it.Supports {
		counted[i], origins[i] = sp.Counted, sp.Origin
	}
	v := r.filesCheck(it, "supports", "/api/v1/supports.json", counted, origins)
	if v != nil {
		v.Supports = true
	}
	return v
}

// filesCheck is the check of a tally of the files in the item's folder sub, listed in the
// open data data; nil when there are none, or when they come from a source (checked on its
// own portal).
func (r *renderer) filesCheck(it *site.Item, sub, data string, counted []bool, origins []*site.Origin) *CheckView {
	if len(counted) == 0 || it.From != nil {
		return nil
	}
	folder := path.Join(it.Dir, sub) + "/"
	v := &CheckView{Folder: folder, Data: r.asset(data), Verify: r.verifyCommand(),
		Git: "git log --format='%h %an %ad %s' -- " + folder}
	var latest *site.Origin
	for i, c := range counted {
		if c {
			v.Counted++
		} else {
			v.NotCounted++
		}
		if o := origins[i]; o != nil && o.LandedCommit != "" && (latest == nil || o.Landed.After(latest.Landed) || (o.Landed.Equal(latest.Landed) && o.LandedCommit > latest.LandedCommit)) {
			latest = o
		}
	}
	if latest != nil {
		v.Commit, v.CommitURL = latest.LandedCommit[:min(10, len(latest.LandedCommit))], r.commitURL(latest.LandedCommit)
	}
	return v
}

// verifyCommand is the pspm verify command for this portal: with its address when
// baseURL is absolute, else with a placeholder the reader fills in.
func (r *renderer) verifyCommand() string {
	if u := r.Config.AbsURL("/"); strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
		return "pspm verify " + u
	}
	return "pspm verify " + r.tr.T("verify.address")
}

func (r *renderer) reactionView(rc *site.Reaction) ReactionView {
	label := ""
	if rc.Vote() != "" {
		label = r.tr.T("vote." + rc.Vote())
	}
	v := ReactionView{Voter: r.bodyLink(rc.VoterBody, rc.Voter()), Vote: rc.Vote(), VoteLabel: label, Priority: int(rc.Priority), Comment: rc.Comment(),
		Counted: rc.Counted, Reason: rc.Reason, Verification: rc.Verification, File: rc.File, Hidden: r.hiddenView(rc.Hidden())}
	t := r.verdictText(rc.Verdict)
	v.Detail, v.DetailLang, v.ReasonLabel, v.VerifiedBy = t.detail, t.lang, t.reason, t.verifiedBy
	if o := rc.Origin; o != nil {
		v.Landed, v.Commit, v.CommitURL, v.Author = o.Landed, o.Commit[:min(10, len(o.Commit))], r.itemCommitURL(rc.On, o.Commit), withoutEmails(o.AuthorName)
	}
	return v
}

func (r *renderer) feedbackView(f *site.Feedback) FeedbackView {
	v := FeedbackView{ID: f.ID(), Title: f.Title, Kind: f.Kind, Label: r.tr.T("feedback." + f.Kind), Body: r.bodyLink(f.VoterBody, f.Voter), Date: f.Date, HTML: htmlOf(r.fb[f].HTML),
		Counted: f.Counted, Unreadable: len(f.Problems) > 0, Reply: r.replyURL(f), Paragraph: r.paragraphRef(f),
		Hidden: r.hiddenView(f.Hidden), Foreign: r.foreignView(f.Foreign)}
	if f.VoterParticipant != nil {
		v.Body = r.participantLink(f.VoterParticipant, f.Voter)
	}
	v.Detail, v.DetailLang = r.verdictDetail(f.Verdict)
	v.ReasonLabel, _ = r.verdictLabels(f.Verdict)
	return v
}

// verdictText is what a reaction's page shows of its verdict, in the page's language.
type verdictText struct {
	detail                   template.HTML // verdictDetail
	lang, reason, verifiedBy string
}

// verdictText is the text of the verdict v in the page's language, made once per verdict
// and language: the reactions whose verdicts are equal share one (site.Verdicts), a few
// hundred for a million reactions, and writing each vote's detail again wherever it was
// shown was 7% of what a 10,000-proposal build allocated. A verdict is never changed,
// only replaced, so its text is known by its address. Safe for concurrent use.
func (r *renderer) verdictText(v *site.Verdict) *verdictText {
	if t, ok := r.verdicts.Load(v); ok {
		return t.(*verdictText)
	}
	t := &verdictText{}
	t.detail, t.lang = r.verdictDetail(*v)
	t.reason, t.verifiedBy = r.verdictLabels(*v)
	got, _ := r.verdicts.LoadOrStore(v, t)
	return got.(*verdictText)
}

// verdictDetail is a verdict's detail in the page's language, from its sentences, and
// "" as its language; or its English Detail and "en" when a sentence has no translation
// in the page's language. A technical part of a sentence (a parser's message, why a
// signature does not verify) stays as written, marked lang="en" on pages in another
// language: the detail is HTML.
func (r *renderer) verdictDetail(v site.Verdict) (template.HTML, string) {
	return r.sentences(v.Detail, v.Sentences)
}

// sentences writes the sentences ss in the page's language (verdict.<key>), or, when one
// has no translation, their English, detail, marked "en" on a page in another language.
func (r *renderer) sentences(detail string, ss []site.Sentence) (template.HTML, string) {
	if detail == "" {
		return "", ""
	}
	english := func() (template.HTML, string) {
		text := template.HTML(template.HTMLEscapeString(withoutEmails(detail)))
		if r.lang == "en" {
			return text, ""
		}
		return text, "en"
	}
	if len(ss) == 0 {
		return english()
	}
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		key := "verdict." + s.Key
		if s.Key == "" || !r.tr.Has(key) {
			return english()
		}
		args := make([]any, len(s.Params))
		for i, p := range s.Params {
			var text string
			switch {
			case !p.Time.IsZero() && p.Clock:
				text = r.formatDate(p.Time.UTC()) + " " + p.Time.UTC().Format("15:04") + " UTC"
			case !p.Time.IsZero():
				text = r.formatDate(p.Time)
			case p.Label != "":
				text = r.verdictWord(p.Label, p.Text)
			default:
				text = withoutEmails(p.Text)
			}
			text = template.HTMLEscapeString(text)
			if p.Technical && r.lang != "en" && text != "" {
				text = `<span lang="en">` + text + `</span>`
			}
			args[i] = template.HTML(text)
		}
		parts = append(parts, string(r.tr.HTML(key, args...)))
	}
	return template.HTML(strings.Join(parts, "; ")), ""
}

// verdictWord translates a word of a verdict's sentence: a key of the language files, or
// verdict.opens.<or|and>:<what>,<what> for what the phases open ("votes or priorities").
func (r *renderer) verdictWord(key, english string) string {
	if rest, ok := strings.CutPrefix(key, "verdict.opens."); ok {
		conj, list, _ := strings.Cut(rest, ":")
		var words []string
		for _, w := range strings.Split(list, ",") {
			words = append(words, r.tr.T("verdict.open."+w))
		}
		if len(words) < 2 {
			return strings.Join(words, "")
		}
		return strings.Join(words[:len(words)-1], ", ") + " " + r.tr.T("verdict."+conj) + " " + words[len(words)-1]
	}
	if r.tr.Has(key) {
		return r.tr.T(key)
	}
	return english
}

// verdictLabels puts a verdict in the page's language: why it does not count, or who
// vouched for it: the member as their body declares them and how (never an e-mail).
func (r *renderer) verdictLabels(v site.Verdict) (reason, verifiedBy string) {
	if !v.Counted {
		return r.tr.T("reason." + v.Reason), ""
	}
	switch v.Verification {
	case site.VerifiedAuthor:
		return "", r.tr.T("verified.member", v.Member)
	case site.VerifiedSignature:
		if v.Member != "" {
			return "", r.tr.T("verified.member.key", v.Member, v.Signer)
		}
		return "", r.tr.T("verified.signature", v.Signer)
	}
	return "", ""
}

func (r *renderer) indicatorView(in site.Indicator) IndicatorView {
	v := IndicatorView{Name: in.Name, Unit: in.Unit, Baseline: r.num(in.Baseline), Target: r.num(in.Target)}
	vals := append([]site.Value(nil), in.Values...)
	sort.SliceStable(vals, func(i, j int) bool { return vals[i].Date.Before(vals[j].Date) })
	for _, x := range vals {
		v.Values = append(v.Values, ValueView{Date: x.Date, Value: r.num(x.Value)})
	}
	if len(vals) > 0 {
		v.Latest = r.num(vals[len(vals)-1].Value)
	}
	v.Chart = indicatorChart(in.Baseline, in.Target, vals, r.tr.T("indicator.chart", in.Name))
	return v
}

// num writes f plain, for the open data: "1234.5".
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// num writes f for the page, the language's way: "1.234,5" in Italian.
func (r *renderer) num(f float64) string { return r.tr.Number(f) }

// sourceView is where an item comes from when another repository brought it, or nil.
func (r *renderer) sourceView(it *site.Item) *SourceView {
	src := it.From
	if src == nil {
		return nil
	}
	v := &SourceView{Kind: src.Kind, Body: src.Body, URL: src.URL, Ref: src.Ref, Commit: src.Commit, Short: src.Commit[:min(10, len(src.Commit))], Stale: src.Stale}
	if b := r.Site.ByBody[src.Body]; b != nil {
		v.Body = b.Name
	}
	if strings.HasPrefix(src.URL, "https://") || strings.HasPrefix(src.URL, "http://") {
		v.Link = src.URL
	}
	return v
}

// itemCommitURL links a commit of an item's history: none for an item another portal
// brought, whose commits are in its repository.
func (r *renderer) itemCommitURL(it *site.Item, hash string) string {
	if it != nil && it.From != nil {
		return ""
	}
	return r.commitURL(hash)
}

// federatedOf is the plan of another body's portal an item belongs to, or nil.
func (r *renderer) federatedOf(it *site.Item) *site.FederatedPlan {
	if it.From == nil {
		return nil
	}
	for _, fp := range r.Site.Federated {
		if fp.From == it.From {
			return fp
		}
	}
	return nil
}

// crumbs are the breadcrumbs of a plan item of this portal or of a source's plan.
func (r *renderer) crumbs(it *site.Item, parents ...*site.Item) []Link {
	if fp := r.federatedOf(it); fp != nil {
		return r.federatedCrumbs(fp, parents...)
	}
	return r.planCrumbs(parents...)
}

// federatedPlanPage lists the plan of another body's portal: its actions by objective,
// with their progress, and where it comes from.
func (r *renderer) federatedPlanPage(fp *site.FederatedPlan) ([]byte, error) {
	var cards []*Card
	for _, o := range fp.Objectives {
		for _, a := range o.Actions {
			cards = append(cards, r.card(&a.Item))
		}
	}
	title := fp.Plan.Title + " · " + fp.Body.Name
	v := &ListView{Heading: title, Intro: r.tr.T("federated.intro", fp.Body.Name), Cards: cards}
	return r.page("federated-plan", &Page{Title: title, URL: r.link(fp.URL()), List: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, r.bodyLink(fp.Body, fp.Body.ID)}})
}

// repoLabel names a source by its repository: the last element of its address without
// .git, then the folder and the ref when pspm.yaml gives them ("segnalazioni/app@main").
func repoLabel(from *site.Source) string {
	u := strings.TrimSuffix(strings.TrimRight(from.URL, "/"), ".git")
	if i := strings.LastIndexAny(u, "/:"); i >= 0 {
		u = u[i+1:]
	}
	if from.Path != "" {
		u += "/" + strings.Trim(from.Path, "/")
	}
	if from.Ref != "" {
		u += "@" + from.Ref
	}
	return u
}

// shortHash is 8 hex digits of the SHA-256 of s: a stable tie-breaker in addresses.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// ownerLinks are an action's owners, the lead first: linked when this portal has their
// page, by name when another portal's, by id when unknown.
func (r *renderer) ownerLinks(a *site.Action) []Link {
	out := make([]Link, 0, len(a.Owners))
	for _, id := range a.Owners {
		var b *site.Body
		for _, ob := range a.OwnerBodies {
			if ob.ID == id {
				b = ob
			}
		}
		if id == a.Owner && a.OwnerBody != nil {
			b = a.OwnerBody
		}
		out = append(out, r.bodyLink(b, id))
	}
	return out
}

// addresseeLinks are whom an action is addressed to, in its order: bodies linked to
// their pages, kinds of body in words ("tutti i comuni").
func (r *renderer) addresseeLinks(a *site.Action) []Link {
	out := make([]Link, 0, len(a.Addressees))
	for _, x := range a.Addressees {
		switch {
		case x == site.AddressAll || slices.Contains(site.BodyKinds, x):
			out = append(out, Link{Title: r.tr.T("addressees." + x)})
		case a.From == nil:
			out = append(out, r.bodyLink(r.Site.ByBody[x], x))
		default: // named by another portal: its id, as it wrote it
			out = append(out, Link{Title: x})
		}
	}
	return slices.CompactFunc(out, func(x, y Link) bool { return x == y })
}
