// Package parallel runs loops on every core: the one worker pool that the load and render
// stages share.
package parallel

import (
	"runtime"
	"sync"
)

// chunk is how many iterations a worker takes at once: enough to make the lock cheap,
// few enough to balance uneven work.
const chunk = 32

// For runs f(0), …, f(n-1) on GOMAXPROCS goroutines and returns when all are done. f must
// be safe to call concurrently; each i is run exactly once.
func For(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		next int
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += chunk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+chunk, n); i++ {
					f(i)
				}
			}
		}()
	}
	wg.Wait()
}
