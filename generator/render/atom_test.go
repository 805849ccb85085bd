package render

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// encodeAtomXML is how feeds were written before atomFeed.write: encoding/xml, indented.
func encodeAtomXML(t *testing.T, f atomFeed) string {
	t.Helper()
	var b bytes.Buffer
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAtomWriterWritesWhatEncodingXMLWrites compares the hand-written feed writer with
// encoding/xml on feeds with empty and optional fields and with text that needs escaping.
func TestAtomWriterWritesWhatEncodingXMLWrites(t *testing.T) {
	tricky := []string{"", "plain", `a "b" 'c' & <d> e`, "tab\tnl\ncr\r", "nul\x00ctl\x01\x1f", "bad \xff\xfe utf8 \uFFFD", "città – perché ☃ 😀", "]]>", "\ufffe\uffff"}
	for i, s := range tricky {
		u := tricky[(i+3)%len(tricky)]
		f := atomFeed{Lang: s, ID: u, Title: s, Updated: "2025-01-01T00:00:00Z", Gen: u,
			Links: []atomLink{{Rel: "self", Href: s, Type: "application/atom+xml"}, {Href: u}, {Rel: s, Href: s, Type: u}}}
		for k := range 3 {
			e := atomEntry{ID: s, Title: u, Updated: s, Link: atomLink{Rel: "alternate", Href: u}, Author: atomAuthor{Name: s},
				Summary: tricky[(i+k)%len(tricky)], Content: atomText{Type: tricky[(i+2*k)%len(tricky)], Body: "<p>" + s + u + "</p>"}}
			for c := range k {
				e.Category = append(e.Category, atomCat{Term: tricky[(i+c)%len(tricky)]})
			}
			f.Entries = append(f.Entries, e)
		}
		if i%4 == 0 {
			f.Entries, f.Links = nil, nil
		}
		want := encodeAtomXML(t, f)
		var b bytes.Buffer
		f.write(&b)
		if got := b.String(); got != want {
			t.Errorf("feed %d:\ngot  %q\nwant %q", i, got, want)
		}
	}
}

// FuzzXMLTextIsEscapeText: a feed's text is written as encoding/xml's EscapeText writes
// it, for any string: markup, control characters, runes XML does not allow, bytes that
// are not UTF-8.
func FuzzXMLTextIsEscapeText(f *testing.F) {
	for _, s := range []string{"", "plain", `<a href="x">'&'</a>`, "\t\n\r\x00\x01\x1f", "\xff\xfe", "\uFFFD\uFFFE\uFFFF", "\U0010FFFF\ud7ff\ue000", "città & più", "\xed\xa0\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want, got bytes.Buffer
		_ = xml.EscapeText(&want, []byte(s))
		xmlText(&got, s)
		if got.String() != want.String() {
			t.Fatalf("xmlText(%q) = %q, want %q", s, got.String(), want.String())
		}
	})
}
