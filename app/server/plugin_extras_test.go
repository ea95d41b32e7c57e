package server_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/trovato/trovato/app/server"
	"github.com/trovato/trovato/app/testenv"
)

var (
	notesOnce sync.Once
	notesDir  string
	notesErr  error
)

// notesPlugins is the real plugins directory plus the notes test plugin
// (DB API, routes, hostile preprocess), built once per test binary.
func notesPlugins(t *testing.T) string {
	t.Helper()
	notesOnce.Do(func() {
		if notesDir, notesErr = os.MkdirTemp("", "trovato-notes-plugins-"); notesErr != nil {
			return
		}
		if notesErr = os.CopyFS(notesDir, os.DirFS(testenv.Plugins(t))); notesErr != nil {
			return
		}
		notesErr = testenv.BuildPlugin(filepath.Join(testenv.RepoRoot(), "app", "plugin", "testdata", "notes"), notesDir)
	})
	if notesErr != nil {
		t.Fatal(notesErr)
	}
	return notesDir
}

// A route's permission is checked by the kernel before the plugin runs:
// anonymous visitors are sent to log in, others without it get 403. Also
// tap_preprocess merging and sanitizing on an item display.
func TestPluginRoutePermissionAndPreprocess(t *testing.T) {
	s := startSite(t, testenv.Database(t), notesPlugins(t))
	if _, err := s.Users.Create(context.Background(), "editor", "editor-password", false); err != nil {
		t.Fatal(err)
	}
	anon := newClient(t, s)
	if r := anon.get("/notes/secret/abc"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/user/login") {
		t.Errorf("anonymous GET /notes/secret/abc: %d %s, want a redirect to log in", r.status, r.header.Get("Location"))
	}
	editor := newClient(t, s)
	editor.login("editor", "editor-password")
	if r := editor.get("/notes/secret/abc"); r.status != http.StatusForbidden {
		t.Errorf("editor GET /notes/secret/abc: %d, want 403", r.status)
	}
	mustNotContain(t, editor.get("/notes/secret/abc").body, "the secret of")
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	r := admin.get("/notes/secret/abc")
	if r.status != http.StatusOK {
		t.Fatalf("admin GET /notes/secret/abc: %d\n%s", r.status, r.body)
	}
	mustContain(t, r.body, "<title>Secret abc", "the secret of abc for admin")

	// A page reading the plugin's own table (written by its install tap);
	// tap_preprocess adds the page class.
	r = anon.get("/notes")
	mustContain(t, r.body, `class="note"`, "installed", "plugin-page--notes notes-page")
	// Kernel routes win over plugin routes; POST is not served.
	if r := anon.do("POST", "/notes", nil, nil); r.status == http.StatusOK {
		t.Errorf("POST /notes: %d", r.status)
	}

	// tap_preprocess answers are merged additively and sanitized: the safe
	// class, attribute and children arrive; event handlers, style, htmx
	// attributes, bad class names, javascript: links, scripts and unknown
	// element types do not; nothing the kernel put there is lost.
	r = admin.postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Preprocessed","fields":{"field_subtitle":{"value":"Kept subtitle"}}}`)
	page := anon.get(r.json(t)["url"].(string))
	if page.status != http.StatusOK {
		t.Fatalf("item page: %d", page.status)
	}
	div := itemDiv.FindString(page.body)
	if div == "" {
		t.Fatalf("no item element:\n%s", page.body)
	}
	mustContain(t, div, "notes-pp", `data-notes="Preprocessed"`)
	mustNotContain(t, div, "onclick", "style=", "hx-get", "bad", "script")
	mustContain(t, page.body, "Kept subtitle", "Submitted by admin", `class="notes-child"`, "note for Preprocessed", "<b>bold</b>", `class="notes-evil"`)
	mustNotContain(t, page.body, "javascript:", "alert(1)", "alert(2)", "<iframe", "unknown type")
}

var itemDiv = regexp.MustCompile(`<div[^>]*class="item item--page item--full[^"]*"[^>]*>`)

// Uninstall through /admin/plugins: the confirmation names the tables, the
// uninstall tap runs, the tables are dropped, and the plugin stays
// uninstalled across a restart until it is enabled again, which installs
// it afresh.
func TestUninstallDropsTablesAndPersists(t *testing.T) {
	dbURL, dir := testenv.Database(t), notesPlugins(t)
	s := startSite(t, dbURL, dir)
	ctx := context.Background()
	tableExists := func(s *server.Server) bool {
		var reg *string
		if err := s.Pool.QueryRow(ctx, "SELECT to_regclass('plugin_notes_notes')::text").Scan(&reg); err != nil {
			t.Fatal(err)
		}
		return reg != nil
	}
	if !tableExists(s) {
		t.Fatal("the notes table was not created at install")
	}
	// A variable the plugin stored (variable_set) goes with it.
	if _, err := s.Pool.Exec(ctx, `INSERT INTO plugin_variable (plugin, name, value) VALUES ('notes', 'seen', '1')`); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	list := admin.get("/admin/plugins")
	if r := admin.postForm("/admin/plugins/notes/disable", url.Values{"csrf_token": {csrf(t, list)}}); r.status != http.StatusSeeOther {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	confirm := admin.get("/admin/plugins/notes/uninstall")
	mustContain(t, confirm.body, `data-testid="uninstall-tables"`, "<code>plugin_notes_notes</code>")
	if r := admin.postForm("/admin/plugins/notes/uninstall", url.Values{"csrf_token": {csrf(t, confirm)}, "confirm": {"1"}}); r.status != http.StatusSeeOther {
		t.Fatalf("uninstall: %d %s", r.status, r.body)
	}
	if tableExists(s) {
		t.Error("uninstall left plugin_notes_notes")
	}
	var vars int
	if err := s.Pool.QueryRow(ctx, "SELECT count(*) FROM plugin_variable WHERE plugin = 'notes'").Scan(&vars); err != nil || vars != 0 {
		t.Errorf("uninstall left %d variables of notes (err %v)", vars, err)
	}
	list = admin.get("/admin/plugins")
	mustContain(t, list.body, "The plugin notes has been uninstalled.", `data-testid="plugin-notes" data-status="uninstalled"`)
	mustNotContain(t, list.body, `data-testid="plugin-uninstall-notes"`)
	s.Close(ctx)

	// Restart: still uninstalled, no table, no route.
	s2 := startSite(t, dbURL, dir)
	if s2.Plugins.Installed("notes") || tableExists(s2) {
		t.Fatal("notes came back installed after a restart")
	}
	anon := newClient(t, s2)
	if r := anon.get("/notes"); r.status != http.StatusNotFound {
		t.Errorf("GET /notes after uninstall: %d, want 404", r.status)
	}
	admin2 := newClient(t, s2)
	admin2.login("admin", adminPassword)
	list = admin2.get("/admin/plugins")
	if r := admin2.postForm("/admin/plugins/notes/enable", url.Values{"csrf_token": {csrf(t, list)}}); r.status != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.status)
	}
	if !tableExists(s2) || !s2.Plugins.Installed("notes") {
		t.Error("enable did not install notes again")
	}
	mustContain(t, anon.get("/notes").body, "installed")
}
