package review_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/history"
)

// The gate's fuzzer for amendments: random merge requests that propose, edit, withdraw
// or delete amendments to the action a1, owned by the plan owner m_ef, answer them in
// answer.md in the name of any body (accepting, applying the text or not; rejecting,
// with a text or not), write the answer in the proposer's file instead, delete answers,
// and vote on them, by members of any body or of none. Whenever the gate passes, the request is landed with a real merge, and
// every change the landing made to the amendments folder must be one the rules allow to
// the member who authored it.

const (
	amendDir = "content/plan/actions/a1/amendments/"
	tempi    = amendDir + "c_h223-tempi.md"
	tempiAns = amendDir + "c_h223-tempi/answer.md"
	a1       = "content/plan/actions/a1.md"
)

// amendText is an amendment to a1 in state, with an answer when answer is set, proposing
// due (a date).
func amendText(state, due string, answer bool) string {
	s := "---\ntitle: Azione uno, in tempi certi\nreason: Tempi certi.\ndate: 2025-02-01\nfields:\n  - name: due\n    value: " + due + "\nstate: " + state + "\n"
	if answer {
		s += "answer:\n  date: 2025-02-05\n  text: Risposta.\n"
	}
	return s + "---\nTesto proposto.\n"
}

// answerText is body's answer to an amendment in state, with a text when text is set.
func answerText(state, body string, text bool) string {
	s := "---\nstate: " + state + "\ndate: 2025-02-05\nbody: " + body + "\n---\n"
	if text {
		s += "Risposta.\n"
	}
	return s
}

// a1Applied is a1 as c_h223-tempi proposes it.
const a1Applied = "---\ntitle: Azione uno, in tempi certi\nobjective: o1\nstatus: in-progress\nprogress: 40\nstart: 2025-01-01\ndue: 2026-06-30\n---\nTesto proposto.\n"

// newAmendRepo is the gate's repository with c_h223's open amendment to a1 on main.
func newAmendRepo(t testing.TB) *gateRepo {
	g := newGateRepo(t)
	g.write(tempi, amendText("open", "2026-06-30", false))
	g.main = append(g.main, g.commit("2025-01-20T10:00:00Z", people[1], "Emendamento"))
	return g
}

// amendRequest makes a random request about amendments from the bytes of ops on
// branch req, and returns its actor.
func (g *gateRepo) amendRequest(ops []byte) string {
	g.t.Helper()
	next := (*opBytes)(&ops).next
	g.must("", people[0], "checkout", "-q", "-f", "-B", "req", g.main[len(g.main)-1])
	g.must("", people[0], "clean", "-q", "-fdx")
	me := people[next()%len(people)]
	actor := ""
	if next()%3 > 0 {
		actor = me.forge
	}
	for i := 0; len(ops) > 0 && i < 4; i++ {
		date := fmt.Sprintf("2025-02-%02dT10:00:00Z", 1+i)
		p := me
		if next()%4 == 0 {
			p = people[next()%len(people)]
		}
		body := voters[next()%len(voters)]
		switch next() % 8 {
		case 0: // a new amendment of some body
			g.write(amendDir+body+"-nuovo.md", amendText([]string{"open", "open", "accepted", "withdrawn"}[next()%4], "2027-01-01", next()%2 == 0))
		case 1: // an edit of what c_h223 proposes
			g.write(tempi, amendText("open", []string{"2026-09-30", "2027-03-31"}[next()%2], false))
		case 2: // a withdrawal
			g.write(tempi, amendText("withdrawn", "2026-06-30", false))
		case 3: // an acceptance in the name of some body, applied to a1 or not
			g.write(tempiAns, answerText("accepted", body, next()%2 == 0))
			if next()%2 == 0 {
				g.write(a1, a1Applied)
			}
		case 4: // a rejection in the name of some body, with a text or not
			g.write(tempiAns, answerText("rejected", body, next()%2 == 0))
		case 5: // a deletion of the amendment or of its answer
			_ = os.Remove(filepath.Join(g.dir, []string{tempi, tempiAns}[next()%2]))
		case 6: // a vote on the amendment
			g.write(amendDir+"c_h223-tempi/reactions/"+body+".yaml", "vote: "+[]string{"support", "oppose"}[next()%2]+"\n")
		case 7: // the answer written in the proposer's file, as it once was
			g.write(tempi, amendText([]string{"accepted", "rejected"}[next()%2], "2026-06-30", next()%2 == 0))
			if next()%2 == 0 {
				g.write(a1, a1Applied)
			}
		}
		g.commit(date, p, "amend")
	}
	return actor
}

