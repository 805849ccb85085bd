package history

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// wantLimit fails unless err is a *LimitError for the pspm.yaml key limit.
func wantLimit(t *testing.T, err error, limit string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != limit {
		t.Fatalf("error = %v, want a *LimitError on %s", err, limit)
	}
	if !strings.Contains(err.Error(), "limits."+limit) {
		t.Errorf("error %q does not name limits.%s", err, limit)
	}
}

// A source's symbolic links are never followed, whatever they point to: into the
// clone's .git (its configuration names the source's URL) or out of the cache.
func TestReadSourceNeverFollowsSymbolicLinks(t *testing.T) {
	up, u := newUpstream(t)
	for link, target := range map[string]string{
		"content/config.md": "../.git/config",
		"content/passwd.md": "../../../../../../etc/passwd",
		"config":            ".git/config",
	} {
		if err := os.Symlink(target, filepath.Join(up.dir, filepath.FromSlash(link))); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	// A submodule: a commit of another repository named in the tree.
	up.git("add", "-A")
	up.git("update-index", "--add", "--cacheinfo", "160000,"+up.git("rev-parse", "HEAD")+",vendor/lib")
	up.run(maintainer, maintainer, day(3), day(3), "commit", "-q", "-m", "Links")
	dir := t.TempDir()
	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})

	fsys, left, err := ReadSource(f.Dir, f.Commit, "", SourceLimits{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, l := range left {
		paths = append(paths, l.Path)
		if !strings.Contains(l.Why, "left out") {
			t.Errorf("%s: %q does not say it is left out", l.Path, l.Why)
		}
	}
	if want := []string{"config", "content/config.md", "content/passwd.md", "vendor/lib"}; !slices.Equal(paths, want) {
		t.Errorf("left out: %q, want %q", paths, want)
	}
	var files []string
	var all []byte
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files = append(files, p)
		b, err := fs.ReadFile(fsys, p)
		all = append(all, b...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"content/a.md", "content/b.md"}; !slices.Equal(files, want) {
		t.Errorf("files %q, want %q", files, want)
	}
	for _, name := range []string{"config", "content/config.md", "content/passwd.md", "vendor/lib"} {
		if _, err := fs.ReadFile(fsys, name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("reading %s: %v, want not found", name, err)
		}
	}
	if bytes.Contains(all, []byte("[remote")) || bytes.Contains(all, []byte("root:")) {
		t.Errorf("the source's files hold the clone's configuration or /etc/passwd")
	}
	// Nothing was checked out, links included.
	if got := workFiles(t, f.Dir); len(got) > 0 {
		t.Errorf("files in the cache: %q, want none", got)
	}
}

func TestFetchRefusesAnObjectOverTheLimitAndKeepsThePreviousCopy(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	lim := SourceLimits{ObjectSize: 32 << 10}
	first := mustFetch(t, FetchOptions{URL: u, Dir: dir, Limits: lim})

	up.write("zeros.bin", string(make([]byte, 64<<10)))
	up.commit(maintainer, day(3), "A file of zeros")
	f, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Stale || f.Commit != first.Commit {
		t.Errorf("Stale %v, Commit %s; want the copy fetched before, %s", f.Stale, f.Commit, first.Commit)
	}
	wantLimit(t, f.Err, "source_object_size")
	wantWork(t, f.Dir, "content/a.md", "content/b.md")
	if packs, _ := filepath.Glob(filepath.Join(f.Dir, ".git", "objects", "pack", "tmp_*")); len(packs) > 0 {
		t.Errorf("the refused pack is left in the cache: %q", packs)
	}

	// Never fetched before: an error, and nothing in the cache.
	fresh := t.TempDir()
	_, err = Fetch(context.Background(), FetchOptions{URL: u, Dir: fresh, Limits: lim})
	wantLimit(t, err, "source_object_size")
	if _, err := readMeta(fresh); err == nil {
		t.Error("the refused clone was recorded")
	}

	// Within a higher limit, the file is fetched; it is read only within FileSize.
	f = mustFetch(t, FetchOptions{URL: u, Dir: dir})
	fsys, _, err := ReadSource(f.Dir, f.Commit, "", SourceLimits{FileSize: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.ReadFile(fsys, "zeros.bin"); !errors.Is(err, errTooBig) {
		t.Errorf("reading a file over FileSize: %v, want it refused", err)
	}
	if _, err := fsys.Open("zeros.bin"); !errors.Is(err, errTooBig) {
		t.Errorf("opening a file over FileSize: %v, want it refused", err)
	}
	lr := fsys.(interface {
		ReadFileLimit(string, int64) ([]byte, error)
	})
	if b, err := lr.ReadFileLimit("zeros.bin", 100); err != nil || len(b) != 101 {
		t.Errorf("ReadFileLimit = %d bytes, %v; want 101", len(b), err)
	}
	if fi, err := fs.Stat(fsys, "zeros.bin"); err != nil || fi.Size() != 64<<10 {
		t.Errorf("Stat = %v, %v; want its size from the object's header", fi, err)
	}
}

func TestFetchRefusesAPackOverTheLimits(t *testing.T) {
	up, u := newUpstream(t)
	// A pack bigger than a pipe holds: git's side of a file:// fetch must still finish
	// writing it when it is refused, or the fetch waits for it forever.
	noise := make([]byte, 1<<20)
	for i, x := 0, uint32(1); i < len(noise); i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		noise[i] = byte(x)
	}
	up.write("noise.bin", string(noise))
	up.commit(maintainer, day(3), "Noise")
	_, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: t.TempDir(), Limits: SourceLimits{ObjectSize: 512 << 10}})
	wantLimit(t, err, "source_object_size")
	_, err = Fetch(context.Background(), FetchOptions{URL: u, Dir: t.TempDir(), Limits: SourceLimits{Objects: 3}})
	wantLimit(t, err, "source_objects")
	_, err = Fetch(context.Background(), FetchOptions{URL: u, Dir: t.TempDir(), Limits: SourceLimits{PackSize: 100}})
	wantLimit(t, err, "source_pack_size")
}

