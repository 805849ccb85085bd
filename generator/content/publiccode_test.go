package content

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
)

// pcPath is where the tests pretend the publiccode.yml was fetched.
const pcPath = "sources/comune-x/publiccode.yml"

func parsePC(src string) (*PublicCode, diag.List) {
	var errs diag.List
	p := ParsePublicCode(pcPath, []byte(src), &errs)
	errs.Sort()
	return p, errs
}

func readPC(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "publiccode", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// exported is p without its positions, for comparisons.
func exported(p *PublicCode) PublicCode {
	c := *p
	c.file, c.pos, c.at = "", diag.Pos{}, nil
	return c
}

// pc is a valid publiccode.yml made of the lines given, after name and url.
func pc(lines ...string) string {
	return "publiccodeYmlVersion: \"0.4\"\nname: Medusa\nurl: https://example.org/medusa.git\n" + strings.Join(lines, "\n") + "\n"
}

// only returns the diagnostics whose message contains sub.
func only(errs diag.List, sub string) diag.List {
	var out diag.List
	for _, e := range errs {
		if strings.Contains(e.Error(), sub) {
			out = append(out, e)
		}
	}
	return out
}

func TestPublicCodeOfAMunicipalityIsReadInFull(t *testing.T) {
	var errs diag.List
	p := ParsePublicCode(pcPath, readPC(t, "comune-reggio-emilia.yml"), &errs)
	if len(errs) > 0 {
		t.Errorf("a valid file that uses every documented key gave diagnostics:\n%s", errs.Format())
	}
	if p == nil {
		t.Fatal("no result")
	}
	want := PublicCode{
		Name:               "Segnala Reggio",
		URL:                "https://github.com/comune-reggioemilia/segnala-reggio",
		LandingURL:         "https://www.comune.re.it/segnala",
		SoftwareVersion:    "2.3.1",
		ReleaseDate:        "2024-03-18",
		DevelopmentStatus:  "stable",
		SoftwareType:       "standalone/web",
		License:            "EUPL-1.2",
		MainCopyrightOwner: "Comune di Reggio nell'Emilia",
		RepoOwner:          "Comune di Reggio nell'Emilia",
		MaintenanceType:    "contract",
		Contractors:        []string{"Lepida ScpA"},
		Contacts:           []PublicCodeContact{{Name: "Francesca Bianchi", Email: "francesca.bianchi@comune.re.it"}},
		Platforms:          []string{"web", "android", "ios"},
		Categories:         []string{"feedback-and-reviews-management", "customer-service-and-support", "gis"},
		IPA:                "c_h223",
		Descriptions: map[string]PublicCodeDescription{
			"it": {
				LocalisedName:    "Segnala Reggio",
				ShortDescription: "Segnalazioni di guasti e disservizi dei cittadini al Comune, dalla presa in carico alla risoluzione.",
				LongDescription: "**Segnala Reggio** permette a cittadini e imprese di segnalare al Comune\n" +
					"buche stradali, lampioni spenti, rifiuti abbandonati e altri disservizi,\n" +
					"con foto e posizione sulla mappa.\n\n" +
					"Ogni segnalazione è assegnata all'ufficio competente, che la prende in\n" +
					"carico e ne aggiorna lo stato; chi l'ha inviata riceve una notifica a ogni\n" +
					"passaggio, anche sull'app IO.\n\n" +
					"Il servizio rispetta le [linee guida di design](https://designers.italia.it/)\n" +
					"per i siti dei Comuni e si integra con SPID, CIE e il sistema di\n" +
					"protocollo dell'ente.",
				Features: []string{
					"Segnalazione con foto e posizione sulla mappa",
					"Accesso con SPID e CIE",
					"Assegnazione automatica all'ufficio competente",
					"Notifiche sull'app IO a ogni cambio di stato",
					"Cruscotto per gli operatori con tempi di risoluzione",
					"Dati aperti delle segnalazioni risolte",
				},
				Documentation: "https://docs.comune.re.it/segnala-reggio/",
			},
			"en": {
				LocalisedName:    "Report Reggio",
				ShortDescription: "Citizens report faults and disruptions to the Municipality and follow them until they are fixed.",
				LongDescription: "**Report Reggio** lets citizens and businesses report potholes, broken\n" +
					"street lights, dumped waste and other problems to the Municipality, with\n" +
					"a photo and a position on the map.\n\n" +
					"Each report goes to the office in charge, which takes it up and updates\n" +
					"its status; the citizen is notified at every step.",
				Features: []string{
					"Reports with photo and map position",
					"Login with SPID and CIE",
					"Automatic assignment to the office in charge",
					"Notifications on the IO app",
					"Dashboard for operators",
					"Open data of solved reports",
				},
				Documentation: "https://docs.comune.re.it/segnala-reggio/en/",
			},
		},
	}
	if got := exported(p); !reflect.DeepEqual(got, want) {
		t.Errorf("read\n%#v\nwant\n%#v", got, want)
	}
}

func TestPublicCodeWithOnlyNameAndURLIsUsable(t *testing.T) {
	var errs diag.List
	p := ParsePublicCode(pcPath, readPC(t, "minimal.yml"), &errs)
	if p == nil || p.Name != "Albo Pretorio" || p.URL != "https://gitlab.com/comune-esempio/albo-pretorio.git" {
		t.Fatalf("read %+v\n%s", p, errs.Format())
	}
	if errs.HasErrors() || len(errs) != 1 || !strings.Contains(errs[0].Msg, "no description") {
		t.Errorf("want one warning about the missing description, got:\n%s", errs.Format())
	}
	pr := p.Practice("albo-pretorio", "c_x000", "it")
	if pr.Title != "Albo Pretorio" || pr.Text() != "" || !pr.Date.IsZero() || len(pr.Tags) != 0 ||
		!reflect.DeepEqual(pr.Links, []site.Link{{Title: "Codice sorgente", URL: p.URL, Pos: diag.Pos{File: pcPath, Line: 3, Col: 6}}}) {
		t.Errorf("practice %+v", pr)
	}
}

func TestPublicCodeMistakesAreWarningsAtTheirValues(t *testing.T) {
	var errs diag.List
	p := ParsePublicCode(pcPath, readPC(t, "mistakes.yml"), &errs)
	errs.Sort()
	want := []string{
		pcPath + `:1:23: warning: publiccodeYmlVersion "0.1" is not one pspm reads (0.2 to 0.5); read as 0.5, so some keys may be missed`,
		pcPath + `:4:13: warning: landingURL "javascript:alert(document.cookie)" is not a web address and is not linked; want an address that starts with https://`,
		pcPath + `:5:14: warning: releaseDate "15/04/2023" is not a date and is left out; write it as YYYY-MM-DD (year first), e.g. 2023-04-15`,
		pcPath + `:6:1: warning: unknown key "nome" ignored: it is not part of publiccode.yml 0.2 to 0.5; did you mean "name"?`,
		pcPath + `:9:5: warning: category "Workflow Management" left out: categories are lower-case words joined by -, from the list of publiccode.yml (e.g. content-management, it-security)`,
		pcPath + `:10:20: warning: unknown developmentStatus "stabile" (want one of: concept, development, beta, stable, obsolete); did you mean "stable"?`,
		pcPath + `:14:5: warning: description in "ita": write the language as "it" (BCP 47, since publiccode.yml 0.2); read as "it"`,
		pcPath + `:15:20: warning: description.ita.documentation "ftp://ftp.unione.ra.it/manuale.pdf" is not a web address and is not linked; want an address that starts with https://`,
		pcPath + `:18:3: warning: description in language "EN" ignored: pspm reads descriptions under a BCP 47 language code such as it, en or de-AT; write it as "en"`,
		pcPath + `:24:9: warning: unknown type "contratto" (want one of: internal, contract, community, none); did you mean "contract"?`,
		pcPath + `:27:14: warning: maintenance.contractors[0].until "2025-13-40" is not a date and is left out; write it as YYYY-MM-DD, e.g. 2024-03-31`,
		pcPath + `:28:14: warning: maintenance.contractors[0].email "info(at)softwareromagna.it" is not an email address and is left out; write it as name@example.it`,
		pcPath + `:31:14: warning: maintenance.contacts[0].email "mario.rossi@unione" is not an email address and is left out; write it as name@example.it`,
		pcPath + `:33:7: warning: missing required key "maintenance.contacts[1].name"`,
		pcPath + `:36:16: warning: codiceIPA "unione bassa romagna" left out: an IPA code is lower-case letters, digits and _ (e.g. c_h501), as in indicepa.gov.it`,
	}
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if p == nil {
		t.Fatal("a file with mistakes in optional values is still usable")
	}
	wantP := PublicCode{
		Name:         "Protocollo Facile",
		URL:          "https://github.com/unione-bassa-romagna/protocollo-facile",
		SoftwareType: "standalone/web",
		License:      "AGPL-3.0-or-later",
		Contractors:  []string{"Software Romagna srl"},
		Contacts:     []PublicCodeContact{{Name: "Mario Rossi"}},
		Categories:   []string{"document-management"},
		Descriptions: map[string]PublicCodeDescription{"it": {
			ShortDescription: "Protocollo informatico per le Unioni di Comuni.",
			Features:         []string{"Registrazione di protocollo"},
		}},
	}
	if got := exported(p); !reflect.DeepEqual(got, wantP) {
		t.Errorf("read\n%#v\nwant\n%#v", got, wantP)
	}
}

func TestPublicCodeThatCannotBeUsedIsAnError(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"empty", "", pcPath + ":1:1: no name"},
		{"no name", "url: https://example.org/x\n", pcPath + ":1:1: no name"},
		{"empty name", "name: \"\"\nurl: https://example.org/x\n", pcPath + ":1:7: no name"},
		{"blank name", "name: \"  \\t \"\nurl: https://example.org/x\n", pcPath + ":1:7: no name"},
		{"name is a list", "name: [a, b]\nurl: https://example.org/x\n", pcPath + ":1:7: no name"},
		{"no url", "name: Medusa\n", pcPath + ":1:1: no url"},
		{"empty url", "name: Medusa\nurl:\n", pcPath + ":2:5: no url"},
		{"not YAML", "name: [Medusa\n", pcPath + ":2:1: invalid YAML"},
		{"a list", "- name: Medusa\n", pcPath + ":1:1: want keys and values"},
		{"anchors", "name: &n Medusa\nurl: *n\n", pcPath + ":1:7: YAML anchors and aliases"},
		{"NUL", "name: Medusa\x00\nurl: https://example.org/x\n", pcPath + ":1:13: NUL byte"},
		{"not UTF-8", "name: Medus\xe0\nurl: https://example.org/x\n", pcPath + ":1:12: invalid UTF-8"},
		{"too large", "name: Medusa\nurl: https://example.org/x\n#" + strings.Repeat("x", 256<<10) + "\n", pcPath + ": publiccode.yml is over the limit of 256 KiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, errs := parsePC(c.src)
			if p != nil {
				t.Errorf("read %+v", exported(p))
			}
			if len(errs.Errors()) == 0 || !strings.HasPrefix(errs.Errors()[0].Error(), c.want) {
				t.Errorf("diagnostics:\n%swant an error starting %q", errs.Format(), c.want)
			}
		})
	}
}

