package demo

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

// writeTo writes the demo repository into dir.
func writeTo(t testing.TB, dir string, amendments bool) {
	t.Helper()
	err := write(amendments, func(p string, data []byte) error {
		_, err := output.CreateFile(dir, p, data, false)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// git runs git in dir, with no configuration of the machine's.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func needGit(t testing.TB) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// readTree reads every file under dir, by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDemoRepositoryIsTheSameBytesEveryTime(t *testing.T) {
	for _, amendments := range []bool{false, true} {
		a, b := t.TempDir(), t.TempDir()
		writeTo(t, a, amendments)
		writeTo(t, b, amendments)
		ta, tb := readTree(t, a), readTree(t, b)
		if len(ta) < 430 || len(ta) != len(tb) {
			t.Fatalf("amendments %v: %d and %d files", amendments, len(ta), len(tb))
		}
		for p, data := range ta {
			if !bytes.Equal(data, tb[p]) {
				t.Errorf("amendments %v: %s differs between two generations", amendments, p)
			}
		}
	}
}

func TestDemoRepositoryEndsWithTheEmbeddedContentAndGitReadsItsStory(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	writeTo(t, dir, false)
	if out := git(t, dir, "fsck", "--strict", "--no-dangling"); strings.Contains(out, "error") || strings.Contains(out, "warning") {
		t.Errorf("git fsck:\n%s", out)
	}
	if out := git(t, dir, "status", "--porcelain"); out != "" {
		t.Errorf("the work tree differs from the last commit:\n%s", out)
	}
	if out := git(t, dir, "tag", "-l"); out != "plan/2025.1\nplan/2026.1\nplan/2026.2\n" {
		t.Errorf("tags:\n%s", out)
	}
	if out := git(t, dir, "cat-file", "tag", "plan/2026.1"); !strings.Contains(out, "-----BEGIN SSH SIGNATURE-----") {
		t.Errorf("plan/2026.1 is not signed:\n%s", out)
	}
	merges := strings.Count(git(t, dir, "log", "--merges", "--first-parent", "--format=%H"), "\n")
	log := git(t, dir, "log", "--format=%an <%ae> | %cn | %s%n%b")
	for _, want := range []string{
		"Giulia Ferraresi <giulia.ferraresi@mef.gov.it> | Giulia Ferraresi | Il piano strategico 2025-2027: bozza",
		"Marco Santangelo <marco.santangelo@mef.gov.it> | Marco Santangelo | Merge branch 'proposta-pagopa-piccoli-comuni' into 'main'",
		"Enrico Bertolini <enrico.bertolini@provincia.re.it> | Enrico Bertolini | Proposta: ",
		"Claudia Rinaldi <claudia.rinaldi@comune.roma.it> | Claudia Rinaldi | Voto della Regione Lazio",
		"See merge request mef/piano-strategico!1\n",
		"Risposta alla proposta pagopa-piccoli-comuni",
		"Monitoraggio al 30 giugno 2026",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("git log lacks %q", want)
		}
	}
	if merges < 200 {
		t.Errorf("%d merge requests merged, want the contributions landed by merge requests", merges)
	}
	// The work tree is the embedded demo, plus the files at the root.
	tree := readTree(t, dir)
	final, err := finalTree(false)
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range final {
		if !bytes.Equal(tree[p], data) {
			t.Errorf("%s is not the embedded file", p)
		}
	}
	for p := range tree {
		if _, ok := final[p]; !ok && !strings.HasPrefix(p, ".git/") {
			t.Errorf("%s is in the work tree, not in the embedded demo", p)
		}
	}
}

// vote is a row of votes.json.
type vote struct {
	Item, Voter, Reason, Commit, Author, Landed, Detail string
	Counted                                             bool
	LandedCommit                                        string `json:"landed_commit"`
	MergeRequest                                        string `json:"merge_request"`
}

// version is a row of versions.json.
type version struct {
	Version          string
	Signed, Verified bool
	Signer           string
}

func TestDemoPortalShowsSignedVersionsForgedVoteAndProgressOverTime(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	writeTo(t, dir, withAmendments)
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := output.NewMem()
	res, err := generator.Build(generator.Options{Source: src, Dir: dir}, out)
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	// The one warning is the owner's: the community proposal waits for an answer.
	if d := res.Diagnostics; len(d) != 1 || !strings.Contains(d.Format(), "content/proposals/"+communityProposal+"/index.md:2:8: warning: threshold reached on 2026-09-27") {
		t.Errorf("the demo builds with diagnostics other than the threshold reached:\n%s", res.Diagnostics.Format())
	}
	files := out.Files()
	var versions []version
	if err := json.Unmarshal(files["api/v1/versions.json"], &versions); err != nil {
		t.Fatal(err)
	}
	signed := 0
	for _, v := range versions {
		if v.Signed && v.Verified && strings.HasPrefix(v.Signer, "Giulia Ferraresi (SHA256:") {
			signed++
		}
	}
	if len(versions) < 2 || signed != 1 {
		t.Errorf("versions: %+v; want at least two, one signed by MEF's maintainer and verified", versions)
	}
	var votes []vote
	if err := json.Unmarshal(files["api/v1/votes.json"], &votes); err != nil {
		t.Fatal(err)
	}
	counted, forged := 0, 0
	for _, v := range votes {
		switch {
		case v.Item == "proposals/spesa-digitale-scuole" && v.Voter == "r_lazio":
			forged++
			if v.Counted || v.Reason != "not-member" || v.Author != "" || !strings.Contains(v.Detail, forger.name) {
				t.Errorf("the forged vote: %+v; want not counted, not-member, by %s (without the address)", v, forger.name)
			}
		case v.Counted:
			counted++
			if v.Commit == "" || v.LandedCommit == "" || v.Landed == "" || !strings.HasPrefix(v.MergeRequest, project+"!") {
				t.Errorf("a counted vote without its commit or merge request: %+v", v)
			}
		case v.Reason != "closed": // the votes on the two withdrawn proposals
			t.Errorf("a vote not counted: %+v", v)
		}
	}
	if forged != 1 || counted < len(votes)-10 {
		t.Errorf("%d votes, %d counted, %d forged", len(votes), counted, forged)
	}
	var feedback []struct {
		File, Reason string
		Counted      bool
	}
	if err := json.Unmarshal(files["api/v1/feedback.json"], &feedback); err != nil {
		t.Fatal(err)
	}
	for _, f := range feedback {
		if !f.Counted && (f.File != moderatedComment || f.Reason != "moderated") {
			t.Errorf("a comment not counted: %+v", f)
		}
	}
	if len(feedback) < 40 {
		t.Errorf("%d comments", len(feedback))
	}
	// A conversation and a comment on a paragraph (a list item) of a proposal.
	page := string(files["proposals/bilanci-comunali-aperti/index.html"])
	for _, want := range []string{
		`<h4>Dati aggregati per i comuni sotto i 5.000 abitanti</h4>`,
		`<li id="p-06486cf3">Rendere disponibili le serie storiche dal primo anno di armonizzazione.<span class="paragraph-tools">`,
		`<li><a href="#unimore-serie-storiche">Le serie storiche sono essenziali per la ricerca</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page of bilanci-comunali-aperti lacks %s", want)
		}
	}
	// The three amendments count (each proposer's file is its body's alone) and MEF's
	// answers, in their own files, give them their states.
	wantStates := map[string]string{acceptedAmendment: "accepted", rejectedAmendment: "rejected", openAmendment: "open"}
	for _, a := range res.Site.Amendments {
		want, ok := wantStates[a.File]
		if !ok {
			t.Errorf("an amendment the story does not tell: %s", a.File)
			continue
		}
		delete(wantStates, a.File)
		if !a.Counted || a.Status != want {
			t.Errorf("%s: counted %v (%s: %s), status %q; want counted, %s", a.File, a.Counted, a.Verdict.Reason, a.Detail, a.Status, want)
		}
		if want != "open" && (a.AnswerFile == nil || !a.AnswerFile.Counted || a.AnswerFile.Signer != maintainer.email) {
			t.Errorf("%s: MEF's answer %+v; want counted, by %s", a.File, a.AnswerFile, maintainer.email)
		}
	}
	if len(wantStates) > 0 {
		t.Errorf("amendments missing: %v", wantStates)
	}
	// What version 2026.1 changed: actions added from answered proposals, a text changed.
	changes := string(files["api/v1/plan/2026.1/changes.json"])
	for _, want := range []string{`"id":"migrazione-psn-applicativi","change":"changed"`, `{"field":"due","old":"2026-06-30","new":"2026-12-31"}`, `"change":"added"`, `"op":"insert","text":"è stata"`} {
		if !strings.Contains(changes, want) {
			t.Errorf("the changes of 2026.1 lack %s:\n%.3000s", want, changes)
		}
	}
	series := 0
	for _, a := range res.Site.Actions {
		if len(a.Series) >= 4 {
			series++
		}
	}
	if series < 10 {
		t.Errorf("%d actions have four points of progress or more, want monitoring over time", series)
	}
}

func TestDemoAmendmentsAreCommittedAndTheAcceptedOneAppliedInTheSameMergeRequest(t *testing.T) {
	needGit(t)
	dir := t.TempDir()
	writeTo(t, dir, true)
	git(t, dir, "fsck", "--strict", "--no-dangling")
	for _, p := range []string{acceptedAmendment, rejectedAmendment, openAmendment, strings.TrimSuffix(openAmendment, ".md") + "/reactions/c_h223.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s is not in the work tree", p)
		}
	}
	side := strings.TrimSpace(git(t, dir, "log", "--all", "--format=%H", "--grep=^Emendamento accolto", "--no-merges"))
	if side == "" {
		t.Fatal("no commit accepts the amendment")
	}
	changed := git(t, dir, "diff-tree", "--no-commit-id", "--name-only", "-r", side)
	if changed != "content/plan/actions/design-system-servizi.md\n"+strings.TrimSuffix(acceptedAmendment, ".md")+"/answer.md\n" {
		t.Errorf("the accepting commit changes:\n%s", changed)
	}
	if log := git(t, dir, "log", "--format=%an", "--", acceptedAmendment); strings.Count(log, "\n") != 1 || strings.Contains(log, "Giulia Ferraresi") {
		t.Errorf("the proposer's file of the accepted amendment is changed after it was proposed, by:\n%s", log)
	}
	if diff := git(t, dir, "diff", side+"^", side, "--", "content/plan/actions/design-system-servizi.md"); !strings.Contains(diff, "-due: 2026-12-31\n+due: 2027-03-31") {
		t.Errorf("the accepting commit does not apply the proposed due date:\n%s", diff)
	}
	if log := git(t, dir, "log", "--format=%an", "--", rejectedAmendment); log != "Roberto De Angelis\n" && log != "Valentina Proietti\n" {
		t.Errorf("the rejected amendment's authors:\n%s", log)
	}
	if log := git(t, dir, "log", "--format=%an", "--", strings.TrimSuffix(rejectedAmendment, ".md")+"/answer.md"); log != "Giulia Ferraresi\n" {
		t.Errorf("the rejection's authors:\n%s", log)
	}
}

// itemFile is the file of the item a contribution's path belongs to.
func itemFile(p string, files map[string][]byte) string {
	dir := p[:strings.LastIndex(p, "/reactions/")+len("/")]
	for _, folder := range []string{"/feedback/", "/supports/"} {
		if i := strings.LastIndex(p, folder); i >= 0 {
			dir = p[:i+1]
		}
	}
	dir = strings.TrimSuffix(dir, "/")
	for _, candidate := range []string{dir + ".md", dir + "/index.md"} {
		if _, ok := files[candidate]; ok {
			return candidate
		}
	}
	return ""
}

func TestEveryDemoContributionLandsAfterItsItemAndBeforeTheEnd(t *testing.T) {
	commits, err := storyCommits(true)
	if err != nil {
		t.Fatal(err)
	}
	first := map[string]int{} // path -> index of the first commit holding it
	for i, c := range commits {
		if i > 0 && c.Author.When.Before(commits[i-1].Author.When) {
			t.Errorf("commit %d (%q) lands before the one before it", i, c.Message)
		}
		for p := range c.Files {
			if _, ok := first[p]; !ok {
				first[p] = i
			}
		}
	}
	last := commits[len(commits)-1]
	n := 0
	for p := range last.Files {
		if !strings.Contains(p, "/reactions/") && !strings.Contains(p, "/feedback/") && !strings.Contains(p, "/supports/") {
			continue
		}
		item := itemFile(p, last.Files)
		if item == "" {
			t.Errorf("%s: no item file", p)
			continue
		}
		n++
		if first[p] <= first[item] {
			t.Errorf("%s lands in commit %d, not after its item %s (commit %d)", p, first[p], item, first[item])
		}
	}
	if n < 250 {
		t.Errorf("%d contributions checked", n)
	}
	if end := last.Author.When; end.After(storyEnd.AddDate(0, 0, 1)) {
		t.Errorf("the story ends on %s", end)
	}
}

func TestGitVerifiesTheSignedDemoVersionWithTheRegisteredKey(t *testing.T) {
	needGit(t)
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen is not installed")
	}
	dir := t.TempDir()
	writeTo(t, dir, false)
	k, err := key()
	if err != nil {
		t.Fatal(err)
	}
	signers := filepath.Join(t.TempDir(), "allowed_signers")
	if err := os.WriteFile(signers, []byte(maintainer.email+" "+k.AuthorizedKey("")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := git(t, dir, "-c", "gpg.format=ssh", "-c", "gpg.ssh.allowedSignersFile="+signers, "verify-tag", "plan/2026.1")
	if !strings.Contains(out, `Good "git" signature for `+maintainer.email) {
		t.Errorf("git verify-tag plan/2026.1:\n%s", out)
	}
}

func TestDemoSigningKeyIsTheOneMEFsMaintainerRegisters(t *testing.T) {
	k, err := key()
	if err != nil {
		t.Fatal(err)
	}
	final, err := finalTree(false)
	if err != nil {
		t.Fatal(err)
	}
	line := k.AuthorizedKey(maintainer.email)
	if !strings.Contains(string(final["content/bodies/m_ef.md"]), `"`+line+`"`) {
		t.Errorf("content/bodies/m_ef.md does not register the demo key of %s: %s", maintainer.name, line)
	}
}

func TestEveryDemoProposalLandsOnItsDateInAPhaseThatOpensProposals(t *testing.T) {
	final, err := finalTree(false)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newStory(final, false)
	if err != nil {
		t.Fatal(err)
	}
	commits, err := s.commits()
	if err != nil {
		t.Fatal(err)
	}
	landed := map[string]time.Time{}
	for _, c := range commits {
		for p := range c.Files {
			if _, ok := landed[p]; !ok {
				landed[p] = c.Author.When
			}
		}
	}
	n := 0
	for id, pr := range s.proposals {
		when := landed["content/proposals/"+id+"/index.md"]
		if when.Format(time.DateOnly) != pr.date.Format(time.DateOnly) {
			t.Errorf("proposal %s, dated %s, lands on %s", id, pr.date.Format(time.DateOnly), when)
		}
		open := false
		for _, ph := range s.phases {
			opens := slices.Contains(ph.opens, "proposals")
			if pr.participant != "" { // a community proposal: the phase's community part
				opens = ph.communityOpen("proposals", "proposals/"+id)
			}
			open = open || opens && !when.Before(ph.from) && when.Before(ph.to.AddDate(0, 0, 1))
		}
		if !open {
			t.Errorf("proposal %s lands on %s, when no phase opens proposals", id, when)
		}
		n++
	}
	if n < 30 {
		t.Errorf("%d proposals", n)
	}
}
