package generator_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/output"
)

// TestFreshCheckoutReadsOnlyWhatGitDoesNotKnow: a new clone of the repository with the
// content cache of another checkout (as CI restores it) takes from the cache every file
// Git knows unchanged, and reads only the file modified in the work tree and the new one.
func TestFreshCheckoutReadsOnlyWhatGitDoesNotKnow(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.build()
	cache, err := os.ReadFile(g.path(generator.ContentCache))
	if err != nil {
		t.Fatal(err)
	}
	clone := t.TempDir()
	if out, err := exec.Command("git", "clone", "-q", g.dir, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	write := func(name, data string) {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(clone, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(clone, filepath.FromSlash(name)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The last files a checkout writes share the index's instant: they are racily clean,
	// and Git itself reads them again until its next look (git status) writes the index.
	time.Sleep(20 * time.Millisecond)
	if out, err := exec.Command("git", "-C", clone, "status", "-s").CombinedOutput(); err != nil {
		t.Fatalf("git status: %v\n%s", err, out)
	}
	time.Sleep(20 * time.Millisecond)
	write(generator.ContentCache, string(cache))
	write("content/proposals/p1/reactions/c_h223.yaml", "vote: support\n") // new
	write("content/proposals/p1/reactions/m_ef.yaml", "vote: oppose\n")    // modified
	fsys, err := generator.OpenSource(clone)
	if err != nil {
		t.Fatal(err)
	}
	var errs diag.List
	cfg := config.Load(fsys, &errs)
	st, err := content.DecodeStore(cache, cfg, generator.CacheVersion())
	if err != nil {
		t.Fatal(err)
	}
	wi, err := history.ReadWorkIndex(clone)
	if err != nil {
		t.Fatal(err)
	}
	s, _, _, stats := content.LoadStored(fsys, cfg, generator.CacheVersion(), st, wi.Blob)
	if stats.Read != 2 || stats.Files != st.Len()+1 {
		t.Errorf("read %d of %d files (%d in the cache), want 2", stats.Read, stats.Files, st.Len())
	}
	want, _ := content.Load(fsys, cfg)
	if len(s.Reactions) != len(want.Reactions) || s.Reactions[1].Vote() != "oppose" {
		t.Errorf("reactions: %+v", s.Reactions)
	}
}

// TestCommittedContentCacheIsNotTrusted: the content cache says what each file holds. One
// committed to the repository (here one that changes the comment of Marco's vote) is
// the committer's word, never used: every file is read, and the comment is his.
func TestCommittedContentCacheIsNotTrusted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\ncomment: ottimo\n")
	time.Sleep(20 * time.Millisecond)
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto")
	time.Sleep(20 * time.Millisecond)
	if v := g.vote(reggioVote); v["vote"] != "support" || v["comment"] != "ottimo" {
		t.Fatalf("before: %v, %v", v["vote"], v["comment"])
	}
	// Forge the cache: the stored comment says orrido (as long as ottimo: a vote is held
	// in a byte), with the checksum made again as a forger would.
	data := bytes.ReplaceAll([]byte(g.read(generator.ContentCache)), []byte("ottimo"), []byte("orrido"))
	data = binary.LittleEndian.AppendUint32(data[:len(data)-4], crc32.ChecksumIEEE(data[:len(data)-4]))
	g.write(generator.ContentCache, string(data))
	if v := g.vote(reggioVote); v["comment"] != "orrido" {
		t.Fatalf("the forged cache beside the checkout is not used (comment %v): the test proves nothing", v["comment"])
	}
	g.write(generator.ContentCache, string(data))
	g.run("", "add", "-f", generator.ContentCache)
	time.Sleep(20 * time.Millisecond)
	g.commitAll("2025-02-04T09:00:00Z", eve, "Cache")
	time.Sleep(20 * time.Millisecond)

	votes, res, _ := g.build()
	if v := votes[reggioVote]; v["vote"] != "support" || v["comment"] != "ottimo" {
		t.Errorf("with a committed cache the vote is %v, %v; want support, ottimo", v["vote"], v["comment"])
	}
	if !strings.Contains(res.Diagnostics.Format(), "the content cache is committed in the repository") {
		t.Errorf("no warning about the committed cache:\n%s", res.Diagnostics.Format())
	}
}

// buildFiles builds g's site into memory and returns every file written.
func buildFiles(t *testing.T, g *gitRepo) map[string][]byte {
	t.Helper()
	_, files := buildResult(t, g)
	return files
}

// buildResult builds g's site into memory and returns the result and every file written.
func buildResult(t *testing.T, g *gitRepo) (*generator.Result, map[string][]byte) {
	t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	return res, out.Files()
}

// sameFiles reports the first differences between two outputs.
func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	var diffs []string
	for name, w := range want {
		if g, ok := got[name]; !ok {
			diffs = append(diffs, "missing "+name)
		} else if !bytes.Equal(g, w) {
			diffs = append(diffs, "differs "+name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			diffs = append(diffs, "extra "+name)
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Errorf("%s: %d files not the cold build's: %s", what, len(diffs), strings.Join(diffs[:min(len(diffs), 10)], ", "))
	}
}

// TestBuildThroughContentCacheIsTheColdBuild: after each kind of merged change (a vote, a
// new proposal, an answer, a change of tags, a removal), a build through the caches of the
// previous one (the files Git knows from the content cache, the search index brought up
// to date, the plain texts and the compressed bundle files that did not change) writes
// the very bytes of a build with no cache.
func TestBuildThroughContentCacheIsTheColdBuild(t *testing.T) {
	g := newGitRepo(t, "author", "")
	buildFiles(t, g) // fills the caches
	for _, c := range []string{generator.ContentCache, generator.TextCache, generator.BundleCache} {
		if _, err := os.Stat(g.path(c)); err != nil {
			t.Fatalf("no %s after a build: %v", c, err)
		}
	}
	changes := []struct {
		name string
		do   func()
	}{
		{"a vote", func() { g.write("content/proposals/p1/reactions/c_h223.yaml", "vote: oppose\n") }},
		{"a new proposal", func() {
			g.write("content/proposals/p2/index.md", "---\ntitle: Proposta due\nbody: c_h223\ndate: 2025-02-02\ntags: [cloud]\n---\nUn'altra proposta.\n")
		}},
		{"an answer", func() {
			p := g.read("content/proposals/p1/index.md")
			p = strings.Replace(p, "status: open\n", "status: accepted\nanswer:\n  date: 2025-03-01\n  text: Accolta.\n", 1)
			g.write("content/proposals/p1/index.md", p)
		}},
		{"a tag change", func() {
			p := g.read("content/proposals/p1/index.md")
			g.write("content/proposals/p1/index.md", strings.Replace(p, "tags: [Cloud, dati aperti]", "tags: [Cloud, interoperabilità]", 1))
		}},
		{"a removal", func() { g.remove("content/proposals/p1/feedback/m_ef-domanda.md") }},
	}
	for i, c := range changes {
		c.do()
		time.Sleep(20 * time.Millisecond) // so that the index is written after the files: they are not racily clean
		g.commitAll("2025-03-0"+string(rune('2'+i))+"T10:00:00Z", anna, c.name)
		time.Sleep(20 * time.Millisecond)
		warm := buildFiles(t, g)
		if err := os.RemoveAll(g.path(".pspm")); err != nil {
			t.Fatal(err)
		}
		sameFiles(t, "after "+c.name, warm, buildFiles(t, g))
	}
}

// TestContentCacheIsWrittenBeforeTheBuildReturns: the content cache is written while the
// build goes on, and the build waits for it: a write slower than the whole build is
// still done, with every file the load read, when Build returns.
func TestContentCacheIsWrittenBeforeTheBuildReturns(t *testing.T) {
	g := newGitRepo(t, "author", "")
	generator.SlowContentCacheWrite(t, 300*time.Millisecond)
	g.build()
	data, err := os.ReadFile(g.path(generator.ContentCache))
	if err != nil {
		t.Fatalf("no content cache once the build returned: %v", err)
	}
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	var errs diag.List
	st, err := content.DecodeStore(data, config.Load(fsys, &errs), generator.CacheVersion())
	if err != nil || st.Len() == 0 {
		t.Fatalf("the content cache: %v, %d files", err, st.Len())
	}
}

// TestBuildOutsideTheHeapIsTheSameBuild: with the texts, the cards and the compressed
// datasets copied outside the heap (as pspm build does), a cold build and a build through
// the caches after a vote write the bytes of builds that keep everything on the heap.
func TestBuildOutsideTheHeapIsTheSameBuild(t *testing.T) {
	g := newGitRepo(t, "author", "")
	onHeap := func() map[string][]byte {
		offheap.Disable()
		if err := os.RemoveAll(g.path(".pspm")); err != nil {
			t.Fatal(err)
		}
		return buildFiles(t, g)
	}
	want := onHeap()
	if err := os.RemoveAll(g.path(".pspm")); err != nil {
		t.Fatal(err)
	}
	offheap.Enable()
	defer offheap.Disable()
	held := offheap.Held()
	sameFiles(t, "a cold build outside the heap", buildFiles(t, g), want)
	if offheap.Held()-held < 1000 {
		t.Fatalf("a build held %d bytes outside the heap", offheap.Held()-held)
	}
	g.write("content/proposals/p1/reactions/c_h223.yaml", "vote: oppose\n")
	time.Sleep(20 * time.Millisecond) // so that the index is written after the files: they are not racily clean
	g.commitAll("2025-03-02T10:00:00Z", anna, "a vote")
	time.Sleep(20 * time.Millisecond)
	held = offheap.Held()
	warm := buildFiles(t, g) // through the caches of the build before, read outside the heap
	if offheap.Held() == held {
		t.Fatal("a build through the caches held nothing outside the heap")
	}
	sameFiles(t, "a build through the caches outside the heap", warm, onHeap())
}
