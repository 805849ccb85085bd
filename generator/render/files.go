package render

import (
	"io/fs"
	"strings"
)

// files lists the theme's static files (site first, file by file) and every item's
// attachments, copied as they are.
func (r *renderer) files() []task {
	var out []task
	static, err := r.Theme.Files("static")
	if err != nil {
		return []task{{path: "static", make: func() ([]byte, error) { return nil, err }}}
	}
	for _, f := range static {
		out = append(out, task{path: f.Name, make: f.Read})
	}
	for _, it := range r.Site.Items {
		for _, a := range it.Attachments {
			out = append(out, task{path: strings.TrimPrefix(it.URL(), "/") + a.Name, make: func() ([]byte, error) {
				return fs.ReadFile(r.Source, a.File)
			}})
		}
	}
	return out
}
