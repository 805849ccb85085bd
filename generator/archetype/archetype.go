// Package archetype makes the files that `pspm new` adds to a site: a proposal, a
// practice, a feedback, a vote, an amendment, an item owner's answer to an amendment or a plan item of any of site.PlanKinds (a goal, objective,
// result or action, under its parent), correctly named and filled from the theme's
// archetypes (archetypes/<kind>.md, overridable by the site), and whole new sites, whose
// phases start on the day they are made (SiteRequest.Today, the clock the command passes).
//
// It only computes names and contents; the command writes them with output.CreateFile.
package archetype

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/meta"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/slug"
	"github.com/pspm-dev/pspm/generator/theme"
)

// Request describes the file to make.
type Request struct {
	Kind     string    // proposal, practice, feedback, vote, amendment, or a plan kind's Name (site.PlanKinds)
	ID       string    // proposal, practice, plan item: the new item's id
	Parent   string    // plan item: the id of its parent, for the kinds that have one
	Item     string    // feedback, vote, amendment: the item, as "<section>/<id>", e.g. proposals/x; for a vote also an amendment's key
	Body     string    // the body that contributes (IPA code); for a plan item, its owner, optional
	Title    string    // optional; derived from the id when empty
	Practice string    // practice: its kind
	Feedback string    // feedback: its kind (comment, question, objection, support)
	Slug     string    // feedback, amendment: the part of the file name after the body id
	Vote     string    // vote: support, oppose, abstain (may be empty with a priority)
	Priority int       // vote: 1-5, 0 for none
	Comment  string    // vote: optional short comment
	Date     time.Time // the date written in the file
	// Reason is why an amendment proposes its change; Text the proposed Markdown text
	// (Make starts it from the item's current text, Title from its current title).
	Reason string
	Text   string
	// State is the state an answer gives an amendment: accepted or rejected. For an
	// answer, Item is the amendment's key or file.
	State string

	// ReplyTo (feedback) is the feedback of the same item it answers, by its file name
	// without .md; Paragraph the anchor (p-…) of the paragraph of the item's text it is about.
	ReplyTo, Paragraph string
}

// DatePlaceholder stands for the date in a prefilled file (Prefill), in the form the
// date takes (year, month, day, as the portal's contributors write them in Italian).
const DatePlaceholder = "AAAA-MM-GG"

// File is a file to create, relative to the site root.
type File struct {
	Path string
	Data []byte
	// Note is what the command tells besides the file's path: for an answer, what
	// accepting or rejecting the amendment takes in the same merge request.
	Note string
}

var bodyRE = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// Make returns the file for r, checking r against the site in src: the body must be
// registered (content/bodies/<id>.md), the item must exist (for feedback and votes) or
// not exist yet (for new items), and every value must be valid. An unknown body or item
// is refused with the closest registered one, if any.
func Make(src fs.FS, chain *theme.Chain, r Request) (File, error) {
	if k := planKind(r.Kind); k != nil {
		return makePlanItem(src, chain, k, r)
	}
	if !bodyRE.MatchString(r.Body) {
		return File{}, fmt.Errorf("--body %q: want a body's IPA code in lower case, e.g. c_h223", r.Body)
	}
	if err := registered(src, r.Body); err != nil {
		return File{}, err
	}
	if r.Date.IsZero() {
		r.Date = time.Now()
	}
	var name, note string
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
	case "amendment":
		f, err := makeAmendment(src, &r)
		if err != nil {
			return File{}, err
		}
		name = f
	case "answer":
		f, n, err := makeAnswer(src, &r)
		if err != nil {
			return File{}, err
		}
		name, note = f, n
	case "feedback", "vote":
		dir, err := itemFolder(src, r.Item)
		if r.Kind == "vote" && strings.Contains(r.Item, "/amendments/") {
			dir, err = amendmentFolder(src, r.Item)
			if err == nil && r.Priority != 0 {
				return File{}, fmt.Errorf("--priority %d: an amendment takes votes, not priorities", r.Priority)
			}
		}
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
		if err := conversation(src, dir, r); err != nil {
			return File{}, err
		}
		name = dir + "/feedback/" + r.Body + "-" + s + ".md"
		for i := 2; exists(src, name); i++ {
			name = dir + "/feedback/" + r.Body + "-" + s + "-" + strconv.Itoa(i) + ".md"
		}
	default:
		return File{}, fmt.Errorf("cannot make a %q: want one of %s", r.Kind, strings.Join(Kinds(), ", "))
	}
	arch := archetypes[r.Kind]
	data, _, err := chain.ReadFile("archetypes/" + arch)
	if err != nil {
		return File{}, err
	}
	itemKey := ""
	if r.Kind == "vote" || r.Kind == "feedback" || r.Kind == "amendment" {
		itemKey = strings.TrimPrefix(path.Dir(path.Dir(name)), "content/")
	}
	if r.Kind == "answer" {
		itemKey = strings.TrimPrefix(path.Dir(name), "content/") // the amendment's key
	}
	out, err := execute(arch, data, map[string]any{
		"ID": r.ID, "Title": r.Title, "Body": r.Body, "Date": r.Date.Format("2006-01-02"), "Kind": kindOf(r),
		"Vote": r.Vote, "Priority": r.Priority, "Comment": r.Comment, "Item": r.Item,
		// ItemKey and Voter name what a vote is for inside the file, so that a detached
		// signature of the file binds them (see package trust).
		"ItemKey": itemKey, "Voter": r.Body,
		"Reason": r.Reason, "Text": endLine(r.Text), "Fields": strings.Join(site.AmendableFields(site.Section(path.Dir(itemKey))), ", "),
		"State": r.State,
	})
	if r.Kind == "feedback" {
		out = frontKey(frontKey(out, "paragraph", r.Paragraph), "reply_to", r.ReplyTo)
	}
	return File{Path: name, Data: out, Note: note}, err
}

