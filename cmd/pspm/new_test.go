package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewUnknownKindExitsTwoWithTheKinds(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"new", "bogus", "x"}, &out, &errb); code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitUsage, errb.String())
	}
	for _, k := range []string{"goal", "objective", "result", "action", "proposal", "vote", "site"} {
		if !strings.Contains(errb.String(), k) {
			t.Errorf("stderr does not list %q: %s", k, errb.String())
		}
	}
	if out.Len() != 0 {
		t.Errorf("stdout = %q, want nothing (no help)", out.String())
	}
}

func TestNewPlanItemWithoutParentExitsTwo(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run([]string{"new", "action", "x", "-s", t.TempDir()}, &out, &errb); code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr: %s", code, exitUsage, errb.String())
	}
}

// TestNewAnswerWritesTheOwnersAnswerBesideTheAmendment: pspm new answer writes
// <amendment>/answer.md for an owner of the item, says what accepting takes in the same
// merge request, and refuses a body that does not own the item, an unknown body and an
// unknown amendment.
func TestNewAnswerWritesTheOwnersAnswerBesideTheAmendment(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir}, &out, &errb); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errb.String())
	}
	writeFile(t, filepath.Join(dir, "content/bodies/c_h223.md"), "---\nname: Comune di Reggio Emilia\nkind: municipality\nmembers:\n  - name: Marco Bianchi\n    email: marco.bianchi@comune.re.it\n---\n")
	amend := "content/plan/actions/catalogo-servizi/amendments/c_h223-tempi.md"
	writeFile(t, filepath.Join(dir, amend), "---\ntitle: Catalogo dei servizi, in tempi certi\nreason: Tempi certi.\ndate: 2026-12-01\nfields:\n  - name: due\n    value: 2027-06-30\n---\nTesto proposto.\n")
	key := "plan/actions/catalogo-servizi/amendments/c_h223-tempi"

	out.Reset()
	errb.Reset()
	if code := run([]string{"new", "answer", amend, "--body", "m_ef", "--state", "accepted", "--date", "2026-12-03", "-s", dir}, &out, &errb); code != 0 {
		t.Fatalf("new answer: exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"amendments/c_h223-tempi/answer.md", "Accepting an amendment applies it: in the same merge request, change content/plan/actions/catalogo-servizi.md to:",
		`title: "Catalogo dei servizi, in tempi certi"`, "due: 2027-06-30", "the text (after the front matter)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout does not say %q:\n%s", want, out.String())
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "content/plan/actions/catalogo-servizi/amendments/c_h223-tempi/answer.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "---\nstate: accepted\ndate: 2026-12-03\nbody: m_ef\nitem: " + key + "\n---\n"; string(data) != want {
		t.Errorf("answer.md:\n%s\nwant:\n%s", data, want)
	}
	if code := run([]string{"new", "answer", key, "--body", "m_ef", "--state", "rejected", "-s", dir}, &out, &errb); code != exitUsage || !strings.Contains(errb.String(), "is answered already") {
		t.Errorf("a second answer: exit %d: %s", code, errb.String())
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "answer", key, "--body", "c_h223", "--state", "rejected"}, `--body "c_h223" does not own plan/actions/catalogo-servizi: only its owners (m_ef) answer its amendments`},
		{[]string{"new", "answer", key, "--body", "m_eff", "--state", "rejected"}, `did you mean`},
		{[]string{"new", "answer", key + "x", "--body", "m_ef", "--state", "rejected"}, `not found`},
		{[]string{"new", "answer", key, "--body", "m_ef", "--state", "approved"}, `--state "approved": want accepted or rejected`},
	} {
		errb.Reset()
		if code := run(append(c.args, "-s", dir), &out, &errb); code != exitUsage || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %q", c.args, code, errb.String(), c.want)
		}
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNewParticipantWritesARegistrationWithoutContactData: pspm new participant writes
// content/participants/<handle>.md that the site then reads, and refuses a handle with
// '-', a body's id and an unknown kind.
func TestNewParticipantWritesARegistrationWithoutContactData(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	if code := run([]string{"new", "site", dir}, &out, &errb); code != 0 {
		t.Fatalf("new site: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run([]string{"new", "participant", "legambiente_re", "--name", "Legambiente Reggio", "--kind", "association", "--municipality", "Reggio Emilia", "--forge", "@legambiente-re", "-s", dir}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	data, err := os.ReadFile(filepath.Join(dir, "content", "participants", "legambiente_re.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "---\nname: \"Legambiente Reggio\"\nkind: association\nmunicipality: \"Reggio Emilia\"\nforge: \"legambiente-re\"\n---\n"; string(data) != want {
		t.Errorf("file:\n%s\nwant:\n%s", data, want)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"new", "participant", "anna-b", "--name", "Anna"}, `handle "anna-b"`},
		{[]string{"new", "participant", "m_ef", "--name", "Anna"}, `is the id of a body`},
		{[]string{"new", "participant", "anna_b", "--name", "Anna", "--kind", "person"}, `--kind "person"`},
		{[]string{"new", "participant", "legambiente_re", "--name", "Anna"}, `already exists`},
	} {
		errb.Reset()
		if code := run(append(tc.args, "-s", dir), &out, &errb); code != exitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, errb.String(), exitUsage, tc.want)
		}
	}
}
