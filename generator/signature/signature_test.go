package signature

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"golang.org/x/crypto/ssh"
)

var vote = []byte("item: proposals/bike-lanes\nvoter: alice\nreaction: support\n")

func TestSSHSignatureVerifies(t *testing.T) {
	for _, kind := range []string{"ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa2048"} {
		t.Run(kind, func(t *testing.T) {
			s := newSSHSigner(t, kind)
			other := sshKey(t, newSSHSigner(t, "ed25519").PublicKey())
			k := sshKey(t, s.PublicKey())
			got, err := Verify(sshSign(t, s, vote, NamespacePSPM), vote, NamespacePSPM, []*Key{other, k}, t0)
			wantErr(t, err, nil)
			if got != k {
				t.Fatalf("Verify returned %v, want the signer's key %v", got, k)
			}
			if k.Kind != "ssh" || k.Fingerprint != ssh.FingerprintSHA256(s.PublicKey()) {
				t.Errorf("key is %s %s, want ssh %s", k.Kind, k.Fingerprint, ssh.FingerprintSHA256(s.PublicKey()))
			}
		})
	}
}

func TestOpenPGPSignatureVerifies(t *testing.T) {
	for name, o := range map[string]pgpOptions{
		"eddsa":          {},
		"rsa2048":        {algorithm: packet.PubKeyAlgoRSA},
		"ecdsa":          {algorithm: packet.PubKeyAlgoECDSA},
		"v6-ed25519":     {v6: true},
		"signing-subkey": {subkey: true},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEntity(t, o)
			k := pgpKey(t, e)
			sig := pgpSign(t, e, vote, t0.Add(2*time.Hour), crypto.SHA256)
			got, err := Verify(sig, vote, NamespacePSPM, []*Key{k}, t0.Add(2*time.Hour))
			wantErr(t, err, nil)
			if got != k {
				t.Fatalf("Verify returned %v, want %v", got, k)
			}
			want := strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
			if k.Kind != "openpgp" || k.Fingerprint != want {
				t.Errorf("key is %s %s, want openpgp %s", k.Kind, k.Fingerprint, want)
			}
		})
	}
}

func TestOpenPGPSignatureBySigningSubkeyReturnsPrimaryKey(t *testing.T) {
	e := newEntity(t, pgpOptions{subkey: true})
	k := pgpKey(t, e)
	at := t0.Add(2 * time.Hour)
	sig := pgpSign(t, e, vote, at, crypto.SHA512)
	got, err := Verify(sig, vote, NamespaceGit, []*Key{k}, at)
	wantErr(t, err, nil)
	if got.Fingerprint != k.Fingerprint {
		t.Fatalf("got %s, want the primary fingerprint %s", got.Fingerprint, k.Fingerprint)
	}
	// The signature must really be the subkey's, or this test proves nothing.
	if issuer, sub := pgpIssuer(t, sig), signingSubkey(t, e).PublicKey.KeyId; issuer != sub {
		t.Fatalf("signature issuer %X is not the signing subkey %X", issuer, sub)
	}
}

func TestSignatureCopiedToOtherMessageFails(t *testing.T) {
	other := []byte("item: proposals/bike-lanes\nvoter: alice\nreaction: oppose\n")
	s := newSSHSigner(t, "ed25519")
	e := newEntity(t, pgpOptions{})
	keys := []*Key{sshKey(t, s.PublicKey()), pgpKey(t, e)}
	for name, sig := range map[string][]byte{
		"ssh":     sshSign(t, s, vote, NamespacePSPM),
		"openpgp": pgpSign(t, e, vote, t0, crypto.SHA256),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Verify(sig, other, NamespacePSPM, keys, t0)
			wantErr(t, err, ErrBadSignature)
		})
	}
}

func TestSSHSignatureForOtherNamespaceFails(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	keys := []*Key{sshKey(t, s.PublicKey())}
	// A signed commit's signature cannot be replayed as a vote file's, nor the reverse.
	_, err := Verify(sshSign(t, s, vote, NamespaceGit), vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrBadSignature)
	_, err = Verify(sshSign(t, s, vote, NamespacePSPM), vote, NamespaceGit, keys, t0)
	wantErr(t, err, ErrBadSignature)
	_, err = Verify(sshSign(t, s, vote, "file"), vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrBadSignature)
	if !strings.Contains(err.Error(), `-n pspm`) {
		t.Errorf("error %q does not say how to sign", err)
	}
}

