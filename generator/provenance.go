package generator

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/site"
)

// provenance reads, in one walk of the main branch, where every contribution comes from in
// the Git repository that holds the site folder dir, and attaches it to the model: the
// commit that cast each vote and when it landed. A file that differs from its committed
// version gets no origin. Without a repository, or with a history that cannot be read,
// nothing is attached and votes stay unverified; the site still builds. The site is then
// "as of" the tip's commit time, not the newest date written in its content. It reports
// whether the history was read.
//
// read is the history as historyAside read it.
func provenance(src fs.FS, dir string, read func() (*history.History, error), cfg *config.Config, s *site.Site, errs *diag.List) bool {
	if dir == "" {
		return false
	}
	h, err := read()
	if errors.Is(err, history.ErrNotRepository) {
		return false
	}
	if err != nil {
		errs.Warn(diag.Pos{File: config.File}, "votes are shown as unverified: cannot read the Git history (%v); set forge.branch to the main branch", err)
		return false
	}
	if h.Shallow {
		errs.Warn(diag.Pos{File: config.File}, "the repository is a shallow clone: votes whose history is cut off are shown as unverified; fetch the whole history (e.g. actions/checkout with fetch-depth: 0)")
	}
	o := newOrigins(h)
	for _, r := range s.Reactions {
		r.Origin = o.of(r.File, r.Blob)
		if r.Extra != nil {
			r.Extra.Sig = spent(o.sp, r.Extra.Sig)
		}
	}
	for _, f := range s.Feedback {
		f.Origin = o.of(f.File, f.Blob)
		f.Sig = spent(o.sp, f.Sig)
	}
	for _, su := range s.Supports {
		su.Origin = o.of(su.File, su.Blob)
		su.Sig = spent(o.sp, su.Sig)
	}
	for _, a := range s.Amendments {
		a.Origin = o.of(a.File, a.Blob)
		a.Sig = spent(o.sp, a.Sig)
		if ans := a.AnswerFile; ans != nil {
			ans.Origin = o.of(ans.File, ans.Blob)
			ans.Sig = spent(o.sp, ans.Sig)
		}
	}
	for _, m := range s.Moderations {
		m.Origin = o.of(m.File, m.Blob)
	}
	s.Landings = landings(h)
	for _, it := range s.Items {
		it.History = amendments(h, it)
	}
	progressSeries(dir, cfg, h, s, errs)
	if !h.Time.IsZero() {
		s.Built = h.Time.UTC()
	}
	return true
}

// historyAside reads the Git history of the site folder dir (cachedHistory) on the main
// branch (cfg.Forge.Branch unless branch says another). Without a history cache, the
// whole history is walked (half a second at 10,000 proposals and 50 commits, minutes for
// a million commits), on the side, while the content is loaded, which it does not depend
// on; with one, the cache is advanced by the commits since, when read is called: that
// takes a few tens of milliseconds, which on the side only slowed the load that both
// cores are busy with. read returns the history and adds what its reading warned of to
// errs; wait waits for a reading on the side, and must be called before the build
// returns (the history cache may still be being written).
func historyAside(dir, branch string, cfg *config.Config, errs *diag.List) (read func() (*history.History, error), wait func()) {
	if dir == "" {
		return func() (*history.History, error) { return nil, history.ErrNotRepository }, func() {}
	}
	if branch == "" {
		branch = cfg.Forge.Branch
	}
	var (
		h     *history.History
		err   error
		warns diag.List
	)
	walk := func() {
		beforeHistoryRead()
		h, err = cachedHistory(history.Options{Dir: dir, Branch: branch}, &warns)
	}
	now, wait := walk, func() {}
	if _, statErr := os.Stat(filepath.Join(dir, filepath.FromSlash(HistoryCache))); statErr != nil {
		done := make(chan struct{})
		go func() {
			defer close(done)
			walk()
		}()
		wait = func() { <-done }
		now = wait
	}
	return sync.OnceValues(func() (*history.History, error) {
		now()
		errs.Append(warns)
		return h, err
	}), wait
}

