package generator_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/output"
)

// tag makes a tag of the commit rev: annotated (with a message, by Anna at date) unless
// msg is "", signed with the SSH key when key is not "".
func (g *gitRepo) tag(date, name, rev, msg, key string, extra ...string) {
	g.t.Helper()
	args := []string{"tag"}
	if key != "" {
		args = []string{"-c", "gpg.format=ssh", "-c", "user.signingkey=" + key, "tag", "-s"}
	} else if msg != "" {
		args = append(args, "-a")
	}
	if msg != "" {
		args = append(args, "-m", msg)
	}
	args = append(args, extra...)
	g.run(date, append(args, name, rev)...)
}

// versionedRepo is a repository whose plan went through four tagged versions:
//
//	plan/1.0  2025-01-15  annotated, signed by Anna (a member of the owner m_ef): g1, o1, a1
//	plan/1.1  2025-02-20  lightweight: adds o2 and a2 (which takes up p1); a1's target and text change
//	plan/2.0  2025-03-20  annotated, signed by Marco (not of m_ef): a2 moves from o2 to o1; a1 removed; a3 added
//	plan/2.1  2025-04-20  annotated: a4 names an objective that does not exist
//
// then the draft fixes a4 and reports a3's progress twice.
func versionedRepo(t *testing.T) *gitRepo {
	t.Helper()
	annaKey, annaPub := sshKey(t, "anna")
	marcoKey, marcoPub := sshKey(t, "marco")
	g := newGitRepo(t, "none", fmt.Sprintf(`-- content/bodies/m_ef.md --
---
name: Ministero dell'Economia e delle Finanze
kind: ministry
members:
  - name: Anna Rossi
    email: anna.rossi@mef.gov.it
    keys: [%q]
---
-- content/bodies/c_h223.md --
---
name: Comune di Reggio Emilia
kind: municipality
members:
  - name: Marco Bianchi
    email: marco.bianchi@comune.re.it
    keys: [%q]
---
`, annaPub, marcoPub))
	g.tag("2025-01-15T12:00:00Z", "plan/1.0", "HEAD", "Prima versione approvata\n\nApprovata dal comitato.", annaKey)

	g.write("content/plan/objectives/o2.md", "---\ntitle: Obiettivo operativo due\ngoal: g1\n---\n")
	g.write("content/plan/actions/a2.md", "---\ntitle: Azione due\nobjective: o2\nproposals: [p1]\ndue: 2025-05-01\n---\nLa proposta del Comune.\n")
	g.write("content/plan/actions/a1.md", strings.Replace(strings.Replace(g.read("content/plan/actions/a1.md"), "target: 10", "target: 12", 1),
		"Testo dell'azione.", "Testo rivisto dell'azione, con più enti.", 1))
	g.commitAll("2025-02-20T09:00:00Z", anna, "Versione 1.1")
	g.tag("2025-02-20T12:00:00Z", "plan/1.1", "HEAD", "", "")

	g.write("content/plan/actions/a2.md", "---\ntitle: Azione due\nobjective: o1\nproposals: [p1]\ndue: 2025-05-01\n---\nLa proposta del Comune.\n")
	g.remove("content/plan/actions/a1.md")
	g.write("content/plan/actions/a3.md", "---\ntitle: Azione tre\nobjective: o2\nstatus: in-progress\nprogress: 10\ndue: 2025-07-15\n---\n")
	g.commitAll("2025-03-20T09:00:00Z", anna, "Versione 2.0")
	g.tag("2025-03-20T12:00:00Z", "plan/2.0", "HEAD", "Seconda versione", marcoKey)

	g.write("content/plan/actions/a4.md", "---\ntitle: Azione quattro\nobjective: nessuno\n---\n")
	g.commitAll("2025-04-20T09:00:00Z", anna, "Versione 2.1, con un errore")
	g.tag("2025-04-20T12:00:00Z", "plan/2.1", "HEAD", "Versione con un errore", "")

	g.write("content/plan/actions/a4.md", "---\ntitle: Azione quattro\nobjective: o2\n---\n")
	g.write("content/plan/actions/a3.md", "---\ntitle: Azione tre\nobjective: o2\nstatus: in-progress\nprogress: 30\ndue: 2025-07-15\n---\n")
	g.commitAll("2025-05-02T09:00:00Z", anna, "Correzione e avanzamento di a3")
	g.write("content/plan/actions/a3.md", "---\ntitle: Azione tre\nobjective: o2\nstatus: in-progress\nprogress: 30\ndue: 2025-07-15\n---\nSolo il testo cambia.\n")
	g.commitAll("2025-05-03T09:00:00Z", anna, "Testo di a3")
	g.write("content/plan/actions/a3.md", "---\ntitle: Azione tre\nobjective: o2\nstatus: delayed\nprogress: 45\ndue: 2025-07-15\n---\nSolo il testo cambia.\n")
	g.commitAll("2025-06-01T09:00:00Z", anna, "Avanzamento di a3")
	return g
}

