//go:build !unix

package history

import "time"

// maxRSS is not measured here.
func maxRSS() int64 { return 0 }

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
