// Package history reads a portal's Git repository and says where every file of the
// current content comes from: the commit that last changed it, who authored and committed
// that commit, and when that version landed on the main branch: what the trust model
// judges a vote by. With it come what checks of votes and pages need: every version of a
// page that landed (History.Changes), the versions of votes spent by a withdrawal
// (History.Retired), and the signature and signed bytes of every commit behind a file
// (History.Signatures).
// Snapshot gives the site as it is in any revision, Range the commits of a merge
// request, and NetChange what a merge request changes and which of its commits made each
// change, for `pspm check --base`. MergeRequest reads which merge request a landing
// commit's message names.
//
// A source, another body's repository, is fetched (fetch.go: the network and the cache
// folder) into a clone that is never checked out, within SourceLimits checked on the
// pack as it arrives and on the fetched tree; it is read (source.go, ReadSource) from its
// objects, its symbolic links and submodules left out, never followed.
//
// It is the only package that reads Git, through go-git, and it hands out plain pspm
// types. The history is read in one walk of the first-parent chain of the branch, oldest to
// newest, diffing each commit's tree with its first parent's only where subtree hashes
// differ; a merge's changes are traced into the merged branch to the commit that really
// made them. A long chain is cut into segments walked at once, each by its own reader of
// the repository; the result does not depend on how many. Trees and commits are read
// straight from the pack files, mapped into memory (packs.go), and a big folder's
// versions are parsed and compared only where they differ (tree.go). The pack reader and
// go-git's storage are two implementations of one object store (objstore.go): the
// reader allocates what a stream inflates to, never what a header claims, turns a fault
// on a pack changed under its mapping into an error, and unmaps when the repository or
// snapshot is closed. Nothing here writes
// to disk: Encode and Decode turn a History into bytes and back so the caller can keep
// it between builds, and Update walks only the commits that landed since. Advance does
// the same to a decoded History itself, and EncodeNext then returns only a segment to
// append to the cache (segment.go): a warm build writes what it adds, not the whole.
// EncodeRepository goes the other way for generated corpora: it turns commits given as
// whole trees into a Git folder's files, handed to a callback that writes them.
//
// Provenance describes the files committed at the tip of the branch, not the work tree:
// Provenance.Matches tells whether a file on disk is the version described.
package history

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrNotRepository is returned by Load and Update when the site folder is not inside a Git
// work tree. The build goes on without provenance and shows votes as unverified.
var ErrNotRepository = errors.New("history: not inside a Git repository")

// Options says which repository and branch to read, and which part of it.
type Options struct {
	// Dir is a folder inside the work tree, normally the site folder. The repository is
	// the nearest folder at or above it that holds .git (a folder, or a file pointing to
	// one as in linked work trees and submodules).
	Dir string
	// Branch is the branch whose first-parent history decides when a file landed; "main"
	// when empty. A bare name is a local branch (refs/heads/<Branch>); a full reference
	// name such as "refs/remotes/origin/main" (a CI checkout may have no local branch),
	// or "HEAD", is used as it is. A missing branch is an error that names the branches
	// that exist, never a silent fall-back to HEAD.
	Branch string
	// Revision, when set, is read instead of Branch's tip: any revision Snapshot takes
	// ("origin/main", a hash), as `pspm check --base` names the target branch. The
	// History's Branch is then the revision as given.
	Revision string
	// Prefix is the folder of the repository, as a slash path ending in "/", whose files
	// count, e.g. "content/" or "site/content/". It must lie inside the site folder.
	// When empty it is the site folder relative to the repository root plus "content/".
	Prefix string
	// MaxObjectSize bounds, in bytes, every Git object read whole (a tree, a commit, a
	// tag, a file read by Snapshot or ReadBlobs): a bigger one is an error that names
	// it. 0 keeps the built-in bounds (trees 1 GiB, commits and tags 64 MiB, files
	// 2 GiB); a smaller bound lowers them all.
	MaxObjectSize int64
}

