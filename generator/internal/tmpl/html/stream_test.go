package template

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/tmpl/text"
)

// The streamed forms of the escapers give what the escapers give, for every escaper,
// every run of them exec streams, and every value it may give them.

type streamStringer struct{ s string }

func (x streamStringer) String() string { return "str<" + x.s + ">" }

type streamPtrStringer struct{ s string }

func (x *streamPtrStringer) String() string { return "ptr<" + x.s + ">" }

type streamNamed string

// nestedPanic's String panics with a value whose String panics too: fmt gives up on it,
// so the escaper itself panics.
type nestedPanic struct{}

func (nestedPanic) String() string { panic(innerPanic{}) }

type innerPanic struct{}

func (innerPanic) String() string { panic("nested panic in String") }

// streamStrings are texts for every escaper: its specials, invalid UTF-8, NUL, the
// noncharacters the unquoted-attribute escaper spells out, URLs safe and not.
var streamStrings = []string{
	"", "plain", "a<b>c", `"double" 'single'`, "a+b&c=d", "1 + 1 = 2", "\x00nul\x00", "\uFDD0", "\uFDEF",
	"\uFFF0", "\uFFFE", "\uFFFF", "\uFFFD", "x\xff\xfey", "\xc3", "\xed\xa0\x80", "tab\tnl\nff\fcr\rvt\v end",
	"`backtick`", "<b>bold</b> &amp; more &lt;", "<script>alert(1)</script>x", "ZgotmplZ", "é à ü 😀",
	"javascript:alert(1)", "JavaScript:x", "http://x.org/a b?c=d&e=f#g", "https://ex.org/ü/?q=é#frag",
	"mailto:a@b.c", "/path/to/x/", "//host/x", "?q=1", "#top", "%zz%4a%4%", "%", "a%2", "data:text/html,x",
	"x,y 2x, z 1x", "(paren)[bracket]{brace}", "!#$&*+,/:;=?@[]", "-._~", "a=b", " lead", "trail ",
	strings.Repeat("long <&> text ", 50),
}

// streamArgs are the argument lists: each text as a string and as each type of content,
// and values of other types.
func streamArgs() [][]any {
	var args [][]any
	for _, s := range streamStrings {
		s := s
		args = append(args, []any{s}, []any{HTML(s)}, []any{HTMLAttr(s)}, []any{URL(s)}, []any{JS(s)},
			[]any{JSStr(s)}, []any{CSS(s)}, []any{Srcset(s)}, []any{streamNamed(s)}, []any{&s},
			[]any{streamStringer{s}}, []any{&streamPtrStringer{s}}, []any{errors.New(s)})
	}
	h, u, str := HTML("<b>x</b>"), URL("javascript:x"), "<p>"
	pstr := &str
	var nilErr error
	var nilStringer fmt.Stringer
	args = append(args,
		[]any{nil}, []any{42}, []any{-1}, []any{3.5}, []any{true}, []any{(*string)(nil)}, []any{&h}, []any{&u},
		[]any{&pstr}, []any{(*streamPtrStringer)(nil)}, []any{streamPtrStringer{"v"}}, []any{nilErr}, []any{nilStringer},
		[]any{struct{ A, B string }{"<", ">"}}, []any{[]string{"a<", "b&"}}, []any{map[string]int{"<": 1}},
		[]any{[]byte("by<tes")}, []any{'x'},
		// Several arguments: exec does not stream these, but the forms after stringify must agree.
		[]any{"a", "<b>"}, []any{HTML("<b>"), "x"}, []any{nil, "x"}, []any{1, 2}, []any{"a", nil, HTML("<i>")},
		[]any{URL("javascript:x"), URL("y")}, []any{},
	)
	return args
}

// streamValues are the reflect.Values exec may hand Stringify for the argument a: as
// evalCall makes it (reflect.Zero(any) for nil), addressable, and inside an interface.
func streamValues(a any) []reflect.Value {
	if a == nil {
		return []reflect.Value{reflect.Zero(reflect.TypeFor[any]())}
	}
	v := reflect.ValueOf(a)
	addr := reflect.New(v.Type()).Elem()
	addr.Set(v)
	iface := reflect.New(reflect.TypeFor[any]()).Elem()
	iface.Set(v)
	vals := []reflect.Value{v, addr, iface}
	if _, ok := a.(fmt.Stringer); ok {
		st := reflect.New(reflect.TypeFor[fmt.Stringer]()).Elem()
		st.Set(v)
		vals = append(vals, st)
	}
	return vals
}

