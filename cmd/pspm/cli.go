package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/archetype"
	"github.com/pspm-dev/pspm/generator/config"
	demogit "github.com/pspm-dev/pspm/generator/demo"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/memlimit"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/serve"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	exitOK      = 0
	exitContent = 1 // content errors (and internal failures)
	exitUsage   = 2
)

// usageError marks errors in the command line.
type usageError struct{ error }

// exitError carries an exit status that was already explained to the user.
type exitError int

func (e exitError) Error() string { return "exit " + strconv.Itoa(int(e)) }

// run is the whole command line; main and the tests call it.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return int(ee)
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "pspm: %v\nRun 'pspm --help' for usage.\n", err)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "pspm: %v\n", err)
		return exitContent
	}
}

type globals struct {
	source string
	stdout io.Writer
	stderr io.Writer
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "pspm",
		Short:         "Participatory Strategic Planning Module: a static portal for a plan and the participation around it",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVarP(&g.source, "source", "s", ".", "the site's folder (pspm.yaml, content/, layouts/, static/, i18n/)")
	root.AddCommand(g.buildCmd(), g.checkCmd(), g.auditCmd(), g.serveCmd(), g.searchCmd(), g.newCmd(), g.releaseCmd(), g.verifyCmd(), g.versionCmd())
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs turns argument-count errors into usage errors.
func wrapArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	if v == nil {
		v = cobra.NoArgs
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// open opens the source folder.
func (g *globals) open() (fs.FS, error) {
	fi, err := os.Stat(g.source)
	if err != nil || !fi.IsDir() {
		return nil, usageError{fmt.Errorf("source folder %s not found", g.source)}
	}
	return generator.OpenSource(g.source)
}

// report prints diagnostics and the summary line of a build or a check.
func (g *globals) report(res *generator.Result, format string) error {
	if res == nil {
		return nil
	}
	l := res.Diagnostics
	switch format {
	case "json":
		return l.WriteJSON(g.stdout)
	case "github":
		return l.WriteGitHub(g.stdout)
	case "gitlab":
		return l.WriteGitLab(g.stdout)
	}
	if len(l) > 0 {
		fmt.Fprint(g.stderr, l.Format())
	}
	if n := len(l.Errors()); n > 0 {
		fmt.Fprintf(g.stderr, "%d errors, %d warnings\n", n, len(l.Warnings()))
	}
	return nil
}

func (g *globals) buildCmd() *cobra.Command {
	var dest, baseURL, key, cpuProfile, memProfile, traceFile string
	var verbose, offline, sign bool
	c := &cobra.Command{
		Use:   "build",
		Short: "Build the portal into the destination folder (public/)",
		Long: "Build checks the content and writes the portal into a temporary folder beside the\n" +
			"destination, then swaps it in whole. With content errors, nothing is published\n" +
			"and the previous output is left as it was.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			src, err := g.open()
			if err != nil {
				return err
			}
			start := time.Now()
			defer memlimit.Soft(memlimit.Floor)()
			offheap.Enable()
			site.FileTexts(true)
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			if memProfile != "" {
				write, err := startMemProfile(memProfile)
				if err != nil {
					return err
				}
				defer write()
			}
			if traceFile != "" {
				stop, err := startTrace(traceFile)
				if err != nil {
					return err
				}
				defer stop()
			}
			var signer *signature.Signer
			if sign || key != "" {
				if signer, err = generator.BuildSigner(g.source, key, []byte(os.Getenv("PSPM_KEY_PASSPHRASE")), os.Getenv("SSH_AUTH_SOCK")); err != nil {
					return err
				}
			}
			res, err := generator.BuildDir(generator.Options{Source: src, Dir: g.source, BaseURL: baseURL, Offline: offline, Progress: g.stderr, Signer: signer}, dest)
			_ = g.report(res, "text")
			if errors.Is(err, generator.ErrContent) {
				fmt.Fprintf(g.stderr, "build refused: fix the errors above; %s was not changed\n", dest)
				return exitError(exitContent)
			}
			if err != nil {
				return err
			}
			if verbose {
				for _, t := range res.Timings {
					fmt.Fprintf(g.stderr, "  %-8s %v", t.Stage, t.Duration.Round(time.Millisecond))
					if t.Beside != "" {
						fmt.Fprintf(g.stderr, " (beside %s)", t.Beside)
					}
					fmt.Fprintln(g.stderr)
				}
				if live := memlimit.LargestLive(); live > 0 {
					fmt.Fprintf(g.stderr, "  memory: largest live heap %d MB, at most %d MB outside the heap (texts, cards, compressed data)\n", live>>20, offheap.Peak()>>20)
				}
				if res.Rendered+res.Kept > 0 {
					fmt.Fprintf(g.stderr, "  pages and feeds: %d rendered, %d kept from the previous build (.pspm/cache/pages)\n", res.Rendered, res.Kept)
				}
				if res.ChunksCompressed+res.ChunksKept > 0 {
					fmt.Fprintf(g.stderr, "  open data: %d chunks compressed, %d taken from the previous build (.pspm/cache/chunks.bin)\n", res.ChunksCompressed, res.ChunksKept)
				}
			}
			if w := generator.UnregisteredSigner(res, signer); w != "" {
				fmt.Fprintf(g.stderr, "warning: %s\n", w)
			}
			fmt.Fprintf(g.stdout, "built %d files into %s in %v\n", res.Files, dest, time.Since(start).Round(time.Millisecond))
			return nil
		},
	}
	c.Flags().StringVarP(&dest, "destination", "d", "public", "the output folder")
	c.Flags().StringVar(&baseURL, "base-url", "", "override baseURL of pspm.yaml")
	c.Flags().BoolVar(&offline, "offline", false, "use the copies of the sources fetched by earlier builds, without the network")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "print the time of each stage and how many pages were rendered and kept")
	c.Flags().BoolVar(&sign, "sign", false, "sign the build record (api/v1/build.json.sig) with Git's signing key (gpg.format, user.signingKey)")
	c.Flags().StringVar(&key, "key", "", "the key that signs the build record (SSH: default git config user.signingKey; OpenPGP: an armored secret key); implies --sign")
	c.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the build to this file, for go tool pprof")
	c.Flags().StringVar(&memProfile, "memprofile", "", "write a profile of what the build allocated (and what it still held at the end) to this file, for go tool pprof")
	c.Flags().StringVar(&traceFile, "trace", "", "write an execution trace of the build (what each goroutine and processor did, and when) to this file, for go tool trace")
	return c
}

