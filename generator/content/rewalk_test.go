package content

import (
	"io/fs"
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
	// Every way of walking again: a small folder alone (rewalkFolders), the folders on the
	// way to a change, keeping the others (folderLimit -1: rewalkFolders never), and, with
	// a limit that makes content/proposals a large folder, a folder new in it or gone from
	// it alone.
	for _, limit := range []int{0, -1, 4} {
		t.Run(map[int]string{0: "folders", -1: "on the way", 4: "in a large folder"}[limit], func(t *testing.T) { rewalkSteps(t, limit) })
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
		{"new folders at the same place", func() {
			fsys["content/proposals/b2/index.md"] = prop("B2")
			fsys["content/proposals/b1/index.md"] = prop("B1")
			fsys["content/proposals/b1/reactions/c_h501.yaml"] = vote
			fsys["content/proposals/b4/index.md"] = prop("B4")
			fsys["content/proposals/b3/index.md"] = prop("B3")
		}, []string{"content/proposals/b2", "content/proposals/b4", "content/proposals/b1", "content/proposals/b1/index.md", "content/proposals/b1/reactions/c_h501.yaml", "content/proposals/b3"}},
		{"one of them removed, a vote in another", func() {
			removeAll("content/proposals/b2")
			fsys["content/proposals/b1/reactions/c_h502.yaml"] = vote
		}, []string{"content/proposals/b2", "content/proposals/b1/reactions/c_h502.yaml"}},
		{"a new folder with a problem inside", func() {
			fsys["content/proposals/g/index.md"] = prop("G")
			fsys["content/proposals/g/Bad Name.pdf"] = &fstest.MapFile{Data: []byte("%PDF")}
		}, []string{"content/proposals/g"}},
		{"the folder with a problem inside removed", func() { removeAll("content/proposals/g") },
			[]string{"content/proposals/g"}},
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
		{"an empty folder", func() { fsys["content/proposals/h"] = &fstest.MapFile{Mode: fs.ModeDir | 0o755} },
			[]string{"content/proposals/h"}},
		{"a new folder that clashes with the empty one", func() { fsys["content/proposals/H/index.md"] = prop("H") },
			[]string{"content/proposals/H"}},
		{"a hidden new folder", func() { fsys["content/proposals/.cache/index.md"] = prop("hidden") },
			[]string{"content/proposals/.cache"}},
		{"a new folder with an unsafe name", func() { fsys["content/proposals/Bad Folder/index.md"] = prop("bad") },
			[]string{"content/proposals/Bad Folder"}},
		{"a new folder with an accent that clashes", func() { fsys["content/proposals/à/index.md"] = prop("à") },
			[]string{"content/proposals/à"}},
		{"a new folder beside those problems", func() { fsys["content/proposals/k/index.md"] = prop("K") },
			[]string{"content/proposals/k"}},
	}
	for _, step := range steps {
		before := c.childWalks
		step.change()
		loadAgainAsAWalk(t, fsys, cfg, &c, step.name, step.changed)
		if limit > 0 {
			t.Logf("%s: %d folders walked alone in the large folder", step.name, c.childWalks-before)
		}
	}
	if len(c.walkErr) < 3 {
		t.Errorf("the site was meant to have problems: %q", problems(c.walkErr))
	}
	if limit > 0 && c.childWalks < 4 {
		t.Errorf("%d folders were walked alone in the large folder, want at least 4", c.childWalks)
	}
}

// loadAgainAsAWalk loads fsys again through c after the changes changed, and checks that
// its cache then holds what a whole walk finds: the same files in the same order, what it
// read of each, and the same problems.
func loadAgainAsAWalk(t *testing.T, fsys fs.FS, cfg *config.Config, c *Cache, name string, changed []string) {
	t.Helper()
	_, _, st := LoadCached(fsys, cfg, c, Change{Paths: changed})
	if !st.Walked {
		t.Fatalf("%s: not walked again", name)
	}
	var wantErrs diag.List
	want := walk(fsys, cfg, Dir, &wantErrs)
	if !reflect.DeepEqual(c.jobs, want) {
		t.Errorf("%s: rewalk found\n%v\nwant\n%v", name, files(c.jobs), files(want))
	}
	if got, want := slices.Sorted(maps.Keys(c.results)), slices.Sorted(slices.Values(files(want))); !slices.Equal(got, want) {
		t.Errorf("%s: the cache keeps what it read of\n%v\nwant\n%v", name, got, want)
	}
	if got, want := problems(c.walkErr), problems(wantErrs); !slices.Equal(got, want) {
		t.Errorf("%s: rewalk found the problems\n%q\nwant\n%q", name, got, want)
	}
}

// A folder new in a large folder is walked alone only when the walk of the large folder
// would take its name as it is; otherwise the large folder is walked again, and either
// way the cache holds what a whole walk finds. Each case starts from a site without
// problems, where nothing else stops the walk alone.
func TestRewalkChecksANewFolderAsItsFolderWould(t *testing.T) {
	prop := &fstest.MapFile{Data: []byte("---\ntitle: T\nbody: c_h501\ndate: 2025-01-02\nstatus: open\n---\nTesto.\n")}
	for _, tc := range []struct {
		name  string
		add   []string // files, or folders when they end in /
		alone bool     // walked alone in the large folder
	}{
		{"a folder", []string{"content/proposals/k/index.md"}, true},
		{"an empty folder", []string{"content/proposals/k/"}, true},
		{"a folder that clashes by case with an empty one", []string{"content/proposals/h/", "content/proposals/H/index.md"}, false},
		{"a folder that clashes by an accent", []string{"content/proposals/à/index.md"}, false},
		{"a hidden folder", []string{"content/proposals/.cache/index.md"}, false},
		{"a folder with an unsafe name", []string{"content/proposals/Bad Folder/index.md"}, false},
		{"a file, not a folder", []string{"content/proposals/k.md"}, false},
		{"a symbolic link to a folder", []string{"content/proposals/k@"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"content/plan/_index.md":   {Data: []byte("---\ntitle: P\nowner: m_ef\n---\n")},
				"content/bodies/c_h501.md": {Data: []byte("---\ntitle: Comune\n---\n")},
			}
			for _, id := range []string{"a", "b", "c", "d", "e", "f"} {
				fsys["content/proposals/"+id+"/index.md"] = prop
			}
			cfg := config.Default()
			c := Cache{folderLimit: 2}
			LoadCached(fsys, cfg, &c, Change{All: true})
			if len(c.walkErr) > 0 {
				t.Fatalf("the site has problems: %q", problems(c.walkErr))
			}
			var changed []string
			for _, p := range tc.add {
				if link, ok := strings.CutSuffix(p, "@"); ok {
					fsys[link] = &fstest.MapFile{Data: []byte("a"), Mode: fs.ModeSymlink}
					changed = append(changed, link)
					continue
				}
				if dir, ok := strings.CutSuffix(p, "/"); ok {
					fsys[dir] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
					changed = append(changed, dir)
					continue
				}
				fsys[p] = prop
				changed = append(changed, strings.Join(strings.SplitN(p, "/", 4)[:3], "/"))
			}
			loadAgainAsAWalk(t, fsys, cfg, &c, tc.name, changed)
			if got := c.childWalks > 0; got != tc.alone {
				t.Errorf("walked alone: %v, want %v", got, tc.alone)
			}
		})
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
