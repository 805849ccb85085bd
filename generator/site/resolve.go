package site

import (
	"fmt"
	"maps"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/slug"
	"golang.org/x/text/unicode/norm"
)

// Index builds the maps from ids to items and reports duplicate ids. The loader runs it
// as soon as every item is read, to attach attachments and translations to their items.
func (s *Site) Index() diag.List {
	var errs diag.List
	s.index(&errs)
	return errs
}

// Resolve applies defaults that depend on other items, links every reference and reports
// each one that dangles at its position. It runs once, after Index and before Derive.
func (s *Site) Resolve() diag.List {
	var errs diag.List
	s.resolvePlan(&errs, true)
	s.resolveParticipants(&errs)
	for _, p := range s.Proposals {
		switch {
		case p.Body != "" && p.Participant != "":
			errs.Add(p.at("participant"), "a proposal is made by a body (body:) or by a participant of the community (participant:), not both: remove one")
		case p.Body == "" && p.Participant == "":
			at := p.Pos
			if at.File == "" {
				at = p.at("title")
			}
			errs.Add(at, "missing required key \"body\": say which body makes the proposal (body: <body id>), or which participant of the community (participant: <handle>)")
		}
		if b := s.ByBody[p.Body]; b != nil {
			p.BodyItem = b
			b.Proposals = append(b.Proposals, p)
		} else if p.Body != "" {
			errs.Add(p.at("body"), "unknown body %q%s (bodies are declared in content/bodies/<ipa-code>.md)", p.Body, didYouMean(p.Body, keys(s.ByBody)))
		}
		if p.Participant != "" {
			if pt := s.ByParticipant[p.Participant]; pt != nil {
				p.ParticipantItem = pt
				if !pt.Registered {
					errs.Warn(p.at("participant"), "participant %q is not registered (%s): the proposal is published, but it reaches no threshold", p.Participant, pt.NotRegistered)
				}
			} else {
				errs.Add(p.at("participant"), "unknown participant %q%s (participants are declared in content/participants/<handle>.md)", p.Participant, didYouMean(p.Participant, keys(s.ByParticipant)))
			}
		}
		if p.Status == "" {
			p.Status = ProposalOpen
		}
		for i, id := range p.Targets {
			if it := s.planItems[id]; it != nil {
				p.TargetItems = append(p.TargetItems, it)
			} else {
				p.unknownTargets = append(p.unknownTargets, i) // CheckTargets looks for it in the versions
			}
		}
		if p.Status != ProposalOpen && p.Answer.Text == "" {
			errs.Warn(p.at("status"), "status is %q but there is no answer; add answer: {date, text} to explain the decision", p.Status)
		}
		if p.Answer.Text != "" && p.Answer.Date.IsZero() {
			errs.Add(p.at("answer"), "the answer has no date; add answer.date: YYYY-MM-DD")
		}
		if p.Answer.Text == "" {
			for _, lang := range slices.Sorted(maps.Keys(p.Translations)) {
				if tr := p.Translations[lang]; tr.Answer.Text != "" {
					at := tr.Pos
					if at.File == "" {
						at = diag.Pos{File: tr.File, Line: 1, Col: 1}
					}
					errs.Warn(at, "the translation has an answer, but the proposal has none in %s: it is not shown; the plan owner answers in the proposal's own file first", p.File)
				}
			}
		}
		p.Tags = checkTags(&errs, &p.Item, p.Tags)
	}
	for _, p := range s.Practices {
		if b := s.ByBody[p.Body]; b != nil {
			p.BodyItem = b
			b.Practices = append(b.Practices, p)
		} else if p.Body != "" {
			errs.Add(p.at("body"), "unknown body %q%s", p.Body, didYouMean(p.Body, keys(s.ByBody)))
		}
		for _, l := range p.Links {
			if !safeURL(l.URL, true) {
				errs.Add(l.At["url"], "link %q is not a web address; want https://…, http://… or mailto:…", l.URL)
			}
		}
		checkAgID(&errs, &p.Item, p.AgID)
		p.Tags = checkTags(&errs, &p.Item, p.Tags)
	}
	for _, b := range s.Bodies {
		if b.Kind == "" {
			b.Kind = "other"
		}
		if b.Website != "" && !safeURL(b.Website, false) {
			errs.Add(b.at("website"), "website %q is not a web address; want https://…", b.Website)
			b.Website = ""
		}
		seen := map[string]bool{}
		for i, m := range b.Members {
			if m.Name == "" && m.Role == "" {
				errs.Add(m.Pos, "members[%d] has neither a name nor a role: add name: (or role:, to list the member by office only), which the portal shows for the votes they cast", i)
			}
			for _, f := range [][2]string{{"name", m.Name}, {"role", m.Role}} {
				if strings.Contains(f[1], "@") {
					errs.Add(m.At[f[0]], "members[%d].%s %q contains '@': the %s is published on the portal, and an e-mail address belongs in email:", i, f[0], f[1], f[0])
				}
			}
			if a, err := mail.ParseAddress(m.Email); err != nil || a.Address != m.Email {
				errs.Add(m.At["email"], "members[%d].email %q is not an email address (want name@example.org, without the name)", i, m.Email)
			}
			if e := strings.ToLower(m.Email); seen[e] {
				errs.Add(m.At["email"], "members[%d].email %q is listed twice", i, m.Email)
			} else {
				seen[e] = true
			}
			if m.Forge != "" {
				if !forgeAccount(m.Forge) {
					errs.Add(m.At["forge"], "members[%d].forge %q is not a forge account name (want the user name as the forge shows it, such as marco-bianchi: letters, digits, '-', '_' and '.', without '@' or an address)", i, m.Forge)
				} else if f := "forge " + strings.ToLower(m.Forge); seen[f] {
					errs.Add(m.At["forge"], "members[%d].forge %q is listed twice", i, m.Forge)
				} else {
					seen[f] = true
				}
			}
		}
	}
	sd := said{}
	for _, f := range s.Feedback {
		f.On = s.Items[f.ItemKey]
		at := diag.Pos{File: f.File, Line: 1, Col: 1}
		if f.On == nil || f.On.Section == Bodies {
			f.On = nil
			sd.add(&f.Problems, at, unknownItem(f.ItemKey))
		}
		if b := s.ByBody[f.Voter]; b != nil {
			f.VoterBody = b
		} else if pt := s.ByParticipant[f.Voter]; pt != nil {
			f.VoterParticipant = pt
		} else if f.Voter != "" {
			sd.add(&f.Problems, at, Say("unknown-body.feedback", "unknown body %q: feedback files are named <body id>-<slug>.md, and the body must be declared in content/bodies/%s", f.Voter, Technical(didYouMean(f.Voter, keys(s.ByBody)))))
		}
		if f.Kind == "" {
			f.Kind = "comment"
		}
		if len(f.Problems) > 0 {
			f.Reason, f.Detail = ReasonMalformed, f.Problems[0].Msg
			f.Sentences = sd.of(f.Detail)
			switch {
			case f.On == nil:
				f.Reason = ReasonUnknownItem
			case f.VoterBody == nil && f.VoterParticipant == nil:
				f.Reason = ReasonUnknownVoter
			}
		}
	}
	s.resolveThreads()
	s.resolveAmendments(sd)
	s.resolveReactions(sd)
	s.resolveSupports()
	return errs
}

