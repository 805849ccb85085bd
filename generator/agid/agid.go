// Package agid reads an edition of AgID's three-year plan (Piano Triennale per
// l'informatica nella Pubblica Amministrazione) from the reStructuredText sources AgID
// publishes (the italia/pianotriennale-ict-doc repository, one edition per branch), into a
// read-only reference: its chapters, objectives (OB.x.y), expected results with their
// yearly targets (R.A.x.ya, RAx.y.z) and lines of action (CAPx.LAyy, CAPx.PA.LAyy,
// CAPx.yy, CAPx.PA.yy), each with its deadline and its owners or addressees as written.
//
// The editions do not write these the same way, and the parser reads what each does:
//
//   - 2020-2022 to 2022-2024: per chapter, a file "Obiettivi e risultati attesi" with the
//     objectives as paragraphs ("OB.1.1 - Migliorare…") and the results as bullets
//     ("R.A.1.1a - **…**") whose nested bullets are the targets ("Target 2022 - …",
//     "Baseline dicembre 2020 - …"); then "Cosa devono fare AGID…" and "Cosa devono fare
//     le PA" with the objective in bold and the lines of action as bullets
//     ("**Dicembre 2021** - text - (AGID e Dipartimento…) - **CAP1.LA11**").
//   - 2024-2026: per topic, a section "Obiettivo 3.1 - …" whose results are subsections
//     ("RA3.1.1 - …", targets as bullets, "Monitoraggio 2024" as the baseline), then
//     "Linee di azione istituzionali" and "Linee di azione per le PA" grouped under the
//     result codes ("RA3.1.1" alone), with codes written plain ("- CAP3.PA.01").
//
// The input is untrusted text from another repository: Parse never panics, bounds what it
// keeps (MaxObjectives, MaxResults, MaxActions), and reports what it cannot read as
// warnings at file:line. Its output depends only on the files' names and bytes.
package agid

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Bounds on what one edition may bring: the real editions have 7-8 chapters, 20-26
// objectives, about 60 results and 280 lines of action.
const (
	MaxFiles      = 2000
	MaxFileSize   = 1 << 20
	MaxObjectives = 500
	MaxResults    = 2000
	MaxActions    = 5000
	maxText       = 4000 // runes kept of one text
)

// Plan is one edition of AgID's plan, as read.
type Plan struct {
	Title      string       // the edition's title, from index.rst, e.g. "Piano Triennale … 2024-2026"
	Chapters   []*Chapter   // by number
	Objectives []*Objective // by chapter, then number
	Results    int          // how many results, over all objectives
	Actions    int          // how many lines of action, over all objectives

	byCode map[string]*Objective
	codes  map[string]string // result and action codes, upper case → objective code
}

// Chapter is a chapter of the plan.
type Chapter struct {
	Number     int
	Title      string // as written after "Capitolo N", e.g. "Servizi"; "" when no file names it
	Objectives []*Objective
}

// Objective is an objective of the plan: OB.x.y, x being its chapter.
type Objective struct {
	Code    string // normalised: OB.<chapter>.<n>
	Title   string
	Chapter int
	Results []*Result
	Actions []*Action // institutional lines first, then the PAs', each by code
	Pos     diag.Pos  // where it is first defined
	n       int       // its number within the chapter
}

// Result is an expected result of an objective, with its targets.
type Result struct {
	Code    string // as written, without spaces: R.A.1.1a, RA3.1.1
	Title   string
	Targets []Target
	Pos     diag.Pos
}

// Target is one year's target of a result, or its baseline.
type Target struct {
	Label    string // as written: "Target 2025", "Baseline dicembre 2020", "Monitoraggio 2024"
	Year     int    // the year the label names, 0 when none
	Baseline bool   // a baseline or a measurement ("Baseline", "Monitoraggio"), not a target
	Text     string
}

