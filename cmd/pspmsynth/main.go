// Command pspmsynth writes a large synthetic pspm portal for benchmarks and,
// with -hugo, a Hugo site that renders the same content folder, so that both
// generators can be timed on identical input.
//
// Usage:
//
//	pspmsynth -out DIR [-force] [-proposals 1000] [-practices 200] [-reactions 10000]
//	          [-bodies 200] [-tags 50] [-goals 5] [-objectives 20] [-actions 100]
//	          [-feedback 0] [-participants 0] [-supports 0] [-seed 1] [-hugo DIR]
//	pspmsynth -editions 3 -out DIR [-force] [-seed 1] [-lead-owner-only] [-no-results]
//
// With -editions 3 it writes instead a corpus shaped like AgID's three-year plan (see
// synth.RealPlan) as a Git repository: the three editions as commits tagged plan/2022,
// plan/2024 and plan/2025, then the draft, checked out. Its dates are fixed, so the same
// flags give the same bytes and the same commit hashes. The other size flags do not
// apply to it.
//
// pspmsynth refuses to write into a folder that is not empty unless -force is
// given; then it replaces only what it owns there (pspm.yaml and content/ in
// -out, hugo.yaml and layouts/ in -hugo) and leaves every other file alone.
// Files are written to a temporary folder inside the target first and moved
// into place at the end, so a failed run leaves the target as it was.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/synth"
)

func main() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) }

// Main runs pspmsynth with the command-line arguments args (without the
// program name) and returns the exit status: 0 on success, 1 when generation
// fails, 2 for bad usage. Tests call it as the binary does.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("pspmsynth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		o     synth.Options
		out   = fs.String("out", "", "write the portal to this `folder` (required)")
		hugo  = fs.String("hugo", "", "also write a Hugo site rendering the same content to this `folder`")
		force = fs.Bool("force", false, "replace pspm.yaml and content/ (and hugo.yaml and layouts/) in non-empty folders")

		editions = fs.Int("editions", 0, "write the real-plan corpus: 3 tagged editions of a plan shaped like AgID's, as a Git repository (0: the synthetic portal)")
		rp       synth.RealPlanOptions
	)
	fs.BoolVar(&rp.LeadOwnerOnly, "lead-owner-only", false, "with -editions: write only the lead owner of an action or result (for a pspm that reads one owner)")
	fs.BoolVar(&rp.NoResults, "no-results", false, "with -editions: leave out the expected results (content/plan/results/)")
	fs.IntVar(&o.Proposals, "proposals", 1000, "number of proposals")
	fs.IntVar(&o.Practices, "practices", 200, "number of good practices")
	fs.IntVar(&o.Reactions, "reactions", 10000, "number of reaction files (at most one per body per proposal or action)")
	fs.IntVar(&o.Bodies, "bodies", 200, "number of public bodies, the plan owner included")
	fs.IntVar(&o.Tags, "tags", 50, "number of distinct tags")
	fs.IntVar(&o.Goals, "goals", 5, "number of goals")
	fs.IntVar(&o.Objectives, "objectives", 20, "number of objectives")
	fs.IntVar(&o.Actions, "actions", 100, "number of actions")
	fs.IntVar(&o.FeedbackPerProposal, "feedback", 0, "feedback files per proposal")
	fs.IntVar(&o.Participants, "participants", 0, "number of the community's participants (registration open)")
	fs.IntVar(&o.Supports, "supports", 0, "number of support files, spread over the proposals (at most one per participant per proposal)")
	fs.Int64Var(&o.Seed, "seed", 1, "random seed: the same flags give the same bytes")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: pspmsynth -out DIR [flags]; pspmsynth -h lists the flags")
		return 2
	}
	if *editions != 0 {
		if *editions != synth.RealPlanEditions || *hugo != "" {
			fmt.Fprintf(stderr, "pspmsynth: -editions writes the real-plan corpus of exactly %d editions, without -hugo\n", synth.RealPlanEditions)
			return 2
		}
		rp.Seed = o.Seed
		if err := runEditions(rp, *out, *force, stdout); err != nil {
			fmt.Fprintln(stderr, "pspmsynth:", err)
			return 1
		}
		return 0
	}
	if err := run(o, *out, *hugo, *force, stdout); err != nil {
		fmt.Fprintln(stderr, "pspmsynth:", err)
		return 1
	}
	return 0
}

