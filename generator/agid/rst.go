package agid

import (
	"regexp"
	"strings"
)

// block is a title or a paragraph of a reStructuredText file, its lines joined: what the
// parser recognises objectives, results, targets and lines of action in. Nesting is kept
// only as the indent of the text, which is all the plan's files need.
type block struct {
	text   string
	line   int // 1-based, of its first line
	indent int // the column of its text
	bullet bool
	title  bool
}

// blocks splits an RST file into titles and paragraphs (a bullet item's first paragraph
// is one block). Directives and comments (.. toctree::, .. list-table::, .. image::) are
// skipped with their indented content: AgID's appendices repeat lines of action in
// tables, and the chapters are the reference.
func blocks(s string) []block {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.ReplaceAll(s, "\t", "    ")
	lines := strings.Split(s, "\n")
	var out []block
	var cur *block
	var parts []string
	flush := func() {
		if cur != nil {
			cur.text = strings.Join(parts, " ")
			out = append(out, *cur)
			cur, parts = nil, nil
		}
	}
	skip := -1 // inside a directive or comment at this indent
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		t := strings.TrimSpace(l)
		ind := indentOf(l)
		if skip >= 0 {
			if t == "" || ind > skip {
				continue
			}
			skip = -1
		}
		switch {
		case t == "":
			flush()
			continue
		case strings.HasPrefix(t, "..") && (t == ".." || t[2] == ' '):
			flush()
			skip = ind
			continue
		case ind == 0 && adornment(t):
			flush() // an overline, a transition, or an underline already read
			continue
		case ind == 0 && i+1 < len(lines) && indentOf(lines[i+1]) == 0 && adornment(strings.TrimSpace(lines[i+1])):
			flush()
			out = append(out, block{text: t, line: i + 1, title: true})
			i++
			continue
		}
		if n := bulletLen(t); n > 0 && (cur == nil || t[0] == '|' || (cur.bullet && ind < cur.indent)) {
			// Without a blank line before it, a "- " at the text's indent continues the
			// text (AgID wraps "… Consip\n   - (Consip) - CAP1.LA06").
			flush()
			rest := strings.TrimSpace(t[n:])
			cur = &block{line: i + 1, indent: ind + n + (len(t[n:]) - len(strings.TrimLeft(t[n:], " "))), bullet: true}
			if strings.HasPrefix(rest, "| ") {
				rest = strings.TrimSpace(rest[2:])
			}
			parts = []string{rest}
			continue
		}
		if cur == nil {
			cur = &block{line: i + 1, indent: ind}
		}
		parts = append(parts, t)
	}
	flush()
	return out
}

// bulletLen is the length of the bullet or enumerator that starts t ("-", "*", "1.",
// "#.", or "|" of a line block), or 0.
func bulletLen(t string) int {
	if len(t) >= 2 && strings.ContainsRune("-*+|", rune(t[0])) && t[1] == ' ' {
		return 1
	}
	if strings.HasPrefix(t, "• ") {
		return len("•")
	}
	if strings.HasPrefix(t, "#. ") {
		return 2
	}
	n := digits(t)
	if n > 0 && n <= 3 && len(t) > n+1 && (t[n] == '.' || t[n] == ')') && t[n+1] == ' ' {
		return n + 1
	}
	return 0
}

func indentOf(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

// adornment reports whether t is a section adornment: one punctuation character
// repeated, at least twice.
func adornment(t string) bool {
	if len(t) < 2 || !strings.ContainsRune(`!"#$%&'()*+,-./:;<=>?@[\]^_{|}~`+"`", rune(t[0])) {
		return false
	}
	return strings.Count(t, t[:1]) == len(t)
}

// plain turns RST inline markup into plain text: **strong**, *emphasis*, “literal“,
// `text <url>`__ links (their text), :role:`x`, backslash escapes.
func plain(s string) string {
	s = roleRE.ReplaceAllString(s, "`")
	s = linkRE.ReplaceAllStringFunc(s, func(m string) string {
		sm := linkRE.FindStringSubmatch(m)
		if t := strings.TrimSpace(sm[1]); t != "" {
			return t
		}
		return sm[2]
	})
	s = refRE.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, `\*`, "\x00")
	s = strings.ReplaceAll(s, "*", "")
	s = strings.ReplaceAll(s, "``", "")
	s = strings.ReplaceAll(s, `\ `, "")
	s = escRE.ReplaceAllString(s, "$1")
	s = strings.ReplaceAll(s, "\x00", "*")
	return strings.TrimSpace(spaceRE.ReplaceAllString(s, " "))
}

var (
	roleRE  = regexp.MustCompile(":[a-z][a-z:-]{0,30}:`")
	linkRE  = regexp.MustCompile("`([^`<]*?)\\s*<([^<>`]*)>`_{1,2}")
	refRE   = regexp.MustCompile("`([^`]*)`_{0,2}")
	escRE   = regexp.MustCompile(`\\(.)`)
	spaceRE = regexp.MustCompile(`[\s\x{00a0}]+`)

	chapterRE    = regexp.MustCompile(`(?i)^capitolo\s+(\d{1,2})\b\s*[.:\-–—]?\s*(.*)$`)
	objectiveRE  = regexp.MustCompile(`^(?:OB\.?\s?(\d{1,3})\.(\d{1,4})|(?i:obiettivo)\s+(\d{1,3})\.(\d{1,4}))\s*(?:[-–—:.]\s*(.*))?$`)
	resultRE     = regexp.MustCompile(`^(R\.?\s?A\.?\s?\d{1,3}\.\d{1,4}(?:\.\d{1,4}|[a-z])?)\s*(?:[-–—:]\s*(.*))?$`)
	actionCodeRE = regexp.MustCompile(`(?i)(?:^|[\s(\-–—])(CAP\d{1,2}\.(?:PA\.)?(?:LA)?\d{1,3})\s*[.;]?$`)
	targetRE     = regexp.MustCompile(`(?i)^(target|baseline|monitoraggio)\b([^-–—:]{0,60}?)\s*(?:[-–—:]\s*(.*))?$`)
	deadlineRE   = regexp.MustCompile(`(?i)^((?:(?:da|dal|dalla|entro|entro il|a partire da|fino a|fino al|nel|nel corso del)\s+)?(?:(?:il\s+)?\d{1,2}\s+)?(?:(?:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|q[1-4]|[1-4]°?\s*(?:trimestre|semestre))\s+)?(?:19|20)\d\d(?:\s*\([^()]{0,40}\))*(?:\s*\*+)?)\s*[-–—:]\s*(.*)$`)
	yearRE       = regexp.MustCompile(`\b(?:19|20)\d\d\b`)
	ownerSepRE   = regexp.MustCompile(`\s*(?:[,;]|\s-\s)\s*`)
	ownerAndRE   = regexp.MustCompile(`\s+e\s+`)
)

// splitOwners splits "AGID e Dipartimento per la Trasformazione Digitale" or "AgID - ANAC
// - DTD" into names, keeping "Ministero dell'Economia e delle Finanze" whole.
func splitOwners(s string) []string {
	var out []string
	for _, part := range ownerSepRE.Split(s, -1) {
		idx := ownerAndRE.FindAllStringIndex(part, -1)
		start := 0
		for _, m := range idx {
			next := strings.ToLower(part[m[1]:])
			if strings.HasPrefix(next, "de") || strings.HasPrefix(next, "per ") {
				continue // "Economia e delle Finanze", "… e per …"
			}
			out = append(out, part[start:m[0]])
			start = m[1]
		}
		out = append(out, part[start:])
	}
	return out
}
