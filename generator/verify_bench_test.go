package generator_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
)

// BenchmarkVerify is pspm verify of a published synthetic portal against its repository
// (one commit holding the whole site): clone, rebuild cold, compare every file. The
// portal and the repository are made once, in PSPM_BENCH_DIR when set. Size:
// PSPM_BENCH_VERIFY_PROPOSALS (default 1000; the README's figure is 10000), ten
// reactions per proposal.
func BenchmarkVerify(b *testing.B) {
	n := 1000
	if v, err := strconv.Atoi(os.Getenv("PSPM_BENCH_VERIFY_PROPOSALS")); err == nil && v > 0 {
		n = v
	}
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git not installed")
	}
	root := benchRoot(b)
	repo := filepath.Join(root, fmt.Sprintf("verify-repo-%d", n))
	if _, err := os.Stat(filepath.Join(repo, ".git")); err != nil {
		_ = os.RemoveAll(repo)
		if err := os.CopyFS(repo, os.DirFS(syntheticSite(b, n, 10*n))); err != nil {
			b.Fatal(err)
		}
		for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"commit", "-q", "-m", "Il portale"}} {
			cmd := exec.Command("git", args...)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
				"GIT_AUTHOR_NAME=Anna", "GIT_AUTHOR_EMAIL=anna@example.org", "GIT_COMMITTER_NAME=Anna", "GIT_COMMITTER_EMAIL=anna@example.org",
				"GIT_AUTHOR_DATE=2026-01-10T10:00:00Z", "GIT_COMMITTER_DATE=2026-01-10T10:00:00Z")
			if out, err := cmd.CombinedOutput(); err != nil {
				_ = os.RemoveAll(repo)
				b.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
	}
	host := filepath.Join(root, fmt.Sprintf("verify-host-%d", n))
	if _, err := os.Stat(filepath.Join(host, generator.RecordFile)); err != nil {
		fsys, err := generator.OpenSource(repo)
		if err != nil {
			b.Fatal(err)
		}
		if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: repo}, host); err != nil {
			b.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
		}
	}
	b.ResetTimer()
	var files int
	for i := 0; i < b.N; i++ {
		work, err := os.MkdirTemp(root, "verify-work-")
		if err != nil {
			b.Fatal(err)
		}
		rep, err := generator.Verify(context.Background(), generator.VerifyOptions{Target: host, Repo: repo, Work: work})
		b.StopTimer()
		_ = os.RemoveAll(work)
		b.StartTimer()
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Differences) > 0 {
			b.Fatalf("%d differences, first: %s %s", len(rep.Differences), rep.Differences[0].Path, rep.Differences[0].Says)
		}
		files = rep.Files
	}
	b.ReportMetric(float64(files), "files")
	b.ReportMetric(peakRSSMB(), "MB-peak-RSS")
}

// peakRSSMB is the process's peak resident memory so far (VmHWM), in MB.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