func run(o synth.Options, out, hugo string, force bool, stdout io.Writer) error {
	siteOwns := []string{"pspm.yaml", "content"}
	hugoOwns := []string{"hugo.yaml", "layouts"}
	if err := checkTarget(out, force, siteOwns); err != nil {
		return err
	}
	if hugo != "" && hugo != out {
		if err := checkTarget(hugo, force, hugoOwns); err != nil {
			return err
		}
	}
	start := time.Now()
	n, size, err := writeTree(out, siteOwns, func(emit func(string, []byte) error) error {
		return synth.Generate(o, emit)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d files (%.1f MB) to %s in %s\n", n, float64(size)/1e6, out, time.Since(start).Round(time.Millisecond))
	if hugo == "" {
		return nil
	}
	abs, err := filepath.Abs(filepath.Join(out, "content"))
	if err != nil {
		return err
	}
	if _, _, err := writeTree(hugo, hugoOwns, func(emit func(string, []byte) error) error {
		return synth.GenerateHugo(abs, emit)
	}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote the Hugo twin to %s: hugo -s %s -d PUBLIC\n", hugo, hugo)
	return nil
}

// runEditions writes the real-plan corpus's repository and work tree.
func runEditions(o synth.RealPlanOptions, out string, force bool, stdout io.Writer) error {
	owns := []string{".git", "pspm.yaml", "content"}
	if err := checkTarget(out, force, owns); err != nil {
		return err
	}
	start := time.Now()
	n, size, err := writeTree(out, owns, func(emit func(string, []byte) error) error {
		return synth.RealPlanRepository(o, emit)
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d files (%.1f MB) to %s in %s: %d editions tagged plan/*, then the draft\n", n, float64(size)/1e6, out, time.Since(start).Round(time.Millisecond), synth.RealPlanEditions)
	return nil
}

// checkTarget refuses a folder that holds anything, unless force.
func checkTarget(dir string, force bool, owns []string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 && !force {
		return fmt.Errorf("%s is not empty: choose an empty folder, or pass -force to replace %v in it", dir, owns)
	}
	return nil
}

// writeTree writes what gen emits into a temporary folder inside dir, then
// replaces the top-level entries owns of dir with the new ones. It returns the
// number of files and bytes written.
func writeTree(dir string, owns []string, gen func(emit func(string, []byte) error) error) (int, int64, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, 0, err
	}
	tmp, err := os.MkdirTemp(dir, ".pspmsynth-")
	if err != nil {
		return 0, 0, err
	}
	defer os.RemoveAll(tmp)
	w := newWriter(tmp)
	err = gen(w.emit)
	if cerr := w.close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, 0, err
	}
	for _, name := range owns {
		if _, err := os.Lstat(filepath.Join(tmp, name)); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			return 0, 0, err
		}
		if err := os.Rename(filepath.Join(tmp, name), filepath.Join(dir, name)); err != nil {
			return 0, 0, err
		}
	}
	return w.files, w.bytes, nil
}

// writer writes emitted files under root. emit creates each folder once, in
// order, and queues the file; two goroutines write the queue, which took a
// third off the time to write 10,000 proposals and 100,000 reactions on a
// 2-core machine (more writers gained nothing). The queue bounds memory.
type writer struct {
	root  string
	made  map[string]bool
	queue chan file
	wg    sync.WaitGroup

	mu    sync.Mutex
	err   error // the first write error
	files int
	bytes int64
}

type file struct {
	path string
	data []byte
}

func newWriter(root string) *writer {
	w := &writer{root: root, made: map[string]bool{}, queue: make(chan file, 256)}
	for range 2 {
		w.wg.Go(func() {
			for f := range w.queue {
				err := os.WriteFile(f.path, f.data, 0o644)
				w.mu.Lock()
				if err != nil && w.err == nil {
					w.err = err
				}
				w.files++
				w.bytes += int64(len(f.data))
				w.mu.Unlock()
			}
		})
	}
	return w
}

func (w *writer) emit(path string, data []byte) error {
	w.mu.Lock()
	err := w.err
	w.mu.Unlock()
	if err != nil {
		return err
	}
	if !filepath.IsLocal(filepath.FromSlash(path)) {
		return fmt.Errorf("refusing to write %q outside the output folder", path)
	}
	full := filepath.Join(w.root, filepath.FromSlash(path))
	if dir := filepath.Dir(full); !w.made[dir] {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		w.made[dir] = true
	}
	w.queue <- file{full, bytes.Clone(data)} // data is only ours until emit returns
	return nil
}

// close waits for the queued files and returns the first write error.
func (w *writer) close() error {
	close(w.queue)
	w.wg.Wait()
	return w.err
}
