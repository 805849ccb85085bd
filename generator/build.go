package generator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/source"
	"github.com/pspm-dev/pspm/generator/theme"
	"github.com/pspm-dev/pspm/generator/trust"
)

// Version is pspm's version, printed by `pspm version` and in the generator meta tag.
const Version = "0.1.0"

// Options says what to build.
type Options struct {
	// Source is the site's folder: pspm.yaml, content/, layouts/, static/, i18n/.
	Source fs.FS
	// Dir is the same folder on disk, when there is one: its Git history tells where every
	// contribution comes from. Empty for sites that are not on disk (the embedded demo).
	Dir string
	// BaseURL, when set, replaces the baseURL of pspm.yaml (for previews).
	BaseURL string
	// Previous is the output of the previous build of the same destination, or nil: a
	// plan version it published (PublishedVersions) must not have changed since.
	// BuildDir sets it to the destination folder.
	Previous fs.FS
	// PublishedFile is where Previous's list of versions is on disk, as the user
	// would type it (e.g. public/api/v1/versions.json), for the messages that name the
	// fix of a moved or deleted tag. BuildDir sets it.
	PublishedFile string
	// Offline uses the copies of the sources fetched by earlier builds, without the
	// network.
	Offline bool
	// Progress, when set, receives the progress of long fetches of sources.
	Progress io.Writer
	// Actor, for CheckChanges, is the forge account that opened the merge request, as
	// the forge authenticated it: every change must be allowed to a body it is a member
	// of (members[].forge). Empty when the forge does not say.
	Actor string
	// Signer, when set, signs the build record (api/v1/build.json.sig): see BuildSigner.
	Signer *signature.Signer
	// pins, set by Verify, reads each source at the commit a build read it at, by
	// pinKey of its kind, URL as shown, ref and path.
	pins map[string]string
	// nested is set for the build of a portal source's model: its own sources are not
	// read.
	nested bool
	// check renders only a sample of the pages (set by Check).
	check bool
	// modelOnly stops after the model is derived (set by Inspect).
	modelOnly bool
	// beforeRender stops after the search bundle, before the pages (for benchmarks of
	// the stages before render).
	beforeRender bool
	// inputCheck is given, for every page and feed with an input key, its key and its
	// view's fingerprint (each such view is then made): see render.Options.InputCheck.
	inputCheck func(path string, input, view render.Fingerprint)
	// branch, when set, replaces forge.branch for the history (set by CheckChanges: a
	// merge request's checkout has its head, not necessarily a local main branch).
	branch string
	// dest, set by BuildDir, is the destination folder: with Dir, the build keeps the
	// pages whose fingerprint the page cache (PageCache) knows, unchanged since.
	dest string
}

// Result reports a build or a check.
type Result struct {
	Site        *site.Site
	Config      *config.Config
	Diagnostics diag.List // sorted; errors and warnings
	Timings     []Timing  // one per stage, in order
	Files       int       // files written
	// Rendered and Kept count the pages rendered and the pages kept as the previous
	// build wrote them (their fingerprint unchanged, see PageCache), for a build into a
	// folder of a site on disk; both are 0 otherwise.
	Rendered, Kept int
	// ChunksCompressed and ChunksKept count the chunks of the open data's datasets
	// compressed for the archive and those taken from the previous build (ChunkCache),
	// for a build of a site on disk; both are 0 otherwise.
	ChunksCompressed, ChunksKept int
	// Record is the build record written (api/v1/build.json), nil for a check.
	Record []byte
	pages  *pageKeeper // the page cache, saved by BuildDir once the site is in place
}

// Timing is how long one stage took.
type Timing struct {
	Stage    string
	Duration time.Duration
	// Beside names the stage this one ran beside, in other goroutines: its time is
	// part of that stage's, not added to the build's. Empty for a stage run on its own.
	Beside string
}

// ErrContent is returned (wrapped) when the content has errors; the diagnostics are in
// the Result.
var ErrContent = errors.New("the content has errors")

