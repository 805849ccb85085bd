package history

import (
	"bytes"
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
)

// NewCommit is one commit for EncodeRepository to write: the whole tree it records, who
// made it and when, and, when Tag is not "", the annotated tag that names it.
type NewCommit struct {
	// Files is the commit's whole tree: slash-separated paths relative to the
	// repository's root, and their contents. Every file is a regular file.
	Files map[string][]byte
	// Author is the author, and the committer and tagger unless Committer is set, with
	// the date of all three.
	Author  Person
	Message string
	// Committer, when its Name or Email is not "", is the committer and tagger instead
	// of Author: the maintainer who merged a contributor's commits, say.
	Committer Person
	// Tag is the name of an annotated tag of the commit, without refs/tags/ (e.g.
	// "plan/2024"); TagMessage is its message.
	Tag, TagMessage string
	// Merged, when not empty, makes the commit a merge, as a forge makes when it merges
	// a merge request: its first parent is the previous commit of the branch and its
	// second the last of Merged, the commits of the merged branch, oldest first, the
	// first a child of the previous commit of the branch, each the parent of the next.
	// They have no Merged and no Tag of their own.
	Merged []NewCommit
	// Sign, when not nil, signs the commit: it is given the commit's bytes without the
	// signature, as Git signs them, and returns the armored signature (OpenPGP or SSH)
	// that becomes the commit's gpgsig header. SignTag signs the tag the same way, its
	// signature appended to the tag's message. Both must be deterministic for the
	// repository to be.
	Sign, SignTag func(payload []byte) ([]byte, error)
}

// EncodeRepository writes, through emit, the Git folder of a repository whose branch
// holds commits, oldest first, each the first parent of the next (a commit with Merged
// also has the merged branch as its second parent): the loose objects, the
// branch and tag references, HEAD (on branch), a config and an index of the last
// commit's tree. Paths are slash-separated and start with ".git/"; data is only valid
// until emit returns. The work tree is not written: a caller that wants one writes the
// last commit's Files beside the Git folder, and Git then sees a clean work tree.
//
// The same commits always give the same bytes, hence the same commit hashes: there is
// no clock and no randomness here, and every object is written once. It is meant for
// generated repositories (fixtures and benchmark corpora), where running the git CLI
// would make the result depend on its version and configuration.
func EncodeRepository(branch string, commits []NewCommit, emit func(path string, data []byte) error) error {
	return encodeRepository(branch, commits, emit, false)
}

// EncodePackedRepository is EncodeRepository with every object in one pack file and its
// index (.git/objects/pack/pack-<hash>.pack and .idx), without deltas, instead of loose
// objects: two files rather than thousands, quicker to write and to read.
func EncodePackedRepository(branch string, commits []NewCommit, emit func(path string, data []byte) error) error {
	return encodeRepository(branch, commits, emit, true)
}

func encodeRepository(branch string, commits []NewCommit, emit func(path string, data []byte) error, packed bool) error {
	if !refName(branch) {
		return fmt.Errorf("history: branch name %q is not usable", branch)
	}
	w := &encodeRepo{emit: emit, written: map[plumbing.Hash]bool{}, blobs: map[string]plumbing.Hash{}, trees: map[string]plumbing.Hash{}}
	if packed {
		w.pack = memory.NewStorage()
	}
	var parent plumbing.Hash
	var last map[string]plumbing.Hash
	for i, c := range commits {
		var parents []plumbing.Hash
		if !parent.IsZero() {
			parents = []plumbing.Hash{parent}
		}
		if len(c.Merged) > 0 {
			side := parent
			for j, m := range c.Merged {
				if len(m.Merged) > 0 || m.Tag != "" {
					return fmt.Errorf("history: commit %d: merged commit %d has merged commits or a tag of its own", i+1, j+1)
				}
				var sideParents []plumbing.Hash
				if !side.IsZero() {
					sideParents = []plumbing.Hash{side}
				}
				var err error
				if side, _, err = w.commit(m, sideParents, fmt.Sprintf("commit %d: merged commit %d", i+1, j+1)); err != nil {
					return err
				}
			}
			parents = append(parents, side)
		}
		h, blobs, err := w.commit(c, parents, fmt.Sprintf("commit %d", i+1))
		if err != nil {
			return err
		}
		parent, last = h, blobs
		if c.Tag != "" {
			if !refName(c.Tag) {
				return fmt.Errorf("history: commit %d: tag name %q is not usable", i+1, c.Tag)
			}
			tag := &object.Tag{Name: c.Tag, Tagger: committer(c), Message: c.TagMessage, TargetType: plumbing.CommitObject, Target: parent}
			if c.SignTag != nil {
				sig, err := sign(c.SignTag, tag.EncodeWithoutSignature)
				if err != nil {
					return fmt.Errorf("history: commit %d: signing tag %s: %w", i+1, c.Tag, err)
				}
				tag.PGPSignature = sig
			}
			h, err := w.encoded(tag.Encode)
			if err != nil {
				return err
			}
			if err := emit(".git/refs/tags/"+c.Tag, []byte(h.String()+"\n")); err != nil {
				return err
			}
		}
	}
	if parent.IsZero() {
		return fmt.Errorf("history: no commits to write")
	}
	if packed {
		if err := w.writePack(); err != nil {
			return err
		}
	}
	files := []struct {
		name, data string
	}{
		{".git/HEAD", "ref: refs/heads/" + branch + "\n"},
		{".git/config", "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n"},
		{".git/refs/heads/" + branch, parent.String() + "\n"},
	}
	for _, f := range files {
		if err := emit(f.name, []byte(f.data)); err != nil {
			return err
		}
	}
	// The index has no stat data: Git compares the work tree's files by content once,
	// then records their stat data itself.
	idx := &index.Index{Version: 2}
	for p, h := range last {
		idx.Entries = append(idx.Entries, &index.Entry{Name: p, Hash: h, Mode: filemode.Regular})
	}
	var b bytes.Buffer
	if err := index.NewEncoder(&b).Encode(idx); err != nil {
		return fmt.Errorf("history: encoding the index: %w", err)
	}
	return emit(".git/index", b.Bytes())
}

