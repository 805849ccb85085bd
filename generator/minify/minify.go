// Package minify makes the theme's style sheets and scripts smaller for publishing: the
// bytes a reader downloads count against each page's budget, and `pspm serve` does not
// compress. It wraps github.com/tdewolff/minify, a CSS and JavaScript minifier that parses
// what it minifies (so it never breaks a string, a regular expression or a selector the way
// stripping whitespace by hand would), and no other package imports that library.
//
// The output is deterministic: the same input gives the same bytes on every run.
package minify

import (
	"bytes"
	"errors"
	"path"

	tdminify "github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/parse/v2"
)

// Error is a file the minifier could not read: where, and why.
type Error struct {
	Line, Col int // from 1; zero when unknown
	Msg       string
}

func (e *Error) Error() string { return e.Msg }

// mediaTypes are the kinds of file minified, by extension.
var mediaTypes = map[string]string{
	".css": "text/css",
	".js":  "text/javascript",
	".mjs": "text/javascript",
}

// Minifies reports whether File minifies a file of this name (by its extension).
func Minifies(name string) bool {
	_, ok := mediaTypes[path.Ext(name)]
	return ok
}

// File returns data minified, by the kind its name says (.css, .js, .mjs); any other file
// is returned as it is. When the minifier cannot parse the file, it returns data unchanged
// and an *Error that says where.
func File(name string, data []byte) ([]byte, error) {
	mt, ok := mediaTypes[path.Ext(name)]
	if !ok {
		return data, nil
	}
	m := tdminify.New()
	var err error
	var out bytes.Buffer
	out.Grow(len(data))
	switch mt {
	case "text/css":
		err = (&css.Minifier{}).Minify(m, &out, bytes.NewReader(data), nil)
	default:
		// Local names are shortened too (a sixth of the search client); global names and
		// properties, which pages and other scripts may use, are kept.
		err = (&js.Minifier{}).Minify(m, &out, bytes.NewReader(data), nil)
	}
	if err != nil {
		e := &Error{Msg: err.Error()}
		if pe := (*parse.Error)(nil); errors.As(err, &pe) {
			e.Line, e.Col, e.Msg = pe.Line, pe.Column, pe.Message
		}
		return data, e
	}
	return out.Bytes(), nil
}
