package slug

import (
	"strings"
	"testing"
)

func TestMake(t *testing.T) {
	for in, want := range map[string]string{
		"Città metropolitana di Bologna": "citta-metropolitana-di-bologna",
		"cloud":                          "cloud",
		"cloud-nativo":                   "cloud-nativo",
		"Cloud Nativo":                   "cloud-nativo",
		"-cloud-":                        "cloud",
		"cloud--nativo":                  "cloud-nativo",
		"_interno_":                      "interno",
		"a_b":                            "a_b",
		"  PA digitale 2026!  ":          "pa-digitale-2026",
		"Ünïcödé":                        "unicode",
		"":                               "",
		"---":                            "",
		strings.Repeat("a", 101):         strings.Repeat("a", 100),
		strings.Repeat("ab-", 40):        strings.Repeat("ab-", 33) + "a",
	} {
		if got := Make(in); got != want {
			t.Errorf("Make(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzMakeASCII: the road for ASCII strings gives what the general one gives.
func FuzzMakeASCII(f *testing.F) {
	for _, s := range []string{"cloud", "Cloud Nativo", "-a-", "a--b", "_x_", "a_-_b", strings.Repeat("ab-", 40), strings.Repeat("a", 100), "A" + strings.Repeat("a", 100), "Z9", "a-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := makeASCII(s)
		if !ok {
			for i := 0; i < len(s); i++ {
				if s[i] < 0x80 {
					continue
				}
				return // not ASCII: the general road's
			}
			t.Fatalf("makeASCII refused the ASCII string %q", s)
		}
		if slow := makeAny(s); fast != slow {
			t.Fatalf("%q: the ASCII road gives %q, the general one %q", s, fast, slow)
		}
	})
}

// TestMakeRemembersWhatItNormalised: a name that is not ASCII is normalised once, and
// given the same slug from any goroutine after that.
func TestMakeRemembersWhatItNormalised(t *testing.T) {
	const name = "Attività produttive"
	if got := Make(name); got != "attivita-produttive" {
		t.Fatalf("Make(%q) = %q", name, got)
	}
	if v, ok := made.Load(name); !ok || v.(string) != "attivita-produttive" {
		t.Fatalf("not remembered: %v %v", v, ok)
	}
	done := make(chan string)
	for range 8 {
		go func() { done <- Make(name) }()
	}
	for range 8 {
		if got := <-done; got != "attivita-produttive" {
			t.Errorf("Make(%q) = %q", name, got)
		}
	}
}
