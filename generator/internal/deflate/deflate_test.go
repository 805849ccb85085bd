package deflate

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// sample is text that compresses as the bundle's and the open data's files do: records
// of words drawn from a vocabulary.
func sample() []byte {
	words := strings.Fields("proposta digitalizzazione servizi comune regione ministero " +
		"piattaforma dati aperti interoperabilità cittadini sicurezza cloud identità " +
		"pagamenti accessibilità formazione competenze infrastruttura rete open aperta")
	rng := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&b, `{"id":"p-%05d","title":"`, rng.IntN(100000))
		for j := range 3 + rng.IntN(8) {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		fmt.Fprintf(&b, `","votes":%d,"status":"%s"},`+"\n", rng.IntN(500), []string{"open", "accepted", "rejected"}[i%3])
	}
	return []byte(b.String())
}

func TestWhatItWritesInflatesBackWithTheStandardLibrary(t *testing.T) {
	data := sample()
	var enc Encoder
	a, err := enc.Compress(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Compress([]byte("something else in between")); err != nil {
		t.Fatal(err)
	}
	b, err := enc.Compress(data) // a reused encoder writes the same bytes
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("a reused encoder wrote other bytes")
	}
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(a)))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("inflated %d bytes (%v), want the %d written", len(got), err, len(data))
	}
	// as small as the standard library's default level, within 3%
	var std bytes.Buffer
	sw, _ := flate.NewWriter(&std, flate.DefaultCompression)
	sw.Write(data)
	sw.Close()
	if len(a) > std.Len()*103/100 {
		t.Errorf("%d bytes, the standard library %d", len(a), std.Len())
	}
}

func TestNameSaysTheLevel(t *testing.T) {
	if n := Name(); !strings.Contains(n, "klauspost/compress") || !strings.HasSuffix(n, " level 8") {
		t.Fatalf("Name() = %q", n)
	}
}
