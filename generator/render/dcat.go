package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/site"
)

// The DCAT-AP_IT catalogue of the open data (api/v1/catalog.rdf), in RDF/XML as the
// national catalogue dati.gov.it harvests it: a dcatapit:Catalog published by the plan's
// owner body, one dcatapit:Dataset per entry of Datasets and one dcatapit:Distribution
// per file. Every URI is absolute, so the catalogue is published only when baseURL is.
// Dates come from the site's history (Site.Built), never from the clock.

// Vocabularies DCAT-AP_IT requires for the catalogue's values.
const (
	euThemes    = "http://publications.europa.eu/resource/authority/data-theme"
	euFrequency = "http://publications.europa.eu/resource/authority/frequency/"
	euFileType  = "http://publications.europa.eu/resource/authority/file-type/"
	euLanguage  = "http://publications.europa.eu/resource/authority/language/"
	xsdDate     = "http://www.w3.org/2001/XMLSchema#date"
	// openDataPath is the path of the open data page, under each language's prefix.
	openDataPath = "/open-data/"
	// catalogFile and archiveFile are the catalogue and the archive of every dataset.
	catalogFile   = "api/v1/catalog.rdf"
	catalogJSONLD = "api/v1/catalog.jsonld"
	archiveFile   = "api/v1/open-data.zip"
)

// euLanguages maps the portal's languages to the EU language vocabulary.
var euLanguages = map[string]string{"it": "ITA", "en": "ENG", "de": "DEU", "fr": "FRA", "sl": "SLV"}

