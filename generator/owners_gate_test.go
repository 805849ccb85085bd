package generator_test

import (
	"strings"
	"testing"
)

// The owner rules of merge requests for actions with several owners: every co-owner may
// report progress and keep the text; who owns the action and whom it is addressed to
// stay the plan owner's (m_ef).

const coOwnedAction = "content/plan/actions/a1.md"

// coOwned is the action a1, led by the Regione (r_080, Luca) and co-owned by the Comune
// (c_h223, Marco).
func coOwned(owner, extra, progress string) string {
	return "---\ntitle: Azione uno\nobjective: o1\nowner: " + owner + "\n" + extra + "status: in-progress\nprogress: " + progress + "\n---\nTesto dell'azione.\n"
}

func coOwnedRepo(t *testing.T) *gitRepo {
	t.Helper()
	return newGitRepo(t, "author", "-- "+coOwnedAction+" --\n"+coOwned("[r_080, c_h223]", "addressees: [municipality]\n", "40"))
}

func TestEveryCoOwnerMayReportAnActionsProgress(t *testing.T) {
	for _, by := range []string{luca, marco, anna} { // the lead, a co-owner, the plan owner
		g := coOwnedRepo(t)
		g.run("", "checkout", "-q", "-b", "avanzamento")
		g.write(coOwnedAction, coOwned("[r_080, c_h223]", "addressees: [municipality]\n", "60"))
		g.write("content/plan/actions/a1.en.md", "---\ntitle: Action one\n---\nThe action.\n")
		g.commitAll("2025-02-03T09:00:00Z", by, "Avanzamento al 60%")
		res, err := g.checkMR(during)
		wantClean(t, res, err)
	}
}

func TestBodyThatDoesNotOwnAnActionCannotChangeIt(t *testing.T) {
	g := newGitRepo(t, "author", "-- "+coOwnedAction+" --\n"+coOwned("r_080", "", "40"))
	g.run("", "checkout", "-q", "-b", "avanzamento")
	g.write(coOwnedAction, coOwned("r_080", "", "90"))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Avanzamento al 90%")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, coOwnedAction+":1:1: commit")
	wantViolation(t, res, err, "changed an action of the plan, but marco.bianchi@comune.re.it is not the email of a member of m_ef or r_080; only members of m_ef or r_080 may")
}

func TestCoOwnerCannotChangeTheOwnersOrAddresseesOfAnAction(t *testing.T) {
	for _, tc := range []struct {
		name, by, owner, extra, want string
	}{
		{"co-owner makes itself lead", marco, "[c_h223, r_080]", "addressees: [municipality]\n", "changed the owners of an action"},
		{"co-owner removes the lead", marco, "c_h223", "addressees: [municipality]\n", "changed the owners of an action"},
		{"lead removes a co-owner", luca, "r_080", "addressees: [municipality]\n", "changed the owners of an action"},
		{"lead adds a co-owner", luca, "[r_080, c_h223, m_ef]", "addressees: [municipality]\n", "changed the owners of an action"},
		{"co-owner widens the addressees", marco, "[r_080, c_h223]", "addressees: [all]\n", "changed the addressees of an action"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := coOwnedRepo(t)
			g.run("", "checkout", "-q", "-b", "proprietari")
			g.write(coOwnedAction, coOwned(tc.owner, tc.extra, "40"))
			g.commitAll("2025-02-03T09:00:00Z", tc.by, "Cambio")
			res, err := g.checkMR(during)
			wantViolation(t, res, err, tc.want)
			wantViolation(t, res, err, "only members of m_ef may")
		})
	}
}

func TestPlanOwnerMayChangeTheOwnersOfAnAction(t *testing.T) {
	g := coOwnedRepo(t)
	g.run("", "checkout", "-q", "-b", "proprietari")
	g.write(coOwnedAction, coOwned("[c_h223, r_080]", "addressees: [all]\n", "40"))
	g.commitAll("2025-02-03T09:00:00Z", anna, "Il Comune guida l'azione")
	res, err := g.checkMR(during)
	wantClean(t, res, err)
}

func TestCoOwnerCannotAddOrRemoveAnAction(t *testing.T) {
	g := coOwnedRepo(t)
	g.run("", "checkout", "-q", "-b", "nuova")
	g.write("content/plan/actions/a2.md", coOwned("[r_080, c_h223]", "", "0"))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Nuova azione")
	res, err := g.checkMR(during)
	wantViolation(t, res, err, "content/plan/actions/a2.md:1:1: commit")
	wantViolation(t, res, err, "added an action of the plan (adding one is the plan owner's)")

	g.run("", "checkout", "-q", "main")
	g.write("content/plan/actions/a3.md", coOwned("r_080", "", "0"))
	g.commitAll("2025-02-01T09:00:00Z", anna, "Azione della Regione")
	g.run("", "checkout", "-q", "-b", "via")
	g.remove("content/plan/actions/a3.md")
	g.commitAll("2025-02-03T09:00:00Z", luca, "Via l'azione")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, "deleted an action of the plan (removing one is the plan owner's)")
	if strings.Contains(res.Diagnostics.Errors().Format(), "m_ef or r_080") {
		t.Errorf("the lead was allowed to remove the action:\n%s", res.Diagnostics.Format())
	}
}

func TestForgeAccountOfACoOwnerMayReportProgress(t *testing.T) {
	g := newGitRepo(t, "author", forgeAccounts+"-- "+coOwnedAction+" --\n"+coOwned("[m_ef, c_h223]", "", "40"))
	g.run("", "checkout", "-q", "-b", "avanzamento")
	g.write(coOwnedAction, coOwned("[m_ef, c_h223]", "", "70"))
	g.commitAs("2025-02-03T09:00:00Z", marco, "Avanzamento")
	res, err := g.checkAs("marco-bianchi", during)
	wantClean(t, res, err)
	res, err = g.checkAs("someone-else", during)
	wantViolation(t, res, err, "the forge account someone-else that opened it is not a member of m_ef or c_h223")
}

// coOwnedResult is an expected result of o1, led by the Regione and co-owned by the
// Comune, with a measured value.
func coOwnedResult(owner, value string) string {
	return "---\ntitle: Comuni con pagoPA\nobjective: o1\nowner: " + owner + "\nindicators:\n  - name: Comuni\n    unit: \"%\"\n    baseline: 10\n    targets:\n      - {year: 2025, value: 40}\n    values:\n      - {date: 2025-01-31, value: " + value + "}\n---\n"
}

func TestEveryCoOwnerMayMeasureAResultButNotChangeItsOwners(t *testing.T) {
	const result = "content/plan/results/r1.md"
	repo := func() *gitRepo {
		return newGitRepo(t, "author", "-- "+result+" --\n"+coOwnedResult("[r_080, c_h223]", "12"))
	}
	g := repo()
	g.run("", "checkout", "-q", "-b", "misura")
	g.write(result, coOwnedResult("[r_080, c_h223]", "18"))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Nuova misura")
	res, err := g.checkMR(during)
	wantClean(t, res, err)

	g = repo()
	g.run("", "checkout", "-q", "-b", "capofila")
	g.write(result, coOwnedResult("[c_h223, r_080]", "12"))
	g.commitAll("2025-02-03T09:00:00Z", marco, "Il Comune capofila")
	res, err = g.checkMR(during)
	wantViolation(t, res, err, result+":1:1: commit")
	wantViolation(t, res, err, "changed the owners of an expected result of the plan (who leads and co-owns it is the plan owner's to decide)")
}
