package generator

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"testing"
)

// FuzzAppendEntry: a file's line of the build record is json.Marshal's, whatever its path
// (any bytes: quotes, backslashes, HTML's characters, control characters, invalid UTF-8,
// U+2028).
func FuzzAppendEntry(f *testing.F) {
	for _, p := range []string{"index.html", "proposals/p1/index.html", `a"b\c`, "<&>", "\x00\x1f\x7f", "caf\xc3\xa9", "\xff", "\u2028", "en/tags/dati aperti/index.html"} {
		f.Add(p, int64(12), "0a1b")
	}
	f.Fuzz(func(t *testing.T, path string, size int64, sum string) {
		e := RecordEntry{Path: path, Size: size, SHA256: sum}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendEntry([]byte("x"), e)
		if err != nil || !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Fatalf("appendEntry(%q) = %q, %v; json.Marshal gives %q", path, got, err, want)
		}
		// The recorder's own entries: the sum as bytes, written in hexadecimal.
		r := recorded{path: path, size: size, sum: sha256.Sum256([]byte(sum))}
		if want, err = json.Marshal(r.entry()); err != nil {
			t.Fatal(err)
		}
		if got, err = appendRecorded([]byte("x"), &r); err != nil || !bytes.Equal(got, append([]byte("x"), want...)) {
			t.Fatalf("appendRecorded(%q) = %q, %v; json.Marshal gives %q", path, got, err, want)
		}
	})
}
