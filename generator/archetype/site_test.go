package archetype_test

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pspm-dev/pspm/generator/archetype"
	"github.com/pspm-dev/pspm/generator/theme"
	"github.com/pspm-dev/pspm/themes"
)

// newSite makes the files of a new site from the built-in theme, keyed by path.
func newSite(t *testing.T) map[string][]byte {
	t.Helper()
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	files, err := archetype.Site(chain, archetype.SiteRequest{
		Title: "Piano del Comune", Owner: "c_h223", OwnerName: "Comune di Reggio Emilia", Year: 2025,
	})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		if _, dup := out[f.Path]; dup {
			t.Errorf("%s is made twice", f.Path)
		}
		out[f.Path] = f.Data
	}
	return out
}

// forgeFiles are the files a new site needs to take contributions through merge requests,
// and where the archetype stores each of them (without the leading dot).
var forgeFiles = map[string]string{
	".gitignore":                                 "gitignore",
	".github/workflows/pspm.yml":                 "github/workflows/pspm.yml",
	".github/CODEOWNERS":                         "github/CODEOWNERS",
	".github/pull_request_template.md":           "github/pull_request_template.md",
	".gitlab-ci.yml":                             "gitlab-ci.yml",
	".gitlab/CODEOWNERS":                         "gitlab/CODEOWNERS",
	".gitlab/merge_request_templates/Default.md": "gitlab/merge_request_templates/Default.md",
}

func TestNewSiteHasForgeFilesUnderTheirDotNames(t *testing.T) {
	site := newSite(t)
	for name := range forgeFiles {
		if len(site[name]) == 0 {
			t.Errorf("the new site has no %s", name)
		}
	}
	for _, name := range []string{"README.md", "pspm.yaml", "content/plan/_index.md", "content/bodies/c_h223.md", "content/proposals/esempio/reactions/c_h223.yaml"} {
		if site[name] == nil {
			t.Errorf("the new site has no %s", name)
		}
	}
	for name := range site {
		if name == "gitignore" || name == "gitlab-ci.yml" || strings.HasPrefix(name, "github/") || strings.HasPrefix(name, "gitlab/") {
			t.Errorf("%s kept its archetype name: it must start with a dot in the site", name)
		}
	}
}

func TestNewSiteForgeFilesAreCopiedVerbatim(t *testing.T) {
	site := newSite(t)
	for name, stored := range forgeFiles {
		want, err := fs.ReadFile(themes.Default(), "archetypes/site/"+stored)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(site[name], want) {
			t.Errorf("%s differs from archetypes/site/%s: forge files are not templates", name, stored)
		}
	}
	if wf := string(site[".github/workflows/pspm.yml"]); !strings.Contains(wf, `origin/${{ github.base_ref }}`) {
		t.Errorf("the workflow lost its ${{ github.base_ref }} expression:\n%s", wf)
	}
	// The files that are templates were filled in, and nothing of the template is left.
	for _, name := range []string{"README.md", "pspm.yaml", "content/plan/_index.md", "content/bodies/c_h223.md"} {
		if bytes.Contains(site[name], []byte("{{")) {
			t.Errorf("%s still holds template braces:\n%s", name, site[name])
		}
	}
	if readme := string(site["README.md"]); !strings.HasPrefix(readme, "# Piano del Comune\n") || !strings.Contains(readme, "content/bodies/c_h223.md") {
		t.Errorf("README.md is not filled in for the site:\n%s", readme)
	}
}

