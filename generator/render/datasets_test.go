package render

import (
	"os"
	"strings"
	"testing"
)

// The README's "Open data" table documents the same fields as the catalogue of the
// datasets, which makes the open data page, the archive's README and the CSV headers.
func TestReadmeDocumentsEveryFieldOfTheCatalogue(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if name, _, ok := strings.Cut(strings.TrimPrefix(line, "| `"), "`"); ok && strings.HasPrefix(line, "| `") {
			if _, seen := rows[name]; !seen {
				rows[name] = line
			}
		}
	}
	for _, d := range Datasets {
		file := d.JSON
		if file == "" || d.ID == "plan" || d.ID == "results" { // plan.json nests; its CSVs are documented flat
			file = d.CSV
		}
		row, ok := rows[file]
		if !ok {
			t.Errorf("README: no row of the open data table starts with `%s`", file)
			continue
		}
		for _, f := range d.Fields {
			if !strings.Contains(row, "`"+f.Name+"`") {
				t.Errorf("README: the row of `%s` does not document the field `%s`", file, f.Name)
			}
		}
	}
}
