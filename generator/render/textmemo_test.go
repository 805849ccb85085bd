package render

import (
	"testing"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/site"
)

// TestTextMemoKeepsATextUntilItsLastPage: in a build that keeps pages, the rendering of
// a proposal's own text is made once for its page in every language that does not
// translate it, and let go after the last of them; a translated text is not kept; a text
// asked for after its pages are done is made again and not kept.
func TestTextMemoKeepsATextUntilItsLastPage(t *testing.T) {
	cfg := &config.Config{Languages: []string{"it", "en", "de"}}
	s := &site.Site{}
	own := &site.Item{ID: "own", Section: site.Proposals, Text: "Testo."}
	half := &site.Item{ID: "half", Section: site.Proposals, Text: "Testo.",
		Translations: map[string]*site.Translation{"en": {Title: "T", Text: "Text."}}}
	commented := &site.Item{ID: "commented", Section: site.Proposals, Text: "Testo.", Feedback: []*site.Feedback{{}}}
	texts := &textMemo{}
	rs := make([]*renderer, len(cfg.Languages))
	for i, lang := range cfg.Languages {
		rs[i] = &renderer{Options: Options{Site: s, Config: cfg}, lang: lang, texts: texts, salt: Fingerprint{1}}
	}
	for _, r := range rs {
		for _, it := range []*site.Item{own, half, commented} {
			r.expectText(it)
		}
	}
	renders := map[textMemoKey]int{}
	page := func(r *renderer, it *site.Item) {
		key := r.lazyKey(it)
		r.lazyText(key, func() markdown.Anchored { renders[key]++; return markdown.Anchored{} })
		r.textDone(it)
	}
	held := func(it *site.Item) bool {
		_, ok := texts.m.Load(textMemoKey{it: it})
		return ok
	}
	if held(commented) {
		t.Fatal("the text of a proposal with comments, made before any page, is in the memo")
	}

	page(rs[0], own)
	page(rs[0], half)
	if !held(own) || !held(half) {
		t.Fatalf("after the Italian pages: own text held %v, half-translated %v; want both, for the other languages", held(own), held(half))
	}
	page(rs[1], own)
	page(rs[1], half) // its English translation: made for the page, not kept
	if !held(own) || !held(half) {
		t.Fatalf("after the English pages: own text held %v, half-translated %v; want both, for German", held(own), held(half))
	}
	if _, ok := texts.m.Load(textMemoKey{half, "en"}); ok {
		t.Error("a translation, shown by one page only, is kept")
	}
	page(rs[2], own)
	page(rs[2], half)
	if held(own) || held(half) {
		t.Errorf("after the last pages: own text held %v, half-translated %v; want neither", held(own), held(half))
	}
	if got := renders[textMemoKey{it: own}]; got != 1 {
		t.Errorf("the untranslated text was made %d times for its three pages, want 1", got)
	}
	if got := renders[textMemoKey{it: half}]; got != 1 {
		t.Errorf("the Italian text of the half-translated proposal was made %d times for two pages, want 1", got)
	}
	if got := renders[textMemoKey{half, "en"}]; got != 1 {
		t.Errorf("the English translation was made %d times, want 1", got)
	}

	// A feed asking afterwards gets it made again, and it stays out of the memo.
	rs[0].lazyText(textMemoKey{it: own}, func() markdown.Anchored { renders[textMemoKey{it: own}]++; return markdown.Anchored{} })
	if held(own) || renders[textMemoKey{it: own}] != 2 {
		t.Errorf("a text asked for after its pages: held %v, made %d times; want not held, made twice", held(own), renders[textMemoKey{it: own}])
	}
}