func streamNames() []string {
	var names []string
	for name := range streamEscapers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// escaperRun gives what the pipeline "arg | names[0] | names[1] ..." gives when each
// escaper is called as a function, as without streaming.
func escaperRun(args []any, names []string) string {
	out := funcMap[names[0]].(func(...any) string)(slices.Clone(args)...)
	for _, name := range names[1:] {
		out = funcMap[name].(func(...any) string)(out)
	}
	return out
}

// streamedRun gives what the same run gives streamed, from the text and kind s, t.
func streamedRun(s string, t contentType, names []string) string {
	k := int(t)
	for _, name := range names[:len(names)-1] {
		s, k = streamEscapers[name].String(s, k), int(contentTypePlain)
	}
	return string(streamEscapers[names[len(names)-1]].Append([]byte("prefix|"), s, k))
}

// checkRun compares the streamed run with the escapers' for the arguments.
func checkRun(t *testing.T, args []any, names []string) {
	t.Helper()
	want := "prefix|" + escaperRun(args, names)
	if len(args) != 1 {
		s, ct := stringify(slices.Clone(args)...)
		if got := streamedRun(s, ct, names); got != want {
			t.Errorf("%v on %#v: streamed %q, want %q", names, args, got, want)
		}
		return
	}
	for _, v := range streamValues(args[0]) {
		s, ct := stringifyValue(v)
		if got := streamedRun(s, ct, names); got != want {
			t.Errorf("%v on %#v (%s %s, addressable %t): streamed %q, want %q", names, args[0], v.Kind(), v.Type(), v.CanAddr(), got, want)
		}
	}
}

func TestStreamedEscapers(t *testing.T) {
	names := streamNames()
	if len(names) < 7 {
		t.Fatalf("only %d streamed escapers: %v", len(names), names)
	}
	for _, name := range names {
		if reflect.ValueOf(streamEscapers[name].Func).Pointer() != reflect.ValueOf(funcMap[name]).Pointer() {
			t.Errorf("%s streams a function other than funcMap's", name)
		}
	}
	realistic := [][]string{
		{"_html_template_urlfilter", "_html_template_urlnormalizer", "_html_template_attrescaper"},
		{"_html_template_urlfilter", "_html_template_urlnormalizer", "_html_template_nospaceescaper"},
	}
	for i, args := range streamArgs() {
		for _, run := range realistic {
			checkRun(t, args, run)
		}
		for _, a := range names {
			checkRun(t, args, []string{a})
			// The String forms too, each on its own.
			s, ct := stringify(slices.Clone(args)...)
			if got, want := streamEscapers[a].String(s, int(ct)), escaperRun(args, []string{a}); got != want {
				t.Errorf("%s.String on %#v = %q, want %q", a, args, got, want)
			}
			for _, b := range names {
				checkRun(t, args, []string{a, b})
				if i%5 != 0 {
					continue // every run of three, for one argument list in five
				}
				for _, c := range names {
					checkRun(t, args, []string{a, b, c})
				}
			}
		}
	}
}

// A value the escaper cannot turn into a text panics in Stringify as in the escaper.
func TestStreamedStringifyPanics(t *testing.T) {
	catch := func(f func()) (r any) {
		defer func() { r = recover() }()
		f()
		return nil
	}
	ro := reflect.ValueOf(struct{ s string }{"x"}).Field(0)
	for _, c := range []struct {
		name string
		v    reflect.Value
	}{{"nested panic", reflect.ValueOf(nestedPanic{})}, {"unexported field", ro}} {
		got := catch(func() { stringifyValue(c.v) })
		want := catch(func() { htmlEscaper(c.v.Interface()) })
		if got == nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s: Stringify panics with %v, the escaper with %v", c.name, got, want)
		}
	}
}

