package generator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/source"
)

// ErrCannotVerify is returned (wrapped, with the reason) when a portal cannot be checked:
// no build record, another pspm, a repository that no longer has the recorded commit.
var ErrCannotVerify = errors.New("cannot verify")

// VerifyOptions says which published portal to check against which repository.
type VerifyOptions struct {
	// Target is the published portal: a folder, or its http(s) address.
	Target string
	// Repo is the repository (a folder or a URL); "" uses the one the record names.
	Repo string
	// Work is a scratch folder for the clone and the rebuild; "" makes one (removed at
	// the end).
	Work string
	// Client fetches the portal's files over HTTP; nil uses a client with a timeout.
	Client *http.Client
	// Progress, when set, receives what Verify is doing.
	Progress io.Writer
}

// Difference is one way the published portal is not what its repository gives.
type Difference struct {
	// Kind is "added" (on the host, not from the repository), "missing" (from the
	// repository, not on the host), "changed" (other bytes) or "record" (the build record
	// says something the repository does not give).
	Kind string
	Path string
	// Says is the difference in plain words; Meaning lists, for open data, what the
	// difference changes (a tally, a vote's verdict, a status, a version).
	Says    string
	Meaning []string
}

// VerifyReport is what Verify found.
type VerifyReport struct {
	Record      *Record // as published
	Commit      string
	Files       int // files compared
	Differences []Difference
	// Signer names who signed the build record (a member of the plan owner body and the
	// key's fingerprint), when it is signed and the signature verifies.
	Signer string
}

// maxHostFile bounds a file fetched from the host.
const maxHostFile = 1 << 30

