package diag

import (
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
