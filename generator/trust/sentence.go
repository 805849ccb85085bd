package trust

import (
	"strings"

	"github.com/pspm-dev/pspm/generator/site"
)

// The parts of a sentence (site.Say): a moment with its time of day, a day, a word pages
// translate by key, a technical message kept as it is.
type (
	moment    = site.Moment
	day       = site.Day
	label     = site.Word
	technical = site.Technical
)

// say is site.Say: a sentence of a verdict (verdict.<key> in the language files).
func say(key, format string, args ...any) site.Sentence { return site.Say(key, format, args...) }

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
	return label{Key: "verdict.opens." + conj + ":" + strings.Join(what, ","), English: strings.Join(what, sep)}
}
