// Package synth generates large synthetic portals in pspm's content format, so
// that pspm (and other static site generators, on the very same files) can be
// benchmarked on sites far bigger than any real one.
//
// A synthetic portal follows the README's "Content format reference" to the
// letter: every id, date, status, kind and cross-reference is valid, proposals
// carry 400 to 800 words of Italian public-administration prose with the
// headings, lists, tables and links of real proposals, and reactions respect
// the one-file-per-voter-per-item rule. The same Options always give the same
// bytes, on every machine.
//
// Generate streams: it builds one file, hands it to the caller and forgets it,
// so its memory does not grow with the size of the site beyond a few bytes per
// item. It never touches the disk; cmd/pspmsynth does.
//
// RealPlan is the other corpus: not large but real-shaped, three editions of a plan
// like AgID's three-year plan with its codes, renumberings, co-owners, addressees and
// yearly targets, which RealPlanRepository hands out as a Git repository with a tag
// per edition.
package synth

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Options sizes a synthetic portal. The zero value of Goals, Objectives and
// Actions means 5, 20 and 100; every other count means exactly what it says.
type Options struct {
	// Proposals, Practices, Reactions, Bodies and Tags are the numbers of
	// proposals, good practices, reaction files, public bodies (the plan
	// owner m_ef included, so at least 1) and distinct tags.
	Proposals, Practices, Reactions, Bodies, Tags int
	// Goals, Objectives and Actions size the plan's three levels.
	Goals, Objectives, Actions int
	// Seed selects the portal: the same Options give the same bytes.
	Seed int64
	// FeedbackPerProposal is the number of feedback files on each proposal.
	FeedbackPerProposal int
	// Participants and Supports are the numbers of the community's participants
	// (content/participants/) and of their support files, spread evenly over the
	// proposals, one per participant per proposal. With participants, registration is
	// open, the consultation opens proposals, feedback and supports to the community
	// with a threshold, and every tenth proposal is a community proposal.
	Participants, Supports int
}

// The site-wide facts that both the portal and its Hugo twin show.
const (
	siteTitle   = "Piano strategico per la trasformazione digitale 2025-2027"
	siteBaseURL = "https://example.org/piano/"
	ownerID     = "m_ef"
	ownerName   = "Ministero dell'Economia e delle Finanze"
)

// Streams give every item its own random sequence, so that an item's content
// does not depend on how many items come before it.
const (
	streamPlan = iota + 1
	streamGoal
	streamObjective
	streamAction
	streamBody
	streamBodyKind
	streamMembers
	streamProposal
	streamStatus
	streamPractice
	streamSpread
)

// GenerateDir writes the portal Generate makes as files under dir, creating the folders.
func GenerateDir(dir string, o Options) error {
	return Generate(o, func(p string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	})
}

// Generate writes a complete, valid portal (pspm.yaml, content/plan/_index.md,
// goals, objectives, actions, bodies, proposals, practices, reactions and
// feedback) by calling emit once per file, with slash-separated paths relative
// to the site root, in a deterministic order. data is only valid until emit
// returns: Generate reuses its buffer for the next file. The first error from
// emit stops generation and is returned, wrapped with the path.
func Generate(o Options, emit func(path string, data []byte) error) error {
	o = o.withDefaults()
	if err := o.check(); err != nil {
		return err
	}
	g := newGenerator(o, emit)
	g.spreadReactions()
	steps := []func() error{g.config, g.planIndex, g.goals, g.objectives, g.actions, g.bodies, g.participants, g.proposals, g.practices}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.Goals == 0 {
		o.Goals = 5
	}
	if o.Objectives == 0 {
		o.Objectives = 20
	}
	if o.Actions == 0 {
		o.Actions = 100
	}
	return o
}