// Build builds the site into w. It returns the Result and, when anything failed, an error:
// one that wraps ErrContent for problems in the content (listed in Result.Diagnostics),
// any other for internal failures. w receives nothing when the content has errors.
func Build(o Options, w output.Writer) (*Result, error) {
	res := &Result{}
	var errs diag.List
	clock := time.Now()
	stage := func(name string) {
		now := time.Now()
		res.Timings = append(res.Timings, Timing{Stage: name, Duration: now.Sub(clock)})
		clock = now
		if trace.IsEnabled() { // pspm build --trace: where each stage ends
			trace.Log(context.Background(), "stage done", name)
		}
	}
	// The previous build's page cache is read on the side while the model is made.
	var prevPages func() *pageCacheFile
	_, keeper := w.(output.Keeper)
	if keeper && o.dest != "" && o.Dir != "" && !o.check {
		prevPages = readPageCacheAside(o.Dir)
	}
	var bundle *bundling // the static search bundle, written once the pages are
	load, saved := loadContent(o, &errs)
	finish := func(err error) (*Result, error) {
		// Every return waits for the bundle: it closes the index. And for the content
		// cache, written while the build went on.
		if _, berr := bundle.wait(res, &errs, ""); err == nil {
			err = berr
		}
		saved()
		errs.Sort()
		res.Diagnostics = errs
		if err == nil && errs.HasErrors() {
			err = fmt.Errorf("%w: %s", ErrContent, errs.Errors())
		}
		return res, err
	}

	s, cfg := buildModel(o, load, res, &errs, stage)
	if s == nil || o.modelOnly {
		return finish(nil)
	}
	dropPositions(s)

	chain, err := theme.New(o.Source, cfg.Theme)
	if err != nil {
		errs.Add(diag.Pos{File: config.File}, "%v", err)
		return finish(nil)
	}
	counter := &countingWriter{w: w}
	rec := &recorder{w: counter}
	defer func() {
		if res.pages == nil { // a page cache is saved after the commit, from the record: it closes it
			rec.close()
		}
	}()
	md := markdown.New()
	var summaries search.Summaries // of the texts the search stage parsed, for the pages
	if !o.check {
		idx, _, texts := searchIndex(o.Dir, cfg, s, md, nil, &errs)
		summaries = texts.Summaries()
		if idx != nil {
			stage("index")
			if len(s.Proposals)+len(s.Practices) > bundleBesideUpTo {
				// A large site's bundle is exported before the pages render, and written as
				// it is exported: held until the pages were written, its 95 MB were held
				// through the whole render at 100,000 proposals.
				bundle = startBundle(o.Dir, idx, rec.WriteFile)
				if _, err := bundle.wait(res, &errs, ""); err != nil {
					return finish(err)
				}
				clock = time.Now() // wait recorded the bundle's stage
			} else {
				bundle = startBundle(o.Dir, idx, nil)
			}
		}
	}
	if o.beforeRender {
		return finish(nil)
	}

	ro := render.Options{Site: s, Config: cfg, Theme: chain, Source: o.Source, Markdown: md, Version: Version, Sample: o.check, InputCheck: o.inputCheck}
	if summaries != nil {
		ro.Summary = summaries.Summary
	}
	if prevPages != nil {
		if res.pages = newPageKeeper(o.Dir, o.dest, prevPages(), &errs); res.pages != nil {
			res.pages.rec = rec
			ro.Pages, ro.Generator = res.pages, generatorSum()
		}
	}
	var oldChunks []byte
	if o.Dir != "" && !o.check {
		ro.Chunks, oldChunks = chunkCache(o.Dir, &errs)
	}
	err = render.Render(ro, rec)
	if ro.Chunks != nil {
		res.ChunksKept, res.ChunksCompressed = ro.Chunks.Stats()
	}
	if ro.Chunks != nil && err == nil {
		keepCache(o.Dir, ChunkCache, ro.Chunks.Encode(), oldChunks, "the next build compresses every dataset again", &errs)
	}
	var dl diag.List
	if errors.As(err, &dl) {
		errs.Append(dl)
		err = nil
	}
	files, berr := bundle.wait(res, &errs, "render")
	if err == nil {
		err = berr
	}
	if err == nil && !errs.HasErrors() {
		// The search bundle's files, on every core: thousands of shards, each compared
		// with the destination's when building over it.
		failed := make([]error, len(files))
		parallel.For(len(files), func(i int) { failed[i] = rec.WriteFile(files[i].name, files[i].data) })
		err = errors.Join(slices.DeleteFunc(failed, func(e error) bool { return e == nil })...)
	}
	if err == nil && !errs.HasErrors() && !o.check {
		// The build record comes last: it lists every other file.
		var data []byte
		var files []recorded
		if files, err = rec.files(); err == nil {
			data, err = newRecord(o, cfg, s).finish(files)
		}
		if err == nil {
			res.Record = data
			err = counter.WriteFile(RecordFile, data)
		}
		if err == nil && o.Signer != nil {
			err = signRecord(o.Signer, data, counter)
		}
	}
	stage("render")
	res.Files = int(counter.n.Load())
	if res.pages != nil {
		res.Rendered, res.Kept = int(res.pages.rendered.Load()), int(res.pages.kept.Load())
	}
	return finish(err)
}

