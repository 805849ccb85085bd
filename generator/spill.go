package generator

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"unsafe"
)

// spillAbove is how many records a record log keeps in memory: past it, its full blocks
// go to a temporary file. A site of 10,000 proposals writes about 60,000 files, and keeps
// them all; one of 100,000 writes 570,000, whose records (the build record's and the
// page cache's, and their paths' strings) were about 90 MB of the heap at the end of the
// render, where a build's memory peaks, and which the collector then gives twice as much
// room.
var spillAbove = 1 << 16

// spills counts the blocks written to temporary files, for tests.
var spills atomic.Int64

// recordBlock is how many records a block of a record log holds (a variable for tests).
var recordBlock = 4096

// recordLog holds records in the order they were added, in blocks of recordBlock: a
// slice grown as the records came was copied whole at each growth, both copies live. Past
// spillAbove records in memory, its full blocks are encoded (put) into a temporary file,
// removed as soon as it is made (on systems that allow it; otherwise when the log is
// closed), and read back (get) when the records are asked for. Callers serialize calls.
type recordLog[T any] struct {
	put func(b []byte, v *T) []byte
	get func(r *bufio.Reader) (T, error)

	blocks  [][]T
	file    *os.File
	name    string // the file's name, when it could not be removed at once
	w       *bufio.Writer
	spilled int    // records in file
	enc     []byte // one record's encoding, reused
	err     error  // the first error writing file: the records it lost cannot be given back
	// inMemory: the log keeps every record in memory (it was closed, or no temporary
	// file could be made).
	inMemory bool
}

// add appends v.
func (l *recordLog[T]) add(v T) {
	if n := len(l.blocks); n == 0 || len(l.blocks[n-1]) == recordBlock {
		var block []T
		if n*recordBlock >= spillAbove && !l.inMemory {
			block = l.spill()
		}
		if block == nil || cap(block) != recordBlock {
			block = make([]T, 0, recordBlock)
		}
		l.blocks = append(l.blocks, block)
	}
	last := &l.blocks[len(l.blocks)-1]
	*last = append(*last, v)
}

// spill writes every block (all full) to the file, and returns one of them emptied for
// the next records; nil when there is no file to write to (the records stay in memory).
func (l *recordLog[T]) spill() []T {
	if l.file == nil {
		f, err := os.CreateTemp("", "pspm-records-*")
		if err != nil {
			// No temporary folder: the records stay in memory, as they did before.
			l.inMemory = true
			return nil
		}
		if os.Remove(f.Name()) != nil {
			l.name = f.Name() // removed by close
		}
		l.file, l.w = f, bufio.NewWriterSize(f, 256<<10)
	}
	spills.Add(1)
	for _, b := range l.blocks {
		for i := range b {
			l.enc = l.put(l.enc[:0], &b[i])
			if _, err := l.w.Write(l.enc); err != nil && l.err == nil {
				l.err = err
			}
		}
		l.spilled += len(b)
	}
	reuse := l.blocks[0][:0]
	clear(reuse[:cap(reuse)])
	l.blocks = l.blocks[:0]
	return reuse
}

// len is how many records were added.
func (l *recordLog[T]) len() int {
	n := l.spilled
	for _, b := range l.blocks {
		n += len(b)
	}
	return n
}

// each calls fn with every record, in the order they were added.
func (l *recordLog[T]) each(fn func(*T)) error {
	if l.spilled > 0 {
		if err := l.readBack(fn); err != nil {
			return err
		}
	}
	for _, b := range l.blocks {
		for i := range b {
			fn(&b[i])
		}
	}
	return nil
}

// readBack calls fn with every record of the file.
func (l *recordLog[T]) readBack(fn func(*T)) error {
	if l.err == nil {
		l.err = l.w.Flush()
	}
	if l.err != nil {
		return fmt.Errorf("the temporary file of the files written: %w", l.err)
	}
	r := bufio.NewReaderSize(io.NewSectionReader(l.file, 0, 1<<62), 256<<10)
	for range l.spilled {
		v, err := l.get(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return fmt.Errorf("the temporary file of the files written: %w", err)
		}
		fn(&v)
	}
	return nil
}

// close lets go of the records and removes the file.
func (l *recordLog[T]) close() {
	if l.file != nil {
		l.file.Close()
		if l.name != "" {
			os.Remove(l.name)
		}
		l.file, l.w = nil, nil
	}
	l.blocks, l.spilled, l.inMemory = nil, 0, true
}

// putString appends s with its length.
func putString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// getString reads a string putString wrote.
func getString(r *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	if n > 1<<20 {
		return "", fmt.Errorf("a path of %d bytes", n)
	}
	if n == 0 {
		return "", nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return unsafe.String(&b[0], len(b)), nil // b is the string's own
}
