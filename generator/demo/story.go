package demo

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/signature"
)

// member is a member of a body, as its file lists it.
type member struct{ name, email string }

func (m member) person(t time.Time) history.Person {
	return history.Person{Name: m.name, Email: m.email, When: t}
}

// step is one landing on the main branch: a maintainer's own commit, or a merge
// request (a contributor's commit, merged by a maintainer).
type step struct {
	at  time.Time // when it landed: the committer time of the main branch's commit
	seq int       // the order steps were told in, for steps landing at the same time
	by  member    // the maintainer who made or merged it
	// author, when set, made the merged commit at authored; branch names the merge
	// request's branch.
	author   *member
	authored time.Time
	branch   string
	title    string            // the subject of the change
	files    map[string][]byte // files written
	plan     bool              // the plan's files are brought to their state at at
	tag      string            // a plan version tagged on this commit
	tagNote  string
	signed   bool // the tag is signed with the demo key
}

// phase is a phase of the plan: the days it runs (from and to included), what it opens
// to bodies, and what it opens to the community's participants, on which items.
type phase struct {
	from, to  time.Time
	opens     []string
	community []string
	scope     []string
}

// communityOpen says whether the phase opens what (proposals, feedback, supports) to the
// community on item (a key such as "proposals/x" or "plan/actions/y").
func (ph phase) communityOpen(what, item string) bool {
	if !slices.Contains(ph.community, what) {
		return false
	}
	if len(ph.scope) == 0 {
		return true
	}
	for _, sc := range ph.scope {
		if item == sc || strings.HasPrefix(item, sc+"/") {
			return true
		}
	}
	return false
}

// proposal is what the story needs of a proposal's front matter: body, or participant
// for a proposal of the community.
type proposal struct {
	id, body, status string
	participant      string
	authors          []string
	date, answered   time.Time
	closedAt         time.Time // when it stopped taking votes (answered or withdrawn)
}

// story holds the final tree and the steps told so far.
type story struct {
	final     map[string][]byte
	bodies    map[string][]member
	phases    []phase
	proposals map[string]*proposal
	// participants are the community's, by handle.
	participants map[string]*participant
	created      map[string]time.Time // item key ("proposals/x", "plan/actions/y") -> when it landed
	steps        []step
	plan         *planStates
}

// The maintainers of MEF: the first signs the versions and makes MEF's own commits,
// the second merges the merge requests.
var (
	maintainer = member{"Giulia Ferraresi", "giulia.ferraresi@mef.gov.it"}
	merger     = member{"Marco Santangelo", "marco.santangelo@mef.gov.it"}
)

// Fixed days of the story, Rome time.
var (
	start    = day(2025, 1, 9)   // the draft plan and the bodies
	storyEnd = day(2026, 11, 27) // nothing lands after this day
)

// forgedVote is the vote a member of Roma Capitale (c_h501) casts in the name of
// Regione Lazio: shown, never counted.
const forgedVote = "content/proposals/spesa-digitale-scuole/reactions/r_lazio.yaml"

// forger is who forges it: a member of c_h501, not of r_lazio.
var forger = member{"Claudia Rinaldi", "claudia.rinaldi@comune.roma.it"}

