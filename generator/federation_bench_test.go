//go:build linux

package generator_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

// federationSources and federationItems size BenchmarkFederation: 20 bodies' portals of
// 500 items each.
const (
	federationSources = 20
	federationItems   = 500
)

// localPortal writes the repository of body's portal with n items: a plan of 5
// objectives and n/10 actions (each contributing to a central objective), n*8/10
// proposals and n/10 practices, all the body's, each proposal with one vote, committed by
// a member of the body.
func localPortal(b *testing.B, dir, body string, n int) {
	b.Helper()
	files := map[string]string{
		"pspm.yaml":                      "title: Portale " + body + "\nvotes:\n  policy: author\n",
		"content/plan/_index.md":         "---\ntitle: Piano di " + body + "\nperiod: 2026-2028\nowner: " + body + "\n---\n\nIl piano locale.\n",
		"content/bodies/" + body + ".md": "---\nname: Ente " + body + "\nkind: municipality\nmembers:\n  - name: Referente\n    email: referente@" + body + ".example.it\n---\n",
		"content/plan/goals/servizi.md":  "---\ntitle: Servizi digitali\n---\n",
	}
	for o := range 5 {
		files[fmt.Sprintf("content/plan/objectives/o%d.md", o)] = fmt.Sprintf("---\ntitle: Obiettivo locale %d\ngoal: servizi\n---\n", o)
	}
	text := strings.Repeat("Il comune porta online i servizi ai cittadini con pagoPA, SPID e l'app IO. ", 12)
	for a := range n / 10 {
		files[fmt.Sprintf("content/plan/actions/a%03d.md", a)] = fmt.Sprintf("---\ntitle: Azione locale %d di %s\nobjective: o%d\nowner: %s\nstatus: in-progress\nprogress: %d\nstart: 2026-01-01\ndue: 2027-12-31\ncontributes_to: [pagamenti-digitali]\n---\n\n%s\n", a, body, a%5, body, (a*7)%100, text)
	}
	for p := range n * 8 / 10 {
		id := fmt.Sprintf("proposta-%03d", p)
		files["content/proposals/"+id+"/index.md"] = fmt.Sprintf("---\ntitle: Proposta %d di %s\nbody: %s\ndate: 2026-%02d-%02d\ntags: [servizi, pagamenti]\n---\n\n%s\n", p, body, body, 1+p%12, 1+p%28, text)
		files["content/proposals/"+id+"/reactions/"+body+".yaml"] = "vote: support\n"
	}
	for p := range n / 10 {
		files[fmt.Sprintf("content/practices/pratica-%03d/index.md", p)] = fmt.Sprintf("---\ntitle: Pratica %d di %s\nbody: %s\nkind: experience\ndate: 2026-03-01\n---\n\n%s\n", p, body, body, text)
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-c", "user.name=Referente", "-c", "user.email=referente@" + body + ".example.it", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "il portale")
}

func maxRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return int64(ru.Maxrss) << 10
}

// BenchmarkFederation builds the demo portal with 20 sources, each a body's portal of
// 500 items (50 plan actions contributing to the central plan, 400 proposals with a vote,
// 50 practices), fetched over file:// into .pspm/sources: cold (nothing fetched yet) and
// warm (every source fetched; nothing changed upstream).
//
//	PSPM_BENCH_DIR=/dev/shm/bench go test ./generator -run '^$' -bench Federation -benchtime 1x -count 3
func BenchmarkFederation(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	base := filepath.Join(root, "federation")
	repos := filepath.Join(base, "repos")
	if _, err := os.Stat(filepath.Join(repos, "done")); err != nil {
		_ = os.RemoveAll(repos)
		for k := range federationSources {
			localPortal(b, filepath.Join(repos, fmt.Sprintf("c_b%03d", k)), fmt.Sprintf("c_b%03d", k), federationItems)
		}
		if err := os.WriteFile(filepath.Join(repos, "done"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	site := filepath.Join(base, "central")
	_ = os.RemoveAll(site)
	if err := os.CopyFS(site, demo.Site()); err != nil {
		b.Fatal(err)
	}
	var yml strings.Builder
	yml.WriteString("participation:\n  registration: approved\n") // as the demo's pspm.yaml
	yml.WriteString("sources:\n")
	for k := range federationSources {
		body := fmt.Sprintf("c_b%03d", k)
		fmt.Fprintf(&yml, "  - url: file://%s\n    body: %s\n", filepath.ToSlash(filepath.Join(repos, body)), body)
		if err := os.WriteFile(filepath.Join(site, "content/bodies", body+".md"), []byte("---\nname: Ente locale "+body+"\nkind: municipality\n---\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(site, "pspm.yaml"), []byte(yml.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	src, err := generator.OpenSource(site)
	if err != nil {
		b.Fatal(err)
	}
	build := func(b *testing.B) *generator.Result {
		res, err := generator.Build(generator.Options{Source: src, Dir: site}, output.NewMem())
		if err != nil {
			b.Fatalf("%v\n%s", err, res.Diagnostics.Format())
		}
		if w := res.Diagnostics.Warnings(); len(w) > 0 {
			b.Fatalf("warnings:\n%s", w.Format())
		}
		return res
	}
	for _, warm := range []bool{false, true} {
		name := "cold"
		if warm {
			name = "warm"
		}
		b.Run(name, func(b *testing.B) {
			var res *generator.Result
			var took time.Duration
			for range b.N {
				if !warm {
					_ = os.RemoveAll(filepath.Join(site, ".pspm"))
				}
				runtime.GC()
				start := time.Now()
				res = build(b)
				took += time.Since(start)
			}
			stages := map[string]time.Duration{}
			for _, t := range res.Timings {
				stages[t.Stage] += t.Duration
			}
			b.ReportMetric(took.Seconds()/float64(b.N), "s/build")
			b.ReportMetric(stages["sources"].Seconds(), "s-fetch")
			b.ReportMetric(stages["federate"].Seconds(), "s-federate")
			b.ReportMetric(float64(len(res.Site.Proposals)), "proposals")
			b.ReportMetric(float64(res.Files), "files")
			b.ReportMetric(float64(maxRSS())/(1<<20), "max-rss-MB")
		})
	}
}