// FuzzStreamedEscapers compares the escapers and their streamed forms on fuzzed texts,
// of a fuzzed type of content, through a fuzzed run of up to three escapers.
func FuzzStreamedEscapers(f *testing.F) {
	for i, s := range streamStrings {
		f.Add(s, uint8(i), uint16(i*37))
	}
	names := streamNames()
	wrap := []func(string) any{
		func(s string) any { return s },
		func(s string) any { return HTML(s) },
		func(s string) any { return HTMLAttr(s) },
		func(s string) any { return URL(s) },
		func(s string) any { return JS(s) },
		func(s string) any { return JSStr(s) },
		func(s string) any { return CSS(s) },
		func(s string) any { return Srcset(s) },
		func(s string) any { return streamNamed(s) },
		func(s string) any { return &s },
		func(s string) any { return streamStringer{s} },
		func(s string) any { return errors.New(s) },
	}
	f.Fuzz(func(t *testing.T, s string, kind uint8, run uint16) {
		arg := wrap[int(kind)%len(wrap)](s)
		n := 1 + int(run)%3
		run /= 3
		var chain []string
		for range n {
			chain = append(chain, names[int(run)%len(names)])
			run /= uint16(len(names))
		}
		checkRun(t, []any{arg}, chain)
	})
}

// The end-to-end test: templates executed with streaming and without give the same
// bytes, the same Write calls, the same errors and the same panics.

type streamData struct {
	S       string
	URL     URL
	HTML    HTML
	Attr    HTMLAttr
	JS      JS
	CSS     CSS
	Srcset  Srcset
	Named   streamNamed
	Ptr     *string
	NilPtr  *string
	HTMLPtr *HTML
	Int     int
	Nil     any
	Str     streamStringer
	PStr    *streamPtrStringer
	Iface   fmt.Stringer
	Err     error
	List    []string
	Nested  nestedPanic
}

func (d *streamData) Fail() (string, error) { return "", errors.New("method failed <" + d.S + ">") }
func (d *streamData) Panic() string         { panic("method panicked <" + d.S + ">") }
func (d *streamData) Method() string        { return "method<" + d.S + ">" }

func newStreamData(s string) *streamData {
	h := HTML("<i>" + s + "</i>")
	return &streamData{
		S: s, URL: URL(s), HTML: HTML(s), Attr: HTMLAttr(s), JS: JS(s), CSS: CSS(s), Srcset: Srcset(s),
		Named: streamNamed(s), Ptr: &s, HTMLPtr: &h, Int: len(s), Str: streamStringer{s},
		PStr: &streamPtrStringer{s}, Iface: streamStringer{s}, Err: errors.New("err<" + s + ">"),
		List: []string{s, "b<", ""},
	}
}

// streamTemplates each exercise a context of html/template, or a pipeline exec streams
// or does not.
var streamTemplates = []string{
	`<p title="{{.}}">{{.}}</p>`,
	`<p>{{.S}}</p>{{.HTML}} {{.Attr}} {{.URL}} {{.JS}} {{.CSS}} {{.Srcset}} {{.Named}}`,
	`<p>{{.Ptr}} {{.NilPtr}} {{.HTMLPtr}} {{.Int}} {{.Nil}} {{.Str}} {{.PStr}} {{.Iface}} {{.Err}} {{.List}} {{.Method}}</p>`,
	`<a title="{{.S}}" class={{.S}} data-x='{{.S}}' data-h="{{.HTML}}" data-u={{.HTML}} data-e={{.Nil}} {{.Attr}}>x</a>`,
	`<a href="{{.S}}">a</a><a href="{{.URL}}">b</a><a href={{.S}}>c</a><img src="{{.URL}}"><a href='{{.S}}'>d</a>`,
	`<a href="/search?q={{.S}}&amp;r={{.URL}}#{{.S}}">e</a><a href="/p/{{.S}}/x?{{.S}}={{.Int}}">f</a>`,
	`<img srcset="{{.S}} 1x, {{.URL}} 2x, {{.Srcset}}"><img srcset={{.S}}>`,
	`<style>p { color: {{.S}}; background: url("{{.S}}") } a { font-family: "{{.S}}" }</style><p style="color: {{.CSS}}">x</p>`,
	`<script>var a = {{.S}}, b = "{{.S}}", c = '{{.JS}}', d = ` + "`{{.S}}`" + `, e = /{{.S}}/;</script><button onclick="f({{.S}})">x</button>`,
	`<title>{{.S}} {{.HTML}}</title><textarea>{{.S}}{{.HTML}}</textarea>`,
	`{{.S | html}} {{.S | urlquery}} {{html .S}} <a href="?{{.S | urlquery}}">x</a> <a title="{{.S | html}}">y</a>`,
	`{{printf "%s<%d>" .S 3}} {{.S | printf "%q"}} {{len .S}} {{safe .S}} <a title="{{safe .S}}" href="{{safe .S}}">z</a> {{upper .S}}`,
	`{{with $x := .S}}{{$x}}{{end}}{{$y := .URL}}<a href="{{$y}}">{{$y}}</a>{{range $i, $e := .List}}{{$i}}:{{$e}},{{end}}`,
	`{{define "item"}}<li title="{{.}}">{{.}}</li>{{end}}<ul>{{range .List}}{{template "item" .}}{{end}}</ul>`,
	`<!-- {{.S}} --><p>{{/* c */}}{{if .S}}{{.S}}{{else}}empty{{end}}</p>`,
	`<input name="{{.S}}" value="{{.S}}" {{if .Int}}checked{{end}}>`,
	`{{.Fail}}`,
	`<p>{{.Panic}}</p>`,
	`<p>before {{.Nested}} after</p>`,
	`<a href="{{.Nested}}">x</a>`,
	`<a title="x">{{.Nested | printf "%v"}}</a>`,
	`{{.S.Missing}}`,
	`{{.NoSuchField}}`,
}

