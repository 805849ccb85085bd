package synth

import (
	"bytes"
	"fmt"
	"path/filepath"
)

// GenerateHugo writes a Hugo site (Hugo 0.111 or later) that renders the
// portal whose content folder is contentDir, an absolute path: hugo.yaml and
// minimal templates that show what a pspm page shows — header navigation,
// title, metadata, content, the tally of reactions, feedback, attachments and
// a footer — with paginated lists, tags, RSS and the sitemap. Bundle files
// are published only when a template links them (attachments), not copied
// wholesale, since a portal does not publish its reaction files. It exists so
// that pspm and Hugo can be timed side by side on the same files. Like
// Generate, it calls emit once per file, with slash-separated paths.
func GenerateHugo(contentDir string, emit func(path string, data []byte) error) error {
	if !filepath.IsAbs(contentDir) {
		return fmt.Errorf("synth: Hugo content folder %q is not an absolute path", contentDir)
	}
	var config bytes.Buffer
	fmt.Fprintf(&config, `baseURL: %s
title: %s
languageCode: it
defaultContentLanguage: it
contentDir: %s
paginate: 20
taxonomies:
  tag: tags
disableKinds: []
cascade:
  _build:
    publishResources: false
params:
  description: %s
`, scalar(siteBaseURL), scalar(siteTitle), scalar(filepath.ToSlash(contentDir)),
		scalar("Portale sintetico per i benchmark di pspm, reso da Hugo."))
	files := []struct{ path, data string }{
		{"hugo.yaml", config.String()},
		{"layouts/_default/baseof.html", hugoBaseof},
		{"layouts/_default/single.html", hugoSingle},
		{"layouts/_default/list.html", hugoList},
		{"layouts/_default/taxonomy.html", hugoTaxonomy},
		{"layouts/_default/term.html", hugoList},
		{"layouts/index.html", hugoIndex},
		{"layouts/partials/meta.html", hugoMeta},
		{"layouts/partials/contributions.html", hugoContributions},
	}
	for _, f := range files {
		if err := emit(f.path, []byte(f.data)); err != nil {
			return fmt.Errorf("synth: %s: %w", f.path, err)
		}
	}
	return nil
}

const hugoBaseof = `<!DOCTYPE html>
<html lang="it">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title | default .Params.name }} · {{ end }}{{ site.Title }}</title>
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
</head>
<body>
<header>
<a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
<nav>
<a href="{{ "plan/" | relURL }}">Piano</a>
<a href="{{ "proposals/" | relURL }}">Proposte</a>
<a href="{{ "practices/" | relURL }}">Buone pratiche</a>
<a href="{{ "bodies/" | relURL }}">Enti</a>
<a href="{{ "tags/" | relURL }}">Temi</a>
</nav>
</header>
<main>
{{ block "main" . }}{{ end }}
</main>
<footer>
<p>{{ site.Title }} · <a href="{{ "index.xml" | relURL }}">RSS</a> · <a href="{{ "sitemap.xml" | relURL }}">Mappa del sito</a></p>
</footer>
</body>
</html>
`

const hugoSingle = `{{ define "main" }}
<article>
<h1>{{ .Title | default .Params.name }}</h1>
{{ partial "meta.html" . }}
{{ .Content }}
{{ partial "contributions.html" . }}
</article>
{{ end }}
`

const hugoList = `{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ range .Paginator.Pages }}
<article>
<h2><a href="{{ .RelPermalink }}">{{ .Title | default .Params.name }}</a></h2>
{{ with .Params.status }}<p>{{ . }}</p>{{ end }}
<p>{{ .Summary }}</p>
</article>
{{ end }}
{{ template "_internal/pagination.html" . }}
{{ end }}
`

const hugoTaxonomy = `{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
{{ end }}
</ul>
{{ end }}
`

const hugoIndex = `{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p>{{ site.Params.description }}</p>
<ul>
{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .Pages }})</li>
{{ end }}
</ul>
<h2>Ultime proposte</h2>
{{ range first 10 (where site.RegularPages "Section" "proposals").ByDate.Reverse }}
<article>
<h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p>{{ .Summary }}</p>
</article>
{{ end }}
{{ end }}
`

