package generator_test

import (
	"reflect"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/site"
)

// TestJudgedReactionsShareTheirVerdicts: after the trust stage, the reactions of the demo
// whose verdicts are equal hold one verdict, and those whose verdicts differ do not.
func TestJudgedReactionsShareTheirVerdicts(t *testing.T) {
	res, err := generator.Inspect(generator.Options{Source: demo.Site()})
	if err != nil {
		t.Fatal(err)
	}
	rs := res.Site.Reactions
	distinct := map[*site.Verdict]bool{}
	for i, a := range rs {
		if a.Verdict == nil {
			t.Fatalf("%s has no verdict", a.File)
		}
		distinct[a.Verdict] = true
		for _, b := range rs[i+1:] {
			if same := reflect.DeepEqual(*a.Verdict, *b.Verdict); same != (a.Verdict == b.Verdict) {
				t.Errorf("%s and %s: equal verdicts %v, one verdict %v", a.File, b.File, same, a.Verdict == b.Verdict)
			}
		}
	}
	if len(rs) < 10 || len(distinct) >= len(rs) {
		t.Errorf("%d reactions hold %d verdicts", len(rs), len(distinct))
	}
}
