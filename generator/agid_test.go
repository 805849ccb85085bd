package generator_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/search"
	"github.com/pspm-dev/pspm/generator/synth"
)

// agidRepo makes a Git repository shaped like italia/pianotriennale-ict-doc: one branch
// per edition (orphan branches, as AgID's are unrelated trees), each holding the .rst
// files of generator/agid/testdata/<edition>, plus Sphinx's _themes folder.
func agidRepo(t *testing.T, editions ...string) string {
	t.Helper()
	dir := sourceRepo(t, map[string]string{"README.md": "# Piano triennale\n"})
	for _, ed := range editions {
		gitIn(t, dir, "checkout", "-q", "--orphan", ed)
		gitIn(t, dir, "rm", "-rq", "--cached", ".")
		for _, e := range mustReadDir(t, dir) {
			if e.Name() != ".git" {
				os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
		src := filepath.Join("agid", "testdata", ed)
		if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
		write(t, dir, "_themes/sphinx_italia_theme/layout.rst", "OB.9.9 - Not a chapter's\n")
		gitIn(t, dir, "add", ".")
		gitIn(t, dir, "commit", "-q", "-m", "Piano triennale "+ed)
	}
	return dir
}

// agidLine is "content/plan/objectives/<id>.md:<line>", the line of its agid key.
func agidLine(t *testing.T, dir, id string) string {
	t.Helper()
	name := "content/plan/objectives/" + id + ".md"
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "agid:") {
			return name + ":" + strconv.Itoa(i+1)
		}
	}
	t.Fatalf("%s has no agid", name)
	return ""
}

