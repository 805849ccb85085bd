package content

import (
	"testing"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/site"
)

// TestReactionNamesShareTheFilesPath: a reaction file in its place gives its voter and
// item key as parts of its path's copy; one elsewhere (misplaced, or named otherwise)
// gives the same three values, each a copy of its own.
func TestReactionNamesShareTheFilesPath(t *testing.T) {
	within := func(part, whole string) bool {
		p, w := uintptr(unsafe.Pointer(unsafe.StringData(part))), uintptr(unsafe.Pointer(unsafe.StringData(whole)))
		return p >= w && p+uintptr(len(part)) <= w+uintptr(len(whole))
	}
	for _, c := range []struct {
		j      job
		shared bool
	}{
		{job{file: "content/proposals/proposta-01/reactions/c_h223.yaml", section: site.Proposals, id: "proposta-01", name: "c_h223"}, true},
		{job{file: "content/practices/cloud/reactions/m_ef.yaml", section: site.Practices, id: "cloud", name: "m_ef"}, true},
		// A reaction file without its extension, or in a folder below reactions/.
		{job{file: "content/proposals/proposta-01/reactions/c_h223", section: site.Proposals, id: "proposta-01", name: "c_h223"}, false},
		{job{file: "content/proposals/proposta-01/reactions/old/c_h223.yaml", section: site.Proposals, id: "proposta-01", name: "c_h223"}, false},
	} {
		voter, key, file := reactionNames(c.j)
		if voter != c.j.name || key != string(c.j.section)+"/"+c.j.id || file != c.j.file {
			t.Errorf("%s: voter %q, key %q, file %q", c.j.file, voter, key, file)
		}
		if shared := within(voter, file) && within(key, file); shared != c.shared {
			t.Errorf("%s: voter and key within the file's path: %v, want %v", c.j.file, shared, c.shared)
		}
	}
}
