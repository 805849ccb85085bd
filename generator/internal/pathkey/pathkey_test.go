package pathkey

import (
	"strconv"
	"testing"
)

// TestKeysTellPathsApart: a path always has the same key, and a million different paths
// (numbered, and numbered with a suffix, as a portal's pages are) have a million keys.
func TestKeysTellPathsApart(t *testing.T) {
	const n = 500000
	seen := make(map[Key]string, 2*n)
	for i := range n {
		for _, p := range []string{strconv.Itoa(i), "proposals/p-" + strconv.Itoa(i) + "/index.html"} {
			k := Of(p)
			if Of(p) != k {
				t.Fatalf("%s: two keys", p)
			}
			if q, dup := seen[k]; dup {
				t.Fatalf("%s and %s have the same key", p, q)
			}
			seen[k] = p
		}
	}
	if Of("a") == Of("a/") || Of("") == Of("\x00") {
		t.Fatal("paths one byte apart have the same key")
	}
}