func TestSignatureByUnregisteredKeyIsUnknown(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	e := newEntity(t, pgpOptions{})
	registered := []*Key{sshKey(t, newSSHSigner(t, "ed25519").PublicKey()), pgpKey(t, newEntity(t, pgpOptions{}))}
	for name, sig := range map[string][]byte{
		"ssh":     sshSign(t, s, vote, NamespacePSPM),
		"openpgp": pgpSign(t, e, vote, t0, crypto.SHA256),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Verify(sig, vote, NamespacePSPM, registered, t0)
			wantErr(t, err, ErrUnknownKey)
			_, err = Verify(sig, vote, NamespacePSPM, nil, t0)
			wantErr(t, err, ErrUnknownKey)
		})
	}
	// A stranger's signature is unknown even when it is also wrong in other ways.
	_, err := Verify(sshSign(t, s, vote, "other"), []byte("changed"), NamespacePSPM, registered, t0)
	wantErr(t, err, ErrUnknownKey)
}

func TestEmptySignatureIsUnsigned(t *testing.T) {
	for _, sig := range []string{"", " ", "\n\t\r\n"} {
		_, err := Verify([]byte(sig), vote, NamespacePSPM, nil, t0)
		wantErr(t, err, ErrUnsigned)
	}
}

func TestMalformedSignatureIsRefused(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	e := newEntity(t, pgpOptions{})
	keys := []*Key{sshKey(t, s.PublicKey()), pgpKey(t, e)}
	good := string(sshSign(t, s, vote, NamespacePSPM))
	goodPGP := string(pgpSign(t, e, vote, t0, crypto.SHA256))
	for _, c := range []string{
		"hello",
		"-----BEGIN SSH SIGNATURE-----\n",
		good[:len(good)/2],
		strings.Replace(good, "-----END SSH SIGNATURE-----", "", 1),
		strings.Replace(good, "U1NIU0lH", "U1NIU0lI", 1), // magic "SSHSIG" becomes "SSHSIH"
		sshBegin + "\nAAAA\n-----END SSH SIGNATURE-----\n",
		goodPGP[:len(goodPGP)/2],
		pgpBegin + "\n\nAAAA\n-----END PGP SIGNATURE-----\n",
		exportPGP(t, e), // a key where a signature belongs
		strings.Repeat("x", maxSize+1),
	} {
		_, err := Verify([]byte(c), vote, NamespacePSPM, keys, t0)
		wantErr(t, err, ErrMalformed)
	}
	// gpg --detach-sign without --armor
	_, err := Verify(pgpBinary(t, []byte(goodPGP)), vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrMalformed)
	if !strings.Contains(err.Error(), "--armor") {
		t.Errorf("error %q does not say to use --armor", err)
	}
}

func TestArmoredSignatureWithTextAroundVerifies(t *testing.T) {
	s := newSSHSigner(t, "ecdsa256")
	e := newEntity(t, pgpOptions{})
	keys := []*Key{sshKey(t, s.PublicKey()), pgpKey(t, e)}
	for name, sig := range map[string][]byte{
		"ssh":     sshSign(t, s, vote, NamespacePSPM),
		"openpgp": pgpSign(t, e, vote, t0, crypto.SHA256),
	} {
		t.Run(name, func(t *testing.T) {
			wrapped := "Signed on my laptop:\r\n\n" + string(sig) + "\n-- \nalice\n"
			_, err := Verify([]byte(wrapped), vote, NamespacePSPM, keys, t0)
			wantErr(t, err, nil)
		})
	}
}

func TestSSHSignatureWithWeakAlgorithmIsRefused(t *testing.T) {
	rsaSigner := newSSHSigner(t, "rsa2048")
	edSigner := newSSHSigner(t, "ed25519")
	keys := []*Key{sshKey(t, rsaSigner.PublicKey()), sshKey(t, edSigner.PublicKey())}

	// The same signature made with rsa-sha2-256 counts, so only the algorithm differs.
	ok := sshSignRaw(t, rsaSigner, vote, NamespacePSPM, "sha256", ssh.KeyAlgoRSASHA256)
	_, err := Verify(ok, vote, NamespacePSPM, keys, t0)
	wantErr(t, err, nil)

	sha1 := sshSignRaw(t, rsaSigner, vote, NamespacePSPM, "sha256", ssh.KeyAlgoRSA)
	_, err = Verify(sha1, vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrBadSignature)
	if !strings.Contains(err.Error(), "SHA-1") {
		t.Errorf("error %q does not name SHA-1", err)
	}

	weakHash := sshSignRaw(t, edSigner, vote, NamespacePSPM, "sha1", ssh.KeyAlgoED25519)
	_, err = Verify(weakHash, vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrBadSignature)
}