func newStory(final map[string][]byte, amendments bool) (*story, error) {
	s := &story{final: final, bodies: map[string][]member{}, proposals: map[string]*proposal{}, participants: map[string]*participant{}, created: map[string]time.Time{}}
	if err := s.readBodies(); err != nil {
		return nil, err
	}
	if err := s.readParticipants(); err != nil {
		return nil, err
	}
	if err := s.readPhases(); err != nil {
		return nil, err
	}
	if err := s.readProposals(); err != nil {
		return nil, err
	}
	plan, err := newPlanStates(final, s)
	if err != nil {
		return nil, err
	}
	s.plan = plan
	s.tellPlan(amendments)
	s.tellParticipants()
	if err := s.tellProposals(); err != nil {
		return nil, err
	}
	if err := s.tellContributions(); err != nil {
		return nil, err
	}
	if err := s.tellModeration(); err != nil {
		return nil, err
	}
	if amendments {
		if err := s.tellAmendments(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// day is midnight of a day in Rome, the time of the story.
func day(y int, m time.Month, d int) time.Time { return rome(y, m, d, 0, 0) }

// rome is a time in Rome: UTC+1, UTC+2 from the last Sunday of March to the last
// Sunday of October (a fixed rule, so that no time zone database is read).
func rome(y int, m time.Month, d, hh, mm int) time.Time {
	u := time.Date(y, m, d, hh, mm, 0, 0, time.UTC)
	lastSunday := func(month time.Month) time.Time {
		t := time.Date(y, month+1, 0, 1, 0, 0, 0, time.UTC)
		return t.AddDate(0, 0, -int(t.Weekday()))
	}
	off := 3600
	if !u.Add(-time.Hour).Before(lastSunday(time.March)) && u.Add(-2*time.Hour).Before(lastSunday(time.October)) {
		off = 7200
	}
	zone := time.FixedZone("CET", off)
	if off == 7200 {
		zone = time.FixedZone("CEST", off)
	}
	return time.Date(y, m, d, hh, mm, 0, 0, zone)
}

// at is the time hh:mm on the day of t.
func at(t time.Time, hh, mm int) time.Time { return rome(t.Year(), t.Month(), t.Day(), hh, mm) }

// hash is a fixed number made from s, to spread times and choices.
func hash(s string) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() & 0x7fffffff)
}

// memberRE reads a body's members; phaseRE a phase of content/plan/_index.md, whose
// community: and scope: the demo's plan writes right after opens:, in that order (the
// community tests fail if the story misreads them: supports would not count).
var (
	memberRE = regexp.MustCompile(`(?m)^  - name: "?([^"\n]+?)"?\n    email: (\S+)$`)
	phaseRE  = regexp.MustCompile(`(?m)^    from: (\S+)\n    to: (\S+)\n    opens: \[([^\]]*)\]$(?:\n    community: \[([^\]]*)\]$)?(?:\n    scope: \[([^\]]*)\]$)?`)
)

func (s *story) readBodies() error {
	for p, data := range s.final {
		id, ok := strings.CutPrefix(p, "content/bodies/")
		if !ok || strings.Contains(id, "/") || !strings.HasSuffix(id, ".md") || strings.Count(id, ".") != 1 {
			continue
		}
		id = strings.TrimSuffix(id, ".md")
		for _, m := range memberRE.FindAllStringSubmatch(string(data), -1) {
			s.bodies[id] = append(s.bodies[id], member{m[1], m[2]})
		}
		if len(s.bodies[id]) == 0 {
			return fmt.Errorf("demo: %s lists no member with an email", p)
		}
	}
	if len(s.bodies["m_ef"]) < 2 || s.bodies["m_ef"][0] != maintainer || s.bodies["m_ef"][1] != merger {
		return fmt.Errorf("demo: content/bodies/m_ef.md must list %s and %s first", maintainer.name, merger.name)
	}
	return nil
}

func (s *story) readPhases() error {
	for _, m := range phaseRE.FindAllStringSubmatch(string(s.final["content/plan/_index.md"]), -1) {
		from, err1 := time.Parse(time.DateOnly, m[1])
		to, err2 := time.Parse(time.DateOnly, m[2])
		if err1 != nil || err2 != nil {
			return fmt.Errorf("demo: content/plan/_index.md: phase dates %s, %s", m[1], m[2])
		}
		s.phases = append(s.phases, phase{from: day(from.Year(), from.Month(), from.Day()), to: day(to.Year(), to.Month(), to.Day()),
			opens: list(m[3]), community: list(m[4]), scope: list(m[5])})
	}
	if len(s.phases) == 0 {
		return fmt.Errorf("demo: content/plan/_index.md has no phases")
	}
	return nil
}

// list is the items of a YAML flow list's inside ("a, b"): nil when empty.
func list(inside string) []string {
	var out []string
	for o := range strings.SplitSeq(inside, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

var (
	keyRE        = regexp.MustCompile(`(?m)^(\w+): (.*)$`)
	answerDateRE = regexp.MustCompile(`(?m)^answer:\n(?:  .*\n)*?  date: (\S+)$`)
)

// frontMatter returns the top-level scalar keys of a file's front matter.
func frontMatter(data []byte) map[string]string {
	fm, _, _ := splitFront(data)
	return keys(fm)
}

// keys returns the top-level scalar keys of YAML text.
func keys(yaml string) map[string]string {
	out := map[string]string{}
	for _, m := range keyRE.FindAllStringSubmatch(yaml, -1) {
		out[m[1]] = strings.Trim(strings.TrimSpace(m[2]), `"`)
	}
	return out
}

// splitFront splits a file into its front matter (without the --- lines) and the rest.
func splitFront(data []byte) (fm, rest string, ok bool) {
	s, found := strings.CutPrefix(string(data), "---\n")
	if !found {
		return "", string(data), false
	}
	i := strings.Index(s, "\n---\n")
	if i < 0 {
		return "", string(data), false
	}
	return s[:i+1], s[i+5:], true
}

func parseDay(v string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, false
	}
	return day(t.Year(), t.Month(), t.Day()), true
}

func (s *story) readProposals() error {
	for p, data := range s.final {
		rest, ok := strings.CutPrefix(p, "content/proposals/")
		id, file, _ := strings.Cut(rest, "/")
		if !ok || file != "index.md" {
			continue
		}
		fm := frontMatter(data)
		d, ok := parseDay(fm["date"])
		if !ok {
			return fmt.Errorf("demo: %s: no date", p)
		}
		pr := &proposal{id: id, body: fm["body"], participant: fm["participant"], status: fm["status"], date: d}
		pr.authors = strings.Split(strings.Trim(fm["authors"], "[]"), ", ")
		if m := answerDateRE.FindStringSubmatch(string(data)); m != nil {
			if pr.answered, ok = parseDay(m[1]); !ok {
				return fmt.Errorf("demo: %s: answer date %q", p, m[1])
			}
		}
		switch {
		case pr.participant != "":
			if s.participants[pr.participant] == nil {
				return fmt.Errorf("demo: %s: participant %q is not registered", p, pr.participant)
			}
		case s.bodies[pr.body] == nil:
			return fmt.Errorf("demo: %s: body %q has no members", p, pr.body)
		}
		s.proposals[id] = pr
		s.created["proposals/"+id] = at(d, 17, 0)
	}
	return nil
}

// memberOf chooses the member of body who makes a contribution: the one named first
// among names when one is, else one chosen by key.
func (s *story) memberOf(body, key string, names ...string) member {
	ms := s.bodies[body]
	for _, n := range names {
		for _, m := range ms {
			if m.name == n {
				return m
			}
		}
	}
	return ms[hash(key)%len(ms)]
}

// add tells a step.
func (s *story) add(st step) {
	st.seq = len(s.steps)
	s.steps = append(s.steps, st)
}

// mr tells a merge request by a member, written at authored and merged at landed.
func (s *story) mr(author member, authored, landed time.Time, branch, title string, files map[string][]byte) {
	s.add(step{at: landed, by: merger, author: &author, authored: authored, branch: branch, title: title, files: files})
}

// tellPlan tells the maintainers' commits of the plan: the draft, the versions and the
// monitoring reports.
func (s *story) tellPlan(amendments bool) {
	first := map[string][]byte{}
	for p, data := range s.final {
		if strings.HasPrefix(p, "content/bodies/") || !strings.HasPrefix(p, "content/") {
			first[p] = data
		}
	}
	s.add(step{at: rome(2025, 1, 9, 10, 0), by: maintainer, title: "Il piano strategico 2025-2027: bozza per la consultazione pubblica, enti registrati", files: first, plan: true})
	for _, e := range s.plan.events {
		if e.amendment && amendments {
			continue // the amendment's merge request brings it (tellAmendments)
		}
		st := step{at: e.at, by: maintainer, title: e.title, plan: true, tag: e.tag, tagNote: e.note, signed: e.signed}
		s.add(st)
	}
}

// tellProposals tells each proposal's merge request, and MEF's answers.
func (s *story) tellProposals() error {
	for _, id := range slices.Sorted(maps.Keys(s.proposals)) {
		pr := s.proposals[id]
		dir := "content/proposals/" + id + "/"
		files := map[string][]byte{}
		final := map[string][]byte{}
		for p, data := range s.final {
			rest, ok := strings.CutPrefix(p, dir)
			if !ok || strings.HasPrefix(rest, "reactions/") || strings.HasPrefix(rest, "feedback/") || strings.HasPrefix(rest, "supports/") {
				continue
			}
			final[p] = data
			if strings.HasPrefix(rest, "index") && strings.HasSuffix(rest, ".md") {
				data = unanswered(data)
			}
			files[p] = data
		}
		author := s.authorOf(pr, id)
		if pr.participant != "" {
			if err := s.communityDay(contribution{path: dir + "index.md", item: "proposals/" + id, body: pr.participant}, "proposals", pr.date); err != nil {
				return err
			}
		}
		s.mr(author, at(pr.date, 9, 30+hash(id)%120), at(pr.date, 17, 0), "proposta-"+id, "Proposta: "+title(s.final[dir+"index.md"]), files)
		switch {
		case !pr.answered.IsZero():
			when := at(pr.answered, 12, 0)
			pr.closedAt = pr.answered
			// An incorporated proposal brings the actions made of it.
			for _, a := range s.plan.fromProposal[id] {
				if s.plan.created[a].Equal(when) {
					maps.Copy(final, s.plan.itemFiles(a, when))
				}
			}
			s.add(step{at: when, by: maintainer, title: "Risposta alla proposta " + id, files: final})
		case pr.status == "under-review":
			s.add(step{at: at(minDay(pr.date.AddDate(0, 0, 14), storyEnd), 12, 0), by: maintainer, title: "Proposta " + id + " in istruttoria", files: final})
		case pr.status == "withdrawn":
			when := minDay(pr.date.AddDate(0, 0, 21), storyEnd)
			pr.closedAt = when
			s.mr(author, at(when, 9, 0), at(when, 17, 0), "ritiro-"+id, "Ritiro della proposta "+id, final)
		}
	}
	return nil
}

// unanswered is a proposal as first written: open, without the answer MEF wrote.
func unanswered(data []byte) []byte {
	fm, rest, ok := splitFront(data)
	if !ok {
		return data
	}
	var out []string
	inAnswer := false
	for line := range strings.SplitSeq(strings.TrimSuffix(fm, "\n"), "\n") {
		if inAnswer && (strings.HasPrefix(line, " ") || line == "") {
			continue
		}
		inAnswer = false
		switch {
		case strings.HasPrefix(line, "answer:"):
			inAnswer = true
			continue
		case strings.HasPrefix(line, "status:"):
			line = "status: open"
		}
		out = append(out, line)
	}
	return []byte("---\n" + strings.Join(out, "\n") + "\n---\n" + rest)
}

func title(data []byte) string { return frontMatter(data)["title"] }

func minDay(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// contribution is a vote or comment file: its item's key, its body and its path.
type contribution struct {
	path, item, body string
	data             []byte
}

// tellContributions tells the practices, comments, votes and supports, each in a merge
// request of its body or participant.
func (s *story) tellContributions() error {
	practices := map[string]map[string][]byte{}
	var feedback, votes, supports []contribution
	for _, p := range slices.Sorted(maps.Keys(s.final)) {
		data := s.final[p]
		if rest, ok := strings.CutPrefix(p, "content/practices/"); ok && !strings.Contains(rest, "/reactions/") && !strings.Contains(rest, "/feedback/") {
			id, _, _ := strings.Cut(rest, "/")
			if practices[id] == nil {
				practices[id] = map[string][]byte{}
			}
			practices[id][p] = data
			continue
		}
		dir, file := path.Split(p)
		folder := path.Base(dir)
		if folder != "reactions" && folder != "feedback" && folder != "supports" || !strings.HasPrefix(p, "content/") || strings.Contains(p, "/amendments/") {
			continue
		}
		item := strings.TrimSuffix(strings.TrimPrefix(path.Dir(path.Dir(p)), "content/"), "/")
		base := strings.TrimSuffix(file, path.Ext(file))
		switch folder {
		case "reactions":
			votes = append(votes, contribution{path: p, item: item, body: base, data: data})
		case "supports":
			supports = append(supports, contribution{path: p, item: item, body: base, data: data})
		default:
			body, _, _ := strings.Cut(base, "-")
			feedback = append(feedback, contribution{path: p, item: item, body: body, data: data})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(practices)) {
		files := practices[id]
		index := files["content/practices/"+id+"/index.md"]
		fm := frontMatter(index)
		d, ok := parseDay(fm["date"])
		if !ok || s.bodies[fm["body"]] == nil {
			return fmt.Errorf("demo: content/practices/%s/index.md: no date or no registered body", id)
		}
		s.mr(s.memberOf(fm["body"], id), at(d, 10, hash(id)%50), at(d, 17, 30), "pratica-"+id, "Buona pratica: "+fm["title"], files)
		s.created["practices/"+id] = at(d, 17, 30)
	}
	for _, f := range feedback {
		d, ok := parseDay(frontMatter(f.data)["date"])
		pa := s.participants[f.body]
		if !ok || s.bodies[f.body] == nil && pa == nil {
			return fmt.Errorf("demo: %s: no date or no registered body or participant", f.path)
		}
		if c, ok := s.itemCreated(f.item); ok && !d.After(c) {
			d = day(c.Year(), c.Month(), c.Day()+1)
		}
		author := func() member { return s.memberOf(f.body, f.path) }
		if pa != nil {
			if err := s.communityDay(f, "feedback", d); err != nil {
				return err
			}
			author = func() member { return pa.person }
		}
		s.mr(author(), at(d, 11, hash(f.path)%50), at(d, 17, 15), "osservazione-"+path.Base(strings.TrimSuffix(f.path, ".md")), "Osservazione su "+f.item, map[string][]byte{f.path: f.data})
	}
	// Votes: each lands on a day its phase opens it, grouped by body and day.
	type group struct {
		body string
		day  string // YYYY-MM-DD: a time.Time is no map key (its location is a pointer)
	}
	groups := map[group]map[string][]byte{}
	for _, v := range votes {
		if s.bodies[v.body] == nil {
			return fmt.Errorf("demo: %s: body %q has no members", v.path, v.body)
		}
		d, err := s.voteDay(v)
		if err != nil {
			return err
		}
		if v.path == forgedVote {
			if slices.Contains(s.bodies[v.body], forger) || !slices.Contains(s.bodies["c_h501"], forger) {
				return fmt.Errorf("demo: %s must be a member of c_h501 and not of %s, to forge %s", forger.email, v.body, v.path)
			}
			s.add(step{at: at(d, 16, 40), by: merger, author: &forger, authored: at(d, 9, 12), branch: "voto-regione-lazio",
				title: "Voto della Regione Lazio sulla proposta spesa-digitale-scuole", files: map[string][]byte{v.path: v.data}})
			continue
		}
		g := group{v.body, d.Format(time.DateOnly)}
		if groups[g] == nil {
			groups[g] = map[string][]byte{}
		}
		groups[g][v.path] = v.data
	}
	keys := slices.SortedFunc(maps.Keys(groups), func(a, b group) int {
		return cmp.Or(strings.Compare(a.day, b.day), strings.Compare(a.body, b.body))
	})
	for i, g := range keys {
		files := groups[g]
		var items []string
		for p := range files {
			items = append(items, strings.TrimPrefix(path.Dir(path.Dir(p)), "content/"))
		}
		slices.Sort(items)
		key := g.body + g.day
		d, _ := parseDay(g.day)
		s.mr(s.memberOf(g.body, key), at(d, 9, hash(key)%240), at(d, 16, i%50), "voti-"+g.body+"-"+g.day,
			"Voti di "+g.body+": "+strings.Join(items, ", "), files)
	}
	return s.tellSupports(supports)
}

// itemCreated says when the item (a key such as "proposals/x" or "plan/actions/y")
// landed, when it did after the first commit.
func (s *story) itemCreated(item string) (time.Time, bool) {
	if t, ok := s.created[item]; ok {
		return t, true
	}
	if id, ok := strings.CutPrefix(item, "plan/actions/"); ok {
		if t, ok := s.plan.created[id]; ok {
			return t, true
		}
	}
	return start, true
}

// voteDay chooses the day a vote lands: the first day after its item landed that lies
// in a phase opening all it carries (a vote, a priority), before its proposal stopped
// taking votes, spread over up to three weeks. A vote whose priority could never land
// in time lands where its vote counts.
func (s *story) voteDay(v contribution) (time.Time, error) {
	var needs []string
	fm := keys(string(v.data))
	if fm["vote"] != "" {
		needs = append(needs, "votes")
	}
	if fm["priority"] != "" {
		needs = append(needs, "priorities")
	}
	created, _ := s.itemCreated(v.item)
	lo := day(created.Year(), created.Month(), created.Day()+1)
	hi := storyEnd
	if id, ok := strings.CutPrefix(v.item, "proposals/"); ok {
		if pr := s.proposals[id]; pr != nil && !pr.closedAt.IsZero() {
			hi = pr.closedAt.AddDate(0, 0, -1)
		}
	}
	for len(needs) > 0 {
		for _, ph := range s.phases {
			if !opensAll(ph.opens, needs) {
				continue
			}
			from, to := maxDay(lo, ph.from), minDay(hi, ph.to)
			if from.After(to) {
				continue
			}
			span := int(to.Sub(from).Hours()/24) + 1
			d := from.AddDate(0, 0, hash(v.path)%min(span, 21))
			return day(d.Year(), d.Month(), d.Day()), nil
		}
		needs = needs[:len(needs)-1]
	}
	return time.Time{}, fmt.Errorf("demo: %s: no day between %s and %s opens its vote", v.path, lo.Format(time.DateOnly), hi.Format(time.DateOnly))
}

func opensAll(opens, needs []string) bool {
	for _, n := range needs {
		if !slices.Contains(opens, n) {
			return false
		}
	}
	return true
}

func maxDay(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// commits turns the steps, in the order they landed, into the commits of the branch.
func (s *story) commits() ([]history.NewCommit, error) {
	steps := slices.Clone(s.steps)
	slices.SortStableFunc(steps, func(a, b step) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.seq, b.seq)) })
	if last := steps[len(steps)-1].at; last.After(storyEnd.AddDate(0, 0, 1)) {
		return nil, fmt.Errorf("demo: a step lands on %s, after the story's end", last)
	}
	signer, err := key()
	if err != nil {
		return nil, err
	}
	tree := map[string][]byte{}
	var out []history.NewCommit
	mrs := 0
	for _, st := range steps {
		next := maps.Clone(tree)
		maps.Copy(next, st.files)
		if st.plan {
			s.plan.apply(next, st.at)
		}
		c := history.NewCommit{Files: next, Author: st.by.person(st.at), Message: st.title + "\n"}
		if st.author != nil {
			mrs++
			c.Merged = []history.NewCommit{{Files: next, Author: st.author.person(st.authored), Message: st.title + "\n"}}
			c.Message = fmt.Sprintf("Merge branch '%s' into '%s'\n\n%s\n\nSee merge request %s!%d\n", st.branch, branch, st.title, project, mrs)
		}
		if st.tag != "" {
			c.Tag, c.TagMessage = st.tag, st.tagNote
			if st.signed {
				c.SignTag = func(payload []byte) ([]byte, error) { return signer.Sign(payload, signature.NamespaceGit) }
			}
		}
		out = append(out, c)
		tree = next
	}
	if !maps.EqualFunc(tree, s.final, func(a, b []byte) bool { return string(a) == string(b) }) {
		var diff []string
		for p := range s.final {
			if string(tree[p]) != string(s.final[p]) {
				diff = append(diff, p)
			}
		}
		for p := range tree {
			if _, ok := s.final[p]; !ok {
				diff = append(diff, p)
			}
		}
		slices.Sort(diff)
		return nil, fmt.Errorf("demo: the story does not end with the embedded content: %d files differ, first %s", len(diff), diff[0])
	}
	return out, nil
}
