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
