package site_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/site"
	"golang.org/x/tools/txtar"
)

// threeVersions loads testdata/lineage/three-versions.txtar: versions 2024 and 2025 and
// the draft, each built as the build does, the draft holding the two versions.
func threeVersions(t *testing.T) *site.Site {
	t.Helper()
	ar, err := txtar.ParseFile("testdata/lineage/three-versions.txtar")
	if err != nil {
		t.Fatal(err)
	}
	load := func(prefix string) *site.Site {
		fsys := fstest.MapFS{}
		for _, f := range ar.Files {
			if name, ok := strings.CutPrefix(f.Name, prefix+"/"); ok {
				fsys[name] = &fstest.MapFile{Data: f.Data}
			}
		}
		s, errs := content.Load(fsys, config.Default())
		errs.Append(s.Resolve())
		if errs.HasErrors() {
			t.Fatalf("version %s does not build:\n%s", prefix, errs.Format())
		}
		s.Derive()
		return s
	}
	draft := load("draft")
	v24 := &site.Version{Name: "2024", Plan: load("2024")}
	v25 := &site.Version{Name: "2025", Plan: load("2025"), Previous: v24}
	v24.Changes = site.Diff(nil, v24.Plan, "", "2024", plainText)
	v25.Changes = site.Diff(v24.Plan, v25.Plan, "2024", "2025", plainText)
	draft.Versions = []*site.Version{v25, v24}
	draft.Latest = v25
	draft.DraftChanges = site.Diff(v25.Plan, draft, "2025", "draft", plainText)
	return draft
}

// TestLineageAcrossThreeVersionsMatchesGoldenFile writes the changes from 2024 to 2025
// and from 2025 to the draft, and the history of every item of the draft, and compares
// them with testdata/lineage/three-versions.golden; go test -update rewrites it.
func TestLineageAcrossThreeVersionsMatchesGoldenFile(t *testing.T) {
	s := threeVersions(t)
	var b strings.Builder
	b.WriteString(formatDiff(s.Versions[0].Changes))
	b.WriteString("\n")
	b.WriteString(formatDiff(s.DraftChanges))
	for _, list := range []struct {
		sec site.Section
		ids []string
	}{{site.Goals, ids(s.Goals)}, {site.Objectives, ids(s.Objectives)}, {site.Actions, ids(s.Actions)}} {
		for _, id := range list.ids {
			fmt.Fprintf(&b, "\nhistory of %s/%s\n", list.sec, id)
			for _, st := range s.History(list.sec, id) {
				name := "draft"
				if st.Version != nil {
					name = st.Version.Name
				}
				if len(st.Items) == 0 {
					fmt.Fprintf(&b, "  %-6s absent\n", name)
				}
				for _, e := range st.Items {
					fmt.Fprintf(&b, "  %-6s %s %s %q", name, e.ID, e.Code, e.Title)
					if !e.Due.IsZero() {
						fmt.Fprintf(&b, " due %s", e.Due.Format("2006-01-02"))
					}
					if e.Status != "" {
						fmt.Fprintf(&b, " status %s owner %s", e.Status, e.Owner)
					}
					if e.Next != "" {
						fmt.Fprintf(&b, " → %s %s", e.Next, strings.Join(e.NextIDs, " "))
					}
					b.WriteString("\n")
				}
			}
		}
	}
	got := b.String()
	golden := filepath.Join("testdata/lineage", "three-versions.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("lineage differs from %s (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

func ids[T interface{ Key() string }](items []T) []string {
	var out []string
	for _, it := range items {
		k := it.Key()
		out = append(out, k[strings.LastIndex(k, "/")+1:])
	}
	return out
}

func TestReplacesOfAnUnknownIdIsWarnedWithTheClosestId(t *testing.T) {
	s := threeVersions(t)
	s.Action("la23a").Replaces = []string{"la2e", "la23a"}
	var msgs []string
	for _, e := range s.CheckReplaces() {
		msgs = append(msgs, e.Msg)
	}
	got := strings.Join(msgs, "\n")
	for _, want := range []string{`replaces: "la2e" is not an item of plan/actions in any version of the plan: name the id the item had in an earlier version; did you mean "la23"?`, "la23a replaces itself"} {
		if !strings.Contains(got, want) {
			t.Errorf("CheckReplaces says:\n%s\nwant %q", got, want)
		}
	}
	s.Action("la23a").Replaces = []string{"la23"}
	if errs := s.CheckReplaces(); len(errs) > 0 {
		t.Errorf("replaces of known ids: %v", errs)
	}
}

// Results take replaces: as the other items do, and CheckReplaces checks them against
// the results of the versions.
func TestReplacesOfAResultIsCheckedAgainstTheVersionsResults(t *testing.T) {
	var old, draft *site.Site
	for _, c := range loadDiffCases(t) {
		if c.name == "results" {
			old, draft = c.old, c.new
		}
	}
	if draft == nil {
		t.Fatal("no results case in testdata/diff")
	}
	draft.Versions = []*site.Version{{Name: "2025.1", Plan: old}}
	draft.Latest = draft.Versions[0]
	if errs := draft.CheckReplaces(); len(errs) > 0 {
		t.Errorf("a result replacing a result of the version is warned: %v", errs)
	}
	draft.Result("r-a-1-2-3").Replaces = []string{"r22"}
	errs := draft.CheckReplaces()
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, `replaces: "r22" is not an item of plan/results in any version of the plan`) || !strings.Contains(errs[0].Msg, `did you mean "r2"?`) {
		t.Errorf("CheckReplaces says %v; want r22 unknown among the results, did you mean r2", errs)
	}
	h := draft.History(site.Results, "r-a-1-2-3")
	if len(h) != 2 || len(h[0].Items) != 0 {
		t.Errorf("history of r-a-1-2-3 after replaces: [r22] is %+v", h)
	}
	draft.Result("r-a-1-2-3").Replaces = []string{"r2"}
	h = draft.History(site.Results, "r-a-1-2-3")
	if len(h) != 2 || len(h[0].Items) != 1 || h[0].Items[0].ID != "r2" || h[0].Items[0].Next != site.Renumbered || h[0].Items[0].Code != "R.A.1.2.1" {
		t.Errorf("history of r-a-1-2-3 is %+v; want r2 (R.A.1.2.1) renumbered", h)
	}
}
