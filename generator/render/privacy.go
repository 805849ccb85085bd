package render

import (
	"regexp"
	"strings"
	"sync"
)

// What the portal publishes of people. A member is shown by the name and role their
// body declares (site.Member.Shown) and by how their contribution was verified; their
// e-mail address never reaches a page or a feed, and reaches the datasets only with
// open_data.personal. Sentences written for the maintainers (why a vote does not count,
// who made a tag) may quote a commit's author as Git records it, "Name <address>": they
// go through withoutEmails before they are published.

// address matches an e-mail address, with the angle brackets Git writes around it.
var address = regexp.MustCompile(`\s*<[^<>\s]*@[^<>\s]*>|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*`)

// withoutEmails drops every e-mail address from text: "Name <a@b.it>" becomes "Name",
// and an address alone becomes "[e-mail]".
func withoutEmails(text string) string {
	if !strings.Contains(text, "@") {
		return text
	}
	// Each pass removes at least one '@', and a removal may join what is left into a
	// new address ("<<@>@>"): repeat until a pass changes nothing, or no '@' is left
	// (one pass, most often: the open data of votes run every verdict through here).
	for {
		out := dropAddresses(text)
		if out == text || !strings.Contains(out, "@") {
			return out
		}
		text = out
	}
}

// dropAddresses is one pass of address over text, on the words that hold an '@' only.
// Neither of address's forms holds a blank (\s: space, tab, newline, form feed,
// carriage return), and only the first may begin with blanks: every match is within one
// word with the blanks before it, so matching each such stretch apart finds what one
// match over the whole text finds, without the regexp trying every position of a long
// sentence (a vote's verdict quotes its commit's author; at 100,000 votes that was a
// tenth of a build).
func dropAddresses(text string) string {
	var b strings.Builder
	last, from := 0, 0
	for {
		at := strings.IndexByte(text[from:], '@')
		if at < 0 {
			break
		}
		at += from
		start := at
		for start > from && !blank(text[start-1]) {
			start--
		}
		for start > from && blank(text[start-1]) {
			start--
		}
		end := at
		for end < len(text) && !blank(text[end]) {
			end++
		}
		b.WriteString(text[last:start])
		b.WriteString(address.ReplaceAllStringFunc(text[start:end], func(m string) string {
			if strings.HasSuffix(m, ">") {
				return ""
			}
			return "[e-mail]"
		}))
		last, from = end, end
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// blank is what \s matches in a regexp.
func blank(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// personal is what a dataset publishes of a personal value (an e-mail address, a
// sentence that may quote one): the value with open_data.personal, else nothing of it.
func (r *renderer) personal(value string) string {
	if r.Config.OpenData.Personal {
		return value
	}
	return ""
}

// prose is a sentence a dataset publishes: as written with open_data.personal, else
// without e-mail addresses.
func (r *renderer) prose(text string) string {
	if r.Config.OpenData.Personal || !strings.Contains(text, "@") {
		return text
	}
	return r.proseMemo.of(text)
}

// proseMemo keeps the sentences prose cleaned, by what they were: the verdicts of the
// votes that landed through the same commit say the same sentence, which quotes the
// commit's author (100,000 votes, 221 sentences on the synthetic site: cleaning each
// vote's was most of its row in votes.json and votes.csv). It keeps at most
// proseMemoSize sentences, and starts again when full.
type proseMemo struct {
	mu sync.Mutex
	m  map[string]string
}

const proseMemoSize = 4096

func (p *proseMemo) of(text string) string {
	p.mu.Lock()
	out, ok := p.m[text]
	p.mu.Unlock()
	if ok {
		return out
	}
	out = withoutEmails(text)
	p.mu.Lock()
	if p.m == nil || len(p.m) >= proseMemoSize {
		p.m = make(map[string]string)
	}
	p.m[text] = out
	p.mu.Unlock()
	return out
}
