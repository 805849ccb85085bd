package markdown_test

import (
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/markdown"
)

func TestPlainKeepsTheTextAReaderReads(t *testing.T) {
	src := "# Titolo\n\nUn paragrafo con [un link](https://example.org), *enfasi* e `codice`,\nsu due righe &amp; un'entità.\n\n" +
		"- uno\n- due\n\n| a | b |\n|---|---|\n| cella | altra |\n\n```go\nfunc f() {}\n```\n\n<div>visibile<script>nascosto</script></div>\n\n![alt del disegno](x.png) <b>grassetto</b> fine\n"
	summary, text := markdown.New().Plain([]byte(src))
	if want := "Un paragrafo con un link, enfasi e codice, su due righe & un'entità."; summary != want {
		t.Errorf("summary = %q, want %q", summary, want)
	}
	for _, want := range []string{"Titolo\n", "Un paragrafo con un link, enfasi e codice, su due righe & un'entità.", "\nuno\n", "\ndue\n",
		"\ncella\n", "\naltra\n", "\nfunc f() {}\n", "\nvisibile\n", "alt del disegno", "grassetto fine"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, absent := range []string{"nascosto", "<", "*", "`", "https://example.org", "x.png"} {
		if strings.Contains(text, absent) {
			t.Errorf("text has %q:\n%s", absent, text)
		}
	}
}

func TestPlainOfEmptyText(t *testing.T) {
	if s, text := markdown.New().Plain(nil); s != "" || text != "" {
		t.Errorf("Plain(nil) = %q, %q", s, text)
	}
}

func TestPlainReadsALineBreakInACodeSpanAsASpace(t *testing.T) {
	_, text := markdown.New().Plain([]byte("Usare `pspm\nbuild` ogni giorno."))
	if want := "Usare pspm build ogni giorno."; text != want {
		t.Errorf("text = %q, want %q", text, want)
	}
}
