package history

import (
	"crypto/sha1"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWorkIndexSaysWhatGitStatusSays: in a checkout whose site is a folder of the
// repository, a file is known by its blob exactly when `git status` finds it unmodified
// in the work tree (edited, edited to the same size, touched, removed, new, staged,
// deleted from the index), and the blob is the index's.
func TestWorkIndexSaysWhatGitStatusSays(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.org")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	write := func(name, text string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	settle := func() { time.Sleep(50 * time.Millisecond) } // past the clock's granularity, so that nothing is racily clean
	files := []string{"edited", "same-size", "touched", "removed", "kept", "unstaged", "mode"}
	git("init", "-q", "-b", "main")
	for _, f := range files {
		write("site/content/"+f+".md", "testo di "+f+"\n")
	}
	write("other/x.md", "fuori dal sito\n")
	settle()
	git("add", "-A")
	git("commit", "-q", "-m", "uno")
	settle()

	write("site/content/edited.md", "un altro testo, più lungo\n")
	write("site/content/same-size.md", "TESTO di same-size\n")
	now := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "site/content/touched.md"), now, now); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, "site/content/removed.md"))
	write("site/content/new.md", "nuovo\n")
	write("site/content/staged.md", "aggiunto\n")
	git("add", "site/content/staged.md")
	git("rm", "-q", "--cached", "site/content/unstaged.md")
	if err := os.Chmod(filepath.Join(dir, "site/content/mode.md"), 0o755); err != nil {
		t.Fatal(err)
	}
	settle()
	status := git("status", "--porcelain=v1", "-z", "--untracked-files=all")
	settle()

	dirty := map[string]bool{}
	for _, rec := range strings.Split(status, "\x00") {
		if len(rec) > 3 {
			if y := rec[1]; y != ' ' {
				dirty[strings.TrimPrefix(rec[3:], "site/")] = true
			}
		}
	}
	w, err := ReadWorkIndex(filepath.Join(dir, "site"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := w.Blob("../other/x.md"); ok {
		t.Error("a file outside the site is known")
	}
	for _, f := range append(files, "new", "staged") {
		p := "content/" + f + ".md"
		blob, ok := w.Blob(p)
		indexed := strings.TrimSpace(git("ls-files", "--stage", "site/"+p)) != ""
		if want := indexed && !dirty[p]; ok != want {
			t.Errorf("%s: known %v, git status says clean %v (status %q)", p, ok, want, status)
		}
		if ok {
			if want := strings.TrimSpace(git("rev-parse", ":site/"+p)); blob != want {
				t.Errorf("%s: blob %s, the index has %s", p, blob, want)
			}
		}
	}
	for _, f := range []string{"edited", "same-size", "removed", "new", "unstaged", "mode"} {
		if _, ok := w.Blob("content/" + f + ".md"); ok {
			t.Errorf("%s: known, but changed", f)
		}
	}
	for _, f := range []string{"touched", "kept", "staged"} {
		if _, ok := w.Blob("content/" + f + ".md"); !ok {
			t.Errorf("%s: unknown, but as Git has it", f)
		}
	}
}

// TestWorkIndexReadsEveryIndexVersion: versions 2, 3 (with an extended entry, skipped) and 4
// (paths compressed) give the same blobs.
func TestWorkIndexReadsEveryIndexVersion(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	for _, f := range []string{"content/proposals/a/index.md", "content/proposals/a/reactions/x.yaml", "content/proposals/b/index.md", "pspm.yaml"} {
		p := filepath.Join(dir, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(f), 0o644)
	}
	time.Sleep(50 * time.Millisecond)
	git("add", "-A")
	var want map[string]string
	for _, v := range []string{"2", "3", "4"} {
		git("update-index", "--index-version", v)
		if v == "3" {
			git("update-index", "--skip-worktree", "pspm.yaml") // an extended entry, which Git does not compare with the file
			want["pspm.yaml"] = ""
		}
		time.Sleep(50 * time.Millisecond)
		w, err := ReadWorkIndex(dir)
		if err != nil {
			t.Fatalf("version %s: %v", v, err)
		}
		got := map[string]string{}
		for f := range w.entries {
			got[f], _ = w.Blob(f)
		}
		if len(got) != 4 || got["content/proposals/a/reactions/x.yaml"] == "" {
			t.Fatalf("version %s: %v", v, got)
		}
		if want == nil {
			want = got
		} else if len(want) != len(got) {
			t.Errorf("version %s: %v, want %v", v, got, want)
		} else {
			for f := range want {
				if want[f] != got[f] {
					t.Errorf("version %s: %s is %s, want %s", v, f, got[f], want[f])
				}
			}
		}
	}
}

// FuzzWorkIndex feeds the index reader arbitrary indexes, and the same bytes with a
// correct trailing checksum: it must never panic, and an index it refuses yields nothing.
func FuzzWorkIndex(f *testing.F) {
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00"))
	f.Add([]byte("DIRC\x00\x00\x00\x04\x00\x00\x00\x01" + strings.Repeat("\x00", 40) + "\x00\x00\x81\xa4" + strings.Repeat("\x00", 22) + "\x00\x05\x00content\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sum := sha1.Sum(data)
		for _, d := range [][]byte{data, append(append([]byte{}, data...), sum[:]...)} {
			if m, err := parseIndex(d, "content/"); err != nil && m != nil {
				t.Fatal("entries with an error")
			}
		}
	})
}
