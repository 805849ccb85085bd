//go:build unix

package history

import (
	"syscall"
	"time"
)

// maxRSS returns the largest resident set of this process so far, in bytes: pages of
// the heap and of mapped pack files alike. Linux counts in kilobytes.
func maxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return int64(ru.Maxrss) << 10
}

// cpuTime returns the processor time this process has used so far, user and system,
// in all its threads: on a machine shared with other jobs, a figure that their load
// changes far less than the time on the clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
