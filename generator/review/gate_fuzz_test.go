package review_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/review"
)

// The gate's fuzzer: random merge requests of commits and merges, by members of
// different bodies and by nobody's member, including hand-built merges of old commits,
// deletions and re-adds of old versions, from the tip of main or from an older commit.
// Whenever the gate passes, the request is landed with a real `git merge` and every vote
// that landing changed must have been allowed by main's rules: made by a commit of the
// request authored by a member of the vote's body (policy author, as the build's
// provenance credits it), and, with an actor, opened by a member of that body.

type person struct {
	name, email, forge, body string
}

var people = []person{
	{"Anna Rossi", "anna.rossi@mef.gov.it", "anna", "m_ef"},
	{"Marco Bianchi", "marco.bianchi@comune.re.it", "marco", "c_h223"},
	{"Luca Verdi", "luca.verdi@regione.emilia-romagna.it", "luca", "r_080"},
	{"Eve", "eve@example.org", "eve", ""},
}

var voters = []string{"m_ef", "c_h223", "r_080"}

func voteFile(body string) string { return "content/proposals/p1/reactions/" + body + ".yaml" }

var during = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// gateRepo is the repository the fuzzer works in: main, with its history, stays put.
type gateRepo struct {
	t    testing.TB
	dir  string
	home string
	main []string // main's commits, oldest first
}