func TestSecurityKeySignatureCountsOnlyIfTouched(t *testing.T) {
	touched := newSKSigner(t, true)
	k := sshKey(t, touched.PublicKey())
	_, err := Verify(sshSign(t, touched, vote, NamespacePSPM), vote, NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, nil)

	untouched := &skSigner{priv: touched.priv, pub: touched.pub}
	_, err = Verify(sshSign(t, untouched, vote, NamespacePSPM), vote, NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, ErrBadSignature)
	if !strings.Contains(err.Error(), "touch") {
		t.Errorf("error %q does not say the key was not touched", err)
	}
}

func TestOpenPGPSignatureByExpiredKeyFails(t *testing.T) {
	e := newEntity(t, pgpOptions{lifetime: 24 * time.Hour})
	k := pgpKey(t, e)
	sig := pgpSign(t, e, vote, t0.Add(time.Hour), crypto.SHA256)
	_, err := Verify(sig, vote, NamespacePSPM, []*Key{k}, t0.Add(2*time.Hour))
	wantErr(t, err, nil)
	_, err = Verify(sig, vote, NamespacePSPM, []*Key{k}, t0.Add(25*time.Hour))
	wantErr(t, err, ErrBadSignature)
	if !strings.Contains(err.Error(), "expired at 2025-03-02T12:00:00Z") {
		t.Errorf("error %q does not say when the key expired", err)
	}
}

func TestOpenPGPSignatureByExpiredSubkeyFails(t *testing.T) {
	// The primary key does not expire; the signing subkey, made at t0+1h, expires a
	// day later.
	e := newEntity(t, pgpOptions{subkey: true, subLife: 24 * time.Hour})
	k := pgpKey(t, e)
	sig := pgpSign(t, e, vote, t0.Add(2*time.Hour), crypto.SHA256)
	_, err := Verify(sig, vote, NamespacePSPM, []*Key{k}, t0.Add(3*time.Hour))
	wantErr(t, err, nil)
	_, err = Verify(sig, vote, NamespacePSPM, []*Key{k}, t0.Add(26*time.Hour))
	wantErr(t, err, ErrBadSignature)
	if !strings.Contains(err.Error(), "expired at 2025-03-02T13:00:00Z") {
		t.Errorf("error %q does not say when the subkey expired", err)
	}
}

func TestOpenPGPSignatureByRevokedKeyFails(t *testing.T) {
	at := t0.Add(time.Hour)
	revokedAt := t0.Add(48 * time.Hour)
	for _, c := range []struct {
		reason    packet.ReasonForRevocation
		beforeErr error // a vote cast before the revocation
	}{
		{packet.KeyRetired, nil},                 // retiring a key leaves earlier votes
		{packet.KeySuperseded, nil},              // as does replacing it
		{packet.KeyCompromised, ErrBadSignature}, // a stolen key may have signed anything
	} {
		e := newEntity(t, pgpOptions{})
		sig := pgpSign(t, e, vote, at, crypto.SHA256)
		if err := e.RevokeKey(c.reason, "test", &packet.Config{Time: func() time.Time { return revokedAt }}); err != nil {
			t.Fatal(err)
		}
		k := pgpKey(t, e)
		_, err := Verify(sig, vote, NamespacePSPM, []*Key{k}, at)
		wantErr(t, err, c.beforeErr)
		_, err = Verify(sig, vote, NamespacePSPM, []*Key{k}, revokedAt.Add(time.Second))
		wantErr(t, err, ErrBadSignature)
		if !strings.Contains(err.Error(), "revoked") {
			t.Errorf("reason %d: error %q does not say revoked", c.reason, err)
		}
	}
}

