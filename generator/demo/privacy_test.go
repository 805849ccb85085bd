package demo

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/search"
)

// buildDemo writes the demo repository with its history into a temporary folder, lets
// edit change its work tree, and builds it into memory (its search index into the
// folder's cache, as a build does).
func buildDemo(t *testing.T, edit func(dir string)) map[string][]byte {
	files, _ := buildDemoIn(t, edit)
	return files
}

// buildDemoIn is buildDemo, and the folder.
func buildDemoIn(t *testing.T, edit func(dir string)) (map[string][]byte, string) {
	t.Helper()
	needGit(t)
	dir := t.TempDir()
	writeTo(t, dir, withAmendments)
	if edit != nil {
		edit(dir)
	}
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	return out.Files(), dir
}

// memberEmails is every address the demo's bodies list for their members.
func memberEmails(t *testing.T) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^\s*(?:- )?email:\s*(\S+@\S+)\s*$`)
	var out []string
	for name, data := range demoFiles(t) {
		if strings.HasPrefix(name, "content/bodies/") {
			for _, m := range re.FindAllSubmatch(data, -1) {
				out = append(out, string(m[1]))
			}
		}
	}
	sort.Strings(out)
	if len(out) < 20 {
		t.Fatalf("found %d member addresses in the demo's bodies; want its 35 or so", len(out))
	}
	return out
}

// demoFiles is the demo's work tree as the repository ends.
func demoFiles(t *testing.T) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := write(withAmendments, func(p string, data []byte) error {
		if !strings.HasPrefix(p, ".git/") {
			files[p] = data
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// leaks lists the output files that hold a member's address, with the first address each holds.
func leaks(files map[string][]byte, emails []string) map[string]string {
	out := map[string]string{}
	for name, data := range files {
		low := bytes.ToLower(data)
		for _, e := range emails {
			if bytes.Contains(low, []byte(strings.ToLower(e))) {
				out[name] = e
				break
			}
		}
	}
	return out
}

func TestNoOutputFileOfTheDemoPublishesAMembersEmail(t *testing.T) {
	emails := memberEmails(t)
	files, dir := buildDemoIn(t, nil)
	// The demo votes under policy author, shows a forged vote (whose Detail names its
	// author), signed versions and amendments: every place an address could leak from.
	for name, e := range leaks(files, emails) {
		t.Errorf("%s publishes %s", name, e)
	}
	// Any address at all, in case a commit's free text carried one: a page or feed
	// never has one (the datasets link only to https pages).
	any := regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z0-9.\-]+`)
	for name, data := range files {
		if m := any.Find(data); m != nil && !strings.HasSuffix(name, ".bin") {
			t.Errorf("%s holds an e-mail address: %s", name, m)
		}
	}
	// The static search bundle is encoded: ask the index it is exported from.
	x, err := search.Open(filepath.Join(dir, search.CacheDir))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if res, err := x.Search(search.Request{Q: `"Comune di Reggio Emilia"`}); err != nil || res.Total == 0 {
		t.Fatalf("the search index does not find a phrase of the demo (%v): the check below would prove nothing", err)
	}
	for _, e := range emails {
		res, err := x.Search(search.Request{Q: `"` + e + `"`})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total > 0 {
			t.Errorf("the search index finds %s (%d hits)", e, res.Total)
		}
	}
	// What is shown instead: the member by name, and how the vote was verified.
	if p := string(files["bodies/c_h223/index.html"]); !strings.Contains(p, "verificato: commit di Federica Incerti") {
		t.Errorf("the body's page does not name the member who cast its votes")
	}
	if v := string(files["api/v1/votes.json"]); !strings.Contains(v, `"member":"Federica Incerti"`) {
		t.Errorf("votes.json does not name the member who vouched for a vote")
	}
}

func TestPersonalOpenDataPutsEmailsInTheDatasetsOnly(t *testing.T) {
	emails := memberEmails(t)
	files := buildDemo(t, func(dir string) {
		p := filepath.Join(dir, "pspm.yaml")
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, append(data, "\nopen_data:\n  personal: true\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	found := leaks(files, emails)
	for name, e := range found {
		if !strings.HasPrefix(name, "api/v1/") {
			t.Errorf("with open_data.personal, %s (not a dataset) publishes %s", name, e)
		}
	}
	for _, want := range []string{"api/v1/votes.json", "api/v1/votes.csv", "api/v1/feedback.json"} {
		if found[want] == "" {
			t.Errorf("with open_data.personal, %s carries no member's address", want)
		}
	}
}