func TestPublicCodeWithAByteOrderMarkIsReadWithAWarning(t *testing.T) {
	p, errs := parsePC("\ufeff" + pc("description: {it: {shortDescription: Ciao}}"))
	if p == nil || p.Name != "Medusa" || errs.HasErrors() || len(only(errs, "byte-order mark")) != 1 {
		t.Errorf("read %+v\n%s", p, errs.Format())
	}
}

func TestPublicCodeVersionsOtherThanZeroTwoToZeroFourAreWarned(t *testing.T) {
	for _, c := range []struct {
		line string
		warn bool
	}{
		{`publiccodeYmlVersion: "0.2"`, false},
		{`publiccodeYmlVersion: 0.2`, false},
		{`publiccodeYmlVersion: "0.2.1"`, false},
		{`publiccodeYmlVersion: "0.3"`, false},
		{`publiccodeYmlVersion: "0.3.0"`, false},
		{`publiccodeYmlVersion: "0.4"`, false},
		{`publiccodeYmlVersion: "0.4.2"`, false},
		{`publiccodeYmlVersion: "0.1"`, true},
		{`publiccodeYmlVersion: "0.5"`, false},
		{`publiccodeYmlVersion: "0.5.0"`, false},
		{`publiccodeYmlVersion: "0.6"`, true},
		{`publiccodeYmlVersion: "1.0"`, true},
		{`publiccodeYmlVersion: "0"`, true},
		{`publiccodeYmlVersion: "0.2-rc"`, true},
		{`publiccodeYmlVersion: ""`, true},
		{`# no version`, true},
	} {
		p, errs := parsePC(c.line + "\nname: Medusa\nurl: https://example.org/medusa\ndescription: {it: {shortDescription: Ciao}}\n")
		if p == nil || errs.HasErrors() {
			t.Errorf("%s: not read:\n%s", c.line, errs.Format())
			continue
		}
		if warned := len(errs) > 0; warned != c.warn || (warned && !strings.Contains(errs[0].Msg, "publiccodeYmlVersion")) {
			t.Errorf("%s: diagnostics:\n%s(want a warning: %v)", c.line, errs.Format(), c.warn)
		}
	}
}

