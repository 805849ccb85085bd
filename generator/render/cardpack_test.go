package render

import (
	"fmt"
	"strings"
	"testing"
)

// TestCardPackerGivesBackEachCard: the first dictCards cards are held as they are, the
// others compressed, each given back whole; bytes that are not a card it compressed
// (cut, or changed) give an empty card and an error for the render, never a panic.
func TestCardPackerGivesBackEachCard(t *testing.T) {
	p := &cardPacker{}
	defer p.close()
	card := func(i int) string {
		return fmt.Sprintf(`<article class="card"><h3><a href="/proposals/p-%d/">Proposta %d</a></h3><p>%s</p></article>`, i, i, strings.Repeat("testo ", i%50))
	}
	var packed []string
	for i := range 200 {
		z, ok := p.pack([]byte(card(i)))
		if ok != (i >= dictCards) {
			t.Fatalf("card %d: compressed %v", i, ok)
		}
		if ok {
			if len(z) >= len(card(i)) {
				t.Errorf("card %d: %d bytes compressed, %d whole", i, len(z), len(card(i)))
			}
			packed = append(packed, string(z))
		}
	}
	for i, z := range packed {
		if got := p.unpack(z); got != card(i+dictCards) {
			t.Fatalf("card %d: got %q", i+dictCards, got)
		}
	}
	if err := p.failed(); err != nil {
		t.Fatal(err)
	}
	if _, ok := p.pack(make([]byte, maxCard+1)); ok {
		t.Error("a card larger than unpack gives back was compressed")
	}
	for _, bad := range []string{"", "\x05", packed[0][:len(packed[0])/2], "\x01" + packed[0][1:], packed[0] + "x"} {
		if got := p.unpack(bad); got != "" {
			t.Errorf("%q read back as %q", bad, got)
		}
	}
	if p.failed() == nil {
		t.Error("cards that cannot be read back did not fail the render")
	}
}
