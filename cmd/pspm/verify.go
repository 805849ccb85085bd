package main

import (
	"context"
	"errors"
	"fmt"
	"os/signal"
	"strings"
	"syscall"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/spf13/cobra"
)

// exitCannotVerify is pspm verify's status when it could not check at all.
const exitCannotVerify = 2

func (g *globals) verifyCmd() *cobra.Command {
	var repo, format, work string
	c := &cobra.Command{
		Use:   "verify SITE_URL_OR_FOLDER",
		Short: "Rebuild a published portal from its repository and report what differs",
		Long: "Verify reads the build record a portal publishes (api/v1/build.json), clones the\n" +
			"repository at the recorded commit with the recorded history and version tags,\n" +
			"rebuilds it with the recorded configuration, and compares every file with the\n" +
			"published one: files added, missing or changed on the host, and for open data\n" +
			"what the difference changes (a tally, a vote's verdict, a status, a version).\n" +
			"Exit 0 when everything matches, 1 with differences, 2 when it cannot check\n" +
			"(no record, another pspm version, a repository without the recorded commit).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "github" {
				return usageError{fmt.Errorf("--format %q: want text or github", format)}
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			rep, err := generator.Verify(ctx, generator.VerifyOptions{Target: args[0], Repo: repo, Work: work, Progress: g.stderr})
			if errors.Is(err, generator.ErrCannotVerify) {
				msg := strings.TrimPrefix(err.Error(), generator.ErrCannotVerify.Error()+": ")
				if format == "github" {
					var l diag.List
					l.Add(diag.Pos{File: generator.RecordFile}, "pspm verify cannot check %s: %s", args[0], msg)
					_ = l.WriteGitHub(g.stdout)
				}
				fmt.Fprintf(g.stderr, "cannot check %s: %s\n", args[0], msg)
				return exitError(exitCannotVerify)
			}
			if err != nil {
				return err
			}
			var found diag.List
			for _, d := range rep.Differences {
				if format == "github" {
					found.Add(diag.Pos{File: d.Path}, "%s: %s", d.Kind, strings.Join(append([]string{d.Says}, d.Meaning...), "\n"))
					continue
				}
				fmt.Fprintf(g.stdout, "%s: %s: %s\n", d.Path, d.Kind, d.Says)
				for _, m := range d.Meaning {
					fmt.Fprintf(g.stdout, "    %s\n", m)
				}
			}
			_ = found.WriteGitHub(g.stdout)
			if len(rep.Differences) > 0 {
				fmt.Fprintf(g.stderr, "%s differs from commit %.12s of its repository: %d difference(s) in %d files compared\n", args[0], rep.Commit, len(rep.Differences), rep.Files)
				return exitError(exitContent)
			}
			if rep.Signer != "" {
				fmt.Fprintf(g.stdout, "the build record is signed by %s\n", rep.Signer)
			}
			fmt.Fprintf(g.stdout, "verified: the %d files of %s are what commit %.12s of its repository gives\n", rep.Files, args[0], rep.Commit)
			return nil
		},
	}
	c.Flags().StringVar(&repo, "repo", "", "the repository (folder or URL); default: the one the build record names")
	c.Flags().StringVar(&format, "format", "text", "text, or github (workflow commands for GitHub Actions)")
	c.Flags().StringVar(&work, "work", "", "scratch folder for the clone and the rebuild (default: a temporary folder, removed)")
	return c
}
