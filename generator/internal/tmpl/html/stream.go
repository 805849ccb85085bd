package template

// This file is pspm's, not the standard library's: the forms of the escapers that
// text/template's exec streams (see RegisterStreamEscapers there and the README of the
// fork). Each form here gives, byte for byte, what the escaper it names gives; the
// escapers themselves are unchanged, and still run wherever exec does not stream them.
// When an update from Go changes stringify, htmlReplacer, urlFilter, urlProcessor,
// processURLOnto or the escapers named below, change these forms alike: TestStreamedEscapers and
// FuzzStreamedEscapers compare them.

import (
	"github.com/pspm-dev/pspm/generator/internal/tmpl/text"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

func init() {
	template.RegisterStreamEscapers(template.StreamEscapers{
		Stringify: func(v reflect.Value) (string, int) {
			s, t := stringifyValue(v)
			return s, int(t)
		},
		Plain:    int(contentTypePlain),
		Escapers: streamEscapers,
	})
}

// streamEscapers are the escapers exec streams, by their names in funcMap.
var streamEscapers = map[string]template.StreamEscaper{
	"_html_template_htmlescaper": {
		Func:   htmlEscaper,
		String: func(s string, t int) string { return htmlEscaperString(s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return appendHTMLEscaper(b, s, contentType(t)) },
	},
	"_html_template_attrescaper": {
		Func:   attrEscaper,
		String: func(s string, t int) string { return attrEscaperString(s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return appendAttrEscaper(b, s, contentType(t)) },
	},
	"_html_template_rcdataescaper": {
		Func:   rcdataEscaper,
		String: func(s string, t int) string { return rcdataEscaperString(s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return appendRCDATAEscaper(b, s, contentType(t)) },
	},
	"_html_template_nospaceescaper": {
		Func:   htmlNospaceEscaper,
		String: func(s string, t int) string { return htmlNospaceEscaperString(s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return appendHTMLNospaceEscaper(b, s, contentType(t)) },
	},
	"_html_template_urlfilter": {
		Func:   urlFilter,
		String: func(s string, t int) string { return urlFilterString(s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return append(b, urlFilterString(s, contentType(t))...) },
	},
	"_html_template_urlnormalizer": {
		Func:   urlNormalizer,
		String: func(s string, t int) string { return urlProcessorString(true, s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return appendURLProcessor(b, true, s, contentType(t)) },
	},
	"_html_template_urlescaper": {
		Func:   urlEscaper,
		String: func(s string, t int) string { return urlProcessorString(false, s, contentType(t)) },
		Append: func(b []byte, s string, t int) []byte { return appendURLProcessor(b, false, s, contentType(t)) },
	},
}

var (
	stringType   = reflect.TypeFor[string]()
	cssType      = reflect.TypeFor[CSS]()
	htmlType     = reflect.TypeFor[HTML]()
	htmlAttrType = reflect.TypeFor[HTMLAttr]()
	jsType       = reflect.TypeFor[JS]()
	jsStrType    = reflect.TypeFor[JSStr]()
	urlType      = reflect.TypeFor[URL]()
	srcsetType   = reflect.TypeFor[Srcset]()
)

// stringifyValue is stringify(v.Interface()), without boxing v when it is a string or
// one of the string types of content, which stringify's switch takes as they are.
func stringifyValue(v reflect.Value) (string, contentType) {
	if v.Kind() == reflect.String && v.CanInterface() {
		switch v.Type() {
		case stringType:
			return v.String(), contentTypePlain
		case cssType:
			return v.String(), contentTypeCSS
		case htmlType:
			return v.String(), contentTypeHTML
		case htmlAttrType:
			return v.String(), contentTypeHTMLAttr
		case jsType:
			return v.String(), contentTypeJS
		case jsStrType:
			return v.String(), contentTypeJSStr
		case urlType:
			return v.String(), contentTypeURL
		case srcsetType:
			return v.String(), contentTypeSrcset
		}
	}
	return stringify(v.Interface())
}

// htmlEscaperString is htmlEscaper after its stringify.
func htmlEscaperString(s string, t contentType) string {
	if t == contentTypeHTML {
		return s
	}
	return htmlReplacer(s, htmlReplacementTable, true)
}

func appendHTMLEscaper(b []byte, s string, t contentType) []byte {
	if t == contentTypeHTML {
		return append(b, s...)
	}
	return appendHTMLReplacer(b, s, htmlReplacementTable, true)
}

// attrEscaperString is attrEscaper after its stringify.
func attrEscaperString(s string, t contentType) string {
	if t == contentTypeHTML {
		return htmlReplacer(stripTags(s), htmlNormReplacementTable, true)
	}
	return htmlReplacer(s, htmlReplacementTable, true)
}

func appendAttrEscaper(b []byte, s string, t contentType) []byte {
	if t == contentTypeHTML {
		return appendHTMLReplacer(b, stripTags(s), htmlNormReplacementTable, true)
	}
	return appendHTMLReplacer(b, s, htmlReplacementTable, true)
}

// rcdataEscaperString is rcdataEscaper after its stringify.
func rcdataEscaperString(s string, t contentType) string {
	if t == contentTypeHTML {
		return htmlReplacer(s, htmlNormReplacementTable, true)
	}
	return htmlReplacer(s, htmlReplacementTable, true)
}

func appendRCDATAEscaper(b []byte, s string, t contentType) []byte {
	if t == contentTypeHTML {
		return appendHTMLReplacer(b, s, htmlNormReplacementTable, true)
	}
	return appendHTMLReplacer(b, s, htmlReplacementTable, true)
}

// htmlNospaceEscaperString is htmlNospaceEscaper after its stringify.
func htmlNospaceEscaperString(s string, t contentType) string {
	if s == "" {
		return filterFailsafe
	}
	if t == contentTypeHTML {
		return htmlReplacer(stripTags(s), htmlNospaceNormReplacementTable, false)
	}
	return htmlReplacer(s, htmlNospaceReplacementTable, false)
}

func appendHTMLNospaceEscaper(b []byte, s string, t contentType) []byte {
	if s == "" {
		return append(b, filterFailsafe...)
	}
	if t == contentTypeHTML {
		return appendHTMLReplacer(b, stripTags(s), htmlNospaceNormReplacementTable, false)
	}
	return appendHTMLReplacer(b, s, htmlNospaceReplacementTable, false)
}

// appendHTMLReplacer appends htmlReplacer(s, replacementTable, badRunes) to b, a run
// of s as it is or a replacement at a time.
func appendHTMLReplacer(b []byte, s string, replacementTable []string, badRunes bool) []byte {
	written := 0
	r, w := rune(0), 0
	for i := 0; i < len(s); i += w {
		// As in htmlReplacer, the width of each rune in the input is kept: an invalid
		// byte is one rune of width 1.
		r, w = utf8.DecodeRuneInString(s[i:])
		if int(r) < len(replacementTable) {
			if repl := replacementTable[r]; len(repl) != 0 {
				b = append(b, s[written:i]...)
				b = append(b, repl...)
				written = i + w
			}
		} else if badRunes {
			// No-op.
			// IE does not allow these ranges in unquoted attrs.
		} else if 0xfdd0 <= r && r <= 0xfdef || 0xfff0 <= r && r <= 0xffff {
			// fmt.Fprintf(b, "%s&#x%x;", s[written:i], r)
			b = append(b, s[written:i]...)
			b = append(b, "&#x"...)
			b = strconv.AppendInt(b, int64(r), 16)
			b = append(b, ';')
			written = i + w
		}
	}
	return append(b, s[written:]...)
}

// urlFilterString is urlFilter after its stringify.
func urlFilterString(s string, t contentType) string {
	if t == contentTypeURL {
		return s
	}
	if !isSafeURL(s) {
		return "#" + filterFailsafe
	}
	return s
}

// urlProcessorString is urlProcessor(norm, ...) after its stringify. It makes a new
// string only if s changes.
func urlProcessorString(norm bool, s string, t contentType) string {
	if t == contentTypeURL {
		norm = true
	}
	for i := 0; i < len(s); i++ {
		if urlEscapes(s, i, norm) {
			var b strings.Builder
			processURLOnto(s, norm, &b)
			return b.String()
		}
	}
	return s
}

func appendURLProcessor(b []byte, norm bool, s string, t contentType) []byte {
	if t == contentTypeURL {
		norm = true
	}
	return appendProcessedURL(b, s, norm)
}

// appendProcessedURL appends to b what processURLOnto(s, norm, …) writes.
func appendProcessedURL(b []byte, s string, norm bool) []byte {
	const lowerHex = "0123456789abcdef"
	written := 0
	for i := 0; i < len(s); i++ {
		if !urlEscapes(s, i, norm) {
			continue
		}
		c := s[i]
		// fmt.Fprintf(b, "%%%02x", c)
		b = append(b, s[written:i]...)
		b = append(b, '%', lowerHex[c>>4], lowerHex[c&0xf])
		written = i + 1
	}
	return append(b, s[written:]...)
}

// urlEscapes reports whether processURLOnto(s, norm, …) escapes the byte s[i]: its
// switch, case for case.
func urlEscapes(s string, i int, norm bool) bool {
	c := s[i]
	switch c {
	case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
		if norm {
			return false
		}
	case '-', '.', '_', '~':
		return false
	case '%':
		if norm && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			return false
		}
	default:
		if 'a' <= c && c <= 'z' {
			return false
		}
		if 'A' <= c && c <= 'Z' {
			return false
		}
		if '0' <= c && c <= '9' {
			return false
		}
	}
	return true
}