// startCPUProfile profiles the process into the file path until the function it returns
// is called.
func startCPUProfile(path string) (func(), error) {
	return record(path, "--cpuprofile", pprof.StartCPUProfile, pprof.StopCPUProfile)
}

// startTrace traces the process's execution into the file path until the function it
// returns is called: where a build waits on one core while the other is idle, which a
// CPU profile does not show.
func startTrace(path string) (func(), error) {
	return record(path, "--trace", trace.Start, trace.Stop)
}

// record runs start on the file path, created at once so that a path that cannot be
// written fails before the build starts, and returns the function that stops it and
// closes the file.
func record(path, flag string, start func(io.Writer) error, stop func()) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	return func() { stop(); f.Close() }, nil
}

// startMemProfile records every allocation from now on (as go test -memprofile does),
// and returns the function that writes the profile into the file path, created at once
// so that a path that cannot be written fails before the build starts.
func startMemProfile(path string) (write func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	rate := runtime.MemProfileRate
	runtime.MemProfileRate = 4096
	return func() {
		runtime.GC() // the profile's "in use" as of the end of the build
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			fmt.Fprintf(os.Stderr, "warning: --memprofile: %v\n", err)
		}
		f.Close()
		runtime.MemProfileRate = rate
	}, nil
}

func (g *globals) checkCmd() *cobra.Command {
	var format, base, head, now, actor string
	c := &cobra.Command{
		Use:   "check",
		Short: "Check the content without writing anything; exit 1 on errors",
		Long: "Check reads and checks every content file, as a build does, without writing anything.\n" +
			"With --base it checks a merge request as a forge's CI job: the content as it will\n" +
			"land, then who made each change it brings (votes and comments only by members of\n" +
			"their body, the plan and official fields only by the plan owner, and contributions\n" +
			"only while a phase opens them), under the rules of the base branch. With --actor,\n" +
			"the forge account that opened the request must be a member (members[].forge) of\n" +
			"a body allowed to make every change. Exit 1 on any error or violation.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch format {
			case "text", "json", "github", "gitlab":
			default:
				return usageError{fmt.Errorf("--format %q: want text, json, github or gitlab", format)}
			}
			src, err := g.open()
			if err != nil {
				return err
			}
			var res *generator.Result
			if actor != "" && base == "" {
				return usageError{fmt.Errorf("--actor %q needs --base: it names who opened a merge request", actor)}
			}
			if base != "" {
				at := time.Now()
				if now != "" {
					if at, err = time.Parse(time.RFC3339, now); err != nil {
						return usageError{fmt.Errorf("--now %q: want a time as 2026-05-01T12:00:00Z", now)}
					}
				}
				res, err = generator.CheckChanges(generator.Options{Source: src, Dir: g.source, Actor: actor}, base, head, at)
			} else {
				res, err = generator.Check(generator.Options{Source: src, Dir: g.source})
			}
			if rerr := g.report(res, format); rerr != nil {
				return rerr
			}
			if errors.Is(err, generator.ErrContent) {
				return exitError(exitContent)
			}
			if err != nil {
				return err
			}
			if format == "text" {
				fmt.Fprintf(g.stdout, "ok: %d proposals, %d practices, %d bodies, %d actions, %d reactions, %d feedback; %d warnings\n",
					len(res.Site.Proposals), len(res.Site.Practices), len(res.Site.Bodies), len(res.Site.Actions),
					len(res.Site.Reactions), len(res.Site.Feedback), len(res.Diagnostics.Warnings()))
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text, json (an array of {file, line, col, severity, message}), github (annotations of GitHub and Gitea Actions) or gitlab (a GitLab Code Quality report)")
	c.Flags().StringVar(&base, "base", "", "check a merge request: the revision it targets, e.g. origin/main")
	c.Flags().StringVar(&head, "head", "HEAD", "with --base: the merge request's tip")
	c.Flags().StringVar(&now, "now", "", "with --base: judge the phase rules at this time (RFC 3339) instead of now")
	c.Flags().StringVar(&actor, "actor", "", "with --base: the forge account that opened the merge request, as the forge authenticated it (e.g. ${{ github.event.pull_request.user.login }})")
	return c
}

func (g *globals) auditCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "audit ITEM",
		Short: "Print an item's audit trail: every vote with its verdict and commit, its history, its feedback",
		Long: "Audit prints, for one item (e.g. proposals/telemedicina), every reaction file with\n" +
			"whether it counts and why not, the commit that cast it and when it landed on the\n" +
			"main branch; every change to the item's text; and its feedback thread: the same\n" +
			"trail the item's page shows.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := g.open()
			if err != nil {
				return err
			}
			res, err := generator.Inspect(generator.Options{Source: src, Dir: g.source})
			if errors.Is(err, generator.ErrContent) {
				_ = g.report(res, "text")
				return exitError(exitContent)
			}
			if err != nil {
				return err
			}
			t, err := generator.Audit(res, args[0])
			if err != nil {
				return usageError{err}
			}
			if asJSON {
				return t.WriteJSON(g.stdout)
			}
			return t.WriteText(g.stdout)
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func (g *globals) serveCmd() *cobra.Command {
	var bind, baseURL string
	var demoSite bool
	var port int
	c := &cobra.Command{
		Use:   "serve",
		Short: "Build the portal, serve it on http://127.0.0.1:1313, and rebuild it as you edit",
		Long: "Serve builds the portal in memory and serves it. It watches content/, layouts/,\n" +
			"static/, i18n/, themes/, pspm.yaml and the Git refs: each save rebuilds what it\n" +
			"changed and reloads the pages open in the browser. Errors are printed here as\n" +
			"file:line:col: message and shown over every page until fixed; meanwhile the last\n" +
			"good build is served. Ctrl-C stops it.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			var src fs.FS
			dir := g.source
			_, noContent := os.Stat(filepath.Join(g.source, "content"))
			if demoSite || noContent != nil {
				if !demoSite {
					fmt.Fprintf(g.stderr, "no content/ folder in %s: serving the demo portal (create your own with 'pspm new site DIR')\n", g.source)
				}
				// The demo is built from its Git history, written into a temporary
				// folder removed at exit: versions, changes and the votes' audit need it.
				tmp, err := os.MkdirTemp("", "pspm-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				if err := writeDemo(tmp); err != nil {
					return err
				}
				dir = tmp
				if src, err = generator.OpenSource(dir); err != nil {
					return err
				}
			} else {
				var err error
				if src, err = g.open(); err != nil {
					return err
				}
			}
			addr := net.JoinHostPort(bind, strconv.Itoa(port))
			if baseURL == "" {
				baseURL = "http://" + addr + "/"
			}
			u, err := url.Parse(baseURL)
			if err != nil || u.Scheme == "" || u.Host == "" {
				return usageError{fmt.Errorf("--base-url %q: want an absolute URL such as https://preview.example.org/site/", baseURL)}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			defer memlimit.Soft(memlimit.Floor)()
			return serve.Preview(ctx, serve.PreviewOptions{Source: src, Dir: dir, BaseURL: baseURL, BasePath: u.Path, Addr: addr, Out: g.stdout,
				Ready: func(a string) {
					fmt.Fprintf(g.stdout, "serving on http://%s/ (Ctrl-C to stop)\n", a)
				}})
		},
	}
	c.Flags().StringVar(&bind, "bind", "127.0.0.1", "the interface to listen on")
	c.Flags().IntVarP(&port, "port", "p", 1313, "the port to listen on")
	c.Flags().StringVar(&baseURL, "base-url", "", "the URL the site is reached at, e.g. behind a proxy (default http://BIND:PORT/)")
	c.Flags().BoolVar(&demoSite, "demo", false, "serve the demo portal embedded in the binary, with its Git history, whatever the source folder")
	return c
}

func (g *globals) newCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "new KIND",
		Short: "Add a proposal, practice, feedback, vote, amendment, answer or plan item, or create a new site",
		Args:  cobra.ArbitraryArgs,
	}
	// An unknown kind is a usage error that lists the kinds, rather than the help and
	// exit 0 that cobra gives a command without RunE.
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		var kinds []string
		for _, sc := range cmd.Commands() {
			if sc.IsAvailableCommand() {
				kinds = append(kinds, sc.Name())
			}
		}
		return usageError{fmt.Errorf("new %q: unknown kind; want one of %s", args[0], strings.Join(kinds, ", "))}
	}
	var r archetype.Request
	var date string
	var replace bool
	item := func(kind, use, short string, args cobra.PositionalArgs, setup func(*cobra.Command)) *cobra.Command {
		plan := false
		for _, k := range site.PlanKinds {
			plan = plan || k.Name == kind
		}
		sc := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  wrapArgs(args),
			RunE: func(cmd *cobra.Command, args []string) error {
				r.Kind = kind
				if kind == "proposal" || kind == "practice" || plan {
					r.ID = args[0]
				} else {
					r.Item = args[0]
				}
				if date != "" {
					d, err := time.Parse("2006-01-02", date)
					if err != nil {
						return usageError{fmt.Errorf("--date %q: want YYYY-MM-DD", date)}
					}
					r.Date = d
				}
				src, err := g.open()
				if err != nil {
					return err
				}
				var errs diag.List
				cfg := config.Load(src, &errs) // for the theme, whose archetypes the site may override
				chain, err := theme.New(src, cfg.Theme)
				if err != nil {
					return err
				}
				f, err := archetype.Make(src, chain, r)
				if err != nil {
					return usageError{err}
				}
				full, err := output.CreateFile(g.source, f.Path, f.Data, replace && kind == "vote")
				if err != nil {
					return err
				}
				fmt.Fprintln(g.stdout, full)
				if f.Note != "" {
					fmt.Fprintln(g.stdout, f.Note)
				}
				return nil
			},
		}
		if plan {
			if archetype.HasOwner(kind) {
				sc.Flags().StringVarP(&r.Body, "body", "b", "", "the IPA code of the body that owns the item, written as owner: (default: the plan's owner)")
			}
		} else {
			sc.Flags().StringVarP(&r.Body, "body", "b", "", "the IPA code of the body that contributes (required)")
			_ = sc.MarkFlagRequired("body")
		}
		sc.Flags().StringVar(&date, "date", "", "the date to write (default today), YYYY-MM-DD")
		setup(sc)
		return sc
	}
	c.AddCommand(
		item("proposal", "proposal ID", "Write content/proposals/ID/index.md", cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVarP(&r.Title, "title", "t", "", "the title")
		}),
		item("practice", "practice ID", "Write content/practices/ID/index.md", cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVarP(&r.Title, "title", "t", "", "the title")
			sc.Flags().StringVarP(&r.Practice, "kind", "k", "experience", "strategic-plan, methodology, experience, software or guideline")
		}),
		item("feedback", "feedback ITEM", "Write ITEM's feedback/<body>-<slug>.md (ITEM is e.g. proposals/x or plan/actions/y)", cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVarP(&r.Title, "title", "t", "", "the title")
			sc.Flags().StringVarP(&r.Feedback, "kind", "k", "comment", "comment, question, objection or support")
			sc.Flags().StringVar(&r.Slug, "slug", "", "the file name after the body id (default: from the title)")
			sc.Flags().StringVar(&r.ReplyTo, "reply-to", "", "answer another feedback of the item: its file name without .md")
			sc.Flags().StringVar(&r.Paragraph, "paragraph", "", "comment a paragraph of the item's text: its anchor p-…")
		}),
		item("vote", "vote ITEM", "Write ITEM's reactions/<body>.yaml (ITEM is e.g. proposals/x, plan/actions/y, or an amendment, plan/actions/y/amendments/<body>-<slug>)", cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVar(&r.Vote, "vote", "", "support, oppose or abstain")
			sc.Flags().IntVar(&r.Priority, "priority", 0, "1 (low) to 5 (high)")
			sc.Flags().StringVar(&r.Comment, "comment", "", "a short comment")
			sc.Flags().BoolVar(&replace, "replace", false, "change the body's existing vote")
		}),
		item("amendment", "amendment ITEM", "Write ITEM's amendments/<body>-<slug>.md, a change proposed to a plan item the body does not own (ITEM is e.g. plan/actions/y)", cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVarP(&r.Title, "title", "t", "", "the proposed title (default: the item's current title)")
			sc.Flags().StringVar(&r.Slug, "slug", "", "the file name after the body id (default: emendamento)")
			sc.Flags().StringVar(&r.Reason, "reason", "", "why the change is proposed")
		}),
		item("answer", "answer AMENDMENT", "Write an amendment's answer.md: its item's owner accepts or rejects it (AMENDMENT is its key, plan/actions/y/amendments/<body>-<slug>, or its file)", cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVar(&r.State, "state", "", "accepted (the same merge request applies the amendment to the item) or rejected (write why)")
			_ = sc.MarkFlagRequired("state")
		}),
		g.newSiteCmd(),
		g.newParticipantCmd(),
	)
	for _, k := range site.PlanKinds {
		short := "Write content/" + string(k.Section) + "/ID.md, a " + k.Name + " of the plan"
		c.AddCommand(item(k.Name, k.Name+" ID", short, cobra.ExactArgs(1), func(sc *cobra.Command) {
			sc.Flags().StringVarP(&r.Title, "title", "t", "", "the title")
			if k.Parent != "" {
				sc.Flags().StringVarP(&r.Parent, "parent", "P", "", "the id of its "+site.KindOf(k.Parent).Name+" (required), written as "+k.ParentKey+":")
			}
		}))
	}
	return c
}

