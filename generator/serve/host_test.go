package serve_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pspm-dev/pspm/generator/serve"
)

// answers sends GET path with the Host header host to h and returns the status code.
func answers(t *testing.T, h http.Handler, host, path string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://placeholder"+path, nil)
	req.Host = host
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code == http.StatusForbidden {
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("Host %q: 403 with Content-Type %q, want plain text", host, ct)
		}
		if !strings.Contains(rec.Body.String(), "--base-url") {
			t.Errorf("Host %q: the 403 does not say how to fix it: %q", host, rec.Body.String())
		}
	}
	return rec.Code
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "site") })

// A page on another site that resolves its own name to 127.0.0.1 (DNS rebinding) sends
// its name as the Host: the preview refuses it, and answers to its own names.
func TestPreviewRefusesHostsThatDoNotNameIt(t *testing.T) {
	h := serve.HostGuard(ok, serve.HostOptions{Addr: "127.0.0.1:1313", BaseURL: "https://preview.example.org/site/"})
	for host, want := range map[string]int{
		"127.0.0.1:1313":             200,
		"127.0.0.1":                  200,
		"localhost:1313":             200,
		"LOCALHOST.":                 200,
		"[::1]:1313":                 200,
		"[::1]":                      200,
		"preview.example.org":        200,
		"Preview.Example.Org:443":    200,
		"attacker.example":           403,
		"attacker.example:1313":      403,
		"localhost.attacker.example": 403,
		"127.0.0.1.nip.io:1313":      403,
		"example.org":                403,
		"192.168.1.10:1313":          403, // listening on loopback only: no other address names it
		"":                           403,
		"[::ffff:7f00:2]":            403,
	} {
		if got := answers(t, h, host, "/"); got != want {
			t.Errorf("Host %q: %d, want %d", host, got, want)
		}
	}
}

// The live-reload event stream is behind the same guard: another site cannot watch the
// author's edits.
func TestLiveEventsRefuseForeignHosts(t *testing.T) {
	live := serve.NewLive()
	defer live.Close()
	site := serve.NewSite(serve.SiteOptions{Live: live, BasePath: "/"})
	h := serve.HostGuard(site, serve.HostOptions{Addr: "127.0.0.1:0"})
	for _, p := range []string{serve.LivePrefix + "events", serve.LivePrefix + "live.js", "/"} {
		if got := answers(t, h, "rebind.attacker.example", p); got != http.StatusForbidden {
			t.Errorf("%s with a foreign Host: %d, want 403", p, got)
		}
	}
	if got := answers(t, h, "127.0.0.1", serve.LivePrefix+"live.js"); got != http.StatusOK {
		t.Errorf("live.js at 127.0.0.1: %d", got)
	}
}

// Bound to every interface, the preview answers to the machine's own addresses (read
// from its interfaces), localhost and the --base-url host, and to no other name.
func TestPreviewOnAllInterfacesAcceptsTheMachinesAddresses(t *testing.T) {
	ifaces := func() ([]net.Addr, error) {
		return []net.Addr{
			&net.IPNet{IP: net.ParseIP("192.168.1.10"), Mask: net.CIDRMask(24, 32)},
			&net.IPNet{IP: net.ParseIP("fe80::1"), Mask: net.CIDRMask(64, 128)},
		}, nil
	}
	for _, bind := range []string{"0.0.0.0:1313", "[::]:1313", ":1313"} {
		h := serve.HostGuard(ok, serve.HostOptions{Addr: bind, BaseURL: "http://pc-ufficio.local:1313/", Interfaces: ifaces})
		for host, want := range map[string]int{
			"192.168.1.10:1313":     200,
			"[fe80::1]:1313":        200,
			"pc-ufficio.local:1313": 200,
			"localhost":             200,
			"127.0.0.1:1313":        200,
			"0.0.0.0:1313":          200, // what pspm serve prints when bound to 0.0.0.0
			"[::]:1313":             200,
			"192.168.1.11:1313":     403,
			"attacker.example:1313": 403,
		} {
			if got := answers(t, h, host, "/"); got != want {
				t.Errorf("bind %s, Host %q: %d, want %d", bind, host, got, want)
			}
		}
	}
}
