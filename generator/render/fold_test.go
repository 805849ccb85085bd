package render

import (
	"bytes"
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"testing"
	"text/template/parse"
)

// TestFoldedTemplatesWriteTheSameBytes executes templates whose constant actions fold
// turned into text, and the same templates unfolded, in every escaping context, with
// strings that need escaping: the bytes must be the same.
func TestFoldedTemplatesWriteTheSameBytes(t *testing.T) {
	r := &renderer{lang: "it", base: "/piano/", prefix: "/en"}
	r.tr = newTranslations("it", map[string]string{
		"plain":  "Vai al contenuto",
		"quotes": `L'azione "uno" + <due> & tre`,
		"nul":    "a\x00b",
		"pct":    "100% fatto",
		"url":    "https://example.org/a b?x=1&y=2",
		"js":     "alert('x')",
		"bad":    "javascript:alert(1)",
		"utf8":   "perché \xff città",
	})
	const src = `{{define "base"}}<title>{{T "quotes"}}</title>
<p title="{{T "quotes"}}">{{T "plain"}} {{T "quotes"}} {{T "nul"}} {{T "pct"}} {{T "utf8"}} {{T "missing.key"}}</p>
<a href="{{link "/proposals/"}}">{{T "plain"}}</a><a href="{{asset "/css/pspm.css"}}"></a>
<a href="{{T "url"}}">u</a><a href="{{T "bad"}}">b</a><a href="/x?q={{T "plain"}}">q</a><a href="/x/{{link "/a/"}}">p</a>
<a title={{T "plain"}}>unquoted</a>
<script>var s = {{T "js"}}; var t = "{{T "quotes"}}";</script>
<style>p { color: {{T "plain"}}; }</style>
<!-- {{T "plain"}} -->
{{with .}}{{T "plain"}} {{.}}{{end}}{{if T "plain"}}{{T "quotes" | printf "%s!"}}{{end}}
{{template "card" .}}{{end}}
{{define "card"}}<span class="{{T "plain"}}">{{T "quotes"}}</span>{{end}}`
	run := func(fold bool) (string, *template.Template) {
		tmpl := template.Must(template.New("").Funcs(r.funcs()).Parse(src))
		if fold {
			r.fold(tmpl)
		}
		var b bytes.Buffer
		if err := tmpl.ExecuteTemplate(&b, "base", "dato <x>"); err != nil {
			t.Fatal(err)
		}
		return b.String(), tmpl
	}
	want, _ := run(false)
	got, folded := run(true)
	if got != want {
		t.Fatalf("folded templates wrote\n%s\nwant\n%s", got, want)
	}
	// The fold did fold: the base template's plain translations are text now.
	texts := 0
	for _, n := range folded.Lookup("base").Tree.Root.Nodes {
		if tn, ok := n.(*parse.TextNode); ok && bytes.Contains(tn.Text, []byte("Vai al contenuto")) {
			texts++
		}
	}
	if texts == 0 {
		t.Errorf("no constant action became text")
	}
}
