package template

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/internal/tmpl/text"
)

// pageTemplate is shaped like a pspm theme's list page: a head, a navigation, and 50
// cards of text, quoted and unquoted attributes, links, dates and tags: some 1,180
// actions print a value. Its escapers are html/template's usual ones: htmlescaper,
// attrescaper, nospaceescaper, rcdataescaper, and urlfilter | urlnormalizer |
// attrescaper for the links.
const pageTemplate = `<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8">
<title>{{.Title}} · {{.Site}}</title>
<meta name="description" content="{{.Description}}">
<link rel="canonical" href="{{.Permalink}}">
<link rel="stylesheet" href="{{asset "/css/main.css"}}">
</head><body class={{.Kind}}>
<header><a class="brand" href="{{.Home}}">{{.Site}}</a>
<nav aria-label="{{T "nav.main"}}"><ul>{{range .Menu}}<li><a href="{{.URL}}"{{if .Current}} aria-current="page"{{end}}>{{.Title}}</a></li>{{end}}</ul></nav></header>
<main><h1>{{.Title}}</h1>
<div class="prose">{{.Body}}</div>
<p class="count">{{T "list.count" (len .Cards)}}</p>
<div class="cards">{{range .Cards}}<article class="card card-{{.Kind}}" id="c-{{.ID}}">
  <h3><a href="{{.URL}}"><span class="code">{{.Code}}</span> {{.Title}}</a></h3>
  <p class="meta"><span class="badge status-{{.Status}}">{{.Label}}</span>
  <time datetime="{{isodate .Date}}">{{date .Date}}</time>
  <span class="by" title="{{.Author}}">{{.Author}}</span> · {{printf "%d%%" .Progress}}</p>
  <p class="summary">{{.Summary}}</p>
  <ul class="tags">{{range .Tags}}<li><a href="{{.URL}}" data-tag={{.Title}}>#{{.Title}}</a></li>{{end}}</ul>
  <textarea hidden>{{.Summary}}</textarea>
</article>{{end}}</div></main>
<footer><p>{{.Footer}}</p><a href="{{.Feed}}?lang={{.Lang}}&amp;page={{.Page}}">{{T "feed"}}</a></footer>
</body></html>`

type benchLink struct {
	URL, Title string
	Current    bool
}

type benchCard struct {
	Kind, ID, URL, Code, Title, Status, Label, Author, Summary string
	Date                                                       time.Time
	Progress                                                   int
	Tags                                                       []benchLink
}

type benchPage struct {
	Lang, Title, Site, Description, Permalink, Kind, Home, Footer, Feed string
	Page                                                                int
	Body                                                                HTML
	Menu                                                                []benchLink
	Cards                                                               []*benchCard
}

func benchPageData() *benchPage {
	p := &benchPage{
		Lang: "fr", Title: "Propositions — page 2", Site: "Démocratie & participation",
		Description: `Les propositions "ouvertes" du portail <citoyen>`,
		Permalink:   "https://example.org/fr/propositions/page/2/", Kind: "list",
		Home: "/fr/", Footer: "Contenu sous licence CC BY-SA 4.0 — généré par pspm",
		Feed: "/fr/propositions/index.xml", Page: 2,
		Body: HTML(`<p>Voici la liste des propositions <em>ouvertes</em> au vote.</p>`),
	}
	for i, t := range []string{"Accueil", "Propositions", "Pratiques", "Actions", "Objectifs", "À propos"} {
		p.Menu = append(p.Menu, benchLink{URL: fmt.Sprintf("/fr/section-%d/", i), Title: t, Current: i == 1})
	}
	statuses := []string{"open", "adopted", "rejected"}
	for i := range 50 {
		c := &benchCard{
			Kind: "proposal", ID: fmt.Sprintf("p%04d", i), URL: fmt.Sprintf("/fr/propositions/p%04d-une-proposition/", i),
			Code: fmt.Sprintf("P-%04d", i), Title: fmt.Sprintf("Une proposition n°%d pour l'école & la cantine", i),
			Status: statuses[i%3], Label: "Ouverte au vote", Author: "Conseil d'école <Nord>",
			Summary:  strings.Repeat("Un résumé de la proposition, qui dit ce qu'elle change et pourquoi. ", 2),
			Date:     time.Date(2026, 3, 1+i%28, 10, 0, 0, 0, time.UTC),
			Progress: i * 2 % 100,
		}
		for j := range 3 {
			c.Tags = append(c.Tags, benchLink{URL: fmt.Sprintf("/fr/tags/theme-%d/", (i+j)%9), Title: fmt.Sprintf("thème %d", (i+j)%9)})
		}
		p.Cards = append(p.Cards, c)
	}
	return p
}

func benchPageTemplate(tb testing.TB) *Template {
	funcs := FuncMap{
		"asset":   func(s string) string { return s + "?v=3f2a" },
		"T":       func(key string, args ...any) string { return key + fmt.Sprint(args...) },
		"isodate": func(t time.Time) string { return t.Format("2006-01-02") },
		"date":    func(t time.Time) string { return t.Format("2 Jan 2006") },
	}
	t, err := New("page").Funcs(funcs).Parse(pageTemplate)
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

// BenchmarkExecutePage executes pageTemplate with the escapers streamed and printValue's
// fast path ("streamed"), and without them, as the standard library prints ("printed").
func BenchmarkExecutePage(b *testing.B) {
	t := benchPageTemplate(b)
	data := benchPageData()
	var want bytes.Buffer
	if err := t.Execute(&want, data); err != nil {
		b.Fatal(err)
	}
	for _, mode := range []struct {
		name string
		on   bool
	}{{"streamed", true}, {"printed", false}} {
		b.Run(mode.name, func(b *testing.B) {
			defer template.SetStreaming(template.SetStreaming(mode.on))
			var buf bytes.Buffer
			if err := t.Execute(&buf, data); err != nil || buf.String() != want.String() {
				b.Fatalf("the page differs (%v)", err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				buf.Reset()
				if err := t.Execute(&buf, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
