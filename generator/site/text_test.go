package site

import (
	"crypto/sha256"
	"os"
	"strings"
	"testing"
)

// withFiledTexts runs f with the texts PackText compresses held in memory, then filed in
// the texts' file (as in pspm build), and leaves the switch as it found it.
func withFiledTexts(t *testing.T, f func(t *testing.T, filed bool)) {
	was := texts.on.Load()
	defer texts.on.Store(was)
	for _, filed := range []bool{false, true} {
		texts.on.Store(filed)
		name := "in memory"
		if filed {
			name = "filed"
		}
		t.Run(name, func(t *testing.T) { f(t, filed) })
	}
}

// TestPackedTextsReadAsTheyWereWritten: a packed text is held in fewer bytes (or only
// its place in the texts' file) and read back whole; a short one is held as it is;
// SetText and CopyText keep what they are given.
func TestPackedTextsReadAsTheyWereWritten(t *testing.T) {
	withFiledTexts(t, func(t *testing.T, filed bool) {
		long := strings.Repeat("La piattaforma digitale nazionale dei dati favorisce l'interoperabilità tra enti. ", 60) + "È così."
		for _, text := range []string{long, "Breve.", "", strings.Repeat("x", minPacked-1), strings.Repeat("ü", minPacked)} {
			var it Item
			md := []byte(text)
			it.PackText(md)
			copy(md, strings.Repeat("#", len(md))) // PackText copied what it was given
			if got := it.Text(); got != text {
				t.Fatalf("PackText(%.20q…): Text() = %.20q…", text, got)
			}
			if got := string(it.AppendText([]byte("prima|"))); got != "prima|"+text {
				t.Fatalf("AppendText: %.30q…", got)
			}
			held, form := it.HeldText()
			want := TextPlain
			if len(text) >= minPacked {
				want = TextPacked
				if filed {
					want = TextFiled
				}
			}
			if form != want {
				t.Errorf("text of %d bytes: held as %d, want %d", len(text), form, want)
			}
			switch {
			case form == TextPacked && len(held) >= len(text)/2:
				t.Errorf("text of %d bytes held in %d", len(text), len(held))
			case form == TextFiled && len(held) != sha256.Size:
				t.Errorf("filed text's key of %d bytes", len(held))
			case form == TextFiled && len(it.text.s) != refLen:
				t.Errorf("filed text held in %d bytes", len(it.text.s))
			}
			if !it.TextUnpacks() {
				t.Errorf("TextUnpacks false for a text PackText made")
			}
			var c Item
			c.CopyText(&it)
			if c.Text() != text || c.text != it.text {
				t.Errorf("CopyText did not copy the text as held")
			}
			c.SetText("altro")
			if h, f := c.HeldText(); c.Text() != "altro" || h != "altro" || f != TextPlain {
				t.Errorf("SetText: %q %q %v", c.Text(), h, f)
			}
		}
	})
}

// TestPackingIsDeterministic: the same text always packs to the same bytes (input keys
// and the content cache hold them), from many goroutines at once, and two texts that
// differ are held differently.
func TestPackingIsDeterministic(t *testing.T) {
	withFiledTexts(t, func(t *testing.T, filed bool) {
		text := []byte(strings.Repeat("Il comune di Reggio Emilia propone un sportello unico digitale. ", 100))
		var first Item
		first.PackText(text)
		want, _ := first.HeldText()
		done := make(chan string)
		for range 8 {
			go func() {
				var it Item
				it.PackText(text)
				if it.Text() != string(text) {
					done <- "not read back"
					return
				}
				held, _ := it.HeldText()
				done <- held
			}()
		}
		for range 8 {
			if got := <-done; got != want {
				t.Fatal("the same text packed to different bytes")
			}
		}
		var other Item
		other.PackText(append(text, '!'))
		if held, _ := other.HeldText(); held == want {
			t.Error("two texts held the same")
		}
	})
}