func versionsJSON(t *testing.T, out *output.Mem) []map[string]any {
	t.Helper()
	var vs []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/versions.json"], &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

func page(t *testing.T, out *output.Mem, name string) string {
	t.Helper()
	b, ok := out.Files()[name]
	if !ok {
		t.Fatalf("no %s in the output", name)
	}
	return string(b)
}

func TestPlanVersionsAreReadFromTags(t *testing.T) {
	g := versionedRepo(t)
	_, res, out := g.build()

	vs := versionsJSON(t, out)
	var names []string
	for _, v := range vs {
		names = append(names, v["version"].(string))
	}
	if got := strings.Join(names, " "); got != "2.1 2.0 1.1 1.0" {
		t.Fatalf("versions %q; want newest first: 2.1 2.0 1.1 1.0", got)
	}
	byName := map[string]map[string]any{}
	for _, v := range vs {
		byName[v["version"].(string)] = v
	}
	if v := byName["1.0"]; v["verified"] != true || !strings.HasPrefix(v["signer"].(string), "Anna Rossi (") || v["date"] != "2025-01-15T12:00:00Z" ||
		!strings.HasPrefix(v["note"].(string), "Prima versione approvata") {
		t.Errorf("1.0, signed by Anna of the owner body: %v", v)
	}
	if v := byName["2.0"]; v["verified"] != false || v["signed"] != true {
		t.Errorf("2.0, signed by Marco who is not of the owner body: want signed, not verified: %v", v)
	}
	if v := byName["1.1"]; v["annotated"] != false || v["date"] != "2025-02-20T09:00:00Z" {
		t.Errorf("1.1 is lightweight: want the commit's date: %v", v)
	}
	if v := byName["2.1"]; v["readable"] != false || v["url"] != "" {
		t.Errorf("2.1 has broken content: want listed, unreadable, without pages: %v", v)
	}
	if v := byName["2.0"]; v["latest"] != true {
		t.Errorf("2.0 is the newest readable version: want latest: %v", v)
	}

	// Diagnostics: a warning for the lightweight tag, and one at the broken file naming the tag.
	text := res.Diagnostics.Format()
	for _, want := range []string{
		"refs/tags/plan/1.1: warning: tag \"plan/1.1\" is a lightweight tag",
		"content/plan/actions/a4.md:3:12: warning: in version 2.1 (tag plan/2.1): unknown objective \"nessuno\"",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, text)
		}
	}
	if res.Diagnostics.HasErrors() {
		t.Errorf("a broken version must not stop the build:\n%s", text)
	}

	// Each readable version has its page, frozen as approved.
	v10 := page(t, out, "plan/1.0/index.html")
	for _, want := range []string{"Azione uno", "obiettivo 10", "Testo dell"} {
		if !strings.Contains(v10, want) {
			t.Errorf("/plan/1.0/ lacks %q", want)
		}
	}
	if strings.Contains(v10, "rivisto") {
		t.Errorf("/plan/1.0/ shows the text of a later version")
	}
	if strings.Contains(v10, "Azione due") {
		t.Errorf("/plan/1.0/ shows an action added in 1.1")
	}
	if !strings.Contains(v10, `href="/plan/2.0/"`) {
		t.Errorf("/plan/1.0/ has no banner link to the latest version")
	}
	if _, ok := out.Files()["plan/2.1/index.html"]; ok {
		t.Errorf("the unreadable version 2.1 has a page")
	}
	// /plan/ is the latest version; /plan/draft/ the work tree.
	latest := page(t, out, "plan/index.html")
	if !strings.Contains(latest, "Azione tre") || strings.Contains(latest, "Azione quattro") {
		t.Errorf("/plan/ is not version 2.0")
	}
	draft := page(t, out, "plan/draft/index.html")
	if !strings.Contains(draft, "Azione quattro") || !strings.Contains(draft, "banner-draft") {
		t.Errorf("/plan/draft/ is not the work tree marked as a draft")
	}
	// Versions page and open data.
	versions := page(t, out, "plan/versions/index.html")
	for _, want := range []string{"plan/1.0", "Prima versione approvata", "Anna Rossi (", "plan/2.1"} {
		if !strings.Contains(versions, want) {
			t.Errorf("the versions page lacks %q", want)
		}
	}
	var plan10 map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/plan/1.0.json"], &plan10); err != nil || plan10["version"] != "1.0" {
		t.Errorf("api/v1/plan/1.0.json: %v %v", err, plan10["version"])
	}
	var plan map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/plan.json"], &plan); err != nil || plan["version"] != "2.0" {
		t.Errorf("api/v1/plan.json is not the latest version: %v %v", err, plan["version"])
	}
}

