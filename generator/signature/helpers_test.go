package signature

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// t0 is when the OpenPGP keys of the tests are made; votes are judged around it.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// newSSHSigner makes a fresh SSH key of kind "ed25519", "ecdsa256", "ecdsa384",
// "ecdsa521" or "rsa2048".
func newSSHSigner(t testing.TB, kind string) ssh.Signer {
	t.Helper()
	var priv crypto.Signer
	var err error
	switch kind {
	case "ed25519":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case "ecdsa256":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ecdsa384":
		priv, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ecdsa521":
		priv, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "rsa2048":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("unknown key kind %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sshKey registers the public half of s the way a member would: as the line of
// their .pub file, parsed by ParseKey.
func sshKey(t testing.TB, pub ssh.PublicKey) *Key {
	t.Helper()
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))) + " member@laptop"
	k, err := ParseKey(line)
	if err != nil {
		t.Fatalf("ParseKey(%q): %v", line, err)
	}
	return k
}

// sshSign signs message for namespace as ssh-keygen -Y sign does.
func sshSign(t testing.TB, s ssh.Signer, message []byte, namespace string) []byte {
	t.Helper()
	sig, err := sshsig.Sign(bytes.NewReader(message), s, sshsig.HashSHA512, namespace)
	if err != nil {
		t.Fatal(err)
	}
	return sshsig.Armor(sig)
}

// sshSignRaw builds an SSH signature by hand, so that tests can make the signatures
// that sshsig.Sign refuses to make: weak hashes and the ssh-rsa (SHA-1) algorithm.
func sshSignRaw(t testing.TB, s ssh.Signer, message []byte, namespace, hashAlg, sigAlg string) []byte {
	t.Helper()
	var digest []byte
	switch hashAlg {
	case "sha256":
		d := sha256.Sum256(message)
		digest = d[:]
	case "sha512":
		d := sha512.Sum512(message)
		digest = d[:]
	default: // a made-up or weak hash: the digest does not matter, the name is refused
		d := sha256.Sum256(message)
		digest = d[:20]
	}
	signed := append([]byte("SSHSIG"), ssh.Marshal(struct {
		Namespace, Reserved, HashAlgorithm, Hash string
	}{namespace, "", hashAlg, string(digest)})...)
	as, ok := s.(ssh.AlgorithmSigner)
	if !ok {
		t.Fatal("signer cannot choose its algorithm")
	}
	sig, err := as.SignWithAlgorithm(rand.Reader, signed, sigAlg)
	if err != nil {
		t.Fatal(err)
	}
	blob := ssh.Marshal(sshSigBlob{
		Magic: [6]byte{'S', 'S', 'H', 'S', 'I', 'G'}, Version: 1,
		PublicKey: string(s.PublicKey().Marshal()), Namespace: namespace,
		HashAlgorithm: hashAlg, Signature: string(ssh.Marshal(sig)),
	})
	return armorSSH(blob)
}

// base64Lines encodes b in lines of 70 characters, as ssh-keygen does.
func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var out strings.Builder
	for len(enc) > 70 {
		out.WriteString(enc[:70] + "\n")
		enc = enc[70:]
	}
	out.WriteString(enc + "\n")
	return out.String()
}

func armorSSH(blob []byte) []byte {
	var b bytes.Buffer
	b.WriteString(sshBegin + "\n")
	enc := base64Lines(blob)
	b.WriteString(enc)
	b.WriteString("-----END SSH SIGNATURE-----\n")
	return b.Bytes()
}

// skSigner plays a FIDO security key holding an sk-ssh-ed25519 key: it signs as the
// authenticator does (over the application's hash, the flags, a counter and the
// message's hash), with the user-presence flag set if touched.
type skSigner struct {
	priv    ed25519.PrivateKey
	pub     ssh.PublicKey
	touched bool
}

func newSKSigner(t testing.TB, touched bool) *skSigner {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wire := ssh.Marshal(struct {
		Name        string
		KeyBytes    []byte
		Application string
	}{ssh.KeyAlgoSKED25519, pub, "ssh:"})
	sshPub, err := ssh.ParsePublicKey(wire)
	if err != nil {
		t.Fatal(err)
	}
	return &skSigner{priv: priv, pub: sshPub, touched: touched}
}

