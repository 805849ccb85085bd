package textdiff

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// show writes ops as old [-deleted-]{+inserted+} text, as in the golden files of the
// changes pages.
func show(ops []Op) string {
	var b strings.Builder
	for _, op := range ops {
		switch op.Kind {
		case Delete:
			b.WriteString("[-" + op.Text + "-]")
		case Insert:
			b.WriteString("{+" + op.Text + "+}")
		default:
			b.WriteString(op.Text)
		}
	}
	return b.String()
}

// checkOps reports how ops break the contract of Words for old and new.
func checkOps(t *testing.T, old, new string, ops []Op) {
	t.Helper()
	var o, n strings.Builder
	for i, op := range ops {
		if op.Text == "" {
			t.Errorf("run %d is empty: %q", i, show(ops))
		}
		if i > 0 && ops[i-1].Kind == op.Kind {
			t.Errorf("runs %d and %d have the same kind %d: %q", i-1, i, op.Kind, show(ops))
		}
		if i > 0 && ops[i-1].Kind == Insert && op.Kind == Delete {
			t.Errorf("run %d, an insertion, comes before a deletion: %q", i-1, show(ops))
		}
		switch op.Kind {
		case Equal:
			o.WriteString(op.Text)
			n.WriteString(op.Text)
		case Delete:
			o.WriteString(op.Text)
		case Insert:
			n.WriteString(op.Text)
		default:
			t.Errorf("run %d has kind %d", i, op.Kind)
		}
	}
	if o.String() != old {
		t.Errorf("equal and deleted runs give %q, want the old text %q", o.String(), old)
	}
	if n.String() != new {
		t.Errorf("equal and inserted runs give %q, want the new text %q", n.String(), new)
	}
}

func TestWordsReadsNaturally(t *testing.T) {
	for _, c := range []struct{ name, old, new, want string }{
		{"equal", "uno due", "uno due", "uno due"},
		{"both empty", "", "", ""},
		{"from nothing", "", "Nuovo testo.", "{+Nuovo testo.+}"},
		{"to nothing", "Vecchio testo.", "", "[-Vecchio testo.-]"},
		{"one word replaced", "a b c", "a x c", "a [-b-]{+x+} c"},
		{"one word inserted", "a b", "a x b", "a {+x +}b"},
		{"one word deleted", "a x b", "a b", "a [-x -]b"},
		{"sentence rewritten", "the quick brown fox", "a slow red dog",
			"[-the quick brown fox-]{+a slow red dog+}"},
		{"words are not split", "Digitalizzare i servizi", "Digitalizzazione dei servizi",
			"[-Digitalizzare i-]{+Digitalizzazione dei+} servizi"},
		{"italian accents are letters", "L'attività è finita.", "L'attività non è finita.",
			"L'attività {+non +}è finita."},
		{"decomposed accents stay in their word", "citta\u0300 e paese", "citta\u0300 o paese",
			"citta\u0300 [-e-]{+o+} paese"},
		{"sentence appended", "Fine.", "Fine. Altro testo.", "Fine.{+ Altro testo.+}"},
		{"paragraph inserted", "Uno.\n\nDue.", "Uno.\n\nNuovo.\n\nDue.", "Uno.\n\n{+Nuovo.\n\n+}Due."},
		{"number changed", "target 80%", "target 90%", "target [-80-]{+90+}%"},
		{"short equal kept between long edits", "alpha beta gamma", "delta beta epsilon",
			"[-alpha-]{+delta+} beta [-gamma-]{+epsilon+}"},
		{"invalid utf-8 kept", "a \xff b", "a \xfe b", "a [-\xff-]{+\xfe+} b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ops := Words(c.old, c.new)
			checkOps(t, c.old, c.new, ops)
			if got := show(ops); got != c.want {
				t.Errorf("Words(%q, %q) = %q, want %q", c.old, c.new, got, c.want)
			}
		})
	}
}

func TestWordsSymmetric(t *testing.T) {
	for _, c := range [][2]string{
		{"a b c", "a x c"},
		{"one two three four", "one three two four"},
		{"Uno.\n\nDue.", "Uno.\n\nNuovo.\n\nDue."},
		{"", "x"},
	} {
		ab, ba := Words(c[0], c[1]), Words(c[1], c[0])
		if got, want := show(mirror(ba)), show(ab); got != want {
			t.Errorf("Words(%q, %q) mirrored = %q, want %q", c[1], c[0], got, want)
		}
	}
}

