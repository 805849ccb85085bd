package generator_test

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"html"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/render"
)

// openDataSite is Minimal published at an absolute address, with a contact for the
// catalogue and a proposal that fills every column of proposals.csv.
const openDataSite = `
-- pspm.yaml --
baseURL: https://example.org/piano/
contact: opendata@mef.example.it
-- content/proposals/p2/index.md --
---
title: "Università; dati, e \"virgolette\""
body: c_h223
date: 2025-02-02
tags: [uno, due]
targets: [a1]
authors: [Marco Bianchi, Anna Verdi]
answer:
  date: 2025-04-01
  text: Risposta; con punto e virgola.
---
Testo.
`

func TestCSVsOpenInAnItalianSpreadsheetWithEveryCatalogueColumn(t *testing.T) {
	b := sitetest.Run(t, openDataSite).OK()
	for _, d := range render.Datasets {
		if d.CSV == "" {
			continue
		}
		data := b.Out.Files()["api/v1/"+d.CSV]
		body, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
		if !ok {
			t.Errorf("%s does not start with a UTF-8 byte-order mark", d.CSV)
		}
		r := csv.NewReader(bytes.NewReader(body))
		r.Comma = ';' // a spreadsheet set to Italian splits on its list separator
		rows, err := r.ReadAll()
		if err != nil { // a row with a cell more or less than the header is an error here
			t.Errorf("%s: %v", d.CSV, err)
			continue
		}
		var want []string
		for _, f := range d.Fields {
			want = append(want, f.Name)
		}
		if !slices.Equal(rows[0], want) {
			t.Errorf("%s header:\n got %q\nwant %q", d.CSV, rows[0], want)
		}
	}
	rows := readCSV(t, b.Out.Files()["api/v1/proposals.csv"])
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, row := range rows[1:] {
		if row[col["id"]] != "p2" {
			continue
		}
		for name, want := range map[string]string{"title": `Università; dati, e "virgolette"`, "tags": "uno | due", "authors": "Marco Bianchi | Anna Verdi",
			"answer_date": "2025-04-01", "answer_text": "Risposta; con punto e virgola.", "targets": "a1", "support": "0", "summary": "Testo."} {
			if got := row[col[name]]; got != want {
				t.Errorf("proposals.csv p2 %s = %q, want %q", name, got, want)
			}
		}
		return
	}
	t.Errorf("proposals.csv has no row p2:\n%q", rows)
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// rdfNode is an element of RDF/XML, read generically.
type rdfNode struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []rdfNode  `xml:",any"`
}

const (
	nsRDF     = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	nsDCAT    = "http://www.w3.org/ns/dcat#"
	nsDCATAPI = "http://dati.gov.it/onto/dcatapit#"
	nsDCT     = "http://purl.org/dc/terms/"
	nsFOAF    = "http://xmlns.com/foaf/0.1/"
	nsVCARD   = "http://www.w3.org/2006/vcard/ns#"
)