// step is a step of a GitHub Actions job.
type step struct {
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

type job struct {
	If          string            `yaml:"if"`
	Needs       any               `yaml:"needs"`
	Permissions map[string]string `yaml:"permissions"`
	Environment map[string]string `yaml:"environment"`
	Concurrency map[string]any    `yaml:"concurrency"`
	Steps       []step            `yaml:"steps"`
}

type workflow struct {
	On map[string]*struct {
		Branches []string `yaml:"branches"`
	} `yaml:"on"`
	Permissions map[string]string `yaml:"permissions"`
	Jobs        map[string]job    `yaml:"jobs"`
}

// uses returns the steps of j that use action (e.g. "actions/checkout").
func (j job) uses(action string) []step {
	var out []step
	for _, s := range j.Steps {
		if strings.HasPrefix(s.Uses, action+"@") {
			out = append(out, s)
		}
	}
	return out
}

// runs reports whether a step of j runs a command containing cmd.
func (j job) runs(cmd string) bool {
	for _, s := range j.Steps {
		if strings.Contains(s.Run, cmd) {
			return true
		}
	}
	return false
}

func TestGitHubWorkflowChecksPullRequestsAndPublishesMain(t *testing.T) {
	raw := newSite(t)[".github/workflows/pspm.yml"]
	var wf workflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatalf("the workflow is not YAML: %v", err)
	}
	if _, ok := wf.On["pull_request"]; !ok {
		t.Error("the workflow does not run on pull_request")
	}
	if push := wf.On["push"]; push == nil || strings.Join(push.Branches, ",") != "main" {
		t.Errorf("the workflow must run on pushes to main, got %+v", push)
	}
	if len(wf.Permissions) != 1 || wf.Permissions["contents"] != "read" {
		t.Errorf("default permissions %v, want only contents: read", wf.Permissions)
	}

	check := wf.Jobs["check"]
	if !strings.Contains(check.If, "pull_request") {
		t.Errorf("the check job runs if %q, want on pull requests", check.If)
	}
	co := check.uses("actions/checkout")
	if len(co) != 1 || co[0].With["fetch-depth"] != "0" {
		t.Errorf("the check job must check out with fetch-depth: 0, got %+v", co)
	}
	if !check.runs(`pspm check --base "origin/${{ github.base_ref }}" --format github`) {
		t.Errorf("the check job does not run pspm check --base origin/<base> --format github: %+v", check.Steps)
	}
	for _, name := range []string{"check", "build"} {
		j := wf.Jobs[name]
		if g := j.uses("actions/setup-go"); len(g) != 1 || g[0].With["go-version"] != "1.26.x" {
			t.Errorf("job %s: want actions/setup-go with go-version 1.26.x, got %+v", name, g)
		}
		if !j.runs("go install \"github.com/pspm-dev/pspm/cmd/pspm@${PSPM_VERSION}\"") {
			t.Errorf("job %s does not install pspm", name)
		}
	}

	build := wf.Jobs["build"]
	if co := build.uses("actions/checkout"); len(co) != 1 || co[0].With["fetch-depth"] != "0" {
		t.Errorf("the build job must check out with fetch-depth: 0, got %+v", co)
	}
	if !build.runs("pspm build") {
		t.Error("the build job does not run pspm build")
	}
	if up := build.uses("actions/upload-pages-artifact"); len(up) != 1 || up[0].With["path"] != "public" {
		t.Errorf("the build job must upload public/ as the Pages artifact, got %+v", up)
	}

	deploy := wf.Jobs["deploy"]
	if deploy.Needs != "build" || len(deploy.uses("actions/deploy-pages")) != 1 {
		t.Errorf("the deploy job must need build and use actions/deploy-pages: %+v", deploy)
	}
	if deploy.Permissions["pages"] != "write" || deploy.Permissions["id-token"] != "write" {
		t.Errorf("the deploy job has permissions %v, want pages: write and id-token: write", deploy.Permissions)
	}
	if deploy.Environment["name"] != "github-pages" || deploy.Concurrency["group"] != "pages" || deploy.Concurrency["cancel-in-progress"] != false {
		t.Errorf("the deploy job must run in the github-pages environment, one at a time, never cancelled: %+v", deploy)
	}

	pinned := regexp.MustCompile(`^actions/[a-z-]+@v[0-9]+$`)
	for name, j := range wf.Jobs {
		for _, s := range j.Steps {
			if s.Uses != "" && !pinned.MatchString(s.Uses) {
				t.Errorf("job %s uses %q: pin a major version (actions/x@vN)", name, s.Uses)
			}
		}
	}
}

type gitlabJob struct {
	Extends string `yaml:"extends"`
	Stage   string `yaml:"stage"`
	Rules   []struct {
		If string `yaml:"if"`
	} `yaml:"rules"`
	Script    []string `yaml:"script"`
	Artifacts struct {
		When  string   `yaml:"when"`
		Paths []string `yaml:"paths"`
	} `yaml:"artifacts"`
}

func (j gitlabJob) runs(cmd string) bool {
	for _, s := range j.Script {
		if strings.Contains(s, cmd) {
			return true
		}
	}
	return false
}

