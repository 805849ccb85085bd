// Package themes embeds the default theme in the pspm binary, so that pspm works from any
// folder. The theme's files are in themes/default; its README is the data contract of its
// templates.
package themes

import (
	"embed"
	"io/fs"
)

//go:embed all:default
var embedded embed.FS

// Default returns the default theme, rooted at its folder (layouts/, static/, i18n/,
// archetypes/).
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil { // cannot happen: "default" is a valid path embedded above
		panic(err)
	}
	return sub
}
