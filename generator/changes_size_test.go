package generator_test

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
)

// realSizeRepo is a repository whose plan has the size of a real edition of AgID's plan
// in two tagged versions: 8 goals, 24 objectives and 280 actions of about a kilobyte of
// text each in plan/2024; plan/2025 renumbers 100 actions (replaces:, half of them with
// a reworded title and text), merges three pairs, splits two, removes 100, adds 110,
// edits 50 in place, moves 20 to another objective, reorders the rest and retitles every
// objective: about 450 changed items.
func realSizeRepo(t testing.TB) *gitRepo {
	t.Helper()
	g := newGitRepo(t, "none", "")
	para := "Le amministrazioni completano la migrazione dei servizi verso infrastrutture qualificate, " +
		"secondo il [modello cloud](https://example.org/cloud) e le **linee guida** dell'Agenzia, con la formazione del personale e il monitoraggio dei risultati. "
	text := strings.Repeat(para, 4) + "\n\n" + strings.Repeat(para, 2)
	goal := func(i int, title string) {
		g.write(fmt.Sprintf("content/plan/goals/g%d.md", i), fmt.Sprintf("---\ntitle: %s\norder: %d\n---\n%s\n", title, i, para))
	}
	objective := func(i int, title string) {
		g.write(fmt.Sprintf("content/plan/objectives/ob-%d.md", i), fmt.Sprintf("---\ntitle: %s\ncode: OB.%d.%d\ngoal: g%d\n---\n%s\n", title, i/3+1, i%3+1, i/3, para))
	}
	action := func(id, code, title string, obj, order int, due, extra, body string) {
		g.write("content/plan/actions/"+id+".md", fmt.Sprintf("---\ntitle: %s\ncode: %s\nobjective: ob-%d\nowner: m_ef\nstatus: planned\ndue: %s\norder: %d\n%s---\n%s\n",
			title, code, obj, due, order, extra, body))
	}
	for i := range 8 {
		goal(i, "Obiettivo strategico "+strconv.Itoa(i))
	}
	for i := range 24 {
		objective(i, "Obiettivo operativo "+strconv.Itoa(i))
	}
	for i := range 280 {
		action(fmt.Sprintf("la%03d", i), fmt.Sprintf("CAP%d.LA%02d", i/35+1, i%35+1), "Linea di azione "+strconv.Itoa(i), i/12%24, i%12, "2024-12-31", "", text)
	}
	g.commitAll("2024-01-10T09:00:00Z", anna, "Edizione 2024")
	g.tag("2024-01-15T12:00:00Z", "plan/2024", "HEAD", "Edizione 2024", "")

	for i := range 24 {
		objective(i, "Obiettivo operativo riformulato "+strconv.Itoa(i))
	}
	for i := range 280 {
		old := fmt.Sprintf("la%03d", i)
		obj, order := i/12%24, 11-i%12 // every action reordered
		switch {
		case i < 100: // renumbered, half reworded
			g.remove("content/plan/actions/" + old + ".md")
			title, body := "Linea di azione "+strconv.Itoa(i), text
			if i%2 == 0 {
				title = "Linea di azione rivista " + strconv.Itoa(i)
				body = strings.Replace(text, "la formazione del personale", "la formazione continua del personale", 1)
			}
			action(fmt.Sprintf("pa-la%03d", i), fmt.Sprintf("CAP%d.PA.LA%02d", i/35+1, i%35+1), title, obj, order, "2025-12-31", "replaces: ["+old+"]\n", body)
		case i < 106: // three pairs merged
			g.remove("content/plan/actions/" + old + ".md")
			if i%2 == 0 {
				action(fmt.Sprintf("mg%03d", i), fmt.Sprintf("CAP9.MG%02d", i), "Unione "+strconv.Itoa(i), obj, order, "2025-12-31",
					fmt.Sprintf("replaces: [%s, la%03d]\n", old, i+1), text)
			}
		case i < 108: // split in two
			g.remove("content/plan/actions/" + old + ".md")
			for _, part := range []string{"a", "b"} {
				action(fmt.Sprintf("sp%03d%s", i, part), fmt.Sprintf("CAP9.SP%02d%s", i, part), "Parte "+part+" "+strconv.Itoa(i), obj, order, "2025-12-31",
					"replaces: ["+old+"]\n", text)
			}
		case i < 208: // removed
			g.remove("content/plan/actions/" + old + ".md")
		case i < 258: // edited in place
			action(old, fmt.Sprintf("CAP%d.LA%02d", i/35+1, i%35+1), "Linea di azione "+strconv.Itoa(i), obj, order, "2025-06-30", "",
				strings.Replace(text, "monitoraggio dei risultati", "monitoraggio trimestrale dei risultati", 2))
		case i < 278: // moved
			action(old, fmt.Sprintf("CAP%d.LA%02d", i/35+1, i%35+1), "Linea di azione "+strconv.Itoa(i), (obj+1)%24, order, "2024-12-31", "", text)
		default: // reordered only, and re-wrapped: not a change
			action(old, fmt.Sprintf("CAP%d.LA%02d", i/35+1, i%35+1), "Linea di azione "+strconv.Itoa(i), obj, order, "2024-12-31", "",
				strings.ReplaceAll(text, ", ", ",\n"))
		}
	}
	for i := range 110 {
		action(fmt.Sprintf("new%03d", i), fmt.Sprintf("CAP%d.PA.LA%02d", i/35+1, 50+i%35), "Nuova linea di azione "+strconv.Itoa(i), i%24, i, "2026-12-31", "", text)
	}
	g.commitAll("2025-01-10T09:00:00Z", anna, "Edizione 2025")
	g.tag("2025-01-15T12:00:00Z", "plan/2025", "HEAD", "Edizione 2025", "")

	for i := range 5 { // the draft: a few changes, on the summary page itself
		action(fmt.Sprintf("new%03d", i), fmt.Sprintf("CAP%d.PA.LA%02d", i/35+1, 50+i%35), "Nuova linea di azione "+strconv.Itoa(i), i%24, i, "2027-06-30", "", text)
	}
	g.commitAll("2025-02-10T09:00:00Z", anna, "Bozza")
	return g
}