func (n *rdfNode) attr(space, local string) string {
	for _, a := range n.Attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func (n *rdfNode) all(space, local string) []*rdfNode {
	var out []*rdfNode
	for i := range n.Children {
		if c := &n.Children[i]; c.XMLName.Space == space && c.XMLName.Local == local {
			out = append(out, c)
		}
	}
	return out
}

// The mandatory properties of DCAT-AP_IT ("Overview profilo" of the national guidelines:
// M for Catalogo, Dataset, Distribuzione, Soggetto; the contact point is recommended, and
// when present its name and e-mail are mandatory), plus what this catalogue promises.
var dcatapitMandatory = map[string][][2]string{
	"Catalog": {{nsDCT, "title"}, {nsDCT, "description"}, {nsDCT, "publisher"}, {nsDCT, "modified"}, {nsDCAT, "dataset"},
		{nsFOAF, "homepage"}, {nsDCT, "language"}, {nsDCT, "issued"}, {nsDCAT, "themeTaxonomy"}},
	"Dataset": {{nsDCT, "identifier"}, {nsDCT, "title"}, {nsDCT, "description"}, {nsDCT, "modified"}, {nsDCAT, "theme"},
		{nsDCT, "rightsHolder"}, {nsDCT, "accrualPeriodicity"}, {nsDCAT, "distribution"}, {nsDCAT, "contactPoint"}, {nsDCT, "publisher"}},
	"Distribution":    {{nsDCT, "format"}, {nsDCAT, "accessURL"}, {nsDCT, "license"}, {nsDCAT, "downloadURL"}},
	"Agent":           {{nsDCT, "identifier"}, {nsFOAF, "name"}},
	"Organization":    {{nsVCARD, "fn"}, {nsVCARD, "hasEmail"}},
	"LicenseDocument": {{nsFOAF, "name"}},
}

func TestCatalogueHasEveryMandatoryPropertyOfDCATAPIT(t *testing.T) {
	b := sitetest.Run(t, openDataSite).OK()
	data := b.Out.Files()["api/v1/catalog.rdf"]
	var root rdfNode
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("catalog.rdf is not XML: %v\n%s", err, data)
	}
	if root.XMLName.Space != nsRDF || root.XMLName.Local != "RDF" {
		t.Fatalf("root element %v, want rdf:RDF", root.XMLName)
	}
	seen := map[string][]*rdfNode{}
	licences := map[string]bool{}
	var walk func(n *rdfNode)
	walk = func(n *rdfNode) {
		if n.XMLName.Space == nsDCATAPI {
			seen[n.XMLName.Local] = append(seen[n.XMLName.Local], n)
			if n.XMLName.Local == "LicenseDocument" {
				licences[n.attr(nsRDF, "about")] = true
			}
		}
		for _, name := range []string{"about", "resource"} { // every URI absolute
			if v := n.attr(nsRDF, name); v != "" {
				if u, err := url.Parse(v); err != nil || !(u.Scheme == "mailto" || (u.Scheme == "https" || u.Scheme == "http") && u.Host != "") {
					t.Errorf("%s rdf:%s=%q is not an absolute URI", n.XMLName.Local, name, v)
				}
			}
		}
		if dt := n.attr(nsRDF, "datatype"); dt != "" {
			if dt != "http://www.w3.org/2001/XMLSchema#date" {
				t.Errorf("%s has datatype %s, want xsd:date", n.XMLName.Local, dt)
			} else if _, err := time.Parse("2006-01-02", n.Text); err != nil {
				t.Errorf("%s %q is not an xsd:date", n.XMLName.Local, n.Text)
			}
		}
		if n.XMLName.Space == nsDCT && (n.XMLName.Local == "modified" || n.XMLName.Local == "issued") && n.attr(nsRDF, "datatype") == "" {
			t.Errorf("dct:%s %q has no xsd:date datatype", n.XMLName.Local, n.Text)
		}
		for i := range n.Children {
			walk(&n.Children[i])
		}
	}
	walk(&root)
	for class, props := range dcatapitMandatory {
		if len(seen[class]) == 0 {
			t.Errorf("no dcatapit:%s", class)
		}
		for _, n := range seen[class] {
			for _, p := range props {
				if len(n.all(p[0], p[1])) == 0 {
					t.Errorf("dcatapit:%s %s lacks %s%s", class, n.attr(nsRDF, "about"), p[0], p[1])
				}
			}
		}
	}
	if len(seen["Catalog"]) != 1 || len(seen["Dataset"]) != len(render.Datasets) {
		t.Fatalf("%d catalogues and %d datasets, want 1 and %d", len(seen["Catalog"]), len(seen["Dataset"]), len(render.Datasets))
	}
	vocab := func(n *rdfNode, space, local, prefix string) {
		for _, p := range n.all(space, local) {
			if v := p.attr(nsRDF, "resource"); !strings.HasPrefix(v, prefix) {
				t.Errorf("%s %s = %q, not in the vocabulary %s", n.attr(nsRDF, "about"), local, v, prefix)
			}
		}
	}
	vocab(seen["Catalog"][0], nsDCT, "language", "http://publications.europa.eu/resource/authority/language/")
	for i, d := range seen["Dataset"] {
		if got, want := d.all(nsDCT, "identifier")[0].Text, "m_ef:"+render.Datasets[i].ID; got != want {
			t.Errorf("dataset identifier %q, want %q (the owner's IPA code and the dataset)", got, want)
		}
		vocab(d, nsDCAT, "theme", "http://publications.europa.eu/resource/authority/data-theme/GOVE")
		vocab(d, nsDCT, "accrualPeriodicity", "http://publications.europa.eu/resource/authority/frequency/")
		var langs []string
		for _, tl := range d.all(nsDCT, "title") {
			langs = append(langs, tl.attr("http://www.w3.org/XML/1998/namespace", "lang"))
		}
		if !slices.Equal(langs, []string{"it", "en"}) {
			t.Errorf("dataset %s titles in %v, want it and en", d.attr(nsRDF, "about"), langs)
		}
		if h := d.all(nsDCT, "rightsHolder")[0].Children[0]; h.all(nsDCT, "identifier")[0].Text != "m_ef" {
			t.Errorf("rights holder %+v, want the owner m_ef", h)
		}
	}
	for _, n := range seen["Distribution"] {
		vocab(n, nsDCT, "format", "http://publications.europa.eu/resource/authority/file-type/")
		for _, l := range n.all(nsDCT, "license") {
			if !licences[l.attr(nsRDF, "resource")] {
				t.Errorf("distribution %s: licence %s is not a dcatapit:LicenseDocument of the catalogue", n.attr(nsRDF, "about"), l.attr(nsRDF, "resource"))
			}
		}
		if u := n.attr(nsRDF, "about"); !strings.HasPrefix(u, "https://example.org/piano/api/v1/") {
			t.Errorf("distribution %s is not under the portal's address", u)
		}
	}
	if !licences["https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40"] {
		t.Errorf("the default licence is not CC BY 4.0 of the national licences vocabulary: %v", licences)
	}
	if h := seen["Organization"][0].all(nsVCARD, "hasEmail")[0].attr(nsRDF, "resource"); h != "mailto:opendata@mef.example.it" {
		t.Errorf("contact e-mail %q", h)
	}
}

