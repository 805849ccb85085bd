// Package pathkey names an output path by 128 bits of hash, for the sets of paths a build
// keeps to refuse a path written twice: a set of keys holds no pointer for the collector
// to follow and keeps no path's string alive. At 100,000 proposals a build writes 570,000
// files, and two sets of their paths held every path's string through the render, where
// the build's memory peaks.
//
// Two paths with the same key are taken for the same path. The key is two 64-bit hashes
// (hash/maphash) with seeds drawn at random for each process: no contributor can choose
// paths that collide, and two of a build's paths collide by chance with a probability
// under 2^-88 at a million paths. A collision would make a build fail with a path
// "written twice", never publish two files at one path.
package pathkey

import "hash/maphash"

// Key is a path's key.
type Key [2]uint64

var seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// Of is the key of path.
func Of(path string) Key {
	return Key{maphash.String(seeds[0], path), maphash.String(seeds[1], path)}
}