func TestOpenPGPSignatureByRevokedSubkeyFails(t *testing.T) {
	e := newEntity(t, pgpOptions{subkey: true})
	at := t0.Add(2 * time.Hour)
	sig := pgpSign(t, e, vote, at, crypto.SHA256)
	cfg := &packet.Config{Time: func() time.Time { return at.Add(time.Hour) }}
	if err := e.RevokeSubkey(signingSubkey(t, e), packet.KeyCompromised, "lost laptop", cfg); err != nil {
		t.Fatal(err)
	}
	_, err := Verify(sig, vote, NamespacePSPM, []*Key{pgpKey(t, e)}, at)
	wantErr(t, err, ErrBadSignature)
}

func TestOpenPGPKeyExtendedLaterKeepsEarlierVotes(t *testing.T) {
	e := newEntity(t, pgpOptions{lifetime: 30 * 24 * time.Hour})
	at := t0.Add(24 * time.Hour)
	sig := pgpSign(t, e, vote, at, crypto.SHA256)

	// Sixty days later the member extends the key to a year, as gpg --quick-set-expire
	// does: a new self-signature, younger than the vote, replaces the old one.
	later := t0.Add(60 * 24 * time.Hour)
	for uid, id := range e.Identities {
		self := *id.SelfSignature
		self.CreationTime = later
		year := uint32(365 * 24 * 3600)
		self.KeyLifetimeSecs = &year
		if err := self.SignUserId(uid, e.PrimaryKey, e.PrivateKey, &packet.Config{Time: func() time.Time { return later }}); err != nil {
			t.Fatal(err)
		}
		id.SelfSignature = &self
		id.Signatures = append(id.Signatures, &self)
	}
	k := pgpKey(t, e)
	_, err := Verify(sig, vote, NamespacePSPM, []*Key{k}, at)
	wantErr(t, err, nil)
	// Judged with the new expiry, a vote after the first one is fine too.
	sig2 := pgpSign(t, e, vote, later.Add(time.Hour), crypto.SHA256)
	_, err = Verify(sig2, vote, NamespacePSPM, []*Key{k}, later.Add(time.Hour))
	wantErr(t, err, nil)
}

func TestOpenPGPSignatureMadeLongAfterCommitTimeFails(t *testing.T) {
	e := newEntity(t, pgpOptions{})
	k := pgpKey(t, e)
	at := t0.Add(24 * time.Hour)
	// gpg runs after Git takes the commit time, and may wait for a passphrase.
	_, err := Verify(pgpSign(t, e, vote, at.Add(3*time.Minute), crypto.SHA256), vote, NamespaceGit, []*Key{k}, at)
	wantErr(t, err, nil)
	// A commit dated before a deadline but signed a day later does not count.
	_, err = Verify(pgpSign(t, e, vote, at.Add(24*time.Hour), crypto.SHA256), vote, NamespaceGit, []*Key{k}, at)
	wantErr(t, err, ErrBadSignature)
	// Nor does a signature dated before its key existed.
	_, err = Verify(pgpSignRaw(t, e, vote, t0.Add(-time.Hour), crypto.SHA256), vote, NamespaceGit, []*Key{k}, at)
	wantErr(t, err, ErrBadSignature)
	// Nor a key made after the time the vote is judged at.
	_, err = Verify(pgpSign(t, e, vote, t0, crypto.SHA256), vote, NamespaceGit, []*Key{k}, t0.Add(-time.Hour))
	wantErr(t, err, ErrBadSignature)
}

func TestOpenPGPSignatureWithWeakHashIsRefused(t *testing.T) {
	e := newEntity(t, pgpOptions{algorithm: packet.PubKeyAlgoRSA})
	k := pgpKey(t, e)
	sig := pgpSignRaw(t, e, vote, t0, crypto.SHA1)
	if pgpHash(t, sig) != crypto.SHA1 {
		t.Fatal("the signature does not use SHA-1")
	}
	_, err := Verify(sig, vote, NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, ErrBadSignature)
	if !strings.Contains(err.Error(), "SHA-1") {
		t.Errorf("error %q does not name the hash", err)
	}
}

