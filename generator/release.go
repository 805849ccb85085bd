package generator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
)

// ReleaseOptions says which version of the plan to publish, or to restore.
type ReleaseOptions struct {
	// Source and Dir are the site's folder, as for Build; Dir must be in a Git
	// repository, whose HEAD is the commit released.
	Source fs.FS
	Dir    string
	// Version is the version's name: the tag is plan.tags' prefix followed by it.
	Version string
	// Note is the release note, the tag's message.
	Note string
	// Sign signs the tag even when Git's tag.gpgSign is not set; Key is the key file
	// (default: Git's user.signingKey, for SSH). Passphrase opens a protected key;
	// AgentSocket is the ssh-agent's socket ($SSH_AUTH_SOCK) for an SSH key given by its
	// public half.
	Sign        bool
	Key         string
	Passphrase  []byte
	AgentSocket string
	// Published is the versions.json the portal published (the previous build's, or a
	// copy of the live site's): a name it lists is never released again, and Restore
	// reads the version from it. A file that does not exist is an empty list.
	Published string
	// Restore re-creates the tag of a published version exactly as it was published:
	// same commit, note, tagger name and date, replacing a moved tag.
	Restore bool
	// Now is the tagger's date of a new release.
	Now time.Time
}

// ReleaseResult says what Release did.
type ReleaseResult struct {
	Tag    string // e.g. plan/2026.1
	Commit string // the commit it names
	Tagger string // "Name <email>"
	Date   time.Time
	// SignedBy names the key that signed the tag ("SSH key SHA256:..."); "" when unsigned.
	SignedBy string
	// Replaced is, for Restore, the commit the tag pointed at before ("" when it was gone);
	// Unchanged says the tag already pointed at the published commit: nothing was written.
	Replaced  string
	Unchanged bool
	// Check is the check of the commit released (nil for Restore); its warnings are for
	// the maintainer to read.
	Check *Result
	// Warnings are about the tag itself: a key not registered, a restored tag that
	// lost its signature.
	Warnings []string
}

// ErrRefused is wrapped by the errors of Release that refuse a release for a reason the
// maintainer can fix (a dirty work tree, a name already used, no tagger configured); the
// message says how. Errors of the check wrap ErrContent instead.
var ErrRefused = errors.New("release refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrRefused, fmt.Sprintf(format, args...))
}

// CheckVersionName says whether name can be a plan version: it becomes the web address
// /plan/<name>/.
func CheckVersionName(name string) error {
	if !versionRE.MatchString(name) || reserved[name] {
		return fmt.Errorf("version name %q is not usable: it becomes the web address /plan/%s/, so it must start with a letter or digit, hold only letters, digits, '.', '-' and '_' (at most 64), and not be one of draft, versions, changes, goals, objectives, actions, page", name, name)
	}
	return nil
}

// releasePaths are the files of the site folder that a check reads and the tag must
// hold exactly as they are on disk.
var releasePaths = []string{config.File, "content", "layouts", "static", "i18n"}

