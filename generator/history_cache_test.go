package generator_test

import (
	"bytes"
	"os"
	"slices"
	"testing"

	"github.com/pspm-dev/pspm/generator"
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
