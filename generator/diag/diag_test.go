package diag_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

func TestPosPrintsOnlyWhatIsKnown(t *testing.T) {
	cases := []struct {
		pos  diag.Pos
		want string
	}{
		{diag.Pos{}, "-"},
		{diag.Pos{Line: 3, Col: 4}, "-"},
		{diag.Pos{File: "content/a.md"}, "content/a.md"},
		{diag.Pos{File: "content/a.md", Col: 4}, "content/a.md"},
		{diag.Pos{File: "content/a.md", Line: 3}, "content/a.md:3"},
		{diag.Pos{File: "content/a.md", Line: 3, Col: 4}, "content/a.md:3:4"},
	}
	for _, c := range cases {
		if got := c.pos.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.pos, got, c.want)
		}
	}
}

func TestWarningsSayWarningAndErrorsDoNot(t *testing.T) {
	var l diag.List
	l.Add(diag.Pos{File: "a.md", Line: 1, Col: 2}, "bad %s", "value")
	l.Warn(diag.Pos{File: "a.md", Line: 3, Col: 1}, "odd %d", 7)
	if got, want := l[0].Error(), "a.md:1:2: bad value"; got != want {
		t.Errorf("error prints %q, want %q", got, want)
	}
	if got, want := l[1].Error(), "a.md:3:1: warning: odd 7"; got != want {
		t.Errorf("warning prints %q, want %q", got, want)
	}
	if diag.Err.String() != "error" || diag.Warning.String() != "warning" {
		t.Errorf("severities print %q and %q", diag.Err, diag.Warning)
	}
}

