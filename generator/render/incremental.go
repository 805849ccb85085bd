package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash"
	"math"
	"reflect"
	"sort"
	"sync"
	"time"
)

// Fingerprint identifies everything a page's bytes are made from: its view (with the
// site-wide view), the theme's layouts and strings, the configuration, the language and
// the generator. Two renderings with the same fingerprint give the same bytes, so a build
// that finds a page's fingerprint in the page cache of the previous build, with that
// build's file still in the destination, keeps the file instead of rendering it.
type Fingerprint [sha256.Size]byte

// PageCache is what a build knows of the pages of the previous one (the generator's page
// cache): Keep is called once for every page whose view could be fingerprinted, before it
// is rendered, and reports whether the file the previous build wrote at path, from a page
// of the same fingerprint, is still in the destination as it was written, and was kept
// there: the page is then not rendered. Keep is called from several goroutines.
type PageCache interface {
	Keep(path string, fp Fingerprint) bool
}

// maxDepth bounds how deep a view is followed: a view deeper than this (or one that
// points back to itself) is not fingerprinted, and its page is rendered every time.
const maxDepth = 48

// encoder writes a deterministic encoding of a view, which the fingerprint hashes: maps
// in the order of their keys' encodings, nil apart from empty, every string with its
// length (so that "ab"+"c" is not "a"+"bc"), times with their zone (the same instant
// in another zone is another day on the page).
type encoder struct {
	b      []byte
	h      hash.Hash    // what was encoded before b, hashed as it goes (flush), or nil
	shared *sharedViews // nil: every view encoded in full
	in     *inputRefs   // set when encoding a page's inputs from the model (inputKey)
}

// sharedViews holds the digests of the views many pages of a language point to (the
// cards, which every list shows, and the site-wide view), so that a page's fingerprint
// holds the digest of each instead of encoding it again: the same for every page that
// points to the same view, which does not change once the pages are being made.
type sharedViews struct {
	m sync.Map // *Card or *SiteView → sharedDigest
}

type sharedDigest struct {
	sum Fingerprint
	ok  bool
}

var cardPtrType, siteViewPtrType = reflect.TypeFor[*Card](), reflect.TypeFor[*SiteView]()

// cardType is a card, whose HTML is not encoded: it is the card's other fields through
// the card template, which the salt holds, and it is made only when a page that shows the
// card is rendered (Card.HTML), so it may be there or not when a page is fingerprinted.
var cardType = reflect.TypeFor[Card]()

// cardSkips are the fields of a card left out of its encoding: its HTML and what makes it.
var cardSkips = func() []bool {
	skip := make([]bool, cardType.NumField())
	for i := range skip {
		skip[i] = !cardType.Field(i).IsExported()
	}
	return skip
}()

// digest encodes the view v points to (a *Card or *SiteView), once.
func (s *sharedViews) digest(v reflect.Value, depth int) sharedDigest {
	key := v.Interface()
	if d, ok := s.m.Load(key); ok {
		return d.(sharedDigest)
	}
	sub := getEncoder()
	ok := sub.value(v.Elem(), depth+1)
	d := sharedDigest{sub.sum(), ok}
	putEncoder(sub)
	s.m.Store(key, d)
	return d
}

func newEncoder() *encoder { return &encoder{b: make([]byte, 0, 16<<10)} }

// encoders are the encoders of fingerprints, reused: every page and feed of a build is
// encoded, and a buffer each was a tenth of what a build allocated.
var encoders = sync.Pool{New: func() any { return newEncoder() }}

// getEncoder returns an empty encoder, without shared views.
func getEncoder() *encoder {
	e := encoders.Get().(*encoder)
	e.b, e.h, e.shared, e.in = e.b[:0], nil, nil, nil
	return e
}

// putEncoder gives e back once its sum is taken; a buffer grown past a megabyte (a view
// that large is rare) is let go.
func putEncoder(e *encoder) {
	if cap(e.b) <= 1<<20 {
		e.shared, e.in = nil, nil
		encoders.Put(e)
	}
}

// sum is the SHA-256 of what was encoded.
func (e *encoder) sum() Fingerprint {
	if e.h == nil {
		return sha256.Sum256(e.b)
	}
	e.h.Write(e.b)
	e.b = e.b[:0]
	var f Fingerprint
	e.h.Sum(f[:0])
	return f
}

