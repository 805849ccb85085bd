package generator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/render"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/trust"
)

// PublishedVersions is where a build publishes its versions, relative to the output
// folder: the next build of the same output compares its tags with it, so that a
// published version never changes silently.
const PublishedVersions = render.PublishedVersionsFile

// versions reads the approved versions of the plan: the tags that match plan.tags, each
// read from the tag's tree (never the work tree) with the loader of the work tree. A
// version whose files have errors is reported, as a warning naming the tag and the file
// position, and listed without pages; the other versions go on. A tag that points
// elsewhere than the previous build of the same output published is an error.
//
// A version's date, which orders the versions (newest first, ties by name), is the first
// of: the date the previous build published for the same tag and commit, so that a tag
// re-made by pspm release --restore keeps its place; the date of a "Published:" trailer
// in the tag's message (written by --restore, for a build without the previous output);
// the tagger's date; the commit's date (a lightweight tag).
func versions(dir string, cfg *config.Config, s *site.Site, previous fs.FS, publishedFile string, errs *diag.List) {
	if dir == "" {
		return
	}
	published := readPublished(previous, errs)
	publishedAt := map[string]time.Time{} // tag -> date, for the commit it was published at
	commitOf := map[string]string{}
	for _, p := range published {
		if d, err := time.Parse(time.RFC3339, p.Date); err == nil && p.Tag != "" {
			publishedAt[p.Tag], commitOf[p.Tag] = d.UTC(), p.Commit
		}
	}
	o := history.Options{Dir: dir}
	tags, err := history.Tags(o, cfg.Plan.Tags)
	if errors.Is(err, history.ErrNotRepository) {
		return
	}
	if err != nil {
		errs.Warn(diag.Pos{File: config.File}, "cannot read the plan versions from the tags: %v", err)
		if len(tags) == 0 {
			return
		}
	}
	prefix := tagPrefix(cfg.Plan.Tags)
	cache := &content.PlanCache{}
	names := map[string]string{} // version name -> tag, for clashes
	for _, t := range tags {
		at := diag.Pos{File: "refs/tags/" + t.Name}
		name := strings.TrimPrefix(t.Name, prefix)
		switch {
		case !versionRE.MatchString(name) || reserved[name]:
			errs.Warn(at, "tag %q is not a usable plan version: the version name %q becomes a web address /plan/%s/, so it must be letters, digits, '.', '-' and '_' and not one of draft, versions, changes, goals, objectives, actions; tag the version again with such a name", t.Name, name, name)
			continue
		case names[strings.ToLower(name)] != "":
			errs.Warn(at, "tags %q and %q give the same version name %q (web addresses do not tell case apart); delete one", names[strings.ToLower(name)], t.Name, name)
			continue
		case t.Commit == "":
			errs.Warn(at, "tag %q does not point at a commit: it is not a plan version", t.Name)
			continue
		}
		names[strings.ToLower(name)] = t.Name
		v := &site.Version{Name: name, Tag: t.Name, Commit: t.Commit, Annotated: t.Annotated, Date: t.CommitTime.UTC()}
		if t.Annotated {
			note, at := splitPublished(t.Message)
			v.Date = t.Tagger.When.UTC()
			if !at.IsZero() {
				v.Date = at
			}
			v.Note = strings.TrimSpace(note)
			v.Tagger = t.Tagger.Name
		} else {
			errs.Warn(at, "tag %q is a lightweight tag: version %s is dated by its commit (%s) and has no release note; publish versions with pspm release VERSION --note \"release note\", which makes an annotated tag", t.Name, name, v.Date.Format("2006-01-02"))
		}
		if d, ok := publishedAt[t.Name]; ok && commitOf[t.Name] == t.Commit {
			v.Date = d
		}
		if t.Signature != "" {
			tv := trust.VerifyTag(s, t.Signature, t.Payload, v.Date)
			v.Signed, v.Verified, v.Signer, v.SignatureProblem, v.SignatureSaid = true, tv.Verified, tv.Signer, tv.Problem, tv.Said
		}
		readVersion(o, cfg, cache, v, errs)
		s.Versions = append(s.Versions, v)
	}
	sort.SliceStable(s.Versions, func(i, j int) bool {
		a, b := s.Versions[i], s.Versions[j]
		if !a.Date.Equal(b.Date) {
			return a.Date.After(b.Date)
		}
		return naturalLess(b.Name, a.Name)
	})
	checkPublished(s.Versions, published, publishedFile, cfg, errs)
}

