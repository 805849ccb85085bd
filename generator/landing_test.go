package generator_test

import (
	"strconv"
	"strings"
	"testing"
)

// commitAsContributor commits every change with author and committer both the
// contributor, at date: the commit a fast-forward merge puts on the branch as it is.
func (g *gitRepo) commitAsContributor(date, person, msg string) string {
	g.t.Helper()
	name, email, _ := strings.Cut(person, " <")
	email = strings.TrimSuffix(email, ">")
	g.run(date, "add", "-A")
	g.runEnv(date, append(who(person), "GIT_COMMITTER_NAME="+name, "GIT_COMMITTER_EMAIL="+email), "commit", "-q", "-m", msg)
	return g.run(date, "rev-parse", "HEAD")
}

// fastForwardVote commits a vote of support at file on a branch, as the contributor
// person at date, and fast-forwards main onto it at mergeDate: the contributor's commit,
// with the date they wrote, becomes main's.
func (g *gitRepo) fastForwardVote(file, date, person, msg, mergeDate string) {
	g.t.Helper()
	g.run("", "checkout", "-q", "-b", "tardi")
	g.write(file, "vote: support\n")
	g.commitAsContributor(date, person, msg)
	g.run(mergeDate, "checkout", "-q", "main")
	g.run(mergeDate, "merge", "-q", "--ff-only", "tardi")
}

// A contributor's signed commit dated inside the phase, fast-forwarded onto main after
// the phase closed: the date is the contributor's, so under policy signed the vote
// does not count until a commit of the maintainers vouches for a time, and then it is
// timed by that commit.
func TestFastForwardBackdatedVoteNotCountedUnderPolicySigned(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	g.run("", "checkout", "-q", "-b", "tardi")
	g.write(reggioVote, "vote: support\n")
	g.signedCommit("2025-06-15T09:00:00Z", marco, marcoKey, "Voto (datato prima della chiusura)")
	g.run("2025-07-10T09:00:00Z", "checkout", "-q", "main")
	g.run("2025-07-10T09:00:00Z", "merge", "-q", "--ff-only", "tardi")

	v := g.vote(reggioVote)
	wantNotCounted(t, v, "unverified-landing")
	if d, _ := v["detail"].(string); !strings.Contains(d, "2025-06-15T09:00:00Z") || !strings.Contains(d, "contributor") {
		t.Errorf("detail %q does not say whose date it is", d)
	}

	// The maintainer's next signed commit times it: after the phase.
	g.land("2025-07-11T09:00:00Z")
	v = g.vote(reggioVote)
	wantNotCounted(t, v, "outside-window")
	if d, _ := v["detail"].(string); !strings.Contains(d, "2025-07-11T09:00:00Z") {
		t.Errorf("detail %q does not give the maintainer's time", d)
	}
}

// Under policy author the committer e-mail says who landed a vote: a fast-forward of the
// contributor's commit is timed by the maintainers' next commit, and until there is
// one the vote is flagged.
func TestFastForwardBackdatedVoteTimedByTheNextMaintainerCommitUnderPolicyAuthor(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.fastForwardVote(reggioVote, "2025-06-15T09:00:00Z", marco, "Voto (datato prima della chiusura)", "2025-07-10T09:00:00Z")

	v := g.vote(reggioVote)
	wantCounted(t, v, "author")
	if d, _ := v["detail"].(string); !strings.Contains(d, "cannot be verified") {
		t.Errorf("detail %q: want the landing time flagged as unverifiable", d)
	}

	g.commitAll("2025-07-11T09:00:00Z", anna, "Chiusura della consultazione")
	wantNotCounted(t, g.vote(reggioVote), "outside-window")
}

// A vote landed by the maintainers' merge commit keeps the merge's time, whoever made
// the commit merged: the usual way, unchanged.
func TestVoteLandedByAMaintainersSignedMergeKeepsItsTime(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.signedCommit("2025-06-15T09:00:00Z", marco, marcoKey, "Voto")
	g.mergeSigned("2025-06-20T09:00:00Z", "voto")
	v := g.vote(reggioVote)
	wantCounted(t, v, "signature")
	if v["landed"] != "2025-06-20T09:00:00Z" {
		t.Errorf("landed %v, want the merge's time", v["landed"])
	}
}

