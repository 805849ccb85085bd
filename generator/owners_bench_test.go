package generator_test

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// addressedToAllSite is the minimal site with bodies municipalities and actions actions,
// every one addressed to all bodies: each body's page lists every action.
func addressedToAllSite(bodies, actions int) string {
	var b strings.Builder
	for i := range bodies {
		fmt.Fprintf(&b, "-- content/bodies/c_x%04d.md --\n---\nname: Comune numero %d\nkind: municipality\n---\n", i, i)
	}
	for i := range actions {
		fmt.Fprintf(&b, "-- content/plan/actions/cap%d-la%03d.md --\n---\ntitle: \"Le PA aggiornano i propri sistemi per l'adozione della piattaforma nazionale, linea %d\"\ncode: CAP%d.PA.LA%03d\nobjective: o1\naddressees: [all]\ndue: 2026-%02d-28\n---\n",
			i%7+1, i, i, i%7+1, i, i%12+1)
	}
	return b.String()
}

// BenchmarkBodyPagesAddressedToAll builds, to disk, a plan of 280 actions addressed to
// all of 2,000 bodies: every body's page lists the 280 actions, cut into pages. It
// reports the pages written, their bytes, and the heap in use after the build.
func BenchmarkBodyPagesAddressedToAll(b *testing.B) {
	fsys := sitetest.Site(sitetest.Minimal, addressedToAllSite(benchBodies, 280))
	for i := 0; i < b.N; i++ {
		dest := filepath.Join(b.TempDir(), "public")
		res, err := generator.BuildDir(generator.Options{Source: fsys}, dest)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		var pages, bytes int64
		filepath.WalkDir(filepath.Join(dest, "bodies"), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() == "index.html" {
				info, _ := d.Info()
				pages++
				bytes += info.Size()
			}
			return nil
		})
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(res.Files), "files")
		b.ReportMetric(float64(pages), "body-pages")
		b.ReportMetric(float64(bytes)/(1<<20), "body-MB")
		b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap-MB")
		b.StartTimer()
	}
}

// benchBodies is how many bodies BenchmarkBodyPagesAddressedToAll registers.
var benchBodies = 2000
