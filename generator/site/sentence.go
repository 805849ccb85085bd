package site

import (
	"fmt"
	"time"

	"github.com/pspm-dev/pspm/generator/diag"
)

// Moment is a moment in a Sentence, written with its time of day: RFC 3339 in English.
type Moment time.Time

// Day is a day in a Sentence: YYYY-MM-DD in English.
type Day time.Time

// Word is a word in a Sentence that pages translate by Key (amendment.status.accepted);
// English is how the English sentence says it.
type Word struct{ Key, English string }

// Technical is a part of a Sentence that stays as it is in every language: a parser's or
// a library's message (a YAML syntax error, why a signature does not verify). Pages mark
// it as English.
type Technical string

// Say makes a Sentence: format and args write it in English, for the open data; key and
// the parameters let pages write it in their language (verdict.<key> in the language
// files, with the parameters in the same order).
func Say(key, format string, args ...any) Sentence {
	s := Sentence{Key: key}
	english := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case Moment:
			t := time.Time(a)
			english[i] = t.UTC().Format(time.RFC3339)
			s.Params = append(s.Params, Param{Time: t, Clock: true})
		case Day:
			t := time.Time(a)
			english[i] = t.Format(time.DateOnly)
			s.Params = append(s.Params, Param{Time: t})
		case Word:
			english[i] = a.English
			s.Params = append(s.Params, Param{Label: a.Key, Text: a.English})
		case Technical:
			english[i] = string(a)
			s.Params = append(s.Params, Param{Text: string(a), Technical: true})
		default:
			english[i] = fmt.Sprint(a)
			s.Params = append(s.Params, Param{Text: fmt.Sprint(a)})
		}
	}
	s.English = fmt.Sprintf(format, english...)
	return s
}

// ProblemSentence is the sentence of a problem message pspm's loader wrote (a YAML syntax
// error, a field of the wrong type, a misnamed file): its English is the message, and
// pages lead it with a sentence of their language (verdict.problem), the message itself
// kept technical.
func ProblemSentence(msg string) Sentence {
	return Sentence{Key: "problem", Params: []Param{{Text: msg, Technical: true}}, English: msg}
}

// said remembers the sentence of each problem Resolve writes, by its message, so that a
// verdict whose Detail is that message has it as a Sentence too.
type said map[string]Sentence

// add reports the problem s at at in l, and remembers its sentence.
func (m said) add(l *diag.List, at diag.Pos, s Sentence) {
	l.Add(at, "%s", s.English)
	m[s.English] = s
}

// of is the sentences of a verdict whose Detail is the problem message msg: the one said
// with msg, or msg as a loader's technical message.
func (m said) of(msg string) []Sentence {
	if msg == "" {
		return nil
	}
	if s, ok := m[msg]; ok {
		return []Sentence{s}
	}
	return []Sentence{ProblemSentence(msg)}
}
