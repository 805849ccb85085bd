package demo

import (
	"maps"
	"slices"
	"strings"
	"time"
)

// amendment is one amendment of the story: its file as proposed (the proposing body's,
// never edited after), and MEF's answer in a file of its own.
type amendment struct {
	path     string
	body     string // the proposing body
	proposed time.Time
	data     []byte
	answered time.Time // when MEF accepted or rejected it; zero while open
	accept   bool
	answer   []byte            // MEF's answer.md; nil while open
	votes    map[string]string // voter -> reaction file
}

// answerPath is the file of MEF's answer to the amendment a.
func answerPath(a amendment) string { return strings.TrimSuffix(a.path, ".md") + "/answer.md" }

// The story's amendments, written in the format of content/plan/<kind>/<id>/amendments/.
const (
	acceptedAmendment = "content/plan/actions/design-system-servizi/amendments/c_h223-scadenza-riuso.md"
	rejectedAmendment = "content/plan/actions/soc-condiviso/amendments/r_lazio-soc-regionali.md"
	openAmendment     = "content/plan/actions/pagopa-comuni-piccoli/amendments/p_re-province.md"
)

// amendments returns the story's amendments; final is the embedded content, whose
// current texts the open amendment starts from.
func amendments(final map[string][]byte) []amendment {
	const acceptedFirst = `---
reason: >-
  Molti comuni riusano i componenti dei servizi del Ministero nei propri portali e ci
  segnalano i problemi che trovano nei test con i cittadini. Spostare la scadenza a
  marzo 2027 permette di includere nel rinnovo anche queste segnalazioni.
date: 2026-11-09
fields:
  - name: due
    value: 2027-03-31
---
`
	const acceptedAnswer = `---
state: accepted
date: 2026-11-20
body: m_ef
---
Accolto: la scadenza dell'azione è spostata al 31 marzo 2027 e le segnalazioni dei
comuni che riusano i componenti entrano nel piano dei test di usabilità.
`
	const rejectedFirst = `---
title: "Centro di monitoraggio della sicurezza condiviso con i SOC regionali"
reason: >-
  Le regioni gestiscono già centri di monitoraggio per i propri enti: collegare il
  centro del Ministero alla loro rete eviterebbe di duplicare sonde e analisti.
date: 2026-11-06
---
`
	const rejectedAnswer = `---
state: rejected
date: 2026-11-18
body: m_ef
---
Non accolto in questa revisione: il collegamento con i SOC regionali richiede prima
gli accordi sul trattamento dei dati di log. La proposta della Regione
Emilia-Romagna sulla rete dei SOC sarà valutata con la prossima versione del piano.
`
	_, body, _ := splitFront(final["content/plan/actions/pagopa-comuni-piccoli.md"])
	open := `---
reason: >-
  Le province accompagnano già i comuni piccoli nella gestione associata dei servizi:
  il testo dell'azione dovrebbe dire che il programma le coinvolge fin dall'inizio.
date: 2026-11-12
---
` + strings.TrimRight(body, "\n") + `

Le province partecipano al programma come punto di contatto dei comuni del proprio
territorio e ne raccolgono le richieste di configurazione.
`
	return []amendment{
		{path: acceptedAmendment, body: "c_h223", proposed: day(2026, 11, 9), data: []byte(acceptedFirst), answered: day(2026, 11, 20), accept: true, answer: []byte(acceptedAnswer)},
		{path: rejectedAmendment, body: "r_lazio", proposed: day(2026, 11, 6), data: []byte(rejectedFirst), answered: day(2026, 11, 18), answer: []byte(rejectedAnswer)},
		{path: openAmendment, body: "p_re", proposed: day(2026, 11, 12), data: []byte(open),
			votes: map[string]string{"c_h223": "vote: support\n", "c_a944": "vote: support\n", "agid": "vote: abstain\n"}},
	}
}

// file is a path and its contents.
type file struct {
	path string
	data []byte
}

// amendmentFiles are the files the amendments add to the final tree.
func amendmentFiles(final map[string][]byte) []file {
	var out []file
	for _, a := range amendments(final) {
		out = append(out, file{a.path, a.data})
		if a.answer != nil {
			out = append(out, file{answerPath(a), a.answer})
		}
		for voter, data := range a.votes {
			out = append(out, file{votePath(a, voter), []byte(data)})
		}
	}
	return out
}

func votePath(a amendment, voter string) string {
	return strings.TrimSuffix(a.path, ".md") + "/reactions/" + voter + ".yaml"
}

// tellAmendments tells each amendment's merge request, its votes, and MEF's answer in
// the amendment's answer.md, by MEF's maintainer: the accepted one in a merge request
// that also applies it to the item.
func (s *story) tellAmendments() error {
	for i, a := range amendments(s.final) {
		author := s.memberOf(a.body, a.path)
		slug := strings.TrimSuffix(a.path[strings.LastIndexByte(a.path, '/')+1:], ".md")
		s.mr(author, at(a.proposed, 10, 0), at(a.proposed, 17, 45), "emendamento-"+slug, "Emendamento di "+a.body+" a "+itemOf(a.path), map[string][]byte{a.path: a.data})
		n := 0
		for _, voter := range slices.Sorted(maps.Keys(a.votes)) {
			d := a.proposed.AddDate(0, 0, 4+n%2)
			n++
			s.mr(s.memberOf(voter, a.path), at(d, 9, 10*i), at(d, 16, 50), "voto-emendamento-"+voter, "Voto di "+voter+" sull'emendamento "+slug,
				map[string][]byte{votePath(a, voter): []byte(a.votes[voter])})
		}
		switch {
		case a.answered.IsZero():
		case a.accept:
			when := accepted
			s.add(step{at: when, by: merger, author: &maintainer, authored: at(when, 10, 0), branch: "accoglie-" + slug,
				title: "Emendamento accolto: " + itemOf(a.path) + ", scadenza spostata a marzo 2027", files: map[string][]byte{answerPath(a): a.answer}, plan: true})
		default:
			s.add(step{at: at(a.answered, 12, 0), by: maintainer, title: "Risposta all'emendamento " + slug + ": non accolto", files: map[string][]byte{answerPath(a): a.answer}})
		}
	}
	return nil
}

// itemOf is the key of the item an amendment's file amends.
func itemOf(p string) string {
	item, _, _ := strings.Cut(strings.TrimPrefix(p, "content/"), "/amendments/")
	return item
}
