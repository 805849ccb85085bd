package content

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/pspm-dev/pspm/generator/site"
)

// An attachment is published on the portal's own origin, so a file that a browser runs
// (HTML, a script, an SVG with a script) would run with the portal's authority. Attachments
// are therefore an allow-list of types that browsers only display or download, each checked
// by its first bytes as well as by its name, and SVG only when checkSVG finds nothing
// active in it.

// kind is how an attachment's bytes are checked.
type kind int

const (
	kindText kind = iota // text: anything but HTML or XML by its first bytes
	kindPNG              // and the other binary kinds: a magic number
	kindJPEG
	kindGIF
	kindWebP
	kindAVIF
	kindPDF
	kindZip // ZIP and the formats made of it: OOXML, OpenDocument, EPUB
	kindRTF
	kindSVG
)

// attachmentTypes is the allow-list of attachments, by extension in lower case.
var attachmentTypes = map[string]kind{
	// documents
	".pdf": kindPDF, ".odt": kindZip, ".ods": kindZip, ".odp": kindZip, ".odg": kindZip,
	".docx": kindZip, ".xlsx": kindZip, ".pptx": kindZip, ".epub": kindZip, ".rtf": kindRTF,
	".txt": kindText, ".md": kindText,
	// images
	".png": kindPNG, ".jpg": kindJPEG, ".jpeg": kindJPEG, ".gif": kindGIF, ".webp": kindWebP,
	".avif": kindAVIF, ".svg": kindSVG,
	// data
	".csv": kindText, ".tsv": kindText, ".json": kindText, ".geojson": kindText,
	// archives
	".zip": kindZip,
}

// attachmentExts lists the extensions an attachment may have, sorted, for messages and
// documentation.
func attachmentExts() []string {
	out := make([]string, 0, len(attachmentTypes))
	for ext := range attachmentTypes {
		out = append(out, ext)
	}
	sort.Strings(out)
	return out
}

// reserved are the names an item's page takes in its folder.
var reserved = map[string]bool{"index.html": true, "index.xml": true}

// checkAttachmentName says what is wrong with publishing a file called name (its path
// inside the item's folder) as an attachment, or "" when its type is allowed.
func checkAttachmentName(name string) string {
	if reserved[strings.ToLower(name)] {
		return fmt.Sprintf("an attachment called %s would replace the page of its item: rename it (and publish a PDF rather than a web page)", name)
	}
	ext := strings.ToLower(path.Ext(name))
	if _, ok := attachmentTypes[ext]; ok {
		return ""
	}
	switch ext {
	case ".html", ".htm", ".xhtml", ".shtml", ".xht", ".mht", ".mhtml":
		return "a web page is not published as an attachment, because its scripts would run on the portal: publish a PDF of it, or put its text in the item's index.md"
	case ".xml", ".xsl", ".xslt", ".rdf", ".svgz":
		return "XML is not published as an attachment, because browsers can run it as a web page: publish the data as CSV or JSON, publish a PDF of a document, or put the file in a .zip"
	case ".doc", ".xls", ".ppt", ".docm", ".xlsm", ".pptm":
		return "this office format can carry macros: publish a PDF, or save it as .docx, .xlsx, .pptx or OpenDocument"
	}
	what := "a file of this type"
	if ext == "" {
		what = "a file without an extension"
	}
	return fmt.Sprintf("%s is not published as an attachment (it could run in the browser, or be taken for something it is not): publish a PDF or a PNG, or put it in a .zip; attachments are %s", what, strings.Join(attachmentExts(), " "))
}

