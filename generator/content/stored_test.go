package content_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/content"
	"github.com/pspm-dev/pspm/generator/diag"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/generator/site"
)

// gitKnowsAll is what a clean checkout's index says of every file of fsys: its blob.
func gitKnowsAll(fsys fstest.MapFS) func(string) (string, bool) {
	return func(file string) (string, bool) {
		f := fsys[file]
		if f == nil {
			return "", false
		}
		h := sha1.New()
		fmt.Fprintf(h, "blob %d\x00", len(f.Data))
		h.Write(f.Data)
		return hex.EncodeToString(h.Sum(nil)), true
	}
}

func demoConfig(t *testing.T, fsys fstest.MapFS) *config.Config {
	var errs diag.List
	cfg := config.Load(fsys, &errs)
	if errs.HasErrors() {
		t.Fatal(errs.Format())
	}
	return cfg
}

// storedLoad loads fsys through the store data and returns what LoadStored did.
func storedLoad(t *testing.T, fsys fstest.MapFS, cfg *config.Config, data []byte) (*site.Site, diag.List, []byte, content.LoadStats) {
	t.Helper()
	var st *content.Store
	if data != nil {
		var err error
		if st, err = content.DecodeStore(data, cfg, "test"); err != nil {
			t.Fatalf("the store just written does not decode: %v", err)
		}
	}
	return content.LoadStored(fsys, cfg, "test", st, gitKnowsAll(fsys))
}

// TestStoredLoadEqualsFreshLoad: a site taken from the store of the previous load is the
// very site a fresh Load reads (every struct, every field, every diagnostic), with nothing
// read; after a change, only the changed file is read, and the site is again Load's.
func TestStoredLoadEqualsFreshLoad(t *testing.T) {
	fsys := sitetest.Demo(t, "")
	cfg := demoConfig(t, fsys)
	want, wantErrs := content.Load(fsys, cfg)

	cold, coldErrs, data, stats := storedLoad(t, fsys, cfg, nil)
	if stats.Read != stats.Files || stats.Files < 100 {
		t.Fatalf("cold: read %d of %d files", stats.Read, stats.Files)
	}
	if !reflect.DeepEqual(cold, want) || !reflect.DeepEqual(coldErrs, wantErrs) {
		t.Fatal("a cold LoadStored differs from Load")
	}
	warm, warmErrs, data2, stats := storedLoad(t, fsys, cfg, data)
	if stats.Read != 0 {
		t.Errorf("warm: read %d files, want 0", stats.Read)
	}
	if !reflect.DeepEqual(warm, want) || !reflect.DeepEqual(warmErrs, wantErrs) {
		t.Fatal("a site taken from the store differs from Load's")
	}
	if string(data2) != string(data) {
		t.Error("the store of an unchanged site changed")
	}

	// A new vote, an edited proposal, a removed file.
	fsys["content/proposals/p-firma-digitale/reactions/c_h501.yaml"] = &fstest.MapFile{Data: []byte("vote: support\n"), Mode: 0o644}
	for name, f := range fsys {
		if len(name) > 20 && name[len(name)-9:] == "/index.md" && name[:18] == "content/proposals/" {
			f.Data = append(append([]byte{}, f.Data...), "\nUna riga in più.\n"...)
			break
		}
	}
	for name := range fsys {
		if len(name) > 30 && name[:18] == "content/proposals/" && name[len(name)-5:] == ".yaml" && name != "content/proposals/p-firma-digitale/reactions/c_h501.yaml" {
			delete(fsys, name)
			break
		}
	}
	want, wantErrs = content.Load(fsys, cfg)
	got, gotErrs, _, stats := storedLoad(t, fsys, cfg, data2)
	if stats.Read != 2 {
		t.Errorf("after a vote and an edit: read %d files, want 2", stats.Read)
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotErrs, wantErrs) {
		t.Fatal("after changes, the site through the store differs from Load's")
	}
}

// TestStoreOfAnotherKindIsIgnored: a store written for another configuration, damaged,
// cut short, or not a content store at all is refused, never half-used.
func TestStoreOfAnotherKindIsIgnored(t *testing.T) {
	fsys := sitetest.Demo(t, "")
	cfg := demoConfig(t, fsys)
	_, _, data, _ := storedLoad(t, fsys, cfg, nil)

	other := *cfg
	other.Languages = append([]string{}, cfg.Languages[0])
	if _, err := content.DecodeStore(data, &other, "test"); err == nil {
		t.Error("a store of another configuration was accepted")
	}
	if _, err := content.DecodeStore(data, cfg, "another pspm"); err == nil {
		t.Error("a store of another version of pspm was accepted")
	}
	flipped := append([]byte{}, data...)
	flipped[len(flipped)/2] ^= 1
	for name, d := range map[string][]byte{
		"damaged": flipped, "cut": data[:len(data)-1], "empty": nil,
		"a history cache": []byte(`{"head":"abc"}`),
	} {
		if _, err := content.DecodeStore(d, cfg, "test"); err == nil {
			t.Errorf("%s store accepted", name)
		}
	}
}

// TestStoreDataIsTheStoreItWrites: the store a load gives to keep, in pieces, equals the
// bytes it writes, and no others: the previous store when nothing changed (so that a
// build after nothing keeps the file as it is), not one a file changed, nor one whose
// checksum was damaged.
func TestStoreDataIsTheStoreItWrites(t *testing.T) {
	fsys := sitetest.Demo(t, "")
	cfg := demoConfig(t, fsys)
	load := func(st *content.Store) *content.StoreData {
		_, _, sd, _ := content.LoadStoredAfter(fsys, cfg, "test", func() (*content.Store, func(string) (string, bool), bool) {
			return st, gitKnowsAll(fsys), true
		})
		return sd
	}
	first := load(nil)
	data := first.Bytes()
	if len(data) != first.Len() {
		t.Fatalf("Bytes gives %d bytes, Len says %d", len(data), first.Len())
	}
	st, err := content.DecodeStore(data, cfg, "test")
	if err != nil {
		t.Fatal(err)
	}
	again := load(st) // every entry now a slice of data
	if !again.Equal(data) || !first.Equal(data) {
		t.Fatal("the store of a load after nothing changed is not the previous store")
	}
	if again.Equal(nil) || again.Equal(data[:len(data)-1]) {
		t.Fatal("a store equals a shorter one")
	}
	for _, at := range []int{len(data) / 2, len(data) - 1} {
		bad := append([]byte(nil), data...)
		bad[at] ^= 1
		if again.Equal(bad) {
			t.Fatalf("a store equals one with byte %d changed", at)
		}
	}
	for name, f := range fsys {
		if len(f.Data) > 0 && name != "pspm.yaml" && len(name) > len("content/") && name[:len("content/")] == "content/" {
			changed := *f
			changed.Data = append(append([]byte(nil), f.Data...), '\n')
			fsys[name] = &changed
			break
		}
	}
	if load(st).Equal(data) {
		t.Fatal("the store after a file changed equals the previous one")
	}
}
