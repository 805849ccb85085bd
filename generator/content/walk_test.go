package content

import (
	"io/fs"
	"reflect"
	"regexp"
	"testing"
	"testing/fstest"

	"github.com/pspm-dev/pspm/generator/config"
	"github.com/pspm-dev/pspm/generator/diag"
)

// TestParallelWalkIsOneWalk: walking the item folders apart on every core lists the same
// files, with the same reports in the same order, as one walk in lexical order, on a
// content folder with every kind of problem a walk reports, inside and between folders.
func TestParallelWalkIsOneWalk(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	fsys := fstest.MapFS{
		"content/plan/_index.md":                         file("---\ntitle: P\nowner: m_ef\n---\n"),
		"content/plan/actions/a1.md":                     file("---\ntitle: A\nobjective: o1\n---\n"),
		"content/plan/actions/a1/piano.pdf":              file("%PDF-1.4"),
		"content/proposals/abc/index.md":                 file("---\ntitle: x\n---\n"),
		"content/proposals/xyz/index.md":                 file("---\ntitle: y\n---\n"),
		"content/proposals/XYZ/index.md":                 file("---\ntitle: y\n---\n"),
		"content/proposals/abc/reactions/m_ef.yaml":      file("vote: support\n"),
		"content/proposals/abc/reactions/m_ef.yaml.sig":  file("sig"),
		"content/proposals/abc/reactions/c h223.yaml":    file("vote: oppose\n"),
		"content/proposals/abc/Foto.png":                 file("\x89PNG"),
		"content/proposals/abc/foto.png":                 file("\x89PNG"),
		"content/proposals/abc/bad name.pdf":             file("%PDF"),
		"content/proposals/abc/link.md":                  {Data: []byte("../x"), Mode: fs.ModeSymlink},
		"content/proposals/abc/feedback/m_ef-domanda.md": file("---\ntitle: D\ndate: 2025-01-01\n---\n"),
		"content/proposals/d.e.f/index.md":               file("---\ntitle: z\n---\n"),
		"content/proposals/ghi/sub/deep/x.md":            file("x"),
		"content/proposals/ghi/.hidden/x.md":             file("x"),
		"content/proposals/loose.md":                     file("---\ntitle: l\n---\n"),
		"content/practices/p1/index.md":                  file("---\ntitle: P\n---\n"),
		"content/bodies/m_ef.md":                         file("---\nname: M\n---\n"),
		"content/unknown/x/y.md":                         file("x"),
	}
	cfg := config.Default()
	for _, root := range []string{Dir, Dir + "/plan"} {
		one := &walker{fsys: fsys, cfg: cfg, root: root}
		one.walk(root)
		var want []job
		signed := map[string]bool{}
		for _, j := range one.jobs {
			if j.role == roleSignature {
				signed[j.file[:len(j.file)-4]] = true
			}
		}
		for _, j := range one.jobs {
			j.signed = signed[j.file]
			want = append(want, j)
		}
		var errs diag.List
		got := walk(fsys, cfg, root, &errs)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the parallel walk lists\n%v\nwant\n%v", root, got, want)
		}
		if !reflect.DeepEqual(errs, one.errs) {
			t.Errorf("%s: the parallel walk reports\n%s\nwant\n%s", root, errs.Format(), one.errs.Format())
		}
		if root == Dir && (len(want) < 10 || len(one.errs) < 4) {
			t.Errorf("a walk of %d files and %d reports: the fixture does not test much:\n%s", len(want), len(one.errs), one.errs.Format())
		}
	}
}

// TestTranslationOfIsTheRegexp: translationOf tells the same names as the regular
// expression it stands for.
func TestTranslationOfIsTheRegexp(t *testing.T) {
	translationRE := regexp.MustCompile(`^(.+)\.([a-z]{2})\.md$`)
	for _, name := range []string{"index.en.md", "a.en.md", ".en.md", "x.EN.md", "x.e1.md", "x.eng.md", "index.md",
		"a.b.fr.md", "en.md", "a.en.md.md", "a\n.en.md", "\xff.de.md", "a.en.mdx", "..en.md", "x.en.MD"} {
		base, lang, ok := translationOf(name)
		m := translationRE.FindStringSubmatch(name)
		if ok != (m != nil) || ok && (base != m[1] || lang != m[2]) {
			t.Errorf("%q: %q %q %v, the regexp says %q", name, base, lang, ok, m)
		}
	}
}
