// Package config reads pspm.yaml into a typed Config with every default applied.
//
// The configuration is decoded once, here; the rest of pspm reads typed fields and never
// looks a key up by name.
package config

import (
	"errors"
	"io/fs"
	"math"
	"net/mail"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
)

// File is the name of the configuration file at the root of a site.
const File = "pspm.yaml"

// Config is a site's configuration. The zero value is not useful: use Default or Load.
type Config struct {
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	BaseURL     string   `yaml:"baseURL"`
	Languages   []string `yaml:"languages"`
	Theme       string   `yaml:"theme"`
	Paginate    int      `yaml:"paginate" range:"1,1000"`
	Forge       Forge    `yaml:"forge"`
	Plan        Plan     `yaml:"plan"`
	Votes       Votes    `yaml:"votes"`
	// Participation says how the community's participants (content/participants/)
	// register.
	Participation Participation `yaml:"participation"`
	Limits        Limits        `yaml:"limits"`
	Sources       []Source      `yaml:"sources"`
	Brand         Brand         `yaml:"brand"`
	License       License       `yaml:"license"`
	// Contact is the e-mail address readers of the open data write to: the contact point
	// of the DCAT-AP_IT catalogue (api/v1/catalog.rdf). Empty leaves the catalogue
	// without one.
	Contact  string   `yaml:"contact"`
	OpenData OpenData `yaml:"open_data"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

// Forge says where the content repository is hosted, for links to commits and to the
// forge's web editor.
type Forge struct {
	Kind   string `yaml:"kind" enum:"github|gitlab|gitea"`
	URL    string `yaml:"url"`
	Branch string `yaml:"branch"`
	// Keys and Committers are the forge's own signing keys and committer e-mails,
	// trusted like the plan owner's members to time a vote by the commit that landed it:
	// a merge made by the forge's button (GitHub signs it with its web-flow key).
	Keys       []string `yaml:"keys"`
	Committers []string `yaml:"committers"`
}

// Plan configures how the plan is published.
type Plan struct {
	Tags   string `yaml:"tags"`
	Labels Labels `yaml:"labels"`
}

// Labels name the three levels of the plan.
type Labels struct {
	Goals      string `yaml:"goals"`
	Objectives string `yaml:"objectives"`
	Actions    string `yaml:"actions"`
}

// OpenData configures what the datasets under /api/v1/ publish.
type OpenData struct {
	// Personal puts members' e-mail addresses (the author of the commit that cast a
	// contribution, and the address that vouched for it) into the datasets. Off by
	// default: pages and feeds never show an address, whatever this says.
	Personal bool `yaml:"personal"`
}

// Brand is the portal's look: its logo and main colour.
type Brand struct {
	Logo  string `yaml:"logo"`  // a path under static/, e.g. /img/logo.svg
	Color string `yaml:"color"` // the main colour, #rrggbb; white text on it must be readable
}

// License is the licence of the open data, declared in the catalogue, on the open data
// page and in the archive. URI is its concept in the national licences vocabulary that
// DCAT-AP_IT requires (https://w3id.org/italia/controlled-vocabulary/licences/...), or
// the licence's own address when the vocabulary has none.
type License struct {
	ID   string `yaml:"id"`   // an SPDX identifier, e.g. CC-BY-4.0
	Name string `yaml:"name"` // as readers know it
	URL  string `yaml:"url"`  // the licence's text
	URI  string `yaml:"uri"`
}

// DefaultLicense returns CC BY 4.0, the licence the Italian guidelines on public sector
// information recommend for open data.
func DefaultLicense() License {
	return License{
		ID:   "CC-BY-4.0",
		Name: "Creative Commons Attribution 4.0 International (CC BY 4.0)",
		URL:  "https://creativecommons.org/licenses/by/4.0/",
		URI:  "https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40",
	}
}

// Votes configures how votes are verified.
type Votes struct {
	Policy string `yaml:"policy" enum:"none|author|signed"`
}

// Participation configures the community's participants.
type Participation struct {
	// Registration is closed (participant files take no part), open (every participant
	// file on the main branch is registered) or approved (registered once a member of
	// the plan owner body set approved: in it).
	Registration string `yaml:"registration" enum:"closed|open|approved"`
}

// Limits bound what one contributed file may cost to read and render.
type Limits struct {
	FileSize       int `yaml:"file_size" range:"1024,1073741824"`
	AttachmentSize int `yaml:"attachment_size" range:"1024,1073741824"`
	TableCells     int `yaml:"table_cells" range:"1,10000000"`
	Nesting        int `yaml:"nesting" range:"1,1000"`

	// What an item may list, and how many tag pages a site may have. Pages grow with
	// lists: every tag of an item is a page (in every language) that lists the item with
	// all its tags, so the tags of one item cost the square of their number.
	Tags            int `yaml:"tags" range:"1,100000"`              // tags of one proposal or practice
	TagPages        int `yaml:"tag_pages" range:"1,10000000"`       // distinct tags over the site
	Lists           int `yaml:"lists" range:"1,100000"`             // entries of any other list of an item's front matter
	IndicatorValues int `yaml:"indicator_values" range:"1,1000000"` // dated values of one indicator

	// What one fetch of a source may bring (history.SourceLimits): a source over one
	// of them is a warning, and the copy fetched before is kept.
	SourcePackSize   int `yaml:"source_pack_size" range:"1048576,17179869184"`
	SourceObjectSize int `yaml:"source_object_size" range:"1024,4294967296"`
	SourceObjects    int `yaml:"source_objects" range:"1,100000000"`
	SourceDepth      int `yaml:"source_depth" range:"1,1000"`
	SourceEntries    int `yaml:"source_entries" range:"1,100000000"`
}

// Source is a repository of another body whose content this portal brings in: another
// portal (kind "portal"), reusable software described by a publiccode.yml (kind
// "publiccode"), listed as a good practice of the body, or an edition of AgID's
// three-year plan (kind "agid-plan"), the reference the objectives' agid codes name.
type Source struct {
	URL  string `yaml:"url" meta:"required"`
	Ref  string `yaml:"ref"`  // a branch or a tag; the repository's default branch when empty (for agid-plan: the edition's branch)
	Path string `yaml:"path"` // the sub-folder of the repository that holds the portal, publiccode.yml or the plan's .rst files
	Body string `yaml:"body"` // required, but for agid-plan
	Kind string `yaml:"kind" enum:"portal|publiccode|agid-plan"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

// Source kinds.
const (
	SourcePortal     = "portal"
	SourcePublicCode = "publiccode"
	SourceAgIDPlan   = "agid-plan"
)

// Default returns the configuration of a site without pspm.yaml.
func Default() *Config {
	return &Config{
		BaseURL:   "/",
		Languages: []string{"it", "en"},
		Theme:     "default",
		Paginate:  20,
		Forge:     Forge{Branch: "main"},
		Plan: Plan{
			Tags: "plan/*",
			Labels: Labels{
				Goals:      "Obiettivi strategici",
				Objectives: "Obiettivi operativi",
				Actions:    "Azioni",
			},
		},
		Votes:         Votes{Policy: "none"},
		Participation: Participation{Registration: "closed"},
		License:       DefaultLicense(),
		Limits: Limits{
			FileSize:       1 << 20,
			AttachmentSize: 20 << 20,
			TableCells:     10000,
			Nesting:        32,

			Tags:            20,
			TagPages:        2000,
			Lists:           100,
			IndicatorValues: 500,

			SourcePackSize:   512 << 20,
			SourceObjectSize: 100 << 20,
			SourceObjects:    1_000_000,
			SourceDepth:      64,
			SourceEntries:    500_000,
		},
	}
}

// Load reads pspm.yaml from the root of fsys, if there is one, over the defaults. Problems
// with the file are reported in errs; the returned Config is always usable.
func Load(fsys fs.FS, errs *diag.List) *Config {
	c := Default()
	data, err := fs.ReadFile(fsys, File)
	if errors.Is(err, fs.ErrNotExist) {
		return c
	}
	if err != nil {
		errs.Add(diag.Pos{File: File}, "cannot read: %v", err)
		return c
	}
	if len(data) > c.Limits.FileSize {
		errs.Add(diag.Pos{File: File, Line: 1, Col: 1}, "the file is larger than 1 MiB")
		return c
	}
	if !meta.CheckText(File, data, errs) {
		return c
	}
	n := meta.Parse(File, 1, data, errs)
	if n == nil {
		return c
	}
	var read Config
	meta.Decode(File, n, &read, errs)
	c.merge(&read)
	c.validate(errs)
	return c
}

// merge copies the keys that the file set over the defaults.
func (c *Config) merge(r *Config) {
	set := func(key string) bool { _, ok := r.At[key]; return ok }
	c.At, c.Pos = r.At, r.Pos
	if r.Title != "" {
		c.Title = r.Title
	}
	c.Description = r.Description
	if r.BaseURL != "" {
		c.BaseURL = r.BaseURL
	}
	if len(r.Languages) > 0 {
		c.Languages = r.Languages
	}
	if r.Theme != "" {
		c.Theme = r.Theme
	}
	if set("paginate") && r.Paginate > 0 {
		c.Paginate = r.Paginate
	}
	c.Forge.Kind, c.Forge.URL = r.Forge.Kind, strings.TrimSuffix(r.Forge.URL, "/")
	c.Forge.Keys, c.Forge.Committers = r.Forge.Keys, r.Forge.Committers
	if r.Forge.Branch != "" {
		c.Forge.Branch = r.Forge.Branch
	}
	if r.Plan.Tags != "" {
		c.Plan.Tags = r.Plan.Tags
	}
	for _, l := range []struct {
		dst *string
		src string
	}{
		{&c.Plan.Labels.Goals, r.Plan.Labels.Goals},
		{&c.Plan.Labels.Objectives, r.Plan.Labels.Objectives},
		{&c.Plan.Labels.Actions, r.Plan.Labels.Actions},
	} {
		if l.src != "" {
			*l.dst = l.src
		}
	}
	if r.Votes.Policy != "" {
		c.Votes.Policy = r.Votes.Policy
	}
	if r.Participation.Registration != "" {
		c.Participation.Registration = r.Participation.Registration
	}
	for _, l := range []struct {
		dst *int
		src int
	}{
		{&c.Limits.FileSize, r.Limits.FileSize},
		{&c.Limits.AttachmentSize, r.Limits.AttachmentSize},
		{&c.Limits.TableCells, r.Limits.TableCells},
		{&c.Limits.Nesting, r.Limits.Nesting},

		{&c.Limits.Tags, r.Limits.Tags},
		{&c.Limits.TagPages, r.Limits.TagPages},
		{&c.Limits.Lists, r.Limits.Lists},
		{&c.Limits.IndicatorValues, r.Limits.IndicatorValues},

		{&c.Limits.SourcePackSize, r.Limits.SourcePackSize},
		{&c.Limits.SourceObjectSize, r.Limits.SourceObjectSize},
		{&c.Limits.SourceObjects, r.Limits.SourceObjects},
		{&c.Limits.SourceDepth, r.Limits.SourceDepth},
		{&c.Limits.SourceEntries, r.Limits.SourceEntries},
	} {
		if l.src > 0 {
			*l.dst = l.src
		}
	}
	c.Sources = r.Sources
	c.Brand = r.Brand
	if set("license") {
		c.License = r.License
	}
	c.Contact = strings.TrimSpace(r.Contact)
	c.OpenData = r.OpenData
}

// languageRE is a BCP 47 language tag as pspm uses one in paths (/de/) and lang
// attributes: a two- or three-letter language, then optional subtags ("de", "de-AT").
// Whether there are strings for it is the theme's business: a language needs an
// i18n/<lang>.yaml in the site or the theme (the default theme has it, en and de).
var languageRE = regexp.MustCompile(`^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)

func (c *Config) validate(errs *diag.List) {
	at := func(key string) diag.Pos {
		if p, ok := c.At[key]; ok {
			return p
		}
		return diag.Pos{File: File, Line: 1, Col: 1}
	}
	u, err := url.Parse(c.BaseURL)
	switch {
	case err != nil:
		errs.Add(at("baseURL"), "baseURL %q is not a URL: %v", c.BaseURL, err)
		c.BaseURL = "/"
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		errs.Add(at("baseURL"), "baseURL must start with https:// or http://, or be a path like /pspm/")
		c.BaseURL = "/"
	case u.Scheme == "" && !strings.HasPrefix(c.BaseURL, "/"):
		errs.Add(at("baseURL"), "baseURL %q must be absolute (https://example.org/pspm/) or a path starting with /", c.BaseURL)
		c.BaseURL = "/"
	}
	if !strings.HasSuffix(c.BaseURL, "/") {
		c.BaseURL += "/"
	}
	seen := map[string]bool{}
	for i, l := range c.Languages {
		switch {
		case !languageRE.MatchString(l):
			errs.Add(at("languages"), "languages[%d]: %q is not a language code (want a lower-case BCP 47 tag such as it, en or de, with an i18n/<code>.yaml for it)", i, l)
		case seen[l]:
			errs.Add(at("languages"), "languages: %q is listed twice", l)
		}
		seen[l] = true
	}
	if c.Forge.URL != "" {
		if u, err := url.Parse(c.Forge.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs.Add(at("forge"), "forge.url %q must be the repository's web address, e.g. https://github.com/org/repo", c.Forge.URL)
			c.Forge.URL = ""
		}
	}
	if c.Forge.URL != "" && c.Forge.Kind == "" {
		errs.Warn(at("forge"), "forge.kind is not set; say github, gitlab or gitea so that links to commits and the web editor work")
	}
	if _, err := path.Match(c.Plan.Tags, "plan/x"); err != nil {
		errs.Add(at("plan"), "plan.tags %q is not a valid pattern: %v", c.Plan.Tags, err)
		c.Plan.Tags = "plan/*"
	}
	if c.Brand.Color != "" {
		if !colorRE.MatchString(c.Brand.Color) {
			errs.Add(at("brand"), "brand.color %q: write a colour as #rrggbb, e.g. \"#0066cc\"", c.Brand.Color)
			c.Brand.Color = ""
		} else if ratio := Contrast(c.Brand.Color, "#ffffff"); ratio < 4.5 {
			errs.Add(at("brand"), "brand.color %s: white text on it has a contrast of %.1f:1, under the 4.5:1 that WCAG 2.1 AA requires; choose a darker colour", c.Brand.Color, ratio)
			c.Brand.Color = ""
		}
	}
	if c.Brand.Logo != "" && (!strings.HasPrefix(c.Brand.Logo, "/") || !fs.ValidPath(strings.TrimPrefix(c.Brand.Logo, "/"))) {
		errs.Add(at("brand"), "brand.logo %q: give the path of a file in static/, starting with /, e.g. /img/logo.svg", c.Brand.Logo)
		c.Brand.Logo = ""
	}
	c.checkLicense(at("license"), errs)
	if c.Contact != "" {
		if a, err := mail.ParseAddress(c.Contact); err != nil || a.Address != c.Contact {
			errs.Add(at("contact"), "contact %q: give one e-mail address, e.g. opendata@comune.example.it", c.Contact)
			c.Contact = ""
		}
	}
	c.Sources = checkSources(c.Sources, errs)
}

// checkLicense requires a licence written in full: every field, and absolute http(s)
// addresses. A licence in error falls back to the default.
func (c *Config) checkLicense(at diag.Pos, errs *diag.List) {
	l := &c.License
	var missing []string
	for _, f := range []struct{ name, v string }{{"id", l.ID}, {"name", l.Name}, {"url", l.URL}, {"uri", l.URI}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		errs.Add(at, "license: set %s as well (for CC BY 4.0, leave license out: it is the default)", strings.Join(missing, ", "))
		c.License = DefaultLicense()
		return
	}
	for _, f := range []struct{ name, v string }{{"url", l.URL}, {"uri", l.URI}} {
		if u, err := url.Parse(f.v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs.Add(at, "license.%s %q must be an absolute address starting with https://", f.name, f.v)
			c.License = DefaultLicense()
			return
		}
	}
}

var (
	ipaRE    = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
	scpURLRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[^/].*$`)
)

