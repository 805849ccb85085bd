package render

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator/config"
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

// TestProseRemembersWhatItCleaned: prose gives withoutEmails's sentence, from its memo
// too, for more sentences than the memo holds, from several goroutines; with
// open_data.personal it gives the sentence as written.
func TestProseRemembersWhatItCleaned(t *testing.T) {
	r := &renderer{Options: Options{Config: &config.Config{}}}
	texts := make([]string, proseMemoSize+500)
	for i := range texts {
		texts[i] = fmt.Sprintf("its landing commit %04x (committed by Eve %d <eve%d@example.org>) was not made by the maintainers", i, i, i%7)
	}
	texts = append(texts, "no address here", "")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for round := range 2 {
				for i := range texts {
					s := texts[(i*(g+1)+round)%len(texts)]
					if got, want := r.prose(s), withoutEmails(s); got != want {
						t.Errorf("prose(%q) = %q; want %q", s, got, want)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if n := len(r.proseMemo.m); n > proseMemoSize {
		t.Errorf("the memo holds %d sentences; at most %d", n, proseMemoSize)
	}
	r.Config.OpenData.Personal = true
	if got := r.prose(texts[0]); got != texts[0] {
		t.Errorf("with open_data.personal, prose(%q) = %q", texts[0], got)
	}
}
