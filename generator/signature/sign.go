package signature

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/hiddeco/sshsig"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

// Signer signs Git objects (the tags of plan versions) with one private key, making the
// armored signature git tag -s makes: OpenPGP, or SSH in the "git" namespace.
type Signer struct {
	// Kind is "openpgp" or "ssh".
	Kind string
	// Fingerprint names the key as Key.Fingerprint does, so that a maintainer can
	// check it is the key registered in the owner body's file.
	Fingerprint string

	sign func(payload []byte, at time.Time, namespace string) ([]byte, error)
}

// Sign returns the armored signature of payload, made at the time at (OpenPGP records
// it; SSH signatures carry no time).
func (s *Signer) Sign(payload []byte, at time.Time) (string, error) {
	return s.SignIn(payload, at, NamespaceGit)
}

// SignIn signs payload for another use than Git: an SSH signature names its namespace
// (NamespacePSPM for pspm's files), so it cannot be passed off as a signed commit or tag.
// OpenPGP signatures have no namespace.
func (s *Signer) SignIn(payload []byte, at time.Time, namespace string) (string, error) {
	b, err := s.sign(payload, at, namespace)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// NewSSHSigner opens the SSH key that Git's user.signingKey (or pspm release --key)
// names: a private key file; or a public key (a .pub file, or the key itself as
// "key::ssh-ed25519 AAAA..." or "ssh-ed25519 AAAA...") whose private key is in the file
// beside it without .pub or, failing that, in the ssh-agent that agentSocket (usually
// $SSH_AUTH_SOCK) reaches. A private key protected by a passphrase is opened with
// passphrase; when passphrase is empty, the error says to add the key to ssh-agent.
func NewSSHSigner(key, agentSocket string, passphrase []byte) (*Signer, error) {
	key = strings.TrimSpace(key)
	if key == "" {
		return nil, errors.New("no SSH signing key: pass --key FILE or set one with git config user.signingKey ~/.ssh/id_ed25519.pub")
	}
	var pub ssh.PublicKey
	literal := strings.TrimPrefix(key, "key::")
	if p, _, _, _, err := ssh.ParseAuthorizedKey([]byte(literal)); err == nil {
		pub = p
	} else {
		file := expandHome(key)
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("reading the SSH signing key: %w", err)
		}
		if p, _, _, _, err := ssh.ParseAuthorizedKey(data); err == nil {
			pub = p
			if priv, err := os.ReadFile(strings.TrimSuffix(file, ".pub")); err == nil && strings.HasSuffix(file, ".pub") {
				s, err := parseSSHPrivate(priv, file, passphrase)
				if err == nil {
					return sshSigner(s), nil
				}
				if agentSocket == "" {
					return nil, err
				}
			}
		} else {
			s, err := parseSSHPrivate(data, file, passphrase)
			if err != nil {
				return nil, err
			}
			return sshSigner(s), nil
		}
	}
	if agentSocket == "" {
		return nil, fmt.Errorf("the private key of %s is neither in a file beside its .pub nor in an ssh-agent (SSH_AUTH_SOCK is not set): pass the private key file with --key, or start ssh-agent and ssh-add the key", ssh.FingerprintSHA256(pub))
	}
	want := pub.Marshal()
	return &Signer{Kind: kindSSH, Fingerprint: ssh.FingerprintSHA256(pub), sign: func(payload []byte, _ time.Time, namespace string) ([]byte, error) {
		conn, err := net.Dial("unix", agentSocket)
		if err != nil {
			return nil, fmt.Errorf("reaching the ssh-agent at %s: %w", agentSocket, err)
		}
		defer conn.Close()
		signers, err := agent.NewClient(conn).Signers()
		if err != nil {
			return nil, fmt.Errorf("listing the ssh-agent's keys: %w", err)
		}
		for _, s := range signers {
			if bytes.Equal(s.PublicKey().Marshal(), want) {
				return signSSH(s, payload, namespace)
			}
		}
		return nil, fmt.Errorf("the ssh-agent at %s does not hold the key %s: add it with ssh-add", agentSocket, ssh.FingerprintSHA256(pub))
	}}, nil
}

