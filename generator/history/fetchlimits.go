package history

import (
	"bufio"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// gitFolder is the clone's Git folder inside repo/.
const gitFolder = ".git"

// SourceLimits bound what a source may bring: a source is another body's repository,
// and a few kilobytes of pack can hold a gigabyte file of zeros or a folder thousands
// of levels deep. A zero field takes its default (DefaultSourceLimits).
type SourceLimits struct {
	// PackSize bounds the bytes of the pack one fetch receives.
	PackSize int64
	// ObjectSize bounds one object, inflated, as its header in the pack says (for a
	// delta, the size of the object it makes): checked before the object is inflated.
	ObjectSize int64
	// Objects bounds the objects in the pack one fetch receives.
	Objects int64
	// Depth bounds the folder levels of the fetched commit's tree.
	Depth int
	// Entries bounds the files, folders, links and submodules in the fetched commit's
	// tree, every path counted (a folder repeated under many names counts each time).
	Entries int
	// FileSize bounds a file read by ReadSource (the site's limits.file_size); not
	// checked by Fetch: a source may hold big files that nobody reads.
	FileSize int64
}

// The default limits.
const (
	DefaultSourcePackSize   = 512 << 20
	DefaultSourceObjectSize = 100 << 20 // what forges accept for one file
	DefaultSourceObjects    = 1_000_000
	DefaultSourceDepth      = 64
	DefaultSourceEntries    = 500_000
	DefaultSourceFileSize   = 1 << 20
)

func (l SourceLimits) withDefaults() SourceLimits {
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.PackSize, DefaultSourcePackSize)
	def(&l.ObjectSize, DefaultSourceObjectSize)
	def(&l.Objects, DefaultSourceObjects)
	def(&l.FileSize, DefaultSourceFileSize)
	if l.Depth <= 0 {
		l.Depth = DefaultSourceDepth
	}
	if l.Entries <= 0 {
		l.Entries = DefaultSourceEntries
	}
	return l
}

// LimitError says that a source exceeds one of its SourceLimits.
type LimitError struct {
	// Limit is the key of pspm.yaml's limits that sets it, e.g. "source_pack_size".
	Limit string
	// Max is the limit, and What says what exceeded it.
	Max  int64
	What string
}

// Error says which limit was exceeded, by what, and how to raise it.
func (e *LimitError) Error() string {
	return fmt.Sprintf("%s: over limits.%s (%s); the source must shrink, or pspm.yaml raise the limit", e.What, e.Limit, quantity(e.Limit, e.Max))
}

