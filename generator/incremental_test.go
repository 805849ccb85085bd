package generator_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

// incrBuild builds g's site into dest through the page cache, failing on an error.
func (g *gitRepo) incrBuild(dest string) *generator.Result {
	g.t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest)
	if err != nil {
		g.t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	return res
}

// coldFiles builds g's site from nothing (into memory: no previous output, no page
// cache), the reference an incremental build must match byte for byte.
func (g *gitRepo) coldFiles() map[string][]byte {
	g.t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	out := output.NewMem()
	if res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir, Previous: os.DirFS(g.t.TempDir())}, out); err != nil {
		g.t.Fatalf("cold build: %v\n%s", err, res.Diagnostics.Format())
	}
	return out.Files()
}

// sameAsCold fails when the folder dest does not hold exactly the files of a cold build.
func sameAsCold(t *testing.T, step string, dest string, cold map[string][]byte) {
	t.Helper()
	got := readTree(t, dest)
	bad := 0
	for name, want := range cold {
		if g, ok := got[name]; !ok {
			t.Errorf("%s: %s missing from the incremental build", step, name)
			bad++
		} else if !bytes.Equal(g, want) {
			t.Errorf("%s: %s differs from the cold build's", step, name)
			bad++
		}
		if bad > 5 {
			t.FailNow()
		}
	}
	for name := range got {
		if _, ok := cold[name]; !ok {
			t.Errorf("%s: %s is not in the cold build", step, name)
		}
	}
}

