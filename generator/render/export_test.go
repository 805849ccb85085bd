package render

import (
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// CardsMade is how many cards the last Prepare with m rendered, not taking them from m.
func CardsMade(m *Memo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.made
}

// TemplateOf is the template that Prepared p uses for pages of kind in its language i.
func TemplateOf(p *Prepared, i int, kind string) any { return p.rs[i].tmpl[kind] }

// TextsMade is how many texts the last Prepare with m rendered, not taking them from m.
func TextsMade(m *Memo) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.md.made + m.an.made
}

// BodySplits is, for every body of the language i of p, where its pages begin, with its
// votes measured in one pass over the site (voteBytes) and one by one; measured counts
// the bodies whose votes the pass measured.
func BodySplits(p *Prepared, i int) (pass, oneByOne map[string][]int, measured int) {
	r := p.rs[i]
	sizes := r.actionRowSizes()
	pass, oneByOne = map[string][]int{}, map[string][]int{}
	for _, b := range r.Site.Bodies {
		l := r.bodyLists(b)
		votes := r.voteBytes(b)
		if votes != nil {
			measured++
		}
		pass[b.ID] = r.bodySplit(b, l, sizes, votes)
		oneByOne[b.ID] = r.bodySplit(b, l, sizes, nil)
	}
	return pass, oneByOne, measured
}

// CountTextsMade counts the lazy texts that renders make until undo, with the pages of
// a large site grouped by body (groupsBodies) or not. Not for parallel tests.
func CountTextsMade(grouped bool) (made func() int64, undo func()) {
	var n atomic.Int64
	textMade, ungroupedBodies = func() { n.Add(1) }, !grouped
	return n.Load, func() { textMade, ungroupedBodies = nil, false }
}

// ReuseFileBuffers turns the reuse of the buffers files are made in on or off, and
// returns the function that puts it back.
func ReuseFileBuffers(on bool) (undo func()) {
	was := reuseFileBuffers
	reuseFileBuffers = on
	return func() { reuseFileBuffers = was }
}

// InputsLeft reports, by what they encode ("item", "body votes"...), the input encodings
// that the next renders leave once every language is rendered, as "vote rows" the
// bodies whose votes' measures are still held, as "archive bytes" the compressed
// datasets held outside the heap for the archive, and as "claims" the output paths
// still held to check that no two files take one, until undo.
func InputsLeft() (left func() map[string]int, undo func()) {
	var mu sync.Mutex
	counts := map[string]int{}
	afterRender = func(rs []*renderer, in *inputs, c *claims) {
		mu.Lock()
		defer mu.Unlock()
		in.mu.Lock()
		defer in.mu.Unlock()
		for id := range in.m {
			counts[id.what]++
		}
		if c != nil {
			counts["claims"] += len(c.paths)
		}
		for _, r := range rs {
			counts["vote rows"] += len(r.votes)
			counts["archive bytes"] += int(r.archiveMem.Held())
		}
	}
	return func() map[string]int {
			mu.Lock()
			defer mu.Unlock()
			return maps.Clone(counts)
		}, func() {
			afterRender = nil
		}
}

// ShareInputsUpTo sets how many reactions and items a site may have for its languages to
// share their input encodings, until undo.
func ShareInputsUpTo(n int) (undo func()) {
	was := shareInputsUpTo
	shareInputsUpTo = n
	return func() { shareInputsUpTo = was }
}

// InputsHeldAfterEachLanguage reports, for each language of the next renders in their
// order, the input encodings its renderer still holds once its pages are written, by
// what they encode, and whether it shares them with the other languages; until undo.
func InputsHeldAfterEachLanguage() (held func() (counts []map[string]int, shared []bool), undo func()) {
	var mu sync.Mutex
	var counts []map[string]int
	var shared []bool
	afterLanguage = func(r *renderer) {
		mu.Lock()
		defer mu.Unlock()
		n := map[string]int{}
		if r.inputs != nil {
			r.inputs.mu.Lock()
			for id := range r.inputs.m {
				n[id.what]++
			}
			r.inputs.mu.Unlock()
			shared = append(shared, r.inputs.shareLanguages)
		} else {
			shared = append(shared, false)
		}
		counts = append(counts, n)
	}
	return func() ([]map[string]int, []bool) {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(counts), slices.Clone(shared)
		}, func() {
			afterLanguage = nil
		}
}

// PackCardsAbove sets how many cards a language may have for their HTML to be held as
// it is, until undo; cardsPacked then reports, for each language of the next renders in
// their order, how many of its cards were made and how many held compressed.
func PackCardsAbove(n int) (cardsPacked func() [][2]int, undo func()) {
	was := packCardsAbove
	packCardsAbove = n
	var mu sync.Mutex
	var counts [][2]int
	afterLanguage = func(r *renderer) {
		mu.Lock()
		defer mu.Unlock()
		var c [2]int
		for i := range r.cards.slots {
			if card := r.cards.slots[i].card; card != nil && card.html != "" {
				c[0]++
				if card.pack != nil {
					c[1]++
				}
			}
		}
		counts = append(counts, c)
	}
	return func() [][2]int {
			mu.Lock()
			defer mu.Unlock()
			return slices.Clone(counts)
		}, func() {
			packCardsAbove = was
			afterLanguage = nil
		}
}
