//go:build unix

package history

import "syscall"

// maxRSS returns the largest resident set of this process so far, in bytes: pages of
// the heap and of mapped pack files alike. Linux counts in kilobytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return int64(ru.Maxrss) << 10
}
