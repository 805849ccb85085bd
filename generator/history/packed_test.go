package history

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// busyRepo makes a repository with a big proposals/ folder changed by direct commits,
// merges of branches, edits, deletions and signature replacements, as loose objects.
func busyRepo(t *testing.T) *testRepo {
	r := newTestRepo(t)
	for p := range 120 {
		r.write(fmt.Sprintf("content/proposals/p%03d/index.md", p), fmt.Sprintf("# Proposal %d\n", p))
	}
	r.write("pspm.yaml", "title: Busy\n")
	r.commit(maintainer, day(0), "Proposals")
	n := 1
	for i := range 40 {
		p := (i * 37) % 120
		if i%5 == 4 {
			branch := fmt.Sprintf("b%d", i)
			r.git("checkout", "-q", "-b", branch)
			r.write(fmt.Sprintf("content/proposals/p%03d/reactions/c_%02d.yaml", p, i), "vote: support\n")
			r.write(fmt.Sprintf("content/proposals/p%03d/reactions/c_%02d.yaml.sig", p, i), fmt.Sprint("sig ", i, "\n"))
			r.commit(contributor, day(n), "Vote")
			r.write(fmt.Sprintf("content/proposals/p%03d/index.md", (p+1)%120), fmt.Sprintf("# Amended %d\n", i))
			r.commit(region, day(n+1), "Amend")
			r.git("checkout", "-q", "main")
			r.write(fmt.Sprintf("content/proposals/p%03d/index.md", (p+60)%120), fmt.Sprintf("# Main %d\n", i))
			r.commit(maintainer, day(n+1), "Main moves")
			r.merge(maintainer, day(n+2), branch)
			n += 3
			continue
		}
		switch i % 4 {
		case 0:
			r.write(fmt.Sprintf("content/proposals/p%03d/reactions/m_%02d.yaml", p, i), "vote: oppose\n")
			r.write(fmt.Sprintf("content/proposals/p%03d/reactions/m_%02d.yaml.sig", p, i), fmt.Sprint("sig ", i, "\n"))
		case 1:
			r.write(fmt.Sprintf("content/proposals/p%03d/index.md", p), fmt.Sprintf("# Edited %d\n", i))
		case 2:
			r.git("rm", "-q", "-r", "--ignore-unmatch", fmt.Sprintf("content/proposals/p%03d/reactions", (i*37-74)%120))
			r.write(fmt.Sprintf("content/proposals/p%03d/feedback/x.md", p), "x\n")
		case 3:
			r.git("rm", "-q", "-r", fmt.Sprintf("content/proposals/p%03d", (i*37+5)%120))
		}
		r.commit(maintainer, day(n), fmt.Sprint("Change ", i))
		n++
	}
	return r
}

// Reading trees and commits straight from pack files gives what reading loose objects
// through go-git gives, whichever way the packs store their deltas.
func TestPackedRepositoryReadsAsLoose(t *testing.T) {
	r := busyRepo(t)
	o := Options{Dir: r.dir}
	loose := load(t, o)
	looseRange := rangeOf(t, r.dir, "main~12", "main")
	looseFiles := snapshotFiles(t, r.dir, "main~3")
	if len(loose.Changes) == 0 || len(loose.Retired) == 0 {
		t.Fatalf("the repository has %d changed pages and %d retired signatures; want some", len(loose.Changes), len(loose.Retired))
	}
	for _, repack := range [][]string{
		{"repack", "-q", "-a", "-d", "-f", "--depth=5", "--window=20"},                            // offset deltas
		{"-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f", "--depth=50"}, // reference deltas
	} {
		r.git(repack...)
		if objs, _ := filepath.Glob(filepath.Join(r.dir, ".git/objects/??")); len(objs) > 0 {
			t.Fatalf("%v left loose objects", repack)
		}
		sameHistory(t, load(t, o), loose)
		if got := rangeOf(t, r.dir, "main~12", "main"); !sameJSON(got, looseRange) {
			t.Errorf("%v: Range differs", repack)
		}
		if got := snapshotFiles(t, r.dir, "main~3"); !sameJSON(got, looseFiles) {
			t.Errorf("%v: Snapshot differs", repack)
		}
		// An Update from the loose history to one more commit, packed and loose.
		r.write("content/proposals/p001/reactions/late.yaml", "vote: support\n")
		r.commit(maintainer, day(200), "Late vote")
		u, err := Update(o, loose)
		if err != nil {
			t.Fatal(err)
		}
		sameHistory(t, u, load(t, o))
		r.git("reset", "-q", "--hard", "HEAD~1")
	}
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// snapshotFiles reads every file of a snapshot, with its size and mode.
func snapshotFiles(t *testing.T, dir, rev string) map[string]string {
	t.Helper()
	fsys, _ := snap(t, dir, rev)
	files := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files[path] = fmt.Sprintf("%d %v %q", fi.Size(), fi.Mode(), b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// A pack file is repository input: whatever its bytes, reading an object from it
// fails or succeeds, and never panics.
func FuzzReadPackedObject(f *testing.F) {
	f.Add([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x01\x35x\x9c\x03\x00\x00\x00\x00\x01"), uint16(12))
	f.Add([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x01\x6f\x05"), uint16(12))
	f.Add([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x01\x7f\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), uint16(12))
	f.Add([]byte("PACK\x00\x00\x00\x02\x00\x00\x00\x01\xe0\x80\x80\x80\x80\x80\x80\x80\x80\x01"), uint16(12))
	f.Fuzz(func(t *testing.T, data []byte, off uint16) {
		idx := make([]byte, idxFanout+40)
		copy(idx, []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2})
		p := &pack{idx: idx, data: data}
		w := &walker{plan: &plan{r: &repo{}}}
		for _, trunc := range []int{-1, 3} {
			obj, err := w.readAt(p, int64(off), 1<<20, trunc)
			if err == nil && trunc < 0 && obj.kind != packOFSDelta && int64(len(obj.data)) != obj.size {
				t.Fatalf("%d bytes, size %d", len(obj.data), obj.size)
			}
		}
		p.find([20]byte{byte(off)})
		p.hashAt(int64(off))
	})
}

// The pack reader is used only where it can be: a repository without packs, or a pack
// whose index is of another version, is read through go-git.
func TestPackReaderLeavesOtherIndexesToGoGit(t *testing.T) {
	r := newTestRepo(t)
	r.write("content/a.md", "a\n")
	c := r.commit(maintainer, day(1), "A")
	ro, err := open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.close()
	if n := len(ro.packs()); n != 0 {
		t.Errorf("%d packs in a repository of loose objects", n)
	}
	r.git("gc", "-q")
	idx, _ := filepath.Glob(filepath.Join(r.dir, ".git/objects/pack/*.idx"))
	if len(idx) != 1 {
		t.Fatalf("packs: %v", idx)
	}
	// An index of version 1 is left to go-git.
	b, err := os.ReadFile(idx[0])
	if err != nil {
		t.Fatal(err)
	}
	ro2, err := open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro2.close()
	if n := len(ro2.packs()); n != 1 {
		t.Errorf("%d packs read, want 1", n)
	}
	if err := os.Chmod(idx[0], 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(idx[0], append([]byte{0, 0, 0, 1}, b[4:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	ro3, err := open(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer ro3.close()
	if n := len(ro3.packs()); n != 0 {
		t.Errorf("%d packs read with a bad index, want none", n)
	}
	if err := os.WriteFile(idx[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	check(t, load(t, Options{Dir: r.dir}), "content/a.md", want{c, maintainer, c, day(1)})
}
