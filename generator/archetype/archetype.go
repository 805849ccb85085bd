// Package archetype makes the files that `pspm new` adds to a site: a proposal, a
// practice, a feedback or a vote, correctly named and filled from the theme's archetypes
// (archetypes/<kind>.md, overridable by the site), and whole new sites.
//
// It only computes names and contents; the command writes them with output.CreateFile.
package archetype

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/slug"
	"github.com/pspm-dev/pspm/generator/theme"
)

// Request describes the file to make.
type Request struct {
	Kind     string    // proposal, practice, feedback, vote
	ID       string    // proposal, practice: the new item's id
	Item     string    // feedback, vote: the item, as "<section>/<id>", e.g. proposals/x
	Body     string    // the body that contributes (IPA code)
	Title    string    // optional; derived from the id when empty
	Practice string    // practice: its kind
	Feedback string    // feedback: its kind (comment, question, objection, support)
	Slug     string    // feedback: the part of the file name after the body id
	Vote     string    // vote: support, oppose, abstain (may be empty with a priority)
	Priority int       // vote: 1-5, 0 for none
	Comment  string    // vote: optional short comment
	Date     time.Time // the date written in the file
}

// File is a file to create, relative to the site root.
type File struct {
	Path string
	Data []byte
}

var bodyRE = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// Make returns the file for r, checking r against the site in src: the item must exist
// (for feedback and votes) or not exist yet (for new items), and every value must be valid.
func Make(src fs.FS, chain *theme.Chain, r Request) (File, error) {
	if !bodyRE.MatchString(r.Body) {
		return File{}, fmt.Errorf("--body %q: want a body's IPA code in lower case, e.g. c_h223", r.Body)
	}
	if r.Date.IsZero() {
		r.Date = time.Now()
	}
	var name string
	switch r.Kind {
	case "proposal", "practice":
		if !site.ValidID(r.ID) {
			return File{}, fmt.Errorf("id %q: use lower-case letters, digits, '-' and '_' (e.g. %q)", r.ID, slug.Make(r.ID))
		}
		sec := map[string]string{"proposal": "proposals", "practice": "practices"}[r.Kind]
		if exists(src, "content/"+sec+"/"+r.ID+"/index.md") || exists(src, "content/"+sec+"/"+r.ID+".md") {
			return File{}, fmt.Errorf("%s %q already exists", r.Kind, r.ID)
		}
		if r.Kind == "practice" && !oneOf(r.Practice, site.PracticeKinds) {
			return File{}, fmt.Errorf("--kind %q: want one of %s", r.Practice, strings.Join(site.PracticeKinds, ", "))
		}
		if r.Title == "" {
			r.Title = strings.ReplaceAll(r.ID, "-", " ")
		}
		name = "content/" + sec + "/" + r.ID + "/index.md"
	case "feedback", "vote":
		dir, err := itemFolder(src, r.Item)
		if err != nil {
			return File{}, err
		}
		if r.Kind == "vote" {
			if r.Vote != "" && !oneOf(r.Vote, []string{site.VoteSupport, site.VoteOppose, site.VoteAbstain}) {
				return File{}, fmt.Errorf("--vote %q: want support, oppose or abstain", r.Vote)
			}
			if r.Vote == "" && r.Priority == 0 {
				return File{}, errors.New("give --vote (support, oppose, abstain) or --priority (1 to 5), or both")
			}
			if r.Priority < 0 || r.Priority > 5 {
				return File{}, fmt.Errorf("--priority %d: want 1 to 5", r.Priority)
			}
			name = dir + "/reactions/" + r.Body + ".yaml"
			break
		}
		if r.Feedback == "" {
			r.Feedback = "comment"
		}
		if !oneOf(r.Feedback, site.FeedbackKinds) {
			return File{}, fmt.Errorf("--kind %q: want one of %s", r.Feedback, strings.Join(site.FeedbackKinds, ", "))
		}
		if r.Title == "" {
			r.Title = "Commento di " + r.Body
		}
		s := r.Slug
		if s == "" {
			s = slug.Make(r.Title)
		}
		if s == "" || !site.ValidID(s) {
			return File{}, fmt.Errorf("--slug %q: use lower-case letters, digits and '-'", s)
		}
		name = dir + "/feedback/" + r.Body + "-" + s + ".md"
		for i := 2; exists(src, name); i++ {
			name = dir + "/feedback/" + r.Body + "-" + s + "-" + strconv.Itoa(i) + ".md"
		}
	default:
		return File{}, fmt.Errorf("cannot make a %q: want proposal, practice, feedback or vote", r.Kind)
	}
	arch := map[string]string{"proposal": "proposal.md", "practice": "practice.md", "feedback": "feedback.md", "vote": "vote.yaml"}[r.Kind]
	data, _, err := chain.ReadFile("archetypes/" + arch)
	if err != nil {
		return File{}, err
	}
	itemKey := ""
	if r.Kind == "vote" || r.Kind == "feedback" {
		itemKey = strings.TrimPrefix(path.Dir(path.Dir(name)), "content/")
	}
	out, err := execute(arch, data, map[string]any{
		"ID": r.ID, "Title": r.Title, "Body": r.Body, "Date": r.Date.Format("2006-01-02"), "Kind": kindOf(r),
		"Vote": r.Vote, "Priority": r.Priority, "Comment": r.Comment, "Item": r.Item,
		// ItemKey and Voter name what a vote is for inside the file, so that a detached
		// signature of the file binds them (see package trust).
		"ItemKey": itemKey, "Voter": r.Body,
	})
	return File{Path: name, Data: out}, err
}

