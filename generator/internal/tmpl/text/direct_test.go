package template

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// The calls directCall makes give what reflect's Call gives: the same results, the same
// errors, and the same slice for an empty variadic parameter.
func TestDirectCallsGiveWhatReflectGives(t *testing.T) {
	type status string
	day := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	funcs := FuncMap{
		"all": func(args ...any) string {
			return fmt.Sprintf("%d:%v:%t", len(args), args, args == nil)
		},
		"T": func(key string, args ...any) string {
			return fmt.Sprintf("%s/%d/%t/%v", key, len(args), args == nil, args)
		},
		"day":   func(t time.Time) string { return t.Format("2006-01-02") },
		"upper": strings.ToUpper,
		"show":  func(v any) string { return fmt.Sprintf("%T=%v", v, v) },
		"boom":  func(s string) string { panic(errors.New("boom " + s)) },
	}
	data := map[string]any{"Day": day, "S": status("open"), "N": 3, "Nil": nil, "P": (*int)(nil)}
	cases := []struct{ src, want, err string }{
		{src: `{{all}}`, want: "0:[]:false"},
		{src: `{{all 1 "a" .N}}`, want: "3:[1 a 3]:false"},
		{src: `{{all .Nil}}`, want: "1:[<nil>]:false"},
		{src: `{{T "k"}}`, want: "k/0/false/[]"},
		{src: `{{T "k" 1 .S}}`, want: "k/2/false/[1 open]"},
		{src: `{{"k" | T}}`, want: "k/0/false/[]"},
		{src: `{{day .Day}}`, want: "2026-12-06"},
		{src: `{{.Day | day}}`, want: "2026-12-06"},
		{src: `{{upper "ab"}}`, want: "AB"},
		{src: `{{show .N}} {{show .Nil}} {{show .P}} {{show .S}}`, want: "int=3 <nil>=<nil> *int=<nil> template.status=open"},
		// A defined string type is not a string: the call is refused as before.
		{src: `{{upper .S}}`, err: "wrong type for value; expected string; got template.status"},
		{src: `{{day .N}}`, err: "wrong type for value; expected time.Time; got int"},
		{src: `{{boom "x"}}`, err: "error calling boom: boom x"},
	}
	for _, c := range cases {
		tm, err := New("t").Funcs(funcs).Parse(c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		var b strings.Builder
		err = tm.Execute(&b, data)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s: error %v, want one with %q", c.src, err, c.err)
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.src, err)
		case c.err == "" && b.String() != c.want:
			t.Errorf("%s = %q, want %q", c.src, b.String(), c.want)
		}
	}
	// Each case that called directly agrees with reflect's Call of the same function.
	for name, f := range funcs {
		if name == "boom" {
			continue
		}
		fv := reflect.ValueOf(f)
		var args []reflect.Value
		switch name {
		case "all":
			args = []reflect.Value{reflect.ValueOf(any(1)), reflect.Zero(reflect.TypeFor[any]())}
		case "T":
			args = []reflect.Value{reflect.ValueOf("k")}
		case "day":
			args = []reflect.Value{reflect.ValueOf(day)}
		case "upper":
			args = []reflect.Value{reflect.ValueOf("x")}
		case "show":
			args = []reflect.Value{reflect.Zero(reflect.TypeFor[any]())}
		}
		got, ok := directCall(fv, args)
		if !ok {
			t.Fatalf("%s: not called directly", name)
		}
		if want := fv.Call(args)[0]; got.Type() != want.Type() || got.String() != want.String() {
			t.Errorf("%s: direct %v (%s), reflect %v (%s)", name, got, got.Type(), want, want.Type())
		}
	}
}

type lookA struct{ X, Y string }

type lookB struct{ Y string }

func (lookB) X() string { return "method of B" }

type lookC struct {
	lookA
	x string
}

type lookD struct{ x int }

func (*lookD) X() string { return "pointer method of D" }

// One action reads .X of values of several types in turn, from several goroutines: each
// gets its own field or method, promoted fields included, and the errors are upstream's.
func TestFieldLookupsAreOfEachType(t *testing.T) {
	tm := Must(New("t").Parse(`{{range .}}{{.X}};{{end}}`))
	data := []any{lookA{X: "field of A"}, lookB{}, lookC{lookA: lookA{X: "promoted"}}, map[string]string{"X": "key"}, &lookD{}, lookA{X: "A again"}}
	want := "field of A;method of B;promoted;key;pointer method of D;A again;"
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				var b strings.Builder
				if err := tm.Execute(&b, data); err != nil {
					t.Error(err)
					return
				}
				if b.String() != want {
					t.Errorf("got %q, want %q", b.String(), want)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, c := range []struct {
		data any
		err  string
	}{
		{lookD{}, "can't evaluate field X in type template.lookD"}, // not addressable: no pointer method
		{struct{ x string }{}, "can't evaluate field X"},
		{lookC{}, ""},
	} {
		err := Must(New("t").Parse(`{{.X}}`)).Execute(&strings.Builder{}, c.data)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%T: error %v, want %q", c.data, err, c.err)
		}
	}
	err := Must(New("t").Parse(`{{.x}}`)).Execute(&strings.Builder{}, lookC{x: "hidden"})
	if err == nil || !strings.Contains(err.Error(), "x is an unexported field of struct type template.lookC") {
		t.Errorf("unexported field: %v", err)
	}
}
