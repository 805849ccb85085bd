package generator

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/agid"
	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/slug"
)

// SourcesDir is where the repositories of a site's sources are kept between builds,
// under the site folder (ignored by Git, as the rest of .pspm).
const SourcesDir = ".pspm/sources"

// maxPublicCode bounds the publiccode.yml read from a source.
const maxPublicCode = 256 << 10

// sources fetches the repositories of the site's sources (config.Sources) into
// SourcesDir and brings in what they publish: for a publiccode source, its software as a
// good practice of the body it speaks for. A source that cannot be fetched is a warning
// and its last fetched copy is used, marked stale; one that was never fetched is left
// out with a warning. Nothing a source does stops the build of the rest.
//
// It returns the portal sources fetched, which federate reads once this portal's model
// is derived.
func sources(o Options, cfg *config.Config, s *site.Site, errs *diag.List) []fetchedPortal {
	if len(cfg.Sources) == 0 || o.nested {
		return nil
	}
	if o.Dir == "" {
		errs.Warn(cfg.At["sources"], "sources are fetched only for a site in a folder (they are kept in %s): none is read", SourcesDir)
		return nil
	}
	if err := ignoreCache(o.Dir); err != nil {
		errs.Warn(cfg.At["sources"], "sources cannot be kept in %s: %v", SourcesDir, err)
		return nil
	}
	// Fetch every repository at once (a few at a time: they wait on the network), each
	// cache folder once, then read them in the order of pspm.yaml. A repository whose
	// history no source of it reads (publiccode, agid-plan: files at the fetched commit
	// only) is fetched shallow, its last commit alone.
	type fetch struct {
		f   history.Fetched
		err error
	}
	byDir := map[string]*fetch{}
	shallow := map[string]bool{}
	for _, src := range cfg.Sources {
		dir := filepath.Join(o.Dir, filepath.FromSlash(SourcesDir), history.SourceName(src.URL, src.Ref))
		ok, seen := shallow[dir]
		// pspm verify reads each source at the commit a build read (o.pins), which a
		// source may have moved past: it fetches the history.
		shallow[dir] = (ok || !seen) && src.Kind != config.SourcePortal && len(o.pins) == 0
	}
	var wg sync.WaitGroup
	var mu sync.Mutex // of the progress writer
	slots := make(chan struct{}, 4)
	for _, src := range cfg.Sources {
		dir := filepath.Join(o.Dir, filepath.FromSlash(SourcesDir), history.SourceName(src.URL, src.Ref))
		if byDir[dir] != nil {
			continue // two sources in one repository and ref (other paths): one fetch
		}
		r := &fetch{}
		byDir[dir] = r
		var progress io.Writer
		if o.Progress != nil {
			progress = prefixed{o.Progress, "source " + redact(src.URL) + ": ", new(bool), &mu}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			r.f, r.err = history.Fetch(context.Background(), history.FetchOptions{URL: src.URL, Ref: src.Ref, Dir: dir, Offline: o.Offline, Progress: progress, Timeout: 10 * time.Minute, Limits: sourceLimits(cfg), Shallow: shallow[dir]})
		}()
	}
	wg.Wait()
	var portals []fetchedPortal
	for i, src := range cfg.Sources {
		at := src.Pos
		name := history.SourceName(src.URL, src.Ref)
		dir := filepath.Join(o.Dir, filepath.FromSlash(SourcesDir), name)
		shown := redact(src.URL)
		f, err := byDir[dir].f, byDir[dir].err
		if err != nil {
			errs.Warn(at, "sources[%d] cannot be fetched and was never fetched before: it is left out (%v)", i, err)
			continue
		}
		var limit *history.LimitError
		switch {
		case f.Stale && errors.As(f.Err, &limit):
			errs.Warn(at, "sources[%d] %s exceeds a limit, so its update is refused and the copy fetched on %s, commit %.10s, is kept: %v", i, shown, f.Fetched.UTC().Format("2006-01-02 15:04"), f.Commit, limit)
		case f.Stale && f.Err != nil:
			errs.Warn(at, "sources[%d] cannot be fetched; using the copy fetched on %s, commit %.10s (%v)", i, f.Fetched.UTC().Format("2006-01-02 15:04"), f.Commit, f.Err)
		}
		if f.Rewritten {
			errs.Warn(at, "sources[%d] %s: the history of %s was rewritten (a force push) since the last build; now at commit %.10s", i, shown, refName(src.Ref), f.Commit)
		}
		if pin, ok := o.pins[pinKey(src.Kind, shown, src.Ref, src.Path)]; ok && pin != f.Commit {
			// pspm verify rebuilds a portal with its sources as the build read them.
			if has, err := history.HasCommit(f.Dir, pin); err != nil || !has {
				errs.Add(at, "sources[%d] %s: commit %.12s, read by the build being verified, is no longer in the repository", i, shown, pin)
				continue
			}
			f.Commit = pin
		}
		from := &site.Source{Kind: src.Kind, URL: shown, Ref: src.Ref, Path: src.Path, Body: src.Body, Commit: f.Commit, Fetched: f.Fetched, Stale: f.Stale}
		s.Sources = append(s.Sources, from)
		switch src.Kind {
		case config.SourcePublicCode:
			publicCodeSource(f.Dir, name, from, cfg, s, i, at, errs)
		case config.SourcePortal:
			portals = append(portals, fetchedPortal{i: i, src: src, from: from, dir: f.Dir, name: name})
		case config.SourceAgIDPlan:
			agidSource(f.Dir, name, from, cfg, s, i, at, errs)
		}
	}
	return portals
}

