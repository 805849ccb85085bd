package config_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
)

func load(t *testing.T, yaml string) (*config.Config, diag.List) {
	t.Helper()
	var errs diag.List
	c := config.Load(fstest.MapFS{config.File: {Data: []byte(yaml)}}, &errs)
	return c, errs
}

// The limits on what items may list have documented defaults, and pspm.yaml raises or
// lowers each of them.
func TestListLimitsHaveDefaultsAndCanBeSet(t *testing.T) {
	d := config.Default().Limits
	if d.Tags != 20 || d.TagPages != 2000 || d.Lists != 100 || d.IndicatorValues != 500 {
		t.Errorf("defaults: tags %d, tag_pages %d, lists %d, indicator_values %d; want 20, 2000, 100, 500", d.Tags, d.TagPages, d.Lists, d.IndicatorValues)
	}
	c, errs := load(t, "limits:\n  tags: 40\n  tag_pages: 5000\n  lists: 7\n  indicator_values: 1200\n")
	if errs.HasErrors() || len(errs) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", errs.Format())
	}
	if l := c.Limits; l.Tags != 40 || l.TagPages != 5000 || l.Lists != 7 || l.IndicatorValues != 1200 || l.TableCells != d.TableCells {
		t.Errorf("got %+v", l)
	}
}

// A limit out of its range is an error at its value, and the default stays.
func TestListLimitOutOfRangeIsAnErrorAtItsValue(t *testing.T) {
	c, errs := load(t, "title: x\nlimits:\n  tags: 0\n")
	if !errs.HasErrors() || !strings.Contains(errs.Format(), "pspm.yaml:3:9") {
		t.Errorf("want an error at pspm.yaml:3:9, got:\n%s", errs.Format())
	}
	if c.Limits.Tags != 20 {
		t.Errorf("tags %d after a bad value, want the default 20", c.Limits.Tags)
	}
}

// An agid-plan source needs no body (AgID's plan is a reference, not a body's items);
// every other source does, and is an error at its entry without one; a second agid-plan
// source is a warning and left out.
func TestAgIDPlanSourceNeedsNoBodyAndOnlyOneIsRead(t *testing.T) {
	c, errs := load(t, "sources:\n  - url: https://github.com/italia/pianotriennale-ict-doc.git\n    ref: 2024-2026\n    kind: agid-plan\n"+
		"  - url: https://example.org/portale.git\n"+
		"  - url: https://github.com/italia/pianotriennale-ict-doc.git\n    ref: 2022-2024\n    kind: agid-plan\n")
	got := errs.Format()
	for _, want := range []string{`pspm.yaml:5:5: missing required key "sources[1].body"`, "pspm.yaml:8:11: warning: sources[2] is a second agid-plan source"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if len(c.Sources) != 1 || c.Sources[0].Kind != config.SourceAgIDPlan || c.Sources[0].Ref != "2024-2026" {
		t.Errorf("sources kept: %+v", c.Sources)
	}
}

// Members' addresses stay out of the datasets unless pspm.yaml opts in; a value that is
// not a boolean is an error at its place.
func TestPersonalOpenDataIsOffByDefaultAndOptedIn(t *testing.T) {
	if config.Default().OpenData.Personal {
		t.Errorf("open_data.personal is on by default")
	}
	if c, errs := load(t, "title: x\n"); c.OpenData.Personal || len(errs) > 0 {
		t.Errorf("without open_data: personal %v, diagnostics %s", c.OpenData.Personal, errs.Format())
	}
	if c, errs := load(t, "open_data:\n  personal: true\n"); !c.OpenData.Personal || len(errs) > 0 {
		t.Errorf("open_data.personal: true gives %v, diagnostics %s", c.OpenData.Personal, errs.Format())
	}
	if _, errs := load(t, "open_data:\n  personal: maybe\n"); !errs.HasErrors() || !strings.Contains(errs.Format(), "pspm.yaml:2:") {
		t.Errorf("open_data.personal: maybe: want an error at pspm.yaml:2, got:\n%s", errs.Format())
	}
}
