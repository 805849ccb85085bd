package history

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/pspm-dev/pspm/generator/signature"
)

// tagRepo makes a repository with three commits on main, made on days 1 to 3, and
// returns them oldest first.
func tagRepo(t *testing.T) (*testRepo, []string) {
	t.Helper()
	r := newTestRepo(t)
	var commits []string
	for i := 1; i <= 3; i++ {
		r.write("content/plan/_index.md", fmt.Sprintf("# Plan, version %d\n", i))
		commits = append(commits, r.commit(maintainer, day(i), fmt.Sprintf("Version %d", i)))
	}
	return r, commits
}

// annotate makes an annotated tag of target, by tagger on day n.
func (r *testRepo) annotate(tagger who, n int, name, msg, target string) {
	r.t.Helper()
	r.run(tagger, tagger, day(n), day(n), "tag", "-a", "-m", msg, name, target)
}

func tags(t *testing.T, o Options, pattern string) []Tag {
	t.Helper()
	got, err := Tags(o, pattern)
	if err != nil {
		t.Fatalf("Tags(%q): %v", pattern, err)
	}
	return got
}

func names(tags []Tag) []string {
	var out []string
	for _, t := range tags {
		out = append(out, t.Name)
	}
	return out
}

func byName(t *testing.T, tags []Tag, name string) Tag {
	t.Helper()
	for _, tag := range tags {
		if tag.Name == name {
			return tag
		}
	}
	t.Fatalf("no tag %q in %q", name, names(tags))
	return Tag{}
}

// An annotated tag gives its object, the commit it tags with that commit's time, and
// its tagger and whole message; a lightweight one only the commit.
func TestAnnotatedAndLightweightTags(t *testing.T) {
	r, c := tagRepo(t)
	r.annotate(region, 10, "plan/2025.1", "Piano 2025, prima versione\n\nApprovato dalla conferenza.", c[0])
	r.git("tag", "plan/draft", c[2])

	got := tags(t, Options{Dir: r.dir}, "plan/*")
	if want := []string{"plan/2025.1", "plan/draft"}; !slices.Equal(names(got), want) {
		t.Fatalf("Tags = %q, want %q", names(got), want)
	}
	a := got[0]
	wantA := Tag{
		Name:       "plan/2025.1",
		Ref:        r.git("rev-parse", "refs/tags/plan/2025.1"),
		Commit:     c[0],
		CommitTime: day(1),
		Annotated:  true,
		Tagger:     Person{Name: region.name, Email: region.email, When: day(10)},
		Message:    "Piano 2025, prima versione\n\nApprovato dalla conferenza.\n",
	}
	if a.Ref == c[0] {
		t.Errorf("Ref = the commit, want the tag object")
	}
	checkTag(t, a, wantA)

	l := got[1]
	checkTag(t, l, Tag{Name: "plan/draft", Ref: c[2], Commit: c[2], CommitTime: day(3)})
}

// checkTag compares two tags, times by the instant they name.
func checkTag(t *testing.T, got, want Tag) {
	t.Helper()
	if !got.CommitTime.Equal(want.CommitTime) || !got.Tagger.When.Equal(want.Tagger.When) {
		t.Errorf("%s: CommitTime, Tagger.When = %v, %v; want %v, %v", want.Name,
			got.CommitTime, got.Tagger.When, want.CommitTime, want.Tagger.When)
	}
	got.CommitTime, want.CommitTime = time.Time{}, time.Time{}
	got.Tagger.When, want.Tagger.When = time.Time{}, time.Time{}
	if got != want {
		t.Errorf("tag =\n%+v\nwant\n%+v", got, want)
	}
}

// A pattern is path.Match's: "*" stops at a slash, and a malformed pattern is an
// error, not an empty list.
func TestTagPatternFilters(t *testing.T) {
	r, c := tagRepo(t)
	for _, name := range []string{"plan/2025.2", "plan/2025.1", "plan/a/b", "release/1", "plan-b", "planning/1"} {
		r.git("tag", name, c[1])
	}
	o := Options{Dir: r.dir}
	for pattern, want := range map[string][]string{
		"plan/*":      {"plan/2025.1", "plan/2025.2"},
		"plan/*/*":    {"plan/a/b"},
		"plan/2025.?": {"plan/2025.1", "plan/2025.2"},
		"release/*":   {"release/1"},
		"":            {"plan-b", "plan/2025.1", "plan/2025.2", "plan/a/b", "planning/1", "release/1"},
		"nothing/*":   nil,
	} {
		if got := names(tags(t, o, pattern)); !slices.Equal(got, want) {
			t.Errorf("Tags(%q) = %q, want %q", pattern, got, want)
		}
	}
	if got, err := Tags(o, "plan/["); !errors.Is(err, path.ErrBadPattern) || got != nil {
		t.Errorf("Tags(\"plan/[\") = %q, %v; want no tags and path.ErrBadPattern", names(got), err)
	}
}

