// Package slug turns names into URL-safe identifiers, the one way pspm does it everywhere:
// tag pages, heading anchors and the file names that `pspm new` suggests.
package slug

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Make lowers s, removes accents, keeps ASCII letters, digits and _, and turns every other
// run of characters into one -, trimmed at both ends and cut to 100 bytes.
// "Città metropolitana di Bologna" becomes "citta-metropolitana-di-bologna".
func Make(s string) string {
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
