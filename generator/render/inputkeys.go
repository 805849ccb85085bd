package render

import (
	"bytes"
	"errors"
	"reflect"
	"sync"
	"unsafe"

	"github.com/pspm-dev/pspm/generator/site"
)

// A page's fingerprint (deferMake) needs its view, and making the views of every
// proposal's page and feed to learn that nine thousand of them did not change was most of
// a build after one vote. An input key is known before the view: it is made from the
// model the page is made from, so that a page whose inputs did not change is kept without
// making its view.
//
// The pages of a proposal or practice of this portal, and their feeds, read:
//   - the item itself, with everything it holds and everything derived into it (its
//     reactions with their verdicts and the commits that landed them, its comments and
//     their threads, its supports, its history, its answer, its translations, its
//     tally): the item's encoding, every pointer below it followed, but
//   - of the other entities it points to (the bodies that voted, the participants, its
//     targets and the actions that took it up, the versions of the plan), only what a
//     link to them shows: their name or title and address in the page's language;
//   - the site-wide view (the menus, the plan's owner and phases, the day the site is as
//     of), the approved versions of the plan, whether the portal has a community, the
//     forge's prefilled files and AgID's plan: the language's global key;
//   - the language's strings, the layouts, the configuration and pspm itself: the salt.
//
// The key of a page is the SHA-256 of all four. TestInputKeysAgreeWithViews checks, over
// a series of changes of every kind, that a page whose key did not change has the same
// view fingerprint too.

// inputRefs is what an item's input encoding does with the pointers it meets: it follows
// them, but a pointer it met already is encoded by its number (the threads of comments
// point to each other), and an entity of its own (a body, a participant, another item,
// a version) is encoded by its number among the entities the item points to, which each
// language then encodes as its link (refLink).
type inputRefs struct {
	root *site.Item
	// links: another proposal or practice is encoded as its link, like the other
	// entities (for the rows that link them); otherwise it has no key.
	links bool
	// memo, when set, holds the encodings of the votes (inputs.encoded): a vote is
	// encoded once, for its item's pages and for its voter's, in both languages. Nil in
	// the encoding of a vote itself, which never waits for another.
	memo *inputs
	// verdicts, when set, holds the encodings of the verdicts: the reactions whose
	// verdicts are equal share one (a million reactions, a few hundred verdicts), which
	// is then encoded once for the build, and by its digest in every vote; and the
	// encodings of the origins, which the files of one commit share.
	verdicts *inputs
	seen     map[seenKey]int
	refs     []any
	keys     []seenKey // of the first smallRefs refs, before index is made
	index    map[seenKey]int
}

var (
	reactionPtrType = reflect.TypeFor[*site.Reaction]()
	verdictPtrType  = reflect.TypeFor[*site.Verdict]()
	originPtrType   = reflect.TypeFor[*site.Origin]()
)

// ref is the number of the entity ref among those the encoding points to. A vote points
// to two entities, an item to a dozen: they are looked for one by one among the first
// smallRefs, and a map is made only past them (a map for each of 100,000 votes was a
// twentieth of what a build after one vote allocated).
func (in *inputRefs) ref(k seenKey, ref any) int {
	if in.index == nil {
		for i, known := range in.keys {
			if known == k {
				return i
			}
		}
		if len(in.keys) < smallRefs {
			in.keys = append(in.keys, k)
			in.refs = append(in.refs, ref)
			return len(in.refs) - 1
		}
		in.index = make(map[seenKey]int, 2*smallRefs)
		for i, known := range in.keys {
			in.index[known] = i
		}
	}
	i, known := in.index[k]
	if !known {
		i = len(in.refs)
		in.index[k] = i
		in.refs = append(in.refs, ref)
	}
	return i
}

// smallRefs is how many entities an encoding looks for one by one (ref).
const smallRefs = 16

// vote encodes the vote v by its own encoding, made once for the build, and the numbers
// the entities it points to have here.
func (in *inputRefs) vote(e *encoder, v reflect.Value) bool {
	return in.memoized(e, in.memo.encodedAt(&in.memo.byVote, "vote", v, nil))
}

