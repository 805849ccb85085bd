package history

import (
	"os"
	"strconv"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// BenchmarkNetChange measures the gate's reading of a merge request on a long history
// (PSPM_HISTORY_COMMITS file commits, 20,000 by default): a request of three votes and a
// merge of the root commit, which makes the walk of base..head read the whole history.
// The second walk of the target's history, so that no backdated commit passes for one of
// the request's, costs about 15% of it (20,000 commits, 2 cores: 0.35 s against 0.30 s).
//
//	go test ./generator/history/ -run '^$' -bench NetChange -benchtime 1x -count 3
func BenchmarkNetChange(b *testing.B) {
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("PSPM_HISTORY_COMMITS")); err == nil && v > 0 {
		n = v
	}
	dir := b.TempDir()
	s, tip := genRepo(b, dir, n)
	root := tip
	for {
		c, err := object.GetCommit(s.st, root)
		if err != nil {
			b.Fatal(err)
		}
		if len(c.ParentHashes) == 0 {
			break
		}
		root = c.ParentHashes[0]
	}
	req := tip
	for range 3 {
		s.add()
		req = s.commit("body001", "Vote\n", req)
	}
	req = s.commit("body001", "Merge\n", req, root)
	if err := s.st.(storer.ReferenceStorer).SetReference(plumbing.NewHashReference("refs/heads/req", req)); err != nil {
		b.Fatal(err)
	}
	o := Options{Dir: dir}
	b.ReportAllocs()
	for b.Loop() {
		net, err := NetChange(o, "main", "req")
		if err != nil {
			b.Fatal(err)
		}
		if len(net.Commits) != 4 {
			b.Fatalf("%d commits in the request, want 4", len(net.Commits))
		}
	}
}