// Release publishes a version of the plan: it checks the commit HEAD as pspm check does
// and, when nothing is wrong, creates the annotated tag <plan.tags prefix><version> on
// it, signed when asked or when Git's tag.gpgSign says so. It refuses a work tree that
// differs from HEAD (the tag names the commit, not the files on disk), a name already
// tagged or already published, and a failing check; then no tag is written.
//
// With Restore, it re-creates the tag of a published version from the published list,
// as it was published, so that the next build gives the same pages.
func Release(o ReleaseOptions) (*ReleaseResult, error) {
	var cfgErrs diag.List
	cfg := config.Load(o.Source, &cfgErrs)
	if cfgErrs.HasErrors() {
		return &ReleaseResult{Check: &Result{Config: cfg, Diagnostics: cfgErrs}}, fmt.Errorf("%w: %s", ErrContent, cfgErrs.Errors())
	}
	published, err := readPublishedFile(o.Published)
	if err != nil {
		return nil, err
	}
	if o.Restore {
		return restore(o, cfg, published)
	}
	if err := CheckVersionName(o.Version); err != nil {
		return nil, refuse("%v", err)
	}
	msg := strings.TrimRight(o.Note, " \t\r\n")
	for _, line := range strings.Split(msg, "\n") {
		if strings.HasPrefix(line, "-----BEGIN ") {
			return nil, refuse("the note has a line %q, which Git would read as the start of the tag's signature: reword it", line)
		}
	}
	if _, at := splitPublished(msg); !at.IsZero() {
		return nil, refuse("the note ends with a %q line, which pspm reads as the version's date: only pspm release --restore writes it; reword the last line", strings.TrimSpace(publishedTrailer))
	}
	name := tagPrefix(cfg.Plan.Tags) + o.Version
	if ok, _ := path.Match(cfg.Plan.Tags, name); !ok {
		return nil, refuse("the tag %s would not match plan.tags %q in %s, so it would not be a plan version: set plan.tags to a pattern such as \"plan/*\"", name, cfg.Plan.Tags, config.File)
	}
	for _, p := range published {
		if strings.EqualFold(p.Version, o.Version) {
			return nil, refuse("version %s was already published on %s from tag %s (commit %.12s), as %s lists it: a published version never changes and its name is never used again; choose another name (if its tag was moved or deleted, put it back with pspm release %s --restore)", p.Version, p.Date, p.Tag, p.Commit, o.Published, p.Version)
		}
	}
	head, err := history.HeadCommit(o.Dir)
	if errors.Is(err, history.ErrNotRepository) {
		return nil, refuse("%s is not in a Git repository: a version is a tag of a commit; make the repository (git init, git add -A, git commit) and release again", o.Dir)
	}
	if err != nil {
		return nil, err
	}
	if err := tagFree(o.Dir, cfg.Plan.Tags, name, o.Version); err != nil {
		return nil, err
	}
	// The loader leaves out names that start with a dot under content/ (.gitkeep, an
	// editor's swap file): so does the comparison.
	hidden := func(p string) bool { return strings.HasPrefix(p, "content/") && strings.HasPrefix(path.Base(p), ".") }
	changed, err := history.Changed(o.Dir, releasePaths, hidden)
	if err != nil {
		return nil, err
	}
	if len(changed) > 0 {
		shown := changed
		more := ""
		if len(shown) > 10 {
			shown, more = shown[:10], fmt.Sprintf(" (and %d more)", len(changed)-10)
		}
		var top []string
		for _, c := range changed {
			first, _, _ := strings.Cut(c, "/")
			if !slices.Contains(top, first) {
				top = append(top, first)
			}
		}
		return nil, refuse("the work tree differs from the last commit in %s%s: the tag names a commit, and the checks must run on exactly what it holds; commit the changes first (git add -A %s && git commit), or set them aside (git stash -u), then release again", strings.Join(shown, ", "), more, strings.Join(top, " "))
	}
	gc, err := tagger(o.Dir)
	if err != nil {
		return nil, err
	}
	signer, err := releaseSigner(o, gc)
	if err != nil {
		return nil, err
	}

	co := Options{Source: o.Source, Dir: o.Dir}
	if len(published) > 0 {
		co.Previous, co.PublishedFile = publishedFS(o.Published), o.Published
	}
	res, err := Check(co)
	r := &ReleaseResult{Tag: name, Commit: head, Check: res}
	if err != nil {
		return r, err
	}

	when := o.Now.Truncate(time.Second)
	r.Tagger, r.Date = gc.UserName+" <"+gc.UserEmail+">", when
	if _, err := history.CreateTag(o.Dir, history.NewTag{Name: name, Commit: head, Message: msg,
		Tagger: history.Person{Name: gc.UserName, Email: gc.UserEmail, When: when}, Sign: signFunc(signer, when)}); err != nil {
		return r, err
	}
	if signer != nil {
		r.SignedBy = signerName(signer)
		r.Warnings = append(r.Warnings, registered(res, signer)...)
	}
	if on, err := history.OnBranch(o.Dir, cfg.Forge.Branch, head); err == nil && !on {
		r.Warnings = append(r.Warnings, fmt.Sprintf("commit %.12s is not on the branch %s (forge.branch), whose work tree the portal shows as the draft: the version publishes a plan that branch does not hold; if that is a mistake, delete the tag before pushing it (git tag -d %s)", head, cfg.Forge.Branch, name))
	}
	if msg == "" {
		r.Warnings = append(r.Warnings, fmt.Sprintf("version %s has no release note, and a tag cannot change: next time, say what the version changes with --note", o.Version))
	}
	return r, nil
}