// A folder 1,500 levels deep is never checked out, and refused before it is read.
func TestFetchRefusesATreeTooDeepAndKeepsThePreviousCopy(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	first := mustFetch(t, FetchOptions{URL: u, Dir: dir})

	up.write(strings.Repeat("d/", 100)+"f.md", "deep\n")
	up.commit(maintainer, day(3), "Deep")
	f, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Stale || f.Commit != first.Commit {
		t.Errorf("Stale %v, Commit %s; want the copy fetched before, %s", f.Stale, f.Commit, first.Commit)
	}
	wantLimit(t, f.Err, "source_depth")
	if h := load(t, Options{Dir: f.Dir, Branch: "HEAD"}); h.Head != first.Commit {
		t.Errorf("the history of the cache is at %s, want %s", h.Head, first.Commit)
	}

	// A higher limit lets it in; ReadSource refuses it under a lower one.
	f = mustFetch(t, FetchOptions{URL: u, Dir: dir, Limits: SourceLimits{Depth: 200}})
	_, _, err = ReadSource(f.Dir, f.Commit, "", SourceLimits{})
	wantLimit(t, err, "source_depth")
	if _, _, err := ReadSource(f.Dir, f.Commit, "", SourceLimits{Depth: 200}); err != nil {
		t.Errorf("within the limit: %v", err)
	}
}

// A tree that names one folder many times is counted by path: a few objects can
// make billions of paths.
func TestFetchRefusesATreeWithTooManyEntries(t *testing.T) {
	up, u := newUpstream(t)
	// Ten levels, each naming the level below ten times: 10^10 paths.
	blob := strings.TrimSpace(up.gitIn("x\n", "hash-object", "-w", "--stdin"))
	h := up.mktree([]string{"100644 blob " + blob + "\tf.md"})
	for range 10 {
		var lines []string
		for i := range 10 {
			lines = append(lines, "040000 tree "+h+"\t"+string(rune('a'+i)))
		}
		h = up.mktree(lines)
	}
	top := up.mktree([]string{"040000 tree " + h + "\tbomb"})
	commit := strings.TrimSpace(up.gitIn("", "commit-tree", top, "-p", "HEAD", "-m", "Bomb"))
	up.git("update-ref", "refs/heads/main", commit)

	_, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: t.TempDir(), Limits: SourceLimits{Entries: 10000}})
	wantLimit(t, err, "source_entries")
}