// conversation checks a feedback request's reply_to and paragraph against the item in
// dir: the feedback answered must be one of the item's, the paragraph one of its text's.
func conversation(src fs.FS, dir string, r Request) error {
	if r.ReplyTo != "" && !exists(src, dir+"/feedback/"+r.ReplyTo+".md") {
		var names []string
		if entries, err := fs.ReadDir(src, dir+"/feedback"); err == nil {
			for _, e := range entries {
				if n, ok := strings.CutSuffix(e.Name(), ".md"); ok && !e.IsDir() {
					names = append(names, n)
				}
			}
		}
		return fmt.Errorf("--reply-to %q: there is no %s/feedback/%s.md (give the file name of a feedback of the same item, without .md)%s", r.ReplyTo, dir, r.ReplyTo, didYouMean(r.ReplyTo, r.ReplyTo, names, func(s string) string { return s }))
	}
	if r.Paragraph == "" {
		return nil
	}
	if !site.ParagraphRE.MatchString(r.Paragraph) {
		return fmt.Errorf("--paragraph %q: want an anchor p-<8 hexadecimal digits>, as the ¶ link beside the paragraph on the item's page gives it", r.Paragraph)
	}
	file := dir + "/index.md"
	if !exists(src, file) {
		file = dir + ".md"
	}
	data, err := fs.ReadFile(src, file)
	if err != nil {
		return err
	}
	var errs diag.List
	for _, p := range markdown.New().Paragraphs(meta.Split(file, data, &errs).Body) {
		if p.ID == r.Paragraph {
			return nil
		}
	}
	return fmt.Errorf("--paragraph %q: no paragraph of %s has that anchor (copy it from the ¶ link beside the paragraph on the item's page)", r.Paragraph, file)
}

// frontKey adds "key: value" as the first key of the front matter of a file the
// archetypes made, whatever else the theme's archetype writes; nothing when value is "".
func frontKey(file []byte, key, value string) []byte {
	rest, ok := bytes.CutPrefix(file, []byte("---\n"))
	if value == "" || !ok {
		return file
	}
	return append([]byte("---\n"+key+": "+value+"\n"), rest...)
}

// archetypes are the theme's archetype files of the contributions, by kind.
var archetypes = map[string]string{"proposal": "proposal.md", "practice": "practice.md", "feedback": "feedback.md", "vote": "vote.yaml", "amendment": "amendment.md", "answer": "answer.md"}