// newParticipantCmd is `pspm new participant HANDLE --name … --kind …`: a participant's
// registration file, content/participants/HANDLE.md.
func (g *globals) newParticipantCmd() *cobra.Command {
	var r archetype.ParticipantRequest
	c := &cobra.Command{
		Use:   "participant HANDLE",
		Short: "Write content/participants/HANDLE.md, the registration of a participant of the community",
		Args:  wrapArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			r.Handle = args[0]
			src, err := g.open()
			if err != nil {
				return err
			}
			f, err := archetype.MakeParticipant(src, r)
			if err != nil {
				return usageError{err}
			}
			full, err := output.CreateFile(g.source, f.Path, f.Data, false)
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, full)
			return nil
		},
	}
	c.Flags().StringVar(&r.Name, "name", "", "the display name (required)")
	c.Flags().StringVarP(&r.Kind, "kind", "k", "citizen", strings.Join(site.ParticipantKinds, ", "))
	c.Flags().StringVar(&r.Municipality, "municipality", "", "the municipality")
	c.Flags().StringVar(&r.Forge, "forge", "", "the account on the portal's forge that may change the participant's files")
	_ = c.MarkFlagRequired("name")
	return c
}

func (g *globals) newSiteCmd() *cobra.Command {
	var r archetype.SiteRequest
	var today string
	var demoSite bool
	c := &cobra.Command{
		Use:   "site DIR",
		Short: "Create a small working portal in DIR; with --body, a local body's portal federated with the central one",
		Long: "Site creates a small working portal in DIR: a plan, a proposal, a practice, pspm.yaml,\n" +
			"a README and the CI files of GitHub and GitLab, or of --forge alone.\n\n" +
			"With --body, it is the portal of a local body (e.g. --body c_h223 --name \"Comune di\n" +
			"Reggio Emilia\"): the body owns its plan, the central portal (--central) is a source,\n" +
			"the example action names a central objective in contributes_to, and the CI files\n" +
			"are those of --forge.\n\n" +
			"Votes count by their commit's author (--votes); the consultation phase opens on\n" +
			"--date (default today) for three months, then the implementation phase runs to\n" +
			"the end of the plan's three years. Placeholders are on example.org.",
		Args: wrapArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return usageError{fmt.Errorf("%s is not empty", dir)}
			}
			if demoSite {
				var other []string
				cmd.Flags().Visit(func(f *pflag.Flag) {
					if f.Name != "demo" {
						other = append(other, "--"+f.Name)
					}
				})
				if len(other) > 0 {
					return usageError{fmt.Errorf("--demo writes the demo as it is: it takes no %s", strings.Join(other, ", "))}
				}
				if err := writeDemo(dir); err != nil {
					return err
				}
				fmt.Fprintf(g.stdout, "created the demo portal in %s, a Git repository with its history\nnext: cd %s && git log --graph --oneline && pspm serve\n", dir, shellQuote(dir))
				return nil
			}
			chain, err := theme.New(nil, "")
			if err != nil {
				return err
			}
			r.Today = time.Now()
			if today != "" {
				d, err := time.Parse("2006-01-02", today)
				if err != nil {
					return usageError{fmt.Errorf("--date %q: want YYYY-MM-DD", today)}
				}
				r.Today = d
			}
			files, err := archetype.Site(chain, r)
			if err != nil {
				return usageError{err}
			}
			for _, f := range files {
				if _, err := output.CreateFile(dir, f.Path, f.Data, false); err != nil {
					return err
				}
			}
			fmt.Fprintf(g.stdout, "created a portal in %s (%d files)\nnext: cd %s && pspm serve\n", dir, len(files), shellQuote(dir))
			if r.Body != "" {
				fmt.Fprintf(g.stdout, "then: replace the placeholders marked REPLACE (the central portal's repository in pspm.yaml first), as %s says\n", filepath.Join(dir, "README.md"))
			}
			return nil
		},
	}
	c.Flags().StringVarP(&r.Title, "title", "t", "", "the plan's title")
	c.Flags().BoolVar(&demoSite, "demo", false, "write the demo portal instead, as a Git repository with its history (git log shows it)")
	c.Flags().StringVar(&r.Owner, "owner", "", "the IPA code of the body that owns the plan (default m_ef; with --body, the body)")
	c.Flags().StringVar(&r.OwnerName, "owner-name", "", "the name of the body that owns the plan, shown in the footer (default: MEF's name for m_ef)")
	c.Flags().IntVar(&r.Year, "year", 0, "the first year of the plan (default this year)")
	c.Flags().StringVar(&r.Votes, "votes", "", "the vote policy, votes.policy in pspm.yaml: "+strings.Join(archetype.VotePolicies, ", ")+" (default "+archetype.VotePolicies[0]+")")
	c.Flags().StringVar(&today, "date", "", "the day the consultation phase opens, YYYY-MM-DD (default today)")
	c.Flags().StringVarP(&r.Body, "body", "b", "", "make the portal of this local body, by its IPA code (e.g. c_h223)")
	c.Flags().StringVar(&r.Name, "name", "", "with --body: the body's name (default \"Ente <body>\")")
	c.Flags().StringVar(&r.Kind, "kind", "", "with --body: the body's kind, as kind: in content/bodies/<ipa-code>.md says it (default municipality)")
	c.Flags().StringVar(&r.Forge, "forge", "", "where the repository lives, for its CI files: "+strings.Join(archetype.Forges, ", ")+" (default: GitHub's and GitLab's; with --body, "+archetype.Forges[0]+")")
	c.Flags().StringVar(&r.Color, "color", "", "with --body: the main colour, #rrggbb, on which white text is readable (default "+archetype.DefaultColor+")")
	c.Flags().StringVar(&r.Central, "central", "", "with --body: the central portal's Git repository (default "+archetype.CentralURL+", a placeholder)")
	return c
}

