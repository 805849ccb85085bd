package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/search"
)

// searchSite serves a built site with a search index of three documents.
func searchSite(t *testing.T) *httptest.Server {
	t.Helper()
	dir, _ := site(t)
	docs := []search.Document{
		{ID: "proposals/a", Type: "proposal", Lang: "it", Status: "open", Body: "c_h223", Title: "Servizi digitali per i comuni",
			Summary: "Servizi digitali <b>semplici</b>.", Text: "Servizi digitali semplici per i piccoli comuni.", URL: "/proposals/a/",
			Date: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "proposals/b", Type: "proposal", Lang: "it", Status: "accepted", Body: "m_ef", Title: "Rete regionale",
			Text: "Una rete per la sicurezza.", URL: "/proposals/b/", Date: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "plan/actions/x", Type: "action", Lang: "it", Status: "planned", Title: "Comuni digitali", Text: "Azione sui comuni.",
			URL: "/plan/actions/x/", Versions: []string{"draft"}, Code: "CAP1.PA.LA07"},
	}
	x, _, err := search.Build("", docs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	h, err := New(Options{Dir: dir, Search: x.Search})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func TestSearchAPIAnswersJSON(t *testing.T) {
	srv := searchSite(t)
	code, body, h := get(t, srv.URL+"/api/search?q="+url.QueryEscape("servizi digitali"))
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "application/json") || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v\n%s", code, h, body)
	}
	var res search.Result
	if err := json.Unmarshal([]byte(body), &res); err != nil {
		t.Fatal(err)
	}
	if res.Total != 2 || res.Hits[0].ID != "proposals/a" || res.Hits[0].URL != "/proposals/a/" {
		t.Errorf("result %+v", res)
	}
	if !strings.Contains(body, `"highlight":"\u003cmark\u003eServizi\u003c/mark\u003e \u003cmark\u003edigitali\u003c/mark\u003e \u0026lt;b\u0026gt;semplici\u0026lt;/b\u0026gt;."`) {
		t.Errorf("the highlight is not escaped HTML with marks:\n%s", body)
	}
	if len(res.Facets["type"]) != 2 || res.Facets["type"][0] != (search.FacetValue{Value: "action", Count: 1}) {
		t.Errorf("facets %v", res.Facets)
	}
}

func TestSearchAPIFilters(t *testing.T) {
	srv := searchSite(t)
	for query, want := range map[string]string{
		"q=comuni&type=action":        "plan/actions/x",
		"q=comuni&status=open":        "proposals/a",
		"body=m_ef":                   "proposals/b",
		"version=draft":               "plan/actions/x",
		"type=proposal&size=1":        "proposals/b", // by date, newest first
		"type=proposal&size=1&page=2": "proposals/a",
	} {
		code, body, _ := get(t, srv.URL+"/api/search?"+query)
		var res search.Result
		if err := json.Unmarshal([]byte(body), &res); code != 200 || err != nil || len(res.Hits) != 1 || res.Hits[0].ID != want {
			t.Errorf("%s: %d %s, want %s alone", query, code, body, want)
		}
	}
}

func TestSearchAPIBadRequestsAre400(t *testing.T) {
	srv := searchSite(t)
	for _, query := range []string{"q=" + url.QueryEscape(`"unclosed`), "q=" + url.QueryEscape("colour:red +x"), "q=x&page=zero",
		"q=x&page=-1", "q=x&size=1e9", "q=x&page=99999999", "q=" + strings.Repeat("a", 2000), "q=%FF%FE"} {
		code, body, h := get(t, srv.URL+"/api/search?"+query)
		var e struct{ Error string }
		if code != 400 || json.Unmarshal([]byte(body), &e) != nil || e.Error == "" || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("%.60s: %d %s, want 400 with a JSON error", query, code, body)
		}
	}
	resp, err := http.Post(srv.URL+"/api/search", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", resp.StatusCode)
	}
}

func TestNoSearchAPIWithoutAnIndex(t *testing.T) {
	_, srv := site(t)
	if code, _, _ := get(t, srv.URL+"/api/search?q=x"); code != 404 {
		t.Errorf("GET /api/search without an index: %d, want 404", code)
	}
}

func TestSearchPagesPointTheClientAtTheAPI(t *testing.T) {
	srv := searchSite(t)
	for _, p := range []string{"/search/", "/en/search/"} {
		code, body, _ := get(t, srv.URL+p)
		if code != 200 || !strings.Contains(body, `<meta name="pspm-search-api" content="/api/search"></head>`) {
			t.Errorf("%s: %d, no meta element pointing at the API:\n%s", p, code, body)
		}
	}
	// Without an index, the search page is served as built: the client uses the bundle.
	dir, plain := site(t)
	_ = dir
	if code, body, _ := get(t, plain.URL+"/search/"); code != 200 || strings.Contains(body, "pspm-search-api") {
		t.Errorf("without an index: %d\n%s", code, body)
	}
}

func TestSearchAPIGivesTheItemOfACodeFirst(t *testing.T) {
	srv := searchSite(t)
	for _, q := range []string{"CAP1.PA.LA07", "cap1.pa.la07", "cap1.pa"} {
		code, body, _ := get(t, srv.URL+"/api/search?q="+url.QueryEscape(q))
		var res search.Result
		if code != 200 || json.Unmarshal([]byte(body), &res) != nil {
			t.Fatalf("%q: %d\n%s", q, code, body)
		}
		if res.Total != 1 || res.Hits[0].ID != "plan/actions/x" || res.Hits[0].Score != 0 || !strings.Contains(body, `"code":"CAP1.PA.LA07"`) {
			t.Errorf("%q: want the action of the code, as written: %s", q, body)
		}
	}
}
