package history

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCreateTagWritesAnAnnotatedTagGitVerifies(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	first := r.commit(maintainer, day(0), "uno")
	r.write("content/a.md", "b\n")
	second := r.commit(maintainer, day(1), "due")
	when := time.Date(2025, 4, 1, 12, 0, 0, 0, time.UTC)
	var signed string
	got, err := CreateTag(r.dir, NewTag{Name: "plan/1", Commit: first, Message: "Prima", Tagger: Person{Name: "Anna", Email: "anna@mef.gov.it", When: when},
		Sign: func(payload []byte) (string, error) { signed = string(payload); return "", nil }})
	if err != nil || got != first {
		t.Fatalf("CreateTag: %s, %v; want %s", got, err, first)
	}
	want := "object " + first + "\ntype commit\ntag plan/1\ntagger Anna <anna@mef.gov.it> 1743508800 +0000\n\nPrima\n"
	if signed != want {
		t.Errorf("the signed payload is\n%q\nwant\n%q", signed, want)
	}
	if obj := r.git("cat-file", "tag", "plan/1"); obj+"\n" != want {
		t.Errorf("git cat-file:\n%s", obj)
	}
	r.git("fsck", "--strict", "--no-dangling")

	// A tag that exists is refused, unless forced; HEAD is the default commit.
	if _, err := CreateTag(r.dir, NewTag{Name: "plan/1", Message: "x", Tagger: Person{Name: "A", Email: "a@b", When: when}}); !errors.Is(err, ErrTagExists) {
		t.Errorf("CreateTag over an existing tag: %v", err)
	}
	if _, err := CreateTag(r.dir, NewTag{Name: "plan/1", Message: "x", Force: true, Tagger: Person{Name: "A", Email: "a@b", When: when}}); err != nil {
		t.Fatal(err)
	}
	if got := r.git("rev-parse", "plan/1^{commit}"); got != second {
		t.Errorf("forced tag names %s; want HEAD %s", got, second)
	}
	tags, err := Tags(Options{Dir: r.dir}, "plan/*")
	if err != nil || len(tags) != 1 || tags[0].Commit != second || tags[0].Message != "x\n" {
		t.Errorf("Tags after CreateTag: %+v, %v", tags, err)
	}
	for _, bad := range []string{"plan/a b", "plan/../x", "plan/x.lock", ""} {
		if _, err := CreateTag(r.dir, NewTag{Name: bad, Tagger: Person{Name: "A", Email: "a@b", When: when}}); err == nil {
			t.Errorf("CreateTag %q passed", bad)
		}
	}
}

func TestChangedComparesTheSiteFolderWithHEAD(t *testing.T) {
	r := newTestRepo(t)
	r.write("portale/content/a.md", "a\n")
	r.write("portale/content/b.md", "b\n")
	r.write("portale/content/.gitkeep", "")
	r.write("portale/pspm.yaml", "title: x\n")
	r.write("altro.txt", "x\n")
	r.commit(maintainer, day(0), "uno")
	site := filepath.Join(r.dir, "portale")
	paths := []string{"content", "pspm.yaml", "layouts"}
	hidden := func(p string) bool { return strings.HasPrefix(filepath.Base(p), ".") }
	if got, err := Changed(site, paths, hidden); err != nil || len(got) != 0 {
		t.Fatalf("Changed on a clean tree: %v, %v", got, err)
	}
	r.write("portale/content/a.md", "a2\n")                                   // modified
	r.write("portale/content/new/c.md", "c\n")                                // untracked
	r.write("portale/content/.c.md.swp", "x")                                 // hidden: left out
	r.write("portale/layouts/page.html", "x")                                 // a new folder
	r.write("altro.txt", "y\n")                                               // outside the site
	if err := os.Remove(filepath.Join(site, "content", "b.md")); err != nil { // deleted
		t.Fatal(err)
	}
	r.write("portale/pspm.yaml", "title: y\n")
	r.git("add", "portale/pspm.yaml") // staged, not committed
	got, err := Changed(site, paths, hidden)
	want := []string{"content/a.md", "content/b.md", "content/new/c.md", "layouts/page.html", "pspm.yaml"}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Changed: %v, %v; want %v", got, err, want)
	}
}

func TestReadGitConfigPrefersTheRepository(t *testing.T) {
	r := newTestRepo(t)
	global := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(global, []byte("[user]\n\tname = Globale\n\temail = g@example.org\n[tag]\n\tgpgSign = true\n[gpg]\n\tformat = ssh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_GLOBAL", global)
	r.git("config", "user.name", "Locale")
	r.git("config", "user.signingKey", "~/.ssh/id_ed25519.pub")
	c, err := ReadGitConfig(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.UserName != "Locale" || c.UserEmail != "g@example.org" || !c.TagSign || c.Format != "ssh" || c.SigningKey != "~/.ssh/id_ed25519.pub" {
		t.Errorf("ReadGitConfig: %+v", c)
	}
}
