package demo

import (
	"testing"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/output"
)

// BenchmarkDemoHistory is what `pspm serve --demo` does before it serves: generate the
// demo repository, write it into a folder, and build the portal from it (in memory).
func BenchmarkDemoHistory(b *testing.B) {
	needGit(b)
	for b.Loop() {
		dir := b.TempDir()
		writeTo(b, dir, false)
		src, err := generator.OpenSource(dir)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := generator.Build(generator.Options{Source: src, Dir: dir}, output.NewMem()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDemoGenerate generates the repository's files without writing them.
func BenchmarkDemoGenerate(b *testing.B) {
	for b.Loop() {
		n := 0
		if err := Write(func(string, []byte) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
}
