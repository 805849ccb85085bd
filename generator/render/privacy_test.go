package render

import "testing"

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
