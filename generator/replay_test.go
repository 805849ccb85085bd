package generator_test

import (
	"github.com/pspm-dev/pspm/generator/output"
	"strings"
	"testing"
)

// mergeSigned merges branch into main with a merge commit signed by the maintainer.
func (g *gitRepo) mergeSigned(date, branch string) string {
	g.t.Helper()
	g.run(date, "checkout", "-q", "main")
	g.runEnv(date, who(anna), "-c", "gpg.format=ssh", "-c", "user.signingkey="+g.ownerKey, "merge", "-q", "--no-ff", "-S", "-m", "Merge "+branch, branch)
	return g.run(date, "rev-parse", "HEAD")
}

// handMerge makes, on a new branch, a merge commit with the given parents whose tree is
// the work tree as it is, as git commit-tree does for whoever wants: no merge was run.
func (g *gitRepo) handMerge(date, author, branch string, parents ...string) string {
	g.t.Helper()
	g.run(date, "add", "-A")
	tree := g.run(date, "write-tree")
	args := []string{"commit-tree", tree, "-m", "Merge"}
	for _, p := range parents {
		args = append(args, "-p", p)
	}
	name, email, _ := strings.Cut(author, " <")
	email = strings.TrimSuffix(email, ">")
	x := g.runEnv(date, append(who(author), "GIT_COMMITTER_NAME="+name, "GIT_COMMITTER_EMAIL="+email), args...)
	g.run(date, "checkout", "-q", "-B", branch, x)
	return x
}

// withdrawnSignedVote is a repository under policy signed where Marco cast a vote by a
// signed commit on a branch that the maintainer merged, and then withdrew it the same
// way. It returns the commit that cast the vote, and the vote's bytes.
func withdrawnSignedVote(t *testing.T) (g *gitRepo, cast, vote, marcoKey string) {
	g, marcoKey, _ = signedRepo(t)
	vote = "vote: oppose\n"
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, vote)
	cast = g.signedCommit("2025-02-03T09:00:00Z", marco, marcoKey, "Voto contrario")
	g.mergeSigned("2025-02-03T10:00:00Z", "voto")
	wantCounted(t, g.vote(reggioVote), "signature")

	g.run("", "checkout", "-q", "-b", "ritiro")
	g.remove(reggioVote)
	g.signedCommit("2025-02-05T09:00:00Z", marco, marcoKey, "Ritiro il voto")
	g.mergeSigned("2025-02-05T10:00:00Z", "ritiro")
	if votes, _, _ := g.build(); votes[reggioVote] != nil {
		t.Fatalf("the withdrawn vote is still there: %v", votes[reggioVote])
	}
	return g, cast, vote, marcoKey
}

// A hand-built merge whose second parent is the commit that cast a withdrawn vote
// brings the vote back with its old, valid commit signature: it must not count, and
// the merge request must be refused.
func TestReplayedSignedVoteByHandBuiltMergeIsNotCountedAndRefused(t *testing.T) {
	g, cast, vote, _ := withdrawnSignedVote(t)
	g.run("", "checkout", "-q", "-b", "attacco", "main")
	g.write(reggioVote, vote)
	g.handMerge("2025-02-06T09:00:00Z", eve, "attacco", "main", cast)

	res, err := g.checkMR(during)
	wantViolation(t, res, err, reggioVote+":1:1: the merge request brings back a vote of c_h223 that the target branch withdrew")

	// Merged anyway, the build does not count it.
	g.mergeSigned("2025-02-06T10:00:00Z", "attacco")
	v := g.vote(reggioVote)
	wantNotCounted(t, v, "bad-signature")
	if d, _ := v["detail"].(string); !strings.Contains(d, "replayed: ") || !strings.Contains(d, "withdrawn on 2025-02-05") {
		t.Errorf("detail %q does not say the vote is replayed and when it was withdrawn", d)
	}
}

// The same replay with the old commit as the first parent: the request's own history
// does not even hold the withdrawal, which the check reads from the target branch.
func TestReplayOnTopOfTheOldCommitIsRefused(t *testing.T) {
	g, cast, vote, _ := withdrawnSignedVote(t)
	g.run("", "checkout", "-q", "-b", "attacco", "main")
	g.write(reggioVote, vote)
	g.handMerge("2025-02-06T09:00:00Z", eve, "attacco", cast, "main")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, reggioVote+":1:1: the merge request brings back a vote of c_h223 that the target branch withdrew")
}

