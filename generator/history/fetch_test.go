package history

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The fetch tests clone repositories made with the git CLI through file:// URLs, which
// go-git serves by running git-upload-pack: HOME and the configuration files it reads
// point to an empty folder, as for the git runs of testRepo.

// newUpstream makes a repository to fetch from, with content/a.md and content/b.md
// committed on main in two commits, and returns it with its file:// URL.
func newUpstream(t *testing.T) (*testRepo, string) {
	t.Helper()
	r := newTestRepo(t)
	t.Setenv("HOME", r.home)
	t.Setenv("XDG_CONFIG_HOME", r.home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	r.write("content/a.md", "a\n")
	r.commit(maintainer, day(1), "Add a")
	r.write("content/b.md", "b\n")
	r.commit(maintainer, day(2), "Add b")
	return r, fileURL(r.dir)
}

func fileURL(dir string) string {
	dir = filepath.ToSlash(dir)
	if !strings.HasPrefix(dir, "/") {
		dir = "/" + dir // C:/x on Windows
	}
	return "file://" + dir
}

// mustFetch fetches and fails the test on an error or a stale copy.
func mustFetch(t *testing.T, o FetchOptions) Fetched {
	t.Helper()
	f, err := Fetch(context.Background(), o)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if f.Stale || f.Err != nil {
		t.Fatalf("Fetch gave a stale copy: %v", f.Err)
	}
	return f
}

// files lists the files of a fetched work tree, .git aside, as slash paths.
func workFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() == ".git" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// wantWork checks the files of the commit HEAD names in a fetched clone, read from its
// objects, and that nothing is checked out beside its .git.
func wantWork(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := workFiles(t, dir); len(got) > 0 {
		t.Errorf("files checked out in the cache: %q, want none", got)
	}
	fsys, _, err := Snapshot(Options{Dir: dir}, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			got = append(got, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
}

// readSourceFile reads a file of a fetched source.
func readSourceFile(t *testing.T, f Fetched, name string) string {
	t.Helper()
	fsys, _, err := ReadSource(f.Dir, f.Commit, "", SourceLimits{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cacheGit runs git in a fetched clone.
func cacheGit(t *testing.T, up *testRepo, dir string, args ...string) string {
	t.Helper()
	c := &testRepo{t: t, dir: dir, home: up.home}
	return c.git(args...)
}

func TestFetchClonesTheBranchWithItsHistory(t *testing.T) {
	up, u := newUpstream(t)
	up.git("branch", "other")
	up.git("tag", "-a", "-m", "Version 1", "v1")
	dir := filepath.Join(t.TempDir(), "sources", SourceName(u, ""))

	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if f.Dir != filepath.Join(dir, "repo") {
		t.Errorf("Dir = %s, want %s", f.Dir, filepath.Join(dir, "repo"))
	}
	if want := up.git("rev-parse", "main"); f.Commit != want {
		t.Errorf("Commit = %s, want main's %s", f.Commit, want)
	}
	if f.Fetched.IsZero() || f.Rewritten {
		t.Errorf("Fetched = %v, Rewritten = %v; want a time and false", f.Fetched, f.Rewritten)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md")

	// Only the one branch, no tags, and the whole history, as the build reads it.
	if refs := cacheGit(t, up, f.Dir, "for-each-ref", "--format=%(refname)"); refs != "refs/heads/main\nrefs/remotes/origin/main" {
		t.Errorf("references in the cache:\n%s\nwant main and origin/main only", refs)
	}
	h := load(t, Options{Dir: f.Dir, Branch: "HEAD"})
	if len(h.Commits) != 2 || h.Shallow || h.Head != f.Commit {
		t.Errorf("history of the cache: %d commits, shallow %v, head %s; want 2, false, %s", len(h.Commits), h.Shallow, h.Head, f.Commit)
	}
}

func TestFetchUpdatesToNewCommits(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})

	up.write("content/c.md", "c\n")
	up.remove("content/a.md")
	c3 := up.commit(maintainer, day(3), "Add c, remove a")

	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if f.Commit != c3 || f.Rewritten {
		t.Errorf("Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, c3)
	}
	if f.Fetched.Before(first.Fetched) {
		t.Errorf("Fetched went back from %v to %v", first.Fetched, f.Fetched)
	}
	wantWork(t, f.Dir, "content/b.md", "content/c.md")
	if h := load(t, Options{Dir: f.Dir, Branch: "HEAD"}); len(h.Commits) != 3 {
		t.Errorf("history of the cache: %d commits, want 3", len(h.Commits))
	}

	// Nothing new: the same commit, still fresh.
	again := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if again.Commit != c3 || again.Rewritten {
		t.Errorf("again: Commit = %s, Rewritten = %v; want %s, false", again.Commit, again.Rewritten, c3)
	}
}

func TestFetchTagGivesItsCommit(t *testing.T) {
	up, u := newUpstream(t)
	tagged := up.git("rev-parse", "main")
	up.git("tag", "-a", "-m", "Version 1", "v1")
	up.git("tag", "-a", "-m", "Version 2", "v2")
	up.write("content/later.md", "later\n")
	later := up.commit(maintainer, day(3), "Later")
	dir := t.TempDir()

	f := mustFetch(t, FetchOptions{URL: u, Ref: "v1", Dir: dir})
	if f.Commit != tagged {
		t.Errorf("Commit = %s, want the tagged %s", f.Commit, tagged)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md")
	if refs := cacheGit(t, up, f.Dir, "for-each-ref", "--format=%(refname)"); refs != "refs/tags/v1" {
		t.Errorf("references in the cache:\n%s\nwant refs/tags/v1 only", refs)
	}
	if h := load(t, Options{Dir: f.Dir, Branch: "HEAD"}); h.Head != tagged || len(h.Commits) != 2 {
		t.Errorf("history of the cache: head %s, %d commits; want %s, 2", h.Head, len(h.Commits), tagged)
	}

	// The tag moved forward.
	up.git("tag", "-f", "-a", "-m", "Version 1, again", "v1", later)
	f = mustFetch(t, FetchOptions{URL: u, Ref: "v1", Dir: dir})
	if f.Commit != later || f.Rewritten {
		t.Errorf("after moving the tag: Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, later)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md", "content/later.md")
}

func TestFetchBranchBeforeTagOfTheSameName(t *testing.T) {
	up, u := newUpstream(t)
	up.git("tag", "-a", "-m", "Tag named like the branch", "release", "HEAD~1")
	up.git("branch", "release")

	f := mustFetch(t, FetchOptions{URL: u, Ref: "release", Dir: t.TempDir()})
	if want := up.git("rev-parse", "main"); f.Commit != want {
		t.Errorf("Commit = %s, want the branch's %s", f.Commit, want)
	}
}

func TestFetchUnknownRefNamesTheBranches(t *testing.T) {
	up, u := newUpstream(t)
	up.git("branch", "draft")
	dir := t.TempDir()
	_, err := Fetch(context.Background(), FetchOptions{URL: u, Ref: "mian", Dir: dir})
	if err == nil {
		t.Fatal("Fetch of a missing ref succeeded")
	}
	for _, s := range []string{u, `"mian"`, "draft, main"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %s", err, s)
		}
	}
}

func TestFetchUnreachableGivesTheStaleCopy(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if err := os.Rename(up.dir, up.dir+"-moved"); err != nil {
		t.Fatal(err)
	}

	f, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir})
	if err != nil {
		t.Fatalf("Fetch with a cache: %v", err)
	}
	if !f.Stale || f.Err == nil || !strings.Contains(f.Err.Error(), u) {
		t.Errorf("Stale = %v, Err = %v; want true and an error naming %s", f.Stale, f.Err, u)
	}
	if f.Commit != first.Commit || !f.Fetched.Equal(first.Fetched) || f.Dir != first.Dir {
		t.Errorf("stale copy %+v, want the first fetch's %+v", f, first)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md")
}

func TestFetchFirstFailureIsAnError(t *testing.T) {
	_, u := newUpstream(t)
	u += "-missing"
	f, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), u) {
		t.Errorf("Fetch of a missing repository: %+v, %v; want an error naming %s", f, err, u)
	}
}

func TestFetchCanceled(t *testing.T) {
	_, u := newUpstream(t)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Fetch(ctx, FetchOptions{URL: u, Dir: dir}); !errors.Is(err, context.Canceled) {
		t.Errorf("first Fetch, canceled: %v, want context.Canceled", err)
	}

	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	f, err := Fetch(ctx, FetchOptions{URL: u, Dir: dir})
	if err != nil || !f.Stale || !errors.Is(f.Err, context.Canceled) || f.Commit != first.Commit {
		t.Errorf("Fetch canceled with a cache: %+v, %v; want the stale copy and context.Canceled", f, err)
	}
}

func TestFetchForcePushIsRewritten(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	mustFetch(t, FetchOptions{URL: u, Dir: dir})

	up.git("reset", "-q", "--hard", "HEAD~1")
	up.write("content/d.md", "d\n")
	c3 := up.commit(contributor, day(3), "Add d instead of b")

	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if !f.Rewritten || f.Commit != c3 {
		t.Errorf("Rewritten = %v, Commit = %s; want true, %s", f.Rewritten, f.Commit, c3)
	}
	wantWork(t, f.Dir, "content/a.md", "content/d.md")
	if got := cacheGit(t, up, f.Dir, "rev-parse", "HEAD"); got != c3 {
		t.Errorf("HEAD of the cache = %s, want %s", got, c3)
	}

	// Once reset, the next fetch is an ordinary one again.
	if f := mustFetch(t, FetchOptions{URL: u, Dir: dir}); f.Rewritten {
		t.Error("Rewritten again with nothing new")
	}
}

func TestFetchOffline(t *testing.T) {
	up, u := newUpstream(t)
	dir := filepath.Join(t.TempDir(), "cache")

	_, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Offline: true})
	if err == nil || !strings.Contains(err.Error(), "once without --offline") {
		t.Errorf("offline with no cache: %v, want an error saying to fetch once", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("offline Fetch made the cache folder: %v", err)
	}

	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	up.write("content/c.md", "c\n")
	up.commit(maintainer, day(3), "Add c")
	f, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Offline: true})
	if err != nil {
		t.Fatalf("offline with a cache: %v", err)
	}
	if !f.Stale || f.Err != nil || f.Commit != first.Commit || !f.Fetched.Equal(first.Fetched) {
		t.Errorf("offline: %+v, want the first fetch's copy %+v, stale, no error", f, first)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md")

	// The cache of another ref is no copy of this one.
	if _, err := Fetch(context.Background(), FetchOptions{URL: u, Ref: "v9", Dir: dir, Offline: true}); err == nil {
		t.Error("offline with the cache of another ref: no error")
	}
}

func TestFetchURLChangedClonesAfresh(t *testing.T) {
	_, u := newUpstream(t)
	other := newTestRepo(t)
	other.write("portal/index.md", "other\n")
	want := other.commit(region, day(5), "Other portal")
	dir := t.TempDir()
	mustFetch(t, FetchOptions{URL: u, Dir: dir})

	f := mustFetch(t, FetchOptions{URL: fileURL(other.dir), Dir: dir})
	if f.Commit != want || f.Rewritten {
		t.Errorf("Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, want)
	}
	wantWork(t, f.Dir, "portal/index.md")
	if h := load(t, Options{Dir: f.Dir, Branch: "HEAD", Prefix: "portal/"}); len(h.Commits) != 1 {
		t.Errorf("history of the cache: %d commits, want only the other repository's 1", len(h.Commits))
	}
}

func TestFetchCorruptCacheIsClonedAgain(t *testing.T) {
	for name, spoil := range map[string]func(repo string) error{
		"HEAD garbage": func(repo string) error {
			return os.WriteFile(filepath.Join(repo, ".git", "HEAD"), []byte("\x00garbage"), 0o644)
		},
		"HEAD deleted": func(repo string) error { return os.Remove(filepath.Join(repo, ".git", "HEAD")) },
		"objects deleted": func(repo string) error {
			return os.RemoveAll(filepath.Join(repo, ".git", "objects"))
		},
		"clone a file": func(repo string) error {
			if err := os.RemoveAll(repo); err != nil {
				return err
			}
			return os.WriteFile(repo, []byte("x"), 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			up, u := newUpstream(t)
			dir := t.TempDir()
			first := mustFetch(t, FetchOptions{URL: u, Dir: dir})
			if err := spoil(first.Dir); err != nil {
				t.Fatal(err)
			}
			if _, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Offline: true}); err == nil {
				t.Error("offline with a corrupt cache: no error")
			}
			f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
			if f.Commit != up.git("rev-parse", "main") {
				t.Errorf("Commit = %s, want main's", f.Commit)
			}
			wantWork(t, f.Dir, "content/a.md", "content/b.md")
		})
	}
}

// A source is another body's repository: the links it commits must not make Fetch
// write or remove anything outside the cache.
func TestFetchNeverWritesThroughSymbolicLinks(t *testing.T) {
	up, u := newUpstream(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "keep.txt"), []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(up.dir, "dir")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if err := os.Symlink(filepath.Join(outside, "victim"), filepath.Join(up.dir, "file")); err != nil {
		t.Fatal(err)
	}
	up.commit(maintainer, day(3), "Links out")
	dir := t.TempDir()
	mustFetch(t, FetchOptions{URL: u, Dir: dir})

	// A commit that leaves the links: an update must not write or remove through them.
	up.write("content/c.md", "c\n")
	up.commit(maintainer, day(4), "Add c")
	mustFetch(t, FetchOptions{URL: u, Dir: dir})

	// The links become a folder and a file of the same names.
	up.remove("dir")
	up.remove("file")
	up.write("dir/x.md", "in the folder\n")
	up.write("file", "a file\n")
	up.commit(maintainer, day(5), "Links replaced")
	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})

	if got := workFiles(t, outside); !slices.Equal(got, []string{"keep.txt"}) {
		t.Errorf("outside the cache: %q, want keep.txt alone, untouched", got)
	}
	if b, err := os.ReadFile(filepath.Join(outside, "keep.txt")); err != nil || string(b) != "keep\n" {
		t.Errorf("keep.txt outside the cache = %q, %v", b, err)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md", "content/c.md", "dir/x.md", "file")
	if b := readSourceFile(t, f, "file"); b != "a file\n" {
		t.Errorf("file = %q", b)
	}

	// And back: a folder replaced by a link.
	if err := os.RemoveAll(filepath.Join(up.dir, "dir")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(up.dir, "dir")); err != nil {
		t.Fatal(err)
	}
	up.commit(maintainer, day(6), "Folder replaced by a link")
	f = mustFetch(t, FetchOptions{URL: u, Dir: dir})
	wantWork(t, f.Dir, "content/a.md", "content/b.md", "content/c.md", "file")
	if _, left, err := ReadSource(f.Dir, f.Commit, "", SourceLimits{}); err != nil || len(left) != 1 || left[0].Path != "dir" {
		t.Errorf("left out of the source: %v, %v; want the link dir", left, err)
	}
	if got := workFiles(t, outside); !slices.Equal(got, []string{"keep.txt"}) {
		t.Errorf("outside the cache: %q, want keep.txt alone", got)
	}
}