func TestOpenPGPTextSignatureVerifies(t *testing.T) {
	e := newEntity(t, pgpOptions{})
	k := pgpKey(t, e)
	var b bytes.Buffer
	cfg := &packet.Config{Time: func() time.Time { return t0 }}
	if err := armoredDetachSignText(&b, e, vote, cfg); err != nil {
		t.Fatal(err)
	}
	_, err := Verify(b.Bytes(), vote, NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, nil)
	// A text signature ignores line endings, as gpg --textmode does.
	crlf := bytes.ReplaceAll(vote, []byte("\n"), []byte("\r\n"))
	_, err = Verify(b.Bytes(), crlf, NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, nil)
}

func TestVerifyPrefersFirstOfDuplicateKeys(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	a, b := sshKey(t, s.PublicKey()), sshKey(t, s.PublicKey())
	got, err := Verify(sshSign(t, s, vote, NamespacePSPM), vote, NamespacePSPM, []*Key{a, b}, t0)
	wantErr(t, err, nil)
	if got != a {
		t.Fatal("Verify did not return the first of two equal keys")
	}
}

func TestVerifyIgnoresKeysNotFromParseKey(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	k := sshKey(t, s.PublicKey())
	forged := &Key{Kind: "ssh", Fingerprint: k.Fingerprint}
	keys := []*Key{nil, {}, forged, {Kind: "openpgp"}}
	_, err := Verify(sshSign(t, s, vote, NamespacePSPM), vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrUnknownKey)
	_, err = Verify(pgpSign(t, newEntity(t, pgpOptions{}), vote, t0, crypto.SHA256), vote, NamespacePSPM, keys, t0)
	wantErr(t, err, ErrUnknownKey)
}

func TestVerifyNeedsTimeAndNamespace(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	keys := []*Key{sshKey(t, s.PublicKey())}
	sig := sshSign(t, s, vote, NamespacePSPM)
	if _, err := Verify(sig, vote, NamespacePSPM, keys, time.Time{}); err == nil {
		t.Error("Verify accepted a zero time")
	}
	if _, err := Verify(sig, vote, "", keys, t0); err == nil {
		t.Error("Verify accepted an empty namespace")
	}
}

func TestVerifyIsSafeForConcurrentUse(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	e := newEntity(t, pgpOptions{subkey: true})
	keys := []*Key{sshKey(t, s.PublicKey()), pgpKey(t, e)}
	at := t0.Add(2 * time.Hour)
	sigs := [][]byte{sshSign(t, s, vote, NamespacePSPM), pgpSign(t, e, vote, at, crypto.SHA256)}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for range 20 {
				if _, err := Verify(sigs[i%2], vote, NamespacePSPM, keys, at); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestParseKeyAcceptsToolOutput(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	line := string(ssh.MarshalAuthorizedKey(s.PublicKey()))
	for _, text := range []string{
		line,
		strings.TrimSpace(line) + " alice@laptop",
		"  " + strings.TrimSpace(line) + " alice with spaces  \n",
	} {
		k, err := ParseKey(text)
		wantErr(t, err, nil)
		if k.Kind != "ssh" {
			t.Errorf("kind %q", k.Kind)
		}
	}
	e := newEntity(t, pgpOptions{subkey: true})
	k, err := ParseKey("  \n" + exportPGP(t, e) + "\n")
	wantErr(t, err, nil)
	if k.Kind != "openpgp" || len(k.Fingerprint) != 40 || strings.ToUpper(k.Fingerprint) != k.Fingerprint {
		t.Errorf("got %s %s", k.Kind, k.Fingerprint)
	}
}

func TestParseKeyRefusesWhatIsNotARegisteredKey(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey())))
	e := newEntity(t, pgpOptions{})
	e2 := newEntity(t, pgpOptions{})
	weakRSA := sshAuthorizedRSA(t, 1024)
	cert := &ssh.Certificate{Key: s.PublicKey(), CertType: ssh.UserCert, ValidPrincipals: []string{"alice"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, newSSHSigner(t, "ed25519")); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, text, want string }{
		{"empty", "  \n", "id_ed25519.pub"},
		{"junk", "hello world", "gpg --armor --export EMAIL"},
		{"cut ssh key", line[:40], "not an SSH public key"},
		{"ssh private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "PRIVATE"},
		{"openpgp private key", exportSecretPGP(t, e), "PRIVATE"},
		{"options", `no-touch-required,command="ls" ` + line, "takes no options"},
		{"two ssh keys", line + "\n" + line + "\n", "each key as its own item"},
		{"certificate", string(ssh.MarshalAuthorizedKey(cert)), "certificate"},
		{"weak rsa", weakRSA, "1024 bits"},
		{"rfc4716", "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n", "ssh-keygen -i"},
		{"too large", line + " " + strings.Repeat("c", maxSize), "64 KiB"},
		{"two openpgp keys", exportTwo(t, e, e2), "holds 2 keys"},
		{"cut openpgp key", exportPGP(t, e)[:200], "cut or damaged"},
		{"openpgp signature", string(pgpSign(t, e, vote, t0, crypto.SHA256)), `"PGP SIGNATURE", not a public key block`},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, err := ParseKey(c.text)
			if err == nil {
				t.Fatalf("ParseKey accepted it: %+v", k)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
		})
	}
}