// A detached signature withdrawn from the branch and brought back by a merge of the
// old commit is spent too, at any path that names the same voter.
func TestReplayedDetachedSignatureByMergeIsNotCountedAndRefused(t *testing.T) {
	g, marcoKey, _ := signedRepo(t)
	vote := "vote: oppose\nitem: proposals/p1\nvoter: c_h223\ndate: 2025-02-03\n"
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, vote)
	g.signFile(marcoKey, reggioVote)
	cast := g.commitAll("2025-02-03T09:00:00Z", forge, "Voto (#12)")
	g.mergeSigned("2025-02-03T10:00:00Z", "voto")
	wantCounted(t, g.vote(reggioVote), "signature")

	g.run("", "checkout", "-q", "-b", "ritiro")
	g.remove(reggioVote)
	g.remove(reggioVote + ".sig")
	g.commitAll("2025-02-05T09:00:00Z", forge, "Ritiro (#13)")
	g.mergeSigned("2025-02-05T10:00:00Z", "ritiro")

	g.run("", "checkout", "-q", "-b", "attacco", "main")
	g.run("", "checkout", cast, "--", reggioVote, reggioVote+".sig")
	g.handMerge("2025-02-06T09:00:00Z", eve, "attacco", "main", cast)
	res, err := g.checkMR(during)
	wantViolation(t, res, err, reggioVote+".sig: the merge request brings back the signature of a vote of c_h223 that the target branch withdrew")

	g.mergeSigned("2025-02-06T10:00:00Z", "attacco")
	votes, _, out := g.build()
	v := votes[reggioVote]
	wantNotCounted(t, v, "bad-signature")
	if d, _ := v["detail"].(string); !strings.Contains(d, "replayed: c_h223.yaml.sig was withdrawn on 2025-02-05") {
		t.Errorf("detail %q", d)
	}
	// Pages say it in their language, with their dates.
	wantPageSays(t, out, "proposals/p1/index.html", "riproposto: c_h223.yaml.sig è stato ritirato il 5 febbraio 2025 dal commit", "replayed:")
	wantPageSays(t, out, "en/proposals/p1/index.html", "replayed: c_h223.yaml.sig was withdrawn on 5 February 2025 by commit", "riproposto")
}

// wantPageSays fails unless the output file name says want and not notWant.
func wantPageSays(t *testing.T, out *output.Mem, name, want, notWant string) {
	t.Helper()
	page := string(out.Files()[name])
	if !strings.Contains(page, want) || strings.Contains(page, notWant) {
		t.Errorf("%s does not say %q, or says %q", name, want, notWant)
	}
}

// A vote withdrawn and cast again with the same bytes in a new signed commit counts:
// what is spent is the old commit's signature, not the vote's content.
func TestVoteCastAgainInANewSignedCommitCounts(t *testing.T) {
	g, _, vote, marcoKey := withdrawnSignedVote(t)
	g.run("", "checkout", "-q", "-b", "di-nuovo", "main")
	g.write(reggioVote, vote)
	g.signedCommit("2025-02-07T09:00:00Z", marco, marcoKey, "Voto di nuovo")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
	g.mergeSigned("2025-02-07T10:00:00Z", "di-nuovo")
	wantCounted(t, g.vote(reggioVote), "signature")
}

// Under policy author the old commit's authorship is spent the same way.
func TestReplayedVoteUnderPolicyAuthorIsNotCountedAndRefused(t *testing.T) {
	g := newGitRepo(t, "author", "")
	g.run("", "checkout", "-q", "-b", "voto")
	g.write(reggioVote, "vote: oppose\n")
	cast := g.commitAll("2025-02-03T09:00:00Z", marco, "Voto")
	g.run("", "checkout", "-q", "main")
	g.run("2025-02-03T10:00:00Z", "merge", "-q", "--no-ff", "-m", "Merge voto", "voto")
	g.remove(reggioVote)
	g.commitAll("2025-02-05T09:00:00Z", marco, "Ritiro")

	g.run("", "checkout", "-q", "-b", "attacco")
	g.write(reggioVote, "vote: oppose\n")
	g.handMerge("2025-02-06T09:00:00Z", eve, "attacco", "main", cast)
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "brings back a vote of c_h223 that the target branch withdrew")

	g.run("", "checkout", "-q", "main")
	g.run("2025-02-06T10:00:00Z", "merge", "-q", "--no-ff", "-m", "Merge attacco", "attacco")
	votes, _, out := g.build()
	v := votes[reggioVote]
	wantNotCounted(t, v, "unverified")
	if d, _ := v["detail"].(string); !strings.HasPrefix(d, "replayed: ") {
		t.Errorf("detail %q", d)
	}
	wantPageSays(t, out, "proposals/p1/index.html", "riproposto: il commit "+cast[:10]+" aveva già fatto questa versione, ritirata il 5 febbraio 2025", "replayed:")
}
