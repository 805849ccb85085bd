package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/history"
)

// TestCommittedHistoryCacheIsNotTrusted: the history cache says who cast each vote and
// when it landed. A cache committed to the repository (here one that credits Eve's vote
// for c_h223 to Marco, a member) is the committer's word, never used: the history is read
// whole, and the vote is Eve's.
func TestCommittedHistoryCacheIsNotTrusted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Voto")
	if v := g.vote(reggioVote); v["counted"] != false || v["reason"] != "not-member" {
		t.Fatalf("before: %v %v", v["counted"], v["reason"])
	}

	// Forge the cache pspm kept: the vote's commit authored by Marco.
	h, err := history.Decode([]byte(g.read(generator.HistoryCache)))
	if err != nil {
		t.Fatal(err)
	}
	p := h.Files[reggioVote]
	if p == nil {
		t.Fatalf("the cache has no %s", reggioVote)
	}
	p.Author.Name, p.Author.Email = "Marco Bianchi", "marco.bianchi@comune.re.it"
	forged, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	g.write(generator.HistoryCache, string(forged))
	g.run("", "add", "-f", generator.HistoryCache)
	g.commitAll("2025-02-04T09:00:00Z", eve, "Cache")

	votes, res, _ := g.build()
	v := votes[reggioVote]
	if v["counted"] != false || v["reason"] != "not-member" || v["author_name"] != "Eve" {
		t.Errorf("with a committed cache: counted %v, reason %v, author %v; want Eve's vote, not counted", v["counted"], v["reason"], v["author_name"])
	}
	if !strings.Contains(res.Diagnostics.Format(), "the history cache is committed in the repository") {
		t.Errorf("no warning about the committed cache:\n%s", res.Diagnostics.Format())
	}
}
