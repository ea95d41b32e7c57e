package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/trovato/trovato/app/server"
)

// TestBlockVisibilityRolesTypes: blocks limited to roles and content types
// (Drupal 7's block settings) show to exactly the viewers and on exactly
// the pages they name — anonymous, a logged-in user without roles and an
// editor, on an article page, a basic page and a listing page — and the
// same path requested by different viewers in turn never hands one
// viewer's blocks to the next. The form keeps the checked roles and types
// when it answers 422.
func TestBlockVisibilityRolesTypes(t *testing.T) {
	s := newSite(t)
	seedArticleSite(t, s)
	ctx := t.Context()
	for name, role := range map[string]string{"vic": "", "eddie": "editor"} {
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
	var article, basic string
	if err := s.Pool.QueryRow(ctx, `SELECT id::text FROM item WHERE type = 'article' AND status ORDER BY created LIMIT 1`).Scan(&article); err != nil {
		t.Fatal(err)
	}
	if err := s.Pool.QueryRow(ctx, `SELECT id::text FROM item WHERE type = 'page' AND status ORDER BY created LIMIT 1`).Scan(&basic); err != nil {
		t.Fatal(err)
	}
	admin := newClient(t, s)
	admin.login("admin", adminPassword)

	t.Run("form keeps roles and types on 422", func(t *testing.T) {
		page := admin.get("/admin/structure/blocks/add")
		mustContain(t, page.body, "Show block for specific roles", `value="anonymous"`, "Anonymous user", `value="authenticated"`,
			`value="editor"`, "Show block on specific content types", `value="article"`, `value="page"`)
		r := admin.formPost(page, "/admin/structure/blocks/add", url.Values{"block": {"text"}, "body": {""}, "format": {"plain_text"},
			"region": {"sidebar_first"}, "weight": {"0"}, "visibility": {"except"}, "roles": {"editor", "anonymous"}, "types": {"article"},
			"op": {"Save block"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d, want 422\n%s", r.status, r.body)
		}
		mustContain(t, r.body, "A custom text block needs a body.")
		for _, v := range []string{"editor", "anonymous", "article"} {
			if !boxChecked(r.body, v) {
				t.Errorf("checkbox %q is not checked after the 422", v)
			}
		}
		for _, v := range []string{"authenticated", "page"} {
			if boxChecked(r.body, v) {
				t.Errorf("checkbox %q is checked after the 422, though it was not submitted", v)
			}
		}
		r = admin.formPost(page, "/admin/structure/blocks/add", url.Values{"block": {"text"}, "body": {"x"}, "format": {"plain_text"},
			"region": {"sidebar_first"}, "weight": {"0"}, "visibility": {"except"}, "roles": {"no_such_role"}, "op": {"Save block"}})
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("unknown role: status %d, want 422", r.status)
		}
		mustContain(t, r.body, "An illegal choice")
		mustNotContain(t, admin.get("/admin/structure/blocks").body, `data-testid="block-row-`)
	})

	place := func(title string, roles, types []string) string {
		t.Helper()
		return placeBlock(t, admin, url.Values{"block": {"text"}, "title": {title}, "body": {title + " body"}, "format": {"plain_text"},
			"region": {"sidebar_first"}, "weight": {"0"}, "visibility": {"except"}, "roles": roles, "types": types, "enabled": {"1"}})
	}
	place("Everyone", nil, nil)
	place("AnonOnly", []string{"anonymous"}, nil)
	place("AuthOnly", []string{"authenticated"}, nil)
	editorsID := place("EditorsOnly", []string{"editor"}, nil)
	place("AnonOrEditor", []string{"anonymous", "editor"}, nil)
	place("Articles", nil, []string{"article"})
	place("EditorArticles", []string{"editor"}, []string{"article"})

	clients := map[string]*client{"anonymous": newClient(t, s), "vic": newClient(t, s), "eddie": newClient(t, s)}
	clients["vic"].login("vic", "vic-password")
	clients["eddie"].login("eddie", "eddie-password")
	all := []string{"Everyone", "AnonOnly", "AuthOnly", "EditorsOnly", "AnonOrEditor", "Articles", "EditorArticles"}
	cases := []struct {
		viewer, path string
		want         []string
	}{
		// Viewers take turns on one path: what one sees never reaches the next.
		{"eddie", "/item/" + article, []string{"Everyone", "AuthOnly", "EditorsOnly", "AnonOrEditor", "Articles", "EditorArticles"}},
		{"anonymous", "/item/" + article, []string{"Everyone", "AnonOnly", "AnonOrEditor", "Articles"}},
		{"vic", "/item/" + article, []string{"Everyone", "AuthOnly", "Articles"}},
		{"eddie", "/item/" + article, []string{"Everyone", "AuthOnly", "EditorsOnly", "AnonOrEditor", "Articles", "EditorArticles"}},
		// A basic page: no content type blocks.
		{"anonymous", "/item/" + basic, []string{"Everyone", "AnonOnly", "AnonOrEditor"}},
		{"vic", "/item/" + basic, []string{"Everyone", "AuthOnly"}},
		{"eddie", "/item/" + basic, []string{"Everyone", "AuthOnly", "EditorsOnly", "AnonOrEditor"}},
		// Not an item page (a listing, though it lists articles): none either.
		{"eddie", "/articles", []string{"Everyone", "AuthOnly", "EditorsOnly", "AnonOrEditor"}},
		{"anonymous", "/articles", []string{"Everyone", "AnonOnly", "AnonOrEditor"}},
		// An item page's path with more after it is another page.
		{"anonymous", "/item/" + article + "/revisions", nil},
	}
	for _, tc := range cases {
		r := clients[tc.viewer].get(tc.path)
		if tc.want == nil {
			for _, b := range all {
				if strings.Contains(r.body, ">"+b+"</h2>") && b != "Everyone" {
					t.Errorf("%s at %s sees %s", tc.viewer, tc.path, b)
				}
			}
			continue
		}
		if r.status != http.StatusOK {
			t.Fatalf("%s GET %s: status %d", tc.viewer, tc.path, r.status)
		}
		var got []string
		for _, b := range all {
			if strings.Contains(r.body, `<h2 class="block-title">`+b+`</h2>`) {
				got = append(got, b)
			}
		}
		if strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%s at %s sees %v, want %v", tc.viewer, tc.path, got, tc.want)
		}
	}

	t.Run("admin list and edit form show the conditions", func(t *testing.T) {
		list := admin.get("/admin/structure/blocks").body
		mustContain(t, list, "content types: article; roles: editor", "All pages; roles: anonymous, editor")
		edit := admin.get("/admin/structure/blocks/" + editorsID + "/edit")
		if !boxChecked(edit.body, "editor") || boxChecked(edit.body, "anonymous") {
			t.Errorf("the edit form does not show exactly the editor role checked")
		}
		// Widening to every role through the form: anonymous sees it.
		r := admin.formPost(edit, "/admin/structure/blocks/"+editorsID+"/edit", url.Values{"block": {"text"}, "title": {"EditorsOnly"},
			"body": {"b"}, "format": {"plain_text"}, "region": {"sidebar_first"}, "weight": {"0"}, "visibility": {"except"},
			"enabled": {"1"}, "op": {"Save block"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit: status %d\n%s", r.status, r.body)
		}
		mustContain(t, newClient(t, s).get("/articles").body, `<h2 class="block-title">EditorsOnly</h2>`)
	})
	blockRoleDeleted(t, s, admin)
}

// blockRoleDeleted: a block limited to a role that is then deleted shows to
// nobody (it is not widened to everyone) and its form keeps the role,
// marked, so saving it does not widen it either.
func blockRoleDeleted(t *testing.T, s *server.Server, admin *client) {
	ctx := t.Context()
	if _, err := s.Pool.Exec(ctx, `INSERT INTO roles (name, label, weight) VALUES ('reviewer', 'Reviewer', 9)`); err != nil {
		t.Fatal(err)
	}
	id := placeBlock(t, admin, url.Values{"block": {"text"}, "title": {"Reviewers"}, "body": {"r"}, "format": {"plain_text"},
		"region": {"sidebar_first"}, "weight": {"0"}, "visibility": {"except"}, "roles": {"reviewer"}, "enabled": {"1"}})
	if _, err := s.Pool.Exec(ctx, `DELETE FROM roles WHERE name = 'reviewer'`); err != nil {
		t.Fatal(err)
	}
	mustNotContain(t, newClient(t, s).get("/articles").body, ">Reviewers</h2>")
	mustNotContain(t, admin.get("/articles").body, ">Reviewers</h2>")
	edit := admin.get("/admin/structure/blocks/" + id + "/edit")
	mustContain(t, edit.body, "reviewer (deleted role)")
	if !boxChecked(edit.body, "reviewer") {
		t.Error("the deleted role is not checked in the form")
	}
}

// boxChecked reports whether the checkbox with value v is rendered checked.
func boxChecked(body, v string) bool {
	i := strings.Index(body, `type="checkbox"`)
	for i >= 0 {
		end := strings.Index(body[i:], ">")
		tag := body[i : i+end]
		if strings.Contains(tag, `value="`+v+`"`) {
			return strings.Contains(tag, " checked")
		}
		next := strings.Index(body[i+1:], `type="checkbox"`)
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}
