package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func site(t *testing.T) (string, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.html":             "home",
		"404.html":               "custom not found",
		"proposals/x/index.html": "proposal x",
		".git/config":            "secret git config",
		"proposals/.hidden":      "hidden",
		"css/pspm.css":           "body{}",
		"search/index.html":      "<html><head><title>Cerca</title></head><body></body></html>",
		"en/search/index.html":   "<html><head><title>Search</title></head><body></body></html>",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("outside secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "leak.txt")); err != nil {
		t.Fatal(err)
	}
	h, err := Handler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return dir, srv
}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestServesTheBuiltPagesWithSecurityHeaders(t *testing.T) {
	_, srv := site(t)
	code, body, h := get(t, srv.URL+"/proposals/x/")
	if code != 200 || body != "proposal x" {
		t.Fatalf("GET /proposals/x/ = %d %q", code, body)
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("missing security headers: %v", h)
	}
}

func TestNeverServesDotfilesTraversalOrLinksOutOfTheFolder(t *testing.T) {
	_, srv := site(t)
	for _, p := range []string{"/.git/config", "/proposals/.hidden", "/../secret.txt", "/%2e%2e/secret.txt", "/leak.txt", "/proposals/..%2f..%2fsecret.txt", "/nope/"} {
		code, body, _ := get(t, srv.URL+p)
		if code != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", p, code)
		}
		if strings.Contains(body, "secret") {
			t.Errorf("GET %s leaked %q", p, body)
		}
		if body != "custom not found" {
			t.Errorf("GET %s did not serve 404.html: %q", p, body)
		}
	}
}

func TestOnlyReadsAreAllowed(t *testing.T) {
	_, srv := site(t)
	resp, err := http.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d, want 405", resp.StatusCode)
	}
}
