package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"io"
	"strconv"
	"strings"
	"text/template/parse"
)

// Constant folding of the templates of one language. Most actions of a page write the
// same bytes on every page: {{T "skip"}}, {{asset "/css/pspm.css"}}. Executing one costs two
// calls through reflection (the function, then html/template's escaper) and an allocation,
// and a page has dozens of them. fold computes them once, when the templates are loaded:
//
//  1. before html/template escapes the templates, a call of T, link or asset whose
//     arguments are constant strings becomes its result, a constant string (these
//     functions depend only on the renderer's language and base path);
//  2. html/template then escapes the templates (fold runs the templates that pages execute
//     by name once, on no data, which escapes them and everything they call);
//  3. an action that writes a constant string through escapers whose effect on a string is
//     known exactly (the HTML text, attribute and RCDATA escapers; the URL filters only on
//     strings they leave as they are) becomes the escaped text itself.
//
// The pages' bytes are the same: only work that gave the same result on every page is
// skipped. Anything fold does not recognise is left to html/template.

// foldedByName are the templates that the render executes by name: fold escapes them
// before folding what the escaper made of them.
var foldedByName = []string{"base", "card", "action-row", "paragraph-tools", "paragraph-comments"}

// fold folds the constant actions of t (see above).
func (r *renderer) fold(t *template.Template) {
	pure := map[string]func(string) string{
		"T":     func(key string) string { return r.tr.T(key) },
		"link":  r.link,
		"asset": r.asset,
	}
	for _, x := range t.Templates() {
		if x.Tree != nil && x.Tree.Root != nil {
			foldCalls(x.Tree.Root, pure)
		}
	}
	for _, name := range foldedByName {
		if t.Lookup(name) != nil {
			// On no data the execution fails at the first field: only the escaping,
			// done before anything runs, is wanted.
			_ = t.ExecuteTemplate(io.Discard, name, nil)
		}
	}
	for _, x := range t.Templates() {
		if x.Tree != nil && x.Tree.Root != nil {
			foldEscaped(x.Tree.Root)
		}
	}
}

// foldCalls replaces, in every pipeline under n, a first command that calls one of pure on
// a constant string by the function's result.
func foldCalls(n parse.Node, pure map[string]func(string) string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			foldCalls(c, pure)
		}
	case *parse.ActionNode:
		foldPipe(n.Pipe, pure)
	case *parse.IfNode:
		foldBranch(&n.BranchNode, pure)
	case *parse.RangeNode:
		foldBranch(&n.BranchNode, pure)
	case *parse.WithNode:
		foldBranch(&n.BranchNode, pure)
	case *parse.TemplateNode:
		foldPipe(n.Pipe, pure)
	}
}

func foldBranch(b *parse.BranchNode, pure map[string]func(string) string) {
	foldPipe(b.Pipe, pure)
	foldCalls(b.List, pure)
	if b.ElseList != nil {
		foldCalls(b.ElseList, pure)
	}
}

func foldPipe(p *parse.PipeNode, pure map[string]func(string) string) {
	if p == nil {
		return
	}
	for i, c := range p.Cmds {
		for _, a := range c.Args {
			if sub, ok := a.(*parse.PipeNode); ok {
				foldPipe(sub, pure)
			}
		}
		if i > 0 || len(c.Args) != 2 {
			continue // a later command also receives the previous one's result
		}
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok || pure[id.Ident] == nil {
			continue
		}
		arg, ok := c.Args[1].(*parse.StringNode)
		if !ok {
			continue
		}
		v := pure[id.Ident](arg.Text)
		c.Args = []parse.Node{&parse.StringNode{NodeType: parse.NodeString, Pos: id.Pos, Quoted: strconv.Quote(v), Text: v}}
	}
}

// foldEscaped replaces, under n, every action that writes a constant string through
// escapers foldEscaper knows by the text it writes.
func foldEscaped(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for i, c := range n.Nodes {
			if a, ok := c.(*parse.ActionNode); ok {
				if text, ok := escapedConstant(a.Pipe); ok {
					n.Nodes[i] = &parse.TextNode{NodeType: parse.NodeText, Pos: a.Pos, Text: []byte(text)}
				}
				continue
			}
			foldEscaped(c)
		}
	case *parse.IfNode:
		foldEscaped(n.List)
		foldEscaped(n.ElseList)
	case *parse.RangeNode:
		foldEscaped(n.List)
		foldEscaped(n.ElseList)
	case *parse.WithNode:
		foldEscaped(n.List)
		foldEscaped(n.ElseList)
	}
}

// escapedConstant returns what the pipeline p writes when it is a constant string followed
// only by escapers whose effect escapeLike knows.
func escapedConstant(p *parse.PipeNode) (string, bool) {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) < 2 {
		return "", false
	}
	first := p.Cmds[0]
	if len(first.Args) != 1 {
		return "", false
	}
	s, ok := first.Args[0].(*parse.StringNode)
	if !ok {
		return "", false
	}
	v := s.Text
	for _, c := range p.Cmds[1:] {
		if len(c.Args) != 1 {
			return "", false
		}
		id, ok := c.Args[0].(*parse.IdentifierNode)
		if !ok {
			return "", false
		}
		if v, ok = escapeLike(id.Ident, v); !ok {
			return "", false
		}
	}
	return v, true
}

// escapeLike applies to the string v what html/template's escaper called name does to a
// string (not a typed template.HTML, URL…: v is a constant string): the HTML escapers
// replace the same seven characters; the URL filters and normalizer are applied only to
// strings they leave unchanged (relative paths of unreserved characters).
func escapeLike(name, v string) (string, bool) {
	switch name {
	case "_html_template_htmlescaper", "_html_template_attrescaper", "_html_template_rcdataescaper":
		return htmlEscapeLikeTemplate(v), true
	case "_html_template_urlfilter", "_html_template_urlnormalizer":
		return v, unreservedPath(v, true)
	case "_html_template_urlescaper":
		return v, unreservedPath(v, false)
	}
	return "", false
}

// htmlEscapeLikeTemplate is html/template's escaping of a plain string in HTML text, a
// quoted attribute or RCDATA: NUL, ", &, ', +, < and > are replaced, nothing else.
var htmlEscapeLikeTemplate = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
).Replace

// unreservedPath reports whether v is made only of URL-unreserved ASCII characters (and
// slashes, when slash is set): no scheme, nothing a URL filter or normalizer changes.
func unreservedPath(v string, slash bool) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
		case c == '/' && slash:
		default:
			return false
		}
	}
	return true
}