// CheckTargets reports the targets of proposals that are neither in the work tree's plan
// nor in an approved version of it (s.Versions, newest first). A target that only a
// version has, such as an action removed since, is kept as a PastTarget: a proposal
// never becomes wrong because the plan moved on. It runs once the versions are read.
func (s *Site) CheckTargets() diag.List {
	var errs diag.List
	for _, p := range s.Proposals {
		for _, i := range p.unknownTargets {
			id := p.Targets[i]
			found := false
			for _, v := range s.Versions {
				if v.Plan == nil {
					continue
				}
				if it := v.Plan.PlanItem(id); it != nil {
					pt := PastTarget{ID: id, Title: v.Plan.PlanItemOf(id).Heading(), Section: it.Section, Version: v}
					p.PastTargets = append(p.PastTargets, pt)
					found = true
					break
				}
			}
			if !found {
				errs.Add(listAt(&p.Item, "targets", i), "unknown plan item %q in targets%s (targets are ids of plan items: goals, objectives, actions)", id, didYouMean(id, keys(s.planItems)))
			}
		}
	}
	return errs
}

// ResolveVersion links a version of the plan read from a tag: objectives to goals,
// actions to objectives, with the defaults of Resolve. The version holds only the plan,
// so owners and proposals are not checked: it was approved as it is, and its pages name
// them by id, linked to the bodies and proposals of the work tree.
func (s *Site) ResolveVersion() diag.List {
	var errs diag.List
	s.resolvePlan(&errs, false)
	return errs
}

