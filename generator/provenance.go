package generator

import (
	"errors"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/site"
)

// provenance reads, in one walk of the main branch, where every contribution comes from in
// the Git repository that holds the site folder dir, and attaches it to the model: the
// commit that cast each vote and when it landed. A file that differs from its committed
// version gets no origin. Without a repository, or with a history that cannot be read,
// nothing is attached and votes stay unverified; the site still builds. The site is then
// "as of" the tip's commit time, not the newest date written in its content.
func provenance(dir string, cfg *config.Config, s *site.Site, errs *diag.List) {
	if dir == "" {
		return
	}
	h, err := history.Load(history.Options{Dir: dir, Branch: cfg.Forge.Branch})
	if errors.Is(err, history.ErrNotRepository) {
		return
	}
	if err != nil {
		errs.Warn(diag.Pos{File: config.File}, "votes are shown as unverified: cannot read the Git history (%v); set forge.branch to the main branch", err)
		return
	}
	if h.Shallow {
		errs.Warn(diag.Pos{File: config.File}, "the repository is a shallow clone: votes whose history is cut off are shown as unverified; fetch the whole history (e.g. actions/checkout with fetch-depth: 0)")
	}
	for _, r := range s.Reactions {
		if p := h.Files[r.File]; p != nil && p.Blob == r.Blob {
			r.Origin = &site.Origin{
				Commit: p.Commit, AuthorName: p.Author.Name, AuthorEmail: p.Author.Email, Authored: p.Author.When.UTC(),
				Landed: p.Landed.UTC(), LandedCommit: p.LandedCommit, Message: p.Message, Signed: p.Signed,
			}
		}
	}
	if !h.Time.IsZero() {
		s.Built = h.Time.UTC()
	}
}
