package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// wait is how long a test waits for something that should happen at once; only a bug
// makes it wait that long.
const wait = 10 * time.Second

// sse is one event of a stream: a comment has name ":" and the comment as data.
type sse struct {
	name, data string
}

// eventStream reads a live reload stream as a browser does.
type eventStream struct {
	resp   *http.Response
	events chan sse
	errc   chan error // the error that ended the stream, io.EOF when it ended cleanly
}

// openStream opens GET /_pspm/events on srv and wants a stream.
func openStream(t *testing.T, srv *httptest.Server) *eventStream {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + LivePrefix + "events")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %sevents = %d, want 200", LivePrefix, resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Errorf("Content-Type %q, want text/event-stream", ct)
	}
	s := &eventStream{resp: resp, events: make(chan sse, 1000), errc: make(chan error, 1)}
	go s.read()
	return s
}

// read parses the stream into s.events, as the EventSource specification says: fields
// "name: value", an empty line ending an event, and lines starting with a colon comments.
func (s *eventStream) read() {
	r := bufio.NewReader(s.resp.Body)
	var ev sse
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			s.errc <- err
			return
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			if ev.name != "" || ev.data != "" {
				s.events <- ev
			}
			ev = sse{}
		case strings.HasPrefix(line, ":"):
			s.events <- sse{":", strings.TrimSpace(line[1:])}
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				ev.name = value
			case "data":
				ev.data += value
			}
		}
	}
}

// next returns the next event that is not a comment.
func (s *eventStream) next(t *testing.T) sse {
	t.Helper()
	for {
		select {
		case ev := <-s.events:
			if ev.name != ":" {
				return ev
			}
		case err := <-s.errc:
			t.Fatalf("the stream ended before the next event: %v", err)
		case <-time.After(wait):
			t.Fatal("no event within 10s")
		}
	}
}

// ended waits for the end of the stream and says whether it ended cleanly.
func (s *eventStream) ended(t *testing.T) error {
	t.Helper()
	select {
	case err := <-s.errc:
		return err
	case <-time.After(wait):
		t.Fatal("the stream is still open after 10s")
		return nil
	}
}

// decode decodes an event's data and fails on anything but the named event.
func decode[T any](t *testing.T, ev sse, name string) T {
	t.Helper()
	var v T
	if ev.name != name {
		t.Fatalf("event %q with data %s, want event %q", ev.name, ev.data, name)
	}
	if err := json.Unmarshal([]byte(ev.data), &v); err != nil {
		t.Fatalf("event %s has data %q, not JSON: %v", name, ev.data, err)
	}
	return v
}

// liveServer serves l's handler on loopback.
func liveServer(t *testing.T, l *Live) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(l.Handler())
	t.Cleanup(srv.Close)
	t.Cleanup(l.Close) // before srv.Close, which waits for the streams
	return srv
}

// streamCount is how many streams l holds.
func (l *Live) streamCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.streams)
}

// broken is the problems of a failed build: an error and a warning.
func broken() []Problem {
	return []Problem{
		{File: "content/proposals/x/index.md", Line: 4, Col: 1, Message: `unknown status "aproved" (want one of: open, accepted)`},
		{File: "pspm.yaml", Message: "no title", Warning: true},
	}
}

func TestLiveHelloTellsTheCurrentState(t *testing.T) {
	l := NewLive()
	srv := liveServer(t, l)

	s := openStream(t, srv)
	hello := decode[state](t, s.next(t), "hello")
	if hello.Gen != 0 || hello.Problems == nil || len(hello.Problems) != 0 {
		t.Errorf("hello before any build = %+v, want gen 0 and problems []", hello)
	}

	l.Publish(7, broken())
	s = openStream(t, srv)
	hello = decode[state](t, s.next(t), "hello")
	if hello.Gen != 7 || !slices.Equal(hello.Problems, broken()) {
		t.Errorf("hello while the build is broken = %+v, want gen 7 and %+v", hello, broken())
	}

	l.Publish(8, nil)
	s = openStream(t, srv)
	if hello := decode[state](t, s.next(t), "hello"); hello.Gen != 8 || len(hello.Problems) != 0 {
		t.Errorf("hello after a good build = %+v, want gen 8 and no problems", hello)
	}
}