func TestGitLabCIChecksMergeRequestsAndPublishesPages(t *testing.T) {
	raw := newSite(t)[".gitlab-ci.yml"]
	var ci struct {
		Variables map[string]any `yaml:"variables"`
		Stages    []string       `yaml:"stages"`
		Setup     struct {
			BeforeScript []string `yaml:"before_script"`
		} `yaml:".pspm"`
		Check gitlabJob `yaml:"pspm-check"`
		Pages gitlabJob `yaml:"pages"`
	}
	if err := yaml.Unmarshal(raw, &ci); err != nil {
		t.Fatalf(".gitlab-ci.yml is not YAML: %v", err)
	}
	if d, ok := ci.Variables["GIT_DEPTH"].(int); !ok || d != 0 {
		t.Errorf("GIT_DEPTH is %#v, want 0 (the whole history)", ci.Variables["GIT_DEPTH"])
	}
	if len(ci.Setup.BeforeScript) != 1 || !strings.Contains(ci.Setup.BeforeScript[0], "go install \"github.com/pspm-dev/pspm/cmd/pspm@") {
		t.Errorf("the jobs do not install pspm: %v", ci.Setup.BeforeScript)
	}
	stages := map[string]bool{}
	for _, s := range ci.Stages {
		stages[s] = true
	}

	c := ci.Check
	if c.Extends != ".pspm" || !stages[c.Stage] || len(c.Rules) != 1 || c.Rules[0].If != `$CI_PIPELINE_SOURCE == "merge_request_event"` {
		t.Errorf("the check job must run on merge request pipelines: %+v", c)
	}
	const target = "${CI_MERGE_REQUEST_TARGET_BRANCH_NAME}"
	if !c.runs("git fetch --quiet origin \"+refs/heads/" + target + ":refs/remotes/origin/" + target + "\"") {
		t.Errorf("the check job does not fetch the target branch: %v", c.Script)
	}
	if !c.runs(`pspm check --base "origin/`+target+`" --format json > pspm-check.json`) || c.Script[len(c.Script)-1] != `pspm check --base "origin/`+target+`"` {
		t.Errorf("the check job must save the JSON report, then fail on the text check: %v", c.Script)
	}
	if c.Artifacts.When != "always" || strings.Join(c.Artifacts.Paths, ",") != "pspm-check.json" {
		t.Errorf("the check job must keep pspm-check.json even when it fails: %+v", c.Artifacts)
	}

	p := ci.Pages
	if p.Extends != ".pspm" || !stages[p.Stage] || len(p.Rules) != 1 || p.Rules[0].If != "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH" {
		t.Errorf("the pages job must run on the default branch: %+v", p)
	}
	if !p.runs("pspm build") || strings.Join(p.Artifacts.Paths, ",") != "public" {
		t.Errorf("the pages job must build and publish public/: %+v", p)
	}
}

func TestCodeOwnersAreWellFormed(t *testing.T) {
	site := newSite(t)
	owned := []string{"/content/plan/", "/content/bodies/", "/pspm.yaml", "/layouts/", "/static/", "/i18n/", "/.github/", "/.gitlab/", "/.gitlab-ci.yml"}
	owner := regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*$`)
	contribution := regexp.MustCompile(`^/content/plan/\*\*/(reactions|feedback)/\*?$`)
	for _, name := range []string{".github/CODEOWNERS", ".gitlab/CODEOWNERS"} {
		text := string(site[name])
		if !strings.Contains(text, "REPLACE @OWNER-maintainers") {
			t.Errorf("%s does not say to replace the placeholder owner", name)
		}
		if !strings.Contains(text, "pspm check --base") {
			t.Errorf("%s does not say that the CI check guards votes and comments", name)
		}
		owners := map[string][]string{}
		for i, line := range strings.Split(text, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			pattern, who := f[0], f[1:]
			if strings.ContainsAny(pattern, "[]\\") {
				t.Errorf("%s:%d: %q uses syntax CODEOWNERS does not support", name, i+1, pattern)
			}
			if len(who) == 0 || strings.HasPrefix(pattern, "!") {
				// Only votes and comments are left without owners: on GitHub by a path with
				// no owner, on GitLab by an exclusion (!path, which GitHub does not know).
				bare := strings.TrimPrefix(pattern, "!")
				if !contribution.MatchString(bare) || len(who) != 0 || (name == ".github/CODEOWNERS") == (bare != pattern) {
					t.Errorf("%s:%d: %q: only votes and comments may be left without owners, as %s", name, i+1, line,
						map[bool]string{true: "a path alone", false: "!path"}[name == ".github/CODEOWNERS"])
				}
				continue
			}
			if !strings.HasPrefix(pattern, "/") {
				t.Errorf("%s:%d: %q: anchor the path at the root of the repository", name, i+1, pattern)
			}
			for _, o := range who {
				if !owner.MatchString(o) {
					t.Errorf("%s:%d: owner %q is not a @user or @group/team", name, i+1, o)
				}
			}
			owners[pattern] = who
		}
		for _, p := range owned {
			if strings.Join(owners[p], " ") != "@OWNER-maintainers" {
				t.Errorf("%s: %s is owned by %v, want @OWNER-maintainers", name, p, owners[p])
			}
		}
	}
}

func TestMergeRequestTemplatesAreItalianThenEnglish(t *testing.T) {
	site := newSite(t)
	for _, name := range []string{".github/pull_request_template.md", ".gitlab/merge_request_templates/Default.md"} {
		text := string(site[name])
		it, en := strings.Index(text, "## Contributo\n"), strings.Index(text, "## Contribution\n")
		if it < 0 || en < it {
			t.Errorf("%s: want the Italian part (## Contributo) before the English one (## Contribution)", name)
			continue
		}
		for _, part := range []string{text[it:en], text[en:]} {
			for _, want := range []string{
				"reactions/<", "pspm check", "content/bodies/<", "votes.policy: signed",
				"ssh-keygen -Y sign -n pspm -f ~/.ssh/id_ed25519 content/.../reactions/",
			} {
				if !strings.Contains(part, want) {
					t.Errorf("%s: a part lacks %q:\n%s", name, want, part)
				}
			}
		}
	}
}
