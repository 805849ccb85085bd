package synth

import (
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// doc is a Markdown body under construction: fixed blocks (headings, lists,
// tables, links) and paragraphs that grow one sentence at a time until the
// body reaches its drawn length.
type doc struct {
	parts []part
	paras []int // indexes in parts of the paragraphs
	words int
}

type part struct {
	fixed     string   // a block written as is; empty for a paragraph
	sentences []string // a paragraph's sentences
	pool      []string // the paragraph's own sentences, beside the composed ones
}

func (d *doc) reset() {
	d.parts = d.parts[:0]
	d.paras = d.paras[:0]
	d.words = 0
}

// block adds a fixed block.
func (d *doc) block(s string) {
	d.parts = append(d.parts, part{fixed: s})
	d.words += countWords(s)
}

// para starts a paragraph with one sentence.
func (g *generator) para(pool []string) {
	d := &g.doc
	s := g.sentence(pool)
	d.parts = append(d.parts, part{sentences: []string{s}, pool: pool})
	d.paras = append(d.paras, len(d.parts)-1)
	d.words += countWords(s)
}

// fill grows the paragraphs to a length drawn in [least, most] words. It adds
// sentences until the length is reached and takes the last one back if it
// overshot most; since a sentence is far shorter than most-least, the result
// always lies in [least, most] (the caller keeps the fixed blocks and the
// first sentences well under least).
func (g *generator) fill(least, most int) {
	d := &g.doc
	target := least + g.r.IntN(most-least+1)
	last := -1
	for d.words < target {
		last = d.paras[g.r.IntN(len(d.paras))]
		p := &d.parts[last]
		s := g.sentence(p.pool)
		for try := 0; try < 3 && slices.Contains(p.sentences, s); try++ {
			s = g.sentence(p.pool)
		}
		p.sentences = append(p.sentences, s)
		d.words += countWords(s)
	}
	if d.words > most && last >= 0 {
		p := &d.parts[last]
		d.words -= countWords(p.sentences[len(p.sentences)-1])
		p.sentences = p.sentences[:len(p.sentences)-1]
	}
}

// writeDoc appends the body to g.buf, blocks separated by blank lines.
func (g *generator) writeDoc() {
	for i, p := range g.doc.parts {
		if i > 0 {
			g.buf.WriteString("\n")
		}
		if p.fixed != "" {
			g.buf.WriteString(p.fixed)
		} else {
			for k, s := range p.sentences {
				if k > 0 {
					g.buf.WriteByte(' ')
				}
				g.buf.WriteString(s)
			}
		}
		g.buf.WriteString("\n")
	}
}

// sentence is either one of pool's sentences or a composed one:
// [opener] subject verb object [complement].
func (g *generator) sentence(pool []string) string {
	v := g.v
	if len(pool) > 0 && g.r.IntN(3) == 0 {
		return g.number(g.pick(pool))
	}
	var b strings.Builder
	if g.r.IntN(2) == 0 {
		b.WriteString(g.pick(v.openers))
		b.WriteByte(' ')
	}
	verb := v.verbs[g.r.IntN(len(v.verbs))]
	if g.r.IntN(3) == 0 {
		b.WriteString(g.pick(v.plurals))
		b.WriteByte(' ')
		b.WriteString(verb[1])
	} else {
		b.WriteString(g.pick(v.subjects))
		b.WriteByte(' ')
		b.WriteString(verb[0])
	}
	b.WriteByte(' ')
	b.WriteString(g.pick(v.objects))
	if g.r.IntN(10) < 7 {
		b.WriteByte(' ')
		b.WriteString(g.pick(v.complements))
	}
	b.WriteByte('.')
	return capitalize(g.number(b.String()))
}

// number replaces a {n} placeholder with a plausible figure.
func (g *generator) number(s string) string {
	if !strings.Contains(s, "{n}") {
		return s
	}
	return strings.Replace(s, "{n}", strconv.Itoa(5+g.r.IntN(61)), 1)
}

// title is a proposal title: head, topic and sometimes a qualifier.
func (g *generator) title() string {
	v := g.v
	t := g.pick(v.titleHeads) + " " + g.pick(v.topics)
	if g.r.IntN(2) == 0 {
		t += " " + g.pick(v.titleTails)
	}
	return t
}

// list is a Markdown bullet list of n distinct items.
func (g *generator) list(n int) string {
	var b strings.Builder
	for k, i := range g.distinct(len(g.v.bullets), n, g.r.IntN) {
		if k > 0 {
			b.WriteByte('\n')
		}
		b.WriteString("- ")
		b.WriteString(capitalize(g.v.bullets[i]))
	}
	return b.String()
}

// table is a small Markdown table: a header and three rows of three cells.
func (g *generator) table() string {
	v := g.v
	var b strings.Builder
	if g.r.IntN(2) == 0 {
		b.WriteString("| Fase | Periodo | Risultato atteso |\n|---|---|---|")
		for _, i := range g.distinct(len(v.phases), 3, g.r.IntN) {
			b.WriteString("\n| " + v.phases[i] + " | " + g.pick(v.periods) + " | " + capitalize(g.pick(v.bullets)) + " |")
		}
		return b.String()
	}
	b.WriteString("| Indicatore | Valore attuale | Obiettivo 2027 |\n|---|---:|---:|")
	for _, i := range g.distinct(len(v.indicators), 3, g.r.IntN) {
		ind := v.indicators[i]
		base := g.r.IntN(60)
		b.WriteString("\n| " + ind[0] + " (" + ind[1] + ") | " + strconv.Itoa(base) + " | " + strconv.Itoa(base+10+g.r.IntN(60)) + " |")
	}
	return b.String()
}

// link is a sentence with a Markdown link to a real public reference.
func (g *generator) link() string {
	l := g.v.links[g.r.IntN(len(g.v.links))]
	md := "[" + l[0] + "](" + l[1] + ")"
	switch g.r.IntN(3) {
	case 0:
		return "Per approfondire si veda " + md + "."
	case 1:
		return "Il riferimento principale è " + md + "."
	}
	return "Documentazione utile: " + md + "."
}

// countWords counts the whitespace-separated tokens that hold a letter or a
// digit, so that Markdown punctuation ("##", "-", "|") is not a word.
func countWords(s string) int {
	n, counted := 0, false
	for _, r := range s {
		if unicode.IsSpace(r) {
			counted = false
			continue
		}
		if !counted && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			n++
			counted = true
		}
	}
	return n
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// slug is s in lower-case ASCII letters and digits joined by "-", at most
// words words long.
func slug(s string, words int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'à', 'á':
			r = 'a'
		case 'è', 'é':
			r = 'e'
		case 'ì', 'í':
			r = 'i'
		case 'ò', 'ó':
			r = 'o'
		case 'ù', 'ú':
			r = 'u'
		}
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				if words--; words == 0 {
					break
				}
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}
