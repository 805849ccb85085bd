package render

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestLiveTextsFindsATextByPlaceThenByContent: pspm serve's memo of rendered texts
// gives back what it made of a text, whether the text is the same string as before (an
// unchanged file, shared by the content cache) or a new string with the same words (a
// file read again); a text with other words is made anew, and what it made for a text
// long gone is forgotten once it is as many as the texts in use.
// The texts are looked up one by one (memoized) and all at once (memoizedAll).
func TestLiveTextsFindsATextByPlaceThenByContent(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(map[bool]string{false: "one by one", true: "all at once"}[batch], func(t *testing.T) {
			liveTextsFindsATextByPlaceThenByContent(t, batch)
		})
	}
}

func liveTextsFindsATextByPlaceThenByContent(t *testing.T, batch bool) {
	var mu sync.Mutex
	var memo liveTexts[string]
	var calls atomic.Int32
	make1 := func(text string) string { calls.Add(1); return "<p>" + text + "</p>" }
	render := func(text string) string {
		return memoized(&mu, &memo, text, func() string { return make1(text) })
	}
	renderAll := func(texts []string) []string {
		if !batch {
			out := []string{}
			for _, s := range texts {
				out = append(out, render(s))
			}
			return out
		}
		out := make([]string, len(texts))
		memoizedAll(&mu, &memo, texts, out, make1)
		return out
	}
	fresh := func(s string) string { return strings.Clone(s) } // the same words in a new string
	texts := []string{fresh("uno"), fresh("due"), fresh("tre")}

	prepare := func(texts []string, wantCalls int) {
		t.Helper()
		calls.Store(0)
		memo.start()
		for i, got := range renderAll(texts) {
			if want := "<p>" + texts[i] + "</p>"; got != want {
				t.Fatalf("%q made %q, want %q", texts[i], got, want)
			}
		}
		memo.end()
		if int(calls.Load()) != wantCalls || memo.made != wantCalls {
			t.Fatalf("made %d texts (counted %d), want %d", calls.Load(), memo.made, wantCalls)
		}
	}
	prepare(texts, 3)
	// The same words twice among new texts are made once.
	prepare([]string{fresh("sei"), fresh("sette"), fresh("sei")}, 2)
	prepare(texts, 0) // the same strings
	texts = []string{fresh("uno"), fresh("due"), fresh("tre")}
	prepare(texts, 0) // new strings, the same words
	texts[1] = fresh("due, modificato")
	prepare(texts, 1)
	// A string whose bytes are another's prefix is another text.
	long := fresh("quattro cinque")
	prepare([]string{long, long[:7]}, 2)
	if got := render(long[:7]); got != "<p>quattro</p>" {
		t.Fatalf("the prefix made %q", got)
	}

	// Editing one text many times keeps at most about twice the texts in use.
	for i := range 1000 {
		prepare([]string{"fisso", fresh("versione " + strings.Repeat("x", i))}, map[bool]int{true: 2, false: 1}[i == 0])
	}
	if n := len(memo.byText); n > 2*2+256 {
		t.Fatalf("the memo holds %d texts for 2 in use", n)
	}
}
