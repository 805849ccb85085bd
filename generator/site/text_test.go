package site

import (
	"strings"
	"testing"
)

// TestPackedTextsReadAsTheyWereWritten: a packed text is held in fewer bytes and read
// back whole; a short one is held as it is; SetText and CopyText keep what they are given.
func TestPackedTextsReadAsTheyWereWritten(t *testing.T) {
	long := strings.Repeat("La piattaforma digitale nazionale dei dati favorisce l'interoperabilità tra enti. ", 60) + "È così."
	for _, text := range []string{long, "Breve.", "", strings.Repeat("x", minPacked-1), strings.Repeat("ü", minPacked)} {
		var it Item
		md := []byte(text)
		it.PackText(md)
		copy(md, strings.Repeat("#", len(md))) // PackText copied what it was given
		if got := it.Text(); got != text {
			t.Fatalf("PackText(%.20q…): Text() = %.20q…", text, got)
		}
		held, packed := it.HeldText()
		if packed != (len(text) >= minPacked) {
			t.Errorf("text of %d bytes: packed %v", len(text), packed)
		}
		if packed && len(held) >= len(text)/2 {
			t.Errorf("text of %d bytes held in %d", len(text), len(held))
		}
		if !it.TextUnpacks() {
			t.Errorf("TextUnpacks false for a text PackText made")
		}
		var c Item
		c.CopyText(&it)
		if c.Text() != text || c.text != it.text || c.packed != it.packed {
			t.Errorf("CopyText did not copy the text as held")
		}
		c.SetText("altro")
		if h, p := c.HeldText(); c.Text() != "altro" || h != "altro" || p {
			t.Errorf("SetText: %q %q %v", c.Text(), h, p)
		}
	}
}

// TestPackingIsDeterministic: the same text always packs to the same bytes (input keys
// and the content cache hold them), from many goroutines at once.
func TestPackingIsDeterministic(t *testing.T) {
	text := []byte(strings.Repeat("Il comune di Reggio Emilia propone un sportello unico digitale. ", 100))
	var first Item
	first.PackText(text)
	done := make(chan string)
	for range 8 {
		go func() {
			var it Item
			it.PackText(text)
			done <- it.text
		}()
	}
	for range 8 {
		if got := <-done; got != first.text {
			t.Fatal("the same text packed to different bytes")
		}
	}
}

// TestDamagedPackedTextIsTold: bytes that do not decompress are told by TextUnpacks
// (the content cache then reads the file again) instead of failing a page later.
func TestDamagedPackedTextIsTold(t *testing.T) {
	var it Item
	it.PackText([]byte(strings.Repeat("Testo della proposta. ", 50)))
	for _, damaged := range []string{"garbage", it.text[:len(it.text)/2], it.text[:4] + "\xff\xff\xff\xff" + it.text[8:]} {
		d := it
		d.text = damaged
		if d.TextUnpacks() {
			t.Errorf("TextUnpacks true for %q", damaged)
		}
	}
}
