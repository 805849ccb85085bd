package content

import (
	"bytes"
	"testing"
	"testing/fstest"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/site"
)

// FuzzResult loads a plan whose expected result has arbitrary front matter, resolves it
// and measures its indicators as of a few dates. It must not panic, every diagnostic
// about the result points into its file, and a result that loads without errors has
// targets that each have a year or a date (not both), in time order, without two for
// the same day: what Assess relies on.
func FuzzResult(f *testing.F) {
	f.Add([]byte("title: R\nobjective: o1\nowner: [m_ef, agid]\nindicators:\n  - name: N\n    unit: \"%\"\n    baseline: 10\n    baseline_date: 2024-12-31\n    targets:\n      - {year: 2025, value: 20}\n      - {date: 2026-06-30, value: 40}\n    values:\n      - {date: 2025-06-30, value: 12}\n"))
	f.Add([]byte("title: R\nobjective: o1\nindicators:\n  - name: N\n    baseline: 100\n    targets:\n      - {year: 2026, value: 1}\n      - {year: 2025, date: 2025-01-01, value: 2}\n      - {value: .nan}\n    values:\n      - {date: 2025-01-01, value: .inf}\n"))
	f.Add([]byte("title: R\nobjective: [o1]\nindicators: {name: N}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "content/plan/results/r1.md"
		fsys := fstest.MapFS{
			"content/plan/_index.md":        {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")},
			"content/plan/goals/g1.md":      {Data: []byte("---\ntitle: G\n---\n")},
			"content/plan/objectives/o1.md": {Data: []byte("---\ntitle: O\ngoal: g1\n---\n")},
			"content/bodies/m_ef.md":        {Data: []byte("---\nname: MEF\n---\n")},
			file:                            {Data: append(append([]byte("---\n"), data...), "\n---\nText.\n"...)},
		}
		s, errs := Load(fsys, config.Default())
		errs.Append(s.Resolve())
		lines := bytes.Count(fsys[file].Data, []byte("\n")) + 1
		for _, e := range errs {
			if e.Pos.File == file && (e.Pos.Line < 1 || e.Pos.Line > lines) {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		for _, r := range s.Results {
			for i := range r.Indicators {
				in := &r.Indicators[i]
				for _, d := range []string{"2020-01-01", "2025-06-30", "2030-12-31"} {
					at, _ := time.Parse("2006-01-02", d)
					site.Assess(in, at)
				}
				if errs.HasErrors() {
					continue
				}
				for j, tg := range in.Targets {
					if (tg.Year == 0) == tg.Date.IsZero() {
						t.Errorf("targets[%d] accepted with year %d and date %v", j, tg.Year, tg.Date)
					}
					if j > 0 && !tg.Deadline().After(in.Targets[j-1].Deadline()) {
						t.Errorf("targets[%d] accepted out of order or twice for a day", j)
					}
				}
			}
		}
	})
}