// checkAttachmentData says what is wrong with publishing data as the attachment called
// name, and where in it when it can tell (line and col, else 0), or "" when nothing is:
// its type must be allowed, and its first bytes must be what its name says (a .png that
// is really a web page is refused).
func checkAttachmentData(name string, data []byte) (msg string, line, col int) {
	if msg := checkAttachmentName(name); msg != "" {
		return msg, 0, 0
	}
	k := attachmentTypes[strings.ToLower(path.Ext(name))]
	if k == kindSVG {
		var se *svgError
		if err := checkSVG(data); errors.As(err, &se) {
			return se.msg + " (an SVG is published only without scripts, event attributes, foreignObject, entities and links to other files), or publish a PNG or a PDF instead", se.line, se.col
		}
		return "", 0, 0
	}
	return checkBytes(name, k, data), 0, 0
}

// checkBytes says what is wrong with data as a file of kind k called name, or "".
func checkBytes(name string, k kind, data []byte) string {
	if k != kindText && len(data) == 0 {
		return "the file is empty: commit the file itself"
	}
	if sniffed := http.DetectContentType(data); strings.HasPrefix(sniffed, "text/html") || strings.HasPrefix(sniffed, "text/xml") {
		return fmt.Sprintf("the file is a web page or XML by its first bytes (%s), whatever its name says: publish a PDF or a PNG", strings.TrimSuffix(sniffed, "; charset=utf-8"))
	}
	if !magicMatches(k, data) {
		return fmt.Sprintf("the file is not a %s by its first bytes: export it again in that format, or name it after what it is", strings.ToUpper(strings.TrimPrefix(path.Ext(name), ".")))
	}
	return ""
}

// magicMatches tells whether data starts as files of kind k do.
func magicMatches(k kind, data []byte) bool {
	has := func(at int, s string) bool { return len(data) >= at+len(s) && string(data[at:at+len(s)]) == s }
	switch k {
	case kindPNG:
		return has(0, "\x89PNG\r\n\x1a\n")
	case kindJPEG:
		return has(0, "\xff\xd8\xff")
	case kindGIF:
		return has(0, "GIF87a") || has(0, "GIF89a")
	case kindWebP:
		return has(0, "RIFF") && has(8, "WEBP")
	case kindAVIF:
		return has(4, "ftyp") && (has(8, "avif") || has(8, "avis") || has(8, "mif1") || has(8, "msf1"))
	case kindPDF:
		return has(0, "%PDF-")
	case kindZip:
		return has(0, "PK\x03\x04") || has(0, "PK\x05\x06")
	case kindRTF:
		return has(0, `{\rtf`)
	}
	return true // text: HTML and XML were refused by sniffing
}

const (
	nsSVG   = "http://www.w3.org/2000/svg"
	nsXLink = "http://www.w3.org/1999/xlink"
)

// svgElements are the SVG elements that only draw: no script, no foreign content, no
// element that loads another document.
var svgElements = setOf(strings.Fields(`svg g defs desc title metadata symbol use switch path rect circle ellipse
		line polyline polygon text tspan textPath image a clipPath mask pattern marker linearGradient
		radialGradient stop filter style view animate animateMotion animateTransform set mpath
		feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
		feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR
		feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset fePointLight
		feSpecularLighting feSpotLight feTile feTurbulence`))

