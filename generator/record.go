package generator

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"strconv"

	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/signature"
	"github.com/pspm-dev/pspm/generator/site"
)

// RecordFile is where every build publishes its build record, relative to the output
// folder.
const RecordFile = "api/v1/build.json"

// RecordSignatureFile is the detached signature of the build record, when the build was
// signed (pspm build --sign): SSH (namespace "pspm") or OpenPGP, armored.
const RecordSignatureFile = RecordFile + ".sig"

// RecordFormat is the version of the build record's format.
const RecordFormat = 1

// Record is the build record: what a portal was built from and every file it is made of,
// so that anyone can rebuild it from the repository and compare (pspm verify). It holds
// nothing of the clock or of the machine: the same commit, configuration and pspm give
// the same record, byte for byte.
type Record struct {
	Format    int             `json:"format"`
	Generator RecordGenerator `json:"generator"`
	// Commit is the commit whose files were built (HEAD of the site's repository), Tree
	// its tree, Site the site folder inside the repository and SiteTree that folder's
	// tree. Time is the commit's committer time. All empty for a site outside Git.
	Commit   string    `json:"commit,omitempty"`
	Tree     string    `json:"tree,omitempty"`
	Site     string    `json:"site,omitempty"`
	SiteTree string    `json:"site_tree,omitempty"`
	Time     time.Time `json:"time,omitzero"`
	// Repository is where the repository is published (forge.url), for pspm verify.
	Repository string `json:"repository,omitempty"`
	// History is the branch whose history judged the votes and its tip, when the site is
	// in Git (it differs from Commit when the work tree was another branch).
	History *RecordHistory `json:"history,omitempty"`
	// Config is the SHA-256 of pspm.yaml as read; BaseURL the base address built with,
	// and BaseURLOverride whether it replaced pspm.yaml's (pspm build --base-url).
	Config          string `json:"config"`
	BaseURL         string `json:"base_url"`
	BaseURLOverride bool   `json:"base_url_override,omitempty"`
	// Tags are the plan versions read: each tag and the commit it names.
	Tags []RecordTag `json:"tags"`
	// Sources are the other repositories read, at the commit read.
	Sources []RecordSource `json:"sources"`
	// Files lists every file of the output but this record, sorted by path.
	Files []RecordEntry `json:"files,omitempty"`
}

// RecordGenerator names the pspm that built the portal.
type RecordGenerator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Module and Sum are the Go module pspm was built from and its checksum (go.sum's
	// h1: form), when the binary knows them (a `go install …@version` does; a build from
	// a clone does not).
	Module string `json:"module,omitempty"`
	Sum    string `json:"sum,omitempty"`
}

// RecordHistory is the branch whose history a build read.
type RecordHistory struct {
	Branch string `json:"branch"`
	Head   string `json:"head"`
}

// RecordTag is a plan version's tag.
type RecordTag struct {
	Name   string `json:"name"`
	Commit string `json:"commit"`
}

// RecordSource is a source repository as read.
type RecordSource struct {
	Kind   string `json:"kind"`
	URL    string `json:"url"`
	Ref    string `json:"ref,omitempty"`
	Path   string `json:"path,omitempty"`
	Commit string `json:"commit"`
	Stale  bool   `json:"stale,omitempty"`
}

// RecordEntry is one file of the output.
type RecordEntry struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// thisGenerator is the pspm running now.
func thisGenerator() RecordGenerator {
	g := RecordGenerator{Name: "pspm", Version: Version}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Path != "" {
		g.Module = bi.Main.Path
		g.Sum = bi.Main.Sum
	}
	return g
}

// recorder passes every file to w and keeps its size and SHA-256 for the record, in a
// record log (past spillAbove files, in a temporary file until the record is made).
type recorder struct {
	w   output.Writer
	mu  sync.Mutex
	log recordLog[recorded]
}

// files is every file recorded, in the order they were.
func (r *recorder) files() ([]recorded, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	all := make([]recorded, 0, r.log.len())
	err := r.log.each(func(f *recorded) { all = append(all, *f) })
	return all, err
}

// close lets go of the files recorded.
func (r *recorder) close() {
	r.mu.Lock()
	r.log.close()
	r.mu.Unlock()
}

// recorded is a file the build wrote or kept: its path, size and SHA-256, as bytes (a
// site of 100,000 proposals has 570,000 files, whose hexadecimal sums were 570,000
// strings more for the collector to hold until the record is written).
type recorded struct {
	path string
	size int64
	sum  [sha256.Size]byte
}

