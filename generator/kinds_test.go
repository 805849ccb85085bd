package generator_test

import (
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/themes"
)

// Every kind of plan item declared in site.PlanKinds has what each stage needs: a page
// template in the default theme, its names in both languages, a search type, its list
// in the open data, and a page built from a file of its section.
func TestEveryPlanKindHasATemplateNamesASearchTypeAndOpenData(t *testing.T) {
	b := sitetest.Run(t, resultSite).OK()
	docs := search.Documents(b.Result.Site, b.Result.Config.Languages, markdown.New().Plain)
	seen := map[site.Section]bool{}
	for i, k := range site.PlanKinds {
		if k.Name == "" || k.Plural == "" || k.New == nil || k.Items == nil || k.Clone == nil {
			t.Errorf("kind %d (%s) is not fully declared", i, k.Section)
			continue
		}
		if k.Parent != "" && (!seen[k.Parent] || k.ParentKey == "") {
			t.Errorf("%s: its parent %s must be declared before it, with the key that names it", k.Name, k.Parent)
		}
		seen[k.Section] = true
		if site.KindOf(k.Section) != k || !slices.Contains(site.Sections, k.Section) {
			t.Errorf("%s: section %s is not a section of the portal", k.Name, k.Section)
		}
		if _, err := fs.Stat(themes.Default(), "layouts/"+k.Name+".html"); err != nil {
			t.Errorf("%s: the default theme has no layouts/%s.html", k.Name, k.Name)
		}
		for _, lang := range []string{"it", "en"} {
			data, err := fs.ReadFile(themes.Default(), "i18n/"+lang+".yaml")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "\nsearch.type."+k.Name+":") {
				t.Errorf("%s: i18n/%s.yaml has no search.type.%s", k.Name, lang, k.Name)
			}
		}
		if !slices.Contains(search.Types, k.Name) {
			t.Errorf("%s: not one of search.Types", k.Name)
		}
		if !slices.ContainsFunc(docs, func(d search.Document) bool { return d.Type == k.Name }) {
			t.Errorf("%s: no search document of type %q", k.Name, k.Name)
		}
		items := k.Items(b.Result.Site)
		if len(items) == 0 {
			t.Errorf("%s: the test site has none", k.Name)
			continue
		}
		b.File(strings.TrimPrefix(items[0].Base().URL(), "/")+"index.html", "<h1>")
		b.File("api/v1/plan/draft.json", `"`+k.Plural+`":`)
	}
}
