package offheap

import (
	"runtime"
	"strings"
	"sync"
	"testing"
)

// TestCopiesOutsideTheHeap: once enabled, String and Clone give the same texts, held
// outside the heap: copying 16 MiB of them leaves the live heap as it was.
func TestCopiesOutsideTheHeap(t *testing.T) {
	if !mapping {
		t.Skip("this system maps no anonymous memory")
	}
	Enable()
	defer Disable()
	const n, size = 4096, 4096
	texts := make([]string, n)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	held := Held()
	src := []byte(strings.Repeat("x", size))
	for i := range texts {
		src[i%size] = byte('a' + i%26)
		if i%2 == 0 {
			texts[i] = String(src)
		} else {
			texts[i] = Clone(string(src))
		}
		src[i%size] = 'x'
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > n*size/4 {
		t.Errorf("the heap grew by %d bytes for %d bytes copied outside it", grew, n*size)
	}
	if got := Held() - held; got != n*size {
		t.Errorf("Held grew by %d, want %d", got, n*size)
	}
	for i, s := range texts {
		want := []byte(strings.Repeat("x", size))
		want[i%size] = byte('a' + i%26)
		if s != string(want) {
			t.Fatalf("copy %d differs from what was copied", i)
		}
	}
}

// TestCopiesOnTheHeapUntilEnabled: disabled, copies are ordinary strings and nothing is
// held outside the heap; enabled, an empty text is held nowhere, and a large one in a
// mapping of its own, with no room to append to.
func TestCopiesOnTheHeapUntilEnabled(t *testing.T) {
	Disable()
	held := Held()
	b := []byte("una proposta")
	s := String(b)
	b[0] = 'U'
	if s != "una proposta" {
		t.Fatalf("String shares its bytes with its argument: %q", s)
	}
	if Clone("testo") != "testo" || Held() != held {
		t.Fatalf("disabled, %d bytes were copied outside the heap", Held()-held)
	}
	Enable()
	defer Disable()
	if String(nil) != "" || Clone("") != "" || Held() != held {
		t.Fatalf("an empty text was copied outside the heap (%d bytes)", Held()-held)
	}
	large := strings.Repeat("y", 3*maxSize+1)
	if got := Bytes([]byte(large)); string(got) != large || cap(got) != len(large) || Held() != held+int64(len(large)) {
		t.Fatalf("a large copy: %d bytes, capacity %d, %d held", len(got), cap(got), Held()-held)
	}
}

// TestCopiesFromManyGoroutines: copies made at once never overlap (run with -race).
func TestCopiesFromManyGoroutines(t *testing.T) {
	Enable()
	defer Disable()
	var wg sync.WaitGroup
	out := make([][]string, 8)
	for g := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				out[g] = append(out[g], String([]byte(strings.Repeat(string(rune('a'+g)), 1+i%300))))
			}
		}()
	}
	wg.Wait()
	for g, list := range out {
		for i, s := range list {
			if s != strings.Repeat(string(rune('a'+g)), 1+i%300) {
				t.Fatalf("goroutine %d, copy %d: %q", g, i, s)
			}
		}
	}
}

// TestCopyIsACopyEitherWay: Copy never shares its argument's bytes, on the heap (disabled)
// or outside it (enabled, where it is held).
func TestCopyIsACopyEitherWay(t *testing.T) {
	for _, on := range []bool{false, true} {
		if on {
			Enable()
		} else {
			Disable()
		}
		held := Held()
		b := []byte("un blocco compresso")
		c := Copy(b)
		b[0] = 'U'
		if string(c) != "un blocco compresso" {
			t.Errorf("enabled %v: Copy shares its bytes with its argument: %q", on, c)
		}
		if grew := Held() - held; on && mapping && grew != int64(len(b)) || !on && grew != 0 {
			t.Errorf("enabled %v: %d bytes held outside the heap for %d copied", on, grew, len(b))
		}
	}
	Disable()
	if Copy(nil) != nil {
		t.Error("a copy of nil is not nil")
	}
}
