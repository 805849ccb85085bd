package render

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/theme"
)

// A count of one reads in the singular in both languages of the default theme: "1 giorno",
// "1 day", "1 favorevole", never "1 giorni" or "1 favorevoli".
func TestACountOfOneReadsInTheSingular(t *testing.T) {
	chain, err := theme.New(nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		lang, key string
		n         int
		want      string
	}{
		{"it", "monitoring.days_late", 1, "1 giorno"},
		{"it", "monitoring.days_late", 2, "2 giorni"},
		{"it", "monitoring.days_left", 1, "1 giorno"},
		{"it", "monitoring.actions", 1, "1 azione"},
		{"it", "vote.support.n", 1, "1 favorevole"},
		{"it", "vote.oppose.n", 1, "1 contrario"},
		{"it", "vote.abstain.n", 1, "1 astenuto"},
		{"it", "vote.abstain.n", 0, "0 astenuti"},
		{"it", "qf.found", 1, "1 buona pratica trovata"},
		{"en", "monitoring.days_late", 1, "1 day"},
		{"en", "monitoring.days_left", 3, "3 days"},
		{"en", "monitoring.actions", 1, "1 action"},
		{"en", "qf.found", 1, "1 good practice found"},
		{"it", "search.results", 1, "1 risultato"},
		{"it", "changes.added.n", 1, "1 aggiunta"},
		{"it", "changes.changed.n", 2, "2 modificate"},
		{"it", "counts.goals.n", 1, "1 obiettivo strategico"},
		{"en", "counts.actions.n", 1, "1 action"},
	}
	trs := map[string]translations{}
	for _, c := range cases {
		tr := trs[c.lang]
		if tr.strings == nil {
			var errs diag.List
			tr = loadTranslations(chain, c.lang, &errs)
			if errs.HasErrors() {
				t.Fatal(errs.Format())
			}
			trs[c.lang] = tr
		}
		if got := tr.T(c.key, c.n); got != c.want {
			t.Errorf("%s %s(%d) = %q, want %q", c.lang, c.key, c.n, got, c.want)
		}
	}
	// A count that is not the first argument: the mean priority of one body.
	if got := trs["it"].T("priority.mean", "4,0", 1); got != "priorità media 4,0 su 5 (1 ente)" {
		t.Errorf("priority.mean of one body: %q", got)
	}
	// The tally of votes is made of the counted forms.
	if got := string(tallyBar(TallyView{Support: 1, Oppose: 2, Abstain: 1, Total: 4}, trs["it"])); !strings.Contains(got, "Voti: 1 favorevole, 2 contrari, 1 astenuto") {
		t.Errorf("tally bar: %s", got)
	}
}

// The plural forms are CLDR's, not a rule of thumb about 1: a language with a "few" form
// (Polish) picks it for 2 and 22 and the "many" string (the key itself) for 5 and 12.
func TestPluralFormsFollowCLDRForLanguagesWithMoreThanTwoForms(t *testing.T) {
	tr := newTranslations("pl", map[string]string{
		"files.n":     "%d plików",
		"files.n.one": "%d plik",
		"files.n.few": "%d pliki",
	})
	for n, want := range map[int]string{1: "1 plik", 2: "2 pliki", 5: "5 plików", 12: "12 plików", 22: "22 pliki", 0: "0 plików"} {
		if got := tr.T("files.n", n); got != want {
			t.Errorf("T(files.n, %d) = %q, want %q", n, got, want)
		}
	}
}

// Counts and numbers are written the language's way: a full stop groups thousands in
// Italian and German, a comma in English; German puts a space before the per cent sign.
func TestCountsAndNumbersAreGroupedTheLanguagesWay(t *testing.T) {
	chain, err := theme.New(nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	var errs diag.List
	it, en := loadTranslations(chain, "it", &errs), loadTranslations(chain, "en", &errs)
	if errs.HasErrors() {
		t.Fatal(errs.Format())
	}
	for _, c := range []struct{ got, want string }{
		{it.T("counts.actions.n", 500000), "500.000 azioni"},
		{en.T("counts.actions.n", 500000), "500,000 actions"},
		{it.T("home.all_proposals", 1234), "Tutte le 1.234 proposte"},
		{it.Number(3.5), "3,5"},
		{en.Number(3.5), "3.5"},
		{it.Number(500000), "500.000"},
		{it.Percent(45), "45%"},
		{newTranslations("de", nil).Percent(45), "45\u00a0%"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// The counts of AgID's plan take each its own plural form: "1 obiettivo, 2 risultati
// attesi, 1 linea d'azione", not the plural of the first count for all three.
func TestEachCountOfAgIDsPlanHasItsOwnPluralForm(t *testing.T) {
	chain, err := theme.New(nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang    string
		o, r, a int
		want    string
	}{
		{"it", 1, 2, 1, "1 obiettivo, 2 risultati attesi, 1 linea d'azione."},
		{"it", 2, 1, 12000, "2 obiettivi, 1 risultato atteso, 12.000 linee d'azione."},
		{"en", 2, 1, 1, "2 objectives, 1 expected result, 1 line of action."},
		{"de", 1, 3, 1, "1 Ziel, 3 erwartete Ergebnisse, 1 Handlungslinie."},
	} {
		var errs diag.List
		tr := loadTranslations(chain, c.lang, &errs)
		got := tr.T("agid.counts.list", tr.T("agid.count.objectives", c.o), tr.T("agid.count.results", c.r), tr.T("agid.count.actions", c.a))
		if got != c.want {
			t.Errorf("%s: %q, want %q", c.lang, got, c.want)
		}
	}
	data, _, err := chain.ReadFile("layouts/agid.html")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `(T "agid.count.objectives" .Objectives) (T "agid.count.results" .Results) (T "agid.count.actions" .Actions)`) {
		t.Error("agid.html does not write each count with its own plural form")
	}
}

// The default theme writes every count with num, the language's digit grouping ("12.000"
// in Italian, "12,000" in English), never as Go prints an int ("12000"): a count printed
// bare or a len printed bare is found here, outside attributes such as rowspan.
func TestTemplatesWriteCountsWithTheLanguagesGrouping(t *testing.T) {
	chain, err := theme.New(nil, "default")
	if err != nil {
		t.Fatal(err)
	}
	bare := regexp.MustCompile(`[^"=]\{\{(len [^}]+|\.(Count|Total|Votes|Proposals|Practices|OverdueCount|DueSoonCount|Total\.Total))\}\}`)
	names := []string{}
	for _, f := range layouts() {
		names = append(names, "layouts/"+f)
	}
	for _, p := range []string{"header", "footer", "card", "rows", "widgets", "history", "breadcrumbs"} {
		names = append(names, "layouts/partials/"+p+".html")
	}
	names = append(names, "layouts/baseof.html")
	read := 0
	for _, name := range names {
		data, _, err := chain.ReadFile(name)
		if err != nil {
			continue
		}
		read++
		for _, m := range bare.FindAllString(string(data), -1) {
			t.Errorf("%s writes a count without num: %s", name, m[1:])
		}
	}
	if read < 20 {
		t.Errorf("only %d templates read", read)
	}
}
