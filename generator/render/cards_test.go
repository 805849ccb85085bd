package render_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
)

// TestACardTemplateThatFailsFailsTheBuild: cards are made when a page first asks for
// them; a card template that fails on one card (here, a proposal with a given status)
// still fails the build, naming the template, and fails every page pspm serve renders
// after it, in the language of the card.
func TestACardTemplateThatFailsFailsTheBuild(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	card, err := os.ReadFile("../../themes/default/layouts/partials/card.html")
	if err != nil {
		t.Fatal(err)
	}
	const failing = `{{define "card" -}}{{if eq .Status "accepted"}}{{index .Tags 999}}{{end}}`
	bad := strings.Replace(string(card), `{{define "card" -}}`, failing, 1)
	if bad == string(card) {
		t.Fatal("the default card template changed: update this test")
	}
	if err := os.MkdirAll(filepath.Join(dir, "layouts", "partials"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "layouts", "partials", "card.html"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS(dir)
	res, chain := inspect(t, fsys)
	accepted := ""
	for _, p := range res.Site.Proposals {
		if p.Status == "accepted" {
			accepted = p.URL()
			break
		}
	}
	if accepted == "" {
		t.Fatal("the demo has no accepted proposal")
	}
	o := render.Options{Site: res.Site, Config: res.Config, Theme: chain, Source: fsys, Markdown: markdown.New(), Version: "test"}
	err = render.Render(o, output.NewMem())
	if err == nil || !strings.Contains(err.Error(), "template card:") || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("the build gave %v, want the card template's error", err)
	}

	var memo render.Memo
	p, err := render.Prepare(o, &memo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Render("404.html"); err != nil {
		t.Fatalf("a page before any accepted card: %v", err)
	}
	page := strings.TrimPrefix(accepted, "/") + "index.html"
	if _, err := p.Render(page); err == nil || !strings.Contains(err.Error(), "template card:") {
		t.Fatalf("%s: %v, want the card template's error", page, err)
	}
	if _, err := p.Render("404.html"); err == nil {
		t.Error("a page after the failed card renders")
	}
}