func TestParseKeyRefusesOpenPGPKeyThatCannotSign(t *testing.T) {
	e := newEntity(t, pgpOptions{})
	for _, id := range e.Identities {
		id.SelfSignature.FlagSign = false
		if err := id.SelfSignature.SignUserId(id.Name, e.PrimaryKey, e.PrivateKey, &packet.Config{Time: func() time.Time { return t0 }}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := ParseKey(exportPGP(t, e))
	if err == nil || !strings.Contains(err.Error(), "no key that may sign") {
		t.Fatalf("got %v, want an error saying the key cannot sign", err)
	}
}

// TestOpenPGPInputThatBrokeGoCryptoIsRefused covers what go-crypto v1.1.6 did not
// survive: each input is well framed, and refused as malformed with little memory,
// by go-crypto itself since v1.5.2 (by the pre-parser before).
func TestOpenPGPInputThatBrokeGoCryptoIsRefused(t *testing.T) {
	cases := goCryptoBreakers()
	e := newEntity(t, pgpOptions{})
	k := pgpKey(t, e)
	var key bytes.Buffer
	if err := e.Serialize(&key); err != nil {
		t.Fatal(err)
	}
	// A packet of indeterminate length (legacy format) ends, for go-crypto, where its
	// parser stops reading: a good signature so framed hides the packet after it.
	_, good, _, err := nextPacket(pgpBinary(t, pgpSign(t, e, vote, t0, crypto.SHA256)))
	if err != nil {
		t.Fatal(err)
	}
	cases["hidden after indeterminate length"] = append(append([]byte{0x8b}, good...), cases["huge v6 subpacket area"]...)
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := Verify(armorPGP(t, openpgp.SignatureType, p), vote, NamespacePSPM, []*Key{k}, t0)
			wantErr(t, err, ErrMalformed)
			_, err = ParseKey(string(armorPGP(t, openpgp.PublicKeyType, append(bytes.Clone(key.Bytes()), p...))))
			if err == nil {
				t.Fatal("ParseKey accepted a key with a broken signature")
			}
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte packet", grew, len(p))
			}
		})
	}
}

func TestOpenPGPDSAKeyIsRefusedBeforeItsSignaturesAreChecked(t *testing.T) {
	// go-crypto took two minutes to check this key's self-signature (60,000-bit p).
	key := string(armorPGP(t, openpgp.PublicKeyType, hugeDSAKey(t, 60000)))
	_, err := ParseKey(key)
	if err == nil || !strings.Contains(err.Error(), "DSA key") {
		t.Fatalf("got %v, want an error saying DSA keys are refused", err)
	}
}

func TestSSHSignatureMadeWithCertificateCountsForItsKey(t *testing.T) {
	s := newSSHSigner(t, "ed25519")
	cert := &ssh.Certificate{Key: s.PublicKey(), CertType: ssh.UserCert, ValidPrincipals: []string{"alice"}, ValidBefore: ssh.CertTimeInfinity}
	if err := cert.SignCert(rand.Reader, newSSHSigner(t, "ed25519")); err != nil {
		t.Fatal(err)
	}
	certSigner, err := ssh.NewCertSigner(cert, s)
	if err != nil {
		t.Fatal(err)
	}
	k := sshKey(t, s.PublicKey())
	// The signature names the certificate; what signs is the certified key.
	_, err = Verify(sshSign(t, certSigner, vote, NamespacePSPM), vote, NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, nil)
	_, err = Verify(sshSign(t, certSigner, vote, NamespacePSPM), []byte("other"), NamespacePSPM, []*Key{k}, t0)
	wantErr(t, err, ErrBadSignature)
}
