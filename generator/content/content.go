// Package content reads a portal's content/ folder from an fs.FS into a site.Site.
//
// It walks the folder once, tells every file's role from its path (an item's index.md,
// its translations, its reactions/, feedback/ and attachments), checks names, sizes and
// encodings, splits and decodes front matter with positions, and bounds the Markdown,
// reading and parsing files on every core. Any problem is reported at its position; a
// file that cannot be used is left out of the model, never half-read.
//
// No symbolic link under content/ is ever followed, whether it leaves the site's folder
// or stays inside it (a link to ../.git/config stays inside): each is an error at its
// path, told from the fs.FS's own directory entries, so the rule holds for a folder on
// disk, a Git tree or any other fs.FS. Files are read, where the fs.FS allows it, by a
// call that refuses links itself (source.FS.ReadFileNoFollow).
//
// Attachments, the other files of an item's folder, are an allow-list of types that
// browsers only show or download (documents, images, data, ZIP archives: attach.go
// lists them); each is checked by its first bytes, and an SVG must hold nothing a
// browser would run or load. A web page, a script, an SVG with a script and any other
// type are refused with a message that says what to publish instead. The render checks
// each attachment again as it copies it (ReadAttachment).
package content

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/parallel"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/meta"
	"github.com/pspm-dev/pspm/generator/offheap"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/slug"
)

// Dir is the folder of a site that holds its content.
const Dir = "content"

// role is what a file is, told from its path.
type role uint8

const (
	rolePlan role = iota
	roleItem
	roleReaction
	roleFeedback
	roleAttachment
	roleTranslation
	roleSignature       // <file>.sig beside a reaction, feedback or amendment file
	roleAmendment       // <item>/amendments/<body>-<slug>.md
	roleAnswer          // <item>/amendments/<body>-<slug>/answer.md, the owner's answer
	roleModeration      // moderation/<id>.md, a decision to hide a contribution
	roleModerationRules // moderation/_index.md, the portal's rules
	roleSupport         // <item>/supports/<handle>.yaml, a participant's support
)

// job is one file to read. A site of 100,000 proposals has a million of them, all
// listed before they are read and held until the site is assembled: the rare fields are
// apart (issue) and the small ones together, 88 bytes a job instead of 128 (44 MB less
// at the end of that site's load, the build's largest live heap).
type job struct {
	file    string // path in fsys
	section site.Section
	id      string // the item's id (for contributions: the item they are on)
	name    string // reactions: the voter; feedback: the file name without .md; translations: the language
	size    int64  // attachments: the size
	issue   *jobIssue
	role    role
	bundle  bool // the item is <id>/index.md
	// signed says that a signature file (<file>.sig) is beside it: only then are a
	// reaction's, comment's or support's bytes kept after it is read, for the signature
	// to be checked against them.
	signed bool
	// pack says that the item's text is held compressed (markPacked).
	pack bool
}

// jobIssue is what is wrong with a reaction or feedback file: problem says what is wrong
// with its name or place; refuse says that it cannot even be read (a symbolic link).
// Either keeps the contribution, shown as not counted, instead of failing the build.
type jobIssue struct{ problem, refuse string }

func (j *job) problem() string {
	if j.issue == nil {
		return ""
	}
	return j.issue.problem
}

func (j *job) refuse() string {
	if j.issue == nil {
		return ""
	}
	return j.issue.refuse
}

// setProblem and setRefuse change j's issue, never another job's it was copied from.
func (j *job) setProblem(p string) {
	i := jobIssue{problem: p, refuse: j.refuse()}
	j.issue = &i
}

func (j *job) setRefuse(r string) {
	i := jobIssue{problem: j.problem(), refuse: r}
	j.issue = &i
}

// result is what reading one job produced. A site of 100,000 proposals has a million
// files, whose results are all held until the site is assembled: one field for what the
// file is, rather than one for each kind it could be, holds them in 72 bytes each
// instead of 184 (123 MB less at the end of that site's load).
type result struct {
	// v is what the file is, one of the kinds below (the accessors of their names), or
	// nil: a plan item (planItemOf), *site.Proposal, *site.Practice, *site.Body,
	// *site.Plan, *site.Reaction, *site.Feedback, *site.Support, *site.Participant,
	// *site.Amendment, *site.AmendmentAnswer, *site.Translation, *site.Sig,
	// *site.Moderation or *site.ModerationRules.
	v    any
	refs []markdown.Ref // an item's links and images to relative paths
	errs diag.List
	// halfRead is what was read of a file that has errors: never published, but its
	// references are still checked, so that a file with two problems reports both.
	halfRead *result
}

// resultSlot is a result as it is held from its file's reading to the site's assembly:
// what the file is, and the rest only when there is a rest (links to check, errors, a
// half-read file), which few files have. 24 bytes a file instead of 72: 50 MB less at
// the end of the load of a site of 1.1 million files, the build's largest live heap.
type resultSlot struct {
	v    any
	rest *result // the whole result, when it has more than v
}

func slotOf(r result) resultSlot {
	if len(r.refs) == 0 && len(r.errs) == 0 && r.halfRead == nil {
		return resultSlot{v: r.v}
	}
	return resultSlot{v: r.v, rest: &r}
}

// result is the result the slot holds.
func (s resultSlot) result() result {
	if s.rest != nil {
		return *s.rest
	}
	return result{v: s.v}
}

// planItemOf holds a goal, objective, result or action (site.PlanKinds) in result.v: a
// kind of its own, which no other kind's type can be taken for.
type planItemOf struct{ site.PlanItem }

func (r result) planItem() site.PlanItem {
	if p, ok := r.v.(planItemOf); ok {
		return p.PlanItem
	}
	return nil
}

// kindOf is r.v as a *T, or nil when r is not a T.
func kindOf[T any](r result) *T {
	p, _ := r.v.(*T)
	return p
}

func (r result) proposal() *site.Proposal      { return kindOf[site.Proposal](r) }
func (r result) practice() *site.Practice      { return kindOf[site.Practice](r) }
func (r result) body() *site.Body              { return kindOf[site.Body](r) }
func (r result) plan() *site.Plan              { return kindOf[site.Plan](r) }
func (r result) reaction() *site.Reaction      { return kindOf[site.Reaction](r) }
func (r result) feedback() *site.Feedback      { return kindOf[site.Feedback](r) }
func (r result) support() *site.Support        { return kindOf[site.Support](r) }
func (r result) partic() *site.Participant     { return kindOf[site.Participant](r) }
func (r result) amend() *site.Amendment        { return kindOf[site.Amendment](r) }
func (r result) answer() *site.AmendmentAnswer { return kindOf[site.AmendmentAnswer](r) }
func (r result) trans() *site.Translation      { return kindOf[site.Translation](r) }
func (r result) sig() *site.Sig                { return kindOf[site.Sig](r) }
func (r result) mod() *site.Moderation         { return kindOf[site.Moderation](r) }
func (r result) rules() *site.ModerationRules  { return kindOf[site.ModerationRules](r) }

// Load reads the content of the site at the root of fsys into a Site whose items are
// indexed; resolving references and deriving tallies are the next stages (site.Resolve,
// site.Derive).
func Load(fsys fs.FS, cfg *config.Config) (*site.Site, diag.List) {
	var errs diag.List
	jobs := walk(fsys, cfg, Dir, &errs)
	results := make([]resultSlot, len(jobs))
	parallel.For(len(jobs), func(i int) { results[i] = slotOf(read(fsys, cfg, jobs[i])) })
	s := assemble(jobs, results, &errs)
	s.Registration = cfg.Participation.Registration
	return s, errs
}