// makeAnswer checks an answer request against the site in src: the amendment (its key,
// plan/actions/x/amendments/<body>-<slug>, or its file) must be there, open and not
// answered yet; the body must own its item (or be the plan owner); the state is
// accepted or rejected. It returns the file's path, <amendment>/answer.md, and what
// the answer takes in the same merge request: for an acceptance, the title, fields and
// text to write into the item.
func makeAnswer(src fs.FS, r *Request) (string, string, error) {
	if r.State != site.AmendmentAccepted && r.State != site.AmendmentRejected {
		return "", "", fmt.Errorf("--state %q: want accepted or rejected", r.State)
	}
	key := strings.TrimSuffix(strings.Trim(strings.TrimPrefix(r.Item, "content/"), "/"), ".md")
	if !strings.Contains(key, "/amendments/") {
		return "", "", fmt.Errorf("amendment %q: name it by its key, <item>/amendments/<body>-<slug> (e.g. plan/actions/x/amendments/c_h223-tempi), or by its file", r.Item)
	}
	dir, err := amendmentFolder(src, key)
	if err != nil {
		return "", "", err
	}
	itemDir := path.Dir(path.Dir(dir))
	itemFile := itemDir + "/index.md"
	if !exists(src, itemFile) {
		itemFile = itemDir + ".md"
	}
	var cur struct {
		Owners []string `yaml:"owner"`
	}
	readFront(src, itemFile, &cur)
	var plan struct {
		Owner string `yaml:"owner"`
	}
	readFront(src, "content/plan/_index.md", &plan)
	owners := cur.Owners
	if plan.Owner != "" && !oneOf(plan.Owner, owners) {
		owners = append(owners, plan.Owner)
	}
	itemKey := strings.TrimPrefix(itemDir, "content/")
	if !oneOf(r.Body, owners) {
		return "", "", fmt.Errorf("--body %q does not own %s: only its owners (%s) answer its amendments", r.Body, itemKey, strings.Join(owners, ", "))
	}
	var am struct {
		Title  string `yaml:"title"`
		State  string `yaml:"state"`
		Fields []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"fields"`
	}
	text := readFront(src, dir+".md", &am)
	if am.State == site.AmendmentWithdrawn {
		return "", "", fmt.Errorf("amendment %q was withdrawn by its body: a withdrawn amendment is not answered", key)
	}
	name := dir + "/" + site.AnswerName
	if exists(src, name) {
		return "", "", fmt.Errorf("amendment %q is answered already, in %s: an answer is final", key, name)
	}
	if r.State == site.AmendmentRejected {
		return name, fmt.Sprintf("Write after the front matter of %s why the amendment is rejected: a rejection needs a text.", name), nil
	}
	var changes []string
	if strings.TrimSpace(am.Title) != "" {
		changes = append(changes, fmt.Sprintf("title: %q", am.Title))
	}
	for _, f := range am.Fields {
		changes = append(changes, fmt.Sprintf("%s: %s", f.Name, f.Value))
	}
	if strings.TrimSpace(text) != "" {
		changes = append(changes, "the text (after the front matter): the proposed text, after the front matter of "+dir+".md")
	}
	note := "Accepting an amendment applies it: in the same merge request, change " + itemFile
	if len(changes) == 0 {
		return name, note + " as the amendment proposes (" + dir + ".md).", nil
	}
	return name, note + " to:\n  - " + strings.Join(changes, "\n  - "), nil
}

// makeAmendment checks an amendment request against the site in src and completes it:
// the item must be a plan item, the body must not own it (its owners edit it directly),
// and the proposal starts from the item's current title and text. It returns the file's
// path: <item>/amendments/<body>-<slug>.md, with -2, -3… when the name is taken.
func makeAmendment(src fs.FS, r *Request) (string, error) {
	dir, err := itemFolder(src, r.Item)
	if err != nil {
		return "", err
	}
	key := strings.TrimPrefix(dir, "content/")
	sec := site.Section(path.Dir(key))
	if site.KindOf(sec) == nil {
		return "", fmt.Errorf("item %q: amendments are for plan items (goals, objectives, results, actions); a %s is changed by the body that wrote it: write a comment with 'pspm new feedback %s' instead", key, strings.TrimSuffix(string(sec), "s"), key)
	}
	file := dir + "/index.md"
	if !exists(src, file) {
		file = dir + ".md"
	}
	var cur struct {
		Title  string   `yaml:"title"`
		Owners []string `yaml:"owner"`
	}
	text := readFront(src, file, &cur)
	var plan struct {
		Owner string `yaml:"owner"`
	}
	readFront(src, "content/plan/_index.md", &plan)
	owners := cur.Owners
	if plan.Owner != "" {
		owners = append(owners, plan.Owner)
	}
	if oneOf(r.Body, owners) {
		return "", fmt.Errorf("--body %q owns %s: its owners change the item directly; edit %s instead of proposing an amendment", r.Body, key, file)
	}
	if r.Title == "" {
		r.Title = cur.Title
	}
	if r.Text == "" {
		r.Text = text
	}
	s := r.Slug
	if s == "" {
		s = "emendamento"
	}
	if !site.ValidID(s) {
		return "", fmt.Errorf("--slug %q: use lower-case letters, digits and '-'", s)
	}
	name := dir + "/amendments/" + r.Body + "-" + s + ".md"
	for i := 2; exists(src, name); i++ {
		name = dir + "/amendments/" + r.Body + "-" + s + "-" + strconv.Itoa(i) + ".md"
	}
	return name, nil
}

// endLine is text ending with one line break, "" for no text.
func endLine(text string) string {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return ""
	}
	return text + "\n"
}

// readFront decodes the front matter of the Markdown file name of src into v, leaving
// v as it is when it cannot be read, and returns the file's text after it.
func readFront(src fs.FS, name string, v any) string {
	data, err := fs.ReadFile(src, name)
	if err != nil {
		return ""
	}
	var ignore diag.List
	doc := meta.Split(name, data, &ignore)
	meta.Decode(name, doc.Meta, v, &ignore)
	return string(doc.Body)
}

// amendmentFolder is the folder of the amendment whose key is key
// ("plan/actions/x/amendments/c_h223-tempi"), where the votes on it go.
func amendmentFolder(src fs.FS, key string) (string, error) {
	key = strings.Trim(strings.TrimPrefix(key, "content/"), "/")
	item, aid, _ := strings.Cut(key, "/amendments/")
	dir, err := itemFolder(src, item)
	if err != nil {
		return "", err
	}
	if exists(src, dir+"/amendments/"+aid+".md") {
		return dir + "/amendments/" + aid, nil
	}
	var known []string
	entries, _ := fs.ReadDir(src, dir+"/amendments")
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".md"); ok && !e.IsDir() {
			known = append(known, n)
		}
	}
	return "", fmt.Errorf("amendment %q not found: there is no %s/amendments/%s.md%s", key, dir, aid,
		didYouMean(aid, aid, known, func(s string) string { return item + "/amendments/" + s }))
}

// Kinds are the kinds of file Make writes: the contributions, then the plan's kinds in
// the order of site.PlanKinds.
func Kinds() []string {
	out := []string{"proposal", "practice", "feedback", "vote", "amendment", "answer"}
	for _, k := range site.PlanKinds {
		out = append(out, k.Name)
	}
	return out
}

// HasOwner reports whether a plan item of kind (a site.PlanKinds name) takes an owner:
// key: results and actions do, goals and objectives do not.
func HasOwner(kind string) bool { return kind == "result" || kind == "action" }

// planKind returns the plan kind named name, or nil.
func planKind(name string) *site.Kind {
	for _, k := range site.PlanKinds {
		if k.Name == name {
			return k
		}
	}
	return nil
}

// makePlanItem returns the skeleton of a new plan item of kind k, from archetypes/<name>.md:
// its parent (for the kinds that have one) must exist, its id must not.
func makePlanItem(src fs.FS, chain *theme.Chain, k *site.Kind, r Request) (File, error) {
	if r.Body != "" && !HasOwner(k.Name) {
		return File{}, fmt.Errorf("--body %q: a %s has no owner; leave --body out", r.Body, k.Name)
	}
	if r.Body != "" && !bodyRE.MatchString(r.Body) {
		return File{}, fmt.Errorf("--body %q: want the owner's IPA code in lower case, e.g. c_h223", r.Body)
	}
	if !site.ValidID(r.ID) {
		return File{}, fmt.Errorf("id %q: use lower-case letters, digits, '-' and '_' (e.g. %q)", r.ID, slug.Make(r.ID))
	}
	dir := "content/" + string(k.Section) + "/" + r.ID
	if exists(src, dir+"/index.md") || exists(src, dir+".md") {
		return File{}, fmt.Errorf("%s %q already exists", k.Name, r.ID)
	}
	switch {
	case k.Parent == "" && r.Parent != "":
		return File{}, fmt.Errorf("--parent %q: a %s has no parent", r.Parent, k.Name)
	case k.Parent != "":
		pk := site.KindOf(k.Parent)
		if r.Parent == "" {
			return File{}, fmt.Errorf("give the %s's %s with --parent ID (one of content/%s/)", k.Name, pk.Name, k.Parent)
		}
		pdir := "content/" + string(k.Parent) + "/" + r.Parent
		if !site.ValidID(r.Parent) || !(exists(src, pdir+"/index.md") || exists(src, pdir+".md")) {
			return File{}, fmt.Errorf("--parent %q: there is no %s %q (no %s.md or %s/index.md); make it first with 'pspm new %s %s'", r.Parent, pk.Name, r.Parent, pdir, pdir, pk.Name, r.Parent)
		}
	}
	if r.Date.IsZero() {
		r.Date = time.Now()
	}
	if r.Title == "" {
		r.Title = strings.ReplaceAll(r.ID, "-", " ")
	}
	arch := k.Name + ".md"
	data, _, err := chain.ReadFile("archetypes/" + arch)
	if err != nil {
		return File{}, err
	}
	out, err := execute(arch, data, map[string]any{
		"ID": r.ID, "Title": r.Title, "Body": r.Body, "Parent": r.Parent, "Date": r.Date.Format("2006-01-02"),
	})
	return File{Path: dir + ".md", Data: out}, err
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
		var names []string
		for _, s := range site.Sections {
			if s != site.Bodies {
				names = append(names, string(s))
			}
		}
		return "", fmt.Errorf("item %q: name it as <section>/<id>, e.g. proposals/telemedicina or plan/actions/anpr-servizi%s", key, didYouMean(sec+"/"+id, sec, names, func(s string) string { return s + "/" + id }))
	}
	dir := "content/" + sec + "/" + id
	if exists(src, dir+"/index.md") || exists(src, dir+".md") {
		return dir, nil
	}
	return "", fmt.Errorf("item %q not found: there is no %s/index.md or %s.md%s", key, dir, dir,
		didYouMean(key, id, ids(src, "content/"+sec), func(s string) string { return sec + "/" + s }))
}

// registered checks that body is registered in the site in src (content/bodies/<id>.md),
// before anything is written: a vote, a comment or an item of an unknown body never
// counts, and the build refuses it.
func registered(src fs.FS, body string) error {
	if exists(src, "content/bodies/"+body+".md") {
		return nil
	}
	known := ids(src, "content/bodies")
	if len(known) == 0 {
		return fmt.Errorf("--body %q: no body is registered in content/bodies/; add content/bodies/%s.md (its name and members) first", body, body)
	}
	list := strings.Join(known, ", ")
	if len(known) > 10 {
		list = strings.Join(known[:10], ", ") + ", …"
	}
	return fmt.Errorf("--body %q: no such body in content/bodies/ (registered: %s); a body takes part once its file content/bodies/%s.md is merged%s",
		body, list, body, didYouMean(body, body, known, func(s string) string { return s }))
}

// ids lists the ids of the items in the folder dir of src: <id>.md files (not
// translations, <id>.<lang>.md, nor _index.md) and <id>/ folders.
func ids(src fs.FS, dir string) []string {
	entries, err := fs.ReadDir(src, dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() {
			n = strings.TrimSuffix(n, ".md")
			if n == e.Name() || strings.Contains(n, ".") {
				continue
			}
		}
		if site.ValidID(n) {
			out = append(out, n)
		}
	}
	return out
}

// didYouMean is "; did you mean X?" when one of candidates is close to word, X being
// the candidate as full makes it; "" otherwise. what names the whole, for an exact hint.
func didYouMean(what, word string, candidates []string, full func(string) string) string {
	if s := diag.Suggest(word, candidates); s != "" && full(s) != what {
		return fmt.Sprintf("; did you mean %q?", full(s))
	}
	return ""
}

// SiteRequest describes a new site: the central portal of a plan, or, with Body, the portal
// of a local body that federates with it.
type SiteRequest struct {
	Title     string // the plan's title
	Owner     string // the IPA code of the plan owner; m_ef when empty (the body itself with Body)
	OwnerName string // its name, shown in the footer; MEF's full name for m_ef, "Ente <Owner>" otherwise
	Year      int    // the plan's first year; Today's when 0
	// Votes is the vote policy written in pspm.yaml (votes.policy): one of VotePolicies,
	// "author" when empty.
	Votes string
	// Today is the day the site is made: its consultation phase opens on it. The command
	// passes time.Now(); tests pass a fixed day. time.Now() when zero.
	Today time.Time

	// Forge, when set, is where the site's repository lives, one of Forges: the site gets
	// only that forge's CI files, and forge.kind says it. A central portal without it gets
	// those of GitHub and GitLab; a local one those of Forges[0].
	Forge string

	// Body, when set, makes the portal of a local body (its IPA code, e.g. c_h223 for the
	// Comune di Reggio Emilia): the body owns its plan, and the central portal is a source
	// whose objectives the local actions name in contributes_to. The fields below are only
	// for such a portal, and default when empty.
	Body    string
	Name    string // the body's name; "Ente <Body>"
	Kind    string // the body's kind, one of site.BodyKinds; municipality
	Color   string // the portal's main colour, #rrggbb; DefaultColor
	Central string // the central portal's Git repository; CentralURL
}

// VotePolicies are the values of votes.policy that a new site may be written with, the
// default first.
var VotePolicies = []string{"author", "signed", "none"}

// consultationMonths is how long the consultation phase of a new site lasts from the day
// it is made; the implementation phase follows it to the end of the plan's period.
const consultationMonths = 3

// Forges are the forges a new site writes CI files for, as forge.kind says them.
var Forges = []string{"gitlab", "github", "gitea"}

const (
	// CentralURL is the central portal's repository written into a new local portal when
	// none is given: a placeholder that the body replaces with the real one, on a domain
	// reserved for examples (RFC 2606), so that it names no namespace anyone could claim.
	CentralURL = "https://git.example.org/mef/piano-strategico.git"
	// DefaultColor is a new local portal's main colour: a dark blue on which white text
	// has a contrast of 10:1.
	DefaultColor = "#004080"

	// centralBody owns the central plan, and centralName is its name.
	centralBody = "m_ef"
	centralName = "Ministero dell'Economia e delle Finanze"
	// centralObjective is the objective of the central plan that the example action of a
	// local portal contributes to: one of the demo plan's, which a real central plan may
	// not have.
	centralObjective = "servizi-accessibili"
)

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Site returns the files of a small working portal, from the archetypes/site folder: its
// content, pspm.yaml, a README, and the forge files that let bodies take part through merge
// requests and publish the portal (CI files that run `pspm check --base` on merge requests
// and build on pushes to the main branch and of plan/* tags, CODEOWNERS, merge-request
// templates): those of GitHub and GitLab, or of r.Forge alone (GitHub, GitLab or Gitea).
// Markdown, YAML and SVG files are templates filled with r; forge files are copied as they
// are (see siteFile).
//
// With r.Body it is a local body's portal: the files under archetypes/site/local/ are added,
// or replace those at the same path outside it (pspm.yaml, README.md, the body's file), and
// only the CI files of r.Forge (GitLab's by default) are kept.
func Site(chain *theme.Chain, r SiteRequest) ([]File, error) {
	v, err := siteData(r)
	if err != nil {
		return nil, err
	}
	files, err := chain.Files("archetypes/site")
	if err != nil {
		return nil, err
	}
	replaced := map[string]bool{}
	for _, f := range files {
		if rest, ok := strings.CutPrefix(f.Name, localDir); ok && v.Local {
			replaced[rest] = true
		}
	}
	var out []File
	for _, f := range files {
		if replaced[f.Name] {
			continue
		}
		name, verbatim := siteFile(f.Name, v)
		if name == "" {
			continue
		}
		raw, err := f.Read()
		if err != nil {
			return nil, err
		}
		content := raw
		if ext := path.Ext(name); !verbatim && (ext == ".md" || ext == ".yaml" || ext == ".svg") {
			if content, err = execute(f.Name, raw, v); err != nil {
				return nil, err
			}
		}
		out = append(out, File{Path: name, Data: content})
	}
	return out, nil
}

// siteVars are what the templates of archetypes/site receive.
type siteVars struct {
	Local     bool   // a local body's portal
	Title     string // the plan's title
	Owner     string // the plan owner's IPA code, and its name
	OwnerName string
	Year      int // the plan's first and third years
	Year3     int
	Votes     string // votes.policy

	// The phases, from the day the site is made: the consultation, then the implementation
	// to the end of the period, as YYYY-MM-DD.
	ConsultFrom, ConsultTo, ImplFrom, ImplTo string

	// A local body's portal only.
	Body, Name  string // the body's IPA code and name
	The         string // its name with its article: "Il Comune di Reggio Emilia"
	Kind        string
	Portal      string // the portal's title: "Portale del Comune di Reggio Emilia"
	Forge       string
	ForgeName   string // "GitLab"
	RepoExample string // an example of forge.url
	Color       string
	Central     string // the central portal's repository

	CentralBody, CentralName, CentralObjective string
}

// siteData checks r, fills in its defaults and returns what the templates of
// archetypes/site receive.
func siteData(r SiteRequest) (siteVars, error) {
	v, err := siteDataOf(r)
	if err != nil {
		return v, err
	}
	if r.Today.IsZero() {
		r.Today = time.Now()
	}
	if r.Year == 0 {
		r.Year = r.Today.Year()
	}
	if r.Votes == "" {
		r.Votes = VotePolicies[0]
	}
	if !oneOf(r.Votes, VotePolicies) {
		return siteVars{}, fmt.Errorf("--votes %q: want one of %s", r.Votes, strings.Join(VotePolicies, ", "))
	}
	day := time.Date(r.Today.Year(), r.Today.Month(), r.Today.Day(), 0, 0, 0, 0, time.UTC)
	consultTo := day.AddDate(0, consultationMonths, -1)
	implFrom := consultTo.AddDate(0, 0, 1)
	implTo := time.Date(r.Year+2, 12, 31, 0, 0, 0, 0, time.UTC)
	if !implTo.After(implFrom) {
		return siteVars{}, fmt.Errorf("--year %d: the plan's period %d-%d ends before the consultation that opens today (%s) does; give a later first year", r.Year, r.Year, r.Year+2, day.Format("2006-01-02"))
	}
	const iso = "2006-01-02"
	v.Year, v.Year3, v.Votes = r.Year, r.Year+2, r.Votes
	v.ConsultFrom, v.ConsultTo = day.Format(iso), consultTo.Format(iso)
	v.ImplFrom, v.ImplTo = implFrom.Format(iso), implTo.Format(iso)
	return v, nil
}

// siteDataOf checks the names, kinds and addresses of r and fills in their defaults;
// siteData adds the dates and the vote policy.
func siteDataOf(r SiteRequest) (siteVars, error) {
	if r.Body == "" {
		for _, f := range []struct{ flag, v string }{{"name", r.Name}, {"kind", r.Kind}, {"color", r.Color}, {"central", r.Central}} {
			if f.v != "" {
				return siteVars{}, fmt.Errorf("--%s is for the portal of a local body: give its IPA code with --body too", f.flag)
			}
		}
		if r.Owner == "" {
			r.Owner = centralBody
		}
		if !bodyRE.MatchString(r.Owner) {
			return siteVars{}, fmt.Errorf("--owner %q: want a body's IPA code in lower case, e.g. c_h223", r.Owner)
		}
		if r.Title == "" {
			r.Title = "Piano strategico"
		}
		r.OwnerName = strings.TrimSpace(r.OwnerName)
		if strings.ContainsFunc(r.OwnerName, unicode.IsControl) {
			return siteVars{}, fmt.Errorf("--owner-name %q: give the owner's name on one line, e.g. \"Comune di Reggio Emilia\"", r.OwnerName)
		}
		switch {
		case r.OwnerName != "":
		case r.Owner == centralBody:
			r.OwnerName = centralName
		default:
			r.OwnerName = "Ente " + r.Owner
		}
		if r.Forge != "" && !oneOf(r.Forge, Forges) {
			return siteVars{}, fmt.Errorf("--forge %q: want one of %s", r.Forge, strings.Join(Forges, ", "))
		}
		return siteVars{Title: r.Title, Owner: r.Owner, OwnerName: r.OwnerName, Year: r.Year, Year3: r.Year + 2, Forge: r.Forge}, nil
	}

	if !bodyRE.MatchString(r.Body) {
		return siteVars{}, fmt.Errorf("--body %q: want a body's IPA code in lower case (letters, digits and _, at most 64), e.g. c_h223", r.Body)
	}
	if r.Owner != "" && r.Owner != r.Body {
		return siteVars{}, fmt.Errorf("--owner %q: a local body's portal is owned by the body itself (--body %s); leave --owner out", r.Owner, r.Body)
	}
	if r.OwnerName != "" {
		return siteVars{}, errors.New("--owner-name: give the body's name with --name")
	}
	if r.Body == centralBody {
		return siteVars{}, fmt.Errorf("--body %s: %s owns the central plan, which is this portal's source; make its portal without --body", r.Body, r.Body)
	}
	r.Name = strings.TrimSpace(r.Name)
	if r.Name == "" {
		r.Name = "Ente " + r.Body
	}
	if strings.ContainsFunc(r.Name, unicode.IsControl) {
		return siteVars{}, fmt.Errorf("--name %q: give the body's name on one line, e.g. \"Comune di Reggio Emilia\"", r.Name)
	}
	if r.Kind == "" {
		r.Kind = "municipality"
	}
	if !oneOf(r.Kind, site.BodyKinds) {
		return siteVars{}, fmt.Errorf("--kind %q: want one of %s", r.Kind, strings.Join(site.BodyKinds, ", "))
	}
	if r.Forge == "" {
		r.Forge = Forges[0]
	}
	if !oneOf(r.Forge, Forges) {
		return siteVars{}, fmt.Errorf("--forge %q: want one of %s", r.Forge, strings.Join(Forges, ", "))
	}
	if r.Color == "" {
		r.Color = DefaultColor
	}
	if !colorRE.MatchString(r.Color) {
		return siteVars{}, fmt.Errorf("--color %q: write a colour as #rrggbb, e.g. %s", r.Color, DefaultColor)
	}
	if c := config.Contrast(r.Color, "#ffffff"); c < 4.5 {
		return siteVars{}, fmt.Errorf("--color %s: white text on it has a contrast of %.1f:1, under the 4.5:1 that WCAG 2.1 AA requires; choose a darker colour", r.Color, c)
	}
	if r.Central == "" {
		r.Central = CentralURL
	}
	if !repoURL(r.Central) {
		return siteVars{}, fmt.Errorf("--central %q: give the address of the central portal's Git repository, e.g. %s (or ssh://…, git@host:path, file://…)", r.Central, CentralURL)
	}
	the, of := article(r.Name)
	if r.Title == "" {
		r.Title = "Piano strategico " + of
	}
	return siteVars{
		Local: true, Title: r.Title, Owner: r.Body, OwnerName: r.Name, Year: r.Year, Year3: r.Year + 2,
		Body: r.Body, Name: r.Name, The: the, Kind: r.Kind, Portal: "Portale " + of,
		Forge:       r.Forge,
		ForgeName:   map[string]string{"gitlab": "GitLab", "github": "GitHub", "gitea": "Gitea"}[r.Forge],
		RepoExample: map[string]string{"gitlab": "https://gitlab.com/ente/portale", "github": "https://github.com/ente/portale", "gitea": "https://git.example.org/ente/portale"}[r.Forge],
		Color:       strings.ToLower(r.Color), Central: r.Central,
		CentralBody: centralBody, CentralName: centralName, CentralObjective: centralObjective,
	}, nil
}

// repoURL reports whether s is the address of a Git repository as sources in pspm.yaml
// take it: https://, http://, ssh:// or file:// URL, or git@host:path.
func repoURL(s string) bool {
	if scpURLRE.MatchString(s) {
		return true
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" {
		return false
	}
	switch u.Scheme {
	case "https", "http", "ssh":
		return u.Host != "" && u.Path != "" && u.Path != "/"
	case "file":
		return u.Path != "" && u.Path != "/"
	}
	return false
}

var scpURLRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[^/].*$`)

// article returns a body's name with its Italian article, as the subject of a sentence
// ("Il Comune di Reggio Emilia", "La Regione Emilia-Romagna", "L'Agenzia per l'Italia
// Digitale"), and after "di" ("del Comune di Reggio Emilia"). A name that does not start
// with one of the words below takes none: "Roma Capitale", "di Roma Capitale".
func article(name string) (subject, of string) {
	for _, p := range []struct{ word, the string }{
		{"Comune", "il"}, {"Ministero", "il"}, {"Consorzio", "il"}, {"Dipartimento", "il"}, {"Politecnico", "il"},
		{"Regione", "la"}, {"Provincia", "la"}, {"Città", "la"}, {"Camera", "la"}, {"Presidenza", "la"},
		{"Agenzia", "l'"}, {"Azienda", "l'"}, {"Università", "l'"}, {"Unione", "l'"}, {"Ente", "l'"},
		{"Istituto", "l'"}, {"Autorità", "l'"}, {"Ufficio", "l'"},
	} {
		if name != p.word && !strings.HasPrefix(name, p.word+" ") {
			continue
		}
		switch p.the {
		case "il":
			return "Il " + name, "del " + name
		case "la":
			return "La " + name, "della " + name
		}
		return "L'" + name, "dell'" + name
	}
	return name, "di " + name
}

// localDir holds the files of archetypes/site that only a local body's portal has, at
// the path they have in it.
const localDir = "local/"

// siteFile returns where a file of archetypes/site goes in the new site described by v, or
// "" when the site has no such file, and whether it is copied verbatim rather
// than executed as a template.
//
// Files that must start with a dot are stored without it, because theme.Chain.Files leaves
// dotfiles out of every layer (a site's .git must never be listed): gitignore, gitlab-ci.yml
// and the folders github/, gitlab/ and gitea/. The forge files are copied verbatim: they need
// no data, and GitHub's ${{ expr }} would be eaten by text/template. A central portal has
// the files of GitHub and GitLab; a local one only those of its forge, and no example vote:
// it would not count until the body's members are registered and commit it.
func siteFile(name string, v siteVars) (string, bool) {
	if rest, ok := strings.CutPrefix(name, localDir); ok {
		if !v.Local {
			return "", false
		}
		name = rest
	}
	forge := ""
	switch {
	case name == "gitlab-ci.yml" || strings.HasPrefix(name, "gitlab/"):
		forge = "gitlab"
	case strings.HasPrefix(name, "github/"):
		forge = "github"
	case strings.HasPrefix(name, "gitea/"):
		forge = "gitea"
	}
	if forge != "" && (v.Forge != "" && forge != v.Forge || v.Forge == "" && forge == "gitea") {
		return "", false
	}
	if forge != "" || name == "gitignore" {
		return "." + name, true
	}
	if item, ok := strings.CutSuffix(name, "/reactions/owner.yaml"); ok {
		if v.Local {
			return "", false
		}
		return item + "/reactions/" + v.Owner + ".yaml", false
	}
	switch name {
	case "content/bodies/owner.md":
		return "content/bodies/" + v.Owner + ".md", false
	case "content/bodies/central.md":
		return "content/bodies/" + centralBody + ".md", false
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
// "practice", "amendment": r.Title and r.Text are then the item's current title and text,
// r.Item its key) filled with r, with no check against a site: it is what the forge buttons
// of the portal prefill in the web editor, where the contributor completes it. Without
// r.Date the date is DatePlaceholder, for the contributor to write the day: a portal's
// pages are the same from one day to the next, and the day the portal was built is not
// the day its reader writes.
func Prefill(chain *theme.Chain, r Request) ([]byte, error) {
	arch := archetypes[r.Kind]
	if arch == "" {
		return nil, fmt.Errorf("no archetype for %q", r.Kind)
	}
	date := DatePlaceholder
	if !r.Date.IsZero() {
		date = r.Date.Format("2006-01-02")
	}
	data, _, err := chain.ReadFile("archetypes/" + arch)
	if err != nil {
		return nil, err
	}
	return execute(arch, data, map[string]any{
		"ID": r.ID, "Title": r.Title, "Body": r.Body, "Date": date, "Kind": kindOf(r),
		"Vote": r.Vote, "Priority": r.Priority, "Comment": r.Comment, "Item": r.Item,
		"Reason": r.Reason, "Text": endLine(r.Text), "Fields": strings.Join(site.AmendableFields(site.Section(path.Dir(r.Item))), ", "),
	})
}

// ParticipantRequest describes a participant's registration file to make.
type ParticipantRequest struct {
	Handle       string // 3 to 40 lower-case letters, digits and '_'
	Name         string // the display name, required
	Kind         string // one of site.ParticipantKinds; citizen when empty
	Municipality string
	Forge        string // the participant's account on the portal's forge
}

// MakeParticipant returns content/participants/<handle>.md for r, checking r against the
// site in src: the handle must be valid, new, and not a body's id. It writes no contact
// data: the portal publishes none.
func MakeParticipant(src fs.FS, r ParticipantRequest) (File, error) {
	if !site.HandleRE.MatchString(r.Handle) {
		return File{}, fmt.Errorf("handle %q: want 3 to 40 lower-case letters, digits and '_' (no '-')", r.Handle)
	}
	if exists(src, "content/bodies/"+r.Handle+".md") {
		return File{}, fmt.Errorf("handle %q is the id of a body (content/bodies/%s.md): choose another", r.Handle, r.Handle)
	}
	name := "content/participants/" + r.Handle + ".md"
	if exists(src, name) {
		return File{}, fmt.Errorf("participant %q already exists (%s)", r.Handle, name)
	}
	if strings.TrimSpace(r.Name) == "" {
		return File{}, errors.New("--name: give the participant's display name")
	}
	if strings.Contains(r.Name, "@") {
		return File{}, fmt.Errorf("--name %q contains '@': the name is published, and no e-mail address may be", r.Name)
	}
	if r.Kind == "" {
		r.Kind = site.ParticipantKinds[0]
	}
	if !oneOf(r.Kind, site.ParticipantKinds) {
		return File{}, fmt.Errorf("--kind %q: want one of %s", r.Kind, strings.Join(site.ParticipantKinds, ", "))
	}
	var b strings.Builder
	b.WriteString("---\nname: " + quote(r.Name) + "\nkind: " + r.Kind + "\n")
	if r.Municipality != "" {
		b.WriteString("municipality: " + quote(r.Municipality) + "\n")
	}
	if f := strings.TrimPrefix(r.Forge, "@"); f != "" {
		b.WriteString("forge: " + quote(f) + "\n")
	}
	b.WriteString("---\n")
	return File{Path: name, Data: []byte(b.String())}, nil
}