func TestPublicCodeLongValuesAreCutWithAWarning(t *testing.T) {
	long := func(n int) string { return strings.Repeat("è", n) }
	features := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString("      - Funzione\n")
		}
		return b.String()
	}
	cases := []struct {
		name, src, at, msg string
		check              func(*PublicCode) bool
	}{
		{"name", "publiccodeYmlVersion: \"0.4\"\nname: " + long(250) + "\nurl: https://example.org/x\ndescription: {it: {shortDescription: a}}\n",
			":2:7:", "name is 250 characters long; only the first 200 are shown",
			func(p *PublicCode) bool {
				return utf8.RuneCountInString(p.Name) == 200 && strings.HasSuffix(p.Name, "…")
			}},
		{"short description", pc("description:", "  it:", "    shortDescription: "+long(600)),
			":6:23:", "description.it.shortDescription is 600 characters long; only the first 500 are shown",
			func(p *PublicCode) bool { return utf8.RuneCountInString(p.Descriptions["it"].ShortDescription) == 500 }},
		{"long description", pc("description:", "  it:", "    longDescription: "+long(25000)),
			":6:22:", "description.it.longDescription is 25000 characters long; only the first 20000 are shown",
			func(p *PublicCode) bool { return utf8.RuneCountInString(p.Descriptions["it"].LongDescription) == 20000 }},
		{"features", pc("description:", "  it:", "    shortDescription: a", "    features:", features(60)),
			":58:9:", "more than 50 features: the rest are left out",
			func(p *PublicCode) bool { return len(p.Descriptions["it"].Features) == 50 }},
		{"feature", pc("description:", "  it:", "    shortDescription: a", "    features:", "      - "+long(400)),
			":8:9:", "description.it.features[0] is 400 characters long; only the first 300 are shown",
			func(p *PublicCode) bool { return utf8.RuneCountInString(p.Descriptions["it"].Features[0]) == 300 }},
		{"licence", pc("legal: {license: "+long(400)+"}", "description: {it: {shortDescription: a}}"),
			":4:18:", "legal.license is 400 characters long",
			func(p *PublicCode) bool { return utf8.RuneCountInString(p.License) == 300 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, errs := parsePC(c.src)
			if p == nil || errs.HasErrors() {
				t.Fatalf("not read:\n%s", errs.Format())
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), pcPath+c.at+" warning: "+c.msg) {
				t.Errorf("diagnostics:\n%swant one warning at %s: %s", errs.Format(), c.at, c.msg)
			}
			if !c.check(p) {
				t.Errorf("not cut: %+v", exported(p))
			}
		})
	}
}

func TestPublicCodeUnknownKeysAreWarnedAtTheTopLevelOnly(t *testing.T) {
	cases := []struct {
		name, lines, want string
	}{
		{"top level typo", "developmentStauts: stable", `4:1: warning: unknown key "developmentStauts" ignored: it is not part of publiccode.yml 0.2 to 0.5; did you mean "developmentStatus"?`},
		{"nested key at the top level", "licence: MIT", `4:1: warning: unknown key "licence" ignored: it is not part of publiccode.yml 0.2 to 0.5`},
		{"top level word", "colore: blu", `4:1: warning: unknown key "colore" ignored: it is not part of publiccode.yml 0.2 to 0.5`},
		{"top level key with a dot", `"description.it": Ciao`, `4:1: warning: unknown key "description.it" ignored: it is not part of publiccode.yml 0.2 to 0.5; did you mean "description"?`},
		{"legal", "legal: {license: MIT, licenza: MIT}", ""},
		{"maintenance", "maintenance: {type: internal, tipo: interna, contacts: [{name: Ada, telefono: '06 1234'}]}", ""},
		{"description", "description: {it: {shortDescription: Ciao, descrizioneBreve: Ciao}}", ""},
		{"country extension", "it: {countryExtensionVersion: '1.0', piattaforme: {spid: true, siope: true}, altro: 1}", ""},
		{"upper case country extension", "IT: {riuso: {codiceIPA: c_h501}, conforme: {accessibile: true}}", ""},
		{"newer keys", "organisation: {uri: 'urn:x-italian-pa:c_h501', name: Roma Capitale}\norganizationUri: https://example.org\nfundedBy: [{name: PNRR, uri: https://example.org}]", ""},
		{"documented but unused", "localisation: {localisationReady: true, availableLanguages: [it]}\ndependsOn: {open: [{name: PostgreSQL, optional: yes}]}\nintendedAudience: {countries: [it], scope: [government]}\nusedBy: [Comune di Roma]\nisBasedOn: https://example.org/a.git\nlogo: logo.svg\nmonochromeLogo: mono.svg\ninputTypes: [text/plain]\noutputTypes: [text/plain]\nroadmap: https://example.org/roadmap\napplicationSuite: Suite", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := pc(c.lines)
			if !strings.Contains(c.lines, "description:") {
				src += "description: {it: {shortDescription: Ciao}}\n"
			}
			p, errs := parsePC(src)
			if p == nil || errs.HasErrors() {
				t.Fatalf("not read:\n%s", errs.Format())
			}
			switch {
			case c.want == "" && len(errs) > 0:
				t.Errorf("want no diagnostics, got:\n%s", errs.Format())
			case c.want != "" && (len(errs) != 1 || errs[0].Error() != pcPath+":"+c.want):
				t.Errorf("diagnostics:\n%swant %s", errs.Format(), c.want)
			}
		})
	}
}

