package site

import (
	"strings"

	"github.com/pspm-dev/pspm/generator/diag"
	"golang.org/x/text/language"
)

// CheckLanguages reads the lang: of every feedback, proposal, practice and amendment: a
// language tag (BCP 47) that cannot be parsed is an error at its key; a language that is
// not one of the portal's (langs, from pspm.yaml) sets the contribution's Foreign. Such a
// contribution is kept and shown, flagged as written in a language the portal does not
// publish, and left out of the analysers of the portal's languages.
func (s *Site) CheckLanguages(langs []string) diag.List {
	var errs diag.List
	check := func(lang string, at diag.Pos) string {
		lang = strings.TrimSpace(lang)
		if lang == "" {
			return ""
		}
		tag, err := language.Parse(lang)
		if err != nil {
			errs.Add(at, "lang %q is not a language tag (BCP 47, e.g. it, en, de, fr, es, uk, ar)", lang)
			return ""
		}
		base, _ := tag.Base()
		for _, l := range langs {
			if b, _ := language.Make(l).Base(); b == base {
				return ""
			}
		}
		return tag.String()
	}
	pos := func(at map[string]diag.Pos, file string) diag.Pos {
		if p, ok := at["lang"]; ok {
			return p
		}
		return diag.Pos{File: file, Line: 1, Col: 1}
	}
	for _, f := range s.Feedback {
		f.Foreign = check(f.Lang, pos(f.At, f.File))
	}
	for _, a := range s.Amendments {
		a.Foreign = check(a.Lang, pos(a.At, a.File))
	}
	for _, p := range s.Proposals {
		p.Foreign = check(p.Lang, p.at("lang"))
	}
	for _, p := range s.Practices {
		p.Foreign = check(p.Lang, p.at("lang"))
	}
	return errs
}