// entry is the record's entry of f.
func (f *recorded) entry() RecordEntry {
	return RecordEntry{Path: f.path, Size: f.size, SHA256: hex.EncodeToString(f.sum[:])}
}

func (r *recorder) WriteFile(name string, data []byte) error {
	if err := r.w.WriteFile(name, data); err != nil {
		return err
	}
	r.add(name, int64(len(data)), sha256.Sum256(data))
	return nil
}

// WriteStream writes a file as it is made (output.Streamer), and records its size and
// SHA-256 as its bytes go by.
func (r *recorder) WriteStream(name string, write func(io.Writer) error) error {
	h := &hashCounter{h: sha256.New()}
	if err := output.Stream(r.w, name, func(w io.Writer) error { return write(io.MultiWriter(w, h)) }); err != nil {
		return err
	}
	var sum [sha256.Size]byte
	h.h.Sum(sum[:0])
	r.add(name, h.n, sum)
	return nil
}

func (r *recorder) add(name string, size int64, sum [sha256.Size]byte) {
	r.mu.Lock()
	if r.log.put == nil {
		r.log.put, r.log.get = putRecorded, getRecorded
	}
	r.log.add(recorded{path: name, size: size, sum: sum})
	r.mu.Unlock()
}

// putRecorded appends f's encoding to b.
func putRecorded(b []byte, f *recorded) []byte {
	b = putString(b, f.path)
	b = binary.AppendVarint(b, f.size)
	return append(b, f.sum[:]...)
}

// getRecorded reads a file putRecorded wrote.
func getRecorded(r *bufio.Reader) (f recorded, err error) {
	if f.path, err = getString(r); err != nil {
		return f, err
	}
	if f.size, err = binary.ReadVarint(r); err != nil {
		return f, err
	}
	_, err = io.ReadFull(r, f.sum[:])
	return f, err
}

// hashCounter hashes and counts the bytes written to it.
type hashCounter struct {
	h hash.Hash
	n int64
}

func (c *hashCounter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return c.h.Write(p)
}

// Keep keeps the destination's file at name, which the page cache says has size bytes of
// SHA-256 sum, and records it as if it had been written.
func (r *recorder) Keep(name string, size int64, sum [sha256.Size]byte) (bool, error) {
	c, ok := r.w.(*countingWriter)
	if !ok {
		return false, nil
	}
	kept, err := c.Keep(name)
	if !kept || err != nil {
		return kept, err
	}
	r.add(name, size, sum)
	return true, nil
}

// newRecord describes what the build read: the configuration, the commit, the history's
// branch, the versions' tags and the sources.
func newRecord(o Options, cfg *config.Config, s *site.Site) *Record {
	rec := &Record{Format: RecordFormat, Generator: thisGenerator(), Repository: cfg.Forge.URL, BaseURL: cfg.BaseURL, BaseURLOverride: o.BaseURL != "", Tags: []RecordTag{}, Sources: []RecordSource{}}
	if data, err := fs.ReadFile(o.Source, config.File); err == nil {
		sum := sha256.Sum256(data)
		rec.Config = hex.EncodeToString(sum[:])
	}
	if o.Dir != "" {
		d, err := history.Describe(history.Options{Dir: o.Dir}, "HEAD")
		// A repository without a commit yet, or one that cannot be read (the history
		// stage says why), gives a record without a commit: it cannot be verified.
		if err == nil {
			rec.Commit, rec.Tree, rec.Site, rec.SiteTree, rec.Time = d.Commit, d.Tree, d.Site, d.SiteTree, d.Time.UTC()
			branch := o.branch
			if branch == "" {
				branch = cfg.Forge.Branch
			}
			if b, err := history.Describe(history.Options{Dir: o.Dir}, branch); err == nil {
				rec.History = &RecordHistory{Branch: branch, Head: b.Commit}
			}
		}
	}
	for _, v := range s.Versions {
		rec.Tags = append(rec.Tags, RecordTag{Name: v.Tag, Commit: v.Commit})
	}
	sort.Slice(rec.Tags, func(i, j int) bool { return rec.Tags[i].Name < rec.Tags[j].Name })
	for _, src := range s.Sources {
		rec.Sources = append(rec.Sources, RecordSource{Kind: src.Kind, URL: src.URL, Ref: src.Ref, Path: src.Path, Commit: src.Commit, Stale: src.Stale})
	}
	return rec
}