// Action is a line of action.
type Action struct {
	Code     string // as written: CAP1.LA11, CAP1.PA.LA07, CAP3.04, CAP3.PA.01
	Text     string
	Deadline string // as written, e.g. "Entro dicembre 2023", "Da gennaio 2024", "Dicembre 2025 *"
	Year     int    // the deadline's year and month (1-12; 0 when not said)
	Month    int
	Since    bool     // the deadline says from when ("Da settembre 2020"), not by when
	Owners   []string // who carries it out, as written ("AGID", "Dipartimento per la Trasformazione Digitale")
	// Addressees are whom a line of action for the PAs asks to act, as written ("Le PAL",
	// "Le Regioni"; "PA" when the text does not say), and Kinds the kinds of body they
	// are (pspm's body kinds, or "all").
	Addressees string
	Kinds      []string
	PA         bool   // a line of action for the PAs (CAPx.PA.…), not an institutional one
	Done       bool   // the edition lists it among those concluded
	Result     string // the result it is listed under (2024-2026), or ""
	Pos        diag.Pos
}

// Objective returns the objective with the given code (compared without case), or nil.
func (p *Plan) Objective(code string) *Objective {
	if p == nil {
		return nil
	}
	return p.byCode[strings.ToUpper(code)]
}

// Of returns the objective a result or line of action code belongs to, or "".
func (p *Plan) Of(code string) string {
	if p == nil {
		return ""
	}
	return p.codes[strings.ToUpper(code)]
}

// Closest returns up to n objective codes nearest to code by edit distance (at most 3
// edits), nearest first, then in the plan's order: the did-you-mean of an unknown code.
func (p *Plan) Closest(code string, n int) []string {
	if p == nil {
		return nil
	}
	type cand struct {
		code string
		d, i int
	}
	var cs []cand
	want := strings.ToUpper(code)
	for i, o := range p.Objectives {
		if d := distance(want, o.Code); d <= 3 {
			cs = append(cs, cand{o.Code, d, i})
		}
	}
	slices.SortFunc(cs, func(a, b cand) int { return cmp.Or(a.d-b.d, a.i-b.i) })
	var out []string
	for _, c := range cs[:min(n, len(cs))] {
		out = append(out, c.code)
	}
	return out
}

// File is one source file of an edition.
type File struct {
	Name string // its path in the repository, slash-separated
	Data []byte
}

// Parse reads an edition from its .rst files. Problems are warnings in errs, at the
// files' names and lines (callers map them to where the files are kept). Files are read
// in the order of their names.
func Parse(files []File, errs *diag.List) *Plan {
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b File) int { return strings.Compare(a.Name, b.Name) })
	b := &builder{plan: &Plan{byCode: map[string]*Objective{}, codes: map[string]string{}}, errs: errs, chapters: map[int]*Chapter{}, actions: map[string]diag.Pos{}}
	for i, f := range files {
		if i >= MaxFiles {
			errs.Warn(diag.Pos{File: f.Name}, "more than %d files: this one and the rest are not read", MaxFiles)
			break
		}
		if len(f.Data) > MaxFileSize {
			errs.Warn(diag.Pos{File: f.Name}, "the file is over %d KiB: it is not read", MaxFileSize>>10)
			continue
		}
		b.file(f)
	}
	return b.finish()
}

// builder is the state of one Parse.
type builder struct {
	plan     *Plan
	errs     *diag.List
	chapters map[int]*Chapter
	actions  map[string]diag.Pos // codes seen, for duplicates

	// per file
	name    string
	obj     *Objective
	res     *Result
	target  *Target
	tindent int // the indent of target's paragraph
	done    bool
	full    bool // a bound was reached and reported
}

func (b *builder) at(line int) diag.Pos { return diag.Pos{File: b.name, Line: line} }

func (b *builder) file(f File) {
	b.name, b.obj, b.res, b.target, b.done = f.Name, nil, nil, nil, false
	data := f.Data
	if !utf8.Valid(data) {
		data = []byte(strings.ToValidUTF8(string(data), "\uFFFD"))
		b.errs.Warn(b.at(0), "the file is not valid UTF-8: the invalid bytes are read as \uFFFD")
	}
	first := true
	for _, blk := range blocks(string(data)) {
		if !blk.title && b.target == nil && !worthReading(blk.text) {
			continue // prose: nothing the plan's structure is written in
		}
		text := plain(blk.text)
		if blk.title {
			if first {
				b.firstTitle(text)
			}
			first = false
			b.target, b.done = nil, false
		}
		if text == "" {
			continue
		}
		b.block(blk, text)
	}
}