func (g *gateRepo) git(date string, p person, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = g.dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + g.home, "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "LC_ALL=C",
		"GIT_AUTHOR_NAME=" + p.name, "GIT_AUTHOR_EMAIL=" + p.email, "GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=Anna Rossi", "GIT_COMMITTER_EMAIL=anna.rossi@mef.gov.it", "GIT_COMMITTER_DATE=" + date}
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func (g *gateRepo) must(date string, p person, args ...string) string {
	g.t.Helper()
	out, err := g.git(date, p, args...)
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (g *gateRepo) write(name, data string) {
	g.t.Helper()
	p := filepath.Join(g.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gateRepo) commit(date string, p person, msg string) string {
	g.must(date, p, "add", "-A")
	g.must(date, p, "commit", "-q", "--allow-empty", "-m", msg)
	return g.must(date, p, "rev-parse", "HEAD")
}

// newGateRepo makes main: the minimal site with policy author and forge accounts, then
// votes cast, changed and withdrawn by the three bodies.
func newGateRepo(t testing.TB) *gateRepo {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	g := &gateRepo{t: t, dir: t.TempDir(), home: t.TempDir()}
	var bodies strings.Builder
	for _, p := range people[:3] {
		fmt.Fprintf(&bodies, "-- content/bodies/%s.md --\n---\nname: Ente %s\nkind: other\nmembers:\n  - name: %s\n    email: %s\n    forge: %s\n---\n", p.body, p.body, p.name, p.email, p.forge)
	}
	overlay := "-- pspm.yaml --\ntitle: Prova\nvotes:\n  policy: author\n" + bodies.String()
	for name, f := range sitetest.Site(sitetest.Minimal, overlay) {
		g.write(name, string(f.Data))
	}
	g.must("", people[0], "init", "-q", "-b", "main")
	g.main = append(g.main, g.commit("2025-01-01T10:00:00Z", people[0], "Il piano"))
	steps := []struct {
		p    person
		data string
	}{
		{people[1], "vote: support\n"},
		{people[2], "vote: oppose\n"},
		{people[0], ""}, // the MEF withdraws its vote
		{people[1], "vote: abstain\n"},
		{people[0], "vote: oppose\n"}, // and casts another
	}
	for i, s := range steps {
		f := voteFile(s.p.body)
		if s.data == "" {
			if err := os.Remove(filepath.Join(g.dir, f)); err != nil {
				t.Fatal(err)
			}
		} else {
			g.write(f, s.data)
		}
		g.main = append(g.main, g.commit(fmt.Sprintf("2025-01-%02dT10:00:00Z", 2+i), s.p, "step"))
	}
	return g
}

// opBytes are a fuzzer's input, read as the choices of a request, one byte each.
type opBytes []byte

// next is the next choice, and 0 once the input is read.
func (o *opBytes) next() int {
	if len(*o) == 0 {
		return 0
	}
	b := (*o)[0]
	*o = (*o)[1:]
	return int(b)
}

// request makes a random merge request from the bytes of ops on branch req, and
// returns the actor that opens it ("" for none).
func (g *gateRepo) request(ops []byte) string {
	g.t.Helper()
	next := (*opBytes)(&ops).next
	start := g.main[len(g.main)-1]
	if next()%4 == 0 { // one request in four is behind main
		start = g.main[next()%len(g.main)]
	}
	g.must("", people[0], "checkout", "-q", "-f", "-B", "req", start)
	g.must("", people[0], "clean", "-q", "-fdx")
	// Mostly one person, acting for their own body, as the actor or without one; now
	// and then someone else, or another body's vote.
	me := people[next()%len(people)]
	actor := ""
	if next()%3 > 0 {
		actor = me.forge
		if next()%4 == 0 {
			actor = people[next()%len(people)].forge
		}
	}
	var mine []string // the request's commits so far
	for i := 0; len(ops) > 0 && i < 6; i++ {
		date := fmt.Sprintf("2025-02-%02dT10:00:00Z", 1+i)
		p, body := me, me.body
		if next()%4 == 0 {
			p = people[next()%len(people)]
		}
		if body == "" || next()%4 == 0 {
			body = voters[next()%len(voters)]
		}
		f := voteFile(body)
		old := append(slices.Clone(g.main), mine...)[next()%(len(g.main)+len(mine))]
		switch next() % 4 {
		case 0: // a new version
			g.write(f, []string{"vote: support\n", "vote: oppose\n", "vote: abstain\n", "vote: support\npriority: 2\n"}[next()%4])
			mine = append(mine, g.commit(date, p, "vote"))
		case 1: // a deletion
			_ = os.Remove(filepath.Join(g.dir, f))
			mine = append(mine, g.commit(date, p, "withdraw"))
		case 2: // an old version, re-added by a commit of one's own
			if _, err := g.git(date, p, "checkout", old, "--", f); err != nil {
				_ = os.Remove(filepath.Join(g.dir, f))
			}
			mine = append(mine, g.commit(date, p, "re-add"))
		case 3: // a hand-built merge of an old commit, each vote from either side
			pick := next()
			if old == g.must(date, p, "rev-parse", "HEAD") {
				continue
			}
			for j, b := range voters {
				if pick&(1<<j) == 0 {
					continue
				}
				if _, err := g.git(date, p, "checkout", old, "--", voteFile(b)); err != nil {
					_ = os.Remove(filepath.Join(g.dir, voteFile(b)))
				}
			}
			g.must(date, p, "add", "-A")
			tree := g.must(date, p, "write-tree")
			parents := []string{"-p", "HEAD", "-p", old}
			if pick&8 != 0 {
				parents = []string{"-p", old, "-p", "HEAD"}
			}
			c, err := g.git(date, p, append(append([]string{"commit-tree", tree}, parents...), "-m", "Merge")...)
			if err != nil {
				continue // the same parent twice
			}
			g.must(date, p, "reset", "-q", c)
			mine = append(mine, c)
		}
	}
	return actor
}

// gate runs the review of req into main as `pspm check --base main` does.
func (g *gateRepo) gate(actor string) diag.List {
	g.t.Helper()
	fsys := os.DirFS(g.dir)
	var errs diag.List
	head, _ := content.Load(fsys, config.Load(fsys, &errs))
	head.Resolve()
	v, err := review.Review(review.Options{Dir: g.dir, Base: "main", Head: "req", Site: head, Actor: actor, Now: during})
	if err != nil {
		g.t.Fatalf("review: %v", err)
	}
	// pspm check --base refuses first what is wrong with the amendments as they would
	// land (an answer in the proposer's file, an answer by a body that does not own the
	// item): the build's check, run before the review.
	for _, a := range head.Amendments {
		v = append(v, a.Problems.Errors()...)
		if a.AnswerFile != nil {
			v = append(v, a.AnswerFile.Problems.Errors()...)
		}
	}
	return v.Errors()
}

// checkLanding lands req on a copy of main and fails unless every vote the landing
// changed was allowed for actor.
func (g *gateRepo) checkLanding(actor string) {
	g.t.Helper()
	g.must("", people[0], "checkout", "-q", "-f", "-B", "landed", "main")
	if _, err := g.git("2025-02-20T10:00:00Z", people[0], "merge", "-q", "--no-ff", "-m", "Merge req", "req"); err != nil {
		_, _ = g.git("", people[0], "merge", "--abort")
		return // a conflict: the forge would not land it as it is
	}
	inRange := map[string]bool{}
	for _, h := range strings.Fields(g.must("", people[0], "rev-list", "main..req")) {
		inRange[h] = true
	}
	h, err := history.Load(history.Options{Dir: g.dir, Branch: "landed"})
	if err != nil {
		g.t.Fatal(err)
	}
	member := func(email, body string) bool {
		for _, p := range people {
			if p.body == body && strings.EqualFold(p.email, email) {
				return true
			}
		}
		return false
	}
	diff := g.must("", people[0], "diff", "--no-renames", "--name-status", "main", "landed", "--", "content/proposals/p1/reactions")
	for _, line := range strings.Split(diff, "\n") {
		status, f, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		body := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if actor != "" {
			var a person
			for _, p := range people {
				if p.forge == actor {
					a = p
				}
			}
			if a.body != body {
				g.t.Errorf("the gate passed for actor %s, and landing changed (%s) %s, a vote of %s", actor, status, f, body)
			}
		}
		if status != "D" {
			pr := h.Files[f]
			if pr == nil || !inRange[pr.Commit] || !member(pr.Author.Email, body) {
				g.t.Errorf("the gate passed, and landing changed (%s) %s, credited to %+v: not a commit of the request by a member of %s", status, f, pr, body)
			}
			continue
		}
		// A withdrawal: some commit of the request by a member removed the file.
		ok = false
		for c := range inRange {
			author := g.must("", people[0], "log", "-1", "--format=%ae", c)
			if !member(author, body) {
				continue
			}
			if _, err := g.git("", people[0], "cat-file", "-e", c+":"+f); err == nil {
				continue
			}
			for _, p := range strings.Fields(g.must("", people[0], "log", "-1", "--format=%P", c)) {
				if _, err := g.git("", people[0], "cat-file", "-e", p+":"+f); err == nil {
					ok = true
				}
			}
		}
		if !ok {
			g.t.Errorf("the gate passed, and landing deleted %s, which no commit of the request by a member of %s deleted", f, body)
		}
	}
}

func (g *gateRepo) run(ops []byte) {
	g.t.Helper()
	actor := g.request(ops)
	if errs := g.gate(actor); len(errs) > 0 {
		return
	}
	g.checkLanding(actor)
}

// gateSeeds are requests worth trying first; see request for how bytes become commits.
var gateSeeds = [][]byte{
	{1, 1, 1, 1, 1, 1, 1, 0, 0},                // Marco votes for his own body
	{1, 1, 1, 1, 1, 1, 1, 3, 2},                // Marco hand-merges his own old vote back
	{1, 0, 1, 1, 1, 1, 1, 3, 1},                // Anna hand-merges an old commit without her vote
	{1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 2, 1},       // Marco re-adds his old vote in a commit of his own
	{1, 3, 1, 1, 1, 1, 1, 0, 0},                // Eve, as Eve
	{1, 3, 1, 0, 1, 1, 1, 0, 0},                // Eve with Marco's address, no actor
	{0, 2, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1}, // behind main: Marco votes, withdraws
	{0, 1, 2, 1, 1, 1, 1, 5, 3, 2, 1, 1, 0, 2}, // behind main, merging main's tip by hand
}

// TestGateAllowsOnlyWhatTheBaseRulesAllow runs the fuzzer's property on requests made
// from a fixed seed, in every `go test`.
func TestGateAllowsOnlyWhatTheBaseRulesAllow(t *testing.T) {
	g := newGateRepo(t)
	rng := rand.New(rand.NewPCG(15, 15))
	n := 30
	if testing.Short() {
		n = 5
	}
	g.property(t, gateSeeds, n, rng, 4, 24, g.request, g.checkLanding)
}

// property runs the gate's property on the seeds, then on n requests of least to
// least+spread-1 random bytes drawn from rng: request turns the bytes into a request and
// returns its actor, land checks what a request the gate let pass would land.
// It stops at the first request that breaks the property, and fails when no request
// passed the gate: the property was then never tested.
func (g *gateRepo) property(t *testing.T, seeds [][]byte, n int, rng *rand.Rand, least, spread int, request func([]byte) string, land func(string)) {
	t.Helper()
	passed := 0
	for i := 0; i < len(seeds)+n; i++ {
		var ops []byte
		if i < len(seeds) {
			ops = seeds[i]
		} else {
			ops = make([]byte, least+rng.IntN(spread))
			for j := range ops {
				ops[j] = byte(rng.Uint32())
			}
		}
		actor := request(ops)
		if errs := g.gate(actor); len(errs) == 0 {
			passed++
			land(actor)
		}
		if t.Failed() {
			t.Fatalf("ops %v", ops)
		}
	}
	t.Logf("%d of %d requests passed the gate and landed as allowed", passed, len(seeds)+n)
	if passed == 0 {
		t.Errorf("no request passed the gate: the property was never tested")
	}
}

func FuzzGate(f *testing.F) {
	for _, ops := range gateSeeds {
		f.Add(ops)
	}
	g := newGateRepo(f)
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			return
		}
		g.t = t
		g.run(ops)
	})
}
