package content

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
)

// TestRewalkFindsWhatAWalkFinds changes a content folder step by step (files and
// folders created, removed, renamed; names refused) and checks, after each step, that
// walking again only the folders changed finds the same files, in the same order, with
// the same problems, as walking it all.
func TestRewalkFindsWhatAWalkFinds(t *testing.T) {
	// Both ways of walking again: a small folder alone (rewalkFolders), and the folders on
	// the way to a change, keeping the others (folderLimit -1: rewalkFolders never).
	for _, limit := range []int{0, -1} {
		t.Run(map[int]string{0: "folders", -1: "on the way"}[limit], func(t *testing.T) { rewalkSteps(t, limit) })
	}
}

func rewalkSteps(t *testing.T, limit int) {
	prop := func(title string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ntitle: " + title + "\nbody: c_h501\ndate: 2025-01-02\nstatus: open\n---\nTesto.\n")}
	}
	vote := &fstest.MapFile{Data: []byte("vote: support\n")}
	fsys := fstest.MapFS{
		"content/plan/_index.md":                          {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")},
		"content/bodies/c_h501.md":                        {Data: []byte("---\ntitle: Comune\n---\n")},
		"content/proposals/a/index.md":                    prop("A"),
		"content/proposals/a/reactions/c_h501.yaml":       vote,
		"content/proposals/a-b/index.md":                  prop("AB"),
		"content/proposals/a-b/reactions/c_h502.yaml":     vote,
		"content/proposals/b/index.md":                    prop("B"),
		"content/proposals/b/index.en.md":                 {Data: []byte("---\ntitle: B en\n---\nText.\n")},
		"content/proposals/b/Bad Name.pdf":                {Data: []byte("%PDF")}, // refused: kept folders keep this problem
		"content/proposals/c/index.md":                    prop("C"),
		"content/proposals/c/reactions/c_h501.yaml":       vote,
		"content/proposals/c/reactions/C_H501.yaml":       vote,
		"content/proposals/d.md":                          prop("D"),
		"content/proposals/z/index.md":                    prop("Z"),
		"content/proposals/z/reactions/notes/c_h501.yaml": vote, // misplaced
	}
	cfg := config.Default()
	cfg.Languages = []string{"it", "en"}
	c := Cache{folderLimit: limit}
	if _, _, st := LoadCached(fsys, cfg, &c, Change{All: true}); !st.Walked {
		t.Fatal("the first load did not walk")
	}
	removeAll := func(dir string) {
		for p := range fsys {
			if strings.HasPrefix(p, dir+"/") {
				delete(fsys, p)
			}
		}
	}
	steps := []struct {
		name    string
		change  func()
		changed []string
	}{
		{"a new vote", func() { fsys["content/proposals/b/reactions/c_h501.yaml"] = vote },
			[]string{"content/proposals/b/reactions/c_h501.yaml"}},
		{"a new proposal folder", func() { fsys["content/proposals/a-a/index.md"] = prop("AA") },
			[]string{"content/proposals/a-a"}},
		{"a new proposal, its file named", func() { fsys["content/proposals/a0/index.md"] = prop("A0") },
			[]string{"content/proposals/a0/index.md"}},
		{"a proposal removed", func() { removeAll("content/proposals/a-b") },
			[]string{"content/proposals/a-b"}},
		{"a vote removed", func() { delete(fsys, "content/proposals/c/reactions/C_H501.yaml") },
			[]string{"content/proposals/c/reactions/C_H501.yaml"}},
		{"a signature appears", func() { fsys["content/proposals/a/reactions/c_h501.yaml.sig"] = &fstest.MapFile{Data: []byte("sig")} },
			[]string{"content/proposals/a/reactions/c_h501.yaml.sig"}},
		{"the signature removed", func() { delete(fsys, "content/proposals/a/reactions/c_h501.yaml.sig") },
			[]string{"content/proposals/a/reactions/c_h501.yaml.sig"}},
		{"a folder renamed", func() {
			for p, f := range maps.Clone(fsys) {
				if rest, ok := strings.CutPrefix(p, "content/proposals/z/"); ok {
					fsys["content/proposals/y/"+rest] = f
					delete(fsys, p)
				}
			}
		}, []string{"content/proposals/z", "content/proposals/y"}},
		{"a file that clashes by case", func() { fsys["content/proposals/D.md"] = prop("D2") },
			[]string{"content/proposals/D.md"}},
		{"a folder in capitals", func() { fsys["content/proposals/E/index.md"] = prop("E") },
			[]string{"content/proposals/E"}},
		{"a folder that clashes with it by case, left out", func() { fsys["content/proposals/e/index.md"] = prop("e") },
			[]string{"content/proposals/e"}},
		{"the folder in capitals removed: the other one is in", func() { removeAll("content/proposals/E") },
			[]string{"content/proposals/E"}},
		{"a translation", func() {
			fsys["content/proposals/c/index.en.md"] = &fstest.MapFile{Data: []byte("---\ntitle: C en\n---\nText.\n")}
		},
			[]string{"content/proposals/c/index.en.md"}},
	}
	for _, step := range steps {
		step.change()
		_, _, st := LoadCached(fsys, cfg, &c, Change{Paths: step.changed})
		if !st.Walked {
			t.Fatalf("%s: not walked again", step.name)
		}
		var wantErrs diag.List
		want := walk(fsys, cfg, Dir, &wantErrs)
		if !reflect.DeepEqual(c.jobs, want) {
			t.Errorf("%s: rewalk found\n%v\nwant\n%v", step.name, files(c.jobs), files(want))
		}
		if got, want := slices.Sorted(maps.Keys(c.results)), slices.Sorted(slices.Values(files(want))); !slices.Equal(got, want) {
			t.Errorf("%s: the cache keeps what it read of\n%v\nwant\n%v", step.name, got, want)
		}
		if got, want := problems(c.walkErr), problems(wantErrs); !slices.Equal(got, want) {
			t.Errorf("%s: rewalk found the problems\n%q\nwant\n%q", step.name, got, want)
		}
	}
	if len(c.walkErr) < 3 {
		t.Errorf("the site was meant to have problems: %q", problems(c.walkErr))
	}
}

func files(jobs []job) []string {
	var out []string
	for _, j := range jobs {
		out = append(out, j.file)
	}
	return out
}

func problems(l diag.List) []string {
	var out []string
	for _, e := range l {
		out = append(out, e.Error())
	}
	slices.Sort(out)
	return out
}
