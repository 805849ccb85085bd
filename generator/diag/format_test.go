package diag_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

func TestWriteGitHubEscapesPropertiesAndMessages(t *testing.T) {
	var l diag.List
	l.Add(diag.Pos{File: "content/a,b:c%d.md", Line: 4, Col: 7}, "100%% wrong:\nsee, line two\r")
	l.Warn(diag.Pos{File: "content/x.md", Line: 2}, "unknown key %q ignored", "tgas")
	l.Add(diag.Pos{File: "content/plan/_index.md"}, "the plan is missing")
	var b bytes.Buffer
	if err := l.WriteGitHub(&b); err != nil {
		t.Fatal(err)
	}
	want := "::error file=content/a%2Cb%3Ac%25d.md,line=4,col=7::100%25 wrong:%0Asee, line two%0D\n" +
		"::warning file=content/x.md,line=2::unknown key \"tgas\" ignored\n" +
		"::error file=content/plan/_index.md::the plan is missing\n"
	if b.String() != want {
		t.Errorf("WriteGitHub wrote\n%s\nwant\n%s", b.String(), want)
	}
	if n := strings.Count(b.String(), "\n"); n != len(l) {
		t.Errorf("%d lines for %d diagnostics: a newline in a message must not start a new command", n, len(l))
	}
}

func TestWriteGitHubCannotBeTrickedIntoAnotherCommand(t *testing.T) {
	var l diag.List
	l.Add(diag.Pos{File: "a.md\n::error file=evil.md::", Line: 1, Col: 1}, "x\n::add-mask::secret")
	var b bytes.Buffer
	if err := l.WriteGitHub(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("one diagnostic wrote %d lines: %q", len(lines), b.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReportWriteErrors(t *testing.T) {
	var l diag.List
	l.Add(diag.Pos{File: "a.md", Line: 1}, "x")
	if err := l.WriteGitHub(failingWriter{}); err == nil {
		t.Error("WriteGitHub hid a write error")
	}
	if err := l.WriteGitLab(failingWriter{}); err == nil {
		t.Error("WriteGitLab hid a write error")
	}
	if err := l.WriteJSON(failingWriter{}); err == nil {
		t.Error("WriteJSON hid a write error")
	}
}

func TestWriteJSONShape(t *testing.T) {
	var l diag.List
	l.Add(diag.Pos{File: "content/a.md", Line: 4, Col: 7}, "bad \"value\" <here>")
	l.Warn(diag.Pos{File: "content/b.md"}, "odd")
	var b bytes.Buffer
	if err := l.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	// The documented contract: an array of objects with exactly these keys and types.
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	want := []map[string]any{
		{"file": "content/a.md", "line": 4.0, "col": 7.0, "severity": "error", "message": "bad \"value\" <here>"},
		{"file": "content/b.md", "line": 0.0, "col": 0.0, "severity": "warning", "message": "odd"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d objects, want %d:\n%s", len(got), len(want), b.String())
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("object %d has keys %v, want %v", i, got[i], want[i])
		}
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("object %d: %s = %#v, want %#v", i, k, got[i][k], v)
			}
		}
	}
	if !strings.HasSuffix(b.String(), "]\n") {
		t.Errorf("output does not end with a newline: %q", b.String())
	}
}

func TestWriteJSONOfNoDiagnosticsIsAnEmptyArray(t *testing.T) {
	var b bytes.Buffer
	if err := diag.List(nil).WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(b.String()); got != "[]" {
		t.Errorf("WriteJSON of nothing = %q, want []", got)
	}
}

func TestWriteGitLabIsACodeQualityReportGitLabShowsOnTheLines(t *testing.T) {
	var l diag.List
	l.Add(diag.Pos{File: "content/proposals/x/reactions/c_h223.yaml", Line: 1, Col: 1}, "not a member")
	l.Warn(diag.Pos{File: "content/x.md", Line: 2}, "unknown key %q ignored", "tgas")
	l.Add(diag.Pos{File: "refs/tags/plan/1.0"}, "tag moved")
	var b bytes.Buffer
	if err := l.WriteGitLab(&b); err != nil {
		t.Fatal(err)
	}
	var got []struct {
		Description string `json:"description"`
		CheckName   string `json:"check_name"`
		Fingerprint string `json:"fingerprint"`
		Severity    string `json:"severity"`
		Location    struct {
			Path  string `json:"path"`
			Lines struct {
				Begin int `json:"begin"`
			} `json:"lines"`
		} `json:"location"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b.String())
	}
	if len(got) != 3 {
		t.Fatalf("%d findings for 3 diagnostics:\n%s", len(got), b.String())
	}
	want := []struct {
		path, desc, severity string
		line                 int
	}{
		{"content/proposals/x/reactions/c_h223.yaml", "col 1: not a member", "major", 1},
		{"content/x.md", `unknown key "tgas" ignored`, "minor", 2},
		{"refs/tags/plan/1.0", "tag moved", "major", 1}, // GitLab wants a line
	}
	seen := map[string]bool{}
	for i, w := range want {
		g := got[i]
		if g.Location.Path != w.path || g.Description != w.desc || g.Severity != w.severity || g.Location.Lines.Begin != w.line || g.CheckName != "pspm" {
			t.Errorf("finding %d = %+v, want %+v", i, g, w)
		}
		if len(g.Fingerprint) != 32 || seen[g.Fingerprint] {
			t.Errorf("finding %d: fingerprint %q is not a unique 32-digit hash", i, g.Fingerprint)
		}
		seen[g.Fingerprint] = true
	}
	var again bytes.Buffer
	_ = l.WriteGitLab(&again)
	if again.String() != b.String() {
		t.Error("two reports of the same diagnostics differ: fingerprints must be stable between pipelines")
	}
	var empty bytes.Buffer
	if err := diag.List(nil).WriteGitLab(&empty); err != nil || strings.TrimSpace(empty.String()) != "[]" {
		t.Errorf("no diagnostics wrote %q, want [] (GitLab reads an empty report as no findings)", empty.String())
	}
}