// A landing time never goes back along the main branch: a commit dated before the one
// it follows lands when that one did.
func TestLandingTimeNeverGoesBack(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.commitAll("2025-07-05T09:00:00Z", anna, "Dopo la chiusura")
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-06-01T09:00:00Z", marco, "Voto retrodatato")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "outside-window")
	if d, _ := v["detail"].(string); !strings.Contains(d, "2025-07-05T09:00:00Z") {
		t.Errorf("detail %q: want the time of the commit before", d)
	}
}

// A squash merge by the forge's button is committed by the forge: listed in
// forge.committers, it times the vote like a maintainer's commit.
func TestSquashByAForgeCommitterListedInTheConfigTimesTheVote(t *testing.T) {
	for _, listed := range []bool{false, true} {
		g := newGitRepo(t, "author", "")
		if listed {
			g.write("pspm.yaml", g.read("pspm.yaml")+"forge:\n  committers: [noreply@github.com]\n")
			g.commitAll("2025-02-01T09:00:00Z", anna, "Il forge")
		}
		g.write(reggioVote, "vote: support\n")
		g.run("2025-03-01T09:00:00Z", "add", "-A")
		g.runEnv("2025-03-01T09:00:00Z", append(who(marco), "GIT_COMMITTER_NAME=GitHub", "GIT_COMMITTER_EMAIL=noreply@github.com"), "commit", "-q", "-m", "Voto (#3)")
		v := g.vote(reggioVote)
		wantCounted(t, v, "author")
		flagged := strings.Contains(v["detail"].(string), "cannot be verified")
		if flagged == listed {
			t.Errorf("forge.committers listed: %v; detail %q", listed, v["detail"])
		}
	}
}

// Under policy signed, a merge signed by the forge's own key (GitHub's web-flow key for
// the merge button), listed in forge.keys, times the vote like a maintainer's.
func TestMergeSignedByAForgeKeyListedInTheConfigTimesTheVote(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	forgeKey, forgePub := sshKey(t, "web-flow")
	g.write("pspm.yaml", g.read("pspm.yaml")+"forge:\n  keys: ["+strconv.Quote(forgePub)+"]\n")
	g.commitAll("2025-02-01T09:00:00Z", anna, "La chiave del forge")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: support\n")
	g.signedCommit("2025-06-15T09:00:00Z", marco, marcoKey, "Voto")
	g.run("", "checkout", "-q", "main")
	g.runEnv("2025-06-20T09:00:00Z", append(who(forge), "GIT_COMMITTER_NAME=GitHub", "GIT_COMMITTER_EMAIL=noreply@github.com"),
		"-c", "gpg.format=ssh", "-c", "user.signingkey="+forgeKey, "merge", "-q", "--no-ff", "-S", "-m", "Merge pull request #7", "voto")
	v := g.vote(reggioVote)
	wantCounted(t, v, "signature")
	if v["landed"] != "2025-06-20T09:00:00Z" || v["detail"] != "" {
		t.Errorf("landed %v (%v), want the forge's merge time with nothing to say", v["landed"], v["detail"])
	}
}

// Votes that landed through different commits are timed each by its own landing (a
// landing's timing is made once, for every vote that landed through it, and never
// given to another): a contributor's fast-forwarded vote by the maintainers' next
// commit, with a note saying so; a vote the maintainers committed by its own commit,
// without one.
func TestVotesOfDifferentLandingsAreTimedEachByItsOwn(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.fastForwardVote(reggioVote, "2025-06-15T09:00:00Z", marco, "Voto di Reggio Emilia", "2025-06-16T09:00:00Z")
	g.commitAll("2025-06-18T09:00:00Z", anna, "Aggiornamento del piano")
	g.write(mefVote, "vote: oppose\n")
	g.commitAll("2025-06-20T09:00:00Z", anna, "Voto del MEF")

	reggio, mef := g.vote(reggioVote), g.vote(mefVote)
	if reggio["landed"] != "2025-06-18T09:00:00Z" {
		t.Errorf("the fast-forwarded vote landed %v, want the maintainers' next commit's time", reggio["landed"])
	}
	if d, _ := reggio["detail"].(string); !strings.Contains(d, "timed at 2025-06-18T09:00:00Z") {
		t.Errorf("the fast-forwarded vote's detail %q does not say how it was timed", d)
	}
	if mef["landed"] != "2025-06-20T09:00:00Z" {
		t.Errorf("the maintainers' vote landed %v, want its own commit's time", mef["landed"])
	}
	if d, _ := mef["detail"].(string); strings.Contains(d, "timed at") {
		t.Errorf("the maintainers' vote's detail %q speaks of another commit's time", d)
	}
}
