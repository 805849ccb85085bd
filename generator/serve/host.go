package serve

import (
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// HostOptions says which names the preview server answers to.
type HostOptions struct {
	// Addr is the address listened on, host:port (the --bind interface and the port).
	Addr string
	// BaseURL is the URL the preview is reached at (--base-url), e.g. behind a proxy.
	BaseURL string
	// Interfaces returns the addresses of the machine's network interfaces, consulted
	// when Addr's host is unspecified (0.0.0.0 or ::). Nil means net.InterfaceAddrs.
	Interfaces func() ([]net.Addr, error)
}

// HostGuard answers only requests whose Host header names the server: the host of
// o.Addr, localhost, 127.0.0.1, [::1], or the host of o.BaseURL, with any port or none.
// When the server listens on every interface (0.0.0.0 or ::), the IP addresses of the
// machine's interfaces are accepted too (and 0.0.0.0 itself, as pspm serve prints it). Any other Host gets 403 Forbidden with a short
// explanation: a page on another site that makes its own name resolve to 127.0.0.1 (DNS
// rebinding) cannot read the preview, nor its live-reload events, through the browser.
func HostGuard(h http.Handler, o HostOptions) http.Handler {
	g := &hostGuard{next: h, names: map[string]bool{"localhost": true}, interfaces: o.Interfaces}
	if g.interfaces == nil {
		g.interfaces = net.InterfaceAddrs
	}
	g.ips = []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}
	add := func(host string) {
		if host == "" {
			return
		}
		if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
			if ip.IsUnspecified() {
				g.any = true
			} else {
				g.ips = append(g.ips, ip)
			}
			return
		}
		g.names[canonicalName(host)] = true
	}
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil {
		host = o.Addr
	}
	if host == "" {
		g.any = true // ":1313" listens on every interface
	}
	add(host)
	if u, err := url.Parse(o.BaseURL); err == nil {
		add(u.Hostname())
	}
	return g
}

type hostGuard struct {
	next       http.Handler
	names      map[string]bool // lower case, without a final dot
	ips        []net.IP
	any        bool // listening on every interface: the machine's own addresses are its names
	interfaces func() ([]net.Addr, error)

	mu    sync.Mutex
	local []net.IP // the interfaces' addresses, read again when a Host is not found
}

func (g *hostGuard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.allowed(r.Host) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte("403 forbidden: this preview answers only to localhost, the address it listens on and the host of --base-url.\n" +
			"Open it at one of those, or start pspm serve with --base-url set to the address you use.\n"))
		return
	}
	g.next.ServeHTTP(w, r)
}

// allowed reports whether the Host header host names this server.
func (g *hostGuard) allowed(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimPrefix(strings.TrimSuffix(host, "]"), "[")
	if host == "" {
		return false
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return g.names[canonicalName(host)]
	}
	for _, a := range g.ips {
		if a.Equal(ip) {
			return true
		}
	}
	if !g.any {
		return false
	}
	if ip.IsUnspecified() {
		// Bound to every interface, pspm serve prints http://0.0.0.0:port/, which a
		// browser may open.
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, refresh := range []bool{false, true} {
		if refresh || g.local == nil {
			g.local = g.local[:0]
			addrs, _ := g.interfaces()
			for _, a := range addrs {
				if n, ok := a.(*net.IPNet); ok {
					g.local = append(g.local, n.IP)
				} else if a, ok := a.(*net.IPAddr); ok {
					g.local = append(g.local, a.IP)
				}
			}
		}
		for _, a := range g.local {
			if a.Equal(ip) {
				return true
			}
		}
	}
	return false
}

// canonicalName is a host name as DNS compares it: lower case, without the final dot.
func canonicalName(host string) string {
	return strings.ToLower(strings.TrimSuffix(host, "."))
}
