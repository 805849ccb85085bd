package agid

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

// edition reads the .rst files of testdata/<name>, as a source's tree would give them.
func edition(t testing.TB, name string) []File {
	t.Helper()
	var files []File
	root := filepath.Join("testdata", name)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rst") {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files = append(files, File{Name: filepath.ToSlash(rel), Data: data})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func parse(t testing.TB, name string) (*Plan, diag.List) {
	var errs diag.List
	p := Parse(edition(t, name), &errs)
	errs.Sort()
	return p, errs
}

func find(o *Objective, code string) *Action {
	for _, a := range o.Actions {
		if a.Code == code {
			return a
		}
	}
	return nil
}

func TestEdition2022ReadsObjectivesResultsAndBothKindsOfLinesOfAction(t *testing.T) {
	p, errs := parse(t, "2022-2024")
	if len(errs) != 0 {
		t.Fatalf("warnings on a well-formed edition:\n%v", errs)
	}
	if p.Title != "Piano Triennale per l'informatica nella Pubblica Amministrazione 2022 - 2024" {
		t.Errorf("title %q", p.Title)
	}
	if len(p.Chapters) != 2 || p.Chapters[0].Title != "Servizi" || p.Chapters[1].Title != "Dati" {
		t.Fatalf("chapters %+v", p.Chapters)
	}
	var codes []string
	for _, o := range p.Objectives {
		codes = append(codes, o.Code)
	}
	if want := []string{"OB.1.1", "OB.1.2", "OB.1.3", "OB.2.1"}; !slices.Equal(codes, want) {
		t.Fatalf("objectives %v, want %v", codes, want)
	}
	o := p.Objective("ob.1.1")
	if o.Title != "Migliorare la capacità di generare ed erogare servizi digitali" {
		t.Errorf("title in bold over two lines: %q", o.Title)
	}
	r := o.Results[0]
	if r.Code != "R.A.1.1a" || !strings.HasPrefix(r.Title, "Diffusione del modello di riuso") || len(r.Targets) != 3 {
		t.Fatalf("result %+v", r)
	}
	if b := r.Targets[0]; !b.Baseline || b.Year != 2020 || b.Label != "Baseline dicembre 2020" || !strings.HasPrefix(b.Text, "52 amministrazioni") {
		t.Errorf("baseline written as a link: %+v", b)
	}
	if tg := r.Targets[2]; tg.Baseline || tg.Year != 2023 || tg.Text != "Almeno 200 amministrazioni che rilasciano software open source in Developers Italia." {
		t.Errorf("target: %+v", tg)
	}
	if tg := p.Objective("OB.1.2").Results[0].Targets[0]; tg.Year != 2022 || !strings.Contains(tg.Text, "1.282 siti web della PA.; Rilevazione dei 10 criteri") {
		t.Errorf("a target whose text is nested bullets: %+v", tg)
	}
	// Institutional lines first, then the PAs', each by code; concluded ones marked.
	var acts []string
	for _, a := range o.Actions {
		acts = append(acts, a.Code)
	}
	if want := []string{"CAP1.LA01", "CAP1.LA02", "CAP1.LA03", "CAP1.LA07", "CAP1.LA23", "CAP1.PA.LA01", "CAP1.PA.LA04", "CAP1.PA.LA05"}; !slices.Equal(acts, want) {
		t.Errorf("actions %v, want %v", acts, want)
	}
	a := find(o, "CAP1.LA03")
	if a.Deadline != "Luglio 2021" || a.Year != 2021 || a.Month != 7 || !a.Done || !slices.Equal(a.Owners, []string{"AGID", "Dipartimento per la Trasformazione Digitale"}) {
		t.Errorf("CAP1.LA03: %+v", a)
	}
	if a := find(o, "CAP1.LA01"); a.Deadline != "Giugno 2022" || !slices.Equal(a.Owners, []string{"Ministero dell’Economia e delle Finanze", "DTD"}) || a.Done {
		t.Errorf("a body whose name has \"e\" in it stays whole: %+v", a)
	}
	if a := find(o, "CAP1.LA23"); a.Text != "Pubblicazione regolamento sui livelli minimi delle infrastrutture digitali (di cui all’articolo 33-septies, comma 4, del decreto-legge n. 179/2012)" || !slices.Equal(a.Owners, []string{"AGID"}) {
		t.Errorf("a parenthesis in the text is not the owners: %+v", a)
	}
	if a := find(o, "CAP1.PA.LA04"); len(a.Owners) != 0 || !strings.HasSuffix(a.Text, "(artt. 68 e 69)") || a.Addressees != "Le PA" || !slices.Equal(a.Kinds, []string{"all"}) {
		t.Errorf("CAP1.PA.LA04: %+v", a)
	}
	if a := find(o, "CAP1.PA.LA01"); a.Deadline != "Da settembre 2020 (in corso)" || !a.Since || a.Year != 2020 || a.Month != 9 {
		t.Errorf("an ongoing line: %+v", a)
	}
	if a := find(o, "CAP1.PA.LA05"); a.Addressees != "Le PAL" || !slices.Contains(a.Kinds, "municipality") || slices.Contains(a.Kinds, "ministry") {
		t.Errorf("PAL are local bodies: %+v", a)
	}
	if a := find(p.Objective("OB.1.3"), "CAP1.LA30"); a == nil || a.Deadline != "Dicembre 2023" || !strings.HasSuffix(a.Text, "Single Digital Gateway") {
		t.Errorf("a line of action in a line block: %+v", a)
	}
	if a := find(p.Objective("OB.1.2"), "CAP1.PA.LA16"); a == nil || a.Deadline != "Entro marzo 2022" || a.Text != "Le PA devono pubblicare gli obiettivi di accessibilità sul proprio sito" {
		t.Errorf("a dash inside the bold deadline: %+v", a)
	}
	if p.Of("CAP1.LA30") != "OB.1.3" || p.Of("r.a.1.2c") != "OB.1.2" || p.Of("CAP9.LA01") != "" {
		t.Error("Of does not find the objective of a result or line of action")
	}
	if p.Results != 5 || p.Actions != 14 {
		t.Errorf("%d results, %d actions", p.Results, p.Actions)
	}
}