func TestLiveReloadsAfterAGoodBuildAndShowsProblemsOfABadOne(t *testing.T) {
	l := NewLive()
	srv := liveServer(t, l)
	s := openStream(t, srv)
	decode[state](t, s.next(t), "hello")

	l.Publish(1, nil)
	ev := s.next(t)
	if ev.name != "reload" || ev.data != `{"gen":1}` {
		t.Errorf("after a good build: event %q data %s, want reload {\"gen\":1}", ev.name, ev.data)
	}

	l.Publish(2, broken())
	ev = s.next(t)
	const want = `{"gen":2,"problems":[` +
		`{"file":"content/proposals/x/index.md","line":4,"col":1,"message":"unknown status \"aproved\" (want one of: open, accepted)"},` +
		`{"file":"pspm.yaml","line":0,"col":0,"message":"no title","warning":true}]}`
	if ev.name != "problems" || ev.data != want {
		t.Errorf("after a failed build: event %q data\n%s\nwant problems\n%s", ev.name, ev.data, want)
	}

	// A slower rebuild that ends after a newer one is stale news.
	l.Publish(1, broken())
	l.Publish(3, nil)
	if ev := s.next(t); ev.name != "reload" || ev.data != `{"gen":3}` {
		t.Errorf("after a stale publication and a good build: event %q data %s, want reload {\"gen\":3}", ev.name, ev.data)
	}
}

func TestLiveProblemsAreJSONFieldsNeverMarkup(t *testing.T) {
	l := NewLive()
	srv := liveServer(t, l)
	s := openStream(t, srv)
	decode[state](t, s.next(t), "hello")

	evil := []Problem{{
		File:    "content/<b>x</b>.md",
		Line:    2,
		Message: "</script><script>alert(1)</script>\nevent: reload\ndata: {\"gen\":99}\n\n<img src=x onerror=alert(1)>",
	}}
	l.Publish(5, evil)
	ev := s.next(t)
	got := decode[state](t, ev, "problems")
	if len(got.Problems) != 1 || got.Problems[0] != evil[0] {
		t.Errorf("the problems arrive as %+v, want %+v", got.Problems, evil)
	}
	// The message's line breaks stay inside the JSON string: no event is forged.
	for _, raw := range []string{"<script>", "<img", "\n"} {
		if strings.Contains(ev.data, raw) {
			t.Errorf("the event's data has %q raw: %s", raw, ev.data)
		}
	}
	l.Publish(6, nil)
	if ev := s.next(t); ev.name != "reload" || ev.data != `{"gen":6}` {
		t.Errorf("the event after the problems is %q %s, want reload {\"gen\":6}", ev.name, ev.data)
	}
}

func TestLivePingsAnIdleStream(t *testing.T) {
	l := NewLive()
	l.ping = 20 * time.Millisecond
	srv := liveServer(t, l)
	s := openStream(t, srv)
	decode[state](t, s.next(t), "hello")
	select {
	case ev := <-s.events:
		if ev != (sse{":", "ping"}) {
			t.Errorf("an idle stream got %+v, want the comment ping", ev)
		}
	case <-time.After(wait):
		t.Error("an idle stream got no ping")
	}
}

func TestLiveStreamOutlivesTheServersTimeouts(t *testing.T) {
	l := NewLive()
	srv := httptest.NewUnstartedServer(l.Handler())
	srv.Config.ReadTimeout = 100 * time.Millisecond
	srv.Config.WriteTimeout = 100 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(l.Close)

	s := openStream(t, srv)
	decode[state](t, s.next(t), "hello")
	time.Sleep(400 * time.Millisecond) // past both timeouts
	l.Publish(1, nil)
	if ev := s.next(t); ev.name != "reload" {
		t.Errorf("after the server's timeouts the stream got %+v, want reload", ev)
	}
}