func (o Options) check() error {
	for _, f := range []struct {
		name string
		n    int
	}{
		{"Proposals", o.Proposals}, {"Practices", o.Practices}, {"Reactions", o.Reactions},
		{"Tags", o.Tags}, {"Goals", o.Goals}, {"Objectives", o.Objectives}, {"Actions", o.Actions},
		{"FeedbackPerProposal", o.FeedbackPerProposal}, {"Participants", o.Participants}, {"Supports", o.Supports},
	} {
		if f.n < 0 {
			return fmt.Errorf("synth: Options.%s is %d, want 0 or more", f.name, f.n)
		}
	}
	if o.Bodies < 1 {
		return fmt.Errorf("synth: Options.Bodies is %d, want at least 1 (the plan owner %s is the first body)", o.Bodies, ownerID)
	}
	if o.Supports > 0 && (o.Proposals == 0 || int64(o.Supports) > int64(o.Participants)*int64(o.Proposals)) {
		return fmt.Errorf("synth: %d supports do not fit: a participant supports a proposal at most once, so %d participants on %d proposals give at most %d supports",
			o.Supports, o.Participants, o.Proposals, int64(o.Participants)*int64(o.Proposals))
	}
	items := int64(o.Proposals) + int64(o.Actions)
	if most := items * int64(o.Bodies); int64(o.Reactions) > most {
		return fmt.Errorf("synth: %d reactions do not fit: a voter reacts at most once per item, so %d bodies on %d proposals and %d actions give at most %d reactions; raise Bodies or Proposals, or lower Reactions",
			o.Reactions, o.Bodies, o.Proposals, o.Actions, most)
	}
	return nil
}

// generator holds the state of one Generate call. Besides scratch buffers, it
// keeps only the reaction count of each proposal and action and one
// permutation of the voters.
type generator struct {
	o     Options
	emitf func(path string, data []byte) error
	v     *vocab
	seed  uint64

	src, auxSrc *rand.PCG
	r, aux      *rand.Rand // r: the current item's stream; aux: side lookups

	buf    bytes.Buffer
	doc    doc
	ints   []int
	strs   []string
	perm   []int32 // a permutation of the bodies, for drawing distinct voters
	voters []int32

	proposalReactions, actionReactions []int32

	wGoal, wObjective, wAction, wProposal, wPractice int
}

func newGenerator(o Options, emit func(string, []byte) error) *generator {
	g := &generator{o: o, emitf: emit, v: newVocab(), seed: mix(uint64(o.Seed))}
	g.src = rand.NewPCG(0, 0)
	g.auxSrc = rand.NewPCG(0, 0)
	g.r = rand.New(g.src)
	g.aux = rand.New(g.auxSrc)
	g.perm = make([]int32, o.Bodies)
	for i := range g.perm {
		g.perm[i] = int32(i)
	}
	g.wGoal = width(o.Goals, 2)
	g.wObjective = width(o.Objectives, 3)
	g.wAction = width(o.Actions, 4)
	g.wProposal = width(o.Proposals, 5)
	g.wPractice = width(o.Practices, 4)
	return g
}

// emit hands the buffer to the caller under path.
func (g *generator) emit(path string) error {
	if err := g.emitf(path, g.buf.Bytes()); err != nil {
		return fmt.Errorf("synth: %s: %w", path, err)
	}
	return nil
}

// mix is SplitMix64's finalizer: it spreads nearby inputs over all 64 bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash is a deterministic random number for item i of a stream.
func (g *generator) hash(stream, i int) uint64 {
	return mix(g.seed ^ mix(uint64(stream)<<40^uint64(i)))
}

// reseed points g.r at the stream of item i.
func (g *generator) reseed(stream, i int) { g.src.Seed(g.seed, g.hash(stream, i)) }

// reseedAux points g.aux at the stream of item i.
func (g *generator) reseedAux(stream, i int) { g.auxSrc.Seed(g.seed, g.hash(stream, i)) }

func width(n, least int) int { return max(least, len(strconv.Itoa(n))) }