// quantity writes a limit: bytes in KiB, MiB or GiB, counts as they are.
func quantity(limit string, n int64) string {
	if !strings.HasSuffix(limit, "_size") {
		return fmt.Sprint(n)
	}
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitedStorage is a clone's storage whose packs are checked while they are received:
// the pack a fetch receives goes through packCheck before go-git reads it.
type limitedStorage struct {
	*filesystem.Storage
	lim SourceLimits
}

func newLimitedStorage(gitDir string, lim SourceLimits) *limitedStorage {
	st := filesystem.NewStorage(osfs.New(gitDir), cache.NewObjectLRUDefault())
	return &limitedStorage{Storage: st, lim: lim}
}

// openReader opens the clone at dir (its Git folder dir/.git) to read many objects:
// pack files are kept open until the storage is closed.
func openReader(dir string) (*git.Repository, *filesystem.Storage, error) {
	fi, err := os.Lstat(filepath.Join(dir, gitFolder))
	if err != nil {
		return nil, nil, err
	}
	if !fi.IsDir() {
		return nil, nil, fmt.Errorf("%s is not a folder", filepath.Join(dir, gitFolder))
	}
	st := filesystem.NewStorageWithOptions(osfs.New(filepath.Join(dir, gitFolder)), cache.NewObjectLRUDefault(), filesystem.Options{KeepDescriptors: true})
	r, err := git.Open(st, nil)
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	return r, st, nil
}

// PackfileWriter gives go-git a writer that refuses a pack over the limits before
// passing its bytes on.
func (s *limitedStorage) PackfileWriter() (io.WriteCloser, error) {
	w, err := s.Storage.PackfileWriter()
	if err != nil {
		return nil, err
	}
	return &packCheck{w: w, lim: s.lim, scan: newPackScan(s.lim)}, nil
}

// packCheck passes a pack on to w once packScan has read it, chunk by chunk, and found
// it within the limits: go-git never sees the header of an object too big. A pack
// refused is still read to its end, into nothing: go-git's file and ssh transports
// wait for the other side to finish writing when the pack is left unread, forever.
// The fetch's timeout bounds that reading; Close says why the pack was refused.
type packCheck struct {
	w    io.WriteCloser
	lim  SourceLimits
	n    int64
	scan *packScan
	err  error
}

func (c *packCheck) Write(p []byte) (int, error) {
	if c.err != nil {
		return len(p), nil // refused: read to the end, kept nowhere
	}
	c.n += int64(len(p))
	if c.n > c.lim.PackSize {
		c.err = &LimitError{Limit: "source_pack_size", Max: c.lim.PackSize, What: "the pack received is bigger"}
		return len(p), nil
	}
	if err := c.scan.feed(p); err != nil {
		c.err = err
		return len(p), nil
	}
	return c.w.Write(p)
}

func (c *packCheck) Close() error {
	c.scan.close()
	err := c.w.Close()
	if c.err != nil {
		return c.err
	}
	return err
}

// packScan reads a pack as it arrives, in a goroutine of its own, and checks the
// header of every object: the count of objects, each object's size, and for a delta
// the size of the object it makes (the start of the delta's inflated data). Objects are
// inflated into nothing, only to find where the next one starts. feed returns when
// the scanner has read the whole chunk, so that a chunk is passed on only once checked.
type packScan struct {
	in   chan []byte
	done chan error // nil: the chunk is read, feed the next one; else why the pack is refused
	err  error
	end  chan struct{}
}

func newPackScan(lim SourceLimits) *packScan {
	s := &packScan{in: make(chan []byte), done: make(chan error, 1), end: make(chan struct{})}
	go func() {
		defer close(s.end)
		r := &chunkReader{s: s}
		err := scanPack(bufio.NewReaderSize(r, 32<<10), lim)
		if err == nil {
			_, err = io.Copy(io.Discard, r) // the checksum
		}
		if err != nil && !r.eof {
			s.done <- err
		}
	}()
	return s
}

// feed hands p to the scanner and waits until it has read all of it.
func (s *packScan) feed(p []byte) error {
	if s.err != nil {
		return s.err
	}
	select {
	case s.in <- p:
	case <-s.end:
		return nil // the pack is over; go-git judges what follows it
	}
	select {
	case err := <-s.done:
		s.err = err
	case <-s.end:
		select { // it may have ended on a fault, said just before
		case err := <-s.done:
			s.err = err
		default:
		}
	}
	return s.err
}

// close ends the scanner, and waits for it.
func (s *packScan) close() {
	close(s.in)
	<-s.end
}

// chunkReader gives the scanner the chunks fed to it; asking for more says the last
// chunk is read.
type chunkReader struct {
	s       *packScan
	cur     []byte
	started bool
	eof     bool
}

func (c *chunkReader) Read(b []byte) (int, error) {
	for len(c.cur) == 0 {
		if c.started {
			c.s.done <- nil
		}
		c.started = true
		p, ok := <-c.s.in
		if !ok {
			c.eof = true
			return 0, io.EOF
		}
		c.cur = p
	}
	n := copy(b, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

// Pack object types (gitformat-pack).
const (
	objCommit   = 1
	objTree     = 2
	objBlob     = 3
	objTag      = 4
	objOFSDelta = 6
	objREFDelta = 7
)

var errBadPack = errors.New("the pack received is malformed")

// scanPack reads a pack's header and objects from r, checking them against lim.
func scanPack(r *bufio.Reader, lim SourceLimits) error {
	var head [12]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return err
	}
	if string(head[:4]) != "PACK" {
		return errBadPack
	}
	count := int64(binary.BigEndian.Uint32(head[8:]))
	if count > lim.Objects {
		return &LimitError{Limit: "source_objects", Max: lim.Objects, What: fmt.Sprintf("the pack received holds %d objects", count)}
	}
	for range count {
		kind, size, err := objectHeader(r)
		if err != nil {
			return err
		}
		tooBig := func(size int64) error {
			return &LimitError{Limit: "source_object_size", Max: lim.ObjectSize, What: fmt.Sprintf("an object of the pack is %s", quantity("_size", size))}
		}
		switch kind {
		case objCommit, objTree, objBlob, objTag:
		case objOFSDelta:
			for {
				c, err := r.ReadByte()
				if err != nil {
					return err
				}
				if c&0x80 == 0 {
					break
				}
			}
		case objREFDelta:
			if _, err := r.Discard(20); err != nil {
				return err
			}
		default:
			return errBadPack
		}
		if size > lim.ObjectSize {
			return tooBig(size)
		}
		z, err := zlib.NewReader(r)
		if err != nil {
			return errBadPack
		}
		// Never more than the header says: inflating only finds the next object.
		data := &io.LimitedReader{R: z, N: size}
		body := bufio.NewReaderSize(data, 16)
		if kind == objOFSDelta || kind == objREFDelta {
			// A delta starts with the size of its base, then of the object it makes.
			if _, err := readDeltaSize(body); err != nil {
				return errBadPack
			}
			target, err := readDeltaSize(body)
			if err != nil {
				return errBadPack
			}
			if target > lim.ObjectSize {
				return tooBig(target)
			}
		}
		if _, err := io.Copy(io.Discard, body); err != nil || data.N != 0 {
			return errBadPack
		}
		var one [1]byte
		if _, err := io.ReadFull(z, one[:]); err != io.EOF { // the end, and its checksum
			return errBadPack
		}
	}
	return nil
}

// objectHeader reads the type and size that start an object in a pack.
func objectHeader(r io.ByteReader) (kind int, size int64, err error) {
	c, err := r.ReadByte()
	if err != nil {
		return 0, 0, err
	}
	kind = int(c>>4) & 7
	size = int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if shift > 56 {
			return 0, 0, errBadPack
		}
		if c, err = r.ReadByte(); err != nil {
			return 0, 0, err
		}
		size |= int64(c&0x7f) << shift
	}
	return kind, size, nil
}

// readDeltaSize reads one of the sizes that start a delta.
func readDeltaSize(r io.ByteReader) (int64, error) {
	var size int64
	for shift := 0; ; shift += 7 {
		if shift > 56 {
			return 0, errBadPack
		}
		c, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		size |= int64(c&0x7f) << shift
		if c&0x80 == 0 {
			return size, nil
		}
	}
}

// removeTempPacks removes the pack files a refused fetch left in the clone at dir.
func removeTempPacks(dir string) {
	packs := filepath.Join(dir, gitFolder, "objects", "pack")
	entries, err := os.ReadDir(packs)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "tmp_") {
			_ = os.Remove(filepath.Join(packs, e.Name()))
		}
	}
}
