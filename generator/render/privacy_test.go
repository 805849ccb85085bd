package render

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestWithoutEmailsDropsEveryAddressAndKeepsTheName(t *testing.T) {
	for in, want := range map[string]string{
		"authored by Eve <eve@example.org>, who is not a member": "authored by Eve, who is not a member",
		"authored by eve@example.org <eve@example.org>, who":     "authored by [e-mail], who",
		"da Giulia Ferraresi (SHA256:0rHm+q2L/x)":                "da Giulia Ferraresi (SHA256:0rHm+q2L/x)",
		"merge request group/project!34, @marco":                 "merge request group/project!34, @marco",
		"scrivete a a.b-c@sub.comune.re.it.":                     "scrivete a [e-mail].",
	} {
		if got := withoutEmails(in); got != want {
			t.Errorf("withoutEmails(%q) = %q; want %q", in, got, want)
		}
	}
}

func FuzzWithoutEmailsLeavesNoAddress(f *testing.F) {
	f.Add("Eve <eve@example.org>")
	f.Add("a@b.c <d@e.f> g@h")
	f.Fuzz(func(t *testing.T, s string) {
		out := withoutEmails(s)
		if address.MatchString(out) {
			t.Errorf("withoutEmails(%q) = %q still holds an address", s, out)
		}
	})
}

// wholePass is one pass of address over the whole text, which dropAddresses must equal.
func wholePass(text string) string {
	return address.ReplaceAllStringFunc(text, func(m string) string {
		if strings.HasSuffix(m, ">") {
			return ""
		}
		return "[e-mail]"
	})
}

// TestDropAddressesIsOnePassOfTheRegexp: matching the words that hold an '@' apart gives
// what one match of the pattern over the whole text gives, on texts made of the
// characters that decide a match (blanks of every kind \s knows, and one it does not).
func TestDropAddressesIsOnePassOfTheRegexp(t *testing.T) {
	alphabet := []string{"a", "Z", "9", ".", "-", "_", "@", "@", "<", ">", " ", "\t", "\n", "\f", "\r", "\v", "\u00a0", "é", ","}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		var b strings.Builder
		for range rng.IntN(24) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		s := b.String()
		if got, want := dropAddresses(s), wholePass(s); got != want {
			t.Fatalf("dropAddresses(%q) = %q; the pattern over the whole text gives %q", s, got, want)
		}
	}
}

func FuzzDropAddressesIsOnePassOfTheRegexp(f *testing.F) {
	f.Add("its landing commit 1992220afc (committed by Anna Rossi <anna@example.org>) a@b.c")
	f.Add(" \t<a@b>  x@y.z<c@d>")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := dropAddresses(s), wholePass(s); got != want {
			t.Errorf("dropAddresses(%q) = %q; the pattern over the whole text gives %q", s, got, want)
		}
	})
}