// flushAt is how many bytes an encoder holds before it hashes them: the encoding of a
// large view (a body's hundreds of votes) is hashed as it goes instead of growing.
const flushAt = 32 << 10

// flush hashes what was encoded when it is more than flushAt bytes.
func (e *encoder) flush() {
	if len(e.b) < flushAt {
		return
	}
	if e.h == nil {
		e.h = sha256.New()
	}
	e.h.Write(e.b)
	e.b = e.b[:0]
}

func (e *encoder) tag(t byte) { e.b = append(e.b, t) }

func (e *encoder) uint(n uint64) { e.b = binary.AppendUvarint(e.b, n) }

func (e *encoder) int(n int64) { e.b = binary.AppendVarint(e.b, n) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

var timeType = reflect.TypeFor[time.Time]()

// lateView is a part of a page's view that costs much to make and that a page kept from the
// previous build never shows (an item's text with the tools of its paragraphs): key
// encodes everything it is made from, and the page's fingerprint holds key in its place;
// fill makes it, into the view, when the page is rendered.
type lateView struct {
	key  string // the SHA-256 of the encoding of what it is made from (lateKey)
	fill func()
}

// lateKey is the key of a late view: the SHA-256 of what encode encodes.
func lateKey(encode func(e *encoder)) string {
	e := getEncoder()
	encode(e)
	sum := e.sum()
	putEncoder(e)
	return string(sum[:])
}

var lateViewType = reflect.TypeFor[lateView]()

// value encodes v, depth levels down from the view. It reports false when v holds what
// the encoder cannot see into (a function, a channel, an unexported time) or is deeper
// than maxDepth: the view then has no fingerprint.
func (e *encoder) value(v reflect.Value, depth int) bool {
	if depth > maxDepth {
		return false
	}
	if !v.IsValid() {
		e.tag(0)
		return true
	}
	e.tag(byte(v.Kind()) + 1)
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.tag(1)
		} else {
			e.tag(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.int(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		e.uint(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		e.uint(math.Float64bits(real(c)))
		e.uint(math.Float64bits(imag(c)))
	case reflect.String:
		e.str(v.String())
	case reflect.Pointer:
		if v.IsNil() {
			e.tag(0)
			return true
		}
		if e.in != nil {
			if done, ok := e.in.pointer(e, v); done {
				return ok
			}
		}
		if e.shared != nil && (v.Type() == cardPtrType || v.Type() == siteViewPtrType) {
			d := e.shared.digest(v, depth)
			e.tag(2)
			e.b = append(e.b, d.sum[:]...)
			return d.ok
		}
		e.tag(1)
		return e.value(v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			e.tag(0)
			return true
		}
		e.tag(1)
		e.str(v.Elem().Type().String())
		return e.value(v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			e.tag(0)
			return true
		}
		e.tag(1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			e.uint(uint64(v.Len()))
			e.b = append(e.b, v.Bytes()...)
			return true
		}
		fallthrough
	case reflect.Array:
		e.uint(uint64(v.Len()))
		for i := range v.Len() {
			if !e.value(v.Index(i), depth+1) {
				return false
			}
		}
	case reflect.Map:
		return e.mapValue(v, depth)
	case reflect.Struct:
		if v.Type() == lateViewType {
			e.str(v.Field(0).String())
			return true
		}
		if v.Type() == timeType {
			if !v.CanInterface() {
				return false
			}
			t, _ := reflect.TypeAssert[time.Time](v) // without the copy Interface makes
			name, offset := t.Zone()
			e.int(t.Unix())
			e.int(int64(t.Nanosecond()))
			e.str(name)
			e.int(int64(offset))
			return true
		}
		// The fields in their order, without their names: the type of every value
		// below the view is fixed by the view's (an interface's is encoded), and the
		// salt holds the generator, so the names would say nothing more.
		card := v.Type() == cardType
		for i := range v.NumField() {
			if card && cardSkips[i] {
				continue
			}
			if !e.value(v.Field(i), depth+1) {
				return false
			}
		}
		e.flush()
	default: // functions, channels, unsafe pointers
		return false
	}
	return true
}

// mapValue encodes a map's entries in the order of their keys' encodings, so that the
// same map gives the same bytes however it was filled: the keys first, then each entry's
// key and value in that order (the values in order too, so that the pointers an input
// encoding numbers are numbered the same way each time).
func (e *encoder) mapValue(v reflect.Value, depth int) bool {
	if v.IsNil() {
		e.tag(0)
		return true
	}
	e.tag(1)
	type entry struct {
		key []byte
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	sub := &encoder{}
	for it := v.MapRange(); it.Next(); {
		sub.b = sub.b[:0]
		if !sub.value(it.Key(), depth+1) || sub.h != nil { // (a key too large to hold is not expected)
			return false
		}
		entries = append(entries, entry{bytes.Clone(sub.b), it.Value()})
	}
	sort.Slice(entries, func(i, j int) bool { return bytes.Compare(entries[i].key, entries[j].key) < 0 })
	e.uint(uint64(len(entries)))
	for _, en := range entries {
		e.b = append(e.b, en.key...)
		if !e.value(en.val, depth+1) {
			return false
		}
	}
	return true
}

// deferred is a page whose view is made and not yet rendered: what page returns, as an
// error, when the build has a page cache, so that run can look the page's fingerprint up
// before executing its template. It travels as an error so that every function that makes
// a page keeps its signature; run never lets it out.
type deferred struct {
	r      *renderer
	view   any
	render func() ([]byte, error)
}

func (*deferred) Error() string { return "internal error: a deferred page was not rendered" }

// fingerprint is the page's fingerprint: the salt of the language (layouts, strings,
// configuration, generator) followed by its view; ok is false when the view cannot be
// fingerprinted. Made only when asked, before the page is rendered: a page that has an
// input key does not need it.
func (d *deferred) fingerprint() (fp Fingerprint, ok bool) {
	e := getEncoder()
	e.shared = &d.r.shared
	e.b = append(e.b, d.r.salt[:]...)
	v := reflect.ValueOf(d.view)
	e.str(v.Type().String()) // the view's type, which fixes every type below it
	ok = e.value(v, 0)
	fp = e.sum()
	putEncoder(e)
	return fp, ok
}

// deferMake returns the deferred rendering exec of a file whose bytes are made from v
// alone (a page's view, with the site-wide view it points to; a feed with its entries).
func (r *renderer) deferMake(exec func() ([]byte, error), v any) error {
	return &deferred{r: r, view: v, render: exec}
}

// deferring says whether files are fingerprinted before they are made (deferMake): when
// the build has a page cache, and not in pspm serve, which keeps its own.
func (r *renderer) deferring() bool { return r.salt != (Fingerprint{}) && r.memo == nil }

// makePage runs a task's make: when it returns a deferred page, the page cache keeps the
// previous build's file (kept is true) or the page is rendered. A task with an input key
// is first looked up by it, before its view is made; the cache then records the input
// key as the page's fingerprint.
func makePage(t task, pages PageCache) (data []byte, kept bool, err error) {
	keyed := false
	if t.input != nil && pages != nil {
		if key, ok := t.input(); ok {
			if pages.Keep(t.path, key) {
				return nil, true, nil
			}
			keyed = true
		}
	}
	data, err = t.make()
	var d *deferred
	if !errors.As(err, &d) {
		return data, false, err
	}
	if !keyed && pages != nil {
		if fp, ok := d.fingerprint(); ok && pages.Keep(t.path, fp) {
			return nil, true, nil
		}
	}
	data, err = d.render()
	return data, false, err
}

// salt is the part of every page's fingerprint that is the same for all the pages of a
// language: pspm's version and the generator's own hash (Options.Generator: a new pspm
// never reuses pages), the language, the configuration (with the base URL), the theme's
// layouts and the strings of the language. A zero salt (no Generator, or a configuration
// that cannot be encoded) turns the page cache off.
func (r *renderer) makeSalt() Fingerprint {
	if len(r.Generator) == 0 || r.Pages == nil {
		return Fingerprint{}
	}
	e := newEncoder()
	e.str("pspm page fingerprint 1")
	e.str(r.Version)
	e.str(string(r.Generator))
	e.str(r.lang)
	e.str(r.prefix)
	e.str(r.base)
	e.str(r.tr.tag.String())
	if !e.value(reflect.ValueOf(r.Config), 0) || !e.value(reflect.ValueOf(r.tr.strings), 0) {
		return Fingerprint{}
	}
	files, err := r.Theme.Files("layouts")
	if err != nil {
		return Fingerprint{}
	}
	for _, f := range files {
		data, err := f.Read()
		if err != nil {
			return Fingerprint{}
		}
		e.str(f.Name)
		e.str(string(data))
	}
	return e.sum()
}