func TestLivePublishNeverWaitsForABlockedBrowser(t *testing.T) {
	l := NewLive()
	l.writeTimeout = 200 * time.Millisecond
	srv := liveServer(t, l)

	// A browser that asks for the stream and never reads it.
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := fmt.Fprintf(conn, "GET %sevents HTTP/1.1\r\nHost: x\r\n\r\n", LivePrefix); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(wait); l.streamCount() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stream never opened")
		}
	}

	// Big problems fill the sockets' buffers, then the stream's: Publish must go on, and
	// drop the stream. 1000 of them are 100 MB, far more than loopback sockets hold.
	big := []Problem{{File: "x.md", Message: strings.Repeat("a long message. ", 6400)}}
	published := make(chan uint64)
	go func() {
		gen := uint64(1)
		for ; gen < 1000 && l.streamCount() > 0; gen++ {
			l.Publish(gen, big)
		}
		published <- gen - 1
	}()
	var last uint64
	select {
	case last = <-published:
	case <-time.After(wait):
		t.Fatal("Publish blocks on a browser that does not read")
	}
	if n := l.streamCount(); n != 0 {
		t.Fatalf("after %d big publications the blocked browser still has its stream", last)
	}
	t.Logf("the blocked browser was dropped after %d publications of %d KB", last, len(big[0].Message)>>10)

	// Its handler does not wait for it forever either: the stream ends, cleanly when the
	// sockets held all of it, cut by the write timeout when they did not.
	if err := conn.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the blocked browser's stream never ended (%d bytes read)", n)
	}
	t.Logf("the blocked browser's stream ended after %d MB: %v", n>>20, err)

	// A browser that reads still gets the news.
	s := openStream(t, srv)
	if hello := decode[state](t, s.next(t), "hello"); hello.Gen != last || len(hello.Problems) != 1 {
		t.Errorf("hello after the flood tells gen %d with %d problems, want gen %d with 1", hello.Gen, len(hello.Problems), last)
	}
	l.Publish(last+1, nil)
	if ev := s.next(t); ev.name != "reload" {
		t.Errorf("got %+v, want reload", ev)
	}
}

func TestLiveDropsAStreamThatFallsBehind(t *testing.T) {
	l := NewLive()
	// A stream whose browser reads nothing, as serveEvents registers it.
	st := &stream{msgs: make(chan []byte, streamBuffer), done: make(chan struct{})}
	l.streams[st] = struct{}{}
	for gen := range uint64(streamBuffer) {
		l.Publish(gen, broken())
	}
	select {
	case <-st.done:
		t.Fatalf("a stream with %d messages waiting was dropped; it holds %d", streamBuffer, streamBuffer)
	default:
	}
	l.Publish(streamBuffer, nil)
	select {
	case <-st.done:
	default:
		t.Fatal("a stream with a full buffer was not dropped")
	}
	if n := l.streamCount(); n != 0 {
		t.Errorf("%d streams after the drop, want 0", n)
	}
	l.Publish(streamBuffer+1, nil) // the dropped stream is not closed twice
	l.Close()
}