func setOf(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// activeNamespaces are the namespaces whose elements a browser runs or renders inside an
// SVG document: HTML (and its script), MathML, XSLT and XML Events.
var activeNamespaces = map[string]bool{
	"http://www.w3.org/1999/xhtml":         true,
	"http://www.w3.org/1998/Math/MathML":   true,
	"http://www.w3.org/1999/XSL/Transform": true,
	"http://www.w3.org/2001/xml-events":    true,
	"http://www.w3.org/2000/svg-events":    true,
	"http://www.w3.org/1999/XSL/Format":    true,
	"urn:schemas-microsoft-com:vml":        true,
	"http://www.w3.org/2005/07/scxml":      true,
}

// svgError is what is wrong with an SVG, at its line and column (0 when unknown).
type svgError struct {
	line, col int
	msg       string
}

func (e *svgError) Error() string { return e.msg }

// checkSVG accepts an SVG only when it is well-formed XML in UTF-8 whose root is an svg
// element, and that holds nothing a browser would run or load: only drawing elements of
// SVG (no script, foreignObject or element of HTML, MathML or XSLT), no event attribute
// (on...), no link but to a fragment of the same file (#id) or a PNG, JPEG, GIF or WebP
// data: URL, no animation of a link or an event attribute, no CSS that loads a file, no
// entity, no document type with declarations and no processing instruction but the XML
// declaration. It never panics, and its work is linear in the size of data.
func checkSVG(data []byte) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = func(label string, _ io.Reader) (io.Reader, error) {
		return nil, fmt.Errorf("encoding %q: save the SVG as UTF-8", label)
	}
	depth, roots := 0, 0
	// The text of a style element is checked whole, once it ends: CSS split by a comment
	// or a CDATA section ("ur<!---->l(") is one word to the browser.
	var style *strings.Builder
	styleLine, styleCol := 0, 0
	for {
		line, col := d.InputPos()
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return &svgError{se.Line, 0, "not well-formed XML: " + se.Msg}
			}
			return &svgError{line, col, "not well-formed XML: " + err.Error()}
		}
		fail := func(format string, args ...any) error { return &svgError{line, col, fmt.Sprintf(format, args...)} }
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if t.Name.Space != nsSVG || t.Name.Local != "svg" {
					return fail("the root element is not an svg element in the SVG namespace (xmlns=%q)", nsSVG)
				}
			}
			depth++
			if style != nil {
				return fail("element <%s> inside a style element: remove it", t.Name.Local)
			}
			if err := checkSVGElement(t); err != "" {
				return fail("%s", err)
			}
			if t.Name.Space == nsSVG && t.Name.Local == "style" {
				style, styleLine, styleCol = &strings.Builder{}, line, col
			}
		case xml.EndElement:
			depth--
			if style != nil {
				if err := checkCSS(style.String()); err != "" {
					return &svgError{styleLine, styleCol, "style element: " + err}
				}
				style = nil
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fail("text outside the svg element")
			}
			if style != nil {
				style.Write(t)
			}
		case xml.ProcInst:
			if t.Target != "xml" {
				return fail("processing instruction <?%s?>: remove it (a stylesheet or a transformation can run code)", t.Target)
			}
		case xml.Directive:
			dir := string(t)
			if strings.ContainsAny(dir, "[<") || strings.Contains(strings.ToUpper(dir), "ENTITY") || !strings.HasPrefix(dir, "DOCTYPE") {
				return fail("document type with declarations (<!%s>): remove the DOCTYPE; entities are refused", truncate(dir, 40))
			}
		}
	}
	if roots != 1 {
		return &svgError{0, 0, "no svg element"}
	}
	return nil
}

