package browser_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/serve"
)

// TestFederatedPagesInHeadlessChromium builds the demo with a municipality's portal as a
// source and checks the pages federation adds or changes, as every page of the demo is
// checked: axe-core (WCAG 2.1 AA), heading order, weight, no failed request, at a phone's
// width and a desktop's.
func TestFederatedPagesInHeadlessChromium(t *testing.T) {
	axe := needChromiumAxeAndGit(t)

	// The municipality's portal, in its own repository.
	repo := t.TempDir()
	writeFiles(t, repo, map[string]string{
		"pspm.yaml":                            "title: Portale di Reggio Emilia\n",
		"content/plan/_index.md":               "---\ntitle: Piano digitale di Reggio Emilia\nperiod: 2026-2028\nowner: c_h223\n---\n\nIl piano del comune.\n",
		"content/bodies/c_h223.md":             "---\nname: Comune di Reggio Emilia\nkind: municipality\n---\n",
		"content/plan/goals/servizi.md":        "---\ntitle: Servizi digitali per i cittadini\n---\n",
		"content/plan/objectives/pagamenti.md": "---\ntitle: Pagamenti online\ngoal: servizi\n---\n",
		"content/plan/actions/tributi.md":      "---\ntitle: Tributi locali con pagoPA\nobjective: pagamenti\nowner: c_h223\nstatus: in-progress\nprogress: 40\nstart: 2026-01-01\ndue: 2027-06-30\ncontributes_to: [pagamenti-digitali]\n---\n\nTutti i tributi pagabili con pagoPA.\n",
		"content/proposals/mobilita/index.md":  "---\ntitle: Mobilità condivisa per i dipendenti\nbody: c_h223\ndate: 2026-10-01\ntags: [mobilita]\n---\n\nBiciclette e auto condivise.\n",
	})
	gitCommitAll(t, repo, "il portale")

	src := writeDemo(t)
	if err := os.WriteFile(filepath.Join(src, "pspm.yaml"), []byte("sources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    body: c_h223\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, err := generator.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "public")
	if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: src}, out); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	h, err := serve.Handler(out)
	if err != nil {
		t.Fatal(err)
	}
	p := servePortal(t, h, axe)
	for _, pg := range []page{
		{"federated-plan", "/bodies/c_h223/plan/", "it", 200, 0},
		{"federated-action", "/bodies/c_h223/plan/actions/tributi/", "it", 200, 0},
		{"federated-proposal", "/bodies/c_h223/proposals/mobilita/", "it", 200, 0},
		{"objective-contributing", "/plan/objectives/pagamenti-digitali/", "it", 200, 0},
		{"monitoring-bodies", "/monitoring/", "it", 200, 0},
		{"practices-by-source", "/practices/", "it", 200, 0},
		{"en-federated-proposal", "/en/bodies/c_h223/proposals/mobilita/", "en", 200, 0},
	} {
		for _, vp := range viewports() {
			t.Run(pg.name+"-"+vp.name, func(t *testing.T) { p.checkPage(t, pg, vp) })
		}
	}
	// The contribution shows where a reader looks for it.
	ctx, _, _ := p.tab(t, viewports()[0], "/plan/objectives/pagamenti-digitali/")
	if !strings.Contains(eval[string](t, ctx, `document.body.innerText`), "Tributi locali con pagoPA") {
		t.Error("the central objective does not show the local action contributing to it")
	}
}