// readVersion reads the plan of one version from its tag's tree.
func readVersion(o history.Options, cfg *config.Config, cache *content.PlanCache, v *site.Version, errs *diag.List) {
	fsys, _, err := history.Snapshot(o, v.Commit)
	if err != nil {
		v.Problems.Add(diag.Pos{File: "refs/tags/" + v.Tag}, "cannot read the tag's tree: %v", err)
	} else {
		// The plan is read whole: the snapshot's mapped packs go at once.
		defer fsys.(io.Closer).Close()
		plan, perrs := content.LoadPlan(fsys, cfg, cache)
		if !perrs.HasErrors() {
			perrs.Append(plan.ResolveVersion())
		}
		for _, e := range perrs {
			if e.Severity == diag.Err {
				e := *e
				e.Msg = "in version " + v.Name + " (tag " + v.Tag + "): " + e.Msg
				v.Problems = append(v.Problems, &e)
			}
		}
		if len(v.Problems) == 0 {
			plan.DeriveVersion()
			v.Plan = plan
		}
	}
	for _, e := range v.Problems {
		e := *e
		e.Severity = diag.Warning
		*errs = append(*errs, &e)
	}
	if len(v.Problems) > 0 {
		errs.Warn(diag.Pos{File: "refs/tags/" + v.Tag}, "version %s is listed without its plan, which cannot be read (%d errors above); the tag cannot change, so publish a corrected version with a new tag", v.Name, len(v.Problems))
	}
}

// deriveVersions links each version to the previous readable one and computes what
// changed, the draft's changes since the latest version, and the monitoring of the
// approved plan. It runs after Derive, on the derived work tree.
func deriveVersions(s *site.Site) {
	plain := readableText()
	var prev *site.Version
	for i := len(s.Versions) - 1; i >= 0; i-- {
		v := s.Versions[i]
		if v.Plan == nil {
			continue
		}
		v.Previous = prev
		var old *site.Site
		from := ""
		if prev != nil {
			old, from = prev.Plan, prev.Name
		}
		v.Changes = site.Diff(old, v.Plan, from, v.Name, plain)
		prev = v
	}
	s.Latest = prev
	var latest *site.Site
	from := ""
	if prev != nil {
		latest, from = prev.Plan, prev.Name
	}
	s.DraftChanges = site.Diff(latest, s, from, "draft", plain)
	// As of the day of the last commit, not its hour: the monitoring shows a date, and
	// every commit of a day would otherwise make its pages differ (the page cache).
	s.Monitoring = site.Monitor(s.Latest, s, s.Built.Truncate(24*time.Hour))
}

// readableText returns what a reader of an item's rendered Markdown reads (link text,
// not link syntax), remembering each text: versions of a plan share most of theirs.
func readableText() func(string) string {
	md := markdown.New()
	seen := map[string]string{}
	return func(src string) string {
		if t, ok := seen[src]; ok {
			return t
		}
		_, t := md.Plain([]byte(src))
		seen[src] = t
		return t
	}
}

