package signature

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

const pgpBegin = "-----BEGIN PGP SIGNATURE-----"

// parseOpenPGPKey parses an armored OpenPGP public key block holding one key.
func parseOpenPGPKey(t string) (*Key, error) {
	const export = "paste the whole output of gpg --armor --export EMAIL, from its -----BEGIN PGP PUBLIC KEY BLOCK----- line to its -----END line"
	block, err := armor.Decode(strings.NewReader(t))
	if err != nil {
		return nil, fmt.Errorf("the OpenPGP key block is cut or damaged: %s", export)
	}
	if block.Type != openpgp.PublicKeyType {
		return nil, fmt.Errorf("this is an OpenPGP block of type %q, not a public key block: %s", block.Type, export)
	}
	body, err := io.ReadAll(block.Body)
	if err != nil {
		return nil, fmt.Errorf("the OpenPGP key block is cut or damaged (%v): %s", err, export)
	}
	if err := scanPGP(body, keyTags); err != nil {
		if weak := (*weakKeyError)(nil); errors.As(err, &weak) {
			return nil, fmt.Errorf("this OpenPGP key is %s, which is not accepted: make a new key with gpg --quick-generate-key EMAIL ed25519 and register it", weak)
		}
		return nil, fmt.Errorf("the OpenPGP key cannot be read (%v); it may be cut or damaged: %s", err, export)
	}
	ring, err := openpgp.ReadKeyRing(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("the OpenPGP key cannot be read (%v); it may be cut or damaged: %s", err, export)
	}
	if len(ring) != 1 {
		return nil, fmt.Errorf("the OpenPGP key block holds %d keys: export one key per item of keys: with gpg --armor --export FINGERPRINT", len(ring))
	}
	e := ring[0]
	fpr := strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
	if hasPrivate(e) {
		return nil, fmt.Errorf("the OpenPGP key %s holds PRIVATE key material, which must stay secret: remove it, make a new key, and register its public key with gpg --armor --export EMAIL", fpr)
	}
	if self, _ := e.PrimarySelfSignature(); self == nil {
		return nil, fmt.Errorf("the OpenPGP key %s has no valid user ID: %s", fpr, export)
	}
	if weak := weakPGPKey(e.PrimaryKey); weak != "" {
		return nil, fmt.Errorf("the OpenPGP key %s is %s, which is too weak: make a new key with gpg --quick-generate-key EMAIL ed25519 and register it", fpr, weak)
	}
	if !canSign(e) {
		return nil, fmt.Errorf("the OpenPGP key %s has no key that may sign: add a signing subkey with gpg --quick-add-key %s ed25519 sign, then export it again", fpr, fpr)
	}
	return &Key{Kind: kindOpenPGP, Fingerprint: fpr, pgp: e}, nil
}

// hasPrivate reports whether e carries secret key material.
func hasPrivate(e *openpgp.Entity) bool {
	if e.PrivateKey != nil {
		return true
	}
	for _, sub := range e.Subkeys {
		if sub.PrivateKey != nil {
			return true
		}
	}
	return false
}

// canSign reports whether the primary key or a subkey of e is marked for signing,
// whatever the time: whether it may sign at a given time is for Verify to judge.
func canSign(e *openpgp.Entity) bool {
	if self, _ := e.PrimarySelfSignature(); self != nil && self.FlagsValid && self.FlagSign && e.PrimaryKey.CanSign() {
		return true
	}
	for _, sub := range e.Subkeys {
		if sub.Sig != nil && sub.Sig.FlagsValid && sub.Sig.FlagSign && sub.PublicKey.CanSign() {
			return true
		}
	}
	return false
}

// weakPGPKey says why pk is too weak to count votes with, or returns "".
func weakPGPKey(pk *packet.PublicKey) string {
	switch pk.PubKeyAlgo {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly:
		bits, err := pk.BitLength()
		if err != nil || int(bits) < minRSABits || int(bits) > maxRSABits {
			return fmt.Sprintf("an RSA key of %d bits", bits)
		}
	case packet.PubKeyAlgoDSA:
		return "a DSA key"
	}
	return ""
}