// git tag -s with an SSH key (gpg.format=ssh) leaves the signature at the end of the
// message, like an OpenPGP one: it is split off, and the payload is exactly what
// ssh-keygen signed.
func TestSSHSignedTagVerifies(t *testing.T) {
	r, c := tagRepo(t)
	key := sshKey(t, r)
	r.run(region, region, day(10), day(10), "-c", "gpg.format=ssh", "-c", "user.signingkey="+key,
		"tag", "-s", "-m", "Piano 2025.1\n\nFirmato.", "plan/2025.1", c[1])
	raw := r.gitRaw("cat-file", "tag", "plan/2025.1")

	tag := byName(t, tags(t, Options{Dir: r.dir}, "plan/*"), "plan/2025.1")
	if tag.Message != "Piano 2025.1\n\nFirmato.\n" {
		t.Errorf("Message = %q, want it without the signature", tag.Message)
	}
	if !strings.HasPrefix(tag.Signature, "-----BEGIN SSH SIGNATURE-----\n") || !strings.HasSuffix(tag.Signature, "-----END SSH SIGNATURE-----\n") {
		t.Errorf("Signature = %q, want the armored SSH signature", tag.Signature)
	}
	if tag.Payload+tag.Signature != raw {
		t.Errorf("Payload + Signature =\n%q\nwant the tag object\n%q", tag.Payload+tag.Signature, raw)
	}
	if tag.Commit != c[1] || !tag.Annotated || tag.Tagger.Email != region.email {
		t.Errorf("tag = %+v, want region's annotated tag of %.7s", tag, c[1])
	}

	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	// ssh-keygen, as git verify-tag runs it.
	allowed := filepath.Join(r.home, "allowed_signers")
	sig := filepath.Join(r.home, "tag.sig")
	if err := os.WriteFile(allowed, append([]byte(region.email+" "), pub...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sig, []byte(tag.Signature), 0o644); err != nil {
		t.Fatal(err)
	}
	verify := func(payload string) error {
		cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", allowed, "-I", region.email, "-n", "git", "-s", sig)
		cmd.Stdin = strings.NewReader(payload)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, out)
		}
		return nil
	}
	if err := verify(tag.Payload); err != nil {
		t.Errorf("ssh-keygen -Y verify: %v", err)
	}
	if err := verify(tag.Payload + "x"); err == nil {
		t.Error("ssh-keygen accepts a changed payload")
	}
	// The project's own verifier.
	k, err := signature.ParseKey(string(pub))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signature.Verify([]byte(tag.Signature), []byte(tag.Payload), signature.NamespaceGit, []*signature.Key{k}, tag.Tagger.When); err != nil {
		t.Errorf("signature.Verify: %v", err)
	}
	if _, err := signature.Verify([]byte(tag.Signature), []byte(tag.Payload), signature.NamespacePSPM, []*signature.Key{k}, tag.Tagger.When); !errors.Is(err, signature.ErrBadSignature) {
		t.Errorf("signature.Verify in the pspm namespace: %v, want ErrBadSignature", err)
	}
}