// memoized encodes a value by its own encoding sub, made once for the build, and the
// numbers the entities it points to have here.
func (in *inputRefs) memoized(e *encoder, sub *encodedInput) bool {
	if !sub.ok {
		return false
	}
	e.tag(6)
	e.b = append(e.b, sub.sum[:]...)
	e.uint(uint64(len(sub.refs)))
	for _, ref := range sub.refs {
		rv := reflect.ValueOf(ref)
		e.uint(uint64(in.ref(seenKey{rv.Type(), rv.UnsafePointer()}, ref)))
	}
	return true
}

type seenKey struct {
	t reflect.Type
	p unsafe.Pointer
}

var (
	itemPtrType        = reflect.TypeFor[*site.Item]()
	proposalPtrType    = reflect.TypeFor[*site.Proposal]()
	practicePtrType    = reflect.TypeFor[*site.Practice]()
	bodyPtrType        = reflect.TypeFor[*site.Body]()
	participantPtrType = reflect.TypeFor[*site.Participant]()
	versionPtrType     = reflect.TypeFor[*site.Version]()
	goalPtrType        = reflect.TypeFor[*site.Goal]()
	objectivePtrType   = reflect.TypeFor[*site.Objective]()
	resultPtrType      = reflect.TypeFor[*site.Result]()
	actionPtrType      = reflect.TypeFor[*site.Action]()
	sitePtrType        = reflect.TypeFor[*site.Site]()
	federatedPtrType   = reflect.TypeFor[*site.FederatedPlan]()
)

// pointer encodes the non-nil pointer v when it is an entity or was met before, and
// reports that it did (done) and whether the encoding can go on (ok); otherwise it
// records v and the encoder follows it.
func (in *inputRefs) pointer(e *encoder, v reflect.Value) (done, ok bool) {
	t := v.Type()
	k := seenKey{t, v.UnsafePointer()}
	switch t {
	case sitePtrType, federatedPtrType:
		return true, false // the whole site, or another portal's plan: no key
	case itemPtrType, proposalPtrType, practicePtrType, goalPtrType, objectivePtrType, resultPtrType, actionPtrType:
		it := itemOf(v)
		if it == in.root {
			e.tag(4) // the item itself
			return true, true
		}
		if !in.links && (it.Section == site.Proposals || it.Section == site.Practices) {
			// Another proposal or practice: what of it a page would read is not known
			// here, and it changes with every vote.
			return true, false
		}
		fallthrough
	case bodyPtrType, participantPtrType, versionPtrType:
		e.tag(3)
		e.uint(uint64(in.ref(k, iface(v))))
		return true, true
	case reactionPtrType:
		if in.memo != nil {
			return true, in.vote(e, v)
		}
	case verdictPtrType:
		if in.verdicts != nil {
			return true, in.memoized(e, in.verdicts.encodedAt(&in.verdicts.byVerdict, "verdict", v, nil))
		}
	case originPtrType:
		// The files of one commit share its origin (a merge request's thousand votes,
		// or a whole site imported in one commit), which holds the commit's signature
		// and the bytes it signs: encoded once for the build, then by its digest. Kept
		// like the votes' encodings, on a site of at most memoVotesUpTo reactions (a
		// history of a commit per vote has as many origins as votes).
		if in.verdicts != nil && in.verdicts.votes {
			return true, in.memoized(e, in.verdicts.encodedAt(&in.verdicts.byOrigin, "origin", v, nil))
		}
	}
	if n, met := in.seen[k]; met {
		e.tag(5)
		e.uint(uint64(n))
		return true, true
	}
	if in.seen == nil {
		in.seen = map[seenKey]int{} // made when first needed: most votes' encodings meet one or two pointers
	}
	in.seen[k] = len(in.seen)
	return false, true
}

// iface is the pointer v as an interface, also when it was reached through a field the
// encoder may read but not hand out (an unexported one).
func iface(v reflect.Value) any {
	return reflect.NewAt(v.Type().Elem(), v.UnsafePointer()).Interface()
}