// commit writes the blobs and trees of c's files and the commit object with parents,
// and returns its hash and the blobs by path. what names it in errors.
func (w *encodeRepo) commit(c NewCommit, parents []plumbing.Hash, what string) (plumbing.Hash, map[string]plumbing.Hash, error) {
	blobs := make(map[string]plumbing.Hash, len(c.Files))
	paths := slices.Sorted(maps.Keys(c.Files))
	for _, p := range paths {
		if p == "" || path.IsAbs(p) || path.Clean(p) != p || strings.HasPrefix(p, "../") || strings.HasPrefix(p, ".git/") {
			return plumbing.ZeroHash, nil, fmt.Errorf("history: %s: file path %q is not a clean relative path", what, p)
		}
		// A file that many commits hold is hashed once: a lookup by its bytes costs far
		// less than SHA-1.
		data := c.Files[p]
		h, ok := w.blobs[string(data)]
		if !ok {
			var err error
			if h, err = w.object(plumbing.BlobObject, data); err != nil {
				return h, nil, err
			}
			w.blobs[string(data)] = h
		}
		blobs[p] = h
	}
	tree, err := w.tree(paths, blobs, "")
	if err != nil {
		return tree, nil, err
	}
	author := object.Signature{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When}
	commit := &object.Commit{Author: author, Committer: committer(c), Message: c.Message, TreeHash: tree, ParentHashes: parents}
	if c.Sign != nil {
		if commit.PGPSignature, err = sign(c.Sign, commit.EncodeWithoutSignature); err != nil {
			return plumbing.ZeroHash, nil, fmt.Errorf("history: %s: signing: %w", what, err)
		}
	}
	h, err := w.encoded(commit.Encode)
	return h, blobs, err
}

// committer is the committer (and tagger) of c.
func committer(c NewCommit) object.Signature {
	p := c.Author
	if c.Committer.Name != "" || c.Committer.Email != "" {
		p = c.Committer
	}
	return object.Signature{Name: p.Name, Email: p.Email, When: p.When}
}

// sign gives signer the bytes encode writes, and returns the signature it makes.
func sign(signer func([]byte) ([]byte, error), encode func(plumbing.EncodedObject) error) (string, error) {
	o := &plumbing.MemoryObject{}
	if err := encode(o); err != nil {
		return "", err
	}
	r, err := o.Reader()
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		return "", err
	}
	sig, err := signer(b.Bytes())
	if err != nil {
		return "", err
	}
	return string(sig), nil
}

// encodeRepo writes loose objects, each once.
type encodeRepo struct {
	emit    func(string, []byte) error
	written map[plumbing.Hash]bool
	blobs   map[string]plumbing.Hash // by contents
	trees   map[string]plumbing.Hash // by encoded entries
	// pack, when set, keeps the objects for one pack file, in order, instead of writing
	// them loose.
	pack    *memory.Storage
	order   []plumbing.Hash
	treeBuf []byte
	buf     bytes.Buffer
}

