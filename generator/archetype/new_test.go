package archetype_test

import (
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pspm-dev/pspm/generator/archetype"
	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/theme"
)

func siteFiles(t *testing.T, r archetype.SiteRequest) map[string][]byte {
	t.Helper()
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	files, err := archetype.Site(chain, r)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		out[f.Path] = f.Data
	}
	return out
}

// frontMatter decodes the YAML between the --- lines of a Markdown file.
func frontMatter(t *testing.T, data []byte, v any) {
	t.Helper()
	parts := strings.SplitN(string(data), "---\n", 3)
	if len(parts) < 3 {
		t.Fatalf("no front matter in %q", data)
	}
	if err := yaml.Unmarshal([]byte(parts[1]), v); err != nil {
		t.Fatal(err)
	}
}

func TestNewSitePhasesStartOnTheDayItIsMade(t *testing.T) {
	for _, day := range []string{"2026-12-03", "2026-01-01", "2026-06-30", "2027-10-31"} {
		today, _ := time.Parse("2006-01-02", day)
		for _, local := range []bool{false, true} {
			r := archetype.SiteRequest{Today: today}
			if local {
				r.Body = "c_h223"
			}
			var plan struct {
				Period string
				Phases []struct {
					Name     string
					From, To string
				}
			}
			frontMatter(t, siteFiles(t, r)["content/plan/_index.md"], &plan)
			if len(plan.Phases) != 2 {
				t.Fatalf("%s: phases %+v", day, plan.Phases)
			}
			if plan.Phases[0].From != day {
				t.Errorf("%s: the consultation opens on %s, want the day the site is made", day, plan.Phases[0].From)
			}
			if want := strings.Split(day, "-")[0]; !strings.HasPrefix(plan.Period, want+"-") {
				t.Errorf("%s: period %q, want it to start in %s", day, plan.Period, want)
			}
			prev := ""
			for _, p := range plan.Phases {
				if p.From <= prev || p.To < p.From || p.To < day {
					t.Errorf("%s: phase %+v is out of order, or over before the site is made", day, p)
				}
				prev = p.To
			}
		}
	}
}

func TestNewSiteMadeAfterItsPeriodIsRefused(t *testing.T) {
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = archetype.Site(chain, archetype.SiteRequest{Year: 2020, Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
	if err == nil || !strings.Contains(err.Error(), "--year 2020") {
		t.Fatalf("err = %v, want a --year error", err)
	}
}

func TestNewCentralSiteCountsVotesByAuthorAndNamesMEF(t *testing.T) {
	files := siteFiles(t, archetype.SiteRequest{Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})
	var errs diag.List
	cfg := config.Load(fstest.MapFS{"pspm.yaml": {Data: files["pspm.yaml"]}}, &errs)
	if len(errs) > 0 || cfg.Votes.Policy != "author" {
		t.Errorf("votes.policy = %q (%v), want author", cfg.Votes.Policy, errs)
	}
	var body struct{ Name string }
	frontMatter(t, files["content/bodies/m_ef.md"], &body)
	if body.Name != "Ministero dell'Economia e delle Finanze" {
		t.Errorf("the owner's name is %q, want MEF's full name", body.Name)
	}
	for _, policy := range archetype.VotePolicies {
		files := siteFiles(t, archetype.SiteRequest{Votes: policy, Body: "c_h223"})
		cfg := config.Load(fstest.MapFS{"pspm.yaml": {Data: files["pspm.yaml"]}}, &errs)
		if cfg.Votes.Policy != policy {
			t.Errorf("--votes %s wrote votes.policy %q", policy, cfg.Votes.Policy)
		}
	}
}

func TestNewLocalSitePlaceholderSourceIsOnAReservedDomain(t *testing.T) {
	for _, forge := range archetype.Forges {
		files := siteFiles(t, archetype.SiteRequest{Body: "c_h223", Forge: forge})
		var errs diag.List
		cfg := config.Load(fstest.MapFS{"pspm.yaml": {Data: files["pspm.yaml"]}}, &errs)
		if len(cfg.Sources) != 1 {
			t.Fatalf("%s: sources %+v (%v)", forge, cfg.Sources, errs)
		}
		u, err := url.Parse(cfg.Sources[0].URL)
		if err != nil {
			t.Fatal(err)
		}
		if h := u.Hostname(); h != "example.org" && !strings.HasSuffix(h, ".example.org") && !strings.HasSuffix(h, ".example") {
			t.Errorf("%s: the placeholder source is on %s, a domain someone could own; want one reserved by RFC 2606", forge, h)
		}
	}
}

func TestNewPlanItemOfEveryKind(t *testing.T) {
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	src := fstest.MapFS{
		"content/plan/goals/g1.md":      {Data: []byte("---\ntitle: G\n---\n")},
		"content/plan/objectives/o1.md": {Data: []byte("---\ntitle: O\ngoal: g1\n---\n")},
	}
	parents := map[site.Section]string{site.Goals: "g1", site.Objectives: "o1"}
	for _, k := range site.PlanKinds {
		owner := ""
		if archetype.HasOwner(k.Name) {
			owner = "m_ef"
		}
		f, err := archetype.Make(src, chain, archetype.Request{Kind: k.Name, ID: "nuovo", Parent: parents[k.Parent], Body: owner})
		if err != nil {
			t.Fatalf("%s: %v", k.Name, err)
		}
		if want := "content/" + string(k.Section) + "/nuovo.md"; f.Path != want {
			t.Errorf("%s: path %s, want %s", k.Name, f.Path, want)
		}
		fm := map[string]any{}
		frontMatter(t, f.Data, &fm)
		if k.Parent != "" && fm[k.ParentKey] != parents[k.Parent] {
			t.Errorf("%s: %s: %v, want %s", k.Name, k.ParentKey, fm[k.ParentKey], parents[k.Parent])
		}
		if (owner != "" && fm["owner"] != owner) || (owner == "" && fm["owner"] != nil) || fm["title"] != "nuovo" {
			t.Errorf("%s: front matter %v", k.Name, fm)
		}
		if k.Parent != "" {
			if _, err := archetype.Make(src, chain, archetype.Request{Kind: k.Name, ID: "altro"}); err == nil || !strings.Contains(err.Error(), "--parent") {
				t.Errorf("%s without a parent: err = %v, want one naming --parent", k.Name, err)
			}
		}
	}
}

func TestNewSiteREADMEExplainsTakingPartAndReleasing(t *testing.T) {
	readme := string(siteFiles(t, archetype.SiteRequest{Year: 2026, Today: time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)})["README.md"])
	for _, want := range []string{
		"pspm new proposal", "pspm new vote", "answer:", "git tag -a plan/2026.1", "git push origin plan/2026.1",
		"pspm build", "Ministero dell'Economia e delle Finanze", "votes.policy: author",
		`pspm release 2026.1 --note "`, "**Pushing the\n   tag publishes it**", "`api/v1/versions.json`", "`plan/*` tag",
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("the new site's README does not say %q", want)
		}
	}
}