// worthReading tells, before its markup is read, whether a paragraph may be an
// objective, a result, a target, a line of action or a heading of lines of action: most
// of an edition is prose that is none of them.
func worthReading(raw string) bool {
	if strings.Contains(raw, "CAP") {
		return true
	}
	head := strings.ToLower(raw[:min(len(raw), 160)])
	if strings.Contains(head, "conclu") || strings.Contains(head, "linee d") {
		return true // "Le seguenti linee d'azione sono concluse:"
	}
	head = strings.TrimLeft(head, "*`\\| _")
	for _, k := range []string{"ob", "r.a", "ra", "r. a", "target", "baseline", "monitoraggio"} {
		if strings.HasPrefix(head, k) {
			return true
		}
	}
	return false
}

// firstTitle reads the title of a file: a chapter's ("Capitolo 3 - Servizi") or, in
// index.rst, the edition's.
func (b *builder) firstTitle(text string) {
	if m := chapterRE.FindStringSubmatch(text); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n < 1 || n > 99 {
			return
		}
		c := b.chapter(n)
		if c.Title == "" {
			c.Title = clip(strings.TrimSpace(m[2]))
		}
		return
	}
	if pathBase(b.name) == "index.rst" && b.plan.Title == "" {
		b.plan.Title = clip(text)
	}
}

func (b *builder) chapter(n int) *Chapter {
	c := b.chapters[n]
	if c == nil {
		c = &Chapter{Number: n}
		b.chapters[n] = c
	}
	return c
}

func (b *builder) block(blk block, text string) {
	switch {
	case objectiveRE.MatchString(text):
		b.objective(blk, text)
	case resultRE.MatchString(text):
		b.result(blk, text)
	case blk.bullet && actionCodeRE.MatchString(text):
		b.action(blk, text)
	case b.res != nil && targetRE.MatchString(text):
		m := targetRE.FindStringSubmatch(text)
		label := strings.TrimSpace(m[1] + " " + strings.TrimSpace(m[2]))
		t := Target{Label: clip(label), Year: year(label), Text: clip(strings.TrimSpace(m[3]))}
		t.Baseline = !strings.EqualFold(m[1], "target")
		if len(b.res.Targets) >= 50 {
			return
		}
		b.res.Targets = append(b.res.Targets, t)
		b.target, b.tindent = &b.res.Targets[len(b.res.Targets)-1], blk.indent
	case b.target != nil && blk.indent > b.tindent && !blk.title:
		// The nested bullets of "Target 2021:" are its text.
		b.target.Text = clip(strings.TrimPrefix(b.target.Text+"; "+text, "; "))
	default:
		b.target = nil
		low := strings.ToLower(text)
		switch {
		case strings.Contains(low, "sono concluse") || strings.Contains(low, "sono state concluse"):
			b.done = true
		case strings.Contains(low, "devono concludersi") || strings.Contains(low, "linee di azione"):
			b.done = false
		}
	}
}

func (b *builder) objective(blk block, text string) {
	m := objectiveRE.FindStringSubmatch(text)
	ch, n := atoi(m[1]+m[3]), atoi(m[2]+m[4])
	b.res, b.target = nil, nil
	if ch < 1 || ch > 99 || n < 1 || n > 999 {
		b.errs.Warn(b.at(blk.line), "objective %q: its number is out of range (chapter 1-99, objective 1-999): it is not read", clip(text))
		b.obj = nil
		return
	}
	code := "OB." + strconv.Itoa(ch) + "." + strconv.Itoa(n)
	title := strings.TrimSpace(m[5])
	if o := b.plan.byCode[code]; o != nil {
		b.obj = o
		if o.Title == "" {
			o.Title = clip(title)
		}
		return
	}
	if len(b.plan.Objectives) >= MaxObjectives {
		b.bound("objectives", MaxObjectives, blk.line)
		b.obj = nil
		return
	}
	o := &Objective{Code: code, Title: clip(title), Chapter: ch, n: n, Pos: b.at(blk.line)}
	b.plan.byCode[code] = o
	b.plan.Objectives = append(b.plan.Objectives, o)
	b.chapter(ch)
	b.obj = o
}

