// Package textdiff compares two texts word by word, for people: the changes pages of the
// plan show what an amendment did to an item's text as words struck out and words added.
//
// A text is split into tokens: runs of letters and digits (with their combining marks, so
// that "attività" is one word however it is encoded), runs of white space, and single
// other characters (punctuation, symbols). The token sequences are compared with Myers'
// O(ND) algorithm in linear space, then cleaned up as Neil Fraser's diff-match-patch does
// ("Diff Strategies", 2006): a short stretch of equal words between two edits is folded
// into them, so that rewriting a sentence reads as one replacement rather than as every
// other word struck out, and an edit that could sit in several places is slid to where
// its edges fall on line breaks and spaces.
//
// The work is bounded by a fixed number of steps, not by the clock, so the same two
// texts always give the same result on every machine: past the budget, the part of the
// texts between their common beginning and end is reported as deleted and inserted
// whole. Texts of a megabyte each take well under a second.
package textdiff

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind says what a run of text is. Its values are those of the site package's TextOp.
type Kind int

// The kinds of run.
const (
	Delete Kind = -1 // in the old text only
	Equal  Kind = 0  // in both texts
	Insert Kind = 1  // in the new text only
)

// Op is a run of text of one kind.
type Op struct {
	Kind Kind
	Text string
}

// budget is how many steps (diagonals explored and tokens compared) Myers' algorithm may
// take before Words gives up on the middle of the texts. It is enough for two unrelated
// texts of 2,000 words each, or for a text of 100,000 words with 1,000 words changed,
// and costs some tens of milliseconds when spent; past it, what the texts have in common
// is hardly worth showing.
const budget = 1 << 24

// Words returns the word-level differences between old and new.
//
// Concatenating the Equal and Delete runs gives old exactly, and the Equal and Insert
// runs give new exactly, whatever the bytes (invalid UTF-8 included). No run is empty,
// no two adjacent runs have the same kind, and within a change the Delete run comes
// before the Insert run. Equal texts give one Equal run (none when both are empty).
//
// Words is symmetric: Words(new, old) is Words(old, new) with Delete and Insert
// exchanged, so that undoing an amendment shows the same changes.
func Words(old, new string) []Op {
	if old == new {
		if old == "" {
			return nil
		}
		return []Op{{Equal, old}}
	}
	if old > new {
		return mirror(Words(new, old))
	}
	if len(old)+len(new) > math.MaxInt32 { // beyond what tokens can index
		return []Op{{Delete, old}, {Insert, new}}
	}
	a, b := tokenize(old), tokenize(new)
	intern(&a, &b)
	d := &differ{a: a.ids, b: b.ids, steps: budget}
	blocks := cleanupSemantic(d.run(), &a, &b)
	shiftEdits(blocks, &a, &b)
	return render(blocks, &a, &b)
}

// mirror exchanges deletions and insertions, keeping each deletion before its insertion.
func mirror(ops []Op) []Op {
	for i := range ops {
		ops[i].Kind = -ops[i].Kind
	}
	for i := 0; i+1 < len(ops); i++ {
		if ops[i].Kind == Insert && ops[i+1].Kind == Delete {
			ops[i], ops[i+1] = ops[i+1], ops[i]
			i++
		}
	}
	return ops
}

// Token classes.
const (
	word  = iota // letters, digits and combining marks
	space        // white space
	other        // one punctuation mark, symbol or invalid byte
)

// tokens is a text split into tokens: token i is s[end[i-1]:end[i]].
type tokens struct {
	s   string
	end []int32
	ids []int32 // equal tokens have equal ids, across both texts
}

func (t *tokens) start(i int) int {
	if i == 0 {
		return 0
	}
	return int(t.end[i-1])
}

// text returns tokens [i, j) as a string.
func (t *tokens) text(i, j int) string {
	if i >= j {
		return ""
	}
	return t.s[t.start(i):t.end[j-1]]
}

// chars returns the length in characters of tokens [i, j).
func (t *tokens) chars(i, j int) int { return utf8.RuneCountInString(t.text(i, j)) }

