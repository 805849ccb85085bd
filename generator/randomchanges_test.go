package generator_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/site"
	"github.com/pspm-dev/pspm/generator/synth"
)

// TestRandomChangesBuildLikeCold: series of random merges to a synthetic portal (every
// kind of content a merge request brings, and MEF's own edits of the plan, the strings,
// the configuration and the layouts, on random days, some built from the work tree
// without a commit), each built over the previous build with its caches, give exactly
// the files a build from nothing gives; and so does pspm serve's session, rebuilt after
// each change from the paths that changed. The fixed series of
// TestIncrementalBuildIsByteIdenticalToColdBuild checks what each change keeps; this one
// looks for a page whose input key misses something it shows, with changes and orders no
// one wrote down. PSPM_RANDOM_SEEDS and PSPM_RANDOM_STEPS run more series, longer.
func TestRandomChangesBuildLikeCold(t *testing.T) {
	seeds, steps := 2, 10
	if testing.Short() {
		seeds, steps = 1, 6
	}
	for name, n := range map[string]*int{"PSPM_RANDOM_SEEDS": &seeds, "PSPM_RANDOM_STEPS": &steps} {
		if s := os.Getenv(name); s != "" {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 {
				t.Fatalf("%s=%q: want a number of at least 1", name, s)
			}
			*n = v
		}
	}
	for seed := 1; seed <= seeds; seed++ {
		// Every other series under votes.policy author: each change committed by one of
		// the bodies' members or by someone of no body, some through a merge, so that
		// votes count, stop counting and count again with who last changed their files.
		policy := []string{"none", "author"}[seed%2]
		// Series 1, 4, 5, 8, … hold the texts compressed, as a large site's load does;
		// of those, 1, 5, 9, … in the texts' file, as pspm build does.
		packed, filed := seed/2%2 == 0, seed%2 == 1
		name := strconv.Itoa(seed) + "-" + policy
		if packed && filed {
			name += "-filed"
		} else if packed {
			name += "-packed"
		}
		t.Run(name, func(t *testing.T) {
			if packed {
				packTexts(t)
			}
			if packed && filed {
				site.FileTexts(true)
				defer site.FileTexts(false)
			}
			randomSeries(t, uint64(seed), steps, policy)
		})
	}
}

// randomSite is a synthetic portal in a Git repository, and what random changes to it
// need to know of it.
type randomSite struct {
	*gitRepo
	r      *rand.Rand
	footer string   // the theme's footer, which a layout of the site may override
	n      int      // changes made so far, for new names
	people []string // who commits: "Name <email>"
}

