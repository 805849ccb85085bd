package history

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMergeRequestReadsWhatForgesWriteOnTheirMergeCommits(t *testing.T) {
	for msg, want := range map[string]string{
		"Merge pull request #12 from comune-re/voto\n\nVoto del Comune\n":                         "#12",
		"Merge pull request #7 from a/b":                                                          "#7",
		"Merge pull request 'Voto del Comune' (#5) from voto into main\n":                         "#5",
		"Merge pull request 'Fix (#3) and more' (#41) from x into main":                           "#41",
		"Merge branch 'voto' into 'main'\n\nVoto del Comune\n\nSee merge request pa/portale!34\n": "pa/portale!34",
		"Merge branch 'voto' into 'main'\r\n\r\nSee merge request group/sub/proj!9\r\n":           "group/sub/proj!9",
		"Voto del Comune (#12)":                                "", // a squash: the contributor's own title
		"Merge pull request #12":                               "",
		"Merge pull request #x from a/b":                       "",
		"Merge pull request #1234567890 from a/b":              "",
		"See merge request pa/portale!34":                      "", // on the first line: a title, not GitLab's trailer
		"Merge branch 'x'\n\nSee merge request pa/por tale!34": "",
		"Merge branch 'x'\n\nSee merge request pa//portale!34": "",
		"Merge branch 'x'\n\nSee merge request pa/portale!":    "",
		"Merge branch 'x'\n\nSee merge request pa/portale!3a":  "",
		"Merge pull request 'Voto' (#5 from voto into main":    "",
		"": "",
	} {
		if got := MergeRequest(msg); got != want {
			t.Errorf("MergeRequest(%q) = %q, want %q", msg, got, want)
		}
	}
}

func FuzzMergeRequest(f *testing.F) {
	f.Add("Merge pull request #12 from comune-re/voto")
	f.Add("Merge pull request 'T' (#5) from voto into main")
	f.Add("Merge branch 'voto' into 'main'\n\nSee merge request pa/portale!34\n")
	f.Fuzz(func(t *testing.T, msg string) {
		mr := MergeRequest(msg)
		if mr == "" {
			return
		}
		if !utf8.ValidString(mr) || strings.ContainsAny(mr, " \n\r\t") || len(mr) > 266 {
			t.Fatalf("MergeRequest(%q) = %q: not a merge request's name", msg, mr)
		}
		if !strings.HasPrefix(mr, "#") && !strings.Contains(mr, "!") {
			t.Fatalf("MergeRequest(%q) = %q", msg, mr)
		}
		if !strings.Contains(msg, mr[strings.IndexAny(mr, "#!")+1:]) {
			t.Fatalf("MergeRequest(%q) = %q: a number the message does not hold", msg, mr)
		}
	})
}

// The history knows which merge request landed each version, from the landing
// commit's message.
func TestHistoryNamesTheMergeRequestThatLandedAFile(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/content/proposals/p/index.md", "# P\n")
	r.commit(maintainer, day(1), "Proposal")
	r.git("checkout", "-q", "-b", "voto")
	r.write("site/"+vote, "vote: support\n")
	r.commit(contributor, day(2), "Vote")
	r.git("checkout", "-q", "main")
	r.run(maintainer, maintainer, day(3), day(3), "merge", "-q", "--no-ff", "-m", "Merge pull request #12 from comune/voto", "voto")
	h := load(t, Options{Dir: filepath.Join(r.dir, "site")})
	p := h.Files[vote]
	if p == nil {
		t.Fatalf("no provenance for %s", vote)
	}
	if got := h.MergeRequests()[p.LandedCommit]; got != "#12" {
		t.Errorf("merge request of the vote = %q, want #12", got)
	}
}