func TestEdition2024ReadsSectionsResultGroupsAndPlainCodes(t *testing.T) {
	p, errs := parse(t, "2024-2026")
	if len(errs) != 0 {
		t.Fatalf("warnings on a well-formed edition:\n%v", errs)
	}
	if len(p.Chapters) != 2 || p.Chapters[0].Title != "Organizzazione e gestione del cambiamento" || p.Chapters[1].Number != 3 {
		t.Fatalf("chapters %+v", p.Chapters)
	}
	o := p.Objective("OB.3.1")
	if o == nil || o.Title != "Migliorare la capacità di erogare e-service" || o.Chapter != 3 {
		t.Fatalf("\"Obiettivo 3.1\" is OB.3.1: %+v", o)
	}
	if len(o.Results) != 2 || o.Results[0].Code != "RA3.1.1" || o.Results[1].Code != "RA3.1.2" {
		t.Fatalf("results %+v", o.Results)
	}
	tg := o.Results[0].Targets
	if len(tg) != 3 || tg[0].Label != "Monitoraggio 2024" || !tg[0].Baseline || tg[2].Label != "Target 2026" || tg[2].Year != 2026 || tg[2].Text != "7.000 API totali registrate sul Catalogo API" {
		t.Errorf("targets %+v", tg)
	}
	a := find(o, "CAP3.05")
	if a == nil || a.Deadline != "Luglio 2025 *" || a.Result != "RA3.1.1" || !slices.Equal(a.Owners, []string{"PagoPA S.p.A", "Dipartimento per la Trasformazione Digitale"}) {
		t.Errorf("CAP3.05: %+v", a)
	}
	if a := find(o, "CAP3.10"); a == nil || a.Result != "RA3.1.2" || !slices.Equal(a.Owners, []string{"AgID", "ANAC", "DTD"}) {
		t.Errorf("CAP3.10: %+v", a)
	}
	if a := find(o, "CAP3.PA.05"); a == nil || a.Addressees != "Le PA centrali" || !slices.Equal(a.Kinds, []string{"ministry", "agency"}) || !a.PA {
		t.Errorf("CAP3.PA.05: %+v", a)
	}
	if a := find(p.Objective("OB.1.1"), "CAP1.02"); a == nil || a.Text != "Primo report di monitoraggio sulle comunità digitali" || !slices.Equal(a.Owners, []string{"AgID"}) {
		t.Errorf("owners wrapped onto a line that starts with a dash: %+v", a)
	}
	if a := find(p.Objective("OB.3.2"), "CAP3.PA.12"); a == nil || a.Deadline != "Entro 23 settembre 2025" || a.Month != 9 {
		t.Errorf("a deadline with a day: %+v", a)
	}
	// The appendix's table repeats CAP3.04: the chapter is the reference, not a duplicate.
	if p.Actions != 13 {
		t.Errorf("%d lines of action, want 13", p.Actions)
	}
}