func TestPublicCodeEmailsMustLookLikeEmails(t *testing.T) {
	for _, c := range []struct{ email, want string }{
		{"mario.rossi@comune.roma.it", "mario.rossi@comune.roma.it"},
		{"Mario Rossi <mario.rossi@comune.roma.it>", "mario.rossi@comune.roma.it"},
		{"ufficio@città.it", "ufficio@città.it"},
		{"mario.rossi\\x40comune.roma.it", "mario.rossi@comune.roma.it"}, // the standard's obfuscation, decoded by YAML
		{"mario.rossi(at)comune.roma.it", ""},
		{"mario.rossi@", ""},
		{"@comune.roma.it", ""},
		{"mario rossi@comune.roma.it", ""},
		{"mario.rossi@localhost", ""},
		{"<script>@x.it", ""},
		{"mailto:mario.rossi@comune.roma.it", ""},
	} {
		p, errs := parsePC(pc("maintenance:", "  type: internal", "  contacts:", "    - name: Mario Rossi", `      email: "`+c.email+`"`, "description: {it: {shortDescription: a}}"))
		if p == nil || len(p.Contacts) != 1 {
			t.Fatalf("%q: not read:\n%s", c.email, errs.Format())
		}
		if p.Contacts[0].Email != c.want {
			t.Errorf("%q read as %q, want %q", c.email, p.Contacts[0].Email, c.want)
		}
		warned := len(only(errs, "8:14: warning: maintenance.contacts[0].email")) == 1
		if warned != (c.want == "") || len(errs) != map[bool]int{true: 1, false: 0}[warned] {
			t.Errorf("%q: diagnostics:\n%s", c.email, errs.Format())
		}
	}
}

func TestPublicCodeDatesAreYearMonthDay(t *testing.T) {
	for _, c := range []struct{ date, want, warning string }{
		{"2024-03-18", "2024-03-18", ""},
		{`"2024-03-18"`, "2024-03-18", ""},
		{"2024-03-18T10:30:00+01:00", "2024-03-18", "want a date as YYYY-MM-DD, without the time; read as 2024-03-18"},
		{"18/03/2024", "", "write it as YYYY-MM-DD (year first), e.g. 2024-03-18"},
		{"18.03.2024", "", "write it as YYYY-MM-DD (year first), e.g. 2024-03-18"},
		{"2024-02-30", "", "write it as YYYY-MM-DD, e.g. 2024-03-31"},
		{"marzo 2024", "", "is not a date and is left out"},
		{"2024", "", "is not a date and is left out"},
	} {
		p, errs := parsePC(pc("releaseDate: "+c.date, "description: {it: {shortDescription: a}}"))
		if p == nil {
			t.Fatalf("%s: not read:\n%s", c.date, errs.Format())
		}
		if p.ReleaseDate != c.want {
			t.Errorf("%s read as %q, want %q", c.date, p.ReleaseDate, c.want)
		}
		switch {
		case c.warning == "" && len(errs) > 0:
			t.Errorf("%s: diagnostics:\n%s", c.date, errs.Format())
		case c.warning != "" && (len(errs) != 1 || !strings.HasPrefix(errs[0].Error(), pcPath+":4:14: warning: releaseDate") || !strings.Contains(errs[0].Msg, c.warning)):
			t.Errorf("%s: diagnostics:\n%swant a warning at 4:14 saying %q", c.date, errs.Format(), c.warning)
		}
		pr := p.Practice("x", "c_x", "it")
		if want, _ := time.Parse(time.DateOnly, c.want); !pr.Date.Equal(want) {
			t.Errorf("%s: practice dated %v, want %v", c.date, pr.Date, want)
		}
	}
}

func TestPublicCodeLinksMustBeWebAddresses(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://www.comune.roma.it/servizi", true},
		{"http://example.org", true},
		{"HTTPS://EXAMPLE.ORG/A", true},
		{"https://example.org/a?b=1&c=2#d", true},
		{"javascript:alert(1)", false},
		{"JaVaScRiPt:alert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{"vbscript:msgbox(1)", false},
		{"ftp://example.org/manuale.pdf", false},
		{"git@github.com:comune/medusa.git", false},
		{"//example.org/medusa", false},
		{"/medusa", false},
		{"https://", false},
		{"https:example.org", false},
		{"https://example.org/a b", false},
		{"www.example.org", false},
		{"https://" + strings.Repeat("a", 2100) + ".it", false},
	} {
		p, errs := parsePC(pc(`landingURL: "`+c.url+`"`, "description:", "  it:", "    shortDescription: a", `    documentation: "`+c.url+`"`))
		if p == nil {
			t.Fatalf("%q: not read:\n%s", c.url, errs.Format())
		}
		want := ""
		if c.ok {
			want = c.url
		}
		if p.LandingURL != want || p.Descriptions["it"].Documentation != want {
			t.Errorf("%q read as %q and %q", c.url, p.LandingURL, p.Descriptions["it"].Documentation)
		}
		if c.ok != (len(errs) == 0) || !c.ok && (len(only(errs, ":4:13: warning: landingURL")) != 1 || len(only(errs, ":8:20: warning: description.it.documentation")) != 1) {
			t.Errorf("%q: diagnostics:\n%s", c.url, errs.Format())
		}
		links := p.Practice("x", "c_x", "it").Links
		if c.ok && len(links) != 2 || !c.ok && len(links) != 1 {
			t.Errorf("%q: links %+v", c.url, links)
		}
	}
}