func (b *builder) result(blk block, text string) {
	m := resultRE.FindStringSubmatch(text)
	code := strings.ToUpper(spaceRE.ReplaceAllString(m[1], ""))
	code = code[:len(code)-1] + strings.ToLower(code[len(code)-1:]) // R.A.1.1a keeps its letter
	title := strings.TrimSpace(m[2])
	b.target = nil
	if title == "" {
		// A result named alone groups the lines of action under it (2024-2026).
		if obj := b.plan.codes[strings.ToUpper(code)]; obj != "" {
			b.obj = b.plan.byCode[obj]
			for _, r := range b.obj.Results {
				if strings.EqualFold(r.Code, code) {
					b.res = r
				}
			}
			return
		}
		b.errs.Warn(b.at(blk.line), "%s: no expected result has this code in the edition (a result is written \"%s - title\" under its objective): the lines of action below it are listed under the objective only", code, code)
		b.res = nil
		return
	}
	if b.obj == nil {
		b.errs.Warn(b.at(blk.line), "expected result %s is not under an objective (OB.x.y - title, or Obiettivo x.y - title): it is left out", code)
		b.res = nil
		return
	}
	if obj := b.plan.codes[strings.ToUpper(code)]; obj != "" {
		b.errs.Warn(b.at(blk.line), "expected result %s again (it is under %s already): the first is kept", code, obj)
		b.res = nil
		return
	}
	if b.plan.Results >= MaxResults {
		b.bound("expected results", MaxResults, blk.line)
		b.res = nil
		return
	}
	r := &Result{Code: code, Title: clip(title), Pos: b.at(blk.line)}
	b.obj.Results = append(b.obj.Results, r)
	b.plan.codes[strings.ToUpper(code)] = b.obj.Code
	b.plan.Results++
	b.res = r
}

func (b *builder) action(blk block, text string) {
	m := actionCodeRE.FindStringSubmatchIndex(text)
	code := strings.ToUpper(text[m[2]:m[3]])
	body := strings.TrimRight(strings.TrimSpace(text[:m[0]]), " -–—")
	b.target = nil
	if b.obj == nil {
		b.errs.Warn(b.at(blk.line), "line of action %s is not under an objective (OB.x.y, Obiettivo x.y or a result code before it): it is left out", code)
		return
	}
	if p, dup := b.actions[code]; dup {
		b.errs.Warn(b.at(blk.line), "line of action %s again (first at %s): the first is kept", code, p)
		return
	}
	if b.plan.Actions >= MaxActions {
		b.bound("lines of action", MaxActions, blk.line)
		return
	}
	a := &Action{Code: code, PA: strings.Contains(code, ".PA."), Done: b.done, Pos: b.at(blk.line)}
	if b.res != nil {
		a.Result = b.res.Code
	}
	if d := deadlineRE.FindStringSubmatch(body); d != nil {
		a.Deadline = strings.TrimSpace(d[1])
		body = strings.TrimSpace(d[2])
		a.Year, a.Month = year(a.Deadline), month(a.Deadline)
		low := strings.ToLower(a.Deadline)
		a.Since = strings.HasPrefix(low, "da") || strings.HasPrefix(low, "a partire")
	}
	if owners, rest, ok := trailingOwners(body); ok {
		a.Owners, body = owners, rest
	}
	if a.PA {
		a.Addressees, a.Kinds = addressees(body)
	}
	a.Text = clip(body)
	if a.Text == "" {
		b.errs.Warn(b.at(blk.line), "line of action %s has no text (want \"**deadline** - text - (owners) - %s\")", code, code)
	}
	b.actions[code] = a.Pos
	b.obj.Actions = append(b.obj.Actions, a)
	b.plan.codes[code] = b.obj.Code
	b.plan.Actions++
}

func (b *builder) bound(what string, n, line int) {
	if !b.full {
		b.errs.Warn(b.at(line), "more than %d %s in the edition: the rest are left out", n, what)
		b.full = true
	}
}

