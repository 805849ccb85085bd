package content

import (
	"bytes"
	"net/mail"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/meta"
	"github.com/pspm-dev/pspm/generator/site"
)

// PublicCode is what pspm shows of a publiccode.yml, the file that describes public
// software in its repository (the standard of Developers Italia and AgID, versions 0.2 to
// 0.5): the fields a practice page needs. Every string is clean text within its limit and
// every address is an http(s) URL, so a PublicCode is safe to show whatever file it came
// from.
type PublicCode struct {
	Name              string
	URL               string // the source code repository
	LandingURL        string
	SoftwareVersion   string
	ReleaseDate       string // YYYY-MM-DD, or "" when unknown
	DevelopmentStatus string // concept, development, beta, stable, obsolete, or ""
	SoftwareType      string

	License            string // an SPDX expression, as written
	MainCopyrightOwner string
	RepoOwner          string

	MaintenanceType string   // internal, contract, community, none, or ""
	Contractors     []string // their names
	Contacts        []PublicCodeContact

	Platforms  []string
	Categories []string // slugs from the standard's list, as written
	IPA        string   // it.riuso.codiceIPA: the IPA code of the body that released it, in lower case

	Descriptions map[string]PublicCodeDescription // by language code (it, en, de-AT, …)

	file string
	pos  diag.Pos            // the file's top-level mapping
	at   map[string]diag.Pos // values by key: "name", "url", "categories.2", "description.it.documentation", …
}

// PublicCodeContact is a person who maintains the software.
type PublicCodeContact struct {
	Name  string
	Email string // a plain address, or "" when the file gave none that looks like one
}

// PublicCodeDescription is the description of the software in one language.
type PublicCodeDescription struct {
	LocalisedName    string
	ShortDescription string // one line of plain text
	LongDescription  string // Markdown, as written
	Features         []string
	Documentation    string // an http(s) URL, or ""
}

// Limits of a publiccode.yml. They are generous for honest files (the standard caps the
// short description at 150 characters and the long one at 10000) and stop a file from
// another body's repository from filling a page.
const (
	publicCodeMaxSize = 256 << 10
	maxName           = 200
	maxShort          = 500
	maxLong           = 20000
	maxLine           = 300 // a feature, a licence, an owner, a contact's name
	maxFeatures       = 50
	maxList           = 50 // categories, platforms, contractors, contacts
	maxURL            = 2000
	maxTags           = 10
)

// publicCodeVersionRE matches the versions of the standard pspm reads: 0.2 to 0.5, with or
// without a patch number. 0.5 adds organisation and fundedBy, which pcFile knows, and
// deprecates keys that it still accepts.
var publicCodeVersionRE = regexp.MustCompile(`^0\.[2345](\.[0-9]+)?$`)

// ParsePublicCode reads a publiccode.yml. file is its path for diagnostics, relative to
// the site, e.g. "sources/comune-x/publiccode.yml". The file comes from another body's
// repository, which the site's maintainers cannot fix: so a problem that leaves the file
// usable is a warning, at the line and column of the value, saying what is expected; the
// value is cut to its limit or left out. Errors are kept for a file that cannot be used at
// all — not YAML, over 256 KiB, without name or url — and then the result is nil.
func ParsePublicCode(file string, data []byte, errs *diag.List) *PublicCode {
	top := diag.Pos{File: file, Line: 1, Col: 1}
	if len(data) > publicCodeMaxSize {
		errs.Add(diag.Pos{File: file}, "publiccode.yml is over the limit of 256 KiB (%d bytes); it describes software, so a few KiB are enough", len(data))
		return nil
	}
	if rest, ok := bytes.CutPrefix(data, []byte("\ufeff")); ok {
		errs.Warn(top, "the file starts with a byte-order mark (BOM); read anyway, but it should be saved as UTF-8 without BOM")
		data = rest
	}
	if !meta.CheckText(file, data, errs) {
		return nil
	}
	n := meta.Parse(file, 1, data, errs)
	if n == nil {
		return nil
	}
	var decoded diag.List
	v := reflect.New(publicCodeType)
	meta.Decode(file, n, v.Interface(), &decoded)
	f, langs := unpackPublicCode(v.Elem())
	lenient(decoded, f.Pos, errs)
	r := pcReader{file: file, errs: errs}
	return r.publicCode(f, langs)
}