func TestLiveCloseEndsStreamsAndLetsShutdownFinish(t *testing.T) {
	l := NewLive()
	srv := httptest.NewUnstartedServer(l.Handler())
	srv.Config.RegisterOnShutdown(l.Close)
	srv.Start()
	t.Cleanup(srv.Close)

	var streams []*eventStream
	for range 3 {
		s := openStream(t, srv)
		decode[state](t, s.next(t), "hello")
		streams = append(streams, s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	start := time.Now()
	if err := srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with open streams: %v after %v", err, time.Since(start))
	}
	t.Logf("Shutdown with 3 open streams took %v", time.Since(start))
	for i, s := range streams {
		if err := s.ended(t); err != io.EOF {
			t.Errorf("stream %d ended with %v, want a clean end", i, err)
		}
	}
}

func TestLiveRefusesStreamsAfterClose(t *testing.T) {
	l := NewLive()
	l.writeTimeout = 50 * time.Millisecond
	srv := liveServer(t, l)
	s := openStream(t, srv)
	decode[state](t, s.next(t), "hello")
	time.Sleep(100 * time.Millisecond) // the deadline of the last write has passed
	l.Close()
	if err := s.ended(t); err != io.EOF {
		t.Errorf("the stream ended with %v, want a clean end", err)
	}
	l.Publish(1, nil) // no stream, no panic
	code, _, _ := get(t, srv.URL+LivePrefix+"events")
	if code != http.StatusServiceUnavailable {
		t.Errorf("a stream after Close = %d, want 503", code)
	}
	l.Close() // twice is fine
}

func TestLiveRefusesThe257thStream(t *testing.T) {
	l := NewLive()
	srv := liveServer(t, l)

	bodies := make([]io.ReadCloser, maxStreams)
	errs := make([]error, maxStreams)
	var wg sync.WaitGroup
	for i := range maxStreams {
		wg.Go(func() {
			resp, err := srv.Client().Get(srv.URL + LivePrefix + "events")
			if err != nil {
				errs[i] = err
				return
			}
			bodies[i] = resp.Body
			if resp.StatusCode != http.StatusOK {
				errs[i] = fmt.Errorf("stream %d: %s", i+1, resp.Status)
			}
		})
	}
	wg.Wait()
	t.Cleanup(func() {
		for _, b := range bodies {
			if b != nil {
				b.Close()
			}
		}
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	// The headers come with the hello, after the stream is counted.
	if n := l.streamCount(); n != maxStreams {
		t.Fatalf("%d streams open, want %d", n, maxStreams)
	}
	code, _, _ := get(t, srv.URL+LivePrefix+"events")
	if code != http.StatusServiceUnavailable {
		t.Fatalf("stream %d = %d, want 503", maxStreams+1, code)
	}

	// A tab that goes frees its place.
	bodies[0].Close()
	for deadline := time.Now().Add(wait); l.streamCount() == maxStreams; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("a closed stream is still counted")
		}
	}
	s := openStream(t, srv)
	decode[state](t, s.next(t), "hello")
}

func TestLiveServesItsScript(t *testing.T) {
	l := NewLive()
	srv := liveServer(t, l)
	code, body, h := get(t, srv.URL+LivePrefix+"live.js")
	if code != http.StatusOK || body != liveJS {
		t.Fatalf("GET %slive.js = %d, %d bytes, want 200 and the embedded script", LivePrefix, code, len(body))
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q, want text/javascript", ct)
	}
	if cc := h.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}
	for _, want := range []string{`"use strict"`, "new EventSource(", "textContent"} {
		if !strings.Contains(strings.ReplaceAll(body, "'", `"`), want) {
			t.Errorf("live.js lacks %s", want)
		}
	}
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", `setAttribute("style"`, "setAttribute('style'", "eval("} {
		if strings.Contains(body, banned) {
			t.Errorf("live.js uses %s", banned)
		}
	}
	if code, _, _ := get(t, srv.URL+LivePrefix+"nothing"); code != http.StatusNotFound {
		t.Errorf("GET %snothing = %d, want 404", LivePrefix, code)
	}
	resp, err := http.Post(srv.URL+LivePrefix+"events", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST %sevents = %d, want 405", LivePrefix, resp.StatusCode)
	}
}

func TestLiveInjectAddsOnlyTheScript(t *testing.T) {
	for _, c := range []struct {
		name, page, before string // before: what the tag goes in front of, "" for the end
	}{
		{"head", "<!doctype html><html><head><title>x</title></head><body><p>x</p></body></html>", "</head><body>"},
		{"upper-case HEAD", "<HTML><HEAD><TITLE>x</TITLE></HEAD><BODY>x</BODY></HTML>", "</HEAD><BODY>"},
		{"mixed case", "<html><head></Head><body></body></html>", "</Head><body>"},
		{"only body", "<p>x</p></body><!-- </body> --></body></html>", "</body></html>"},
		{"neither", "<p>a fragment", ""},
		{"empty", "", ""},
		{"non-ASCII before head", "<title>İstanbul ǅ ẞ</title></head>", "</head>"},
		{"almost a head", "<p></hea</headx></head>", "</head>"},
	} {
		t.Run(c.name, func(t *testing.T) {
			page := []byte(c.page)
			orig := bytes.Clone(page)
			got := string(Inject(page))
			if !bytes.Equal(page, orig) {
				t.Errorf("Inject modified its argument: %q", page)
			}
			if n := strings.Count(got, liveTag); n != 1 {
				t.Fatalf("Inject(%q) = %q, with %d script tags, want 1", c.page, got, n)
			}
			if rest := strings.Replace(got, liveTag, "", 1); rest != c.page {
				t.Errorf("Inject changed the page besides adding the script:\n got %q\nwant %q", rest, c.page)
			}
			if c.before == "" {
				if !strings.HasSuffix(got, liveTag) {
					t.Errorf("Inject(%q) = %q, want the script at the end", c.page, got)
				}
			} else if !strings.Contains(got, liveTag+c.before) {
				t.Errorf("Inject(%q) = %q, want the script before %q", c.page, got, c.before)
			}
		})
	}
	if want := `<script src="/_pspm/live.js" defer></script>`; liveTag != want {
		t.Errorf("the tag is %s, want %s", liveTag, want)
	}
}

func TestLiveMethodsAreSafeForConcurrentUse(t *testing.T) {
	l := NewLive()
	srv := liveServer(t, l)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for g := range uint64(50) {
				l.Publish(uint64(i)*100+g, broken()[:i%2])
			}
		})
	}
	for range 8 {
		s := openStream(t, srv)
		decode[state](t, s.next(t), "hello")
	}
	wg.Wait()
	l.Close()
}