// checkAmendLanding lands req on a copy of main and fails unless every change to the
// amendments folder was allowed to the member who made it.
func (g *gateRepo) checkAmendLanding(actor string) {
	g.t.Helper()
	g.must("", people[0], "checkout", "-q", "-f", "-B", "landed", "main")
	if _, err := g.git("2025-02-20T10:00:00Z", people[0], "merge", "-q", "--no-ff", "-m", "Merge req", "req"); err != nil {
		_, _ = g.git("", people[0], "merge", "--abort")
		return
	}
	h, err := history.Load(history.Options{Dir: g.dir, Branch: "landed"})
	if err != nil {
		g.t.Fatal(err)
	}
	bodyOf := func(email string) string {
		for _, p := range people {
			if strings.EqualFold(p.email, email) {
				return p.body
			}
		}
		return ""
	}
	actorBody := ""
	for _, p := range people {
		if actor != "" && p.forge == actor {
			actorBody = p.body
		}
	}
	show := func(rev, f string) string {
		out, err := g.git("", people[0], "show", rev+":"+f)
		if err != nil {
			return ""
		}
		return out
	}
	state := func(text string) string {
		for _, l := range strings.Split(text, "\n") {
			if s, ok := strings.CutPrefix(l, "state: "); ok {
				return s
			}
		}
		return ""
	}
	diff := g.must("", people[0], "diff", "--no-renames", "--name-status", "main", "landed", "--", amendDir)
	for _, line := range strings.Split(diff, "\n") {
		status, f, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		if status == "D" {
			g.t.Errorf("the gate passed, and landing deleted %s", f)
			continue
		}
		by := bodyOf(h.Files[f].Author.Email)
		want := ""
		before, after := show("main", f), show("landed", f)
		switch name := path.Base(f); {
		case strings.Contains(f, "/reactions/"):
			want = strings.TrimSuffix(name, ".yaml")
		case name == "answer.md":
			want = "m_ef" // the owner of a1, and the plan owner
			if !strings.Contains(after, "body: m_ef\n") {
				g.t.Errorf("the gate passed, and landing answered %s in the name of another body than the owner's:\n%s", f, after)
			}
			if status == "M" && state(before) != state(after) {
				g.t.Errorf("the gate passed, and landing turned the answer %s from %s to %s", f, state(before), state(after))
			}
			amendment := path.Dir(f) + ".md"
			if show("main", amendment) == "" {
				g.t.Errorf("the gate passed, and landing answered %s in the request that proposed it", amendment)
			}
			if sa := state(show("landed", amendment)); sa != "open" {
				g.t.Errorf("the gate passed, and landing answered %s, which is %s", amendment, sa)
			}
			if state(after) == "accepted" && show("landed", a1) != strings.TrimSpace(a1Applied) {
				g.t.Errorf("the gate passed, and landing accepted %s without applying it to a1", amendment)
			}
			if state(after) == "rejected" && !strings.Contains(after, "Risposta.") {
				g.t.Errorf("the gate passed, and landing rejected %s without a text", amendment)
			}
		case status == "A":
			want = strings.SplitN(name, "-", 2)[0]
			if want == "m_ef" {
				g.t.Errorf("the gate passed, and landing added %s, an amendment by the owner of a1", f)
			}
			if s := state(after); s != "open" {
				g.t.Errorf("the gate passed, and landing added %s in state %s", f, s)
			}
		default:
			want = "c_h223"
			switch sb, sa := state(before), state(after); {
			case sa != "open" && sa != "withdrawn" || strings.Contains(after, "answer:"):
				g.t.Errorf("the gate passed, and landing wrote state %s (or an answer) in the proposer's file %s", sa, f)
			case sb != "open":
				g.t.Errorf("the gate passed, and landing changed %s, which was %s", f, sb)
			case show("main", strings.TrimSuffix(f, ".md")+"/answer.md") != "":
				g.t.Errorf("the gate passed, and landing changed %s, which its owner had answered", f)
			}
		}
		if want != "" && by != want {
			g.t.Errorf("the gate passed, and landing changed (%s) %s, made by a member of %q, not of %s", status, f, by, want)
		}
		if want != "" && actor != "" && actorBody != want {
			g.t.Errorf("the gate passed for actor %s, and landing changed (%s) %s, which is %s's to change", actor, status, f, want)
		}
	}
}

// TestGateAllowsOnlyTheAmendmentChangesTheRulesAllow runs the amendments fuzzer's
// property on requests made from a fixed seed, in every `go test`.
func TestGateAllowsOnlyTheAmendmentChangesTheRulesAllow(t *testing.T) {
	g := newAmendRepo(t)
	rng := rand.New(rand.NewPCG(17, 3))
	n := 40
	if testing.Short() {
		n = 8
	}
	seeds := [][]byte{
		{1, 1, 1, 1, 1, 1},                // Marco edits his amendment
		{1, 1, 1, 1, 2},                   // Marco withdraws it
		{0, 1, 1, 0, 3, 0, 0},             // Anna accepts it for m_ef, applying it
		{0, 1, 1, 0, 3, 0, 1},             // Anna accepts it without applying it
		{1, 1, 1, 0, 3, 0, 0},             // Marco accepts his own in m_ef's name
		{1, 1, 1, 1, 3, 0, 0},             // Marco accepts his own in c_h223's name
		{0, 1, 1, 0, 4, 0},                // Anna rejects it with a text
		{0, 1, 1, 0, 4, 1},                // Anna rejects it without a text
		{0, 1, 1, 2, 4, 0},                // Anna rejects it in r_080's name
		{0, 1, 1, 0, 7, 0, 0, 0},          // Anna accepts it in Marco's file
		{0, 1, 1, 0, 5, 0},                // Anna deletes it
		{2, 1, 1, 2, 0, 0},                // Luca proposes an amendment
		{0, 1, 1, 0, 0, 0},                // Anna proposes one to her own action
		{2, 1, 1, 2, 6, 0},                // Luca votes on Marco's amendment
		{3, 0, 1, 1, 0, 0},                // Eve proposes one for c_h223
		{1, 1, 1, 1, 1, 0, 1, 0, 3, 0, 0}, // Marco edits, then Anna accepts, in one request
		{1, 1, 1, 0, 2, 0, 0, 0, 4, 0},    // Marco withdraws, then Anna rejects, in one request
	}
	g.property(t, seeds, n, rng, 4, 16, g.amendRequest, g.checkAmendLanding)
}

func FuzzAmendmentGate(f *testing.F) {
	f.Add([]byte{1, 1, 1, 1, 1, 1})
	f.Add([]byte{0, 1, 1, 0, 3, 0, 0})
	g := newAmendRepo(f)
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 48 {
			return
		}
		g.t = t
		actor := g.amendRequest(ops)
		if errs := g.gate(actor); len(errs) > 0 {
			return
		}
		g.checkAmendLanding(actor)
	})
}