// lenient passes on what meta.Decode reported, as warnings: publiccode.yml files are
// written to the standard's own validator, not to pspm, and a value pspm cannot read is
// only left out. The standard grows keys in every version and in its country extensions,
// so unknown keys are reported at the top level only (root is the top-level mapping,
// whose keys share its column), and an unknown key under description is a language pspm
// does not read.
func lenient(decoded diag.List, root diag.Pos, errs *diag.List) {
	for _, e := range decoded {
		key, ok := unknownKey(e.Msg)
		top := e.Pos.Col == root.Col || !strings.ContainsAny(key, ".[")
		switch {
		case !ok:
			errs.Warn(e.Pos, "%s", e.Msg)
		case e.Pos.Col != root.Col && strings.HasPrefix(key, "description.") && !strings.ContainsAny(key[len("description."):], ".["):
			lang := key[len("description."):]
			hint := ""
			if l := canonicalLanguage(lang); l != "" && l != lang {
				hint = "; write it as " + strconv.Quote(l)
			}
			errs.Warn(e.Pos, "description in language %q ignored: pspm reads descriptions under a BCP 47 language code such as it, en or de-AT%s", lang, hint)
		case top:
			msg := "unknown key " + strconv.Quote(key) + " ignored: it is not part of publiccode.yml 0.2 to 0.5"
			if s := diag.Suggest(key, topKeys()); s != "" {
				msg += "; did you mean " + strconv.Quote(s) + "?"
			}
			errs.Warn(e.Pos, "%s", msg)
		}
	}
}

// unknownKey returns the key path of meta.Decode's "unknown key" diagnostic.
func unknownKey(msg string) (string, bool) {
	rest, ok := strings.CutPrefix(msg, "unknown key ")
	if !ok {
		return "", false
	}
	q, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return "", false
	}
	key, err := strconv.Unquote(q)
	return key, err == nil
}

// The shape of a publiccode.yml, as meta.Decode reads it. Every documented key is here,
// so that none is reported as unknown; the ones pspm does not show are typed loosely
// (booleans as strings) so that their values cause no warnings either.
type pcFile struct {
	Version           string         `yaml:"publiccodeYmlVersion"`
	Name              string         `yaml:"name"`
	ApplicationSuite  string         `yaml:"applicationSuite"`
	URL               string         `yaml:"url"`
	LandingURL        string         `yaml:"landingURL"`
	IsBasedOn         []string       `yaml:"isBasedOn"`
	SoftwareVersion   string         `yaml:"softwareVersion"`
	ReleaseDate       string         `yaml:"releaseDate"`
	Logo              string         `yaml:"logo"`
	MonochromeLogo    string         `yaml:"monochromeLogo"`
	InputTypes        []string       `yaml:"inputTypes"`
	OutputTypes       []string       `yaml:"outputTypes"`
	Platforms         []string       `yaml:"platforms"`
	Categories        []string       `yaml:"categories"`
	UsedBy            []string       `yaml:"usedBy"`
	Roadmap           string         `yaml:"roadmap"`
	DevelopmentStatus string         `yaml:"developmentStatus" enum:"concept|development|beta|stable|obsolete"`
	SoftwareType      string         `yaml:"softwareType" enum:"standalone/mobile|standalone/iot|standalone/desktop|standalone/web|standalone/backend|standalone/other|addon|library|configurationFiles"`
	IntendedAudience  pcAudience     `yaml:"intendedAudience"`
	Legal             pcLegal        `yaml:"legal"`
	Maintenance       pcMaintenance  `yaml:"maintenance"`
	Localisation      pcLocalisation `yaml:"localisation"`
	DependsOn         pcDependsOn    `yaml:"dependsOn"`
	It                pcIT           `yaml:"it"`
	ItUpper           pcIT           `yaml:"IT"` // the spelling of the standard's own examples
	Organisation      pcOrganisation `yaml:"organisation"`
	OrganizationURI   string         `yaml:"organizationUri"`
	FundedBy          []pcFunder     `yaml:"fundedBy"`

	Pos diag.Pos            `yaml:"-"`
	At  map[string]diag.Pos `yaml:"-"`
}

type pcAudience struct {
	Countries            []string `yaml:"countries"`
	UnsupportedCountries []string `yaml:"unsupportedCountries"`
	Scope                []string `yaml:"scope"`
}