func TestUnknownCodeSuggestsTheClosestObjectives(t *testing.T) {
	p, _ := parse(t, "2024-2026")
	if got := p.Closest("OB.3.3", 2); !slices.Equal(got, []string{"OB.3.1", "OB.3.2"}) {
		t.Errorf("Closest(OB.3.3) = %v", got)
	}
	if got := p.Closest("ob31", 3); len(got) == 0 || got[0] != "OB.3.1" {
		t.Errorf("Closest(ob31) = %v", got)
	}
	if got := p.Closest("XYZ.99.99.99", 3); len(got) != 0 {
		t.Errorf("Closest of nothing alike = %v", got)
	}
}

func TestOddInputIsAWarningAtItsLine(t *testing.T) {
	files := []File{
		{Name: "cap/a.rst", Data: []byte("Titolo\n======\n\n-  **Giugno 2022** - Senza obiettivo - (AGID) - **CAP1.LA01**\n\nOB.1.1 - Uno\n\n-  **Giugno 2022** - Prima - (AGID) - **CAP1.LA02**\n\n-  **Luglio 2022** - Seconda - (AGID) - **CAP1.LA02**\n\n-  **CAP1.LA03**\n\nRA9.9.9\n^^^^^^^\n")},
		{Name: "cap/b.rst", Data: []byte("\xff\xfeOB.1.2 - Due\n")},
		{Name: "cap/c.rst", Data: []byte("R.A.1.1a - Senza obiettivo\n")},
	}
	var errs diag.List
	p := Parse(files, &errs)
	errs.Sort()
	got := all(errs)
	for _, want := range []string{
		"cap/a.rst:4: warning: line of action CAP1.LA01 is not under an objective",
		"cap/a.rst:10: warning: line of action CAP1.LA02 again (first at cap/a.rst:8): the first is kept",
		"cap/a.rst:12: warning: line of action CAP1.LA03 has no text",
		"cap/a.rst:14: warning: RA9.9.9: no expected result has this code",
		"cap/b.rst: warning: the file is not valid UTF-8",
		"cap/c.rst:1: warning: expected result R.A.1.1a is not under an objective",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if p.Objective("OB.1.1") == nil || len(p.Objective("OB.1.1").Actions) != 2 {
		t.Errorf("the rest is read: %+v", p.Objectives)
	}
}

func TestBoundsOnWhatAnEditionBrings(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= MaxObjectives+10; i++ {
		b.WriteString("OB.1." + strconv.Itoa(i) + " - x\n\n")
	}
	var errs diag.List
	p := Parse([]File{{Name: "a.rst", Data: []byte(b.String())}, {Name: "big.rst", Data: make([]byte, MaxFileSize+1)}}, &errs)
	if len(p.Objectives) != MaxObjectives {
		t.Errorf("%d objectives kept", len(p.Objectives))
	}
	if s := all(errs); !strings.Contains(s, "more than 500 objectives") || !strings.Contains(s, "big.rst: warning: the file is over 1024 KiB") {
		t.Errorf("warnings: %s", s)
	}
}

func all(l diag.List) string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Error() + "\n")
	}
	return b.String()
}