func randomSeries(t *testing.T, seed uint64, steps int, policy string) {
	footer, err := os.ReadFile("../themes/default/layouts/partials/footer.html")
	if err != nil {
		t.Fatal(err)
	}
	s := &randomSite{gitRepo: &gitRepo{t: t, dir: t.TempDir(), home: t.TempDir()}, r: rand.New(rand.NewPCG(seed, 46)), footer: string(footer)}
	synthInto(t, s.dir, synth.Options{Proposals: 26, Practices: 4, Reactions: 160, Bodies: 9, Tags: 6, Goals: 2, Objectives: 4, Actions: 6,
		Seed: int64(seed), FeedbackPerProposal: 1, Participants: 4, Supports: 20})
	// Short lists, so that most lists have several pages which a change can shift.
	s.write("pspm.yaml", strings.Replace(strings.Replace(s.read("pspm.yaml"), "paginate: 20", "paginate: 4", 1), "policy: none", "policy: "+policy, 1))
	s.people = []string{anna, eve, forge}
	for _, b := range s.glob("content/bodies/*.md") {
		name := ""
		for _, line := range strings.Split(s.read(b), "\n") {
			line = strings.TrimSpace(line)
			if n, ok := strings.CutPrefix(line, "- name: "); ok {
				name = n
			} else if e, ok := strings.CutPrefix(line, "email: "); ok && name != "" {
				s.people = append(s.people, name+" <"+e+">")
			}
		}
	}
	s.run("", "init", "-q", "-b", "main")
	clock := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	s.commitAll(clock.Format(time.RFC3339), anna, "Il portale")
	dest := filepath.Join(t.TempDir(), "public")
	s.incrBuild(dest)
	cold := s.coldFiles()
	sameAsCold(t, "first build", dest, cold)
	// pspm serve's session follows the same changes, told which paths changed as its
	// watcher would tell it, and must show the same files (its search is its own API).
	src, err := generator.OpenSource(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: s.dir})
	sn, res, err := ss.Rebuild(generator.Change{All: true})
	if err != nil {
		t.Fatalf("first preview: %v\n%s", err, res.Diagnostics.Format())
	}
	sameAsColdPreview(t, "first preview", sn, cold)
	tree := s.tree()

	changes := s.changes()
	names := make([]string, 0, len(changes))
	for name := range changes {
		names = append(names, name)
	}
	sort.Strings(names)
	var done []string
	for i := 0; i < steps; i++ {
		name := names[s.r.IntN(len(names))]
		what := changes[name]()
		if what == "" {
			i-- // nothing to do it to: draw again
			continue
		}
		s.n++
		switch k := s.r.IntN(10); {
		case k < 6: // the same day
			clock = clock.Add(time.Duration(1+s.r.IntN(90)) * time.Minute)
		case k < 9: // another day
			clock = clock.Add(time.Duration(1+s.r.IntN(3)) * 24 * time.Hour)
		default: // not committed: a build of the work tree
			what += " (not committed)"
		}
		if !strings.HasSuffix(what, "(not committed)") {
			date, author := clock.Format(time.RFC3339), s.pick(s.people)
			if s.r.IntN(3) == 0 { // through a merge request: a branch, merged by Anna
				branch := "richiesta-" + strconv.Itoa(s.n)
				s.run(date, "checkout", "-q", "-b", branch)
				s.commitAll(date, author, what)
				s.run(date, "checkout", "-q", "main")
				s.run(date, "merge", "-q", "--no-ff", "-m", "Merge branch '"+branch+"'", branch)
				what += ", merged"
			} else {
				s.commitAll(date, author, what)
			}
			what += " by " + author
			if name == "version" {
				s.tag(clock.Format(time.RFC3339), fmt.Sprintf("plan/1.%d", s.n), "HEAD", "Versione 1."+strconv.Itoa(s.n), "")
			}
		}
		done = append(done, what)
		res := s.incrBuild(dest)
		step := fmt.Sprintf("seed %d, step %d (%s)", seed, i+1, strings.Join(done, "; "))
		cold := s.coldFiles()
		sameAsCold(t, step, dest, cold)
		now := s.tree()
		sn, pres, err := ss.Rebuild(generator.Change{Paths: changedPaths(tree, now), Git: !strings.HasSuffix(what, "(not committed)")})
		if err != nil {
			t.Fatalf("%s: preview: %v\n%s", step, err, pres.Diagnostics.Format())
		}
		tree = now
		sameAsColdPreview(t, step+", preview", sn, cold)
		t.Logf("step %d: %s: %d rendered, %d kept; preview %s", i+1, what, res.Rendered, res.Kept, sn.Kind)
		if t.Failed() {
			return
		}
	}
}

// tree is the site's files and folders (outside .git and .pspm), with the files' bytes.
func (s *randomSite) tree() map[string]string {
	out := map[string]string{}
	err := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == s.dir {
			return err
		}
		rel, _ := filepath.Rel(s.dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir() && (rel == ".git" || rel == ".pspm"):
			return filepath.SkipDir
		case d.IsDir():
			out[rel] = "folder"
		default:
			data, err := os.ReadFile(p)
			out[rel] = "file " + string(data)
			return err
		}
		return nil
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return out
}

