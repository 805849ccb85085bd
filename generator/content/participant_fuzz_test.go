package content

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/site"
)

// FuzzSupport feeds the reader of support files arbitrary bytes. It must not panic; it
// always returns the support (nothing a participant sent is lost), named by its path
// whatever the file says; every diagnostic points into the file; a comment keeps within
// its limit.
func FuzzSupport(f *testing.F) {
	f.Add([]byte(""))
	f.Add([]byte("\n"))
	f.Add([]byte("item: proposals/cp1\nparticipant: giulia\ncomment: Utile.\ndate: 2025-02-01\n"))
	f.Add([]byte("participant: [a, b]\n"))
	f.Add([]byte("comment: " + strings.Repeat("x", 600) + "\n"))
	f.Add([]byte("\xef\xbb\xbfitem: x\n"))
	f.Add([]byte("a: &a [*a]\n"))
	cfg := config.Default()
	const file = "content/proposals/cp1/supports/giulia.yaml"
	j := job{role: roleSupport, file: file, section: site.Proposals, id: "cp1", name: "giulia", signed: true}
	unsigned := j
	unsigned.signed = false
	f.Fuzz(func(t *testing.T, data []byte) {
		r := readContribution(fstest.MapFS{file: {Data: data}}, cfg, j)
		sp := r.support()
		if sp == nil {
			t.Fatal("no support returned")
		}
		if sp.Participant != "giulia" || sp.ItemKey != "proposals/cp1" || sp.File != file {
			t.Errorf("named %q %q %q: not taken from the path", sp.Participant, sp.ItemKey, sp.File)
		}
		if !bytes.Equal(sp.Raw, data) {
			t.Errorf("the file's bytes are not kept for its signature")
		}
		if r := readContribution(fstest.MapFS{file: {Data: data}}, cfg, unsigned); r.support().Raw != nil {
			t.Errorf("the bytes of a file that no signature signs are kept")
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range sp.Problems {
			if e.Pos.File != file || e.Pos.Line < 0 || e.Pos.Line > lines {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		if n := utf8.RuneCountInString(sp.Comment); n > 500 {
			t.Errorf("comment of %d characters kept", n)
		}
	})
}

// FuzzParticipant feeds the reader of participant files arbitrary bytes. It must not
// panic; every diagnostic points into the file; a participant is kept only without
// errors, named by its path, with a name and a known kind (or none, for the default).
func FuzzParticipant(f *testing.F) {
	f.Add([]byte("---\nname: Giulia Neri\nkind: citizen\nmunicipality: Reggio Emilia\nforge: giulia-r\n---\nCiao.\n"))
	f.Add([]byte("---\nname: X\nemail: x@example.org\n---\n"))
	f.Add([]byte("---\nname: X\nPhone: 123\n---\n"))
	f.Add([]byte("---\nname: X\nkind: person\napproved: 2025-13-01\n---\n"))
	f.Add([]byte("---\nname: [a]\nkeys: ssh-ed25519\n---\n"))
	f.Add([]byte("name: no front matter\n"))
	cfg := config.Default()
	const file = "content/participants/giulia.md"
	j := job{role: roleItem, file: file, section: site.Participants, id: "giulia"}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := parse(cfg, j, data)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range r.errs {
			if e.Pos.File != file || e.Pos.Line < 0 || e.Pos.Line > lines {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		p := r.partic()
		if p == nil {
			return
		}
		if r.errs.HasErrors() {
			t.Fatalf("a participant with errors was kept:\n%s", r.errs.Format())
		}
		if p.ID != "giulia" || p.File != file {
			t.Errorf("named %q %q: not taken from the path", p.ID, p.File)
		}
		if p.Name == "" {
			t.Errorf("a participant without a name was read without an error")
		}
		if p.Kind != "" && !slices.Contains(site.ParticipantKinds, p.Kind) {
			t.Errorf("kind %q read without an error", p.Kind)
		}
	})
}