type pcDescription struct {
	LocalisedName    string   `yaml:"localisedName"`
	GenericName      string   `yaml:"genericName"`
	ShortDescription string   `yaml:"shortDescription"`
	LongDescription  string   `yaml:"longDescription"`
	Documentation    string   `yaml:"documentation"`
	APIDocumentation string   `yaml:"apiDocumentation"`
	Features         []string `yaml:"features"`
	Screenshots      []string `yaml:"screenshots"`
	Videos           []string `yaml:"videos"`
	Awards           []string `yaml:"awards"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcLegal struct {
	License            string `yaml:"license"`
	MainCopyrightOwner string `yaml:"mainCopyrightOwner"`
	RepoOwner          string `yaml:"repoOwner"`
	AuthorsFile        string `yaml:"authorsFile"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcMaintenance struct {
	Type        string         `yaml:"type" enum:"internal|contract|community|none"`
	Contractors []pcContractor `yaml:"contractors"`
	Contacts    []pcContact    `yaml:"contacts"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcContractor struct {
	Name    string `yaml:"name" meta:"required"`
	Until   string `yaml:"until"`
	Email   string `yaml:"email"`
	Website string `yaml:"website"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcContact struct {
	Name        string `yaml:"name" meta:"required"`
	Email       string `yaml:"email"`
	Phone       string `yaml:"phone"`
	Affiliation string `yaml:"affiliation"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcLocalisation struct {
	LocalisationReady  string   `yaml:"localisationReady"`
	AvailableLanguages []string `yaml:"availableLanguages"`
}

type pcDependsOn struct {
	Open        []pcDependency `yaml:"open"`
	Proprietary []pcDependency `yaml:"proprietary"`
	Hardware    []pcDependency `yaml:"hardware"`
}

type pcDependency struct {
	Name       string `yaml:"name"`
	VersionMin string `yaml:"versionMin"`
	VersionMax string `yaml:"versionMax"`
	Version    string `yaml:"version"`
	Optional   string `yaml:"optional"`
}

type pcIT struct {
	CountryExtensionVersion string        `yaml:"countryExtensionVersion"`
	Conforme                pcConforme    `yaml:"conforme"`
	Piattaforme             pcPiattaforme `yaml:"piattaforme"`
	Riuso                   pcRiuso       `yaml:"riuso"`
}

type pcConforme struct {
	LineeGuidaDesign        string `yaml:"lineeGuidaDesign"`
	ModelloInteroperabilita string `yaml:"modelloInteroperabilita"`
	MisureMinimeSicurezza   string `yaml:"misureMinimeSicurezza"`
	GDPR                    string `yaml:"gdpr"`
}

type pcPiattaforme struct {
	SPID   string `yaml:"spid"`
	CIE    string `yaml:"cie"`
	ANPR   string `yaml:"anpr"`
	PagoPA string `yaml:"pagopa"`
	IO     string `yaml:"io"`
}

type pcRiuso struct {
	CodiceIPA string `yaml:"codiceIPA"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcOrganisation struct {
	URI  string `yaml:"uri"`
	Name string `yaml:"name"`

	At map[string]diag.Pos `yaml:"-"`
}

type pcFunder struct {
	Name string `yaml:"name"`
	URI  string `yaml:"uri"`
}

// descriptionLanguages are the keys of description that pspm reads: every ISO 639-1 code,
// the regional variants of the languages spoken in and around Italy, the historical
// minority languages of Italy that have no two-letter code, and the ISO 639-2 codes of
// early files (read as their two-letter code).
const descriptionLanguages = `
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
yo za zh zu
it-IT it-CH it-SM it-VA en-GB en-US en-IE de-DE de-AT de-CH de-IT fr-FR fr-CH fr-IT
sl-SI sl-IT es-ES pt-PT pt-BR
fur lld frp aae scn vec nap lij lmo pms srd
ita eng deu ger fra fre slv spa`

// legacyLanguage maps the ISO 639-2 codes of early files to their BCP 47 form.
func legacyLanguage(code string) string {
	switch code {
	case "ita":
		return "it"
	case "eng":
		return "en"
	case "deu", "ger":
		return "de"
	case "fra", "fre":
		return "fr"
	case "slv":
		return "sl"
	case "spa":
		return "es"
	}
	return ""
}

// canonicalLanguage writes a language tag as BCP 47 recommends (it, de-AT), and returns
// "" when it is not one pspm reads.
func canonicalLanguage(tag string) string {
	primary, region, hasRegion := strings.Cut(strings.ReplaceAll(tag, "_", "-"), "-")
	c := strings.ToLower(primary)
	if hasRegion {
		c += "-" + strings.ToUpper(region)
	}
	for _, l := range strings.Fields(descriptionLanguages) {
		if l == c {
			return c
		}
	}
	return ""
}

// meta.Decode reads structs, not maps, so description, whose keys are language codes, is
// read into a struct made once with one field per language of descriptionLanguages, and
// the file into pcFile with that field added.
var (
	descriptionsType = descriptionsStruct()
	publicCodeType   = publicCodeStruct()
)

func descriptionsStruct() reflect.Type {
	var fields []reflect.StructField
	for i, l := range strings.Fields(descriptionLanguages) {
		fields = append(fields, reflect.StructField{
			Name: "L" + strconv.Itoa(i),
			Type: reflect.TypeFor[pcDescription](),
			Tag:  reflect.StructTag(`yaml:"` + l + `"`),
		})
	}
	fields = append(fields, reflect.StructField{Name: "At", Type: reflect.TypeFor[map[string]diag.Pos](), Tag: `yaml:"-"`})
	return reflect.StructOf(fields)
}

func publicCodeStruct() reflect.Type {
	t := reflect.TypeFor[pcFile]()
	fields := make([]reflect.StructField, 0, t.NumField()+1)
	for i := 0; i < t.NumField(); i++ {
		fields = append(fields, t.Field(i))
	}
	fields = append(fields, reflect.StructField{Name: "Description", Type: descriptionsType, Tag: `yaml:"description"`})
	return reflect.StructOf(fields)
}

// pcLang is one language of description as read.
type pcLang struct {
	tag  string
	desc pcDescription
	pos  diag.Pos
}

// unpackPublicCode splits a decoded publicCodeType into its pcFile and the descriptions
// it holds, in the order of descriptionLanguages.
func unpackPublicCode(v reflect.Value) (pcFile, []pcLang) {
	var f pcFile
	fv := reflect.ValueOf(&f).Elem()
	for i := 0; i < fv.NumField(); i++ {
		fv.Field(i).Set(v.Field(i))
	}
	d := v.Field(fv.NumField())
	at, _ := d.FieldByName("At").Interface().(map[string]diag.Pos)
	var langs []pcLang
	for i := 0; i < descriptionsType.NumField(); i++ {
		tag := descriptionsType.Field(i).Tag.Get("yaml")
		if pos, ok := at[tag]; ok {
			langs = append(langs, pcLang{tag: tag, desc: d.Field(i).Interface().(pcDescription), pos: pos})
		}
	}
	return f, langs
}

// pcReader turns a decoded file into a PublicCode, warning about what it leaves out.
type pcReader struct {
	file string
	errs *diag.List
	top  diag.Pos // the file's top-level mapping, where a missing key is reported
}

// pos returns the position of the value of key, or of the file's mapping.
func (r *pcReader) pos(at map[string]diag.Pos, key string) diag.Pos {
	if p, ok := at[key]; ok {
		return p
	}
	return r.top
}

func (r *pcReader) publicCode(f pcFile, langs []pcLang) *PublicCode {
	r.top = f.Pos
	if r.top.File == "" {
		r.top = diag.Pos{File: r.file, Line: 1, Col: 1}
	}
	p := &PublicCode{file: r.file, pos: r.top, at: map[string]diag.Pos{}}
	at := func(key string) diag.Pos { return r.pos(f.At, key) }

	p.Name = r.line(f.Name, maxName, at("name"), "name")
	if p.Name == "" {
		r.errs.Add(at("name"), "no name: a publiccode.yml names its software with name: (e.g. name: Medusa); the file is not used")
		return nil
	}
	p.at["name"] = at("name")
	if strings.TrimSpace(f.URL) == "" {
		r.errs.Add(at("url"), "no url: a publiccode.yml gives the address of the source code repository with url: (e.g. url: https://github.com/comune-x/medusa); the file is not used")
		return nil
	}
	p.URL = r.link(f.URL, at("url"), "url")
	p.at["url"] = at("url")
	p.LandingURL = r.link(f.LandingURL, at("landingURL"), "landingURL")
	p.at["landingURL"] = at("landingURL")

	switch v := strings.TrimSpace(f.Version); {
	case v == "":
		r.errs.Warn(r.top, "no publiccodeYmlVersion: add publiccodeYmlVersion: \"0.5\" (or the version the file follows); read as 0.5")
	case !publicCodeVersionRE.MatchString(v):
		r.errs.Warn(at("publiccodeYmlVersion"), "publiccodeYmlVersion %q is not one pspm reads (0.2 to 0.5); read as 0.5, so some keys may be missed", v)
	}

	p.SoftwareVersion = r.line(f.SoftwareVersion, 100, at("softwareVersion"), "softwareVersion")
	p.ReleaseDate = r.date(f.ReleaseDate, at("releaseDate"), "releaseDate")
	p.at["releaseDate"] = at("releaseDate")
	p.DevelopmentStatus = f.DevelopmentStatus // the enum was checked by meta.Decode
	p.SoftwareType = f.SoftwareType

	la := f.Legal.At
	p.License = r.line(f.Legal.License, maxLine, r.pos(la, "license"), "legal.license")
	p.MainCopyrightOwner = r.line(f.Legal.MainCopyrightOwner, maxLine, r.pos(la, "mainCopyrightOwner"), "legal.mainCopyrightOwner")
	p.RepoOwner = r.line(f.Legal.RepoOwner, maxLine, r.pos(la, "repoOwner"), "legal.repoOwner")

	p.MaintenanceType = f.Maintenance.Type
	r.maintenance(p, f.Maintenance)

	p.Platforms = r.list(f.Platforms, 20, f.At, "platforms")
	r.categories(p, f)
	r.ipa(p, f)
	r.descriptions(p, langs)
	return p
}

// maintenance reads the contractors' and contacts' names and checks their email
// addresses and dates.
func (r *pcReader) maintenance(p *PublicCode, m pcMaintenance) {
	for i, c := range m.Contractors {
		key := "maintenance.contractors[" + strconv.Itoa(i) + "]"
		if i == maxList {
			r.errs.Warn(r.pos(c.At, "name"), "more than %d contractors: the rest are left out", maxList)
			break
		}
		r.date(c.Until, r.pos(c.At, "until"), key+".until")
		r.email(c.Email, r.pos(c.At, "email"), key+".email")
		if name := r.line(c.Name, maxLine, r.pos(c.At, "name"), key+".name"); name != "" {
			p.Contractors = append(p.Contractors, name)
		}
	}
	for i, c := range m.Contacts {
		key := "maintenance.contacts[" + strconv.Itoa(i) + "]"
		if i == maxList {
			r.errs.Warn(r.pos(c.At, "name"), "more than %d contacts: the rest are left out", maxList)
			break
		}
		email := r.email(c.Email, r.pos(c.At, "email"), key+".email")
		if name := r.line(c.Name, maxLine, r.pos(c.At, "name"), key+".name"); name != "" {
			p.Contacts = append(p.Contacts, PublicCodeContact{Name: name, Email: email})
		}
	}
}

// slugRE matches the categories of the standard's list: lower-case words joined by -.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// categories keeps the categories that are slugs, as written: they become tags.
func (r *pcReader) categories(p *PublicCode, f pcFile) {
	for i, c := range f.Categories {
		pos := r.pos(f.At, "categories."+strconv.Itoa(i))
		c = strings.TrimSpace(c)
		switch {
		case c == "":
			continue
		case len(p.Categories) == maxList:
			r.errs.Warn(pos, "more than %d categories: the rest are left out", maxList)
			return
		case len(c) > 64 || !slugRE.MatchString(c):
			r.errs.Warn(pos, "category %q left out: categories are lower-case words joined by -, from the list of publiccode.yml (e.g. content-management, it-security)", clip(c, 64))
			continue
		case len(p.Categories) == maxTags:
			r.errs.Warn(pos, "only the first %d categories become tags of the practice", maxTags)
		}
		p.at["categories."+strconv.Itoa(len(p.Categories))] = pos
		p.Categories = append(p.Categories, c)
	}
}

var (
	ipaRE    = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
	ipaURNRE = regexp.MustCompile(`^urn:x-italian-pa:([A-Za-z0-9_]{1,64})$`)
)

// ipa reads the IPA code of the body that released the software: it.riuso.codiceIPA
// (or IT.riuso.codiceIPA), else an organisation URI urn:x-italian-pa:<code> of newer files.
func (r *pcReader) ipa(p *PublicCode, f pcFile) {
	code, pos := f.It.Riuso.CodiceIPA, r.pos(f.It.Riuso.At, "codiceIPA")
	if code == "" {
		code, pos = f.ItUpper.Riuso.CodiceIPA, r.pos(f.ItUpper.Riuso.At, "codiceIPA")
	}
	if code == "" {
		if m := ipaURNRE.FindStringSubmatch(strings.TrimSpace(f.Organisation.URI)); m != nil {
			code, pos = m[1], r.pos(f.Organisation.At, "uri")
		}
	}
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return
	}
	if !ipaRE.MatchString(code) {
		r.errs.Warn(pos, "codiceIPA %q left out: an IPA code is lower-case letters, digits and _ (e.g. c_h501), as in indicepa.gov.it", clip(code, 64))
		return
	}
	p.IPA = code
	p.at["ipa"] = pos
}

// descriptions reads the descriptions by language.
func (r *pcReader) descriptions(p *PublicCode, langs []pcLang) {
	if len(langs) == 0 {
		r.errs.Warn(r.top, "no description: add description.it (or another language) with shortDescription, longDescription and features; the practice shows only the name")
		return
	}
	p.Descriptions = map[string]PublicCodeDescription{}
	for _, l := range langs {
		tag := l.tag
		if legacy := legacyLanguage(tag); legacy != "" {
			r.errs.Warn(l.pos, "description in %q: write the language as %q (BCP 47, since publiccode.yml 0.2); read as %q", tag, legacy, legacy)
			tag = legacy
		}
		if _, dup := p.Descriptions[tag]; dup {
			r.errs.Warn(l.pos, "a second description in %q ignored; keep only one", tag)
			continue
		}
		d, at := l.desc, l.desc.At
		key := "description." + l.tag + "."
		out := PublicCodeDescription{
			LocalisedName:    r.line(d.LocalisedName, maxName, r.pos(at, "localisedName"), key+"localisedName"),
			ShortDescription: r.line(d.ShortDescription, maxShort, r.pos(at, "shortDescription"), key+"shortDescription"),
			LongDescription:  r.text(d.LongDescription, maxLong, r.pos(at, "longDescription"), key+"longDescription"),
			Documentation:    r.link(d.Documentation, r.pos(at, "documentation"), key+"documentation"),
		}
		for i, feat := range d.Features {
			pos := r.pos(at, key+"features."+strconv.Itoa(i))
			if len(out.Features) == maxFeatures {
				r.errs.Warn(pos, "more than %d features: the rest are left out", maxFeatures)
				break
			}
			if s := r.line(feat, maxLine, pos, key+"features["+strconv.Itoa(i)+"]"); s != "" {
				out.Features = append(out.Features, s)
			}
		}
		p.Descriptions[tag] = out
		p.at["description."+tag] = l.pos
		p.at["description."+tag+".localisedName"] = r.pos(at, "localisedName")
		p.at["description."+tag+".documentation"] = r.pos(at, "documentation")
	}
}

// line cleans a one-line value and cuts it to max characters, with a warning.
func (r *pcReader) line(s string, max int, pos diag.Pos, key string) string {
	return r.cut(clean(s, true), max, pos, key)
}

// text cleans a multi-line value and cuts it to max characters, with a warning.
func (r *pcReader) text(s string, max int, pos diag.Pos, key string) string {
	return r.cut(clean(s, false), max, pos, key)
}

func (r *pcReader) cut(s string, max int, pos diag.Pos, key string) string {
	if n := utf8.RuneCountInString(s); n > max {
		r.errs.Warn(pos, "%s is %d characters long; only the first %d are shown (keep it under %d)", key, n, max, max)
		return clip(s, max)
	}
	return s
}

// list cleans a list of one-line values, drops empty ones and keeps at most max.
func (r *pcReader) list(items []string, max int, at map[string]diag.Pos, key string) []string {
	var out []string
	for i, s := range items {
		pos := r.pos(at, key+"."+strconv.Itoa(i))
		if len(out) == max {
			r.errs.Warn(pos, "more than %d %s: the rest are left out", max, key)
			break
		}
		if s = r.line(s, maxLine, pos, key+"["+strconv.Itoa(i)+"]"); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// date checks a YYYY-MM-DD date. An RFC 3339 time gives its date, with a warning; any
// other form is left out.
func (r *pcReader) date(s string, pos diag.Pos, key string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.Format(time.DateOnly)
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		r.errs.Warn(pos, "%s %q: want a date as YYYY-MM-DD, without the time; read as %s", key, s, t.Format(time.DateOnly))
		return t.Format(time.DateOnly)
	}
	hint := "write it as YYYY-MM-DD, e.g. 2024-03-31"
	if b := []byte(s); len(b) == 10 && (b[2] == '/' || b[2] == '-' || b[2] == '.') && (b[5] == b[2]) {
		hint = "write it as YYYY-MM-DD (year first), e.g. " + s[6:10] + "-" + s[3:5] + "-" + s[0:2]
	}
	r.errs.Warn(pos, "%s %q is not a date and is left out; %s", key, clip(s, 40), hint)
	return ""
}

// email returns the address of an email value, or "" with a warning when it does not
// look like one.
func (r *pcReader) email(s string, pos diag.Pos, key string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || len(a.Address) > 254 || !emailDomainRE.MatchString(a.Address) {
		r.errs.Warn(pos, "%s %q is not an email address and is left out; write it as name@example.it", key, clip(s, 80))
		return ""
	}
	return a.Address
}

// emailDomainRE asks an address for a domain name with a dot, as every address that
// reaches a person has; net/mail accepts any domain.
var emailDomainRE = regexp.MustCompile(`@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$`)

// link returns s when it is an http(s) URL, and "" with a warning otherwise.
func (r *pcReader) link(s string, pos diag.Pos, key string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if !webURL(s) {
		hint := "want an address that starts with https://"
		if strings.HasPrefix(s, "git@") || strings.HasPrefix(s, "ssh://") || strings.HasPrefix(s, "git://") {
			hint = "write the https:// address of the repository, which anyone can open"
		}
		r.errs.Warn(pos, "%s %q is not a web address and is not linked; %s", key, clip(s, 80), hint)
		return ""
	}
	return s
}

// webURL reports whether s is an absolute http or https URL with a host, short enough to
// show and free of spaces and control characters.
func webURL(s string) bool {
	if s == "" || len(s) > maxURL || strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	scheme := strings.ToLower(u.Scheme)
	return (scheme == "http" || scheme == "https") && strings.EqualFold(s[:len(scheme)+3], scheme+"://")
}

// clean drops what has no place in shown text: control characters (but new lines and
// tabs in multi-line text), bidirectional overrides and invalid UTF-8; oneLine folds
// every run of white space into one space.
func clean(s string, oneLine bool) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, c := range s {
		switch {
		case c == '\u2028' || c == '\u2029':
			c = '\n'
		case c == '\r' || c == '\uFEFF' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069') || c == '\u200E' || c == '\u200F':
			continue
		case c != '\n' && c != '\t' && unicode.IsControl(c):
			continue
		}
		if oneLine {
			if unicode.IsSpace(c) {
				space = true
				continue
			}
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
		}
		b.WriteRune(c)
	}
	if oneLine {
		return b.String()
	}
	return strings.TrimRight(strings.Trim(b.String(), "\n"), " \t\n")
}

// clip cuts s to max characters, ending with … when it cut.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max-1 {
			return strings.TrimRight(s[:i], " \t\n") + "…"
		}
		n++
	}
	return s
}

