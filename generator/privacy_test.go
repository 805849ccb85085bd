package generator_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// anyAddress matches an e-mail address anywhere in an output file.
var anyAddress = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z0-9.\-]+`)

// privateSite is a portal under policy author where a member votes, a member of another
// body comments, and Eve, whose Git name is an address, casts a vote that does not count:
// every place a commit's author reaches a page, a feed or a dataset.
func privateSite(t *testing.T, personal bool) map[string][]byte {
	t.Helper()
	g := newGitRepo(t, "author", "")
	if personal {
		g.write("pspm.yaml", g.read("pspm.yaml")+"open_data:\n  personal: true\n")
		g.commitAll("2025-01-02T09:00:00Z", anna, "Dati personali nei dataset")
	}
	g.write(reggioVote, "vote: support\n")
	g.commitAll("2025-02-03T09:00:00Z", marco, "Voto del Comune")
	g.write("content/proposals/p1/reactions/r_080.yaml", "vote: oppose\n")
	g.commitAll("2025-02-04T09:00:00Z", "eve.private@example.org <eve@example.org>", "Voto della Regione, scritto da eve@example.org")
	g.write("content/proposals/p1/feedback/r_080-nota.md", "---\ntitle: Una nota\ndate: 2025-02-05\n---\n\nLa Regione è d'accordo.\n")
	g.commitAll("2025-02-05T09:00:00Z", luca, "Commento della Regione")
	_, _, out := g.build()
	return out.Files()
}

func TestNoPageFeedOrDatasetPublishesACommitAuthorsEmail(t *testing.T) {
	files := privateSite(t, false)
	for name, data := range files {
		if m := anyAddress.Find(data); m != nil {
			t.Errorf("%s publishes the address %s", name, m)
		}
	}
	page := string(files["proposals/p1/index.html"])
	if !strings.Contains(page, "verificato: commit di Marco Bianchi") {
		t.Errorf("the proposal's page does not name the member who voted")
	}
	if !strings.Contains(string(files["proposals/p1/index.xml"]), "commit di Marco Bianchi") {
		t.Errorf("the proposal's feed does not name the member who voted")
	}
}

func TestPersonalOpenDataPublishesEmailsInDatasetsOnly(t *testing.T) {
	files := privateSite(t, true)
	for name, data := range files {
		if m := anyAddress.Find(data); m != nil && !strings.HasPrefix(name, "api/v1/") {
			t.Errorf("with open_data.personal, %s (not a dataset) publishes %s", name, m)
		}
	}
	votes := string(files["api/v1/votes.json"])
	for _, want := range []string{`"author":"marco.bianchi@comune.re.it"`, `"signer":"marco.bianchi@comune.re.it"`, `"member":"Marco Bianchi"`, "eve@example.org"} {
		if !strings.Contains(votes, want) {
			t.Errorf("with open_data.personal, votes.json lacks %s", want)
		}
	}
	if !strings.Contains(string(files["api/v1/feedback.json"]), "luca.verdi@regione.emilia-romagna.it") {
		t.Errorf("with open_data.personal, feedback.json lacks its author's address")
	}
}

func TestMemberListedByRoleOnlyIsShownByRole(t *testing.T) {
	b := sitetest.Run(t, "-- content/bodies/c_h223.md --\n---\nname: Comune di Reggio Emilia\nkind: municipality\nmembers:\n  - role: Responsabile per la transizione al digitale\n    email: rtd@comune.re.it\n---\n")
	b.OK()
}

func TestMemberWithoutNameOrRoleOrWithAnAddressAsNameIsAnError(t *testing.T) {
	sitetest.Run(t, "-- content/bodies/c_h223.md --\n---\nname: Comune di Reggio Emilia\nmembers:\n  - email: rtd@comune.re.it\n---\n").
		Failed().Diag("content/bodies/c_h223.md:").Diag("has neither a name nor a role")
	sitetest.Run(t, "-- content/bodies/c_h223.md --\n---\nname: Comune di Reggio Emilia\nmembers:\n  - name: rtd@comune.re.it\n    email: rtd@comune.re.it\n---\n").
		Failed().Diag("content/bodies/c_h223.md:4:11: members[0].name \"rtd@comune.re.it\" contains '@'")
}
