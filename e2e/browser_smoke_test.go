package e2e

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/mxschmitt/playwright-go"
)

// TestBrowserSmoke proves the browser stack without the application: the Playwright driver from node_modules,
// Debian's Chromium, the committed static/js/htmx.min.js, label and role locators, an htmx swap, and a screenshot.
// It needs no database, so it runs (and fails clearly) even when the application cannot start.
func TestBrowserSmoke(t *testing.T) {
	htmx, err := os.ReadFile(filepath.Join(repoRoot, "static", "js", "htmx.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	var clicks atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("GET /htmx.min.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(htmx)
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html><head><title>Smoke</title><script src="/htmx.min.js"></script></head>
<body><form hx-post="/greet" hx-target="#out" action="/greet" method="post">
<label for="who">Your name</label> <input id="who" name="who">
<button type="submit">Greet</button></form>
<p id="out" data-testid="out">nothing yet</p></body></html>`)
	})
	mux.HandleFunc("POST /greet", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("HX-Request") != "true" {
			http.Error(w, "not an htmx request", http.StatusBadRequest)
			return
		}
		clicks.Add(1)
		fmt.Fprintf(w, "Hello, %s!", r.FormValue("who"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	page := newBrowserPage(t, srv.URL)
	if _, err := page.Goto("/"); err != nil {
		t.Fatalf("goto: %v", err)
	}
	if err := page.GetByLabel("Your name").Fill("Ada"); err != nil {
		t.Fatalf("fill: %v", err)
	}
	if err := page.GetByRole(*playwright.AriaRoleButton, playwright.PageGetByRoleOptions{Name: "Greet"}).Click(); err != nil {
		t.Fatalf("click: %v", err)
	}
	if err := expect.Locator(page.GetByTestId("out")).ToHaveText("Hello, Ada!"); err != nil {
		t.Fatalf("htmx swap: %v", err)
	}
	if n := clicks.Load(); n != 1 {
		t.Fatalf("server saw %d htmx requests, want 1", n)
	}
	if err := expect.Page(page).ToHaveURL(srv.URL + "/"); err != nil {
		t.Fatalf("the form was submitted without htmx: %v", err)
	}

	png, err := page.Screenshot()
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 1000 {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(png))
	}
}
