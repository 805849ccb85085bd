package signature

import (
	"bytes"
	"testing"
	"time"
)

func TestSeededSSHKeySignsTheSameBytesEveryTimeAndVerifies(t *testing.T) {
	seed := bytes.Repeat([]byte{42}, 32)
	k, err := NewSeededSSHKey(seed)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("object 0123\ntype commit\ntag plan/2026.1\n\nVersione 2026.1\n")
	a, err := k.Sign(msg, NamespaceGit)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := NewSeededSSHKey(seed)
	b, _ := again.Sign(msg, NamespaceGit)
	if !bytes.Equal(a, b) {
		t.Fatal("two signatures of the same message with the same seed differ")
	}
	pub, err := ParseKey(k.AuthorizedKey("demo@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(a, msg, NamespaceGit, []*Key{pub}, time.Now()); err != nil {
		t.Fatalf("the signature does not verify with the key's own public half: %v", err)
	}
	if _, err := Verify(a, append(msg, 'x'), NamespaceGit, []*Key{pub}, time.Now()); err == nil {
		t.Fatal("a changed message verifies")
	}
	if _, err := NewSeededSSHKey(seed[:31]); err == nil {
		t.Fatal("a short seed is accepted")
	}
}