// itemOf is the item a pointer to an item, or to a kind of item, points to.
func itemOf(v reflect.Value) *site.Item {
	switch x := iface(v).(type) {
	case *site.Item:
		return x
	case *site.Proposal:
		return &x.Item
	case *site.Practice:
		return &x.Item
	case *site.Goal:
		return &x.Item
	case *site.Objective:
		return &x.Item
	case *site.Result:
		return &x.Item
	case *site.Action:
		return &x.Item
	}
	return nil
}

// encodedInput is the input encoding of model values (an item, a body's votes), made
// once for every language: its SHA-256 and the entities it points to.
type encodedInput struct {
	once sync.Once
	sum  Fingerprint
	refs []any // the entities it points to, in the order of their numbers
	ok   bool
}

// inputID names what an encodedInput encodes: the item, or the slice of n values at p.
type inputID struct {
	what string
	p    unsafe.Pointer
	n    int
}

// inputs are the input encodings of a build, shared by its languages' renderers.
type inputs struct {
	mu sync.Mutex
	m  map[inputID]*encodedInput
	// The encodings of what many inputs point to, by address: the votes (a vote is
	// met by its item's pages and its voter's, in each language), the verdicts and the
	// origins. Looked up a few hundred thousand times a build, by a key cheaper to hash
	// than an inputID, mostly under the read lock.
	byVote, byVerdict, byOrigin ptrInputs
	// votes: the votes are encoded once each (inputRefs.memo), on a site of at most
	// memoVotesUpTo reactions.
	votes bool
	// shareLanguages: the languages share these encodings, the last letting go of each
	// once read, on a site of at most shareInputsUpTo reactions and items. On a larger
	// site each language has encodings of its own, let go of once read: the first
	// language's, held for the last, were 70 MB at 100,000 proposals and 1,000,000
	// reactions at the build's largest live heap (the items' and the bodies' votes'
	// entities), and making them again costs that build a few seconds of CPU.
	shareLanguages bool
}

// shareInputsUpTo is how many reactions and items a site may have for its languages to
// share their input encodings (inputs.shareLanguages).
var shareInputsUpTo = 250000

// memoVotesUpTo is how many reactions a site may have for each vote's encoding to be
// kept for the build (about 130 bytes each, three times that at the collector's peak):
// past it, each is encoded where it is met, twice, which a full build of that size does
// not notice, and which keeps half a gigabyte out of the memory of one of a million.
const memoVotesUpTo = 250000

func newInputs(s *site.Site) *inputs {
	return &inputs{m: map[inputID]*encodedInput{}, votes: s != nil && len(s.Reactions) <= memoVotesUpTo,
		shareLanguages: s == nil || len(s.Reactions)+len(s.Items) <= shareInputsUpTo}
}

// voteMemo is where the votes' encodings are kept, or nil when they are not.
func (s *inputs) voteMemo() *inputs {
	if s.votes {
		return s
	}
	return nil
}

// ptrInputs are encodings kept by the address of what they encode.
type ptrInputs struct {
	mu sync.RWMutex
	m  map[unsafe.Pointer]*encodedInput
}

// at is the encodedInput for p, made empty on the first call.
func (pi *ptrInputs) at(p unsafe.Pointer) *encodedInput {
	pi.mu.RLock()
	in := pi.m[p]
	pi.mu.RUnlock()
	if in != nil {
		return in
	}
	pi.mu.Lock()
	defer pi.mu.Unlock()
	if in = pi.m[p]; in == nil {
		if pi.m == nil {
			pi.m = map[unsafe.Pointer]*encodedInput{}
		}
		in = &encodedInput{}
		pi.m[p] = in
	}
	return in
}

// encodedAt is encoded for a value kept in pi by its address: a vote, a verdict, an
// origin (what names it in the encoding, never an item's pages), whose pointer is v.
func (s *inputs) encodedAt(pi *ptrInputs, what string, v reflect.Value, memo *inputs) *encodedInput {
	in := pi.at(v.UnsafePointer())
	in.once.Do(func() { s.fill(in, what, nil, true, v.Elem(), memo) })
	return in
}

