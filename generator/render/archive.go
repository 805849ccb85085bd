package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"sort"
	"strings"
)

// archiveTasks makes the catalogue and the archive of every dataset, from the tasks that
// write the datasets (data). The archive holds the datasets' JSON and CSV files, the
// catalogue, a LICENSE.txt and a README.md made from Datasets; its entries are sorted by
// name and dated with the site's date, so that the same site gives the same bytes.
func (r *renderer) archiveTasks(data []task) []task {
	byPath := map[string]task{}
	for _, t := range data {
		byPath[t.path] = t
	}
	var out []task
	var catalog []byte
	if nodes := r.catalog(); nodes != nil {
		catalog = rdfXML(nodes)
		out = append(out, task{path: catalogFile, make: func() ([]byte, error) { return catalog, nil }},
			task{path: catalogJSONLD, make: func() ([]byte, error) { return jsonLD(nodes) }})
	}
	out = append(out, task{path: archiveFile, make: func() ([]byte, error) {
		// Each file is made when its turn comes and let go once compressed: the datasets
		// of a large site are hundreds of megabytes, the archive a fraction of them.
		files := map[string]func() ([]byte, error){
			"LICENSE.txt": func() ([]byte, error) { return r.licenseText(), nil },
			"README.md":   func() ([]byte, error) { return r.archiveReadme(catalog != nil), nil },
		}
		if catalog != nil {
			files["catalog.rdf"] = func() ([]byte, error) { return catalog, nil }
		}
		for _, d := range Datasets {
			for _, name := range []string{d.JSON, d.CSV} {
				if name == "" {
					continue
				}
				t, ok := byPath["api/v1/"+name]
				if !ok {
					return nil, fmt.Errorf("internal error: no task writes api/v1/%s", name)
				}
				files[name] = r.oneDataset(t.make)
			}
		}
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		for _, n := range names {
			b, err := files[n]()
			if err != nil {
				return nil, err
			}
			w, err := z.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: siteDate(r.Site)})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(b); err != nil {
				return nil, err
			}
		}
		if err := z.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}})
	return out
}

// licenseText is the archive's licence notice.
func (r *renderer) licenseText() []byte {
	l, s := r.Config.License, r.Site
	owner := s.Plan.Owner
	for _, b := range s.Bodies {
		if b.ID == owner {
			owner = b.Name + " (" + b.ID + ")"
		}
	}
	return fmt.Appendf(nil, "%s\n\nI dati di questo archivio sono pubblicati da %s con licenza %s: %s\n"+
		"The data in this archive are published by %s under the licence %s: %s\n\nSPDX-License-Identifier: %s\n",
		cmpOr(r.Config.Title, s.Plan.Title), owner, l.Name, l.URL, owner, l.Name, l.URL, l.ID)
}

// archiveReadme describes the archive's datasets and their fields, in Italian and English.
func (r *renderer) archiveReadme(catalog bool) []byte {
	var b strings.Builder
	l := r.Config.License
	fmt.Fprintf(&b, "# %s: dati aperti / open data\n\n", cmpOr(r.Config.Title, r.Site.Plan.Title))
	fmt.Fprintf(&b, "Licenza / licence: %s (%s), see LICENSE.txt.\n\n", l.Name, l.URL)
	b.WriteString("CSV: UTF-8 con BOM, separatore `;`, valori tra virgolette come da RFC 4180; le liste in una cella sono unite da ` | `.\n" +
		"CSV: UTF-8 with a byte-order mark, separator `;`, values quoted as RFC 4180 requires; lists in a cell are joined with ` | `.\n" +
		"JSON: un array, un record per riga / an array, one record per line. Date / dates: YYYY-MM-DD.\n\n")
	if catalog {
		b.WriteString("Catalogo DCAT-AP_IT / DCAT-AP_IT catalogue: catalog.rdf\n\n")
	}
	langs := r.all // the open data are made by the first language's renderer
	if len(langs) == 0 {
		langs = []*renderer{r}
	}
	in := func(key string) []string { // key in every language of the site
		out := make([]string, len(langs))
		for i, l := range langs {
			out[i] = l.tr.T(key)
		}
		return out
	}
	for _, d := range Datasets {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", strings.Join(in(d.TitleKey()), " / "), strings.Join(in(d.DescriptionKey()), "\n\n"))
		var files []string
		for _, f := range []string{d.JSON, d.CSV} {
			if f != "" {
				files = append(files, "`"+f+"`")
			}
		}
		head := []string{strings.Join(in("opendata.field"), " / "), strings.Join(in("opendata.type"), " / ")}
		for _, l := range langs {
			head = append(head, l.tr.T("opendata.meaning"))
		}
		fmt.Fprintf(&b, "File: %s\n\n| %s |\n|%s\n", strings.Join(files, ", "), strings.Join(head, " | "), strings.Repeat("---|", len(head)))
		for _, f := range d.Fields {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", f.Name, f.Type, strings.Join(in(d.FieldKey(f.Name)), " | "))
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
