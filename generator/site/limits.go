package site

import "github.com/pspm-dev/pspm/generator/diag"

// LimitTagPages bounds the site's distinct tags to max: each tag is a page in every
// language, listed on the page of all tags. The first tag of the portal's own content
// (proposals, then practices, in the site's order) over the limit is an error, reported
// once; a tag over the limit on an item a source brought in is dropped from that item
// with a warning, so that another body's repository cannot stop this portal's build. It
// runs after Resolve, which drops empty and repeated tags.
func (s *Site) LimitTagPages(max int) diag.List {
	var errs diag.List
	seen := map[string]bool{}
	over, dropped := 0, 0
	count := func(it *Item, tags []string) []string {
		kept := tags[:0:0]
		for i, t := range tags {
			sl := Slug(t)
			switch {
			case seen[sl] || len(seen) < max:
				seen[sl] = true
			case it.From != nil || it.Namespace != "":
				if dropped == 0 {
					errs.Warn(listAt(it, "tags", i), "tag %q left out: the site already has the %d distinct tags it may have (limits.tag_pages in pspm.yaml)", t, max)
				}
				dropped++
				continue
			default:
				if over == 0 {
					errs.Add(listAt(it, "tags", i), "tag %q is one more than the %d distinct tags the site may have (limits.tag_pages in pspm.yaml): each tag is a page in every language; use one of the tags already on /tags/, or raise the limit", t, max)
				}
				over++
				seen[sl] = true
			}
			kept = append(kept, t)
		}
		return kept
	}
	for _, p := range s.Proposals {
		p.Tags = count(&p.Item, p.Tags)
	}
	for _, p := range s.Practices {
		p.Tags = count(&p.Item, p.Tags)
	}
	return errs
}