// Verify reads the build record a portal publishes, clones its repository at the
// recorded commit (with the recorded history and version tags), rebuilds it with the
// recorded configuration, and compares every file.
func Verify(ctx context.Context, o VerifyOptions) (*VerifyReport, error) {
	say := func(format string, a ...any) {
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, format+"\n", a...)
		}
	}
	cannot := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrCannotVerify, fmt.Sprintf(format, a...))
	}
	h, err := openHost(o.Target, o.Client)
	if err != nil {
		return nil, cannot("%v", err)
	}
	data, err := h.read(ctx, RecordFile)
	if err != nil {
		return nil, cannot("no build record at %s (%v): the portal was built by a pspm that does not publish one, or the file was removed", h.where(RecordFile), err)
	}
	rec, err := ReadRecord(data)
	if err != nil {
		return nil, cannot("%v", err)
	}
	rep := &VerifyReport{Record: rec, Commit: rec.Commit}
	me := thisGenerator()
	if rec.Generator.Version != me.Version || (rec.Generator.Sum != "" && me.Sum != "" && rec.Generator.Sum != me.Sum) {
		return rep, cannot("the portal was built by pspm %s%s and this is pspm %s: the same bytes need the same pspm; install it with `go install github.com/pspm-dev/pspm/cmd/pspm@v%s` and run pspm verify again", rec.Generator.Version, sumNote(rec.Generator.Sum), me.Version, strings.TrimPrefix(rec.Generator.Version, "v"))
	}
	if rec.Commit == "" {
		return rep, cannot("the build record names no commit: the portal was built from a folder outside Git, so nothing can rebuild it")
	}
	repo := o.Repo
	if repo == "" {
		repo = rec.Repository
	}
	if repo == "" {
		return rep, cannot("the build record names no repository (forge.url of pspm.yaml): pass --repo with the repository's address or folder")
	}
	work := o.Work
	if work == "" {
		if work, err = os.MkdirTemp("", "pspm-verify-"); err != nil {
			return rep, err
		}
		defer os.RemoveAll(work)
	}
	clone := filepath.Join(work, "repo")
	say("cloning %s at %.12s", repo, rec.Commit)
	spec := history.CloneSpec{URL: repo, Dir: clone, Commit: rec.Commit, Tags: map[string]string{}}
	if rec.History != nil {
		spec.Branch, spec.Head = rec.History.Branch, rec.History.Head
	}
	for _, t := range rec.Tags {
		spec.Tags[t.Name] = t.Commit
	}
	if err := history.CloneAt(ctx, spec); err != nil {
		return rep, cannot("%v", err)
	}
	siteDir := clone
	if rec.Site != "" {
		if output.CheckPath(rec.Site) != nil {
			return rep, cannot("the build record's site folder %q is not a folder inside the repository", rec.Site)
		}
		siteDir = filepath.Join(clone, filepath.FromSlash(rec.Site))
	}
	src, err := source.Open(siteDir)
	if err != nil {
		return rep, cannot("the site folder %q is not in commit %.12s: %v", rec.Site, rec.Commit, err)
	}
	bo := Options{Source: src, Dir: siteDir, pins: map[string]string{}}
	if rec.BaseURLOverride {
		bo.BaseURL = rec.BaseURL
	}
	for _, s := range rec.Sources {
		bo.pins[pinKey(s.Kind, s.URL, s.Ref, s.Path)] = s.Commit
	}
	say("rebuilding commit %.12s", rec.Commit)
	out := filepath.Join(work, "public")
	res, err := BuildDir(bo, out)
	if err != nil {
		return rep, cannot("commit %.12s does not build: %v", rec.Commit, err)
	}
	want, err := ReadRecord(res.Record)
	if err != nil {
		return rep, err
	}
	rep.Differences = append(rep.Differences, compareHeads(rec, want)...)
	wantFiles := map[string]RecordEntry{}
	for _, f := range want.Files {
		wantFiles[f.Path] = f
	}
	saidFiles := map[string]RecordEntry{}
	for _, f := range rec.Files {
		saidFiles[f.Path] = f
	}
	say("comparing %d files", len(want.Files))
	rep.Files = len(want.Files)
	diffs, err := compareFiles(ctx, h, out, want.Files, saidFiles)
	if err != nil {
		return rep, err
	}
	rep.Differences = append(rep.Differences, diffs...)
	// What the record lists and the repository does not give.
	for _, f := range rec.Files {
		if _, ok := wantFiles[f.Path]; ok {
			continue
		}
		if output.CheckPath(f.Path) != nil {
			rep.Differences = append(rep.Differences, Difference{Kind: "record", Path: RecordFile, Says: fmt.Sprintf("the build record lists %q, which is not a path inside a portal", f.Path)})
			continue
		}
		d := Difference{Kind: "record", Path: f.Path, Says: "the build record lists this file, which the repository does not give"}
		if _, err := h.read(ctx, f.Path); err == nil {
			d.Kind, d.Says = "added", "on the host and in its build record, but not given by the repository"
		}
		rep.Differences = append(rep.Differences, d)
	}
	// What the host has beyond: only a folder can be listed.
	if names, err := h.list(); err != nil {
		return rep, err
	} else {
		for _, n := range names {
			if _, ok := wantFiles[n]; ok || n == RecordFile || n == RecordSignatureFile {
				continue
			}
			if _, ok := saidFiles[n]; ok {
				continue // reported above
			}
			rep.Differences = append(rep.Differences, Difference{Kind: "added", Path: n, Says: "on the host, not given by the repository nor listed in the build record"})
		}
	}
	if sig, err := h.read(ctx, RecordSignatureFile); err == nil {
		signer, problem := verifyRecordSignature(res, data, sig, rec.Time)
		if problem != "" {
			rep.Differences = append(rep.Differences, Difference{Kind: "signature", Path: RecordSignatureFile, Says: problem})
		}
		rep.Signer = signer
	} else if !errors.Is(err, fs.ErrNotExist) {
		return rep, err
	}
	sort.SliceStable(rep.Differences, func(i, j int) bool { return rep.Differences[i].Path < rep.Differences[j].Path })
	return rep, nil
}

// sumNote names a module checksum, when the record has one.
func sumNote(sum string) string {
	if sum == "" {
		return ""
	}
	return " (module " + sum + ")"
}

