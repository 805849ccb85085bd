package site_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
	"golang.org/x/tools/txtar"
)

// plainText is what a reader of a rendered text reads, as the build gives it to Diff.
func plainText(src string) string {
	_, p := md.Plain([]byte(src))
	return p
}

var md = markdown.New()

var update = flag.Bool("update", false, "rewrite the golden files in testdata/diff")

// diffBase is the plan that every case in testdata/diff changes: goals g1 (objectives o1
// with actions a1 and a2, o2 with a3) and g2 (o3 with a4).
const diffBase = `
-- content/plan/_index.md --
---
title: Piano triennale per l'informatica
period: 2025-2027
owner: m_ef
---
Il piano guida la transizione digitale delle amministrazioni.
-- content/plan/goals/g1.md --
---
title: Servizi digitali
order: 1
---
Servizi pubblici accessibili online.
-- content/plan/goals/g2.md --
---
title: Dati pubblici
order: 2
---
-- content/plan/objectives/o1.md --
---
title: Servizi online per i cittadini
goal: g1
agid: [OB.1.1]
order: 1
---
-- content/plan/objectives/o2.md --
---
title: Identità digitale
goal: g1
agid: [OB.1.2]
order: 2
---
-- content/plan/objectives/o3.md --
---
title: Dati aperti
goal: g2
order: 1
---
-- content/plan/actions/a1.md --
---
title: Migrare i servizi al cloud
objective: o1
status: in-progress
progress: 40
start: 2025-01-01
due: 2025-12-31
indicators:
  - name: Servizi migrati
    unit: "%"
    baseline: 10
    target: 80
    values:
      - {date: 2025-03-01, value: 20}
  - name: Enti coinvolti
    unit: enti
    baseline: 0
    target: 10
---
Le amministrazioni migrano i servizi verso infrastrutture qualificate.
-- content/plan/actions/a2.md --
---
title: Pagamenti con pagoPA
objective: o1
status: planned
order: 2
---
Tutti i pagamenti passano da pagoPA.
-- content/plan/actions/a3.md --
---
title: Accesso con SPID e CIE
objective: o2
status: planned
due: 2026-06-30
---
L'accesso ai servizi avviene con identità digitale.
-- content/plan/actions/a4.md --
---
title: Pubblicare i dati di spesa
objective: o3
status: planned
proposals: [p1]
---
I dati sono pubblicati in formato aperto.
-- content/bodies/m_ef.md --
---
name: Ministero dell'Economia e delle Finanze
kind: ministry
---
-- content/bodies/c_h223.md --
---
name: Comune di Reggio Emilia
kind: municipality
---
-- content/proposals/p1/index.md --
---
title: Dati di spesa aperti
body: c_h223
date: 2025-02-01
---
-- content/proposals/p2/index.md --
---
title: Un catalogo dei servizi
body: c_h223
date: 2025-02-02
---
-- content/proposals/p3/index.md --
---
title: Formazione del personale
body: c_h223
date: 2025-02-03
---
`

// diffCase is a case of testdata/diff/<name>.txtar: files under old/ and new/ replace
// or add to the files of diffBase in the old and the new version, and a file whose
// content is exactly "DELETE\n" removes one. A line "old: none" in the comment says
// that there is no old version (the first version of the plan).
type diffCase struct {
	name     string
	old, new *site.Site
}

func loadDiffCases(t *testing.T) []diffCase {
	t.Helper()
	files, err := filepath.Glob("testdata/diff/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases in testdata/diff: %v", err)
	}
	var cases []diffCase
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		c := diffCase{name: strings.TrimSuffix(filepath.Base(file), ".txtar")}
		if !slices.Contains(strings.Split(string(ar.Comment), "\n"), "old: none") {
			c.old = loadVersion(t, file, ar, "old/")
		}
		c.new = loadVersion(t, file, ar, "new/")
		cases = append(cases, c)
	}
	return cases
}