// resolvePlan links and checks the plan: its owner and phases, objectives, actions. With
// full, references outside the plan (owners, proposals) must resolve too.
func (s *Site) resolvePlan(errs *diag.List, full bool) {
	owner := s.ByBody[s.Plan.Owner]
	if full && s.Plan.Owner != "" && owner == nil && s.Plan.File != "" {
		errs.Add(planAt(&s.Plan, "owner"), "unknown body %q as plan owner%s (add content/bodies/%s.md)", s.Plan.Owner, didYouMean(s.Plan.Owner, keys(s.ByBody)), s.Plan.Owner)
	}
	s.Plan.OwnerBody = owner
	for i := range s.Plan.Phases {
		p := &s.Plan.Phases[i]
		if !p.From.IsZero() && !p.To.IsZero() && p.To.Before(p.From) {
			errs.Add(p.At["to"], "phase %q ends (%s) before it starts (%s)", p.Name, day(p.To), day(p.From))
		}
	}

	s.linkPlan(errs)
	s.resolveResults(errs, full)
	checkCodes(errs, s.codedItems())
	for _, o := range s.Objectives {
		checkAgID(errs, &o.Item, o.AgID)
	}
	for _, a := range s.Actions {
		s.resolveOwners(errs, a, full, owner != nil)
		s.resolveAddressees(errs, a, full)
		if a.Status == "" {
			a.Status = StatusPlanned
		}
		if _, set := a.At["progress"]; !set && a.Status == StatusDone {
			a.Progress = 100
		}
		if a.Status == StatusDone && a.Progress < 100 {
			errs.Warn(a.at("progress"), "action is done but its progress is %d%%; set progress: 100 or another status", a.Progress)
		}
		if !a.Start.IsZero() && !a.Due.IsZero() && a.Due.Before(a.Start) {
			errs.Add(a.at("due"), "due date %s is before the start date %s", day(a.Due), day(a.Start))
		}
		checkIndicators(errs, &a.Item, a.Indicators)
		for i, id := range a.Proposals {
			if p := s.propByID[id]; p != nil {
				a.ProposalItems = append(a.ProposalItems, p)
				p.TakenUpBy = append(p.TakenUpBy, a)
			} else if full {
				errs.Add(listAt(&a.Item, "proposals", i), "unknown proposal %q%s", id, didYouMean(id, keys(s.propByID)))
			}
		}
		for i, id := range a.ContributesTo {
			if !idRE.MatchString(id) {
				errs.Add(listAt(&a.Item, "contributes_to", i), "contributes_to: %q is not an objective id (lower-case letters, digits, - and _)", id)
			}
		}
	}
}

