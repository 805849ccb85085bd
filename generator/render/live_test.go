package render

import (
	"reflect"
	"testing"
	"time"
)

// TestCardContentCoversCard changes every field of a card in turn, down to the fields of
// its links and tally: each change must change the memo key of pspm serve, or an edit
// that changes only that field would be served with the card made before it. Only HTML
// (html, with later, what makes it, and pack, what holds it compressed in a build), and
// the tally's charts, which the rest of the card determines, are left out.
func TestCardContentCoversCard(t *testing.T) {
	base := Card{Kind: "proposal", Title: "t", URL: "/u/", Status: "open", Label: "aperta", Body: Link{"b", "/b/"},
		Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Summary: "s", Tags: []Link{{"x", "/x/"}},
		Tally: TallyView{Support: 1, Oppose: 2, Abstain: 3, Total: 6, SupportPct: 17, OpposePct: 33, AbstainPct: 50,
			PriorityMean: "3.0", PriorityCount: 1, Distribution: [5]int{0, 0, 1, 0, 0}, SupportText: "1", OpposeText: "2",
			AbstainText: "3", PriorityText: "p"}, Progress: 10}
	skip := map[string]bool{"html": true, "pack": true, "later": true, "Tally.Bar": true, "Tally.PriorityBar": true}
	key := cardContent(&base)
	checked := 0
	var walk func(v reflect.Value, name string)
	walk = func(v reflect.Value, name string) {
		if skip[name] {
			return
		}
		switch v.Kind() {
		case reflect.Struct:
			if v.Type() == reflect.TypeFor[time.Time]() {
				old := v.Interface()
				v.Set(reflect.ValueOf(old.(time.Time).Add(time.Hour)))
				if cardContent(&base) == key {
					t.Errorf("a change of %s does not change the card's key", name)
				}
				v.Set(reflect.ValueOf(old))
				checked++
				return
			}
			for i := range v.NumField() {
				f := v.Type().Field(i)
				n := f.Name
				if name != "" {
					n = name + "." + n
				}
				walk(v.Field(i), n)
			}
		case reflect.Slice:
			for i := range v.Len() {
				walk(v.Index(i), name+"[]")
			}
		case reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i), name+"[]")
			}
		case reflect.String:
			old := v.String()
			v.SetString(old + "!")
			if cardContent(&base) == key {
				t.Errorf("a change of %s does not change the card's key", name)
			}
			v.SetString(old)
			checked++
		case reflect.Int:
			old := v.Int()
			v.SetInt(old + 1)
			if cardContent(&base) == key {
				t.Errorf("a change of %s does not change the card's key", name)
			}
			v.SetInt(old)
			checked++
		default:
			t.Errorf("%s is a %s: teach cardContent and this test about it", name, v.Kind())
		}
	}
	walk(reflect.ValueOf(&base).Elem(), "")
	if checked < 25 {
		t.Fatalf("only %d fields checked", checked)
	}
	// Strings are framed: moving a character from one field to the next changes the key.
	a, b := base, base
	a.Title, a.URL = "ab", "c"
	b.Title, b.URL = "a", "bc"
	if cardContent(&a) == cardContent(&b) {
		t.Error("the key does not tell fields apart")
	}
}
