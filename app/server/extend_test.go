package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/trovato/trovato/app/db"
)

// An administrator disables the page plugin in /admin/plugins: its
// subtitle disappears from item pages at once, without a restart; enabling
// it brings the subtitle back. The flag is stored in plugin_status.
func TestExtendDisableAndEnableAPlugin(t *testing.T) {
	s := newSite(t)
	admin := newClient(t, s)
	admin.login("admin", adminPassword)
	tok := token(t, s, "admin")
	r := admin.postJSON("/item/add/page", tok, `{"title":"Switchable","fields":{"field_subtitle":{"value":"A subtitle from a plugin"}}}`)
	itemURL := r.json(t)["url"].(string)
	// The tutorial's hello example starts disabled on a new site.
	mustNotContain(t, admin.get(itemURL).body, "Hello from a plugin")
	first := admin.get("/admin/plugins")
	if res := admin.postForm("/admin/plugins/hello/enable", url.Values{"csrf_token": {csrf(t, first)}}); res.status != http.StatusSeeOther {
		t.Fatalf("enable hello: %d\n%s", res.status, res.body)
	}
	mustContain(t, admin.get(itemURL).body, "A subtitle from a plugin", "Hello from a plugin")

	list := admin.get("/admin/plugins")
	if list.status != http.StatusOK {
		t.Fatalf("/admin/plugins: %d\n%s", list.status, list.body)
	}
	mustContain(t, list.body, `data-testid="plugin-page"`, `data-status="enabled"`, "item_view", "item.read",
		`data-testid="plugin-disable-page"`, `data-testid="plugin-hello"`)

	// blog does not depend on page, so page can go.
	res := admin.postForm("/admin/plugins/page/disable", url.Values{"csrf_token": {csrf(t, list)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("disable: %d\n%s", res.status, res.body)
	}
	list = admin.get("/admin/plugins")
	mustContain(t, list.body, "The plugin page has been disabled.", `data-testid="plugin-enable-page"`, `data-testid="plugin-uninstall-page"`)
	view := admin.get(itemURL)
	if view.status != http.StatusOK {
		t.Fatalf("item page with page disabled: %d", view.status)
	}
	mustContain(t, view.body, "Switchable", "Hello from a plugin")
	mustNotContain(t, view.body, "A subtitle from a plugin")
	rows, err := db.New(s.Pool).ListPluginStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]bool{}
	for _, row := range rows {
		stored[row.Name] = row.Enabled
	}
	if enabled, ok := stored["page"]; !ok || enabled {
		t.Errorf("plugin_status = %v, want page stored as disabled", stored)
	}

	// The uninstall confirmation is offered for the disabled plugin.
	mustContain(t, admin.get("/admin/plugins/page/uninstall").body, `data-testid="confirm"`, "uninstall page")

	res = admin.postForm("/admin/plugins/page/enable", url.Values{"csrf_token": {csrf(t, list)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("enable: %d\n%s", res.status, res.body)
	}
	mustContain(t, admin.get("/admin/plugins").body, "The plugin page has been enabled.")
	mustContain(t, admin.get(itemURL).body, "A subtitle from a plugin")
}

// Without "administer plugins" the pages and the operations are forbidden.
func TestExtendNeedsPermission(t *testing.T) {
	s := newSite(t)
	if _, err := s.Users.Create(context.Background(), "editor", "editor-password", false); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	c.login("editor", "editor-password")
	if r := c.get("/admin/plugins"); r.status != http.StatusForbidden {
		t.Errorf("GET /admin/plugins as editor: %d, want 403", r.status)
	}
	tok := token(t, s, "editor")
	r := c.postJSON("/admin/plugins/page/disable", tok, `{}`)
	if r.status != http.StatusForbidden {
		t.Errorf("POST disable as editor: %d, want 403\n%s", r.status, r.body)
	}
	for _, st := range s.Plugins.Status() {
		if st.Name == "page" && !st.Enabled {
			t.Error("an editor disabled the page plugin")
		}
	}
}