var (
	changeItemRE = regexp.MustCompile(`<article class="change change-[a-z]+" id="([a-z]+)-([^"]+)">`)
	summaryRowRE = regexp.MustCompile(`(?s)<tfoot><tr><th scope="row">[^<]*</th>(.*?)</tr></tfoot>`)
	cellRE       = regexp.MustCompile(`<td>(\d+)</td>`)
)

// weights weighs every page of a build's output as the corpus test does: its HTML and
// the files it loads.
func weights(t *testing.T, out *output.Mem, res *generator.Result) map[string]int {
	t.Helper()
	ws, err := pageWeights(out.Files(), res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int{}
	for _, w := range ws {
		m[w.page] = int(w.bytes)
	}
	return m
}

func TestChangesPagesOfARealSizeEditionStayUnderTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plan of 280 actions in two versions")
	}
	_, res, out := realSizeRepo(t).build()
	weight := weights(t, out, res)
	for _, prefix := range []string{"", "en/"} {
		for _, version := range []string{"2025", "draft"} {
			base := prefix + "plan/" + version + "/changes/"
			var data struct {
				Goals, Objectives, Actions []struct {
					ID     string `json:"id"`
					Change string `json:"change"`
				}
				Counts map[string]int `json:"counts"`
			}
			if err := json.Unmarshal(out.Files()["api/v1/plan/"+version+"/changes.json"], &data); err != nil {
				t.Fatal(err)
			}
			var pages []string
			for name := range out.Files() {
				if strings.HasPrefix(name, base) && path.Base(name) == "index.html" {
					pages = append(pages, name)
				}
			}
			sort.Strings(pages)
			seen := map[string]int{}
			largest := 0
			for _, name := range pages {
				w := weight[name]
				largest = max(largest, w)
				if w > maxPageWeight {
					t.Errorf("%s weighs %d bytes, over the budget of %d", name, w, maxPageWeight)
				}
				for _, m := range changeItemRE.FindAllStringSubmatch(page(t, out, name), -1) {
					seen[m[2]]++
				}
			}
			total := 0
			for _, list := range [][]struct {
				ID     string `json:"id"`
				Change string `json:"change"`
			}{data.Goals, data.Objectives, data.Actions} {
				for _, it := range list {
					total++
					if seen[it.ID] != 1 {
						t.Errorf("%s: %s (%s) is on %d pages, want 1", base, it.ID, it.Change, seen[it.ID])
					}
				}
			}
			if version == "draft" && (total != 5 || len(pages) != 1) {
				t.Errorf("%s: %d changed items on %d pages; want 5 on the summary page", base, total, len(pages))
			}
			if version == "2025" && prefix == "" {
				t.Logf("%s: %d changed items on %d pages, the largest %d bytes", base, total, len(pages), largest)
				if total < 400 || len(pages) < 9 {
					t.Errorf("%s: %d changed items on %d pages; want the real size (over 400) split by goal", base, total, len(pages))
				}
				if data.Counts["renumbered"] != 100 || data.Counts["merged"] != 3 || data.Counts["split"] != 4 || data.Counts["moved"] != 20 {
					t.Errorf("%s: counts %v; want 100 renumbered, 3 merged, 4 split, 20 moved", base, data.Counts)
				}
			}
			// The summary's total row says what the open data counts.
			m := summaryRowRE.FindStringSubmatch(page(t, out, base+"index.html"))
			if m == nil {
				t.Fatalf("%sindex.html has no summary total", base)
			}
			var cells []int
			for _, c := range cellRE.FindAllStringSubmatch(m[1], -1) {
				n, _ := strconv.Atoi(c[1])
				cells = append(cells, n)
			}
			var want []int
			sum := 0
			for _, k := range []string{"added", "removed", "renumbered", "merged", "split", "moved", "changed"} {
				want = append(want, data.Counts[k])
				sum += data.Counts[k]
			}
			want = append(want, sum)
			if fmt.Sprint(cells) != fmt.Sprint(want) || sum != total {
				t.Errorf("%s summary total %v; the open data counts %v (%d items)", base, cells, want, total)
			}
		}
	}
}

