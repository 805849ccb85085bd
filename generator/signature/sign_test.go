package signature

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"golang.org/x/crypto/ssh"
)

// writeSSHKey writes s as ssh-keygen does: the private key in OpenSSH format (protected
// by passphrase when not empty) at dir/name, and its public line at dir/name.pub.
func writeSSHKey(t *testing.T, dir, name string, passphrase string) (string, ssh.PublicKey) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, name)
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, name, []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p+".pub", ssh.MarshalAuthorizedKey(pub), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, pub
}

func TestSSHSignerSignsWhatVerifyAcceptsInTheGitNamespace(t *testing.T) {
	dir := t.TempDir()
	file, pub := writeSSHKey(t, dir, "id_ed25519", "")
	key := sshKey(t, pub)
	payload := []byte("object 0123\ntype commit\ntag plan/1\n\nnote\n")
	for _, spec := range []string{file, file + ".pub"} {
		s, err := NewSSHSigner(spec, "", nil)
		if err != nil {
			t.Fatalf("%s: %v", spec, err)
		}
		if s.Kind != "ssh" || s.Fingerprint != key.Fingerprint {
			t.Errorf("%s: signer %s %s; want ssh %s", spec, s.Kind, s.Fingerprint, key.Fingerprint)
		}
		sig, err := s.Sign(payload, t0)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := Verify([]byte(sig), payload, NamespaceGit, []*Key{key}, t0); err != nil || got != key {
			t.Errorf("%s: Verify: %v", spec, err)
		}
		if _, err := Verify([]byte(sig), payload, NamespacePSPM, []*Key{key}, t0); err == nil {
			t.Errorf("%s: a tag signature verified as a pspm file signature", spec)
		}
	}
}

func TestSSHSignerExplainsAKeyItCannotOpen(t *testing.T) {
	dir := t.TempDir()
	file, _ := writeSSHKey(t, dir, "protetta", "segreto")
	if _, err := NewSSHSigner(file, "", nil); err == nil || !strings.Contains(err.Error(), "ssh-add") || !strings.Contains(err.Error(), "PSPM_KEY_PASSPHRASE") {
		t.Errorf("a protected key without its passphrase: %v", err)
	}
	if _, err := NewSSHSigner(file, "", []byte("segreto")); err != nil {
		t.Errorf("a protected key with its passphrase: %v", err)
	}
	// Only the public half, with no agent.
	only := filepath.Join(t.TempDir(), "solo.pub")
	data, _ := os.ReadFile(file + ".pub")
	if err := os.WriteFile(only, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSSHSigner(only, "", nil); err == nil || !strings.Contains(err.Error(), "ssh-agent") {
		t.Errorf("a public key without its private key nor an agent: %v", err)
	}
	if _, err := NewSSHSigner("", "", nil); err == nil || !strings.Contains(err.Error(), "user.signingKey") {
		t.Errorf("no key: %v", err)
	}
}

func TestOpenPGPSignerSignsWhatVerifyAccepts(t *testing.T) {
	for name, o := range map[string]pgpOptions{"primary": {}, "signing subkey": {subkey: true}} {
		t.Run(name, func(t *testing.T) {
			e := newEntity(t, o)
			file := filepath.Join(t.TempDir(), "key.asc")
			if err := os.WriteFile(file, []byte(exportSecretPGP(t, e)), 0o600); err != nil {
				t.Fatal(err)
			}
			key := pgpKey(t, e)
			s, err := NewOpenPGPSigner(file, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.Fingerprint != key.Fingerprint {
				t.Errorf("fingerprint %s; want %s", s.Fingerprint, key.Fingerprint)
			}
			payload := []byte("object 0123\ntype commit\ntag plan/1\n\nnote\n")
			at := t0.Add(2 * 3600e9)
			sig, err := s.Sign(payload, at)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(sig, pgpBegin) {
				t.Errorf("not an armored signature: %q", sig)
			}
			if _, err := Verify([]byte(sig), payload, NamespaceGit, []*Key{key}, at); err != nil {
				t.Errorf("Verify: %v", err)
			}
		})
	}
}

func TestOpenPGPSignerExplainsAKeyItCannotOpen(t *testing.T) {
	e := newEntity(t, pgpOptions{})
	dir := t.TempDir()
	public := filepath.Join(dir, "pub.asc")
	if err := os.WriteFile(public, []byte(exportPGP(t, e)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewOpenPGPSigner(public, nil); err == nil || !strings.Contains(err.Error(), "--export-secret-keys") {
		t.Errorf("a public key: %v", err)
	}
	if err := e.EncryptPrivateKeys([]byte("segreto"), &packet.Config{}); err != nil {
		t.Fatal(err)
	}
	protected := filepath.Join(dir, "protetta.asc")
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PrivateKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SerializePrivateWithoutSigning(w, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(protected, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := NewOpenPGPSigner(protected, nil); err == nil || !strings.Contains(err.Error(), "PSPM_KEY_PASSPHRASE") {
		t.Errorf("a protected key without its passphrase: %v", err)
	}
	s, err := NewOpenPGPSigner(protected, []byte("segreto"))
	if err != nil {
		t.Fatalf("a protected key with its passphrase: %v", err)
	}
	if _, err := s.Sign([]byte("x"), t0); err != nil {
		t.Error(err)
	}
	if _, err := NewOpenPGPSigner(filepath.Join(dir, "nessuna.asc"), nil); err == nil || !strings.Contains(err.Error(), "gpg-agent") {
		t.Errorf("a missing file: %v", err)
	}
}
