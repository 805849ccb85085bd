// Package meta reads the metadata of contributed files: it splits YAML front matter from a
// Markdown body (with github.com/adrg/frontmatter) and decodes YAML (with gopkg.in/yaml.v3)
// into typed structs, recording the position of every value.
//
// Everything here arrives from merge requests by many bodies, so nothing is trusted: the
// hazards of the libraries underneath (front matter that silently vanishes, YAML 1.1
// booleans and octals, duplicate keys, anchors, partly filled structs) are turned into
// positioned diagnostics that say how to fix the file, and no input makes it panic.
package meta

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/adrg/frontmatter"
	"github.com/pspm-dev/pspm/generator/diag"
	"gopkg.in/yaml.v3"
)

// Document is a file split into its front matter and its Markdown body.
type Document struct {
	File     string     // the path the diagnostics name
	Meta     *yaml.Node // the front matter's top-level mapping; nil when there is none
	MetaLine int        // the file line of the first front matter line
	Body     []byte     // the Markdown after the closing ---
	BodyLine int        // the file line where Body starts
}

// CheckText reports, at their position, the problems that make data unusable as text: NUL
// bytes, invalid UTF-8 and a byte-order mark. It returns false when there was any.
func CheckText(file string, data []byte, errs *diag.List) bool {
	ok := true
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		errs.Add(diag.Pos{File: file, Line: 1, Col: 1}, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
		ok = false
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		l, c := lineCol(data, i)
		errs.Add(diag.Pos{File: file, Line: l, Col: c}, "NUL byte in a text file; is this a binary file saved with a .md or .yaml name?")
		ok = false
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		l, c := lineCol(data, i)
		errs.Add(diag.Pos{File: file, Line: l, Col: c}, "invalid UTF-8; save the file with UTF-8 encoding")
		ok = false
	}
	return ok
}

// lineCol converts a byte offset into a 1-based line and a 1-based column counted in runes.
func lineCol(data []byte, off int) (line, col int) {
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	start := bytes.LastIndexByte(data[:off], '\n') + 1
	return line, 1 + utf8.RuneCount(data[start:off])
}