func parseSSHPrivate(data []byte, file string, passphrase []byte) (ssh.Signer, error) {
	s, err := ssh.ParsePrivateKey(data)
	var missing *ssh.PassphraseMissingError
	if errors.As(err, &missing) {
		if len(passphrase) == 0 {
			return nil, fmt.Errorf("the SSH key %s is protected by a passphrase: add it to ssh-agent (ssh-add %s) and pass its .pub file, or give the passphrase in PSPM_KEY_PASSPHRASE", file, file)
		}
		s, err = ssh.ParsePrivateKeyWithPassphrase(data, passphrase)
	}
	if err != nil {
		return nil, fmt.Errorf("the SSH signing key %s cannot be read: %v (want a private key file as ssh-keygen writes it, or its .pub)", file, err)
	}
	return s, nil
}

func sshSigner(s ssh.Signer) *Signer {
	return &Signer{Kind: kindSSH, Fingerprint: ssh.FingerprintSHA256(s.PublicKey()), sign: func(payload []byte, _ time.Time, namespace string) ([]byte, error) {
		return signSSH(s, payload, namespace)
	}}
}

func signSSH(s ssh.Signer, payload []byte, namespace string) ([]byte, error) {
	sig, err := sshsig.Sign(bytes.NewReader(payload), s, sshsig.HashSHA512, namespace)
	if err != nil {
		return nil, fmt.Errorf("signing with SSH key %s: %w", ssh.FingerprintSHA256(s.PublicKey()), err)
	}
	return sshsig.Armor(sig), nil
}

// NewOpenPGPSigner opens an armored OpenPGP secret key file, as gpg --armor
// --export-secret-keys KEYID > key.asc writes it. pspm does not talk to gpg-agent nor
// read gpg's keyring: the key must be exported to a file. A key protected by a
// passphrase is opened with passphrase.
func NewOpenPGPSigner(file string, passphrase []byte) (*Signer, error) {
	const export = "export it with gpg --armor --export-secret-keys KEYID > key.asc and pass --key key.asc (pspm does not read gpg-agent's keyring); keep the file secret and delete it after use"
	if file == "" {
		return nil, errors.New("no OpenPGP signing key file: " + export)
	}
	f, err := os.Open(expandHome(file))
	if err != nil {
		return nil, fmt.Errorf("reading the OpenPGP signing key: %v: %s", err, export)
	}
	defer f.Close()
	ring, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not an armored OpenPGP secret key (%v): %s", file, err, export)
	}
	var e *openpgp.Entity
	for _, c := range ring {
		if c.PrivateKey != nil {
			e = c
			break
		}
	}
	if e == nil {
		return nil, fmt.Errorf("%s holds no secret key, only public ones: %s", file, export)
	}
	fpr := strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
	if encrypted(e) {
		if len(passphrase) == 0 {
			return nil, fmt.Errorf("the OpenPGP key %s is protected by a passphrase: give it in PSPM_KEY_PASSPHRASE", fpr)
		}
		if err := e.DecryptPrivateKeys(passphrase); err != nil {
			return nil, fmt.Errorf("the OpenPGP key %s: %v (is PSPM_KEY_PASSPHRASE right?)", fpr, err)
		}
	}
	return &Signer{Kind: kindOpenPGP, Fingerprint: fpr, sign: func(payload []byte, at time.Time, _ string) ([]byte, error) {
		var b bytes.Buffer
		cfg := &packet.Config{DefaultHash: crypto.SHA256, Time: func() time.Time { return at }}
		if err := openpgp.ArmoredDetachSign(&b, e, bytes.NewReader(payload), cfg); err != nil {
			return nil, fmt.Errorf("signing with OpenPGP key %s: %w", fpr, err)
		}
		b.WriteByte('\n')
		return b.Bytes(), nil
	}}, nil
}

func encrypted(e *openpgp.Entity) bool {
	if e.PrivateKey != nil && e.PrivateKey.Encrypted {
		return true
	}
	for _, s := range e.Subkeys {
		if s.PrivateKey != nil && s.PrivateKey.Encrypted {
			return true
		}
	}
	return false
}

// expandHome expands a leading ~/ as Git does for user.signingKey.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return home + string(os.PathSeparator) + rest
		}
	}
	return p
}
