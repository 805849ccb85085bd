package signature

import (
	"crypto"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"golang.org/x/crypto/ssh"
)

// benchBody registers n SSH and n OpenPGP keys, as a voting body of 2n members
// might, and returns them with the signers of the last of each kind.
func benchBody(b *testing.B, n int) (keys []*Key, sshSigner ssh.Signer, pgpSigner *openpgp.Entity) {
	b.Helper()
	for range n {
		sshSigner = newSSHSigner(b, "ed25519")
		keys = append(keys, sshKey(b, sshSigner.PublicKey()))
	}
	for range n {
		pgpSigner = newEntity(b, pgpOptions{subkey: true})
		keys = append(keys, pgpKey(b, pgpSigner))
	}
	return keys, sshSigner, pgpSigner
}

func BenchmarkVerifySSH(b *testing.B) {
	keys, s, _ := benchBody(b, 100)
	sig := sshSign(b, s, vote, NamespacePSPM)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(sig, vote, NamespacePSPM, keys, t0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyOpenPGP(b *testing.B) {
	keys, _, e := benchBody(b, 100)
	at := t0.Add(2 * time.Hour)
	sig := pgpSign(b, e, vote, at, crypto.SHA256)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Verify(sig, vote, NamespaceGit, keys, at); err != nil {
			b.Fatal(err)
		}
	}
}