// resolveResults sets each result's lead owner, links its owners and checks its
// indicators. With full, an owner that is no body is an error.
func (s *Site) resolveResults(errs *diag.List, full bool) {
	for _, r := range s.Results {
		r.Owner, r.OwnerBodies = "", nil
		if len(r.Owners) > 0 {
			r.Owner = r.Owners[0]
		}
		for i, id := range r.Owners {
			if b := s.ByBody[id]; b != nil {
				r.OwnerBodies = append(r.OwnerBodies, b)
			} else if full {
				errs.Add(listAt(&r.Item, "owner", i), "unknown body %q as owner%s", id, didYouMean(id, keys(s.ByBody)))
			}
		}
		checkIndicators(errs, &r.Item, r.Indicators)
	}
}

// checkIndicators checks the targets of indicators: each has a year or a date (not
// both), no two are due the same day, and they are listed in time order.
func checkIndicators(errs *diag.List, it *Item, ins []Indicator) {
	for i := range ins {
		in := &ins[i]
		var prev *Target
		prevIndex := 0
		seen := map[int64]int{} // deadline day -> index
		for j := range in.Targets {
			t := &in.Targets[j]
			at := t.Pos
			if at.File == "" {
				at = in.Pos
			}
			if at.File == "" {
				at = it.at("indicators")
			}
			name := fmt.Sprintf("indicators[%d].targets[%d]", i, j)
			_, year := t.At["year"]
			_, date := t.At["date"]
			switch {
			case t.Year == 0 && t.Date.IsZero() && (year || date):
				continue // a year or date was written, wrong: reported as it was read
			case t.Year == 0 && t.Date.IsZero():
				errs.Add(at, "%s: a target needs a year (year: 2025, meaning by 31 December) or a date (date: 2025-06-30)", name)
				continue
			case t.Year != 0 && !t.Date.IsZero():
				errs.Add(at, "%s has both a year (%d) and a date (%s): keep one (a year means by 31 December of that year)", name, t.Year, day(t.Date))
				continue
			}
			d := dayNumber(t.Deadline())
			if k, dup := seen[d]; dup {
				errs.Add(at, "%s is due %s, as targets[%d] is: an indicator has one target per year or date; remove one", name, targetWhen(t), k)
				continue
			}
			seen[d] = j
			if prev != nil && d < dayNumber(prev.Deadline()) {
				errs.Add(at, "%s (%s) comes after targets[%d] (%s): list targets in time order, earliest first", name, targetWhen(t), prevIndex, targetWhen(prev))
				continue
			}
			prev, prevIndex = t, j
		}
	}
}

// targetWhen says when a target is due, as written: its year or its date.
func targetWhen(t *Target) string {
	if t.Year != 0 {
		return strconv.Itoa(t.Year)
	}
	return day(t.Date)
}

// linkPlan links every plan item to its parent, kind by kind (PlanKinds), and reports
// a parent that is not an item of the parent's kind, with a did-you-mean.
func (s *Site) linkPlan(errs *diag.List) {
	for _, k := range PlanKinds {
		if k.Parent == "" {
			continue
		}
		pk := KindOf(k.Parent)
		for _, c := range k.Items(s) {
			id := c.ParentID()
			if p := s.planByID[id]; p != nil && p.Base().Section == k.Parent {
				k.link(c, p)
			} else if id != "" {
				errs.Add(c.Base().at(k.ParentKey), "unknown %s %q%s", pk.Name, id, didYouMean(id, s.idsOf(pk)))
			}
		}
	}
}

