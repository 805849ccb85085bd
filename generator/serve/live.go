package serve

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// LivePrefix is the path under which Live's handler answers; a page's HTML never uses it, so
// it cannot hide a page of the site.
const LivePrefix = "/_pspm/"

// maxStreams is how many event streams Live keeps open at once: one a tab showing the
// site, which a person never has thousands of; beyond it a stream is refused with 503.
const maxStreams = 256

// streamBuffer is how many messages a stream may fall behind before it is dropped.
const streamBuffer = 16

// liveJS is the script Inject adds to every page: it reloads the page after a good build
// and shows the errors of a failed one.
//
//go:embed live.js
var liveJS string

// Problem is one build error or warning, shown in the overlay.
type Problem struct {
	File    string `json:"file"` // slash path relative to the site folder, may be ""
	Line    int    `json:"line"` // 0 when unknown
	Col     int    `json:"col"`  // 0 when unknown
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

// Live tells the browsers showing the site that it was rebuilt: after a good build every
// open page reloads, keeping its scroll position, and after a failed one every page shows
// the build's errors over its content until a good build. It exists only in `pspm serve`:
// a built site never carries it. Its methods are safe for concurrent use.
type Live struct {
	// ping is how often an idle stream gets a comment, so that proxies keep it open.
	ping time.Duration
	// writeTimeout bounds one write to a stream: a browser that stops reading loses its
	// stream instead of holding a goroutine forever.
	writeTimeout time.Duration

	mu       sync.Mutex
	gen      uint64
	problems []Problem
	streams  map[*stream]struct{}
	closed   bool
}

// stream is one browser's event stream.
type stream struct {
	msgs chan []byte   // events, ready to write
	done chan struct{} // closed when the stream must end: it fell behind, or Live closed
}

// NewLive returns a Live at generation 0 with no problems: until the first Publish,
// browsers are told that the site is fine.
func NewLive() *Live {
	return &Live{
		ping:         15 * time.Second,
		writeTimeout: 10 * time.Second,
		streams:      map[*stream]struct{}{},
	}
}

// Handler serves, under LivePrefix, the two resources of live reload; it expects the
// request's whole path, so mount it at LivePrefix without stripping it:
//
//   - GET /_pspm/events is a stream of Server-Sent Events. It opens with the current state,
//     "event: hello" with data {"gen": N, "problems": [...]}, so that a page loaded while
//     the build is broken shows the errors at once and a page that missed a rebuild while
//     disconnected can tell. Then come "event: reload" with data {"gen": N} after each good
//     rebuild and "event: problems" with data {"gen": N, "problems": [...]} after a failed
//     one, and a comment ": ping" every 15 seconds, so that proxies keep the stream open.
//     The server's WriteTimeout and ReadTimeout do not apply to a stream, which would
//     otherwise be cut every 30 seconds. At most 256 streams are open at once; more, or any
//     after Close, get 503.
//   - GET /_pspm/live.js is the client script, never cached.
func (l *Live) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case LivePrefix + "events":
			if r.Method != http.MethodGet {
				w.Header().Set("Allow", "GET")
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			l.serveEvents(w, r)
		case LivePrefix + "live.js":
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
				return
			}
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Header().Set("X-Content-Type-Options", "nosniff")
			http.ServeContent(w, r, "live.js", time.Time{}, strings.NewReader(liveJS))
		default:
			http.NotFound(w, r)
		}
	})
}

// serveEvents holds one browser's event stream until the browser goes, the stream falls
// behind, or Live closes.
func (l *Live) serveEvents(w http.ResponseWriter, r *http.Request) {
	s := &stream{msgs: make(chan []byte, streamBuffer), done: make(chan struct{})}
	l.mu.Lock()
	if l.closed || len(l.streams) >= maxStreams {
		l.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		http.Error(w, "too many live reload streams, or the server is stopping", http.StatusServiceUnavailable)
		return
	}
	l.streams[s] = struct{}{}
	// The hello is taken under the lock that registers the stream, so that no Publish
	// falls between the state it tells and the first message in s.msgs.
	hello := event("hello", state{Gen: l.gen, Problems: nonNil(l.problems)})
	l.mu.Unlock()
	defer l.drop(s)

	rc := http.NewResponseController(w)
	// The server's WriteTimeout is for the whole response, and a stream never ends: each
	// write gets its own deadline in send instead. (The read deadline needs nothing: the
	// server clears it once it has read the request.) The call fails only on a
	// ResponseWriter without deadlines, which has none to clear.
	_ = rc.SetWriteDeadline(time.Time{})

	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Accel-Buffering", "no") // nginx: pass events on as they come
	w.WriteHeader(http.StatusOK)

	// retry asks browsers to reconnect within a second of the server's restart.
	if !l.send(w, rc, slices.Concat([]byte("retry: 1000\n"), hello)) {
		return
	}
	// Ending the response writes one more chunk, which the last write's deadline, long
	// passed on an idle stream, would cut: the browser would see a broken stream.
	defer func() { _ = rc.SetWriteDeadline(time.Now().Add(l.writeTimeout)) }()
	ping := time.NewTicker(l.ping)
	defer ping.Stop()
	for {
		select {
		case msg := <-s.msgs:
			if !l.send(w, rc, msg) {
				return
			}
		case <-ping.C:
			if !l.send(w, rc, []byte(": ping\n\n")) {
				return
			}
		case <-s.done:
			return
		case <-r.Context().Done():
			return
		}
	}
}

