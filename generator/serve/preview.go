package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/search"
)

// PreviewOptions says what pspm serve previews, and where.
type PreviewOptions struct {
	// Source is the site folder; Dir the same folder on disk ("" for a site that is not on
	// disk, such as the embedded demo: nothing is watched then).
	Source fs.FS
	Dir    string
	// BaseURL is the URL the preview is reached at, which the pages link to.
	BaseURL string
	// BasePath is the path of BaseURL ("/" or "/preview/").
	BasePath string
	// Addr is the address to listen on, host:port.
	Addr string
	// Out receives what the author reads in the terminal: each rebuild and its problems
	// as file:line:col: message.
	Out io.Writer
	// Ready, when set, is called with the address listened on once the site is served.
	Ready func(addr string)
	// Rebuilt, when set, is called after each rebuild that is shown, good or not (for
	// tests).
	Rebuilt func(sn *generator.Snapshot, res *generator.Result, err error)
	// Debounce is how long the files must be quiet before a rebuild is shown; 40ms when
	// zero. A rebuild starts after 5ms of quiet, and again if a file changes meanwhile.
	Debounce time.Duration
}

// watched are the folders and files of a site folder that a preview watches.
var watched = []string{"content", "layouts", "static", "i18n", "themes", "pspm.yaml"}

// Preview is pspm serve: it builds the site, serves it on o.Addr, and as the author edits
// the site's files it rebuilds it (see generator.Session), swaps the new build in whole,
// and tells the open pages to reload. A build with errors prints them in the terminal and
// shows them over every page, while the last good build stays served. Preview returns when
// ctx is done, after a graceful shutdown.
func Preview(ctx context.Context, o PreviewOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ss := generator.NewSession(generator.Options{Source: o.Source, Dir: o.Dir, BaseURL: o.BaseURL})
	live := NewLive()
	var site *Site
	var attempt uint64
	// The last build shown (served, or its problems over the pages), and the last one
	// made, which is shown once the files it was made from have settled.
	var (
		shown   *generator.Snapshot
		failing bool // the problems of a build are shown
		made    struct {
			ch   generator.Change // every change since the last build shown
			sn   *generator.Snapshot
			res  *generator.Result
			err  error
			some bool
		}
	)
	rebuild := func(ch generator.Change) {
		made.sn, made.res, made.err = ss.Rebuild(ch)
		made.ch.Paths = append(made.ch.Paths, ch.Paths...)
		made.ch.Git = made.ch.Git || ch.Git
		made.ch.All = made.ch.All || ch.All
		made.some = true
	}
	show := func() {
		if !made.some {
			return
		}
		ch, sn, res, err := made.ch, made.sn, made.res, made.err
		made.ch, made.some = generator.Change{}, false
		if err == nil && sn == shown && !failing {
			return // nothing that the site shows changed
		}
		slices.Sort(ch.Paths)
		ch.Paths = slices.Compact(ch.Paths)
		attempt++
		report(o.Out, ch, sn, res, err)
		failing = err != nil
		switch {
		case err == nil:
			shown = sn
			site.Swap(sn)
			live.Publish(attempt, nil)
		case errors.Is(err, generator.ErrContent):
			live.Publish(attempt, problems(res.Diagnostics))
		default:
			live.Publish(attempt, []Problem{{Message: err.Error()}})
		}
		if o.Rebuilt != nil {
			o.Rebuilt(sn, res, err)
		}
	}

	// The first build, then the index of the search API.
	attempt++
	start := time.Now()
	sn, res, err := ss.Rebuild(generator.Change{All: true})
	if err != nil && !errors.Is(err, generator.ErrContent) {
		return err
	}
	var find func(search.Request) (*search.Result, error)
	if err == nil {
		fmt.Fprintf(o.Out, "built %d files in %v\n", res.Files, time.Since(start).Round(time.Millisecond))
		if f, ierr := ss.OpenIndex(); ierr == nil {
			find = f
		} else {
			fmt.Fprintf(o.Out, "search: %v (the search page works without the API)\n", ierr)
		}
	}
	printProblems(o.Out, res)
	defer ss.Close()
	site = NewSite(SiteOptions{Live: live, Search: find, BasePath: o.BasePath})
	if err == nil {
		site.Swap(sn)
		shown = sn
	} else {
		failing = true
		site.Swap(failedBuild{})
		live.Publish(attempt, problems(res.Diagnostics))
		fmt.Fprintln(o.Out, "the site has errors: fix them and save, it rebuilds")
	}
	if o.Rebuilt != nil {
		o.Rebuilt(sn, res, err)
	}

	var batches <-chan Batch
	if o.Dir != "" {
		paths := slices.Clone(watched)
		if res != nil && res.Config != nil {
			if t := path.Clean(strings.TrimPrefix(res.Config.Theme, "./")); t != "." && t != "default" && t != "themes" && !strings.HasPrefix(t, "themes/") && fs.ValidPath(t) {
				paths = append(paths, t) // a theme folder of the site outside themes/
			}
		}
		batches, err = Watch(ctx, WatchOptions{Root: o.Dir, Paths: paths, Git: true, Early: previewEarly, Debounce: o.Debounce, Logf: func(format string, args ...any) {
			fmt.Fprintf(o.Out, format+"\n", args...)
		}})
		if err != nil {
			return fmt.Errorf("watching %s: %w", o.Dir, err)
		}
	}
	go func() {
		for b := range batches {
			if b.Full && b.Reason != "" {
				fmt.Fprintf(o.Out, "rebuilding everything: %s\n", b.Reason)
			}
			if len(b.Paths) > 0 || b.Git || b.Full {
				rebuild(generator.Change{Paths: b.Paths, Git: b.Git, All: b.Full})
			}
			if !b.Early {
				show()
			}
		}
	}()
	return serveHTTP(ctx, o.Addr, HostGuard(site, HostOptions{Addr: o.Addr, BaseURL: o.BaseURL}), live, o.Ready)
}

