package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"testing"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// sprintfCases are formats and arguments of the kinds the theme's strings have, and the
// ones the fast path must leave to the printer.
var sprintfCases = []struct {
	format string
	args   []any
	fast   bool
}{
	{"Voto di %s del %s", []any{"Comune di Reggio Emilia", "3 febbraio 2025"}, true},
	{"%s: %s", []any{template.HTML(`<span lang="en">x</span>`), "y"}, true},
	{"100%% di %s", []any{"a"}, true},
	{"%s", []any{""}, true},
	{"senza verbi", []any{"a"}, false},      // an argument too many
	{"%s e %s", []any{"a"}, false},          // one too few
	{"%d voti", []any{1500}, false},         // a number, written the language's way
	{"%s voti", []any{1500}, false},         // not a string
	{"%[2]s %[1]s", []any{"a", "b"}, false}, // indexed
	{"%5s|", []any{"a"}, false},             // width
	{"fine %", []any{"a"}, false},           // a lone % at the end
	{"%v", []any{"a"}, false},               // another verb
	{"%s", []any{[]byte("a")}, false},       // bytes
	{"è %s — «%s»", []any{"ü", "😀"}, true},  // UTF-8
}

// TestSprintStringsIsThePrintersOutput: where the fast path writes a string, it is the
// printer's, in Italian and in English; where it declines, tr.sprintf still gives the
// printer's.
func TestSprintStringsIsThePrintersOutput(t *testing.T) {
	for _, tag := range []language.Tag{language.Italian, language.English} {
		tr := translations{tag: tag, printer: message.NewPrinter(tag)}
		for _, c := range sprintfCases {
			want := message.NewPrinter(tag).Sprintf(c.format, c.args...)
			got, ok := sprintStrings(c.format, c.args)
			if ok != c.fast {
				t.Errorf("%q %v: fast path %v, want %v", c.format, c.args, ok, c.fast)
			}
			if ok && got != want {
				t.Errorf("%q %v: %q, the printer %q", c.format, c.args, got, want)
			}
			if got := tr.sprintf(c.format, c.args); got != want {
				t.Errorf("sprintf %q %v: %q, the printer %q", c.format, c.args, got, want)
			}
		}
	}
}

// FuzzSprintStrings: for any format and two string arguments, what the fast path writes
// is what the printer writes.
func FuzzSprintStrings(f *testing.F) {
	for _, c := range sprintfCases {
		a, b := "", ""
		if len(c.args) > 0 {
			a, _ = c.args[0].(string)
		}
		if len(c.args) > 1 {
			b, _ = c.args[1].(string)
		}
		f.Add(c.format, a, b, uint8(len(c.args)))
	}
	p := message.NewPrinter(language.Italian)
	f.Fuzz(func(t *testing.T, format, a, b string, n uint8) {
		args := []any{a, template.HTML(b)}[:n%3]
		if got, ok := sprintStrings(format, args); ok {
			if want := p.Sprintf(format, args...); got != want {
				t.Errorf("%q %q: %q, the printer %q", format, args, got, want)
			}
		}
	})
}
