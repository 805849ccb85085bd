// Package demo makes the Git history of the demo portal: the repository that
// `pspm serve --demo` builds and `pspm new site --demo DIR` writes, so that a newcomer
// sees what only a history gives: plan versions and what each changed, one of them
// signed and verified, progress reported over time, contributions landed by merge
// requests and judged by who made them and when, and a forged vote not counted.
//
// The story is told over the files embedded in content/ (package content), which are
// its last state: the work tree of the repository is exactly those files, plus
// pspm.yaml (votes.policy author, so that the authors count; participation.registration
// approved, so that the participants MEF's maintainer approved take part), a README and a
// .gitignore. Everything earlier is derived from them:
//
//   - MEF's maintainer commits the bodies and a first draft of the plan (progress at
//     zero, no indicator values, the actions that later answers add left out, a few
//     texts and due dates as they were first written);
//   - each proposal, practice and comment lands at its own date as a merge request by a
//     member of its body, merged by a maintainer of MEF ("Merge branch '...' into
//     'main'", "See merge request mef/piano-strategico!N", as GitLab writes it); each
//     vote lands, grouped with its body's other votes of the day, inside a phase of the
//     plan that opens it and before its proposal was answered;
//   - MEF answers proposals at their answer dates (an incorporated proposal brings its
//     action into the plan), reports progress and indicator values at fixed dates, and
//     tags three versions of the plan, plan/2025.1, plan/2026.1 (SSH-signed with the
//     demo key of Giulia Ferraresi, registered in content/bodies/m_ef.md) and
//     plan/2026.2;
//   - one vote is forged: a member of Roma Capitale adds Regione Lazio's vote, which the
//     trust model shows as not counted (not-member);
//   - amendments, each proposed by a member of its body in a merge request: one accepted
//     (MEF's maintainer writes the answer, answer.md, in the merge request that applies
//     its due date), one rejected (MEF's answer in its own commit), one open with votes;
//     each proposer's file is never edited after, so all three count;
//   - the community (pspm.yaml: participation.registration approved): MEF's maintainer
//     publishes the rules of participation (content/moderation/_index.md); each
//     participant registers with a merge request of their own forge account (their
//     commits carry the forge's private address) adding their file without approved:,
//     which MEF's maintainer adds in her own commit (one participant is still waiting);
//     community proposals, comments and supports land as merge requests of their
//     participant inside the phase that opens them to the community, so that a community
//     proposal reaches its threshold; one support lands before any phase opens supports
//     (earlySupport), shown as not counted; MEF's maintainer commits the moderation
//     decision that hides an offensive reply, the day after it landed.
//
// Nothing here reads the clock or a random source: the dates are fixed, the signing key
// is made from a fixed seed, and Ed25519 signatures are deterministic, so the same
// binary always writes the same bytes. Git objects are written, in one pack, by
// history.EncodePackedRepository.
package demo

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	democontent "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator/history"
	"github.com/pspm-dev/pspm/generator/signature"
)

// branch is the demo repository's main branch.
const branch = "main"

// project is the GitLab path the merge commits name ("See merge request mef/piano-strategico!N").
const project = "mef/piano-strategico"

// withAmendments says whether the story writes its amendment files, MEF's answers and
// the votes on them.
const withAmendments = true

// key is the demo signing key of MEF's maintainer, whose public half
// content/bodies/m_ef.md registers. Its seed is public: the key signs nothing but the
// demo, and anyone can sign as it.
func key() (*signature.SeededSSHKey, error) {
	seed := sha256.Sum256([]byte("pspm demo: Giulia Ferraresi, Ministero dell'Economia e delle Finanze"))
	return signature.NewSeededSSHKey(seed[:])
}

// Write hands out, through emit, every file of the demo repository: the Git folder
// (paths under .git/) and the work tree, each path once, in a fixed order. emit's data
// is only valid until it returns.
func Write(emit func(path string, data []byte) error) error {
	return write(withAmendments, emit)
}

func write(amendments bool, emit func(path string, data []byte) error) error {
	commits, err := storyCommits(amendments)
	if err != nil {
		return err
	}
	if err := history.EncodePackedRepository(branch, commits, emit); err != nil {
		return err
	}
	last := commits[len(commits)-1].Files
	for _, p := range slices.Sorted(maps.Keys(last)) {
		if err := emit(p, last[p]); err != nil {
			return err
		}
	}
	return nil
}

// storyCommits returns the commits of the demo's main branch, oldest first (merges carry
// their merged commits), with or without the amendments.
func storyCommits(amendments bool) ([]history.NewCommit, error) {
	final, err := finalTree(amendments)
	if err != nil {
		return nil, err
	}
	s, err := newStory(final, amendments)
	if err != nil {
		return nil, err
	}
	return s.commits()
}

// finalTree is the work tree at the end of the story: content/ as embedded, and the
// files the story adds.
func finalTree(amendments bool) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(democontent.Site(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(democontent.Site(), p)
		files[p] = data
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("demo: reading the embedded content: %w", err)
	}
	for p, data := range rootFiles() {
		files[p] = []byte(data)
	}
	if amendments {
		for _, a := range amendmentFiles(files) {
			files[a.path] = a.data
		}
	}
	return files, nil
}

// rootFiles are the files of the repository outside content/.
func rootFiles() map[string]string {
	return map[string]string{
		"pspm.yaml": `# The demo portal of pspm: MEF's strategic plan 2025-2027 and the participation around it.
votes:
  # A vote counts when the commit that cast it was authored by a member of its body.
  policy: author
participation:
  # Citizens, associations, schools and companies register with a merge request that
  # adds content/participants/<handle>.md; MEF's maintainers approve them (approved:).
  registration: approved
`,
		".gitignore": "/public/\n/.pspm/\n",
		"README.md": `# Demo: the strategic plan 2025-2027 with its history

This repository is pspm's demo, written by ` + "`pspm new site --demo`" + `. Its history is made up
for the demo, with fixed dates and a demo signing key: bodies' members propose, comment and
vote through merge requests merged by MEF's maintainers; MEF answers, reports progress and
publishes three versions of the plan (tags plan/*; plan/2026.1 is signed).

    git log --graph --oneline     # the story
    pspm serve                    # the portal, with its versions, changes and votes' audit
    pspm audit proposals/spesa-digitale-scuole   # a forged vote, not counted
    pspm audit plan/actions/open-data-bilancio   # a support landed before its phase, not counted

From June 2026 the community takes part too: citizens, an association, a school and a
company of Reggio Emilia and elsewhere register (content/participants/), MEF's maintainers
approve them, and in the mid-term review they propose, comment and support; a community
proposal reaches its threshold of supports, and an offensive comment is hidden by a
moderation decision (content/moderation/).
`,
	}
}