// compareHeads compares what the published record says was built with what the
// repository gives.
func compareHeads(said, want *Record) []Difference {
	var out []Difference
	add := func(format string, a ...any) {
		out = append(out, Difference{Kind: "record", Path: RecordFile, Says: fmt.Sprintf(format, a...)})
	}
	if said.Tree != want.Tree || said.SiteTree != want.SiteTree {
		add("the record says commit %.12s has tree %.12s; the repository says %.12s", said.Commit, said.Tree, want.Tree)
	}
	if said.Config != want.Config {
		add("the record says pspm.yaml had SHA-256 %.16s…; at commit %.12s it has %.16s…", said.Config, said.Commit, want.Config)
	}
	if said.BaseURL != want.BaseURL {
		add("the record says the portal was built for %q; the repository's configuration gives %q", said.BaseURL, want.BaseURL)
	}
	if (said.History == nil) != (want.History == nil) || (said.History != nil && *said.History != *want.History) {
		add("the record says the votes were judged on another history than the repository gives")
	}
	if fmt.Sprint(said.Tags) != fmt.Sprint(want.Tags) {
		add("the record lists the plan versions %s; the rebuild read %s", tagList(said.Tags), tagList(want.Tags))
	}
	if fmt.Sprint(said.Sources) != fmt.Sprint(want.Sources) {
		add("the record lists other source commits than the rebuild read")
	}
	return out
}

func tagList(ts []RecordTag) string {
	var b []string
	for _, t := range ts {
		b = append(b, fmt.Sprintf("%s (%.12s)", t.Name, t.Commit))
	}
	if len(b) == 0 {
		return "none"
	}
	return strings.Join(b, ", ")
}

// compareFiles reads every file the rebuild gives from the host, a few at a time, and
// says how each differs.
func compareFiles(ctx context.Context, h host, out string, want []RecordEntry, said map[string]RecordEntry) ([]Difference, error) {
	type result struct {
		d   []Difference
		err error
	}
	results := make([]result, len(want))
	next := make(chan int)
	var wg sync.WaitGroup
	for range h.parallel() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i].d, results[i].err = compareFile(ctx, h, out, want[i], said)
			}
		}()
	}
	for i := range want {
		next <- i
	}
	close(next)
	wg.Wait()
	var diffs []Difference
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		diffs = append(diffs, r.d...)
	}
	return diffs, nil
}

func compareFile(ctx context.Context, h host, out string, w RecordEntry, said map[string]RecordEntry) ([]Difference, error) {
	var diffs []Difference
	if s, ok := said[w.Path]; !ok {
		diffs = append(diffs, Difference{Kind: "record", Path: w.Path, Says: "the repository gives this file; the build record does not list it"})
	} else if s.SHA256 != w.SHA256 || s.Size != w.Size {
		diffs = append(diffs, Difference{Kind: "record", Path: w.Path, Says: fmt.Sprintf("the build record gives SHA-256 %.16s… (%d bytes); the repository gives %.16s… (%d bytes)", s.SHA256, s.Size, w.SHA256, w.Size)})
	}
	got, err := h.read(ctx, w.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return append(diffs, Difference{Kind: "missing", Path: w.Path, Says: "given by the repository, missing on the host"}), nil
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(got)
	if hex.EncodeToString(sum[:]) == w.SHA256 {
		return diffs, nil
	}
	mine, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(w.Path)))
	if err != nil {
		return nil, err
	}
	d := Difference{Kind: "changed", Path: w.Path, Says: fmt.Sprintf("the host has other bytes (%d) than the repository gives (%d)", len(got), len(mine))}
	d.Meaning = meaning(w.Path, got, mine)
	return append(diffs, d), nil
}