// assemble makes the Site of the files read, in the walk's order.
func assemble(jobs []job, results []resultSlot, errs *diag.List) *site.Site {
	var translations []int // jobs that are translations, attached once items are known
	s := &site.Site{}
	attachments := map[string][]*site.Attachment{} // by item key
	sigs := map[string]*site.Sig{}                 // by the file they sign
	var answers []*site.AmendmentAnswer
	planSeen := false
	for i, j := range jobs {
		r := results[i].result()
		errs.Append(r.errs)
		switch {
		case j.role == roleTranslation:
			if r.trans() != nil {
				translations = append(translations, i)
			}
		case j.role == roleAttachment:
			if r.errs.HasErrors() {
				continue // refused: never published
			}
			key := string(j.section) + "/" + j.id
			rel := strings.TrimPrefix(j.file, path.Join(Dir, string(j.section), j.id)+"/")
			attachments[key] = append(attachments[key], &site.Attachment{Name: rel, File: j.file, Size: j.size})
		case r.plan() != nil:
			s.Plan, planSeen = *r.plan(), true
		case r.planItem() != nil:
			site.KindOf(j.section).Add(s, r.planItem())
		case r.proposal() != nil:
			s.Proposals = append(s.Proposals, r.proposal())
		case r.practice() != nil:
			s.Practices = append(s.Practices, r.practice())
		case r.body() != nil:
			s.Bodies = append(s.Bodies, r.body())
		case r.reaction() != nil:
			s.Reactions = append(s.Reactions, r.reaction())
		case r.feedback() != nil:
			s.Feedback = append(s.Feedback, r.feedback())
		case r.support() != nil:
			s.Supports = append(s.Supports, r.support())
		case r.partic() != nil:
			s.Participants = append(s.Participants, r.partic())
		case r.amend() != nil:
			s.Amendments = append(s.Amendments, r.amend())
		case r.answer() != nil:
			answers = append(answers, r.answer())
		case r.sig() != nil:
			sigs[strings.TrimSuffix(r.sig().File, ".sig")] = r.sig()
		case r.mod() != nil:
			s.Moderations = append(s.Moderations, r.mod())
		case r.rules() != nil:
			s.ModerationRules = r.rules()
		}
	}
	attachAnswers(s, answers, errs)
	attachSigs(s, sigs, errs)
	if !planSeen {
		errs.Add(diag.Pos{File: path.Join(Dir, "plan/_index.md")}, "the plan is missing: create content/plan/_index.md with title and owner (pspm new site shows an example)")
	}
	errs.Append(s.Index())
	attach(s, attachments, errs)
	for i, j := range jobs {
		if r := results[i].rest; r != nil && len(r.refs) > 0 {
			checkRefs(s, s.Items[string(j.section)+"/"+j.id], r.refs, errs)
		}
	}
	for _, i := range translations {
		attachTranslation(s, jobs[i], results[i].result().trans(), errs)
	}
	halfReadProblems(s, results, errs)
	return s
}

// attachTranslation gives the plan or an item its translation read by job j, and
// reports a translation of nothing.
func attachTranslation(s *site.Site, j job, tr *site.Translation, errs *diag.List) {
	if j.section == "" {
		if s.Plan.Translations == nil {
			s.Plan.Translations = map[string]*site.Translation{}
		}
		s.Plan.Translations[j.name] = tr
		if len(tr.Phases) > len(s.Plan.Phases) {
			errs.Add(diag.Pos{File: j.file, Line: 1, Col: 1}, "phases: %d names for the plan's %d phases; list the names of the phases of content/plan/_index.md in their order", len(tr.Phases), len(s.Plan.Phases))
		}
		return
	}
	if len(tr.Phases) > 0 {
		errs.Add(diag.Pos{File: j.file, Line: 1, Col: 1}, "phases: only the translation of the plan (content/plan/_index.%s.md) names phases; remove them from here", j.name)
	}
	it := s.Items[string(j.section)+"/"+j.id]
	if it == nil {
		errs.Add(diag.Pos{File: j.file, Line: 1, Col: 1}, "translation of an item that does not exist: there is no %s/%s/%s.md or %s/index.md", Dir, j.section, j.id, j.id)
		return
	}
	if it.Section == site.Bodies {
		errs.Warn(diag.Pos{File: j.file, Line: 1, Col: 1}, "bodies are not translated (their names are proper names); the file is ignored")
		return
	}
	if it.Translations == nil {
		it.Translations = map[string]*site.Translation{}
	}
	it.Translations[j.name] = tr
}

// attachAnswers gives each amendment its owner's answer file, and reports an answer to
// an amendment that is not there.
func attachAnswers(s *site.Site, answers []*site.AmendmentAnswer, errs *diag.List) {
	if len(answers) == 0 {
		return
	}
	byFile := make(map[string]*site.Amendment, len(s.Amendments))
	for _, a := range s.Amendments {
		byFile[site.AnswerPath(a.File)] = a
	}
	for _, ans := range answers {
		a := byFile[ans.File]
		if a == nil {
			errs.Add(diag.Pos{File: ans.File, Line: 1, Col: 1}, "an answer to an amendment that does not exist: there is no %s.md beside this folder; move the answer into the folder of the amendment it answers, or remove it", path.Dir(ans.File))
			continue
		}
		a.AnswerFile, ans.Of = ans, a
	}
}

// attachSigs gives reactions, feedback and amendments their detached signatures, and warns about a
// signature whose file is not there. The bytes of a reaction, comment or support that no
// signature signs are let go: they are the most numerous files of a site (a million
// reactions held half a gigabyte of bytes nothing read again), and only a detached
// signature needs the exact bytes it signs.
func attachSigs(s *site.Site, sigs map[string]*site.Sig, errs *diag.List) {
	for _, r := range s.Reactions {
		if sg := sigs[r.File]; sg != nil {
			r.Own().Sig = sg
			delete(sigs, r.File)
		} else if r.Extra != nil {
			r.Extra.Raw = nil
		}
	}
	for _, f := range s.Feedback {
		if sg := sigs[f.File]; sg != nil {
			f.Sig = sg
			delete(sigs, f.File)
		} else {
			f.Raw = nil
		}
	}
	for _, sp := range s.Supports {
		if sg := sigs[sp.File]; sg != nil {
			sp.Sig = sg
			delete(sigs, sp.File)
		} else {
			sp.Raw = nil
		}
	}
	for _, a := range s.Amendments {
		if sg := sigs[a.File]; sg != nil {
			a.Sig = sg
			delete(sigs, a.File)
		}
		if ans := a.AnswerFile; ans != nil {
			if sg := sigs[ans.File]; sg != nil {
				ans.Sig = sg
				delete(sigs, ans.File)
			}
		}
	}
	for file, sg := range sigs {
		errs.Warn(diag.Pos{File: sg.File}, "a signature of %s, which is not there: remove the signature, or add the file it signs", path.Base(file))
	}
}

