package content

import (
	"maps"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/site"
)

// TestClonesMadeAheadAreFreshAndTheSame: pspm serve has its content cache clone the
// files between rebuilds (Prepare). After each change (an edit, a new vote, a proposal
// removed, a file read again by Reread, everything read again), the site a LoadCached
// hands out is the one a Load of the folder gives, its structs are new (none is a struct
// of the site before, which pspm serve may still be rendering), and only the files that
// changed were cloned during the load.
func TestClonesMadeAheadAreFreshAndTheSame(t *testing.T) {
	prop := func(title, status string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\nbody: c_h501\ndate: 2025-01-02\nstatus: " + status + "\ntags: [cloud]\n---\nTesto di " + title + ".\n")}
	}
	vote := &fstest.MapFile{Data: []byte("vote: support\n")}
	fsys := fstest.MapFS{
		"content/plan/_index.md":                    {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")},
		"content/bodies/c_h501.md":                  {Data: []byte("---\ntitle: Comune\n---\n")},
		"content/bodies/c_h502.md":                  {Data: []byte("---\ntitle: Altro comune\n---\n")},
		"content/proposals/a/index.md":              prop("A", "open"),
		"content/proposals/a/reactions/c_h501.yaml": vote,
		"content/proposals/b/index.md":              prop("B", "open"),
		"content/proposals/b/index.en.md":           {Data: []byte("---\ntitle: B en\n---\nText.\n")},
		"content/proposals/c/index.md":              prop("C", "open"),
		"content/proposals/c/reactions/c_h501.yaml": vote,
		"content/proposals/c/reactions/c_h502.yaml": vote,
	}
	cfg := config.Default()
	cfg.Languages = []string{"it", "en"}
	var c Cache
	prev, _, st := LoadCached(fsys, cfg, &c, Change{All: true})
	if st.Cloned != st.Files {
		t.Fatalf("the first load cloned %d of %d files", st.Cloned, st.Files)
	}
	steps := []struct {
		name   string
		change func() []string // the paths changed
		all    bool
		cloned int  // files cloned during the load
		reread bool // the change is read by Reread first, as pspm serve does for words
	}{
		{"nothing", func() []string { return nil }, false, 0, false},
		{"a status", func() []string {
			fsys["content/proposals/a/index.md"] = prop("A", "accepted")
			return []string{"content/proposals/a/index.md"}
		}, false, 1, false},
		{"a new vote", func() []string {
			fsys["content/proposals/b/reactions/c_h502.yaml"] = vote
			return []string{"content/proposals/b/reactions/c_h502.yaml"}
		}, false, 1, false},
		{"a proposal removed", func() []string {
			for p := range maps.Clone(fsys) {
				if strings.HasPrefix(p, "content/proposals/c/") {
					delete(fsys, p)
				}
			}
			return []string{"content/proposals/c"}
		}, false, 0, false},
		{"words, read again by Reread", func() []string {
			fsys["content/proposals/b/index.md"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["content/proposals/b/index.md"].Data), "Testo di B.", "Testo nuovo di B.", 1))}
			return []string{"content/proposals/b/index.md"}
		}, false, 1, true},
		{"words read by Reread, then another file's status", func() []string {
			// pspm serve patches the words in place: the load that follows is for the
			// next change, and takes the words from the cache.
			fsys["content/proposals/b/index.md"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["content/proposals/b/index.md"].Data), "Testo nuovo di B.", "Testo ancora più nuovo di B.", 1))}
			if _, _, ok := c.Reread(fsys, "content/proposals/b/index.md"); !ok {
				t.Fatal("Reread failed")
			}
			fsys["content/proposals/a/index.md"] = prop("A", "rejected")
			return []string{"content/proposals/a/index.md"}
		}, false, 2, false},
		{"a status, without clones made ahead", func() []string {
			c.takeSpare() // as if the rebuild before had not asked for them
			fsys["content/proposals/a/index.md"] = prop("A", "open")
			return []string{"content/proposals/a/index.md"}
		}, false, -1, false},
		{"everything read again", func() []string { return nil }, true, -1, false},
	}
	for _, step := range steps {
		c.Prepare()
		paths := step.change()
		if step.reread {
			for _, p := range paths {
				if _, _, ok := c.Reread(fsys, p); !ok {
					t.Fatalf("%s: Reread %s failed", step.name, p)
				}
			}
		}
		got, _, st := LoadCached(fsys, cfg, &c, Change{Paths: paths, All: step.all})
		want, _ := Load(fsys, cfg)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the cached load differs from a load of the folder", step.name)
		}
		if step.cloned >= 0 && st.Cloned != step.cloned {
			t.Errorf("%s: %d files cloned during the load, want %d", step.name, st.Cloned, step.cloned)
		}
		if step.all && st.Cloned != st.Files {
			t.Errorf("%s: %d of %d files cloned during the load", step.name, st.Cloned, st.Files)
		}
		before := structsOf(prev)
		cached := map[any]bool{}
		for _, r := range c.results {
			cached[r.proposal()], cached[r.reaction()], cached[r.body()] = true, true, true
		}
		for p := range structsOf(got) {
			if before[p] {
				t.Fatalf("%s: a struct of the site before is in the new one", step.name)
			}
			if cached[p] {
				t.Fatalf("%s: a struct of the cache is in the site", step.name)
			}
		}
		prev = got
	}
}

// structsOf is every struct of s that a later stage may change.
func structsOf(s *site.Site) map[any]bool {
	out := map[any]bool{}
	for _, p := range s.Proposals {
		out[p] = true
		out[&p.Item] = true
	}
	for _, r := range s.Reactions {
		out[r] = true
	}
	for _, b := range s.Bodies {
		out[b] = true
	}
	for _, it := range s.Items {
		out[it] = true
	}
	return out
}