func TestSortOrdersByFileLineColumnThenErrorsFirst(t *testing.T) {
	var l diag.List
	l.Warn(diag.Pos{File: "b.md", Line: 1, Col: 1}, "w")
	l.Add(diag.Pos{File: "a.md", Line: 10, Col: 1}, "line 10")
	l.Add(diag.Pos{File: "a.md", Line: 2, Col: 9}, "line 2 col 9")
	l.Add(diag.Pos{File: "a.md", Line: 2, Col: 1}, "z message")
	l.Warn(diag.Pos{File: "a.md", Line: 2, Col: 1}, "a warning at the same place")
	l.Add(diag.Pos{File: "a.md", Line: 2, Col: 1}, "a message")
	l.Sort()
	var got []string
	for _, e := range l {
		got = append(got, e.Error())
	}
	want := []string{
		"a.md:2:1: a message",
		"a.md:2:1: z message",
		"a.md:2:1: warning: a warning at the same place",
		"a.md:2:9: line 2 col 9",
		"a.md:10:1: line 10", // numeric, not lexical, line order
		"b.md:1:1: warning: w",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sorted:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestSortDropsExactDuplicatesOnly(t *testing.T) {
	var l diag.List
	p := diag.Pos{File: "a.md", Line: 1, Col: 1}
	l.Add(p, "same")
	l.Add(diag.Pos{File: "a.md", Line: 5, Col: 1}, "other")
	l.Add(p, "same")  // not adjacent before sorting
	l.Warn(p, "same") // same text, other severity: kept
	l.Add(diag.Pos{File: "a.md", Line: 1, Col: 2}, "same")
	l.Add(p, "same")
	l.Sort()
	if len(l) != 4 {
		t.Fatalf("after Sort, %d diagnostics, want 4:\n%s", len(l), l.Format())
	}
	var empty diag.List
	empty.Sort()
	if len(empty) != 0 {
		t.Errorf("sorting an empty list gave %d diagnostics", len(empty))
	}
}

func TestErrorListSaysHowManyMore(t *testing.T) {
	var l diag.List
	if got := l.Error(); got != "no errors" {
		t.Errorf("empty list prints %q", got)
	}
	l.Add(diag.Pos{File: "a.md", Line: 1, Col: 1}, "first")
	if got := l.Error(); got != "a.md:1:1: first" {
		t.Errorf("one error prints %q", got)
	}
	l.Add(diag.Pos{File: "a.md", Line: 2, Col: 1}, "second")
	if got, want := l.Error(), "a.md:1:1: first (and 1 more error)"; got != want {
		t.Errorf("two errors print %q, want %q", got, want)
	}
	l.Add(diag.Pos{File: "a.md", Line: 3, Col: 1}, "third")
	if got, want := l.Error(), "a.md:1:1: first (and 2 more errors)"; got != want {
		t.Errorf("three errors print %q, want %q", got, want)
	}
	if got, want := l.Format(), "a.md:1:1: first\na.md:2:1: second\na.md:3:1: third\n"; got != want {
		t.Errorf("Format() = %q, want %q", got, want)
	}
}

func TestWarningsAloneAreNotAnError(t *testing.T) {
	var l diag.List
	l.Warn(diag.Pos{File: "a.md", Line: 1}, "just a warning")
	if l.HasErrors() || l.Err() != nil {
		t.Fatalf("a list of warnings is an error: %v", l.Err())
	}
	l.Add(diag.Pos{File: "a.md", Line: 2}, "broken")
	l.Warn(diag.Pos{File: "a.md", Line: 3}, "another warning")
	err := l.Err()
	if err == nil {
		t.Fatal("a list with an error gives no error")
	}
	var list diag.List
	if !errors.As(err, &list) || len(list) != 1 || list[0].Msg != "broken" {
		t.Errorf("Err() = %v, want only the error", err)
	}
	if got := err.Error(); got != "a.md:2: broken" {
		t.Errorf("Err().Error() = %q: warnings must not be counted as more errors", got)
	}
	if len(l.Errors()) != 1 || len(l.Warnings()) != 2 {
		t.Errorf("Errors() %d, Warnings() %d; want 1 and 2", len(l.Errors()), len(l.Warnings()))
	}
}

func TestAppendKeepsEveryDiagnostic(t *testing.T) {
	var a, b diag.List
	a.Add(diag.Pos{File: "a.md"}, "a")
	b.Add(diag.Pos{File: "b.md"}, "b")
	b.Warn(diag.Pos{File: "b.md"}, "c")
	a.Append(b)
	a.Append(nil)
	if len(a) != 3 {
		t.Errorf("Append gave %d diagnostics, want 3", len(a))
	}
}

func TestSuggestFindsLikelyTypos(t *testing.T) {
	statuses := []string{"open", "under-review", "accepted", "rejected", "incorporated", "withdrawn"}
	cases := []struct {
		word       string
		candidates []string
		want       string
	}{
		{"aproved", []string{"approved", "open"}, "approved"},
		{"acepted", statuses, "accepted"},
		{"Accepted", statuses, "accepted"}, // case does not count, the candidate's spelling is returned
		{"ACCEPTED", statuses, "accepted"},
		{"underreview", statuses, "under-review"},
		{"tgas", []string{"title", "tags", "targets"}, "tags"},
		{"maybe", []string{"support", "oppose", "abstain"}, ""},
		{"zzzzzzzzzz", statuses, ""},
		{"anything", nil, ""},
		{"città", []string{"citta", "city"}, "citta"}, // distance counts runes, not bytes
		{"titel", []string{"title", "tile"}, "title"},
	}
	for _, c := range cases {
		if got := diag.Suggest(c.word, c.candidates); got != c.want {
			t.Errorf("Suggest(%q, %q) = %q, want %q", c.word, c.candidates, got, c.want)
		}
	}
}

func TestSuggestPrefersTheClosestThenTheFirst(t *testing.T) {
	if got := diag.Suggest("vot", []string{"votes", "vote"}); got != "vote" {
		t.Errorf("Suggest picked %q, want the closer %q", got, "vote")
	}
	if got := diag.Suggest("ab", []string{"aa", "bb", "ac"}); got != "aa" {
		t.Errorf("on a tie Suggest picked %q, want the first candidate %q", got, "aa")
	}
}

func TestSuggestToleratesMoreEditsInLongerWords(t *testing.T) {
	// Up to max(2, runes/3) edits: 4 edits in a 12-letter word is a typo, 3 in a 4-letter
	// word is not.
	if got := diag.Suggest("incorprtd", []string{"incorporated"}); got != "incorporated" {
		t.Errorf("long word with 3 missing letters: got %q", got)
	}
	if got := diag.Suggest("oxxx", []string{"open"}); got != "" {
		t.Errorf("short word with 3 edits: got %q, want no suggestion", got)
	}
}
