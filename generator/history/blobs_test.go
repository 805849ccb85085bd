package history

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// actionFile is version v of action file f: front matter whose progress changes at
// every version, a body of its own, and one more progress note per version, as an
// action's page grows over a plan's life.
func actionFile(f, v int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: Azione %d\nowner: Ufficio %d\nstatus: in-progress\nprogress: %d\n---\n", f, f%37, (v*7+f)%101)
	for i := range 12 {
		fmt.Fprintf(&b, "Paragrafo %d dell'azione %d: obiettivi, indicatori e risorse del piano triennale.\n", i, f)
	}
	for i := range v {
		fmt.Fprintf(&b, "- Aggiornamento %d: avanzamento al %d%%.\n", i+1, (i*7+f)%101)
	}
	return b.String()
}

func blobHash(content string) string {
	return plumbing.ComputeHash(plumbing.BlobObject, []byte(content)).String()
}

// actionRepo commits versions of files action files, one commit per version changing
// every file, and returns every version's content by blob hash.
func actionRepo(t *testing.T, files, versions int) (*testRepo, map[string]string) {
	t.Helper()
	r := newTestRepo(t)
	want := map[string]string{}
	for v := range versions {
		for f := range files {
			content := actionFile(f, v)
			r.write(fmt.Sprintf("content/actions/a%03d/index.md", f), content)
			want[blobHash(content)] = content
		}
		r.commit(maintainer, day(v), fmt.Sprintf("Progress %d", v))
	}
	return r, want
}

func readBlobs(t testing.TB, o Options, hashes []string, limit int64) map[string][]byte {
	t.Helper()
	got, err := ReadBlobs(o, hashes, limit)
	if err != nil {
		t.Fatalf("ReadBlobs: %v", err)
	}
	return got
}

func checkBlobs(t *testing.T, got map[string][]byte, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d blobs, want %d", len(got), len(want))
	}
	for h, content := range want {
		if b, ok := got[h]; !ok || string(b) != content {
			t.Errorf("blob %.7s = %q (present: %v), want %q", h, b, ok, content)
		}
	}
}

// packedKinds counts the objects of the repository's packs by how they are stored, as
// git verify-pack says: "blob" for whole blobs, "delta" for blobs stored as deltas.
func packedKinds(t *testing.T, r *testRepo) map[string]int {
	t.Helper()
	idx, _ := filepath.Glob(filepath.Join(r.dir, ".git", "objects", "pack", "*.idx"))
	n := map[string]int{}
	for _, p := range idx {
		for _, line := range strings.Split(r.git("verify-pack", "-v", p), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) >= 7 && f[1] == "blob":
				n["delta"]++
			case len(f) >= 5 && f[1] == "blob":
				n["blob"]++
			}
		}
	}
	return n
}

// Every version of every file reads back, from loose objects as from a pack where
// most versions are deltas of others after git gc; and again once more loose versions
// are committed beside the pack.
func TestReadBlobsLooseAndPacked(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	r, want := actionRepo(t, 20, 8)
	want[blobHash("")] = ""
	r.write("content/empty.md", "")
	r.commit(maintainer, day(20), "An empty file")
	missing := blobHash("never committed\n")
	hashes := append(mapKeysSlice(want), missing, missing, mapKeysSlice(want)[0])
	o := Options{Dir: r.dir}

	got := readBlobs(t, o, hashes, -1)
	checkBlobs(t, got, want)
	if _, ok := got[missing]; ok {
		t.Error("a missing blob is in the map")
	}
	if b, ok := got[blobHash("")]; !ok || b == nil {
		t.Errorf("the empty blob = %v (present: %v), want present and empty", b, ok)
	}

	r.git("gc", "-q")
	if n := packedKinds(t, r); n["delta"] < 100 {
		t.Fatalf("after gc the pack holds %v blobs: too few deltas to test them", n)
	}
	checkBlobs(t, readBlobs(t, o, hashes, -1), want)

	for f := range 20 {
		content := actionFile(f, 8) + "Loose.\n"
		r.write(fmt.Sprintf("content/actions/a%03d/index.md", f), content)
		want[blobHash(content)] = content
	}
	r.commit(maintainer, day(21), "Loose beside the pack")
	checkBlobs(t, readBlobs(t, o, mapKeysSlice(want), -1), want)
	if got := readBlobs(t, o, nil, -1); got == nil || len(got) != 0 {
		t.Errorf("no hashes: %v, want an empty map", got)
	}
}