// Split separates the YAML front matter of a Markdown file from its body. It reports a
// missing or unclosed front matter, TOML or JSON front matter, and YAML syntax errors, all
// at their file position. The returned Document is usable even when errors were reported
// (its Meta may then be nil).
func Split(file string, data []byte, errs *diag.List) Document {
	doc := Document{File: file, Body: data, BodyLine: 1}
	if !CheckText(file, data, errs) {
		return doc
	}
	// Find the first non-blank line, as adrg/frontmatter does, to tell what the file
	// starts with before the library gets a chance to treat it as body.
	first, firstLine := "", 0
	for i, rest := 1, data; len(rest) > 0; i++ {
		line := rest
		if j := bytes.IndexByte(rest, '\n'); j >= 0 {
			line, rest = rest[:j], rest[j+1:]
		} else {
			rest = nil
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			first, firstLine = string(t), i
			break
		}
	}
	pos := diag.Pos{File: file, Line: max(firstLine, 1), Col: 1}
	switch {
	case first == "+++" || first == "---toml":
		errs.Add(pos, "TOML front matter is not supported; write the keys as YAML between two --- lines")
		return doc
	case first == ";;;" || first == "---json" || first == "{":
		errs.Add(pos, "JSON front matter is not supported; write the keys as YAML between two --- lines")
		return doc
	case first != "---":
		errs.Add(pos, "missing front matter: start the file with a line ---, then the keys (title: …), then another ---")
		return doc
	}
	var raw []byte
	format := frontmatter.NewFormat("---", "---", func(b []byte, _ any) error {
		raw = b
		return nil
	})
	rest, err := frontmatter.Parse(bytes.NewReader(data), nil, format)
	if err != nil {
		errs.Add(pos, "cannot read front matter: %v", err)
		return doc
	}
	if raw == nil {
		errs.Add(pos, "the front matter is not closed: add a line --- after the last key (did you forget the closing ---?)")
		return doc
	}
	// adrg/frontmatter ends the front matter at the first line that is --- once trimmed;
	// an indented --- belongs to a YAML value, such as a block scalar, and ending there
	// would silently turn the rest of the front matter into body text.
	closing := bytes.TrimRight(data[:len(data)-len(rest)], "\r\n")
	if closing = closing[bytes.LastIndexByte(closing, '\n')+1:]; len(closing) > 0 && (closing[0] == ' ' || closing[0] == '\t') {
		errs.Add(diag.Pos{File: file, Line: firstLine + 1 + bytes.Count(raw, []byte("\n")), Col: 1}, "an indented --- ends the front matter here; start the closing --- at the beginning of its line, and write no value line that is only ---")
		return doc
	}
	doc.MetaLine = firstLine + 1
	doc.Body = rest
	doc.BodyLine = doc.MetaLine + bytes.Count(raw, []byte("\n")) + 1
	doc.Meta = Parse(file, doc.MetaLine, raw, errs)
	return doc
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// parserProblems are the messages of yaml.v3's parser, as opposed to its scanner: for
// them yaml.v3 prints the 0-based line of the problem, or of the construct it was in.
var parserProblems = map[string]bool{
	"did not find expected <stream-start>":   true,
	"did not find expected <document start>": true,
	"did not find expected node content":     true,
	"did not find expected key":              true,
	"did not find expected '-' indicator":    true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"found duplicate %YAML directive":        true,
	"found duplicate %TAG directive":         true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// oddBreak returns the offset of the first line break of data that YAML reads as one and
// editors, GitHub and diag do not: a CR not followed by LF, NEL, LS or PS. It returns -1
// when there is none.
func oddBreak(data []byte) int {
	for i := 0; i < len(data); i++ {
		switch {
		case data[i] == '\r' && (i+1 == len(data) || data[i+1] != '\n'):
			return i
		case data[i] == 0xc2 && i+1 < len(data) && data[i+1] == 0x85,
			data[i] == 0xe2 && i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xa8 || data[i+2] == 0xa9):
			return i
		}
	}
	return -1
}

// Parse parses YAML text that starts at file line firstLine into its top-level mapping
// node. It reports syntax errors, a top level that is not a mapping, tabs used for
// indentation, and anchors or aliases (refused: they serve no purpose in content and are
// the way to YAML bombs). It returns nil when the text cannot be used.
func Parse(file string, firstLine int, data []byte, errs *diag.List) (n *yaml.Node) {
	defer func() {
		if r := recover(); r != nil { // yaml.v3 must never take the build down
			errs.Add(diag.Pos{File: file, Line: firstLine, Col: 1}, "cannot parse YAML: %v", r)
			n = nil
		}
	}()
	if i := oddBreak(data); i >= 0 {
		l, c := lineCol(data, i)
		errs.Add(diag.Pos{File: file, Line: firstLine + l - 1, Col: c}, "a line break that is not a newline (a lone carriage return, or U+0085, U+2028, U+2029); replace it with a new line or a space")
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := firstLine, err.Error()
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
		} else if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
			l, _ := strconv.Atoi(m[1]) // 0 when yaml.v3 gives no line: the first one
			if l > 0 && parserProblems[m[2]] {
				l++
			}
			// At the end of the text yaml.v3 may name the line after the last one.
			line, msg = firstLine+min(max(l, 1)-1, bytes.Count(data, []byte("\n"))), m[2]
		}
		tabs := bytes.HasPrefix(data, []byte("\t")) || bytes.Contains(data, []byte("\n\t"))
		if tabs || bytes.Contains(data, []byte("\t")) && (bytes.Contains([]byte(msg), []byte("tab")) || bytes.Contains([]byte(msg), []byte("indent"))) {
			msg += " (indent with spaces, not tabs)"
		}
		col := 1
		if msg == "mapping values are not allowed in this context" {
			if c, fix := colonInValue(lineOf(data, line-firstLine+1)); c > 0 {
				col, msg = c, msg+"; a colon followed by a space starts a new key, so put the value in quotes: "+fix
			}
		}
		errs.Add(diag.Pos{File: file, Line: line, Col: col}, "invalid YAML: %s", msg)
		return nil
	}
	if len(doc.Content) == 0 {
		return &yaml.Node{Kind: yaml.MappingNode, Line: firstLine, Column: 1}
	}
	clamp(&doc, 1+bytes.Count(data, []byte("\n")))
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		errs.Add(diag.Pos{File: file, Line: firstLine + root.Line - 1, Col: root.Column}, "want keys and values (key: value), found %s", kindName(root))
		return nil
	}
	if bad := findAlias(root); bad != nil {
		errs.Add(diag.Pos{File: file, Line: firstLine + bad.Line - 1, Col: bad.Column}, "YAML anchors and aliases (&, *, <<) are not allowed; write the value out in full")
		return nil
	}
	shift(root, firstLine-1)
	return root
}

