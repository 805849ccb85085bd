package markdown

import (
	"strings"
	"testing"
)

func TestParagraphAnchorsHashTheirOwnTextOnly(t *testing.T) {
	r := New()
	before := r.RenderAnchored([]byte("Primo paragrafo.\n\nSecondo   paragrafo,\nsu due righe.\n\n- voce uno\n- voce *due*\n"))
	after := r.RenderAnchored([]byte("Primo paragrafo, cambiato.\n\nSecondo paragrafo, su due righe.\n\n- voce uno\n- voce due\n"))
	if len(before.Paragraphs) != 4 || len(after.Paragraphs) != 4 {
		t.Fatalf("paragraphs: %+v / %+v", before.Paragraphs, after.Paragraphs)
	}
	if before.Paragraphs[0].ID == after.Paragraphs[0].ID {
		t.Errorf("the edited paragraph kept its anchor %s", before.Paragraphs[0].ID)
	}
	for i := 1; i < 4; i++ {
		if before.Paragraphs[i].ID != after.Paragraphs[i].ID {
			t.Errorf("paragraph %d changed its anchor when another was edited: %s -> %s", i, before.Paragraphs[i].ID, after.Paragraphs[i].ID)
		}
	}
	if want := AnchorOf("Secondo paragrafo, su due righe."); before.Paragraphs[1].ID != want {
		t.Errorf("anchor %s, want %s", before.Paragraphs[1].ID, want)
	}
	for _, p := range before.Paragraphs {
		if !strings.Contains(before.HTML, ` id="`+p.ID+`"`) {
			t.Errorf("no id %s in %s", p.ID, before.HTML)
		}
	}
	if strings.Contains(before.Result.HTML, "p-") || strings.ContainsRune(before.HTML, 0) {
		t.Errorf("plain HTML has anchors or markers left: %q / %q", before.Result.HTML, before.HTML)
	}
	if got, want := before.Result.HTML, r.Render([]byte("Primo paragrafo.\n\nSecondo   paragrafo,\nsu due righe.\n\n- voce uno\n- voce *due*\n")).HTML; got != want {
		t.Errorf("plain HTML differs from Render:\n%s\n%s", got, want)
	}
	p := before.Paragraphs[0]
	if !strings.HasPrefix(before.HTML[p.End:], "</p>") || !strings.HasPrefix(before.HTML[p.After:], "<p id=") {
		t.Errorf("offsets %d %d wrong in %q", p.End, p.After, before.HTML)
	}
	li := before.Paragraphs[3]
	if !strings.HasPrefix(before.HTML[li.End:], "</li>") {
		t.Errorf("list item end %d wrong in %q", li.End, before.HTML)
	}
}

func TestRepeatedParagraphsGetNumberedAnchors(t *testing.T) {
	r := New()
	a := r.RenderAnchored([]byte("Uguale.\n\nAltro.\n\nUguale.\n\nUguale.\n"))
	base := AnchorOf("Uguale.")
	want := []string{base, AnchorOf("Altro."), base + "-2", base + "-3"}
	for i, p := range a.Paragraphs {
		if p.ID != want[i] {
			t.Errorf("paragraph %d: %s, want %s", i, p.ID, want[i])
		}
	}
	if got := r.Paragraphs([]byte("Uguale.\n\nAltro.\n\nUguale.\n\nUguale.\n")); len(got) != 4 || got[2].ID != base+"-2" {
		t.Errorf("Paragraphs: %+v", got)
	}
}

func TestAnchoredRenderingOfNULAndHostileTextStaysSafe(t *testing.T) {
	r := New()
	a := r.RenderAnchored([]byte("a\x00e0\x00b <script>x</script>\n\n```\n\x00i\x00\n```\n"))
	if strings.ContainsRune(a.HTML, 0) || strings.Contains(a.HTML, "<script") {
		t.Errorf("unsafe: %q", a.HTML)
	}
}

// FuzzNormalise: a paragraph's normalised text is its words (strings.Fields) separated
// by one space, for any bytes, valid UTF-8 or not.
func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"", " ", "a", " a  b\t\nc ", "città\u00a0e\u2003paese", "x\x85y", "\xff \xfe\xfd z", "\u3000年\u3000"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := strings.Join(strings.Fields(string(b)), " ")
		if got := normalise(b); got != want {
			t.Fatalf("normalise(%q) = %q, want %q", b, got, want)
		}
	})
}
