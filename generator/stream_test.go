package generator_test

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
	"github.com/pspm-dev/pspm/generator/synth"
)

// TestStreamedDatasetsAreTheBytesOfABuildInMemory: a build into a folder writes the open
// data's datasets as it makes them, compressing each for open-data.zip as it goes; a
// build into memory takes each whole. Both give the same bytes, every file of the site,
// on a site whose datasets are many times the buffers they go through (votes.json of
// 4,000 votes); each dataset in the archive is the dataset's file; the build record lists
// each file written with the size and SHA-256 of the bytes on disk, and a second build
// over the first output keeps them.
func TestStreamedDatasetsAreTheBytesOfABuildInMemory(t *testing.T) {
	fsys, want := synthInMemory(t, synth.Options{Proposals: 300, Practices: 20, Reactions: 4000, Bodies: 60, Tags: 20, Seed: 7})
	if n := len(want["api/v1/votes.json"]); n < 1<<20 {
		t.Fatalf("votes.json is %d bytes: too small to go through the buffers in pieces", n)
	}
	zipped := want["api/v1/open-data.zip"]
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatal(err)
	}
	datasets := 0
	for _, f := range zr.File {
		file, ok := want["api/v1/"+f.Name]
		if !ok || !strings.HasSuffix(f.Name, ".json") && !strings.HasSuffix(f.Name, ".csv") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		if datasets++; !bytes.Equal(data, file) {
			t.Errorf("%s in the archive: %d bytes that are not the %d of api/v1/%[1]s", f.Name, len(data), len(file))
		}
	}
	if datasets < 10 {
		t.Errorf("%d datasets in the archive", datasets)
	}
	dest := filepath.Join(t.TempDir(), "public")
	for _, round := range []string{"into an empty folder", "over its previous output"} {
		if res, err := generator.BuildDir(generator.Options{Source: fsys}, dest); err != nil {
			t.Fatalf("build %s: %v\n%s", round, err, res.Diagnostics.Format())
		}
		got := readTree(t, dest)
		sameFiles(t, "a build "+round, got, want)
		rec, err := generator.ReadRecord(got[generator.RecordFile])
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rec.Files {
			sum := sha256.Sum256(got[f.Path])
			if data, ok := got[f.Path]; !ok || int64(len(data)) != f.Size || hex.EncodeToString(sum[:]) != f.SHA256 {
				t.Errorf("%s %s: the record says %d bytes of SHA-256 %s, the disk has %d of %x", round, f.Path, f.Size, f.SHA256, len(data), sum)
			}
			if strings.HasPrefix(f.Path, "api/v1/votes.") {
				delete(got, f.Path) // listed
			}
		}
		for _, name := range []string{"api/v1/votes.json", "api/v1/votes.csv"} {
			if _, ok := got[name]; ok {
				t.Errorf("%s %s is not in the build record", round, name)
			}
		}
	}
}

// synthInMemory writes the synthetic portal of o into a temporary folder, and builds it
// into memory: its source, and every file of the build.
func synthInMemory(t *testing.T, o synth.Options) (fs.FS, map[string][]byte) {
	t.Helper()
	src := t.TempDir()
	synthInto(t, src, o)
	fsys, err := generator.OpenSource(src)
	if err != nil {
		t.Fatal(err)
	}
	mem := output.NewMem()
	if res, err := generator.Build(generator.Options{Source: fsys}, mem); err != nil {
		t.Fatalf("build in memory: %v\n%s", err, res.Diagnostics.Format())
	}
	return fsys, mem.Files()
}

// synthInto writes the synthetic portal of o into dir.
func synthInto(tb testing.TB, dir string, o synth.Options) {
	tb.Helper()
	if err := synth.GenerateDir(dir, o); err != nil {
		tb.Fatal(err)
	}
}

// readTree reads every file under dir, by its slash-separated path.
func readTree(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	got := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		got[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return got
}

// TestTheArchiveIsWrittenAsItIsMade: open-data.zip reaches the output in pieces, through
// the output's stream, as the archive copies its entries, never made whole in a buffer
// first; and the bytes are those of a build into memory, which takes it whole.
func TestTheArchiveIsWrittenAsItIsMade(t *testing.T) {
	fsys, files := synthInMemory(t, synth.Options{Proposals: 200, Practices: 20, Reactions: 4000, Bodies: 60, Tags: 20, Seed: 3})
	want := files["api/v1/open-data.zip"]
	w := &pieces{Mem: output.NewMem(), largest: map[string]int{}}
	if res, err := generator.Build(generator.Options{Source: fsys}, w); err != nil {
		t.Fatalf("build through a stream: %v\n%s", err, res.Diagnostics.Format())
	}
	got, ok := w.Files()["api/v1/open-data.zip"]
	if !ok || !bytes.Equal(got, want) {
		t.Fatalf("open-data.zip: %d bytes through the stream, %d made whole", len(got), len(want))
	}
	largest, streamed := w.largest["api/v1/open-data.zip"]
	if !streamed || largest >= len(got)/2 {
		t.Errorf("open-data.zip (%d bytes): streamed %v, its largest piece %d bytes: want it written in pieces as it is made", len(got), streamed, largest)
	}
}

// pieces is an output in memory that takes files through WriteStream, noting the largest
// piece each streamed file was written in.
type pieces struct {
	*output.Mem
	mu      sync.Mutex
	largest map[string]int
}

func (p *pieces) WriteStream(name string, write func(io.Writer) error) error {
	var b bytes.Buffer
	n := 0
	if err := write(writerFunc(func(d []byte) (int, error) {
		n = max(n, len(d))
		return b.Write(d)
	})); err != nil {
		return err
	}
	p.mu.Lock()
	p.largest[name] = n
	p.mu.Unlock()
	return p.WriteFile(name, b.Bytes())
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