// topKeys lists the top-level keys of publiccode.yml, for did-you-mean.
func topKeys() []string {
	t := reflect.TypeFor[pcFile]()
	keys := []string{"description"}
	for i := 0; i < t.NumField(); i++ {
		if k := t.Field(i).Tag.Get("yaml"); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

// Practice turns the software into a good practice of kind "software" of body (an IPA
// code), with id (a slug the caller chooses), written in lang, the site's default
// language: it uses the description in lang, else in Italian, else in English, else the
// first in order of language code. The practice is dated by the release date (zero when
// unknown) and tagged with the first 10 categories.
//
// Its Text is Markdown that is safe by itself, whatever the file said: the short
// description, the long one, the features as a list, and lines for licence, maintenance,
// development status and version. Characters that Markdown would read as HTML (< > &) or
// as link syntax ([ ]) are written as character references, so no raw HTML and no link
// can come from the file, but for the links of the long description that lead to http(s)
// addresses; "javascript:" is never written as such. Its Links are the repository, the
// landing page and the documentation, all http(s).
func (p *PublicCode) Practice(id, body, lang string) *site.Practice {
	if p == nil {
		return nil
	}
	l := labelsFor(lang)
	tag, d := p.description(lang)
	pr := &site.Practice{
		Item: site.Item{
			ID:      id,
			Section: site.Practices,
			File:    p.file,
			Pos:     p.pos,
			At:      map[string]diag.Pos{},
		},
		Title: clip(clean(p.Name, true), maxName),
		Body:  body,
		Kind:  "software",
	}
	pr.At["title"] = p.at["name"]
	if n := clip(clean(d.LocalisedName, true), maxName); n != "" {
		pr.Title = n
		pr.At["title"] = p.at["description."+tag+".localisedName"]
	}
	if body != "" && body == p.IPA {
		pr.At["body"] = p.at["ipa"]
	}
	if tag != "" {
		pr.TextLine = p.at["description."+tag].Line
	}
	if t, err := time.Parse(time.DateOnly, p.ReleaseDate); err == nil {
		pr.Date = t
		pr.At["date"] = p.at["releaseDate"]
	}
	for i, c := range p.Categories {
		if len(pr.Tags) == maxTags {
			break
		}
		if slugRE.MatchString(c) && len(c) <= 64 {
			pr.At["tags."+strconv.Itoa(len(pr.Tags))] = p.at["categories."+strconv.Itoa(i)]
			pr.Tags = append(pr.Tags, c)
		}
	}
	addLink := func(title, u, key string) {
		if !webURL(u) {
			return
		}
		for _, have := range pr.Links {
			if have.URL == u {
				return
			}
		}
		pr.Links = append(pr.Links, site.Link{Title: title, URL: u, Pos: p.at[key]})
	}
	addLink(l.source, p.URL, "url")
	addLink(l.landing, p.LandingURL, "landingURL")
	addLink(l.docs, d.Documentation, "description."+tag+".documentation")
	pr.SetText(p.text(d, l))
	return pr
}

// description picks the description to show in lang: lang, Italian, English, then the
// first language in order. A language matches its regional variants (it matches it-IT).
func (p *PublicCode) description(lang string) (string, PublicCodeDescription) {
	if len(p.Descriptions) == 0 {
		return "", PublicCodeDescription{}
	}
	tags := make([]string, 0, len(p.Descriptions))
	for t := range p.Descriptions {
		tags = append(tags, t)
	}
	sort.Strings(tags)
	for _, want := range []string{lang, "it", "en"} {
		if want == "" {
			continue
		}
		if d, ok := p.Descriptions[want]; ok {
			return want, d
		}
		for _, t := range tags {
			if primary, _, _ := strings.Cut(t, "-"); strings.EqualFold(primary, want) {
				return t, p.Descriptions[t]
			}
		}
	}
	return tags[0], p.Descriptions[tags[0]]
}

// labels are the words of a practice's Text and links, in the site's language.
type labels struct {
	source, landing, docs                 string
	features, details                     string
	license, maintenance, status, version string
	released                              string
	maintenanceTypes, statuses            map[string]string
}

func labelsFor(lang string) labels {
	if primary, _, _ := strings.Cut(lang, "-"); strings.EqualFold(primary, "it") {
		return labels{
			source: "Codice sorgente", landing: "Sito del progetto", docs: "Documentazione",
			features: "Funzionalità", details: "Scheda",
			license: "Licenza", maintenance: "Manutenzione", status: "Stato di sviluppo", version: "Versione",
			released:         "rilasciata il",
			maintenanceTypes: map[string]string{"internal": "interna", "contract": "a contratto", "community": "della comunità", "none": "nessuna"},
			statuses:         map[string]string{"concept": "ideazione", "development": "in sviluppo", "beta": "beta", "stable": "stabile", "obsolete": "obsoleto"},
		}
	}
	return labels{
		source: "Source code", landing: "Project website", docs: "Documentation",
		features: "Features", details: "Details",
		license: "Licence", maintenance: "Maintenance", status: "Development status", version: "Version",
		released:         "released on",
		maintenanceTypes: map[string]string{"internal": "internal", "contract": "under contract", "community": "by the community", "none": "none"},
		statuses:         map[string]string{"concept": "concept", "development": "in development", "beta": "beta", "stable": "stable", "obsolete": "obsolete"},
	}
}

// text writes the practice's Markdown.
func (p *PublicCode) text(d PublicCodeDescription, l labels) string {
	var b strings.Builder
	para := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	para(escapeText(clip(clean(d.ShortDescription, true), maxShort)))
	para(safeMarkdown(clip(clean(d.LongDescription, false), maxLong)))
	var feats []string
	for _, f := range d.Features {
		if f = clip(clean(f, true), maxLine); f != "" && len(feats) < maxFeatures {
			feats = append(feats, "- "+escapeText(f))
		}
	}
	if len(feats) > 0 {
		para("## " + l.features + "\n\n" + strings.Join(feats, "\n"))
	}
	var details []string
	detail := func(label, value string) {
		if value = clip(clean(value, true), maxLine*4); value != "" {
			details = append(details, "- **"+label+":** "+escapeText(value))
		}
	}
	detail(l.license, p.License)
	detail(l.maintenance, p.maintainer(l))
	if s, ok := l.statuses[p.DevelopmentStatus]; ok {
		detail(l.status, s)
	}
	switch v, date := clean(p.SoftwareVersion, true), p.ReleaseDate; {
	case v != "" && date != "":
		detail(l.version, v+", "+l.released+" "+date)
	case v != "":
		detail(l.version, v)
	case date != "":
		detail(l.version, l.released+" "+date)
	}
	if len(details) > 0 {
		para("## " + l.details + "\n\n" + strings.Join(details, "\n"))
	}
	return b.String()
}

// maintainer says how the software is maintained and by whom: the contractors, else the
// contacts.
func (p *PublicCode) maintainer(l labels) string {
	names := p.Contractors
	if len(names) == 0 {
		for _, c := range p.Contacts {
			names = append(names, c.Name)
		}
	}
	var clean []string
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" && len(clean) < 10 {
			clean = append(clean, n)
		}
	}
	who := strings.Join(clean, ", ")
	kind := l.maintenanceTypes[p.MaintenanceType]
	switch {
	case kind != "" && who != "":
		return kind + " (" + who + ")"
	case kind != "":
		return kind
	}
	return who
}