const hugoMeta = `<dl>
{{ with .Params.body }}<dt>Ente</dt><dd>{{ with site.GetPage (printf "/bodies/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Params.name }}</a>{{ else }}{{ . }}{{ end }}</dd>{{ end }}
{{ with .Params.owner }}<dt>Responsabile</dt><dd>{{ with site.GetPage (printf "/bodies/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Params.name }}</a>{{ else }}{{ . }}{{ end }}</dd>{{ end }}
{{ with .Params.authors }}<dt>Autori</dt><dd>{{ delimit . ", " }}</dd>{{ end }}
{{ if not .Date.IsZero }}<dt>Data</dt><dd>{{ .Date.Format "2006-01-02" }}</dd>{{ end }}
{{ with .Params.period }}<dt>Periodo</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.status }}<dt>Stato</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.kind }}<dt>Tipo</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.goal }}<dt>Obiettivo strategico</dt><dd>{{ with site.GetPage (printf "/plan/goals/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</dd>{{ end }}
{{ with .Params.objective }}<dt>Obiettivo operativo</dt><dd>{{ with site.GetPage (printf "/plan/objectives/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</dd>{{ end }}
{{ with .Params.progress }}<dt>Avanzamento</dt><dd>{{ . }}%</dd>{{ end }}
{{ with .Params.start }}<dt>Inizio</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.due }}<dt>Scadenza</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.targets }}<dt>Riguarda</dt><dd>{{ range . }}{{ $id := . }}{{ with or (site.GetPage (printf "/plan/goals/%s" $id)) (site.GetPage (printf "/plan/objectives/%s" $id)) (site.GetPage (printf "/plan/actions/%s" $id)) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ else }}{{ $id }} {{ end }}{{ end }}</dd>{{ end }}
{{ with .GetTerms "tags" }}<dt>Temi</dt><dd>{{ range . }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>{{ end }}
{{ with .Params.agid }}<dt>Piano triennale AgID</dt><dd>{{ delimit . ", " }}</dd>{{ end }}
{{ with .Params.proposals }}<dt>Proposte accolte</dt><dd>{{ range . }}{{ with site.GetPage (printf "/proposals/%s" .) }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}{{ end }}</dd>{{ end }}
{{ with .Params.indicators }}<dt>Indicatori</dt><dd><ul>{{ range . }}<li>{{ .name }}: da {{ .baseline }} a {{ .target }} {{ .unit }}{{ range .values }}; {{ .date }}: {{ .value }}{{ end }}</li>{{ end }}</ul></dd>{{ end }}
{{ with .Params.website }}<dt>Sito</dt><dd><a href="{{ . }}">{{ . }}</a></dd>{{ end }}
{{ with .Params.members }}<dt>Referenti</dt><dd>{{ range . }}{{ .name }} &lt;{{ .email }}&gt; {{ end }}</dd>{{ end }}
{{ with .Params.links }}<dt>Link</dt><dd>{{ range . }}<a href="{{ .url }}">{{ .title }}</a> {{ end }}</dd>{{ end }}
{{ with .Params.answer }}<dt>Risposta del {{ .date }}</dt><dd>{{ .text | markdownify }}</dd>{{ end }}
</dl>
`

const hugoContributions = `{{ $support := 0 }}{{ $oppose := 0 }}{{ $abstain := 0 }}{{ $sum := 0 }}{{ $n := 0 }}
{{ with .Resources.Match "reactions/*.yaml" }}
<section>
<h2>Voti e priorità</h2>
<ul>
{{ range . }}{{ $r := . | transform.Unmarshal }}
<li>{{ path.Base .Name | strings.TrimSuffix ".yaml" }}{{ with $r.vote }}: {{ . }}{{ if eq . "support" }}{{ $support = add $support 1 }}{{ else if eq . "oppose" }}{{ $oppose = add $oppose 1 }}{{ else }}{{ $abstain = add $abstain 1 }}{{ end }}{{ end }}{{ with $r.priority }}, priorità {{ . }}{{ $sum = add $sum . }}{{ $n = add $n 1 }}{{ end }}{{ with $r.comment }} — {{ . }}{{ end }}</li>
{{ end }}
</ul>
<p>Favorevoli {{ $support }} · Contrari {{ $oppose }} · Astenuti {{ $abstain }}{{ if $n }} · Priorità media {{ lang.FormatNumber 1 (div (float $sum) $n) }}{{ end }}</p>
</section>
{{ end }}
{{ with .Resources.Match "feedback/*.md" }}
<section>
<h2>Commenti</h2>
{{ range . }}
<article>
<h3>{{ .Title }}</h3>
<p>{{ .Params.kind }} · {{ .Date.Format "2006-01-02" }}</p>
{{ .Content }}
</article>
{{ end }}
</section>
{{ end }}
{{ $files := slice }}{{ range .Resources }}{{ if not (or (hasPrefix .Name "reactions/") (hasPrefix .Name "feedback/")) }}{{ $files = $files | append . }}{{ end }}{{ end }}
{{ with $files }}
<section>
<h2>Allegati</h2>
<ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Name }}</a> ({{ len .Content }} byte)</li>
{{ end }}
</ul>
</section>
{{ end }}
`
