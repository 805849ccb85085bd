package markdown

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// fieldsWords is what firstWords replaced: the words by strings.Fields, joined.
func fieldsWords(text []byte, n int) string {
	words := strings.Fields(string(text))
	if len(words) > n {
		return strings.Join(words[:n], " ") + " …"
	}
	return strings.Join(words, " ")
}

// TestFirstWordsSplitsAsFields: on texts of ASCII and Unicode spaces (no-break, next
// line, ideographic), accented letters and invalid UTF-8, firstWords gives what
// strings.Fields and strings.Join gave, whatever the count of words.
func TestFirstWordsSplitsAsFields(t *testing.T) {
	pieces := []string{"a", "città", " ", "  ", "\t", "\n", "\u00a0", "\u0085", "\u3000", "\u2028", "\xff", "\xe2\x82", "€", "parola", "x\u200by"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		text := []byte(b.String())
		for _, n := range []int{0, 1, 3, 50} {
			if got, want := firstWords(text, n), fieldsWords(text, n); got != want {
				t.Fatalf("firstWords(%q, %d) = %q, want %q", text, n, got, want)
			}
		}
	}
}

func FuzzFirstWords(f *testing.F) {
	f.Add([]byte("Una proposta  per la\u00a0città\n di Reggio Emilia"), 3)
	f.Add([]byte("\xff \xe2\x82 x"), 1)
	f.Fuzz(func(t *testing.T, text []byte, n int) {
		n = min(max(n, 0), 100)
		if got, want := firstWords(text, n), fieldsWords(text, n); got != want {
			t.Fatalf("firstWords(%q, %d) = %q, want %q", text, n, got, want)
		}
	})
}

// TestWithoutNULCopiesOnlyATextWithNUL: a text without NUL is rendered from its own
// bytes; one with NUL from a copy with U+FFFD instead, the text left as it was.
func TestWithoutNULCopiesOnlyATextWithNUL(t *testing.T) {
	plain := []byte("testo senza")
	if got := withoutNUL(plain); &got[0] != &plain[0] {
		t.Error("a text without NUL was copied")
	}
	nul := []byte("a\x00b")
	if got := string(withoutNUL(nul)); got != "a\uFFFDb" || string(nul) != "a\x00b" {
		t.Errorf("got %q, the text now %q", got, nul)
	}
}