// encoded is the input encoding of v, named id, made on the first call: root is the item
// whose pages it is for (pointers to it are encoded as itself), links whether other
// proposals and practices are encoded as their links, memo where the votes it holds are
// encoded once (inputRefs).
func (s *inputs) encoded(id inputID, root *site.Item, links bool, v reflect.Value, memo *inputs) *encodedInput {
	s.mu.Lock()
	in := s.m[id]
	if in == nil {
		in = &encodedInput{}
		s.m[id] = in
	}
	s.mu.Unlock()
	in.once.Do(func() { s.fill(in, id.what, root, links, v, memo) })
	return in
}

// forget lets go of the encoding id names, which the last language to read it has read:
// at 100,000 proposals the items' and the bodies' votes' encodings, and the entities
// they point to, were 75 MB held to the end of the render, when the build's live heap is
// at its largest. One asked for again is made again: slower, never wrong.
func (s *inputs) forget(id inputID) {
	s.mu.Lock()
	delete(s.m, id)
	s.mu.Unlock()
}

// fill makes the encoding in of v, named what (encoded).
func (s *inputs) fill(in *encodedInput, what string, root *site.Item, links bool, v reflect.Value, memo *inputs) {
	e := getEncoder()
	refs := &inputRefs{root: root, links: links, memo: memo, verdicts: s}
	e.in = refs
	e.str("pspm input 1")
	e.str(what)
	e.str(v.Type().String())
	in.ok = e.value(v, 0)
	in.sum, in.refs = e.sum(), refs.refs
	putEncoder(e)
}

// maxInputRefs bounds the entities one input encodes: past it (a proposal voted on by
// thousands of bodies) the page is fingerprinted from its view, as before.
const maxInputRefs = 1 << 14

// withLinks encodes in, then the links to the entities it points to in this language;
// false when one cannot be encoded.
func (r *renderer) withLinks(e *encoder, in *encodedInput) bool {
	if !in.ok || len(in.refs) > maxInputRefs {
		return false
	}
	e.b = append(e.b, in.sum[:]...)
	for _, ref := range in.refs {
		if !r.memoLink(e, ref) {
			return false
		}
	}
	return true
}

// memoLink is refLink, made once per entity and language.
func (r *renderer) memoLink(e *encoder, ref any) bool {
	rv := reflect.ValueOf(ref)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return r.refLink(e, ref)
	}
	t, p := rv.Type(), rv.UnsafePointer()
	r.linksMu.RLock()
	m, known := r.links[p]
	r.linksMu.RUnlock()
	if known && m.t == t { // an entity and the item it embeds share their address
		e.b = append(e.b, m.b...)
		return m.ok
	}
	sub := getEncoder()
	m = memoLinkOf{t: t, ok: r.refLink(sub, ref)}
	if m.ok {
		m.b = bytes.Clone(sub.b)
		e.b = append(e.b, sub.b...)
	}
	putEncoder(sub)
	if !known {
		r.linksMu.Lock()
		if r.links == nil {
			r.links = map[unsafe.Pointer]memoLinkOf{}
		}
		r.links[p] = m
		r.linksMu.Unlock()
	}
	return m.ok
}

// inputKey is the input key of the page (kind "page") or feed (kind "feed") of the
// proposal or practice root, whose item is it; ok is false when it has none (an item a
// source brought, or one that points to what a key cannot hold): the page is then
// fingerprinted from its view.
func (r *renderer) inputKey(kind string, it *site.Item, root any) (Fingerprint, bool) {
	if r.inputs == nil || it.From != nil {
		return Fingerprint{}, false
	}
	d, ok := r.itemInput(it, root)
	if !ok {
		return Fingerprint{}, false
	}
	g, ok := r.globalKey()
	if !ok {
		return Fingerprint{}, false
	}
	e := getEncoder()
	defer putEncoder(e)
	e.str("pspm input key 2")
	e.str(kind)
	e.b = append(e.b, r.salt[:]...)
	e.b = append(e.b, g[:]...)
	e.b = append(e.b, d[:]...)
	return e.sum(), true
}