// restore re-creates a published version's tag.
func restore(o ReleaseOptions, cfg *config.Config, published []publishedVersion) (*ReleaseResult, error) {
	if len(published) == 0 {
		return nil, refuse("no published versions to restore from: pass --published FILE, a copy of %s as the live portal publishes it", strings.TrimSuffix(cfg.BaseURL, "/")+"/"+PublishedVersions)
	}
	var p *publishedVersion
	var names []string
	for i := range published {
		names = append(names, published[i].Version)
		if published[i].Version == o.Version {
			p = &published[i]
		}
	}
	if p == nil {
		return nil, refuse("version %q is not in %s, which lists %s", o.Version, o.Published, strings.Join(names, ", "))
	}
	when, err := time.Parse(time.RFC3339, p.Date)
	if p.Tag == "" || p.Commit == "" || err != nil {
		return nil, refuse("the entry of version %s in %s has no tag, commit or RFC 3339 date: it cannot be restored", p.Version, o.Published)
	}
	ok, err := history.HasCommit(o.Dir, p.Commit)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, refuse("commit %s, where version %s was published, is not in this repository: fetch it (git fetch origin --tags, or from the repository the portal was built from), then restore again", p.Commit, p.Version)
	}
	r := &ReleaseResult{Tag: p.Tag, Commit: p.Commit}
	tags, _ := history.Tags(history.Options{Dir: o.Dir}, "")
	for _, t := range tags {
		if t.Name != p.Tag {
			continue
		}
		if t.Commit == p.Commit {
			r.Unchanged = true
			return r, nil
		}
		r.Replaced = t.Commit
		if r.Replaced == "" {
			r.Replaced = t.Ref
		}
	}
	gc, err := tagger(o.Dir)
	if err != nil {
		return nil, err
	}
	name := p.Tagger
	if name == "" {
		name = gc.UserName
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s does not say who made the tag: the restored tag is made by %s", o.Published, name))
	}
	when = when.UTC()
	signer, err := releaseSigner(o, gc)
	if err != nil {
		return nil, err
	}
	if p.Signed && signer == nil {
		r.Warnings = append(r.Warnings, fmt.Sprintf("version %s was published signed; the restored tag is not, and its page will say so: restore it again with --sign to sign it", p.Version))
	}
	msg := strings.TrimRight(p.Note, " \t\r\n")
	if msg != "" {
		msg += "\n\n"
	}
	msg += publishedTrailer + when.Format(time.RFC3339)
	r.Tagger, r.Date = name+" <"+gc.UserEmail+">", when
	if _, err := history.CreateTag(o.Dir, history.NewTag{Name: p.Tag, Commit: p.Commit, Message: msg, Force: true,
		Tagger: history.Person{Name: name, Email: gc.UserEmail, When: when}, Sign: signFunc(signer, when)}); err != nil {
		return r, err
	}
	if signer != nil {
		r.SignedBy = signerName(signer)
	}
	return r, nil
}

// tagFree refuses a tag that exists, or another tag that gives the same version name
// (web addresses do not tell case apart), naming who made it, when, and on which commit.
func tagFree(dir, pattern, name, version string) error {
	tags, err := history.Tags(history.Options{Dir: dir}, pattern)
	var te *history.TagError
	if err != nil && !errors.As(err, &te) {
		return err
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if errors.As(e, &te) && te.Name == name {
				return refuse("tag %s exists but cannot be read (%v): choose another version name", name, te.Err)
			}
		}
	}
	prefix := tagPrefix(pattern)
	for _, t := range tags {
		if t.Name != name && !strings.EqualFold(strings.TrimPrefix(t.Name, prefix), version) {
			continue
		}
		what := fmt.Sprintf("a lightweight tag of commit %.12s", t.Commit)
		if t.Annotated {
			what = fmt.Sprintf("made by %s <%s> on %s, on commit %.12s", t.Tagger.Name, t.Tagger.Email, t.Tagger.When.UTC().Format(time.RFC3339), t.Commit)
		}
		return refuse("tag %s exists (%s): a version, once tagged, never changes; choose another version name (a published version that must be put back is restored with pspm release %s --restore)", t.Name, what, strings.TrimPrefix(t.Name, prefix))
	}
	return nil
}

