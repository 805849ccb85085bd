package generator_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

var (
	rollupRowRE = regexp.MustCompile(`<tr><td><a href="([^"]*)">`)
	headingRE   = regexp.MustCompile(`<h([1-6])[ >]`)
)

// sectionOf returns the section of page labelled by the heading id, "" when none.
func sectionOf(page, id string) string {
	i := strings.Index(page, `<section aria-labelledby="`+id+`">`)
	if i < 0 {
		return ""
	}
	j := strings.Index(page[i:], "\n</section>")
	if j < 0 {
		return page[i:]
	}
	return page[i : i+j]
}

// TestRealPlanMonitoringIsSplitByGoalWithinTheBudget builds the real-plan corpus, whose
// monitoring on one page weighed over 300 KB: /monitoring/ becomes an index of the goals
// with the plan-wide summary, each goal has its part(s), every page is within the
// budget, every action of the monitored plan is in the tree of exactly one part, and
// the overdue rows add up to the plan's overdue actions; in both languages.
func TestRealPlanMonitoringIsSplitByGoalWithinTheBudget(t *testing.T) {
	dir := t.TempDir()
	writeRealPlan(t, dir)
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("the real-plan corpus does not build: %v\n%s", err, res.Diagnostics.Format())
	}
	weights, err := pageWeights(out.Files(), res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	m := res.Site.Monitoring
	actions := 0
	for _, g := range m.Plan.Goals {
		for _, o := range g.Objectives {
			actions += len(o.Actions)
		}
	}
	if actions < 200 || len(m.Overdue) == 0 {
		t.Fatalf("the corpus monitors %d actions, %d overdue: not the real plan's size", actions, len(m.Overdue))
	}
	files := out.Files()
	for _, lang := range []string{"", "en/"} {
		var pages []string
		for _, w := range weights {
			if strings.HasPrefix(w.page, lang+"monitoring/") {
				pages = append(pages, w.page)
				if w.bytes > maxPageWeight {
					t.Errorf("%s weighs %.1f KB, over the budget of %d KB", w.page, float64(w.bytes)/1024, maxPageWeight/1024)
				}
			}
		}
		index := string(files[lang+"monitoring/index.html"])
		if strings.Contains(index, `<section class="goal">`) {
			t.Errorf("%smonitoring/ still carries the goals' trees", lang)
		}
		if !strings.Contains(index, fmt.Sprintf(`<span class="count">(%d)</span>`, len(m.Overdue))) {
			t.Errorf("%smonitoring/ does not count the plan's %d overdue actions", lang, len(m.Overdue))
		}
		seen := map[string]string{}
		overdue := 0
		pagers := 0
		for _, g := range m.Plan.Goals {
			if _, ok := files[lang+"monitoring/"+g.ID+"/index.html"]; !ok {
				t.Errorf("goal %s has no part %smonitoring/%s/", g.ID, lang, g.ID)
			}
		}
		for _, name := range pages {
			if name == lang+"monitoring/index.html" {
				continue
			}
			p := string(files[name])
			for _, row := range rollupRowRE.FindAllStringSubmatch(sectionOf(p, "h-rollup"), -1) {
				if other, ok := seen[row[1]]; ok {
					t.Errorf("action %s is in %s and in %s", row[1], other, name)
				}
				seen[row[1]] = name
			}
			overdue += len(rollupRowRE.FindAllString(sectionOf(p, "h-overdue"), -1))
			level := 0
			for _, h := range headingRE.FindAllStringSubmatch(p[strings.Index(p, "<main"):], -1) {
				l := int(h[1][0] - '0')
				if l > level+1 {
					t.Errorf("%s: heading h%d after h%d", name, l, level)
				}
				level = l
			}
			if strings.Contains(p, `<nav class="pager"`) {
				pagers++
				if !strings.Contains(p, `<nav class="pager" aria-label="`) {
					t.Errorf("%s: its pager is not labelled", name)
				}
			}
		}
		if len(seen) != actions {
			t.Errorf("%smonitoring/'s parts list %d actions in their trees; the monitored plan has %d", lang, len(seen), actions)
		}
		if overdue != len(m.Overdue) {
			t.Errorf("%smonitoring/'s parts list %d overdue actions; the plan has %d", lang, overdue, len(m.Overdue))
		}
		t.Logf("%smonitoring/: %d pages (%d with a pager)", lang, len(pages), pagers)
	}
}
