package history

// Spent answers, for the build and for `pspm check --base` alike, whether a version of
// a contribution is one that the branch withdrew: the versions of History.Retired
// indexed by a canonical form of their paths (the caller's: pspm compares voter file
// names as the duplicate rule does, without case), so that a withdrawn vote cannot come
// back at a path that differs only by case either.
type Spent struct {
	canon func(string) string
	by    map[string][]Retirement
}

// Spent indexes h.Retired by canon(path). canon must be the function the caller later
// looks paths up with; nil means paths as they are.
func (h *History) Spent(canon func(string) string) *Spent {
	if canon == nil {
		canon = func(p string) string { return p }
	}
	s := &Spent{canon: canon, by: make(map[string][]Retirement, len(h.Retired))}
	for path, list := range h.Retired {
		k := canon(path)
		s.by[k] = append(s.by[k], list...)
	}
	return s
}

// Commit returns the withdrawal of the version that commit made at path, or nil: the
// commit's signature (and authorship) vouched for a version that was taken back, and
// no longer vouches for anything at that path, whatever merge brings the commit back.
func (s *Spent) Commit(path, commit string) *Retirement {
	if s == nil || commit == "" {
		return nil
	}
	for i, r := range s.by[s.canon(path)] {
		if r.Commit == commit {
			return &s.by[s.canon(path)][i]
		}
	}
	return nil
}

// Blob returns the withdrawal of the version blob at path, or nil: for a detached
// signature, whose bytes are the voter's consent, the same bytes are the same vote.
func (s *Spent) Blob(path, blob string) *Retirement {
	if s == nil || blob == "" {
		return nil
	}
	for i, r := range s.by[s.canon(path)] {
		if r.Blob == blob {
			return &s.by[s.canon(path)][i]
		}
	}
	return nil
}