// itemInput is the digest of the input encoding of the item it (root its proposal or
// practice) with the links it points to in this language: its card's (cardInput) when it
// has one, made once for its page, its feed and the lists that show its card (each made
// it again: its links were looked up three times).
func (r *renderer) itemInput(it *site.Item, root any) (Fingerprint, bool) {
	if i, ok := r.cards.at[it]; ok {
		if src := r.cards.srcs[i]; (src.prop != nil && any(src.prop) == root) || (src.prac != nil && any(src.prac) == root) {
			return r.cardInput(it)
		}
	}
	in := r.inputs.encoded(inputID{"item", unsafe.Pointer(it), 0}, it, false, reflect.ValueOf(root).Elem(), r.inputs.voteMemo())
	e := getEncoder()
	defer putEncoder(e)
	if !r.withLinks(e, in) {
		return Fingerprint{}, false
	}
	return e.sum(), true
}

// keyed gives the task t, the page (kind "page") or feed ("feed") of the proposal or
// practice root, its input key; with Options.InputCheck, the key and the fingerprint of
// the view are reported.
func (r *renderer) keyed(t *task, kind string, it *site.Item, root any) {
	r.withInput(t, func() (Fingerprint, bool) { return r.inputKey(kind, it, root) })
}

// withInput gives the task t the input key that key makes, when the build has input
// keys; with Options.InputCheck, each key made is reported with the fingerprint of the
// view the task makes.
func (r *renderer) withInput(t *task, key func() (Fingerprint, bool)) {
	if r.inputs == nil {
		return
	}
	path, make := t.path, t.make
	t.input = func() (Fingerprint, bool) {
		k, ok := key()
		if ok && r.InputCheck != nil {
			var d *deferred
			if _, err := make(); errors.As(err, &d) {
				if fp, ok := d.fingerprint(); ok {
					r.InputCheck(path, k, fp)
				}
			}
		}
		return k, ok
	}
}

// listKeyed gives the task t, a page of a list of cards, an input key when every card on
// it is a proposal's or a practice's whose item has one: a page made after one vote then
// needs neither its cards nor its view to be kept (making every card of the site to
// fingerprint the lists was a tenth of such a build). A card shows its item and the
// entities it links, in the page's language, and nothing else of the site: what the
// item's own page reads, so the item's input (with the links it points to) stands for
// its card. bare is the page's view without its cards; the key holds it, the kind of
// page, the salt, the language's global key and each item's input in order. With
// Options.InputCheck, the key and the view's fingerprint are reported, as for items.
func (r *renderer) listKeyed(t *task, kind string, bare func() *Page, items []*site.Item) {
	r.withInput(t, func() (Fingerprint, bool) { return r.listKey(kind, bare(), items) })
}

// listKey is the input key of a page of cards (listKeyed).
func (r *renderer) listKey(kind string, bare *Page, items []*site.Item) (Fingerprint, bool) {
	g, ok := r.globalKey()
	if !ok {
		return Fingerprint{}, false
	}
	e := getEncoder()
	defer putEncoder(e)
	e.shared = &r.shared
	e.str("pspm list key 1")
	e.str(kind)
	e.b = append(e.b, r.salt[:]...)
	e.b = append(e.b, g[:]...)
	if !e.value(reflect.ValueOf(bare), 0) {
		return Fingerprint{}, false
	}
	e.uint(uint64(len(items)))
	for _, it := range items {
		d, ok := r.cardInput(it)
		if !ok {
			return Fingerprint{}, false
		}
		e.b = append(e.b, d[:]...)
	}
	return e.sum(), true
}

