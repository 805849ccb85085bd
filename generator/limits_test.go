package generator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// seq is "[p0, p1, …]" with n entries.
func seq(prefix string, n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// The 21st tag of a proposal is an error at its position, in pspm check and in a build
// alike, and names the key that raises the limit.
func TestTooManyTagsIsAnErrorAtTheFirstTagOver(t *testing.T) {
	ov := "-- content/proposals/p1/index.md --\n---\ntitle: P\nbody: c_h223\ndate: 2025-02-01\ntags: " + seq("t", 25) + "\n---\nx\n"
	// "tags: [t0, t1, …": t0 is at column 8, t10 at 8 + 10×4, the 21st tag (t20) at 48 + 10×5.
	want := "content/proposals/p1/index.md:5:98: tags has 25 entries, more than the 20 allowed (limits.tags in pspm.yaml)"
	sitetest.Run(t, ov).Failed().Diag(want)
	sitetest.Check(t, ov).Diag(want)
	sitetest.Run(t, ov+"-- pspm.yaml --\nlimits:\n  tags: 25\n").OK().
		File("tags/t24/index.html", `href="/proposals/p1/"`)
}

// Every list of the front matter is bounded, each at its first entry over the limit.
func TestListsOverTheLimitAreErrorsAtTheirFirstEntryOver(t *testing.T) {
	limits := "-- pspm.yaml --\nlimits:\n  lists: 3\n  indicator_values: 2\n"
	cases := []struct{ name, overlay, want string }{
		{"targets", "-- content/proposals/p1/index.md --\n---\ntitle: P\nbody: c_h223\ndate: 2025-02-01\ntargets: [a1, a1, a1, a1]\n---\n",
			"content/proposals/p1/index.md:5:23: targets has 4 entries, more than the 3 allowed (limits.lists in pspm.yaml)"},
		{"authors", "-- content/proposals/p1/index.md --\n---\ntitle: P\nbody: c_h223\ndate: 2025-02-01\nauthors:\n  - A\n  - B\n  - C\n  - D\n---\n",
			"content/proposals/p1/index.md:9:5: authors has 4 entries"},
		{"agid", "-- content/plan/objectives/o1.md --\n---\ntitle: O\ngoal: g1\nagid: [OB.1, OB.2, OB.3, OB.4]\n---\n",
			"content/plan/objectives/o1.md:4:26: agid has 4 entries"},
		{"links", "-- content/practices/pr1/index.md --\n---\ntitle: P\nbody: c_h223\nkind: software\nlinks:\n" + strings.Repeat("  - {title: L, url: \"https://example.org/\"}\n", 4) + "---\n",
			"content/practices/pr1/index.md:9:5: links has 4 entries"},
		{"indicators", "-- content/plan/actions/a1.md --\n---\ntitle: A\nobjective: o1\nindicators:\n" + strings.Repeat("  - {name: I}\n", 4) + "---\n",
			"content/plan/actions/a1.md:8:5: indicators has 4 entries"},
		{"indicator values", "-- content/plan/actions/a1.md --\n---\ntitle: A\nobjective: o1\nindicators:\n  - name: I\n    values:\n      - {date: 2025-01-01, value: 1}\n      - {date: 2025-02-01, value: 2}\n      - {date: 2025-03-01, value: 3}\n---\n",
			"content/plan/actions/a1.md:9:9: indicators[0].values has 3 entries, more than the 2 allowed (limits.indicator_values in pspm.yaml)"},
		{"result targets", "-- content/plan/results/r1.md --\n---\ntitle: R\nobjective: o1\nindicators:\n  - name: I\n    targets:\n" + strings.Repeat("      - {year: 2025, value: 1}\n", 4) + "---\n",
			"content/plan/results/r1.md:10:9: indicators[0].targets has 4 entries, more than the 3 allowed (limits.lists in pspm.yaml)"},
		{"result owners", "-- content/plan/results/r1.md --\n---\ntitle: R\nobjective: o1\nowner: [m_ef, m_ef, m_ef, m_ef]\n---\n",
			"content/plan/results/r1.md:4:27: owner has 4 entries"},
		{"proposals", "-- content/plan/actions/a1.md --\n---\ntitle: A\nobjective: o1\nproposals: [p1, p1, p1, p1]\n---\n",
			"content/plan/actions/a1.md:4:25: proposals has 4 entries"},
		{"contributes_to", "-- content/plan/actions/a1.md --\n---\ntitle: A\nobjective: o1\ncontributes_to: [o1, o1, o1, o1]\n---\n",
			"content/plan/actions/a1.md:4:30: contributes_to has 4 entries"},
		{"members", "-- content/bodies/c_h223.md --\n---\nname: C\nmembers:\n" + strings.Repeat("  - {name: M, email: m@example.org}\n", 4) + "---\n",
			"content/bodies/c_h223.md:7:5: members has 4 entries"},
		{"phases", "-- content/plan/_index.md --\n---\ntitle: P\nowner: m_ef\nphases:\n" + strings.Repeat("  - {name: F, from: 2025-01-01, to: 2025-06-30}\n", 4) + "---\n",
			"content/plan/_index.md:8:5: phases has 4 entries"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := sitetest.Check(t, c.overlay+limits).Diag(c.want)
			for _, e := range b.Errors() {
				if strings.Contains(e.Msg, "limits.") && !strings.Contains(e.Msg, ": ") {
					t.Errorf("the message does not say how to fix it: %v", e)
				}
			}
		})
	}
}