func classOf(r rune) int {
	if r < utf8.RuneSelf { // the common case, without the Unicode tables
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9':
			return word
		case r == ' ', '\t' <= r && r <= '\r':
			return space
		}
		return other
	}
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return word
	case unicode.IsSpace(r):
		return space
	}
	return other
}

func tokenize(s string) tokens {
	t := tokens{s: s, end: make([]int32, 0, len(s))}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		c := classOf(r)
		if r == utf8.RuneError && n == 1 {
			c = other
		}
		i += n
		if c != other {
			for i < len(s) {
				r, n := utf8.DecodeRuneInString(s[i:])
				if (r == utf8.RuneError && n == 1) || classOf(r) != c {
					break
				}
				i += n
			}
		}
		t.end = append(t.end, int32(i))
	}
	t.ids = make([]int32, len(t.end))
	return t
}

// intern numbers the tokens of both texts so that equal tokens have equal ids.
func intern(a, b *tokens) {
	ids := map[string]int32{}
	for _, t := range []*tokens{a, b} {
		for i := range t.ids {
			tok := t.text(i, i+1)
			id, ok := ids[tok]
			if !ok {
				id = int32(len(ids))
				ids[tok] = id
			}
			t.ids[i] = id
		}
	}
}

// block is a stretch of the edit script that starts at token a of the old text and b of
// the new one: either eq tokens equal in both texts (del and ins are 0), or an edit, del
// tokens of the old text replaced by ins tokens of the new one (eq is 0).
type block struct {
	a, b         int
	eq, del, ins int
}

func (k block) equal() bool { return k.del == 0 && k.ins == 0 }

// differ runs Myers' linear-space algorithm ("An O(ND) Difference Algorithm and Its
// Variations", 1986, section 4b) on token ids, within a budget of steps.
type differ struct {
	a, b   []int32
	steps  int
	vf, vb []int // furthest reaching paths, forward and backward, by diagonal
	out    []block
}

