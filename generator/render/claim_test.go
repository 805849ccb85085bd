package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/diag"
)

func TestTwoFilesAtOnePathAreRefusedNamingBoth(t *testing.T) {
	page := task{kind: "practice", path: "practices/x/index.html", url: "/practices/x/"}
	feed := task{path: "practices/x/index.html"}
	err := claim(newClaims(), []task{page, feed})
	if err == nil || !strings.Contains(err.Error(), "the practice page /practices/x/") || !strings.Contains(err.Error(), "a generated file") {
		t.Errorf("err = %v, want an internal error naming both producers", err)
	}
	// An attachment is the content's fault: an error at its path.
	att := task{path: "practices/x/index.html", src: "content/practices/x/index.html"}
	err = claim(newClaims(), []task{page, att})
	var dl diag.List
	if !errors.As(err, &dl) || !strings.Contains(err.Error(), "content/practices/x/index.html: this file would be published at /practices/x/index.html, which the practice page /practices/x/ takes") {
		t.Errorf("err = %v, want a content error at the attachment", err)
	}
	if err := claim(newClaims(), []task{page, {path: "practices/x/scheda.csv", src: "content/practices/x/scheda.csv"}}); err != nil {
		t.Errorf("distinct paths: %v", err)
	}
}
