package meta_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
	"gopkg.in/yaml.v3"
)

// doc is a front matter with one field of every kind Decode supports, tagged as
// generator/site/model.go tags its types.
type doc struct {
	Title  string    `yaml:"title" meta:"required"`
	Order  int       `yaml:"order" range:"0,1000"`
	Share  float64   `yaml:"share" range:"0,1"`
	Draft  bool      `yaml:"draft"`
	Date   time.Time `yaml:"date"`
	Tags   []string  `yaml:"tags"`
	Opens  []string  `yaml:"opens" enum:"proposals|feedback|votes|priorities"`
	Status string    `yaml:"status" enum:"open|under-review|accepted"`
	Answer answer    `yaml:"answer"`
	Links  []link    `yaml:"links"`

	File string              // not a YAML field: never touched by Decode
	Pos  diag.Pos            `yaml:"-"`
	At   map[string]diag.Pos `yaml:"-"`
}

type answer struct {
	Date time.Time `yaml:"date"`
	Text string    `yaml:"text"`
}

type link struct {
	Title  string `yaml:"title" meta:"required"`
	URL    string `yaml:"url" meta:"required"`
	Weight int    `yaml:"weight" range:"1,5"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

var (
	opens    = []string{"proposals", "feedback", "votes", "priorities"}
	statuses = []string{"open", "under-review", "accepted"}
)

// decode parses src as the YAML of a file that starts at line firstLine and decodes it
// into a doc.
func decode(src string, firstLine int) (*doc, diag.List) {
	var errs diag.List
	var d doc
	n := meta.Parse("f.yaml", firstLine, []byte(src), &errs)
	meta.Decode("f.yaml", n, &d, &errs)
	return &d, errs
}

// messages returns the diagnostics as printed, one per line, for failure messages.
func messages(l diag.List) string { return strings.TrimSpace(l.Format()) }

// has reports whether some diagnostic prints exactly as want or, when want ends with
// "…", starts with it.
func has(l diag.List, want string) bool {
	for _, e := range l {
		if p, ok := strings.CutSuffix(want, "…"); ok && strings.HasPrefix(e.Error(), p) || e.Error() == want {
			return true
		}
	}
	return false
}

// lines counts the lines of data as an editor and diag do: by '\n'.
func lines(data []byte) int { return bytes.Count(data, []byte("\n")) + 1 }

// checkPositions fails when a diagnostic does not name file or points outside the lines
// [first, last].
func checkPositions(t *testing.T, l diag.List, file string, first, last int) {
	t.Helper()
	for _, e := range l {
		if e.Pos.File != file {
			t.Errorf("diagnostic names file %q, want %q: %v", e.Pos.File, file, e)
		}
		if e.Pos.Line < first || e.Pos.Line > last {
			t.Errorf("diagnostic at line %d, outside the lines %d..%d of its text: %v", e.Pos.Line, first, last, e)
		}
		if e.Pos.Col < 1 {
			t.Errorf("diagnostic without a column: %v", e)
		}
	}
}

// checkNodeLines fails when a node of n lies outside the lines [first, last], naming the
// first such node.
func checkNodeLines(t *testing.T, n *yaml.Node, first, last int) {
	t.Helper()
	if bad := nodeOutside(n, first, last); bad != nil {
		t.Errorf("YAML node %q at %d:%d, outside the lines %d..%d of its text", bad.Value, bad.Line, bad.Column, first, last)
	}
}

func nodeOutside(n *yaml.Node, first, last int) *yaml.Node {
	if n.Line < first || n.Line > last || n.Column < 1 {
		return n
	}
	for _, c := range n.Content {
		if bad := nodeOutside(c, first, last); bad != nil {
			return bad
		}
	}
	return nil
}

// checkSafe fails when Decode left a value that breaks the contract that a wrong value is
// left at its zero value: out of range, not in its enum, or a date not in UTC.
func checkSafe(t *testing.T, d *doc, errs diag.List) {
	t.Helper()
	if d.Order < 0 || d.Order > 1000 {
		t.Errorf("order %d is out of its range", d.Order)
	}
	if math.IsNaN(d.Share) || d.Share < 0 || d.Share > 1 {
		t.Errorf("share %v is out of its range", d.Share)
	}
	if d.Status != "" && !slices.Contains(statuses, d.Status) {
		t.Errorf("status %q is not one of %q", d.Status, statuses)
	}
	for _, o := range d.Opens {
		if !slices.Contains(opens, o) {
			t.Errorf("opens holds %q, not one of %q", o, opens)
		}
	}
	for _, tm := range []time.Time{d.Date, d.Answer.Date} {
		if !tm.IsZero() && tm.Location() != time.UTC {
			t.Errorf("date %v is not in UTC", tm)
		}
	}
	for i, l := range d.Links {
		if l.Weight != 0 && (l.Weight < 1 || l.Weight > 5) {
			t.Errorf("links[%d].weight %d is out of its range", i, l.Weight)
		}
	}
	if d.File != "" {
		t.Errorf("Decode wrote the untagged field File: %q", d.File)
	}
	if !errs.HasErrors() {
		if d.Title == "" {
			t.Errorf("no error, but the required title is empty")
		}
		for i, l := range d.Links {
			if l.Title == "" || l.URL == "" {
				t.Errorf("no error, but links[%d] lacks a required value: %+v", i, l)
			}
		}
	}
}
