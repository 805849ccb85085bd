package signature

import (
	"bytes"
	"crypto/ed25519"
	"fmt"
	"strings"

	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
)

// SeededSSHKey is an Ed25519 SSH key made from a fixed seed: the same seed always gives
// the same key and, Ed25519 signatures being deterministic, the same signature of the
// same message. It is for generated repositories (the demo's signed plan version), whose
// bytes must not change from one run to the next; a real maintainer signs with Git.
type SeededSSHKey struct {
	signer ssh.Signer
}

// NewSeededSSHKey makes the key of a 32-byte seed.
func NewSeededSSHKey(seed []byte) (*SeededSSHKey, error) {
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("signature: a seed of %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	s, err := ssh.NewSignerFromSigner(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		return nil, err
	}
	return &SeededSSHKey{signer: s}, nil
}

// AuthorizedKey is the public key as a line of authorized_keys, with comment after it
// (the form a body's file lists under keys:).
func (k *SeededSSHKey) AuthorizedKey(comment string) string {
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(k.signer.PublicKey())), "\n")
	if comment != "" {
		line += " " + comment
	}
	return line
}

// Sign signs message in namespace (NamespaceGit for a commit or a tag) as
// `ssh-keygen -Y sign` does, and returns the armored signature.
func (k *SeededSSHKey) Sign(message []byte, namespace string) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(message), k.signer, sshsig.HashSHA512, namespace)
	if err != nil {
		return nil, err
	}
	return sshsig.Armor(sig), nil
}