func mapKeysSlice[V any](m map[string]V) []string {
	var keys []string
	for k := range mapKeys(m) {
		keys = append(keys, k)
	}
	return keys
}

// A blob over the limit is an error that names it, whether stored whole, as a delta,
// or loose, and the others are still read; a blob of exactly the limit is read.
func TestReadBlobsLimit(t *testing.T) {
	r, _ := actionRepo(t, 3, 6)
	big, bigger, small := actionFile(1, 5), actionFile(2, 5), actionFile(0, 0)
	h := blobHash(big)
	o := Options{Dir: r.dir}
	check := func(stored string) {
		t.Helper()
		if got := readBlobs(t, o, []string{h}, int64(len(big))); string(got[h]) != big {
			t.Errorf("%s: the blob of exactly the limit reads as %q", stored, got[h])
		}
		got, err := ReadBlobs(o, []string{blobHash(small), h, blobHash(bigger)}, int64(len(big))-1)
		if err == nil || !strings.Contains(err.Error(), h) || !strings.Contains(err.Error(), fmt.Sprint(len(big))) ||
			!strings.Contains(err.Error(), "and 1 more") {
			t.Errorf("%s: over the limit: %v; want an error naming %.7s and its size, and counting the other", stored, err, h)
		}
		if len(got) != 1 || string(got[blobHash(small)]) != small {
			t.Errorf("%s: over the limit, the map holds %d blobs; want only the small one", stored, len(got))
		}
	}
	check("loose")
	r.git("gc", "-q")
	check("packed")
}

// A hash of a tree, commit or tag, or a string that is no hash, is the caller's
// mistake: an error, not a missing blob.
func TestReadBlobsRefusesWhatIsNotABlob(t *testing.T) {
	r, c := tagRepo(t)
	r.annotate(maintainer, 5, "plan/1", "Plan", c[0])
	o := Options{Dir: r.dir}
	objects := map[string]string{
		"commit": c[0],
		"tree":   r.git("rev-parse", c[0]+"^{tree}"),
		"tag":    r.git("rev-parse", "refs/tags/plan/1"),
	}
	check := func(stored string) {
		t.Helper()
		for kind, h := range objects {
			if _, err := ReadBlobs(o, []string{h}, -1); err == nil || !strings.Contains(err.Error(), h) || !strings.Contains(err.Error(), "not a blob") {
				t.Errorf("%s %s: %v, want an error saying it is not a blob", stored, kind, err)
			}
		}
	}
	check("loose")
	r.git("gc", "-q")
	check("packed")
	for _, bad := range []string{"xyz", c[0][:12], c[0] + "00", strings.Repeat("g", 40)} {
		if _, err := ReadBlobs(o, []string{bad}, -1); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ReadBlobs(%q): %v, want an error naming it", bad, err)
		}
	}
}

// The site folder may lie below the repository root; outside any repository, the
// caller is told so.
func TestReadBlobsFromSiteInSubfolder(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/actions/a/index.md", "# A\n")
	r.commit(maintainer, day(1), "A")
	h := blobHash("# A\n")
	if got := readBlobs(t, Options{Dir: filepath.Join(r.dir, "site")}, []string{h}, 100); string(got[h]) != "# A\n" {
		t.Errorf("from site/: %q", got[h])
	}
	if _, err := ReadBlobs(Options{Dir: t.TempDir()}, []string{h}, 100); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: %v, want ErrNotRepository", err)
	}
}

