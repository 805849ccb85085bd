package content

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

const cleanSVG = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" viewBox="0 0 10 10">
  <title>Logo</title>
  <metadata><inkscape:x inkscape:label="a"/></metadata>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <style><![CDATA[ .a { fill: url( "#g" ); } ]]></style>
  <rect class="a" width="10" height="10" fill="url(#g)"/>
  <use xlink:href="#g"/>
  <image href="data:image/png;base64,iVBORw0KGgo="/>
  <a href="#top"><text>ok</text></a>
  <animate attributeName="opacity" from="0" to="1" dur="1s"/>
</svg>`

func TestCleanSVGPasses(t *testing.T) {
	if err := checkSVG([]byte(cleanSVG)); err != nil {
		t.Fatal(err)
	}
}

// TestSVGBypassesAreRefused lists ways to hide a script in an SVG that sanitizers have
// missed.
func TestSVGBypassesAreRefused(t *testing.T) {
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">`
	for name, body := range map[string]string{
		"onload":               `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"ONLOAD":               `<svg xmlns="http://www.w3.org/2000/svg" ONLOAD="alert(1)"/>`,
		"onbegin":              open + `<animate onbegin="alert(1)" attributeName="x"/></svg>`,
		"script":               open + `<script>alert(1)</script></svg>`,
		"SCRIPT other ns":      open + `<x:script xmlns:x="urn:x">alert(1)</x:script></svg>`,
		"xhtml default ns":     open + `<div xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></div></svg>`,
		"xhtml iframe":         open + `<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="https://evil"/></svg>`,
		"foreignObject":        open + `<foreignObject/></svg>`,
		"handler":              open + `<handler type="text/javascript">alert(1)</handler></svg>`,
		"javascript href":      open + `<a href="javascript:alert(1)"><text>x</text></a></svg>`,
		"javascript tab":       open + `<a xlink:href="jav&#x09;ascript:alert(1)"><text>x</text></a></svg>`,
		"javascript space":     open + `<a href=" &#x0a;JavaScript:alert(1)"><text>x</text></a></svg>`,
		"set href":             open + `<a><set attributeName="xlink:href" to="javascript:alert(1)"/><text>x</text></a></svg>`,
		"animate values":       open + `<a><animate attributeName="href" values="https://x;javascript:alert(1)"/></a></svg>`,
		"set onclick":          open + `<set attributeName="onclick" to="alert(1)"/></svg>`,
		"use external":         open + `<use href="https://evil.example/x.svg#a"/></svg>`,
		"use data svg":         open + `<use href="data:image/svg+xml;base64,PHN2Zz4="/></svg>`,
		"image svg data":       open + `<image href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/></svg>`,
		"entity":               `<!DOCTYPE svg [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>`,
		"undefined entity":     open + `&xxe;</svg>`,
		"stylesheet pi":        `<?xml-stylesheet type="text/xsl" href="x.xsl"?>` + open + `</svg>`,
		"css import":           open + `<style>@import url(https://evil/x.css);</style></svg>`,
		"css url":              open + `<style>a { background: url(https://tracker/p) }</style></svg>`,
		"css escape":           open + `<style>a { background: u\72l(https://tracker/p) }</style></svg>`,
		"style attr url":       open + `<rect style="fill: url('https://t/p')"/></svg>`,
		"fill url":             open + `<rect fill="url(https://t/p#g)"/></svg>`,
		"not svg root":         `<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>`,
		"svg no namespace":     `<svg onload="alert(1)"/>`,
		"two roots":            open + `</svg>` + open + `</svg>`,
		"unclosed":             open + `<g>`,
		"latin1":               `<?xml version="1.0" encoding="ISO-8859-1"?>` + open + `</svg>`,
		"undeclared prefix":    open + `<x:script>alert(1)</x:script></svg>`,
		"feImage external":     open + `<filter><feImage href="https://t/p"/></filter></svg>`,
		"empty":                ``,
		"text after root":      open + `</svg><script>`,
		"mathml":               open + `<math xmlns="http://www.w3.org/1998/Math/MathML"><mi href="javascript:alert(1)">x</mi></math></svg>`,
		"iframe in svg ns":     open + `<iframe src="https://evil"/></svg>`,
		"relative href":        open + `<a href="../../.git/config"><text>x</text></a></svg>`,
		"css split by comment": open + `<style>a { background: ur<!-- -->l(https://tracker/p) }</style></svg>`,
		"css split by cdata":   open + `<style>@imp<![CDATA[ort "https://evil/x.css";]]></style></svg>`,
		"element in style":     open + `<style><g/>a{}</style></svg>`,
		"set href spaced":      open + `<a><set attributeName=" href " to="https://evil"/><text>x</text></a></svg>`,
	} {
		if err := checkSVG([]byte(body)); err == nil {
			t.Errorf("%s: accepted %s", name, body)
		}
	}
}

func TestAttachmentNamesAreAnAllowList(t *testing.T) {
	for _, ok := range []string{"a.pdf", "A.PDF", "x.csv", "x.json", "x.png", "x.JPG", "x.svg", "x.zip", "x.docx", "x.odt", "sub/x.txt"} {
		if msg := checkAttachmentName(ok); msg != "" {
			t.Errorf("%s refused: %s", ok, msg)
		}
	}
	for _, bad := range []string{"index.html", "INDEX.HTML", "index.xml", "x.html", "x.HTM", "x.xhtml", "x.js", "x.mjs", "x.xml", "x.swf", "x.php", "x.doc", "x.docm", "Makefile", "x.svgz", "x.wasm", "x.css"} {
		if msg := checkAttachmentName(bad); msg == "" {
			t.Errorf("%s accepted", bad)
		}
	}
}

// FuzzSVG feeds checkSVG arbitrary files. It must not panic, and whatever it accepts,
// read again by a plainer reader (encoding/xml's RawToken, without namespaces), holds no
// script or foreignObject element, no event attribute, no script URL and no entity.
// Seeds are in testdata/fuzz/FuzzSVG.
func FuzzSVG(f *testing.F) {
	f.Add([]byte(cleanSVG))
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkSVG(data); err != nil {
			return
		}
		d := xml.NewDecoder(bytes.NewReader(data))
		d.Strict = false
		d.CharsetReader = func(string, io.Reader) (io.Reader, error) { return nil, io.EOF }
		for {
			tok, err := d.RawToken()
			if err != nil {
				return
			}
			switch tok := tok.(type) {
			case xml.StartElement:
				if l := strings.ToLower(tok.Name.Local); l == "script" || l == "foreignobject" || l == "iframe" || l == "handler" {
					t.Fatalf("accepted an element <%s>: %q", tok.Name.Local, data)
				}
				for _, a := range tok.Attr {
					if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
						t.Fatalf("accepted an event attribute %s: %q", a.Name.Local, data)
					}
					if v := urlText(a.Value); strings.Contains(v, "javascript:") {
						t.Fatalf("accepted a script URL in %s: %q", a.Name.Local, data)
					}
				}
			case xml.Directive:
				if bytes.Contains(bytes.ToUpper(tok), []byte("ENTITY")) {
					t.Fatalf("accepted an entity: %q", data)
				}
			}
		}
	})
}
