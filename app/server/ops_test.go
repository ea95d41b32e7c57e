package server_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

func TestHealthAndMetrics(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	h := c.get("/health")
	if h.status != 200 {
		t.Fatalf("health: %d %s", h.status, h.body)
	}
	mustContain(t, h.body, `"postgres":{"status":"ok"}`, `"redis":{"status":"ok"}`, `"name":"page"`, `"state":"loaded"`)

	tok := token(t, s, "admin")
	r := c.postJSON("/item/add/page", tok, `{"title":"Counted"}`)
	view := c.get(r.json(t)["url"].(string))
	if !strings.Contains(view.header.Get("Server-Timing"), "taps;dur=") {
		t.Errorf("Server-Timing = %q", view.header.Get("Server-Timing"))
	}
	m := c.get("/metrics")
	mustContain(t, m.body,
		`trovato_http_requests_total{method="GET",route="/item/:id",status="200"} 1`,
		`trovato_tap_calls_total{plugin="page",result="ok",tap="item_view"} 1`,
		`trovato_db_pool_connections`)
}

// A plugin that cannot load leaves the site running and /health says why.
func TestBrokenPluginDoesNotStopTheSite(t *testing.T) {
	dir := t.TempDir()
	good := testenv.Plugins(t)
	if err := os.CopyFS(dir, os.DirFS(good)); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken")
	if err := os.MkdirAll(broken, 0o755); err != nil {
		t.Fatal(err)
	}
	manifest := `{"name":"broken","version":"1.0.0","abi":1,"description":"not wasm","taps":["item_view"],"capabilities":[]}`
	os.WriteFile(filepath.Join(broken, "plugin.json"), []byte(manifest), 0o644)
	os.WriteFile(filepath.Join(broken, "broken.wasm"), []byte("this is not WebAssembly"), 0o644)

	s := newSite(t, func(c *server.Config) { c.PluginsDir = dir })
	c := newClient(t, s)
	h := c.get("/health")
	if h.status != http.StatusOK {
		t.Fatalf("health: %d", h.status)
	}
	mustContain(t, h.body, `"name":"broken"`, `"state":"failed"`)
	if r := c.get("/recent-pages"); r.status != 200 {
		t.Fatalf("site does not work with a broken plugin: %d", r.status)
	}
}

// A plugin that panics or loops while an item is viewed costs only its own
// output: the page renders with the other plugins' elements, the instance
// is replaced, and /health counts the faults.
func TestHostilePluginDoesNotBreakPages(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testenv.Plugins(t))); err != nil {
		t.Fatal(err)
	}
	if err := testenv.BuildPlugin(filepath.Join(testenv.RepoRoot(), "app", "server", "testdata", "crashy"), dir); err != nil {
		t.Fatal(err)
	}
	s := newSite(t, func(c *server.Config) { c.PluginsDir = dir; c.CallTimeout = 200 * time.Millisecond })
	c := newClient(t, s)
	tok := token(t, s, "admin")
	for _, title := range []string{"panic now", "loop forever", "panic again", "calm"} {
		r := c.postJSON("/item/add/page", tok, `{"title":"`+title+`","fields":{"field_subtitle":{"value":"still here"}}}`)
		view := c.get(r.json(t)["url"].(string))
		if view.status != http.StatusOK {
			t.Fatalf("%s: status %d", title, view.status)
		}
		mustContain(t, view.body, "still here", title)
		if title == "calm" {
			mustContain(t, view.body, "crashy was here")
		} else {
			mustNotContain(t, view.body, "crashy was here")
		}
	}
	h := c.get("/health")
	mustContain(t, h.body, `"name":"crashy"`, `"faults":3`)
	for _, p := range s.Plugins.Status() {
		if p.Name == "crashy" && p.Instances < 1 {
			t.Errorf("crashy has %d instances after its faults: the pool was not refilled", p.Instances)
		}
	}
}
