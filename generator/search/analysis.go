package search

import (
	"bytes"
	"slices"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/registry"
)

// Word break classes of the client's tokenizer (wordBreakTable): the low four bits are
// the Unicode word break property, the next two the script segment treats apart.
const (
	wbOther        = 0
	wbALetter      = 1
	wbHebrew       = 2
	wbNumeric      = 3
	wbKatakana     = 4
	wbExtendNumLet = 5
	wbMidLetter    = 6
	wbMidNumLet    = 7
	wbMidNum       = 8
	wbSingleQuote  = 9
	wbDoubleQuote  = 10
	wbExtend       = 11 // Extend and Format
	wbClassMask    = 0x0f
	wbHangul       = 1 << 4
	wbHan          = 2 << 4
	wbHiragana     = 3 << 4
)

// analysisTablesOnce computes analysisTables once: they depend on bleve alone.
var analysisTablesOnce = sync.OnceValues(analysisTables)

// analysisTables are the tables the client's analyzers need (a.bin, see bundle.go),
// taken from bleve itself: the word break classes of segment (wordBreakTable, generated
// from its Unicode properties), unicode.ToLower of every code point that changes (bleve's
// to_lower), the ASCII folding of every character that folds (running bleve's
// asciifolding filter on it), and bleve's token maps of stop words and elided articles.
func analysisTables() ([]byte, error) {
	var b bytes.Buffer
	putUvarint(&b, uint64(len(wordBreakTable)))
	prev := uint32(0)
	for _, v := range wordBreakTable {
		putUvarint(&b, uint64(v>>8-prev))
		b.WriteByte(byte(v))
		prev = v >> 8
	}
	type mapping struct {
		r  rune
		to string
	}
	var lower, folds []mapping
	fold := asciifolding.New()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xD800 && r <= 0xDFFF {
			continue
		}
		if l := unicode.ToLower(r); l != r {
			lower = append(lower, mapping{r, string(l)})
		}
		if r >= 0x80 {
			if f := string(fold.Filter([]byte(string(r)))); f != string(r) {
				folds = append(folds, mapping{r, f})
			}
		}
	}
	putUvarint(&b, uint64(len(lower)))
	prevR := rune(0)
	for _, m := range lower {
		putUvarint(&b, uint64(m.r-prevR))
		d := int64([]rune(m.to)[0] - m.r)
		putUvarint(&b, uint64(d<<1^d>>63))
		prevR = m.r
	}
	putUvarint(&b, uint64(len(folds)))
	prevR = 0
	for _, m := range folds {
		putUvarint(&b, uint64(m.r-prevR))
		putString(&b, m.to)
		prevR = m.r
	}
	cache := registry.NewCache()
	for _, name := range []string{it.StopName, en.StopName, it.ArticlesName} {
		tm, err := cache.TokenMapNamed(name)
		if err != nil {
			return nil, err
		}
		words := make([]string, 0, len(tm))
		for w := range tm {
			words = append(words, w)
		}
		slices.Sort(words)
		putUvarint(&b, uint64(len(words)))
		for _, w := range words {
			putString(&b, w)
		}
	}
	return b.Bytes(), nil
}
