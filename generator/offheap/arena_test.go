package offheap

import (
	"strings"
	"sync"
	"testing"
)

// TestArenaHoldsUntilFreed: an arena's copies are the bytes given, held outside the heap
// (small ones in shared chunks, a large one in a mapping of its own) until Free, which
// gives back what it held; Peak keeps the most held at once; the arena then holds anew.
func TestArenaHoldsUntilFreed(t *testing.T) {
	if !mapping {
		t.Skip("this system maps no anonymous memory")
	}
	Enable()
	defer Disable()
	var a Arena
	held := Held()
	texts := make([]string, 0, 3000)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for g := range 4 { // from many goroutines, as the render's workers make cards
		wg.Go(func() {
			for i := range 750 {
				s := a.String([]byte(strings.Repeat(string(rune('a'+g)), 1+i%700) + "<p>"))
				mu.Lock()
				texts = append(texts, s)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	large := a.String([]byte(strings.Repeat("L", arenaChunk)))
	total := int64(len(large))
	for _, s := range texts {
		total += int64(len(s))
		if c := s[0]; strings.Trim(s, string(c)) != "<p>" {
			t.Fatalf("a copy differs from what was copied: %.30q", s)
		}
	}
	if large != strings.Repeat("L", arenaChunk) {
		t.Fatal("the large copy differs")
	}
	if got := Held() - held; got != total {
		t.Fatalf("Held grew by %d, want %d", got, total)
	}
	if Peak() < held+total {
		t.Errorf("Peak %d under what was held at once, %d", Peak(), held+total)
	}
	texts, large = nil, ""
	a.Free()
	if Held() != held {
		t.Errorf("after Free, Held is %d, want %d as before", Held(), held)
	}
	if len(a.chunks) != 0 {
		t.Errorf("%d mappings kept after Free", len(a.chunks))
	}
	if s := a.String([]byte("di nuovo")); s != "di nuovo" || Held() != held+8 {
		t.Errorf("after Free: %q, Held grew by %d", s, Held()-held)
	}
	a.Free()
}

// TestArenaOnTheHeapUntilEnabled: disabled, and for a nil arena, copies are ordinary
// strings, held nowhere, and Free does nothing.
func TestArenaOnTheHeapUntilEnabled(t *testing.T) {
	Disable()
	held := Held()
	var a *Arena
	b := []byte("una scheda")
	s, u := a.String(b), (&Arena{}).String(b)
	b[0] = 'U'
	if s != "una scheda" || u != "una scheda" || Held() != held {
		t.Errorf("copies %q %q, Held grew by %d", s, u, Held()-held)
	}
	a.Free()
}
