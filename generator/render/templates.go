package render

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/number"
)

// layoutOf maps each page kind to its template file under layouts/; the page of an item
// of each plan kind (site.PlanKinds) is <kind name>.html besides (layouts).
var layoutOf = map[string]string{
	"home":           "home.html",
	"plan":           "plan.html",
	"versions":       "versions.html",
	"changes":        "changes.html",
	"monitoring":     "monitoring.html",
	"proposals":      "list.html",
	"practices":      "list.html",
	"tag":            "list.html",
	"federated-plan": "list.html", // the plan of another body's portal (a source)
	"proposal":       "proposal.html",
	"practice":       "practice.html",
	"bodies":         "bodies.html",
	"body":           "body.html",
	"tags":           "tags.html",
	"search":         "search.html",
	"opendata":       "opendata.html",       // every dataset, its fields, licence and downloads
	"agid":           "agid.html",           // AgID's three-year plan, the reference edition
	"agid-objective": "agid-objective.html", // one objective of AgID's plan and what serves it
	"404":            "404.html",
	"moderation":     "moderation.html",   // the portal's rules and every moderation decision
	"moderated":      "moderated.html",    // a proposal or practice a moderation hides
	"participants":   "participants.html", // the community's participants, thresholds reached, how to take part
	"participant":    "participant.html",  // one participant and what they supported, commented and proposed
}

// layouts maps every page kind to its template file: layoutOf and the plan kinds'.
func layouts() map[string]string {
	out := maps.Clone(layoutOf)
	for _, k := range site.PlanKinds {
		out[k.Name] = k.Name + ".html"
	}
	return out
}

// translations are the UI strings of one language, by key, with the language's CLDR plural
// rules and number formats (golang.org/x/text).
type translations struct {
	tag     language.Tag
	strings map[string]string
	printer *message.Printer
}

// newTranslations returns the strings of the language lang (a BCP 47 tag: "it", "en",
// "de"), whose plural rules and number formats come from CLDR.
func newTranslations(lang string, strs map[string]string) translations {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.Und
	}
	if strs == nil {
		strs = map[string]string{}
	}
	return translations{tag: tag, strings: strs, printer: message.NewPrinter(tag)}
}

// loadTranslations merges i18n/<lang>.yaml across the chain: the site's strings win, key
// by key, over the theme's.
func loadTranslations(c *theme.Chain, lang string, errs *diag.List) translations {
	name := "i18n/" + lang + ".yaml"
	all, err := c.ReadAll(name)
	if err != nil {
		errs.Add(diag.Pos{File: name}, "cannot read: %v", err)
	} else if len(all) == 0 {
		errs.Add(diag.Pos{File: name}, "no strings for the language %q: add i18n/%s.yaml to the site (copy the theme's en.yaml and translate its values), or remove %q from languages in pspm.yaml", lang, lang, lang)
	}
	strs := map[string]string{}
	for i := len(all) - 1; i >= 0; i-- { // built-in first, the site last, so it wins
		for k, v := range meta.Strings(name, all[i], errs) {
			strs[k] = v
		}
	}
	if lang != "en" && len(all) > 0 {
		fallBackToEnglish(c, name, strs, errs)
	}
	return newTranslations(lang, strs)
}

// fallBackToEnglish gives strs the English string of every key it lacks, and warns once
// with how many there are: a language file made before the theme gained a string, or a
// new language translated in part, shows those strings in English, not as their keys.
// Plural forms (key.one, key.few, …) belong to each language and are never missing.
func fallBackToEnglish(c *theme.Chain, name string, strs map[string]string, errs *diag.List) {
	all, err := c.ReadAll("i18n/en.yaml")
	if err != nil {
		return
	}
	var quiet diag.List // the English file's own problems are reported by the English pages, if any
	en := map[string]string{}
	for i := len(all) - 1; i >= 0; i-- {
		for k, v := range meta.Strings("i18n/en.yaml", all[i], &quiet) {
			en[k] = v
		}
	}
	var missing []string
	for k, v := range en {
		if _, ok := strs[k]; ok || isPluralForm(k, en) {
			continue
		}
		strs[k] = v
		missing = append(missing, k)
	}
	if len(missing) == 0 {
		return
	}
	sort.Strings(missing)
	shown := missing[:min(5, len(missing))]
	more := ""
	if len(missing) > len(shown) {
		more = fmt.Sprintf(" and %d more", len(missing)-len(shown))
	}
	errs.Warn(diag.Pos{File: name}, "%d strings are not translated (%s%s): pages show them in English; copy them from the theme's i18n/en.yaml and translate them",
		len(missing), strings.Join(shown, ", "), more)
}

