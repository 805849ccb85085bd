package template

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// html/template is not imported here: these tests register escapers of their own, to
// test exec's side of the streaming, and printValue's fast path.

// testEscaper makes an escaper of the kind html/template's are: it turns its arguments
// into a text, then transforms it, and panics on a text with "boom".
func testEscaper(op func(string) string) StreamEscaper {
	str := func(s string, _ int) string {
		if strings.Contains(s, "boom") {
			panic(fmt.Errorf("%w in %s", errBoom, op("x")))
		}
		return op(s)
	}
	return StreamEscaper{
		Func:   func(args ...any) string { return str(testStringify(fmt.Sprint(args...)), 0) },
		String: str,
		Append: func(b []byte, s string, k int) []byte { return append(b, str(s, k)...) },
	}
}

var errBoom = errors.New("boom")

var testStreamEscapers = map[string]StreamEscaper{
	"_esc_upper":  testEscaper(strings.ToUpper),
	"_esc_angle":  testEscaper(func(s string) string { return "<" + s + ">" }),
	"_esc_bomb":   testEscaper(func(s string) string { return strings.ReplaceAll(s, "b", "boom") }),
	"_esc_double": testEscaper(func(s string) string { return s + s }),
}

// testStringify is the start of the escapers, which panics on one text.
func testStringify(s string) string {
	if s == "<stringify panics>" {
		panic("stringify panicked")
	}
	return s
}

func init() {
	RegisterStreamEscapers(StreamEscapers{
		Stringify: func(v reflect.Value) (string, int) {
			return testStringify(fmt.Sprint(v.Interface())), 0
		},
		Escapers: testStreamEscapers,
	})
}

func testStreamFuncs() FuncMap {
	funcs := FuncMap{}
	for name, e := range testStreamEscapers {
		funcs[name] = e.Func
	}
	return funcs
}

type streamCase struct{ S string }

func (streamCase) Method() (string, error) { return "", errors.New("method failed") }

type streamNamedString string

type streamStringer struct{}

func (streamStringer) String() string { return "stringer" }

// textRecorder records the calls made to it, and fails the failAt-th.
type textRecorder struct {
	calls  []string
	failAt int
}

var errTextWrite = errors.New("write failed")

func (w *textRecorder) Write(p []byte) (int, error) {
	w.calls = append(w.calls, "W"+string(p))
	if len(w.calls) == w.failAt {
		return 0, errTextWrite
	}
	return len(p), nil
}

type textStringRecorder struct{ textRecorder }

func (w *textStringRecorder) WriteString(s string) (int, error) {
	w.calls = append(w.calls, "W"+s)
	if len(w.calls) == w.failAt {
		return 0, errTextWrite
	}
	return len(s), nil
}

func execStreamed(tm *Template, data any, w io.Writer, on bool) (err, panicked string) {
	was := SetStreaming(on)
	defer SetStreaming(was)
	defer func() {
		if p := recover(); p != nil {
			panicked = fmt.Sprint(p)
		}
	}()
	if e := tm.Execute(w, data); e != nil {
		err = e.Error()
		if errors.Is(e, errTextWrite) && e != errTextWrite {
			err += " (wrapped)"
		}
		if errors.Is(e, errBoom) {
			err += " (is errBoom)"
		}
	}
	return err, ""
}

func TestStreamingAsWithout(t *testing.T) {
	s := "a<b>"
	ro := reflect.ValueOf(struct{ s string }{"unexported"}).Field(0)
	datas := []any{
		map[string]any{"S": s, "N": streamNamedString(s), "P": &s, "St": streamStringer{}, "E": errors.New("e"),
			"I": 7, "Nil": nil, "Boom": "a boom", "Bad": "<stringify panics>", "L": []string{"x", "b"}},
		&streamCase{S: "plain b"},
		ro,
		"dot b",
	}
	templates := []string{
		`{{.S}} {{.N}} {{.P}} {{.St}} {{.E}} {{.I}} {{.Nil}} {{printf "%s" .S}} {{"lit"}}`,
		`{{.S | _esc_upper}}|{{.S | _esc_angle | _esc_upper}}|{{.S | _esc_double | _esc_angle | _esc_upper}}`,
		`{{.I | _esc_angle}} {{.Nil | _esc_angle}} {{.P | _esc_angle}} {{.N | _esc_upper}} {{.St | _esc_upper}}`,
		`{{.S | _esc_bomb}}`,
		`{{.S | _esc_bomb | _esc_upper}}`,
		`{{.S | _esc_upper | _esc_bomb | _esc_angle}}`,
		`{{.S | _esc_bomb | _esc_upper | _esc_angle}}`,
		`{{.S | _esc_bomb | _esc_double | _esc_angle | _esc_upper}}`,
		`{{.S | _esc_angle | _esc_double | _esc_upper | _esc_angle | _esc_double}}`,
		`{{.Boom | _esc_angle}}`,
		`x{{.Bad | _esc_angle | _esc_upper}}y`,
		`{{_esc_angle .S}} {{_esc_angle}} {{_esc_upper .S "b"}} {{_esc_angle .S | _esc_upper}}`,
		`{{range .L}}[{{. | _esc_angle}}]{{end}} {{with $x := .S}}{{$x | _esc_upper}}{{end}} {{$y := .S | _esc_upper}}{{$y}}`,
		`{{.Method | _esc_angle}}`,
		`{{.Missing | _esc_angle}}`,
		`{{.}} {{. | _esc_angle}}`,
		`{{define "sub"}}({{. | _esc_angle}}){{end}}{{template "sub" .S}}{{template "sub" .}}`,
	}
	newWriters := []func(failAt int) io.Writer{
		func(failAt int) io.Writer { return &textRecorder{failAt: failAt} },
		func(failAt int) io.Writer { return &textStringRecorder{textRecorder{failAt: failAt}} },
	}
	calls := func(w io.Writer) []string {
		switch w := w.(type) {
		case *textRecorder:
			return w.calls
		case *textStringRecorder:
			return w.calls
		}
		panic("writer")
	}
	compared := 0
	for _, src := range templates {
		tm := Must(New("t").Funcs(testStreamFuncs()).Parse(src))
		for _, data := range datas {
			for _, newWriter := range newWriters {
				w := newWriter(0)
				execStreamed(tm, data, w, true)
				for failAt := 0; failAt <= len(calls(w)); failAt++ {
					won, woff := newWriter(failAt), newWriter(failAt)
					errOn, panicOn := execStreamed(tm, data, won, true)
					errOff, panicOff := execStreamed(tm, data, woff, false)
					compared++
					if errOn != errOff || panicOn != panicOff || !reflect.DeepEqual(calls(won), calls(woff)) {
						t.Errorf("%s on %v, %T failing at %d:\nstreamed %q\nerror %q, panic %q\nwithout  %q\nerror %q, panic %q",
							src, data, won, failAt, calls(won), errOn, panicOn, calls(woff), errOff, panicOff)
					}
				}
			}
		}
	}
	if compared < 200 {
		t.Errorf("only %d executions compared", compared)
	}
}

// An action streams only the escapers bound to their own function.
func TestStreamingNotHijacked(t *testing.T) {
	funcs := testStreamFuncs()
	funcs["_esc_upper"] = func(args ...any) string { return "user" }
	tm := Must(New("t").Funcs(funcs).Parse(`{{.S | _esc_angle | _esc_upper}} {{.S | _esc_upper | _esc_angle}}`))
	var b strings.Builder
	if err := tm.Execute(&b, streamCase{"x"}); err != nil {
		t.Fatal(err)
	}
	if want := "user <user>"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}
