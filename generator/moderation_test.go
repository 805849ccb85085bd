package generator_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/output"
)

// The words of the contributions the moderation tests hide: none of them may reach any
// file of the output once hidden.
var hiddenWords = []string{"TitoloOffensivoCommento", "TestoOffensivoCommento", "CommentoOffensivoVoto", "TitoloOffensivoProposta", "TestoOffensivoProposta",
	"MotivoOffensivoEmendamento", "TestoOffensivoEmendamento"}

const (
	badComment  = "content/proposals/p1/feedback/c_h223-replica.md"
	badVote     = "content/plan/actions/a1/reactions/c_h223.yaml"
	badProposal = "content/proposals/p2/index.md"
	badAmend    = "content/plan/actions/a1/amendments/c_h223-riscrittura.md"
)

// moderatedRepo is the test site where the Comune di Reggio Emilia (Marco) wrote, on
// 2025-02-15, a comment, a vote with a comment and a proposal that break the portal's
// rules.
func moderatedRepo(t *testing.T) *gitRepo {
	t.Helper()
	g := newGitRepo(t, "author", "")
	g.write(badComment, "---\ntitle: TitoloOffensivoCommento\ndate: 2025-02-15\nkind: objection\n---\nTestoOffensivoCommento.\n")
	g.write(badVote, "vote: support\npriority: 5\ncomment: CommentoOffensivoVoto\n")
	g.write(badProposal, "---\ntitle: TitoloOffensivoProposta\nbody: c_h223\ndate: 2025-02-15\ntags: [segreto]\n---\nTestoOffensivoProposta.\n")
	g.write(badAmend, "---\nreason: MotivoOffensivoEmendamento\ndate: 2025-02-15\n---\nTestoOffensivoEmendamento.\n")
	g.commitAll("2025-02-15T10:00:00Z", marco, "Contributi del Comune")
	return g
}

// moderation is a moderation file of target, rule and reason.
func moderation(target, scope string) string {
	s := "---\ntarget: " + target + "\n"
	if scope != "" {
		s += "scope: " + scope + "\n"
	}
	return s + "rule: R2 rispetto\ndate: 2025-03-01\n---\nInsulti verso un'altra persona.\n"
}

// hideAll adds, as author, the moderation files that hide the comment, the vote and the
// proposal, and the portal's rules.
func (g *gitRepo) hideAll(author string) {
	g.t.Helper()
	g.write("content/moderation/_index.md", "---\ntitle: Moderazione\n---\nRegolaDelPortale: niente insulti.\n")
	g.write("content/moderation/m1-commento.md", moderation(strings.TrimPrefix(badComment, "content/"), ""))
	g.write("content/moderation/m2-voto.md", moderation(badVote, ""))
	g.write("content/moderation/m3-proposta.md", moderation("proposals/p2/", ""))
	g.write("content/moderation/m4-emendamento.md", moderation(badAmend, ""))
	g.commitAll("2025-03-01T10:00:00Z", author, "Moderazione")
}

