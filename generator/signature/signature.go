// Package signature checks that a vote or a comment was signed by a registered member.
//
// Under the vote policy "signed", a reaction counts only if it is signed by a key that a
// member of the voting body registered in the body's file (the YAML list keys:). Members
// sign in one of two ways, and both are checked here:
//
//   - a signed Git commit (git commit -S), with an OpenPGP key or, since Git 2.34, an SSH
//     key: the commit's gpgsig header signs the commit without that header;
//   - a detached signature next to the file (ssh-keygen -Y sign -n pspm, or gpg --armor
//     --detach-sign), which signs the file's bytes.
//
// Keys are parsed once with ParseKey and signatures checked with Verify. A Signer
// (NewSSHSigner, NewOpenPGPSigner) makes the signatures of the tags pspm release writes,
// as git tag -s would. This package is the only one that imports the OpenPGP and SSH
// signature libraries; the rest of pspm sees Key, Signer and the four errors only.
//
// The result depends on nothing but the arguments: Verify never reads the clock, so a
// site built twice from the same repository counts the same votes.
package signature

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"golang.org/x/crypto/ssh"
)

// Key is one registered public key, as parsed by ParseKey. A Key is never changed after
// ParseKey returns, so one Key may be used by many Verify calls at once.
type Key struct {
	// Kind is "openpgp" or "ssh".
	Kind string
	// Fingerprint names the key the way its owner's tools print it, so that a member
	// can recognise their key in a page or a diagnostic: "SHA256:..." for SSH, as
	// ssh-keygen -l prints it, and the upper-case hexadecimal fingerprint of the
	// primary key for OpenPGP, as gpg --fingerprint prints it (without spaces).
	Fingerprint string

	sshKey  ssh.PublicKey   // for Kind "ssh"
	sshWire []byte          // sshKey in wire format, to compare keys exactly
	pgp     *openpgp.Entity // for Kind "openpgp"
}

// Namespaces of SSH signatures. An SSH signature names the use it was made for, so a
// signature made for one use (a commit) cannot be replayed as another (a vote file).
// OpenPGP signatures have no namespace.
const (
	// NamespaceGit is the namespace Git uses for SSH-signed commits and tags.
	NamespaceGit = "git"
	// NamespacePSPM is the namespace of detached signatures of pspm files, made with
	// ssh-keygen -Y sign -n pspm -f KEY FILE.
	NamespacePSPM = "pspm"
)

// The errors of Verify. Each error Verify returns wraps exactly one of them, with a
// message for the member who signed; tell them apart with errors.Is.
var (
	// ErrUnsigned says that there is no signature at all (sig is empty or blank).
	ErrUnsigned = errors.New("not signed")
	// ErrMalformed says that sig is not a signature this package can read: damaged,
	// cut, not armored, or of an unsupported format.
	ErrMalformed = errors.New("malformed signature")
	// ErrUnknownKey says that sig is a well-formed signature made by a key that is
	// not among the keys given to Verify: not registered, or registered for someone
	// outside the voting body.
	ErrUnknownKey = errors.New("signed by a key that is not registered")
	// ErrBadSignature says that sig was made by one of the keys but does not count:
	// it does not match the message, was made for another namespace, uses a weak
	// hash, or was made by a key that was expired or revoked at the time given.
	ErrBadSignature = errors.New("invalid signature")
)

// maxSize bounds keys and signatures. Real ones are far smaller (an SSH signature is
// under 1 KiB, an exported OpenPGP key a few KiB), and the bound keeps the work done on
// input from a merge request small.
const maxSize = 64 << 10

const (
	kindOpenPGP = "openpgp"
	kindSSH     = "ssh"
)

const howToRegister = "paste the line of id_ed25519.pub (or another .pub file), or the output of gpg --armor --export EMAIL"