var streamFuncs = FuncMap{
	"safe":  func(s string) HTML { return HTML("<b>" + s + "</b>") },
	"upper": strings.ToUpper,
}

// recordWriter records its Write (and, if it is a StringWriter, WriteString) calls, and
// fails the failAt-th one (counting from 1), or panics at it if panics is set.
type recordWriter struct {
	calls  []string
	failAt int
	panics bool
}

var errStreamWrite = errors.New("the writer failed")

func (w *recordWriter) Write(p []byte) (int, error) {
	w.calls = append(w.calls, string(p))
	if len(w.calls) == w.failAt {
		if w.panics {
			panic(fmt.Sprintf("writer panicked at %q", p))
		}
		return 0, errStreamWrite
	}
	return len(p), nil
}

type recordStringWriter struct{ recordWriter }

func (w *recordStringWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

type streamResult struct {
	out   string
	calls []string
	err   string
	panic string
}

// streamWriter is a writer that tells the calls made to it.
type streamWriter interface {
	io.Writer
	written() []string
}

func runStreamTemplate(tm *Template, data any, w streamWriter) (r streamResult) {
	defer func() {
		if p := recover(); p != nil {
			r.panic = fmt.Sprint(p)
		}
		r.calls = w.written()
		r.out = strings.Join(r.calls, "")
	}()
	if err := tm.Execute(w, data); err != nil {
		r.err = err.Error()
		if errors.Is(err, errStreamWrite) && err != errStreamWrite {
			r.err += " (wrapped)"
		}
	}
	return r
}

func (w *recordWriter) written() []string { return w.calls }

// withStreaming runs f with streaming on or off.
func withStreaming(on bool, f func()) {
	was := template.SetStreaming(on)
	defer template.SetStreaming(was)
	f()
}

func TestStreamedExecution(t *testing.T) {
	values := []string{"plain", "<b>&'\"+=`</b>", "\x00\uFDD0\uFFFE\xff", "javascript:alert(1)", " a b ", "",
		"http://x.org/a b?c=d&e=%zz#f", "é/ü?q=😀"}
	ro := reflect.ValueOf(struct{ s string }{"<x>"}).Field(0)
	ran, failed, panicked := 0, 0, 0
	for _, src := range streamTemplates {
		tm := Must(New("t").Funcs(streamFuncs).Parse(src))
		datas := []any{ro}
		for _, v := range values {
			datas = append(datas, newStreamData(v))
		}
		for _, data := range datas {
			// The writers: one that is an io.StringWriter and one that is not, then
			// each failing, or panicking, at each of its calls in turn.
			type writerCase struct {
				name string
				new  func() streamWriter
			}
			cases := []writerCase{
				{"writer", func() streamWriter { return &recordWriter{} }},
				{"string writer", func() streamWriter { return &recordStringWriter{} }},
			}
			var n int
			withStreaming(true, func() { n = len(runStreamTemplate(tm, data, &recordWriter{}).calls) })
			for i := 1; i <= n; i++ {
				cases = append(cases,
					writerCase{fmt.Sprintf("failing at %d", i), func() streamWriter {
						return &recordStringWriter{recordWriter{failAt: i}}
					}},
					writerCase{fmt.Sprintf("panicking at %d", i), func() streamWriter {
						return &recordWriter{failAt: i, panics: true}
					}})
			}
			for _, c := range cases {
				var on, off streamResult
				withStreaming(true, func() { on = runStreamTemplate(tm, data, c.new()) })
				withStreaming(false, func() { off = runStreamTemplate(tm, data, c.new()) })
				ran++
				if on.err != "" {
					failed++
				}
				if on.panic != "" {
					panicked++
				}
				if !reflect.DeepEqual(on, off) {
					t.Errorf("%s\non %v, %s:\nstreamed: %q\nerror %q, panic %q\nwithout:  %q\nerror %q, panic %q",
						src, data, c.name, on.calls, on.err, on.panic, off.calls, off.err, off.panic)
				}
			}
		}
	}
	t.Logf("%d executions, %d of which failed and %d panicked", ran, failed, panicked)
	if ran < 1000 || failed < 100 || panicked < 100 {
		t.Errorf("only %d executions, %d of which failed and %d panicked", ran, failed, panicked)
	}
}

// A function a user binds to the name of one of the escapers is called, not streamed.
func TestStreamedEscaperNotHijacked(t *testing.T) {
	tm := Must(New("t").Parse(`<p title="{{.}}">{{.}}</p>`))
	var b bytes.Buffer
	if err := tm.Execute(&b, "<x>"); err != nil {
		t.Fatal(err)
	}
	if want := `<p title="&lt;x&gt;">&lt;x&gt;</p>`; b.String() != want {
		t.Fatalf("got %q, want %q", b.String(), want)
	}
	tm.Funcs(FuncMap{
		"_html_template_htmlescaper": func(args ...any) string { return "H" + fmt.Sprint(args...) },
		"_html_template_attrescaper": func(args ...any) string { return "A" + fmt.Sprint(args...) },
	})
	b.Reset()
	if err := tm.Execute(&b, "<x>"); err != nil {
		t.Fatal(err)
	}
	if want := `<p title="A<x>">H<x></p>`; b.String() != want {
		t.Errorf("with the user's functions: got %q, want %q", b.String(), want)
	}
	// An escaper given arguments of its own (a user can name it at parse time, when it
	// is the user's function) is called as before.
	tm = Must(New("t").Funcs(FuncMap{"_html_template_htmlescaper": func(args ...any) string { return "user" }}).
		Parse(`{{_html_template_htmlescaper . "<y>"}}`))
	var on, off bytes.Buffer
	withStreaming(true, func() { tm.Execute(&on, "<x>") })
	withStreaming(false, func() { tm.Execute(&off, "<x>") })
	if on.String() != off.String() || on.String() != "&lt;x&gt;&lt;y&gt;" {
		t.Errorf("escaper with arguments: streamed %q, without %q", on.String(), off.String())
	}
}

// With streaming, printing a string through the escapers allocates nothing per action
// (an escaper before the last one still makes a string if it changes the text).
func TestStreamedActionsDoNotAllocate(t *testing.T) {
	one := Must(New("t").Parse(`<p class="{{.S}}">{{.S}}</p>`))
	many := Must(New("t").Parse(strings.Repeat(`<p class="{{.S}}" title={{.S}}><a href="{{.U}}">{{.S}}</a>{{.H}}<textarea>{{.S}}</textarea></p>`, 20)))
	data := &struct {
		S, U string
		H    HTML
	}{"a <b> & 'c'", "/fr/propositions/p0001/?q=a&b=c#x", "<i>h</i>"}
	allocs := func(tm *Template) float64 {
		var b bytes.Buffer
		tm.Execute(&b, data)
		return testing.AllocsPerRun(50, func() {
			b.Reset()
			if err := tm.Execute(&b, data); err != nil {
				t.Fatal(err)
			}
		})
	}
	var a1, a2, b2 float64
	withStreaming(true, func() { a1, a2 = allocs(one), allocs(many) })
	withStreaming(false, func() { b2 = allocs(many) })
	if a2 != a1 {
		t.Errorf("streamed: %v allocations for 2 actions, %v for 120", a1, a2)
	}
	if b2 < 120 {
		t.Errorf("without streaming, only %v allocations for 120 actions: is streaming off?", b2)
	}
	t.Logf("allocations: streamed %v for 2 actions, %v for 120; without streaming %v for 120", a1, a2, b2)
}
