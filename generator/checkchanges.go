package generator

import (
	"errors"
	"fmt"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/review"
	"github.com/pspm-dev/pspm/generator/site"
)

// CheckChanges checks a merge request: every check of Check on the site as it will
// land (the work tree of its head), then the change rules of package review on its net
// change, under the rules of base (its pspm.yaml, bodies and phases), never the
// head's. o.Actor, when set, is the forge account that opened the request. now is when
// it would land, for the phase rules.
func CheckChanges(o Options, base, head string, now time.Time) (*Result, error) {
	if head == "" {
		head = "HEAD"
	}
	// The versions of votes the base withdrew, which the request must not bring back.
	// Read first, through the cache, so that the head's history below is an update of
	// the base's.
	var spent *history.Spent
	if o.Dir != "" && o.Source != nil {
		var warns diag.List
		bh, err := cachedHistory(history.Options{Dir: o.Dir, Revision: base}, &warns)
		switch {
		case err == nil:
			spent = bh.Spent(site.CanonicalFile)
		case !errors.Is(err, history.ErrNotRepository):
			return nil, err
		}
	}
	o.branch = head // the votes as they will be once the request lands
	res, err := Check(o)
	if err != nil || res.Site == nil {
		return res, err
	}
	if o.Dir == "" {
		return res, errors.New("--base needs the site folder inside a Git work tree")
	}
	start := time.Now()
	violations, err := review.Review(review.Options{Dir: o.Dir, Base: base, Head: head, Site: res.Site, Actor: o.Actor, Now: now, Spent: spent})
	if err != nil {
		return res, err
	}
	res.Timings = append(res.Timings, Timing{Stage: "review", Duration: time.Since(start)})
	res.Diagnostics = append(res.Diagnostics, violations...)
	res.Diagnostics.Sort()
	if violations.HasErrors() {
		return res, fmt.Errorf("%w: %s", ErrContent, violations.Errors())
	}
	return res, nil
}
