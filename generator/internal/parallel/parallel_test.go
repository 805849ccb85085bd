package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForRunsEachIterationExactlyOnce(t *testing.T) {
	for _, n := range []int{0, 1, 31, 32, 33, 1000} {
		counts := make([]atomic.Int32, n)
		For(n, func(i int) { counts[i].Add(1) })
		for i := range counts {
			if c := counts[i].Load(); c != 1 {
				t.Fatalf("n=%d: iteration %d ran %d times", n, i, c)
			}
		}
	}
}
