package generator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// coded is the minimal site's goal, objective and action with official codes, and a
// second action.
const coded = `-- content/plan/goals/g1.md --
---
title: Obiettivo uno
code: "CAP1"
order: 1
---
Testo dell'obiettivo.
-- content/plan/objectives/o1.md --
---
title: Obiettivo operativo uno
code: "OB.1.1"
goal: g1
agid: [OB.1.1]
---
-- content/plan/actions/a1.md --
---
title: Azione uno
code: "CAP1.PA.LA07"
objective: o1
status: in-progress
progress: 40
due: 2025-12-31
---
Testo dell'azione.
`

func TestCodeWithACharacterACodeCannotHaveIsAnErrorAtItsValue(t *testing.T) {
	for _, bad := range []string{"CAP1 LA07", "CAP1.PA.LÀ07", "CAP1;LA07"} {
		sitetest.Run(t, "-- content/plan/actions/a2.md --\n---\ntitle: A\ncode: \""+bad+"\"\nobjective: o1\n---\n").Failed().
			Diag(`content/plan/actions/a2.md:3:7: code "` + bad + `" has`).
			Diag("a code has letters A-Z and a-z, digits and . - _ / only")
	}
	sitetest.Run(t, "-- content/plan/actions/a2.md --\n---\ntitle: A\ncode: \""+strings.Repeat("A", 41)+"\"\nobjective: o1\n---\n").Failed().
		Diag(`content/plan/actions/a2.md:3:7: "code"`)
}

func TestDuplicateCodeIsAnErrorAtTheSecondNamingTheFirstsFile(t *testing.T) {
	// Codes compare without case, across kinds: a reader types them in any case.
	b := sitetest.Run(t, coded+"-- content/plan/actions/a2.md --\n---\ntitle: A\ncode: cap1.pa.la07\nobjective: o1\n---\n").Failed()
	b.Diag(`content/plan/actions/a2.md:3:7: code "cap1.pa.la07" is already the code of plan/actions/a1 (content/plan/actions/a1.md)`)
	sitetest.Run(t, coded+"-- content/plan/actions/a2.md --\n---\ntitle: A\ncode: OB.1.1\nobjective: o1\n---\n").Failed().
		Diag(`content/plan/actions/a2.md:3:7: code "OB.1.1" is already the code of plan/objectives/o1 (content/plan/objectives/o1.md)`)
}

func TestCodeIsShownBesideTheTitleAndInTheOpenData(t *testing.T) {
	span := `<span class="code">CAP1.PA.LA07</span> `
	b := sitetest.Run(t, coded).OK()
	b.File("plan/actions/a1/index.html", "<h1>"+span+"Azione uno</h1>")
	b.File("en/plan/actions/a1/index.html", "<h1>"+span+"Azione uno</h1>")
	b.File("plan/objectives/o1/index.html", `<h1><span class="code">OB.1.1</span> Obiettivo operativo uno</h1>`, span+"Azione uno</a></h3>")
	b.File("plan/goals/g1/index.html", `<h1><span class="code">CAP1</span> Obiettivo uno</h1>`, `<span class="code">OB.1.1</span> Obiettivo operativo uno</a></h3>`)
	b.File("plan/index.html", span+`<a href="/plan/actions/a1/">Azione uno</a>`, `<span class="code">OB.1.1</span> <a href="/plan/objectives/o1/">`)
	b.File("bodies/m_ef/index.html", `<td><span class="code">CAP1.PA.LA07</span></td><td><a href="/plan/actions/a1/">Azione uno</a>`)
	b.File("proposals/p1/index.html", ">CAP1.PA.LA07 Azione uno</a>")
	b.File("plan/index.xml", "<title>CAP1.PA.LA07 Azione uno</title>")
	b.File("api/v1/plan.csv", "priority_mean;priority_count;code;objective_code;goal_code;owners;addressees\n", ";CAP1.PA.LA07;OB.1.1;CAP1;m_ef;\n")
	var plan struct {
		Goals []struct {
			Code       string `json:"code"`
			Objectives []struct {
				Code    string `json:"code"`
				Actions []struct {
					Code string `json:"code"`
				} `json:"actions"`
			} `json:"objectives"`
		} `json:"goals"`
	}
	if err := json.Unmarshal(b.Out.Files()["api/v1/plan.json"], &plan); err != nil {
		t.Fatal(err)
	}
	if g := plan.Goals[0]; g.Code != "CAP1" || g.Objectives[0].Code != "OB.1.1" || g.Objectives[0].Actions[0].Code != "CAP1.PA.LA07" {
		t.Errorf("plan.json: codes %+v", plan)
	}
	// Without a code, nothing is added.
	sitetest.Run(t, "").OK().File("plan/actions/a1/index.html", "<h1>Azione uno</h1>", `! class="code"`)
}

func TestDuplicateCodeInAVersionMakesItUnreadableAndIsReportedAtItsFile(t *testing.T) {
	g := newGitRepo(t, "none", "-- content/plan/actions/a2.md --\n---\ntitle: Azione due\ncode: LA.1\nobjective: o1\n---\n"+
		"-- content/plan/actions/a3.md --\n---\ntitle: Azione tre\ncode: la.1\nobjective: o1\n---\n")
	g.tag("2025-01-15T12:00:00Z", "plan/1.0", "HEAD", "Prima versione", "")
	g.write("content/plan/actions/a3.md", "---\ntitle: Azione tre\ncode: LA.2\nobjective: o1\n---\n")
	g.commitAll("2025-02-01T09:00:00Z", anna, "Codice corretto")
	g.tag("2025-02-01T12:00:00Z", "plan/1.1", "HEAD", "Seconda versione", "")
	_, res, out := g.build()

	diags := res.Diagnostics.Format()
	want := `content/plan/actions/a3.md:3:7: warning: in version 1.0 (tag plan/1.0): code "la.1" is already the code of plan/actions/a2 (content/plan/actions/a2.md)`
	if !strings.Contains(diags, want) {
		t.Errorf("want %s\ngot:\n%s", want, diags)
	}
	if strings.Contains(diags, "version 1.1") {
		t.Errorf("version 1.1 has unique codes, yet:\n%s", diags)
	}
	byName := map[string]map[string]any{}
	for _, v := range versionsJSON(t, out) {
		byName[v["version"].(string)] = v
	}
	if v := byName["1.0"]; v["readable"] != false {
		t.Errorf("1.0 has a duplicate code: want it listed without its plan: %v", v)
	}
	if v := byName["1.1"]; v["readable"] != true {
		t.Errorf("1.1: want readable: %v", v)
	}
	// The archive of a version and what it changed show the codes as approved.
	if p := page(t, out, "plan/1.1/index.html"); !strings.Contains(p, `<span class="code">LA.2</span> <a href="/plan/actions/a3/">Azione tre</a>`) {
		t.Errorf("the archive of 1.1 does not show a3's code")
	}
	if p := page(t, out, "plan/1.1/changes/index.html"); !strings.Contains(p, `<span class="code">LA.1</span> <a href="/plan/actions/a2/">Azione due</a>`) {
		t.Errorf("the changes of 1.1 do not show a2's code")
	}
}