func TestTokenize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"L'attività, però: 3,5 km\n\nok", []string{"L", "'", "attività", ",", " ", "però", ":", " ", "3", ",", "5", " ", "km", "\n\n", "ok"}},
		{"e\u0301te\u0301 \t x", []string{"e\u0301te\u0301", " \t ", "x"}},
		{"a\xff\xfeb", []string{"a", "\xff", "\xfe", "b"}},
		{"«ciao»—", []string{"«", "ciao", "»", "—"}},
	} {
		tok := tokenize(c.in)
		var got []string
		for i := range tok.end {
			got = append(got, tok.text(i, i+1))
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("tokenize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestMyersFindsLongestCommonSubsequence checks the core algorithm, before cleanup,
// against dynamic programming on small random token sequences.
func TestMyersFindsLongestCommonSubsequence(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		alphabet := 2 + i%12 // few distinct tokens make many equally good paths
		a := randomIDs(r, r.IntN(60), alphabet)
		b := randomIDs(r, r.IntN(60), alphabet)
		if i%3 == 0 { // a few edits of a
			b = slices.Clone(a)
			for range r.IntN(4) {
				if len(b) > 0 {
					b[r.IntN(len(b))] = int32(r.IntN(alphabet))
				}
			}
		}
		d := &differ{a: a, b: b, steps: budget}
		blocks := d.run()
		equal, ai, bi := 0, 0, 0
		for _, k := range blocks {
			for j := range k.eq {
				if a[ai+j] != b[bi+j] {
					t.Fatalf("a=%v b=%v: equal block %+v pairs %d with %d", a, b, k, a[ai+j], b[bi+j])
				}
			}
			if k.a != ai || k.b != bi {
				t.Fatalf("a=%v b=%v: block %+v starts at %d,%d, want %d,%d", a, b, k, k.a, k.b, ai, bi)
			}
			equal += k.eq
			ai += k.eq + k.del
			bi += k.eq + k.ins
		}
		if ai != len(a) || bi != len(b) {
			t.Fatalf("a=%v b=%v: script covers %d,%d tokens", a, b, ai, bi)
		}
		if want := lcs(a, b); equal != want {
			t.Fatalf("a=%v b=%v: %d equal tokens, want %d (%+v)", a, b, equal, want, blocks)
		}
	}
}

func randomIDs(r *rand.Rand, n, alphabet int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(r.IntN(alphabet))
	}
	return ids
}

func lcs(a, b []int32) int {
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	return l[0][0]
}

// adversarial returns two texts of about size bytes each with no token in common
// except the spaces, so that Myers' algorithm would need about size² steps.
func adversarial(size int) (old, new string) {
	var a, b strings.Builder
	for i := 0; a.Len() < size; i++ {
		a.WriteString("x ")
		if i%2 == 0 {
			b.WriteString("y ")
		} else {
			b.WriteString("z ")
		}
	}
	return "inizio " + a.String() + " fine", "inizio " + b.String() + " fine"
}

func TestWordsPastBudgetReplacesTheMiddle(t *testing.T) {
	old, new := adversarial(1 << 20)
	ops := Words(old, new)
	checkOps(t, old, new, ops)
	if len(ops) != 4 || ops[0].Text != "inizio " || ops[1].Kind != Delete || ops[2].Kind != Insert || ops[3].Kind != Equal {
		var kinds []Kind
		for _, op := range ops {
			kinds = append(kinds, op.Kind)
		}
		t.Errorf("got %d runs of kinds %v, want the common beginning, the middle deleted and inserted, the common end", len(ops), kinds)
	}
}

func TestWordsLargeSimilarTextsDiffed(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 1<<20; i++ {
		b.WriteString("Parola numero ")
		b.WriteString(strings.Repeat("x", i%7+1))
		b.WriteString(". ")
	}
	old := b.String()
	new := strings.Replace(old, "Parola numero xxx.", "Parola cambiata xxx.", 1)
	mid := len(new)/2 + strings.Index(new[len(new)/2:], "Parola")
	new = new[:mid] + "Inserito. " + new[mid:]
	ops := Words(old, new)
	checkOps(t, old, new, ops)
	if len(ops) != 6 || ops[4].Text != " Inserito." {
		t.Errorf("got %d runs, want 6: a word replaced, a sentence inserted", len(ops))
	}
}

func BenchmarkWords(b *testing.B) {
	para := "L'attività di digitalizzazione dei servizi pubblici prosegue secondo il piano triennale, con la migrazione al cloud delle amministrazioni locali. "
	var sb strings.Builder
	for sb.Len() < 8<<10 {
		sb.WriteString(para)
	}
	old := sb.String()
	new := strings.Replace(old, "prosegue secondo", "continua come previsto dal", 3)
	b.Run("8KiB-edited", func(b *testing.B) {
		b.SetBytes(int64(len(old) + len(new)))
		for b.Loop() {
			Words(old, new)
		}
	})
	old1, new1 := adversarial(1 << 20)
	b.Run("1MiB-adversarial", func(b *testing.B) {
		b.SetBytes(int64(len(old1) + len(new1)))
		for b.Loop() {
			Words(old1, new1)
		}
	})
	r := rand.New(rand.NewPCG(3, 4))
	rnd := func() string {
		buf := make([]byte, 1<<20)
		for i := range buf {
			buf[i] = "ab .\n"[r.IntN(5)]
		}
		return string(buf)
	}
	old2, new2 := rnd(), rnd()
	b.Run("1MiB-random", func(b *testing.B) {
		b.SetBytes(int64(len(old2) + len(new2)))
		for b.Loop() {
			Words(old2, new2)
		}
	})
}

// FuzzWords checks the contract of Words on arbitrary texts: the runs rebuild both texts,
// none is empty, no two neighbours have the same kind, and swapping the texts mirrors
// the result. Seeds are in testdata/fuzz/FuzzWords.
func FuzzWords(f *testing.F) {
	f.Add("a b c", "a x c")
	f.Add("L'attività è finita.", "L'attività non è finita.")
	f.Fuzz(func(t *testing.T, old, new string) {
		ops := Words(old, new)
		checkOps(t, old, new, ops)
		if old == new && len(ops) > 1 {
			t.Errorf("equal texts give %d runs", len(ops))
		}
		if got, want := show(mirror(Words(new, old))), show(ops); got != want {
			t.Errorf("Words(new, old) mirrored = %q, want %q", got, want)
		}
		if utf8.ValidString(old) && utf8.ValidString(new) {
			for _, op := range ops {
				if !utf8.ValidString(op.Text) {
					t.Errorf("run %q of valid texts is not valid UTF-8", op.Text)
				}
			}
		}
	})
}