// isPluralForm tells whether key is a plural form of another key of strs: key.one,
// key.few, … ("tags.one", "Topic: %s", is a string of its own).
func isPluralForm(key string, strs map[string]string) bool {
	for _, suffix := range pluralSuffixes {
		if base, ok := strings.CutSuffix(key, suffix); ok {
			if _, ok := strs[base]; ok {
				return true
			}
		}
	}
	return false
}

// pluralSuffixes are the keys of the CLDR plural forms other than "other", which is the
// key itself: vote.support.n ("%d favorevoli") and vote.support.n.one ("%d favorevole").
var pluralSuffixes = map[plural.Form]string{
	plural.Zero: ".zero", plural.One: ".one", plural.Two: ".two", plural.Few: ".few", plural.Many: ".many",
}

// T returns the string for key, formatted with args when there are any. A missing key
// shows as the key itself, so a missing translation is visible, never an empty string.
// The first integer among args is a count: the CLDR plural form of the language picks
// key+".one" (or ".zero", ".two", ".few", ".many") when the file has that form, the key
// itself otherwise: "1 giorno", not "1 giorni". Numbers are written the language's way:
// "500.000" and "3,0" in Italian, "500,000" and "3.0" in English.
func (tr translations) T(key string, args ...any) string {
	s, ok := tr.strings[key]
	if !ok {
		return key
	}
	if n := firstCount(args); n >= 0 {
		if suffix, ok := pluralSuffixes[plural.Cardinal.MatchPlural(tr.tag, n, 0, 0, 0, 0)]; ok {
			if form, ok := tr.strings[key+suffix]; ok {
				s = form
				if !strings.Contains(s, "%") { // "1 risultato": the count is written out
					return s
				}
			}
		}
	}
	if len(args) > 0 {
		return tr.sprintf(s, args)
	}
	return s
}

// HTML is T for a string whose arguments are HTML already (escaped by the caller, or
// markup such as a span with a lang attribute): the string itself is escaped.
func (tr translations) HTML(key string, args ...any) template.HTML {
	s, ok := tr.strings[key]
	if !ok {
		return template.HTML(template.HTMLEscapeString(key))
	}
	if n := firstCount(args); n >= 0 {
		if suffix, ok := pluralSuffixes[plural.Cardinal.MatchPlural(tr.tag, n, 0, 0, 0, 0)]; ok {
			if form, ok := tr.strings[key+suffix]; ok {
				s = form
			}
		}
	}
	s = template.HTMLEscapeString(s)
	if len(args) > 0 && strings.Contains(s, "%") {
		s = tr.sprintf(s, args)
	}
	return template.HTML(s)
}

// sprintf is tr.printer.Sprintf(format, args...). A format whose verbs are all %s, with
// as many arguments, all strings, is written here, the same bytes without the printer's
// cost (its catalogue look-up and reflection): the sentences of votes' verdicts are
// written so for every vote, on two pages in each language.
func (tr translations) sprintf(format string, args []any) string {
	if s, ok := sprintStrings(format, args); ok {
		return s
	}
	return tr.printer.Sprintf(format, args...)
}

// sprintStrings writes format with its %s verbs replaced by args in order and %% by %,
// when every verb is one of these, args are as many as the %s and all strings (string or
// template.HTML); ok is false otherwise.
func sprintStrings(format string, args []any) (string, bool) {
	size := len(format)
	for _, a := range args {
		switch v := a.(type) {
		case string:
			size += len(v)
		case template.HTML:
			size += len(v)
		default:
			return "", false
		}
	}
	var b strings.Builder
	b.Grow(size)
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			b.WriteByte(c)
			continue
		}
		if i+1 == len(format) {
			return "", false
		}
		i++
		switch format[i] {
		case '%':
			b.WriteByte('%')
		case 's':
			if n == len(args) {
				return "", false
			}
			switch v := args[n].(type) {
			case string:
				b.WriteString(v)
			case template.HTML:
				b.WriteString(string(v))
			}
			n++
		default:
			return "", false
		}
	}
	if n != len(args) {
		return "", false
	}
	return b.String(), true
}

// Has tells whether the language has a string for key.
func (tr translations) Has(key string) bool {
	_, ok := tr.strings[key]
	return ok
}