// dropPositions lets go of where each key of every proposal and practice is written
// (Item.At): only the checks of the model's stages read them, for their messages, and
// they have run. The proposals and practices are the items that grow with the site: at
// 100,000 proposals their positions were more than 100 MB of the heap through the render,
// where the build's memory peaks. The plan's items keep theirs (whether an action's
// progress is written says something), and pspm serve, which checks edits again, never
// comes here.
func dropPositions(s *site.Site) {
	for _, p := range s.Proposals {
		p.At = nil
	}
	for _, p := range s.Practices {
		p.At = nil
	}
}

// buildModel runs the stages that make the model, from the configuration to derive, with
// load reading the content. It returns a nil Site when the content has errors (in errs).
func buildModel(o Options, load func(fs.FS, *config.Config) (*site.Site, diag.List), res *Result, errs *diag.List, stage func(string)) (*site.Site, *config.Config) {
	cfg := config.Load(o.Source, errs)
	if o.BaseURL != "" {
		cfg.BaseURL = o.BaseURL
	}
	res.Config = cfg
	stage("config")

	// The history is read on the side; every way out of here waits for it.
	readHistory, waitHistory := historyAside(o.Dir, o.branch, cfg, errs)
	defer waitHistory()
	s, loadErrs := load(o.Source, cfg)
	errs.Append(loadErrs)
	res.Site = s
	stage("load")

	portals := sources(o, cfg, s, errs)
	stage("sources")

	errs.Append(s.Resolve())
	errs.Append(s.ResolveModeration())
	errs.Append(s.CheckLanguages(cfg.Languages))
	errs.Append(s.LimitTagPages(cfg.Limits.TagPages))
	stage("model")
	if errs.HasErrors() {
		return nil, cfg
	}

	fromGit := provenance(o.Source, o.Dir, readHistory, cfg, s, errs)
	stage("history")

	paragraphMoves(o.Dir, fromGit, s, markdown.New(), int64(cfg.Limits.FileSize))
	stage("anchors")

	versions(o.Dir, cfg, s, o.Previous, o.PublishedFile, errs)
	errs.Append(s.CheckTargets())
	errs.Append(s.CheckReplaces())
	stage("versions")

	errs.Append(trust.Judge(s, trust.Options{Policy: cfg.Votes.Policy, FromGit: fromGit, ForgeKeys: cfg.Forge.Keys, ForgeCommitters: cfg.Forge.Committers}))
	contributionProblems(s, o.check, errs)
	moderate(s, errs)
	stage("verify")
	if errs.HasErrors() {
		return nil, cfg
	}

	s.Derive()
	errs.Append(s.CheckThresholds())
	deriveVersions(s)
	stage("derive")

	if len(portals) > 0 {
		federate(cfg, s, portals, errs)
		stage("federate")
	}
	errs.Append(s.LinkAgID()) // once the federated plans are in: they serve AgID's objectives too
	return s, cfg
}

