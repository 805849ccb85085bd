package content

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/site"
)

// reactionJob is the job of content/proposals/p1/reactions/c_h223.yaml.
var reactionJob = job{
	role:    roleReaction,
	file:    "content/proposals/p1/reactions/c_h223.yaml",
	section: site.Proposals,
	id:      "p1",
	name:    "c_h223",
}

// FuzzReaction feeds readReaction arbitrary reaction files. It must not panic; it always
// returns the reaction (nothing a body sent is lost), with no vote and no priority when
// it reported an error; every diagnostic points into the file; and the reaction holds
// only what the tally can count as it is: a known vote or none, a
// priority of 1 to 5 or none, a comment within its limit, and the voter, item and file of
// its path. Both roads are exercised: meta.ParseSimple for the commonest files, meta.Parse
// for the rest. Seeds are in
// testdata/fuzz/FuzzReaction.
func FuzzReaction(f *testing.F) {
	f.Add([]byte("vote: support\npriority: 3\ncomment: Bene.\n"))
	f.Add([]byte("vote: no\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j := reactionJob
		var errs diag.List
		rc := readReaction(j, data, &errs)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, e := range errs {
			if e.Pos.File != j.file || e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
				t.Errorf("diagnostic outside the file's %d lines: %v", lines, e)
			}
		}
		if rc == nil {
			t.Fatalf("no reaction returned")
		}
		if errs.HasErrors() && (rc.Vote() != "" || rc.Priority != 0) {
			t.Fatalf("a vote kept from a file with errors: %q %d\n%s", rc.Vote(), rc.Priority, errs.Format())
		}
		if rc.Raw() != nil {
			t.Errorf("the bytes of a file no signature signs are kept")
		}
		if rc.Extra != nil && rc.Comment() == "" && rc.ForItem() == "" && rc.ForVoter() == "" && rc.Date().IsZero() && len(rc.Problems()) == 0 {
			t.Errorf("a reaction whose file says only its vote and priority holds an Extra: %+v", *rc.Extra)
		}
		signed := j
		signed.signed = true
		var errs2 diag.List
		if sr := readReaction(signed, data, &errs2); !bytes.Equal(sr.Raw(), data) {
			t.Errorf("the file's bytes are not kept for its signature")
		} else if sr.Vote() != rc.Vote() || sr.Priority != rc.Priority || sr.Comment() != rc.Comment() || errs2.Format() != errs.Format() {
			t.Errorf("a signed file is read otherwise: %+v against %+v", *sr, *rc)
		}
		switch rc.Vote() {
		case site.VoteSupport, site.VoteOppose, site.VoteAbstain, "":
		default:
			t.Errorf("vote %q", rc.Vote())
		}
		if rc.Priority < 0 || rc.Priority > 5 {
			t.Errorf("priority %d", rc.Priority)
		}
		if rc.Voter() != j.name || rc.ItemKey() != "proposals/p1" || rc.File != j.file {
			t.Errorf("voter %q, item %q, file %q: not taken from the path", rc.Voter(), rc.ItemKey(), rc.File)
		}
		if rc.Counted || rc.Reason != "" || rc.Verification != "" || rc.VoterBody != nil || rc.On != nil || rc.Origin != nil {
			t.Errorf("the file set a field that only later stages may set: %+v", *rc)
		}
		if n := utf8.RuneCountInString(rc.Comment()); n > 500 {
			t.Errorf("comment of %d characters, over the limit of 500", n)
		}
	})
}

func TestReactionWithAYAML11BooleanVoteIsRefused(t *testing.T) {
	for _, v := range []string{"no", "yes", "on", "off", "true", "Support", "[support]"} {
		var errs diag.List
		if rc := readReaction(reactionJob, []byte("vote: "+v+"\n"), &errs); rc.Vote() != "" || !errs.HasErrors() {
			t.Errorf("vote: %s accepted as %+v", v, rc)
		}
	}
}