func (g *generator) goalID(i int) string      { return fmt.Sprintf("os-%0*d", g.wGoal, i+1) }
func (g *generator) objectiveID(i int) string { return fmt.Sprintf("oo-%0*d", g.wObjective, i+1) }
func (g *generator) actionID(i int) string    { return fmt.Sprintf("az-%0*d", g.wAction, i+1) }
func (g *generator) proposalID(i int) string  { return fmt.Sprintf("proposta-%0*d", g.wProposal, i+1) }
func (g *generator) practiceID(i int) string  { return fmt.Sprintf("pratica-%0*d", g.wPractice, i+1) }

// bodyKind is the kind of body i: the owner is a ministry, bodies 1 to 9 show
// every kind once, the others follow a plausible mix dominated by municipalities.
func (g *generator) bodyKind(i int) int {
	switch {
	case i == 0:
		return 0
	case i <= len(g.v.bodyKinds):
		return i - 1
	}
	h := g.hash(streamBodyKind, i) % 100
	for k, upTo := range [...]uint64{4, 12, 19, 24, 74, 81, 88, 96, 100} {
		if h < upTo {
			return k
		}
	}
	return 4
}

// bodyID is body i's IPA-like code: lower case, digits and "_", never "-", so
// that feedback file names <voter>-<slug> split unambiguously.
func (g *generator) bodyID(i int) string {
	if i == 0 {
		return ownerID
	}
	return fmt.Sprintf("%s_x%04d", g.v.bodyPrefixes[g.bodyKind(i)], i)
}

// place is a unique, plausible Italian place name for index i.
func (g *generator) place(i int) string {
	v := g.v
	t, n := len(v.towns), len(v.townTails)+1
	name := v.towns[i%t]
	if k := (i / t) % n; k > 0 {
		name += " " + v.townTails[k-1]
	}
	if round := i / (t * n); round > 0 {
		name += " " + strconv.Itoa(round+1)
	}
	return name
}

func (g *generator) bodyName(i int) string {
	v := g.v
	switch g.v.bodyKinds[g.bodyKind(i)] {
	case "ministry":
		if i == 0 {
			return ownerName
		}
		return v.ministries[i%len(v.ministries)]
	case "region":
		return "Regione " + v.regions[i%len(v.regions)]
	case "province":
		return "Provincia di " + g.place(i)
	case "metropolitan-city":
		return "Città metropolitana di " + g.place(i)
	case "municipality":
		return "Comune di " + g.place(i)
	case "agency":
		return "Agenzia per l'innovazione di " + g.place(i)
	case "university":
		return "Università degli Studi di " + g.place(i)
	case "health-authority":
		return "Azienda sanitaria locale di " + g.place(i)
	}
	return "Unione dei comuni di " + g.place(i)
}

// members are the people of body i, as (first name, last name) pairs. They are
// drawn from their own stream so that proposals can name them as authors.
func (g *generator) members(i int) [][2]string {
	g.reseedAux(streamMembers, i)
	v := g.v
	out := make([][2]string, 1+g.aux.IntN(3))
	for k := range out {
		out[k] = [2]string{v.firstNames[g.aux.IntN(len(v.firstNames))], v.lastNames[g.aux.IntN(len(v.lastNames))]}
	}
	return out
}

func (g *generator) domain(i int) string {
	return strings.ReplaceAll(g.bodyID(i), "_", "-") + ".example.org"
}

// proposalStatus is drawn from its own hash so that actions can take up
// accepted proposals without generating them. The first six proposals show
// every status once.
func (g *generator) proposalStatus(i int) string {
	statuses := g.v.proposalStatuses
	if i < len(statuses) {
		return statuses[i]
	}
	h := g.hash(streamStatus, i) % 100
	for k, upTo := range [...]uint64{40, 55, 70, 80, 92, 100} {
		if h < upTo {
			return statuses[k]
		}
	}
	return "open"
}

func (g *generator) tag(i int) string {
	t := g.v.tags
	if i < len(t) {
		return t[i]
	}
	return t[i%len(t)] + "-" + strconv.Itoa(i/len(t)+1)
}

