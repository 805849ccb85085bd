package agid

import (
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

func BenchmarkParseEditions(b *testing.B) {
	files := append(edition(b, "2022-2024"), edition(b, "2024-2026")...)
	for i := range files {
		files[i].Name = string(rune('a'+i)) + files[i].Name
	}
	for b.Loop() {
		var errs diag.List
		Parse(files, &errs)
	}
}