// object writes one object and returns its hash.
func (w *encodeRepo) object(t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	h := plumbing.ComputeHash(t, data)
	if w.written[h] {
		return h, nil
	}
	w.written[h] = true
	if w.pack != nil {
		o := &plumbing.MemoryObject{}
		o.SetType(t)
		if _, err := o.Write(data); err != nil {
			return h, err
		}
		w.order = append(w.order, h)
		_, err := w.pack.SetEncodedObject(o)
		return h, err
	}
	w.buf.Reset()
	ow := objfile.NewWriter(&w.buf)
	if err := ow.WriteHeader(t, int64(len(data))); err != nil {
		return h, err
	}
	if _, err := ow.Write(data); err != nil {
		return h, err
	}
	if err := ow.Close(); err != nil {
		return h, err
	}
	s := h.String()
	return h, w.emit(".git/objects/"+s[:2]+"/"+s[2:], w.buf.Bytes())
}

// writePack writes the objects kept in w.pack as a pack file, in the order they were
// made, and its index.
func (w *encodeRepo) writePack() error {
	var pack bytes.Buffer
	sum, err := packfile.NewEncoder(&pack, w.pack, false).Encode(w.order, 0)
	if err != nil {
		return fmt.Errorf("history: encoding the pack: %w", err)
	}
	iw := new(idxfile.Writer)
	parser, err := packfile.NewParser(packfile.NewScanner(bytes.NewReader(pack.Bytes())), iw)
	if err != nil {
		return err
	}
	if _, err := parser.Parse(); err != nil {
		return fmt.Errorf("history: indexing the pack: %w", err)
	}
	idx, err := iw.Index()
	if err != nil {
		return err
	}
	var ib bytes.Buffer
	if _, err := idxfile.NewEncoder(&ib).Encode(idx); err != nil {
		return err
	}
	name := ".git/objects/pack/pack-" + sum.String()
	if err := w.emit(name+".pack", pack.Bytes()); err != nil {
		return err
	}
	return w.emit(name+".idx", ib.Bytes())
}

// encoded writes the object an Encode method of go-git encodes.
func (w *encodeRepo) encoded(encode func(plumbing.EncodedObject) error) (plumbing.Hash, error) {
	o := &plumbing.MemoryObject{}
	if err := encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	r, err := o.Reader()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		return plumbing.ZeroHash, err
	}
	return w.object(o.Type(), b.Bytes())
}

// tree writes the tree of the files under dir ("" or ending in "/") and its subtrees;
// paths are those files, sorted (so that a folder's files are next to each other).
func (w *encodeRepo) tree(paths []string, blobs map[string]plumbing.Hash, dir string) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	for i := 0; i < len(paths); {
		rest := paths[i][len(dir):]
		name, _, sub := strings.Cut(rest, "/")
		if !sub {
			entries = append(entries, object.TreeEntry{Name: rest, Mode: filemode.Regular, Hash: blobs[paths[i]]})
			i++
			continue
		}
		prefix := dir + name + "/"
		j := i + 1
		for j < len(paths) && strings.HasPrefix(paths[j], prefix) {
			j++
		}
		h, err := w.tree(paths[i:j], blobs, prefix)
		if err != nil {
			return h, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		i = j
	}
	// Git sorts a tree's entries by name, a folder's name as if it ended in "/".
	key := func(e object.TreeEntry) string {
		if e.Mode == filemode.Dir {
			return e.Name + "/"
		}
		return e.Name
	}
	slices.SortFunc(entries, func(a, b object.TreeEntry) int { return strings.Compare(key(a), key(b)) })
	// The tree object, as go-git's Tree.Encode writes it ("<octal mode> <name>\0<hash>"
	// per entry), made here so that a tree many commits share is looked up by its bytes
	// rather than hashed again.
	b := w.treeBuf[:0]
	for _, e := range entries {
		b = strconv.AppendUint(b, uint64(e.Mode), 8)
		b = append(b, ' ')
		b = append(b, e.Name...)
		b = append(b, 0)
		b = append(b, e.Hash[:]...)
	}
	w.treeBuf = b
	if h, ok := w.trees[string(b)]; ok {
		return h, nil
	}
	h, err := w.object(plumbing.TreeObject, b)
	if err == nil {
		w.trees[string(b)] = h
	}
	return h, err
}

// refName says whether name can be a branch or tag name here: slash-separated parts, each
// neither empty nor "." or "..", without the characters Git refuses in references.
func refName(name string) bool {
	if name == "" || strings.ContainsAny(name, " ~^:?*[\\\x7f") || strings.Contains(name, "@{") || strings.HasSuffix(name, ".lock") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || strings.HasPrefix(part, ".") {
			return false
		}
	}
	for _, r := range name {
		if r < ' ' {
			return false
		}
	}
	return true
}