// resolveOwners links an action to its owners: the plan owner when the file names none,
// else each body of owner:, the first of which leads. An unknown body (when the plan's own
// owner is known, or the file names it) and a body listed twice are errors.
func (s *Site) resolveOwners(errs *diag.List, a *Action, full, planOwnerKnown bool) {
	if len(a.Owners) == 0 {
		if a.Owner == "" {
			a.Owner = s.Plan.Owner
		}
		if a.Owner != "" {
			a.Owners = []string{a.Owner} // a list of its own: the loader's may be shared
		}
	}
	if len(a.Owners) > 0 {
		a.Owner = a.Owners[0]
	}
	a.OwnerBody, a.OwnerBodies = nil, nil
	_, named := a.At["owner"]
	seen := make(map[string]bool, len(a.Owners))
	for i, id := range a.Owners {
		at := listAt(&a.Item, "owner", i)
		switch {
		case id == "":
			if full {
				errs.Add(at, "owner: entry %d is empty; write a body id (the first body listed leads the action)", i+1)
			}
			continue
		case seen[Fold(id)]:
			if full {
				errs.Add(at, "owner: %q is listed twice; list each body once (the first leads the action, the others co-own it)", id)
			}
			continue
		}
		seen[Fold(id)] = true
		b := s.ByBody[id]
		if b == nil {
			if full && (planOwnerKnown || named) {
				errs.Add(at, "unknown body %q as owner%s", id, didYouMean(id, keys(s.ByBody)))
			}
			continue
		}
		a.OwnerBodies = append(a.OwnerBodies, b)
		if i == 0 {
			a.OwnerBody = b
			b.Actions = append(b.Actions, a)
		}
	}
}

// resolveAddressees sorts an action's addressees into the bodies it names by id and the
// kinds (or all) it names. An addressee that is neither is an error with the nearest id
// or kind; one listed twice is a warning.
func (s *Site) resolveAddressees(errs *diag.List, a *Action, full bool) {
	a.AddresseeBodies, a.AddresseeKinds = nil, nil
	seen := make(map[string]bool, len(a.Addressees))
	for i, x := range a.Addressees {
		at := listAt(&a.Item, "addressees", i)
		if seen[x] {
			if full {
				errs.Warn(at, "addressees: %q is listed twice; list it once", x)
			}
			continue
		}
		seen[x] = true
		switch {
		case x == AddressAll || slices.Contains(BodyKinds, x):
			a.AddresseeKinds = append(a.AddresseeKinds, x)
		case s.ByBody[x] != nil:
			a.AddresseeBodies = append(a.AddresseeBodies, s.ByBody[x])
		case full:
			words := append(append(keys(s.ByBody), BodyKinds...), AddressAll)
			errs.Add(at, "unknown addressee %q%s (want a body id, a kind of body: %s, or all)", x, didYouMean(x, words), strings.Join(BodyKinds, ", "))
		}
	}
}

// AddressedTo lists the actions of this portal's plan addressed to b, by its id, by its
// kind or to all bodies, in plan order, each once, leaving out those b owns: they are its
// own to carry out. It merges lists kept by kind, so that an action addressed to all is
// stored once however many bodies there are; it runs after Derive.
func (s *Site) AddressedTo(b *Body) []*Action {
	lists := [][]*Action{b.Addressed, s.ByAddressee[b.Kind], s.ByAddressee[AddressAll]}
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	if n == 0 {
		return nil
	}
	out := make([]*Action, 0, n)
	for _, l := range lists {
		for _, a := range l {
			if !slices.Contains(a.OwnerBodies, b) {
				out = append(out, a)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].place < out[j].place })
	return slices.CompactFunc(out, func(x, y *Action) bool { return x == y })
}

