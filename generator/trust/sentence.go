package trust

import (
	"fmt"
	"strings"
	"time"

	"github.com/pspm-dev/pspm/generator/site"
)

// moment is a moment of a sentence, written with its time of day: RFC 3339 in English.
type moment time.Time

// day is a day of a sentence: YYYY-MM-DD in English.
type day time.Time

// label is a word of a sentence that pages translate by key (amendment.status.accepted);
// english is how the English sentence says it.
type label struct{ key, english string }

// say makes a sentence of a verdict: format and args write it in English, for the open
// data; key and the parameters let pages write it in their language
// (verdict.<key> in the language files, with the parameters in the same order).
func say(key, format string, args ...any) site.Sentence {
	s := site.Sentence{Key: key}
	english := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case moment:
			t := time.Time(a)
			english[i] = t.UTC().Format(time.RFC3339)
			s.Params = append(s.Params, site.Param{Time: t, Clock: true})
		case day:
			t := time.Time(a)
			english[i] = t.Format(time.DateOnly)
			s.Params = append(s.Params, site.Param{Time: t})
		case label:
			english[i] = a.english
			s.Params = append(s.Params, site.Param{Label: a.key, Text: a.english})
		default:
			english[i] = fmt.Sprint(a)
			s.Params = append(s.Params, site.Param{Text: fmt.Sprint(a)})
		}
	}
	s.English = fmt.Sprintf(format, english...)
	return s
}

// verdictOf is the verdict of a contribution that does not count, for reason, said by
// the sentences (joined with "; " in Detail).
func verdictOf(reason string, ss ...site.Sentence) site.Verdict {
	v := site.Verdict{Reason: reason, Verification: site.VerifiedNone}
	v.Detail, v.Sentences = joinSentences(ss)
	return v
}

// joinSentences is Detail for the non-empty sentences of ss, and those sentences.
func joinSentences(ss []site.Sentence) (string, []site.Sentence) {
	var out []site.Sentence
	detail := ""
	for _, s := range ss {
		if s.English == "" {
			continue
		}
		if detail != "" {
			detail += "; "
		}
		detail += s.English
		out = append(out, s)
	}
	return detail, out
}

// notCountedSaid is notCounted with a translatable sentence: key names it in the
// language files.
func notCountedSaid(reason, key, format string, args ...any) site.Verdict {
	return verdictOf(reason, say(key, format, args...))
}

// opensLabel writes what phases open ("votes", "priorities", "feedback") joined by sep,
// for a sentence: pages translate it word by word (verdict.opens.<what>).
func opensLabel(what []string, sep string) label {
	conj := "or"
	if sep == " and " {
		conj = "and"
	}
	return label{"verdict.opens." + conj + ":" + strings.Join(what, ","), strings.Join(what, sep)}
}
