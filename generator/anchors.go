package generator

import (
	"io"
	"io/fs"
	"sort"
	"strings"
	"unicode"

	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/markdown"
	"github.com/pspm-dev/pspm/generator/meta"
	"github.com/pspm-dev/pspm/generator/site"
)

// minLikeness is how alike (Dice coefficient of their sets of words) a paragraph of the
// current text must be to the paragraph a comment was about to be taken for it.
const minLikeness = 0.3

// paragraphMoves finds where the paragraph went for every comment anchored (paragraph:)
// to a paragraph that is no longer in its item's text: it reads the item's file as it was
// at the commit that brought the comment, finds the paragraph there, and takes for it the
// current paragraph that is most like it (likeParagraph). Without Git, or when the old
// text is not in the history, the comment keeps Moved nil: its paragraph is just gone.
// Only Git objects are read, one snapshot per commit that brought such a comment.
//
// An anchor that was not in the text its author saw (the text at the comment's commit, or
// the current text when the comment is not committed yet) is a problem of the comment,
// as a wrong reply_to is: an error in a check, a warning in a build.
func paragraphMoves(dir string, fromGit bool, s *site.Site, md *markdown.Renderer, limit int64) {
	current := map[*site.Item][]markdown.Paragraph{}
	byCommit := map[string][]*site.Feedback{}
	for _, f := range s.Feedback {
		it := f.On
		if f.Paragraph == "" || it == nil || it.Namespace != "" || !anchored(it.Section) {
			continue
		}
		cur, ok := current[it]
		if !ok {
			cur = md.Paragraphs([]byte(it.Text()))
			current[it] = cur
		}
		if indexOfAnchor(cur, f.Paragraph) >= 0 || !site.ParagraphRE.MatchString(f.Paragraph) {
			continue
		}
		if fromGit && f.Origin == nil {
			// Not committed yet: its author sees the text as it is now.
			unknownParagraph(f, "")
			continue
		}
		if !fromGit || f.Origin.Commit == "" || it.File == "" {
			continue
		}
		byCommit[f.Origin.Commit] = append(byCommit[f.Origin.Commit], f)
	}
	commits := make([]string, 0, len(byCommit))
	for c := range byCommit {
		commits = append(commits, c)
	}
	sort.Strings(commits)
	for _, c := range commits {
		snap, _, err := history.Snapshot(history.Options{Dir: dir}, c)
		if err != nil {
			continue // a commit the history no longer has: the paragraph is just gone
		}
		for _, f := range byCommit[c] {
			data, err := readLimit(snap, f.On.File, limit)
			if err != nil {
				continue // the item's file had another name then
			}
			var errs diag.List
			doc := meta.Split(f.On.File, data, &errs)
			old := md.Paragraphs(doc.Body)
			i := indexOfAnchor(old, f.Paragraph)
			if i < 0 {
				unknownParagraph(f, c)
				continue
			}
			f.Moved = &site.ParagraphMove{Old: old[i].Text, To: likeParagraph(old, i, current[f.On])}
		}
		if cl, ok := snap.(io.Closer); ok {
			cl.Close()
		}
	}
}

// unknownParagraph makes it a problem of f that its paragraph is not in the text of its
// item as its author saw it: now (commit ""), or at the commit that brought it.
func unknownParagraph(f *site.Feedback, commit string) {
	at, ok := f.At["paragraph"]
	if !ok {
		at = diag.Pos{File: f.File, Line: 1, Col: 1}
	}
	when := "now"
	if commit != "" {
		when = "at commit " + commit[:min(10, len(commit))] + ", which brought this comment"
	}
	f.Problems.Add(at, "paragraph %q is not a paragraph of the text of %s (%s): copy the anchor from the ¶ link beside the paragraph on the item's page", f.Paragraph, f.ItemKey, when)
	if f.Reason == "" {
		f.Reason, f.Detail = site.ReasonMalformed, f.Problems[len(f.Problems)-1].Msg
	}
}

// readLimit reads name from fsys, at most limit bytes.
func readLimit(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if r, ok := fsys.(interface {
		ReadFileLimit(string, int64) ([]byte, error)
	}); ok {
		return r.ReadFileLimit(name, limit)
	}
	return fs.ReadFile(fsys, name)
}

// anchored tells whether the paragraphs of the items of a section are commented: plan
// items and proposals (as the item pages anchor them).
func anchored(sec site.Section) bool {
	switch sec {
	case site.Goals, site.Objectives, site.Results, site.Actions, site.Proposals:
		return true
	}
	return false
}

// commentsParagraphs tells whether a comment of the item is anchored to a paragraph.
func commentsParagraphs(it *site.Item) bool {
	for _, f := range it.Feedback {
		if f.Paragraph != "" {
			return true
		}
	}
	return false
}

func indexOfAnchor(ps []markdown.Paragraph, id string) int {
	for i, p := range ps {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// likeParagraph is the anchor of the paragraph of cur that old[i] became: among the
// paragraphs of cur that were not in old (new or edited ones), the one whose words are
// most like old[i]'s (Dice coefficient of the sets of lower-case words), at least
// minLikeness; a tie goes to the one nearest position i, then to the first. "" when none
// is alike enough: the paragraph was removed.
func likeParagraph(old []markdown.Paragraph, i int, cur []markdown.Paragraph) string {
	was := make(map[string]bool, len(old))
	for _, p := range old {
		was[p.ID] = true
	}
	words := wordSet(old[i].Text)
	best, bestScore, bestDist := "", 0.0, 0
	for j, p := range cur {
		if was[p.ID] {
			continue
		}
		score := dice(words, wordSet(p.Text))
		dist := max(j-i, i-j)
		if score < minLikeness {
			continue
		}
		if best == "" || score > bestScore || score == bestScore && dist < bestDist {
			best, bestScore, bestDist = p.ID, score, dist
		}
	}
	return best
}

// wordSet is the set of the lower-case words of t.
func wordSet(t string) map[string]bool {
	set := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		set[w] = true
	}
	return set
}

// dice is the Dice coefficient of two sets: twice what they share over their sizes.
func dice(a, b map[string]bool) float64 {
	if len(a)+len(b) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return 2 * float64(n) / float64(len(a)+len(b))
}