// beforeHistoryRead runs before the history is read beside the load (tests slow it down).
var beforeHistoryRead = func() {}

// amendments lists the changes to an item's file and its translations, oldest first.
func amendments(h *history.History, it *site.Item) []*site.Change {
	files := []string{it.File}
	for _, tr := range it.Translations {
		files = append(files, tr.File)
	}
	var out []*site.Change
	for _, f := range files {
		for _, c := range h.Changes[f] {
			out = append(out, &site.Change{File: f, Commit: c.Commit, AuthorName: c.Author.Name, AuthorEmail: c.Author.Email,
				Authored: c.Author.When.UTC(), Message: c.Message, Landed: c.Landed.UTC(), LandedCommit: c.LandedCommit, Deleted: c.Deleted})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Landed.Equal(out[j].Landed) {
			return out[i].Landed.Before(out[j].Landed)
		}
		return out[i].File < out[j].File
	})
	return out
}

// HistoryCache is where the provenance read from Git is kept between builds, in the site
// folder, keyed by the commit it describes: the next build walks only the commits that
// landed since (history.History.Advance) and appends what they changed to the file. It
// is a cache: deleting it only costs a full walk.
const HistoryCache = ".pspm/cache/history.json"

// cachedHistory reads the history through the cache: the cached History is brought up
// to the branch's tip, and what changed appended to the cache when the tip moved (the
// whole cache written again when history says so, or when the file changed since it
// was read). A cache that cannot be read (absent, corrupt, torn, from another pspm) is
// ignored; one that cannot be written is reported as a warning.
func cachedHistory(o history.Options, errs *diag.List) (*history.History, error) {
	dir := o.Dir
	// Read from the site folder on disk, where it was written: for a portal source,
	// the content is the source's commit, and a cache committed there would be its
	// word on its own history.
	var prev *history.History
	data, err := readCache(dir, HistoryCache)
	if err == nil {
		prev, _ = history.Decode(data)
	}
	if prev != nil && committedCache(dir) {
		prev = nil
		errs.Warn(diag.Pos{File: HistoryCache}, "the history cache is committed in the repository, so it is not used: anyone could have written it; the whole history is read instead (remove it from Git: git rm -r --cached .pspm)")
	}
	var h *history.History
	var head, branch string
	if prev == nil {
		data = nil
		h, err = history.Load(o)
	} else {
		head, branch = prev.Head, prev.Branch // Advance changes prev itself
		h, err = prev.Advance(o)
	}
	if err != nil {
		return nil, err
	}
	// A History other than prev is a whole walk: the history was rewritten, or the
	// cache was for another prefix.
	if prev == nil || h != prev || head != h.Head || branch != h.Branch {
		next, whole, err := h.EncodeNext()
		if err == nil && (whole || data == nil) {
			err = output.WriteCache(dir, HistoryCache, next)
		} else if err == nil {
			err = output.AppendCache(dir, HistoryCache, data, next, h.Encode)
		}
		if err == nil {
			err = ignoreCache(dir)
		}
		if err != nil {
			errs.Warn(diag.Pos{File: HistoryCache}, "cannot keep the history cache (%v): the next build reads the whole history again", err)
		}
	}
	return h, nil
}

// committedCache tells whether the cache folder is part of the commit checked out in
// dir. The cache says which versions of votes were withdrawn and when each landed; one
// that a merge request committed would be its author's word on the history, so only a
// cache that pspm wrote beside the checkout is trusted.
func committedCache(dir string) bool {
	snap, _, err := history.Snapshot(history.Options{Dir: dir}, "HEAD")
	if err != nil {
		return false
	}
	if c, ok := snap.(io.Closer); ok {
		defer c.Close()
	}
	_, err = fs.Stat(snap, path.Dir(HistoryCache))
	return err == nil
}