// meaning says what a change of an open data file changes: for each record (found by
// its id, file, tag, handle or url), each field that differs, and what the field is.
func meaning(name string, got, want []byte) []string {
	if path.Ext(name) != ".json" {
		if path.Ext(name) == ".html" {
			if l := firstDifferentLine(got, want); l != "" {
				return []string{l}
			}
		}
		return nil
	}
	var g, w any
	if json.Unmarshal(got, &g) != nil {
		return []string{"the host's file is not valid JSON"}
	}
	if json.Unmarshal(want, &w) != nil {
		return nil
	}
	var out []string
	const most = 20
	report := func(s string) {
		if len(out) < most {
			out = append(out, s)
		} else if len(out) == most {
			out = append(out, "… and more")
		}
	}
	ga, gok := g.([]any)
	wa, wok := w.([]any)
	if !gok || !wok {
		diffJSON("", g, w, func(field, gv, wv string) {
			report(fmt.Sprintf("%s is %s on the host, %s from the repository%s", field, gv, wv, kindOf(name, field)))
		})
		return out
	}
	gm, wm := keyed(ga), keyed(wa)
	var keys []string
	for k := range wm {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		gr, ok := gm[k]
		if !ok {
			report(fmt.Sprintf("%s is missing on the host", k))
			continue
		}
		diffJSON("", gr, wm[k], func(field, gv, wv string) {
			report(fmt.Sprintf("%s: %s is %s on the host, %s from the repository%s", k, field, gv, wv, kindOf(name, field)))
		})
	}
	var extra []string
	for k := range gm {
		if _, ok := wm[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		report(fmt.Sprintf("%s is on the host only", k))
	}
	return out
}

// keyed indexes a list of records by the first identifying field they have.
func keyed(list []any) map[string]any {
	m := map[string]any{}
	for i, e := range list {
		key := fmt.Sprintf("record %d", i+1)
		if o, ok := e.(map[string]any); ok {
			for _, f := range []string{"id", "file", "tag", "handle", "url", "path", "version"} {
				if v, ok := o[f].(string); ok && v != "" {
					key = fmt.Sprintf("%s %q", f, v)
					break
				}
			}
		}
		if _, dup := m[key]; dup {
			key = fmt.Sprintf("%s (record %d)", key, i+1)
		}
		m[key] = e
	}
	return m
}

// diffJSON calls say for every leaf that differs between g and w, by dotted field path.
func diffJSON(field string, g, w any, say func(field, gv, wv string)) {
	gm, gok := g.(map[string]any)
	wm, wok := w.(map[string]any)
	if gok && wok {
		keys := map[string]bool{}
		for k := range gm {
			keys[k] = true
		}
		for k := range wm {
			keys[k] = true
		}
		var ks []string
		for k := range keys {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		for _, k := range ks {
			f := k
			if field != "" {
				f = field + "." + k
			}
			diffJSON(f, gm[k], wm[k], say)
		}
		return
	}
	gb, _ := json.Marshal(g)
	wb, _ := json.Marshal(w)
	if !bytes.Equal(gb, wb) {
		if field == "" {
			field = "the file"
		}
		say(field, clip(string(gb)), clip(string(wb)))
	}
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "…"
	}
	return s
}

// kindOf says what a field of an open data file is, for a reader.
func kindOf(file, field string) string {
	base := path.Base(file)
	top := strings.SplitN(field, ".", 2)[0]
	switch {
	case strings.HasPrefix(base, "versions"):
		return " (a version)"
	case top == "votes" || top == "supports" || top == "priority" || top == "tally" || top == "feedback":
		return " (a tally)"
	case strings.HasPrefix(base, "votes") || strings.HasPrefix(base, "supports"):
		switch top {
		case "counted", "reason", "verification", "detail", "signer", "signature":
			return " (a vote's verdict)"
		case "commit", "landed", "landed_commit", "merge_request", "author":
			return " (where the vote comes from)"
		}
	case top == "status" || top == "state" || top == "progress":
		return " (a status)"
	}
	return ""
}

// firstDifferentLine quotes where two pages first differ: the line, and about 40
// characters either side of the first byte that differs (minified pages are long lines).
func firstDifferentLine(got, want []byte) string {
	n := 0
	for n < len(got) && n < len(want) && got[n] == want[n] {
		n++
	}
	if n == len(got) && n == len(want) {
		return ""
	}
	line := bytes.Count(got[:n], []byte("\n")) + 1
	around := func(b []byte) string {
		from, to := max(0, n-40), min(len(b), n+40)
		for from > 0 && from < len(b) && !utf8.RuneStart(b[from]) {
			from--
		}
		for to < len(b) && !utf8.RuneStart(b[to]) {
			to++
		}
		if from >= to {
			return ""
		}
		return string(b[from:to])
	}
	return fmt.Sprintf("first difference on line %d: the host has %q, the repository gives %q", line, around(got), around(want))
}

// host is where a portal is published: a folder, or a web address.
type host interface {
	read(ctx context.Context, name string) ([]byte, error) // fs.ErrNotExist when absent
	list() ([]string, error)                               // nil when it cannot be listed
	where(name string) string
	parallel() []struct{}
}

func openHost(target string, client *http.Client) (host, error) {
	if u, err := url.Parse(target); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		if client == nil {
			client = &http.Client{Timeout: 2 * time.Minute}
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		return &webHost{base: u, client: client}, nil
	}
	st, err := os.Stat(target)
	if err != nil {
		return nil, fmt.Errorf("%s is neither a folder nor an http(s) address: %v", target, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", target)
	}
	root, err := os.OpenRoot(target)
	if err != nil {
		return nil, err
	}
	return &folderHost{dir: target, root: root}, nil
}

// folderHost is a portal in a folder.
type folderHost struct {
	dir  string
	root *os.Root
}

func (f *folderHost) read(_ context.Context, name string) ([]byte, error) {
	if err := output.CheckPath(name); err != nil {
		return nil, err
	}
	return f.root.ReadFile(name)
}

func (f *folderHost) list() ([]string, error) {
	var names []string
	err := fs.WalkDir(f.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	return names, err
}

func (f *folderHost) where(name string) string { return filepath.Join(f.dir, filepath.FromSlash(name)) }
func (f *folderHost) parallel() []struct{}     { return make([]struct{}, 2) }

// webHost is a portal served over HTTP(S). It cannot be listed: only the files the
// rebuild gives and the record lists are fetched.
type webHost struct {
	base   *url.URL
	client *http.Client
}

func (w *webHost) url(name string) string {
	u := *w.base
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	u.RawPath = u.Path + "/" + strings.Join(parts, "/")
	u.Path = u.Path + "/" + name
	return u.String()
}

func (w *webHost) read(ctx context.Context, name string) ([]byte, error) {
	if err := output.CheckPath(name); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.url(name), nil)
	if err != nil {
		return nil, err
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, fs.ErrNotExist
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("GET %s: %s", w.url(name), resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxHostFile+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", w.url(name), err)
	}
	if len(data) > maxHostFile {
		return nil, fmt.Errorf("GET %s: larger than %d bytes", w.url(name), maxHostFile)
	}
	return data, nil
}

func (w *webHost) list() ([]string, error)  { return nil, nil }
func (w *webHost) where(name string) string { return w.url(name) }
func (w *webHost) parallel() []struct{}     { return make([]struct{}, 8) }

// verifyRecordSignature checks the published record's signature against the keys that
// the members of the plan owner body register at the recorded commit.
func verifyRecordSignature(res *Result, record, sig []byte, at time.Time) (signer, problem string) {
	if at.IsZero() {
		at = time.Unix(0, 0).UTC()
	}
	owner := res.Site.Plan.OwnerBody
	if owner == nil {
		return "", "the build record is signed, but the plan names no owner body whose keys could verify it"
	}
	var keys []*signature.Key
	who := map[*signature.Key]string{}
	for _, m := range owner.Members {
		for _, text := range m.Keys {
			if k, err := signature.ParseKey(text); err == nil {
				keys = append(keys, k)
				who[k] = m.Name
			}
		}
	}
	k, err := signature.Verify(sig, record, signature.NamespacePSPM, keys, at)
	if err != nil {
		return "", fmt.Sprintf("the build record's signature does not verify with a key of a member of %s (%s): %v", owner.ID, owner.File, err)
	}
	return fmt.Sprintf("%s of %s (%s)", who[k], owner.ID, k.Fingerprint), ""
}
