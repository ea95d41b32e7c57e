package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/extend"
	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

// hostAPISite is newSite with the hostapi test plugin twice (as hostapi
// and as peer), so two plugins share each request.
func hostAPISite(t *testing.T) *server.Server {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(testenv.Plugins(t))); err != nil {
		t.Fatal(err)
	}
	if err := testenv.BuildPlugin(filepath.Join(testenv.RepoRoot(), "app", "plugin", "testdata", "hostapi"), dir); err != nil {
		t.Fatal(err)
	}
	peer := filepath.Join(dir, "peer")
	if err := os.MkdirAll(peer, 0o755); err != nil {
		t.Fatal(err)
	}
	wasm, err := os.ReadFile(filepath.Join(dir, "hostapi", "hostapi.wasm"))
	if err != nil {
		t.Fatal(err)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "hostapi", "plugin.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(peer, "peer.wasm"), wasm, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(peer, "plugin.json"), bytes.Replace(manifest, []byte(`"hostapi"`), []byte(`"peer"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return startSite(t, testenv.Database(t), dir)
}

// TestHostAPIOnALiveSite shares one site (starting one costs a plugin
// compilation) between the host API checks that need the whole server.
func TestHostAPIOnALiveSite(t *testing.T) {
	s := hostAPISite(t)
	t.Run("request scope", func(t *testing.T) { requestScope(t, s) })
	t.Run("item save invalidates cache", func(t *testing.T) { itemSaveInvalidates(t, s) })
	t.Run("cron pass", func(t *testing.T) { cronPass(t, s) })
}

// requestScope: the request context carries the user and is shared by the
// plugins of one request only.
func requestScope(t *testing.T, s *server.Server) {
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	page := createPage(t, admin, "Scoped")
	for range 2 { // each request starts with an empty request context
		body := admin.get(page).body
		mustContain(t, body, "hostapi view 1 for admin (administer plugins: true)", "hostapi view 2 for admin (administer plugins: true)")
		mustNotContain(t, body, "hostapi view 3")
	}
	body := newClient(t, s).get(page).body
	mustContain(t, body, "hostapi view 1 for anonymous (administer plugins: false)")
}

// cronPass: `trovato cron` runs every plugin's tap_cron (hello counts its
// runs, the tutorial's step 7) and the kernel tasks.
func cronPass(t *testing.T, s *server.Server) {
	ctx := context.Background()
	if err := s.Plugins.Enable(ctx, "hello"); err != nil { // the demo site starts with it off
		t.Fatal(err)
	}
	for range 2 {
		var out bytes.Buffer
		if err := s.Jobs.RunAll(ctx, &out); err != nil {
			t.Fatalf("RunAll: %v\n%s", err, out.String())
		}
		for _, want := range []string{"tap_cron hostapi", "tap_cron peer", "tap_cron hello", "revision_pruning", "form_state_cleanup", "Cron run completed."} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("cron output lacks %q:\n%s", want, out.String())
			}
		}
	}
	vars := extend.NewVariables(s.Pool)
	for _, p := range []string{"hostapi", "hello"} {
		v, ok, err := vars.PluginVariable(ctx, p, "cron_runs")
		if err != nil || !ok || string(v) != "2" {
			t.Errorf("%s cron_runs = %s %v %v, want 2", p, v, ok, err)
		}
	}
	// Each hostapi/peer tap_cron queued a job for the "work" queue (worked
	// by serve).
	var n int
	if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM river_job WHERE kind = 'plugin_queue'").Scan(&n); err != nil || n != 4 {
		t.Errorf("queued plugin jobs = %d (%v), want 4", n, err)
	}
}

// itemSaveInvalidates: saving an item invalidates the plugin cache
// entries tagged item:ID.
func itemSaveInvalidates(t *testing.T, s *server.Server) {
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	page := createPage(t, admin, "Cached")
	id := strings.TrimPrefix(page, "/item/")
	ctx := context.Background()
	call := func(req map[string]any) (found bool) {
		in, _ := json.Marshal(req)
		out, err := s.Plugins.Call(ctx, "hostapi", "api", in, nil)
		if err != nil {
			t.Fatal(err)
		}
		var r struct {
			Err   string
			Found bool
		}
		if err := json.Unmarshal(out, &r); err != nil || r.Err != "" {
			t.Fatalf("api %v: %s %v", req, out, err)
		}
		return r.Found
	}
	call(map[string]any{"op": "cache_set", "name": "teaser", "value": "built from the item", "tags": []string{"item:" + id}})
	call(map[string]any{"op": "cache_set", "name": "other", "value": "unrelated", "tags": []string{"item:someone-else"}})
	if !call(map[string]any{"op": "cache_get", "name": "teaser"}) {
		t.Fatal("not cached")
	}
	edit := admin.get(page + "/edit")
	if r := admin.formPost(edit, page+"/edit", url.Values{"title": {"Cached, edited"}, "status": {"1"}, "op": {"Save"}}); r.status != 303 {
		t.Fatalf("edit: %d\n%s", r.status, r.body)
	}
	if call(map[string]any{"op": "cache_get", "name": "teaser"}) {
		t.Error("the item's save did not invalidate the entry tagged with it")
	}
	if !call(map[string]any{"op": "cache_get", "name": "other"}) {
		t.Error("an entry tagged with another item was invalidated")
	}
}
