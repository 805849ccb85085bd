package generator

import (
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
)

func paras(texts ...string) []markdown.Paragraph {
	out := make([]markdown.Paragraph, len(texts))
	for i, t := range texts {
		out[i] = markdown.Paragraph{ID: markdown.AnchorOf(t), Text: t}
	}
	return out
}

func TestAnEditedParagraphMapsToTheMostAlikeNewParagraph(t *testing.T) {
	old := paras("Uno resta.", "La scadenza è giugno per tutti i comuni.", "Tre resta.")
	for _, c := range []struct {
		name string
		cur  []markdown.Paragraph
		want string
	}{
		{"edited in place", paras("Uno resta.", "La scadenza è dicembre per tutti i comuni.", "Tre resta."), markdown.AnchorOf("La scadenza è dicembre per tutti i comuni.")},
		{"edited and moved", paras("La scadenza è dicembre per tutti i comuni.", "Uno resta.", "Tre resta."), markdown.AnchorOf("La scadenza è dicembre per tutti i comuni.")},
		{"the most alike of two new ones", paras("Uno resta.", "Tutt'altro testo nuovo.", "La scadenza è luglio per i comuni.", "Tre resta."), markdown.AnchorOf("La scadenza è luglio per i comuni.")},
		{"a tie goes to the first", paras("La scadenza è marzo per tutti i comuni.", "Uno resta.", "La scadenza è aprile per tutti i comuni."), markdown.AnchorOf("La scadenza è marzo per tutti i comuni.")},
		{"an unchanged paragraph is never taken", paras("Uno resta.", "Tre resta."), ""},
		{"nothing alike: removed", paras("Uno resta.", "Parole del tutto diverse qui.", "Tre resta."), ""},
	} {
		if got := likeParagraph(old, 1, c.cur); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	// A tie goes to the paragraph nearest the old one's position before the first.
	old = paras("Uno resta.", "Tre resta.", "La scadenza è giugno per tutti i comuni.")
	cur := paras("La scadenza è marzo per tutti i comuni.", "Uno resta.", "La scadenza è aprile per tutti i comuni.", "Tre resta.")
	if got, want := likeParagraph(old, 2, cur), markdown.AnchorOf("La scadenza è aprile per tutti i comuni."); got != want {
		t.Errorf("a tie: %q, want the nearest %q", got, want)
	}
}