// TestIncrementalBuildIsByteIdenticalToColdBuild: a series of changes to a real
// repository, each built over the previous build with its page cache, gives exactly the
// files a build from nothing gives; most pages are kept when a change touches few. A
// hand-edited output file is rewritten, a corrupt cache ignored, a committed one not
// trusted, and a cache made for another destination checks every file it keeps.
func TestIncrementalBuildIsByteIdenticalToColdBuild(t *testing.T) {
	g := newGitRepo(t, "author", "")
	dest := filepath.Join(t.TempDir(), "public")
	first := g.incrBuild(dest)
	if first.Kept != 0 || first.Rendered == 0 {
		t.Fatalf("first build: %d rendered, %d kept; want all rendered", first.Rendered, first.Kept)
	}
	sameAsCold(t, "first build", dest, g.coldFiles())
	pages := first.Rendered

	footer, err := os.ReadFile("../themes/default/layouts/partials/footer.html")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		date string
		do   func()
		// few: the change touches few pages, so most must be kept.
		few bool
	}{
		{"nothing changed", "", func() {}, true},
		{"vote", "2025-01-01T15:00:00Z", func() { g.write(reggioVote, "vote: support\n") }, true},
		// A month later: only the pages that show the date the portal is as of (the home
		// page, the plan's pages, the open data) change with the day, besides those the
		// vote changes.
		{"a vote the next day", "2025-02-03T15:00:00Z", func() { g.write("content/proposals/p1/reactions/r_080.yaml", "vote: oppose\n") }, true},
		{"new proposal", "2025-02-04T09:00:00Z", func() {
			g.write("content/proposals/p2/index.md", "---\ntitle: Proposta due\nbody: c_h223\nauthors: [Marco Bianchi]\ndate: 2025-02-04\ntags: [Cloud]\nstatus: open\n---\nTesto della seconda proposta.\n")
		}, false},
		// MEF reports an action's progress: the plan's progress changes, which only the
		// home page, the plan's and the monitoring pages show.
		{"progress report", "2025-02-04T11:00:00Z", func() {
			g.write("content/plan/actions/a1.md", strings.Replace(g.read("content/plan/actions/a1.md"), "progress: 40\n", "progress: 55\n", 1))
		}, true},
		{"answer", "2025-02-04T12:00:00Z", func() {
			g.write("content/proposals/p1/index.md", strings.Replace(g.read("content/proposals/p1/index.md"), "status: open\n", "status: under-review\nanswer: {date: 2025-02-04, text: Ci stiamo lavorando.}\n", 1))
		}, true},
		{"tag change", "2025-02-04T13:00:00Z", func() {
			g.write("content/proposals/p2/index.md", strings.Replace(g.read("content/proposals/p2/index.md"), "tags: [Cloud]", "tags: [Cloud, sanità]", 1))
		}, false},
		// The text of a proposal no comment is anchored to: its page's text is made only
		// when the page is rendered, from a key that must hold what it is made from.
		{"text edit", "2025-02-04T14:00:00Z", func() {
			g.write("content/proposals/p2/index.md", strings.Replace(g.read("content/proposals/p2/index.md"), "Testo della seconda proposta.\n", "Testo della seconda proposta, riveduto. "+strings.Repeat("Una frase lunga che allunga il primo paragrafo. ", 12)+"\n\nUn secondo paragrafo, con [una fonte](https://example.org/fonte-a).\n", 1))
		}, true},
		// Only a link of the second paragraph, not committed (a build of the work tree):
		// the summary, the cards, the lists, the item's history, the paragraphs' anchors
		// (made from their words) and where they end stay the same.
		{"text edit of a later paragraph", "", func() {
			g.write("content/proposals/p2/index.md", strings.Replace(g.read("content/proposals/p2/index.md"), "fonte-a", "fonte-b", 1))
		}, true},
		// Its English translation, then one link of its later paragraph: the English pages
		// and feeds show the translation's text, which the key must hold instead of the
		// item's own.
		{"translation", "2025-02-04T15:00:00Z", func() {
			g.write("content/proposals/p2/index.en.md", "---\ntitle: Proposal two\n---\nThe text of the second proposal, revised.\n\nA second paragraph, with [a source](https://example.org/source-a).\n")
		}, true},
		{"translation edit of a later paragraph", "2025-02-04T16:00:00Z", func() {
			g.write("content/proposals/p2/index.en.md", strings.Replace(g.read("content/proposals/p2/index.en.md"), "source-a", "source-b", 1))
		}, true},
		// A practice's text, on its page and in the feeds, and then its translation.
		{"practice text edit", "2025-02-04T17:00:00Z", func() {
			g.write("content/practices/pr1/index.md", strings.Replace(g.read("content/practices/pr1/index.md"), "Una buona pratica.\n", "Una buona pratica.\n\nCon [il codice](https://example.org/v1).\n", 1))
		}, true},
		{"practice link edit", "2025-02-04T17:30:00Z", func() {
			g.write("content/practices/pr1/index.md", strings.Replace(g.read("content/practices/pr1/index.md"), "example.org/v1", "example.org/v2", 1))
		}, true},
		{"practice translation edit", "2025-02-04T18:00:00Z", func() {
			g.write("content/practices/pr1/index.en.md", "---\ntitle: Practice one\n---\nA good practice.\n\nWith [the code](https://example.org/en-v1).\n")
		}, true},
		{"removal", "2025-02-05T09:00:00Z", func() { g.remove("content/proposals/p2/index.md"); g.remove("content/proposals/p2/index.en.md") }, false},
		{"template edit", "2025-02-05T10:00:00Z", func() {
			g.write("layouts/partials/footer.html", strings.Replace(string(footer), "</footer>", "<p>Portale di prova</p></footer>", 1))
		}, false},
		{"i18n edit", "2025-02-05T11:00:00Z", func() { g.write("i18n/it.yaml", "menu.home: Inizio\n") }, false},
		{"config edit", "2025-02-05T12:00:00Z", func() {
			g.write("pspm.yaml", strings.Replace(g.read("pspm.yaml"), "title: Prova\n", "title: Prova\ndescription: Un portale di prova.\n", 1))
		}, false},
		{"new version", "2025-02-06T09:00:00Z", func() {}, false},
	}
	for _, s := range steps {
		s.do()
		if s.date != "" {
			g.commitAll(s.date, marco, s.name)
		}
		if s.name == "new version" {
			g.tag(s.date, "plan/1.0", "HEAD", "Prima versione", "")
		}
		res := g.incrBuild(dest)
		sameAsCold(t, s.name, dest, g.coldFiles())
		t.Logf("%s: %d rendered, %d kept", s.name, res.Rendered, res.Kept)
		if s.few && res.Kept < res.Rendered {
			t.Errorf("%s: %d pages rendered, %d kept; want most kept", s.name, res.Rendered, res.Kept)
		}
		if s.name == "nothing changed" && (res.Rendered != 0 || res.ChunksCompressed != 0 || res.ChunksKept == 0) {
			t.Errorf("nothing changed: %d pages rendered, %d chunks of the open data compressed (%d kept); want none", res.Rendered, res.ChunksCompressed, res.ChunksKept)
		}
		if s.name == "template edit" && res.Kept != 0 {
			t.Errorf("template edit: %d pages kept, want every page rendered", res.Kept)
		}
		pages = res.Rendered + res.Kept
	}

	// A hand-edited page is rewritten, though its fingerprint did not change.
	page := filepath.Join(dest, "proposals", "p1", "index.html")
	if err := os.WriteFile(page, []byte("rovinato"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := g.incrBuild(dest)
	sameAsCold(t, "hand-edited page", dest, g.coldFiles())
	if res.Rendered != 1 {
		t.Errorf("hand-edited page: %d rendered, want 1", res.Rendered)
	}

	// A corrupt cache is ignored: every page rendered, every dataset compressed, the same
	// bytes.
	g.write(generator.PageCache, "pspm page cache 1\ndest \"x\"\nnonsense\n")
	chunks := g.read(generator.ChunkCache)
	g.write(generator.ChunkCache, chunks[:len(chunks)/2]+"x"+chunks[len(chunks)/2+1:])
	res = g.incrBuild(dest)
	sameAsCold(t, "corrupt cache", dest, g.coldFiles())
	if res.Kept != 0 || res.Rendered != pages {
		t.Errorf("corrupt cache: %d rendered, %d kept; want %d rendered", res.Rendered, res.Kept, pages)
	}
	if res.ChunksKept != 0 || res.ChunksCompressed == 0 {
		t.Errorf("corrupt chunk cache: %d chunks kept, %d compressed; want none kept", res.ChunksKept, res.ChunksCompressed)
	}

	// Another destination: a copy of the site, one of whose pages was edited by hand
	// with its size and time kept; every file kept is read first.
	other := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(other, os.DirFS(dest)); err != nil {
		t.Fatal(err)
	}
	page = filepath.Join(other, "proposals", "p1", "index.html")
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(page)
	data[len(data)-2] ^= 1
	if err := os.WriteFile(page, data, 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.Chtimes(page, fi.ModTime(), fi.ModTime())
	res = g.incrBuild(other)
	sameAsCold(t, "other destination", other, g.coldFiles())
	if res.Rendered != 1 || res.Kept != pages-1 {
		t.Errorf("other destination: %d rendered, %d kept; want 1 rendered, %d kept", res.Rendered, res.Kept, pages-1)
	}

	// A page cache committed in the repository is not used (built into dest first, so
	// that the cache committed is one that would keep every page).
	g.incrBuild(dest)
	g.run("", "add", "-f", generator.PageCache, generator.ChunkCache)
	g.commitAll("2025-02-07T09:00:00Z", eve, "Cache")
	res = g.incrBuild(dest)
	sameAsCold(t, "committed cache", dest, g.coldFiles())
	if res.Kept != 0 || res.ChunksKept != 0 {
		t.Errorf("committed cache: %d pages kept, %d chunks of the open data; want none", res.Kept, res.ChunksKept)
	}
	for _, warning := range []string{"the page cache is committed in the repository", "the chunk cache is committed in the repository"} {
		if !strings.Contains(res.Diagnostics.Format(), warning) {
			t.Errorf("no warning %q:\n%s", warning, res.Diagnostics.Format())
		}
	}
}