// checkSVGElement says what is wrong with an element and its attributes, or "".
func checkSVGElement(t xml.StartElement) string {
	n := t.Name
	switch {
	case n.Space == nsSVG:
		if !svgElements[n.Local] {
			return fmt.Sprintf("element <%s> is not a drawing element of SVG: remove it", n.Local)
		}
	case activeNamespaces[n.Space], strings.EqualFold(n.Local, "script"), strings.EqualFold(n.Local, "foreignObject"):
		return fmt.Sprintf("element <%s> of %s can run code in a browser: remove it", n.Local, orNone(n.Space))
	case n.Space != "" && !strings.Contains(n.Space, ":"):
		return fmt.Sprintf("element <%s:%s> uses a prefix that is not declared", n.Space, n.Local)
	}
	animated := n.Space == nsSVG && (n.Local == "animate" || n.Local == "set" || n.Local == "animateMotion" || n.Local == "animateTransform")
	for _, a := range t.Attr {
		local := strings.ToLower(a.Name.Local)
		if a.Name.Space == "xmlns" || a.Name.Space == "" && local == "xmlns" {
			if activeNamespaces[a.Value] && a.Value != "" {
				return fmt.Sprintf("the namespace %s can run code in a browser: remove it", a.Value)
			}
			continue
		}
		if a.Name.Space != "" && a.Name.Space != nsXLink && !strings.Contains(a.Name.Space, ":") {
			return fmt.Sprintf("attribute %s:%s uses a prefix that is not declared", a.Name.Space, a.Name.Local)
		}
		if strings.HasPrefix(local, "on") {
			return fmt.Sprintf("event attribute %s runs code: remove it", a.Name.Local)
		}
		value := urlText(a.Value)
		if strings.Contains(value, "javascript:") || strings.Contains(value, "vbscript:") {
			return fmt.Sprintf("attribute %s holds a script URL: remove it", a.Name.Local)
		}
		switch {
		case local == "href" || local == "src":
			if !safeHref(value) {
				return fmt.Sprintf("link %s=%q to another file: only links to #ids of the same SVG and PNG, JPEG, GIF or WebP data: URLs are published; embed the image", a.Name.Local, truncate(a.Value, 60))
			}
		case animated && local == "attributename":
			target := strings.ToLower(strings.TrimSpace(a.Value))
			if i := strings.IndexByte(target, ':'); i >= 0 {
				target = target[i+1:]
			}
			if target == "href" || target == "src" || strings.HasPrefix(target, "on") || target == "style" {
				return fmt.Sprintf("an animation of the attribute %s can make it run code: remove it", a.Value)
			}
		case local == "style":
			if err := checkCSS(a.Value); err != "" {
				return "style attribute: " + err
			}
		default:
			if strings.Contains(value, "url(") {
				if err := checkCSS(a.Value); err != "" {
					return fmt.Sprintf("attribute %s: %s", a.Name.Local, err)
				}
			}
		}
	}
	return ""
}

// urlText is value as a browser reads a URL: without ASCII tabs and newlines anywhere,
// without leading control characters and spaces, in lower case.
func urlText(value string) string {
	value = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, value)
	value = strings.TrimLeftFunc(value, func(r rune) bool { return r <= ' ' })
	return strings.ToLower(value)
}

// safeHref accepts a link to a fragment of the same file or a raster image in a data: URL.
func safeHref(v string) bool {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "#") {
		return true
	}
	for _, p := range []string{"data:image/png;", "data:image/jpeg;", "data:image/gif;", "data:image/webp;"} {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}

// checkCSS refuses CSS that loads a file or hides its words behind escapes: only url(#id)
// is allowed.
func checkCSS(css string) string {
	low := strings.ToLower(css)
	switch {
	case strings.Contains(low, `\`):
		return "CSS escapes (\\) are refused: write the CSS plainly"
	case strings.Contains(low, "@import"):
		return "@import loads another file: remove it"
	case strings.Contains(low, "expression("), strings.Contains(low, "image-set("), strings.Contains(low, "src("), strings.Contains(low, "-moz-binding"), strings.Contains(low, "behavior:"):
		return "CSS that loads or runs something is refused: remove it"
	}
	for rest := low; ; {
		i := strings.Index(rest, "url(")
		if i < 0 {
			return ""
		}
		rest = strings.TrimLeft(rest[i+4:], " \t\r\n\f'\"")
		if !strings.HasPrefix(rest, "#") {
			return "url() of another file: only url(#id) of the same SVG is published"
		}
	}
}

func orNone(ns string) string {
	if ns == "" {
		return "no namespace"
	}
	return ns
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ReadAttachment reads the attachment a from fsys to publish it: without following any
// symbolic link where fsys can refuse them, within limit bytes, and checked again as Load
// checked it, so that what is published is what was checked.
func ReadAttachment(fsys fs.FS, a *site.Attachment, limit int64) ([]byte, error) {
	data, err := readLimited(fsys, a.File, limit)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: over the limit of %s (limits.attachment_size in pspm.yaml)", a.File, human(limit))
	}
	if msg, _, _ := checkAttachmentData(a.Name, data); msg != "" {
		return nil, fmt.Errorf("%s: %s", a.File, msg)
	}
	return data, nil
}
