// Package diag holds the positioned diagnostics that every stage of pspm reports.
//
// It follows go/scanner: an Error has a Pos and a message and prints as
// "file:line:col: message"; a List sorts, de-duplicates and summarises many of them.
// Diagnostics describe the user's content (what was expected and how to fix it); internal
// failures (a disk that is full, a bug) are ordinary Go errors and never a diag.Error.
package diag

import (
	"fmt"
	"sort"
	"strings"
)

// Pos is a position in a source file. Line and Col count from 1; zero means unknown.
type Pos struct {
	File string // slash-separated path relative to the site root, e.g. content/proposals/x/index.md
	Line int
	Col  int
}

// String prints the position as file:line:col, leaving out the parts that are unknown.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity tells errors, which stop a build, from warnings, which do not.
type Severity int

// The severities, in order of gravity.
const (
	Warning Severity = iota
	Err
)

// String names the severity as the command line and the JSON report print it.
func (s Severity) String() string {
	if s == Err {
		return "error"
	}
	return "warning"
}

// Error is one diagnostic about the user's content.
type Error struct {
	Pos      Pos
	Msg      string
	Severity Severity
}

// Error prints "file:line:col: message", with "warning: " before warnings' messages.
func (e *Error) Error() string {
	if e.Severity == Warning {
		return e.Pos.String() + ": warning: " + e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// List collects diagnostics. The zero value is ready to use.
type List []*Error

// Add appends an error at pos.
func (l *List) Add(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Severity: Err})
}

// Warn appends a warning at pos.
func (l *List) Warn(pos Pos, format string, args ...any) {
	*l = append(*l, &Error{Pos: pos, Msg: fmt.Sprintf(format, args...), Severity: Warning})
}

// Append adds every diagnostic of other.
func (l *List) Append(other List) { *l = append(*l, other...) }

// Sort orders the list by file, line, column, then message, and drops exact duplicates.
func (l *List) Sort() {
	s := *l
	sort.SliceStable(s, func(i, j int) bool {
		a, b := s[i], s[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		if a.Pos.Col != b.Pos.Col {
			return a.Pos.Col < b.Pos.Col
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.Msg < b.Msg
	})
	out := s[:0]
	for i, e := range s {
		if i > 0 && *e == *s[i-1] {
			continue
		}
		out = append(out, e)
	}
	*l = out
}

// Errors returns the diagnostics of severity Err, in their current order.
func (l List) Errors() List { return l.filter(Err) }

// Warnings returns the diagnostics of severity Warning, in their current order.
func (l List) Warnings() List { return l.filter(Warning) }

func (l List) filter(s Severity) List {
	var out List
	for _, e := range l {
		if e.Severity == s {
			out = append(out, e)
		}
	}
	return out
}

// HasErrors reports whether any diagnostic is an error.
func (l List) HasErrors() bool {
	for _, e := range l {
		if e.Severity == Err {
			return true
		}
	}
	return false
}

// Err returns the list as an error when it holds errors (warnings alone are not an
// error), and nil otherwise.
func (l List) Err() error {
	if !l.HasErrors() {
		return nil
	}
	return l.Errors()
}

// Error prints the first error and says how many more there are, as go/scanner does.
func (l List) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	if len(l) == 2 {
		return fmt.Sprintf("%s (and 1 more error)", l[0])
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Format prints every diagnostic, one per line.
func (l List) Format() string {
	var b strings.Builder
	for _, e := range l {
		b.WriteString(e.Error())
		b.WriteByte('\n')
	}
	return b.String()
}

// Suggest returns the candidate closest to word by edit distance, or "" when none is close
// enough to be a likely typo. It powers the "did you mean" of unknown keys and values.
func Suggest(word string, candidates []string) string {
	best, bestD := "", max(2, len([]rune(word))/3)+1
	for _, c := range candidates {
		if d := Distance(strings.ToLower(word), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b, counted in runes. Its cost is
// the product of their lengths: callers that compare hostile input bound it first.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
