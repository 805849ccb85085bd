package synth

import (
	"fmt"
	"strings"
)

// AgIDReference writes an edition of AgID's three-year plan that the corpus's draft
// refers to, as the files of its repository (RST sources in the 2024-2026 format, as
// italia/pianotriennale-ict-doc writes them): a chapter per goal of the draft, an
// objective "Obiettivo x.y" for each objective code OB.x.y of the draft, with its title
// as AgID's, three expected results each with a baseline and two yearly targets, and
// about 280 lines of action of the real length, institutional and for the PAs, unevenly
// spread (the first objective has the most, as the real editions' largest). Given to an
// agid-plan source, every objective of the draft names a code the reference has.
func (p *RealPlan) AgIDReference() map[string]string {
	files := map[string]string{"index.rst": "Piano Triennale per l'informatica nella Pubblica Amministrazione 2024-2026\n" + strings.Repeat("=", 74) + "\n"}
	const text = "Aggiornamento delle linee guida e degli strumenti operativi a disposizione delle amministrazioni, con il coinvolgimento dei soggetti interessati e la pubblicazione dei risultati del monitoraggio sul sito istituzionale"
	d := p.draft
	lines, n := 280, 0
	for ci, gl := range d.goals {
		ch := ci + 1
		var b strings.Builder
		title := fmt.Sprintf("Capitolo %d - %s", ch, gl.title)
		b.WriteString(title + "\n" + strings.Repeat("=", len([]rune(title))) + "\n\n")
		var objs []*rpObjective
		for _, o := range d.objectives {
			if o.goal == gl.id {
				objs = append(objs, o)
			}
		}
		for oi, o := range objs {
			num := strings.TrimPrefix(o.code, "OB.")
			head := "Obiettivo " + num + " - " + o.title
			b.WriteString(head + "\n" + strings.Repeat("-", len([]rune(head))) + "\n\n")
			for ra := 1; ra <= 3; ra++ {
				code := fmt.Sprintf("RA%s.%d", num, ra)
				head := code + " - Incremento delle amministrazioni che adottano le piattaforme abilitanti nazionali"
				b.WriteString(head + "\n" + strings.Repeat("~", len([]rune(head))) + "\n\n")
				fmt.Fprintf(&b, "-  Monitoraggio 2024 - %d amministrazioni aderenti, secondo la rilevazione di dicembre\n\n", 1000*ra)
				fmt.Fprintf(&b, "-  Target 2025 - %d amministrazioni aderenti\n\n-  Target 2026 - %d amministrazioni aderenti (Target PNRR)\n\n", 2000*ra, 3000*ra)
			}
			count := 10
			if ci == 0 && oi == 0 {
				count = 46
			}
			b.WriteString("Linee di azione istituzionali\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n")
			for i := 0; i < count && n < lines; i++ {
				n++
				if i%2 == 1 {
					fmt.Fprintf(&b, "-  **Da gennaio 2025** - Le PA locali: %s - CAP%d.PA.%02d\n\n", text, ch, n)
				} else {
					fmt.Fprintf(&b, "-  **Dicembre 2025** - %s - (AgID e Dipartimento per la Trasformazione Digitale) - CAP%d.%02d\n\n", text, ch, n)
				}
			}
		}
		files[fmt.Sprintf("capitolo-%d.rst", ch)] = b.String()
	}
	return files
}
