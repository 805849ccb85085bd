package signature

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"golang.org/x/crypto/ssh"
)

// fuzzSigners are the keys the fuzz targets verify against. They are the same in every
// run and every fuzzing worker (testdata/keys, which holds test keys only, and an
// ed25519 key from a fixed seed),
// so that a signature in the corpus keeps verifying and the fuzzer can mutate valid
// signatures instead of noise.
type fuzzSigners struct {
	ed25519, ecdsa ssh.Signer
	pgp, pgp6      *openpgp.Entity // a version 4 and a version 6 key, with signing subkeys
	keys           []*Key
}

func loadFuzzSigners(t testing.TB) *fuzzSigners {
	t.Helper()
	var fs fuzzSigners
	var err error
	fs.ed25519, err = ssh.NewSignerFromSigner(ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize)))
	if err != nil {
		t.Fatal(err)
	}
	pem, err := os.ReadFile("testdata/keys/fuzz-ecdsa")
	if err != nil {
		t.Fatal(err)
	}
	if fs.ecdsa, err = ssh.ParsePrivateKey(pem); err != nil {
		t.Fatal(err)
	}
	fs.pgp = readFuzzEntity(t, "testdata/keys/fuzz-openpgp.asc")
	fs.pgp6 = readFuzzEntity(t, "testdata/keys/fuzz-openpgp-v6.asc")
	fs.keys = []*Key{sshKey(t, fs.ed25519.PublicKey()), sshKey(t, fs.ecdsa.PublicKey()), pgpKey(t, fs.pgp), pgpKey(t, fs.pgp6)}
	return &fs
}

func readFuzzEntity(t testing.TB, name string) *openpgp.Entity {
	t.Helper()
	asc, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(asc))
	if err != nil || len(ring) != 1 {
		t.Fatalf("reading %s: %d keys, %v", name, len(ring), err)
	}
	return ring[0]
}

// fuzzAt is the time the fuzz corpus's OpenPGP signatures are made and judged at.
var fuzzAt = t0.Add(2 * time.Hour)

// FuzzVerify verifies each input three ways: as it is, and as the binary content of an
// SSH and of an OpenPGP armored signature, so that the fuzzer reaches the binary
// parsers instead of spending its time on base64.
func FuzzVerify(f *testing.F) {
	fs := loadFuzzSigners(f)
	add := func(sig, message []byte, namespace string) {
		f.Add(sig, message, namespace, fuzzAt.Unix())
	}
	sshSig := sshSign(f, fs.ed25519, vote, NamespacePSPM)
	pgpSig := pgpSign(f, fs.pgp, vote, fuzzAt, crypto.SHA256)
	add(sshSig, vote, NamespacePSPM)
	add(sshSign(f, fs.ecdsa, vote, NamespaceGit), vote, NamespaceGit)
	add(sshSign(f, fs.ed25519, vote, "other"), vote, NamespacePSPM)
	add(pgpSig, vote, NamespacePSPM)
	add(pgpSign(f, fs.pgp, vote, fuzzAt, crypto.SHA512), []byte("changed"), NamespaceGit)
	add(append(append([]byte("junk\n"), pgpSig...), sshSig...), vote, NamespacePSPM)
	add([]byte(sshBegin+"\n-----END SSH SIGNATURE-----\n"), vote, NamespacePSPM)
	add([]byte(pgpBegin+"\n\n=AAAA\n-----END PGP SIGNATURE-----\n"), nil, NamespacePSPM)
	add(nil, nil, NamespacePSPM)
	// Binary signatures, for the armoring done below.
	block, _ := pem.Decode(sshSig)
	add(block.Bytes, vote, NamespacePSPM)
	add(pgpBinary(f, pgpSig), vote, NamespacePSPM)
	add(pgpBinary(f, pgpSign(f, fs.pgp, vote, fuzzAt, crypto.SHA512)), vote, NamespacePSPM)
	pgp6Sig := pgpSign(f, fs.pgp6, vote, fuzzAt, crypto.SHA256)
	for _, sig := range [][]byte{sshSig, pgpSig, pgp6Sig} { // the seeds reach the end
		if _, err := Verify(sig, vote, NamespacePSPM, fs.keys, fuzzAt); err != nil {
			f.Fatal(err)
		}
	}
	add(pgp6Sig, vote, NamespacePSPM)
	add(pgpBinary(f, pgp6Sig), vote, NamespacePSPM)

	f.Fuzz(func(t *testing.T, sig, message []byte, namespace string, atUnix int64) {
		at := time.Unix(atUnix, 0)
		for _, s := range [][]byte{sig, armorSSH(sig), armorPGP(t, openpgp.SignatureType, sig)} {
			checkVerify(t, fs.keys, s, message, namespace, at)
		}
	})
}

