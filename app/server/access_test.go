package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAccessMatrix proves every cell of issue 4's access table through HTTP:
// anonymous, a plain user, an author (creates pages, edits and deletes only
// their own), an editor and an administrator × published/unpublished ×
// own/other × view, edit, delete — and what the admin list shows them.
func TestAccessMatrix(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	mk := func(name, role string) {
		t.Helper()
		id, err := s.Users.Create(ctx, name, name+"-password", false)
		if err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if err := s.Users.AddRole(ctx, id, role); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := s.Pool.Exec(ctx, `INSERT INTO roles (name, label) VALUES ('author', 'Author')`); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"access admin", "create page content", "edit own page content", "delete own page content"} {
		if err := s.Users.Grant(ctx, "author", p); err != nil {
			t.Fatal(err)
		}
	}
	mk("vic", "")
	mk("amy", "author")
	mk("ed", "editor")

	items := map[string]string{} // key → path
	create := func(key, owner string, published bool) {
		r := newClient(t, s).postJSON("/item/add/page", token(t, s, owner), fmt.Sprintf(`{"title":"Matrix %s","status":%v}`, key, published))
		if r.status != 201 {
			t.Fatalf("create %s: %d %s", key, r.status, r.body)
		}
		items[key] = r.json(t)["url"].(string)
	}
	create("amy-pub", "amy", true)
	create("amy-draft", "amy", false)
	create("admin-pub", "admin", true)
	create("admin-draft", "admin", false)

	clients := map[string]*client{"anonymous": newClient(t, s)}
	for _, u := range []string{"vic", "amy", "ed"} {
		clients[u] = newClient(t, s)
		clients[u].login(u, u+"-password")
	}
	clients["admin"] = newClient(t, s)
	clients["admin"].login("admin", adminPassword)

	const ok, denied, login = 200, 403, 303
	// user → item → {view, edit, delete}
	want := map[string]map[string][3]int{
		"anonymous": {"amy-pub": {ok, login, login}, "amy-draft": {denied, login, login}, "admin-pub": {ok, login, login}, "admin-draft": {denied, login, login}},
		"vic":       {"amy-pub": {ok, denied, denied}, "amy-draft": {denied, denied, denied}, "admin-pub": {ok, denied, denied}, "admin-draft": {denied, denied, denied}},
		"amy":       {"amy-pub": {ok, ok, ok}, "amy-draft": {ok, ok, ok}, "admin-pub": {ok, denied, denied}, "admin-draft": {denied, denied, denied}},
		"ed":        {"amy-pub": {ok, ok, ok}, "amy-draft": {ok, ok, ok}, "admin-pub": {ok, ok, ok}, "admin-draft": {ok, ok, ok}},
		"admin":     {"amy-pub": {ok, ok, ok}, "amy-draft": {ok, ok, ok}, "admin-pub": {ok, ok, ok}, "admin-draft": {ok, ok, ok}},
	}
	for who, row := range want {
		for key, cells := range row {
			for i, suffix := range []string{"", "/edit", "/delete"} {
				if got := clients[who].get(items[key] + suffix).status; got != cells[i] {
					t.Errorf("%s GET %s%s (%s): %d, want %d", who, key, suffix, []string{"view", "edit", "delete"}[i], got, cells[i])
				}
			}
		}
	}
	// The JSON API follows the same rules.
	if r := clients["anonymous"].do("GET", items["admin-draft"], nil, map[string]string{"Accept": "application/json"}); r.status != denied {
		t.Errorf("anonymous JSON view of a draft: %d", r.status)
	}
	if r := newClient(t, s).do("DELETE", items["admin-pub"], nil, map[string]string{"Authorization": "Bearer " + token(t, s, "amy")}); r.status != denied {
		t.Errorf("amy DELETE another's item: %d", r.status)
	}
	if r := newClient(t, s).postJSON(items["admin-pub"]+"/edit", token(t, s, "amy"), `{"title":"hijacked"}`); r.status != denied {
		t.Errorf("amy API edit of another's item: %d", r.status)
	}

	// The admin list shows each user exactly what they may see.
	listSees := map[string][]string{
		"amy":   {"amy-pub", "amy-draft", "admin-pub"},
		"ed":    {"amy-pub", "amy-draft", "admin-pub", "admin-draft"},
		"admin": {"amy-pub", "amy-draft", "admin-pub", "admin-draft"},
	}
	for who, visible := range listSees {
		body := clients[who].get("/admin/content?title=Matrix").body
		for key := range items {
			shown := strings.Contains(body, "Matrix "+key+"<")
			should := false
			for _, v := range visible {
				should = should || v == key
			}
			if shown != should {
				t.Errorf("%s's content list shows %s: %v, want %v", who, key, shown, should)
			}
		}
	}
	if r := clients["vic"].get("/admin/content"); r.status != denied {
		t.Errorf("vic /admin/content: %d", r.status)
	}
	// And listings never show drafts to those who may not see them.
	for _, who := range []string{"anonymous", "vic"} {
		mustNotContain(t, clients[who].get("/recent-pages").body, "Matrix admin-draft", "Matrix amy-draft")
	}
}

