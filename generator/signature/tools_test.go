package signature

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// These tests check signatures made by the tools members use: ssh-keygen, git and gpg.

// run runs a command in dir with a clean environment and returns its standard output.
func run(t *testing.T, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

func needTool(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s is not installed", name)
	}
}

// sshKeygenKey makes an ed25519 key with ssh-keygen in dir and registers it.
func sshKeygenKey(t *testing.T, dir, name string) (path string, k *Key) {
	t.Helper()
	path = filepath.Join(dir, name)
	run(t, dir, nil, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "member@laptop", "-f", path)
	pub, err := os.ReadFile(path + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	k, err = ParseKey(string(pub))
	if err != nil {
		t.Fatalf("ParseKey(%s.pub): %v", name, err)
	}
	return path, k
}

func TestSSHKeygenSignatureVerifies(t *testing.T) {
	needTool(t, "ssh-keygen")
	dir := t.TempDir()
	key, k := sshKeygenKey(t, dir, "k")
	_, stranger := sshKeygenKey(t, dir, "stranger")

	// The fingerprint is the one ssh-keygen -l prints, so members recognise it.
	fields := strings.Fields(string(run(t, dir, nil, "ssh-keygen", "-l", "-f", key+".pub")))
	if len(fields) < 2 || fields[1] != k.Fingerprint {
		t.Errorf("Fingerprint %s, ssh-keygen -l says %v", k.Fingerprint, fields)
	}

	file := filepath.Join(dir, "alice.yaml")
	if err := os.WriteFile(file, vote, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, dir, nil, "ssh-keygen", "-q", "-Y", "sign", "-n", "pspm", "-f", key, file)
	sig, err := os.ReadFile(file + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Verify(sig, vote, NamespacePSPM, []*Key{stranger, k}, t0)
	wantErr(t, err, nil)
	if got != k {
		t.Fatal("Verify did not return the signer's key")
	}

	t.Run("file changed after signing", func(t *testing.T) {
		changed := bytes.Replace(vote, []byte("support"), []byte("oppose"), 1)
		_, err := Verify(sig, changed, NamespacePSPM, []*Key{k}, t0)
		wantErr(t, err, ErrBadSignature)
	})
	t.Run("key not registered", func(t *testing.T) {
		_, err := Verify(sig, vote, NamespacePSPM, []*Key{stranger}, t0)
		wantErr(t, err, ErrUnknownKey)
	})
	t.Run("other namespace", func(t *testing.T) {
		other := filepath.Join(dir, "other.yaml")
		if err := os.WriteFile(other, vote, 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, dir, nil, "ssh-keygen", "-q", "-Y", "sign", "-n", "other", "-f", key, other)
		sig, err := os.ReadFile(other + ".sig")
		if err != nil {
			t.Fatal(err)
		}
		_, err = Verify(sig, vote, NamespacePSPM, []*Key{k}, t0)
		wantErr(t, err, ErrBadSignature)
	})
}

// gitEnv isolates git from the user's and the machine's configuration.
func gitEnv(dir string) []string {
	return []string{
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + dir,
		"GIT_AUTHOR_NAME=Alice", "GIT_AUTHOR_EMAIL=alice@example.org",
		"GIT_COMMITTER_NAME=Alice", "GIT_COMMITTER_EMAIL=alice@example.org",
	}
}

// splitCommit splits a raw commit object (git cat-file commit) into the payload its
// signature signs and the signature: the payload is the object without the gpgsig
// header and its continuation lines, as go-git's EncodeWithoutSignature writes it.
func splitCommit(t *testing.T, raw []byte) (payload, sig []byte) {
	t.Helper()
	header, message, ok := bytes.Cut(raw, []byte("\n\n"))
	if !ok {
		t.Fatalf("commit without a message:\n%s", raw)
	}
	var p, s bytes.Buffer
	inSig := false
	header = append(header, '\n') // give the last header line back its newline
	for _, line := range bytes.SplitAfter(header, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("gpgsig ")):
			inSig = true
			s.Write(line[len("gpgsig "):])
		case inSig && bytes.HasPrefix(line, []byte(" ")):
			s.Write(line[1:])
		default:
			inSig = false
			p.Write(line)
		}
	}
	p.WriteString("\n")
	p.Write(message)
	return p.Bytes(), s.Bytes()
}

// commitTime returns the committer time of a raw commit object: the time Verify is
// told to judge a commit's signature at.
func commitTime(t *testing.T, raw []byte) time.Time {
	t.Helper()
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "committer "); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 {
				if sec, err := strconv.ParseInt(f[len(f)-2], 10, 64); err == nil {
					return time.Unix(sec, 0)
				}
			}
		}
	}
	t.Fatalf("no committer in\n%s", raw)
	return time.Time{}
}

