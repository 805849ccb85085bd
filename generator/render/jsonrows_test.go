package render

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// jsonSamples are strings that take every path of appendJSONString: plain ASCII, the
// characters json.Marshal escapes, Italian letters, the line and paragraph separators,
// invalid UTF-8.
var jsonSamples = []string{"", "m_ef", "proposte/sanità-digitale", "Perché è così", `a "quoted" \ back`, "<script>&amp;",
	"tab\tnew\nline\r", "\x00\x1f", "sep\u2028par\u2029", "bad \xff\xfe utf-8", "emoji 🇮🇹", "2025-06-02T08:01:00Z", "#12"}

func randomJSONString(rng *rand.Rand) string {
	if rng.IntN(3) == 0 {
		return jsonSamples[rng.IntN(len(jsonSamples))]
	}
	var b strings.Builder
	for range rng.IntN(12) {
		if rng.IntN(2) == 0 {
			b.WriteString(jsonSamples[rng.IntN(len(jsonSamples))])
		} else {
			b.WriteByte(byte(rng.IntN(256)))
		}
	}
	return b.String()
}

// TestAppendVoteJSONIsJSONMarshal: appendVoteJSON writes the bytes json.Marshal writes, for
// rows whose every field is set (a field added to voteJSON and not to appendVoteJSON
// fails here), with or without a priority and a moderation.
func TestAppendVoteJSONIsJSONMarshal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		var v voteJSON
		rv := reflect.ValueOf(&v).Elem()
		for f := range rv.NumField() {
			switch fv := rv.Field(f); fv.Kind() {
			case reflect.String:
				fv.SetString(randomJSONString(rng))
			case reflect.Bool:
				fv.SetBool(rng.IntN(2) == 0)
			case reflect.Pointer:
				if i%3 == 0 {
					continue // nil
				}
				p := reflect.New(fv.Type().Elem())
				switch e := p.Interface().(type) {
				case *int:
					*e = rng.IntN(11) - 5
				case *moderationJSON:
					*e = moderationJSON{ID: randomJSONString(rng), Rule: randomJSONString(rng), Date: "2025-06-02", Reason: randomJSONString(rng), URL: randomJSONString(rng)}
				default:
					t.Fatalf("voteJSON has a field of type %s this test does not fill", fv.Type())
				}
				fv.Set(p)
			default:
				t.Fatalf("voteJSON has a field of kind %s this test does not fill", fv.Kind())
			}
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendVoteJSON(nil, &v); string(got) != string(want) {
			t.Fatalf("appendVoteJSON(%+v)\n got %s\nwant %s", v, got, want)
		}
	}
}

// TestJSONEachWritesTheArrayOfJSONMarshal: the rows of jsonEach and jsonRows are
// json.Marshal's array, one element per line.
func TestJSONEachWritesTheArrayOfJSONMarshal(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		var b strings.Builder
		if err := jsonEach(&b, n, func(i int) any { return jsonSamples[i] }); err != nil {
			t.Fatal(err)
		}
		var got []string
		if err := json.Unmarshal([]byte(b.String()), &got); err != nil || len(got) != n {
			t.Fatalf("jsonEach of %d: %q (%v)", n, b.String(), err)
		}
		want, _ := json.Marshal(jsonSamples[:n])
		if strings.ReplaceAll(b.String(), "\n", "") != string(want) {
			t.Errorf("jsonEach of %d: %q, want the lines of %s", n, b.String(), want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
			t.Fatalf("appendJSONString(%q) = %s, want %s", s, got[1:], want)
		}
	})
}
