package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestServeDemoBuildsFromItsHistoryAndRemovesItAtExit runs `pspm serve` in a folder
// without content/, stopped at once: it writes the demo's repository into a temporary
// folder, builds it with its history, and leaves nothing behind.
func TestServeDemoBuildsFromItsHistoryAndRemovesItAtExit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var stdout, stderr bytes.Buffer
	root := newRoot(&stdout, &stderr)
	root.SetArgs([]string{"serve", "-s", t.TempDir(), "--port", "0"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // stop as soon as it is built
	_ = root.ExecuteContext(ctx)
	if !strings.Contains(stderr.String(), "no content/ folder in") || !strings.Contains(stdout.String(), "built ") {
		t.Fatalf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	// The one warning is the plan owner's: the demo's community proposal reached its
	// threshold of supports and waits for an answer.
	for line := range strings.SplitSeq(stdout.String(), "\n") {
		if (strings.Contains(line, "warning") || strings.Contains(line, "error")) && !strings.Contains(line, "warning: threshold reached on") {
			t.Errorf("the demo's history builds with problems:\n%s", stdout.String())
			break
		}
	}
	if !strings.Contains(stdout.String(), "content/proposals/facilitazione-biblioteche/index.md:2:8: warning: threshold reached on 2026-09-27") {
		t.Errorf("the demo's community proposal does not wait for an answer:\n%s", stdout.String())
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "pspm-demo-") {
			t.Errorf("the demo's folder %s is left behind", e.Name())
		}
	}
}