// previewEarly is how long the files are quiet before a rebuild starts; it is shown
// once they were quiet for the watcher's Debounce (40ms by default), so that a file
// caught in the middle of a save is never shown, but a rebuild that takes longer than
// that does not wait for it to start.
const previewEarly = 5 * time.Millisecond

// failedBuild is what is served before the first good build: a page that shows the
// overlay with the problems, and reloads once they are fixed.
type failedBuild struct{}

func (failedBuild) File(p string) ([]byte, bool, error) {
	if p != "index.html" && p != "404.html" {
		return nil, false, nil
	}
	return []byte("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>The site has errors</title></head>\n" +
		"<body><h1>The site could not be built</h1><p>Fix the errors shown here and in the terminal, and save: this page reloads.</p></body></html>\n"), true, nil
}

// serveHTTP serves h on addr until ctx is done, then stops the event streams and shuts
// down gracefully.
func serveHTTP(ctx context.Context, addr string, h http.Handler, live *Live, ready func(string)) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	srv.RegisterOnShutdown(live.Close)
	return serveWith(ctx, addr, srv, ready)
}

// problems turns diagnostics into what the overlay shows.
func problems(l diag.List) []Problem {
	var out []Problem
	for _, e := range l {
		out = append(out, Problem{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Message: e.Msg, Warning: e.Severity == diag.Warning})
	}
	return out
}

// report prints a rebuild in the terminal.
func report(w io.Writer, ch generator.Change, sn *generator.Snapshot, res *generator.Result, err error) {
	what := strings.Join(ch.Paths, ", ")
	switch {
	case ch.All:
		what = "everything"
	case ch.Git && what == "":
		what = "Git history"
	}
	if len(what) > 120 {
		what = what[:117] + "..."
	}
	switch {
	case err == nil:
		fmt.Fprintf(w, "rebuilt (%s) in %v: %s\n", sn.Kind, sn.Took.Round(100*time.Microsecond), what)
	case errors.Is(err, generator.ErrContent):
		fmt.Fprintf(w, "not rebuilt: %s has errors; the last good build is still served\n", what)
	default:
		fmt.Fprintf(w, "not rebuilt: %v\n", err)
	}
	printProblems(w, res)
}

func printProblems(w io.Writer, res *generator.Result) {
	if res == nil {
		return
	}
	for _, e := range res.Diagnostics {
		fmt.Fprintln(w, e.Error())
	}
}