// readCache reads the cache file name (a slash path) in the folder dir, never through
// a symbolic link leaving it.
func readCache(dir, name string) ([]byte, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	return root.ReadFile(filepath.FromSlash(name))
}

// origins makes the origins of a site's files from its history. The files a commit
// changed that landed together have equal origins, and share one: a merge request that
// lands a thousand votes, or a repository whose million votes came in one commit, would
// hold as many equal origins (a quarter of a gigabyte for a million). So an origin is
// never changed through a file once made.
type origins struct {
	h      *history.History
	sp     *history.Spent
	mrs    map[string]string // the merge request each landing commit names
	shared map[originKey]*site.Origin
}

// originKey is what makes two files' origins equal: the commit (its author, committer,
// message and signature), and where and when it landed. A replayed file's origin, which
// names the withdrawal of its own path, is its own.
type originKey struct {
	commit, landedCommit string
	landed               time.Time // in UTC: a date a committer wrote may be any, and no count of nanoseconds holds them all
}

func newOrigins(h *history.History) *origins {
	return &origins{h: h, sp: h.Spent(site.CanonicalFile), mrs: h.MergeRequests(), shared: map[originKey]*site.Origin{}}
}

// of is the origin of the file at its blob: the commit that made this version, or nil
// when the history has another version of it (or none).
func (o *origins) of(file, blob string) *site.Origin {
	p := o.h.Files[file]
	if p == nil || p.Blob != blob {
		return nil
	}
	replayed := withdrawal(o.sp.Commit(file, p.Commit))
	key := originKey{p.Commit, p.LandedCommit, p.Landed.UTC()}
	if replayed == nil {
		if x := o.shared[key]; x != nil {
			return x
		}
	}
	x := &site.Origin{
		Commit: p.Commit, AuthorName: p.Author.Name, AuthorEmail: p.Author.Email, Authored: p.Author.When.UTC(),
		Committed: p.Committer.When.UTC(), Landed: p.Landed.UTC(), LandedCommit: p.LandedCommit, Message: p.Message, Signed: p.Signed,
		MergeRequest: o.mrs[p.LandedCommit], Replayed: replayed,
	}
	if sg := o.h.Signatures[p.Commit]; sg != nil {
		x.Signature, x.Payload = sg.Text, sg.Payload
	}
	if replayed == nil {
		o.shared[key] = x
	}
	return x
}

// spent marks a detached signature that the branch held at this path before and
// withdrew: its reappearance replays a vote taken back.
func spent(sp *history.Spent, sg *site.Sig) *site.Sig {
	if sg == nil {
		return nil
	}
	if w := withdrawal(sp.Blob(sg.File, sg.Blob)); w != nil {
		sg.Spent, sg.Withdrawn = true, w
	}
	return sg
}

func withdrawal(r *history.Retirement) *site.Withdrawal {
	if r == nil {
		return nil
	}
	return &site.Withdrawal{Commit: r.By, When: r.When.UTC()}
}

// landings is the first-parent chain, oldest first, with the signatures the history
// kept (those of the commits that landed a file of the tip, and of the tip).
func landings(h *history.History) []*site.Landing {
	out := make([]*site.Landing, len(h.Commits))
	for i, c := range h.Commits {
		l := &site.Landing{Commit: c.Hash, Committed: c.Committer.When.UTC(), CommitterName: c.Committer.Name,
			CommitterEmail: c.Committer.Email, Merge: len(c.Parents) > 1}
		if sg := h.Signatures[c.Hash]; sg != nil && c.Signed {
			l.Signature, l.Payload = sg.Text, sg.Payload
		}
		out[len(out)-1-i] = l
	}
	return out
}

// ignoreCache makes the cache folder ignore itself, so that `git add -A` never commits it.
func ignoreCache(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, ".pspm", ".gitignore")); err == nil {
		return nil
	}
	return output.WriteCache(dir, ".pspm/.gitignore", []byte("*\n"))
}