// run returns the edit script of a and b as alternating equal and edit blocks.
func (d *differ) run() []block {
	n, m := len(d.a), len(d.b)
	pre := 0
	for pre < n && pre < m && d.a[pre] == d.b[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && d.a[n-1-suf] == d.b[m-1-suf] {
		suf++
	}
	// middleSnake indexes diagonals -D-1..D+1 around maxD+1, with D ≤ maxD ≤ (n+m+1)/2.
	size := n + m - 2*pre - 2*suf + 4
	d.vf, d.vb = make([]int, size), make([]int, size)
	if !d.compare(0, n, 0, m) {
		d.out = d.out[:0]
		d.emit(Equal, pre)
		d.emit(Delete, n-pre-suf)
		d.emit(Insert, m-pre-suf)
		d.emit(Equal, suf)
	}
	return d.out
}

// emit appends k tokens of the given kind to the script, merging with the last block.
func (d *differ) emit(kind Kind, k int) {
	if k == 0 {
		return
	}
	var a, b int
	if len(d.out) > 0 {
		l := d.out[len(d.out)-1]
		a, b = l.a+l.eq+l.del, l.b+l.eq+l.ins
		switch {
		case kind == Equal && l.equal():
			d.out[len(d.out)-1].eq += k
			return
		case kind == Delete && !l.equal():
			d.out[len(d.out)-1].del += k
			return
		case kind == Insert && !l.equal():
			d.out[len(d.out)-1].ins += k
			return
		}
	}
	nb := block{a: a, b: b}
	switch kind {
	case Equal:
		nb.eq = k
	case Delete:
		nb.del = k
	default:
		nb.ins = k
	}
	d.out = append(d.out, nb)
}

// compare appends the script of a[a0:a1] and b[b0:b1]; false when the budget ran out.
func (d *differ) compare(a0, a1, b0, b1 int) bool {
	pre := 0
	for a0+pre < a1 && b0+pre < b1 && d.a[a0+pre] == d.b[b0+pre] {
		pre++
	}
	d.emit(Equal, pre)
	a0, b0 = a0+pre, b0+pre
	suf := 0
	for a1-suf > a0 && b1-suf > b0 && d.a[a1-1-suf] == d.b[b1-1-suf] {
		suf++
	}
	a1, b1 = a1-suf, b1-suf
	d.steps -= pre + suf + 1
	switch {
	case d.steps < 0:
		return false
	case a0 == a1:
		d.emit(Insert, b1-b0)
	case b0 == b1:
		d.emit(Delete, a1-a0)
	default:
		// Both sides are non-empty and differ at both ends, so at least two edits
		// are needed, and each half of the middle snake needs fewer than the whole.
		x, y, u, v, ok := d.middleSnake(a0, a1, b0, b1)
		if !ok || !d.compare(a0, x, b0, y) {
			return false
		}
		d.emit(Equal, u-x)
		if !d.compare(u, a1, v, b1) {
			return false
		}
	}
	d.emit(Equal, suf)
	return true
}

// middleSnake finds the middle snake of an optimal path from (a0, b0) to (a1, b1): the
// diagonal run from (x, y) to (u, v) where the forward and backward searches meet.
func (d *differ) middleSnake(a0, a1, b0, b1 int) (x, y, u, v int, ok bool) {
	n, m := a1-a0, b1-b0
	delta := n - m
	odd := delta&1 != 0
	maxD := (n + m + 1) / 2
	off := maxD + 1
	vf, vb := d.vf, d.vb
	vf[off+1], vb[off+1] = 0, 0
	for D := 0; D <= maxD; D++ {
		d.steps -= 2*D + 1
		if d.steps < 0 {
			return 0, 0, 0, 0, false
		}
		// Forward: vf[off+k] is the furthest x on diagonal k = x - y.
		for k := -D; k <= D; k += 2 {
			var px int
			if k == -D || (k != D && vf[off+k-1] < vf[off+k+1]) {
				px = vf[off+k+1]
			} else {
				px = vf[off+k-1] + 1
			}
			py := px - k
			sx, sy := px, py
			for px < n && py < m && d.a[a0+px] == d.b[b0+py] {
				px++
				py++
			}
			d.steps -= px - sx
			vf[off+k] = px
			if c := delta - k; odd && c >= -(D-1) && c <= D-1 && px+vb[off+c] >= n {
				return a0 + sx, b0 + sy, a0 + px, b0 + py, true
			}
		}
		// Backward: vb[off+c] is the furthest distance from the end on diagonal c,
		// counted from the end; c = delta - k.
		for c := -D; c <= D; c += 2 {
			var px int
			if c == -D || (c != D && vb[off+c-1] < vb[off+c+1]) {
				px = vb[off+c+1]
			} else {
				px = vb[off+c-1] + 1
			}
			py := px - c
			sx, sy := px, py
			for px < n && py < m && d.a[a1-1-px] == d.b[b1-1-py] {
				px++
				py++
			}
			d.steps -= px - sx
			vb[off+c] = px
			if k := delta - c; !odd && k >= -D && k <= D && px+vf[off+k] >= n {
				return a1 - px, b1 - py, a1 - sx, b1 - sy, true
			}
		}
	}
	return 0, 0, 0, 0, false // unreachable: the searches meet by maxD
}

// cleanupSemantic folds into the edits around it every equal stretch that is no longer
// than the larger side of the edit before it and of the edit after it (in characters),
// until none is left: Fraser's diff_cleanupSemantic. One pass with a stack suffices:
// folding a stretch only makes larger the edits next to the stretches around it, which
// are checked again.
func cleanupSemantic(blocks []block, a, b *tokens) []block {
	type sized struct {
		block
		eqLen, delLen, insLen int // in characters
	}
	larger := func(s sized) int { return max(s.delLen, s.insLen) }
	var stack []sized
	for _, k := range blocks {
		if k.equal() {
			stack = append(stack, sized{block: k, eqLen: a.chars(k.a, k.a+k.eq)})
			continue
		}
		cur := sized{block: k, delLen: a.chars(k.a, k.a+k.del), insLen: b.chars(k.b, k.b+k.ins)}
		for n := len(stack); n >= 2; n = len(stack) {
			e, x := stack[n-1], stack[n-2]
			if x.equal() || e.eqLen > larger(x) || e.eqLen > larger(cur) {
				break
			}
			cur = sized{
				block:  block{a: x.a, b: x.b, del: x.del + e.eq + cur.del, ins: x.ins + e.eq + cur.ins},
				delLen: x.delLen + e.eqLen + cur.delLen,
				insLen: x.insLen + e.eqLen + cur.insLen,
			}
			stack = stack[:n-2]
		}
		stack = append(stack, cur)
	}
	out := blocks[:0]
	for _, s := range stack {
		out = append(out, s.block)
	}
	return out
}

// shiftEdits slides each pure insertion or deletion that sits between equal stretches
// to where its edges best fall between words: at the ends of the text, on blank lines,
// line breaks, after a sentence, on spaces (Fraser's diff_cleanupSemanticLossless, on
// tokens). An equal stretch inside the text is never emptied, so the shape of the script
// stays the same.
func shiftEdits(blocks []block, a, b *tokens) {
	for i := range blocks {
		k := &blocks[i]
		if k.equal() || (k.del > 0 && k.ins > 0) {
			continue
		}
		var left, right *block
		if i > 0 {
			left = &blocks[i-1]
		}
		if i+1 < len(blocks) {
			right = &blocks[i+1]
		}
		if left == nil || right == nil {
			continue // an edit at an end of the text is already at its best
		}
		t, p, n := b, k.b, k.ins // the edited text, where the edit starts, its length
		if k.del > 0 {
			t, p, n = a, k.a, k.del
		}
		minLeft := 1
		if i == 1 {
			minLeft = 0 // the first stretch may vanish: the edit then starts the text
		}
		minRight := 1
		if i+2 == len(blocks) {
			minRight = 0
		}
		// Slide as far left as the tokens allow, then try each place to the right.
		back := 0
		for left.eq-back > minLeft && t.ids[p-back-1] == t.ids[p+n-back-1] {
			back++
		}
		fwd := 0
		for right.eq-fwd > minRight && t.ids[p+fwd] == t.ids[p+n+fwd] {
			fwd++
		}
		best, bestScore := 0, -1
		for s := -back; s <= fwd; s++ {
			if sc := t.edge(p+s) + t.edge(p+s+n); sc >= bestScore {
				best, bestScore = s, sc
			}
		}
		if best == 0 {
			continue
		}
		left.eq += best
		k.a += best
		k.b += best
		right.a += best
		right.b += best
		right.eq -= best
	}
}

// edge scores the boundary before token i as a place for an edit to start or end.
func (t *tokens) edge(i int) int {
	if i == 0 || i == len(t.ids) {
		return 6
	}
	x, y := t.text(i-1, i), t.text(i, i+1)
	cx, cy := tokenClass(x), tokenClass(y)
	switch {
	case strings.Count(x, "\n") >= 2 || strings.Count(y, "\n") >= 2:
		return 5
	case cx == space && strings.Contains(x, "\n") || cy == space && strings.Contains(y, "\n"):
		return 4
	case cx == other && cy == space:
		return 3
	case cx == space || cy == space:
		return 2
	case cx == other || cy == other:
		return 1
	}
	return 0
}

func tokenClass(tok string) int {
	r, n := utf8.DecodeRuneInString(tok)
	if r == utf8.RuneError && n <= 1 {
		return other
	}
	return classOf(r)
}

// render turns the script into runs of text.
func render(blocks []block, a, b *tokens) []Op {
	var ops []Op
	for _, k := range blocks {
		if k.eq > 0 {
			ops = append(ops, Op{Equal, a.text(k.a, k.a+k.eq)})
		}
		if k.del > 0 {
			ops = append(ops, Op{Delete, a.text(k.a, k.a+k.del)})
		}
		if k.ins > 0 {
			ops = append(ops, Op{Insert, b.text(k.b, k.b+k.ins)})
		}
	}
	return ops
}
