package generator_test

import (
	"strings"
	"testing"
)

const reggioVote = "content/proposals/p1/reactions/c_h223.yaml"

func TestVoteByAMemberCountsUnderPolicyAuthor(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	commit := g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	v := g.vote(reggioVote)
	wantCounted(t, v, "author")
	if v["member"] != "Marco Bianchi" || v["signer"] != "" || v["commit"] != commit {
		t.Errorf("member %v, signer %v, commit %v; want the member by name, no address", v["member"], v["signer"], v["commit"])
	}
	wantCounted(t, g.vote("content/proposals/p1/reactions/m_ef.yaml"), "author")
}

func TestVoteWithForgedAuthorNotCounted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Voto del Comune")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "not-member")
	if d, _ := v["detail"].(string); !strings.Contains(d, "authored by Eve,") || strings.Contains(d, "eve@") || !strings.Contains(d, "content/bodies/c_h223.md") {
		t.Errorf("the reason does not say who and where members are listed: %q", d)
	}
}

func TestVoteByAMemberOfAnotherBodyNotCounted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-02-03T09:00:00Z", luca, "La Regione vota per il Comune")
	wantNotCounted(t, g.vote(reggioVote), "not-member")
}

func TestVoteEditedByAnotherAuthorNotCounted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	wantCounted(t, g.vote(reggioVote), "author")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-02-04T09:00:00Z", luca, "Cambio il voto")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "not-member")
	_, res, _ := g.build()
	if p := res.Site.Proposal("p1"); p.Tally.Oppose != 0 || p.Tally.Support != 1 { // m_ef's support only
		t.Errorf("tally %+v: the edit by a non-member changed the count", p.Tally)
	}
}

func TestWithdrawnVoteIsNoLongerCounted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	_, res, _ := g.build()
	if n := res.Site.Proposal("p1").Tally.Oppose; n != 1 {
		t.Fatalf("oppose %d before the withdrawal", n)
	}
	g.remove(reggioVote)
	g.commitAll("2025-02-05T09:00:00Z", marco, "Ritiro il voto")
	votes, res, _ := g.build()
	if votes[reggioVote] != nil || res.Site.Proposal("p1").Tally.Oppose != 0 {
		t.Errorf("a withdrawn vote is still there: %v", votes[reggioVote])
	}
}

func TestVoteLandedAfterTheWindowNotCounted(t *testing.T) {
	g := newGitRepo(t, "author", "")
	// Written on 20 June, inside the phase; merged on 5 July, after it closed.
	g.run("2025-06-20T09:00:00Z", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-06-20T09:00:00Z", marco, "Voto del Comune")
	g.run("2025-07-05T09:00:00Z", "checkout", "-q", "main")
	g.runEnv("2025-07-05T09:00:00Z", nil, "merge", "-q", "--no-ff", "-m", "Merge voto", "voto")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "outside-window")
	if v["landed"] != "2025-07-05T09:00:00Z" {
		t.Errorf("landed %v: the landing time is the merge's, not the author's", v["landed"])
	}
}

func TestPriorityOutsideAPriorityPhaseDoesNotCountButTheVoteDoes(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\npriority: 5\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	v := g.vote(reggioVote)
	wantCounted(t, v, "author")
	if d, _ := v["detail"].(string); !strings.Contains(d, "priorities") {
		t.Errorf("detail %q does not say the priority does not count", d)
	}
	_, res, _ := g.build()
	if tl := res.Site.Proposal("p1").Tally; tl.Support != 2 || tl.Priority.Count != 0 {
		t.Errorf("tally %+v: want 2 support and no priority (the phase opens votes only)", tl)
	}
}

