package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// practiceWith is the practice pr1 of the minimal site with the given Markdown body; its
// folder holds scheda.csv.
func practiceWith(body string) string {
	return "-- content/practices/pr1/index.md --\n---\ntitle: Pratica uno\nbody: c_h223\nkind: software\ndate: 2025-03-01\n---\n" + body
}

func TestRawHTMLBlockTextIsPublishedAndWarnedAt(t *testing.T) {
	body := "Introduzione.\n\n<div align=\"center\">\n<img src=\"logo.png\">\nIl **piano** &amp; le azioni\n</div>\nTesto che segue il blocco.\n\nFine.\n"
	b := sitetest.Run(t, practiceWith(body)).OK()
	b.File("practices/pr1/index.html", "Il **piano** &amp; le azioni", "Testo che segue il blocco.", "Fine.", `! <div align="center">`, `! src="logo.png"`)
	b.Diag("content/practices/pr1/index.md:9:1: warning: raw HTML is not published: its tags are dropped and its text kept")
	sitetest.Check(t, practiceWith(body)).Diag("content/practices/pr1/index.md:9:1: warning: raw HTML is not published")
}

func TestLinksToFilesNotInTheItemsFolderAreWarnedAt(t *testing.T) {
	body := "Vedi [la scheda](scheda.csv) e [il bando](bando.pdf).\n\n![grafico](grafici/andamento.png)\n\n[altra pratica](../pr2/) [sito](https://example.org/x.pdf) [indice](#contesto)\n\n[stessa](../pr1/scheda.csv) [nota](../../proposals/p1/nota.pdf) [nessuna](../pr9/x.pdf) [statico](../../static/x.pdf)\n"
	b := sitetest.Run(t, practiceWith(body)).OK()
	b.Diag("content/practices/pr1/index.md:7:32: warning: a link to bando.pdf, which is not in the item's folder content/practices/pr1")
	b.Diag("content/practices/pr1/index.md:9:1: warning: an image from grafici/andamento.png, which is not in the item's folder")
	b.Diag("content/practices/pr1/index.md:13:29: warning: a link to ../../proposals/p1/nota.pdf, which is not in the item's folder content/proposals/p1")
	b.Diag("content/practices/pr1/index.md:13:65: warning: a link to ../pr9/x.pdf, which is not published: there is no item practices/pr9")
	for _, d := range b.Result.Diagnostics {
		if s := d.Error(); strings.Contains(s, "scheda.csv") || strings.Contains(s, "pr2") || strings.Contains(s, "example.org") || strings.Contains(s, "contesto") || strings.Contains(s, "static") || strings.Contains(s, "../pr1/") {
			t.Errorf("warned about a link that works: %s", s)
		}
	}
	// An item written as <id>.md has no attachments: the warning says how to give it some.
	goal := "-- content/plan/goals/g1.md --\n---\ntitle: Obiettivo\n---\nVedi [la relazione](relazione.pdf).\n"
	sitetest.Run(t, goal).OK().Diag("content/plan/goals/g1.md:4:6: warning: a link to relazione.pdf, which is not published: an item written as g1.md has no attachments; make it g1/index.md")
}