func kindOf(r Request) string {
	if r.Kind == "practice" {
		return r.Practice
	}
	return r.Feedback
}

// itemFolder finds the contribution folder of the item named by key ("proposals/x").
func itemFolder(src fs.FS, key string) (string, error) {
	key = strings.Trim(strings.TrimPrefix(key, "content/"), "/")
	sec, id := path.Dir(key), path.Base(key)
	ok := false
	for _, s := range site.Sections {
		ok = ok || string(s) == sec
	}
	if !ok || !site.ValidID(id) || site.Section(sec) == site.Bodies {
		return "", fmt.Errorf("item %q: name it as <section>/<id>, e.g. proposals/telemedicina or plan/actions/anpr-servizi", key)
	}
	dir := "content/" + sec + "/" + id
	if exists(src, dir+"/index.md") || exists(src, dir+".md") {
		return dir, nil
	}
	return "", fmt.Errorf("item %q not found: there is no %s/index.md or %s.md", key, dir, dir)
}

// SiteRequest describes a new site.
type SiteRequest struct {
	Title     string
	Owner     string // the IPA code of the plan owner
	OwnerName string
	Year      int
}

// Site returns the files of a small working portal, from the archetypes/site folder: its
// content, pspm.yaml, a README, and the forge files that let bodies take part through merge
// requests (GitHub Actions and GitLab CI running `pspm check --base`, CODEOWNERS, merge-request
// templates). Markdown and YAML files are templates filled with r; forge files are copied as
// they are (see siteFileName).
func Site(chain *theme.Chain, r SiteRequest) ([]File, error) {
	if r.Owner == "" {
		r.Owner = "m_ef"
	}
	if !bodyRE.MatchString(r.Owner) {
		return nil, fmt.Errorf("--owner %q: want a body's IPA code in lower case, e.g. c_h223", r.Owner)
	}
	if r.Title == "" {
		r.Title = "Piano strategico"
	}
	if r.OwnerName == "" {
		r.OwnerName = r.Owner
	}
	if r.Year == 0 {
		r.Year = time.Now().Year()
	}
	data := map[string]any{"Title": r.Title, "Owner": r.Owner, "OwnerName": r.OwnerName, "Year": r.Year, "Year3": r.Year + 2}
	files, err := chain.Files("archetypes/site")
	if err != nil {
		return nil, err
	}
	var out []File
	for _, f := range files {
		raw, err := f.Read()
		if err != nil {
			return nil, err
		}
		name, verbatim := siteFileName(f.Name)
		name = strings.Replace(name, "content/bodies/owner.md", "content/bodies/"+r.Owner+".md", 1)
		name = strings.Replace(name, "reactions/owner.yaml", "reactions/"+r.Owner+".yaml", 1)
		content := raw
		if ext := path.Ext(name); !verbatim && (ext == ".md" || ext == ".yaml") {
			if content, err = execute(f.Name, raw, data); err != nil {
				return nil, err
			}
		}
		out = append(out, File{Path: name, Data: content})
	}
	return out, nil
}

// siteFileName returns where a file of archetypes/site goes in the new site, and whether it
// is copied verbatim rather than executed as a template.
//
// Files that must start with a dot are stored without it, because theme.Chain.Files leaves
// dotfiles out of every layer (a site's .git must never be listed): gitignore, gitlab-ci.yml
// and the folders github/ and gitlab/. The forge files are copied verbatim: they need no data,
// and GitHub's ${{ expr }} would be eaten by text/template.
func siteFileName(name string) (string, bool) {
	if name == "gitignore" || name == "gitlab-ci.yml" || strings.HasPrefix(name, "github/") || strings.HasPrefix(name, "gitlab/") {
		return "." + name, true
	}
	return name, false
}

// execute runs an archetype as a text/template. The yaml function quotes a value so that
// whatever the user typed stays a string in YAML.
func execute(name string, tmpl []byte, data any) ([]byte, error) {
	t, err := template.New(name).Funcs(template.FuncMap{"yaml": quote}).Parse(string(tmpl))
	if err != nil {
		return nil, fmt.Errorf("archetype %s: %w", name, err)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return nil, fmt.Errorf("archetype %s: %w", name, err)
	}
	return b.Bytes(), nil
}

// quote writes s as a YAML double-quoted scalar.
func quote(s string) string { return strconv.Quote(s) }

func exists(src fs.FS, name string) bool {
	_, err := fs.Stat(src, name)
	return err == nil
}

func oneOf(s string, list []string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}

// Prefill returns the content of the archetype of kind ("vote", "feedback", "proposal",
// "practice") filled with r, with no check against a site: it is what the forge buttons
// of the portal prefill in the web editor, where the contributor completes it.
func Prefill(chain *theme.Chain, r Request) ([]byte, error) {
	arch := map[string]string{"proposal": "proposal.md", "practice": "practice.md", "feedback": "feedback.md", "vote": "vote.yaml"}[r.Kind]
	if arch == "" {
		return nil, fmt.Errorf("no archetype for %q", r.Kind)
	}
	data, _, err := chain.ReadFile("archetypes/" + arch)
	if err != nil {
		return nil, err
	}
	return execute(arch, data, map[string]any{
		"ID": r.ID, "Title": r.Title, "Body": r.Body, "Date": r.Date.Format("2006-01-02"), "Kind": kindOf(r),
		"Vote": r.Vote, "Priority": r.Priority, "Comment": r.Comment, "Item": r.Item,
	})
}
