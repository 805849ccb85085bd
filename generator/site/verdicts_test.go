package site

import (
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestVerdictsShareOnlyEqualVerdicts: Of gives equal verdicts one pointer, whatever the
// goroutine, and a verdict that differs in any one field (a sentence's parameter
// included) one of its own, equal to it.
func TestVerdictsShareOnlyEqualVerdicts(t *testing.T) {
	when := time.Date(2025, 6, 2, 8, 1, 0, 0, time.UTC)
	base := Verdict{Counted: true, Reason: "", Detail: "landed late", Verification: VerifiedAuthor, Signer: "a@b.it", Member: "Anna",
		Sentences: []Sentence{{Key: "late", English: "landed late", Params: []Param{{Text: "x", Time: when, Clock: true, Label: "l"}}}}}
	variants := []func(v *Verdict){
		func(v *Verdict) { v.Counted = false },
		func(v *Verdict) { v.Reason = ReasonClosed },
		func(v *Verdict) { v.Detail = "landed later" },
		func(v *Verdict) { v.Verification = VerifiedSignature },
		func(v *Verdict) { v.Signer = "c@d.it" },
		func(v *Verdict) { v.Member = "Bruno" },
		func(v *Verdict) { v.Sentences = nil },
		func(v *Verdict) { v.Sentences = []Sentence{} },
		func(v *Verdict) { v.Sentences[0].Key = "early" },
		func(v *Verdict) { v.Sentences[0].English = "early" },
		func(v *Verdict) { v.Sentences[0].Params = nil },
		func(v *Verdict) { v.Sentences[0].Params[0].Text = "y" },
		func(v *Verdict) { v.Sentences[0].Params[0].Time = when.Add(time.Second) },
		func(v *Verdict) { v.Sentences[0].Params[0].Time = when.In(time.FixedZone("CET", 3600)) },
		// The same instant and offset, in a zone of another name.
		func(v *Verdict) { v.Sentences[0].Params[0].Time = when.In(time.FixedZone("GMT", 0)) },
		func(v *Verdict) { v.Sentences[0].Params[0].Clock = false },
		func(v *Verdict) { v.Sentences[0].Params[0].Label = "m" },
		func(v *Verdict) { v.Sentences[0].Params[0].Technical = true },
		// Strings that would run together without their lengths.
		func(v *Verdict) { v.Reason, v.Detail = "landed", " late" },
	}
	copyOf := func(v Verdict) Verdict {
		c := v
		c.Sentences = slices.Clone(v.Sentences)
		for i := range c.Sentences {
			c.Sentences[i].Params = slices.Clone(v.Sentences[i].Params)
		}
		return c
	}

	var vs Verdicts
	shared := vs.Of(copyOf(base))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if p := vs.Of(copyOf(base)); p != shared {
				t.Error("an equal verdict got a pointer of its own")
			}
		})
	}
	wg.Wait()
	seen := map[*Verdict]int{shared: -1}
	for i, change := range variants {
		v := copyOf(base)
		change(&v)
		p := vs.Of(v)
		if j, ok := seen[p]; ok {
			t.Errorf("variant %d shares the pointer of %d", i, j)
		}
		seen[p] = i
		if !reflect.DeepEqual(*p, v) {
			t.Errorf("variant %d: the shared verdict is %+v, want %+v", i, *p, v)
		}
		if vs.Of(copyOf(v)) != p {
			t.Errorf("variant %d is not shared the second time", i)
		}
	}
	// A verdict new to its Verdicts, asked for from many goroutines at once: the one that
	// adds it and those that looked for it under the read lock meanwhile all get its
	// pointer. Many rounds, so that the goroutines do meet in the window.
	for round := range 500 {
		var fresh Verdicts
		got := make([]*Verdict, 8)
		var start sync.WaitGroup
		start.Add(1)
		for i := range got {
			v := copyOf(base)
			wg.Go(func() {
				start.Wait()
				got[i] = fresh.Of(v)
			})
		}
		start.Done()
		wg.Wait()
		for i, p := range got {
			if p != got[0] {
				t.Fatalf("round %d: goroutine %d got a verdict of its own when it was new", round, i)
			}
		}
		if fresh.Len() != 1 {
			t.Fatalf("round %d: %d distinct verdicts after one verdict asked for at once, want 1", round, fresh.Len())
		}
	}
	if got, want := vs.Len(), len(variants)+1; got != want {
		t.Errorf("%d distinct verdicts, want %d", got, want)
	}
}
