//go:build linux

package generator_test

import (
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
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

// softwareCommits and softwareFiles size the software repositories of BenchmarkSources:
// each has a history of 500 commits over 120 source files of about 3 KB, every commit
// rewriting six of them (a pack of about 4 MB, where the 13 real repositories of the
// issue average 16 MB).
const (
	softwareCommits = 500
	softwareFiles   = 120
)

// softwareRepo writes, with git fast-import, the repository of body's software number k:
// its source files with their history, and a publiccode.yml at the root. The same k gives
// the same bytes.
func softwareRepo(b *testing.B, dir, body string, k int) {
	b.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	run := func(stdin io.Reader, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = stdin
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C"}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(nil, "init", "-q", "-b", "main")
	words := strings.Fields("func return if else for range var const type struct map slice string int error nil true false err ctx req res data value index count name path file read write open close parse check valid result list item body proposal practice vote")
	rng := rand.New(rand.NewPCG(uint64(k), 20))
	source := func(f, rev int) string {
		var s strings.Builder
		fmt.Fprintf(&s, "// Modulo %d, revisione %d.\npackage mod%03d\n\n", f, rev, f)
		for s.Len() < 3000 {
			for range 8 {
				s.WriteString(words[rng.IntN(len(words))])
				s.WriteByte(' ')
			}
			s.WriteByte('\n')
		}
		return s.String()
	}
	var w strings.Builder
	data := func(s string) { fmt.Fprintf(&w, "data %d\n%s\n", len(s), s) }
	when := time.Date(2022, 1, 1, 9, 0, 0, 0, time.UTC).Unix()
	for c := range softwareCommits {
		fmt.Fprintf(&w, "commit refs/heads/main\ncommitter Sviluppo <dev@%s.example.it> %d +0100\n", body, when+int64(c)*3600)
		data(fmt.Sprintf("Modifica %d", c))
		if c == 0 {
			for f := range softwareFiles {
				fmt.Fprintf(&w, "M 100644 inline src/mod%03d.go\n", f)
				data(source(f, 0))
			}
			w.WriteString("M 100644 inline publiccode.yml\n")
			data(fmt.Sprintf(softwarePublicCode, k, body, k, body))
			continue
		}
		for range 6 {
			f := rng.IntN(softwareFiles)
			fmt.Fprintf(&w, "M 100644 inline src/mod%03d.go\n", f)
			data(source(f, c))
		}
	}
	w.WriteString("done\n")
	run(strings.NewReader(w.String()), "fast-import", "--quiet", "--done")
}

// softwarePublicCode is the publiccode.yml of software k of a body (k, body, k, body).
const softwarePublicCode = `publiccodeYmlVersion: "0.4"
name: Software %03d
url: "https://example.org/%s/software.git"
releaseDate: "2026-03-02"
softwareVersion: "1.%d.0"
developmentStatus: stable
softwareType: standalone/web
platforms: [web]
categories: [it-service-management]
legal:
  license: EUPL-1.2
maintenance:
  type: internal
  contacts:
    - name: Ufficio Innovazione
      email: innovazione@example.it
description:
  it:
    shortDescription: Un servizio digitale riusabile.
    longDescription: >
      Un software che l'ente pubblica in riuso, con il suo codice e la sua storia.
    features:
      - servizi online
it:
  countryExtensionVersion: "1.0"
  riuso:
    codiceIPA: %s
`

// heapPeak samples the live heap while f runs.
func heapPeak(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	<-stopped
	return peak.Load()
}

// diskUsage is the size of the files under dir, in blocks actually used.
func diskUsage(b *testing.B, dir string) int64 {
	b.Helper()
	var n int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			n += st.Blocks * 512
		} else {
			n += fi.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkSources builds the demo portal with 200 sources, fetched over file:// into
// .pspm/sources: 180 software repositories of kind publiccode (each 500 commits of
// history, one publiccode.yml read) and 20 bodies' portals of 500 items (as
// BenchmarkFederation). Cold: nothing fetched yet; warm: every source fetched, nothing
// new upstream; update: every source has one commit more upstream (a vote in each
// portal, a changed file in each software). PSPM_BENCH_PUBLICCODE and
// PSPM_BENCH_PORTALS change the numbers of sources. It reports the build's time, its
// fetch stage, the disk used by .pspm/sources and the peak live heap of the build.
//
//	PSPM_BENCH_DIR=/dev/shm/bench go test ./generator -run '^$' -bench Sources -benchtime 1x -count 3
func BenchmarkSources(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("git is not installed")
	}
	software, portals := benchSize("PSPM_BENCH_PUBLICCODE", 180), benchSize("PSPM_BENCH_PORTALS", 20)
	root := os.Getenv("PSPM_BENCH_DIR")
	if root == "" {
		root = b.TempDir()
	}
	base := filepath.Join(root, fmt.Sprintf("sources-%d-%d", software, portals))
	repos := filepath.Join(base, "repos")
	if _, err := os.Stat(filepath.Join(repos, "done")); err != nil {
		_ = os.RemoveAll(repos)
		for k := range portals {
			localPortal(b, filepath.Join(repos, fmt.Sprintf("c_b%03d", k)), fmt.Sprintf("c_b%03d", k), federationItems)
		}
		for k := range software {
			softwareRepo(b, filepath.Join(repos, fmt.Sprintf("s_%03d", k)), fmt.Sprintf("c_s%03d", k), k)
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
	yml.WriteString("sources:\n")
	body := func(name string) {
		if err := os.WriteFile(filepath.Join(site, "content/bodies", name+".md"), []byte("---\nname: Ente locale "+name+"\nkind: municipality\n---\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for k := range portals {
		name := fmt.Sprintf("c_b%03d", k)
		fmt.Fprintf(&yml, "  - url: file://%s\n    body: %s\n", filepath.ToSlash(filepath.Join(repos, name)), name)
		body(name)
	}
	for k := range software {
		name := fmt.Sprintf("c_s%03d", k)
		fmt.Fprintf(&yml, "  - url: file://%s\n    body: %s\n    kind: publiccode\n", filepath.ToSlash(filepath.Join(repos, fmt.Sprintf("s_%03d", k))), name)
		body(name)
	}
	if err := os.WriteFile(filepath.Join(site, "pspm.yaml"), []byte(yml.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	src, err := generator.OpenSource(site)
	if err != nil {
		b.Fatal(err)
	}
	// Each round of commits upstream writes bytes no earlier round (nor run) wrote.
	upstream := int(time.Now().UnixNano())
	advance := func(b *testing.B) {
		upstream++
		git := func(dir string, args ...string) {
			cmd := exec.Command("git", append([]string{"-c", "user.name=Referente", "-c", "user.email=referente@example.it", "-c", "commit.gpgsign=false"}, args...)...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("git %v: %v\n%s", args, err, out)
			}
		}
		for k := range portals {
			dir := filepath.Join(repos, fmt.Sprintf("c_b%03d", k))
			name := fmt.Sprintf("c_b%03d", k)
			file := filepath.Join("content", "practices", "pratica-000", "reactions", name+".yaml")
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(file)), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, file), fmt.Appendf(nil, "vote: support\ncomment: revisione %d\n", upstream), 0o644); err != nil {
				b.Fatal(err)
			}
			git(dir, "-c", "user.email=referente@"+name+".example.it", "add", ".")
			git(dir, "-c", "user.email=referente@"+name+".example.it", "commit", "-q", "-m", "un voto")
		}
		for k := range software {
			dir := filepath.Join(repos, fmt.Sprintf("s_%03d", k))
			git(dir, "read-tree", "main")
			git(dir, "update-index", "--add", "--cacheinfo", "100644,"+hashObject(b, dir, fmt.Sprintf("// revisione %d\n", upstream))+",src/changed.go")
			git(dir, "commit", "-q", "-m", "una modifica")
		}
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
	for _, phase := range []string{"cold", "warm", "update"} {
		b.Run(phase, func(b *testing.B) {
			var res *generator.Result
			var took time.Duration
			var peak uint64
			if _, err := os.Stat(filepath.Join(site, ".pspm", "sources")); err != nil && phase != "cold" {
				build(b) // run alone: every source fetched first
			}
			for range b.N {
				switch phase {
				case "cold":
					_ = os.RemoveAll(filepath.Join(site, ".pspm"))
				case "update":
					advance(b)
				}
				runtime.GC()
				peak = max(peak, heapPeak(func() {
					start := time.Now()
					res = build(b)
					took += time.Since(start)
				}))
			}
			stages := map[string]time.Duration{}
			for _, t := range res.Timings {
				stages[t.Stage] += t.Duration
			}
			if n := len(res.Site.Practices); n < software {
				b.Fatalf("%d practices, want at least the %d sources' software", n, software)
			}
			b.ReportMetric(took.Seconds()/float64(b.N), "s/build")
			b.ReportMetric(stages["sources"].Seconds(), "s-fetch")
			b.ReportMetric(stages["federate"].Seconds(), "s-federate")
			b.ReportMetric((stages["index"] + stages["search bundle"]).Seconds(), "s-search")
			b.ReportMetric(stages["render"].Seconds(), "s-render")
			b.ReportMetric(float64(diskUsage(b, filepath.Join(site, ".pspm", "sources")))/(1<<20), "sources-MB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(res.Files), "files")
			b.ReportMetric(float64(maxRSS())/(1<<20), "max-rss-MB")
		})
	}
}

// hashObject writes data as a blob into the repository at dir and returns its hash.
func hashObject(b *testing.B, dir, data string) string {
	b.Helper()
	cmd := exec.Command("git", "hash-object", "-w", "--stdin")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(data)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("git hash-object: %v", err)
	}
	return strings.TrimSpace(string(out))
}

func benchSize(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v >= 0 {
		return v
	}
	return def
}