// Person is the author or committer of a commit, as recorded in it. Names, emails and
// dates are free text chosen by whoever made the commit.
type Person struct {
	Name  string    `json:"name"`
	Email string    `json:"email"`
	When  time.Time `json:"when"`
}

// Provenance is where one file of the tip of the branch comes from.
type Provenance struct {
	// Path is the file's slash path relative to the site folder, e.g.
	// "content/proposals/x/reactions/m_ef.yaml".
	Path string `json:"path"`
	// Blob is the Git hash of the file's content at the tip; see Matches.
	Blob string `json:"blob"`
	// Commit is the hash of the commit that made this version of the file: for a file
	// brought by a merge, the commit on the merged side that last changed it, not the
	// merge; for a direct, squash or rebase commit on the branch, that commit.
	Commit string `json:"commit"`
	// Author and Committer are those of Commit.
	Author    Person `json:"author"`
	Committer Person `json:"committer"`
	// Message is the first line of Commit's message.
	Message string `json:"message"`
	// Signed says that Commit carries a signature (OpenPGP, SSH or X.509). It says
	// nothing about whether the signature is valid or whose it is.
	Signed bool `json:"signed"`
	// Landed is the committer time of LandedCommit, the first commit of the branch's
	// first-parent chain that contains this version: the merge for a file changed in a
	// merged branch, the commit itself for a direct one. Maintainers control it, not the
	// contributor, which is why votes are timed by it.
	Landed       time.Time `json:"landed"`
	LandedCommit string    `json:"landed_commit"`
}

// Change is one version of a file that landed on the branch: what Provenance says of
// the tip's version, for every version in turn.
type Change struct {
	// Blob is the Git hash of this version; empty when Deleted.
	Blob string `json:"blob,omitempty"`
	// Commit made this version (or the deletion): for a change brought by a merge, the
	// commit on the merged side that made it; Author, Committer, Message (first line)
	// and Signed are those of Commit.
	Commit    string `json:"commit"`
	Author    Person `json:"author"`
	Committer Person `json:"committer"`
	Message   string `json:"message"`
	Signed    bool   `json:"signed"`
	// Landed and LandedCommit are the first-parent commit that brought this version to
	// the branch, and its committer time, as in Provenance.
	Landed       time.Time `json:"landed"`
	LandedCommit string    `json:"landed_commit"`
	// Deleted says the file was removed by this landing.
	Deleted bool `json:"deleted,omitempty"`
}

// Retirement is a version of a contribution that the branch held at a path and then
// withdrew or replaced.
type Retirement struct {
	// Blob is the version's Git hash; Commit the commit that made it (as
	// Provenance.Commit), "" when a shallow clone hid it.
	Blob   string `json:"blob"`
	Commit string `json:"commit,omitempty"`
	// By is the first-parent commit that deleted or replaced it, and When its committer
	// time.
	By   string    `json:"by"`
	When time.Time `json:"when"`
}

// Signature is a commit's signature and the bytes it signs, for a verifier that does
// not read Git: OpenPGP (and X.509) signatures verify over Payload as they are; SSH
// signatures over Payload in the "git" namespace.
type Signature struct {
	// Text is the commit's gpgsig header: an armored OpenPGP, SSH or X.509 signature.
	Text string `json:"text"`
	// Payload is the commit object without its signature header, exactly as it was
	// signed (go-git's Commit.EncodeWithoutSignature).
	Payload string `json:"payload"`
}

// Commit is one commit as recorded in it: in History.Commits, one of the branch's
// first-parent chain; from Snapshot and Range, the commit a revision names or one of a
// range.
type Commit struct {
	Hash      string   `json:"hash"`
	Parents   []string `json:"parents,omitempty"`
	Author    Person   `json:"author"`
	Committer Person   `json:"committer"`
	// Message is the whole commit message.
	Message string `json:"message"`
	// Signed says that the commit carries a signature, verified or not.
	Signed bool `json:"signed"`
}