// checkSources keeps the sources that can be fetched, reporting the others at their
// place in pspm.yaml.
func checkSources(in []Source, errs *diag.List) []Source {
	var out []Source
	seen := map[string]int{}
	agid := -1 // the agid-plan source, the reference
	for i, s := range in {
		pos := func(key string) diag.Pos {
			if p, ok := s.At[key]; ok {
				return p
			}
			return s.Pos
		}
		if s.Kind == "" {
			s.Kind = SourcePortal
		}
		ok := true
		if u, err := url.Parse(s.URL); scpURLRE.MatchString(s.URL) {
			// git@host:path, as forges show it
		} else if err != nil || (u.Scheme != "https" && u.Scheme != "http" && u.Scheme != "ssh" && u.Scheme != "file") || (u.Scheme != "file" && u.Host == "") {
			errs.Add(pos("url"), "sources[%d].url %q: give the address of a Git repository, https://… (or ssh://…, git@host:path, file://…)", i, s.URL)
			ok = false
		}
		if s.Path != "" && (!fs.ValidPath(strings.Trim(s.Path, "/")) || strings.HasPrefix(s.Path, "/")) {
			errs.Add(pos("path"), "sources[%d].path %q: give a folder of the repository, relative to its root, without .. (e.g. portale)", i, s.Path)
			ok = false
		}
		switch {
		case s.Kind == SourceAgIDPlan && s.Body == "":
		case s.Body == "":
			errs.Add(s.Pos, "missing required key %q", "sources["+strconv.Itoa(i)+"].body")
			ok = false
		case !ipaRE.MatchString(s.Body):
			errs.Add(pos("body"), "sources[%d].body %q: give the IPA code of the body the repository speaks for, in lower case (e.g. c_h223)", i, s.Body)
			ok = false
		}
		if s.Kind == SourceAgIDPlan && ok {
			if agid >= 0 {
				errs.Warn(pos("kind"), "sources[%d] is a second agid-plan source: only one edition of AgID's plan is the reference (sources[%d]); this one is left out", i, agid)
				ok = false
			} else {
				agid = i
			}
		}
		key := s.URL + "\x00" + s.Ref + "\x00" + strings.Trim(s.Path, "/")
		if j, dup := seen[key]; dup {
			errs.Add(pos("url"), "sources[%d] is sources[%d] again (same url, ref and path): keep one", i, j)
			ok = false
		}
		seen[key] = i
		if ok {
			s.Path = strings.Trim(s.Path, "/")
			out = append(out, s)
		}
	}
	return out
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Contrast is the WCAG 2.1 contrast ratio of two #rrggbb colours, from 1 to 21.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the relative luminance of a #rrggbb colour (WCAG 2.1).
func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

// BasePath is the path part of BaseURL, always starting and ending with a slash: the prefix
// of every link on the portal.
func (c *Config) BasePath() string {
	u, err := url.Parse(c.BaseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	p := u.Path
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

// AbsURL turns a site path such as /proposals/x/ into an absolute URL when BaseURL is
// absolute, and into a base-path-relative link otherwise.
func (c *Config) AbsURL(p string) string {
	base := strings.TrimSuffix(c.BaseURL, "/")
	return base + "/" + strings.TrimPrefix(p, "/")
}
