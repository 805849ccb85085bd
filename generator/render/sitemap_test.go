package render_test

import (
	"encoding/xml"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

type sitemapFile struct {
	XMLName  xml.Name
	URLs     []sitemapLoc `xml:"url"`
	Sitemaps []sitemapLoc `xml:"sitemap"`
}

type sitemapLoc struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod"`
}

func parseSitemap(t *testing.T, name string, data []byte) sitemapFile {
	t.Helper()
	var f sitemapFile
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if f.XMLName.Space != "http://www.sitemaps.org/schemas/sitemap/0.9" {
		t.Fatalf("%s: namespace %q", name, f.XMLName.Space)
	}
	return f
}

// TestSitemapSplitsPastTheProtocolsLimit: a portal with more pages than one sitemap may
// list (the protocol's 50,000; here a limit of 7) has them in files of at most that many,
// which sitemap.xml indexes, with each file's latest date: the same addresses in the same
// order as one file would list, in a build and in pspm serve. Under the limit sitemap.xml
// is the one list it always was.
func TestSitemapSplitsPastTheProtocolsLimit(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	build := func() map[string][]byte {
		t.Helper()
		fsys, err := generator.OpenSource(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := output.NewMem()
		if res, err := generator.Build(generator.Options{Source: fsys}, out); err != nil {
			t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
		}
		return out.Files()
	}
	whole := build()
	one := parseSitemap(t, "sitemap.xml", whole["sitemap.xml"])
	if one.XMLName.Local != "urlset" || len(one.URLs) < 20 {
		t.Fatalf("under the limit: a %s of %d addresses", one.XMLName.Local, len(one.URLs))
	}
	if _, ok := whole["sitemap-1.xml"]; ok {
		t.Fatal("under the limit, a sitemap-1.xml")
	}
	if !slices.IsSortedFunc(one.URLs, func(a, b sitemapLoc) int { return strings.Compare(a.Loc, b.Loc) }) {
		t.Fatal("the addresses are not in order")
	}

	old := render.SitemapLimit
	render.SitemapLimit = 7
	t.Cleanup(func() { render.SitemapLimit = old })
	split := build()
	idx := parseSitemap(t, "sitemap.xml", split["sitemap.xml"])
	if idx.XMLName.Local != "sitemapindex" || len(idx.URLs) > 0 {
		t.Fatalf("past the limit sitemap.xml is a %s", idx.XMLName.Local)
	}
	if want := (len(one.URLs) + 6) / 7; len(idx.Sitemaps) != want {
		t.Fatalf("%d files indexed for %d addresses, want %d", len(idx.Sitemaps), len(one.URLs), want)
	}
	var all []sitemapLoc
	for i, s := range idx.Sitemaps {
		name := s.Loc[strings.LastIndex(s.Loc, "/")+1:]
		if want := "sitemap-" + strconv.Itoa(i+1) + ".xml"; !strings.HasSuffix(s.Loc, "/"+want) {
			t.Fatalf("file %d is %q, want %q", i, s.Loc, want)
		}
		data, ok := split[name]
		if !ok {
			t.Fatalf("sitemap.xml indexes %s, which is not written", s.Loc)
		}
		part := parseSitemap(t, name, data)
		if part.XMLName.Local != "urlset" || len(part.URLs) == 0 || len(part.URLs) > 7 {
			t.Fatalf("%s: a %s of %d addresses", name, part.XMLName.Local, len(part.URLs))
		}
		latest := ""
		for _, u := range part.URLs {
			latest = max(latest, u.LastMod)
		}
		if s.LastMod != latest {
			t.Errorf("%s: indexed as of %q, its latest page %q", name, s.LastMod, latest)
		}
		all = append(all, part.URLs...)
	}
	if !slices.Equal(all, one.URLs) {
		t.Fatalf("the files list %d addresses, not the %d of one sitemap in its order", len(all), len(one.URLs))
	}
	for name := range split {
		if _, ok := whole[name]; !ok && !strings.HasPrefix(name, "sitemap-") {
			t.Errorf("%s is written only when the sitemap is split", name)
		}
	}

	// pspm serve renders the same files when asked for them.
	_, prepare := preparer(t)
	p := prepare()
	for _, name := range []string{"sitemap.xml", "sitemap-1.xml", "sitemap-" + strconv.Itoa(len(idx.Sitemaps)) + ".xml"} {
		if !p.Has(name) {
			t.Fatalf("pspm serve has no %s", name)
		}
		data, err := p.Render(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(split[name]) {
			t.Errorf("pspm serve's %s is not the build's:\n%s", name, data)
		}
	}
}