// skewed draws from [0, n) with low values more likely, so that some bodies
// and tags are much more active than others, as in real portals.
func (g *generator) skewed(n int) int { return min(g.r.IntN(n), g.r.IntN(n)) }

// distinct fills g.ints with k distinct values drawn from [0, n) by draw.
func (g *generator) distinct(n, k int, draw func(int) int) []int {
	g.ints = g.ints[:0]
	k = min(k, n)
	for len(g.ints) < k {
		x := draw(n)
		if !slices.Contains(g.ints, x) {
			g.ints = append(g.ints, x)
		}
	}
	return g.ints
}

// day formats day d of 2025 (0 is January 1st; clamped to the year).
func day(d int) string {
	d = min(max(d, 0), 364)
	m := 0
	for _, n := range [...]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31} {
		if d < n {
			break
		}
		d -= n
		m++
	}
	return fmt.Sprintf("2025-%02d-%02d", m+1, d+1)
}

// spreadReactions decides how many reactions each proposal and action gets:
// most go to proposals, a few to actions, unevenly, never more than one per
// body per item.
func (g *generator) spreadReactions() {
	o := g.o
	g.proposalReactions = make([]int32, o.Proposals)
	g.actionReactions = make([]int32, o.Actions)
	toActions := o.Reactions / 20
	if o.Proposals == 0 {
		toActions = o.Reactions
	}
	toActions = min(toActions, o.Actions*o.Bodies)
	toProposals := o.Reactions - toActions
	if most := o.Proposals * o.Bodies; toProposals > most {
		toActions += toProposals - most
		toProposals = most
	}
	g.reseed(streamSpread, 0)
	spread(g.r, g.proposalReactions, toProposals, o.Bodies)
	spread(g.r, g.actionReactions, toActions, o.Bodies)
}

// spread distributes total over counts with random uneven integer weights,
// at most most per slot. The caller guarantees total <= len(counts)*most.
func spread(r *rand.Rand, counts []int32, total, most int) {
	n := len(counts)
	if n == 0 || total == 0 {
		return
	}
	weights := make([]uint64, n)
	var sum uint64
	for i := range weights {
		a := uint64(r.IntN(8))
		weights[i] = 1 + a*a*a
		sum += weights[i]
	}
	left := total
	for i, w := range weights {
		c := min(int(uint64(total)*w/sum), most)
		counts[i] = int32(c)
		left -= c
	}
	for i := r.IntN(n); left > 0; i = (i + 1) % n {
		if int(counts[i]) < most {
			counts[i]++
			left--
		}
	}
}

// pickVoters draws c distinct bodies, sorted, by a partial Fisher-Yates
// shuffle of g.perm. The permutation carries over from item to item, which
// keeps it a permutation and costs O(c), not O(Bodies), per item.
func (g *generator) pickVoters(c int) []int32 {
	p := g.perm
	for j := range c {
		k := j + g.r.IntN(len(p)-j)
		p[j], p[k] = p[k], p[j]
	}
	g.voters = append(g.voters[:0], p[:c]...)
	slices.Sort(g.voters)
	return g.voters
}

// reactions writes item's reactions under folder, one file per voter.
// Proposals always carry a vote, actions always a priority.
func (g *generator) reactions(folder string, c int, onAction bool) error {
	for _, voter := range g.pickVoters(c) {
		g.buf.Reset()
		if !onAction || g.r.IntN(10) < 4 {
			vote := g.v.votes[0]
			switch x := g.r.IntN(100); {
			case x >= 85:
				vote = g.v.votes[2]
			case x >= 65:
				vote = g.v.votes[1]
			}
			g.raw("vote", vote)
		}
		if onAction || g.r.IntN(10) < 3 {
			g.raw("priority", strconv.Itoa(1+g.r.IntN(5)))
		}
		if g.r.IntN(10) == 0 {
			g.str("comment", g.pick(g.v.reactionComments))
		}
		if err := g.emit(folder + "/reactions/" + g.bodyID(int(voter)) + ".yaml"); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) pick(list []string) string { return list[g.r.IntN(len(list))] }
