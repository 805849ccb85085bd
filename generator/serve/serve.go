// Package serve is pspm's preview server: it serves a built site from its folder, and only
// that: no dotfiles, no symbolic links out of the folder, no path traversal, with
// timeouts, and the site's 404.html for what is missing. The preview answers only to its
// own names (HostGuard), so that another site cannot read it through DNS rebinding.
package serve

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/search"
)

// Options says what the preview server serves.
type Options struct {
	// Dir is the built site's folder.
	Dir string
	// Search, when set, answers GET /api/search (see SearchAPI).
	Search func(search.Request) (*search.Result, error)
}

// Handler serves the files of the folder dir.
func Handler(dir string) (http.Handler, error) { return New(Options{Dir: dir}) }

// New returns the handler of the preview server: the files of o.Dir and, when o.Search
// is set, the search API at /api/search.
func New(o Options) (http.Handler, error) {
	dir := o.Dir
	var api http.Handler
	if o.Search != nil {
		api = SearchAPI(o.Search)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	fsys := root.FS()
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		p := path.Clean("/" + r.URL.Path)
		if api != nil && p == searchPath {
			api.ServeHTTP(w, r)
			return
		}
		for _, el := range strings.Split(p, "/") {
			if strings.HasPrefix(el, ".") {
				notFound(w, fsys)
				return
			}
		}
		name := strings.TrimPrefix(p, "/")
		if name == "" {
			name = "."
		}
		fi, err := fs.Stat(fsys, name)
		if err == nil && fi.IsDir() {
			_, err = fs.Stat(fsys, path.Join(name, "index.html"))
		}
		if err != nil {
			notFound(w, fsys)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "same-origin")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
		if api != nil && (name == "search" || strings.HasSuffix(name, "/search")) {
			// The search page asks the API, which understands bleve's query syntax,
			// instead of the static bundle.
			if page, err := fs.ReadFile(fsys, path.Join(name, "index.html")); err == nil {
				page = withSearchAPI(page)
				http.ServeContent(w, r, "index.html", fi.ModTime(), bytes.NewReader(page))
				return
			}
		}
		files.ServeHTTP(w, r)
	}), nil
}

// withSearchAPI tells a search page where the search API is, with the meta element the
// search client looks for.
func withSearchAPI(page []byte) []byte {
	i := bytes.Index(page, []byte("</head>"))
	if i < 0 {
		return page
	}
	meta := `<meta name="pspm-search-api" content="` + searchPath + `">`
	return slices.Concat(page[:i], []byte(meta), page[i:])
}

func notFound(w http.ResponseWriter, fsys fs.FS) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	if data, err := fs.ReadFile(fsys, "404.html"); err == nil {
		_, _ = w.Write(data)
		return
	}
	_, _ = w.Write([]byte("404 page not found\n"))
}

// Serve serves h on addr until ctx is cancelled, then shuts down gracefully. ready, if not
// nil, receives the address actually listened on (useful with port 0).
func Serve(ctx context.Context, addr string, h http.Handler, ready func(addr string)) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	return serveWith(ctx, addr, srv, ready)
}

// serveWith runs srv on addr until ctx is cancelled, then shuts it down gracefully.
func serveWith(ctx context.Context, addr string, srv *http.Server, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		// Requests in flight get 3 s to finish; then whatever is left open (a
		// connection a browser opened and never used) is closed.
		shut, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); errors.Is(err, context.DeadlineExceeded) {
			_ = srv.Close()
		} else if err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
