//go:build !unix

package history

// maxRSS is not measured here.
func maxRSS() int64 { return 0 }
