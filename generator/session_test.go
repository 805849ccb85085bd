package generator_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/search"
)

// demoOnDisk writes the embedded demo site into a temporary folder.
func demoOnDisk(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// sameAsFullBuild checks that every file of the snapshot is byte for byte the file a
// full build of dir writes, and that they have the same files (but the static search
// bundle, which a session does not make: pspm serve answers searches with its API; and
// the build record, which lists the files of a publication).
func sameAsFullBuild(t *testing.T, dir string, sn *generator.Snapshot) {
	t.Helper()
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	if res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out); err != nil {
		t.Fatalf("full build: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsColdPreview(t, "the session", sn, out.Files())
}

func write(t testing.TB, dir, rel, data string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, dir, rel string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestSessionRebuildsAsAFullBuildWould edits the demo site step by step, as an author
// would, and checks after each rebuild that the session serves what a full build writes,
// and that it took the cheapest road that is right.
func TestSessionRebuildsAsAFullBuildWould(t *testing.T) {
	dir := demoOnDisk(t)
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: dir})
	sn, res, err := ss.Rebuild(generator.Change{All: true})
	if err != nil {
		t.Fatalf("first build: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsFullBuild(t, dir, sn)

	prop := "content/proposals/catasto-api-comuni/index.md"
	if _, err := os.Stat(filepath.Join(dir, prop)); err != nil {
		entries, _ := os.ReadDir(filepath.Join(dir, "content/proposals"))
		t.Fatalf("the demo changed: no %s (%d proposals)", prop, len(entries))
	}
	orig := read(t, dir, prop)
	steps := []struct {
		name  string
		edit  func()
		paths []string
		kind  string
	}{
		{"a proposal's text", func() {
			write(t, dir, prop, strings.Replace(orig, "\n\n", "\n\nUna frase nuova, con **grassetto**.\n\n", 1))
		}, []string{prop}, "words"},
		{"a proposal's title", func() {
			write(t, dir, prop, strings.Replace(read(t, dir, prop), `title: "`, `title: "Nuovo titolo – `, 1))
		}, []string{prop}, "words"},
		{"a proposal's status", func() {
			s := read(t, dir, prop)
			if !strings.Contains(s, "status: ") {
				t.Fatalf("%s has no status", prop)
			}
			write(t, dir, prop, strings.Replace(s, "status: ", "status: withdrawn\nx_old_status: ", 1))
		}, []string{prop}, "model"},
		{"the status back", func() { write(t, dir, prop, strings.Replace(orig, `title: "`, `title: "Nuovo titolo – `, 1)) }, []string{prop}, "model"},
		{"a proposal's tags", func() {
			s := read(t, dir, prop)
			if !strings.Contains(s, "tags: [") {
				t.Fatalf("%s has no tags", prop)
			}
			write(t, dir, prop, strings.Replace(s, "tags: [", "tags: [cloud, ", 1))
		}, []string{prop}, "model"},
		{"a vote among its votes", func() {
			write(t, dir, "content/proposals/catasto-api-comuni/reactions/m_ef.yaml", "vote: oppose\npriority: 2\ncomment: Non ora.\n")
		}, []string{"content/proposals/catasto-api-comuni/reactions/m_ef.yaml"}, "model"},
		{"the vote changed", func() {
			write(t, dir, "content/proposals/catasto-api-comuni/reactions/m_ef.yaml", "vote: support\n")
		}, []string{"content/proposals/catasto-api-comuni/reactions/m_ef.yaml"}, "model"},
		{"the vote removed", func() {
			if err := os.Remove(filepath.Join(dir, "content/proposals/catasto-api-comuni/reactions/m_ef.yaml")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/proposals/catasto-api-comuni/reactions/m_ef.yaml"}, "model"},
		{"a new proposal", func() {
			write(t, dir, "content/proposals/nuova-proposta.md", "---\ntitle: Una proposta nuova\nbody: c_h223\ndate: 2026-11-20\ntags: [cloud]\n---\n\nIl testo della proposta.\n")
		}, []string{"content/proposals/nuova-proposta.md"}, "model"},
		{"a vote on it", func() {
			write(t, dir, "content/proposals/nuova-proposta/reactions/m_ef.yaml", "vote: support\n")
		}, []string{"content/proposals/nuova-proposta", "content/proposals/nuova-proposta/reactions", "content/proposals/nuova-proposta/reactions/m_ef.yaml"}, "model"},
		{"its words", func() {
			write(t, dir, "content/proposals/nuova-proposta.md", "---\ntitle: Una proposta nuova, riscritta\nbody: c_h223\ndate: 2026-11-20\ntags: [cloud]\n---\n\nIl testo riscritto.\n")
		}, []string{"content/proposals/nuova-proposta.md"}, "words"},
		{"its removal", func() {
			if err := os.RemoveAll(filepath.Join(dir, "content/proposals/nuova-proposta")); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(dir, "content/proposals/nuova-proposta.md")); err != nil {
				t.Fatal(err)
			}
		}, []string{"content/proposals/nuova-proposta", "content/proposals/nuova-proposta.md"}, "model"},
		{"a stylesheet", func() {
			write(t, dir, "static/css/extra.css", "body { color: black }\n")
		}, []string{"static/css/extra.css"}, "model"},
		{"the stylesheet again", func() {
			write(t, dir, "static/css/extra.css", "body { color: #111 }\n")
		}, []string{"static/css/extra.css"}, "static"},
		{"a translation string", func() {
			write(t, dir, "i18n/it.yaml", "vote.support.n: \"%d a favore\"\n")
		}, []string{"i18n/it.yaml"}, "model"},
		{"pspm.yaml", func() {
			write(t, dir, "pspm.yaml", "title: Il piano in anteprima\npaginate: 7\n")
		}, []string{"pspm.yaml"}, "model"},
		{"a layout", func() {
			write(t, dir, "layouts/partials/footer-extra.html", "<p>extra</p>\n")
		}, []string{"layouts/partials/footer-extra.html"}, "model"},
	}
	for _, st := range steps {
		before := sn.Gen
		st.edit()
		got, res, err := ss.Rebuild(generator.Change{Paths: st.paths})
		if err != nil {
			t.Fatalf("%s: %v\n%s", st.name, err, res.Diagnostics.Format())
		}
		if got.Gen != before+1 || got.Kind != st.kind {
			t.Errorf("%s: rebuild %d of kind %q, want %d of kind %q", st.name, got.Gen, got.Kind, before+1, st.kind)
		}
		sn = got
		t.Run(st.name, func(t *testing.T) { sameAsFullBuild(t, dir, sn) })
	}

	// A broken file: the build is refused, the last good snapshot stays, and fixing
	// the file rebuilds.
	good := sn
	write(t, dir, prop, "---\ntitle: [unclosed\n---\n")
	_, res, err = ss.Rebuild(generator.Change{Paths: []string{prop}})
	if !errors.Is(err, generator.ErrContent) || !strings.Contains(res.Diagnostics.Format(), prop+":3:1: invalid YAML") {
		t.Fatalf("a broken proposal: %v\n%s", err, res.Diagnostics.Format())
	}
	if ss.Current() != good {
		t.Fatal("a failed rebuild replaced the current snapshot")
	}
	write(t, dir, prop, orig)
	sn, res, err = ss.Rebuild(generator.Change{Paths: []string{prop}})
	if err != nil {
		t.Fatalf("fixed: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsFullBuild(t, dir, sn)
}

// TestSessionSearchFollowsEdits: the search index of pspm serve finds a word an edit
// added, and forgets it when it goes.
func TestSessionSearchFollowsEdits(t *testing.T) {
	dir, ss := builtSession(t)
	find, err := ss.OpenIndex()
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	count := func(q string) int {
		ss.Idle()
		r, err := find(search.Request{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		return r.Total
	}
	if n := count("zanzibar"); n != 0 {
		t.Fatalf("the demo already has zanzibar (%d)", n)
	}
	prop := "content/proposals/catasto-api-comuni/index.md"
	orig := read(t, dir, prop)
	write(t, dir, prop, strings.Replace(orig, "\n\n", "\n\nA Zanzibar.\n\n", 1))
	if sn, _, err := ss.Rebuild(generator.Change{Paths: []string{prop}}); err != nil || sn.Kind != "words" {
		t.Fatalf("rebuild: %v", err)
	}
	if n := count("zanzibar"); n != 1 {
		t.Errorf("after a words edit, zanzibar is found %d times, want 1", n)
	}
	write(t, dir, "content/proposals/altra.md", "---\ntitle: Altra\nbody: c_h223\ndate: 2026-11-20\n---\n\nZanzibar ancora.\n")
	if _, res, err := ss.Rebuild(generator.Change{Paths: []string{"content/proposals/altra.md"}}); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if n := count("zanzibar"); n != 2 {
		t.Errorf("after a new proposal, zanzibar is found %d times, want 2", n)
	}
	// A model rebuild (its tags change) that takes the word out of its text: the search
	// index makes again the plain text of what changed, and of that only.
	write(t, dir, "content/proposals/altra.md", "---\ntitle: Altra\nbody: c_h223\ndate: 2026-11-20\ntags: [cloud]\n---\n\nMombasa ancora.\n")
	if sn, res, err := ss.Rebuild(generator.Change{Paths: []string{"content/proposals/altra.md"}}); err != nil || sn.Kind != "model" {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if n, m := count("zanzibar"), count("mombasa"); n != 1 || m != 1 {
		t.Errorf("after a model edit of its text, zanzibar is found %d times and mombasa %d, want 1 and 1", n, m)
	}
	write(t, dir, "content/proposals/altra.md", "---\ntitle: Altra\nbody: c_h223\ndate: 2026-11-20\n---\n\nZanzibar ancora.\n")
	if _, res, err := ss.Rebuild(generator.Change{Paths: []string{"content/proposals/altra.md"}}); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if n := count("zanzibar"); n != 2 {
		t.Errorf("with its text back, zanzibar is found %d times, want 2", n)
	}
	write(t, dir, prop, orig)
	_ = os.Remove(filepath.Join(dir, "content/proposals/altra.md"))
	if _, res, err := ss.Rebuild(generator.Change{Paths: []string{prop, "content/proposals/altra.md"}}); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if n := count("zanzibar"); n != 0 {
		t.Errorf("after both are gone, zanzibar is found %d times", n)
	}
}

// TestSessionServesWholePagesDuringRebuilds reads pages from many goroutines while
// words are patched in and the model is made again: every page read is whole, and
// either the old or the new one.
func TestSessionServesWholePagesDuringRebuilds(t *testing.T) {
	dir, ss := builtSession(t)
	prop := "content/proposals/catasto-api-comuni/index.md"
	page := "proposals/catasto-api-comuni/index.html"
	orig := read(t, dir, prop)
	var mu sync.Mutex
	cur := ss.Current()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				mu.Lock()
				sn := cur
				mu.Unlock()
				for _, p := range []string{page, "index.html", "proposals/index.html", "api/v1/proposals.json"} {
					data, ok, err := sn.File(p)
					if err != nil || !ok {
						t.Errorf("%s: %v %v", p, ok, err)
						return
					}
					if strings.HasSuffix(p, ".html") && !bytes.HasSuffix(bytes.TrimSpace(data), []byte("</html>")) {
						t.Errorf("%s is not whole", p)
						return
					}
				}
			}
		}()
	}
	for i := range 30 {
		text := strings.Replace(orig, "\n\n", "\n\nModifica numero "+string(rune('a'+i%26))+".\n\n", 1)
		if i%5 == 4 {
			text = strings.Replace(text, "tags: [", "tags: [nuovo, ", 1)
		}
		write(t, dir, prop, text)
		sn, res, err := ss.Rebuild(generator.Change{Paths: []string{prop}})
		if err != nil {
			t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
		}
		mu.Lock()
		cur = sn
		mu.Unlock()
		data, _, err := sn.File(page)
		if err != nil || !strings.Contains(string(data), "Modifica numero "+string(rune('a'+i%26))) {
			t.Fatalf("step %d: the page does not show the edit (%v)", i, err)
		}
	}
	close(stop)
	wg.Wait()
}

// builtSession is a session of a copy of the demo, built once.
func builtSession(t *testing.T) (string, *generator.Session) {
	t.Helper()
	dir := demoOnDisk(t)
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: dir})
	if _, res, err := ss.Rebuild(generator.Change{All: true}); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	return dir, ss
}

// TestSessionWarnsAboutAStaticScriptItCannotMinifyUntilItIsFixed: pspm serve publishes
// style sheets and scripts minified, as a build does. An edit that breaks a script is
// served as it is with the build's warning, and the warning goes once the script is
// fixed; a plain edit of a script stays a quick "static" rebuild, served minified.
func TestSessionWarnsAboutAStaticScriptItCannotMinifyUntilItIsFixed(t *testing.T) {
	dir := demoOnDisk(t)
	write(t, dir, "static/js/extra.js", "var message = 'uno';\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: dir})
	if _, res, err := ss.Rebuild(generator.Change{All: true}); err != nil {
		t.Fatalf("first build: %v\n%s", err, res.Diagnostics.Format())
	}
	const warning = "static/js/extra.js:1:15: warning: cannot minify"
	for _, st := range []struct {
		name, script, kind, served string
		warned                     bool
	}{
		{"an edit", "var message = 'due';\n", "static", `var message="due"`, false},
		{"a syntax error", "var message = ;\n", "model", "var message = ;\n", true},
		{"the fix", "var message = 'tre';\n", "model", `var message="tre"`, false},
		{"another edit", "var message = 'quattro';\n", "static", `var message="quattro"`, false},
	} {
		write(t, dir, "static/js/extra.js", st.script)
		sn, res, err := ss.Rebuild(generator.Change{Paths: []string{"static/js/extra.js"}})
		if err != nil {
			t.Fatalf("%s: %v\n%s", st.name, err, res.Diagnostics.Format())
		}
		if sn.Kind != st.kind {
			t.Errorf("%s: a %q rebuild, want %q", st.name, sn.Kind, st.kind)
		}
		if got := strings.Contains(res.Diagnostics.Format(), warning); got != st.warned {
			t.Errorf("%s: warned %v, want %v:\n%s", st.name, got, st.warned, res.Diagnostics.Format())
		}
		if data, _, err := sn.File("js/extra.js"); err != nil || string(data) != st.served {
			t.Errorf("%s: js/extra.js served as %q (%v), want %q", st.name, data, err, st.served)
		}
		t.Run(st.name, func(t *testing.T) { sameAsFullBuild(t, dir, sn) })
	}
}

// TestSessionFollowsCommitsAsAFullBuildWould commits a vote, then a change of status,
// then removes the vote in a commit, in a real Git repository, and checks after each
// rebuild that the session serves what a full build of the repository writes: the
// history (who committed each vote, and when) follows the commits.
func TestSessionFollowsCommitsAsAFullBuildWould(t *testing.T) {
	g := newGitRepo(t, "author", "")
	src, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: g.dir})
	sn, res, err := ss.Rebuild(generator.Change{All: true})
	if err != nil {
		t.Fatalf("first build: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsFullBuild(t, g.dir, sn)
	vote := "content/proposals/p1/reactions/c_h223.yaml"
	prop := "content/proposals/p1/index.md"
	steps := []struct {
		name   string
		commit func()
		paths  []string
	}{
		{"a vote committed", func() {
			g.write(vote, "vote: oppose\ncomment: Troppo presto.\n")
			g.commitAll("2025-03-01T10:00:00Z", marco, "Il voto del Comune")
		}, []string{vote}},
		{"a status committed", func() {
			g.write(prop, strings.Replace(g.read(prop), "status: open", "status: under-review", 1))
			g.commitAll("2025-03-02T10:00:00Z", anna, "In esame")
		}, []string{prop}},
		{"the vote removed in a commit", func() {
			g.remove(vote)
			g.commitAll("2025-03-03T10:00:00Z", marco, "Il voto ritirato")
		}, []string{vote}},
	}
	for _, st := range steps {
		st.commit()
		got, res, err := ss.Rebuild(generator.Change{Paths: st.paths, Git: true})
		if err != nil {
			t.Fatalf("%s: %v\n%s", st.name, err, res.Diagnostics.Format())
		}
		if got == sn {
			t.Fatalf("%s: not rebuilt", st.name)
		}
		sn = got
		t.Run(st.name, func(t *testing.T) { sameAsFullBuild(t, g.dir, sn) })
	}
}

// TestSessionReportsABrokenLayout: a layout that does not parse (the theme is read while
// the content is) fails the rebuild with the file and line, the last good snapshot stays,
// the problem is reported again on the next rebuilds (kept templates never hide it, nor
// a layout that cannot be read), and fixing the layout rebuilds as a full build would.
func TestSessionReportsABrokenLayout(t *testing.T) {
	dir, ss := builtSession(t)
	good := ss.Current()
	const layout = "layouts/partials/footer.html"
	write(t, dir, layout, "{{define \"footer\"}}\n<footer>{{.Site.Title</footer>\n{{end}}\n")
	_, res, err := ss.Rebuild(generator.Change{Paths: []string{layout}})
	if !errors.Is(err, generator.ErrContent) || !strings.Contains(res.Diagnostics.Format(), layout+":2:") || !strings.Contains(res.Diagnostics.Format(), "template error") {
		t.Fatalf("a broken layout: %v\n%s", err, res.Diagnostics.Format())
	}
	if ss.Current() != good {
		t.Fatal("a failed rebuild replaced the current snapshot")
	}
	// Still broken when only the content changes next: the problem is reported again.
	prop := "content/proposals/catasto-api-comuni/index.md"
	write(t, dir, prop, strings.Replace(read(t, dir, prop), "status: ", "status: withdrawn\nx_old_status: ", 1))
	if _, res, err = ss.Rebuild(generator.Change{Paths: []string{prop}}); !errors.Is(err, generator.ErrContent) || !strings.Contains(res.Diagnostics.Format(), layout+":2:") {
		t.Fatalf("the broken layout, then a content edit: %v\n%s", err, res.Diagnostics.Format())
	}
	// A layout that is a symbolic link cannot be read: reported on every rebuild too.
	if err := os.Remove(filepath.Join(dir, layout)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/hostname", filepath.Join(dir, layout)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, res, err = ss.Rebuild(generator.Change{Paths: []string{layout}}); !errors.Is(err, generator.ErrContent) || !strings.Contains(res.Diagnostics.Format(), layout) {
			t.Fatalf("a layout that is a link: %v\n%s", err, res.Diagnostics.Format())
		}
	}
	if err := os.Remove(filepath.Join(dir, layout)); err != nil {
		t.Fatal(err)
	}
	write(t, dir, layout, "{{define \"footer\"}}\n<footer>{{.Site.Title}}</footer>\n{{end}}\n")
	sn, res, err := ss.Rebuild(generator.Change{Paths: []string{layout}})
	if err != nil {
		t.Fatalf("fixed: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsFullBuild(t, dir, sn)
}
