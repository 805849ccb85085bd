package generator

import (
	"maps"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/meta"
	"github.com/pspm-dev/pspm/generator/site"
)

// progressSeries gives every action its progress over time: each version of its file
// that landed on the main branch is read back from Git, and every one that changed the
// progress, the status or an indicator's latest value is a point. Versions that cannot
// be read are skipped: they were published as they were, and the chart shows the
// others.
func progressSeries(dir string, cfg *config.Config, h *history.History, s *site.Site, errs *diag.List) {
	var hashes []string
	for _, a := range s.Actions {
		for _, c := range h.Changes[a.File] {
			if !c.Deleted && c.Blob != "" {
				hashes = append(hashes, c.Blob)
			}
		}
	}
	if len(hashes) == 0 {
		return
	}
	blobs, err := history.ReadBlobs(history.Options{Dir: dir}, hashes, int64(cfg.Limits.FileSize))
	if err != nil {
		errs.Warn(diag.Pos{File: config.File}, "some past versions of actions cannot be read, and are left out of their progress over time: %v", err)
	}
	for _, a := range s.Actions {
		var prev *site.ProgressPoint
		for _, c := range h.Changes[a.File] {
			if c.Deleted {
				continue
			}
			data, ok := blobs[c.Blob]
			if !ok {
				continue
			}
			p, ok := pointOf(a.File, data)
			if !ok {
				continue
			}
			if prev != nil && prev.Progress == p.Progress && prev.Status == p.Status && maps.Equal(prev.Values, p.Values) {
				continue
			}
			p.Landed, p.Commit, p.LandedCommit, p.Author = c.Landed.UTC(), c.Commit, c.LandedCommit, c.Author.Name
			a.Series = append(a.Series, p)
			prev = &a.Series[len(a.Series)-1]
		}
	}
}

// pointOf reads the state of an action from one version of its file, with the defaults
// the model applies (an action with no status is planned; a done one with no progress is
// at 100%).
func pointOf(file string, data []byte) (site.ProgressPoint, bool) {
	var errs diag.List
	doc := meta.Split(file, data, &errs)
	if doc.Meta == nil || errs.HasErrors() {
		return site.ProgressPoint{}, false
	}
	var a site.Action
	meta.Decode(file, doc.Meta, &a, &errs)
	if errs.HasErrors() {
		return site.ProgressPoint{}, false
	}
	if a.Status == "" {
		a.Status = site.StatusPlanned
	}
	if _, set := a.At["progress"]; !set && a.Status == site.StatusDone {
		a.Progress = 100
	}
	p := site.ProgressPoint{Progress: a.Progress, Status: a.Status}
	for _, in := range a.Indicators {
		if len(in.Values) == 0 {
			continue
		}
		latest := in.Values[0]
		for _, v := range in.Values[1:] {
			if !v.Date.Before(latest.Date) {
				latest = v
			}
		}
		if p.Values == nil {
			p.Values = map[string]float64{}
		}
		p.Values[in.Name] = latest.Value
	}
	return p, true
}