// outputTexts is every output file as text to search: the open data archive's files
// unzipped and the search bundle's files inflated, all in lower case (the index holds
// analysed terms: lower case, their endings stemmed).
func outputTexts(t *testing.T, out *output.Mem) map[string][]byte {
	t.Helper()
	texts := map[string][]byte{}
	for name, data := range out.Files() {
		switch {
		case strings.HasSuffix(name, ".zip"):
			z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range z.File {
				r, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				b, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				texts[name+"/"+f.Name] = bytes.ToLower(b)
			}
		case strings.HasPrefix(name, "search/") && strings.HasSuffix(name, ".bin"):
			b, err := io.ReadAll(flate.NewReader(bytes.NewReader(data)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			texts[name] = bytes.ToLower(b)
		default:
			texts[name] = bytes.ToLower(data)
		}
	}
	return texts
}

// stem is the part of a hidden word that survives analysis: lower case, without the
// ending a stemmer may cut.
func stem(w string) []byte { return []byte(strings.ToLower(w[:14])) }

// wantNowhere fails for every output file that holds one of words, in any form.
func wantNowhere(t *testing.T, out *output.Mem, words []string) {
	t.Helper()
	for name, data := range outputTexts(t, out) {
		for _, w := range words {
			if bytes.Contains(data, stem(w)) {
				t.Errorf("%s holds the hidden words %q", name, w)
			}
		}
	}
}

// wantSomewhere fails unless each of words is in a page, in the search bundle and in the
// open data archive: the scan of wantNowhere finds them where they are. A vote's
// comment is not searchable: it is not looked for in the bundle.
func wantSomewhere(t *testing.T, out *output.Mem, words []string) {
	t.Helper()
	texts := outputTexts(t, out)
	for _, w := range words {
		var page, index, archive bool
		for name, data := range texts {
			if !bytes.Contains(data, stem(w)) {
				continue
			}
			switch {
			case strings.HasPrefix(name, "search/"):
				index = true
			case strings.HasPrefix(name, "api/v1/open-data.zip/"):
				archive = true
			case strings.HasSuffix(name, ".html"):
				page = true
			}
		}
		index = index || w == "CommentoOffensivoVoto" || w == "TestoOffensivoEmendamento" // a proposed text is found through its reason
		if !page || !index || !archive {
			t.Errorf("%q before the moderation: on a page %v, in the search index %v, in the open data archive %v; want all", w, page, index, archive)
		}
	}
}

func TestModeratedContributionsLeaveNoWordOnAnyPageFeedIndexOrDataset(t *testing.T) {
	g := moderatedRepo(t)
	votes, _, out := g.build()
	wantSomewhere(t, out, hiddenWords)
	wantCounted(t, votes[badVote], "author")

	g.hideAll(anna)
	votes, res, out := g.build() // the same folder: the search index of the first build is updated
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Msg, "moderation") {
			t.Errorf("unexpected diagnostic: %v", d)
		}
	}
	wantNowhere(t, out, hiddenWords)

	// The vote: kept on the audit trail and in the open data, never counted.
	v := votes[badVote]
	wantNotCounted(t, v, "moderated")
	if v["hidden"] != true || v["moderation"] == nil || v["moderation"].(map[string]any)["id"] != "m2-voto" || v["moderation"].(map[string]any)["rule"] != "R2 rispetto" {
		t.Errorf("votes.json row of the hidden vote = %v; want hidden with moderation m2-voto, rule R2 rispetto", v)
	}
	if a1 := res.Site.Action("a1"); a1.Tally.Votes() != 0 || a1.Tally.Priority.Count != 0 {
		t.Errorf("a1's tally = %+v; the hidden vote must not count", a1.Tally)
	}
	trail, err := generator.Audit(res, "plan/actions/a1")
	if err != nil {
		t.Fatal(err)
	}
	if len(trail.Votes) != 1 || !trail.Votes[0].Hidden || trail.Votes[0].Moderation.ID != "m2-voto" || trail.Votes[0].Reason != "moderated" {
		t.Errorf("the audit trail of a1 = %+v; want the hidden vote, moderated by m2-voto", trail.Votes)
	}
	var text bytes.Buffer
	if err := trail.WriteText(&text); err != nil || !strings.Contains(text.String(), "hidden by moderation m2-voto") {
		t.Errorf("pspm audit text does not say the vote is hidden by m2-voto:\n%s", text.String())
	}

	// The comment: its row stays in feedback.json, without its title.
	var feedback []map[string]any
	if err := json.Unmarshal(out.Files()["api/v1/feedback.json"], &feedback); err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, f := range feedback {
		if f["file"] == badComment {
			hidden++
			if f["hidden"] != true || f["counted"] != false || f["reason"] != "moderated" {
				t.Errorf("feedback.json row of the hidden comment = %v", f)
			}
		}
	}
	if hidden != 1 {
		t.Errorf("feedback.json has %d rows of the hidden comment; want 1 (kept)", hidden)
	}

	b := &sitetest.Build{T: t, Result: res, Out: out}
	notice := "Contenuto nascosto dalla moderazione il 1 marzo 2025: Insulti verso un&#39;altra persona. (regola: R2 rispetto)"
	b.File("proposals/p1/index.html", notice, `href="/moderation/#m1-commento"`)
	b.File("plan/actions/a1/index.html", notice, `href="/moderation/#m2-voto"`, `href="/moderation/#m4-emendamento"`)
	// The hidden proposal: its page stays, with the notice; it is out of every list.
	b.File("proposals/p2/index.html", notice, `href="/moderation/#m3-proposta"`)
	b.File("proposals/index.html", "! /proposals/p2/")
	b.File("bodies/c_h223/index.html", "! /proposals/p2/")
	b.File("index.html", "! /proposals/p2/")
	b.NoFile("tags/segreto/index.html")
	b.File("moderation/index.html", "RegolaDelPortale", `id="m1-commento"`, `id="m2-voto"`, `id="m3-proposta"`, "R2 rispetto")
	b.File("en/moderation/index.html", "Moderation decisions")
	b.File("index.html", `href="/moderation/"`)
}

