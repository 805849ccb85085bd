// Package sitetest builds whole sites written as txtar archives in memory, for
// integration tests in the style of Hugo's hugolib.Test: write a site as text, build it,
// assert on the output files.
package sitetest

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/output"
	"golang.org/x/tools/txtar"
)

// Minimal is a small valid site that tests extend: a plan owned by m_ef with one goal,
// objective and action, two bodies, one proposal with a vote and a feedback, one practice.
const Minimal = `
-- content/plan/_index.md --
---
title: Piano di prova
period: 2025-2027
owner: m_ef
phases:
  - name: Consultazione
    from: 2025-01-01
    to: 2025-06-30
    opens: [proposals, feedback, votes]
---
Introduzione al piano.
-- content/plan/goals/g1.md --
---
title: Obiettivo uno
order: 1
---
Testo dell'obiettivo.
-- content/plan/objectives/o1.md --
---
title: Obiettivo operativo uno
goal: g1
agid: [OB.1.1]
---
-- content/plan/actions/a1.md --
---
title: Azione uno
objective: o1
status: in-progress
progress: 40
start: 2025-01-01
due: 2025-12-31
indicators:
  - name: Enti coinvolti
    unit: enti
    baseline: 0
    target: 10
    values:
      - {date: 2025-03-01, value: 2}
      - {date: 2025-06-01, value: 5}
---
Testo dell'azione.
-- content/bodies/m_ef.md --
---
name: Ministero dell'Economia e delle Finanze
kind: ministry
website: https://www.mef.gov.it/
members:
  - name: Anna Rossi
    email: anna.rossi@mef.gov.it
---
-- content/bodies/c_h223.md --
---
name: Comune di Reggio Emilia
kind: municipality
members:
  - name: Marco Bianchi
    email: marco.bianchi@comune.re.it
---
-- content/proposals/p1/index.md --
---
title: Proposta uno
body: c_h223
authors: [Marco Bianchi]
date: 2025-02-01
targets: [a1]
tags: [Cloud, dati aperti]
status: open
---
## Contesto

Testo della proposta.
-- content/proposals/p1/reactions/m_ef.yaml --
vote: support
priority: 4
-- content/proposals/p1/feedback/m_ef-domanda.md --
---
title: Una domanda
date: 2025-02-10
kind: question
---
Quando partite?
-- content/practices/pr1/index.md --
---
title: Pratica uno
body: c_h223
kind: software
tags: [cloud]
links:
  - {title: Codice, url: "https://example.org/code"}
date: 2025-03-01
---
Una buona pratica.
-- content/practices/pr1/scheda.csv --
a,b
1,2
`

// Site returns the files of archive, with the files of overlay replacing or adding to
// them. A file in overlay whose content is exactly "DELETE\n" removes it.
func Site(archive, overlay string) fstest.MapFS {
	fsys := fstest.MapFS{}
	apply(fsys, archive)
	apply(fsys, overlay)
	return fsys
}

// apply writes the files of the txtar archive src into fsys; a file whose content is
// exactly "DELETE\n" removes it.
func apply(fsys fstest.MapFS, src string) {
	for _, f := range txtar.Parse([]byte(src)).Files {
		if string(f.Data) == "DELETE\n" {
			delete(fsys, f.Name)
			continue
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
}

// Demo returns the demo portal's files (content/), with the files of overlay replacing
// or adding to them as in Site.
func Demo(t testing.TB, overlay string) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(demo.Site(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(demo.Site(), p)
		fsys[p] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	apply(fsys, overlay)
	return fsys
}

// Build is a built site.
type Build struct {
	T      testing.TB
	Result *generator.Result
	Err    error
	Out    *output.Mem
}

// Run builds the site made of Minimal and overlay into memory.
func Run(t testing.TB, overlay string) *Build {
	t.Helper()
	return RunFS(t, Site(Minimal, overlay))
}

// Check checks the site made of Minimal and overlay, as `pspm check` does (problems in
// reaction and feedback files are errors there, warnings in a build).
func Check(t testing.TB, overlay string) *Build {
	t.Helper()
	res, err := generator.Check(generator.Options{Source: Site(Minimal, overlay)})
	return &Build{T: t, Result: res, Err: err, Out: output.NewMem()}
}

// RunFS builds fsys into memory.
func RunFS(t testing.TB, fsys fstest.MapFS) *Build {
	t.Helper()
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: fsys}, out)
	return &Build{T: t, Result: res, Err: err, Out: out}
}

// OK fails the test unless the build succeeded.
func (b *Build) OK() *Build {
	b.T.Helper()
	if b.Err != nil {
		b.T.Fatalf("build failed: %v\n%s", b.Err, b.Result.Diagnostics.Format())
	}
	return b
}

// File asserts on the content of an output file: each check is a substring that must be
// there, or, after "! ", one that must not.
func (b *Build) File(name string, checks ...string) *Build {
	b.T.Helper()
	data, ok := b.Out.Files()[name]
	if !ok {
		b.T.Fatalf("no output file %s (have %d files)", name, len(b.Out.Files()))
	}
	s := string(data)
	for _, c := range checks {
		if neg, ok := strings.CutPrefix(c, "! "); ok {
			if strings.Contains(s, neg) {
				b.T.Errorf("%s contains %q, which it must not", name, neg)
			}
		} else if !strings.Contains(s, c) {
			b.T.Errorf("%s does not contain %q", name, c)
		}
	}
	return b
}

// NoFile asserts that an output file does not exist.
func (b *Build) NoFile(name string) *Build {
	b.T.Helper()
	if _, ok := b.Out.Files()[name]; ok {
		b.T.Errorf("output file %s exists, but must not", name)
	}
	return b
}

// Diag asserts that a diagnostic printed as "file:line:col: message" contains want.
func (b *Build) Diag(want string) *Build {
	b.T.Helper()
	for _, e := range b.Result.Diagnostics {
		if strings.Contains(e.Error(), want) {
			return b
		}
	}
	b.T.Errorf("no diagnostic contains %q; got:\n%s", want, b.Result.Diagnostics.Format())
	return b
}

// Failed asserts that the build was refused for content errors and wrote nothing.
func (b *Build) Failed() *Build {
	b.T.Helper()
	if b.Err == nil || !b.Result.Diagnostics.HasErrors() {
		b.T.Fatalf("build succeeded, but must fail; diagnostics:\n%s", b.Result.Diagnostics.Format())
	}
	if n := len(b.Out.Files()); n > 0 {
		b.T.Errorf("a failed build wrote %d files", n)
	}
	return b
}

// Errors returns the errors, for finer assertions.
func (b *Build) Errors() diag.List { return b.Result.Diagnostics.Errors() }