// fetchedPortal is a source of kind portal, fetched.
type fetchedPortal struct {
	i    int
	src  config.Source
	from *site.Source
	dir  string // the clone
	name string // its folder under SourcesDir
}

// federate reads each portal source as a site of its own (its own configuration,
// members, Git history and trust model, this portal's limits) and brings its proposals
// and practices into s, under bodies/<body>/ (site.Federate). A source with errors
// brings nothing, with a warning; its problems are warnings at their place in the copy.
func federate(cfg *config.Config, s *site.Site, portals []fetchedPortal, errs *diag.List) {
	for _, fp := range portals {
		at := fp.src.Pos
		prefix := path.Join(SourcesDir, fp.name, "repo", fp.src.Path)
		report := func(l diag.List) {
			for _, e := range l {
				e := *e
				e.Severity = diag.Warning
				if e.Pos.File != "" {
					e.Pos.File = path.Join(prefix, e.Pos.File)
				}
				e.Msg = "in the source " + fp.from.URL + ": " + e.Msg
				*errs = append(*errs, &e)
			}
		}
		// Read from the clone's objects at the fetched commit: nothing is checked out.
		fsys, left, err := history.ReadSource(fp.dir, fp.from.Commit, fp.src.Path, sourceLimits(cfg))
		if err != nil {
			errs.Warn(at, "sources[%d] %s cannot be read (%v): nothing of it is shown", fp.i, fp.from.URL, err)
			continue
		}
		for _, l := range left {
			errs.Warn(diag.Pos{File: path.Join(prefix, l.Path)}, "in the source %s: %s", fp.from.URL, l.Why)
		}
		so := Options{Source: fsys, Offline: true, nested: true, branch: "HEAD"}
		if fp.src.Path == "" {
			so.Dir = fp.dir // its history: votes are traced to its own commits
		}
		var serrs diag.List
		sk, _ := buildModel(so, content.Load, &Result{}, &serrs, func(string) {})
		if sk == nil || serrs.HasErrors() {
			report(serrs.Errors())
			errs.Warn(at, "sources[%d] %s has errors: nothing of it is shown until they are fixed there", fp.i, fp.from.URL)
			continue
		}
		report(s.Federate(sk, fp.src.Body, fp.from))
		for _, it := range s.Items {
			if it.From != fp.from {
				continue
			}
			for _, a := range it.Attachments {
				a.FS = fsys // read from the source's objects, where a.File is
			}
		}
	}
}

