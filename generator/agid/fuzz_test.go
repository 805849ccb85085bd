package agid

import (
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

// FuzzParse feeds any bytes as an .rst file of an edition: the parser never panics, and
// what it keeps stays within its bounds and consistent.
func FuzzParse(f *testing.F) {
	for _, ed := range []string{"2022-2024", "2024-2026"} {
		for _, file := range edition(f, ed) {
			f.Add(string(file.Data))
		}
	}
	f.Add("OB.1.1 - x\n\n-  R.A.1.1a - y\n\n   -  Target 2021:\n\n      -  z\n\n-  **Da 2020** - - (() - CAP1.PA.LA01\n")
	f.Add("..\n  x\n-  | a - CAP1.01\n| b\nRA1.1.1\n^\n")
	f.Fuzz(func(t *testing.T, s string) {
		var errs diag.List
		p := Parse([]File{{Name: "a.rst", Data: []byte(s)}, {Name: "b/index.rst", Data: []byte(s)}}, &errs)
		n := 0
		for _, c := range p.Chapters {
			for _, o := range c.Objectives {
				n++
				if o.Chapter != c.Number || p.Objective(o.Code) != o {
					t.Fatalf("objective %s in chapter %d", o.Code, c.Number)
				}
				for _, a := range o.Actions {
					if p.Of(a.Code) != o.Code {
						t.Fatalf("action %s of %q, listed under %s", a.Code, p.Of(a.Code), o.Code)
					}
				}
			}
		}
		if n != len(p.Objectives) || n > MaxObjectives {
			t.Fatalf("%d objectives in chapters, %d in all", n, len(p.Objectives))
		}
		for _, e := range errs {
			if e.Pos.File == "" {
				t.Fatalf("a warning without its file: %v", e)
			}
		}
	})
}
