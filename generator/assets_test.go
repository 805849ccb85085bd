package generator_test

import (
	"bytes"
	"io/fs"
	"testing"

	"github.com/pspm-dev/pspm/generator/internal/sitetest"
	"github.com/pspm-dev/pspm/themes"
)

// TestStaticStyleSheetsAndScriptsArePublishedMinified: every page downloads pspm.css and
// the search page search.js, with no compression from pspm serve, so their comments and
// whitespace count against the page budget. The theme keeps the readable sources; the
// portal gets them minified, the site's own static files as much as the theme's, the same
// bytes on every build.
func TestStaticStyleSheetsAndScriptsArePublishedMinified(t *testing.T) {
	overlay := `
-- static/css/extra.css --
/* the site's own additions */
body  {
	margin : 0px ;
	color: #ff0000;
}
-- static/js/extra.js --
// the site's own script
function greet(name) {
	var greeting = "Buongiorno, " + name;   // a comment
	return greeting;
}
-- static/notes.txt --
  kept   as   it is  
`
	b := sitetest.Run(t, overlay).OK()
	out := b.Out.Files()
	for _, name := range []string{"js/search.js", "js/filter.js", "css/pspm.css", "css/search.css"} {
		src, err := fs.ReadFile(themes.Default(), "static/"+name)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := out[name]
		switch {
		case !ok:
			t.Errorf("%s is not published", name)
		case len(got) >= len(src)*9/10:
			t.Errorf("%s: published %d bytes of %d: not minified", name, len(got), len(src))
		case bytes.Contains(got, []byte("\n  ")) || bytes.Contains(got, []byte("/*")):
			t.Errorf("%s still has indentation or comments", name)
		default:
			t.Logf("%s: %d bytes, %d in the theme (%d%%)", name, len(got), len(src), 100*len(got)/len(src))
		}
	}
	// The sources in the theme stay readable: only the published copy is minified.
	if src, _ := fs.ReadFile(themes.Default(), "static/js/search.js"); !bytes.Contains(src, []byte("\n  ")) {
		t.Error("the theme's search.js source is no longer indented")
	}
	b.File("css/extra.css", "body{margin:0;color:red}", "! the site's own additions")
	b.File("js/extra.js", `function greet(`, `"Buongiorno, "+`, "! a comment", "! the site's own script")
	b.File("notes.txt", "  kept   as   it is  \n")
	again := sitetest.Run(t, overlay).OK().Out.Files()
	for _, name := range []string{"js/search.js", "css/pspm.css", "css/extra.css", "js/extra.js"} {
		if !bytes.Equal(out[name], again[name]) {
			t.Errorf("%s differs between two builds of the same site", name)
		}
	}
}

// TestStaticScriptTheMinifierCannotParseIsPublishedAsItIsWithAWarning: a site's script
// that is not valid JavaScript (or uses syntax the minifier does not know) must still
// reach the portal byte for byte, with a warning at the position the minifier stopped.
func TestStaticScriptTheMinifierCannotParseIsPublishedAsItIsWithAWarning(t *testing.T) {
	broken := "// a script with a syntax error\nvar total = ;\n"
	b := sitetest.Run(t, "-- static/js/broken.js --\n"+broken).OK()
	b.Diag("static/js/broken.js:2:13: warning: cannot minify: unexpected ; in expression; the file is published as it is")
	if got := string(b.Out.Files()["js/broken.js"]); got != broken {
		t.Errorf("js/broken.js published as %q, want it as it is: %q", got, broken)
	}
	if errs := b.Errors(); len(errs) > 0 {
		t.Errorf("a script the minifier cannot read must be a warning, not an error:\n%s", errs.Format())
	}
	// pspm check says it too, without writing anything.
	sitetest.Check(t, "-- static/js/broken.js --\n"+broken).Diag("static/js/broken.js:2:13: warning: cannot minify")
}

// TestScriptInANamedThemeIsWarnedAboutAtItsPathInTheSite: the warning names the file
// where the site keeps it, so a planner can open it.
func TestScriptInANamedThemeIsWarnedAboutAtItsPathInTheSite(t *testing.T) {
	sitetest.Run(t, "-- pspm.yaml --\ntheme: themes/comune\n-- themes/comune/static/js/menu.js --\nif (\n").OK().
		Diag("themes/comune/static/js/menu.js:2:1: warning: cannot minify")
}