// resolveReactions links every reaction to its item and voter, and records in its
// Problems what makes it unfit to count whoever cast it: an unknown item or voter, no
// vote at all, or a second file of the same voter on the same item. The trust stage
// turns Problems into the reason shown.
func (s *Site) resolveReactions(sd said) {
	// "<item>/<voter>" of well-formed files named <voter>.yaml, made only when a file was
	// read with problems: most sites have none, and 100,000 votes make a large map.
	var canonical map[string]bool
	for _, r := range s.Reactions {
		if r.Verdict == nil {
			r.Verdict = Unjudged // one made without a verdict (by a test, or a damaged cache)
		}
		if len(r.Problems()) > 0 && canonical == nil {
			canonical = map[string]bool{}
		}
	}
	if canonical != nil {
		for _, r := range s.Reactions {
			if path.Base(r.File) == r.Voter()+".yaml" && len(r.Problems()) == 0 {
				canonical[r.ItemKey()+"/"+r.Voter()] = true
			}
		}
	}
	// The reactions come in the order of their files, an item's one after the other: its
	// key is looked up once for all of them.
	var (
		lastKey   string
		lastOn    *Item
		lastAmend *Amendment
		looked    bool
	)
	for _, r := range s.Reactions {
		at := diag.Pos{File: r.File, Line: 1, Col: 1}
		reason := ""
		if !looked || r.ItemKey() != lastKey {
			lastKey, lastOn, lastAmend, looked = r.ItemKey(), s.Items[r.ItemKey()], s.amendByKey[r.ItemKey()], true
		}
		if len(r.Problems()) > 0 { // read by the content loader: misnamed or unreadable
			reason = ReasonMalformed
			if v := CanonicalVoter(path.Base(r.File)); path.Base(r.File) != v+".yaml" && canonical[r.ItemKey()+"/"+v] {
				sd.add(&r.Own().Problems, at, Say("duplicate", "%s.yaml holds the vote of %q on this item: remove this file", v, v))
				reason = ReasonDuplicate
			}
		}
		r.On = lastOn
		if r.Extra != nil {
			r.Extra.Amendment = nil
		}
		if a := lastAmend; a != nil && r.On == nil {
			r.On, r.Own().Amendment = a.On, a
			if r.Priority != 0 && reason == "" {
				sd.add(&r.Own().Problems, at, Say("amendment-priority", "an amendment takes votes, not priorities: remove priority: %d", r.Priority))
				reason = ReasonMalformed
			}
		}
		if r.On != nil && r.On.Section == Bodies {
			r.On = nil
			sd.add(&r.Own().Problems, at, Say("body-reaction", "bodies do not take reactions; vote on a proposal, practice or plan item"))
		} else if r.On == nil {
			sd.add(&r.Own().Problems, at, unknownItem(r.ItemKey()))
		}
		if r.On == nil && reason == "" {
			reason = ReasonUnknownItem
		}
		if b := s.ByBody[r.Voter()]; b != nil {
			r.VoterBody = b
		} else if reason == "" {
			sd.add(&r.Own().Problems, at, Say("unknown-voter", "unknown voter %q: a reaction file is named after a registered body id%s", r.Voter(), Technical(didYouMean(r.Voter(), keys(s.ByBody)))))
			reason = ReasonUnknownVoter
		}
		if r.Vote() == "" && r.Priority == 0 && reason == "" {
			sd.add(&r.Own().Problems, at, Say("no-vote", "a reaction needs a vote (support, oppose or abstain) or a priority (1 to 5)"))
			reason = ReasonMalformed
		}
		if reason != "" {
			v := *r.Verdict // a reaction's verdict is replaced, never changed
			v.Reason, v.Detail = reason, r.Problems()[0].Msg
			if reason == ReasonDuplicate {
				v.Detail = r.Problems()[len(r.Problems())-1].Msg
			}
			v.Sentences = sd.of(v.Detail)
			r.Verdict = &v
		}
	}
}

// CanonicalVoter is the voter id a reaction file name stands for: the name up to its
// first dot, in lower case, with '-' and spaces as '_'; "" when nothing valid is left.
// Two files of one item with the same canonical voter are one body's vote twice.
func CanonicalVoter(name string) string {
	base, _, _ := strings.Cut(name, ".")
	var b strings.Builder
	for _, c := range strings.ToLower(base) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			b.WriteRune(c)
		case c == '-' || c == ' ':
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 || b.Len() > 64 {
		return ""
	}
	return b.String()
}