func (s *skSigner) PublicKey() ssh.PublicKey { return s.pub }

func (s *skSigner) Sign(_ io.Reader, data []byte) (*ssh.Signature, error) {
	var flags byte
	if s.touched {
		flags = skUserPresence
	}
	const counter = 7
	app := sha256.Sum256([]byte("ssh:"))
	msg := sha256.Sum256(data)
	signed := ssh.Marshal(struct {
		App     []byte `ssh:"rest"`
		Flags   byte
		Counter uint32
		Msg     []byte `ssh:"rest"`
	}{app[:], flags, counter, msg[:]})
	return &ssh.Signature{
		Format: ssh.KeyAlgoSKED25519,
		Blob:   ed25519.Sign(s.priv, signed),
		Rest: ssh.Marshal(struct {
			Flags   byte
			Counter uint32
		}{flags, counter}),
	}, nil
}

// pgpOptions say how newEntity makes an OpenPGP key.
type pgpOptions struct {
	algorithm packet.PublicKeyAlgorithm // default EdDSA
	v6        bool
	lifetime  time.Duration // key lifetime, 0 for none
	subkey    bool          // add a signing subkey
	subLife   time.Duration // the signing subkey's lifetime, 0 for none
}

// newEntity makes an OpenPGP key at t0, as gpg --quick-generate-key would.
func newEntity(t testing.TB, o pgpOptions) *openpgp.Entity {
	t.Helper()
	cfg := &packet.Config{
		Algorithm:       o.algorithm,
		RSABits:         2048,
		V6Keys:          o.v6,
		KeyLifetimeSecs: uint32(o.lifetime / time.Second),
		Time:            func() time.Time { return t0 },
	}
	if cfg.Algorithm == 0 {
		cfg.Algorithm = packet.PubKeyAlgoEdDSA
	}
	if cfg.Algorithm == packet.PubKeyAlgoECDSA {
		cfg.Curve = packet.CurveNistP256
	}
	if o.v6 && cfg.Algorithm == packet.PubKeyAlgoEdDSA {
		cfg.Algorithm = packet.PubKeyAlgoEd25519
	}
	e, err := openpgp.NewEntity("Member", "", "member@example.org", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if o.subkey {
		sub := *cfg
		sub.Time = func() time.Time { return t0.Add(time.Hour) }
		sub.KeyLifetimeSecs = uint32(o.subLife / time.Second)
		if err := e.AddSigningSubkey(&sub); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// exportPGP returns e's public key as gpg --armor --export prints it.
func exportPGP(t testing.TB, e *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// exportSecretPGP returns e's secret key as gpg --armor --export-secret-keys prints it.
func exportSecretPGP(t testing.TB, e *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PrivateKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SerializePrivate(w, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// pgpKey registers e's public key through ParseKey.
func pgpKey(t testing.TB, e *openpgp.Entity) *Key {
	t.Helper()
	k, err := ParseKey(exportPGP(t, e))
	if err != nil {
		t.Fatalf("ParseKey(OpenPGP key): %v", err)
	}
	return k
}

// pgpSign signs message at the given time, as gpg --armor --detach-sign does.
func pgpSign(t testing.TB, e *openpgp.Entity, message []byte, at time.Time, h crypto.Hash) []byte {
	t.Helper()
	var b bytes.Buffer
	cfg := &packet.Config{Time: func() time.Time { return at }, DefaultHash: h}
	if err := openpgp.ArmoredDetachSign(&b, e, bytes.NewReader(message), cfg); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantErr fails t unless err wraps want (or is nil when want is nil).
func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want %v", err, want)
	}
}

// sshAuthorizedRSA returns the authorized_keys line of a fresh RSA key of bits bits.
func sshAuthorizedRSA(t testing.TB, bits int) string {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(ssh.MarshalAuthorizedKey(pub))
}

// exportTwo returns one armored block holding two public keys, as gpg --armor
// --export with two names prints it.
func exportTwo(t testing.TB, a, b *openpgp.Entity) string {
	t.Helper()
	var out bytes.Buffer
	w, err := armor.Encode(&out, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*openpgp.Entity{a, b} {
		if err := e.Serialize(w); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

// pgpSignature returns the first signature packet of an armored signature.
func pgpSignature(t testing.TB, armored []byte) *packet.Signature {
	t.Helper()
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		t.Fatal(err)
	}
	p, err := packet.Read(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		t.Fatalf("got %T, want a signature", p)
	}
	return sig
}

func pgpIssuer(t testing.TB, armored []byte) uint64 { return *pgpSignature(t, armored).IssuerKeyId }

func pgpHash(t testing.TB, armored []byte) crypto.Hash { return pgpSignature(t, armored).Hash }

// armoredDetachSignText signs message in text mode, as gpg --armor --textmode
// --detach-sign does.
func armoredDetachSignText(w io.Writer, e *openpgp.Entity, message []byte, cfg *packet.Config) error {
	return openpgp.ArmoredDetachSignText(w, e, bytes.NewReader(message), cfg)
}

// signingSubkey returns e's subkey for signing (NewEntity also adds one for encryption).
func signingSubkey(t testing.TB, e *openpgp.Entity) *openpgp.Subkey {
	t.Helper()
	for i, s := range e.Subkeys {
		if s.Sig.FlagSign {
			return &e.Subkeys[i]
		}
	}
	t.Fatal("no signing subkey")
	return nil
}

// pgpSignRaw signs message with e's primary key as of created with hash h, below the
// checks of openpgp.ArmoredDetachSign, which refuses to sign with SHA-1 or before
// the key was made: an attacker's tools do not refuse.
func pgpSignRaw(t testing.TB, e *openpgp.Entity, message []byte, created time.Time, h crypto.Hash) []byte {
	t.Helper()
	sig := &packet.Signature{
		Version:      e.PrimaryKey.Version,
		SigType:      packet.SigTypeBinary,
		PubKeyAlgo:   e.PrimaryKey.PubKeyAlgo,
		Hash:         h,
		CreationTime: created,
		IssuerKeyId:  &e.PrimaryKey.KeyId,
	}
	salted := false // go-crypto's salt notation has no size for SHA-1
	cfg := &packet.Config{Time: func() time.Time { return created }, NonDeterministicSignaturesViaNotation: &salted}
	hh, err := sig.PrepareSign(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hh.Write(message)
	if err := sig.Sign(hh, e.PrivateKey, cfg); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.SignatureType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := sig.Serialize(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// armorPGP armors raw OpenPGP packets as a block of the given type.
func armorPGP(t testing.TB, blockType string, packets []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, blockType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(packets); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pgpBinary returns the packets inside an armored block.
func pgpBinary(t testing.TB, armored []byte) []byte {
	t.Helper()
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(block.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hugeDSAKey returns the packets of a v4 DSA key with p of pBits bits and a user ID
// self-signature that go-crypto will check (its issuer is the key), as an attacker
// would craft it: checking it costs two exponentiations as large as the key.
func hugeDSAKey(t testing.TB, pBits int) []byte {
	t.Helper()
	mpi := func(bits int) []byte {
		n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), uint(bits)))
		if err != nil {
			t.Fatal(err)
		}
		n.SetBit(n, bits-1, 1)
		return append([]byte{byte(bits >> 8), byte(bits)}, n.Bytes()...)
	}
	frame := func(tag byte, body []byte) []byte {
		return append(binary.BigEndian.AppendUint32([]byte{0xc0 | tag, 0xff}, uint32(len(body))), body...)
	}
	qBits := pBits - 8
	key := []byte{4, 0x67, 0xc2, 0xf6, 0xc0, byte(packet.PubKeyAlgoDSA)}
	for _, bits := range []int{pBits, qBits, pBits - 8, pBits - 8} { // p, q, g, y
		key = append(key, mpi(bits)...)
	}
	fpr := sha1.Sum(append([]byte{0x99, byte(len(key) >> 8), byte(len(key))}, key...))
	sig := []byte{4, byte(packet.SigTypePositiveCert), byte(packet.PubKeyAlgoDSA), 8, // SHA-256
		0, 6, 5, 2, 0x67, 0xc2, 0xf6, 0xc1, // hashed: creation time
		0, 10, 9, 16} // unhashed: issuer
	sig = append(append(sig, fpr[12:]...), 0xab, 0xcd)
	sig = append(append(sig, mpi(qBits-8)...), mpi(qBits-8)...) // r, s
	return slices.Concat(frame(6, key), frame(13, []byte("Mallory <m@example.org>")), frame(2, sig))
}
