package generator_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/internal/sitetest"
)

// TestSymlinkInsideTheSiteToGitConfigIsNeverFollowed is the attack of a merge request that
// adds content/practices/pr1/config -> ../../../.git/config: the link stays inside the
// site's folder, so refusing only links that leave it is not enough.
func TestSymlinkInsideTheSiteToGitConfigIsNeverFollowed(t *testing.T) {
	src := writeSite(t, "")
	if err := os.MkdirAll(filepath.Join(src, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	secret := "[remote \"origin\"]\n\turl = https://user:TOKEN@example.org/x.git\n"
	if err := os.WriteFile(filepath.Join(src, ".git/config"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"content/practices/pr1/config":           "../../../.git/config",
		"content/proposals/p1/notes.txt":         "../../practices/pr1/scheda.csv", // inside content too
		"content/practices/pr1/git":              "../../../.git",                  // a folder
		"content/plan/goals/g9.md":               "g1.md",                          // an item, not an attachment
		"content/practices/pr1/sub/leak.ini.txt": "../../../../.git/config",
	} {
		p := filepath.Join(src, filepath.FromSlash(link))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	dest := filepath.Join(t.TempDir(), "public")
	res, err := buildDir(t, src, dest)
	if !errors.Is(err, generator.ErrContent) {
		t.Fatalf("err = %v, want a content error", err)
	}
	out := res.Diagnostics.Format()
	for _, want := range []string{
		"content/practices/pr1/config: a symbolic link; commit the file itself",
		"content/proposals/p1/notes.txt: a symbolic link; commit the file itself",
		"content/practices/pr1/git: a symbolic link; commit the folder itself",
		"content/plan/goals/g9.md: a symbolic link; commit the file itself",
		"content/practices/pr1/sub/leak.ini.txt: a symbolic link; commit the file itself",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no diagnostic %q; got:\n%s", want, out)
		}
	}
	if _, err := os.Stat(dest); !os.IsNotExist(err) {
		t.Errorf("a refused build created the destination")
	}
}

// TestSymlinkInAnyFSIsNeverFollowed holds the rule for any fs.FS the loader reads (a
// source read from Git objects reports its links the same way).
func TestSymlinkInAnyFSIsNeverFollowed(t *testing.T) {
	fsys := sitetest.Site(sitetest.Minimal, "")
	fsys["content/practices/pr1/config"] = &fstest.MapFile{Data: []byte("../../../.git/config"), Mode: 0o777 | 1<<27} // fs.ModeSymlink
	b := sitetest.RunFS(t, fsys)
	b.Failed().Diag("content/practices/pr1/config: a symbolic link; commit the file itself")
}

func TestHTMLAttachmentIsRefused(t *testing.T) {
	for _, name := range []string{"demo.html", "demo.htm", "demo.xhtml", "demo.shtml", "x.js", "x.mjs", "x.swf", "x.php", "x.xml", "x.xsl", "x.svgz", "x.exe"} {
		b := sitetest.Run(t, "-- content/practices/pr1/"+name+" --\n<script>alert(document.cookie)</script>\n")
		b.Failed().Diag("content/practices/pr1/" + name + ": ")
		b.Diag("publish a PDF")
	}
}

func TestProposalAttachmentsFollowTheSameRules(t *testing.T) {
	sitetest.Run(t, "-- content/proposals/p1/x.html --\n<p>hi</p>\n").Failed().Diag("content/proposals/p1/x.html: ")
	sitetest.Run(t, "-- content/proposals/p1/allegato.csv --\na,b\n").OK().File("proposals/p1/allegato.csv", "a,b")
}

func TestSVGWithActiveContentIsRefused(t *testing.T) {
	for name, svg := range map[string]string{
		"onload":        `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`,
		"script":        `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		"foreignObject": `<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject></svg>`,
		"javascript":    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="java&#x09;script:alert(1)"><text>x</text></a></svg>`,
		"entity":        `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>`,
		"animate":       `<svg xmlns="http://www.w3.org/2000/svg"><a><animate attributeName="href" to="https://evil.example/"/><text>x</text></a></svg>`,
		"xhtml-script":  `<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></svg>`,
		"external":      `<svg xmlns="http://www.w3.org/2000/svg"><image href="https://tracker.example/p.png"/></svg>`,
		"broken":        `<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`,
	} {
		t.Run(name, func(t *testing.T) {
			b := sitetest.Run(t, "-- content/practices/pr1/logo.svg --\n"+svg+"\n")
			b.Failed().Diag("content/practices/pr1/logo.svg:")
			b.NoFile("practices/pr1/logo.svg")
		})
	}
}

func TestCleanSVGIsPublished(t *testing.T) {
	svg := `<?xml version="1.0" encoding="UTF-8"?>
<!-- made by hand -->
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">
  <title>Logo</title>
  <defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs>
  <style>.a { fill: url(#g); }</style>
  <rect class="a" width="10" height="10" style="stroke: url('#g')"/>
  <use xlink:href="#g"/>
</svg>
`
	sitetest.Run(t, "-- content/practices/pr1/logo.svg --\n"+svg).OK().File("practices/pr1/logo.svg", "<title>Logo</title>").
		File("practices/pr1/index.html", "logo.svg")
}

func TestFileWhoseBytesAreHTMLIsRefusedWhateverItsName(t *testing.T) {
	for _, name := range []string{"foto.png", "foto.jpg", "dati.csv", "note.txt", "doc.pdf", "a.zip"} {
		b := sitetest.Run(t, "-- content/practices/pr1/"+name+" --\n<html><script>alert(1)</script></html>\n")
		b.Failed().Diag("content/practices/pr1/" + name + ":")
		b.NoFile("practices/pr1/" + name)
	}
}

func TestRealImagesAndDocumentsArePublished(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	pdf := "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
	sitetest.Run(t, "-- content/practices/pr1/foto.png --\n"+png+"\n-- content/practices/pr1/doc.pdf --\n"+pdf).OK().
		File("practices/pr1/foto.png").File("practices/pr1/doc.pdf")
}

func TestIndexHTMLAttachmentCannotReplaceThePage(t *testing.T) {
	b := sitetest.Run(t, "-- content/practices/pr1/index.html --\n<h1>not the practice</h1>\n")
	b.Failed().Diag("content/practices/pr1/index.html: ")
	b.Diag("would replace the page")
}

// TestStaticFolderLinkedToGitIsNotPublished is the same attack one folder up: static/ as a
// link to .git would publish .git/config as /config.
func TestStaticFolderLinkedToGitIsNotPublished(t *testing.T) {
	src := writeSite(t, "")
	if err := os.MkdirAll(filepath.Join(src, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, ".git/config"), []byte("url = https://u:TOKEN@example.org/x.git\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".git", filepath.Join(src, "static")); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "public")
	_, err := buildDir(t, src, dest)
	if err == nil || !strings.Contains(err.Error(), "static: a symbolic link") {
		t.Errorf("err = %v, want the link refused", err)
	}
	if b, err := os.ReadFile(filepath.Join(dest, "config")); err == nil {
		t.Fatalf("published .git/config through a linked static/: %q", b)
	}
}

// TestLinksInsideThemeFoldersAreRefused: a link inside static/ or layouts/ is never
// followed, and the build says where it is instead of publishing what it points to or
// failing on a template that seems missing.
func TestLinksInsideThemeFoldersAreRefused(t *testing.T) {
	for _, tc := range []struct{ link, target string }{
		{"static/leak.txt", "../.git/config"},
		{"layouts/partials/footer.html", "../../.git/config"},
		{"i18n/it.yaml", "../.git/config"},
	} {
		t.Run(tc.link, func(t *testing.T) {
			src := writeSite(t, "")
			if err := os.MkdirAll(filepath.Join(src, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src, ".git/config"), []byte("url = https://u:TOKEN@example.org/x.git\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Dir(filepath.Join(src, tc.link)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(tc.target, filepath.Join(src, tc.link)); err != nil {
				t.Fatal(err)
			}
			dest := filepath.Join(t.TempDir(), "public")
			res, err := buildDir(t, src, dest)
			msg := fmt.Sprint(err)
			if res != nil {
				msg += "\n" + res.Diagnostics.Format()
			}
			if err == nil || !strings.Contains(msg, tc.link+": a symbolic link") {
				t.Errorf("err = %v, want the link %s refused:\n%s", err, tc.link, msg)
			}
			filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if b, _ := os.ReadFile(p); strings.Contains(string(b), "TOKEN") {
						t.Errorf("%s publishes .git/config", p)
					}
				}
				return nil
			})
		})
	}
}

func TestSVGProblemIsReportedAtItsLine(t *testing.T) {
	svg := "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <g>\n    <rect onclick=\"steal()\"/>\n  </g>\n</svg>\n"
	sitetest.Run(t, "-- content/practices/pr1/logo.svg --\n"+svg).Failed().
		Diag("content/practices/pr1/logo.svg:3:5: event attribute onclick runs code: remove it")
}

func TestContentFolderThatIsALinkIsRefused(t *testing.T) {
	src := writeSite(t, "")
	if err := os.Rename(filepath.Join(src, "content"), filepath.Join(src, "elsewhere")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("elsewhere", filepath.Join(src, "content")); err != nil {
		t.Fatal(err)
	}
	res, err := buildDir(t, src, filepath.Join(t.TempDir(), "public"))
	if !errors.Is(err, generator.ErrContent) || !strings.Contains(res.Diagnostics.Format(), "content: a symbolic link; commit the folder itself") {
		t.Errorf("err = %v; diagnostics:\n%s", err, res.Diagnostics.Format())
	}
}
