package generator_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// proposal is a proposal file with the given front matter lines.
func proposal(id, fm string) string {
	return "-- content/proposals/" + id + "/index.md --\n---\ntitle: T\nbody: c_h223\ndate: 2025-02-01\n" + fm + "---\nText.\n"
}

func TestCheckReportsEachProblemAtItsPosition(t *testing.T) {
	cases := []struct {
		name, overlay, want string
	}{
		{"malformed YAML", "-- content/proposals/x/index.md --\n---\ntitle: [unclosed\nbody: c_h223\n---\n", "content/proposals/x/index.md:3:1: invalid YAML"},
		{"missing closing ---", "-- content/proposals/x/index.md --\n---\ntitle: T\nbody: c_h223\n\nText.\n", "content/proposals/x/index.md:1:1: the front matter is not closed"},
		{"byte-order mark", "-- content/proposals/x/index.md --\n\xef\xbb\xbf---\ntitle: T\n---\n", "content/proposals/x/index.md:1:1: the file starts with a byte-order mark"},
		{"TOML front matter", "-- content/proposals/x/index.md --\n+++\ntitle = \"T\"\n+++\n", "content/proposals/x/index.md:1:1: TOML front matter is not supported"},
		{"JSON front matter", "-- content/proposals/x/index.md --\n{\n\"title\": \"T\"\n}\n", "JSON front matter is not supported"},
		{"no front matter", "-- content/proposals/x/index.md --\nJust text.\n", "content/proposals/x/index.md:1:1: missing front matter"},
		{"duplicate keys", proposal("x", "title: Again\n"), `content/proposals/x/index.md:5:1: duplicate key "title" (first at line 2)`},
		{"YAML 1.1 boolean in a vote", "-- content/proposals/p1/reactions/c_h223.yaml --\nvote: no\n", `content/proposals/p1/reactions/c_h223.yaml:1:7: unknown vote "no" (want one of: support, oppose, abstain)`},
		{"octal in an int", "-- content/plan/goals/g2.md --\n---\ntitle: G\norder: 0123\n---\n", `content/plan/goals/g2.md:3:8: "order": 0123 has a leading zero, which YAML 1.1 reads as octal; write 123`},
		{"float in an int", "-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: o1\nprogress: 1.9\n---\n", `content/plan/actions/a2.md:4:11: "progress": want a whole number, found 1.9`},
		{"out of range", "-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: o1\nprogress: 140\n---\n", `"progress": 140 is out of range (want 0 to 100)`},
		{"wrong type", proposal("x", "tags:\n  a: b\n"), `content/proposals/x/index.md:6:3: "tags": want a list like [a, b], found keys and values`},
		{"unknown status with suggestion", proposal("x", "status: aproved\n"), `content/proposals/x/index.md:5:9: unknown status "aproved" (want one of: open, under-review, accepted, rejected, incorporated, withdrawn)`},
		{"bad date", proposal("x", "answer: {date: 31/12/2025, text: Ok}\n"), `"answer.date": "31/12/2025" is not a valid date; write it as YYYY-MM-DD (year first), e.g. 2025-12-31`},
		{"impossible date", "-- content/proposals/x/index.md --\n---\ntitle: T\nbody: c_h223\ndate: 2025-02-30\n---\n", `content/proposals/x/index.md:4:7: "date": "2025-02-30" is not a valid date`},
		{"missing required key", "-- content/proposals/x/index.md --\n---\ntitle: T\ndate: 2025-01-01\n---\n", `content/proposals/x/index.md:2:1: missing required key "body"`},
		{"duplicate id by case", "-- content/proposals/P1.md --\n---\ntitle: T\nbody: c_h223\ndate: 2025-01-01\n---\n", `invalid id "P1"`},
		{"duplicate id, file and folder", "-- content/proposals/p1.md --\n---\ntitle: T\nbody: c_h223\ndate: 2025-01-01\n---\n", `duplicate id "p1"`},
		{"duplicate id by Unicode normalisation", "-- content/practices/caf\u00e9/index.md --\n---\ntitle: T\n---\n-- content/practices/cafe\u0301/index.md --\n---\ntitle: T\n---\n", "differ only by case or accents"},
		{"plan id at two levels", "-- content/plan/actions/o1.md --\n---\ntitle: A\nobjective: o1\n---\n", `id "o1" is already used by content/plan/objectives/o1.md`},
		{"dangling goal", "-- content/plan/objectives/o2.md --\n---\ntitle: O\ngoal: g9\n---\n", `content/plan/objectives/o2.md:3:7: unknown goal "g9"; did you mean "g1"?`},
		{"dangling body", proposal("x", "")[:0] + "-- content/proposals/x/index.md --\n---\ntitle: T\nbody: c_h224\ndate: 2025-02-01\n---\n", `content/proposals/x/index.md:3:7: unknown body "c_h224"; did you mean "c_h223"?`},
		{"dangling target", proposal("x", "targets: [a1, a9]\n"), `content/proposals/x/index.md:5:15: unknown plan item "a9" in targets`},
		{"dangling owner", "-- content/plan/actions/a2.md --\n---\ntitle: A\nobjective: o1\nowner: r_xx\n---\n", `unknown body "r_xx" as owner`},
		{"dangling plan owner", "-- content/plan/_index.md --\n---\ntitle: P\nowner: m_xx\n---\n", `content/plan/_index.md:3:8: unknown body "m_xx" as plan owner`},
		{"non-UTF-8", "-- content/proposals/x/index.md --\n---\ntitle: caf\xe9\n---\n", "content/proposals/x/index.md:2:11: invalid UTF-8"},
		{"NUL byte", "-- content/proposals/x/index.md --\n---\ntitle: a\x00b\n---\n", "content/proposals/x/index.md:2:9: NUL byte"},
		{"huge GFM table", "-- content/proposals/x/index.md --\n---\ntitle: T\nbody: c_h223\ndate: 2025-02-01\n---\n|" + strings.Repeat("a|", 200) + "\n|" + strings.Repeat("-|", 200) + "\n" + strings.Repeat("|x\n", 100), "tables are too large: more than 10000 cells"},
		{"deep nesting", "-- content/proposals/x/index.md --\n---\ntitle: T\nbody: c_h223\ndate: 2025-02-01\n---\n" + strings.Repeat("> ", 40) + "deep\n", "content/proposals/x/index.md:6:1: lists or quotes are nested 40 levels deep (at most 32)"},
		{"unsafe file name", "-- content/practices/pr1/scheda finale.pdf --\nx\n", `unsafe file name "scheda finale.pdf": use only letters, digits, '.', '-' and '_' (e.g. "scheda-finale.pdf")`},
		{"unknown voter", "-- content/proposals/p1/reactions/c_x999.yaml --\nvote: support\n", `content/proposals/p1/reactions/c_x999.yaml:1:1: unknown voter "c_x999"`},
		{"voter id with odd characters", "-- content/proposals/p1/reactions/C_H223.yaml --\nvote: support\n", `voter id "C_H223": a reaction file is named after the voter's body id`},
		{"bad vote value", "-- content/proposals/p1/reactions/c_h223.yaml --\nvote: maybe\n", `unknown vote "maybe"`},
		{"empty reaction", "-- content/proposals/p1/reactions/c_h223.yaml --\ncomment: hello\n", "a reaction needs a vote"},
		{"reaction on unknown item", "-- content/proposals/zz/reactions/c_h223.yaml --\nvote: support\n", `content/proposals/zz/reactions/c_h223.yaml:1:1: unknown item "proposals/zz": there is no content/proposals/zz/index.md or content/proposals/zz.md`},
		{"priority out of range", "-- content/proposals/p1/reactions/c_h223.yaml --\npriority: 9\n", `"priority": 9 is out of range (want 1 to 5)`},
		{"YAML anchors", "-- content/proposals/p1/reactions/c_h223.yaml --\nvote: &v support\npriority: 3\n", "anchors and aliases"},
		{"file over size limit", "-- pspm.yaml --\nlimits: {file_size: 2048}\n-- content/proposals/x/index.md --\n---\ntitle: T\n---\n" + strings.Repeat("word ", 500), "content/proposals/x/index.md: file is over the limit of 2.0 KiB (limits.file_size in pspm.yaml)"},
		{"feedback file name", "-- content/proposals/p1/feedback/Commento.md --\n---\ntitle: T\ndate: 2025-01-01\n---\n", "a feedback file is named <body id>-<slug>.md"},
		{"feedback by unknown body", "-- content/proposals/p1/feedback/c_zzz-nota.md --\n---\ntitle: T\ndate: 2025-01-01\n---\n", `unknown body "c_zzz"`},
		{"bad link scheme", "-- content/practices/pr2/index.md --\n---\ntitle: T\nbody: c_h223\nkind: software\nlinks: [{title: x, url: \"javascript:alert(1)\"}]\n---\n", "is not a web address"},
		{"attachment on a single-file item", "-- content/plan/actions/a1/foto.png --\n\x89PNG\r\n\x1a\n", "attachments need the item as a folder"},
		{"tab indentation", "-- content/proposals/x/index.md --\n---\ntitle: T\nauthors:\n\t- A\n---\n", "content/proposals/x/index.md:4:1: invalid YAML"},
		{"bad config", "-- pspm.yaml --\nvotes: {policy: everyone}\n", `pspm.yaml:1:17: unknown policy "everyone" (want one of: none, author, signed)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.overlay, "/reactions/") || strings.Contains(c.overlay, "/feedback/") {
				// A vote or a comment is never lost: the build keeps it, not counted, and
				// warns; the check that guards merge requests refuses it.
				want := c.want
				if i := strings.Index(want, ":1:"); i >= 0 { // the position is followed by "warning: "
					j := i + 3 + strings.Index(want[i+3:], ": ") + 2
					want = want[:j] + "warning: " + want[j:]
				}
				sitetest.Run(t, c.overlay).OK().Diag(want)
				sitetest.Check(t, c.overlay).Failed().Diag(c.want)
				return
			}
			sitetest.Run(t, c.overlay).Failed().Diag(c.want)
		})
	}
}

func TestUnknownKeysAreWarningsWithDidYouMean(t *testing.T) {
	b := sitetest.Run(t, proposal("x", "tgas: [a]\n")).OK()
	b.Diag(`content/proposals/x/index.md:5:1: warning: unknown key "tgas" ignored; did you mean "tags"?`)
}

func TestErrorsAreSortedAndAllReportedAtOnce(t *testing.T) {
	b := sitetest.Run(t, proposal("b", "status: nope\n")+proposal("a", "status: nope\n")).Failed()
	errs := b.Errors()
	if len(errs) != 2 || !strings.HasPrefix(errs[0].Error(), "content/proposals/a/") || !strings.HasPrefix(errs[1].Error(), "content/proposals/b/") {
		t.Errorf("want two errors, a before b; got:\n%s", errs.Format())
	}
}

func TestYAMLBooleanWordsAreTextInTextFields(t *testing.T) {
	// `title: no` is the title "no", not false: text fields keep what was written.
	sitetest.Run(t, proposal("x", "")+"-- content/plan/goals/g2.md --\n---\ntitle: no\n---\n").OK().File("plan/goals/g2/index.html", "<h1>no</h1>")
}

func TestSymlinkLeavingTheSourceIsRefused(t *testing.T) {
	fsys := sitetest.Site(sitetest.Minimal, "")
	fsys["content/proposals/evil/index.md"] = &fstest.MapFile{Data: []byte("/etc/passwd"), Mode: 0o777 | 1<<27} // fs.ModeSymlink
	b := sitetest.RunFS(t, fsys)
	b.Failed().Diag("content/proposals/evil/index.md: a symbolic link; commit the file itself")
}
