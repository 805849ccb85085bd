package render

import (
	"bytes"
	"errors"
	"strings"

	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/minify"
)

// checkStatic reports a logo that is not among the static files, before anything is written.
func checkStatic(o Options, errs *diag.List) {
	logo := o.Config.Brand.Logo
	if logo == "" {
		return
	}
	if _, _, err := o.Theme.ReadFile("static" + logo); err != nil {
		errs.Add(o.Config.At["brand"], "brand.logo %s: there is no such file in static/ (put it at static%s)", logo, logo)
	}
}

// files lists the theme's static files (site first, file by file) and every item's
// attachments. Style sheets and scripts (.css, .js, .mjs) are published minified, read and
// minified now so that a file the minifier cannot parse is a warning at its position
// (in r.warns) and is published as it is (and again when they are rendered, if they
// changed in between); the theme keeps the readable sources. Other
// static files are copied as they are. An attachment is read again without following any
// symbolic link and checked again as the content loader checked it, so that what is
// published is what was checked, even if the folder changed in between (pspm serve).
func (r *renderer) files() []task {
	var out []task
	static, err := r.Theme.Files("static")
	if err != nil {
		return []task{{path: "static", make: func() ([]byte, error) { return nil, err }}}
	}
	for _, f := range static {
		if !minify.Minifies(f.Name) {
			out = append(out, task{path: f.Name, make: f.Read})
			continue
		}
		data, err := f.Read()
		if err != nil {
			out = append(out, task{path: f.Name, make: func() ([]byte, error) { return nil, err }})
			continue
		}
		min, err := minify.File(f.Name, data)
		if e := (*minify.Error)(nil); errors.As(err, &e) {
			r.warns.Warn(diag.Pos{File: f.Path(), Line: e.Line, Col: e.Col}, "cannot minify: %s; the file is published as it is, not minified", e.Msg)
		}
		out = append(out, task{path: f.Name, make: func() ([]byte, error) {
			// Read again: pspm serve renders a static file edited since it was listed
			// without listing the files again.
			now, err := f.Read()
			if err != nil || bytes.Equal(now, data) {
				return min, err
			}
			edited, _ := minify.File(f.Name, now) // as it is when it cannot be minified
			return edited, nil
		}})
	}
	if c := r.Config.Brand.Color; c != "" {
		// The site's colour as CSS custom properties: no inline style on any page.
		css := "@media not (prefers-color-scheme: dark) { :root { --primary: " + c + "; } }\n"
		out = append(out, task{path: "css/brand.css", make: func() ([]byte, error) { return []byte(css), nil }})
	}
	for _, it := range r.Site.Items {
		for _, a := range it.Attachments {
			out = append(out, task{path: strings.TrimPrefix(it.URL(), "/") + a.Name, src: a.File, make: func() ([]byte, error) {
				from := r.Source
				if a.FS != nil { // brought by a source: read from its commit
					from = a.FS
				}
				return content.ReadAttachment(from, a, int64(r.Config.Limits.AttachmentSize))
			}})
		}
	}
	return out
}
