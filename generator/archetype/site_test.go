package archetype_test

import (
	"bytes"
	"encoding/xml"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"gopkg.in/yaml.v3"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/archetype"
	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/output"
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
	if wf := string(site[".github/workflows/pspm.yml"]); !strings.Contains(wf, `${{ github.event.pull_request.user.login }}`) {
		t.Errorf("the workflow lost its ${{ github.event.pull_request.user.login }} expression:\n%s", wf)
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
	Env  map[string]string `yaml:"env"`
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
		Tags     []string `yaml:"tags"`
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
	if push := wf.On["push"]; push == nil || strings.Join(push.Branches, ",") != "main" || strings.Join(push.Tags, ",") != "plan/*" {
		t.Errorf("the workflow must run on pushes to main and of plan/* tags, got %+v", push)
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
	if !check.runs(`pspm check --base "origin/${GITHUB_BASE_REF}" --actor "$PR_AUTHOR" --format github`) {
		t.Errorf("the check job does not run pspm check --base origin/<base> --actor <author> --format github: %+v", check.Steps)
	}
	// The actor is the pull request's author as GitHub authenticated it, through the
	// environment (never pasted into the script).
	for _, st := range check.Steps {
		if strings.Contains(st.Run, "--actor") && st.Env["PR_AUTHOR"] != "${{ github.event.pull_request.user.login }}" {
			t.Errorf("the check step's PR_AUTHOR = %q, want the pull request's author login", st.Env["PR_AUTHOR"])
		}
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
	if !build.runs("pspm build") || !build.runs("api/v1/versions.json") || !build.runs("git checkout --quiet -B main origin/main") {
		t.Error("the build job does not restore the published versions, then build main")
	}
	if c := check.uses("actions/cache"); len(c) != 1 || c[0].With["path"] != ".pspm/cache" {
		t.Errorf("job check must cache .pspm/cache, got %+v", c)
	}
	// The build job also keeps the portal it published (public/), for the page cache,
	// under a key the pull requests' restore key does not match.
	if c := build.uses("actions/cache"); len(c) != 2 || c[0].With["path"] != ".pspm/cache" || c[1].With["path"] != "public" || strings.HasPrefix(c[1].With["key"], "pspm-") {
		t.Errorf("job build must cache .pspm/cache and public/ (under a key of its own), got %+v", c)
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
		When    string            `yaml:"when"`
		Paths   []string          `yaml:"paths"`
		Reports map[string]string `yaml:"reports"`
	} `yaml:"artifacts"`
	Cache struct {
		Key   string   `yaml:"key"`
		Paths []string `yaml:"paths"`
	} `yaml:"cache"`
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
		Workflow struct {
			Rules []struct {
				If string `yaml:"if"`
			} `yaml:"rules"`
		} `yaml:"workflow"`
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
	if !c.runs(`pspm check --base "origin/`+target+`" --actor "${GITLAB_USER_LOGIN}" --format gitlab > gl-code-quality-report.json`) || c.Script[len(c.Script)-1] != `pspm check --base "origin/`+target+`" --actor "${GITLAB_USER_LOGIN}"` {
		t.Errorf("the check job must save the Code Quality report, then fail on the text check: %v", c.Script)
	}
	if c.Artifacts.When != "always" || c.Artifacts.Reports["codequality"] != "gl-code-quality-report.json" {
		t.Errorf("the check job must give GitLab its Code Quality report even when it fails: %+v", c.Artifacts)
	}
	if len(c.Cache.Paths) != 0 {
		t.Errorf("the check job of merge requests must not share a cache with the pages job: %+v", c.Cache)
	}

	const onMain, onTag = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", `$CI_COMMIT_TAG =~ /^plan\//`
	var wf []string
	for _, r := range ci.Workflow.Rules {
		wf = append(wf, r.If)
	}
	if !slices.Contains(wf, onTag) {
		t.Errorf("no pipeline runs for plan/* tags: workflow rules %q", wf)
	}
	p := ci.Pages
	if p.Extends != ".pspm" || !stages[p.Stage] || len(p.Rules) != 2 || p.Rules[0].If != onMain || p.Rules[1].If != onTag {
		t.Errorf("the pages job must run on the default branch and on plan/* tags: %+v", p)
	}
	if !p.runs("pspm build") || !p.runs("api/v1/versions.json") || strings.Join(p.Artifacts.Paths, ",") != "public" {
		t.Errorf("the pages job must restore the published versions, build and publish public/: %+v", p)
	}
	if strings.Join(p.Cache.Paths, ",") != ".pspm/cache,public" {
		t.Errorf("the pages job must cache .pspm/cache and public/ (the page cache's portal): %+v", p.Cache)
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

// newLocalSite makes the files of a local body's portal from the built-in theme, keyed by
// path.
func newLocalSite(t *testing.T, r archetype.SiteRequest) map[string][]byte {
	t.Helper()
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if r.Year == 0 {
		r.Year = 2025
	}
	files, err := archetype.Site(chain, r)
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

// reggioEmilia is the request of the examples: the portal of the Comune di Reggio Emilia.
var reggioEmilia = archetype.SiteRequest{Body: "c_h223", Name: "Comune di Reggio Emilia"}

func TestLocalSiteHasOnlyTheCIFilesOfItsForge(t *testing.T) {
	ci := map[string][]string{
		"gitlab": {".gitlab-ci.yml", ".gitlab/CODEOWNERS", ".gitlab/merge_request_templates/Default.md"},
		"github": {".github/workflows/pspm.yml", ".github/CODEOWNERS", ".github/pull_request_template.md"},
		"gitea":  {".gitea/workflows/pspm.yml"},
	}
	for _, forge := range archetype.Forges {
		t.Run(forge, func(t *testing.T) {
			r := reggioEmilia
			if forge != "gitlab" { // the default
				r.Forge = forge
			}
			site := newLocalSite(t, r)
			for kind, names := range ci {
				for _, name := range names {
					if has := site[name] != nil; has != (kind == forge) {
						t.Errorf("a portal on %s has %s: %v", forge, name, has)
					}
				}
			}
			for _, name := range []string{
				".gitignore", "README.md", "pspm.yaml", "content/plan/_index.md", "content/plan/goals/servizi-digitali.md",
				"content/plan/objectives/servizi-online.md", "content/plan/actions/catalogo-servizi.md",
				"content/bodies/c_h223.md", "content/bodies/m_ef.md", "content/proposals/esempio/index.md",
				"content/practices/esempio/index.md", "static/img/logo.svg", "layouts/partials/footer.html",
				"i18n/it.yaml", "i18n/en.yaml",
			} {
				if site[name] == nil {
					t.Errorf("the portal has no %s", name)
				}
			}
			for name, data := range site {
				if strings.HasPrefix(name, "local/") || strings.HasPrefix(name, "content/bodies/owner") || strings.Contains(name, "/reactions/") {
					t.Errorf("the portal has %s", name)
				}
				if ext := path.Ext(name); !strings.HasPrefix(name, ".") && (ext == ".md" || ext == ".yaml" || ext == ".svg") && bytes.Contains(data, []byte("{{")) {
					t.Errorf("%s still holds template braces:\n%s", name, data)
				}
			}
			if wf := site[".gitea/workflows/pspm.yml"]; forge == "gitea" && (!bytes.Contains(wf, []byte(`pspm check --base "origin/${GITHUB_BASE_REF}" --actor "$PR_AUTHOR" --format github`)) ||
				!bytes.Contains(wf, []byte(`PR_AUTHOR: ${{ github.event.pull_request.user.login }}`))) {
				t.Errorf("the Gitea workflow does not check pull requests against their base:\n%s", wf)
			}
			readme := string(site["README.md"])
			for _, want := range []string{"# Portale del Comune di Reggio Emilia\n", "pspm serve", "pspm check", "pspm build", "contributes_to", "sources", "content/bodies/c_h223.md", "pspm release", "git push origin plan/", "`plan/*` tag"} {
				if !strings.Contains(readme, want) {
					t.Errorf("README.md lacks %q", want)
				}
			}
		})
	}
}

func TestLocalSiteForgesShareTheCentralCIFiles(t *testing.T) {
	for forge, files := range map[string]map[string]string{
		"gitlab": {".gitlab-ci.yml": "gitlab-ci.yml"},
		"github": {".github/workflows/pspm.yml": "github/workflows/pspm.yml"},
		"gitea":  {".gitea/workflows/pspm.yml": "gitea/workflows/pspm.yml"},
	} {
		r := reggioEmilia
		r.Forge = forge
		site := newLocalSite(t, r)
		for name, stored := range files {
			want, err := fs.ReadFile(themes.Default(), "archetypes/site/"+stored)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(site[name], want) {
				t.Errorf("%s of a local portal differs from the central one's", name)
			}
		}
	}
}

func TestCentralSiteForOneForgeHasOnlyItsCIFiles(t *testing.T) {
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	ci := map[string]string{".gitlab-ci.yml": "gitlab", ".github/workflows/pspm.yml": "github", ".gitea/workflows/pspm.yml": "gitea"}
	for _, forge := range append([]string{""}, archetype.Forges...) {
		files, err := archetype.Site(chain, archetype.SiteRequest{Forge: forge, Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		site := map[string][]byte{}
		for _, f := range files {
			site[f.Path] = f.Data
		}
		for name, kind := range ci {
			want := kind == forge || forge == "" && kind != "gitea"
			if has := site[name] != nil; has != want {
				t.Errorf("--forge %q: the portal has %s: %v, want %v", forge, name, has, want)
			}
		}
		var errs diag.List
		if cfg := config.Load(fstest.MapFS{"pspm.yaml": {Data: site["pspm.yaml"]}}, &errs); len(errs) > 0 || cfg.Forge.Kind != forge {
			t.Errorf("--forge %q: forge.kind %q\n%s", forge, cfg.Forge.Kind, errs.Format())
		}
	}
}

func TestGiteaWorkflowChecksPullRequestsAndBuildsMain(t *testing.T) {
	r := reggioEmilia
	r.Forge = "gitea"
	var wf workflow
	if err := yaml.Unmarshal(newLocalSite(t, r)[".gitea/workflows/pspm.yml"], &wf); err != nil {
		t.Fatalf("the workflow is not YAML: %v", err)
	}
	if _, ok := wf.On["pull_request"]; !ok {
		t.Error("the workflow does not run on pull_request")
	}
	if push := wf.On["push"]; push == nil || strings.Join(push.Branches, ",") != "main" || strings.Join(push.Tags, ",") != "plan/*" {
		t.Errorf("the workflow must run on pushes to main and of plan/* tags, got %+v", push)
	}
	check, build := wf.Jobs["check"], wf.Jobs["build"]
	if !strings.Contains(check.If, "pull_request") || !check.runs(`pspm check --base "origin/${GITHUB_BASE_REF}"`) {
		t.Errorf("the check job must run pspm check --base on pull requests: %+v", check)
	}
	if !build.runs("pspm build") || !build.runs("api/v1/versions.json") || len(build.uses("actions/upload-artifact")) != 1 || len(build.uses("actions/cache")) != 2 {
		t.Errorf("the build job must build and keep public/: %+v", build)
	}
	for name, j := range map[string]job{"check": check, "build": build} {
		if co := j.uses("actions/checkout"); len(co) != 1 || co[0].With["fetch-depth"] != "0" {
			t.Errorf("job %s must check out the whole history, got %+v", name, co)
		}
		if !j.runs("go install \"github.com/pspm-dev/pspm/cmd/pspm@${PSPM_VERSION}\"") {
			t.Errorf("job %s does not install pspm", name)
		}
	}
}

func TestLocalSiteConfigFederatesWithTheCentralPortal(t *testing.T) {
	r := reggioEmilia
	r.Forge, r.Color, r.Central = "github", "#1A5C2E", "git@gitlab.example.org:mef/piano.git"
	site := newLocalSite(t, r)
	var errs diag.List
	cfg := config.Load(fstest.MapFS{"pspm.yaml": {Data: site["pspm.yaml"]}}, &errs)
	if len(errs) > 0 {
		t.Fatalf("pspm.yaml does not load clean:\n%s\n%s", errs.Format(), site["pspm.yaml"])
	}
	if cfg.Title != "Portale del Comune di Reggio Emilia" || strings.Join(cfg.Languages, ",") != "it,en" {
		t.Errorf("title %q, languages %v", cfg.Title, cfg.Languages)
	}
	if cfg.Forge.Kind != "github" || cfg.Forge.Branch != "main" || cfg.Votes.Policy != "author" {
		t.Errorf("forge %+v, votes %+v", cfg.Forge, cfg.Votes)
	}
	if cfg.Brand.Logo != "/img/logo.svg" || cfg.Brand.Color != "#1a5c2e" || site["static"+cfg.Brand.Logo] == nil {
		t.Errorf("brand %+v: want the logo of static/ and the colour given", cfg.Brand)
	}
	if len(cfg.Sources) != 1 || cfg.Sources[0].URL != r.Central || cfg.Sources[0].Body != "m_ef" || cfg.Sources[0].Kind != config.SourcePortal {
		t.Errorf("sources %+v: want the central portal, speaking for m_ef", cfg.Sources)
	}
	if !bytes.Contains(site["pspm.yaml"], []byte("# The central portal of the plan is a source of this one.")) {
		t.Error("pspm.yaml does not explain its source")
	}

	r = archetype.SiteRequest{Body: "c_h223"}
	errs = nil
	cfg = config.Load(fstest.MapFS{"pspm.yaml": {Data: newLocalSite(t, r)["pspm.yaml"]}}, &errs)
	if len(errs) > 0 || cfg.Forge.Kind != "gitlab" || cfg.Brand.Color != archetype.DefaultColor || cfg.Sources[0].URL != archetype.CentralURL {
		t.Errorf("the defaults: forge %q, colour %q, sources %+v\n%s", cfg.Forge.Kind, cfg.Brand.Color, cfg.Sources, errs.Format())
	}
	if c := config.Contrast(archetype.DefaultColor, "#ffffff"); c < 4.5 {
		t.Errorf("white on the default colour has a contrast of %.1f:1, under 4.5:1", c)
	}
}

func TestLocalSiteNamesTheBodyInItalian(t *testing.T) {
	for name, want := range map[string]string{
		"Comune di Reggio Emilia":       "Portale del Comune di Reggio Emilia",
		"Regione Emilia-Romagna":        "Portale della Regione Emilia-Romagna",
		"Agenzia per l'Italia Digitale": "Portale dell'Agenzia per l'Italia Digitale",
		"Roma Capitale":                 "Portale di Roma Capitale",
		"":                              "Portale dell'Ente c_h223",
	} {
		site := newLocalSite(t, archetype.SiteRequest{Body: "c_h223", Name: name})
		var errs diag.List
		if cfg := config.Load(fstest.MapFS{"pspm.yaml": {Data: site["pspm.yaml"]}}, &errs); cfg.Title != want {
			t.Errorf("--name %q: title %q, want %q", name, cfg.Title, want)
		}
	}
	it := string(newLocalSite(t, reggioEmilia)["i18n/it.yaml"])
	if !strings.Contains(it, `home.howto.2: "Il Comune di Reggio Emilia valuta le proposte`) {
		t.Errorf("i18n/it.yaml does not say who answers the proposals:\n%s", it)
	}
}

func TestLocalSiteLogoIsSVGTitledWithTheBodysName(t *testing.T) {
	r := reggioEmilia
	r.Name = `Comune di "Reggio" nell'Emilia & <dintorni>`
	var svg struct {
		XMLName xml.Name
		Title   string `xml:"title"`
	}
	if err := xml.Unmarshal(newLocalSite(t, r)["static/img/logo.svg"], &svg); err != nil {
		t.Fatalf("the logo is not XML: %v", err)
	}
	if svg.XMLName.Space != "http://www.w3.org/2000/svg" || svg.XMLName.Local != "svg" || svg.Title != r.Name {
		t.Errorf("the logo is <%s xmlns=%q> titled %q, want an SVG titled %q", svg.XMLName.Local, svg.XMLName.Space, svg.Title, r.Name)
	}
}

func TestLocalSiteRequestIsChecked(t *testing.T) {
	chain, err := theme.New(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		r    archetype.SiteRequest
		want string
	}{
		{archetype.SiteRequest{Body: "C_H223"}, `--body "C_H223": want a body's IPA code in lower case`},
		{archetype.SiteRequest{Body: "comune-re"}, `--body "comune-re"`},
		{archetype.SiteRequest{Body: strings.Repeat("a", 65)}, `--body "aaaa`},
		{archetype.SiteRequest{Body: "m_ef"}, "--body m_ef: m_ef owns the central plan"},
		{archetype.SiteRequest{Forge: "bitbucket"}, `--forge "bitbucket": want one of gitlab, github, gitea`},
		{archetype.SiteRequest{Color: "#004080"}, "--color is for the portal of a local body: give its IPA code with --body too"},
		{archetype.SiteRequest{Name: "Comune"}, "--name is for the portal of a local body"},
		{archetype.SiteRequest{Body: "c_h223", Forge: "bitbucket"}, `--forge "bitbucket": want one of gitlab, github, gitea`},
		{archetype.SiteRequest{Body: "c_h223", Kind: "comune"}, `--kind "comune": want one of ministry, region,`},
		{archetype.SiteRequest{Body: "c_h223", Color: "blue"}, `--color "blue": write a colour as #rrggbb`},
		{archetype.SiteRequest{Body: "c_h223", Color: "#ffcc00"}, "--color #ffcc00: white text on it has a contrast of 1.5:1, under the 4.5:1"},
		{archetype.SiteRequest{Body: "c_h223", Central: "piano-strategico"}, `--central "piano-strategico": give the address of the central portal's Git repository`},
		{archetype.SiteRequest{Body: "c_h223", Central: "ftp://example.org/piano.git"}, `--central "ftp://example.org/piano.git"`},
		{archetype.SiteRequest{Body: "c_h223", Central: "https:///piano.git"}, `--central "https:///piano.git"`},
		{archetype.SiteRequest{Body: "c_h223", Name: "Comune\ndi Reggio"}, `--name "Comune\ndi Reggio": give the body's name on one line`},
		{archetype.SiteRequest{Body: "c_h223", Owner: "m_ef"}, `--owner "m_ef": a local body's portal is owned by the body itself`},
		{archetype.SiteRequest{Body: "c_h223", OwnerName: "MEF"}, "--owner-name: give the body's name with --name"},
	} {
		if _, err := archetype.Site(chain, tc.r); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.r, err, tc.want)
		}
	}
}

// TestLocalSiteBuildsWithTheDemoAsCentralPortal makes a local portal whose source is the
// demo portal in a Git repository, and builds it: its example action names an objective of
// the demo's plan, and MEF's items come in from the source. Then the demo, as the central
// portal, lists the local one as its source and shows the action under that objective.
func TestLocalSiteBuildsWithTheDemoAsCentralPortal(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	central := t.TempDir()
	if err := os.CopyFS(central, demo.Site()); err != nil {
		t.Fatal(err)
	}
	commitAll(t, central)

	r := reggioEmilia
	r.Central = "file://" + filepath.ToSlash(central)
	dir := t.TempDir()
	for name, data := range newLocalSite(t, r) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	var action struct {
		ContributesTo []string `yaml:"contributes_to"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "content/plan/actions/catalogo-servizi.md"))
	if err != nil {
		t.Fatal(err)
	}
	front, _, _ := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---\n")
	if err := yaml.Unmarshal([]byte(front), &action); err != nil {
		t.Fatal(err)
	}
	if len(action.ContributesTo) != 1 {
		t.Fatalf("the example action contributes to %v, want one central objective", action.ContributesTo)
	}
	if _, err := fs.Stat(demo.Site(), "content/plan/objectives/"+action.ContributesTo[0]+".md"); err != nil {
		t.Errorf("the example action contributes to %q, which is no objective of the central demo plan", action.ContributesTo[0])
	}

	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("the local portal does not build: %v", err)
	}
	if errs := res.Diagnostics.Errors(); len(errs) > 0 {
		t.Fatalf("the local portal builds with errors:\n%s", errs.Format())
	}
	for _, w := range res.Diagnostics.Warnings() {
		if !strings.HasPrefix(w.Pos.File, generator.SourcesDir+"/") {
			t.Errorf("a warning about the local portal itself: %v", w)
		}
	}
	files := out.Files()
	fromCentral := 0
	for name := range files {
		if strings.HasPrefix(name, "bodies/m_ef/practices/") {
			fromCentral++
		}
	}
	if fromCentral == 0 {
		t.Error("no practice of m_ef came in from the central portal")
	}
	for name, want := range map[string]string{
		"index.html": "Portale del Comune di Reggio Emilia",
		"plan/actions/catalogo-servizi/index.html": action.ContributesTo[0],
		"bodies/c_h223/index.html":                 "Comune di Reggio Emilia",
		"en/index.html":                            "Accessibility statement",
		"img/logo.svg":                             "<title>Comune di Reggio Emilia</title>",
	} {
		if !bytes.Contains(files[name], []byte(want)) {
			t.Errorf("%s lacks %q", name, want)
		}
	}
	if footer := string(files["index.html"]); !strings.Contains(footer, "Dichiarazione di accessibilità") || !strings.Contains(footer, "Il Comune di Reggio Emilia valuta le proposte") {
		t.Error("the home page lacks the footer's links or the body's own strings")
	}

	// The central portal lists the local one as a source: the local action is shown on the
	// page of the central objective it contributes to.
	commitAll(t, dir)
	yml := "sources:\n  - url: file://" + filepath.ToSlash(dir) + "\n    body: c_h223\n"
	if err := os.WriteFile(filepath.Join(central, "pspm.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if src, err = generator.OpenSource(central); err != nil {
		t.Fatal(err)
	}
	out = output.NewMem()
	if res, err = generator.Build(generator.Options{Source: src, Dir: central}, out); err != nil {
		t.Fatalf("the central portal does not build: %v", err)
	}
	for _, w := range res.Diagnostics.Warnings() {
		if strings.Contains(w.Msg, "c_h223") || strings.Contains(w.Msg, "contributes_to") {
			t.Errorf("the central portal warns about the local one: %v", w)
		}
	}
	page := out.Files()["plan/objectives/"+action.ContributesTo[0]+"/index.html"]
	if !bytes.Contains(page, []byte("Pubblicare il catalogo dei servizi online")) {
		t.Errorf("the central objective %s does not list the local action that contributes to it", action.ContributesTo[0])
	}
}

// commitAll commits every file of the folder dir, in a new Git repository.
func commitAll(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", "Il portale"}} {
		cmd := exec.Command("git", append([]string{"-c", "user.name=Anna Rossi", "-c", "user.email=anna.rossi@example.org", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func TestCIFilesRestoreTheVersionsWhereTheBuildLooksForThem(t *testing.T) {
	want := "public/" + generator.PublishedVersions
	for name, forge := range map[string]string{".github/workflows/pspm.yml": "github", ".gitlab-ci.yml": "gitlab", ".gitea/workflows/pspm.yml": "gitea"} {
		chain, err := theme.New(nil, "")
		if err != nil {
			t.Fatal(err)
		}
		files, err := archetype.Site(chain, archetype.SiteRequest{Forge: forge, Year: 2025})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if f.Path == name && !bytes.Contains(f.Data, []byte("-o "+want)) {
				t.Errorf("%s does not restore the published versions into %s, where pspm build reads them", name, want)
			}
		}
	}
}
