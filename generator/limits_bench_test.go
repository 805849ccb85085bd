package generator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
)

// manyTags is a proposal with n tags; limits, when not empty, is the limits: block of
// pspm.yaml.
func manyTags(n int, limits string) string {
	tags := make([]string, n)
	for i := range tags {
		tags[i] = fmt.Sprintf("t%d", i)
	}
	ov := "-- content/proposals/p1/index.md --\n---\ntitle: Proposta uno\nbody: c_h223\ndate: 2025-02-01\ntags: [" + strings.Join(tags, ", ") + "]\n---\nTesto.\n"
	if limits != "" {
		ov += "-- pspm.yaml --\nlimits:\n" + limits
	}
	return ov
}

// BenchmarkManyTags is the tag bomb: n tags on one item make 2n pages (a page per tag
// per language) that each list the item. With the limits raised to let the tags through,
// output grows linearly with n (a card shows at most 10 tags); with the default limits
// (20 tags per item) the build stops at the item's 21st tag, before rendering anything.
// Run with -benchtime 1x.
func BenchmarkManyTags(b *testing.B) {
	for _, n := range []int{500, 1000, 2000, 4000, 20000} {
		b.Run(fmt.Sprintf("tags=%d/limits-raised", n), func(b *testing.B) {
			fsys := sitetest.Site(sitetest.Minimal, manyTags(n, fmt.Sprintf("  tags: %d\n  tag_pages: %d\n", n, n+10)))
			var files, bytes int
			for b.Loop() {
				out := output.NewMem()
				if res, err := generator.Build(generator.Options{Source: fsys}, out); err != nil {
					b.Fatalf("%v\n%s", err, res.Diagnostics.Format())
				}
				files, bytes = 0, 0
				for _, d := range out.Files() {
					files++
					bytes += len(d)
				}
			}
			b.ReportMetric(float64(files), "files")
			b.ReportMetric(float64(bytes)/1e6, "MB")
			b.ReportMetric(float64(bytes)/float64(n), "bytes/tag")
		})
	}
	b.Run("tags=20000/default-limits", func(b *testing.B) {
		fsys := sitetest.Site(sitetest.Minimal, manyTags(20000, ""))
		var files int
		for b.Loop() {
			out := output.NewMem()
			res, err := generator.Build(generator.Options{Source: fsys}, out)
			if err == nil || !strings.Contains(res.Diagnostics.Format(), "content/proposals/p1/index.md:5:") || !strings.Contains(res.Diagnostics.Format(), "limits.tags") {
				b.Fatalf("want an error at the item's tags, got %v\n%s", err, res.Diagnostics.Format())
			}
			files = len(out.Files())
		}
		b.ReportMetric(float64(files), "files")
	})
}