// Number writes n the language's way: "500.000" in Italian, "500,000" in English.
func (tr translations) Number(n any) string {
	return tr.printer.Sprint(number.Decimal(n, number.MaxFractionDigits(12)))
}

// OneDecimal writes f with one decimal the language's way: "4,0" in Italian, "4.0" in
// English.
func (tr translations) OneDecimal(f float64) string {
	return tr.printer.Sprint(number.Decimal(f, number.Scale(1)))
}

// Percent writes n per cent the language's way: "45%" in Italian and English, "45 %" in
// German.
func (tr translations) Percent(n int) string {
	return tr.printer.Sprint(number.Percent(float64(n) / 100))
}

// firstCount returns the first integer among args, or -1 when there is none.
func firstCount(args []any) int {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return n
		case int64:
			return int(n)
		}
	}
	return -1
}

var templateLineRE = regexp.MustCompile(`^template: [^:]+:(\d+):(?:(\d+):)? (.*)$`)

// loadTemplates parses baseof.html and the partials with each page's layout. With a
// memo (pspm serve), templates whose files, strings and links are those of the last
// Prepare's are taken from it instead of parsed again.
func (r *renderer) loadTemplates(errs *diag.List, memo *Memo) map[string]*template.Template {
	before := len(*errs)         // templates made with a problem, even a file left out, are not kept
	files := map[string]string{} // the templates' sources, by file
	read := func(name string) bool {
		data, _, err := r.Theme.ReadFile(name)
		if err != nil {
			errs.Add(diag.Pos{File: name}, "cannot read the template: %v", err)
			return false
		}
		files[name] = string(data)
		return true
	}
	if !read("layouts/baseof.html") {
		return nil
	}
	entries, err := r.Theme.Files("layouts/partials")
	if err != nil {
		errs.Add(diag.Pos{File: "layouts/partials"}, "cannot list the partials: %v", err)
		return nil
	}
	var partials []string
	for _, p := range entries {
		if path.Ext(p.Name) == ".html" {
			name := "layouts/partials/" + p.Name
			if read(name) {
				partials = append(partials, name)
			}
		}
	}
	kinds := layouts()
	unread := map[string]bool{} // the layouts that cannot be read
	for _, file := range slices.Sorted(maps.Values(kinds)) {
		if name := "layouts/" + file; !unread[name] {
			if _, done := files[name]; !done && !read(name) {
				unread[name] = true
			}
		}
	}
	if memo != nil {
		r.tmplKey = r.templatesKey(files, kinds)
		if t := memo.templatesOf(r.lang, r.tmplKey); t != nil {
			return t
		}
	}
	funcs := r.funcs()
	root := template.New("").Funcs(funcs)
	parse := func(t *template.Template, name string) bool {
		data, ok := files[name]
		if !ok {
			return false // reported when it was read
		}
		if _, err := t.New(name).Parse(data); err != nil {
			pos := diag.Pos{File: name}
			msg := err.Error()
			if m := templateLineRE.FindStringSubmatch(msg); m != nil {
				pos.Line, _ = strconv.Atoi(m[1])
				pos.Col, _ = strconv.Atoi(m[2])
				msg = m[3]
			}
			errs.Add(pos, "template error: %s", msg)
			return false
		}
		return true
	}
	if !parse(root, "layouts/baseof.html") {
		return nil
	}
	for _, name := range partials {
		parse(root, name)
	}
	out := map[string]*template.Template{}
	byFile := map[string]*template.Template{}
	for kind, file := range kinds {
		if t := byFile[file]; t != nil {
			out[kind] = t
			continue
		}
		t, err := root.Clone()
		if err != nil {
			errs.Add(diag.Pos{File: "layouts/" + file}, "template error: %v", err)
			continue
		}
		if parse(t, "layouts/"+file) {
			byFile[file], out[kind] = t, t
		}
	}
	if memo != nil && len(*errs) == before {
		memo.keepTemplates(r.lang, r.tmplKey, out)
	}
	return out
}

