package serve

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/pspm-dev/pspm/generator/search"
)

// searchPath is where the preview server answers searches.
const searchPath = "/api/search"

// SearchAPI answers GET /api/search?q=&type=&status=&body=&tag=&version=&lang=&page=&size=
// with a search.Result as JSON, never cached. A request it cannot answer as written (a
// query that does not parse, a page that is not a number) gets a 400 with
// {"error": "..."}: user input never makes a 500.
func SearchAPI(find func(search.Request) (*search.Result, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeJSON(w, http.StatusMethodNotAllowed, apiError{"method not allowed"})
			return
		}
		q := r.URL.Query()
		req := search.Request{Q: q.Get("q"), Type: q.Get("type"), Status: q.Get("status"), Body: q.Get("body"),
			Tag: q.Get("tag"), Version: q.Get("version"), Lang: q.Get("lang")}
		for _, p := range []struct {
			name string
			to   *int
		}{{"page", &req.Page}, {"size", &req.Size}} {
			v := q.Get(p.name)
			if v == "" {
				continue
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				writeJSON(w, http.StatusBadRequest, apiError{p.name + " must be a whole number from 1"})
				return
			}
			*p.to = n
		}
		res, err := find(req)
		var qe *search.QueryError
		switch {
		case errors.As(err, &qe):
			writeJSON(w, http.StatusBadRequest, apiError{qe.Msg})
		case err != nil:
			writeJSON(w, http.StatusInternalServerError, apiError{"the search failed: " + err.Error()})
		default:
			writeJSON(w, http.StatusOK, res)
		}
	})
}

// apiError is the body of an error answer.
type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status, data = http.StatusInternalServerError, []byte(`{"error":"cannot encode the answer"}`)
	}
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
}
