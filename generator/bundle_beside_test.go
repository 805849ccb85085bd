package generator_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

// TestTheSearchBundleIsExportedBesideThePages: the search bundle is exported from the
// index while the pages render. Its stage is reported beside render, its files are
// written with the pages, and a warning it gives (here its cache cannot be kept: a
// folder stands where the file goes) reaches the build's diagnostics.
func TestTheSearchBundleIsExportedBesideThePages(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(generator.BundleCache+"/in-the-way", "x")
	res, files := buildResult(t, g)
	if d := res.Diagnostics.Format(); !strings.Contains(d, "cannot keep the cache "+generator.BundleCache) {
		t.Errorf("the bundle's warning is lost:\n%s", d)
	}
	var stages []string
	for _, st := range res.Timings {
		s := st.Stage
		if st.Beside != "" {
			s += " beside " + st.Beside
		}
		stages = append(stages, s)
	}
	if got := strings.Join(stages, ", "); !strings.Contains(got, "index, search bundle beside render, render") {
		t.Errorf("stages: %s", got)
	}
	if _, ok := files["search/meta.json"]; !ok {
		t.Errorf("no search/meta.json among the %d files written", len(files))
	}
}

// TestALargeSitesSearchBundleIsExportedBeforeThePages: above the size whose texts stay
// in memory, the build waits for the bundle before the pages, so that the index and the
// pages are not in memory at once, and writes the bundle's files as they are exported
// rather than holding them through the render; the files are the same.
func TestALargeSitesSearchBundleIsExportedBeforeThePages(t *testing.T) {
	g := newGitRepo(t, "author", "")
	_, beside := buildResult(t, g)
	generator.SetBundleBesideUpTo(t, 0)
	res, before := buildResult(t, g)
	var stages []string
	for _, st := range res.Timings {
		stages = append(stages, st.Stage+st.Beside)
	}
	if got := strings.Join(stages, ", "); !strings.Contains(got, "index, search bundle, render") {
		t.Errorf("stages: %s", got)
	}
	sameFiles(t, "the bundle waited for", before, beside)

	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	w := &orderedWriter{Mem: output.NewMem()}
	if res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir}, w); err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	lastBundle, firstPage := -1, -1
	for i, name := range w.names {
		if strings.HasPrefix(name, "search/") && !strings.HasSuffix(name, ".html") { // the bundle, not the search page
			lastBundle = i
		} else if strings.HasSuffix(name, ".html") && firstPage < 0 {
			firstPage = i
		}
	}
	if lastBundle < 0 || firstPage < 0 || lastBundle > firstPage {
		t.Errorf("the bundle's last file is the %dth written, the first page the %dth: want the bundle written before the pages\n%q", lastBundle+1, firstPage+1, w.names[:lastBundle+1])
	}
	sameFiles(t, "the bundle written as exported", w.Files(), before)
}

// orderedWriter keeps the names of the files written, in their order.
type orderedWriter struct {
	*output.Mem
	mu    sync.Mutex
	names []string
}

func (w *orderedWriter) WriteFile(name string, data []byte) error {
	w.mu.Lock()
	w.names = append(w.names, name)
	w.mu.Unlock()
	return w.Mem.WriteFile(name, data)
}