// publicCodeSource reads the publiccode.yml of a fetched source (the clone dir, kept in
// the cache folder name) into a practice.
func publicCodeSource(dir, name string, from *site.Source, cfg *config.Config, s *site.Site, i int, at diag.Pos, errs *diag.List) {
	rel := path.Join(from.Path, "publiccode.yml")
	from.File = path.Join(SourcesDir, name, "repo", rel)
	fsys, left, err := history.ReadSource(dir, from.Commit, from.Path, sourceLimits(cfg))
	var data []byte
	if err == nil {
		data, err = fs.ReadFile(limitFS{fsys, maxPublicCode}, "publiccode.yml")
	}
	// The position is the file's copy under SourcesDir; the message names the source
	// itself (its address, without credentials, and the file in it), so that two sources
	// with the same problem give two warnings that say where to fix each.
	where := "in the source " + sourceName(from, rel) + ": "
	for _, l := range left {
		if l.Path == "publiccode.yml" {
			errs.Warn(diag.Pos{File: from.File}, "%s%s", where, l.Why)
		}
	}
	if err != nil {
		errs.Warn(at, "sources[%d] %s: no publiccode.yml in %s (%v): the source brings nothing", i, redact(from.URL), dirName(from.Path), err)
		return
	}
	if len(data) > maxPublicCode {
		errs.Warn(diag.Pos{File: from.File}, "%spubliccode.yml is over %d KiB: the source brings nothing", where, maxPublicCode>>10)
		return
	}
	var pe diag.List
	pc := content.ParsePublicCode(from.File, data, &pe)
	for _, e := range pe { // another body's file: its problems never stop this portal's build
		e := *e
		e.Severity = diag.Warning
		e.Msg = where + e.Msg
		*errs = append(*errs, &e)
	}
	if pc == nil {
		return
	}
	if pc.IPA != "" && pc.IPA != from.Body {
		errs.Warn(diag.Pos{File: from.File}, "%sit.riuso.codiceIPA is %q, but sources[%d] speaks for %q: the software is listed as %s's, as pspm.yaml says", where, pc.IPA, i, from.Body, from.Body)
	}
	if s.ByBody[from.Body] == nil {
		errs.Add(at, "sources[%d].body %q: no such body; declare it in content/bodies/%s.md", i, from.Body, from.Body)
		return
	}
	id := slug.Make(pc.Name)
	if id == "" {
		id = "software"
	}
	add := func(id string) bool {
		p := pc.Practice(id, from.Body, cfg.Languages[0])
		p.From, p.File, p.Dir = from, "", path.Join(content.Dir, string(site.Practices), id)
		return s.AddPractice(p)
	}
	if !add(id) {
		if !add(id + "-" + from.Body) {
			errs.Add(at, "sources[%d]: a practice with id %q (or %q) already exists; rename one", i, id, id+"-"+from.Body)
		}
	}
}

