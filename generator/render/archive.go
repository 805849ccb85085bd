package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/internal/deflate"
	"github.com/pspm-dev/pspm/generator/offheap"
)

// archiveTasks makes the catalogue and the archive of every dataset, from the tasks that
// write the datasets (data). The archive holds the datasets' JSON and CSV files, the
// catalogue, a LICENSE.txt and a README.md made from Datasets; its entries are sorted by
// name and dated with the site's date, so that the same site gives the same bytes.
//
// Each dataset is made once: archiveTasks changes the tasks of data so that each also
// compresses its file for the archive, which copies the compressed entries as they are
// (a dataset whose task has not run when the archive is made, as in pspm serve, is made
// then). Only the compressed files wait for the archive: the datasets of a large site
// are hundreds of megabytes, the archive a fraction of them.
//
// In pspm serve (a memo), whose tasks outlive an edit patched into the model, nothing is
// kept: the archive makes each dataset again when it is asked for.
func (r *renderer) archiveTasks(data []task) []task {
	keep := r.memo == nil
	// The compressed datasets are held outside the heap until the archive is made, and
	// let go of then: at 1,000,000 reactions they are about 55 MB.
	var mem *offheap.Arena
	if keep {
		mem = &offheap.Arena{}
		r.archiveMem = mem
	}
	entries := map[string]*archived{}
	for i, t := range data {
		name, ok := strings.CutPrefix(t.path, "api/v1/")
		if !ok {
			continue
		}
		e := &archived{name: name, make: t.make, date: siteDate(r.Site), keep: keep, chunks: r.Chunks, mem: mem}
		entries[name] = e
		if keep {
			data[i].make = e.dataset
			if t.stream != nil {
				e.stream, data[i].stream = t.stream, e.datasetTo
			}
		}
	}
	var out []task
	var catalog []byte
	if nodes := r.catalog(); nodes != nil {
		catalog = rdfXML(nodes)
		out = append(out, task{path: catalogFile, make: func() ([]byte, error) { return catalog, nil }},
			task{path: catalogJSONLD, make: func() ([]byte, error) { return jsonLD(nodes) }})
	}
	// The archive is written to the output as it is made (at 1,000,000 reactions it is
	// about 40 MB, and a buffer grown to hold it was twice that at the end of the
	// render, when the build's live heap is at its largest).
	writeArchive := func(w io.Writer) error {
		files := map[string]*archived{
			"LICENSE.txt": {name: "LICENSE.txt", make: func() ([]byte, error) { return r.licenseText(), nil }, date: siteDate(r.Site)},
			"README.md":   {name: "README.md", make: func() ([]byte, error) { return r.archiveReadme(catalog != nil), nil }, date: siteDate(r.Site)},
		}
		if catalog != nil {
			files["catalog.rdf"] = &archived{name: "catalog.rdf", make: func() ([]byte, error) { return catalog, nil }, date: siteDate(r.Site)}
		}
		for _, d := range Datasets {
			for _, name := range []string{d.JSON, d.CSV} {
				if name == "" {
					continue
				}
				e, ok := entries[name]
				if !ok {
					return fmt.Errorf("internal error: no task writes api/v1/%s", name)
				}
				files[name] = e
			}
		}
		names := make([]string, 0, len(files))
		for n := range files {
			names = append(names, n)
		}
		sort.Strings(names)
		z := zip.NewWriter(w)
		for _, n := range names {
			if err := files[n].copyTo(z); err != nil {
				return err
			}
		}
		if err := z.Close(); err != nil {
			return err
		}
		// Every dataset is compressed now (a dataset's task that runs later finds its
		// entry done, and only writes its file): the compressed copies are let go of.
		for _, e := range entries {
			e.mu.Lock()
			e.zip = archivedZip
			e.mu.Unlock()
		}
		mem.Free()
		return nil
	}
	out = append(out, task{path: archiveFile, stream: writeArchive, make: func() ([]byte, error) {
		var buf bytes.Buffer
		if err := writeArchive(&buf); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}})
	return out
}

// archivedZip stands for a dataset's compressed copy once the archive is made and the
// copy let go of: not nil, so that its task does not compress it again.
var archivedZip = []byte{}

// archived is a file of the archive, compressed once: by the task that writes it as a
// dataset, or by the archive when no task did.
type archived struct {
	name   string
	make   func() ([]byte, error)
	stream func(io.Writer) error // the dataset's task's stream, or nil
	date   time.Time
	mu     sync.Mutex // held while the file is made and compressed
	zip    []byte     // an archive of this file alone, once compressed
	keep   bool       // keep zip for the archive (a build), or make it each time (pspm serve)
	chunks *deflate.ChunkCache
	mem    *offheap.Arena // where zip is held until the archive is made, in a build
}

// dataset makes the file for its own task, and compresses it for the archive.
func (a *archived) dataset() ([]byte, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	data, err := a.make()
	if err == nil && a.zip == nil {
		var z []byte
		z, err = a.compress(data)
		a.zip = a.mem.Bytes(z)
	}
	return data, err
}

// datasetTo writes the file for its own task as it makes it, and compresses it for the
// archive as it goes.
func (a *archived) datasetTo(w io.Writer) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.zip != nil {
		return a.stream(w)
	}
	compressed, err := a.compressing(func(z io.Writer) error { return a.stream(io.MultiWriter(w, z)) })
	if err == nil {
		a.zip = a.mem.Bytes(compressed)
	}
	return err
}

// compress makes an archive of data alone, as the entry a.name.
func (a *archived) compress(data []byte) ([]byte, error) {
	return a.compressing(func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// compressing makes an archive of the bytes write writes, alone, as the entry a.name.
func (a *archived) compressing(write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	deflate.ZipChunked(z, a.chunks)
	w, err := z.CreateHeader(&zip.FileHeader{Name: a.name, Method: zip.Deflate, Modified: a.date})
	if err == nil {
		err = write(w)
	}
	if err == nil {
		err = z.Close()
	}
	return buf.Bytes(), err
}

// copyTo copies the compressed file into z, making it first when no task did.
func (a *archived) copyTo(z *zip.Writer) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	compressed := a.zip
	if compressed == nil || !a.keep {
		data, err := a.make()
		if err != nil {
			return err
		}
		if compressed, err = a.compress(data); err != nil {
			return err
		}
		if a.keep {
			a.zip = a.mem.Bytes(compressed)
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(compressed), int64(len(compressed)))
	if err != nil || len(zr.File) != 1 {
		return fmt.Errorf("internal error: the compressed %s: %v", a.name, err)
	}
	return z.Copy(zr.File[0])
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
