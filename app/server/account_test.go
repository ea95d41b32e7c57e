package server_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"github.com/trovato/trovato/app/web"
)

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestLoginRotatesSessionAndLogout(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	form := c.get("/user/login")
	mustContain(t, form.body, `<label for="edit-name">`, `<label for="edit-pass">`, "Log in")
	before := c.cookies[web.SessionCookie]
	if before == "" {
		t.Fatal("the login form did not start a session (it needs one for its CSRF token)")
	}
	tok := csrf(t, form)

	// Without a CSRF token the login is refused.
	if r := c.postForm("/user/login", url.Values{"name": {"admin"}, "pass": {adminPassword}}); r.status != http.StatusForbidden {
		t.Fatalf("login without token: %d", r.status)
	}
	// A wrong password re-renders the form with 422 and the name kept.
	r := c.postForm("/user/login", url.Values{"csrf_token": {tok}, "name": {"admin"}, "pass": {"wrong password"}})
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong password: %d", r.status)
	}
	mustContain(t, r.body, "Unrecognized username or password.", `value="admin"`)
	mustNotContain(t, r.body, "wrong password")

	r = c.postForm("/user/login?destination=/admin", url.Values{"csrf_token": {tok}, "name": {"admin"}, "pass": {adminPassword}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/admin" {
		t.Fatalf("login: %d to %q", r.status, r.header.Get("Location"))
	}
	after := c.cookies[web.SessionCookie]
	if after == "" || after == before {
		t.Fatal("the session id was not rotated at login")
	}
	// The session lives in Redis.
	if n, err := s.Redis.Exists(context.Background(), after).Result(); err != nil || n != 1 {
		t.Fatalf("session %s not in Redis: %d %v", after, n, err)
	}
	admin := c.get("/admin")
	if admin.status != 200 {
		t.Fatalf("/admin: %d", admin.status)
	}
	mustContain(t, admin.body, `data-testid="content-list"`, "Welcome to Trovato", "Add Basic page", `data-testid="active-stage"`)

	// Logging out needs the (new) CSRF token and ends the session.
	r = c.postForm("/user/logout", url.Values{"csrf_token": {csrf(t, admin)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.status)
	}
	if r := c.get("/admin"); r.status != http.StatusSeeOther {
		t.Fatalf("/admin after logout: %d, want a redirect to login", r.status)
	}
}

func TestOpenRedirectRefused(t *testing.T) {
	s := newSite(t)
	c := newClient(t, s)
	tok := csrf(t, c.get("/user/login"))
	r := c.postForm("/user/login?destination=//evil.example", url.Values{"csrf_token": {tok}, "name": {"admin"}, "pass": {adminPassword}})
	if r.header.Get("Location") != "/" {
		t.Fatalf("redirected to %q", r.header.Get("Location"))
	}
}

func TestPermissions(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	if _, err := s.Users.Create(ctx, "visitor", "visitor-password", false); err != nil {
		t.Fatal(err)
	}
	id, err := s.Users.Create(ctx, "ed", "editor-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Users.AddRole(ctx, id, "editor"); err != nil {
		t.Fatal(err)
	}
	visitor := newClient(t, s)
	visitor.login("visitor", "visitor-password")
	if r := visitor.get("/item/add/page"); r.status != http.StatusForbidden {
		t.Errorf("authenticated user without permission: %d, want 403", r.status)
	}
	if r := visitor.get("/admin"); r.status != http.StatusForbidden {
		t.Errorf("/admin without permission: %d, want 403", r.status)
	}
	if r := newClient(t, s).postJSON("/item/add/page", token(t, s, "visitor"), `{"title":"x"}`); r.status != http.StatusForbidden {
		t.Errorf("API without permission: %d, want 403", r.status)
	}
	editor := newClient(t, s)
	editor.login("ed", "editor-password")
	if r := editor.get("/item/add/page"); r.status != http.StatusOK {
		t.Errorf("editor add form: %d", r.status)
	}
	// Unpublished items: invisible to anonymous visitors, visible to editors.
	r := newClient(t, s).postJSON("/item/add/page", token(t, s, "admin"), `{"title":"Secret","status":false}`)
	path := r.json(t)["url"].(string)
	if r := newClient(t, s).get(path); r.status != http.StatusForbidden {
		t.Errorf("anonymous sees unpublished item: %d", r.status)
	}
	if r := editor.get(path); r.status != http.StatusOK {
		t.Errorf("editor cannot see unpublished item: %d", r.status)
	}
}
