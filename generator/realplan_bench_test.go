package generator_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/pspm-dev/pspm/generator"
)

// realPlanSite writes the real-plan corpus's repository once per process: under
// $PSPM_BENCH_DIR when set (use a tmpfs such as /dev/shm), else in a temporary folder.
func realPlanSite(b *testing.B) string {
	if dir, ok := benchSites.Load("realplan"); ok {
		return dir.(string)
	}
	dir := filepath.Join(benchRoot(b), "realplan")
	_ = os.RemoveAll(dir)
	writeRealPlan(b, dir)
	withAgIDReference(b, dir)
	benchSites.Store("realplan", dir)
	return dir
}

// BenchmarkRealPlanBuild is the full build of the real-plan corpus (three editions of
// AgID's plan tagged in Git, about 300 actions each, the draft with proposals and votes,
// and an edition of AgID's plan as its reference, read by an agid-plan source):
// the history read from Git, the three versions and their changes, the draft's changes,
// the monitoring, the search index and every page in Italian and English, written to
// disk. Each build is cold: no history cache, an empty output folder. It reports the
// process's peak memory (max-rss-MB), the heaviest page with what it loads
// (largest-page-KB, see TestRealPlanEveryPageWithinBudget) and the pages over budget.
//
//	PSPM_BENCH_DIR=/dev/shm/bench go test ./generator -run '^$' -bench RealPlanBuild -benchtime 1x -count 3
func BenchmarkRealPlanBuild(b *testing.B) {
	dir := realPlanSite(b)
	dest := filepath.Join(filepath.Dir(dir), "realplan-public")
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer() // the corpus is written once, outside the measure
	var res *generator.Result
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		_ = os.RemoveAll(dest)
		_ = os.RemoveAll(filepath.Join(dir, ".pspm"))
		runtime.GC()
		b.StartTimer()
		res, err = generator.BuildDir(generator.Options{Source: fsys, Dir: dir}, dest)
		if err != nil {
			b.Fatalf("%v\n%s", err, res.Diagnostics.Format())
		}
	}
	b.StopTimer()
	rss := maxRSS()
	checkRealPlanDiagnostics(b, res.Diagnostics)
	files := map[string][]byte{}
	err = filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dest, p)
		files[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	weights, err := pageWeights(files, res.Config.BaseURL)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(rss)/(1<<20), "max-rss-MB")
	b.ReportMetric(float64(weights[0].bytes)/1024, "largest-page-KB")
	b.ReportMetric(float64(len(overBudget(weights))), "pages-over-budget")
	b.ReportMetric(float64(res.Files), "files")
}
