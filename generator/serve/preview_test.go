package serve_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	demo "github.com/pspm-dev/pspm/content"
	"github.com/pspm-dev/pspm/generator"
	"github.com/pspm-dev/pspm/generator/serve"
)

// preview runs pspm serve's Preview on a copy of the demo site, on a free port.
type preview struct {
	t       *testing.T
	dir     string
	base    string
	rebuilt chan rebuild
	count   atomic.Int64
	out     *syncBuffer
}

type rebuild struct {
	sn  *generator.Snapshot
	err error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startPreview(t *testing.T) *preview {
	t.Helper()
	return startPreviewWith(t, 0)
}

// startPreviewWith is startPreview with the watcher's quiet time debounce (0 for the
// default).
func startPreviewWith(t *testing.T, debounce time.Duration) *preview {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	p := &preview{t: t, dir: dir, rebuilt: make(chan rebuild, 100), out: &syncBuffer{}}
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	first := true
	go func() {
		done <- serve.Preview(ctx, serve.PreviewOptions{Source: src, Dir: dir, BaseURL: "http://127.0.0.1/", BasePath: "/",
			Addr: "127.0.0.1:0", Out: p.out, Ready: func(a string) { ready <- a }, Debounce: debounce,
			Rebuilt: func(sn *generator.Snapshot, _ *generator.Result, err error) {
				if first { // the first build
					first = false
					return
				}
				p.count.Add(1)
				p.rebuilt <- rebuild{sn, err}
			}})
	}()
	select {
	case a := <-ready:
		p.base = "http://" + a
	case err := <-done:
		t.Fatalf("preview: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the preview never started")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("preview stopped with %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("the preview did not stop within 10 s of being cancelled")
		}
	})
	return p
}

