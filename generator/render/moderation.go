package render

import (
	template "github.com/pspm-dev/pspm/generator/internal/tmpl/html"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// HiddenView is the notice a page shows in place of a contribution that a moderation
// hides: when, why, under which rule, and a link to the decision. The contribution's
// own words are never in a view.
type HiddenView struct {
	ID     string // the moderation's id
	Date   time.Time
	Reason string // the moderation's reason, as plain text
	Rule   string
	URL    string // the decision on the moderation page
}

// ModerationView is the moderation page: the portal's rules and every decision.
type ModerationView struct {
	Rules     template.HTML // the text of content/moderation/_index.md, or ""
	Decisions []ModerationEntry
}

// ModerationEntry is one moderation file.
type ModerationEntry struct {
	ID      string
	Date    time.Time
	Rule    string
	Reason  template.HTML
	Scope   string // item, thread or participant
	What    Link   // the page where the hidden contribution was (its notice is there)
	Hidden  int    // how many contributions it hides
	Applied bool   // false: a member of the plan owner body did not make it (Detail says why)
	Detail  template.HTML
}

// ForeignView flags a contribution written in a language the portal does not publish.
type ForeignView struct {
	Lang string // the BCP 47 tag, for the lang attribute
	Name string // the language's name in the page's language
}

// hiddenView is the notice of m, or nil.
func (r *renderer) hiddenView(m *site.Moderation) *HiddenView {
	if m == nil {
		return nil
	}
	_, plain := r.Markdown.Plain([]byte(m.Text))
	return &HiddenView{ID: m.ID, Date: m.Date, Reason: strings.Join(strings.Fields(plain), " "), Rule: m.Rule, URL: r.link("/moderation/") + "#" + m.ID}
}

// foreignView is the flag of a contribution written in lang, or nil when lang is "".
func (r *renderer) foreignView(lang string) *ForeignView {
	if lang == "" {
		return nil
	}
	tag, err := language.Parse(lang)
	if err != nil {
		return &ForeignView{Lang: lang, Name: lang}
	}
	name := display.Tags(r.tr.tag).Name(tag)
	if name == "" {
		name = lang
	}
	return &ForeignView{Lang: tag.String(), Name: name}
}

// moderationPage lists the portal's rules and every moderation decision.
func (r *renderer) moderationPage() ([]byte, error) {
	s := r.Site
	v := &ModerationView{}
	if s.ModerationRules != nil {
		v.Rules = htmlOf(r.markdown(s.ModerationRules.Text).HTML)
	}
	for _, m := range s.Moderations {
		e := ModerationEntry{ID: m.ID, Date: m.Date, Rule: m.Rule, Reason: htmlOf(r.markdown(m.Text).HTML), Scope: m.Scope, Hidden: m.Hidden, Applied: m.Counted}
		if !m.Counted {
			e.Detail, _ = r.verdictDetail(m.Verdict)
		}
		if it := s.Items[moderatedItem(m.Path)]; it != nil {
			e.What = Link{r.tr.T("moderation.on_item"), r.link(it.URL())}
			if c := r.card(it); c != nil && it.Hidden == nil {
				e.What.Title = codeTitle(c.Code, c.Title)
			}
		}
		v.Decisions = append(v.Decisions, e)
	}
	title := r.tr.T("moderation.title")
	if s.ModerationRules != nil && s.ModerationRules.Title != "" && r.prefix == "" {
		title = s.ModerationRules.Title
	}
	return r.page("moderation", &Page{Title: title, URL: r.link("/moderation/"), Moderation: v,
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}}})
}

// moderatedItem is the key of the item whose folder holds p (content/<section>/<id>...).
func moderatedItem(p string) string {
	rel := strings.TrimPrefix(p, "content/")
	for _, sec := range site.Sections {
		if rest, ok := strings.CutPrefix(rel, string(sec)+"/"); ok {
			id, _, _ := strings.Cut(rest, "/")
			return string(sec) + "/" + strings.TrimSuffix(id, ".md")
		}
	}
	return ""
}

// hiddenItemPage is the page of a proposal or practice a moderation hides: its URL
// stays, with the notice in place of its title and text.
func (r *renderer) hiddenItemPage(it *site.Item, list, listURL string) ([]byte, error) {
	return r.page("moderated", &Page{Title: r.tr.T("moderation.hidden_title"), URL: r.link(it.URL()), Hidden: r.hiddenView(it.Hidden),
		Breadcrumbs: []Link{{r.tr.T("menu.home"), r.link("/")}, {r.tr.T(list), r.link(listURL)}}})
}
