package generator_test

import (
	"strings"
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
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
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
	files := out.Files()
	if _, ok := files["search/meta.json"]; !ok {
		t.Errorf("no search/meta.json among the %d files written", len(files))
	}
}

// TestALargeSitesSearchBundleIsExportedBeforeThePages: above the size whose texts stay
// in memory, the build waits for the bundle before the pages, so that the index and the
// pages are not in memory at once; the files are the same.
func TestALargeSitesSearchBundleIsExportedBeforeThePages(t *testing.T) {
	g := newGitRepo(t, "author", "")
	build := func() (*generator.Result, map[string][]byte) {
		fsys, err := generator.OpenSource(g.dir)
		if err != nil {
			t.Fatal(err)
		}
		out := output.NewMem()
		res, err := generator.Build(generator.Options{Source: fsys, Dir: g.dir}, out)
		if err != nil {
			t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
		}
		return res, out.Files()
	}
	_, beside := build()
	generator.SetBundleBesideUpTo(t, 0)
	res, before := build()
	var stages []string
	for _, st := range res.Timings {
		stages = append(stages, st.Stage+st.Beside)
	}
	if got := strings.Join(stages, ", "); !strings.Contains(got, "index, search bundle, render") {
		t.Errorf("stages: %s", got)
	}
	sameFiles(t, "the bundle waited for", before, beside)
}
