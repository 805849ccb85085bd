package render

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestJSONLinesIsTheArrayOneElementPerLine: the open data files, written element by
// element, are the bytes json.Marshal gives, with one element per line; anything that is
// not an array is written as it is.
func TestJSONLinesIsTheArrayOneElementPerLine(t *testing.T) {
	type row struct {
		ID    string   `json:"id"`
		Title string   `json:"title"`
		Tags  []string `json:"tags"`
		N     int      `json:"n,omitempty"`
	}
	reference := func(v any) []byte { // the whole array marshalled, then split
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var arr []json.RawMessage
		if json.Unmarshal(data, &arr) != nil {
			return append(data, '\n')
		}
		var b bytes.Buffer
		b.WriteString("[")
		for i, e := range arr {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n")
			b.Write(e)
		}
		if len(arr) > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("]\n")
		return b.Bytes()
	}
	var none []row
	for name, v := range map[string]any{
		"nil slice":   none,
		"empty slice": []row{},
		"rows":        []row{{ID: "a", Title: "<b>&amp; \u2028</b>", Tags: []string{"x"}}, {ID: "b", N: 3}},
		"pointers":    []*row{{ID: "a"}, nil},
		"strings":     []string{"uno", "due"},
		"bytes":       []byte("base64"),
		"object":      map[string]any{"version": "1", "goals": []row{{ID: "g"}}},
		"struct":      row{ID: "s"},
	} {
		var got bytes.Buffer
		if err := jsonLines(&got, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := reference(v); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got.Bytes(), want)
		}
	}
}