// gitIn runs git with stdin in the repository.
func (r *testRepo) gitIn(stdin string, args ...string) string {
	r.t.Helper()
	cmd := r.command(maintainer, maintainer, day(0), day(0), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.Output()
	if err != nil {
		r.t.Fatalf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

// mktree writes a tree of the lines ("mode type hash\tname") and returns its hash.
func (r *testRepo) mktree(lines []string) string {
	r.t.Helper()
	return strings.TrimSpace(r.gitIn(strings.Join(lines, "\n")+"\n", "mktree"))
}

// A cache of an earlier release holds the source checked out in repo/: it is
// converted (the work tree removed, the history kept) and used, offline and online.
func TestFetchConvertsACacheOfAnEarlierRelease(t *testing.T) {
	up, u := newUpstream(t)
	dir := t.TempDir()
	work := filepath.Join(dir, "repo")
	cmd := exec.Command("git", "clone", "-q", "--single-branch", "--no-tags", u, work)
	// The earlier release kept the URL as given, credentials and all.
	defer func() {
		if b, _ := os.ReadFile(filepath.Join(work, ".git", "config")); bytes.Contains(b, []byte("s3cr3t")) {
			t.Errorf("the converted cache keeps the credentials:\n%s", b)
		}
	}()
	cmd.Env = append(os.Environ(), "HOME="+up.home)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	if out, err := exec.Command("git", "-C", work, "remote", "set-url", "origin", "https://pspm:s3cr3t-t0ken@forge.example/x.git").CombinedOutput(); err != nil {
		t.Fatalf("git remote set-url: %v\n%s", err, out)
	}
	head := up.git("rev-parse", "HEAD")
	old, _ := json.Marshal(map[string]any{"url": u, "ref": "", "name": "refs/heads/main", "commit": head, "fetched": day(2)})
	if err := os.WriteFile(filepath.Join(dir, metaFile), old, 0o644); err != nil {
		t.Fatal(err)
	}

	f, err := Fetch(context.Background(), FetchOptions{URL: u, Dir: dir, Offline: true})
	if err != nil || f.Commit != head {
		t.Fatalf("offline: %v, commit %s; want %s", err, f.Commit, head)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md")

	up.write("content/c.md", "c\n")
	c3 := up.commit(maintainer, day(3), "Add c")
	f = mustFetch(t, FetchOptions{URL: u, Dir: dir})
	if f.Commit != c3 || f.Rewritten {
		t.Errorf("Commit = %s, Rewritten = %v; want %s, false", f.Commit, f.Rewritten, c3)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md", "content/c.md")
}

// The clone's configuration never holds the credentials of the source's URL: a file
// of the cache that a mistake could publish.
func TestFetchKeepsNoCredentialsOnDisk(t *testing.T) {
	up, _ := newUpstream(t)
	u := "file://pspm:s3cr3t-t0ken@" + filepath.ToSlash(up.dir)
	dir := t.TempDir()
	f := mustFetch(t, FetchOptions{URL: u, Dir: dir})
	up.write("content/c.md", "c\n")
	up.commit(maintainer, day(3), "Add c")
	f = mustFetch(t, FetchOptions{URL: u, Dir: dir})
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if bytes.Contains(b, []byte("s3cr3t")) {
			t.Errorf("%s holds the token", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantWork(t, f.Dir, "content/a.md", "content/b.md", "content/c.md")
}

// rawPack writes a pack of the objects, each a type, its size as the header says, and
// the data compressed.
func rawPack(objects ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("PACK")
	_ = binary.Write(&b, binary.BigEndian, uint32(2))
	_ = binary.Write(&b, binary.BigEndian, uint32(len(objects)))
	for _, o := range objects {
		b.Write(o)
	}
	b.Write(make([]byte, 20)) // the checksum, not checked here
	return b.Bytes()
}

func packObject(kind int, size int, prefix, data []byte) []byte {
	var b bytes.Buffer
	c := byte(kind<<4) | byte(size&15)
	size >>= 4
	for size > 0 {
		b.WriteByte(c | 0x80)
		c = byte(size & 0x7f)
		size >>= 7
	}
	b.WriteByte(c)
	b.Write(prefix)
	z := zlib.NewWriter(&b)
	_, _ = z.Write(data)
	_ = z.Close()
	return b.Bytes()
}

func varint(n int) []byte {
	var b []byte
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n == 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

// scanPackChunks runs the pack through packScan as go-git would, in small chunks.
func scanPackChunks(pack []byte, lim SourceLimits) error {
	s := newPackScan(lim)
	defer s.close()
	for len(pack) > 0 {
		n := min(len(pack), 7)
		if err := s.feed(pack[:n]); err != nil {
			return err
		}
		pack = pack[n:]
	}
	return nil
}

// A delta of a few bytes can make an object of a gigabyte: its target size is read
// before anything is passed on.
func TestPackScanRefusesADeltaThatMakesAnObjectTooBig(t *testing.T) {
	lim := SourceLimits{ObjectSize: 1 << 20}.withDefaults()
	blob := []byte("base\n")
	ok := rawPack(packObject(objBlob, len(blob), nil, blob))
	if err := scanPackChunks(ok, lim); err != nil {
		t.Fatalf("a small pack: %v", err)
	}
	delta := append(append(varint(5), varint(1<<30)...), 0x91, 0, 5) // copy the base
	bomb := rawPack(packObject(objBlob, len(blob), nil, blob), packObject(objREFDelta, len(delta), make([]byte, 20), delta))
	wantLimit(t, scanPackChunks(bomb, lim), "source_object_size")
	big := rawPack(packObject(objBlob, 2<<20, nil, make([]byte, 2<<20)))
	wantLimit(t, scanPackChunks(big, lim), "source_object_size")
	// An object that inflates to more than its header says is malformed.
	lying := rawPack(packObject(objBlob, 10, nil, make([]byte, 1000)))
	if err := scanPackChunks(lying, lim); !errors.Is(err, errBadPack) {
		t.Errorf("an object longer than its header: %v, want it refused", err)
	}
}

func FuzzPackScan(f *testing.F) {
	blob := []byte("base\n")
	delta := append(append(varint(5), varint(10)...), 0x91, 0, 5)
	f.Add(rawPack(packObject(objBlob, len(blob), nil, blob), packObject(objOFSDelta, len(delta), []byte{0x10}, delta)))
	f.Add([]byte("PACK\x00\x00\x00\x02\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, pack []byte) {
		_ = scanPackChunks(pack, SourceLimits{ObjectSize: 1 << 16, Objects: 1000}.withDefaults())
	})
}
