package render

import (
	"net/url"
	"path"
	"strings"

	"github.com/pspm-dev/pspm/generator/archetype"
	"github.com/pspm-dev/pspm/generator/site"
)

// ForgeView holds the links that open the forge's web editor with a contribution ready to
// be completed: the file already named and filled from the theme's archetypes. It is nil
// when pspm.yaml names no forge.
type ForgeView struct {
	Kind    string // github, gitlab, gitea
	Vote    string // create <item>/reactions/<body>.yaml
	Comment string // create <item>/feedback/<body>-<slug>.md
	Edit    string // edit the item's file: its owners' change (on plan items), or a proposal's own
	// Amend creates <item>/amendments/<body>-<slug>.md with the item's current title and
	// text: the change a body that does not own a plan item proposes; "" elsewhere.
	Amend    string
	Propose  string // create a new proposal (on the proposals list)
	Practice string // create a new practice (on the practices list)
	Body     string // the placeholder for the body's IPA code in the file names
}

// placeholder stands for the contributor's IPA code in prefilled file names.
const placeholder = "codice_ente"

// editorURL is the web editor's URL to create the file name in folder dir with content,
// in the forge's own URL format.
func editorURL(kind, repo, branch, dir, name, content string) string {
	q := url.Values{}
	base := strings.TrimSuffix(repo, "/")
	dir = strings.Trim(dir, "/")
	switch kind {
	case "github":
		q.Set("filename", name)
		q.Set("value", content)
		return base + "/new/" + pathEscape(branch) + "/" + pathEscape(dir) + "?" + q.Encode()
	case "gitlab":
		q.Set("file_name", name)
		q.Set("content", content)
		return base + "/-/new/" + pathEscape(branch) + "/" + pathEscape(dir) + "?" + q.Encode()
	case "gitea":
		q.Set("filename", name)
		q.Set("value", content)
		return base + "/_new/" + pathEscape(branch) + "/" + pathEscape(dir) + "/?" + q.Encode()
	}
	return ""
}

// editURL is the web editor's URL to change the file at p.
func editURL(kind, repo, branch, p string) string {
	base := strings.TrimSuffix(repo, "/")
	switch kind {
	case "github":
		return base + "/edit/" + pathEscape(branch) + "/" + pathEscape(p)
	case "gitlab":
		return base + "/-/edit/" + pathEscape(branch) + "/" + pathEscape(p)
	case "gitea":
		return base + "/_edit/" + pathEscape(branch) + "/" + pathEscape(p)
	}
	return ""
}

func pathEscape(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// prefills are the archetype contents the forge buttons prefill, made once per render.
type prefills struct {
	vote     string // a support vote with a priority, for proposals and practices
	priority string // a priority, for plan items
	comment  string
	// support and oppose are votes without a priority, for amendments.
	support, oppose string
}

func (r *renderer) makePrefills() prefills {
	fill := func(req archetype.Request) string {
		data, err := archetype.Prefill(r.Theme, req)
		if err != nil {
			return ""
		}
		return string(data)
	}
	return prefills{
		vote:     fill(archetype.Request{Kind: "vote", Vote: site.VoteSupport, Priority: 3}),
		priority: fill(archetype.Request{Kind: "vote", Priority: 3}),
		comment:  fill(archetype.Request{Kind: "feedback", Feedback: "comment", Title: r.tr.T("forge.comment_title")}),
		support:  fill(archetype.Request{Kind: "vote", Vote: site.VoteSupport}),
		oppose:   fill(archetype.Request{Kind: "vote", Vote: site.VoteOppose}),
	}
}

// forge returns the forge links for an item, or nil when no forge is configured.
func (r *renderer) forge(it *site.Item) *ForgeView {
	f := r.Config.Forge
	if f.Kind == "" || f.URL == "" || it.From != nil && it.From.Kind == "portal" {
		return nil // another body's portal takes part in its own repository
	}
	v := &ForgeView{Kind: f.Kind, Body: placeholder}
	vote := r.prefill.priority
	if it.Section == site.Proposals || it.Section == site.Practices {
		vote = r.prefill.vote
	}
	v.Vote = editorURL(f.Kind, f.URL, f.Branch, it.Dir+"/reactions", placeholder+".yaml", vote)
	v.Comment = editorURL(f.Kind, f.URL, f.Branch, it.Dir+"/feedback", placeholder+"-commento.md", r.prefill.comment)
	if it.File != "" { // not for what a source brought: its file is in another repository
		v.Edit = editURL(f.Kind, f.URL, f.Branch, it.File)
	}
	if p := r.Site.PlanItemOf(it.ID); p != nil && p.Base() == it {
		v.Amend = r.amendURL(p)
	}
	return v
}

// forgeNew returns the forge links to create a new proposal or practice.
func (r *renderer) forgeNew() *ForgeView {
	f := r.Config.Forge
	if f.Kind == "" || f.URL == "" {
		return nil
	}
	v := &ForgeView{Kind: f.Kind, Body: placeholder}
	for _, k := range []struct {
		kind, sec string
		dst       *string
	}{{"proposal", "proposals", &v.Propose}, {"practice", "practices", &v.Practice}} {
		req := archetype.Request{Kind: k.kind, Body: placeholder, Title: r.tr.T("forge.new_" + k.kind), Practice: "experience"}
		if data, err := archetype.Prefill(r.Theme, req); err == nil {
			*k.dst = editorURL(f.Kind, f.URL, f.Branch, path.Join("content", k.sec), map[string]string{"proposal": "nuova-proposta", "practice": "nuova-pratica"}[k.kind]+"/index.md", string(data))
		}
	}
	return v
}

// commitURL is the page of a commit on the forge, or "" without a forge.
func (r *renderer) commitURL(hash string) string {
	f := r.Config.Forge
	if f.URL == "" || hash == "" {
		return ""
	}
	base := strings.TrimSuffix(f.URL, "/")
	switch f.Kind {
	case "github", "gitea":
		return base + "/commit/" + url.PathEscape(hash)
	case "gitlab":
		return base + "/-/commit/" + url.PathEscape(hash)
	}
	return ""
}
