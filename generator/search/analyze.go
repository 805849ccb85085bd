package search

import (
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Analysis is most of the time of indexing, and bleve's Unicode word segmenter (a
// state machine over UTF-8) and its ASCII folding (which converts every text to runes
// and back) most of analysis. Once accents are folded, nearly all Italian and English
// text is ASCII, whose word boundaries (UAX #29) take a few lines. fastAnalyzer gives
// exactly the tokens of the mapping's analyzer, faster: it folds rune by rune, keeping
// ASCII as it is, and splits ASCII words itself, leaving to bleve's tokenizer only the
// stretches of text between white space that are not ASCII after folding. Only the
// indexing uses it; queries analyse with the mapping's analyzers. Tests compare the two
// on the demo, on synthetic prose and by fuzzing.

// fastAnalyzer is one of the mapping's analyzers (asciifolding, unicode tokenizer, then
// token filters) with a faster folding and tokenizer, and the lower-casing and Italian
// stemming of ASCII terms done without converting them to runes and back.
type fastAnalyzer struct {
	filters []analysis.TokenFilter
	unicode *unicodetok.UnicodeTokenizer
}

// fastAnalyzers returns, by language, the analyzers to index with: fast ones when the
// mapping's analyzer has the expected shape, else the mapping's own.
func fastAnalyzers(m mapping.IndexMapping) map[string]analysis.Analyzer {
	out := map[string]analysis.Analyzer{}
	for _, lang := range Languages {
		a := m.AnalyzerNamed(AnalyzerOf(lang))
		out[lang] = a
		d, ok := a.(*analysis.DefaultAnalyzer)
		if !ok || len(d.CharFilters) != 1 {
			continue
		}
		if _, ok := d.CharFilters[0].(*asciifolding.AsciiFoldingFilter); !ok {
			continue
		}
		if _, ok := d.Tokenizer.(*unicodetok.UnicodeTokenizer); !ok {
			continue
		}
		filters := make([]analysis.TokenFilter, len(d.TokenFilters))
		for i, f := range d.TokenFilters {
			switch f.(type) {
			case *lowercase.LowerCaseFilter:
				f = asciiFilter{f, lowerASCII}
			case *it.ItalianLightStemmerFilter:
				f = asciiFilter{f, stemItalianASCII}
			}
			filters[i] = f
		}
		out[lang] = &fastAnalyzer{filters: filters, unicode: unicodetok.NewUnicodeTokenizer()}
	}
	return out
}

// asciiFilter is a token filter that changes ASCII terms itself, with ascii, and leaves
// the others to the bleve filter it stands for.
type asciiFilter struct {
	bleve analysis.TokenFilter
	ascii func(term []byte) []byte
}

func (f asciiFilter) Filter(input analysis.TokenStream) analysis.TokenStream {
	for i, t := range input {
		if isASCII(t.Term) {
			t.Term = f.ascii(t.Term)
		} else {
			f.bleve.Filter(input[i : i+1])
		}
	}
	return input
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// lowerASCII lower-cases an ASCII term in place, as bleve's lowercase filter does.
func lowerASCII(t []byte) []byte {
	for i, c := range t {
		if 'A' <= c && c <= 'Z' {
			t[i] = c + 'a' - 'A'
		}
	}
	return t
}

// stemItalianASCII is bleve's Italian light stemmer on an ASCII term (which has no
// accent to fold): words of 6 letters or more lose their final vowel, and the i or h
// before it in -ie, -he, -hi, -ii, -ia, -io.
func stemItalianASCII(t []byte) []byte {
	n := len(t)
	if n < 6 {
		return t
	}
	switch t[n-1] {
	case 'e':
		if t[n-2] == 'i' || t[n-2] == 'h' {
			return t[:n-2]
		}
		return t[:n-1]
	case 'i':
		if t[n-2] == 'h' || t[n-2] == 'i' {
			return t[:n-2]
		}
		return t[:n-1]
	case 'a', 'o':
		if t[n-2] == 'i' {
			return t[:n-2]
		}
		return t[:n-1]
	}
	return t
}

func (a *fastAnalyzer) Analyze(input []byte) analysis.TokenStream {
	return a.analyze(input, nil)
}

// analyze is Analyze, with the tokens in buf's arrays when buf is not nil: the caller
// gives buf back once it no longer reads them.
func (a *fastAnalyzer) analyze(input []byte, buf *tokenBuf) analysis.TokenStream {
	text := fold(input)
	if len(text) > 0 && &text[0] == &input[0] {
		// The token filters change terms in place: as bleve's folding, never touch
		// the input.
		text = append([]byte(nil), input...)
	}
	tokens := a.tokenize(text, buf)
	for _, f := range a.filters {
		tokens = f.Filter(tokens)
	}
	return tokens
}

// tokenBuf holds the arrays of an analysis's tokens, for the next analysis once the
// tokens are counted (textField): the tokens of the texts indexed were a tenth of what a
// build allocated. The terms are not in them: they point into the analysed text, which
// the counted frequencies keep.
type tokenBuf struct {
	tokens []analysis.Token
	stream analysis.TokenStream
	used   int // of tokens, by the last analysis
	n      int // of stream, by the last analysis
}

var tokenBufs = sync.Pool{New: func() any { return new(tokenBuf) }}

// maxPooledTokens is the most tokens a tokenBuf keeps for the next analysis.
const maxPooledTokens = 1 << 16

// release gives buf back to tokenBufs, its tokens cleared (they point to the text).
func (buf *tokenBuf) release() {
	if cap(buf.tokens) > maxPooledTokens {
		return
	}
	clear(buf.tokens[:buf.used])
	clear(buf.stream[:buf.n])
	buf.tokens, buf.stream, buf.used, buf.n = buf.tokens[:0], buf.stream[:0], 0, 0
	tokenBufs.Put(buf)
}

// foldTable holds the ASCII folding of the runes from U+0080 to U+2FFF (Latin letters,
// punctuation, symbols), computed once.
var foldTable = sync.OnceValue(func() []string {
	t := make([]string, 0x3000-0x80)
	f := asciifolding.New()
	var buf [utf8.UTFMax]byte
	for r := rune(0x80); r < 0x3000; r++ {
		t[r-0x80] = string(f.Filter(buf[:utf8.EncodeRune(buf[:], r)]))
	}
	return t
})

// fold folds input to ASCII as the asciifolding char filter does, byte for byte: ASCII
// stays, each other rune becomes its folding, an invalid byte U+FFFD. Text that is
// already ASCII is returned as it is.
func fold(input []byte) []byte {
	i := 0
	for i < len(input) && input[i] < utf8.RuneSelf {
		i++
	}
	if i == len(input) {
		return input
	}
	table := foldTable()
	out := make([]byte, i, len(input)+len(input)/8)
	copy(out, input[:i])
	var buf [utf8.UTFMax]byte
	for i < len(input) {
		c := input[i]
		if c < utf8.RuneSelf {
			out = append(out, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(input[i:])
		i += size
		switch {
		case r == utf8.RuneError:
			out = append(out, "\uFFFD"...)
		case r < 0x3000:
			out = append(out, table[r-0x80]...)
		default:
			out = append(out, asciifolding.New().Filter(buf[:utf8.EncodeRune(buf[:], r)])...)
		}
	}
	return out
}

// Classes of ASCII bytes for word boundaries (UAX #29 word break properties).
const (
	clsOther = iota
	clsLetter
	clsDigit
	clsUnder     // ExtendNumLet: _
	clsMidLetter // :
	clsMidNum    // , ;
	clsMidBoth   // . and ' (MidNumLet, Single_Quote): between letters or between digits
	clsSpace     // space, tab, line breaks: never inside a token
	clsNonASCII  // a byte of a multi-byte rune
)

var asciiClass = func() (t [256]uint8) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = clsLetter, clsLetter
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = clsDigit
	}
	t['_'] = clsUnder
	t[':'] = clsMidLetter
	t[','], t[';'] = clsMidNum, clsMidNum
	t['.'], t['\''] = clsMidBoth, clsMidBoth
	for _, c := range " \t\n\r\v\f" {
		t[c] = clsSpace
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = clsNonASCII
	}
	return t
}()

// tokenize splits text into words as bleve's unicode tokenizer does: ASCII stretches
// between white space by the UAX #29 rules that concern ASCII, the others by bleve.
func (a *fastAnalyzer) tokenize(text []byte, buf *tokenBuf) analysis.TokenStream {
	guess := len(text)/6 + 1
	var out analysis.TokenStream
	var tokens []analysis.Token
	if buf != nil {
		// The arrays of buf, grown to the guess first: the stream points into tokens,
		// which must not move once handed out (past the guess, more come in new arrays).
		if cap(buf.tokens) < guess {
			buf.tokens = make([]analysis.Token, 0, guess)
		}
		if cap(buf.stream) < guess {
			buf.stream = make(analysis.TokenStream, 0, guess)
		}
		out, tokens = buf.stream[:0], buf.tokens[:0]
		defer func() {
			// The stream, grown past the guess, is kept; the tokens past the first
			// array's capacity are in arrays of their own.
			buf.stream, buf.used, buf.n = out[:0], min(len(out), cap(buf.tokens)), len(out)
		}()
	} else {
		out = make(analysis.TokenStream, 0, guess)
		tokens = make([]analysis.Token, 0, guess)
	}
	pos := 1
	emit := func(start, end int, typ analysis.TokenType) {
		if len(tokens) == cap(tokens) {
			tokens = make([]analysis.Token, 0, 64)
		}
		tokens = append(tokens, analysis.Token{Term: text[start:end], Start: start, End: end, Position: pos, Type: typ})
		out = append(out, &tokens[len(tokens)-1])
		pos++
	}
	i := 0
	for i < len(text) {
		// A stretch of text between white space.
		for i < len(text) && asciiClass[text[i]] == clsSpace {
			i++
		}
		start := i
		ascii := true
		for i < len(text) && asciiClass[text[i]] != clsSpace {
			if text[i] >= utf8.RuneSelf {
				ascii = false
			}
			i++
		}
		if start == i {
			break
		}
		if !ascii {
			for _, t := range a.unicode.Tokenize(text[start:i]) {
				emit(start+t.Start, start+t.End, t.Type)
			}
			continue
		}
		asciiWords(text[start:i], func(s, e int, number bool) {
			typ := analysis.AlphaNumeric
			if number {
				typ = analysis.Numeric
			}
			emit(start+s, start+e, typ)
		})
	}
	return out
}

// asciiWords calls word for each word of s, ASCII with no white space, as the UAX #29
// word boundaries (as the segment package implements them) split it: letters, digits
// and _ join; a : joins two letters, a , or ; two digits, a . or ' either. number says
// the word has digits and no letter (bleve's Numeric type).
func asciiWords(s []byte, word func(start, end int, number bool)) {
	i := 0
	for i < len(s) {
		c := asciiClass[s[i]]
		if c != clsLetter && c != clsDigit && c != clsUnder {
			i++ // punctuation: no token
			continue
		}
		start := i
		letters, digits := false, false
		for i < len(s) {
			switch asciiClass[s[i]] {
			case clsLetter:
				letters = true
				i++
				continue
			case clsDigit:
				digits = true
				i++
				continue
			case clsUnder:
				i++
				continue
			}
			// A middle character joins only between two letters or two digits.
			if i+1 < len(s) {
				prev, next := asciiClass[s[i-1]], asciiClass[s[i+1]]
				mid := asciiClass[s[i]]
				if prev == next && (prev == clsLetter && (mid == clsMidLetter || mid == clsMidBoth) ||
					prev == clsDigit && (mid == clsMidNum || mid == clsMidBoth)) {
					i += 2
					continue
				}
			}
			break
		}
		word(start, i, digits && !letters)
	}
}