// ParseKey parses one registered key: an SSH public key in authorized_keys form
// ("ssh-ed25519 AAAA... comment"; also ECDSA, RSA of 2048 bits or more, and the
// security-key types sk-ssh-ed25519 and sk-ecdsa), or an OpenPGP public key block
// holding exactly one key that can sign. Anything else, including options before an
// SSH key, SSH certificates, weak keys and private keys, is refused with an error that
// says what to paste instead: the text comes from a body file a person edited.
//
// ParseKey never panics, and refuses text over 64 KiB without parsing it.
func ParseKey(text string) (*Key, error) {
	if len(text) > maxSize {
		return nil, fmt.Errorf("the key is %d bytes long, more than the %d KiB a public key needs: %s", len(text), maxSize>>10,
			"for OpenPGP, export it without third-party signatures with gpg --armor --export-options export-minimal --export EMAIL")
	}
	t := strings.TrimSpace(text)
	switch {
	case t == "":
		return nil, fmt.Errorf("the key is empty: %s", howToRegister)
	case strings.Contains(t, "-----BEGIN") && strings.Contains(t, "PRIVATE KEY"):
		return nil, fmt.Errorf("this is a PRIVATE key, which must stay secret: remove it from the repository at once " +
			"and make a new key, since it is no longer secret; then register the public key: " + howToRegister)
	case strings.Contains(t, "-----BEGIN PGP "):
		return parseOpenPGPKey(t)
	case strings.HasPrefix(t, "---- BEGIN SSH2 PUBLIC KEY ----"):
		return nil, fmt.Errorf("this SSH key is in the RFC 4716 format (as PuTTY writes it): " +
			"convert it with ssh-keygen -i -f FILE and paste the line it prints")
	}
	return parseSSHKey(t)
}

// Verify checks that sig is a valid signature of message made by one of keys, and
// returns that key (the *Key from keys, so the caller can tell whose it is). sig is an
// armored SSH signature (-----BEGIN SSH SIGNATURE-----), which must have been made for
// namespace, or an armored OpenPGP signature (-----BEGIN PGP SIGNATURE-----), which has
// no namespace. Text around the armor is ignored; if there are several signatures,
// the first is checked.
//
// at is the time the signature is judged at, and must not be zero: callers pass the
// commit time from Git, never the wall clock, so that every build counts the same
// votes. For OpenPGP, the signing key must exist, be unexpired and unrevoked at at (a
// revocation made later does not undo earlier votes, unless it says the key was
// compromised), and the signature must not be made more than 15 minutes after at,
// so that a commit cannot be dated before a deadline and signed after it. SSH keys
// and signatures carry no times.
//
// If two keys in keys are the same, the first is returned. Keys that did not come
// from ParseKey are ignored. The error wraps ErrUnsigned, ErrMalformed, ErrUnknownKey
// or ErrBadSignature, except when the caller passes a zero at or an empty namespace.
// Verify never panics, and refuses sig over 64 KiB without parsing it.
func Verify(sig, message []byte, namespace string, keys []*Key, at time.Time) (*Key, error) {
	if at.IsZero() {
		return nil, errors.New("signature: Verify needs the time to judge the signature at (the commit time), got none")
	}
	if namespace == "" {
		return nil, errors.New("signature: Verify needs a namespace (NamespaceGit or NamespacePSPM), got none")
	}
	if len(sig) > maxSize {
		return nil, fmt.Errorf("%w: %d bytes, more than the %d KiB a signature needs", ErrMalformed, len(sig), maxSize>>10)
	}
	if len(bytes.TrimSpace(sig)) == 0 {
		return nil, ErrUnsigned
	}
	sshAt := bytes.Index(sig, []byte(sshBegin))
	pgpAt := bytes.Index(sig, []byte(pgpBegin))
	switch {
	case sshAt >= 0 && (pgpAt < 0 || sshAt < pgpAt):
		return verifySSH(sig[sshAt:], message, namespace, keys)
	case pgpAt >= 0:
		return verifyOpenPGP(sig[pgpAt:], message, namespace, keys, at)
	}
	return nil, fmt.Errorf("%w: no %s or %s line: sign with ssh-keygen -Y sign -n %s -f KEY FILE, or gpg --armor --detach-sign FILE (--armor is needed)",
		ErrMalformed, sshBegin, pgpBegin, namespace)
}

// maxSignDelay is how long after the time given to Verify an OpenPGP signature may
// have been made. Git takes the commit time before it runs gpg, and gpg may wait for
// the passphrase, so a signature is often a few seconds younger than its commit.
const maxSignDelay = 15 * time.Minute

// what names what a signature in namespace signs, for messages.
func what(namespace string) string {
	if namespace == NamespaceGit {
		return "commit"
	}
	return "file"
}