func mustReadDir(t *testing.T, dir string) []fs.DirEntry {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// agidPortalRepo is another body's portal whose objective names an AgID objective.
func agidPortalRepo(t *testing.T) string {
	return sourceRepo(t, map[string]string{
		"pspm.yaml":                            "title: Portale di Parma\n",
		"content/plan/_index.md":               "---\ntitle: Piano di Parma\nowner: c_g337\n---\n",
		"content/bodies/c_g337.md":             "---\nname: Comune di Parma\nkind: municipality\n---\n",
		"content/plan/goals/servizi.md":        "---\ntitle: Servizi\n---\n",
		"content/plan/objectives/interop.md":   "---\ntitle: Interoperabilità dei servizi comunali\ngoal: servizi\nagid: [OB.3.1, OB.9.1]\n---\n",
		"content/plan/actions/api-anagrafe.md": "---\ntitle: API dell'anagrafe comunale su PDND\nobjective: interop\nowner: c_g337\nstatus: in-progress\nprogress: 30\ndue: 2027-03-31\n---\n",
	})
}

// buildInMemory builds the site in dir into memory, failing on an error, and returns
// the result and the files written.
func buildInMemory(t *testing.T, dir string) (*generator.Result, map[string][]byte) {
	t.Helper()
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	return res, out.Files()
}

// TestAgIDPlanSourceIsTheReferenceOfObjectives: an agid-plan source on the 2024-2026
// branch of a repository with two editions becomes the reference: /agid/ and a page per
// AgID objective with its results, targets and lines of action, listing this portal's
// objectives and actions that serve it and a federated portal's; an objective's page
// shows AgID's title and links it; an unknown code is a warning at its value with the
// closest codes; agid.json gives the reference as read, with its commit; the other
// branch is the other edition.
func TestAgIDPlanSourceIsTheReferenceOfObjectives(t *testing.T) {
	repo := agidRepo(t, "2022-2024", "2024-2026")
	write(t, repo, "capitolo-3_servizi/extra.rst", "Altro\n=====\n\n-  **Giugno 2026** - Una linea fuori da ogni obiettivo - (AgID) - CAP3.99\n")
	gitIn(t, repo, "add", ".")
	gitIn(t, repo, "commit", "-q", "-m", "odd")
	commit := gitIn(t, repo, "rev-parse", "2024-2026")
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	pr := agidPortalRepo(t)
	dir := demoOnDisk(t)
	config := func(edition string) {
		write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    ref: "+edition+"\n    kind: agid-plan\n"+
			"  - url: file://"+filepath.ToSlash(re)+"\n    body: c_h223\n  - url: file://"+filepath.ToSlash(pr)+"\n    body: c_g337\n")
	}
	config("2024-2026")
	// A result's code where an objective's belongs, and a code in lower case.
	cloud, err := os.ReadFile(filepath.Join(dir, "content/plan/objectives/migrazione-cloud.md"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, dir, "content/plan/objectives/migrazione-cloud.md", strings.Replace(string(cloud), "agid: [OB.6.1]", "agid: [RA3.1.1, ob.3.1]", 1))
	res, files := buildInMemory(t, dir)

	index := string(files["agid/index.html"])
	for _, want := range []string{"Piano Triennale per l&#39;informatica nella Pubblica Amministrazione 2024-2026", "Capitolo 3", "Servizi", `href="/agid/OB.3.1/"`, "OB.1.2", commit[:10]} {
		if !strings.Contains(index, want) {
			t.Errorf("/agid/ does not show %q", want)
		}
	}
	if strings.Contains(index, "OB.9.9") {
		t.Error("a file under _themes is read as part of the plan")
	}
	page := string(files["agid/OB.3.2/index.html"])
	for _, want := range []string{
		"Migliorare la capacità di generare ed erogare servizi digitali accessibili",
		"RA3.2.1", "Target 2025", "80% dei siti conformi", "CAP3.PA.12", "Entro 23 settembre 2025",
		`href="/plan/objectives/pagamenti-digitali/"`, `href="/plan/objectives/servizi-accessibili/"`,
		`href="/plan/actions/pagopa-comuni-piccoli/"`,        // an action of this portal under an objective naming it
		`href="/bodies/c_h223/plan/actions/pagopa-tributi/"`, // a federated action contributing to such an objective
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/agid/OB.3.2/ does not show %q", want)
		}
	}
	page = string(files["agid/OB.3.1/index.html"])
	for _, want := range []string{"CAP3.05", "PagoPA S.p.A, Dipartimento per la Trasformazione Digitale", "Le PA centrali", "Monitoraggio 2024",
		`href="/bodies/c_g337/plan/objectives/interop/"`, "Comune di Parma", `href="/bodies/c_g337/plan/actions/api-anagrafe/"`} {
		if !strings.Contains(page, want) {
			t.Errorf("/agid/OB.3.1/ does not show %q (a federated plan's objective naming it, and its action)", want)
		}
	}
	en := string(files["en/agid/OB.3.1/index.html"])
	if !strings.Contains(en, `lang="it"`) || !strings.Contains(en, "not yet available in English") || !strings.Contains(en, "Institutional lines of action") {
		t.Error("the English page does not mark AgID's Italian text")
	}
	if strings.Contains(string(files["agid/OB.3.1/index.html"]), "not yet available") || strings.Contains(string(files["agid/OB.3.1/index.html"]), "non è ancora disponibile") {
		t.Error("the Italian page says its Italian text is untranslated")
	}
	obj := string(files["plan/objectives/pagamenti-digitali/index.html"])
	if !strings.Contains(obj, `<a href="/agid/OB.3.2/"><span class="badge agid">OB.3.2</span> <span>Migliorare la capacità di generare ed erogare servizi digitali accessibili</span></a>`) {
		t.Errorf("the objective's page does not show AgID's title and link:\n%s", regexp.MustCompile(`(?s)<ul class="agid-refs">.*?</ul>`).FindString(obj))
	}
	if !strings.Contains(string(files["plan/objectives/migrazione-cloud/index.html"]), `<a href="/agid/OB.3.1/"><span class="badge agid">OB.3.1</span>`) {
		t.Error("a code in lower case does not link the reference's objective")
	}
	if !strings.Contains(obj, `<span class="badge agid">OB.4.1</span></li>`) {
		t.Error("a code the reference does not have is not shown plain")
	}
	if !strings.Contains(string(files["en/plan/objectives/pagamenti-digitali/index.html"]), `<span lang="it">Migliorare`) {
		t.Error("AgID's title is not marked Italian on the English objective page")
	}
	if !strings.Contains(string(files["practices/documenti-accessibili-scuole/index.html"]), `<a class="badge agid" href="/agid/OB.3.2/" title="Migliorare la capacità`) {
		t.Error("a practice's AgID code does not link the reference")
	}
	if !strings.Contains(string(files["index.html"]), `href="/agid/"`) {
		t.Error("the menu does not lead to AgID's plan")
	}

	d := res.Diagnostics.Format()
	for _, want := range []string{
		agidLine(t, dir, "dati-aperti") + `:8: warning: agid: "OB.5.1" is not an objective of AgID's plan 2024-2026; did you mean "OB.1.1" or "OB.3.1"`,
		agidLine(t, dir, "pagamenti-digitali") + `:16: warning: agid: "OB.4.1" is not an objective of AgID's plan 2024-2026`,
		agidLine(t, dir, "migrazione-cloud") + `:8: warning: agid: "RA3.1.1" is not an objective of AgID's plan 2024-2026; it is an expected result or a line of action of OB.3.1: name the objective, OB.3.1`,
	} {
		if !strings.Contains(d, want) {
			t.Errorf("missing %q in\n%s", want, d)
		}
	}
	odd := regexp.MustCompile(`\.pspm/sources/[^/ ]+/repo/capitolo-3_servizi/extra\.rst:4: warning: in the source file://\S+ \(2024-2026\), capitolo-3_servizi/extra\.rst: line of action CAP3\.99 is not under an objective`)
	if !odd.MatchString(d) {
		t.Errorf("a problem in AgID's files is not a warning at its file and line in the copy, naming the source:\n%s", d)
	}
	if strings.Contains(d, "OB.9.1") {
		t.Error("a federated plan's unknown code is reported here: it is its portal's to fix")
	}

	var data struct {
		Title    string
		Source   struct{ URL, Ref, Commit string }
		Chapters []struct {
			Number     int
			Objectives []struct {
				Code    string
				Actions []struct {
					Code   string
					Owners []string
				}
				Serving struct{ Objectives, Actions []string }
			}
		}
	}
	if err := json.Unmarshal(files["api/v1/agid.json"], &data); err != nil {
		t.Fatal(err)
	}
	if data.Source.Commit != commit || data.Source.Ref != "2024-2026" || len(data.Chapters) != 2 || data.Chapters[1].Number != 3 {
		t.Fatalf("agid.json: %+v", data)
	}
	ob31 := data.Chapters[1].Objectives[0]
	if ob31.Code != "OB.3.1" || len(ob31.Actions) != 7 || !strings.Contains(strings.Join(ob31.Serving.Actions, " "), "bodies/c_g337/plan/actions/api-anagrafe") {
		t.Errorf("agid.json OB.3.1: %+v", ob31)
	}

	// AgID's objectives are found by their code, first, and by their lines of action.
	x, err := search.Open(filepath.Join(dir, search.CacheDir))
	if err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]string{"OB.3.1": "/agid/OB.3.1/", "ob.3.2": "/agid/OB.3.2/", "type:agid funzionalità di delega": "/agid/OB.3.1/"} {
		req := search.Request{Q: q}
		if rest, ok := strings.CutPrefix(q, "type:agid "); ok {
			req = search.Request{Q: rest, Type: "agid"}
		}
		r, err := x.Search(req)
		if err != nil || len(r.Hits) == 0 || r.Hits[0].URL != want || r.Hits[0].Type != "agid" {
			t.Errorf("search %q: %+v, %v; want %s first", q, r, err, want)
		}
	}
	x.Close()

	var srcs []map[string]any
	if err := json.Unmarshal(files["api/v1/sources.json"], &srcs); err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 3 || srcs[0]["kind"] != "agid-plan" || srcs[0]["commit"] != commit || srcs[0]["ref"] != "2024-2026" {
		t.Errorf("sources.json does not list the agid-plan source: %v", srcs)
	}

	// The other branch is the other edition, with its own conventions.
	config("2022-2024")
	res, files = buildInMemory(t, dir)
	if page := string(files["agid/OB.1.1/index.html"]); !strings.Contains(page, "R.A.1.1a") || !strings.Contains(page, "CAP1.LA03") || !strings.Contains(page, "AGID, Dipartimento per la Trasformazione Digitale") || !strings.Contains(page, "conclusa") {
		t.Error("the 2022-2024 edition is not read from its branch")
	}
	if _, ok := files["agid/OB.3.2/index.html"]; ok {
		t.Error("an objective of the other edition is still there")
	}
	if d := res.Diagnostics.Format(); !strings.Contains(d, `agid: "OB.3.2" is not an objective of AgID's plan 2022-2024`) {
		t.Errorf("the codes are not checked against the edition read:\n%s", d)
	}
}

