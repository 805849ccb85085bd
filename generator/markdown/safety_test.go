package markdown_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// This file holds the safety oracle of the Markdown tests: what rendered HTML may contain
// to be placed in a page of a site whose authors are untrusted.

// allowedElements are the elements that goldmark and this package produce. Anything else
// came from the author.
var allowedElements = map[string]bool{
	"p": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"a": true, "img": true, "em": true, "strong": true, "del": true, "code": true, "pre": true,
	"blockquote": true, "ul": true, "ol": true, "li": true, "hr": true, "br": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"input": true, "span": true, "div": true, "sup": true,
}

// forbiddenElements are named in failure messages: they run script, load other
// documents, or restyle or take over the page.
var forbiddenElements = map[string]bool{
	"script": true, "iframe": true, "object": true, "embed": true, "style": true, "form": true,
	"svg": true, "math": true, "base": true, "link": true, "meta": true, "frame": true,
	"frameset": true, "applet": true, "template": true, "textarea": true, "button": true,
}

// allowedAttributes are the attributes that goldmark and this package produce.
var allowedAttributes = map[string]bool{
	"id": true, "class": true, "href": true, "src": true, "alt": true, "title": true,
	"rel": true, "loading": true, "type": true, "disabled": true, "checked": true,
	"role": true, "start": true, "tabindex": true, "aria-labelledby": true,
}

// urlAttributes hold URLs that a browser follows or loads.
var urlAttributes = map[string]bool{
	"href": true, "src": true, "xlink:href": true, "action": true, "formaction": true,
	"srcset": true, "poster": true, "background": true, "cite": true, "data": true,
}

// rasterData is a data: URL of an image format that cannot carry script; goldmark lets
// these through (html.IsDangerousURL), for images and links alike, and browsers refuse
// to navigate a page to a data: URL.
var rasterData = regexp.MustCompile(`^data:image/(png|gif|jpeg|webp);`)

// normalURL returns a URL attribute as a browser reads its scheme: without the ASCII
// control characters and spaces that the URL parser strips or ignores, in lower case,
// with backslashes read as slashes (as in http: and https: URLs).
func normalURL(v string) string {
	var b strings.Builder
	for _, r := range v {
		if r <= 0x20 || r == 0x7f {
			continue
		}
		if r == '\\' {
			r = '/'
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// unsafeHTML parses out as a browser parses the inside of <body> and returns what makes
// it unsafe to publish, one problem per entry.
func unsafeHTML(out string) []string {
	var problems []string
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(out), ctx)
	if err != nil {
		return []string{"cannot parse the HTML: " + err.Error()}
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			problems = append(problems, unsafeElement(n)...)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return problems
}

func unsafeElement(n *html.Node) []string {
	var problems []string
	bad := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("<%s>: ", n.Data)+fmt.Sprintf(format, args...))
	}
	switch {
	case n.Namespace != "":
		bad("an element in the %s namespace", n.Namespace)
	case forbiddenElements[n.Data]:
		bad("a forbidden element")
	case !allowedElements[n.Data]:
		bad("an element that the renderer does not produce")
	}
	attrs := map[string]string{}
	for _, a := range n.Attr {
		name := a.Key
		if a.Namespace != "" {
			name = a.Namespace + ":" + a.Key
		}
		attrs[name] = a.Val
		switch {
		case strings.HasPrefix(name, "on"):
			bad("event handler %s=%q", name, a.Val)
		case name == "style" || name == "srcdoc":
			bad("attribute %s=%q", name, a.Val)
		case !allowedAttributes[name]:
			bad("an attribute the renderer does not produce: %s=%q", name, a.Val)
		case name == "tabindex" && a.Val != "0",
			name == "aria-labelledby" && a.Val != markdown.LabelCode && a.Val != markdown.LabelTable:
			bad("%s=%q: only code blocks and tables take the focus, named by the theme's labels", name, a.Val)
		}
		if !urlAttributes[name] && name != "xlink:href" {
			continue
		}
		u := normalURL(a.Val)
		for _, scheme := range []string{"javascript:", "vbscript:", "file:", "data:"} {
			if strings.HasPrefix(u, scheme) && !(scheme == "data:" && rasterData.MatchString(u)) {
				bad("%s=%q: a %s URL", name, a.Val, scheme)
			}
		}
		if n.Data == "img" && name == "src" && (strings.HasPrefix(u, "http:") || strings.HasPrefix(u, "https:") || strings.HasPrefix(u, "//")) {
			bad("src=%q: an image from another site", a.Val)
		}
	}
	if n.Data == "input" && (attrs["type"] != "checkbox" || !hasKey(attrs, "disabled")) {
		bad("an input other than a disabled task-list checkbox")
	}
	return problems
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// TestOracleCatchesWhatItMust keeps the oracle honest: each of these is unsafe.
func TestOracleCatchesWhatItMust(t *testing.T) {
	for _, s := range []string{
		`<script>alert(1)</script>`,
		`<p><img src=x onerror="alert(1)"></p>`,
		`<a href="javascript:alert(1)">x</a>`,
		`<a href=" JaVa&#x09;Script&colon;alert(1)">x</a>`,
		"<a href=\"\x01java\nscript:alert(1)\">x</a>",
		`<a href="vbscript:x">x</a>`,
		`<a href="file:///etc/passwd">x</a>`,
		`<a href="data:text/html,<script>alert(1)</script>">x</a>`,
		`<img src="data:image/svg+xml;base64,AAAA">`,
		`<img src="https://tracker.example/p.png">`,
		`<img src="//tracker.example/p.png">`,
		`<img src="/\tracker.example/p.png">`,
		`<iframe srcdoc="x"></iframe>`,
		`<p style="color:red">x</p>`,
		`<svg><a xlink:href="javascript:alert(1)">x</a></svg>`,
		`<math><mi>x</mi></math>`,
		`<form action="https://x"><input name=x></form>`,
		`<input type="checkbox">`,
		`<input type="text" disabled>`,
		`<object data="x"></object>`,
		`<embed src="x">`,
		`<style>*{}</style>`,
		`<base href="https://evil.example/">`,
		`<p align="center">x</p>`,
		`<p tabindex="-1">x</p>`,
		`<pre aria-labelledby="main">x</pre>`,
	} {
		if len(unsafeHTML(s)) == 0 {
			t.Errorf("the oracle finds %q safe", s)
		}
	}
	for _, s := range []string{
		`<p>Text <a href="https://example.org" rel="nofollow ugc noopener">x</a> <code>&lt;script&gt;</code></p>`,
		`<!-- raw HTML omitted -->`,
		`<ul><li><input checked="" disabled="" type="checkbox"> fatto</li></ul>`,
		`<p><img src="data:image/png;base64,AAAA" alt="x" loading="lazy"> <img src="grafico.png" alt="" title="t" loading="lazy"></p>`,
		`<table><thead><tr><th class="align-left">a</th></tr></thead></table>`,
		`<a href="%6Aavascript:alert(1)">x</a>`,
		`<a href="java%09script:alert(1)">x</a>`,
	} {
		if p := unsafeHTML(s); len(p) > 0 {
			t.Errorf("the oracle finds %q unsafe: %q", s, p)
		}
	}
}
