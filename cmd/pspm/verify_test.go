package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyExitStatus: 0 for a portal as its repository gives it, 1 with what differs,
// 2 when there is nothing to check against.
func TestVerifyExitStatus(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := filepath.Join(t.TempDir(), "site")
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir, "--title", "Piano", "--owner", "m_ef", "--date", "2026-01-10"}, &out, &errb); code != exitOK {
		t.Fatalf("new site: %d\n%s", code, errb.String())
	}
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+t.TempDir(),
			"GIT_AUTHOR_NAME=Anna", "GIT_AUTHOR_EMAIL=anna@example.org", "GIT_COMMITTER_NAME=Anna", "GIT_COMMITTER_EMAIL=anna@example.org",
			"GIT_AUTHOR_DATE=2026-01-10T10:00:00Z", "GIT_COMMITTER_DATE=2026-01-10T10:00:00Z")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, b)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "Il piano")
	public := filepath.Join(t.TempDir(), "public")
	if code := run([]string{"build", "-s", dir, "-d", public}, &out, &errb); code != exitOK {
		t.Fatalf("build: %d\n%s", code, errb.String())
	}

	out.Reset()
	errb.Reset()
	if code := run([]string{"verify", public, "--repo", dir}, &out, &errb); code != exitOK || !strings.Contains(out.String(), "verified: the ") {
		t.Fatalf("untouched: exit %d\n%s%s", code, out.String(), errb.String())
	}

	if err := os.WriteFile(filepath.Join(public, "index.html"), []byte("<p>altro</p>"), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	if code := run([]string{"verify", public, "--repo", dir, "--format", "github"}, &out, &errb); code != exitContent || !strings.Contains(out.String(), "::error file=index.html::changed: the host has other bytes") {
		t.Fatalf("a page changed: exit %d\n%s%s", code, out.String(), errb.String())
	}

	out.Reset()
	errb.Reset()
	if code := run([]string{"verify", t.TempDir(), "--repo", dir}, &out, &errb); code != exitCannotVerify || !strings.Contains(errb.String(), "no build record") {
		t.Fatalf("no record: exit %d\n%s%s", code, out.String(), errb.String())
	}
}