// send writes msg to the stream and flushes it within l.writeTimeout; it says whether the
// stream is still good.
func (l *Live) send(w http.ResponseWriter, rc *http.ResponseController, msg []byte) bool {
	_ = rc.SetWriteDeadline(time.Now().Add(l.writeTimeout))
	if _, err := w.Write(msg); err != nil {
		return false
	}
	return rc.Flush() == nil
}

// drop forgets s and ends its stream, unless Publish or Close did already.
func (l *Live) drop(s *stream) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.streams[s]; ok {
		delete(l.streams, s)
		close(s.done)
	}
}

// state is the data of a hello or problems event; reload has only the generation.
type state struct {
	Gen      uint64    `json:"gen"`
	Problems []Problem `json:"problems"`
}

// Publish announces a rebuild: generation gen, problems empty for a good build (browsers
// reload) or the build's errors (browsers show them and keep the page). Generations must
// increase; a gen lower than one published already is stale news from a slower rebuild, and
// is ignored. Publish never waits for a browser: one that has fallen streamBuffer messages
// behind loses its stream, and reconnects to a hello with the state of the latest build.
func (l *Live) Publish(gen uint64, problems []Problem) {
	var msg []byte
	if len(problems) == 0 {
		msg = event("reload", struct {
			Gen uint64 `json:"gen"`
		}{gen})
	} else {
		msg = event("problems", state{Gen: gen, Problems: problems})
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if gen < l.gen {
		return
	}
	l.gen, l.problems = gen, slices.Clone(problems)
	for s := range l.streams {
		select {
		case s.msgs <- msg:
		default:
			delete(l.streams, s)
			close(s.done)
		}
	}
}

// Close ends every stream and refuses new ones with 503. Register it with
// http.Server.RegisterOnShutdown: Shutdown waits for connections to go idle, which a
// stream never does.
func (l *Live) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	for s := range l.streams {
		delete(l.streams, s)
		close(s.done)
	}
}

// event formats one Server-Sent Event with data as JSON, which is one line: JSON escapes
// line breaks in strings.
func event(name string, data any) []byte {
	b, err := json.Marshal(data)
	if err != nil {
		// Problems and generations always encode; this keeps a bug from sending a
		// malformed event.
		b = []byte(`{}`)
	}
	return slices.Concat([]byte("event: "+name+"\ndata: "), b, []byte("\n\n"))
}

// nonNil makes "no problems" encode as [] rather than null, so that the script can count them.
func nonNil(ps []Problem) []Problem {
	if ps == nil {
		return []Problem{}
	}
	return ps
}

// liveTag is the element Inject adds.
const liveTag = `<script src="` + LivePrefix + `live.js" defer></script>`

// Inject returns page with the live reload script added: liveTag before the first </head>
// (in any case), or when there is none before the last </body>, or else at the end. The
// rest of the page is byte for byte the same, and page itself is not modified. Only the
// preview server calls it: a built site never carries the script.
func Inject(page []byte) []byte {
	i := indexFold(page, "</head>", false)
	if i < 0 {
		i = indexFold(page, "</body>", true)
	}
	if i < 0 {
		i = len(page)
	}
	return slices.Concat(page[:i], []byte(liveTag), page[i:])
}

// indexFold returns the index of the first (or the last) occurrence of the lower-case
// ASCII tag in s, in any case, or -1. It compares bytes, so it never shifts an index as
// lower-casing non-ASCII text could.
func indexFold(s []byte, tag string, last bool) int {
	found := -1
	for i := 0; i+len(tag) <= len(s); i++ {
		j := bytes.IndexByte(s[i:len(s)-len(tag)+1], '<')
		if j < 0 {
			break
		}
		i += j
		if equalFoldASCII(s[i:i+len(tag)], tag) {
			found = i
			if !last {
				break
			}
		}
	}
	return found
}

// equalFoldASCII says whether b is lower, in any case of its ASCII letters.
func equalFoldASCII(b []byte, lower string) bool {
	for k := range len(lower) {
		c := b[k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[k] {
			return false
		}
	}
	return true
}