// cardInput is the digest of what the card of it is made from, in this language: its
// item's input encoding and the links it points to; ok is false for a card that has
// none (a plan item's, whose progress is rolled up from other items, or a federated
// item's). Made once per item: a proposal is on a dozen lists' pages.
func (r *renderer) cardInput(it *site.Item) (Fingerprint, bool) {
	i, ok := r.cards.at[it]
	if !ok || it.From != nil {
		return Fingerprint{}, false
	}
	var root any
	switch src := r.cards.srcs[i]; {
	case src.prop != nil:
		root = src.prop
	case src.prac != nil:
		root = src.prac
	default:
		return Fingerprint{}, false
	}
	sl := &r.cards.slots[i]
	sl.inputOnce.Do(func() {
		id := inputID{"item", unsafe.Pointer(it), 0}
		in := r.inputs.encoded(id, it, false, reflect.ValueOf(root).Elem(), r.inputs.voteMemo())
		e := getEncoder()
		if sl.inputOK = r.withLinks(e, in); sl.inputOK {
			sl.input = e.sum()
		}
		putEncoder(e)
		if r.lastInputs { // the card's digest holds what the language reads of it
			r.inputs.forget(id)
		}
	})
	return sl.input, sl.inputOK
}

// refLink encodes what the pages of an item show of an entity it points to: a link to it.
func (r *renderer) refLink(e *encoder, ref any) bool {
	var l Link
	switch x := ref.(type) {
	case *site.Body:
		l = r.bodyLink(x, x.ID)
	case *site.Participant:
		l = r.participantLink(x, x.ID)
	case *site.Version:
		// The versions themselves are in the global key.
		e.str(x.Name)
		e.str(x.Commit)
		return true
	default:
		it := itemOf(reflect.ValueOf(ref))
		if it == nil {
			return false
		}
		l = r.itemLink(it)
		e.str(it.URL())
		e.str(it.Dir)
		if it.From != nil { // an item a source brought: no links to commits, no forge
			e.str(it.From.Kind)
		}
	}
	e.str(l.Title)
	e.str(l.URL)
	return true
}

// globalKey is the language's global key: what every proposal's and practice's page
// reads beyond the item, the entities it links and the salt. Made once.
func (r *renderer) globalKey() (Fingerprint, bool) {
	r.globalOnce.Do(func() {
		e := newEncoder()
		e.str("pspm global input 1")
		ok := e.value(reflect.ValueOf(r.view), 0)
		s := r.Site
		e.uint(uint64(len(s.Versions)))
		for _, v := range s.Versions {
			ok = ok && e.value(reflect.ValueOf(versionScalars(v)), 0)
		}
		if s.Latest != nil {
			e.str(s.Latest.Name)
		}
		e.str(s.Registration)
		if hasCommunity(s) {
			e.tag(1)
		}
		ok = ok && e.value(reflect.ValueOf(r.prefill), 0)
		if s.AgID != nil { // a practice's page names the AgID objectives it refers to
			ok = ok && e.value(reflect.ValueOf(s.AgID.Plan), 0)
		}
		r.global, r.globalOK = e.sum(), ok
	})
	return r.global, r.globalOK
}

// versionScalars is what a version is besides its plan and the versions around it (which
// the commit it was tagged at and the list of versions determine).
func versionScalars(v *site.Version) site.Version {
	c := *v
	c.Plan, c.Previous, c.Changes = nil, nil, nil
	return c
}

// inputLater is the late view of the rows of a page made from the values of list
// alone (with the entities they point to, as links in the page's language), such as a
// body's votes: its key is their input encoding, fill makes them. ok is false when they
// cannot be encoded, or the build has no page cache: the rows must then be made at once.
func inputLater[T any](r *renderer, what string, list []*T, fill func()) (late lateView, ok bool) {
	if r.inputs == nil {
		return lateView{}, false
	}
	var p unsafe.Pointer
	if len(list) > 0 {
		p = unsafe.Pointer(&list[0])
	}
	id := inputID{what, p, len(list)}
	in := r.inputs.encoded(id, nil, true, reflect.ValueOf(list), r.inputs.voteMemo())
	if r.lastInputs { // the late key holds the encoding until the page is made
		r.inputs.forget(id)
	}
	late.key = lateKey(func(e *encoder) { ok = r.withLinks(e, in) })
	late.fill = fill
	return late, ok
}