// catalog returns the catalogue's nodes, or nil when baseURL is not absolute.
func (r *renderer) catalog() []*rdfNode {
	if u, err := url.Parse(r.Config.BaseURL); err != nil || u.Scheme == "" || u.Host == "" {
		return nil
	}
	s, cfg, abs := r.Site, r.Config, r.Config.AbsURL
	owner, ownerName := s.Plan.Owner, s.Plan.Owner
	var ownerSite string
	for _, b := range s.Bodies {
		if b.ID == owner {
			ownerName, ownerSite = b.Name, b.Website
		}
	}
	modified := isoDay(s.Built)
	issued := modified
	for _, v := range s.Versions { // the first approved version issued the plan's data
		if d := isoDay(v.Date); d != "" && d < issued {
			issued = d
		}
	}
	title := cmpOr(cfg.Title, s.Plan.Title)
	first, langs := r.tr, r.all // the open data are made by the first language's renderer
	if len(langs) == 0 {
		langs = []*renderer{r}
	}
	agent := func() *rdfNode {
		a := &rdfNode{class: "dcatapit:Agent", about: abs("/bodies/" + owner + "/")}
		a.res("rdf:type", "http://xmlns.com/foaf/0.1/Agent")
		a.lit("dct:identifier", "", owner)
		a.lit("foaf:name", "", ownerName)
		return a
	}
	dates := func(n *rdfNode) {
		if issued != "" {
			n.typed("dct:issued", xsdDate, issued)
		}
		if modified != "" {
			n.typed("dct:modified", xsdDate, modified)
		}
	}

	cat := &rdfNode{class: "dcatapit:Catalog", about: abs("/" + catalogFile)}
	cat.res("rdf:type", "http://www.w3.org/ns/dcat#Catalog")
	cat.lit("dct:title", "", title)
	cat.lit("dct:description", "", cmpOr(cfg.Description, title))
	cat.sub("dct:publisher", agent())
	dates(cat)
	cat.res("foaf:homepage", abs("/"))
	for _, l := range cfg.Languages {
		if code := euLanguages[l]; code != "" {
			cat.res("dct:language", euLanguage+code)
		}
	}
	cat.res("dcat:themeTaxonomy", euThemes)
	for _, d := range Datasets {
		cat.res("dcat:dataset", abs(openDataPath)+"#"+d.ID)
	}
	nodes := []*rdfNode{cat}

	for _, d := range Datasets {
		n := &rdfNode{class: "dcatapit:Dataset", about: abs(openDataPath) + "#" + d.ID}
		n.res("rdf:type", "http://www.w3.org/ns/dcat#Dataset")
		n.lit("dct:identifier", "", owner+":"+d.ID)
		for _, l := range langs { // every language of the site, each tagged with xml:lang
			n.lit("dct:title", l.lang, l.tr.T(d.TitleKey()))
		}
		for _, l := range langs {
			n.lit("dct:description", l.lang, l.tr.T(d.DescriptionKey()))
		}
		dates(n)
		n.res("dcat:theme", euThemes+"/GOVE")
		n.res("dct:accrualPeriodicity", euFrequency+d.Periodicity)
		n.res("dcat:landingPage", abs(openDataPath)+"#"+d.ID)
		n.sub("dct:rightsHolder", agent())
		n.sub("dct:publisher", agent())
		if cfg.Contact != "" {
			c := &rdfNode{class: "dcatapit:Organization", about: abs(openDataPath) + "#contact"}
			c.res("rdf:type", "http://www.w3.org/2006/vcard/ns#Organization")
			c.lit("vcard:fn", "", ownerName)
			c.res("vcard:hasEmail", "mailto:"+cfg.Contact)
			if u, err := url.Parse(ownerSite); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
				c.res("vcard:hasURL", ownerSite)
			}
			n.sub("dcat:contactPoint", c)
		}
		for _, f := range []struct{ name, format string }{{d.JSON, "JSON"}, {d.CSV, "CSV"}} {
			if f.name == "" {
				continue
			}
			u := abs("/api/v1/" + f.name)
			dist := &rdfNode{class: "dcatapit:Distribution", about: u}
			dist.res("rdf:type", "http://www.w3.org/ns/dcat#Distribution")
			dist.lit("dct:title", "", first.T(d.TitleKey())+" ("+f.format+")")
			dist.lit("dct:description", "", first.T(d.DescriptionKey()))
			dist.res("dct:format", euFileType+f.format)
			dist.res("dcat:accessURL", u)
			dist.res("dcat:downloadURL", u)
			dist.res("dct:license", cfg.License.URI)
			if modified != "" {
				dist.typed("dct:modified", xsdDate, modified)
			}
			n.sub("dcat:distribution", dist)
		}
		nodes = append(nodes, n)
	}

	l := &rdfNode{class: "dcatapit:LicenseDocument", about: cfg.License.URI}
	l.res("rdf:type", "http://purl.org/dc/terms/LicenseDocument")
	l.lit("foaf:name", "", cfg.License.Name)
	l.lit("dct:identifier", "", cfg.License.ID)
	l.res("foaf:page", cfg.License.URL)
	if cfg.License.URI == config.DefaultLicense().URI {
		l.res("dct:type", "http://purl.org/adms/licencetype/Attribution")
		l.lit("owl:versionInfo", "", "4.0")
	}
	return append(nodes, l)
}

// rdfNode is a resource of the catalogue with its properties, in order.
type rdfNode struct {
	class string // the prefixed name of its class, e.g. dcatapit:Catalog
	about string // its URI
	props []rdfProp
}

// rdfProp is a property of a node: a resource, a literal (with a language or a datatype),
// or a node described in place.
type rdfProp struct {
	name                 string // prefixed
	resource             string
	text, lang, datatype string
	node                 *rdfNode
}

func (n *rdfNode) res(name, uri string) {
	n.props = append(n.props, rdfProp{name: name, resource: uri})
}

func (n *rdfNode) lit(name, lang, text string) {
	n.props = append(n.props, rdfProp{name: name, text: text, lang: lang})
}

func (n *rdfNode) typed(name, datatype, text string) {
	n.props = append(n.props, rdfProp{name: name, text: text, datatype: datatype})
}

func (n *rdfNode) sub(name string, c *rdfNode) {
	n.props = append(n.props, rdfProp{name: name, node: c})
}