// contributionProblems reports what is wrong with reaction, feedback and amendment files. A build
// keeps such files, shows them as not counted with their reason, and warns: a bad vote
// that reached the main branch never stops the portal from being published. A check
// (the gate of merge requests) reports them as errors, so they do not reach it.
func contributionProblems(s *site.Site, strict bool, errs *diag.List) {
	add := func(l diag.List) {
		for _, e := range l {
			e := *e
			e.Severity = diag.Warning
			if strict {
				e.Severity = diag.Err
			}
			*errs = append(*errs, &e)
		}
	}
	for _, r := range s.Reactions {
		add(r.Problems())
	}
	for _, f := range s.Feedback {
		add(f.Problems)
	}
	for _, sp := range s.Supports {
		add(sp.Problems)
	}
	for _, a := range s.Amendments {
		add(a.Problems)
		if a.AnswerFile != nil {
			add(a.AnswerFile.Problems)
		}
	}
}

// moderate applies the moderation files the trust stage let count, and warns about
// each one it did not: a moderation that a member of the plan owner body did not make
// (by the policy's rules) hides nothing.
func moderate(s *site.Site, errs *diag.List) {
	for _, m := range s.Moderations {
		if !m.Counted {
			errs.Warn(diag.Pos{File: m.File, Line: 1, Col: 1}, "moderation not applied: only a member of the plan owner body (%s) may moderate, and %s", s.Plan.Owner, strings.TrimSuffix(m.Detail, "."))
		}
	}
	s.Moderate()
}

// Check runs every check of a build without writing anything. It renders only a few
// pages of each kind in each language: enough to find errors in the site's templates,
// while every content file is read and checked in full.
func Check(o Options) (*Result, error) {
	o.check = true
	return Build(o, output.Discard{})
}

// Inspect reads, checks, verifies and derives the site's model without rendering
// anything: what `pspm audit` shows. Contribution problems are warnings, as in a build.
func Inspect(o Options) (*Result, error) {
	o.modelOnly = true
	return Build(o, output.Discard{})
}

// BuildDir builds the site into the folder dest: into a temporary folder beside it first,
// swapped in whole when the build succeeded. On any failure dest is left untouched.
func BuildDir(o Options, dest string) (*Result, error) {
	out, err := output.NewDir(dest)
	if err != nil {
		return nil, err
	}
	if o.Previous == nil {
		o.Previous = os.DirFS(dest)
		o.PublishedFile = filepath.Join(dest, filepath.FromSlash(PublishedVersions))
	}
	o.dest = dest
	res, err := Build(o, out)
	if res != nil && res.pages != nil {
		defer res.pages.close()
	}
	if err != nil {
		_ = out.Abort()
		return res, err
	}
	start := time.Now()
	if err := out.Commit(); err != nil {
		_ = out.Abort()
		return res, err
	}
	if res.pages != nil {
		var warns diag.List
		res.pages.save(&warns)
		res.Diagnostics = append(res.Diagnostics, warns...)
		res.Diagnostics.Sort()
	}
	res.Timings = append(res.Timings, Timing{Stage: "write", Duration: time.Since(start)})
	return res, nil
}

// OpenSource opens the site folder dir as an fs.FS that refuses paths and symbolic links
// leaving it.
func OpenSource(dir string) (fs.FS, error) {
	return source.Open(dir)
}

// bundleFile is a file of the search bundle, kept until the pages are written.
type bundleFile struct {
	name string
	data []byte
}

