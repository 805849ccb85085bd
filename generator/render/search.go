package render

import (
	"encoding/json"

	"github.com/pspm-dev/pspm/generator/site"
)

// SearchView is the data of the search page (/search/): what its script needs to search
// the static search bundle, and where to find things for readers without JavaScript.
type SearchView struct {
	// Bundle is the link to the folder of the static search bundle (search/meta.json and
	// the files it names), the same in every language.
	Bundle string
	// Base is the site's base path: the results' pages are under it (/pspm/ for
	// /pspm/proposals/x/).
	Base string
	// Strings are the client's strings and labels in the page's language, as JSON: the
	// page puts them in a data attribute, so that the page has no inline script.
	Strings string
	// Lists are the pages that list everything: proposals, practices, plan, bodies,
	// tags, and the sitemap.
	Lists []Link
}

// searchKeys are the interface strings the search script uses, by its own names.
var searchKeys = map[string]string{
	"results":     "search.results",
	"results.one": "search.results.one",
	"none":        "search.none",
	"for":         "search.for",
	"loading":     "search.loading",
	"error":       "search.error",
	"empty":       "search.empty",
	"syntax":      "search.syntax",
	"heading":     "search.results.heading",
	"filters":     "search.filters",
	"facet.type":  "search.facet.type", "facet.status": "search.facet.status", "facet.body": "search.facet.body",
	"facet.tags": "search.facet.tags", "facet.versions": "search.facet.versions",
	"active": "search.filter.active", "remove": "search.filter.remove", "clear": "search.filter.clear",
	"more": "search.facet.more", "draft": "search.version.draft", "version": "search.version",
	"pager": "pager.label", "prev": "pager.prev", "next": "pager.next", "of": "pager.of",
}

// searchView is the search page's data in the renderer's language.
func (r *renderer) searchView() (*SearchView, error) {
	strs := map[string]string{}
	for k, key := range searchKeys {
		strs[k] = r.tr.T(key)
		for _, suffix := range pluralSuffixes { // the plural forms, which the script picks by the CLDR rules of the browser
			if form, ok := r.tr.strings[key+suffix]; ok {
				strs[k+suffix] = form
			}
		}
	}
	var types []string
	for _, k := range site.PlanKinds {
		types = append(types, k.Name)
	}
	for _, t := range append(types, "proposal", "practice", "body", "feedback", "amendment", "agid") {
		strs["type."+t] = r.tr.T("search.type." + t)
	}
	for _, s := range append(append([]string{}, site.ProposalStatuses...), site.ActionStatuses...) {
		strs["status."+s] = r.tr.T("status." + s)
	}
	for _, s := range site.AmendmentStates { // the statuses proposals do not share
		if _, ok := strs["status."+s]; !ok {
			strs["status."+s] = r.tr.T("amendment.status." + s)
		}
	}
	for _, o := range r.all {
		strs["lang."+o.lang] = o.tr.T("lang.name")
	}
	data, err := json.Marshal(strs) // keys sorted: the same bytes every build
	if err != nil {
		return nil, err
	}
	return &SearchView{
		Bundle:  r.asset("/search/"),
		Base:    r.asset("/"),
		Strings: string(data),
		Lists: []Link{
			{r.tr.T("menu.proposals"), r.link("/proposals/")},
			{r.tr.T("menu.plan"), r.link("/plan/")},
			{r.tr.T("menu.practices"), r.link("/practices/")},
			{r.tr.T("menu.bodies"), r.link("/bodies/")},
			{r.tr.T("menu.tags"), r.link("/tags/")},
			{r.tr.T("search.sitemap"), r.asset("/sitemap.xml")},
		},
	}, nil
}

// searchPage renders /search/: the search of the static bundle, and the lists of
// everything for readers without JavaScript.
func (r *renderer) searchPage() ([]byte, error) {
	v, err := r.searchView()
	if err != nil {
		return nil, err
	}
	return r.page("search", &Page{Title: r.tr.T("search.title"), URL: r.link("/search/"), Search: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}
