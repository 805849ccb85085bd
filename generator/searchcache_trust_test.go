package generator_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/search"
)

// TestCommittedSearchIndexIsNotUsed: a search index committed in the repository (which a
// merge request could have forged, to put what it likes in the search bundle) is neither
// read nor updated: the build says so and indexes in memory, leaving the committed files
// as they are, and writes the files of a build with no cache.
func TestCommittedSearchIndexIsNotUsed(t *testing.T) {
	g := newGitRepo(t, "author", "")
	buildFiles(t, g) // writes the index into .pspm/cache/search
	g.run("", "add", "-f", search.CacheDir)
	time.Sleep(20 * time.Millisecond)
	g.commitAll("2025-02-04T09:00:00Z", eve, "Cache")
	g.write("content/proposals/p2/index.md", "---\ntitle: Proposta due\nbody: c_h223\ndate: 2025-02-02\ntags: [cloud]\n---\nUn'altra proposta sulla banda ultralarga.\n")
	time.Sleep(20 * time.Millisecond)
	g.commitAll("2025-02-05T09:00:00Z", anna, "Una proposta")
	time.Sleep(20 * time.Millisecond)

	_, res, out := g.build()
	if !strings.Contains(res.Diagnostics.Format(), "the search index is committed in the repository") {
		t.Errorf("no warning about the committed index:\n%s", res.Diagnostics.Format())
	}
	if st := g.run("", "status", "--porcelain", "--", search.CacheDir); st != "" {
		t.Errorf("the committed index was changed by the build:\n%s", st)
	}
	// The same commit built with no cache at all.
	if err := os.RemoveAll(g.path(".pspm")); err != nil {
		t.Fatal(err)
	}
	sameFiles(t, "with a committed index", out.Files(), buildFiles(t, g))
}
