package site

import (
	"encoding/binary"
	"sync"
	"time"
)

// Verdicts gives equal verdicts one pointer: the trust stage judges a million reactions
// into a few hundred distinct verdicts, and each held apart would cost 112 bytes. The
// verdicts it hands out are shared, so nothing may change one (replace a reaction's
// Verdict instead). It is safe for concurrent use; the zero value is ready.
type Verdicts struct {
	mu sync.RWMutex
	m  map[string]*Verdict
}

// keyBufs are the buffers the keys of verdicts are made in.
var keyBufs = sync.Pool{New: func() any { return new([]byte) }}

// Of is the shared verdict equal to v: two verdicts are equal when every field is, the
// sentences' parameters included (a time by its instant, location and monotonic-free
// value as formatted).
//
// Nearly every call finds its verdict (a few hundred for 100,000 votes): it looks under
// the read lock, and copies v to the heap only when it is new. Every call taking the lock
// and copying its verdict was half of what judging 100,000 votes cost on two cores, the
// largest part of pspm serve's verify stage at each edit.
func (vs *Verdicts) Of(v Verdict) *Verdict {
	bp := keyBufs.Get().(*[]byte)
	key := verdictKey((*bp)[:0], &v)
	vs.mu.RLock()
	p := vs.m[string(key)]
	vs.mu.RUnlock()
	if p == nil {
		vs.mu.Lock()
		if p = vs.m[string(key)]; p == nil {
			if vs.m == nil {
				vs.m = map[string]*Verdict{}
			}
			p = new(Verdict)
			*p = v
			vs.m[string(key)] = p
		}
		vs.mu.Unlock()
	}
	*bp = key
	keyBufs.Put(bp)
	return p
}

// Len is the number of distinct verdicts.
func (vs *Verdicts) Len() int {
	vs.mu.RLock()
	defer vs.mu.RUnlock()
	return len(vs.m)
}

// verdictKey appends to b every field of v, each string with its length, so that two
// verdicts have one key exactly when they are equal.
func verdictKey(b []byte, v *Verdict) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	flag := func(x bool) {
		if x {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	flag(v.Counted)
	str(v.Reason)
	str(v.Detail)
	str(v.Verification)
	str(v.Signer)
	str(v.Member)
	// nil and empty sentences are told apart: a copy of the verdict keeps either.
	flag(v.Sentences == nil)
	b = binary.AppendUvarint(b, uint64(len(v.Sentences)))
	for _, s := range v.Sentences {
		str(s.Key)
		str(s.English)
		flag(s.Params == nil)
		b = binary.AppendUvarint(b, uint64(len(s.Params)))
		for _, p := range s.Params {
			str(p.Text)
			str(p.Label)
			flag(p.Clock)
			flag(p.Technical)
			flag(p.Time.IsZero())
			str(p.Time.Location().String())
			str(p.Time.Format(time.RFC3339Nano))
		}
	}
	return b
}
