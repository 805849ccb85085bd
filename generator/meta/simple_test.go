package meta

import (
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
	"gopkg.in/yaml.v3"
)

// anyWord accepts lower-case words and digits that YAML reads as plain strings or ints.
func anyWord(_, v string) bool {
	switch v {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf":
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= 'a' && c <= 'z' || c >= '1' && c <= '9' && len(v) == 1) {
			return false
		}
	}
	return true
}

// FuzzParseSimpleAgreesWithParse checks the fast road against yaml.v3: whenever
// ParseSimple answers, Parse gives the same keys, values, tags, lines and columns.
func FuzzParseSimpleAgreesWithParse(f *testing.F) {
	for _, s := range []string{"vote: support\n", "vote: support\npriority: 3\n", "\nvote: oppose\n\n", "vote: support\nvote: oppose\n",
		"vote:  support\n", "vote: support \n", "vote: support\r\n", "vote: null\n", "# c\nvote: support\n", "a: b\nc: d", "vote: no\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast := ParseSimple(data, anyWord)
		if fast == nil {
			return
		}
		var errs diag.List
		slow := Parse("f", 1, data, &errs)
		if slow == nil || errs.HasErrors() {
			t.Fatalf("the fast road accepted %q, which YAML refuses: %s", data, errs.Format())
		}
		if len(fast.Content) != len(slow.Content) {
			t.Fatalf("%q: fast road has %d nodes, YAML %d", data, len(fast.Content), len(slow.Content))
		}
		for i := range fast.Content {
			a, b := fast.Content[i], slow.Content[i]
			if a.Kind != yaml.ScalarNode || b.Kind != yaml.ScalarNode || a.Value != b.Value || a.Tag != b.Tag || a.Line != b.Line || a.Column != b.Column {
				t.Fatalf("%q: node %d is %q %s %d:%d on the fast road, %q %s %d:%d in YAML", data, i, a.Value, a.Tag, a.Line, a.Column, b.Value, b.Tag, b.Line, b.Column)
			}
		}
	})
}
