package render

import "github.com/pspm-dev/pspm/generator/site"

// groupsBodies says whether the pages of each body's proposals and practices are
// rendered just before the body's own pages and feed (bodyGroups), and the body's feed
// counted for the texts it shows: on a large site (lazyTexts), whose feeds of the site
// are otherwise not counted. A body's feed shows the texts of its latest proposals and
// practices; rendered long after their pages, it made each of them again (a site of
// 100,000 proposals and 2,000 bodies made almost every text twice per language). Next
// to their pages, it takes them from the text memo, which holds them only for the body's
// group of pages.
func (r *renderer) groupsBodies() bool {
	return r.texts != nil && r.lazyTexts() && !r.Sample && !ungroupedBodies
}

// ungroupedBodies, when set (by tests), lists the pages of a large site as a smaller
// site's: every body's items where the site lists them.
var ungroupedBodies bool

// bodyGroups lists the pages of the proposals and practices of the site body by body:
// each body's (those it proposed or shared: Proposal.BodyItem) in the order of its own
// lists, each once, then those of no body of the site in the site's order.
type bodyGroups struct {
	props map[*site.Proposal]bool // the site's, not yet listed
	pracs map[*site.Practice]bool
}

func newBodyGroups(s *site.Site) *bodyGroups {
	g := &bodyGroups{props: make(map[*site.Proposal]bool, len(s.Proposals)), pracs: make(map[*site.Practice]bool, len(s.Practices))}
	for _, p := range s.Proposals {
		g.props[p] = true
	}
	for _, p := range s.Practices {
		g.pracs[p] = true
	}
	return g
}

// each lists the proposals and practices of b that are still to list.
func (g *bodyGroups) each(b *site.Body, prop func(*site.Proposal), prac func(*site.Practice)) {
	for _, p := range b.Proposals {
		if p.BodyItem == b && g.props[p] {
			delete(g.props, p)
			prop(p)
		}
	}
	for _, p := range b.Practices {
		if p.BodyItem == b && g.pracs[p] {
			delete(g.pracs, p)
			prac(p)
		}
	}
}

// rest lists the proposals and practices of the site that no body listed, in the site's
// order.
func (g *bodyGroups) rest(s *site.Site, prop func(*site.Proposal), prac func(*site.Practice)) {
	for _, p := range s.Proposals {
		if g.props[p] {
			delete(g.props, p)
			prop(p)
		}
	}
	for _, p := range s.Practices {
		if g.pracs[p] {
			delete(g.pracs, p)
			prac(p)
		}
	}
}