func TestPublicCodeRepositoryThatIsNotAWebAddressIsNotLinked(t *testing.T) {
	p, errs := parsePC("name: Medusa\nurl: git@github.com:comune/medusa.git\npubliccodeYmlVersion: '0.4'\ndescription: {it: {shortDescription: a}}\n")
	if p == nil || p.URL != "" {
		t.Fatalf("read %+v\n%s", p, errs.Format())
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), ":2:6: warning: url \"git@github.com:comune/medusa.git\" is not a web address and is not linked; write the https:// address of the repository") {
		t.Errorf("diagnostics:\n%s", errs.Format())
	}
	if links := p.Practice("x", "c_x", "it").Links; len(links) != 0 {
		t.Errorf("links %+v", links)
	}
}

func TestPublicCodeCategoriesBecomeAtMostTenTags(t *testing.T) {
	cats := []string{"accounting", "agile-project-management", "applicant-tracking", "application-development", "Blog", "appointment-scheduling",
		"backup", "billing-and-invoicing", "blog", "budgeting", "business-intelligence", "cad", "crm"}
	p, errs := parsePC(pc("categories: ["+strings.Join(cats, ", ")+"]", "description: {it: {shortDescription: a}}"))
	if p == nil {
		t.Fatalf("not read:\n%s", errs.Format())
	}
	if len(p.Categories) != 12 {
		t.Errorf("categories %v", p.Categories)
	}
	if len(only(errs, `4:97: warning: category "Blog" left out`)) != 1 || len(only(errs, "4:198: warning: only the first 10 categories become tags")) != 1 || len(errs) != 2 {
		t.Errorf("diagnostics:\n%s", errs.Format())
	}
	pr := p.Practice("x", "c_x", "it")
	want := []string{"accounting", "agile-project-management", "applicant-tracking", "application-development", "appointment-scheduling",
		"backup", "billing-and-invoicing", "blog", "budgeting", "business-intelligence"}
	if !reflect.DeepEqual(pr.Tags, want) {
		t.Errorf("tags %v, want %v", pr.Tags, want)
	}
	if pr.At["tags.4"] != (diag.Pos{File: pcPath, Line: 4, Col: 103}) {
		t.Errorf("tags.4 at %v", pr.At["tags.4"])
	}
}

func TestPublicCodeIPACodeOfTheBody(t *testing.T) {
	for _, c := range []struct{ lines, want, warning string }{
		{"it: {riuso: {codiceIPA: c_h501}}", "c_h501", ""},
		{"IT: {riuso: {codiceIPA: c_h501}}", "c_h501", ""},
		{"it: {riuso: {codiceIPA: C_H501}}", "c_h501", ""},
		{"it: {riuso: {codiceIPA: ' c_h501 '}}", "c_h501", ""},
		{"it: {riuso: {codiceIPA: c_h501}}\nIT: {riuso: {codiceIPA: c_a944}}", "c_h501", ""},
		{"organisation: {uri: 'urn:x-italian-pa:c_h501'}", "c_h501", ""},
		{"organisation: {uri: 'https://www.comune.roma.it'}", "", ""},
		{"it: {riuso: {codiceIPA: 'c-h501'}}", "", `4:25: warning: codiceIPA "c-h501" left out`},
		{"it: {riuso: {codiceIPA: 'Comune di Roma'}}", "", `4:25: warning: codiceIPA "comune di roma" left out`},
		{"it: {riuso: {codiceIPA: 1234}}", "1234", ""},
	} {
		p, errs := parsePC(pc(c.lines, "description: {it: {shortDescription: a}}"))
		if p == nil {
			t.Fatalf("%s: not read:\n%s", c.lines, errs.Format())
		}
		if p.IPA != c.want {
			t.Errorf("%s: IPA %q, want %q", c.lines, p.IPA, c.want)
		}
		if c.warning == "" && len(errs) > 0 || c.warning != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), c.warning)) {
			t.Errorf("%s: diagnostics:\n%s", c.lines, errs.Format())
		}
	}
}

func TestPublicCodeDescriptionLanguages(t *testing.T) {
	for _, c := range []struct {
		keys    string
		want    []string
		warning string
	}{
		{"it en", []string{"en", "it"}, ""},
		{"de-AT it-IT sl fur", []string{"de-AT", "fur", "it-IT", "sl"}, ""},
		{"ita eng", []string{"en", "it"}, `description in "eng": write the language as "en"`},
		{"it ita", []string{"it"}, `a second description in "it" ignored`},
		{"EN it", []string{"it"}, `description in language "EN" ignored: pspm reads descriptions under a BCP 47 language code such as it, en or de-AT; write it as "en"`},
		{"en_GB it", []string{"it"}, `write it as "en-GB"`},
		{"xx it", []string{"it"}, `description in language "xx" ignored`},
		{"italiano", nil, `description in language "italiano" ignored`},
	} {
		var lines []string
		for _, k := range strings.Fields(c.keys) {
			lines = append(lines, "  "+k+": {shortDescription: Testo in "+k+"}")
		}
		p, errs := parsePC(pc(append([]string{"description:"}, lines...)...))
		if p == nil {
			t.Fatalf("%s: not read:\n%s", c.keys, errs.Format())
		}
		var got []string
		for k, d := range p.Descriptions {
			got = append(got, k)
			if !strings.HasPrefix(d.ShortDescription, "Testo in ") {
				t.Errorf("%s: %s is %q", c.keys, k, d.ShortDescription)
			}
		}
		sort.Strings(got)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: languages %v, want %v", c.keys, got, c.want)
		}
		if c.warning == "" && len(errs) > 0 || c.warning != "" && len(only(errs, c.warning)) != 1 {
			t.Errorf("%s: diagnostics:\n%swant %q", c.keys, errs.Format(), c.warning)
		}
	}
}

