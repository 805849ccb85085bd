package history

import (
	"bytes"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator/signature"
)

// encodeTo writes EncodeRepository's output and the last commit's files into dir.
func encodeTo(t *testing.T, dir string, commits []NewCommit) {
	t.Helper()
	write := func(p string, data []byte) error {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	}
	if err := EncodeRepository("main", commits, write); err != nil {
		t.Fatal(err)
	}
	for p, data := range commits[len(commits)-1].Files {
		if err := write(p, data); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEncodedRepositoryIsReadByGitAndItsTagsByTags(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	anna := Person{Name: "Anna Rossi", Email: "anna.rossi@mef.gov.it", When: time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)}
	later := anna
	later.When = later.When.AddDate(1, 0, 0)
	commits := []NewCommit{
		{Files: map[string][]byte{"pspm.yaml": []byte("title: x\n"), "content/plan/goals/g1.md": []byte("---\ntitle: G\n---\n"), "content/plan/goals-b.md": []byte("b\n")},
			Author: anna, Message: "Edizione 2024\n", Tag: "plan/2024", TagMessage: "Edizione 2024 approvata\n"},
		{Files: map[string][]byte{"pspm.yaml": []byte("title: x\n"), "content/plan/goals/g2.md": []byte("---\ntitle: G2\n---\n"), "content/plan/goals-b.md": []byte("b\n")},
			Author: later, Message: "Edizione 2025\n", Tag: "plan/2025", TagMessage: "Edizione 2025 approvata\n"},
	}
	dir := t.TempDir()
	encodeTo(t, dir, commits)
	again := t.TempDir()
	encodeTo(t, again, commits)
	for _, ref := range []string{".git/refs/heads/main", ".git/refs/tags/plan/2024", ".git/index"} {
		a, _ := os.ReadFile(filepath.Join(dir, ref))
		b, _ := os.ReadFile(filepath.Join(again, ref))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two encodings of the same commits", ref)
		}
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
	if out := git("fsck", "--strict", "--no-dangling"); strings.Contains(out, "error") {
		t.Errorf("git fsck: %s", out)
	}
	if out := git("status", "--porcelain"); out != "" {
		t.Errorf("the work tree is not clean after the encoded index:\n%s", out)
	}
	if out := git("log", "--format=%s %ad", "--date=short"); out != "Edizione 2025 2025-01-31\nEdizione 2024 2024-01-31\n" {
		t.Errorf("git log:\n%s", out)
	}
	if out := git("diff", "--name-status", "plan/2024", "plan/2025"); out != "D\tcontent/plan/goals/g1.md\nA\tcontent/plan/goals/g2.md\n" {
		t.Errorf("git diff between the tags:\n%s", out)
	}
	tags, err := Tags(Options{Dir: dir}, "plan/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(tags) != 2 || tags[0].Name != "plan/2024" || !tags[0].Annotated || tags[1].Message != "Edizione 2025 approvata\n" || !tags[1].Tagger.When.Equal(later.When) {
		t.Errorf("Tags = %+v", tags)
	}

}

func TestEncodeRepositoryRefusesPathsOutsideTheTree(t *testing.T) {
	for _, p := range []string{"../x", "/etc/x", "a//b", ".git/config", ""} {
		err := EncodeRepository("main", []NewCommit{{Files: map[string][]byte{p: nil}}}, func(string, []byte) error { return nil })
		if err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
}

func TestEncodeRepositoryRefusesReferenceNamesThatLeaveRefs(t *testing.T) {
	ok := []NewCommit{{Files: map[string][]byte{"a": nil}}}
	for _, name := range []string{"../../HEAD", "plan/../x", "plan//x", ".hidden", "a b", "x.lock", ""} {
		bad := []NewCommit{{Files: map[string][]byte{"a": nil}, Tag: name}}
		if name != "" {
			if err := EncodeRepository("main", bad, func(string, []byte) error { return nil }); err == nil {
				t.Errorf("tag %q accepted", name)
			}
		}
		if err := EncodeRepository(name, ok, func(string, []byte) error { return nil }); err == nil {
			t.Errorf("branch %q accepted", name)
		}
	}
	if err := EncodeRepository("main", []NewCommit{{Files: map[string][]byte{"a": nil}, Tag: "plan/2025.1"}}, func(string, []byte) error { return nil }); err != nil {
		t.Errorf("tag plan/2025.1: %v", err)
	}
}

func TestEncodedMergeLandsTheContributorsCommitAtTheMaintainersTime(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	day := func(d int) time.Time { return time.Date(2025, 3, d, 10, 0, 0, 0, time.UTC) }
	anna := Person{Name: "Anna Rossi", Email: "anna.rossi@mef.gov.it", When: day(1)}
	luca := Person{Name: "Luca Bianchi", Email: "luca.bianchi@comune.re.it", When: day(2)}
	base := map[string][]byte{"content/plan/_index.md": []byte("---\ntitle: P\n---\n")}
	vote := maps.Clone(base)
	vote["content/plan/_index/reactions/c_h223.yaml"] = []byte("vote: support\n")
	merger := anna
	merger.When = day(5)
	signed := 0
	commits := []NewCommit{
		{Files: base, Author: anna, Message: "Il piano\n"},
		{Files: vote, Author: merger, Message: "Merge branch 'voto' into 'main'\n\nSee merge request mef/piano!7\n",
			Merged: []NewCommit{{Files: vote, Author: luca, Message: "Voto di Reggio Emilia\n"}},
			Tag:    "plan/2025", TagMessage: "Versione 2025\n",
			SignTag: func(p []byte) ([]byte, error) {
				signed++
				return []byte("-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n"), nil
			}},
	}
	dir := t.TempDir()
	encodeTo(t, dir, commits)
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
	git("fsck", "--strict", "--no-dangling")
	if out := git("log", "--format=%p|%an|%cn|%s"); strings.Count(out, "\n") != 3 || !strings.Contains(out, "|Anna Rossi|Anna Rossi|Merge branch 'voto' into 'main'") || !strings.Contains(out, "|Luca Bianchi|Luca Bianchi|Voto di Reggio Emilia") {
		t.Errorf("git log:\n%s", out)
	}
	if parents := strings.Fields(git("log", "-1", "--format=%P")); len(parents) != 2 {
		t.Errorf("the merge has parents %v, want two", parents)
	}
	if out := git("cat-file", "tag", "plan/2025"); !strings.HasSuffix(out, "Versione 2025\n-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n") || signed != 1 {
		t.Errorf("the signed tag (signed %d times):\n%s", signed, out)
	}
	h, err := Load(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	p := h.Files["content/plan/_index/reactions/c_h223.yaml"]
	if p == nil || p.Author.Email != luca.Email || !p.Landed.Equal(merger.When) || MergeRequest(git("log", "-1", "--format=%B")) != "mef/piano!7" {
		t.Errorf("provenance of the merged vote: %+v", p)
	}
}

func TestPackedEncodingHoldsTheSameObjectsInOnePack(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	anna := Person{Name: "Anna Rossi", Email: "anna.rossi@mef.gov.it", When: time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)}
	files := map[string][]byte{"content/plan/_index.md": []byte("---\ntitle: P\n---\n")}
	more := maps.Clone(files)
	more["content/plan/goals/g.md"] = []byte("---\ntitle: G\n---\n")
	commits := []NewCommit{
		{Files: files, Author: anna, Message: "Il piano\n", Tag: "plan/2024", TagMessage: "Versione 2024\n"},
		{Files: more, Author: anna, Message: "Merge\n", Merged: []NewCommit{{Files: more, Author: anna, Message: "Un obiettivo\n"}}},
	}
	var paths []string
	dir := t.TempDir()
	err := EncodePackedRepository("main", commits, func(p string, data []byte) error {
		paths = append(paths, p)
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		return os.WriteFile(full, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if strings.HasPrefix(p, ".git/objects/") && !strings.HasPrefix(p, ".git/objects/pack/pack-") {
			t.Errorf("a loose object: %s", p)
		}
	}
	loose := t.TempDir()
	encodeTo(t, loose, commits)
	git := func(dir string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git(dir, "fsck", "--strict", "--no-dangling")
	if out := git(dir, "count-objects", "-v"); !strings.Contains(out, "count: 0\n") || !strings.Contains(out, "packs: 1\n") {
		t.Errorf("git count-objects:\n%s", out)
	}
	if a, b := git(dir, "rev-parse", "HEAD", "plan/2024"), git(loose, "rev-parse", "HEAD", "plan/2024"); a != b {
		t.Errorf("packed and loose encodings differ: %s and %s", a, b)
	}
}

func TestEncodedSignedCommitAndTagVerifyWithGit(t *testing.T) {
	for _, tool := range []string{"git", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skip(tool + " not installed")
		}
	}
	k, err := signature.NewSeededSSHKey(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	sign := func(p []byte) ([]byte, error) { return k.Sign(p, signature.NamespaceGit) }
	anna := Person{Name: "Anna Rossi", Email: "anna.rossi@mef.gov.it", When: time.Date(2024, 1, 31, 10, 0, 0, 0, time.UTC)}
	commits := []NewCommit{{Files: map[string][]byte{"a.md": []byte("a\n")}, Author: anna, Message: "Firmato\n",
		Sign: sign, Tag: "plan/2024", TagMessage: "Versione 2024\n", SignTag: sign}}
	dir := t.TempDir()
	encodeTo(t, dir, commits)
	signers := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(signers, []byte(anna.Email+" "+k.AuthorizedKey("")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"verify-commit", "HEAD"}, {"verify-tag", "plan/2024"}} {
		cmd := exec.Command("git", append([]string{"-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile=" + signers}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), `Good "git" signature for `+anna.Email) {
			t.Errorf("git %v: %v\n%s", args, err, out)
		}
	}
}
