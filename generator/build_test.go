package generator_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
)

func TestDemoContentIsValidAndBuilds(t *testing.T) {
	out := output.NewMem()
	// The demo's participants register as its pspm.yaml says (generator/demo writes it).
	src := sitetest.Demo(t, "-- pspm.yaml --\nparticipation:\n  registration: approved\n")
	res, err := generator.Build(generator.Options{Source: src}, out)
	if err != nil {
		t.Fatalf("the demo does not build: %v\n%s", err, res.Diagnostics.Format())
	}
	if w := res.Diagnostics.Warnings(); len(w) > 0 {
		t.Errorf("the demo has warnings:\n%s", w.Format())
	}
	s := res.Site
	if len(s.Participants) < 4 || len(s.Supports) < 6 || len(s.Moderations) == 0 {
		t.Errorf("the demo's community is thinner than promised: %d participants, %d supports, %d moderation decisions",
			len(s.Participants), len(s.Supports), len(s.Moderations))
	}
	if len(s.Proposals) < 25 || len(s.Practices) < 15 || len(s.Bodies) < 12 || len(s.Actions) < 20 || len(s.Reactions) < 150 {
		t.Errorf("the demo is thinner than promised: %d proposals, %d practices, %d bodies, %d actions, %d reactions",
			len(s.Proposals), len(s.Practices), len(s.Bodies), len(s.Actions), len(s.Reactions))
	}
	if s.Bodies == nil || s.ByBody["c_h223"] == nil {
		t.Errorf("the demo lacks the Comune di Reggio Emilia (c_h223)")
	}
}

// writeSite writes a site from a txtar overlay on the minimal site into a folder.
func writeSite(t *testing.T, overlay string) string {
	t.Helper()
	dir := t.TempDir()
	for name, f := range sitetest.Site(sitetest.Minimal, overlay) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// snapshot reads every file under dir.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func buildDir(t *testing.T, src, dest string) (*generator.Result, error) {
	t.Helper()
	fsys, err := generator.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	return generator.BuildDir(generator.Options{Source: fsys}, dest)
}

func TestSameInputGivesByteIdenticalOutput(t *testing.T) {
	dest1, dest2 := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for _, d := range []string{dest1, dest2} {
		if _, err := generator.BuildDir(generator.Options{Source: demo.Site()}, d); err != nil {
			t.Fatal(err)
		}
	}
	a, b := snapshot(t, dest1), snapshot(t, dest2)
	if len(a) < 100 || len(a) != len(b) {
		t.Fatalf("builds wrote %d and %d files", len(a), len(b))
	}
	for name, content := range a {
		if b[name] != content {
			t.Errorf("%s differs between two builds of the same input", name)
		}
	}
}

func TestFailedBuildLeavesThePreviousOutputExactlyAsItWas(t *testing.T) {
	src := writeSite(t, "")
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := buildDir(t, src, dest); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dest)
	if err := os.WriteFile(filepath.Join(src, "content/proposals/p1/index.md"), []byte("---\ntitle: broken\nstatus: nope\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := buildDir(t, src, dest); !errors.Is(err, generator.ErrContent) {
		t.Fatalf("build of broken content: err = %v, want ErrContent", err)
	}
	after := snapshot(t, dest)
	if fmt.Sprint(keys(before)) != fmt.Sprint(keys(after)) {
		t.Fatalf("files changed after a failed build")
	}
	for n, c := range before {
		if after[n] != c {
			t.Errorf("%s changed after a failed build", n)
		}
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("a failed build left %d entries beside the destination", len(entries))
	}
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestKilledBuildLeavesThePreviousOutputExactlyAsItWas kills a real build process with
// SIGKILL while it is writing, then checks that the destination is the previous build and
// that the next build cleans up after the killed one.
func TestKilledBuildLeavesThePreviousOutputExactlyAsItWas(t *testing.T) {
	if os.Getenv("PSPM_KILL_CHILD") != "" {
		// The child: build slowly into the destination, forever until killed.
		fsys, _ := generator.OpenSource(os.Getenv("PSPM_KILL_SRC"))
		out, err := output.NewDir(os.Getenv("PSPM_KILL_DEST"))
		if err != nil {
			os.Exit(3)
		}
		_, _ = generator.Build(generator.Options{Source: fsys}, slowWriter{out})
		os.Exit(4) // never reached: the parent kills us first
	}
	src := writeSite(t, "")
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := buildDir(t, src, dest); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dest)
	// The site changes (every page shows its title): the child has files to write, since a
	// build over the previous output writes only the files that differ from it.
	if err := os.WriteFile(filepath.Join(src, "pspm.yaml"), []byte("title: Un altro titolo\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledBuildLeavesThePreviousOutputExactlyAsItWas$")
	cmd.Env = append(os.Environ(), "PSPM_KILL_CHILD=1", "PSPM_KILL_SRC="+src, "PSPM_KILL_DEST="+dest)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child has written into its temporary folder, then kill it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		tmps, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".public.tmp-*", "*"))
		if len(tmps) > 0 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("the child never started writing: %s", stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()

	after := snapshot(t, dest)
	if len(after) != len(before) {
		t.Fatalf("destination has %d files after the kill, want %d", len(after), len(before))
	}
	for n, c := range before {
		if after[n] != c {
			t.Errorf("%s changed after a killed build", n)
		}
	}
	if _, err := buildDir(t, src, dest); err != nil {
		t.Fatal(err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), ".public.tmp-*")); len(leftovers) > 0 {
		t.Errorf("the next build left the killed build's temporary folder: %v", leftovers)
	}
}

