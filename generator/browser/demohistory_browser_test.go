package browser_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/demo"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/serve"
)

// TestDemoHistoryWalkInHeadlessChromium walks a reader through the demo as `pspm serve
// --demo` builds it, from its generated Git history: the versions page, a version, what
// it changed, a proposal's votes with their audit trail, the forged vote shown as not
// counted and a counted one with the commit that cast it, and the amendments of two
// actions: an open one as a word diff with its votes, an accepted one with MEF's answer. Each page passes axe-core; the
// reader follows the links the pages give, never a URL typed in.
func TestDemoHistoryWalkInHeadlessChromium(t *testing.T) {
	axe := needChromiumAxeAndGit(t)
	out := buildDemoHistory(t)
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	p := servePortal(t, h, axe)
	vp := viewports()[0]
	// visit opens a page, checks it with axe-core and returns its text.
	visit := func(path string) (string, func(selector string) string) {
		t.Helper()
		ctx, _, resp := p.tab(t, vp, path)
		if resp.Status != 200 {
			t.Fatalf("%s: status %d", path, resp.Status)
		}
		p.shot(t, ctx, "demo-history"+strings.ReplaceAll(strings.TrimSuffix(path, "/"), "/", "-"), true)
		text := eval[string](t, ctx, `document.querySelector('main').innerText`)
		p.checkAxe(t, ctx, wcag21AA)
		link := func(selector string) string {
			t.Helper()
			href := eval[string](t, ctx, `(document.querySelector(`+jsString(selector)+`) || {getAttribute: () => ''}).getAttribute('href')`)
			if href == "" {
				t.Fatalf("%s has no link %s", path, selector)
			}
			return href
		}
		return text, link
	}

	// The versions: three, the second signed by MEF's maintainer and verified.
	text, link := visit("/plan/versions/")
	for _, want := range []string{"2025.1", "2026.1", "2026.2", "firmata e verificata", "Giulia Ferraresi"} {
		if !strings.Contains(text, want) {
			t.Errorf("the versions page does not say %q:\n%.1500s", want, text)
		}
	}
	// A version, as approved.
	text, link = visit(link(`main a[href$="/plan/2026.1/"]`))
	if !strings.Contains(text, "2026.1") {
		t.Errorf("the page of version 2026.1 does not name it:\n%.800s", text)
	}
	// What it changed: a due date moved and a sentence of an action rewritten, actions
	// added from the proposals MEF took up.
	text, _ = visit(link(`main a[href$="/plan/2026.1/changes/"]`))
	for _, want := range []string{"Migrazione degli applicativi strategici al Polo Strategico Nazionale", "30 giugno 2026", "31 dicembre 2026", "è stata", "Estensione di pagoPA ai versamenti erariali minori"} {
		if !strings.Contains(text, want) {
			t.Errorf("the changes of 2026.1 do not show %q:\n%.2000s", want, text)
		}
	}

	// A proposal's votes, each with its audit trail: who cast it, by which commit, when
	// it landed; the vote a member of Roma Capitale cast for Regione Lazio is not counted.
	text, _ = visit("/proposals/spesa-digitale-scuole/")
	forged := rowOf(text, "Regione Lazio")
	if !strings.Contains(forged, "No: autore non membro dell'ente") || !strings.Contains(forged, "Claudia Rinaldi") {
		t.Errorf("the forged vote's row does not say it is not counted, and why:\n%s", forged)
	}
	counted := rowOf(text, "Comune di Reggio Emilia")
	if !strings.Contains(counted, "Sì") || !strings.Contains(counted, "verificato: commit di Federica Incerti") || !commitRE.MatchString(counted) {
		t.Errorf("a counted vote's row does not show its verification and commit:\n%s", counted)
	}

	// Amendments on an action's page: the Provincia di Reggio Emilia's, open, as a word
	// diff against the action's current text, with its status and the votes on it; on
	// another action, Comune di Reggio Emilia's, accepted by MEF's answer.
	amendment := func(path, id string) (string, int) {
		t.Helper()
		ctx, _, resp := p.tab(t, vp, path)
		if resp.Status != 200 {
			t.Fatalf("%s: status %d", path, resp.Status)
		}
		p.shot(t, ctx, "demo-history"+strings.ReplaceAll(strings.TrimSuffix(path, "/"), "/", "-"), true)
		p.checkAxe(t, ctx, wcag21AA)
		sel := jsString("#amendment-" + id)
		if !eval[bool](t, ctx, `!!document.querySelector(`+sel+`)`) {
			t.Fatalf("%s has no amendment #amendment-%s", path, id)
		}
		marks := eval[int](t, ctx, `document.querySelector(`+sel+`).querySelectorAll('del, ins').length`)
		return eval[string](t, ctx, `document.querySelector(`+sel+`).innerText`), marks
	}
	open, marks := amendment("/plan/actions/pagopa-comuni-piccoli/", "p_re-province")
	if marks == 0 {
		t.Errorf("the open amendment shows no word diff (<del>/<ins>):\n%s", open)
	}
	for _, want := range []string{"Provincia di Reggio Emilia", "Aperto", "Le province partecipano al programma", "2 favorevoli", "Comune di Reggio Emilia", "verificato: commit di"} {
		if !strings.Contains(open, want) {
			t.Errorf("the open amendment does not show %q:\n%s", want, open)
		}
	}
	accepted, _ := amendment("/plan/actions/design-system-servizi/", "c_h223-scadenza-riuso")
	for _, want := range []string{"Accolto", "Comune di Reggio Emilia", "Accolto: la scadenza dell'azione è spostata al 31 marzo 2027", "Ministero dell'Economia e delle Finanze"} {
		if !strings.Contains(accepted, want) {
			t.Errorf("the accepted amendment does not show %q:\n%s", want, accepted)
		}
	}
	if strings.Contains(accepted, "non vale") {
		t.Errorf("MEF's answer is shown as not counted:\n%s", accepted)
	}
}

// buildDemoHistory writes the demo's Git history, as `pspm serve --demo` does, builds it
// and returns the output folder.
func buildDemoHistory(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	err := demo.Write(func(name string, data []byte) error {
		_, err := output.CreateFile(dir, name, data, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	fsys, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: dir}, out)
	if err != nil {
		t.Fatalf("the demo's history does not build: %v\n%s", err, res.Diagnostics.Format())
	}
	return out
}

// commitRE finds a short commit hash.
var commitRE = regexp.MustCompile(`\b[0-9a-f]{10}\b`)

// rowOf returns the line of a page's text that starts with name, and the line after it
// (a table row's cells may wrap).
func rowOf(text, name string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), name) {
			return strings.Join(lines[i:min(i+3, len(lines))], "\n")
		}
	}
	return ""
}
