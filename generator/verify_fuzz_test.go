package generator

import (
	"strings"
	"testing"
)

// FuzzVerifyReadsWhatAHostServes: a build record and the files a host serves are
// untrusted; reading the record and saying what a changed file means never panics, and
// says at most 21 things.
func FuzzVerifyReadsWhatAHostServes(f *testing.F) {
	f.Add("api/v1/votes.json", `[{"file":"a","counted":true}]`, `[{"file":"a","counted":false}]`)
	f.Add("api/v1/proposals.json", `[{"id":"p1","votes":{"support":3}}]`, `[{"id":"p1","votes":{"support":1}},{"id":"p2"}]`)
	f.Add("index.html", "<p>a\nb</p>", "<p>a\nc</p>")
	f.Add("api/v1/versions.json", `{"a":[1,2,{"b":null}]}`, `{"a":[1,2,{"b":1}]}`)
	f.Add("api/v1/build.json", `{"format":1,"files":[{"path":"../x","size":-1}]}`, `{}`)
	f.Fuzz(func(t *testing.T, name, got, want string) {
		lines := meaning(name, []byte(got), []byte(want))
		if len(lines) > 21 {
			t.Fatalf("%d lines", len(lines))
		}
		for _, l := range lines {
			if strings.Contains(l, "\x00") && !strings.Contains(got+want, "\x00") {
				t.Fatalf("invented a NUL: %q", l)
			}
		}
		_, _ = ReadRecord([]byte(got))
	})
}
