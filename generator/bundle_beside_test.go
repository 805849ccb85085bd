package generator_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
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
// pages are not in memory at once; the files are the same.
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
}