func TestReactionPriorityMustBeOneToFive(t *testing.T) {
	for _, p := range []string{"0", "6", "-1", "3.5", "03", "high", "99999999999999999999"} {
		var errs diag.List
		if rc := readReaction(reactionJob, []byte("vote: support\npriority: "+p+"\n"), &errs); rc.Priority != 0 || rc.Vote() != "" || !errs.HasErrors() {
			t.Errorf("priority: %s accepted as %d", p, rc.Priority)
		}
	}
	var errs diag.List
	rc := readReaction(reactionJob, []byte("vote: abstain\npriority: 5\ncomment: |\n  Due righe\n  di commento.\n"), &errs)
	if rc == nil || rc.Vote() != site.VoteAbstain || rc.Priority != 5 || rc.Comment() != "Due righe\ndi commento.\n" {
		t.Errorf("reaction %+v, diagnostics:\n%s", rc, errs.Format())
	}
}

func TestReactionErrorsNameTheFileAndLine(t *testing.T) {
	var errs diag.List
	rc := readReaction(reactionJob, []byte("# voto\r\nvote: support\r\npriority: 9\r\n"), &errs)
	want := `content/proposals/p1/reactions/c_h223.yaml:3:11: "priority": 9 is out of range (want 1 to 5)`
	if rc.Vote() != "" || !strings.Contains(errs.Format(), want) {
		t.Errorf("diagnostics:\n%s\nwant %s", errs.Format(), want)
	}
}

func TestReactionWarningsDoNotLoseTheVote(t *testing.T) {
	var errs diag.List
	rc := readReaction(reactionJob, []byte("vote: support\nvoto: oppose\n"), &errs)
	if rc == nil || rc.Vote() != site.VoteSupport || len(errs.Warnings()) != 1 {
		t.Errorf("reaction %+v, diagnostics:\n%s", rc, errs.Format())
	}
}

func TestReactionThatIsNotTextIsRefused(t *testing.T) {
	for _, data := range []string{"\xef\xbb\xbfvote: support\n", "vote: support\x00\n", "vote: support\ncomment: \xff\n", "- vote: support\n", "vote: &v support\ncomment: *v\n"} {
		var errs diag.List
		if rc := readReaction(reactionJob, []byte(data), &errs); rc.Vote() != "" || !errs.HasErrors() {
			t.Errorf("%q accepted as %+v", data, rc)
		}
	}
}

// FuzzReactionFileName feeds the classifier arbitrary reaction file names: it never
// refuses one (every file a body sent is kept), it finds no problem exactly in the
// canonical names <voter id>.yaml, and the canonical voter it derives is always a valid
// voter id or nothing.
func FuzzReactionFileName(f *testing.F) {
	for _, s := range []string{"c_h223.yaml", "C_H223.yaml", "c_h223.yml", "c h223.yaml", "..yaml", "c_h223.yaml.sig", "é.yaml", "a-b.yaml"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if name == "" || strings.ContainsRune(name, '/') {
			return
		}
		j := contribution("content/proposals/p1/reactions/"+name, site.Proposals, "p1", "reactions", []string{name})
		if j.role == roleSignature {
			if !strings.HasSuffix(name, ".sig") {
				t.Fatalf("%q taken for a signature", name)
			}
			return
		}
		canonical := voterRE.MatchString(strings.TrimSuffix(name, ".yaml")) && strings.HasSuffix(name, ".yaml")
		if canonical != (j.problem() == "") {
			t.Errorf("%q: canonical %v, problem %q", name, canonical, j.problem())
		}
		if v := site.CanonicalVoter(name); v != "" && !voterRE.MatchString(v) {
			t.Errorf("%q: canonical voter %q is not a voter id", name, v)
		}
		if !utf8.ValidString(j.problem()) && utf8.ValidString(name) {
			t.Errorf("%q: message %q is not UTF-8", name, j.problem())
		}
	})
}
