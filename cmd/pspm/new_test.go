package main

import (
	"bytes"
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
