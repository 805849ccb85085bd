package diag

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// jsonError is the shape of one diagnostic in `pspm check --format json`, a documented
// contract for tools.
type jsonError struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// WriteJSON writes the list as a JSON array of {file, line, col, severity, message}.
func (l List) WriteJSON(w io.Writer) error {
	out := make([]jsonError, 0, len(l))
	for _, e := range l {
		out = append(out, jsonError{e.Pos.File, e.Pos.Line, e.Pos.Col, e.Severity.String(), e.Msg})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteGitHub writes the list as GitHub Actions workflow commands, which annotate the
// lines of a pull request: ::error file=F,line=L,col=C::message.
func (l List) WriteGitHub(w io.Writer) error {
	for _, e := range l {
		var b strings.Builder
		fmt.Fprintf(&b, "::%s file=%s", e.Severity, ghProp(e.Pos.File))
		if e.Pos.Line > 0 {
			fmt.Fprintf(&b, ",line=%d", e.Pos.Line)
		}
		if e.Pos.Col > 0 {
			fmt.Fprintf(&b, ",col=%d", e.Pos.Col)
		}
		fmt.Fprintf(&b, "::%s\n", ghData(e.Msg))
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
	}
	return nil
}

// ghData escapes a workflow command's message, as GitHub's toolkit does.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// codeQuality is one finding of a GitLab Code Quality report, the subset of the Code
// Climate format that GitLab reads.
type codeQuality struct {
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

// WriteGitLab writes the list as a GitLab Code Quality report (artifacts:reports:codequality),
// which GitLab shows in the merge request and on the lines of its diff. An error is a
// "major" finding and a warning a "minor" one; a diagnostic without a line is put on
// line 1. The message keeps its column ("col 9: …"), which the format has no field for,
// and the fingerprint, which GitLab uses to tell findings apart between pipelines, is a
// hash of the position and the message.
func (l List) WriteGitLab(w io.Writer) error {
	out := make([]codeQuality, 0, len(l))
	for _, e := range l {
		var c codeQuality
		c.Description = e.Msg
		if e.Pos.Col > 0 {
			c.Description = fmt.Sprintf("col %d: %s", e.Pos.Col, e.Msg)
		}
		c.CheckName = "pspm"
		c.Severity = "major"
		if e.Severity == Warning {
			c.Severity = "minor"
		}
		c.Location.Path = e.Pos.File
		c.Location.Lines.Begin = max(e.Pos.Line, 1)
		sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%d\x00%d\x00%s\x00%s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Severity, e.Msg))
		c.Fingerprint = hex.EncodeToString(sum[:16])
		out = append(out, c)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