// acceptedHashes are the hashes an OpenPGP signature may use. MD5, SHA-1 and
// RIPEMD-160 are refused: a collision lets one signature sign two texts.
var acceptedHashes = [...]crypto.Hash{crypto.SHA224, crypto.SHA256, crypto.SHA384, crypto.SHA512, crypto.SHA3_256, crypto.SHA3_512}

// verifyOpenPGP verifies an armored OpenPGP detached signature; armored starts with
// pgpBegin. Unlike openpgp.CheckArmoredDetachedSignature, it judges the key at at
// without requiring the key's self-signatures to be older than at: a member who
// extends their key's expiry later re-signs it, and that must not undo their votes.
func verifyOpenPGP(armored, message []byte, namespace string, keys []*Key, at time.Time) (*Key, error) {
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil || block.Type != openpgp.SignatureType {
		return nil, fmt.Errorf("%w: the OpenPGP signature is cut or damaged: it needs its -----END PGP SIGNATURE----- line and every line between", ErrMalformed)
	}
	body, err := io.ReadAll(block.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: the OpenPGP signature is damaged: %v", ErrMalformed, err)
	}
	if err := scanPGP(body, sigTags); err != nil {
		return nil, fmt.Errorf("%w: the OpenPGP signature is damaged (%v): sign with gpg --armor --detach-sign FILE", ErrMalformed, err)
	}
	var sigs []*packet.Signature
	packets := packet.NewReader(bytes.NewReader(body))
	for {
		p, err := packets.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: the OpenPGP signature is damaged: %v", ErrMalformed, err)
		}
		sig, ok := p.(*packet.Signature)
		if !ok {
			return nil, fmt.Errorf("%w: the OpenPGP block holds more than signatures: sign with gpg --armor --detach-sign FILE", ErrMalformed)
		}
		sigs = append(sigs, sig)
	}
	if len(sigs) == 0 {
		return nil, fmt.Errorf("%w: the OpenPGP block holds no signature this version of pspm can read", ErrMalformed)
	}

	var ring openpgp.EntityList
	var owners []*Key
	for _, k := range keys {
		if k != nil && k.Kind == kindOpenPGP && k.pgp != nil {
			ring = append(ring, k.pgp)
			owners = append(owners, k)
		}
	}
	owner := func(e *openpgp.Entity) *Key {
		for i, r := range ring {
			if r == e {
				return owners[i]
			}
		}
		return nil
	}

	var issuers []string
	var firstErr error
	for _, sig := range sigs {
		if err := checkSigShape(sig); err != nil {
			return nil, err
		}
		for _, cand := range ring.KeysById(*sig.IssuerKeyId) {
			key := owner(cand.Entity)
			if key == nil {
				continue
			}
			err := verifyPGPSig(sig, cand, key, message, namespace, at)
			if err == nil {
				return key, nil
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if len(sig.IssuerFingerprint) > 0 {
			issuers = append(issuers, strings.ToUpper(hex.EncodeToString(sig.IssuerFingerprint)))
		} else {
			issuers = append(issuers, fmt.Sprintf("%016X", *sig.IssuerKeyId))
		}
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return nil, fmt.Errorf("%w: the OpenPGP key %s is not among the registered keys", ErrUnknownKey, strings.Join(issuers, ", "))
}

// checkSigShape refuses signatures that are not over a document, or that this package
// does not check: v5 (LibrePGP) signatures and signatures without an issuer.
func checkSigShape(sig *packet.Signature) error {
	if sig.Version != 4 && sig.Version != 6 {
		return fmt.Errorf("%w: OpenPGP signatures of version %d are not supported: sign with a version 4 or 6 key", ErrMalformed, sig.Version)
	}
	if sig.SigType != packet.SigTypeBinary && sig.SigType != packet.SigTypeText {
		return fmt.Errorf("%w: the OpenPGP signature is not over a document (type 0x%02x): sign with gpg --armor --detach-sign FILE", ErrMalformed, uint8(sig.SigType))
	}
	if sig.IssuerKeyId == nil {
		return fmt.Errorf("%w: the OpenPGP signature does not say which key made it", ErrMalformed)
	}
	return nil
}

// verifyPGPSig checks sig over message against cand, a key or subkey of key with the
// signature's issuer key ID, and then whether cand could sign at at. namespace only
// names what is signed in messages.
func verifyPGPSig(sig *packet.Signature, cand openpgp.Key, key *Key, message []byte, namespace string, at time.Time) error {
	fpr := key.Fingerprint
	if cand.SelfSignature == nil || !cand.SelfSignature.FlagsValid || !cand.SelfSignature.FlagSign || !cand.PublicKey.CanSign() {
		return fmt.Errorf("%w: the OpenPGP signature was made by a key of %s that is not for signing", ErrBadSignature, fpr)
	}
	if len(sig.IssuerFingerprint) > 0 && !bytes.Equal(sig.IssuerFingerprint, cand.PublicKey.Fingerprint) {
		return fmt.Errorf("%w: the OpenPGP signature names another key than %s", ErrBadSignature, fpr)
	}
	if sig.PubKeyAlgo != cand.PublicKey.PubKeyAlgo {
		return fmt.Errorf("%w: the OpenPGP signature was not made by %s (algorithms differ)", ErrBadSignature, fpr)
	}
	if weak := weakPGPKey(cand.PublicKey); weak != "" {
		return fmt.Errorf("%w: the OpenPGP key %s signed with %s, which is too weak", ErrBadSignature, fpr, weak)
	}
	if !acceptedHash(sig.Hash) {
		return fmt.Errorf("%w: the OpenPGP signature by %s uses the hash %s, which is too weak: sign again with gpg --digest-algo SHA256", ErrBadSignature, fpr, hashName(sig.Hash))
	}
	h, err := sig.PrepareVerify()
	if err != nil {
		return fmt.Errorf("%w: the OpenPGP signature by %s cannot be checked: %v", ErrBadSignature, fpr, err)
	}
	var w hash.Hash = h
	if sig.SigType == packet.SigTypeText {
		w = openpgp.NewCanonicalTextHash(h)
	}
	w.Write(message)
	if err := cand.PublicKey.VerifySignature(h, sig); err != nil {
		return fmt.Errorf("%w: the OpenPGP signature by %s does not match this %s (was it changed after signing?)", ErrBadSignature, fpr, what(namespace))
	}
	return checkPGPTimes(sig, cand, fpr, at)
}

// checkPGPTimes judges at at whether the key and subkey that made sig were valid.
// It follows the checks of go-crypto's checkMessageSignatureDetails, except that
// self-signatures made after at (a later change of expiry) are accepted.
func checkPGPTimes(sig *packet.Signature, cand openpgp.Key, fpr string, at time.Time) error {
	e := cand.Entity
	self, identity := e.PrimarySelfSignature()
	if self == nil {
		return fmt.Errorf("%w: the OpenPGP key %s has no valid user ID", ErrBadSignature, fpr)
	}
	bySubkey := cand.PublicKey != e.PrimaryKey
	checked := []*packet.Signature{sig, self}
	if bySubkey {
		checked = append(checked, cand.SelfSignature)
		if cand.SelfSignature.EmbeddedSignature != nil {
			checked = append(checked, cand.SelfSignature.EmbeddedSignature)
		}
	}
	for _, s := range checked {
		for _, n := range s.Notations {
			if n.IsCritical {
				return fmt.Errorf("%w: the OpenPGP signature or key %s has a critical notation %q that pspm does not understand", ErrBadSignature, fpr, n.Name)
			}
		}
	}
	when := stamp(at)
	revocations := [][]*packet.Signature{e.Revocations}
	if bySubkey {
		revocations = append(revocations, cand.Revocations)
	}
	if identity != nil {
		revocations = append(revocations, identity.Revocations)
	}
	if e.Revoked(at) || (bySubkey && cand.Revoked(at)) || (identity != nil && identity.Revoked(at)) {
		if compromised(revocations) {
			return fmt.Errorf("%w: the OpenPGP key %s was revoked as compromised, so none of its signatures count", ErrBadSignature, fpr)
		}
		return fmt.Errorf("%w: the OpenPGP key %s had been revoked by %s", ErrBadSignature, fpr, when)
	}
	made := sig.CreationTime
	if made.Unix() > at.Add(maxSignDelay).Unix() {
		return fmt.Errorf("%w: the OpenPGP signature by %s was made at %s, more than %d minutes after %s",
			ErrBadSignature, fpr, stamp(made), int(maxSignDelay/time.Minute), when)
	}
	if made.Unix() < cand.PublicKey.CreationTime.Unix() {
		return fmt.Errorf("%w: the OpenPGP signature by %s is dated %s, before its key was made", ErrBadSignature, fpr, stamp(made))
	}
	if err := keyExpired(e.PrimaryKey, self, fpr, at); err != nil {
		return err
	}
	if bySubkey {
		if err := keyExpired(cand.PublicKey, cand.SelfSignature, fpr, at); err != nil {
			return err
		}
	}
	for _, s := range checked {
		if s.SigLifetimeSecs == nil || *s.SigLifetimeSecs == 0 {
			continue
		}
		if end := s.CreationTime.Add(time.Duration(*s.SigLifetimeSecs) * time.Second); at.Unix() > end.Unix() {
			return fmt.Errorf("%w: a signature of the OpenPGP key %s expired at %s, before %s", ErrBadSignature, fpr, stamp(end), when)
		}
	}
	return nil
}

// keyExpired says whether pk, whose validity self states, did not exist yet or had
// expired at at. A key made shortly after at is let through for the same reason as
// a signature (see maxSignDelay).
func keyExpired(pk *packet.PublicKey, self *packet.Signature, fpr string, at time.Time) error {
	if pk.CreationTime.Unix() > at.Add(maxSignDelay).Unix() {
		return fmt.Errorf("%w: the OpenPGP key %s was made at %s, after %s", ErrBadSignature, fpr, stamp(pk.CreationTime), stamp(at))
	}
	if self.KeyLifetimeSecs == nil || *self.KeyLifetimeSecs == 0 {
		return nil
	}
	if end := pk.CreationTime.Add(time.Duration(*self.KeyLifetimeSecs) * time.Second); at.Unix() > end.Unix() {
		return fmt.Errorf("%w: the OpenPGP key %s expired at %s, before %s: extend it with gpg --quick-set-expire %s and register it again",
			ErrBadSignature, fpr, stamp(end), stamp(at), fpr)
	}
	return nil
}

// compromised reports whether one of the revocations says the key was compromised.
func compromised(lists [][]*packet.Signature) bool {
	for _, list := range lists {
		for _, r := range list {
			if r.RevocationReason != nil && *r.RevocationReason == packet.KeyCompromised {
				return true
			}
		}
	}
	return false
}

func acceptedHash(h crypto.Hash) bool {
	for _, a := range acceptedHashes {
		if h == a {
			return true
		}
	}
	return false
}

func hashName(h crypto.Hash) string {
	if h >= crypto.MD4 && h <= crypto.BLAKE2b_512 {
		return h.String()
	}
	return "unknown"
}

// stamp formats t for messages, the same way wherever the build runs.
func stamp(t time.Time) string {
	return t.UTC().Format(time.RFC3339)
}