func TestModerationByANonOwnerIsNotApplied(t *testing.T) {
	g := moderatedRepo(t)
	g.hideAll(marco) // the Comune is not the plan owner: it cannot hide a vote
	votes, res, out := g.build()
	wantCounted(t, votes[badVote], "author")
	found := false
	for _, d := range res.Diagnostics.Warnings() {
		found = found || (d.Pos.File == "content/moderation/m2-voto.md" && strings.Contains(d.Msg, "moderation not applied: only a member of the plan owner body (m_ef) may moderate"))
	}
	if !found {
		t.Errorf("no warning that m2-voto is not applied; got:\n%s", res.Diagnostics.Format())
	}
	wantSomewhere(t, out, hiddenWords)
	b := &sitetest.Build{T: t, Result: res, Out: out}
	b.File("moderation/index.html", "Decisione non applicata")
}

func TestLiftingAModerationShowsTheContributionAgain(t *testing.T) {
	g := moderatedRepo(t)
	g.hideAll(anna)
	g.remove("content/moderation/m2-voto.md")
	g.remove("content/moderation/m1-commento.md")
	g.commitAll("2025-03-05T10:00:00Z", anna, "Revoca delle decisioni m1 e m2")
	votes, res, out := g.build()
	wantCounted(t, votes[badVote], "author")
	if votes[badVote]["hidden"] != false {
		t.Errorf("the vote is still hidden: %v", votes[badVote])
	}
	b := &sitetest.Build{T: t, Result: res, Out: out}
	b.File("proposals/p1/index.html", "TitoloOffensivoCommento", "! m1-commento")
	b.File("moderation/index.html", "! m2-voto", `id="m3-proposta"`)
	// The lifting is on the audit trail: the history of content/moderation/.
	if log := g.run("", "log", "--format=%s", "--", "content/moderation/m2-voto.md"); !strings.Contains(log, "Revoca") || !strings.Contains(log, "Moderazione") {
		t.Errorf("the history of the moderation file = %q; want its decision and its lifting", log)
	}
}

func TestMergeRequestAddingAModerationByANonOwnerFails(t *testing.T) {
	g := moderatedRepo(t)
	g.run("", "checkout", "-q", "-b", "censura")
	g.write("content/moderation/m9.md", moderation(strings.TrimPrefix(badVote, "content/"), ""))
	g.commitAll("2025-03-01T09:00:00Z", luca, "La Regione nasconde il voto del Comune")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/moderation/m9.md:1:1: commit")
	wantViolation(t, res, err, "added a moderation decision (content/moderation/), but luca.verdi@regione.emilia-romagna.it is not the email of a member of m_ef")
}

func TestMergeRequestAddingAModerationByTheOwnerPasses(t *testing.T) {
	g := moderatedRepo(t)
	g.run("", "checkout", "-q", "-b", "moderazione")
	g.write("content/moderation/m9.md", moderation(strings.TrimPrefix(badVote, "content/"), ""))
	g.commitAll("2025-03-01T09:00:00Z", anna, "Moderazione del voto")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestMergeRequestLiftingAModerationByANonOwnerFails(t *testing.T) {
	g := moderatedRepo(t)
	g.hideAll(anna)
	g.run("", "checkout", "-q", "-b", "revoca")
	g.remove("content/moderation/m2-voto.md")
	g.commitAll("2025-03-02T09:00:00Z", marco, "Il Comune revoca la moderazione del suo voto")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "deleted a moderation decision (content/moderation/), but marco.bianchi@comune.re.it is not the email of a member of m_ef")
}

