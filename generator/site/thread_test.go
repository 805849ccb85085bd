package site

import (
	"strconv"
	"strings"
	"testing"
)

// threadSite is a site with one proposal and n feedback files f0…f(n-1) (of the body
// b), where reply[i] is the reply_to of fi as written.
func threadSite(reply []string) *Site {
	s := &Site{Items: map[string]*Item{}, ByBody: map[string]*Body{"b": {}}}
	p := &Item{ID: "p", Section: Proposals, Dir: "content/proposals/p"}
	s.Items[p.Key()] = p
	for i, r := range reply {
		s.Feedback = append(s.Feedback, &Feedback{Voter: "b", Slug: "f" + strconv.Itoa(i), ItemKey: p.Key(), ReplyTo: r,
			File: "content/proposals/p/feedback/b-f" + strconv.Itoa(i) + ".md"})
	}
	return s
}

func TestALongChainOfRepliesResolvesInLinearTimeWithoutCycles(t *testing.T) {
	const n = 20000
	reply := make([]string, n)
	for i := 1; i < n; i++ {
		reply[i] = "b-f" + strconv.Itoa(i-1)
	}
	s := threadSite(reply)
	s.resolveThreads()
	s.deriveThreads()
	if d := s.Feedback[n-1].ThreadDepth(); d != n-1 {
		t.Errorf("depth %d, want %d", d, n-1)
	}
	for _, f := range s.Feedback {
		if len(f.Problems) > 0 {
			t.Fatalf("%s: %v", f.ID(), f.Problems)
		}
	}
}

// FuzzReplyTo resolves arbitrary reply_to graphs and names: it must not panic, every
// thread must be a tree (no feedback is its own ancestor), every reply must be listed
// once under its parent, and a reply_to that is not honoured must be a problem of its file.
func FuzzReplyTo(f *testing.F) {
	f.Add("1 0 b-f1\nb-f0\n../b-f0.md\nb-f9\n")
	f.Add("b-f1\nb-f0\n")
	f.Add("b-f0\n")
	f.Fuzz(func(t *testing.T, spec string) {
		lines := strings.Split(spec, "\n")
		if len(lines) > 64 {
			lines = lines[:64]
		}
		s := threadSite(lines)
		s.resolveThreads()
		s.deriveThreads()
		children := 0
		for _, fb := range s.Feedback {
			seen := map[*Feedback]bool{fb: true}
			for p := fb.Parent; p != nil; p = p.Parent {
				if seen[p] {
					t.Fatalf("%s is in a cycle of parents", fb.ID())
				}
				seen[p] = true
			}
			if fb.ReplyTo != "" && fb.Parent == nil && len(fb.Problems) == 0 {
				t.Fatalf("%s: reply_to %q ignored without a problem", fb.ID(), fb.ReplyTo)
			}
			if fb.Parent != nil && fb.Parent.ID() != fb.ReplyTo {
				t.Fatalf("%s: parent %s, reply_to %q", fb.ID(), fb.Parent.ID(), fb.ReplyTo)
			}
			children += len(fb.Replies)
			for _, p := range fb.Problems {
				if p.Pos.File != fb.File {
					t.Fatalf("problem of %s at %s", fb.ID(), p.Pos.File)
				}
			}
		}
		parents := 0
		for _, fb := range s.Feedback {
			if fb.Parent != nil {
				parents++
			}
		}
		if parents != children {
			t.Fatalf("%d replies have a parent, %d are listed under one", parents, children)
		}
	})
}
