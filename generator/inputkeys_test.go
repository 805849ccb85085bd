package generator_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/render"
)

// keyAndView is what a build said of a page with an input key.
type keyAndView struct{ input, view render.Fingerprint }

// checkedBuild builds g into dest over its previous output, and returns the input key and
// view fingerprint of every page and feed that has an input key.
func (g *gitRepo) checkedBuild(dest string) (*generator.Result, map[string]keyAndView) {
	g.t.Helper()
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		g.t.Fatal(err)
	}
	var mu sync.Mutex
	got := map[string]keyAndView{}
	res, err := generator.BuildDirCheckingInputs(generator.Options{Source: fsys, Dir: g.dir}, dest, func(path string, input, view render.Fingerprint) {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := got[path]; dup {
			g.t.Errorf("%s: reported twice", path)
		}
		got[path] = keyAndView{input, view}
	})
	if err != nil {
		g.t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	return res, got
}

// A page kept by its input key is a page whose view did not change: over a series of
// changes of every kind the pages of proposals and practices read (their own files, the
// bodies and participants who voted, their targets, the plan's phases and owner, the
// moderation, the versions, translations), every page and feed whose input key is the
// previous build's has the previous build's view fingerprint, and the output is a cold
// build's, byte for byte.
func TestInputKeysAgreeWithViews(t *testing.T) {
	g := communityRepo(t, "author", "open")
	dest := filepath.Join(t.TempDir(), "public")
	_, prev := g.checkedBuild(dest)
	if len(prev) == 0 {
		t.Fatal("no page has an input key")
	}
	for _, p := range []string{"proposals/p1/index.html", "proposals/p1/index.xml", "en/proposals/cp1/index.html", "practices/pr1/index.html", "en/practices/pr1/index.xml"} {
		if _, ok := prev[p]; !ok {
			t.Errorf("%s has no input key", p)
		}
	}
	replace := func(name, old, new string) {
		t.Helper()
		data := g.read(name)
		if !strings.Contains(data, old) {
			t.Fatalf("%s does not hold %q", name, old)
		}
		g.write(name, strings.Replace(data, old, new, 1))
	}
	steps := []struct {
		name string
		do   func()
		// changed are pages whose input must change; same, pages whose input must not.
		changed, same []string
	}{
		{"vote", func() {
			g.write(reggioVote, "vote: support\n")
			g.write("content/proposals/cp1/reactions/r_080.yaml", "vote: support\n")
		},
			// The lists show the proposals' tallies on their cards.
			[]string{"proposals/p1/index.html", "en/proposals/p1/index.xml", "proposals/cp1/index.html", "proposals/index.html", "en/proposals/index.html"},
			[]string{"practices/pr1/index.html", "practices/index.html"}},
		{"support", func() { g.write(giuliaSupport, "\n") },
			[]string{"proposals/cp1/index.html"}, []string{"proposals/p1/index.html"}},
		{"participant renamed", func() { replace("content/participants/giulia.md", "name: Giulia Neri\n", "name: Giulia Neri Bassi\n") },
			[]string{"proposals/cp1/index.html", "proposals/cp1/index.xml"}, []string{"proposals/p1/index.html"}},
		{"body renamed", func() {
			replace("content/bodies/c_h223.md", "name: Comune di Reggio Emilia\n", "name: Comune di Reggio nell'Emilia\n")
		}, []string{"proposals/p1/index.html", "practices/pr1/index.html", "proposals/index.html", "practices/index.html"}, []string{"proposals/cp1/index.html"}},
		// The body's page is rendered again, the lists that show the same cards are kept:
		// the cards' HTML, made when a page asks for it, is there all the same.
		{"body described", func() {
			replace("content/bodies/c_h223.md", "    email: marco.bianchi@comune.re.it\n---\n", "    email: marco.bianchi@comune.re.it\n---\nIl Comune di Reggio Emilia.\n")
		}, nil, []string{"proposals/p1/index.html"}},
		{"target renamed", func() { replace("content/plan/actions/a1.md", "title: Azione uno\n", "title: Azione prima\n") },
			[]string{"proposals/p1/index.html"}, []string{"practices/pr1/index.html"}},
		// The rows of the votes on the voter's page link the items by their titles.
		// (the region's only row that names cp1: it has no proposal and no comment).
		{"proposal renamed", func() {
			replace("content/proposals/cp1/index.md", "title: Piste ciclabili verso le scuole\n", "title: Piste ciclabili verso le scuole e i parchi\n")
		}, []string{"proposals/cp1/index.html"}, []string{"proposals/p1/index.html"}},
		{"reply", func() {
			g.write("content/proposals/p1/feedback/c_h223-r1.md", "---\ntitle: Prima risposta\ndate: 2025-02-11\nreply_to: m_ef-domanda\n---\nA settembre.\n")
		}, []string{"proposals/p1/index.html", "proposals/p1/index.xml"}, []string{"proposals/cp1/index.html"}},
		{"new proposal", func() {
			g.write("content/proposals/p2/index.md", "---\ntitle: Proposta due\nbody: r_080\ndate: 2025-02-04\ntargets: [a1]\ntags: [Cloud]\nstatus: open\n---\nTesto della seconda proposta.\n")
			g.write("content/proposals/p2/reactions/c_h223.yaml", "vote: oppose\n")
		}, nil, []string{"proposals/p1/index.html", "practices/pr1/index.html"}},
		{"answer", func() {
			replace("content/proposals/p1/index.md", "status: open\n", "status: under-review\nanswer: {date: 2025-02-04, text: Ci stiamo lavorando.}\n")
		}, []string{"proposals/p1/index.html", "proposals/p1/index.xml"}, []string{"proposals/p2/index.html"}},
		{"tags", func() { replace("content/proposals/p2/index.md", "tags: [Cloud]", "tags: [Cloud, sanità]") },
			[]string{"proposals/p2/index.html"}, []string{"proposals/p1/index.html"}},
		{"moderation", func() {
			g.write("content/moderation/_index.md", "---\ntitle: Moderazione\n---\nRegolaDelPortale: niente insulti.\n")
			g.write("content/moderation/m1-voto.md", "---\ntarget: content/proposals/p2/reactions/c_h223.yaml\nrule: R2 rispetto\ndate: 2025-03-01\n---\nInsulti.\n")
		}, []string{"proposals/p2/index.html"}, nil},
		{"phase closed", func() { replace("content/plan/_index.md", "to: 2025-06-30\n", "to: 2025-02-02\n") }, nil, nil},
		{"owner renamed", func() {
			replace("content/bodies/m_ef.md", "name: Ministero dell'Economia e delle Finanze\n", "name: Ministero dell'Economia\n")
		}, []string{"proposals/p1/index.html"}, nil},
		{"translation", func() {
			g.write("content/proposals/p1/index.en.md", "---\ntitle: Proposal one\n---\nThe text of the proposal.\n")
		}, []string{"en/proposals/p1/index.html", "en/proposals/p1/index.xml"}, []string{"en/proposals/p2/index.html"}},
		{"new version", nil, nil, nil},
		{"nothing changed", func() {}, nil, []string{"proposals/p1/index.html", "proposals/p2/index.xml", "en/practices/pr1/index.html", "proposals/index.html", "en/practices/index.html"}},
	}
	for i, s := range steps {
		// The day of the first commit: the first build of another day renders every page
		// (each shows the day the site is as of).
		date := fmt.Sprintf("2025-01-01T%02d:%02d:00Z", 11+i/3, 20*(i%3))
		if s.do != nil {
			s.do()
			if s.name != "nothing changed" {
				g.commitAll(date, marco, s.name)
			}
		} else {
			g.tag(date, "plan/1.0", "HEAD", "Prima versione", "")
		}
		_, cur := g.checkedBuild(dest)
		sameAsCold(t, s.name, dest, g.coldFiles())
		same := 0
		for p, kv := range cur {
			was, ok := prev[p]
			if !ok || was.input != kv.input {
				continue
			}
			same++
			if was.view != kv.view {
				t.Errorf("%s: %s has the input key of the build before but another view: it would be kept stale", s.name, p)
			}
		}
		for _, p := range s.changed {
			if cur[p].input == (render.Fingerprint{}) || cur[p].input == prev[p].input {
				t.Errorf("%s: the input key of %s did not change", s.name, p)
			}
		}
		for _, p := range s.same {
			if cur[p].input == (render.Fingerprint{}) || cur[p].input != prev[p].input {
				t.Errorf("%s: the input key of %s changed", s.name, p)
			}
		}
		t.Logf("%s: %d of %d keyed pages and feeds with the same input key", s.name, same, len(cur))
		prev = cur
	}
	if _, err := os.Stat(filepath.Join(dest, "proposals", "p2", "index.html")); err != nil {
		t.Fatal(err)
	}
}

// A theme's card template that shows the card's own HTML sees it empty: the build
// neither waits for itself nor fails.
func TestCardTemplateShowingItsOwnHTML(t *testing.T) {
	card, err := os.ReadFile("../themes/default/layouts/partials/card.html")
	if err != nil {
		t.Fatal(err)
	}
	g := newGitRepo(t, "author", "-- layouts/partials/card.html --\n"+strings.Replace(string(card), "<article class=\"card card-{{.Kind}}\">", "<article class=\"card card-{{.Kind}}\">{{.HTML}}", 1))
	dest := filepath.Join(t.TempDir(), "public")
	g.incrBuild(dest)
	sameAsCold(t, "card template with .HTML", dest, g.coldFiles())
	page, err := os.ReadFile(filepath.Join(dest, "proposals", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `<article class="card card-proposal">`) {
		t.Error("the list does not show the card")
	}
}