func (p *preview) get(path string) (int, string) {
	p.t.Helper()
	resp, err := http.Get(p.base + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// next waits for the next rebuild.
func (p *preview) next() rebuild {
	p.t.Helper()
	select {
	case r := <-p.rebuilt:
		return r
	case <-time.After(20 * time.Second):
		p.t.Fatalf("no rebuild within 20 s; the terminal says:\n%s", p.out.String())
	}
	return rebuild{}
}

// quiet checks that no other rebuild comes within a while: one save, one rebuild.
func (p *preview) quiet() {
	p.t.Helper()
	select {
	case r := <-p.rebuilt:
		p.t.Errorf("one more rebuild (%v, %v); the terminal says:\n%s", r.sn != nil, r.err, p.out.String())
	case <-time.After(300 * time.Millisecond):
	}
}

// settle takes the rebuilds still coming from the steps before (a folder written file
// by file may be seen in more than one batch on a loaded machine), until none comes
// within a while, so that the next step's rebuild is its own.
func (p *preview) settle() {
	p.t.Helper()
	for {
		select {
		case r := <-p.rebuilt:
			if r.err != nil {
				p.t.Fatalf("rebuild: %v", r.err)
			}
		case <-time.After(500 * time.Millisecond):
			return
		}
	}
}

func (p *preview) write(rel, data string) {
	p.t.Helper()
	f := filepath.Join(p.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(f), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(f, []byte(data), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *preview) read(rel string) string {
	p.t.Helper()
	data, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(rel)))
	if err != nil {
		p.t.Fatal(err)
	}
	return string(data)
}

const (
	prop = "content/proposals/catasto-api-comuni/index.md"
	page = "/proposals/catasto-api-comuni/"
)

// A rebuild starts before the files have settled, but is shown only once they have: a
// file caught in the middle of a save is built (the snapshots are numbered one by one)
// and never shown, even when it does not read.
func TestPreviewShowsOnlyWhatSettled(t *testing.T) {
	// A long quiet time, so that two writes a gap apart are one save however loaded the
	// machine: a rebuild starts 5ms after the first.
	p := startPreviewWith(t, 3*time.Second)
	orig := p.read(prop)
	gen := uint64(1) // the first build
	save := func(first string, gap time.Duration) (built bool) {
		t.Helper()
		p.write(prop, first)
		time.Sleep(gap)
		final := "Salvato per intero " + strconv.FormatUint(gen, 10) + "."
		p.write(prop, strings.Replace(orig, "## Contesto", "## Contesto\n\n"+final, 1))
		r := p.next()
		if r.err != nil {
			t.Fatalf("the build shown has errors: %v\n%s", r.err, p.out.String())
		}
		p.quiet()
		if _, body := p.get(page); !strings.Contains(body, final) || strings.Contains(body, "A metà") {
			t.Errorf("the page does not show the save as it ended")
		}
		built = r.sn.Gen > gen+1 // a snapshot was made of the first write, and not shown
		gen = r.sn.Gen
		return built
	}
	// A first write that reads: it is built. A machine too busy to see the first write
	// alone within the gap would make one build of both: the gap grows then.
	built := false
	for _, gap := range []time.Duration{300 * time.Millisecond, 1200 * time.Millisecond} {
		if built = save(strings.Replace(orig, "## Contesto", "## Contesto\n\nA metà del salvataggio.", 1), gap); built {
			break
		}
	}
	if !built {
		t.Errorf("the first write was never built before the save settled")
	}
	// A first write that does not read: built too, its problems never shown.
	save("---\ntitle: [unclosed\n---\n", 300*time.Millisecond)
	if out := p.out.String(); strings.Contains(out, "not rebuilt") || strings.Contains(out, "unclosed") {
		t.Errorf("the terminal shows a build of a file in the middle of a save:\n%s", out)
	}
}

// TestPreviewFollowsEdits saves files as editors do and checks what is served after each.
func TestPreviewFollowsEdits(t *testing.T) {
	p := startPreview(t)
	code, body := p.get(page)
	if code != 200 || !strings.Contains(body, "Dati catastali") || !strings.Contains(body, serve.LivePrefix+"live.js") {
		t.Fatalf("%s: %d, live script %v", page, code, strings.Contains(body, "live.js"))
	}
	orig := p.read(prop)

	t.Run("write", func(t *testing.T) {
		p.write(prop, strings.Replace(orig, "## Contesto", "## Contesto\n\nScritto adesso.", 1))
		if r := p.next(); r.err != nil || r.sn.Kind != "words" {
			t.Fatalf("rebuild: %v", r.err)
		}
		p.quiet()
		if _, body := p.get(page); !strings.Contains(body, "Scritto adesso.") {
			t.Error("the page does not show the edit")
		}
	})

	t.Run("rename-save", func(t *testing.T) {
		tmp := filepath.Join(p.dir, "content/proposals/catasto-api-comuni/.index.md.swp123")
		if err := os.WriteFile(tmp, []byte(strings.Replace(orig, "## Contesto", "## Contesto\n\nSalvato con rename.", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(p.dir, prop)); err != nil {
			t.Fatal(err)
		}
		if r := p.next(); r.err != nil {
			t.Fatalf("rebuild: %v", r.err)
		}
		p.quiet()
		if _, body := p.get(page); !strings.Contains(body, "Salvato con rename.") {
			t.Error("the page does not show the edit")
		}
	})

	t.Run("new folder", func(t *testing.T) {
		p.write("content/proposals/nuova/index.md", "---\ntitle: Una proposta appena scritta\nbody: c_h223\ndate: 2026-11-20\n---\n\nTesto.\n")
		p.write("content/proposals/nuova/reactions/m_ef.yaml", "vote: support\n")
		for {
			if r := p.next(); r.err != nil {
				t.Fatalf("rebuild: %v", r.err)
			}
			if code, body := p.get("/proposals/nuova/"); code == 200 && strings.Contains(body, "appena scritta") {
				break
			}
		}
		p.settle()
		if _, body := p.get("/proposals/"); !strings.Contains(body, "appena scritta") {
			t.Error("the list does not show the new proposal")
		}
	})

	t.Run("remove folder", func(t *testing.T) {
		if err := os.RemoveAll(filepath.Join(p.dir, "content/proposals/nuova")); err != nil {
			t.Fatal(err)
		}
		// The removal of a folder and its files may come as more than one batch of
		// events: wait for the rebuild that serves it gone.
		for {
			if r := p.next(); r.err != nil {
				t.Fatalf("rebuild: %v", r.err)
			}
			if code, _ := p.get("/proposals/nuova/"); code == 404 {
				break
			}
		}
		p.settle()
	})

	t.Run("break and fix", func(t *testing.T) {
		p.write(prop, "---\ntitle: [unclosed\n---\n")
		r := p.next()
		if !errors.Is(r.err, generator.ErrContent) {
			t.Fatalf("a broken file: %v", r.err)
		}
		if !strings.Contains(p.out.String(), prop+":3:1: invalid YAML") {
			t.Errorf("the terminal does not say where:\n%s", p.out.String())
		}
		if code, body := p.get(page); code != 200 || !strings.Contains(body, "Salvato con rename.") {
			t.Errorf("the last good build is not served: %d", code)
		}
		p.write(prop, orig)
		if r := p.next(); r.err != nil {
			t.Fatalf("fixed: %v", r.err)
		}
		if _, body := p.get(page); strings.Contains(body, "Salvato con rename.") || !strings.Contains(body, "Dati catastali") {
			t.Error("the fixed file is not served")
		}
	})

	t.Run("layout", func(t *testing.T) {
		p.write("layouts/partials/head-extra.html", "<meta name=\"x-test\" content=\"1\">\n")
		if r := p.next(); r.err != nil {
			t.Fatalf("rebuild: %v", r.err)
		}
	})
}

// TestPreviewServesOnlyTheSite: no dotfiles, no Git folder, no way out of the build.
func TestPreviewServesOnlyTheSite(t *testing.T) {
	p := startPreview(t)
	if err := os.MkdirAll(filepath.Join(p.dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	p.write(".git/config", "[core]\n")
	p.write("content/.secret", "x")
	outside := filepath.Join(t.TempDir(), "outside.md")
	if err := os.WriteFile(outside, []byte("---\ntitle: Fuori\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(p.dir, "content/proposals/fuori.md")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/.git/config", "/.git/", "/content/.secret", "/pspm.yaml", "/content/proposals/catasto-api-comuni/index.md",
		"/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/proposals/..%2f..%2f..%2fetc/passwd", "/proposals/fuori/", "/.well-known/x"} {
		code, body := p.get(path)
		if code != 404 && code != 400 {
			t.Errorf("%s answers %d", path, code)
		}
		if strings.Contains(body, "[core]") || strings.Contains(body, "root:") {
			t.Errorf("%s leaks a file", path)
		}
	}
	req, _ := http.NewRequest(http.MethodPost, p.base+"/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST / answers %d", resp.StatusCode)
	}
}

// TestPreviewAnswersWholePagesDuringRebuilds sends requests from 16 goroutines while
// the author saves 20 times: no error, and every page whole.
func TestPreviewAnswersWholePagesDuringRebuilds(t *testing.T) {
	p := startPreview(t)
	orig := p.read(prop)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var requests, failures atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second}
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			paths := []string{page, "/", "/proposals/", "/api/v1/proposals.json", "/css/pspm.css", "/bodies/c_h223/"}
			for k := i; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				path := paths[k%len(paths)]
				resp, err := client.Get(p.base + path)
				if err != nil {
					failures.Add(1)
					t.Errorf("%s: %v", path, err)
					return
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				requests.Add(1)
				if err != nil || resp.StatusCode != 200 {
					failures.Add(1)
					t.Errorf("%s: %d %v", path, resp.StatusCode, err)
					return
				}
				if strings.HasSuffix(path, "/") && !bytes.HasSuffix(bytes.TrimSpace(body), []byte("</html>")) {
					failures.Add(1)
					t.Errorf("%s: a partial page", path)
					return
				}
			}
		}()
	}
	for i := range 20 {
		text := strings.Replace(orig, "## Contesto", "## Contesto\n\nModifica "+string(rune('a'+i))+".", 1)
		if i%4 == 3 {
			text = strings.Replace(text, "status: open", "status: under-review", 1)
		}
		p.write(prop, text)
		if r := p.next(); r.err != nil {
			t.Fatalf("rebuild %d: %v", i, r.err)
		}
	}
	close(stop)
	wg.Wait()
	if requests.Load() < 100 || failures.Load() > 0 {
		t.Errorf("%d requests, %d failed", requests.Load(), failures.Load())
	}
}

// TestPreviewWatchesTheSiteTheme: a theme folder named in pspm.yaml, outside themes/, is
// watched too.
func TestPreviewWatchesTheSiteTheme(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Site()); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{
		"pspm.yaml":                      "theme: aspetto\n",
		"aspetto/layouts/partials/.keep": "",
		"aspetto/static/css/aspetto.css": "body { color: #111 }\n",
		"aspetto/i18n/it.yaml":           "menu.home: Pagina iniziale\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := generator.OpenSource(dir)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt := make(chan error, 10)
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	first := true
	go func() {
		done <- serve.Preview(ctx, serve.PreviewOptions{Source: src, Dir: dir, BaseURL: "http://127.0.0.1/", BasePath: "/",
			Addr: "127.0.0.1:0", Out: io.Discard, Ready: func(a string) { ready <- a },
			Rebuilt: func(_ *generator.Snapshot, _ *generator.Result, err error) {
				if first {
					first = false
					return
				}
				rebuilt <- err
			}})
	}()
	defer func() { cancel(); <-done }()
	base := "http://" + <-ready
	if err := os.WriteFile(filepath.Join(dir, "aspetto/i18n/it.yaml"), []byte("menu.home: Inizio del portale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-rebuilt:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("an edit of the site's theme rebuilds nothing")
	}
	resp, err := http.Get(base + "/proposals/") // its breadcrumbs start at the home page
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "Inizio del portale") {
		t.Error("the page does not show the theme's new string")
	}
}

// TestPreviewNeverServesARefusedAttachment saves, beside a practice, a link to the
// checkout's .git/config and a web page: the preview shows the build's errors and serves
// neither, before or after a later good save.
func TestPreviewNeverServesARefusedAttachment(t *testing.T) {
	p := startPreview(t)
	const practice = "content/practices/autovalutazione-maturita-digitale/"
	if err := os.MkdirAll(filepath.Join(p.dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	p.write(".git/config", "[remote \"origin\"]\n\turl = https://u:TOKEN@example.org/x.git\n")
	if err := os.Symlink("../../../.git/config", filepath.Join(p.dir, practice+"config")); err != nil {
		t.Fatal(err)
	}
	if r := p.next(); r.err == nil {
		t.Fatalf("a build with a symbolic link in content succeeded")
	}
	p.write(practice+"pagina.html", "<script>alert(document.cookie)</script>")
	if r := p.next(); r.err == nil {
		t.Fatalf("a build with an HTML attachment succeeded")
	}
	for _, path := range []string{"/practices/autovalutazione-maturita-digitale/config", "/practices/autovalutazione-maturita-digitale/pagina.html"} {
		code, body := p.get(path)
		if code == 200 || strings.Contains(body, "TOKEN") || strings.Contains(body, "alert(") {
			t.Errorf("%s answers %d:\n%s", path, code, body)
		}
	}
}

// TestPreviewAnswersOnlyItsOwnNames drives the running preview: a request that names
// another host (DNS rebinding) is refused, pages and events alike.
func TestPreviewAnswersOnlyItsOwnNames(t *testing.T) {
	p := startPreview(t)
	for _, c := range []struct {
		host, path string
		want       int
	}{
		{"attacker.example", "/", http.StatusForbidden},
		{"attacker.example", serve.LivePrefix + "events", http.StatusForbidden},
		{"localhost", "/", http.StatusOK},
		{strings.TrimPrefix(p.base, "http://"), "/", http.StatusOK},
	} {
		req, _ := http.NewRequest(http.MethodGet, p.base+c.path, nil)
		req.Host = c.host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("Host %q %s: %d, want %d", c.host, c.path, resp.StatusCode, c.want)
		}
	}
}