// CanonicalFile is the form of a contribution's path that the duplicate rule compares:
// in a reactions folder, the voter a file name stands for (CanonicalVoter) and its
// extensions, without case; elsewhere the path without case. Two paths with the same
// CanonicalFile are the same contribution.
func CanonicalFile(p string) string {
	dir, name := path.Split(p)
	dir = strings.ToLower(dir)
	if strings.HasSuffix(dir, "/reactions/") || strings.HasSuffix(dir, "/supports/") {
		if v := CanonicalVoter(name); v != "" {
			ext := ""
			if i := strings.IndexByte(name, '.'); i >= 0 {
				ext = strings.ToLower(name[i:])
			}
			return dir + v + ext
		}
	}
	return dir + strings.ToLower(name)
}

func unknownItem(key string) Sentence {
	if item, aid, ok := strings.Cut(key, "/amendments/"); ok {
		return Say("unknown-amendment", "unknown amendment %q: there is no content/%s/amendments/%s.md", key, item, aid)
	}
	return Say("unknown-item", "unknown item %q: there is no content/%s/index.md or content/%s.md", key, key, key)
}

// index builds the id maps and reports duplicate ids, including ids that differ only by
// case or Unicode normalisation, and plan ids used at two levels.
func (s *Site) index(errs *diag.List) {
	s.Items = map[string]*Item{}
	s.ByBody = map[string]*Body{}
	s.propByID = map[string]*Proposal{}
	s.pracByID = map[string]*Practice{}
	s.planItems = map[string]*Item{}
	s.planByID = map[string]PlanItem{}
	folded := map[string]*Item{} // section + folded id, and "plan/" + folded id
	add := func(it *Item) bool {
		f := string(it.Section) + "/" + Fold(it.ID)
		if prev := folded[f]; prev != nil {
			errs.Add(it.Pos, "duplicate id %q in %s: %s already uses it (ids that differ only by case or accents are the same on many file systems); rename one", it.ID, it.Section, prev.File)
			return false
		}
		folded[f] = it
		if KindOf(it.Section) != nil {
			p := "plan/" + Fold(it.ID)
			if prev := folded[p]; prev != nil {
				errs.Add(it.Pos, "id %q is already used by %s; plan ids must be unique across %s", it.ID, prev.File, planKindsWords())
				return false
			}
			folded[p] = it
			s.planItems[it.ID] = it
		}
		s.addItem(it)
		return true
	}
	for _, k := range PlanKinds {
		k.set(s, filter(k.Items(s), func(p PlanItem) bool { return add(p.Base()) }))
		for _, p := range k.Items(s) {
			s.planByID[p.Base().ID] = p
		}
	}
	s.Proposals = filter(s.Proposals, func(p *Proposal) bool { return add(&p.Item) })
	s.Practices = filter(s.Practices, func(p *Practice) bool { return add(&p.Item) })
	s.Bodies = filter(s.Bodies, func(b *Body) bool { return add(&b.Item) })
	for _, p := range s.Proposals {
		s.propByID[p.ID] = p
	}
	for _, p := range s.Practices {
		s.pracByID[p.ID] = p
	}
	for _, b := range s.Bodies {
		s.ByBody[b.ID] = b
	}
	s.ByParticipant = map[string]*Participant{}
	sort.SliceStable(s.Participants, func(i, j int) bool { return s.Participants[i].ID < s.Participants[j].ID })
	s.Participants = filter(s.Participants, func(p *Participant) bool {
		f := string(Participants) + "/" + Fold(p.ID)
		if prev := folded[f]; prev != nil {
			errs.Add(p.Pos, "duplicate handle %q: %s already uses it; rename one", p.ID, prev.File)
			return false
		}
		folded[f] = &p.Item
		s.ByParticipant[p.ID] = p
		return true
	})
}

