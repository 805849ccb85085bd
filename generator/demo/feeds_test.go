package demo

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// atom is what a reader needs of an Atom feed (RFC 4287): the elements it requires.
type atom struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string   `xml:"id"`
	Title   string   `xml:"title"`
	Updated string   `xml:"updated"`
	Links   []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Updated string `xml:"updated"`
		Author  string `xml:"author>name"`
		Content string `xml:"content"`
	} `xml:"entry"`
}

// readAtom parses a feed strictly and checks what RFC 4287 requires of it: an id, a
// title and an updated date on the feed and on every entry, ids unique, dates in RFC
// 3339, entries newest first, no more than 50.
func readAtom(t *testing.T, name string, data []byte) atom {
	t.Helper()
	var f atom
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(&f); err != nil {
		t.Fatalf("%s is not well-formed Atom: %v", name, err)
	}
	if f.ID == "" || f.Title == "" || f.Updated == "" {
		t.Errorf("%s: feed id %q, title %q, updated %q; want all three", name, f.ID, f.Title, f.Updated)
	}
	self := false
	for _, l := range f.Links {
		self = self || l.Rel == "self" && l.Href != ""
	}
	if !self {
		t.Errorf("%s has no rel=self link", name)
	}
	if len(f.Entries) > 50 {
		t.Errorf("%s has %d entries; want at most 50", name, len(f.Entries))
	}
	seen := map[string]bool{}
	var prev time.Time
	for i, e := range f.Entries {
		if e.ID == "" || e.Title == "" || e.Author == "" && e.Updated == "" {
			t.Errorf("%s: entry %d lacks its id, title or author: %+v", name, i, e)
		}
		if seen[e.ID] {
			t.Errorf("%s: entry id %s twice", name, e.ID)
		}
		seen[e.ID] = true
		at, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil {
			t.Errorf("%s: entry %s updated %q: %v", name, e.ID, e.Updated, err)
		}
		if i > 0 && at.After(prev) {
			t.Errorf("%s: entry %s (%s) after an older one: want newest first", name, e.ID, e.Updated)
		}
		prev = at
	}
	return f
}

func TestEveryItemHasAnAtomFeedOfItsChangesAnswersVotesCommentsAndProgress(t *testing.T) {
	files := buildDemo(t, nil)
	kinds := map[string]int{}
	has := map[string]bool{}
	for name, data := range files {
		dir, ok := strings.CutSuffix(name, "/index.xml")
		if !ok || strings.HasPrefix(name, "en/") {
			continue
		}
		page := string(files[dir+"/index.html"])
		var kind string
		for _, k := range []string{"proposals/", "practices/", "plan/goals/", "plan/objectives/", "plan/results/", "plan/actions/"} {
			if strings.HasPrefix(name, k) && strings.Count(dir, "/") == strings.Count(k, "/") {
				kind = k
			}
		}
		if kind == "" {
			continue
		}
		kinds[kind]++
		f := readAtom(t, name, data)
		feed := "/" + name
		if !strings.Contains(page, `<link rel="alternate" type="application/atom+xml" href="`+feed+`"`) ||
			!strings.Contains(page, `<a href="`+feed+`" type="application/atom+xml">Segui`) {
			t.Errorf("%s/index.html does not link its feed %s (in the head and visibly)", dir, feed)
		}
		for _, e := range f.Entries {
			switch {
			case strings.Contains(e.ID, "#vote-"):
				has[kind+"vote"] = true
				if strings.Contains(e.Content, "verificato: commit di ") {
					has["vote by a named member"] = true
				}
			case strings.Contains(e.ID, "#answer"):
				has[kind+"answer"] = true
			case strings.Contains(e.ID, "#change-"):
				has[kind+"change"] = true
			case strings.Contains(e.ID, "#progress-"):
				has[kind+"progress"] = true
			case strings.Contains(e.ID, "#amendment"):
				has[kind+"amendment"] = true
			case strings.Contains(e.ID, "#published"):
			default:
				if strings.Contains(e.Title, "commento di") {
					has[kind+"comment"] = true
				}
			}
		}
		if files["en/"+name] == nil {
			t.Errorf("%s has no English twin", name)
		}
	}
	for _, k := range []string{"proposals/", "practices/", "plan/goals/", "plan/objectives/", "plan/results/", "plan/actions/"} {
		if kinds[k] == 0 {
			t.Errorf("no item of %s has a feed", k)
		}
	}
	for _, want := range []string{"proposals/vote", "proposals/comment", "proposals/answer", "proposals/change",
		"plan/actions/vote", "plan/actions/progress", "plan/actions/change", "vote by a named member"} {
		if !has[want] {
			t.Errorf("no feed has an entry of kind %s (have %v)", want, has)
		}
	}
	amended := false
	for k := range has {
		amended = amended || strings.HasSuffix(k, "amendment")
	}
	if !amended {
		t.Errorf("no feed has an amendment's entry (have %v)", has)
	}
}