// bundleBesideUpTo is the number of proposals and practices up to which the search
// bundle is exported while the pages render; a larger site, whose texts do not stay in
// memory (render.DefaultLazyTextsAbove), does not hold the index and the pages at once
// either.
var bundleBesideUpTo = render.DefaultLazyTextsAbove

// bundling is the search bundle being exported from the index while the pages render.
// Exporting it is mostly one goroutine walking the index's dictionary, which leaves the
// other core half idle; the pages do not need the bundle until it is written after them.
type bundling struct {
	done   chan struct{}
	files  []bundleFile
	errs   diag.List // the export's warnings, added to the build's by wait
	err    error
	took   time.Duration
	waited bool
}

// startBundle exports the search bundle of idx in its own goroutine, which closes idx.
// With write, each file is written as it is made; without, the files are kept for wait
// to give.
func startBundle(dir string, idx *search.Index, write func(name string, data []byte) error) *bundling {
	b := &bundling{done: make(chan struct{})}
	var writes *writing
	if write == nil {
		write = func(name string, data []byte) error {
			// Kept until the pages are written: outside the heap in pspm build.
			b.files = append(b.files, bundleFile{name, offheap.Bytes(data)})
			return nil
		}
	} else {
		writes = &writing{sem: make(chan struct{}, runtime.GOMAXPROCS(0))}
		write = writes.of(write)
	}
	go func() {
		defer close(b.done)
		start := time.Now()
		err := writeBundle(dir, idx, write, &b.errs)
		if writes != nil {
			err = errors.Join(err, writes.wait())
		}
		_ = idx.Close()
		if err != nil {
			b.err = fmt.Errorf("search bundle: %w", err)
		}
		b.took = time.Since(start)
	}()
	return b
}

// writing writes files on every core as they are given (the export makes them on one):
// each file's bytes are the writer's to keep.
type writing struct {
	sem chan struct{} // a slot per write under way
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error // the first write's error
}

// of is write, each call run in a goroutine of its own once a slot is free. It returns
// the first error of the writes done so far.
func (w *writing) of(write func(name string, data []byte) error) func(name string, data []byte) error {
	return func(name string, data []byte) error {
		w.sem <- struct{}{}
		w.wg.Go(func() {
			defer func() { <-w.sem }()
			if err := write(name, data); err != nil {
				w.mu.Lock()
				w.err = cmp.Or(w.err, err)
				w.mu.Unlock()
			}
		})
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.err
	}
}

// wait waits for every write, and gives the first error.
func (w *writing) wait() error {
	w.wg.Wait()
	return w.err
}

// wait waits for the export and gives its files. The first wait adds its warnings to
// errs and its stage to res, as run beside the stage named beside ("" when the build
// waited for it before going on). A nil bundling has no files.
func (b *bundling) wait(res *Result, errs *diag.List, beside string) ([]bundleFile, error) {
	if b == nil {
		return nil, nil
	}
	<-b.done
	if !b.waited {
		b.waited = true
		errs.Append(b.errs)
		res.Timings = append(res.Timings, Timing{Stage: "search bundle", Duration: b.took, Beside: beside})
	}
	return b.files, b.err
}

// countingWriter counts the files written through it.
type countingWriter struct {
	w output.Writer
	n atomic.Int64
}

// Keep keeps the destination's file at name (output.Keeper), counted as written.
func (c *countingWriter) Keep(name string) (bool, error) {
	k, ok := c.w.(output.Keeper)
	if !ok {
		return false, nil
	}
	kept, err := k.Keep(name)
	if kept && err == nil {
		c.n.Add(1)
	}
	return kept, err
}

func (c *countingWriter) WriteFile(name string, data []byte) error {
	if err := c.w.WriteFile(name, data); err != nil {
		return err
	}
	c.n.Add(1)
	return nil
}

// WriteStream writes a file as it is made (output.Streamer), counted.
func (c *countingWriter) WriteStream(name string, write func(io.Writer) error) error {
	if err := output.Stream(c.w, name, write); err != nil {
		return err
	}
	c.n.Add(1)
	return nil
}