func TestFetchProgress(t *testing.T) {
	_, u := newUpstream(t)
	var progress bytes.Buffer
	mustFetch(t, FetchOptions{URL: u, Dir: t.TempDir(), Progress: &progress})
	// Whether git-upload-pack sends progress over file:// depends on its version.
	t.Logf("progress: %q", progress.String())
}

func TestFetchErrorHidesCredentials(t *testing.T) {
	for _, c := range []struct{ url, inner string }{
		{"https://user:s3cret@forge.example/body/portal.git", `Get "https://user:s3cret@forge.example/body/portal.git/info/refs": refused`},
		{"https://s3cret@forge.example/body/portal.git", `Get "https://s3cret@forge.example/body/portal.git/info/refs": refused`},
		{"https://user:s3cret@forge.example/body/portal.git", `endpoint https://user:s3cret@forge.example:443/body/portal.git: refused`},
		{"https://ghp_0123456789abcdef@forge.example/body/portal.git", "token ghp_0123456789abcdef refused"},
	} {
		err := &fetchError{url: c.url, ref: "main", err: errors.New(c.inner)}
		msg := err.Error()
		if strings.Contains(msg, "s3cret") || strings.Contains(msg, "ghp_") || !strings.Contains(msg, "forge.example/body/portal.git") {
			t.Errorf("error %q: want the address without the credential", msg)
		}
	}
	err := &fetchError{url: "https://git@forge.example/x.git", ref: "main", err: errors.New("git-upload-pack failed")}
	if msg := err.Error(); !strings.Contains(msg, "git-upload-pack failed") {
		t.Errorf("error %q: a short user name hidden in other words", msg)
	}
	if got := redact("ssh://git@forge.example/x.git"); got != "ssh://git@forge.example/x.git" {
		t.Errorf("redact of an ssh user = %s, want it kept", got)
	}
}

