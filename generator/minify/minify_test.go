package minify

import (
	"bytes"
	"errors"
	"testing"
)

func TestCSSAndJavaScriptAreMinifiedOtherFilesAreNot(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"a.css", "/* c */\nbody  {\n  color : #ff0000 ;\n}\n", "body{color:red}"},
		{"a.js", "// c\nvar  s = 'a  b' ;\nconsole.log( s ) ;\n", `var s="a  b";console.log(s)`},
		// A regular expression and a string that look like comments survive.
		{"b.js", "var r = /\\/\\*x/; var u = \"http://example.org\";\n", `var r=/\/\*x/,u="http://example.org"`},
		{"a.mjs", "export const  x = 1 ;\n", "export const x=1"},
		{"a.svg", "<svg>  </svg>\n", "<svg>  </svg>\n"},
		{"a.txt", "  a  \n", "  a  \n"},
	} {
		got, err := File(c.name, []byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("File(%s, %q) = %q, %v; want %q", c.name, c.in, got, err, c.want)
		}
	}
}

func TestFileTheMinifierCannotParseIsReturnedAsItIsWithItsPosition(t *testing.T) {
	in := []byte("var a = 1;\nvar b = ;\n")
	got, err := File("x.js", in)
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Col != 9 || e.Msg == "" {
		t.Fatalf("error = %#v, want an *Error at 2:9", err)
	}
	if !bytes.Equal(got, in) {
		t.Errorf("got %q, want the input unchanged", got)
	}
}

// FuzzFile: whatever a site puts in static/, minifying never panics, and a file that
// cannot be minified comes back unchanged.
func FuzzFile(f *testing.F) {
	f.Add("a.css", "body{color:red}")
	f.Add("a.js", "var x = /re/g; `t${1}`")
	f.Add("a.js", "if (")
	f.Add("a.css", "@media (min-width:1px){a{b:c")
	f.Fuzz(func(t *testing.T, name, in string) {
		got, err := File(name, []byte(in))
		if err != nil && string(got) != in {
			t.Fatalf("an error, and the file changed: %q -> %q", in, got)
		}
	})
}
