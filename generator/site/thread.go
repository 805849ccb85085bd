package site

import (
	"regexp"
	"strings"

	"github.com/pspm-dev/pspm/generator/diag"
)

// ParagraphRE is the form of a paragraph anchor: "p-", eight hexadecimal digits of the
// hash of the paragraph's text, and "-2", "-3"… for the second and later paragraphs
// with the same text.
var ParagraphRE = regexp.MustCompile(`^p-[0-9a-f]{8}(-[1-9][0-9]{0,4})?$`)

// resolveThreads links every reply (reply_to) to the feedback it answers and checks
// paragraph anchors' form. A reply_to that names no feedback of the same item, the
// feedback itself, or that closes a cycle is a problem of the reply (which then does not
// count, and is shown as a comment on the item): a reply answers an earlier comment of
// the same item.
func (s *Site) resolveThreads() {
	byItem := map[string]map[string]*Feedback{} // item key -> feedback id -> feedback
	itemOf := map[string][]string{}             // feedback id -> the items that have one with that id
	for _, f := range s.Feedback {
		m := byItem[f.ItemKey]
		if m == nil {
			m = map[string]*Feedback{}
			byItem[f.ItemKey] = m
		}
		m[f.ID()] = f
		itemOf[f.ID()] = append(itemOf[f.ID()], f.ItemKey)
	}
	problem := func(f *Feedback, key, format string, args ...any) {
		at, ok := f.At[key]
		if !ok {
			at = diag.Pos{File: f.File, Line: 1, Col: 1}
		}
		f.Problems.Add(at, format, args...)
		if f.Reason == "" {
			f.Reason, f.Detail = ReasonMalformed, f.Problems[len(f.Problems)-1].Msg
		}
	}
	for _, f := range s.Feedback {
		if f.Paragraph != "" && !ParagraphRE.MatchString(f.Paragraph) {
			problem(f, "paragraph", "paragraph %q is not a paragraph anchor (want p- and 8 hexadecimal digits, e.g. p-1a2b3c4d, as the link beside the paragraph on the item's page gives it)", f.Paragraph)
		}
		if f.ReplyTo == "" {
			continue
		}
		target := f.ReplyTo
		if strings.ContainsAny(target, "/\\") || strings.HasSuffix(target, ".md") {
			base := strings.TrimSuffix(target[strings.LastIndexAny(target, "/\\")+1:], ".md")
			problem(f, "reply_to", "reply_to %q: write the file name of a feedback of the same item without folder and .md, such as %q", target, base)
			continue
		}
		same := byItem[f.ItemKey]
		switch p := same[target]; {
		case p == f:
			problem(f, "reply_to", "reply_to %q names this feedback itself: a reply answers another comment of the same item", target)
		case p != nil:
			f.Parent = p
		default:
			if others := itemOf[target]; len(others) > 0 {
				problem(f, "reply_to", "reply_to %q is a feedback of %s, not of %s: a reply answers a comment of the same item (move the reply into %s/feedback)", target, others[0], f.ItemKey, strings.TrimSuffix(s.feedbackDir(others[0]), "/"))
				continue
			}
			problem(f, "reply_to", "reply_to %q: no feedback of that name on %s (want the file name of one of its feedback files, without .md)%s", target, f.ItemKey, didYouMean(target, keys(same)))
		}
	}
	s.breakCycles()
}

// feedbackDir is the folder of the feedback files of the item key, or the key when the
// item is unknown.
func (s *Site) feedbackDir(key string) string {
	if it := s.Items[key]; it != nil && it.Dir != "" {
		return it.Dir
	}
	return "content/" + key
}

// breakCycles finds the replies whose reply_to chain comes back to them (a → b → a),
// reports each as a problem and leaves them without a parent, so that every thread is a
// tree. It walks each chain once: linear in the number of feedback files.
func (s *Site) breakCycles() {
	const (
		unseen = iota
		walking
		done
	)
	state := make(map[*Feedback]int, len(s.Feedback))
	for _, start := range s.Feedback {
		var path []*Feedback
		f := start
		for f != nil && state[f] == unseen {
			state[f] = walking
			path = append(path, f)
			f = f.Parent
		}
		if f != nil && state[f] == walking {
			// f is on path: the chain from f back to f is a cycle.
			i := len(path) - 1
			for path[i] != f {
				i--
			}
			cycle := path[i:]
			// Name the cycle from its first file name, whatever file the walk met first.
			first := 0
			for k, c := range cycle {
				if c.ID() < cycle[first].ID() {
					first = k
				}
			}
			cycle = append(append([]*Feedback{}, cycle[first:]...), cycle[:first]...)
			f = cycle[0]
			names := make([]string, 0, len(cycle)+1)
			for _, c := range cycle {
				names = append(names, c.ID())
			}
			names = append(names, f.ID())
			chain := strings.Join(names, " → ")
			for _, c := range cycle {
				c.Parent = nil
				at, ok := c.At["reply_to"]
				if !ok {
					at = diag.Pos{File: c.File, Line: 1, Col: 1}
				}
				c.Problems.Add(at, "reply_to makes a cycle (%s): a reply answers an earlier comment; remove reply_to from the one that started the conversation", chain)
				if c.Reason == "" {
					c.Reason, c.Detail = ReasonMalformed, c.Problems[len(c.Problems)-1].Msg
				}
			}
		}
		for _, p := range path {
			state[p] = done
		}
	}
}

// deriveThreads lists each feedback's replies, in the order of s.Feedback (by date,
// then file).
func (s *Site) deriveThreads() {
	for _, f := range s.Feedback {
		f.Replies = nil
	}
	for _, f := range s.Feedback {
		if f.Parent != nil {
			f.Parent.Replies = append(f.Parent.Replies, f)
		}
	}
}

// ThreadDepth is how deep f sits in its thread: 0 for a comment on the item, 1 for a
// reply to it, and so on.
func (f *Feedback) ThreadDepth() int {
	d := 0
	for p := f.Parent; p != nil; p = p.Parent { // Resolve broke every cycle
		d++
	}
	return d
}