func TestSourceNameForFetchCacheIsStableAndSafe(t *testing.T) {
	safe := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	long := "https://forge.example/" + strings.Repeat("Very Long Group/", 20) + "Portale.git"
	names := map[string]string{}
	for _, s := range []struct{ url, ref string }{
		{"https://github.com/Comune-RE/portale-pspm.git", ""},
		{"https://github.com/Comune-RE/portale-pspm.git", "main"},
		{"https://github.com/Comune-RE/portale-pspm.git", "v1.0"},
		{"git@gitlab.com:regione/pspm.git", "main"},
		{"ssh://git@gitlab.com:2222/regione/pspm.git", "main"},
		{"file:///srv/git/portal", ""},
		{"/srv/git/portal", ""},
		{"../portal", "release/2025"},
		{long, "main"},
		{"", ""},
	} {
		name := SourceName(s.url, s.ref)
		if !safe.MatchString(name) || len(name) > 80 {
			t.Errorf("SourceName(%q, %q) = %q: want lower-case letters, digits and single hyphens, at most 80", s.url, s.ref, name)
		}
		if name != SourceName(s.url, s.ref) {
			t.Errorf("SourceName(%q, %q) is not stable", s.url, s.ref)
		}
		key := s.url + " " + s.ref
		for k, n := range names {
			if n == name {
				t.Errorf("SourceName gives %q for both %q and %q", name, k, key)
			}
		}
		names[key] = name
	}
	if got, want := SourceName("https://github.com/Comune-RE/portale-pspm.git", "main"), "github-com-comune-re-portale-pspm-main-"; !strings.HasPrefix(got, want) {
		t.Errorf("SourceName = %q, want it to start %q", got, want)
	}
	if !strings.Contains(SourceName(long, "main"), "portale-main-") {
		t.Errorf("SourceName(long) = %q: want the end of the path kept", SourceName(long, "main"))
	}
	// A new token is the same source.
	if a, b := SourceName("https://tok1@forge.example/x.git", "main"), SourceName("https://tok2@forge.example/x.git", "main"); a != b {
		t.Errorf("credentials change the name: %q, %q", a, b)
	}
}

