package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

// The tests below run the commands of the CI files that `pspm new site` writes, as each
// forge runs them, against a real repository made by the git CLI: the steps of the build
// job and of the merge-request job are read from the YAML and run with bash, with the
// `pspm` of this test binary on PATH (testscript.Main puts it there), the forge's
// variables set as the forge sets them, and the live portal served on 127.0.0.1. What a
// step needs from the network (installing pspm, the forge's actions) is left out: the
// test checks out the commits itself, as actions/checkout or GitLab's runner do.

// installPspm is the one command of the CI files that needs the network; the test leaves
// it out, and checks that each job has it.
const installPspm = `go install "github.com/pspm-dev/pspm/cmd/pspm@${PSPM_VERSION}"`

// livePortal is the portal as already published, served under a path as GitHub Pages
// serves a project's site: it holds the api/v1/versions.json of the last publication,
// or nothing before the first one.
type livePortal struct {
	srv      *httptest.Server
	mu       sync.Mutex
	versions []byte
	// refuse, when set, answers every request instead: a status and a body, as a portal
	// behind a login or a broken host does.
	refuse func(w http.ResponseWriter)
}

func newLivePortal(t *testing.T) *livePortal {
	p := &livePortal{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if p.refuse != nil {
			p.refuse(w)
			return
		}
		if r.URL.Path != "/portale/api/v1/versions.json" || p.versions == nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(p.versions)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

// URL is the portal's address, without a trailing slash, as configure-pages gives it.
func (p *livePortal) URL() string { return p.srv.URL + "/portale" }

// publish makes the versions.json of a build the live one, as deploying it does.
func (p *livePortal) publish(t *testing.T, jobDir string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(jobDir, "public/api/v1/versions.json"))
	if err != nil {
		t.Fatalf("the build published no versions.json: %v", err)
	}
	p.mu.Lock()
	p.versions = data
	p.mu.Unlock()
}

// ciRepo is a portal's repository: a bare "origin" on the forge and a maintainer's clone.
type ciRepo struct {
	t      *testing.T
	root   string
	origin string // the bare repository the forge serves
	work   string // the maintainer's clone
	env    []string
}

// git runs git in dir with the repository's environment and extra variables, and returns
// its output.
func (r *ciRepo) git(dir string, extra []string, args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string{}, r.env...), extra...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

var (
	maintainer = []string{"GIT_AUTHOR_NAME=Referente del piano", "GIT_AUTHOR_EMAIL=piano@example.org"}
	marco      = []string{"GIT_AUTHOR_NAME=Marco Bianchi", "GIT_AUTHOR_EMAIL=marco.bianchi@comune.re.it"}
	eve        = []string{"GIT_AUTHOR_NAME=Eve", "GIT_AUTHOR_EMAIL=eve@example.org"}
)

// commit commits every change of the clone as author, who commits it too.
func (r *ciRepo) commit(author []string, msg string) {
	r.t.Helper()
	env := append([]string{}, author...)
	for _, v := range author {
		env = append(env, strings.Replace(v, "GIT_AUTHOR_", "GIT_COMMITTER_", 1))
	}
	r.git(r.work, nil, "add", "-A")
	r.git(r.work, env, "commit", "-q", "-m", msg)
}

// write writes a file of the clone.
func (r *ciRepo) write(name, data string) {
	r.t.Helper()
	p := filepath.Join(r.work, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// pspm runs the command line in the clone.
func (r *ciRepo) pspm(args ...string) {
	r.t.Helper()
	var out, errb bytes.Buffer
	if code := run(append(args, "-s", r.work), &out, &errb); code != 0 {
		r.t.Fatalf("pspm %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
}

// newCIRepo makes a portal with `pspm new site` for forge, whose consultation opens
// today, with the Comune di Reggio Emilia registered, committed by the plan owner's
// member and pushed to origin with the tag plan/1.0.
func newCIRepo(t *testing.T, forge string, portal *livePortal) *ciRepo {
	for _, tool := range []string{"git", "bash", "curl", "pspm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: %v", tool, err)
		}
	}
	root := t.TempDir()
	r := &ciRepo{t: t, root: root, origin: filepath.Join(root, "origin.git"), work: filepath.Join(root, "work")}
	home := filepath.Join(root, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	r.env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LC_ALL=C", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_COMMITTER_NAME=Referente del piano", "GIT_COMMITTER_EMAIL=piano@example.org"}

	today := time.Now().UTC().Format("2006-01-02")
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", r.work, "--forge", forge, "--date", today}, &out, &errb); code != 0 {
		t.Fatalf("pspm new site: exit %d\n%s", code, errb.String())
	}
	r.write("content/bodies/c_h223.md", "---\nname: Comune di Reggio Emilia\nkind: municipality\nmembers:\n"+
		"  - name: Marco Bianchi\n    email: marco.bianchi@comune.re.it\n    forge: marco-bianchi\n---\n")
	if forge == "gitea" {
		// Gitea has no Pages: the job finds the live portal at baseURL.
		cfg, err := os.ReadFile(filepath.Join(r.work, "pspm.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		cfg = regexp.MustCompile(`(?m)^baseURL: .*$`).ReplaceAll(cfg, []byte(`baseURL: "`+portal.URL()+`/"   # where it is published`))
		r.write("pspm.yaml", string(cfg))
	}
	r.git(root, nil, "init", "-q", "-b", "main", r.work)
	r.commit(maintainer, "Il portale")
	r.git(r.work, nil, "tag", "-a", "plan/1.0", "-m", "Prima versione")
	r.git(root, nil, "init", "-q", "--bare", r.origin)
	r.git(r.work, nil, "remote", "add", "origin", r.origin)
	r.git(r.work, nil, "push", "-q", "origin", "main", "--tags")
	return r
}

// event is what a forge gives a job: the commit it checks out and its variables.
type event struct {
	checkout func(r *ciRepo, dir string) // what the forge fetches and checks out
	env      map[string]string           // the forge's variables
	exprs    map[string]string           // GitHub's ${{ expressions }} and their values
}

// githubCheckout fetches as actions/checkout does with fetch-depth: 0 (every branch as
// origin/*, every tag), then checks out ref: a branch as the local branch, anything else
// detached.
func githubCheckout(ref string) func(r *ciRepo, dir string) {
	return func(r *ciRepo, dir string) {
		r.git(r.root, nil, "init", "-q", dir)
		r.git(dir, nil, "remote", "add", "origin", r.origin)
		r.git(dir, nil, "fetch", "-q", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")
		if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
			r.git(dir, nil, "checkout", "-q", "-B", b, "refs/remotes/origin/"+b)
			return
		}
		r.git(dir, nil, "checkout", "-q", "--detach", ref)
	}
}

// gitlabCheckout fetches as GitLab's runner does with GIT_DEPTH: 0 (only the pipeline's
// ref: its branch or its tag, or a merge request's head), then checks out the commit
// detached.
func gitlabCheckout(refspec, sha string) func(r *ciRepo, dir string) {
	return func(r *ciRepo, dir string) {
		r.git(r.root, nil, "init", "-q", dir)
		r.git(dir, nil, "remote", "add", "origin", r.origin)
		r.git(dir, nil, "fetch", "-q", "--no-tags", "origin", "+"+sha+":refs/pipelines/1", refspec)
		r.git(dir, nil, "checkout", "-q", "--detach", sha)
	}
}

// ciRun is the outcome of a job.
type ciRun struct {
	dir    string // the job's checkout
	output string // what the job printed
	failed bool
}

// expressions replaces GitHub's ${{ expressions }} in s with their values in exprs, as
// the forge does before running a step; an expression the test does not know fails it.
func expressions(t *testing.T, s string, exprs map[string]string) string {
	t.Helper()
	return regexp.MustCompile(`\$\{\{.*?\}\}`).ReplaceAllStringFunc(s, func(e string) string {
		v, ok := exprs[e]
		if !ok {
			t.Fatalf("the CI file uses %s, which this test does not give a value", e)
		}
		return v
	})
}

// runScript runs a job's script in dir with bash, as the forge does, with env.
func runScript(t *testing.T, dir, script string, env []string) (string, error) {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// workflow is what the test reads of a GitHub or Gitea Actions workflow.
type workflow struct {
	Defaults struct {
		Run struct {
			Shell string `yaml:"shell"`
		} `yaml:"run"`
	} `yaml:"defaults"`
	On map[string]*struct {
		Branches []string `yaml:"branches"`
		Tags     []string `yaml:"tags"`
	} `yaml:"on"`
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		If    string            `yaml:"if"`
		Env   map[string]string `yaml:"env"`
		Steps []struct {
			Name string            `yaml:"name"`
			If   string            `yaml:"if"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// runWorkflowJob runs the job of the workflow file of the clone as GitHub (or Gitea) runs
// it for ev: its run: steps in order, each in bash with `set -eo pipefail`, until one fails.
func runWorkflowJob(r *ciRepo, file, job string, ev event) ciRun {
	t := r.t
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(r.work, file))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if wf.Defaults.Run.Shell != "bash" {
		t.Fatalf("%s: defaults.run.shell is %q: want bash, so that every step runs with set -eo pipefail as this test runs it", file, wf.Defaults.Run.Shell)
	}
	j, ok := wf.Jobs[job]
	if !ok {
		t.Fatalf("%s has no job %s", file, job)
	}
	if !workflowRuns(t, wf.On, ev.env) {
		t.Fatalf("%s does not run on %s of %s", file, ev.env["GITHUB_EVENT_NAME"], ev.env["GITHUB_REF"])
	}
	if m := regexp.MustCompile(`^github\.event_name (==|!=) '(\w+)'$`).FindStringSubmatch(j.If); m == nil {
		t.Fatalf("%s: job %s runs if %q, which this test cannot tell", file, job, j.If)
	} else if (ev.env["GITHUB_EVENT_NAME"] == m[2]) != (m[1] == "==") {
		t.Fatalf("%s: job %s does not run on %s (if: %s)", file, job, ev.env["GITHUB_EVENT_NAME"], j.If)
	}
	dir := filepath.Join(r.root, fmt.Sprintf("job-%d", time.Now().UnixNano()))
	ev.checkout(r, dir)
	res := ciRun{dir: dir}
	installs := 0
	for _, st := range j.Steps {
		if st.If != "" {
			t.Fatalf("%s: job %s: step %q runs if %s, which this test cannot tell", file, job, st.Name, st.If)
		}
		if st.Uses != "" || st.Run == "" {
			continue // an action: the forge's, from the network
		}
		if strings.TrimSpace(st.Run) == installPspm {
			installs++
			continue
		}
		env := append([]string{}, r.env...)
		for _, m := range []map[string]string{wf.Env, j.Env, st.Env, ev.env} {
			for k, v := range m {
				env = append(env, k+"="+expressions(t, v, ev.exprs))
			}
		}
		out, err := runScript(t, dir, expressions(t, st.Run, ev.exprs), env)
		res.output += out
		if err != nil {
			res.failed = true
			res.output += fmt.Sprintf("[step %q: %v]\n", st.Name, err)
			break
		}
	}
	if installs != 1 {
		t.Errorf("%s: job %s installs pspm %d times, want once with %s", file, job, installs, installPspm)
	}
	return res
}

// workflowRuns reports whether a workflow whose triggers are on runs for the event that
// env describes (GITHUB_EVENT_NAME, GITHUB_REF): a pull request, or a push of a branch or
// a tag matching one of on.push's patterns.
func workflowRuns(t *testing.T, on map[string]*struct {
	Branches []string `yaml:"branches"`
	Tags     []string `yaml:"tags"`
}, env map[string]string) bool {
	t.Helper()
	trigger, ok := on[env["GITHUB_EVENT_NAME"]]
	if !ok {
		return false
	}
	if env["GITHUB_EVENT_NAME"] != "push" {
		return true
	}
	patterns, name := trigger.Branches, strings.TrimPrefix(env["GITHUB_REF"], "refs/heads/")
	if tag, ok := strings.CutPrefix(env["GITHUB_REF"], "refs/tags/"); ok {
		patterns, name = trigger.Tags, tag
	}
	for _, p := range patterns {
		if ok, err := path.Match(p, name); err != nil {
			t.Fatalf("on.push pattern %q: %v", p, err)
		} else if ok {
			return true
		}
	}
	return false
}

// gitlabRule is a rule of .gitlab-ci.yml.
type gitlabRule struct {
	If string `yaml:"if"`
}

// gitlabRulesMatch reports whether one of rules matches the pipeline's variables in env,
// as GitLab evaluates them: each rule is $VAR == "text", $VAR == $OTHER or $VAR =~ /re/.
func gitlabRulesMatch(t *testing.T, rules []gitlabRule, env map[string]string) bool {
	t.Helper()
	re := regexp.MustCompile(`^\$(\w+) (==|=~) (?:"([^"]*)"|\$(\w+)|/(.*)/)$`)
	for _, r := range rules {
		m := re.FindStringSubmatch(r.If)
		if m == nil {
			t.Fatalf(".gitlab-ci.yml: rule if: %q is not one this test can tell", r.If)
		}
		v := env[m[1]]
		switch {
		case m[2] == "=~" && m[5] != "":
			if regexp.MustCompile(m[5]).MatchString(v) {
				return true
			}
		case m[2] == "==" && m[4] != "":
			if v == env[m[4]] {
				return true
			}
		case m[2] == "==":
			if v == m[3] {
				return true
			}
		default:
			t.Fatalf(".gitlab-ci.yml: rule if: %q is not one this test can tell", r.If)
		}
	}
	return false
}

// gitlabJob is what the test reads of a job of .gitlab-ci.yml.
type gitlabJob struct {
	Extends      string            `yaml:"extends"`
	BeforeScript []string          `yaml:"before_script"`
	Script       []string          `yaml:"script"`
	Variables    map[string]string `yaml:"variables"`
	Rules        []gitlabRule      `yaml:"rules"`
}

// runGitLabJob runs the job of the clone's .gitlab-ci.yml as GitLab's runner does for ev:
// its before_script (its own, or that of the job it extends) and script, one bash script
// with `set -eo pipefail`, with the file's and the job's variables.
func runGitLabJob(r *ciRepo, job string, ev event) ciRun {
	t := r.t
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(r.work, ".gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var ci map[string]yaml.Node
	if err := yaml.Unmarshal(raw, &ci); err != nil {
		t.Fatalf(".gitlab-ci.yml: %v", err)
	}
	decode := func(name string, v any) {
		n, ok := ci[name]
		if !ok {
			t.Fatalf(".gitlab-ci.yml has no %s", name)
		}
		if err := n.Decode(v); err != nil {
			t.Fatalf(".gitlab-ci.yml: %s: %v", name, err)
		}
	}
	var vars map[string]any
	decode("variables", &vars)
	var wf struct {
		Rules []gitlabRule `yaml:"rules"`
	}
	decode("workflow", &wf)
	if !gitlabRulesMatch(t, wf.Rules, ev.env) {
		t.Fatalf(".gitlab-ci.yml: no pipeline runs for %v (workflow rules %+v)", ev.env, wf.Rules)
	}
	var j gitlabJob
	decode(job, &j)
	if !gitlabRulesMatch(t, j.Rules, ev.env) {
		t.Fatalf(".gitlab-ci.yml: job %s does not run for %v (rules %+v)", job, ev.env, j.Rules)
	}
	before := j.BeforeScript
	if j.Extends != "" && before == nil {
		var base gitlabJob
		decode(j.Extends, &base)
		before = base.BeforeScript
	}
	env := append([]string{}, r.env...)
	for k, v := range vars {
		env = append(env, fmt.Sprintf("%s=%v", k, v))
	}
	for k, v := range j.Variables {
		env = append(env, k+"="+v)
	}
	for k, v := range ev.env {
		env = append(env, k+"="+v)
	}
	var script []string
	installs := 0
	for _, line := range append(append([]string{}, before...), j.Script...) {
		if strings.TrimSpace(line) == installPspm {
			installs++
			continue
		}
		script = append(script, line)
	}
	if installs != 1 {
		t.Errorf(".gitlab-ci.yml: job %s installs pspm %d times, want once with %s", job, installs, installPspm)
	}
	dir := filepath.Join(r.root, fmt.Sprintf("job-%d", time.Now().UnixNano()))
	ev.checkout(r, dir)
	out, err := runScript(t, dir, strings.Join(script, "\n"), env)
	res := ciRun{dir: dir, output: out}
	if err != nil {
		res.failed = true
		res.output += fmt.Sprintf("[job %s: %v]\n", job, err)
	}
	return res
}

// forgeCI runs the build job and the merge-request job of one forge's CI file.
type forgeCI struct {
	name string
	// build runs the publishing job for a push of ref (refs/heads/main or refs/tags/…).
	build func(r *ciRepo, p *livePortal, ref string) ciRun
	// check runs the merge-request job for branch, targeting main, opened by actor.
	check func(r *ciRepo, branch, actor string) ciRun
	// annotation matches the check's annotation of a file at line 1, column 1.
	annotation func(file string) string
}

func githubActions(name, file string) forgeCI {
	return forgeCI{
		name: name,
		build: func(r *ciRepo, p *livePortal, ref string) ciRun {
			return runWorkflowJob(r, file, "build", event{
				checkout: githubCheckout(ref),
				env: map[string]string{"GITHUB_EVENT_NAME": "push", "GITHUB_REF": ref, "GITHUB_REF_NAME": strings.TrimPrefix(strings.TrimPrefix(ref, "refs/heads/"), "refs/tags/"),
					"GITHUB_REF_TYPE": map[bool]string{true: "tag", false: "branch"}[strings.HasPrefix(ref, "refs/tags/")], "GITHUB_SHA": r.git(r.origin, nil, "rev-parse", ref+"^{commit}"), "CI": "true", "GITHUB_ACTIONS": "true"},
				exprs: map[string]string{
					"${{ vars.PSPM_SITE_URL || steps.pages.outputs.base_url }}": p.URL(),
					"${{ steps.pages.outputs.base_url }}":                       p.URL(),
					"${{ vars.PSPM_SITE_URL }}":                                 "", // Gitea: the variable is not set, baseURL is
				},
			})
		},
		check: func(r *ciRepo, branch, actor string) ciRun {
			head := r.git(r.origin, nil, "rev-parse", "refs/heads/"+branch)
			return runWorkflowJob(r, file, "check", event{
				checkout: githubCheckout(head),
				env: map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_REF": "refs/pull/1/merge", "GITHUB_BASE_REF": "main", "GITHUB_HEAD_REF": branch,
					"GITHUB_SHA": head, "CI": "true", "GITHUB_ACTIONS": "true"},
				exprs: map[string]string{"${{ github.event.pull_request.user.login }}": actor},
			})
		},
		annotation: func(file string) string { return "::error file=" + file + ",line=1,col=1::" },
	}
}

var gitlabCI = forgeCI{
	name: "gitlab",
	build: func(r *ciRepo, p *livePortal, ref string) ciRun {
		sha := r.git(r.origin, nil, "rev-parse", ref+"^{commit}")
		env := map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_SHA": sha, "CI_PAGES_URL": p.URL(), "CI_PIPELINE_SOURCE": "push"}
		refspec := "+" + ref + ":refs/remotes/origin/main"
		if tag, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
			env["CI_COMMIT_TAG"], env["CI_COMMIT_REF_NAME"] = tag, tag
			refspec = "+" + ref + ":" + ref
		} else {
			env["CI_COMMIT_BRANCH"], env["CI_COMMIT_REF_NAME"] = "main", "main"
		}
		return runGitLabJob(r, "pages", event{checkout: gitlabCheckout(refspec, sha), env: env})
	},
	check: func(r *ciRepo, branch, actor string) ciRun {
		head := r.git(r.origin, nil, "rev-parse", "refs/heads/"+branch)
		base := r.git(r.origin, nil, "merge-base", "refs/heads/main", head)
		return runGitLabJob(r, "pspm-check", event{
			checkout: gitlabCheckout("+refs/heads/"+branch+":refs/remotes/origin/"+branch, head),
			env: map[string]string{"CI": "true", "GITLAB_CI": "true", "CI_PIPELINE_SOURCE": "merge_request_event", "CI_DEFAULT_BRANCH": "main",
				"CI_COMMIT_SHA": head, "CI_COMMIT_REF_NAME": branch, "CI_MERGE_REQUEST_IID": "1",
				"CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": branch, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
				"CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "GITLAB_USER_LOGIN": actor},
		})
	},
	annotation: func(file string) string { return file + ":1:1: " },
}

// TestCIFilesPublishTagsAndGuardPublishedVersions runs, for each forge, the publishing
// job on the first push to main, on the push of a plan/* tag, and after a published tag
// was moved, put back, then deleted: the first publication goes on without a published
// list, the tag builds its version page from main's tip, and the moved or deleted tag fails
// the build (the guard is on, because the job restored the live portal's versions.json),
// while the tag put back where it was published builds again.
func TestCIFilesPublishTagsAndGuardPublishedVersions(t *testing.T) {
	for _, f := range []forgeCI{githubActions("github", ".github/workflows/pspm.yml"), gitlabCI, githubActions("gitea", ".gitea/workflows/pspm.yml")} {
		t.Run(f.name, func(t *testing.T) {
			portal := newLivePortal(t)
			r := newCIRepo(t, f.name, portal)

			// The first publication: the live portal has no versions.json yet.
			first := f.build(r, portal, "refs/heads/main")
			if first.failed || !strings.Contains(first.output, "first publication") {
				t.Fatalf("the first build failed or did not say it is the first publication:\n%s", first.output)
			}
			if _, err := os.Stat(filepath.Join(first.dir, "public/plan/1.0/index.html")); err != nil {
				t.Fatalf("the first build has no page for plan/1.0: %v\n%s", err, first.output)
			}
			portal.publish(t, first.dir)

			// A maintainer releases 1.1, and main moves on before the tag's build runs:
			// pushing the tag publishes its version, on the portal of main's tip.
			r.write("content/proposals/nuova/index.md", "---\ntitle: Una proposta nuova\nbody: c_h223\ndate: "+time.Now().UTC().Format("2006-01-02")+"\n---\nTesto.\n")
			r.commit(maintainer, "Proposta")
			r.git(r.work, nil, "tag", "-a", "plan/1.1", "-m", "Seconda versione")
			r.write("content/proposals/dopo/index.md", "---\ntitle: Dopo il tag\nbody: c_h223\ndate: "+time.Now().UTC().Format("2006-01-02")+"\n---\nTesto.\n")
			r.commit(maintainer, "Dopo il tag")
			r.git(r.work, nil, "push", "-q", "origin", "main", "plan/1.1")
			tag := f.build(r, portal, "refs/tags/plan/1.1")
			if tag.failed || !strings.Contains(tag.output, "Restored") {
				t.Fatalf("the build of the tag push failed or did not restore the published versions:\n%s", tag.output)
			}
			for _, page := range []string{"public/plan/1.1/index.html", "public/plan/1.0/index.html", "public/proposals/dopo/index.html"} {
				if _, err := os.Stat(filepath.Join(tag.dir, page)); err != nil {
					t.Errorf("the build of the tag push has no %s (the portal is main's tip with every tag): %v", page, err)
				}
			}
			var vs []struct{ Tag string }
			data, _ := os.ReadFile(filepath.Join(tag.dir, "public/api/v1/versions.json"))
			if err := json.Unmarshal(data, &vs); err != nil || len(vs) != 2 {
				t.Errorf("the published versions.json lists %+v (%v), want plan/1.0 and plan/1.1", vs, err)
			}
			portal.publish(t, tag.dir)

			// Someone moves the published plan/1.0 and pushes it: the next build of main
			// fails on it, and publishes nothing.
			published := r.git(r.work, nil, "rev-parse", "plan/1.0^{commit}")
			r.git(r.work, nil, "tag", "-f", "-a", "plan/1.0", "-m", "Prima versione, rifatta", "HEAD")
			r.git(r.work, nil, "push", "-q", "-f", "origin", "plan/1.0")
			moved := f.build(r, portal, "refs/heads/main")
			if !moved.failed || !strings.Contains(moved.output, "refs/tags/plan/1.0") || !strings.Contains(moved.output, "moved") {
				t.Fatalf("the build after plan/1.0 moved did not fail on it (the guard is off):\n%s", moved.output)
			}
			if _, err := os.Stat(filepath.Join(moved.dir, "public/index.html")); err == nil {
				t.Error("the build after plan/1.0 moved wrote the portal")
			}

			// Put back where it was published, the tag builds again.
			r.git(r.work, nil, "tag", "-f", "-a", "plan/1.0", "-m", "Prima versione", published)
			r.git(r.work, nil, "push", "-q", "-f", "origin", "plan/1.0")
			if back := f.build(r, portal, "refs/heads/main"); back.failed {
				t.Fatalf("the build after plan/1.0 was put back failed:\n%s", back.output)
			}

			// A published tag deleted from the forge fails the build too.
			r.git(r.work, nil, "push", "-q", "origin", ":refs/tags/plan/1.1")
			gone := f.build(r, portal, "refs/heads/main")
			if !gone.failed || !strings.Contains(gone.output, "refs/tags/plan/1.1") || !strings.Contains(gone.output, "gone") {
				t.Fatalf("the build after plan/1.1 was deleted did not fail on it:\n%s", gone.output)
			}
		})
	}
}

// TestCIFilesRefuseAForgedVoteWithAnAnnotation runs, for each forge, the merge-request
// job on a vote by a member of its body, which passes, and on the same vote committed and
// opened by someone else, which fails with an annotation on the vote's file.
func TestCIFilesRefuseAForgedVoteWithAnAnnotation(t *testing.T) {
	for _, f := range []forgeCI{githubActions("github", ".github/workflows/pspm.yml"), gitlabCI, githubActions("gitea", ".gitea/workflows/pspm.yml")} {
		t.Run(f.name, func(t *testing.T) {
			r := newCIRepo(t, f.name, newLivePortal(t))
			const vote = "content/proposals/esempio/reactions/c_h223.yaml"

			r.git(r.work, nil, "checkout", "-q", "-b", "voto")
			r.pspm("new", "vote", "proposals/esempio", "--body", "c_h223", "--vote", "support")
			r.commit(marco, "Voto del Comune")
			r.git(r.work, nil, "push", "-q", "origin", "voto")
			if ok := f.check(r, "voto", "marco-bianchi"); ok.failed {
				t.Fatalf("the check of a member's vote failed:\n%s", ok.output)
			}

			r.git(r.work, nil, "checkout", "-q", "-b", "falso", "main")
			r.pspm("new", "vote", "proposals/esempio", "--body", "c_h223", "--vote", "oppose")
			r.commit(eve, "Voto del Comune")
			r.git(r.work, nil, "push", "-q", "origin", "falso")
			forged := f.check(r, "falso", "eve")
			if !forged.failed || !strings.Contains(forged.output, f.annotation(vote)) || !strings.Contains(forged.output, "not a member of c_h223") {
				t.Fatalf("the check of a forged vote did not fail with %q:\n%s", f.annotation(vote), forged.output)
			}
			if f.name == "gitlab" {
				var report []struct {
					Severity string `json:"severity"`
					Location struct {
						Path string `json:"path"`
					} `json:"location"`
				}
				data, err := os.ReadFile(filepath.Join(forged.dir, "gl-code-quality-report.json"))
				if err != nil || json.Unmarshal(data, &report) != nil || len(report) == 0 || report[0].Location.Path != vote || report[0].Severity != "major" {
					t.Errorf("the Code Quality report does not mark %s (%v):\n%s", vote, err, data)
				}
			}
		})
	}
}

// TestCIFilesRefuseToPublishWhenThePublishedVersionsCannotBeRead runs, for each forge, the
// publishing job while the live portal answers with an error, or with a login page
// instead of its versions.json: the job fails rather than build without the guard.
func TestCIFilesRefuseToPublishWhenThePublishedVersionsCannotBeRead(t *testing.T) {
	for _, f := range []forgeCI{githubActions("github", ".github/workflows/pspm.yml"), gitlabCI, githubActions("gitea", ".gitea/workflows/pspm.yml")} {
		t.Run(f.name, func(t *testing.T) {
			portal := newLivePortal(t)
			r := newCIRepo(t, f.name, portal)
			for answer, refuse := range map[string]func(http.ResponseWriter){
				"cannot read": func(w http.ResponseWriter) { http.Error(w, "forbidden", http.StatusForbidden) },
				"is not a list of versions": func(w http.ResponseWriter) {
					w.Header().Set("Content-Type", "text/html")
					_, _ = w.Write([]byte("<!doctype html><title>Sign in</title>"))
				},
			} {
				portal.mu.Lock()
				portal.refuse = refuse
				portal.mu.Unlock()
				res := f.build(r, portal, "refs/heads/main")
				if !res.failed || !strings.Contains(res.output, answer) || !strings.Contains(res.output, "PSPM_SITE_URL") {
					t.Errorf("the build did not stop with %q and how to fix it:\n%s", answer, res.output)
				}
				if _, err := os.Stat(filepath.Join(res.dir, "public/index.html")); err == nil {
					t.Errorf("the build went on after %q", answer)
				}
			}
		})
	}
}

// TestGiteaBuildWarnsWhenThePortalsAddressIsUnknown runs Gitea's publishing job for a
// portal whose baseURL is a path and with no PSPM_SITE_URL: Gitea has no Pages to ask, so
// the job says that the guard is off and how to turn it on, and builds.
func TestGiteaBuildWarnsWhenThePortalsAddressIsUnknown(t *testing.T) {
	portal := newLivePortal(t)
	r := newCIRepo(t, "gitea", portal)
	cfg, err := os.ReadFile(filepath.Join(r.work, "pspm.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r.write("pspm.yaml", regexp.MustCompile(`(?m)^baseURL: .*$`).ReplaceAllString(string(cfg), "baseURL: /"))
	r.commit(maintainer, "baseURL relativo")
	r.git(r.work, nil, "push", "-q", "origin", "main")
	res := githubActions("gitea", ".gitea/workflows/pspm.yml").build(r, portal, "refs/heads/main")
	if res.failed || !strings.Contains(res.output, `::warning::the portal's address is unknown (baseURL in pspm.yaml is "/")`) {
		t.Fatalf("the build failed, or did not warn that it cannot find the published versions:\n%s", res.output)
	}
	if _, err := os.Stat(filepath.Join(res.dir, "public/plan/1.0/index.html")); err != nil {
		t.Errorf("the build has no page for plan/1.0: %v", err)
	}
}

// TestCIFilesKeepThePortalForPublishingBuildsOnly: the job that publishes the portal keeps
// .pspm/cache (the page cache among it) and public/ between runs, so that a build renders
// again only the pages that changed; the merge-request job keeps neither public/ nor
// the publishing job's cache of it, so a request (a fork's included) never reads or
// writes the portal the next publication starts from.
func TestCIFilesKeepThePortalForPublishingBuildsOnly(t *testing.T) {
	for _, forge := range []string{"gitlab", "github", "gitea"} {
		t.Run(forge, func(t *testing.T) {
			dir := t.TempDir()
			var out, errb bytes.Buffer
			if code := run([]string{"new", "site", dir, "--forge", forge, "--date", "2025-01-01"}, &out, &errb); code != 0 {
				t.Fatalf("pspm new site: exit %d\n%s", code, errb.String())
			}
			if forge == "gitlab" {
				type job struct {
					Cache struct {
						Paths []string `yaml:"paths"`
					} `yaml:"cache"`
				}
				var raw map[string]yaml.Node
				data, err := os.ReadFile(filepath.Join(dir, ".gitlab-ci.yml"))
				if err == nil {
					err = yaml.Unmarshal(data, &raw)
				}
				ci := map[string]job{}
				for _, name := range []string{"pages", "pspm-check"} {
					var j job
					if n, ok := raw[name]; err == nil && ok {
						err = n.Decode(&j)
					}
					ci[name] = j
				}
				if err != nil {
					t.Fatal(err)
				}
				if p := ci["pages"].Cache.Paths; !strings.Contains(strings.Join(p, " "), ".pspm/cache") || !strings.Contains(strings.Join(p, " "), "public") {
					t.Errorf("the pages job caches %v; want .pspm/cache and public", p)
				}
				if c := ci["pspm-check"].Cache; len(c.Paths) > 0 {
					t.Errorf("the merge-request job caches %v", c.Paths)
				}
				return
			}
			var wf struct {
				Jobs map[string]struct {
					If    string `yaml:"if"`
					Steps []struct {
						Uses string            `yaml:"uses"`
						With map[string]string `yaml:"with"`
					} `yaml:"steps"`
				} `yaml:"jobs"`
			}
			data, err := os.ReadFile(filepath.Join(dir, "."+forge, "workflows", "pspm.yml"))
			if err == nil {
				err = yaml.Unmarshal(data, &wf)
			}
			if err != nil {
				t.Fatal(err)
			}
			cached := func(job string) (paths, keys []string) {
				for _, s := range wf.Jobs[job].Steps {
					if strings.HasPrefix(s.Uses, "actions/cache@") {
						paths = append(paths, strings.Fields(s.With["path"])...)
						keys = append(keys, s.With["key"], s.With["restore-keys"])
					}
				}
				return paths, keys
			}
			paths, keys := cached("build")
			if !slices.Contains(paths, ".pspm/cache") || !slices.Contains(paths, "public") {
				t.Errorf("the build job caches %v; want .pspm/cache and public", paths)
			}
			var portal string
			for i, p := range paths {
				if p == "public" {
					portal = strings.TrimSuffix(keys[2*i+1], "-")
				}
			}
			if !strings.Contains(wf.Jobs["build"].If, "!= 'pull_request'") {
				t.Errorf("the build job runs if %q; want never for pull requests", wf.Jobs["build"].If)
			}
			paths, keys = cached("check")
			if slices.Contains(paths, "public") {
				t.Errorf("the pull-request job caches public/")
			}
			for _, k := range keys {
				if portal != "" && strings.HasPrefix(portal, k) {
					t.Errorf("the pull-request job's cache key %q restores the portal's (%s-)", k, portal)
				}
			}
		})
	}
}
