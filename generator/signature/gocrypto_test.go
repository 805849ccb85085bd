package signature

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// goCryptoBreakers are inputs that earlier releases of go-crypto did not survive, each
// a well-framed packet: the pre-parser (scanPGP) was written for them.
func goCryptoBreakers() map[string][]byte {
	p := func(body ...byte) []byte { return append([]byte{0xc2, byte(len(body))}, body...) }
	return map[string][]byte{
		// go-crypto issue #327: an empty exportable-certification subpacket, whose first
		// byte v1.1.6 read without checking the length (a panic).
		"empty exportable-certification": p(4, 0x00, 22, 8, 0x00, 0x02, 0x01, 0x04, 0x00, 0x00, 0xab, 0xcd),
		// A v6 signature claiming a 4 GiB hashed area, which v1.1.6 allocated first.
		"huge v6 subpacket area": p(6, 0x00, 27, 8, 0xff, 0xff, 0xff, 0x00, 1, 2, 3, 4, 5, 6, 7, 8),
		// The same inside a signature embedded in a signature's unhashed area.
		"embedded": p(4, 0x00, 22, 8, 0x00, 0x06, 0x05, 0x02, 0x67, 0xc2, 0xf6, 0xc0, 0x00, 0x0e, 0x0d, 0x20,
			6, 0x00, 27, 8, 0xff, 0xff, 0xff, 0x00, 1, 2, 3, 4, 0xab, 0xcd),
	}
}

// parseRaw feeds b straight to go-crypto, as a signature and as a key, and says
// whether it panicked and how many bytes it allocated.
func parseRaw(b []byte, key []byte) (panicked string, allocated uint64) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	func() {
		defer func() {
			if v := recover(); v != nil {
				panicked = fmt.Sprint(v)
			}
		}()
		r := packet.NewReader(bytes.NewReader(b))
		for {
			if _, err := r.Next(); err != nil {
				break // io.EOF, or the error go-crypto found
			}
		}
		_, _ = openpgp.ReadKeyRing(bytes.NewReader(append(bytes.Clone(key), b...)))
	}()
	runtime.ReadMemStats(&after)
	return panicked, after.TotalAlloc - before.TotalAlloc
}

// TestGoCryptoSurvivesWhatThePreParserUsedToStop feeds the inputs the pre-parser's
// subpacket checks were written for straight to go-crypto, with no scan: the checks
// went with go-crypto v1.5.2, which returns errors for them. Should a release panic or
// allocate the claimed gigabytes again, this fails and says what to restore.
func TestGoCryptoSurvivesWhatThePreParserUsedToStop(t *testing.T) {
	e := newEntity(t, pgpOptions{})
	var key bytes.Buffer
	if err := e.Serialize(&key); err != nil {
		t.Fatal(err)
	}
	for name, b := range goCryptoBreakers() {
		if p, a := parseRaw(b, key.Bytes()); p != "" || a > 1<<20 {
			t.Errorf("%s: go-crypto panics (%q) or allocates %d bytes again: put the subpacket checks back in scanPGP (git log -p generator/signature/pgpscan.go)", name, p, a)
		}
	}
}