func TestFetchRemovesADeletedSymbolicLinkNotItsTarget(t *testing.T) {
	up, u := newUpstream(t)
	if err := os.Symlink("content/b.md", filepath.Join(up.dir, "latest.md")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	up.commit(maintainer, day(3), "Link to the latest")
	dir := t.TempDir()
	mustFetch(t, FetchOptions{URL: u, Dir: dir})

	up.remove("latest.md")
	up.commit(maintainer, day(4), "No link")
	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	wantWork(t, f.Dir, "content/a.md", "content/b.md")
	if b := readSourceFile(t, f, "content/b.md"); b != "b\n" {
		t.Errorf("content/b.md = %q; want the file as committed", b)
	}
}

func TestFetchCacheThatCannotBeUpdatedIsClonedAgain(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	cacheGit(t, up, first.Dir, "config", "--remove-section", "remote.origin")
	up.write("content/c.md", "c\n")
	c3 := up.commit(maintainer, day(3), "Add c")

	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if f.Commit != c3 || f.Rewritten {
		t.Errorf("Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, c3)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md", "content/c.md")
}

func TestFetchDefaultBranchFollowsHEAD(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	mustFetch(t, FetchOptions{URL: u, Dir: dir})

	// The repository's default branch becomes trunk, which left main before b.
	up.git("checkout", "-q", "-b", "trunk", "HEAD~1")
	up.write("content/t.md", "t\n")
	trunk := up.commit(maintainer, day(3), "Add t on trunk")

	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if f.Commit != trunk || !f.Rewritten {
		t.Errorf("Commit = %s, Rewritten = %v; want trunk's %s, true", f.Commit, f.Rewritten, trunk)
	}
	wantWork(t, f.Dir, "content/a.md", "content/t.md")
	if refs := cacheGit(t, up, f.Dir, "for-each-ref", "--format=%(refname)"); refs != "refs/heads/trunk\nrefs/remotes/origin/trunk" {
		t.Errorf("references in the cache:\n%s\nwant trunk and origin/trunk only", refs)
	}
}

// countUploadPacks puts a git-upload-pack first on PATH that counts its runs (the
// file:// transport runs one per conversation with the remote: one to list the
// references, one to fetch) and returns the count so far.
func countUploadPacks(t *testing.T) func() int {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for git-upload-pack")
	}
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(strings.TrimSpace(string(out)), "git-upload-pack")
	bin := t.TempDir()
	log := filepath.Join(bin, "runs")
	script := "#!/bin/sh\necho run >> '" + log + "'\nexec '" + real + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "git-upload-pack"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return func() int {
		b, _ := os.ReadFile(log)
		return bytes.Count(b, []byte("run"))
	}
}

func TestFetchWithNothingNewOnlyListsTheReferences(t *testing.T) {
	up, u := newUpstream(t)
	runs := countUploadPacks(t)
	dir := t.TempDir()
	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	before := runs()

	again := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if n := runs() - before; n != 1 {
		t.Errorf("a fetch with nothing new ran git-upload-pack %d times, want once (listing the references)", n)
	}
	if again.Commit != first.Commit || again.Stale || again.Fetched.Before(first.Fetched) {
		t.Errorf("again: %+v, want the same commit, fresh", again)
	}

	// Something new: listed, then fetched.
	up.write("content/c.md", "c\n")
	c3 := up.commit(maintainer, day(3), "Add c")
	before = runs()
	if f := mustFetch(t, FetchOptions{URL: u, Dir: dir}); f.Commit != c3 {
		t.Errorf("Commit = %s, want %s", f.Commit, c3)
	}
	if n := runs() - before; n != 2 {
		t.Errorf("a fetch of a new commit ran git-upload-pack %d times, want twice", n)
	}
}

func TestFetchUpdateBringsOnlyTheNewObjects(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	mustFetch(t, FetchOptions{URL: u, Dir: dir})
	up.write("content/c.md", "c\n")
	up.commit(maintainer, day(3), "Add c")
	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	// The update's pack holds the new commit, its root tree, content/ and c.md: what the
	// cache lacked, and nothing it had.
	packs, err := filepath.Glob(filepath.Join(f.Dir, ".git", "objects", "pack", "*.idx"))
	if err != nil || len(packs) != 2 {
		t.Fatalf("packs in the cache: %q, %v; want the clone's and the update's", packs, err)
	}
	counts := map[int]bool{}
	for _, idx := range packs {
		out := cacheGit(t, up, f.Dir, "verify-pack", "-v", idx)
		n := 0
		for _, line := range strings.Split(out, "\n") {
			if fields := strings.Fields(line); len(fields) >= 3 && len(fields[0]) == 40 {
				n++
			}
		}
		counts[n] = true
	}
	if !counts[4] {
		t.Errorf("object counts of the packs: %v, want one of 4 (the update)", counts)
	}
}

func TestShallowFetchKeepsOnlyTheLastCommit(t *testing.T) {
	up, u := newUpstream(t)
	firstCommit := up.git("rev-list", "--max-parents=0", "main")
	dir := t.TempDir()

	f := mustFetch(t, FetchOptions{URL: u, Dir: dir, Shallow: true})
	if want := up.git("rev-parse", "main"); f.Commit != want || f.Rewritten {
		t.Errorf("Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, want)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md")
	if got := readSourceFile(t, f, "content/a.md"); got != "a\n" {
		t.Errorf("content/a.md = %q", got)
	}
	if n := cacheGit(t, up, f.Dir, "rev-list", "--count", "HEAD"); n != "1" {
		t.Errorf("%s commits in the shallow cache, want 1", n)
	}
	if err := exec.Command("git", "-C", f.Dir, "cat-file", "-e", firstCommit).Run(); err == nil {
		t.Errorf("the first commit %s is in the shallow cache", firstCommit)
	}

	// The ref moves, even by a force push: the cache is the new commit alone, and a
	// history that is not kept tells no rewrite.
	up.git("reset", "-q", "--hard", "HEAD~1")
	up.write("content/d.md", "d\n")
	c3 := up.commit(contributor, day(3), "Add d instead of b")
	f = mustFetch(t, FetchOptions{URL: u, Dir: dir, Shallow: true})
	if f.Commit != c3 || f.Rewritten {
		t.Errorf("after the push: Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, c3)
	}
	wantWork(t, f.Dir, "content/a.md", "content/d.md")
	if n := cacheGit(t, up, f.Dir, "count-objects", "-v"); !strings.Contains(n, "count: 0") {
		t.Errorf("loose objects in the shallow cache:\n%s", n)
	}
	if n := cacheGit(t, up, f.Dir, "rev-list", "--count", "--all"); n != "1" {
		t.Errorf("%s commits in the shallow cache after the update, want 1: it must not grow", n)
	}

	// The same source read with its history (a portal): the shallow copy does not do,
	// offline or not.
	if _, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Offline: true}); err == nil || !strings.Contains(err.Error(), "last commit") {
		t.Errorf("offline, a shallow copy for a source read with its history: %v, want an error", err)
	}
	full := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if h := load(t, Options{Dir: full.Dir, Branch: "HEAD"}); len(h.Commits) != 2 || h.Shallow {
		t.Errorf("the source fetched with its history: %d commits, shallow %v; want 2, false", len(h.Commits), h.Shallow)
	}
}
