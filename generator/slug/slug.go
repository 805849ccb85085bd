// Package slug turns names into URL-safe identifiers, the one way pspm does it everywhere:
// tag pages, heading anchors and the file names that `pspm new` suggests.
package slug

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Make lowers s, removes accents, keeps ASCII letters, digits and _, and turns every other
// run of characters into one -, trimmed at both ends and cut to 100 bytes.
// "Città metropolitana di Bologna" becomes "citta-metropolitana-di-bologna".
func Make(s string) string {
	if out, ok := makeASCII(s); ok {
		return out
	}
	if out, ok := made.Load(s); ok {
		return out.(string)
	}
	out := makeAny(s)
	if made.n.Add(1) > madeMax { // a bound for a long pspm serve: start again
		made.Clear()
		made.n.Store(0)
	}
	made.Store(s, out)
	return out
}

// made remembers the slugs of names that are not ASCII, which Unicode normalisation
// makes slow: the same tags are made slugs of for every item on every model rebuild.
var made struct {
	sync.Map
	n atomic.Int64
}

const madeMax = 1 << 16

// makeASCII is Make for a string of ASCII characters (ok is false for any other): ASCII
// has no accents to remove, so it needs neither Unicode normalisation nor tables, and a
// string that already is its slug (a tag such as "cloud-nativo") is returned as it is.
// Tags are made slugs of for every item on every build.
func makeASCII(s string) (string, bool) {
	slug := len(s) > 0 && len(s) <= 100
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80:
			return "", false
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			slug = slug && i > 0 && i < len(s)-1 && s[i-1] != '-'
		default:
			slug = false
		}
	}
	if slug {
		return s, true
	}
	b := make([]byte, 0, len(s))
	dash := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '_':
			b = append(b, c)
			dash = false
		default:
			if !dash && len(b) > 0 {
				b = append(b, '-')
				dash = true
			}
		}
	}
	out := strings.Trim(string(b), "-_")
	if len(out) > 100 {
		out = strings.Trim(out[:100], "-_")
	}
	return out, true
}

// makeAny is Make for any string.
func makeAny(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '_':
			b.WriteRune(r)
			dash = false
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	out := strings.Trim(b.String(), "-_")
	if len(out) > 100 {
		out = strings.Trim(out[:100], "-_")
	}
	return out
}