// finish sorts the files and encodes the record: one file per line, so that a change
// shows as a line in a diff.
func (rec *Record) finish(files []recorded) ([]byte, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	head := *rec
	head.Files = nil
	data, err := json.MarshalIndent(head, "", " ")
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Grow(len(data) + len(files)*120)
	b.Write(data[:len(data)-2]) // without the closing "\n}"
	b.WriteString(",\n \"files\": [")
	var line []byte
	for i := range files {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		if line, err = appendRecorded(line[:0], &files[i]); err != nil {
			return nil, err
		}
		b.Write(line)
	}
	b.WriteString("\n ]\n}\n")
	return b.Bytes(), nil
}

// appendEntry appends f as json.Marshal writes it. Most paths are printable ASCII that
// JSON does not escape, and are written as they are: a build records every file of the
// site, and marshalling each was a third of the time to make the record.
func appendEntry(b []byte, f RecordEntry) ([]byte, error) {
	if !plainJSON(f.Path) || !plainJSON(f.SHA256) {
		line, err := json.Marshal(f)
		return append(b, line...), err
	}
	b = append(b, `{"path":"`...)
	b = append(b, f.Path...)
	b = append(b, `","size":`...)
	b = strconv.AppendInt(b, f.Size, 10)
	b = append(b, `,"sha256":"`...)
	b = append(b, f.SHA256...)
	return append(b, `"}`...), nil
}

// appendRecorded appends f's entry as json.Marshal writes it (appendEntry), its sum
// written in hexadecimal as it goes.
func appendRecorded(b []byte, f *recorded) ([]byte, error) {
	if !plainJSON(f.path) {
		return appendEntry(b, f.entry())
	}
	b = append(b, `{"path":"`...)
	b = append(b, f.path...)
	b = append(b, `","size":`...)
	b = strconv.AppendInt(b, f.size, 10)
	b = append(b, `,"sha256":"`...)
	b = hex.AppendEncode(b, f.sum[:])
	return append(b, `"}`...), nil
}

// plainJSON reports whether encoding/json writes s between its quotes as it is:
// printable ASCII without the quote, the backslash and the characters it escapes for
// HTML (<, >, &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// ReadRecord decodes a build record.
func ReadRecord(data []byte) (*Record, error) {
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s is not a build record: %w", RecordFile, err)
	}
	if rec.Format != RecordFormat {
		return nil, fmt.Errorf("%s has format %d; this pspm reads format %d", RecordFile, rec.Format, RecordFormat)
	}
	return &rec, nil
}

// signRecord signs the record as of its commit's time (OpenPGP records the time; a
// record outside Git is signed as of the zero time's successor, 1970).
func signRecord(s *signature.Signer, data []byte, w output.Writer) error {
	rec, err := ReadRecord(data)
	if err != nil {
		return err
	}
	at := rec.Time
	if at.IsZero() {
		at = time.Unix(0, 0).UTC()
	}
	sig, err := s.SignIn(data, at, signature.NamespacePSPM)
	if err != nil {
		return fmt.Errorf("signing the build record: %w", err)
	}
	return w.WriteFile(RecordSignatureFile, []byte(sig))
}

// BuildSigner opens the key that signs a build record, as pspm release opens the key of a
// tag: key (a file, or Git's user.signingKey for SSH) in the format Git's gpg.format of
// the repository around dir says.
func BuildSigner(dir, key string, passphrase []byte, agentSocket string) (*signature.Signer, error) {
	gc, err := history.ReadGitConfig(dir)
	if err != nil {
		return nil, err
	}
	return releaseSigner(ReleaseOptions{Sign: true, Key: key, Passphrase: passphrase, AgentSocket: agentSocket}, gc)
}

// UnregisteredSigner says, when the key that signed a build record is not registered for
// a member of the plan owner body, that pspm verify will not accept the signature and how
// to fix it; "" when it is registered.
func UnregisteredSigner(res *Result, s *signature.Signer) string {
	owner, ok := signerRegistered(res, s)
	if ok {
		return ""
	}
	return fmt.Sprintf("the build record is signed with the %s, which is not registered for a member of %s (keys: in %s): pspm verify will say the signature does not verify; add its public key there", signerName(s), owner.ID, owner.File)
}