// entities are the characters that Markdown may read as HTML, an entity or a link, and
// the character references that show them as themselves.
var entities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "[", "&#91;", "]", "&#93;")

// scriptSchemeRE finds the schemes that run code when a link is followed.
var scriptSchemeRE = regexp.MustCompile(`(?i)(java|vb)(script):`)

// escapeText makes s plain text in Markdown: no HTML, no entity of the file's own, no
// link, and no "javascript:" that a renderer could take for a link. The references it
// writes render as the characters they replace.
func escapeText(s string) string {
	return scriptSchemeRE.ReplaceAllString(entities.Replace(s), "$1$2&#58;")
}

// mdLinkRE matches the only Markdown links kept from a long description: an inline link
// with plain text and an http(s) address without spaces, brackets or parentheses.
var mdLinkRE = regexp.MustCompile(`\[([^\[\]\\\n]+)\]\(((?i:https?)://[^\s()<>\[\]\\]+)\)`)

// safeMarkdown keeps the Markdown of a long description (emphasis, lists, headings and
// links to http(s) addresses) and escapes the rest as escapeText does. A code fence left
// open is closed, so that it does not swallow what the practice adds after it.
func safeMarkdown(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range mdLinkRE.FindAllStringSubmatchIndex(s, -1) {
		dest := s[m[4]:m[5]]
		if m[3]-m[2] > maxLine || !webURL(dest) {
			continue
		}
		gap := escapeText(s[last:m[0]])
		if strings.HasSuffix(gap, "!") { // not an image, which would load from another site
			gap = gap[:len(gap)-1] + "&#33;"
		}
		b.WriteString(gap)
		b.WriteString("[" + escapeText(s[m[2]:m[3]]) + "](" + escapeText(dest) + ")")
		last = m[1]
	}
	b.WriteString(escapeText(s[last:]))
	return closeFence(b.String())
}

// fenceRE matches a line that opens or closes a code fence at the top level.
var fenceRE = regexp.MustCompile("^ {0,3}(`{3,}|~{3,})")

// closeFence appends a closing fence when s leaves a code fence open.
func closeFence(s string) string {
	open := ""
	for _, line := range strings.Split(s, "\n") {
		m := fenceRE.FindStringSubmatch(line)
		switch {
		case m == nil:
		case open == "":
			if m[1][0] == '`' && strings.Contains(line[len(m[0]):], "`") {
				continue // a backtick fence's info string may not contain a backtick
			}
			open = m[1]
		case m[1][0] == open[0] && len(m[1]) >= len(open) && strings.TrimSpace(line[len(m[0]):]) == "":
			open = ""
		}
	}
	if open != "" {
		return s + "\n" + open
	}
	return s
}