// templatesKey is what the templates of r depend on: their sources, which file each
// kind of page uses, and what their functions give (the language's strings, the links'
// base and prefix).
func (r *renderer) templatesKey(files map[string]string, kinds map[string]string) [sha256.Size]byte {
	h := sha256.New()
	field := func(s string) {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	field(r.lang)
	field(r.base)
	field(r.prefix)
	for _, k := range slices.Sorted(maps.Keys(r.tr.strings)) {
		field(k)
		field(r.tr.strings[k])
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		field(name)
		field(files[name])
	}
	for _, k := range slices.Sorted(maps.Keys(kinds)) {
		field(k)
		field(kinds[k])
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// foldTemplates folds the constant actions of every template of r (fold.go). It escapes
// every template at once, which a full build does anyway as it renders every kind of
// page; pspm serve, which renders a page when a browser asks for it, does not call it.
func (r *renderer) foldTemplates() {
	done := map[*template.Template]bool{}
	for _, t := range r.tmpl {
		if t != nil && !done[t] {
			done[t] = true
			r.fold(t)
		}
	}
}

// funcs are the functions templates may call (documented in the theme's README).
func (r *renderer) funcs() template.FuncMap {
	// What they read of r, copied: pspm serve keeps the templates of a Prepare for the
	// next ones (see loadTemplates), which must not keep r's site.
	tr, base, prefix := r.tr, r.base, r.prefix
	return template.FuncMap{
		"T":    func(key string, args ...any) string { return tr.T(key, args...) },
		"date": tr.Date,
		"isodate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"num":   func(n any) string { return tr.Number(n) },
		"pct":   tr.Percent,
		"link":  func(p string) string { return linkIn(base, prefix, p) },
		"asset": func(p string) string { return assetIn(base, p) },
		"add":   func(a, b int) int { return a + b },
		"join":  strings.Join,
		"upper": strings.ToUpper,
		"first": func(n int, cards []*Card) []*Card { return cards[:min(n, len(cards))] },
	}
}

// formatDate writes a date the way readers of the language expect: "15 gennaio 2025".
func (r *renderer) formatDate(t time.Time) string { return r.tr.Date(t) }

// Date writes a day the way readers of the language expect, by the language file's
// date.format ("{day} {month} {year}"; "{day}. {month} {year}" in German)
// and month names (month.1 … month.12): "15 gennaio 2025", "15 January 2025". The year is
// never grouped.
func (tr translations) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	day, month, year := strconv.Itoa(t.Day()), tr.T("month."+strconv.Itoa(int(t.Month()))), strconv.Itoa(t.Year())
	if f, ok := tr.strings["date.format"]; ok {
		return strings.NewReplacer("{day}", day, "{month}", month, "{year}", year).Replace(f)
	}
	return day + " " + month + " " + year
}

// tallyBar draws the votes as an SVG stacked bar: no inline style, so it works under a
// strict Content Security Policy, and labelled for screen readers.
// priorityBar draws how many bodies gave each priority, 1 to 5, as five columns; the
// label says the same in words for screen readers.
func priorityBar(p site.Priority, tr translations) template.HTML {
	if p.Count == 0 {
		return ""
	}
	d := p.Distribution
	most := 0
	for _, n := range d {
		most = max(most, n)
	}
	var b strings.Builder
	b.WriteString(`<svg class="priority-bar" viewBox="0 0 50 12" role="img" aria-label="`)
	b.WriteString(template.HTMLEscapeString(tr.T("priority.distribution", d[0], d[1], d[2], d[3], d[4])))
	b.WriteString(`">`)
	for i, n := range d {
		h := 0
		if n > 0 {
			h = max(1, n*10/most)
		}
		fmt.Fprintf(&b, `<rect class="p%d" x="%d" y="%d" width="8" height="%d"/>`, i+1, i*10+1, 10-h, h)
		fmt.Fprintf(&b, `<rect class="axis" x="%d" y="10.5" width="8" height="0.5"/>`, i*10+1)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func tallyBar(t TallyView, tr translations) template.HTML {
	if t.Total == 0 {
		return ""
	}
	var b strings.Builder
	label := tr.T("tally.label", tr.T("vote.support.n", t.Support), tr.T("vote.oppose.n", t.Oppose), tr.T("vote.abstain.n", t.Abstain))
	b.WriteString(`<svg class="tally-bar" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" aria-label="`)
	b.WriteString(template.HTMLEscapeString(label))
	b.WriteString(`">`)
	x := 0
	for _, part := range []struct {
		class string
		pct   int
	}{{"support", t.SupportPct}, {"oppose", t.OpposePct}, {"abstain", t.AbstainPct}} {
		if part.pct == 0 {
			continue
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%d" y="0" width="%d" height="4"/>`, part.class, x, part.pct)
		x += part.pct
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