// tagger reads who makes the tag from Git's configuration.
func tagger(dir string) (history.GitConfig, error) {
	gc, err := history.ReadGitConfig(dir)
	if err != nil {
		return gc, err
	}
	if gc.UserName == "" || gc.UserEmail == "" {
		return gc, refuse("Git does not know who you are, and the tag names its tagger: set it with git config user.name \"Your Name\" and git config user.email you@example.org (add --global to set it for every repository)")
	}
	return gc, nil
}

// releaseSigner opens the key that signs the tag: when asked (--sign or --key), or when
// Git's tag.gpgSign is set; nil when the tag is not signed.
func releaseSigner(o ReleaseOptions, gc history.GitConfig) (*signature.Signer, error) {
	if !o.Sign && !gc.TagSign && o.Key == "" {
		return nil, nil
	}
	key := o.Key
	var s *signature.Signer
	var err error
	switch gc.Format {
	case "ssh":
		if key == "" {
			key = gc.SigningKey
		}
		s, err = signature.NewSSHSigner(key, o.AgentSocket, o.Passphrase)
	case "openpgp":
		if key == "" {
			return nil, refuse("signing with OpenPGP needs the secret key in a file: pspm does not read gpg-agent's keyring; export it with gpg --armor --export-secret-keys KEYID > key.asc and pass --key key.asc (keep the file secret and delete it after), or sign with SSH (git config gpg.format ssh and git config user.signingKey ~/.ssh/id_ed25519.pub)")
		}
		s, err = signature.NewOpenPGPSigner(key, o.Passphrase)
	default:
		return nil, refuse("gpg.format %q is not supported by pspm release: sign with openpgp or ssh", gc.Format)
	}
	if err != nil {
		return nil, refuse("%v", err)
	}
	return s, nil
}

func signFunc(s *signature.Signer, at time.Time) func([]byte) (string, error) {
	if s == nil {
		return nil
	}
	return func(payload []byte) (string, error) { return s.Sign(payload, at) }
}

func signerName(s *signature.Signer) string {
	if s.Kind == "ssh" {
		return "SSH key " + s.Fingerprint
	}
	return "OpenPGP key " + s.Fingerprint
}

// registered warns when the key that signed is not registered for a member of the plan
// owner body: the version page would show the signature as not verified.
func registered(res *Result, s *signature.Signer) []string {
	owner, ok := signerRegistered(res, s)
	if ok {
		return nil
	}
	return []string{fmt.Sprintf("the %s is not registered for a member of %s (keys: in %s): the version page will show the signature as not verified; add its public key there", signerName(s), owner.ID, owner.File)}
}

// signerRegistered says whether the signer's key is registered for a member of the plan
// owner body, and returns that body; true when there is no owner body to ask.
func signerRegistered(res *Result, s *signature.Signer) (*site.Body, bool) {
	if s == nil || res == nil || res.Site == nil || res.Site.Plan.OwnerBody == nil {
		return nil, true
	}
	owner := res.Site.Plan.OwnerBody
	for _, m := range owner.Members {
		for _, text := range m.Keys {
			if k, err := signature.ParseKey(text); err == nil && k.Fingerprint == s.Fingerprint {
				return owner, true
			}
		}
	}
	return owner, false
}

// readPublishedFile reads a versions.json; a file that does not exist is an empty list.
func readPublishedFile(file string) ([]publishedVersion, error) {
	if file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := parsePublished(data)
	if err != nil {
		return nil, refuse("%s is not the list of versions a build publishes (%v): pass --published a copy of the live portal's api/v1/versions.json", file, err)
	}
	return p, nil
}

// publishedFS is an output folder holding only the versions.json at file, as a build's
// Options.Previous.
func publishedFS(file string) fs.FS {
	return fs.FS(publishedOnly(file))
}

type publishedOnly string

func (f publishedOnly) Open(name string) (fs.File, error) {
	if name != PublishedVersions {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(string(f))
}