// TestDamagedPackedTextIsTold: bytes that do not decompress are told by TextUnpacks
// (the content cache then reads the file again) instead of failing a page later.
func TestDamagedPackedTextIsTold(t *testing.T) {
	var it Item
	it.PackText([]byte(strings.Repeat("Testo della proposta. ", 50)))
	z := it.text.s
	if it.text.how == TextFiled {
		var put func()
		z, put = readFiled(z)
		z = strings.Clone(z)
		put()
	}
	for _, damaged := range []string{"garbage", z[:len(z)/2], z[:4] + "\xff\xff\xff\xff" + z[8:]} {
		d := it
		d.text = heldText{s: damaged, how: TextPacked}
		if d.TextUnpacks() {
			t.Errorf("TextUnpacks true for %q", damaged)
		}
		// Read back from a content cache, into the texts' file: told the same.
		var h heldText
		if err := h.UnmarshalBinary(append([]byte{byte(TextPacked)}, damaged...)); err != nil {
			t.Fatal(err)
		}
		d.text = h
		if d.TextUnpacks() {
			t.Errorf("TextUnpacks true for %q read back (held as %d)", damaged, h.how)
		}
	}
}

// TestHeldTextsStoreAndReadBack: the content cache's form of a text (AppendBinary) reads
// back (UnmarshalBinary) as the same text, a filed one as its compressed bytes, which a
// process without the texts' file holds in memory; a form it does not know is refused.
func TestHeldTextsStoreAndReadBack(t *testing.T) {
	long := strings.Repeat("Proposta di un catalogo condiviso delle API. ", 40)
	withFiledTexts(t, func(t *testing.T, filed bool) {
		for _, text := range []string{long, "breve", ""} {
			var it Item
			it.PackText([]byte(text))
			b, err := it.text.AppendBinary([]byte("prefix"))
			if err != nil || !strings.HasPrefix(string(b), "prefix") {
				t.Fatalf("AppendBinary: %q, %v", b, err)
			}
			if TextForm(b[6]) == TextFiled {
				t.Fatal("a filed text stored as its place in this process's file")
			}
			for _, fileNow := range []bool{false, true} {
				texts.on.Store(fileNow)
				var back Item
				if err := back.text.UnmarshalBinary(b[6:]); err != nil {
					t.Fatal(err)
				}
				if back.Text() != text || !back.TextUnpacks() {
					t.Errorf("read back as %.20q…", back.Text())
				}
				if _, form := back.HeldText(); len(text) >= minPacked && form != map[bool]TextForm{false: TextPacked, true: TextFiled}[fileNow] {
					t.Errorf("read back held as %d with the texts' file %v", form, fileNow)
				}
			}
			texts.on.Store(filed)
		}
	})
	var h heldText
	for _, bad := range [][]byte{nil, {}, {7, 'x'}, {byte(TextFiled), 1, 2, 3}} {
		if err := h.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%q) took it", bad)
		}
	}
}

// TestTextsFileLeavesNothing: the texts' file is removed as soon as it is made, and a
// file that cannot be made leaves the texts in memory.
func TestTextsFileLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	var f textFile
	f.on.Store(true)
	z := []byte(strings.Repeat("z", 1000))
	if _, ok := f.put(z); !ok {
		t.Fatal("the texts' file took nothing")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left in TMPDIR: %v", entries)
	}
	_ = f.f.Close()

	t.Setenv("TMPDIR", dir+"/missing")
	var g textFile
	g.on.Store(true)
	if _, ok := g.put(z); ok {
		t.Error("a text filed where no file can be made")
	}
	var off textFile
	if _, ok := off.put(z); ok {
		t.Error("a text filed with FileTexts not called")
	}
}

// FuzzHeldText: any bytes a content cache may hold for a text (a damaged or forged cache)
// are refused, or read back as a text that TextUnpacks tells decompresses or not; one that
// does gives its text, and stores and reads back as the same text, filed or not.
func FuzzHeldText(f *testing.F) {
	var it Item
	it.PackText([]byte(strings.Repeat("Una proposta per il riuso del software. ", 20)))
	b, _ := it.text.AppendBinary(nil)
	f.Add(b)
	f.Add([]byte{byte(TextPlain), 'a'})
	f.Add([]byte{byte(TextPacked), 0x28, 0xb5, 0x2f, 0xfd, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		withFiledTexts(t, func(t *testing.T, _ bool) {
			var it Item
			if err := it.text.UnmarshalBinary(data); err != nil {
				return
			}
			if !it.TextUnpacks() {
				return
			}
			text := it.Text()
			stored, err := it.text.AppendBinary(nil)
			if err != nil {
				t.Fatal(err)
			}
			var back Item
			if err := back.text.UnmarshalBinary(stored); err != nil || back.Text() != text {
				t.Fatalf("stored and read back: %v, %.30q against %.30q", err, back.Text(), text)
			}
		})
	})
}
