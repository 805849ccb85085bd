package synth

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"
)

// small is a portal big enough to show every status, kind and file type.
func small() Options {
	return Options{Proposals: 60, Practices: 12, Reactions: 900, Bodies: 30, Tags: 15, FeedbackPerProposal: 2, Seed: 7}
}

// file is one emitted file; Generate's data is copied since its buffer is reused.
type file struct {
	path string
	data []byte
}

func generate(t testing.TB, o Options) []file {
	t.Helper()
	var files []file
	err := Generate(o, func(path string, data []byte) error {
		files = append(files, file{path, bytes.Clone(data)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// writeDir writes a portal under dir, as cmd/pspmsynth does.
func writeDir(t testing.TB, dir string, emitAll func(func(string, []byte) error) error) {
	t.Helper()
	err := emitAll(func(path string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func digest(t testing.TB, o Options) string {
	t.Helper()
	h := sha256.New()
	err := Generate(o, func(path string, data []byte) error {
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestSameOptionsGiveSameBytes(t *testing.T) {
	a, b := digest(t, small()), digest(t, small())
	if a != b {
		t.Fatalf("two runs with the same options differ: %s and %s", a, b)
	}
	other := small()
	other.Seed++
	if digest(t, other) == a {
		t.Fatal("a different seed gave the same portal")
	}
}

func TestCountsMatchOptions(t *testing.T) {
	files := generate(t, small())
	count := map[string]int{}
	seen := map[string]bool{}
	bodies := map[string]bool{}
	voters := map[string]map[string]bool{} // item folder -> voters
	for _, f := range files {
		if seen[f.path] {
			t.Errorf("%s emitted twice", f.path)
		}
		seen[f.path] = true
		parts := strings.Split(f.path, "/")
		switch {
		case len(parts) == 3 && parts[1] == "bodies":
			bodies[strings.TrimSuffix(parts[2], ".md")] = true
			count["bodies"]++
		case len(parts) == 4 && parts[1] == "plan":
			count[parts[2]]++
		case len(parts) == 4 && parts[3] == "index.md":
			count[parts[1]]++
		case len(parts) == 5 && parts[3] == "feedback":
			count["feedback"]++
		case len(parts) == 5 && parts[3] == "reactions" || len(parts) == 6 && parts[4] == "reactions":
			item := strings.Join(parts[:len(parts)-2], "/")
			voter := strings.TrimSuffix(parts[len(parts)-1], ".yaml")
			if voters[item] == nil {
				voters[item] = map[string]bool{}
			}
			if voters[item][voter] {
				t.Errorf("%s: %s reacts twice", item, voter)
			}
			voters[item][voter] = true
			count["reactions"]++
			if parts[1] == "plan" {
				count["action reactions"]++
			}
		}
	}
	want := map[string]int{
		"proposals": 60, "practices": 12, "bodies": 30, "goals": 5, "objectives": 20, "actions": 100,
		"feedback": 120, "reactions": 900,
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d %s, want %d", count[k], k, n)
		}
	}
	if n := count["action reactions"]; n == 0 || n > 900/10 {
		t.Errorf("%d reactions on actions, want a few", n)
	}
	for item, vs := range voters {
		for v := range vs {
			if !bodies[v] {
				t.Errorf("%s: voter %s is not a body", item, v)
			}
		}
	}
}

func TestReactionsFillEveryVoterOnEveryItem(t *testing.T) {
	o := Options{Proposals: 3, Actions: 2, Bodies: 4, Reactions: 20}
	n := 0
	if err := Generate(o, func(path string, _ []byte) error {
		if strings.Contains(path, "/reactions/") {
			n++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n != 20 {
		t.Fatalf("%d reactions, want 20", n)
	}
}

func TestTooManyReactionsAreRefused(t *testing.T) {
	o := Options{Proposals: 3, Actions: 2, Bodies: 4, Reactions: 21}
	err := Generate(o, func(string, []byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "at most 20 reactions") {
		t.Fatalf("got %v, want an error saying at most 20 reactions fit", err)
	}
}

func TestBadOptionsAreRefused(t *testing.T) {
	for _, o := range []Options{{Bodies: 0}, {Bodies: 1, Proposals: -1}, {Bodies: 1, FeedbackPerProposal: -2}} {
		if err := Generate(o, func(string, []byte) error { return nil }); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func TestEmitErrorStopsGeneration(t *testing.T) {
	boom := errors.New("disk full")
	calls := 0
	err := Generate(small(), func(string, []byte) error {
		if calls++; calls == 3 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 3 {
		t.Fatalf("got %v after %d calls, want disk full after 3", err, calls)
	}
}

// words counts tokens holding a letter or a digit, so "##", "-" and "|" are not words.
func words(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

func TestBodiesHaveTheirLength(t *testing.T) {
	o := small()
	o.Proposals, o.Practices, o.Reactions = 500, 100, 0
	least, most := 800, 0
	for _, f := range generate(t, o) {
		if !strings.HasSuffix(f.path, "/index.md") {
			continue
		}
		_, body := splitFrontMatter(t, f)
		lo, hi := 0, 0
		switch {
		case strings.HasPrefix(f.path, "content/proposals/"):
			lo, hi = 400, 800
			least, most = min(least, words(body)), max(most, words(body))
			for _, h := range []string{"## Contesto\n", "## Proposta\n", "## Benefici attesi\n", "\n- "} {
				if !strings.Contains(body, h) {
					t.Errorf("%s: no %q", f.path, h)
				}
			}
		case strings.HasPrefix(f.path, "content/practices/"):
			lo, hi = 150, 400
		default:
			continue
		}
		if n := words(body); n < lo || n > hi {
			t.Errorf("%s: %d words, want %d to %d", f.path, n, lo, hi)
		}
	}
	if least > 450 || most < 750 {
		t.Errorf("proposal lengths span %d to %d words, want most of 400 to 800", least, most)
	}
}

func splitFrontMatter(t testing.TB, f file) (fm, body string) {
	t.Helper()
	s := string(f.data)
	if !strings.HasPrefix(s, "---\n") {
		t.Fatalf("%s: no front matter", f.path)
	}
	fm, body, ok := strings.Cut(s[4:], "\n---\n")
	if !ok {
		t.Fatalf("%s: no closing ---", f.path)
	}
	return fm + "\n", body
}

// The types below mirror the README's "Content format reference"; decoding
// with KnownFields refuses any key it does not list.
type (
	configYAML struct {
		Title, Description string
		BaseURL            string `yaml:"baseURL"`
		Languages          []string
		Paginate           int
		Forge              struct{ Kind, URL, Branch string }
		Votes              struct{ Policy string }
	}
	planYAML struct {
		Title, Period, Owner string
		Phases               []struct {
			Name, From, To string
			Opens          []string
		}
	}
	goalYAML struct {
		Title string
		Order int
	}
	objectiveYAML struct {
		Title, Goal string
		Agid        []string
		Order       int
	}
	actionYAML struct {
		Title, Objective, Owner, Status string
		Progress                        int
		Start, Due                      string
		Indicators                      []struct {
			Name, Unit       string
			Baseline, Target float64
			Values           []struct {
				Date  string
				Value float64
			}
		}
		Proposals []string
		Order     int
	}
	proposalYAML struct {
		Title, Body   string
		Authors       []string
		Date          string
		Targets, Tags []string
		Status        string
		Answer        *struct{ Date, Text string }
	}
	practiceYAML struct {
		Title, Body, Kind string
		Tags, Agid        []string
		Links             []struct{ Title, URL string }
		Date              string
	}
	bodyYAML struct {
		Name, Kind, Website string
		Members             []struct {
			Name, Email string
			Keys        []string
		}
	}
	feedbackYAML struct{ Title, Date, Kind string }
	reactionYAML struct {
		Vote     string
		Priority *int
		Comment  string
	}
)

func decode(t *testing.T, path, src string, v any) {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Errorf("%s: %v\n%s", path, err, src)
	}
}

func oneOf(list string, s string) bool { return slices.Contains(strings.Fields(list), s) }

func TestEveryFileFollowsTheContentFormat(t *testing.T) {
	var (
		idRE    = regexp.MustCompile(`^[a-z0-9_-]{1,100}$`)
		bodyRE  = regexp.MustCompile(`^[a-z0-9_]{1,100}$`)
		dateRE  = regexp.MustCompile(`^2025-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)
		agidRE  = regexp.MustCompile(`^[A-Za-z0-9.]+$`)
		emailRE = regexp.MustCompile(`^[a-z]+\.[a-z]+@[a-z0-9.-]+$`)
		fileRE  = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9._-]*$`)
	)
	files := generate(t, small())
	var (
		bodies   = map[string]bool{}
		plan     = map[string]string{}             // id -> level
		props    = map[string]string{}             // id -> status
		refs     []struct{ path, kind, id string } // checked once everything is read
		statuses = map[string]bool{}
		kinds    = map[string]bool{}
	)
	ref := func(path, kind, id string) { refs = append(refs, struct{ path, kind, id string }{path, kind, id}) }
	bad := func(path, what, val string) { t.Errorf("%s: bad %s %q", path, what, val) }
	for _, f := range files {
		if bytes.ContainsAny(f.data, "\t\x00") || bytes.HasPrefix(f.data, []byte("\xef\xbb\xbf")) {
			t.Errorf("%s: holds a tab, a NUL or a byte-order mark", f.path)
		}
		if len(f.data) > 1<<20 {
			t.Errorf("%s: over 1 MiB", f.path)
		}
		parts := strings.Split(f.path, "/")
		name := parts[len(parts)-1]
		id := strings.TrimSuffix(name, ".md")
		switch {
		case f.path == "pspm.yaml":
			var c configYAML
			decode(t, f.path, string(f.data), &c)
		case f.path == "content/plan/_index.md":
			fm, _ := splitFrontMatter(t, f)
			var p planYAML
			decode(t, f.path, fm, &p)
			ref(f.path, "body", p.Owner)
			for _, ph := range p.Phases {
				if ph.To < ph.From {
					t.Errorf("%s: phase %s ends before it starts", f.path, ph.Name)
				}
			}
		case len(parts) == 4 && parts[1] == "plan":
			fm, _ := splitFrontMatter(t, f)
			if plan[id] != "" || !idRE.MatchString(id) {
				bad(f.path, "plan id", id)
			}
			plan[id] = parts[2]
			switch parts[2] {
			case "goals":
				var g goalYAML
				decode(t, f.path, fm, &g)
			case "objectives":
				var o objectiveYAML
				decode(t, f.path, fm, &o)
				ref(f.path, "goals", o.Goal)
				for _, a := range o.Agid {
					if !agidRE.MatchString(a) {
						bad(f.path, "agid", a)
					}
				}
			case "actions":
				var a actionYAML
				decode(t, f.path, fm, &a)
				ref(f.path, "objectives", a.Objective)
				if a.Owner != "" {
					ref(f.path, "body", a.Owner)
				}
				if !oneOf(actionStatusesText, a.Status) || a.Progress < 0 || a.Progress > 100 || a.Status == "done" && a.Progress != 100 {
					bad(f.path, "status/progress", fmt.Sprint(a.Status, a.Progress))
				}
				if !dateRE.MatchString(a.Start) || a.Due < a.Start {
					bad(f.path, "start/due", a.Start+" "+a.Due)
				}
				for _, ind := range a.Indicators {
					for _, v := range ind.Values {
						if v.Date < a.Start {
							bad(f.path, "indicator date before start", v.Date)
						}
					}
				}
				for _, p := range a.Proposals {
					ref(f.path, "taken-up proposal", p)
				}
			}
		case len(parts) == 3 && parts[1] == "bodies":
			fm, _ := splitFrontMatter(t, f)
			var b bodyYAML
			decode(t, f.path, fm, &b)
			if !bodyRE.MatchString(id) || bodies[id] {
				bad(f.path, "body id", id)
			}
			bodies[id] = true
			kinds["body "+b.Kind] = true
			if b.Name == "" || !oneOf(bodyKindsText, b.Kind) || !strings.HasPrefix(b.Website, "https://") || len(b.Members) == 0 {
				bad(f.path, "body", fm)
			}
			for _, m := range b.Members {
				if m.Name == "" || !emailRE.MatchString(m.Email) {
					bad(f.path, "member", m.Name+" "+m.Email)
				}
			}
		case len(parts) == 4 && parts[1] == "proposals" && name == "index.md":
			fm, _ := splitFrontMatter(t, f)
			var p proposalYAML
			decode(t, f.path, fm, &p)
			id = parts[2]
			if !idRE.MatchString(id) || props[id] != "" {
				bad(f.path, "proposal id", id)
			}
			props[id] = p.Status
			statuses[p.Status] = true
			ref(f.path, "body", p.Body)
			for _, target := range p.Targets {
				ref(f.path, "plan", target)
			}
			if p.Title == "" || !dateRE.MatchString(p.Date) || len(p.Authors) == 0 || !oneOf(proposalStatusesText, p.Status) {
				bad(f.path, "proposal", fm)
			}
			if len(p.Tags) < 1 || len(p.Tags) > 3 {
				bad(f.path, "number of tags", fmt.Sprint(p.Tags))
			}
			for _, tag := range p.Tags {
				if tag != strings.ToLower(tag) || strings.ContainsAny(tag, " ,") {
					bad(f.path, "tag", tag)
				}
			}
			if (p.Answer == nil) != (p.Status == "open") {
				bad(f.path, "answer for status", p.Status)
			}
			if p.Answer != nil && (!dateRE.MatchString(p.Answer.Date) || p.Answer.Date < p.Date || p.Answer.Text == "") {
				bad(f.path, "answer", fmt.Sprint(*p.Answer))
			}
		case len(parts) == 4 && parts[1] == "practices" && name == "index.md":
			fm, _ := splitFrontMatter(t, f)
			var p practiceYAML
			decode(t, f.path, fm, &p)
			kinds["practice "+p.Kind] = true
			ref(f.path, "body", p.Body)
			if p.Title == "" || !oneOf(practiceKindsText, p.Kind) || !dateRE.MatchString(p.Date) {
				bad(f.path, "practice", fm)
			}
			for _, l := range p.Links {
				if l.Title == "" || !strings.HasPrefix(l.URL, "https://") {
					bad(f.path, "link", l.URL)
				}
			}
		case len(parts) == 4 && parts[1] == "practices":
			if !fileRE.MatchString(name) {
				bad(f.path, "attachment name", name)
			}
		case len(parts) == 5 && parts[3] == "feedback":
			fm, _ := splitFrontMatter(t, f)
			var fb feedbackYAML
			decode(t, f.path, fm, &fb)
			kinds["feedback "+fb.Kind] = true
			voter, slug, ok := strings.Cut(strings.TrimSuffix(name, ".md"), "-")
			ref(f.path, "body", voter)
			if !ok || !idRE.MatchString(slug) || fb.Title == "" || !dateRE.MatchString(fb.Date) || !oneOf(feedbackKindsText, fb.Kind) {
				bad(f.path, "feedback", fm)
			}
		case strings.Contains(f.path, "/reactions/"):
			var r reactionYAML
			decode(t, f.path, string(f.data), &r)
			ref(f.path, "body", strings.TrimSuffix(name, ".yaml"))
			if r.Vote == "" && r.Priority == nil ||
				r.Vote != "" && !oneOf(votesText, r.Vote) ||
				r.Priority != nil && (*r.Priority < 1 || *r.Priority > 5) ||
				len([]rune(r.Comment)) > 500 {
				bad(f.path, "reaction", string(f.data))
			}
			if parts[1] == "plan" && r.Priority == nil {
				bad(f.path, "action reaction without priority", string(f.data))
			}
		default:
			t.Errorf("%s: not a file of the content format", f.path)
		}
	}
	for _, r := range refs {
		var ok bool
		switch kind, id := r.kind, r.id; kind {
		case "body":
			ok = bodies[id]
		case "plan":
			ok = plan[id] != ""
		case "goals", "objectives":
			ok = plan[id] == kind
		case "taken-up proposal":
			ok = props[id] == "accepted" || props[id] == "incorporated"
		}
		if !ok {
			t.Errorf("%s: %s %q does not exist", r.path, r.kind, r.id)
		}
	}
	for _, s := range strings.Fields(proposalStatusesText) {
		if !statuses[s] {
			t.Errorf("no proposal is %s", s)
		}
	}
	for _, k := range strings.Fields(practiceKindsText) {
		if !kinds["practice "+k] {
			t.Errorf("no practice is a %s", k)
		}
	}
	for _, k := range strings.Fields(bodyKindsText) {
		if !kinds["body "+k] {
			t.Errorf("no body is a %s", k)
		}
	}
}

func TestHugoTwinBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs hugo")
	}
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		t.Skip("hugo is not installed")
	}
	dir := t.TempDir()
	site, twin, public := filepath.Join(dir, "site"), filepath.Join(dir, "hugo"), filepath.Join(dir, "public")
	writeDir(t, site, func(emit func(string, []byte) error) error { return Generate(small(), emit) })
	writeDir(t, twin, func(emit func(string, []byte) error) error {
		return GenerateHugo(filepath.Join(site, "content"), emit)
	})
	out, err := exec.Command(hugo, "-s", twin, "-d", public, "--quiet").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("hugo: %v\n%s", err, out)
	}
	page, err := os.ReadFile(filepath.Join(public, "proposals", "proposta-00001", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h2 id=\"contesto\">Contesto</h2>", "Favorevoli", "<h2>Commenti</h2>", "/bodies/", "<nav>"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("proposal page lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(public, "proposals", "proposta-00001", "reactions")); err == nil {
		t.Error("hugo published the reaction files of a proposal")
	}
	for _, p := range []string{"index.xml", "sitemap.xml", "tags/index.html", "proposals/page/2/index.html", "practices/pratica-0001/indicatori.csv"} {
		if _, err := os.Stat(filepath.Join(public, p)); err != nil {
			t.Error(err)
		}
	}
}

func TestHugoTwinWantsAnAbsoluteContentFolder(t *testing.T) {
	if err := GenerateHugo("content", func(string, []byte) error { return nil }); err == nil {
		t.Fatal("no error for a relative content folder")
	}
}

func BenchmarkGenerate(b *testing.B) {
	o := Options{Proposals: 1000, Practices: 200, Reactions: 10000, Bodies: 200, Tags: 50, Seed: 1}
	var size int64
	b.ReportAllocs()
	for b.Loop() {
		size = 0
		if err := Generate(o, func(_ string, data []byte) error {
			size += int64(len(data))
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(size)
}

// TestGenerateDirWritesWhatGenerateEmits: every file Generate emits is under the folder
// GenerateDir wrote, with the same bytes, and nothing else is.
func TestGenerateDirWritesWhatGenerateEmits(t *testing.T) {
	o := Options{Proposals: 30, Practices: 5, Reactions: 90, Bodies: 8, Tags: 4, Seed: 3}
	want := map[string]string{}
	if err := Generate(o, func(p string, data []byte) error { want[p] = string(data); return nil }); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := GenerateDir(dir, o); err != nil {
		t.Fatal(err)
	}
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if w, ok := want[filepath.ToSlash(rel)]; !ok || w != string(data) {
			t.Errorf("%s: not what Generate emits", rel)
		}
		n++
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(want) || n < 100 {
		t.Errorf("%d files written, %d emitted", n, len(want))
	}
}