// lineOf returns the n-th (1-based) line of data, without its line break.
func lineOf(data []byte, n int) string {
	for ; n > 1; n-- {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return ""
		}
		data = data[i+1:]
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	return string(bytes.TrimRight(data, "\r"))
}

// colonInValue finds, in a line such as `title: CAP3.32: Definizione`, the colon that
// follows a key's colon in an unquoted value: it returns its 1-based column in runes and
// the line with the value in double quotes. It returns 0 when the line is not of that shape
// (a value that starts with a quote, a bracket or a block indicator, or no second colon).
func colonInValue(line string) (int, string) {
	start := len(line) - len(strings.TrimLeft(line, " "))
	for strings.HasPrefix(line[start:], "- ") { // an item of a list: - key: value
		start += 2 + len(line[start+2:]) - len(strings.TrimLeft(line[start+2:], " "))
	}
	k := strings.Index(line[start:], ": ")
	if k < 0 {
		return 0, ""
	}
	k += start
	key := line[start:k]
	if key == "" || strings.ContainsAny(key[:1], "\"'[{#&*!|>%@`") {
		return 0, ""
	}
	value := strings.TrimSpace(line[k+2:])
	if value == "" || strings.ContainsAny(value[:1], "\"'[{#&*!|>%@`") {
		return 0, ""
	}
	off := k + 2 + strings.Index(line[k+2:], value)
	second := strings.Index(value, ": ")
	if second < 0 {
		if !strings.HasSuffix(value, ":") {
			return 0, ""
		}
		second = len(value) - 1
	}
	col := 1 + utf8.RuneCountInString(line[:off+second])
	shown := value
	if r := []rune(shown); len(r) > 60 {
		shown = string(r[:60]) + "…"
	}
	shown = strings.ReplaceAll(strings.ReplaceAll(shown, `\`, `\\`), `"`, `\"`)
	return col, key + `: "` + shown + `"`
}

// findAlias returns the first node that is an alias, carries an anchor or is a merge key.
func findAlias(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode || n.Anchor != "" || n.Tag == "!!merge" {
		return n
	}
	for _, c := range n.Content {
		if bad := findAlias(c); bad != nil {
			return bad
		}
	}
	return nil
}

// clamp moves the nodes that yaml.v3 places on the line after the last one (empty values
// at the end of a text without a final newline) to the start of the last line.
func clamp(n *yaml.Node, last int) {
	if n.Line > last {
		n.Line, n.Column = last, 1
	}
	for _, c := range n.Content {
		clamp(c, last)
	}
}

// shift moves every node's line by delta, so that node lines are file lines.
func shift(n *yaml.Node, delta int) {
	n.Line += delta
	for _, c := range n.Content {
		shift(c, delta)
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "keys and values"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return fmt.Sprintf("the value %q", n.Value)
	}
	return "an unsupported YAML construct"
}

// ParseSimple is a fast road for the commonest tiny files, such as reaction files: when
// every line is blank or exactly `key: word`, where simple(key, word) says the word reads in
// YAML as itself (a plain string or a small number), it returns the same mapping node that
// Parse would, without running the YAML parser. For anything else — quotes, comments,
// spaces in values, duplicate keys, CRLF, keys or words YAML reads otherwise such as `null`
// or `no` — it returns nil and the caller uses Parse. The fuzz tests check that both roads agree.
func ParseSimple(data []byte, simple func(key, value string) bool) *yaml.Node {
	root := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: 1, Column: 1}
	seen := 0
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		if len(l) == 0 {
			continue
		}
		colon := bytes.Index(l, []byte(": "))
		if colon <= 0 || colon+2 >= len(l) {
			return nil
		}
		key, value := string(l[:colon]), string(l[colon+2:])
		if !simpleKey(key) || !simple(key, value) {
			return nil
		}
		for i := 0; i+1 < len(root.Content); i += 2 {
			if root.Content[i].Value == key {
				return nil // duplicate: let the full road report it
			}
		}
		if seen == 0 {
			root.Line = line
		}
		seen++
		tag := "!!str"
		if value[0] >= '0' && value[0] <= '9' {
			tag = "!!int"
		}
		root.Content = append(root.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: line, Column: 1},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Line: line, Column: colon + 3})
	}
	if seen == 0 {
		return nil
	}
	return root
}

// simpleKey reports whether key is lower-case letters and underscores that YAML reads as
// a plain string (not null, true or false), and short (YAML refuses a plain key longer
// than 1,024 characters; real keys are words).
func simpleKey(key string) bool {
	switch key {
	case "null", "true", "false":
		return false
	}
	if len(key) > 64 {
		return false
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}