// signedCommit makes a repository in dir, commits a vote with git commit -S and the
// given extra configuration, and returns the raw commit object.
func signedCommit(t *testing.T, dir string, env []string, config ...string) []byte {
	t.Helper()
	repo := filepath.Join(dir, "repo")
	if err := os.MkdirAll(filepath.Join(repo, "votes"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "votes", "alice.yaml"), vote, 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, repo, env, "git", "init", "-q")
	run(t, repo, env, "git", "add", ".")
	args := []string{}
	for _, c := range config {
		args = append(args, "-c", c)
	}
	args = append(args, "commit", "-q", "-S", "-m", "Vote for bike lanes\n\nSigned by Alice.")
	run(t, repo, env, "git", args...)
	return run(t, repo, env, "git", "cat-file", "commit", "HEAD")
}

func TestSSHSignedGitCommitVerifies(t *testing.T) {
	needTool(t, "ssh-keygen")
	needTool(t, "git")
	dir := t.TempDir()
	key, k := sshKeygenKey(t, dir, "k")
	raw := signedCommit(t, dir, gitEnv(dir), "gpg.format=ssh", "user.signingkey="+key+".pub")
	payload, sig := splitCommit(t, raw)
	if !bytes.HasPrefix(sig, []byte(sshBegin)) {
		t.Fatalf("commit is not SSH-signed:\n%s", raw)
	}
	at := commitTime(t, raw)

	got, err := Verify(sig, payload, NamespaceGit, []*Key{k}, at)
	wantErr(t, err, nil)
	if got != k {
		t.Fatal("Verify did not return the signer's key")
	}
	// The commit's signature is not a vote file's signature.
	_, err = Verify(sig, payload, NamespacePSPM, []*Key{k}, at)
	wantErr(t, err, ErrBadSignature)
	// Nor does it sign another commit (here: another message).
	other := bytes.Replace(payload, []byte("bike lanes"), []byte("car lanes"), 1)
	_, err = Verify(sig, other, NamespaceGit, []*Key{k}, at)
	wantErr(t, err, ErrBadSignature)
}

func TestGPGSignedGitCommitAndFileVerify(t *testing.T) {
	needTool(t, "gpg")
	needTool(t, "git")
	dir := t.TempDir()
	home := filepath.Join(dir, "gnupg")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env := append(gitEnv(dir), "GNUPGHOME="+home)
	gpg := func(args ...string) ([]byte, error) {
		cmd := exec.Command("gpg", append([]string{"--batch", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		return cmd.Output()
	}
	t.Cleanup(func() {
		// Stop the agent this test started, by its GNUPGHOME, not by name.
		cmd := exec.Command("gpgconf", "--kill", "gpg-agent")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = cmd.Run()
	})
	if _, err := gpg("--quick-generate-key", "Alice <alice@example.org>", "ed25519", "sign", "1y"); err != nil {
		t.Skipf("gpg cannot make a key here (no agent?): %v", err)
	}
	pub, err := gpg("--armor", "--export", "alice@example.org")
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey(string(pub))
	if err != nil {
		t.Fatalf("ParseKey(gpg --armor --export): %v", err)
	}
	if fpr, _ := gpg("--with-colons", "--fingerprint", "alice@example.org"); !bytes.Contains(fpr, []byte(":"+k.Fingerprint+":")) {
		t.Errorf("Fingerprint %s is not the one gpg prints:\n%s", k.Fingerprint, fpr)
	}

	t.Run("commit", func(t *testing.T) {
		raw := signedCommit(t, dir, env, "user.signingkey=alice@example.org", "gpg.program=gpg")
		payload, sig := splitCommit(t, raw)
		if !bytes.HasPrefix(sig, []byte(pgpBegin)) {
			t.Fatalf("commit is not OpenPGP-signed:\n%s", raw)
		}
		at := commitTime(t, raw)
		_, err := Verify(sig, payload, NamespaceGit, []*Key{k}, at)
		wantErr(t, err, nil)
		_, err = Verify(sig, append(payload, '!'), NamespaceGit, []*Key{k}, at)
		wantErr(t, err, ErrBadSignature)
		// Judged two years later, the key made for one year has expired.
		_, err = Verify(sig, payload, NamespaceGit, []*Key{k}, at.AddDate(2, 0, 0))
		wantErr(t, err, ErrBadSignature)
	})
	t.Run("detached", func(t *testing.T) {
		file := filepath.Join(dir, "alice.yaml")
		if err := os.WriteFile(file, vote, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := gpg("--armor", "--detach-sign", "--output", file+".sig", file); err != nil {
			t.Fatal(err)
		}
		sig, err := os.ReadFile(file + ".sig")
		if err != nil {
			t.Fatal(err)
		}
		// The signature is made now, so it is judged now.
		_, err = Verify(sig, vote, NamespacePSPM, []*Key{k}, time.Now())
		wantErr(t, err, nil)
		_, err = Verify(sig, vote[1:], NamespacePSPM, []*Key{k}, time.Now())
		wantErr(t, err, ErrBadSignature)
	})
}