func TestCatalogueNeedsAnAbsoluteBaseURL(t *testing.T) {
	sitetest.Run(t, "").OK().NoFile("api/v1/catalog.rdf").File("api/v1/open-data.zip")
}

func TestCatalogueAndArchiveAreTheSameBytesEveryBuild(t *testing.T) {
	one := sitetest.Run(t, openDataSite).OK()
	two := sitetest.Run(t, openDataSite).OK()
	for _, f := range []string{"api/v1/catalog.rdf", "api/v1/open-data.zip"} {
		if !bytes.Equal(one.Out.Files()[f], two.Out.Files()[f]) {
			t.Errorf("%s differs between two builds of the same site", f)
		}
	}
}

func TestArchiveBundlesEveryDatasetTheLicenceAReadmeAndTheCatalogue(t *testing.T) {
	b := sitetest.Run(t, openDataSite).OK()
	data := b.Out.Files()["api/v1/open-data.zip"]
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range z.File {
		names = append(names, f.Name)
		if f.Modified.IsZero() || f.Modified.Year() < 2025 {
			t.Errorf("%s is dated %v, want the site's date", f.Name, f.Modified)
		}
		if strings.HasPrefix(f.Name, "api/") || strings.Contains(f.Name, "..") {
			t.Errorf("entry %q", f.Name)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("entries not sorted: %v", names)
	}
	want := []string{"LICENSE.txt", "README.md", "catalog.rdf"}
	for _, d := range render.Datasets {
		for _, n := range []string{d.JSON, d.CSV} {
			if n != "" {
				want = append(want, n)
			}
		}
	}
	for _, n := range want {
		if !slices.Contains(names, n) {
			t.Errorf("the archive lacks %s (has %v)", n, names)
		}
	}
	read := func(name string) string {
		f, err := z.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, _ := io.ReadAll(f)
		return string(b)
	}
	if s := read("LICENSE.txt"); !strings.Contains(s, "https://creativecommons.org/licenses/by/4.0/") || !strings.Contains(s, "CC-BY-4.0") {
		t.Errorf("LICENSE.txt:\n%s", s)
	}
	if s := read("README.md"); !strings.Contains(s, "`answer_text`") || !strings.Contains(s, "separatore `;`") {
		t.Errorf("README.md:\n%s", s)
	}
	if read("proposals.csv") != string(b.Out.Files()["api/v1/proposals.csv"]) {
		t.Errorf("the archive's proposals.csv differs from the published one")
	}
}

func TestLicenceIsConfigurableAndAHalfWrittenOneIsAnError(t *testing.T) {
	sitetest.Run(t, `
-- pspm.yaml --
baseURL: https://example.org/
license:
  id: CC0-1.0
  name: CC0 1.0 Universal
  url: https://creativecommons.org/publicdomain/zero/1.0/
  uri: https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10
`).OK().File("api/v1/catalog.rdf", `<dct:license rdf:resource="https://w3id.org/italia/controlled-vocabulary/licences/A11_CCO10"/>`, "! A21_CCBY40")
	sitetest.Run(t, "-- pspm.yaml --\nlicense:\n  id: CC0-1.0\n").Failed().Diag("pspm.yaml:2:3: license: set name, url, uri as well")
	sitetest.Run(t, "-- pspm.yaml --\ncontact: not an address\n").Failed().Diag(`pspm.yaml:1:10: contact "not an address": give one e-mail address`)
}

var typeIt = map[string]string{"text": "testo", "integer": "numero intero", "number": "numero", "boolean": "vero/falso (true/false)",
	"date": "data (AAAA-MM-GG)", "datetime": "data e ora (RFC 3339)", "url": "indirizzo web", "list": "elenco"}

func TestOpenDataPageDescribesEveryDatasetWithFieldsLicenceAndDownloads(t *testing.T) {
	b := sitetest.Run(t, openDataSite).OK()
	itStrings := themeStrings(t, "it")
	it := []string{`<h1>Dati aperti</h1>`, `href="https://creativecommons.org/licenses/by/4.0/" rel="license"`, `href="/piano/api/v1/open-data.zip"`,
		`href="/piano/api/v1/catalog.rdf"`, "punto e virgola", "UTF-8 con BOM"}
	for _, d := range render.Datasets {
		it = append(it, `<h2 id="`+d.ID+`">`+itStrings[d.TitleKey()]+`</h2>`)
		if d.CSV != "" {
			it = append(it, `href="/piano/api/v1/`+d.CSV+`">CSV</a>`)
		}
		if d.JSON != "" {
			it = append(it, `href="/piano/api/v1/`+d.JSON+`">JSON</a>`)
		}
		for _, f := range d.Fields {
			it = append(it, "<td><code>"+f.Name+"</code></td><td>"+typeIt[f.Type]+"</td><td>"+html.EscapeString(itStrings[d.FieldKey(f.Name)])+"</td>")
		}
	}
	b.File("open-data/index.html", it...)
	for _, lang := range []string{"it", "en", "de"} {
		strs := themeStrings(t, lang)
		for _, d := range render.Datasets {
			for _, key := range []string{d.TitleKey(), d.DescriptionKey()} {
				if strs[key] == "" {
					t.Errorf("i18n/%s.yaml: no %s", lang, key)
				}
			}
			for _, f := range d.Fields {
				if strs[d.FieldKey(f.Name)] == "" || typeIt[f.Type] == "" {
					t.Errorf("%s.%s: type %q, i18n/%s.yaml %s %q: every field has a known type and a meaning in every language", d.ID, f.Name, f.Type, lang, d.FieldKey(f.Name), strs[d.FieldKey(f.Name)])
				}
			}
		}
	}
	b.File("en/open-data/index.html", `<h1>Open data</h1>`, `<h2 id="proposals">Proposals</h2>`, "<td>date (YYYY-MM-DD)</td><td>date</td>", "<td>the proposal&#39;s page</td>", "! Proposte</h2>", "! numero intero")
	// every page links the open data page, not raw JSON, and names the licence
	b.File("index.html", `href="/piano/open-data/">Dati aperti</a>`, "! api/v1/proposals.json\">", `rel="license">Creative Commons Attribution 4.0`)
	b.File("en/plan/index.html", `href="/piano/en/open-data/">Open data</a>`)
}

// The body's name, the portal's title and description come from merge requests: the
// catalogue stays well-formed XML and says them as text, whatever they hold.
func TestCatalogueStaysWellFormedWithHostileNames(t *testing.T) {
	b := sitetest.Run(t, `
-- pspm.yaml --
baseURL: https://example.org/
title: "Piano </dct:title><x> & ]]> \"q\""
description: "<rdf:RDF> &amp; ok"
contact: a@b.it
-- content/bodies/m_ef.md --
---
name: "Ministero </foaf:name><dcatapit:Dataset rdf:about=\"https://evil/\"> & co"
kind: ministry
website: "https://www.mef.gov.it/?a=1&b=\"2\""
members:
  - name: Anna Rossi
    email: anna.rossi@mef.gov.it
---
`).OK()
	data := b.Out.Files()["api/v1/catalog.rdf"]
	var root rdfNode
	if err := xml.Unmarshal(data, &root); err != nil {
		t.Fatalf("catalog.rdf is not well-formed: %v\n%s", err, data)
	}
	n := 0
	var names []string
	var walk func(n *rdfNode)
	walk = func(x *rdfNode) {
		if x.XMLName.Space == nsDCATAPI && x.XMLName.Local == "Dataset" {
			n++
		}
		if x.XMLName.Space == nsFOAF && x.XMLName.Local == "name" {
			names = append(names, x.Text)
		}
		for i := range x.Children {
			walk(&x.Children[i])
		}
	}
	walk(&root)
	if n != len(render.Datasets) {
		t.Errorf("%d datasets, want %d: a name injected one", n, len(render.Datasets))
	}
	if !slices.Contains(names, `Ministero </foaf:name><dcatapit:Dataset rdf:about="https://evil/"> & co`) {
		t.Errorf("the body's name is not kept as text: %q", names)
	}
}

func TestCatalogueInJSONLDDescribesTheSameResources(t *testing.T) {
	b := sitetest.Run(t, openDataSite).OK()
	var doc struct {
		Context map[string]string `json:"@context"`
		Graph   []map[string]any  `json:"@graph"`
	}
	if err := json.Unmarshal(b.Out.Files()["api/v1/catalog.jsonld"], &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Context["dcatapit"] != nsDCATAPI || doc.Context["dct"] != nsDCT {
		t.Errorf("@context %v", doc.Context)
	}
	var ids []string
	for _, n := range doc.Graph {
		ids = append(ids, n["@id"].(string))
	}
	var root rdfNode
	if err := xml.Unmarshal(b.Out.Files()["api/v1/catalog.rdf"], &root); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range root.Children {
		want = append(want, n.attr(nsRDF, "about"))
	}
	if !slices.Equal(ids, want) {
		t.Errorf("JSON-LD resources %v, RDF/XML %v", ids, want)
	}
	if d := doc.Graph[1]; d["dct:identifier"] != "m_ef:plan" || d["dcat:distribution"] == nil {
		t.Errorf("the first dataset in JSON-LD: %v", d)
	}
}

// The datasets are described in every language of the site: the catalogue gives each
// dataset's title and description once per language, with its xml:lang, and the
// archive's README has them all, German included.
func TestCatalogueAndArchiveDescribeTheDatasetsInEveryLanguage(t *testing.T) {
	b := sitetest.Run(t, `
-- pspm.yaml --
baseURL: https://example.org/piano/
languages: [it, en, de]
`).OK()
	b.File("api/v1/catalog.rdf", `<dct:title xml:lang="it">Proposte</dct:title>`, `<dct:title xml:lang="en">Proposals</dct:title>`,
		`<dct:title xml:lang="de">Vorschläge</dct:title>`, `<dct:description xml:lang="de">Die Vorschläge der Körperschaften`)
	zr, err := zip.NewReader(bytes.NewReader(b.Out.Files()["api/v1/open-data.zip"]), int64(len(b.Out.Files()["api/v1/open-data.zip"])))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "README.md" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		for _, want := range []string{"## Proposte / Proposals / Vorschläge", "| `answer_date` | date | data della risposta ufficiale | date of the official answer | Datum der amtlichen Antwort |"} {
			if !strings.Contains(string(data), want) {
				t.Errorf("the archive's README does not say %q", want)
			}
		}
		return
	}
	t.Error("no README.md in the archive")
}
