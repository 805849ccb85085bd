package serve

import (
	"fmt"
	"hash/fnv"
	"html"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/pspm-dev/pspm/generator/search"
)

// Files is one build of a site, as the live preview serves it: the file at a path
// ("index.html", "proposals/x/index.html", "css/site.css"), rendered when first asked for.
// ok is false when the build has no such file.
type Files interface {
	File(path string) (data []byte, ok bool, err error)
}

// Site serves the current build of a site that pspm serve rebuilds as the author edits
// it. Swap replaces the build whole: a request is answered from the build that was
// current when it arrived, never from a mix of two. Pages carry the live reload script
// (see Live), search pages use the search API, and it serves only the build's files:
// no dotfiles, no paths outside it.
type Site struct {
	cur      atomic.Pointer[siteBuild]
	live     *Live
	api      http.Handler
	basePath string
}

type siteBuild struct{ files Files }

// SiteOptions says what a Site serves.
type SiteOptions struct {
	// Live is the live reload of the pages; nil serves pages as built.
	Live *Live
	// Search, when set, answers GET /api/search (see SearchAPI).
	Search func(search.Request) (*search.Result, error)
	// BasePath is the path of the site's base URL ("/" or "/preview/"): a request under it
	// is served the file below it, for previews behind a proxy that keeps the prefix.
	BasePath string
}

// NewSite returns the handler of a site that serves nothing until the first Swap.
func NewSite(o SiteOptions) *Site {
	s := &Site{live: o.Live, basePath: strings.TrimSuffix(o.BasePath, "/")}
	if o.Search != nil {
		s.api = SearchAPI(o.Search)
	}
	return s
}

// Swap makes f the build that requests get from now on.
func (s *Site) Swap(f Files) { s.cur.Store(&siteBuild{f}) }

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := path.Clean("/" + r.URL.Path)
	if s.live != nil && strings.HasPrefix(p+"/", LivePrefix) {
		s.live.Handler().ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if s.api != nil && p == searchPath {
		s.api.ServeHTTP(w, r)
		return
	}
	cur := s.cur.Load()
	if cur == nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "the site is being built", http.StatusServiceUnavailable)
		return
	}
	if s.basePath != "" {
		rest, ok := strings.CutPrefix(p, s.basePath)
		if !ok || rest != "" && rest[0] != '/' {
			s.notFound(w, r, cur.files)
			return
		}
		p = "/" + strings.TrimPrefix(rest, "/")
	}
	for _, el := range strings.Split(p, "/") {
		if strings.HasPrefix(el, ".") {
			s.notFound(w, r, cur.files)
			return
		}
	}
	name := strings.TrimPrefix(p, "/")
	dir := strings.HasSuffix(r.URL.Path, "/") || name == ""
	if dir {
		name = path.Join(name, "index.html")
	}
	data, ok, err := cur.files.File(name)
	if !ok && !dir {
		// /proposals/x is the folder /proposals/x/: redirect, as file servers do.
		if _, isDir, _ := cur.files.File(path.Join(name, "index.html")); isDir {
			target := s.basePath + "/" + name + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	switch {
	case err != nil:
		s.failed(w, r, err)
	case !ok:
		s.notFound(w, r, cur.files)
	default:
		s.send(w, r, name, data, http.StatusOK)
	}
}

// send writes a file of the build, with the live script in its pages.
func (s *Site) send(w http.ResponseWriter, r *http.Request, name string, data []byte, code int) {
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(data)
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", csp)
	h.Set("Cache-Control", "no-cache")
	if strings.HasSuffix(name, ".html") {
		if s.api != nil && path.Base(path.Dir(name)) == "search" {
			data = withSearchAPI(data)
		}
		if s.live != nil {
			data = Inject(data)
		}
	}
	if code == http.StatusOK {
		sum := fnv.New64a()
		sum.Write(data)
		etag := `"` + strconv.FormatUint(sum.Sum64(), 36) + `"`
		h.Set("ETag", etag)
		if match := r.Header.Get("If-None-Match"); match == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request, f Files) {
	if data, ok, err := f.File("404.html"); ok && err == nil {
		s.send(w, r, "404.html", data, http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("404 page not found\n"))
}

// failed answers a page whose template failed: the error, in a page that reloads when
// the site is rebuilt.
func (s *Site) failed(w http.ResponseWriter, r *http.Request, err error) {
	page := fmt.Sprintf("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Page error</title></head>\n"+
		"<body><h1>This page could not be rendered</h1>\n<pre>%s</pre>\n<p>Fix the layout and save: the page reloads.</p></body></html>\n", html.EscapeString(err.Error()))
	s.send(w, r, "error.html", []byte(page), http.StatusInternalServerError)
}

// csp is the Content-Security-Policy of every file: what the portal's pages need, and
// nothing inline.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