func (g *globals) releaseCmd() *cobra.Command {
	var note, noteFile, key, dest, published string
	var sign, restoreTag bool
	c := &cobra.Command{
		Use:   "release VERSION",
		Short: "Publish a plan version: check the last commit, then tag it plan/VERSION",
		Long: "Release runs every check of pspm check on the last commit and, when nothing is wrong,\n" +
			"creates the annotated tag plan/VERSION (the prefix of plan.tags in pspm.yaml) on it,\n" +
			"with the note as its message and you (git config user.name and user.email) as tagger.\n" +
			"It refuses a work tree that differs from the last commit in content/, pspm.yaml,\n" +
			"layouts/, static/ or i18n/, a tag that exists, and a version name the portal already\n" +
			"published (the destination's api/v1/versions.json, or --published).\n\n" +
			"The tag is signed with --sign, --key or when git config tag.gpgSign is true: with an\n" +
			"SSH key when gpg.format is ssh (--key or user.signingKey: a private key file, or its\n" +
			".pub with the private key beside it or in ssh-agent), with OpenPGP otherwise (--key:\n" +
			"an armored secret key file from gpg --armor --export-secret-keys; gpg-agent's keyring\n" +
			"is not read). A protected key's passphrase is read from PSPM_KEY_PASSPHRASE.\n\n" +
			"With --restore, it puts back the tag of a published version as it was published\n" +
			"(same commit, note, tagger and date), replacing a moved tag: the fix that the build's\n" +
			"moved-tag and gone-tag errors name. Then push the tag, as the command says.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if note != "" && noteFile != "" {
				return usageError{errors.New("--note and --note-file: give one of them")}
			}
			if restoreTag && (note != "" || noteFile != "") {
				return usageError{errors.New("--restore takes the note the version was published with: drop --note")}
			}
			if !restoreTag {
				if err := generator.CheckVersionName(args[0]); err != nil {
					return usageError{err}
				}
			}
			if noteFile != "" {
				b, err := os.ReadFile(noteFile)
				if err != nil {
					return usageError{fmt.Errorf("--note-file: %w", err)}
				}
				note = string(b)
			}
			src, err := g.open()
			if err != nil {
				return err
			}
			if published == "" {
				published = filepath.Join(dest, filepath.FromSlash(generator.PublishedVersions))
			}
			res, err := generator.Release(generator.ReleaseOptions{Source: src, Dir: g.source, Version: args[0], Note: note,
				Sign: sign, Key: key, Passphrase: []byte(os.Getenv("PSPM_KEY_PASSPHRASE")), AgentSocket: os.Getenv("SSH_AUTH_SOCK"),
				Published: published, Restore: restoreTag, Now: time.Now()})
			if res != nil && res.Check != nil {
				_ = g.report(res.Check, "text")
			}
			if errors.Is(err, generator.ErrContent) {
				fmt.Fprintf(g.stderr, "release refused: fix the errors above and commit; no tag was made\n")
				return exitError(exitContent)
			}
			if err != nil {
				return err
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(g.stderr, "warning: %s\n", w)
			}
			signed := ""
			if res.SignedBy != "" {
				signed = ", signed with the " + res.SignedBy
			}
			switch {
			case res.Unchanged:
				fmt.Fprintf(g.stdout, "tag %s already names commit %.12s, where version %s was published: nothing to restore\n", res.Tag, res.Commit, args[0])
				return nil
			case restoreTag:
				was := "it was gone"
				if res.Replaced != "" {
					was = fmt.Sprintf("it pointed at %.12s", res.Replaced)
				}
				fmt.Fprintf(g.stdout, "restored tag %s on commit %.12s (%s), by %s, dated %s as published%s\n", res.Tag, res.Commit, was, res.Tagger, res.Date.Format(time.RFC3339), signed)
				fmt.Fprintf(g.stdout, "next: git push -f origin %s\n", res.Tag)
			default:
				fmt.Fprintf(g.stdout, "checked: %d warnings\ncreated tag %s on commit %.12s, by %s, %s%s\n", len(res.Check.Diagnostics.Warnings()), res.Tag, res.Commit, res.Tagger, res.Date.Format(time.RFC3339), signed)
				fmt.Fprintf(g.stdout, "next: git push origin %s (the portal's CI publishes the version)\n", res.Tag)
			}
			return nil
		},
	}
	c.Flags().StringVarP(&note, "note", "m", "", "the release note, the tag's message")
	c.Flags().StringVarP(&noteFile, "note-file", "F", "", "read the release note from this file")
	c.Flags().BoolVar(&sign, "sign", false, "sign the tag (default: as git config tag.gpgSign says)")
	c.Flags().StringVar(&key, "key", "", "the signing key file (SSH: default git config user.signingKey; OpenPGP: an armored secret key); implies --sign")
	c.Flags().StringVarP(&dest, "destination", "d", "public", "the output folder of pspm build, whose api/v1/versions.json lists the published versions")
	c.Flags().StringVar(&published, "published", "", "the published versions.json to compare with (default DESTINATION/api/v1/versions.json), e.g. a copy of the live portal's")
	c.Flags().BoolVar(&restoreTag, "restore", false, "put back the tag of a published version as it was published (after the build's moved-tag or gone-tag error)")
	return c
}

func (g *globals) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print pspm's version",
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(g.stdout, "pspm", generator.Version)
			return nil
		},
	}
}

// writeDemo writes the demo repository, its Git folder and its work tree, into dir.
func writeDemo(dir string) error {
	return demogit.Write(func(name string, data []byte) error {
		_, err := output.CreateFile(dir, name, data, false)
		return err
	})
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " '\"$\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
