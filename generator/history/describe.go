package history

import (
	"strings"
	"time"
)

// Described is what a build record says of the revision a portal was built from.
type Described struct {
	Commit string // the commit's hash
	Tree   string // the hash of the commit's whole tree
	// Site is the site folder's path inside the repository ("" at its root) and SiteTree
	// the hash of that folder's tree in the commit.
	Site     string
	SiteTree string
	// Time is the commit's committer time: the moment the portal is "as of".
	Time time.Time
}

// Describe returns the commit that rev names (a branch, a tag, a hash, "HEAD") in the
// repository around o.Dir, its tree and the tree of the site folder.
func Describe(o Options, rev string) (*Described, error) {
	r, err := openLimited(o)
	if err != nil {
		return nil, err
	}
	defer r.close()
	w := newWalker(&plan{r: r}, r.st)
	c, err := w.revision(rev)
	if err != nil {
		return nil, err
	}
	d := &Described{Commit: c.hash.String(), Tree: c.tree.String(), Site: strings.TrimSuffix(r.site, "/"), SiteTree: c.tree.String(), Time: c.committer.When}
	if r.site != "" {
		sub, err := w.subtree(c.tree, strings.Split(d.Site, "/"))
		if err != nil {
			return nil, err
		}
		d.SiteTree = sub.String()
	}
	return d, nil
}