func TestVoteLandedByMergeCommitSquashAndRebaseKeepsItsAuthor(t *testing.T) {
	for _, mode := range []string{"merge", "squash", "rebase"} {
		t.Run(mode, func(t *testing.T) {
			g := newGitRepo(t, "author", "")
			g.run("2025-02-03T09:00:00Z", "checkout", "-q", "-b", "voto")
			g.write(reggioVote, "vote: support\n")
			g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
			g.run("2025-02-10T12:00:00Z", "checkout", "-q", "main")
			g.write("content/proposals/p1/feedback/m_ef-altra.md", "---\ntitle: Altra\ndate: 2025-02-09\n---\nTesto.\n")
			g.commitAll("2025-02-09T12:00:00Z", anna, "Un commento sul ramo principale")
			switch mode {
			case "merge":
				g.run("2025-02-10T12:00:00Z", "merge", "-q", "--no-ff", "-m", "Merge voto", "voto")
			case "squash": // the forge commits as the merge request's author
				g.run("2025-02-10T12:00:00Z", "merge", "-q", "--squash", "voto")
				g.runEnv("2025-02-10T12:00:00Z", who(marco), "commit", "-q", "-m", "Voto del Comune (#12)")
			case "rebase":
				g.run("2025-02-10T12:00:00Z", "checkout", "-q", "voto")
				g.run("2025-02-10T12:00:00Z", "rebase", "-q", "main")
				g.run("2025-02-10T12:00:00Z", "checkout", "-q", "main")
				g.run("2025-02-10T12:00:00Z", "merge", "-q", "--ff-only", "voto")
			}
			v := g.vote(reggioVote)
			wantCounted(t, v, "author")
			if v["landed"] != "2025-02-10T12:00:00Z" {
				t.Errorf("landed %v", v["landed"])
			}
		})
	}
}

func TestVoterFileNamesDifferingByCaseCountOnce(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	g.write("content/proposals/p1/reactions/C_H223.yaml", "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Due voti")
	votes, res, _ := g.build()
	wantCounted(t, votes[reggioVote], "author")
	wantNotCounted(t, votes["content/proposals/p1/reactions/C_H223.yaml"], "duplicate")
	if n := res.Site.Proposal("p1").Tally.Support; n != 2 { // m_ef and c_h223, once
		t.Errorf("support %d, want 2", n)
	}
	if !strings.Contains(res.Diagnostics.Format(), "C_H223.yaml:1:1: warning:") {
		t.Errorf("the build does not warn about the duplicate:\n%s", res.Diagnostics.Format())
	}
}

func TestOddReactionFileNamesAreKeptAndNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", "")
	odd := []string{"c_h223.yml", "c h223.yaml", "c_h223;rm -rf ~.yaml", "c_h223é.yaml", "c_h223..yaml", "c_h223.yaml.txt", "sub/c_h223.yaml", "<script>.yaml"}
	for _, name := range odd {
		g.write("content/proposals/p1/reactions/"+name, "vote: oppose\n")
	}
	g.commitAll("2025-02-03T09:00:00Z", marco, "Nomi strani")
	votes, res, out := g.build()
	for _, name := range odd {
		v := votes["content/proposals/p1/reactions/"+name]
		if v == nil {
			t.Errorf("%q is lost", name)
			continue
		}
		if v["counted"] != false || (v["reason"] != "malformed" && v["reason"] != "duplicate") {
			t.Errorf("%q: counted %v, reason %v", name, v["counted"], v["reason"])
		}
	}
	if n := res.Site.Proposal("p1").Tally.Oppose; n != 0 {
		t.Errorf("oppose %d: a misnamed file was counted", n)
	}
	page := string(out.Files()["proposals/p1/index.html"])
	if strings.Contains(page, "<script>") {
		t.Errorf("a file name reached the page unescaped")
	}
}

func TestVoteForAnUnknownItemIsKeptNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", "")
	g.write("content/proposals/zz/reactions/c_h223.yaml", "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto su una proposta che non c'è")
	votes, res, _ := g.build()
	wantNotCounted(t, votes["content/proposals/zz/reactions/c_h223.yaml"], "unknown-item")
	if !strings.Contains(res.Diagnostics.Format(), `content/proposals/zz/reactions/c_h223.yaml:1:1: warning: unknown item "proposals/zz"`) {
		t.Errorf("diagnostics:\n%s", res.Diagnostics.Format())
	}
	// The same file fails the check that guards merge requests.
	fsys, _ := openSource(t, g.dir)
	cres, err := checkSite(fsys, g.dir)
	if err == nil || !strings.Contains(cres.Diagnostics.Format(), `c_h223.yaml:1:1: unknown item "proposals/zz"`) {
		t.Errorf("check: %v\n%s", err, cres.Diagnostics.Format())
	}
}

