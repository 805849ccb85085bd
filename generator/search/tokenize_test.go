package search

import (
	"math/rand/v2"
	"sort"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// wbClass is the class of r in wordBreakTable.
func wbClass(r rune) byte {
	i := sort.Search(len(wordBreakTable), func(i int) bool { return wordBreakTable[i]>>8 > uint32(r) }) - 1
	return byte(wordBreakTable[i])
}

// tokenizeRef is the algorithm of the client's tokenizer (search.js: words), written in Go
// to prove it against segment's ragel scanner before porting it: at each position the
// longest of a word (UAX #29 rules WB5-WB13b as segment's machine has them), a run of
// Hangul, or one Han or Hiragana character; anything else is skipped one code point at a
// time. Characters of class Extend or Format stick to what precedes them.
func tokenizeRef(s string) []string {
	rs := []rune(s)
	cls := make([]byte, len(rs))
	for i, r := range rs {
		cls[i] = wbClass(r)
	}
	wb := func(i int) byte {
		if i >= len(rs) {
			return 0xff
		}
		return cls[i] & wbClassMask
	}
	// ext skips the Extend and Format characters at i.
	ext := func(i int) int {
		for i < len(rs) && wb(i) == wbExtend {
			i++
		}
		return i
	}
	isLetter := func(c byte) bool { return c == wbALetter || c == wbHebrew }
	var out []string
	for p := 0; p < len(rs); {
		best := 0
		// A word. A letter inside a run of letters may be followed by a mid character and
		// another letter; one that starts a unit of its own (reached directly, not through
		// a mid character) may also, if Hebrew, take a quote (WB7a-c).
		const (
			sNone      = iota
			sLetter    // a letter inside a run
			sLetterEnd // the last Hebrew letter of H"H: no mid character after it
			sNumber
			sKatakana
			sExtendNumLet
			sHebrewQuote // H'
		)
		st, i, end := sNone, p, p
		unitStart, hebrew := false, false
		for i < len(rs) {
			c := wb(i)
			next, nst, nUnit, nHebrew := -1, st, true, false
			switch {
			case isLetter(c):
				if st != sKatakana {
					next, nst, nHebrew = i+1, sLetter, c == wbHebrew
				}
			case c == wbNumeric:
				if st != sKatakana {
					next, nst = i+1, sNumber
				}
			case c == wbKatakana:
				if st == sNone || st == sKatakana || st == sExtendNumLet {
					next, nst = i+1, sKatakana
				}
			case c == wbExtendNumLet:
				next, nst = i+1, sExtendNumLet
			case c == wbMidLetter || c == wbMidNumLet || c == wbSingleQuote || c == wbMidNum || c == wbDoubleQuote:
				j := ext(i + 1)
				n := wb(j)
				hq := st == sLetter && hebrew && unitStart // a Hebrew letter that can take a quote
				switch {
				case hq && c == wbSingleQuote && isLetter(n):
					next, nst, nHebrew = j+1, sLetter, n == wbHebrew // H' then a new unit
				case hq && c == wbSingleQuote:
					next, nst = i+1, sHebrewQuote
				case hq && c == wbDoubleQuote && n == wbHebrew:
					next, nst = j+1, sLetterEnd
				case st == sLetter && (c == wbMidLetter || c == wbMidNumLet || c == wbSingleQuote) && isLetter(n):
					next, nst, nUnit, nHebrew = j+1, sLetter, false, n == wbHebrew
				case st == sNumber && (c == wbMidNum || c == wbMidNumLet || c == wbSingleQuote) && n == wbNumeric:
					next, nst = j+1, sNumber
				}
			}
			if next < 0 {
				break
			}
			st, unitStart, hebrew = nst, nUnit, nHebrew
			i = ext(next)
			end = i
		}
		best = end - p
		// A run of Hangul.
		i = p
		for i < len(rs) && cls[i]&^wbClassMask == wbHangul {
			i = ext(i + 1)
		}
		best = max(best, i-p)
		// One Han or Hiragana character.
		if s := cls[p] &^ wbClassMask; s == wbHan || s == wbHiragana {
			best = max(best, ext(p+1)-p)
		}
		if best == 0 {
			// Something else, as segment's machine skips it: a run of Extend and Format; an
			// ASCII character but a line break with the Extend and Format after it; a run
			// of regional indicators; or one character.
			switch r := rs[p]; {
			case wb(p) == wbExtend:
				p = ext(p)
			case r < 0x80 && (r < 0x0a || r > 0x0d):
				p = ext(p + 1)
			case r >= 0x1F1E6 && r <= 0x1F1FF:
				for p < len(rs) && rs[p] >= 0x1F1E6 && rs[p] <= 0x1F1FF {
					p = ext(p + 1)
				}
			default:
				p++
			}
			continue
		}
		out = append(out, string(rs[p:p+best]))
		p += best
	}
	return out
}

func tokenizeBleve(s string) []string {
	var out []string
	for _, tok := range unicode.NewUnicodeTokenizer().Tokenize([]byte(s)) {
		out = append(out, string(tok.Term))
	}
	return out
}

// TestTokenizerAlgorithmMatchesSegment runs the client's tokenizer algorithm and bleve's
// unicode tokenizer on random strings made of one character of every class.
func TestTokenizerAlgorithmMatchesSegment(t *testing.T) {
	var samples []rune
	seen := map[byte]int{}
	for i, v := range wordBreakTable {
		c := byte(v)
		if seen[c] >= 3 {
			continue
		}
		seen[c]++
		lo := rune(v >> 8)
		hi := rune(utf8.MaxRune)
		if i+1 < len(wordBreakTable) {
			hi = rune(wordBreakTable[i+1]>>8) - 1
		}
		for _, r := range []rune{lo, hi, (lo + hi) / 2} {
			if r < 0xD800 || r > 0xDFFF {
				samples = append(samples, r)
			}
		}
	}
	samples = append(samples, []rune("aàz'’.:,;_-\"0159 \n\r\tא'\"ב한글カタカナ漢字ひらがな\u0301\u00ad\u200d")...)
	rnd := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 200000; n++ {
		k := 1 + rnd.IntN(8)
		rs := make([]rune, k)
		for i := range rs {
			rs[i] = samples[rnd.IntN(len(samples))]
		}
		s := string(rs)
		got, want := tokenizeRef(s), tokenizeBleve(s)
		if !equalStrings(got, want) {
			t.Fatalf("%+q: the client's algorithm gives %+q, bleve %+q", s, got, want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
