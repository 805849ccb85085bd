package generator_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/synth"
)

// packTexts makes every later load of the test hold the proposals' and practices'
// texts compressed, as a site over content.PackTextsAbove does.
func packTexts(t *testing.T) {
	was := content.PackTextsAbove
	content.PackTextsAbove = -1
	t.Cleanup(func() { content.PackTextsAbove = was })
}

// TestPackedTextsBuildTheSameSite: a site whose texts are held compressed (a large
// site's) builds the same bytes as with its texts held as they are, in memory, into a
// folder, and over its previous output through the content cache, whose entries then
// hold the compressed texts.
func TestPackedTextsBuildTheSameSite(t *testing.T) {
	g := &gitRepo{t: t, dir: t.TempDir(), home: t.TempDir()}
	src := g.dir
	// Comments on paragraphs (feedback), translations and practices take the texts
	// through every path that reads them: anchored and plain HTML, summaries, feeds,
	// the search documents, the forge's prefilled links.
	synthInto(t, src, synth.Options{Proposals: 120, Practices: 12, Reactions: 600, Bodies: 20, Tags: 10, Seed: 11, FeedbackPerProposal: 2})
	g.run("", "init", "-q", "-b", "main")
	g.commitAll("2025-06-02T09:00:00Z", anna, "Il portale")
	fsys, err := generator.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	plain := output.NewMem()
	if res, err := generator.Build(generator.Options{Source: fsys}, plain); err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	want := plain.Files()
	plainDir := filepath.Join(t.TempDir(), "public")
	if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: src}, plainDir); err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	wantDir := readTree(t, plainDir)
	if err := os.RemoveAll(filepath.Join(src, ".pspm")); err != nil {
		t.Fatal(err)
	}

	packTexts(t)
	var errs diag.List
	cfg := config.Load(fsys, &errs)
	s, _ := content.Load(fsys, cfg)
	packed := 0
	for _, p := range s.Proposals {
		if _, form := p.HeldText(); form == site.TextPacked {
			packed++
		}
	}
	if packed != len(s.Proposals) || len(s.Proposals) != 120 {
		t.Fatalf("%d of %d proposals' texts packed", packed, len(s.Proposals))
	}
	mem := output.NewMem()
	if res, err := generator.Build(generator.Options{Source: fsys}, mem); err != nil {
		t.Fatalf("build with packed texts: %v\n%s", err, res.Diagnostics.Format())
	}
	sameFiles(t, "packed texts, in memory", mem.Files(), want)

	dest := filepath.Join(t.TempDir(), "public")
	offheap.Enable() // as pspm build: the texts are held outside the heap, in a file
	defer offheap.Disable()
	site.FileTexts(true)
	defer site.FileTexts(false)
	for _, round := range []string{"into an empty folder", "over its previous output"} {
		res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: src}, dest)
		if err != nil {
			t.Fatalf("build %s: %v\n%s", round, err, res.Diagnostics.Format())
		}
		sameFiles(t, "packed texts, "+round, readTree(t, dest), wantDir)
		if fi, err := os.Stat(filepath.Join(src, filepath.FromSlash(generator.ContentCache))); err != nil || fi.Size() == 0 {
			t.Fatalf("no content cache after a build %s: %v", round, err)
		}
	}
	// The store holds the compressed texts, and gives them back to the next load.
	cache, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(generator.ContentCache)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := content.DecodeStore(cache, cfg, generator.CacheVersion())
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond) // the files are then not racily clean for Git
	g.run("", "status", "-s")
	wi, err := history.ReadWorkIndex(src)
	if err != nil {
		t.Fatal(err)
	}
	stored, _, _, stats := content.LoadStored(fsys, cfg, generator.CacheVersion(), st, wi.Blob)
	if stats.Read != 0 {
		t.Errorf("read %d of %d files again instead of taking them from the content cache", stats.Read, stats.Files)
	}
	// Read back in a process that files its texts, they go to the file again.
	for i, p := range stored.Proposals {
		if held, form := p.HeldText(); form != site.TextFiled || p.Text() != s.Proposals[i].Text() || held == p.Text() {
			t.Fatalf("proposal %s from the content cache: held as %d, text %.40q", p.ID, form, p.Text())
		}
	}

	// A merged edit of one proposal's text: the build over the previous output, its texts
	// filed, renders what the new text changes (the input keys hold each filed text's
	// SHA-256) and gives the bytes of a build of the new content whose texts are held as
	// they are.
	md := filepath.Join(src, "content", "proposals", s.Proposals[0].ID, "index.md")
	old, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(md, append(old, "\nUn paragrafo aggiunto dopo la revisione, con una nuova proposta di metodo.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	g.commitAll("2025-06-03T09:00:00Z", anna, "Testo rivisto")
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: src}, dest)
	if err != nil {
		t.Fatalf("build after the edit: %v\n%s", err, res.Diagnostics.Format())
	}
	if res.Kept == 0 || res.Rendered == 0 {
		t.Errorf("after the edit: %d pages rendered, %d kept", res.Rendered, res.Kept)
	}
	got := readTree(t, dest)
	content.PackTextsAbove = 20000 // as a small site: its texts held as they are (packTexts restores it)
	site.FileTexts(false)
	if err := os.RemoveAll(filepath.Join(src, ".pspm")); err != nil { // a cold build
		t.Fatal(err)
	}
	plainAfter := filepath.Join(t.TempDir(), "public")
	if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: src}, plainAfter); err != nil {
		t.Fatalf("plain build after the edit: %v\n%s", err, res.Diagnostics.Format())
	}
	want = readTree(t, plainAfter)
	if string(got["api/v1/build.json"]) == string(wantDir["api/v1/build.json"]) {
		t.Fatal("the edit changed nothing")
	}
	sameFiles(t, "filed texts, after an edit", got, want)
}