// publishedVersion is an entry of the versions.json a build published: what
// checkPublished and pspm release compare the tags with.
type publishedVersion struct {
	Version string `json:"version"`
	Tag     string `json:"tag"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
	Note    string `json:"note"`
	Tagger  string `json:"tagger"`
	Signed  bool   `json:"signed"`
}

// readPublished reads the list of versions the previous build of the same output
// published; nil when there is none.
func readPublished(previous fs.FS, errs *diag.List) []publishedVersion {
	if previous == nil {
		return nil
	}
	data, err := fs.ReadFile(previous, PublishedVersions)
	if err != nil {
		return nil // no previous build, or one without versions
	}
	published, err := parsePublished(data)
	if err != nil {
		errs.Warn(diag.Pos{File: PublishedVersions}, "the previous build's list of versions cannot be read (%v): moved tags cannot be detected", err)
		return nil
	}
	return published
}

// parsePublished decodes a published versions.json.
func parsePublished(data []byte) ([]publishedVersion, error) {
	var published []publishedVersion
	if err := json.Unmarshal(data, &published); err != nil {
		return nil, err
	}
	return published, nil
}

// checkPublished compares the tags with the versions the previous build of the same
// output published: a version whose tag now points at another commit, or whose tag is
// gone, is an error, since a published version must never change silently. The error
// names the command that puts the tag back as it was published (pspm release
// --restore), after which the build gives the same pages again.
func checkPublished(vs []*site.Version, published []publishedVersion, file string, cfg *config.Config, errs *diag.List) {
	now := map[string]*site.Version{}
	for _, v := range vs {
		now[v.Tag] = v
	}
	if file == "" {
		file = "FILE"
	}
	for _, p := range published {
		if p.Tag == "" || p.Commit == "" {
			continue
		}
		at := diag.Pos{File: "refs/tags/" + p.Tag}
		fix := fmt.Sprintf("run: pspm release %s --restore --published %s (then git push -f origin %s)", p.Version, shellWord(file), p.Tag)
		from := ""
		if strings.HasPrefix(cfg.BaseURL, "http") {
			from = fmt.Sprintf("; %s is a copy of %s, which the live portal publishes", shellWord(file), strings.TrimSuffix(cfg.BaseURL, "/")+"/"+PublishedVersions)
		}
		v := now[p.Tag]
		switch {
		case v == nil:
			errs.Add(at, "version %s was published from tag %s (commit %.12s), which is gone: published versions never change; %s%s; or fetch the tags (git fetch --tags); if the output folder holds the build of another portal, empty it", p.Version, p.Tag, p.Commit, fix, from)
		case v.Commit != p.Commit:
			errs.Add(at, "tag %s moved: version %s was published at commit %.12s and the tag now points at %.12s; published versions never change: put the tag back as it was published, %s%s; then publish the change as a new version with a new tag (pspm release NEW-VERSION)", p.Tag, p.Version, p.Commit, v.Commit, fix, from)
		}
	}
}

// splitPublished takes a "Published: <RFC 3339>" trailer off the end of a tag's message,
// and returns the message without it and the date; a zero date when there is none.
func splitPublished(msg string) (string, time.Time) {
	rest := strings.TrimRight(msg, " \t\r\n")
	i := strings.LastIndexByte(rest, '\n')
	last := rest[i+1:]
	value, ok := strings.CutPrefix(last, publishedTrailer)
	if !ok {
		return msg, time.Time{}
	}
	d, err := time.Parse(time.RFC3339, strings.TrimSpace(value))
	if err != nil {
		return msg, time.Time{}
	}
	if i < 0 {
		return "", d.UTC()
	}
	return rest[:i], d.UTC()
}

// publishedTrailer starts the trailer of a tag's message that dates a version.
const publishedTrailer = "Published: "

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:@+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// reserved are path elements under /plan/ that are not versions.
var reserved = map[string]bool{"draft": true, "versions": true, "changes": true, "goals": true, "objectives": true, "actions": true, "page": true, "index.xml": true, "index.html": true}

// tagPrefix is the literal start of a tag pattern, up to its first wildcard: "plan/" for
// "plan/*". A version's name is the rest of its tag.
func tagPrefix(pattern string) string {
	if i := strings.IndexAny(pattern, `*?[\`); i >= 0 {
		return pattern[:i]
	}
	return pattern[:strings.LastIndex(pattern, "/")+1]
}

// naturalLess orders version names as people do: "2" before "10", "1.9" before "1.10".
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digits(a), digits(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
