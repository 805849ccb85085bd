package synth

import (
	"bytes"
	"crypto/sha256"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/history"
)

// rpFile is the front matter of one plan item of an edition, as the tests read it:
// its top-level keys and their raw values, and its indicators' yearly targets.
type rpFile struct {
	section, id string
	keys        map[string]string
	yearTargets int
	body        string
}

// list reads a flow list ([a, b]) or a scalar as a list.
func (f rpFile) list(key string) []string {
	v, ok := f.keys[key]
	if !ok {
		return nil
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// readEdition collects the plan items of a written edition by section and id.
func readEdition(t *testing.T, write func(emit func(string, []byte) error) error) map[string]map[string]rpFile {
	t.Helper()
	out := map[string]map[string]rpFile{}
	err := write(func(p string, data []byte) error {
		rest, ok := strings.CutPrefix(p, "content/plan/")
		if !ok || strings.Contains(rest, "/reactions/") || rest == "_index.md" {
			return nil
		}
		section, name, _ := strings.Cut(rest, "/")
		f := rpFile{section: section, id: strings.TrimSuffix(name, ".md"), keys: map[string]string{}}
		fm, body, _ := strings.Cut(strings.TrimPrefix(string(data), "---\n"), "\n---\n")
		f.body = body
		for _, line := range strings.Split(fm, "\n") {
			if strings.HasPrefix(line, "      - {year: ") {
				f.yearTargets++
			}
			if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(k, " ") {
				f.keys[k] = v
			}
		}
		if out[section] == nil {
			out[section] = map[string]rpFile{}
		}
		out[section][f.id] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func realPlanEditions(t *testing.T, o RealPlanOptions) []map[string]map[string]rpFile {
	p := NewRealPlan(o)
	var eds []map[string]map[string]rpFile
	for k := range RealPlanEditions {
		eds = append(eds, readEdition(t, func(emit func(string, []byte) error) error { return p.Edition(k, emit) }))
	}
	return eds
}

var codeRE = map[string]*regexp.Regexp{
	"goals":      regexp.MustCompile(`^CAP[1-8]$`),
	"objectives": regexp.MustCompile(`^OB\.[1-8]\.[1-9]$`),
	"results":    regexp.MustCompile(`^R\.A\.[1-8]\.[1-9]\.[1-9]$`),
	"actions":    regexp.MustCompile(`^CAP[1-8]\.(PA\.)?LA[0-9]{2,3}$`),
}

func TestRealPlanEditionsHaveTheRealPlansShape(t *testing.T) {
	eds := realPlanEditions(t, RealPlanOptions{Seed: 1})
	bodyKinds := map[string]bool{"all": true, "ministry": true, "region": true, "province": true, "metropolitan-city": true,
		"municipality": true, "agency": true, "university": true, "health-authority": true, "other": true}
	for k, ed := range eds {
		n := func(section string) int { return len(ed[section]) }
		t.Logf("edition %d: %d goals, %d objectives, %d results, %d actions", k+1, n("goals"), n("objectives"), n("results"), n("actions"))
		for _, c := range []struct {
			section   string
			least, at int
		}{{"goals", 7, 8}, {"objectives", 20, 26}, {"results", 21, 60}, {"actions", 260, 310}} {
			if got := n(c.section); got < c.least || got > c.at {
				t.Errorf("edition %d has %d %s, want %d to %d", k+1, got, c.section, c.least, c.at)
			}
		}
		codes := map[string]string{}
		var coOwned, addressed, kinds, noOwnerNorAddressee, withoutYearTargets int
		for section, items := range ed {
			for id, f := range items {
				code := strings.Trim(f.keys["code"], `"`)
				if !codeRE[section].MatchString(code) {
					t.Errorf("edition %d: %s/%s has code %q", k+1, section, id, code)
				}
				if other, dup := codes[code]; dup {
					t.Errorf("edition %d: code %s on %s and %s/%s", k+1, code, other, section, id)
				}
				codes[code] = section + "/" + id
				if !strings.Contains(f.body, "**") && !strings.Contains(f.body, "](http") && !strings.Contains(f.body, "_") && section == "actions" && len(f.body) > 2000 {
					t.Errorf("edition %d: %s/%s has a long text with no emphasis and no link", k+1, section, id)
				}
				switch section {
				case "actions":
					if len(f.list("owner")) > 1 {
						coOwned++
					}
					addr := f.list("addressees")
					if len(addr) > 0 {
						addressed++
					}
					for _, a := range addr {
						if bodyKinds[a] {
							kinds++
							break
						}
					}
					if len(addr) == 0 && len(f.list("owner")) == 0 {
						noOwnerNorAddressee++
					}
					if f.keys["due"] == "" || f.keys["status"] == "" {
						t.Errorf("edition %d: action %s has no due date or status", k+1, id)
					}
				case "results":
					if f.yearTargets < 2 {
						withoutYearTargets++
					}
					if f.keys["objective"] == "" || ed["objectives"][f.keys["objective"]].id == "" {
						t.Errorf("edition %d: result %s names objective %q, not in the edition", k+1, id, f.keys["objective"])
					}
				}
			}
		}
		if coOwned < 10 || addressed < 60 || kinds < 60 || noOwnerNorAddressee > 0 || withoutYearTargets > 0 {
			t.Errorf("edition %d: %d co-owned actions (want 10+), %d with addressees (want 60+), %d addressed to kinds of bodies (want 60+), %d with neither owner nor addressees (want 0), %d results without yearly targets (want 0)",
				k+1, coOwned, addressed, kinds, noOwnerNorAddressee, withoutYearTargets)
		}
	}
}

// TestRealPlanRenumberingIsCoveredByReplaces checks the lineage between editions: every
// id a replaces names was in an earlier edition, in the same section; the ids that
// disappear are mostly continued by a new item; there are merges, splits, moves and
// code reuse; and the first change of edition changes far more than the second.
func TestRealPlanRenumberingIsCoveredByReplaces(t *testing.T) {
	eds := realPlanEditions(t, RealPlanOptions{Seed: 1})
	var changed []int
	for k := 1; k < len(eds); k++ {
		prev, ed := eds[k-1], eds[k]
		var gone, continued, merges, splits, moves, reused, n int
		for section, items := range ed {
			users := map[string]int{} // old id -> new items replacing it
			for id, f := range items {
				p, same := prev[section][id]
				for _, old := range f.list("replaces") {
					earlier := false
					for _, e := range eds[:k] {
						_, in := e[section][old]
						earlier = earlier || in
					}
					if !earlier {
						t.Errorf("edition %d: %s/%s replaces %q, which is not a %s of an earlier edition", k+1, section, id, old, section)
					}
					if !same {
						users[old]++
					}
				}
				if !same && len(f.list("replaces")) > 1 {
					merges++
				}
				switch {
				case same && section == "actions" && p.keys["objective"] != f.keys["objective"]:
					moves++
				case same && p.keys["title"] != f.keys["title"] && len(f.list("replaces")) == 0 && section == "objectives":
					reused++
				}
				if !same || !sameItem(p, f) {
					n++
				}
			}
			for old := range prev[section] {
				if _, still := items[old]; still {
					continue
				}
				gone++
				if users[old] > 0 {
					continued++
				} else {
					n++ // removed
				}
				if users[old] > 1 {
					splits++
				}
			}
		}
		changed = append(changed, n)
		t.Logf("edition %d since %d: %d items changed, added or removed; %d ids gone, %d of them continued by replaces; %d merges, %d splits, %d moves, %d objective codes reused",
			k+1, k, n, gone, continued, merges, splits, moves, reused)
		if k == 1 && continued*10 < gone*8 {
			t.Errorf("edition %d: only %d of the %d ids gone are continued by replaces, want 80%%", k+1, continued, gone)
		}
		if removed := gone - continued; removed*5 > len(prev["actions"]) {
			t.Errorf("edition %d: %d ids of edition %d are gone with no item continuing them, want at most a fifth of its actions", k+1, removed, k)
		}
		if merges < 2 || splits < 2 {
			t.Errorf("edition %d: %d merges and %d splits, want 2 or more of each", k+1, merges, splits)
		}
	}
	if changed[0] < 400 || changed[0] > 520 || changed[1] >= changed[0]/2 {
		t.Errorf("items changed: %v; want about 440 between the first two editions and less than half of that between the last two", changed)
	}
}

// sameItem says an item is the same in two editions, its order aside.
func sameItem(a, b rpFile) bool {
	for k, v := range a.keys {
		if k != "order" && b.keys[k] != v {
			return false
		}
	}
	return len(a.keys) == len(b.keys) && a.body == b.body
}

func TestRealPlanLeadOwnerOnlyAndNoResults(t *testing.T) {
	for _, ed := range realPlanEditions(t, RealPlanOptions{Seed: 1, LeadOwnerOnly: true, NoResults: true}) {
		if len(ed["results"]) > 0 {
			t.Errorf("NoResults wrote %d results", len(ed["results"]))
		}
		for id, f := range ed["actions"] {
			if strings.HasPrefix(f.keys["owner"], "[") {
				t.Fatalf("LeadOwnerOnly wrote a list of owners on %s: %s", id, f.keys["owner"])
			}
		}
	}
}

// repository is the hash of every file RealPlanRepository writes, in order.
func repository(t *testing.T, o RealPlanOptions) ([]string, [32]byte) {
	t.Helper()
	h := sha256.New()
	var paths []string
	err := RealPlanRepository(o, func(p string, data []byte) error {
		paths = append(paths, p)
		h.Write([]byte(p + "\x00"))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return paths, sum
}

func TestRealPlanRepositoryIsDeterministic(t *testing.T) {
	_, a := repository(t, RealPlanOptions{Seed: 1})
	_, b := repository(t, RealPlanOptions{Seed: 1})
	_, c := repository(t, RealPlanOptions{Seed: 2})
	if a != b {
		t.Error("two runs with the same options wrote different bytes")
	}
	if a == c {
		t.Error("two seeds wrote the same bytes")
	}
}

func TestRealPlanRepositoryHasThreeAnnotatedEditionsAndACleanDraft(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	err := RealPlanRepository(RealPlanOptions{Seed: 1}, WriteTo(dir))
	if err != nil {
		t.Fatal(err)
	}
	tags, err := history.Tags(history.Options{Dir: dir}, "plan/*")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tg := range tags {
		names = append(names, tg.Name)
		if !tg.Annotated || tg.Message == "" {
			t.Errorf("tag %s is not annotated with a message", tg.Name)
		}
	}
	if !slices.Equal(names, []string{"plan/2022", "plan/2024", "plan/2025"}) {
		t.Errorf("tags %v, want plan/2022, plan/2024, plan/2025", names)
	}
	git := func(args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	if out := git("status", "--porcelain"); out != "" {
		t.Errorf("the work tree is not the draft commit:\n%.500s", out)
	}
	if out := git("log", "--format=%s"); strings.Count(out, "\n") != 4 {
		t.Errorf("git log:\n%s", out)
	}
	if out := git("diff", "--name-only", "plan/2025", "HEAD", "--", "content/proposals"); !strings.Contains(out, "index.md") {
		t.Error("the draft adds no proposals")
	}
	if out := git("fsck", "--strict", "--no-dangling"); bytes.Contains([]byte(out), []byte("error")) {
		t.Errorf("git fsck:\n%s", out)
	}
}