// actionHistory writes, with git fast-import, versions of files action files, one
// commit per version, and returns every blob's hash; packed says whether to leave them
// in a pack (git gc, so that most versions are deltas) or loose.
func actionHistory(tb testing.TB, files, versions int, packed bool) (string, []string) {
	tb.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		tb.Skip("git not installed")
	}
	s := &scaleRepo{dir: tb.TempDir()}
	s.git(tb, "init", "-q", "-b", "main", ".")
	var hashes []string
	s.fastImport(tb, func(w *bufio.Writer) {
		for v := range versions {
			fmt.Fprintf(w, "commit refs/heads/main\ncommitter maintainer <piano@mef.gov.it> %d +0100\ndata 8\nprogress\n", 1700000000+v*86400)
			for f := range files {
				content := actionFile(f, v)
				hashes = append(hashes, blobHash(content))
				fmt.Fprintf(w, "M 100644 inline content/actions/a%04d/index.md\ndata %d\n%s\n", f, len(content), content)
			}
		}
	})
	if packed {
		s.git(tb, "gc", "-q")
	} else {
		packs, _ := filepath.Glob(filepath.Join(s.dir, ".git", "objects", "pack", "*.pack"))
		for _, p := range packs {
			data, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			// unpack-objects skips the objects the repository already holds: the
			// pack goes first.
			os.Remove(p)
			os.Remove(strings.TrimSuffix(p, ".pack") + ".idx")
			cmd := s.gitCmd("unpack-objects", "-q")
			cmd.Stdin = bytes.NewReader(data)
			if out, err := cmd.CombinedOutput(); err != nil {
				tb.Fatalf("unpack-objects: %v\n%s", err, out)
			}
		}
		if packs, _ := filepath.Glob(filepath.Join(s.dir, ".git", "objects", "pack", "*.pack")); len(packs) > 0 {
			tb.Fatalf("packs left: %q", packs)
		}
	}
	return s.dir, hashes
}

// Many readers at once give each blob its own content (run with -race).
func TestReadBlobsConcurrently(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	for _, packed := range []bool{true, false} {
		dir, hashes := actionHistory(t, 60, 10, packed)
		got := readBlobs(t, Options{Dir: dir}, hashes, 1<<20)
		for i, h := range hashes {
			if want := actionFile(i%60, i/60); string(got[h]) != want {
				t.Fatalf("packed %v: blob %.7s (file %d, version %d) = %q, want %q", packed, h, i%60, i/60, got[h], want)
			}
		}
	}
}

// BenchmarkReadBlobs reads every version of 500 action files, 10 versions each
// (5,000 blobs), as charting their progress does: from a repository after git gc,
// where most are deltas, and from loose objects.
//
//	go test ./generator/history -run '^$' -bench ReadBlobs
func BenchmarkReadBlobs(b *testing.B) {
	for _, packed := range []bool{true, false} {
		name := map[bool]string{true: "packed", false: "loose"}[packed]
		b.Run(name, func(b *testing.B) {
			dir, hashes := actionHistory(b, 500, 10, packed)
			o := Options{Dir: dir}
			b.ReportAllocs()
			var got map[string][]byte
			for b.Loop() {
				got = readBlobs(b, o, hashes, 1<<20)
			}
			if len(got) != len(hashes) {
				b.Fatalf("%d blobs, want %d", len(got), len(hashes))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(hashes)), "ns/blob")
		})
	}
}

// A blob damaged on disk is an error that names it; the others are still read.
func TestReadBlobsCorruptBlobIsNamedAndOthersKept(t *testing.T) {
	r, want := actionRepo(t, 2, 2)
	bad := blobHash(actionFile(1, 1))
	r.writeLoose(bad, []byte("x\x9c not zlib at all"))
	delete(want, bad)
	got, err := ReadBlobs(Options{Dir: r.dir}, append(mapKeysSlice(want), bad), -1)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("error %v, want one naming %.7s", err, bad)
	}
	checkBlobs(t, got, want)
}
