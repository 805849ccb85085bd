package meta_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
)

func TestDecodeFillsEveryKindOfField(t *testing.T) {
	d, errs := decode(`title: Una proposta
order: 7
share: 0.25
draft: true
date: 2025-03-31
tags: [a, "b c"]
opens: votes
status: under-review
answer:
  date: 2025-04-01T10:00:00+02:00
  text: Accolta
links:
  - title: Sito
    url: https://example.org
    weight: 5
`, 1)
	if len(errs) > 0 {
		t.Fatal(messages(errs))
	}
	want := doc{
		Title: "Una proposta", Order: 7, Share: 0.25, Draft: true,
		Date: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), Tags: []string{"a", "b c"},
		Opens: []string{"votes"}, Status: "under-review",
		Answer: answer{Date: time.Date(2025, 4, 1, 8, 0, 0, 0, time.UTC), Text: "Accolta"},
	}
	if d.Title != want.Title || d.Order != want.Order || d.Share != want.Share || d.Draft != want.Draft ||
		!d.Date.Equal(want.Date) || strings.Join(d.Tags, "|") != "a|b c" || strings.Join(d.Opens, "|") != "votes" ||
		d.Status != want.Status || !d.Answer.Date.Equal(want.Answer.Date) || d.Answer.Text != want.Answer.Text {
		t.Errorf("decoded %+v\nwant    %+v", *d, want)
	}
	if d.Answer.Date.Location() != time.UTC {
		t.Errorf("an RFC 3339 date with an offset is kept in %v, want UTC", d.Answer.Date.Location())
	}
	if len(d.Links) != 1 || d.Links[0].Title != "Sito" || d.Links[0].URL != "https://example.org" || d.Links[0].Weight != 5 {
		t.Errorf("links = %+v", d.Links)
	}
}

func TestDecodeRecordsPositionsOfNestedValues(t *testing.T) {
	// Line 10 of the file is the first line of this YAML.
	d, errs := decode(`title: T
tags: [a, b,
   c]
opens:
  - votes
  -   feedback
links:
  - title: x
    url: /a
  -   title: y
      url: /b
answer: {text: t}
`, 10)
	if len(errs) > 0 {
		t.Fatal(messages(errs))
	}
	pos := func(line, col int) diag.Pos { return diag.Pos{File: "f.yaml", Line: line, Col: col} }
	checks := []struct {
		name      string
		got, want diag.Pos
	}{
		{"the mapping", d.Pos, pos(10, 1)},
		{"title", d.At["title"], pos(10, 8)},
		{"tags", d.At["tags"], pos(11, 7)},
		{"tags.0", d.At["tags.0"], pos(11, 8)},
		{"tags.2", d.At["tags.2"], pos(12, 4)},
		{"opens.1", d.At["opens.1"], pos(15, 7)},
		{"links", d.At["links"], pos(17, 3)},
		{"links[0]", d.Links[0].Pos, pos(17, 5)},
		{"links[0].url", d.Links[0].At["url"], pos(18, 10)},
		{"links[1]", d.Links[1].Pos, pos(19, 7)},
		{"links[1].url", d.Links[1].At["url"], pos(20, 12)},
		{"answer", d.At["answer"], pos(21, 9)},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s at %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestDecodeReportsWrongValuesAtTheirPositionAndLeavesZero(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"YAML 1.1 no", "draft: no", `f.yaml:2:8: "draft": want true or false, found "no" (YAML 1.1 words like yes, no, on, off are ambiguous)`},
		{"YAML 1.1 on", "draft: on", `f.yaml:2:8: "draft": want true or false, found "on"…`},
		{"octal int", "order: 0123", `f.yaml:2:8: "order": 0123 has a leading zero, which YAML 1.1 reads as octal; write 123`},
		{"octal float", "share: 0123", `f.yaml:2:8: "share": 0123 has a leading zero, which YAML 1.1 reads as octal; write 123`},
		{"float in int", "order: 1.9", `f.yaml:2:8: "order": want a whole number, found 1.9`},
		{"word in int", "order: many", `f.yaml:2:8: "order": want a whole number, found "many"`},
		{"huge int", "order: 99999999999999999999999", `f.yaml:2:8: "order": 99999999999999999999999 is too large`},
		{"int out of range", "order: -1", `f.yaml:2:8: "order": -1 is out of range (want 0 to 1000)`},
		{"float out of range", "share: 1.5", `f.yaml:2:8: "share": 1.5 is out of range (want 0 to 1)`},
		{"huge float", "share: 1e400", `f.yaml:2:8: "share": 1e400 is out of range`},
		{"decimal comma", "share: 0,5", `f.yaml:2:8: "share": want a number, found "0,5"; write decimals with a point (1.5), not a comma`},
		{"YAML float words", "share: .nan", `f.yaml:2:8: "share": want a number, found ".nan"`},
		{"day first date", "date: 31/12/2025", `f.yaml:2:7: "date": "31/12/2025" is not a valid date; write it as YYYY-MM-DD (year first), e.g. 2025-12-31`},
		{"impossible date", "date: 2025-02-30", `f.yaml:2:7: "date": "2025-02-30" is not a valid date; write it as YYYY-MM-DD, e.g. 2025-03-31`},
		{"unknown enum", "status: acepted", `f.yaml:2:9: unknown status "acepted" (want one of: open, under-review, accepted); did you mean "accepted"?`},
		{"unknown enum in list", "opens: [votes, vote]", `f.yaml:2:16: unknown opens "vote" (want one of: proposals, feedback, votes, priorities); did you mean "votes"?`},
		{"list for a string", "status: [open]", `f.yaml:2:9: "status": want a single value, found a list`},
		{"mapping for a list", "tags: {a: b}", `f.yaml:2:7: "tags": want a list like [a, b], found keys and values`},
		{"list in a list", "tags: [[a]]", `f.yaml:2:8: "tags": want a single value, found a list`},
		{"scalar for a struct", "answer: yes", `f.yaml:2:9: want keys and values (key: value), found the value "yes"`},
		{"scalar for a list of structs", "links: x", `f.yaml:2:8: "links": want a list (each element on a line starting with - ), found the value "x"`},
		{"empty list element", "links:\n  -\n  - {title: a, url: b}", `f.yaml:3:4: want keys and values (key: value), found nothing`},
		{"binary", "status: !!binary b3Blbg==", `f.yaml:2:9: "status": binary values are not allowed`},
		{"non-scalar key", "? [a]\n: b", `f.yaml:2:3: a key must be a plain word, found a list`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, errs := decode("title: T\n"+c.yaml+"\n", 1)
			if !has(errs, c.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", messages(errs), c.want)
			}
			if d.Draft || d.Order != 0 || d.Share != 0 || !d.Date.IsZero() || d.Status != "" || len(d.Opens) > 1 || d.Answer != (answer{}) {
				t.Errorf("a wrong value was kept: %+v", *d)
			}
		})
	}
}

