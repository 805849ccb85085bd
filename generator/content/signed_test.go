package content

import (
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
)

// TestOnlySignedContributionsKeepTheirBytes: a reaction, comment or support keeps the
// bytes it was read from only when a signature file is beside it, since only a detached
// signature is checked against them; the rest (a million reactions on a national portal)
// would hold half a gigabyte that nothing reads again. A LoadCached after the signature
// appears reads the file again, with its bytes.
func TestOnlySignedContributionsKeepTheirBytes(t *testing.T) {
	fsys := fstest.MapFS{
		"content/plan/_index.md":                           {Data: []byte("---\ntitle: Piano\nowner: m_ef\n---\n")},
		"content/bodies/m_ef.md":                           {Data: []byte("---\nname: MEF\n---\n")},
		"content/bodies/c_h223.md":                         {Data: []byte("---\nname: Reggio Emilia\n---\n")},
		"content/proposals/p1/index.md":                    {Data: []byte("---\ntitle: Una proposta\nbody: c_h223\n---\nTesto.\n")},
		"content/proposals/p1/reactions/m_ef.yaml":         {Data: []byte("vote: support\n")},
		"content/proposals/p1/reactions/c_h223.yaml":       {Data: []byte("vote: support\nitem: proposals/p1\nvoter: c_h223\n")},
		"content/proposals/p1/reactions/c_h223.yaml.sig":   {Data: []byte("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n")},
		"content/proposals/p1/feedback/m_ef-commento.md":   {Data: []byte("---\ntitle: Un commento\ndate: 2025-02-01\n---\nBene.\n")},
		"content/proposals/p1/feedback/c_h223-risposta.md": {Data: []byte("---\ntitle: Una risposta\ndate: 2025-02-02\n---\nGrazie.\n")},
	}
	cfg := config.Default()
	kept := func(load func() map[string][]byte, want map[string]bool) {
		t.Helper()
		got := load()
		for file, keep := range want {
			if (got[file] != nil) != keep {
				t.Errorf("%s: bytes kept %v, want %v", file, got[file] != nil, keep)
			}
		}
	}
	bytesOf := func(fsys fstest.MapFS, c *Cache) map[string][]byte {
		out := map[string][]byte{}
		s, _, _ := LoadCached(fsys, cfg, c, Change{})
		for _, r := range s.Reactions {
			out[r.File] = r.Raw()
		}
		for _, f := range s.Feedback {
			out[f.File] = f.Raw
		}
		return out
	}
	kept(func() map[string][]byte {
		s, _ := Load(fsys, cfg)
		out := map[string][]byte{}
		for _, r := range s.Reactions {
			out[r.File] = r.Raw()
		}
		for _, f := range s.Feedback {
			out[f.File] = f.Raw
		}
		return out
	}, map[string]bool{
		"content/proposals/p1/reactions/m_ef.yaml":         false,
		"content/proposals/p1/reactions/c_h223.yaml":       true,
		"content/proposals/p1/feedback/m_ef-commento.md":   false,
		"content/proposals/p1/feedback/c_h223-risposta.md": false,
	})

	c := &Cache{}
	kept(func() map[string][]byte { return bytesOf(fsys, c) }, map[string]bool{"content/proposals/p1/reactions/m_ef.yaml": false})
	fsys["content/proposals/p1/reactions/m_ef.yaml.sig"] = &fstest.MapFile{Data: []byte("-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n")}
	kept(func() map[string][]byte {
		s, _, _ := LoadCached(fsys, cfg, c, Change{Paths: []string{"content/proposals/p1/reactions/m_ef.yaml.sig"}})
		out := map[string][]byte{}
		for _, r := range s.Reactions {
			out[r.File] = r.Raw()
			if r.Sig() == nil && r.File == "content/proposals/p1/reactions/m_ef.yaml" {
				t.Errorf("the signature that appeared is not attached")
			}
		}
		return out
	}, map[string]bool{"content/proposals/p1/reactions/m_ef.yaml": true})
}
