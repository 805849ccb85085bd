package generator

import "github.com/pspm-dev/pspm/generator/output"

// BuildBeforeRender runs Build's stages up to the search bundle and stops before the
// pages: the part of a build that the caches of load and search make incremental.
func BuildBeforeRender(o Options) (*Result, error) {
	o.beforeRender = true
	return Build(o, output.Discard{})
}

// CacheVersion is what tells this pspm's caches from another's.
var CacheVersion = cacheVersion