func TestPlanChangesBetweenVersions(t *testing.T) {
	g := versionedRepo(t)
	_, _, out := g.build()

	var c11 struct {
		From, To     string
		Objectives   []map[string]any
		Actions      []map[string]any
		Incorporated []string
	}
	if err := json.Unmarshal(out.Files()["api/v1/plan/1.1/changes.json"], &c11); err != nil {
		t.Fatal(err)
	}
	kinds := func(items []map[string]any) string {
		var s []string
		for _, it := range items {
			s = append(s, it["id"].(string)+":"+it["change"].(string))
		}
		return strings.Join(s, " ")
	}
	if c11.From != "1.0" || c11.To != "1.1" || kinds(c11.Objectives) != "o2:added" || kinds(c11.Actions) != "a1:changed a2:added" {
		t.Errorf("1.1 changes: from %q to %q, objectives %q, actions %q", c11.From, c11.To, kinds(c11.Objectives), kinds(c11.Actions))
	}
	if strings.Join(c11.Incorporated, ",") != "p1" {
		t.Errorf("1.1 incorporates %v; want p1 (taken up by a2)", c11.Incorporated)
	}
	html11 := page(t, out, "plan/1.1/changes/index.html")
	for _, want := range []string{"Proposta uno", "<del>", "<ins>", "12"} {
		if !strings.Contains(html11, want) {
			t.Errorf("/plan/1.1/changes/ lacks %q", want)
		}
	}

	var c20 struct{ Actions []map[string]any }
	if err := json.Unmarshal(out.Files()["api/v1/plan/2.0/changes.json"], &c20); err != nil {
		t.Fatal(err)
	}
	if got := kinds(c20.Actions); got != "a2:moved a3:added a1:removed" && got != "a1:removed a2:moved a3:added" {
		t.Errorf("2.0 changes: actions %q; want a1 removed, a2 moved, a3 added", got)
	}
	for _, a := range c20.Actions {
		if a["id"] == "a2" && (a["from_parent"] != "o2" || a["to_parent"] != "o1") {
			t.Errorf("a2 moved from %v to %v; want o2 → o1", a["from_parent"], a["to_parent"])
		}
	}
	// The proposal page answers "what happened to our proposal?".
	if p := page(t, out, "proposals/p1/index.html"); !strings.Contains(p, `href="/plan/1.1/changes/"`) {
		t.Errorf("the page of p1 does not link the version that incorporated it")
	}
	// p1 targets a1, which 2.0 removed: the proposal links it in 1.1, the last version
	// that had it, instead of failing the build.
	if p := page(t, out, "proposals/p1/index.html"); !strings.Contains(p, `href="/plan/1.1/#action-a1"`) {
		t.Errorf("the page of p1 does not link its target a1 in version 1.1")
	}
	// The draft's changes are against the latest readable version, 2.0.
	var cd struct {
		From    string
		Actions []map[string]any
	}
	if err := json.Unmarshal(out.Files()["api/v1/plan/draft/changes.json"], &cd); err != nil {
		t.Fatal(err)
	}
	if cd.From != "2.0" || !strings.Contains(kinds(cd.Actions), "a4:added") {
		t.Errorf("draft changes from %q: %q; want a4 added since 2.0", cd.From, kinds(cd.Actions))
	}
}

