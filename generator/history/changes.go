package history

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// apply records one landed change in h: the tip's provenance in Files, the version in
// Changes for a page, and the version replaced in Retired for a contribution.
func (h *History) apply(o op) {
	if !o.old.IsZero() && o.old != o.blob && contribution(o.path) {
		r := Retirement{Blob: o.old.String(), By: o.landed.hash.String(), When: o.landed.committer.When}
		if p := h.Files[o.path]; p != nil && p.Blob == r.Blob {
			r.Commit = p.Commit
		}
		if !slices.ContainsFunc(h.Retired[o.path], func(x Retirement) bool { return x.Blob == r.Blob && x.Commit == r.Commit }) {
			if h.Retired == nil {
				h.Retired = map[string][]Retirement{}
			}
			h.Retired[o.path] = append(h.Retired[o.path], r)
		}
	}
	if o.blob.IsZero() || o.changer == nil {
		delete(h.Files, o.path)
	} else {
		h.Files[o.path] = provenance(o.path, o.blob, o.changer, o.landed)
	}
	if o.changer != nil && tracked(o.path) {
		c := &Change{
			Commit:       o.changer.hash.String(),
			Author:       o.changer.author,
			Committer:    o.changer.committer,
			Message:      firstLine(o.changer.message),
			Signed:       o.changer.signed,
			Landed:       o.landed.committer.When,
			LandedCommit: o.landed.hash.String(),
			Deleted:      o.blob.IsZero(),
		}
		if !c.Deleted {
			c.Blob = o.blob.String()
		}
		if h.Changes == nil {
			h.Changes = map[string][]*Change{}
		}
		h.Changes[o.path] = append(h.Changes[o.path], c)
	}
}

func provenance(path string, blob plumbing.Hash, changer, landed *commitInfo) *Provenance {
	return &Provenance{
		Path:         path,
		Blob:         blob.String(),
		Commit:       changer.hash.String(),
		Author:       changer.author,
		Committer:    changer.committer,
		Message:      firstLine(changer.message),
		Signed:       changer.signed,
		Landed:       landed.committer.When,
		LandedCommit: landed.hash.String(),
	}
}

// tracked says whether every version of the file at path (relative to the site folder)
// is kept in Changes: a Markdown page that is not a contribution to another.
func tracked(path string) bool {
	if !strings.HasSuffix(path, ".md") {
		return false
	}
	dir := "/" + path[:strings.LastIndexByte(path, '/')+1]
	return !strings.Contains(dir, "/reactions/") && !strings.Contains(dir, "/feedback/") && !strings.Contains(dir, "/supports/")
}

// contribution says whether the file at path (relative to the site folder) is a
// contribution, whose withdrawn versions are kept in Retired: a file in a "reactions"
// "feedback" or "supports" folder, or a detached signature.
func contribution(path string) bool {
	if strings.HasSuffix(path, ".sig") {
		return true
	}
	dir := "/" + path[:strings.LastIndexByte(path, '/')+1]
	return strings.Contains(dir, "/reactions/") || strings.Contains(dir, "/feedback/") || strings.Contains(dir, "/supports/")
}

// sign fills h.Signatures with the signature of every signed commit that Files or
// Changes refers to, taken from prev (the previous History's), from the commits this
// walk read, or else from the repository.
func (h *History) sign(w *walker, prev map[string]*Signature, read map[string]*commitInfo) error {
	h.Signatures = nil
	need := func(hash string) error { return h.need(w, prev, read, hash) }
	// Landing commits are on the chain, which says which ones are signed. The set of
	// them is made only when a commit of the chain is signed: on a portal of a million
	// votes where none is, it is a million entries for nothing at every build.
	chainSigned := slices.ContainsFunc(h.Commits, func(c Commit) bool { return c.Signed })
	var landers map[string]bool
	if chainSigned {
		landers = make(map[string]bool, len(h.Commits)+1)
		landers[h.Head] = true
	}
	for _, p := range h.Files {
		if p.Signed {
			if err := need(p.Commit); err != nil {
				return err
			}
		}
		if chainSigned {
			landers[p.LandedCommit] = true
		}
	}
	// And the signed commits that follow a landing closely: when the landing commit is
	// not the maintainers' (a fast-forward), the next one of theirs times it.
	for i := 0; chainSigned && i < len(h.Commits); i++ { // newest first
		if !landers[h.Commits[i].Hash] {
			continue
		}
		for k := i; k >= max(0, i-LandingWindow); k-- {
			if n := &h.Commits[k]; n.Signed {
				if _, ok := h.Signatures[n.Hash]; ok {
					continue
				}
				if err := need(n.Hash); err != nil {
					return err
				}
			}
		}
	}
	for _, list := range h.Changes {
		for _, c := range list {
			if c.Signed {
				if err := need(c.Commit); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// need puts the signature of the commit hash in h.Signatures, taken from prev, from the
// commits read, or else from the repository; nothing for an unsigned commit.
func (h *History) need(w *walker, prev map[string]*Signature, read map[string]*commitInfo, hash string) error {
	if _, ok := h.Signatures[hash]; ok {
		return nil
	}
	s := prev[hash]
	if s == nil {
		c := read[hash]
		if c == nil {
			var err error
			if c, err = w.commit(plumbing.NewHash(hash)); err != nil {
				return err
			}
		}
		var err error
		if s, err = signatureOf(c); err != nil {
			return err
		}
	}
	if s != nil {
		if h.Signatures == nil {
			h.Signatures = map[string]*Signature{}
		}
		h.Signatures[hash] = s
	}
	return nil
}

// LandingWindow is how many first-parent commits after a landing commit have their
// signatures kept in History.Signatures, for a landing that is not the maintainers' to
// be timed by the next commit that is.
const LandingWindow = 16

// signatureOf returns a commit's signature and payload; nil for an unsigned commit.
func signatureOf(c *commitInfo) (*Signature, error) {
	if c.raw == nil {
		return nil, nil
	}
	var obj plumbing.MemoryObject
	if err := c.raw.EncodeWithoutSignature(&obj); err != nil {
		return nil, fmt.Errorf("history: commit %s: the signed payload: %w", c.hash, err)
	}
	rd, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("history: commit %s: the signed payload: %w", c.hash, err)
	}
	var payload bytes.Buffer
	if _, err := io.Copy(&payload, rd); err != nil {
		return nil, fmt.Errorf("history: commit %s: the signed payload: %w", c.hash, err)
	}
	return &Signature{Text: c.raw.PGPSignature, Payload: payload.String()}, nil
}
