package history

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
)

// readFileLimit is the optional method the site loader probes for.
type readFileLimit interface {
	ReadFileLimit(name string, limit int64) ([]byte, error)
}

// siteRepo makes a repository whose site lives in site/, with two commits and a
// work tree that differs from both.
func siteRepo(t *testing.T) (r *testRepo, first, second string) {
	r = newTestRepo(t)
	r.write("README.md", "outside the site\n")
	r.write("site/pspm.yaml", "title: v1\n")
	r.write("site/content/proposals/p/index.md", "# P\n")
	r.write("site/content/proposals/p/reactions/m_ef.yaml", "vote: support\n")
	r.write("site/layouts/page.html", "<main>{{ .Content }}</main>\n")
	first = r.commit(maintainer, day(1), "First")
	r.write("site/pspm.yaml", "title: v2\n")
	r.remove("site/content/proposals/p/reactions/m_ef.yaml")
	r.write("site/content/proposals/q/index.md", "# Q\n")
	second = r.commit(maintainer, day(2), "Second")
	// Uncommitted: a snapshot never sees it.
	r.write("site/pspm.yaml", "title: draft\n")
	r.write("site/content/draft.md", "draft\n")
	return r, first, second
}

func snap(t *testing.T, dir, rev string) (fs.FS, *Commit) {
	t.Helper()
	fsys, c, err := Snapshot(Options{Dir: dir}, rev)
	if err != nil {
		t.Fatalf("Snapshot(%q): %v", rev, err)
	}
	return fsys, c
}

func readString(t *testing.T, fsys fs.FS, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", name, err)
	}
	return string(b)
}

// A snapshot is the whole site folder as committed in that revision, whatever the
// work tree holds, and it passes the standard library's file system checks.
func TestSnapshotIsTheSiteFolderAtTheRevision(t *testing.T) {
	r, first, second := siteRepo(t)
	site := filepath.Join(r.dir, "site")
	status := r.git("status", "--porcelain")

	fsys, c := snap(t, site, first[:9])
	if c.Hash != first || c.Message != "First\n" || c.Author.Email != maintainer.email || !c.Committer.When.Equal(day(1)) {
		t.Errorf("commit = %+v, want the first one", c)
	}
	if err := fstest.TestFS(fsys, "pspm.yaml", "content/proposals/p/index.md",
		"content/proposals/p/reactions/m_ef.yaml", "layouts/page.html"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, fsys, "pspm.yaml"); got != "title: v1\n" {
		t.Errorf("pspm.yaml = %q, want the first version", got)
	}
	for _, absent := range []string{"README.md", "content/proposals/q/index.md", "content/draft.md", "site/pspm.yaml"} {
		if _, err := fs.Stat(fsys, absent); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat(%s): %v, want fs.ErrNotExist", absent, err)
		}
	}

	fsys, c = snap(t, site, "main")
	if c.Hash != second {
		t.Errorf("main is %.7s, want %.7s", c.Hash, second)
	}
	if err := fstest.TestFS(fsys, "pspm.yaml", "content/proposals/p/index.md",
		"content/proposals/q/index.md", "layouts/page.html"); err != nil {
		t.Fatal(err)
	}
	if got := readString(t, fsys, "pspm.yaml"); got != "title: v2\n" {
		t.Errorf("pspm.yaml = %q, want the committed version", got)
	}
	if _, err := fs.Stat(fsys, "content/proposals/p/reactions"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an emptied folder: %v, want fs.ErrNotExist", err)
	}
	fi, err := fs.Stat(fsys, "pspm.yaml")
	if err != nil || fi.Size() != int64(len("title: v2\n")) || fi.IsDir() || !fi.ModTime().Equal(day(2)) || fi.Mode() != 0o644 {
		t.Errorf("Stat(pspm.yaml) = %v, %v", fi, err)
	}
	if got := r.git("status", "--porcelain"); got != status {
		t.Errorf("the work tree changed:\n%s\nwas\n%s", got, status)
	}
	if b, _ := os.ReadFile(filepath.Join(site, "pspm.yaml")); string(b) != "title: draft\n" {
		t.Errorf("pspm.yaml on disk = %q", b)
	}
}

// Every way of naming a revision that CI and users write resolves, an annotated tag to
// the commit it tags; an unknown one is an error that names it.
func TestSnapshotResolvesRevisions(t *testing.T) {
	r, first, second := siteRepo(t)
	r.git("tag", "light", first)
	r.run(maintainer, maintainer, day(3), day(3), "tag", "-a", "-m", "Plan 2025", "plan/2025", first)
	r.git("update-ref", "refs/remotes/origin/main", first)
	site := filepath.Join(r.dir, "site")
	for rev, want := range map[string]string{
		"main": second, "HEAD": second, "HEAD~1": first, "main^": first, second: second,
		first[:7]: first, "light": first, "plan/2025": first, "refs/tags/plan/2025": first,
		"origin/main": first, "refs/remotes/origin/main": first,
	} {
		_, c, err := Snapshot(Options{Dir: site}, rev)
		if err != nil {
			t.Errorf("Snapshot(%q): %v", rev, err)
		} else if c.Hash != want {
			t.Errorf("Snapshot(%q) is %.7s, want %.7s", rev, c.Hash, want)
		}
	}
	// A detached checkout, as CI makes.
	r.git("checkout", "-q", "-f", "--detach", first)
	if _, c, err := Snapshot(Options{Dir: site}, "HEAD"); err != nil || c.Hash != first {
		t.Errorf("detached HEAD: %v, %v", c, err)
	}
	for _, bad := range []string{"nope", "main~5", "0000000", "", "HEAD^{/no such message}", "main@{"} {
		_, _, err := Snapshot(Options{Dir: site}, bad)
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q", bad)) {
			t.Errorf("Snapshot(%q): err = %v, want one that names it", bad, err)
		}
	}
}