// slowWriter writes slowly so that a build can be killed in the middle.
type slowWriter struct{ w output.Writer }

func (s slowWriter) WriteFile(name string, data []byte) error {
	time.Sleep(20 * time.Millisecond)
	return s.w.WriteFile(name, data)
}

func TestWriteErrorMidBuildLeavesThePreviousOutput(t *testing.T) {
	src := writeSite(t, "")
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := buildDir(t, src, dest); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dest)
	out, err := output.NewDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := generator.OpenSource(src)
	_, err = generator.Build(generator.Options{Source: fsys}, failAfter{w: out, n: new(atomic.Int32)})
	if err == nil || errors.Is(err, generator.ErrContent) {
		t.Fatalf("err = %v, want an internal write error", err)
	}
	_ = out.Abort()
	after := snapshot(t, dest)
	for n, c := range before {
		if after[n] != c {
			t.Errorf("%s changed after a build that failed to write", n)
		}
	}
}

// failAfter fails the tenth write, like a full disk. The pages are written from several
// goroutines.
type failAfter struct {
	w output.Writer
	n *atomic.Int32
}

func (f failAfter) WriteFile(name string, data []byte) error {
	if f.n.Add(1) == 10 {
		return errors.New("no space left on device")
	}
	return f.w.WriteFile(name, data)
}

func TestSymlinkOnDiskLeavingTheSourceIsNeverFollowed(t *testing.T) {
	src := writeSite(t, "")
	secret := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(secret, []byte("TOP SECRET"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(src, "content/practices/pr1/leak.txt")); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	res, err := buildDir(t, src, dest)
	if !errors.Is(err, generator.ErrContent) {
		t.Fatalf("err = %v, want a content error", err)
	}
	if !strings.Contains(res.Diagnostics.Format(), "content/practices/pr1/leak.txt: a symbolic link; commit the file itself") {
		t.Errorf("diagnostics:\n%s", res.Diagnostics.Format())
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("a refused build created the destination")
	}
}

// TestBuildLetsGoOfTheProposalsPositionsOnceChecked: once the model's checks have run, a
// build keeps no position of the proposals' and practices' keys (a heap's worth at
// national scale), and the plan's items keep theirs (an action's progress, written or
// not, says something); the demo's proposals had positions to let go of.
func TestBuildLetsGoOfTheProposalsPositionsOnceChecked(t *testing.T) {
	inspected, err := generator.Inspect(generator.Options{Source: demo.Site()})
	if err != nil {
		t.Fatal(err)
	}
	had := 0
	for _, p := range inspected.Site.Proposals {
		had += len(p.At)
	}
	if had == 0 {
		t.Fatal("the demo's proposals have no positions: the test proves nothing")
	}
	res, err := generator.BuildDir(generator.Options{Source: demo.Site()}, filepath.Join(t.TempDir(), "public"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Site.Proposals {
		if p.At != nil {
			t.Fatalf("proposal %s keeps %d positions after the build", p.ID, len(p.At))
		}
	}
	for _, p := range res.Site.Practices {
		if p.At != nil {
			t.Fatalf("practice %s keeps %d positions after the build", p.ID, len(p.At))
		}
	}
	kept := 0
	for _, a := range res.Site.Actions {
		kept += len(a.At)
	}
	if kept == 0 {
		t.Error("the plan's actions lost their positions")
	}
}