// attach gives bundles their attachments, and reports files in the folder of an item that
// is not a bundle, or of no item at all.
func attach(s *site.Site, att map[string][]*site.Attachment, errs *diag.List) {
	keys := make([]string, 0, len(att))
	for k := range att {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		list := att[k]
		it := s.Items[k]
		if it == nil {
			for _, a := range list {
				errs.Add(diag.Pos{File: a.File}, "this file belongs to no item: there is no %s/index.md or %s.md; move it into an item's folder or remove it", path.Join(Dir, k), path.Join(Dir, k))
			}
			continue
		}
		if path.Base(it.File) != "index.md" {
			for _, a := range list {
				errs.Add(diag.Pos{File: a.File}, "attachments need the item as a folder: move %s to %s/index.md", it.File, path.Join(Dir, k))
			}
			continue
		}
		sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
		it.Attachments = list
	}
}

// checkRefs warns about the links and images of an item that name a file the site does
// not publish. A relative path whose last part has an extension (a.pdf, grafici/b.png,
// ../pr2/scheda.csv) is resolved as a browser resolves it from the item's page,
// /<section>/<id>/: it must land on an attachment of that item or of another. Paths that
// end with / or have no extension name pages; paths from the site's root (/…) and paths
// that land outside the sections' items (../../static/x.pdf) are not checked.
func checkRefs(s *site.Site, it *site.Item, refs []markdown.Ref, errs *diag.List) {
	if it == nil {
		return
	}
	for _, ref := range refs {
		if strings.HasSuffix(ref.Path, "/") || path.Ext(ref.Path) == "" {
			continue
		}
		target := path.Join(string(it.Section), it.ID, ref.Path) // the page is /<section>/<id>/
		sec, id, name := splitTarget(target)
		if name == "" {
			continue
		}
		what := "a link to"
		if ref.Image {
			what = "an image from"
		}
		owner := s.Items[string(sec)+"/"+id]
		switch {
		case owner == nil:
			errs.Warn(ref.Pos, "%s %s, which is not published: there is no item %s/%s; correct the path or link a full address", what, ref.Path, sec, id)
		case hasAttachment(owner, name):
		case path.Base(owner.File) != "index.md":
			errs.Warn(ref.Pos, "%s %s, which is not published: an item written as %s has no attachments; make it %s/index.md and put %s beside it (a type that attachments allow), or link a full address", what, ref.Path, path.Base(owner.File), strings.TrimSuffix(path.Base(owner.File), ".md"), path.Base(name))
		default:
			errs.Warn(ref.Pos, "%s %s, which is not in the item's folder %s: add the file there (a type that attachments allow) or correct the name", what, ref.Path, path.Dir(owner.File))
		}
	}
}

// splitTarget splits a path of the site, such as practices/pr1/scheda.csv, into the
// section, the item's id and the file within the item's folder; name is empty when the
// path is not a file in a section's item.
func splitTarget(p string) (sec site.Section, id, name string) {
	s, rest, ok := sectionOf(p)
	if !ok {
		return "", "", ""
	}
	id, name, _ = strings.Cut(rest, "/")
	return s, id, name
}

// hasAttachment reports whether name is one of it's published attachments.
func hasAttachment(it *site.Item, name string) bool {
	for _, a := range it.Attachments {
		if a.Name == name {
			return true
		}
	}
	return false
}