func TestPublicCodePracticeOfMunicipalSoftware(t *testing.T) {
	var errs diag.List
	p := ParsePublicCode(pcPath, readPC(t, "comune-reggio-emilia.yml"), &errs)
	pr := p.Practice("segnala-reggio", "c_h223", "it")
	at := func(line, col int) diag.Pos { return diag.Pos{File: pcPath, Line: line, Col: col} }
	if pr.ID != "segnala-reggio" || pr.Section != site.Practices || pr.Key() != "practices/segnala-reggio" || pr.File != pcPath || pr.Pos != at(3, 1) {
		t.Errorf("item %+v", pr.Item)
	}
	if pr.Kind != "software" || pr.Body != "c_h223" || pr.Title != "Segnala Reggio" || !pr.Date.Equal(time.Date(2024, 3, 18, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("practice %q of %q, %q, dated %v", pr.Kind, pr.Body, pr.Title, pr.Date)
	}
	if !reflect.DeepEqual(pr.Tags, []string{"feedback-and-reviews-management", "customer-service-and-support", "gis"}) {
		t.Errorf("tags %v", pr.Tags)
	}
	wantLinks := []site.Link{
		{Title: "Codice sorgente", URL: "https://github.com/comune-reggioemilia/segnala-reggio", Pos: at(7, 6)},
		{Title: "Sito del progetto", URL: "https://www.comune.re.it/segnala", Pos: at(8, 13)},
		{Title: "Documentazione", URL: "https://docs.comune.re.it/segnala-reggio/", Pos: at(59, 20)},
	}
	if !reflect.DeepEqual(pr.Links, wantLinks) {
		t.Errorf("links %+v", pr.Links)
	}
	if pr.At["body"] != at(145, 16) || pr.At["title"] != at(42, 20) || pr.At["date"] != at(10, 14) || pr.TextLine != 42 {
		t.Errorf("positions %v, text at line %d", pr.At, pr.TextLine)
	}
	want := `Segnalazioni di guasti e disservizi dei cittadini al Comune, dalla presa in carico alla risoluzione.

**Segnala Reggio** permette a cittadini e imprese di segnalare al Comune
buche stradali, lampioni spenti, rifiuti abbandonati e altri disservizi,
con foto e posizione sulla mappa.

Ogni segnalazione è assegnata all'ufficio competente, che la prende in
carico e ne aggiorna lo stato; chi l'ha inviata riceve una notifica a ogni
passaggio, anche sull'app IO.

Il servizio rispetta le [linee guida di design](https://designers.italia.it/)
per i siti dei Comuni e si integra con SPID, CIE e il sistema di
protocollo dell'ente.

## Funzionalità

- Segnalazione con foto e posizione sulla mappa
- Accesso con SPID e CIE
- Assegnazione automatica all'ufficio competente
- Notifiche sull'app IO a ogni cambio di stato
- Cruscotto per gli operatori con tempi di risoluzione
- Dati aperti delle segnalazioni risolte

## Scheda

- **Licenza:** EUPL-1.2
- **Manutenzione:** a contratto (Lepida ScpA)
- **Stato di sviluppo:** stabile
- **Versione:** 2.3.1, rilasciata il 2024-03-18`
	if pr.Text() != want {
		t.Errorf("text:\n%s\nwant:\n%s", pr.Text(), want)
	}
}

func TestPublicCodePracticeInEnglishUsesTheEnglishDescriptionAndWords(t *testing.T) {
	var errs diag.List
	p := ParsePublicCode(pcPath, readPC(t, "comune-reggio-emilia.yml"), &errs)
	pr := p.Practice("segnala-reggio", "c_h223", "en")
	if pr.Title != "Report Reggio" || pr.Links[0].Title != "Source code" || pr.Links[2].URL != "https://docs.comune.re.it/segnala-reggio/en/" {
		t.Errorf("title %q, links %+v", pr.Title, pr.Links)
	}
	for _, s := range []string{"Citizens report faults", "## Features\n\n- Reports with photo", "- **Licence:** EUPL-1.2", "- **Maintenance:** under contract (Lepida ScpA)",
		"- **Development status:** stable", "- **Version:** 2.3.1, released on 2024-03-18"} {
		if !strings.Contains(pr.Text(), s) {
			t.Errorf("text has no %q:\n%s", s, pr.Text())
		}
	}
	if pr.At["body"] != p.at["ipa"] {
		t.Errorf("body at %v", pr.At["body"])
	}
	if other := p.Practice("segnala-reggio", "c_x000", "en"); other.At["body"] != (diag.Pos{}) {
		t.Errorf("the position of codiceIPA given to another body: %v", other.At["body"])
	}
}

func TestPublicCodePracticeLanguageFallsBackToItalianThenEnglishThenTheFirst(t *testing.T) {
	for _, c := range []struct {
		have, lang, want string
	}{
		{"it en", "it", "it"},
		{"it en", "en", "en"},
		{"it en de", "de", "de"},
		{"it en", "de", "it"},
		{"en fr", "de", "en"},
		{"fr de", "it", "de"},
		{"fr", "it", "fr"},
		{"it-IT en", "it", "it-IT"},
		{"de-AT de-CH", "de", "de-AT"},
		{"en-GB fr", "it", "en-GB"},
		{"it en", "", "it"},
	} {
		var lines []string
		for _, k := range strings.Fields(c.have) {
			lines = append(lines, "  "+k+": {localisedName: Nome "+k+", shortDescription: Testo "+k+"}")
		}
		p, errs := parsePC(pc(append([]string{"description:"}, lines...)...))
		if p == nil {
			t.Fatalf("not read:\n%s", errs.Format())
		}
		pr := p.Practice("x", "c_x", c.lang)
		if pr.Title != "Nome "+c.want || pr.Text() != "Testo "+c.want {
			t.Errorf("descriptions %s in %q: title %q, text %q; want %s", c.have, c.lang, pr.Title, pr.Text(), c.want)
		}
	}
}

func TestPublicCodePracticeMaintainerIsTheContractorsElseTheContacts(t *testing.T) {
	for _, c := range []struct{ maintenance, want string }{
		{"{type: contract, contractors: [{name: Alfa srl, until: 2026-01-01}, {name: Beta spa, until: 2026-01-01}], contacts: [{name: Ada}]}", "- **Manutenzione:** a contratto (Alfa srl, Beta spa)"},
		{"{type: internal, contacts: [{name: Ada Rossi}, {name: Bruno Verdi}]}", "- **Manutenzione:** interna (Ada Rossi, Bruno Verdi)"},
		{"{type: community}", "- **Manutenzione:** della comunità"},
		{"{type: none}", "- **Manutenzione:** nessuna"},
		{"{contacts: [{name: Ada Rossi}]}", "- **Manutenzione:** Ada Rossi"},
	} {
		p, errs := parsePC(pc("maintenance: "+c.maintenance, "description: {it: {shortDescription: a}}"))
		if p == nil {
			t.Fatalf("not read:\n%s", errs.Format())
		}
		if text := p.Practice("x", "c_x", "it").Text(); !strings.Contains(text, c.want+"\n") && !strings.HasSuffix(text, c.want) {
			t.Errorf("%s: text\n%s\nwant %s", c.maintenance, text, c.want)
		}
	}
}

// safeLinkRE matches the only link syntax a practice's Text may hold: an inline link to
// an http(s) address with no brackets in its text. It is written apart from the code under
// test, as an oracle.
var safeLinkRE = regexp.MustCompile(`\[[^\[\]\n]*\]\((?i:https?)://[^\s()<>\[\]]*\)`)

// unsafeText says what makes text unsafe as Markdown by itself, or "".
func unsafeText(text string) string {
	lower := strings.ToLower(text)
	switch {
	case strings.Contains(lower, "<script"):
		return "a <script"
	case strings.ContainsAny(text, "<>"):
		return "a < or >, which could open HTML"
	case strings.Contains(lower, "javascript:") || strings.Contains(lower, "vbscript:"):
		return "a script scheme"
	case strings.Contains(text, "!["):
		return "an image"
	}
	if rest := safeLinkRE.ReplaceAllString(text, ""); strings.ContainsAny(rest, "[]") {
		return "link syntax other than an http(s) link: " + rest
	}
	return ""
}

func TestPublicCodeFromAHostileFileGivesSafeText(t *testing.T) {
	var errs diag.List
	p := ParsePublicCode(pcPath, readPC(t, "hostile.yml"), &errs)
	if p == nil {
		t.Fatalf("not read:\n%s", errs.Format())
	}
	for _, lang := range []string{"it", "en"} {
		pr := p.Practice("portale", "c_x", lang)
		if why := unsafeText(pr.Text()); why != "" {
			t.Errorf("text has %s:\n%s", why, pr.Text())
		}
		for _, s := range []string{
			"Un portale &lt;script&gt;alert('breve')&lt;/script&gt; &amp; più", // shown as written, as text
			"&#91;x&#93;(javascript&#58;alert(1))",
			"[link vero](https://example.org/docs?a=1&amp;b=2)", // a web link is kept
			"&#33;[traccia](https://tracker.example/pixel.png)", // an image is only a link
			"- vbscript&#58;msgbox(11)",
			"blocco aperto e mai chiuso\n```\n\n## ", // the open fence does not swallow the rest
		} {
			if !strings.Contains(pr.Text(), s) {
				t.Errorf("text has no %q:\n%s", s, pr.Text())
			}
		}
		for _, l := range pr.Links {
			if !strings.HasPrefix(l.URL, "https://") {
				t.Errorf("link %+v", l)
			}
		}
		if len(pr.Links) != 1 || !reflect.DeepEqual(pr.Tags, []string{"website-builder"}) {
			t.Errorf("links %+v, tags %v", pr.Links, pr.Tags)
		}
		// What a reader gets: the text as written, and a single link, to the web.
		html := markdown.New().Render([]byte(pr.Text())).HTML
		for _, bad := range []string{"<script", "<img", "<iframe", "<svg", "<b "} {
			if strings.Contains(strings.ToLower(html), bad) {
				t.Errorf("rendered text has %q:\n%s", bad, html)
			}
		}
		hrefs := regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(html, -1)
		if len(hrefs) != 2 || hrefs[0][1] != "https://example.org/docs?a=1&amp;b=2" || hrefs[1][1] != "https://tracker.example/pixel.png" ||
			!strings.Contains(html, "Testo con &lt;script&gt;alert(1)&lt;/script&gt; e un [x](javascript:alert(1))") {
			t.Errorf("rendered:\n%s", html)
		}
	}
}

func TestPublicCodeLongDescriptionKeepsWebLinksAndEscapesTheRest(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a < b & c > d", "a &lt; b &amp; c &gt; d"},
		{"**grassetto** e _corsivo_\n\n- punto", "**grassetto** e _corsivo_\n\n- punto"},
		{"[sito](https://example.org/a_b)", "[sito](https://example.org/a_b)"},
		{"[sito](HTTP://EXAMPLE.ORG)", "[sito](HTTP://EXAMPLE.ORG)"},
		{"[x](javascript:alert(1))", "&#91;x&#93;(javascript&#58;alert(1))"},
		{"[x](JAVASCRIPT:alert(1))", "&#91;x&#93;(JAVASCRIPT&#58;alert(1))"},
		{"[x]( https://example.org)", "&#91;x&#93;( https://example.org)"},
		{"[x](<https://example.org>)", "&#91;x&#93;(&lt;https://example.org&gt;)"},
		{`[x](https://example.org "titolo")`, `&#91;x&#93;(https://example.org "titolo")`},
		{"[x](https://)", "&#91;x&#93;(https://)"},
		{"[a [b]](https://example.org)", "&#91;a &#91;b&#93;&#93;(https://example.org)"},
		{"![a](https://example.org/p.png)", "&#33;[a](https://example.org/p.png)"},
		{"[a][b]\n\n[b]: https://example.org", "&#91;a&#93;&#91;b&#93;\n\n&#91;b&#93;: https://example.org"},
		{"<https://example.org>", "&lt;https://example.org&gt;"},
		{"&#60;script&#62;", "&amp;#60;script&amp;#62;"},
		{`\<b>`, `\&lt;b&gt;`},
		{"[x](https://e.org/javascript:a)", "[x](https://e.org/javascript&#58;a)"},
		{"```go\ncodice", "```go\ncodice\n```"},
		{"````\ncodice\n```", "````\ncodice\n```\n````"},
		{"~~~\ncodice\n~~~", "~~~\ncodice\n~~~"},
		{"``` a`b\nnon è un blocco", "``` a`b\nnon è un blocco"},
		{"    ```\nrientrato", "    ```\nrientrato"},
	} {
		if got := safeMarkdown(c.in); got != c.want {
			t.Errorf("safeMarkdown(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestPublicCodeMadeByHandGivesASafePracticeToo(t *testing.T) {
	p := &PublicCode{
		Name:       "Nome\x00 <i>",
		URL:        "javascript:alert(1)",
		LandingURL: "https://example.org",
		Categories: []string{"Non Slug", "ok"},
		Descriptions: map[string]PublicCodeDescription{"it": {
			ShortDescription: "<script>", LongDescription: "[a](javascript:b)", Documentation: "data:x",
		}},
	}
	pr := p.Practice("x", "c_x", "it")
	if pr.Title != "Nome <i>" || len(pr.Links) != 1 || pr.Links[0].URL != "https://example.org" || !reflect.DeepEqual(pr.Tags, []string{"ok"}) {
		t.Errorf("practice %+v", pr)
	}
	if why := unsafeText(pr.Text()); why != "" {
		t.Errorf("text has %s:\n%s", why, pr.Text())
	}
	if (*PublicCode)(nil).Practice("x", "c_x", "it") != nil {
		t.Errorf("a practice of nothing")
	}
}

// FuzzPublicCode feeds ParsePublicCode arbitrary files. It must not panic; it returns a
// result exactly when it reported no error; every diagnostic points into the file; what it
// returns is within its limits, and its addresses are web addresses; and the practice made
// of it, in any language, has Text that is safe Markdown by itself (no HTML, no link but to
// http(s) addresses, no "javascript:"), at most 10 tags and only http(s) links. Seeds are
// the files of testdata/publiccode and testdata/fuzz/FuzzPublicCode.
func FuzzPublicCode(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "publiccode", "*.yml"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var errs diag.List
		p := ParsePublicCode(pcPath, data, &errs)
		lines := strings.Count(string(data), "\n") + 1
		for _, e := range errs {
			if e.Pos.File != pcPath || e.Pos.Line < 0 || e.Pos.Line > lines || (e.Pos.Line > 0) != (e.Pos.Col > 0) {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
			if !utf8.ValidString(e.Msg) {
				t.Errorf("message is not UTF-8: %q", e.Msg)
			}
		}
		if (p == nil) != errs.HasErrors() {
			t.Fatalf("result %v with diagnostics:\n%s", p != nil, errs.Format())
		}
		if p == nil {
			return
		}
		shown := func(what, s string, max int) {
			if n := utf8.RuneCountInString(s); n > max {
				t.Errorf("%s is %d characters long, over %d", what, n, max)
			}
			if strings.IndexFunc(s, func(r rune) bool { return r != '\n' && r != '\t' && unicode.IsControl(r) }) >= 0 || !utf8.ValidString(s) {
				t.Errorf("%s has control characters or invalid UTF-8: %q", what, s)
			}
		}
		web := func(what, u string) {
			if u != "" && !strings.HasPrefix(strings.ToLower(u), "http://") && !strings.HasPrefix(strings.ToLower(u), "https://") {
				t.Errorf("%s %q is not a web address", what, u)
			}
		}
		if p.Name == "" {
			t.Errorf("no name")
		}
		shown("name", p.Name, maxName)
		web("url", p.URL)
		web("landingURL", p.LandingURL)
		if p.ReleaseDate != "" {
			if _, err := time.Parse(time.DateOnly, p.ReleaseDate); err != nil {
				t.Errorf("release date %q", p.ReleaseDate)
			}
		}
		for _, c := range p.Categories {
			if !slugRE.MatchString(c) {
				t.Errorf("category %q", c)
			}
		}
		if len(p.Categories) > maxList || len(p.Contacts) > maxList || len(p.Contractors) > maxList {
			t.Errorf("lists too long: %d categories, %d contacts, %d contractors", len(p.Categories), len(p.Contacts), len(p.Contractors))
		}
		if p.IPA != "" && !ipaRE.MatchString(p.IPA) {
			t.Errorf("IPA %q", p.IPA)
		}
		for _, c := range p.Contacts {
			if c.Email != "" && !strings.Contains(c.Email, "@") {
				t.Errorf("email %q", c.Email)
			}
		}
		for lang, d := range p.Descriptions {
			shown(lang+" short description", d.ShortDescription, maxShort)
			shown(lang+" long description", d.LongDescription, maxLong)
			shown(lang+" name", d.LocalisedName, maxName)
			web(lang+" documentation", d.Documentation)
			if len(d.Features) > maxFeatures {
				t.Errorf("%d features", len(d.Features))
			}
		}
		for _, lang := range []string{"it", "en", "de", ""} {
			pr := p.Practice("x", "c_x", lang)
			if why := unsafeText(pr.Text()); why != "" {
				t.Fatalf("in %q, text has %s:\n%s", lang, why, pr.Text())
			}
			if pr.Kind != "software" || pr.Title == "" || len(pr.Tags) > maxTags || pr.Section != site.Practices {
				t.Errorf("practice %q %q %v", pr.Kind, pr.Title, pr.Tags)
			}
			shown("title", pr.Title, maxName)
			for _, l := range pr.Links {
				web("link", l.URL)
				if l.Title == "" {
					t.Errorf("link without title: %+v", l)
				}
			}
		}
	})
}

// A file of publiccode.yml 0.5, as bodies publish them now (organisation, fundedBy), is read
// without any warning: 0.5 is a version pspm reads, not "read as 0.4, keys may be missed".
func TestPublicCode05IsReadWithoutWarnings(t *testing.T) {
	p, errs := parsePC(`publiccodeYmlVersion: "0.5"
name: Medusa
url: https://example.org/medusa.git
organisation:
  uri: "urn:x-italian-pa:c_h223"
  name: Comune di Reggio Emilia
fundedBy:
  - name: PNRR
    uri: https://example.org/pnrr
developmentStatus: stable
softwareType: standalone/web
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Ufficio Innovazione
      email: innovazione@comune.re.it
description:
  it:
    shortDescription: Segnalazioni dei cittadini.
`)
	if p == nil || len(errs) > 0 {
		t.Errorf("read %v, diagnostics:\n%s", p != nil, errs.Format())
	}
}
