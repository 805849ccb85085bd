package generator_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
)

// TestPageCacheRecordsEveryFileAsItIsInTheDestination: after a build that renders every
// page, one that keeps them all and one that renders a few, the page cache gives each
// file the size and modification time the destination has for it, kept files included
// (whose times save takes from what Keep saw): the next build then keeps them without
// reading them.
func TestPageCacheRecordsEveryFileAsItIsInTheDestination(t *testing.T) {
	g := newGitRepo(t, "author", "")
	dest := filepath.Join(t.TempDir(), "public")
	check := func(step string, wantKept bool) {
		t.Helper()
		res := g.incrBuild(dest)
		if wantKept != (res.Kept > 0) {
			t.Fatalf("%s: %d kept, %d rendered", step, res.Kept, res.Rendered)
		}
		files, err := generator.PageCacheFiles(g.dir)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if len(files) < res.Kept+res.Rendered/2 {
			t.Fatalf("%s: the page cache has %d files, the build %d kept and %d rendered", step, len(files), res.Kept, res.Rendered)
		}
		for name, sm := range files {
			fi, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(name)))
			if err != nil {
				t.Fatalf("%s: %v", step, err)
			}
			if fi.Size() != sm[0] || fi.ModTime().UnixNano() != sm[1] {
				t.Fatalf("%s: %s is %d bytes of %v; the page cache says %d bytes of %v", step, name, fi.Size(), fi.ModTime(), sm[0], time.Unix(0, sm[1]))
			}
		}
	}
	check("first build", false)
	// Kept files keep the times they had: a file system's clock may have moved on.
	time.Sleep(20 * time.Millisecond)
	check("nothing changed", true)
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-01-01T15:00:00Z", marco, "vote")
	check("a vote", true)
	check("nothing changed again", true)
}