func TestAdminContentFiltersBulkAndDelete(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	c.login("admin", adminPassword)
	tok := token(t, s, "admin")
	r := c.postJSON("/item/add/page", tok, `{"title":"Draft zebra","status":false,"promote":true,"sticky":true}`)
	zebra := r.json(t)["url"].(string)
	got := c.do("GET", zebra, nil, map[string]string{"Accept": "application/json"}).body
	mustContain(t, got, `"status":false`)

	// Filters: status and title; the htmx request gets only the list.
	list := c.get("/admin/content?status=0")
	mustContain(t, list.body, "Draft zebra")
	mustNotContain(t, list.body, "Welcome to Trovato<")
	partial := c.do("GET", "/admin/content?title=welcome", nil, map[string]string{"HX-Request": "true"})
	mustContain(t, partial.body, "Welcome to Trovato", `id="content-list"`)
	mustNotContain(t, partial.body, "<html", "Draft zebra")
	// Sorting by title ascending puts "About us" before "Welcome to Trovato".
	sorted := c.get("/admin/content?sort=title&order=asc").body
	if strings.Index(sorted, "About us") > strings.Index(sorted, "Welcome to Trovato") {
		t.Error("sort by title asc is not ascending")
	}
	mustContain(t, sorted, `aria-sort="ascending"`)

	// Bulk publish.
	id := strings.TrimPrefix(zebra, "/item/")
	r = c.postForm("/admin/content", url.Values{"csrf_token": {csrf(t, list)}, "action": {"publish"}, "items": {id}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("bulk publish: %d %s", r.status, r.body)
	}
	mustContain(t, c.get("/admin/content?status=1&title=zebra").body, "Draft zebra")

	// Bulk delete asks first, then deletes.
	confirm := c.postForm("/admin/content", url.Values{"csrf_token": {csrf(t, list)}, "action": {"delete"}, "items": {id}})
	mustContain(t, confirm.body, "Are you sure you want to delete these 1 item(s)", "Draft zebra")
	if c.get(zebra).status != 200 {
		t.Fatal("the confirmation page deleted the item")
	}
	r = c.postForm("/admin/content/delete", url.Values{"csrf_token": {csrf(t, confirm)}, "items": {id}, "confirm": {"1"}})
	if r.status != http.StatusSeeOther || c.get(zebra).status != 404 {
		t.Fatalf("bulk delete: %d, item now %d", r.status, c.get(zebra).status)
	}

	// Single delete: the confirmation says what goes; the API answers 204.
	r = c.postJSON("/item/add/page", tok, `{"title":"Short lived"}`)
	path := r.json(t)["url"].(string)
	page := c.get(path + "/delete")
	mustContain(t, page.body, "Are you sure you want to delete Short lived? The item and its 1 revision(s) will be removed.")
	if r := newClient(t, s).do("DELETE", path, nil, map[string]string{"Authorization": "Bearer " + tok}); r.status != http.StatusNoContent {
		t.Fatalf("API delete: %d %s", r.status, r.body)
	}
	if r := c.get(path); r.status != 404 {
		t.Fatalf("deleted item: %d", r.status)
	}
}

// The blog plugin's tap_item_access (real wasm) lets authors edit their own
// blog posts without the role permission, and nobody else's.
func TestBlogPluginGrantsEditOwn(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	for _, name := range []string{"amy", "bob"} {
		if _, err := s.Users.Create(ctx, name, name+"-password", false); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Users.Grant(ctx, "authenticated", "create blog content"); err != nil {
		t.Fatal(err)
	}
	r := newClient(t, s).postJSON("/item/add/blog", token(t, s, "amy"), `{"title":"Amy writes"}`)
	if r.status != 201 {
		t.Fatalf("amy creates a blog post: %d %s", r.status, r.body)
	}
	path := r.json(t)["url"].(string)
	amy, bob := newClient(t, s), newClient(t, s)
	amy.login("amy", "amy-password")
	bob.login("bob", "bob-password")
	if got := amy.get(path + "/edit").status; got != 200 {
		t.Errorf("amy edits her own post: %d", got)
	}
	if got := bob.get(path + "/edit").status; got != 403 {
		t.Errorf("bob edits amy's post: %d", got)
	}
	// Without the plugin's grant the role permissions would refuse amy:
	// she holds no "edit own blog content".
	acct, _ := s.Users.LoadByName(ctx, "amy")
	if acct.Can("edit own blog content") {
		t.Fatal("test setup: amy should not hold edit own blog content")
	}
}
