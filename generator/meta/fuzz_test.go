package meta_test

import (
	"bytes"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
)

// FuzzSplit feeds Split arbitrary files. Split must not panic; every diagnostic must name
// the file and a line of it; the body must be what follows the front matter, at the line
// Split says; and when Split returns front matter it reported nothing, its closing --- is
// not indented (an indented one belongs to a YAML value), and every YAML node lies between
// the --- lines. Seeds are in testdata/fuzz/FuzzSplit.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("---\ntitle: T\n---\nText.\n"))
	f.Add([]byte("\n\n---\ntitle: T\n---\n"))
	f.Add([]byte("---\r\ntitle: T\r\n---\r\nText\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		const file = "content/proposals/x/index.md"
		var errs diag.List
		d := meta.Split(file, data, &errs)
		checkPositions(t, errs, file, 1, lines(data))
		if d.File != file {
			t.Errorf("Document.File = %q", d.File)
		}
		if !bytes.HasSuffix(data, d.Body) {
			t.Fatalf("Body %q is not a suffix of the input", d.Body)
		}
		if d.Meta == nil {
			if !errs.HasErrors() {
				t.Errorf("no front matter and no error")
			}
			return
		}
		if len(errs) > 0 {
			t.Errorf("front matter returned along with diagnostics:\n%s", messages(errs))
		}
		if d.MetaLine < 2 || d.BodyLine <= d.MetaLine {
			t.Errorf("MetaLine %d, BodyLine %d", d.MetaLine, d.BodyLine)
		}
		head := data[:len(data)-len(d.Body)]
		if len(d.Body) > 0 {
			if want := 1 + bytes.Count(head, []byte("\n")); d.BodyLine != want {
				t.Errorf("BodyLine = %d, but the body starts on line %d", d.BodyLine, want)
			}
		}
		if closing := bytes.TrimRight(head, "\r\n"); bytes.HasPrefix(closing[bytes.LastIndexByte(closing, '\n')+1:], []byte(" ")) ||
			bytes.HasPrefix(closing[bytes.LastIndexByte(closing, '\n')+1:], []byte("\t")) {
			t.Errorf("the front matter ends at an indented --- (line %d), which YAML reads as part of a value", d.BodyLine-1)
		}
		// The closing --- is on line BodyLine-1; an empty front matter is placed there.
		checkNodeLines(t, d.Meta, d.MetaLine, d.BodyLine-1)
	})
}

// FuzzDecode parses arbitrary YAML that starts at an arbitrary line of a file and decodes
// it into a struct with a field of every supported kind. It must not panic, every
// diagnostic must point into the text, and the result must respect ranges, enums and
// required keys. Seeds are in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("title: T\norder: 3\nshare: 0.5\ndraft: true\ndate: 2025-01-31\ntags: [a, b]\nopens: [votes]\nstatus: open\nanswer: {date: 2025-02-01, text: ok}\nlinks:\n  - {title: a, url: /x, weight: 2}\n"), uint8(1))
	f.Add([]byte("title: \"\"\n"), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, first uint8) {
		firstLine := 1 + int(first)%64
		var errs diag.List
		n := meta.Parse("f.yaml", firstLine, data, &errs)
		last := firstLine + lines(data) - 1
		if n != nil {
			if len(errs) > 0 {
				t.Errorf("Parse returned a node along with diagnostics:\n%s", messages(errs))
			}
			checkNodeLines(t, n, firstLine, last)
		}
		var d doc
		meta.Decode("f.yaml", n, &d, &errs)
		checkPositions(t, errs, "f.yaml", firstLine, last)
		checkSafe(t, &d, errs)
		if n == nil {
			return
		}
		at := []diag.Pos{d.Pos}
		for _, p := range d.At {
			at = append(at, p)
		}
		for _, l := range d.Links {
			at = append(at, l.Pos)
			for _, p := range l.At {
				at = append(at, p)
			}
		}
		for _, p := range at {
			if p.File != "" && (p.File != "f.yaml" || p.Line < firstLine || p.Line > last || p.Col < 1) {
				t.Errorf("recorded position %v is outside the text (lines %d..%d)", p, firstLine, last)
				break
			}
		}
	})
}
