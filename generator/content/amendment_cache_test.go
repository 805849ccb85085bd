package content

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
)

func TestLoadCachedKeepsAmendmentsAcrossRebuilds(t *testing.T) {
	fsys := fstest.MapFS{
		"content/plan/_index.md":                             {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")},
		"content/plan/actions/a1.md":                         {Data: []byte("---\ntitle: A\nobjective: o1\n---\n")},
		"content/plan/actions/a1/amendments/c_h223-tempi.md": {Data: []byte("---\nreason: R\ndate: 2025-02-01\nfields:\n  - {name: due, value: 2026-01-01}\n---\nTesto.\n")},
	}
	cfg := config.Default()
	var c Cache
	for i := 0; i < 2; i++ {
		s, _, _ := LoadCached(fsys, cfg, &c, Change{Paths: []string{"content/plan/_index.md"}})
		if len(s.Amendments) != 1 || len(s.Amendments[0].Fields) != 1 || s.Amendments[0].Fields[0].Value != "2026-01-01" {
			t.Fatalf("load %d: %d amendments", i+1, len(s.Amendments))
		}
		s.Amendments[0].Fields[0].Value = "changed by a stage" // a later stage must not reach the cache
	}
}

func TestAmendmentThatIsASymbolicLinkIsKeptUnread(t *testing.T) {
	fsys := fstest.MapFS{
		"content/plan/_index.md":                             {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")},
		"content/plan/actions/a1.md":                         {Data: []byte("---\ntitle: A\nobjective: o1\n---\n")},
		"content/plan/actions/a1/amendments/c_h223-tempi.md": {Data: []byte("../../../../../.git/config"), Mode: fs.ModeSymlink},
	}
	s, _ := Load(fsys, config.Default())
	if len(s.Amendments) != 1 || s.Amendments[0].Raw != nil || !strings.Contains(s.Amendments[0].Problems.Format(), "a symbolic link, which is never followed") {
		t.Fatalf("a linked amendment: %+v", s.Amendments)
	}
}