// changedPaths are the paths that appeared, vanished or changed from before to after,
// sorted: what pspm serve's watcher reports.
func changedPaths(before, after map[string]string) []string {
	var out []string
	for p, v := range after {
		if w, ok := before[p]; !ok || w != v {
			out = append(out, p)
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// sameAsColdPreview fails when pspm serve's snapshot does not show exactly the files of
// a cold build, but for the search bundle (pspm serve answers searches itself) and the
// build record (a preview is not a publication).
func sameAsColdPreview(t *testing.T, step string, sn *generator.Snapshot, cold map[string][]byte) {
	t.Helper()
	want := map[string][]byte{}
	for name, data := range cold {
		if (!strings.HasPrefix(name, "search/") || name == "search/index.html") && name != generator.RecordFile {
			want[name] = data
		}
	}
	bad := 0
	for _, p := range sn.Paths() {
		data, ok, err := sn.File(p)
		if err != nil || !ok {
			t.Fatalf("%s: %s: %v %v", step, p, ok, err)
		}
		if w, found := want[p]; !found {
			t.Errorf("%s: the preview has %s, a cold build does not", step, p)
			bad++
		} else if !bytes.Equal(data, w) {
			t.Errorf("%s: %s differs from the cold build's", step, p)
			bad++
		}
		delete(want, p)
		if bad > 5 {
			t.FailNow()
		}
	}
	for p := range want {
		t.Errorf("%s: a cold build has %s, the preview does not", step, p)
	}
}

// pick is one of list, or "" when it is empty.
func (s *randomSite) pick(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[s.r.IntN(len(list))]
}

// glob lists the site's files that match pattern (slash-separated, from the site's
// folder), sorted.
func (s *randomSite) glob(pattern string) []string {
	full, err := filepath.Glob(filepath.Join(s.dir, filepath.FromSlash(pattern)))
	if err != nil {
		s.t.Fatal(err)
	}
	out := make([]string, len(full))
	for i, f := range full {
		rel, _ := filepath.Rel(s.dir, f)
		out[i] = filepath.ToSlash(rel)
	}
	sort.Strings(out)
	return out
}

// bodies are the ids of the site's bodies.
func (s *randomSite) bodies() []string {
	var out []string
	for _, f := range s.glob("content/bodies/*.md") {
		out = append(out, strings.TrimSuffix(path.Base(f), ".md"))
	}
	return out
}

// tags are some tags: the synthetic portal's and a few new ones.
func (s *randomSite) tags() string {
	pool := []string{"interoperabilità", "cybersicurezza", "identità-digitale", "cloud", "dati-aperti", "sanità", "tema-nuovo", "scuola"}
	var out []string
	for _, t := range pool {
		if s.r.IntN(3) == 0 {
			out = append(out, t)
		}
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func (s *randomSite) date() string {
	return time.Date(2025, time.Month(1+s.r.IntN(6)), 1+s.r.IntN(28), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// set sets key to value in the front matter of file, adding the key when it has none.
func (s *randomSite) set(file, key, value string) {
	text := s.read(file)
	end := strings.Index(text[4:], "\n---") + 4 // the end of the front matter
	front, rest := text[:end], text[end:]
	if i := strings.Index(front, "\n"+key+":"); i >= 0 {
		// The key's line and the indented lines of a block value below it.
		j := i + 1 + strings.IndexByte(front[i+1:]+"\n", '\n')
		for j < len(front) && (strings.HasPrefix(front[j:], "\n ") || strings.HasPrefix(front[j:], "\n\n")) {
			j += 1 + strings.IndexByte(front[j+1:]+"\n", '\n')
		}
		front = front[:i] + "\n" + key + ": " + value + front[min(j, len(front)):]
	} else {
		front += "\n" + key + ": " + value
	}
	s.write(file, front+rest)
}

// changes are the kinds of change, by name: each makes one of its kind at random and
// says what it did, or returns "" when the site has nothing to make it to.
func (s *randomSite) changes() map[string]func() string {
	proposal := func() string { return s.pick(s.glob("content/proposals/*/index.md")) }
	statuses := []string{"open", "under-review", "accepted", "rejected", "incorporated", "withdrawn"}
	votes := []string{"support", "oppose", "abstain"}
	return map[string]func() string{
		"vote": func() string {
			p, b := proposal(), s.pick(s.bodies())
			if p == "" {
				return ""
			}
			text := "vote: " + votes[s.r.IntN(3)] + "\n"
			if s.r.IntN(3) == 0 {
				text += "priority: " + strconv.Itoa(1+s.r.IntN(5)) + "\n"
			}
			file := path.Dir(p) + "/reactions/" + b + ".yaml"
			s.write(file, text)
			return "vote " + file
		},
		"vote on an action": func() string {
			a := s.pick(s.glob("content/plan/actions/*.md"))
			file := strings.TrimSuffix(a, ".md") + "/reactions/" + s.pick(s.bodies()) + ".yaml"
			s.write(file, "vote: "+votes[s.r.IntN(3)]+"\npriority: "+strconv.Itoa(1+s.r.IntN(5))+"\n")
			return "vote " + file
		},
		"vote withdrawn": func() string {
			f := s.pick(s.glob("content/*/*/reactions/*.yaml"))
			if f == "" {
				return ""
			}
			s.remove(f)
			return "removed " + f
		},
		"support": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			file := path.Dir(p) + "/supports/p00000" + strconv.Itoa(1+s.r.IntN(4)) + ".yaml"
			s.write(file, "comment: Sostengo anche io.\n")
			return "support " + file
		},
		"feedback": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			b := s.pick(s.bodies())
			file := fmt.Sprintf("%s/feedback/%s-osservazione-%d.md", path.Dir(p), b, s.n)
			kinds := []string{"comment", "question", "objection", "support"}
			s.write(file, fmt.Sprintf("---\ntitle: Osservazione %d\ndate: %s\nkind: %s\n---\n\nUn'osservazione su questa proposta.\n", s.n, s.date(), kinds[s.r.IntN(4)]))
			return "feedback " + file
		},
		"new proposal": func() string {
			file := fmt.Sprintf("content/proposals/nuova-%03d/index.md", s.n)
			s.write(file, fmt.Sprintf("---\ntitle: Una proposta nuova %d\nbody: %s\nauthors: [Marco Bianchi]\ndate: %s\ntags: %s\nstatus: %s\n---\n\nIl testo della proposta nuova, con [una fonte](https://example.org/%d).\n",
				s.n, s.pick(s.bodies()), s.date(), s.tags(), statuses[s.r.IntN(2)], s.n))
			return "new " + file
		},
		"proposal removed": func() string {
			// One the plan does not name (an action taken from a proposal names it, and
			// removing it is then an error the build reports, not a change it builds).
			p := proposal()
			if p == "" {
				return ""
			}
			for _, f := range s.glob("content/plan/*/*.md") {
				if strings.Contains(s.read(f), path.Base(path.Dir(p))) {
					return ""
				}
			}
			if err := os.RemoveAll(filepath.Dir(s.path(p))); err != nil {
				s.t.Fatal(err)
			}
			return "removed " + path.Dir(p)
		},
		"status": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			st := statuses[s.r.IntN(len(statuses))]
			s.set(p, "status", st)
			return "status " + st + " of " + p
		},
		"answer": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			s.set(p, "answer", fmt.Sprintf("{date: %s, text: Risposta numero %d.}", s.date(), s.n))
			return "answer to " + p
		},
		"tags": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			s.set(p, "tags", s.tags())
			return "tags of " + p
		},
		"title": func() string {
			p := s.pick(append(s.glob("content/proposals/*/index.md"), s.glob("content/practices/*/index.md")...))
			if p == "" {
				return ""
			}
			s.set(p, "title", fmt.Sprintf("\"Un titolo nuovo, il %d\"", s.n))
			return "title of " + p
		},
		"date": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			s.set(p, "date", s.date())
			return "date of " + p
		},
		"text": func() string {
			p := s.pick(append(s.glob("content/proposals/*/index.md"), s.glob("content/practices/*/index.md")...))
			if p == "" {
				return ""
			}
			text := s.read(p)
			if s.r.IntN(2) == 0 {
				text += fmt.Sprintf("\nUn paragrafo aggiunto, il %d, con [un collegamento](https://example.org/aggiunto-%d).\n", s.n, s.n)
			} else {
				end := strings.Index(text[4:], "\n---") + 8
				text = text[:end] + fmt.Sprintf("\nUn primo paragrafo nuovo, il %d.\n", s.n) + text[end:]
			}
			s.write(p, text)
			return "text of " + p
		},
		"translation": func() string {
			p := proposal()
			if p == "" {
				return ""
			}
			en := strings.TrimSuffix(p, ".md") + ".en.md"
			if _, err := os.Stat(s.path(en)); err == nil && s.r.IntN(2) == 0 {
				s.remove(en)
				return "removed " + en
			}
			s.write(en, fmt.Sprintf("---\ntitle: A proposal in English, %d\n---\n\nIts text in English.\n\nA second paragraph, with [a source](https://example.org/en-%d).\n", s.n, s.n))
			return "translation " + en
		},
		"body": func() string {
			b := s.pick(s.bodies())
			s.set("content/bodies/"+b+".md", "name", fmt.Sprintf("\"Ente rinominato %d\"", s.n))
			return "name of " + b
		},
		"progress": func() string {
			a := s.pick(s.glob("content/plan/actions/*.md"))
			s.set(a, "progress", strconv.Itoa(s.r.IntN(101)))
			if s.r.IntN(2) == 0 {
				s.set(a, "status", []string{"planned", "in-progress", "done", "delayed", "cancelled"}[s.r.IntN(5)])
			}
			return "progress of " + a
		},
		"objective": func() string {
			o := s.pick(append(s.glob("content/plan/objectives/*.md"), s.glob("content/plan/goals/*.md")...))
			s.set(o, "title", fmt.Sprintf("\"Un obiettivo riformulato, il %d\"", s.n))
			return "title of " + o
		},
		"practice": func() string {
			file := fmt.Sprintf("content/practices/nuova-%03d/index.md", s.n)
			s.write(file, fmt.Sprintf("---\ntitle: Una pratica nuova %d\nbody: %s\nkind: experience\ntags: %s\ndate: %s\n---\n\nCome abbiamo fatto.\n", s.n, s.pick(s.bodies()), s.tags(), s.date()))
			return "new " + file
		},
		"strings": func() string {
			s.write("i18n/it.yaml", fmt.Sprintf("menu.home: Inizio %d\n", s.n))
			return "strings"
		},
		"config": func() string {
			s.write("pspm.yaml", strings.Replace(s.read("pspm.yaml"), "\npaginate: ", fmt.Sprintf("\npaginate: %d\n# ", 3+s.r.IntN(3)), 1))
			return "configuration"
		},
		"layout": func() string {
			s.write("layouts/partials/footer.html", strings.Replace(s.footer, "</footer>", fmt.Sprintf("<p>Portale di prova %d</p></footer>", s.n), 1))
			return "layout"
		},
		"version": func() string { return "plan version" },
		"nothing": func() string { return "nothing" },
	}
}
