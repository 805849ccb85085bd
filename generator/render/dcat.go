package render

import (
	"bytes"
	"encoding/xml"
	"net/url"
	"strings"
	"time"

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
	// OpenDataPage is the path of the open data page, under each language's prefix.
	OpenDataPage = "/open-data/"
	// CatalogFile and ArchiveFile are the catalogue and the archive of every dataset.
	CatalogFile = "api/v1/catalog.rdf"
	ArchiveFile = "api/v1/open-data.zip"
)

// euLanguages maps the portal's languages to the EU language vocabulary.
var euLanguages = map[string]string{"it": "ITA", "en": "ENG", "de": "DEU", "fr": "FRA", "sl": "SLV"}

// catalogRDF writes the catalogue, or returns nil when baseURL is not absolute.
func (r *renderer) catalogRDF() []byte {
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
	desc := cmpOr(cfg.Description, title)

	var b bytes.Buffer
	x := &rdfWriter{&b}
	b.WriteString(xml.Header)
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dcat="http://www.w3.org/ns/dcat#"` +
		` xmlns:dcatapit="http://dati.gov.it/onto/dcatapit#" xmlns:dct="http://purl.org/dc/terms/" xmlns:foaf="http://xmlns.com/foaf/0.1/"` +
		` xmlns:vcard="http://www.w3.org/2006/vcard/ns#" xmlns:owl="http://www.w3.org/2002/07/owl#">` + "\n")

	agent := func(prop string) {
		x.open(1, prop, "")
		x.open(2, "dcatapit:Agent", abs("/bodies/"+owner+"/"))
		x.res(3, "rdf:type", "http://xmlns.com/foaf/0.1/Agent")
		x.lit(3, "dct:identifier", "", owner)
		x.lit(3, "foaf:name", "", ownerName)
		x.close(2, "dcatapit:Agent")
		x.close(1, prop)
	}
	date := func(prop, d string) {
		if d != "" {
			x.typed(1, prop, xsdDate, d)
		}
	}

	x.open(0, "dcatapit:Catalog", abs("/"+CatalogFile))
	x.res(1, "rdf:type", "http://www.w3.org/ns/dcat#Catalog")
	x.lit(1, "dct:title", "", title)
	x.lit(1, "dct:description", "", desc)
	agent("dct:publisher")
	date("dct:issued", issued)
	date("dct:modified", modified)
	x.res(1, "foaf:homepage", abs("/"))
	for _, l := range cfg.Languages {
		if code := euLanguages[l]; code != "" {
			x.res(1, "dct:language", euLanguage+code)
		}
	}
	x.res(1, "dcat:themeTaxonomy", euThemes)
	for _, d := range Datasets {
		x.res(1, "dcat:dataset", abs(OpenDataPage)+"#"+d.ID)
	}
	x.close(0, "dcatapit:Catalog")

	for _, d := range Datasets {
		x.open(0, "dcatapit:Dataset", abs(OpenDataPage)+"#"+d.ID)
		x.res(1, "rdf:type", "http://www.w3.org/ns/dcat#Dataset")
		x.lit(1, "dct:identifier", "", owner+":"+d.ID)
		x.lit(1, "dct:title", "it", d.Title.It)
		x.lit(1, "dct:title", "en", d.Title.En)
		x.lit(1, "dct:description", "it", d.Description.It)
		x.lit(1, "dct:description", "en", d.Description.En)
		date("dct:issued", issued)
		date("dct:modified", modified)
		x.res(1, "dcat:theme", euThemes+"/GOVE")
		x.res(1, "dct:accrualPeriodicity", euFrequency+d.Periodicity)
		x.res(1, "dcat:landingPage", abs(OpenDataPage)+"#"+d.ID)
		agent("dct:rightsHolder")
		agent("dct:publisher")
		if cfg.Contact != "" {
			x.open(1, "dcat:contactPoint", "")
			x.open(2, "dcatapit:Organization", abs(OpenDataPage)+"#contact")
			x.res(3, "rdf:type", "http://www.w3.org/2006/vcard/ns#Organization")
			x.lit(3, "vcard:fn", "", ownerName)
			x.res(3, "vcard:hasEmail", "mailto:"+cfg.Contact)
			if u, err := url.Parse(ownerSite); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
				x.res(3, "vcard:hasURL", ownerSite)
			}
			x.close(2, "dcatapit:Organization")
			x.close(1, "dcat:contactPoint")
		}
		for _, f := range []struct{ name, format string }{{d.JSON, "JSON"}, {d.CSV, "CSV"}} {
			if f.name == "" {
				continue
			}
			u := abs("/api/v1/" + f.name)
			x.open(1, "dcat:distribution", "")
			x.open(2, "dcatapit:Distribution", u)
			x.res(3, "rdf:type", "http://www.w3.org/ns/dcat#Distribution")
			x.lit(3, "dct:title", "", d.Title.It+" ("+f.format+")")
			x.lit(3, "dct:description", "", d.Description.It)
			x.res(3, "dct:format", euFileType+f.format)
			x.res(3, "dcat:accessURL", u)
			x.res(3, "dcat:downloadURL", u)
			x.res(3, "dct:license", cfg.License.URI)
			if modified != "" {
				x.typed(3, "dct:modified", xsdDate, modified)
			}
			x.close(2, "dcatapit:Distribution")
			x.close(1, "dcat:distribution")
		}
		x.close(0, "dcatapit:Dataset")
	}

	x.open(0, "dcatapit:LicenseDocument", cfg.License.URI)
	x.res(1, "rdf:type", "http://purl.org/dc/terms/LicenseDocument")
	x.lit(1, "foaf:name", "", cfg.License.Name)
	x.lit(1, "dct:identifier", "", cfg.License.ID)
	x.res(1, "foaf:page", cfg.License.URL)
	if cfg.License.URI == "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40" {
		x.res(1, "dct:type", "http://purl.org/adms/licencetype/Attribution")
		x.lit(1, "owl:versionInfo", "", "4.0")
	}
	x.close(0, "dcatapit:LicenseDocument")
	b.WriteString("</rdf:RDF>\n")
	return b.Bytes()
}

// rdfWriter writes RDF/XML elements, indented, with text and attributes escaped.
type rdfWriter struct{ b *bytes.Buffer }

func (x *rdfWriter) indent(n int) { x.b.WriteString(strings.Repeat("  ", n+1)) }

func (x *rdfWriter) open(n int, name, about string) {
	x.indent(n)
	x.b.WriteString("<" + name)
	if about != "" {
		x.b.WriteString(` rdf:about="` + attr(about) + `"`)
	}
	x.b.WriteString(">\n")
}

func (x *rdfWriter) close(n int, name string) { x.indent(n); x.b.WriteString("</" + name + ">\n") }

func (x *rdfWriter) res(n int, name, uri string) {
	x.indent(n)
	x.b.WriteString("<" + name + ` rdf:resource="` + attr(uri) + `"/>` + "\n")
}

func (x *rdfWriter) lit(n int, name, lang, text string) {
	x.indent(n)
	x.b.WriteString("<" + name)
	if lang != "" {
		x.b.WriteString(` xml:lang="` + lang + `"`)
	}
	x.b.WriteString(">" + attr(text) + "</" + name + ">\n")
}

func (x *rdfWriter) typed(n int, name, datatype, text string) {
	x.indent(n)
	x.b.WriteString("<" + name + ` rdf:datatype="` + datatype + `">` + attr(text) + "</" + name + ">\n")
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