// checkVerify checks what Verify promises whatever the input: no panic, the same
// answer twice, and either a key or an error wrapping exactly one of the four errors.
func checkVerify(t *testing.T, keys []*Key, sig, message []byte, namespace string, at time.Time) {
	t.Helper()
	key, err := Verify(sig, message, namespace, keys, at)
	again, errAgain := Verify(sig, message, namespace, keys, at)
	if key != again || (err == nil) != (errAgain == nil) || (err != nil && err.Error() != errAgain.Error()) {
		t.Fatalf("Verify is not deterministic: %v, %v then %v, %v", key, err, again, errAgain)
	}
	if err == nil {
		if key == nil {
			t.Fatal("no error and no key")
		}
		return
	}
	if key != nil {
		t.Fatalf("error %v with key %v", err, key)
	}
	if namespace == "" || at.IsZero() {
		return // the caller's mistake, not one of the four errors
	}
	n := 0
	for _, e := range []error{ErrUnsigned, ErrMalformed, ErrUnknownKey, ErrBadSignature} {
		if errors.Is(err, e) {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("error %q wraps %d of the four errors, want 1", err, n)
	}
}

func FuzzParseKey(f *testing.F) {
	fs := loadFuzzSigners(f)
	for _, k := range []ssh.PublicKey{fs.ed25519.PublicKey(), fs.ecdsa.PublicKey(), newSKSigner(f, true).PublicKey()} {
		f.Add(string(ssh.MarshalAuthorizedKey(k)))
	}
	f.Add(exportPGP(f, fs.pgp))
	f.Add(exportPGP(f, fs.pgp6))
	f.Add(sshAuthorizedRSA(f, 2048))
	f.Add("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA== x")
	f.Add("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n-----END PGP PUBLIC KEY BLOCK-----\n")
	f.Add("")

	f.Add(string(pgpBinary(f, []byte(exportPGP(f, fs.pgp)))))
	f.Add(string(pgpBinary(f, []byte(exportPGP(f, fs.pgp6)))))
	f.Add(string(fs.ed25519.PublicKey().Marshal()))

	f.Fuzz(func(t *testing.T, text string) {
		// Each input is also tried as the binary content of an OpenPGP key block and
		// of an SSH key line, so that the fuzzer reaches the binary parsers.
		checkParseKey(t, text)
		checkParseKey(t, string(armorPGP(t, openpgp.PublicKeyType, []byte(text))))
		checkParseKey(t, "ssh-ed25519 "+base64.StdEncoding.EncodeToString([]byte(text))+" fuzz")
	})
}

// checkParseKey checks what ParseKey promises whatever the input: no panic, and either
// a usable key or an error with a message.
func checkParseKey(t *testing.T, text string) {
	t.Helper()
	k, err := ParseKey(text)
	if err != nil {
		if k != nil {
			t.Fatal("key and error")
		}
		if err.Error() == "" {
			t.Fatal("empty error message")
		}
		return
	}
	switch k.Kind {
	case "ssh":
		if k.sshKey == nil || !strings.HasPrefix(k.Fingerprint, "SHA256:") {
			t.Fatalf("bad SSH key %+v", k)
		}
	case "openpgp":
		if k.pgp == nil || k.Fingerprint == "" || strings.ToUpper(k.Fingerprint) != k.Fingerprint {
			t.Fatalf("bad OpenPGP key %+v", k)
		}
	default:
		t.Fatalf("kind %q", k.Kind)
	}
	// A parsed key must be usable by Verify without trouble.
	_, err = Verify([]byte(pgpBegin+"\n\n-----END PGP SIGNATURE-----\n"), nil, NamespacePSPM, []*Key{k}, t0)
	if err == nil {
		t.Fatal("an empty signature verified")
	}
}