// History is the provenance of every file under the prefix at the tip of the branch, and
// the branch's first-parent commits. It is plain data: nothing in it refers to the
// repository, so it can be cached with Encode and shared read-only.
type History struct {
	// Head is the hash of the tip of the branch.
	Head string `json:"head"`
	// Branch is the full name of the reference that was read, e.g. "refs/heads/main".
	Branch string `json:"branch"`
	// Time is the committer time of Head: the moment the site is "as of".
	Time time.Time `json:"time"`
	// Site is the site folder relative to the repository root: "" or a slash path
	// ending in "/". Prefix is the repository folder whose files are in Files.
	Site   string `json:"site"`
	Prefix string `json:"prefix"`
	// Files is the provenance of every file under Prefix at Head, keyed by Provenance.Path.
	// A deleted file is absent: a deleted reaction is a withdrawn vote. In a shallow
	// clone, files whose history is cut off are absent too (see Shallow).
	Files map[string]*Provenance `json:"files"`
	// Commits is the branch's first-parent chain, newest first.
	Commits []Commit `json:"commits"`
	// Changes is, for every Markdown page under Prefix that is not a contribution
	// (a ".md" file with no "reactions" or "feedback" folder in its path), every
	// version of it that landed on the branch, oldest first, keyed by the same paths as
	// Files: one entry per first-parent commit that changed it, credited as Files is.
	// A page that was deleted or renamed keeps its list, ending with a Deleted entry,
	// so a proposal page can show every amendment of its text. Update appends to it.
	Changes map[string][]*Change `json:"changes,omitempty"`
	// Retired is, for every contribution path under Prefix (a file in a "reactions" or
	// "feedback" folder, and every path ending in ".sig", a detached signature), the
	// versions that path held on the first-parent chain and that were later deleted or
	// replaced there, oldest first, each (blob, commit) once. Such a version is spent: a
	// withdrawn vote must not come back by re-adding the old file with its old
	// signature, nor by merging the old commit that made it (see Spent).
	Retired map[string][]Retirement `json:"retired,omitempty"`
	// Signatures holds, by commit hash, the signature and signed payload of every
	// signed commit that is the Commit or the LandedCommit of an entry of Files, or one
	// of the LandingWindow first-parent commits after such a LandedCommit, the Commit of
	// an entry of Changes, or the Head, so that they can be verified without reading Git
	// again: who made a version, who landed it, and who committed on the branch soon
	// after. Entries no longer referenced are dropped.
	Signatures map[string]*Signature `json:"signatures,omitempty"`
	// Shallow says the repository is a shallow clone whose cut-off hid the history of
	// some files; they are left out of Files rather than credited to the wrong commit.
	// Fetch the whole history (for example actions/checkout with fetch-depth: 0).
	Shallow bool `json:"shallow,omitempty"`

	// Rewritten says that Update found the cached head no longer on the branch's
	// first-parent chain (the history was rewritten, e.g. by a force push) and read the
	// whole history again.
	Rewritten bool `json:"-"`
	// Walked is the number of first-parent commits diffed by the call that returned this
	// History: all of them for Load, only the new ones for an Update.
	Walked int `json:"-"`

	stats walkStats  // counters for tests and benchmarks
	cache cacheState // how the History stands with the cache it was decoded from
}

// walkStats counts the work of one Load or Update.
type walkStats struct {
	sideCommits int // commits of merged branches examined to trace a merge's changes
	trees       int // trees read from the repository
}

// BranchError is returned when the branch named in Options does not exist.
type BranchError struct {
	Branch string   // the branch asked for
	Have   []string // the branches that exist, sorted; remote-tracking ones by full name
}

// Error says which branch is missing, which ones exist, and where to name another.
func (e *BranchError) Error() string {
	if len(e.Have) == 0 {
		return fmt.Sprintf("history: branch %q not found: the repository has no branches (no commits yet?)", e.Branch)
	}
	return fmt.Sprintf("history: branch %q not found (branches: %s); set forge.branch in pspm.yaml",
		e.Branch, strings.Join(e.Have, ", "))
}

// firstLine returns the first line of a commit message.
func firstLine(msg string) string {
	line, _, _ := strings.Cut(msg, "\n")
	return strings.TrimRight(line, "\r")
}