// agidSource reads an edition of AgID's three-year plan (the .rst files under the
// source's path, or its root) from a fetched source into s.AgID, the reference of the
// objectives' agid codes. Its problems are warnings at their file and line in the copy,
// naming the source; an edition with no objective brings nothing.
func agidSource(dir, name string, from *site.Source, cfg *config.Config, s *site.Site, i int, at diag.Pos, errs *diag.List) {
	prefix := path.Join(SourcesDir, name, "repo")
	fsys, left, err := history.ReadSource(dir, from.Commit, from.Path, sourceLimits(cfg))
	if err != nil {
		errs.Warn(at, "sources[%d] %s cannot be read (%v): AgID's plan is not shown", i, redact(from.URL), err)
		return
	}
	for _, l := range left {
		if strings.HasSuffix(l.Path, ".rst") {
			errs.Warn(diag.Pos{File: path.Join(prefix, from.Path, l.Path)}, "in the source %s: %s", sourceName(from, path.Join(from.Path, l.Path)), l.Why)
		}
	}
	var files []agid.File
	var pe diag.List
	walkErr := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if b := path.Base(p); p != "." && (strings.HasPrefix(b, "_") || strings.HasPrefix(b, ".")) {
				return fs.SkipDir // Sphinx's _themes, _static, _build
			}
			return nil
		}
		if !strings.HasSuffix(p, ".rst") {
			return nil
		}
		if len(files) >= agid.MaxFiles {
			return fs.SkipAll
		}
		data, err := fs.ReadFile(limitFS{fsys, agid.MaxFileSize}, p)
		if err != nil {
			pe.Warn(diag.Pos{File: p}, "cannot be read: %v", err)
			return nil
		}
		files = append(files, agid.File{Name: p, Data: data})
		return nil
	})
	if walkErr != nil {
		errs.Warn(at, "sources[%d] %s cannot be read (%v): AgID's plan is not shown", i, redact(from.URL), walkErr)
		return
	}
	plan := agid.Parse(files, &pe)
	for _, e := range pe { // AgID's files: their problems never stop this portal's build
		e := *e
		rel := path.Join(from.Path, e.Pos.File)
		e.Severity = diag.Warning
		e.Pos.File = path.Join(prefix, rel)
		e.Msg = "in the source " + sourceName(from, rel) + ": " + e.Msg
		*errs = append(*errs, &e)
	}
	if len(plan.Objectives) == 0 {
		errs.Warn(at, "sources[%d] %s: no objective of AgID's plan (\"OB.1.1 - …\" or \"Obiettivo 1.1 - …\") in its %d .rst files under %s: it brings nothing (is ref the edition's branch, and path the folder of its .rst files?)", i, redact(from.URL), len(files), dirName(from.Path))
		return
	}
	s.AgID = &site.AgIDPlan{Plan: plan, From: from}
}

// sourceName names a file of a source as its maintainers know it: the repository's address
// (credentials redacted), the ref when pspm.yaml gives one, and the file's path in it.
func sourceName(from *site.Source, file string) string {
	s := redact(from.URL)
	if from.Ref != "" {
		s += " (" + from.Ref + ")"
	}
	return s + ", " + file
}

// sourceLimits are the limits of pspm.yaml on what a source may bring and what is read
// of it.
func sourceLimits(cfg *config.Config) history.SourceLimits {
	l := cfg.Limits
	return history.SourceLimits{
		PackSize:   int64(l.SourcePackSize),
		ObjectSize: int64(l.SourceObjectSize),
		Objects:    int64(l.SourceObjects),
		Depth:      l.SourceDepth,
		Entries:    l.SourceEntries,
		FileSize:   int64(max(l.FileSize, l.AttachmentSize)),
	}
}

// limitFS reads at most limit+1 bytes of a file with fs.ReadFile.
type limitFS struct {
	fs.FS
	limit int64
}

func (l limitFS) ReadFile(name string) ([]byte, error) {
	if r, ok := l.FS.(interface {
		ReadFileLimit(string, int64) ([]byte, error)
	}); ok {
		return r.ReadFileLimit(name, l.limit)
	}
	f, err := l.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, l.limit+1))
}

// redact leaves out the user and password (or token) of a URL, for messages, pages and
// open data: a source's URL in pspm.yaml may carry the credentials of a private forge.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

func dirName(p string) string {
	if p == "" {
		return "the repository's root"
	}
	return p
}

func refName(ref string) string {
	if ref == "" {
		return "its default branch"
	}
	return ref
}

// prefixed writes to w with prefix at the start of every line (lines end with \n, or \r
// for progress that rewrites itself): progress lines saying which source they are about.
// Sources fetched at once share w, under mu.
type prefixed struct {
	w      io.Writer
	prefix string
	mid    *bool // within a line
	mu     *sync.Mutex
}

func (p prefixed) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []byte
	for _, c := range b {
		if !*p.mid {
			out = append(out, p.prefix...)
			*p.mid = true
		}
		out = append(out, c)
		if c == '\n' || c == '\r' {
			*p.mid = false
		}
	}
	if _, err := p.w.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// pinKey names a source for Options.pins.
func pinKey(kind, shownURL, ref, dir string) string {
	return kind + "\x00" + shownURL + "\x00" + ref + "\x00" + dir
}