func TestDecodeRequiredKeys(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"missing", "order: 1\n", `f.yaml:3:1: missing required key "title"`},
		{"empty", "order: 1\ntitle:\n", `f.yaml:4:1: "title" is empty; give it a value`},
		{"null", "title: ~\n", `f.yaml:3:1: "title" is empty; give it a value`},
		{"missing in a list element", "title: T\nlinks:\n  - title: a\n  - url: /b\n    title: \n", `f.yaml:5:5: missing required key "links[0].url"`},
		{"empty in the second list element", "title: T\nlinks:\n  - title: a\n  - url: /b\n    title: \n", `f.yaml:7:5: "links[1].title" is empty; give it a value`},
		{"empty in a list element", "title: T\nlinks:\n  - title: a\n    url:\n", `f.yaml:6:5: "links[0].url" is empty; give it a value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errs := decode(c.yaml, 3)
			if !has(errs, c.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", messages(errs), c.want)
			}
		})
	}
}

// `title: ""` is as empty as `title:`, and is how editors and generators write an empty
// string, yet it passes a required key.
func TestDecodeRequiredKeyWithEmptyQuotedValueIsAnError(t *testing.T) {
	for _, v := range []string{`""`, `''`, "|-\n", ">-\n"} {
		d, errs := decode("title: "+v+"\n", 1)
		if !errs.HasErrors() {
			t.Errorf("title: %s: no error, title %q", strings.TrimSpace(v), d.Title)
		}
	}
	_, errs := decode("title: T\nlinks: [{title: a, url: \"\"}]\n", 1)
	if !errs.HasErrors() {
		t.Errorf("links[0].url: \"\": no error")
	}
}

func TestDecodeRefusesDuplicateKeysAtEveryLevel(t *testing.T) {
	_, errs := decode(`title: T
answer:
  text: a
  date: 2025-01-01
  text: b
links:
  - title: a
    url: /a
    title: b
title: U
`, 1)
	for _, want := range []string{
		`f.yaml:5:3: duplicate key "answer.text" (first at line 3); keep only one`,
		`f.yaml:9:5: duplicate key "links[0].title" (first at line 7); keep only one`,
		`f.yaml:10:1: duplicate key "title" (first at line 1); keep only one`,
	} {
		if !has(errs, want) {
			t.Errorf("missing %s in:\n%s", want, messages(errs))
		}
	}
}

func TestDecodeWarnsAboutUnknownKeys(t *testing.T) {
	_, errs := decode("title: T\ntgas: [a]\nanswer: {txet: a}\nzzz: 1\n", 1)
	for _, want := range []string{
		`f.yaml:2:1: warning: unknown key "tgas" ignored; did you mean "tags"?`,
		`f.yaml:3:10: warning: unknown key "answer.txet" ignored; did you mean "text"?`,
		`f.yaml:4:1: warning: unknown key "zzz" ignored (known keys: title, order, share, draft, date, tags, opens, status, answer, links)`,
	} {
		if !has(errs, want) {
			t.Errorf("missing %s in:\n%s", want, messages(errs))
		}
	}
	if errs.HasErrors() {
		t.Errorf("unknown keys are errors:\n%s", messages(errs))
	}
}

func TestDecodeAcceptsASingleValueForAList(t *testing.T) {
	d, errs := decode("title: T\ntags: solo\n", 1)
	if len(errs) > 0 || len(d.Tags) != 1 || d.Tags[0] != "solo" {
		t.Errorf("tags %q, diagnostics:\n%s", d.Tags, messages(errs))
	}
}

func TestDecodeOfNothingDoesNothing(t *testing.T) {
	var errs diag.List
	var d doc
	meta.Decode("f.yaml", nil, &d, &errs)
	if len(errs) > 0 || d.Title != "" {
		t.Errorf("Decode(nil) reported %s", messages(errs))
	}
}

func TestParseRefusesAnchorsAliasesAndMergeKeys(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"a: &x 1\nb: *x\n", "f.yaml:5:4: YAML anchors and aliases…"},
		{"base: {a: 1}\nc:\n  <<: {a: 2}\n", "f.yaml:7:3: YAML anchors and aliases…"},
		{"a: [&x 1]\n", "f.yaml:5:5: YAML anchors and aliases…"},
		{"a: &a [\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n", "f.yaml:5:4: YAML anchors and aliases…"},
	}
	for _, c := range cases {
		var errs diag.List
		n := meta.Parse("f.yaml", 5, []byte(c.yaml), &errs)
		if n != nil || !has(errs, c.want) {
			t.Errorf("%q: node %v, diagnostics:\n%s\nwant %s", c.yaml, n != nil, messages(errs), c.want)
		}
	}
}

func TestParseWantsAMapping(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"- a\n- b\n", "f.yaml:5:1: want keys and values (key: value), found a list"},
		{"just words\n", `f.yaml:5:1: want keys and values (key: value), found the value "just words"`},
		{"\n\n  ~\n", "f.yaml:7:3: want keys and values (key: value), found nothing"},
	}
	for _, c := range cases {
		var errs diag.List
		n := meta.Parse("f.yaml", 5, []byte(c.yaml), &errs)
		if n != nil || !has(errs, c.want) {
			t.Errorf("%q: node %v, diagnostics:\n%s\nwant %s", c.yaml, n != nil, messages(errs), c.want)
		}
	}
}

func TestParseRefusesDeepAndHugeInputWithoutPanicking(t *testing.T) {
	for _, src := range []string{
		"a: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n",
		"a: " + strings.Repeat("{b: ", 20000) + "\n",
		"a: " + strings.Repeat("- ", 20000) + "x\n",
	} {
		var errs diag.List
		meta.Parse("f.yaml", 1, []byte(src), &errs)
		checkPositions(t, errs, "f.yaml", 1, lines([]byte(src)))
	}
}

// yaml.v3 prints 0-based lines for the errors of its parser (it adds one only for its
// scanner's errors), so Parse reports them one line too early: on the line before the
// stray item, or before the line that opens an unclosed [ or {.
func TestYAMLSyntaxErrorsPointAtTheirLine(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"title: T\nbody: b\n- stray item\n", "f.yaml:3:1: invalid YAML: did not find expected key"},
		{"title: T\ntags: [a,\n  b\nbody: c\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or ']'"},
		{"title: T\n\nanswer: {text: a\n\n\n", "f.yaml:3:1: invalid YAML: did not find expected ',' or '}'"},
		{"title: T\nauthors:\n  - a\n body: b\n", "f.yaml:4:1: invalid YAML: did not find expected key"},
		// Scanner errors are right already:
		{"title: T\nbody: \"unclosed\n", "f.yaml:2:1: invalid YAML: found unexpected end of stream"},
		{"title: T\nbody: b\n  date: c\n", "f.yaml:3:1: invalid YAML: mapping values are not allowed in this context"},
	}
	for _, c := range cases {
		var errs diag.List
		meta.Parse("f.yaml", 1, []byte(c.yaml), &errs)
		if !has(errs, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.yaml, messages(errs), c.want)
		}
	}
}

// Errors on the first line carry no "line N:" and keep yaml.v3's "yaml: " prefix.
func TestYAMLErrorsDoNotRepeatTheLibraryPrefix(t *testing.T) {
	var errs diag.List
	meta.Parse("f.yaml", 2, []byte("title: a: b\n"), &errs)
	if !has(errs, "f.yaml:2:9: invalid YAML: mapping values are not allowed in this context…") {
		t.Errorf("diagnostics:\n%s", messages(errs))
	}
}

// YAML (1.1, as yaml.v3 reads it) also breaks lines at a lone CR, NEL (U+0085), and the
// line and paragraph separators (U+2028, U+2029), which text pasted from office documents
// carries; editors, GitHub and diag count lines by LF. Every later position in the front
// matter then points at the wrong line, possibly past the end of the file.
func TestYAMLLineSeparatorsDoNotShiftPositions(t *testing.T) {
	for _, sep := range []string{"\r", "\u0085", "\u2028", "\u2029"} {
		src := "title: \"a" + sep + "b\"\nstatus: nope\n"
		_, errs := decode(src, 1)
		if !errs.HasErrors() {
			t.Errorf("%q: no error", src)
			continue
		}
		for _, e := range errs {
			if strings.Contains(e.Msg, "nope") && e.Pos.Line != 2 || e.Pos.Line > 2 {
				t.Errorf("%q: %v, but the status is on line 2", src, e)
			}
		}
	}
}

func TestTabIndentationSaysToIndentWithSpaces(t *testing.T) {
	var errs diag.List
	meta.Parse("f.yaml", 1, []byte("title: T\nauthors:\n\t- A\n"), &errs)
	if !has(errs, "f.yaml:3:1: invalid YAML: …") || !strings.Contains(messages(errs), "(indent with spaces, not tabs)") {
		t.Errorf("diagnostics:\n%s\nwant the hint (indent with spaces, not tabs)", messages(errs))
	}
}

func TestStringsReadsAFlatMapping(t *testing.T) {
	var errs diag.List
	got := meta.Strings("i18n/it.yaml", []byte("home: Pagina iniziale\nsearch: Cerca\nhome: Casa\nlist: [a]\nempty:\n"), &errs)
	if got["home"] != "Pagina iniziale" || got["search"] != "Cerca" || got["empty"] != "" {
		t.Errorf("Strings = %q", got)
	}
	if _, ok := got["list"]; ok {
		t.Errorf("a list was kept as a string: %q", got["list"])
	}
	for _, want := range []string{
		`i18n/it.yaml:3:1: duplicate key "home"; keep only one`,
		`i18n/it.yaml:4:7: "list": want a single value, found a list`,
	} {
		if !has(errs, want) {
			t.Errorf("missing %s in:\n%s", want, messages(errs))
		}
	}
	errs = nil
	if got := meta.Strings("i18n/it.yaml", []byte("\xef\xbb\xbfhome: x\n"), &errs); len(got) != 0 || !errs.HasErrors() {
		t.Errorf("BOM: %q, diagnostics:\n%s", got, messages(errs))
	}
}

// A real title, `title: CAP3.32: Definizione…`, has a colon and a space inside an unquoted
// value: the error points at that second colon, not at the start of the line, and shows the
// line with the value quoted.
func TestAColonInAnUnquotedValuePointsAtItAndSuggestsQuotes(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"id: x\ntitle: CAP3.32: Definizione dei requisiti\n",
			`f.yaml:3:15: invalid YAML: mapping values are not allowed in this context; a colon followed by a space starts a new key, so put the value in quotes: title: "CAP3.32: Definizione dei requisiti"`},
		{"title: Città: è \"nuova\"\n",
			`f.yaml:2:13: invalid YAML: mapping values are not allowed in this context; a colon followed by a space starts a new key, so put the value in quotes: title: "Città: è \"nuova\""`},
		{"owners:\n  - name: OB.1.1: Servizi\n",
			`f.yaml:3:17: invalid YAML: mapping values are not allowed in this context; a colon followed by a space starts a new key, so put the value in quotes: name: "OB.1.1: Servizi"`},
		{"title: Obiettivo:\n",
			`f.yaml:2:17: invalid YAML: mapping values are not allowed in this context; a colon followed by a space starts a new key, so put the value in quotes: title: "Obiettivo:"`},
	}
	for _, c := range cases {
		var errs diag.List
		meta.Parse("f.yaml", 2, []byte(c.yaml), &errs)
		if !has(errs, c.want) {
			t.Errorf("%q:\n%s\nwant %s", c.yaml, messages(errs), c.want)
		}
	}
}
