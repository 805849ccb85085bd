package generator_test

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/history"
)

// TestWarmBuildThatAppendedMatchesColdBuild: a warm build appends what landed since to
// the history cache, and builds the very site a build without the cache builds.
func TestWarmBuildThatAppendedMatchesColdBuild(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.build()
	before := []byte(g.read(generator.HistoryCache))

	g.landMR("2025-02-03T09:00:00Z", "voto-reggio", marco, "Voto del Comune", map[string]string{reggioVote: "vote: support\n"})
	g.write("content/proposals/p1/feedback/c_h223-dubbio.md", "---\ntitle: Un dubbio\ndate: 2025-02-11\nkind: objection\n---\nPerché?\n")
	g.commitAll("2025-02-11T09:00:00Z", marco, "Commento")
	_, _, warm := g.build()
	after := []byte(g.read(generator.HistoryCache))
	if len(after) <= len(before) || !bytes.HasPrefix(after, before) {
		t.Fatalf("the warm build did not append to the cache (%d bytes, then %d)", len(before), len(after))
	}

	if err := os.Remove(g.path(generator.HistoryCache)); err != nil {
		t.Fatal(err)
	}
	_, _, cold := g.build()
	wf, cf := warm.Files(), cold.Files()
	if !slices.Equal(warm.Names(), cold.Names()) {
		t.Fatalf("the warm build wrote %d files, the cold one %d", len(wf), len(cf))
	}
	for _, name := range cold.Names() {
		if !bytes.Equal(wf[name], cf[name]) {
			t.Errorf("%s differs between the warm and the cold build", name)
		}
	}
	if v := g.vote(reggioVote); v["counted"] != true {
		t.Errorf("the vote landed by the merge request: counted %v (%v)", v["counted"], v["reason"])
	}
}

// TestTornHistoryCacheIsReadAgain: a build killed while appending leaves the cache cut
// inside its last segment; the next build reads the whole history instead, and writes
// the cache whole again.
func TestTornHistoryCacheIsReadAgain(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.build()
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	g.build()
	cache := []byte(g.read(generator.HistoryCache))
	g.write(generator.HistoryCache, string(cache[:len(cache)-3]))

	g.write(reggioVote, "vote: oppose\n")
	commit := g.commitAll("2025-02-04T09:00:00Z", marco, "Voto cambiato")
	v := g.vote(reggioVote)
	if v["counted"] != true || v["commit"] != commit {
		t.Errorf("after a torn cache: counted %v, commit %v; want counted, %s", v["counted"], v["commit"], commit)
	}
	h, err := history.Decode([]byte(g.read(generator.HistoryCache)))
	if err != nil {
		t.Fatalf("the cache was not written again: %v", err)
	}
	if h.Files[reggioVote] == nil || h.Files[reggioVote].Commit != commit {
		t.Errorf("the cache written again does not hold the vote's commit")
	}
}
