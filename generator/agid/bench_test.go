package agid

import (
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

// BenchmarkParseEditions parses the two fixture editions.
func BenchmarkParseEditions(b *testing.B) {
	var files []File
	for _, ed := range []string{"2022-2024", "2024-2026"} {
		for _, f := range edition(b, ed) {
			f.Name = ed + "/" + f.Name
			files = append(files, f)
		}
	}
	for b.Loop() {
		var errs diag.List
		Parse(files, &errs)
	}
}

// BenchmarkParseRealSize parses an edition of the real plan's size: 8 chapters, 24
// objectives with 3 results each, 280 lines of action of about 300 characters, and the
// prose around them (about 600 KB, the size of a real edition's .rst files).
func BenchmarkParseRealSize(b *testing.B) {
	prose := strings.Repeat("L'interoperabilità facilita l'interazione digitale tra pubbliche amministrazioni, cittadini e imprese, recependo le indicazioni dell'*European Interoperability Framework*.\n", 120)
	line := "Aggiornamento delle linee guida e degli strumenti operativi a disposizione delle amministrazioni, con il coinvolgimento dei soggetti interessati e la pubblicazione dei risultati del monitoraggio"
	var files []File
	n := 0
	for ch := 1; ch <= 8; ch++ {
		var s strings.Builder
		c := strconv.Itoa(ch)
		s.WriteString("Capitolo " + c + " - Tema\n==============\n\n" + prose + "\n")
		for ob := 1; ob <= 3; ob++ {
			o := c + "." + strconv.Itoa(ob)
			s.WriteString("Obiettivo " + o + " - Migliorare la capacità di erogare servizi\n----------------------------------\n\n" + prose + "\n")
			for ra := 1; ra <= 3; ra++ {
				s.WriteString("RA" + o + "." + strconv.Itoa(ra) + " - Incremento delle adesioni\n~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n-  Monitoraggio 2024 - 3.000\n\n-  Target 2025 - 5.000\n\n-  Target 2026 - 7.000\n\n")
			}
			for i := 0; i < 12 && n < 280; i++ {
				n++
				s.WriteString("-  **Dicembre 2025 \\*** - " + line + " - (AgID e Dipartimento per la Trasformazione Digitale) - CAP" + c + "." + strconv.Itoa(n) + "\n\n")
			}
		}
		files = append(files, File{Name: "capitolo-" + c + ".rst", Data: []byte(s.String())})
	}
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		var errs diag.List
		if p := Parse(files, &errs); p.Actions != 280 {
			b.Fatalf("%d lines of action", p.Actions)
		}
	}
}
