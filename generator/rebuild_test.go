package generator_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// inodes maps every file under dir to its inode.
func inodes(t *testing.T, dir string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	err := filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fi.Sys().(*syscall.Stat_t).Ino
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const twoMoreProposals = `
-- content/proposals/p2/index.md --
---
title: Proposta due
body: c_h223
date: 2025-02-02
status: open
---
Testo della proposta due.
-- content/proposals/p3/index.md --
---
title: Proposta tre
body: c_h223
date: 2025-02-03
status: open
---
Testo della proposta tre.
`

// TestRebuildOverThePreviousOutputRewritesOnlyWhatChanged: a build into a folder that holds
// the previous build's output leaves every file whose bytes did not change as it was (same
// inode), writes the changed ones, removes the pages that are gone, and ends with the very
// bytes a build into an empty folder gives.
func TestRebuildOverThePreviousOutputRewritesOnlyWhatChanged(t *testing.T) {
	src := writeSite(t, twoMoreProposals)
	dest := filepath.Join(t.TempDir(), "public")
	if _, err := buildDir(t, src, dest); err != nil {
		t.Fatal(err)
	}
	before, beforeIno := snapshot(t, dest), inodes(t, dest)
	if _, ok := before["proposals/p3/index.html"]; !ok {
		t.Fatal("no page for p3 in the first build")
	}

	if err := os.WriteFile(filepath.Join(src, "content/proposals/p2/index.md"), []byte("---\ntitle: Proposta due\nbody: c_h223\ndate: 2025-02-02\nstatus: open\n---\nTesto nuovo della proposta due.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(src, "content/proposals/p3")); err != nil {
		t.Fatal(err)
	}
	res, err := buildDir(t, src, dest)
	if err != nil {
		t.Fatal(err)
	}
	after, afterIno := snapshot(t, dest), inodes(t, dest)

	cold := filepath.Join(t.TempDir(), "public")
	if _, err := buildDir(t, src, cold); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, cold)
	if len(after) != len(want) || len(after) != res.Files {
		t.Errorf("%d files after the rebuild, %d in a cold build, %d reported", len(after), len(want), res.Files)
	}
	for n, c := range want {
		if after[n] != c {
			t.Errorf("%s differs from a cold build's", n)
		}
	}
	if _, ok := after["proposals/p3/index.html"]; ok {
		t.Error("the page of the removed proposal p3 is still published")
	}

	kept, rewritten := 0, 0
	for n, c := range after {
		old, existed := before[n]
		switch {
		case existed && old == c && afterIno[n] != beforeIno[n]:
			t.Errorf("%s has the same bytes but was written again", n)
		case existed && old == c:
			kept++
		case existed && afterIno[n] == beforeIno[n]:
			t.Errorf("%s changed in place (same inode): a reader could see it torn", n)
		default:
			rewritten++
		}
	}
	if kept == 0 || rewritten == 0 {
		t.Errorf("%d files kept, %d rewritten: want both", kept, rewritten)
	}
	if after["proposals/p2/index.html"] == before["proposals/p2/index.html"] {
		t.Error("the edited proposal's page did not change")
	}
	if entries, _ := os.ReadDir(filepath.Dir(dest)); len(entries) != 1 {
		t.Errorf("the rebuild left %d entries beside the destination", len(entries))
	}
}
