package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/spf13/cobra"
)

func (g *globals) searchCmd() *cobra.Command {
	var r search.Request
	var asJSON bool
	c := &cobra.Command{
		Use:   "search [QUERY]",
		Short: "Search the portal: plan, proposals, practices, bodies and feedback",
		Long: "Search finds, ranked, what a reader of the portal finds with its search box. It reads\n" +
			"the index the last build kept in " + search.CacheDir + "; without one, it indexes the\n" +
			"site as it is. Plain words find their other forms (progetti finds progetto), accents\n" +
			"or not, the last one as a prefix; bleve's query syntax also works: \"a phrase\",\n" +
			"+must, -mustnot, field:value (title, text, status, tag, type, body...), word~1.\n" +
			"With no query and a filter, it lists what the filter selects, newest first.",
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Q = strings.Join(args, " ")
			if r.Q == "" && r.Type == "" && r.Status == "" && r.Body == "" && r.Tag == "" && r.Version == "" && r.Lang == "" {
				return usageError{errors.New("search what? give a query, or a filter such as --type proposal")}
			}
			x, err := g.searchIndex()
			if err != nil {
				return err
			}
			defer x.Close()
			res, err := x.Search(r)
			var qe *search.QueryError
			if errors.As(err, &qe) {
				return usageError{qe}
			}
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(g.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			writeResults(g.stdout, res, isTerminal(g.stdout))
			return nil
		},
	}
	f := c.Flags()
	f.StringVarP(&r.Type, "type", "t", "", "only this type: "+strings.Join(search.Types, ", "))
	f.StringVar(&r.Status, "status", "", "only this status (of proposals and actions)")
	f.StringVarP(&r.Body, "body", "b", "", "only what this body proposed, shared, owns or wrote (its IPA code)")
	f.StringVar(&r.Tag, "tag", "", "only what has this tag")
	f.StringVar(&r.Version, "plan-version", "", "only plan items as they are in this version of the plan (or draft)")
	f.StringVarP(&r.Lang, "lang", "l", "", "only documents in this language")
	f.IntVarP(&r.Page, "page", "p", 1, "the page of results")
	f.IntVarP(&r.Size, "number", "n", search.DefaultSize, fmt.Sprintf("results per page (at most %d)", search.MaxSize))
	f.BoolVar(&asJSON, "json", false, "print the result as JSON (total, hits, facets)")
	return c
}

// searchIndex opens the index the last build kept, or indexes the site in memory when
// there is none (or it cannot be read).
func (g *globals) searchIndex() (*search.Index, error) {
	x, err := search.Open(filepath.Join(g.source, search.CacheDir))
	if err == nil {
		return x, nil
	}
	src, oerr := g.open()
	if oerr != nil {
		return nil, oerr
	}
	res, ierr := generator.Inspect(generator.Options{Source: src, Dir: g.source})
	if errors.Is(ierr, generator.ErrContent) {
		_ = g.report(res, "text")
		return nil, exitError(exitContent)
	}
	if ierr != nil {
		return nil, ierr
	}
	x, _, err = search.Build("", search.Documents(res.Site, res.Config.Languages, markdown.New().Plain))
	return x, err
}

// writeResults prints a page of results for a reader: rank, title, type and status, URL,
// and the summary, the matched words in bold on a terminal.
func writeResults(w io.Writer, res *search.Result, terminal bool) {
	if res.Total == 0 {
		fmt.Fprintln(w, "no results")
		return
	}
	for i, h := range res.Hits {
		about := h.Type
		if h.Status != "" {
			about += ", " + h.Status
		}
		if h.Lang != "" && h.Lang != "it" {
			about += ", " + h.Lang
		}
		title := marked(h.TitleHTML, terminal)
		if h.Code != "" {
			title = h.Code + " " + title
		}
		fmt.Fprintf(w, "%d. %s (%s)\n   %s\n", (res.Page-1)*res.Size+i+1, title, about, h.URL)
		if h.Highlight != "" {
			fmt.Fprintf(w, "   %s\n", marked(h.Highlight, terminal))
		}
	}
	pages := (res.Total + res.Size - 1) / res.Size
	noun := "results"
	if res.Total == 1 {
		noun = "result"
	}
	fmt.Fprintf(w, "%d %s, page %d of %d\n", res.Total, noun, res.Page, pages)
}

// marked turns a highlight (escaped HTML with <mark>) into text, the marked words in
// bold when bold is set.
func marked(s string, bold bool) string {
	on, off := "", ""
	if bold {
		on, off = "\x1b[1m", "\x1b[0m"
	}
	parts := strings.Split(s, "<mark>")
	for i, p := range parts {
		if i > 0 {
			word, rest, _ := strings.Cut(p, "</mark>")
			parts[i] = on + printable(word) + off + printable(rest)
		} else {
			parts[i] = printable(p)
		}
	}
	return strings.Join(parts, "")
}

// printable unescapes HTML text and drops the control characters an author could use
// to play with the reader's terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, html.UnescapeString(s))
}

// isTerminal reports whether w is a terminal that may show bold text.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