// AddPractice adds to an indexed site a practice that is no file of it (software read
// from a source's publiccode.yml). It reports false, and changes nothing, when a practice
// already has its id (ignoring case and accents).
func (s *Site) AddPractice(p *Practice) bool {
	f := Fold(p.ID)
	for _, q := range s.Practices {
		if Fold(q.ID) == f {
			return false
		}
	}
	p.Section = Practices
	s.Practices = append(s.Practices, p)
	s.addItem(&p.Item)
	s.pracByID[p.ID] = p
	return true
}

// planKindsWords names the plan kinds for messages: "goals, objectives and actions".
func planKindsWords() string {
	var b strings.Builder
	for i, k := range PlanKinds {
		switch {
		case i == len(PlanKinds)-1 && i > 0:
			b.WriteString(" and ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(k.Plural)
	}
	return b.String()
}

func filter[T any](in []T, keep func(T) bool) []T {
	out := in[:0]
	for _, x := range in {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// Fold maps an id to the form under which two ids count as the same: Unicode NFC, lower case.
func Fold(id string) string {
	for i := 0; i < len(id); i++ {
		if id[i] >= 0x80 {
			return strings.ToLower(norm.NFC.String(id))
		}
	}
	return strings.ToLower(id) // ASCII is in NFC already
}

var (
	idRE   = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9_-]{0,98}[a-z0-9])?$`)
	agidRE = regexp.MustCompile(`^[A-Za-z]{1,8}\.?[0-9]+(\.[0-9]+){0,4}$`)
)

// ValidID reports whether id is a valid item id: lower-case letters, digits, - and _,
// starting and ending with a letter or digit, at most 100 characters.
func ValidID(id string) bool { return idRE.MatchString(id) }

// Slug turns a name into a valid id (see package slug): how tags become URL paths.
func Slug(s string) string { return slug.Make(s) }

func checkAgID(errs *diag.List, it *Item, codes []string) {
	for i, c := range codes {
		if !agidRE.MatchString(c) {
			errs.Add(listAt(it, "agid", i), "agid: %q is not an AgID objective code (letters, digits and dots, e.g. OB.1.1)", c)
		}
	}
}

// checkTags drops empty and duplicate tags and reports tags that cannot become a URL.
func checkTags(errs *diag.List, it *Item, tags []string) []string {
	var out []string
	seen := map[string]bool{}
	for i, t := range tags {
		t = strings.TrimSpace(t)
		sl := Slug(t)
		switch {
		case sl == "":
			errs.Add(listAt(it, "tags", i), "tag %q has no letters or digits", t)
		case len(t) > 60:
			errs.Add(listAt(it, "tags", i), "tag %q is longer than 60 characters", t)
		case !seen[sl]:
			seen[sl] = true
			out = append(out, t)
		}
	}
	return out
}

// safeURL reports whether u is an absolute http(s) URL, or a mailto: one when mail is true.
func safeURL(u string, mail bool) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch strings.ToLower(p.Scheme) {
	case "http", "https":
		return p.Host != ""
	case "mailto":
		return mail && p.Opaque != ""
	}
	return false
}

func listAt(it *Item, key string, i int) diag.Pos {
	if p, ok := it.At[key+"."+itoa(i)]; ok {
		return p
	}
	return it.at(key)
}

func planAt(p *Plan, key string) diag.Pos {
	if pos, ok := p.At[key]; ok {
		return pos
	}
	return diag.Pos{File: p.File, Line: 1, Col: 1}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func didYouMean(word string, candidates []string) string {
	if s := diag.Suggest(word, candidates); s != "" {
		return "; did you mean " + `"` + s + `"?`
	}
	return ""
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func day(t time.Time) string { return t.Format("2006-01-02") }

// forgeAccount tells whether s can be a user name on GitHub, GitLab or Gitea: letters,
// digits, '-', '_' and '.', starting with a letter or digit, at most 255 bytes.
func forgeAccount(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case i > 0 && (c == '-' || c == '_' || c == '.'):
		default:
			return false
		}
	}
	return true
}
