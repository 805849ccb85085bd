package signature

import (
	"bytes"
	"crypto/rsa"
	"encoding/pem"
	"fmt"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

const sshBegin = "-----BEGIN SSH SIGNATURE-----"

// minRSABits is the smallest RSA key accepted, SSH or OpenPGP: shorter keys are within
// reach of a well-funded attacker, and every tool has made longer ones for years.
const minRSABits = 2048

// parseSSHKey parses one authorized_keys line.
func parseSSHKey(t string) (*Key, error) {
	pub, _, options, rest, err := ssh.ParseAuthorizedKey([]byte(t))
	if err != nil {
		return nil, fmt.Errorf("not an SSH public key or an OpenPGP public key block: %s", howToRegister)
	}
	if len(options) > 0 {
		return nil, fmt.Errorf("remove %q before the key type: a registered SSH key takes no options", options[0])
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, fmt.Errorf("more than one key in one entry: write each key as its own item of keys:")
	}
	switch pub.Type() {
	case ssh.KeyAlgoED25519, ssh.KeyAlgoSKED25519, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoSKECDSA256:
	case ssh.KeyAlgoRSA:
		if bits := rsaBits(pub); bits < minRSABits {
			return nil, fmt.Errorf("this SSH RSA key has %d bits, fewer than the %d needed: make a new key with ssh-keygen -t ed25519 and register it", bits, minRSABits)
		}
	default:
		if _, ok := pub.(*ssh.Certificate); ok {
			return nil, fmt.Errorf("this is an SSH certificate, not a key: register the key it certifies (the .pub file without -cert)")
		}
		return nil, fmt.Errorf("SSH keys of type %s are not accepted: make a new key with ssh-keygen -t ed25519 and register it", pub.Type())
	}
	wire := pub.Marshal()
	return &Key{Kind: kindSSH, Fingerprint: ssh.FingerprintSHA256(pub), sshKey: pub, sshWire: wire}, nil
}

// rsaBits returns the size of an SSH RSA key, or 0 if pub is not one.
func rsaBits(pub ssh.PublicKey) int {
	c, ok := pub.(ssh.CryptoPublicKey)
	if !ok {
		return 0
	}
	k, ok := c.CryptoPublicKey().(*rsa.PublicKey)
	if !ok || k.N == nil {
		return 0
	}
	return k.N.BitLen()
}

// sshSigBlob is the outer layer of an SSH signature (PROTOCOL.sshsig), read before
// sshsig.ParseSignature so that the errors can say whose signature it is first: a
// signature by a stranger is ErrUnknownKey whatever else is wrong with it.
type sshSigBlob struct {
	Magic         [6]byte
	Version       uint32
	PublicKey     string
	Namespace     string
	Reserved      string
	HashAlgorithm string
	Signature     string
}

// verifySSH verifies an SSH signature; armored starts with sshBegin.
func verifySSH(armored, message []byte, namespace string, keys []*Key) (*Key, error) {
	block, _ := pem.Decode(armored)
	if block == nil || block.Type != sshsig.PEMType {
		return nil, fmt.Errorf("%w: the SSH signature is cut or damaged: it needs its -----END SSH SIGNATURE----- line and every line between", ErrMalformed)
	}
	var blob sshSigBlob
	if err := ssh.Unmarshal(block.Bytes, &blob); err != nil {
		return nil, fmt.Errorf("%w: the SSH signature is damaged: %v", ErrMalformed, err)
	}
	if string(blob.Magic[:]) != "SSHSIG" || blob.Version != 1 {
		return nil, fmt.Errorf("%w: not an SSH signature of version 1 (made by ssh-keygen -Y sign)", ErrMalformed)
	}
	signer, err := ssh.ParsePublicKey([]byte(blob.PublicKey))
	if err != nil {
		return nil, fmt.Errorf("%w: the SSH signature names a key that cannot be read: %v", ErrMalformed, err)
	}
	// A signature made with a certificate is made by the certified key: the
	// certificate is not part of what is signed.
	if cert, ok := signer.(*ssh.Certificate); ok {
		signer = cert.Key
	}
	wire := signer.Marshal()
	var key *Key
	for _, k := range keys {
		if k != nil && k.Kind == kindSSH && k.sshKey != nil && bytes.Equal(k.sshWire, wire) {
			key = k
			break
		}
	}
	if key == nil {
		return nil, fmt.Errorf("%w: the SSH key %s is not among the registered keys", ErrUnknownKey, ssh.FingerprintSHA256(signer))
	}
	if blob.Namespace != namespace {
		return nil, fmt.Errorf("%w: the SSH signature is for %q, not %q: sign again with -n %s", ErrBadSignature, blob.Namespace, namespace, namespace)
	}
	var inner ssh.Signature
	if err := ssh.Unmarshal([]byte(blob.Signature), &inner); err != nil {
		return nil, fmt.Errorf("%w: the SSH signature by %s is damaged: %v", ErrBadSignature, key.Fingerprint, err)
	}
	if inner.Format == ssh.KeyAlgoRSA {
		return nil, fmt.Errorf("%w: the SSH signature by %s uses SHA-1 (ssh-rsa), which is too weak: sign again with ssh-keygen -Y sign, which uses rsa-sha2-512", ErrBadSignature, key.Fingerprint)
	}
	if isSK(key.sshKey) && (len(inner.Rest) == 0 || inner.Rest[0]&skUserPresence == 0) {
		return nil, fmt.Errorf("%w: the SSH signature by security key %s was made without touching the key: sign again and touch the key when it blinks", ErrBadSignature, key.Fingerprint)
	}
	sig, err := sshsig.ParseSignature(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%w: the SSH signature by %s is not acceptable: %v", ErrBadSignature, key.Fingerprint, err)
	}
	sig.PublicKey = key.sshKey
	if err := sshsig.Verify(bytes.NewReader(message), sig, key.sshKey, sig.HashAlgorithm, namespace); err != nil {
		return nil, fmt.Errorf("%w: the SSH signature by %s does not match this %s (was it changed after signing?)", ErrBadSignature, key.Fingerprint, what(namespace))
	}
	return key, nil
}

// skUserPresence is the flag a FIDO security key sets in a signature when it was
// touched. OpenSSH requires it by default, and so does pspm: a key plugged in is not a
// member voting.
const skUserPresence = 0x01

// isSK reports whether pub lives on a FIDO security key.
func isSK(pub ssh.PublicKey) bool {
	t := pub.Type()
	return t == ssh.KeyAlgoSKED25519 || t == ssh.KeyAlgoSKECDSA256
}
