package render

import (
	"path"
	"testing"
)

// FuzzIndexFileIsJoin: indexFile skips path.Join for a URL that is clean already; for
// any URL it gives what path.Join gives.
func FuzzIndexFileIsJoin(f *testing.F) {
	for _, u := range []string{"/", "/a/", "/a/b/", "/a//b/", "/a/./b/", "/a/../b/", "/en/", "/en/proposals/x/", "/a", "//", "/a/b/../", "/.", "/./", "/a/b/."} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, u string) {
		if u == "" || u[0] != '/' {
			return // every caller gives a site path
		}
		if got, want := indexFile(u), path.Join(u[1:], "index.html"); got != want {
			t.Errorf("indexFile(%q) = %q, want %q", u, got, want)
		}
	})
}