func TestBadModerationFilesSayHowToFixThem(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"no rule", "---\ntarget: proposals/p1\ndate: 2025-03-01\n---\nMotivo.\n", "content/moderation/x.md:"},
		{"no date", "---\ntarget: proposals/p1\nrule: R1\n---\nMotivo.\n", "content/moderation/x.md:"},
		{"no reason", "---\ntarget: proposals/p1\nrule: R1\ndate: 2025-03-01\n---\n", "content/moderation/x.md:6:1: the reason is missing"},
		{"outside content", "---\ntarget: ../pspm.yaml\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n", `content/moderation/x.md:2:9: target "../pspm.yaml" is outside content/`},
		{"absolute", "---\ntarget: /etc/passwd\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n", `target "/etc/passwd" is outside content/`},
		{"moderation of a moderation", "---\ntarget: moderation/y.md\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n", "a moderation cannot be moderated; to lift one, delete its file"},
		{"thread of a proposal", "---\ntarget: proposals/p1\nscope: thread\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n", "scope: thread needs a feedback file as target"},
		{"bad scope", "---\ntarget: proposals/p1\nscope: all\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n", "content/moderation/x.md:3:8:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := sitetest.Check(t, "-- content/moderation/x.md --\n"+tc.file+"-- content/moderation/y.md --\n"+moderation("proposals/p1", "")).Failed()
			if got := b.Errors().Format(); !strings.Contains(got, tc.want) {
				t.Errorf("errors do not contain %q:\n%s", tc.want, got)
			}
			if tc.name == "no rule" && !strings.Contains(b.Errors().Format(), "rule") || tc.name == "no date" && !strings.Contains(b.Errors().Format(), "date") {
				t.Errorf("the error does not name the missing key:\n%s", b.Errors().Format())
			}
		})
	}
}

// A moderation whose target is not (or no longer) a contribution hides nothing and is
// warned about, with a did-you-mean: its contribution may have been withdrawn since,
// which must neither stop the portal nor its body's merge request.
func TestModerationOfAnUnknownTargetIsWarnedAboutWithDidYouMean(t *testing.T) {
	b := sitetest.Check(t, "-- content/moderation/x.md --\n---\ntarget: proposals/p1/feedback/m_ef-domandx.md\nrule: R1\ndate: 2025-03-01\n---\nMotivo.\n")
	if b.Err != nil {
		t.Fatalf("the check failed: %v", b.Err)
	}
	b.Diag(`content/moderation/x.md:2:9: warning: unknown target "proposals/p1/feedback/m_ef-domandx.md": no contribution of the site is at content/proposals/p1/feedback/m_ef-domandx.md; did you mean "proposals/p1/feedback/m_ef-domanda.md"?`)
}

func TestContributionInALanguageThePortalDoesNotPublishIsKeptAndFlagged(t *testing.T) {
	b := sitetest.Run(t, "-- content/proposals/p1/feedback/c_h223-avis.md --\n---\ntitle: Un avis\ndate: 2025-02-11\nlang: fr\n---\nNous soutenons la proposition.\n").OK()
	b.File("proposals/p1/index.html", "scritto in francese, lingua non pubblicata dal portale", `lang="fr"`, "Nous soutenons la proposition.")
	b.File("en/proposals/p1/index.html", "written in French, a language the portal does not publish")
	for name, data := range outputTexts(t, b.Out) {
		if strings.HasPrefix(name, "search/") && bytes.Contains(data, []byte("soutenons")) {
			t.Errorf("%s: a text in a language the portal does not publish is in the search index", name)
		}
	}
	sitetest.Run(t, "-- content/proposals/p3/index.md --\n---\ntitle: Propuesta\nbody: c_h223\ndate: 2025-02-01\nlang: es\n---\nUna propuesta.\n").OK().
		File("proposals/p3/index.html", "scritto in spagnolo, lingua non pubblicata dal portale", `<h1 lang="es">Propuesta</h1>`, `lang="es">`)
	sitetest.Run(t, "-- content/proposals/p1/feedback/c_h223-it.md --\n---\ntitle: Un parere\ndate: 2025-02-11\nlang: it\n---\nSosteniamo.\n").OK().
		File("proposals/p1/index.html", "! lingua non pubblicata")
	sitetest.Check(t, "-- content/proposals/p1/feedback/c_h223-avis.md --\n---\ntitle: Un avis\ndate: 2025-02-11\nlang: \"fr!!\"\n---\nNous.\n").Failed().
		Diag(`lang "fr!!" is not a language tag`)
}

// snapshotHolds names the files of a live preview's snapshot that hold one of words.
func snapshotHolds(t *testing.T, sn *generator.Snapshot, words []string) []string {
	t.Helper()
	var found []string
	for _, p := range sn.Paths() {
		data, ok, err := sn.File(p)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", p, ok, err)
		}
		for _, w := range words {
			if bytes.Contains(bytes.ToLower(data), stem(w)) {
				found = append(found, p+": "+w)
			}
		}
	}
	return found
}