var actionAnchorRE = regexp.MustCompile(`<li id="action-([^"]+)">`)

func TestPlanPagesOfARealSizeEditionAreSplitByGoalUnderTheBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a plan of 280 actions in two versions")
	}
	g := realSizeRepo(t)
	_, res, out := g.build()
	weight := weights(t, out, res)
	for _, prefix := range []string{"", "en/"} {
		for _, version := range []string{"2024", "2025", "draft"} {
			base := prefix + "plan/" + version + "/"
			seen := map[string]int{}
			pages, largest := 0, 0
			for name := range out.Files() {
				if !strings.HasPrefix(name, base) || path.Base(name) != "index.html" || strings.HasPrefix(name, base+"changes/") {
					continue
				}
				pages++
				w := weight[name]
				largest = max(largest, w)
				if w > maxPageWeight {
					t.Errorf("%s weighs %d bytes, over the budget of %d", name, w, maxPageWeight)
				}
				for _, m := range actionAnchorRE.FindAllStringSubmatch(page(t, out, name), -1) {
					seen[m[1]]++
				}
			}
			plan := res.Site
			for _, v := range res.Site.Versions {
				if v.Name == version {
					plan = v.Plan
				}
			}
			for _, a := range plan.Actions {
				if seen[a.ID] != 1 {
					t.Errorf("%s: action %s is on %d pages, want 1", base, a.ID, seen[a.ID])
				}
			}
			if prefix == "" {
				t.Logf("%s: %d pages, the largest %d bytes", base, pages, largest)
			}
			if pages < 9 {
				t.Errorf("%s: %d pages; want an index and a page or more per goal", base, pages)
			}
		}
		if w := weight[prefix+"plan/index.html"]; w > maxPageWeight || w == 0 {
			t.Errorf("%splan/index.html weighs %d bytes, over the budget of %d", prefix, w, maxPageWeight)
		}
	}
	// The history of an action links its place in each version: the page of its goal
	// that has it.
	if h := historyOf(t, out, "plan/actions/pa-la000/index.html"); !strings.Contains(h, `href="/plan/2024/goals/g0/#action-la000"`) {
		t.Errorf("the history of pa-la000 does not link la000 on its goal's page of version 2024:\n%s", h)
	}
}

// BenchmarkChangesAtRealSize compares two versions of a plan of 280 actions with about
// 410 changed items (site.Diff, reading each text's Markdown every time), and builds the
// whole portal whose changes pages show them (two languages), reporting the time of the
// derive stage (the diffs of every version and the draft), of the render stage (every
// page, the changes and plan pages among them) and the largest changes page.
func BenchmarkChangesAtRealSize(b *testing.B) {
	g := realSizeRepo(b)
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		b.Fatal(err)
	}
	o := generator.Options{Source: fsys, Dir: g.dir}
	res, err := generator.Build(o, output.Discard{})
	if err != nil {
		b.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	s := res.Site
	old, new := s.Versions[1], s.Versions[0]
	md := markdown.New()
	plain := func(src string) string {
		_, p := md.Plain([]byte(src))
		return p
	}
	b.Run("diff", func(b *testing.B) {
		for range b.N {
			site.Diff(old.Plan, new.Plan, old.Name, new.Name, plain)
		}
	})
	b.Run("build", func(b *testing.B) {
		for range b.N {
			out := output.NewMem()
			res, err := generator.Build(o, out)
			if err != nil {
				b.Fatal(err)
			}
			for _, st := range res.Timings {
				if st.Stage == "derive" || st.Stage == "render" {
					b.ReportMetric(float64(st.Duration.Milliseconds()), st.Stage+"-ms")
				}
			}
			largest := 0
			for name, data := range out.Files() {
				if strings.Contains(name, "/changes/") && len(data) > largest {
					largest = len(data)
				}
			}
			b.ReportMetric(float64(largest), "largest-changes-html-bytes")
		}
	})
}
