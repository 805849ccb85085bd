package generator_test

import (
	"bytes"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/themes"
	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"
)

// themeStrings reads the default theme's strings of lang.
func themeStrings(t *testing.T, lang string) map[string]string {
	t.Helper()
	data, err := fs.ReadFile(themes.Default(), "i18n/"+lang+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

var formatVerbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[sdvqf%]|\{[a-z]+\}`)

// markers are the phrases only the theme's strings of lang say: the parts of its values
// between format verbs, long enough (12 characters, two words) not to be a name or a
// word both languages share, and found in no value of the other language.
func markers(t *testing.T, lang, other string) []string {
	mine, theirs := themeStrings(t, lang), themeStrings(t, other)
	var all strings.Builder
	for _, v := range theirs {
		all.WriteString(strings.ToLower(v) + "\x00")
	}
	seen := map[string]bool{}
	var out []string
	for k, v := range mine {
		if theirs[k] == v {
			continue
		}
		for _, part := range formatVerbRE.Split(v, -1) {
			part = strings.TrimSpace(strings.Trim(part, " .,:;()«»\"'–—·"))
			if len(part) < 12 || !strings.Contains(part, " ") || strings.ContainsAny(part, "<>/_") || seen[part] {
				continue
			}
			if strings.Contains(all.String(), strings.ToLower(part)) {
				continue
			}
			seen[part] = true
			out = append(out, part)
		}
	}
	sort.Strings(out)
	return out
}

// visibleText is the text a reader of a page sees in its language: without scripts,
// styles, code, the parts marked as in another language (lang="…", such as an item not
// yet translated or the language switcher), and the content that is written in the
// site's language whatever the page's (the Markdown of items and comments, a diff's
// words, links to other sites).
func visibleText(t *testing.T, page []byte, lang string) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	var b strings.Builder
	type open struct {
		tag  string
		skip bool
	}
	var stack []open
	skipping := func() bool { return len(stack) > 0 && stack[len(stack)-1].skip }
	void := map[string]bool{"br": true, "img": true, "meta": true, "link": true, "input": true, "hr": true, "source": true, "wbr": true}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			// <title> joins the page's name (content) to the site's.
			skip := skipping() || tag == "script" || tag == "style" || tag == "code" || tag == "pre" || tag == "kbd" || tag == "samp" || tag == "title"
			skip = skip || tag == "ins" || tag == "del" || tag == "blockquote"
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				switch string(k) {
				case "lang":
					skip = skip || (string(v) != lang && tag != "html")
				case "class":
					for _, c := range strings.Fields(string(v)) {
						skip = skip || c == "prose" || c == "diff" || c == "breadcrumbs" // breadcrumbs: the titles of the pages above
					}
				case "rel":
					skip = skip || strings.Contains(string(v), "noopener")
				}
			}
			if !void[tag] {
				stack = append(stack, open{tag, skip})
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i].tag == string(name) {
					stack = stack[:i]
					break
				}
			}
		case html.TextToken:
			if !skipping() {
				b.Write(z.Text())
				b.WriteByte(' ')
			}
		}
	}
}

var (
	longNumberRE = regexp.MustCompile(`(^|[^\p{L}\p{N}.,'’_-])(\d{5,})([^\p{L}\p{N}_-]|$)`)
	isoDateRE    = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}(\b|T)`) // a day, or the day of an RFC 3339 moment
)

// languageProblems lists the theme's phrases of the other language, the numbers written
// without separators and the ISO dates in the visible text of a page in lang.
func languageProblems(text string, foreign []string) []string {
	var out []string
	for _, m := range foreign {
		if strings.Contains(text, m) {
			out = append(out, "the other language's "+strconvQuote(m))
		}
	}
	for _, m := range longNumberRE.FindAllStringSubmatch(text, 3) {
		out = append(out, "a number without separators: "+m[2])
	}
	for _, m := range isoDateRE.FindAllString(text, 3) {
		out = append(out, "an ISO date: "+m)
	}
	return out
}

func strconvQuote(s string) string { return "«" + s + "»" }

// Every page of the demo, in Italian at the root, in English under /en/ and in German
// under /de/, speaks its own language: no phrase of the other language's strings, no number of five digits or
// more without separators, no ISO date in the text a reader sees.
func TestEveryPageOfTheDemoSpeaksItsLanguage(t *testing.T) {
	// The demo in the three languages of the default theme.
	out := sitetest.RunFS(t, sitetest.Demo(t, "-- pspm.yaml --\nlanguages: [it, en, de]\n")).OK().Out
	foreign := map[string][]string{"it": markers(t, "en", "it"), "en": markers(t, "it", "en"),
		"de": append(markers(t, "it", "de"), markers(t, "en", "de")...)}
	if len(foreign["it"]) < 50 || len(foreign["en"]) < 50 {
		t.Fatalf("too few marker phrases: %d English, %d Italian", len(foreign["it"]), len(foreign["en"]))
	}
	pages := checkLanguages(t, out, foreign)
	if pages < 100 {
		t.Errorf("only %d pages checked", pages)
	}
}

// checkLanguages reports the pages of out that do not speak their language (Italian at
// the root, the others under /<lang>/), and returns how many pages it read.
func checkLanguages(t *testing.T, out *output.Mem, foreign map[string][]string) int {
	t.Helper()
	pages, bad := 0, 0
	names := make([]string, 0, len(out.Files()))
	for name := range out.Files() {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		lang := "it"
		if l, _, ok := strings.Cut(name, "/"); ok && foreign[l] != nil {
			lang = l
		}
		pages++
		if problems := languageProblems(visibleText(t, out.Files()[name], lang), foreign[lang]); len(problems) > 0 {
			bad++
			if bad <= 30 {
				t.Errorf("%s (%s): %s", name, lang, strings.Join(problems, "; "))
			}
		}
	}
	if bad > 30 {
		t.Errorf("and %d more pages", bad-30)
	}
	return pages
}

// languageSite overlays sitetest.Minimal for the language tests: an objective whose
// title is no string of the theme's (sitetest.Minimal's "Obiettivo operativo uno" is the
// Italian name of the kind), and an action whose indicator has large numbers.
const languageSite = `
-- content/plan/objectives/o1.md --
---
title: Servizi interoperabili
goal: g1
agid: [OB.1.1]
---
-- content/plan/actions/a1.md --
---
title: Azione uno
objective: o1
status: in-progress
progress: 40
start: 2025-01-01
due: 2025-12-31
indicators:
  - name: Cittadini raggiunti
    unit: persone
    baseline: 250000
    target: 500000
    values:
      - {date: 2025-03-01, value: 123456.5}
---
Testo dell'azione.
`

// A site with large numbers and a vote that does not count shows them in the page's
// language: "500.000" and the Italian reason on Italian pages, "500,000" and the English
// one on English pages; every page passes the language check.
func TestNumbersAndVerdictsAreWrittenInThePagesLanguage(t *testing.T) {
	b := sitetest.Run(t, languageSite+`
-- content/proposals/p1/index.md --
---
title: Proposta uno
body: c_h223
authors: [Marco Bianchi]
date: 2025-02-01
targets: [a1]
status: withdrawn
---
Testo della proposta.
`).OK()
	b.File("plan/actions/a1/index.html", "500.000", "250.000", "123.456,5", "! 500000", "40%")
	b.File("en/plan/actions/a1/index.html", "500,000", "250,000", "123,456.5", "! 500000")
	b.File("proposals/p1/index.html", "la proposta è stata ritirata: non si vota più", "! the proposal was withdrawn")
	b.File("en/proposals/p1/index.html", "the proposal was withdrawn: it takes no votes")
	foreign := map[string][]string{"it": markers(t, "en", "it"), "en": markers(t, "it", "en")}
	if n := checkLanguages(t, b.Out, foreign); n < 20 {
		t.Errorf("only %d pages checked", n)
	}
}

// German is built in: languages [it, en, de] gives /de/ pages in German, with German
// plural forms, numbers, percentages and dates, and no string left untranslated.
func TestGermanPagesSpeakGerman(t *testing.T) {
	b := sitetest.Run(t, languageSite+`
-- pspm.yaml --
languages: [it, en, de]
`).OK()
	b.File("de/index.html", `<html lang="de">`, ">Vorschläge<", "Zum Inhalt springen")
	b.File("de/proposals/p1/index.html", "1 dafür", "0 dagegen", "0 Enthaltungen", `hreflang="de"`)
	b.File("de/plan/actions/a1/index.html", "500.000", "250.000", "123.456,5", "31. Dezember 2025", "40\u00a0% erledigt", "! 500000")
	b.File("proposals/p1/index.html", `hreflang="de"`, ">Deutsch<")
	// The datasets are described in German too: their texts are strings of the language files.
	b.File("de/open-data/index.html", `<h2 id="proposals">Vorschläge</h2>`, "Seite des Vorschlags", "! the proposal&#39;s page", "! pagina della proposta")
	if w := b.Result.Diagnostics.Warnings(); len(w) > 0 {
		t.Errorf("warnings:\n%s", w.Format())
	}
}

// A third language is a language file: with languages [it, en, fr] and an i18n/fr.yaml
// in the site, /fr/ pages speak French, with French plural forms (0 and 1 are singular)
// and numbers; a string the file lacks shows in English, and the build says which.
func TestAThirdLanguageIsALanguageFile(t *testing.T) {
	b := sitetest.Run(t, languageSite+`
-- pspm.yaml --
languages: [it, en, fr]
-- i18n/fr.yaml --
lang.name: Français
menu.proposals: Propositions
vote.support.n: "%d pour"
vote.oppose.n: "%d contre"
vote.abstain.n: "%d abstentions"
vote.abstain.n.one: "%d abstention"
month.12: décembre
`).OK()
	b.File("fr/index.html", `<html lang="fr">`, ">Propositions<")
	b.File("fr/proposals/p1/index.html", "1 pour", "0 contre", "0 abstention<", `hreflang="fr"`)
	b.File("fr/plan/actions/a1/index.html", "500\u00a0000", "31 décembre 2025", "! 500000")
	// A string fr.yaml lacks is in English, not its key, and the build says so.
	b.File("fr/index.html", "Skip to content", "! >skip<")
	var warned bool
	for _, w := range b.Result.Diagnostics.Warnings() {
		warned = warned || (w.Pos.File == "i18n/fr.yaml" && strings.Contains(w.Msg, "not translated"))
	}
	if !warned {
		t.Errorf("no warning about the strings fr.yaml lacks:\n%s", b.Result.Diagnostics.Format())
	}
}

// Phase names are content: the plan's translation names them in its language, in the
// order of content/plan/_index.md.
func TestPhaseNamesAreTranslatedByThePlansTranslation(t *testing.T) {
	b := sitetest.Run(t, `
-- content/plan/_index.en.md --
---
title: Test plan
phases: [Consultation]
---
`).OK()
	b.File("en/index.html", "Consultation", "! Consultazione")
	b.File("index.html", "Consultazione")
	sitetest.Run(t, `
-- content/plan/_index.en.md --
---
title: Test plan
phases: [Consultation, Vote]
---
`).Diag("content/plan/_index.en.md:1:1: phases: 2 names for the plan's 1 phases")
}

// Why a vote does not count is said in the page's language, with the page's dates: the
// vote landed after the answer reads in Italian on Italian pages and in English on
// English ones, while the open data keep the English detail with ISO dates.
func TestAVoteAfterTheAnswerIsExplainedInThePagesLanguage(t *testing.T) {
	g := newGitRepo(t, "none", "")
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: accepted\nanswer:\n  date: 2025-03-01\n  text: Accolta.", 1))
	g.commitAll("2025-03-01T09:00:00Z", anna, "Risposta")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-03-05T09:00:00Z", marco, "Voto tardivo")
	votes, _, out := g.build()
	if d, _ := votes[reggioVote]["detail"].(string); d != "the vote landed on 2025-03-05T09:00:00Z, after the proposal was answered on 2025-03-01" {
		t.Errorf("open data detail %q", d)
	}
	it, en := string(out.Files()["proposals/p1/index.html"]), string(out.Files()["en/proposals/p1/index.html"])
	if want := "il voto è arrivato il 5 marzo 2025 09:00 UTC, dopo la risposta alla proposta del 1 marzo 2025"; !strings.Contains(it, want) || strings.Contains(it, "after the proposal was answered") {
		t.Errorf("the Italian page does not say %q in Italian", want)
	}
	if want := "the vote landed on 5 March 2025 09:00 UTC, after the proposal was answered on 1 March 2025"; !strings.Contains(en, want) {
		t.Errorf("the English page does not say %q", want)
	}
}

// A vote that cannot count for what its file says or lacks (an unknown voter, no vote, a
// second file of the same body, a file that does not parse) is explained in the page's
// language: the Italian and German pages say it in their words, with a parser's own
// message kept as written and marked as English; the open data keep the English detail.
func TestProblemVerdictsAreSaidInThePagesLanguage(t *testing.T) {
	b := sitetest.Run(t, languageSite+`
-- pspm.yaml --
languages: [it, en, de]
-- content/proposals/p1/reactions/c_x999.yaml --
vote: support
-- content/proposals/p1/reactions/c_h223.yaml --
comment: Nessun voto.
-- content/proposals/p1/reactions/M_EF.yaml --
vote: oppose
-- content/practices/pr1/reactions/c_h223.yaml --
vote: [support
-- content/plan/actions/a1/amendments/c_h223-capofila.md --
---
title: Azione uno, guidata dal Comune
reason: Il Comune è più vicino.
date: 2025-02-01
fields:
  - name: owner
    value: c_h223
---
`).OK()
	b.File("plan/actions/a1/index.html", "fields: owner non si può emendare", "! cannot be amended")
	b.File("de/plan/actions/a1/index.html", "fields: owner kann nicht geändert werden", "! cannot be amended")
	b.File("proposals/p1/index.html",
		"votante sconosciuto c_x999", "un file di voto deve avere un voto", "contiene già il voto di m_ef",
		"! unknown voter", "! a reaction needs a vote", "! holds the vote of")
	b.File("de/proposals/p1/index.html",
		"unbekannte abstimmende Stelle c_x999", "eine Abstimmungsdatei braucht eine Stimme", "enthält bereits die Stimme von m_ef",
		"! unknown voter", "! a reaction needs a vote", "! holds the vote of")
	b.File("en/proposals/p1/index.html", "unknown voter c_x999", "a reaction needs a vote", "holds the vote of m_ef")
	b.File("practices/pr1/index.html", `il file va corretto: <span lang="en">`)
	b.File("de/practices/pr1/index.html", `die Datei muss korrigiert werden: <span lang="en">`)
	b.File("api/v1/votes.json", `unknown voter \"c_x999\"`, "a reaction needs a vote (support, oppose or abstain) or a priority (1 to 5)")
	foreign := map[string][]string{"it": markers(t, "en", "it"), "en": markers(t, "it", "en"),
		"de": append(markers(t, "it", "de"), markers(t, "en", "de")...)}
	checkLanguages(t, b.Out, foreign)
}

// The language check itself catches what it is for: an ISO date or a number of five
// digits or more without separators in the text a reader sees, and a phrase of the other
// language, while it lets localised numbers and dates, years, code and the parts marked
// as another language through.
func TestTheLanguageCheckCatchesISODatesAndUngroupedNumbers(t *testing.T) {
	foreign := []string{"after the proposal was answered"}
	for _, c := range []struct {
		page string
		want []string // substrings of the problems, in order; none for a clean page
	}{
		{`<p>Il voto è arrivato il 2026-12-03.</p>`, []string{"an ISO date: 2026-12-03"}},
		{`<p>landed 2026-12-03T08:06:00Z</p>`, []string{"an ISO date: 2026-12-03"}},
		{`<td>500000</td>`, []string{"a number without separators: 500000"}},
		{`<p>Tutte le 10000 proposte</p>`, []string{"a number without separators: 10000"}},
		{`<p>after the proposal was answered</p>`, []string{"the other language's"}},
		{`<p>500.000 persone, 12.345,5 euro, 3 dicembre 2026, anno 2026, 9999 voti</p>`, nil},
		{`<p>500,000 people, <code>2026-12-03 a1b2c3d4e5</code>, <span lang="en">2026-12-03</span></p>`, nil},
		{`<pre>123456</pre><time datetime="2026-12-03">3 dicembre 2026</time>`, nil},
	} {
		got := languageProblems(visibleText(t, []byte(c.page), "it"), foreign)
		if len(got) != len(c.want) {
			t.Errorf("%s: problems %q, want %d", c.page, got, len(c.want))
			continue
		}
		for i, w := range c.want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: problem %q, want it to say %q", c.page, got[i], w)
			}
		}
	}
}