// TestAgIDPlanSourceWithoutObjectivesIsAWarning: a branch with no plan in it (the wrong
// ref, or path) brings nothing, and says why; the build goes on.
func TestAgIDPlanSourceWithoutObjectivesIsAWarning(t *testing.T) {
	repo := sourceRepo(t, map[string]string{"index.rst": "Altro\n=====\n\nNiente qui.\n"})
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    kind: agid-plan\n  - url: file://"+filepath.ToSlash(repo)+"\n    ref: altro\n    kind: agid-plan\n")
	res, files := buildInMemory(t, dir)
	d := res.Diagnostics.Format()
	for _, want := range []string{"no objective of AgID's plan", "sources[1] is a second agid-plan source"} {
		if !strings.Contains(d, want) {
			t.Errorf("missing %q in\n%s", want, d)
		}
	}
	if _, ok := files["agid/index.html"]; ok {
		t.Error("an empty edition has a page")
	}
	if strings.Contains(d, "is not an objective of AgID's plan") {
		t.Error("codes are checked without a reference")
	}
}

// TestAgIDPagesStayUnderTheBudgetAtTheRealSize: with an edition of 280 lines of action
// (the real-plan corpus's reference, 46 of them under its first objective, as the real
// editions' largest), every AgID page, in both languages, stays under the page budget as
// the corpus's checker weighs it, even when every objective of the demo names the largest
// AgID objective.
func TestAgIDPagesStayUnderTheBudgetAtTheRealSize(t *testing.T) {
	repo := sourceRepo(t, synth.NewRealPlan(synth.RealPlanOptions{Seed: 1}).AgIDReference())
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    kind: agid-plan\n")
	for _, f := range mustReadDir(t, filepath.Join(dir, "content/plan/objectives")) {
		p := filepath.Join(dir, "content/plan/objectives", f.Name())
		data, _ := os.ReadFile(p)
		write(t, dir, "content/plan/objectives/"+f.Name(), strings.Replace(string(data), "agid: [", "agid: [OB.1.1, ", 1))
	}
	res, files := buildInMemory(t, dir)
	if res.Site.AgID == nil || res.Site.AgID.Actions != 280 || len(res.Site.AgID.Objectives) != 25 {
		t.Fatalf("the edition read: %+v", res.Site.AgID)
	}
	weights, err := pageWeights(files, res.Config.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, w := range weights { // heaviest first
		if !strings.HasPrefix(strings.TrimPrefix(w.page, "en/"), "agid/") {
			continue
		}
		if n == 0 {
			t.Logf("largest AgID page: %s, %d bytes", w.page, w.bytes)
		}
		n++
		if w.bytes > maxPageWeight {
			t.Errorf("%s weighs %d bytes, over the budget of %d", w.page, w.bytes, maxPageWeight)
		}
	}
	if n != 2*(1+25) {
		t.Errorf("%d AgID pages, want an index and 25 objectives in two languages", n)
	}
	if !strings.Contains(string(files["agid/OB.1.1/index.html"]), "CAP1.PA.46") {
		t.Error("the largest objective does not list all its lines of action")
	}
}