// rdfPrefixes are the namespaces of the catalogue, by prefix.
var rdfPrefixes = [][2]string{
	{"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}, {"dcat", "http://www.w3.org/ns/dcat#"},
	{"dcatapit", "http://dati.gov.it/onto/dcatapit#"}, {"dct", "http://purl.org/dc/terms/"}, {"foaf", "http://xmlns.com/foaf/0.1/"},
	{"vcard", "http://www.w3.org/2006/vcard/ns#"}, {"owl", "http://www.w3.org/2002/07/owl#"},
}

// rdfXML writes the catalogue in RDF/XML, indented, text and attributes escaped.
func rdfXML(nodes []*rdfNode) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString("<rdf:RDF")
	for _, p := range rdfPrefixes {
		b.WriteString(" xmlns:" + p[0] + `="` + p[1] + `"`)
	}
	b.WriteString(">\n")
	var node func(n *rdfNode, depth int)
	node = func(n *rdfNode, depth int) {
		in := strings.Repeat("  ", depth+1)
		b.WriteString(in + "<" + n.class + ` rdf:about="` + attr(n.about) + `">` + "\n")
		for _, p := range n.props {
			b.WriteString(in + "  <" + p.name)
			switch {
			case p.node != nil:
				b.WriteString(">\n")
				node(p.node, depth+2)
				b.WriteString(in + "  </" + p.name + ">\n")
				continue
			case p.resource != "":
				b.WriteString(` rdf:resource="` + attr(p.resource) + `"/>` + "\n")
				continue
			case p.lang != "":
				b.WriteString(` xml:lang="` + attr(p.lang) + `"`)
			case p.datatype != "":
				b.WriteString(` rdf:datatype="` + attr(p.datatype) + `"`)
			}
			b.WriteString(">" + attr(p.text) + "</" + p.name + ">\n")
		}
		b.WriteString(in + "</" + n.class + ">\n")
	}
	for _, n := range nodes {
		node(n, 0)
	}
	b.WriteString("</rdf:RDF>\n")
	return b.Bytes()
}

// jsonLD writes the catalogue in JSON-LD: the same graph, with the same prefixes as its
// @context. Keys are sorted, so the bytes are the same on every run.
func jsonLD(nodes []*rdfNode) ([]byte, error) {
	var object func(n *rdfNode) map[string]any
	object = func(n *rdfNode) map[string]any {
		o := map[string]any{"@id": n.about}
		types := []any{n.class}
		values := map[string][]any{}
		for _, p := range n.props {
			var v any
			switch {
			case p.name == "rdf:type":
				types = append(types, p.resource)
				continue
			case p.node != nil:
				v = object(p.node)
			case p.resource != "":
				v = map[string]any{"@id": p.resource}
			case p.lang != "":
				v = map[string]any{"@value": p.text, "@language": p.lang}
			case p.datatype != "":
				v = map[string]any{"@value": p.text, "@type": p.datatype}
			default:
				v = p.text
			}
			values[p.name] = append(values[p.name], v)
		}
		o["@type"] = types
		for k, vs := range values {
			if len(vs) == 1 {
				o[k] = vs[0]
			} else {
				o[k] = vs
			}
		}
		return o
	}
	ctx := map[string]any{}
	for _, p := range rdfPrefixes {
		ctx[p[0]] = p[1]
	}
	graph := make([]any, 0, len(nodes))
	for _, n := range nodes {
		graph = append(graph, object(n))
	}
	data, err := json.MarshalIndent(map[string]any{"@context": ctx, "@graph": graph}, "", " ")
	return append(data, '\n'), err
}

// attr escapes s for XML text and attribute values, dropping characters XML 1.0 forbids.
func attr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// siteDate is the date of the site's data, for the archive's entries: the tip's commit
// time, else the newest date of its content, else the Unix epoch.
func siteDate(s *site.Site) time.Time {
	if s.Built.IsZero() {
		return time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC) // the earliest a zip entry can hold
	}
	return s.Built.UTC()
}
