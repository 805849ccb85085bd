package render

import (
	"bytes"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/site"
)

// everyKind is a struct with a field of every kind fields reads at its offset, of named
// types, unexported, and of every other kind value encodes (which fields gives it).
type everyKind struct {
	S     string
	sec   site.Section
	B     bool
	I     int
	I8    int8
	I16   int16
	I32   int32
	I64   int64
	U     uint
	U8    uint8
	U16   uint16
	U32   uint32
	U64   uint64
	UP    uintptr
	F     float64
	T     time.Time
	P     *everyKind
	L     []string
	Bytes []byte
	M     map[string]int
	A     [2]string
	N     nested
	n     plain // unexported: value reads it, but could not read a time in it
	X     any
}

type plain struct {
	Name string
	On   bool
	K    int16
}

type nested struct {
	Name string
	On   bool
	When time.Time
}

func encodeWays(t *testing.T, v any) (fast, generic []byte) {
	t.Helper()
	run := func(slow bool) []byte {
		e := &encoder{generic: slow}
		if !e.value(reflect.ValueOf(v), 0) {
			t.Fatalf("%T cannot be encoded (generic %v)", v, slow)
		}
		if e.h != nil {
			t.Fatalf("%T: the encoding was flushed to the hash; the test needs its bytes", v)
		}
		return e.b
	}
	return run(false), run(true)
}

// TestFastFieldsAreValuesBytes: a struct's fields read at their offsets (fields) are the
// bytes value writes for them one by one, for every kind, named and unexported fields,
// nested and pointed-to structs, zero values and others.
func TestFastFieldsAreValuesBytes(t *testing.T) {
	day := time.Date(2025, 6, 2, 8, 1, 0, 0, time.UTC)
	full := &everyKind{S: "proposta", sec: site.Proposals, B: true, I: -7, I8: -8, I16: 300, I32: -70000, I64: 1 << 40,
		U: 7, U8: 255, U16: 65535, U32: 1 << 31, U64: 1 << 63, UP: 9, F: 0.5, T: day, L: []string{"a", ""}, Bytes: []byte("raw"),
		M: map[string]int{"b": 2, "a": 1}, A: [2]string{"x", "y"}, N: nested{"n", true, day}, n: plain{"hidden", true, -3}, X: 3}
	full.P = &everyKind{S: "inner", I: 1, N: nested{Name: "deep"}}
	for name, v := range map[string]any{"zero": &everyKind{}, "full": full, "nested": &nested{"x", true, day}} {
		fast, generic := encodeWays(t, v)
		if !bytes.Equal(fast, generic) {
			t.Errorf("%s: fields wrote\n%x\nvalue writes\n%x", name, fast, generic)
		}
	}
	// And the fast path is taken: a field changed changes the bytes (of both).
	a, _ := encodeWays(t, &everyKind{I32: 1})
	b, _ := encodeWays(t, &everyKind{I32: 2})
	if bytes.Equal(a, b) {
		t.Error("two structs that differ in a field have the same encoding")
	}
}

// TestFastFieldsKeepTheInputEncodings: the input encoding of items and votes, with their
// entities and the votes' memo, is the same with and without the fields' plans.
func TestFastFieldsKeepTheInputEncodings(t *testing.T) {
	body := &site.Body{Item: site.Item{ID: "c_h223"}, Name: "Comune di Reggio Emilia"}
	p := &site.Proposal{Item: site.Item{ID: "p1", Section: site.Proposals, Text: "Testo.", TextLine: 6}, Title: "Proposta", Status: "open", Tags: []string{"dati"}}
	v := &site.Verdict{Counted: true, Member: "Anna Rossi"}
	for i, voter := range []string{"c_h223", "m_ef", "r_emiro"} {
		rc := &site.Reaction{Vote: "support", Priority: i + 1, Voter: voter, ItemKey: "proposals/p1", VoterBody: body, On: &p.Item, Verdict: v,
			Origin: &site.Origin{Commit: "abc", AuthorName: "Anna", Landed: time.Date(2025, 6, 2, 0, 0, 0, 0, time.UTC)}}
		p.Reactions = append(p.Reactions, rc)
	}
	p.Tally = site.Tally{Support: 3}
	for _, memo := range []bool{false, true} {
		sums := map[bool]*encodedInput{}
		for _, generic := range []bool{false, true} {
			in := newInputs(nil)
			in.votes, in.generic = memo, generic
			sums[generic] = in.encoded(inputID{"item", unsafe.Pointer(&p.Item), 0}, &p.Item, false, reflect.ValueOf(p).Elem(), in.voteMemo())
		}
		if f, g := sums[false], sums[true]; !f.ok || !g.ok || f.sum != g.sum || len(f.refs) != len(g.refs) {
			t.Errorf("memo %v: with the plans %x (%v, %d entities), without %x (%v, %d)", memo, f.sum, f.ok, len(f.refs), g.sum, g.ok, len(g.refs))
		}
	}
}