func TestVoteFromAnUnknownVoterIsKeptNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", "")
	g.write("content/proposals/p1/reactions/c_x999.yaml", "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Un ente che non c'è")
	wantNotCounted(t, g.vote("content/proposals/p1/reactions/c_x999.yaml"), "unknown-voter")
}

func TestMalformedVoteIsKeptNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", "")
	g.write(reggioVote, "vote: maybe\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto sbagliato")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "malformed")
	if d, _ := v["detail"].(string); !strings.Contains(d, `unknown vote "maybe"`) {
		t.Errorf("detail %q", d)
	}
}

func TestVoteOnAWithdrawnProposalNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", "")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto")
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: withdrawn", 1))
	g.commitAll("2025-02-04T09:00:00Z", anna, "Proposta ritirata")
	wantNotCounted(t, g.vote(reggioVote), "closed")
}

func TestVoteLandedAfterTheAnswerNotCounted(t *testing.T) {
	g := newGitRepo(t, "none", "")
	p := g.read("content/proposals/p1/index.md")
	g.write("content/proposals/p1/index.md", strings.Replace(p, "status: open", "status: accepted\nanswer:\n  date: 2025-03-01\n  text: Accolta.", 1))
	g.commitAll("2025-03-01T09:00:00Z", anna, "Risposta")
	g.write(reggioVote, "vote: oppose\n")
	g.commitAll("2025-03-05T09:00:00Z", marco, "Voto tardivo")
	wantNotCounted(t, g.vote(reggioVote), "closed")
	wantCounted(t, g.vote("content/proposals/p1/reactions/m_ef.yaml"), "none")
}

func TestUncommittedVoteIsUnverifiedUnderPolicyAuthor(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	wantNotCounted(t, g.vote(reggioVote), "unverified")
}

func TestForcePushedHistoryIsReadAgain(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	wantCounted(t, g.vote(reggioVote), "author") // the build keeps its cache
	if _, err := readFile(g.dir, ".pspm/cache/history.json"); err != nil {
		t.Fatalf("no history cache after a build: %v", err)
	}
	// The branch is rewritten: the vote is now authored by Eve.
	g.run("2025-02-03T09:00:00Z", "reset", "-q", "--hard", "HEAD~1")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", eve, "Voto del Comune")
	wantNotCounted(t, g.vote(reggioVote), "not-member")
}

func TestWarmBuildAfterOneCommitReadsTheCache(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.build()
	g.write(reggioVote, "vote: support\n")
	commit := g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	v := g.vote(reggioVote)
	wantCounted(t, v, "author")
	if v["commit"] != commit {
		t.Errorf("commit %v, want %s", v["commit"], commit)
	}
}

func TestFeedbackByANonMemberIsShownMarked(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.write("content/proposals/p1/feedback/c_h223-dubbio.md", "---\ntitle: Un dubbio\ndate: 2025-02-11\nkind: objection\n---\nPerché?\n")
	g.commitAll("2025-02-11T09:00:00Z", eve, "Commento")
	_, res, out := g.build()
	var f = res.Site.Feedback
	found := false
	for _, x := range f {
		if x.File == "content/proposals/p1/feedback/c_h223-dubbio.md" {
			found = true
			if x.Counted || x.Reason != "not-member" {
				t.Errorf("feedback counted %v reason %q", x.Counted, x.Reason)
			}
		}
	}
	if !found {
		t.Fatal("the feedback is lost")
	}
	page := string(out.Files()["proposals/p1/index.html"])
	if !strings.Contains(page, "Un dubbio") || !strings.Contains(page, "non parla a nome dell") {
		t.Errorf("the page does not show the comment marked as not speaking for the body")
	}
}
