package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// A file with an error in what it says (an unknown status, a bad date) and an error in what
// it refers to (an unknown objective or body) reports both at once: the second one must not
// wait for the author to fix the first and push again.
func TestAFileWithTwoIndependentProblemsReportsBoth(t *testing.T) {
	cases := []struct {
		overlay string
		want    []string
	}{
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: nope\nstatus: bogus\ndue: 2025-13-45\n---\n", []string{
			`content/plan/actions/a2.md:3:12: unknown objective "nope"`,
			`content/plan/actions/a2.md:4:9: unknown status "bogus"`,
			`content/plan/actions/a2.md:5:6: "due": "2025-13-45" is not a valid date`,
		}},
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: o1\nstart: 2025-12-01\ndue: 2025-01-01\nprogress: 140\n---\n", []string{
			`content/plan/actions/a2.md:5:6: due date 2025-01-01 is before the start date 2025-12-01`,
			`content/plan/actions/a2.md:6:11: "progress": 140 is out of range`,
		}},
		{"-- content/proposals/p2/index.md --\n---\ntitle: T\nbody: nobody\ndate: 2025-02-31\n---\nx\n", []string{
			`content/proposals/p2/index.md:3:7: unknown body "nobody"`,
			`content/proposals/p2/index.md:4:7: "date": "2025-02-31" is not a valid date`,
		}},
		// A value that could not be read is one problem, not also a missing reference.
		{"-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: [o1, o2]\nstatus: bogus\n---\n", []string{
			`content/plan/actions/a2.md:3:12: "objective": want a single value, found a list`,
			`content/plan/actions/a2.md:4:9: unknown status "bogus"`,
		}},
	}
	for _, c := range cases {
		b := sitetest.Run(t, c.overlay).Failed()
		errs := b.Errors()
		if len(errs) != len(c.want) {
			t.Errorf("%q: want %d errors, got:\n%s", c.overlay, len(c.want), errs.Format())
			continue
		}
		for i, w := range c.want {
			if !strings.HasPrefix(errs[i].Error(), w) {
				t.Errorf("%q: error %d is %q, want %q…", c.overlay, i, errs[i].Error(), w)
			}
		}
	}
}
