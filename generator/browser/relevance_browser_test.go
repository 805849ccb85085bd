package browser_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/serve"
)

// relevanceCase is a query of generator/search/testdata/relevance.json: what a reader
// expects to find on the demo.
type relevanceCase struct {
	Why    string   `json:"why"`
	Q      string   `json:"q"`
	Type   string   `json:"type"`
	Status string   `json:"status"`
	Top    int      `json:"top"`
	Want   []string `json:"want"`
}

// checkRelevance runs the relevance queries with bleve, with the static bundle's client
// in Chromium and with the search API of `pspm serve`: the three must give the same first
// ten results, and what the reader expects must be among the first.
func (s *searchSite) checkRelevance(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(moduleRoot(t), "generator", "search", "testdata", "relevance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []relevanceCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	input, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	ctx, _, _ := s.tab(t, viewports()[0], "/search/")
	client := eval[[]clientResult](t, ctx, `(async () => {`+openBundle+`
		const e = new pspmSearch.Engine(b), out = [];
		for (const c of `+string(input)+`) out.push(await e.search({q: c.q, type: c.type, status: c.status}));
		return out;
	})()`)

	h, err := serve.New(serve.Options{Dir: t.TempDir(), Search: s.index.Search})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(h)
	defer api.Close()

	for i, c := range cases {
		want, err := s.index.Search(search.Request{Q: c.Q, Type: c.Type, Status: c.Status})
		if err != nil {
			t.Fatal(err)
		}
		var fromAPI clientResult
		q := url.Values{"q": {c.Q}, "type": {c.Type}, "status": {c.Status}}
		resp, err := http.Get(api.URL + "/api/search?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || json.Unmarshal(body, &fromAPI) != nil {
			t.Fatalf("%q: the API answers %d:\n%s", c.Q, resp.StatusCode, body)
		}
		bleveIDs, clientIDs, apiIDs := ids(want.Hits), clientIDsOf(client[i]), clientIDsOf(fromAPI)
		if !slices.Equal(clientIDs, bleveIDs) || !slices.Equal(apiIDs, bleveIDs) {
			t.Errorf("%s: %q ranks differently:\n  bleve  %v\n  client %v\n  API    %v", c.Why, c.Q, bleveIDs, clientIDs, apiIDs)
		}
		for _, w := range c.Want {
			if k := slices.Index(clientIDs, w); k < 0 || k >= c.Top {
				t.Errorf("%s: %q: the client does not show %s among the first %d: %v", c.Why, c.Q, w, c.Top, clientIDs)
			}
		}
	}
	t.Logf("%d relevance queries agree in bleve, the client and the API", len(cases))
}

func ids(hs []search.Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

func clientIDsOf(r clientResult) []string {
	out := make([]string, len(r.Hits))
	for i, h := range r.Hits {
		out[i] = h.ID
	}
	return out
}