var (
	voterRE    = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)
	feedbackRE = regexp.MustCompile(`^([a-z0-9_]{1,64})-([a-z0-9][a-z0-9_-]{0,99})$`)
	fileRE     = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$`)
)

// sectionOf splits a path under content/ into its section and the rest.
func sectionOf(rel string) (site.Section, string, bool) {
	for _, s := range site.Sections {
		if p := string(s) + "/"; strings.HasPrefix(rel, p) {
			return s, rel[len(p):], true
		}
	}
	return "", "", false
}

// walk lists the files to read, in lexical order, and reports the ones that cannot be part
// of the content: unsafe names, symbolic links, files too large, files in no known place.
//
// The folders three levels down (an item's folder, content/proposals/<id>) are walked on
// every core, each apart, and what each lists put in its place: the jobs and the reports
// are those of one walk in lexical order, as every check of a name looks only at the
// folder it is in.
func walk(fsys fs.FS, cfg *config.Config, root string, errs *diag.List) []job {
	return walkPruned(fsys, cfg, root, errs, nil, 0)
}

// walkPruned is walk, where reuse, when set, may take the place of the walk of a folder
// below root that passed every check of its name: it appends that folder's jobs, as an
// earlier walk found them, and returns true; the folder is then not walked. reuse is
// called in the order of one walk, so a walk with reuse is one walk, on one core (it
// walks only the folders that changed).
func walkPruned(fsys fs.FS, cfg *config.Config, root string, errs *diag.List, reuse func(dir string, jobs *[]job) bool, expect int) []job {
	top := &walker{fsys: fsys, cfg: cfg, root: root, reuse: reuse}
	if reuse == nil {
		top.split = strings.Count(root, "/") + 2
	} else {
		top.jobs = make([]job, 0, expect+expect/64+16) // the last walk's jobs, most of them kept
	}
	top.walk(root)
	parts := make([]*walker, len(top.parts))
	parallel.For(len(parts), func(i int) {
		parts[i] = &walker{fsys: fsys, cfg: cfg, root: root, skip: top.parts[i].dir, entry: top.parts[i].entry}
		parts[i].walk(top.parts[i].dir)
	})
	jobs := top.jobs
	if len(top.parts) > 0 {
		jobs = make([]job, 0, len(top.jobs)+sumJobs(parts))
	}
	j, e := 0, 0
	for i, at := range top.parts {
		jobs = append(jobs, top.jobs[j:at.jobs]...)
		errs.Append(top.errs[e:at.errs])
		jobs = append(jobs, parts[i].jobs...)
		errs.Append(parts[i].errs)
		j, e = at.jobs, at.errs
	}
	if len(top.parts) > 0 {
		jobs = append(jobs, top.jobs[j:]...)
	}
	errs.Append(top.errs[e:])
	markSigned(jobs)
	markPacked(jobs)
	return jobs
}

// PackTextsAbove is the number of proposals and practices above which their texts are
// held compressed (site.Item.PackText): at 100,000 proposals of 400-800 words, 210 MB
// instead of 450 MB from the load to the last page, for about 1% more time. A smaller
// site keeps its texts as they are: decompressing them each time a page, a feed or the
// search index reads them would cost it more than the memory it saves.
var PackTextsAbove = 20000

// markPacked sets the pack flag of the proposals' and practices' jobs when the site has
// more of them than PackTextsAbove. It depends on the whole content folder, never on
// what was read before: the same content always gives the same model.
func markPacked(jobs []job) {
	n := 0
	for _, j := range jobs {
		if isPackable(j) {
			n++
		}
	}
	for i := range jobs {
		jobs[i].pack = n > PackTextsAbove && isPackable(jobs[i])
	}
}

// isPackable says whether j reads a proposal or a practice.
func isPackable(j job) bool {
	return j.role == roleItem && (j.section == site.Proposals || j.section == site.Practices)
}

// markSigned sets the signed flag of the jobs whose file has a detached signature among
// jobs (beside it, in the same folder).
func markSigned(jobs []job) {
	signed := map[string]bool{}
	for _, j := range jobs {
		if j.role == roleSignature {
			signed[strings.TrimSuffix(j.file, ".sig")] = true
		}
	}
	for i := range jobs {
		jobs[i].signed = len(signed) > 0 && signed[jobs[i].file] // no look-up for the sites without signatures
	}
}

// sumJobs counts the jobs of the walks.
func sumJobs(ws []*walker) int {
	n := 0
	for _, w := range ws {
		n += len(w.jobs)
	}
	return n
}

// walker is one walk of walk: of the whole content, leaving the folders at depth split
// to others (parts), or of one such folder (skip, whose own entry the first walk saw).
type walker struct {
	fsys  fs.FS
	cfg   *config.Config
	root  string
	split int         // the depth (slashes in a path) of the folders left to other walks; 0: none
	skip  string      // the folder this walk is of
	entry fs.DirEntry // skip's entry, when the walk that left it met it
	reuse func(dir string, jobs *[]job) bool
	jobs  []job
	errs  diag.List
	parts []walkPart
}

// walkPart is a folder left to another walk, and where its results go.
type walkPart struct {
	dir        string
	entry      fs.DirEntry // the folder's, as the first walk met it
	jobs, errs int
}

func (w *walker) walk(from string) {
	jobs, errs, cfg, fsys, root := &w.jobs, &w.errs, w.cfg, w.fsys, w.root
	folded := map[string]string{} // folder + folded name -> the first name, for case clashes
	visit := func(p string, d fs.DirEntry, err error) error {
		if p == w.skip && err == nil {
			return nil
		}
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			errs.Add(diag.Pos{File: p}, "cannot read: %v", err)
			return nil
		}
		if p == root {
			if l, ok := fsys.(fs.ReadLinkFS); ok {
				if fi, err := l.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
					errs.Add(diag.Pos{File: root}, "a symbolic link; commit the folder itself (links are never followed)")
					return fs.SkipAll
				}
			}
			return nil
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") { // .gitkeep, .DS_Store: not content
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if !d.IsDir() && isContribution(p) {
			// Votes and comments are kept whatever their names: a misnamed or duplicate
			// one is shown as not counted, with its reason (see classify).
			j, ok := classify(p, cfg.Languages[1:], errs)
			if !ok {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				j.setRefuse("a symbolic link, which is never followed; commit the file itself")
			} else if !d.Type().IsRegular() {
				j.setRefuse("not a regular file: commit the file itself")
			}
			*jobs = append(*jobs, j)
			return nil
		}
		if key := path.Dir(p) + "/" + site.Fold(name); folded[key] != "" {
			errs.Add(diag.Pos{File: p}, "%q and %q differ only by case or accents, which many file systems cannot tell apart; rename one", name, folded[key])
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		} else {
			folded[key] = name
		}
		if !fileRE.MatchString(name) {
			hint := slug.Make(strings.TrimSuffix(name, path.Ext(name))) + path.Ext(name)
			errs.Add(diag.Pos{File: p}, "unsafe file name %q: use only letters, digits, '.', '-' and '_' (e.g. %q)", name, hint)
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		isDir := d.IsDir()
		if d.Type()&fs.ModeSymlink != 0 {
			// Never followed: what it points to is not what was reviewed. Stat only tells
			// the message's word (a link leaving the folder fails it).
			what := "file"
			if fi, err := fs.Stat(fsys, p); err == nil && fi.IsDir() {
				what = "folder"
			}
			errs.Add(diag.Pos{File: p}, "a symbolic link; commit the %s itself (links are never followed)", what)
			return nil
		} else if !isDir && !d.Type().IsRegular() {
			errs.Add(diag.Pos{File: p}, "not a regular file: refused; commit the file itself")
			return nil
		}
		if isDir {
			if w.reuse != nil && w.reuse(p, jobs) {
				return fs.SkipDir
			}
			if w.split > 0 && strings.Count(p, "/") == w.split {
				w.parts = append(w.parts, walkPart{p, d, len(*jobs), len(*errs)})
				return fs.SkipDir
			}
			return nil
		}
		j, ok := classify(p, cfg.Languages[1:], errs)
		if !ok {
			return nil
		}
		if j.role == roleAttachment { // the size is listed on the page; text files are measured as they are read
			fi, err := fs.Stat(fsys, p)
			if err != nil {
				errs.Add(diag.Pos{File: p}, "cannot read: %v", err)
				return nil
			}
			if fi.Size() > int64(cfg.Limits.AttachmentSize) {
				errs.Add(diag.Pos{File: p}, "file is %s, over the limit of %s (limits.attachment_size in pspm.yaml)", human(fi.Size()), human(int64(cfg.Limits.AttachmentSize)))
				return nil
			}
			j.size = fi.Size()
		}
		*jobs = append(*jobs, j)
		return nil
	}
	var err error
	if w.entry != nil {
		err = walkFrom(fsys, from, w.entry, visit)
	} else {
		err = fs.WalkDir(fsys, from, visit)
	}
	if err != nil {
		errs.Add(diag.Pos{File: root}, "cannot read the content folder: %v", err)
	}
}

// walkFrom is fs.WalkDir from the folder name, whose entry d the caller has: it does not
// ask the file system for it again (at 10,000 proposals, 10,000 looks, each opening every
// folder above it through the site folder's root, were 50,000 system calls a build).
func walkFrom(fsys fs.FS, name string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	err := walkEntry(fsys, name, d, fn)
	if err == fs.SkipDir || err == fs.SkipAll {
		return nil
	}
	return err
}

// walkEntry is io/fs's walkDir: fn on name, then, for a folder, on everything below it.
func walkEntry(fsys fs.FS, name string, d fs.DirEntry, fn fs.WalkDirFunc) error {
	if err := fn(name, d, nil); err != nil || !d.IsDir() {
		if err == fs.SkipDir && d.IsDir() {
			err = nil // the folder is skipped, and only it
		}
		return err
	}
	entries, err := fs.ReadDir(fsys, name)
	if err != nil {
		if err = fn(name, d, err); err != nil {
			if err == fs.SkipDir && d.IsDir() {
				err = nil
			}
			return err
		}
	}
	for _, e := range entries {
		if err := walkEntry(fsys, path.Join(name, e.Name()), e, fn); err != nil {
			if err == fs.SkipDir {
				break
			}
			return err
		}
	}
	return nil
}

// classify tells a file's role from its path.
func classify(p string, langs []string, errs *diag.List) (job, bool) {
	rel := strings.TrimPrefix(p, Dir+"/")
	pos := diag.Pos{File: p}
	if rel == "plan/_index.md" {
		return job{role: rolePlan, file: p}, true
	}
	if rest, ok := strings.CutPrefix(rel, "moderation/"); ok {
		return moderationFile(p, rest, errs)
	}
	// Translations: <id>.<lang>.md, <id>/index.<lang>.md, plan/_index.<lang>.md.
	if base, lang, ok := translationOf(path.Base(rel)); ok {
		known := false
		for _, l := range langs {
			known = known || l == lang
		}
		if !known {
			errs.Warn(pos, "translation into %q, which is not one of the site's other languages (languages in pspm.yaml); the file is ignored", lang)
			return job{}, false
		}
		if rel == "plan/_index."+lang+".md" {
			return job{role: roleTranslation, file: p, name: lang}, true
		}
		if sec, rest, ok := sectionOf(rel); ok {
			parts := strings.Split(rest, "/")
			switch {
			case len(parts) == 1 && site.ValidID(base):
				return job{role: roleTranslation, file: p, section: sec, id: base, name: lang}, true
			case len(parts) == 2 && base == "index" && site.ValidID(parts[0]):
				return job{role: roleTranslation, file: p, section: sec, id: parts[0], name: lang}, true
			}
		}
	}
	if h, ok := strings.CutPrefix(rel, string(site.Participants)+"/"); ok {
		return participantFile(p, h, errs)
	}
	sec, rest, ok := sectionOf(rel)
	if !ok && !strings.Contains(rel, "/") && path.Ext(rel) == ".go" {
		return job{}, false // a Go file that embeds the content in a binary, as pspm's demo does
	}
	if !ok {
		if rel == "_index.md" || strings.HasSuffix(rel, "/_index.md") {
			errs.Warn(pos, "section pages (_index.md) other than content/plan/_index.md are not used; the file is ignored")
		} else {
			errs.Warn(pos, "not part of the content layout (plan/goals, plan/objectives, plan/results, plan/actions, proposals, practices, bodies): the file is ignored")
		}
		return job{}, false
	}
	parts := strings.Split(rest, "/")
	id := strings.TrimSuffix(parts[0], ".md")
	if !site.ValidID(id) {
		errs.Add(pos, "invalid id %q: ids are lower-case letters, digits, '-' and '_' (rename to %q)", id, slug.Make(id))
		return job{}, false
	}
	switch {
	case len(parts) == 1 && strings.HasSuffix(parts[0], ".md"):
		if sec == site.Bodies && strings.Contains(id, "-") {
			errs.Add(pos, "invalid body id %q: IPA codes are lower-case letters, digits and '_' (rename to %q)", id, strings.ReplaceAll(id, "-", "_"))
			return job{}, false
		}
		return job{role: roleItem, file: p, section: sec, id: id}, true
	case len(parts) == 1:
		errs.Warn(pos, "only Markdown files (.md) and item folders belong in content/%s: the file is ignored", sec)
		return job{}, false
	case len(parts) == 2 && parts[1] == "index.md":
		if sec == site.Bodies {
			errs.Add(pos, "bodies are single files: move this to content/bodies/%s.md", id)
			return job{}, false
		}
		return job{role: roleItem, file: p, section: sec, id: id, bundle: true}, true
	case len(parts) >= 3 && (parts[1] == "reactions" || parts[1] == "feedback" || parts[1] == "supports"):
		return contribution(p, sec, id, parts[1], parts[2:]), true
	case len(parts) >= 3 && parts[1] == "amendments":
		return amendmentFile(p, sec, id, parts[2:], errs)
	}
	return job{role: roleAttachment, file: p, section: sec, id: id}, true
}

// moderationFile classifies a file of content/moderation/: <id>.md or _index.md.
func moderationFile(p, rest string, errs *diag.List) (job, bool) {
	pos := diag.Pos{File: p}
	if rest == "_index.md" {
		return job{role: roleModerationRules, file: p}, true
	}
	id, ok := strings.CutSuffix(rest, ".md")
	switch {
	case !ok || strings.Contains(rest, "/"):
		errs.Add(pos, "misplaced: content/moderation/ holds moderation files, <id>.md, and the rules, _index.md; move or remove this file")
		return job{}, false
	case !site.ValidID(id):
		errs.Add(pos, "invalid id %q: ids are lower-case letters, digits, '-' and '_' (rename to %q)", id, slug.Make(id))
		return job{}, false
	}
	return job{role: roleModeration, file: p, id: id}, true
}

// isContribution tells whether p is a file inside the reactions/, feedback/ or amendments/
// folder of an item: content/<section>/<id>/(reactions|feedback|amendments)/...
func isContribution(p string) bool {
	_, rest, ok := sectionOf(strings.TrimPrefix(p, Dir+"/"))
	if !ok || !strings.HasPrefix(p, Dir+"/") {
		return false
	}
	parts := strings.Split(rest, "/")
	return len(parts) >= 3 && (parts[1] == "reactions" || parts[1] == "feedback" || parts[1] == "amendments" || parts[1] == "supports")
}

// amendmentFile classifies a file in an item's amendments/ folder: an amendment
// (<body>-<slug>.md), its detached signature, or a vote on it
// (<body>-<slug>/reactions/<voter>.yaml), whose item is the amendment. As for feedback,
// a misnamed amendment is kept with a problem, shown as not counted; a file anywhere
// else in the folder is an error.
func amendmentFile(p string, sec site.Section, id string, rest []string, errs *diag.List) (job, bool) {
	name := rest[len(rest)-1]
	switch {
	case len(rest) == 1 && strings.HasSuffix(name, ".sig"):
		return job{role: roleSignature, file: p, section: sec, id: id}, true
	case len(rest) == 1:
		base := strings.TrimSuffix(name, ".md")
		j := job{role: roleAmendment, file: p, section: sec, id: id, name: base}
		if !strings.HasSuffix(name, ".md") || !feedbackRE.MatchString(base) {
			j.setProblem(fmt.Sprintf("an amendment file is named <body id>-<slug>.md in lower case, e.g. %s/%s/%s/amendments/c_h223-tempi.md: rename it", Dir, sec, id))
		}
		return j, true
	case len(rest) >= 3 && rest[1] == "reactions":
		return contribution(p, sec, id+"/amendments/"+rest[0], "reactions", rest[2:]), true
	case len(rest) == 2 && name == site.AnswerName:
		return job{role: roleAnswer, file: p, section: sec, id: id, name: rest[0]}, true
	case len(rest) == 2 && name == site.AnswerName+".sig":
		return job{role: roleSignature, file: p, section: sec, id: id}, true
	}
	errs.Add(diag.Pos{File: p}, "misplaced: %s/%s/%s/amendments/ holds amendments, <body id>-<slug>.md, the votes on each, in <body id>-<slug>/reactions/<voter>.yaml, and the owner's answer, <body id>-<slug>/answer.md; move or remove this file", Dir, sec, id)
	return job{}, false
}

// contribution classifies a file in an item's reactions/ or feedback/ folder. A name
// that is not canonical is not refused: the file is kept with a problem, so that it is
// shown as not counted (malformed, or duplicate of the canonical one) and nothing a body
// sent is lost.
func contribution(p string, sec site.Section, id, folder string, rest []string) job {
	name := rest[len(rest)-1]
	j := job{file: p, section: sec, id: id}
	if strings.HasSuffix(name, ".sig") && len(rest) == 1 {
		j.role = roleSignature
		return j
	}
	if len(rest) > 1 {
		j.setProblem(fmt.Sprintf("unexpected folder: %s/ holds files directly; move this file to %s/%s/%s/%s/%s", folder, Dir, sec, id, folder, name))
	}
	if folder == "supports" {
		j.role = roleSupport
		handle := strings.TrimSuffix(name, path.Ext(name))
		if path.Ext(name) == "" {
			handle = name
		}
		j.name = handle
		canonical := site.CanonicalVoter(name)
		switch {
		case j.problem() != "":
		case path.Ext(name) != ".yaml":
			j.setProblem(fmt.Sprintf("a support file is named <handle>.yaml: rename it to %s.yaml", orPlaceholder(canonical)))
		case !site.HandleRE.MatchString(handle):
			j.setProblem(fmt.Sprintf("handle %q: a support file is named after the participant's handle, 3 to 40 lower-case letters, digits and '_' (rename it to %s.yaml)", handle, orPlaceholder(canonical)))
		}
		return j
	}
	if folder == "reactions" {
		j.role = roleReaction
		voter := strings.TrimSuffix(name, path.Ext(name))
		if path.Ext(name) == "" {
			voter = name
		}
		j.name = voter
		canonical := site.CanonicalVoter(name)
		switch {
		case j.problem() != "":
		case path.Ext(name) != ".yaml":
			j.setProblem(fmt.Sprintf("a reaction file is named <voter>.yaml: rename it to %s.yaml", orPlaceholder(canonical)))
		case !voterRE.MatchString(voter):
			j.setProblem(fmt.Sprintf("voter id %q: a reaction file is named after the voter's body id, lower-case letters, digits and '_' (rename it to %s.yaml)", voter, orPlaceholder(canonical)))
		}
		return j
	}
	j.role = roleFeedback
	base := strings.TrimSuffix(name, ".md")
	j.name = base
	if j.problem() == "" && (!strings.HasSuffix(name, ".md") || !feedbackRE.MatchString(base)) {
		j.setProblem("a feedback file is named <body id>-<slug>.md in lower case, e.g. c_h223-tempi-di-attuazione.md: rename it")
	}
	return j
}

func orPlaceholder(voter string) string {
	if voter == "" {
		return "<voter id>"
	}
	return voter
}

// translationOf splits "x.en.md" into "x" and "en": a name matching ^(.+)\.([a-z]{2})\.md$,
// told without a regular expression, since every file's name is asked.
func translationOf(name string) (base, lang string, ok bool) {
	rest, ok := strings.CutSuffix(name, ".md")
	if !ok || len(rest) < 4 || rest[len(rest)-3] != '.' {
		return "", "", false
	}
	base, lang = rest[:len(rest)-3], rest[len(rest)-2:]
	if lang[0] < 'a' || lang[0] > 'z' || lang[1] < 'a' || lang[1] > 'z' || strings.Contains(base, "\n") {
		return "", "", false
	}
	return base, lang, true
}

// read reads and decodes one file.
func read(fsys fs.FS, cfg *config.Config, j job) (r result) {
	switch j.role {
	case roleAttachment:
		r.errs = checkAttachment(fsys, cfg, j)
		return r
	case roleReaction, roleFeedback, roleAmendment, roleAnswer, roleSupport:
		return readContribution(fsys, cfg, j)
	case roleSignature:
		data, err := readLimited(fsys, j.file, maxSig)
		if err != nil || len(data) > maxSig {
			data = nil // verifies as no signature; the vote is shown as not signed
		}
		r.v = &site.Sig{File: j.file, Data: data, Blob: blobHash(data)}
		return r
	}
	data, ok := readText(fsys, cfg, j, &r.errs)
	if !ok {
		return r
	}
	return parse(cfg, j, data)
}

// readText reads a Markdown file within the size limit.
func readText(fsys fs.FS, cfg *config.Config, j job, errs *diag.List) ([]byte, bool) {
	limit := int64(cfg.Limits.FileSize)
	data, err := readLimited(fsys, j.file, limit)
	if err != nil {
		errs.Add(diag.Pos{File: j.file}, "cannot read: %v", err)
		return nil, false
	}
	if int64(len(data)) > limit {
		errs.Add(diag.Pos{File: j.file}, "file is over the limit of %s (limits.file_size in pspm.yaml); split it or link a smaller summary", human(limit))
		return nil, false
	}
	return data, true
}

// parse decodes a Markdown file of an item, the plan or a translation.
func parse(cfg *config.Config, j job, data []byte) (r result) {
	doc := meta.Split(j.file, data, &r.errs)
	if doc.Meta == nil {
		return r
	}
	markdown.Check(j.file, doc.BodyLine, doc.Body, markdown.Limits{TableCells: cfg.Limits.TableCells, Nesting: cfg.Limits.Nesting}, &r.errs)
	markdown.CheckImages(j.file, doc.BodyLine, doc.Body, &r.errs)
	var refs []markdown.Ref
	if !r.errs.HasErrors() { // Inspect parses: only what Check accepted
		refs = markdown.Inspect(j.file, doc.BodyLine, doc.Body, &r.errs)
	}
	item := site.Item{ID: j.id, Section: j.section, File: j.file, Dir: path.Dir(j.file), TextLine: doc.BodyLine}
	if j.pack {
		item.PackText(doc.Body)
	} else {
		item.SetText(offheap.String(doc.Body))
	}
	if !j.bundle {
		item.Dir = strings.TrimSuffix(j.file, ".md")
	}
	decode := func(v any) { meta.Decode(j.file, doc.Meta, v, &r.errs) }
	switch j.role {
	case roleTranslation:
		tr := &site.Translation{File: j.file, Text: item.Text(), TextLine: item.TextLine}
		decode(tr)
		r.v = tr
	case rolePlan:
		p := &site.Plan{File: j.file, Text: item.Text(), TextLine: item.TextLine}
		decode(p)
		r.v = p
	case roleModeration:
		m := &site.Moderation{ID: j.id, File: j.file, Text: item.Text(), TextLine: item.TextLine, Blob: blobHash(data), Raw: data}
		decode(m)
		r.v = m
	case roleModerationRules:
		m := &site.ModerationRules{File: j.file, Text: item.Text(), TextLine: item.TextLine}
		decode(m)
		r.v = m
	case roleItem:
		if k := site.KindOf(j.section); k != nil {
			r.v = planItemOf{k.New(item)}
			decode(r.planItem())
			break
		}
		switch j.section {
		case site.Proposals:
			r.v = &site.Proposal{Item: item}
			decode(r.proposal())
		case site.Practices:
			r.v = &site.Practice{Item: item}
			decode(r.practice())
		case site.Bodies:
			r.v = &site.Body{Item: item}
			decode(r.body())
		case site.Participants:
			if at, key, ok := meta.KeyAt(j.file, doc.Meta, "email", "e-mail", "mail", "phone", "telephone", "telefono", "tel", "mobile", "cellulare"); ok {
				r.errs.Add(at, "%s: no personal contact data on the portal: remove it (a participant is reached through the forge, never by e-mail or phone)", key)
			}
			r.v = &site.Participant{Item: item}
			decode(r.partic())
		}
	}
	checkLists(cfg, &r)
	if r.errs.HasErrors() { // never publish a half-read item
		half := r
		half.errs = nil
		r = result{errs: r.errs, halfRead: &half}
	}
	if j.role == roleItem {
		r.refs = refs
	}
	return r
}

// halfReadProblems reports what resolving references finds in the files that had errors
// while being read (an unknown body beside an unknown status, say): it resolves a copy of
// s with those files' half-read items added and keeps the errors in those files at
// positions not reported already. s itself is left as it was.
func halfReadProblems(s *site.Site, results []resultSlot, errs *diag.List) {
	someHalf := false
	for i := range results {
		if r := results[i].rest; r != nil && r.halfRead != nil {
			someHalf = true
			break
		}
	}
	if !someHalf {
		return // no file was half read: nothing to copy the site for
	}
	t := &site.Site{Plan: s.Plan}
	half := map[string]bool{}
	seen := map[diag.Pos]bool{}
	for _, e := range *errs {
		seen[e.Pos] = true
	}
	for _, k := range site.PlanKinds {
		for _, p := range k.Items(s) {
			k.Add(t, k.Clone(p))
		}
	}
	t.Proposals, t.Practices, t.Bodies = copies(s.Proposals), copies(s.Practices), copies(s.Bodies)
	for i := range results {
		r := results[i].rest
		if r == nil || r.halfRead == nil {
			continue
		}
		h := r.halfRead
		switch {
		case h.plan() != nil:
			t.Plan = *h.plan()
			half[h.plan().File] = true
		case h.planItem() != nil:
			k := site.KindOf(h.planItem().Base().Section)
			k.Add(t, k.Clone(h.planItem()))
			half[h.planItem().Base().File] = true
		case h.proposal() != nil:
			half[h.proposal().File] = appendCopy(&t.Proposals, h.proposal())
		case h.practice() != nil:
			half[h.practice().File] = appendCopy(&t.Practices, h.practice())
		case h.body() != nil:
			half[h.body().File] = appendCopy(&t.Bodies, h.body())
		}
	}
	if len(half) == 0 {
		return
	}
	found := t.Index()
	found.Append(t.Resolve())
	for _, e := range found {
		if e.Severity == diag.Err && half[e.Pos.File] && !seen[e.Pos] {
			seen[e.Pos] = true
			errs.Add(e.Pos, "%s", e.Msg)
		}
	}
}

// simpleReaction accepts the values of reaction files that YAML reads as themselves: a
// vote word and a priority digit. Anything else goes through the YAML parser.
func simpleReaction(key, value string) bool {
	switch key {
	case "vote":
		return value == site.VoteSupport || value == site.VoteOppose || value == site.VoteAbstain
	case "priority":
		return len(value) == 1 && value[0] >= '1' && value[0] <= '5'
	}
	return false
}

// blobHash is the hash Git gives a file's content (SHA-1 of "blob <size>\x00" and the
// bytes), so that provenance from Git can be matched to the file as read.
func blobHash(data []byte) string {
	h := sha1.New()
	h.Write([]byte("blob " + strconv.Itoa(len(data)) + "\x00"))
	h.Write(data)
	var sum [sha1.Size]byte
	var out [2 * sha1.Size]byte
	hex.Encode(out[:], h.Sum(sum[:0]))
	return offheap.String(out[:])
}

// checkAttachment reads as much of an attachment as its check needs and checks it.
func checkAttachment(fsys fs.FS, cfg *config.Config, j job) (errs diag.List) {
	name := strings.TrimPrefix(j.file, path.Join(Dir, string(j.section), j.id)+"/")
	if msg := checkAttachmentName(name); msg != "" {
		errs.Add(diag.Pos{File: j.file}, "%s", msg)
		return errs
	}
	limit := int64(sniffLen)
	if strings.EqualFold(path.Ext(name), ".svg") {
		limit = int64(cfg.Limits.AttachmentSize)
	}
	data, err := readLimited(fsys, j.file, limit)
	if err != nil {
		errs.Add(diag.Pos{File: j.file}, "cannot read: %v", err)
		return errs
	}
	if int64(len(data)) > limit {
		data = data[:limit]
	}
	if msg, line, col := checkAttachmentData(name, data); msg != "" {
		errs.Add(diag.Pos{File: j.file, Line: line, Col: col}, "%s", msg)
	}
	return errs
}

// sniffLen is how much of an attachment tells its type: what http.DetectContentType reads.
const sniffLen = 512

// readLimited reads at most limit+1 bytes of name, without following symbolic links where
// fsys can refuse them itself.
func readLimited(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if l, ok := fsys.(interface {
		ReadFileNoFollow(string, int64) ([]byte, error)
	}); ok {
		return l.ReadFileNoFollow(name, limit)
	}
	if l, ok := fsys.(interface {
		ReadFileLimit(string, int64) ([]byte, error)
	}); ok {
		return l.ReadFileLimit(name, limit)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

// maxSig is the largest detached signature read: SSH and OpenPGP signatures are a few
// hundred bytes.
const maxSig = 64 << 10

// readContribution reads a reaction or feedback file. It always returns the
// contribution, so that nothing a body sent is lost: what is wrong with the file goes
// into its Problems, and the trust stage shows it as not counted (malformed).
func readContribution(fsys fs.FS, cfg *config.Config, j job) (r result) {
	var problems diag.List
	var data []byte
	if j.problem() != "" {
		problems.Add(diag.Pos{File: j.file, Line: 1, Col: 1}, "%s", j.problem())
	}
	if j.refuse() != "" {
		problems.Add(diag.Pos{File: j.file}, "%s", j.refuse())
	} else {
		limit := int64(cfg.Limits.FileSize)
		var err error
		data, err = readLimited(fsys, j.file, limit)
		switch {
		case err != nil:
			problems.Add(diag.Pos{File: j.file}, "cannot read: %v", err)
			data = nil
		case int64(len(data)) > limit:
			problems.Add(diag.Pos{File: j.file}, "file is over the limit of %s (limits.file_size in pspm.yaml): a vote is a few lines", human(limit))
			data = nil
		}
	}
	key := string(j.section) + "/" + j.id
	if j.role == roleSupport {
		sp := &site.Support{Participant: j.name, ItemKey: key, File: j.file}
		if data != nil {
			sp = ReadSupport(j.file, data, &problems)
			sp.Participant, sp.ItemKey = j.name, key
		}
		sp.Problems = problems
		if !j.signed {
			sp.Raw = nil
		}
		r.v = sp
		return r
	}
	if j.role == roleReaction {
		rc := &site.Reaction{File: j.file, Verdict: site.Unjudged}
		rc.SetNames(j.name, key)
		if data != nil {
			rc = readReaction(j, data, &problems)
		}
		if len(problems) > 0 {
			rc.Own().Problems = problems
		}
		if !j.signed && rc.Extra != nil {
			rc.Extra.Raw = nil
		}
		r.v = rc
		return r
	}
	if j.role == roleAmendment {
		r.v = readAmendment(cfg, j, key, data, problems)
		return r
	}
	if j.role == roleAnswer {
		r.v = readAnswer(cfg, j, data, problems)
		return r
	}
	voter, sl, _ := strings.Cut(j.name, "-")
	f := &site.Feedback{Voter: voter, Slug: sl, ItemKey: key, File: j.file}
	if data != nil {
		f.Blob, f.Raw = blobHash(data), data
		if doc := meta.Split(j.file, data, &problems); doc.Meta != nil {
			markdown.Check(j.file, doc.BodyLine, doc.Body, markdown.Limits{TableCells: cfg.Limits.TableCells, Nesting: cfg.Limits.Nesting}, &problems)
			f.Text, f.TextLine = string(doc.Body), doc.BodyLine
			meta.Decode(j.file, doc.Meta, f, &problems)
		}
	}
	if problems.HasErrors() {
		// Never publish what could not be read as it was meant: the page shows that a
		// comment of this body is not published, and why, from its Problems.
		f = &site.Feedback{Voter: voter, Slug: sl, ItemKey: key, File: j.file, Blob: f.Blob, Raw: f.Raw, Date: f.Date, Kind: "comment"}
	}
	f.Problems = problems
	if !j.signed {
		f.Raw = nil
	}
	r.v = f
	return r
}

// readAmendment decodes an amendment file. It always returns the amendment; when the
// file cannot be read as it was meant, only its name, date and bytes are kept (for the
// audit trail), with the problems.
func readAmendment(cfg *config.Config, j job, key string, data []byte, problems diag.List) *site.Amendment {
	voter, sl, _ := strings.Cut(j.name, "-")
	a := &site.Amendment{Voter: voter, Slug: sl, ItemKey: key, File: j.file}
	if data != nil {
		a.Blob, a.Raw = blobHash(data), data
		if doc := meta.Split(j.file, data, &problems); doc.Meta != nil {
			markdown.Check(j.file, doc.BodyLine, doc.Body, markdown.Limits{TableCells: cfg.Limits.TableCells, Nesting: cfg.Limits.Nesting}, &problems)
			a.Text, a.TextLine = string(doc.Body), doc.BodyLine
			meta.Decode(j.file, doc.Meta, a, &problems)
			if n, max := len(a.Fields), cfg.Limits.Lists; n > max {
				at := a.Fields[max].Pos
				if at.File == "" {
					at = diag.Pos{File: j.file, Line: 1, Col: 1}
				}
				overLimit(&problems, at, "fields", n, max, "lists", "propose only the fields that change (an action has four)")
			}
		}
	}
	if !problems.HasErrors() {
		answerIn(a, &problems)
	}
	if problems.HasErrors() {
		a = &site.Amendment{Voter: voter, Slug: sl, ItemKey: key, File: j.file, Blob: a.Blob, Raw: a.Raw, Date: a.Date}
	}
	a.Problems = problems
	return a
}

// answerIn records, as problems of the proposer's file a, an answer written in it: the
// proposing body writes only state: open or withdrawn there; the item's owner answers in
// a file of its own, so that each file has one author body.
func answerIn(a *site.Amendment, problems *diag.List) {
	at := func(key string) diag.Pos {
		if p, ok := a.At[key]; ok {
			return p
		}
		return diag.Pos{File: a.File, Line: 1, Col: 1}
	}
	where := site.AnswerPath(a.File)
	if a.State == site.AmendmentAccepted || a.State == site.AmendmentRejected {
		problems.Add(at("state"), "state: %s is not written in the amendment, which is the proposing body's file (it says open or withdrawn): the item's owner answers in %s (pspm new answer); set state: open here", a.State, where)
	}
	if a.Answer.Text != "" || !a.Answer.Date.IsZero() {
		problems.Add(at("answer"), "answer: is not written in the amendment, which is the proposing body's file: the item's owner answers in %s (pspm new answer); remove answer: here", where)
	}
}

// readAnswer decodes the owner's answer to an amendment. It always returns the answer;
// when the file cannot be read as it was meant, only its bytes are kept (for the audit
// trail), with the problems: it does not count, and the amendment stays open.
func readAnswer(cfg *config.Config, j job, data []byte, problems diag.List) *site.AmendmentAnswer {
	ans := &site.AmendmentAnswer{File: j.file}
	if data != nil {
		ans.Blob, ans.Raw = blobHash(data), data
		if doc := meta.Split(j.file, data, &problems); doc.Meta != nil {
			markdown.Check(j.file, doc.BodyLine, doc.Body, markdown.Limits{TableCells: cfg.Limits.TableCells, Nesting: cfg.Limits.Nesting}, &problems)
			ans.Text, ans.TextLine = string(doc.Body), doc.BodyLine
			meta.Decode(j.file, doc.Meta, ans, &problems)
		}
	}
	if problems.HasErrors() {
		ans = &site.AmendmentAnswer{File: j.file, Blob: ans.Blob, Raw: ans.Raw, Body: ans.Body, Date: ans.Date}
	}
	ans.Problems = problems
	return ans
}

// reactionFile is a reaction's file, copied outside the heap, and its voter and item key:
// the path holds both (content/<section>/<id>/reactions/<voter>.yaml, or a misplaced
// file's), which are then parts of it (Reaction.SetNames), nothing of their own.
func reactionFile(j job) (voter, key, file string) {
	return j.name, string(j.section) + "/" + j.id, offheap.Clone(j.file)
}

// readReaction decodes a reaction file. It always returns a reaction; what is wrong with
// the file is added to problems, and then only the values that were read are kept, for
// the audit trail.
func readReaction(j job, data []byte, problems *diag.List) *site.Reaction {
	// A million reactions hold tens of megabytes of these strings: outside the heap in a build.
	voter, key, file := reactionFile(j)
	rc := &site.Reaction{File: file, Blob: blobHash(data), Verdict: site.Unjudged}
	rc.SetNames(voter, key)
	if j.signed {
		rc.Own().Raw = data // what its detached signature signs
	}
	n := meta.ParseSimple(data, simpleReaction)
	if n == nil {
		if !meta.CheckText(j.file, data, problems) {
			return rc
		}
		if n = meta.Parse(j.file, 1, data, problems); n == nil {
			return rc
		}
	}
	before := len(problems.Errors())
	var f site.ReactionFile
	meta.Decode(j.file, n, &f, problems)
	rc.SetFile(f)
	if len(problems.Errors()) > before {
		// A half-read vote is no vote: keep none of its values but the comment.
		rc.SetVote("")
		rc.Priority = 0
	}
	return rc
}

func human(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// appendCopy appends a copy of *v to *list, so that checks on the copy leave v alone,
// and reports true.
func appendCopy[T any](list *[]*T, v *T) bool {
	c := *v
	*list = append(*list, &c)
	return true
}

// copies returns a list of copies of the items of list.
func copies[T any](list []*T) []*T {
	out := make([]*T, 0, len(list))
	for _, v := range list {
		appendCopy(&out, v)
	}
	return out
}

// participantFile classifies a file under content/participants/: only
// <handle>.md, with a handle of 3 to 40 lower-case letters, digits and '_'.
func participantFile(p, rest string, errs *diag.List) (job, bool) {
	pos := diag.Pos{File: p}
	if strings.Contains(rest, "/") || !strings.HasSuffix(rest, ".md") {
		errs.Add(pos, "misplaced: content/participants/ holds one file per participant, <handle>.md; move or remove this file")
		return job{}, false
	}
	h := strings.TrimSuffix(rest, ".md")
	if !site.HandleRE.MatchString(h) {
		errs.Add(pos, "invalid handle %q: a handle is 3 to 40 lower-case letters, digits and '_', without '-' (rename to %q)", h, suggestHandle(h))
		return job{}, false
	}
	return job{role: roleItem, file: p, section: site.Participants, id: h}, true
}

// suggestHandle makes a valid handle of h, for messages.
func suggestHandle(h string) string {
	c := site.CanonicalVoter(h)
	for len(c) < 3 {
		c += "_"
	}
	if len(c) > 40 {
		c = c[:40]
	}
	return c
}

// ReadSupport decodes a support file (<item>/supports/<handle>.yaml): an empty file is a
// support. It always returns a support; what is wrong with the file is added to problems.
func ReadSupport(file string, data []byte, problems *diag.List) *site.Support {
	sp := &site.Support{File: file, Blob: blobHash(data), Raw: data}
	if len(strings.TrimSpace(string(data))) == 0 {
		return sp
	}
	if !meta.CheckText(file, data, problems) {
		return sp
	}
	n := meta.Parse(file, 1, data, problems)
	if n == nil {
		return sp
	}
	meta.Decode(file, n, sp, problems)
	return sp
}
