package generator_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/output"
)

// sourceRepo makes a Git repository in a temporary folder with the files given, in one
// commit, and returns its folder.
func sourceRepo(t testing.TB, files map[string]string) string {
	t.Helper()
	return sourceRepoIn(t, t.TempDir(), files)
}

// sourceRepoIn is sourceRepo in the folder dir.
func sourceRepoIn(t testing.TB, dir string, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "add", ".")
	gitIn(t, dir, "commit", "-q", "-m", "publiccode.yml")
	return dir
}

func gitIn(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=Comune di Reggio Emilia", "-c", "user.email=it@comune.re.it", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

const publicCodeYML = `publiccodeYmlVersion: "0.4"
name: Segnalazioni Cittadine
url: "https://example.org/comune-re/segnalazioni.git"
landingURL: "https://example.org/comune-re/segnalazioni"
releaseDate: "2026-03-02"
softwareVersion: "2.1.0"
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [city-management, it-service-management]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Ufficio Innovazione
      email: innovazione@comune.re.it
description:
  it:
    shortDescription: Le segnalazioni dei cittadini, dalla app alla squadra di intervento.
    longDescription: >
      Un sistema per ricevere, smistare e chiudere le segnalazioni dei cittadini su strade,
      verde e illuminazione, con lo stato visibile a chi le ha inviate.
    features:
      - segnalazioni con foto e posizione
      - smistamento agli uffici
it:
  countryExtensionVersion: "1.0"
  riuso:
    codiceIPA: c_h223
`

// TestPublicCodeSourceBecomesAPractice: a repository listed in sources: with kind
// publiccode is fetched, and its software appears as a practice of the body, with where it
// comes from, in the pages and the open data; unreachable, the last copy is used and marked
// stale; offline, the copy is used.
func TestPublicCodeSourceBecomesAPractice(t *testing.T) {
	repo := sourceRepo(t, map[string]string{"publiccode.yml": publicCodeYML, "README.md": "# Segnalazioni\n"})
	commit := gitIn(t, repo, "rev-parse", "HEAD")
	dir := demoOnDisk(t)
	// The demo's participants register as the demo's pspm.yaml says.
	write(t, dir, "pspm.yaml", "participation:\n  registration: approved\nsources:\n  - url: file://"+filepath.ToSlash(repo)+"\n    body: c_h223\n    kind: publiccode\n")
	build := func(offline bool) (*generator.Result, map[string][]byte) {
		t.Helper()
		src, err := generator.OpenSource(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := output.NewMem()
		res, err := generator.Build(generator.Options{Source: src, Dir: dir, Offline: offline}, out)
		if err != nil {
			t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
		}
		return res, out.Files()
	}
	res, files := build(false)
	page := string(files["practices/segnalazioni-cittadine/index.html"])
	for _, want := range []string{"Segnalazioni Cittadine", "EUPL-1.2", "publiccode.yml", commit[:10], "segnalazioni con foto e posizione"} {
		if !strings.Contains(page, want) {
			t.Errorf("the practice page does not show %q", want)
		}
	}
	if strings.Contains(page, "notice") {
		t.Error("a fresh source is marked stale")
	}
	var practices []map[string]any
	if err := json.Unmarshal(files["api/v1/practices.json"], &practices); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range practices {
		if p["id"] == "segnalazioni-cittadine" {
			found = true
			if p["kind"] != "software" || p["body"] != "c_h223" || p["source"] != "file://"+filepath.ToSlash(repo) {
				t.Errorf("practices.json: %v", p)
			}
		}
	}
	if !found {
		t.Error("practices.json does not list the software")
	}
	if w := res.Diagnostics.Warnings(); len(w) > 0 {
		t.Errorf("warnings:\n%s", w.Format())
	}

	// The repository goes away: the copy is used, marked stale, with a warning.
	if err := os.RemoveAll(repo); err != nil {
		t.Fatal(err)
	}
	res, files = build(false)
	if d := res.Diagnostics.Format(); !strings.Contains(d, "cannot be fetched") || !strings.Contains(d, commit[:10]) {
		t.Errorf("an unreachable source is not reported:\n%s", d)
	}
	page = string(files["practices/segnalazioni-cittadine/index.html"])
	if !strings.Contains(page, "Segnalazioni Cittadine") || !strings.Contains(page, "notice") {
		t.Error("the stale copy is not used, or not marked")
	}

	// Offline: the copy, without a word about the network.
	res, files = build(true)
	if _, ok := files["practices/segnalazioni-cittadine/index.html"]; !ok {
		t.Error("offline, the cached source is not used")
	}
	if strings.Contains(res.Diagnostics.Format(), "cannot be fetched") {
		t.Errorf("offline, the build complains about the network:\n%s", res.Diagnostics.Format())
	}
}

// TestSourcesAreChecked: bad entries of sources: are reported where they are.
func TestSourcesAreChecked(t *testing.T) {
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: ftp://example.org/x\n    body: c_h223\n    kind: publiccode\n  - url: https://example.org/x.git\n    body: Comune\n    kind: publiccode\n  - url: https://example.org/y.git\n    path: ../up\n    body: c_h223\n    kind: publiccode\n  - url: https://example.org/z.git\n    body: c_h223\n    kind: other\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := generator.Check(generator.Options{Source: src, Dir: dir})
	if err == nil {
		t.Fatal("bad sources are accepted")
	}
	d := res.Diagnostics.Format()
	for _, want := range []string{"pspm.yaml:2:", "sources[0].url", "pspm.yaml:6:", "sources[1].body", "pspm.yaml:9:", "sources[2].path", "kind"} {
		if !strings.Contains(d, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, d)
		}
	}
}

// centralObjective is an objective of the demo's plan that local actions contribute to.
const centralObjective = "pagamenti-digitali"

// portalRepo makes the Git repository of a local body's portal: its plan, its body and
// the ministry's, a proposal of its own with a vote committed by one of its members, and
// a proposal that claims to be the ministry's.
func portalRepo(t *testing.T, body, name, id string) string {
	t.Helper()
	dir := sourceRepo(t, map[string]string{
		"pspm.yaml":                              "title: Portale di " + name + "\nvotes:\n  policy: author\n",
		"content/plan/_index.md":                 "---\ntitle: Piano locale\nperiod: 2026-2028\nowner: " + body + "\n---\n\nIl piano di " + name + ".\n",
		"content/bodies/" + body + ".md":         "---\nname: " + name + "\nkind: municipality\nmembers:\n  - name: Anna Rossi\n    email: anna.rossi@" + body + ".example.it\n---\n",
		"content/bodies/m_ef.md":                 "---\nname: Ministero dell'economia e delle finanze\nkind: ministry\n---\n",
		"content/proposals/" + id + "/index.md":  "---\ntitle: Mobilità condivisa a " + name + "\nbody: " + body + "\ndate: 2026-10-01\ntags: [mobilita]\n---\n\nBiciclette e auto condivise per i dipendenti comunali.\n",
		"content/proposals/rubata/index.md":      "---\ntitle: Una proposta che si dice del ministero\nbody: m_ef\ndate: 2026-10-02\n---\n\nTesto.\n",
		"content/practices/riuso/index.md":       "---\ntitle: Buone pratiche di " + name + "\nbody: " + body + "\nkind: experience\ndate: 2026-05-01\n---\n\nIl riuso del software.\n",
		"content/plan/goals/servizi.md":          "---\ntitle: Servizi digitali per i cittadini di " + name + "\n---\n",
		"content/plan/objectives/pagamenti.md":   "---\ntitle: Pagamenti online\ngoal: servizi\n---\n",
		"content/plan/actions/pagopa-tributi.md": "---\ntitle: Tributi locali con pagoPA a " + name + "\nobjective: pagamenti\nowner: " + body + "\nstatus: in-progress\nprogress: 40\nstart: 2026-01-01\ndue: 2027-06-30\ncontributes_to: [" + centralObjective + ", obiettivo-inesistente]\n---\n\nTutti i tributi pagabili con pagoPA.\n",
		"content/plan/actions/del-ministero.md":  "---\ntitle: Un'azione del ministero\nobjective: pagamenti\nowner: m_ef\nstatus: planned\n---\n",
	})
	vote := filepath.Join(dir, "content/proposals", id, "reactions", body+".yaml")
	if err := os.MkdirAll(filepath.Dir(vote), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(vote, []byte("vote: support\npriority: 4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gitIn(t, dir, "add", ".")
	cmd := []string{"-c", "user.name=Anna Rossi", "-c", "user.email=anna.rossi@" + body + ".example.it", "commit", "-q", "-m", "il voto del comune"}
	gitIn(t, dir, cmd...)
	return dir
}

// TestPortalSourcesAreFederated: two bodies' portals listed as sources bring their
// proposals under /bodies/<body>/, attributed to their repository, with votes verified
// against their own history; two proposals with one id live side by side; what claims
// another body is refused and reported; everything is in the open data and the lists.
func TestPortalSourcesAreFederated(t *testing.T) {
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	mi := portalRepo(t, "c_f205", "Milano", "mobilita")
	pc := portalRepo(t, "c_g337", "Parma", "biblioteche") // a body this portal does not declare
	reCommit := gitIn(t, re, "rev-parse", "HEAD")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(re)+"\n    body: c_h223\n  - url: file://"+filepath.ToSlash(mi)+"\n    body: c_f205\n  - url: file://"+filepath.ToSlash(pc)+"\n    body: c_g337\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	files := out.Files()
	page := string(files["bodies/c_h223/proposals/mobilita/index.html"])
	for _, want := range []string{"Mobilità condivisa a Reggio Emilia", "Comune di Reggio Emilia", reCommit[:10], "file://" + filepath.ToSlash(re), "1 favorevol"} {
		if !strings.Contains(page, want) {
			t.Errorf("the federated proposal's page does not show %q", want)
		}
	}
	if _, ok := files["bodies/c_f205/proposals/mobilita/index.html"]; !ok {
		t.Error("the other source's proposal with the same id has no page")
	}
	if _, ok := files["bodies/c_h223/proposals/rubata/index.html"]; ok {
		t.Error("a proposal that claims another body is published")
	}
	d := res.Diagnostics.Format()
	if !strings.Contains(d, "content/proposals/rubata/index.md:3:") || !strings.Contains(d, `proposals/rubata says it is by another body than "c_h223"`) {
		t.Errorf("the claim is not reported at its place:\n%s", d)
	}
	if !strings.Contains(string(files["bodies/c_h223/index.html"]), "Mobilità condivisa a Reggio Emilia") {
		t.Error("the body's page does not list its federated proposal")
	}
	if !strings.Contains(string(files["proposals/index.html"]), "/bodies/c_h223/proposals/mobilita/") {
		t.Error("the list of proposals does not link the federated one")
	}
	var props []map[string]any
	if err := json.Unmarshal(files["api/v1/proposals.json"], &props); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, p := range props {
		if p["id"] == "mobilita" {
			seen++
			if !strings.HasPrefix(p["source"].(string), "file://") || !strings.Contains(p["url"].(string), "/bodies/") {
				t.Errorf("proposals.json: %v", p)
			}
		}
	}
	if seen != 2 {
		t.Errorf("proposals.json lists %d proposals mobilita, want 2", seen)
	}

	// The local plans, and what they contribute to the central one.
	plan := string(files["bodies/c_h223/plan/index.html"])
	if !strings.Contains(plan, "Tributi locali con pagoPA a Reggio Emilia") || strings.Contains(plan, "del ministero") {
		t.Error("the body's plan page does not list its own action alone")
	}
	action := string(files["bodies/c_h223/plan/actions/pagopa-tributi/index.html"])
	if !strings.Contains(action, `href="/plan/objectives/`+centralObjective+`/"`) || !strings.Contains(action, "40") {
		t.Error("the local action does not link the central objective it contributes to")
	}
	obj := string(files["plan/objectives/"+centralObjective+"/index.html"])
	for _, want := range []string{"/bodies/c_h223/plan/actions/pagopa-tributi/", "/bodies/c_f205/plan/actions/pagopa-tributi/"} {
		if !strings.Contains(obj, want) {
			t.Errorf("the central objective's page does not list the contributing action %s", want)
		}
	}
	if mon := string(files["monitoring/index.html"]); !strings.Contains(mon, "Tributi locali con pagoPA a Milano") || !strings.Contains(mon, "40%") {
		t.Error("the monitoring page does not roll up the local contributions by body")
	}
	if !strings.Contains(d, `contributes_to: this portal's plan has no objective "obiettivo-inesistente"`) || !strings.Contains(d, "content/plan/actions/del-ministero.md") {
		t.Errorf("a bad contributes_to, or an action claiming another owner, is not reported:\n%s", d)
	}
	if list := string(files["practices/index.html"]); !strings.Contains(list, "/practices/source/c_h223-portal/") || !strings.Contains(list, "/practices/source/local/") {
		t.Error("the catalogue of practices has no filter by source")
	}
	if bySrc := string(files["practices/source/c_f205-portal/index.html"]); !strings.Contains(bySrc, "Buone pratiche di Milano") || strings.Contains(bySrc, "Buone pratiche di Reggio Emilia") {
		t.Error("the practices of one source are not listed apart")
	}
	// A body this portal did not declare comes with its source.
	if body := string(files["bodies/c_g337/index.html"]); !strings.Contains(body, "Parma") || !strings.Contains(body, "/bodies/c_g337/proposals/biblioteche/") {
		t.Error("the body a source speaks for, undeclared here, has no page with its proposals")
	}
	var srcs []map[string]any
	if err := json.Unmarshal(files["api/v1/sources.json"], &srcs); err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 3 || srcs[0]["body"] != "c_f205" || srcs[1]["plan"] == nil {
		t.Errorf("sources.json: %v", srcs)
	}
	var votes []map[string]any
	if err := json.Unmarshal(files["api/v1/votes.json"], &votes); err != nil {
		t.Fatal(err)
	}
	counted := false
	for _, v := range votes {
		if v["item"] == "bodies/c_h223/proposals/mobilita" && v["voter"] == "c_h223" {
			counted = v["counted"] == true && v["verification"] == "author"
		}
	}
	if !counted {
		t.Error("the vote committed by a member of the source's body is not counted as verified by its author")
	}
}

// TestPortalSourceFollowsItsRepository: a later build brings what the source's
// repository got since (a new proposal), and follows a rewritten history (a force push)
// with a warning; unreachable, the last copy stays, marked stale on its pages.
func TestPortalSourceFollowsItsRepository(t *testing.T) {
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(re)+"\n    body: c_h223\n")
	build := func() (*generator.Result, map[string][]byte) {
		t.Helper()
		return buildInMemory(t, dir)
	}
	build()

	// Updated upstream.
	write(t, re, "content/proposals/nuova/index.md", "---\ntitle: Sportello digitale di quartiere\nbody: c_h223\ndate: 2026-11-01\n---\n\nUn punto di assistenza.\n")
	gitIn(t, re, "add", ".")
	gitIn(t, re, "commit", "-q", "-m", "una proposta nuova")
	_, files := build()
	if !strings.Contains(string(files["bodies/c_h223/proposals/nuova/index.html"]), "Sportello digitale di quartiere") {
		t.Fatal("a proposal added upstream is not brought in")
	}

	// Rewritten upstream: the new proposal is gone, another took its place.
	gitIn(t, re, "reset", "-q", "--hard", "HEAD~1")
	write(t, re, "content/proposals/altra/index.md", "---\ntitle: Wi-Fi nelle biblioteche\nbody: c_h223\ndate: 2026-11-02\n---\n\nConnessione libera.\n")
	gitIn(t, re, "add", ".")
	gitIn(t, re, "commit", "-q", "-m", "al posto della precedente")
	res, files := build()
	if _, ok := files["bodies/c_h223/proposals/nuova/index.html"]; ok {
		t.Error("a proposal the rewritten history dropped is still published")
	}
	if _, ok := files["bodies/c_h223/proposals/altra/index.html"]; !ok {
		t.Error("the rewritten history's proposal is not brought in")
	}
	if !strings.Contains(res.Diagnostics.Format(), "rewritten") {
		t.Errorf("a force push is not reported:\n%s", res.Diagnostics.Format())
	}

	// Unreachable: the last copy, marked stale.
	if err := os.RemoveAll(re); err != nil {
		t.Fatal(err)
	}
	res, files = build()
	page := string(files["bodies/c_h223/proposals/altra/index.html"])
	if !strings.Contains(page, "Wi-Fi nelle biblioteche") || !strings.Contains(page, `class="notice"`) {
		t.Error("the stale copy is not used, or not marked")
	}
	if !strings.Contains(res.Diagnostics.Format(), "cannot be fetched") {
		t.Errorf("an unreachable source is not reported:\n%s", res.Diagnostics.Format())
	}
}

// TestSourceSymbolicLinksAreWarnedNeverPublished: a portal source commits links to its
// clone's .git/config (which names the source's URL, credentials included) and out of
// the cache to /etc/passwd, as attachments and as a page. Nothing is checked out and no
// link is followed: each is a warning at its path in the source, left out, and none of
// those bytes reach the output; the source's real attachment is still published.
func TestSourceSymbolicLinksAreWarnedNeverPublished(t *testing.T) {
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	item := filepath.Join(re, "content", "proposals", "mobilita")
	if err := os.WriteFile(filepath.Join(item, "piano.pdf"), []byte("%PDF-1.4 il piano\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"content/proposals/mobilita/config.pdf": "../../../.git/config",
		"content/proposals/mobilita/passwd.pdf": "../../../../../../../../../../etc/passwd",
		"content/proposals/leak/index.md":       "../../../.git/config",
	} {
		p := filepath.Join(re, filepath.FromSlash(link))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("no symbolic links here: %v", err)
		}
	}
	gitIn(t, re, "add", ".")
	gitIn(t, re, "commit", "-q", "-m", "links")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://pspm:s3cr3t-t0ken@"+filepath.ToSlash(re)+"\n    body: c_h223\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	d := res.Diagnostics.Format()
	for _, link := range []string{"content/proposals/mobilita/config.pdf", "content/proposals/mobilita/passwd.pdf", "content/proposals/leak/index.md"} {
		if !strings.Contains(d, "/repo/"+link+": warning: in the source") || !strings.Contains(d, "symbolic link is never followed") {
			t.Errorf("the link %s is not a warning at its path:\n%s", link, d)
		}
	}
	if strings.Contains(d, "s3cr3t") {
		t.Errorf("a diagnostic shows the source's token:\n%s", d)
	}
	files := out.Files()
	for name, data := range files {
		for _, secret := range []string{"s3cr3t", "[remote", "repositoryformatversion", "root:x:0"} {
			if strings.Contains(string(data), secret) {
				t.Errorf("%s holds %q", name, secret)
			}
		}
	}
	if got := string(files["bodies/c_h223/proposals/mobilita/piano.pdf"]); got != "%PDF-1.4 il piano\n" {
		t.Errorf("the source's attachment = %q, want it published from the source's commit", got)
	}
	for _, name := range []string{"bodies/c_h223/proposals/mobilita/config.pdf", "bodies/c_h223/proposals/mobilita/passwd.pdf", "bodies/c_h223/proposals/leak/index.html"} {
		if _, ok := files[name]; ok {
			t.Errorf("%s is published", name)
		}
	}
	// Nothing of the source is checked out in the cache.
	matches, _ := filepath.Glob(filepath.Join(dir, ".pspm", "sources", "*", "repo", "content"))
	if len(matches) > 0 {
		t.Errorf("the source is checked out: %q", matches)
	}
}

// TestSourceOverALimitKeepsItsPreviousCopy: an update of a source that brings a folder
// deeper than limits.source_depth is refused with a warning naming the source (without
// its credentials) and the limit; the copy fetched before is still shown.
func TestSourceOverALimitKeepsItsPreviousCopy(t *testing.T) {
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://pspm:s3cr3t-t0ken@"+filepath.ToSlash(re)+"\n    body: c_h223\nlimits:\n  source_depth: 8\n")
	build := func() (*generator.Result, map[string][]byte) {
		t.Helper()
		return buildInMemory(t, dir)
	}
	build()

	deep := filepath.Join(re, "content", "proposals", "nuova")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(deep, "index.md"), []byte("---\ntitle: Una proposta nuova\nbody: c_h223\ndate: 2026-10-03\n---\n\nTesto.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	write(t, re, strings.Repeat("d/", 9)+"f.md", "deep\n")
	gitIn(t, re, "add", ".")
	gitIn(t, re, "commit", "-q", "-m", "deep")

	res, files := build()
	d := res.Diagnostics.Format()
	if !strings.Contains(d, "sources[0] file://") || !strings.Contains(d, "limits.source_depth (8)") || !strings.Contains(d, "is kept") {
		t.Errorf("the refused update is not a warning naming the source and the limit:\n%s", d)
	}
	if strings.Contains(d, "s3cr3t") {
		t.Errorf("a diagnostic shows the source's token:\n%s", d)
	}
	if _, ok := files["bodies/c_h223/proposals/mobilita/index.html"]; !ok {
		t.Error("the copy fetched before is not shown")
	}
	if _, ok := files["bodies/c_h223/proposals/nuova/index.html"]; ok {
		t.Error("the refused update is shown")
	}
}

// TestSoftwareSourcesAreFetchedShallowPortalsWithTheirHistory: a publiccode source's
// cache holds its last commit alone (only publiccode.yml is read of it), while a portal
// source keeps the history its votes are traced to.
func TestSoftwareSourcesAreFetchedShallowPortalsWithTheirHistory(t *testing.T) {
	sw := sourceRepo(t, map[string]string{"publiccode.yml": publicCodeYML, "README.md": "# Segnalazioni\n"})
	write(t, sw, "README.md", "# Segnalazioni, seconda versione\n")
	gitIn(t, sw, "commit", "-q", "-a", "-m", "README")
	re := portalRepo(t, "c_h223", "Reggio Emilia", "mobilita")
	dir := demoOnDisk(t)
	write(t, dir, "pspm.yaml", "sources:\n  - url: file://"+filepath.ToSlash(sw)+"\n    body: c_h223\n    kind: publiccode\n  - url: file://"+filepath.ToSlash(re)+"\n    body: c_h223\n")
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("build: %v\n%s", err, res.Diagnostics.Format())
	}
	files := out.Files()
	if !strings.Contains(string(files["practices/segnalazioni-cittadine/index.html"]), "Segnalazioni Cittadine") {
		t.Error("the software is not a practice")
	}
	if !strings.Contains(string(files["bodies/c_h223/proposals/mobilita/index.html"]), "1 favorevol") {
		t.Error("the portal's vote is not counted: its history was not read")
	}
	commits := func(repo string) string {
		t.Helper()
		clone := filepath.Join(dir, ".pspm", "sources", history.SourceName("file://"+filepath.ToSlash(repo), ""), "repo")
		return gitIn(t, clone, "rev-list", "--count", "--all")
	}
	if n := commits(sw); n != "1" {
		t.Errorf("the publiccode source's cache holds %s commits, want its last one alone", n)
	}
	if n := commits(re); n != "2" {
		t.Errorf("the portal source's cache holds %s commits, want its whole history (2)", n)
	}
}