func (b *builder) finish() *Plan {
	p := b.plan
	slices.SortStableFunc(p.Objectives, func(x, y *Objective) int { return cmp.Or(x.Chapter-y.Chapter, x.n-y.n) })
	for _, o := range p.Objectives {
		slices.SortStableFunc(o.Actions, func(x, y *Action) int {
			if x.PA != y.PA {
				if x.PA {
					return 1
				}
				return -1
			}
			return naturalCompare(x.Code, y.Code)
		})
		c := b.chapter(o.Chapter)
		c.Objectives = append(c.Objectives, o)
	}
	for _, c := range b.chapters {
		if len(c.Objectives) > 0 {
			p.Chapters = append(p.Chapters, c)
		}
	}
	slices.SortFunc(p.Chapters, func(x, y *Chapter) int { return x.Number - y.Number })
	return p
}

// naturalCompare orders codes with their numbers compared as numbers: CAP1.LA2 before
// CAP1.LA10.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, _ := strconv.Atoi(a[:min(da, 9)])
			nb, _ := strconv.Atoi(b[:min(db, 9)])
			if na != nb {
				return na - nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func digits(s string) int {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// trailingOwners splits "text - (AGID e DTD)" into the owners and the text.
func trailingOwners(s string) ([]string, string, bool) {
	if !strings.HasSuffix(s, ")") {
		return nil, s, false
	}
	depth := 0
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				before := strings.TrimRight(s[:i], " ")
				if !strings.HasSuffix(before, "-") && !strings.HasSuffix(before, "–") && !strings.HasSuffix(before, "—") && before != "" {
					return nil, s, false
				}
				inner := strings.TrimSpace(s[i+1 : len(s)-1])
				var owners []string
				for _, o := range splitOwners(inner) {
					if o = strings.TrimSpace(o); o != "" && len(owners) < 20 {
						owners = append(owners, clip(o))
					}
				}
				if len(owners) == 0 {
					return nil, s, false
				}
				return owners, strings.TrimRight(before, " -–—"), true
			}
		}
	}
	return nil, s, false
}

// addressees reads whom a line of action for the PAs addresses from how its text
// begins ("Le PAL aderiscono…").
func addressees(text string) (string, []string) {
	low := strings.ToLower(text)
	for _, a := range addresseeTable {
		if strings.HasPrefix(low, a.prefix) {
			return text[:len(a.prefix)], a.kinds
		}
	}
	return "PA", []string{"all"}
}

var (
	local   = []string{"region", "province", "metropolitan-city", "municipality"}
	central = []string{"ministry", "agency"}
)

// addresseeTable maps how the plan names its addressees to pspm's body kinds, longest
// first.
var addresseeTable = []struct {
	prefix string
	kinds  []string
}{
	{"le pubbliche amministrazioni centrali", central},
	{"le pubbliche amministrazioni locali", local},
	{"le amministrazioni centrali", central},
	{"le amministrazioni locali", local},
	{"le pubbliche amministrazioni", []string{"all"}},
	{"le amministrazioni", []string{"all"}},
	{"le autorità municipali", []string{"municipality"}},
	{"le città metropolitane", []string{"metropolitan-city"}},
	{"le aziende sanitarie", []string{"health-authority"}},
	{"le pa centrali", central},
	{"le pa locali", local},
	{"le università", []string{"university"}},
	{"le regioni", []string{"region"}},
	{"le province", []string{"province"}},
	{"i comuni", []string{"municipality"}},
	{"le asl", []string{"health-authority"}},
	{"le pac", central},
	{"le pal", local},
	{"le pa", []string{"all"}},
}

func atoi(s string) int {
	if len(s) > 6 {
		return -1
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func year(s string) int {
	if m := yearRE.FindString(s); m != "" {
		return atoi(m)
	}
	return 0
}

var months = []string{"gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"}

func month(s string) int {
	low := strings.ToLower(s)
	for i, m := range months {
		if strings.Contains(low, m) {
			return i + 1
		}
	}
	return 0
}

// clip bounds a text to maxText runes.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxText {
		return s
	}
	r := []rune(s)
	return string(r[:maxText]) + "…"
}

func pathBase(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// distance is the Levenshtein distance between a and b, capped for long input: a code
// in a contributed file may be of any length.
func distance(a, b string) int {
	if utf8.RuneCountInString(a) > 64 || utf8.RuneCountInString(b) > 64 {
		return 1 << 20
	}
	return diag.Distance(a, b)
}