// Tags that would give the site more tag pages than limits.tag_pages are refused at the
// first tag over; tags that are already used cost nothing.
func TestTagPagesOverTheLimitIsAnError(t *testing.T) {
	ov := "-- pspm.yaml --\nlimits:\n  tag_pages: 3\n" +
		"-- content/proposals/p2/index.md --\n---\ntitle: P\nbody: c_h223\ndate: 2025-02-01\ntags: [cloud, nuovo, altro]\n---\n"
	// p1 has Cloud and dati aperti, pr1 cloud: p2's nuovo is the 3rd, altro the 4th.
	sitetest.Check(t, ov).Diag(`content/proposals/p2/index.md:5:22: tag "altro" is one more than the 3 distinct tags the site may have (limits.tag_pages in pspm.yaml)`)
	sitetest.Run(t, strings.Replace(ov, "tag_pages: 3", "tag_pages: 4", 1)).OK().File("tags/altro/index.html")
}

// A card repeats on the page of each of its tags, so it shows ten of them and how many it
// leaves out; the item's own page shows them all.
func TestCardShowsTenTagsAndItsPageShowsAll(t *testing.T) {
	ov := "-- content/proposals/p1/index.md --\n---\ntitle: P\nbody: c_h223\ndate: 2025-02-01\ntags: " + seq("t", 14) + "\n---\nx\n"
	sitetest.Run(t, ov).OK().
		File("tags/t0/index.html", `href="/tags/t9/"`, `! href="/tags/t10/"`, `<li class="more">+4</li>`).
		File("proposals/p1/index.html", `href="/tags/t13/"`, `! class="more"`)
}

// A list narrowed to one body or status keeps only its own body among the filters: the
// list of every body is on the main list's first page, once, not on a page per body.
func TestNarrowedListsDoNotRepeatEveryBody(t *testing.T) {
	var ov strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&ov, "-- content/bodies/b_%d.md --\n---\nname: Ente %d\n---\n-- content/proposals/q%d/index.md --\n---\ntitle: Q\nbody: b_%d\ndate: 2025-02-01\n---\n", i, i, i, i)
	}
	sitetest.Run(t, ov.String()).OK().
		File("proposals/index.html", `href="/proposals/body/b_0/"`, `href="/proposals/body/b_4/"`).
		File("proposals/body/b_1/index.html", `href="/proposals/body/b_1/" aria-current="page"`, `! href="/proposals/body/b_2/"`).
		File("proposals/status/open/index.html", `! href="/proposals/body/b_2/"`)
}

// An image of another scheme is shown as its text, and pspm check says so at its place.
func TestImageOfAnotherSchemeIsAWarningAtItsPlace(t *testing.T) {
	ov := "-- content/proposals/p1/index.md --\n---\ntitle: P\nbody: c_h223\ndate: 2025-02-01\n---\nTesto.\n\nVedi ![schema](ftp://example.org/s.png).\n"
	sitetest.Check(t, ov).Diag("content/proposals/p1/index.md:8:6: warning: an image from a ftp: URL is not shown")
	sitetest.Run(t, ov).OK().File("proposals/p1/index.html", `<span class="image-omitted">schema</span>`, `! ftp://example.org`)
}

// In a comment, such an image is shown as its text too, and does not make the comment
// malformed: the gate of merge requests does not refuse it.
func TestImageOfAnotherSchemeInFeedbackIsItsText(t *testing.T) {
	ov := "-- content/proposals/p1/feedback/m_ef-domanda.md --\n---\ntitle: Una domanda\ndate: 2025-02-10\nkind: question\n---\nVedi ![schema](ftp://example.org/s.png).\n"
	if errs := sitetest.Check(t, ov).Errors(); len(errs) > 0 {
		t.Errorf("pspm check refuses the comment:\n%s", errs.Format())
	}
	sitetest.Run(t, ov).OK().File("proposals/p1/index.html", `<span class="image-omitted">schema</span>`, `! ftp://example.org`)
}