func TestLivePreviewNeverShowsHiddenWordsAcrossEdits(t *testing.T) {
	g := moderatedRepo(t)
	g.hideAll(anna)
	src, err := generator.OpenSource(g.dir)
	if err != nil {
		t.Fatal(err)
	}
	ss := generator.NewSession(generator.Options{Source: src, Dir: g.dir})
	sn, res, err := ss.Rebuild(generator.Change{All: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if found := snapshotHolds(t, sn, hiddenWords); len(found) > 0 {
		t.Errorf("the first build shows hidden words: %v", found)
	}
	// Another proposal's words change: the moderation files come from the cache.
	p1 := "content/proposals/p1/index.md"
	g.write(p1, strings.Replace(g.read(p1), "Testo della proposta.", "Testo della proposta, riscritto.", 1))
	if sn, res, err = ss.Rebuild(generator.Change{Paths: []string{p1}}); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if found := snapshotHolds(t, sn, hiddenWords); len(found) > 0 {
		t.Errorf("after an edit of another proposal: %v", found)
	}
	// The hidden proposal's words change: never patched into the model.
	words := append(hiddenWords, "ParoleNuoveOffensive")
	g.write(badProposal, strings.Replace(g.read(badProposal), "TestoOffensivoProposta.", "TestoOffensivoProposta. ParoleNuoveOffensive.", 1))
	if sn, res, err = ss.Rebuild(generator.Change{Paths: []string{badProposal}}); err != nil {
		t.Fatalf("%v\n%s", err, res.Diagnostics.Format())
	}
	if sn.Kind == "words" {
		t.Errorf("the words of a hidden proposal were patched in")
	}
	if found := snapshotHolds(t, sn, words); len(found) > 0 {
		t.Errorf("after an edit of the hidden proposal: %v", found)
	}
	sameAsFullBuild(t, g.dir, sn)
}

func TestMergeRequestModerationWithAForgedOwnerEmailFailsWithTheActor(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts)
	g.run("", "checkout", "-q", "-b", "censura")
	g.write("content/moderation/m9.md", moderation("proposals/p1/reactions/m_ef.yaml", ""))
	g.commitAll("2025-03-01T09:00:00Z", anna, "Marco scrive come Anna") // the e-mail is Anna's, the forge account Marco's
	res, err := g.checkAs("marco-bianchi", during)
	wantViolation(t, res, err, "added a moderation decision (content/moderation/), but the forge account marco-bianchi that opened it is not a member of m_ef")
	res, err = g.checkAs("AnnaRossi", during)
	wantClean(t, res, err)
}

// Under policy signed, a moderation applies only when a key of a member of the plan
// owner signs the commit that made it: Anna's e-mail on an unsigned commit, or a commit
// signed by another body's member, hides nothing.
func TestModerationUnderPolicySignedNeedsTheOwnersSignature(t *testing.T) {
	for _, tc := range []struct {
		name  string
		by    func(g *gitRepo, marcoKey string)
		hides bool
	}{
		{"signed by the owner's member", func(g *gitRepo, _ string) { g.signedCommit("2025-03-01T10:00:00Z", anna, g.ownerKey, "Moderazione") }, true},
		{"unsigned with the owner's e-mail", func(g *gitRepo, _ string) { g.commitAll("2025-03-01T10:00:00Z", anna, "Moderazione") }, false},
		{"signed by another body's member", func(g *gitRepo, marcoKey string) {
			g.signedCommit("2025-03-01T10:00:00Z", anna, marcoKey, "Moderazione")
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g, marcoKey, _ := signedRepo(t)
			g.write("content/moderation/m1.md", moderation("proposals/p2", ""))
			tc.by(g, marcoKey)
			_, res, out := g.build()
			hidden := len(res.Site.HiddenProposals) == 1
			if hidden != tc.hides {
				t.Errorf("the proposal is hidden: %v, want %v\n%s", hidden, tc.hides, res.Diagnostics.Format())
			}
			b := &sitetest.Build{T: t, Result: res, Out: out}
			if tc.hides {
				b.File("proposals/p2/index.html", "Contenuto nascosto dalla moderazione", "! Proposta due")
			} else {
				b.File("proposals/p2/index.html", "Proposta due").File("moderation/index.html", "Decisione non applicata")
			}
		})
	}
}
