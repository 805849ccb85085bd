package history

import "strings"

// MergeRequest returns the merge request a commit message says the commit landed, as
// the forge names it, or "" when it names none. It reads the messages forges write on
// the merge commits they make:
//
//   - GitHub: "Merge pull request #12 from owner/branch" gives "#12";
//   - Gitea and Forgejo: "Merge pull request 'Title' (#5) from branch into main" gives "#5";
//   - GitLab: a line "See merge request group/project!34" gives "group/project!34".
//
// The message is free text: it is what the landing commit says, which the forge (or
// the maintainer who merged) wrote, not a proof. Squash and rebase merges and
// fast-forwards leave no such message, and give "".
func MergeRequest(message string) string {
	first, rest, _ := strings.Cut(message, "\n")
	first = strings.TrimRight(first, "\r")
	if s, ok := strings.CutPrefix(first, "Merge pull request #"); ok {
		if n := digits(s); n != "" && strings.HasPrefix(s[len(n):], " from ") {
			return "#" + n
		}
	}
	if s, ok := strings.CutPrefix(first, "Merge pull request '"); ok {
		// The title may hold anything, quotes and "(#n)" included: the number is the last
		// "' (#n)" before " from ".
		if i := strings.LastIndex(s, "' (#"); i >= 0 {
			tail := s[i+len("' (#"):]
			if n := digits(tail); n != "" && strings.HasPrefix(tail[len(n):], ")") {
				return "#" + n
			}
		}
	}
	for line := range strings.SplitSeq(rest, "\n") {
		line = strings.TrimSpace(line)
		s, ok := strings.CutPrefix(line, "See merge request ")
		if !ok {
			continue
		}
		project, n, ok := strings.Cut(s, "!")
		if ok && gitlabPath(project) && digits(n) == n && n != "" {
			return project + "!" + n
		}
	}
	return ""
}

// digits returns the leading decimal digits of s, at most 9, or "" when s does not
// start with one or the number is longer.
func digits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i > 9 || (i < len(s) && s[i] >= '0' && s[i] <= '9') {
		return ""
	}
	return s[:i]
}

// gitlabPath tells whether s can be a GitLab project's full path: segments of
// letters, digits, '-', '_' and '.', joined by '/'.
func gitlabPath(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for seg := range strings.SplitSeq(s, "/") {
		if seg == "" {
			return false
		}
		for i := 0; i < len(seg); i++ {
			c := seg[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				return false
			}
		}
	}
	return true
}

// MergeRequests returns, by commit hash, the merge request each commit of h.Commits
// landed, for those whose message names one (see MergeRequest). Provenance.LandedCommit
// and Change.LandedCommit are such commits.
func (h *History) MergeRequests() map[string]string {
	out := map[string]string{}
	for _, c := range h.Commits {
		if mr := MergeRequest(c.Message); mr != "" {
			out[c.Hash] = mr
		}
	}
	return out
}