// A revision from before the site folder existed has no site.
func TestSnapshotWithoutTheSiteFolder(t *testing.T) {
	r := newTestRepo(t)
	r.write("README.md", "x\n")
	before := r.commit(maintainer, day(1), "Readme")
	r.write("site/pspm.yaml", "title: x\n")
	r.commit(maintainer, day(2), "Site")
	_, _, err := Snapshot(Options{Dir: filepath.Join(r.dir, "site")}, before)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "site/") {
		t.Errorf("err = %v, want fs.ErrNotExist naming the folder", err)
	}
	if _, _, err := Snapshot(Options{Dir: t.TempDir()}, "main"); !errors.Is(err, ErrNotRepository) {
		t.Errorf("outside a repository: %v", err)
	}
}

// Symbolic links and submodules are absent from a snapshot, never followed, and no
// path climbs out of it.
func TestSnapshotHidesLinksAndSubmodules(t *testing.T) {
	r := newTestRepo(t)
	r.write("secret.txt", "outside\n")
	r.write("site/content/a.md", "a\n")
	r.write("site/static/run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(r.dir, "site/static/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../secret.txt", filepath.Join(r.dir, "site/content/link.md")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink("/etc", filepath.Join(r.dir, "site/etc")); err != nil {
		t.Fatal(err)
	}
	r.git("add", "-A")
	other := r.commit(maintainer, day(1), "Files")
	r.git("update-index", "--add", "--cacheinfo", "160000,"+other+",site/theme")
	r.commit(maintainer, day(2), "Submodule")

	fsys, _ := snap(t, filepath.Join(r.dir, "site"), "HEAD")
	if err := fstest.TestFS(fsys, "content/a.md", "static/run.sh"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"content/link.md", "etc", "etc/passwd", "theme", "theme/x"} {
		if _, err := fsys.Open(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%s): %v, want fs.ErrNotExist", name, err)
		}
		if _, err := fs.ReadFile(fsys, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%s): %v, want fs.ErrNotExist", name, err)
		}
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "content static" {
		t.Errorf("root lists %q, want only the folders", names)
	}
	for _, bad := range []string{"../secret.txt", "content/../../secret.txt", "/content/a.md", "content//a.md", "./content/a.md"} {
		if _, err := fsys.Open(bad); !errors.Is(err, fs.ErrInvalid) {
			t.Errorf("Open(%s): %v, want fs.ErrInvalid", bad, err)
		}
		if _, err := fs.ReadFile(fsys, bad); err == nil {
			t.Errorf("ReadFile(%s) succeeded", bad)
		}
	}
	if fi, err := fs.Stat(fsys, "static/run.sh"); err != nil || fi.Mode() != 0o755 {
		t.Errorf("an executable: %v, %v", fi, err)
	}
	if _, err := fs.ReadFile(fsys, "content"); err == nil {
		t.Error("ReadFile of a folder succeeded")
	}
	if _, err := fs.ReadDir(fsys, "content/a.md"); err == nil {
		t.Error("ReadDir of a file succeeded")
	}
}

// ReadFileLimit reads one byte past the limit, so a caller can tell a file too big
// without reading it whole.
func TestSnapshotReadFileLimit(t *testing.T) {
	r := newTestRepo(t)
	big := strings.Repeat("0123456789", 1000)
	r.write("content/big.md", big)
	r.write("content/small.md", "small\n")
	r.commit(maintainer, day(1), "Files")
	fsys, _ := snap(t, r.dir, "main")
	lim, ok := fsys.(readFileLimit)
	if !ok {
		t.Fatal("no ReadFileLimit")
	}
	for _, c := range []struct {
		name  string
		limit int64
		want  string
	}{
		{"content/big.md", 100, big[:101]},
		{"content/big.md", int64(len(big)), big},
		{"content/big.md", 0, big[:1]},
		{"content/big.md", 1 << 62, big},
		{"content/small.md", 100, "small\n"},
	} {
		b, err := lim.ReadFileLimit(c.name, c.limit)
		if err != nil || string(b) != c.want {
			t.Errorf("ReadFileLimit(%s, %d) = %d bytes, %v; want %d", c.name, c.limit, len(b), err, len(c.want))
		}
	}
	if _, err := lim.ReadFileLimit("content/none.md", 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}

// Many readers at once read the same bytes as one (run with -race).
func TestSnapshotConcurrentReads(t *testing.T) {
	r := newTestRepo(t)
	want := map[string]string{}
	for i := range 200 {
		name := fmt.Sprintf("content/proposals/p%03d/index.md", i)
		want[name] = fmt.Sprintf("# Proposal %d\n%s", i, strings.Repeat("text ", i))
		r.write(name, want[name])
	}
	r.commit(maintainer, day(1), "Proposals")
	fsys, _ := snap(t, r.dir, "main")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			n := 0
			err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				var b []byte
				if g%2 == 0 {
					b, err = fs.ReadFile(fsys, path)
				} else {
					f, oerr := fsys.Open(path)
					if oerr != nil {
						return oerr
					}
					b, err = io.ReadAll(f)
					f.Close()
				}
				if err != nil {
					return err
				}
				if !bytes.Equal(b, []byte(want[path])) {
					return fmt.Errorf("%s: %q", path, b)
				}
				n++
				return nil
			})
			if err == nil && n != len(want) {
				err = fmt.Errorf("read %d files, want %d", n, len(want))
			}
			if err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