// pgpTagEntity makes an OpenPGP key for the region, created on 1 January 2024.
func pgpTagEntity(t *testing.T) *openpgp.Entity {
	t.Helper()
	cfg := &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }}
	e, err := openpgp.NewEntity(region.name, "", region.email, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func exportPublic(t *testing.T, e *openpgp.Entity) string {
	t.Helper()
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Serialize(w); err != nil {
		t.Fatal(err)
	}
	w.Close()
	return b.String()
}

// pgpTag writes a tag object of commit signed by e, as git tag -s writes it (the
// armored signature appended to the message), points refs/tags/name at it, and
// returns the signed payload.
func (r *testRepo) pgpTag(e *openpgp.Entity, n int, name, msg, commit string) string {
	r.t.Helper()
	payload := fmt.Sprintf("object %s\ntype commit\ntag %s\ntagger %s <%s> %d +0100\n\n%s",
		commit, name, region.name, region.email, day(n).Unix(), msg)
	var sig bytes.Buffer
	cfg := &packet.Config{Time: func() time.Time { return day(n) }}
	if err := openpgp.ArmoredDetachSign(&sig, e, strings.NewReader(payload), cfg); err != nil {
		r.t.Fatal(err)
	}
	if !bytes.HasSuffix(sig.Bytes(), []byte("\n")) {
		sig.WriteByte('\n')
	}
	cmd := r.command(region, region, day(n), day(n), "hash-object", "-t", "tag", "-w", "--stdin")
	cmd.Stdin = strings.NewReader(payload + sig.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("hash-object: %v\n%s", err, out)
	}
	r.git("update-ref", "refs/tags/"+name, strings.TrimSpace(string(out)))
	return payload
}

// An OpenPGP-signed tag splits the same way, and its payload verifies with the
// project's verifier.
func TestOpenPGPSignedTagVerifies(t *testing.T) {
	r, c := tagRepo(t)
	e := pgpTagEntity(t)
	payload := r.pgpTag(e, 10, "plan/2025.1", "Piano 2025.1\n\nFirmato con OpenPGP.\n", c[0])
	if got := r.git("tag", "-l", "--format=%(contents:subject)", "plan/2025.1"); got != "Piano 2025.1" {
		t.Fatalf("git reads the hand-made tag's subject as %q", got)
	}

	tag := byName(t, tags(t, Options{Dir: r.dir}, ""), "plan/2025.1")
	if tag.Payload != payload {
		t.Errorf("Payload =\n%q\nwant what was signed\n%q", tag.Payload, payload)
	}
	if tag.Message != "Piano 2025.1\n\nFirmato con OpenPGP.\n" {
		t.Errorf("Message = %q", tag.Message)
	}
	if !strings.HasPrefix(tag.Signature, "-----BEGIN PGP SIGNATURE-----") {
		t.Errorf("Signature = %q, want an armored OpenPGP signature", tag.Signature)
	}
	if tag.Commit != c[0] || !tag.Tagger.When.Equal(day(10)) {
		t.Errorf("Commit, Tagger.When = %.7s, %v", tag.Commit, tag.Tagger.When)
	}
	k, err := signature.ParseKey(exportPublic(t, e))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signature.Verify([]byte(tag.Signature), []byte(tag.Payload), signature.NamespaceGit, []*signature.Key{k}, tag.Tagger.When); err != nil {
		t.Errorf("signature.Verify: %v", err)
	}
	if _, err := signature.Verify([]byte(tag.Signature), []byte(tag.Payload+" "), signature.NamespaceGit, []*signature.Key{k}, tag.Tagger.When); !errors.Is(err, signature.ErrBadSignature) {
		t.Errorf("signature.Verify of a changed payload: %v, want ErrBadSignature", err)
	}
}

// A tag signed by git tag -s with gpg itself reads the same way, and gpg accepts the
// payload.
func TestGPGSignedTagVerifiesWithGPG(t *testing.T) {
	r, c := tagRepo(t)
	if _, err := exec.LookPath("gpg"); err != nil {
		t.Skip("gpg not installed")
	}
	gnupg, err := os.MkdirTemp("", "gpg") // short: gpg-agent's socket path is bounded
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(gnupg)
	gpg := func(stdin string, args ...string) ([]byte, error) {
		cmd := exec.Command("gpg", append([]string{"--batch", "--homedir", gnupg}, args...)...)
		cmd.Stdin = strings.NewReader(stdin)
		return cmd.CombinedOutput()
	}
	defer exec.Command("gpgconf", "--homedir", gnupg, "--kill", "gpg-agent").Run()
	if out, err := gpg("", "--passphrase", "", "--pinentry-mode", "loopback",
		"--quick-gen-key", region.name+" <"+region.email+">", "ed25519", "sign", "never"); err != nil {
		t.Skipf("gpg cannot make a key here: %v\n%s", err, out)
	}
	cmd := r.command(region, region, day(10), day(10), "-c", "gpg.program=gpg", "-c", "user.signingkey="+region.email,
		"tag", "-s", "-m", "Piano 2025.1", "plan/2025.1", c[2])
	cmd.Env = append(cmd.Env, "GNUPGHOME="+gnupg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("git cannot sign with gpg here: %v\n%s", err, out)
	}

	tag := byName(t, tags(t, Options{Dir: r.dir}, "plan/*"), "plan/2025.1")
	if tag.Message != "Piano 2025.1\n" || !strings.HasPrefix(tag.Signature, "-----BEGIN PGP SIGNATURE-----") {
		t.Fatalf("Message, Signature = %q, %q", tag.Message, tag.Signature)
	}
	if raw := r.gitRaw("cat-file", "tag", "plan/2025.1"); tag.Payload+tag.Signature != raw {
		t.Errorf("Payload + Signature =\n%q\nwant the tag object\n%q", tag.Payload+tag.Signature, raw)
	}
	sig := filepath.Join(gnupg, "tag.asc")
	if err := os.WriteFile(sig, []byte(tag.Signature), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := gpg(tag.Payload, "--verify", sig, "-"); err != nil {
		t.Errorf("gpg --verify: %v\n%s", err, out)
	}
	if out, err := gpg(tag.Payload+"x", "--verify", sig, "-"); err == nil {
		t.Errorf("gpg accepts a changed payload:\n%s", out)
	}
}

// A tag of an annotated tag reaches the commit beneath, and keeps what the outer tag
// says: that is the object the reference names and whose signature counts.
func TestTagOfTagPeelsToTheCommit(t *testing.T) {
	r, c := tagRepo(t)
	r.annotate(maintainer, 10, "plan/inner", "Inner", c[1])
	r.annotate(region, 11, "plan/outer", "Outer\n\nRe-tagged by the region.", "plan/inner")
	// And a lightweight tag of the outer one: three levels.
	r.git("tag", "plan/light", "plan/outer")

	got := tags(t, Options{Dir: r.dir}, "plan/*")
	outer := byName(t, got, "plan/outer")
	checkTag(t, outer, Tag{
		Name: "plan/outer", Ref: r.git("rev-parse", "refs/tags/plan/outer"), Commit: c[1], CommitTime: day(2),
		Annotated: true, Tagger: Person{region.name, region.email, day(11)}, Message: "Outer\n\nRe-tagged by the region.\n",
	})
	if inner := r.git("rev-parse", "refs/tags/plan/inner"); outer.Ref == inner {
		t.Error("the outer tag's Ref is the inner tag object")
	}
	light := byName(t, got, "plan/light")
	if light.Ref != outer.Ref || light.Commit != c[1] || !light.Annotated || light.Message != outer.Message {
		t.Errorf("lightweight tag of a tag = %+v, want the outer tag object's fields", light)
	}
}

// A tag of a tree or a blob is listed with no commit, for the caller to warn about.
func TestTagOfTreeOrBlobHasNoCommit(t *testing.T) {
	r, c := tagRepo(t)
	tree := r.git("rev-parse", c[0]+"^{tree}")
	blob := r.git("rev-parse", c[0]+":content/plan/_index.md")
	r.git("tag", "plan/tree", tree)
	r.annotate(maintainer, 10, "plan/blob", "A file", blob)

	got := tags(t, Options{Dir: r.dir}, "plan/*")
	checkTag(t, byName(t, got, "plan/tree"), Tag{Name: "plan/tree", Ref: tree})
	checkTag(t, byName(t, got, "plan/blob"), Tag{
		Name: "plan/blob", Ref: r.git("rev-parse", "refs/tags/plan/blob"),
		Annotated: true, Tagger: Person{maintainer.name, maintainer.email, day(10)}, Message: "A file\n",
	})
}

// Tags read the same from packed-refs (git pack-refs --all, git gc) as loose, and a
// loose tag made after packing wins over its packed version, as in Git.
func TestPackedTagsReadAsLoose(t *testing.T) {
	r, c := tagRepo(t)
	r.annotate(maintainer, 10, "plan/2025.1", "One", c[0])
	r.git("tag", "plan/2025.2", c[1])
	r.annotate(maintainer, 11, "plan/2025.3", "Three", c[2])
	o := Options{Dir: r.dir}
	loose := tags(t, o, "plan/*")

	r.git("pack-refs", "--all")
	if _, err := os.Stat(filepath.Join(r.dir, ".git", "refs", "tags", "plan", "2025.1")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the tag is still loose after pack-refs: %v", err)
	}
	if packed := tags(t, o, "plan/*"); !slices.Equal(packed, loose) {
		t.Errorf("packed refs:\n%+v\nloose:\n%+v", packed, loose)
	}
	r.git("gc", "-q")
	if packed := tags(t, o, "plan/*"); !slices.Equal(packed, loose) {
		t.Errorf("after gc:\n%+v\nbefore:\n%+v", packed, loose)
	}

	// Moved while packed: the new loose reference hides the packed one.
	r.run(maintainer, maintainer, day(12), day(12), "tag", "-f", "-a", "-m", "One, again", "plan/2025.1", c[2])
	packedRefs, err := os.ReadFile(filepath.Join(r.dir, ".git", "packed-refs"))
	if err != nil || !strings.Contains(string(packedRefs), loose[0].Ref+" refs/tags/plan/2025.1\n") {
		t.Fatalf("packed-refs no longer holds the old tag (%v):\n%s", err, packedRefs)
	}
	moved := byName(t, tags(t, o, "plan/*"), "plan/2025.1")
	if moved.Commit != c[2] || moved.Message != "One, again\n" {
		t.Errorf("moved tag = %+v, want the loose one of %.7s", moved, c[2])
	}
	if n := len(tags(t, o, "plan/*")); n != 3 {
		t.Errorf("%d tags, want 3: a moved tag is listed once", n)
	}
}

// git tag -f moves a tag: Ref and Commit follow it.
func TestMovedTagFollowsTheMove(t *testing.T) {
	r, c := tagRepo(t)
	o := Options{Dir: r.dir}
	r.annotate(maintainer, 10, "plan/2025.1", "Plan", c[0])
	r.git("tag", "plan/light", c[0])
	before := tags(t, o, "plan/*")

	r.run(maintainer, maintainer, day(11), day(11), "tag", "-f", "-a", "-m", "Plan, corrected", "plan/2025.1", c[1])
	r.git("tag", "-f", "plan/light", c[2])
	after := tags(t, o, "plan/*")

	a, b := byName(t, before, "plan/2025.1"), byName(t, after, "plan/2025.1")
	if a.Ref == b.Ref || b.Ref != r.git("rev-parse", "refs/tags/plan/2025.1") {
		t.Errorf("Ref = %.7s after the move, was %.7s", b.Ref, a.Ref)
	}
	if a.Commit != c[0] || b.Commit != c[1] || !b.CommitTime.Equal(day(2)) || b.Message != "Plan, corrected\n" {
		t.Errorf("before %+v\nafter %+v", a, b)
	}
	if l := byName(t, after, "plan/light"); l.Ref != c[2] || l.Commit != c[2] {
		t.Errorf("moved lightweight tag = %+v, want %.7s", l, c[2])
	}
}

// The site folder may lie below the repository root, as in Snapshot; outside any
// repository, Tags says so.
func TestTagsFromSiteInSubfolder(t *testing.T) {
	r := newTestRepo(t)
	r.write("site/pspm.yaml", "title: x\n")
	c := r.commit(maintainer, day(1), "Site")
	r.annotate(maintainer, 2, "plan/2025.1", "Plan", c)

	got := tags(t, Options{Dir: filepath.Join(r.dir, "site")}, "plan/*")
	if len(got) != 1 || got[0].Commit != c {
		t.Errorf("Tags from site/ = %+v", got)
	}
	if _, err := Tags(Options{Dir: t.TempDir()}, "plan/*"); !errors.Is(err, ErrNotRepository) {
		t.Errorf("Tags outside a repository: %v, want ErrNotRepository", err)
	}
}

// writeLoose writes a loose object file with the given compressed content.
func (r *testRepo) writeLoose(hash string, content []byte) {
	r.t.Helper()
	p := filepath.Join(r.dir, ".git", "objects", hash[:2], hash[2:])
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	_ = os.Chmod(p, 0o644)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// setRef points a reference at hash without asking git, which refuses broken objects.
func (r *testRepo) setRef(name, hash string) {
	r.t.Helper()
	p := filepath.Join(r.dir, ".git", filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(hash+"\n"), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// A broken tag (an object missing, corrupt, unparsable, or not what the tag says it
// is) is an error that names it, and the other tags are still returned.
func TestBrokenTagsAreNamedAndOthersKept(t *testing.T) {
	r, c := tagRepo(t)
	r.annotate(maintainer, 10, "plan/good", "Good", c[0])
	r.git("tag", "plan/light", c[1])
	hashObject := func(kind, content string) string {
		cmd := r.command(maintainer, maintainer, day(0), day(0), "hash-object", "--literally", "-t", kind, "-w", "--stdin")
		cmd.Stdin = strings.NewReader(content)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("hash-object: %v\n%s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	blob := r.git("rev-parse", c[0]+":content/plan/_index.md")
	broken := map[string]string{
		// No such object.
		"plan/missing": "0123456789abcdef0123456789abcdef01234567",
		// A tag object that is not one.
		"plan/garbage": hashObject("tag", "this is not a tag\n"),
		// A tag object saying it tags a commit that is really a blob.
		"plan/lying": hashObject("tag", fmt.Sprintf("object %s\ntype commit\ntag plan/lying\ntagger A <a@b> 1 +0000\n\nLies\n", blob)),
		// A tag of a commit that is missing.
		"plan/dangling": hashObject("tag", "object 89abcdef0123456789abcdef0123456789abcdef\ntype commit\ntag plan/dangling\ntagger A <a@b> 1 +0000\n\nDangling\n"),
		// A tag object whose file is damaged on disk.
		"plan/corrupt": hashObject("tag", fmt.Sprintf("object %s\ntype commit\ntag plan/corrupt\ntagger A <a@b> 1 +0000\n\nCorrupt\n", c[2])),
	}
	r.writeLoose(broken["plan/corrupt"], []byte("x\x9c not zlib at all"))
	for name, hash := range broken {
		r.setRef("refs/tags/"+name, hash)
	}

	got, err := Tags(Options{Dir: r.dir}, "plan/*")
	if want := []string{"plan/good", "plan/light"}; !slices.Equal(names(got), want) {
		t.Errorf("Tags = %q, want the readable ones %q", names(got), want)
	}
	var te *TagError
	if !errors.As(err, &te) {
		t.Fatalf("error %v, want a *TagError", err)
	}
	if te.Name != "plan/corrupt" {
		t.Errorf("first TagError names %q, want plan/corrupt (in name order)", te.Name)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %T does not list each tag", err)
	}
	var listed []string
	for _, e := range joined.Unwrap() {
		if errors.As(e, &te) {
			listed = append(listed, te.Name)
		}
	}
	want := slices.Sorted(mapKeys(broken))
	if !slices.Equal(listed, want) {
		t.Errorf("errors name %q, want %q", listed, want)
	}
	for _, name := range want {
		if !strings.Contains(err.Error(), `tag "`+name+`"`) {
			t.Errorf("message does not name %s:\n%v", name, err)
		}
	}
	if strings.Contains(err.Error(), "history: history:") {
		t.Errorf("message repeats its prefix:\n%v", err)
	}
	t.Logf("%v", err)
}

// A tag object is anyone's to write: decoding never panics, and a signed one splits
// into a payload that is the object up to where its signature starts.
func FuzzDecodeTag(f *testing.F) {
	const head = "object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag plan/x\ntagger A <a@b> 1700000000 +0100\n\n"
	f.Add([]byte(head + "Message\n"))
	f.Add([]byte(head + "Message\n-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"))
	f.Add([]byte(head + "-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n-----BEGIN SSH SIGNATURE-----\nx\n"))
	f.Add([]byte("object 0123456789abcdef0123456789abcdef01234567\ntype commit\ntag x\ngpgsig-sha256 a\n b\n\n-----BEGIN PGP SIGNATURE-----\n"))
	f.Add([]byte("object zz\ntype commit\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		obj := &plumbing.MemoryObject{}
		obj.SetType(plumbing.TagObject)
		_, _ = obj.Write(data)
		tag, payload, err := decodeTag(obj)
		if err != nil || tag.PGPSignature == "" {
			return
		}
		if !bytes.HasSuffix(data, []byte(tag.PGPSignature)) {
			t.Fatalf("signature %q is not the end of the object", tag.PGPSignature)
		}
		if strings.Contains(string(data), "\ngpgsig") {
			return // a header signature is cut out of the payload too
		}
		if payload+tag.PGPSignature != string(data) {
			t.Fatalf("payload %q + signature %q is not the object %q", payload, tag.PGPSignature, data)
		}
	})
}
