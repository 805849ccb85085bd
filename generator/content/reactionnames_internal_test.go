package content

import (
	"testing"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/site"
)

// TestReactionNamesShareTheFilesPath: a reaction file gives its voter and item key as
// parts of its path's copy (the reaction holds where they are in it, nothing of their
// own), in its place or elsewhere (misplaced, or named otherwise), since the path holds
// both.
func TestReactionNamesShareTheFilesPath(t *testing.T) {
	within := func(part, whole string) bool {
		p, w := uintptr(unsafe.Pointer(unsafe.StringData(part))), uintptr(unsafe.Pointer(unsafe.StringData(whole)))
		return p >= w && p+uintptr(len(part)) <= w+uintptr(len(whole))
	}
	for _, c := range []struct{ j job }{
		{job{file: "content/proposals/proposta-01/reactions/c_h223.yaml", section: site.Proposals, id: "proposta-01", name: "c_h223"}},
		{job{file: "content/practices/cloud/reactions/m_ef.yaml", section: site.Practices, id: "cloud", name: "m_ef"}},
		// A reaction file without its extension, or in a folder below reactions/.
		{job{file: "content/proposals/proposta-01/reactions/c_h223", section: site.Proposals, id: "proposta-01", name: "c_h223"}},
		{job{file: "content/proposals/proposta-01/reactions/old/c_h223.yaml", section: site.Proposals, id: "proposta-01", name: "c_h223"}},
	} {
		voter, key, file := reactionFile(c.j)
		rc := &site.Reaction{File: file}
		rc.SetNames(voter, key)
		if rc.Voter() != c.j.name || rc.ItemKey() != string(c.j.section)+"/"+c.j.id || rc.File != c.j.file {
			t.Errorf("%s: voter %q, key %q, file %q", c.j.file, rc.Voter(), rc.ItemKey(), rc.File)
		}
		if !within(rc.Voter(), rc.File) || !within(rc.ItemKey(), rc.File) || rc.Extra != nil {
			t.Errorf("%s: voter and key not parts of the file's path (Extra %+v)", c.j.file, rc.Extra)
		}
	}
}