func TestMonitoringFollowsProgressThroughHistory(t *testing.T) {
	g := versionedRepo(t)
	_, _, out := g.build()
	m := page(t, out, "monitoring/index.html")
	for _, want := range []string{"Azione tre", "45%", `href="/plan/2.0/"`} {
		if !strings.Contains(m, want) {
			t.Errorf("/monitoring/ lacks %q", want)
		}
	}
	// a2 was due on 2025-05-01 and the site is as of the last commit, 2025-06-01: overdue by 31 days.
	if !strings.Contains(m, "31 giorni") {
		t.Errorf("/monitoring/ does not show a2 overdue by 31 days (as of the last commit's date, not the clock)")
	}
	// a3's progress: 10 (2.0), 30, 45 (delayed). The text-only commit is no point.
	a3 := page(t, out, "plan/actions/a3/index.html")
	if n := strings.Count(a3, `<td>10%</td>`) + strings.Count(a3, `<td>30%</td>`) + strings.Count(a3, `<td>45%</td>`); n != 3 {
		t.Errorf("a3's progress table has %d of the 3 points 10%%, 30%%, 45%%", n)
	}
	if strings.Contains(a3, "Testo di a3") {
		t.Errorf("a commit that changed only a3's text is a point of its progress")
	}
	feed := page(t, out, "monitoring/index.xml")
	if !strings.Contains(feed, "avanzamento dal 30% al 45%") {
		t.Errorf("the monitoring feed lacks the update 30%% → 45%%:\n%s", feed)
	}
}

func TestBuildingVersionsLeavesTheWorkTreeAlone(t *testing.T) {
	g := versionedRepo(t)
	g.write("content/plan/actions/a3.md", "---\ntitle: Azione tre, in modifica\nobjective: o2\n---\n")
	before := g.run("", "status", "--porcelain")
	_, _, out := g.build()
	if after := g.run("", "status", "--porcelain"); after != before {
		t.Errorf("the build changed the work tree:\nbefore %q\nafter  %q", before, after)
	}
	if !strings.Contains(page(t, out, "plan/draft/index.html"), "Azione tre, in modifica") {
		t.Errorf("the draft is not the work tree")
	}
	if strings.Contains(page(t, out, "plan/2.0/index.html"), "in modifica") {
		t.Errorf("a version shows the work tree")
	}
}

func TestMovedTagIsAnError(t *testing.T) {
	g := versionedRepo(t)
	fsys, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	if res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest); err != nil {
		t.Fatalf("first build: %v\n%s", err, res.Diagnostics.Format())
	}
	published, _ := os.ReadFile(filepath.Join(dest, "plan/1.0/index.html"))

	g.run("2025-07-01T09:00:00Z", "tag", "-f", "-a", "-m", "Riscritta", "plan/1.0", "HEAD~2")
	res, err := generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest)
	if !errors.Is(err, generator.ErrContent) {
		t.Fatalf("build after moving plan/1.0: err %v; want content errors", err)
	}
	var found *diag.Error
	for _, e := range res.Diagnostics {
		if e.Severity == diag.Err && strings.Contains(e.Msg, "tag plan/1.0 moved") {
			found = e
		}
	}
	if found == nil || found.Pos.File != "refs/tags/plan/1.0" {
		t.Fatalf("no error about the moved tag at refs/tags/plan/1.0:\n%s", res.Diagnostics.Format())
	}
	if now, _ := os.ReadFile(filepath.Join(dest, "plan/1.0/index.html")); string(now) != string(published) {
		t.Errorf("the failed build changed the published version")
	}

	// Deleting a published tag is an error too.
	g.run("", "tag", "-d", "plan/1.1")
	res, _ = generator.BuildDir(generator.Options{Source: fsys, Dir: g.dir}, dest)
	if !strings.Contains(res.Diagnostics.Format(), "version 1.1 was published from tag plan/1.1") {
		t.Errorf("no error about the deleted tag:\n%s", res.Diagnostics.Format())
	}
}

func TestSiteWithoutTagsShowsTheDraftEverywhere(t *testing.T) {
	g := newGitRepo(t, "none", "")
	_, _, out := g.build()
	if vs := versionsJSON(t, out); len(vs) != 0 {
		t.Errorf("versions.json has %d versions; want none", len(vs))
	}
	plan := page(t, out, "plan/index.html")
	if !strings.Contains(plan, "banner-draft") || !strings.Contains(plan, "Azione uno") {
		t.Errorf("/plan/ without versions is not the draft, marked as such")
	}
	var p map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/plan.json"], &p); err != nil || p["version"] != "draft" {
		t.Errorf("plan.json without versions: %v %v", err, p["version"])
	}
	page(t, out, "monitoring/index.html")
	page(t, out, "plan/draft/changes/index.html")
}

func TestVersionBuildIsDeterministic(t *testing.T) {
	g := versionedRepo(t)
	_, _, a := g.build()
	_, _, b := g.build()
	for name, data := range a.Files() {
		if string(b.Files()[name]) != string(data) {
			t.Errorf("%s differs between two builds of the same commit", name)
		}
	}
}