// loadVersion builds a version of the plan as the build does: load, resolve, derive.
func loadVersion(t *testing.T, file string, ar *txtar.Archive, prefix string) *site.Site {
	t.Helper()
	fsys := fstest.MapFS{}
	for _, f := range txtar.Parse([]byte(diffBase)).Files {
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	for _, f := range ar.Files {
		name, ok := strings.CutPrefix(f.Name, prefix)
		switch {
		case !ok && !strings.HasPrefix(f.Name, "old/") && !strings.HasPrefix(f.Name, "new/"):
			t.Fatalf("%s: file %s is in neither old/ nor new/", file, f.Name)
		case !ok:
		case string(f.Data) == "DELETE\n":
			delete(fsys, name)
		default:
			fsys[name] = &fstest.MapFile{Data: f.Data}
		}
	}
	s, errs := content.Load(fsys, config.Default())
	errs.Append(s.Resolve())
	if errs.HasErrors() {
		t.Fatalf("%s: the %s version does not build:\n%s", file, strings.TrimSuffix(prefix, "/"), errs.Format())
	}
	s.Derive()
	return s
}

// TestDiffMatchesGoldenFiles compares the changes between the versions of each case in
// testdata/diff with <case>.golden; go test -update rewrites the golden files.
func TestDiffMatchesGoldenFiles(t *testing.T) {
	for _, c := range loadDiffCases(t) {
		t.Run(c.name, func(t *testing.T) {
			from := "2025.1"
			if c.old == nil {
				from = ""
			}
			got := formatDiff(site.Diff(c.old, c.new, from, "2025.2", plainText))
			golden := filepath.Join("testdata/diff", c.name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("changes differ from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// formatDiff writes a PlanDiff for a reviewer: one line per item, "+" added, "-"
// removed, "~" moved or changed, then its fields and its text with [-deleted-] and
// {+inserted+} words.
func formatDiff(d *site.PlanDiff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "changes %q → %q", d.From, d.To)
	b.WriteString(":")
	for i, k := range site.ChangeKinds {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s %d", k, d.KindCounts()[k])
	}
	if d.Empty() {
		b.WriteString(", empty")
	}
	b.WriteString("\n")
	if len(d.Plan) > 0 || d.PlanText != nil {
		b.WriteString("\n~ plan\n")
		writeFields(&b, d.Plan)
		writeText(&b, d.PlanText)
	}
	for _, list := range d.Lists() {
		if len(list) > 0 {
			b.WriteString("\n")
		}
		for _, it := range list {
			sign := map[string]string{site.Added: "+", site.Removed: "-"}[it.Kind]
			if sign == "" {
				sign = "~"
			}
			fmt.Fprintf(&b, "%s %s/%s %s", sign, it.Section, it.ID, it.Kind)
			if it.FromIDs != nil {
				fmt.Fprintf(&b, " from [%s] to [%s]", strings.Join(it.FromIDs, " "), strings.Join(it.ToIDs, " "))
			}
			fmt.Fprintf(&b, " (goal %s)", it.Goal)
			switch {
			case it.FromParent != "" && it.ToParent != "":
				fmt.Fprintf(&b, " %s %q → %s %q", it.FromParent, it.FromParentTitle, it.ToParent, it.ToParentTitle)
			case it.ToParent != "":
				fmt.Fprintf(&b, " under %s", it.ToParent)
			case it.FromParent != "":
				fmt.Fprintf(&b, " from %s", it.FromParent)
			}
			fmt.Fprintf(&b, " %q\n", it.Title)
			writeFields(&b, it.Fields)
			writeText(&b, it.Text)
		}
	}
	if len(d.Incorporated) > 0 {
		fmt.Fprintf(&b, "\nincorporated: %s\n", strings.Join(d.Incorporated, ", "))
	}
	return b.String()
}

func writeFields(b *strings.Builder, fields []site.FieldChange) {
	for _, f := range fields {
		fmt.Fprintf(b, "    %s: %q → %q\n", f.Field, f.Old, f.New)
		if f.Words != nil {
			fmt.Fprintf(b, "        words: %s\n", marked(f.Words))
		}
	}
}

// marked writes a word diff with [-deleted-] and {+inserted+} words.
func marked(ops []site.TextOp) string {
	var t strings.Builder
	for _, op := range ops {
		switch op.Op {
		case site.TextDelete:
			t.WriteString("[-" + op.Text + "-]")
		case site.TextInsert:
			t.WriteString("{+" + op.Text + "+}")
		default:
			t.WriteString(op.Text)
		}
	}
	return t.String()
}

func writeText(b *strings.Builder, ops []site.TextOp) {
	if ops == nil {
		return
	}
	b.WriteString("    text:\n")
	for line := range strings.Lines(marked(ops)) {
		if line = strings.TrimRight(line, "\n"); line != "" {
			b.WriteString("        " + line)
		}
		b.WriteString("\n")
	}
}

func TestDiffOfTwoEmptyPlansIsEmpty(t *testing.T) {
	d := site.Diff(nil, nil, "", "draft", plainText)
	if !d.Empty() || d.To != "draft" {
		t.Errorf("Diff(nil, nil) = %+v, want an empty diff to draft", d)
	}
	if a, r, m, c := d.Counts(); a+r+m+c != 0 {
		t.Errorf("Counts() = %d, %d, %d, %d, want zeros", a, r, m, c)
	}
}

// TestDiffOtherWayRoundIsMirrored checks that comparing two versions the other way round gives the
// same changes mirrored: added and removed exchanged, as are old and new values and
// inserted and deleted words.
func TestDiffOtherWayRoundIsMirrored(t *testing.T) {
	for _, c := range loadDiffCases(t) {
		if c.old == nil || strings.HasPrefix(c.name, "lineage") {
			continue // lineage is declared by the newer version: the other way round has none
		}
		t.Run(c.name, func(t *testing.T) {
			ab, ba := site.Diff(c.old, c.new, "a", "b", plainText), site.Diff(c.new, c.old, "b", "a", plainText)
			if got, want := mirrorFields(ba.Plan), sortedFields(ab.Plan); !reflect.DeepEqual(got, want) {
				t.Errorf("plan fields the other way round, mirrored = %v, want %v", got, want)
			}
			if got, want := mirrorText(ba.PlanText), ab.PlanText; !slices.Equal(got, want) {
				t.Errorf("plan text the other way round, mirrored = %v, want %v", got, want)
			}
			for _, l := range []struct{ ab, ba []site.ItemDiff }{{ab.Goals, ba.Goals}, {ab.Objectives, ba.Objectives}, {ab.Actions, ba.Actions}} {
				if len(l.ab) != len(l.ba) {
					t.Errorf("%d items changed one way, %d the other", len(l.ab), len(l.ba))
				}
				for _, x := range l.ab {
					i := slices.IndexFunc(l.ba, func(y site.ItemDiff) bool { return y.Section == x.Section && y.ID == x.ID })
					if i < 0 {
						t.Errorf("%s/%s is %s one way and unchanged the other", x.Section, x.ID, x.Kind)
						continue
					}
					y := l.ba[i]
					kind := map[string]string{site.Added: site.Removed, site.Removed: site.Added}[y.Kind]
					if kind == "" {
						kind = y.Kind
					}
					if kind != x.Kind || y.FromParent != x.ToParent || y.ToParent != x.FromParent {
						t.Errorf("%s/%s: %s %s → %s one way, %s %s → %s the other", x.Section, x.ID,
							x.Kind, x.FromParent, x.ToParent, y.Kind, y.FromParent, y.ToParent)
					}
					if (x.Kind == site.Added || x.Kind == site.Removed) && x.Title != y.Title {
						t.Errorf("%s/%s: title %q one way, %q the other", x.Section, x.ID, x.Title, y.Title)
					}
					if got, want := mirrorFields(y.Fields), sortedFields(x.Fields); !reflect.DeepEqual(got, want) {
						t.Errorf("%s/%s: fields the other way round, mirrored = %v, want %v", x.Section, x.ID, got, want)
					}
					if got, want := mirrorText(y.Text), x.Text; !slices.Equal(got, want) {
						t.Errorf("%s/%s: text the other way round, mirrored = %v, want %v", x.Section, x.ID, got, want)
					}
				}
			}
		})
	}
}

// mirrorFields exchanges old and new values; the result is sorted, since fields of
// indicators follow the order of each version.
func mirrorFields(fs []site.FieldChange) []site.FieldChange {
	if fs == nil {
		return nil
	}
	out := make([]site.FieldChange, len(fs))
	for i, f := range fs {
		out[i] = site.FieldChange{Field: f.Field, Old: f.New, New: f.Old, Words: mirrorText(f.Words)}
	}
	return sortedFields(out)
}

// sortedFields sorts fs by field, without the indicator an added or removed one
// describes (the indicator of one version or the other).
func sortedFields(fs []site.FieldChange) []site.FieldChange {
	out := slices.Clone(fs)
	for i := range out {
		out[i].Indicator = nil
	}
	slices.SortStableFunc(out, func(a, b site.FieldChange) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// mirrorText exchanges inserted and deleted words, keeping deletions first.
func mirrorText(ops []site.TextOp) []site.TextOp {
	if ops == nil {
		return nil
	}
	out := make([]site.TextOp, len(ops))
	for i, op := range ops {
		out[i] = site.TextOp{Op: -op.Op, Text: op.Text}
	}
	for i := 0; i+1 < len(out); i++ {
		if out[i].Op == site.TextInsert && out[i+1].Op == site.TextDelete {
			out[i], out[i+1] = out[i+1], out[i]
			i++
		}
	}
	return out
}

// TestDiffTextRebuildsBothVersions checks the contract of TextOp on every case: the
// equal and deleted words give the old text, the equal and inserted ones the new.
func TestDiffTextRebuildsBothVersions(t *testing.T) {
	for _, c := range loadDiffCases(t) {
		d := site.Diff(c.old, c.new, "a", "b", plainText)
		texts := func(s *site.Site, sec site.Section, id string) string {
			if s == nil {
				return ""
			}
			if it := s.Items[string(sec)+"/"+id]; it != nil {
				return it.Text()
			}
			return ""
		}
		for _, list := range d.Lists() {
			for _, it := range list {
				if it.Text == nil {
					continue
				}
				if it.FromIDs != nil {
					continue // compared with the texts of several items
				}
				o, n := rebuild(it.Text)
				if want := site.ReadableText(texts(c.old, it.Section, it.ID), plainText); o != want {
					t.Errorf("%s: %s/%s: old text %q, want %q", c.name, it.Section, it.ID, o, want)
				}
				if want := site.ReadableText(texts(c.new, it.Section, it.ID), plainText); n != want {
					t.Errorf("%s: %s/%s: new text %q, want %q", c.name, it.Section, it.ID, n, want)
				}
			}
		}
	}
}

func rebuild(ops []site.TextOp) (old, new string) {
	var o, n strings.Builder
	for _, op := range ops {
		if op.Op != site.TextInsert {
			o.WriteString(op.Text)
		}
		if op.Op != site.TextDelete {
			n.WriteString(op.Text)
		}
	}
	return o.String(), n.String()
}

// BenchmarkDiff500 compares two versions of a plan of 500 actions (10 goals, 50
// objectives) with texts of about a kilobyte, where the new version edits one action in
// ten, moves five, removes five and adds five.
func BenchmarkDiff500(b *testing.B) {
	old, new := largePlan(0), largePlan(1)
	b.ReportAllocs()
	for b.Loop() {
		site.Diff(old, new, "2025.1", "2025.2", plainText)
	}
}

func largePlan(version int) *site.Site {
	s := &site.Site{Plan: site.Plan{Title: "Piano", Owner: "m_ef", Text: "Introduzione."}}
	para := "L'attività prosegue secondo il cronoprogramma, con la migrazione dei servizi delle amministrazioni locali verso infrastrutture qualificate e la formazione del personale. "
	for g := range 10 {
		s.Goals = append(s.Goals, &site.Goal{Item: site.Item{ID: "g" + strconv.Itoa(g), Section: site.Goals}, Title: "Obiettivo " + strconv.Itoa(g), Order: g})
		s.Goals[g].SetText(para)
	}
	for o := range 50 {
		s.Objectives = append(s.Objectives, &site.Objective{Item: site.Item{ID: "o" + strconv.Itoa(o), Section: site.Objectives},
			Title: "Obiettivo operativo " + strconv.Itoa(o), Goal: "g" + strconv.Itoa(o/5), AgID: []string{"OB.1." + strconv.Itoa(o)}})
		s.Objectives[o].SetText(para)
	}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 505 {
		a := &site.Action{Item: site.Item{ID: "a" + strconv.Itoa(i), Section: site.Actions},
			Title: "Azione " + strconv.Itoa(i), Objective: "o" + strconv.Itoa(i/10%50), Owner: "m_ef", Status: site.StatusPlanned,
			Start: day, Due: day.AddDate(1, 0, 0), Proposals: []string{"p" + strconv.Itoa(i%40)}, Order: i % 10,
			Indicators: []site.Indicator{{Name: "Servizi", Unit: "%", Baseline: 10, Target: 80}, {Name: "Enti", Baseline: 0, Target: 10}}}
		a.SetText(strings.Repeat(para, 6))
		switch {
		case version == 0 && i >= 500, version == 1 && i < 5:
			continue // removed in the new version, added in it
		case version == 1 && i%10 == 5:
			a.Status, a.Progress = site.StatusInProgress, 30
			a.SetText(strings.Replace(a.Text(), "prosegue secondo", "continua come previsto dal", 2))
			a.Indicators[0].Target = 90
		case version == 1 && i%100 == 7:
			a.Objective = "o" + strconv.Itoa((i/10+1)%50)
		}
		s.Actions = append(s.Actions, a)
	}
	return s
}

// TestTextChangesAreThoseAReaderSees compares texts as their pages show them: re-wrapped
// lines, another link address and emphasis markup are not changes; a link's text is.
func TestTextChangesAreThoseAReaderSees(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		want           string // the changes, with [-deleted-] and {+inserted+} words; "" for none
	}{
		{"re-wrapped paragraph", "Le amministrazioni migrano\ni servizi verso il cloud.", "Le amministrazioni migrano i servizi\nverso   il cloud.", ""},
		{"lines joined, blank line kept", "Primo paragrafo\nsu due righe.\n\nSecondo.", "Primo paragrafo su due righe.\n\n\nSecondo.", ""},
		{"link address", "Vedi le [linee guida](https://example.org/a).", "Vedi le [linee guida](https://example.org/b).", ""},
		{"emphasis", "Le **linee guida** valgono.", "Le linee guida _valgono_.", ""},
		{"reference link", "Vedi [le regole][r].\n\n[r]: https://example.org/r", "Vedi [le regole](https://example.org/s).", ""},
		{"link text", "Vedi le [linee guida](https://example.org/a).", "Vedi le [regole tecniche](https://example.org/a).", "Vedi le [-linee guida-]{+regole tecniche+}."},
		{"word in a re-wrapped paragraph", "Le amministrazioni migrano\ni servizi.", "Le amministrazioni\nmigrano tutti i servizi.", "Le amministrazioni migrano {+tutti +}i servizi."},
		{"paragraph split", "Uno. Due.", "Uno.\n\nDue.", "Uno.[- -]{+\n\n+}Due."},
	} {
		t.Run(c.name, func(t *testing.T) {
			old, new := site.ReadableText(c.old, plainText), site.ReadableText(c.new, plainText)
			got := ""
			if old != new {
				got = marked(textdiff(old, new))
			}
			if got != c.want {
				t.Errorf("changes of %q → %q = %q, want %q", c.old, c.new, got, c.want)
			}
		})
	}
}

// textdiff is the word diff Diff makes of two readable texts.
func textdiff(old, new string) []site.TextOp {
	d := site.Diff(&site.Site{Plan: site.Plan{Text: old}}, &site.Site{Plan: site.Plan{Text: new}}, "a", "b", nil)
	return d.PlanText
}

// FuzzDiffText checks, on any two Markdown texts, that the readable text is stable (read
// twice, it does not change), that the word diff of two readable texts rebuilds both, and
// that a text is never changed from itself re-wrapped. Seeds are in testdata/fuzz.
func FuzzDiffText(f *testing.F) {
	f.Add("Le **linee guida** [valgono](https://a).", "Le linee guida\nvalgono.")
	f.Add("<div>\ntesto</div>\n\ndopo", "# Titolo\n\n- uno\n- due")
	f.Fuzz(func(t *testing.T, a, b string) {
		ra, rb := site.ReadableText(a, plainText), site.ReadableText(b, plainText)
		if again := site.ReadableText(ra, nil); again != ra {
			t.Fatalf("readable text of %q is %q, read again %q", a, ra, again)
		}
		o, n := rebuild(textdiff(ra, rb))
		if ra != rb && (o != ra || n != rb) {
			t.Fatalf("diff of %q and %q rebuilds %q and %q", ra, rb, o, n)
		}
		var words []string // words of letters and digits: re-wrapping them never makes Markdown syntax
		for _, w := range strings.Fields(a) {
			if strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) < 0 {
				words = append(words, w)
			}
		}
		if site.ReadableText(strings.Join(words, "\n"), plainText) != site.ReadableText(strings.Join(words, " "), plainText) {
			t.Fatalf("re-wrapping %q changes its text", a)
		}
	})
}
